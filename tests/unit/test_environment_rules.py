"""Rules of the environment area (rules/environment.py): each check made to fail (warning or
critical) and to pass, on the parser fixtures (captures from ipmi_sim and sushy-emulator, and
reconstructed vendor formats), and the event log's "new since the previous inspection" with
the SEL cleared or wrapped in between.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chinese_text import check_every_finding
from environment_fixtures import FIXTURES, body

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import ipmi_environment as ipmi  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import redfish_environment as rf  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import environment as rules  # noqa: E402

NOW = 1764900000.0  # 2025-12-05T02:00:00Z
THRESHOLDS = catalogue.merge_thresholds("environment")
ROOT = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def raw(platform, folder, case):
    return body(FIXTURES / platform / folder / f"{case}.raw")


def ipmi_data(**sources):
    return ipmi.parse_sources({key: raw("ipmi", folder, case)
                               for key, (folder, case) in sources.items()})


def rf_data(**sources):
    return rf.parse_sources({key: raw("redfish", folder, case)
                             for key, (folder, case) in sources.items()})


def judged(data, check_id, context=None):
    out = [f for f in rules.evaluate(data, THRESHOLDS, context or {"now": NOW, "since": None})
           if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def statuses(findings):
    return {f["component"]: f["status"] for f in findings}


SDR = "ipmitool_sdr_elist"
THERMAL = "GET_redfish_v1_Chassis_id_Thermal"
POWER = "GET_redfish_v1_Chassis_id_Power"


# --------------------------------------------------------------------------- sensors


@pytest.mark.parametrize("check_id,case,expected", [
    ("environment.temperature", "ipmi_sim_cpu2_hot_fan2_low_psu2_failed",
     {"CPU2 Temp": "critical"}),
    ("environment.temperature", "inspur_nf5280m5_psu_redundancy_lost", {"CPU1_Temp": "warning"}),
    ("environment.fans", "supermicro_x11_fan3_low_cpu2_absent", {"FAN3": "critical"}),
    ("environment.power_supplies", "dell_idrac8_r630_ps2_ac_lost_redundancy_lost",
     {"PS2 Status": "critical"}),
    ("environment.voltages", "ipmi_sim_injected_faults", {"12V": "critical"}),
    ("environment.redundancy", "lenovo_xcc_sr650_psu2_failed", {"PSU Redundancy": "critical"}),
    ("environment.other_sensors", "ipmi_sim_injected_faults", {"DIMM ECC": "critical"}),
])
def test_sensor_checks_fail_on_faulty_sensors(check_id, case, expected):
    findings = judged(ipmi_data(sdr_elist=(SDR, case)), check_id)
    assert statuses(findings) == expected
    for finding in findings:
        assert finding["recommendation"] and finding["translations"]["zh-CN"]["recommendation"]


@pytest.mark.parametrize("check_id,kind", rules.SENSOR_CHECKS)
def test_sensor_checks_pass_on_a_healthy_server(check_id, kind):
    findings = judged(ipmi_data(sdr_elist=(SDR, "dell_idrac9_r740_healthy")), check_id)
    assert statuses(findings) == {kind: "ok"}


def test_absent_sensors_are_listed_not_judged():
    [finding] = judged(ipmi_data(sdr_elist=(SDR, "huawei_ibmc_2288h_v5")),
                       "environment.other_sensors")
    # CPU2 Core Rem absent; nothing else of the kind: nothing to judge, not applicable
    assert finding["status"] == "unknown" and finding["cause"] == "not_applicable"
    assert finding["values"]["absent"] == "CPU2 Core Rem"
    [finding] = judged(ipmi_data(sdr_elist=(SDR, "supermicro_x11_fan3_low_cpu2_absent")),
                       "environment.temperature")
    assert finding["status"] == "ok"
    assert finding["values"] == {"sensors": 4, "not_judged": 0, "absent": "CPU2 Temp",
                                 "absent_count": 1}
    assert "1 absent, not judged: CPU2 Temp" in finding["summary"]
    assert any("No Reading" in line for line in finding["evidence"])


def test_a_kind_without_sensors_is_not_applicable():
    [finding] = judged(ipmi_data(sdr_elist=(SDR, "ipmi_sim_cpu2_hot_fan2_low_psu2_failed")),
                       "environment.redundancy")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_applicable")


def test_not_applicable_sensor_checks_for_coverage():
    data = ipmi_data(sdr_elist=(SDR, "huawei_ibmc_2288h_v5"))
    assert [(e["check_id"], e["component"]) for e in rules.not_applicable(data)] == [
        ("environment.voltages", "voltage"), ("environment.other_sensors", "other")]
    assert rules.not_applicable(ipmi_data(sdr_elist=(SDR, "shell_prompt_pasted"))) == []


def test_not_understood_output_is_unknown_never_ok():
    data = ipmi_data(sdr_elist=(SDR, "shell_prompt_pasted"))
    for check_id, _kind in rules.SENSOR_CHECKS:
        [finding] = judged(data, check_id)
        assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


def test_unreadable_source_keeps_its_cause():
    data = ipmi.parse_sources({"sdr_elist": {"error": {"key": "reason.timed_out", "params": {
        "command": "ipmitool sdr elist", "seconds": 30}}, "cause": "unreachable"}})
    [finding] = judged(data, "environment.fans")
    assert finding["cause"] == "unreachable" and "30 s" in finding["summary"]


def test_discrete_states_without_names_are_shown_not_judged():
    data = ipmi_data(sensor=("ipmitool_sensor", "ipmi_sim_cpu2_hot_fan2_low_psu2_failed"))
    [finding] = judged(data, "environment.other_sensors")
    assert finding["status"] == "unknown" and finding["cause"] == "not_understood"
    assert "DIMM ECC" in finding["summary"]


def test_ipmitool_sensor_and_freeipmi_fail_and_pass():
    data = ipmi_data(sensor=("ipmitool_sensor", "dell_idrac8_r630_cpu2_absent_ps_redundancy_lost"))
    assert statuses(judged(data, "environment.redundancy")) == {"PS Redundancy": "critical"}
    assert statuses(judged(data, "environment.temperature")) == {"temperature": "ok"}
    data = ipmi_data(ipmi_sensors=("ipmi_sensors", "supermicro_x11_redundancy_lost"))
    assert statuses(judged(data, "environment.voltages")) == {"VBAT": "warning"}
    assert statuses(judged(data, "environment.power_supplies")) == {"PS2 Status": "critical"}


def test_redfish_sensors_fail_and_pass():
    data = rf_data(thermal=(THERMAL, "dell_idrac9_cpu1_hot_fan1b_failed"),
                   power=(POWER, "dell_idrac9_ps2_ac_lost"))
    assert statuses(judged(data, "environment.temperature")) == {"CPU1 Temp": "critical"}
    assert statuses(judged(data, "environment.fans")) == {"System Board Fan1B": "critical"}
    assert statuses(judged(data, "environment.power_supplies")) == {"PS2 Status": "critical"}
    assert statuses(judged(data, "environment.voltages")) == {"PS2 Voltage 2": "critical"}
    assert statuses(judged(data, "environment.redundancy")) == {
        "System Board Fan Redundancy": "warning", "System Board PS Redundancy": "critical"}
    data = rf_data(thermal=(THERMAL, "hpe_ilo5_fans_percent_absent"))
    [fans] = judged(data, "environment.fans")
    assert fans["status"] == "ok" and fans["values"]["absent"] == "Fan 3"


# --------------------------------------------------------------------------- event log

SEL = "ipmitool_sel_elist"


def previous(entries, last_id, at="2025-11-05T02:00:00Z"):
    return {deltas.key("environment.event_log", "sel", "entries"): {"value": entries, "at": at,
                                                                    "boot_time": ""},
            deltas.key("environment.event_log", "sel", "last_id"): {"value": last_id, "at": at,
                                                                    "boot_time": ""}}


def test_event_log_whole_without_a_previous_inspection():
    findings = judged(ipmi_data(sel_elist=(SEL, "ipmi_sim_preinit")), "environment.event_log")
    assert statuses(findings) == {"power_supply": "critical", "temperature": "critical",
                                  "memory": "critical"}
    assert all(f["values"]["baseline"] == "whole" for f in findings)


def test_event_log_only_new_entries_since_the_previous_inspection():
    data = ipmi_data(sel_elist=(SEL, "ipmi_sim_faults_and_recoveries"))
    context = {"now": NOW, "since": "2025-11-05T02:00:00Z", "previous": previous(15, 15)}
    findings = judged(data, "environment.event_log", context)
    # 16..20: the fan and CPU1 temperature deasserted (recoveries): no fault
    assert statuses(findings) == {"event_log": "ok"}
    assert findings[0]["values"]["new_entries"] == 5
    context["previous"] = previous(5, 5)
    findings = judged(data, "environment.event_log", context)
    # 6..20: FAN1 and CPU1 went critical and came back (warning), 12V and ECC did not
    assert statuses(findings) == {"fan": "warning", "temperature": "warning",
                                  "voltage": "critical", "memory": "critical",
                                  "power_supply": "warning"}
    fan = [f for f in findings if f["component"] == "fan"][0]
    assert fan["values"]["recovered"] is True and "recovered" in fan["summary"]
    # PSU1's presence deasserted (pulled) is a warning of its own, not a recovery
    psu = [f for f in findings if f["component"] == "power_supply"][0]
    assert psu["values"]["recovered"] is False


def test_event_log_cleared_since_is_said_and_counts_what_is_left():
    data = ipmi_data(sel_elist=(SEL, "ipmi_sim_after_clear"))  # records 0x15..0x19
    context = {"now": NOW, "since": None, "previous": previous(20, 20)}
    findings = judged(data, "environment.event_log", context)
    cleared = [f for f in findings if f["component"] == "event_log"]
    assert cleared[0]["status"] == "warning" and "cleared" in cleared[0]["summary"]
    assert cleared[0]["values"]["new_entries"] == 5 and cleared[0]["values"]["lower_bound"]
    # FAN2 went non-recoverable (0x15) and came back (0x18): a warning, recovered
    assert statuses(findings)["fan"] == "warning"


def test_event_log_cleared_with_record_ids_restarted_counts_every_entry():
    data = ipmi_data(sel_elist=(SEL, "supermicro_x11_fan_processor"))  # records 1..4
    context = {"now": NOW, "since": None, "previous": previous(40, 40)}
    findings = judged(data, "environment.event_log", context)
    assert statuses(findings)["event_log"] == "warning"
    assert findings[0]["values"]["new_entries"] == 4
    assert statuses(findings)["processor"] == "critical"


def test_event_log_cleared_and_refilled_past_the_old_last_id_is_not_missed():
    # records 1..4 of September; the previous inspection (August) had read up to record 2
    data = ipmi_data(sel_elist=(SEL, "supermicro_x11_fan_processor"))
    context = {"now": NOW, "since": None, "previous": previous(2, 2, at="2025-08-01T00:00:00Z")}
    findings = judged(data, "environment.event_log", context)
    assert statuses(findings)["event_log"] == "warning"
    assert findings[0]["values"]["new_entries"] == 4  # records 1 and 2 are new too
    # the same log read again after an inspection in October: nothing new, no reset
    context = {"now": NOW, "since": None, "previous": previous(4, 4, at="2025-10-01T00:00:00Z")}
    assert statuses(judged(data, "environment.event_log", context)) == {"event_log": "ok"}


def test_event_log_wrapped_is_said():
    data = ipmi_data(sel_elist=(SEL, "ipmi_sim_after_clear"))  # records 21..25, 5 entries
    context = {"now": NOW, "since": None, "previous": previous(5, 10)}
    findings = judged(data, "environment.event_log", context)
    assert "wrapped" in statuses(findings) or any("wrapped" in f["summary"] for f in findings)


def test_event_log_since_without_counters():
    data = ipmi_data(sel_elist=(SEL, "dell_idrac8_r630_ac_lost_ecc_intrusion"))
    context = {"now": NOW, "since": "2025-11-01T00:00:00Z"}
    findings = judged(data, "environment.event_log", context)
    # only 11/20 .. 11/23: intrusion, watchdog, drive fault (and an OEM record)
    assert statuses(findings) == {"intrusion": "warning", "watchdog": "warning",
                                  "drive": "critical"}


def test_event_log_no_new_entry_is_ok_and_empty_log_too():
    data = ipmi_data(sel_elist=(SEL, "ipmi_sim_no_entries"))
    [finding] = judged(data, "environment.event_log",
                       {"now": NOW, "since": None, "previous": previous(0, 0)})
    assert finding["status"] == "ok" and finding["values"]["new_entries"] == 0


def test_event_log_counters_for_the_next_inspection():
    data = ipmi_data(sel_elist=(SEL, "ipmi_sim_after_clear"))
    assert [(c["name"], c["value"]) for c in rules.counters(data)] == [("entries", 5),
                                                                      ("last_id", 0x19)]
    assert rules.counters(ipmi_data(sel_elist=(SEL, "garbled"))) == []


def test_sel_list_without_names_says_so():
    data = ipmi_data(sel_elist=("ipmitool_sel_list", "ipmi_sim_numbers_not_names"))
    findings = judged(data, "environment.event_log")
    assert statuses(findings)["names"] == "ok" and statuses(findings)["fan"] == "critical"


def test_freeipmi_direction_and_redfish_entries():
    data = ipmi_data(ipmi_sel=("ipmi_sel_v", "ipmi_sim_verbose_direction"))
    findings = judged(data, "environment.event_log")
    assert statuses(findings)["fan"] == "warning"  # 6 asserted, 9 the same deasserted
    data = rf_data(log_entries=("GET_redfish_v1_Managers_id_LogServices_id_Entries",
                                "dell_idrac9_sel"))
    assert statuses(judged(data, "environment.event_log")) == {
        "power_supply": "critical", "fan": "critical", "memory": "warning"}
    data = rf_data(log_entries=("GET_redfish_v1_Systems_id_LogServices_id_Entries", "links_only"))
    [finding] = judged(data, "environment.event_log")
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize("case,status", [("ipmi_sim", "ok"), ("dell_idrac8_nearly_full", "warning"),
                                         ("supermicro_overflow", "warning"),
                                         ("error_text", "unknown")])
def test_event_log_capacity(case, status):
    [finding] = judged(ipmi_data(sel_info=("ipmitool_sel_info", case)),
                       "environment.event_log_capacity")
    assert finding["status"] == status


def test_event_log_capacity_threshold_override():
    thresholds = catalogue.merge_thresholds("environment",
                                            {"event_log_capacity": {"warning": 1}})
    data = ipmi_data(sel_info=("ipmitool_sel_info", "ipmi_sim"))
    [finding] = rules.check_event_log_capacity(data, thresholds)
    assert finding["status"] == "warning"


# --------------------------------------------------------------------------- chassis, firmware


def test_chassis_fails_and_passes():
    data = ipmi_data(chassis_status=("ipmitool_chassis_status",
                                     "supermicro_drive_fan_fault_intrusion"))
    assert statuses(judged(data, "environment.chassis")) == {
        "Drive Fault": "critical", "Cooling/Fan Fault": "critical", "intrusion": "warning",
        "last_power_event": "warning"}
    data = ipmi_data(chassis_status=("ipmitool_chassis_status", "dell_idrac9_healthy"))
    assert statuses(judged(data, "environment.chassis")) == {"chassis": "ok"}
    data = ipmi_data(chassis_status=("ipmitool_chassis_status", "ipmi_sim_power_off"))
    assert statuses(judged(data, "environment.chassis")) == {"power": "warning"}
    data = rf_data(chassis=("GET_redfish_v1_Chassis_id", "supermicro_x11_intrusion"))
    assert statuses(judged(data, "environment.chassis")) == {"intrusion": "warning"}
    data = rf_data(system=("GET_redfish_v1_Systems_id", "sushy_emulator_fake_off"))
    assert statuses(judged(data, "environment.chassis")) == {"power": "warning"}
    data = rf_data(system=("GET_redfish_v1_Systems_id", "openbmc_on"))
    assert statuses(judged(data, "environment.chassis")) == {"chassis": "ok"}
    data = ipmi_data(chassis_status=("ipmitool_chassis_status", "garbage"))
    assert [f["cause"] for f in judged(data, "environment.chassis")] == ["not_understood"]


def test_firmware_inventory_is_informational():
    data = rf_data(firmware_inventory=("GET_redfish_v1_UpdateService_FirmwareInventory",
                                       "dell_idrac9_expanded"),
                   manager=("GET_redfish_v1_Managers_id", "hpe_ilo5"))
    findings = judged(data, "environment.firmware")
    assert {f["status"] for f in findings} == {"ok"} and len(findings) == 5
    assert {f["values"]["version"] for f in findings} >= {"2.19.1", "51.16.0-4296"}
    data = ipmi_data(fru=("ipmitool_fru_print", "ipmi_sim_no_fru"))
    [finding] = judged(data, "environment.firmware")
    assert finding["status"] == "unknown"


# --------------------------------------------------------------------------- catalogue


def test_every_message_key_the_area_names_is_in_the_catalogue():
    text = "".join((ROOT / "plugins/module_utils/weibao_inspection" / p).read_text()
                   for p in ("rules/environment.py", "parsers/ipmi_environment.py",
                             "parsers/redfish_environment.py"))
    keys = set(re.findall(r'"(environment\.[a-z_.]+[a-z_])"', text))
    keys -= {c.id for c in catalogue.area_checks("environment")}
    missing = sorted(k for k in keys if k not in catalogue.MESSAGES)
    assert not missing


def test_judge_through_the_registry_keeps_the_source_checks():
    source = registry.lookup("ipmi", "ipmitool sel info")
    assert [c.id for c in source.checks()] == ["environment.event_log_capacity"]
    source = registry.lookup("redfish", "GET /redfish/v1/Chassis/1/Thermal")
    assert "environment.temperature" in [c.id for c in source.checks()]
