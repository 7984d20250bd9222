# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adaptec/Microchip ``arcconf GETCONFIG <n> AL`` for the raid area (Adaptec 5-8 series,
SmartRAID/SmartHBA 3100). See parsers/linux_raid.py for the fields read."""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers.raid_common import (
    SOURCE_NAME,
    _battery,
    _controller,
    _head,
    _int,
    _kv,
    _ld,
    _pd,
    _progress,
    _size_mb,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

BATTERY_FIELDS = {"Backup Power Status": "backup power",  # SmartRAID/SmartHBA 3100
                  "Overall Backup Unit Status": "backup unit"}  # Series 8 (AFM-700)


def _controller_field(ctrl, sub, key, value):
    cache = ctrl["cache"]
    if key == "Controller Status":
        ctrl["status"] = value
    elif key == "Controller Model":
        ctrl["model"] = value
        ctrl["label"] = f"arcconf controller {ctrl['id']} {value}"
    elif key == "Controller Serial Number":
        ctrl["serial"] = value
    elif key in ("Installed memory", "Cache memory"):
        cache["size_mb"] = _size_mb(value)
    elif key == "Cache Status":
        cache["status"] = value
    elif key in ("Read Cache Percentage", "Write Cache Percentage"):
        word = "read" if key.startswith("Read") else "write"
        cache["ratio"] = (cache["ratio"] + " / " if cache["ratio"] else "") + f"{value} {word}"
    elif key == "Status" and ("battery" in sub or "zmm" in sub):
        # Series 5/6: "Controller Battery Information" / "Controller ZMM Information"
        ctrl["battery"] = _arc_battery("battery" if "battery" in sub else "ZMM", value)
    elif key in BATTERY_FIELDS:
        ctrl["battery"] = _arc_battery(BATTERY_FIELDS[key], value)
    elif key == "Learn Status" and ctrl["battery"] is not None:
        low = value.lower()
        ctrl["battery"]["learning"] = "progress" in low or low.startswith("learn")


def _logical_field(item, key, value):
    low = key.lower()
    if low == "logical device name" and value:
        item["name"] += f" ({value})"
    elif key == "RAID level":
        item["raid"] = f"RAID{value}"
    elif low == "status of logical device":
        item["state"] = value
        item["progress"] = _progress(value)
    elif key == "Write-cache mode":  # what is in force (older arcconf)
        item["cache_current"] = _arc_policy(value)
    elif key == "Write-cache setting":  # what is configured
        item["cache_configured"] = _arc_policy(value)
    elif key == "Write-cache status" and item["cache_current"] is None:
        item["cache_current"] = "WB" if value.lower().startswith("on") else "WT"
    elif key == "Caching" and item["cache_configured"] is None:  # SmartRAID 3100
        item["cache_configured"] = "WB" if value.lower().startswith("enabled") else "WT"


def _physical_field(item, sub, key, value):
    if key == "Medium Error Count" and "error counter" in sub:
        # Series 8 prints a "Runtime Error Counters" block under each device
        item["media_errors"] = _int(value)
    if sub != "device":
        return
    if key == "State":
        item["state"] = value
    elif key.lower() == "serial number":
        item["serial"] = value
    elif key == "Model":
        item["model"] = " ".join(value.split())
    elif key == "S.M.A.R.T. warnings":
        item["predictive"] = _int(value)
    elif key == "Reported Location":
        item["name"] += f" ({value})"


PARTS = {"controller information": "controller", "logical device information": "logical",
         "logical drive information": "logical", "physical device information": "physical"}


def _check(text):
    """False for an output that lists no controller (``Controllers found: 0``)."""
    if "Controller information" in text:
        return True
    found = re.search(r"Controllers found:\s*(\d+)", text)
    if found and found.group(1) == "0":
        return False
    raise ParseError("raid.reason.not_tool", source=SOURCE_NAME["arcconf"], tool="arcconf",
                     text=_head(text))


def _effective_policy(ctrl):
    """SmartRAID/SmartHBA (arcconf 3.x) print "Caching" per drive and the controller's
    "Cache Status", like ssacli: the drive writes back while the controller's cache is ok."""
    status = (ctrl["cache"]["status"] or "").strip().lower()
    for ld in ctrl["logical"]:
        if ld["cache_current"] is None and ld["cache_configured"] == "WB" and status:
            ld["cache_current"] = "WB" if status in ("ok", "okay", "optimal") else "WT"


def parse_arcconf(text, controllers, number=""):
    """One controller's ``GETCONFIG <n> AL`` (``number``: n, when the collector gives it)."""
    if not _check(text):
        return controllers
    ident = str(number or len([c for c in controllers.values()
                               if c["family"] == "arcconf"]) + 1)
    ctrl = controllers.setdefault(f"arcconf {ident}",
                                  _controller("arcconf", ident, f"arcconf controller {ident}"))
    ctrl["logical"], ctrl["physical"] = [], []
    part, sub, item = "controller", "", None
    for raw_line in text.splitlines():
        line = raw_line.strip()
        low = line.lower()
        if not line or set(line) <= {"-"} or low.startswith("device is a"):
            continue
        heading = [v for k, v in PARTS.items() if low.startswith(k)]
        logical = re.match(r"logical (?:device|drive) number (\d+)", low)
        physical = re.match(r"device #(\d+)", low)
        if heading:
            part, item = heading[0], None
        elif part == "logical" and logical:
            item = _ld(f"arcconf {ident}/ld{logical.group(1)}", "", "")
            ctrl["logical"].append(item)
        elif part == "physical" and physical:
            item, sub = _pd(f"arcconf {ident}/{physical.group(1)}", ""), "device"
            ctrl["physical"].append(item)
        elif ":" not in line:
            sub = low
        elif part == "controller":
            _controller_field(ctrl, sub, *_kv(line))
        elif item is not None and part == "logical":
            _logical_field(item, *_kv(line))
        elif item is not None and part == "physical":
            _physical_field(item, sub, *_kv(line))
    # a device that is not a disk (an enclosure's SES device) has no State
    ctrl["physical"] = [d for d in ctrl["physical"] if d["state"]]
    _effective_policy(ctrl)
    return controllers


def _arc_policy(value):
    low = str(value or "").lower()
    if "write-back" in low or low.startswith("on") or low.startswith("enabled"):
        return "WB"
    if "write-through" in low or low.startswith("off") or low.startswith("disabled"):
        return "WT"
    return None


def _arc_battery(kind, value):
    low = str(value or "").lower()
    if "not installed" in low or "not present" in low or low == "none":
        return _battery(kind, value, present=False)
    return _battery(kind, value)
