"""Rules of the links area (rules/links.py): every check made to fail and to pass on the
fixtures, the counters judged on their increase across two inspections (deltas.py, with the
counters ``counters()`` returned the first time), counter resets, a counter the driver does
not support unknown (never 0), and hardware that is not there not applicable.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import linux_links as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import links as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
FC = FIXTURES / ("grep_H_sys_class_fc_host_port_state_sys_class_fc_host_speed_sys_class_fc_"
                 "host_port_name_sys_class_fc_host_statistics")
SAS = FIXTURES / "grep_H_sys_class_sas_phy"
ETH = FIXTURES / "ethtool_S_id"
RAS = FIXTURES / "ras_mc_ctl_summary"
RAS_ERRORS = FIXTURES / "ras_mc_ctl_errors"
NOW = 1764900000.0  # 2025-12-05T02:00:00Z
BEFORE = "2025-11-05T02:00:00Z"
THRESHOLDS = catalogue.merge_thresholds("links")


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(folder, case):
    return (folder / f"{case}.raw").read_text().split("\n", 1)[1]


def data(**raw):
    return p.parse_sources(raw, {"command": "ethtool -S eth0"})


def fc(case):
    return data(fc_host=text(FC, case))


def sas(case):
    return data(sas_phy=text(SAS, case))


def eth(case):
    return data(ethtool={"eth0": text(ETH, case)})


def judged(d, check_id, previous=None, thresholds=THRESHOLDS, since=None):
    out = [f for f in rules.evaluate(d, thresholds, {"now": NOW, "previous": previous or {},
                                                      "since": since})
           if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def by_component(findings):
    return {f["component"]: f for f in findings}


def previous_of(d, at=BEFORE):
    """The counters an inspection returned, as the next inspection's ``previous``."""
    return {deltas.key(c["check_id"], c["component"], c["name"]):
            {"value": c["value"], "at": at, "boot_time": c["boot_time"]}
            for c in rules.counters(d)}


def override(**levels):
    return catalogue.merge_thresholds("links", levels)


# --------------------------------------------------------------------------- fc_ports


def test_fc_ports_online_ok_and_linkdown_warning():
    found = by_component(judged(fc("qla2xxx_online_and_linkdown"), rules.FC_PORTS))
    assert found["host1"]["status"] == "ok"
    assert "0x21000024ff3dd0a8" in found["host1"]["summary"]
    assert found["host2"]["status"] == "warning"
    assert "Linkdown" in found["host2"]["summary"]
    assert found["host2"]["recommendation"]


def test_fc_ports_error_state_critical():
    [finding] = judged(fc("qla2xxx_error_state"), rules.FC_PORTS)
    assert finding["status"] == "critical" and '"Error"' in finding["summary"]


def test_fc_ports_a_lost_link_is_critical():
    d = fc("qla2xxx_online_and_linkdown")
    before = copy.deepcopy(d)
    before["fc_host"]["hosts"][1]["port_state"] = "Online"
    found = by_component(judged(d, rules.FC_PORTS, previous=previous_of(before)))
    assert found["host2"]["status"] == "critical"
    assert "was Online" in found["host2"]["summary"]
    assert found["host2"]["values"]["was_online"] is True


def test_fc_ports_ignored_port_is_not_judged():
    d = fc("qla2xxx_online_and_linkdown")
    thresholds = override(fc_ports={"ignore": ["0x21000024FF3DD0A9"]})
    assert [f["component"] for f in judged(d, rules.FC_PORTS, thresholds=thresholds)] == [
        "host1"]
    assert [f["component"] for f in judged(d, rules.FC_ERRORS, thresholds=thresholds)] == [
        "host1"]


@pytest.mark.parametrize("state,cause", [(None, "incomplete"),
                                         ("Unknown", "source_unreadable"),
                                         ("Not Present", "source_unreadable")])
def test_fc_ports_unknown_state(state, cause):
    d = fc("lpfc_online_crc_26")
    d["fc_host"]["hosts"][0]["port_state"] = state
    [finding] = judged(d, rules.FC_PORTS)
    assert (finding["status"], finding["cause"]) == ("unknown", cause)


