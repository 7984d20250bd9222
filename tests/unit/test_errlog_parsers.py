"""Line parsers of the error-log inspection (parsers/linux_errlog.py).

Data-driven part: every ``tests/unit/fixtures/errlog/parse_<case>.raw`` is raw log text
(bytes; its first line says where the format comes from) and ``parse_<case>.yml`` names the
parser (journal, syslog or dmesg), its reference/boot time and time zone, and the expected
record of every following line (``null`` = not a record: marker, continuation, garbage).
Lines are split exactly as the module reads them (on ``\\n`` only, bytes decoded as UTF-8
with replacement).
"""

import io
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection.parsers import linux_errlog as le

FIXTURES = Path(__file__).parent / "fixtures" / "errlog"


def raw_lines(path):
    """(first comment line, list of bytes lines) as the module's readline loop sees them."""
    lines = io.BytesIO(path.read_bytes()).readlines()
    return lines[0], lines[1:]


def parser_for(case):
    tz = case.get("tz")
    tzinfo = timezone(_offset(tz)) if tz is not None else None
    kind = case["parser"]
    if kind == "journal":
        return lambda line: le.parse_iso_line(line, default_tz=tzinfo)
    if kind == "syslog":
        reference = le.parse_iso_timestamp(case["reference"])
        return lambda line: le.parse_syslog_line(line, reference=reference, tz=tzinfo)
    if kind == "dmesg":
        boot = case.get("boot_time")
        boot_time = le.parse_iso_timestamp(boot) if boot else None
        return lambda line: le.parse_dmesg_line(line, boot_time=boot_time, default_tz=tzinfo)
    raise AssertionError(f"unknown parser {kind!r}")


def _offset(text):
    sign = -1 if text[0] == "-" else 1
    hours, minutes = text[1:].split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def cases():
    for raw in sorted(FIXTURES.glob("parse_*.raw")):
        yield pytest.param(raw, id=raw.stem)


@pytest.mark.parametrize("raw", list(cases()))
def test_fixture(raw):
    first, lines = raw_lines(raw)
    assert first.startswith(b"# "), "first line must say where the format comes from"
    case = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    parse = parser_for(case)
    expected = case["records"]
    assert len(lines) == len(expected), "one expected record per line"
    for number, (line, want) in enumerate(zip(lines, expected, strict=True), start=2):
        record = parse(le.decode(line))
        if want is None:
            assert record is None, f"line {number}: {line!r} -> {record}"
            continue
        assert record is not None, f"line {number}: {line!r} not parsed"
        got_time = record.time.isoformat() if record.time is not None else None
        assert got_time == want["time"], f"line {number}"
        assert (record.host, record.tag, record.message) == (
            want["host"], want["tag"], want["message"]), f"line {number}"
        if record.time is not None:
            assert record.time.utcoffset() == timedelta(0), "times are UTC"


def test_every_fixture_has_an_expectation():
    for raw in FIXTURES.glob("parse_*.raw"):
        assert raw.with_suffix(".yml").exists(), raw.name


# --- timestamps ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2026-10-20T00:00:00Z", "2026-10-20T00:00:00+00:00"),
    ("2026-10-20T08:00:00+08:00", "2026-10-20T00:00:00+00:00"),
    ("2026-10-20T08:00:00+0800", "2026-10-20T00:00:00+00:00"),
    ("2026-10-20T00:00:00.5-05:00", "2026-10-20T05:00:00.500000+00:00"),
    ("2026-10-20 00:00:00", "2026-10-20T00:00:00+00:00"),  # no offset: UTC
    ("2026-10-20", "2026-10-20T00:00:00+00:00"),
])
def test_parse_iso_timestamp(text, expected):
    assert le.parse_iso_timestamp(text).isoformat() == expected


@pytest.mark.parametrize("text", [
    "", "yesterday", "2026-13-01T00:00:00Z", "2026-10-20T00:00:00+25:00",
    "2026-10-20T00:00:00Z trailing words", "20.10.2026",
])
def test_parse_iso_timestamp_rejects(text):
    with pytest.raises(le.ParseError):
        le.parse_iso_timestamp(text)


@pytest.mark.parametrize("month,day,reference,year", [
    (11, 20, datetime(2026, 11, 20, 12), 2026),
    (11, 21, datetime(2026, 11, 20, 12), 2026),   # one day ahead: clock skew, same year
    (12, 31, datetime(2027, 1, 2, 9), 2026),      # rotated over new year
    (1, 1, datetime(2027, 1, 2, 9), 2027),
    (2, 29, datetime(2029, 3, 1), 2028),          # leap day: the last leap year
    (2, 30, datetime(2026, 3, 1), None),
])
def test_infer_year(month, day, reference, year):
    assert le.infer_year(month, day, reference) == year


def test_classic_line_uses_the_system_time_zone_when_none_given(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        reference = datetime(2026, 11, 20, 12, tzinfo=UTC)
        record = le.parse_classic_line("Nov 20 10:00:00 db01 kernel: x", reference)
        assert record.time == datetime(2026, 11, 20, 2, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_decode_bytes_and_text():
    assert le.decode(b"abc\r\n") == "abc"
    assert le.decode(b"\x00\x00a\x00b\n") == "ab"
    assert le.decode(b"caf\xe9\n") == "caf\ufffd"
    assert le.decode("already text\n") == "already text"


def test_uptime_prefix_stripped_only_for_kernel_lines():
    ref = datetime(2026, 11, 20, 12, tzinfo=UTC)
    kernel = le.parse_syslog_line("Nov 20 10:00:00 h kernel: [   12.5] ata1: x", ref, UTC)
    other = le.parse_syslog_line("Nov 20 10:00:00 h app: [   12.5] ata1: x", ref, UTC)
    assert kernel.message == "ata1: x"
    assert other.message == "[   12.5] ata1: x"


def test_classic_line_needs_a_reference():
    assert le.parse_syslog_line("Nov 20 10:00:00 h kernel: x") is None


def test_journal_markers():
    assert le.is_journal_marker("-- Boot 6c1f0e3a9b2d4c1e8f7a6b5c4d3e2f10 --")
    assert le.is_journal_marker("-- No entries --")
    assert not le.is_journal_marker("2026-11-20T10:00:01+08:00 h kernel: -- x --")


def test_dmesg_raw_without_boot_time_is_undated():
    record = le.parse_dmesg_line("[ 1413.566269] Out of memory: Killed process 1 (x)")
    assert record.time is None
    assert record.message == "Out of memory: Killed process 1 (x)"
    assert le.parse_dmesg_line("   ") is None


def test_format_time():
    assert le.format_time(None) == ""
    when = datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    assert le.format_time(when) == "2026-11-20T02:00:00Z"
