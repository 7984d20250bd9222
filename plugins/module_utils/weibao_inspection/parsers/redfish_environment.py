# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for the server environment read from a BMC over Redfish (the
``environment`` area, platform ``redfish``): the JSON of the resources, into the data shape
:mod:`parsers.ipmi_environment` makes, judged by ``rules/environment.py``.

Resources (DMTF schemas; Dell iDRAC, HPE iLO, Lenovo XCC, Supermicro, Huawei iBMC, Inspur and
OpenBMC add Oem blocks, which are ignored):

- ``Chassis/{id}`` (Chassis.v1: PowerState, Status, PhysicalSecurity.IntrusionSensor);
- ``Chassis/{id}/Thermal`` (Thermal.v1: Temperatures, Fans, Redundancy);
- ``Chassis/{id}/Power`` (Power.v1: PowerSupplies, Voltages, Redundancy);
- ``Systems/{id}`` (ComputerSystem.v1: PowerState, Status, BiosVersion);
- ``.../LogServices/{id}/Entries`` (LogEntryCollection, members expanded: LogEntry.v1);
- ``UpdateService/FirmwareInventory`` (members expanded: SoftwareInventory.v1);
- ``Managers/{id}`` (Manager.v1: FirmwareVersion).

A member whose ``Status.State`` is ``Absent`` is absent: neither a fault nor ok. Otherwise a
sensor's state is the worst of its ``Status.Health`` and its reading against its own
thresholds (``UpperThresholdNonCritical`` / ``Critical`` / ``Fatal`` and the lower ones).
"""

from __future__ import annotations

import json
import re

from ansible.module_utils.weibao_inspection.parsers.ipmi_environment import (
    ParseError,
    _head,
    _rank,
    classify,
    is_failure,
)
from ansible.module_utils.weibao_inspection.parsers.sections import parse_source as _parse

HEALTH = {"ok": "ok", "warning": "warning", "critical": "critical"}
ABSENT = ("absent",)
# States that mean "not in service": shown as absent, never judged
OFFLINE = ("absent", "disabled", "standbyoffline", "unavailableoffline")


def load(text, source):
    if text is None or not str(text).strip():
        raise ParseError("reason.empty", source=source)
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ParseError("environment.reason.bad_json", source=source,
                         detail=_head(str(exc))) from None
    if not isinstance(value, dict):
        raise ParseError("environment.reason.not_understood", source=source,
                         text=_head(text))
    if "error" in value and isinstance(value["error"], dict):
        detail = value["error"].get("message") or value["error"].get("code") or ""
        raise ParseError("environment.reason.redfish_error", source=source,
                         detail=_head(detail))
    return value


def _status(member):
    status = member.get("Status") or {}
    if not isinstance(status, dict):
        status = {}
    return str(status.get("State") or ""), str(status.get("Health") or "")


def _said(state, health):
    """A member's Status as words: ``State Enabled``, ``Health Critical``."""
    return [f"{name} {value}" for name, value in (("State", state), ("Health", health)) if value]


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


THRESHOLDS = (("LowerThresholdFatal", "lnr"), ("LowerThresholdCritical", "lcr"),
              ("LowerThresholdNonCritical", "lnc"), ("UpperThresholdNonCritical", "unc"),
              ("UpperThresholdCritical", "ucr"), ("UpperThresholdFatal", "unr"))


def _against(reading, thresholds):
    """warning/critical/ok of a reading against the sensor's own thresholds."""
    if reading is None:
        return "ok"
    for key in ("unr", "ucr"):
        if key in thresholds and reading >= thresholds[key]:
            return "critical"
    for key in ("lnr", "lcr"):
        if key in thresholds and reading <= thresholds[key]:
            return "critical"
    if "unc" in thresholds and reading >= thresholds["unc"]:
        return "warning"
    if "lnc" in thresholds and reading <= thresholds["lnc"]:
        return "warning"
    return "ok"


def _sensor(member, kind, reading_key, unit, source):
    name = member.get("Name") or member.get("FanName") or member.get("MemberId") or "?"
    state, health = _status(member)
    reading = _number(member.get(reading_key))
    thresholds = {}
    for field, key in THRESHOLDS:
        value = member.get(field)
        if isinstance(value, dict):  # Sensor.v1 style {"Reading": n}
            value = value.get("Reading")
        number = _number(value)
        if number is not None:
            thresholds[key] = number
    if reading_key == "Reading" and member.get("ReadingUnits"):
        unit = str(member["ReadingUnits"])
    if state.lower() in OFFLINE:
        judged = "absent"
    else:
        from_health = HEALTH.get(health.lower())
        if health and from_health is None:
            judged = "unknown"
        else:
            judged = _against(reading, thresholds)
            if from_health and _rank(from_health) > _rank(judged):
                judged = from_health
            if not health and reading is None:
                judged = "unknown"
    line = f"{name}: State {state or '-'}, Health {health or '-'}"
    if reading is not None:
        line += f", reading {member.get(reading_key)} {unit}".rstrip()
    if thresholds:
        line += ", " + ", ".join(f"{k} {v:g}" for k, v in thresholds.items())
    return {"name": str(name), "kind": kind, "state": judged, "reading": reading,
            "unit": unit, "thresholds": thresholds, "states": _said(state, health),
            "status": health, "line": line}


