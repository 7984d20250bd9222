"""Start, serve and stop a Molecule scenario's SSH peers (fakenos on 127.0.0.1) in the
background: the part the controller-side scenarios' ``peers.py`` share (inspect_array,
inspect_hmc). Each scenario's ``peers.py`` builds fakenos's inventory for its hosts and calls
``main(argv, Peers(...))``; its docstring says what it serves.

    peers.py start STATE_DIR   (create.yml) start the peers in the background, wait until
                               each listens, write STATE_DIR/known_hosts
    peers.py stop STATE_DIR    (destroy.yml) stop them; nothing running is fine

The hosts come from the Molecule inventory as JSON in the environment variable
WEIBAO_MOLECULE_PEERS ([{name, port, user, password, scenario, ...}]), so no password is on
a command line; nothing here prints one. The last line printed is changed=yes or changed=no.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SPEC = "WEIBAO_MOLECULE_PEERS"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))


@dataclass
class Peers:
    """A scenario's peers: its script (run again as ``serve``), fakenos's (inventory,
    platforms) for the hosts' spec, and a host's known_hosts line by port."""

    script: str
    fakenos_inventory: Callable[[list[dict]], tuple[dict, list[dict]]]
    host_key_line: Callable[[int], str]
    doc: str = ""


def hosts_spec() -> list[dict]:
    return json.loads(os.environ[SPEC])



def port_in_use(port: int) -> bool:
    # a plain bind (no SO_REUSEPORT) fails on a port a fakenos already listens on
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def our_pid(state: Path) -> int | None:
    """The pid of this state folder's running server, or None."""
    try:
        pid = int((state / "peers.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError):
        return None
    if status == "Z" or b"serve" not in cmdline or str(state).encode() not in cmdline:
        return None
    return pid


def start(peers: Peers, state: Path) -> int:
    spec = hosts_spec()
    if our_pid(state):
        print(f"peers already running (pid {our_pid(state)})")
        print("changed=no")
        return 0
    busy = [h["port"] for h in spec if port_in_use(h["port"])]
    if busy:
        print(f"port(s) {busy} on 127.0.0.1 already in use: another test or a peer left "
              f"over (stop it first); change the ports in molecule.yml otherwise")
        return 1
    state.mkdir(parents=True, exist_ok=True)
    (state / "ready").unlink(missing_ok=True)
    log = state / "peers.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, peers.script, "serve", str(state)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    (state / "peers.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + 60
    while not (state / "ready").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            print("the peers did not start:\n" + log.read_text()[-3000:])
            return 1
        time.sleep(0.1)
    listening = ", ".join(f"{h['name']} :{h['port']}" for h in spec)
    print(f"peers listening: {listening} (pid {proc.pid})")
    print("changed=yes")
    return 0


def serve(peers: Peers, state: Path) -> int:
    from fakenos import FakeNOS
    from network import stop_all, wait_listening  # the integration tests' peer helpers

    for name in ("fakenos", "paramiko.transport", "paramiko"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    spec = hosts_spec()
    inventory, platforms = peers.fakenos_inventory(spec)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    net = FakeNOS(inventory=inventory, plugins=platforms)
    net.start()
    try:
        for host in spec:
            wait_listening(host["port"], seconds=15)
        (state / "known_hosts").write_text("".join(peers.host_key_line(h["port"]) for h in spec))
        (state / "ready").write_text("")
        while not stopping.wait(0.5):
            pass
    finally:
        stop_all(net)
        (state / "ready").unlink(missing_ok=True)
    return 0


def stop(peers: Peers, state: Path) -> int:
    pid = our_pid(state)
    if pid is None:
        (state / "peers.pid").unlink(missing_ok=True)
        print("no peers running")
        print("changed=no")
        return 0
    os.kill(pid, signal.SIGTERM)
    for sig, seconds in ((None, 20), (signal.SIGKILL, 5)):
        if sig is not None:
            print(f"pid {pid} still running after SIGTERM: SIGKILL")
            os.kill(pid, sig)
        deadline = time.monotonic() + seconds
        while our_pid(state) == pid and time.monotonic() < deadline:
            time.sleep(0.1)
        if our_pid(state) != pid:
            break
    else:
        print(f"pid {pid} did not stop")
        return 1
    (state / "peers.pid").unlink(missing_ok=True)
    print(f"peers stopped (pid {pid})")
    print("changed=yes")
    return 0


def main(argv: list[str], peers: Peers) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "serve", "stop"):
        print(peers.doc or __doc__)
        return 2
    state = Path(argv[2]).resolve()
    return {"start": start, "serve": serve, "stop": stop}[argv[1]](peers, state)
