# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Line parsers for Linux system logs: journal, dmesg and syslog files.

Pure functions from one decoded line to a :class:`LogRecord` (or ``None`` when the line is
not in the format asked for). Nothing here reads files or runs commands: the collector streams
lines and calls these on the few lines that passed its keyword prefilter.

Formats understood (each line is one record; continuation lines return ``None``):

``journal`` (``journalctl -o short-iso``)
    ``2026-11-20T10:00:00+0800 host kernel: message``; systemd before v248 prints the offset
    as ``+0800``, later ones as ``+08:00``; ``short-iso-precise`` adds ``.123456``.
    ``-- Boot 1a2b... --`` / ``-- Reboot --`` / ``-- No entries --`` are markers.
``rfc3339`` (rsyslog ``RSYSLOG_FileFormat``, Debian 12's default)
    ``2026-11-20T10:00:00.123456+08:00 host tag[pid]: message``.
``classic`` (rsyslog ``RSYSLOG_TraditionalFileFormat``, RHEL's default, sysklogd)
    ``Nov 20 10:00:00 host tag[pid]: message`` -- local time and no year: the year is inferred
    from a reference time (the file's mtime, i.e. its last write, which no line is after).
``dmesg``
    raw ``[  123.456789] message`` (seconds since boot, made absolute with the boot time),
    ``dmesg -r`` ``<3>[  123.456789] message``, ``dmesg --time-format=iso``
    ``2026-11-20T10:00:00,123456+08:00 message``, ``dmesg -T`` ``[Fri Nov 20 10:00:00 2026]
    message`` (local time, util-linux ``ctime`` format), and lines without any timestamp
    (``dmesg -t``, ``printk.time=0``), which get ``time=None``.
``journal`` headers
    ``-- Logs begin at Mon 2026-11-02 09:00:00 CST, end at Fri 2026-11-20 12:00:00 CST. --``
    (systemd < 246) and ``-- Journal begins at ..., ends at ... --`` (246-249): the end time
    dates the year-less lines of plain ``journalctl`` (the ``short`` format).

Times are returned as timezone-aware UTC datetimes, or ``None`` when they cannot be derived.
Kernel messages copied into syslog files often keep the ``[ 123.456]`` uptime prefix after
``kernel:``; it is stripped from the message.
"""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import datetime, timedelta, timezone

LogRecord = namedtuple("LogRecord", "time host tag message")

UTC = timezone.utc  # noqa: UP017 (datetime.UTC needs Python 3.11; targets run 3.8+)

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

# 2026-11-20T10:00:00[.,frac][Z|+08:00|+0800] rest
_ISO_RE = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?"
    r"(Z|[+-]\d\d:?\d\d)?(?:\s+(.*))?$"
)
# Nov 20 10:00:00 rest   (day space-padded: "Nov  2")
_CLASSIC_RE = re.compile(r"^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\s+(.*))?$")
# host tag[pid]: message   -- tag may be absent ("host -- MARK --")
_HOST_TAG_RE = re.compile(r"^(\S+)\s+([^\s:\[\]]+)(?:\[[^\]]*\])?:(?:\s(.*))?$")
_HOST_ONLY_RE = re.compile(r"^(\S+)(?:\s+(.*))?$")
# [  123.456789] message, optionally after <level>
_DMESG_RAW_RE = re.compile(r"^(?:<\d+>)?\[\s*(\d+)\.(\d+)\]\s?(.*)$")
_UPTIME_PREFIX_RE = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# dmesg -T: [Fri Nov 20 10:00:00 2026] message  (util-linux: strftime "%a %b %e %H:%M:%S %Y")
_DMESG_CTIME_RE = re.compile(
    r"^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) "
    r"(\d{4})\]\s?(.*)$")
# -- Logs begin at Mon 2026-11-02 09:00:00 CST, end at Fri 2026-11-20 12:00:00 CST. --
_JOURNAL_HEADER_RE = re.compile(
    r"^-- (?:Logs begin at|Journal begins at) .*?, ends? at \w{3} "
    r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\b")
_JOURNAL_MARKER_RE = re.compile(r"^-- .* --$|^-- No entries --$")


class ParseError(ValueError):
    """A line or header is not in any format this module knows."""


def decode(raw):
    """Bytes of one log line -> str: UTF-8 with replacement, no line end, NULs removed."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    text = text.rstrip("\r\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def _tz_from_text(text):
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) != 4:
        return None
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    if minutes > 18 * 60:
        return None
    return timezone(sign * timedelta(minutes=minutes))


def _aware(naive, tz):
    """Attach ``tz`` (None = the system's local time zone) and convert to UTC."""
    if tz is None:
        # A naive datetime's astimezone() interprets it as system local time (DST-aware).
        return naive.astimezone(UTC)
    if tz is UTC:
        return naive.replace(tzinfo=UTC)  # (astimezone(UTC) would return it unchanged)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def parse_iso_timestamp(text, default_tz=UTC):
    """'2026-11-20T10:00:00.5+08:00' / '...Z' / '2026-11-20' -> aware UTC datetime.

    A timestamp without offset is taken in ``default_tz`` (None = local time).
    Raises ParseError on anything else.
    """
    text = (text or "").strip()
    match = re.match(r"^(\d{4})-(\d\d)-(\d\d)$", text)
    if match:
        text = text + "T00:00:00"
    match = _ISO_RE.match(text)
    if not match or match.group(9):
        raise ParseError(f"not an ISO-8601 timestamp: {text[:60]!r}")
    return _iso_match_to_datetime(match, default_tz, strict=True)


def _iso_match_to_datetime(match, default_tz, strict=False):
    year, month, day, hour, minute, second, frac, tztext = match.groups()[:8]
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute),
                         int(second), micro)
    except ValueError as exc:
        if strict:
            raise ParseError(f"invalid date or time: {exc}") from None
        return None
    if tztext is None:
        return _aware(naive, default_tz)
    tz = _tz_from_text(tztext)
    if tz is None:
        if strict:
            raise ParseError(f"invalid UTC offset: {tztext!r}")
        return None
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _split_host_tag(rest):
    """'host tag[pid]: message' -> (host, tag, message); tag '' when there is none."""
    if rest is None:
        return "", "", ""
    match = _HOST_TAG_RE.match(rest)
    if match:
        host, tag, message = match.group(1), match.group(2), match.group(3) or ""
    else:
        match = _HOST_ONLY_RE.match(rest)
        if not match:
            return "", "", rest
        host, tag, message = match.group(1), "", match.group(2) or ""
    if tag == "kernel" and message.startswith("["):
        message = _UPTIME_PREFIX_RE.sub("", message, count=1)
    return host, tag, message


