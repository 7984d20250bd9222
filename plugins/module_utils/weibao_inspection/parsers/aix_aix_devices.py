# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for an AIX host's devices and paths (the ``aix_devices`` area).

Formats (IBM AIX 7.1/7.2/7.3 command references: lsdev, lspath, fcstat, entstat; the
fixtures' first lines name each capture's origin):

- ``lsdev`` / ``lsdev_adapter`` / ``lsdev_tape``: ``lsdev -C`` (``-Cc adapter``, ``-Cc
  tape``): ``name status [location] description``; status ``Available``, ``Defined``,
  ``Stopped``; the location (``02-08``, ``03-00-01``) is absent for virtual devices. ``-H``'s
  header line is skipped. The status words come from a message catalogue: in another
  language they are not understood (never guessed).
- ``lspath``: ``status name parent [connection]`` (plain ``lspath``, or ``-F "status name
  parent connection"``); status ``Enabled``, ``Disabled``, ``Failed``, ``Defined``,
  ``Missing``, ``Detected``. Nothing printed: no MPIO path.
- ``fcstat``: ``{adapter: text}`` of ``fcstat fcsN``: ``FIBRE CHANNEL STATISTICS REPORT:
  fcsN`` then ``Name: value`` lines; the link error counters, ``Attention Type`` (``Link
  Up``/``Link Down``), ``Port Speed (running)``, ``Seconds Since Last Reset``. ``Error opening
  device: /dev/fscsiN`` + ``errno: 00000045`` (hex; 0x45 ENETDOWN) is kept as an open error.
- ``entstat``: ``{adapter: text}`` of ``entstat -d entN``: one ``ETHERNET STATISTICS (entN) :``
  block per adapter (an EtherChannel's own block, then each member's); counters printed two
  per line, ``Link Status : Up``, ``Media Speed Running``, ``Elapsed Time``, the 802.3ad
  ``Aggregation status`` and each member's ``Synchronization``, ``Active channel``.

Each key absent from ``raw`` is absent from the data; a raw failure ``{"error", "cause"}`` is
kept; text not understood is a failure section with cause ``not_understood``.

``COLLECT`` lists what the AIX collector runs (``{fcs}``/``{ent}``: each adapter that
:func:`adapters` finds in ``lsdev -Cc adapter``).
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
    parse_source,
)

COLLECT = (
    ("lsdev", ("lsdev", "-C")),
    ("lsdev_adapter", ("lsdev", "-Cc", "adapter")),
    ("lspath", ("lspath", "-F", "status name parent connection")),
    ("fcstat", ("fcstat", "{fcs}")),
    ("entstat", ("entstat", "-d", "{ent}")),
    ("lsdev_tape", ("lsdev", "-Cc", "tape")),
)

DEVICE_STATES = ("Available", "Defined", "Stopped")
PATH_STATES = ("Enabled", "Disabled", "Failed", "Defined", "Missing", "Detected")
# fcstat labels -> the names of Linux fc_host statistics (rules/links.py judges the same)
FC_COUNTERS = {
    "Error Frames": "error_frames",
    "Dumped Frames": "dumped_frames",
    "Link Failure Count": "link_failure_count",
    "Loss of Sync Count": "loss_of_sync_count",
    "Loss of Signal": "loss_of_signal_count",
    "Primitive Seq Protocol Error Count": "prim_seq_protocol_err_count",
    "Invalid Tx Word Count": "invalid_tx_word_count",
    "Invalid CRC Count": "invalid_crc_count",
    "Seconds Since Last Reset": "seconds_since_last_reset",
    "LIP Count": "lip_count",
    "NOS Count": "nos_count",
}
ENT_COUNTERS = {
    "CRC Errors": "crc_errors",
    "Alignment Errors": "alignment_errors",
    "Single Collision Count": "single_collisions",
    "Multiple Collision Count": "multiple_collisions",
    "Late Collision Errors": "late_collisions",
    "Max Collision Errors": "max_collisions",
    "Receive Collision Errors": "receive_collisions",
    "No Carrier Sense": "no_carrier_sense",
}
# 02-08, 03-00-01, 00-08-00-FF, C5-T1 (a virtual FC client's slot): always a hyphen, so a
# description that starts with "FC" is never taken for one
_LOCATION = re.compile(r"^(?:[0-9A-Fa-f]{2}(?:-[0-9A-Za-z,:.]+)+|U[0-9A-Z.]+-\S+)$")
_FC_HEADER = re.compile(r"FIBRE CHANNEL STATISTICS REPORT:\s*(\S+)")
_ENT_HEADER = re.compile(r"^\s*ETHERNET STATISTICS \((\S+)\)\s*:")
_PAIR = re.compile(r"([A-Za-z][A-Za-z0-9 /()+.'-]*?)\s*:\s+(-?\d+)(?=\s{2,}|\s*$)")


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def device_type(name):
    """``hdisk`` for ``hdisk12``: a device's name without its instance number."""
    return re.sub(r"\d+$", "", name)


