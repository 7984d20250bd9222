# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read AIX LVM, paging, dump, boot list and df outputs (the ``aix_lvm`` area). Pure
functions: text -> data, never a judgement.

Formats (IBM Documentation, AIX 7.1 / 7.2 / 7.3 Commands Reference, and the Redbook "AIX
Logical Volume Manager from A to Z", SG24-5433):

- ``lsvg`` / ``lsvg -o``: one volume group name a line.
- ``lsvg VG``: two ``LABEL: value`` pairs a line (``VOLUME GROUP:  rootvg   VG IDENTIFIER:
  00f6...``); labels hold spaces and parentheses (``LTG size (Dynamic):``); 7.2 and 7.3 add
  pairs (``INFINITE RETRY``, ``DISK BLOCK SIZE``, ``CRITICAL VG``, ``FS SYNC OPTION``,
  ``CRITICAL PVs``, ``ENCRYPTION``): unknown labels are kept, never required. Several VGs
  (``lsvg -o | lsvg -i``) are blocks each starting with ``VOLUME GROUP:``.
- ``lsvg -l VG``: ``rootvg:`` then ``LV NAME TYPE LPs PPs PVs LV STATE MOUNT POINT`` and one
  row per LV (LV STATE ``open/syncd``, ``closed/syncd``, ``open/stale``, ``closed/stale``;
  MOUNT POINT ``N/A`` when none).
- ``lspv``: ``hdisk0  00f6db0a2ffe4a31  rootvg  active`` (state ``active``, ``concurrent``,
  ``locked`` or blank when the VG is varied off; VG ``None`` when the disk is in none).
- ``lsps -a``: ``Page Space  Physical Volume  Volume Group  Size %Used Active Auto Type
  Chksum`` (Chksum since AIX 5.3; Size as ``1024MB``; Active and Auto ``yes``/``no``).
- ``lsps -s``: ``Total Paging Space   Percent Used`` then ``1024MB   2%``.
- ``sysdumpdev -l``: ``primary   /dev/lg_dumplv``, ``secondary  /dev/sysdumpnull``,
  ``copy directory  /var/adm/ras``, ``forced copy flag  TRUE``, ``always allow dump FALSE``,
  ``dump compression  ON``, and since 7.1 ``type of dump  fw-assisted``, ``full memory dump
  disallow``.
- ``bootlist -m normal -o``: one device a line, ``hdisk0 blv=hd5 pathid=0`` (blv= and pathid=
  since AIX 5.3 TL / 6.1; a bare ``hdisk0`` before).
- ``df -k``: ``Filesystem 1024-blocks Free %Used Iused %Iused Mounted on`` (AIX prints inodes
  with -k); ``-`` where a file system has no figure (/proc, some NFS mounts).

A command run in a non-English locale prints translated labels and words (``yes``/``no``,
column headers): they are not guessed; the source is "not understood" (the collector runs
LC_ALL=C). A section that cannot be read is ``{"error": message, "cause": cause}``.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

# What the AIX host collector (weibao_inspect_aix) runs, LC_ALL=C. ``{vg}`` expands to each
# volume group ``lsvg -o`` prints (varied on: ``lsvg VG`` of a varied-off VG fails with
# 0516-010); the per-VG keys hand over ``{vg: text or {"error", "cause"}}``.
COLLECT = (
    ("lsvg", ("lsvg", "-o")),
    ("lsvg_vg", ("lsvg", "{vg}")),
    ("lsvg_l", ("lsvg", "-l", "{vg}")),
    ("lspv", ("lspv",)),
    ("lsps_a", ("lsps", "-a")),
    ("lsps_s", ("lsps", "-s")),
    ("sysdumpdev", ("sysdumpdev", "-l")),
    ("bootlist", ("bootlist", "-m", "normal", "-o")),
    ("df_k", ("df", "-k")),
)

# the keys whose value is one text per volume group
PER_VG = ("lsvg_vg", "lsvg_l")

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# an AIX command's own error line (0516-010 lsvg: Volume group must be varied on ...)
_AIX_ERROR = re.compile(r"^\s*\d{4}-\d{3}\b")


def _bad(source, line):
    raise ParseError("aix_lvm.reason.bad_line", source=source, line=line.strip()[:120])


def _lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _tool_error(source, lines):
    for line in lines:
        if _AIX_ERROR.match(line):
            raise ParseError("aix_lvm.reason.tool_error", source=source, text=line.strip())


def _int(source, value):
    value = value.strip()
    if not re.match(r"^\d+$", value):
        raise ParseError("aix_lvm.reason.bad_value", source=source, value=value)
    return int(value)


# --------------------------------------------------------------------------- lsvg

def parse_lsvg(text):
    """``lsvg`` / ``lsvg -o`` -> {"vgs": [names]}."""
    lines = _lines(text)
    _tool_error("lsvg", lines)
    for line in lines:
        if not _NAME.match(line.strip()):
            _bad("lsvg", line)
    return {"vgs": [line.strip() for line in lines]}


_LABEL = re.compile(r"(?:^|(?<=\s\s))([A-Z][A-Za-z ()/]*[A-Za-z)]):")
_VG_NUMBERS = {"TOTAL PVs": "total_pvs", "STALE PVs": "stale_pvs", "ACTIVE PVs": "active_pvs",
               "STALE PPs": "stale_pps", "LVs": "lvs", "OPEN LVs": "open_lvs"}
_VG_PPS = {"TOTAL PPs": "total_pps", "FREE PPs": "free_pps", "USED PPs": "used_pps"}
_VG_REQUIRED = ("VG STATE", "VG PERMISSION", "TOTAL PVs", "ACTIVE PVs", "STALE PVs",
                "STALE PPs", "TOTAL PPs", "FREE PPs", "QUORUM")


def _pairs(line):
    marks = list(_LABEL.finditer(line))
    out = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        out.append((mark.group(1).strip(), line[mark.end():end].strip()))
    return out


def _vg_block(fields):
    source = "lsvg " + fields.get("VOLUME GROUP", "?")
    for label in _VG_REQUIRED:
        if label not in fields:
            raise ParseError("aix_lvm.reason.no_field", source=source, field=label)
    vg = {"name": fields["VOLUME GROUP"], "state": fields["VG STATE"],
          "permission": fields["VG PERMISSION"], "fields": fields}
    for label, key in _VG_NUMBERS.items():
        vg[key] = _int(source, fields[label]) if label in fields else None
    for label, key in _VG_PPS.items():
        # 1118 (71552 megabytes)
        match = re.match(r"^(\d+)(?:\s+\((\d+) megabytes\))?", fields.get(label, ""))
        if label in fields and not match:
            raise ParseError("aix_lvm.reason.bad_value", source=source, value=fields[label])
        vg[key] = int(match.group(1)) if match else None
        vg[key + "_mb"] = int(match.group(2)) if match and match.group(2) else None
    quorum = re.match(r"^(\d+)\s*(?:\((Enabled|Disabled)\))?", fields["QUORUM"])
    if not quorum:
        raise ParseError("aix_lvm.reason.bad_value", source=source, value=fields["QUORUM"])
    # 1 is quorum off (AIX 5.3+ prints "1 (Disabled)"); older ones print the bare number
    vg["quorum"] = int(quorum.group(1))
    vg["quorum_enabled"] = (quorum.group(2) == "Enabled") if quorum.group(2) \
        else vg["quorum"] != 1
    return vg


def parse_lsvg_vg(text):
    """``lsvg VG`` (one or several VGs) -> {"vgs": [{name, state, permission, total_pvs,
    active_pvs, stale_pvs, stale_pps, total_pps, free_pps, quorum, quorum_enabled, fields}]}."""
    lines = _lines(text)
    _tool_error("lsvg VG", lines)
    blocks = []
    for line in lines:
        pairs = _pairs(line)
        if not pairs:
            _bad("lsvg VG", line)
        if pairs[0][0] == "VOLUME GROUP":
            blocks.append({})
        if not blocks:
            _bad("lsvg VG", line)
        for label, value in pairs:
            blocks[-1][label] = value
    if not blocks:
        raise ParseError("aix_lvm.reason.no_field", source="lsvg VG", field="VOLUME GROUP")
    return {"vgs": [_vg_block(b) for b in blocks]}


_LV_STATE = re.compile(r"^(open|closed)/(syncd|stale)$")


def parse_lsvg_l(text):
    """``lsvg -l VG`` (one or several VGs) -> {"vgs": {vg: [{name, type, lps, pps, pvs,
    open, stale, state, mount}]}}."""
    lines = _lines(text)
    _tool_error("lsvg -l", lines)
    vgs = {}
    current = None
    header = False
    for line in lines:
        stripped = line.strip()
        head = re.match(r"^([A-Za-z0-9_.-]+):$", stripped)
        if head:
            current, header = head.group(1), False
            vgs[current] = []
            continue
        if current is None:
            _bad("lsvg -l", line)
        if stripped.split()[:2] == ["LV", "NAME"]:
            if stripped.split() != ["LV", "NAME", "TYPE", "LPs", "PPs", "PVs", "LV", "STATE",
                                    "MOUNT", "POINT"]:
                _bad("lsvg -l", line)
            header = True
            continue
        if not header:
            _bad("lsvg -l", line)
        words = stripped.split()
        if len(words) < 7:
            _bad("lsvg -l", line)
        state = _LV_STATE.match(words[5])
        if not state or not all(w.isdigit() for w in words[2:5]):
            _bad("lsvg -l", line)
        vgs[current].append({"name": words[0], "type": words[1], "lps": int(words[2]),
                             "pps": int(words[3]), "pvs": int(words[4]), "state": words[5],
                             "open": state.group(1) == "open",
                             "stale": state.group(2) == "stale",
                             "mount": " ".join(words[6:])})
    if not vgs:
        raise ParseError("aix_lvm.reason.no_header", source="lsvg -l")
    for vg, rows in vgs.items():
        if not rows and not header:
            raise ParseError("aix_lvm.reason.no_header", source="lsvg -l " + vg)
    return {"vgs": vgs}


# --------------------------------------------------------------------------- lspv

_PVID = re.compile(r"^([0-9a-f]{16}|none)$")


def parse_lspv(text):
    """``lspv`` -> {"pvs": [{name, pvid, vg, state}]}."""
    lines = _lines(text)
    _tool_error("lspv", lines)
    pvs = []
    for line in lines:
        words = line.split()
        if len(words) < 3 or len(words) > 4 or not _PVID.match(words[1]):
            _bad("lspv", line)
        pvs.append({"name": words[0], "pvid": words[1], "vg": words[2],
                    "state": words[3] if len(words) > 3 else ""})
    if not pvs:
        raise ParseError("reason.empty", source="lspv")
    return {"pvs": pvs}


# --------------------------------------------------------------------------- lsps

_LSPS_HEADER = ["Page", "Space", "Physical", "Volume", "Volume", "Group", "Size", "%Used",
                "Active", "Auto", "Type"]
_YES_NO = {"yes": True, "no": False}


def _size_mb(source, value):
    match = re.match(r"^(\d+(?:\.\d+)?)(MB|GB)$", value)
    if not match:
        raise ParseError("aix_lvm.reason.bad_value", source=source, value=value)
    number = float(match.group(1)) * (1024 if match.group(2) == "GB" else 1)
    return int(number) if number.is_integer() else number


def parse_lsps_a(text):
    """``lsps -a`` -> {"spaces": [{name, pv, vg, size_mb, used, active, auto, type}]}."""
    lines = _lines(text)
    _tool_error("lsps -a", lines)
    if not lines or lines[0].split()[:11] != _LSPS_HEADER:
        raise ParseError("aix_lvm.reason.no_header", source="lsps -a")
    spaces = []
    for line in lines[1:]:
        words = line.split()
        if len(words) not in (8, 9):
            _bad("lsps -a", line)
        active, auto = words[5].lower(), words[6].lower()
        if active not in _YES_NO or auto not in _YES_NO:
            _bad("lsps -a", line)
        spaces.append({"name": words[0], "pv": words[1], "vg": words[2],
                       "size_mb": _size_mb("lsps -a", words[3]),
                       "used": _int("lsps -a", words[4]), "active": _YES_NO[active],
                       "auto": _YES_NO[auto], "type": words[7]})
    if not spaces:
        raise ParseError("aix_lvm.reason.no_rows", source="lsps -a")
    return {"spaces": spaces}


def parse_lsps_s(text):
    """``lsps -s`` -> {"total_mb", "used"}."""
    lines = _lines(text)
    _tool_error("lsps -s", lines)
    if len(lines) != 2 or lines[0].split() != ["Total", "Paging", "Space", "Percent", "Used"]:
        raise ParseError("aix_lvm.reason.no_header", source="lsps -s")
    words = lines[1].split()
    if len(words) != 2 or not re.match(r"^\d+%$", words[1]):
        _bad("lsps -s", lines[1])
    return {"total_mb": _size_mb("lsps -s", words[0]), "used": int(words[1][:-1])}


# --------------------------------------------------------------------------- sysdumpdev

_DUMP_KEYS = {"primary": "primary", "secondary": "secondary", "copy directory": "copy_dir",
              "forced copy flag": "forced_copy", "always allow dump": "always_allow",
              "dump compression": "compression", "type of dump": "type",
              "full memory dump": "full_memory"}


def parse_sysdumpdev(text):
    """``sysdumpdev -l`` -> {primary, secondary, copy_dir, forced_copy, always_allow,
    compression, type, full_memory} (those printed)."""
    lines = _lines(text)
    _tool_error("sysdumpdev -l", lines)
    out = {}
    for line in lines:
        match = re.match(r"^([a-z][a-z ]*?)\s{2,}(\S.*)$", line.strip()) or \
            re.match(r"^(primary|secondary)\s+(\S+)$", line.strip())
        if not match or match.group(1) not in _DUMP_KEYS:
            _bad("sysdumpdev -l", line)
        out[_DUMP_KEYS[match.group(1)]] = match.group(2).strip()
    if "primary" not in out:
        raise ParseError("aix_lvm.reason.no_field", source="sysdumpdev -l", field="primary")
    return out


# --------------------------------------------------------------------------- bootlist

def parse_bootlist(text):
    """``bootlist -m normal -o`` -> {"devices": [{name, blv, pathid}]} in boot order."""
    lines = _lines(text)
    _tool_error("bootlist", lines)
    devices = []
    for line in lines:
        words = line.split()
        if not re.match(r"^[a-z]+\d+$", words[0]):
            _bad("bootlist -m normal -o", line)
        attrs = {}
        for word in words[1:]:
            if "=" not in word:
                _bad("bootlist -m normal -o", line)
            name, value = word.split("=", 1)
            attrs[name] = value
        devices.append({"name": words[0], "blv": attrs.get("blv", ""),
                        "pathid": attrs.get("pathid", "")})
    return {"devices": devices}


# --------------------------------------------------------------------------- df -k

_DF_HEADER = ["Filesystem", "1024-blocks", "Free", "%Used", "Iused", "%Iused", "Mounted", "on"]


def _percent(value):
    if value == "-":
        return None
    if not re.match(r"^\d+%$", value):
        raise ParseError("aix_lvm.reason.bad_value", source="df -k", value=value)
    return int(value[:-1])


def parse_df_k(text):
    """``df -k`` -> {"filesystems": [{device, blocks, free, used, iused, iused_pct, mount}]}
    (``None`` where df prints ``-``)."""
    lines = _lines(text)
    _tool_error("df -k", lines)
    if not lines or lines[0].split() != _DF_HEADER:
        raise ParseError("aix_lvm.reason.no_header", source="df -k")
    rows = []
    pending = None
    for line in lines[1:]:
        words = line.split()
        if pending is not None:  # a long device name alone on its line
            words = [pending] + words
            pending = None
        elif len(words) == 1:
            pending = words[0]
            continue
        if len(words) < 7:
            _bad("df -k", line)
        blocks, free, iused = words[1], words[2], words[4]
        for value in (blocks, free, iused):
            if value != "-" and not re.match(r"^\d+(\.\d+)?$", value):
                _bad("df -k", line)
        rows.append({"device": words[0], "blocks": None if blocks == "-" else float(blocks),
                     "free": None if free == "-" else float(free),
                     "used": _percent(words[3]),
                     "iused": None if iused == "-" else int(float(iused)),
                     "iused_pct": _percent(words[5]), "mount": " ".join(words[6:])})
    if pending is not None:
        _bad("df -k", pending)
    return {"filesystems": rows}


# --------------------------------------------------------------------------- entry

PARSERS = (("lsvg", parse_lsvg), ("lsvg_vg", parse_lsvg_vg), ("lsvg_l", parse_lsvg_l),
           ("lspv", parse_lspv), ("lsps_a", parse_lsps_a), ("lsps_s", parse_lsps_s),
           ("sysdumpdev", parse_sysdumpdev), ("bootlist", parse_bootlist),
           ("df_k", parse_df_k))


def _one(parser, key, value):
    if is_failure(value):
        return failure(value)
    if not str(value).strip():
        if key == "bootlist":  # an empty boot list prints nothing
            return {"devices": []}
        return failure({"error": msg("reason.empty", source=key)}, "not_understood")
    try:
        return parser(str(value))
    except ParseError as exc:
        return failure(exc)


def _per_vg(parser, key, value):
    """{vg: text} -> {"vgs": merged, "failed": {vg: failure}}; one text -> as parsed."""
    if is_failure(value) or not isinstance(value, dict):
        return _one(parser, key, value)
    merged = {"vgs": {} if key == "lsvg_l" else [], "failed": {}}
    for vg in sorted(value):
        section = _one(parser, key, value[vg])
        if is_failure(section):
            merged["failed"][vg] = section
        elif key == "lsvg_l":
            merged["vgs"].update(section["vgs"])
        else:
            merged["vgs"].extend(section["vgs"])
    if not merged["vgs"] and merged["failed"]:
        return merged["failed"][sorted(merged["failed"])[0]]
    return merged


def parse_sources(raw, context=None):
    """The raw outputs of the aix_lvm area -> its data.

    ``raw`` keys (each the command's text, or ``{"error": message, "cause": cause}``):
    ``lsvg``, ``lsvg_vg``, ``lsvg_l`` (these two also ``{vg: text or failure}``), ``lspv``,
    ``lsps_a``, ``lsps_s``, ``sysdumpdev``, ``bootlist``, ``df_k``. Absent keys were not
    collected; their sections are absent too."""
    data = {}
    for key, parser in PARSERS:
        if key not in raw or raw[key] is None:
            continue
        if key in PER_VG:
            data[key] = _per_vg(parser, key, raw[key])
        else:
            data[key] = _one(parser, key, raw[key])
    return data
