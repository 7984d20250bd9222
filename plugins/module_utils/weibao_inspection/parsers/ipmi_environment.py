# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for the server environment read from a BMC over IPMI (the ``environment``
area, platform ``ipmi``).

Each ``parse_*`` function turns one command's output into plain data and raises
:class:`ParseError` (its reason a message of catalogue/environment.py) when the text is
empty, truncated or in a format it does not know. :func:`parse_sources` turns the raw
outputs (the collector's, or one saved output for ``weibao judge``) into the data
``rules/environment.py`` judges, in the shape :mod:`parsers.redfish_environment` makes too.

Formats (ipmitool 1.8.18/1.8.19 print formats: lib/ipmi_sdr.c, ipmi_sensor.c, ipmi_sel.c,
ipmi_chassis.c, ipmi_mc.c, ipmi_fru.c; freeipmi 1.4-1.6):

- ``ipmitool sdr elist`` (``sdr elist full``, ``sdr elist all``): ``name | 01h | ok | 3.1 |
  reading or states``; ``sdr list`` (``sdr list full``): ``name | reading | status``;
- ``ipmitool sensor`` (``sensor list``): ten columns, thresholds lnr lcr lnc unc ucr unr;
  discrete sensors' state as ``0xSSSS`` (offsets 0-7 in the first byte, 8-14 in the second);
- ``ipmitool sel elist`` (names) and ``sel list`` (``#0x08`` instead of names);
- ``ipmitool sel info``, ``chassis status``, ``mc info``, ``fru print``;
- freeipmi ``ipmi-sensors`` (with or without ``--output-sensor-state`` and
  ``--output-sensor-thresholds``) and ``ipmi-sel`` (with or without ``--output-event-state``).

A sensor is ``{"name", "kind", "state", "reading", "unit", "thresholds", "states",
"line"}``: ``kind`` one of temperature, fan, voltage, power_supply, redundancy, other;
``state`` ok, warning, critical, absent or unknown (a state this parser cannot read),
taken from the sensor's own status, thresholds and event states, never from the reading
alone.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers.sections import ParseError, failure, is_failure  # noqa: F401
from ansible.module_utils.weibao_inspection.parsers.sections import parse_source as _parse


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _lines(text, source):
    if text is None or not str(text).strip():
        raise ParseError("reason.empty", source=source)
    return [line.rstrip() for line in str(text).splitlines() if line.strip()]


def _float(token):
    try:
        return float(token)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- sensor states

# Event states (lower case, as ipmitool, freeipmi and Redfish say them) and what they mean.
# Checked in order: the first phrase found in a state decides it.
FAULT_STATES = (
    ("redundancy lost", "critical"), ("non-redundant:insufficient", "critical"),
    ("non-redundant: insufficient", "critical"), ("insufficient resources", "critical"),
    ("redundancy degraded", "warning"), ("non-redundant:sufficient", "warning"),
    ("non-redundant: sufficient", "warning"), ("non-redundant", "warning"),
    ("predictive failure", "warning"), ("failure detected", "critical"),
    ("ac lost", "critical"), ("input lost", "critical"), ("out-of-range", "critical"),
    ("out of range", "critical"), ("power off", "warning"), ("power down", "warning"),
    ("configuration error", "warning"), ("config error", "warning"),
    ("uncorrectable", "critical"), ("correctable", "warning"),
    ("ierr", "critical"), ("thermal trip", "critical"), ("machine check", "critical"),
    ("frb", "critical"), ("throttl", "warning"), ("drive fault", "critical"),
    ("fault status asserted", "critical"), ("fault", "critical"), ("failed", "critical"),
    ("failure", "critical"), ("in critical array", "critical"),
    ("in failed array", "critical"), ("rebuild", "warning"),
    ("intrusion", "warning"), ("non-recoverable", "critical"), ("non-critical", "warning"),
    ("critical", "critical"), ("limit exceeded", "warning"), ("limit reached", "warning"),
    ("hard reset", "warning"), ("power cycle", "warning"), ("timer expired", "warning"),
    ("timer interrupt", "warning"), ("almost full", "warning"), ("log full", "warning"),
    ("degraded", "warning"), ("warning", "warning"), ("error", "warning"),
)
OK_STATES = ("ok", "presence detected", "device present", "drive present", "fully redundant",
             "device enabled", "transition to running", "transition to ok", "processor presence "
             "detected", "state deasserted", "deasserted", "connected", "enabled", "running",
             "nominal", "normal", "within limits", "power supply presence detected",
             "transition to active", "device inserted/device present", "device inserted",
             "limit not exceeded", "drive presence", "presence", "fan presence",
             "presence detected.", "present", "s0/g0: working", "s0/g0 working")
ABSENT_STATES = ("device absent", "device removed", "not present", "absent",
                 "entity absent", "not readable", "no reading", "disabled", "not installed",
                 "unavailable")


def state_of(text):
    """(state, severity) of one event state's words: ``("fault", "critical")``,
    ``("ok", None)``, ``("absent", None)`` or ``("unknown", None)``."""
    words = " ".join(str(text).lower().replace("'", "").split())
    if not words:
        return "ok", None
    if words in ABSENT_STATES or words.startswith("device absent"):
        return "absent", None
    for phrase, severity in FAULT_STATES:
        if phrase in words:
            return "fault", severity
    if words in OK_STATES or words.startswith("transition to ok") \
            or words.endswith("presence detected") or words.startswith("device present"):
        return "ok", None
    return "unknown", None


def judge_states(states, kind):
    """A discrete sensor's state from its asserted event states."""
    worst = "ok"
    order = {"ok": 0, "unknown": 1, "warning": 2, "critical": 3}
    present = False
    for text in states:
        what, severity = state_of(text)
        if what == "absent":
            return "absent"
        if "presence detected" in text.lower() or "present" in text.lower().split():
            present = True
        value = severity if what == "fault" else ("unknown" if what == "unknown" else "ok")
        if order[value] > order[worst]:
            worst = value
    if kind == "power_supply" and worst == "ok" and not present \
            and not any(s.strip() for s in states):
        return "absent"  # a supply with no state asserted: presence not detected
    return worst


def kind_of(name, unit="", type_name="", entity=""):
    """temperature, fan, voltage, power_supply, redundancy or other."""
    lname, lunit, ltype = name.lower(), unit.lower(), type_name.lower()
    if "redundan" in lname or "redundan" in ltype:
        return "redundancy"
    if ltype in ("temperature",) or lunit in ("degrees c", "c", "degrees f", "f", "cel") \
            or "temp" in lname and not ltype:
        return "temperature"
    if ltype in ("fan", "cooling device") or lunit in ("rpm", "percent rpm") \
            or (not ltype and re.search(r"\bfans?\d*\b|^fan|fan\d", lname)):
        return "fan"
    if ltype in ("voltage",) or lunit in ("volts", "v"):
        return "voltage"
    if ltype in ("power supply",) or entity.split(".")[0] == "10" \
            or re.search(r"\bps\d|\bpsu|power supply|^ps ?\d|\bpwr ?supply|psu\d", lname):
        return "power_supply"
    return "other"


# --------------------------------------------------------------------------- sdr elist/list

# ipmitool's status column (ipmi_sdr.c ipmi_sdr_get_status): ok, ns (no reading: not present,
# scanning disabled), nc/cr/nr (1.8.18), lnc/unc/lcr/ucr/lnr/unr (1.8.19 sdr elist)
SDR_STATUS = {"ok": "ok", "ns": "absent", "nc": "warning", "lnc": "warning", "unc": "warning",
              "cr": "critical", "lcr": "critical", "ucr": "critical", "nr": "critical",
              "lnr": "critical", "unr": "critical"}
_UNITS_RE = re.compile(r"^(-?[0-9.]+)\s*(.*)$")


def _threshold_reading(text):
    match = _UNITS_RE.match(text.strip())
    if not match:
        return None, ""
    return _float(match.group(1)), match.group(2).strip()


def parse_sdr(text):
    """``ipmitool sdr elist`` (5 columns) or ``sdr list`` (3 columns) -> sensors."""
    sensors = []
    for line in _lines(text, "ipmitool sdr"):
        cols = [c.strip() for c in line.split("|")]
        if len(cols) == 5:
            name, number, status, entity, reading = cols
            if not re.match(r"^[0-9a-fA-F]{2}h$", number) or not re.match(r"^\d+\.\d+$", entity):
                raise ParseError("environment.reason.unexpected_line", source="ipmitool sdr",
                                 line=_head(line))
        elif len(cols) == 3:
            name, reading, status = cols
            number, entity = "", ""
        else:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sdr",
                             line=_head(line))
        status = status.lower()
        if status not in SDR_STATUS:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sdr",
                             line=_head(line))
        if re.match(r"^0x[0-9a-fA-F]+$", reading):
            # sdr list prints a discrete sensor's state bits, not their names: not judged
            # unless the status column says more than ok
            state = SDR_STATUS.get(status.lower())
            if state is None:
                raise ParseError("environment.reason.unexpected_line",
                                 source="ipmitool sdr", line=_head(line))
            sensors.append({"name": name, "kind": kind_of(name, "", "", entity),
                            "state": "unread" if state == "ok" else state, "reading": None,
                            "unit": "", "thresholds": {}, "states": [reading],
                            "status": status.lower(), "entity": entity,
                            "line": line.strip()})
            continue
        value, unit = _threshold_reading(reading)
        discrete = value is None or unit.lower() in ("", "hex")
        lowered = reading.lower()
        if value is not None and unit and unit.lower() not in ("hex",):
            states = []
        elif lowered in ("no reading", "disabled", "not readable", "na", "n/a"):
            states = [reading]
        else:
            states = [s.strip() for s in reading.split(",")] if reading else []
            if value is not None and unit.lower() == "hex":
                states = []
        kind = kind_of(name, "" if discrete else unit, "", entity)
        if any("redundan" in s.lower() for s in states):
            kind = "redundancy"
        state = SDR_STATUS[status]
        if state != "absent" and discrete:
            judged = judge_states(states, kind)
            if judged == "absent" or _rank(judged) > _rank(state):
                state = judged
        if state == "ok" and lowered in ("no reading", "disabled", "not readable"):
            state = "absent"
        sensors.append({"name": name, "kind": kind, "state": state,
                        "reading": None if discrete else value,
                        "unit": "" if discrete else unit, "thresholds": {},
                        "states": states, "status": status, "entity": entity,
                        "line": line.strip()})
    return sensors


