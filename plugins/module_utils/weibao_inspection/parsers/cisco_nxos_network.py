# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a Cisco Nexus (NX-OS 5.x-10.x: Nexus 3000/5000/7000/9000) switch (the ``network``
area). Pure functions: text -> data, never a judgement. The data shape is the network
area's, as ``cisco_ios_network.py`` returns it (its shared helpers are used here).

Raw keys and the commands behind them (registry.py):

    version          show version
    inventory        show inventory           -> ``inventory`` [{name, descr, model, serial}]
    environment      show environment         -> fans, power_supplies, temperatures (the
                     "Power Supply:", "Fan:" and "Temperature:" tables; the module power
                     table, the power summary and the clock table are read, not judged)
    modules          show module              -> modules (state from the Status column,
                     serial from the MAC/Serial-Num table)
    cpu              show system resources    -> cpu (percent_5s = 100 - idle of the
                     "CPU states" line: NX-OS prints no 1 and 5 minute percentages, so those
                     are None) and memory ("Memory usage: ...K total, ...K used")
    interfaces       show interface
    interfaces_brief show interface status
    transceivers     show interface transceiver details (the DOM table: Tx/Rx Power with
                     their alarm thresholds and the device's alarm marks; a QSFP's weakest
                     lane stands for the port)
    logs             show logging logfile (``2023 Jan 10 10:00:01 N9K1 %FAC-5-MNEMONIC: text``)
    running_config   show running-config
    saved_state      show running-config diff (nothing printed: saved; a diff: unsaved)

