"""Change control as a service: sign-offs, the guarded run, closing, unlocking, status.

The command line (``weibao change ...``) is a thin layer over :class:`ChangeService`; tests
drive the service directly with an injected clock. Nothing here reads the time, the user or
the language from anywhere but its parameters.

Where things are recorded, for every act:

* the request's ``.signoffs.yml`` (sign-offs only; see signoffs.py),
* the audit log ``<data-dir>/audit/audit.jsonl`` (every sign-off, refusal, run start and end,
  interruption found after a crash, unlock),
* the store: ``changes`` (one row per change and its state), ``signoffs``, ``runs`` with
  ``change_id`` (rehearsals are kind ``change-check``), ``run_hosts`` and ``task_results``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weibao import __version__
from weibao.change import tickets
from weibao.change.anchor import check_vouched
from weibao.change.audit import (
    AuditLog,
    BrokenChain,
    Entry,
    default_audit_path,
    utc_timestamp,
)
from weibao.change.canonical import canonical_bytes, sha256_hex
from weibao.change.execution import ChangeStreamer, TaskEvent
from weibao.change.locks import Lock, LockDir
from weibao.change.people import People, allowed_signers, load_people
from weibao.change.playbook import playbook_files
from weibao.change.refusal import Refusal
from weibao.change.request import CHANGE_ID_RE, ChangeRequest, load_request
from weibao.change.rules import GateResult, evaluate, may_sign
from weibao.change.rules.context import Context, load_targets, local_time
from weibao.change.rules.ready import lock_refusal
from weibao.change.rules.signers import Signing, audit_entries
from weibao.change.signing import sign, verify
from weibao.change.signoffs import (
    ATTEST_ROLES,
    HEAD_ACTS,
    OUTCOMES,
    Checker,
    Record,
    append_signoff,
    current_round,
    key_owner,
    locked,
    make_record,
    read_signoffs,
    statement,
)
from weibao.change.site import people_file, site_binding, targets_binding
from weibao.config import Settings
from weibao.errors import EXIT_INCOMPLETE, EXIT_OK, N_, ConfigError, NotFound, WeibaoError
from weibao.services import ansible as ansible_svc
from weibao.services.runs import close_stale_runs, runner_alive, runner_detail
from weibao.store import Change, Run, RunHost, Signoff, Store

Clock = Callable[[], dt.datetime]
STATE_AFTER_RUN = {"successful": "succeeded", "failed": "failed", "interrupted": "interrupted"}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return str(os.getuid())


def _ts(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# ----------------------------------------------------------------------------- results


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


@dataclass(frozen=True)
class SignoffStatus:
    index: int
    record: Record
    status: str  # valid | superseded | invalid
    problem: WeibaoError | None = None


@dataclass
class ChangeStatus:
    request: ChangeRequest
    state: str
    emergency: bool
    awaiting_retrospective_approval: bool
    signoffs: list[SignoffStatus] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    lock: Lock | None = None
    gates: list[GateResult] = field(default_factory=list)

    @property
    def refusals(self) -> list[Refusal]:
        return [g.refusal for g in self.gates if g.refusal is not None]


# ----------------------------------------------------------------------------- run records


def _run_record(run: Run) -> dict[str, Any]:
    return {
        "id": run.id, "kind": run.kind, "status": run.status, "site": run.site,
        "started_at": _ts(run.started_at), "ended_at": _ts(run.ended_at), "user": run.user,
        "controller": run.controller, "inventory": run.inventory, "playbook": run.playbook,
        "limit": run.limit, "ansible_version": run.ansible_version,
        "weibao_version": run.weibao_version, "artifact_dir": run.artifact_dir,
        "manifest_sha256": run.manifest_sha256, "message": run.message,
        "detail": run.detail or {},
        "hosts": [{"name": h.name, "status": h.status, "message": h.message}
                  for h in run.hosts],
        "task_results": [t.as_dict() for t in run.task_results],
    }


def run_record(store: Store, change_id: str) -> dict[str, Any]:
    """Every run of the change (rehearsals included) with hosts and task results: what the
    closing signature covers (by :func:`run_record_digest`) and what reports show."""
    with store.session() as s:
        runs = s.scalars(select(Run).where(Run.change_id == change_id).order_by(Run.id))
        return {"change_id": change_id, "runs": [_run_record(r) for r in runs]}


def run_record_digest(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a :func:`run_record`."""
    return sha256_hex(record)


