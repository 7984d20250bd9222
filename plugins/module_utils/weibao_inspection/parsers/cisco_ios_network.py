# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a Cisco IOS / IOS-XE switch or router (the ``network`` area). Pure functions: text
-> data, never a judgement. The data shape is the network area's (docs: the issue 10
contract; ``rules/network.py`` reads it); the helpers marked "shared" are used by
``cisco_nxos_network.py`` too.

Raw keys and the commands behind them (registry.py):

    version         show version
    inventory       show inventory           -> ``inventory`` [{name, descr, model, serial}]
                    (an added section: IOS prints no module state, so no ``modules``)
    environment     show environment all     -> fans, power_supplies, temperatures
                    (Catalyst 2960/3560/3750 "FAN is OK" lines, 3650/3850/9200/9300
                    "Switch 1 FAN 1 is OK" lines or the fan table, the temperature blocks,
                    the power-supply table; a router's different layout is not understood)
    cpu             show processes cpu sorted (the "CPU utilization for five seconds"
                    line; ``| include CPU utilization`` and plain ``show processes cpu``
                    print the same line)
    memory          show processes memory sorted ("Processor Pool Total: Used: Free:"), or
                    show memory statistics (the Processor row)
    interfaces      show interfaces
    interfaces_brief show interfaces status  (err-disabled, notconnect)
    transceivers    show interfaces transceiver detail (a table per measure with its four
                    thresholds: Tx/Rx power, the device's alarm marks as ``rx_flag`` /
                    ``tx_flag``: high_alarm, high_warning, low_warning, low_alarm; plain
                    ``show interfaces transceiver`` gives values and marks, no thresholds);
                    nothing printed: no optics fitted
    logs            show logging (the buffer after "Log Buffer (N bytes):"; IOS stamps carry
                    no year: the latest such time not after ``context["now"]``)
    running_config  show running-config; its header stamps are the fallback for
                    ``config.saved``: "! Last configuration change at T1" against "! NVRAM
                    config last updated at T2" (saved when T2 >= T1), "! No configuration
                    change since last restart" (saved); without them (no clock) None
    saved_state     show archive config differences (startup against running: "!No changes
                    were found" saved; +/- lines unsaved, ntp clock-period left out); decides
                    ``config.saved`` when understood

No ``modules``: IOS Catalyst access switches (2960, 3750) have no ``show module`` and the
9300's prints no state; ``show inventory`` gives the parts and serials.

Lines inside a table or block this reader knows but does not understand are listed in
``unparsed[section]`` (and in ``section["unparsed"]`` for the dict sections): the check that
reads the section is then unknown, never ok. A whole output not understood is a failure
section ``{"error", "cause": "not_understood"}`` (parsers/sections.py).

Interfaces are keyed by the full name (``GigabitEthernet1/0/1``); the short names of
``show interfaces status`` and the transceiver table (``Gi1/0/1``) are expanded.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

PLATFORM = "cisco_ios"
VENDOR = "Cisco"

# --------------------------------------------------------------------------- shared


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x08")
_MORE = re.compile(r"^\s*--More--\s*")


def lines_of(text):
    """The output's lines: CRs, terminal escapes and ``--More--`` pager marks removed."""
    text = _ANSI.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return [_MORE.sub("", line).rstrip() for line in text.split("\n")]


def error(key, **params):
    """A ParseError whose command is quoted (``reason.text``: a tool's own words, verbatim in
    both languages) and whose not-understood line is ``reason.unexpected_line``."""
    if isinstance(params.get("source"), str):
        params["source"] = msg("reason.text", text=params["source"])
    if isinstance(params.get("detail"), str):
        params["detail"] = msg("reason.unexpected_line", line=params["detail"].strip()[:120])
    return ParseError(key, **params)


def cli_error(text, source):
    """The device refused the command (``% Invalid input detected at '^' marker.``)."""
    for line in lines_of(text):
        stripped = line.strip()
        if stripped.startswith("% ") and re.search(
                r"invalid (input|command)|incomplete command|ambiguous command|"
                r"unrecognized command|not supported|permission denied|authorization failed",
                stripped, re.IGNORECASE):
            raise error("reason.not_understood", source=source, detail=stripped)


def require_text(text, source):
    if not str(text or "").strip():
        raise error("reason.empty", source=source)
    cli_error(text, source)


_UPTIME_UNITS = {"year": 365 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600,
                 "minute": 60, "second": 1}


def uptime_seconds(text):
    """``2 years, 3 weeks, 1 day, 4 hours, 5 minutes`` (IOS), ``123 day(s), 5 hour(s),
    15 minute(s), 19 second(s)`` (NX-OS) -> seconds; None when not that."""
    total = 0
    found = False
    for part in text.split(","):
        match = re.match(r"^\s*(\d+)\s+(year|week|day|hour|minute|second)s?(?:\(s\))?\s*$",
                         part)
        if not match:
            return None
        total += int(match.group(1)) * _UPTIME_UNITS[match.group(2)]
        found = True
    return total if found else None


SHORT_NAMES = (
    ("Twe", "TwentyFiveGigE"), ("Tw", "TwoGigabitEthernet"), ("Te", "TenGigabitEthernet"),
    ("Gi", "GigabitEthernet"), ("Fa", "FastEthernet"), ("Fo", "FortyGigabitEthernet"),
    ("Hu", "HundredGigE"), ("Fi", "FiveGigabitEthernet"), ("Po", "Port-channel"),
    ("Eth", "Ethernet"), ("Et", "Ethernet"), ("Vl", "Vlan"), ("Lo", "Loopback"),
    ("Tu", "Tunnel"), ("Se", "Serial"), ("Ap", "AppGigabitEthernet"),
)


def full_name(name):
    """``Gi1/0/1`` -> ``GigabitEthernet1/0/1``; a full or unknown name as it is."""
    match = re.match(r"^([A-Za-z-]+)(\d.*)$", name)
    if not match:
        return name
    prefix, rest = match.groups()
    for short, long in SHORT_NAMES:
        if prefix.lower() == short.lower():
            return long + rest
    return name


OPTIC_FLAGS = {"++": "high_alarm", "+": "high_warning", "-": "low_warning",
               "--": "low_alarm"}

# syslog kind by facility / mnemonic, first match wins
_KINDS = (
    # BLOCK_BPDUGUARD: BPDU guard err-disables the port (its own err-disable line follows)
    ("err_disable", re.compile(r"ERR_?DIS|ERRDIS|ERROR_DISABLED|BPDUGUARD")),
    ("psu", re.compile(r"PWR|(?:^|_)PS_|PS_FAIL|PEM|POWER_SUPPLY|POWERSUPPLY|PSU|"
                       r"FRU_PS|POWER")),
    ("fan", re.compile(r"FAN")),
    ("temperature", re.compile(r"TEMP|THERMAL")),
    ("stp_change", re.compile(r"^SPANTREE|^STP|TOPOLOGY_?CHANGE|TCN")),
    ("auth", re.compile(r"LOGIN|AUTH|SSH|DOT1X|MAB|AAA|TACACS|RADIUS")),
    ("reload", re.compile(r"RESTART|RELOAD|BOOTTIME|COLD_?START|WARM_?START|SYS_RESET")),
    ("config", re.compile(r"CONFIG_I$|CONFIG$|SYSLOG_CONFIG")),
    ("link_flap", re.compile(r"^(?:LINK|LINEPROTO|ETHPORT|ETH_PORT|IF)[A-Z_]*-.*"
                             r"(?:UPDOWN|CHANGED|IF_UP|IF_DOWN|LINK_?FAIL|DOWN|UP)")),
)


_TEXT_KINDS = (("psu", re.compile(r"\bpower[ -]?supply\b|\bPSU\b", re.IGNORECASE)),
               ("fan", re.compile(r"\bfan\b", re.IGNORECASE)),
               ("temperature", re.compile(r"\btemperature\b", re.IGNORECASE)))


def log_kind(facility, mnemonic, text=""):
    """The kind of a syslog message by facility and mnemonic; a platform alert that names
    no part in its mnemonic (``%PLATFORM-1-PFM_ALERT``) by the part its text names."""
    if facility.startswith("ILPOWER"):
        return "other"  # PoE to a phone, not the switch's power supply
    kind = _log_kind(facility, mnemonic)
    if kind == "other" and re.search(r"PLATFORM|ENV|PFM|PEM|CHASSIS", facility + mnemonic):
        for name, pattern in _TEXT_KINDS:
            if pattern.search(text or ""):
                return name
    return kind


def _log_kind(facility, mnemonic):
    name = f"{facility}-{mnemonic}"
    for kind, pattern in _KINDS:
        target = name if kind in ("stp_change", "link_flap") else mnemonic
        if kind in ("psu", "fan", "temperature", "auth", "stp_change") and \
                pattern.search(facility):
            return kind
        if pattern.search(target):
            return kind
    return "other"


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S") if when else None


def now_of(context):
    value = (context or {}).get("now")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        return parsed
    return None


def with_year(month_day_time, now):
    """``Jan 30 14:11:11`` (no year, as IOS logs) -> the latest such time not after ``now``
    (a day of slack for clocks); None without ``now`` (the year is then unknown)."""
    if now is None:
        return None
    for year in (now.year, now.year - 1):
        try:
            when = datetime.strptime(f"{year} {month_day_time}", "%Y %b %d %H:%M:%S")
        except ValueError:
            continue
        if (when - now).total_seconds() <= 86400:
            return when
    return None


def counter_pairs(line, separator):
    """``0 runts, 0 giants, 0 throttles`` (IOS, separator ``,``) or ``0 runts  0 giants``
    (NX-OS, two spaces) -> [(name, int)]; None when a part is not ``N name``."""
    parts = [p for p in re.split(separator, line.strip()) if p.strip()]
    out = []
    for part in parts:
        match = re.match(r"^\s*(\d+)\s+([A-Za-z][A-Za-z0-9 /()._-]*?)\s*$", part)
        if not match:
            return None
        out.append((match.group(2).strip(), int(match.group(1))))
    return out or None


def section(parser, raw, key, *args):
    """``parser`` run on ``raw[key]``: its data, a failure section (the collector's, or the
    ParseError's), or None when the key was not given."""
    value = raw.get(key)
    if value is None:
        return None
    if is_failure(value):
        return failure(value)
    try:
        return parser(str(value), *args)
    except ParseError as exc:
        return failure(exc)


# --------------------------------------------------------------------------- version


def parse_version(text):
    require_text(text, "show version")
    device = {"hostname": None, "vendor": VENDOR, "model": None, "serial": None,
              "software": None, "version": None, "image": None, "uptime_seconds": None,
              "reload_reason": None}
    returned = None
    for line in lines_of(text):
        stripped = line.strip()
        match = re.match(r"^(\S+) uptime is (.+)$", stripped)
        if match and device["hostname"] is None:
            device["hostname"] = match.group(1)
            device["uptime_seconds"] = uptime_seconds(match.group(2))
            if device["uptime_seconds"] is None:
                raise error("reason.unexpected_value", what="uptime",
                            value=match.group(2))
            continue
        match = re.match(r"^Cisco IOS[ -]XE Software, Version (\S+)", stripped)
        if match:
            device["software"], device["version"] = "IOS-XE", match.group(1)
            continue
        match = re.match(r"^(?:Cisco )?IOS(?: \(tm\))? .*?Software.*?,?\s*Version ([^\s,]+)",
                         stripped)
        if match and device["version"] is None:
            device["software"] = "IOS-XE" if "IOS-XE" in stripped or "IOSXE" in stripped \
                else "IOS"
            device["version"] = match.group(1)
            continue
        match = re.match(r'^System image file is "([^"]*)"', stripped)
        if match:
            device["image"] = match.group(1)
            continue
        match = re.match(r"^Last reload reason:\s*(.+)$", stripped)
        if match:
            device["reload_reason"] = match.group(1).strip()
            continue
        match = re.match(r"^System returned to ROM by (.+?)(?: at .*)?$", stripped)
        if match:
            returned = match.group(1).strip()
            continue
        match = re.match(r"^Processor board ID (\w+)", stripped)
        if match and device["serial"] is None:
            device["serial"] = match.group(1)
            continue
        match = re.match(r"^System Serial Number\s*:\s*(\S+)", stripped)
        if match:
            device["serial"] = device["serial"] or match.group(1)
            continue
        match = re.match(r"^Model [Nn]umber\s*:\s*(\S+)", stripped)
        if match:
            device["model"] = match.group(1)
            continue
        match = re.match(r"^[Cc]isco (\S+) .*(?:processor|with).*bytes of (?:physical )?memory",
                         stripped)
        if match and device["model"] is None:
            device["model"] = match.group(1)
    if device["hostname"] is None or device["version"] is None:
        raise error("reason.missing_field", field="uptime, Version",
                    source="show version")
    if device["reload_reason"] is None:
        device["reload_reason"] = returned
    return device


# --------------------------------------------------------------------------- inventory


def parse_inventory(text, source="show inventory"):
    """NAME/DESCR + PID/VID/SN pairs -> [{name, descr, model, serial}]."""
    require_text(text, source)
    items, unparsed = [], []
    current = None
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        # NX-OS leaves the quotes out for third-party optics (NAME: Ethernet1/1,  DESCR: x)
        match = re.match(r'^NAME:\s*(?:"([^"]*)"|([^",]*?))\s*,\s*DESCR:\s*(?:"([^"]*)"|(.*?))\s*$',
                         stripped)
        if match:
            current = {"name": match.group(1) if match.group(1) is not None else match.group(2),
                       "descr": match.group(3) if match.group(3) is not None else match.group(4),
                       "model": None, "serial": None}
            items.append(current)
            continue
        match = re.match(r"^PID:\s*([^,]*?)\s*,\s*VID:\s*([^,]*?)\s*,\s*SN:\s*(\S*)\s*$",
                         stripped)
        if match and current is not None:
            current["model"] = match.group(1) or None
            current["serial"] = match.group(3) or None
            continue
        unparsed.append(stripped)
    if not items:
        raise error("reason.not_understood", source=source,
                    detail=(unparsed or ["?"])[0])
    return {"items": items, "unparsed": unparsed}


# --------------------------------------------------------------------------- environment

_FAN_STATES = {"ok": "ok", "good": "ok", "not present": "absent", "not_present": "absent",
               "absent": "absent", "faulty": "failed", "bad": "failed", "fail": "failed",
               "failed": "failed", "failure": "failed", "not ok": "failed",
               "not functioning": "failed", "down": "failed"}
_PSU_STATES = {"ok": "ok", "good": "ok", "not present": "absent", "no input power":
               "no_input", "no input": "no_input", "bad": "failed", "faulty": "failed",
               "fail": "failed", "failed": "failed", "not ok": "failed",
               "off": "failed", "disabled": "failed", "not functioning": "failed"}
_TEMP_STATES = {"green": "ok", "ok": "ok", "normal": "ok", "yellow": "warning",
                "warning": "warning", "minor": "warning", "red": "critical",
                "critical": "critical", "major": "critical", "faulty": "critical",
                "not ok": "critical", "shutdown": "critical"}


def _state(table, text):
    return table.get(" ".join(text.lower().split()), "unknown")


def parse_environment(text):
    require_text(text, "show environment all")
    out = {"fans": [], "power_supplies": [], "temperatures": [], "unparsed": []}
    table = None       # "psu", "rps", "fan", "sensor" while in a table
    temp = None        # the temperature block being read
    header = ""
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped:
            table = None
            temp = None
            continue
        # tables: a header line, then dashes
        if re.match(r"^-[-\s]+$", stripped):
            if "PID" in header and "Status" in header:
                table = "psu"
            elif "RPS" in header:
                table = "rps"
            elif re.search(r"\bFAN\b.*\bState\b", header, re.IGNORECASE):
                table = "fan"
            elif "Sensor" in header and "Reading" in header:
                table = "sensor"
            elif table is None:
                out["unparsed"].append(stripped)
            continue
        if re.match(r"^SW\s+PID\s+Serial#\s+Status", stripped) or \
                re.match(r"^SW\s+Status\s+RPS", stripped) or \
                re.match(r"^Switch\s+FAN\s+Speed\s+State", stripped, re.IGNORECASE) or \
                re.match(r"^Sensor\s+Location\s+State\s+Reading", stripped):
            # the sensor list (a router's, a Catalyst 9400/9500's) has no dash line
            header, table = stripped, "sensor" if stripped.startswith("Sensor") else None
            continue
        if stripped.startswith("Sensor List"):
            continue
        if table == "psu" and _psu_row(stripped, out):
            continue
        if table == "rps" and re.match(r"^\d+\s+\S", stripped):
            continue
        if table == "fan":
            match = re.match(r"^(\d+)\s+(\d+)\s+(\d+|N/A)\s+(.+?)(?:\s{2,}(.+))?$", stripped)
            if match:
                out["fans"].append({"name": f"switch {match.group(1)} fan {match.group(2)}",
                                    "state": _state(_FAN_STATES, match.group(4)),
                                    "raw": stripped})
                continue
        if table == "sensor" and _sensor_row(stripped, out):
            continue
        table = None
        if _env_line(stripped, out):
            temp = None
            continue
        temp = _temp_line(stripped, out, temp)
        if temp is False:
            out["unparsed"].append(stripped)
            temp = None
    out.pop("_switch", None)
    if not (out["fans"] or out["power_supplies"] or out["temperatures"]):
        if out["unparsed"]:
            raise error("reason.not_understood", source="show environment all",
                        detail=out["unparsed"][0])
        raise error("reason.missing_field", field="FAN, POWER, TEMPERATURE",
                    source="show environment all")
    return out


def _psu_row(stripped, out):
    match = re.match(r"^(\d+[A-Z]?)\s+(Not Present|Built-in|\S+)\s*(.*)$", stripped)
    if not match:
        return False
    slot, pid, rest = match.groups()
    if pid == "Not Present":
        state = "absent"
    elif pid == "Built-in":
        # 2960/3750 built-in supply: "Good" under Sys Pwr
        state = _state(_PSU_STATES, rest.split()[0]) if rest.split() else "unknown"
    else:
        # serial, status (may be several words), sys pwr, poe pwr, watts
        words = re.split(r"\s{2,}|\s(?=(?:Good|Bad|n/a|N/A)\b)", rest)
        words = [w.strip() for w in words if w.strip()]
        # the Status column is the one after the serial (a word of its own, or after one
        # space); never the Sys Pwr/PoE Pwr "Good" further on
        serial_status = words[0].split(None, 1) if words else []
        rest_words = [serial_status[1]] + words[1:] if len(serial_status) == 2 else words[1:]
        status = rest_words[0] if rest_words else None
        state = _state(_PSU_STATES, status) if status else "unknown"
        if state == "ok" and len(rest_words) > 1 and rest_words[1].lower() == "bad":
            state = "failed"  # Status OK but Sys Pwr Bad: it does not power the switch
    out["power_supplies"].append({"name": f"PS {slot}", "state": state, "raw": stripped})
    return True


def _sensor_row(stripped, out):
    match = re.match(r"^(.+?)\s{2,}(\S+)\s{2,}(\S.*?)\s{2,}(-?[\d.]+)\s*(\S+)?(.*)$",
                     stripped)
    if not match:
        return False
    name, location, state, reading, unit, _rest = match.groups()
    if (unit or "").lower().startswith("celsius"):
        if _state(_TEMP_STATES, state) == "unknown":
            out["unparsed"].append(stripped)  # no thresholds: the word is all there is
        out["temperatures"].append({"name": f"{location} {name}", "celsius": float(reading),
                                    "warning": None, "critical": None,
                                    "state": _state(_TEMP_STATES, state), "raw": stripped})
    # voltages, currents, power readings: read, not judged here
    return True


def _env_line(stripped, out):
    """The one-line fan / power / RPS states; True when the line was one."""
    match = re.match(r"^(?:Switch\s+(\d+)\s+)?FAN\s+(\S+)\s+is\s+(.+?)\s*$", stripped)
    if match:
        switch, fan, state = match.groups()
        name = (f"switch {switch} fan {fan}" if switch else f"fan {fan}")
        out["fans"].append({"name": name, "state": _state(_FAN_STATES, state),
                            "raw": stripped})
        return True
    match = re.match(r"^(?:Switch\s+(\d+)\s+)?FAN\s+is\s+(.+?)\s*$", stripped)
    if match:
        out["fans"].append({"name": f"switch {match.group(1)} fans" if match.group(1)
                            else "fans", "state": _state(_FAN_STATES, match.group(2)),
                            "raw": stripped})
        return True
    match = re.match(r"^(?:Switch\s+(\d+)\s+)?POWER(?: SUPPLY)?\s+(\S+\s+)?is\s+(.+?)\s*$",
                     stripped)
    if match:
        switch, which, state = match.groups()
        name = " ".join(p for p in (f"switch {switch}" if switch else "", "power",
                                    (which or "").strip()) if p)
        out["power_supplies"].append({"name": name, "state": _state(_PSU_STATES, state),
                                      "raw": stripped})
        return True
    match = re.match(r"^RPS is (.+?)\s*$", stripped)
    if match:
        state = _state(_PSU_STATES, match.group(1))
        if state != "absent":  # an RPS not fitted is the normal case
            out["power_supplies"].append({"name": "RPS", "state": state, "raw": stripped})
        return True
    return False


def _temp_line(stripped, out, temp):
    """The temperature blocks; returns the block being read, or False (not understood)."""
    match = re.match(r"^(?:Switch\s*(\d+):?\s*)?(?:SYSTEM\s+)?TEMPERATURE\s+is\s+(.+?)\s*$",
                     stripped)
    if match:
        # the summary line; the values follow (or not: a 2960 prints none)
        out["_switch"] = f"switch {match.group(1)} " if match.group(1) else ""
        state = _state(_TEMP_STATES, match.group(2))
        if state == "unknown":  # a word not known: the value read after it cannot make ok
            out["unparsed"].append(stripped)
        out["temperatures"].append({"name": out["_switch"] + "system", "celsius": None,
                                    "warning": None, "critical": None,
                                    "state": state, "raw": stripped})
        return out["temperatures"][-1]
    match = re.match(r"^(?:(.+?)\s+)?Temperature Value:\s*(-?\d+(?:\.\d+)?)\s*Degree Celsius$",
                     stripped, re.IGNORECASE)
    if match:
        name = out.get("_switch", "") + (match.group(1) or "system").lower()
        if temp and temp["celsius"] is None:
            temp.update(name=name, celsius=float(match.group(2)))
            temp["raw"] += "; " + stripped
            return temp
        entry = {"name": name, "celsius": float(match.group(2)), "warning": None,
                 "critical": None, "state": "unknown", "raw": stripped}
        out["temperatures"].append(entry)
        return entry
    if temp:
        match = re.match(r"^Temperature State:\s*(\S+)$", stripped, re.IGNORECASE)
        if match:
            temp["state"] = _state(_TEMP_STATES, match.group(1))
            if temp["state"] == "unknown":
                out["unparsed"].append(stripped)
            temp["raw"] += "; " + stripped
            return temp
        match = re.match(r"^(Yellow|Red) Threshold\s*:\s*(-?\d+(?:\.\d+)?)\s*Degree Celsius$",
                         stripped, re.IGNORECASE)
        if match:
            field = "warning" if match.group(1).lower() == "yellow" else "critical"
            temp[field] = float(match.group(2))
            temp["raw"] += "; " + stripped
            return temp
    return False


# --------------------------------------------------------------------------- cpu, memory


def parse_cpu(text):
    require_text(text, "show processes cpu")
    for line in lines_of(text):
        match = re.search(r"CPU utilization for five seconds:\s*(\d+)%(?:/\d+%)?;\s*"
                          r"one minute:\s*(\d+)%;\s*five minutes:\s*(\d+)%", line)
        if match:
            five_s, one_m, five_m = (float(v) for v in match.groups())
            return {"percent_5s": five_s, "percent_1m": one_m, "percent_5m": five_m}
    raise error("reason.missing_field", field="CPU utilization",
                source="show processes cpu")


def parse_memory(text):
    require_text(text, "show processes memory")
    for line in lines_of(text):
        match = re.search(r"Processor Pool Total:\s*(\d+)\s+Used:\s*(\d+)\s+Free:\s*(\d+)",
                          line)
        if match:
            total, used = int(match.group(1)), int(match.group(2))
            return _memory(used, total)
        match = re.match(r"^\s*Processor\s+[0-9A-Fa-f]+\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if match:
            return _memory(int(match.group(2)), int(match.group(1)))
    raise error("reason.missing_field", field="Processor Pool",
                source="show processes memory")


def _memory(used, total):
    return {"used_bytes": used, "total_bytes": total,
            "percent": round(100.0 * used / total, 1) if total else None}


# --------------------------------------------------------------------------- interfaces

_IF_HEADER = re.compile(
    r"^(?P<name>\S+) is (?P<admin>administratively down|up|down|deleted|testing|reset|"
    r"initializing)"
    r"(?: \([^)]*\))?, line protocol is (?P<proto>\S+?)(?:\s*\((?P<why>[^)]*)\))?"
    r"(?:\s*,\s*Autostate \w+)?\s*$")  # IOS-XE 16+ SVIs: "up , Autostate Enabled"
_IOS_COUNTERS = {"runts": "runts", "giants": "giants", "input errors": "input_errors",
                 "CRC": "crc", "output errors": "output_errors"}
_COUNTER_WORDS = re.compile(r"error|CRC|runts|giants|drops", re.IGNORECASE)


def new_interface(name, admin, oper):
    return {"name": name, "admin": admin, "oper": oper, "duplex": None, "speed": None,
            "description": "", "counters": {}, "counters_cleared": None, "optics": None}


def parse_interfaces(text):
    require_text(text, "show interfaces")
    items, unparsed, seen = [], [], {}
    current = None
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        match = _IF_HEADER.match(stripped) if not line.startswith(" ") else None
        if match:
            admin = "down" if match.group("admin") == "administratively down" else "up"
            why = (match.group("why") or "").lower()
            if "err-disabled" in why or "err-disable" in why:
                oper = "err-disabled"
            else:
                oper = "up" if match.group("proto") == "up" else "down"
            current = new_interface(match.group("name"), admin, oper)
            items.append(current)
            continue
        if current is None:
            unparsed.append(stripped)
            continue
        if not _interface_line(stripped, current) and _COUNTER_WORDS.search(stripped):
            unparsed.append(stripped)
        for key, word in (("started", "packets input"), ("in", "input errors"),
                          ("out", "output errors")):
            if word in stripped:
                seen.setdefault(current["name"], set()).add(key)
    if not items:
        raise error("reason.not_understood", source="show interfaces",
                    detail=(unparsed or ["?"])[0])
    # a block whose counters begin but stop before both error lines was cut (a truncated
    # capture): its missing counters are not zeros
    for name, keys in seen.items():
        if "started" in keys and not {"in", "out"} <= keys:
            unparsed.append(f"{name}: error counters cut short")
    return {"items": items, "unparsed": unparsed}


def _interface_line(stripped, current):
    match = re.match(r"^Description:\s*(.*)$", stripped)
    if match:
        current["description"] = match.group(1)
        return True
    match = re.match(r"^(full|half|auto)[- ]duplex,\s*([^,]+)", stripped, re.IGNORECASE)
    if match:
        current["duplex"] = match.group(1).lower()
        current["speed"] = "auto" if match.group(2).strip().lower() == "auto-speed" \
            else match.group(2).strip()
        return True
    match = re.match(r'^Last clearing of "show interface" counters (.+)$', stripped)
    if match:
        current["counters_cleared"] = match.group(1).strip()
        return True
    match = re.match(r"^Input queue:\s*\d+/\d+/(\d+)/\d+.*Total output drops:\s*(\d+)",
                     stripped)
    if match:
        current["counters"]["input_drops"] = int(match.group(1))
        current["counters"]["output_drops"] = int(match.group(2))
        return True
    if re.match(r"^\d+ ", stripped):
        pairs = counter_pairs(stripped, r",")
        if pairs is None:
            return False
        for name, value in pairs:
            if name in _IOS_COUNTERS:
                current["counters"][_IOS_COUNTERS[name]] = value
        return True
    return not _COUNTER_WORDS.search(stripped) or stripped.startswith(
        ("Queueing strategy", "Output queue", "Keepalive", "ARP type", "Encapsulation"))


# status column words of ``show interfaces status`` (IOS) / ``show interface status``
# (NX-OS, cut to 9 characters)
_STATUS_UP = ("connected", "up", "monitoring")
_STATUS_WORDS = re.compile(
    r"^(connected|notconnect|notconnec|disabled|err-disabled|err-disab|errDisabled|"
    r"suspended|suspnd|inactive|monitoring|sfpAbsent|xcvrAbsen|xcvrAbsent|noOperMem|"
    r"noOperMembers|linkFlapE|channelDo|down|up|faulty|sfpInvali|routed|adminCfgC|"
    r"linkFlapErrDisabled|bpduGuard|udld|fcotAbsen|sfpInvalid|dcxNoOperMem):?$")


def status_oper(status):
    word = status.lower()
    if word.startswith("err") or word in ("linkflape", "linkflaperrdisabled", "bpduguard",
                                          "udld"):
        return "err-disabled"
    if word in _STATUS_UP:
        return "up"
    return "down"


def parse_interfaces_status(text, source="show interfaces status"):
    require_text(text, source)
    items, unparsed = [], []
    status_col = None
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped or re.match(r"^-+$", stripped):
            continue
        if re.match(r"^Port\s+(Name\s+)?Status\s+|^Interface\s+Name\s+Status\s+", stripped):
            status_col = line.index("Status")
            continue
        if status_col is None:
            unparsed.append(stripped)
            continue
        port = line.split()[0]
        after = line[status_col:] if len(line) > status_col else ""
        words = after.split()
        name = line[len(port):status_col].strip() if len(line) > status_col else ""
        if not words or not _STATUS_WORDS.match(words[0]) or \
                (status_col > 0 and line[status_col - 1] not in " "):
            # a description running into the status column: find the status word
            tokens = line.split()
            hit = [i for i, tok in enumerate(tokens[1:], 1) if _STATUS_WORDS.match(tok)]
            if not hit:
                unparsed.append(stripped)
                continue
            words = tokens[hit[-1]:] if len(hit) == 1 else tokens[hit[0]:]
            name = " ".join(tokens[1:hit[0]])
        status = words[0].rstrip(":")
        rest = words[1:]
        duplex = speed = None
        for index, word in enumerate(rest[:-1]):
            if re.match(r"^(a-)?(full|half|auto)$", word):
                duplex, speed = word, rest[index + 1]
                break
        item = new_interface(full_name(port), "down" if status == "disabled" else "up",
                             status_oper(status))
        item.update(description="" if name == "--" else name, status=status,
                    duplex=_duplex(duplex), speed=speed)
        del item["counters"]
        item["counters_cleared"] = None
        items.append(item)
    if status_col is None:
        raise error("reason.not_understood", source=source,
                    detail=(unparsed or ["?"])[0])
    return {"items": items, "unparsed": unparsed}


def _duplex(value):
    if not value:
        return None
    word = value.lower().split("-")[-1]
    return {"full": "full", "half": "half", "auto": "auto"}.get(word)


def _optic_values(tokens):
    """``-2.4 -- 1.0 -1.0`` -> ([-2.4, 1.0, -1.0], ["low_alarm", None, None]); None when a
    token is neither a number, N/A nor an alarm mark. A2D readouts in parentheses dropped."""
    values, flags = [], []
    for tok in tokens:
        if tok.startswith("(") and tok.endswith(")"):
            continue
        if tok in OPTIC_FLAGS:
            if not values:
                return None
            flags[-1] = OPTIC_FLAGS[tok]
        elif re.match(r"^-?\d+(\.\d+)?$", tok) or tok.upper() in ("N/A", "NA"):
            values.append(None if tok.upper() in ("N/A", "NA") else float(tok))
            flags.append(None)
        else:
            return None
    return values, flags


def empty_optics():
    return {"rx_dbm": None, "tx_dbm": None, "rx_low_alarm": None, "rx_high_alarm": None,
            "tx_low_alarm": None, "tx_high_alarm": None, "rx_flag": None, "tx_flag": None}


def parse_transceivers(text):
    """``show interfaces transceiver detail`` (one table per measure, each with its four
    thresholds) or plain ``show interfaces transceiver`` (one table, values and alarm marks
    only) -> {full name: optics}."""
    if not str(text or "").strip():
        return {"items": {}, "unparsed": []}  # no optics fitted: IOS prints nothing
    cli_error(text, "show interfaces transceiver")
    items, unparsed = {}, []
    header, kind, seen = [], None, False
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped:
            header, kind = [], None
            continue
        if re.match(r"^-+(\s+-+)+$", stripped):
            words = " ".join(header)
            seen = True
            if "Threshold" not in words:
                kind = "plain"
            elif "Transmit Power" in words or "Tx Power" in words:
                kind = "tx"
            elif "Receive Power" in words or "Rx Power" in words:
                kind = "rx"
            else:
                kind = "other"
            continue
        if kind is None:
            header.append(stripped)
            continue
        tokens = stripped.split()
        parsed = _optic_values(tokens[1:])
        # the plain table: temperature, voltage, [current,] Tx, Rx (old IOS has no current)
        if parsed is None or len(parsed[0]) not in ((4, 5) if kind == "plain" else (5,)):
            unparsed.append(stripped)
            continue
        values, flags = parsed
        if kind == "other":
            continue
        optics = items.setdefault(full_name(tokens[0]), empty_optics())
        if kind == "plain":
            optics.update(rx_dbm=values[-1], tx_dbm=values[-2], rx_flag=flags[-1],
                          tx_flag=flags[-2])
            continue
        optics.update({f"{kind}_dbm": values[0], f"{kind}_flag": flags[0],
                       f"{kind}_high_alarm": values[1], f"{kind}_high_warning": values[2],
                       f"{kind}_low_warning": values[3], f"{kind}_low_alarm": values[4]})
    if not seen:
        raise error("reason.not_understood", source="show interfaces transceiver",
                    detail=lines_of(str(text).strip())[0])
    return {"items": items, "unparsed": unparsed}


def merge_interfaces(full, brief, optics):
    """One list: ``show interfaces`` first, the status table's err-disabled/status and the
    optics laid over it; a port only the status table lists is added (counters absent)."""
    by_name = {}
    items = []
    for item in (full or {}).get("items", []):
        by_name[item["name"]] = item
        items.append(item)
    for row in (brief or {}).get("items", []):
        item = by_name.get(row["name"])
        if item is None:
            by_name[row["name"]] = row
            items.append(row)
            continue
        item["status"] = row["status"]
        if row["oper"] == "err-disabled":
            item["oper"] = "err-disabled"
        if item.get("duplex") is None:
            item["duplex"] = row["duplex"]
        if item.get("speed") is None:
            item["speed"] = row["speed"]
    for name, values in (optics or {}).get("items", {}).items():
        item = by_name.get(name)
        if item is None:
            item = new_interface(name, None, None)
            del item["counters"]
            by_name[name] = item
            items.append(item)
        item["optics"] = values
    return items


# --------------------------------------------------------------------------- logs

_IOS_LOG = re.compile(
    r"^(?:\d+:\s+)?[*.]?(?:(?P<md>[A-Z][a-z]{2}\s+\d{1,2})\s+(?P<year>\d{4}\s+)?"
    r"(?P<hms>\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:\s+[A-Za-z][A-Za-z0-9+-]{1,6})?"
    r"|(?P<up>[\dwdhmy:.]+))\s*:\s*"
    r"%(?P<fac>[A-Z0-9_]+)(?:-[A-Z0-9_]+)?-(?P<sev>[0-7])-(?P<mn>[A-Z0-9_]+)\s*:\s*"
    r"(?P<text>.*)$")


_IOS_PLAIN = re.compile(r"^(?:\d+:\s+)?[*.]?[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?"
                        r"\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+[A-Za-z][A-Za-z0-9+-]{1,6})?:\s+"
                        r"(?P<text>[^%].*)$")
_BANNER = re.compile(r"^(Cisco IOS|IOS \(tm\)|Technical Support:|Copyright \(c\)|"
                     r"Compiled |Restricted Rights Legend|cisco Systems, Inc\.)")


def parse_logging(text, context=None):
    require_text(text, "show logging")
    now = now_of(context)
    lines = lines_of(text)
    start = 0
    for index, line in enumerate(lines):
        if re.match(r"^\s*Log Buffer \(\d+ bytes\):", line):
            start = index + 1
            break
    else:
        if any(line.startswith("Syslog logging:") for line in lines):
            # the header only: buffered logging off, or the capture cut before the buffer;
            # no buffer read is not a buffer without faults
            raise error("reason.missing_field", field="Log Buffer", source="show logging")
    items, unparsed = [], []
    first = True
    for line in lines[start:]:
        stripped = line.strip()
        if not stripped:
            continue
        match = _IOS_LOG.match(stripped)
        if not match:
            # the buffer wrapped mid-line (its first line); a traceback or an indented line
            # continues the message before; the boot banner is written to the buffer too;
            # a stamped line without %FACILITY is a debug or a process's own message
            plain = _IOS_PLAIN.match(stripped)
            if plain:
                items.append({"time": None, "severity": None, "facility": None,
                              "mnemonic": None, "text": plain.group("text"), "kind": "other"})
            elif not ((first and start) or stripped.startswith("-Traceback=")
                      or line[:1] in (" ", "\t") or _BANNER.match(stripped)):
                unparsed.append(stripped)
            first = False
            continue
        first = False
        when = None
        if match.group("md"):
            stamp = f"{' '.join(match.group('md').split())} {match.group('hms')}"
            if match.group("year"):
                try:
                    when = datetime.strptime(f"{match.group('year').strip()} {stamp}",
                                             "%Y %b %d %H:%M:%S")
                except ValueError:
                    when = None
            else:
                when = with_year(stamp, now)
        items.append({"time": iso(when), "severity": int(match.group("sev")),
                      "facility": match.group("fac"), "mnemonic": match.group("mn"),
                      "text": match.group("text"),
                      "kind": log_kind(match.group("fac"), match.group("mn"),
                                       match.group("text"))})
    if not items and unparsed:
        raise error("reason.not_understood", source="show logging", detail=unparsed[0])
    return {"items": items, "unparsed": unparsed}


# --------------------------------------------------------------------------- config

_STAMP = r"(\d{1,2}:\d{2}:\d{2})(?:\.\d+)?\s+\S+\s+\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{4})"


def _stamp(match):
    hms, month, day, year = match.groups()[:4]
    try:
        return datetime.strptime(f"{year} {month} {day} {hms}", "%Y %b %d %H:%M:%S")
    except ValueError:
        return None


def parse_running_config(text):
    require_text(text, "show running-config")
    lines = lines_of(text)
    body = [line for line in lines if line.strip()]
    if not any(line.startswith(("version ", "hostname ", "interface ", "end"))
               for line in body):
        raise error("reason.not_understood", source="show running-config",
                    detail=body[0].strip())
    if not any(line.strip() == "end" for line in body[-3:]):
        raise error("reason.truncated", source="show running-config")
    changed = saved_at = None
    no_change = False
    for line in lines[:12]:
        match = re.match(r"^! Last configuration change at " + _STAMP, line)
        if match:
            changed = _stamp(match)
        match = re.match(r"^! NVRAM config last updated at " + _STAMP, line)
        if match:
            saved_at = _stamp(match)
        if line.startswith("! No configuration change since last restart"):
            no_change = True
    config = {"running": "\n".join(lines).strip("\n") + "\n", "saved": None, "why": ""}
    if no_change:
        config.update(saved=True, why="no configuration change since the last restart")
    elif changed and saved_at:
        config["saved"] = saved_at >= changed
        config["why"] = (f"last change {iso(changed)}, saved to NVRAM {iso(saved_at)}")
    elif changed:
        config.update(saved=False, why=f"last change {iso(changed)}, never saved to NVRAM "
                                       "since")
    else:
        config["why"] = "no configuration change stamps (clock not set?)"
    return config


_VOLATILE = re.compile(r"^\s*[+-]?\s*ntp clock-period\b")


def parse_archive_diff(text):
    """``show archive config differences`` (startup against running): ``!No changes were
    found``, or ``!Contextual Config Diffs:`` and ``+``/``-`` lines (ntp clock-period, which
    the clock rewrites, left out)."""
    require_text(text, "show archive config differences")
    lines = [line for line in lines_of(text) if line.strip()]
    header = any(re.match(r"^!\s*(Contextual Config Diffs|No changes were found)", line.strip(),
                          re.IGNORECASE) for line in lines)
    if not header:
        raise error("reason.not_understood", source="show archive config differences",
                    detail=lines[0].strip())
    changed = [line for line in lines if re.match(r"^\s*[+-]", line)
               and not _VOLATILE.match(line)]
    if changed:
        return {"saved": False, "why": differ(len(changed)), "diff": "\n".join(lines) + "\n"}
    return {"saved": True, "why": "no difference from the startup configuration"}


def differ(count):
    return (f"{count} line differs" if count == 1 else f"{count} lines differ") + \
        " from the startup configuration"


def merge_saved(config, state):
    """The running configuration section with the saved-state command's verdict laid over
    the header stamps' (the command decides when understood; its failure is kept)."""
    if state is None:
        return config
    if config is None:
        if is_failure(state):
            return state  # nothing else to say about the configuration
        config = {"running": None, "saved": None, "why": ""}
    if is_failure(config):
        return config
    if is_failure(state):
        config["saved_error"] = state
        if config["saved"] is None:
            config["why"] = "the saved-state command's output was not understood"
        return config
    config.update(saved=state["saved"], why=state["why"])
    if "diff" in state:
        config["diff"] = state["diff"]
    return config


# --------------------------------------------------------------------------- all

def parse_sources(raw, context=None):
    """The raw outputs of one IOS / IOS-XE device -> the network data (module doc)."""
    context = context or {}
    data = {"platform": PLATFORM}
    unparsed = {}

    def take(key, parser, *args):
        return section(parser, raw, key, *args)

    version = take("version", parse_version)
    if version is not None:
        data["device"] = version
    inventory = take("inventory", parse_inventory)
    if inventory is not None:
        if is_failure(inventory):
            data["inventory"] = inventory
        else:
            data["inventory"] = inventory["items"]
            if inventory["unparsed"]:
                unparsed["inventory"] = inventory["unparsed"]
    environment = take("environment", parse_environment)
    if environment is not None:
        for name in ("fans", "power_supplies", "temperatures"):
            data[name] = environment if is_failure(environment) else environment[name]
            if not is_failure(environment) and environment["unparsed"]:
                unparsed[name] = list(environment["unparsed"])
    for key, parser in (("cpu", parse_cpu), ("memory", parse_memory)):
        value = take(key, parser)
        if value is not None:
            data[key] = value
    collect_interfaces(data, unparsed, take("interfaces", parse_interfaces),
                       take("interfaces_brief", parse_interfaces_status),
                       take("transceivers", parse_transceivers))
    logs = section(parse_logging, raw, "logs", context)
    if logs is not None:
        data["logs"] = logs if is_failure(logs) else logs["items"]
        if not is_failure(logs) and logs["unparsed"]:
            unparsed["logs"] = logs["unparsed"]
    config = merge_saved(take("running_config", parse_running_config),
                         take("saved_state", parse_archive_diff))
    if config is not None:
        data["config"] = config
    finish(data, unparsed)
    return data


def collect_interfaces(data, unparsed, full, brief, optics):
    """``interfaces``: one list from the counters, the status table and the optics (any of
    them given); a failure of the first two is the section's. A transceiver output not
    understood or not gathered is ``optics`` (a failure section), the ports kept."""
    if optics is not None and is_failure(optics):
        data["optics"] = optics
        optics = None
    if full is None and brief is None and optics is None:
        return
    failed = [v for v in (full, brief) if v is not None and is_failure(v)]
    if failed:
        data["interfaces"] = failed[0]  # the optics have no ports to sit on: unknown too
        return
    data["interfaces"] = merge_interfaces(full, brief, optics)
    lines = []
    for value in (full, brief):
        if value is not None:
            lines += value["unparsed"]
    if lines:
        unparsed["interfaces"] = lines
    if optics is not None and optics["unparsed"]:
        unparsed["optics"] = list(optics["unparsed"])


def finish(data, unparsed):
    """``unparsed``: {section: [lines]}; the dict sections carry their own too."""
    if unparsed:
        data["unparsed"] = unparsed
        for name, lines in unparsed.items():
            value = data.get(name)
            if isinstance(value, dict) and not is_failure(value):
                value["unparsed"] = list(lines)