_RANK = {"ok": 0, "absent": 0, "unknown": 1, "warning": 2, "critical": 3}


def _rank(state):
    return _RANK.get(state, 1)


# --------------------------------------------------------------------------- sensor

THRESHOLD_NAMES = ("lnr", "lcr", "lnc", "unc", "ucr", "unr")
SENSOR_STATUS = {"ok": "ok", "nc": "warning", "cr": "critical", "nr": "critical",
                 "ns": "absent", "na": "absent", "lnc": "warning", "unc": "warning",
                 "lcr": "critical", "ucr": "critical", "lnr": "critical", "unr": "critical"}
# sensor-specific offsets of the discrete sensors whose kind the name tells (IPMI 2.0 table
# 42-3): power supply (type 08h) and redundancy (generic reading type 0Bh)
PSU_OFFSETS = ("Presence detected", "Failure detected", "Predictive failure",
               "Power Supply AC lost", "AC lost or out-of-range", "AC out-of-range",
               "Configuration error")
REDUNDANCY_OFFSETS = ("Fully Redundant", "Redundancy Lost", "Redundancy Degraded",
                      "Non-redundant:Sufficient Resources from Redundant",
                      "Non-redundant:Sufficient Resources from Insufficient Resources",
                      "Non-redundant:Insufficient Resources",
                      "Redundancy Degraded from Fully Redundant",
                      "Redundancy Degraded from Non-redundant")


