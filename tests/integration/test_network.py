"""Switches and routers, end to end, against real SSH peers.

A Cisco IOS, a Cisco NX-OS, a Huawei VRP and an H3C Comware switch served by fakenos
(tests/integration/network.py) with the parsers' lab fixtures; the H3C switch only through a
jump host (an SSH server that forwards ``direct-tcpip`` channels; the switch's name resolves
nowhere but there). A site of network devices only, the passwords and the IOS enable secret
in Ansible Vault, host key checking on (the lab's known_hosts). Through the command line
(`weibao inspect`):

1. all healthy: inspected, no critical network finding, every registry command sent once per
   device (IOS after "enable" with the secret), nothing but read-only commands and the
   drivers' paging commands received by any device; a device that accepts TCP and never
   answers is unreachable within its timeout, a wrong enable secret is that device's clear
   failure;
2. the devices switched to their faulted fixtures between the runs (a failed power supply,
   CRC errors grown, an err-disabled port, a configuration change, an unsaved configuration):
   the second inspection reports them, the CRC as a delta since the first run, and the
   configuration archive records the change (`weibao config diff`);
3. `weibao judge` on the `show interfaces` text the collector read gives the same findings.

No password or secret appears in any output, the store, the configuration archive or any
process command line.
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
from network import (  # noqa: F401 - network_peers is a fixture
    BEHIND_JUMP,
    BEHIND_JUMP_VRP,
    DEVICES,
    ENABLE_SECRET,
    JUMP_USER,
    LOST_BEHIND_JUMP,
    PASSWORDS,
    USER,
    NetworkPeers,
    fixture,
    network_peers,
    platforms_with_fixtures,
    registry_commands,
)

WEIBAO = str(Path(sys.executable).parent / "weibao")
ANSIBLE_VAULT = str(Path(sys.executable).parent / "ansible-vault")
VAULT_PASS = "network-lab-vault-pass"  # noqa: S105 - a test's throwaway value
WRONG_SECRET = "Wrong-Enable-Secret-3d0c"  # noqa: S105
SECRETS = (*PASSWORDS.values(), ENABLE_SECRET, WRONG_SECRET, VAULT_PASS)
PERIOD = time.strftime("%Y-%m", time.gmtime())
HUNG, BAD_ENABLE, LOST = "hung-switch", "badenable-ios", "lost-switch"
HUNG_TIMEOUT = 3
# what netmiko's drivers send themselves (paging off, enable, logout), besides the registry's
SESSION_LINES = {"", "terminal length 0", "terminal width 511", "screen-length 0 temporary",
                 "screen-length disable", "enable", "exit", "quit"}
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def watch_process_list(stop: threading.Event, seen: list[str]) -> None:
    """Every process's command line while inspections run: no secret in any."""
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

    def events(self, run_id: int) -> list[dict]:
        runs = json.loads(self.weibao("runs", "--json").stdout)
        archive = Path(next(r for r in runs if r["id"] == run_id)["artifact_dir"])
        return [json.loads(p.read_text()) for p in
                sorted((archive / "artifacts" / "ansible" / "job_events").glob("*.json"))]


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
def platforms() -> list[str]:
    ready = platforms_with_fixtures()
    if not ready:
        pytest.fail("no network platform has its lab fixtures "
                    "(tests/unit/fixtures/<platform>/<command>/lab_healthy.raw)", pytrace=False)
    return ready


