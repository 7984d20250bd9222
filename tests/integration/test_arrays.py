"""External disk arrays, end to end, against real SSH peers.

One IBM Storwize CLI and one Huawei OceanStor CLI served by fakenos (tests/integration/
arrays.py) with recorded outputs; a site of arrays only, their passwords in Ansible Vault,
host key checking on (the lab's known_hosts). Through the command line (`weibao inspect`):

1. both arrays healthy: inspected, no critical array finding, every command of the registry
   sent once per array (OceanStor's paging turned off first);
2. a drive goes failed between two runs: the second inspection has new critical drive
   findings on both;
3. an array where nothing listens, one that accepts TCP and never answers, a wrong password
   and an unknown host key: unreachable within their timeouts, or that host's clear failure.

The passwords appear in no output, store, archive or process command line. The session
itself (cli_session) is also driven directly: prompt, a command that hangs, a device error.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from arrays import (  # noqa: F401 - array_peers is a fixture
    NO_PROMPT,
    OCEANSTOR,
    OCEANSTOR_PASSWORD,
    STORWIZE,
    STORWIZE_PASSWORD,
    ArrayPeers,
    array_peers,
    free_port,
    registry_commands,
    wait_listening,
)

WEIBAO = str(Path(sys.executable).parent / "weibao")
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
VAULT_PASS = "array-lab-vault-pass"  # noqa: S105 - a test's throwaway value
WRONG_PASSWORD = "Wrong-Array-Pass-5e0b"  # noqa: S105
SECRETS = (STORWIZE_PASSWORD, OCEANSTOR_PASSWORD, WRONG_PASSWORD, VAULT_PASS)
PERIOD = time.strftime("%Y-%m", time.gmtime())
GONE, HUNG, WRONG_PW, NO_KEY = "gone-array", "hung-array", "wrongpw-array", "nokey-array"
# fakenos logs (and pytest reports) a thread error whenever a client drops a session early
# (the refused host key, the wrong password): the peer's noise, not the collector's
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def watch_process_list(stop: threading.Event, seen: list[str]) -> None:
    """Every process's command line while inspections run: no password in any."""
    while not stop.is_set():
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                except OSError:
                    continue
                if "ansible-playbook" in argv:
                    seen.append("ansible-playbook")
                if any(secret in argv for secret in SECRETS):
                    seen.append("SECRET IN: " + argv.replace("\0", " "))
        time.sleep(0.01)