# --------------------------------------------------------------------------- lsdev


def parse_lsdev(text, source="lsdev -C"):
    """{"devices": [{"name", "status" (a state of DEVICE_STATES or the word printed),
    "known" (bool), "location", "description"}]}."""
    devices, foreign = [], []
    for line in str(text).splitlines():
        words = line.split()
        if not words:
            continue
        if [w.lower() for w in words[:2]] == ["name", "status"]:
            continue  # -H
        if len(words) < 2 or not re.match(r"^[A-Za-z][\w.-]*$", words[0]):
            raise ParseError("aix_devices.reason.bad_line", source=source, line=_head(line))
        name, status = words[0], words[1]
        rest = words[2:]
        location = ""
        if rest and _LOCATION.match(rest[0]) and len(rest) > 1:
            location, rest = rest[0], rest[1:]
        known = status in DEVICE_STATES
        if not known:
            foreign.append(status)
        devices.append({"name": name, "status": status, "known": known,
                        "location": location, "description": " ".join(rest)})
    if devices and len(foreign) == len(devices):
        raise ParseError("aix_devices.reason.not_english", source=source, word=foreign[0])
    if not devices and source != "lsdev -Cc tape":
        # every AIX host has devices (sys0, its adapters): an empty list was not read
        raise ParseError("reason.no_output", command=source)
    return {"devices": devices}


def adapters(text):
    """{"fcs": [...], "ent": [...]} of ``lsdev -Cc adapter`` (or ``lsdev -C``): the FC and
    Ethernet adapters the collector runs fcstat and entstat -d on, Available ones only (a
    Defined adapter cannot be opened: aix_devices.devices reports it)."""
    out = {"fcs": [], "ent": []}
    try:
        devices = parse_lsdev(text)["devices"]
    except ParseError:
        return out
    for device in devices:
        kind = device_type(device["name"])
        if kind in out and device["status"] == "Available":
            out[kind].append(device["name"])
    for names in out.values():
        names.sort(key=_natural)
    return out


# --------------------------------------------------------------------------- lspath


def parse_lspath(text):
    """{"paths": [{"status", "known", "disk", "parent", "connection"}]}."""
    paths, foreign = [], []
    for line in str(text).splitlines():
        words = line.split()
        if not words:
            continue
        if [w.lower() for w in words[:2]] == ["status", "name"]:
            continue  # -H
        if len(words) not in (3, 4):
            raise ParseError("aix_devices.reason.bad_line", source="lspath", line=_head(line))
        known = words[0] in PATH_STATES
        if not known:
            foreign.append(words[0])
        paths.append({"status": words[0], "known": known, "disk": words[1],
                      "parent": words[2], "connection": words[3] if len(words) == 4 else ""})
    if paths and len(foreign) == len(paths):
        raise ParseError("aix_devices.reason.not_english", source="lspath", word=foreign[0])
    return {"paths": paths}


# --------------------------------------------------------------------------- fcstat


def parse_fcstat(text, adapter=""):
    """{"adapter", "device_type", "wwpn", "speed", "attention", "virtual", "counters":
    {name: int}} or {"adapter", "open_error": errno (int), "text"}."""
    text = str(text)
    opening = re.search(r"Error opening device:\s*(\S+)\s+errno:\s*([0-9A-Fa-f]+)", text)
    header = _FC_HEADER.search(text)
    if opening and not header:
        return {"adapter": adapter, "open_error": int(opening.group(2), 16),
                "text": _head(text)}
    if not header:
        raise ParseError("aix_devices.reason.no_header", source="fcstat",
                         header="FIBRE CHANNEL STATISTICS REPORT", text=_head(text) or "-")
    out = {"adapter": header.group(1), "device_type": "", "wwpn": "", "speed": "",
           "attention": None, "virtual": False, "counters": {}}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not sep:
            continue
        if name == "Device Type":
            out["device_type"] = value
        elif name in ("World Wide Port Name", "Port WWN"):
            out["wwpn"] = value
        elif name == "Port Speed (running)":
            out["speed"] = value
        elif name == "Attention Type":
            out["attention"] = " ".join(value.split())
        elif name in FC_COUNTERS:
            if not re.match(r"^\d+$", value):
                raise ParseError("reason.not_a_number", what=f"fcstat {name}", value=value)
            out["counters"][FC_COUNTERS[name]] = int(value)
    low = out["device_type"].lower()
    out["virtual"] = "vfc-client" in low or "virtual fibre channel" in low
    if not out["counters"]:
        raise ParseError("aix_devices.reason.no_header", source="fcstat",
                         header="Link Failure Count", text=_head(text))
    return out


# --------------------------------------------------------------------------- entstat


