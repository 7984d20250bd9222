"""Change locks: no two changes run on the same hosts at once, and a crash is never forgotten.

``<data-dir>/locks/<CR-ID>.lock`` is a small JSON file written (``O_EXCL``) when a change run
starts and removed when it ends, however it ends, except when the runner itself dies (killed,
power cut, an unexpected error): then the file stays. The next run that meets it reports it
as stale, with the way to clear it deliberately (``weibao change unlock CR-ID --key K
--reason TEXT``, signed by the operator or recorder of that change and audited): whoever
clears it must first look at what the dead run left on the hosts.

A lock records the change, the hosts, the runner's pid, the process start time (so a pid
reused by another program is not mistaken for the runner), the controller's host name, the
user and the time. A lock of this controller whose process is gone is stale; a lock of another
controller sharing the data directory cannot be checked from here and counts as held.

Every look at the locks and every creation happen under an exclusive ``flock`` on
``locks/.mutex``, so two runs starting together cannot both take the same hosts.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from weibao.audit import utc_timestamp
from weibao.errors import N_, StoreError
from weibao.services.runs import process_alive, process_start

SUFFIX = ".lock"


@dataclass(frozen=True)
class Lock:
    """One change's lock file."""

    change_id: str
    hosts: tuple[str, ...]
    pid: int
    pid_start: str  # /proc/<pid>/stat start time, "" where unknown
    controller: str
    user: str
    time: str  # UTC, 2026-11-03T08:00:00Z
    path: Path
    readable: bool = True  # False: a damaged file, held until cleared

    def as_dict(self) -> dict[str, Any]:
        return {"change_id": self.change_id, "hosts": list(self.hosts), "pid": self.pid,
                "pid_start": self.pid_start, "controller": self.controller,
                "user": self.user, "time": self.time}

    @property
    def stale(self) -> bool:
        """The runner that wrote it is gone (known only for this controller's locks)."""
        if not self.readable or self.controller != socket.gethostname():
            return False
        return not process_alive(self.pid, self.pid_start)

    @property
    def checkable(self) -> bool:
        """Whether this controller can tell if the lock's runner is alive."""
        return self.readable and self.controller == socket.gethostname()


class LockDir:
    """The lock files of one data directory."""

    def __init__(self, data_dir: str | Path) -> None:
        self.dir = Path(data_dir) / "locks"

    def path(self, change_id: str) -> Path:
        return self.dir / f"{change_id}{SUFFIX}"

    @contextlib.contextmanager
    def _mutex(self) -> Iterator[None]:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.dir / ".mutex", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(N_("lock directory %(dir)s: cannot be used: %(reason)s"),
                             dir=str(self.dir), reason=exc.strerror or str(exc)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self, path: Path) -> Lock:
        change_id = path.name[: -len(SUFFIX)]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Lock(change_id=str(data["change_id"]),
                        hosts=tuple(str(h) for h in data["hosts"]), pid=int(data["pid"]),
                        pid_start=str(data.get("pid_start", "")),
                        controller=str(data["controller"]), user=str(data.get("user", "")),
                        time=str(data["time"]), path=path)
        except (OSError, ValueError, KeyError, TypeError):
            return Lock(change_id=change_id, hosts=(), pid=0, pid_start="", controller="",
                        user="", time="", path=path, readable=False)

    def _all(self) -> list[Lock]:
        if not self.dir.is_dir():
            return []
        return [self._read(p) for p in sorted(self.dir.glob(f"*{SUFFIX}"))]

    def all(self) -> list[Lock]:
        """Every lock, damaged ones included (``readable`` False)."""
        with self._mutex():
            return self._all()

    def get(self, change_id: str) -> Lock | None:
        path = self.path(change_id)
        return self._read(path) if path.exists() else None

    def conflicts(self, change_id: str, hosts: Iterable[str]) -> list[Lock]:
        """Locks in the way of running ``change_id`` on ``hosts``: its own lock (left by a
        crash, or another process running it now), a lock of another change sharing a host,
        and any damaged lock file (its hosts cannot be known)."""
        with self._mutex():
            return self._conflicts(change_id, set(hosts))

    def _conflicts(self, change_id: str, hosts: set[str]) -> list[Lock]:
        return [lock for lock in self._all()
                if lock.change_id == change_id or not lock.readable
                or hosts.intersection(lock.hosts)]

    def acquire(self, change_id: str, hosts: Iterable[str], now: datetime) -> Lock | list[Lock]:
        """Take the lock for ``change_id`` on ``hosts``; the conflicting locks instead when
        there are any (nothing is written then)."""
        wanted = sorted(set(hosts))
        with self._mutex():
            found = self._conflicts(change_id, set(wanted))
            if found:
                return found
            lock = Lock(change_id=change_id, hosts=tuple(wanted), pid=os.getpid(),
                        pid_start=process_start(os.getpid()), controller=socket.gethostname(),
                        user=_user(), time=utc_timestamp(now), path=self.path(change_id))
            text = json.dumps(lock.as_dict(), ensure_ascii=False, indent=2) + "\n"
            try:
                fd = os.open(lock.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise StoreError(N_("lock file %(file)s: cannot be written: %(reason)s"),
                                 file=str(lock.path), reason=exc.strerror or str(exc)) from exc
            return lock

    def release(self, lock: Lock) -> None:
        """Remove ``lock`` if it is still the one this process wrote."""
        with self._mutex():
            current = self.get(lock.change_id)
            if current is not None and current.pid == lock.pid and current.time == lock.time:
                current.path.unlink(missing_ok=True)

    def remove(self, change_id: str) -> Lock | None:
        """Remove the lock of ``change_id`` (unlock); the lock that was there."""
        with self._mutex():
            current = self.get(change_id)
            if current is not None:
                current.path.unlink(missing_ok=True)
            return current


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name for this uid (containers)
        return str(os.getuid())
