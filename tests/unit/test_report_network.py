"""The monthly report's network section and the network devices' asset register rows (issue
10): per device its model, serial and software, hardware, resources, interfaces with errors
growing, ports, log events and configuration (saved; changed since the last inspection from
the configuration archive, a device not collected said stale), built from stored findings
(weibao.report.kinds.monthly.network) and rendered in both languages and formats.

The findings are synthetic, made with ``make_finding`` for the ``network`` check ids the issue
10 contract fixes (when the catalogue declares the area, the test checks that it declares each
of them); they are stored and read back through ``monthly_context``, with the configuration
archive's records (table ``config_changes``, weibao.services.config_archive) of the run.
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
from weibao.report.kinds.monthly.context import monthly_context
from weibao.report.kinds.monthly.network import (
    PARTS,
    SOFTWARE,
    asset_entry,
    identity,
    network_view,
)
from weibao.report.kinds.monthly.view import build_view
from weibao.report.render import render_to_strings
from weibao.store import ConfigChange, Coverage, Finding, Run, RunHost, Store

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import make_finding  # noqa: E402

LANGS = ("en", "zh-CN")
BEFORE = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
SITE = {"name": "bank", "client": "Bank", "timezone": "Asia/Shanghai", "inspectors": []}
SW1_SOFTWARE = {"vendor": "Cisco", "model": "WS-C2960X-48TS-L", "serial": "FOC1934X0AB",
                "software": "IOS", "version": "15.2(7)E4",
                "image": "flash:c2960x-universalk9-mz.152-7.E4.bin"}
CORE_SOFTWARE = {"vendor": "Huawei", "model": "S5720-28X-SI-AC", "serial": "2102351931P0",
                 "version": "V200R011C10SPC500"}


def nf(check_id, status, component="", values=None, cause=None):
    return make_finding(check_id, status, f"{check_id} {component}: {status} (synthetic)",
                        component=component, values=values or {},
                        summary_zh=f"{check_id} {component}：{status}（合成）",
                        recommendation="" if status == "ok" else "look at it",
                        recommendation_zh="" if status == "ok" else "请检查", cause=cause)


def sw1_before():
    return [nf(SOFTWARE, "ok", values=SW1_SOFTWARE),
            nf("network.hardware", "ok", "PSU 1"), nf("network.hardware", "ok", "PSU 2"),
            nf("network.interface_errors", "ok", "Gi1/0/1", {"crc": 100, "crc_delta": 0}),
            nf("network.interface_errors", "ok", "Gi1/0/2", {"crc": 0}),
            nf("network.duplex", "warning", "Fa0/2"),
            nf("network.config_saved", "ok")]


def sw1_now():
    return [nf(SOFTWARE, "ok", values=SW1_SOFTWARE),
            nf("network.hardware", "ok", "PSU 1"),
            nf("network.hardware", "critical", "PSU 2", {"state": "no_input"}),
            nf("network.alarms", "ok"),
            nf("network.cpu", "ok", "cpu", {"percent_5m": 12.0}),
            nf("network.memory", "ok", "memory", {"percent": 41.5}),
            nf("network.reload", "ok", values={"uptime_seconds": 8000000}),
            nf("network.interface_errors", "warning", "Gi1/0/1",
               {"crc": 120, "crc_delta": 20, "input_errors_delta": 25}),
            nf("network.interface_errors", "ok", "Gi1/0/2", {"crc": 0, "crc_delta": 0}),
            nf("network.interface_errors", "ok", "Gi1/0/3", {"crc": 0, "crc_delta": 0}),
            nf("network.err_disabled", "critical", "Gi1/0/5"),
            nf("network.duplex", "warning", "Fa0/1"),
            nf("network.interfaces_down", "warning", "Gi1/0/7"),
            nf("network.logs", "warning", "link_flap", {"count": 4}),
            nf("network.config_saved", "warning")]


def core_now():
    return [nf(SOFTWARE, "ok", values=CORE_SOFTWARE),
            nf("network.hardware", "ok", "FAN 1"),
            nf("network.config_saved", "unknown", cause="not_understood")]


def add_run(s, started, period, hosts, configs=None):
    """hosts: {name: (status, platform, asset, findings, coverage rows)}; configs: {name:
    the configuration archive's record (ConfigChange's columns)}"""
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
    for name, record in (configs or {}).items():
        s.add(ConfigChange(run_id=run.id, host=name, platform=hosts[name][1], **record))
    return run.id


# why a configuration was not collected: a catalogue message (config_archive's)
WHY = {"key": "reason.timed_out", "params": {"command": "show running-config", "seconds": 60}}


@pytest.fixture
def context(tmp_path):
    """The monthly context of 2026-11: sw1 (IOS) inspected twice, its configuration changed;
    core1 (VRP) whose inventory serial differs from the device's and whose configuration was
    not collected (stale); sw2 unreachable now; db01, a server with a legacy ``network.link``
    finding (not a network device)."""
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        with store.session() as s:
            first = add_run(s, BEFORE, "2026-10", {
                "sw1": ("inspected", "cisco_ios", {}, sw1_before(), []),
                "sw2": ("inspected", "hp_comware", {}, [nf("network.hardware", "ok", "FAN")],
                        [])}, {"sw1": {"status": "new", "added": 300, "removed": 0,
                               "commit": "a" * 40}})
            legacy = make_finding("network.link", "ok", "eth0 up", component="eth0")
            second = add_run(s, NOW, "2026-11", {
                "sw1": ("inspected", "cisco_ios", {"serial": "FOC1934X0AB", "location": "A1"},
                        sw1_now(), []),
                "core1": ("inspected", "huawei_vrp",
                          {"serial": "2102351931P9", "model": "S5720-28X-SI-AC"}, core_now(),
                          [("network.logs", "not_evaluated", "tool_missing")]),
                "sw2": ("unreachable", "hp_comware", {"model": "S5130"}, [], []),
                "db01": ("inspected", "linux", {}, [legacy], [])},
                {"sw1": {"status": "changed", "added": 12, "removed": 3, "commit": "b" * 40,
                         "since_run": first},
                 "core1": {"status": "stale", "why": WHY}})
        ctx = monthly_context(store, "bank", "2026-11")
    finally:
        store.dispose()
    ctx["_runs"] = (first, second)
    return ctx


def section(ctx):
    return {d["host"]: d for d in build_view(ctx)["network"]}


def part(dev, name):
    return next(p for p in dev["parts"] if p["part"] == name)


def rows(p):
    return {(r["check_id"], r["component"]): r for r in p["rows"]}


# ----------------------------------------------------------------------------- the view


def test_the_contracts_check_ids_are_the_catalogues():
    assert "network" in catalogue.AREAS, "the network area is not in the catalogue yet"
    declared = {c.id for c in catalogue.area_checks("network")}
    wanted = {c for _name, checks in PARTS for c in checks} | {SOFTWARE}
    assert wanted <= declared, sorted(wanted - declared)


def test_devices_only(context):
    """Network devices by name; a server's legacy network.link finding does not make it one."""
    assert list(section(context)) == ["core1", "sw1", "sw2"]


