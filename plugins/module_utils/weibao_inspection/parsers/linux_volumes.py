# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read software RAID, LVM and multipath outputs (the ``volumes`` area). Pure functions:
text -> data, never a judgement.

Formats (their sources: the tools' own code and test data):

- ``/proc/mdstat``: drivers/md/md.c ``md_seq_show`` / ``status_resync`` (``md0 : active
  raid1 sdb1[1](F) sda1[0]``, ``[2/1] [U_]``, ``recovery = 8.5% (...)``, ``resync=DELAYED``);
  members flagged (F) faulty, (S) spare, (W) write-mostly, (J) journal, (R) replacement.
- ``mdadm --detail``: mdadm Detail.c (``State : clean, degraded, recovering``, ``Active
  Devices``, ``Rebuild Status : 12% complete``, the member table with ``faulty``,
  ``spare rebuilding`` and ``removed`` rows).
- ``pvs`` / ``vgs`` / ``lvs``: LVM2's report, ``--reportformat json`` ({"report": [{"pv":
  [...]}]}, field names as in ``-o``) or columns (read by their header: numbers are right-
  aligned under it, text left-aligned, empty cells are blank).
- ``multipath -ll``: multipath-tools' topology (``|- policy=... status=active``, ``| `- 3:0:0:1
  sdb 8:16 active ready running``) and the older bracketed one (``\\_ 0:0:0:1 sda 8:0
  [active][ready]``).

