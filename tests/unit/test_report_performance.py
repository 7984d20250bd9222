"""The monthly performance analysis report (weibao report performance --site --period): rows
stored through weibao.services.performance.store_performance as inspections store them;
CPU busy (100 - idle) average, peak with its time and p95; memory, swap, disks, network; file
system growth and days until full; a host without history and why; recommendations from
the thresholds table (each rule met and not met); charts; English and Chinese, HTML and
Markdown; a bad period or unknown site is one line."""

from __future__ import annotations

import datetime as dt
import html
import json
import socket

import pytest
import yaml

from weibao.errors import WeibaoError
from weibao.report.kind import ReportRequest
from weibao.report.kinds import get_kind
from weibao.report.kinds.performance import THRESHOLDS, recommendations
from weibao.report.render import render_to_strings
from weibao.services.performance import store_performance
from weibao.store import Run, RunHost, Store

GIB = 1024 ** 3
NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(tmp_path):
    yield from _world(tmp_path, f"sqlite:///{tmp_path / 'w.db'}")


@pytest.fixture
def any_world(tmp_path, store_url):
    """The world on SQLite and on PostgreSQL (the context read from the store)."""
    yield from _world(tmp_path, store_url)


def _world(tmp_path, url):
    inventory = tmp_path / "inventories" / "s1"
    inventory.mkdir(parents=True)
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "s1", "timezone": "Asia/Shanghai",
                                 "client": "甲方公司", "provider": "乙方公司"}},
        "hosts": {"db01": None, "app01": None}}}), encoding="utf-8")
    store = Store(url)
    yield store, inventory
    store.dispose()


def new_run(store, started, hosts=("db01", "app01", "web01")):
    with store.session() as s:
        run = Run(kind="inspection", site="s1", period=started.strftime("%Y-%m"),
                  status="successful", started_at=started, user="t", inventory="inv",
                  playbook="pb", limit="", ansible_version="2.19", weibao_version="0",
                  site_meta={"timezone": "Asia/Shanghai"}, pid=None,
                  controller=socket.gethostname(), message="", artifact_dir="",
                  manifest_sha256="")
        run.hosts = [RunHost(name=h, status="inspected", message="", asset={}) for h in hosts]
        # a BMC: no performance history is expected of it
        run.hosts.append(RunHost(name="bmc01", status="inspected", message="", asset={},
                                 platform="redfish"))
        s.add(run)
        s.flush()
        return run.id


def hours(first: dt.datetime, values):
    return [[(first + dt.timedelta(hours=i)).strftime("%Y-%m-%dT%H:00:00Z"), v]
            for i, v in enumerate(values)]


def fs(used_gib, size_gib=100, avail_gib=None):
    return {"used_pct": round(100 * used_gib / size_gib, 1), "size_bytes": size_gib * GIB,
            "used_bytes": used_gib * GIB,
            "avail_bytes": None if avail_gib is None else avail_gib * GIB}


FIRST = dt.datetime(2026, 11, 10, 0, tzinfo=dt.UTC)
# 100 hours: 90 at 50 % busy, the last 10 at 95 %: avg 54.5, p95 95, peak 95 at hour 90
BUSY = [50.0] * 90 + [95.0] * 10


def fill(store):
    """db01: sysstat history (CPU, memory, swap, a busy disk, a NIC) and three samples of
    its file systems; app01: no history (sysstat switched off), its inspection samples."""
    for day, used in ((1, 10), (11, 12), (21, 14)):
        at = dt.datetime(2026, 11, day, tzinfo=dt.UTC)
        run = new_run(store, at)
        series = []
        if day == 11:
            series = [
                {"metric": "cpu_idle", "device": "", "unit": "%",
                 "points": hours(FIRST, [100.0 - b for b in BUSY])},
                {"metric": "cpu_iowait", "device": "", "unit": "%",
                 "points": hours(FIRST, [2.0] * 100)},
                {"metric": "memory_used", "device": "", "unit": "%",
                 "points": hours(FIRST, [60.0] * 100)},
                {"metric": "swap_used", "device": "", "unit": "%",
                 "points": hours(FIRST, [5.0] * 99 + [30.0])},
                {"metric": "disk_util", "device": "sda", "unit": "%",
                 "points": hours(FIRST, [75.0] * 100)},
                {"metric": "disk_await", "device": "sda", "unit": "ms",
                 "points": hours(FIRST, [4.0] * 100)},
                {"metric": "net_rx", "device": "eth0", "unit": "kB/s",
                 "points": hours(FIRST, [1000.0] * 100)},
                {"metric": "net_tx", "device": "eth0", "unit": "kB/s",
                 "points": hours(FIRST, [500.0] * 100)},
            ]
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        store_performance(store, run, "db01", {
            "source": "sysstat", "period": {"from": "2026-11-01T00:00:00Z", "to": stamp},
            "files": [], "series": series, "notes": [],
            "sample": {"at": stamp, "cpu_busy": 40.0, "memory_used": 60.0,
                       "filesystems": {"/": fs(used, avail_gib=6 if day == 21 else None),
                                       "/var": fs(60 - day)}}})
        store_performance(store, run, "app01", {
            "source": "none", "period": None, "files": [], "series": [],
            "notes": [{"key": "system.perf.disabled",
                       "params": {"path": "/etc/default/sysstat"}}],
            "sample": {"at": stamp, "cpu_busy": 10.0 * day / 10, "memory_used": 30.0,
                       "swap_used": 0.0, "filesystems": {}}})