def is_journal_marker(line):
    """True for journalctl's '-- Boot ... --', '-- Reboot --', '-- No entries --' lines."""
    return bool(_JOURNAL_MARKER_RE.match(line))


def parse_iso_line(line, default_tz=None):
    """journalctl -o short-iso / rsyslog RFC 3339 line -> LogRecord, or None."""
    match = _ISO_RE.match(line)
    if not match:
        return None
    when = _iso_match_to_datetime(match, default_tz)
    if when is None:
        return None
    host, tag, message = _split_host_tag(match.group(9))
    return LogRecord(when, host, tag, message)


def infer_year(month, day, reference):
    """Year of a 'Mon DD' syslog date, given a time no line of the file is after.

    The line is in ``reference``'s year unless that would put it more than a day after the
    reference (e.g. 'Dec 31' read from a file last written on Jan 2): then the year before.
    Returns None when no such date exists (Feb 30, Feb 29 in neither year).
    """
    ref_date = reference.date()
    for year in (reference.year, reference.year - 1, reference.year - 2, reference.year - 3):
        try:
            candidate = datetime(year, month, day).date()
        except ValueError:
            continue
        if candidate <= ref_date + timedelta(days=1):
            return year
    return None


# What every line of a file shares, computed once: infer_year() of (month, day, the reference's
# local date), and the reference in the lines' zone for the last (reference, tz) given (kept
# alive here, so "is" cannot match another object).
_YEARS = {}
_MAX_YEARS = 4096
_LOCAL_REFERENCE = [None, None, None]
_MISSING = object()


