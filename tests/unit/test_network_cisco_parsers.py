"""Readers of Cisco IOS / IOS-XE and NX-OS output (parsers/cisco_ios_network.py,
parsers/cisco_nxos_network.py): every saved output under
tests/unit/fixtures/{cisco_ios,cisco_nxos}/<command>/ read as its .yml says (the fields the
.yml names), the lab devices' healthy and faulted sets read together as the collector hands
them over, truncated and garbled output never read as fine, and the registry's spellings of
each command.

A .yml holds ``expected: {section: value}`` (a dict names only the fields it checks; a list
has every item, ``{}`` for an item not checked) or ``section`` and ``error`` (the English
text of the failure, cause not_understood).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import registry  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import render  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    cisco_ios_network as ios,
)
from ansible.module_utils.weibao_inspection.parsers import (  # noqa: E402
    cisco_nxos_network as nxos,
)

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORMS = {"cisco_ios": ios, "cisco_nxos": nxos}
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC).timestamp()
CONTEXT = {"now": NOW, "since": None}


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def source_of(platform, folder):
    for source in registry.sources(platform):
        if any(slug(registry._plain(c)) == folder for c in (source.command,) + source.aliases):
            return source
    raise AssertionError(f"{platform}/{folder}: no registry source")


def text_of(path):
    return path.read_text().split("\n", 1)[1]


def parse(platform, raw):
    return PLATFORMS[platform].parse_sources(raw, dict(CONTEXT))


def matches(actual, expected, where="data"):
    """``expected`` is a part of ``actual``: dicts by the keys named, lists item by item."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not a dict"
        for key, value in expected.items():
            assert key in actual, f"{where}: no {key!r} in {sorted(actual)}"
            matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not a list"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, not " \
                                             f"{len(expected)}: {actual!r}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            matches(got, want, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


CASES = sorted((platform, path) for platform in PLATFORMS
               for path in (FIXTURES / platform).glob("*/*.raw"))


@pytest.mark.parametrize("platform,path", CASES,
                         ids=[f"{p}/{r.parent.name}/{r.stem}" for p, r in CASES])
def test_every_saved_output_reads_as_its_yml_says(platform, path):
    assert path.read_text().startswith("# provenance: ")
    source = source_of(platform, path.parent.name)
    assert source.area == "network"
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    data = parse(platform, {source.key: text_of(path)})
    if "error" in expected:
        section = data.get(expected["section"])
        assert section is not None and "error" in section, section
        assert section["cause"] == "not_understood"
        assert render(section["error"], "en") == expected["error"]
        return
    for name, value in expected["expected"].items():
        section = data.get(name)
        assert section is not None, f"no {name} in {sorted(data)}"
        assert not (isinstance(section, dict) and "error" in section), \
            render(section["error"], "en")
        matches(section, value, name)
    if not path.stem.startswith(("unparsed", "garbled")):
        assert "unparsed" not in data, data.get("unparsed")


