"""Real SSH peers for the network integration tests: fakenos (PyPI, the test extra) serving a
Cisco IOS switch (lands at ``NAME>``, ``enable`` asks for the enable secret, its commands
answer only at ``NAME#``), a Cisco NX-OS switch (``NAME#``), a Huawei VRP switch (``<NAME>``,
``screen-length 0 temporary``) and an H3C Comware switch (``<NAME>``, ``screen-length
disable``) on 127.0.0.1, free ports, in this process; and a jump host (an SSH server of our
own on paramiko that only forwards ``direct-tcpip`` channels, like ``sshd`` for ``ssh -J``).

Every command of the platform's network sources in the registry answers with the parsers'
lab fixture ``tests/unit/fixtures/<platform>/<slug>/lab_healthy.raw`` (its first
``# provenance`` line dropped); ``faulted(device)`` switches every command that has a
``lab_faulted.raw`` to it (a failed power supply, CRC errors grown, an err-disabled port, a
configuration change, an unsaved configuration: the fixtures' own story) for the next session;
any other command answers as the platform answers an unknown command. ``calls`` counts the
commands each device received, ``sent`` lists every line any device received (the read-only
proof). ``known_hosts`` holds the devices' and the jump host's keys (read over SSH), so the
collector's host key checking stays on.

The platform files are our own (fakenos ``plugins=``): the built-in ones carry hundreds of
unrelated outputs (and take 0.5 s per Cisco host to load).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "unit" / "fixtures"
HINT = "run ./dev.sh setup (the test extra installs fakenos and netmiko)"
USER = "inspect"
PASSWORDS = {"cisco_ios": "Ios-Pass-6b1e", "cisco_nxos": "Nxos-Pass-2f4a",
             "huawei_vrp": "Vrp-Pass-9c3d", "hp_comware": "Comware-Pass-5e8f"}
ENABLE_SECRET = "Ios-Enable-Secret-71aa"  # noqa: S105 - a test's throwaway value
JUMP_USER = "bastion"
DEVICES = {"cisco_ios": "lab-ios", "cisco_nxos": "lab-nxos", "huawei_vrp": "lab-vrp",
           "hp_comware": "lab-h3c"}
# the address the H3C switch has behind the jump host: the controller cannot resolve it
BEHIND_JUMP = "lab-h3c.behind-jump.invalid"
BEHIND_JUMP_VRP = "lab-vrp.behind-jump.invalid"
# a name the jump host routes to a port where nothing listens
LOST_BEHIND_JUMP = "lost.behind-jump.invalid"

# how each platform's CLI looks (own fakenos platform files)
PLATFORM_FILES = {
    "cisco_ios": {"initial_prompt": "{base_prompt}>", "commands": {
        "_default_": {"output": "                 ^\n% Invalid input detected at '^' marker."},
        "terminal length 0": {"output": None},
        "terminal width 511": {"output": None},
        "enable": {"output": None, "new_prompt": "Password: ", "prompt": "{base_prompt}>"},
        "exit": {"output": True}}},
    "cisco_nxos": {"initial_prompt": "{base_prompt}#", "commands": {
        "_default_": {"output": "                  ^\n% Invalid command at '^' marker."},
        "terminal length 0": {"output": None},
        "terminal width 511": {"output": None},
        "exit": {"output": True}}},
    "huawei_vrp": {"initial_prompt": "<{base_prompt}>", "commands": {
        "_default_": {"output": "              ^\nError: Unrecognized command found at '^' "
                                "position."},
        "screen-length 0 temporary": {"output": "Info: The configuration takes effect on the "
                                                "current user terminal interface only."},
        "quit": {"output": True}}},
    "hp_comware": {"initial_prompt": "<{base_prompt}>", "commands": {
        "_default_": {"output": "              ^\n % Unrecognized command found at '^' "
                                "position."},
        "screen-length disable": {"output": None},
        "quit": {"output": True}}},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stop_all(net) -> None:
    """Stop every host of a FakeNOS lab: net.stop() stops them one after another (up to
    about 1 s each), so one thread each."""
    threads = [threading.Thread(target=net.stop, args=(name,)) for name in list(net.hosts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def slug(command: str) -> str:
    """The fixture folder of a command: ``display cpu-usage`` -> ``display_cpu_usage``."""
    return re.sub(r"[^a-z0-9]+", "_", command.lower()).strip("_")


def fixture(platform: str, command: str, case: str) -> str | None:
    """A lab fixture's text as the device prints it (no provenance line), or None."""
    path = FIXTURES / platform / slug(command) / f"{case}.raw"
    if not path.is_file():
        return None
    lines = path.read_text().split("\n")
    if lines and lines[0].startswith("#"):
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def registry_commands(platform: str) -> dict[str, str]:
    """key -> the command the collector sends first for it (the registry's, as written)."""
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import registry

    out: dict[str, str] = {}
    for source in registry.sources(platform):
        if source.area == "network" and "{" not in source.name:
            out.setdefault(source.key, source.name)
    return out


