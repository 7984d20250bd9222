"""Start or stop the two BMC emulators of this Molecule scenario (create.yml, destroy.yml).

    python bmcs.py start STATE_DIR IPMI_PORT REDFISH_PORT
    python bmcs.py stop STATE_DIR
    python bmcs.py read STATE_DIR ipmi|redfish PORT

``start`` runs the integration tests' peers (tests/integration/bmc.py): ``IpmiSim`` (OpenIPMI's
``ipmi_sim`` with tests/bmc/ipmi_sim/, healthy; its LAN on UDP IPMI_PORT and its command
console on TCP IPMI_PORT + 1) and ``SushyStatic`` (sushy-static serving the healthy mockup of
tests/bmc/redfish_mockup.py on REDFISH_PORT), all on 127.0.0.1, on fixed ports below the
kernel's ephemeral range, so never one the integration tests' free ports can take. Both
outlive this process (their own sessions); their process ids go to STATE_DIR/pids.json and
each BMC's password to STATE_DIR/<ipmi|redfish>.password (mode 0600), where the scenario's
inventory reads it. Nothing is printed but the process ids: no password.

``read`` asks an emulator itself (``ipmitool sdr elist`` as the collector runs it, or GET
Chassis/1/Thermal and Chassis/1/Power; ``ipmitool chassis status`` or Systems/1) and prints
its temperature, fan and power supply sensors and its power state as JSON, ``{"sensors":
{name: {"reading": number or null, "ok": bool}}, "power": "on" | "off" | ...}``, for
verify.yml to compare with what the role read.

``stop`` ends exactly the processes of pids.json (SIGTERM, then SIGKILL after 5 s), after
checking that each one still runs the program it started; no file: nothing to stop.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
PROGRAMS = {"ipmi": "ipmi_sim", "redfish": "sushy-static"}


def _write_secret(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)


def start(state: Path, ipmi_port: int, redfish_port: int) -> None:
    import bmc  # tests/integration/bmc.py: the integration tests' peers

    missing = bmc.missing_tools()
    if missing:
        sys.exit(f"missing {', '.join(missing)}: {bmc.HINT}")
    for name in ("ipmi", "redfish"):
        (state / name).mkdir(parents=True, exist_ok=True)
    ipmi = bmc.IpmiSim(state / "ipmi")
    ipmi.lan_port, ipmi.console_port = ipmi_port, ipmi_port + 1
    redfish = bmc.SushyStatic(state / "redfish")
    redfish.port = redfish_port
    started = {}
    try:
        ipmi.start()
        started["ipmi"] = ipmi.proc.pid
        redfish.start()
        started["redfish"] = redfish.proc.pid
    except Exception:
        ipmi.stop()
        redfish.stop()
        raise
    _write_secret(state / "ipmi.password", bmc.IPMI_PASSWORD)
    _write_secret(state / "redfish.password", bmc.REDFISH_PASSWORD)
    (state / "pids.json").write_text(json.dumps(started))
    print(json.dumps(started))


def read(state: Path, platform: str, port: int) -> None:
    import bmc

    sensors = {}
    if platform == "ipmi":
        sim = bmc.IpmiSim(state / "ipmi")
        sim.lan_port = port
        proc = sim.ipmitool("sdr", "elist")
        if proc.returncode != 0:
            sys.exit(f"ipmitool sdr elist: {proc.stderr.strip()}")
        for line in proc.stdout.splitlines():
            cols = [c.strip() for c in line.split("|")]
            if len(cols) != 5:
                continue
            words = cols[4].split()
            number = words[0] if words and words[0].replace(".", "", 1).isdigit() else None
            faults = ("Failure", "lost", "Predictive")
            ok = cols[2] == "ok" and not any(w in cols[4] for w in faults)
            sensors[cols[0]] = {"reading": float(number) if number else None, "ok": ok}
        proc = sim.ipmitool("chassis", "status")
        if proc.returncode != 0:
            sys.exit(f"ipmitool chassis status: {proc.stderr.strip()}")
        power = next(line.split(":", 1)[1].strip() for line in proc.stdout.splitlines()
                     if line.startswith("System Power"))
    else:
        import urllib.request

        def get(path: str) -> dict:
            url = f"http://127.0.0.1:{port}/redfish/v1/{path}"
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - local http
                return json.loads(answer.read())

        thermal, supplies = get("Chassis/1/Thermal"), get("Chassis/1/Power")
        for item, key in ([(t, "ReadingCelsius") for t in thermal["Temperatures"]]
                          + [(f, "Reading") for f in thermal["Fans"]]
                          + [(p, None) for p in supplies["PowerSupplies"]]):
            sensors[item["Name"]] = {"reading": float(item[key]) if key else None,
                                     "ok": item["Status"]["Health"] == "OK"}
        power = get("Systems/1")["PowerState"]
    print(json.dumps({"sensors": sensors, "power": power.lower()}))


def _runs(pid: int, program: str) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return status != "Z" and any(program.encode() in part for part in argv)


def stop(state: Path) -> None:
    record = state / "pids.json"
    if not record.exists():
        print("{}")
        return
    pids = json.loads(record.read_text())
    for name, pid in pids.items():
        if _runs(pid, PROGRAMS[name]):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for name, pid in pids.items():
        while _runs(pid, PROGRAMS[name]) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _runs(pid, PROGRAMS[name]):
            os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    left = {name: pid for name, pid in pids.items() if _runs(pid, PROGRAMS[name])}
    if left:
        sys.exit(f"still running after SIGKILL: {left}")
    record.unlink()
    print(json.dumps(pids))


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"] and len(sys.argv) == 5:
        start(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["read"] and len(sys.argv) == 5 and sys.argv[3] in PROGRAMS:
        read(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
