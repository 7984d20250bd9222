"""Classifier, tally, judging and collector of the error-log inspection.

Data-driven part: every ``tests/unit/fixtures/linux/dmesg/classes_<class>.raw`` holds kernel
messages as ``dmesg -t`` prints them (first line: where the wording comes from) and
``classes_<class>.yml`` the expected event of each line: ``[class, component, kind,
severity]`` (optional fifth item: weight) or ``null`` for a line that is no event.

The last part runs the module's collection code (collectors/linux_errlog.py in module_utils,
imported with importlib) on temporary log files, with small shell scripts standing in for
``journalctl`` and ``dmesg``, plus one run through ``ansible localhost -m``.

Every finding any test here produces must carry its Simplified Chinese text (the autouse
fixture ``every_finding_has_chinese`` checks them all after each test), and
``test_chinese_text_over_every_fixture`` runs every fixture through every judging branch.
"""

import bz2
import gzip
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from itertools import product
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection import catalogue, registry
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.findings import validate_finding
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers import errlog_classes as classes
from ansible.module_utils.weibao_inspection.parsers import errlog_tally as tally
from ansible.module_utils.weibao_inspection.parsers.linux_errlog import (
    parse_dmesg_line,
    parse_iso_line,
    parse_iso_timestamp,
    parse_syslog_line,
)
from ansible.module_utils.weibao_inspection.rules import errlog as rules
from chinese_text import assert_chinese, check_every_finding

ROOT = Path(__file__).resolve().parents[2]
COLLECTORS = ROOT / "plugins" / "module_utils" / "weibao_inspection" / "collectors"
FIXTURES = Path(__file__).parent / "fixtures" / "linux"
CLASS_FIXTURES = FIXTURES / "dmesg"
PARSE_FIXTURES = [raw for folder in ("journalctl", "dmesg", "cat_var_log_messages")
                  for raw in sorted((FIXTURES / folder).glob("*.raw"))
                  if "records" in yaml.safe_load(raw.with_suffix(".yml").read_text("utf-8"))]
SINCE = datetime(2026, 10, 20, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def load_module():
    path = COLLECTORS / "linux_errlog.py"
    spec = importlib.util.spec_from_file_location("weibao_inspect_errlog", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


errlog_module = load_module()


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    """Every finding the rules build while a test runs is checked for its zh-CN text
    (tests/unit/chinese_text.py); returns the findings checked."""
    return check_every_finding(monkeypatch, rules)


def rule_cases():
    return [pytest.param(raw, id=raw.stem)
            for raw in sorted(CLASS_FIXTURES.glob("classes_*.raw"))]


def fixture_lines(raw):
    lines = io.BytesIO(raw.read_bytes()).readlines()
    return lines[0], [line.decode("utf-8").rstrip("\n") for line in lines[1:]]


# --- classification -----------------------------------------------------------------------

@pytest.mark.parametrize("raw", rule_cases())
def test_rules_fixture(raw):
    """Each line, as the kernel prints it, gets the expected event: a class's, an
    errlog.unclassified one (a fault keyword, no class), or none."""
    first, messages = fixture_lines(raw)
    assert first.startswith(b"# "), "first line must say where the wording comes from"
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))["events"]
    assert len(messages) == len(expected), "one expectation per line"
    for message, want in zip(messages, expected, strict=True):
        event, _ = classes.classify_record("kernel", message)
        if want is None:
            assert event is None, f"{message!r} -> {event}"
            continue
        assert event is not None, f"{message!r} not classified"
        weight = want[4] if len(want) > 4 else 1
        assert [event.cls, event.component, event.kind, event.severity, event.weight] == \
            [*want[:4], weight], message
        # The scanner's prefilter must let every event through, and a whole syslog line must
        # classify like its message (the scanner relies on both).
        line = "Nov 20 10:00:00 db01 kernel: " + message
        assert classes.CANDIDATE.search(line.encode()) is not None, message
        if event.cls == classes.UNCLASSIFIED:
            assert classes.FAULT_RE.search(line) is not None, message
            assert classes.classify(message) is None, message
        else:
            assert classes.PREFILTER.search(line.encode()) is not None, message
            assert classes.classify(line) == event, message


def test_every_class_has_a_fixture():
    for cls in (*classes.CLASSES, classes.UNCLASSIFIED):
        assert (CLASS_FIXTURES / f"classes_{cls}.raw").exists(), cls


def test_guards_start_with_rare_characters():
    # Keeps the prefilter fast: the regex engine skips positions whose character cannot
    # start a keyword, which only helps when keywords start with upper case or punctuation.
    for keyword in classes.PREFILTER_KEYWORDS:
        assert not keyword[0].islower(), keyword


def test_noise_does_not_pass_the_prefilter():
    noise = [
        "Nov 20 10:00:00 db01 sshd[123]: Connection reset by 10.1.2.3 port 22 [preauth]",
        "Nov 20 10:00:00 db01 java[9]: ERROR request failed: connection reset by peer",
        "Nov 20 10:00:00 db01 systemd[1]: Started Session 5 of user root.",
        "Nov 20 10:00:00 db01 kernel: TCP: Possible SYN flooding on port 80. Sending cookies.",
    ]
    for line in noise:
        assert classes.PREFILTER.search(line.encode()) is None, line


def test_trie_pattern_matches_exactly_the_words():

    pattern = re.compile(classes.trie_pattern(["ab", "abc", "ad", "x"]))
    assert [m.group() for m in pattern.finditer("abc ab ad x ae")] == ["abc", "ab", "ad", "x"]


def test_repeated_message_unwrapped():
    event, repeat = classes.classify_message(
        "message repeated 4 times: [ e1000e: eth0 NIC Link is Down]")
    assert (event.cls, event.component, repeat) == ("nic_link", "eth0", 4)
    assert classes.classify_message("message repeated 4 times: [ noise ]") == (None, 4)


# --- counting -----------------------------------------------------------------------------

def ev(cls, component, kind, severity="warning", weight=1):
    return classes.Event(cls, component, kind, severity, weight)


def test_counter_one_incident_logged_three_ways_counts_once():
    counter = tally.EventCounter(max_samples=2)
    t = SINCE + timedelta(days=1)
    for i in range(3):
        when = t + timedelta(minutes=i)
        counter.add(ev("disk_io", "sdb", "sense"), when, f"sense {i}")
        counter.add(ev("disk_io", "sdb", "blk"), when, f"blk {i}")
        counter.add(ev("disk_io", "sdb", "buffer"), when, f"buffer {i}")
    counter.add(ev("disk_io", "sdb", "blk"), t + timedelta(hours=1), "blk late")
    bucket = counter.buckets[("disk_io", "sdb")]
    assert bucket.count == 4                       # max over kinds, not 10
    assert bucket.kinds == {"sense": 3, "blk": 4, "buffer": 3}
    assert bucket.first == t and bucket.last == t + timedelta(hours=1)
    assert bucket.samples == ["sense 0", "blk 0"]  # at most max_samples
    assert bucket.last_sample == "blk late"


