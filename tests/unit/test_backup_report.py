"""The monthly report's "系统备份记录 / System backups" section: every backup of the period with
its verification, and each host's newest verified backup against the site's limit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from change_env import backup_record
from test_report_render import row_of, section, visible_text

from weibao.audit import AuditLog
from weibao.report import render_report
from weibao.report.kinds.monthly.context import monthly_context
from weibao.services import backups
from weibao.store import Backup, Run, RunHost, Store

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield s
    s.dispose()


def add_run(store, kind, hosts, started, **meta):
    with store.session() as s:
        run = Run(kind=kind, site="lab", period=f"{started:%Y-%m}", status="successful",
                  started_at=started, ended_at=started + dt.timedelta(minutes=5),
                  user="li.wei", inventory="inv", playbook="pb", limit="",
                  ansible_version="2.19", weibao_version="0", controller="c", message="",
                  artifact_dir="", manifest_sha256="",
                  site_meta={"name": "lab", "timezone": "Asia/Shanghai", **meta})
        run.hosts = [RunHost(name=n, status="inspected", message="", asset={}, platform=p)
                     for n, p in hosts.items()]
        s.add(run)
        s.flush()
        return run.id


def record(store, log, host, finished, status="verified", **overrides):
    return backups.record_backup(
        store, log, site="lab", host=host, operator="li.wei",
        record=backups.validate_record(backup_record(host, finished, status, **overrides)))


@pytest.fixture
def context(store, tmp_path):
    add_run(store, "inspection", {"web01": "linux", "db01": "linux", "aix01": "aix",
                                  "sw1": "cisco_ios", "app01": "linux"}, T0)
    add_run(store, "backup", {"web01": "linux"}, T0, backup_max_age_days=5)
    log = AuditLog(tmp_path / "audit.jsonl")
    record(store, log, "db01", dt.datetime(2026, 10, 30, 1, 0, tzinfo=dt.UTC))  # last month
    record(store, log, "db01", dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC))
    record(store, log, "web01", dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC),
           size_bytes=3 * 1024 ** 3,
           files=[{"path": "/backup/weibao/web01/root.tar", "size": 3 * 1024 ** 3,
                   "sha256": "e" * 64}], path="/backup/weibao/web01/root.tar",
           sha256="e" * 64)
    record(store, log, "web01", dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC), "unverified")
    record(store, log, "aix01", dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC), "failed",
           host_kind="aix", tool="mksysb", volume_group="rootvg",
           verification={"method": "lsmksysb -l + restore -Tvqf", "result": "failed",
                         "detail": "restore -T: 12 files unreadable"},
           message="the listing could not be read back")
    # a verified row written by hand (no audit entry) counts for nothing
    with store.session() as s:
        s.add(Backup(site="lab", host="app01", kind="system", status="verified",
                     verified=True, started_at=T0, finished_at=T0, tool="tar",
                     location="/x", detail={}))
    return monthly_context(store, "lab", "2026-11")


def test_the_context_lists_the_period_and_judges_each_hosts_newest(context):
    records = [(r["host"], r["finished_at"], r["status"]) for r in context["backups"]]
    assert records == [
        ("aix01", "2026-11-29T01:00:00Z", "failed"),
        ("app01", "2026-11-30T02:00:00Z", "verified"),
        ("db01", "2026-11-10T01:00:00Z", "verified"),
        ("web01", "2026-11-27T01:00:00Z", "verified"),
        ("web01", "2026-11-28T01:00:00Z", "unverified")]
    assert context["backups"][3]["size"] == "3.0 GiB"
    assert context["backups"][1]["bound"] is False
    ages = context["backup_ages"]
    assert ages["max_age_days"] == 5 and ages["as_of"] == "2026-12-01T00:00:00Z"
    assert {a["host"]: (a["newest_verified"], a["age_days"], a["too_old"])
            for a in ages["hosts"]} == {
        "aix01": (None, None, True),
        "app01": (None, None, True),  # its only "verified" row is bound to nothing
        "db01": ("2026-11-10T01:00:00Z", 20, True),
        "web01": ("2026-11-27T01:00:00Z", 3, False)}  # sw1: a switch, not backed up


def test_the_section_in_english(context, tmp_path):
    html_page, md_page = render_report("monthly", context, "en", ["html", "md"], tmp_path)
    part = section(html_page.read_text(encoding="utf-8"), "backups")
    assert row_of(part, "aix01 rootvg") == [
        "aix01 rootvg", "mksysb", "2026-11-29 09:00 CST", "4.0 KiB", "Failed",
        "lsmksysb -l + restore -Tvqf: failed (restore -T: 12 files unreadable)"
        "the listing could not be read back"]  # (a line break between)
    assert row_of(part, "web01")[2:5] == ["2026-11-27 09:00 CST", "3.0 GiB", "Verified"]
    assert "Newest verified backup of each host (limit 5 days)" in visible_text(part)
    ages = {host: row for host, *row in _age_rows(part)}
    assert ages["db01"] == ["2026-11-10 09:00 CST", "Too old: 20 days (limit 5)"]
    assert ages["web01"] == ["2026-11-27 09:00 CST", "Within the limit: 3 days (limit 5)"]
    assert ages["aix01"] == ["—", "No verified backup"]
    assert "sw1" not in ages
    md = md_page.read_text(encoding="utf-8")
    assert "| db01 | 2026-11-10 09:00 CST | **Too old: 20 days (limit 5)** |" in md
    assert "| web01 | 2026-11-27 09:00 CST | Within the limit: 3 days (limit 5) |" in md
    assert "| aix01 rootvg | mksysb | 2026-11-29 09:00 CST | 4.0 KiB | Failed |" in md
    assert "No backup records" not in md


def test_the_section_in_chinese(context, tmp_path):
    html_page, md_page = render_report("monthly", context, "zh-CN", ["html", "md"], tmp_path)
    part = visible_text(section(html_page.read_text(encoding="utf-8"), "backups"))
    for words in ("系统备份记录", "各主机最近一次已验证备份（期限 5 天）",
                  "过旧：20 天（期限 5 天）", "在期限内：3 天（期限 5 天）", "没有已验证的备份",
                  "已验证", "失败", "验证"):
        assert words in part, words
    md = md_page.read_text(encoding="utf-8")
    assert "**过旧：20 天（期限 5 天）**" in md
    assert not re.search(r"Too old|Within the limit|No verified backup|Verified", md)


def test_no_backup_at_all_says_so_and_flags_every_host(store, tmp_path):
    add_run(store, "inspection", {"web01": "linux"}, T0)
    context = monthly_context(store, "lab", "2026-11")
    assert context["backups"] == []
    assert context["backup_ages"]["max_age_days"] == 7  # no backup run: the default
    (page,) = render_report("monthly", context, "en", ["html"], tmp_path)
    part = visible_text(section(page.read_text(encoding="utf-8"), "backups"))
    assert "No backup records for this period." in part
    assert "No verified backup" in part


def _age_rows(fragment):
    table = fragment[fragment.index('class="backup-ages"'):]
    table = table[:table.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if cells:
            yield cells
