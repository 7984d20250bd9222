"""The monthly report's hardware section (issue 9): per host its disks, RAID, volumes, tape,
links and arrays by area and component, with what changed since the previous inspection, built
from stored findings (weibao.report.kinds.monthly.hardware) and rendered in both languages and
formats.

The storage and volumes findings are the rules' own (parsers + rules on the parser fixtures),
stored and read back through ``monthly_context``; raid and array findings are synthetic, made
with ``make_finding`` for check ids the catalogue declares at the time the test runs (a test
whose area is not declared yet is skipped).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import random
import re
from pathlib import Path

import pytest

from weibao.content import enable_module_utils
from weibao.report import render as render_mod
from weibao.report.kinds.monthly.context import monthly_context
from weibao.report.kinds.monthly.hardware import (
    AREAS,
    areas,
    change,
    figures,
    growth,
    hardware_view,
)
from weibao.report.kinds.monthly.view import build_view
from weibao.report.render import render_to_strings
from weibao.store import Coverage, Finding, Run, RunHost, Store

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import make_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    linux_storage,
    linux_volumes,
)
from ansible.module_utils.weibao_inspection.rules import storage as storage_rules  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import volumes as volumes_rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
LANGS = ("en", "zh-CN")
BEFORE = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
SITE = {"name": "bank", "client": "Bank", "timezone": "Asia/Shanghai", "inspectors": []}


def raw(folder, case):
    return (FIXTURES / folder / f"{case}.raw").read_text().split("\n", 1)[1]


def disk_findings():
    """The rules' findings of /dev/sda (one reallocated sector, none at the previous
    inspection: the sectors check warns on the growth)."""
    data = linux_storage.parse_sources(
        {"smartctl_json": raw("smartctl_a_json_dev", "st3500418as_reallocated_1")},
        {"command": "smartctl -a -j /dev/sda"})
    previous = {deltas.key("storage.smart_sectors", "REDACTED", "reallocated"): {
        "value": 0, "at": "2026-10-05T02:00:00Z", "boot_time": ""}}
    return storage_rules.evaluate(data, None, {"now": NOW.timestamp(), "previous": previous,
                                               "source": "smartctl_json"})


def md_findings(case):
    return volumes_rules.evaluate(linux_volumes.parse_sources(
        {"mdstat": raw("cat_proc_mdstat", case)}), None, {})


def with_status(findings, check_id, component, status):
    out = copy.deepcopy(findings)
    for f in out:
        if (f["check_id"], f["component"]) == (check_id, component):
            f["status"] = status
    return out


def synthetic(check_id, status, component, values=None):
    return make_finding(check_id, status, f"{component}: {status} (synthetic)",
                        component=component, values=values or {},
                        summary_zh=f"{component}：{status}（合成）",
                        recommendation="" if status == "ok" else "replace it",
                        recommendation_zh="" if status == "ok" else "更换")


def first_check(area):
    return catalogue.area_checks(area)[0].id if area in catalogue.AREAS else None


def previous_findings():
    """db01 at the previous inspection: /dev/sda's sectors ok and its cable warning then,
    /dev/sdb failing (gone now), md0 and md1 clean (md1 gone now)."""
    found = with_status(disk_findings(), "storage.smart_sectors", "/dev/sda", "ok")
    found = with_status(found, "storage.smart_cable", "/dev/sda", "warning")
    found.append(synthetic("storage.smart_health", "critical", "/dev/sdb"))
    found += md_findings("clean_raid1")
    raid = first_check("raid")
    if raid:
        found.append(synthetic(raid, "warning", "c0/e252/s3"))
    return found


def current_findings():
    found = disk_findings() + md_findings("degraded_faulty")
    raid = first_check("raid")
    if raid:
        found.append(synthetic(raid, "critical", "c0/e252/s3"))
    return found


def array_findings():
    return [synthetic("array.pools", "warning", "Pool0",
                      {"capacity": 10 * 2**40, "free": 2**40 * 85 // 100,
                       "used": 2**40 * 915 // 100,
                       "used_pct": 91.5, "status": "online"}),
            synthetic("array.pools", "ok", "system",
                      {"write_cache_pct": 12, "total_cache_pct": 40,
                       "cache_high_water_pct": 80, "capacity": 20 * 2**40})]


def add_run(s, started, period, hosts):
    """hosts: {name: (status, platform, findings, coverage rows [(check_id, state, cause)])}"""
    run = Run(kind="inspection", site="bank", period=period, status="partial",
              started_at=started, ended_at=started + dt.timedelta(minutes=5), user="zhang.san",
              inventory="inv", playbook="pb", limit="", ansible_version="2.19.14",
              weibao_version="0", controller="c", message="", artifact_dir="",
              manifest_sha256="", site_meta=dict(SITE))
    run.hosts = [RunHost(name=n, status=st, message="" if st == "inspected" else "timed out",
                         asset={}, platform=platform, finished_at=started)
                 for n, (st, platform, _f, _c) in hosts.items()]
    s.add(run)
    s.flush()
    for name, (_st, _platform, findings, coverage) in hosts.items():
        for f in findings:
            s.add(Finding(run_id=run.id, host=name, check_id=f["check_id"],
                          component=f["component"], status=f["status"], summary=f["summary"],
                          evidence=f["evidence"], recommendation=f["recommendation"],
                          values=f["values"], thresholds=f["thresholds"],
                          translations=f.get("translations") or {}, message=f.get("message"),
                          cause=f.get("cause")))
        for check_id, state, cause in coverage:
            s.add(Coverage(run_id=run.id, host=name, check_id=check_id, state=state,
                           cause=cause))
    return run.id


def app01_coverage():
    rows = [(c.id, "not_evaluated", "tool_missing") for c in catalogue.area_checks("storage")]
    rows[-1] = (rows[-1][0], "not_evaluated", "no_permission")
    if "raid" in catalogue.AREAS:
        rows += [(c.id, "not_applicable", "not_applicable")
                 for c in catalogue.area_checks("raid")]
    return rows


@pytest.fixture
def context(tmp_path):
    """The monthly context of 2026-11 read from a store holding two inspections: db01 with
    disks and md arrays (and a RAID drive when the raid area exists), app01 whose storage
    tools were missing, db02 unreachable now, and a disk array when the array area exists."""
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        with store.session() as s:
            first = add_run(s, BEFORE, "2026-10", {
                "db01": ("inspected", "linux", previous_findings(), []),
                "db02": ("inspected", "linux", md_findings("clean_raid1"), [])})
            hosts = {"db01": ("inspected", "linux", current_findings(), []),
                     "app01": ("inspected", "linux", [], app01_coverage()),
                     "db02": ("unreachable", "linux", [], [])}
            if "array" in catalogue.AREAS:
                hosts["v7k"] = ("inspected", "ibm_storwize", array_findings(), [])
            second = add_run(s, NOW, "2026-11", hosts)
        ctx = monthly_context(store, "bank", "2026-11")
    finally:
        store.dispose()
    ctx["_runs"] = (first, second)
    return ctx


def section(ctx):
    return {h["host"]: h for h in build_view(ctx)["hardware"]}


def area_of(entry, name):
    return next(a for a in entry["areas"] if a["area"] == name)


def rows_of(area):
    return {(r["check_id"], c["component"]): r for c in area["components"] for r in c["rows"]}


# ----------------------------------------------------------------------------- the view


def test_areas_are_the_catalogues_in_the_reports_order():
    assert areas() == [a for a in AREAS if a in catalogue.AREAS]
    assert areas()[:1] == ["storage"] and "volumes" in areas()


@pytest.mark.parametrize(("now", "before", "compared", "expected"), [
    ("critical", None, True, "new"), ("ok", None, True, "appeared"),
    ("warning", "ok", True, "new"), ("warning", "unknown", True, "new"),
    ("critical", "warning", True, "worse"), ("warning", "critical", True, "better"),
    ("ok", "warning", True, "resolved"), ("ok", "unknown", True, "judged_again"),
    ("unknown", "ok", True, "now_unknown"), ("unknown", "critical", True, "now_unknown"),
    ("ok", "ok", True, "same"), ("critical", "critical", True, "same"),
    ("critical", None, False, None), ("ok", "warning", False, None),
])
def test_what_changed(now, before, compared, expected):
    assert change(now, before, compared) == expected


def test_growth_is_the_rules_deltas_above_zero():
    assert growth({"reallocated_delta": 3, "crc_delta": 0, "media_errors_delta": None,
                   "pending": 4, "flag_delta": True, "grown_defects_delta": 1.5}) == [
        {"name": "grown_defects", "delta": 1.5}, {"name": "reallocated", "delta": 3}]


def test_host_grouped_by_area_and_component_with_changes(context):
    db01 = section(context)["db01"]
    first, _second = context["_runs"]
    assert db01["previous"] == {"run_id": first, "inspected_at": "2026-10-05T02:00:00Z"}
    names = [a["area"] for a in db01["areas"]]
    assert names == [a for a in AREAS if a in names]  # the report's order
    assert names[:1] == ["storage"] and "volumes" in names
    storage = area_of(db01, "storage")
    assert storage["state"] == "reported" and storage["compared"]
    assert storage["worst"] == "warning"
    [sda] = storage["components"]
    assert sda["component"] == "/dev/sda"
    # catalogue order within the component
    assert [r["check_id"] for r in sda["rows"]] == [
        c for c in catalogue.CHECKS if c.startswith("storage.")]
    rows = rows_of(storage)
    sectors = rows[("storage.smart_sectors", "/dev/sda")]
    assert (sectors["status"], sectors["change"], sectors["before"]) == ("warning", "new", "ok")
    assert sectors["growth"] == [{"name": "reallocated", "delta": 1}]
    cable = rows[("storage.smart_cable", "/dev/sda")]
    assert (cable["status"], cable["change"], cable["before"]) == ("ok", "resolved", "warning")
    assert rows[("storage.smart_health", "/dev/sda")]["change"] == "same"
    nvme = rows[("storage.nvme_health", "/dev/sda")]
    assert (nvme["status"], nvme["cause"]) == ("unknown", "not_applicable")
    assert storage["gone"] == [{"check_id": "storage.smart_health", "component": "/dev/sdb",
                                "before": "critical"}]
    volumes = area_of(db01, "volumes")
    md0 = rows_of(volumes)[("volumes.md_arrays", "md0")]
    assert (md0["status"], md0["change"]) == ("critical", "new")
    assert {"check_id": "volumes.md_arrays", "component": "md1", "before": "ok"} in \
        volumes["gone"]
    assert db01["changes"]["new"] >= 2 and db01["changes"]["resolved"] == 1
    assert db01["changes"]["grown"] == 1


def test_components_worst_first(context):
    volumes = area_of(section(context)["db01"], "volumes")
    statuses = [c["worst"] for c in volumes["components"]]
    order = {"critical": 0, "warning": 1, "unknown": 2, "ok": 3}
    assert statuses == sorted(statuses, key=order.get)


def test_synthetic_raid_finding_worse_than_last_time(context):
    assert "raid" in catalogue.AREAS, "the raid area is not in the catalogue yet"
    raid = area_of(section(context)["db01"], "raid")
    row = rows_of(raid)[(first_check("raid"), "c0/e252/s3")]
    assert (row["status"], row["change"], row["before"]) == ("critical", "worse", "warning")


def test_an_area_without_findings_says_why(context):
    hw = section(context)
    storage = area_of(hw["app01"], "storage")
    assert storage["state"] == "not_evaluated"
    checks = [c.id for c in catalogue.area_checks("storage")]
    assert storage["missing"] == [
        {"state": "not_evaluated", "cause": "no_permission", "checks": checks[-1:]},
        {"state": "not_evaluated", "cause": "tool_missing", "checks": checks[:-1]}]
    volumes = area_of(hw["app01"], "volumes")
    assert volumes["state"] == ("no_result" if catalogue.AREAS["volumes"].collector
                                else "no_collector")
    if "raid" in catalogue.AREAS:
        assert area_of(hw["app01"], "raid")["state"] == "not_applicable"
    assert hw["app01"]["previous"] is None  # never inspected before: nothing to compare
    down = hw["db02"]
    assert down["status"] == "unreachable" and not down["collected"]
    assert {a["state"] for a in down["areas"]} == {"host_not_inspected"}
    assert down["previous"] is not None  # it was inspected last month


def test_previous_inspection_is_the_latest_earlier_one(tmp_path):
    """The previous inspection of a host is its latest earlier run that inspected it: not a
    run where it was unreachable, not a later one."""
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        with store.session() as s:
            add_run(s, BEFORE - dt.timedelta(days=30), "2026-09",
                    {"db01": ("inspected", "linux", md_findings("degraded_faulty"), [])})
            good = add_run(s, BEFORE, "2026-10",
                           {"db01": ("inspected", "linux", md_findings("clean_raid1"), [])})
            add_run(s, BEFORE + dt.timedelta(days=3), "2026-10",
                    {"db01": ("unreachable", "linux", [], [])})
            add_run(s, NOW, "2026-11",
                    {"db01": ("inspected", "linux", md_findings("degraded_faulty"), [])})
            add_run(s, NOW + dt.timedelta(days=40), "2026-12",
                    {"db01": ("inspected", "linux", md_findings("clean_raid1"), [])})
        ctx = monthly_context(store, "bank", "2026-11")
    finally:
        store.dispose()
    [host] = ctx["hosts"]
    assert host["previous"]["run_id"] == good
    assert host["platform"] == "linux"
    assert {(f["check_id"], f["component"], f["status"]) for f in
            host["previous"]["findings"]} >= {("volumes.md_arrays", "md0", "ok"),
                                              ("volumes.md_arrays", "md1", "ok")}
    md0 = rows_of(area_of(section(ctx)["db01"], "volumes"))[("volumes.md_arrays", "md0")]
    assert (md0["change"], md0["before"]) == ("new", "ok")


def test_an_area_not_inspected_last_time_is_not_compared():
    host = {"name": "db01", "status": "inspected", "platform": "linux",
            "findings": md_findings("degraded_faulty"),
            "previous": {"run_id": 1, "inspected_at": "2026-10-05T02:00:00Z",
                         "findings": [{"check_id": "system.load", "component": "",
                                       "status": "ok"}]}}
    [entry] = hardware_view([host])
    volumes = area_of(entry, "volumes")
    assert not volumes["compared"] and volumes["gone"] == []
    assert {r["change"] for r in rows_of(volumes).values()} == {None}


def test_a_host_without_hardware_is_left_out_unless_collected():
    plain = {"name": "bmc", "status": "inspected", "platform": "ipmi",
             "findings": [{"check_id": "environment.fans", "component": "fan",
                           "status": "ok"}]}
    assert hardware_view([plain]) == []


def test_capacity_and_cache_figures_from_the_values():
    found = figures(array_findings() + disk_findings())  # disks carry no such figure
    assert [(f["kind"], f["component"], f["name"], f["value"]) for f in found] == [
        ("pool_used", "Pool0", "used_pct", 91.5),
        ("cache_used", "system", "total_cache_pct", 40),
        ("cache_used", "system", "write_cache_pct", 12)]  # the high-water mark is a setting
    assert found[0]["capacity"] == {"capacity": 10 * 2**40, "free": 2**40 * 85 // 100,
                                    "used": 2**40 * 915 // 100}
    assert found[1]["capacity"] == {}  # the system's capacity is not the cache's
    assert found[0]["status"] == "warning"


def test_the_array_device_shows_its_figures(context):
    assert "array" in catalogue.AREAS, "the array area is not in the catalogue yet"
    v7k = section(context)["v7k"]
    assert [a["area"] for a in v7k["areas"]] == ["array"]  # a linux area does not apply
    assert [(f["kind"], f["value"]) for f in v7k["figures"]] == [
        ("pool_used", 91.5), ("cache_used", 40), ("cache_used", 12)]


def test_same_findings_in_any_order_give_the_same_view(context):
    expected = json.dumps(build_view(context)["hardware"], sort_keys=True)
    shuffled = copy.deepcopy(context)
    rng = random.Random(9)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        rng.shuffle(host.get("coverage") or [])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    assert json.dumps(build_view(shuffled)["hardware"], sort_keys=True) == expected


# ----------------------------------------------------------------------------- rendering


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


def hw_text(page: str, fmt: str, heading: str) -> str:
    if fmt == "html":
        start = page.index('id="hardware"')
        ends = [i for i in (page.find('id="environment"', start),
                            page.find('<section class="chapter"', start)) if i > 0]
        return html.unescape(re.sub(r"<[^>]+>", " ", page[start:min(ends)]))
    text = page.split("### " + heading, 1)[1].split("\n## ", 1)[0]
    return text.replace("\\|", "|").replace("\\_", "_")


WORDS = {
    "en": {"heading": "Hardware: disks, RAID, volumes, tape, links and disk arrays",
           "storage": "Storage", "new": "New fault", "resolved": "Resolved (was Warning)",
           "grown": "Counters grown: reallocated +1",
           "gone": "No longer reported since the last inspection",
           "sdb": "Disk SMART health · /dev/sdb (was Critical)",
           "compared": "Compared with the previous inspection of 2026-10-05 10:00 CST (run",
           "missing": "Not evaluated on this host: NVMe health (no permission); Disk SMART "
                      "health,",
           "not_inspected": "Not collected: the host was not inspected (Unreachable, "
                            "not inspected).",
           "first": "No previous inspection of this host: nothing to compare with.",
           "unchanged": "Unchanged", "sectors_msg": "reallocated sectors 1"},
    "zh-CN": {"heading": "硬件：硬盘、RAID、卷、磁带、链路与磁盘阵列",
              "storage": "存储", "new": "新增故障", "resolved": "已消除（原为警告）",
              "grown": "增长的计数器： reallocated +1",
              "gone": "自上次巡检以来不再出现",
              "sdb": "硬盘 SMART 健康状态 · /dev/sdb（原为严重）",
              "compared": "与 2026-10-05 10:00 CST 的上次巡检（运行编号",
              "missing": "该主机上未评估： NVMe 健康状态（权限不足）；硬盘 SMART 健康状态、",
              "not_inspected": "未采集：该主机未被检查（无法连接，未检查）。",
              "first": "该主机没有上次巡检记录，无可比较。",
              "unchanged": "无变化", "sectors_msg": "重映射扇区 1"},
}
# the section's own English words that must not appear in the Chinese report
ENGLISH = ("New fault", "Resolved (was", "Counters grown", "No longer reported",
           "Compared with the previous", "Not evaluated", "Not collected", "Since the last",
           "Unchanged", "nothing to compare", "Capacity and cache", "Cache use")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_section_renders_areas_components_and_changes(context, lang, fmt):
    words = WORDS[lang]
    page = render_to_strings("monthly", context, lang, [fmt])[fmt]
    text = hw_text(page, fmt, words["heading"])
    flat = " ".join(text.split())
    for key, expected in words.items():
        if key == "heading":
            continue
        assert " ".join(expected.split()) in flat, (key, flat)
    assert "/dev/sda" in flat and "md0" in flat
    if lang == "zh-CN":
        assert not [w for w in ENGLISH if w in flat]
        # the check names and the rules' messages in Chinese
        assert "硬盘坏扇区" in flat and "Disk bad sectors" not in flat
    else:
        assert "Disk bad sectors" in flat


@pytest.mark.parametrize("lang", LANGS)
def test_array_figures_rendered(context, lang):
    assert "array" in catalogue.AREAS, "the array area is not in the catalogue yet"
    pages = render_to_strings("monthly", context, lang, ["html", "md"])
    label = {"en": ("Capacity used", "Cache use"), "zh-CN": ("容量使用率", "缓存使用率")}[lang]
    for fmt, page in pages.items():
        text = " ".join(hw_text(page, fmt, WORDS[lang]["heading"]).split())
        assert label[0] in text and label[1] in text, fmt
        assert "91.5 %" in text and "40 %" in text
        tib = {"en": ("capacity 10 TiB", "used 9.15 TiB"),
               "zh-CN": ("总容量 10 TiB", "已用 9.15 TiB")}
        assert all(t in text for t in tib[lang])  # bytes shown in TiB


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_findings_render_the_same_bytes(context, lang):
    first = render_to_strings("monthly", context, lang, ["html", "md"])
    shuffled = copy.deepcopy(context)
    rng = random.Random(3)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    render_mod.clear_cache()
    assert render_to_strings("monthly", shuffled, lang, ["html", "md"]) == first


def test_no_hardware_no_section():
    """A report with no host the hardware areas apply to (a BMC only) has no section."""
    ctx = {"kind": "monthly", "period": "2026-11", "period_start": "2026-11-01",
           "period_end": "2026-11-30", "site": dict(SITE, contract="", provider=""),
           "runs": [], "summary": {"hosts_total": 1, "hosts_inspected": 1,
                                   "hosts_unreachable": 0, "hosts_failed": 0,
                                   "counts": {"ok": 0, "warning": 0, "critical": 0,
                                              "unknown": 0}},
           "hosts": [{"name": "bmc", "status": "inspected", "platform": "ipmi", "message": "",
                      "inspected_at": "", "run_id": 1, "asset": {}, "findings": []}],
           "backups": [], "recommendations": [], "findings": []}
    for lang in LANGS:
        pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
        assert 'id="hardware"' not in pages["html"]
        assert WORDS[lang]["heading"] not in pages["md"]


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_tables_keep_their_shape(context, lang):
    """Each area's table, and the figures' table, parses as a table whose rows all have the
    header's width (a data value cannot add or remove a cell)."""
    markdown_it = pytest.importorskip("markdown_it")
    db01 = next(h for h in context["hosts"] if h["name"] == "db01")
    for finding in db01["findings"]:
        finding.pop("message", None)  # the stored words, below, are shown
        finding["summary"] = "a | b"  # escaped, not a new cell
        finding["translations"] = {"zh-CN": {"summary": "甲 | 乙"}}
    md = render_to_strings("monthly", context, lang, ["md"])["md"]
    part = md.split("### " + WORDS[lang]["heading"], 1)[1].split("\n## ", 1)[0]
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(part)
    tables = re.findall(r"<table>.*?</table>", as_html, flags=re.S)
    # db01: storage, raid (when declared), volumes; v7k: array and figures (when declared)
    expected = 2 + ("raid" in catalogue.AREAS) + 2 * ("array" in catalogue.AREAS)
    assert len(tables) == expected
    for table in tables:
        widths = {len(re.findall(r"<t[hd]", row))
                  for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table
    assert len(re.findall(r"<h4>", as_html)) == len(section(context))