def test_fc_statistics_only_has_no_port_state():
    d = data(fc_host=text(FIXTURES / "grep_sys_class_fc_host_statistics",
                          "lpfc_statistics_only"))
    [finding] = judged(d, rules.FC_PORTS)
    assert finding["status"] == "unknown" and finding["cause"] == "incomplete"


def test_fc_not_understood_is_unknown_in_both_checks():
    d = fc("not_understood_no_paths")
    for check_id in (rules.FC_PORTS, rules.FC_ERRORS):
        [finding] = judged(d, check_id)
        assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- fc_errors


def test_fc_errors_first_inspection_is_a_baseline():
    [finding] = judged(fc("lpfc_online_crc_26"), rules.FC_ERRORS)
    assert finding["status"] == "ok"  # 26 CRC errors in 30 days, below baseline_warning
    assert finding["values"]["baseline"] is True
    assert "first reading" in finding["summary"] and "30 d" in finding["summary"]


def test_fc_errors_first_inspection_warns_at_the_baseline_threshold():
    [finding] = judged(fc("lpfc_online_crc_1001"), rules.FC_ERRORS)
    assert finding["status"] == "warning"
    assert finding["values"]["frame_errors"] == 1001
    assert finding["thresholds"] == {"baseline_warning": 100}


def test_fc_errors_crc_growth_across_two_inspections():
    first = fc("lpfc_online_crc_26")
    second = fc("lpfc_online_crc_1001")
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first))
    # 1747 new invalid transmission words: bit errors on the fibre
    assert finding["status"] == "critical"
    values = finding["values"]
    assert values["invalid_crc_count_delta"] == 975
    assert values["invalid_tx_word_count_delta"] == 0x9c4 - 0x2f1
    assert values["frame_errors"] == 0x9c4 - 0x2f1 and values["reset"] is False
    assert "invalid_crc_count +975" in finding["summary"]
    assert "2025-11-05 02:00:00 UTC" in finding["summary"]
    # warning below the critical count
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first),
                       thresholds=override(fc_errors={"critical": 2000}))
    assert finding["status"] == "warning"


def test_fc_errors_no_growth_is_ok():
    d = fc("lpfc_online_crc_26")
    [finding] = judged(d, rules.FC_ERRORS, previous=previous_of(d))
    assert finding["status"] == "ok" and finding["values"]["baseline"] is False
    assert "frame errors none; link events none" in finding["summary"]


def test_fc_errors_link_events_warn():
    first = fc("lpfc_online_crc_26")
    second = copy.deepcopy(first)
    second["fc_host"]["hosts"][0]["statistics"]["loss_of_signal_count"] = 2
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first))
    assert finding["status"] == "warning" and finding["values"]["link_events"] == 2
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first),
                       thresholds=override(fc_errors={"link_warning": 3}))
    assert finding["status"] == "ok"


def test_fc_errors_reset_by_seconds_since_last_reset():
    """The HBA's statistics were reset (a driver reload) and grew back past the previous
    values: the counters restarted, so the increase is at least the current value."""
    first = fc("lpfc_online_crc_26")
    second = copy.deepcopy(first)
    stats = second["fc_host"]["hosts"][0]["statistics"]
    stats.update(seconds_since_last_reset=3600, invalid_crc_count=30, error_frames=30)
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first))
    assert finding["values"]["reset"] is True
    assert finding["values"]["invalid_crc_count_delta"] == 30
    assert finding["status"] == "warning"
    assert "error_frames at least +30" in finding["summary"]
    assert "the counters were reset in between" in finding["summary"]


def test_fc_errors_reset_by_a_counter_going_down():
    first = fc("lpfc_online_crc_1001")
    second = fc("lpfc_online_crc_26")  # every counter lower: cleared
    [finding] = judged(second, rules.FC_ERRORS, previous=previous_of(first))
    assert finding["values"]["reset"] is True
    assert finding["values"]["invalid_crc_count_delta"] == 26
    assert finding["status"] == "warning"


