"""The change record's data (weibao.change.record.change_context) from a real change.

Changes are made through the service layer as in test_change_service.py (real ssh-keygen
keys, real ansible-runner runs on local hosts, the injected clock), then the record's context
is checked against the store, the sign-off file and the audit log: the request, every
sign-off with its validity worked out now, the runs with their task results, the closing,
the digests, the audit entries, an emergency awaiting retrospective approval; and
``weibao report change`` through the command line, including an unknown change.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest
import yaml
from change_env import IN_WINDOW, WINDOW_START, ChangeEnv, Clock
from click.testing import CliRunner
from sqlalchemy import select

from weibao import cli as cli_mod
from weibao.audit import BrokenChain
from weibao.change.people import load_people
from weibao.change.record import change_context, run_record, run_record_digest
from weibao.change.signoffs import signoffs_path
from weibao.errors import ConfigError, NotFound
from weibao.report.kinds.change.view import build_change_view
from weibao.report.render import render_to_strings
from weibao.store import Run, TaskResult

CID = "CR-2026-0001"
HOUR = dt.timedelta(hours=1)
ATTENDEE = "zhao.lei"
TEMPLATES = Path(__file__).resolve().parents[2] / "report_templates"


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


def _world(root: Path, keys, monkeypatch) -> ChangeEnv:
    world = ChangeEnv(root, keys, Clock(IN_WINDOW))
    (world.content / "report_templates").symlink_to(TEMPLATES)  # the content folder's reports
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(world.content))
    monkeypatch.setenv("WEIBAO_LANG", "en")
    monkeypatch.delenv("WEIBAO_DATA_DIR", raising=False)
    return world


@pytest.fixture(scope="module")
def closed(tmp_path_factory, keys):
    """CR-2026-0001: submitted 25 h ahead, approved, attested, rehearsed, run, closed."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        world = _world(tmp_path_factory.mktemp("closed"), keys, monkeypatch)
        path = world.ready(world.write(attendees=[ATTENDEE]))
        rehearsal = world.service.run(path, check=True)
        run = world.service.run(path)
        assert (rehearsal.status, run.status) == ("successful", "successful")
        world.at(IN_WINDOW + HOUR).service.close(
            path, keys["zhang.min"], outcome="success", remaining_issues="none",
            evaluation="客户满意")
        yield world
        world.store.dispose()


@pytest.fixture
def env(tmp_path, keys, monkeypatch):
    world = _world(tmp_path, keys, monkeypatch)
    yield world
    world.store.dispose()


def context(env: ChangeEnv, change_id: str = CID, **kwargs):
    return change_context(env.store, env.service.settings, change_id, **kwargs)


def audit(env: ChangeEnv) -> list[dict]:
    """The change's entries (the log also holds the client's vouching for its people)."""
    return [e for e in (json.loads(line) for line in env.audit_lines()) if e["change_id"]]


def weibao(env: ChangeEnv, *args: str):
    return CliRunner().invoke(_main, ["--data-dir", str(env.data_dir), *args],
                              catch_exceptions=False)


# ----------------------------------------------------------------------------- a closed change


def test_the_request_as_written_with_its_state(closed):
    ctx = context(closed)
    change = ctx["change"]
    assert (ctx["kind"], ctx["file_stem"]) == ("change", "change-CR-2026-0001")
    assert ctx["site"] == {"name": "lab", "client": "", "provider": "", "contract": "",
                           "timezone": "Asia/Shanghai", "change_lead_time_hours": 24}
    assert (change["id"], change["state"], change["kind"]) == (CID, "closed", "configuration")
    assert change["title"] == "Configuration change on web01"
    assert (change["requester"], change["operator"], change["recorder"]) == (
        "wang.fang", "li.wei", "zhang.min")
    assert change["attendees"] == [ATTENDEE]
    assert change["targets"] == {"inventory": str(closed.inventory), "limit": "web"}
    assert change["steps"] == ["Write the start marker.", "Do the work.",
                               "Write the end marker."]
    assert change["window"] == {"start": "2026-03-07T22:00:00+08:00",
                                "end": "2026-03-08T02:00:00+08:00",
                                "timezone": "Asia/Shanghai"}
    assert (change["expected_minutes"], change["application_downtime"]) == (
        60, {"minutes": 0, "description": ""})
    assert change["rollback_plan"].startswith("Remove the markers.\n")
    assert change["emergency"] == {"is_emergency": False, "reason": ""}
    assert change["awaiting_retrospective_approval"] is False
    assert change["media"] == []
    people = {p["id"]: p for p in ctx["people"]}
    assert people["chen.jing"] == {"id": "chen.jing", "name": "chen.jing",
                                   "organisation": "client", "roles": ["approver"]}


