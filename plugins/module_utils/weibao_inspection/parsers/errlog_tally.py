# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error-log tally: stream log lines into bounded per-(class, component) counts.

Reading, not judging. :func:`scan` streams the lines of one source (bytes, any length of
log) through the classifier (``errlog_classes``) into an :class:`EventCounter` and a
:class:`SourceStats`; memory stays at counts and a few sample lines whatever the size of the
log. Both the collector (plugins/modules/weibao_inspect_errlog.py, reading the host's logs as
streams) and :func:`parsers.linux_errlog.parse_sources` (output saved by hand, for ``weibao
judge``) go through :func:`scan`, so a line is classified the same way on either path;
:func:`to_data` turns the result into the area's data (plain, JSON-able), which the rules
judge.

One incident is often logged by several messages (a bad sector gives a SCSI sense line, a
block-layer ``I/O error, dev sda`` line and a ``Buffer I/O error`` line): each kind is
counted on its own in its (class, component) bucket and the rules take the largest. Counters
of log streams that overlap (``syslog`` and ``kern.log`` hold the same kernel lines; dmesg
repeats the kernel part of both) are merged by maximum, time-disjoint streams by sum.

Python 3.8-compatible: it ships to managed hosts with the module.
"""

from __future__ import annotations

import re
from itertools import chain, islice

from ansible.module_utils.weibao_inspection.parsers.errlog_classes import (
    AUTH_LINE_RE,
    CLASSES,
    FAULT_PREFILTER,
    FAULT_RE,
    PREFILTER,
    UNCLASSIFIED,
    candidate,
    classify,
    classify_record,
    fault_event,
)
from ansible.module_utils.weibao_inspection.parsers.errlog_lines import (
    decode,
    format_time,
)

# Buckets per class before further components are folded into one "(other)" bucket.
MAX_COMPONENTS_PER_CLASS = 200
MAX_SAMPLE_CHARS = 400
# Lines at the start of a source parsed regardless of the prefilter, to learn its first time.
HEAD_PROBE_LINES = 20
# Lines the scanner prefilters at once (one regex search per block instead of per line).
# Lines are at most 64 KiB (the collector cuts longer ones), so a block stays a few MiB.
SCAN_BLOCK_LINES = 64
# The buckets kept in the data, worst first (the rules judge what the tally kept).
ALL_CLASSES = CLASSES + (UNCLASSIFIED,)
MAX_BUCKETS_IN_DATA = len(ALL_CLASSES) * (MAX_COMPONENTS_PER_CLASS + 1)
# Lines with a fault keyword are shown for a person to read: more of them than of a class.
UNCLASSIFIED_SAMPLES = 10

# Longer lines (binary garbage without newlines) are cut into pieces of this size.
MAX_LINE_BYTES = 65536
# Marks a sample line whose time could not be read (evidence is the log's own text).
UNDATABLE_MARK = "(time unreadable) "
NO_TIME_MARK = "(no time)"

_LAST_REPEATED_RE = re.compile(r"^last message repeated (\d+) times?\b")


def iter_lines(stream):
    """Bytes lines of a binary stream, each at most MAX_LINE_BYTES long."""
    readline = stream.readline
    while True:
        line = readline(MAX_LINE_BYTES)
        if not line:
            return
        yield line


class Bucket:
    """Counts of one (class, component).

    ``undatable``: lines that matched an event rule but whose time could not be read (a
    damaged timestamp): they may fall in the window, so they are never silently dropped.
    """

    __slots__ = ("cls", "component", "kinds", "critical", "info", "first", "last",
                 "samples", "last_sample", "undatable")

    def __init__(self, cls, component):
        self.cls = cls
        self.component = component
        self.kinds = {}
        self.critical = {}
        self.info = {}
        self.first = None
        self.last = None
        self.samples = []
        self.last_sample = None
        self.undatable = 0

    @property
    def count(self):
        return max(self.kinds.values()) if self.kinds else 0

    @property
    def critical_count(self):
        return max(self.critical.values()) if self.critical else 0

    @property
    def info_count(self):
        return max(self.info.values()) if self.info else 0


class EventCounter:
    """Bounded per-(class, component) counts, first/last time and a few sample lines."""

    def __init__(self, max_samples=3, max_components=MAX_COMPONENTS_PER_CLASS):
        self.max_samples = max(int(max_samples), 1)
        self.max_components = max_components
        self.buckets = {}
        self._per_class = dict((cls, 0) for cls in ALL_CLASSES)

    def _bucket(self, cls, component):
        key = (cls, component)
        bucket = self.buckets.get(key)
        if bucket is None:
            if self._per_class[cls] >= self.max_components:
                key = (cls, "(other)")
                bucket = self.buckets.get(key)
                if bucket is not None:
                    return bucket
                component = "(other)"
            bucket = Bucket(cls, component)
            self.buckets[key] = bucket
            self._per_class[cls] += 1
        return bucket

    def add(self, event, when=None, sample=None, repeat=1):
        """Count one event (``repeat`` times: rsyslog repeat lines)."""
        bucket = self._bucket(event.cls, event.component)
        weight = event.weight * repeat
        if event.severity == "info":
            bucket.info[event.kind] = bucket.info.get(event.kind, 0) + weight
            return bucket
        bucket.kinds[event.kind] = bucket.kinds.get(event.kind, 0) + weight
        if event.severity == "critical":
            bucket.critical[event.kind] = bucket.critical.get(event.kind, 0) + weight
        if when is not None:
            if bucket.first is None or when < bucket.first:
                bucket.first = when
            if bucket.last is None or when > bucket.last:
                bucket.last = when
        if sample is not None:
            self._sample(bucket, sample[:MAX_SAMPLE_CHARS])
        return bucket

    def _sample(self, bucket, sample):
        if sample in bucket.samples:
            return
        limit = self.max_samples
        if bucket.cls == UNCLASSIFIED:
            limit = max(limit, UNCLASSIFIED_SAMPLES)
        if len(bucket.samples) < limit:
            bucket.samples.append(sample)
        else:
            bucket.last_sample = sample

    def add_undatable(self, event, sample=None):
        """Count a line that matched an event rule but whose time could not be read.

        Returns the bucket, or None for an event that is context only (severity info).
        """
        if event.severity == "info":
            return None
        bucket = self._bucket(event.cls, event.component)
        bucket.undatable += 1
        if sample is not None:
            self._sample(bucket, sample[:MAX_SAMPLE_CHARS])
        return bucket

    def add_repeat(self, bucket, kind, severity, repeat):
        """sysklogd's 'last message repeated N times' after a counted line."""
        target = bucket.info if severity == "info" else bucket.kinds
        target[kind] = target.get(kind, 0) + repeat
        if severity == "critical":
            bucket.critical[kind] = bucket.critical.get(kind, 0) + repeat

    def total(self, cls=None):
        return sum(b.count for b in self.buckets.values() if cls is None or b.cls == cls)

    def merge(self, others, how):
        """Fold counters into this one: how='max' (overlapping streams) or 'sum'."""
        combine = max if how == "max" else (lambda a, b: a + b)
        for other in others:
            for bucket in other.buckets.values():
                mine = self._bucket(bucket.cls, bucket.component)
                for attr in ("kinds", "critical", "info"):
                    target = getattr(mine, attr)
                    for kind, count in getattr(bucket, attr).items():
                        target[kind] = combine(target.get(kind, 0), count)
                mine.undatable = combine(mine.undatable, bucket.undatable)
                if bucket.first is not None and (mine.first is None or bucket.first < mine.first):
                    mine.first = bucket.first
                if bucket.last is not None and (mine.last is None or bucket.last > mine.last):
                    mine.last = bucket.last
                for sample in bucket.samples:
                    self._sample(mine, sample)
                if bucket.last_sample is not None:
                    self._sample(mine, bucket.last_sample)
        return self


