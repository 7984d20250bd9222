"""The error-log scanner's fast path against a naive reference (errlog_tally.scan).

The scanner prefilters blocks of lines, decodes, parses and classifies only the lines that
can hold an event, and reuses what classifying a whole line found for its message. The
naive reference here does none of that: every line is decoded and parsed, every message
(every unparsed line) goes through every rule of the table in order (no guard, no
prefilter), and every message no rule matched is searched for a fault keyword. On a mixed
corpus built from every error-log fixture (tests/unit/fixtures/linux/{dmesg,journalctl,
cat_var_log_messages}), each message also written as the other formats print it, both must
count the same: a prefilter or a shortcut that dropped (or changed) a line a class or the
fault-keyword check would count fails here.
"""

import io
import re
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection.parsers import errlog_classes as classes
from ansible.module_utils.weibao_inspection.parsers import errlog_tally as tally
from ansible.module_utils.weibao_inspection.parsers.linux_errlog import (
    decode,
    parse_dmesg_line,
    parse_iso_line,
    parse_iso_timestamp,
    parse_syslog_line,
)

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FOLDERS = ("dmesg", "journalctl", "cat_var_log_messages")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SINCE = datetime(2026, 10, 20, tzinfo=UTC)
BOOT = datetime(2026, 11, 1, tzinfo=UTC)

# --- the naive reference ------------------------------------------------------------------


def naive_class(text):
    """The first rule of the table whose pattern matches ``text`` (and names a component):
    every pattern is tried, whatever guards the text holds."""
    for rule in classes.RULES:
        match = rule.regex.search(text)
        if match is None:
            continue
        component = rule.component(match)
        if not component:
            continue
        kind = rule.kind(match) if callable(rule.kind) else rule.kind
        severity = rule.severity(match) if callable(rule.severity) else rule.severity
        weight = 1
        if rule.cls == "memory_ecc" and match.groupdict().get("n"):
            weight = max(int(match.group("n")), 1)
        return classes.Event(rule.cls, component, kind, severity, weight)
    return None


def naive_fault(tag, message):
    if classes.FAULT_RE.search(message) is None or tag in classes.AUTH_TAGS \
            or classes.BENIGN_RE.search(message):
        return None
    return classes.Event(classes.UNCLASSIFIED, tag or "kernel", "fault_keyword", "warning", 1)


def naive_record(tag, message):
    repeat = 1
    match = re.match(r"^message repeated (\d+) times: \[\s?(.*?)\s?\]\s*$", message)
    if match:
        repeat, message = int(match.group(1)), match.group(2)
    return naive_class(message) or naive_fault(tag, message), repeat


def naive_scan(lines, parse, since=None, until=None):
    """Every line decoded, parsed and classified; counted as the scanner documents."""
    counter = tally.EventCounter(3)
    stats = tally.SourceStats("naive", "file")
    last_bucket = last_event = None
    repeat_line = -1
    for number, raw in enumerate(lines, 1):
        line = decode(raw)
        record = parse(line)
        if record is None:
            # a login/session program's line is no fault, parsed or not
            event = naive_class(line) or (
                None if classes.AUTH_LINE_RE.search(raw) else naive_fault("(unparsed)", line))
            if event is not None and event.severity != "info":
                stats.undatable += 1
                counter.add_undatable(event, tally.UNDATABLE_MARK + line)
            continue
        when = record.time
        if when is not None and (since is not None and when < since
                                 or until is not None and when >= until):
            continue
        message = record.message
        repeated = re.match(r"^last message repeated (\d+) times?\b", message)
        if last_event is not None and repeat_line == number and repeated:
            count = int(repeated.group(1)) * last_event.weight
            counter.add_repeat(last_bucket, last_event.kind, last_event.severity, count)
            if last_event.severity != "info":
                stats.events += count
            repeat_line = number + 1
            continue
        event, repeat = naive_record(record.tag, message)
        if event is None:
            continue
        if when is None:
            if since is not None:
                if event.severity != "info":
                    stats.undatable += 1
                    counter.add_undatable(event, f"{tally.NO_TIME_MARK} {message}")
                continue
            stats.undated += 1
        sample = f"{tally.format_time(when) or tally.NO_TIME_MARK} {message}"
        last_bucket = counter.add(event, when, sample, repeat)
        last_event = event
        repeat_line = number + 1
        if event.severity != "info":
            stats.events += event.weight * repeat
    return counter, stats


