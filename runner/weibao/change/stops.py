"""How a change run stops, and what is done about a run that stopped.

* While the playbook runs, ansible-runner polls :class:`Stop` (about once a second): Ctrl-C
  or SIGTERM (:func:`stop_signals`) or the approved window's end cancel the playbook; the run
  is recorded as interrupted and its lock released.
* A runner killed outright leaves its run ``running`` and its lock: the next weibao stops what
  it left running on this controller and marks it interrupted
  (:meth:`~weibao.change.base.ServiceBase.recover`, :func:`weibao.services.runs.
  close_stale_runs`).
* A lock left behind is cleared deliberately (:meth:`UnlockAct.unlock`): signed by the
  change's operator or recorder, with the reason, audited, after whatever the dead run left
  running has been stopped.
"""

from __future__ import annotations

import datetime as dt
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weibao.audit import utc_timestamp
from weibao.canonical import canonical_bytes, sha256_hex
from weibao.change.base import ServiceBase
from weibao.change.locks import Lock
from weibao.change.people import allowed_signers, load_people
from weibao.change.refusal import Refusal
from weibao.change.request import CHANGE_ID_RE, load_request
from weibao.change.signoffs import key_owner
from weibao.change.site import people_file
from weibao.errors import N_, ConfigError, NotFound
from weibao.services import ansible as ansible_svc
from weibao.services.runs import runner_alive
from weibao.signing import sign, verify
from weibao.store import Change, Run


class Stop:
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
def stop_signals(stop: Stop) -> Iterator[None]:
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


class UnlockAct(ServiceBase):
    """unlock: clear the lock a stopped run left."""

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