@dataclass
class Lab:
    site: Path
    data: Path
    password_file: Path
    outputs: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def weibao(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        stop = threading.Event()
        watcher = threading.Thread(target=watch_process_list, args=(stop, self.commands))
        watcher.start()
        try:
            proc = subprocess.run(
                [WEIBAO, "--data-dir", str(self.data), "--vault-password-file",
                 str(self.password_file), *args], capture_output=True, text=True,
                timeout=timeout, env={**os.environ, "LC_ALL": "C.UTF-8"})
        finally:
            stop.set()
            watcher.join()
        self.outputs.append(proc.stdout + proc.stderr)
        return proc

    def inspect(self, limit: str) -> tuple[subprocess.CompletedProcess, int, list[dict]]:
        proc = self.weibao("inspect", "-i", str(self.site), "--period", PERIOD,
                           "--limit", limit)
        assert proc.returncode in (0, 1, 2), proc.stdout + proc.stderr
        runs = json.loads(self.weibao("runs", "--json").stdout)
        run_id = max(r["id"] for r in runs)
        found = json.loads(self.weibao("findings", "--run", str(run_id), "--json").stdout)
        return proc, run_id, found

    def hosts_of(self, run_id: int) -> dict[str, dict]:
        runs = json.loads(self.weibao("runs", "--json").stdout)
        return {h["name"]: h for h in next(r for r in runs if r["id"] == run_id)["hosts"]}


def vaulted(name: str, value: str, password_file: Path) -> str:
    return subprocess.run(
        [ANSIBLE_VAULT, "encrypt_string", "--vault-password-file", str(password_file),
         "--name", name, value], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hung_port() -> Iterator[int]:
    hung = socket.socket()  # listens (the kernel completes the handshake), never answers
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)
    yield hung.getsockname()[1]
    hung.close()


@pytest.fixture(scope="module")
def lab(array_peers: ArrayPeers, hung_port: int,  # noqa: F811
        tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("arraylab")
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS + "\n")
    site = root / "arraylab"
    (site / "host_vars").mkdir(parents=True)
    names = (STORWIZE, OCEANSTOR, GONE, HUNG, WRONG_PW, NO_KEY)
    (site / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site: {name: arraylab, client: Array Lab, timezone: UTC}\n"
        "  children:\n    weibao_arrays:\n      hosts:\n"
        + "".join(f"        {h}:\n" for h in names))
    storwize, oceanstor = array_peers.devices[STORWIZE], array_peers.devices[OCEANSTOR]
    empty_known_hosts = root / "empty_known_hosts"
    empty_known_hosts.write_text("")
    hosts = {
        STORWIZE: (storwize, storwize.port, storwize.password, 10, array_peers.known_hosts),
        OCEANSTOR: (oceanstor, oceanstor.port, oceanstor.password, 10,
                    array_peers.known_hosts),
        GONE: (storwize, free_port(), storwize.password, 3, array_peers.known_hosts),
        HUNG: (oceanstor, hung_port, oceanstor.password, 3, array_peers.known_hosts),
        WRONG_PW: (storwize, storwize.port, WRONG_PASSWORD, 10, array_peers.known_hosts),
        NO_KEY: (oceanstor, oceanstor.port, oceanstor.password, 10, empty_known_hosts),
    }
    for host, (device, port, password, timeout, known) in hosts.items():
        (site / "host_vars" / f"{host}.yml").write_text(
            f"weibao_platform: {device.platform}\nansible_host: 127.0.0.1\n"
            f"weibao_array_port: {port}\nweibao_array_user: {device.user}\n"
            f"weibao_array_timeout: {timeout}\nweibao_array_known_hosts: {known}\n"
            + vaulted("weibao_array_password", password, password_file))
    return Lab(site=site, data=root / "data", password_file=password_file)


def by(findings: list[dict], host: str, check: str) -> list[dict]:
    return [f for f in findings if f["host"] == host and f["check_id"] == check]


def critical(findings: list[dict], host: str, check: str) -> list[dict]:
    return [f for f in by(findings, host, check) if f["status"] == "critical"]


@dataclass
class Runs:
    first: list[dict]
    second: list[dict]
    codes: list[int]
    first_id: int
    calls_after_first: dict


@pytest.fixture(scope="module")
def runs(lab: Lab, array_peers: ArrayPeers) -> Runs:  # noqa: F811
    both = f"{STORWIZE},{OCEANSTOR}"
    first_proc, first_id, first = lab.inspect(both)
    calls = dict(array_peers.calls)
    array_peers.drive_failed(STORWIZE)
    array_peers.drive_failed(OCEANSTOR)
    second_proc, _, second = lab.inspect(both)
    return Runs(first, second, [first_proc.returncode, second_proc.returncode], first_id,
                calls)


def test_healthy_arrays_are_inspected(lab: Lab, runs: Runs) -> None:
    hosts = lab.hosts_of(runs.first_id)
    assert hosts[STORWIZE]["status"] == "inspected", hosts
    assert hosts[OCEANSTOR]["status"] == "inspected", hosts
    for host in (STORWIZE, OCEANSTOR):
        mine = [f for f in runs.first if f["host"] == host]
        assert mine and all(f["check_id"].startswith("array.") for f in mine), mine
        assert not critical(runs.first, host, "array.drives"), by(runs.first, host,
                                                                  "array.drives")
        # every drive check was judged on what the array said, not unknown
        assert by(runs.first, host, "array.drives"), mine
        assert all(f["status"] != "unknown" for f in by(runs.first, host, "array.drives"))


@pytest.mark.parametrize(("host", "platform"), [(STORWIZE, "ibm_storwize"),
                                                (OCEANSTOR, "huawei_oceanstor")])
def test_every_registry_command_was_sent_once(runs: Runs, host: str, platform: str) -> None:
    for command in registry_commands(platform).values():
        assert runs.calls_after_first.get((host, command)) == 1, (command,
                                                                  runs.calls_after_first)
    if platform == "huawei_oceanstor":
        assert runs.calls_after_first.get((host, "change cli more_enabled=no")) == 1


@pytest.mark.parametrize("host", [STORWIZE, OCEANSTOR])
def test_a_failed_drive_is_a_new_critical_finding(runs: Runs, host: str) -> None:
    assert runs.codes[1] == 1, runs.codes  # critical findings, every array inspected
    before = {f["component"] for f in critical(runs.first, host, "array.drives")}
    after = {f["component"] for f in critical(runs.second, host, "array.drives")}
    assert after - before, (before, [(f["component"], f["status"], f["summary"])
                                     for f in by(runs.second, host, "array.drives")])


def test_unreachable_refused_and_unknown_key(lab: Lab) -> None:
    started = time.monotonic()
    proc, run_id, found = lab.inspect(f"{GONE},{HUNG},{WRONG_PW},{NO_KEY}")
    took = time.monotonic() - started
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert took < 60, took  # timeouts of 3 s, in parallel
    hosts = lab.hosts_of(run_id)
    assert hosts[GONE]["status"] == "unreachable", hosts
    assert "connection refused" in hosts[GONE]["message"], hosts
    assert hosts[HUNG]["status"] == "unreachable", hosts
    assert "within 3 s: the port accepted the connection but no SSH server answered" in \
        hosts[HUNG]["message"], hosts
    assert hosts[WRONG_PW]["status"] == "failed", hosts
    assert "refused for user 'superuser'" in hosts[WRONG_PW]["message"], hosts
    assert hosts[NO_KEY]["status"] == "failed", hosts
    assert "host key" in hosts[NO_KEY]["message"], hosts
    assert not found


def test_the_array_collector_is_judged_by_weibao_judge_too(lab: Lab, runs: Runs,
                                                           tmp_path: Path) -> None:
    """The text the collector read (from the run's archive), saved and judged by hand, gives
    the same drive findings."""
    runs_json = json.loads(lab.weibao("runs", "--json").stdout)
    archive = Path(next(r for r in runs_json if r["id"] == runs.first_id)["artifact_dir"])
    raw = None
    for path in sorted((archive / "artifacts" / "ansible" / "job_events").glob("*.json")):
        event = json.loads(path.read_text())
        data = event.get("event_data") or {}
        if event.get("event") == "runner_on_ok" and data.get("host") == STORWIZE \
                and "raw" in (data.get("res") or {}):
            raw = data["res"]["raw"]["lsdrive"]
    assert isinstance(raw, str) and "online" in raw, raw
    saved = tmp_path / "lsdrive.txt"
    saved.write_text(raw)
    proc = lab.weibao("judge", "--platform", "ibm_storwize", "--command", "lsdrive -delim :",
                      "--json", str(saved))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    judged = json.loads(proc.stdout)
    judged = judged["findings"] if isinstance(judged, dict) else judged
    want = {(f["component"], f["status"]) for f in by(runs.first, STORWIZE, "array.drives")}
    got = {(f["component"], f["status"]) for f in judged if f["check_id"] == "array.drives"}
    assert got == want


# --- the session itself against the peers ------------------------------------------------


def session(array_peers: ArrayPeers, name: str, timeout: int = 5):  # noqa: F811
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import cli_session

    device = array_peers.devices[name]
    return cli_session.Session(device.platform, "127.0.0.1", device.port, device.user,
                               device.password, timeout, True, str(array_peers.known_hosts))


@pytest.mark.parametrize(("name", "prompt"), [
    (STORWIZE, "IBM_FlashSystem:cluster1:superuser>"), (OCEANSTOR, "admin:/>")])
def test_the_session_finds_the_prompt_and_reads_outputs(array_peers: ArrayPeers,  # noqa: F811
                                                        name: str, prompt: str) -> None:
    from ansible.module_utils.weibao_inspection import cli_session

    with session(array_peers, name) as cli:
        assert cli.prompt == prompt
        unknown = cli.run("no such command")
        assert cli_session.device_error(cli.profile, unknown), unknown
        command = next(iter(registry_commands(array_peers.devices[name].platform).values()))
        text = cli.run(command)
        assert text.endswith("\n") and prompt not in text and command not in text
        assert cli_session.device_error(cli.profile, text) is None, text


def test_a_command_that_hangs_is_given_up_within_the_timeout(
        array_peers: ArrayPeers) -> None:  # noqa: F811
    from ansible.module_utils.weibao_inspection import cli_session

    def slow(*_args, **_kwargs):
        time.sleep(6)
        return "late"

    array_peers.net.hosts[STORWIZE].nos_inventory["configuration"]["commands"][
        "lsslow"] = {"output": slow}
    with session(array_peers, STORWIZE, timeout=2) as cli:
        started = time.monotonic()
        with pytest.raises(cli_session.Hung):
            cli.run("lsslow")
        assert time.monotonic() - started < 5


def test_a_login_without_the_cli_prompt_is_unreachable_within_the_timeout(
        array_peers: ArrayPeers) -> None:  # noqa: F811
    from ansible.module_utils.weibao_inspection import cli_session

    started = time.monotonic()
    with pytest.raises(cli_session.Unreachable, match="showed no huawei_oceanstor prompt "
                                                      "within 2 s"):
        session(array_peers, NO_PROMPT, timeout=2).open()
    assert time.monotonic() - started < 6


def test_a_prompt_inside_an_output_does_not_end_it(array_peers: ArrayPeers) -> None:  # noqa: F811
    text = "Sequence  Name\n  1  user typed admin:/> in a description\n  2  last line"
    array_peers.net.hosts[OCEANSTOR].nos_inventory["configuration"]["commands"][
        "show alarm history"] = {"output": text}
    with session(array_peers, OCEANSTOR) as cli:
        assert cli.run("show alarm history") == text + "\n"
        assert cli.run("show alarm history") == text + "\n"  # nothing left over


def test_a_profile_with_a_netmiko_driver_works_the_same_way(monkeypatch) -> None:
    """Issue 10's switches reuse the session: a profile row naming netmiko's own driver
    (it finds the prompt and turns paging off itself), here H3C Comware on fakenos."""
    from ansible.module_utils.weibao_inspection import cli_session
    from fakenos import FakeNOS

    port = free_port()
    inventory = {"hosts": {"SW-H3C-1": {
        "port": port, "username": "admin", "password": "h3c-lab", "platform": "hp_comware",
        "server": {"plugin": "ParamikoSshServer", "configuration": {"address": "127.0.0.1"}},
        "shell": {"plugin": "CMDShell",
                  "configuration": {"intro": "", "base_prompt": "<SW-H3C-1"}},
        "nos": {"plugin": "hp_comware", "configuration": {"commands": {
            "quit": {"output": True},
            "display version": {"output": "H3C Comware Software, Version 7.1.070"},
            "_default_": {"output": "% Unrecognized command found at '^' position."}}}}}}}
    monkeypatch.setitem(cli_session.PROFILES, "hp_comware", cli_session.Profile(
        device_type="hp_comware", errors=(r"^% Unrecognized command",)))
    with FakeNOS(inventory=inventory):
        wait_listening(port)
        cli = cli_session.Session("hp_comware", "127.0.0.1", port, "admin", "h3c-lab", 5,
                                  check_host_key=False)
        cli.open()
        assert cli.prompt == "<SW-H3C-1>"
        assert cli.run("display version") == "H3C Comware Software, Version 7.1.070\n"
        assert cli_session.device_error(cli.profile, cli.run("display nothing"))
        cli.close()


def test_no_password_anywhere(lab: Lab, runs: Runs) -> None:
    # last in the file: the unreachable and refused arrays' runs are in the outputs too
    assert "ansible-playbook" in lab.commands, "the watcher saw no ansible-playbook"
    assert not [c for c in lab.commands if c.startswith("SECRET IN")]
    for text in lab.outputs:
        for secret in SECRETS:
            assert secret not in text
    for path in lab.data.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, path