def fast_scan(lines, parse, since=None, until=None, max_lines=None):
    counter = tally.EventCounter(3)
    stats = tally.SourceStats("fast", "file")
    tally.scan(iter(lines), parse, counter, stats, since=since, until=until,
               max_lines=max_lines)
    return counter, stats


def tallied(counter, stats):
    """Everything a scan counted: the buckets, whole, and the event counts."""
    buckets = {key: (dict(b.kinds), dict(b.critical), dict(b.info), b.first, b.last,
                     list(b.samples), b.last_sample, b.undatable)
               for key, b in counter.buckets.items()}
    return buckets, (stats.events, stats.undated, stats.undatable)


# --- the corpus ---------------------------------------------------------------------------


def fixture_lines():
    """(name, bytes lines without the provenance line) of every error-log fixture."""
    for folder in FOLDERS:
        for raw in sorted((FIXTURES / folder).glob("*.raw")):
            lines = io.BytesIO(raw.read_bytes()).readlines()[1:]
            yield f"{folder}/{raw.stem}", raw.with_suffix(".yml"), lines


def parser_of(folder, case):
    """The parser a fixture's own lines are read with (as test_errlog_parsers does, or as
    parse_sources reads its registry key)."""
    tz = UTC
    if case.get("parser") == "journal" or folder == "journalctl" and "parser" not in case:
        return partial(parse_iso_line, default_tz=tz) if case.get("parser") else \
            partial(parse_syslog_line, reference=NOW, tz=tz)
    if case.get("parser") == "syslog" or folder == "cat_var_log_messages":
        reference = parse_iso_timestamp(case["reference"]) if case.get("reference") else NOW
        return partial(parse_syslog_line, reference=reference, tz=tz)
    boot = case.get("boot_time")
    return partial(parse_dmesg_line, boot_time=parse_iso_timestamp(boot) if boot else BOOT,
                   default_tz=tz)


def messages():
    """Every fixture line's message (the line itself where it does not parse)."""
    seen = []
    for name, yml, lines in fixture_lines():
        parse = parser_of(name.split("/")[0], yaml.safe_load(yml.read_text("utf-8")))
        for raw in lines:
            line = decode(raw)
            record = parse(line)
            text = record.message if record is not None else line
            if text.strip() and text not in seen:
                seen.append(text)
    return seen


# Programs the messages are written as: the kernel, an application, a login program (no
# fault of the system), none.
TAGS = ("kernel", "app[42]", "sshd[77]", "systemd[1]", "")


def written(number, message):
    """One message as each format prints it -> {format: bytes line}."""
    when = SINCE + timedelta(days=1, seconds=613 * number)
    tag = TAGS[number % len(TAGS)]
    head = f"{tag}: " if tag else ""
    classic = f"{when:%b} {when.day:2d} {when:%H:%M:%S} db01 {head}{message}"
    if number % 7 == 3:
        classic = f"{when:%b} 3x {when:%H:%M:%S} db01 {head}{message}"  # damaged: unparsed
    elif number % 11 == 5:
        classic = (f"{when:%b} {when.day:2d} {when:%H:%M:%S} db01 {head}message repeated "
                   f"{2 + number % 3} times: [ {message}]")
    uptime = (when - BOOT).total_seconds()
    return {
        "syslog": classic,
        "rfc3339": f"{when:%Y-%m-%dT%H:%M:%S.%f}+00:00 db01 {head}{message}",
        "journal": f"{when:%Y-%m-%dT%H:%M:%S}+0000 db01 {head or 'kernel: '}{message}",
        "dmesg": f"[{uptime:12.6f}] {message}",
        "dmesg_ctime": f"[{when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}] {message}",
    }


