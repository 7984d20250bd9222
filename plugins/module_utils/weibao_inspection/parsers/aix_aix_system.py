# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an AIX host's identity, firmware, system backups and performance samples (the
``aix_system`` area): pure functions from the commands' text (run with LC_ALL=C) to data.

Formats (provenance in each fixture's first line, tests/unit/fixtures/aix/):

- ``prtconf``: ``Label: value`` lines before the device list ("INSTALLED RESOURCE LIST"),
  as in IBM's FLRT "Fix level determination" page and the prtconf command reference.
- ``lsmcode -A``: ``device!file:level`` lines; the system firmware line
  ``sys0!system:VL950_092 (t) VL950_075 (p) VL950_092 (t)`` is the active level with the
  side it booted from, then the permanent (p) and temporary (t) sides (lsmcode reference).
- ``lsmksysb -l -f FILE``: ``LABEL: value`` lines (VOLUME GROUP, BACKUP DATE/TIME, UNAME
  INFO, BACKUP OSLEVEL, MAINTENANCE LEVEL, BACKUP SIZE (MB), SHRINK SIZE (MB), VG DATA ONLY)
  then the image's LV list, which is not read.
- ``vmstat 5 3``, ``iostat 5 2``, ``lparstat 5 3``: a "System configuration:" line, column
  headers, sample lines; ``svmon -G``: the ``memory`` and ``pg space`` lines.

A text none of this fits raises :class:`ParseError`; the rule reports it unknown.

Raw keys (collector: weibao_inspect_aix, owner G): ``prtconf``, ``lsmcode``, ``lsmksysb``
({image path: text or failure}, ``{}`` when the role's ``mksysb_paths`` match no file),
``oslevel_s`` (``oslevel -s``, for the backup's level and the asset register; the aix_patch
area reads the same command), ``vmstat``, ``iostat``, ``lparstat``, ``svmon``.
Python 3.8-compatible: ships to the host with the module.
"""

from __future__ import annotations

import calendar
import re

from ansible.module_utils.weibao_inspection.messages import is_message, msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

# What the AIX collector runs for this area: (raw key, argv); ``{mksysb}`` expands to each
# file the role's ``mksysb_paths`` globs match (the value is then {path: text}).
COLLECT = (
    ("prtconf", ("prtconf",)),
    ("lsmcode", ("lsmcode", "-A")),
    ("lsmksysb", ("lsmksysb", "-l", "-f", "{mksysb}")),
    ("oslevel_s", ("oslevel", "-s")),
    ("vmstat", ("vmstat", "5", "3")),
    ("iostat", ("iostat", "5", "2")),
    ("lparstat", ("lparstat", "5", "3")),
    ("svmon", ("svmon", "-G")),
)
PER_IMAGE = ("lsmksysb",)
NAMES = {"prtconf": "prtconf", "lsmcode": "lsmcode -A", "lsmksysb": "lsmksysb -l -f",
         "oslevel_s": "oslevel -s", "vmstat": "vmstat", "iostat": "iostat",
         "lparstat": "lparstat", "svmon": "svmon -G"}


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_lines(text, count=3):
    return _head(" ".join([ln.strip() for ln in str(text).splitlines() if ln.strip()][:count]))


def _number(text):
    """A figure as printed (``4096``, ``2.00``, ``1,234``) or None (``-``, ``N/A``)."""
    token = str(text).strip().replace(",", "")
    match = re.match(r"^(-?\d+(?:\.\d+)?)", token)
    if not match:
        return None
    value = float(match.group(1))
    return int(value) if value.is_integer() and "." not in match.group(1) else value


def _labels(text, stop=None):
    """``Label: value`` lines (first occurrence wins) until a line matching ``stop``."""
    fields = {}
    for line in str(text).splitlines():
        if stop and stop.match(line.strip()):
            break
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    return fields


def _configuration(text):
    """The ``System configuration: lcpu=8 mem=16384MB ent=2.00`` words."""
    for line in str(text).splitlines():
        if line.strip().lower().startswith("system configuration:"):
            words = line.split(":", 1)[1].split()
            return dict(w.split("=", 1) for w in words if "=" in w)
    return {}


# --------------------------------------------------------------------------- prtconf

PRTCONF_STOP = re.compile(r"^(INSTALLED RESOURCE LIST|The following resources are installed)",
                          re.IGNORECASE)


def parse_prtconf(text):
    fields = _labels(text, PRTCONF_STOP)
    if "System Model" not in fields or "Machine Serial Number" not in fields:
        raise ParseError("aix_system.reason.not_prtconf", text=_first_lines(text))
    lpar = fields.get("LPAR Info", "")
    lpar_id, _, lpar_name = lpar.strip().partition(" ")
    firmware = fields.get("Platform Firmware level") or ""
    return {
        "model": fields["System Model"],
        "serial": fields["Machine Serial Number"],
        "processor_type": fields.get("Processor Type", ""),
        "implementation_mode": fields.get("Processor Implementation Mode", ""),
        "processor_version": fields.get("Processor Version", ""),
        "cpus": _number(fields.get("Number Of Processors", "")),
        "clock_mhz": _number(fields.get("Processor Clock Speed", "")),
        "cpu_type": fields.get("CPU Type", ""),
        "kernel_type": fields.get("Kernel Type", ""),
        "lpar_id": _number(lpar_id) if lpar_id else None,
        "lpar_name": lpar_name.strip(),
        "memory_mb": _number(fields.get("Memory Size", "")),
        "good_memory_mb": _number(fields.get("Good Memory Size", "")),
        "firmware": firmware,
        "firmware_version": fields.get("Firmware Version", ""),
        "console_login": fields.get("Console Login", ""),
        "auto_restart": fields.get("Auto Restart", ""),
        "full_core": fields.get("Full Core", ""),
    }


# --------------------------------------------------------------------------- lsmcode

SYSTEM_LINE = re.compile(r"^sys0!system:\s*(\S+)\s*\((\w)\)(?:\s+(\S+)\s*\((\w)\))?"
                         r"(?:\s+(\S+)\s*\((\w)\))?")


def parse_lsmcode(text):
    record = {"active": "", "booted": "", "permanent": "", "temporary": "", "devices": []}
    for line in str(text).splitlines():
        stripped = line.strip()
        match = SYSTEM_LINE.match(stripped)
        if match:
            record["active"], record["booted"] = match.group(1), match.group(2).lower()
            for level, side in ((match.group(3), match.group(4)),
                                (match.group(5), match.group(6))):
                if level and side and side.lower() == "p":
                    record["permanent"] = level
                elif level and side and side.lower() == "t":
                    record["temporary"] = level
            continue
        device, bang, rest = stripped.partition("!")
        if bang and device and ":" not in device:
            record["devices"].append({"device": device, "level": rest.strip()})
    if not record["active"]:
        raise ParseError("aix_system.reason.not_lsmcode", text=_first_lines(text))
    return record


# --------------------------------------------------------------------------- lsmksysb

# not calendar.month_abbr: that follows the process's LC_TIME
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"), start=1)}
DATE = re.compile(r"^(?:\w{3}\s+)?(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+"
                  r"(?:(\S+)\s+)?(\d{4})$")


def parse_backup_date(text):
    """``Mon Nov  2 02:00:01 CST 2026`` -> (epoch seconds, read as UTC, zone name). The zone
    abbreviation is ambiguous (CST: China or US Central), so it is kept, not applied: the age
    is judged in days, and a day's error is below the limits' resolution."""
    match = DATE.match(" ".join(str(text).split()))
    if not match or match.group(1).title() not in MONTHS:
        raise ParseError("aix_system.reason.bad_date", text=_head(text))
    month = MONTHS[match.group(1).title()]
    when = calendar.timegm((int(match.group(7)), month, int(match.group(2)),
                            int(match.group(3)), int(match.group(4)), int(match.group(5)),
                            0, 0, 0))
    return when, match.group(6) or ""


def parse_lsmksysb(text, path=""):
    fields = _labels(text, re.compile(r"^\w+:$"))
    if "VOLUME GROUP" not in fields or "BACKUP DATE/TIME" not in fields:
        raise ParseError("aix_system.reason.not_lsmksysb", text=_first_lines(text))
    date = fields["BACKUP DATE/TIME"]
    when, zone = parse_backup_date(date)
    return {"path": path, "volume_group": fields["VOLUME GROUP"], "date": " ".join(date.split()),
            "time": when, "zone": zone, "uname": fields.get("UNAME INFO", ""),
            "oslevel": fields.get("BACKUP OSLEVEL", ""),
            "maintenance_level": fields.get("MAINTENANCE LEVEL", ""),
            "size_mb": _number(fields.get("BACKUP SIZE (MB)", "")),
            "shrink_mb": _number(fields.get("SHRINK SIZE (MB)", "")),
            "data_only": fields.get("VG DATA ONLY", "").strip().lower() == "yes"}


def parse_oslevel(text):
    """``oslevel -s`` (``7200-05-03-2148``) -> {"level", "tl": "7200-05"}."""
    for line in str(text).splitlines():
        match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2})-(\d{4}))?$", line.strip())
        if match:
            return {"level": line.strip(), "tl": f"{match.group(1)}-{match.group(2)}",
                    "sp": match.group(3) or ""}
    raise ParseError("reason.not_understood", source="oslevel -s",
                     detail=_first_lines(text))


# --------------------------------------------------------------------------- samples


BLANKS = ("-", "--", "N/A", "n/a")


def _table(text, source, header_test):
    """(columns, [sample rows]) of a column table: the header line ``header_test`` accepts
    and the all-numeric lines after it."""
    lines = str(text).splitlines()
    columns, rows = None, []
    for line in lines:
        words = line.split()
        if not words:
            continue
        if header_test(words):
            columns = words
            continue
        if columns is None or set(line.strip()) <= set("- "):
            continue
        values = [_number(w) for w in words]
        # a figure the tool cannot give prints as "-" (lparstat's app without pool data)
        if len(words) >= len(columns) and values[0] is not None and \
                all(v is not None or w in BLANKS for v, w in zip(values, words[:len(columns)])):
            rows.append(dict(zip(columns, values)))
    if columns is None:
        raise ParseError("aix_system.reason.no_header", source=source,
                         text=_first_lines(text))
    if not rows:
        raise ParseError("aix_system.reason.no_samples", source=source,
                         text=_first_lines(text))
    return columns, rows


def _mean(rows, column):
    values = [r[column] for r in rows if r.get(column) is not None]
    return round(sum(values) / len(values), 2) if values else None


def parse_vmstat(text):
    def header(words):
        return words[:2] == ["r", "b"] and "avm" in words and "us" in words

    lines = str(text).splitlines()
    # vmstat prints "sy" twice (faults: system calls, cpu: system time): the second is cpu
    fixed = []
    for line in lines:
        words = line.split()
        if header(words):
            seen = False
            out = []
            for word in words:
                if word == "sy":
                    out.append("cpu_sy" if seen else "sy_calls")
                    seen = True
                else:
                    out.append(word)
            line = " ".join(out)
        fixed.append(line)

    _columns, rows = _table("\n".join(fixed), "vmstat", header)
    used = rows[1:] if len(rows) > 1 else rows  # the first report counts since boot
    out = {"samples": len(used), "configuration": _configuration(text)}
    for name, column in (("r", "r"), ("b", "b"), ("avm", "avm"), ("fre", "fre"),
                         ("pi", "pi"), ("po", "po"), ("fr", "fr"), ("sr", "sr"),
                         ("us", "us"), ("sy", "cpu_sy"), ("id", "id"), ("wa", "wa"),
                         ("pc", "pc"), ("ec", "ec")):
        out[name] = _mean(used, column)
    return out


def parse_lparstat(text):
    def header(words):
        return "%user" in words and "%sys" in words and "%idle" in words

    _columns, rows = _table(text, "lparstat", header)
    out = {"samples": len(rows), "configuration": _configuration(text)}
    for name, column in (("us", "%user"), ("sy", "%sys"), ("wa", "%wait"), ("id", "%idle"),
                         ("physc", "physc"), ("entc", "%entc"), ("lbusy", "lbusy"),
                         ("app", "app"), ("vcsw", "vcsw"), ("phint", "phint")):
        out[name] = _mean(rows, column)
    return out


def parse_svmon(text):
    record = {"unit": "4 KB pages"}
    for line in str(text).splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].lower() == "unit:" and len(words) > 1:
            record["unit"] = " ".join(words[1:])
        if words[0] == "memory" and len(words) >= 6 and "size" not in record:
            numbers = [_number(w) for w in words[1:6]]
            if all(n is not None for n in numbers):
                record.update(zip(("size", "inuse", "free", "pin", "virtual"), numbers))
        if words[:2] == ["pg", "space"] and len(words) >= 4:
            record["pgsp_size"], record["pgsp_inuse"] = _number(words[2]), _number(words[3])
    if "size" not in record or not record["size"]:
        raise ParseError("aix_system.reason.not_svmon", text=_first_lines(text))
    return record


def parse_iostat(text):
    """The disks of the last report (the first counts since boot when there are several):
    {"disks": {name: {"tm_act", "kbps", "tps"}}, "reports": n, "cpu": {...}}."""
    reports, current, in_disks, cpu = [], None, False, []
    tty_columns = None
    for line in str(text).splitlines():
        words = line.split()
        if not words:
            in_disks = False
            continue
        if words[0] == "Disks:" and "tm_act" in line:
            current = {}
            reports.append(current)
            in_disks = True
            continue
        if words[0] == "tty:":
            tty_columns = line
            in_disks = False
            continue
        if tty_columns is not None and all(_number(w) is not None for w in words):
            cpu.append([_number(w) for w in words])
            tty_columns = None
            continue
        if in_disks and len(words) >= 4 and _number(words[1]) is not None:
            current[words[0]] = {"tm_act": _number(words[1]), "kbps": _number(words[2]),
                                 "tps": _number(words[3])}
    if not reports:
        raise ParseError("aix_system.reason.no_header", source="iostat",
                         text=_first_lines(text))
    last = reports[-1]
    out = {"reports": len(reports), "disks": last, "configuration": _configuration(text)}
    if cpu:
        row = cpu[-1]
        # tin tout %user %sys %idle %iowait [physc %entc]
        names = ("tin", "tout", "us", "sy", "id", "wa", "physc", "entc")
        out["cpu"] = dict(zip(names, row))
    return out


# --------------------------------------------------------------------------- sources

PARSERS = {"prtconf": parse_prtconf, "lsmcode": parse_lsmcode, "oslevel_s": parse_oslevel,
           "vmstat": parse_vmstat, "iostat": parse_iostat, "lparstat": parse_lparstat,
           "svmon": parse_svmon}


def _failure(value):
    section = failure(value)
    if not is_message(section.get("error")):
        section["error"] = msg("reason.text", text=_head(section.get("error") or "?"))
    return section


def _one(key, value, parser):
    if value is None:
        return None
    if isinstance(value, dict):
        if is_failure(value):
            return _failure(value)
        return {"error": msg("aix_system.reason.bad_value", source=NAMES[key]),
                "cause": "not_understood"}
    if not str(value).strip():
        return {"error": msg("reason.empty", source=NAMES[key]), "cause": "not_understood"}
    try:
        return parser(value)
    except ParseError as exc:
        # words outside ASCII: printed in another language (prtconf's labels in LANG=zh_CN);
        # the host's text is not quoted: its half-width colons would sit beside Chinese
        if re.search(r"[^\x00-\x7f]", str(value)):
            return {"error": msg("aix_system.reason.localized", source=NAMES[key]),
                    "cause": "not_understood"}
        return failure(exc)


def _path_of(command):
    """The image path of a saved ``lsmksysb -l -f /path`` command."""
    words = str(command or "").split()
    if "-f" in words and words.index("-f") + 1 < len(words) \
            and words[words.index("-f") + 1].startswith("/"):
        return words[words.index("-f") + 1]
    return "mksysb"


def parse_sources(raw, context=None):
    """The raw outputs of the aix_system area -> its data: one section per key (parsed data,
    a failure section, or None when not collected); ``lsmksysb`` is {path: section}."""
    context = context or {}
    data = {key: _one(key, raw.get(key), parser) for key, parser in PARSERS.items()}
    images = raw.get("lsmksysb")
    if images is None:
        data["lsmksysb"] = None
    elif is_failure(images):
        data["lsmksysb"] = _failure(images)
    elif isinstance(images, dict):
        data["lsmksysb"] = {str(path): _one("lsmksysb", text,
                                            lambda t, p=str(path): parse_lsmksysb(t, p))
                            for path, text in images.items()}
    else:  # a saved output (weibao judge): one image, its path from the command
        path = _path_of(context.get("command"))
        data["lsmksysb"] = {path: _one("lsmksysb", images,
                                       lambda t: parse_lsmksysb(t, path))}
    return data