def _list(resource, key, source):
    value = resource.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise ParseError("environment.reason.not_understood", source=source,
                         text=_head(json.dumps(value)[:200]))
    return value


def _redundancy(resource, source):
    out = []
    for member in _list(resource, "Redundancy", source):
        name = member.get("Name") or member.get("MemberId") or "Redundancy"
        state, health = _status(member)
        judged = "absent" if state.lower() in OFFLINE else HEALTH.get(health.lower(), "unknown")
        mode = member.get("Mode") or ""
        out.append({"name": str(name), "kind": "redundancy", "state": judged, "reading": None,
                    "unit": "", "thresholds": {}, "states": _said(state, health),
                    "status": health,
                    "line": f"{name}: Mode {mode or '-'}, State {state or '-'}, "
                            f"Health {health or '-'}"})
    return out


def parse_thermal(text):
    source = "Thermal"
    resource = load(text, source)
    if "Temperatures" not in resource and "Fans" not in resource:
        raise ParseError("environment.reason.missing_field", source=source,
                         field="Temperatures")
    sensors = [_sensor(m, "temperature", "ReadingCelsius", "degrees C", source)
               for m in _list(resource, "Temperatures", source)]
    sensors += [_sensor(m, "fan", "Reading", "RPM", source)
                for m in _list(resource, "Fans", source)]
    return sensors + _redundancy(resource, source)


def parse_power(text):
    source = "Power"
    resource = load(text, source)
    if "PowerSupplies" not in resource and "Voltages" not in resource:
        raise ParseError("environment.reason.missing_field", source=source,
                         field="PowerSupplies")
    sensors = []
    for member in _list(resource, "PowerSupplies", source):
        sensor = _sensor(member, "power_supply", "LineInputVoltage", "V", source)
        sensor["reading"] = None  # the input voltage is shown, not judged
        sensors.append(sensor)
    sensors += [_sensor(m, "voltage", "ReadingVolts", "V", source)
                for m in _list(resource, "Voltages", source)]
    return sensors + _redundancy(resource, source)


def parse_chassis(text):
    source = "Chassis"
    resource = load(text, source)
    if "PowerState" not in resource and "Status" not in resource:
        raise ParseError("environment.reason.missing_field", source=source, field="PowerState")
    state, health = _status(resource)
    rollup = str((resource.get("Status") or {}).get("HealthRollup") or "")
    intrusion = str((resource.get("PhysicalSecurity") or {}).get("IntrusionSensor") or "")
    faults = []
    if health.lower() in ("warning", "critical"):
        faults.append(f"Status.Health {health}")
    return {"power": str(resource.get("PowerState") or "").lower(), "faults": faults,
            "health": health, "health_rollup": rollup,
            "intrusion": intrusion.lower() in ("hardwareintrusion", "tamperingdetected"),
            "intrusion_sensor": intrusion, "last_power_event": "",
            "fields": {"Id": str(resource.get("Id") or ""), "PowerState":
                       str(resource.get("PowerState") or ""), "Health": health,
                       "HealthRollup": rollup, "IntrusionSensor": intrusion}}


def parse_system(text):
    source = "ComputerSystem"
    resource = load(text, source)
    if "PowerState" not in resource:
        raise ParseError("environment.reason.missing_field", source=source, field="PowerState")
    state, health = _status(resource)
    return {"power": str(resource["PowerState"]).lower(), "health": health,
            "health_rollup": str((resource.get("Status") or {}).get("HealthRollup") or ""),
            "bios": str(resource.get("BiosVersion") or ""),
            "model": str(resource.get("Model") or ""),
            "manufacturer": str(resource.get("Manufacturer") or "")}


def _members(text, source):
    resource = load(text, source)
    if "Members" not in resource:
        raise ParseError("environment.reason.missing_field", source=source, field="Members")
    members = resource["Members"]
    if not isinstance(members, list):
        raise ParseError("environment.reason.not_understood", source=source,
                         text=_head(json.dumps(members)[:200]))
    for member in members:
        if not isinstance(member, dict) or (set(member) <= {"@odata.id"}):
            raise ParseError("environment.reason.not_expanded", source=source)
    count = resource.get("Members@odata.count")
    if isinstance(count, int) and count > len(members) and not resource.get(
            "Members@odata.nextLink"):
        raise ParseError("reason.truncated", source=source)
    return resource, members


_ASSERT = {"assert": "asserted", "deassert": "deasserted"}