Unparsed lines and failures as in ``cisco_ios_network.py``.
"""

from __future__ import annotations

import re
from datetime import datetime

from ansible.module_utils.weibao_inspection.parsers import cisco_ios_network as ios
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

PLATFORM = "cisco_nxos"

# --------------------------------------------------------------------------- version


def parse_version(text):
    ios.require_text(text, "show version")
    device = {"hostname": None, "vendor": ios.VENDOR, "model": None, "serial": None,
              "software": "NX-OS", "version": None, "image": None, "uptime_seconds": None,
              "reload_reason": None}
    in_reset = False
    for line in ios.lines_of(text):
        stripped = line.strip()
        match = re.match(r"^(?:NXOS|NX-OS|system):\s+version\s+(\S+)", stripped)
        if match:
            device["version"] = match.group(1)
            continue
        match = re.match(r"^(?:NXOS|NX-OS|system) image file is:\s*(\S+)", stripped)
        if match:
            device["image"] = match.group(1)
            continue
        match = re.match(r"^cisco (.+?) (?:[Cc]hassis|\()", stripped)
        if match and device["model"] is None:
            device["model"] = match.group(1).strip()
            continue
        match = re.match(r"^Processor [Bb]oard ID (\S+)", stripped)
        if match:
            device["serial"] = match.group(1)
            continue
        match = re.match(r"^Device name:\s*(\S+)", stripped)
        if match:
            device["hostname"] = match.group(1)
            continue
        match = re.match(r"^Kernel uptime is (.+?)\s*$", stripped)
        if match:
            device["uptime_seconds"] = ios.uptime_seconds(match.group(1))
            if device["uptime_seconds"] is None:
                raise ios.error("reason.unexpected_value", what="uptime",
                                value=match.group(1))
            continue
        if stripped.startswith("Last reset"):
            in_reset = True
            continue
        match = re.match(r"^Reason:\s*(.*)$", stripped)
        if match and in_reset:
            device["reload_reason"] = match.group(1).strip() or None
            in_reset = False
    if device["version"] is None or device["hostname"] is None:
        raise ios.error("reason.missing_field", field="NXOS version, Device name",
                        source="show version")
    return device


# --------------------------------------------------------------------------- environment

_PSU_STATES = {"ok": "ok", "powered-up": "ok", "absent": "absent", "not present": "absent",
               "shutdown": "no_input", "fail/shutdown": "failed", "failed": "failed",
               "fail": "failed", "failure": "failed", "powered-dn": "failed",
               "input-lost": "no_input", "no input": "no_input"}
_FAN_STATES = {"ok": "ok", "absent": "absent", "not present": "absent", "failure": "failed",
               "failed": "failed", "fail": "failed", "notok": "failed", "not ok": "failed"}
_TEMP_STATES = {"ok": "ok", "minor": "warning", "minor alarm": "warning",
                "major": "critical", "major alarm": "critical", "alarm": "critical"}


def _state(table, text):
    return table.get(" ".join(text.lower().split()), "unknown")


def parse_environment(text):
    ios.require_text(text, "show environment")
    out = {"fans": [], "power_supplies": [], "temperatures": [], "unparsed": []}
    part = None          # "power", "fan", "temperature", "clock", "summary"
    table = None         # the kind of rows after a dash line
    header = []
    for line in ios.lines_of(text):
        stripped = line.strip()
        if not stripped:
            # a Nexus 7000 puts a line of spaces between temperature rows
            if table != "temperature":
                table, header = None, []
            continue
        heading = re.match(r"^(Power Supply|Fan|Temperature|Clock|Power Usage Summary)"
                           r"(?: Information)?:\s*$", stripped)
        if heading:
            part = heading.group(1).split()[0].lower() if heading.group(1) != \
                "Power Usage Summary" else "summary"
            table, header = None, []
            continue
        if re.match(r"^-+(\s+-+)*$", stripped):
            if header:
                text_of_header = " ".join(header)
                if part == "power" and "Supply" in text_of_header:
                    table = "psu"
                elif part == "power":
                    table = "skip"  # the module power table
                elif part in ("fan", "temperature", "clock"):
                    table = part
                header = []
            continue
        if table is None:
            if part == "summary" or stripped.startswith(("Voltage:", "N/A", "Fan Zone",
                                                         "Fan Air Filter", "Fan Speed")):
                continue
            header.append(stripped)
            continue
        if table == "psu":
            # number, model, watts..., status (one or two words: "Ok", "Fail/Shutdown")
            words = stripped.split()
            if len(words) >= 3 and words[0].isdigit():
                status = words[-1]
                if f"{words[-2]} {words[-1]}".lower() in _PSU_STATES:
                    status = f"{words[-2]} {words[-1]}"
                out["power_supplies"].append({"name": f"PS {words[0]}",
                                              "state": _state(_PSU_STATES, status),
                                              "raw": stripped})
            else:
                out["unparsed"].append(stripped)
            continue
        if table == "fan":
            if stripped.startswith(("Fan Zone", "Fan Air Filter", "Fan Speed")):
                continue
            words = stripped.split()
            if len(words) >= 3:
                # Fan1(sys_fan1): the module's label; its internal name stays in raw
                name = re.sub(r"\(sys_\w+\)$", "", words[0])
                out["fans"].append({"name": name, "state": _state(_FAN_STATES, words[-1]),
                                    "raw": stripped})
            else:
                out["unparsed"].append(stripped)
            continue
        if table == "temperature":
            match = re.match(r"^(\S+)\s+(.+?)\s+(-?\d+|N/A|--)\s+(-?\d+|N/A|--)\s+"
                             r"(-?\d+|N/A|--)\s+(\S+(?:\s\S+)?)\s*$", stripped)
            if not match:
                out["unparsed"].append(stripped)
                continue
            module, sensor, major, minor, current, status = match.groups()
            if _state(_TEMP_STATES, status) == "unknown":
                out["unparsed"].append(stripped)  # the reading alone cannot make it ok
            out["temperatures"].append({
                # "Inlet  (s1)", "Crossbar(s3)": the sensor's number without brackets
                "name": f"module {module} "
                        + " ".join(re.sub(r"\s*\((s\d+)\)$", r" \1", sensor).split()),
                "celsius": _num(current), "warning": _num(minor), "critical": _num(major),
                "state": _state(_TEMP_STATES, status), "raw": stripped})
            continue
        # clock and module power rows: read, not judged
    if not (out["fans"] or out["power_supplies"] or out["temperatures"]):
        if out["unparsed"]:
            raise ios.error("reason.not_understood", source="show environment",
                            detail=out["unparsed"][0])
        raise ios.error("reason.missing_field", field="Power Supply, Fan, Temperature",
                        source="show environment")
    return out


def _num(text):
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- modules

_MODULE_STATES = {"ok": "ok", "active": "ok", "standby": "ok", "ha-standby": "ok",
                  "powered-dn": "offline", "pwr-denied": "offline", "poweroff": "offline",
                  "powered-up": "unknown", "testing": "unknown", "initializing": "unknown",
                  "boot": "unknown", "failure": "failed", "faulty": "failed",
                  "err-pwd-dn": "failed", "pwr-cycld": "failed", "absent": "empty",
                  "unknown": "unknown"}


def _runs(dash_line):
    return [(m.start(), m.end()) for m in re.finditer(r"-+", dash_line)]


def _cut(line, runs):
    cells = []
    for index, (start, _end) in enumerate(runs):
        stop = runs[index + 1][0] if index + 1 < len(runs) else len(line)
        cells.append(line[start:stop].strip() if len(line) > start else "")
    return cells


def parse_module(text):
    ios.require_text(text, "show module")
    modules, serials, unparsed = {}, {}, []
    header, runs, kind = "", None, None
    for line in ios.lines_of(text):
        stripped = line.strip()
        if not stripped:
            runs, kind = None, None
            continue
        if re.match(r"^-+(\s+-+)+$", stripped):
            runs = _runs(line)
            if re.match(r"^(Mod|Xbar)\s+Ports\s+Module-Type", header):
                kind = "status"
            elif re.match(r"^(Mod|Xbar)\s+MAC-Address", header) and "Serial" in header:
                kind = "serial"
            else:
                kind = "skip"
            continue
        if runs is None or kind is None:
            header = stripped
            continue
        if kind == "skip":
            continue
        cells = _cut(line, runs)
        prefix = "xbar " if header.startswith("Xbar") else "module "
        if not re.match(r"^\d+$", cells[0]):
            unparsed.append(stripped)
            continue
        name = prefix + cells[0]
        if kind == "status" and len(cells) >= 5:
            status = cells[-1].rstrip("*").strip()
            modules[name] = {"name": name, "model": cells[3] or None, "serial": None,
                             "type": cells[2], "status": status,
                             "state": _MODULE_STATES.get(status.lower(), "unknown"),
                             "raw": stripped}
        elif kind == "serial":
            serials[name] = cells[-1] or None
        else:
            unparsed.append(stripped)
    if not modules:
        raise ios.error("reason.not_understood", source="show module",
                        detail=(unparsed or [text.strip().splitlines()[0]])[0])
    for name, serial in serials.items():
        if name in modules:
            modules[name]["serial"] = serial
    return {"items": list(modules.values()), "unparsed": unparsed}


# --------------------------------------------------------------------------- cpu, memory


def parse_system_resources(text):
    ios.require_text(text, "show system resources")
    cpu = memory = None
    for line in ios.lines_of(text):
        stripped = line.strip()
        match = re.match(r"^CPU states\s*:\s*([\d.]+)% user,\s*([\d.]+)% kernel,\s*"
                         r"([\d.]+)% idle", stripped)
        if match:
            cpu = {"percent_5s": round(100.0 - float(match.group(3)), 2), "percent_1m": None,
                   "percent_5m": None}
            continue
        match = re.match(r"^Memory usage\s*:\s*(\d+)K total,\s*(\d+)K used,\s*(\d+)K free",
                         stripped)
        if match:
            total, used = int(match.group(1)) * 1024, int(match.group(2)) * 1024
            memory = {"used_bytes": used, "total_bytes": total,
                      "percent": round(100.0 * used / total, 1) if total else None}
    if cpu is None or memory is None:
        raise ios.error("reason.missing_field", field="CPU states, Memory usage",
                        source="show system resources")
    return {"cpu": cpu, "memory": memory}


# --------------------------------------------------------------------------- interfaces

_IF_HEADER = re.compile(r"^(?P<name>[A-Za-z][\w./:-]*) is (?P<state>up|down|administratively "
                        r"down)(?:\s*\((?P<why>.*?)\))?(?:, line protocol is (?P<proto>\S+))?"
                        r"\s*$")
_NX_COUNTERS = {"runts": "runts", "giants": "giants", "CRC": "crc", "CRC/FCS": "crc",
                "input error": "input_errors", "output error": "output_errors",
                "input discard": "input_drops", "output discard": "output_drops",
                "symbol error": "symbol_errors"}
_COUNTER_WORDS = re.compile(r"error|CRC|runts|giants|discard", re.IGNORECASE)


def parse_interface(text):
    ios.require_text(text, "show interface")
    items, unparsed, seen = [], [], {}
    current = None
    for line in ios.lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        match = _IF_HEADER.match(stripped) if not line.startswith(" ") else None
        if match:
            why = (match.group("why") or "").lower()
            admin = "down" if "administratively" in match.group("state") or \
                why.startswith("administratively down") else "up"
            if re.search(r"err.?disabled|error.?disabled", why):
                oper = "err-disabled"
            else:
                oper = "up" if match.group("state") == "up" else "down"
            current = ios.new_interface(match.group("name"), admin, oper)
            if why:
                current["reason"] = match.group("why")
            items.append(current)
            continue
        if current is None:
            unparsed.append(stripped)
            continue
        match = re.match(r"^admin state is (up|down)", stripped)
        if match:
            current["admin"] = match.group(1)
            continue
        match = re.match(r"^Description:\s*(.*)$", stripped)
        if match:
            current["description"] = match.group(1)
            continue
        match = re.match(r"^(full|half|auto)-duplex,\s*([^,]+)", stripped, re.IGNORECASE)
        if match:
            current["duplex"] = match.group(1).lower()
            current["speed"] = "auto" if match.group(2).strip().lower() == "auto-speed" \
                else match.group(2).strip()
            continue
        match = re.match(r'^Last clearing of "show interface" counters (.+)$', stripped)
        if match:
            current["counters_cleared"] = match.group(1).strip()
            continue
        if re.match(r"^\d+ [A-Za-z]", stripped):
            # Nexus: two spaces between counters; MDS: commas
            pairs = ios.counter_pairs(stripped, r",\s*|\s{2,}")
            if pairs is None:
                if _COUNTER_WORDS.search(stripped):
                    unparsed.append(stripped)
                continue
            for name, value in pairs:
                if name in _NX_COUNTERS:
                    current["counters"][_NX_COUNTERS[name]] = value
            for key, word in (("started", "runts"), ("started", "input error"),
                              ("in", "input error"), ("out", "output error")):
                if word in stripped:
                    seen.setdefault(current["name"], set()).add(key)
    if not items:
        raise ios.error("reason.not_understood", source="show interface",
                        detail=(unparsed or ["?"])[0])
    # RX error counters begun but the error lines never came: the capture was cut, what was
    # not read is not zero (a mgmt0 that prints no error line at all is not cut)
    for name, keys in seen.items():
        if "started" in keys and not {"in", "out"} <= keys:
            unparsed.append(f"{name}: error counters cut short")
    return {"items": items, "unparsed": unparsed}


# ``show interface status`` names -> ``show interface`` names (NX-OS spells these lower case)
_NX_NAMES = (("Port-channel", "port-channel"), ("Loopback", "loopback"))


def nx_name(name):
    full = ios.full_name(name)
    for ios_name, nx in _NX_NAMES:
        if full.startswith(ios_name):
            return nx + full[len(ios_name):]
    return full


def parse_interface_status(text):
    data = ios.parse_interfaces_status(text, "show interface status")
    for item in data["items"]:
        item["name"] = nx_name(item["name"])
    return data


def parse_transceiver_details(text):
    ios.require_text(text, "show interface transceiver details")
    items, unparsed = {}, []
    current = None
    for line in ios.lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        if not line.startswith(" ") and re.match(r"^[A-Za-z][\w./-]*\d$", stripped):
            current = stripped
            continue
        if current is None:
            unparsed.append(stripped)
            continue
        match = re.match(r"^(Tx|Rx) Power\s+(.*)$", stripped)
        if not match:
            continue
        values, flags = [], []
        for tok in match.group(2).split():
            if tok in ios.OPTIC_FLAGS and values:
                flags[-1] = ios.OPTIC_FLAGS[tok]
            elif tok == "dBm":
                continue
            elif re.match(r"^-?\d+(\.\d+)?$", tok) or tok.upper() in ("N/A", "NA"):
                values.append(None if tok.upper() in ("N/A", "NA") else float(tok))
                flags.append(None)
            else:
                values = []
                break
        if len(values) != 5:
            unparsed.append(f"{current}: {stripped}")
            continue
        which = match.group(1).lower()
        optics = items.setdefault(current, ios.empty_optics())
        # a QSFP prints one table per lane: the weakest lane stands for the port
        previous = optics[f"{which}_dbm"]
        if previous is not None and (values[0] is None or values[0] >= previous):
            continue
        optics[f"{which}_dbm"] = values[0]
        optics[f"{which}_high_alarm"] = values[1]
        optics[f"{which}_low_alarm"] = values[2]
        optics[f"{which}_high_warning"] = values[3]
        optics[f"{which}_low_warning"] = values[4]
        optics[f"{which}_flag"] = flags[0]
    if current is None:
        raise ios.error("reason.not_understood", source="show interface transceiver "
                        "details", detail=(unparsed or ["?"])[0])
    return {"items": items, "unparsed": unparsed}


# --------------------------------------------------------------------------- logs

_NX_LOG = re.compile(
    r"^(?P<year>\d{4})\s+(?P<mon>[A-Z][a-z]{2})\s+(?P<day>\d{1,2})\s+"
    r"(?P<hms>\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:\s+[A-Z]{2,5})?\s+(?P<host>\S+)\s+"
    r"%(?P<fac>[A-Z0-9_]+)(?:-[A-Z0-9_]+)?-(?P<sev>[0-7])-(?P<mn>[A-Z0-9_]+)\s*:\s*"
    r"(?P<text>.*)$")


def parse_logfile(text):
    if not str(text or "").strip():
        return {"items": [], "unparsed": []}  # an empty log file
    ios.cli_error(text, "show logging logfile")
    items, unparsed = [], []
    for line in ios.lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        match = _NX_LOG.match(stripped)
        if not match:
            unparsed.append(stripped)
            continue
        try:
            when = datetime.strptime(f"{match.group('year')} {match.group('mon')} "
                                     f"{match.group('day')} {match.group('hms')}",
                                     "%Y %b %d %H:%M:%S")
        except ValueError:
            when = None
        items.append({"time": ios.iso(when), "severity": int(match.group("sev")),
                      "facility": match.group("fac"), "mnemonic": match.group("mn"),
                      "text": match.group("text"),
                      "kind": ios.log_kind(match.group("fac"), match.group("mn"),
                                           match.group("text"))})
    if not items and unparsed:
        raise ios.error("reason.not_understood", source="show logging logfile",
                        detail=unparsed[0])
    return {"items": items, "unparsed": unparsed}


# --------------------------------------------------------------------------- config


def parse_running_config(text):
    ios.require_text(text, "show running-config")
    lines = ios.lines_of(text)
    body = [line for line in lines if line.strip()]
    if not any(line.startswith(("version ", "hostname ", "interface ", "feature "))
               for line in body):
        raise ios.error("reason.not_understood", source="show running-config",
                        detail=body[0].strip())
    return {"running": "\n".join(lines).strip("\n") + "\n", "saved": None,
            "why": "show running-config diff not given"}


def parse_running_diff(text):
    """Nothing printed: the running configuration is the startup one."""
    if not str(text or "").strip():
        return {"saved": True, "why": "show running-config diff printed nothing"}
    ios.cli_error(text, "show running-config diff")
    lines = [line for line in ios.lines_of(text) if line.strip()]
    if any(re.match(r"^(\*{3}|-{3}) (Startup|Running)-config", line) for line in lines) or \
            any(re.match(r"^[!+-] ", line) for line in lines):
        changed = [line for line in lines if re.match(r"^[!+-] ", line)]
        return {"saved": False, "why": ios.differ(len(changed)),
                "diff": "\n".join(lines) + "\n"}
    raise ios.error("reason.not_understood", source="show running-config diff",
                    detail=lines[0].strip())


# --------------------------------------------------------------------------- all


def parse_sources(raw, context=None):
    """The raw outputs of one NX-OS switch -> the network data (module doc)."""
    context = context or {}
    data = {"platform": PLATFORM}
    unparsed = {}

    def take(key, parser):
        value = raw.get(key)
        if value is None:
            return None
        if is_failure(value):
            return failure(value)
        try:
            return parser(str(value))
        except ParseError as exc:
            return failure(exc)

    version = take("version", parse_version)
    if version is not None:
        data["device"] = version
    inventory = take("inventory", ios.parse_inventory)
    if inventory is not None:
        data["inventory"] = inventory if is_failure(inventory) else inventory["items"]
        if not is_failure(inventory) and inventory["unparsed"]:
            unparsed["inventory"] = inventory["unparsed"]
    environment = take("environment", parse_environment)
    if environment is not None:
        for name in ("fans", "power_supplies", "temperatures"):
            data[name] = environment if is_failure(environment) else environment[name]
            if not is_failure(environment) and environment["unparsed"]:
                unparsed[name] = list(environment["unparsed"])
    modules = take("modules", parse_module)
    if modules is not None:
        data["modules"] = modules if is_failure(modules) else modules["items"]
        if not is_failure(modules) and modules["unparsed"]:
            unparsed["modules"] = modules["unparsed"]
    resources = take("cpu", parse_system_resources)
    if resources is not None:
        data["cpu"] = resources if is_failure(resources) else resources["cpu"]
        data["memory"] = resources if is_failure(resources) else resources["memory"]
    ios.collect_interfaces(data, unparsed, take("interfaces", parse_interface),
                           take("interfaces_brief", parse_interface_status),
                           take("transceivers", parse_transceiver_details))
    logs = take("logs", parse_logfile)
    if logs is not None:
        data["logs"] = logs if is_failure(logs) else logs["items"]
        if not is_failure(logs) and logs["unparsed"]:
            unparsed["logs"] = logs["unparsed"]
    config = take("running_config", parse_running_config)
    config = ios.merge_saved(config, take("saved_state", parse_running_diff))
    if config is not None:
        data["config"] = config
    ios.finish(data, unparsed)
    return data
