"""The annual service summary (年度服务总结报告): the year's statistics, service records, parts
replaced, joint meetings (meetings.yml, checked), recommendations, the final state; the service
year from weibao_site.service_year_start (checked); the reminder 15 days before it ends, in
both languages; rendered in English and Chinese as HTML and Markdown."""

from __future__ import annotations

import json

import pytest
from report_periods_env import SITE, fill, utc

from weibao.errors import ConfigError
from weibao.i18n import cli_gettext
from weibao.report.base import ReportError
from weibao.report.kind import ReportRequest
from weibao.report.kinds import all_kinds, get_kind
from weibao.report.kinds.annual import remind, remind_line, service_year
from weibao.report.kinds.annual.meetings import load_meetings
from weibao.report.render import render_to_strings
from weibao.store import Store

AFTER = utc(2027, 1, 5)
KIND = get_kind("annual")
MEETINGS = """\
meetings:
  - date: 2026-06-18
    title: 半年度联合工作会议
    attendees: [li.wei, 王芳]
    minutes: 回顾上半年巡检与故障处理情况。
    actions: 下季度更换 db01 的磁盘。
  - date: 2025-12-01
    title: last year's meeting
    attendees: [li.wei]
    minutes: not of 2026
"""


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield s
    s.dispose()


@pytest.fixture
def filled(store, tmp_path):
    fill(store, tmp_path)
    return store


def inventory(tmp_path, start=None, meetings=MEETINGS):
    folder = tmp_path / "inventories" / SITE
    folder.mkdir(parents=True, exist_ok=True)
    extra = f'      service_year_start: "{start}"\n' if start is not None else ""
    (folder / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site:\n"
        f"      name: {SITE}\n      timezone: Asia/Shanghai\n      client: 示例客户\n"
        f"      provider: 维保方\n{extra}"
        "  hosts:\n    db01:\n      ansible_host: 127.0.0.1\n", encoding="utf-8")
    if meetings is not None:
        (folder / "meetings.yml").write_text(meetings, encoding="utf-8")
    return folder


def context(store, period="2026", now=AFTER, inv=None):
    return KIND.build_context(store, ReportRequest(site=SITE, period=period, now=now,
                                                   inventory=inv))


def test_registered_with_its_file_stem():
    assert "annual" in [k.name for k in all_kinds()]
    assert KIND.period == "year" and KIND.title_in("zh-CN") == "年度服务总结报告"
    assert KIND.file_stem({"site": {"name": SITE}, "period": "2026"}) == "annual-lab-2026"


def test_the_years_statistics(filled):
    ctx = context(filled)
    stats = ctx["stats"]
    assert (stats["inspections"], stats["hosts_inspected"]) == (4, 3)
    assert stats["faults_by_priority"] == {"P1": 1, "P2": 1, "P3": 0, "P4": 1}
    assert stats["sla"]["clocks"]["response"]["percent_met"] == 66.7
    assert stats["sla"]["clocks"]["onsite"]["percent_met"] == 100.0
    assert stats["changes_by_kind"] == [
        {"kind": "firmware_upgrade", "outcomes": {"rolled_back": 1}, "total": 1},
        {"kind": "os_patch", "outcomes": {"not_closed": 1, "success": 1}, "total": 2}]
    assert stats["backups"] == {"total": 3, "verified": 2, "unverified": 0, "failed": 1}
    assert stats["parts_replaced"] == 1
    assert ctx["parts"][0]["serial_out"] == "SN-OUT-1"
    assert [r["id"] for r in ctx["service_records"]] == ["S-2026-0001"]
    assert ctx["service_records"][0]["fault"] == "F-2026-0001"
    counts = ctx["lifecycle"]["counts"]
    assert (counts["new"], counts["resolved"], counts["open"]) == (3, 1, 2)
    assert len(ctx["lifecycle"]["months"]) == 12


def test_final_state_is_each_hosts_latest_inspection(filled):
    ctx = context(filled)
    final = {h["name"]: h for h in ctx["final_state"]}
    assert sorted(final) == ["app01", "arr01", "db01"]
    assert final["db01"]["worst_status"] == "critical"
    assert [f["check_id"] for f in final["db01"]["open_findings"]] == ["system.filesystem_usage"]
    assert ctx["recommendations"][0]["hosts"] == ["app01", "db01"]


def test_meetings_of_the_year_from_the_sites_file(filled, tmp_path):
    ctx = context(filled, inv=inventory(tmp_path))
    assert [m["title"] for m in ctx["meetings"]] == ["半年度联合工作会议"]
    assert ctx["stats"]["meetings"] == 1
    zh = render_to_strings(KIND, ctx, "zh-CN", ["html", "md"])
    for text in zh.values():
        assert "半年度联合工作会议" in text and "下季度更换 db01 的磁盘" in text


