"""Real SSH peers for the array integration tests: fakenos (PyPI, the test extra) serving one
IBM Storwize CLI (prompt ``IBM_FlashSystem:cluster1:superuser>``) and one Huawei OceanStor
CLI (prompt ``admin:/>``, paging turned off by ``change cli more_enabled=no``) on 127.0.0.1,
free ports, in this process.

Every command of the platform's array sources in the registry answers with a recorded output
from tests/unit/fixtures/<platform>/ (their first ``# provenance`` line dropped, and the
OceanStor captures' echoed ``admin:/>command`` line too); any other command answers as the
real CLI does (rbash's "command not found", OceanStor's "Error: ..."). ``set_output`` changes
what the next session sees (a fault between two inspections); ``calls`` counts the commands
each device received. ``known_hosts`` holds both devices' host keys (read over SSH), so the
collector's host key checking stays on.

``array_peers`` (module scope) starts both and stops them at the end, also after a failure.
"""

from __future__ import annotations

import logging
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from network import free_port, wait_listening  # noqa: F401 - the fakenos peers' helpers, shared

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "unit" / "fixtures"
STORWIZE_USER, STORWIZE_PASSWORD = "superuser", "Storwize-Pass-4d8a"
OCEANSTOR_USER, OCEANSTOR_PASSWORD = "admin", "OceanStor-Pass-7c21"
STORWIZE, OCEANSTOR = "v7k-lab", "oceanstor-lab"
NO_PROMPT = "noprompt-lab"  # logs in, then shows a prompt no array CLI has ("quiet>")
HINT = "run ./dev.sh setup (the test extra installs fakenos and netmiko)"

# registry key -> (fixture folder, case): a healthy array, then the injected faults
HEALTHY = {
    "ibm_storwize": {
        "lssystem": ("lssystem_delim", "flashsystem_7200_8_4"),
        "lssystemstats": ("lssystemstats_delim", "flashsystem_7200_8_4"),
        "lsdrive": ("lsdrive_delim", "flashsystem_9200_8_6_ok"),
        "lsenclosure": ("lsenclosure_delim", "flashsystem_7200_8_4_ok"),
        "lsenclosurepsu": ("lsenclosurepsu_delim", "flashsystem_7200_8_4_ok"),
        "lsenclosurebattery": ("lsenclosurebattery", "v7000_7_8_ok"),
        "lsportfc": ("lsportfc_delim", "flashsystem_7200_8_4_ok"),
        "lsmdiskgrp": ("lsmdiskgrp_delim", "flashsystem_9200_8_6_ok"),
        "lseventlog": ("lseventlog", "v7000_7_8_messages_only"),
    },
    "huawei_oceanstor": {
        "system": ("show_system_general", "v3_normal"),
        "disks": ("show_disk_general", "v3_ok"),
        "enclosures": ("show_enclosure", "v3_ok"),
        "power_supplies": ("show_power_supply", "v3_ok"),
        "bbus": ("show_bbu_general", "v3_ok"),
        "fc_ports": ("show_port_general_physical_type_FC", "v3_ok"),
        "pools": ("show_storage_pool_general", "v3_ok"),
        "alarms": ("show_alarm", "v3_none"),
    },
}
# a drive goes failed
DRIVE_FAILED = {
    "ibm_storwize": ("lsdrive", "lsdrive_delim", "flashsystem_7200_8_4_failed"),
    "huawei_oceanstor": ("disks", "show_disk_general", "v3_fault_reconstruction"),
}
UNKNOWN = {
    "ibm_storwize": "rbash: command not found",
    "huawei_oceanstor": "                 ^\nError: The entered command is incorrect.",
}


def recorded(platform: str, folder: str, case: str) -> str:
    """A fixture's text as the device prints it: no provenance line, no echoed command."""
    text = (FIXTURES / platform / folder / f"{case}.raw").read_text()
    lines = text.split("\n")[1:]
    if lines and lines[0].startswith("admin:/>"):
        lines = lines[1:]
    while lines and (not lines[-1].strip() or lines[-1].strip() == "admin:/>"):
        lines.pop()  # the prompt a capture ends with: the device prints its own
    return "\n".join(lines)


def registry_commands(platform: str) -> dict[str, str]:
    """key -> the command the collector sends (the registry's, as written)."""
    from weibao.content import enable_module_utils

    enable_module_utils()
    from ansible.module_utils.weibao_inspection import registry

    out = {}
    for source in registry.sources(platform):
        if source.area == "array":
            out.setdefault(source.key, source.name)
    return out


