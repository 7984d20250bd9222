"""Parsers of the environment area (parsers/ipmi_environment.py, parsers/redfish_environment.py)
and the registry's ``{id}`` placeholder.

Data-driven part: every ``tests/unit/fixtures/{ipmi,redfish}/<command>/<case>.raw`` (first
line: where the format comes from, captured or reconstructed) beside ``<case>.yml`` holding
``expected`` (the parser's result in the compact form of environment_fixtures.compact) or
``error`` (the ParseError's English text).
"""

from __future__ import annotations

import pytest
import yaml
from environment_fixtures import FIXTURES, PARSERS, body, compact

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, registry  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import ipmi_environment as ipmi  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import redfish_environment as rf  # noqa: E402

CASES = [pytest.param(folder, raw, id=f"{folder}/{raw.stem}")
         for folder in PARSERS for raw in sorted((FIXTURES / folder).glob("*.raw"))]


@pytest.mark.parametrize("folder,raw", CASES)
def test_fixture(folder, raw):
    first = raw.read_text(encoding="utf-8").partition("\n")[0]
    assert first.startswith("# ") and len(first) > 30, f"{raw.name}: first line must say the source"
    assert "captured" in first or "reconstructed" in first or "made up" in first, \
        f"{raw.name}: say whether it is a capture or a reconstructed format"
    case = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    parser = PARSERS[folder]
    if "error" in case:
        with pytest.raises(ipmi.ParseError) as caught:
            parser(body(raw))
        assert case["error"] in str(caught.value)
        return
    assert compact(parser(body(raw))) == case["expected"]


@pytest.mark.parametrize("folder", sorted({f.split("/")[0] + "/" + f.split("/")[1]
                                           for f in PARSERS}))
def test_every_folder_has_pairs(folder):
    raws = {p.stem for p in (FIXTURES / folder).glob("*.raw")}
    ymls = {p.stem for p in (FIXTURES / folder).glob("*.yml")}
    assert raws and raws == ymls, f"{folder}: unpaired {sorted(raws ^ ymls)}"


ENV_SOURCES = [s for s in registry.SOURCES if s.area == "environment"]


@pytest.mark.parametrize("source", ENV_SOURCES, ids=lambda s: f"{s.platform}:{s.name}")
def test_every_source_has_good_and_bad_saved_output(source):
    import re

    names = [source.name] + [registry._plain(a) for a in source.aliases]
    folders = [f"{source.platform}/{re.sub(r'[^A-Za-z0-9]+', '_', n).strip('_')}" for n in names]
    kinds = [yaml.safe_load(raw.with_suffix(".yml").read_text())
             for f in folders if f in PARSERS for raw in (FIXTURES / f).glob("*.raw")]
    assert any("expected" in k for k in kinds), source.name
    assert any("error" in k for k in kinds), f"{source.name}: no garbled/empty case"
    assert source.checks(), f"{source.name}: no catalogue check reads it"


def test_every_environment_check_reads_registry_sources_of_its_platforms():
    for check in catalogue.area_checks("environment"):
        for command in check.sources:
            assert any(s.matches(command) for s in ENV_SOURCES
                       if s.platform in check.platforms), (check.id, command)


# --------------------------------------------------------------------------- registry {id}


@pytest.mark.parametrize("command,key", [
    ("GET /redfish/v1/Chassis/1/Thermal", "thermal"),
    ("GET /redfish/v1/Chassis/System.Embedded.1/Thermal", "thermal"),
    ("get  /redfish/v1/Chassis/1U/Power", "power"),
    ("/redfish/v1/Chassis/1U/Power", "power"),
    ("GET /redfish/v1/Chassis/{id}", "chassis"),
    ("GET /redfish/v1/Chassis/Self", "chassis"),
    ("GET /redfish/v1/Systems/system", "system"),
    ("GET /redfish/v1/Managers/iDRAC.Embedded.1/LogServices/Sel/Entries", "log_entries"),
    ("GET /redfish/v1/Systems/1/LogServices/IML/Entries", "log_entries"),
    ("GET /redfish/v1/UpdateService/FirmwareInventory", "firmware_inventory"),
    ("GET /redfish/v1/Managers/bmc", "manager"),
])
def test_id_placeholder_matches_one_path_segment(command, key):
    assert registry.lookup("redfish", command).key == key


@pytest.mark.parametrize("command", [
    "GET /redfish/v1/Chassis/1/2/Thermal",      # two segments
    "GET /redfish/v1/Chassis//Thermal",         # none
    "GET /redfish/v1/Chassis/1/Thermal/extra",
    "GET /redfish/v1/Chassis/a b/Thermal",      # a space is not in a segment
])
def test_id_placeholder_refuses_other_shapes(command):
    with pytest.raises(registry.RegistryError, match="not supported"):
        registry.lookup("redfish", command)