def test_every_signoff_verified_now_with_its_key_and_audit_heads(closed):
    ctx = context(closed)
    fingerprints = {p.id: p.fingerprint for p in load_people(closed.people)}
    entries = audit(closed)
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry["action"], []).append(entry)
    rows = [(s["act"], s["role"], s["person"], s["fingerprint"], s["valid"])
            for s in ctx["signoffs"]]
    assert rows == [
        ("submit", "requester", "wang.fang", fingerprints["wang.fang"], True),
        ("approve", "approver", "chen.jing", fingerprints["chen.jing"], True),
        ("attest", "operator", "li.wei", fingerprints["li.wei"], True),
        ("attest", "recorder", "zhang.min", fingerprints["zhang.min"], True),
        ("close", "recorder", "zhang.min", fingerprints["zhang.min"], True),
    ]
    request_digest = ctx["digests"]["request"]
    assert {s["request_digest"] for s in ctx["signoffs"]} == {request_digest}
    # the chain heads signed: the submission's entry at approval, the run's end at closing
    approve, close = ctx["signoffs"][1], ctx["signoffs"][4]
    assert approve["audit_head"] == by_action["change.submit"][0]["hash"]
    assert close["audit_head"] == by_action["change.run.end"][-1]["hash"]
    assert ctx["digests"]["audit_head_at_approval"] == approve["audit_head"]
    assert ctx["digests"]["audit_head_at_closing"] == close["audit_head"]
    assert close["run_record_digest"] == ctx["digests"]["run_record"]
    assert [s["signed_at"] for s in ctx["signoffs"]] == [
        e["time"] for e in entries if e["action"] in (
            "change.submit", "change.approve", "change.attest", "change.close")]


def test_runs_with_their_task_results_and_digests(closed):
    ctx = context(closed)
    record = run_record(closed.store, CID)
    assert [(r["id"], r["mode"], r["status"]) for r in ctx["runs"]] == [
        (record["runs"][0]["id"], "check", "successful"),
        (record["runs"][1]["id"], "run", "successful")]
    real = ctx["runs"][1]
    assert [(t["seq"], t["host"], t["task"], t["status"]) for t in real["tasks"]] == [
        (1, "web01", "Check the run ticket", "ok"),
        (2, "web01", "Step 1: write the start marker", "changed"),
        (3, "web01", "Step 2: fail when asked", "skipped"),
        (4, "web01", "Step 2: wait when asked", "skipped"),
        (5, "web01", "Step 3: write the end marker", "changed")]
    assert all(t["ignored"] is False and t["ended_at"].endswith("Z") for t in real["tasks"])
    assert real["hosts"] == [{"name": "web01", "status": "done", "message": ""}]
    assert (real["started_at"], real["user"]) == ("2026-03-07T14:30:00Z", "tester")
    # each run's digest is the one its end entry in the audit log holds
    ends = [e for e in audit(closed) if e["action"] in ("change.check.end", "change.run.end")]
    assert [r["record_digest"] for r in ctx["runs"]] == [e["digests"]["run_record"]
                                                         for e in ends]
    assert ctx["digests"]["run_record"] == run_record_digest(record)
    with closed.store.session() as s:
        manifest = s.get(Run, real["id"]).manifest_sha256
    assert len(manifest) == 64 and ctx["digests"]["manifest_sha256"] == manifest
    assert [(r["recorded_digest"], r["record_intact"]) for r in ctx["runs"]] == [
        (r["record_digest"], True) for r in ctx["runs"]]
    assert set(ctx["digests"]) == {"request", "run_record", "run_record_at_closing",
                                   "audit_head_at_approval", "audit_head_at_closing",
                                   "manifest_sha256"}
    assert ctx["digests"]["run_record_at_closing"] == ctx["digests"]["run_record"]


def test_closing_and_audit_entries(closed):
    ctx = context(closed)
    assert ctx["closing"] == {"outcome": "success", "remaining_issues": "none",
                              "evaluation": "客户满意", "closed_at": "2026-03-07T15:30:00Z",
                              "closed_by": "zhang.min", "valid": True,
                              "run_record_digest": ctx["digests"]["run_record"],
                              "run_record_intact": True}
    entries = audit(closed)
    assert ctx["audit"] == [{k: e[k] for k in ("seq", "time", "actor", "action", "hash")}
                            for e in entries]
    assert [e["action"] for e in ctx["audit"]] == [
        "change.submit", "change.approve", "change.attest", "change.attest",
        "change.check.start", "change.check.end", "change.run.start", "change.run.end",
        "change.close"]


