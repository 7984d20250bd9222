# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ``network`` area's parsers share (Huawei VRP, H3C Comware; Cisco's may add theirs
at the end of this file): header-row tables read by the header's column positions, uptime
text to seconds, interface names to one spelling, log lines sorted by mnemonic, and the
section plumbing every ``parsers/<platform>_network.py`` ``parse_sources`` uses.

The data shape is the one in the area's contract (catalogue/network.py's checks read it):
``device``, ``fans``, ``power_supplies``, ``temperatures``, ``modules``, ``alarms``, ``cpu``,
``memory``, ``interfaces``, ``logs``, ``config``. A section is data, or a failure
``{"error": message, "cause": ...}`` (parsers/sections.py), or absent when its command was
not given.

Lines a parser does not understand inside a table it knows are never dropped: a dict section
(``cpu``, ``memory``, ``device``, ``config``) carries them as ``"unparsed": [lines]``; a list
section (``fans`` ...) cannot, so they go to the top-level ``"unparsed": {section: [lines]}``
and, for the hardware lists, also become an item with ``state: "unknown"`` and
``"unparsed": True``, so a rule that reads the items alone still says unknown.
"""

from __future__ import annotations

import re
from datetime import datetime

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

# ---------------------------------------------------------------------------------------
# text


_PROMPT = re.compile(r"^\s*(?:<[^<>\s]+>|\[[^\[\]\s]+\]|[A-Za-z0-9_.\-]+[>#])\s*\S")
_MORE = re.compile(r"\s*-{2,}\s*More\s*-{2,}\s*(?:\x1b\[[0-9;]*[A-Za-z]|\x08|\s)*")


def lines_of(text):
    """The output's lines: CRs, pager marks (``---- More ----`` and the erasing it leaves)
    removed, and a leading echo of the prompt + command (``<SW1>display fan``) dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_MORE.sub("", line).rstrip() for line in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _PROMPT.match(lines[0]) and re.search(r"\b(?:dis(?:p(?:l(?:a(?:y)?)?)?)?|"
                                                       r"comp(?:are)?)\b", lines[0], re.I):
        lines.pop(0)
    # a trailing prompt line (a capture copied from a terminal)
    while lines and (not lines[-1].strip() or re.match(r"^\s*<[^<>\s]+>\s*$", lines[-1])):
        lines.pop()
    return lines


def unexpected(line):
    return msg("reason.unexpected_line", line=line.strip()[:120])


def not_understood(source, line):
    return ParseError("reason.not_understood", source=source, detail=unexpected(line))


def device_error(source, lines):
    """ParseError when the device refused the command (``Error: Unrecognized command``,
    ``% Unrecognized command``, ``Unknown command``, ``错误``); None otherwise."""
    for line in lines[:4]:
        stripped = line.strip().lstrip("^ ").strip()
        if re.match(r"^(?:Error\s*:|%\s*(?:Unrecognized|Incomplete|Wrong|Too many|Ambiguous)|"
                    r"Unknown command|Unrecognized command|错误|Info:\s*Unrecognized)",
                    stripped, re.I):
            return ParseError("reason.not_understood", source=source,
                              detail=unexpected(stripped))
    return None


def check_text(source, text):
    """The output's lines; ParseError when it is empty or the device refused the command."""
    lines = lines_of(text)
    if not any(line.strip() for line in lines):
        raise ParseError("reason.empty", source=source)
    error = device_error(source, lines)
    if error is not None:
        raise error
    return lines


def is_rule(line):
    """A dashed rule under or over a header: ``-----``, ``- - - -``, ``=====``."""
    stripped = line.strip()
    return len(stripped) >= 3 and re.fullmatch(r"[-=\s]+", stripped) is not None \
        and len(stripped.replace(" ", "")) >= 3