def platforms_with_fixtures() -> list[str]:
    """The network platforms whose parsers' lab fixtures exist (every command's healthy
    set)."""
    return [p for p in DEVICES
            if registry_commands(p) and all(fixture(p, c, "lab_healthy") is not None
                                            for c in registry_commands(p).values())]


@dataclass
class Device:
    name: str
    platform: str
    port: int
    password: str


@dataclass
class NetworkPeers:
    net: object
    devices: dict[str, Device]
    known_hosts: Path
    jump: JumpHost
    calls: Counter = field(default_factory=Counter)
    sent: list[str] = field(default_factory=list)

    def commands(self, device: str) -> dict:
        return self.net.hosts[device].nos_inventory["configuration"].setdefault("commands", {})

    def set_output(self, device: str, command: str, text: str) -> None:
        """What the next session of ``device`` answers to ``command`` (open sessions keep
        their copy of the table)."""
        entry = dict(self.commands(device).get(command) or {})
        entry["output"] = self._counted(device, command, text)
        self.commands(device)[command] = entry

    def faulted(self, device: str) -> list[str]:
        """Every command with a ``lab_faulted`` fixture answers it from the next session on;
        returns those commands."""
        platform = self.devices[device].platform
        changed = []
        for command in registry_commands(platform).values():
            text = fixture(platform, command, "lab_faulted")
            if text is not None:
                self.set_output(device, command, text)
                changed.append(command)
        return changed

    def _counted(self, device: str, command: str, text: str):
        calls = self.calls

        def answer(*_args, **_kwargs):
            calls[(device, command)] += 1
            return text

        return answer


def _host_key_line(port: int, name: str = "127.0.0.1") -> str:
    import paramiko

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    return f"[{name}]:{port} {key.get_name()} {key.get_base64()}\n"


def _inventory(devices: dict[str, Device]) -> dict:
    hosts = {}
    for device in devices.values():
        platform = device.platform
        commands = {}
        for command in registry_commands(platform).values():
            text = fixture(platform, command, "lab_healthy")
            if text is None:
                continue  # answered as an unknown command: its checks are unknown
            entry = {"output": text}
            if platform == "cisco_ios":
                entry["prompt"] = "{base_prompt}#"  # IOS shows nothing of these at ">"
            commands[command] = entry
        if platform == "cisco_ios":
            commands[ENABLE_SECRET] = {"output": None, "new_prompt": "{base_prompt}#",
                                       "prompt": "Password: "}
        hosts[device.name] = {
            "port": device.port, "username": USER, "password": device.password,
            "shell": {"plugin": "CMDShell", "configuration": {"intro": ""}},
            "nos": {"plugin": f"weibao_{platform}", "configuration": {"commands": commands}},
        }
    return {"default": {"server": {"plugin": "ParamikoSshServer",
                                   "configuration": {"address": "127.0.0.1"}}},
            "hosts": hosts}


def _platforms() -> list[dict]:
    return [{"name": f"weibao_{platform}", **spec} for platform, spec in PLATFORM_FILES.items()]


def _count_everything(peers: NetworkPeers) -> None:
    """Every custom output counted, and every line any device receives recorded."""
    for name, host in peers.net.hosts.items():
        commands = host.nos_inventory["configuration"]["commands"]
        for command, entry in list(commands.items()):
            if isinstance(entry.get("output"), str):
                commands[command] = dict(entry, output=peers._counted(name, command,
                                                                      entry["output"]))


def _record_lines(peers: NetworkPeers) -> None:
    """fakenos's shell hands every line to ``default``/``onecmd``: record them."""
    from fakenos.plugins.shell.cmd_shell import CMDShell

    original = CMDShell.precmd
    sent = peers.sent

    def precmd(self, line):
        sent.append(line.strip())
        return original(self, line)

    CMDShell.precmd = precmd
    peers._restore_shell = lambda: setattr(CMDShell, "precmd", original)


# --- the jump host ---------------------------------------------------------------------