@pytest.fixture(scope="module")
def lab(network_peers: NetworkPeers, hung_port: int, platforms: list[str],  # noqa: F811
        tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("networklab")
    password_file = root / "vault-pass"
    password_file.write_text(VAULT_PASS + "\n")
    site = root / "networklab"
    (site / "host_vars").mkdir(parents=True)
    names = [DEVICES[p] for p in platforms] + [HUNG, BAD_ENABLE, LOST]
    (site / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site: {name: networklab, client: Network Lab, "
        "timezone: UTC}\n  children:\n    weibao_network:\n      hosts:\n"
        + "".join(f"        {h}:\n" for h in names))
    known = network_peers.known_hosts
    for platform in platforms:
        device = network_peers.devices[DEVICES[platform]]
        address, extra = "127.0.0.1", ""
        jump = f"weibao_network_jump_host: {JUMP_USER}@127.0.0.1:{network_peers.jump.port}\n"
        if platform == "hp_comware":  # through the jump host, with its key
            address = BEHIND_JUMP
            extra = jump + f"weibao_network_jump_key: {network_peers.jump.key_file}\n"
        elif platform == "huawei_vrp":  # through the jump host, with the same credentials
            address, extra = BEHIND_JUMP_VRP, jump
        # the IOS switch by weibao_platform, the others by ansible_network_os
        platform_line = {"cisco_ios": "weibao_platform: cisco_ios",
                         "cisco_nxos": "ansible_network_os: cisco.nxos.nxos",
                         "huawei_vrp": "ansible_network_os: huawei",
                         "hp_comware": "ansible_network_os: hp_comware"}[platform]
        text = (f"{platform_line}\nansible_host: {address}\n"
                f"weibao_network_port: {device.port}\nweibao_network_user: {USER}\n"
                f"weibao_network_timeout: 10\nweibao_network_known_hosts: {known}\n{extra}"
                + vaulted("weibao_network_password", device.password, password_file))
        if platform == "cisco_ios":
            text += vaulted("weibao_network_enable_secret", ENABLE_SECRET, password_file)
        (site / "host_vars" / f"{device.name}.yml").write_text(text)
    ios = network_peers.devices[DEVICES["cisco_ios"]]
    (site / "host_vars" / f"{HUNG}.yml").write_text(
        f"weibao_platform: cisco_ios\nansible_host: 127.0.0.1\nweibao_network_port: {hung_port}\n"
        f"weibao_network_user: {USER}\nweibao_network_timeout: {HUNG_TIMEOUT}\n"
        f"weibao_network_known_hosts: {known}\n"
        + vaulted("weibao_network_password", ios.password, password_file))
    (site / "host_vars" / f"{BAD_ENABLE}.yml").write_text(
        f"weibao_platform: cisco_ios\nansible_host: 127.0.0.1\nweibao_network_port: {ios.port}\n"
        f"weibao_network_user: {USER}\nweibao_network_timeout: 5\n"
        f"weibao_network_known_hosts: {known}\n"
        + vaulted("weibao_network_password", ios.password, password_file)
        + vaulted("weibao_network_enable_secret", WRONG_SECRET, password_file))
    vrp = network_peers.devices[DEVICES["huawei_vrp"]]
    (site / "host_vars" / f"{LOST}.yml").write_text(
        f"weibao_platform: huawei_vrp\nansible_host: {LOST_BEHIND_JUMP}\n"
        f"weibao_network_port: 22\nweibao_network_user: {USER}\nweibao_network_timeout: 5\n"
        f"weibao_network_known_hosts: {known}\n"
        f"weibao_network_jump_host: {JUMP_USER}@127.0.0.1:{network_peers.jump.port}\n"
        + vaulted("weibao_network_password", vrp.password, password_file))
    return Lab(site=site, data=root / "data", password_file=password_file)


def by(findings: list[dict], host: str, check: str) -> list[dict]:
    return [f for f in findings if f["host"] == host and f["check_id"] == check]


def not_ok(findings: list[dict], host: str, check: str) -> list[dict]:
    return [f for f in by(findings, host, check) if f["status"] in ("warning", "critical")]


@dataclass
class Runs:
    first: list[dict]
    second: list[dict]
    codes: list[int]
    first_id: int
    second_id: int
    first_took: float
    calls_after_first: dict
    changed: dict


@pytest.fixture(scope="module")
def runs(lab: Lab, network_peers: NetworkPeers, platforms: list[str]) -> Runs:  # noqa: F811
    devices = [DEVICES[p] for p in platforms]
    started = time.monotonic()
    first_proc, first_id, first = lab.inspect(",".join([*devices, HUNG, BAD_ENABLE, LOST]))
    took = time.monotonic() - started
    calls = dict(network_peers.calls)
    changed = {name: network_peers.faulted(name) for name in devices}
    second_proc, second_id, second = lab.inspect(",".join(devices))
    return Runs(first, second, [first_proc.returncode, second_proc.returncode], first_id,
                second_id, took, calls, changed)


def test_every_network_platform_has_its_lab_fixtures(platforms: list[str]) -> None:
    assert platforms == list(DEVICES), f"lab fixtures missing for {set(DEVICES) - set(platforms)}"


def test_healthy_devices_are_inspected(lab: Lab, runs: Runs, platforms: list[str]) -> None:
    hosts = lab.hosts_of(runs.first_id)
    for platform in platforms:
        name = DEVICES[platform]
        assert hosts[name]["status"] == "inspected", hosts[name]
        mine = [f for f in runs.first if f["host"] == name]
        assert mine and all(f["check_id"].startswith("network.") for f in mine), mine
        assert not [f for f in mine if f["status"] == "critical"], \
            [(f["check_id"], f["component"], f["summary"]) for f in mine
             if f["status"] == "critical"]
        # no hardware fault on a healthy device (a part a platform does not print, IOS's
        # module states, may leave the check unknown, never ok)
        hardware = by(runs.first, name, "network.hardware")
        assert hardware and not not_ok(runs.first, name, "network.hardware"), hardware


def test_every_registry_command_was_sent_once(runs: Runs, platforms: list[str]) -> None:
    for platform in platforms:
        name = DEVICES[platform]
        for command in registry_commands(platform).values():
            assert runs.calls_after_first.get((name, command)) == 1, (name, command)


def test_the_devices_received_nothing_but_read_only_commands(
        network_peers: NetworkPeers, runs: Runs, platforms: list[str]) -> None:  # noqa: F811
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import cli_session

    assert network_peers.sent
    others = [line for line in network_peers.sent
              if line not in SESSION_LINES and line not in (ENABLE_SECRET, WRONG_SECRET)]
    assert others and not [line for line in others if cli_session.read_only_refusal(line)], \
        [line for line in others if cli_session.read_only_refusal(line)]
    assert "enable" in network_peers.sent and WRONG_SECRET in network_peers.sent
    if "cisco_ios" in platforms:
        assert ENABLE_SECRET in network_peers.sent


def test_unreachable_lost_behind_the_jump_host_and_wrong_enable_secret(lab: Lab,
                                                                       runs: Runs) -> None:
    hosts = lab.hosts_of(runs.first_id)
    assert hosts[HUNG]["status"] == "unreachable", hosts[HUNG]
    assert f"within {HUNG_TIMEOUT} s" in hosts[HUNG]["message"], hosts[HUNG]
    assert runs.first_took < 60, runs.first_took
    # the jump host answers, the device behind it does not
    assert hosts[LOST]["status"] == "unreachable", hosts[LOST]
    assert f"could not reach {LOST_BEHIND_JUMP}:22" in hosts[LOST]["message"], hosts[LOST]
    assert hosts[BAD_ENABLE]["status"] == "failed", hosts[BAD_ENABLE]
    assert "enable refused" in hosts[BAD_ENABLE]["message"], hosts[BAD_ENABLE]
    assert runs.codes[0] == 2, runs.codes


def test_the_jump_host_carried_the_h3c_and_vrp_sessions(network_peers: NetworkPeers,  # noqa: F811
                                               lab: Lab, runs: Runs,
                                               platforms: list[str]) -> None:
    hosts = lab.hosts_of(runs.first_id)
    for platform, name in (("hp_comware", BEHIND_JUMP), ("huawei_vrp", BEHIND_JUMP_VRP)):
        if platform not in platforms:
            continue
        port = network_peers.devices[DEVICES[platform]].port
        assert (name, port) in network_peers.jump.opened, network_peers.jump.opened
        assert hosts[DEVICES[platform]]["status"] == "inspected", hosts[DEVICES[platform]]
    assert {"publickey", "password"} <= set(network_peers.jump.logins)


FAULTS = ("network.hardware", "network.interface_errors", "network.err_disabled",
          "network.config_saved")


@pytest.mark.parametrize("check", FAULTS)
def test_the_faults_are_found_in_the_second_run(runs: Runs, platforms: list[str],
                                                check: str) -> None:
    assert runs.codes[1] == 1, runs.codes  # critical findings, every device inspected
    for platform in platforms:
        name = DEVICES[platform]
        assert runs.changed[name], f"{name}: no lab_faulted fixture"
        before = {f["component"] for f in not_ok(runs.first, name, check)}
        after = {f["component"] for f in not_ok(runs.second, name, check)}
        assert after - before, (name, check, [(f["component"], f["status"], f["summary"])
                                              for f in by(runs.second, name, check)])


def test_the_crc_errors_are_a_delta_since_the_first_run(runs: Runs,
                                                        platforms: list[str]) -> None:
    for platform in platforms:
        name = DEVICES[platform]
        grown = [f for f in not_ok(runs.second, name, "network.interface_errors")
                 if (f.get("values") or {}).get("baseline") is False]
        assert grown, (name, by(runs.second, name, "network.interface_errors"))
        # the counters stored by the first run are the base: CRC errors grew since then
        assert any((f["values"].get("crc_delta") or 0) > 0 for f in grown), \
            [(f["component"], f["values"]) for f in grown]


def test_the_configuration_change_is_archived(lab: Lab, runs: Runs,
                                              platforms: list[str]) -> None:
    for platform in platforms:
        name = DEVICES[platform]
        proc = lab.weibao("config", "diff", name, "--site", "networklab")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        changed = [line for line in proc.stdout.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert changed, (name, proc.stdout, proc.stderr)


def test_the_network_collector_is_judged_by_weibao_judge_too(lab: Lab, runs: Runs,
                                                             platforms: list[str],
                                                             tmp_path: Path) -> None:
    """The `show interfaces` text the collector read (from the first run's events, no
    previous inspection then), saved and judged by hand, gives the same findings."""
    if "cisco_ios" not in platforms:
        pytest.skip("no IOS fixtures")
    name = DEVICES["cisco_ios"]
    raw = None
    for event in lab.events(runs.first_id):
        data = event.get("event_data") or {}
        if event.get("event") == "runner_on_ok" and data.get("host") == name \
                and "raw" in (data.get("res") or {}):
            raw = data["res"]["raw"]["interfaces"]
    assert isinstance(raw, str) and "line protocol" in raw, raw
    saved = tmp_path / "show_interfaces.txt"
    saved.write_text(raw)
    proc = lab.weibao("judge", "--platform", "cisco_ios", "--command", "show interfaces",
                      "--json", str(saved))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    judged = json.loads(proc.stdout)
    judged = judged["findings"] if isinstance(judged, dict) else judged
    checks = {f["check_id"] for f in judged if f["status"] not in ("unknown",)}
    assert checks, judged
    got = {(f["check_id"], f["component"], f["status"]) for f in judged
           if f["check_id"] in checks}
    want = {(f["check_id"], f["component"], f["status"]) for f in runs.first
            if f["host"] == name and f["check_id"] in checks}
    assert got == want


# --- the session itself against the peers ------------------------------------------------


def session(peers: NetworkPeers, platform: str, **kwargs):
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import cli_session

    device = peers.devices[DEVICES[platform]]
    options = {"address": "127.0.0.1", "known_hosts": str(peers.known_hosts), "timeout": 5,
               "password": device.password, **kwargs}
    return cli_session.Session(platform, options["address"], device.port, USER,
                               options["password"], options["timeout"], True,
                               options["known_hosts"], secret=options.get("secret", ""),
                               jump=options.get("jump"))


@pytest.mark.parametrize(("platform", "prompt"), [
    ("cisco_ios", "lab-ios#"), ("cisco_nxos", "lab-nxos#"), ("huawei_vrp", "<lab-vrp>"),
    ("hp_comware", "<lab-h3c>")])
def test_the_session_finds_the_prompt_and_refuses_writes(network_peers: NetworkPeers,  # noqa: F811
                                                         platform: str, prompt: str) -> None:
    from ansible.module_utils.weibao_inspection import cli_session

    with session(network_peers, platform, secret=ENABLE_SECRET) as cli:
        assert cli.prompt == prompt  # IOS: after enable with the secret
        version = registry_commands(platform)["version"]
        text = cli.run(version)
        assert text.strip() and prompt not in text and cli_session.device_error(
            cli.profile, text) is None
        assert cli_session.device_error(cli.profile, cli.run("show nothing-such"
                                                             if platform.startswith("cisco")
                                                             else "display nothing-such"))
        before = len(network_peers.sent)
        for command in ("configure terminal", "system-view", "save", "write memory",
                        "reload"):
            with pytest.raises(cli_session.Refused):
                cli.run(command)
        assert len(network_peers.sent) == before  # nothing of them reached the device


def test_the_jump_host_refusals(network_peers: NetworkPeers, tmp_path: Path) -> None:  # noqa: F811
    from ansible.module_utils.weibao_inspection import cli_session

    spec = f"{JUMP_USER}@127.0.0.1:{network_peers.jump.port}"
    # the H3C switch's password is not the jump host's
    with pytest.raises(cli_session.LoginRefused, match="jump host 127.0.0.1:.* refused"):
        session(network_peers, "hp_comware", address=BEHIND_JUMP,
                jump=cli_session.Jump(spec)).open()
    # the jump host's key is not in the known hosts file
    unknown = tmp_path / "known_hosts"
    unknown.write_text("")
    with pytest.raises(cli_session.LoginRefused, match="jump host: the SSH host key"):
        session(network_peers, "hp_comware", address=BEHIND_JUMP, known_hosts=str(unknown),
                jump=cli_session.Jump(spec, str(network_peers.jump.key_file))).open()
    # and with its key the switch behind it answers
    with session(network_peers, "hp_comware", address=BEHIND_JUMP,
                 jump=cli_session.Jump(spec, str(network_peers.jump.key_file))) as cli:
        assert cli.prompt == "<lab-h3c>"


def configuration_secrets(platform: str) -> set[str]:
    """The secrets of the lab fixtures' configurations: the words config_clean masks."""
    import difflib

    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import config_clean

    out: set[str] = set()
    command = registry_commands(platform)["running_config"]
    for case in ("lab_healthy", "lab_faulted"):
        text = fixture(platform, command, case)
        if text is None:
            continue
        before = text.splitlines()
        after = config_clean.clean(platform, text, "any-salt").splitlines()
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "replace" or not any("<secret sha256:" in line for line in after[j1:j2]):
                continue
            kept = set(" ".join(after[j1:j2]).split())
            out.update(word for word in " ".join(before[i1:i2]).split()
                       if word not in kept and len(word) >= 6)
    return out


def test_no_configuration_secret_leaves_the_collector(lab: Lab, runs: Runs,
                                                      platforms: list[str]) -> None:
    """The fixtures' configurations hold secrets (enable secrets, SNMP communities, keys):
    none of them is in the store, the run's events or the configuration archive."""
    secrets = set().union(*(configuration_secrets(p) for p in platforms))
    assert secrets, "the lab configurations hold no secret to look for"
    masked = 0
    for path in (p for p in lab.data.rglob("*") if p.is_file()):
        data = path.read_bytes()
        masked += data.count(b"<secret sha256:")
        for secret in secrets:
            assert secret.encode() not in data, (path, secret)
    assert masked, "no masked secret anywhere: was the configuration collected?"


def test_no_secret_anywhere(lab: Lab, runs: Runs) -> None:
    # last in the file: every run's and command's output is in lab.outputs
    assert "ansible-playbook" in lab.commands, "the watcher saw no ansible-playbook"
    assert not [c for c in lab.commands if c.startswith("SECRET IN")]
    for text in lab.outputs:
        for secret in SECRETS:
            assert secret not in text
    files = [p for p in lab.data.rglob("*") if p.is_file()]
    assert any("config-archive" in str(p) for p in files), "no configuration archive"
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, path
    # git keeps the archive's history compressed: read it back
    repos = {p.parent for p in lab.data.rglob("config-archive/*/.git")}
    assert repos, "no configuration archive repository"
    for repo in repos:
        history = subprocess.run(["git", "-C", str(repo), "log", "-p", "--all"],
                                 capture_output=True, text=True, check=True).stdout
        assert history.strip()
        for secret in SECRETS:
            assert secret not in history, repo