def _offsets(hex_state):
    value = int(hex_state, 16)
    first, second = (value >> 8) & 0xFF, value & 0xFF
    bits = first | (second << 8)
    return [i for i in range(15) if bits & (1 << i)]


def parse_sensor(text):
    """``ipmitool sensor`` -> sensors (thresholds lnr..unr where the BMC gives them)."""
    sensors = []
    for line in _lines(text, "ipmitool sensor"):
        cols = [c.strip() for c in line.split("|")]
        if len(cols) != 10:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sensor",
                             line=_head(line))
        name, reading, unit, status = cols[:4]
        thresholds = {}
        for key, value in zip(THRESHOLD_NAMES, cols[4:]):
            number = _float(value)
            if number is not None:
                thresholds[key] = number
            elif value.lower() not in ("na", ""):
                raise ParseError("environment.reason.unexpected_line",
                                 source="ipmitool sensor", line=_head(line))
        states = []
        if unit.lower() == "discrete":
            kind = kind_of(name)
            if status.lower() in ("na", "ns") or reading.lower() == "na":
                state = "absent"
            elif re.match(r"^0x[0-9a-fA-F]{4}$", status):
                offsets = _offsets(status[2:])
                table = PSU_OFFSETS if kind == "power_supply" else \
                    REDUNDANCY_OFFSETS if kind == "redundancy" else None
                if table is None:
                    states = [f"offset {i}" for i in offsets]
                    state = "unread"  # which states these are depends on the sensor type
                else:
                    states = [table[i] if i < len(table) else f"offset {i}" for i in offsets]
                    state = judge_states(states, kind)
            else:
                raise ParseError("environment.reason.unexpected_line",
                                 source="ipmitool sensor", line=_head(line))
            value = None
            unit = ""
        else:
            kind = kind_of(name, unit)
            key = status.lower()
            if key not in SENSOR_STATUS:
                raise ParseError("environment.reason.unexpected_line",
                                 source="ipmitool sensor", line=_head(line))
            value = _float(reading)
            if value is None and reading.lower() != "na":
                raise ParseError("environment.reason.unexpected_line",
                                 source="ipmitool sensor", line=_head(line))
            state = SENSOR_STATUS[key]
            if value is None:
                state = "absent"
        sensors.append({"name": name, "kind": kind, "state": state, "reading": value,
                        "unit": unit, "thresholds": thresholds, "states": states,
                        "status": status, "line": line.strip()})
    return sensors