def test_counter_info_and_critical():
    counter = tally.EventCounter()
    counter.add(ev("nic_link", "eth0", "link_up", "info"), SINCE, "up")
    assert counter.buckets[("nic_link", "eth0")].count == 0
    counter.add(ev("memory_ecc", "MC0", "edac", "critical", 2), SINCE, "ue", repeat=3)
    bucket = counter.buckets[("memory_ecc", "MC0")]
    assert (bucket.count, bucket.critical_count) == (6, 6)


def test_counter_caps_components_per_class():
    counter = tally.EventCounter(max_components=2)
    for name in ("a", "b", "c", "d"):
        counter.add(ev("oom_kill", name, "oom_kill"), SINCE, name)
    assert sorted(c for _, c in counter.buckets) == ["(other)", "a", "b"]
    assert counter.buckets[("oom_kill", "(other)")].count == 2


def test_counter_merge_max_and_sum():
    syslog, kernlog = tally.EventCounter(), tally.EventCounter()
    for _ in range(3):
        syslog.add(ev("disk_io", "sda", "blk"), SINCE, "x")
    for _ in range(2):
        kernlog.add(ev("disk_io", "sda", "blk"), SINCE + timedelta(days=2), "y")
    merged = tally.EventCounter().merge([syslog, kernlog], "max")
    bucket = merged.buckets[("disk_io", "sda")]
    assert bucket.count == 3
    assert bucket.last == SINCE + timedelta(days=2)
    assert tally.EventCounter().merge([syslog, kernlog], "sum").total() == 5


# --- scanning -----------------------------------------------------------------------------

def syslog_scan(text, since=SINCE, until=None, max_lines=None, max_samples=3):
    counter = tally.EventCounter(max_samples)
    stats = tally.SourceStats("messages", "file")
    parse = partial(parse_syslog_line, reference=NOW, tz=UTC)
    data = text if isinstance(text, bytes) else text.encode()
    tally.scan(io.BytesIO(data).readlines(), parse, counter, stats, since=since,
               until=until, max_lines=max_lines)
    return counter, stats


LOG = """\
Oct 19 23:59:59 db01 kernel: e1000e: eth0 NIC Link is Down
Oct 20 00:00:00 db01 systemd[1]: Started Session 1 of user root.
Nov  2 01:00:00 db01 kernel: e1000e: eth0 NIC Link is Down
Nov  2 01:00:01 db01 kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex
Nov  2 01:00:02 db01 kernel: e1000e: eth0 NIC Link is Down
Nov  2 01:00:03 db01 last message repeated 2 times
Nov  3 05:00:00 db01 kernel: message repeated 3 times: [ EXT4-fs error (device sda1): x]
Nov  4 00:00:00 db01 kernel: sd 0:0:0:0: [sda] tag#1 Sense Key : Medium Error [current]
Nov 20 12:00:00 db01 kernel: ata1: hard resetting link
"""


def test_scan_filters_by_time_and_counts_repeats():
    counter, stats = syslog_scan(LOG, until=NOW)
    assert counter.buckets[("nic_link", "eth0")].count == 4   # 2 + "repeated 2 times"
    assert counter.buckets[("nic_link", "eth0")].info_count == 1
    assert counter.buckets[("filesystem", "sda1")].count == 3
    assert counter.buckets[("disk_io", "sda")].count == 1
    assert ("storage_transport", "ata1") not in counter.buckets  # at `until`
    assert stats.before_since == 1 and stats.after_until == 1
    assert stats.lines == 9
    assert stats.first_time == datetime(2026, 10, 19, 23, 59, 59, tzinfo=UTC)
    assert stats.events == 8


def test_scan_stops_at_max_lines():
    counter, stats = syslog_scan(LOG, max_lines=4)
    assert stats.truncated and stats.lines == 4
    assert counter.total() == 1


def test_scan_undated_dmesg_lines_count_without_a_window_only():
    """dmesg without times (dmesg -t; raw seconds since boot when the boot time is not
    known): without a window every line counts; with one, no line can be placed in it, so an
    event line is counted apart (undatable) and its class cannot be ok."""
    lines = [b"ata1: hard resetting link\n", b"\xff\xfe garbage\n", b"\n"]
    counter, stats = tally.EventCounter(), tally.SourceStats("dmesg", "dmesg")
    tally.scan(lines, parse_dmesg_line, counter, stats)
    assert counter.total("storage_transport") == 1 and stats.undated == 1
    counter, stats = tally.EventCounter(), tally.SourceStats("dmesg", "dmesg")
    tally.scan(lines, parse_dmesg_line, counter, stats, since=SINCE)
    assert counter.total("storage_transport") == 0 and stats.undated == 0
    assert stats.undatable == 1
    assert counter.buckets[("storage_transport", "ata1")].undatable == 1


def test_scan_garbled_file_fixture():
    raw = (FIXTURES / "cat_var_log_messages" / "garbled.raw").read_bytes().split(b"\n", 1)[1]
    counter, stats = syslog_scan(raw)
    assert counter.buckets[("storage_transport", "ata2")].count == 1
    assert counter.buckets[("nic_link", "eth0")].count == 1


# --- judging ------------------------------------------------------------------------------

DEFAULTS = catalogue.defaults("errlog")


def build_findings(counter, sources, since, thresholds=None, coverage_start=None):
    """The tally as data, judged (what the collector and parse_sources both do)."""
    data = tally.to_data(counter, sources, since=since, coverage_start=coverage_start)
    return rules.evaluate(data, catalogue.merge_thresholds("errlog", thresholds),
                          {"since": data["since"]})


def describe(stats):
    return render(rules.describe_source(stats.as_dict()))


def test_merge_thresholds():
    merged = catalogue.merge_thresholds(
        "errlog", {"nic_link": {"critical": 3}, "oom_kill": {"warning": None}})
    assert merged["nic_link"] == {"warning": 1, "critical": 3}
    assert merged["oom_kill"] == {"warning": None, "critical": 5}
    assert merged["disk_io"] == DEFAULTS["disk_io"]
    # 0 disables a level, as null does
    assert catalogue.merge_thresholds("errlog", {"disk_io": {"warning": 0}})["disk_io"] == \
        {"warning": None, "critical": 10}