PARSERS = {
    "syslog": partial(parse_syslog_line, reference=NOW, tz=UTC),
    "rfc3339": partial(parse_syslog_line, reference=NOW, tz=UTC),
    "journal": partial(parse_iso_line, default_tz=UTC),
    "dmesg": partial(parse_dmesg_line, boot_time=BOOT, default_tz=UTC),
    "dmesg_ctime": partial(parse_dmesg_line, default_tz=UTC),
    "dmesg_untimed": partial(parse_dmesg_line, default_tz=UTC),  # raw dmesg, no boot time
}


def corpus():
    """{format: bytes lines}: every fixture message written as each format prints it, a
    'last message repeated' line after every fifth, plus each fixture's own lines."""
    out = {name: [] for name in PARSERS}
    for number, message in enumerate(messages()):
        for fmt, line in written(number, message).items():
            out[fmt].append(line.encode("utf-8", "replace") + b"\n")
            if fmt == "dmesg":
                out["dmesg_untimed"].append(out[fmt][-1])
            if fmt == "syslog" and number % 5 == 0:
                out[fmt].append(line.split(" db01 ")[0].encode() + b" db01 last message "
                                b"repeated 3 times\n")
    return out


CORPUS = corpus()
OWN = [pytest.param(lines, parser_of(name.split("/")[0], yaml.safe_load(
    yml.read_text("utf-8"))), id=name) for name, yml, lines in fixture_lines()]


def test_the_corpus_holds_every_class_and_every_kind_of_line():
    counter, _ = naive_scan(CORPUS["syslog"], PARSERS["syslog"])
    assert {cls for cls, _ in counter.buckets} == set(classes.CLASSES) | {classes.UNCLASSIFIED}
    assert sum(len(lines) for lines in CORPUS.values()) > 3000


@pytest.mark.parametrize("fmt", list(CORPUS))
@pytest.mark.parametrize("window", [(None, None), (SINCE, None), (SINCE + timedelta(days=3),
                                                                    NOW)])
def test_fast_path_counts_what_the_naive_reference_counts(fmt, window):
    lines, parse = CORPUS[fmt], PARSERS[fmt]
    since, until = window
    assert tallied(*fast_scan(lines, parse, since, until)) == \
        tallied(*naive_scan(lines, parse, since, until))


@pytest.mark.parametrize("fmt", list(CORPUS))
def test_fast_path_line_by_line(fmt):
    """Each line alone: the same event (a precise message when the corpus test fails)."""
    parse = PARSERS[fmt]
    for raw in CORPUS[fmt]:
        fast, naive = tallied(*fast_scan([raw], parse)), tallied(*naive_scan([raw], parse))
        assert fast == naive, raw


@pytest.mark.parametrize("lines,parse", OWN)
def test_fast_path_on_each_fixture_as_it_is(lines, parse):
    for since in (None, SINCE):
        assert tallied(*fast_scan(lines, parse, since)) == \
            tallied(*naive_scan(lines, parse, since))


def test_block_boundaries_change_nothing(monkeypatch):
    """Blocks of one line, of a few lines, of a few bytes: lines are found in the block the
    same way, repeat lines are followed across blocks."""
    lines, parse = CORPUS["syslog"], PARSERS["syslog"]
    want = tallied(*naive_scan(lines, parse, SINCE))
    read = fast_scan(lines, parse, SINCE)[1].as_dict()
    assert read["lines"] == len(lines) and read["first_time"]
    for block_lines, block_bytes in ((1, 1), (3, 200), (64, 1), (7, 1 << 20)):
        monkeypatch.setattr(tally, "SCAN_BLOCK_LINES", block_lines)
        monkeypatch.setattr(tally, "SCAN_BLOCK_BYTES", block_bytes)
        counter, stats = fast_scan(lines, parse, SINCE)
        assert tallied(counter, stats) == want, (block_lines, block_bytes)
        assert stats.as_dict() == read, (block_lines, block_bytes)