# --------------------------------------------------------------------------- ipmi-sensors

FREEIPMI_STATE = {"nominal": "ok", "warning": "warning", "critical": "critical",
                  "n/a": None}


def _table(text, source, required):
    lines = _lines(text, source)
    header = [c.strip().lower() for c in lines[0].split("|")]
    if not all(r in header for r in required):
        raise ParseError("environment.reason.no_header", source=source, line=_head(lines[0]))
    rows = []
    for line in lines[1:]:
        cols = [c.strip() for c in line.split("|")]
        if len(cols) < len(header):
            raise ParseError("environment.reason.unexpected_line", source=source,
                             line=_head(line))
        if len(cols) > len(header):  # a '|' inside the last column
            cols = cols[:len(header) - 1] + [" | ".join(cols[len(header) - 1:])]
        rows.append((dict(zip(header, cols)), line.strip()))
    return rows


def _quoted(text):
    found = re.findall(r"'([^']*)'", text)
    return found if found else ([text] if text and text.upper() != "N/A" else [])


def parse_ipmi_sensors(text):
    """freeipmi ``ipmi-sensors`` -> sensors."""
    sensors = []
    for row, line in _table(text, "ipmi-sensors", ("name", "type", "reading", "event")):
        events = _quoted(row["event"])
        value = _float(row["reading"])
        unit = row.get("units", "")
        kind = kind_of(row["name"], unit if value is not None else "", row["type"])
        if any("redundan" in e.lower() for e in events):
            kind = "redundancy"
        thresholds = {}
        for col, key in (("lower nr", "lnr"), ("lower c", "lcr"), ("lower nc", "lnc"),
                         ("upper nc", "unc"), ("upper c", "ucr"), ("upper nr", "unr")):
            number = _float(row.get(col))
            if number is not None:
                thresholds[key] = number
        lowered = [e.lower() for e in events]
        if row["event"].upper() == "N/A" or any(e in ("sensor not readable", "n/a")
                                                 for e in lowered) \
                or (value is None and row["reading"].upper() == "N/A" and not events):
            state = "absent"
        elif lowered == ["ok"]:
            state = "ok"
        elif value is not None and all(e.startswith("at or ") for e in lowered):
            state = "warning"
            for e in lowered:
                if "critical" in e and "non-critical" not in e or "non-recoverable" in e:
                    state = "critical"
        else:
            state = judge_states(events, kind)
        declared = FREEIPMI_STATE.get(row.get("state", "n/a").lower())
        if declared and state not in ("absent",) and _rank(declared) > _rank(state):
            state = declared
        sensors.append({"name": row["name"], "kind": kind, "state": state,
                        "reading": value, "unit": unit if value is not None else "",
                        "thresholds": thresholds, "states": events,
                        "status": row.get("state", ""), "line": line})
    return sensors


# --------------------------------------------------------------------------- SEL