@pytest.mark.parametrize("bad,text", [
    ({"disks": {"warning": 1}}, "unknown check 'disks'"),
    ({"disk_io": 3}, "thresholds.disk_io: expected a mapping"),
    ({"disk_io": {"major": 1}}, "thresholds.disk_io.major: unknown level"),
    ({"disk_io": {"warning": "many"}}, "thresholds.disk_io.warning: 'many' is not a number"),
    ({"disk_io": {"warning": -1}}, "is negative"),
])
def test_merge_thresholds_rejects(bad, text):
    with pytest.raises(catalogue.CatalogueError, match=text):
        catalogue.merge_thresholds("errlog", bad)


def read_source(name="journal"):
    stats = tally.SourceStats(name, "journal")
    stats.lines = 100
    return stats


# an ordinary (warning-severity) kind of each class
PLAIN_KIND = {
    "machine_check": ("cpu", "mce_bank"),
    "memory_ecc": ("MC0 DIMM_A1", "edac"),
    "disk_io": ("sdb", "blk"),
    "filesystem": ("dm-0", "fs_error"),
    "storage_transport": ("ata1", "ata_reset"),
    "nic_link": ("eth0", "link_down"),
    "oom_kill": ("java", "oom_kill"),
    "hung_tasks": ("jbd2/dm-0-8", "hung_task"),
}


def findings_for(counter, sources=None, **kwargs):
    findings = build_findings(counter, sources if sources is not None else [read_source()],
                                    SINCE, **kwargs)
    for finding in findings:
        validate_finding(finding)
    return findings


def by_id(findings, check_id):
    return [f for f in findings if f["check_id"] == check_id]


@pytest.mark.parametrize("cls", classes.CLASSES)
def test_each_class_warning_then_critical(cls):
    component, kind = PLAIN_KIND[cls]
    levels = DEFAULTS[cls]
    for count, status in ((levels["warning"], "warning"), (levels["critical"], "critical")):
        counter = tally.EventCounter()
        for i in range(count):
            counter.add(ev(cls, component, kind), SINCE + timedelta(hours=i), f"line {i}")
        findings = findings_for(counter)
        (finding,) = by_id(findings, f"errlog.{cls}")
        assert finding["status"] == status
        assert finding["component"] == component
        assert finding["values"]["events"] == count
        assert finding["recommendation"]
        assert finding["thresholds"] == levels
        assert finding["evidence"][0] == "line 0"


@pytest.mark.parametrize("cls,component,kind", [
    ("machine_check", "cpu", "mce_fatal"),
    ("memory_ecc", "MC1", "edac"),
    ("filesystem", "sda1", "readonly"),
    ("storage_transport", "multipath mpatha", "mpath_nopath"),
    ("storage_transport", "mpt3sas_cm0", "mpt_fault"),
])
def test_critical_events_are_critical_at_any_count(cls, component, kind):
    counter = tally.EventCounter()
    counter.add(ev(cls, component, kind, "critical"), SINCE, "x")
    (finding,) = by_id(findings_for(counter), f"errlog.{cls}")
    assert finding["status"] == "critical"
    assert finding["values"]["critical_events"] == 1


def test_below_threshold_is_an_ok_finding_per_component():
    counter = tally.EventCounter()
    counter.add(ev("nic_link", "eth0", "link_down"), SINCE, "x")
    (finding,) = by_id(findings_for(counter, thresholds={"nic_link": {"warning": 3}}),
                       "errlog.nic_link")
    assert finding["status"] == "ok"
    assert finding["component"] == "eth0"
    assert "below the warning threshold" in finding["summary"]


def test_classes_without_events_give_one_ok_each():
    counter = tally.EventCounter()
    counter.add(ev("disk_io", "sda", "blk"), SINCE, "x")
    counter.add(ev("disk_io", "sdb", "blk"), SINCE, "y")
    counter.add(ev("nic_link", "eth0", "link_up", "info"), SINCE, "up")
    findings = findings_for(counter)
    assert [f["component"] for f in by_id(findings, "errlog.disk_io")] == ["sda", "sdb"]
    for cls in classes.CLASSES:
        if cls == "disk_io":
            continue
        (finding,) = by_id(findings, f"errlog.{cls}")
        assert finding["status"] == "ok"
        assert finding["summary"].startswith("No ")
        assert "since 2026-10-20 00:00:00 UTC" in finding["summary"]
    assert by_id(findings, "errlog.nic_link")[0]["values"]["related_messages"] == 1
    assert by_id(findings, "errlog.sources")[0]["status"] == "ok"


def test_no_readable_source_is_unknown_never_ok():
    sources = failed_sources()
    findings = findings_for(tally.EventCounter(), sources=sources)
    assert len(findings) == 1 + len(rules.JUDGED)
    assert all(f["status"] == "unknown" for f in findings)
    assert {f["cause"] for f in findings} == {"tool_missing"}  # the first source's cause
    assert "kernel.dmesg_restrict=1" in findings[0]["translations"]["zh-CN"]["summary"]
    assert "dmesg_restrict" in by_id(findings, "errlog.sources")[0]["summary"]
    assert "dmesg_restrict" in by_id(findings, "errlog.oom_kill")[0]["summary"]
    assert all(f["status"] == "unknown" for f in findings_for(tally.EventCounter(), sources=[]))


def test_line_cap_makes_sources_warning_and_says_so():
    stats = read_source()
    stats.truncated = True
    findings = findings_for(tally.EventCounter(), sources=[stats])
    sources = by_id(findings, "errlog.sources")[0]
    assert sources["status"] == "warning" and "line cap" in sources["summary"]
    assert "line cap" in by_id(findings, "errlog.disk_io")[0]["summary"]


def test_line_cap_makes_classes_without_events_unknown_never_ok():
    """The lines after the cap are the newest: a class with no event in the lines read is
    not judged; classes with events keep their judgement."""
    counter, stats = syslog_scan(LOG, max_lines=4)   # stops before the Nov 2 repeat line
    assert stats.truncated and stats.lines == 4
    findings = findings_for(counter, sources=[stats])
    (nic,) = by_id(findings, "errlog.nic_link")
    assert nic["status"] == "warning" and nic["component"] == "eth0"
    assert "log not fully read" in nic["summary"]
    assert nic["values"]["log_fully_read"] is False
    for cls in classes.CLASSES:
        if cls == "nic_link":
            continue
        (finding,) = by_id(findings, f"errlog.{cls}")
        assert finding["status"] == "unknown", cls
        assert finding["summary"].startswith("Log not fully read (messages stopped at the "
                                             "line cap after 4 lines")
        assert "读到第 4 行时达到行数上限" in finding["translations"]["zh-CN"]["summary"]
        assert "inspect_errlog_max_lines" in finding["recommendation"]
        assert finding["values"]["log_fully_read"] is False
    # an ok judgement (events below the warning threshold) is no judgement either
    findings = findings_for(counter, sources=[stats], thresholds={"nic_link": {"warning": 5}})
    (nic,) = by_id(findings, "errlog.nic_link")
    assert nic["status"] == "unknown"
    assert "below the warning threshold" in nic["summary"]
    assert "not fully read" in nic["summary"]
    # read to the end: ok
    counter, stats = syslog_scan(LOG, max_lines=9)
    assert not stats.truncated
    findings = findings_for(counter, sources=[stats])
    assert by_id(findings, "errlog.oom_kill")[0]["status"] == "ok"


