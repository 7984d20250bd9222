# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux error logs, text -> data: the ``errlog`` area's ``parse_sources``.

Raw outputs by registry key (plugins/module_utils/weibao_inspection/registry.py):

``journal``  ``journalctl`` in any of its ``short`` formats: plain (``Nov 20 10:00:00 host
             tag: msg``, the year from the ``-- Logs begin at ..., end at ... --`` header when
             there is one, else from ``context["now"]``), ``-o short-iso`` and
             ``-o short-iso-precise``; ``-k`` and ``-b`` change which lines, not their form.
``dmesg``    ``dmesg`` (raw ``[  123.456789]`` seconds since boot: placed in time only with
             ``context["boot_time"]``), ``dmesg -T`` (``[Fri Nov 20 10:00:00 2026]``),
             ``dmesg --time-format=iso``, ``dmesg -t`` (no time at all).
``syslog``   ``/var/log/messages``, ``/var/log/syslog``, ``/var/log/kern.log``: classic
             (``Nov 20 10:00:00``, year from ``context["now"]``) or RFC 3339 lines.

Each value is the text (str or bytes), or ``{"error": message, "cause": cause}`` when the
collector could not get it; a missing key means "not collected". The lines go through the
very same :func:`errlog_tally.scan` the collector streams the host's logs through, so a
saved output gives the events the collector would have found.

``context``: ``since`` (ISO start of the window, or None: the whole log is judged), ``now``
(epoch seconds, dates year-less lines), ``tz`` (zone of the lines without offset: a tzinfo
or a zone name; default this system's), ``boot_time`` (ISO, for raw dmesg),
``max_lines``, ``max_samples``.

The line formats themselves are in ``errlog_lines`` (re-exported here), the classifier in
``errlog_classes``, the tally in ``errlog_tally``. Python 3.8-compatible.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from functools import partial

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.errlog_lines import (  # noqa: F401
    MONTHS,
    UTC,
    LogRecord,
    ParseError,
    decode,
    format_time,
    infer_year,
    is_journal_marker,
    journal_header_end,
    parse_classic_line,
    parse_dmesg_line,
    parse_iso_line,
    parse_iso_timestamp,
    parse_syslog_line,
)
from ansible.module_utils.weibao_inspection.parsers.errlog_tally import (
    EventCounter,
    SourceStats,
    iter_lines,
    scan,
    to_data,
)

# registry key -> the name the source is shown with
KEYS = ("journal", "dmesg", "syslog")
HEADER_PROBE_LINES = 5
_NOT_BLANK_RE = re.compile(rb"\S")


def _context_time(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    return parse_iso_timestamp(str(value), default_tz=UTC)


def _zone(value):
    """A tzinfo from a tzinfo or a zone name; None (this system's zone) when not given."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        return value
    if value in ("UTC", "Etc/UTC"):
        return UTC
    try:
        from zoneinfo import ZoneInfo  # Python 3.9+; the controller always has it
    except ImportError:  # pragma: no cover - Python 3.8 hosts: their own zone
        return None
    return ZoneInfo(value)


def _as_bytes(text):
    return text if isinstance(text, bytes) else str(text).encode("utf-8", "replace")


def _journal_reference(data, tz, now):
    """The end time of the journal's header (first lines), else ``now``."""
    for raw in io.BytesIO(data).readlines(4096)[:HEADER_PROBE_LINES]:
        end = journal_header_end(decode(raw), tz)
        if end is not None:
            return end
    return now


def _parser(key, data, context, now, tz):
    if key == "dmesg":
        return partial(parse_dmesg_line, boot_time=_context_time(context.get("boot_time")),
                       default_tz=tz)
    reference = _journal_reference(data, tz, now) if key == "journal" else now
    return partial(parse_syslog_line, reference=reference, tz=tz)


def read_source(key, value, context, since=None, now=None, tz=None):
    """One raw output -> (SourceStats, EventCounter)."""
    stats = SourceStats(key, key)
    counter = EventCounter(context.get("max_samples", 3))
    if isinstance(value, dict):
        stats.fail("failed", value.get("error") or msg("reason.not_collected"),
                   value.get("cause") or "source_unreadable")
        return stats, counter
    data = _as_bytes(value)
    if not _NOT_BLANK_RE.search(data):
        stats.fail("failed", msg("reason.empty", source=key), "incomplete")
        return stats, counter
    parse = _parser(key, data, context, now, tz)
    scan(iter_lines(io.BytesIO(data)), parse, counter, stats, since=since,
         max_lines=context.get("max_lines"))
    if stats.first_time is None:
        if key != "dmesg":
            # not one line in a known format among the first ones
            return stats.fail("failed", msg("errlog.reason.unknown_format", files=[key]),
                              "not_understood"), EventCounter()
        stats.timeless = True
    return stats, counter


def parse_sources(raw, context=None):
    """{registry key: text or {"error": message}} -> the area's data (see errlog_tally)."""
    context = context or {}
    since = _context_time(context.get("since"))
    now = _context_time(context.get("now")) or datetime.now(timezone.utc)
    tz = _zone(context.get("tz"))
    sources, counters, starts = [], [], []
    for key in KEYS:
        if key not in raw:
            continue
        stats, counter = read_source(key, raw[key], context, since, now, tz)
        sources.append(stats)
        if stats.status == "read":
            counters.append(counter)
            if stats.first_time is not None:
                starts.append(stats.first_time)
    # Saved outputs of one host overlap (dmesg repeats the journal's and syslog's kernel
    # lines): merged by maximum, an event is not counted twice.
    merged = EventCounter(context.get("max_samples", 3)).merge(counters, "max")
    return to_data(merged, sources, since=since,
                   coverage_start=min(starts) if starts else None)
