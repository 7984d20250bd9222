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
from bisect import bisect_right
from functools import partial
from itertools import accumulate, chain, islice

from ansible.module_utils.weibao_inspection.parsers.errlog_classes import (
    _NO_MATCH,
    AUTH_LINE_RE,
    AUTH_TAGS,
    CLASSES,
    FAULT_RE,
    FAULT_SCAN,
    FAULT_SCAN_REACH,
    PREFILTER,
    UNCLASSIFIED,
    Event,
    _classify,
    classify,
    classify_record,
    fault_event,
    is_benign,
    rules_of_guards,
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
# The scanner prefilters blocks of lines (each prefilter searches a block at once, not every
# line): it takes SCAN_BLOCK_LINES at a time until the block holds SCAN_BLOCK_BYTES (or
# MAX_BLOCK_LINES). Lines are at most 64 KiB (the collector cuts longer ones), so a block
# stays under SCAN_BLOCK_BYTES + 4 MiB.
SCAN_BLOCK_LINES = 64
SCAN_BLOCK_BYTES = 64 * 1024
MAX_BLOCK_LINES = 4096
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
    """Bytes lines of a binary stream, each at most MAX_LINE_BYTES long.

    An iterator calling ``stream.readline(MAX_LINE_BYTES)`` until it returns b"" (no Python
    code runs per line: the scanner takes its blocks with islice)."""
    return iter(partial(stream.readline, MAX_LINE_BYTES), b"")


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


def _read_block(lines, want, fill=True):
    """Up to ``want`` lines from the iterator ``lines``, taken SCAN_BLOCK_LINES at a time
    until they hold SCAN_BLOCK_BYTES (``fill``: else ``want`` lines) -> (lines, exception
    raised while reading or None).

    A read error (an unreadable sector, a damaged compressed file) is returned with the lines
    read before it, so that they are scanned before it is raised again."""
    block = []
    size = 0
    try:
        while True:
            step = min(SCAN_BLOCK_LINES, want - len(block))
            taken = len(block)
            block.extend(islice(lines, step))
            if len(block) - taken < step or len(block) >= want:
                return block, None
            size += sum(map(len, block[taken:]))
            if fill and size >= SCAN_BLOCK_BYTES:
                return block, None
    except Exception as exc:  # noqa: BLE001 - raised again by scan() after these lines
        return block, exc


def _hit_lines(search, data, ends, match, reach=0):
    """The lines of a block holding a match of ``search`` (a bytes pattern's):
    {index: where the first match starts in the line}.

    ``data``: the block's lines joined, ``ends``: where each line ends in it, ``match``: the
    first match in ``data``. The block is searched once, from the start of the line after
    each hit: a line before a hit has no match (the search finds the leftmost one). A match
    that may not be the line's own is looked for again in the line alone: one running over
    the end of its line (lines without a line end, cut long lines), or one starting less
    than ``reach`` characters into it (the pattern checks up to ``reach`` characters
    behind where it matches).
    """
    hits = {}
    size = len(data)
    while match is not None:
        start = match.start()
        index = bisect_right(ends, start)
        end = ends[index]
        begin = ends[index - 1] if index else 0
        if match.end() <= end and start - begin >= reach:
            hits[index] = start - begin
        else:
            match = search(data[begin:end])
            if match is not None:
                hits[index] = match.start()
        if end >= size:
            break
        match = search(data, end)
    return hits


def _guard_lines(search, data, ends, match):
    """The lines of a block holding a guard (PREFILTER): {index: (where the first guard
    starts in the line, every guard found in it)}.

    Like _hit_lines, but the search goes on one byte after each find, as
    errlog_classes._candidates does on a decoded line: for a line of ASCII without NUL
    (decoding changes nothing but its end, which no guard holds) the guards found are those
    _candidates() finds. A search that finds nothing more in a line finds the next line's.
    """
    lines = {}
    size = len(data)
    while match is not None:
        start = match.start()
        index = bisect_right(ends, start)
        end = ends[index]
        if match.end() > end:
            match = search(data, start, end)
            if match is None:
                if end >= size:
                    break
                match = search(data, end)
                continue
        found = [match.group()]
        first = match.start() - (ends[index - 1] if index else 0)
        match = search(data, match.start() + 1)
        while match is not None and match.start() < end:
            if match.end() > end:  # a guard of this line only, if there is one
                match = search(data, match.start(), end)
                if match is None:
                    match = search(data, end) if end < size else None
                    break
            found.append(match.group())
            match = search(data, match.start() + 1)
        lines[index] = (first, found)
    return lines


def _is_word(char):
    """Whether the regex engine counts ``char`` as a word character (``\\w``, Unicode)."""
    return char.isalnum() or char == "_"


_UNKNOWN = object()


def scan(raw_lines, parse, counter, stats, since=None, until=None, max_lines=None):
    """Stream lines (bytes) of one source into ``counter``; bounded memory.

    ``parse``: str line -> LogRecord or None (see parsers.linux_errlog). Lines with a time
    before ``since`` or at/after ``until`` are skipped; lines without time are counted (and
    tallied in ``stats.undated``). A line that matches an event rule but that ``parse``
    cannot read (a damaged timestamp) may be in the window: it is counted apart, as
    undatable, in its bucket (``EventCounter.add_undatable``) and in ``stats.undatable``, so
    its class is never judged ``ok`` on it. At most ``max_lines`` lines are read; hitting the
    cap sets ``stats.truncated``. Returns ``stats``. An error reading ``raw_lines`` is raised
    once the lines read before it are scanned.

    What is counted is what the naive way counts: every line parsed, its message through
    classify_record() (an unparsed line through classify(), else fault_event() unless a
    login/session program wrote it); test_errlog_fastpath.py compares both on every
    fixture. The work is kept to the few lines that can hold an event:

    - Lines are taken in blocks (up to SCAN_BLOCK_BYTES); each prefilter (the rules' guards,
      PREFILTER; the fault keywords' stems in lower case, FAULT_SCAN) searches the
      joined block once and gives the lines holding a match. A line with a guard, or with a
      stem and not written by a login/session program (AUTH_LINE_RE), is a candidate
      (``stats.candidates``); so is sysklogd's "last message repeated N times" right after a
      counted line. Nothing else is decoded, parsed or classified.
    - A candidate is classified as a whole line (only if it has a guard: no rule runs
      without one) and searched for a fault keyword (only if it has a stem, from the first
      one on, or holds bytes decoding changes: not ASCII, NUL) before its time is parsed: a
      line with neither is no event (rsyslog's "message repeated N times: [ ... ]" aside).
    - The parsers return as message the end of the line, after a non-word character.
      Rules, their guards and FAULT_RE look no further back than one character before where
      they match (a word boundary), so a message gives no event where its line gives none,
      and when all that the line's result rests on starts inside the message, the message
      gives the same result: it is not classified or searched again.
    - The sample text of an event is only built for events that keep samples (not info).
    """
    iterator = iter(raw_lines)
    head, head_error = _read_block(iterator, HEAD_PROBE_LINES, fill=False)
    for raw in head:
        record = parse(decode(raw))
        if record is not None and record.time is not None:
            stats.first_time = record.time
            break
    guarded = PREFILTER.search
    faulty = FAULT_SCAN.search
    login = AUTH_LINE_RE.search
    fault_search = FAULT_RE.search
    # (after an error reading the first lines, only those are scanned)
    lines = chain(head, iterator) if head_error is None else iter(head)
    error = None
    read = 0
    last_bucket = None
    last_event = None
    repeat_line = -1  # the number of the line right after the last counted one
    truncated = False
    while not truncated and error is None:
        want = MAX_BLOCK_LINES
        if max_lines:
            want = min(want, max_lines - read + 1)  # one more than the cap: is there more?
        block = data = low = None  # (not kept while the next block is read)
        block, error = _read_block(lines, want)  # (an error ends the loop after the block)
        if not block:
            break
        if max_lines and read + len(block) > max_lines:
            truncated = stats.truncated = True
            del block[max_lines - read:]
            if not block:
                break
        first = read + 1
        read += len(block)
        data = b"".join(block)
        low = data.lower()
        guard_match = guarded(data)
        fault_match = faulty(low)
        guards = faults = {}
        if guard_match is None and fault_match is None:
            if first != repeat_line or b"last message repeated" not in block[0]:
                continue
            candidates = ()
        else:
            ends = list(accumulate(map(len, block)))
            if guard_match is not None:
                guards = _guard_lines(guarded, data, ends, guard_match)
            if fault_match is None:
                candidates = sorted(guards)
            else:
                faults = _hit_lines(faulty, low, ends, fault_match, FAULT_SCAN_REACH)
                candidates = sorted(chain(guards, [
                    index for index in faults
                    if index not in guards and login(block[index]) is None]))
        count = len(candidates)
        taken = 0
        last = -1
        size = len(block)
        while True:
            # the next candidate, or sysklogd's repeat line right after a counted line
            after = repeat_line - first
            if last < after < size and (taken >= count or after < candidates[taken]) \
                    and b"last message repeated" in block[after]:
                index = after
            elif taken < count:
                index = candidates[taken]
                taken += 1
            else:
                break
            last = index
            number = first + index
            raw = block[index]
            stats.candidates += 1
            line = decode(raw)
            plain = raw.isascii() and b"\x00" not in raw  # decoded, the same characters
            guard = index in guards
            if not guard:
                line_event, matched_at = None, _NO_MATCH
            elif plain:
                first_guard, found = guards[index]
                line_event, matched_at = _classify(line, (rules_of_guards(found), first_guard))
            else:
                line_event, matched_at = _classify(line)
            fault = _UNKNOWN
            if line_event is None:
                # FAULT_RE only matches where a stem starts
                if not plain:
                    fault = fault_search(line)
                elif index in faults:
                    fault = fault_search(line, max(faults[index] - FAULT_SCAN_REACH, 0))
                else:
                    fault = None
                if fault is None and b"message repeated" not in raw:
                    # No event, no fault: no need to parse its time. (rsyslog's "message
                    # repeated N times: [ ... ]" is read: its message is in brackets, which
                    # a pattern ending with the message does not match in the whole line.)
                    continue
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
            if message.startswith("message repeated "):
                event, repeat = classify_record(record.tag, message)
                if event is None:
                    continue
            else:
                # classify_record(record.tag, message), from what the line gave if the same
                repeat = 1
                cut = len(line) - len(message)
                same = cut >= 0 and line.endswith(message) and (
                    cut == 0 or not _is_word(line[cut - 1]))
                if same and matched_at >= cut and (guard or b"\x00" not in raw):
                    event = line_event  # (no guard and no NUL: the decoded line has none)
                else:
                    event = classify(message)
                if event is None:
                    if same and fault is not _UNKNOWN and (fault is None
                                                           or fault.start() >= cut):
                        has_fault = fault is not None
                    else:
                        has_fault = fault_search(message) is not None
                    tag = record.tag
                    if not has_fault or tag in AUTH_TAGS or is_benign(message):
                        continue
                    event = Event(UNCLASSIFIED, tag or "kernel", "fault_keyword", "warning",
                                  1)
            if when is None:
                if since is not None:
                    # No time at all (dmesg's seconds since boot without the boot time,
                    # dmesg -t): whether it falls in the window cannot be told.
                    if event.severity != "info":
                        stats.undatable += 1
                        counter.add_undatable(event, f"{NO_TIME_MARK} {message}")
                    continue
                stats.undated += 1
            if event.severity == "info":
                last_bucket = counter.add(event, when, None, repeat)  # keeps no sample
            else:
                sample = f"{format_time(when) or NO_TIME_MARK} {message}"
                last_bucket = counter.add(event, when, sample, repeat)
                stats.events += event.weight * repeat
            last_event = event
            repeat_line = number + 1
    error = error or head_error
    if error is not None:
        raise error
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