def test_the_context_is_what_the_templates_take(closed):
    ctx = context(closed)
    view = build_change_view(ctx)
    assert view["approval"]["person"]["id"] == "chen.jing"
    assert [row["person"]["id"] for row in view["attendance"]] == [
        "wang.fang", "li.wei", "zhang.min", ATTENDEE]
    assert view["notice_minutes"] == 25 * 60 and not view["short_notice"]
    texts = {lang: render_to_strings("change", ctx, lang, ["html", "md", "json"])
             for lang in ("en", "zh-CN")}
    assert "Approved in writing on" in texts["en"]["html"]
    assert "书面批准" in texts["zh-CN"]["html"] and "客户满意" in texts["zh-CN"]["md"]
    assert json.loads(texts["en"]["json"])["signoffs"] == ctx["signoffs"]
    assert context(closed) == ctx  # nothing in it depends on when it is made


# ----------------------------------------------------------------------------- validity


def test_an_edit_after_signing_shows_every_signoff_invalid(env):
    path = env.ready(env.write())
    assert [s["valid"] for s in context(env)["signoffs"]] == [True] * 4
    env.edit(path, title="Configuration change on web01 and db01")
    ctx = context(env)
    assert [s["valid"] for s in ctx["signoffs"]] == [False] * 4
    assert ctx["change"]["title"] == "Configuration change on web01 and db01"
    assert ctx["digests"]["request"] != ctx["signoffs"][0]["request_digest"]
    assert "audit_head_at_approval" not in ctx["digests"]  # no valid approval vouches now
    assert build_change_view(ctx)["approval"] is None


def test_a_signature_moved_to_another_person_is_invalid(env):
    path = env.ready(env.write())
    file = signoffs_path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    # the operator's attestation claimed by the recorder
    data["signoffs"][2]["signature"] = data["signoffs"][3]["signature"]
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    assert [s["valid"] for s in context(env)["signoffs"]] == [True, True, False, True]


def test_without_the_people_file_nothing_is_checked(env):
    path = env.ready(env.write())
    env.people.rename(env.people.with_suffix(".moved"))
    ctx = context(env)
    assert [s["valid"] for s in ctx["signoffs"]] == [None] * 4
    assert ctx["people"] == []
    assert all(s["fingerprint"].startswith("SHA256:") for s in ctx["signoffs"])
    again = context(env, people_path=env.people.with_suffix(".moved"))
    assert [s["valid"] for s in again["signoffs"]] == [True] * 4
    with pytest.raises(ConfigError, match="people.missing"):  # asked for: must be there
        context(env, people_path=env.people.with_suffix(".missing"))
    assert path.exists()


def test_a_damaged_audit_log_stops_the_record(env):
    env.ready(env.write())
    log = env.service.log.path
    lines = log.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"chen.jing"', b'"zhao.lei"', 1)  # [0]: the vouching
    log.write_bytes(b"".join(lines))
    with pytest.raises(BrokenChain, match="line 3 .entry 3.: its hash does not match"):
        context(env)


def test_a_request_file_now_naming_another_change_is_refused(env):
    path = env.changes / "db-tuning.yml"  # a request file not named after its id
    env.write().rename(path)
    env.ready(path)
    env.edit(path, id="CR-2026-0009")
    with pytest.raises(ConfigError, match=f"{path}: id is CR-2026-0009, but the store keeps "
                                          "this file for CR-2026-0001"):
        context(env)


ALTERED = {"en": ("The run record was altered after the change was closed",
                  "the closing signature covers",
                  "was altered after the run ended"),
           "zh-CN": ("运行记录在变更关闭后被改动", "关闭签字所覆盖的", "运行结束后被改动")}


def closed_change(env: ChangeEnv):
    path = env.ready(env.write())
    assert env.service.run(path).status == "successful"
    env.at(IN_WINDOW + HOUR).service.close(path, env.keys["zhang.min"], outcome="success",
                                           remaining_issues="none", evaluation="客户满意")
    return path


def test_a_run_record_altered_after_closing_is_reported(env):
    closed_change(env)
    texts = {lang: render_to_strings("change", context(env), lang, ["html", "md"])
             for lang in ("en", "zh-CN")}
    for lang, (words, *_) in ALTERED.items():
        assert words not in texts[lang]["html"] and words not in texts[lang]["md"]
    assert "covers the run record digest" in texts["en"]["html"]
    with env.store.session() as s:  # a failed step made to look fine, after closing
        task = s.scalars(select(TaskResult).order_by(TaskResult.id)).first()
        task.message = "all fine"
    ctx = context(env)
    [run] = ctx["runs"]
    assert run["record_intact"] is False and run["recorded_digest"] != run["record_digest"]
    closing = ctx["closing"]
    assert (closing["valid"], closing["run_record_intact"]) == (True, False)
    assert ctx["digests"]["run_record"] != ctx["digests"]["run_record_at_closing"]
    view = build_change_view(ctx)
    assert view["run_record_altered_after_closing"] and view["altered_runs"] == [
        next(r for r in view["runs"] if r["id"] == run["id"])]
    for lang, words in ALTERED.items():
        texts = render_to_strings("change", ctx, lang, ["html", "md"])
        for fmt, text in texts.items():
            for word in words:
                assert word in text, (lang, fmt, word)
            assert ctx["digests"]["run_record_at_closing"] in text
            assert "covers the run record digest" not in text
            assert "涵盖运行记录摘要" not in text


