"""The change-control audit log: append-only JSON lines, each entry chained to the one before.

``<data-dir>/audit/audit.jsonl``, one entry a line::

    {"action":"change.submit","actor":"zhang.san","change_id":"CR-2026-007",
     "detail":{...},"digests":{"request":"<sha256>"},"hash":"<sha256>",
     "prev":"<sha256>","seq":7,"time":"2026-11-03T08:00:00Z"}

``hash`` is the sha256 of the entry's canonical JSON without ``hash``
(:func:`weibao.canonical.canonical_bytes`); ``prev`` is the ``hash`` of the entry
before (64 zeros for the first); ``seq`` counts from 1 without gaps. Each line is itself the
entry's canonical JSON, so a line edited in any way, even only re-spaced, is found out.

What the chain shows: an entry edited, deleted, inserted or moved, a cut-short or foreign line,
all from the first bad entry on (:meth:`AuditLog.verify`), and an entry whose time is earlier
than the one before it (``append`` refuses to write one: :class:`TimeOrderError`). What it
cannot show alone: the last entries removed, or the whole log rewritten with fresh hashes.
That is why the chain head (:meth:`AuditLog.head`) goes into the data signed at each approval
and closing:
:func:`verify_head_in_chain` then shows whether the history a signature vouched for is intact,
and ``weibao audit verify`` checks every head so vouched for (:mod:`weibao.change.vouched`).

Writers take an exclusive ``flock`` on the file, check the whole chain, and append one line
with a single ``write`` on an ``O_APPEND`` descriptor followed by ``fsync``; a failed write is
cut back off. Readers take a shared lock only long enough to note the file's size, then read up
to it, so they never see half a line and never hold writers up.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from weibao.canonical import canonical_bytes, sha256_hex
from weibao.errors import EXIT_CRITICAL, EXIT_USAGE, N_, StoreError, WeibaoError

GENESIS = "0" * 64
FIELDS = frozenset(
    ("seq", "time", "actor", "action", "change_id", "digests", "detail", "prev", "hash"))

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class AuditError(WeibaoError):
    """The audit log is not as it was written."""

    exit_code = EXIT_CRITICAL


class TimeOrderError(WeibaoError):
    """An entry would carry a time earlier than the entry before it (a clock set back, or an
    act backdated): nothing is written. Exit status 3, like a refusal."""

    exit_code = EXIT_USAGE


class BrokenChain(AuditError):
    """The chain fails at entry ``seq`` (line ``line`` of the file)."""

    def __init__(self, message: str, *, seq: int, line: int, **params: object) -> None:
        self.seq = seq
        self.line = line
        super().__init__(message, seq=seq, line=line, **params)


@dataclass(frozen=True)
class Entry:
    seq: int
    time: str
    actor: str
    action: str
    change_id: str | None
    digests: dict[str, str]
    detail: dict[str, Any]
    prev: str
    hash: str

    def body(self) -> dict[str, Any]:
        """The entry without ``hash``: what ``hash`` is computed over."""
        return {"seq": self.seq, "time": self.time, "actor": self.actor,
                "action": self.action, "change_id": self.change_id,
                "digests": self.digests, "detail": self.detail, "prev": self.prev}

    def as_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # entries that verified, from the first, before any bad one
    first_bad_seq: int | None  # the seq expected at the first bad line
    reason: str  # one English line; "" when ok (``error`` renders it translated)
    head: str = GENESIS  # hash of the last good entry
    line: int | None = None  # line number of the first bad line
    error: BrokenChain | None = field(default=None, compare=False)


def default_audit_path(data_dir: str | Path) -> Path:
    """``<data-dir>/audit/audit.jsonl``."""
    return Path(data_dir) / "audit" / "audit.jsonl"


def utc_timestamp(now: datetime | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; ``now`` must carry its time zone."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now: a naive datetime is ambiguous; give it a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------- the log


class AuditLog:
    """One audit log file (created on the first append)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def append(self, actor: str, action: str, change_id: str | None,
               digests: dict[str, str] | None = None, detail: dict[str, Any] | None = None,
               now: datetime | None = None) -> Entry:
        """Append one entry and return it; BrokenChain (nothing written) if the log is bad,
        TimeOrderError (nothing written) if ``now`` is earlier than the last entry's time."""
        body = _new_body(actor, action, change_id, digests or {}, detail or {}, now)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise self._store_error(N_("cannot be opened for appending"), exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._check_same_file(fd)
            size = os.fstat(fd).st_size
            last = self._last(size)
            if now is None:
                # the clock is read under the lock: two writers at once stay in time order
                body["time"] = utc_timestamp(None)
            if last is not None and _backdated(body["time"], last.time):
                raise time_order_error(self.path, body["time"], last)
            body["seq"] = last.seq + 1 if last else 1
            body["prev"] = last.hash if last else GENESIS
            entry = Entry(**body, hash=sha256_hex(body))
            self._write_line(fd, size, canonical_bytes(entry.as_dict()) + b"\n")
        finally:
            os.close(fd)  # also releases the lock
        return entry

    def last(self) -> Entry | None:
        """The last entry (None for an empty log); BrokenChain if the log is bad."""
        last = None
        for entry in self.entries():
            last = entry
        return last

    def check_time(self, now: datetime) -> None:
        """TimeOrderError when an entry made at ``now`` would be backdated (more than
        SIMULTANEOUS earlier than the last one)."""
        last = self.last()
        stamp = utc_timestamp(now)
        if last is not None and _backdated(stamp, last.time):
            raise time_order_error(self.path, stamp, last)

    def head(self) -> str:
        """Hash of the last entry (GENESIS for an empty log); BrokenChain if the log is bad."""
        last = self.last()
        return last.hash if last else GENESIS

    def entries(self, change_id: str | None = None) -> Iterator[Entry]:
        """The entries in order (only ``change_id``'s when given), each checked as it is read.

        Raises BrokenChain at the first bad line, after yielding the good ones before it.
        """
        with self._reader() as (fh, size):
            for entry in _walk(fh, size, self.path):
                if change_id is None or entry.change_id == change_id:
                    yield entry

    def verify(self) -> VerifyResult:
        """Check the whole chain; say how many entries are good and where it first fails."""
        count, head = 0, GENESIS
        try:
            for entry in self.entries():
                count, head = count + 1, entry.hash
        except BrokenChain as exc:
            return VerifyResult(ok=False, count=count, first_bad_seq=exc.seq,
                                reason=exc.render(), head=head, line=exc.line, error=exc)
        return VerifyResult(ok=True, count=count, first_bad_seq=None, reason="", head=head)

    def intact(self) -> tuple[list[Entry], BrokenChain | None]:
        """The entries up to the first bad one, and why that one is bad (None when none is)."""
        good: list[Entry] = []
        try:
            for entry in self.entries():
                good.append(entry)
        except BrokenChain as exc:
            return good, exc
        return good, None

    def find(self, entry_hash: str) -> Entry | None:
        """The entry whose hash is ``entry_hash``, when every entry up to it is intact."""
        try:
            for entry in self.entries():
                if entry.hash == entry_hash:
                    return entry
        except BrokenChain:
            return None
        return None

    # ------------------------------------------------------------------------- internals

    @contextlib.contextmanager
    def _reader(self) -> Iterator[tuple[BinaryIO | None, int]]:
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - closed below, after the generator
        except FileNotFoundError:
            fh = None
        except OSError as exc:
            raise self._store_error(N_("cannot be read"), exc) from exc
        if fh is None:  # no log yet: no entries
            yield None, 0
            return
        with fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)  # no append is half-written now
            size = os.fstat(fh.fileno()).st_size
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            yield fh, size

    def _last(self, size: int) -> Entry | None:
        last = None
        with open(self.path, "rb") as fh:
            for entry in _walk(fh, size, self.path):
                last = entry
        return last

    def _check_same_file(self, fd: int) -> None:
        """The locked file must still be the one at ``path`` (not renamed away meanwhile)."""
        mine = os.fstat(fd)
        try:
            there = os.stat(self.path)
        except OSError as exc:
            raise self._store_error(N_("was moved away while being appended to"), exc) from exc
        if (mine.st_dev, mine.st_ino) != (there.st_dev, there.st_ino):
            raise StoreError(N_("audit log %(file)s: was replaced while being appended to"),
                             file=str(self.path))

    def _write_line(self, fd: int, size: int, line: bytes) -> None:
        try:
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            if size == 0:
                _fsync_dir(self.path.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)  # no half line left behind to break the chain
            raise self._store_error(N_("cannot be written"), exc) from exc

    def _store_error(self, what: str, exc: OSError) -> StoreError:
        return StoreError(N_("audit log %(file)s: %(what)s: %(reason)s"), file=str(self.path),
                          what=what, reason=exc.strerror or str(exc))


