# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an H3C (or HPE) Comware 5 / Comware 7 switch or wireless controller (S and WX
series) for the ``network`` area. Pure functions: text -> data, never a judgement.

Commands (the registry's Sources, sent in one SSH session by the collector):
``display version``, ``display device manuinfo``, ``display device``, ``display fan``,
``display power``, ``display environment``, ``display alarm``, ``display cpu-usage``,
``display memory``, ``display interface``, ``display interface brief``,
``display logbuffer``, ``display current-configuration``, ``display saved-configuration``.

Whether the configuration is saved: Comware has no single "saved?" answer on every release,
so the running configuration (``display current-configuration``) is compared with the one
saved for the next startup (``display saved-configuration``), line by line once the
separator lines (``#``) and the blank ones are left out. Either missing: unknown. A device
that answers "The config file does not exist" (no configuration ever saved) is not saved.

Formats: real captures in networktocode/ntc-templates tests/hp_comware/* (display interface,
display interface brief, display device manuinfo) and H3C's command references (display
version, display device, display fan, display power, display environment, display alarm,
display cpu-usage, display memory, display logbuffer) for S5120 (Comware 5.20), S6850
(Comware 7.1.070) and WX3520H. Tables are read by their header row; a row not understood
inside a known table is kept as ``unparsed`` and makes the dependent check unknown. Chinese
state words (正常, 不在位, 故障 ...) are read as their English; other Chinese output is not
understood.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers import huawei_vrp_network as vrp
from ansible.module_utils.weibao_inspection.parsers import network_common as nc
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

PLATFORM = "hp_comware"
VENDOR = "h3c"

ZH = {"正常": "Normal", "不在位": "Absent", "故障": "Fault", "在位": "Present",
      "主用": "Master", "备用": "Standby", "离线": "Offline", "异常": "Fault",
      "未供电": "No power input"}


def _en(value):
    value = (value or "").strip()
    return ZH.get(value, value)


# ---------------------------------------------------------------------------------------
# display version


def parse_version(text):
    lines = nc.check_text("display version", text)
    device = {"hostname": None, "vendor": "H3C", "model": None, "serial": None,
              "software": None, "version": None, "image": None, "uptime_seconds": None,
              "reload_reason": None}
    for line in lines:
        stripped = line.strip()
        match = re.match(r"^(?:(H3C|HPE?|HP)\s+)?Comware\s+(?:Platform\s+)?Software,\s*"
                         r"Version\s+([\d.]+),\s*(?:ESS|Release|Feature)\s+(\S+)", stripped)
        if match and device["version"] is None:
            device["software"] = f"Comware {match.group(2)}"
            device["version"] = f"{match.group(2)} Release {match.group(3)}"
            if match.group(1) and match.group(1).startswith("HP"):
                device["vendor"] = "HPE"
            continue
        match = re.match(r"^(H3C|HPE?|HP)\s+(.+?)\s+uptime is\s+(.+)$", stripped)
        if match and device["model"] is None:
            device["model"] = match.group(2).strip()
            device["uptime_seconds"] = nc.uptime_seconds(match.group(3))
            if match.group(1).startswith("HP"):
                device["vendor"] = "HPE"
            continue
        match = re.match(r"^Last reboot reason\s*:\s*(.+)$", stripped, re.I)
        if match:
            device["reload_reason"] = match.group(1).strip()
            continue
        match = re.match(r"^System image\s*:\s*(\S+)", stripped, re.I)
        if match and device["image"] is None:
            device["image"] = match.group(1)
    if device["version"] is None or device["model"] is None:
        raise ParseError("reason.missing_field", field="Comware Software, Version / uptime is",
                         source="display version")
    return device


def parse_manuinfo(text):
    """``display device manuinfo``: blocks (``Slot 1 CPU 0:``, ``Fan 1``, ``Power 2:``,
    ``Chassis self:``) of ``NAME : value`` lines; the chassis' (or first slot's)
    DEVICE_SERIAL_NUMBER is the device's serial."""
    lines = nc.check_text("display device manuinfo", text)
    blocks, unparsed = {}, []
    block = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = re.match(r"^([A-Za-z][\w ]*?\d*(?:\s+CPU\s+\d+)?|Chassis self|Chassis \d+)"
                         r"\s*:?\s*$", stripped)
        if match and ":" not in stripped[:-1]:
            block = match.group(1).strip()
            blocks[block] = {}
            continue
        match = re.match(r"^([A-Z][A-Z_ ]*[A-Z])\s*:\s*(.*)$", stripped)
        if match:
            if block is None:
                block = "device"
                blocks[block] = {}
            blocks[block][match.group(1).replace(" ", "_")] = match.group(2).strip()
            continue
        if re.match(r"^(?:The operation is not supported|Manuinfo not available|"
                    r"No manu information)", stripped, re.I):
            continue
        unparsed.append(line)
    serials = {}
    for name, fields in blocks.items():
        serial = fields.get("DEVICE_SERIAL_NUMBER") or fields.get("MANU_SERIAL_NUMBER")
        if serial and serial.upper() not in ("NONE", "NULL", "-"):
            serials[name] = serial
    if not blocks:
        raise ParseError("reason.missing_field", field="DEVICE_SERIAL_NUMBER",
                         source="display device manuinfo")
    chosen = None
    for name in serials:
        if name.lower().startswith("chassis"):
            chosen = serials[name]
            break
    if chosen is None:
        for name in serials:
            if name.lower().startswith("slot") or name == "device":
                chosen = serials[name]
                break
    modules = {}
    for name, serial in serials.items():
        match = re.match(r"^Slot\s+(\d+)", name)
        if match:
            modules.setdefault(match.group(1), serial)
    vendor = None
    for fields in blocks.values():
        vendor = vendor or fields.get("VENDOR_NAME")
    return {"serial": chosen, "serials": serials, "modules": modules, "vendor": vendor,
            "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display device, display fan, display power, display environment

_BOARD_STATE = {"master": "ok", "standby": "ok", "slave": "ok", "normal": "ok",
                "absent": "empty", "fault": "failed", "offline": "offline",
                "initializing": "unknown", "loading": "unknown"}


def parse_device(text):
    """``Slot No. Brd Type Brd Status Subslot Num Sft Ver Patch Ver`` (Comware 5 and 7
    chassis) or ``Slot Type State Subslot Soft Ver Patch Ver`` (Comware 7 fixed)."""
    lines = nc.check_text("display device", text)
    index = None
    for i, line in enumerate(lines):
        if re.match(r"^\s*Slot(?:\s+No\.)?\s+(?:Brd\s+)?Type\s+(?:Brd\s+Status|State|Status)\b",
                    line):
            index = i
            break
    if index is None:
        raise ParseError("reason.missing_field", field="Slot Type State",
                         source="display device")
    items, unparsed = [], []
    chassis = ""
    for line in lines[index + 1:]:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        match = re.match(r"^Chassis\s+(\d+)\s*:?$|^Slot\s+\d+\s+info\s*:?$", stripped)
        if match:
            chassis = match.group(1) or ""
            continue
        words = stripped.split()
        if len(words) < 3 or not re.match(r"^\d+(?:/\d+)?$", words[0]):
            unparsed.append(line)
            continue
        slot, board, status = words[0], words[1], _en(words[2]).lower()
        state = _BOARD_STATE.get(status)
        if state is None or state == "unknown":
            unparsed.append(line)
            state = "unknown"
        name = f"chassis {chassis} slot {slot}" if chassis else f"slot {slot}"
        items.append({"name": name, "slot": slot,
                      "model": None if board.upper() == "NONE" else board, "serial": None,
                      "state": state, "raw": stripped})
    return {"items": items, "unparsed": unparsed}


_UNIT_STATE = {"normal": "ok", "absent": "absent", "fault": "failed", "abnormal": "failed",
               "failed": "failed"}


def _psu_state(word):
    lower = word.lower()
    if re.search(r"no (?:power )?input|not supply|no supply|input(?:\s|-)?(?:fault|"
                 r"absent|lost)|power-?off", lower):
        return "no_input"
    return _UNIT_STATE.get(lower)


def _units(text, source, kind):
    """``display fan`` / ``display power``: Comware 7 ``Fan-tray 1:`` / ``State : Normal``
    blocks, Comware 5 ``Fan 1 State: Normal`` / ``Power 1 State: Normal`` lines, and the
    Comware 7 power table (``PowerID State Mode Current(A) ...``)."""
    lines = nc.check_text(source, text)
    items, unparsed = [], []
    slot = ""
    pending = None
    table = None
    for line in lines:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        match = re.match(r"^(?:Slot|Unit|Chassis\s+\d+\s+Slot)\s+(\d+)\s*:?$", stripped)
        if match:
            slot, pending, table = match.group(1), None, None
            continue
        words = stripped.split()
        if words[0] in ("PowerID", "PowerNo", "FanID", "Fan-trayID", "ID") and \
                any(w in words for w in ("State", "Status")):
            table = words
            continue
        if table is not None and re.match(r"^\d+$", words[0]):
            column = table.index("State") if "State" in table else table.index("Status")
            word = " ".join(words[column:column + 1])
            if re.search(r"No\s+power\s+input|Not\s+supply|No\s+supply", stripped, re.I):
                word = "no input"
            state = _psu_state(_en(word)) if kind == "power" else _UNIT_STATE.get(
                _en(word).lower())
            if state is None:
                unparsed.append(line)
                state = "unknown"
            label = "PSU" if kind == "power" else "fan"
            items.append({"name": f"slot {slot} {label} {words[0]}".replace("slot  ", ""),
                          "state": state, "raw": stripped})
            continue
        match = re.match(r"^(?:Fan(?:-tray)?|Power|PSU|Fan Frame)\s*(\d+)\s*:?\s*"
                         r"(?:State\s*:\s*(.+))?$", stripped, re.I)
        if match:
            pending = match.group(1)
            if match.group(2):
                _unit(items, unparsed, kind, slot, pending, match.group(2), line)
                pending = None
            continue
        match = re.match(r"^(?:State|Status)\s*:\s*(.+)$", stripped, re.I)
        if match and pending is not None:
            _unit(items, unparsed, kind, slot, pending, match.group(1), line)
            pending = None
            continue
        if re.match(r"^(?:Airflow Direction|Prefer Airflow Direction|Fan speed|Speed|Mode|"
                    r"Wind direction|Type|Power\s*\(W\)|Current\(A\)|Voltage\(V\))\b",
                    stripped, re.I):
            continue
        unparsed.append(line)
    if not items and not unparsed:
        raise ParseError("reason.missing_field", field="State", source=source)
    nc.nothing_read(source, items, unparsed)
    return {"items": items, "unparsed": unparsed}


def _unit(items, unparsed, kind, slot, ident, word, line):
    word = _en(word.strip())
    state = _psu_state(word) if kind == "power" else _UNIT_STATE.get(word.lower())
    if state is None:
        unparsed.append(line)
        state = "unknown"
    label = "PSU" if kind == "power" else "fan"
    name = f"slot {slot} {label} {ident}" if slot else f"{label} {ident}"
    raw = line.strip()
    if not re.search(rf"\b{ident}\b", raw):
        raw = f"{label} {ident}: {raw}"  # Comware 7 prints the state under the unit's line
    items.append({"name": name, "state": state, "raw": raw})


def parse_fans(text):
    return _units(text, "display fan", "fan")


def parse_power(text):
    return _units(text, "display power", "power")


def parse_environment(text):
    """``display environment``: ``Slot Sensor Temperature Lower Warning Alarm Shutdown``
    (Comware 7) or ``SlotNo SensorNo Temperature Lower limit Upper limit`` (Comware 5);
    the sensor name may hold spaces (``hotspot 1``), so numbers are read from the right."""
    lines = nc.check_text("display environment", text)
    items, unparsed = [], []
    header = None
    for line in lines:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        if re.match(r"^System temperature information", stripped, re.I):
            continue
        if re.match(r"^(?:Slot|SlotNo|Chassis)\b", stripped) and "Temperature" in stripped:
            header = stripped
            continue
        if header is None:
            unparsed.append(line)
            continue
        words = stripped.split()
        if "Warning" in header and "Alarm" in header:
            numbers = 5 if "Shutdown" in header else 4  # Temperature Lower Warning Alarm [Sd]
        else:
            numbers = 3  # Temperature Lower Upper
        if len(words) < numbers + 2 or not re.match(r"^\d+", words[0]):
            unparsed.append(line)
            continue
        tail = words[-numbers:]
        sensor = " ".join(words[1:-numbers])
        current = nc.number(tail[0])
        if current is None:
            unparsed.append(line)
            continue
        if numbers >= 4:
            warning, critical = nc.number(tail[2]), nc.number(tail[3])
        else:
            warning, critical = nc.number(tail[2]), None
        state = "ok"
        if critical is not None and current >= critical:
            state = "critical"
        elif warning is not None and current >= warning:
            state = "warning"
        items.append({"name": f"slot {words[0]} {sensor}", "celsius": current,
                      "warning": warning, "critical": critical, "state": state,
                      "raw": stripped})
    if header is None:
        raise ParseError("reason.missing_field", field="Temperature",
                         source="display environment")
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display alarm

_LEVELS = {"critical": "critical", "error": "major", "major": "major", "minor": "minor",
           "warning": "warning", "warn": "warning", "info": "info", "notice": "info"}


def parse_alarms(text):
    """``Slot CPU Level Info`` rows (``1 0 ERROR Fan 2 is absent.``); ``No alarm
    information.`` is none."""
    lines = nc.check_text("display alarm", text)
    items, unparsed = [], []
    header = False
    for line in lines:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        if re.match(r"^(?:No alarm|There is no alarm|No active alarm)", stripped, re.I):
            continue
        words = stripped.split()
        if "Level" in words and "Info" in words:
            header = True
            continue
        match = re.match(r"^(\S+)\s+(?:(\S+)\s+)?([A-Za-z]+)\s+(.+)$", stripped)
        if header and match and _LEVELS.get(match.group(3).lower()):
            items.append({"id": f"{match.group(1)}/{match.group(2) or '-'}/{len(items) + 1}",
                          "severity": _LEVELS[match.group(3).lower()],
                          "text": match.group(4).strip(), "raised": None,
                          "slot": match.group(1), "raw": stripped})
            continue
        if not header:
            raise nc.not_understood("display alarm", line)
        unparsed.append(line)
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display cpu-usage, display memory


def parse_cpu(text):
    """``Slot 1 CPU 0 CPU usage:`` then ``6% in last 5 seconds``, ``... 1 minute``,
    ``... 5 minutes`` (Comware 7; Comware 5 ``Unit 1 CPU usage:``); several slots: the
    busiest is the device's."""
    lines = nc.check_text("display cpu-usage", text)
    per = {}
    current = "device"
    unparsed = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = re.match(r"^(.*?)\s*CPU usage\s*:?\s*$", stripped, re.I)
        if match:
            current = match.group(1) or "device"
            per.setdefault(current, {})
            continue
        match = re.match(r"^(\d+(?:\.\d+)?)%\s+in last\s+(\d+)\s+(second|minute)s?$",
                         stripped, re.I)
        if match:
            key = {("5", "second"): "percent_5s", ("1", "minute"): "percent_1m",
                   ("5", "minute"): "percent_5m"}.get((match.group(2),
                                                       match.group(3).lower()))
            if key:
                per.setdefault(current, {})[key] = float(match.group(1))
                continue
        if re.match(r"^(?:Chassis|Slot|Unit)\s+\d+", stripped):
            current = stripped.rstrip(":")
            continue
        unparsed.append(line)
    values = [v for v in per.values() if v]
    if not values:
        raise ParseError("reason.missing_field", field="% in last 5 seconds",
                         source="display cpu-usage")
    cpu = {}
    for key in ("percent_5s", "percent_1m", "percent_5m"):
        found = [v[key] for v in values if key in v]
        cpu[key] = max(found) if found else None
    if len(values) > 1:
        cpu["per_cpu"] = {k: v for k, v in per.items() if v}
    if unparsed:
        cpu["unparsed"] = unparsed
    return cpu


def parse_memory(text):
    """Comware 7: ``Memory statistics are measured in KB:`` then per slot ``Mem: Total Used
    Free ... FreeRatio``; Comware 5: ``System Total Memory(bytes): N`` / ``Total Used
    Memory(bytes): N`` / ``Used Rate: N%``. Several slots: the fullest is the device's."""
    lines = nc.check_text("display memory", text)
    joined = "\n".join(lines)
    total = re.search(r"System Total Memory\(bytes\)\s*:\s*(\d+)", joined, re.I)
    used = re.search(r"Total Used Memory\(bytes\)\s*:\s*(\d+)", joined, re.I)
    if total and used:
        rate = re.search(r"Used Rate\s*:\s*(\d+(?:\.\d+)?)%", joined, re.I)
        total_b, used_b = int(total.group(1)), int(used.group(1))
        return {"used_bytes": used_b, "total_bytes": total_b,
                "percent": float(rate.group(1)) if rate else
                round(100.0 * used_b / total_b, 1) if total_b else None}
    unit = 1024
    match = re.search(r"measured in (KB|MB|B|bytes)", joined, re.I)
    if match:
        unit = {"kb": 1024, "mb": 1024 ** 2, "b": 1, "bytes": 1}[match.group(1).lower()]
    best = None
    header = None
    for line in lines:
        words = line.split()
        if words[:3] == ["Total", "Used", "Free"]:
            header = words
            continue
        if words and words[0] == "Mem:" and header:
            values = dict(zip(header, words[1:]))
            try:
                total_b = int(values["Total"]) * unit
                used_b = int(values["Used"]) * unit
            except (KeyError, ValueError):
                raise nc.not_understood("display memory", line) from None
            free_ratio = nc.number(values.get("FreeRatio"))
            percent = round(100.0 - free_ratio, 1) if free_ratio is not None else \
                round(100.0 * used_b / total_b, 1) if total_b else None
            if best is None or (percent or 0) > (best["percent"] or 0):
                best = {"used_bytes": used_b, "total_bytes": total_b, "percent": percent}
    if best is None:
        raise ParseError("reason.missing_field", field="Mem: Total Used Free",
                         source="display memory")
    return best


# ---------------------------------------------------------------------------------------
# display interface

_PAIR = re.compile(r"(-|\d+)\s+([A-Za-z][A-Za-z ]*?)\s*(?:,|$)")
_COUNTERS = {("in", "input errors"): "input_errors", ("in", "runts"): "runts",
             ("in", "giants"): "giants", ("in", "crc"): "crc", ("in", "frame"): "frame",
             ("in", "overruns"): "overruns", ("in", "aborts"): "aborts",
             ("in", "throttles"): "throttles", ("in", "ignored"): "ignored",
             ("in", "parity errors"): "parity_errors", ("in", "drops"): "input_drops",
             ("out", "output errors"): "output_errors", ("out", "underruns"): "underruns",
             ("out", "buffer failures"): "buffer_failures", ("out", "aborts"): "output_aborts",
             ("out", "deferred"): "deferred", ("out", "collisions"): "collisions",
             ("out", "late collisions"): "late_collisions",
             ("out", "lost carrier"): "lost_carrier", ("out", "no carrier"): "no_carrier",
             ("out", "drops"): "output_drops", ("in", "errors"): "input_errors",
             ("out", "errors"): "output_errors", ("in", "align errors"): "alignments",
             ("in", "dribbles"): "dribbles", ("out", "lost carriers"): "lost_carrier",
             ("in", "frame errors"): "frame"}
# labels on the same lines that are traffic, not errors
_TRAFFIC = {"packets", "bytes", "unicasts", "broadcasts", "multicasts", "pauses",
            "no buffers"}


def _cw_state(text):
    """``UP``, ``DOWN``, ``Administratively DOWN``, ``DOWN ( Administratively )``
    (Comware 5), ``DOWN(Loopback detection-protected)``, ``STP DOWN`` -> (admin, oper,
    reason)."""
    lower = text.lower().strip()
    if "administratively" in lower:
        return "down", "down", None
    if lower.startswith("up"):
        return "up", "up", None
    match = re.match(r"^(?:(\w+)\s+)?down\s*(?:\(\s*(.*?)\s*\))?$", lower)
    if match:
        reason = match.group(2) or match.group(1)
        if reason and re.search(r"protect|detect|error|err-|bpdu|storm|port-security|"
                                r"loopback|dldp|stp", reason):
            return "up", "err-disabled", reason
        return "up", "down", reason
    return None, None, None


def parse_interfaces(text):
    lines = nc.check_text("display interface", text)
    items, unparsed = [], []
    current = None
    block = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        head = re.match(r"^(\S+?)\s+current state\s*:\s*(.+)$", stripped, re.I)  # Comware 5
        name_only = not line[:1].isspace() and re.match(r"^[A-Za-z][\w\-/:.]*\d$", stripped)
        if head or name_only:
            current = {"name": head.group(1) if head else stripped, "admin": "unknown",
                       "oper": "unknown", "duplex": None, "speed": None, "description": "",
                       "counters": {}, "counters_cleared": None, "optics": None,
                       "protocol": None, "last_up": None, "last_down": None}
            items.append(current)
            block = None
            if head:
                _set_state(current, head.group(2), unparsed, line)
            continue
        if current is None:
            unparsed.append(line)
            continue
        match = re.match(r"^Current state\s*:\s*(.+)$", stripped, re.I)
        if match:
            _set_state(current, match.group(1), unparsed, line)
            continue
        match = re.match(r"^Line protocol (?:current )?state\s*:\s*(\S+)", stripped, re.I)
        if match:
            current["protocol"] = match.group(1).lower()
            continue
        match = re.match(r"^Description\s*:\s*(.*)$", stripped)
        if match:
            current["description"] = match.group(1).strip()
            continue
        match = re.match(r"^(\S+?)(?:-speed mode)?\s*,\s*(\S+?)-duplex(?: mode)?\b", stripped,
                         re.I)
        if match:
            speed, duplex = match.group(1), match.group(2).lower()
            current["speed"] = None if speed.lower() == "unknown" else speed
            current["duplex"] = {"full": "full", "half": "half", "auto": "auto"}.get(duplex)
            continue
        match = re.match(r"^Last clearing of counters\s*:\s*(.+)$", stripped, re.I)
        if match:
            value = match.group(1).strip()
            current["counters_cleared"] = "never" if value.lower() == "never" else value
            continue
        match = re.match(r"^Last time when physical state changed to (up|down)\s*:\s*(.*)$",
                         stripped, re.I)
        if match:
            value = match.group(2).strip()
            current[f"last_{match.group(1).lower()}"] = None if value in ("-", "") else value
            continue
        match = re.match(r"^(Input|Output)\s*:\s*(.*)$", stripped)
        if match:
            block = "in" if match.group(1) == "Input" else "out"
            if not _counters(current, block, match.group(2)):
                unparsed.append(line)
                block = None
            continue
        if block and re.match(r"^(?:-|\d+)\s+[a-zA-Z]", stripped):
            if not _counters(current, block, stripped):
                unparsed.append(line)
            continue
        block = None
    if not items:
        raise ParseError("reason.missing_field", field="Current state",
                         source="display interface")
    for item in items:
        item["name"] = nc.normalise_interface(item["name"], VENDOR)
        if item["admin"] == "unknown":
            unparsed.append(f"{item['name']}: no Current state line")
    return {"items": items, "unparsed": unparsed}


def _set_state(current, text, unparsed, line):
    admin, oper, reason = _cw_state(text)
    if admin is None:
        unparsed.append(line)
        return
    current["admin"], current["oper"] = admin, oper
    if reason:
        current["down_reason"] = reason


def _counters(current, block, text):
    """``0 input errors, 0 runts, 0 giants, - throttles`` -> counters (``-``: the device
    does not count it: absent). False when the text is not such a list."""
    text = text.strip()
    if not text:
        return True  # ``Input:`` alone: its counters follow on the next lines
    pairs = _PAIR.findall(text)
    if not pairs or _PAIR.sub("", text).strip(" ,"):
        return False
    for value, label in pairs:
        label = label.strip().lower()
        if label in _TRAFFIC:
            continue
        key = _COUNTERS.get((block, label))
        if key is None:
            return False
        if value != "-":
            current["counters"][key] = int(value)
    return True


# ---------------------------------------------------------------------------------------
# display interface brief


def parse_interfaces_brief(text):
    """Route mode (``Interface Link Protocol Primary IP Description``) and bridge mode
    (``Interface Link Speed Duplex Type PVID Description``) tables; Link ``UP``, ``DOWN``,
    ``ADM`` (administratively down), ``Stby`` (standby)."""
    lines = nc.check_text("display interface brief", text)
    items, unparsed = [], []
    header = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        words = stripped.split()
        if words[:2] == ["Interface", "Link"]:
            header = words
            continue
        if re.match(r"^(?:Brief information|The brief information|Link:|Protocol:|Speed:|"
                    r"Duplex:|Type:|Speed or Duplex:)", stripped):
            header = None if stripped.lower().startswith(("brief", "the brief")) else header
            continue
        if header is None:
            unparsed.append(line)
            continue
        link = words[1] if len(words) > 1 else ""
        state = {"up": ("up", "up"), "down": ("up", "down"), "adm": ("down", "down"),
                 "stby": ("up", "standby")}.get(link.lower())
        if state is None:
            unparsed.append(line)
            continue
        item = {"name": nc.normalise_interface(words[0], VENDOR), "admin": state[0],
                "oper": state[1], "counters": {}, "protocol": None, "raw": stripped}
        if "Duplex" in header and len(words) > 3:
            duplex = words[3][:1].upper()
            item["duplex"] = {"F": "full", "H": "half", "A": "auto"}.get(duplex)
            item["speed"] = None if words[2].lower() == "auto" else words[2]
        elif "Protocol" in header and len(words) > 2:
            item["protocol"] = words[2].split("(")[0].lower()
        items.append(item)
    if not items and not unparsed:
        raise ParseError("reason.missing_field", field="Interface Link",
                         source="display interface brief")
    nc.nothing_read("display interface brief", items, unparsed)
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display logbuffer

_LOG = re.compile(
    r"^%?(?P<mon>[A-Z][a-z]{2})\s+(?P<day>\d{1,2})\s+(?P<hms>\d\d:\d\d:\d\d)"
    r"(?::(?P<frac>\d+))?\s+(?P<year>\d{4})\s+(?P<host>\S+)\s+"
    r"(?P<fac>[A-Za-z0-9_\-]+)/(?P<sev>\d)/(?P<mn>[A-Za-z0-9_\-]+)(?:\([a-zA-Z]+\))?"
    r"\s*:\s*(?P<text>.*)$")
_LOG_HEADER = re.compile(r"^(?:Log ?buffer|Max buffer size|Actual buffer size|"
                         r"Dropped messages|Overwritten messages|Current messages|"
                         r"Logging buffer|Logbuffer)", re.I)


def parse_logs(text):
    """``%Dec  6 10:00:00:123 2026 H3C IFNET/3/PHY_UPDOWN: ...`` (Comware 7; Comware 5
    prints the same with ``%Dec  6 10:00:00:123 2026 H3C IFNET/4/LINK UPDOWN(l): ...``)."""
    lines = nc.check_text("display logbuffer", text)
    items, unparsed = [], []
    for line in lines:
        stripped = line.strip()
        if not stripped or _LOG_HEADER.match(stripped):
            continue
        match = _LOG.match(re.sub(r"^%@\d+%", "%", stripped))
        if not match:
            if items and line[:1].isspace():
                items[-1]["text"] += " " + stripped
            else:
                unparsed.append(line)
            continue
        mnemonic = match.group("mn")
        items.append({"time": nc.iso_time(match.group("year"), match.group("mon"),
                                          match.group("day"), match.group("hms"),
                                          match.group("frac")),
                      "severity": int(match.group("sev")), "facility": match.group("fac"),
                      "mnemonic": mnemonic, "text": match.group("text"),
                      "host": match.group("host"),
                      "kind": nc.classify_log(match.group("fac"), mnemonic,
                                              match.group("text"))})
    if not items and unparsed:
        raise nc.not_understood("display logbuffer", unparsed[0])
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# configuration


def parse_running(text):
    lines = nc.check_text("display current-configuration", text)
    if not any(re.match(r"^\s*(?:sysname|version)\s+\S+", line) for line in lines):
        raise nc.not_understood("display current-configuration", lines[0])
    return "\n".join(lines) + "\n"


def parse_saved(text):
    lines = nc.check_text("display saved-configuration", text)
    joined = " ".join(line.strip() for line in lines)
    if re.search(r"config(?:uration)? file (?:does not exist|doesn't exist|not exist)|"
                 r"No (?:saved|startup) configuration|The file does not exist", joined, re.I):
        return {"text": None, "missing": True}
    if not any(re.match(r"^\s*(?:sysname|version)\s+\S+", line) for line in lines):
        raise nc.not_understood("display saved-configuration", lines[0])
    return {"text": "\n".join(lines) + "\n", "missing": False}


def _significant(text):
    return [line.rstrip() for line in text.splitlines()
            if line.strip() and line.strip() != "#" and line.strip() != "return"]


def compare(running, saved_state):
    """(saved, why): the running configuration against the saved one."""
    if saved_state.get("missing"):
        return False, "no configuration saved for the next startup"
    if running is None:
        return None, "running configuration not collected"
    current, saved = _significant(running), _significant(saved_state["text"])
    if current == saved:
        return True, "running configuration equals display saved-configuration"
    changed = len(set(current) ^ set(saved))
    return False, (f"running configuration differs from display saved-configuration "
                   f"({changed} line{'' if changed == 1 else 's'} differ)")


# ---------------------------------------------------------------------------------------

PARSERS = {
    "version": parse_version, "inventory": parse_manuinfo, "modules": parse_device,
    "fans": parse_fans, "power": parse_power, "temperature": parse_environment,
    "alarms": parse_alarms, "cpu": parse_cpu, "memory": parse_memory,
    "interfaces": parse_interfaces, "interfaces_brief": parse_interfaces_brief,
    "logs": parse_logs, "running_config": parse_running, "saved_state": parse_saved,
}


def parse_sources(raw, context=None):
    """The raw outputs of one Comware device -> the network data (contract shape)."""
    parsed = nc.run_parsers(raw, PARSERS)
    return vrp.assemble(parsed, {"platform": PLATFORM}, compare, "H3C")
