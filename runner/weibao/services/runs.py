"""The life of a run on this controller, for inspections and changes alike.

A run records the pid of the weibao process that runs it and that process's start time
(``detail.pid_start``, :func:`runner_detail`), so a later weibao can tell whether the runner
still runs (:func:`runner_alive`: the same process, not another program that got the pid
since). A run left ``running`` by a runner that died is closed by :func:`close_stale_runs`,
after it has stopped what the run left running on this controller.

Both the inspection service and change control (its locks, its crash recovery, unlock) build
on this module; it imports neither of them.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weibao.services import ansible as ansible_svc
from weibao.store import Run, Store

STALE_MESSAGE = "the runner stopped before the run finished (crash or kill)"


def process_start(pid: int) -> str:
    """The start time of process ``pid`` (clock ticks since boot) or "" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    # the command name (field 2) is in parentheses and may hold spaces: split after it
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, start: str = "") -> bool:
    """Whether ``pid`` runs and, when ``start`` is known, is the same process as then."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    if start:
        now = process_start(pid)
        if now and now != start:
            return False  # the pid was reused by another program
    return True


def runner_alive(run: Run) -> bool:
    """Whether the run's runner process (on this controller) still runs: its pid is alive and,
    when the run recorded the process start time (``detail.pid_start``), it is the same
    process, not another program that got the pid since."""
    start = str((run.detail or {}).get("pid_start") or "")
    if not run.pid or (run.pid == os.getpid() and not start):
        return False  # this process did not start it (a pid reused, e.g. in a container)
    return process_alive(run.pid, start)  # this process's own run counts as alive


def runner_detail(detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """A run's ``detail`` with this process's start time (for :func:`runner_alive`)."""
    return {**(detail or {}), "pid_start": process_start(os.getpid())}


def _short(command: str) -> str:
    """``/usr/bin/python3 /venv/bin/ansible-playbook -i ...`` -> ``python3 ansible-playbook``"""
    return " ".join(Path(word).name for word in command.split()[:2]) or "?"


def close_stale_runs(store: Store, kinds: tuple[str, ...] = ("inspection",)) -> list[int]:
    """Runs still ``running`` whose runner process is gone: stop what they left running on
    this controller, then mark them interrupted. Returns the run ids closed.

    A killed runner does not take ansible-playbook's worker with it (the worker runs in a
    session of its own and may still be changing hosts): every process of the run's private
    data directory is killed first, and the run's message and ``detail.stopped`` say which.
    A run whose processes cannot be stopped (not ours to kill) stays ``running``.

    ``kinds``: the kinds of run to close. Change runs are closed only by the change service
    (``ChangeService.recover``), which also closes their change and audits it."""
    closed = []
    me = socket.gethostname()
    with store.session() as s:
        for run in s.scalars(select(Run).where(Run.status == "running",
                                               Run.kind.in_(kinds))):
            if run.controller != me:
                continue  # another controller's run: it may still be going
            if runner_alive(run):
                continue
            found, left = ({}, {})
            if run.artifact_dir:
                found, left = ansible_svc.stop_and_wait(Path(run.artifact_dir))
            if left:
                continue  # still running and not ours to stop: not over
            run.status = "interrupted"
            run.ended_at = run.ended_at or dt.datetime.now(dt.UTC)
            run.message = STALE_MESSAGE
            if found:
                run.message += "; stopped what it left running: " + ", ".join(
                    f"pid {pid} ({_short(command)})" for pid, command in sorted(found.items()))
                run.detail = {**(run.detail or {}),
                              "stopped": [{"pid": pid, "command": command}
                                          for pid, command in sorted(found.items())]}
            for h in run.hosts:
                if h.status == "pending":
                    h.status = "interrupted"
            closed.append(run.id)
    return closed