def test_lines_without_line_ends():
    """Lines given without their line end (a keyword may then run across two joined lines
    of a block) and a long line cut in pieces count as the naive way counts them."""
    lines = [raw.rstrip(b"\n") for raw in CORPUS["syslog"]]
    long = b"Nov  2 01:00:00 db01 kernel: " + b"xy " * 23000 + b" ata1: hard resetting link\n"
    pieces = list(tally.iter_lines(io.BytesIO(long)))
    assert [len(p) for p in pieces] == [tally.MAX_LINE_BYTES, len(long) - tally.MAX_LINE_BYTES]
    lines[10:10] = pieces + [b"EDA", b"C MC0: 1 CE memory read error on DIMM_A1 (x"]
    parse = PARSERS["syslog"]
    assert tallied(*fast_scan(lines, parse)) == tallied(*naive_scan(lines, parse))


def test_max_lines_counts_the_first_lines_only():
    lines, parse = CORPUS["syslog"], PARSERS["syslog"]
    assert len(lines) > 300
    for cap in (1, 20, 21, 64, 65, 300, len(lines) - 1, len(lines)):
        counter, stats = fast_scan(lines, parse, max_lines=cap)
        assert tallied(counter, stats) == tallied(*naive_scan(lines[:cap], parse)), cap
        assert stats.lines == cap and stats.truncated == (cap < len(lines))


def test_max_lines_right_after_a_counted_line():
    """The cap reached right after an event line: the scan stops (it once looked at a line
    of an empty block)."""
    line = b"Nov  2 01:00:00 db01 kernel: ata1: hard resetting link\n"
    for cap in (1, 20, 64):
        counter, stats = fast_scan([line] * (cap + 5), PARSERS["syslog"], max_lines=cap)
        assert counter.total() == cap and stats.truncated


def test_a_read_error_is_raised_after_the_lines_read_before_it():
    lines, parse = CORPUS["syslog"], PARSERS["syslog"]
    for good in (0, 5, 20, 100, 1000):
        def broken(good=good):
            yield from islice(lines, good)
            raise OSError(5, "Input/output error")

        counter, stats = tally.EventCounter(3), tally.SourceStats("x", "file")
        with pytest.raises(OSError):
            tally.scan(broken(), parse, counter, stats)
        assert tallied(counter, stats)[0] == tallied(*naive_scan(lines[:good], parse))[0]


# --- what the shortcuts rest on ------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(CORPUS))
def test_a_message_is_the_end_of_its_line_after_a_non_word_character(fmt):
    """The scanner classifies a whole line before parsing it: every parser returns as
    message the end of the line, and the character before it is no word character."""
    for raw in CORPUS[fmt]:
        line = decode(raw)
        record = PARSERS[fmt](line)
        if record is None or not record.message:
            continue
        assert line.endswith(record.message), line
        cut = len(line) - len(record.message)
        assert cut == 0 or not re.match(r"\w", line[cut - 1]), line


def test_rules_never_look_behind_their_match():
    """The scanner takes a message's class from its whole line's when the line's matches
    start inside the message: no rule pattern may look before where it matches (a word
    boundary is checked against the character before the message)."""
    for rule in classes.RULES:
        pattern = rule.regex.pattern
        assert "(?<" not in pattern and "\\A" not in pattern, pattern
        assert not re.search(r"(?<!\\)(?<!\[)\^", pattern), pattern
        assert not rule.regex.flags & (re.MULTILINE | re.DOTALL), pattern
    for pattern in (classes.FAULT_RE.pattern, classes.PREFILTER.pattern.decode()):
        assert "(?<" not in pattern and "^" not in pattern


