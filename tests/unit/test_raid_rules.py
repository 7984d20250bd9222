"""Rules of the raid area (rules/raid.py): each check made to fail and to pass on the
fixtures of tests/unit/fixtures/linux/ (storcli/perccli, MegaCli, ssacli/hpacucli, arcconf),
media errors judged on their growth since the previous inspection (deltas.py, keyed by the
drive's serial number) and on their total without one, and what cannot be judged: a
controller sysfs lists whose tool is missing (tool_missing), a tool that found none of them,
output not understood: unknown, never ok; no controller and no tool output: not applicable.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils
from weibao.services import judge as judge_svc

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_raid as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import raid as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
NOW = 1764900000.0  # 2025-12-05T02:00:00Z
BEFORE = "2025-11-05T02:00:00Z"
THRESHOLDS = catalogue.merge_thresholds("raid")
FOLDERS = {"storcli": "storcli64_call_show_all_J",
           "storcli_pd": "storcli64_call_eall_sall_show_all_J",
           "storcli_bbu": "storcli64_call_bbu_show_all_J",
           "storcli_cv": "storcli64_call_cv_show_all_J",
           "storcli_vd": "storcli64_call_vall_show_all_J",
           "megacli_adp": "MegaCli64_AdpAllInfo_aALL_NoLog",
           "megacli_ld": "MegaCli64_LDInfo_Lall_aALL_NoLog",
           "megacli_pd": "MegaCli64_PDList_aALL_NoLog",
           "megacli_bbu": "MegaCli64_AdpBbuCmd_GetBbuStatus_aALL_NoLog",
           "ssacli": "ssacli_ctrl_all_show_config_detail",
           "hpacucli": "hpacucli_ctrl_all_show_config",
           "ssacli_status": "ssacli_ctrl_all_show_status",
           "arcconf": "arcconf_GETCONFIG_n_AL"}
PRESENT = {"pci": "0000:03:00.0", "driver": "megaraid_sas", "vendor": "0x1000",
           "device": "0x005d", "family": "storcli"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(key, case):
    return (FIXTURES / FOLDERS[key] / f"{case}.raw").read_text().split("\n", 1)[1]


def data(**cases):
    """Parsed data of fixtures: data(storcli="case", megacli_ld="case", ...)."""
    raw = {}
    for key, case in cases.items():
        if key == "controllers":
            raw[key] = case
        else:
            raw["ssacli" if key == "hpacucli" else key] = text(key, case)
    return p.parse_sources(raw)


def judged(d, check_id=None, previous=None, thresholds=THRESHOLDS):
    out = [f for f in rules.evaluate(d, thresholds, {"now": NOW, "previous": previous or {}})
           if check_id is None or f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def one(d, check_id, **kwargs):
    [finding] = judged(d, check_id, **kwargs)
    return finding


def statuses(d, check_id, **kwargs):
    return [(f["component"], f["status"]) for f in judged(d, check_id, **kwargs)]


# --------------------------------------------------------------------------- controller


@pytest.mark.parametrize("cases,status", [
    ({"storcli": "storcli_007_praid_ep420i_cachevault_optimal"}, "ok"),
    ({"storcli": "storcli_9361_needs_attention_bbu_failed"}, "warning"),
    ({"storcli": "perccli_h730p_vd_offline"}, "warning"),  # preserved cache
    ({"megacli_adp": "megacli_8_07_9260_ok"}, "ok"),
    ({"megacli_adp": "megacli_h710_memory_errors_preserved"}, "critical"),
    ({"ssacli": "ssacli_p420i_gen8_ok"}, "ok"),
    ({"arcconf": "arcconf_smartraid_3154_ok"}, "ok"),
])
def test_controller(cases, status):
    assert one(data(**cases), "raid.controller")["status"] == status


def test_controller_failed_among_two():
    d = data(ssacli_status="hpacucli_p411_failed")
    assert statuses(d, "raid.controller") == [("Smart Array P410i slot 0", "ok"),
                                              ("Smart Array P411 slot 1", "critical")]


def test_each_controller_of_storcli_call_judged_on_its_own():
    d = data(storcli="storcli_two_controllers")
    assert statuses(d, "raid.controller") == [("storcli /c0 PRAID EP420i", "ok"),
                                              ("storcli /c1 LSI MegaRAID SAS 9271-8i", "ok")]
    assert [f["component"] for f in judged(d, "raid.logical_drives")] == ["/c0/v0", "/c1/v0"]


def test_controller_safe_mode_is_critical():
    d = data(storcli="storcli_007_praid_ep420i_cachevault_optimal")
    d["controllers"][0]["safe_mode"] = True
    finding = one(d, "raid.controller")
    assert finding["status"] == "critical" and "safe mode" in finding["summary"]


def test_controller_without_status_line_is_unknown():
    finding = one(data(hpacucli="check_raid_e200i_interim_recovery"), "raid.controller")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_megacli_cut_before_its_error_lines_is_unknown():
    # review of issue 9: an -AdpAllInfo cut after its Versions block said "no memory
    # errors, no preserved cache" without having read either line
    cut = "\n".join(text("megacli_adp", "megacli_8_07_9260_ok").splitlines()[:12]) + "\n"
    finding = one(p.parse_sources({"megacli_adp": cut}), "raid.controller")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_megacli_says_it_prints_no_status():
    finding = one(data(megacli_adp="megacli_8_07_9260_ok"), "raid.controller")
    assert "MegaCli prints no status word" in finding["summary"]


# --------------------------------------------------------------------------- logical


@pytest.mark.parametrize("cases,expected", [
    ({"storcli": "storcli_007_praid_ep420i_cachevault_optimal"}, [("/c0/v0", "ok")]),
    ({"storcli": "perccli_h730p_vd_offline"},
     [("/c0/v0 (os)", "ok"), ("/c0/v1 (data)", "critical")]),
    ({"storcli": "storcli_1x_9271_degraded_rebuilding"}, [("/c0/v0", "critical")]),
    ({"megacli_ld": "megacli_raid10_degraded"},
     [("a0/v0 (system)", "ok"), ("a0/v1 (data)", "critical")]),
    ({"ssacli": "ssacli_p408i_gen10_recovering"}, [("slot 0/ld1 (/dev/sda)", "critical")]),
    ({"hpacucli": "check_raid_e200i_interim_recovery"}, [("slot 0/ld1", "critical")]),
    ({"arcconf": "arcconf_asr8885q_impacted_supercap"},
     [("arcconf 1/ld0 (STORAGE1)", "warning"), ("arcconf 1/ld1 (STORAGE2)", "ok")]),
    ({"arcconf": "arcconf_6405_degraded_rebuilding"}, [("arcconf 1/ld0 (data)", "critical")]),
])
def test_logical_drives(cases, expected):
    assert statuses(data(**cases), "raid.logical_drives") == expected


def test_rebuilding_says_its_progress_when_the_tool_prints_it():
    finding = one(data(ssacli="ssacli_p408i_gen10_recovering"), "raid.logical_drives")
    assert finding["values"]["progress"] == 37.0
    assert "rebuilding, 37% done" in finding["summary"]
    assert "已完成 37%" in finding["translations"]["zh-CN"]["summary"]
    finding = one(data(storcli="storcli_1x_9271_degraded_rebuilding"), "raid.logical_drives")
    assert "gives no progress" in finding["summary"]


def test_a_copyback_keeps_redundancy_and_is_a_warning():
    d = data(storcli="storcli_1x_9271_degraded_rebuilding")
    d["controllers"][0]["logical"][0]["state"] = "Copyback"
    assert one(d, "raid.logical_drives")["status"] == "warning"


def test_degraded_without_a_member_rebuilding_is_critical():
    d = data(storcli="storcli_1x_9271_degraded_rebuilding")
    d["controllers"][0]["physical"][1]["state"] = "Offln"
    assert one(d, "raid.logical_drives")["status"] == "critical"


def test_a_rebuild_in_another_drive_group_does_not_count():
    d = data(storcli="storcli_1x_9271_degraded_rebuilding")
    d["controllers"][0]["physical"][1]["group"] = "3"
    assert one(d, "raid.logical_drives")["status"] == "critical"


def test_unknown_state_word_is_unknown():
    d = data(storcli="storcli_007_praid_ep420i_cachevault_optimal")
    d["controllers"][0]["logical"][0]["state"] = "Frobnicated"
    finding = one(d, "raid.logical_drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_no_logical_drive_is_not_applicable():
    d = data(storcli="storcli_007_praid_ep420i_cachevault_optimal")
    d["controllers"][0]["logical"] = []
    finding = one(d, "raid.logical_drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_applicable")


# --------------------------------------------------------------------------- physical


@pytest.mark.parametrize("cases,status", [
    ({"storcli": "storcli_007_praid_ep420i_cachevault_optimal"}, "ok"),
    ({"storcli_pd": "storcli_007_micron_ssd_ok"}, "ok"),
    ({"storcli": "perccli_h730p_vd_offline"}, "critical"),
    ({"storcli_pd": "storcli_pd_predictive_media_rebuild"}, "warning"),
    ({"megacli_pd": "check_raid_3_unconfigured_bad_hotspare"}, "warning"),
    ({"megacli_pd": "megacli_failed_rebuild_media_errors"}, "critical"),
    ({"ssacli": "ssacli_p408i_gen10_recovering"}, "critical"),
    ({"ssacli": "ssacli_p420i_gen8_ok"}, "ok"),
    ({"arcconf": "arcconf_asr8885q_impacted_supercap"}, "ok"),
])
def test_physical_drives(cases, status):
    assert one(data(**cases), "raid.physical_drives")["status"] == status


def test_a_drive_state_word_not_known_is_unknown_not_ok():
    # review of issue 9: a drive in a state no vocabulary knew (or an empty one) was
    # counted "in another state" and the controller's drives judged ok
    d = data(storcli_pd="storcli_007_micron_ssd_ok")
    d["controllers"][0]["physical"][0]["state"] = "Frobnicated"
    finding = one(d, "raid.physical_drives")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    assert "Frobnicated" in finding["summary"]


def test_predictive_failure_from_the_state_the_count_and_smart():
    finding = one(data(ssacli="ssacli_p408i_gen10_recovering"), "raid.physical_drives")
    assert 'slot 0/1I:1:4 WFK1A2E6 predictive failure (state "Predictive Failure")' in \
        finding["summary"]
    d = data(storcli_pd="storcli_007_micron_ssd_ok")
    d["controllers"][0]["physical"][2]["predictive"] = 2
    finding = one(d, "raid.physical_drives")
    assert finding["status"] == "warning" and "predictive failure (count 2)" in \
        finding["summary"]
    d = data(arcconf="arcconf_asr71605_no_backup_unit")
    d["controllers"][0]["physical"][0]["predictive"] = 1
    assert "1 S.M.A.R.T. warnings" in one(d, "raid.physical_drives")["summary"]


def _media_data(previous_value):
    d = data(storcli_pd="storcli_pd_predictive_media_rebuild")
    # only the media errors of s1 are left to judge
    for drive in d["controllers"][0]["physical"]:
        drive.update(predictive=0, smart_alert=False, state="Onln")
    previous = {} if previous_value is None else {
        deltas.key("raid.physical_drives", "S0K1ABCE", "media_errors"):
            {"value": previous_value, "at": BEFORE, "boot_time": ""}}
    return d, previous


def test_media_errors_growing_since_the_previous_inspection_warn():
    d, previous = _media_data(10)
    finding = one(d, "raid.physical_drives", previous=previous)
    assert finding["status"] == "warning"
    assert "media errors 17 (+7 since 2025-11-05 02:00:00 UTC)" in finding["summary"]


def test_media_errors_unchanged_are_ok():
    d, previous = _media_data(17)
    finding = one(d, "raid.physical_drives", previous=previous)
    assert finding["status"] == "ok" and finding["values"]["media_errors_delta"] == 0


def test_media_errors_delta_in_the_values_for_the_change_marker():
    d, previous = _media_data(10)
    assert one(d, "raid.physical_drives", previous=previous)["values"][
        "media_errors_delta"] == 7
    d, previous = _media_data(None)  # no previous reading: no delta
    assert one(d, "raid.physical_drives", previous=previous)["values"][
        "media_errors_delta"] is None
    # a failed drive's new media errors count too
    d, previous = _media_data(10)
    next(pd for pd in d["controllers"][0]["physical"]
         if pd["serial"] == "S0K1ABCE")["state"] = "Failed"
    finding = one(d, "raid.physical_drives", previous=previous)
    assert finding["status"] == "critical" and finding["values"]["media_errors_delta"] == 7


def test_media_errors_without_a_previous_reading_judge_the_total():
    d, previous = _media_data(None)
    finding = one(d, "raid.physical_drives", previous=previous)
    assert finding["status"] == "warning" and "(no previous reading)" in finding["summary"]


def test_media_errors_counter_reset_counts_at_least_the_current_value():
    d, previous = _media_data(40)
    finding = one(d, "raid.physical_drives", previous=previous)
    assert finding["status"] == "warning" and "at least +17" in finding["summary"]


def test_media_error_threshold():
    d, previous = _media_data(10)
    thresholds = catalogue.merge_thresholds("raid", {"physical_drives": {"media_errors": 8}})
    assert one(d, "raid.physical_drives", previous=previous,
               thresholds=thresholds)["status"] == "ok"


def test_counters_keyed_by_serial_number():
    d = data(storcli_pd="storcli_pd_predictive_media_rebuild")
    read = {(c["component"], c["value"]) for c in rules.counters(d)}
    assert ("S0K1ABCE", 17) in read and len(read) == 4
    # without a serial (MegaCli prints none apart): the controller and the slot
    d = data(megacli_pd="megacli_failed_rebuild_media_errors")
    assert ("MegaCli adapter 0 a0/e32/s2", 214) in {(c["component"], c["value"])
                                                    for c in rules.counters(d)}


# --------------------------------------------------------------------------- battery


@pytest.mark.parametrize("cases,status,cause", [
    ({"storcli": "storcli_007_praid_ep420i_cachevault_optimal"}, "ok", None),
    ({"storcli": "storcli_9361_needs_attention_bbu_failed"}, "critical", None),
    ({"storcli_bbu": "storcli_bbu_optimal"}, "ok", None),
    ({"storcli_bbu": "storcli_bbu_replace_learning"}, "warning", None),
    ({"storcli_cv": "storcli_cv_optimal"}, "ok", None),
    ({"megacli_bbu": "check_raid_3_ibbu_ok"}, "ok", None),
    ({"megacli_bbu": "check_raid_issue39_replacement_required"}, "warning", None),
    ({"megacli_bbu": "megacli_learn_cycle"}, "ok", None),
    ({"megacli_bbu": "check_raid_issue32_no_bbu"}, "unknown", "not_applicable"),
    ({"ssacli_status": "ssacli_p408i_battery_failed"}, "critical", None),
    ({"ssacli": "hpssacli_p400i_cache_disabled_low_batteries"}, "ok", None),
    ({"arcconf": "arcconf_5405_battery_failed_write_through"}, "critical", None),
    ({"arcconf": "arcconf_asr8885q_impacted_supercap"}, "ok", None),
    ({"arcconf": "arcconf_6405_degraded_rebuilding"}, "unknown", "not_applicable"),
    ({"ssacli_status": "hpacucli_6i_no_battery_line"}, "unknown", "not_understood"),
])
def test_cache_battery(cases, status, cause):
    finding = one(data(**cases), "raid.cache_battery")
    assert (finding["status"], finding.get("cause")) == (status, cause)


def test_learn_cycle_is_not_a_fault_and_says_so():
    finding = one(data(megacli_bbu="megacli_learn_cycle"), "raid.cache_battery")
    assert "learn cycle in progress (not a fault" in finding["summary"]
    assert "学习周期进行中" in finding["translations"]["zh-CN"]["summary"]


def test_pack_missing_is_critical_and_an_unknown_state_unknown():
    d = data(megacli_bbu="check_raid_3_ibbu_ok")
    d["controllers"][0]["battery"]["missing"] = True
    assert one(d, "raid.cache_battery")["status"] == "critical"
    d = data(storcli="storcli_007_praid_ep420i_cachevault_optimal")
    d["controllers"][0]["battery"]["state"] = "Weird"
    finding = one(d, "raid.cache_battery")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize("case,overrides,status", [
    ("storcli_bbu_optimal", None, "ok"),
    ("storcli_bbu_replace_learning", None, "warning"),
    ("storcli_bbu_replace_learning", {"critical": 60}, "critical"),
    ("storcli_bbu_optimal", {"warning": 90}, "warning"),
])
def test_battery_capacity(case, overrides, status):
    thresholds = catalogue.merge_thresholds("raid", {"battery_capacity": overrides or {}})
    finding = one(data(storcli_bbu=case), "raid.battery_capacity", thresholds=thresholds)
    assert finding["status"] == status and finding["component"] == "storcli /c0 BBU"


def test_battery_capacity_not_applicable_without_capacities():
    d = data(storcli_bbu="storcli_bbu_optimal")
    d["controllers"][0]["battery"]["design_mah"] = None
    finding = one(d, "raid.battery_capacity")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_applicable")
    d = data(controllers=[PRESENT], storcli="storcli_007_praid_ep420i_cachevault_optimal")
    assert judged(d, "raid.battery_capacity") == []
    assert [e["check_id"] for e in rules.not_applicable(d)] == ["raid.battery_capacity"]


# --------------------------------------------------------------------------- cache policy


@pytest.mark.parametrize("cases,status", [
    ({"megacli_ld": "check_raid_3_optimal_writeback"}, "ok"),
    ({"megacli_ld": "check_raid_issue123_writethrough_fallback"}, "warning"),
    ({"arcconf": "arcconf_5405_battery_failed_write_through"}, "warning"),
    ({"arcconf": "arcconf_smartraid_3154_ok"}, "ok"),
    ({"ssacli": "hpssacli_p400i_cache_disabled_low_batteries"}, "warning"),
    ({"ssacli": "ssacli_p420i_gen8_ok"}, "ok"),
    ({"storcli": "storcli_9361_needs_attention_bbu_failed"}, "ok"),  # current policy only
])
def test_cache_policy(cases, status):
    assert one(data(**cases), "raid.cache_policy")["status"] == status


def test_learn_cycle_explains_write_through():
    d = data(megacli_ld="check_raid_issue123_writethrough_fallback",
             megacli_bbu="megacli_learn_cycle")
    finding = one(d, "raid.cache_policy")
    assert finding["status"] == "ok" and "learn cycle in progress" in finding["summary"]


def test_storcli_says_the_configured_policy_is_not_in_its_output():
    finding = one(data(storcli="storcli_9361_needs_attention_bbu_failed"), "raid.cache_policy")
    assert "configured policy is not in this output" in finding["summary"]
    assert finding["values"]["write_through"] == 1


def test_cache_size_and_use_in_the_values():
    finding = one(data(ssacli="ssacli_p420i_gen8_ok"), "raid.cache_policy")
    assert {k: finding["values"][k] for k in ("cache_size_mb", "cache_available_mb",
                                              "cache_ratio", "cache_status")} == {
        "cache_size_mb": 1024, "cache_available_mb": 816,
        "cache_ratio": "25% Read / 75% Write", "cache_status": "OK"}
    finding = one(data(ssacli="ssacli_p408i_gen10_recovering"), "raid.cache_policy")
    assert (finding["values"]["cache_size_mb"], finding["values"]["cache_available_mb"]) == \
        (2048, 1843)
    finding = one(data(storcli="storcli_007_praid_ep420i_cachevault_optimal"),
                  "raid.cache_policy")
    assert (finding["values"]["cache_size_mb"], finding["values"]["cache_available_mb"]) == \
        (2048, 1715)


def test_storcli_write_back_fallen_back_says_the_bbu_failed():
    d = data(storcli="storcli_9361_needs_attention_bbu_failed",
             storcli_vd="storcli_9361_writeback_fallen_back")
    finding = one(d, "raid.cache_policy")
    assert finding["status"] == "warning"
    summary = finding["summary"]
    assert "write-back configured but write-through in force (BBU Failed: failed)" in summary
    assert "/c0/v0 (write-back configured)" in summary and "/c0/v1" not in summary
    assert finding["values"]["fallback"] == 1
    assert "/c0/v0: configured WB, current WT" in finding["evidence"]


def test_storcli_policy_as_configured_is_ok():
    finding = one(data(storcli_vd="storcli_007_wb_and_wt_optimal"), "raid.cache_policy")
    assert finding["status"] == "ok"
    assert "write policy as configured" in finding["summary"]
    assert (finding["values"]["write_back"], finding["values"]["write_through"]) == (2, 1)
    d = data(storcli="storcli_1x_9271_degraded_rebuilding",
             storcli_vd="storcli_1x_9271_degraded_writeback")
    assert one(d, "raid.cache_policy")["status"] == "ok"
    assert one(d, "raid.logical_drives")["status"] == "critical"  # still rebuilding


def _fallback(**battery):
    d = data(storcli_vd="storcli_9361_writeback_fallen_back")
    ctrl = d["controllers"][0]
    if battery:
        ctrl["battery"] = dict(present=True, kind="BBU", state="Optimal", replace=False,
                               missing=False, capacity_low=False, learning=False,
                               about_to_fail=False, full_mah=None, design_mah=None)
        ctrl["battery"].update(battery)
    return d


def test_storcli_fallback_reasons():
    finding = one(_fallback(), "raid.cache_policy")  # no battery source read: no reason
    assert finding["status"] == "warning" and "in force: " in finding["summary"]
    finding = one(_fallback(state="Charging"), "raid.cache_policy")
    assert "(BBU charging)" in finding["summary"]
    finding = one(_fallback(present=False), "raid.cache_policy")
    assert "(no battery or capacitor installed)" in finding["summary"]
    finding = one(_fallback(replace=True), "raid.cache_policy")
    assert "(BBU Optimal: replacement required)" in finding["summary"]
    assert finding["status"] == "warning"


def test_storcli_learn_cycle_explains_write_back_but_not_always_write_back():
    finding = one(_fallback(state="Learning", learning=True), "raid.cache_policy")
    assert finding["status"] == "ok"
    assert "write-through in force while the BBU learn cycle in progress" in finding["summary"]
    d = _fallback(state="Learning", learning=True)
    d["controllers"][0]["logical"][1]["cache_current"] = "WT"  # the AWB drive too
    finding = one(d, "raid.cache_policy")
    assert finding["status"] == "warning" and finding["values"]["fallback"] == 2
    assert "/c0/v1 (always write-back configured)" in finding["summary"]


def test_storcli_vd_not_understood_is_unknown_never_ok():
    finding = one(data(storcli_vd="not_json"), "raid.cache_policy")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")
    d = p.parse_sources({"storcli": text("storcli", "storcli_9361_needs_attention_bbu_failed"),
                         "storcli_vd": text("storcli_vd", "not_json")})
    found = statuses(d, "raid.cache_policy")
    assert ("storcli_vd", "unknown") in found
    # the current policy alone is still reported, the configured one said missing
    assert ("storcli /c0 AVAGO MegaRAID SAS 9361-8i", "ok") in found


def test_no_policy_in_the_output_is_unknown():
    finding = one(data(hpacucli="check_raid_e200i_interim_recovery"), "raid.cache_policy")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- the area


def test_tool_missing_for_a_controller_sysfs_lists():
    d = p.parse_sources({"controllers": [PRESENT],
                         "storcli": {"error": {"key": "reason.not_installed",
                                               "params": {"command": "storcli64"}},
                                     "cause": "tool_missing"}})
    findings = judged(d)
    assert {f["check_id"] for f in findings} == set(rules.CHECKS)
    assert {(f["status"], f["cause"], f["component"]) for f in findings} == {
        ("unknown", "tool_missing", "0000:03:00.0")}
    assert "storcli64 is not installed" in findings[0]["summary"]
    assert rules.not_applicable(d) == []


def test_no_controller_and_no_output_is_not_applicable():
    d = p.parse_sources({"controllers": []})
    assert judged(d) == []
    entries = rules.not_applicable(d)
    assert [e["check_id"] for e in entries] == list(rules.CHECKS)
    assert render(entries[0]["reason"], "zh-CN") == "本机没有硬件 RAID 控制器"


def test_a_missing_tool_no_controller_needs_is_not_a_finding():
    d = p.parse_sources({"controllers": [],
                         "ssacli": {"error": "ssacli: not found", "cause": "tool_missing"}})
    assert judged(d) == [] and len(rules.not_applicable(d)) == len(rules.CHECKS)


def test_an_intel_rst_raid_function_is_not_a_hardware_controller():
    d = p.parse_sources({"controllers": [dict(PRESENT, driver="ahci", family="")]})
    assert judged(d) == [] and len(rules.not_applicable(d)) == len(rules.CHECKS)


def test_a_raid_controller_no_tool_reads():
    d = p.parse_sources({"controllers": [dict(PRESENT, driver="arcmsr", family="")]})
    findings = judged(d)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "tool_missing")}
    assert "no supported tool reads" in findings[0]["summary"]


def test_the_tool_found_none_of_the_controllers_sysfs_lists():
    d = p.parse_sources({"controllers": [PRESENT],
                         "storcli": text("storcli", "storcli_no_controller")})
    findings = judged(d)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "source_unreadable")}
    assert "its tool found none" in findings[0]["summary"]


def test_a_family_whose_output_was_not_collected():
    d = p.parse_sources({"controllers": [dict(PRESENT, driver="hpsa", family="ssacli")],
                         "storcli": text("storcli", "storcli_no_controller")})
    findings = judged(d)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "incomplete")}


def test_megacli_covers_a_storcli_family_controller():
    d = p.parse_sources({"controllers": [PRESENT],
                         "storcli": {"error": "storcli64: not found", "cause": "tool_missing"},
                         "megacli_adp": text("megacli_adp", "megacli_8_07_9260_ok"),
                         "megacli_ld": text("megacli_ld", "check_raid_3_optimal_writeback"),
                         "megacli_pd": text("megacli_pd", "check_raid_3_unconfigured_bad_hotspare"),
                         "megacli_bbu": text("megacli_bbu", "check_raid_3_ibbu_ok")})
    findings = judged(d)
    assert not [f for f in findings if f.get("cause") == "tool_missing"]
    assert {f["check_id"] for f in findings if f["status"] != "unknown"} == \
        set(rules.CHECKS) - {"raid.battery_capacity"}


def test_a_failed_secondary_source_makes_only_its_checks_unknown():
    d = p.parse_sources({"storcli": text("storcli", "storcli_007_praid_ep420i_cachevault_optimal"),
                         "storcli_pd": text("storcli_pd", "not_storcli")})
    physical = judged(d, "raid.physical_drives")
    assert ("storcli_pd", "unknown") in [(f["component"], f["status"]) for f in physical]
    assert one(d, "raid.controller")["status"] == "ok"


def test_a_source_that_was_not_collected_is_incomplete_never_ok():
    d = data(storcli_pd="storcli_007_micron_ssd_ok")
    finding = one(d, "raid.controller")
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete")


def test_not_understood_is_unknown_in_every_check_it_feeds():
    d = p.parse_sources({"arcconf": text("arcconf", "not_arcconf")})
    findings = judged(d)
    assert {(f["status"], f["cause"]) for f in findings} == {("unknown", "not_understood")}
    assert {f["check_id"] for f in findings} == set(rules.CHECKS) - {"raid.battery_capacity"}


def test_thresholds_default_from_the_catalogue():
    d = data(storcli="storcli_007_praid_ep420i_cachevault_optimal")
    assert rules.evaluate(copy.deepcopy(d)) == rules.evaluate(d, THRESHOLDS)


@pytest.mark.parametrize("command,case,checks", [
    ("storcli64 /call/eall/sall show all J", "storcli_pd/storcli_pd_predictive_media_rebuild",
     {"raid.physical_drives"}),
    ("MegaCli64 -AdpBbuCmd -aALL", "megacli_bbu/check_raid_issue39_replacement_required",
     {"raid.cache_battery"}),
    ("storcli64 /c0/bbu show all J", "storcli_bbu/storcli_bbu_replace_learning",
     {"raid.cache_battery", "raid.battery_capacity"}),
    ("perccli64 /c0/vall show all J", "storcli_vd/storcli_9361_writeback_fallen_back",
     {"raid.logical_drives", "raid.cache_policy"}),
    ("arcconf GETCONFIG 1 AL", "arcconf/arcconf_5405_battery_failed_write_through",
     set(rules.CHECKS) - {"raid.battery_capacity"}),
])
def test_judge_keeps_the_checks_the_command_feeds(command, case, checks, tmp_path):
    key, name = case.split("/")
    saved = tmp_path / "out.txt"
    saved.write_text(text(key, name))
    [result] = judge_svc.judge("linux", command, [str(saved)],
                               now="2026-12-01T02:00:00+00:00")
    assert {f["check_id"] for f in result.findings} == checks
    # each saved output has a fault in what it says about the drives or the battery
    assert all(f["status"] in ("warning", "critical") for f in result.findings
               if f["check_id"] in ("raid.cache_battery", "raid.cache_policy")
               or (f["check_id"] == "raid.physical_drives" and "predictive" in case))