def test_fc_errors_unsupported_counters_are_unknown_never_zero():
    d = fc("fcoe_libfc_unsupported_counters")
    findings = judged(d, rules.FC_ERRORS)
    assert [f["status"] for f in findings] == ["ok", "unknown"]
    missing = findings[1]
    assert missing["cause"] == "incomplete"
    assert "loss_of_sync_count" in missing["summary"]
    assert "loss_of_sync_count" not in findings[0]["values"]
    assert findings[0]["values"]["unsupported"].startswith("loss_of_sync_count")
    # never stored as a reading either
    names = {c["name"] for c in rules.counters(d) if c["check_id"] == rules.FC_ERRORS}
    assert "loss_of_sync_count" not in names and "invalid_crc_count" in names


def test_fc_errors_all_unsupported_or_no_statistics():
    d = fc("fcoe_libfc_unsupported_counters")
    stats = d["fc_host"]["hosts"][0]["statistics"]
    for name in rules.FC_FRAME + rules.FC_LINK:
        stats[name] = None
    [finding] = judged(d, rules.FC_ERRORS)
    assert (finding["status"], finding["cause"]) == ("unknown", "incomplete")
    d["fc_host"]["hosts"][0]["statistics"] = {}
    [finding] = judged(d, rules.FC_ERRORS)
    assert "no statistics" in finding["summary"]


# --------------------------------------------------------------------------- sas


def test_sas_ok_and_ports_without_a_device():
    found = by_component(judged(sas("mpt3sas_ok"), rules.SAS))
    assert len(found) == 8 and {f["status"] for f in found.values()} == {"ok"}
    assert "no device attached" in found["phy-0:4"]["summary"]


def test_sas_first_inspection_totals_and_disabled_phy():
    found = by_component(judged(sas("mpt3sas_dword_errors"), rules.SAS))
    assert found["phy-0:0"]["status"] == "ok"
    assert found["phy-0:1"]["status"] == "warning"  # 3456 >= baseline_warning
    assert found["phy-0:1"]["values"]["baseline"] is True
    assert found["phy-0:2"]["status"] == "ok"  # 18 below baseline_warning
    assert found["phy-0:3"]["status"] == "warning"
    assert '"Phy disabled"' in found["phy-0:3"]["summary"]


def test_sas_growth_across_two_inspections_and_reset_problems():
    first = sas("mpt3sas_dword_errors")
    second = copy.deepcopy(first)
    counters = second["sas_phy"]["phys"][2]["counters"]
    counters.update(invalid_dword_count=18 + 40, phy_reset_problem_count=2)
    found = by_component(judged(second, rules.SAS, previous=previous_of(first)))
    assert found["phy-0:1"]["status"] == "ok"  # no growth
    assert found["phy-0:2"]["status"] == "warning"
    assert found["phy-0:2"]["values"]["invalid_dword_count_delta"] == 40
    assert "1 new PHY reset problems" in found["phy-0:2"]["summary"]
    counters["invalid_dword_count"] = 18 + 5000
    found = by_component(judged(second, rules.SAS, previous=previous_of(first)))
    assert found["phy-0:2"]["status"] == "critical"


def test_sas_counter_reset_is_at_least_the_current_value():
    first = sas("mpt3sas_dword_errors")
    second = copy.deepcopy(first)
    second["sas_phy"]["phys"][1]["counters"].update(invalid_dword_count=12,
                                                     running_disparity_error_count=0,
                                                     loss_of_dword_sync_count=0)
    found = by_component(judged(second, rules.SAS, previous=previous_of(first)))
    assert found["phy-0:1"]["status"] == "warning"
    assert found["phy-0:1"]["values"]["invalid_dword_count_delta"] == 12
    assert "invalid_dword_count at least +12" in found["phy-0:1"]["summary"]


def test_sas_link_lost_since_the_previous_inspection():
    first = sas("mpt3sas_ok")
    second = copy.deepcopy(first)
    second["sas_phy"]["phys"][0]["negotiated_linkrate"] = "Unknown"
    found = by_component(judged(second, rules.SAS, previous=previous_of(first)))
    assert found["phy-0:0"]["status"] == "warning"
    assert "had a link at the previous inspection" in found["phy-0:0"]["summary"]
    assert found["phy-0:4"]["status"] == "ok"  # never had one