def test_every_benign_branch_holds_a_hint():
    """is_benign() searches BENIGN_RE only where one of BENIGN_HINTS is: every top-level
    branch of every benign pattern holds one, word for word."""
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as parser

    def literal_runs(items):
        runs, run = [], ""
        for op, value in items:
            if op is parser.LITERAL:
                run += chr(value)
            elif op is parser.AT:
                continue  # \b: zero width, between the same characters
            else:
                runs.append(run)
                run = ""
        return runs + [run]

    for pattern in classes._BENIGN_PATTERNS:
        tree = parser.parse(pattern)
        items = list(tree)
        branches = items[0][1][1] if len(items) == 1 and items[0][0] is parser.BRANCH \
            else [items]
        for branch in branches:
            runs = literal_runs(list(branch))
            assert any(hint in run for run in runs for hint in classes.BENIGN_HINTS), \
                (pattern, runs)


def test_interface_leads_start_the_search_early_enough():
    """A rule with a lead searches from at most lead[1] characters before the lead's text:
    the longest interface name (15 characters, of a longer word the last 15) is found as
    when the search starts at the beginning."""
    led = {rule.lead[0] for rule in classes.RULES if rule.lead}
    assert led == {"NIC Link is ", "Link ", "NIC ", "link "}
    for name in ("abcdefghijklmno", "xabcdefghijklmno", "e"):
        for message in (
                f"e1000e 0000:00:19.0 {name}: NIC Link is Down",
                f"e1000e: {name} NIC Link is Up 1000 Mbps Full Duplex",
                f"mlx4_en: {name}: Link Down",
                f"bnx2 0000:01:00.0 {name}: NIC Copper Link is Down",
                f"r8169 0000:02:00.0 {name}: link down"):
            event = classes.classify(message)
            assert event == naive_class(message), message
            assert event.component == name[-15:], message


def test_a_repeated_message_that_a_pattern_ends_with_is_counted():
    """rsyslog's "message repeated N times: [ ... ]" around a message matched up to its end
    (mlx4 "Link Down", smartpqi "controller offline"): the whole line does not match (the
    bracket), the message does."""
    text = ("Nov  2 01:00:00 db01 kernel: message repeated 2 times: [ mlx4_en: eth2: Link "
            "Down]\nNov  2 01:00:01 db01 kernel: message repeated 3 times: [ smartpqi "
            "0000:3b:00.0: controller offline]\n")
    lines = io.BytesIO(text.encode()).readlines()
    counter, _ = fast_scan(lines, PARSERS["syslog"])
    assert counter.buckets[("nic_link", "eth2")].count == 2
    assert counter.buckets[("storage_transport", "smartpqi 0000:3b:00.0")].count == 3


def test_the_anchored_fault_scan_finds_the_lines_the_stems_are_in():
    """FAULT_SCAN (each stem from its least frequent letter) holds a match in exactly the
    texts FAULT_PREFILTER does, at most FAULT_SCAN_REACH characters after the first stem."""
    import random

    rng = random.Random(7)
    texts = [raw.lower() for lines in CORPUS.values() for raw in lines]
    for _ in range(20000):
        text = "".join(rng.choice("abcdefilmnoprstu/- ") for _ in range(rng.randint(0, 12)))
        stem = rng.choice(classes.FAULT_STEMS)
        at = rng.randint(0, len(text))
        texts.append((text[:at] + stem[:rng.randint(1, len(stem))] + text[at:]).encode())
    for text in texts:
        stem, scan = classes.FAULT_PREFILTER.search(text), classes.FAULT_SCAN.search(text)
        assert (stem is None) == (scan is None), text
        if stem is not None:
            assert stem.start() <= scan.start() <= stem.start() + classes.FAULT_SCAN_REACH
    assert classes.anchored_pattern(["abort", "i/o"]) == ("/(?:(?<=i/)o)|b(?:(?<=ab)ort)", 1)