def context(store, inventory, period="2026-11", now=NOW, site="s1"):
    return get_kind("performance").build_context(store, ReportRequest(
        site=site, period=period, inventory=inventory, now=now))


def test_context_figures(any_world):
    world = any_world
    store, inventory = world
    fill(store)
    ctx = context(store, inventory)
    json.dumps(ctx)
    assert ctx["file_stem"] == "performance-s1-2026-11"
    assert ctx["bounds"]["in_progress"] is False
    hosts = {h["name"]: h for h in ctx["hosts"]}
    db01 = hosts["db01"]
    cpu = db01["metrics"]["cpu_busy"]
    assert (cpu["avg"], cpu["p95"], cpu["count"]) == (54.5, 95.0, 100)
    assert cpu["peak"] == {"value": 95.0, "at": "2026-11-13T18:00:00Z"}  # hour 90
    assert db01["metrics"]["memory_used"]["p95"] == 60.0
    assert db01["metrics"]["swap_used"]["peak"]["value"] == 30.0
    assert db01["disks"][0]["device"] == "sda" and db01["disks"][0]["util"]["p95"] == 75.0
    assert db01["nics"][0]["rx"]["avg"] == 1000.0 and db01["nics"][0]["tx"]["p95"] == 500.0
    assert db01["basis"] == "history" and db01["sources"] == ["sysstat"]
    # daily series in the site's time zone: Nov 10 08:00 CST is the first hour
    days = db01["daily"]["days"]
    assert len(days) == 30 and days[0] == "2026-11-01"
    assert db01["daily"]["cpu_avg"][9] == 50.0 and db01["daily"]["cpu_avg"][8] is None
    root = {f["mount"]: f for f in db01["filesystems"]}["/"]
    assert root["status"] == "growing" and root["days_until_full"] == pytest.approx(30.0)
    app01 = hosts["app01"]
    assert app01["basis"] == "samples" and app01["samples"] == 3
    assert app01["metrics"]["cpu_busy"]["peak"]["value"] == 21.0
    assert "ENABLED" in app01["notes"][0]["text"]["en"]
    assert "数据采集已关闭" in app01["notes"][0]["text"]["zh-CN"]
    # web01 was inspected, but no performance row was stored for it; the BMC is left out
    assert sorted(hosts) == ["app01", "db01", "web01"]
    assert hosts["web01"]["stored"] is False and hosts["web01"]["basis"] == "none"
    assert hosts["db01"]["stored"] is True
    rules = [(r["rule"], r["host"], r["device"]) for r in ctx["recommendations"]]
    assert rules == [("cpu_capacity", "db01", ""), ("swap_memory", "db01", ""),
                     ("disk_busy", "db01", "sda"), ("fs_full", "db01", "/")]


def test_every_threshold_and_its_boundary():
    def host(**metrics):
        cells = {m: None for m in ("cpu_busy", "cpu_iowait", "memory_used", "swap_used")}
        for name, value in metrics.items():
            cells[name] = {"unit": "%", "avg": value, "p95": value,
                           "peak": {"value": value, "at": "2026-11-01T00:00:00Z"}}
        return {"name": "h", "metrics": cells, "disks": [], "filesystems": []}

    limits = {t.metric: t for t in THRESHOLDS}
    for metric in ("cpu_busy", "cpu_iowait", "memory_used", "swap_used"):
        limit = limits[metric].value
        assert recommendations([host(**{metric: limit})]) == []  # at the limit: no
        (rec,) = recommendations([host(**{metric: limit + 0.1})])
        assert rec["rule"] == limits[metric].rule
    disk = {"name": "h", "metrics": {}, "filesystems": [], "disks": [
        {"device": "sdb", "util": {"p95": 70.0}, "await": {"p95": 20.1}}]}
    assert [r["rule"] for r in recommendations([disk])] == ["disk_latency"]
    fss = {"name": "h", "metrics": {}, "disks": [], "filesystems": [
        {"mount": "/a", "status": "growing", "days_until_full": 90.0},
        {"mount": "/b", "status": "growing", "days_until_full": 90.5},
        {"mount": "/c", "status": "not_growing", "days_until_full": None}]}
    assert [r["device"] for r in recommendations([fss])] == ["/a"]


