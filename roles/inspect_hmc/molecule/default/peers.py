"""The SSH peers of this Molecule scenario: IBM Power HMC restricted shells (prompt
``hscroot@NAME:~>``, rbash's ``command not found`` for anything else) served by fakenos on
127.0.0.1, with the recorded outputs of tests/unit/fixtures/ibm_hmc/ that
tests/integration/test_hmc.py serves (its ``outputs()``: two managed systems, Operating, their
firmware activated, LPARs aix01, vios1 and aix02 on the first, no open serviceable event).

A host of scenario ``faulty`` answers two commands differently, from the same fixtures: two
open serviceable hardware events (``hmc_v10_open``: B181F125 on the POWER9, A7004730 on the
POWER8) and a POWER8 firmware update installed but not activated (``p8_pending``).

    peers.py start STATE_DIR   (create.yml) start the peers in the background, wait until
                               each listens, write STATE_DIR/known_hosts
    peers.py stop STATE_DIR    (destroy.yml) stop them; nothing running is fine

(start, serve and stop: tests/molecule/fakenos_peers.py, shared with the other scenarios)

The hosts come from the Molecule inventory as JSON in the environment variable
WEIBAO_MOLECULE_PEERS ([{name, port, user, password, scenario}]), so no password is on a
command line; this script prints none. The last line printed is changed=yes or changed=no.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
INTEGRATION = ROOT / "tests" / "integration"
def fakenos_inventory(spec: list[dict]) -> tuple[dict, list[dict]]:
    """fakenos's inventory and platform files for the hosts of ``spec``."""
    sys.path.insert(0, str(INTEGRATION))
    from test_hmc import P8, P9, catalogue_hmc, outputs, recorded

    cat = catalogue_hmc()
    faults = {cat.EVENTS: recorded(cat.EVENTS, "hmc_v10_open"),
              cat.FIRMWARE.replace("{sys}", P8): recorded(cat.FIRMWARE, "p8_pending")}
    assert P9 in faults[cat.EVENTS] and P8 in faults[cat.EVENTS]
    hosts = {}
    for host in spec:
        answers = outputs()
        if host["scenario"] == "faulty":
            answers.update(faults)
        commands = {"exit": {"output": True}}
        commands.update({command: {"output": text} for command, text in answers.items()})
        hosts[host["name"]] = {
            "port": host["port"], "username": host["user"], "password": host["password"],
            "shell": {"plugin": "CMDShell",
                      "configuration": {"intro": "", "base_prompt": f"{host['user']}@"
                                                                    f"{host['name']}:~"}},
            "nos": {"plugin": "weibao_ibm_hmc", "configuration": {"commands": commands}}}
    platform = {"name": "weibao_ibm_hmc", "initial_prompt": "{base_prompt}>",
                "commands": {"_default_": {"output": "rbash: command not found"}}}
    return ({"default": {"server": {"plugin": "ParamikoSshServer",
                                    "configuration": {"address": "127.0.0.1"}}},
             "hosts": hosts}, [platform])


def host_key_line(port: int) -> str:
    from test_hmc import _host_key_line

    return _host_key_line(port)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests" / "molecule"))
    from fakenos_peers import Peers, main

    sys.exit(main(sys.argv, Peers(__file__, fakenos_inventory, host_key_line, __doc__)))
