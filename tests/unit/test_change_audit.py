"""The hash-chained audit log: appending, every kind of tampering, concurrency, the clock."""

import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from weibao import audit
from weibao.audit import (
    GENESIS,
    AuditLog,
    BrokenChain,
    TimeOrderError,
    default_audit_path,
    verify_head_in_chain,
)
from weibao.canonical import canonical_bytes
from weibao.errors import StoreError

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
DIGEST = hashlib.sha256(b"request").hexdigest()


def filled(tmp_path, count=6):
    log = AuditLog(default_audit_path(tmp_path))
    for i in range(count):
        log.append("zhang.san", "change.submit", f"CR-{i % 2}", digests={"request": DIGEST},
                   detail={"step": i, "说明": "更换硬盘"}, now=T0 + timedelta(minutes=i))
    return log


def lines(log):
    return log.path.read_bytes().splitlines(keepends=True)


def rewrite(log, new_lines):
    log.path.write_bytes(b"".join(new_lines))


def entry_line(entry: dict) -> bytes:
    return canonical_bytes(entry) + b"\n"


def rehash(entry: dict) -> dict:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return {**body, "hash": hashlib.sha256(canonical_bytes(body)).hexdigest()}


def assert_broken_at(log, seq, words):
    result = log.verify()
    assert not result.ok
    assert result.first_bad_seq == seq
    assert result.count == seq - 1
    assert words in result.reason
    assert str(log.path) in result.reason
    assert "\n" not in result.reason
    return result


# ----------------------------------------------------------------------------- canonical JSON


def test_canonical_bytes_are_sorted_compact_utf8():
    assert canonical_bytes({"b": [1, 2.5, None], "a": {"名": "张三", "z": True}}) == (
        '{"a":{"z":true,"名":"张三"},"b":[1,2.5,null]}'.encode())
    assert canonical_bytes({"b": 1, "a": 2}) == canonical_bytes({"a": 2, "b": 1})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "\ud800", {1, 2}, b"bytes"])
def test_canonical_bytes_refuse_what_is_not_plain_json(bad):
    with pytest.raises((ValueError, TypeError)):
        canonical_bytes({"x": bad})


# ----------------------------------------------------------------------------- appending


def test_append_and_verify(tmp_path):
    log = filled(tmp_path)
    assert log.path == tmp_path / "audit" / "audit.jsonl"
    result = log.verify()
    assert result.ok and result.count == 6 and result.first_bad_seq is None
    assert result.reason == ""
    entries = list(log.entries())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev == before.hash
    for entry, raw in zip(entries, lines(log), strict=True):
        assert raw == canonical_bytes(entry.as_dict()) + b"\n"
        assert entry.hash == hashlib.sha256(canonical_bytes(entry.body())).hexdigest()
    assert result.head == log.head() == entries[-1].hash
    assert entries[2].detail == {"step": 2, "说明": "更换硬盘"}
    assert "更换硬盘".encode() in lines(log)[2]  # readable, not \\u-escaped


def test_append_returns_the_entry_written(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    entry = log.append("wang.wu", "change.approve", "CR-7", digests={"request": DIGEST},
                       detail={"head": GENESIS}, now=T0)
    assert entry.as_dict() == json.loads(log.path.read_text())
    assert (entry.seq, entry.actor, entry.action, entry.change_id) == (1, "wang.wu",
                                                                      "change.approve", "CR-7")


def test_empty_or_missing_log(tmp_path):
    log = AuditLog(tmp_path / "none" / "audit.jsonl")
    assert log.head() == GENESIS
    assert list(log.entries()) == []
    assert log.verify().ok and log.verify().count == 0
    assert not log.path.exists()


def test_entries_of_one_change_stream(tmp_path):
    log = filled(tmp_path)
    stream = log.entries("CR-1")
    assert iter(stream) is stream
    assert [e.seq for e in stream] == [2, 4, 6]


def test_entries_raise_at_the_first_bad_line_after_the_good_ones(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw[3] = b"garbage\n"
    rewrite(log, raw)
    seen = []
    with pytest.raises(BrokenChain) as err:
        for entry in log.entries():
            seen.append(entry.seq)
    assert seen == [1, 2, 3]
    assert err.value.seq == 4 and err.value.line == 4


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (dict(actor=""), "actor"),
        (dict(action="Change Submit"), "action"),
        (dict(digests={"request": "abc"}), "digests: request"),
        (dict(digests={"request": DIGEST.upper()}), "digests: request"),
        (dict(detail={"x": float("nan")}), "Out of range float"),
        (dict(detail=["not", "a", "mapping"]), "detail"),
        (dict(change_id=""), "change_id"),
    ],
)
def test_bad_append_arguments_write_nothing(tmp_path, kwargs, words):
    log = AuditLog(tmp_path / "a.jsonl")
    args = dict(actor="a", action="change.submit", change_id="CR-1", now=T0) | kwargs
    with pytest.raises(ValueError, match=words):
        log.append(**args)
    assert not log.path.exists()