# ipmitool's sensor type names (ipmi_sel.c sensor_type_desc), longest first when matching
SENSOR_TYPES = (
    "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security",
    "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other", "Memory",
    "Drive Slot / Bay", "Drive Slot (Bay)", "POST Memory Resize", "System Firmwares",
    "System Firmware Progress", "Event Logging Disabled", "Watchdog1", "Watchdog 1",
    "System Event", "Critical Interrupt", "Button", "Button / Switch", "Module / Board",
    "Microcontroller", "Add-in Card", "Chassis", "Chip Set", "Other FRU",
    "Cable / Interconnect", "Terminator", "System Boot Initiated", "Boot Error", "OS Boot",
    "OS Critical Stop", "Slot / Connector", "System ACPI Power State", "Watchdog2",
    "Watchdog 2", "Platform Alert", "Entity Presence", "Monitor ASIC", "LAN",
    "Management Subsys Health", "Management Subsystem Health", "Battery", "Session Audit",
    "Version Change", "FRU State", "Unknown", "OEM reserved",
)
_TYPES_LONGEST = sorted(SENSOR_TYPES, key=len, reverse=True)

CLASSES = ("power_supply", "fan", "temperature", "voltage", "memory", "processor",
           "intrusion", "drive", "watchdog", "other")
_TYPE_CLASS = {"power supply": "power_supply", "power unit": "power_supply",
               "fan": "fan", "cooling device": "fan", "temperature": "temperature",
               "voltage": "voltage", "current": "voltage", "memory": "memory",
               "post memory resize": "memory", "processor": "processor",
               "critical interrupt": "processor", "physical security": "intrusion",
               "platform security": "intrusion", "drive slot / bay": "drive",
               "drive slot (bay)": "drive", "watchdog1": "watchdog", "watchdog 1": "watchdog",
               "watchdog2": "watchdog", "watchdog 2": "watchdog"}


def classify(sensor_type, event, sensor=""):
    """The class of a hardware event (power_supply, fan, ... other)."""
    cls = _TYPE_CLASS.get(sensor_type.lower())
    if cls:
        return cls
    words = f"{sensor_type} {sensor} {event}".lower()
    for pattern, cls in ((r"\becc\b|dimm|memory", "memory"), (r"\bpsu?\d*\b|power supply|ac lost"
                                                               r"|input lost", "power_supply"),
                         (r"\bfan", "fan"), (r"temp|thermal", "temperature"),
                         (r"volt|\bvcc|\bv\d", "voltage"), (r"\bcpu|processor|ierr|machine check",
                                                            "processor"),
                         (r"intrusion|chassis open", "intrusion"),
                         (r"drive|disk|\bhdd|\bssd|slot", "drive"), (r"watchdog", "watchdog")):
        if re.search(pattern, words):
            return cls
    return "other"


def event_severity(event, direction, sensor_type=""):
    """critical, warning, info (nothing wrong) or recovery (a fault deasserted)."""
    what, severity = state_of(event)
    lowered = event.lower()
    if sensor_type.lower() in ("physical security", "platform security") \
            and what != "fault" and "intrusion" in lowered:
        what, severity = "fault", "warning"
    if direction == "deasserted":
        if what == "fault":
            return "recovery"
        if "presence detected" in lowered or "device present" in lowered \
                or "drive present" in lowered:
            return "warning"  # a part no longer present: removed or failed
        return "info"
    if what == "fault":
        return severity
    if lowered.startswith("device absent") or lowered.startswith("device removed"):
        return "warning"
    return "info"


_DATE_RE = re.compile(r"^(\d\d)/(\d\d)/(\d\d|\d{4})$")
_TIME_RE = re.compile(r"^(\d\d):(\d\d):(\d\d)(?:\s+(UTC|GMT|[A-Z]{3,4}|[+-]\d\d:?\d\d))?$")
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul",
                                           "aug", "sep", "oct", "nov", "dec"))}


def _sel_time(date, clock):
    """ISO time of an SEL entry, or None (Pre-Init / PostInit: the BMC's clock was not set)."""
    match = _DATE_RE.match(date.strip())
    year = month = day = None
    if match:
        month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year += 2000 if year < 100 else 0
    else:
        found = re.match(r"^([A-Za-z]{3})-(\d\d)-(\d{4})$", date.strip())  # freeipmi
        if found and found.group(1).lower() in _MONTHS:
            month, day, year = _MONTHS[found.group(1).lower()], int(found.group(2)), \
                int(found.group(3))
    clock_match = _TIME_RE.match(clock.strip())
    if year is None or not clock_match:
        return None
    hh, mm, ss = (int(clock_match.group(i)) for i in (1, 2, 3))
    return f"{year:04d}-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"


