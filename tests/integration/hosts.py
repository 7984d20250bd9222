"""Helpers for the integration tests: podman test hosts, their inventory, the weibao CLI.

The containers come from the image tests/images/build.sh builds; podman runs with the
project's tests/podman/containers.conf (ulimits and runtime that work on our CI machines).
Nothing here is a pytest fixture: conftest.py wires these helpers into fixtures, and a
person can use them from a Python prompt to reproduce a test host by hand.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("WEIBAO_TEST_IMAGE", "localhost/weibao-debian12:latest")
CONTAINERS_CONF = PROJECT / "tests" / "podman" / "containers.conf"
INDUCE_FAULTS = PROJECT / "tests" / "images" / "induce_faults.sh"
BUILD_HINT = "run tests/images/build.sh (as root) to build it"
# The mounts induce_faults.sh requires on the faulty host: a tmpfs it fills to ~97% (fault
# a.), a tmpfs with 100 inodes it uses ~97% of (f.), and a read-only tmpfs it writes an fstab
# line saying rw for (g.).
FULL_MOUNT = "/mnt/weibao-full"
INODES_MOUNT = "/mnt/weibao-inodes"
READONLY_MOUNT = "/mnt/weibao-ro"
FAULT_MOUNT_ARGS = [
    "--tmpfs", f"{FULL_MOUNT}:rw,size=1m",
    # podman 4.3 rejects nr_inodes in --tmpfs and --mount type=tmpfs: an anonymous volume of
    # type tmpfs takes it (remove_host removes the volume with the container).
    "--mount", f"type=volume,destination={INODES_MOUNT},volume-opt=type=tmpfs,"
               "volume-opt=device=tmpfs,volume-opt=o=nr_inodes=100",
    "--tmpfs", f"{READONLY_MOUNT}:ro,size=1m",
]
# The healthy host runs systemd as PID 1 with journald and rsyslog, as a real server does.
# The faulty host runs without systemd (podman's init, then sleep): its kernel errors are
# written into /var/log/syslog and kern.log by induce_faults.sh, and a host whose journal
# runs would be read from the journal, where a container can never put kernel messages.
SYSTEMD_COMMAND = ["/sbin/init"]
PLAIN_COMMAND = ["sleep", "infinity"]
SITE = "it-site"


class PodmanError(RuntimeError):
    """A podman command failed; the message carries its stderr."""


def podman_env() -> dict[str, str]:
    env = dict(os.environ)
    env["CONTAINERS_CONF"] = str(CONTAINERS_CONF)
    return env


def podman(*args: str, check: bool = True, timeout: float = 120,
           stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ``podman ARGS`` with the project's containers.conf."""
    if shutil.which("podman") is None:
        raise PodmanError("podman is not installed (apt-get install podman runc)")
    proc = subprocess.run(["podman", *args], input=stdin, capture_output=True,
                          env=podman_env(), timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise PodmanError(
            f"podman {' '.join(args)} exited {proc.returncode}: "
            f"{proc.stderr.decode(errors='replace').strip()}"
        )
    return proc


def image_exists(image: str = IMAGE) -> bool:
    return podman("image", "exists", image, check=False).returncode == 0


def unique_name(role: str) -> str:
    """A container name no other test run uses: weibao-it-<role>-<random>."""
    return f"weibao-it-{role}-{secrets.token_hex(4)}"


def start_host(name: str, *, systemd: bool = True, fault_mounts: bool = False,
               image: str = IMAGE) -> None:
    """Start a test host and, with systemd, wait until it has booted.

    ``fault_mounts`` adds the three small mounts induce_faults.sh requires (FAULT_MOUNT_ARGS).
    """
    args = ["run", "-d", "--name", name, "--hostname", name, "--label", "weibao-it=1"]
    if fault_mounts:
        args += FAULT_MOUNT_ARGS
    if systemd:
        podman(*args, image, *SYSTEMD_COMMAND)
        wait_booted(name)
    else:
        # --init: a PID 1 that reaps orphans and stops at once (sleep ignores SIGTERM).
        podman(*args, "--init", image, *PLAIN_COMMAND)


def wait_booted(name: str, timeout: float = 60) -> str:
    """Wait until systemd in ``name`` reports running or degraded; return that state."""
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        proc = podman("exec", name, "systemctl", "is-system-running", check=False)
        state = proc.stdout.decode(errors="replace").strip()
        if state in ("running", "degraded"):
            return state
        time.sleep(0.5)
    raise PodmanError(f"container {name}: systemd did not finish booting ({state or 'no answer'})")


def induce_faults(name: str) -> str:
    """Run tests/images/induce_faults.sh inside ``name``; return its output."""
    proc = podman("exec", "-i", name, "sh", "-s", stdin=INDUCE_FAULTS.read_bytes(),
                  timeout=180, check=False)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise PodmanError(f"induce_faults.sh in {name} exited {proc.returncode}:\n{out}")
    return out


def remove_host(name: str) -> None:
    """Remove a container and its anonymous volumes whatever its state; a missing one is fine."""
    podman("rm", "--force", "--volumes", "--time", "0", name, check=False, timeout=60)


def exists(name: str) -> bool:
    return podman("container", "exists", name, check=False).returncode == 0


@dataclass
class ItHosts:
    """The hosts of one integration session; inventory names equal container names."""

    healthy: str
    faulty: str
    unreachable: str
    started: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return [self.healthy, self.faulty, self.unreachable]


ASSETS = {
    "healthy": {"model": "Inspur NF5280M6", "serial": "IT-0001", "location": "Lab rack 1, U10",
                "criticality": "medium", "role": "integration test host (healthy)"},
    "faulty": {"model": "Huawei 2288H V5", "serial": "IT-0002", "location": "Lab rack 1, U12",
               "criticality": "critical", "role": "integration test host (faults induced)"},
    "unreachable": {"model": "Lenovo SR650", "serial": "IT-0003", "location": "Lab rack 2, U4",
                    "criticality": "high", "role": "integration test host (never started)"},
}

SITE_VARS = {
    "name": SITE,
    "client": "Integration Test Client (甲方)",
    "provider": "weibao Test Provider (乙方)",
    "contract": "WB-IT-2026",
    "timezone": "Asia/Shanghai",
    "inspectors": ["it.inspector", "王工"],
}


def inventory_data(hosts: ItHosts) -> dict[str, Any]:
    """An Ansible YAML inventory: group linux with the three hosts, site vars in all."""

    def host(name: str, kind: str) -> dict[str, Any]:
        return {
            "ansible_connection": "containers.podman.podman",
            "ansible_host": name,
            "ansible_python_interpreter": "/usr/bin/python3",
            "weibao_asset": dict(ASSETS[kind]),
        }

    return {
        "all": {
            "vars": {"weibao_site": dict(SITE_VARS)},
            "children": {
                "linux": {
                    "hosts": {
                        hosts.healthy: host(hosts.healthy, "healthy"),
                        hosts.faulty: host(hosts.faulty, "faulty"),
                        hosts.unreachable: host(hosts.unreachable, "unreachable"),
                    }
                }
            },
        }
    }


def write_inventory(path: Path, hosts: ItHosts) -> Path:
    path.write_text(yaml.safe_dump(inventory_data(hosts), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def weibao_command() -> list[str]:
    """The weibao console script beside this Python, else ``python -m weibao``."""
    script = Path(sys.executable).with_name("weibao")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "weibao"]


def run_weibao(*args: str, data_dir: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``weibao --data-dir DATA_DIR ARGS`` as a user would, output captured as text."""
    env = podman_env()
    # ansible-playbook and friends come from the same virtualenv as this Python.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("WEIBAO_DATA_DIR", None)
    env.pop("WEIBAO_DB_URL", None)
    # Messages in English whatever the caller's locale (reports choose with --lang).
    for name in ("WEIBAO_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    return subprocess.run(
        [*weibao_command(), "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, cwd=PROJECT, timeout=timeout, check=False,
    )


def describe(proc: subprocess.CompletedProcess) -> str:
    """The command, exit status and output of a finished process, for assertion messages."""
    return (f"$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}")
