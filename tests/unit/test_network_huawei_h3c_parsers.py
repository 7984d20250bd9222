"""Readers of Huawei VRP and H3C Comware devices for the ``network`` area
(parsers/huawei_vrp_network.py, parsers/hp_comware_network.py, parsers/network_common.py):
every saved output under tests/unit/fixtures/{huawei_vrp,hp_comware}/<command>/ read as its
.yml says (the fields it names, and how many lines were not understood), the lab device sets
(lab_healthy / lab_faulted, served by fakenos in the integration test) coherent and showing
their faults, strictness (a row not understood is never dropped), Chinese state words, and
the registry's spellings of each command.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    hp_comware_network as comware,
)
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    huawei_vrp_network as vrp,
)
from ansible.module_utils.weibao_inspection.parsers import network_common as nc  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORMS = {"huawei_vrp": vrp, "hp_comware": comware}


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def _source(platform, folder):
    for source in registry.sources(platform):
        if any(slug(registry._plain(c)) == folder for c in (source.command,) + source.aliases):
            return source
    raise AssertionError(f"{platform}/{folder}: no registry source")


def text_of(path):
    return path.read_text().split("\n", 1)[1]


def _cases():
    return [(platform, raw) for platform in PLATFORMS
            for raw in sorted((FIXTURES / platform).glob("*/*.raw"))]


CASES = _cases()


@pytest.mark.parametrize("platform,path", CASES,
                         ids=[f"{p}/{r.parent.name}/{r.stem}" for p, r in CASES])
def test_saved_output_reads_as_expected(platform, path):
    assert path.read_text().startswith("# provenance: "), "first line says where it is from"
    source = _source(platform, path.parent.name)
    assert source.area == "network"
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    data = PLATFORMS[platform].parse_sources({source.key: text_of(path)}, {})
    section = data[expected["section"]]
    if "error" in expected:
        assert isinstance(section, dict) and "error" in section, section
        assert render(section["error"], "en") == expected["error"]
        assert section["cause"] == "not_understood"
        return
    assert not (isinstance(section, dict) and "error" in section), section
    if isinstance(expected["expected"], list):
        items = [i for i in section if not i.get("unparsed")]
        assert len(items) == len(expected["expected"])
        for item, want in zip(items, expected["expected"], strict=True):
            assert {k: item.get(k) for k in want} == want
    else:
        assert {k: section.get(k) for k in expected["expected"]} == expected["expected"]
    unparsed = (data.get("unparsed") or {}).get(expected["section"]) or \
        (section.get("unparsed") if isinstance(section, dict) else None) or []
    assert len(unparsed) == expected["unparsed"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_source_has_a_not_understood_case(platform):
    for source in registry.sources(platform):
        folder = FIXTURES / platform / slug(source.name)
        assert (folder / "not_understood.raw").is_file(), folder
        assert (folder / "lab_healthy.raw").is_file() and (folder / "lab_faulted.raw").is_file()


def _lab(platform, case):
    raw = {}
    for source in registry.sources(platform):
        path = FIXTURES / platform / slug(source.name) / f"{case}.raw"
        raw[source.key] = text_of(path)
    return PLATFORMS[platform].parse_sources(raw, {})


SECTIONS = ("device", "fans", "power_supplies", "temperatures", "modules", "alarms", "cpu",
            "memory", "interfaces", "logs", "config")


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("case", ("lab_healthy", "lab_faulted"))
def test_lab_sets_are_one_device(platform, case):
    data = _lab(platform, case)
    for name in SECTIONS:
        section = data[name]
        assert not (isinstance(section, dict) and "error" in section), (name, section)
    assert "unparsed" not in data
    device = data["device"]
    hostname = {"huawei_vrp": "HW-ACC1", "hp_comware": "H3C-AGG1"}[platform]
    assert device["hostname"] == hostname
    assert device["serial"] and device["model"] and device["version"]
    assert {log["host"] for log in data["logs"]} == {hostname}
    assert data["config"]["running"].count(hostname) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lab_healthy_is_healthy(platform):
    data = _lab(platform, "lab_healthy")
    assert {f["state"] for f in data["fans"]} == {"ok"}
    assert {p["state"] for p in data["power_supplies"]} == {"ok"}
    assert {m["state"] for m in data["modules"]} == {"ok"}
    assert {t["state"] for t in data["temperatures"]} == {"ok"}
    assert data["alarms"] == []
    assert data["config"]["saved"] is True
    assert all(i["counters"].get("crc") == 0 for i in data["interfaces"])
    assert "err-disabled" not in {i["oper"] for i in data["interfaces"]}
    assert {log["kind"] for log in data["logs"]} <= {"auth", "config", "link_flap"}


@pytest.mark.parametrize("platform,psu,fan", [("huawei_vrp", "no_input", "failed"),
                                              ("hp_comware", "failed", "failed")])
def test_lab_faulted_shows_its_faults(platform, psu, fan):
    healthy, faulted = _lab(platform, "lab_healthy"), _lab(platform, "lab_faulted")
    assert healthy["device"]["serial"] == faulted["device"]["serial"]
    assert faulted["device"]["uptime_seconds"] > healthy["device"]["uptime_seconds"]
    assert [p["state"] for p in faulted["power_supplies"]][1] == psu
    assert [f["state"] for f in faulted["fans"]][1] == fan
    assert faulted["alarms"] and faulted["alarms"][0]["severity"] in ("critical", "major")
    before = {i["name"]: i for i in healthy["interfaces"]}
    after = {i["name"]: i for i in faulted["interfaces"]}
    grown = [n for n in after if after[n]["counters"].get("crc", 0)
             > before[n]["counters"].get("crc", 0)]
    assert len(grown) == 1
    down = [n for n in after if after[n]["oper"] == "err-disabled"]
    assert len(down) == 1 and before[down[0]]["oper"] == "up"
    assert faulted["config"]["saved"] is False
    kinds = {log["kind"] for log in faulted["logs"]}
    assert {"link_flap", "err_disable", "psu", "fan", "auth"} <= kinds


# --- strictness


def test_row_not_understood_is_kept_and_unknown():
    text = text_of(FIXTURES / "hp_comware" / "display_power" / "row_not_understood.raw")
    data = comware.parse_sources({"power": text}, {})
    assert [line.strip() for line in data["unparsed"]["power_supplies"]] == [
        "2       Testing  AC     --          --          --        Back-to-Front"]
    assert [p["state"] for p in data["power_supplies"]] == ["ok", "unknown"]


def test_device_refusal_is_not_understood():
    data = vrp.parse_sources({"fans": "Error: Unrecognized command found at '^' position.\n"},
                             {})
    assert data["fans"]["cause"] == "not_understood"


def test_empty_output_is_not_understood():
    data = comware.parse_sources({"cpu": "\n\n"}, {})
    assert data["cpu"]["error"]["key"] == "reason.empty"


def test_collector_failure_kept():
    data = vrp.parse_sources({"memory": {"error": {"key": "reason.timed_out"},
                                         "cause": "timeout"}}, {})
    assert data["memory"]["cause"] == "timeout"


def test_absent_sources_leave_sections_absent():
    data = vrp.parse_sources({}, {})
    assert set(data) == {"platform"}


def test_comware_counter_the_device_does_not_print_is_absent():
    text = text_of(FIXTURES / "hp_comware" / "display_interface" / "lab_healthy.raw")
    data = comware.parse_sources({"interfaces": text}, {})
    counters = data["interfaces"][0]["counters"]
    assert "overruns" not in counters and "ignored" not in counters  # printed "-"
    assert counters["crc"] == 0 and counters["giants"] == 0


def test_vrp_error_down_from_display_interface():
    text = text_of(FIXTURES / "huawei_vrp" / "display_interface" / "lab_faulted.raw")
    [port] = [i for i in vrp.parse_sources({"interfaces": text}, {})["interfaces"]
              if i["name"] == "GigabitEthernet0/0/2"]
    assert port["oper"] == "err-disabled" and port["err_reason"] == "bpdu-protection"


def test_vrp_brief_and_full_merge_by_normalised_name():
    full = "GE0/0/1 current state : UP\nLine protocol current state : UP\n"
    brief = ("Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors\n"
             "GigabitEthernet0/0/1(10G)   up    up           0%     0%         12          0\n")
    [port] = vrp.parse_sources({"interfaces": full, "interfaces_brief": brief}, {})["interfaces"]
    assert port["name"] == "GigabitEthernet0/0/1"
    assert port["counters"] == {"input_errors": 12, "output_errors": 0}


def test_vrp_brief_legend_naming_error_down_marks_err_disabled():
    brief = ("(e): error down\n"
             "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors\n"
             "GigabitEthernet0/0/1        down(e) down      0%     0%          0          0\n")
    [port] = vrp.parse_sources({"interfaces_brief": brief}, {})["interfaces"]
    assert port["oper"] == "err-disabled"


def test_running_configuration_alone_leaves_saved_unknown():
    text = text_of(FIXTURES / "hp_comware" / "display_current_configuration" /
                   "lab_healthy.raw")
    config = comware.parse_sources({"running_config": text}, {})["config"]
    assert config["saved"] is None and config["running"].startswith("#")


def test_comware_unsaved_change_counted():
    cur = text_of(FIXTURES / "hp_comware" / "display_current_configuration" /
                  "lab_faulted.raw")
    saved = text_of(FIXTURES / "hp_comware" / "display_saved_configuration" /
                    "lab_faulted.raw")
    config = comware.parse_sources({"running_config": cur, "saved_state": saved}, {})["config"]
    assert config["saved"] is False and "differs" in config["why"]


# --- network_common


@pytest.mark.parametrize("text,seconds", [
    ("10 weeks, 2 days, 3 hours, 4 minutes", 10 * 604800 + 2 * 86400 + 3 * 3600 + 240),
    ("161 days, 0 hour, 20 minutes", 161 * 86400 + 1200),
    ("0 weeks,1 day,2 hours,5 minutes", 86400 + 7200 + 300),
    ("1 year, 2 weeks, 3 days", 365 * 86400 + 17 * 86400),
    ("a while", None),
])
def test_uptime_seconds(text, seconds):
    assert nc.uptime_seconds(text) == seconds


@pytest.mark.parametrize("name,vendor,full", [
    ("GE1/0/1", "huawei", "GigabitEthernet1/0/1"),
    ("XGE0/0/1", "huawei", "XGigabitEthernet0/0/1"),
    ("XGE1/0/1", "h3c", "Ten-GigabitEthernet1/0/1"),
    ("BAGG10", "h3c", "Bridge-Aggregation10"),
    ("Vlan1", "h3c", "Vlan-interface1"),
    ("MGE0/0/0", "h3c", "M-GigabitEthernet0/0/0"),
    ("GigabitEthernet15/1/0(10G)", "huawei", "GigabitEthernet15/1/0"),
    ("GigabitEthernet0/0/5(v)", "huawei", "GigabitEthernet0/0/5"),
    ("10GE1/0/1", "huawei", "10GE1/0/1"),
    ("Eth-Trunk4.10", "huawei", "Eth-Trunk4.10"),
])
def test_normalise_interface(name, vendor, full):
    assert nc.normalise_interface(name, vendor) == full


@pytest.mark.parametrize("facility,mnemonic,kind", [
    ("IFNET", "LINK_STATE", "link_flap"), ("IFNET", "PHY_UPDOWN", "link_flap"),
    ("IFNET", "linkDown_active", "link_flap"), ("ERRDOWN", "ERRDOWN_DOWNNOTIFY", "err_disable"),
    ("STP", "STP_BPDU_PROTECTION", "err_disable"), ("MSTP", "PORT_STATE_FORWARDING",
                                                      "stp_change"),
    ("DEVM", "hwPowerInvalid_active", "psu"), ("DEV", "FAN_FAILED", "fan"),
    ("DEVM", "hwTempRisingAlarm_active", "temperature"), ("SSH", "SSH_USER_LOGIN", "auth"),
    ("SHELL", "SHELL_LOGIN", "auth"), ("SHELL", "CMDRECORD", "config"),
    ("POE", "POWERON", "other"), ("NTP", "STRATUM_CHANGE", "other"),
])
def test_classify_log(facility, mnemonic, kind):
    assert nc.classify_log(facility, mnemonic) == kind


def test_lines_of_drops_echo_pager_and_trailing_prompt():
    text = "<HW-ACC1>display esn\r\nESN of slot 0: 21023\r\n  ---- More ----\x1b[16DESN of " \
           "slot 1: 21024\r\n<HW-ACC1>\r\n"
    assert nc.lines_of(text) == ["ESN of slot 0: 21023", "ESN of slot 1: 21024"]


def test_table_cut_by_header_position():
    header = "Slot    PowerID   Online    Mode   State      Power(W)"
    row = "        PWR2      Present   AC     No Supply  --"
    names = [n for n, _ in nc.columns(header)]
    starts = [s for _, s in nc.columns(header)]
    assert nc.row_values(row, names, starts) == {
        "Slot": "", "PowerID": "PWR2", "Online": "Present", "Mode": "AC",
        "State": "No Supply", "Power(W)": "--"}


# --- registry


@pytest.mark.parametrize("platform,command,key", [
    ("huawei_vrp", "display interface", "interfaces"),
    ("huawei_vrp", "dis int br", "interfaces_brief"),
    ("huawei_vrp", "disp cur", "running_config"),
    ("huawei_vrp", "display temperature", "temperature"),
    ("huawei_vrp", "display alarm urgent", "alarms"),
    ("huawei_vrp", "dis mem", "memory"),
    ("huawei_vrp", "compare configuration", "saved_state"),
    ("hp_comware", "dis dev manu", "inventory"),
    ("hp_comware", "display device", "modules"),
    ("hp_comware", "dis env", "temperature"),
    ("hp_comware", "display saved-configuration", "saved_state"),
    ("hp_comware", "dis logb", "logs"),
])
def test_registry_spellings(platform, command, key):
    assert registry.lookup(platform, command).key == key


@pytest.mark.parametrize("platform", PLATFORMS)
def test_area_functions_are_these_parsers(platform):
    module, _rules = registry.AREAS[(platform, "network")]
    mod = importlib.import_module("ansible.module_utils.weibao_inspection." + module)
    assert mod is PLATFORMS[platform]
    # the collector sends each Source's plain command: no abbreviation marks left
    for source in registry.sources(platform):
        assert "[[" not in source.name and source.name.startswith(("display", "compare"))


def test_vrp_psu_and_fan_rows_of_display_device_are_not_boards_too():
    # lab_faulted: PWR2 "No Supply" in display power is also PWR2 "Abnormal" in display
    # device; judged once, as a power supply (and FAN1 once, as a fan)
    data = _lab("huawei_vrp", "lab_faulted")
    assert [m["name"] for m in data["modules"]] == ["0"]
    assert [p["state"] for p in data["power_supplies"]] == ["ok", "no_input"]
    # without display power / display fan the rows stay boards: the fault is not lost
    alone = vrp.parse_sources({"modules": text_of(
        FIXTURES / "huawei_vrp" / "display_device" / "lab_faulted.raw")}, {})
    assert [m["state"] for m in alone["modules"]] == ["ok", "ok", "failed", "failed"]


def test_vrp_interface_cut_before_its_output_counters_is_unparsed():
    text = text_of(FIXTURES / "huawei_vrp" / "display_interface" / "lab_healthy.raw")
    cut = text.split("Output:  ")[0]  # the capture ends inside the first port's Input block
    data = vrp.parse_sources({"interfaces": cut}, {})
    assert data["unparsed"]["interfaces"] == ["GigabitEthernet0/0/1: Output counters missing"]