def lab_raw(platform, case):
    raw = {}
    for folder in sorted((FIXTURES / platform).iterdir()):
        path = folder / f"{case}.raw"
        if path.exists():
            raw[source_of(platform, folder.name).key] = text_of(path)
    return raw


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lab_sets_cover_every_command(platform):
    """The integration test serves these from fakenos: one file per registry command."""
    for case in ("lab_healthy", "lab_faulted"):
        keys = set(lab_raw(platform, case))
        assert keys == {s.key for s in registry.sources(platform)}, case


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lab_healthy_reads_whole_and_fine(platform):
    data = parse(platform, lab_raw(platform, "lab_healthy"))
    assert "unparsed" not in data, data["unparsed"]
    failures = {k: render(v["error"], "en") for k, v in data.items()
                if isinstance(v, dict) and "error" in v}
    assert not failures
    assert {p["state"] for p in data["power_supplies"]} == {"ok"}
    assert {f["state"] for f in data["fans"]} == {"ok"}
    assert {t["state"] for t in data["temperatures"]} == {"ok"}
    assert all(i["oper"] != "err-disabled" for i in data["interfaces"])
    assert all(i["counters"].get("crc", 0) == 0 for i in data["interfaces"]
               if "counters" in i)
    assert data["config"]["saved"] is True
    assert data["config"]["running"] and "hostname" in data["config"]["running"]
    optics = [i for i in data["interfaces"] if i.get("optics")]
    assert optics and all(o["optics"]["rx_dbm"] is not None for o in optics)
    assert data["cpu"]["percent_5s"] is not None
    assert 0 < data["memory"]["percent"] < 100


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lab_faulted_shows_its_faults(platform):
    healthy = parse(platform, lab_raw(platform, "lab_healthy"))
    data = parse(platform, lab_raw(platform, "lab_faulted"))
    assert "unparsed" not in data, data["unparsed"]
    assert data["device"]["serial"] == healthy["device"]["serial"]
    assert data["device"]["hostname"] == healthy["device"]["hostname"]
    assert data["device"]["uptime_seconds"] > healthy["device"]["uptime_seconds"]
    assert {p["state"] for p in data["power_supplies"]} & {"no_input", "failed"}
    before = {i["name"]: i["counters"].get("crc") for i in healthy["interfaces"]
              if "counters" in i}
    grown = [i["name"] for i in data["interfaces"]
             if "counters" in i and i["counters"].get("crc", 0) > (before[i["name"]] or 0)]
    assert len(grown) == 1
    assert [i["name"] for i in data["interfaces"] if i["oper"] == "err-disabled"] == \
        [{"cisco_ios": "GigabitEthernet1/0/5", "cisco_nxos": "Ethernet1/4"}[platform]]
    assert data["config"]["saved"] is False
    kinds = {entry["kind"] for entry in data["logs"]}
    assert {"psu", "link_flap", "err_disable", "config"} <= kinds


# ---------------------------------------------------------------- truncated and garbled


def _good_cases():
    out = []
    for platform, path in CASES:
        expected = yaml.safe_load(path.with_suffix(".yml").read_text())
        if "error" not in expected and text_of(path).strip():
            out.append((platform, path))
    return out


GOOD = _good_cases()


@pytest.mark.parametrize("platform,path", GOOD,
                         ids=[f"{p}/{r.parent.name}/{r.stem}" for p, r in GOOD])
