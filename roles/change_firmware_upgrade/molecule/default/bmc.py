"""Start or stop the Redfish BMC of this Molecule scenario (create.yml, destroy.yml).

    python bmc.py start STATE_DIR PORT
    python bmc.py stop STATE_DIR

``start`` runs the firmware integration tests' peer (tests/integration/firmware_peer.py):
``SushyLibvirt``, sushy-emulator on libvirt's in-process ``test:///default`` hypervisor with
our extension (tests/bmc/sushy_testvirt.py), whose SimpleUpdate really changes the BIOS
version (1.0.0 at start), on 127.0.0.1:PORT (a fixed port below the kernel's ephemeral
range, so never one of the integration tests' free ports). It writes the change's media as
`weibao change run` passes them after its media gate: STATE_DIR/media/*.bin (images made by
``make_image``) and STATE_DIR/media.json (name, path, sha256); and the BMC password to
STATE_DIR/bmc.password (mode 0600; any password passes this emulator, the action needs
one). The emulator outlives this process (its own session); its process id goes to
STATE_DIR/pid.json. Nothing is printed but the process id and the media: no password.

``stop`` ends exactly that process (SIGTERM, then SIGKILL after 5 s), after checking that it
still runs sushy_testvirt.py; no file: nothing to stop.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
PROGRAM = "sushy_testvirt.py"
PASSWORD = "Molecule-Fw-Pass-4c8e"  # noqa: S105 - a test's throwaway value
# name: make_image arguments (as tests/integration/test_firmware.py's IMAGES)
IMAGES = {
    "bios-1.1.0-reset.bin": {"version": "1.1.0", "activate": "reset"},
    "bios-1.0.0.bin": {"version": "1.0.0"},
}


def start(state: Path, port: int) -> None:
    import firmware_peer  # tests/integration/firmware_peer.py

    why = firmware_peer.missing()
    if why:
        sys.exit(f"{why}: {firmware_peer.HINT}")
    (state / "media").mkdir(parents=True, exist_ok=True)
    media = []
    for name, spec in IMAGES.items():
        data = firmware_peer.make_image(**spec)
        (state / "media" / name).write_bytes(data)
        media.append({"name": name, "path": str(state / "media" / name),
                      "sha256": hashlib.sha256(data).hexdigest()})
    (state / "media.json").write_text(json.dumps(media, indent=1))
    fd = os.open(state / "bmc.password", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(PASSWORD)
    (state / "sushy").mkdir(exist_ok=True)
    peer = firmware_peer.SushyLibvirt(state / "sushy", task_seconds=1.0)
    peer.port = port
    try:
        peer.start()
    except Exception:
        peer.stop()
        raise
    (state / "pid.json").write_text(json.dumps({"pid": peer.proc.pid}))
    print(json.dumps({"pid": peer.proc.pid, "media": media}))


def _runs(pid: int) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return status != "Z" and any(part.endswith(PROGRAM.encode()) for part in argv)


def stop(state: Path) -> None:
    record = state / "pid.json"
    if not record.exists():
        print("{}")
        return
    pid = json.loads(record.read_text())["pid"]
    if _runs(pid):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while _runs(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _runs(pid):
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    if _runs(pid):
        sys.exit(f"sushy_testvirt {pid} still running after SIGKILL")
    record.unlink()
    print(json.dumps({"pid": pid}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"] and len(sys.argv) == 4:
        start(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
