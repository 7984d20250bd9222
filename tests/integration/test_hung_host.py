"""A host that accepts TCP and never answers SSH costs its timeout and delays no other host.

`weibao inspect` runs on an inventory of two hosts: ``here`` (this machine over the local
connection: the real one-task inspection) and ``hung`` (a loopback address where a socket
accepts every connection and never sends a byte, so ssh waits for a banner that never
comes). ``hung`` must end unreachable after about its timeout (ansible_timeout, 20 s here),
``here`` must be inspected, and its result must arrive long before ``hung`` gives up: the
one-task inspection has nothing to wait for between tasks.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import sys
import threading
import time
from pathlib import Path

import yaml
from hosts import describe, run_weibao

TIMEOUT = 20


class HungServer:
    """Accepts on ADDRESS:PORT and holds every connection open, silent."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def _events(data_dir: Path) -> list[dict]:
    folder = data_dir / "artifacts" / "run-1" / "artifacts" / "ansible" / "job_events"
    return [json.loads(p.read_text()) for p in folder.glob("*.json")]


def _at(event: dict) -> float:
    return dt.datetime.fromisoformat(event["created"]).timestamp()


def test_hung_host_costs_its_timeout_and_delays_no_other(tmp_path: Path) -> None:
    server = HungServer("127.79.0.1")
    try:
        inventory = tmp_path / "inventory" / "hosts.yml"
        inventory.parent.mkdir()
        inventory.write_text(yaml.safe_dump({"all": {
            "vars": {"weibao_site": {"name": "hung-site"}, "inspect_system_sample_seconds": 1},
            "hosts": {
                "here": {"ansible_connection": "local",
                         "ansible_python_interpreter": sys.executable},
                "hung": {"ansible_host": "127.79.0.1", "ansible_port": server.port,
                         "ansible_user": "nobody", "ansible_timeout": TIMEOUT,
                         "ansible_ssh_common_args": "-o StrictHostKeyChecking=no "
                                                    "-o UserKnownHostsFile=/dev/null"},
            }}}))
        data_dir = tmp_path / "data"
        started = time.monotonic()
        proc = run_weibao("inspect", "--inventory", str(inventory.parent), data_dir=data_dir,
                          timeout=300)
        wall = time.monotonic() - started
    finally:
        server.close()
    assert proc.returncode == 2, describe(proc)  # a host unreachable: incomplete
    out = proc.stdout + proc.stderr
    assert "host here: inspected" in out, describe(proc)
    assert "host hung: unreachable" in out, describe(proc)
    assert server.held, "ssh never connected to the hung host"

    events = _events(data_dir)
    start = min(_at(e) for e in events if e["event"] == "playbook_on_start")
    (here_done,) = [e for e in events if e["event"] == "runner_on_ok"
                    and e["event_data"].get("host") == "here"]
    (hung_gone,) = [e for e in events if e["event"] == "runner_on_unreachable"
                    and e["event_data"].get("host") == "hung"]
    # the hung host costs about its timeout: not less (it did wait), not much more
    assert TIMEOUT - 1 <= _at(hung_gone) - start <= TIMEOUT + 15, _at(hung_gone) - start
    # the other host is not held back by it: done before the hung host's timeout ran out
    assert _at(here_done) < _at(hung_gone), (_at(here_done) - start, _at(hung_gone) - start)
    assert wall < TIMEOUT + 60, wall
