"""The monthly report's AIX section and the AIX hosts' asset register rows (issue 11): per AIX
host its model, serial, firmware and AIX level, the error log since the last inspection by
component (permanent hardware errors listed, a failure recovered since shown as recovered),
the patch level, volume groups and devices by area, the newest mksysb and its age, the
performance figures, and the open HMC events of the managed system it runs on; per HMC its
managed systems, firmware and open serviceable events with the AIX hosts they affect
(weibao.report.kinds.monthly.aix), rendered in both languages and formats.

The findings are synthetic, made with ``make_finding`` for check ids the catalogue declares
(a test whose area is not declared yet is skipped), with values named as the areas' rules name
them; they are stored and read back through ``monthly_context``. The errpt rules' own
findings are rendered too.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import random
import re

import pytest

from weibao.content import enable_module_utils
from weibao.report import render as render_mod
from weibao.report.kinds.monthly.aix import aix_view, asset_entry, identity
from weibao.report.kinds.monthly.context import monthly_context
from weibao.report.kinds.monthly.view import build_view
from weibao.report.render import render_to_strings
from weibao.store import Coverage, Finding, Run, RunHost, Store

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import make_finding  # noqa: E402

LANGS = ("en", "zh-CN")
BEFORE = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
SITE = {"name": "bank", "client": "Bank", "timezone": "Asia/Shanghai", "inspectors": []}
NEEDED = ("errpt.hardware", "errpt.paths", "aix_patch.oslevel", "aix_patch.ifixes",
          "aix_lvm.paging", "aix_lvm.bootlist", "aix_devices.paths", "aix_system.identity",
          "aix_system.mksysb", "aix_system.performance", "hmc.systems", "hmc.events",
          "hmc.firmware")
IDENTITY = {"model": "IBM,9009-42A", "serial": "7812ABC", "firmware": "VL950_092",
            "firmware_version": "IBM,FW950.50 (VL950_092)", "lpar_name": "aix01",
            "os": "7200-05-03-2148", "memory_mb": 65536}
PERM_DISK = ("B6267342 1101093021 PERM H hdisk3 SC_DISK_ERR2 DISK OPERATION ERROR",
             "DCB47997 1102100021 TEMP H hdisk3 SC_DISK_ERR7 UNDETERMINED ERROR")
PATH_LINES = ("F31FFAC3 1103120021 INFO H hdisk5 PATH HAS RECOVERED",
              "DE3B8540 1103115021 PERM H hdisk5 PATH HAS FAILED")


@pytest.fixture(autouse=True)
def _need_the_areas():
    missing = [c for c in NEEDED if c not in catalogue.CHECKS]
    assert not missing, "not in the catalogue yet: " + ", ".join(missing)


def af(check_id, status, component="", values=None, cause=None, evidence=None,
       thresholds=None):
    return make_finding(check_id, status, f"{check_id} {component}: {status} (synthetic)",
                        component=component, values=values or {}, evidence=evidence,
                        thresholds=thresholds,
                        summary_zh=f"{check_id} {component}：{status}（合成）",
                        recommendation="" if status == "ok" else "look at it",
                        recommendation_zh="" if status == "ok" else "请检查", cause=cause)


def aix01_before():
    return [af("aix_system.identity", "ok", IDENTITY["serial"], IDENTITY),
            af("aix_lvm.paging", "ok", "hd6", {"used_pct": 12}),
            af("aix_devices.paths", "ok", "hdisk5", {"enabled": 4, "failed": 0}),
            af("aix_devices.paths", "warning", "hdisk9", {"missing": 1})]


def aix01_now():
    return [
        af("aix_system.identity", "ok", IDENTITY["serial"], IDENTITY),
        af("errpt.hardware", "critical", "disk",
           {"entries": 2, "critical": 1, "warning": 1, "recovered": 0, "informational": 0},
           evidence=list(PERM_DISK)),
        af("errpt.paths", "warning", "hdisk5", {"failed": 1, "recovered": 1},
           evidence=list(PATH_LINES)),
        af("errpt.summary", "ok", values={"disk": 2, "path": 2, "entries": 4}),
        af("aix_patch.oslevel", "ok", "7200-05-03-2148",
           {"level": "7200-05-03-2148", "version": "7200", "tl": "05", "sp": "03",
            "end_of_service": "2026-11-30", "days_to_end": 27}),
        af("aix_patch.ifixes", "warning", "reboot",
           {"fixes": 2, "broken": 0, "reboot": 1, "interrupted": 0}),
        af("aix_lvm.paging", "warning", "hd6", {"used_pct": 81}),
        af("aix_lvm.bootlist", "ok", "bootlist", {"disks": "hdisk0 hdisk1"}),
        af("aix_devices.paths", "critical", "hdisk5", {"enabled": 2, "failed": 2}),
        af("aix_devices.paths", "ok", "hdisk6", {"enabled": 4, "failed": 0}),
        af("aix_system.mksysb", "warning", "/mksysb/aix01.mksysb",
           {"path": "/mksysb/aix01.mksysb", "date": "2026-08-20", "age_days": 74.5,
            "oslevel": "7200-05-02-2114"},
           thresholds={"max_age_days": 35, "critical_age_days": 90}),
        af("aix_system.performance", "ok", "vmstat",
           {"busy": 37.5, "config_lcpu": 8, "runnable": 1.2}),
    ]


def hmc_now():
    return [
        af("hmc.systems", "ok", "P9-SYS1",
           {"state": "Operating", "type_model": "9009-42A", "serial_num": "7812ABC",
            "lpars": "aix01, vios1, AIX02", "lpar_count": 3}),
        af("hmc.systems", "ok", "P8-SYS2",
           {"state": "Operating", "type_model": "8286-42A", "serial_num": "21ABCDE",
            "lpars": "aix03", "lpar_count": 1}),
        af("hmc.events", "critical", "problem 1203",
           {"problem_num": "1203", "refcode": "B7006970", "system": "P9-SYS1",
            "created_time": "11/01/2026 09:20:11", "new": True,
            "lpars": "aix01, vios1, AIX02"}),
        af("hmc.firmware", "ok", "P9-SYS1",
           {"ecnumber": "01VL950", "activated_level": "120", "installed_level": "120",
            "activated_spname": "FW950.50"}),
    ]


def add_run(s, started, period, hosts):
    """hosts: {name: (status, platform, asset, findings, coverage rows)}"""
    run = Run(kind="inspection", site="bank", period=period, status="partial",
              started_at=started, ended_at=started + dt.timedelta(minutes=5), user="zhang.san",
              inventory="inv", playbook="pb", limit="", ansible_version="2.19.14",
              weibao_version="0", controller="c", message="", artifact_dir="",
              manifest_sha256="", site_meta=dict(SITE))
    run.hosts = [RunHost(name=n, status=st, message="" if st == "inspected" else "timed out",
                         asset=asset, platform=platform, finished_at=started)
                 for n, (st, platform, asset, _f, _c) in hosts.items()]
    s.add(run)
    s.flush()
    for name, (_st, _p, _a, findings, coverage) in hosts.items():
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


@pytest.fixture
def context(tmp_path):
    """The monthly context of 2026-11: aix01 inspected twice (a PERM disk error, a path that
    failed and recovered, paging grown, an ifix waiting for a reboot, an old mksysb); aix02
    (inventory serial differs from what it reports; error log not evaluated); aix03
    unreachable; hmc1 with an open event on P9-SYS1 (where aix01 and aix02 run); db01, a
    Linux server."""
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        with store.session() as s:
            first = add_run(s, BEFORE, "2026-10", {
                "aix01": ("inspected", "aix", {}, aix01_before(), [])})
            ident2 = dict(IDENTITY, serial="7812XYZ", lpar_name="aix02", model="IBM,9009-42A")
            second = add_run(s, NOW, "2026-11", {
                "aix01": ("inspected", "aix", {"location": "DC1 R3"}, aix01_now(), []),
                "aix02.bank.example": ("inspected", "aix",
                                       {"serial": "7812XY0", "os": "AIX 7.1"},
                                       [af("aix_system.identity", "ok", "7812XYZ", ident2)],
                                       [("errpt.hardware", "not_evaluated", "no_permission")]),
                "aix03": ("unreachable", "aix", {"model": "IBM,8286-42A"}, [], []),
                "hmc1": ("inspected", "ibm_hmc", {}, hmc_now(), []),
                "db01": ("inspected", "linux", {}, [], [])})
        ctx = monthly_context(store, "bank", "2026-11")
    finally:
        store.dispose()
    ctx["_runs"] = (first, second)
    return ctx


def section(ctx):
    view = build_view(ctx)["aix"]
    return {d["host"]: d for d in view["hosts"]}, {d["host"]: d for d in view["hmcs"]}


def area(dev, name):
    return next(a for a in dev["areas"] if a["area"] == name)


# ----------------------------------------------------------------------------- the view


def test_aix_hosts_and_hmcs_only(context):
    hosts, hmcs = section(context)
    assert list(hosts) == ["aix01", "aix02.bank.example", "aix03"]
    assert list(hmcs) == ["hmc1"]


def test_identity_and_the_areas(context):
    hosts, _hmcs = section(context)
    dev = hosts["aix01"]
    first, _second = context["_runs"]
    assert dev["previous"] == {"run_id": first, "inspected_at": "2026-10-05T02:00:00Z"}
    assert dev["identity"] == {"model": "IBM,9009-42A", "serial": "7812ABC",
                               "firmware": "IBM,FW950.50 (VL950_092)",
                               "oslevel": "7200-05-03-2148", "lpar": "aix01"}
    assert [a["area"] for a in dev["areas"]] == [
        a for a in ("errpt", "aix_patch", "aix_lvm", "aix_devices", "aix_system")]
    paging = area(dev, "aix_lvm")["components"]
    hd6 = next(c for c in paging if c["component"] == "hd6")["rows"][0]
    assert (hd6["status"], hd6["change"], hd6["before"]) == ("warning", "new", "ok")
    devices = area(dev, "aix_devices")
    # the OK path not listed, counted; the one gone since listed as no longer reported
    assert [c["component"] for c in devices["components"]] == ["hdisk5"]
    assert devices["quiet"] == 1
    assert devices["gone"] == [{"check_id": "aix_devices.paths", "component": "hdisk9",
                                "before": "warning"}]
    assert dev["changes"]["gone"] == 1


def test_error_log_by_component_with_perm_hardware_and_recovered(context):
    hosts, _hmcs = section(context)
    errlog = hosts["aix01"]["errlog"]
    rows = {(c["check_id"], c["component"]): c for c in errlog["components"]}
    assert set(rows) == {("errpt.hardware", "disk"), ("errpt.paths", "hdisk5")}
    assert (rows[("errpt.hardware", "disk")]["entries"],
            rows[("errpt.hardware", "disk")]["critical"]) == (2, 1)
    assert (rows[("errpt.paths", "hdisk5")]["entries"],
            rows[("errpt.paths", "hdisk5")]["recovered"]) == (2, 1)
    perm = [(e["label"] or e["identifier"], e["resource"], e["recovered"])
            for e in errlog["perm_hardware"]]
    assert perm == [("SC_DISK_ERR2", "hdisk3", False), ("DE3B8540", "hdisk5", True)]
    # the TEMP entry is not a permanent error
    assert not [e for e in errlog["perm_hardware"] if e["type"] != "PERM"]


def test_patch_mksysb_and_performance(context):
    hosts, _hmcs = section(context)
    dev = hosts["aix01"]
    patch = dev["patch"]
    assert (patch["oslevel"], patch["technology_level"], patch["end_of_service"],
            patch["service"]) == ("7200-05-03-2148", "05", "2026-11-30", "ok")
    assert patch["reboot_count"] == 1
    assert [f["component"] for f in patch["reboot_findings"]] == ["reboot"]
    [mksysb] = dev["mksysb"]
    assert (mksysb["path"], mksysb["age_days"], mksysb["max_age_days"], mksysb["status"]) == (
        "/mksysb/aix01.mksysb", 74.5, 35, "warning")
    # the configuration (config_*) is not a figure
    assert [(p["component"], p["status"], p["figures"]) for p in dev["performance"]] == [
        ("vmstat", "ok", [{"name": "busy", "value": 37.5}, {"name": "runnable", "value": 1.2}])]


def test_hmc_systems_events_and_the_aix_hosts_they_affect(context):
    hosts, hmcs = section(context)
    hmc = hmcs["hmc1"]
    systems = {s["system"]: s for s in hmc["systems"]}
    assert list(systems) == ["P8-SYS2", "P9-SYS1"]
    p9 = systems["P9-SYS1"]
    assert (p9["model"], p9["serial"], p9["state"], p9["firmware"]) == (
        "9009-42A", "7812ABC", "Operating", "FW950.50 (01VL950 120)")
    assert p9["lpars"] == ["aix01", "AIX02", "vios1"]
    [event] = hmc["events"]
    assert (event["system"], event["refcode"], event["status"]) == (
        "P9-SYS1", "B7006970", "critical")
    # AIX02 is aix02.bank.example's short name; vios1 is not an inventory AIX host
    assert event["aix_hosts"] == ["aix01", "aix02.bank.example"]
    for name in ("aix01", "aix02.bank.example"):
        [shown] = hosts[name]["hmc_events"]
        assert (shown["hmc"], shown["system"], shown["refcode"]) == (
            "hmc1", "P9-SYS1", "B7006970")
    assert hosts["aix03"]["hmc_events"] == []


def test_a_host_not_inspected_or_not_evaluated_says_why(context):
    hosts, _hmcs = section(context)
    down = hosts["aix03"]
    assert not down["collected"] and down["shown"]["model"] == "IBM,8286-42A"
    assert {a["state"] for a in down["areas"]} == {"host_not_inspected"}
    errpt = area(hosts["aix02.bank.example"], "errpt")
    assert errpt["state"] == "not_evaluated"
    assert errpt["missing"] == [{"state": "not_evaluated", "cause": "no_permission",
                                 "checks": ["errpt.hardware"]}]


def test_asset_register_filled_and_mismatch_flagged(context):
    hosts = {h["name"]: h for h in build_view(context)["hosts"]}
    aix01 = hosts["aix01"]["asset"]
    assert (aix01["model"], aix01["serial"], aix01["firmware"], aix01["os"]) == (
        "IBM,9009-42A", "7812ABC", "IBM,FW950.50 (VL950_092)", "AIX 7200-05-03-2148")
    assert aix01["location"] == "DC1 R3" and "device_reported" not in aix01
    aix02 = hosts["aix02.bank.example"]["asset"]
    assert aix02["serial"] == "7812XY0"  # the inventory's word stays
    assert aix02["device_reported"] == {"serial": "7812XYZ", "os": "AIX 7200-05-03-2148"}
    assert hosts["aix03"]["asset"] == {"model": "IBM,8286-42A"}
    assert hosts["db01"]["asset"] == {}
    # the context itself (the JSON report) keeps the inventory's asset
    assert next(h for h in context["hosts"] if h["name"] == "aix02.bank.example")[
        "asset"] == {"serial": "7812XY0", "os": "AIX 7.1"}
    # a level the inventory already names is no mismatch
    same = asset_entry({"name": "x", "platform": "aix", "asset": {"os": "AIX 7200-05-03-2148"},
                        "findings": [af("aix_system.identity", "ok", "s", IDENTITY)]})
    assert "device_reported" not in same
    # nor is the release the level belongs to (7.2 for 7200-...); another release is
    for given, flagged in (("AIX 7.2", False), ("AIX 7.2.5", False), ("AIX 7.3", True),
                           ("AIX 7.2.4", True)):
        row = asset_entry({"name": "x", "platform": "aix", "asset": {"os": given},
                           "findings": [af("aix_system.identity", "ok", "s", IDENTITY)]})
        assert ("device_reported" in row) is flagged, given
    assert identity([]) == dict.fromkeys(("model", "serial", "firmware", "oslevel", "lpar"), "")


def test_same_findings_in_any_order_give_the_same_view(context):
    expected = json.dumps(build_view(context)["aix"], sort_keys=True)
    shuffled = copy.deepcopy(context)
    rng = random.Random(11)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    assert json.dumps(build_view(shuffled)["aix"], sort_keys=True) == expected


# ----------------------------------------------------------------------------- rendering


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


def aix_text(page: str, fmt: str, heading: str) -> str:
    if fmt == "html":
        start = page.index('id="aix"')
        ends = [i for i in (page.find('id="environment"', start),
                            page.find('<section class="chapter"', start)) if i > 0]
        return html.unescape(re.sub(r"<[^>]+>", " ", page[start:min(ends)]))
    text = page.split("### " + heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return text.replace("\\|", "|").replace("\\_", "_").replace("\\-", "-").replace("**", "")


WORDS = {
    "en": {"heading": "AIX hosts and HMCs", "hosts": "AIX hosts inspected",
           "errlog": "Error log since the last inspection, by component",
           "perm": "SC_DISK_ERR2 (B6267342) on hdisk3 at 1101093021",
           "recovered": "DE3B8540 on hdisk5 at 1103115021 (recovered since)",
           "disk": "disk", "patch": "Patch level:", "tl": "technology level 05",
           "service": "in service (end of service 2026-11-30)",
           "reboot": "Interim fixes waiting for a reboot: 1",
           "mksysb": "/mksysb/aix01.mksysb, 2026-08-20, 74.5 days old (limit 35 days)",
           "perf": "Performance figures", "figures": "busy 37.5, runnable 1.2",
           "events": "Open serviceable events",
           "runs_on": "Open serviceable events of the managed system it runs on",
           "affected": "aix01, aix02.bank.example", "systems": "Managed systems",
           "firmware": "FW950.50 (01VL950 120)", "quiet": "1 more result OK.",
           "gone": "No longer reported since the last inspection",
           "new": "New fault", "not_evaluated": "Not evaluated on this host:"},
    "zh-CN": {"heading": "AIX 主机与 HMC", "hosts": "已检查的 AIX 主机",
              "errlog": "自上次巡检以来的错误日志（按部件）",
              "perm": "SC_DISK_ERR2 (B6267342) 位于 hdisk3 时间 1101093021",
              "recovered": "DE3B8540 位于 hdisk5 时间 1103115021 （此后已恢复）",
              "disk": "磁盘", "patch": "补丁级别：", "tl": "技术级别 05",
              "service": "在服务期内 （服务终止日期 2026-11-30）",
              "reboot": "等待重启的临时修复： 1",
              "mksysb": "/mksysb/aix01.mksysb、2026-08-20、已有 74.5 天 （上限 35 天）",
              "perf": "性能数据", "figures": "busy 37.5、runnable 1.2",
              "events": "未关闭的可维修事件",
              "runs_on": "所在受管系统上未关闭的可维修事件",
              "affected": "aix01、aix02.bank.example", "systems": "受管系统",
              "firmware": "FW950.50 (01VL950 120)", "quiet": "另有 1 项结果正常。",
              "gone": "自上次巡检以来不再出现",
              "new": "新增故障", "not_evaluated": "该主机上未评估："},
}
# the section's own English words that must not appear in the Chinese report
ENGLISH = ("AIX hosts inspected", "Error log since", "Patch level", "technology level",
           "in service", "Interim fixes", "days old", "Performance figures",
           "Managed system", "serviceable", "recovered since", "No longer reported",
           "Serial number", "Firmware")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_section_renders_hosts_error_log_patch_backup_and_hmc(context, lang, fmt):
    words = WORDS[lang]
    page = render_to_strings("monthly", context, lang, [fmt])[fmt]
    flat = " ".join(aix_text(page, fmt, words["heading"]).split())
    for key, expected in words.items():
        if key == "heading":
            continue
        assert " ".join(expected.split()) in flat, (key, flat)
    for value in ("IBM,9009-42A", "7812ABC", "IBM,FW950.50 (VL950_092)", "7200-05-03-2148",
                  "B7006970", "P9-SYS1", "hmc1", "IBM,8286-42A"):
        assert value in flat, value
    assert "db01" not in flat
    if lang == "zh-CN":
        assert not [w for w in ENGLISH if w in flat], [w for w in ENGLISH if w in flat]


@pytest.mark.parametrize("lang", LANGS)
def test_asset_register_rendered_with_firmware_and_the_mismatch(context, lang):
    flag = {"en": "The device reports 7812XYZ: differs from the inventory",
            "zh-CN": "设备报告为 7812XYZ：与资产台账不一致"}[lang]
    firmware = {"en": "Firmware", "zh-CN": "微码"}[lang]
    pages = render_to_strings("monthly", context, lang, ["html", "md"])
    for fmt, page in pages.items():
        start = page.index("<h3>aix02" if fmt == "html" else "### aix02")
        host = page[start:start + 3000]
        if fmt == "html":
            host = html.unescape(re.sub(r"<[^>]+>", " ", host))
        assert flag in " ".join(host.split()), fmt
        aix01 = page[page.index("<h3>aix01" if fmt == "html" else "### aix01"):][:3000]
        if fmt == "html":
            aix01 = html.unescape(re.sub(r"<[^>]+>", " ", aix01))
        assert firmware in aix01 and "IBM,FW950.50 (VL950_092)" in aix01, fmt


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_findings_render_the_same_bytes(context, lang):
    first = render_to_strings("monthly", context, lang, ["html", "md"])
    shuffled = copy.deepcopy(context)
    rng = random.Random(11)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    render_mod.clear_cache()
    assert render_to_strings("monthly", shuffled, lang, ["html", "md"]) == first


def test_no_aix_host_no_section(context):
    ctx = copy.deepcopy(context)
    ctx["hosts"] = [h for h in ctx["hosts"] if h["name"] == "db01"]
    for lang in LANGS:
        pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
        assert 'id="aix"' not in pages["html"]
        assert "### " + WORDS[lang]["heading"] + "\n" not in pages["md"]


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_tables_keep_their_shape(context, lang):
    markdown_it = pytest.importorskip("markdown_it")
    aix01 = next(h for h in context["hosts"] if h["name"] == "aix01")
    for finding in aix01["findings"]:
        finding.pop("message", None)
        finding["summary"] = "a | b"
        finding["translations"] = {"zh-CN": {"summary": "甲 | 乙"}}
    md = render_to_strings("monthly", context, lang, ["md"])["md"]
    part_md = md.split("### " + WORDS[lang]["heading"], 1)[1].split("\n## ", 1)[0]
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(part_md)
    tables = re.findall(r"<table>.*?</table>", as_html, flags=re.S)
    assert len(tables) >= 8
    for table in tables:
        widths = {len(re.findall(r"<t[hd]", row))
                  for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table
    assert len(re.findall(r"<h4>", as_html)) == 4  # three AIX hosts, one HMC


# ----------------------------------------------------------------------------- the rules' own


def test_the_errpt_rules_own_findings(monkeypatch):
    rules = pytest.importorskip("ansible.module_utils.weibao_inspection.rules.errpt")

    def entry(identifier, time, kind, cls, resource, label, description):
        return {"identifier": identifier, "time": time, "type": kind, "class": cls,
                "resource": resource, "label": label, "description": description,
                "sequence": time}

    data = {"since": "1001000026", "details": {"entries": [
        entry("B6267342", "1101093026", "PERM", "H", "hdisk3", "SC_DISK_ERR2",
              "DISK OPERATION ERROR"),
        entry("DE3B8540", "1103115026", "PERM", "H", "hdisk5", "SC_DISK_PCM_ERR7",
              "PATH HAS FAILED"),
        entry("F31FFAC3", "1103120026", "INFO", "H", "hdisk5", "SC_DISK_PCM_ERR16",
              "PATH HAS RECOVERED")]}}
    findings = rules.evaluate(data, None, {"now": NOW.timestamp()})
    host = {"name": "aix9", "status": "inspected", "platform": "aix", "findings": findings}
    [dev] = aix_view([host])["hosts"]
    errlog = dev["errlog"]
    assert ("errpt.hardware", "disk") in {(c["check_id"], c["component"])
                                          for c in errlog["components"]}
    assert {(e["identifier"], e["recovered"]) for e in errlog["perm_hardware"]} == {
        ("B6267342", False), ("DE3B8540", True)}
    for lang in LANGS:
        ctx = {"kind": "monthly", "period": "2026-11", "period_start": "2026-11-01",
               "period_end": "2026-11-30", "site": dict(SITE, contract="", provider=""),
               "runs": [], "summary": {"hosts_total": 1, "hosts_inspected": 1,
                                       "hosts_unreachable": 0, "hosts_failed": 0,
                                       "counts": {"ok": 0, "warning": 0, "critical": 0,
                                                  "unknown": 0}},
               "hosts": [dict(host, message="", inspected_at="2026-11-03T02:00:00Z",
                              run_id=2, asset={})],
               "backups": [], "recommendations": [], "findings": findings}
        pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
        for fmt, page in pages.items():
            flat = " ".join(aix_text(page, fmt, WORDS[lang]["heading"]).split())
            assert "SC_DISK_ERR2 (B6267342)" in flat, (lang, fmt)
            assert WORDS[lang]["disk"] in flat


# ------------------------------------------------------------------ every area's rules, as is


def _fixture_findings(platform: str, area: str) -> list[dict]:
    """The area's rules over the first understood saved output of each of its sources
    (tests/unit/fixtures/<platform>/<command>/*.raw), all at once as the collector hands them
    over."""
    from pathlib import Path

    from ansible.module_utils.weibao_inspection import registry

    fixtures = Path(__file__).parent / "fixtures" / platform
    raw = {}
    for source in registry.SOURCES:
        if (source.platform, source.area) != (platform, area) or source.key in raw:
            continue
        names = [source.name] + [registry._plain(a) for a in source.aliases]
        for name in names:
            folder = fixtures / re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
            for path in sorted(folder.glob("*.raw")):
                expected = path.with_suffix(".yml")
                body = path.read_text().split("\n", 1)[-1]
                if expected.exists() and "error:" not in expected.read_text() \
                        and body.strip():
                    raw.setdefault(source.key, body)
    if not raw:
        pytest.skip(f"no saved output of {platform} {area}")
    parse, evaluate = registry.area_functions(area, platform)
    context = {"now": NOW.timestamp(), "since": None}
    return evaluate(parse(raw, dict(context)), catalogue.merge_thresholds(area), context)


@pytest.mark.parametrize("platform,area", [("aix", "errpt"), ("aix", "aix_patch"),
                                           ("aix", "aix_lvm"), ("aix", "aix_devices"),
                                           ("aix", "aix_system"), ("ibm_hmc", "hmc")])
def test_each_areas_rules_own_findings_render(platform, area):
    assert area in catalogue.AREAS, f"{area} is not in the catalogue yet"
    findings = _fixture_findings(platform, area)
    assert findings
    host = {"name": "lpar1" if platform == "aix" else "hmc9", "status": "inspected",
            "platform": platform, "message": "", "inspected_at": "2026-11-03T02:00:00Z",
            "run_id": 2, "asset": {}, "findings": findings}
    view = aix_view([host])
    [dev] = view["hosts"] if platform == "aix" else view["hmcs"]
    assert dev["collected"]
    if area == "aix_system":
        assert dev["identity"]["model"] and dev["identity"]["serial"]
        assert asset_entry(host)["model"] == dev["identity"]["model"]
    if area == "hmc":
        assert [s for s in dev["systems"] if s["model"] and s["serial"] and s["state"]]
    ctx = {"kind": "monthly", "period": "2026-11", "period_start": "2026-11-01",
           "period_end": "2026-11-30", "site": dict(SITE, contract="", provider=""),
           "runs": [], "summary": {"hosts_total": 1, "hosts_inspected": 1,
                                   "hosts_unreachable": 0, "hosts_failed": 0,
                                   "counts": {"ok": 0, "warning": 0, "critical": 0,
                                              "unknown": 0}},
           "hosts": [host], "backups": [], "recommendations": [], "findings": findings}
    for lang in LANGS:
        pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
        for fmt, page in pages.items():
            flat = " ".join(aix_text(page, fmt, WORDS[lang]["heading"]).split())
            assert host["name"] in flat
            for f in findings:
                assert f["component"] in flat or f["status"] == "ok", f["component"]
            if lang == "zh-CN":
                assert not [w for w in ENGLISH if w in flat], [w for w in ENGLISH if w in flat]