class JumpHost:
    """An SSH server that accepts one user's password and only forwards ``direct-tcpip``
    channels (what ``ssh -J`` / ProxyJump asks of a bastion); ``routes`` maps a name the
    controller cannot resolve to a port on 127.0.0.1. ``opened`` lists the destinations."""

    def __init__(self, user: str, passwords: tuple[str, ...], routes: dict[str, int],
                 public_key=None):
        import paramiko

        self.user, self.passwords, self.routes = user, passwords, routes
        self.public_key = public_key
        self.logins: list[str] = []
        self.key = paramiko.RSAKey.generate(2048)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.opened: list[tuple[str, int]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        import paramiko

        jump = self
        targets: dict[int, socket.socket] = {}

        class Server(paramiko.ServerInterface):
            def get_allowed_auths(self, username):
                return "publickey,password"

            def check_auth_password(self, username, password):
                ok = username == jump.user and password in jump.passwords
                if ok:
                    jump.logins.append("password")
                return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

            def check_auth_publickey(self, username, key):
                ok = username == jump.user and jump.public_key is not None and \
                    key.get_base64() == jump.public_key.get_base64()
                if ok:
                    jump.logins.append("publickey")
                return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

            def check_channel_request(self, kind, chanid):
                return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

            def check_channel_direct_tcpip_request(self, chanid, origin, destination):
                host, port = destination
                jump.opened.append((host, port))
                if host in jump.routes:
                    host, port = "127.0.0.1", jump.routes[host]
                try:
                    targets[chanid] = socket.create_connection((host, port), timeout=5)
                except OSError:
                    return paramiko.OPEN_FAILED_CONNECT_FAILED
                return paramiko.OPEN_SUCCEEDED

        transport = paramiko.Transport(conn)
        transport.add_server_key(self.key)
        try:
            transport.start_server(server=Server())
            while transport.is_active() and not self.stopping.is_set():
                channel = transport.accept(timeout=0.5)
                if channel is None:
                    continue
                target = targets.pop(channel.get_id(), None)
                if target is None:
                    channel.close()
                    continue
                threading.Thread(target=_pump, args=(channel, target), daemon=True).start()
                threading.Thread(target=_pump, args=(target, channel), daemon=True).start()
        except Exception:  # noqa: S110 - a client that goes away: the next one is served
            pass
        finally:
            transport.close()

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.listener.close()


def _pump(source, sink) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except (OSError, EOFError):
        pass
    finally:
        with contextlib.suppress(Exception):
            sink.close()


# --- the fixture -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def network_peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkPeers]:
    try:
        from fakenos import FakeNOS
    except ImportError:
        pytest.fail(f"fakenos is not installed: {HINT}", pytrace=False)
    for name in ("fakenos", "paramiko.transport", "paramiko"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    devices = {name: Device(name, platform, free_port(), PASSWORDS[platform])
               for platform, name in DEVICES.items()}
    net = FakeNOS(inventory=_inventory(devices), plugins=_platforms())
    net.start()
    import paramiko

    folder = tmp_path_factory.mktemp("network")
    jump_key = paramiko.RSAKey.generate(2048)
    jump_key_file = folder / "jump_key"
    jump_key.write_private_key_file(str(jump_key_file))  # 0600
    # the H3C switch behind the jump host with the jump host's own key; the VRP switch
    # with its own user and password (the "same credentials")
    jump = JumpHost(JUMP_USER, (PASSWORDS["huawei_vrp"],),
                    {BEHIND_JUMP: devices[DEVICES["hp_comware"]].port,
                     BEHIND_JUMP_VRP: devices[DEVICES["huawei_vrp"]].port,
                     LOST_BEHIND_JUMP: free_port()},
                    public_key=jump_key)
    jump.key_file = jump_key_file
    peers = None
    try:
        for device in devices.values():
            wait_listening(device.port)
        known_hosts = folder / "known_hosts"
        h3c, vrp = devices[DEVICES["hp_comware"]], devices[DEVICES["huawei_vrp"]]
        known_hosts.write_text("".join(_host_key_line(d.port) for d in devices.values())
                               + _host_key_line(h3c.port, BEHIND_JUMP)
                               + _host_key_line(vrp.port, BEHIND_JUMP_VRP)
                               + _host_key_line(jump.port))
        peers = NetworkPeers(net=net, devices=devices, known_hosts=known_hosts, jump=jump)
        _count_everything(peers)
        _record_lines(peers)
        yield peers
    finally:
        if peers is not None and hasattr(peers, "_restore_shell"):
            peers._restore_shell()
        jump.stop()
        stop_all(net)
