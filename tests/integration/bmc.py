"""Real BMC peers for the integration tests, on 127.0.0.1 with free ports.

* ``IpmiSim``: OpenIPMI's ``ipmi_sim`` (Debian ``openipmi``) with the sensors, SDRs and SEL of
  tests/bmc/ipmi_sim/ (SDRs compiled with ``sdrcomp -8`` into a fresh state directory), its
  LAN on a free UDP port and its command console on a free TCP port. Faults are injected at
  run time through the console (``sensor_set_value``, ``sensor_set_bit``, ``sel_add``; the
  last argument 1 makes ipmi_sim log the SEL events a real BMC would) and ``ipmitool sel
  clear``.
* ``SushyStatic``: ``sushy-static`` (sushy-tools, the venv's test extra) serving the mockup
  tree of tests/bmc/redfish_mockup.py, rewritten between inspections.

``bmc_peers`` (session) starts both and stops them at the end, also after a failure. A
missing tool FAILS the tests with the command that installs it (``./dev.sh test-deps``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BMC_DIR = ROOT / "tests" / "bmc"
sys.path.insert(0, str(BMC_DIR))
from redfish_mockup import write_mockup  # noqa: E402

IPMI_USER, IPMI_PASSWORD = "ipmiusr", "Ipmi-Pass-5f1c"
REDFISH_USER, REDFISH_PASSWORD = "admin", "Redfish-Pass-9b3e"
HINT = "run ./dev.sh test-deps (Debian packages openipmi ipmitool freeipmi-tools; sushy-tools)"

LAN_CONF = """name "testbmc"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 {lan_port}
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  user 2 true  "{user}" "{password}" admin    10 none md2 md5 straight
console 127.0.0.1 {console_port}
"""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class IpmiSim:
    def __init__(self, workdir: Path) -> None:
        self.state = workdir / "state"
        self.lan_port = free_port(socket.SOCK_DGRAM)
        self.console_port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "ipmi_sim.log"

    def start(self) -> None:
        folder = self.state / "ipmi_sim" / "testbmc"
        folder.mkdir(parents=True)
        subprocess.run(["sdrcomp", "-8", "-o", str(folder / "sdr.20.main"),
                        str(BMC_DIR / "ipmi_sim" / "sensors.sdrs")], check=True,
                       capture_output=True)
        conf = self.state.parent / "lan.conf"
        conf.write_text(LAN_CONF.format(lan_port=self.lan_port, console_port=self.console_port,
                                        user=IPMI_USER, password=IPMI_PASSWORD))
        conf.chmod(0o600)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["ipmi_sim", "-c", str(conf), "-f", str(BMC_DIR / "ipmi_sim" / "sensors.emu"),
                 "-s", str(self.state), "-n"], stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ipmi_sim exited: " + self.log.read_text()[-2000:])
            if self.ipmitool("mc", "info", timeout=5).returncode == 0:
                self.ipmitool("sel", "time", "set", "now")
                return
            time.sleep(0.1)
        raise RuntimeError("ipmi_sim did not answer within 10 s")

    def stop(self) -> None:
        _stop(self.proc)

    def ipmitool(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
        """ipmitool as the collector runs it (-E: the password in the environment)."""
        return subprocess.run(
            ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", str(self.lan_port),
             "-U", IPMI_USER, "-E", "-C", "3", *args], capture_output=True, text=True,
            timeout=timeout, env={**os.environ, "IPMI_PASSWORD": IPMI_PASSWORD, "LC_ALL": "C"})

    def console(self, line: str) -> str:
        """One ipmi_sim console command (ipmi_sim_cmd(5)); never 'quit' (it stops ipmi_sim)."""
        with socket.create_connection(("127.0.0.1", self.console_port), timeout=5) as s:
            buf = b""
            while not buf.endswith(b"> "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
            s.sendall(line.encode() + b"\n")
            answer = b""
            while not answer.endswith(b"> "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        text = answer.decode("utf-8", "replace")
        if "**" in text:
            raise RuntimeError(f"ipmi_sim console {line!r}: {text.strip()}")
        return text

    # faults, as a real BMC would see them (the last argument 1: log the SEL events)
    def fan_below_critical(self) -> None:
        self.console("sensor_set_value 0x20 0 4 15 1")  # FAN2 = 15 x 60 = 900 RPM < LC 1200

    def psu_failed_ac_lost(self) -> None:
        self.console("sensor_set_bit 0x20 0 6 1 1 1")  # PSU2: failure detected
        self.console("sensor_set_bit 0x20 0 6 3 1 1")  # PSU2: AC input lost

    def temperature_over_critical(self) -> None:
        self.console("sensor_set_value 0x20 0 2 95 1")  # CPU2 Temp 95 C > UC 90

    def add_memory_ecc_event(self) -> None:
        # Memory, DIMM ECC (#8): uncorrectable ECC asserted
        self.console("sel_add 0x20 2 0 0 0 0 0x20 0 0x04 0x0c 0x08 0x6f 0x01 0xff 0xff")

    def clear_sel(self) -> None:
        proc = self.ipmitool("sel", "clear")
        assert proc.returncode == 0, proc.stderr


class SushyStatic:
    def __init__(self, workdir: Path, tls: bool = False) -> None:
        self.mockup = workdir / "mockup"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "sushy-static.log"
        # HTTPS with a certificate of our own (a self-signed CA for 127.0.0.1): the CA file
        # is what a site gives as weibao_bmc_ca_path
        self.ca = workdir / "bmc-ca.pem" if tls else None
        self.key = workdir / "bmc-key.pem" if tls else None

    def start(self) -> None:
        write_mockup(self.mockup)
        exe = Path(sys.executable).parent / "sushy-static"
        tls = []
        if self.ca is not None:
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-keyout", str(self.key), "-out", str(self.ca), "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1",
                 "-addext", "basicConstraints=critical,CA:TRUE"], check=True,
                capture_output=True)
            tls = ["-c", str(self.ca), "-k", str(self.key)]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(exe), "-i", "127.0.0.1", "-p", str(self.port), "-m", str(self.mockup),
                 *tls],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sushy-static exited: " + self.log.read_text()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("sushy-static did not listen within 15 s")

    def stop(self) -> None:
        _stop(self.proc)

    def rewrite(self, faults=(), events=None) -> None:
        write_mockup(self.mockup, faults, events)


@dataclass
class BmcPeers:
    ipmi: IpmiSim
    redfish: SushyStatic
    workdir: Path
    redfish_tls: SushyStatic


def missing_tools() -> list[str]:
    tools = [t for t in ("ipmi_sim", "sdrcomp", "ipmitool", "ipmi-sensors", "ipmi-sel", "openssl")
             if shutil.which(t) is None]
    if not (Path(sys.executable).parent / "sushy-static").exists():
        tools.append("sushy-static")
    return tools


@pytest.fixture(scope="session")
def bmc_peers() -> Iterator[BmcPeers]:
    missing = missing_tools()
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: {HINT}", pytrace=False)
    workdir = Path(tempfile.mkdtemp(prefix="weibao-bmc-"))
    for name in ("ipmi", "redfish", "redfish-tls"):
        (workdir / name).mkdir()
    peers = BmcPeers(IpmiSim(workdir / "ipmi"), SushyStatic(workdir / "redfish"), workdir,
                     SushyStatic(workdir / "redfish-tls", tls=True))
    try:
        peers.ipmi.start()
        peers.redfish.start()
        peers.redfish_tls.start()
        yield peers
    finally:
        peers.ipmi.stop()
        peers.redfish.stop()
        peers.redfish_tls.stop()
        shutil.rmtree(workdir, ignore_errors=True)
