# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HPE ssacli/hpssacli/hpacucli text for the raid area: ``ctrl all show config detail``
(and ``show config``) and ``ctrl all show status``. See parsers/linux_raid.py for the fields
read."""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.parsers.raid_common import (
    SOURCE_NAME,
    _battery,
    _controller,
    _head,
    _kv,
    _ld,
    _pd,
    _progress,
    _size_mb,
    _yes,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

# "Smart Array P420i in Slot 0 (Embedded)", "HPE Smart Array P408i-a SR Gen10 in Slot 0
# (Embedded)", "MSA1500 CS in MY STORAGE": a line of its own, not indented, without a colon
SSA_CTRL = re.compile(r"^(?P<model>[A-Z][^:]*?)\s+in\s+(?:Slot\s+(?P<slot>\w+)|(?P<where>[^:(]+?))"
                      r"(?:\s+\([^:]*\))?\s*$")


def _ssa_inline(line):
    """The fields of ``logicaldrive 1 (410.1 GB, RAID 5, OK)`` (show config), or []."""
    match = re.search(r"\((.*)\)\s*$", line)
    if not match:
        return []
    return [f.strip() for f in match.group(1).split(",") if f.strip()]


def _ssa_logical(ctrl, line, number):
    """A ``Logical Drive: 1`` (detail) or ``logicaldrive 1 (410.1 GB, RAID 5, OK)`` line."""
    item = _ld(f"{ctrl['id']}/ld{number}", "", "")
    ctrl["logical"].append(item)
    inline = _ssa_inline(line)
    if inline:
        raid = [f for f in inline if f.upper().startswith("RAID")]
        item["raid"] = raid[0] if raid else ""
        item["state"] = ", ".join(inline[inline.index(raid[0]) + 1:]) if raid else inline[-1]
        item["progress"] = _progress(item["state"])
    return item


def _ssa_physical(ctrl, line, bay):
    """A ``physicaldrive 1I:1:1`` line (detail block or a list entry with its status)."""
    name = f"{ctrl['id']}/{bay}"
    existing = [d for d in ctrl["physical"] if d["name"] == name]
    item = existing[0] if existing else _pd(name, "")
    if not existing:
        ctrl["physical"].append(item)
    inline = _ssa_inline(line)
    if inline and not item["state"]:
        # (port 1I:box 1:bay 1, SAS, 300 GB, OK) or (..., 300 GB, Failed, spare)
        words = [f for f in inline if not re.search(r"\d\s*[KMGT]B$|^port |^SAS|^SATA"
                                                    r"|^Solid State|^bay ", f)]
        item["state"] = ", ".join(words) or inline[-1]
        item["progress"] = _progress(item["state"])
    return item


def _ssa_controller_field(ctrl, key, value):
    cache = ctrl["cache"]
    if key == "Controller Status":
        ctrl["status"] = value
    elif key == "Serial Number":
        ctrl["serial"] = value
    elif key == "Cache Status":
        cache["status"] = value
    elif key == "Cache Status Details":
        cache["details"] = value
    elif key in ("Battery/Capacitor Status", "Battery Status"):
        ctrl["battery"] = _battery("battery/capacitor" if "/" in key else "battery", value)
    elif key == "Total Cache Size":
        cache["size_mb"] = _size_mb(value, "GB")
    elif key == "Total Cache Memory Available":
        cache["available_mb"] = _size_mb(value, "GB")
    elif key in ("Cache Ratio", "Accelerator Ratio"):
        cache["ratio"] = value
    elif key == "Cache Board Present" and _yes(value) is False:
        cache["status"] = cache["status"] or "Not present"


def _ssa_item_field(section, item, key, value):
    if key == "Status":
        item["state"] = value
        item["progress"] = _progress(value)
    elif section == "ld" and key == "Fault Tolerance":
        item["raid"] = f"RAID {value}"
    elif section == "ld" and key == "Caching":
        item["cache_configured"] = "WB" if value.lower().startswith("enabled") else "WT"
    elif section == "ld" and key == "Disk Name":
        item["name"] += f" ({value})"
    elif section == "pd" and key == "Serial Number":
        item["serial"] = value
    elif section == "pd" and key == "Model":
        item["model"] = " ".join(value.split())


OTHER_BLOCK = re.compile(r"(array|unassigned|hba drives|enclosure|expander|port name|"
                         r"internal drive cage|sep \(vendor|smart array|sas phy)")


def _ssa_effective_policy(controllers):
    """ssacli prints no per-drive current policy: with caching enabled, a drive writes back
    while the controller's cache is OK, and through when it is disabled."""
    for ctrl in controllers.values():
        status = ctrl["cache"]["status"]
        for ld in ctrl.get("logical") or []:
            if ld["cache_configured"] == "WB" and status:
                ld["cache_current"] = "WB" if status.strip().lower() == "ok" else "WT"
            elif ld["cache_configured"] == "WT":
                ld["cache_current"] = "WT"


def _ssa_new_controller(controllers, match, key):
    where = f"slot {match.group('slot')}" if match.group("slot") else match.group("where")
    ctrl = controllers.setdefault(where, _controller("ssacli", where,
                                                     f"{match.group('model')} {where}"))
    ctrl["model"] = match.group("model")
    if key == "ssacli" and ctrl["logical"] is None:
        ctrl["logical"], ctrl["physical"] = [], []
    return ctrl


def parse_ssacli(text, controllers, key="ssacli"):
    """``ctrl all show config detail`` (key ``ssacli``; ``show config`` too) or ``ctrl all
    show status`` (key ``ssacli_status``: the controller's own lines only)."""
    lines = text.splitlines()
    if not any(SSA_CTRL.match(line) for line in lines):
        if "no controllers detected" in text.lower():
            return controllers
        raise ParseError("raid.reason.not_tool", source=SOURCE_NAME[key], tool="ssacli",
                         text=_head(text))
    ctrl, section, item = None, None, None
    detail = key == "ssacli"
    for raw_line in lines:
        line = raw_line.strip()
        match = SSA_CTRL.match(raw_line.rstrip())
        if match:
            ctrl, section, item = _ssa_new_controller(controllers, match, key), "controller", None
            continue
        if ctrl is None or not line:
            continue
        low = line.lower()
        logical = re.match(r"logical\s*drive:?\s*(\d+)", low)
        physical = re.match(r"physicaldrive\s+(\S+)", line, re.I)
        if detail and logical:
            item, section = _ssa_logical(ctrl, line, logical.group(1)), "ld"
        elif detail and physical:
            item, section = _ssa_physical(ctrl, line, physical.group(1)), "pd"
        elif OTHER_BLOCK.match(low):
            section = "array" if re.match(r"array\s+\w+$|array:\s*\w+$", low) else "other"
            item = None
        else:
            k, value = _kv(line)
            if k is not None and section == "controller":
                _ssa_controller_field(ctrl, k, value)
            elif k is not None and item is not None and section in ("ld", "pd"):
                _ssa_item_field(section, item, k, value)
    _ssa_effective_policy(controllers)
    return controllers
