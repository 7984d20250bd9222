"""A change run's events, as ansible-runner streams them, become task results in the store.

Every task result on every host is committed as its event arrives (``task_results``), so a
run that stops, however it stops, keeps what was done up to then. The first failure (a failed
task the playbook does not ignore, or an unreachable host) is kept: it is what the operator
is shown, with the rollback plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from weibao.store import RunHost, Store, TaskResult

RESULT_EVENTS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_skipped": "skipped",
    "runner_on_unreachable": "unreachable",
}
MESSAGE_LIMIT = 4000


@dataclass(frozen=True)
class TaskEvent:
    """One task result, as shown while the run goes on."""

    host: str
    play: str
    task: str
    action: str
    status: str  # ok | changed | failed | skipped | unreachable
    ignored: bool
    message: str


def _message(res: dict[str, Any], status: str) -> str:
    if status in ("ok", "changed", "skipped"):
        text = res.get("msg") if isinstance(res.get("msg"), str) else ""
        return text or str(res.get("skip_reason") or "")
    parts = [res.get("msg"), res.get("stderr"), res.get("module_stderr")]
    text = next((str(p) for p in parts if p), "")
    return text or "task failed"


def _created(event: dict[str, Any]) -> dt.datetime:
    text = event.get("created")
    if isinstance(text, str):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)


class ChangeStreamer:
    """Turns one run's ansible-runner events into task_results rows."""

    def __init__(self, store: Store, run_id: int,
                 on_task: Callable[[TaskEvent], None] | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.on_task = on_task or (lambda event: None)
        self.failure: TaskEvent | None = None
        self.hosts_failed: dict[str, TaskEvent] = {}
        self.hosts_seen: set[str] = set()
        self.count = 0
        self.started = False  # a first task result arrived

    def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind not in RESULT_EVENTS:
            return
        data = event.get("event_data") or {}
        host = str(data.get("host") or "")
        if not host:
            return
        res = data.get("res") if isinstance(data.get("res"), dict) else {}
        status = RESULT_EVENTS[kind]
        if status == "ok" and res.get("changed"):
            status = "changed"
        ignored = status == "failed" and bool(data.get("ignore_errors"))
        result = TaskEvent(host=host, play=str(data.get("play") or ""),
                           task=str(data.get("task") or ""),
                           action=str(data.get("task_action") or data.get("resolved_action")
                                      or ""),
                           status=status, ignored=ignored,
                           message=_message(res, status).strip()[:MESSAGE_LIMIT])
        self._store(result, _created(event))
        self.started = True
        self.count += 1
        self.hosts_seen.add(host)
        if status == "unreachable" or (status == "failed" and not ignored):
            self.hosts_failed.setdefault(host, result)
            if self.failure is None:
                self.failure = result
        self.on_task(result)

    def _store(self, result: TaskEvent, when: dt.datetime) -> None:
        with self.store.session() as s:
            s.add(TaskResult(run_id=self.run_id, host=result.host, play=result.play,
                             task=result.task, action=result.action, status=result.status,
                             ignored=result.ignored, message=result.message, time=when))
            if result.status in ("failed", "unreachable") and not result.ignored:
                row = s.scalars(select(RunHost).where(RunHost.run_id == self.run_id,
                                                      RunHost.name == result.host)).first()
                if row is None:
                    row = RunHost(run_id=self.run_id, name=result.host, asset={},
                                  status="pending", message="")
                    s.add(row)
                if row.status == "pending":
                    row.status = result.status
                    row.message = f"{result.task}: {result.message}"[:MESSAGE_LIMIT]
                    row.finished_at = when