@dataclass
class Device:
    name: str
    platform: str
    port: int
    user: str
    password: str


@dataclass
class ArrayPeers:
    net: object
    devices: dict[str, Device]
    known_hosts: Path
    calls: Counter = field(default_factory=Counter)

    def set_output(self, device: str, command: str, text: str) -> None:
        """What the next session of ``device`` answers to ``command`` (open sessions keep
        their copy)."""
        commands = self.net.hosts[device].nos_inventory["configuration"].setdefault(
            "commands", {})
        commands[command] = {"output": self._counted(device, command, text)}

    def drive_failed(self, device: str) -> None:
        platform = self.devices[device].platform
        key, folder, case = DRIVE_FAILED[platform]
        self.set_output(device, registry_commands(platform)[key],
                        recorded(platform, folder, case))

    def _counted(self, device: str, command: str, text: str):
        calls = self.calls

        def answer(*_args, **_kwargs):
            calls[(device, command)] += 1
            return text

        return answer


def _host_key_line(port: int) -> str:
    import paramiko

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    return f"[127.0.0.1]:{port} {key.get_name()} {key.get_base64()}\n"


def _inventory(devices: dict[str, Device], peers_calls: Counter) -> dict:
    hosts = {}
    for device in devices.values():
        platform = device.platform
        commands = {"exit": {"output": True}}
        if platform == "huawei_oceanstor":
            commands["change cli more_enabled=no"] = {"output": "Command executed successfully."}
        for key, command in registry_commands(platform).items():
            where = HEALTHY[platform].get(key)
            text = recorded(platform, *where) if where else UNKNOWN[platform]
            commands[command] = {"output": text}
        base = ("IBM_FlashSystem:cluster1:superuser" if platform == "ibm_storwize"
                else "quiet" if device.name == NO_PROMPT else "admin:/")
        hosts[device.name] = {
            "port": device.port, "username": device.user, "password": device.password,
            "shell": {"plugin": "CMDShell", "configuration": {"intro": "", "base_prompt": base}},
            "nos": {"plugin": f"weibao_{platform}", "configuration": {"commands": commands}},
        }
    return {"default": {"server": {"plugin": "ParamikoSshServer",
                                   "configuration": {"address": "127.0.0.1"}}},
            "hosts": hosts}


def _platforms() -> list[dict]:
    """The two CLIs: their prompt and their answer to an unknown command."""
    return [{"name": f"weibao_{platform}", "initial_prompt": "{base_prompt}>",
             "commands": {"_default_": {"output": text}}}
            for platform, text in UNKNOWN.items()]


def _counted_outputs(peers: ArrayPeers) -> None:
    for name, host in peers.net.hosts.items():
        commands = host.nos_inventory["configuration"]["commands"]
        for command, entry in list(commands.items()):
            if isinstance(entry.get("output"), str):
                commands[command] = {"output": peers._counted(name, command, entry["output"])}


@pytest.fixture(scope="module")
def array_peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArrayPeers]:
    try:
        from fakenos import FakeNOS
    except ImportError:
        pytest.fail(f"fakenos is not installed: {HINT}", pytrace=False)
    for name in ("fakenos", "paramiko.transport"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    devices = {
        STORWIZE: Device(STORWIZE, "ibm_storwize", free_port(), STORWIZE_USER,
                         STORWIZE_PASSWORD),
        OCEANSTOR: Device(OCEANSTOR, "huawei_oceanstor", free_port(), OCEANSTOR_USER,
                          OCEANSTOR_PASSWORD),
        NO_PROMPT: Device(NO_PROMPT, "huawei_oceanstor", free_port(), OCEANSTOR_USER,
                          OCEANSTOR_PASSWORD),
    }
    net = FakeNOS(inventory=_inventory(devices, Counter()), plugins=_platforms())
    net.start()
    try:
        for device in devices.values():
            wait_listening(device.port)
        known_hosts = tmp_path_factory.mktemp("arrays") / "known_hosts"
        known_hosts.write_text("".join(_host_key_line(d.port) for d in devices.values()))
        peers = ArrayPeers(net=net, devices=devices, known_hosts=known_hosts)
        _counted_outputs(peers)
        yield peers
    finally:
        net.stop()