_PRE_INIT = ("pre-init", "postinit", "pre init", "post init", "pre-init time")


def _sel_entry(record_id, when, pre_init, sensor_type, sensor, event, direction, detail, line):
    return {"id": record_id, "time": when, "pre_init": pre_init, "sensor_type": sensor_type,
            "sensor": sensor, "event": event, "direction": direction, "detail": detail,
            "class": classify(sensor_type, event, sensor),
            "severity": event_severity(event, direction, sensor_type), "line": line.strip()}


def _split_type(text):
    for name in _TYPES_LONGEST:
        if text == name or text.startswith(name + " "):
            return name, text[len(name):].strip()
    return "", text


def parse_sel_elist(text):
    """``ipmitool sel elist`` / ``sel list`` -> {"entries": [...], "names": bool}."""
    lines = _lines(text, "ipmitool sel")
    if len(lines) == 1 and lines[0].strip().lower() == "sel has no entries":
        return {"entries": [], "names": True}
    entries = []
    names = False
    for line in lines:
        if line.strip().lower() in ("sel has no entries",):
            continue
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 2 and re.match(r"^\s*[0-9a-fA-F]+\s*$", cols[0]) \
                and cols[1].lower().startswith("pre-init"):
            # Pre-Init: "  1 |  Pre-Init  |0000003572| Memory DIMM ECC | ... "
            date, clock, rest = "", "", cols[3:]
            pre_init = True
        elif len(cols) >= 5 and re.match(r"^[0-9a-fA-F]+$", cols[0]):
            date, clock, rest = cols[1], cols[2], cols[3:]
            pre_init = False
        else:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sel",
                             line=_head(line))
        if not rest:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sel",
                             line=_head(line))
        record_id = int(cols[0], 16)
        sensor_type, sensor = _split_type(rest[0])
        if rest[0].lower().startswith("oem record") or (not sensor_type and len(rest) < 2):
            entries.append(_sel_entry(record_id, None if pre_init else _sel_time(date, clock),
                                      pre_init, "OEM", "", rest[0], None,
                                      " | ".join(rest[1:]), line))
            continue
        if not sensor_type:
            sensor_type, sensor = "", rest[0]
        if sensor and not sensor.startswith("#"):
            names = True
        event = rest[1] if len(rest) > 1 else ""
        direction = None
        detail = ""
        if len(rest) > 2:
            word = rest[2].lower()
            if word in ("asserted", "deasserted"):
                direction = word
                detail = " | ".join(rest[3:])
            else:
                detail = " | ".join(rest[2:])
        when = None if pre_init else _sel_time(date, clock)
        if not pre_init and when is None:
            raise ParseError("environment.reason.unexpected_line", source="ipmitool sel",
                             line=_head(line))
        entries.append(_sel_entry(record_id, when, pre_init, sensor_type, sensor, event,
                                  direction, detail, line))
    return {"entries": entries, "names": names}


def parse_ipmi_sel(text):
    """freeipmi ``ipmi-sel`` -> {"entries": [...], "names": True}."""
    entries = []
    for row, line in _table(text, "ipmi-sel", ("id", "date", "time", "name", "type",
                                                "event")):
        try:
            record_id = int(row["id"])
        except ValueError:
            raise ParseError("environment.reason.unexpected_line", source="ipmi-sel",
                             line=_head(line)) from None
        pre_init = row["date"].lower() in _PRE_INIT
        when = None if pre_init else _sel_time(row["date"], row["time"])
        if not pre_init and when is None and row["date"].upper() != "N/A":
            raise ParseError("environment.reason.unexpected_line", source="ipmi-sel",
                             line=_head(line))
        event, _, detail = row["event"].partition(" ; ")
        direction = None
        direction_text = (row.get("event direction") or "").lower()
        if direction_text.startswith("deassert"):
            direction = "deasserted"
        elif direction_text.startswith("assert"):
            direction = "asserted"
        event = event.replace(" - going", " going").strip()
        entries.append(_sel_entry(record_id, when, pre_init, row["type"], row["name"], event,
                                  direction, detail, line))
    return {"entries": entries, "names": True}