def test_sas_administratively_disabled_is_ok():
    d = sas("mpt3sas_ok")
    d["sas_phy"]["phys"][0]["enable"] = False
    found = by_component(judged(d, rules.SAS))
    assert found["phy-0:0"]["status"] == "ok" and "administrator" in found["phy-0:0"]["summary"]


@pytest.mark.parametrize("case", ["hpsa_stub_counters", "smartpqi_stub_counters"])
def test_sas_stub_drivers_are_unknown(case):
    findings = judged(sas(case), rules.SAS)
    assert findings and all(f["status"] == "unknown" and f["cause"] == "incomplete"
                            for f in findings)


def test_sas_missing_counters_are_unknown():
    d = sas("mpt3sas_ok")
    d["sas_phy"]["phys"][0]["counters"].pop("invalid_dword_count")
    found = [f for f in judged(d, rules.SAS) if f["component"] == "phy-0:0"]
    assert [f["status"] for f in found] == ["ok", "unknown"]
    assert "invalid_dword_count" in found[1]["summary"]
    d["sas_phy"]["phys"][0]["counters"] = {}
    found = [f for f in judged(d, rules.SAS) if f["component"] == "phy-0:0"]
    assert [f["status"] for f in found] == ["unknown"]


def test_sas_not_understood():
    [finding] = judged(sas("not_understood"), rules.SAS)
    assert (finding["status"], finding["cause"]) == ("unknown", "not_understood")


# --------------------------------------------------------------------------- ethtool


@pytest.mark.parametrize("case,status", [
    ("e1000e_ok", "ok"), ("bnxt_en_ok", "ok"),
    ("igb_crc_and_align_errors", "warning"), ("tg3_alignment_errors", "warning"),
    ("mlx5_symbol_errors", "critical"),
])
def test_ethtool_first_inspection_on_totals(case, status):
    [finding] = judged(eth(case), rules.ETHTOOL)
    assert finding["status"] == status
    assert finding["values"]["baseline"] is True


def test_ethtool_crc_is_shown_not_judged():
    """system.nic_errors judges rx_crc_errors from /sys/class/net: never a second time."""
    d = eth("igb_crc_and_align_errors")
    d["ethtool"]["interfaces"]["eth0"]["counters"]["alignment_errors"] = 0
    [finding] = judged(d, rules.ETHTOOL)
    assert finding["status"] == "ok"
    assert "CRC errors 412, judged by system.nic_errors" in finding["summary"]
    assert finding["values"]["crc_errors"] == 412


def test_ethtool_growth_across_two_inspections_and_a_reset():
    first = eth("mlx5_symbol_errors")
    second = copy.deepcopy(first)
    [finding] = judged(second, rules.ETHTOOL, previous=previous_of(first))
    assert finding["status"] == "ok" and finding["values"]["symbol_errors_delta"] == 0
    second["ethtool"]["interfaces"]["eth0"]["counters"]["symbol_errors"] = 1537
    [finding] = judged(second, rules.ETHTOOL, previous=previous_of(first))
    assert finding["status"] == "warning" and "symbol errors +7" in finding["summary"]
    second["ethtool"]["interfaces"]["eth0"]["counters"]["symbol_errors"] = 3  # driver reloaded
    [finding] = judged(second, rules.ETHTOOL, previous=previous_of(first))
    assert finding["status"] == "warning" and "at least +3" in finding["summary"]
    assert "reset in between" in finding["summary"]


