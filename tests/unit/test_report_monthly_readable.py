"""The monthly report as the client's IT manager reads it: the overall conclusion and the
health score first (deductions summed, capped per device), the measured values in words (no
English value keys in the Chinese report), findings new, resolved and waived since last month
(from the lifecycle service over three inspections), manual on-site items marked as manual,
inspectors by name and a month still in progress said so ("to <date>" / "截至")."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from report_periods_env import FS, SITE, TZ, inspect, utc

from weibao.report.kind import ReportRequest
from weibao.report.kinds import get_kind
from weibao.report.kinds.monthly.readable import (
    CAP_PER_DEVICE,
    health_score,
    measured,
)
from weibao.report.kinds.monthly.view import build_view
from weibao.report.render import render_to_strings
from weibao.store import FindingIssue, FindingWaiver, OnsiteVisit, Store

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "monthly_context.json"
KIND = get_kind("monthly")


def visible(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>|<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def body_of(html: str) -> str:
    """The report without its appendix (the raw evidence lives there)."""
    return html[: html.index('id="appendix"')]


@pytest.fixture
def context():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- score


def test_score_deductions_are_summed_per_device(context):
    health = build_view(context)["health"]
    by_host = {d["host"]: d for d in health["devices"]}
    # app02 unreachable: 15; db01 critical 10 + warning 4 + unknown 2; web03 failed 15 + warning 4
    assert by_host["app02"]["points"] == 15
    assert by_host["db01"]["points"] == 16
    assert [i["points"] for i in by_host["db01"]["items"]] == [10, 4, 2]
    assert by_host["web03"]["points"] == 19
    assert health["deducted"] == 50 and health["score"] == 50


def test_score_is_capped_per_device_and_never_below_zero():
    host = {"name": "db01", "status": "inspected",
            "findings": [{"check_id": FS, "component": f"/d{i}", "status": "critical"}
                         for i in range(5)]}
    health = health_score([host])
    device = health["devices"][0]
    assert device["raw"] == 50 and device["points"] == CAP_PER_DEVICE and device["capped"]
    assert health["score"] == 100 - CAP_PER_DEVICE
    many = [dict(host, name=f"h{i}") for i in range(6)]
    assert health_score(many)["score"] == 0


def test_a_healthy_site_scores_100_and_says_nothing_needs_attention():
    host = {"name": "web01", "status": "inspected",
            "findings": [{"check_id": FS, "component": "/", "status": "ok",
                          "values": {"used_pct": 22}}]}
    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    context["hosts"] = [host]
    view = build_view(context)
    assert view["health"]["score"] == 100
    assert view["conclusion"]["en"].startswith("1 device inspected, nothing needs attention")


def test_conclusion_names_what_needs_attention(context):
    words = build_view(context)["conclusion"]
    assert "db01 (Filesystem space, critical; 1 more)" in words["en"]
    assert "2 devices could not be inspected: app02 (unreachable)" in words["en"]
    assert "Health score 50 out of 100" in words["en"]
    assert "db01（文件系统空间，严重，另 1 项）" in words["zh-CN"]
    assert "app02（不可达）" in words["zh-CN"]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_conclusion_and_score_come_first(context, lang):
    html = render_to_strings(KIND, context, lang, ["html"])["html"]
    overview, summary = html.index('id="overview"'), html.index('id="summary"')
    assert html.index('id="cover"') < overview < summary
    part = visible(html[overview:summary])
    assert ("总体结论" if lang == "zh-CN" else "Overall conclusion") in part
    assert ("健康评分：50 分" if lang == "zh-CN" else "Health score: 50 / 100") in part
    # the deduction table of the report itself
    assert ("每项严重问题 10" if lang == "zh-CN" else "Each critical finding 10") in part
    assert "−16" in part and "−50" in part


# ----------------------------------------------------------------------------- values in words


def test_formatters_write_values_in_words():
    fs = measured({"check_id": FS, "component": "/", "values": {
        "used_pct": 22.0, "avail_bytes": 79 * 1024 ** 3, "size_bytes": 101 * 1024 ** 3}})
    assert fs == {"en": "/ 22% used, 79.0 GiB free", "zh-CN": "/ 已用 22%，剩余 79.0 GiB"}
    memory = measured({"check_id": "system.memory", "component": "memory",
                       "values": {"used_pct": 31, "total_kb": 65847295}})
    assert memory["en"] == "31% used of 62.8 GiB"
    load = measured({"check_id": "system.load", "component": "cpu",
                     "values": {"load15": 1.2, "cpu_count": 8, "load15_per_cpu": 0.15}})
    assert load == {"en": "load 1.2 on 8 CPUs", "zh-CN": "负载 1.2（8 个 CPU）"}
    values = {"processes": 312, "sample_seconds": 1}
    for rank, (name, pid, pct) in enumerate([("java", 812, 45.0), ("postgres", 901, 12.5),
                                              ("nginx", 77, 3.0), ("cron", 5, 0.1)], 1):
        values.update({f"cpu_{rank}_name": name, f"cpu_{rank}_pid": pid,
                       f"cpu_{rank}_pct": pct, f"mem_{rank}_rss_kb": 1000})
    top = measured({"check_id": "system.top_processes", "values": values})
    assert top["en"] == ("java (pid 812) 45% CPU; postgres (pid 901) 12.5% CPU; "
                         "nginx (pid 77) 3% CPU")
    assert "cron" not in top["en"] and "mem_" not in top["zh-CN"]


def test_without_a_formatter_at_most_three_pairs_with_named_keys():
    text = measured({"check_id": "other.thing", "values": {
        "error_lines": 14, "a": 1, "b": 2, "c": 3, "d": 4}})
    assert text["zh-CN"].startswith("错误行数 14")
    assert text["en"].count(";") == 2  # three pairs


def test_chinese_report_body_has_no_english_keys_of_formatted_families(context):
    html = render_to_strings(KIND, context, "zh-CN", ["html"])["html"]
    body = visible(body_of(html))
    for key in ("used_pct", "size_gb", "load15_per_cpu", "cpus", "total_mb", "error_lines",
                "warning 85", "critical 95"):
        assert key not in body, key
    assert "/var 已用 96.2%，剩余 1.9 GiB (警告 85，严重 95)" in body
    # the evidence (command output) is in the appendix only
    assert "/dev/mapper/vg0-var" not in body
    assert "/dev/mapper/vg0-var" in html[html.index('id="appendix"'):]


def test_a_healthy_host_is_a_few_lines(context):
    host = dict(context["hosts"][0], name="ok01")
    host["findings"] = [f | {"host": "ok01"} for f in host["findings"] if f["status"] == "ok"]
    host["counts"] = {"critical": 0, "warning": 0, "unknown": 0, "ok": len(host["findings"])}
    host["worst_status"] = "ok"
    context["hosts"] = [host]
    context["findings"] = list(host["findings"])
    context["recommendations"] = []
    html = render_to_strings(KIND, context, "en", ["html"])["html"]
    part = html[html.index('id="host-1"'): html.index('id="hardware"')]
    assert '<table class="findings">' not in part
    text = visible(part)
    assert "All 16 checks OK." in text and "Areas checked:" in text
    assert "memory 61.3% used of 62.7 GiB" in text and "load 0.9 on 8 CPUs" in text


# ----------------------------------------------------------------------------- a real store


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield s
    s.dispose()


@pytest.fixture
def people(tmp_path):
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "people.yml").write_text(
        "people:\n"
        "  - id: li.wei\n    name: 李伟\n    organisation: provider\n    roles: [operator]\n"
        "    ssh_public_key: ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl li.wei@laptop\n",
        encoding="utf-8")
    return folder


def three_months(store: Store) -> None:
    """October: /var critical and /data warning on db01; November: both still there, a disk
    warning new; December: /var resolved, /data still there (waived), the disk still there."""
    disk = "storage.smart_health"
    inspect(store, utc(2026, 10, 5, 2), {"db01": {"findings": [
        (FS, "/var", "critical", {"used_pct": 97.0}), (FS, "/data", "warning", {})]}})
    inspect(store, utc(2026, 11, 5, 2), {"db01": {"findings": [
        (FS, "/var", "critical", {"used_pct": 97.0}), (FS, "/data", "warning", {}),
        (disk, "/dev/sda", "warning", {})]}})
    inspect(store, utc(2026, 12, 3, 2), {"db01": {"findings": [
        (FS, "/var", "ok", {"used_pct": 40.0}), (FS, "/data", "warning", {"used_pct": 88.0}),
        (disk, "/dev/sda", "warning", {}), (disk, "/dev/sdb", "warning", {})]}})
    with store.session() as s:
        issue = s.query(FindingIssue).filter_by(host="db01", component="/data").one()
        issue.owner, issue.follow_up = "li.wei", "to_be_scheduled"
        s.add(FindingWaiver(issue_id=issue.id, person="chen.jing", organisation="client",
                            reason="扩容排在明年一季度", expires="2027-03-31", timezone=TZ,
                            signed_at=utc(2026, 12, 4), statement="{}", signature="x",
                            fingerprint="SHA256:x"))
        s.add(OnsiteVisit(site=SITE, period="2026-12", visited_at=utc(2026, 12, 3, 2),
                          engineer="li.wei", checklist_sha256="0" * 64,
                          recorded_at=utc(2026, 12, 3, 3), items=[
                              {"key": "room_temperature",
                               "name": {"en": "Room temperature", "zh-CN": "室内温度"},
                               "value": 31.0, "unit": "°C", "status": "warning",
                               "expected": "18–27 °C", "note": "", "manual": True}]))


def monthly(store, people, now):
    return KIND.build_context(store, ReportRequest(site=SITE, period="2026-12",
                                                   inventory=people / "people.yml", now=now))


def test_new_resolved_and_waived_from_the_lifecycle(store, people, monkeypatch):
    three_months(store)
    monkeypatch.setattr("weibao.report.kinds._site.load_site", _people_only(people))
    context = monthly(store, people, utc(2027, 1, 5))
    json.dumps(context)  # JSON-able
    life = build_view(context)["lifecycle"]
    assert [(i["component"], i["state"]) for i in life["new"]] == [("/dev/sdb", "open")]
    assert [i["component"] for i in life["resolved"]] == ["/var"]
    assert [(i["component"], i["state"]) for i in life["waived"]] == [("/data", "waived")]
    html = render_to_strings(KIND, context, "zh-CN", ["html"])["html"]
    part = visible(html[html.index('id="overview"'):html.index('id="summary"')])
    assert "本月新增：1 项" in part and "本月已解决：1 项" in part
    assert "由 chen.jing 豁免：扩容排在明年一季度（有效期至 2027-03-31）" in part
    assert "待安排" in part and "已豁免" in part
    # a waived finding is never shown as ok: still deducted, its badge is not status-ok
    assert 'status-waived' in html
    waived_row = html[html.index('lifecycle-waived'):].split("</table>")[0]
    assert "status-ok" not in waived_row
    health = context["health"]
    assert any(i["component"] == "/data" for d in health["devices"] for i in d["items"])


def test_manual_items_inspectors_and_the_month_in_progress(store, people, monkeypatch):
    three_months(store)
    monkeypatch.setattr("weibao.report.kinds._site.load_site", _people_only(people))
    now = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC)  # 2026-12-07 04:00 in Shanghai
    context = monthly(store, people, now)
    assert context["as_of"] == "2026-12-07"
    assert context["site"]["inspector_names"] == ["李伟"]
    zh = render_to_strings(KIND, context, "zh-CN", ["html", "md"])
    cover = visible(zh["html"][: zh["html"].index('id="overview"')])
    assert "2026-12-01 起，截至 2026-12-07（本月尚未结束）" in cover
    assert "李伟" in cover and "li.wei" not in cover
    assert context["runs"][0]["user_name"] == "李伟"  # the runs' OS user, by the people file
    manual = visible(zh["html"][zh["html"].index('id="manual"'):])
    assert "现场人工检查" in manual and "人工检查" in manual
    assert "室内温度" in manual and "31 °C" in manual and "李伟" in manual
    assert "2026-12-03 10:00 CST" in manual
    assert "现场人工检查" in zh["md"] and "截至 2026-12-07" in zh["md"]
    en = render_to_strings(KIND, context, "en", ["html"])["html"]
    assert "2026-12-01 to 2026-12-07 (the month is still in progress)" in visible(en)
    # a manual item not ok is deducted under the on-site checks
    assert context["health"]["devices"][-1]["host"] == "(on-site)"
    # after the month: no "to <date>"
    assert monthly(store, people, utc(2027, 1, 5))["as_of"] is None


def test_charts_are_svg_with_png_for_word(store, people, monkeypatch):
    three_months(store)
    monkeypatch.setattr("weibao.report.kinds._site.load_site", _people_only(people))
    context = monthly(store, people, utc(2027, 1, 5))
    assert [m["period"] for m in context["trend"]] == [
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert [(m["critical"], m["warning"]) for m in context["trend"][3:]] == [(1, 1), (1, 2),
                                                                             (0, 3)]
    charts = build_view(context)["charts"]
    for lang in ("en", "zh-CN"):
        assert set(charts[lang]) == {"by_area", "trend"}
        for figure in charts[lang].values():
            assert "<svg" in figure and 'data-png="data:image/png;base64,' in figure
    assert build_view(context)["charts"]["zh-CN"]["trend"] == charts["zh-CN"]["trend"]


def _people_only(folder: Path):
    """load_site with the site's people file but no inventory (the test store's site)."""
    from weibao.change.people import load_people
    from weibao.report.kinds._site import SiteSettings

    def load(site, inventory, store=None, people=None):
        return SiteSettings({"name": site, "timezone": TZ}, {}, str(folder), folder,
                            load_people(folder / "people.yml"))
    return load