def test_identity_from_the_software_finding(context):
    dev = section(context)["sw1"]
    assert dev["identity"] == dict(SW1_SOFTWARE, software="IOS 15.2(7)E4")
    # the name holds the version already: not twice
    assert identity([nf(SOFTWARE, "ok", values={"software": "Comware 7.1.070",
                                                "version": "7.1.070"})])["software"] == \
        "Comware 7.1.070"
    # without a software name, the version stands for it
    assert identity([nf(SOFTWARE, "ok", values=CORE_SOFTWARE)])["software"] == \
        "V200R011C10SPC500"
    assert identity([]) == dict.fromkeys(("vendor", "model", "serial", "software", "version",
                                          "image"), "")


def test_parts_rows_and_changes(context):
    dev = section(context)["sw1"]
    first, _second = context["_runs"]
    assert dev["previous"] == {"run_id": first, "inspected_at": "2026-10-05T02:00:00Z"}
    assert [p["part"] for p in dev["parts"]] == [name for name, _c in PARTS]
    hardware = part(dev, "hardware")
    assert hardware["worst"] == "critical"
    psu = rows(hardware)[("network.hardware", "PSU 2")]
    assert (psu["status"], psu["change"], psu["before"]) == ("critical", "new", "ok")
    # the OK and unchanged rows are counted, not listed: PSU 1 (same), the alarms (appeared)
    assert ("network.hardware", "PSU 1") not in rows(hardware)
    assert hardware["quiet"] == 2
    # resources: every row shown
    assert [r["check_id"] for r in part(dev, "resources")["rows"]] == [
        "network.cpu", "network.memory", "network.reload"]
    errors = part(dev, "errors")
    gi1 = rows(errors)[("network.interface_errors", "Gi1/0/1")]
    assert gi1["growth"] == [{"name": "crc", "delta": 20}, {"name": "input_errors", "delta": 25}]
    assert (gi1["change"], gi1["before"]) == ("new", "ok")
    assert errors["quiet"] == 2 and len(errors["rows"]) == 1
    assert dev["grown"] == [{"component": "Gi1/0/1", "growth": gi1["growth"],
                             "status": "warning", "check_id": "network.interface_errors"}]
    ports = part(dev, "ports")
    assert {(r["check_id"], r["component"], r["status"]) for r in ports["rows"]} == {
        ("network.interfaces_down", "Gi1/0/7", "warning"),
        ("network.err_disabled", "Gi1/0/5", "critical"),
        ("network.duplex", "Fa0/1", "warning")}
    if "network" in catalogue.AREAS:  # in the catalogue's order
        order = list(catalogue.CHECKS)
        assert [order.index(r["check_id"]) for r in ports["rows"]] == sorted(
            order.index(r["check_id"]) for r in ports["rows"])
    assert rows(part(dev, "logs"))[("network.logs", "link_flap")]["status"] == "warning"
    assert dev["gone"] == [{"check_id": "network.duplex", "component": "Fa0/2",
                            "before": "warning"}]
    assert dev["changes"]["gone"] == 1 and dev["changes"]["grown"] == 1
    assert dev["changes"]["new"] >= 3  # PSU 2, Gi1/0/1, the unsaved configuration, ...
    assert dev["config"]["saved"] == "warning"
    assert dev["config"]["state"] == "changed"
    assert (dev["config"]["added"], dev["config"]["removed"]) == (12, 3)
    assert dev["config"]["since"] == {"run_id": first, "inspected_at": "2026-10-05T02:00:00Z"}
    assert dev["config"]["commit"] == "b" * 40


