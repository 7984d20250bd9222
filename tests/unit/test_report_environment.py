"""The monthly report's environment section (issue 8): per server and its BMC, a sensor
summary by kind, the new hardware events since the last inspection, the absent sensors and
what is not OK, built from the environment findings' values
(weibao.report.kinds.monthly.environment) and rendered in both languages and formats."""

from __future__ import annotations

import copy
import html
import json
import random
import re
from pathlib import Path

import pytest

from weibao.report import render as render_mod
from weibao.report.kinds.monthly.environment import environment_view
from weibao.report.kinds.monthly.view import build_view
from weibao.report.render import render_to_strings

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "monthly_context.json"
LANGS = ("en", "zh-CN")


def finding(check_id, status, component, values=None, evidence=(), cause=None, summary=None):
    out = {"check_id": check_id, "host": "db01-bmc", "component": component, "status": status,
           "summary": summary or f"{check_id} {component} {status}", "evidence": list(evidence),
           "recommendation": "" if status == "ok" else "replace the part",
           "values": values or {}, "thresholds": {}}
    if cause:
        out["cause"] = cause
    return out


EVENT_BASE = {"baseline": "previous", "since": "2026-10-03T02:00:00Z", "reset": None,
              "lower_bound": False, "entries": 40, "new_entries": 6}
SEL_PSU = ["  21 | 11/02/2026 | 03:10:00 | Power Supply PS2 Status | Failure detected | Asserted",
           "  22 | 11/02/2026 | 03:10:01 | Power Supply PS2 Status | Power Supply AC lost | "
           "Asserted",
           "  23 | 11/02/2026 | 03:12:00 | Power Supply PS2 Status | Failure detected | Asserted",
           "  24 | 11/02/2026 | 03:15:00 | Power Supply PS2 Status | Power Supply AC lost | "
           "Asserted"]


def bmc_findings():
    return [
        finding("environment.temperature", "ok", "temperature",
                {"sensors": 4, "not_judged": 0, "absent": "CPU2 Temp", "absent_count": 1}),
        finding("environment.fans", "critical", "FAN2",
                {"reading": 300, "unit": "RPM", "state": "critical", "states": None,
                 "kind_ok": 3, "absent": "Fan 5", "absent_count": 1},
                summary="FAN2 critical: 300 RPM"),
        finding("environment.power_supplies", "critical", "PS2 Status",
                {"reading": None, "unit": None, "state": "critical", "states": "Failure detected",
                 "kind_ok": 1, "absent": None, "absent_count": 0},
                summary="PS2 Status critical: Failure detected"),
        finding("environment.voltages", "ok", "voltage",
                {"sensors": 6, "not_judged": 1, "absent": None, "absent_count": 0}),
        finding("environment.redundancy", "unknown", "redundancy", cause="not_applicable"),
        finding("environment.other_sensors", "unknown", "other", cause="source_unreadable",
                summary="sensors could not be read: timeout"),
        finding("environment.event_log", "critical", "power_supply",
                dict(EVENT_BASE, cls="power_supply", count=4, recovered=False,
                     last_time="11/02/2026 03:15:00", last_event="Power Supply AC lost"),
                evidence=SEL_PSU),
        finding("environment.event_log", "warning", "fan",
                dict(EVENT_BASE, cls="fan", count=1, recovered=True,
                     last_time="11/02/2026 04:00:00", last_event="Lower Critical going low"),
                evidence=["  30 | 11/02/2026 | 04:00:00 | Fan FAN2 | Lower Critical going low"]),
        finding("environment.chassis", "ok", "chassis", {"power": "on"}),
    ]


def bmc_host(name="db01-bmc", server="db01", findings=None, status="inspected", message=""):
    found = bmc_findings() if findings is None else findings
    for f in found:
        f["host"] = name
    return {"name": name, "status": status, "message": message, "inspected_at": "",
            "run_id": 3, "asset": {"bmc_of": server}, "findings": found}


# ----------------------------------------------------------------------------- the view


def test_sensor_summary_by_kind_from_the_findings_values():
    [env] = environment_view([bmc_host()])
    assert (env["server"], env["bmc"], env["status"], env["inspected"]) == (
        "db01", "db01-bmc", "inspected", True)
    rows = {r["kind"]: r for r in env["sensors"]}
    assert [r["kind"] for r in env["sensors"]] == [
        "temperature", "fan", "power_supply", "voltage", "redundancy", "other"]

    def counts(kind):
        r = rows[kind]
        return (r["ok"], r["warning"], r["critical"], r["unknown"], r["absent"], r["judged"])

    assert counts("temperature") == (4, 0, 0, 0, 1, True)
    assert counts("fan") == (3, 0, 1, 0, 1, True)  # the ok ones from the fault's values
    assert counts("power_supply") == (1, 0, 1, 0, 0, True)
    assert counts("voltage") == (6, 0, 0, 1, 0, True)  # one sensor not judged
    assert counts("redundancy") == (0, 0, 0, 0, 0, True)  # none on this BMC
    assert counts("other")[-1] is False  # could not be read: not "0 ok"
    assert env["absent"] == ["CPU2 Temp", "Fan 5"]


