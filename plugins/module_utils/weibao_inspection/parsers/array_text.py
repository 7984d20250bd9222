# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the two disk-array CLIs' readers share (``parsers/ibm_storwize_array.py``,
``parsers/huawei_oceanstor_array.py``): tables read by their header row, never by position,
capacities with their units, and the data shape both readers return.

Tables:

- Spectrum Virtualize's concise view (``lsdrive``, ``lsportfc`` ...): one header row of
  ``[a-z_]`` names; with ``-delim X`` every row is split at X (the last column keeps any X of
  its own: ``description``); without, the columns are aligned, each value starting under
  its header's first character and blank where there is none (``mdisk_name`` of a candidate
  drive), so a row is cut at the header words' columns.
- OceanStor's tables: a header row of names with spaces (``Health Status``) above a row of
  dashes, one run of dashes per column: a row is cut at the runs' columns. Chinese text is
  two columns wide on the console, so columns are counted in display width.
"""

from __future__ import annotations

import re
import unicodedata

from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

# binary units, as both CLIs print them (1 GB = 1024 MB)
_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4,
          "PB": 1024 ** 5, "EB": 1024 ** 6, "KIB": 1024, "MIB": 1024 ** 2, "GIB": 1024 ** 3,
          "TIB": 1024 ** 4, "PIB": 1024 ** 5}
_SIZE = re.compile(r"^\s*([\d.]+)\s*([KMGTPE]?I?B?)\s*$", re.IGNORECASE)
_SVC_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:([^\sA-Za-z0-9_])[A-Za-z0-9_]*)*$")
_SVC_ALIGNED = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\s+[A-Za-z][A-Za-z0-9_]*)*$")
_DASHES = re.compile(r"^[\s-]*-{2,}[\s-]*$")


def size(text):
    """``278.9GB``, ``1.63TB``, ``0``, ``558.406GB`` -> bytes (int); None when not a size."""
    match = _SIZE.match(str(text or ""))
    if not match:
        return None
    unit = match.group(2).upper()
    if unit not in _UNITS:
        return None
    try:
        return int(round(float(match.group(1)) * _UNITS[unit]))
    except ValueError:
        return None


def number(text):
    """``100``, ``35.2``, ``35%`` -> a number; None when not one."""
    value = str(text or "").strip().rstrip("%").strip()
    try:
        result = float(value)
    except ValueError:
        return None
    return int(result) if result.is_integer() else result


def percent(used, total):
    if used is None or not total:
        return None
    return round(100.0 * used / total, 1)


def lines_of(text):
    return [line.rstrip("\r") for line in str(text).replace("\r\n", "\n").split("\n")]


# --------------------------------------------------------------------------- Storwize


def svc_table(text, source, required=()):
    """A concise view -> (header names, rows as {name: value}, row lines). Empty text is an
    empty table (the CLI prints no header when nothing is listed)."""
    lines = [line for line in lines_of(text) if line.strip()]
    if not lines:
        return [], [], []
    header_line = lines[0]
    stripped = header_line.strip()
    match = _SVC_HEADER.match(stripped)
    if not match and not _SVC_ALIGNED.match(stripped):
        raise ParseError("array.reason.no_header", source=source,
                         columns=list(required) or ["id"], line=stripped[:120])
    delim = match.group(1) if match else None
    if len(lines) == 1:
        # the CLI prints no header when it lists nothing: a header alone is a cut answer
        raise ParseError("reason.truncated", source=source)
    if delim:
        names = stripped.split(delim)
        rows = [line.split(delim, len(names) - 1) for line in lines[1:]]
        rows = [[v.strip() for v in row] for row in rows]
    else:
        starts = [m.start() for m in re.finditer(r"\S+", header_line)]
        names = header_line.split()
        rows = [_cut(line, starts) for line in lines[1:]]
    missing = [name for name in required if name not in names]
    if missing:
        raise ParseError("array.reason.no_header", source=source, columns=missing,
                         line=stripped[:120])
    out = []
    for line, row in zip(lines[1:], rows):
        if len(row) < len(names) and delim:
            raise ParseError("reason.not_understood", source=source,
                             detail=_unexpected(line))
        out.append(dict(zip(names, row + [""] * (len(names) - len(row)))))
    return names, out, lines[1:]


def _cut(line, starts):
    values = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else None
        values.append(line[start:end].strip() if end is not None else line[start:].strip())
    return values


def svc_pairs(text, source):
    """A detailed view (``lssystem``): ``name value`` or ``name:value`` lines -> dict."""
    pairs = {}
    for line in lines_of(text):
        stripped = line.strip()
        if not stripped:
            continue
        match = re.match(r"^([a-z][A-Za-z0-9_]*)(?:[:,]|\s+|$)(.*)$", stripped)
        if not match:
            raise ParseError("reason.not_understood", source=source, detail=_unexpected(line))
        pairs[match.group(1)] = match.group(2).strip()
    return pairs


def _unexpected(line):
    from ansible.module_utils.weibao_inspection.messages import msg

    return msg("reason.unexpected_line", line=line.strip()[:120])


# --------------------------------------------------------------------------- OceanStor


def _width(char):
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _display_slice(line, start, end):
    """The characters of ``line`` between display columns ``start`` and ``end``."""
    out = []
    col = 0
    for char in line:
        if end is not None and col >= end:
            break
        if col >= start:
            out.append(char)
        col += _width(char)
    return "".join(out)


def _runs(dash_line):
    return [(m.start(), m.end()) for m in re.finditer(r"-+", dash_line)]


def ocean_tables(text):
    """Every table of an OceanStor answer -> [(header names, rows as {name: value}, row
    lines)]; prompts (``admin:/>``), titles (``FC port:``) and messages are left out."""
    lines = lines_of(text)
    tables = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and _DASHES.match(lines[i + 1]) and line.strip() \
                and not _DASHES.match(line):
            runs = _runs(lines[i + 1])
            starts = [start for start, _end in runs]
            names = [" ".join(_display_slice(line, start, starts[n + 1] if n + 1 < len(starts)
                                             else None).split())
                     for n, start in enumerate(starts)]
            rows, raw_lines = [], []
            i += 2
            while i < len(lines) and lines[i].strip() and not _is_prompt(lines[i]):
                values = [_display_slice(lines[i], start, starts[n + 1]
                                         if n + 1 < len(starts) else None).strip()
                          for n, start in enumerate(starts)]
                rows.append(dict(zip(names, values)))
                raw_lines.append(lines[i].strip())
                i += 1
            tables.append((names, rows, raw_lines))
            continue
        i += 1
    return tables


def _is_prompt(line):
    return bool(re.match(r"^\s*\S*:/>", line))


def ocean_pairs(text):
    """``  System Name      : Huawei.Storage`` lines -> dict (the first colon splits)."""
    pairs = {}
    for line in lines_of(text):
        if _is_prompt(line) or not line.strip():
            continue
        match = re.match(r"^\s*([^:：]+?)\s*[:：]\s?(.*)$", line)
        if match:
            pairs[match.group(1).strip()] = match.group(2).strip()
    return pairs


def ocean_messages(text):
    """The answer's lines that are neither prompts nor tables (``Command executed
    successfully.``, ``Error: ...``)."""
    return [line.strip() for line in lines_of(text)
            if line.strip() and not _is_prompt(line) and line.strip() != "^"]
