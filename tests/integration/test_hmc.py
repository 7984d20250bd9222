"""An IBM Power HMC, end to end, against a real SSH peer.

fakenos serves one HMC restricted shell (prompt ``hscroot@hmc-lab:~>``) on 127.0.0.1 with
the recorded outputs of tests/unit/fixtures/ibm_hmc/ (their ``# provenance`` line dropped):
two managed systems, Operating, their firmware activated, LPARs aix01, vios1 and aix02 on the
first; any other command answers ``rbash: ...: command not found`` like the HMC's rbash. The
site has this HMC only, its password in Ansible Vault, host key checking on.

Through the command line (``weibao inspect``) twice: first no open serviceable event (no
critical hmc finding, every registry command sent, per managed system where it names one);
then a serviceable hardware event appears between the two runs: the second inspection has it
as a new critical ``hmc.events`` finding whose values carry the affected system and its AIX
LPARs. The password appears in no output or store.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from arrays import free_port, wait_listening

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "unit" / "fixtures" / "ibm_hmc"
WEIBAO = str(Path(sys.executable).parent / "weibao")
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
USER, PASSWORD = "hscroot", "Hmc-Lab-Pass-93d1"
VAULT_PASS = "hmc-lab-vault-pass"  # noqa: S105 - a test's throwaway value
HMC = "hmc-lab"
P9, P8 = "Server-9009-42A-SN7845ABC", "Server-8286-42A-SN21FE3DV"
PERIOD = time.strftime("%Y-%m", time.gmtime())
HINT = "run ./dev.sh setup (the test extra installs fakenos and netmiko)"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def slug(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def recorded(command: str, case: str) -> str:
    return (FIXTURES / slug(command) / f"{case}.raw").read_text().split("\n", 1)[1].rstrip("\n")


def catalogue_hmc():
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection.catalogue import hmc

    return hmc


def outputs() -> dict[str, str]:
    """The commands the collector sends -> what the healthy HMC answers."""
    cat = catalogue_hmc()
    out = {cat.SYSTEMS: recorded(cat.SYSTEMS, "hmc_v10_operating"),
           cat.EVENTS: recorded(cat.EVENTS, "hmc_v10_none")}
    for system in (P9, P8):
        out[cat.FIRMWARE.replace("{sys}", system)] = recorded(cat.FIRMWARE, "p9_activated")
    out[cat.LPARS.replace("{sys}", P9)] = recorded(cat.LPARS, "p9_lpars")
    out[cat.LPARS.replace("{sys}", P8)] = "No results were found."
    return out


@dataclass
class Peer:
    net: object
    port: int
    known_hosts: Path
    calls: Counter

    def set_output(self, command: str, text: str) -> None:
        commands = self.net.hosts[HMC].nos_inventory["configuration"]["commands"]
        commands[command] = {"output": self._counted(command, text)}

    def _counted(self, command: str, text: str):
        calls = self.calls

        def answer(*_args, **_kwargs):
            calls[command] += 1
            return text

        return answer


def _host_key_line(port: int) -> str:
    import socket

    import paramiko

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    return f"[127.0.0.1]:{port} {key.get_name()} {key.get_base64()}\n"


@pytest.fixture(scope="module")
def hmc_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    try:
        from fakenos import FakeNOS
    except ImportError:
        pytest.fail(f"fakenos is not installed: {HINT}", pytrace=False)
    for name in ("fakenos", "paramiko.transport"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    port = free_port()
    commands = {"exit": {"output": True}}
    commands.update({c: {"output": t} for c, t in outputs().items()})
    inventory = {
        "default": {"server": {"plugin": "ParamikoSshServer",
                               "configuration": {"address": "127.0.0.1"}}},
        "hosts": {HMC: {
            "port": port, "username": USER, "password": PASSWORD,
            "shell": {"plugin": "CMDShell",
                      "configuration": {"intro": "", "base_prompt": f"{USER}@{HMC}:~"}},
            "nos": {"plugin": "weibao_ibm_hmc", "configuration": {"commands": commands}}}}}
    platform = {"name": "weibao_ibm_hmc", "initial_prompt": "{base_prompt}>",
                "commands": {"_default_": {"output": "rbash: command not found"}}}
    net = FakeNOS(inventory=inventory, plugins=[platform])
    net.start()
    try:
        wait_listening(port)
        known_hosts = tmp_path_factory.mktemp("hmc") / "known_hosts"
        known_hosts.write_text(_host_key_line(port))
        peer = Peer(net=net, port=port, known_hosts=known_hosts, calls=Counter())
        for command, text in outputs().items():
            peer.set_output(command, text)
        yield peer
    finally:
        net.stop()


@dataclass
class Lab:
    site: Path
    data: Path
    password_file: Path

    def weibao(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [WEIBAO, "--data-dir", str(self.data), "--vault-password-file",
             str(self.password_file), *args], capture_output=True, text=True,
            timeout=timeout, env={**os.environ, "LC_ALL": "C.UTF-8"})

    def inspect(self) -> tuple[subprocess.CompletedProcess, int, list[dict]]:
        proc = self.weibao("inspect", "-i", str(self.site), "--period", PERIOD)
        assert proc.returncode in (0, 1, 2), proc.stdout + proc.stderr
        assert PASSWORD not in proc.stdout + proc.stderr
        runs = json.loads(self.weibao("runs", "--json").stdout)
        run_id = max(r["id"] for r in runs)
        found = json.loads(self.weibao("findings", "--run", str(run_id), "--json").stdout)
        return proc, run_id, found


@pytest.fixture(scope="module")
def lab(hmc_peer: Peer, tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("hmclab")
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS + "\n")
    site = root / "hmclab"
    (site / "host_vars").mkdir(parents=True)
    (site / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site: {name: hmclab, client: HMC Lab, timezone: UTC}\n"
        f"  children:\n    weibao_hmcs:\n      hosts:\n        {HMC}:\n")
    vaulted = subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", "weibao_hmc_password", PASSWORD], check=True, capture_output=True,
        text=True).stdout
    (site / "host_vars" / f"{HMC}.yml").write_text(
        f"weibao_platform: ibm_hmc\nansible_host: 127.0.0.1\nweibao_hmc_port: {hmc_peer.port}\n"
        f"weibao_hmc_user: {USER}\nweibao_hmc_timeout: 10\n"
        f"weibao_hmc_known_hosts: {hmc_peer.known_hosts}\n" + vaulted)
    return Lab(site=site, data=root / "data", password_file=password_file)


@dataclass
class Runs:
    first: list[dict]
    second: list[dict]
    codes: list[int]
    calls_after_first: dict


NEW_EVENT = ("512,B181F125,Open,12/05/2026 03:14:07,Server-9009-42A-SN7845ABC,"
             "9009-42A*7845ABC,Service processor failure")


@pytest.fixture(scope="module")
def runs(lab: Lab, hmc_peer: Peer) -> Runs:
    first_proc, _, first = lab.inspect()
    calls = dict(hmc_peer.calls)
    hmc_peer.set_output(catalogue_hmc().EVENTS, NEW_EVENT)
    second_proc, _, second = lab.inspect()
    return Runs(first, second, [first_proc.returncode, second_proc.returncode], calls)


def mine(findings: list[dict], check: str) -> list[dict]:
    return [f for f in findings if f["host"] == HMC and f["check_id"] == check]


def test_a_healthy_hmc_is_inspected(runs: Runs) -> None:
    assert runs.first, runs
    assert all(f["check_id"].startswith("hmc.") for f in runs.first)
    assert not [f for f in runs.first if f["status"] in ("critical", "unknown")], [
        (f["check_id"], f["component"], f["status"], f["summary"]) for f in runs.first]
    systems = {f["component"]: f for f in mine(runs.first, "hmc.systems")}
    assert systems[P9]["values"]["lpars"] == "aix01, vios1, aix02"
    assert [f["status"] for f in mine(runs.first, "hmc.events")] == ["ok"]


def test_every_registry_command_was_sent_once(runs: Runs) -> None:
    for command in outputs():
        assert runs.calls_after_first.get(command) == 1, (command, runs.calls_after_first)


def test_a_new_serviceable_event_is_critical_under_its_aix_lpars(runs: Runs) -> None:
    assert runs.codes[1] == 1, runs.codes
    [event] = mine(runs.second, "hmc.events")
    assert event["status"] == "critical", event
    assert event["values"]["new"] is True and event["values"]["problem_num"] == "512"
    assert event["values"]["system"] == P9
    assert event["values"]["lpars"] == "aix01, vios1, aix02"
    assert "aix01" in event["summary"]
