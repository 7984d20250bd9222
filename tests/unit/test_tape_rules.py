"""Rules of the tape area (rules/tape.py): each check made to fail and to pass on the
fixtures and on the collector's raw shapes (sysfs device list + per-device outputs), no tape
device = not applicable, a tool missing where a drive exists = unknown (tool_missing), a page
not understood = unknown (not_understood), a drive without a tape = not a fault.

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
from ansible.module_utils.weibao_inspection.messages import msg, render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_tape as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import tape as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
NOW = 1764900000.0
BEFORE = "2025-11-05T02:00:00Z"
THRESHOLDS = catalogue.merge_thresholds("tape")
DRIVE = {"kind": "tape", "st": "/dev/nst0", "sg": "/dev/sg1", "vendor": "IBM",
         "model": "ULT3580-TD5", "hcil": "2:0:0:0"}
CHANGER = {"kind": "changer", "st": "", "sg": "/dev/sg2", "vendor": "IBM", "model": "3573-TL",
           "hcil": "2:0:0:1"}
MISSING = {"error": msg("reason.not_installed", command="mt"), "cause": "tool_missing"}


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(folder, case):
    return (FIXTURES / folder / f"{case}.raw").read_text().split("\n", 1)[1]


def mt(case, folder="mt_f_dev_status"):
    return text(folder, case)


def ti(case):
    return text("tapeinfo_f_dev", case)


def ta(case):
    return text("sg_logs_p_0x2e_dev", case)


def li(case):
    return text("loaderinfo_f_dev", case)


def host(**raw):
    """A host as the collector hands it over: one drive (nst0 / sg1) and one changer."""
    raw.setdefault("devices", [DRIVE, CHANGER])
    return p.parse_sources(raw, {})


def judged(data, check_id, previous=None):
    out = [f for f in rules.evaluate(data, THRESHOLDS, {"now": NOW, "previous": previous or {}})
           if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def one(data, check_id, **kwargs):
    [finding] = judged(data, check_id, **kwargs)
    return finding


def saved(key, body, command):
    return p.parse_sources({key: body}, {"command": command})


# --------------------------------------------------------------------------- not applicable


def test_no_tape_device_makes_every_check_not_applicable():
    data = host(devices=[])
    findings = rules.evaluate(data, THRESHOLDS, {})
    assert {f["check_id"] for f in findings} == set(rules.CHECKS)
    assert all(f["status"] == "unknown" and f["cause"] == "not_applicable" for f in findings)
    assert {e["check_id"] for e in rules.not_applicable(data)} == set(rules.CHECKS)
    assert rules.counters(data) == []


def test_a_library_without_drives_on_this_host_and_drives_without_a_library():
    data = host(devices=[CHANGER], loaderinfo={"/dev/sg2": li("ibm_ts3100_3573_tl")})
    assert {e["check_id"] for e in rules.not_applicable(data)} == {rules.DRIVE, rules.ALERTS}
    assert one(data, rules.CHANGER)["status"] == "ok"
    data = host(devices=[DRIVE], mt_status={"/dev/nst0": mt("ibm_ult3580_td5_online_bot")})
    assert [e["check_id"] for e in rules.not_applicable(data)] == [rules.CHANGER]
    assert one(data, rules.CHANGER)["cause"] == "not_applicable"


def test_lsscsi_without_tape_is_not_applicable():
    finding = one(saved("lsscsi", text("lsscsi_g", "no_tape"), "lsscsi -g"), rules.DEVICES)
    assert finding["status"] == "unknown" and finding["cause"] == "not_applicable"


# --------------------------------------------------------------------------- devices


def test_devices_pass_and_fail_on_fewer_than_before():
    data = host()
    finding = one(data, rules.DEVICES)
    assert finding["status"] == "ok" and finding["values"]["drives"] == 1
    assert "1 tape drive, 1 medium changer" in finding["summary"]
    previous = {deltas.key(rules.DEVICES, "", "drives"): {"value": 2, "at": BEFORE,
                                                          "boot_time": ""}}
    finding = one(data, rules.DEVICES, previous=previous)
    assert finding["status"] == "warning" and finding["values"]["drives_before"] == 2
    assert "1 now, 2 at the previous inspection" in finding["summary"]
    assert "现有 1 台" in finding["translations"]["zh-CN"]["summary"]


def test_devices_from_lsscsi_in_saved_output():
    finding = one(saved("lsscsi", text("lsscsi_g", "hpe_msl_two_drives_fc"), "lsscsi -g"),
                  rules.DEVICES)
    assert finding["status"] == "ok" and finding["values"]["drives"] == 2
    finding = one(saved("lsscsi", text("lsscsi_g", "not_understood"), "lsscsi -g"),
                  rules.DEVICES)
    assert finding["status"] == "unknown" and finding["cause"] == "not_understood"


def test_counters_for_the_next_inspection():
    data = host(loaderinfo={"/dev/sg2": li("ibm_ts4300_3555_l3a_two_drives")})
    names = {(c["check_id"], c["component"], c["name"]): c["value"]
             for c in rules.counters(data)}
    assert names == {(rules.DEVICES, "", "drives"): 1, (rules.DEVICES, "", "changers"): 1,
                     (rules.CHANGER, "/dev/sg2", "drives"): 2}


# --------------------------------------------------------------------------- drive state


@pytest.mark.parametrize("case,status", [
    ("ibm_ult3580_td5_online_bot", "ok"),
    ("quantum_ultrium_hh8_online_eod_write_protected", "ok"),
    ("hp_ultrium_7_no_tape_dr_open", "ok"),
    ("no_medium_found", "ok"),
    ("ibm_ult3580_td6_online_cleaning", "warning"),
    ("ibm_ult3580_tda_loading_not_ready", "warning"),
    ("io_error", "critical"),
])
def test_drive_state_from_mt(case, status):
    finding = one(host(mt_status={"/dev/nst0": mt(case)}), rules.DRIVE)
    assert finding["status"] == status, finding["summary"]
    assert finding["component"] == "/dev/nst0"
    if status != "ok":
        assert finding["recommendation"]


def test_no_tape_loaded_is_not_a_fault_in_any_wording():
    for body, folder in (("hp_ultrium_7_no_tape_dr_open", "mt_f_dev_status"),
                         ("no_medium_found", "mt_f_dev_status"),
                         ("no_medium_found", "mt_gnu_f_dev_status")):
        finding = one(host(mt_status={"/dev/nst0": mt(body, folder)}), rules.DRIVE)
        assert finding["status"] == "ok" and "no tape loaded" in finding["summary"]
        assert "未装入磁带" in finding["translations"]["zh-CN"]["summary"]


def test_mt_not_ready_but_tapeinfo_ready_is_ok():
    data = host(mt_status={"/dev/nst0": mt("ibm_ult3580_tda_loading_not_ready")},
                tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")})
    assert one(data, rules.DRIVE)["status"] == "ok"


@pytest.mark.parametrize("raw,cause", [
    ({"mt_status": {"/dev/nst0": mt("busy")}}, "source_unreadable"),
    ({"mt_status": {"/dev/nst0": mt("ibm_ultrium_hh8_bdt_flexstor", "mt_gnu_f_dev_status")}},
     "incomplete"),
    ({"mt_status": MISSING}, "tool_missing"),
    ({"mt_status": MISSING, "tapeinfo": {"/dev/sg1": ti("hp_ultrium_5_not_ready")}},
     "tool_missing"),
    ({"tapeinfo": {"/dev/sg1": ti("hp_ultrium_5_not_ready")}}, "incomplete"),
    ({"mt_status": {"/dev/nst0": mt("usage_not_understood")}}, "not_understood"),
    ({}, "incomplete"),
    ({"mt_status": {"/dev/nst9": mt("ibm_ult3580_td5_online_bot")}}, "incomplete"),
])
def test_drive_state_unknown_never_ok(raw, cause):
    findings = judged(host(**raw), rules.DRIVE)
    mine = [f for f in findings if f["component"] == "/dev/nst0"]
    assert len(mine) == 1 and mine[0]["status"] == "unknown" and mine[0]["cause"] == cause, \
        mine[0]["summary"]


def test_a_drive_without_st_node_is_judged_from_tapeinfo():
    no_st = dict(DRIVE, st="")
    data = host(devices=[no_st], mt_status={},
                tapeinfo={"/dev/sg1": ti("hp_ultrium_5_not_ready")})
    finding = one(data, rules.DRIVE)
    assert finding["status"] == "unknown" and finding["component"] == "/dev/sg1"
    assert "lin_tape" in finding["summary"]
    data = host(devices=[no_st], tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")})
    assert one(data, rules.DRIVE)["status"] == "ok"


def test_an_output_missing_for_a_listed_drive():
    second = dict(DRIVE, st="/dev/nst1", sg="/dev/sg3")
    data = host(devices=[DRIVE, second],
                mt_status={"/dev/nst0": mt("ibm_ult3580_td5_online_bot")})
    findings = {f["component"]: f for f in judged(data, rules.DRIVE)}
    assert findings["/dev/nst0"]["status"] == "ok"
    assert findings["/dev/nst1"]["cause"] == "incomplete"
    assert findings["/dev/nst1"]["summary"] == \
        "/dev/nst1: no mt status output for this device"


def test_tool_missing_falls_back_to_tapeinfo_ready():
    data = host(mt_status=MISSING, tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")})
    assert one(data, rules.DRIVE)["status"] == "ok"


def test_gnu_mt_with_tapeinfo_ready_is_ok():
    data = host(mt_status={"/dev/nst0": mt("ibm_ultrium_hh8_bdt_flexstor",
                                           "mt_gnu_f_dev_status")},
                tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")})
    assert one(data, rules.DRIVE)["status"] == "ok"


def test_mt_output_keyed_by_another_mode_of_the_same_drive():
    data = host(mt_status={"/dev/st0": mt("ibm_ult3580_td5_online_bot")})
    assert one(data, rules.DRIVE)["status"] == "ok"


def test_drive_state_from_saved_tapeinfo():
    data = saved("tapeinfo", ti("ibm_ultrium_hh8_ready"), "tapeinfo -f /dev/sg4")
    finding = one(data, rules.DRIVE)
    assert finding["status"] == "ok" and finding["component"] == "/dev/sg4"
    data = saved("tapeinfo", ti("hp_ultrium_5_not_ready"), "tapeinfo -f /dev/sg4")
    assert one(data, rules.DRIVE)["cause"] == "incomplete"
    data = saved("tapeinfo", ti("cannot_open"), "tapeinfo -f /dev/sg9")
    assert one(data, rules.DRIVE)["cause"] == "source_unreadable"


def test_tapeinfo_io_error_is_critical():
    data = saved("tapeinfo", "tapeinfo: Input/output error\n", "tapeinfo -f /dev/sg1")
    assert one(data, rules.DRIVE)["status"] == "critical"


# --------------------------------------------------------------------------- TapeAlert


@pytest.mark.parametrize("case,status,flags", [
    ("ibm_ult3580_tda_clean", "ok", ""),
    ("ibm_ult3580_hh9_nearing_media_life", "ok", "19"),
    ("ibm_ult3580_td5_cleaning_required", "warning", "20"),
    ("hpe_ultrium_8_no_strings_cleaning", "warning", "20"),
    ("quantum_ultrium_hh8_media_life_verbose", "warning", "7"),
    ("hp_ultrium_6_hard_error_read_failure_1_48", "critical", "3,5"),
])
def test_tapealert_from_sg_logs(case, status, flags):
    finding = one(host(tapealert={"/dev/sg1": ta(case)}), rules.ALERTS)
    assert finding["status"] == status and finding["values"]["flags"] == flags
    assert finding["component"] == "/dev/nst0"


def test_tapealert_advice_follows_the_worst_flag():
    finding = one(host(tapealert={"/dev/sg1": ta("hp_ultrium_6_hard_error_read_failure_1_48")}),
                  rules.ALERTS)
    assert "vendor's service" in finding["recommendation"]
    finding = one(host(tapealert={"/dev/sg1": ta("ibm_ult3580_td5_cleaning_required")}),
                  rules.ALERTS)
    assert "cleaning cartridge" in finding["recommendation"]
    assert "20 需要立即清洁" in finding["translations"]["zh-CN"]["summary"]


def test_tapealert_from_tapeinfo():
    finding = one(host(tapeinfo={"/dev/sg1": ti("stk_t10000b_alerts")}), rules.ALERTS)
    assert finding["status"] == "critical" and finding["values"]["flags"] == "1,2,3,13,20,21"
    finding = one(host(tapeinfo={"/dev/sg1": ti("quantum_ultrium_hh7_expired_cleaning")}),
                  rules.ALERTS)
    assert finding["status"] == "warning"
    finding = one(host(tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")}), rules.ALERTS)
    assert finding["status"] == "ok" and "(tapeinfo)" in finding["summary"]


def test_flags_of_both_sources_are_joined():
    data = host(tapealert={"/dev/sg1": ta("quantum_ultrium_hh8_media_life_verbose")},
                tapeinfo={"/dev/sg1": ti("ibm_ult3580_td5_clean_now")})
    finding = one(data, rules.ALERTS)
    assert finding["values"]["flags"] == "7,20"


@pytest.mark.parametrize("number,status", [
    (4, "critical"), (5, "critical"), (6, "critical"), (16, "critical"), (30, "critical"),
    (38, "critical"), (3, "warning"), (20, "warning"), (22, "warning"), (9, "warning"),
    (21, "warning"), (19, "ok"), (10, "ok"), (63, "warning")])
def test_flag_classes(number, status):
    assert rules.flag_status(number) == status


@pytest.mark.parametrize("raw,cause", [
    ({"tapealert": {"/dev/sg1": ta("ibm_ts4500_changer_unable_to_decode")}}, "not_understood"),
    ({"tapealert": {"/dev/sg1": ta("garbled_line")}}, "not_understood"),
    ({"tapealert": {"/dev/sg1": ta("unknown_flag_name_set")}}, "not_understood"),
    # the page not understood: tapeinfo read after it may have found the flags cleared
    ({"tapealert": {"/dev/sg1": ta("ibm_ts4500_changer_unable_to_decode")},
      "tapeinfo": {"/dev/sg1": ti("ibm_ultrium_hh8_ready")}}, "not_understood"),
    ({"tapealert": MISSING}, "tool_missing"),
    ({"tapealert": {"/dev/sg1": "sg_logs: error opening file: /dev/sg1: Permission "
                                "denied\n"}}, "no_permission"),
    ({}, "incomplete"),
])
def test_tapealert_unknown_never_ok(raw, cause):
    finding = one(host(**raw), rules.ALERTS)
    assert finding["status"] == "unknown" and finding["cause"] == cause, finding["summary"]


def test_a_tapealert_page_cut_short_is_not_ok():
    # review of issue 9: a page cut after its first flags ("Read warning: 0" ...) said "no
    # TapeAlert flag set"; the flags not printed were taken as clear
    cut = "\n".join(ta("ibm_ult3580_tda_clean").splitlines()[:8]) + "\n"
    finding = one(host(tapealert={"/dev/sg1": cut}), rules.ALERTS)
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete"), \
        finding["summary"]
    whole = one(host(tapealert={"/dev/sg1": ta("ibm_ult3580_tda_clean")}), rules.ALERTS)
    assert whole["status"] == "ok"


def test_mt_status_cut_before_its_status_bits_is_unknown_not_a_crash():
    # review of issue 9: mt-st's output cut after "File number=..." raised KeyError in the
    # rule (the whole storage module failed on the host)
    cut = "SCSI 2 tape drive:\nFile number=0, block number=0, partition=0.\n"
    finding = one(host(mt_status={"/dev/nst0": cut}), rules.DRIVE)
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_loaderinfo_cut_before_its_eaap_line_is_unknown():
    # review of issue 9: loaderinfo's output cut after its inquiry lines said the library
    # was ok ("? drive(s), ? slots")
    cut = "Product Type: Medium Changer\nVendor ID: 'HP      '\n"
    finding = one(host(loaderinfo={"/dev/sg2": cut}), rules.CHANGER)
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_a_changer_given_to_sg_logs_is_not_a_drive():
    data = host(tapealert={"/dev/sg1": ta("ibm_ult3580_tda_clean"),
                           "/dev/sg2": ta("ibm_ts4500_changer_unable_to_decode")})
    finding = one(data, rules.ALERTS)
    assert finding["component"] == "/dev/nst0" and finding["status"] == "ok"


def test_sg_logs_missing_falls_back_to_tapeinfo():
    data = host(tapealert=MISSING, tapeinfo={"/dev/sg1": ti("ibm_ultrium_hh8_ready")})
    assert one(data, rules.ALERTS)["status"] == "ok"


def test_a_set_flag_beats_an_undecodable_page():
    data = host(tapealert={"/dev/sg1": ta("ibm_ts4500_changer_unable_to_decode")},
                tapeinfo={"/dev/sg1": ti("ibm_ult3580_td5_clean_now")})
    assert one(data, rules.ALERTS)["status"] == "warning"


# --------------------------------------------------------------------------- changer


@pytest.mark.parametrize("case,status", [
    ("bdt_flexstor_ii", "ok"), ("ibm_ts3100_3573_tl", "ok"),
    ("ibm_ts4300_3555_l3a_two_drives", "ok"), ("hpe_msl3040_no_eaap", "warning"),
    ("quantum_scalar_i3_no_drives", "warning"), ("hp_msl_g3_tapealert_door", "critical")])
def test_changer(case, status):
    finding = one(host(loaderinfo={"/dev/sg2": li(case)}), rules.CHANGER)
    assert finding["status"] == status and finding["component"] == "/dev/sg2"


def test_changer_with_fewer_drives_than_before():
    data = host(loaderinfo={"/dev/sg2": li("ibm_ts3100_3573_tl")})
    previous = {deltas.key(rules.CHANGER, "/dev/sg2", "drives"): {"value": 2, "at": BEFORE,
                                                                  "boot_time": ""}}
    finding = one(data, rules.CHANGER, previous=previous)
    assert finding["status"] == "warning" and finding["values"]["drives_before"] == 2


@pytest.mark.parametrize("raw,cause", [
    ({"loaderinfo": MISSING}, "tool_missing"),
    ({"loaderinfo": {"/dev/sg2": li("garbage_not_understood")}}, "not_understood"),
    ({"loaderinfo": {"/dev/sg2": li("run_on_a_drive")}}, "not_applicable"),
    ({}, "incomplete"),
])
def test_changer_unknown(raw, cause):
    finding = one(host(**raw), rules.CHANGER)
    assert finding["status"] == "unknown" and finding["cause"] == cause


def test_saved_loaderinfo_names_its_device():
    finding = one(saved("loaderinfo", li("bdt_flexstor_ii"), "loaderinfo -f /dev/sg20"),
                  rules.CHANGER)
    assert finding["component"] == "/dev/sg20" and finding["status"] == "ok"
    assert "BDT FlexStor II" in render(finding["message"]["summary"], "zh-CN")


# --------------------------------------------------------------------------- both languages


def test_every_message_renders_in_both_languages(every_finding_has_chinese):
    """Every finding built above is checked as it is built; this one builds the host with
    everything at once and checks there were findings of each check."""
    data = host(mt_status={"/dev/nst0": mt("io_error")},
                tapeinfo={"/dev/sg1": ti("stk_t10000b_alerts")},
                tapealert={"/dev/sg1": ta("hp_ultrium_6_hard_error_read_failure_1_48")},
                loaderinfo={"/dev/sg2": li("hp_msl_g3_tapealert_door")},
                lsscsi=text("lsscsi_g", "ibm_ts3100_lto5"))
    findings = rules.evaluate(data, THRESHOLDS, {"now": NOW})
    assert {f["check_id"] for f in findings} == set(rules.CHECKS)
    assert {f["check_id"] for f in every_finding_has_chinese} >= set(rules.CHECKS)