def test_event_line_with_unreadable_time_is_never_ok():
    """A line that matches an event rule but whose timestamp is damaged may be in the window:
    it is counted apart and its class is unknown (or keeps a warning it has anyway)."""
    damaged = (
        b"Nov 2x 01:00:00 db01 kernel: blk_update_request: I/O error, dev sdb, sector 2048\n"
        b"Nox  2 01:00:01 db01 kernel: Buffer I/O error on dev sdb1, logical block 7\n"
        b"Nov  2 01:00:02 db01 systemd[1]: Started Session 5 of user root.\n"
        b"\x00\x00Nov 99 01:00:03 db01 kernel: e1000e: eth0 NIC Link is Up 1000 Mbps\n"
    )
    counter, stats = syslog_scan(damaged)
    assert (stats.undatable, stats.unparsed, stats.events) == (2, 3, 0)
    assert "2 matching lines with an unreadable time" in describe(stats)
    findings = findings_for(counter, sources=[stats])
    (disk,) = by_id(findings, "errlog.disk_io")
    assert disk["status"] == "unknown" and disk["component"] == "sdb"
    assert disk["summary"].startswith("2 disk I/O error lines on sdb whose time could not be "
                                      "read")
    assert "2 行磁盘 I/O 错误日志的时间无法识别" in disk["translations"]["zh-CN"]["summary"]
    assert disk["values"]["undatable_lines"] == 2 and disk["values"]["events"] == 0
    # the raw line is in the evidence as it was read
    assert ("(time unreadable) Nov 2x 01:00:00 db01 kernel: blk_update_request: I/O error, "
            "dev sdb, sector 2048") in disk["evidence"]
    assert "smartctl" in disk["recommendation"]
    # a link-up line (context, not counted) with a damaged time changes nothing
    assert by_id(findings, "errlog.nic_link")[0]["status"] == "ok"

    # beside dated events: a warning stays a warning and says how many lines were undatable
    counter, stats = syslog_scan(DISK_ERRORS + damaged.decode())
    (disk,) = by_id(findings_for(counter, sources=[stats]), "errlog.disk_io")
    assert disk["status"] == "warning" and disk["values"]["events"] == 2
    assert "and 2 more matching lines whose time could not be read" in disk["summary"]
    # an ok judgement (below the warning threshold) becomes unknown
    (disk,) = by_id(findings_for(counter, sources=[stats],
                                 thresholds={"disk_io": {"warning": 3}}), "errlog.disk_io")
    assert disk["status"] == "unknown" and "below the warning threshold" in disk["summary"]


def test_undatable_counts_merge():
    one, two = tally.EventCounter(), tally.EventCounter()
    one.add_undatable(ev("disk_io", "sda", "blk"), "x")
    for _ in range(2):
        two.add_undatable(ev("disk_io", "sda", "blk"), "y")
    assert two.add_undatable(ev("nic_link", "eth0", "link_up", "info"), "z") is None
    assert tally.EventCounter().merge([one, two], "max").buckets[("disk_io", "sda")] \
        .undatable == 2
    assert tally.EventCounter().merge([one, two], "sum").buckets[("disk_io", "sda")] \
        .undatable == 3


def test_coverage_gap_makes_sources_warning():
    later = SINCE + timedelta(days=10)
    findings = findings_for(tally.EventCounter(), coverage_start=later)
    sources = by_id(findings, "errlog.sources")[0]
    assert sources["status"] == "warning" and "logs begin at" in sources["summary"]
    assert "since 2026-10-30 00:00:00 UTC" in by_id(findings, "errlog.oom_kill")[0]["summary"]
    slack = findings_for(tally.EventCounter(), coverage_start=SINCE + timedelta(hours=12))
    assert by_id(slack, "errlog.sources")[0]["status"] == "ok"


# --- collector (the module's code path) ---------------------------------------------------

def write_log(path, text, mtime=NOW, opener=open):
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def script(path, body):
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def collect(**kwargs):
    kwargs.setdefault("since", "2026-10-20T00:00:00Z")
    kwargs.setdefault("provider", "files")
    kwargs.setdefault("tz", UTC)
    kwargs.setdefault("journal_socket", "/nonexistent/journal/socket")
    findings, data = errlog_module.collect(**kwargs)
    for finding in findings:
        validate_finding(finding)
    return findings, data


def status_of(findings, check_id, component=""):
    return [f["status"] for f in findings
            if f["check_id"] == check_id and f["component"] == component]


DISK_ERRORS = """\
Nov  2 01:00:00 db01 kernel: sd 2:0:0:0: [sdb] Sense Key : Medium Error [current]
Nov  2 01:00:00 db01 kernel: blk_update_request: I/O error, dev sdb, sector 2048
Nov  2 01:00:05 db01 kernel: blk_update_request: I/O error, dev sdb, sector 2056
"""


