"""The SSH peers of this Molecule scenario: disk array CLIs served by fakenos on 127.0.0.1
with the helpers of tests/integration/arrays.py (the array integration test's peers): an IBM
Storwize CLI (prompt ``IBM_FlashSystem:cluster1:superuser>``) or a Huawei OceanStor CLI
(prompt ``admin:/>``, ``change cli more_enabled=no``) per host, every command of the
platform's array sources answering its recorded output (tests/unit/fixtures/<platform>/),
any other command answering as the real CLI does.

A host of scenario ``faulty`` answers the drive list with the recorded failed drive that the
integration test switches to between its two runs (arrays.DRIVE_FAILED).

    peers.py start STATE_DIR   (create.yml) start the peers in the background, wait until
                               each listens, write STATE_DIR/known_hosts
    peers.py stop STATE_DIR    (destroy.yml) stop them; nothing running is fine

(start, serve and stop: tests/molecule/fakenos_peers.py, shared with the other scenarios)

The hosts come from the Molecule inventory as JSON in the environment variable
WEIBAO_MOLECULE_PEERS ([{name, platform, port, user, password, scenario}]), so no password
is on a command line; this script prints none. The last line printed is changed=yes or
changed=no.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
INTEGRATION = ROOT / "tests" / "integration"
def fakenos_inventory(spec: list[dict]) -> tuple[dict, list[dict]]:
    """fakenos's inventory and platform files for the hosts of ``spec``."""
    sys.path.insert(0, str(INTEGRATION))
    from arrays import DRIVE_FAILED, Device, _inventory, _platforms, recorded, registry_commands

    devices = {h["name"]: Device(h["name"], h["platform"], h["port"], h["user"], h["password"])
               for h in spec}
    inventory = _inventory(devices, Counter())
    for host in spec:
        if host["scenario"] == "faulty":
            key, folder, case = DRIVE_FAILED[host["platform"]]
            commands = inventory["hosts"][host["name"]]["nos"]["configuration"]["commands"]
            commands[registry_commands(host["platform"])[key]] = {
                "output": recorded(host["platform"], folder, case)}
    return inventory, _platforms()


def host_key_line(port: int) -> str:
    from arrays import _host_key_line

    return _host_key_line(port)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests" / "molecule"))
    from fakenos_peers import Peers, main

    sys.exit(main(sys.argv, Peers(__file__, fakenos_inventory, host_key_line, __doc__)))