def test_new_hardware_events_by_class_with_first_samples():
    [env] = environment_view([bmc_host()])
    events = env["events"]
    assert (events["new_entries"], events["since"], events["reset"]) == (
        6, "2026-10-03T02:00:00Z", None)
    assert [(c["cls"], c["count"], c["status"], c["recovered"]) for c in events["classes"]] == [
        ("power_supply", 4, "critical", False), ("fan", 1, "warning", True)]
    assert events["classes"][0]["samples"] == SEL_PSU[:3]
    assert events["classes"][0]["last_event"] == "Power Supply AC lost"


def test_not_ok_list_is_kept_worst_first():
    [env] = environment_view([bmc_host()])
    assert [(f["status"], f["check_id"], f["component"]) for f in env["not_ok"]] == [
        ("critical", "environment.event_log", "power_supply"),
        ("critical", "environment.fans", "FAN2"),
        ("critical", "environment.power_supplies", "PS2 Status"),
        ("warning", "environment.event_log", "fan"),
        ("unknown", "environment.other_sensors", "other"),
        ("unknown", "environment.redundancy", "redundancy")]


def test_no_event_log_read_and_hosts_without_bmcs():
    quiet = [finding("environment.event_log", "unknown", "event_log", cause="source_unreadable"),
             finding("environment.fans", "ok", "fan", {"sensors": 2, "not_judged": 0,
                                                       "absent": None, "absent_count": 0})]
    plain = {"name": "app01", "status": "inspected", "asset": {},
             "findings": [finding("system.load", "ok", "")]}
    down = bmc_host("db02-bmc", "db02", findings=[], status="unreachable", message="timed out")
    out = environment_view([plain, down, bmc_host("web01-bmc", "web01", findings=quiet)])
    assert [e["bmc"] for e in out] == ["db02-bmc", "web01-bmc"]  # a host that is no BMC: none
    assert out[0]["inspected"] is False and out[0]["events"] is None
    assert out[1]["events"] is None and out[1]["absent"] == []


def test_same_findings_in_any_order_give_the_same_view():
    hosts = [bmc_host(), bmc_host("db02-bmc", "db02"), bmc_host("x-bmc", "")]
    expected = environment_view(hosts)
    assert [e["bmc"] for e in expected] == ["db01-bmc", "db02-bmc", "x-bmc"]
    shuffled = copy.deepcopy(hosts)
    rng = random.Random(8)
    rng.shuffle(shuffled)
    for host in shuffled:
        rng.shuffle(host["findings"])
    # build_view orders each host's findings; the view is then the same
    view = build_view({"hosts": shuffled, "runs": [], "findings": [], "recommendations": []})
    assert json.dumps(view["environment"], sort_keys=True) == json.dumps(
        build_view({"hosts": hosts, "runs": [], "findings": [],
                    "recommendations": []})["environment"], sort_keys=True)


# ----------------------------------------------------------------------------- rendering


@pytest.fixture(autouse=True)
def _fresh_environments():
    render_mod.clear_cache()
    yield
    render_mod.clear_cache()


def report_context():
    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    host = bmc_host()
    context["hosts"].append(host)
    context["findings"].extend(host["findings"])
    return context


def env_section(page: str, fmt: str, heading: str) -> str:
    if fmt == "html":
        start = page.index('id="environment"')
        end = page.find('<section class="chapter"', start)
        text = page[start:end]
        return html.unescape(re.sub(r"<[^>]+>", " ", text))
    return page.split(heading, 1)[1].split("\n## ", 1)[0].replace("\\|", "|")


