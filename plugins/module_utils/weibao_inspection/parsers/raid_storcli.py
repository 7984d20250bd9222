# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Broadcom/LSI storcli and perccli JSON (``J``) for the raid area: ``/call show all``,
``/call/eall/sall show all``, ``/call/bbu show all``, ``/call/cv show all``, ``/call/vall show
all`` (each VD's configured write policy). See
parsers/linux_raid.py for the fields read."""

from __future__ import annotations

import json
import re

from ansible.module_utils.weibao_inspection.parsers.raid_common import (
    SOURCE_NAME,
    _battery,
    _controller,
    _head,
    _int,
    _ld,
    _pd,
    _size_mb,
    _yes,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError


def _storcli_doc(text, key):
    source = SOURCE_NAME[key]
    try:
        doc = json.loads(text)
    except ValueError as exc:
        stripped = str(text).strip()
        if stripped and not stripped.startswith(("{", "[")):
            raise ParseError("raid.reason.not_tool", source=source, tool="storcli",
                             text=_head(stripped)) from None
        raise ParseError("raid.reason.bad_json", source=source, detail=_head(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Controllers"), list):
        raise ParseError("raid.reason.not_tool", source=source, tool="storcli",
                         text=_head(text))
    return doc["Controllers"]


def _storcli_failure(entry):
    """The failure text of one controller's entry, or None when it succeeded."""
    status = entry.get("Command Status") or {}
    if str(status.get("Status", "")).lower() != "failure":
        return None
    detail = status.get("Description") or ""
    for row in status.get("Detailed Status") or []:
        if isinstance(row, dict) and row.get("ErrMsg"):
            detail = f"{detail}: {row['ErrMsg']}" if detail and detail != "None" \
                else row["ErrMsg"]
    return str(detail or status.get("ErrMsg") or "Failure")


def _rows(value):
    """storcli's Property/Value lists and plain dicts as one dict."""
    out = {}
    if isinstance(value, dict):
        out.update(value)
    elif isinstance(value, list):
        for row in value:
            if isinstance(row, dict) and "Property" in row:
                out[str(row["Property"]).strip()] = row.get("Value")
            elif isinstance(row, dict):
                out.update(row)
    return {str(k).strip(): v for k, v in out.items()}


def _storcli_id(entry, index):
    status = entry.get("Command Status") or {}
    data = entry.get("Response Data") or {}
    basics = data.get("Basics") or {}
    for value in (status.get("Controller"), basics.get("Controller")):
        if value is not None and str(value).strip() != "":
            return str(value)
    return str(index)


STORCLI_CACHE = re.compile(r"(AWB|WB|WT)")


def _storcli_battery(data):
    for key, kind in (("Cachevault_Info", "CacheVault"), ("BBU_Info", "BBU")):
        rows = data.get(key)
        if isinstance(rows, list) and rows:
            info = _rows(rows) if any("Property" in r for r in rows if isinstance(r, dict)) \
                else rows[0]
            state = info.get("State") or ""
            return _battery(kind, str(state))
    return None


def parse_storcli(text, controllers, key="storcli"):
    """``storcli /call show all J`` into ``controllers`` ({id: controller}); the ids of the
    controllers the tool said it found none for are not added."""
    for index, entry in enumerate(_storcli_doc(text, key)):
        if not isinstance(entry, dict):
            continue
        failed = _storcli_failure(entry)
        if failed is not None:
            if "no controller" in failed.lower():
                continue
            raise ParseError("raid.reason.tool_failed", source=SOURCE_NAME[key],
                             tool="storcli", detail=failed)
        data = entry.get("Response Data") or {}
        ident = _storcli_id(entry, index)
        ctrl = controllers.setdefault(ident, _controller("storcli", ident, f"storcli /c{ident}"))
        basics = data.get("Basics") or {}
        ctrl["model"] = str(basics.get("Model") or ctrl["model"]).strip()
        ctrl["serial"] = str(basics.get("Serial Number") or ctrl["serial"]).strip()
        if ctrl["model"]:
            ctrl["label"] = f"storcli /c{ident} {ctrl['model']}"
        status = data.get("Status") or {}
        if "Controller Status" in status:
            ctrl["status"] = str(status["Controller Status"])
        ctrl["memory_uncorrectable"] = _int(status.get("Memory Uncorrectable Errors"))
        ctrl["safe_mode"] = _yes(status.get("Controller has booted into safe mode"))
        ctrl["preserved_cache"] = _yes(status.get("Any Offline VD Cache Preserved"))
        hw = data.get("HwCfg") or {}
        ctrl["cache"]["size_mb"] = _size_mb(hw.get("On Board Memory Size"))
        fw_cache = hw.get("Current Size of FW Cache (MB)")
        ctrl["cache"]["available_mb"] = _int(fw_cache)
        logical = []
        for row in data.get("VD LIST") or []:
            group, _sep, vd = str(row.get("DG/VD", "")).partition("/")
            cache = STORCLI_CACHE.search(str(row.get("Cache") or ""))
            current = None if not cache else "WT" if cache.group(1) == "WT" else "WB"
            name = f"/c{ident}/v{vd or '?'}"
            if row.get("Name"):
                name += f" ({row['Name']})"
            logical.append(_ld(name, row.get("TYPE"), row.get("State"), current=current,
                               group=group))
        if "VD LIST" in data or "Virtual Drives" in data:
            ctrl["logical"] = logical
        physical = []
        for row in data.get("PD LIST") or []:
            eid, _sep, slot = str(row.get("EID:Slt", "")).partition(":")
            name = f"/c{ident}/e{eid}/s{slot}" if eid.strip() else f"/c{ident}/s{slot}"
            physical.append(_pd(name, row.get("State"), model=row.get("Model"),
                                group=str(row.get("DG", "")).strip()))
        if ctrl["physical"] is None and ("PD LIST" in data or "Physical Drives" in data):
            ctrl["physical"] = physical
        elif physical:
            _merge_drives(ctrl, physical)
        battery = _storcli_battery(data)
        if battery is not None and ctrl["battery"] is None:
            ctrl["battery"] = battery
        elif battery is None and ctrl["battery"] is None and \
                str(hw.get("BBU", "")).strip().lower() == "absent":
            ctrl["battery"] = _battery("", "", present=False)
    return controllers


def _merge_drives(ctrl, drives):
    known = {d["name"]: d for d in ctrl.get("physical") or []}
    for drive in drives:
        if drive["name"] in known:
            mine = known[drive["name"]]
            for field, value in drive.items():
                counted = field in ("media_errors", "other_errors", "predictive",
                                    "smart_alert", "serial")
                if value not in (None, "") and (counted or mine.get(field) in (None, "")):
                    mine[field] = value
        else:
            if ctrl["physical"] is None:
                ctrl["physical"] = []
            ctrl["physical"].append(drive)
            known[drive["name"]] = drive


DRIVE_KEY = re.compile(r"^Drive (/c\d+(?:/e\d+)?/s\d+)$")


def parse_storcli_pd(text, controllers):
    for index, entry in enumerate(_storcli_doc(text, "storcli_pd")):
        if not isinstance(entry, dict):
            continue
        failed = _storcli_failure(entry)
        if failed is not None:
            if "no controller" in failed.lower():
                continue
            raise ParseError("raid.reason.tool_failed", source=SOURCE_NAME["storcli_pd"],
                             tool="storcli", detail=failed)
        data = entry.get("Response Data") or {}
        ident = _storcli_id(entry, index)
        ctrl = controllers.setdefault(ident, _controller("storcli", ident, f"storcli /c{ident}"))
        drives = []
        for key, rows in data.items():
            match = DRIVE_KEY.match(str(key).strip())
            if not match or not isinstance(rows, list) or not rows:
                continue
            name = match.group(1)
            row = rows[0]
            detail = data.get(f"Drive {name} - Detailed Information") or {}
            state = detail.get(f"Drive {name} State") or {}
            attrs = detail.get(f"Drive {name} Device attributes") or {}
            drives.append(_pd(name, row.get("State"), serial=attrs.get("SN"),
                              model=attrs.get("Model Number") or row.get("Model"),
                              media=_int(state.get("Media Error Count")),
                              other=_int(state.get("Other Error Count")),
                              predictive=_int(state.get("Predictive Failure Count")),
                              smart=_yes(state.get("S.M.A.R.T alert flagged by drive")),
                              group=str(row.get("DG", "")).strip()))
        if ctrl["physical"] is None:
            ctrl["physical"] = []
        _merge_drives(ctrl, drives)
    return controllers


def parse_storcli_module(text, controllers, key):
    """``/call/bbu show all J`` or ``/call/cv show all J``: the module's state and flags. A
    controller without that module answers with a failure: nothing is added for it."""
    for index, entry in enumerate(_storcli_doc(text, key)):
        if not isinstance(entry, dict) or _storcli_failure(entry) is not None:
            continue
        data = entry.get("Response Data") or {}
        ident = _storcli_id(entry, index)
        kind = "CacheVault" if key == "storcli_cv" else "BBU"
        info = _rows(data.get("Cachevault_Info") or data.get("BBU_Info") or
                     data.get("BBU_Status") or {})
        flags = _rows(data.get("Firmware_Status") or data.get("BBU_Firmware_Status") or {})
        state = info.get("State") or info.get("Battery State") or ""
        if not state and not flags:
            continue
        ctrl = controllers.setdefault(ident, _controller("storcli", ident, f"storcli /c{ident}"))
        ctrl["battery"] = _battery(
            kind, str(state), replace=_yes(flags.get("Replacement required")),
            missing=_yes(flags.get("Battery Pack Missing") or flags.get("Pack Missing")),
            capacity_low=_yes(flags.get("Remaining Capacity Low")),
            learning=_yes(flags.get("Learn Cycle Active")),
            about_to_fail=_yes(flags.get("Pack is about to fail & should be replaced")))
        # a BBU's wear: its full-charge capacity against its design capacity
        capacity = _rows(data.get("BBU_Capacity_Info") or {})
        design = _rows(data.get("BBU_Design_Info") or {})
        ctrl["battery"]["full_mah"] = _int(capacity.get("Full Charge Capacity"))
        ctrl["battery"]["design_mah"] = _int(design.get("Design Capacity"))
    return controllers


VD_KEY = re.compile(r"^/c(\d+)/v(\d+)$")


def _initial_policy(value):
    """storcli's "Write Cache(initial setting)" (WriteBack, WriteThrough, AlwaysWriteBack; WB,
    WT, AWB) -> "WB", "WT", "AWB" or None."""
    text = re.sub(r"[^a-z]", "", str(value or "").lower())
    if text.startswith("always") or text == "awb":
        return "AWB"
    if text in ("writeback", "wb"):
        return "WB"
    if text in ("writethrough", "wt"):
        return "WT"
    return None


def parse_storcli_vd(text, controllers):
    """``storcli /call/vall show all J``: each VD's row ("/c0/v0": state, current "Cache"
    policy) and its "VD0 Properties" ("Write Cache(initial setting)": the configured policy),
    merged into the VDs of ``/call show all`` (same names) when that was read too."""
    for index, entry in enumerate(_storcli_doc(text, "storcli_vd")):
        if not isinstance(entry, dict):
            continue
        failed = _storcli_failure(entry)
        if failed is not None:
            low = failed.lower()
            if "no controller" in low or "no vd" in low or "no virtual" in low:
                continue
            raise ParseError("raid.reason.tool_failed", source=SOURCE_NAME["storcli_vd"],
                             tool="storcli", detail=failed)
        data = entry.get("Response Data") or {}
        ident = _storcli_id(entry, index)
        drives = []
        for key in sorted(data, key=lambda k: (len(str(k)), str(k))):
            match = VD_KEY.match(str(key).strip())
            rows = data[key]
            if not match or not isinstance(rows, list) or not rows or \
                    not isinstance(rows[0], dict):
                continue
            row, vd = rows[0], match.group(2)
            props = data.get(f"VD{vd} Properties") or {}
            cache = STORCLI_CACHE.search(str(row.get("Cache") or ""))
            current = None if not cache else "WT" if cache.group(1) == "WT" else "WB"
            group = str(row.get("DG/VD", "")).partition("/")[0]
            name = f"/c{ident}/v{vd}" + (f" ({row['Name']})" if row.get("Name") else "")
            drives.append(_ld(name, row.get("TYPE"), row.get("State"), current=current,
                              group=group, configured=_initial_policy(
                                  props.get("Write Cache(initial setting)"))))
        if not drives:
            continue
        ctrl = controllers.setdefault(ident, _controller("storcli", ident, f"storcli /c{ident}"))
        known = {ld["name"]: ld for ld in ctrl.get("logical") or []}
        for ld in drives:
            mine = known.get(ld["name"])
            if mine is None:
                ctrl["logical"] = (ctrl.get("logical") or []) + [ld]
                continue
            mine["cache_configured"] = ld["cache_configured"]
            for field in ("cache_current", "raid", "state", "group"):
                if ld[field] not in (None, ""):
                    mine[field] = ld[field]
    return controllers
