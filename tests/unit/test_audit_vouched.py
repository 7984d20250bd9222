"""`weibao audit verify` checks the audit heads approvals and closings signed, not the chain alone.

A consistent rewrite of the whole log (an entry edited or dropped and every hash after it
recomputed) passes the chain check; the heads the approvals and closings signed are then gone
from the log, and verify says so. Real ssh-keygen keys, driven through the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import click
import pytest
import yaml
from change_env import ChangeEnv, Clock, live_window
from click.testing import CliRunner
from sqlalchemy import select

from weibao import cli as cli_mod
from weibao.audit import GENESIS, AuditLog, Entry, default_audit_path
from weibao.canonical import canonical_bytes, sha256_hex
from weibao.change.signoffs import sha256_text, signoffs_path
from weibao.signing import fingerprint, sign
from weibao.store import Signoff

CHANGE = "CR-2026-0001"


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


@pytest.fixture
def env(tmp_path, keys, monkeypatch):
    world = ChangeEnv(tmp_path, keys, Clock(dt.datetime.now(dt.UTC)))
    # the positions below count from the change's first entry: the log starts with it (the
    # client's vouching for its people, made at contract start, stays in people.vouched.yml)
    world.service.log.path.unlink()
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(world.content))
    monkeypatch.delenv("WEIBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("WEIBAO_LANG", "en")
    monkeypatch.chdir(tmp_path)
    yield world
    world.store.dispose()


def weibao(env: ChangeEnv, *args: str, data_dir: Path | None = None):
    return CliRunner().invoke(_main, ["--data-dir", str(data_dir or env.data_dir), *args],
                              catch_exceptions=False)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def approved(env: ChangeEnv) -> Path:
    """CR-2026-0001 submitted and approved through the command line (a refused approval by
    somebody without the role between the two: an entry to edit or drop before the approval)."""
    _, window = live_window()
    path = env.write(CHANGE, window=window)
    for args in (["submit", "--key", str(env.keys["wang.fang"])],
                 ["approve", "--key", str(env.keys["li.wei"])],  # refused: not an approver
                 ["approve", "--key", str(env.keys["chen.jing"])]):
        result = weibao(env, "change", args[0], str(path), *args[1:])
        assert result.exit_code == (3 if args[2].endswith("li.wei") else 0), result.output
    assert [e.action for e in log_entries(env)] == ["change.submit", "change.refused",
                                                   "change.approve"]
    return path


def log_entries(env: ChangeEnv) -> list[Entry]:
    return list(AuditLog(default_audit_path(env.data_dir)).entries())


def rewrite_consistently(env: ChangeEnv, entries: list[dict]) -> None:
    """Write ``entries`` as a whole new chain: seq, prev and hash recomputed the way audit.py
    computes them, so that the chain check alone finds nothing wrong."""
    prev, out = GENESIS, []
    for seq, entry in enumerate(entries, start=1):
        body = {k: v for k, v in entry.items() if k != "hash"}
        body.update(seq=seq, prev=prev)
        prev = sha256_hex(body)
        out.append(canonical_bytes({**body, "hash": prev}) + b"\n")
    default_audit_path(env.data_dir).write_bytes(b"".join(out))
    assert AuditLog(default_audit_path(env.data_dir)).verify().ok  # the chain alone: intact


def verify(env: ChangeEnv, *args: str, data_dir: Path | None = None):
    return weibao(env, *args, "audit", "verify", data_dir=data_dir)


# ----------------------------------------------------------------------------- intact


def test_a_closed_change_verifies_and_its_vouched_heads_are_counted(env):
    start, window = live_window()
    path = env.write(CHANGE, window=window)
    env.ready(path, start=start)  # submitted 25 h before the window, approved, attested
    run = weibao(env, "change", "run", str(path))
    assert run.exit_code == 0, run.output
    closed = weibao(env, "change", "close", str(path), "--key", str(env.keys["zhang.min"]),
                    "--outcome", "success", "--remaining", "none", "--evaluation", "ok")
    assert closed.exit_code == 0, closed.output
    entries = log_entries(env)
    assert [e.action for e in entries if e.action in ("change.approve", "change.close")] == [
        "change.approve", "change.close"]
    result = verify(env)
    assert result.exit_code == 0, result.output
    assert lines(result.output) == [
        f"audit log {default_audit_path(env.data_dir)}: {len(entries)} entries, chain intact "
        f"(head {entries[-1].hash})",
        "audit heads vouched for by approvals and closings: 2 checked (each signature good, "
        "each head an earlier entry of this chain)"]


def test_a_log_without_approvals_has_no_heads_to_check(env):
    _, window = live_window()
    path = env.write(CHANGE, window=window)
    assert weibao(env, "change", "submit", str(path), "--key",
                  str(env.keys["wang.fang"])).exit_code == 0
    result = verify(env)
    assert result.exit_code == 0, result.output
    assert "approvals and closings: 0 checked" in result.output


# ----------------------------------------------------------------------------- rewritten


@pytest.mark.parametrize("how", ["edit", "drop"])
def test_a_consistent_rewrite_before_the_approval_is_found(env, how):
    approved(env)
    entries = [e.as_dict() for e in log_entries(env)]
    approval = entries[2]
    head = approval["detail"]["audit_head"]
    assert head == entries[1]["hash"]  # the approval vouched for the refusal before it
    if how == "edit":
        entries[1]["detail"]["reason"] = "nothing was refused here"
    else:
        del entries[1]
    rewrite_consistently(env, entries)
    result = verify(env)
    assert result.exit_code == 1, result.output
    seq = 3 if how == "edit" else 2
    out = lines(result.output)
    assert out[0].endswith(")") and "chain intact" in out[0]  # the chain alone: nothing
    assert (f"entry {seq} (change.approve of {CHANGE} by chen.jing at {approval['time']}): "
            f"its signed audit head {head[:12]}... is not in the log: the log was rewritten "
            "after it was signed") in out
    # the store's row names the approval's old entry, which the new chain does not hold
    assert any(line.startswith(f"the approval of {CHANGE} by chen.jing at {approval['time']} "
                               "is not in the log: the store records it as entry 3 ")
               for line in out)
    assert out[-1].startswith("audit heads vouched for by approvals and closings: 0 checked "
                              "and good, ")
    zh = verify(env, "--lang", "zh-CN")
    assert zh.exit_code == 1
    assert f"其签名的审计链头 {head[:12]}... 不在日志中" in zh.output


def test_an_approval_dropped_from_the_end_of_the_log_is_found(env):
    path = approved(env)
    raw = env.audit_lines()
    approval = json.loads(raw[-1])
    env.service.log.path.write_bytes(b"".join(raw[:-1]))  # the last entry cut off: chain ok
    assert env.service.log.verify().ok
    result = verify(env)
    assert result.exit_code == 1, result.output
    out = lines(result.output)
    assert (f"the approval of {CHANGE} by chen.jing at {approval['time']} is not in the log: "
            f"the store records it as entry 3 ({approval['hash'][:12]}...), which the log does "
            "not hold") in out
    assert (f"the approval of {CHANGE} by chen.jing at {approval['time']} is not in the log: "
            f"the sign-off file {signoffs_path(path)} holds it") in out


def test_a_statement_changed_in_the_store_is_found(env):
    approved(env)
    with env.store.session() as s:
        row = s.scalars(select(Signoff).where(Signoff.act == "approve")).one()
        data = json.loads(row.statement)
        data["audit_head"] = "f" * 64
        row.statement = canonical_bytes(data).decode("utf-8")
        when = row.time.strftime("%Y-%m-%dT%H:%M:%SZ")
    result = verify(env)
    assert result.exit_code == 1, result.output
    assert (f"entry 3 (change.approve of {CHANGE} by chen.jing at {when}): the statement the "
            "store holds for it is not the one the log recorded (its sha256 differs): changed "
            "in the store") in lines(result.output)


def test_a_statement_removed_from_store_and_file_is_found(env):
    path = approved(env)
    with env.store.session() as s:
        s.delete(s.scalars(select(Signoff).where(Signoff.act == "approve")).one())
    file = signoffs_path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["signoffs"] = [r for r in data["signoffs"] if r["act"] != "approve"]
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = verify(env)
    assert result.exit_code == 1, result.output
    assert any(line.startswith("entry 3 (change.approve of ") and line.endswith(
        "its signed statement is neither in the store nor in a sign-off file: what it vouched "
        "for cannot be checked (removed, or never made through weibao)")
        for line in lines(result.output))


def test_a_rewrite_signed_again_with_a_key_of_nobody_is_found(env):
    """The attacker rewrites the log, signs the approval's statement again over the new head
    with a key of their own, and puts statement, signature and fingerprint everywhere: the
    signature is good and the head is in the chain, but the people file the approval was
    signed with gives that key to nobody."""
    path = approved(env)
    entries = [e.as_dict() for e in log_entries(env)]
    del entries[1]
    rewrite_consistently(env, entries[:1])
    new_head = log_entries(env)[0].hash
    approval = entries[1]
    data = json.loads(signoffs_record(path, "approve")["statement"])
    data["audit_head"] = new_head
    text = canonical_bytes(data).decode("utf-8")
    signature = sign(text.encode("utf-8"), env.keys["stranger"])
    approval["digests"].update(statement=sha256_text(text), signature=sha256_text(signature))
    approval["detail"].update(audit_head=new_head, fingerprint=fingerprint(signature))
    rewrite_consistently(env, entries)
    forged = log_entries(env)[1]
    with env.store.session() as s:
        row = s.scalars(select(Signoff).where(Signoff.act == "approve")).one()
        row.statement, row.signature, row.audit_head = text, signature, new_head
        row.fingerprint, row.audit_seq, row.audit_hash = (fingerprint(signature), forged.seq,
                                                          forged.hash)
    edit_signoff(path, "approve", statement=text, signature=signature, audit_head=new_head)
    result = verify(env)
    assert result.exit_code == 1, result.output
    assert (f"entry 2 (change.approve of {CHANGE} by chen.jing at {approval['time']}): its "
            f"signature was made with the key {fingerprint(signature)}, which the people file "
            f"{env.people} it was signed with gives to nobody") in lines(result.output)


def test_a_rewrite_that_edits_the_signed_head_without_signing_again_is_found(env):
    """The attacker puts the new head into the approval's statement everywhere (log digests,
    store, file) but cannot sign it again with the approver's key."""
    path = approved(env)
    entries = [e.as_dict() for e in log_entries(env)]
    del entries[1]
    rewrite_consistently(env, entries[:1])
    new_head = log_entries(env)[0].hash
    approval = entries[1]
    data = json.loads(signoffs_record(path, "approve")["statement"])
    data["audit_head"] = new_head
    text = canonical_bytes(data).decode("utf-8")
    approval["digests"]["statement"] = sha256_text(text)
    approval["detail"]["audit_head"] = new_head
    rewrite_consistently(env, entries)
    forged = log_entries(env)[1]
    with env.store.session() as s:
        row = s.scalars(select(Signoff).where(Signoff.act == "approve")).one()
        row.statement, row.audit_head = text, new_head
        row.audit_seq, row.audit_hash = forged.seq, forged.hash
    edit_signoff(path, "approve", statement=text, audit_head=new_head)
    result = verify(env)
    assert result.exit_code == 1, result.output
    [line] = [x for x in lines(result.output) if "does not verify" in x]
    assert line.startswith(f"entry 2 (change.approve of {CHANGE} by chen.jing at "
                           f"{approval['time']}): its signature does not verify over its "
                           "statement: ")
    assert "approvals and closings: 0 checked and good, 1 failures above" in result.output