# Two people signing at once (operator and recorder attesting together) each read the clock
# before their signature is made, then append in whichever order the lock lets them: an entry
# may be this much earlier than the one before it. More is backdating, refused and reported.
# Five minutes cannot gain anything against a notice of hours or a window of hours.
SIMULTANEOUS = timedelta(minutes=5)


def _backdated(time: str, previous: str) -> bool:
    try:
        return _parse_utc(time) < _parse_utc(previous) - SIMULTANEOUS
    except ValueError:
        return time < previous  # not a timestamp of ours: the shape check names it


def _parse_utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def time_order_error(path: Path, time: str, last: Entry) -> TimeOrderError:
    return TimeOrderError(N_("audit log %(file)s: the time now, %(time)s, is more than 5 minutes "
                             "earlier than the last entry's (%(seq)s, %(last)s): entries are "
                             "never backdated; check the clock of this machine"),
                          file=str(path), time=time, seq=last.seq, last=last.time)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_body(actor: str, action: str, change_id: str | None, digests: dict[str, str],
              detail: dict[str, Any], now: datetime | None) -> dict[str, Any]:
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError("actor: a non-empty string")
    if not isinstance(action, str) or not _ACTION_RE.match(action):
        raise ValueError(f"action {action!r}: lower-case words joined by '.', '_' or '-'")
    if change_id is not None and (not isinstance(change_id, str) or not change_id.strip()):
        raise ValueError("change_id: a non-empty string or None")
    problem = _digests_problem(digests)
    if problem:
        raise ValueError(f"digests: {problem}")
    if not isinstance(detail, dict):
        raise ValueError("detail: a mapping")
    canonical_bytes(detail)  # TypeError/ValueError now rather than a half-made entry
    return {"seq": 0, "time": utc_timestamp(now), "actor": actor, "action": action,
            "change_id": change_id, "digests": dict(digests), "detail": detail,
            "prev": GENESIS}