class SourceStats:
    """What reading one source gave: shown in errlog.sources and kept in the data.

    ``status``: read | missing | failed | skipped. ``notes``: messages (weibao_inspection
    .messages) about the source: why it was not read, rotated copies, files skipped.
    ``cause``: for a source not read, the coverage cause (findings.CAUSES) of the unknown
    findings it leads to. ``undated``: event lines without any time, counted (no window was
    given). ``undatable``: event lines whose time could not be read (a damaged timestamp, or
    no time at all while a window was given), counted apart in the counter's buckets (their
    class cannot be judged ``ok``). ``timeless``: the source was read but no line of it
    carries a time (``dmesg`` raw uptime stamps without the boot time): it cannot say how far
    back it reaches.
    """

    __slots__ = ("name", "kind", "status", "notes", "cause", "lines", "candidates", "events",
                 "unparsed", "undated", "undatable", "before_since", "after_until",
                 "truncated", "first_time", "last_time", "timeless")

    def __init__(self, name, kind, status="read", notes=(), cause=None):
        self.name = name
        self.kind = kind
        self.status = status
        self.notes = list(notes)
        self.cause = cause
        self.lines = 0
        self.candidates = 0
        self.events = 0
        self.unparsed = 0
        self.undated = 0
        self.undatable = 0
        self.before_since = 0
        self.after_until = 0
        self.truncated = False
        self.first_time = None
        self.last_time = None
        self.timeless = False

    def fail(self, status, reason, cause):
        """Mark the source not read: ``reason`` a message, ``cause`` a coverage cause."""
        self.status = status
        self.notes.append(reason)
        self.cause = cause
        return self

    def as_dict(self):
        out = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if name in ("first_time", "last_time"):
                value = format_time(value)
            elif name == "notes":
                value = list(value)
            out[name] = value
        return out