# ----------------------------------------------------------------------------- the service


class ChangeService:
    """Change control over one data directory and store."""

    def __init__(self, settings: Settings, store: Store, *, clock: Clock = utcnow,
                 user: str | None = None) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.user = user or _user()
        self.log = AuditLog(default_audit_path(settings.data_dir))
        self.locks = LockDir(settings.data_dir)
        self._people_cache: dict[tuple[str, str], People] = {}
        self._tickets: dict[int, Path] = {}  # run id -> its ticket, until the playbook starts

    def now(self) -> dt.datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return moment.astimezone(dt.UTC).replace(microsecond=0)

    # ------------------------------------------------------------------------- helpers

    def _people(self, request: ChangeRequest, override: str | Path | None) -> People:
        """The people file, checked once per content (each key is checked by ssh-keygen)."""
        path = people_file(request, override)
        try:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return load_people(path)  # says what is wrong with it
        key = (str(path.resolve()), content)
        if key not in self._people_cache:
            self._people_cache = {key: load_people(path)}
        return self._people_cache[key]

    def _context(self, request: ChangeRequest, people: People, now: dt.datetime,
                 clamav_db: str | Path | None = None) -> Context:
        return Context(request=request, people=people,
                       records=read_signoffs(request.path, request.id), log=self.log,
                       store=self.store, locks=self.locks, now=now, clamav_db=clamav_db)

    def _refused(self, actor: str, change_id: str, act: str, refusal: Refusal,
                 now: dt.datetime, request: ChangeRequest | None = None) -> Refusal:
        """Write a refusal to the audit log; return it for raising. A refusal because the log
        itself is damaged cannot be appended to it (appending checks the chain first)."""
        if refusal.rule == "audit":
            return refusal
        digests = {"request": request.digest} if request is not None else {}
        self.log.append(actor, "change.refused", change_id, digests=digests,
                        detail={"act": act, "rule": refusal.rule, "reason": refusal.reason()},
                        now=now)
        return refusal

    def _state(self, change_id: str) -> tuple[str, Change | None]:
        with self.store.session() as s:
            change = s.get(Change, change_id)
            return (change.state if change else "draft"), change

    def recover(self) -> list[int]:
        """Runs left ``running`` by a runner that died: mark them and their changes
        interrupted, and say so in the audit log. Returns the run ids.

        First of all, the clock: every act starts here, and none is recorded at a time earlier
        than the audit log's last entry (TimeOrderError, exit 3, nothing done)."""
        now = self.now()
        with suppress(BrokenChain):  # a damaged log: the rules and the sign-offs say so
            self.log.check_time(now)
        closed = close_stale_runs(self.store, kinds=("change", "change-check"))
        if not closed:
            return []
        with self.store.session() as s:
            runs = [r for r in (s.get(Run, i) for i in closed) if r and r.change_id]
            found = [(r.id, r.change_id, r.kind, (r.detail or {}).get("stopped") or [])
                     for r in runs]
            for run in runs:
                if (run.detail or {}).get("ticket"):
                    tickets.void(Path(run.detail["ticket"]))  # the crashed run's ticket
                change = s.get(Change, run.change_id)
                if change is not None and change.state == "running":
                    change.state = "interrupted"
                    change.updated_at = now
        for run_id, change_id, kind, stopped in found:
            reason = ("the runner stopped before the run finished (crash or kill); found by the "
                      "next weibao")
            if stopped:
                reason += ("; it stopped what the run left running on this controller: "
                           + ", ".join(f"pid {p['pid']}" for p in stopped))
            self.log.append(self.user, "change.check.end" if kind == "change-check"
                            else "change.run.end", change_id,
                            detail={"run_id": run_id, "status": "interrupted",
                                    "reason": reason,
                                    **({"stopped": stopped} if stopped else {})},
                            now=now)
        return [run_id for run_id, _, _, _ in found]

    # ------------------------------------------------------------------------- the anchor

    def vouch(self, inventory_path: str | Path, key: str | Path, *,
              people_path: str | Path | None = None, passphrase: str | None = None,
              interactive: bool = False) -> tuple[Path, People, str]:
        """The client's supervisor vouches for the client's people with the anchor key
        (weibao.change.anchor); audited. Returns the file written, the people, the anchor's
        fingerprint."""
        from weibao.change.anchor import vouch
        from weibao.change.site import site_settings
        from weibao.services.inventory import load_inventory

        self.recover()
        now = self.now()
        inventory = load_inventory(inventory_path)
        site = site_settings(inventory)
        folder = inventory.path if inventory.path.is_dir() else inventory.path.parent
        people = load_people(Path(people_path) if people_path else folder / "people.yml")
        if not site.client_anchor:
            raise ConfigError(N_("inventory %(file)s: weibao_site.client_anchor: not set: the "
                                 "client's supervisor's anchor public key goes there first"),
                              file=str(inventory.path))
        path = vouch(people, key, site.client_anchor, utc_timestamp(now), passphrase,
                     interactive=interactive)
        self.log.append(self.user, "people.vouch", None,
                        digests={"people": people.sha256,
                                 "vouched": hashlib.sha256(path.read_bytes()).hexdigest()},
                        detail={"people_file": str(people.path), "site": site.name,
                                "anchor": site.client_anchor_fingerprint,
                                "client_people": sorted(p.id for p in people
                                                        if p.organisation == "client")},
                        now=now)
        return path, people, site.client_anchor_fingerprint

    # ------------------------------------------------------------------------- sign-offs

    def submit(self, request_path: str | Path, key: str | Path, *,
               people_path: str | Path | None = None, passphrase: str | None = None,
               interactive: bool = False) -> Record:
        """The requester signs the request (书面维护申请): its submission time counts for the
        notice."""
        return self._sign_off("submit", "requester", request_path, key, people_path,
                              passphrase, interactive)

    def approve(self, request_path: str | Path, key: str | Path, *,
                people_path: str | Path | None = None, passphrase: str | None = None,
                interactive: bool = False) -> Record:
        """An approver of the client signs (书面批准); for an emergency change this may come
        after the run (retrospective approval)."""
        return self._sign_off("approve", "approver", request_path, key, people_path,
                              passphrase, interactive)

    def attest(self, request_path: str | Path, role: str, key: str | Path, *,
               people_path: str | Path | None = None, passphrase: str | None = None,
               interactive: bool = False) -> Record:
        """The operator or the recorder signs that they are present for the execution."""
        if role not in ATTEST_ROLES:
            raise ConfigError(N_("--role %(value)r: expected operator or recorder"), value=role)
        return self._sign_off("attest", role, request_path, key, people_path, passphrase,
                              interactive)

    def close(self, request_path: str | Path, key: str | Path, *, outcome: str,
              remaining_issues: str, evaluation: str, people_path: str | Path | None = None,
              passphrase: str | None = None, interactive: bool = False) -> Record:
        """The recorder closes the change: outcome, remaining issues (剩余问题) and the client's
        evaluation (客户评估), signed together with the run record's digest."""
        if outcome not in OUTCOMES:
            raise ConfigError(N_("--outcome %(value)r: expected one of %(choices)s"),
                              value=outcome, choices=", ".join(OUTCOMES))
        for name, text in (("--remaining", remaining_issues), ("--evaluation", evaluation)):
            if not text.strip():
                raise ConfigError(N_("%(option)s: must not be blank (write \"none\" when there "
                                     "is nothing)"), option=name)
        extra = {"outcome": outcome, "remaining_issues": remaining_issues,
                 "evaluation": evaluation}
        return self._sign_off("close", "recorder", request_path, key, people_path, passphrase,
                              interactive, extra)

    def _sign_off(self, act: str, role: str, request_path: str | Path, key: str | Path,
                  people_path: str | Path | None, passphrase: str | None, interactive: bool,
                  extra: dict[str, str] | None = None) -> Record:
        self.recover()
        request = load_request(request_path)
        now = self.now()
        actor = self.user
        try:
            # a people file that cannot be used is a refusal like any other: audited
            try:
                people = self._people(request, people_path)
            except ConfigError as exc:
                raise Refusal.wrap("people", exc) from exc
            signer = key_owner(key, people)
            actor = signer.id
            ctx = self._context(request, people, now)
            state, _ = self._state(request.id)
            may_sign(ctx, Signing(act, role, signer, str(key), str(people.path)), state)
            close: dict[str, str] = {}
            if act == "close":
                close = {**(extra or {}),
                         "run_record_digest": run_record_digest(run_record(self.store,
                                                                           request.id))}
            inventory, site = load_targets(ctx)
            targets, site_values = targets_binding(request, inventory), site_binding(site)
            # a client-side signer must be one the client vouched for (its trust anchor)
            check_vouched(people, signer, site.client_anchor)
        except Refusal as refusal:
            raise self._refused(actor, request.id, act, refusal, now, request) from None
        with locked(request.path):
            head = self.log.head() if act in HEAD_ACTS else ""
            files = playbook_files(request)  # read once: the files listed are those signed
            playbook = sha256_hex(files)
            text = statement(request.id, act, request.digest, signer.id, utc_timestamp(now),
                             role=role, audit_head=head, close=close,
                             people_sha256=people.sha256, playbook_digest=playbook,
                             targets=targets, site=site_values)
            signature = sign(text.encode("utf-8"), key, passphrase, interactive=interactive)
            checked = verify(text.encode("utf-8"), signature, signer.id,
                             allowed_signers(people), what=f"{act} by {signer.id}")
            record = make_record(text, signature)
            digests = {"request": request.digest, "statement": record.statement_digest,
                       "signature": record.signature_digest}
            detail: dict[str, Any] = {"role": role, "person": signer.id,
                                      "fingerprint": checked.fingerprint, "time": record.time,
                                      "emergency": request.emergency.is_emergency,
                                      "people_file": str(people.path),
                                      "people_sha256": people.sha256,
                                      "playbook_digest": playbook,
                                      "playbook_files": files,
                                      "targets": targets, "site": site_values}
            if head:
                detail["audit_head"] = head
            if act == "close":
                digests["run_record"] = close["run_record_digest"]
                detail.update(extra or {})
            entry = self.log.append(signer.id, f"change.{act}", request.id, digests=digests,
                                    detail=detail, now=now)
            append_signoff(request.path, request.id, record)
            self._store_signoff(request, record, checked.fingerprint, entry, now)
        return record

    def _store_signoff(self, request: ChangeRequest, record: Record, fingerprint: str,
                       entry: Entry, now: dt.datetime) -> None:
        with self.store.session() as s:
            change = s.get(Change, request.id)
            if change is None:
                change = Change(id=request.id, state="draft", created_at=now,
                                remaining_issues="", evaluation="")
                s.add(change)
            _describe(change, request)
            change.updated_at = now
            s.add(Signoff(change=change, act=record.act, role=record.role,
                          person=record.person, fingerprint=fingerprint, time=now,
                          request_digest=record.request_digest, audit_head=record.audit_head,
                          statement=record.statement, signature=record.signature,
                          audit_seq=entry.seq, audit_hash=entry.hash))
            if record.act == "submit":
                change.state = "submitted"
                change.submitted_at, change.approved_at = now, None
                change.awaiting_retrospective_approval = request.emergency.is_emergency
            elif record.act == "approve":
                change.approved_at = now
                change.awaiting_retrospective_approval = False
                if change.state == "submitted":
                    change.state = "approved"
            elif record.act == "close":
                data = record.data()
                change.state, change.closed_at = "closed", now
                change.outcome = data["outcome"]
                change.remaining_issues = data["remaining_issues"]
                change.evaluation = data["evaluation"]
                change.run_record_digest = data["run_record_digest"]

    # ------------------------------------------------------------------------- run

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
            on_start: Callable[[Context, int], None] | None = None) -> RunOutcome:
        """Check every rule, then run the change playbook (``check``: a rehearsal in check
        mode). Refusal (exit 3) when a rule does not hold, audited; otherwise the outcome."""
        self.recover()
        request = load_request(request_path)
        now = self.now()
        act = "check" if check else "run"
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
                run_id=run_id, hosts=ctx.hosts, window_end=_ts(request.window.end) or "",
                issued_at=_ts(now) or "")
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
        stop = _Stop(self.now, request.window.end)
        private_dir = self.settings.artifacts_dir / f"run-{run_id}"
        started = False  # the playbook was started: hosts may have been changed
        try:
            # inside the try: an error or Ctrl-C here still closes the run and frees the lock
            if on_start is not None:
                on_start(ctx, run_id)
            started = True
            with _stop_signals(stop):
                result = ansible_svc.run_playbook(
                    request.playbook, Path(ctx.inventory.path if ctx.inventory
                                           else request.targets.inventory),
                    private_dir,
                    extravars={**request.variables, "weibao_change_id": request.id,
                               "weibao_change_ticket": str(self._tickets.pop(run_id))},
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

    # ------------------------------------------------------------------------- unlock

    def unlock(self, change_id: str, key: str | Path, reason: str, *,
               people_path: str | Path | None = None, passphrase: str | None = None,
               interactive: bool = False) -> Lock:
        """Clear the lock a stopped run left, deliberately: signed by the change's operator or
        recorder, with the reason, in the audit log."""
        self.recover()
        if not CHANGE_ID_RE.match(change_id):
            raise ConfigError(N_("change id %(value)r: expected CR-YYYY-NNNN"), value=change_id)
        if not reason.strip() or "\n" in reason.strip():
            raise ConfigError(N_("--reason: one line saying why the lock may go (what was "
                                 "checked on the hosts)"))
        with self.store.session() as s:
            change = s.get(Change, change_id)
            if change is None:
                raise NotFound(N_("%(change)s: no such change in the store"), change=change_id)
            roles = {"operator": change.operator, "recorder": change.recorder}
            request_path = change.request_path
        lock = self.locks.get(change_id)
        if lock is None:
            raise NotFound(N_("%(change)s holds no lock (nothing to clear)"), change=change_id)
        if people_path is None:
            people_path = people_file(load_request(request_path))
        people = load_people(people_path)
        now = self.now()
        actor = self.user
        try:
            signer = key_owner(key, people)
            actor = signer.id
            if not any(signer.id == pid and signer.has_role(role) for role, pid in roles.items()):
                raise Refusal("unlock", N_("%(person)s (by key %(key)s) cannot clear the lock of "
                                           "%(change)s: only its operator (%(operator)s) or "
                                           "recorder (%(recorder)s) can"),
                              person=signer.id, key=str(key), change=change_id, **roles)
            if lock.readable and lock.checkable and not lock.stale:
                raise Refusal("unlock", N_("the lock of %(change)s belongs to a run still going "
                                           "on (pid %(pid)s on %(controller)s); it cannot be "
                                           "cleared while it runs"),
                              change=change_id, pid=lock.pid, controller=lock.controller)
            stopped = self._stop_leftovers(change_id)
        except Refusal as refusal:
            raise self._refused(actor, change_id, "unlock", refusal, now) from None
        data = {"change_id": change_id, "act": "unlock", "signer": signer.id,
                "time": utc_timestamp(now), "reason": reason.strip(), "lock": lock.as_dict()}
        text = canonical_bytes(data).decode("utf-8")
        signature = sign(text.encode("utf-8"), key, passphrase, interactive=interactive)
        verify(text.encode("utf-8"), signature, signer.id, allowed_signers(people),
               what=f"unlock by {signer.id}")
        removed = self.locks.remove(change_id) or lock
        self.log.append(signer.id, "change.unlock", change_id,
                        digests={"statement": sha256_hex(data),
                                 "signature": sha256_hex(signature)},
                        detail={"reason": reason.strip(), "lock": removed.as_dict(),
                                "people_file": str(people.path),
                                "people_sha256": people.sha256,
                                **({"stopped": stopped} if stopped else {}),
                                "statement": text, "signature": signature}, now=now)
        return removed

    def _stop_leftovers(self, change_id: str) -> list[dict[str, Any]]:
        """Before a lock goes: stop whatever the change's runs whose runner is gone left
        running on this controller (ansible-playbook's worker runs in a session of its own);
        Refusal while any of it still runs. Returns what was stopped."""
        me = socket.gethostname()
        with self.store.session() as s:
            runs = [(r.id, r.artifact_dir) for r in
                    s.scalars(select(Run).where(Run.change_id == change_id).order_by(Run.id))
                    if r.controller == me and r.artifact_dir and not runner_alive(r)]
        stopped: list[dict[str, Any]] = []
        for run_id, artifact_dir in runs:
            found, left = ansible_svc.stop_and_wait(Path(artifact_dir))
            if left:
                raise Refusal("unlock", N_("run %(run)s of %(change)s still has processes "
                                           "running on this controller that weibao cannot "
                                           "stop (pid %(pids)s): the playbook may still be "
                                           "changing hosts; the lock stays until they are "
                                           "gone"),
                              run=run_id, change=change_id,
                              pids=", ".join(str(p) for p in sorted(left)))
            stopped += [{"run_id": run_id, "pid": pid, "command": command}
                        for pid, command in sorted(found.items())]
        return stopped

    # ------------------------------------------------------------------------- status

    def status(self, request_path: str | Path, *, people_path: str | Path | None = None,
               clamav_db: str | Path | None = None) -> ChangeStatus:
        """Sign-offs, state, runs, lock, and what ``run`` would refuse now. Records nothing."""
        self.recover()
        request = load_request(request_path)
        state, change = self._state(request.id)
        emergency = request.emergency.is_emergency
        result = ChangeStatus(request=request, state=state, emergency=emergency,
                              awaiting_retrospective_approval=bool(
                                  change.awaiting_retrospective_approval if change
                                  else emergency))
        records = read_signoffs(request.path, request.id)
        result.signoffs = self._signoff_statuses(request, records, people_path)
        with self.store.session() as s:
            runs = s.scalars(select(Run).where(Run.change_id == request.id).order_by(Run.id))
            result.runs = [{"id": r.id, "kind": r.kind, "status": r.status,
                            "started_at": _ts(r.started_at), "ended_at": _ts(r.ended_at),
                            "tasks": len(r.task_results), "message": r.message}
                           for r in runs]
        result.lock = self.locks.get(request.id)
        result.gates = self.check(request.path, people_path=people_path, clamav_db=clamav_db)
        return result

    def _signoff_statuses(self, request: ChangeRequest, records: list[Record],
                          people_path: str | Path | None) -> list[SignoffStatus]:
        start, _ = current_round(records)
        try:
            people = self._people(request, people_path)
            checker = Checker(request.id, request.path, people, self.log,
                              audit_entries(self.log, request.id))
        except WeibaoError as exc:
            return [SignoffStatus(i, r, "invalid", exc) for i, r in enumerate(records)]
        out: list[SignoffStatus] = []
        for index, record in enumerate(records):
            if index < start:
                out.append(SignoffStatus(index, record, "superseded"))
                continue
            if record.request_digest != request.digest:
                out.append(SignoffStatus(index, record, "invalid", Refusal(
                    "signatures", N_("made over an earlier version of the request (digest "
                                     "%(signed)s, now %(current)s)"),
                    signed=record.request_digest[:12], current=request.digest[:12])))
                continue
            try:
                checker.check(index, record)
            except Refusal as refusal:
                out.append(SignoffStatus(index, record, "invalid", refusal))
                continue
            out.append(SignoffStatus(index, record, "valid"))
        return out


def _describe(change: Change, request: ChangeRequest) -> None:
    """Copy what the store keeps of the request onto its row."""
    change.site, change.title, change.kind = request.site, request.title, request.kind
    change.emergency = request.emergency.is_emergency
    change.emergency_reason = request.emergency.reason
    change.request_digest = request.digest
    change.request_path = str(request.path.resolve())
    change.requester, change.operator = request.requester, request.operator
    change.recorder = request.recorder
    change.window_start = request.window.start.astimezone(dt.UTC)
    change.window_end = request.window.end.astimezone(dt.UTC)
    change.timezone = request.window.timezone


def _status(result: ansible_svc.PlaybookResult, stop: _Stop, streamer: ChangeStreamer,
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


class _Stop:
    """ansible-runner's cancel callback (polled about once a second): true once Ctrl-C or
    SIGTERM came, or once the approved window has closed (operation time is strictly
    controlled: a playbook still running at the window's end is cancelled)."""

    def __init__(self, clock: Callable[[], dt.datetime], window_end: dt.datetime) -> None:
        self.clock = clock
        self.window_end = window_end
        self.signalled = False
        self.window_closed: dt.datetime | None = None  # when the window's end was noticed

    @property
    def stopped(self) -> bool:
        return self.signalled or self.window_closed is not None

    def __call__(self) -> bool:
        if self.stopped:
            return True
        now = self.clock()
        if now >= self.window_end:
            self.window_closed = now
        return self.stopped


@contextmanager
def _stop_signals(stop: _Stop) -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM stop the run cleanly: ansible-runner cancels the playbook,
    the change is marked interrupted."""
    def handler(signum: int, frame: object) -> None:
        stop.signalled = True

    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(ValueError):  # not the main thread: leave signals alone
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