def _digests_problem(digests: Any) -> str:
    if not isinstance(digests, dict):
        return "not a mapping"
    for name, value in digests.items():
        if not isinstance(name, str) or not name:
            return f"name {name!r} is not a non-empty string"
        if not isinstance(value, str) or not _SHA256_RE.match(value):
            return f"{name}: not a lower-case hex sha256"
    return ""


# ----------------------------------------------------------------------------- checking


def _walk(fh: BinaryIO | None, size: int, path: Path) -> Iterator[Entry]:
    """Yield each entry of the first ``size`` bytes once it is proven; BrokenChain otherwise."""
    if fh is None:
        return
    expected_seq, prev, read, line_no, time = 1, GENESIS, 0, 0, ""
    while read < size:
        raw = fh.readline(size - read)
        if not raw:  # the file shrank under us: the same as cut short
            raw = b"x"
        read += len(raw)
        line_no += 1
        entry = _check_line(raw, path, line_no, expected_seq, prev, time)
        yield entry
        expected_seq, prev, time = expected_seq + 1, entry.hash, entry.time


def _check_line(raw: bytes, path: Path, line: int, seq: int, prev: str,
                prev_time: str = "") -> Entry:
    def broken(message: str, **params: object) -> BrokenChain:
        return BrokenChain(message, seq=seq, line=line, file=str(path), **params)

    if not raw.endswith(b"\n"):
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): the last line is "
                        "cut short (an interrupted write, or the file was truncated)"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): not an audit "
                        "entry (not a JSON object)"))
    problem = _shape_problem(data)
    if problem:
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): not an audit "
                        "entry: %(problem)s"), problem=problem)
    if raw[:-1] != canonical_bytes(data):
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): not in the "
                        "canonical form weibao writes (edited by hand?)"))
    entry = Entry(**data)
    if entry.seq != seq:
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): found entry "
                        "%(found)s here (an entry was deleted, inserted or moved)"),
                     found=entry.seq)
    if entry.prev != prev:
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): does not chain to "
                        "the entry before it (that entry was changed or replaced)"))
    if sha256_hex(entry.body()) != entry.hash:
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): its hash does not "
                        "match its contents (changed after it was written)"))
    if _backdated(entry.time, prev_time):
        raise broken(N_("audit log %(file)s: line %(line)s (entry %(seq)s): its time %(time)s "
                        "is more than 5 minutes earlier than the entry before it "
                        "(%(previous)s): backdated"),
                     time=entry.time, previous=prev_time)
    return entry


def _shape_problem(data: dict[str, Any]) -> str:
    if set(data) != FIELDS:
        return "fields " + ", ".join(sorted(set(data) ^ FIELDS)) + " missing or unexpected"
    checks = (
        ("seq", isinstance(data["seq"], int) and not isinstance(data["seq"], bool)),
        ("time", isinstance(data["time"], str) and bool(_TIME_RE.match(data["time"]))),
        ("actor", isinstance(data["actor"], str)),
        ("action", isinstance(data["action"], str)),
        ("change_id", data["change_id"] is None or isinstance(data["change_id"], str)),
        ("digests", not _digests_problem(data["digests"])),
        ("detail", isinstance(data["detail"], dict)),
        ("prev", isinstance(data["prev"], str) and bool(_SHA256_RE.match(data["prev"]))),
        ("hash", isinstance(data["hash"], str) and bool(_SHA256_RE.match(data["hash"]))),
    )
    bad = [name for name, ok in checks if not ok]
    return ("bad " + ", ".join(bad)) if bad else ""


def verify_head_in_chain(log: AuditLog, head: str) -> bool:
    """Whether ``head`` (a chain head signed earlier) is still an entry's hash in ``log``,
    with every entry up to it intact. False once that history was rewritten.

    GENESIS, the head of an empty log, is always in the chain.
    """
    if head == GENESIS:
        return True
    return log.find(head) is not None
