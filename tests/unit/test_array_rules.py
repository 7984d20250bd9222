"""Rules of the array area (rules/array.py) on both platforms' saved outputs: each check made
to fail and to pass, spare drives and FC links compared with the previous inspection, and
every source not collected, not understood or unreadable unknown, never ok; nothing to judge
(an SVC without drives, an array without FC ports) unknown with cause not_applicable.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    huawei_oceanstor_array as ocean,
)
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    ibm_storwize_array as svc,
)
from ansible.module_utils.weibao_inspection.rules import array as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
THRESHOLDS = catalogue.merge_thresholds("array")
BEFORE = "2026-11-01T02:00:00Z"

SVC_OK = {"lssystem": "lssystem_delim/flashsystem_7200_8_4",
          "lssystemstats": "lssystemstats_delim/flashsystem_7200_8_4",
          "lsdrive": "lsdrive_delim/flashsystem_9200_8_6_ok",
          "lsenclosure": "lsenclosure_delim/flashsystem_7200_8_4_ok",
          "lsenclosurepsu": "lsenclosurepsu_delim/flashsystem_7200_8_4_ok",
          "lsenclosurebattery": "lsenclosurebattery/v7000_7_8_ok",
          "lsportfc": "lsportfc_delim/flashsystem_7200_8_4_ok",
          "lsmdiskgrp": "lsmdiskgrp_delim/flashsystem_9200_8_6_ok",
          "lseventlog": "lseventlog/v7000_7_8_messages_only"}
OCEAN_OK = {"system": "show_system_general/v3_normal", "disks": "show_disk_general/v3_ok",
            "enclosures": "show_enclosure/v3_ok", "power_supplies": "show_power_supply/v3_ok",
            "bbus": "show_bbu_general/v3_ok",
            "fc_ports": "show_port_general_physical_type_FC/v3_ok",
            "pools": "show_storage_pool_general/v3_ok", "alarms": "show_alarm/v3_none"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(platform, case):
    return (FIXTURES / platform / f"{case}.raw").read_text().split("\n", 1)[1]


def storwize(**cases):
    chosen = dict(SVC_OK, **cases)
    return svc.parse_sources({k: text("ibm_storwize", v) for k, v in chosen.items()
                              if v is not None}, {})


def oceanstor(**cases):
    chosen = dict(OCEAN_OK, **cases)
    return ocean.parse_sources({k: text("huawei_oceanstor", v) for k, v in chosen.items()
                                if v is not None}, {})


def judged(data, check_id, previous=None, thresholds=THRESHOLDS, judge=False):
    context = {"previous": previous or {}, "judge": judge}
    out = [f for f in rules.evaluate(data, thresholds, context) if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def statuses(findings):
    return sorted((f["component"], f["status"]) for f in findings)


def worst(findings):
    order = {"ok": 0, "unknown": 1, "warning": 2, "critical": 3}
    return max((f["status"] for f in findings), key=order.get)


def test_healthy_arrays_are_ok_on_both_platforms():
    for data in (storwize(), oceanstor()):
        findings = rules.evaluate(data, THRESHOLDS, {})
        for finding in findings:
            validate_finding(finding)
        assert {f["status"] for f in findings} == {"ok"}, \
            [(f["check_id"], f["summary"]) for f in findings if f["status"] != "ok"]
        assert {f["check_id"] for f in findings} == {c.id for c in
                                                    catalogue.area_checks("array")}


# --------------------------------------------------------------------------- drives


def test_drives_ok_counts_members_and_spares():
    [finding] = judged(storwize(), "array.drives")
    assert finding["status"] == "ok"
    assert finding["values"]["members"] == 8 and finding["values"]["spares"] == 1
    assert "9 drives online" in finding["summary"]
    assert "9 块硬盘均在线" in finding["translations"]["zh-CN"]["summary"]


def test_failed_drive_is_critical_and_degraded_is_warning():
    findings = judged(storwize(lsdrive="lsdrive_delim/flashsystem_7200_8_4_failed"),
                      "array.drives")
    assert statuses(findings) == [("drive 3", "critical"), ("drive 5", "warning")]
    assert "drive 3 (enclosure 1, slot 4) is marked failed" in findings[0]["summary"]
    assert "硬盘 3（机框 1，槽位 4）" in findings[0]["translations"]["zh-CN"]["summary"]


def test_offline_drive_aligned_7_8_is_critical():
    findings = judged(storwize(lsdrive="lsdrive/v7000_7_8_offline"), "array.drives")
    assert statuses(findings) == [("drive 2", "critical")]
    assert findings[0]["recommendation"]


def test_oceanstor_fault_reconstruction_and_prefail():
    findings = judged(oceanstor(disks="show_disk_general/v3_fault_reconstruction"),
                      "array.drives")
    assert statuses(findings) == [("disk CTE0.2", "critical"), ("disk CTE0.6", "warning")]
    findings = judged(oceanstor(disks="show_disk_general/dorado_v6_prefail"), "array.drives")
    assert statuses(findings) == [("disk CTE0.4", "warning")]
    findings = judged(oceanstor(disks="show_disk_general/v3_chinese_ok"), "array.drives")
    assert statuses(findings) == [("drives", "ok")]


def test_spare_consumed_since_the_previous_inspection():
    previous = {deltas.key("array.drives", "spares", "count"): {"value": 1, "at": BEFORE}}
    data = oceanstor(disks="show_disk_general/v3_fault_reconstruction")
    findings = judged(data, "array.drives", previous=previous)
    spare = [f for f in findings if f["component"] == "spares"]
    assert spare and spare[0]["status"] == "warning"
    assert spare[0]["values"] == {"spares": 0, "previous_spares": 1}
    # the same count as last time: no finding about spares
    previous = {deltas.key("array.drives", "spares", "count"): {"value": 1, "at": BEFORE}}
    assert statuses(judged(oceanstor(), "array.drives", previous=previous)) == \
        [("drives", "ok")]


def test_drive_sources_that_cannot_be_judged_are_unknown():
    [finding] = judged(storwize(lsdrive="lsdrive_delim/not_understood"), "array.drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    failed = svc.parse_sources({"lsdrive": {"error": msg("reason.timed_out", command="lsdrive",
                                                         seconds=60),
                                            "cause": "source_unreadable"}}, {})
    [finding] = judged(failed, "array.drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "source_unreadable")
    [finding] = judged({"platform": "ibm_storwize"}, "array.drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete")
    assert judged({"platform": "ibm_storwize"}, "array.drives", judge=True) == []
    weird = svc.parse_sources({"lsdrive": "id:status:use\n0:online:member\n1:weird:member\n"},
                              {})
    assert statuses(judged(weird, "array.drives")) == [("drive 1", "unknown")]


def test_no_internal_drive_is_not_applicable():
    data = svc.parse_sources({"lsdrive": ""}, {})
    [finding] = judged(data, "array.drives")
    assert finding["cause"] == "not_applicable"
    assert [e["check_id"] for e in rules.not_applicable(data)] == ["array.drives"]


# --------------------------------------------------------------------------- enclosures


def test_enclosures_ok():
    [finding] = judged(storwize(), "array.enclosures")
    assert finding["status"] == "ok"
    assert finding["values"] == {"enclosures": 2, "psus": 4, "batteries": 2}


def test_canister_offline_and_psu_offline_are_critical():
    findings = judged(storwize(lsenclosure="lsenclosure/v7000_7_8_canister_offline",
                               lsenclosurepsu="lsenclosurepsu/v7000_7_8_psu_offline"),
                      "array.enclosures")
    assert statuses(findings) == [("enclosure 1", "warning"),
                                  ("enclosure 1 psu 2", "critical")]
    findings = judged(storwize(lsenclosure="lsenclosure/v7000_7_8_canister_offline"),
                      "array.enclosures")
    assert worst(findings) == "warning"
    # the counts alone (an enclosure listed online with a canister missing): critical
    data = svc.parse_sources({"lsenclosure": "id:status:total_canisters:online_canisters\n"
                                             "1:online:2:1\n"}, {})
    [finding] = judged(data, "array.enclosures", judge=True)
    assert (finding["component"], finding["status"]) == ("enclosure 1 canisters", "critical")
    assert "1 of 2 canisters online" in finding["summary"]


def test_battery_end_of_life_and_degraded_warn():
    findings = judged(storwize(
        lsenclosurebattery="lsenclosurebattery_delim/flashsystem_7200_8_4_end_of_life"),
        "array.enclosures")
    assert statuses(findings) == [("enclosure 1 battery 1", "warning"),
                                  ("enclosure 1 battery 2", "warning")]
    assert any("end of life" in f["summary"] for f in findings)


def test_oceanstor_enclosure_psu_bbu_and_system_faults():
    findings = judged(oceanstor(enclosures="show_enclosure/v3_fault",
                                power_supplies="show_power_supply/v3_fault",
                                bbus="show_bbu_general/v3_prefail",
                                system="show_system_general/dorado_v6_fault"),
                      "array.enclosures")
    assert statuses(findings) == [("battery CTE0.A.BBU", "warning"),
                                  ("enclosure DAE010", "critical"),
                                  ("psu CTE0.PSU1", "critical"), ("system", "critical")]


def test_enclosure_sources_unknown_and_none():
    findings = judged(oceanstor(power_supplies="show_power_supply/not_understood"),
                      "array.enclosures")
    assert statuses(findings) == [("enclosures", "ok"), ("psus", "unknown")]
    none = svc.parse_sources({"lsenclosure": "", "lsenclosurepsu": "",
                              "lsenclosurebattery": ""}, {})
    [finding] = judged(none, "array.enclosures")
    assert finding["cause"] == "not_applicable"
    weird = svc.parse_sources({"lsenclosurepsu": "enclosure_id:PSU_id:status\n1:1:service\n"
                                                 "1:2:sleeping\n"}, {})
    findings = judged(weird, "array.enclosures", judge=True)
    assert statuses(findings) == [("enclosure 1 psu 1", "critical"),
                                  ("enclosure 1 psu 2", "unknown")]


# --------------------------------------------------------------------------- ports


def test_ports_ok_and_never_configured_ports_are_no_fault():
    [finding] = judged(storwize(), "array.ports")
    assert finding["status"] == "ok"
    assert finding["values"]["active"] == 4 and finding["values"]["ports"] == 8
    assert finding["values"]["speeds"] == "16Gb"


def test_configured_inactive_port_warns():
    findings = judged(storwize(lsportfc="lsportfc/v7000_7_8_inactive_configured"),
                      "array.ports")
    assert statuses(findings) == [("node node1 port 2", "warning")]
    assert "configured but inactive" in findings[0]["summary"]


def test_oceanstor_link_down_warns_only_when_it_was_up():
    [finding] = judged(oceanstor(), "array.ports")
    assert finding["status"] == "ok"
    previous = {deltas.key("array.ports", "port CTE0.A.IOM1.P1", "up"): {"value": 1,
                                                                        "at": BEFORE},
                deltas.key("array.ports", "port CTE0.B.IOM1.P1", "up"): {"value": 0,
                                                                        "at": BEFORE}}
    findings = judged(oceanstor(), "array.ports", previous=previous)
    assert statuses(findings) == [("port CTE0.A.IOM1.P1", "warning")]
    findings = judged(oceanstor(fc_ports="show_port_general_physical_type_FC/v3_fault"),
                      "array.ports")
    assert statuses(findings) == [("port CTE0.A.IOM1.P0", "critical")]


def test_ports_unknown_and_none():
    [finding] = judged(oceanstor(fc_ports="show_port_general_physical_type_FC/not_understood"),
                       "array.ports")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    [finding] = judged(svc.parse_sources({"lsportfc": ""}, {}), "array.ports")
    assert finding["cause"] == "not_applicable"
    weird = svc.parse_sources({"lsportfc": "id:status\n0:blinking\n"}, {})
    assert statuses(judged(weird, "array.ports")) == [("node ? port 0", "unknown")]


def test_counters_keep_spares_and_links():
    counters = rules.counters(oceanstor())
    keys = {(c["check_id"], c["component"], c["name"]): c["value"] for c in counters}
    assert keys[("array.drives", "spares", "count")] == 1
    assert keys[("array.ports", "port CTE0.A.IOM1.P0", "up")] == 1
    assert keys[("array.ports", "port CTE0.A.IOM1.P1", "up")] == 0
    assert rules.counters(storwize(lsdrive="lsdrive_delim/not_understood")) != []


# --------------------------------------------------------------------------- pools


def test_pool_ok_carries_capacity_and_the_system_cache():
    findings = judged(storwize(), "array.pools")
    pool = [f for f in findings if f["component"] == "pool Pool0"][0]
    assert pool["status"] == "ok"
    assert pool["values"]["used_pct"] == 59.0
    assert pool["values"]["capacity"] == pool["values"]["used"] + pool["values"]["free"]
    system = [f for f in findings if f["component"] == "system"][0]
    assert system["status"] == "ok"
    assert system["values"]["write_cache_pct"] == 34
    assert system["values"]["code_level"].startswith("8.4.0.4")
    assert "write cache 34.0 % used" in system["summary"]


def test_pools_over_thresholds():
    findings = judged(storwize(lsmdiskgrp="lsmdiskgrp/v7000_7_8_nearly_full"), "array.pools")
    assert statuses(findings) == [("pool NL_Pool", "warning"), ("pool SAS_Pool", "critical"),
                                  ("system", "ok")]
    assert findings[0]["thresholds"] == {"warning": 80, "critical": 90}
    higher = catalogue.merge_thresholds("array", {"pools": {"warning": 85, "critical": 95}})
    findings = judged(storwize(lsmdiskgrp="lsmdiskgrp/v7000_7_8_nearly_full"), "array.pools",
                      thresholds=higher)
    assert statuses(findings) == [("pool NL_Pool", "ok"), ("pool SAS_Pool", "warning"),
                                  ("system", "ok")]


def test_offline_pool_is_critical_and_degraded_full_pool_is_critical():
    findings = judged(storwize(lsmdiskgrp="lsmdiskgrp_delim/flashsystem_7200_8_4_offline"),
                      "array.pools")
    assert statuses(findings) == [("pool Pool0", "ok"), ("pool Pool_DR", "critical"),
                                  ("system", "ok")]
    findings = judged(oceanstor(pools="show_storage_pool_general/dorado_v6_full_degraded",
                                system="show_system_general/dorado_v6_fault"), "array.pools")
    assert statuses(findings) == [("pool StoragePool000", "critical"), ("system", "ok")]
    assert "degraded" in findings[0]["summary"] and "92.5 %" in findings[0]["summary"]
    degraded = ocean.parse_sources({"pools": text(
        "huawei_oceanstor", "show_storage_pool_general/dorado_v6_full_degraded")}, {})
    loose = catalogue.merge_thresholds("array", {"pools": {"warning": 95, "critical": 99}})
    [finding] = judged(degraded, "array.pools", thresholds=loose, judge=True)
    assert finding["status"] == "warning"
    assert "Find why the pool is not online" in finding["recommendation"]


def test_pools_unknown():
    findings = judged(storwize(lsmdiskgrp="lsmdiskgrp_delim/not_understood",
                               lssystem="lssystem_delim/cli_error"), "array.pools")
    assert statuses(findings) == [("pools", "unknown"), ("system", "unknown")]
    [finding] = judged(oceanstor(pools=None), "array.pools", judge=False)[:1]
    assert (finding["component"], finding["cause"]) == ("pools", "incomplete")
    stats_only = svc.parse_sources({"lssystemstats": text(
        "ibm_storwize", "lssystemstats_delim/flashsystem_7200_8_4")}, {})
    [finding] = judged(stats_only, "array.pools", judge=True)
    assert finding["status"] == "ok" and finding["values"]["write_cache_pct"] == 34
    bad_stats = storwize(lssystemstats="lssystemstats_delim/not_understood")
    findings = judged(bad_stats, "array.pools")
    assert ("cache", "unknown") in statuses(findings)
    [finding] = judged(ocean.parse_sources({"pools": "admin:/>show storage_pool general\n\n"
                                                     "  Command executed successfully.\n"},
                                           {}), "array.pools", judge=True)
    assert finding["cause"] == "not_applicable"


# --------------------------------------------------------------------------- events


def test_unfixed_alerts_are_critical():
    [finding] = judged(storwize(lseventlog="lseventlog_fixed_no_delim/flashsystem_7200_8_4_alerts"),
                       "array.events")
    assert finding["status"] == "critical"
    assert finding["values"] == {"count": 2, "codes": "1114, 1690"}
    assert "1690" in finding["summary"] and "1690" in finding["translations"]["zh-CN"][
        "summary"]


def test_messages_monitoring_and_fixed_alerts_are_ok():
    for case in ("lseventlog/v7000_7_8_messages_only", "lseventlog/v7000_7_8_fixed_alert"):
        [finding] = judged(storwize(lseventlog=case), "array.events")
        assert finding["status"] == "ok"


def test_ignored_codes_are_left_out():
    ignore = catalogue.merge_thresholds("array", {"events": {"ignore": "1690"}})
    [finding] = judged(storwize(lseventlog="lseventlog_fixed_no_delim/flashsystem_7200_8_4_alerts"),
                       "array.events", thresholds=ignore)
    assert finding["values"]["count"] == 1 and finding["values"]["codes"] == "1114"
    ignore = catalogue.merge_thresholds("array", {"events": {"ignore": ["1690", "1114"]}})
    [finding] = judged(storwize(lseventlog="lseventlog_fixed_no_delim/flashsystem_7200_8_4_alerts"),
                       "array.events", thresholds=ignore)
    assert finding["status"] == "ok"


def test_oceanstor_alarms_by_level_in_both_languages():
    findings = judged(oceanstor(alarms="show_alarm/v3_alarms"), "array.events")
    assert statuses(findings) == [("critical alerts", "critical"), ("warning alerts", "warning")]
    findings = judged(oceanstor(alarms="show_alarm/chinese_levels"), "array.events")
    assert statuses(findings) == [("critical alerts", "critical"), ("warning alerts", "warning")]
    [finding] = judged(oceanstor(alarms="show_alarm/v3_none"), "array.events")
    assert finding["status"] == "ok"


def test_event_sources_unknown():
    [finding] = judged(oceanstor(alarms="show_alarm/not_understood"), "array.events")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    [finding] = judged(storwize(lseventlog="lseventlog_fixed_no_delim/not_understood"),
                       "array.events")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    [finding] = judged(storwize(lseventlog=None), "array.events")
    assert finding["cause"] == "incomplete"


def test_every_check_fails_somewhere_and_passes_somewhere():
    seen = {}
    cases = [storwize(), oceanstor(),
             storwize(lsdrive="lsdrive_delim/flashsystem_7200_8_4_failed",
                      lsenclosurepsu="lsenclosurepsu/v7000_7_8_psu_offline",
                      lsportfc="lsportfc/v7000_7_8_inactive_configured",
                      lsmdiskgrp="lsmdiskgrp/v7000_7_8_nearly_full",
                      lseventlog="lseventlog_fixed_no_delim/flashsystem_7200_8_4_alerts")]
    for data in cases:
        for finding in rules.evaluate(data, THRESHOLDS, {}):
            seen.setdefault(finding["check_id"], set()).add(finding["status"])
    for check in catalogue.area_checks("array"):
        assert "ok" in seen[check.id], check.id
        assert seen[check.id] & {"warning", "critical"}, check.id
