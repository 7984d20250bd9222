# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Legacy MegaCli 8.x text for the raid area: ``-AdpAllInfo``, ``-LDInfo``, ``-PDList``,
``-AdpBbuCmd -GetBbuStatus``. See parsers/linux_raid.py for the fields read."""

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
    _size_mb,
    _yes,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError


def _megacli_check(text, key, markers):
    if not any(m in text for m in markers):
        raise ParseError("raid.reason.not_tool", source=SOURCE_NAME[key], tool="MegaCli",
                         text=_head(text))


def _mega_ctrl(controllers, ident):
    return controllers.setdefault(ident, _controller("megacli", ident, f"MegaCli adapter {ident}"))


def parse_megacli_adp(text, controllers):
    if "Adapter #" not in text and "Product Name" not in text:
        if re.search(r"Adapter\s+\d+:.*(?:No|not).*(?:found|present)", text, re.I) or \
                "Controller Count: 0" in text:
            return controllers
        _megacli_check(text, "megacli_adp", ("Adapter #",))
    ctrl = None
    for line in text.splitlines():
        match = re.match(r"\s*Adapter #(\d+)", line)
        if match:
            ctrl = _mega_ctrl(controllers, match.group(1))
            continue
        if ctrl is None:
            continue
        key, value = _kv(line)
        if key == "Product Name":
            ctrl["model"] = value
            ctrl["label"] = f"MegaCli adapter {ctrl['id']} {value}"
        elif key == "Serial No":
            ctrl["serial"] = value
        elif key == "Memory Size":
            ctrl["cache"]["size_mb"] = _size_mb(value)
        elif key == "Memory Uncorrectable Errors":
            ctrl["memory_uncorrectable"] = _int(value)
        elif key == "Any Offline VD Cache Preserved":
            ctrl["preserved_cache"] = _yes(value)
        elif key == "Controller has booted into safe mode":
            ctrl["safe_mode"] = _yes(value)
    return controllers


def _mega_policy(value):
    first = str(value or "").split(",")[0].strip().lower()
    if first.startswith("writeback") or first.startswith("always writeback"):
        return "WB"
    if first.startswith("writethrough"):
        return "WT"
    return None


def parse_megacli_ld(text, controllers):
    _megacli_check(text, "megacli_ld", ("Virtual Drive Information", "Virtual Drive:",
                                        "Virtual Disk:"))
    ctrl, ld = None, None
    for line in text.splitlines():
        match = re.match(r"\s*Adapter (\d+) -- Virtual Drive Information", line)
        if match:
            ctrl = _mega_ctrl(controllers, match.group(1))
            if ctrl["logical"] is None:
                ctrl["logical"] = []
            ld = None
            continue
        match = re.match(r"\s*Virtual (?:Drive|Disk): (\d+)", line)
        if match and ctrl is not None:
            ld = _ld(f"a{ctrl['id']}/v{match.group(1)}", "", "")
            ctrl["logical"].append(ld)
            continue
        if ld is None:
            continue
        key, value = _kv(line)
        if key == "RAID Level":
            primary = re.search(r"Primary-(\d+)", value or "")
            secondary = re.search(r"Secondary-(\d+)", value or "")
            level = primary.group(1) if primary else value
            if primary and secondary and secondary.group(1) != "0":
                # spanned: Primary-1, Secondary-3 is RAID10 (Primary-5: RAID50, ...)
                level = primary.group(1) + "0"
            ld["raid"] = f"RAID{level}"
        elif key == "State":
            ld["state"] = value
        elif key == "Name" and value:
            ld["name"] += f" ({value})"
        elif key == "Default Cache Policy":
            ld["cache_configured"] = _mega_policy(value)
        elif key == "Current Cache Policy":
            ld["cache_current"] = _mega_policy(value)
    return controllers


def parse_megacli_pd(text, controllers):
    _megacli_check(text, "megacli_pd", ("Firmware state", "Slot Number"))
    ctrl, drive, enclosure = None, None, ""
    for line in text.splitlines():
        match = re.match(r"\s*Adapter #(\d+)", line)
        if match:
            ctrl = _mega_ctrl(controllers, match.group(1))
            if ctrl["physical"] is None:
                ctrl["physical"] = []
            drive = None
            continue
        if ctrl is None:
            continue
        key, value = _kv(line)
        if key == "Enclosure Device ID":
            enclosure = value
            drive = None
        elif key == "Slot Number":
            name = f"a{ctrl['id']}/e{enclosure}/s{value}" if enclosure and enclosure != "N/A" \
                else f"a{ctrl['id']}/s{value}"
            drive = _pd(name, "")
            ctrl["physical"].append(drive)
            enclosure = ""
        elif drive is None:
            continue
        elif key == "Firmware state":
            drive["state"] = value
        elif key == "Media Error Count":
            drive["media_errors"] = _int(value)
        elif key == "Other Error Count":
            drive["other_errors"] = _int(value)
        elif key == "Predictive Failure Count":
            drive["predictive"] = _int(value)
        elif key == "Drive has flagged a S.M.A.R.T alert":
            drive["smart_alert"] = _yes(value)
        elif key == "Inquiry Data":
            drive["model"] = " ".join(value.split())
        elif key == "Drive's position" or key == "Drive's postion":
            group = re.search(r"DiskGroup:\s*(\d+)", value or "")
            drive["group"] = group.group(1) if group else None
    return controllers


def parse_megacli_bbu(text, controllers):
    markers = ("BBU status for Adapter", "Get BBU Status Failed", "BatteryType",
               "Battery State")
    _megacli_check(text, "megacli_bbu", markers)
    ctrl, battery = None, None
    for line in text.splitlines():
        match = re.match(r"\s*BBU status for Adapter:?\s*(\d+)", line)
        if match:
            ctrl = _mega_ctrl(controllers, match.group(1))
            battery = _battery("BBU", "")
            ctrl["battery"] = battery
            continue
        match = re.match(r"\s*Adapter (\d+): Get BBU Status Failed", line)
        if match:
            ctrl = _mega_ctrl(controllers, match.group(1))
            battery = None
            ctrl["battery"] = _battery("", "", present=False)
            continue
        if battery is None:
            continue
        key, value = _kv(line)
        if key == "BatteryType":
            battery["kind"] = "CacheVault" if value.upper().startswith("CVPM") else "BBU"
        elif key is not None and key.lower() == "battery state":
            battery["state"] = value
        elif key == "Learn Cycle Active":
            battery["learning"] = _yes(value)
        elif key == "Battery Replacement required":
            battery["replace"] = _yes(value)
        elif key == "Battery Pack Missing":
            battery["missing"] = _yes(value)
        elif key == "Remaining Capacity Low":
            battery["capacity_low"] = _yes(value)
        elif key == "Pack is about to fail & should be replaced":
            battery["about_to_fail"] = _yes(value)
        elif key == "Charging Status" and value.lower() == "charging" and not battery["state"]:
            battery["state"] = "Charging"
    return controllers