A section that cannot be read is ``{"error": message, "cause": cause}``.
"""

from __future__ import annotations

import json
import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import is_failure  # noqa: F401

NOT_UNDERSTOOD = "not_understood"

# LVM prints these to stderr; a capture with 2>&1 has them among the report
_LVM_NOISE = re.compile(r"^\s*(WARNING|Couldn't|Failed|Device|Error|Read-only|File descriptor"
                        r"|Using|Found|Scan|Reading|Volume group .* not found)\b")


def _failure(message, cause=NOT_UNDERSTOOD):
    return {"error": message, "cause": cause}


# --------------------------------------------------------------------------- md

_MD_HEAD = re.compile(r"^(md[\w/-]*|md_d\d+)\s*:\s*(active|inactive)\s*(\(([^)]*)\))?\s*(.*)$")
_MD_COUNT = re.compile(r"\[(\d+)/(\d+)\]\s*\[([U_]+)\]")
_MD_ACTION = re.compile(r"\b(recovery|resync|reshape|check|repair)\s*=\s*([\d.]+)%")
_MD_PENDING = re.compile(r"\b(resync|recovery|reshape|check|repair)\s*=\s*(DELAYED|PENDING)")
_MD_MEMBER = re.compile(r"^([^\s\[]+)\[(\d+)\]((?:\([A-Z]\))*)$")
_LEVELS = re.compile(r"^(raid\d+|linear|multipath|faulty|raid10)$")


def parse_mdstat(text):
    """/proc/mdstat -> {"arrays": [{name, state, read_only, level, members, raid_devices,
    active_devices, map, action, progress, pending}], "personalities": [...]}."""
    lines = text.splitlines()
    if not any(line.startswith("Personalities") for line in lines):
        return _failure(msg("volumes.reason.no_arrays_section", source="/proc/mdstat"))
    arrays = []
    personalities = []
    current = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if stripped.startswith("Personalities"):
            personalities = re.findall(r"\[(\w+)\]", stripped)
            continue
        if stripped.startswith("unused devices") or stripped.startswith("read_ahead"):
            continue
        head = _MD_HEAD.match(stripped)
        if head and not line[0].isspace():
            words = head.group(5).split()
            level = ""
            if words and _LEVELS.match(words[0]):
                level = words.pop(0)
            members = []
            for word in words:
                member = _MD_MEMBER.match(word)
                if not member:
                    return _failure(msg("volumes.reason.bad_line", source="/proc/mdstat",
                                        line=stripped))
                flags = re.findall(r"\(([A-Z])\)", member.group(3))
                members.append({"device": member.group(1), "slot": int(member.group(2)),
                                "faulty": "F" in flags, "spare": "S" in flags,
                                "flags": flags})
            current = {"name": head.group(1), "state": head.group(2),
                       "read_only": head.group(4) or "", "level": level, "members": members,
                       "raid_devices": None, "active_devices": None, "map": "",
                       "action": None, "progress": None, "pending": None,
                       "superblock": ""}
            arrays.append(current)
            continue
        if current is None:
            if line[0].isspace():
                continue  # a bitmap or progress line of an array already closed
            return _failure(msg("volumes.reason.bad_line", source="/proc/mdstat", line=stripped))
        superblock = re.search(r"\bblocks super (\S+)", stripped)
        if superblock:
            current["superblock"] = superblock.group(1)
        count = _MD_COUNT.search(stripped)
        if count:
            current["raid_devices"] = int(count.group(1))
            current["active_devices"] = int(count.group(2))
            current["map"] = count.group(3)
        action = _MD_ACTION.search(stripped)
        if action:
            current["action"] = action.group(1)
            current["progress"] = float(action.group(2))
        pending = _MD_PENDING.search(stripped)
        if pending:
            current["action"] = pending.group(1)
            current["pending"] = pending.group(2)
    for array in arrays:
        # a redundant array always has its [n/m] [UU] line: without it (output cut short)
        # a missing member cannot be seen, so the array cannot be judged
        if array["state"] == "active" and array["raid_devices"] is None \
                and array["level"] in ("raid1", "raid4", "raid5", "raid6", "raid10"):
            return _failure(msg("volumes.reason.bad_line", source="/proc/mdstat",
                                line=array["name"] + " (no [n/m] line)"))
    return {"arrays": arrays, "personalities": personalities}


_DETAIL_STATUS = re.compile(r"^(Rebuild|Resync|Reshape|Check|Repair) Status\s*:\s*([\d.]+)%")
_ACTION_OF = {"Rebuild": "recovery", "Resync": "resync", "Reshape": "reshape", "Check": "check",
              "Repair": "repair"}


def parse_mdadm_detail(text):
    """``mdadm --detail /dev/mdN`` (one or more arrays) -> {"arrays": [{name, level, state,
    state_words, raid_devices, active_devices, failed_devices, spare_devices, action,
    progress, members: [{device, role, state}], removed}]}."""
    arrays = []
    current = None
    in_table = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if re.match(r"^/dev/\S+:$", stripped) and not line[0].isspace():
            current = {"name": stripped[:-1].replace("/dev/", "", 1), "level": "", "state": "",
                       "state_words": [], "raid_devices": None, "active_devices": None,
                       "failed_devices": 0, "spare_devices": 0, "action": None,
                       "progress": None, "members": [], "removed": 0}
            arrays.append(current)
            in_table = False
            continue
        if current is None:
            if stripped.startswith("mdadm:"):
                return _failure(msg("volumes.reason.tool_error", source="mdadm --detail",
                                    text=stripped), "source_unreadable")
            return _failure(msg("volumes.reason.bad_line", source="mdadm --detail",
                                line=stripped))
        if stripped.startswith("Number") and "RaidDevice" in stripped:
            in_table = True
            continue
        if in_table:
            cells = stripped.split()
            if len(cells) >= 5 and cells[4] == "removed":
                current["removed"] += 1
                continue
            if len(cells) >= 5:
                device = cells[-1] if cells[-1].startswith("/") else ""
                state = " ".join(cells[4:-1] if device else cells[4:])
                current["members"].append({"device": device, "role": cells[3],
                                           "state": state})
            continue
        status = _DETAIL_STATUS.match(stripped)
        if status:
            current["action"] = _ACTION_OF[status.group(1)]
            current["progress"] = float(status.group(2))
            continue
        if ":" not in stripped:
            continue
        name, value = (part.strip() for part in stripped.split(":", 1))
        if name == "Raid Level":
            current["level"] = value
        elif name == "State":
            current["state"] = value
            current["state_words"] = [w.strip() for w in value.split(",") if w.strip()]
        elif name in ("Raid Devices", "Active Devices", "Failed Devices", "Spare Devices"):
            key = name.lower().replace(" ", "_")
            try:
                current[key] = int(value)
            except ValueError:
                return _failure(msg("reason.not_a_number", what=name, value=value))
    if not arrays:
        return _failure(msg("volumes.reason.bad_line", source="mdadm --detail",
                            line=text.strip()[:80]))
    for array in arrays:
        if not array["state"] and array["level"] != "container":
            return _failure(msg("volumes.reason.no_state", source="mdadm --detail"))
    return {"arrays": arrays}


# --------------------------------------------------------------------------- lvm

# column headers -> the report's field names (LVM2 lib/report/columns.h)
HEADERS = {
    "PV": "pv_name", "VG": "vg_name", "Fmt": "fmt", "Attr": "attr", "PSize": "pv_size",
    "PFree": "pv_free", "#PV": "pv_count", "#LV": "lv_count", "#SN": "snap_count",
    "VSize": "vg_size", "VFree": "vg_free", "LV": "lv_name", "LSize": "lv_size",
    "Pool": "pool_lv", "Origin": "origin", "Data%": "data_percent",
    "Meta%": "metadata_percent", "Move": "move_pv", "Log": "mirror_log",
    "Cpy%Sync": "copy_percent", "Convert": "convert_lv", "Health": "lv_health_status",
    "Type": "segtype", "Layout": "lv_layout", "Role": "lv_role", "Devices": "devices",
    "Missing": "pv_missing", "#PV Missing": "vg_missing_pv_count", "SyncAction": "raid_sync_action",
    "Mismatches": "raid_mismatch_count", "CacheDirtyBlocks": "cache_dirty_blocks",
}
_MULTIWORD = ("#PV Missing",)
_KIND = {"pvs": "pv", "vgs": "vg", "lvs": "lv"}
_PREFIX = {"pv": "pv_", "vg": "vg_", "lv": "lv_"}


def _normalise(row, kind):
    """JSON field names and column names alike: ``attr`` as ``<kind>_attr`` etc."""
    out = {}
    for name, value in row.items():
        if name == "attr" or name == "fmt":
            name = _PREFIX[kind] + name
        out[name] = value.strip() if isinstance(value, str) else value
    return out


def _columns(lines, source, kind):
    header = None
    rows = []
    for line in lines:
        if not line.strip() or _LVM_NOISE.match(line):
            continue
        if header is None:
            text = line
            for word in _MULTIWORD:
                text = text.replace(word, word.replace(" ", "\0"))
            spans = [(m.group(0).replace("\0", " "), m.start(), m.end())
                     for m in re.finditer(r"\S+", text)]
            if not spans or spans[0][0] not in HEADERS:
                return _failure(msg("volumes.reason.no_header", source=source))
            header = spans
            continue
        row = {name: "" for name, _s, _e in header}
        for match in re.finditer(r"\S+", line):
            start, end = match.start(), match.end()
            best = None
            for name, hstart, hend in header:
                overlap = min(end, hend) - max(start, hstart)
                if overlap > 0 and (best is None or overlap > best[1]):
                    best = (name, overlap)
            if best is None:
                # a cell wider than its header and beside it: the nearest header
                best = (min(header, key=lambda h: min(abs(h[1] - end), abs(h[2] - start)))[0],
                        0)
            row[best[0]] = (row[best[0]] + " " + match.group(0)).strip()
        rows.append(_normalise({HEADERS.get(k, k.lower()): v for k, v in row.items()}, kind))
    if header is None:
        return _failure(msg("volumes.reason.no_header", source=source))
    return {"rows": rows, "format": "columns"}


def parse_lvm_report(text, tool):
    """``pvs`` / ``vgs`` / ``lvs`` (JSON report or columns) -> {"rows": [{field: value}],
    "format": "json" | "columns"}; field names as ``-o`` takes them (pv_attr, vg_attr,
    lv_attr, copy_percent, lv_health_status, segtype, lv_layout ...)."""
    kind = _KIND[tool]
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError as exc:
            return _failure(msg("volumes.reason.bad_json", source=tool, detail=str(exc)))
        try:
            rows = []
            for part in document["report"]:
                rows.extend(_normalise(row, kind) for row in part.get(kind, []))
        except (KeyError, TypeError, AttributeError) as exc:
            return _failure(msg("volumes.reason.bad_json", source=tool,
                                detail=f"no report.{kind}: {exc}"))
        return {"rows": rows, "format": "json"}
    lines = text.splitlines()
    # a JSON report after LVM's warnings (2>&1)
    for index, line in enumerate(lines):
        if line.strip() == "{":
            return parse_lvm_report("\n".join(lines[index:]), tool)
    section = _columns(lines, tool, kind)
    if is_failure(section):
        return section
    key = _PREFIX[kind] + "attr"
    for row in section["rows"]:
        if key not in row:
            return _failure(msg("volumes.reason.no_column", source=tool, column="Attr"))
    return section


# --------------------------------------------------------------------------- multipath

_MP_NOISE = re.compile(r"^(\w{3} \d+ \d\d:\d\d:\d\d|\d+\.\d+) \| ")
_MP_PATH = re.compile(r"^[\s|`\\_-]*(\S+:\S+:\S+:\S+)\s+(\S+)\s+(\S+:\S+)\s+(.*)$")
# a path group: ``|-+- policy='service-time 0' prio=50 status=active`` (0.4.9+),
# ``\_ round-robin 0 [prio=100][active]`` (0.4.7), ``selector=`` on some builds
_MP_GROUP = re.compile(r"^[\s|`\\_+-]*(policy=|selector=|round-robin|.*\bprio=)")
_MP_HEAD = re.compile(r"^(\S+)(?:\s+\(([^)]+)\))?(?:\s+(dm-\d+))?(?:\s+(.*))?$")


def _path_states(rest):
    words = [w for w in re.split(r"[\[\]\s]+", rest) if w]
    text = " ".join(words).replace("i/o pending", "i/o_pending") \
        .replace("i/o timeout", "i/o_timeout")
    words = text.split()
    dm = words[0] if words else ""
    checker = words[1] if len(words) > 1 else ""
    online = words[2] if len(words) > 2 else ""
    return dm, checker, online


def parse_multipath(text):
    """``multipath -ll`` -> {"maps": [{name, wwid, dm, vendor, paths: [{hcil, device,
    devnum, dm_state, checker, online}]}]}."""
    maps = []
    current = None
    for line in text.splitlines():
        if not line.strip() or _MP_NOISE.match(line):
            continue
        path = _MP_PATH.match(line)
        if path and current is not None and "_unsized" not in current:
            dm, checker, online = _path_states(path.group(4))
            current["paths"].append({"hcil": path.group(1), "device": path.group(2),
                                     "devnum": path.group(3), "dm_state": dm,
                                     "checker": checker.replace("_", " "), "online": online})
            continue
        stripped = line.strip()
        if stripped.startswith(("size=", "[size=")):
            if current is None or current.pop("_unsized", False) is False:
                return _failure(msg("volumes.reason.bad_line", source="multipath -ll",
                                    line=stripped))
            continue
        if _MP_GROUP.match(line):
            if current is None or "_unsized" in current:
                return _failure(msg("volumes.reason.bad_line", source="multipath -ll",
                                    line=stripped))
            continue
        if not line[0].isspace() and line[0] not in "|`\\[":
            head = _MP_HEAD.match(stripped)
            if head:
                current = {"name": head.group(1), "wwid": head.group(2) or head.group(1),
                           "dm": head.group(3) or "", "vendor": head.group(4) or "",
                           "paths": [], "_unsized": True}
                maps.append(current)
                continue
        return _failure(msg("volumes.reason.bad_line", source="multipath -ll", line=stripped))
    for mpath in maps:
        if mpath.pop("_unsized", False):
            return _failure(msg("volumes.reason.bad_line", source="multipath -ll",
                                line=mpath["name"] + " (no size= line)"))
    return {"maps": maps}


# --------------------------------------------------------------------------- entry

PARSERS = (("mdstat", parse_mdstat), ("mdadm_detail", parse_mdadm_detail),
           ("pvs", lambda t: parse_lvm_report(t, "pvs")),
           ("vgs", lambda t: parse_lvm_report(t, "vgs")),
           ("lvs", lambda t: parse_lvm_report(t, "lvs")),
           ("multipath", parse_multipath))


def parse_sources(raw, context=None):
    """The raw outputs of the volumes area -> its data.

    ``raw`` keys (each the command's text, or ``{"error": message, "cause": cause}``):
    ``mdstat``, ``mdadm_detail``, ``pvs``, ``vgs``, ``lvs``, ``multipath``. Absent keys were
    not collected; their sections are absent too."""
    data = {}
    for key, parser in PARSERS:
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, dict):
            data[key] = value
        elif not str(value).strip():
            data[key] = _failure(msg("reason.empty", source=key))
        else:
            data[key] = parser(value)
    return data
