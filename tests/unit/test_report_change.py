"""The change record (现场服务报告): rendering, content, languages, honesty, safety.

The context in fixtures/report/change_context.json has the shape documented at the top of
report_templates/change/report.html.j2: change CR-2026-0001 (security patches on db01 and db02),
submitted, approved by the client, attested by operator and recorder, one USB medium scanned
clean, a check-mode rehearsal and a successful run, closed as a success. Tests change one
thing at a time: an emergency, a failed run, an interrupted run, an invalid signature.
"""

from __future__ import annotations

import copy
import html
import json
import random
import re
from pathlib import Path

import markdown_it
import pytest

from weibao.errors import WeibaoError
from weibao.report import render as render_mod
from weibao.report import render_report
from weibao.report.kinds.change import view as change_view
from weibao.report.kinds.change.view import build_change_view
from weibao.report.render import ReportError

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "change_context.json"
LANGS = ("en", "zh-CN")
FORMATS = ["html", "md", "json"]
CJK = re.compile(r"[\u4e00-\u9fff]")
STEM = "change-CR-2026-0001"

# What the templates say, per language (the data stays as it was written).
WORDS = {
    "en": {
        "title": "On-site Service Record",
        "sections": ["Maintenance request", "Approval and sign-offs", "Attendance",
                     "Removable media and virus check", "Execution", "Result of the work",
                     "Audit digests"],
        "closed": "Closed",
        "kind": "Operating system patches",
        "expected": "2 h 30 min",
        "downtime": "10 min",
        "notice": "60 h 50 min before the window opened (24 h required)",
        "no_hardware": "None.",
        "emergency_no": "No",
        "approved": "Approved in writing on 2026-03-06 10:00 CST by 周强 (zhou.qiang), Client.",
        "valid": "Valid for this version of the request",
        "invalid": "INVALID: made over another version of the request",
        "provider": "Service provider",
        "client": "Client",
        "not_attested": "Not attested",
        "clean": "Clean",
        "matches": "Matches",
        "rehearsal": "Rehearsal (check mode)",
        "successful": "Successful",
        "changed": "Changed",
        "outcome": "Completed successfully",
        "emergency": "Emergency fault repair",
        "awaiting": "Awaiting retrospective approval by the client's project supervisor.",
        "retro": "Approved retrospectively by 周强 (zhou.qiang)",
        "failed": "The run failed.",
        "stopped": 'It stopped at the task "Step 2: do the work" on db02.',
        "rollback_applies": "The rollback plan applies (section 1.3).",
        "rollback": "Rollback plan:",
        "interrupted": "The run was interrupted before it finished.",
        "interrupted_run": "The run was interrupted (by the operator or a crash) at",
        "not_finished": "Not finished (run interrupted)",
        "not_closed": "The change has not been closed",
        "not_approved": "Not approved by the client.",
        "state_failed": "Run failed",
        "state_interrupted": "Run interrupted",
        "host_failed": "Failed",
        "host_stopped": "Stopped: the run failed on another host",
        "short_notice": "The request was submitted only 3 h before the window opened",
        "same_person": "The operator and the recorder are the same person",
    },
    "zh-CN": {
        "title": "现场服务报告",
        "sections": ["书面维护申请", "审批与签字", "到场人员", "移动媒体病毒检查", "实施过程",
                     "工作结果", "审计摘要"],
        "closed": "已关闭",
        "kind": "操作系统补丁",
        "expected": "2 小时 30 分钟",
        "downtime": "10 分钟",
        "notice": "早于维护窗口开始 60 小时 50 分钟（要求至少 24 小时）",
        "no_hardware": "无。",
        "emergency_no": "否",
        "approved": "已于 2026-03-06 10:00 CST 由甲方（客户）周强 (zhou.qiang) 书面批准。",
        "valid": "对当前版本的申请有效",
        "invalid": "无效：签署的是另一版本的申请",
        "provider": "乙方（服务商）",
        "client": "甲方（客户）",
        "not_attested": "未确认到场",
        "clean": "未发现病毒",
        "matches": "一致",
        "rehearsal": "预演（检查模式）",
        "successful": "成功",
        "changed": "已变更",
        "outcome": "成功完成",
        "emergency": "紧急故障排除",
        "awaiting": "待甲方项目主管补办书面批准（事后批准）。",
        "retro": "已由 周强 (zhou.qiang) 于",
        "failed": "运行失败。",
        "stopped": "运行在主机 db02 的任务“Step 2: do the work”处停止。",
        "rollback_applies": "应执行应急计划（见 1.3 节）。",
        "rollback": "应急计划：",
        "interrupted": "运行在完成前被中断。",
        "interrupted_run": "被中断（操作人中止或程序崩溃），未能完成。",
        "not_finished": "未完成（运行中断）",
        "not_closed": "本次变更尚未关闭",
        "not_approved": "甲方尚未批准。",
        "state_failed": "实施失败",
        "state_interrupted": "实施中断",
        "host_failed": "失败",
        "host_stopped": "已停止：运行在其他主机上失败",
        "short_notice": "申请仅早于维护窗口开始 3 小时 提交",
        "same_person": "主持操作人与确认记录人为同一人",
    },
}
ROLLBACK_LINE = "Boot the previous kernel from the GRUB menu (kept installed)."