@pytest.mark.parametrize(("text", "field", "problem"), [
    ("meetings: {a: 1}\n", "meetings", "expected a list of meetings"),
    ("meetings:\n  - {date: 2026-13-01, title: t, attendees: [a], minutes: m}\n",
     "meetings[0].date", "is not a date"),
    ("meetings:\n  - {date: 2026-06-01, attendees: [a], minutes: m}\n",
     "meetings[0].title", "missing"),
    ("meetings:\n  - {date: 2026-06-01, title: t, attendees: a, minutes: m}\n",
     "meetings[0].attendees", "expected a list"),
    ("meetings:\n  - {date: 2026-06-01, title: t, attendees: [a], minutes: m, who: x}\n",
     "meetings[0].who", "unknown field"),
    ("other: 1\n", "meetings", "expected a mapping with one key"),
])
def test_a_bad_meetings_file_is_one_line_naming_file_and_field(tmp_path, text, field, problem):
    path = tmp_path / "meetings.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_meetings(path)
    line = err.value.render()
    assert "\n" not in line and str(path) in line and f": {field}: " in line and problem in line


def test_the_service_year_follows_the_site_setting(filled, tmp_path):
    ctx = context(filled, inv=inventory(tmp_path, start="04-01"))
    assert (ctx["frame"]["first_day"], ctx["frame"]["last_day"]) == ("2026-04-01", "2027-03-31")
    assert ctx["months"][0] == "2026-04" and ctx["months"][-1] == "2027-03"
    assert ctx["stats"]["inspections"] == 4


@pytest.mark.parametrize("bad", ["13-01", "02-29", "4-1", "04/01"])
def test_a_bad_service_year_start_is_refused(filled, tmp_path, bad):
    inv = inventory(tmp_path, start=bad)
    with pytest.raises(ConfigError) as err:
        context(filled, inv=inv)
    line = err.value.render()
    assert "weibao_site.service_year_start" in line and "MM-DD" in line and "\n" not in line


def test_the_reminder_starts_15_days_before_the_year_ends(filled):
    # calendar service year, site time Asia/Shanghai: 16 December (CST) is 16 days before
    # 1 January, 17 December is 15
    early = remind(filled, SITE, None, utc(2026, 12, 15, 16, 30))  # 16 Dec 00:30 CST
    due = remind(filled, SITE, None, utc(2026, 12, 16, 16, 30))  # 17 Dec 00:30 CST
    late_utc = remind(filled, SITE, None, utc(2026, 12, 16, 15, 30))  # still 16 Dec in CST
    assert (early.days_left, early.due) == (16, False)
    assert (due.days_left, due.due) == (15, True)
    assert (late_utc.days_left, late_utc.due) == (16, False)
    assert (due.first_day, due.last_day, due.year) == ("2026-01-01", "2026-12-31", 2026)
    en = remind_line(filled, SITE, None, utc(2026, 12, 16, 16, 30), cli_gettext("en"))
    zh = remind_line(filled, SITE, None, utc(2026, 12, 16, 16, 30), cli_gettext("zh-CN"))
    assert en.startswith("Annual service summary due") and "15 day(s)" in en
    assert "weibao report annual --site lab --period 2026" in en
    assert zh.startswith("年度服务总结报告到期") and "还有 15 天" in zh
    not_yet = remind_line(filled, SITE, None, utc(2026, 12, 15, 16, 30), cli_gettext("zh-CN"))
    assert "尚未到期" in not_yet and "16 天" in not_yet


def test_the_reminder_follows_the_sites_service_year(filled, tmp_path):
    inv = inventory(tmp_path, start="04-01")
    r = remind(filled, SITE, inv, utc(2027, 3, 16, 16))  # 17 March CST: 15 days to 1 April
    assert (r.year, r.days_left, r.due, r.last_day) == (2026, 15, True, "2027-03-31")
    assert not remind(filled, SITE, inv, utc(2027, 3, 15, 16)).due


def test_service_year_helpers():
    assert service_year.parse_start({}, "inv") == (1, 1)
    assert service_year.parse_start({"service_year_start": "04-01"}, "inv") == (4, 1)
    assert service_year.current_year((4, 1), utc(2027, 3, 31).date()) == 2026
    assert service_year.current_year((4, 1), utc(2027, 4, 1).date()) == 2027