def test_an_invalid_closing_is_not_shown_as_valid(env):
    path = closed_change(env)
    file = signoffs_path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    close = data["signoffs"][-1]
    assert close["act"] == "close"
    close["statement"] = close["statement"].replace("客户满意", "非常满意")  # not what was signed
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    ctx = context(env)
    assert ctx["closing"]["evaluation"] == "非常满意" and ctx["closing"]["valid"] is False
    assert build_change_view(ctx)["closing_invalid"]
    en = render_to_strings("change", ctx, "en", ["html", "md"])
    zh = render_to_strings("change", ctx, "zh-CN", ["html", "md"])
    for text in en.values():
        assert "The closing sign-off does not verify" in text
        assert "No valid closing signature" in text
        assert "covers the run record digest" not in text
    for text in zh.values():
        assert "关闭签字未通过验证" in text


# ----------------------------------------------------------------------------- emergency


def test_an_emergency_awaits_retrospective_approval_until_approved(env):
    path = env.write(emergency={"is_emergency": True, "reason": "db01 lost a disk"})
    env.ready(path, submitted=WINDOW_START, emergency=True)
    assert env.service.run(path).status == "successful"
    ctx = context(env)
    change = ctx["change"]
    assert change["emergency"] == {"is_emergency": True, "reason": "db01 lost a disk"}
    assert (change["state"], change["awaiting_retrospective_approval"]) == ("succeeded", True)
    assert [(s["act"], s["valid"]) for s in ctx["signoffs"]] == [("submit", True),
                                                                 ("attest", True)]
    assert "audit_head_at_approval" not in ctx["digests"] and ctx["closing"] is None
    html = render_to_strings("change", ctx, "en", ["html"])["html"]
    assert "Awaiting retrospective approval by the client" in html
    env.at(IN_WINDOW + 24 * HOUR).approve(path)
    later = context(env)
    assert later["change"]["awaiting_retrospective_approval"] is False
    assert later["signoffs"][-1]["act"] == "approve" and later["signoffs"][-1]["valid"]
    assert build_change_view(later)["approved_retrospectively"] is True


# ----------------------------------------------------------------------------- command line


def test_report_change_writes_the_record_in_the_formats_asked(closed, tmp_path):
    out = tmp_path / "out"
    result = weibao(closed, "report", "change", CID, "--lang", "zh-CN", "--format",
                    "html,json", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["change-CR-2026-0001.zh-CN.html", "change-CR-2026-0001.zh-CN.json"]
    assert result.output.splitlines() == [f"report written: {out / n}" for n in
                                          ["change-CR-2026-0001.zh-CN.html",
                                           "change-CR-2026-0001.zh-CN.json"]]
    record = json.loads((out / names[1]).read_text(encoding="utf-8"))
    assert record["lang"] == "zh-CN" and record["change"]["state"] == "closed"
    assert "现场服务报告" in (out / names[0]).read_text(encoding="utf-8")


def test_report_change_as_pdf_and_word(closed, tmp_path):
    """The change record through the same engine as every kind: PDF and Word from its HTML."""
    import subprocess

    import docx

    out = tmp_path / "out"
    result = weibao(closed, "report", "change", CID, "--lang", "zh-CN", "--format", "pdf,docx",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf, word = out / f"change-{CID}.zh-CN.pdf", out / f"change-{CID}.zh-CN.docx"
    assert sorted(out.iterdir()) == sorted([pdf, word])
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "现场服务报告" in text and CID in text
    document = docx.Document(str(word))
    assert "现场服务报告" in "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize(("change_id", "message"), [
    ("CR-2026-0042", "weibao: error: CR-2026-0042: no such change in the store"),
    ("42", "weibao: error: change id '42': expected CR-YYYY-NNNN"),
])
def test_an_unknown_change_is_one_line_exit_3_and_nothing_written(env, tmp_path, change_id,
                                                                   message):
    env.ready(env.write())
    out = tmp_path / "out"
    result = weibao(env, "report", "change", change_id, "--out", str(out))
    assert result.exit_code == 3
    assert result.output.splitlines() == [message]
    assert not out.exists()
    with pytest.raises(NotFound if change_id.startswith("CR") else ConfigError):
        context(env, change_id)
