"""Rules of the aix_devices area (rules/aix_devices.py): every check made to fail and to
pass on the AIX fixtures, FC and Ethernet counters judged on their increase across two
inspections (deltas.py, with the counters ``counters()`` returned the first time), counter
resets (fcstat's Seconds Since Last Reset and entstat's Elapsed Time going back), unknown
cases, and hardware that is not there not applicable.

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
from ansible.module_utils.weibao_inspection.parsers import aix_aix_devices as p  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import aix_devices as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "aix"
NOW = 1764900000.0  # 2025-12-05T02:00:00Z
BEFORE = "2025-11-05T02:00:00Z"
THRESHOLDS = catalogue.merge_thresholds("aix_devices")


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def text(folder, case):
    return (FIXTURES / folder / f"{case}.raw").read_text().split("\n", 1)[1]


def judged(data, check_id, previous=None, thresholds=THRESHOLDS):
    out = [f for f in rules.evaluate(data, thresholds, {"now": NOW, "previous": previous or {}})
           if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def by_component(findings):
    return {f["component"]: f for f in findings}


def previous_of(data, at=BEFORE):
    return {deltas.key(c["check_id"], c["component"], c["name"]):
            {"value": c["value"], "at": at, "boot_time": c["boot_time"]}
            for c in rules.counters(data)}


def override(**levels):
    return catalogue.merge_thresholds("aix_devices", levels)


def fc(case, name="fcs0"):
    return p.parse_sources({"fcstat": {name: text("fcstat_id", case)}})


def ent(case, name="ent0"):
    return p.parse_sources({"entstat": {name: text("entstat_d_id", case)}})


# --------------------------------------------------------------------------- devices


def test_devices_defined_disk_and_adapter_warn_and_normal_defined_is_ok():
    bad = by_component(judged(p.parse_sources({"lsdev": text(
        "lsdev_C", "aix71_defined_disk_and_adapter")}), rules.DEVICES))
    assert {c for c, f in bad.items() if f["status"] == "warning"} == {"hdisk3", "fcs1",
                                                                        "fscsi1"}
    assert "rmdev -dl hdisk3" in bad["hdisk3"]["recommendation"]
    [ok] = judged(p.parse_sources({"lsdev": text("lsdev_C", "aix72_p8_lpar_ok")}),
                  rules.DEVICES)
    assert ok["status"] == "ok" and "en1" in ok["summary"] and "rmt0" not in ok["summary"]


def test_devices_ignore_list_and_should_be_available():
    data = p.parse_sources({"lsdev": text("lsdev_C", "aix71_defined_disk_and_adapter")})
    thresholds = override(devices={"ignore": ["hdisk3", "FCS1", "fscsi1"]})
    [ok] = judged(data, rules.DEVICES, thresholds=thresholds)
    assert ok["status"] == "ok"
    stricter = override(devices={"should_be_available": ["hdisk", "fcs", "fscsi", "et"]})
    assert "et0" in by_component(judged(data, rules.DEVICES, thresholds=stricter))


def test_devices_from_lsdev_adapter_when_lsdev_c_is_not_given():
    data = p.parse_sources({"lsdev_adapter": text("lsdev_Cc_adapter", "aix72_adapters")})
    assert by_component(judged(data, rules.DEVICES))["ent2"]["status"] == "warning"
    both = p.parse_sources({"lsdev_adapter": text("lsdev_Cc_adapter", "aix72_adapters"),
                            "lsdev": text("lsdev_C", "aix72_p8_lpar_ok")})
    assert [f["status"] for f in judged(both, rules.DEVICES)] == ["ok"]


def test_devices_unknown_word_and_not_understood():
    data = p.parse_sources({"lsdev": "hdisk0 Available 00-08 SAS Disk\nhdisk1 Bereit 00-09 "
                                     "SAS Disk\n"})
    found = by_component(judged(data, rules.DEVICES))
    assert found["hdisk1"]["status"] == "unknown"
    assert found["hdisk1"]["cause"] == "not_understood"
    assert all(f["status"] != "ok" for f in found.values())
    [f] = judged(p.parse_sources({"lsdev": text("lsdev_C", "zh_CN_not_english")}),
                 rules.DEVICES)
    assert (f["status"], f["cause"]) == ("unknown", "not_understood")
    assert "LC_ALL=C" in f["summary"]


# --------------------------------------------------------------------------- paths


def test_paths_ok_missing_failed_disabled_and_all_failed():
    ok = judged(p.parse_sources({"lspath": text("lspath", "aix72_four_paths_ok")}), rules.PATHS)
    assert [f["status"] for f in ok] == ["ok", "ok"]
    assert "4 of 4" in ok[0]["summary"]
    bad = by_component(judged(p.parse_sources({"lspath": text(
        "lspath", "aix73_missing_and_failed")}), rules.PATHS))
    assert bad["hdisk2"]["status"] == "warning" and "Missing" in bad["hdisk2"]["summary"]
    assert bad["hdisk3"]["status"] == "warning" and "Failed" in bad["hdisk3"]["summary"]
    vscsi = by_component(judged(p.parse_sources({"lspath": text(
        "lspath", "aix71_vscsi_all_failed")}), rules.PATHS))
    assert vscsi["hdisk1"]["status"] == "critical"
    assert "no Enabled path" in vscsi["hdisk1"]["recommendation"]
    assert vscsi["hdisk0"]["status"] == "warning" and "Disabled" in vscsi["hdisk0"]["summary"]


def test_paths_min_paths_and_ignore():
    data = p.parse_sources({"lspath": "Enabled hdisk0 sas0\nEnabled hdisk1 fscsi0\n"
                                      "Enabled hdisk1 fscsi1\n"})
    found = by_component(judged(data, rules.PATHS))
    assert found["hdisk0"]["status"] == "warning" and "fewer than 2" in found["hdisk0"][
        "summary"]
    assert found["hdisk1"]["status"] == "ok"
    assert [f["component"] for f in judged(data, rules.PATHS, thresholds=override(
        paths={"ignore": ["hdisk0"]}))] == ["hdisk1"]
    off = by_component(judged(data, rules.PATHS, thresholds=override(paths={"min_paths": 0})))
    assert off["hdisk0"]["status"] == "ok"


def test_paths_none_is_not_applicable_and_failure_unknown():
    data = p.parse_sources({"lspath": ""})
    assert judged(data, rules.PATHS) == []
    assert rules.PATHS in {n["check_id"] for n in rules.not_applicable(data)}
    failed = p.parse_sources({"lspath": {"error": {"key": "reason.not_installed", "params": {
        "command": "lspath"}}, "cause": "tool_missing"}})
    [f] = judged(failed, rules.PATHS)
    assert (f["status"], f["cause"]) == ("unknown", "tool_missing")


# --------------------------------------------------------------------------- FC ports


def test_fc_port_up_ok_down_warning_and_lost_critical():
    [up] = judged(fc("aix72_16gb_ok"), rules.FC_PORTS)
    assert up["status"] == "ok" and "16 GBIT" in up["summary"]
    down = fc("aix73_link_down", "fcs2")
    [warn] = judged(down, rules.FC_PORTS)
    assert warn["status"] == "warning" and "Link Down" in warn["summary"]
    before = copy.deepcopy(down)
    before["fcstat"]["adapters"]["fcs2"]["attention"] = "Link Up"
    [lost] = judged(down, rules.FC_PORTS, previous=previous_of(before))
    assert lost["status"] == "critical" and "link was lost" in lost["summary"]


def test_fc_errno_network_down_warns_other_errno_unknown():
    [f] = judged(fc("errno_45_network_down"), rules.FC_PORTS)
    assert f["status"] == "warning"
    assert judged(fc("errno_45_network_down"), rules.FC_ERRORS) == []
    [u] = judged(fc("errno_46_unreachable", "fcs3"), rules.FC_PORTS)
    assert (u["status"], u["cause"]) == ("unknown", "source_unreadable")


def test_fc_ignore_by_adapter_or_wwpn():
    thresholds = override(fc_ports={"ignore": ["0x100000109b8e11c4"]})
    data = fc("aix73_link_down", "fcs2")
    assert judged(data, rules.FC_PORTS, thresholds=thresholds) == []
    assert judged(data, rules.FC_ERRORS, thresholds=thresholds) == []


def test_fc_no_attention_type_is_unknown():
    data = fc("aix72_16gb_ok")
    data["fcstat"]["adapters"]["fcs0"]["attention"] = None
    [f] = judged(data, rules.FC_PORTS)
    assert (f["status"], f["cause"]) == ("unknown", "incomplete")


# --------------------------------------------------------------------------- FC errors


def test_fc_errors_first_inspection_baseline():
    [ok] = judged(fc("aix72_16gb_ok"), rules.FC_ERRORS)
    assert ok["status"] == "ok" and ok["values"]["baseline"] is True
    [bad] = judged(fc("aix71_8gb_crc_errors", "fcs1"), rules.FC_ERRORS)
    assert bad["status"] == "warning" and bad["values"]["frame_errors"] == 1893
    assert "first reading" in bad["summary"]


def test_fc_errors_output_cut_short_is_unknown_not_ok():
    # fcstat ending after "Link Failure Count": the CRC and sync counters were never read
    full = text("fcstat_id", "aix72_16gb_ok")
    cut = full[:full.index("Loss of Sync Count")]
    data = p.parse_sources({"fcstat": {"fcs0": cut}})
    [f] = judged(data, rules.FC_ERRORS)
    assert (f["status"], f["cause"]) == ("unknown", "not_understood")
    assert "invalid_crc_count" in f["summary"] and "loss_of_sync_count" in f["summary"]


def test_fc_errors_deltas_across_two_inspections():
    first = fc("aix71_8gb_crc_errors", "fcs1")
    previous = previous_of(first)
    # nothing new: ok, although the totals are high
    [same] = judged(first, rules.FC_ERRORS, previous=previous)
    assert same["status"] == "ok" and same["values"]["frame_errors"] == 0
    assert "since 2025-11-05" in same["summary"]
    second = copy.deepcopy(first)
    counters = second["fcstat"]["adapters"]["fcs1"]["counters"]
    counters["invalid_crc_count"] += 12
    counters["seconds_since_last_reset"] += 2592000
    [grew] = judged(second, rules.FC_ERRORS, previous=previous)
    assert grew["status"] == "warning" and "Invalid" not in grew["summary"]
    assert grew["values"]["invalid_crc_count_delta"] == 12
    counters["invalid_crc_count"] += 5000
    [crit] = judged(second, rules.FC_ERRORS, previous=previous)
    assert crit["status"] == "critical"
    link = copy.deepcopy(first)
    link["fcstat"]["adapters"]["fcs1"]["counters"]["link_failure_count"] += 1
    [event] = judged(link, rules.FC_ERRORS, previous=previous)
    assert event["status"] == "warning" and event["values"]["link_events"] == 1


def test_fc_errors_reset_between_inspections_counts_at_least_the_current_value():
    first = fc("aix71_8gb_crc_errors", "fcs1")
    previous = previous_of(first)
    reset = copy.deepcopy(first)
    counters = reset["fcstat"]["adapters"]["fcs1"]["counters"]
    counters.update(invalid_crc_count=1900, seconds_since_last_reset=3600)  # fcstat -z
    [f] = judged(reset, rules.FC_ERRORS, previous=previous)
    assert f["values"]["reset"] is True and f["values"]["invalid_crc_count_delta"] == 1900
    assert f["status"] == "critical" and "at least" in f["summary"]
    went_down = copy.deepcopy(first)
    went_down["fcstat"]["adapters"]["fcs1"]["counters"]["error_frames"] = 3
    [g] = judged(went_down, rules.FC_ERRORS, previous=previous)
    assert g["values"]["error_frames_delta"] == 3 and g["values"]["reset"] is True


def test_fc_errors_npiv_client_not_judged():
    [f] = judged(fc("aix73_npiv_client"), rules.FC_ERRORS)
    assert (f["status"], f["cause"]) == ("unknown", "not_applicable")
    keys = [c["name"] for c in rules.counters(fc("aix73_npiv_client"))]
    assert keys == ["online"]


# --------------------------------------------------------------------------- Ethernet


def test_ethernet_ok_and_first_reading_totals():
    [f] = judged(ent("aix72_physical_ok"), rules.ETHERNET)
    assert f["status"] == "ok" and "1000 Mbps Full Duplex" in f["summary"]
    [bad] = judged(ent("aix71_crc_half_duplex", "ent1"), rules.ETHERNET)
    assert bad["status"] == "critical" and bad["recommendation"]


def test_ethernet_deltas_collisions_and_reset():
    first = ent("aix71_crc_half_duplex", "ent1")
    previous = previous_of(first)
    [same] = judged(first, rules.ETHERNET, previous=previous)
    assert same["status"] == "ok"
    more = copy.deepcopy(first)
    block = more["entstat"]["adapters"]["ent1"]
    block["counters"]["late_collisions"] += 4
    block["elapsed"] += 86400
    [coll] = judged(more, rules.ETHERNET, previous=previous)
    assert coll["status"] == "warning" and coll["values"]["collisions_delta"] == 4
    assert judged(more, rules.ETHERNET, previous=previous, thresholds=override(
        ethernet={"collision_warning": 0}))[0]["status"] == "ok"
    block["counters"]["crc_errors"] += 2
    [crc] = judged(more, rules.ETHERNET, previous=previous)
    assert crc["status"] == "warning" and crc["values"]["crc_errors_delta"] == 2
    reset = copy.deepcopy(first)  # entstat -r: Elapsed Time restarts
    rblock = reset["entstat"]["adapters"]["ent1"]
    rblock["elapsed"] = 600
    rblock["counters"].update(crc_errors=3, alignment_errors=0, single_collisions=0,
                              multiple_collisions=0, late_collisions=0, max_collisions=0)
    [r] = judged(reset, rules.ETHERNET, previous=previous)
    assert r["values"]["crc_errors_delta"] == 3 and "reset" in r["summary"]
    assert r["status"] == "warning"


def test_ethernet_link_down_warns_and_virtual_has_no_link_state():
    data = ent("aix72_physical_ok")
    data["entstat"]["adapters"]["ent0"]["link"] = "Down"
    [f] = judged(data, rules.ETHERNET)
    assert f["status"] == "warning" and '"Down"' in f["summary"]
    [v] = judged(ent("aix73_virtual"), rules.ETHERNET)
    assert v["status"] == "ok" and "virtual adapter" in v["summary"]
    missing = ent("aix72_physical_ok")
    missing["entstat"]["adapters"]["ent0"]["link"] = None
    [u] = judged(missing, rules.ETHERNET)
    assert (u["status"], u["cause"]) == ("unknown", "incomplete")


def test_etherchannel_member_down_and_aggregated_ok():
    data = ent("aix73_lacp_member_down", "ent4")
    [f] = judged(data, rules.ETHERNET)
    assert f["status"] == "warning"
    assert "Negotiating" in f["summary"] and "ent1" in f["summary"]
    assert "OUT_OF_SYNC" in f["summary"]
    good = copy.deepcopy(data)
    block = good["entstat"]["adapters"]["ent4"]
    block["aggregation"] = "Aggregated"
    block["members"][1].update(link="Up", sync="IN_SYNC")
    [ok] = judged(good, rules.ETHERNET)
    assert ok["status"] == "ok"
    dead = copy.deepcopy(data)
    for member in dead["entstat"]["adapters"]["ent4"]["members"]:
        member["link"] = "Down"
    assert judged(dead, rules.ETHERNET)[0]["status"] == "critical"
    backup = copy.deepcopy(good)
    backup["entstat"]["adapters"]["ent4"]["active_channel"] = "backup adapter"
    assert judged(backup, rules.ETHERNET)[0]["status"] == "warning"


def test_etherchannel_output_cut_before_its_members_is_unknown_not_ok():
    full = text("entstat_d_id", "aix73_lacp_member_down")
    cut = full[:full.index("ETHERNET STATISTICS", full.index("ETHERNET STATISTICS") + 1)]
    data = p.parse_sources({"entstat": {"ent4": cut}})
    [f] = judged(data, rules.ETHERNET)
    assert (f["status"], f["cause"]) == ("unknown", "not_understood")


def test_etherchannel_member_counters_stored():
    names = {(c["component"], c["name"]) for c in rules.counters(ent("aix73_lacp_member_down",
                                                                      "ent4"))}
    assert ("ent1", "crc_errors") in names and ("ent4", "elapsed_seconds") in names


def test_ethernet_not_understood_and_ignored():
    data = p.parse_sources({"entstat": {"ent9": text("entstat_d_id", "not_understood")}})
    [f] = judged(data, rules.ETHERNET)
    assert (f["status"], f["cause"]) == ("unknown", "not_understood")
    assert judged(ent("aix72_physical_ok"), rules.ETHERNET,
                  thresholds=override(ethernet={"ignore": ["ent0"]})) == []


# --------------------------------------------------------------------------- tape


def test_tape_available_ok_defined_warning_and_none_not_applicable():
    ok = judged(p.parse_sources({"lsdev_tape": text("lsdev_Cc_tape", "aix72_ts3500_ok")}),
                rules.TAPE)
    assert [f["status"] for f in ok] == ["ok", "ok", "ok"]
    bad = by_component(judged(p.parse_sources({"lsdev_tape": text(
        "lsdev_Cc_tape", "aix71_rmt_defined")}), rules.TAPE))
    assert bad["rmt1"]["status"] == "warning" and bad["rmt0"]["status"] == "ok"
    assert judged(p.parse_sources({"lsdev_tape": text("lsdev_Cc_tape", "aix71_rmt_defined")}),
                  rules.TAPE, thresholds=override(tape={"ignore": ["rmt1"]}))[0][
        "component"] == "rmt0"
    empty = p.parse_sources({"lsdev_tape": ""})
    assert judged(empty, rules.TAPE) == []
    assert rules.TAPE in {n["check_id"] for n in rules.not_applicable(empty)}


# --------------------------------------------------------------------------- all


def test_nothing_collected_is_not_applicable_everywhere():
    assert rules.evaluate({}, THRESHOLDS, {}) == []
    assert {n["check_id"] for n in rules.not_applicable({})} == set(rules.CHECKS)


def test_every_check_is_in_the_catalogue():
    assert set(rules.CHECKS) == {c.id for c in catalogue.area_checks("aix_devices")}
