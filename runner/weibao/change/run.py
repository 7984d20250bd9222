"""``change run``: every rule checked, then the change playbook run on the request's targets
(``--check``: a rehearsal in Ansible's check mode), and the run recorded from start to end.

The lock is taken when every rule holds and released however the run ends, except when the
playbook may have left the hosts half-changed and nobody saw it stop (an unexpected error
after it started): then ``weibao change unlock`` clears it (:mod:`weibao.change.stops`, also
how a run stops at Ctrl-C or at the window's end). Every task result is in the store as it
arrives (:mod:`weibao.change.execution`); the run's end entry holds the digest of its record
(:func:`weibao.change.record.run_record`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weibao import __version__
from weibao.audit import utc_timestamp
from weibao.canonical import sha256_hex
from weibao.change import tickets
from weibao.change.base import ServiceBase
from weibao.change.execution import ChangeStreamer, TaskEvent
from weibao.change.locks import Lock
from weibao.change.record import run_record, utc_text
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest, load_request
from weibao.change.rules import GateResult, evaluate
from weibao.change.rules.context import Context, local_time
from weibao.change.rules.ready import lock_refusal
from weibao.change.stops import Stop, stop_signals
from weibao.errors import EXIT_INCOMPLETE, EXIT_OK, N_, ConfigError, WeibaoError
from weibao.services import ansible as ansible_svc
from weibao.services.runs import runner_detail
from weibao.store import Change, Run, RunHost

STATE_AFTER_RUN = {"successful": "succeeded", "failed": "failed", "interrupted": "interrupted"}


def change_extravars(evidence: dict[str, Any]) -> dict[str, Any]:
    """What every change playbook is given besides the request's variables: the backups the
    backup gate trusted (``weibao_change_backups``, per target, for the on-host precondition
    check) and the media as the media gate verified them (``weibao_change_media``)."""
    backups = (evidence.get("backups") or {}).get("backups") or {}
    media = (evidence.get("media") or {}).get("files") or []
    return {
        "weibao_change_backups": {
            host: {key: item.get(key) for key in ("id", "path", "sha256", "checksum",
                                                 "size_bytes", "files", "finished_at",
                                                 "tool")}
            for host, item in backups.items()},
        "weibao_change_media": [
            {"name": Path(item["file"]).name, "path": str(Path(item["file"]).resolve()),
             "sha256": item["sha256"]} for item in media],
    }


@dataclass(frozen=True)
class RunNote:
    """Why a run ended as it did: a msgid (N_) and its parameters. The store and the audit log
    keep it in English (:meth:`render` without gettext); the command line shows it in the
    user's language."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] | None = None) -> str:
        text = gettext(self.msgid) if gettext else self.msgid
        return text % self.params if self.params else text


@dataclass(frozen=True)
class RunOutcome:
    """How a change run (or rehearsal) ended."""

    change_id: str
    run_id: int
    check: bool
    status: str  # successful | failed | interrupted
    state: str  # the change's state afterwards
    exit_code: int
    hosts: list[str]
    tasks: int
    failure: TaskEvent | None
    message: str
    artifact_dir: str
    emergency: bool
    awaiting_retrospective_approval: bool
    not_reached: list[str] = field(default_factory=list)  # targets without any task result
    note: RunNote | None = None  # ``message`` as a msgid and parameters, for translation

    def describe(self, gettext: Callable[[str], str] | None = None) -> str:
        """Why the run ended as it did, in the language of ``gettext``."""
        return self.note.render(gettext) if self.note is not None else self.message