def test_rendered_in_both_languages(filled, tmp_path):
    ctx = context(filled, inv=inventory(tmp_path))
    json.dumps(ctx)
    zh = render_to_strings(KIND, ctx, "zh-CN", ["html", "md"])
    en = render_to_strings(KIND, ctx, "en", ["html", "md"])
    for text in zh.values():
        for words in ("年度服务总结报告", "年度保修工作统计", "保修工作记录", "更换部件统计",
                      "联合工作会议记录", "系统管理建议", "最终系统状态检查和评估", "SN-OUT-1",
                      "66.7%", "已回退 1", "S-2026-0001", "2026 服务年度"):
            assert words in text, words
    for text in en.values():
        for words in ("Annual Service Summary", "The year's statistics",
                      "Faults: 3 (P1 1, P2 1, P3 0, P4 1)", "Parts replaced: 1",
                      "Joint meeting records", "Final system state check and assessment",
                      "Rolled back 1", "2026-10-10 11:30 CST"):
            assert words in text, words
    assert zh["html"].count("<svg") == 1  # findings per month


def test_an_empty_year_says_so(filled):
    ctx = context(filled, period="2025")
    assert ctx["empty"]
    for lang, phrase in (("en", "Nothing was recorded for this site in this service year"),
                         ("zh-CN", "本服务年度该站点没有任何记录")):
        for text in render_to_strings(KIND, ctx, lang, ["html", "md"]).values():
            assert phrase in text
            assert "<table" not in text.split("7.")[-1]


@pytest.mark.parametrize("period", ["2026-Q1", "26", None])
def test_a_period_that_is_not_a_year_is_refused(filled, period):
    with pytest.raises(ReportError) as err:
        context(filled, period=period)
    assert "YYYY" in err.value.render()


def test_the_command_line_writes_every_format(tmp_path):
    from report_periods_env import cli_report, filled_data_dir, pdf_and_word_text

    data_dir, out = filled_data_dir(tmp_path), tmp_path / "out"
    result = cli_report(data_dir, "annual", "--site", SITE, "--period", "2026", "--lang", "en",
                        "--format", "html,md,json,pdf,docx", "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf, word = pdf_and_word_text(out, "annual-lab-2026.en")
    for text in (pdf, word):
        assert "Annual Service Summary" in text and "SN-OUT-1" in text


def test_remind_command_prints_and_reads_now_in_the_site_zone(filled, capsys):
    from weibao.report.kinds.annual import remind_command

    class App:
        store = filled
        _ = staticmethod(cli_gettext("en"))

    remind_command(App(), SITE, None, "2026-12-17T00:30")  # CST: 15 days left
    assert capsys.readouterr().out.startswith("Annual service summary due")
    remind_command(App(), SITE, None, "2026-12-16T23:30", lang="zh-CN")  # 16 days
    assert "尚未到期" in capsys.readouterr().out
    with pytest.raises(ConfigError) as err:
        remind_command(App(), SITE, None, "17 Dec")
    assert "--now" in err.value.render()
    with pytest.raises(ConfigError):
        remind_command(App(), None, None, None)


def test_people_are_shown_by_their_names(filled, tmp_path, keys):
    from change_env import people_text

    inv = inventory(tmp_path)
    text = people_text(keys).replace("    name: li.wei\n", "    name: 李伟\n")
    (inv / "people.yml").write_text(text, encoding="utf-8")
    ctx = context(filled, inv=inv)
    assert ctx["service_records"][0]["engineers"] == ["李伟"]
    assert ctx["meetings"][0]["attendees"] == ["李伟", "王芳"]  # an id by name, a name as is


def test_remind_on_the_command_line_in_both_languages(tmp_path):
    from report_periods_env import cli_report, filled_data_dir

    data_dir = filled_data_dir(tmp_path)
    due = cli_report(data_dir, "annual", "--remind", "--site", SITE, "--now",
                     "2026-12-17T09:00")
    assert due.exit_code == 0 and due.output.startswith("Annual service summary due")
    early = cli_report(data_dir, "annual", "--remind", "--site", SITE, "--now",
                       "2026-12-16T09:00", "--lang", "zh-CN")
    assert early.exit_code == 0 and "尚未到期" in early.output and "16 天" in early.output
    assert not (tmp_path / "reports").exists()  # nothing written
    misuse = cli_report(data_dir, "annual", "--site", SITE, "--period", "2026", "--now",
                        "2026-12-16T09:00", "--out", str(tmp_path / "out"))
    assert misuse.exit_code != 0 and "--now is used only with --remind" in misuse.output
    assert not (tmp_path / "out").exists()