# ----------------------------------------------------------------------------- helpers


def load_context() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def strip_tags(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def visible_text(page: str) -> str:
    """The text a reader sees (title and body, no CSS), whitespace collapsed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return strip_tags(page)


def section(page: str, section_id: str) -> str:
    """The HTML of the <section ... id="section_id"> up to the next top-level part."""
    start = page.index(f'id="{section_id}"')
    end = page.find('<section class="part"', start + 1)
    return page[start: end if end != -1 else len(page)]


def md_section(md: str, number: int) -> str:
    start = md.index(f"\n## {number}. ")
    end = md.find("\n## ", start + 1)
    return md[start: end if end != -1 else len(md)]


def tables(fragment: str) -> list[list[list[str]]]:
    out = []
    for table in re.findall(r"<table.*?</table>", fragment, flags=re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
            rows.append([strip_tags(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                            flags=re.S)])
        out.append(rows)
    return out


def as_html(md: str) -> str:
    return markdown_it.MarkdownIt("commonmark").enable("table").render(md)


def md_text(md: str) -> str:
    """The Markdown as a reader sees it: rendered, tags removed, whitespace collapsed."""
    return strip_tags(as_html(md))


def render(context: dict, lang: str, tmp_path: Path, formats=("html", "md")) -> dict[str, str]:
    out = tmp_path / f"out-{lang}-{len(list(tmp_path.iterdir()))}"
    paths = render_report("change", context, lang, list(formats), out)
    return {fmt: path.read_text(encoding="utf-8") for fmt, path in zip(formats, paths,
                                                                         strict=True)}


def data_strings(value) -> set[str]:
    out: set[str] = set()
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            out |= data_strings(item)
    elif isinstance(value, list):
        for item in value:
            out |= data_strings(item)
    return out


def failed_context() -> dict:
    """The real run failed at step 2 on db02: state failed, not closed."""
    context = load_context()
    context["change"]["state"] = "failed"
    context["closing"] = None
    context["signoffs"] = [s for s in context["signoffs"] if s["act"] != "close"]
    run = context["runs"][1]
    run["status"] = "failed"
    run["tasks"] = [
        {"seq": 1, "host": "db01", "task": "Step 1: record the start", "status": "changed",
         "ended_at": "2026-03-07T14:16:00Z", "message": ""},
        {"seq": 2, "host": "db02", "task": "Step 1: record the start", "status": "changed",
         "ended_at": "2026-03-07T14:16:01Z", "message": ""},
        {"seq": 3, "host": "db01", "task": "Step 2: do the work", "status": "ok",
         "ended_at": "2026-03-07T14:17:00Z", "message": ""},
        {"seq": 4, "host": "db02", "task": "Step 2: do the work", "status": "failed",
         "ended_at": "2026-03-07T14:17:02Z", "message": "dpkg was interrupted"},
    ]
    return context


def interrupted_context() -> dict:
    """The real run was stopped with Ctrl-C during step 2: state interrupted, not closed."""
    context = failed_context()
    context["change"]["state"] = "interrupted"
    run = context["runs"][1]
    run["status"] = "interrupted"
    run["ended_at"] = "2026-03-07T14:18:00Z"
    run["tasks"] = run["tasks"][:2]
    return context


def emergency_context(*, approved_after_run: bool = False) -> dict:
    context = load_context()
    context["change"]["emergency"] = {"is_emergency": True,
                                      "reason": "db02 lost a disk; the array is degraded"}
    approval = next(s for s in context["signoffs"] if s["act"] == "approve")
    if approved_after_run:
        approval["signed_at"] = "2026-03-08T01:00:00Z"
    else:
        context["signoffs"].remove(approval)
    return context


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


@pytest.fixture
def context() -> dict:
    return load_context()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], str]:
    out_dir = tmp_path_factory.mktemp("reports")
    result = {}
    for lang in LANGS:
        paths = render_report("change", load_context(), lang, FORMATS, out_dir)
        for fmt, path in zip(FORMATS, paths, strict=True):
            result[(lang, fmt)] = path.read_text(encoding="utf-8")
    return result


# ----------------------------------------------------------------------------- files


def test_file_names_come_from_the_file_stem(tmp_path, context):
    paths = render_report("change", context, "zh_CN.UTF-8", ["json", "html", "md"], tmp_path)
    assert [p.name for p in paths] == [f"{STEM}.zh-CN.json", f"{STEM}.zh-CN.html",
                                       f"{STEM}.zh-CN.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


@pytest.mark.parametrize("lang", LANGS)
def test_json_is_the_context_plus_lang(rendered, lang, context):
    document = json.loads(rendered[(lang, "json")])
    assert document.pop("lang") == lang
    assert document == context


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("lang", LANGS)
def test_cover_names_the_change_parties_state_and_window(rendered, lang):
    words = WORDS[lang]
    page = rendered[(lang, "html")]
    cover = strip_tags(section(page, "cover"))
    assert f"<h1>{words['title']}</h1>" in page
    for text in ("CR-2026-0001", "Security patches for db01 and db02 (March 2026)",
                 "Example Bank Co., Ltd. (示例银行)", "Example IT Services (示例信息技术)",
                 "WB-2026-001", words["closed"], words["kind"],
                 "2026-03-07 22:00 CST – 2026-03-08 02:00 CST",
                 "2026-03-07 22:15 CST – 2026-03-07 22:40 CST"):
        assert text in cover, text
    md = md_text(rendered[(lang, "md")])
    for text in (words["title"], "CR-2026-0001", words["closed"],
                 "2026-03-07 22:00 CST – 2026-03-08 02:00 CST"):
        assert text in md, text
    assert words["emergency"] not in cover and "emergency-notice" not in page


@pytest.mark.parametrize("lang", LANGS)
def test_sections_follow_the_contract_in_order(rendered, lang):
    words = WORDS[lang]
    heads = [strip_tags(h) for h in re.findall(r"<h2>(.*?)</h2>", rendered[(lang, "html")])]
    assert heads == [f"{n}. {title}" for n, title in enumerate(words["sections"], start=1)]
    md_heads = re.findall(r"^## (.*)$", rendered[(lang, "md")], flags=re.M)
    assert md_heads == heads


@pytest.mark.parametrize("lang", LANGS)
def test_request_section_states_every_field_of_the_written_request(rendered, lang, context):
    words = WORDS[lang]
    change = context["change"]
    for text in (strip_tags(section(rendered[(lang, "html")], "request")),
                 md_text(md_section(rendered[(lang, "md")], 1))):
        for line in change["purpose"].splitlines() + change["rollback_plan"].splitlines():
            assert line in text
        for item in change["steps"] + change["software_changes"]:
            assert item in text
        for value in (words["kind"], "王芳 (wang.fang)", "李伟 (li.wei)", "张敏 (zhang.min)",
                      "db_servers", "inventories/example", "playbooks/change_os_patch.yml",
                      "change_os_patch_reboot: true", words["expected"], words["downtime"],
                      change["application_downtime"]["description"], words["notice"],
                      words["no_hardware"], words["emergency_no"]):
            assert value in text, value
    page = rendered[(lang, "html")]
    assert len(re.findall(r"<li", section(page, "request").split('class="steps"')[1]
                          .split("</ol>")[0])) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_approval_names_who_and_when_and_every_key(rendered, lang, context):
    words = WORDS[lang]
    part = section(rendered[(lang, "html")], "approval")
    assert words["approved"] in strip_tags(part)
    rows = tables(part)[0][1:]
    assert [row[0] for row in rows] == ["2026-03-05 09:10 CST", "2026-03-06 10:00 CST",
                                        "2026-03-07 21:50 CST", "2026-03-07 21:52 CST",
                                        "2026-03-07 22:55 CST"]
    assert [row[4] for row in rows] == [s["fingerprint"] for s in context["signoffs"]]
    assert {row[5] for row in rows} == {words["valid"]}
    assert rows[1][2:4] == ["周强 (zhou.qiang)", words["client"]]
    md = md_section(rendered[(lang, "md")], 2)
    for signoff in context["signoffs"]:
        assert signoff["fingerprint"] in md


@pytest.mark.parametrize("lang", LANGS)
def test_attendance_lists_each_person_once_with_organisation_and_arrival(rendered, lang):
    words = WORDS[lang]
    rows = tables(section(rendered[(lang, "html")], "attendance"))[0][1:]
    assert [row[0] for row in rows] == ["王芳 (wang.fang)", "李伟 (li.wei)", "张敏 (zhang.min)",
                                        "陈静 (chen.jing)"]
    assert [row[1] for row in rows] == [words["provider"]] * 3 + [words["client"]]
    assert [row[3] for row in rows] == [words["not_attested"], "2026-03-07 21:50 CST",
                                        "2026-03-07 21:52 CST", words["not_attested"]]
    assert words["same_person"] not in rendered[(lang, "html")]


@pytest.mark.parametrize("lang", LANGS)
def test_media_show_checksum_scan_result_and_scanner_version(rendered, lang, context):
    words = WORDS[lang]
    medium = context["change"]["media"][0]
    row = tables(section(rendered[(lang, "html")], "media"))[0][1]
    assert medium["path"] in row[0] and medium["description"] in row[0]
    assert row[1:4] == [medium["sha256"], words["matches"], f"{words['clean']} OK"]
    assert "ClamAV 1.0.7/27561/Fri Mar 6 08:12:35 2026" in row[4]
    md = md_text(md_section(rendered[(lang, "md")], 4))
    assert medium["sha256"] in md and "ClamAV 1.0.7/27561" in md and words["clean"] in md


@pytest.mark.parametrize("lang", LANGS)
def test_execution_shows_the_rehearsal_and_every_task_per_host(rendered, lang):
    words = WORDS[lang]
    part = section(rendered[(lang, "html")], "execution")
    runs = tables(part)[0][1:]
    assert [row[:2] for row in runs] == [["1", words["rehearsal"]], ["2", runs[1][1]]]
    assert [row[4] for row in runs] == ["2 min" if lang == "en" else "2 分钟",
                                        "25 min" if lang == "en" else "25 分钟"]
    assert {row[5] for row in runs} == {words["successful"]}
    task_tables = tables(part)[1:]
    assert len(task_tables) == 4  # two runs, two hosts each
    real_db02 = task_tables[3]
    assert [row[0] for row in real_db02[1:]] == ["2", "4", "6", "8", "10", "12"]
    upgrade = real_db02[4]
    assert words["changed"] in upgrade[2]
    assert upgrade[4] == "1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
    assert words["failed"] not in strip_tags(part)
    md = md_section(rendered[(lang, "md")], 5)
    assert md.count("#### db01") == 2 and md.count("#### db02") == 2


@pytest.mark.parametrize("lang", LANGS)
def test_result_and_audit_digests(rendered, lang, context):
    words = WORDS[lang]
    result = strip_tags(section(rendered[(lang, "html")], "result"))
    for text in (words["outcome"], "none", "satisfied", "张敏 (zhang.min)", "2026-03-07 22:55 CST",
                 context["signoffs"][-1]["fingerprint"], context["digests"]["run_record"]):
        assert text in result, text
    audit = section(rendered[(lang, "html")], "audit")
    for digest in context["digests"].values():
        assert digest in strip_tags(audit)
    entries = tables(audit)[1][1:]
    assert [row[0] for row in entries] == [str(n) for n in range(1, 10)]
    assert [row[4] for row in entries] == [e["hash"] for e in context["audit"]]
    md = md_text(md_section(rendered[(lang, "md")], 7))
    for digest in context["digests"].values():
        assert digest in md


# ----------------------------------------------------------------------------- honesty


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_is_flagged_and_awaits_retrospective_approval(tmp_path, lang):
    words = WORDS[lang]
    out = render(emergency_context(), lang, tmp_path)
    page, md = out["html"], md_text(out["md"])
    cover = strip_tags(section(page, "cover"))
    for text in (cover, md):
        assert words["emergency"] in text
        assert words["awaiting"] in text
        assert "db02 lost a disk; the array is degraded" in text
        assert words["approved"] not in text
    assert words["awaiting"] in strip_tags(section(page, "approval"))
    assert 'class="badge status-warning">' in section(page, "cover")


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_approved_after_the_run_says_retrospectively(tmp_path, lang):
    words = WORDS[lang]
    out = render(emergency_context(approved_after_run=True), lang, tmp_path)
    for text in (strip_tags(section(out["html"], "cover")), md_text(out["md"])):
        assert words["emergency"] in text
        assert words["retro"] in text
        assert words["awaiting"] not in text


def test_stored_awaiting_flag_wins(tmp_path):
    context = emergency_context(approved_after_run=True)
    context["change"]["awaiting_retrospective_approval"] = True
    assert build_change_view(context)["awaiting_retrospective_approval"] is True
    text = visible_text(render(context, "en", tmp_path)["html"])
    assert WORDS["en"]["awaiting"] in text


@pytest.mark.parametrize("lang", LANGS)
def test_failed_run_is_shown_as_failed_and_points_to_the_rollback_plan(tmp_path, lang):
    words = WORDS[lang]
    out = render(failed_context(), lang, tmp_path)
    page = out["html"]
    cover = strip_tags(section(page, "cover"))
    assert words["state_failed"] in cover
    assert words["failed"] in cover and words["stopped"] in cover
    assert words["rollback_applies"] in cover
    execution = strip_tags(section(page, "execution"))
    assert words["stopped"] in execution and "dpkg was interrupted" in execution
    assert words["rollback"] in execution and ROLLBACK_LINE in execution
    hosts = re.findall(r"<h4>(.*?)</h4>", section(page, "execution"))
    assert strip_tags(hosts[-1]) == f"db02 {words['host_failed']}"
    assert strip_tags(hosts[-2]) == f"db01 {words['host_stopped']}"
    result = strip_tags(section(page, "result"))
    assert words["not_closed"] in result and words["outcome"] not in visible_text(page)
    md = md_text(out["md"])
    for text in (words["state_failed"], words["stopped"], words["rollback"], ROLLBACK_LINE,
                 words["not_closed"]):
        assert text in md, text
    assert words["outcome"] not in md


@pytest.mark.parametrize("lang", LANGS)
def test_interrupted_run_is_shown_as_interrupted_never_done_or_failed(tmp_path, lang):
    words = WORDS[lang]
    out = render(interrupted_context(), lang, tmp_path)
    page = out["html"]
    cover = strip_tags(section(page, "cover"))
    assert words["state_interrupted"] in cover and words["interrupted"] in cover
    assert words["failed"] not in visible_text(page)
    execution = strip_tags(section(page, "execution"))
    assert words["interrupted_run"] in execution
    assert execution.count(words["not_finished"]) == 2  # both hosts of the real run
    runs = tables(section(page, "execution"))[0]
    assert runs[2][5] != words["successful"]
    md = md_text(out["md"])
    assert words["interrupted"] in md and words["interrupted_run"] in md
    assert words["outcome"] not in md


def test_a_target_without_any_task_result_is_listed(tmp_path):
    context = interrupted_context()
    context["runs"][1]["hosts"] = [{"name": "db01", "status": "interrupted"},
                                   {"name": "db03", "status": "not reached"}]
    run = build_change_view(context)["runs"][1]
    assert [(h["name"], h["status"]) for h in run["hosts"]] == [
        ("db01", "interrupted"), ("db02", "interrupted"), ("db03", "interrupted")]
    context["change"]["state"] = "failed"
    context["runs"][1]["status"] = "failed"
    run = build_change_view(context)["runs"][1]
    assert [h["status"] for h in run["hosts"]] == ["stopped", "stopped", "no_result"]
    text = visible_text(render(context, "en", tmp_path)["html"])
    assert "db03 No task result recorded" in text
    assert "No task result was recorded for this host." in text


def test_a_failure_the_playbook_ignores_does_not_fail_the_host(tmp_path):
    context = load_context()
    task = context["runs"][1]["tasks"][6]
    task.update(status="failed", ignored=True, message="no reboot needed here")
    view = build_change_view(context)
    run = view["runs"][1]
    assert run["failed_task"] is None
    assert [h["status"] for h in run["hosts"]] == ["changed", "changed"]
    text = visible_text(render(context, "en", tmp_path)["html"])
    assert "(ignored by the playbook)" in text and "The run failed." not in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_signature_that_no_longer_verifies_is_shown_invalid(tmp_path, lang):
    words = WORDS[lang]
    context = load_context()
    for signoff in context["signoffs"]:
        if signoff["act"] == "approve":
            signoff["valid"] = False
    out = render(context, lang, tmp_path)
    part = section(out["html"], "approval")
    assert words["invalid"] in strip_tags(part)
    assert words["not_approved"] in strip_tags(part)
    assert words["invalid"] in md_text(out["md"])


@pytest.mark.parametrize("lang", LANGS)
def test_short_notice_and_a_single_person_are_said_plainly(tmp_path, lang):
    words = WORDS[lang]
    context = load_context()
    context["change"]["recorder"] = context["change"]["operator"]
    submit = next(s for s in context["signoffs"] if s["act"] == "submit")
    submit["signed_at"] = "2026-03-07T11:00:00Z"  # 19:00 CST, 3 h before 22:00
    out = render(context, lang, tmp_path)
    for text in (visible_text(out["html"]), md_text(out["md"])):
        assert words["short_notice"] in text
        assert words["same_person"] in text


def test_emergency_submitted_after_the_window_opened_is_not_short_notice():
    context = emergency_context()
    next(s for s in context["signoffs"] if s["act"] == "submit")["signed_at"] = (
        "2026-03-07T14:30:00Z")
    view = build_change_view(context)
    assert view["notice_minutes"] == -30
    assert view["short_notice"] is False


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize("lang", LANGS)
def test_every_checked_value_has_a_label_in_both_languages(lang):
    env = render_mod._environment(str(render_mod.templates_dir()), lang, "html")
    labels = env.get_template("change/partials/labels.j2").module
    groups = [
        (labels.state_label, change_view.CHANGE_STATES),
        (labels.kind_label, change_view.CHANGE_KINDS),
        (labels.org_label, change_view.ORGANISATIONS),
        (labels.run_status_label, change_view.RUN_STATUSES),
        (labels.mode_label, change_view.RUN_MODES),
        (labels.task_status_label, change_view.TASK_STATUSES),
        (labels.host_status_label, change_view.HOST_STATUSES),
        (labels.outcome_label, change_view.OUTCOMES),
        (labels.role_label, ("requester", "approver", "operator", "recorder", "attendee")),
    ]
    for macro, values in groups:
        texts = [str(macro(value)) for value in values]
        assert all(texts) and len(set(texts)) == len(texts), texts
        if lang == "zh-CN":
            assert all(CJK.search(text) for text in texts), texts
    for result in change_view.SCAN_RESULTS:
        assert str(labels.scan_label({"result": result}))
    acts = {str(labels.act_label(act, role)) for act, roles in change_view.ACT_ROLES.items()
            for role in roles}
    assert len(acts) == sum(len(roles) for roles in change_view.ACT_ROLES.values())


def test_zh_report_has_no_untranslated_template_text(rendered, context):
    from babel.messages.pofile import read_po

    data = data_strings(context)
    text = visible_text(rendered[("zh-CN", "html")]) + " " + md_text(rendered[("zh-CN", "md")])
    for item in sorted(data, key=len, reverse=True):
        if item.strip():
            text = text.replace(" ".join(item.split()), " ")
    po = render_mod.templates_dir() / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fileobj:
        catalog = read_po(fileobj)
    leftovers = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in filter(None, ids):
            for fragment in re.split(r"%\(\w+\)s|\{\w+\}", msgid):
                fragment = fragment.strip(" :,.;()")
                kept = any(fragment in string for string in strings)  # "SHA-256", "OpenSSH"
                if (len(fragment) >= 3 and re.search("[A-Za-z]{2}", fragment) and not kept
                        and re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text)):
                    leftovers.append(fragment)
    assert not leftovers, f"English template text in the zh-CN record: {leftovers}"
    heads = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", rendered[("zh-CN", "html")])
    assert heads and all(CJK.search(strip_tags(h)) for h in heads)


# ----------------------------------------------------------------------------- safety


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained(rendered, lang):
    page = rendered[(lang, "html")]
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
    assert not re.search(r"""(src|href)=["'](?!#)""", page), "external resource"
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        assert "<colgroup>" in table
    for anchor in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{anchor}"' in page


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_tables_keep_their_columns(rendered, lang):
    rendered_md = as_html(rendered[(lang, "md")])
    assert len(re.findall(r"<h2>", rendered_md)) == 7
    assert rendered_md.count("<table>") == 1 + 1 + 1 + 1 + 1 + 4 + 1
    for table in re.findall(r"<table>.*?</table>", rendered_md, flags=re.S):
        widths = {len(re.findall(r"<t[hd]", row))
                  for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_notices_keep_their_lines(tmp_path, lang):
    """Whitespace control is delicate: each notice line stays a line of its blockquote."""
    context = failed_context()
    context["change"]["emergency"] = {"is_emergency": True, "reason": "a disk failed"}
    context["signoffs"] = [s for s in context["signoffs"] if s["act"] != "approve"]
    md = render(context, lang, tmp_path, formats=("md",))["md"]
    glued = [line for line in md.splitlines() if re.search(r"[^\s\\]>(\s|$)", line)]
    assert not glued, glued
    quotes = [html.unescape(q) for q in
              re.findall(r"<blockquote>(.*?)</blockquote>", as_html(md), flags=re.S)]
    words = WORDS[lang]
    emergency = next(q for q in quotes if words["emergency"] in q)
    assert emergency.count("\n") >= 3  # flag, reason, awaiting: one line each
    assert "a disk failed" in emergency and words["awaiting"] in emergency
    failed = next(q for q in quotes if words["failed"] in q)
    assert words["stopped"] in failed and words["rollback_applies"] in failed


def test_hostile_text_cannot_break_out_of_html_or_markdown(tmp_path):
    context = failed_context()
    evil = '</td></table><script>alert(1)</script> | *x* [l](http://e) & "q"'
    context["change"]["title"] = evil
    context["change"]["purpose"] = "1. <b>bold</b>\n# not a heading\n| a | b |"
    context["change"]["steps"][0] = "<img src=x onerror=alert(1)>"
    context["change"]["variables"] = {"note": "</span><script>x</script>"}
    context["runs"][1]["tasks"][3]["message"] = "`tick` <script>alert(2)</script> | |"
    context["people"][0]["name"] = "<i>王芳</i> | x"
    context["site"]["client"] = 'R&D "Bank" </style><script>'
    out = render(context, "en", tmp_path)
    page = out["html"]
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;/table&gt;" in page
    style = re.search(r"<style>.*?</style>", page, flags=re.S).group(0)
    assert style.count("</style>") == 1
    md_html = as_html(out["md"])
    assert "<script" not in md_html.lower() and "<img" not in md_html.lower()
    assert "<h1>" in md_html and md_html.count("<h1>") == 1  # "# not a heading" stays text
    for table in re.findall(r"<table>.*?</table>", md_html, flags=re.S):
        widths = {len(re.findall(r"<t[hd]", row))
                  for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table


# ----------------------------------------------------------------------------- determinism


def test_rerender_is_byte_identical(tmp_path, context):
    first = render_report("change", context, "zh-CN", FORMATS, tmp_path / "a")
    second = render_report("change", copy.deepcopy(context), "zh-CN", FORMATS, tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_input_order_does_not_change_the_record(tmp_path, context, lang):
    shuffled = copy.deepcopy(context)
    rng = random.Random(7)
    for key in ("signoffs", "runs", "audit", "people"):
        rng.shuffle(shuffled[key])
    for run in shuffled["runs"]:
        rng.shuffle(run["tasks"])
        run["hosts"].reverse()
    assert [s["act"] for s in shuffled["signoffs"]] != [s["act"] for s in context["signoffs"]]
    one = render(context, lang, tmp_path)
    two = render(shuffled, lang, tmp_path)
    assert one == two


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda c: c["change"].update(state="done"), "change.state: 'done' is not one of"),
        (lambda c: c["change"].update(kind="patch"), "change.kind: 'patch'"),
        (lambda c: c["runs"][0].update(status="ok"), "runs[0].status: 'ok'"),
        (lambda c: c["runs"][1].update(mode="real"), "runs[1].mode: 'real'"),
        (lambda c: c["runs"][1]["tasks"][2].update(status="done"), "runs[1].tasks[2].status"),
        (lambda c: c["signoffs"][0].update(act="sign"), "signoffs[0].act: 'sign'"),
        (lambda c: c["signoffs"][1].update(role="requester"), "signoffs[1].role: 'requester'"),
        (lambda c: c["closing"].update(outcome="fine"), "closing.outcome: 'fine'"),
        (lambda c: c["people"][0].update(organisation="vendor"), "people[0].organisation"),
        (lambda c: c["change"]["media"][0]["scan"].update(result="ok"),
         "change.media[0].scan.result: 'ok'"),
        (lambda c: c.update(file_stem="../change-x"), "file stem '../change-x'"),
        (lambda c: c["change"].pop("rollback_plan"), "rollback_plan"),
        (lambda c: c["site"].update(timezone="Mars/Olympus"), "Mars/Olympus"),
    ],
)
def test_bad_context_raises_and_writes_nothing(tmp_path, context, mutate, match):
    mutate(context)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{STEM}.en.html").write_text("previous\n", encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(match)) as info:
        render_report("change", context, "en", ["html", "md"], out)
    assert isinstance(info.value, WeibaoError)
    assert "CR-2026-0001" in str(info.value) or match in ("file stem '../change-x'",
                                                          "rollback_plan", "Mars/Olympus")
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.en.html"]
    assert (out / f"{STEM}.en.html").read_text(encoding="utf-8") == "previous\n"


def test_monthly_names_are_unchanged_without_a_file_stem(tmp_path):
    monthly = json.loads((FIXTURE.parent / "monthly_context.json").read_text(encoding="utf-8"))
    assert "file_stem" not in monthly
    name = render_mod.output_name("monthly", monthly, "en", "html")
    assert name == f"monthly-{monthly['site']['name']}-{monthly['period']}.en.html"