def _year(month, day, local_ref):
    key = (month, day, local_ref.date())
    year = _YEARS.get(key, _MISSING)
    if year is _MISSING:
        year = infer_year(month, day, local_ref)
        if len(_YEARS) >= _MAX_YEARS:
            _YEARS.clear()
        _YEARS[key] = year
    return year


def parse_classic_line(line, reference, tz=None):
    """'Nov 20 10:00:00 host tag: message' -> LogRecord, or None.

    ``reference``: aware datetime no line is after (file mtime); ``tz``: the zone the
    timestamps were written in (None = this system's local zone).
    """
    match = _CLASSIC_RE.match(line)
    if not match:
        return None
    name, day, hour, minute, second, rest = match.groups()
    month = MONTHS.get(name)
    if month is None:
        return None
    day, hour, minute, second = int(day), int(hour), int(minute), int(second)
    if hour > 23 or minute > 59 or second > 60:
        return None
    if tz is None:
        local_ref = reference.astimezone()  # the system's zone now (TZ may change)
    elif _LOCAL_REFERENCE[0] is reference and _LOCAL_REFERENCE[1] is tz:
        local_ref = _LOCAL_REFERENCE[2]
    else:
        local_ref = reference.astimezone(tz)
        _LOCAL_REFERENCE[:] = [reference, tz, local_ref]
    year = _year(month, day, local_ref)
    if year is None:
        return None
    try:
        naive = datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return None
    host, tag, message = _split_host_tag(rest)
    return LogRecord(_aware(naive, tz), host, tag, message)


def parse_syslog_line(line, reference=None, tz=None):
    """A syslog file or journal line in any supported format -> LogRecord, or None."""
    if not line:
        return None
    first = line[0]
    if first.isdigit():
        return parse_iso_line(line, default_tz=tz)
    if reference is not None and first.isupper():
        return parse_classic_line(line, reference, tz)
    return None


def parse_dmesg_line(line, boot_time=None, default_tz=None):
    """One line of dmesg output -> LogRecord (host '', tag 'kernel').

    Raw uptime stamps become absolute with ``boot_time`` (aware datetime), else time None.
    A line without any timestamp gives time None. Empty lines give None.
    """
    if not line or not line.strip():
        return None
    if line[0] == "[" and line[1:2].isalpha():
        match = _DMESG_CTIME_RE.match(line)
        if match:
            return LogRecord(_ctime(match, default_tz), "", "kernel", match.group(7))
    if line[0] == "[" or line[0] == "<":
        match = _DMESG_RAW_RE.match(line)
        if match:
            when = None
            if boot_time is not None:
                seconds = int(match.group(1))
                micros = int(match.group(2)[:6].ljust(6, "0"))
                when = boot_time + timedelta(seconds=seconds, microseconds=micros)
            return LogRecord(when, "", "kernel", match.group(3))
    elif line[0].isdigit():
        match = _ISO_RE.match(line)
        if match:
            when = _iso_match_to_datetime(match, default_tz)
            if when is not None:
                return LogRecord(when, "", "kernel", match.group(9) or "")
    return LogRecord(None, "", "kernel", line)


def _ctime(match, tz):
    month = MONTHS.get(match.group(1))
    try:
        naive = datetime(int(match.group(6)), month or 0, int(match.group(2)),
                         int(match.group(3)), int(match.group(4)), int(match.group(5)))
    except (TypeError, ValueError):
        return None
    return _aware(naive, tz)


def journal_header_end(line, tz=None):
    """The end time of journalctl's '-- Logs begin at ..., end at ... --' header, or None.

    The zone abbreviation (CST, EDT) is ambiguous, so the time is read in ``tz``."""
    match = _JOURNAL_HEADER_RE.match(line)
    if not match:
        return None
    try:
        naive = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return _aware(naive, tz)


def format_time(when):
    """Aware datetime -> '2026-11-20T02:00:00Z' (UTC, seconds); None -> ''."""
    if when is None:
        return ""
    when = when.astimezone(UTC)
    if when.year < 1000:  # (strftime's %Y pads, or not, as the C library does)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:"
            f"{when.minute:02d}:{when.second:02d}Z")
