"""Change control as a service: sign-offs, the guarded run, closing, unlocking, status.

The command line (``weibao change ...``) is a thin layer over :class:`ChangeService`; tests
drive the service directly with an injected clock. Nothing here reads the time, the user or
the language from anywhere but its parameters. The service is made of its acts:

* :mod:`weibao.change.acts`: submit, approve, attest, close (the sign-offs); vouch;
* :mod:`weibao.change.run`: check and run;
* :mod:`weibao.change.stops`: how a run stops; unlock;
* :mod:`weibao.change.base`: what they share (the clock, the people file, refusals written
  to the audit log, crash recovery);

the rules they check are :mod:`weibao.change.rules`; :meth:`ChangeService.status` is below.

Where things are recorded, for every act:

* the request's ``.signoffs.yml`` (sign-offs only; see signoffs.py),
* the audit log ``<data-dir>/audit/audit.jsonl`` (every sign-off, refusal, run start and end,
  interruption found after a crash, unlock),
* the store: ``changes`` (one row per change and its state), ``signoffs``, ``runs`` with
  ``change_id`` (rehearsals are kind ``change-check``), ``run_hosts`` and ``task_results``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weibao.change.acts import SignOffActs
from weibao.change.locks import Lock
from weibao.change.record import utc_text
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest, load_request
from weibao.change.rules import GateResult
from weibao.change.rules.signers import audit_entries
from weibao.change.run import RunActs
from weibao.change.signoffs import Checker, Record, current_round, read_signoffs
from weibao.change.stops import UnlockAct
from weibao.errors import N_, WeibaoError
from weibao.store import Run


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


class ChangeService(SignOffActs, RunActs, UnlockAct):
    """Change control over one data directory and store."""

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
                            "started_at": utc_text(r.started_at), "ended_at": utc_text(r.ended_at),
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