def _redfish_severity(member, event, direction):
    from ansible.module_utils.weibao_inspection.parsers.ipmi_environment import event_severity

    severity = str(member.get("Severity") or "").lower()
    guessed = event_severity(event, direction, str(member.get("SensorType") or ""))
    if direction == "deasserted":
        if guessed == "warning" or severity in ("ok", "") and guessed != "info":
            return guessed
        return "recovery" if severity == "ok" else "info"
    if severity == "critical":
        return "critical"
    if severity == "warning":
        return "warning" if guessed != "critical" else "critical"
    if severity == "ok":
        return "recovery" if guessed in ("critical", "warning") and re.search(
            r"(?i)(restored|recovered|returned|normal|deassert)", event) else "info"
    return guessed


def parse_log_entries(text):
    source = "LogEntries"
    resource, members = _members(text, source)
    entries = []
    for index, member in enumerate(members):
        ident = str(member.get("Id") or member.get("MemberId") or index + 1)
        record_id = int(ident) if ident.isdigit() else None
        message = str(member.get("Message") or member.get("MessageId") or "")
        code = str(member.get("EntryCode") or "")
        direction = _ASSERT.get(code.lower())
        if direction is None and re.search(r"(?i)\bdeasserted\b", message):
            direction = "deasserted"
        sensor_type = str(member.get("SensorType") or "")
        created = str(member.get("Created") or "") or None
        severity = _redfish_severity(member, message, direction)
        entries.append({"id": record_id, "ident": ident, "time": created,
                        "pre_init": False, "sensor_type": sensor_type,
                        "sensor": str(member.get("Name") or ""), "event": message,
                        "direction": direction, "detail": str(member.get("MessageId") or ""),
                        "class": classify(sensor_type, message, str(member.get("Name") or "")),
                        "severity": severity,
                        "line": f"{ident} | {created or '-'} | {member.get('Severity') or '-'}"
                                f" | {sensor_type or '-'} | {message}"})
    return {"entries": entries, "names": True, "source": "LogServices Entries",
            "max_records": None}


def parse_firmware_inventory(text):
    source = "FirmwareInventory"
    _resource, members = _members(text, source)
    items = []
    for member in members:
        state, health = _status(member)
        items.append({"name": str(member.get("Name") or member.get("Id") or "?"),
                      "version": str(member.get("Version") or ""),
                      "id": str(member.get("Id") or ""), "updateable": member.get("Updateable"),
                      "state": state, "health": health})
    return items


def parse_manager(text):
    source = "Manager"
    resource = load(text, source)
    if "FirmwareVersion" not in resource:
        raise ParseError("environment.reason.missing_field", source=source,
                         field="FirmwareVersion")
    return [{"name": str(resource.get("Name") or resource.get("Model") or "BMC"),
             "version": str(resource["FirmwareVersion"]), "id": str(resource.get("Id") or ""),
             "model": str(resource.get("Model") or "")}]


def parse_sources(raw, context=None):
    """The raw outputs of the environment area over Redfish -> the data its rules judge.

    ``raw`` keys, each the JSON text of the resource (collections with their Members
    expanded) or ``{"error": message, "cause": cause}``: ``chassis``, ``thermal``, ``power``,
    ``system``, ``log_entries``, ``firmware_inventory``, ``manager``. Same data as
    :func:`parsers.ipmi_environment.parse_sources` (``event_log_info`` never: a Redfish log
    service says no fill level the way ``sel info`` does).
    """
    data = {"protocol": "redfish"}
    lists, errors, sources = [], [], []
    for key, parser, name in (("thermal", parse_thermal, "Thermal"),
                              ("power", parse_power, "Power")):
        section = _parse(raw, key, parser)
        if section is None:
            continue
        if is_failure(section):
            errors.append(section)
        else:
            lists.append(section)
            sources.append(name)
    if lists:
        data["sensors"] = {"entries": [s for part in lists for s in part], "sources": sources,
                           "errors": errors}
    elif errors:
        data["sensors"] = errors[0]
    chassis = _parse(raw, "chassis", parse_chassis)
    system = _parse(raw, "system", parse_system)
    if chassis is not None:
        data["chassis"] = chassis
    if system is not None:
        data["system"] = system
    log = _parse(raw, "log_entries", parse_log_entries)
    if log is not None:
        data["event_log"] = log
    items, fw_errors = [], []
    for key, parser in (("manager", parse_manager),
                        ("firmware_inventory", parse_firmware_inventory)):
        section = _parse(raw, key, parser)
        if section is None:
            continue
        if is_failure(section):
            fw_errors.append(section)
        else:
            items.extend(section)
    if system is not None and not is_failure(system) and system.get("bios") \
            and "firmware_inventory" not in raw:
        items.append({"name": "BIOS", "version": system["bios"], "id": "bios"})
    if items or fw_errors:
        data["firmware"] = {"items": items, "errors": fw_errors} if items else fw_errors[0]
    return data
