"""The switches of the Molecule scenario: tests/integration/network.py's fakenos lab (an IOS,
an NX-OS, a VRP and a Comware switch answering with the parsers' ``lab_healthy`` fixtures,
and the jump host the VRP and H3C switches are reached through), run as a background process
between Molecule's create and destroy steps.

    fakenos_lab.py start FOLDER   start it (free ports), return once every peer listens
    fakenos_lab.py stop FOLDER    stop it (and wait until it is gone); nothing running is fine

FOLDER (the scenario's ephemeral directory) receives what the inventory and verify.yml read:
``ports.json`` (device -> port, and ``jump``), ``known_hosts`` (the devices' keys, also under
the names they have behind the jump host, and the jump host's), ``jump_key`` (the private key
the jump host accepts, 0600), ``credentials/<device>`` and ``credentials/enable`` (0600: the
passwords and the IOS enable secret, network.py's throwaway values), ``secrets.json`` (those
plus the secrets of the fixtures' configurations: what no result may contain), ``expected.json``
(per device: the registry commands, the checks of its platform, the driver's own session lines)
and ``sent.json`` (updated while it runs: every line the devices received, the enable secret
replaced, and how often each registry command was answered). ``lab.log`` is its output.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
INTEGRATION = ROOT / "tests" / "integration"
READY_SECONDS = 60
ENABLE_PLACEHOLDER = "<enable secret>"


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(tmp, path)


def _ours(pid: int, folder: Path) -> bool:
    """Whether ``pid`` is this lab's server for ``folder`` (not a recycled pid)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(a.endswith(b"fakenos_lab.py") for a in argv) and \
        str(folder).encode() in argv and b"serve" in argv


def stop(folder: Path) -> int:
    pid_file = folder / "lab.pid"
    if not pid_file.is_file():
        print("no fakenos lab running")
        return 0
    pid = int(pid_file.read_text().strip() or 0)
    if pid and _ours(pid, folder):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _ours(pid, folder) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _ours(pid, folder):
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        print(f"fakenos lab {pid} stopped")
    else:
        print(f"fakenos lab {pid} was not running")
    pid_file.unlink(missing_ok=True)
    return 0


def start(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / "lab.pid"
    if pid_file.is_file() and _ours(int(pid_file.read_text().strip() or 0), folder):
        print("fakenos lab already running: run molecule destroy first", file=sys.stderr)
        return 1
    for name in ("ready", "failed", "lab.pid", "sent.json"):
        (folder / name).unlink(missing_ok=True)
    for old in [*folder.glob("check-*.json"), *folder.glob("converge-*.json")]:
        old.unlink()  # results of an earlier run: verify.yml reads only this run's
    child = os.fork()
    if child == 0:  # a daemon: its own session, no terminal, the log as its output
        os.setsid()
        if os.fork():
            os._exit(0)
        os.chdir(folder)
        log = os.open(folder / "lab.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        # the same interpreter (the venv's) on this file: no shell, no PATH lookup
        os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()),  # noqa: S606
                                  "serve", str(folder)])
    os.waitpid(child, 0)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if (folder / "ready").is_file():
            ports = json.loads((folder / "ports.json").read_text())
            print(f"fakenos lab {pid_file.read_text().strip()} listening: {ports}")
            return 0
        if (folder / "failed").is_file():
            break
        if pid_file.is_file() and not _ours(int(pid_file.read_text().strip() or 0), folder):
            break  # it died before it was ready
        time.sleep(0.1)
    log = (folder / "lab.log").read_text() if (folder / "lab.log").is_file() else ""
    print(f"the fakenos lab did not start within {READY_SECONDS} s:\n{log}", file=sys.stderr)
    stop(folder)
    return 1