def test_ethtool_counters_restart_when_the_host_boots():
    # review of issue 9: a NIC's counters start again at boot; one that climbed past its
    # previous value since was judged on the difference (+5), a missed increase
    first = eth("mlx5_symbol_errors")
    before = {deltas.key(c["check_id"], c["component"], c["name"]):
              {"value": c["value"], "at": BEFORE, "boot_time": c["boot_time"]}
              for c in rules.counters(first, {"boot_time": "2025-10-01T00:00:00Z"})}
    assert {c["boot_time"] for c in rules.counters(first, {"boot_time": "2025-10-01T00:00:00Z"})
            if c["check_id"] == rules.ETHTOOL} == {"2025-10-01T00:00:00Z"}
    second = copy.deepcopy(first)
    value = first["ethtool"]["interfaces"]["eth0"]["counters"]["symbol_errors"] + 5
    second["ethtool"]["interfaces"]["eth0"]["counters"]["symbol_errors"] = value
    [finding] = [f for f in rules.evaluate(second, THRESHOLDS, {
        "now": NOW, "previous": before, "boot_time": "2025-11-20T00:00:00Z"})
        if f["check_id"] == rules.ETHTOOL]
    assert finding["values"]["symbol_errors_delta"] == value
    assert f"at least +{value}" in finding["summary"]


@pytest.mark.parametrize("case,cause", [
    ("virtio_net_no_physical_layer", "not_applicable"),
    ("ixgbe_no_physical_symbol_counter", "not_applicable"),
    ("no_stats_available", "not_applicable"),
    ("not_understood", "not_understood"),
])
def test_ethtool_interfaces_that_cannot_be_judged(case, cause):
    [finding] = judged(eth(case), rules.ETHTOOL)
    assert (finding["status"], finding["cause"]) == ("unknown", cause)


def test_ethtool_collector_failure():
    d = data(ethtool={"error": {"key": "reason.not_installed", "params": {"command": "ethtool"}},
                      "cause": "tool_missing"})
    [finding] = judged(d, rules.ETHTOOL)
    assert (finding["status"], finding["cause"]) == ("unknown", "tool_missing")
    assert "ethtool is not installed" in finding["summary"]


# --------------------------------------------------------------------------- rasdaemon


def ras(case, errors=None):
    raw = {"rasmc_summary": text(RAS, case)}
    if errors:
        raw["rasmc_errors"] = text(RAS_ERRORS, errors)
    return data(**raw)


def test_ras_no_errors_ok():
    [finding] = judged(ras("no_errors", "no_errors"), rules.RAS)
    assert finding["status"] == "ok" and "whole database" in finding["summary"]


def test_ras_uncorrected_memory_critical():
    [finding] = judged(ras("memory_and_aer_errors"), rules.RAS)
    assert finding["status"] == "critical"
    assert finding["summary"].startswith("uncorrected memory errors 1")
    assert "DIMM" in finding["recommendation"]


def test_ras_fatal_aer_critical():
    [finding] = judged(ras("aer_fatal"), rules.RAS)
    assert finding["status"] == "critical" and "PCIe" in finding["recommendation"]


def test_ras_nonfatal_aer_and_corrected_memory_warn():
    d = ras("memory_and_aer_errors")
    d["rasmc_summary"]["counts"]["memory_uncorrected"] = 0
    [finding] = judged(d, rules.RAS)
    assert finding["status"] == "warning"
    d["rasmc_summary"]["counts"]["aer_nonfatal"] = 0
    [finding] = judged(d, rules.RAS)  # 14 corrected >= 10
    assert finding["status"] == "warning" and "DIMM" in finding["recommendation"]
    [finding] = judged(d, rules.RAS, thresholds=override(ras_errors={"corrected_memory": 0}))
    assert finding["status"] == "ok"  # 0 turns it off; 2 corrected AER < 100


def test_ras_since_the_previous_inspection_and_a_cleared_database():
    first = ras("no_errors", "no_errors")
    second = ras("aer_fatal")
    [finding] = judged(second, rules.RAS, previous=previous_of(first))
    assert finding["status"] == "critical"
    assert finding["values"]["aer_fatal_new"] == 1 and finding["values"]["basis"] == "previous"
    [finding] = judged(second, rules.RAS, previous=previous_of(second))
    assert finding["status"] == "ok"  # the same record, already seen
    assert "no memory, PCIe AER or MCE errors (since" in finding["summary"]
    cleared = ras("no_errors")
    [finding] = judged(cleared, rules.RAS, previous=previous_of(ras("memory_and_aer_errors")))
    assert finding["status"] == "ok" and "cleared" in finding["summary"]