def test_a_part_without_findings_says_why(context):
    core = section(context)["core1"]
    logs = part(core, "logs")
    assert logs["state"] == "not_evaluated"
    assert logs["missing"] == [{"state": "not_evaluated", "cause": "tool_missing",
                                "checks": ["network.logs"]}]
    assert part(core, "ports")["state"] == "no_result"
    assert core["previous"] is None and core["config"]["saved"] == "unknown"
    down = section(context)["sw2"]
    assert down["status"] == "unreachable" and not down["collected"]
    assert {p["state"] for p in down["parts"]} == {"host_not_inspected"}


def test_configuration_record_states(context):
    view = section(context)
    assert view["core1"]["config"]["state"] == "stale"
    assert view["core1"]["config"]["why"]["message"] == {"summary": WHY}
    assert view["sw2"]["shown"] == {"model": "S5130", "serial": "", "software": ""}
    # no archive record: not known to be unchanged
    assert view["sw2"]["config"]["state"] == "missing"
    # a state the report does not know is stale, never unchanged
    [dev] = network_view([{"name": "x", "status": "inspected", "platform": "cisco_ios",
                           "findings": [], "config": {"status": "weird"}}])
    assert dev["config"]["state"] == "stale"
    # words rather than a message are shown as they are
    [dev] = network_view([{"name": "x", "status": "inspected", "platform": "cisco_ios",
                           "findings": [], "config": {"status": "stale", "why": "timed out"}}])
    assert dev["config"]["why"] == {"summary": "timed out", "message": {}}