def edit_signoff(path: Path, act: str, **values: str) -> None:
    file = signoffs_path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    for record in data["signoffs"]:
        if record["act"] == act:
            record.update(values)
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def signoffs_record(path: Path, act: str) -> dict:
    data = yaml.safe_load(signoffs_path(path).read_text(encoding="utf-8"))
    [record] = [r for r in data["signoffs"] if r["act"] == act]
    return record


# ----------------------------------------------------------------------------- what it cannot


def test_a_fresh_controller_checks_the_chain_and_says_what_it_could_not(env):
    approved(env)
    fresh = env.root / "fresh"
    (fresh / "audit").mkdir(parents=True)
    shutil.copy(default_audit_path(env.data_dir), fresh / "audit" / "audit.jsonl")
    result = verify(env, data_dir=fresh)
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    assert "chain intact" in out[0]
    assert out[1:] == [
        "audit heads vouched for by approvals and closings: 0 checked (each signature good, "
        "each head an earlier entry of this chain)",
        "approvals and closings not checked: 1: the store knows no change (a fresh "
        "controller?), so their signed statements were not found; run verify where the store "
        "is"]


def test_a_people_file_changed_since_is_said(env):
    approved(env)
    env.people.write_text(env.people.read_text(encoding="utf-8") + "# edited\n",
                          encoding="utf-8")
    result = verify(env)
    assert result.exit_code == 0, result.output
    assert ("signing keys not matched to their signer: 1: the people file signed with is gone "
            "or changed since; those keys were checked against the fingerprint recorded only"
            ) in lines(result.output)


def test_sign_offs_past_a_break_in_the_chain_are_left_to_the_chain_check(env):
    approved(env)
    raw = env.audit_lines()
    raw[1] = raw[1].replace(b"change.refused", b"change.refusal")  # entry 2 edited
    env.service.log.path.write_bytes(b"".join(raw))
    result = verify(env)
    assert result.exit_code == 1
    out = lines(result.output)
    assert "entry 2 is the first bad one" in out[0]
    assert out[1:] == ["1 entries before it are intact",
                       "audit heads vouched for by approvals and closings: 0 checked (each "
                       "signature good, each head an earlier entry of this chain)"]