def number(value):
    """``12``, ``12.5``, ``12%`` -> float; ``-``, ``--``, ``NA`` and the like -> None."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*%?\s*", str(value))
    return float(match.group(1)) if match else None


def integer(value):
    match = re.fullmatch(r"\s*(\d+)\s*", str(value or ""))
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------------------------
# header-row tables


def columns(header):
    """A header line -> [(name, start)]: names are runs of text separated by two spaces or
    more, or by one space between two single words that each start a column
    (``Slot  Card   Type`` -> Slot, Card, Type; ``Current(C) Lower(C)`` -> two)."""
    out = []
    for match in re.finditer(r"\S+", header):
        out.append((match.group(0), match.start()))
    return out


def cut(line, starts):
    """The line cut at the header's column starts; a value is the text from its column's
    start (moved left to the start of a word it lands inside) to the next column's."""
    values = []
    bounds = []
    for start in starts:
        pos = start
        if pos < len(line):
            while pos > 0 and not line[pos - 1].isspace() and not line[pos].isspace():
                pos -= 1
        bounds.append(pos)
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else len(line)
        values.append(line[start:end].strip() if start < len(line) else "")
    return values


def row_values(line, names, starts):
    """A data row -> {header name: value}: one whitespace-separated word per column when the
    counts agree and the row starts under the first column (a value wider than its column
    then does not shift the others), else cut by the header's column positions (an empty
    first column, a value of two words: ``No Supply``)."""
    words = line.split()
    indent = len(line) - len(line.lstrip())
    second = starts[1] if len(starts) > 1 else len(line) + 1
    if len(words) == len(names) and indent < second:
        return dict(zip(names, words))
    return dict(zip(names, cut(line, starts)))


def find_header(lines, required, aliases=None):
    """The index of the first line holding every ``required`` column name (each a tuple of
    accepted spellings, compared case-insensitively, Chinese through ``aliases``); None."""
    aliases = aliases or {}
    for index, line in enumerate(lines):
        words = [aliases.get(w, w).lower() for w in line.split()]
        if all(any(s.lower() in words for s in spellings) for spellings in required):
            return index
    return None


def pick(row, *names):
    """The first of ``names`` present in a row (header spellings differ between releases)."""
    for name in names:
        for key, value in row.items():
            if key.lower() == name.lower():
                return value
    return None


# ---------------------------------------------------------------------------------------
# values


_UNITS = {"year": 365 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600,
          "minute": 60, "second": 1}
_UNIT_WORD = re.compile(r"(\d+)\s*(year|week|day|hour|minute|min|second|sec)s?\b", re.I)


def uptime_seconds(text):
    """``10 weeks, 2 days, 3 hours, 4 minutes`` (VRP, Comware, IOS), ``161 days, 0 hour, 20
    minutes``, ``0 weeks,1 day,2 hours`` -> seconds; None when no unit is found."""
    if not text:
        return None
    total = 0
    found = False
    for value, unit in _UNIT_WORD.findall(text):
        unit = unit.lower()
        unit = {"min": "minute", "sec": "second"}.get(unit, unit)
        total += int(value) * _UNITS[unit]
        found = True
    return total if found else None


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), 1)}


def iso_time(year, month, day, hms, fraction=None, offset=None):
    """The parts of a device's time stamp -> ISO 8601 (device local time when the device
    prints no offset); None when they do not make a date."""
    try:
        month = _MONTHS[month[:3].lower()] if not str(month).isdigit() else int(month)
        hour, minute, second = (int(x) for x in hms.split(":"))
        stamp = datetime(int(year), month, int(day), hour, minute, second)
    except (KeyError, ValueError, TypeError):
        return None
    text = stamp.isoformat()
    if fraction:
        text += "." + fraction[:6].ljust(3, "0")
    if offset:
        match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", offset)
        if match:
            text += f"{match.group(1)}{int(match.group(2)):02d}:{match.group(3)}"
    return text


# ---------------------------------------------------------------------------------------
# interface names

