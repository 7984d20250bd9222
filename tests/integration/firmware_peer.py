"""A Redfish BMC whose SimpleUpdate really changes firmware versions, for the firmware tests.

``SushyLibvirt`` runs tests/bmc/sushy_testvirt.py (sushy-emulator on libvirt's in-process
``test:///default`` hypervisor, plus our marked extension: FirmwareInventory, Tasks that run,
fault-injecting images) with the Python of the venv ``./dev.sh test-deps`` makes beside the
main one (``$VENV/libvirt-sushy``: Debian's python3 with python3-libvirt). One fresh process per
test: its state (BiosVersion 1.0.0) lasts until it stops. A missing venv FAILS the tests with
the command that makes it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bmc import _stop, free_port

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "tests" / "bmc" / "sushy_testvirt.py"
LIBVIRT_VENV = Path(sys.executable).parent.parent / "libvirt-sushy"
HINT = ("run ./dev.sh test-deps (Debian python3-libvirt, and the venv "
        f"{LIBVIRT_VENV} with sushy-tools)")
sys.path.insert(0, str(LAUNCHER.parent))
from sushy_testvirt import make_image  # noqa: E402, F401 - re-exported for the tests

CONF = """SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'
SUSHY_EMULATOR_LISTEN_PORT = {port}
SUSHY_EMULATOR_LIBVIRT_URI = 'test:///default'
SUSHY_EMULATOR_STATE_DIR = '{state}'
"""


class SushyLibvirt:
    def __init__(self, workdir: Path, task_seconds: float = 1.0, inventory: bool = True,
                 multipart: bool = False) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "sushy-libvirt.log"
        self.env = {**os.environ, "WEIBAO_SUSHY_TASK_SECONDS": str(task_seconds),
                    "WEIBAO_SUSHY_NO_INVENTORY": "0" if inventory else "1",
                    "WEIBAO_SUSHY_MULTIPART": "1" if multipart else "0"}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        conf = self.workdir / "sushy.conf"
        conf.write_text(CONF.format(port=self.port, state=self.workdir / "state"))
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(LIBVIRT_VENV / "bin" / "python"), str(LAUNCHER), "--config", str(conf),
                 "node1"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sushy_testvirt exited: " + self.log.read_text()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self.get("/redfish/v1/Systems")
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("sushy_testvirt did not answer within 20 s")

    def stop(self) -> None:
        _stop(self.proc)

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.base + path, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read())

    def system_uri(self) -> str:
        return self.get("/redfish/v1/Systems")["Members"][0]["@odata.id"]

    def bios_version(self) -> str:
        """The running BiosVersion, read from the System (sushy's own resource)."""
        return self.get(self.system_uri())["BiosVersion"]

    def requests_seen(self, needle: str) -> int:
        return self.log.read_text(errors="replace").count(needle)


def missing() -> str | None:
    if not (LIBVIRT_VENV / "bin" / "python").exists():
        return f"{LIBVIRT_VENV} is missing"
    proc = subprocess.run([str(LIBVIRT_VENV / "bin" / "python"), "-c",
                           "import libvirt, sushy_tools"], capture_output=True, text=True)
    if proc.returncode != 0:
        return "libvirt or sushy_tools not importable in " + str(LIBVIRT_VENV)
    return None


@pytest.fixture
def sushy_libvirt() -> Iterator[Callable[..., SushyLibvirt]]:
    """A factory: ``sushy_libvirt(task_seconds=..., inventory=..., multipart=...)`` starts a
    fresh BMC; every one started is stopped at the end of the test."""
    why = missing()
    if why:
        pytest.fail(f"{why}: {HINT}", pytrace=False)
    started: list[SushyLibvirt] = []
    folders: list[str] = []

    def start(**kwargs) -> SushyLibvirt:
        folder = tempfile.mkdtemp(prefix="weibao-sushy-lv-")
        folders.append(folder)
        peer = SushyLibvirt(Path(folder), **kwargs)
        started.append(peer)
        peer.start()
        return peer

    try:
        yield start
    finally:
        for peer in started:
            peer.stop()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
