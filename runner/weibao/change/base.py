"""What every act of the change service shares: the data directory's audit log and locks,
the store, the clock and the user; the people file, read once per content; the rules'
context; a refusal written to the audit log; and, first of every act, crash recovery.

:class:`~weibao.change.service.ChangeService` is made of this base and the acts
(:mod:`weibao.change.acts`, :mod:`weibao.change.run`, :mod:`weibao.change.stops`). Nothing
here reads the time, the user or the language from anywhere but its parameters.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from weibao.audit import AuditLog, BrokenChain, default_audit_path
from weibao.change import tickets
from weibao.change.locks import LockDir
from weibao.change.people import People, load_people
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest
from weibao.change.rules.context import Context
from weibao.change.signoffs import read_signoffs
from weibao.change.site import people_file
from weibao.config import Settings
from weibao.services.runs import close_stale_runs
from weibao.store import Change, Run, Store

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return str(os.getuid())


class ServiceBase:
    """Change control over one data directory and store: what the acts share."""

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