# short names (``display interface brief``, logs) -> the full name ``display interface``
# prints; each vendor's own, as the same short name means different ports (XGE is
# XGigabitEthernet on VRP, Ten-GigabitEthernet on Comware)
SHORT_NAMES = {
    "huawei": (("GE", "GigabitEthernet"), ("XGE", "XGigabitEthernet"),
               ("Eth", "Ethernet"), ("MEth", "MEth"), ("Vlanif", "Vlanif"),
               ("Eth-Trunk", "Eth-Trunk"), ("Loop", "LoopBack"), ("LoopBack", "LoopBack"),
               ("FE", "FastEthernet"), ("40GE", "40GE"), ("10GE", "10GE"),
               ("25GE", "25GE"), ("100GE", "100GE"), ("Tun", "Tunnel")),
    "h3c": (("GE", "GigabitEthernet"), ("XGE", "Ten-GigabitEthernet"),
            ("FGE", "FortyGigE"), ("HGE", "HundredGigE"), ("WGE", "Twenty-FiveGigE"),
            ("MGE", "M-GigabitEthernet"), ("BAGG", "Bridge-Aggregation"),
            ("RAGG", "Route-Aggregation"), ("Vlan", "Vlan-interface"),
            ("Vlan-int", "Vlan-interface"), ("InLoop", "InLoopBack"), ("Loop", "LoopBack"),
            ("NULL", "NULL"), ("REG", "Register-Tunnel"), ("Tun", "Tunnel"),
            ("Eth", "Ethernet"), ("FE", "Ethernet"), ("WLAN-Radio", "WLAN-Radio"),
            ("WLAN-BSS", "WLAN-BSS")),
}


def normalise_interface(name, vendor):
    """``GE1/0/1`` -> ``GigabitEthernet1/0/1`` (vendor ``huawei`` or ``h3c``); the
    ``(10G)``, ``(v)`` and similar marks VRP's brief view appends are removed; a name already
    full stays as it is."""
    name = re.sub(r"\((?:\d+G|[a-zA-Z]{1,2})\)$", "", (name or "").strip())
    match = re.fullmatch(r"([A-Za-z][A-Za-z\-]*?|\d+GE)(\d[\d/:.]*)", name)
    if not match:
        return name
    prefix, rest = match.groups()
    for short, full in SHORT_NAMES.get(vendor, ()):
        if prefix.lower() == short.lower():
            return full + rest
    return name


# ---------------------------------------------------------------------------------------
# logs

# (kind, mnemonic or facility/mnemonic words): first match wins; mnemonics are the
# vendors' own (Huawei IFNET/LINK_STATE, IFPDT/IF_STATE, MSTP/PORT_STATE_..., DEVM/...,
# H3C IFNET/PHY_UPDOWN, LINK_UPDOWN, STP/STP_..., DEV/POWER_FAILED, FAN_FAILED ...)
LOG_KINDS = (
    ("err_disable", re.compile(r"ERR(?:OR)?_?DOWN|ERRDOWN|ERR_?DISABLE|BPDU_?PROTECT|"
                               r"LOOPBACK_?DETECT|LOOP_?DETECT|PORTSEC", re.I)),
    ("link_flap", re.compile(r"LINK_?STATE|LINK_?UPDOWN|PHY_?UPDOWN|/IF_?STATE|LINKDOWN|"
                             r"LINKUP|PHY_?STATUS|/PORT_?(?:UP|DOWN)$|PhysicalPortDown|"
                             r"PhysicalPortUp|hwIfFlap", re.I)),
    ("stp_change", re.compile(r"^(?:MSTP|STP|RSTP)/|TOPOLOGY_?CHANGE|TOPOCHANGE", re.I)),
    ("psu", re.compile(r"POWER|PWR|PSU|VOLT", re.I)),
    ("fan", re.compile(r"FAN", re.I)),
    ("temperature", re.compile(r"TEMP|THERMAL", re.I)),
    ("reload", re.compile(r"REBOOT|RELOAD|RESTART|COLD_?START|WARM_?START|BOARD_?RESET",
                          re.I)),
    ("config", re.compile(r"CFG|CONFIG|SAVE|CMDRECORD|CLI_?CMD|SHELL_CMD", re.I)),
    ("auth", re.compile(r"LOGIN|LOGOUT|LOGON|AUTH|SSH|TELNET|VTY|AAA|RADIUS|TACACS", re.I)),
)
# facilities whose mnemonics say POWER or the like without being the device's hardware
_NOT_HARDWARE = re.compile(r"^(?:POE|PSE|ENERGY|LLDP)$", re.I)