def test_collect_files_dedups_streams_reads_rotations(tmp_path):
    syslog = tmp_path / "syslog"
    kern = tmp_path / "kern.log"
    write_log(syslog, DISK_ERRORS + "Nov 19 00:00:00 db01 CRON[1]: (root) CMD (true)\n")
    write_log(kern, DISK_ERRORS)  # the same kernel lines again: must not double
    write_log(tmp_path / "syslog.1",
              "Oct 19 10:00:00 db01 kernel: e1000e: eth0 NIC Link is Down\n"
              "Oct 25 10:00:00 db01 kernel: e1000e: eth0 NIC Link is Down\n",
              mtime=datetime(2026, 10, 26, tzinfo=UTC))
    write_log(tmp_path / "syslog.2.gz", "Oct 21 10:00:00 db01 kernel: e1000e: eth0 NIC Link "
              "is Down\n", mtime=datetime(2026, 10, 22, tzinfo=UTC), opener=gzip.open)
    write_log(tmp_path / "syslog.3.bz2", "Oct 22 10:00:00 db01 kernel: Out of memory: Killed "
              "process 9 (java) total-vm:1kB\n", mtime=datetime(2026, 10, 23, tzinfo=UTC),
              opener=bz2.open)
    write_log(tmp_path / "syslog.4.gz", "Sep 01 10:00:00 db01 kernel: ata1: hard resetting "
              "link\n", mtime=datetime(2026, 9, 2, tzinfo=UTC), opener=gzip.open)
    findings, data = collect(log_files=[str(syslog), str(kern)])
    assert status_of(findings, "errlog.disk_io", "sdb") == ["warning"]
    disk = [f for f in findings if f["component"] == "sdb"][0]
    assert disk["values"]["events"] == 2 and disk["values"]["kind_sense"] == 1
    nic = [f for f in findings if f["component"] == "eth0"][0]
    assert nic["values"]["events"] == 2  # Oct 19 is before since; .1 and .2.gz read
    assert status_of(findings, "errlog.oom_kill", "java") == ["warning"]
    assert status_of(findings, "errlog.storage_transport") == ["ok"]  # .4.gz older: skipped
    assert status_of(findings, "errlog.sources") == ["ok"]  # an older copy covers `since`
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["dmesg"]["status"] == "missing"
    assert "3 rotated copies" in render(sources[str(syslog)]["notes"][0])
    assert data["provider_used"] == "files"


def test_collect_nothing_readable_is_unknown(tmp_path):
    findings, data = collect(log_files=[str(tmp_path / "messages")])
    assert {f["status"] for f in findings} == {"unknown"}
    assert len(findings) == 1 + len(rules.JUDGED)


def test_collect_dmesg_not_permitted(tmp_path):
    dmesg = script(tmp_path / "dmesg",
                   'echo "dmesg: read kernel buffer failed: Operation not permitted" >&2\n'
                   "exit 1\n")
    findings, data = collect(log_files=[], dmesg=dmesg)
    assert {f["status"] for f in findings} == {"unknown"}
    assert "dmesg_restrict" in status_summary(findings, "errlog.sources")


def status_summary(findings, check_id):
    return [f["summary"] for f in findings if f["check_id"] == check_id][0]


def test_collect_dmesg_iso_and_raw_fallback(tmp_path):
    lines = (FIXTURES / "dmesg" / "debian12_iso.raw").read_text(encoding="utf-8").split("\n", 1)[1]
    (tmp_path / "iso.txt").write_text(lines, encoding="utf-8")
    dmesg = script(tmp_path / "dmesg", f'cat "{tmp_path}/iso.txt"\n')
    findings, data = collect(log_files=[], dmesg=dmesg)
    assert status_of(findings, "errlog.oom_kill", "pytest") == ["warning"]
    assert data["coverage_start"] == "2026-11-25T06:24:33Z"
    assert status_of(findings, "errlog.sources") == ["warning"]  # ring buffer after since

    raw = (FIXTURES / "dmesg" / "debian12_raw.raw").read_text(encoding="utf-8").split("\n", 1)[1]
    (tmp_path / "raw.txt").write_text(raw, encoding="utf-8")
    old = script(tmp_path / "dmesg-old",
                 'if [ "$1" = "--time-format=iso" ]; then\n'
                 '  echo "dmesg: unknown time format: iso" >&2; exit 1\nfi\n'
                 f'cat "{tmp_path}/raw.txt"\n')
    stat = tmp_path / "stat"
    boot = int(datetime(2026, 11, 25, 6, 1, tzinfo=UTC).timestamp())
    stat.write_text(f"cpu  1 2 3\nbtime {boot}\n", encoding="utf-8")
    findings, data = collect(log_files=[], dmesg=old, proc_stat=str(stat))
    oom = [f for f in findings if f["component"] == "pytest"][0]
    assert oom["values"]["first_seen"] == "2026-11-25T06:24:33Z"
    assert oom["values"]["events"] == 1  # constraint + kill lines of one kill


def test_collect_line_cap(tmp_path):
    log = write_log(tmp_path / "messages", DISK_ERRORS * 5)
    findings, data = collect(log_files=[str(log)], max_lines=4)
    assert status_of(findings, "errlog.sources") == ["warning"]
    assert data["sources"][1]["truncated"] is True
    assert status_of(findings, "errlog.disk_io", "sdb") == ["warning"]
    assert status_of(findings, "errlog.nic_link") == ["unknown"]


def test_collect_damaged_timestamp_is_not_ok(tmp_path):
    log = write_log(tmp_path / "messages", "Nov  2 01:00:00 db01 kernel: ata1: hard resetting "
                    "link\nNov  2 01:0\x00:00 db01 kernel: blk_update_request: I/O error, dev "
                    "sdc, sector 8\n")
    findings, data = collect(log_files=[str(log)])
    assert status_of(findings, "errlog.disk_io", "sdc") == ["unknown"]
    assert status_of(findings, "errlog.storage_transport", "ata1") == ["warning"]


def test_collect_unrecognised_file_format(tmp_path):
    log = tmp_path / "messages"
    log.write_bytes(b"\x00\x01binary\nnot a log line\n")
    findings, data = collect(log_files=[str(log)])
    assert {f["status"] for f in findings} == {"unknown"}
    assert "no line in a known syslog format" in status_summary(findings, "errlog.sources")


def fake_journal(tmp_path, window, head, stderr="", rc=0):
    (tmp_path / "window.txt").write_text(window, encoding="utf-8")
    (tmp_path / "head.txt").write_text(head, encoding="utf-8")
    socket = tmp_path / "socket"
    socket.write_text("", encoding="utf-8")
    body = (f'case " $* " in *" --since "*) cat "{tmp_path}/window.txt";; '
            f'*) cat "{tmp_path}/head.txt";; esac\n')
    if stderr:
        body += f'echo "{stderr}" >&2\n'
    body += f"exit {rc}\n"
    return script(tmp_path / "journalctl", body), str(socket)


JOURNAL = """\
2026-11-10T09:00:00+08:00 db01 kernel: Linux version 6.1.0
2026-11-12T10:00:00+08:00 db01 kernel: e1000e: eth0 NIC Link is Down
2026-11-12T10:00:01+08:00 db01 multipathd[9]: mpatha: remaining active paths: 0
"""


