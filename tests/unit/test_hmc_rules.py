"""Parsers and rules of the hmc area (parsers/ibm_hmc_hmc.py, rules/hmc.py) on the saved HMC
outputs of tests/unit/fixtures/ibm_hmc: each check made to fail and to pass, a serviceable
event new since the previous inspection told from one already open, the event's system and
LPARs in its values, and every source not collected, not understood or refused unknown, never
ok.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue, deltas  # noqa: E402
from ansible.module_utils.weibao_inspection.catalogue import hmc as cat  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import validate_finding  # noqa: E402
from ansible.module_utils.weibao_inspection.messages import msg  # noqa: E402
from ansible.module_utils.weibao_inspection.parsers import ibm_hmc_hmc as parser  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import hmc as rules  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "ibm_hmc"
THRESHOLDS = catalogue.merge_thresholds("hmc")
P9 = "Server-9009-42A-SN7845ABC"
P8 = "Server-8286-42A-SN21FE3DV"


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def slug(command):
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def text(command, case):
    return (FIXTURES / slug(command) / f"{case}.raw").read_text().split("\n", 1)[1]


def raw(systems="hmc_v10_operating", events="hmc_v10_none", firmware=None, lpars=None):
    out = {"systems": text(cat.SYSTEMS, systems), "events": text(cat.EVENTS, events)}
    out["firmware"] = firmware if firmware is not None else {
        P9: text(cat.FIRMWARE, "p9_activated"), P8: text(cat.FIRMWARE, "p9_activated")}
    out["lpars"] = lpars if lpars is not None else {
        P9: text(cat.LPARS, "p9_lpars"), P8: "No results were found.\n"}
    return out


def judged(raw_, check_id, previous=None, since=None, thresholds=THRESHOLDS, judge=False):
    data = parser.parse_sources(raw_, {})
    context = {"previous": previous or {}, "since": since, "judge": judge}
    out = [f for f in rules.evaluate(data, thresholds, context) if f["check_id"] == check_id]
    for finding in out:
        validate_finding(finding)
    return out


def statuses(findings):
    return sorted(f["status"] for f in findings)


# --------------------------------------------------------------------------- parsers


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*.raw")), ids=lambda p: p.stem)
def test_every_fixture_parses_as_its_yml_says(path):
    expected = yaml.safe_load(path.with_suffix(".yml").read_text())
    body = path.read_text().split("\n", 1)[1]
    assert path.read_text().startswith("# provenance:")
    parse = {"systems": parser.parse_systems, "events": parser.parse_events,
             "firmware": parser.parse_firmware, "lpars": parser.parse_lpars}
    if "error" in expected:
        with pytest.raises(parser.ParseError):
            parse["systems"](body)
        return
    assert len(parse[expected["section"]](body)["items"]) == expected["count"]


def test_a_quoted_comma_and_an_unquoted_one_stay_in_the_text():
    events = parser.parse_events(text(cat.EVENTS, "hmc_v10_open"))["items"]
    assert events[1]["text"] == "Platform firmware: predictive error, deferred"
    loose = parser.parse_events("7,B181F125,Open,11/28/2026 03:14:07,S,M*S,a, b, c\n")
    assert loose["items"][0]["text"] == "a, b, c"
    assert events[0]["created"] == "2026-11-28T03:14:07"


def test_lpar_to_system_map():
    data = parser.parse_sources(raw(), {})
    assert data["lpar_systems"] == {"aix01": P9, "vios1": P9, "aix02": P9}
    assert data["system_lpars"] == {P9: ["aix01", "vios1", "aix02"], P8: []}


@pytest.mark.parametrize("bad", ["", "   \n", "a,b\n", "HSCL8012 The managed system cannot "
                                                       "be found.\n"])
def test_garbled_is_a_parse_error(bad):
    with pytest.raises(parser.ParseError):
        parser.parse_systems(bad)


def test_collect_names_what_the_collector_runs():
    keys = [k for k, _ in parser.COLLECT]
    assert keys == ["systems", "events", "firmware", "lpars"]
    assert dict(parser.COLLECT)["firmware"] == cat.FIRMWARE


# --------------------------------------------------------------------------- systems


def test_operating_systems_are_ok_with_their_lpars():
    out = judged(raw(), "hmc.systems")
    assert statuses(out) == ["ok", "ok"]
    p9 = next(f for f in out if f["component"] == P9)
    assert p9["values"]["lpars"] == "aix01, vios1, aix02" and p9["values"]["lpar_count"] == 3


def test_bad_states_are_critical_or_warning():
    out = judged(raw(systems="hmc_v9_faulty", firmware={}, lpars={}), "hmc.systems")
    by = {f["component"]: f["status"] for f in out}
    assert by == {P9: "critical", P8: "critical", "Server-8231-E2B-SN06A1B2R": "warning",
                  "Server-9080-M9S-SN13C0FFE": "critical"}
    assert all(f["recommendation"] for f in out)


def test_expected_off_is_ok():
    thresholds = catalogue.merge_thresholds(
        "hmc", {"systems": {"expected_off": ["Server-8231-E2B-SN06A1B2R"]}})
    out = judged(raw(systems="hmc_v9_faulty", firmware={}, lpars={}), "hmc.systems",
                 thresholds=thresholds)
    assert {f["component"]: f["status"] for f in out}["Server-8231-E2B-SN06A1B2R"] == "ok"


def test_a_state_not_known_is_unknown_never_ok():
    r = raw(lpars={})
    r["systems"] = "S1,Frobnicating,9009-42A,1\n"
    [finding] = judged(r, "hmc.systems")
    assert finding["status"] == "unknown" and finding["cause"] == "not_understood"


def test_no_lpar_list_for_an_operating_system_says_so():
    r = raw(lpars={P9: {"error": msg("reason.text", text="HSCL350B no"),
                        "cause": "no_permission"}})
    out = judged(r, "hmc.systems")
    assert any(f["status"] == "unknown" and f["cause"] == "no_permission" for f in out)


@pytest.mark.parametrize("state,level", [("Operating", "ok"), ("Standby", "ok"),
                                         ("Error - Terminated", "critical"),
                                         ("Incomplete", "critical"), ("Recovery", "critical"),
                                         ("Power Off In Progress", "warning"),
                                         ("Pending Authentication \u2013 Password Updates "
                                          "Required", "warning"),
                                         ("Initializing", "warning"), ("Sleeping", None)])
def test_state_levels(state, level):
    assert rules.state_level(state) == level


# --------------------------------------------------------------------------- events


def test_no_open_event_is_ok():
    [finding] = judged(raw(), "hmc.events")
    assert finding["status"] == "ok"


@pytest.mark.parametrize("status", ["Opened", "", "Offen"])
def test_an_event_in_an_unknown_status_is_unknown_never_passed_over(status):
    r = raw(events="hmc_v10_open")
    r["events"] = r["events"].replace(",Open,", f",{status},")
    out = judged(r, "hmc.events")
    assert [(f["status"], f.get("cause")) for f in out] == [("unknown", "not_understood")] * 2
    closed = raw(events="hmc_v10_open")
    closed["events"] = closed["events"].replace(",Open,", ",Closed,")
    assert [f["status"] for f in judged(closed, "hmc.events")] == ["ok"]


def test_without_a_previous_inspection_every_open_event_is_new():
    out = judged(raw(events="hmc_v10_open"), "hmc.events")
    by = {f["values"]["problem_num"]: f for f in out}
    assert by["412"]["status"] == "critical" and by["412"]["values"]["new"] is True
    assert by["413"]["status"] == "warning"  # A: attention code
    assert by["412"]["values"]["system"] == P9
    assert by["412"]["values"]["lpars"] == "aix01, vios1, aix02"
    assert "aix01" in by["412"]["summary"]


def test_an_event_open_at_the_previous_inspection_is_a_warning_a_new_one_critical():
    data = parser.parse_sources(raw(events="hmc_v10_open"), {})
    before = {c["check_id"] + "|" + c["component"] + "|" + c["name"]: {"value": c["value"]}
              for c in rules.counters(data) if c["component"] != "problem 412"}
    out = judged(raw(events="hmc_v10_open"), "hmc.events", previous=before)
    by = {f["values"]["problem_num"]: f for f in out}
    assert by["412"]["status"] == "critical" and by["412"]["values"]["new"] is True
    assert by["413"]["status"] == "warning" and by["413"]["values"]["new"] is False
    assert "still open" in by["413"]["summary"]


def test_without_counters_since_tells_new_from_old():
    out = judged(raw(events="hmc_v10_open"), "hmc.events", since="2026-11-29T00:00:00Z")
    by = {f["values"]["problem_num"]: f["values"]["new"] for f in out}
    assert by == {"412": False, "413": True}


def test_ignore_leaves_an_event_out():
    thresholds = catalogue.merge_thresholds("hmc", {"events": {"ignore": ["B181F125", "413"]}})
    [finding] = judged(raw(events="hmc_v10_open"), "hmc.events", thresholds=thresholds)
    assert finding["status"] == "ok"


def test_counters_keep_every_open_problem():
    data = parser.parse_sources(raw(events="hmc_v10_open"), {})
    keys = {deltas.key(c["check_id"], c["component"], c["name"]) for c in rules.counters(data)}
    assert keys == {"hmc.events|events|open", "hmc.events|problem 412|open",
                    "hmc.events|problem 413|open"}


@pytest.mark.parametrize("value,cause", [
    ({"error": msg("reason.text", text="HSCL350B The user does not have the appropriate "
                                       "authority."), "cause": "no_permission"},
     "no_permission"),
    ("garbled,line\n", "not_understood"),
])
def test_an_unreadable_event_list_is_unknown_never_ok(value, cause):
    r = raw()
    r["events"] = value
    [finding] = judged(r, "hmc.events")
    assert finding["status"] == "unknown" and finding["cause"] == cause


def test_events_not_collected_is_unknown():
    r = raw()
    del r["events"]
    [finding] = judged(r, "hmc.events")
    assert finding["status"] == "unknown" and finding["cause"] == "incomplete"


# --------------------------------------------------------------------------- firmware


def test_activated_equals_installed_is_ok():
    out = judged(raw(), "hmc.firmware")
    assert statuses(out) == ["ok", "ok"]
    assert out[0]["values"]["accepted_spname"] == "FW940.20"


def test_installed_not_activated_is_a_warning():
    r = raw(firmware={P8: text(cat.FIRMWARE, "p8_pending"),
                      P9: text(cat.FIRMWARE, "p9_activated")})
    by = {f["component"]: f for f in judged(r, "hmc.firmware")}
    assert by[P8]["status"] == "warning" and by[P8]["values"]["installed_level"] == "245"
    assert by[P9]["status"] == "ok"


@pytest.mark.parametrize("value,cause", [
    ({"error": msg("reason.text", text="HSCL8012 The managed system cannot be found."),
      "cause": "source_unreadable"}, "source_unreadable"),
    ("01VL940,119\n", "not_understood"),
    ("01VL940,abc,119,92,FW940.50,FW940.50,FW940.20\n", "not_understood"),
])
def test_unreadable_firmware_is_unknown_never_ok(value, cause):
    r = raw(firmware={P9: value})
    [finding] = judged(r, "hmc.firmware")
    assert finding["status"] == "unknown" and finding["cause"] == cause


def test_firmware_not_collected_is_unknown_and_no_system_is_not_applicable():
    r = raw()
    del r["firmware"]
    [finding] = judged(r, "hmc.firmware")
    assert finding["status"] == "unknown"
    empty = raw(firmware={}, lpars={})
    empty["systems"] = "No results were found.\n"
    assert judged(empty, "hmc.firmware") == []
    [none] = judged(empty, "hmc.systems")
    assert none["status"] == "unknown" and none["cause"] == "not_applicable"
    data = parser.parse_sources(empty, {})
    assert [n["check_id"] for n in rules.not_applicable(data)] == ["hmc.firmware"]


def test_judge_mode_with_one_source_judges_only_it():
    r = {"firmware": text(cat.FIRMWARE, "p8_pending")}
    data = parser.parse_sources(r, {})
    out = rules.evaluate(data, THRESHOLDS, {"judge": True})
    assert [(f["check_id"], f["component"], f["status"]) for f in out] == [
        ("hmc.firmware", "?", "warning")]


@pytest.mark.parametrize("command, system", [
    (cat.FIRMWARE.replace("{sys}", P8), P8),
    (cat.FIRMWARE.replace("{sys}", '"Server 8286 lab"'), "Server 8286 lab"),
    (cat.FIRMWARE, "?"),  # the registry's own spelling names no system
])
def test_judge_names_the_system_from_the_commands_m_argument(command, system):
    # a saved lslic output judged alone: its system is the one the command named with -m
    r = {"firmware": text(cat.FIRMWARE, "p8_pending")}
    context = {"judge": True, "command": command}
    data = parser.parse_sources(r, context)
    [finding] = rules.evaluate(data, THRESHOLDS, context)
    assert (finding["component"], finding["status"]) == (system, "warning")
    assert finding["message"]["summary"]["params"]["system"] == system
    assert system in finding["translations"]["zh-CN"]["summary"]