def _elapsed(text):
    """``Elapsed Time: 20 days 4 hours 48 minutes 6 seconds`` -> seconds, or None."""
    units = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}
    found = re.findall(r"(\d+)\s+(day|hour|minute|second)s?", text)
    return sum(int(n) * units[u] for n, u in found) if found else None


def _ent_block(name, lines):
    block = {"adapter": name, "device_type": "", "link": None, "speed": "", "elapsed": None,
             "counters": {}, "aggregation": None, "active_channel": None, "sync": None,
             "virtual": False}
    actor = False
    for line in lines:
        stripped = line.strip()
        match = re.match(r"^(?:Physical Port |Logical Port )?Link (?:Status|State)\s*:\s*"
                         r"(\S+)", stripped)
        if match and block["link"] is None:
            block["link"] = match.group(1)
            continue
        key, sep, value = stripped.partition(":")
        key, value = key.strip(), value.strip()
        if sep and key == "Device Type":
            block["device_type"] = value
        elif sep and key == "Media Speed Running":
            block["speed"] = value
        elif sep and key == "Elapsed Time":
            block["elapsed"] = _elapsed(value)
        elif sep and key == "Aggregation status":
            block["aggregation"] = value
        elif sep and key == "Active channel":
            block["active_channel"] = value
        elif sep and key == "Actor State":
            actor = True
        elif sep and key == "Partner State":
            actor = False
        elif sep and key == "Synchronization" and actor and block["sync"] is None:
            block["sync"] = value
        for label, number in _PAIR.findall(line):
            label = label.strip()
            if label in ENT_COUNTERS:
                block["counters"][ENT_COUNTERS[label]] = int(number)
    low = block["device_type"].lower()
    block["virtual"] = "virtual i/o ethernet" in low or "l-lan" in low
    block["channel"] = "link aggregation" in low or "etherchannel" in low
    return block


def parse_entstat(text):
    """{"adapter", ..., "members": [blocks]}: the adapter asked for (its own block) and,
    for an EtherChannel, each member's block."""
    blocks, current, lines = [], None, []
    for line in str(text).splitlines():
        match = _ENT_HEADER.match(line)
        if match:
            if current is not None:
                blocks.append(_ent_block(current, lines))
            current, lines = match.group(1), []
            continue
        if current is not None:
            lines.append(line)
    if current is not None:
        blocks.append(_ent_block(current, lines))
    if not blocks:
        raise ParseError("aix_devices.reason.no_header", source="entstat -d",
                         header="ETHERNET STATISTICS", text=_head(text) or "-")
    first = blocks[0]
    first["members"] = blocks[1:]
    if not first["channel"] and not first["counters"]:
        raise ParseError("aix_devices.reason.no_header", source="entstat -d",
                         header="CRC Errors", text=_head(text))
    return first


def _device_of(command, prefix):
    match = re.search(r"\b(" + prefix + r"\d+)\b", str(command or ""))
    return match.group(1) if match else ""


def _per_device(raw, key, parser, prefix, context):
    value = raw.get(key)
    if value is None:
        return None
    if is_failure(value):
        return failure(value)
    if isinstance(value, str):  # one saved output: its device from the command or the text
        value = {_device_of((context or {}).get("command"), prefix) or "": value}
    out = {}
    for device in sorted(value, key=_natural):
        text = value[device]
        if is_failure(text):
            out[device] = failure(text)
            continue
        try:
            parsed = parser(text)
        except ParseError as exc:
            named = re.search(r"\b(" + prefix + r"\d+)\b", str(text)[:200])
            out[device or (named.group(1) if named else prefix)] = failure(exc)
            continue
        name = device or parsed.get("adapter") or prefix
        parsed["adapter"] = parsed.get("adapter") or name
        out[name] = parsed
    return {"adapters": out}


def parse_sources(raw, context=None):
    """The raw outputs of the aix_devices area -> the data its rules judge.

    ``raw`` keys (absent when not gathered): ``lsdev``, ``lsdev_adapter``, ``lsdev_tape``,
    ``lspath`` (text), ``fcstat``, ``entstat`` ({adapter: text}, or one saved text whose
    adapter the command or the text names). Data: the same keys; ``fcstat`` and
    ``entstat`` are ``{"adapters": {name: parsed or failure}}``."""
    data = {}
    for key, parser in (("lsdev", parse_lsdev),
                        ("lsdev_adapter", lambda t: parse_lsdev(t, "lsdev -Cc adapter")),
                        ("lsdev_tape", lambda t: parse_lsdev(t, "lsdev -Cc tape")),
                        ("lspath", parse_lspath)):
        section = parse_source(raw, key, parser)
        if section is not None:
            data[key] = section
    for key, parser, prefix in (("fcstat", parse_fcstat, "fcs"),
                                ("entstat", parse_entstat, "ent")):
        section = _per_device(raw, key, parser, prefix, context)
        if section is not None:
            data[key] = section
    return data
