"""Sign-offs: who may sign what (decided by the key), the .signoffs.yml file, and tampering
with it or with the audit log (real ssh-keygen keys made by the tests)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from change_env import IN_WINDOW, WINDOW_START, ChangeEnv

from weibao.audit import GENESIS, TimeOrderError
from weibao.canonical import canonical_bytes, sha256_hex
from weibao.change.people import allowed_signers, load_people
from weibao.change.playbook import playbook_digest
from weibao.change.refusal import Refusal
from weibao.change.request import load_request
from weibao.change.signoffs import (
    Record,
    append_signoff,
    key_owner,
    public_key_of,
    read_signoffs,
    signoffs_path,
    statement,
)
from weibao.errors import ConfigError
from weibao.signing import NAMESPACE, sign
from weibao.store import Change, Signoff

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def env(change_world):
    return change_world(WINDOW_START - 25 * HOUR)


def signatures_refused(env: ChangeEnv, path) -> str:
    env.at(IN_WINDOW)
    with pytest.raises(Refusal) as err:
        env.service.run(path)
    assert err.value.rule == "signatures", err.value.render()
    return err.value.render()


def rewrite_signoffs(path, change) -> None:
    file = signoffs_path(path)
    data = yaml.safe_load(file.read_text())
    change(data["signoffs"])
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9))


# ----------------------------------------------------------------------------- the file


def test_signoffs_file_sits_next_to_the_request(tmp_path):
    assert signoffs_path(tmp_path / "CR-2026-0001.yml") == tmp_path / "CR-2026-0001.signoffs.yml"
    assert signoffs_path("c/CR-2026-0001.yaml").as_posix() == "c/CR-2026-0001.signoffs.yml"


def test_submission_is_signed_recorded_audited_and_stored(env):
    path = env.write()
    record = env.submit(path)
    request = load_request(path)
    data = json.loads(record.statement)
    assert data == {"change_id": "CR-2026-0001", "act": "submit",
                    "request_digest": request.digest, "signer": "wang.fang",
                    "time": "2026-03-06T13:00:00Z",
                    "people_sha256": hashlib.sha256(env.people.read_bytes()).hexdigest(),
                    "playbook_digest": playbook_digest(request),
                    # the targets as resolved now, and every site setting a rule reads
                    "targets": {"inventory": str(env.inventory), "limit": "web",
                                "hosts": ["web01"]},
                    "site": {"name": "lab", "timezone": data["site"]["timezone"],
                             "change_lead_time_hours": 24,
                             "attest_before_window_minutes": 60,
                             "backup_max_age_days": 7,
                             # the fingerprint of the client's trust anchor
                             "client_anchor": data["site"]["client_anchor"]}}
    assert data["site"]["client_anchor"].startswith("SHA256:")
    assert record.statement == canonical_bytes(data).decode()
    # the file, human-readable, holds exactly that
    assert read_signoffs(path, "CR-2026-0001") == [record]
    text = signoffs_path(path).read_text()
    assert "person: wang.fang" in text and "-----BEGIN SSH SIGNATURE-----" in text
    # audit entry with the digests
    entry = list(env.service.log.entries("CR-2026-0001"))[-1]
    assert entry.action == "change.submit" and entry.actor == "wang.fang"
    assert entry.detail["people_sha256"] == data["people_sha256"]
    assert entry.detail["people_file"] == str(env.people)
    assert entry.detail["playbook_digest"] == data["playbook_digest"]
    assert entry.detail["playbook_files"] == {
        "playbooks/change_test.yml": hashlib.sha256(
            (env.content / "playbooks" / "change_test.yml").read_bytes()).hexdigest()}
    assert entry.time == record.time
    assert entry.digests == {"request": request.digest, "statement": record.statement_digest,
                             "signature": record.signature_digest}
    # store
    with env.store.session() as s:
        change = s.get(Change, "CR-2026-0001")
        assert change.state == "submitted" and change.requester == "wang.fang"
        assert change.submitted_at == env.clock.now
        row = s.query(Signoff).one()
        assert (row.act, row.person, row.audit_seq) == ("submit", "wang.fang", entry.seq)


def test_ssh_keygen_alone_verifies_a_signoff(env, tmp_path):
    path = env.write()
    record = env.submit(path)
    people = load_people(env.people)
    (tmp_path / "allowed").write_text(allowed_signers(people))
    (tmp_path / "sig").write_text(record.signature)
    result = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed"),
                             "-I", "wang.fang", "-n", NAMESPACE, "-s", str(tmp_path / "sig")],
                            input=record.statement.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr


def test_approval_and_closing_sign_the_audit_chain_head(env):
    path = env.write()
    env.submit(path)
    head = env.service.log.head()
    env.at(WINDOW_START - 2 * HOUR)
    approval = env.approve(path)
    assert json.loads(approval.statement)["audit_head"] == head == approval.audit_head
    assert "audit_head" not in json.loads(env.at(IN_WINDOW).attest(path, "operator").statement)
    assert read_signoffs(path, "CR-2026-0001")[1].audit_head == head


def test_round_trip_of_chinese_text_and_block_signatures(env):
    path = env.write()
    env.submit(path)
    request = load_request(path)
    text = statement("CR-2026-0001", "close", request.digest, "zhang.min",
                     "2026-03-07T15:00:00Z", audit_head=GENESIS,
                     close={"outcome": "success", "remaining_issues": "无\n  两行",
                            "evaluation": "客户满意 'ok'", "run_record_digest": GENESIS})
    sig = sign(text.encode(), env.keys["zhang.min"])
    rec = Record("close", "recorder", "zhang.min", "2026-03-07T15:00:00Z", request.digest,
                 text, sig, GENESIS)
    append_signoff(path, "CR-2026-0001", rec)
    assert read_signoffs(path, "CR-2026-0001")[-1] == rec


@pytest.mark.parametrize(("text", "words"), [
    ("change_id: CR-2026-0001\nsignoffs: {}\n", "signoffs: expected a list"),
    ("change_id: CR-2026-0002\nsignoffs: []\n", "change_id: 'CR-2026-0002' is not"),
    ("signoffs: []\n", "expected the keys change_id and signoffs"),
    ("change_id: CR-2026-0001\nsignoffs:\n- act: submit\n", "signoffs[0].role: missing"),
    ("change_id: CR-2026-0001\nsignoffs: [\n", "cannot be read: line"),
])
def test_a_damaged_signoffs_file_is_one_line_naming_file_and_field(env, text, words):
    path = env.write()
    signoffs_path(path).write_text(text)
    with pytest.raises(ConfigError) as err:
        read_signoffs(path, "CR-2026-0001")
    message = err.value.render()
    assert words in message and str(signoffs_path(path)) in message and "\n" not in message
    env.at(IN_WINDOW)
    with pytest.raises(Refusal):  # run refuses, and says so in the audit log
        env.service.run(path)
    assert b"change.refused" in env.audit_lines()[-1]


# ----------------------------------------------------------------------------- keys


def test_the_key_decides_who_signs(env, tmp_path):
    people = load_people(env.people)
    assert key_owner(env.keys["chen.jing"], people).id == "chen.jing"
    assert key_owner(f"{env.keys['chen.jing']}.pub", people).id == "chen.jing"
    # a private key without its .pub beside it: ssh-keygen -y derives the public half
    lone = tmp_path / "lone"
    lone.write_bytes(env.keys["li.wei"].read_bytes())
    lone.chmod(0o600)
    assert public_key_of(lone) == " ".join(
        Path(f"{env.keys['li.wei']}.pub").read_text().split()[:2])
    with pytest.raises(Refusal, match="belongs to nobody in the people file"):
        key_owner(env.keys["stranger"], people)
    with pytest.raises(ConfigError, match="does not exist"):
        key_owner(tmp_path / "nokey", people)


@pytest.mark.parametrize(("who", "words"), [
    ("chen.jing", "chen.jing (by key"),  # an approver: no requester role
    ("li.wei", "the request names wang.fang"),  # a requester, but not of this request
    ("stranger", "belongs to nobody"),
])
def test_only_the_requester_submits(env, who, words):
    path = env.write()
    with pytest.raises(Refusal) as err:
        env.submit(path, who)
    assert words in err.value.render() and err.value.exit_code == 3
    assert not signoffs_path(path).exists()
    last = json.loads(env.audit_lines()[-1])
    assert last["action"] == "change.refused" and last["detail"]["act"] == "submit"
    assert last["actor"] == ("tester" if who == "stranger" else who)


def test_submitting_the_same_content_twice_is_refused(env):
    path = env.write()
    env.submit(path)
    with pytest.raises(Refusal, match="already submitted in this form"):
        env.submit(path)


def test_approval_needs_a_client_approver_other_than_the_people_of_the_change(env):
    path = env.write(recorder="zhao.lei")
    with pytest.raises(Refusal, match="has not been submitted"):
        env.approve(path)
    env.submit(path)
    with pytest.raises(Refusal, match="they are its recorder"):
        env.approve(path, "zhao.lei")
    with pytest.raises(Refusal, match="does not have the role approver"):
        env.approve(path, "sun.li")
    env.approve(path, "chen.jing")
    with pytest.raises(Refusal, match="already approved .by chen.jing"):
        env.approve(path, "chen.jing")
    with env.store.session() as s:
        assert s.get(Change, "CR-2026-0001").state == "approved"


def test_attestation_is_by_the_named_operator_or_recorder(env):
    path = env.write()
    env.submit(path)
    with pytest.raises(Refusal, match="is not approved"):
        env.attest(path, "operator")
    env.approve(path)
    env.at(IN_WINDOW)  # present for the execution
    with pytest.raises(Refusal, match="the request names li.wei"):
        env.attest(path, "operator", "sun.li")
    with pytest.raises(Refusal, match="does not have the role recorder"):
        env.attest(path, "recorder", "li.wei")
    record = env.attest(path, "operator")
    assert json.loads(record.statement)["role"] == "operator"
    with pytest.raises(Refusal, match="already attested as operator"):
        env.attest(path, "operator")


def test_editing_after_submission_blocks_further_signatures(env):
    path = env.write()
    env.submit(path)
    env.edit(path, title="Something else")
    with pytest.raises(Refusal, match="was changed after the submit by wang.fang"):
        env.approve(path)
    env.submit(path)  # the new content, a new round
    env.approve(path)


# ----------------------------------------------------------------------------- tampering


def prepared(env: ChangeEnv):
    path = env.ready(env.write())
    env.at(IN_WINDOW)
    assert [g.status for g in env.service.check(path)][:3] == ["passed"] * 3
    return path


def test_a_signature_moved_to_another_person_is_caught(env):
    path = prepared(env)

    def move(items):  # the approval now claims zhao.lei (also an approver) signed it
        data = json.loads(items[1]["statement"])
        data["signer"] = items[1]["person"] = "zhao.lei"
        items[1]["statement"] = canonical_bytes(data).decode()

    rewrite_signoffs(path, move)
    text = signatures_refused(env, path)
    assert "listed as signed by zhao.lei, but the key that signed is chen.jing's" in text


def test_a_name_changed_without_the_statement_is_caught(env):
    path = prepared(env)

    def rename(items):
        items[1]["person"] = "zhao.lei"

    rewrite_signoffs(path, rename)
    assert "signer 'zhao.lei' differs from the signed statement" in signatures_refused(
        env, path)


def test_a_signature_swapped_between_signoffs_is_caught(env):
    path = prepared(env)

    def swap(items):  # the operator's signature under the recorder's attestation
        items[3]["signature"] = items[2]["signature"]

    rewrite_signoffs(path, swap)
    assert "listed as signed by zhang.min, but the key that signed is li.wei's" in (
        signatures_refused(env, path))


def test_an_edited_statement_is_caught(env):
    path = prepared(env)

    def edit(items):
        data = json.loads(items[0]["statement"])
        data["time"] = items[0]["time"] = "2026-03-01T00:00:00Z"  # backdate the submission
        items[0]["statement"] = canonical_bytes(data).decode()

    rewrite_signoffs(path, edit)
    assert "does not match the signed data" in signatures_refused(env, path)

    def respace(items):
        items[0]["statement"] = items[0]["statement"].replace(",", ", ")

    rewrite_signoffs(path, respace)
    assert "not the canonical JSON" in signatures_refused(env, path)


def test_a_signoff_made_outside_weibao_is_not_accepted(env):
    """The requester signs a backdated statement with their own key: the signature is good,
    but weibao never recorded it, so the notice it claims counts for nothing."""
    path = env.write()
    request = load_request(path)
    text = statement("CR-2026-0001", "submit", request.digest, "wang.fang",
                     "2026-03-01T00:00:00Z", playbook_digest=playbook_digest(request),
                     people_sha256=hashlib.sha256(env.people.read_bytes()).hexdigest())
    signature = sign(text.encode(), env.keys["wang.fang"])
    append_signoff(path, "CR-2026-0001", Record("submit", "requester", "wang.fang",
                                                "2026-03-01T00:00:00Z", request.digest, text,
                                                signature))
    with env.store.session() as s:  # even with a store row claiming it was submitted
        s.add(Change(id="CR-2026-0001", site="lab", title="t", kind="configuration",
                     state="approved", emergency=False, emergency_reason="",
                     awaiting_retrospective_approval=False, request_digest=request.digest,
                     request_path=str(path), requester="wang.fang", operator="li.wei",
                     recorder="zhang.min", window_start=WINDOW_START, window_end=IN_WINDOW,
                     timezone="Asia/Shanghai", created_at=IN_WINDOW, updated_at=IN_WINDOW,
                     remaining_issues="", evaluation=""))
    assert "is not in the audit log" in signatures_refused(env, path)


def test_rewriting_the_history_an_approval_vouched_for_is_caught(env):
    """Every audit entry rewritten with fresh hashes: the chain verifies again, but the head
    signed at the approval is gone from it."""
    path = prepared(env)
    lines = env.audit_lines()
    entries = [json.loads(line) for line in lines]
    entries[0]["detail"]["emergency"] = True  # the history changed at the submission
    prev = GENESIS
    out = []
    for entry in entries:
        entry["prev"] = prev
        body = {k: v for k, v in entry.items() if k != "hash"}
        entry["hash"] = prev = sha256_hex(body)
        out.append(canonical_bytes(entry) + b"\n")
    env.service.log.path.write_bytes(b"".join(out))
    assert env.service.log.verify().ok  # the chain alone cannot tell
    assert "no longer in the audit log: the log was rewritten" in signatures_refused(env, path)


def test_an_edited_audit_log_stops_every_run(env):
    path = prepared(env)
    lines = env.audit_lines()
    lines[2] = lines[2].replace(b"chen.jing", b"zhao.lei")  # [0]: the client's vouching
    env.service.log.path.write_bytes(b"".join(lines))
    with pytest.raises(Refusal) as err:
        env.service.run(path)
    assert err.value.rule == "audit" and "entry 3" in err.value.render()


def test_a_backdated_act_is_refused_and_nothing_is_recorded(env):
    """A clock set back (here the injected one) cannot backdate a new submission to gain the
    notice, nor a run: the audit log refuses an entry earlier than the last one."""
    path = env.write()
    env.submit(path)
    env.at(WINDOW_START - 2 * HOUR).approve(path)
    env.edit(path, title="A different change, submitted late")
    audit_before = env.audit_lines()
    signoffs_before = signoffs_path(path).read_bytes()
    env.at(WINDOW_START - 30 * HOUR)
    with pytest.raises(TimeOrderError) as err:
        env.submit(path)
    message = err.value.render()
    assert err.value.exit_code == 3 and "\n" not in message
    assert "earlier than the last entry's (3, 2026-03-07T12:00:00Z)" in message
    assert env.audit_lines() == audit_before
    assert signoffs_path(path).read_bytes() == signoffs_before
    with pytest.raises(TimeOrderError):
        env.service.run(path)
    assert env.audit_lines() == audit_before
    with env.store.session() as s:
        assert s.get(Change, "CR-2026-0001").state == "approved"