def test_asset_register_filled_and_mismatch_flagged(context):
    hosts = {h["name"]: h for h in build_view(context)["hosts"]}
    sw1 = hosts["sw1"]["asset"]
    assert sw1["model"] == "WS-C2960X-48TS-L"  # the inventory gave none
    assert sw1["serial"] == "FOC1934X0AB" and sw1["location"] == "A1"
    assert sw1["os"] == "IOS 15.2(7)E4"
    assert "device_reported" not in sw1
    core = hosts["core1"]["asset"]
    assert core["serial"] == "2102351931P9"  # the inventory's word stays
    assert core["device_reported"] == {"serial": "2102351931P0"}
    assert core["os"] == "V200R011C10SPC500"
    assert hosts["sw2"]["asset"] == {"model": "S5130"}  # nothing reported: as it is
    # the context itself (the JSON report) keeps the inventory's asset
    assert next(h for h in context["hosts"] if h["name"] == "core1")["asset"] == {
        "serial": "2102351931P9", "model": "S5720-28X-SI-AC"}
    assert asset_entry({"asset": {"model": "s5720-28x-si-ac"},
                        "findings": [nf(SOFTWARE, "ok", values=CORE_SOFTWARE)]})[
        "model"] == "s5720-28x-si-ac"  # the same model in another case: no mismatch


def test_same_findings_in_any_order_give_the_same_view(context):
    expected = json.dumps(build_view(context)["network"], sort_keys=True)
    shuffled = copy.deepcopy(context)
    rng = random.Random(10)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    assert json.dumps(build_view(shuffled)["network"], sort_keys=True) == expected


# ----------------------------------------------------------------------------- rendering


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


