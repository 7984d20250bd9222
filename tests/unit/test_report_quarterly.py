"""The quarterly hardware health report (季度硬件健康报告): hardware state per device, cache and
pool use, availability from fault tickets and unreachable inspections, fault distribution,
maintenance types, findings across the quarter, recommendations deduplicated by check, SLA
compliance; rendered in English and Chinese as HTML and Markdown, an empty quarter said so."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from report_periods_env import CST, SITE, TZ, fill, inspect, utc

from weibao.errors import NotFound
from weibao.report.base import ReportError
from weibao.report.kind import ReportRequest
from weibao.report.kinds import all_kinds, get_kind
from weibao.report.kinds.quarterly import data
from weibao.report.render import render_to_strings
from weibao.services.faults import FaultService
from weibao.store import Store

AFTER = utc(2027, 1, 5)
KIND = get_kind("quarterly")


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield s
    s.dispose()


@pytest.fixture
def filled(store, tmp_path):
    fill(store, tmp_path)
    return store


def context(store, period="2026-Q4", now=AFTER, inventory=None):
    return KIND.build_context(store, ReportRequest(site=SITE, period=period, now=now,
                                                   inventory=inventory))


def by(items, key, value):
    return next(i for i in items if i[key] == value)


def test_registered_with_its_file_stem():
    assert "quarterly" in [k.name for k in all_kinds()]
    assert KIND.period == "quarter" and KIND.subject == "period"
    assert KIND.title_in("zh-CN") == "季度硬件健康报告"
    assert KIND.file_stem({"site": {"name": SITE}, "period": "2026-Q4"}) == "quarterly-lab-2026-Q4"


def test_hardware_state_per_device_is_the_worst_status_per_area(filled):
    ctx = context(filled)
    db = by(ctx["devices"], "name", "db01")
    # the latest inspection that reached db01 (5 Dec): the disk is ok again, the sensor too
    assert db["inspected_at"] == "2026-12-05T02:04:00Z"
    assert db["groups"] == {"environment": "ok", "storage": "ok", "network": None, "aix": None}
    assert db["assessment"] == "good"
    assert (db["inspections"], db["unreachable"]) == (4, 1)  # tried 4 times, 1 not reached
    arr = by(ctx["devices"], "name", "arr01")
    assert arr["groups"]["storage"] == "ok" and arr["platform"] == "array"
    # a host with no hardware check at all is said so, not "good"
    assert by(ctx["devices"], "name", "app01")["assessment"] == "not_checked"


def test_assessment_words():
    assert data.assessment("inspected", {"storage": "warning", "environment": "ok"}) == \
        "attention"
    assert data.assessment("inspected", {"storage": "critical"}) == "fault"
    assert data.assessment("inspected", {"storage": "unknown", "aix": None}) == "unknown"
    assert data.assessment("unreachable", {"storage": "ok"}) == "not_inspected"


def test_cache_and_pool_use_from_the_findings_values(filled):
    ctx = context(filled)
    cache = [c for c in ctx["cache"] if c["kind"] == "cache_used"]
    pools = [c for c in ctx["cache"] if c["kind"] == "pool_used"]
    assert [(c["host"], c["component"], c["value"]) for c in cache] == [("arr01", "ctrl0", 42.0)]
    assert [(c["host"], c["component"], c["value"]) for c in pools] == [("arr01", "pool0", 71.5)]


def test_availability_from_faults_and_unreachable_inspections(filled):
    ctx = context(filled)
    assert ctx["frame"]["hours"] == 92 * 24  # October to December
    db = by(ctx["availability"], "host", "db01")
    # P2 disk fault 10:00-13:00 (3 h), unreachable from the 5 Nov inspection to the next that
    # reached it on 6 Nov (24 h); the P4 question counts for nothing
    assert (db["fault_hours"], db["unreachable_hours"], db["unavailable_hours"]) == (3, 24, 27)
    assert db["availability_pct"] == round(100 * (2208 - 27) / 2208, 2) == 98.78
    assert db["faults"] == ["F-2026-0001"]
    arr = by(ctx["availability"], "host", "arr01")
    assert (arr["fault_hours"], arr["availability_pct"]) == (1.5, 99.93)
    assert by(ctx["availability"], "host", "app01")["availability_pct"] == 100.0


def test_overlapping_fault_and_unreachable_time_counts_once(store):
    inspect(store, utc(2026, 10, 5, 0), {"db01": {"status": "unreachable"}})
    inspect(store, utc(2026, 10, 5, 10), {"db01": {}})
    faults = FaultService(store, lambda: utc(2026, 10, 6), "li.wei")
    ticket = faults.open(SITE, "db01", "P1", "down", reported_at=utc(2026, 10, 5, 2),
                         timezone=TZ)
    faults.close(ticket.ticket_id, cause="x", resolution="y", times={
        "responded_at": utc(2026, 10, 5, 2), "restored_at": utc(2026, 10, 5, 12)})
    db = by(context(store)["availability"], "host", "db01")
    # unreachable 00:04-10:04 and the fault 02:00-12:00: 00:04 to 12:00, not 10 h + 10 h
    assert (db["unreachable_hours"], db["fault_hours"]) == (10, 10)
    assert db["unavailable_hours"] == pytest.approx(11.933, abs=0.001)


def test_a_quarter_in_progress_counts_to_now_and_an_open_fault_to_now(filled):
    now = utc(2026, 11, 21, 0)
    faults = FaultService(filled, lambda: now, "li.wei")
    faults.open(SITE, "app01", "P3", "fan noise", reported_at=utc(2026, 11, 20, 12),
                timezone=TZ)
    ctx = context(filled, now=now)
    frame = ctx["frame"]
    assert frame["in_progress"] and frame["to_day"] == "2026-11-21"
    hours = (now - dt.datetime(2026, 10, 1, tzinfo=CST)).total_seconds() / 3600
    assert frame["hours"] == round(hours, 3)
    app = by(ctx["availability"], "host", "app01")
    assert app["fault_hours"] == 12
    assert app["availability_pct"] == round(100 * (hours - 12) / hours, 2)
    md = render_to_strings(KIND, ctx, "en", ["md"])["md"]
    assert "2026-10-01 to 2026-11-21 (in progress; the period ends 2026-12-31)" in md


def test_fault_distribution_maintenance_and_sla(filled):
    ctx = context(filled)
    faults = ctx["faults"]
    assert faults["total"] == 3
    assert faults["by_device"] == [{"name": "db01", "count": 2}, {"name": "arr01", "count": 1}]
    assert {r["name"]: r["count"] for r in faults["by_component"]} == {
        "(not given)": 1, "controller": 1, "disk": 1}
    assert faults["by_priority"] == {"P1": 1, "P2": 1, "P3": 0, "P4": 1}
    clocks = faults["sla"]["clocks"]
    # the P1 controller fault was answered after 45 minutes (target 30): 2 of 3 met
    assert (clocks["response"]["met"], clocks["response"]["missed"]) == (2, 1)
    assert clocks["response"]["percent_met"] == 66.7
    assert clocks["restore"]["percent_met"] == 100.0
    work = ctx["maintenance"]
    assert (work["inspections"], work["hosts_inspected"], work["fault_repairs"]) == (4, 3, 3)
    assert work["changes_by_kind"] == [{"name": "os_patch", "count": 2},
                                       {"name": "firmware_upgrade", "count": 1}]
    assert work["backups"] == {"total": 3, "verified": 2, "unverified": 0, "failed": 1}
    assert work["service_records"] == 1


def test_findings_across_the_quarter_and_recommendations_by_check(filled):
    ctx = context(filled)
    counts = ctx["lifecycle"]["counts"]
    assert (counts["new"], counts["resolved"], counts["open"]) == (3, 1, 2)
    assert [(m["period"], m["new"], m["resolved"], m["open"])
            for m in ctx["lifecycle"]["months"]] == [
        ("2026-10", 1, 0, 1), ("2026-11", 1, 0, 2), ("2026-12", 1, 1, 2)]
    recs = ctx["recommendations"]
    assert len(recs) == 1  # the same check on two hosts: one recommendation
    assert (recs[0]["check_id"], recs[0]["status"], recs[0]["hosts"]) == (
        "system.filesystem_usage", "critical", ["app01", "db01"])


def test_rendered_in_both_languages(filled):
    ctx = context(filled)
    json.dumps(ctx)  # JSON-able
    zh = render_to_strings(KIND, ctx, "zh-CN", ["html", "md"])
    en = render_to_strings(KIND, ctx, "en", ["html", "md"])
    for text in zh.values():
        for words in ("季度硬件健康报告", "硬件系统工作状态检查与评估", "磁盘系统 CACHE 使用率",
                      "硬件可用性", "98.78%", "故障分布和维护类型", "设备配置和参数设置优化建议",
                      "服务水平达标情况", "66.7%", "42%", "存储、RAID 与磁盘阵列", "固件升级",
                      "可用性（百分比）= 100 ×"):
            assert words in text, words
    for text in en.values():
        for words in ("Quarterly Hardware Health Report", "Hardware availability", "98.78%",
                      "Faults by component", "Operating system patch 2",
                      "System backups: 3 (2 verified, 1 failed)",
                      "Availability (per cent) = 100 × "):
            assert words in text, words
    # the charts: fault distribution and findings per month, labelled in the language
    assert zh["html"].count("<svg") == 2 and en["html"].count("<svg") == 2
    assert "每月问题数" in zh["html"] and "Findings per month" in en["html"]
    # two charts on one page share no SVG id (clip paths, glyphs)
    ids = re.findall(r'\bid="([^"]+)"', zh["html"])
    assert ids and len(ids) == len(set(ids))
    # times in the site's zone
    assert "2026-12-05 10:04 CST" in en["md"]
    # the same context gives the same bytes
    assert render_to_strings(KIND, ctx, "zh-CN", ["html"])["html"] == zh["html"]


def test_an_empty_quarter_says_so(filled):
    ctx = context(filled, period="2026-Q2")
    assert ctx["empty"] and ctx["devices"] == [] and ctx["faults"]["total"] == 0
    en = render_to_strings(KIND, ctx, "en", ["html", "md"])
    zh = render_to_strings(KIND, ctx, "zh-CN", ["html", "md"])
    for text in en.values():
        assert "Nothing was recorded for this site in this quarter" in text
        assert "No fault was reported this quarter." in text
        assert "<table" not in text.split("Hardware state and assessment")[1].split(
            "Disk system")[0]
    for text in zh.values():
        assert "本季度该站点没有任何记录" in text
        assert "<svg" not in text


@pytest.mark.parametrize("period", ["2026-11", "2026", "2026-Q5", None])
def test_a_period_that_is_not_a_quarter_is_refused(filled, period):
    with pytest.raises(ReportError) as err:
        context(filled, period=period)
    assert "YYYY-QN" in err.value.render()


def test_an_unknown_site_is_refused(store):
    with pytest.raises(NotFound):
        KIND.build_context(store, ReportRequest(site="nowhere", period="2026-Q4", now=AFTER))


def test_the_command_line_writes_every_format(tmp_path):
    from report_periods_env import cli_report, filled_data_dir, pdf_and_word_text

    data_dir, out = filled_data_dir(tmp_path), tmp_path / "out"
    result = cli_report(data_dir, "quarterly", "--site", SITE, "--period", "2026-Q4",
                        "--lang", "zh-CN", "--format", "html,md,json,pdf,docx",
                        "--out", str(out))
    assert result.exit_code == 0, result.output
    stem = "quarterly-lab-2026-Q4.zh-CN"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}.{ext}" for ext in ("html", "md", "json", "pdf", "docx"))
    pdf, word = pdf_and_word_text(out, stem)
    for text in (pdf, word):
        # the real clock: the quarter is still in progress
        assert "季度硬件健康报告" in text and "硬件可用性" in text and "进行中" in text
    bad = cli_report(data_dir, "quarterly", "--site", SITE, "--period", "2026-11")
    assert bad.exit_code != 0 and "YYYY-QN" in bad.output


def test_the_quarter_is_the_sites_calendar_quarter(store):
    inspect(store, utc(2026, 9, 30, 17), {"db01": {}})  # 1 October 01:00 in Shanghai
    faults = FaultService(store, lambda: utc(2026, 10, 2), "li.wei")
    faults.open(SITE, "db01", "P3", "fan", reported_at=dt.datetime(2026, 10, 1, 0, 30,
                                                                    tzinfo=CST), timezone=TZ)
    q4, q3 = context(store), context(store, period="2026-Q3")
    assert q4["frame"]["start"] == "2026-09-30T16:00:00Z"
    assert (q4["faults"]["total"], q3["faults"]["total"]) == (1, 0)
    # the run's period is its month in the site's zone (October): counted in the fourth quarter
    assert q4["maintenance"]["inspections"] == 1 and q3["maintenance"]["inspections"] == 0
    future = context(store, period="2027-Q2")
    assert future["frame"]["hours"] == 0 and future["empty"]
    assert all(a["availability_pct"] is None for a in future["availability"])