WORDS = {
    "en": {"heading": "Server environment (BMCs)", "summary": "Sensor summary",
           "absent": "Absent sensors", "events": "New hardware events since the last inspection",
           "fans": "Fans", "psu_class": "Power supply or AC power", "recovered": "(recovered)",
           "critical": "Critical", "since": "since 2026-10-03T02:00:00Z",
           "not_read": "Not read (see below)"},
    "zh-CN": {"heading": "服务器运行环境（BMC）", "summary": "传感器汇总",
              "absent": "不在位的传感器", "events": "自上次巡检以来新增的硬件事件",
              "fans": "风扇", "psu_class": "电源模块或交流供电", "recovered": "（已恢复）",
              "critical": "严重", "since": "自 2026-10-03T02:00:00Z 起",
              "not_read": "未能读取（见下文）"},
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_section_shows_summary_events_absent_and_faults(lang, fmt):
    words = WORDS[lang]
    page = render_to_strings("monthly", report_context(), lang, [fmt])[fmt]
    text = env_section(page, fmt, words["heading"])
    for key in ("summary", "absent", "events", "fans", "psu_class", "recovered", "since",
                "not_read"):
        assert words[key] in text, (key, text)
    assert "CPU2 Temp" in text and "Fan 5" in text  # the absent sensors, by name
    assert "FAN2" in text and "PS2 Status" in text  # the faults: not OK, still listed
    # the first samples of the class's entries, not all of them
    assert SEL_PSU[0].strip() in text and SEL_PSU[2].strip() in text
    assert "24 | 11/02/2026" not in text
    lines = [" ".join(line.replace("|", " ").split()) for line in text.splitlines()]
    # the fans' row: 3 ok, 0 warning, 1 critical, 0 unknown, 1 absent
    fans = " ".join(text.split()) if fmt == "html" else next(
        line for line in lines if line.startswith(words["fans"] + " "))
    assert f"{words['fans']} 3 0 1 0 1" in fans
    if lang == "zh-CN":
        english = [w for w in ("Sensor summary", "Absent sensors", "Event class",
                               "First samples", "Not OK") if w in text]
        assert not english


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_data_renders_the_same_bytes(lang):
    first = render_to_strings("monthly", report_context(), lang, ["html", "md"])
    shuffled = report_context()
    rng = random.Random(1)
    rng.shuffle(shuffled["hosts"])
    for host in shuffled["hosts"]:
        rng.shuffle(host["findings"])
    render_mod.clear_cache()
    assert render_to_strings("monthly", shuffled, lang, ["html", "md"]) == first


def test_no_bmc_no_section():
    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for lang in LANGS:
        pages = render_to_strings("monthly", context, lang, ["html", "md"])
        assert 'id="environment"' not in pages["html"]
        assert WORDS[lang]["heading"] not in pages["md"]


# ----------------------------------------------------------------------------- from the store


def test_from_the_store_through_the_context_builder(tmp_path):
    """monthly_context keeps each BMC's asset (bmc_of) and its findings' values and evidence:
    the section is built from what the inspection stored."""
    import datetime as dt

    from weibao.report.kinds.monthly.context import monthly_context
    from weibao.store import Finding, Run, RunHost, Store

    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    started = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
    try:
        with store.session() as s:
            run = Run(kind="inspection", site="bank", period="2026-11", status="partial",
                      started_at=started, ended_at=started + dt.timedelta(minutes=5),
                      user="zhang.san", inventory="inv", playbook="pb", limit="",
                      ansible_version="2.19.14", weibao_version="0", controller="c",
                      message="", artifact_dir="", manifest_sha256="",
                      site_meta={"name": "bank", "timezone": "Asia/Shanghai"})
            run.hosts = [RunHost(name="db01-bmc", status="inspected", message="",
                                 asset={"bmc_of": "db01"}),
                         RunHost(name="db01", status="inspected", message="", asset={})]
            s.add(run)
            s.flush()
            for f in bmc_findings():
                s.add(Finding(run_id=run.id, host="db01-bmc", check_id=f["check_id"],
                              component=f["component"], status=f["status"],
                              summary=f["summary"], evidence=f["evidence"],
                              recommendation=f["recommendation"], values=f["values"],
                              thresholds={}, cause=f.get("cause")))
            s.add(Finding(run_id=run.id, host="db01", check_id="system.load", component="",
                          status="ok", summary="load ok", evidence=[], recommendation="",
                          values={}, thresholds={}))
        context = monthly_context(store, "bank", "2026-11")
    finally:
        store.dispose()
    [env] = build_view(context)["environment"]
    assert (env["server"], env["bmc"]) == ("db01", "db01-bmc")
    rows = {r["kind"]: r for r in env["sensors"]}
    assert (rows["fan"]["ok"], rows["fan"]["critical"], rows["fan"]["absent"]) == (3, 1, 1)
    assert rows["other"]["judged"] is False
    assert env["absent"] == ["CPU2 Temp", "Fan 5"]
    assert [c["cls"] for c in env["events"]["classes"]] == ["power_supply", "fan"]
    assert env["events"]["classes"][0]["samples"] == SEL_PSU[:3]
    [direct] = environment_view([bmc_host()])  # the same as from the findings themselves
    for key in ("sensors", "absent", "events"):
        assert env[key] == direct[key], key
    assert [(f["status"], f["check_id"], f["component"]) for f in env["not_ok"]] == [
        (f["status"], f["check_id"], f["component"]) for f in direct["not_ok"]]