def net_text(page: str, fmt: str, heading: str) -> str:
    if fmt == "html":
        start = page.index('id="network"')
        ends = [i for i in (page.find('id="environment"', start),
                            page.find('<section class="chapter"', start)) if i > 0]
        return html.unescape(re.sub(r"<[^>]+>", " ", page[start:min(ends)]))
    text = page.split("### " + heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return text.replace("\\|", "|").replace("\\_", "_").replace("\\-", "-")


WORDS = {
    "en": {"heading": "Network devices", "devices": "Devices inspected",
           "changed": "Changed since the last inspection (+12 / -3 lines).",
           "stale": "Stale: the configuration was not collected this time, so it is not known "
                    "to be unchanged.",
           "why": "Why: show running-config did not answer within 60 s",
           "missing": "Not in the configuration archive for this inspection",
           "unsaved": "not saved: the running configuration differs from the saved one",
           "grown": "Counters grown: crc +20, input_errors +25",
           "errors": "Interfaces with errors growing, and optics",
           "ports": "Ports down, err-disabled or in half duplex",
           "quiet": "2 more results OK.",
           "gone": "No longer reported since the last inspection",
           "new": "New fault", "not_evaluated": "Not evaluated on this host:",
           "short_stale": "Stale: not collected"},
    "zh-CN": {"heading": "网络设备", "devices": "已检查的设备",
              "changed": "自上次巡检以来已变更（+12 / -3 行）。",
              "stale": "过期：本次未采集到配置，无法确认其无变化。",
              "why": "原因：show running-config 在 60 秒内没有响应",
              "missing": "配置归档中没有本次巡检的记录",
              "unsaved": "未保存：运行配置与已保存的配置不同",
              "grown": "增长的计数器： crc +20、input_errors +25",
              "errors": "错误计数增长的接口与光模块",
              "ports": "中断、err-disabled 或半双工的端口",
              "quiet": "另有 2 项结果正常。",
              "gone": "自上次巡检以来不再出现",
              "new": "新增故障", "not_evaluated": "该主机上未评估：",
              "short_stale": "过期：未采集"},
}
# the section's own English words that must not appear in the Chinese report
ENGLISH = ("Devices inspected", "Changed since", "Stale", "not saved", "Counters grown",
           "more results", "No longer reported", "Not in the configuration archive",
           "Interfaces with errors", "Running configuration", "Serial number")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_section_renders_devices_parts_and_configuration(context, lang, fmt):
    words = WORDS[lang]
    page = render_to_strings("monthly", context, lang, [fmt])[fmt]
    flat = " ".join(net_text(page, fmt, words["heading"]).split())
    for key, expected in words.items():
        if key == "heading":
            continue
        assert " ".join(expected.split()) in flat, (key, flat)
    for value in ("WS-C2960X-48TS-L", "FOC1934X0AB", "IOS 15.2(7)E4", "Gi1/0/5",
                  "PSU 2", "V200R011C10SPC500", "S5130"):
        assert value in flat, value
    assert "db01" not in flat
    if lang == "zh-CN":
        assert not [w for w in ENGLISH if w in flat]


@pytest.mark.parametrize("lang", LANGS)
def test_the_stale_device_is_said_stale_never_unchanged(context, lang):
    words = WORDS[lang]
    for fmt, page in render_to_strings("monthly", context, lang, ["html", "md"]).items():
        text = net_text(page, fmt, words["heading"])
        core = text[text.index("core1 ·"):text.index("sw1 ·")]
        flat = " ".join(core.split())
        assert words["stale"] in flat and words["short_stale"] not in flat
        assert {"en": "Unchanged since", "zh-CN": "自上次巡检以来无变化"}[lang] not in flat


@pytest.mark.parametrize("lang", LANGS)
def test_asset_register_rendered_with_the_mismatch(context, lang):
    flag = {"en": "The device reports 2102351931P0: differs from the inventory",
            "zh-CN": "设备报告为 2102351931P0：与资产台账不一致"}[lang]
    pages = render_to_strings("monthly", context, lang, ["html", "md"])
    for fmt, page in pages.items():
        start = page.index("<h3>core1" if fmt == "html" else "### core1")
        host = page[start:start + 3000]
        if fmt == "html":
            host = html.unescape(re.sub(r"<[^>]+>", " ", host))
        assert flag in " ".join(host.split()), fmt
        sw1 = page[page.index("<h3>sw1" if fmt == "html" else "### sw1"):]
        assert "WS-C2960X-48TS-L" in sw1[:2000]


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_findings_render_the_same_bytes(context, lang):
    first = render_to_strings("monthly", context, lang, ["html", "md"])
    shuffled = copy.deepcopy(context)
    rng = random.Random(4)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
        if host.get("previous"):
            rng.shuffle(host["previous"]["findings"])
    render_mod.clear_cache()
    assert render_to_strings("monthly", shuffled, lang, ["html", "md"]) == first


def test_no_network_device_no_section(context):
    ctx = copy.deepcopy(context)
    ctx["hosts"] = [h for h in ctx["hosts"] if h["name"] == "db01"]
    for lang in LANGS:
        pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
        assert 'id="network"' not in pages["html"]
        assert "### " + WORDS[lang]["heading"] + "\n" not in pages["md"]


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_tables_keep_their_shape(context, lang):
    markdown_it = pytest.importorskip("markdown_it")
    sw1 = next(h for h in context["hosts"] if h["name"] == "sw1")
    for finding in sw1["findings"]:
        finding.pop("message", None)
        finding["summary"] = "a | b"
        finding["translations"] = {"zh-CN": {"summary": "甲 | 乙"}}
    md = render_to_strings("monthly", context, lang, ["md"])["md"]
    part_md = md.split("### " + WORDS[lang]["heading"], 1)[1].split("\n## ", 1)[0]
    as_html = markdown_it.MarkdownIt("commonmark").enable("table").render(part_md)
    tables = re.findall(r"<table>.*?</table>", as_html, flags=re.S)
    # the devices; sw1: hardware, resources, errors, ports, logs, config; core1: config
    assert len(tables) == 1 + 6 + 1
    for table in tables:
        widths = {len(re.findall(r"<t[hd]", row))
                  for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table
    assert len(re.findall(r"<h4>", as_html)) == 3


# ----------------------------------------------------------------------------- the rules' own


def rules_findings():
    """rules/network.py's findings of an IOS-XE switch: a power supply without input, CRC and
    input errors grown since the previous inspection, the configuration not saved."""
    rules = pytest.importorskip("ansible.module_utils.weibao_inspection.rules.network")
    from ansible.module_utils.weibao_inspection import deltas

    data = {"device": {"hostname": "sw9", "vendor": "Cisco", "model": "WS-C3850-24T",
                       "serial": "FOC2222X1YZ", "software": "IOS-XE", "version": "16.9.4",
                       "image": "bootflash:packages.conf", "uptime_seconds": 9000000,
                       "reload_reason": "Reload Command"},
            "power_supplies": [{"name": "PS1", "state": "ok", "raw": "PS1 ok"},
                               {"name": "PS2", "state": "no_input", "raw": "PS2 no input"}],
            "interfaces": [{"name": "Gi1/0/1", "admin": "up", "oper": "up", "duplex": "full",
                            "speed": "1000", "description": "",
                            "counters": {"crc": 120, "input_errors": 130},
                            "counters_cleared": "never", "optics": None}],
            "config": {"running": "hostname sw9", "saved": False, "why": "startup differs"}}
    previous = {deltas.key("network.interface_errors", "Gi1/0/1", c): {
        "value": 100, "at": "2026-10-05T02:00:00Z", "boot_time": ""}
        for c in ("crc", "input_errors")}
    return rules.evaluate(data, None, {"now": NOW.timestamp(), "previous": previous,
                                       "platform": "cisco_ios"})


@pytest.mark.parametrize("lang", LANGS)
def test_the_rules_own_findings_render_in_both_languages(lang):
    findings = rules_findings()
    host = {"name": "sw9", "status": "inspected", "platform": "cisco_ios", "message": "",
            "inspected_at": "2026-11-03T02:00:00Z", "run_id": 2, "asset": {},
            "findings": findings,
            "config": {"status": "unchanged", "added": 0, "removed": 0, "why": None}}
    [dev] = network_view([host])
    assert dev["identity"]["software"] == "IOS-XE 16.9.4"
    assert [g["component"] for g in dev["grown"]] == ["Gi1/0/1"]
    assert dev["config"]["saved"] == "warning" and dev["config"]["state"] == "unchanged"
    ctx = {"kind": "monthly", "period": "2026-11", "period_start": "2026-11-01",
           "period_end": "2026-11-30", "site": dict(SITE, contract="", provider=""),
           "runs": [], "summary": {"hosts_total": 1, "hosts_inspected": 1,
                                   "hosts_unreachable": 0, "hosts_failed": 0,
                                   "counts": {"ok": 0, "warning": 0, "critical": 0,
                                              "unknown": 0}},
           "hosts": [host], "backups": [], "recommendations": [], "findings": findings}
    pages = render_to_strings("monthly", ctx, lang, ["html", "md"])
    for fmt, page in pages.items():
        flat = " ".join(net_text(page, fmt, WORDS[lang]["heading"]).split())
        assert "WS-C3850-24T" in flat and "FOC2222X1YZ" in flat and "IOS-XE 16.9.4" in flat
        assert "crc +20" in flat and "input_errors +30" in flat
        unchanged = {"en": "Unchanged since the last inspection.",
                     "zh-CN": "自上次巡检以来无变化。"}[lang]
        assert unchanged in flat
        if lang == "zh-CN":
            assert "not saved" not in flat and "power supply PS2" not in flat
        else:
            assert "power supply PS2 has no input power" in flat