def test_rendered_in_english_and_chinese_with_charts(world):
    store, inventory = world
    fill(store)
    ctx = context(store, inventory)
    view = get_kind("performance").build_view(ctx)
    assert set(view["charts"]) == {"db01", "app01"}
    assert "<svg" in view["charts"]["db01"]["zh-CN"]
    en = render_to_strings("performance", ctx, "en", ["html", "md"])
    for text in (html.unescape(en["html"]), en["md"]):
        assert "Monthly Performance Diagnosis and Analysis Report" in text
        assert "54.5%" in text and "95%" in text
        assert "95% at 2026-11-14 02:00 CST" in text  # the peak, in the site's time zone
        assert "sysstat's collection is switched off" in text
        assert "full in about 30 days" in text
        assert "Plan CPU capacity" in text and "Add memory" in text
        assert "Hosts with performance data for the month: 2 of 3." in text
        assert "No inspection of the month stored performance data for this host" in text
        assert "Plan space for this file system now" in text
        assert "95th percentile above 80%" in text  # the rules' table
    assert en["html"].count('<figure class="chart">') == 2
    zh = render_to_strings("performance", ctx, "zh-CN", ["html", "md"])
    for text in (html.unescape(zh["html"]), zh["md"]):
        assert "月度系统运行性能诊断和性能分析报告" in text
        assert "CPU 使用率" in text and "95 百分位" in text and "规划 CPU 容量" in text
        assert "sysstat 的数据采集已关闭" in text and "约 30 天后写满" in text
        assert "Plan CPU" not in text


def test_month_in_progress_and_no_data(any_world):
    world = any_world
    store, inventory = world
    ctx = context(store, inventory, period="2026-12")
    assert ctx["hosts"] == [] and ctx["bounds"]["in_progress"] is True
    md = render_to_strings("performance", ctx, "en", ["md"])["md"]
    assert "month in progress, to 2026-12-03 10:00 CST" in md
    assert "No host of this site has performance data" in md


@pytest.mark.parametrize(("period", "message"), [
    ("2026-13", "--period '2026-13': expected YYYY-MM"),
    ("2026-Q4", "--period '2026-Q4': expected YYYY-MM"),
])
def test_bad_period_is_one_line(world, period, message):
    store, inventory = world
    with pytest.raises(WeibaoError) as caught:
        context(store, inventory, period=period)
    assert str(caught.value) == message


def test_unknown_site_is_one_line(world, tmp_path):
    store, _inventory = world
    with pytest.raises(WeibaoError) as caught:
        context(store, tmp_path / "nowhere", site="nosuch")
    assert str(caught.value) == (f"site nosuch: no inventory at {tmp_path / 'nowhere'} "
                                 "(give --inventory)")


def test_command_line(world, tmp_path, monkeypatch):
    """``weibao report performance --site --period`` writes every format in both languages;
    a bad period is one line, exit 3."""
    from service_env import Cli

    _store, inventory = world
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'weibao.db'}")
    fill(store)
    store.dispose()
    cli = Cli(data, monkeypatch, NOW)
    out = tmp_path / "reports"
    for lang in ("en", "zh-CN"):
        cli.ok("report", "performance", "--site", "s1", "--period", "2026-11", "-i",
               inventory, "--format", "html,md,json", "--out", out, "--lang", lang)
    md = (out / "performance-s1-2026-11.zh-CN.md").read_text(encoding="utf-8")
    assert "规划 CPU 容量" in md and "95%（2026-11-14 02:00 CST）" in md
    data_json = json.loads((out / "performance-s1-2026-11.en.json").read_text("utf-8"))
    assert [r["rule"] for r in data_json["recommendations"]] == [
        "cpu_capacity", "swap_memory", "disk_busy", "fs_full"]
    assert '<figure class="chart">' in (out / "performance-s1-2026-11.en.html").read_text(
        encoding="utf-8")
    line = cli.fails("report", "performance", "--site", "s1", "--period", "2026-11-01",
                     "-i", inventory, "--out", out)
    assert line.startswith("weibao: error: ") and "2026-11-01" in line