# --------------------------------------------------------------------------- key: value


def _pairs(text, source):
    pairs = {}
    for line in _lines(text, source):
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        if key.strip() and not key.startswith(" "):
            pairs.setdefault(key.strip(), value.strip())
    if not pairs:
        raise ParseError("environment.reason.not_understood", source=source,
                         text=_head(text))
    return pairs


def _int(text):
    match = re.match(r"^\s*(\d+)", text or "")
    return int(match.group(1)) if match else None


def parse_sel_info(text):
    """``ipmitool sel info`` -> entries, percent used, free bytes, overflow, times."""
    pairs = _pairs(text, "ipmitool sel info")
    if "Entries" not in pairs:
        raise ParseError("environment.reason.missing_field", source="ipmitool sel info",
                         field="Entries")
    entries = _int(pairs["Entries"])
    if entries is None:
        raise ParseError("environment.reason.not_understood", source="ipmitool sel info",
                         text=_head(pairs["Entries"]))
    used = pairs.get("Percent Used", "")
    percent = _float(used.rstrip("%").strip()) if used and "unknown" not in used.lower() \
        else None
    return {"entries": entries, "percent_used": percent,
            "free_bytes": _int(pairs.get("Free Space", "")),
            "overflow": pairs.get("Overflow", "").lower() == "true",
            "last_add": pairs.get("Last Add Time", ""), "last_del": pairs.get("Last Del Time", ""),
            "version": pairs.get("Version", "")}


CHASSIS_FIELDS = ("System Power", "Power Overload", "Main Power Fault", "Power Control Fault",
                  "Last Power Event", "Chassis Intrusion", "Drive Fault", "Cooling/Fan Fault",
                  "Power Interlock", "Power Restore Policy", "Front-Panel Lockout")


def parse_chassis_status(text):
    """``ipmitool chassis status`` -> power state, faults, intrusion, last power event."""
    pairs = _pairs(text, "ipmitool chassis status")
    if "System Power" not in pairs:
        raise ParseError("environment.reason.missing_field", source="ipmitool chassis status",
                         field="System Power")
    faults = []
    for name in ("Power Overload", "Main Power Fault", "Power Control Fault", "Drive Fault",
                 "Cooling/Fan Fault"):
        if pairs.get(name, "").lower() == "true":
            faults.append(name)
    return {"power": pairs["System Power"].lower(), "faults": faults,
            "intrusion": pairs.get("Chassis Intrusion", "").lower() == "active",
            "last_power_event": pairs.get("Last Power Event", ""),
            "fields": {k: pairs[k] for k in CHASSIS_FIELDS if k in pairs}}


def parse_mc_info(text):
    """``ipmitool mc info`` -> the BMC's firmware as an inventory item."""
    pairs = _pairs(text, "ipmitool mc info")
    if "Firmware Revision" not in pairs:
        raise ParseError("environment.reason.missing_field", source="ipmitool mc info",
                         field="Firmware Revision")
    name = pairs.get("Product Name", "")
    if not name or name.lower().startswith("unknown"):
        name = "BMC"
    return [{"name": "BMC", "version": pairs["Firmware Revision"], "id": "bmc",
             "manufacturer": pairs.get("Manufacturer Name", ""), "model": name,
             "ipmi_version": pairs.get("IPMI Version", "")}]


def parse_fru(text):
    """``ipmitool fru print`` -> inventory items (one per FRU device that answers)."""
    lines = _lines(text, "ipmitool fru print")
    devices, current = [], None
    for line in lines:
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "FRU Device Description":
            current = {"device": value, "fields": {}}
            devices.append(current)
        elif current is not None:
            current["fields"][key] = value
    if not devices:
        raise ParseError("environment.reason.not_understood", source="ipmitool fru print",
                         text=_head(text))
    items = []
    for device in devices:
        fields = device["fields"]
        version = fields.get("Product Version") or fields.get("Board Version") \
            or fields.get("Product Extra") or ""
        name = fields.get("Product Name") or fields.get("Board Product") or device["device"]
        if not fields:
            continue  # "Device not present": nothing to list
        items.append({"name": name, "version": version, "id": device["device"],
                      "manufacturer": fields.get("Product Manufacturer")
                      or fields.get("Board Mfg", ""),
                      "serial": fields.get("Product Serial") or fields.get("Board Serial", "")})
    return items