def test_ras_records_after_since_without_counters():
    d = ras("memory_and_aer_errors", "memory_and_aer_errors")
    [finding] = judged(d, rules.RAS, since="2026-11-29T00:00:00Z")
    # only the AER record of 2026-11-29 09:12 +0800 (01:12 UTC) is later
    assert finding["status"] == "warning"
    assert finding["values"]["aer_nonfatal_new"] == 1
    assert finding["values"]["memory_uncorrected_new"] == 0
    assert finding["evidence"] == [e for e in finding["evidence"] if "Completion Timeout" in e]
    [finding] = judged(d, rules.RAS, since="2026-11-28T00:00:00Z")
    assert finding["status"] == "critical"  # the uncorrected record of 11-28 22:03 +0800


def test_ras_errors_alone_are_judged():
    d = data(rasmc_errors=text(RAS_ERRORS, "memory_and_aer_errors"))
    [finding] = judged(d, rules.RAS)
    assert finding["status"] == "critical" and finding["evidence"]


@pytest.mark.parametrize("summary,errors,cause", [
    ("no_database", None, "source_unreadable"),
    ("not_understood", "not_understood", "not_understood"),
    ("no_database", "no_table", "source_unreadable"),
])
def test_ras_cannot_be_read(summary, errors, cause):
    [finding] = judged(ras(summary, errors), rules.RAS)
    assert (finding["status"], finding["cause"]) == ("unknown", cause)


def test_ras_summary_failed_but_errors_read():
    [finding] = judged(ras("no_database", "memory_and_aer_errors"), rules.RAS)
    assert finding["status"] == "critical"


# --------------------------------------------------------------------------- area


def test_not_applicable_without_the_hardware_or_rasdaemon():
    entries = rules.not_applicable({})
    assert {e["check_id"] for e in entries} == set(rules.CHECKS)
    assert rules.evaluate({}, THRESHOLDS, {"now": NOW}) == []
    reasons = {e["check_id"]: render(e["reason"], "zh-CN") for e in entries}
    assert "FC" in reasons[rules.FC_PORTS] and "rasdaemon" in reasons[rules.RAS]
    full = data(fc_host=text(FC, "lpfc_online_crc_26"), sas_phy=text(SAS, "mpt3sas_ok"),
                ethtool={"eth0": text(ETH, "e1000e_ok")},
                rasmc_summary=text(RAS, "no_errors"))
    assert rules.not_applicable(full) == []
    # an FC dump without any host (grep -R through nothing of ours)
    empty = data(fc_host="/sys/class/fc_host/host1/device/power/control:auto\n")
    assert {e["check_id"] for e in rules.not_applicable(empty)} >= {rules.FC_PORTS,
                                                                    rules.FC_ERRORS}


def test_counters_keys_and_values():
    d = data(fc_host=text(FC, "qla2xxx_online_and_linkdown"),
             sas_phy=text(SAS, "mpt3sas_ok"), ethtool={"eth0": text(ETH, "igb_crc_and_align_"
                                                                        "errors")},
             rasmc_summary=text(RAS, "memory_and_aer_errors"))
    out = {(c["check_id"], c["component"], c["name"]): c["value"] for c in rules.counters(d)}
    assert out[(rules.FC_PORTS, "0x21000024ff3dd0a8", "online")] == 1
    assert out[(rules.FC_PORTS, "0x21000024ff3dd0a9", "online")] == 0
    assert out[(rules.FC_ERRORS, "0x21000024ff3dd0a8", "loss_of_sync_count")] == 3
    assert out[(rules.SAS, "phy-0:0", "linked")] == 1
    assert out[(rules.SAS, "phy-0:4", "linked")] == 0
    assert out[(rules.ETHTOOL, "eth0", "alignment_errors")] == 37
    assert (rules.ETHTOOL, "eth0", "crc_errors") not in out  # system.nic_errors' counter
    assert out[(rules.RAS, "rasdaemon", "memory_uncorrected")] == 1
    assert all(0 <= v <= rules.MAX_STORED_COUNTER for v in out.values())


def test_every_check_is_in_the_catalogue():
    assert {c.id for c in catalogue.area_checks("links")} == set(rules.CHECKS)