class RunActs(ServiceBase):
    """check (every rule as of now, nothing recorded) and run."""

    def check(self, request_path: str | Path, *, people_path: str | Path | None = None,
              clamav_db: str | Path | None = None) -> list[GateResult]:
        """Every gate judged as of now, nothing recorded (``weibao change status``)."""
        request = load_request(request_path)
        now = self.now()
        try:
            people = self._people(request, people_path)
        except ConfigError as exc:
            return [GateResult("people", "refused", refusal=Refusal.wrap("people", exc))]
        try:
            ctx = self._context(request, people, now, clamav_db)
        except ConfigError as exc:
            return [GateResult("signatures", "refused",
                               refusal=Refusal.wrap("signatures", exc))]
        return evaluate(ctx, stop_first=False)

    def run(self, request_path: str | Path, *, check: bool = False,
            people_path: str | Path | None = None, clamav_db: str | Path | None = None,
            on_task: Callable[[TaskEvent], None] | None = None,
            on_start: Callable[[Context, int], None] | None = None,
            scheduled_grace: dt.timedelta | None = None) -> RunOutcome:
        """Check every rule, then run the change playbook (``check``: a rehearsal in check
        mode). Refusal (exit 3) when a rule does not hold, audited; otherwise the outcome.

        ``scheduled_grace``: the run was started by a timer (``change run --scheduled``); it
        is refused when it starts more than this long after the window opened, so a missed
        night window is never run the next morning (ansible/awx#5014)."""
        self.recover()
        request = load_request(request_path)
        now = self.now()
        act = "check" if check else "run"
        window = request.window
        if scheduled_grace is not None and now - window.start > scheduled_grace:
            raise self._refused(self.user, request.id, act, Refusal(
                "window", N_("%(change)s: a scheduled run started at %(now)s, %(late)d "
                             "minute(s) after its window opened at %(start)s (%(timezone)s); "
                             "a scheduled run starts within %(grace)d minute(s) of the window's "
                             "start or not at all: start it by hand if it should still run"),
                change=request.id, now=local_time(now, window.timezone),
                late=int((now - window.start).total_seconds() // 60),
                start=local_time(window.start, window.timezone), timezone=window.timezone,
                grace=int(scheduled_grace.total_seconds() // 60)), now, request)
        rule = "people"
        try:
            people = self._people(request, people_path)
            rule = "signatures"
            ctx = self._context(request, people, now, clamav_db)
        except WeibaoError as exc:
            raise self._refused(self.user, request.id, act, Refusal.wrap(rule, exc), now,
                                request) from None
        results = evaluate(ctx, stop_first=True)
        refused = next((r for r in results if r.refusal is not None), None)
        if refused is not None and refused.refusal is not None:
            raise self._refused(self.user, request.id, act, refused.refusal, now, request)
        lock = self.locks.acquire(request.id, ctx.hosts, now)
        if isinstance(lock, list):
            raise self._refused(self.user, request.id, act, lock_refusal(request.id, lock[0]),
                                now, request)
        evidence = {r.rule: r.evidence for r in results}
        return self._execute(ctx, lock, evidence, check, on_task, on_start)

    def _begin(self, ctx: Context, evidence: dict[str, Any], check: bool) -> tuple[int, str]:
        """The run's rows and its start entry, together: when the audit log refuses the entry
        (a clock set back meanwhile, a damaged log) the store keeps nothing of the run."""
        request, now = ctx.request, self.now()
        emergency = request.emergency.is_emergency
        with self.store.session() as s:
            change = s.get(Change, request.id)
            previous = change.state
            detail = runner_detail({
                "mode": "check" if check else "run", "request_digest": request.digest,
                "emergency": emergency,
                "awaiting_retrospective_approval": emergency and not ctx.approved,
                "gates": evidence})
            run = Run(kind="change-check" if check else "change", site=request.site,
                      period=now.strftime("%Y-%m"), status="running", started_at=now,
                      user=self.user, inventory=str(ctx.inventory.path if ctx.inventory
                                                    else request.targets.inventory),
                      playbook=request.playbook, limit=request.targets.limit,
                      ansible_version=ansible_svc.ansible_core_version(),
                      weibao_version=__version__,
                      site_meta=ctx.inventory.site.as_dict() if ctx.inventory else {},
                      pid=os.getpid(), controller=socket.gethostname(), message="",
                      change_id=request.id, detail=detail, artifact_dir="",
                      manifest_sha256="")
            run.hosts = [RunHost(name=h, status="pending", message="",
                                 asset=ctx.inventory.assets.get(h, {}) if ctx.inventory else {})
                         for h in ctx.hosts]
            s.add(run)
            s.flush()
            run.artifact_dir = str(self.settings.artifacts_dir / f"run-{run.id}")
            if not check:
                change.state = "running"
                change.awaiting_retrospective_approval = emergency and not ctx.approved
            change.updated_at = now
            run_id = run.id
            ticket, ticket_sha256 = tickets.issue(
                self.settings.data_dir, change_id=request.id, request_digest=request.digest,
                run_id=run_id, hosts=ctx.hosts, window_end=utc_text(request.window.end) or "",
                issued_at=utc_text(now) or "")
            run.detail = {**(run.detail or {}), "ticket": str(ticket)}
            self.log.append(self.user, f"change.{'check' if check else 'run'}.start",
                            request.id, digests={"request": request.digest,
                                                 "ticket": ticket_sha256},
                            detail={"run_id": run_id, "hosts": ctx.hosts,
                                    "emergency": emergency,
                                    "awaiting_retrospective_approval":
                                        emergency and not ctx.approved,
                                    "media": evidence.get("media", {}),
                                    "backups": evidence.get("backups", {}),
                                    "signoffs": [c.entry.seq for c in ctx.checked],
                                    "people_sha256": ctx.people.sha256,
                                    "playbook_digest": (evidence.get("playbook") or {}).get(
                                        "digest", "")},
                            now=now)
        self._tickets[run_id] = ticket
        return run_id, previous

    def _execute(self, ctx: Context, lock: Lock, evidence: dict[str, Any], check: bool,
                 on_task: Callable[[TaskEvent], None] | None,
                 on_start: Callable[[Context, int], None] | None) -> RunOutcome:
        request = ctx.request
        try:
            run_id, previous = self._begin(ctx, evidence, check)
        except BaseException:
            self.locks.release(lock)
            raise
        streamer = ChangeStreamer(self.store, run_id, on_task)
        stop = Stop(self.now, request.window.end)
        private_dir = self.settings.artifacts_dir / f"run-{run_id}"
        started = False  # the playbook was started: hosts may have been changed
        try:
            # inside the try: an error or Ctrl-C here still closes the run and frees the lock
            if on_start is not None:
                on_start(ctx, run_id)
            started = True
            with stop_signals(stop):
                result = ansible_svc.run_playbook(
                    request.playbook, Path(ctx.inventory.path if ctx.inventory
                                           else request.targets.inventory),
                    private_dir,
                    extravars={**request.variables, "weibao_change_id": request.id,
                               "weibao_change_ticket": str(self._tickets.pop(run_id)),
                               **change_extravars(evidence)},
                    limit=request.targets.limit, event_handler=streamer.handle,
                    cancelled=stop, check=check)
        except BaseException as exc:
            # the lock stays only when the playbook may have left the hosts half-changed and
            # nobody was there to see it stop (neither Ctrl-C nor a reported error)
            keep_lock = started and not isinstance(exc, KeyboardInterrupt | WeibaoError)
            error = f"{type(exc).__name__}: {exc}".strip()
            if not started:
                note = RunNote(N_("%(error)s (before the playbook started: nothing ran on the "
                                  "hosts)"), {"error": error})
            elif keep_lock:
                note = RunNote(N_("%(error)s (the lock is kept: clear it with weibao change "
                                  "unlock)"), {"error": error})
            else:
                note = RunNote(N_("%(error)s"), {"error": error})
            try:
                self._finish(ctx, run_id, previous, check, "interrupted", note, streamer,
                             private_dir)
            finally:
                if not keep_lock:
                    self.locks.release(lock)
            raise
        try:
            status, note = _status(result, stop, streamer, ctx.hosts, request)
            return self._finish(ctx, run_id, previous, check, status, note, streamer,
                                private_dir, played=_played(result, stop.stopped, streamer))
        finally:
            self.locks.release(lock)

    def _finish(self, ctx: Context, run_id: int, previous: str, check: bool, status: str,
                note: RunNote | None, streamer: ChangeStreamer, private_dir: Path, *,
                played: bool = False) -> RunOutcome:
        """Record the end. ``played``: the playbook ran to its end without a failure, so a
        host with task results is done even when the run failed because another target has
        none (not reached)."""
        request, now = ctx.request, self.now()
        message = note.render() if note is not None else ""
        with self.store.session() as s:
            ticket = ((s.get(Run, run_id).detail or {}).get("ticket"))
        if ticket:
            tickets.void(Path(ticket))  # whatever the outcome, it starts nothing more
        self._tickets.pop(run_id, None)
        # The run has happened and must be recorded: should the clock have been set back
        # while it ran, its end is recorded at the last entry's time, and the clock's time too.
        clock_behind = ""
        last = self.log.last()
        if last is not None and utc_timestamp(now) < last.time:
            clock_behind = utc_timestamp(now)
            now = dt.datetime.fromisoformat(last.time.replace("Z", "+00:00"))
        manifest = ansible_svc.write_manifest(private_dir) if private_dir.exists() else ""
        with self.store.session() as s:
            run = s.get(Run, run_id)
            run.status, run.ended_at, run.message = status, now, message[:4000]
            run.manifest_sha256 = manifest
            for host in run.hosts:
                if host.status == "pending":
                    host.status = _host_status(status, host.name in streamer.hosts_seen,
                                               played)
                    host.finished_at = now
            change = s.get(Change, request.id)
            state = previous if check else STATE_AFTER_RUN[status]
            change.state = state
            change.updated_at = now
            awaiting = change.awaiting_retrospective_approval
        record = run_record(self.store, request.id)
        this_run = next(r for r in record["runs"] if r["id"] == run_id)
        failure = streamer.failure
        self.log.append(self.user, f"change.{'check' if check else 'run'}.end", request.id,
                        digests={"request": request.digest, "run_record": sha256_hex(this_run)},
                        detail={"run_id": run_id, "status": status, "tasks": streamer.count,
                                "failure": None if failure is None else {
                                    "host": failure.host, "task": failure.task,
                                    "message": failure.message[:500]},
                                "message": message[:500],
                                **({"clock_behind": clock_behind} if clock_behind else {})},
                        now=now)
        return RunOutcome(change_id=request.id, run_id=run_id, check=check, status=status,
                          state=state,
                          exit_code=EXIT_OK if status == "successful" else EXIT_INCOMPLETE,
                          hosts=ctx.hosts, tasks=streamer.count, failure=failure,
                          message=message, note=note, artifact_dir=str(private_dir),
                          emergency=request.emergency.is_emergency,
                          awaiting_retrospective_approval=awaiting,
                          not_reached=[h for h in ctx.hosts if h not in streamer.hosts_seen]
                          if played else [])


def _status(result: ansible_svc.PlaybookResult, stop: Stop, streamer: ChangeStreamer,
            hosts: list[str], request: ChangeRequest) -> tuple[str, RunNote | None]:
    if stop.window_closed is not None:
        window = request.window
        return "interrupted", RunNote(
            N_("the approved window closed at %(end)s (%(timezone)s) while the playbook was "
               "still running: cancelled at %(now)s"),
            {"end": local_time(window.end, window.timezone), "timezone": window.timezone,
             "now": local_time(stop.window_closed, window.timezone)})
    if stop.signalled or result.status == "canceled":
        return "interrupted", RunNote(N_("interrupted (Ctrl-C or a stop signal) before the run "
                                         "finished"))
    if result.status == "timeout":
        return "interrupted", RunNote(N_("ansible-runner timed out"))
    if streamer.failure is not None:
        f = streamer.failure
        return "failed", RunNote("%(host)s: %(task)s: %(message)s",
                                 {"host": f.host, "task": f.task, "message": f.message})
    if result.status != "successful":
        tail = result.stdout_tail.strip().splitlines()
        if tail:  # ansible-playbook's own words
            return "failed", RunNote("%(detail)s", {"detail": tail[-1]})
        return "failed", RunNote(N_("ansible-playbook exit status %(rc)s"), {"rc": result.rc})
    missing = [h for h in hosts if h not in streamer.hosts_seen]
    if missing:
        # ansible-playbook succeeds when a play's hosts: pattern leaves a target out: nothing
        # shows the change was made there, so the run is not a success.
        return "failed", RunNote(
            N_("the change playbook gave no task result for %(hosts)s: not reached (does every "
               "play's hosts: cover the request's targets?); nothing shows the change was made "
               "there"), {"hosts": ", ".join(missing)})
    return "successful", None


def _played(result: ansible_svc.PlaybookResult, stopped: bool,
            streamer: ChangeStreamer) -> bool:
    """The playbook ran to its end and nothing in it failed."""
    return (not stopped and result.status == "successful" and streamer.failure is None)


def _host_status(status: str, seen: bool, played: bool = False) -> str:
    if status == "successful" or (played and seen):
        return "done"
    if status == "interrupted":
        return "interrupted"
    return "stopped" if seen else "not reached"
