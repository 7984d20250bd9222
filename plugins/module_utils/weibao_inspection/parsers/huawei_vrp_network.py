# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a Huawei VRP switch or router (S, CE, NE, AR series; VRP5 and VRP8) for the
``network`` area. Pure functions: text -> data, never a judgement.

Commands (the registry's Sources, sent in one SSH session by the collector):
``display version``, ``display esn``, ``display device``, ``display fan``,
``display power``, ``display temperature all``, ``display alarm active``,
``display cpu-usage``, ``display memory-usage``, ``display interface``,
``display interface brief``, ``display logbuffer``, ``display current-configuration``,
``compare configuration``.

Whether the configuration is saved comes from ``compare configuration`` (VRP5 V200R001+ and
VRP8): "The current configuration is the same as the next startup configuration file." is
saved; "...is not the same as the next startup configuration file" (with the differences
after it) is not; anything else is not understood. ``display saved-configuration last`` only
tells when the last save was, not whether the running configuration changed since, so it is
not used.

Formats: real captures in networktocode/ntc-templates tests/huawei_vrp/* (display version,
display device, display temperature, display interface, display interface brief) and
Huawei's command references (display fan, display power, display temperature all, display
alarm active/urgent, display cpu-usage, display memory-usage, display logbuffer, compare
configuration) for S5720 V200R011, CE6850 V200R005 and NE40E V800R011. Tables are read by
their header row; a row not understood inside a known table is kept as ``unparsed`` and
makes the dependent check unknown. Chinese state words (正常, 异常, 不在位, 在位, 已注册,
未注册, 供电, 未供电 ...) are read as their English; other Chinese output is not understood.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers import network_common as nc
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError, is_failure

PLATFORM = "huawei_vrp"
VENDOR = "huawei"

# Chinese words printed by firmware in Chinese (or ``language-mode chinese``) -> English
ZH = {
    "正常": "Normal", "异常": "Abnormal", "故障": "Fault", "不在位": "Absent",
    "在位": "Present", "已注册": "Registered", "未注册": "Unregistered", "供电": "Supply",
    "未供电": "NoSupply", "无供电": "NoSupply", "离线": "Offline", "在线": "Online",
    "紧急": "Critical", "重要": "Major", "次要": "Minor", "提示": "Warning",
    "主用": "Master", "备用": "Slave", "是": "YES", "否": "NO", "槽位": "Slot",
    "状态": "Status", "类型": "Type",
}


def _en(value):
    value = (value or "").strip()
    return ZH.get(value, value)


# ---------------------------------------------------------------------------------------
# display version


def parse_version(text):
    lines = nc.check_text("display version", text)
    device = {"hostname": None, "vendor": "Huawei", "model": None, "serial": None,
              "software": None, "version": None, "image": None, "uptime_seconds": None,
              "reload_reason": None}
    for line in lines:
        match = re.search(r"VRP \(R\) software,\s*Version\s+(\S+)\s*\(([^)]*)\)", line)
        if match and device["version"] is None:
            device["software"] = f"VRP {match.group(1)}"
            product = match.group(2).split()
            device["version"] = product[-1] if product else match.group(1)
            device["vrp_version"] = match.group(1)
            continue
        match = re.match(r"^\s*(?:HUAWEI|Huawei|Quidway)\s+(.+?)\s+uptime is\s+(.+)$", line)
        if match and device["model"] is None:
            model = re.sub(r"\s+(?:Routing Switch|Router|Switch|Terabit Routing Switch)$", "",
                           match.group(1).strip())
            device["model"] = model
            device["uptime_seconds"] = nc.uptime_seconds(match.group(2))
    if device["version"] is None or device["model"] is None:
        raise ParseError("reason.missing_field", field="VRP (R) software / uptime is",
                         source="display version")
    return device


def parse_esn(text):
    """``ESN of slot 0: 2102351931P0XXXXXXXX`` (also ``ESN of master``, ``ESN of device``,
    ``ESN of chassis``) -> the first, the chassis' or master's when printed."""
    lines = nc.check_text("display esn", text)
    serials = {}
    unparsed = []
    for line in lines:
        if not line.strip():
            continue
        match = re.match(r"^\s*(?:ESN|序列号)\s*(?:of\s+(.+?))?\s*[:：]\s*(\S+)\s*$", line)
        if match:
            serials[(match.group(1) or "device").strip()] = match.group(2)
        else:
            unparsed.append(line)
    if not serials:
        raise nc.not_understood("display esn", unparsed[0] if unparsed else text)
    chosen = None
    for key in serials:
        if re.search(r"master|device|chassis|slot\s*0$|slot\s*1$", key, re.I):
            chosen = serials[key]
            break
    return {"serial": chosen or next(iter(serials.values())), "serials": serials,
            "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# tables: display device, display fan, display power


def _table(lines, source, required):
    """The rows under the header that holds ``required``: [(row dict, line)], and the lines
    inside the table not read as a row. A missing header is not understood."""
    index = nc.find_header(lines, required, ZH)
    if index is None:
        raise ParseError("reason.missing_field", field=", ".join(r[0] for r in required),
                         source=source)
    header = lines[index]
    cols = nc.columns(header)
    names = [_en(n) for n, _ in cols]
    starts = [s for _, s in cols]
    rows, unparsed = [], []
    for position, line in enumerate(lines[index + 1:]):
        if not line.strip() or nc.is_rule(line):
            continue
        # a second header line (``Resume(C)`` under ``Lower``) right under the first
        if position == 0 and not re.search(r"\d", line):
            continue
        values = nc.row_values(line, names, starts)
        rows.append(({name: _en(value) for name, value in values.items()}, line))
    return rows, unparsed


_MODULE_STATE = {"normal": "ok", "abnormal": "failed", "fault": "failed", "failed": "failed",
                 "minor": "failed", "major": "failed", "critical": "failed",
                 "warning": "failed"}


def parse_device(text):
    """``display device``: Slot, Card/Sub, Type, Online, Power, Register, Alarm/Status,
    Primary/Role (CE, S, AR, NE rows alike); card rows under a slot have an empty Slot."""
    lines = nc.check_text("display device", text)
    rows, unparsed = _table(lines, "display device", (("Slot", "Slot#", "Slot/Card"),
                                                      ("Online", "Present", "Status"),
                                                      ("Type", "BoardType", "Card-Type")))
    items = []
    slot = ""
    for row, line in rows:
        slot_value = nc.pick(row, "Slot", "Slot#", "Slot/Card") or ""
        sub = nc.pick(row, "Card", "Sub", "SubCard") or "-"
        board = (nc.pick(row, "Type", "BoardType", "Card-Type") or "").lstrip("*")
        online = (nc.pick(row, "Online", "Present") or "").lower()
        register = (nc.pick(row, "Register") or "").lower()
        alarm = (nc.pick(row, "Alarm", "Status") or "").lower()
        if slot_value and re.match(r"^[A-Za-z]*\d+(?:/\d+)?$|^[A-Z]+\d*$", slot_value):
            slot = slot_value
        elif slot_value:
            unparsed.append(line)
            continue
        if not online or not board:
            unparsed.append(line)
            continue
        name = slot if sub in ("-", "", "--") else f"{slot}/{sub}" if slot else sub
        raw_type = nc.pick(row, "Type", "BoardType", "Card-Type") or ""
        if online in ("absent", "notpresent", "not present", "no"):
            state = "empty"
        elif online == "offline" or raw_type.startswith("*") or register == "unregistered":
            state = "offline"
        elif alarm == "normal":
            state = "ok"
        elif alarm in _MODULE_STATE:
            state = _MODULE_STATE[alarm]
        elif alarm in ("", "-", "na") and register == "registered":
            state = "ok"
        else:
            state = "unknown"
            unparsed.append(line)
        item = {"name": name, "model": board, "serial": None, "state": state,
                "raw": line.strip()}
        part = re.match(r"^(PWR|POWER|PSU|FAN)\d*$", sub if sub not in ("-", "", "--")
                        else slot, re.I)
        if part:
            item["part"] = "fan" if part.group(1).upper() == "FAN" else "psu"
        items.append(item)
    return {"items": items, "unparsed": unparsed}


def _fan_state(row):
    present = (nc.pick(row, "Present", "Online") or "").lower()
    status = (nc.pick(row, "Status", "State") or "").lower()
    register = (nc.pick(row, "Register", "Registered") or "").lower()
    if present in ("no", "absent", "notpresent"):
        return "absent"
    if status in ("normal",):
        return "ok"
    if status in ("abnormal", "fault", "failed", "block", "stop", "stopped"):
        return "failed"
    if not status and present in ("yes", "present") and register in ("yes", "registered"):
        return "ok"
    if not status and register in ("no", "unregistered"):
        return "failed"
    return "unknown"


def parse_fans(text):
    """``display fan``: S series VRP5 (Slot FanId FanNum Present Register Speed Mode
    [Status]), CE/VRP8 (Slot FanID Online Status Speed Mode Airflow); a row with an empty
    Slot belongs to the slot above."""
    lines = nc.check_text("display fan", text)
    rows, unparsed = _table(lines, "display fan", (("Slot",), ("FanID", "FanId", "FanNum"),
                                                   ("Present", "Online")))
    items = []
    slot = ""
    for row, line in rows:
        slot = nc.pick(row, "Slot") or slot
        fan = nc.pick(row, "FanID", "FanId") or nc.pick(row, "FanNum") or ""
        if not fan or not re.match(r"^[\w\[\]\-]+$", fan):
            unparsed.append(line)
            continue
        state = _fan_state(row)
        if state == "unknown":
            unparsed.append(line)
        items.append({"name": f"slot {slot} fan {fan}", "state": state, "raw": line.strip(),
                      "speed": nc.pick(row, "Speed")})
    return {"items": items, "unparsed": unparsed}


_PSU_STATE = {"supply": "ok", "normal": "ok", "nosupply": "no_input", "no supply": "no_input",
              "notsupply": "no_input", "no_supply": "no_input", "abnormal": "failed",
              "fault": "failed", "failed": "failed", "absent": "absent", "-": None}


def parse_power(text):
    """``display power``: Slot PowerID Online Mode State Power(W) ...; State Supply /
    No Supply / NotSupply / Abnormal / Normal, Online Present / Absent."""
    lines = nc.check_text("display power", text)
    rows, unparsed = _table(lines, "display power", (("Slot",), ("PowerID", "PowerNo", "PWR"),
                                                     ("State", "Status")))
    items = []
    slot = ""
    for row, line in rows:
        slot = nc.pick(row, "Slot") or slot
        ident = nc.pick(row, "PowerID", "PowerNo", "PWR") or ""
        online = (nc.pick(row, "Online", "Present") or "").lower()
        state_text = (nc.pick(row, "State", "Status") or "").lower()
        # ``No Supply`` (two words): read it from the line, whatever the cut gave
        if re.search(r"\bNo\s+Supply\b", line, re.I) or "未供电" in line:
            state_text = "no supply"
        if not ident:
            unparsed.append(line)
            continue
        if online in ("absent", "no", "notpresent"):
            state = "absent"
        else:
            state = _PSU_STATE.get(state_text.replace(" ", ""), _PSU_STATE.get(state_text))
        if state is None:
            state = "unknown"
            unparsed.append(line)
        items.append({"name": f"slot {slot} {ident}", "state": state, "raw": line.strip(),
                      "mode": nc.pick(row, "Mode")})
    return {"items": items, "unparsed": unparsed}


def parse_temperature(text):
    """``display temperature all`` (Slot Card Sensor Status Current(C) Lower(C) Lower
    Resume(C) Upper(C) Upper Resume(C)) and NE's ``display temperature`` per slot (PCB I2C
    Addr Chl Status Minor Major Fatal Adj_speed Temp)."""
    lines = nc.check_text("display temperature", text)
    items, unparsed = [], []
    in_table = False
    kind = None
    slot_label = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        words = stripped.split()
        match = re.match(r"^SlotID\s*(\d+)\s*:", stripped)
        if match:
            slot_label, in_table = match.group(1), False
            continue
        if re.match(r"^Base-Board", stripped) or re.match(r"^TMin\s+Tmax", stripped) or \
                re.match(r"^Resume\(C\)", stripped):
            continue
        if "Status" in words and ("Current(C)" in words or "Temp" in words
                                  or "Temperature" in words):
            kind = "ne" if "Fatal" in words else "s"
            header = words
            in_table = True
            continue
        if not in_table:
            if re.search(r"No temp sensors|no sensor", stripped, re.I):
                continue
            unparsed.append(line)
            continue
        status = _en(words[header.index("Status")]) if len(words) > header.index("Status") \
            else ""
        try:
            if kind == "ne":
                current = nc.number(words[-1])
                warning = nc.number(words[header.index("Major")])
                critical = nc.number(words[header.index("Fatal")])
                name = f"slot {slot_label} {words[0]} {'/'.join(words[1:4])}"
            else:
                if len(words) != len(header):
                    raise IndexError
                row = dict(zip(header, words))
                current = nc.number(row.get("Current(C)"))
                warning = nc.number(row.get("Upper(C)"))
                critical = None
                parts = [f"slot {row.get('Slot')}"]
                if row.get("Card") not in (None, "NA", "-", "--"):
                    parts.append(f"card {row['Card']}")
                if row.get("Sensor") not in (None, "NA", "-", "--"):
                    parts.append(f"sensor {row['Sensor']}")
                name = " ".join(parts)
        except (IndexError, ValueError):
            unparsed.append(line)
            continue
        word = status.lower()
        state = {"normal": "ok", "minor": "warning", "major": "warning", "abnormal": "critical",
                 "fatal": "critical", "high": "warning", "critical": "critical"}.get(word)
        if state is None or current is None:
            unparsed.append(line)
            state = "unknown"
        items.append({"name": name, "celsius": current, "warning": warning,
                      "critical": critical, "state": state, "raw": stripped})
    if not items and not unparsed:
        raise ParseError("reason.missing_field", field="Status / Current(C)",
                         source="display temperature all")
    nc.nothing_read("display temperature all", items, unparsed)
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display alarm active (VRP8; VRP5 V200R005+) / display alarm urgent (older VRP5)

_SEVERITY = {"critical": "critical", "major": "major", "minor": "minor", "warning": "warning",
             "indeterminate": "info", "info": "info", "cleared": "info"}


def parse_alarms(text):
    lines = nc.check_text("display alarm active", text)
    items, unparsed = [], []
    in_table = False
    for line in lines:
        stripped = line.strip()
        if not stripped or nc.is_rule(line):
            continue
        if re.match(r"^(?:Info:\s*)?(?:There is no alarm|No alarm|The number of alarm"
                    r"|No active alarm|没有告警)", stripped, re.I):
            continue
        # VRP8 legend: A/B/C/D/E/F/G/H/I/J and its A=..., E=..., lines
        if re.match(r"^[A-J](?:/[A-J])+$", stripped) or re.match(r"^[A-J]=", stripped):
            in_table = True
            continue
        match = re.match(r"^(\d+)/(\w+)/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[+-]\d\d:\d\d)?"
                         r"(?: DST)?/([^/]*)/(0x[0-9A-Fa-f]+|\d+)/([^/]+)/(\w+)/(\w+)/(.*)$",
                         stripped)
        if match:
            severity = _SEVERITY.get(match.group(7).lower())
            if severity is None:
                unparsed.append(line)
            items.append({"id": match.group(5), "severity": severity or "info",
                          "text": f"{match.group(6)}: {match.group(9)}".strip(),
                          "raised": match.group(3).replace(" ", "T"),
                          "name": match.group(6), "raw": stripped})
            continue
        words = stripped.split()
        if ("Severity" in words or "Level" in words) and ("Date" in words or "Time" in words):
            in_table = True
            continue
        match = re.match(r"^(\d+)\s+(?:(0x[0-9A-Fa-f]+|\d{5,})\s+)?(\w+)\s+"
                         r"(\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d)(?:[+-]\d\d:\d\d)?\s*(.*)$",
                         stripped)
        if match and in_table:
            severity = _SEVERITY.get(_en(match.group(3)).lower())
            if severity is None:
                unparsed.append(line)
                continue
            items.append({"id": match.group(2) or match.group(1), "severity": severity,
                          "text": match.group(6), "raised": f"{match.group(4)}T{match.group(5)}",
                          "raw": stripped})
            continue
        if in_table and items and line[:1].isspace() and not re.match(r"^\d", stripped):
            items[-1]["text"] = f"{items[-1]['text']} {stripped}".strip()  # wrapped text
            continue
        if not in_table:
            raise nc.not_understood("display alarm active", line)
        unparsed.append(line)
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display cpu-usage, display memory-usage


def parse_cpu(text):
    lines = nc.check_text("display cpu-usage", text)
    joined = "\n".join(lines)
    cpu = {"percent_5s": None, "percent_1m": None, "percent_5m": None}
    match = re.search(r"five seconds\s*:\s*(\d+(?:\.\d+)?)%\s*[:,]?\s*one minute\s*:\s*"
                      r"(\d+(?:\.\d+)?)%\s*[:,]?\s*five minutes\s*:\s*(\d+(?:\.\d+)?)%",
                      joined, re.I)
    if match:
        cpu["percent_5s"], cpu["percent_1m"], cpu["percent_5m"] = (
            float(match.group(i)) for i in (1, 2, 3))
        return cpu
    match = re.search(r"^\s*(?:CPU Usage|System cpu use rate is)\s*:\s*(\d+(?:\.\d+)?)%",
                      joined, re.I | re.M)
    if match:
        cycle = re.search(r"Stat\.?\s*Cycle\s*:\s*(\d+)", joined, re.I)
        if cycle and int(cycle.group(1)) >= 60:
            cpu["percent_1m"] = float(match.group(1))
        else:
            cpu["percent_5s"] = float(match.group(1))
        return cpu
    raise ParseError("reason.missing_field", field="CPU utilization for five seconds",
                     source="display cpu-usage")


_SIZE = {"bytes": 1, "byte": 1, "kbytes": 1024, "kb": 1024, "mbytes": 1024 ** 2,
         "mb": 1024 ** 2, "m": 1024 ** 2, "gbytes": 1024 ** 3, "gb": 1024 ** 3}


def parse_memory(text):
    """``System Total Memory Is: 449626112 bytes`` / ``Total Memory Used Is: ...`` /
    ``Memory Using Percentage Is: 39%`` (VRP5 bytes, VRP8 Kbytes)."""
    lines = nc.check_text("display memory-usage", text)
    joined = "\n".join(lines)
    total = re.search(r"System Total Memory Is\s*:\s*(\d+)\s*(\w+)", joined, re.I)
    used = re.search(r"Total Memory Used Is\s*:\s*(\d+)\s*(\w+)", joined, re.I)
    percent = re.search(r"Memory Using Percentage(?: Is)?\s*:\s*(\d+(?:\.\d+)?)%", joined, re.I)
    if not (total and used) and not percent:
        raise ParseError("reason.missing_field", field="System Total Memory Is",
                         source="display memory-usage")
    out = {"used_bytes": None, "total_bytes": None,
           "percent": float(percent.group(1)) if percent else None}
    if total and used:
        out["total_bytes"] = int(total.group(1)) * _SIZE.get(total.group(2).lower(), 1)
        out["used_bytes"] = int(used.group(1)) * _SIZE.get(used.group(2).lower(), 1)
        if out["percent"] is None and out["total_bytes"]:
            out["percent"] = round(100.0 * out["used_bytes"] / out["total_bytes"], 1)
    return out


# ---------------------------------------------------------------------------------------
# display interface


# counter labels inside the Input:/Output: blocks -> the contract's counters
_IN_COUNTERS = {"crc": "crc", "giants": "giants", "runts": "runts", "symbols": "symbol_errors",
                "symbol": "symbol_errors", "total error": "input_errors",
                "input error": "input_errors", "discard": "input_drops",
                "alignments": "alignments", "alignment": "alignments", "frames": "frames",
                "jabbers": "jabbers", "jabber": "jabbers", "undersized frame": "runts",
                "longpacket": "giants", "fragment": "fragments", "fragments": "fragments"}
_OUT_COUNTERS = {"total error": "output_errors", "output error": "output_errors",
                 "discard": "output_drops", "lost": "output_drops",
                 "collisions": "collisions", "late collisions": "late_collisions"}
_HEAD = re.compile(r"^(\S+) current state\s*:\s*(.+?)\s*,?\s*$", re.I)


def _vrp_state(text):
    """``UP``, ``DOWN``, ``Administratively DOWN``, ``ERROR DOWN(bpdu-protection)``,
    ``UP (Main)`` -> (admin, oper, reason)."""
    lower = text.lower().strip()
    if lower.startswith("administratively down") or lower.startswith("*down"):
        return "down", "down", None
    match = re.match(r"error[- ]?down\s*\(?([^)]*)\)?", lower)
    if match:
        return "up", "err-disabled", match.group(1).strip() or None
    if lower.startswith("up"):
        return "up", "up", None
    if lower.startswith("down"):
        return "up", "down", None
    return None, None, None


def _counter_pairs(line):
    """``CRC:  0,  Giants:  0`` / ``CRC: 0 packets, Symbol: 0 packets`` ->
    [(label, value or None)]; [] when the line is not such pairs."""
    pairs = re.findall(r"([A-Za-z][A-Za-z .'\-]*?)\s*:\s*(-|\d+)(?:\s*packets)?\s*(?:,|$)",
                       line)
    rebuilt = re.sub(r"([A-Za-z][A-Za-z .'\-]*?)\s*:\s*(-|\d+)(?:\s*packets)?\s*(?:,|$)", "",
                     line).strip()
    if not pairs or rebuilt:
        return []
    return [(label.strip().lower(), None if value == "-" else int(value))
            for label, value in pairs]


def parse_interfaces(text):
    lines = nc.check_text("display interface", text)
    items, unparsed = [], []
    current = None
    block = None  # "in" / "out" while inside a counter block
    for line in lines:
        stripped = line.strip()
        head = _HEAD.match(stripped)
        if head and not stripped.lower().startswith("line protocol"):
            admin, oper, reason = _vrp_state(head.group(2))
            if admin is None:
                unparsed.append(line)
            current = {"name": head.group(1), "admin": admin or "unknown",
                       "oper": oper or "unknown", "duplex": None, "speed": None,
                       "description": "", "counters": {}, "counters_cleared": None,
                       "optics": None, "protocol": None, "last_up": None, "last_down": None}
            if reason:
                current["err_reason"] = reason
            items.append(current)
            block = None
            continue
        if current is None:
            if stripped:
                unparsed.append(line)
            continue
        if not stripped:
            if block and block.endswith("+"):
                block = None
            elif block:
                block += "+"  # one blank line may separate the block's groups
            continue
        match = re.match(r"^Line protocol current state\s*:\s*(\S+)", stripped, re.I)
        if match:
            current["protocol"] = match.group(1).lower()
            continue
        match = re.match(r"^Description\s*:\s*(.*)$", stripped)
        if match:
            current["description"] = match.group(1).strip()
            continue
        match = re.match(r"^Last physical (up|down) time\s*:\s*(.*)$", stripped, re.I)
        if match:
            value = match.group(2).strip()
            current[f"last_{match.group(1).lower()}"] = None if value in ("-", "") else value
            continue
        match = re.match(r"^Statistics last cleared\s*:\s*(.*)$", stripped, re.I)
        if match:
            value = match.group(1).strip()
            current["counters_cleared"] = "never" if value.lower() == "never" else value
            continue
        match = re.search(r"\bSpeed\s*:\s*([^,]+)", stripped)
        if match and re.match(r"^(?:Speed|Port Mode|Current Work Mode)", stripped):
            speed = match.group(1).strip()
            current["speed"] = None if speed in ("-", "AUTO") else speed
        match = re.search(r"\bDuplex\s*:\s*([A-Za-z\-]+)", stripped)
        if match:
            current["duplex"] = {"full": "full", "half": "half", "auto": "auto",
                                 "full-duplex": "full", "half-duplex": "half"}.get(
                match.group(1).lower())
            continue
        match = re.match(r"^(Input|Output)\s*:\s*(?:\d+ packets, \d+ bytes)?\s*$", stripped)
        if match:
            block = "in" if match.group(1) == "Input" else "out"
            current.setdefault("_blocks", set()).add(block)
            continue
        if block:
            pairs = _counter_pairs(stripped)
            if pairs:
                table = _IN_COUNTERS if block.startswith("in") else _OUT_COUNTERS
                for label, value in pairs:
                    key = table.get(label)
                    if key and value is not None:
                        current["counters"][key] = current["counters"].get(key, 0) + value \
                            if key in ("runts", "giants") and label not in ("runts", "giants") \
                            else value
                block = block.rstrip("+")
                continue
            if re.match(r"^(?:Input|Output) bandwidth utilization", stripped):
                block = None
                continue
            unparsed.append(line)
            continue
        # VRP8 (CE): "Input error: 0, ..." outside a block
        match = re.match(r"^(Input|Output) errors?\s*:\s*(\d+)", stripped, re.I)
        if match:
            key = "input_errors" if match.group(1).lower() == "input" else "output_errors"
            current["counters"][key] = int(match.group(2))
    if not items:
        raise ParseError("reason.missing_field", field="current state",
                         source="display interface")
    for item in items:
        # an Input block without its Output block: the capture was cut, the output
        # errors not read are not zeros
        if item.pop("_blocks", {"out"}) == {"in"}:
            unparsed.append(f"{item['name']}: Output counters missing")
        item["name"] = nc.normalise_interface(item["name"], VENDOR)
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display interface brief

_DEFAULT_LEGEND = {"*down": "administratively down", "^down": "standby", "(l)": "loopback",
                   "(s)": "spoofing", "(e)": "ETHOAM down", "(b)": "BFD down",
                   "(E)": "E-Trunk down", "(d)": "Dampening Suppressed"}


def parse_interfaces_brief(text):
    """``Interface PHY Protocol InUti OutUti inErrors outErrors``: PHY ``up``, ``down``,
    ``*down`` (administratively), ``^down`` (standby), with the legend's marks;
    a legend naming an error-down mark makes that mark err-disabled."""
    lines = nc.check_text("display interface brief", text)
    legend = dict(_DEFAULT_LEGEND)
    index = None
    for i, line in enumerate(lines):
        match = re.match(r"^\s*(\S+)\s*:\s*(.+)$", line)
        words = line.split()
        if words[:3] == ["Interface", "PHY", "Protocol"]:
            index = i
            break
        if match:
            legend[match.group(1)] = match.group(2).strip()
    if index is None:
        raise ParseError("reason.missing_field", field="Interface PHY Protocol",
                         source="display interface brief")
    header = lines[index].split()
    items, unparsed = [], []
    for line in lines[index + 1:]:
        words = line.split()
        if not words:
            continue
        if len(words) != len(header):
            unparsed.append(line)
            continue
        row = dict(zip(header, words))
        phy = row["PHY"]
        marks = re.findall(r"\([A-Za-z]+\)", phy)
        base = re.sub(r"\([A-Za-z]+\)", "", phy)
        if base == "*down":
            admin, oper = "down", "down"
        elif base == "^down":
            admin, oper = "up", "standby"
        elif base in ("up", "down"):
            admin, oper = "up", base
        else:
            unparsed.append(line)
            continue
        for mark in marks:
            if re.search(r"error|err-down", legend.get(mark, ""), re.I):
                oper = "err-disabled"
        counters = {}
        for column, key in (("inErrors", "input_errors"), ("outErrors", "output_errors")):
            for name in row:
                if name.lower() == column.lower():
                    value = nc.integer(row[name])
                    if value is not None:
                        counters[key] = value
        items.append({"name": nc.normalise_interface(row["Interface"], VENDOR),
                      "admin": admin, "oper": oper, "protocol": row["Protocol"].split("(")[0],
                      "marks": [legend.get(m, m) for m in marks], "counters": counters,
                      "raw": line.strip()})
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# display logbuffer

_LOG = re.compile(
    r"^(?P<time>(?P<mon>[A-Z][a-z]{2})\s+(?P<day>\d{1,2})\s+(?P<year>\d{4})\s+"
    r"(?P<hms>\d\d:\d\d:\d\d)(?:\.(?P<frac>\d+))?|(?P<date>\d{4}-\d\d-\d\d)\s+"
    r"(?P<hms2>\d\d:\d\d:\d\d)(?:\.(?P<frac2>\d+))?)(?P<offset>[+-]\d\d:\d\d)?(?:\s+DST)?\s+"
    r"(?P<host>\S+)\s+%%\d+(?P<fac>[A-Za-z0-9_\-]+)/(?P<sev>\d)/(?P<mn>[A-Za-z0-9_\-]+)"
    r"(?:\([a-zA-Z]+\))?(?:\[\d+\])?\s*:\s*(?P<text>.*)$")
_LOG_HEADER = re.compile(r"^(?:Logging buffer|Allowed max buffer size|Actual buffer size|"
                         r"Channel number|Dropped messages|Overwritten messages|"
                         r"Current messages|Logbuffer|Info:)", re.I)


def parse_logs(text):
    lines = nc.check_text("display logbuffer", text)
    items, unparsed = [], []
    for line in lines:
        stripped = line.strip()
        if not stripped or _LOG_HEADER.match(stripped):
            continue
        match = _LOG.match(stripped)
        if not match:
            if items and line[:1].isspace():
                items[-1]["text"] += " " + stripped  # a wrapped message
            else:
                unparsed.append(line)
            continue
        if match.group("date"):
            year, month, day = match.group("date").split("-")
            time = nc.iso_time(year, month, day, match.group("hms2"), match.group("frac2"),
                               match.group("offset"))
        else:
            time = nc.iso_time(match.group("year"), match.group("mon"), match.group("day"),
                               match.group("hms"), match.group("frac"), match.group("offset"))
        items.append({"time": time, "severity": int(match.group("sev")),
                      "facility": match.group("fac"), "mnemonic": match.group("mn"),
                      "text": match.group("text"), "host": match.group("host"),
                      "kind": nc.classify_log(match.group("fac"), match.group("mn"),
                                              match.group("text"))})
    if not items and unparsed:
        raise nc.not_understood("display logbuffer", unparsed[0])
    return {"items": items, "unparsed": unparsed}


# ---------------------------------------------------------------------------------------
# configuration


def parse_running(text):
    lines = nc.check_text("display current-configuration", text)
    if not any(re.match(r"^\s*sysname\s+\S+", line) for line in lines) and \
            not any(line.strip() in ("return", "#") for line in lines):
        raise nc.not_understood("display current-configuration", lines[0])
    return "\n".join(lines) + "\n"


def parse_compare(text):
    """``compare configuration`` -> (saved, why)."""
    lines = nc.check_text("compare configuration", text)
    joined = " ".join(line.strip() for line in lines)
    if re.search(r"current configuration is the same as the next startup configuration",
                 joined, re.I) or "当前配置与下次启动的配置文件相同" in joined:
        return {"saved": True, "why": "compare configuration: the same as the next startup "
                                      "configuration file"}
    if re.search(r"current configuration is not the same as the next startup configuration"
                 r"|current configuration is different from the next startup", joined, re.I) \
            or "不一致" in joined or "不相同" in joined:
        return {"saved": False, "why": "compare configuration: differs from the next startup "
                                       "configuration file"}
    if re.search(r"next startup configuration file.*(?:does not exist|is not specified|"
                 r"no startup)", joined, re.I):
        return {"saved": False, "why": "compare configuration: no next startup configuration "
                                       "file"}
    raise nc.not_understood("compare configuration", lines[0])


def _compare(running, saved_state):
    return saved_state["saved"], saved_state["why"]


def _hostname(running):
    for line in (running or "").splitlines():
        match = re.match(r"^\s*sysname\s+(\S+)", line)
        if match:
            return match.group(1)
    return None


# ---------------------------------------------------------------------------------------

PARSERS = {
    "version": parse_version, "inventory": parse_esn, "modules": parse_device,
    "fans": parse_fans, "power": parse_power, "temperature": parse_temperature,
    "alarms": parse_alarms, "cpu": parse_cpu, "memory": parse_memory,
    "interfaces": parse_interfaces, "interfaces_brief": parse_interfaces_brief,
    "logs": parse_logs, "running_config": parse_running, "saved_state": parse_compare,
}


def merge_interfaces(full, brief):
    """``display interface`` items, completed by ``display interface brief`` (its
    err-down marks, the error columns when the full view has none); either alone does."""
    if full is None and brief is None:
        return None
    if full is not None and is_failure(full):
        return full if brief is None or is_failure(brief) else _brief_only(brief)
    if full is None or is_failure(full):
        return brief if is_failure(brief) else _brief_only(brief)
    items = [dict(i) for i in full["items"]]
    unparsed = list(full.get("unparsed", []))
    if brief is not None and not is_failure(brief):
        by_name = {i["name"]: i for i in items}
        for row in brief["items"]:
            item = by_name.get(row["name"])
            if item is None:
                continue
            if row["oper"] == "err-disabled":
                item["oper"] = "err-disabled"
            for key, value in row["counters"].items():
                item["counters"].setdefault(key, value)
            for key in ("duplex", "speed"):
                if item.get(key) is None and row.get(key) is not None:
                    item[key] = row[key]
        unparsed += brief.get("unparsed", [])
    return {"items": items, "unparsed": unparsed}


def _brief_only(brief):
    items = []
    for row in brief["items"]:
        items.append({"name": row["name"], "admin": row["admin"], "oper": row["oper"],
                      "duplex": row.get("duplex"), "speed": row.get("speed"),
                      "description": "",
                      "counters": dict(row["counters"]), "counters_cleared": None,
                      "optics": None, "protocol": row["protocol"]})
    return {"items": items, "unparsed": list(brief.get("unparsed", []))}


def parse_sources(raw, context=None):
    """The raw outputs of one VRP device -> the network data (contract shape)."""
    parsed = nc.run_parsers(raw, PARSERS)
    return assemble(parsed, {"platform": PLATFORM}, _compare, "Huawei")


def assemble(parsed, data, compare, vendor):
    """Parsed sources -> the contract's sections (shared with the Comware reader);
    ``compare(running text, parsed saved state) -> (saved, why)``."""
    version = parsed.get("version")
    inventory = parsed.get("inventory")
    running = parsed.get("running_config")
    if version is not None:
        data["device"] = version if is_failure(version) else dict(version)
    elif inventory is not None and is_failure(inventory):
        data["device"] = inventory
    elif inventory is not None:
        data["device"] = {"hostname": None, "vendor": inventory.get("vendor") or vendor,
                          "model": None,
                          "serial": None, "software": None, "version": None, "image": None,
                          "uptime_seconds": None, "reload_reason": None}
    device = data.get("device")
    if device is not None and not is_failure(device):
        if inventory is not None and not is_failure(inventory):
            device["serial"] = inventory["serial"]
            if inventory.get("unparsed"):
                device["unparsed"] = list(inventory["unparsed"])
        elif inventory is not None:
            device["serial_error"] = inventory
        if running is not None and not is_failure(running):
            device["hostname"] = device.get("hostname") or _hostname(running)
    for key, section in (("fans", "fans"), ("power", "power_supplies"),
                         ("temperature", "temperatures"), ("modules", "modules"),
                         ("alarms", "alarms"), ("logs", "logs")):
        nc.list_section(parsed.get(key), section, data,
                        unparsed_items=section in ("fans", "power_supplies", "temperatures",
                                                   "modules"))
    # a PWR/FAN row of ``display device`` is the power supply or fan ``display power`` /
    # ``display fan`` read: judged there once, not a second time as a board
    for part, section in (("psu", "power_supplies"), ("fan", "fans")):
        if isinstance(data.get(section), list) and isinstance(data.get("modules"), list):
            data["modules"] = [m for m in data["modules"] if m.get("part") != part]
    if inventory is not None and not is_failure(inventory) and inventory.get("modules") \
            and "modules" in data and not is_failure(data["modules"]):
        serials = inventory["modules"]
        for module in data["modules"]:
            module["serial"] = module.get("serial") or serials.get(module.get("slot")
                                                                   or module["name"])
    for key in ("cpu", "memory"):
        if parsed.get(key) is not None:
            data[key] = parsed[key]
    interfaces = merge_interfaces(parsed.get("interfaces"), parsed.get("interfaces_brief"))
    nc.list_section(interfaces, "interfaces", data, unparsed_items=False)
    config = nc.config_section(running, parsed.get("saved_state"), compare)
    if config is not None:
        data["config"] = config
    return data