def test_collect_journal_persistent(tmp_path):
    journalctl, socket = fake_journal(
        tmp_path, JOURNAL, "2026-09-01T00:00:00+08:00 db01 kernel: Linux version 6.1.0\n")
    findings, data = collect(provider="auto", journalctl=journalctl, journal_socket=socket)
    assert data["provider_used"] == "journal"
    assert status_of(findings, "errlog.storage_transport", "multipath mpatha") == ["critical"]
    assert status_of(findings, "errlog.nic_link", "eth0") == ["warning"]
    assert status_of(findings, "errlog.sources") == ["ok"]


def test_collect_volatile_journal_filled_from_files(tmp_path):
    journalctl, socket = fake_journal(tmp_path / "", JOURNAL, JOURNAL)
    log = write_log(tmp_path / "messages",
                    "Oct 21 10:00:00 db01 kernel: e1000e: eth0 NIC Link is Down\n"
                    # also in the journal (after it begins): must not count twice
                    "Nov 12 02:00:00 db01 kernel: e1000e: eth0 NIC Link is Down\n")
    findings, data = collect(provider="auto", journalctl=journalctl, journal_socket=socket,
                             log_files=[str(log)])
    assert data["provider_used"] == "journal+files"
    nic = [f for f in findings if f["component"] == "eth0"][0]
    assert nic["values"]["events"] == 2
    assert data["coverage_start"] == "2026-10-21T10:00:00Z"


def test_collect_journal_without_permission_falls_back(tmp_path):
    journalctl, socket = fake_journal(
        tmp_path, "", "", stderr="No journal files were opened due to insufficient "
        "permissions.", rc=1)
    log = write_log(tmp_path / "messages", DISK_ERRORS)
    findings, data = collect(provider="auto", journalctl=journalctl, journal_socket=socket,
                             log_files=[str(log)])
    assert data["provider_used"] == "files"
    assert "needs root" in render(data["sources"][0]["notes"][0])
    assert status_of(findings, "errlog.disk_io", "sdb") == ["warning"]
    findings, data = collect(provider="journal", journalctl=journalctl, journal_socket=socket,
                             log_files=[str(log)])
    assert {f["status"] for f in findings} == {"unknown"}


def test_resolve_since():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert errlog_module.resolve_since("", 31, now) == now - timedelta(days=31)
    assert errlog_module.resolve_since("2026-11-01T08:00:00+08:00", 31, now) == \
        datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        errlog_module.resolve_since("last tuesday", 31, now)