def scan(raw_lines, parse, counter, stats, since=None, until=None, max_lines=None):
    """Stream lines (bytes) of one source into ``counter``; bounded memory.

    ``parse``: str line -> LogRecord or None (see parsers.linux_errlog). Lines with a time
    before ``since`` or at/after ``until`` are skipped; lines without time are counted (and
    tallied in ``stats.undated``). A line that matches an event rule but that ``parse``
    cannot read (a damaged timestamp) may be in the window: it is counted apart, as
    undatable, in its bucket (``EventCounter.add_undatable``) and in ``stats.undatable``, so
    its class is never judged ``ok`` on it. At most ``max_lines`` lines are read; hitting the
    cap sets ``stats.truncated``. Returns ``stats``.
    """
    iterator = iter(raw_lines)
    head = list(islice(iterator, HEAD_PROBE_LINES))
    for raw in head:
        record = parse(decode(raw))
        if record is not None and record.time is not None:
            stats.first_time = record.time
            break
    guarded = PREFILTER.search
    faulty = FAULT_PREFILTER.search
    lines = chain(head, iterator)
    read = 0
    last_bucket = None
    last_event = None
    repeat_line = -1  # the number of the line right after the last counted one
    truncated = False
    while not truncated:
        # Lines are taken in blocks and the prefilter runs once on a block: nearly every
        # line of a month of syslog is noise, and a block without any keyword is skipped
        # whole (a keyword across two joined lines only costs a look at each line).
        want = SCAN_BLOCK_LINES
        if max_lines:
            want = min(want, max_lines - read + 1)  # one more than the cap: is there more?
        block = list(islice(lines, want))
        if not block:
            break
        if max_lines and read + len(block) > max_lines:
            truncated = stats.truncated = True
            del block[max_lines - read:]
        first = read + 1
        read += len(block)
        # sysklogd's "last message repeated N times" right after a counted line
        if not candidate(b"".join(block)) and (
                first != repeat_line or b"last message repeated" not in block[0]):
            continue
        for number, raw in enumerate(block, first):
            guard = guarded(raw) is not None
            if not guard and (faulty(raw.lower()) is None
                              or AUTH_LINE_RE.search(raw) is not None) and (
                    number != repeat_line or b"last message repeated" not in raw):
                continue  # no guard, and no fault keyword or a login/session line
            stats.candidates += 1
            line = decode(raw)
            # no rule runs without one of its guards in the line: classify only then
            line_event = classify(line) if guard else None
            if line_event is None and FAULT_RE.search(line) is None \
                    and b"last message repeated" not in raw:
                continue  # no event, no fault: no need to parse its time
            record = parse(line)
            if record is None:
                stats.unparsed += 1
                if line_event is None:
                    line_event = fault_event("(unparsed)", line)
                if line_event is not None and line_event.severity != "info":
                    # An event whose time cannot be read: it may be in the window.
                    stats.undatable += 1
                    counter.add_undatable(line_event, UNDATABLE_MARK + line)
                continue
            when = record.time
            if when is not None:
                if since is not None and when < since:
                    stats.before_since += 1
                    continue
                if until is not None and when >= until:
                    stats.after_until += 1
                    continue
                if stats.last_time is None or when > stats.last_time:
                    stats.last_time = when
            message = record.message
            if last_event is not None and repeat_line == number \
                    and message.startswith("last message repeated"):
                match = _LAST_REPEATED_RE.match(message)
                if match:
                    repeat = int(match.group(1))
                    counter.add_repeat(last_bucket, last_event.kind, last_event.severity,
                                       repeat * last_event.weight)
                    if last_event.severity != "info":
                        stats.events += repeat * last_event.weight
                    repeat_line = number + 1
                    continue
            event, repeat = classify_record(record.tag, message)
            if event is None:
                continue
            if when is None:
                if since is not None:
                    # No time at all (dmesg's seconds since boot without the boot time,
                    # dmesg -t): whether it falls in the window cannot be told.
                    if event.severity != "info":
                        stats.undatable += 1
                        counter.add_undatable(event, f"{NO_TIME_MARK} {message}")
                    continue
                stats.undated += 1
            sample = f"{format_time(when) or NO_TIME_MARK} {message}"
            last_bucket = counter.add(event, when, sample, repeat)
            last_event = event
            repeat_line = number + 1
            if event.severity != "info":
                stats.events += event.weight * repeat
    stats.lines = read
    return stats