def classify_log(facility, mnemonic, text=""):
    """The kind of a log line from ``FACILITY/MNEMONIC`` (the message text only when they say
    nothing): ``link_flap``, ``psu``, ``fan``, ``temperature``, ``err_disable``,
    ``stp_change``, ``auth``, ``reload``, ``config`` or ``other``."""
    name = f"{facility or ''}/{mnemonic or ''}"
    for kind, pattern in LOG_KINDS:
        if kind in ("psu", "fan", "temperature") and _NOT_HARDWARE.match(facility or ""):
            continue
        if pattern.search(name):
            return kind
    lower = (text or "").lower()
    if re.search(r"error[- ]?down|err-disable", lower):
        return "err_disable"
    if re.search(r"\b(?:power supply|power module|psu)\b", lower):
        return "psu"
    if re.search(r"\bfan\b", lower):
        return "fan"
    if "temperature" in lower:
        return "temperature"
    return "other"


# ---------------------------------------------------------------------------------------
# states

def nothing_read(source, items, unparsed):
    """ParseError when a whole output was lines not understood (nothing read at all)."""
    if not items and unparsed:
        raise not_understood(source, unparsed[0])


def worst(states, order):
    """The worst of ``states`` by ``order`` (best first)."""
    rank = {s: i for i, s in enumerate(order)}
    return max(states, key=lambda s: rank.get(s, len(order)))


# ---------------------------------------------------------------------------------------
# sections


def run_parsers(raw, parsers):
    """``{key: text}`` -> ``{key: parsed or failure section}`` for the keys given;
    ``parsers`` maps a raw key to a function of the text."""
    out = {}
    for key, parser in parsers.items():
        value = raw.get(key)
        if value is None:
            continue
        if is_failure(value):
            out[key] = failure(value)
            continue
        try:
            out[key] = parser(str(value))
        except ParseError as exc:
            out[key] = failure(exc)
    return out


def list_section(result, name, data, unparsed_items=True):
    """Put a list section parsed as ``{"items": [...], "unparsed": [...]}`` (or a failure)
    into ``data``: the items as the section, the lines not understood in
    ``data["unparsed"][name]`` and, for the hardware lists, as unknown items."""
    if result is None:
        return
    if is_failure(result):
        data[name] = result
        return
    items = list(result.get("items", []))
    unparsed = result.get("unparsed") or []
    if unparsed:
        data.setdefault("unparsed", {})[name] = list(unparsed)
        if unparsed_items:
            known = {item.get("raw") for item in items if item.get("state") == "unknown"}
            for line in unparsed:
                if line.strip() in known:
                    continue  # already an item whose state is unknown
                items.append({"name": line.strip()[:60], "state": "unknown", "raw": line,
                              "unparsed": True})
    if name in data and not is_failure(data[name]):
        data[name] = data[name] + items
    else:
        data[name] = items


def config_section(running, saved_state, compare):
    """The ``config`` section from the running configuration's text (or a failure) and the
    parsed saved state (or a failure); ``compare(running text or None, saved state) ->
    (saved, why)``. None when neither was given."""
    if saved_state is None and running is None:
        return None
    if running is not None and is_failure(running) and (saved_state is None
                                                         or is_failure(saved_state)):
        return running
    if running is None and is_failure(saved_state):
        return saved_state
    section = {"running": None, "saved": None, "why": ""}
    if running is not None and not is_failure(running):
        section["running"] = running
    elif running is not None:
        section["running_error"] = running
    if saved_state is None:
        section["why"] = "saved state not collected"
    elif is_failure(saved_state):
        section["why"] = "saved state not understood or not collected"
        section["saved_error"] = saved_state
    else:
        section["saved"], section["why"] = compare(section["running"], saved_state)
    return section