def test_module_runs_through_ansible(tmp_path):
    log = write_log(tmp_path / "messages", DISK_ERRORS)
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    args = json.dumps({"provider": "files", "log_files": [str(log)],
                       "since": "2026-10-20T00:00:00Z"})
    ansible = str(Path(sys.executable).parent / "ansible")
    result = subprocess.run(
        [ansible, "localhost", "-m", "weibao_inspect_errlog", "-a", args, "-o",
         "-e", f"ansible_python_interpreter={sys.executable}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout.split("=>", 1)[1])
    assert payload["changed"] is False
    statuses = {(f["check_id"], f["component"]): f["status"] for f in payload["findings"]}
    assert statuses[("errlog.disk_io", "sdb")] == "warning"


@pytest.mark.parametrize("first_entry", [
    "2026-11-20T08:00:00+08:00 host systemd[1]: Started Journal Service.\n",  # begins late
    "",  # a journal with no entry at all covers nothing
])
def test_journal_without_kernel_entries_never_claims_the_window(tmp_path, first_entry):
    """A journal holding no kernel message (e.g. in a container) must not pass for a month of
    clean logs: its coverage starts at its first entry of any kind, or now when it is empty."""
    (tmp_path / "first.txt").write_text(first_entry, encoding="utf-8")
    socket = tmp_path / "socket"
    socket.write_text("", encoding="utf-8")
    journalctl = script(tmp_path / "journalctl", (
        'case " $* " in *" --since "*) ;; *"_TRANSPORT=kernel"*) ;; '
        f'*) cat "{tmp_path}/first.txt";; esac\nexit 0\n'))
    findings, data = collect(provider="journal", journalctl=journalctl, journal_socket=socket)
    assert data["provider_used"] == "journal"
    assert status_of(findings, "errlog.sources") == ["warning"]
    assert data["coverage_start"] > "2026-11-19"


# --- Chinese text over every fixture and every judging branch ----------------------------

def _fixture_parser(case):
    tz = case.get("tz")
    tzinfo = None
    if tz is not None:
        hours, minutes = tz[1:].split(":")
        tzinfo = timezone((-1 if tz[0] == "-" else 1) * timedelta(hours=int(hours),
                                                                  minutes=int(minutes)))
    if case["parser"] == "journal":
        return partial(parse_iso_line, default_tz=tzinfo)
    if case["parser"] == "syslog":
        return partial(parse_syslog_line, reference=parse_iso_timestamp(case["reference"]),
                       tz=tzinfo)
    boot = case.get("boot_time")
    return partial(parse_dmesg_line, boot_time=parse_iso_timestamp(boot) if boot else None,
                   default_tz=tzinfo)


def fixture_streams():
    """(name, bytes lines, parse) of every errlog fixture, as the collector reads them.

    The rule fixtures' messages are read as syslog lines (dated in the window), with damaged
    timestamps, both, and as dmesg lines without time; the parser fixtures as their parser
    reads them.
    """
    syslog = partial(parse_syslog_line, reference=NOW, tz=UTC)
    for raw in sorted(CLASS_FIXTURES.glob("classes_*.raw")):
        messages = fixture_lines(raw)[1]
        dated = [f"Nov {1 + i % 19:2d} 10:{i % 60:02d}:00 db01 kernel: {m}\n".encode()
                 for i, m in enumerate(messages)]
        damaged = [f"Nov {i % 9}x 10:00:00 db01 kernel: {m}\n".encode()
                   for i, m in enumerate(messages)]
        yield raw.stem, dated, syslog
        yield raw.stem + "-damaged", damaged, syslog
        yield raw.stem + "-mixed", dated + damaged, syslog
        yield raw.stem + "-undated", [(m + "\n").encode() for m in messages], parse_dmesg_line
    for raw in PARSE_FIXTURES:
        case = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
        lines = io.BytesIO(raw.read_bytes()).readlines()[1:]
        yield raw.stem, lines, _fixture_parser(case)


FIXTURE_STREAMS = list(fixture_streams())

# Judging branches: thresholds (default; high: events below the warning level are ok),
# line cap (none; 3 lines), where the logs begin (covering the window; 10 days late), and
# which sources were read (this one; this one and a failed one; none read; none configured).
SCENARIOS = list(product(
    (None, {cls: {"warning": 1000, "critical": None} for cls in classes.CLASSES}),
    (None, 3),
    (None, SINCE + timedelta(days=10)),
    ("read", "read+failed", "none_read", "none"),
))


def failed_sources():
    return [
        tally.SourceStats("journal", "journal", "missing",
                          [msg("reason.not_installed", command="journalctl")], "tool_missing"),
        tally.SourceStats("dmesg", "dmesg", "failed", [msg(
            "errlog.reason.dmesg_restricted",
            error="dmesg: read kernel buffer failed: Operation not permitted")],
            "no_permission"),
        tally.SourceStats("/var/log/syslog", "file", "failed", [
            msg("errlog.note.rotated", count=2),
            msg("errlog.note.unreadable", files=[msg(
                "reason.cannot_read", path="/var/log/syslog.1",
                why=errno_message(PermissionError(13, "Permission denied")))])],
            "source_unreadable"),
    ]


def scenario_findings(lines, parse, thresholds, max_lines, coverage_start, sources):
    counter = tally.EventCounter()
    stats = tally.SourceStats("/var/log/messages", "file")
    tally.scan(iter(lines), parse, counter, stats, since=SINCE, max_lines=max_lines)
    failed = failed_sources()
    read = {"read": [stats], "read+failed": failed + [stats], "none_read": failed,
            "none": []}[sources]
    findings = build_findings(counter, read, SINCE, thresholds,
                                    coverage_start=coverage_start)
    for finding in findings:
        validate_finding(finding)
    return findings


@pytest.mark.parametrize("name,lines,parse", [pytest.param(*s, id=s[0])
                                              for s in FIXTURE_STREAMS])
def test_chinese_text_over_every_fixture(name, lines, parse):
    """Every finding of every fixture, in every judging branch, has its Chinese text."""
    for scenario in SCENARIOS:
        for finding in scenario_findings(lines, parse, *scenario):
            assert_chinese(finding)


def test_chinese_text_scenarios_reach_every_branch():
    """The fixtures and scenarios above produce every status of every check, so a branch
    without Chinese text cannot hide from test_chinese_text_over_every_fixture."""
    seen = set()
    kinds = set()
    for _, lines, parse in FIXTURE_STREAMS:
        for scenario in SCENARIOS:
            for finding in scenario_findings(lines, parse, *scenario):
                seen.add((finding["check_id"], finding["status"]))
                values = finding["values"]
                kinds.add((finding["status"], bool(values.get("events")),
                           bool(values.get("undatable_lines")),
                           values.get("log_fully_read", True)))
    for cls in (*classes.CLASSES, classes.UNCLASSIFIED):
        for status in ("ok", "warning", "unknown"):
            assert (f"errlog.{cls}", status) in seen, (cls, status)
    for cls in ("machine_check", "memory_ecc", "filesystem", "storage_transport", "nic_link",
                "hung_tasks"):
        assert (f"errlog.{cls}", "critical") in seen, cls
    for status in ("ok", "warning", "unknown"):
        assert ("errlog.sources", status) in seen, status
    # unknown: no events and a cut log; events below the threshold and a cut log; only
    # undatable lines; events below the threshold and undatable lines
    for kind in (("unknown", False, False, False), ("unknown", True, False, False),
                 ("unknown", False, True, True), ("unknown", True, True, True),
                 ("warning", True, False, False), ("ok", True, False, True)):
        assert kind in kinds, kind


# --- memory -------------------------------------------------------------------------------

def test_scan_memory_stays_bounded_on_a_large_stream():
    """1,000,000 lines streamed from a generator: peak traced memory stays small (counts and
    a few samples are kept, never the lines)."""
    import tracemalloc

    noise = b"Nov 20 10:00:00 db01 sshd[%d]: Accepted publickey for root from 10.1.2.3\n"
    events = (b"Nov 20 10:00:00 db01 kernel: blk_update_request: I/O error, dev sd%c, "
              b"sector 2048\n",
              b"Nov 20 10:00:00 db01 kernel: e1000e: eth%d NIC Link is Down\n",
              b"Nov 2x 10:00:00 db01 kernel: Out of memory: Killed process 9 (java%d)\n")

    def stream():
        """1000 blocks of an event line and 999 distinct noise lines (few allocations per
        line: tracemalloc makes each one slow)."""
        for block in range(1000):
            yield events[block % 3] % (97 + block % 26)
            for number in range(block * 1000 + 1, block * 1000 + 1000):
                yield noise % number

    counter = tally.EventCounter()
    stats = tally.SourceStats("messages", "file")
    parse = partial(parse_syslog_line, reference=NOW, tz=UTC)
    tracemalloc.start()
    try:
        tally.scan(stream(), parse, counter, stats, since=SINCE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stats.lines == 1_000_000
    assert stats.events > 0 and stats.undatable > 0
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


# --- messages -----------------------------------------------------------------------------

AREA_FILES = [
    COLLECTORS / "linux_errlog.py",
    *sorted((ROOT / "plugins" / "module_utils" / "weibao_inspection" / "parsers")
            .glob("*errlog*.py")),
    ROOT / "plugins" / "module_utils" / "weibao_inspection" / "rules" / "errlog.py",
]


def test_every_message_key_the_area_uses_is_in_the_catalogue():
    """Every msg("...") of the area's code names a key of the catalogue; keys built per class
    (f"errlog.{cls}.events") or per source status exist for every class and status."""
    messages = catalogue.MESSAGES
    seen = 0
    for path in AREA_FILES:
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r'msg\(\s*"([^"]+[^."])"', text):
            assert key in messages, f"{path.name}: {key}"
            seen += 1
        for template in re.findall(r'msg\(\s*f"([^"]+)"', text):
            assert template.count("{cls}") == 1, f"{path.name}: {template}"
            for cls in classes.CLASSES:
                assert template.format(cls=cls) in messages, (path.name, template, cls)
        for prefix in re.findall(r'msg\(\s*"([^"]+\.)"\s*\+', text):
            for status in ("read", "missing", "failed", "skipped"):
                assert prefix + status in messages, (path.name, prefix, status)
    assert seen > 40
    for cls in classes.CLASSES:
        assert f"errlog.{cls}" in catalogue.CHECKS, cls


# --- lines no class matched, with a fault keyword (errlog.unclassified) -------------------

FAULTS = """\
Nov  2 01:00:00 db01 java[9]: ERROR [pool-1] c.e.Client - request failed: connection reset
Nov  2 01:00:01 db01 systemd[1]: Failed to start Oracle Database Listener.
Nov  2 01:00:02 db01 sshd[77]: error: kex_exchange_identification: Connection reset by peer
Nov  2 01:00:03 db01 sudo: pam_unix(sudo:auth): authentication failure; logname=ops uid=1000
Nov  2 01:00:04 db01 su[78]: FAILED SU (to root) ops on pts/0
Nov  2 01:00:05 db01 kernel: EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro
Nov  2 01:00:06 db01 kernel: pcieport 0000:00:1c.0: AER: Corrected error received: 0000:00:1c.0
Nov  2 01:00:07 db01 chronyd[901]: Selected source 10.0.0.1
Nov  2 01:00:08 db01 kernel: message repeated 2 times: [ nfs: server n1 not responding, timed out]
"""


def test_unclassified_fault_lines_are_counted_and_shown_never_dropped():
    counter, stats = syslog_scan(FAULTS)
    got = {c: b.count for (cls, c), b in counter.buckets.items() if cls == "unclassified"}
    # the auth lines (sshd, sudo's pam line, su) and the mount option are not faults
    assert got == {"java": 1, "systemd": 1, "kernel": 3}
    findings = findings_for(counter, sources=[stats])
    kernel = [f for f in by_id(findings, "errlog.unclassified") if f["component"] == "kernel"][0]
    assert kernel["status"] == "warning"
    assert any("AER: Corrected error received" in line for line in kernel["evidence"])
    assert "fault keyword" in kernel["summary"]
    assert "含故障关键词" in kernel["translations"]["zh-CN"]["summary"]
    # no fault line at all: ok, and says so
    counter, stats = syslog_scan("Nov  2 01:00:07 db01 chronyd[901]: Selected source x\n")
    (finding,) = by_id(findings_for(counter, sources=[stats]), "errlog.unclassified")
    assert finding["status"] == "ok" and finding["summary"].startswith("No other line")


def test_unclassified_keeps_more_samples_bounded():
    text = "".join(f"Nov  2 01:{i:02d}:00 db01 app[1]: job {i} failed\n" for i in range(40))
    counter, stats = syslog_scan(text)
    bucket = counter.buckets[("unclassified", "app")]
    assert bucket.count == 40 and len(bucket.samples) == tally.UNCLASSIFIED_SAMPLES
    (finding,) = by_id(findings_for(counter, sources=[stats]), "errlog.unclassified")
    assert len(finding["evidence"]) <= 20 and finding["values"]["events"] == 40


def test_unclassified_fault_with_a_damaged_time_is_not_ok():
    counter, stats = syslog_scan("Nov 2x 01:00:00 db01 app[1]: backup failed\n")
    (finding,) = by_id(findings_for(counter, sources=[stats]), "errlog.unclassified")
    assert finding["status"] == "unknown" and finding["values"]["undatable_lines"] == 1


def test_auth_tags_and_benign_noise():
    assert classes.fault_event("sshd", "error: Could not get shadow information") is None
    assert classes.fault_event("kernel", "Kernel command line: ro panic=1") is None
    assert classes.fault_event("kernel", "ACPI Error: AE_NOT_FOUND (20190816)") is not None
    assert classes.fault_event("kernel", "usb 1-1: new high-speed USB device") is None
    assert classes.fault_event("app", "failover to node2 done") is None  # word-bounded


# --- hung tasks and lockups ---------------------------------------------------------------

def test_hung_task_warns_and_a_lockup_is_critical():
    counter, stats = syslog_scan(
        "Nov  2 01:00:00 db01 kernel: INFO: task jbd2/dm-0-8:1234 blocked for more than 120 "
        "seconds.\n"
        "Nov  2 01:05:00 db01 kernel: watchdog: BUG: soft lockup - CPU#3 stuck for 23s! "
        "[java:4321]\n")
    findings = findings_for(counter, sources=[stats])
    got = {f["component"]: f["status"] for f in by_id(findings, "errlog.hung_tasks")}
    assert got == {"jbd2/dm-0-8": "warning", "cpu": "critical"}


# --- dmesg without times ------------------------------------------------------------------

RAW_DMESG = (FIXTURES / "dmesg" / "debian12_raw.raw").read_text("utf-8").split("\n", 1)[1]


def test_dmesg_without_boot_time_and_a_window_is_unknown_incomplete():
    """Seconds since boot with no boot time: with a window, no line can be placed in it, so
    every check is unknown (cause incomplete), never ok; without one, every line counts."""
    parse_sources, evaluate = registry.area_functions("errlog")
    context = {"since": "2026-11-25T00:00:00Z", "now": "2026-11-26T00:00:00Z"}
    data = parse_sources({"dmesg": RAW_DMESG}, context)
    findings = evaluate(data, catalogue.merge_thresholds("errlog"), context)
    assert {(f["status"], f.get("cause")) for f in findings} == {("unknown", "incomplete")}
    oom = [f for f in by_id(findings, "errlog.oom_kill")][0]
    assert oom["component"] == "pytest" and oom["values"]["undatable_lines"] == 2
    assert "dmesg -T" in by_id(findings, "errlog.disk_io")[0]["recommendation"]
    assert "(no time)" in " ".join(oom["evidence"])
    # without a window: the whole output is judged
    context = {"since": None, "now": "2026-11-26T00:00:00Z"}
    data = parse_sources({"dmesg": RAW_DMESG}, context)
    findings = evaluate(data, catalogue.merge_thresholds("errlog"), context)
    assert status_of(findings, "errlog.oom_kill", "pytest") == ["warning"]
    assert status_of(findings, "errlog.disk_io") == ["ok"]
    # with the boot time the lines are placed: the OOM kill is after the window's start
    context = {"since": "2026-11-25T00:00:00Z", "now": "2026-11-26T00:00:00Z",
               "boot_time": "2026-11-25T06:01:00Z"}
    data = parse_sources({"dmesg": RAW_DMESG}, context)
    findings = evaluate(data, catalogue.merge_thresholds("errlog"), context)
    assert status_of(findings, "errlog.oom_kill", "pytest") == ["warning"]
    assert status_of(findings, "errlog.sources") == ["ok"]


def test_saved_syslog_classifies_as_the_collector_does(tmp_path):
    """The same lines through the collector (a file on the host) and through parse_sources
    (saved text) give the same buckets."""
    text = DISK_ERRORS + FAULTS + LOG
    log = write_log(tmp_path / "messages", text)
    findings, data = collect(log_files=[str(log)])
    parse_sources, _ = registry.area_functions("errlog")
    saved = parse_sources({"syslog": text}, {"since": "2026-10-20T00:00:00Z",
                                             "now": NOW.isoformat(), "tz": "UTC"})

    def buckets(d):
        return sorted((b["class"], b["component"], tuple(sorted(b["kinds"].items())),
                       b["undatable"]) for b in d["buckets"])

    assert buckets(saved) == buckets(data)