def test_id_placeholder_keeps_abbreviations_working():
    pattern = registry._pattern("sh[[ow]] /x/{id}/y")
    assert pattern.match("sh /x/abc/y") and pattern.match("show /x/1/y")
    assert not pattern.match("show /x/a/b/y")


@pytest.mark.parametrize("platform,command,key", [
    ("ipmi", "ipmitool sdr elist", "sdr_elist"), ("ipmi", "ipmitool sdr elist full", "sdr_elist"),
    ("ipmi", "ipmitool sdr list full", "sdr_elist"), ("ipmi", "ipmitool sensor list", "sensor"),
    ("ipmi", "ipmitool sel list", "sel_elist"), ("ipmi", "ipmitool sel elist", "sel_elist"),
    ("ipmi", "ipmi-sel", "ipmi_sel"), ("ipmi", "ipmi-sel -v", "ipmi_sel"),
    ("ipmi", "ipmi-sensors --output-sensor-state", "ipmi_sensors"),
    ("ipmi", "ipmitool sel info", "sel_info"),
    ("ipmi", "ipmitool chassis status", "chassis_status"),
    ("ipmi", "ipmitool mc info", "mc_info"), ("ipmi", "ipmitool fru print", "fru"),
])
def test_ipmi_spellings(platform, command, key):
    assert registry.lookup(platform, command).key == key


# --------------------------------------------------------------------------- details


@pytest.mark.parametrize("text,expected", [
    ("Redundancy Lost", ("fault", "critical")),
    ("Redundancy Degraded", ("fault", "warning")),
    ("Fully Redundant", ("ok", None)),
    ("Presence detected", ("ok", None)),
    ("Power Supply AC lost", ("fault", "critical")),
    ("Predictive failure", ("fault", "warning")),
    ("Upper Non-critical going high", ("fault", "warning")),
    ("Upper Critical going high", ("fault", "critical")),
    ("Lower Non-recoverable going low", ("fault", "critical")),
    ("Correctable ECC", ("fault", "warning")),
    ("Uncorrectable ECC", ("fault", "critical")),
    ("Device Absent", ("absent", None)),
    ("Not Readable", ("absent", None)),
    ("Frobnicated", ("unknown", None)),
])
def test_state_words(text, expected):
    assert ipmi.state_of(text) == expected


@pytest.mark.parametrize("event,direction,severity", [
    ("Failure detected", "asserted", "critical"),
    ("Failure detected", "deasserted", "recovery"),    # a failure going away: a recovery
    ("Presence detected", "deasserted", "warning"),    # a part no longer present
    ("Presence detected", "asserted", "info"),
    ("Log area reset/cleared", "asserted", "info"),
    ("Hard reset", "asserted", "warning"),
    ("Log almost full", "asserted", "warning"),        # SEL fullness (Event Logging Disabled)
])
def test_event_severity_from_event_and_direction(event, direction, severity):
    assert ipmi.event_severity(event, direction) == severity


def test_redundancy_lost_beside_ok_is_critical():
    [sensor] = ipmi.parse_sdr("PS Redundancy    | 74h | ok  |  7.1 | Redundancy Lost\n")
    assert (sensor["kind"], sensor["state"]) == ("redundancy", "critical")


def test_sensor_sources_merge_worst_state_keeping_same_named_sensors_apart():
    sdr = ipmi.parse_sdr("Temp | 01h | ok | 3.1 | 40 degrees C\n"
                         "Temp | 02h | ok | 3.2 | 41 degrees C\n")
    sensor = ipmi.parse_sensor(
        "Temp | 40.000 | degrees C | ok | na | na | na | 80.000 | 90.000 | na\n"
        "Temp | 95.000 | degrees C | cr | na | na | na | 80.000 | 90.000 | na\n")
    merged = ipmi.merge_sensors([sdr, sensor])
    assert [(s["name"], s["state"]) for s in merged] == [("Temp", "ok"), ("Temp", "critical")]
    assert merged[1]["thresholds"] == {"unc": 80.0, "ucr": 90.0}


def test_redfish_reading_against_its_own_thresholds_when_health_says_ok():
    text = ('{"Temperatures": [{"Name": "Inlet", "Status": {"State": "Enabled", "Health": '
            '"OK"}, "ReadingCelsius": 45, "UpperThresholdNonCritical": 40, '
            '"UpperThresholdCritical": 50}]}')
    [sensor] = rf.parse_thermal(text)
    assert sensor["state"] == "warning" and sensor["thresholds"] == {"unc": 40.0, "ucr": 50.0}


def test_redfish_parse_sources_sections():
    data = rf.parse_sources({"thermal": "{", "manager": '{"FirmwareVersion": "1.0"}'})
    assert data["sensors"]["cause"] == "not_understood"
    assert data["firmware"]["items"][0]["version"] == "1.0"
    data = rf.parse_sources({"power": {"error": {"key": "reason.not_collected", "params": {}},
                                       "cause": "unreachable"}})
    assert data["sensors"]["cause"] == "unreachable"
