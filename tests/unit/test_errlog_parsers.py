"""Parsers of the error-log inspection (parsers/linux_errlog.py and errlog_lines.py).

Data-driven part: the fixtures of the area's registry sources are in
``tests/unit/fixtures/linux/<command slug>/`` (``journalctl``, ``dmesg``,
``cat_var_log_messages``): ``<case>.raw`` is the command's output (bytes; its first line,
``# ...``, says where the format comes from and is not part of the output) and
``<case>.yml`` says what to expect. A ``.yml`` with ``records`` names the line parser
(journal, syslog or dmesg), its reference/boot time and time zone, and the expected record of
every following line (``null`` = not a record: marker, continuation, garbage); lines are
split exactly as the module reads them (on ``\\n`` only, bytes decoded as UTF-8 with
replacement). A ``.yml`` with ``events`` is a classifier case (test_errlog_rules.py); one with
``judge`` gives the context of ``parse_sources`` and the statuses ``evaluate`` must give.
"""

import io
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection.parsers import linux_errlog as le

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDERS = {"journal": "journalctl", "dmesg": "dmesg", "syslog": "cat_var_log_messages"}


def fixture_files():
    for folder in FOLDERS.values():
        yield from sorted((FIXTURES / folder).glob("*.raw"))


def expectation(raw):
    return yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))


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
    for raw in fixture_files():
        if "records" in expectation(raw):
            yield pytest.param(raw, id=f"{raw.parent.name}/{raw.stem}")


@pytest.mark.parametrize("raw", list(cases()))
def test_fixture(raw):
    first, lines = raw_lines(raw)
    assert first.startswith(b"# "), "first line must say where the format comes from"
    case = expectation(raw)
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


def test_every_fixture_has_an_expectation_and_a_provenance_line():
    raws = list(fixture_files())
    for folder in FOLDERS.values():
        assert any(r.parent.name == folder for r in raws), f"no fixture for {folder}"
    for raw in raws:
        assert raw.with_suffix(".yml").exists(), raw.name
        assert raw.read_bytes().startswith(b"# "), f"{raw}: first line must be '# <provenance>'"
        assert {"records", "events", "judge"} & set(expectation(raw)), raw.name


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


# --- parse_sources: saved output -> data -> findings (the path of `weibao judge`) -----------

def key_of(raw):
    return {folder: key for key, folder in FOLDERS.items()}[raw.parent.name]


def output_of(raw):
    """The command's output: the fixture without its provenance line."""
    return raw.read_bytes().split(b"\n", 1)[1]


def judge(raw_sources, context):
    from ansible.module_utils.weibao_inspection import catalogue
    from ansible.module_utils.weibao_inspection.findings import validate_finding
    from ansible.module_utils.weibao_inspection.registry import area_functions
    from chinese_text import assert_chinese

    parse_sources, evaluate = area_functions("errlog")
    data = parse_sources(raw_sources, context)
    json.dumps(data)  # plain data
    findings = evaluate(data, catalogue.merge_thresholds("errlog"), context)
    for finding in findings:
        validate_finding(finding)
        assert_chinese(finding)
    return data, findings


def statuses(findings):
    out = {}
    for f in findings:
        name = f["check_id"] + (f"[{f['component']}]" if f["component"] else "")
        out[name] = f["status"]
    return out


DEFAULT_CONTEXT = {"since": None, "now": "2026-12-06T16:00:00Z", "tz": "UTC"}


@pytest.mark.parametrize("raw", [pytest.param(r, id=f"{r.parent.name}/{r.stem}")
                                 for r in fixture_files()])
def test_every_fixture_judges(raw):
    """Every fixture, given to parse_sources alone under its registry key, gives valid
    findings for every check (whatever else its .yml says)."""
    case = expectation(raw)
    context = dict(DEFAULT_CONTEXT, **(case.get("judge") or {}).get("context", {}))
    data, findings = judge({key_of(raw): output_of(raw)}, context)
    assert {f["check_id"] for f in findings} >= {"errlog.sources", "errlog.disk_io"}
    want = (case.get("judge") or {}).get("statuses", {})
    got = statuses(findings)
    for name, status in want.items():
        assert got.get(name) == status, (name, got)
    for name, first in (case.get("judge") or {}).get("first_seen", {}).items():
        finding = [f for f in findings if statuses([f]).keys() == {name}][0]
        assert finding["values"]["first_seen"] == first, name


def test_parse_sources_reads_only_the_keys_given():
    data, findings = judge({"dmesg": "[ 1.0] ata1: hard resetting link\n"}, DEFAULT_CONTEXT)
    assert [s["name"] for s in data["sources"]] == ["dmesg"]
    assert statuses(findings)["errlog.storage_transport[ata1]"] == "warning"
    data, findings = judge({}, DEFAULT_CONTEXT)
    assert {f["status"] for f in findings} == {"unknown"}


def test_parse_sources_section_error_and_garbage_are_unknown_with_a_cause():
    from ansible.module_utils.weibao_inspection.messages import msg

    error = {"error": msg("reason.no_permission", what="dmesg"), "cause": "no_permission"}
    data, findings = judge({"dmesg": error}, DEFAULT_CONTEXT)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "no_permission")}
    data, findings = judge({"syslog": b"\x00\x01binary\nnot a log line\n"}, DEFAULT_CONTEXT)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "not_understood")}
    assert "no line in a known syslog format" in findings[0]["summary"]
    data, findings = judge({"journal": "\n  \n"}, DEFAULT_CONTEXT)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "incomplete")}


def test_parse_sources_window_filters_lines():
    text = ("2026-11-01T00:00:00+00:00 h kernel: e1000e: eth0 NIC Link is Down\n"
            "2026-11-25T00:00:00+00:00 h kernel: e1000e: eth1 NIC Link is Down\n")
    context = dict(DEFAULT_CONTEXT, since="2026-11-20T00:00:00Z")
    data, findings = judge({"journal": text}, context)
    got = statuses(findings)
    assert got["errlog.nic_link[eth1]"] == "warning" and "errlog.nic_link[eth0]" not in got
    data, findings = judge({"journal": text}, DEFAULT_CONTEXT)  # no since: the whole log
    assert statuses(findings)["errlog.nic_link[eth0]"] == "warning"


def test_dmesg_ctime_and_journal_header():
    record = le.parse_dmesg_line("[Fri Nov 20 10:00:00 2026] e1000e: eth0 NIC Link is Down",
                                 default_tz=UTC)
    assert record.time == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert record.message == "e1000e: eth0 NIC Link is Down"
    assert le.journal_header_end(
        "-- Journal begins at Mon 2026-11-02 09:00:00 CST, ends at Fri 2026-11-20 12:00:00 "
        "CST. --", UTC) == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert le.journal_header_end("-- Reboot --") is None