def test_truncated_or_garbled_output_never_raises(platform, path):
    """Cut anywhere, or with a line of noise inside: data or a failure section, never an
    exception; no section turns into something fine it was not."""
    source = source_of(platform, path.parent.name)
    text = text_of(path)
    lines = text.splitlines()
    for cut in {len(lines) // 3, len(lines) // 2, len(lines) - 2}:
        parse(platform, {source.key: "\n".join(lines[:max(cut, 1)])})
    noisy = lines[:len(lines) // 2] + ["\x1b[7m--More--\x1b[m 0 CRC, garbage ##"] + \
        lines[len(lines) // 2:]
    parse(platform, {source.key: "\n".join(noisy)})


def test_ios_truncated_running_config_is_not_understood():
    text = text_of(FIXTURES / "cisco_ios/show_running_config/lab_healthy.raw")
    data = parse("cisco_ios", {"running_config": text.split("interface TenGigabit")[0]})
    assert data["config"]["cause"] == "not_understood"
    assert render(data["config"]["error"], "en") == '"show running-config" is truncated'


def test_ios_garbled_counter_line_is_unparsed_not_dropped():
    text = text_of(FIXTURES / "cisco_ios/show_interfaces/lab_faulted.raw")
    garbled = text.replace("1240 input errors, 1234 CRC", "1240 input errors, 1234 CR#C")
    data = parse("cisco_ios", {"interfaces": garbled})
    assert data["unparsed"]["interfaces"] == [
        "1240 input errors, 1234 CR#C, 6 frame, 0 overrun, 0 ignored"]
    port = next(i for i in data["interfaces"] if i["name"] == "GigabitEthernet1/0/3")
    assert "crc" not in port["counters"]  # never 0 for a counter not read


def test_nxos_garbled_counter_line_is_unparsed_not_dropped():
    text = text_of(FIXTURES / "cisco_nxos/show_interface/lab_faulted.raw")
    garbled = text.replace("0 runts  0 giants  5321 CRC", "0 runts  0 giants  5321 C?RC", 1)
    data = parse("cisco_nxos", {"interfaces": garbled})
    assert data["unparsed"]["interfaces"] == ["0 runts  0 giants  5321 C?RC  0 no buffer"]


def test_ios_environment_line_not_understood_is_kept():
    text = text_of(FIXTURES / "cisco_ios/show_environment_all/lab_healthy.raw")
    data = parse("cisco_ios", {"environment": text.replace("FAN PS-2 is OK",
                                                           "FAN PS-2 status 0x3f")})
    assert data["unparsed"]["fans"] == ["FAN PS-2 status 0x3f"]


def test_ios_logs_without_now_have_no_year():
    text = text_of(FIXTURES / "cisco_ios/show_logging/lab_faulted.raw")
    data = ios.parse_sources({"logs": text}, {})
    assert {entry["time"] for entry in data["logs"]} == {None}
    data = parse("cisco_ios", {"logs": text})
    assert data["logs"][0]["time"] == "2026-11-20T08:15:02"


def test_ios_saved_state_falls_back_to_the_stamps():
    running = text_of(FIXTURES / "cisco_ios/show_running_config/lab_faulted.raw")
    data = parse("cisco_ios", {"running_config": running})
    assert data["config"]["saved"] is False
    data = parse("cisco_ios", {"running_config": running, "saved_state": "% Invalid input "
                               "detected at '^' marker."})
    assert data["config"]["saved"] is False and data["config"]["saved_error"]["cause"] == \
        "not_understood"
    healthy = text_of(FIXTURES / "cisco_ios/show_running_config/lab_healthy.raw")
    data = parse("cisco_ios", {"running_config": healthy, "saved_state": {
        "error": {"key": "reason.timed_out", "params": {"command": "x", "seconds": 5}}}})
    assert data["config"]["saved"] is True  # the stamps still say saved


def test_nxos_empty_diff_is_saved():
    data = parse("cisco_nxos", {"saved_state": ""})
    assert data["config"]["saved"] is True
    assert data["config"]["running"] is None


def test_collector_failure_is_kept():
    failure = {"error": {"key": "reason.timed_out", "params": {"command": "show version",
                                                               "seconds": 30}}}
    for platform in PLATFORMS:
        data = parse(platform, {"version": failure, "environment": failure})
        assert data["device"]["cause"] == "source_unreadable"
        assert data["fans"]["cause"] == data["power_supplies"]["cause"] == "source_unreadable"


# ---------------------------------------------------------------- registry


@pytest.mark.parametrize("platform,typed,key", [
    ("cisco_ios", "sh ver", "version"),
    ("cisco_ios", "show env all", "environment"),
    ("cisco_ios", "sh int", "interfaces"),
    ("cisco_ios", "show interfaces status", "interfaces_brief"),
    ("cisco_ios", "sh int status", "interfaces_brief"),
    ("cisco_ios", "show int transceiver detail", "transceivers"),
    ("cisco_ios", "show interfaces transceiver", "transceivers"),
    ("cisco_ios", "show proc cpu | inc CPU utilization", "cpu"),
    ("cisco_ios", "show processes cpu sorted", "cpu"),
    ("cisco_ios", "show processes memory sorted", "memory"),
    ("cisco_ios", "show memory statistics", "memory"),
    ("cisco_ios", "sh run", "running_config"),
    ("cisco_ios", "show archive config differences", "saved_state"),
    ("cisco_ios", "sh log", "logs"),
    ("cisco_nxos", "show ver", "version"),
    ("cisco_nxos", "show env", "environment"),
    ("cisco_nxos", "sh mod", "modules"),
    ("cisco_nxos", "show system resources", "cpu"),
    ("cisco_nxos", "sh int", "interfaces"),
    ("cisco_nxos", "sh int status", "interfaces_brief"),
    ("cisco_nxos", "show interface transceiver details", "transceivers"),
    ("cisco_nxos", "show logging logfile", "logs"),
    ("cisco_nxos", "show logging last 500", "logs"),
    ("cisco_nxos", "sh run", "running_config"),
    ("cisco_nxos", "show running-config diff", "saved_state"),
])
def test_registry_spellings(platform, typed, key):
    source = registry.lookup(platform, typed)
    assert (source.area, source.key) == ("network", key)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_registry_area_functions(platform):
    parse_sources, _evaluate = registry.area_functions("network", platform)
    assert parse_sources is PLATFORMS[platform].parse_sources


def test_nxos_qsfp_weakest_lane_stands_for_the_port():
    text = text_of(FIXTURES / "cisco_nxos/show_interface_transceiver_details/lab_healthy.raw")
    lane = "  Rx Power      -2.64 dBm       2.00 dBm  -13.90 dBm   -1.00 dBm     -9.90 dBm"
    weak = "  Rx Power     -15.20 dBm --    2.00 dBm  -13.90 dBm   -1.00 dBm     -9.90 dBm"
    assert lane in text
    data = parse("cisco_nxos", {"transceivers": text.replace(lane, lane + "\n" + weak, 1)})
    port = next(i for i in data["interfaces"] if i["name"] == "Ethernet1/1")
    assert (port["optics"]["rx_dbm"], port["optics"]["rx_flag"]) == (-15.2, "low_alarm")


# --- output cut short or state words not known: never read as fine


def test_ios_interface_cut_inside_its_counters_is_unparsed():
    text = text_of(FIXTURES / "cisco_ios/show_interfaces/lab_healthy.raw")
    # the capture ends after "Received ... broadcasts": the error lines never came
    cut = text.split("     0 runts, 0 giants")[0]
    data = parse("cisco_ios", {"interfaces": cut})
    assert data["unparsed"]["interfaces"] == [
        "GigabitEthernet1/0/1: error counters cut short"]


def test_ios_psu_status_is_its_own_column_not_sys_pwr():
    text = text_of(FIXTURES / "cisco_ios/show_environment_all/lab_healthy.raw")
    row = "1B  PWR-C1-715WAC       LIT22331BBB  OK              Good     Good     715"
    assert row in text
    degraded = text.replace(row, row.replace("OK            ", "Degraded      "))
    psus = {p["name"]: p["state"] for p in parse("cisco_ios", {"environment": degraded})[
        "power_supplies"]}
    assert psus["PS 1B"] == "unknown"  # never "Good" of Sys Pwr read as the status
    bad = text.replace(row, row.replace("OK              Good", "OK              Bad "))
    psus = {p["name"]: p["state"] for p in parse("cisco_ios", {"environment": bad})[
        "power_supplies"]}
    assert psus["PS 1B"] == "failed"


@pytest.mark.parametrize("before,after", [
    ("Temperature State: GREEN", "Temperature State: ORANGE"),
    ("SYSTEM TEMPERATURE is OK", "SYSTEM TEMPERATURE is WARM"),
])
def test_ios_temperature_state_not_known_is_unparsed(before, after):
    text = text_of(FIXTURES / "cisco_ios/show_environment_all/lab_healthy.raw")
    data = parse("cisco_ios", {"environment": text.replace(before, after, 1)})
    assert any(line.endswith(after) for line in data["unparsed"]["temperatures"])


def test_nxos_temperature_status_not_known_is_unparsed():
    text = text_of(FIXTURES / "cisco_nxos/show_environment/lab_healthy.raw")
    data = parse("cisco_nxos", {"environment": text.replace("28         Ok", "28         Warm")})
    assert data["unparsed"]["temperatures"] == ["1        FRONT           80              70"
                                                "          28         Warm"]


def test_ios_logging_without_a_buffer_is_not_an_empty_buffer():
    text = text_of(FIXTURES / "cisco_ios/show_logging/lab_healthy.raw")
    header = text.split("Log Buffer (")[0]
    data = parse("cisco_ios", {"logs": header})
    assert data["logs"]["cause"] == "not_understood"


def test_nxos_interface_cut_inside_its_counters_is_unparsed():
    text = text_of(FIXTURES / "cisco_nxos/show_interface/lab_healthy.raw")
    lines = text.splitlines()
    # the capture ends on the second port's "0 runts  0 giants  0 CRC" line
    runts = [i for i, line in enumerate(lines) if "runts" in line][1]
    data = parse("cisco_nxos", {"interfaces": "\n".join(lines[:runts + 1]) + "\n"})
    assert len(data["unparsed"]["interfaces"]) == 1
    assert data["unparsed"]["interfaces"][0].endswith(": error counters cut short")