# ---------------------------------------------------------------------------------------------
# Judging



def bucket_dict(bucket):
    """A bucket as plain data (what the rules judge)."""
    return {
        "class": bucket.cls,
        "component": bucket.component,
        "kinds": dict(bucket.kinds),
        "critical": dict(bucket.critical),
        "info": dict(bucket.info),
        "first": format_time(bucket.first),
        "last": format_time(bucket.last),
        "samples": list(bucket.samples),
        "last_sample": bucket.last_sample,
        "undatable": bucket.undatable,
    }


def _worst_first(bucket):
    return (-bucket.critical_count, -bucket.count, -bucket.undatable, bucket.cls,
            bucket.component)


def to_data(counter, sources, since=None, coverage_start=None, **extra):
    """The area's data: the window, where the logs begin, every source, every bucket.

    ``since``: the window's start (aware datetime) or None (the whole log is judged).
    ``coverage_start``: the oldest time the read logs are known to cover (None: unknown).
    """
    buckets = sorted(counter.buckets.values(), key=_worst_first)[:MAX_BUCKETS_IN_DATA]
    data = {
        "since": format_time(since),
        "coverage_start": format_time(coverage_start),
        "sources": [s.as_dict() for s in sources],
        "buckets": [bucket_dict(b) for b in buckets],
    }
    data.update(extra)
    return data