# ----------------------------------------------------------------------------- tampering


def test_edited_field_names_its_entry(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw[2] = raw[2].replace(b'"actor":"zhang.san"', b'"actor":"wang.wu.x"')
    rewrite(log, raw)
    assert_broken_at(log, 3, "its hash does not match its contents")


def test_edited_entry_with_recomputed_hash_breaks_at_the_next_prev(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    entry = json.loads(raw[2])
    entry["detail"]["说明"] = "没有更换硬盘"
    raw[2] = entry_line(rehash(entry))
    rewrite(log, raw)
    assert_broken_at(log, 4, "does not chain to the entry before it")


def test_deleted_entry(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    del raw[2]
    rewrite(log, raw)
    assert_broken_at(log, 3, "found entry 4 here")


def test_deleted_entry_renumbered_still_breaks(tmp_path):
    log = filled(tmp_path)
    raw = [json.loads(r) for r in lines(log)]
    del raw[2]
    for entry in raw[2:]:
        entry["seq"] -= 1
    rewrite(log, [entry_line(rehash(e)) for e in raw])
    assert_broken_at(log, 3, "does not chain")


def test_inserted_copy(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw.insert(2, raw[1])
    rewrite(log, raw)
    assert_broken_at(log, 3, "found entry 2 here")


def test_inserted_forgery_with_a_valid_hash_breaks_at_the_entry_after_it(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    forged = rehash({**json.loads(raw[2]), "action": "change.approve", "actor": "wang.wu"})
    raw.insert(2, entry_line(forged))
    rewrite(log, raw)
    assert_broken_at(log, 4, "found entry 3 here")


def test_reordered_entries(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw[2], raw[3] = raw[3], raw[2]
    rewrite(log, raw)
    assert_broken_at(log, 3, "found entry 4 here")


def test_truncated_last_line(tmp_path):
    log = filled(tmp_path)
    fifth = json.loads(lines(log)[4])["hash"]
    data = log.path.read_bytes()
    log.path.write_bytes(data[:-40])
    result = assert_broken_at(log, 6, "the last line is cut short")
    assert result.line == 6
    assert result.head == fifth  # the last entry still proven


def test_missing_final_newline_counts_as_cut_short(tmp_path):
    log = filled(tmp_path)
    log.path.write_bytes(log.path.read_bytes()[:-1])
    assert_broken_at(log, 6, "cut short")


@pytest.mark.parametrize(
    ("garbage", "words"),
    [
        (b"\n", "not a JSON object"),
        (b"hello world\n", "not a JSON object"),
        (b"[1, 2]\n", "not a JSON object"),
        (b"\xff\xfe\n", "not a JSON object"),
        (b'{"seq": 7}\n', "not an audit entry: fields"),
    ],
)
def test_garbage_line_appended(tmp_path, garbage, words):
    log = filled(tmp_path)
    with open(log.path, "ab") as fh:
        fh.write(garbage)
    assert_broken_at(log, 7, words)


def test_garbage_line_in_the_middle(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw.insert(1, b"# a comment someone added\n")
    rewrite(log, raw)
    assert_broken_at(log, 2, "not a JSON object")


def test_respaced_line_is_not_canonical(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw[1] = json.dumps(json.loads(raw[1]), ensure_ascii=False, sort_keys=True).encode() + b"\n"
    rewrite(log, raw)
    assert_broken_at(log, 2, "not in the canonical form")


def test_duplicate_json_key_trick_is_caught(tmp_path):
    # a reader grepping the file sees "zhang.san"; json.loads would keep the second value
    log = filled(tmp_path)
    raw = lines(log)
    raw[1] = raw[1].replace(b'{"action"', b'{"actor":"someone.else","action"', 1)
    rewrite(log, raw)
    assert_broken_at(log, 2, "not in the canonical form")


def test_wrong_types_are_named(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    entry = json.loads(raw[1])
    entry["seq"] = "2"
    entry["time"] = "yesterday"
    raw[1] = entry_line(entry)
    rewrite(log, raw)
    assert_broken_at(log, 2, "not an audit entry: bad seq, time")


def test_append_refuses_a_broken_chain_and_writes_nothing(tmp_path):
    log = filled(tmp_path)
    raw = lines(log)
    raw[1] = raw[1].replace(b'"step":1', b'"step":9')
    rewrite(log, raw)
    before = log.path.read_bytes()
    with pytest.raises(BrokenChain) as err:
        log.append("li.si", "change.close", "CR-1", now=T0)
    assert err.value.seq == 2
    assert log.path.read_bytes() == before
    with pytest.raises(BrokenChain):
        log.head()


# ----------------------------------------------------------------------------- signed heads


def test_signed_head_survives_appends_but_not_a_rewrite(tmp_path):
    log = filled(tmp_path, 4)
    approved_head = log.head()  # what an approval signs
    log.append("li.si", "change.run", "CR-1", now=T0 + timedelta(hours=1))
    assert verify_head_in_chain(log, approved_head)
    assert verify_head_in_chain(log, GENESIS)
    assert not verify_head_in_chain(log, "f" * 64)

    # rewrite history properly: drop entry 2, renumber and re-hash everything after it;
    # the chain is valid again, but the head that was signed is gone
    raw = [json.loads(r) for r in lines(log)]
    del raw[1]
    prev = GENESIS
    rebuilt = []
    for seq, entry in enumerate(raw, start=1):
        entry = rehash({**entry, "seq": seq, "prev": prev})
        prev = entry["hash"]
        rebuilt.append(entry_line(entry))
    rewrite(log, rebuilt)
    assert log.verify().ok
    assert not verify_head_in_chain(log, approved_head)


def test_dropping_the_last_entries_is_shown_by_the_signed_head(tmp_path):
    log = filled(tmp_path, 5)
    closing_head = log.head()
    rewrite(log, lines(log)[:-1])
    assert log.verify().ok  # the chain alone cannot tell
    assert not verify_head_in_chain(log, closing_head)


def test_head_behind_a_broken_entry_is_not_vouched_for(tmp_path):
    log = filled(tmp_path, 5)
    head_at_4 = list(log.entries())[3].hash
    raw = lines(log)
    raw[1] = raw[1].replace(b'"step":1', b'"step":7')
    rewrite(log, raw)
    assert not verify_head_in_chain(log, head_at_4)


# ----------------------------------------------------------------------------- clock


def test_injected_clock_is_recorded_in_utc(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    shanghai = datetime(2026, 11, 3, 16, 0, 5, 999, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert log.append("a", "change.new", "CR-1", now=shanghai).time == "2026-11-03T08:00:05Z"
    minus = datetime(2026, 11, 3, 1, 0, 6, tzinfo=timezone(timedelta(hours=-7)))
    assert log.append("a", "change.new", "CR-1", now=minus).time == "2026-11-03T08:00:06Z"
    with pytest.raises(ValueError, match="naive"):
        log.append("a", "change.new", "CR-1", now=datetime(2026, 11, 3, 8, 0))
    assert log.verify().count == 2


def test_an_entry_earlier_than_the_one_before_is_refused(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    log.append("a", "change.submit", "CR-1", now=T0)
    before = log.path.read_bytes()
    with pytest.raises(TimeOrderError) as err:
        log.append("a", "change.approve", "CR-1", now=T0 - timedelta(minutes=5, seconds=1))
    assert err.value.exit_code == 3
    message = err.value.render()
    assert ("2026-11-03T07:54:59Z, is more than 5 minutes earlier than the last entry's "
            "(1, 2026-11-03T08:00:00Z)") in message and "\n" not in message
    assert log.path.read_bytes() == before  # nothing written
    with pytest.raises(TimeOrderError):
        log.check_time(T0 - timedelta(hours=1))
    log.check_time(T0)
    assert log.append("a", "change.approve", "CR-1", now=T0).seq == 2  # the same second is fine
    assert log.verify().ok


def test_two_people_signing_at_once_may_append_out_of_order_by_minutes(tmp_path):
    """Operator and recorder attest together: each reads the clock, signs (a passphrase
    prompt), then appends; the one who read the clock first may append second."""
    log = AuditLog(tmp_path / "a.jsonl")
    log.append("li.si", "change.attest", "CR-1", now=T0 + timedelta(minutes=3))
    log.check_time(T0)
    assert log.append("zhang.san", "change.attest", "CR-1", now=T0).seq == 2
    assert log.verify().ok


def test_backdated_entry_written_by_hand_is_the_first_bad_one(tmp_path):
    log = filled(tmp_path, 5)
    raw = [json.loads(r) for r in lines(log)]
    raw[2]["time"] = "2026-11-03T07:00:00Z"  # entry 3 backdated, the chain rebuilt after it
    prev = raw[1]["hash"]
    for entry in raw[2:]:
        entry["prev"] = prev
        entry.update(rehash(entry))
        prev = entry["hash"]
    rewrite(log, [entry_line(e) for e in raw])
    result = assert_broken_at(log, 3, "its time 2026-11-03T07:00:00Z is more than 5 minutes "
                                      "earlier than the entry before it (2026-11-03T08:01:00Z)")
    assert result.line == 3


def test_default_clock_is_now(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    before = datetime.now(UTC).replace(microsecond=0)
    entry = log.append("a", "change.new", None)
    stamp = datetime.strptime(entry.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC)
    assert entry.change_id is None


# ----------------------------------------------------------------------------- writing


def test_failed_write_leaves_no_half_line(tmp_path, monkeypatch):
    log = filled(tmp_path, 3)
    before = log.path.read_bytes()
    real_write = os.write

    def half_then_fail(fd, data):
        real_write(fd, bytes(data[:10]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit.os, "write", half_then_fail)
    with pytest.raises(StoreError, match="cannot be written: No space left on device"):
        log.append("a", "change.run", "CR-1", now=T0 + timedelta(hours=1))
    monkeypatch.undo()
    assert log.path.read_bytes() == before
    assert log.append("a", "change.run", "CR-1", now=T0 + timedelta(hours=1)).seq == 4
    assert log.verify().ok


def test_unwritable_place_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot be opened for appending"):
        AuditLog(blocker / "audit.jsonl").append("a", "change.new", "CR-1", now=T0)


APPENDER = """
import os, sys, time
from weibao.audit import AuditLog
path, actor, go = sys.argv[1:4]
while not os.path.exists(go):
    time.sleep(0.001)
log = AuditLog(path)
for i in range(50):
    log.append(actor, "test.append", "CR-1", detail={"i": i})
"""


def test_two_processes_appending_at_once_keep_one_valid_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), actor, str(go)])
             for actor in ("proc.a", "proc.b")]
    time.sleep(0.3)  # both interpreters started and waiting
    go.touch()
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    log = AuditLog(path)
    result = log.verify()
    assert result.ok, result.reason
    assert result.count == 100
    entries = list(log.entries())
    for actor in ("proc.a", "proc.b"):
        assert [e.detail["i"] for e in entries if e.actor == actor] == list(range(50))
    assert len(path.read_bytes().splitlines()) == 100
    actors = [e.actor for e in entries]
    assert any(x != y for x, y in zip(actors, actors[1:], strict=False))  # they did overlap