# --------------------------------------------------------------------------- sources


SENSOR_SOURCES = (("sdr_elist", parse_sdr, "ipmitool sdr elist"),
                  ("sensor", parse_sensor, "ipmitool sensor"),
                  ("ipmi_sensors", parse_ipmi_sensors, "ipmi-sensors"))


def merge_sensors(lists):
    """Several sources' sensors as one list: a sensor (by name) keeps the worst state any
    source gives it and the thresholds and states of all of them."""
    merged, order = {}, []
    for sensors in lists:
        seen = {}
        for sensor in sensors:
            # two sensors of one name in one output (Dell's "Temp" of each CPU) stay two
            name = sensor["name"].lower()
            seen[name] = seen.get(name, 0) + 1
            key = (name, seen[name])
            if key not in merged:
                merged[key] = dict(sensor, thresholds=dict(sensor["thresholds"]),
                                   states=list(sensor["states"]), lines=[sensor["line"]])
                order.append(key)
                continue
            have = merged[key]
            have["lines"].append(sensor["line"])
            for name, value in sensor["thresholds"].items():
                have["thresholds"].setdefault(name, value)
            if have["reading"] is None and sensor["reading"] is not None:
                have["reading"], have["unit"] = sensor["reading"], sensor["unit"]
            if have["kind"] == "other" and sensor["kind"] != "other":
                have["kind"] = sensor["kind"]
            for s in sensor["states"] if sensor["state"] != "unread" else ():
                if s not in have["states"]:
                    have["states"].append(s)
            mine, theirs = have["state"], sensor["state"]
            replaces = theirs != "unread" if mine in ("unread", "unknown") else (
                theirs not in ("unread", "absent") and _rank(theirs) > _rank(mine))
            if replaces:
                have["state"] = theirs
    return [merged[k] for k in order]


def parse_sources(raw, context=None):
    """The raw outputs of the environment area over IPMI -> the data its rules judge.

    ``raw`` keys (each the command's text, or ``{"error": message, "cause": cause}``):
    ``sdr_elist``, ``sensor``, ``ipmi_sensors`` (sensors), ``sel_elist`` or ``ipmi_sel``
    (the SEL), ``sel_info``, ``chassis_status``, ``mc_info``, ``fru``. Absent keys were not
    collected; the sections they feed are absent too.

    Data: ``sensors`` ({"entries": [...], "sources": [...]} or a failure section; the
    failures of sources that could not be read beside readable ones in ``errors``),
    ``event_log`` ({"entries", "names", "source"}), ``event_log_info``, ``chassis``,
    ``firmware`` ({"items": [...]}), ``protocol`` "ipmi".
    """
    data = {"protocol": "ipmi"}
    lists, errors, sources = [], [], []
    for key, parser, name in SENSOR_SOURCES:
        section = _parse(raw, key, parser)
        if section is None:
            continue
        if is_failure(section):
            errors.append(section)
        else:
            lists.append(section)
            sources.append(name)
    if lists:
        data["sensors"] = {"entries": merge_sensors(lists), "sources": sources,
                           "errors": errors}
    elif errors:
        data["sensors"] = errors[0]
    for key, name in (("sel_elist", "ipmitool sel elist"), ("ipmi_sel", "ipmi-sel")):
        section = _parse(raw, key, parse_sel_elist if key == "sel_elist" else parse_ipmi_sel)
        if section is None:
            continue
        if not is_failure(section):
            section["source"] = name
            data["event_log"] = section
            break
        data.setdefault("event_log", section)
    for key, name, parser in (("sel_info", "event_log_info", parse_sel_info),
                              ("chassis_status", "chassis", parse_chassis_status)):
        section = _parse(raw, key, parser)
        if section is not None:
            data[name] = section
    items, fw_errors = [], []
    for key, parser in (("mc_info", parse_mc_info), ("fru", parse_fru)):
        section = _parse(raw, key, parser)
        if section is None:
            continue
        if is_failure(section):
            fw_errors.append(section)
        else:
            items.extend(section)
    if items or fw_errors:
        data["firmware"] = {"items": items, "errors": fw_errors} if items or not fw_errors \
            else fw_errors[0]
    return data