def serve(folder: Path) -> None:
    _write(folder / "lab.pid", str(os.getpid()))
    sys.path.insert(0, str(INTEGRATION))
    import logging

    import network as lab
    import paramiko
    from fakenos import FakeNOS

    for name in ("fakenos", "paramiko.transport", "paramiko"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    devices = {name: lab.Device(name, platform, lab.free_port(), lab.PASSWORDS[platform])
               for platform, name in lab.DEVICES.items()}
    net = FakeNOS(inventory=lab._inventory(devices), plugins=lab._platforms())
    net.start()
    jump_key = paramiko.RSAKey.generate(2048)
    jump_key.write_private_key_file(str(folder / "jump_key"))  # 0600
    h3c, vrp = devices[lab.DEVICES["hp_comware"]], devices[lab.DEVICES["huawei_vrp"]]
    # as test_network.py: the H3C switch behind the jump host with its key, the VRP switch
    # with its own user and password
    jump = lab.JumpHost(lab.JUMP_USER, (lab.PASSWORDS["huawei_vrp"],),
                        {lab.BEHIND_JUMP: h3c.port, lab.BEHIND_JUMP_VRP: vrp.port},
                        public_key=jump_key)
    try:
        for device in devices.values():
            lab.wait_listening(device.port)
        (folder / "known_hosts").write_text(
            "".join(lab._host_key_line(d.port) for d in devices.values())
            + lab._host_key_line(h3c.port, lab.BEHIND_JUMP)
            + lab._host_key_line(vrp.port, lab.BEHIND_JUMP_VRP)
            + lab._host_key_line(jump.port))
        peers = lab.NetworkPeers(net=net, devices=devices, known_hosts=folder / "known_hosts",
                                 jump=jump)
        lab._count_everything(peers)
        lab._record_lines(peers)
        credentials = folder / "credentials"
        credentials.mkdir(mode=0o700, exist_ok=True)
        for device in devices.values():
            _write(credentials / device.name, device.password, 0o600)
        _write(credentials / "enable", lab.ENABLE_SECRET, 0o600)
        _write(folder / "secrets.json", json.dumps(_secrets(lab)), 0o600)
        _write(folder / "expected.json", json.dumps(_expected(lab), indent=1))
        _write(folder / "ports.json", json.dumps(
            {**{d.name: d.port for d in devices.values()}, "jump": jump.port}))
        (folder / "ready").touch()
        written = None
        while not stopping.is_set():
            written = _record_sent(folder, peers, lab, written)
            stopping.wait(0.2)
        _record_sent(folder, peers, lab, written)
    except BaseException:
        (folder / "failed").touch()
        raise
    finally:
        jump.stop()
        lab.stop_all(net)


def _secrets(lab) -> list[str]:
    """The passwords, the enable secret, the jump key and the fixtures' configuration
    secrets (test_network.py's own list of the words config_clean masks)."""
    from test_network import configuration_secrets

    words = set(lab.PASSWORDS.values()) | {lab.ENABLE_SECRET}
    for platform in lab.DEVICES:
        words |= configuration_secrets(platform)
    return sorted(words)


def _expected(lab) -> dict:
    from test_network import SESSION_LINES

    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import catalogue

    return {"session_lines": sorted(SESSION_LINES) + [ENABLE_PLACEHOLDER],
            "devices": {name: {"platform": platform,
                               "commands": sorted(lab.registry_commands(platform).values()),
                               "checks": sorted(c.id for c in catalogue.checks_for(
                                   platform, ["network"]))}
                        for platform, name in lab.DEVICES.items()}}


def _record_sent(folder: Path, peers, lab, written):
    lines = [ENABLE_PLACEHOLDER if line == lab.ENABLE_SECRET else line
             for line in list(peers.sent)]
    calls: dict[str, dict[str, int]] = {}
    for (device, command), count in list(peers.calls.items()):
        calls.setdefault(device, {})[command] = count
    text = json.dumps({"lines": lines, "calls": calls}, indent=1, sort_keys=True)
    if text != written:
        _write(folder / "sent.json", text)
    return text


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop", "serve"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[2]).resolve()
    if argv[1] == "serve":
        serve(folder)
        return 0
    return start(folder) if argv[1] == "start" else stop(folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
