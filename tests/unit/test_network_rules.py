"""Rules of the network area (rules/network.py) on synthetic data in the parsers' shape (the
issue 10 contract): each check made to fail and to pass; deltas across two inspections,
with a reload and a ``clear counters`` in between; every section not collected, not
understood or unreadable unknown, never ok; nothing to judge unknown, not applicable.

Every finding any test makes the rules build is checked for its Chinese text (autouse
fixture, tests/unit/chinese_text.py).
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from chinese_text import check_every_finding

from weibao.content import enable_module_utils

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402
from ansible.module_utils.weibao_inspection.findings import (  # noqa: E402
    validate_finding,
    worst,
)
from ansible.module_utils.weibao_inspection.messages import msg  # noqa: E402
from ansible.module_utils.weibao_inspection.rules import network as rules  # noqa: E402

THRESHOLDS = catalogue.merge_thresholds("network")
FIRST = "2026-11-01T02:00:00Z"
SECOND = "2026-12-01T02:00:00Z"
DAY = 86400


def epoch(iso):
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    return check_every_finding(monkeypatch, rules)


def port(name, oper="up", admin="up", duplex="full", counters=None, cleared="never",
         optics=None, description="uplink"):
    return {"name": name, "admin": admin, "oper": oper, "duplex": duplex, "speed": "1000Mb/s",
            "description": description,
            "counters": dict({"crc": 0, "input_errors": 0, "output_errors": 0, "giants": 0,
                              "runts": 0, "output_drops": 0, "input_drops": 0},
                             **(counters or {})),
            "counters_cleared": cleared, "optics": optics}


def optics(rx=-3.0, tx=-2.0):
    return {"rx_dbm": rx, "tx_dbm": tx, "rx_low_alarm": -14.0, "rx_high_alarm": 1.0,
            "tx_low_alarm": -9.5, "tx_high_alarm": 1.0}


def healthy():
    return {
        "device": {"hostname": "core-sw1", "vendor": "Cisco", "model": "C9300-48P",
                   "serial": "FOC2233X0AB", "software": "Cisco IOS XE Software",
                   "version": "17.9.4", "image": "flash:packages.conf",
                   "uptime_seconds": 200 * DAY, "reload_reason": "Reload Command"},
        "fans": [{"name": "FAN 1", "state": "ok", "raw": "Switch 1 FAN 1 is OK"},
                 {"name": "FAN 2", "state": "ok", "raw": "Switch 1 FAN 2 is OK"}],
        "power_supplies": [{"name": "PS1", "state": "ok", "raw": "1A PWR-C1-715WAC OK"},
                           {"name": "PS2", "state": "absent", "raw": "1B Not Present"}],
        "temperatures": [{"name": "Inlet", "celsius": 31.0, "warning": 46.0, "critical": 56.0,
                          "state": "ok", "raw": "Inlet Temperature Value: 31 Degree Celsius"}],
        "modules": [{"name": "1", "model": "C9300-48P", "serial": "FOC2233X0AB",
                     "state": "ok", "raw": "1 48 C9300-48P ok"},
                    {"name": "2", "model": "", "serial": "", "state": "empty", "raw": "2 empty"}],
        "alarms": [{"id": "0x1", "severity": "info", "text": "login banner", "raised": None}],
        "cpu": {"percent_5s": 12.0, "percent_1m": 9.0, "percent_5m": 8.0},
        "memory": {"used_bytes": 400 * 2**20, "total_bytes": 1024 * 2**20, "percent": None},
        "interfaces": [port("GigabitEthernet1/0/1", optics=optics()),
                       port("GigabitEthernet1/0/2", description="server"),
                       port("GigabitEthernet1/0/3", oper="down", duplex="auto"),
                       port("Vlan1", duplex=None, counters={})],
        "logs": [{"time": "2026-11-20T10:00:00+00:00", "severity": 5, "facility": "SEC_LOGIN",
                  "mnemonic": "LOGIN_SUCCESS", "text": "Login Success [user: admin]",
                  "kind": "auth"},
                 {"time": "2026-11-20T10:05:00+00:00", "severity": 5, "facility": "SYS",
                  "mnemonic": "CONFIG_I", "text": "Configured from console by admin",
                  "kind": "config"}],
        "config": {"running": "hostname core-sw1\nend\n", "saved": True,
                   "why": "saved to NVRAM after the last change"},
    }


def judged(data, check_id=None, previous=None, since=None, now=SECOND, judge=False,
           thresholds=THRESHOLDS, platform=None):
    context = {"previous": previous or {}, "since": since, "now": epoch(now), "judge": judge}
    if platform:
        context["platform"] = platform
    out = rules.evaluate(data, thresholds, context)
    for finding in out:
        validate_finding(finding)
    return [f for f in out if check_id is None or f["check_id"] == check_id]


def statuses(findings):
    return sorted(f["status"] for f in findings)


def with_levels(check, **levels):
    merged = copy.deepcopy(THRESHOLDS)
    merged.setdefault(check, {}).update(levels)
    return merged


def previous_of(data, now):
    """The counters of an inspection at ``now`` as the runner hands them to the next one."""
    context = {"now": epoch(now), "since": None, "previous": {}}
    return {f"{c['check_id']}|{c['component']}|{c['name']}":
            {"value": c["value"], "at": now, "boot_time": c["boot_time"]}
            for c in rules.counters(data, context)}


# --------------------------------------------------------------------------- a healthy device


def test_a_healthy_device_is_ok_on_every_check():
    findings = judged(healthy())
    checks = {c.id for c in catalogue.area_checks("network")}
    assert {f["check_id"] for f in findings} == checks
    bad = [(f["check_id"], f["summary"]) for f in findings if f["status"] != "ok"]
    assert not bad


def test_first_inspection_says_baseline_then_compares():
    data = healthy()
    down = judged(data, rules.DOWN)
    assert down[0]["values"]["baseline"] is True and "baseline" in down[0]["summary"]
    errors = judged(data, rules.ERRORS)
    assert "baseline" in errors[0]["summary"]
    reload_ = judged(data, rules.RELOAD)
    assert "first inspection" in reload_[0]["summary"]
    previous = previous_of(data, FIRST)
    later = copy.deepcopy(data)
    later["device"]["uptime_seconds"] += 30 * DAY
    assert statuses(judged(later, rules.DOWN, previous, FIRST)) == ["ok"]
    assert "since" in judged(later, rules.RELOAD, previous, FIRST)[0]["summary"]


# --------------------------------------------------------------------------- hardware


@pytest.mark.parametrize("section,item,status", [
    ("power_supplies", {"name": "PS2", "state": "no_input", "raw": "1B Not initialized"},
     "critical"),
    ("power_supplies", {"name": "PS2", "state": "failed", "raw": "1B FAIL"}, "critical"),
    ("fans", {"name": "FAN 3", "state": "failed", "raw": "FAN 3 is FAULTY"}, "critical"),
    ("modules", {"name": "3", "state": "failed", "raw": "3 Failure"}, "critical"),
    ("modules", {"name": "3", "state": "offline", "raw": "3 Offline"}, "warning"),
    ("temperatures", {"name": "Hotspot", "celsius": 60.0, "warning": 46.0, "critical": 56.0,
                      "state": "ok", "raw": "Hotspot 60"}, "critical"),
    ("temperatures", {"name": "Hotspot", "celsius": 50.0, "warning": 46.0, "critical": 56.0,
                      "state": "ok", "raw": "Hotspot 50"}, "warning"),
    ("temperatures", {"name": "Hotspot", "celsius": 40.0, "warning": None, "critical": None,
                      "state": "critical", "raw": "Hotspot 40 Critical"}, "critical"),
    ("fans", {"name": "FAN 3", "state": "unknown", "raw": "FAN 3 is Weird"}, "unknown"),
])
def test_hardware_faults(section, item, status):
    data = healthy()
    data[section].append(item)
    findings = judged(data, rules.HARDWARE)
    assert statuses(findings) == [status]
    assert item["raw"] in findings[0]["evidence"]
    if status == "unknown":
        assert findings[0]["cause"] == "not_understood"
    else:
        assert findings[0]["recommendation"]


def test_absent_parts_and_empty_slots_are_listed_not_faults():
    data = healthy()
    data["fans"].append({"name": "FAN 3", "state": "absent", "raw": "FAN 3 not present"})
    [ok] = judged(data, rules.HARDWARE)
    assert ok["status"] == "ok"
    assert ok["values"]["absent"] == 2 and ok["values"]["empty_slots"] == 1
    assert "2 absent parts and 1 empty slots" in ok["summary"]


def test_hardware_ignore_and_not_applicable():
    data = healthy()
    data["power_supplies"][1]["state"] = "no_input"
    levels = with_levels("hardware", ignore=["PS2"])
    assert statuses(judged(data, rules.HARDWARE, thresholds=levels)) == ["ok"]
    for name in ("fans", "power_supplies", "temperatures", "modules"):
        data[name] = []
    [na] = judged(data, rules.HARDWARE)
    assert na["status"] == "unknown" and na["cause"] == "not_applicable"
    assert rules.HARDWARE in {e["check_id"] for e in rules.not_applicable(data)}


# --------------------------------------------------------------------------- alarms


def test_alarms_by_severity():
    data = healthy()
    data["alarms"] += [
        {"id": "0x8130005", "severity": "major", "text": "The power supply is abnormal",
         "raised": "2026-11-30T01:00:00+00:00"},
        {"id": "0x8130010", "severity": "minor", "text": "Fan speed low", "raised": None},
        {"id": "0x1", "severity": "warning", "text": "Optical module not certified",
         "raised": None}]
    findings = judged(data, rules.ALARMS)
    assert statuses(findings) == ["critical", "warning"]
    [crit] = [f for f in findings if f["status"] == "critical"]
    assert "0x8130005" in crit["summary"] and crit["values"]["count"] == 1
    levels = with_levels("alarms", ignore=["0x8130005", "fan speed low",
                                           "optical module not certified"])
    assert statuses(judged(data, rules.ALARMS, thresholds=levels)) == ["ok"]
    data["alarms"].append({"id": "9", "severity": None, "text": "?", "raised": None})
    assert "unknown" in statuses(judged(data, rules.ALARMS))


# --------------------------------------------------------------------------- cpu, memory


@pytest.mark.parametrize("cpu,status", [
    ({"percent_5s": 99.0, "percent_1m": 97.0, "percent_5m": 95.0}, "critical"),
    ({"percent_5s": 99.0, "percent_1m": 85.0, "percent_5m": None}, "warning"),
    ({"percent_5s": 99.0, "percent_1m": 20.0, "percent_5m": 10.0}, "ok"),
    ({"percent_5s": None, "percent_1m": None, "percent_5m": None}, "unknown"),
])
def test_cpu(cpu, status):
    data = healthy()
    data["cpu"] = cpu
    assert statuses(judged(data, rules.CPU)) == [status]


@pytest.mark.parametrize("memory,status", [
    ({"used_bytes": 990, "total_bytes": 1000, "percent": None}, "critical"),
    ({"used_bytes": None, "total_bytes": None, "percent": 90.0}, "warning"),
    ({"used_bytes": 100, "total_bytes": 1000, "percent": None}, "ok"),
    ({"used_bytes": None, "total_bytes": None, "percent": None}, "unknown"),
])
def test_memory(memory, status):
    data = healthy()
    data["memory"] = memory
    assert statuses(judged(data, rules.MEMORY)) == [status]


# --------------------------------------------------------------------------- reload


def test_reload_since_the_previous_inspection():
    data = healthy()
    previous = previous_of(data, FIRST)
    later = copy.deepcopy(data)
    later["device"].update(uptime_seconds=3 * DAY, reload_reason="power-on")
    [found] = judged(later, rules.RELOAD, previous, FIRST)
    assert found["status"] == "warning" and '"power-on"' in found["summary"]
    assert found["values"]["reloaded"] is True
    # without the previous uptime: the time since the previous inspection says it
    [found] = judged(later, rules.RELOAD, {}, FIRST)
    assert found["status"] == "warning"
    # an expected reason is not a fault
    levels = with_levels("reload", expected_reasons=["power-on"])
    assert statuses(judged(later, rules.RELOAD, previous, FIRST, thresholds=levels)) == ["ok"]
    # no reload: up longer than the time since
    later["device"]["uptime_seconds"] = 230 * DAY
    [found] = judged(later, rules.RELOAD, previous, FIRST)
    assert found["status"] == "ok" and found["values"]["reloaded"] is False
    later["device"]["uptime_seconds"] = None
    assert statuses(judged(later, rules.RELOAD, previous, FIRST)) == ["unknown"]


# --------------------------------------------------------------------------- interfaces down


def test_a_port_up_at_the_previous_inspection_now_down_warns():
    data = healthy()
    previous = previous_of(data, FIRST)
    later = copy.deepcopy(data)
    later["interfaces"][1]["oper"] = "down"            # Gi1/0/2: cable pulled
    later["interfaces"][0].update(admin="down", oper="down")  # Gi1/0/1: shut on purpose
    [found] = judged(later, rules.DOWN, previous, FIRST)
    assert found["status"] == "warning" and found["component"] == "GigabitEthernet1/0/2"
    assert "up at the previous inspection" in found["summary"]
    levels = with_levels("interfaces_down", ignore=["GigabitEthernet1/0/*"])
    [ok] = judged(later, rules.DOWN, previous, FIRST, thresholds=levels)
    assert ok["status"] == "ok"
    # a port the device no longer lists (its board failed)
    gone = copy.deepcopy(later)
    del gone["interfaces"][1]
    [found] = judged(gone, rules.DOWN, previous, FIRST)
    assert found["component"] == "GigabitEthernet1/0/2" and "no longer listed" in found["summary"]
    # a port down at the previous inspection too: not judged
    previous[f"{rules.DOWN}|GigabitEthernet1/0/2|up"]["value"] = 0
    [ok] = judged(later, rules.DOWN, previous, FIRST)
    assert ok["status"] == "ok" and ok["values"]["shut_since"] == 1


def test_expected_up_ports_from_the_site():
    data = healthy()
    levels = with_levels("interfaces_down", expected_up=["GigabitEthernet1/0/*",
                                                         "TenGigabitEthernet1/1/1"])
    findings = judged(data, rules.DOWN, thresholds=levels)
    assert statuses(findings) == ["warning", "warning"]
    assert {f["component"] for f in findings} == {"GigabitEthernet1/0/3",
                                                  "TenGigabitEthernet1/1/1"}
    data["interfaces"][2]["oper"] = "up"
    levels = with_levels("interfaces_down", expected_up=["GigabitEthernet1/0/*"])
    assert statuses(judged(data, rules.DOWN, thresholds=levels)) == ["ok"]


# --------------------------------------------------------------------------- interface errors


def test_error_counters_are_deltas_across_inspections():
    first = healthy()
    first["interfaces"][0]["counters"].update(crc=500, input_errors=520)
    assert statuses(judged(first, rules.ERRORS)) == ["ok"]  # baseline under 1000
    previous = previous_of(first, FIRST)
    second = copy.deepcopy(first)
    second["device"]["uptime_seconds"] += 30 * DAY
    second["interfaces"][0]["counters"].update(crc=512, input_errors=540)
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["status"] == "warning" and found["component"] == "GigabitEthernet1/0/1"
    assert found["values"]["crc_delta"] == 12 and found["values"]["errors"] == 20
    assert "input errors +20" in found["summary"]
    second["interfaces"][0]["counters"].update(crc=3000, input_errors=3000)
    assert statuses(judged(second, rules.ERRORS, previous, FIRST)) == ["critical"]
    second["interfaces"][0]["counters"].update(crc=505, input_errors=525)
    [ok] = judged(second, rules.ERRORS, previous, FIRST)
    assert ok["status"] == "ok" and "since" in ok["summary"]


def test_a_reload_between_inspections_resets_the_counters():
    first = healthy()
    first["interfaces"][0]["counters"].update(crc=5)
    previous = previous_of(first, FIRST)
    second = copy.deepcopy(first)
    second["device"]["uptime_seconds"] = 2 * DAY  # reloaded
    second["interfaces"][0]["counters"].update(crc=40)  # 40 since the reload, not 35
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["status"] == "warning" and found["values"]["reset"] == "rebooted"
    assert found["values"]["crc_delta"] == 40
    assert "at least +40" in found["summary"] and "reloaded" in found["summary"]


def test_clear_counters_between_inspections_is_a_reset():
    first = healthy()
    first["interfaces"][0]["counters"].update(crc=5)
    previous = previous_of(first, FIRST)
    second = copy.deepcopy(first)
    second["device"]["uptime_seconds"] += 30 * DAY
    # cleared after the previous inspection, then 20 new errors (above 5: not a decrease)
    second["interfaces"][0]["counters_cleared"] = "2026-11-20T00:00:00Z"
    second["interfaces"][0]["counters"].update(crc=20)
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["values"]["reset"] == "cleared" and found["values"]["crc_delta"] == 20
    # IOS prints the time since the clearing: 10 days ago is after the previous inspection
    second["interfaces"][0]["counters_cleared"] = "1w3d"
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["values"]["reset"] == "cleared"
    # a counter that went down was cleared too
    second["interfaces"][0]["counters_cleared"] = "never"
    second["interfaces"][0]["counters"].update(crc=3)
    ok = judged(second, rules.ERRORS, previous, FIRST)
    assert statuses(ok) == ["ok"]
    second["interfaces"][0]["counters"].update(crc=2, input_errors=15)
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["values"]["reset"] == "decreased"
    # CRC went down: the port was cleared, so its input errors restarted too (at least 15,
    # not 15 - 5)
    first["interfaces"][0]["counters"].update(input_errors=5)
    previous = previous_of(first, FIRST)
    [found] = judged(second, rules.ERRORS, previous, FIRST)
    assert found["values"]["input_errors_delta"] == 15
    assert "input errors at least +15" in found["summary"]


def test_drops_and_baseline_thresholds():
    data = healthy()
    data["interfaces"][1]["counters"].update(crc=5000)
    [found] = judged(data, rules.ERRORS)
    assert found["status"] == "warning" and found["values"]["baseline"] is True
    previous = previous_of(data, FIRST)
    later = copy.deepcopy(data)
    later["device"]["uptime_seconds"] += 30 * DAY
    later["interfaces"][1]["counters"].update(output_drops=200000)
    [found] = judged(later, rules.ERRORS, previous, FIRST)
    assert found["component"] == "GigabitEthernet1/0/2 drops"
    assert found["status"] == "warning"
    levels = with_levels("interface_errors", drops_warning=None)
    assert statuses(judged(later, rules.ERRORS, previous, FIRST, thresholds=levels)) == ["ok"]


def test_a_counter_the_device_does_not_print_is_not_judged():
    data = healthy()
    for item in data["interfaces"]:
        item["counters"] = {}
    [found] = judged(data, rules.ERRORS)
    assert found["status"] == "unknown" and found["cause"] == "incomplete"
    names = {c["name"] for c in rules.counters(data, {"now": epoch(SECOND)})}
    assert names == {"uptime", "up"}


# --------------------------------------------------------------------------- optics


@pytest.mark.parametrize("reading,status", [
    ({"rx": -20.0}, "critical"),
    ({"rx": -13.5}, "warning"),
    ({"tx": 2.0}, "critical"),
    ({"rx": -3.0}, "ok"),
])
def test_optics_against_the_device_thresholds(reading, status):
    data = healthy()
    data["interfaces"][0]["optics"] = optics(**reading)
    assert statuses(judged(data, rules.OPTICS)) == [status]


def test_optics_warning_thresholds_flags_and_missing_thresholds():
    data = healthy()
    reading = dict(optics(rx=-12.0), rx_low_warning=-11.0, rx_high_warning=-1.0,
                   tx_low_warning=-8.5, tx_high_warning=-1.0)
    data["interfaces"][0]["optics"] = reading
    [found] = judged(data, rules.OPTICS)
    assert found["status"] == "warning" and "warning range" in found["summary"]
    # plain show interfaces transceiver: marks instead of thresholds
    data["interfaces"][0]["optics"] = {"rx_dbm": -25.0, "tx_dbm": -2.0, "rx_flag": "low_alarm",
                                       "tx_flag": None}
    assert statuses(judged(data, rules.OPTICS)) == ["critical"]
    data["interfaces"][0]["optics"] = {"rx_dbm": -2.0, "tx_dbm": -2.0}
    found = judged(data, rules.OPTICS)
    assert statuses(found) == ["unknown"] and found[0]["cause"] == "incomplete"
    # a port down is not judged (no light is expected there)
    data["interfaces"][0].update(oper="down", optics=optics(rx=-40.0))
    assert statuses(judged(data, rules.OPTICS)) == ["ok"]


def test_no_optical_reading_is_not_applicable():
    data = healthy()
    data["interfaces"][0]["optics"] = None
    [na] = judged(data, rules.OPTICS)
    assert na["cause"] == "not_applicable"
    assert rules.OPTICS in {e["check_id"] for e in rules.not_applicable(data)}
    # a platform without a transceiver command: not its check at all
    data["platform"] = "huawei_vrp"
    assert judged(data, rules.OPTICS) == []
    assert rules.OPTICS not in {e["check_id"] for e in rules.not_applicable(data)}


# --------------------------------------------------------------------------- err-disabled, duplex


def test_err_disabled_and_half_duplex():
    data = healthy()
    data["interfaces"][2].update(oper="err-disabled")
    data["interfaces"][1].update(duplex="half", speed="100Mb/s")
    [err] = judged(data, rules.ERR_DISABLED)
    assert err["status"] == "warning" and err["component"] == "GigabitEthernet1/0/3"
    [half] = judged(data, rules.DUPLEX)
    assert half["status"] == "warning" and "100Mb/s" in half["summary"]
    # half duplex on a port that is down is not judged
    data["interfaces"][1]["oper"] = "down"
    assert statuses(judged(data, rules.DUPLEX)) == ["ok"]
    # err-disabled is not reported twice (network.interfaces_down)
    previous = previous_of(healthy(), FIRST)
    data["interfaces"][0]["oper"] = "err-disabled"
    down = judged(data, rules.DOWN, previous, FIRST)
    assert "GigabitEthernet1/0/1" not in {f["component"] for f in down}


def test_duplex_not_shown_is_unknown():
    data = healthy()
    for item in data["interfaces"]:
        item["duplex"] = None
    [found] = judged(data, rules.DUPLEX)
    assert found["status"] == "unknown" and found["cause"] == "incomplete"


# --------------------------------------------------------------------------- logs


def log(kind, time="2026-11-25T08:00:00+00:00", severity=3, text="line", mnemonic="X"):
    return {"time": time, "severity": severity, "facility": "F", "mnemonic": mnemonic,
            "text": text, "kind": kind}


def test_logs_since_the_previous_inspection_by_kind():
    data = healthy()
    data["logs"] += [log("psu", text="Power supply 2 failed", mnemonic="PWR_FAIL"),
                     log("psu", time="2026-10-01T00:00:00+00:00", text="old"),
                     log("stp_change", text="Topology change on Vlan10"),
                     log("err_disable", text="bpduguard error on Gi1/0/3")]
    data["logs"] += [log("link_flap", text=f"Interface Gi1/0/5, changed state to down {i}")
                     for i in range(12)]
    findings = judged(data, rules.LOGS, since=FIRST)
    kinds = {f["values"]["kind"]: f for f in findings}
    assert set(kinds) == {"psu", "stp_change", "err_disable", "link_flap"}
    assert kinds["psu"]["values"]["count"] == 1  # the October line is before the previous
    assert all(f["status"] == "warning" for f in findings)
    levels = with_levels("logs", link_flaps=20)
    kinds = {f["values"]["kind"] for f in judged(data, rules.LOGS, since=FIRST,
                                                   thresholds=levels)}
    assert "link_flap" not in kinds
    # judged whole without a previous inspection: the October line counts
    kinds = {f["values"]["kind"]: f for f in judged(data, rules.LOGS)}
    assert kinds["psu"]["values"]["count"] == 2


def test_authentication_and_configuration_lines_are_not_faults():
    data = healthy()
    [ok] = judged(data, rules.LOGS, since=FIRST)
    assert ok["status"] == "ok" and ok["values"]["auth"] == 1 and ok["values"]["config"] == 1
    assert any("LOGIN_SUCCESS" in line for line in ok["evidence"])


def test_serious_lines_of_other_kinds_and_ignore():
    data = healthy()
    data["logs"].append(log("other", severity=2, mnemonic="MALLOCFAIL",
                            text="Memory allocation failed"))
    data["logs"].append(log("other", severity=4, text="duplicate address"))
    [found] = judged(data, rules.LOGS, since=FIRST)
    assert found["values"]["kind"] == "other" and found["values"]["count"] == 1
    levels = with_levels("logs", ignore=["MALLOCFAIL"])
    assert statuses(judged(data, rules.LOGS, since=FIRST, thresholds=levels)) == ["ok"]


def test_log_lines_without_a_time_cannot_be_placed():
    data = healthy()
    data["logs"].append(log("fan", time=None, text="Fan 2 failed"))
    [found] = judged(data, rules.LOGS, since=FIRST)
    assert found["status"] == "unknown" and found["cause"] == "incomplete"
    # judged whole (no previous inspection): the line is judged
    [found] = judged(data, rules.LOGS)
    assert found["status"] == "warning"


# --------------------------------------------------------------------------- config, software


@pytest.mark.parametrize("saved,status", [(True, "ok"), (False, "warning"), (None, "unknown")])
def test_config_saved(saved, status):
    data = healthy()
    data["config"].update(saved=saved, why=msg("reason.text", text="running differs"))
    [found] = judged(data, rules.CONFIG)
    assert found["status"] == status


def test_software_is_informational_with_the_device_values():
    [found] = judged(healthy(), rules.SOFTWARE)
    assert found["status"] == "ok"
    assert found["values"] == {"hostname": "core-sw1", "vendor": "Cisco", "model": "C9300-48P",
                               "serial": "FOC2233X0AB", "software": "Cisco IOS XE Software",
                               "version": "17.9.4", "image": "flash:packages.conf"}
    data = healthy()
    data["device"]["version"] = None
    assert statuses(judged(data, rules.SOFTWARE)) == ["unknown"]


# --------------------------------------------------------------------------- never a false ok


def test_a_section_not_collected_is_unknown_incomplete():
    data = healthy()
    del data["cpu"]
    [found] = judged(data, rules.CPU)
    assert found["status"] == "unknown" and found["cause"] == "incomplete"
    # weibao judge with another output: nothing said
    assert judged(data, rules.CPU, judge=True) == []


def test_a_section_the_platform_has_no_command_for_says_nothing():
    data = healthy()
    del data["alarms"]
    del data["modules"]
    from ansible.module_utils.weibao_inspection import registry

    platform = next((p for p in catalogue.network.PLATFORMS
                     if "alarms" not in {s.key for s in registry.sources(p)
                                         if s.area == "network"}
                     and {s.key for s in registry.sources(p) if s.area == "network"}), None)
    if platform is None:
        pytest.skip("every platform registered has an alarms command")
    assert judged(data, rules.ALARMS, platform=platform) == []


def test_a_failure_section_keeps_its_cause():
    data = healthy()
    data["interfaces"] = {"error": msg("reason.timed_out", command="show interfaces",
                                       seconds=60), "cause": "source_unreadable"}
    for check_id in (rules.DOWN, rules.ERRORS, rules.OPTICS, rules.ERR_DISABLED, rules.DUPLEX):
        [found] = judged(data, check_id)
        assert found["status"] == "unknown" and found["cause"] == "source_unreadable"
        assert "60 s" in found["summary"]


def test_unparsed_lines_make_the_dependent_checks_unknown():
    data = healthy()
    data["unparsed"] = {"fans": ["FAN 9 is SPINNING SIDEWAYS"],
                        "interfaces": ["  5 minute input rate ??"]}
    data["cpu"]["unparsed"] = ["CPU utilization for five seconds: ?"]
    for check_id in (rules.HARDWARE, rules.CPU, rules.DOWN, rules.ERRORS, rules.DUPLEX,
                     rules.ERR_DISABLED, rules.OPTICS):
        findings = judged(data, check_id)
        assert "unknown" in statuses(findings), check_id
        assert all(f["status"] != "ok" or f["check_id"] == rules.CPU for f in findings)
        [unparsed] = [f for f in findings if f.get("cause") == "not_understood"]
        assert "not understood" in unparsed["summary"]
    # the parsers' hardware placeholder item is not judged twice
    data["fans"].append({"name": "?", "state": "unknown", "raw": "FAN 9 is SPINNING SIDEWAYS",
                         "unparsed": True})
    assert statuses(judged(data, rules.HARDWARE)) == ["unknown"]
    # the section's own unparsed and an items section
    data = healthy()
    data["logs"] = {"items": data["logs"], "unparsed": ["garbage"]}
    assert "unknown" in statuses(judged(data, rules.LOGS))


def test_counters_for_the_next_inspection():
    data = healthy()
    read = rules.counters(data, {"now": epoch(SECOND)})
    keys = {(c["check_id"], c["component"], c["name"]) for c in read}
    assert (rules.RELOAD, "device", "uptime") in keys
    assert (rules.DOWN, "GigabitEthernet1/0/3", "up") in keys
    assert (rules.ERRORS, "GigabitEthernet1/0/1", "crc") in keys
    assert all(isinstance(c["value"], int) for c in read)
    up = {c["component"]: c["value"] for c in read if c["name"] == "up"}
    assert up["GigabitEthernet1/0/1"] == 1 and up["GigabitEthernet1/0/3"] == 0
    assert rules.counters({"device": {"error": msg("reason.not_collected")}}, {}) == []


# --------------------------------------------------------------------------- the catalogue


def test_the_catalogue_commands_are_the_registry_sources():
    from ansible.module_utils.weibao_inspection import registry

    for platform in catalogue.network.PLATFORMS:
        registered = {s.key: s.name for s in registry.sources(platform) if s.area == "network"}
        assert catalogue.network.COMMANDS[platform] == registered, platform


# --------------------------------------------------------------------------- the lab fixtures


def lab(platform, case):
    """The raw outputs of one lab device (tests/unit/fixtures/<platform>/<command>/<case>.raw,
    provenance line dropped), by raw key."""
    import re
    from pathlib import Path

    from ansible.module_utils.weibao_inspection import registry

    fixtures = Path(__file__).parent / "fixtures" / platform
    out = {}
    for source in registry.sources(platform):
        path = fixtures / re.sub(r"[^A-Za-z0-9]+", "_", source.name).strip("_") / f"{case}.raw"
        if source.area == "network" and path.is_file():
            out[source.key] = path.read_text().split("\n", 1)[1]
    return out


def lab_judged(platform, case, now, previous=None, since=None):
    from ansible.module_utils.weibao_inspection import registry

    raw = lab(platform, case)
    missing = sorted(set(catalogue.network.COMMANDS[platform]) - set(raw))
    if missing:
        pytest.skip(f"{platform}: no {case} fixtures for {', '.join(missing)}")
    parse, evaluate = registry.area_functions("network", platform)
    context = {"now": epoch(now), "since": since, "previous": previous or {},
               "platform": platform}
    data = parse(raw, dict(context))
    findings = evaluate(data, THRESHOLDS, context)
    for finding in findings:
        validate_finding(finding)
    return data, findings, context


def worst_by_check(findings):
    statuses_of = {}
    for f in findings:
        statuses_of.setdefault(f["check_id"], []).append(f["status"])
    return {check_id: worst(found) for check_id, found in statuses_of.items()}


# the faults every lab_faulted set shows (the fakenos lab's second inspection): a failed power
# supply, CRC errors on an uplink, an err-disabled port, their log lines, an unsaved change
LAB_FAULTS = {rules.HARDWARE: "critical", rules.ERRORS: "warning",
              rules.ERR_DISABLED: "warning", rules.LOGS: "warning", rules.CONFIG: "warning"}


@pytest.mark.parametrize("platform", catalogue.network.PLATFORMS)
def test_the_lab_devices_healthy_then_faulted(platform):
    _data, healthy_findings, _ctx = lab_judged(platform, "lab_healthy", FIRST)
    bad = [(f["check_id"], f["status"], f["summary"]) for f in healthy_findings
           if f["status"] != "ok"]
    assert not bad
    data, faulted, _ctx = lab_judged(platform, "lab_faulted", SECOND)
    worst_of = worst_by_check(faulted)
    expected = dict(LAB_FAULTS)
    if rules.ALARMS in {c.id for c in catalogue.checks_for(platform, ["network"])}:
        expected[rules.ALARMS] = "critical"
    for check_id, status in expected.items():
        assert worst_of.get(check_id) in (status, "critical"), (check_id, worst_of)
    assert not [f for f in faulted if f["status"] == "unknown"], \
        [f["summary"] for f in faulted if f["status"] == "unknown"]
    assert {f["check_id"] for f in faulted} == {
        c.id for c in catalogue.checks_for(platform, ["network"])} - {
        e["check_id"] for e in rules.not_applicable(data)}


@pytest.mark.parametrize("platform", catalogue.network.PLATFORMS)
def test_the_lab_devices_second_inspection_uses_the_first_one(platform):
    """lab_faulted read after lab_healthy: the error counters judged on their increase."""
    before, _findings, context = lab_judged(platform, "lab_healthy", FIRST)
    previous = {f"{c['check_id']}|{c['component']}|{c['name']}":
                {"value": c["value"], "at": FIRST, "boot_time": c["boot_time"]}
                for c in rules.counters(before, context)}
    uptime = (before.get("device") or {}).get("uptime_seconds")
    _data, faulted, _ctx = lab_judged(platform, "lab_faulted", SECOND, previous, FIRST)
    errors = [f for f in faulted if f["check_id"] == rules.ERRORS and f["status"] != "ok"]
    assert errors and all(f["values"]["baseline"] is False for f in errors)
    assert all("since" in f["summary"] for f in errors)
    if uptime is not None:
        [reload_] = [f for f in faulted if f["check_id"] == rules.RELOAD]
        assert reload_["values"]["reloaded"] is not None


def test_a_section_not_in_the_contract_shape_is_not_understood():
    data = healthy()
    data["fans"] = {"FAN 1": "ok"}
    data["cpu"] = [8.0]
    for check_id in (rules.HARDWARE, rules.CPU):
        found = [f for f in judged(data, check_id) if f["status"] == "unknown"]
        assert found and found[0]["cause"] == "not_understood"
