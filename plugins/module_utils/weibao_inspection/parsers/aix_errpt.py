# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the AIX error log (the ``errpt`` area): ``errpt`` (the summary) and ``errpt -a``
(the detailed entries), both since the previous inspection (``errpt -s MMDDhhmmyy``).

Formats (IBM AIX 7.1-7.3 documentation, "errpt Command" and "Error Report Details", and
public captures):

- the summary: a header ``IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION`` (itself
  translated in some locales), then one line per entry, newest first: an 8-hex-digit
  identifier, the time as MMDDhhmmYY, the type's first letter (P: PERM, PEND or PERF; T: TEMP;
  I: INFO; U: UNKN), the class (H, S, O, U), the resource name, and the description cut to 39
  characters **in the host's language** (LANG=de_DE prints German, zh_CN Chinese): the
  description is kept for display only and never read. AIX prints nothing at all for an empty
  log (no header).
- ``errpt -a``: entries separated by a line of dashes, each with ``LABEL:``,
  ``IDENTIFIER:``, ``Date/Time:``, ``Sequence Number:``, ``Machine Id:``, ``Node Id:``,
  ``Class:``, ``Type:``, (``WPAR:``), ``Resource Name:``, ``Resource Class:``, ``Resource
  Type:``, ``Location:``, then the sections ``Description``, ``Probable Causes``, ``Failure
  Causes``, ``Recommended Actions``, ``Detail Data``.

The summary has no label: a table of well-known identifiers (:data:`IDENTIFIERS`, from AIX's
``/usr/include/sys/errids.h`` and IBM's documentation) gives it where known, so the rules can
classify by label; identifiers change when a template changes between releases, so a label
from ``errpt -a`` always wins.

``COLLECT`` says what the AIX collector runs (``{since}``: the previous inspection's time as
``MMDDhhmmyy`` in the host's time, ``errpt -s``'s format; without a previous inspection the
collector leaves ``-s {since}`` out).
"""

from __future__ import annotations

import datetime as dt
import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

COLLECT = (
    ("errpt", ("errpt", "-s", "{since}")),
    ("errpt_a", ("errpt", "-a", "-s", "{since}")),
)

TYPES = {"PERM": "PERM", "TEMP": "TEMP", "PERF": "PERF", "PEND": "PEND", "INFO": "INFO",
         "UNKN": "UNKN"}
# the summary's T column: the first letter of the type (PERM, PEND and PERF all print P)
TYPE_LETTERS = {"P": "PERM", "T": "TEMP", "I": "INFO", "U": "UNKN"}
CLASSES = ("H", "S", "O", "U")

# identifier -> label, for the summary (which prints no label). Sources: AIX
# /usr/include/sys/errids.h (bos53X and later, as published in public repositories),
# IBM support pages (ECH_PING_FAIL_BCKP 6169289D: IBM support node 7230381) and IBM's
# MPIO documentation (DE3B8540 PATH HAS FAILED). F31FFAC3 (PATH HAS RECOVERED) is known to the
# rules by its identifier (rules/errpt.py PATH_RECOVERED), not given a label here.
IDENTIFIERS = {
    "DE3B8540": "SC_DISK_PCM_ERR7",     # PATH HAS FAILED (P H)
    "080784A7": "DISK_ERR6",            # path has failed
    "425BDD47": "DISK_ERR1",
    "16F35C72": "DISK_ERR2",
    "8647C4E2": "DISK_ERR3",
    "49A83216": "DISK_ERR4",
    "FEFD41FF": "DISK_ERR5",
    "0502F666": "SCSI_ERR1",
    "C14C511C": "SCSI_ERR2",
    "0BA49C99": "SCSI_ERR10",
    "32651A56": "EEH_ERR",
    "6472E03B": "PCI_PERMANENT_ERR",
    "E142C6D4": "PCI_RECOVERABLE_ERR",
    "74533D1A": "EPOW_SUS",
    "0EC7E7E5": "EPOW_RES",
    "BE0A03E5": "EPOW_SUS_CHRP",
    "3997D500": "EPOW_RES_CHRP",
    "E18E984F": "SRC",
    "BC3BE5A3": "SRC_SVKO",
    "1BA7DF4E": "SRC_TRYX",
    "CB4A951F": "SRC_RSTRT",
    "BFE4C025": "SCAN_ERROR_CHRP",
    "56CDC3C8": "MACHINE_CHECK_CHRP",
    "225E3B63": "KERNEL_PANIC",
    "C69F5C9B": "CORE_DUMP",            # AIX 5.3 errids.h
    "A924A5FC": "CORE_DUMP",            # AIX 6.1-7.3 (SOFTWARE PROGRAM ABNORMALLY TERMINATED)
    "67145A39": "DUMP_STATS",
    "F48137AC": "MINIDUMP_LOG",
    "E87EF1BE": "DMPCHK_TOOSMALL",
    "C5C09FFA": "PGSP_KILL",
    "8527F6F4": "NO_PGSP",
    "52715FA5": "LVM_SA_WRTERR",
    "41E36337": "LVM_SA_FRESHPP",
    "CAD234BE": "LVM_SA_QUORCLOSE",
    "91F9700D": "LVM_SA_QUORCLOSE",     # another release's template
    "E86653C3": "LVM_IO_FAIL",
    "F7DDA124": "LVM_SA_PVMISS",
    "EAA3D429": "LVM_SA_STALEPP",
    "2BFA76F6": "REBOOT_ID",
    "1104AA28": "SYS_RESET",
    "A6BAD8E6": "CORRECTED_SCRUB",
    "1B963892": "CPU_FAIL_PREDICTED",
    "804E987A": "CPU_DEALLOC_SUCCESS",
    "952D504F": "CPU_FAIL",
    "192AC071": "ERRLOG_OFF",
    "9DBCFDEE": "ERRLOG_ON",
    "AA8AB241": "OPMSG",
    "C6ACA566": "SYSLOG",
    "F2936FC5": "LOG_PRE_WRAP",
    "D1E21BA3": "LOG_REG_WRAP",
    "22006523": "TAPE_ERR3",
    "B617E928": "TAPE_ERR6",
    "4865FA9B": "TAPE_ERR1",
    "476B351D": "TAPE_ERR2",
    "FE2DEE00": "AIXIF_ARP_DUP_ADDR",
    "101F1D7C": "GATEWAY_IS_DOWN",
    "6169289D": "ECH_PING_FAIL_BCKP",
    "369D049B": "JFS_FS_FULL",
    "F7FA22C9": "J2_FS_FULL",
    "B6DB68E0": "J2_FSCK_REQUIRED",
    "78ABDDEB": "J2_METADATA_EIO",
    "C0073BB4": "TTY_BADINPUT",
    "43D4ADCE": "TTY_PARERR",
    "9D30B78E": "TTY_OVERRUN",
    "0873CF9F": "TTY_TTYHOG",
}

SUMMARY_RE = re.compile(r"^([0-9A-Fa-f]{8})\s+(\d{10})\s+([A-Za-z])\s+([A-Za-z])\s+(\S+)"
                        r"(?:\s+(.*))?$")
SEPARATOR_RE = re.compile(r"^-{20,}\s*$")
FIELD_RE = re.compile(r"^([A-Za-z][A-Za-z /]*?):\s*(.*)$")
DATE_RE = re.compile(r"^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d\d):(\d\d)(?:\s+\S+)?"
                     r"\s+(\d{4})$")
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec"), 1)}
SECTIONS = ("Description", "Probable Causes", "User Causes", "Install Causes",
            "Failure Causes", "Recommended Actions", "Detail Data")
FIELDS = {"LABEL": "label", "IDENTIFIER": "identifier", "Date/Time": "time",
          "Sequence Number": "sequence", "Machine Id": "machine_id", "Node Id": "node",
          "Class": "class", "Type": "type", "WPAR": "wpar", "Resource Name": "resource",
          "Resource Class": "resource_class", "Resource Type": "resource_type",
          "Location": "location"}
MAX_DETAIL_LINES = 6


def _excerpt(text):
    line = next((x for x in text.splitlines() if x.strip()), "")
    return line.strip()[:120]


def _summary_time(stamp):
    """MMDDhhmmYY -> ISO local time (the host's zone; errpt prints no zone)."""
    try:
        when = dt.datetime(2000 + int(stamp[8:10]), int(stamp[0:2]), int(stamp[2:4]),
                           int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None
    return when.isoformat()


def parse_summary(text):
    """``errpt`` (summary) -> {"entries": [...]} newest first, as printed."""
    entries = []
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines):
        match = SUMMARY_RE.match(line.strip())
        if not match:
            if number == 0 and not entries:
                continue  # the header (translated in some locales)
            raise ParseError("errpt.reason.bad_line", text=line[:120])
        identifier, stamp, letter, cls, resource, description = match.groups()
        when = _summary_time(stamp)
        if when is None:
            raise ParseError("errpt.reason.bad_line", text=line[:120])
        identifier = identifier.upper()
        entries.append({
            "identifier": identifier,
            "label": IDENTIFIERS.get(identifier, ""),
            "time": when,
            "type": TYPE_LETTERS.get(letter.upper(), letter.upper()),
            "class": cls.upper(),
            "resource": resource,
            "description": (description or "").strip(),
        })
    if lines and not entries and not _is_header(lines[0]):
        raise ParseError("errpt.reason.not_errpt", text=lines[0][:120])
    return {"entries": entries}


def _is_header(line):
    # the English header; a translated one is accepted only with entries below it
    return line.split()[:2] == ["IDENTIFIER", "TIMESTAMP"]


def _details_time(value):
    match = DATE_RE.match(" ".join(value.split()))
    if not match or match.group(1) not in MONTHS:
        return None
    month, day, hour, minute, second, year = match.groups()
    try:
        return dt.datetime(int(year), MONTHS[month], int(day), int(hour), int(minute),
                           int(second)).isoformat()
    except ValueError:
        return None


def _entry(block):
    entry = {}
    section = None
    texts = {}
    for raw in block:
        line = raw.rstrip()
        stripped = line.strip()
        if stripped in SECTIONS:
            section = stripped
            texts[section] = []
            continue
        if section is None:
            match = FIELD_RE.match(stripped)
            if match and match.group(1).strip() in FIELDS:
                entry[FIELDS[match.group(1).strip()]] = match.group(2).strip()
            continue
        if stripped:
            texts[section].append(stripped)
    if not entry.get("label") or not entry.get("identifier"):
        return None
    entry["identifier"] = entry["identifier"].upper()
    entry["time"] = _details_time(entry.get("time", "")) or entry.get("time", "")
    kind = entry.get("type", "").upper()
    entry["type"] = TYPES.get(kind, kind)
    entry["class"] = entry.get("class", "").upper()
    entry.setdefault("resource", "")
    entry["description"] = " ".join(texts.get("Description", []))
    entry["probable_causes"] = texts.get("Probable Causes", [])
    entry["detail"] = texts.get("Detail Data", [])[:MAX_DETAIL_LINES]
    return entry


def parse_details(text):
    """``errpt -a`` -> {"entries": [...]} in the order printed (newest first)."""
    blocks, current = [], []
    for line in text.splitlines():
        if SEPARATOR_RE.match(line):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    entries = []
    for block in blocks:
        if not any(x.strip() for x in block):
            continue
        entry = _entry(block)
        if entry is None:
            raise ParseError("errpt.reason.not_errpt_a", text=_excerpt("\n".join(block)))
        entries.append(entry)
    return {"entries": entries}


def _since_filter(section, since, width=19):
    """Entries at or after ``since`` (ISO); the host's times carry no zone, so they are
    compared as they are (a saved output judged with --since). The summary's times have
    minutes only (``width`` 16), as ``errpt -s`` compares them: an entry in since's minute
    is kept."""
    if not since or is_failure(section):
        return section
    cut = str(since).replace("Z", "").replace(" ", "T")[:width]
    kept = [e for e in section["entries"] if not e.get("time") or e["time"][:width] >= cut]
    return dict(section, entries=kept)


def _parse(raw, key, parser, context):
    value = raw.get(key)
    if value is None:
        return None
    if is_failure(value):
        return failure(value)
    if not isinstance(value, str):
        return failure({"error": msg("errpt.reason.bad_value", source=key)}, "not_understood")
    try:
        section = parser(value)
    except ParseError as exc:
        return failure(exc)
    if context.get("judge"):
        # errpt prints the host's local time without a zone: --since is compared as the
        # wall-clock time in the zone it was given in (``since_local``), not as UTC
        section = _since_filter(section, context.get("since_local") or context.get("since"),
                                16 if parser is parse_summary else 19)
    return section


def parse_sources(raw, context=None):
    """{"summary": section, "details": section, "since": ISO or None}; a section is
    {"entries": [...]}, a failure section, or None when not collected."""
    context = context or {}
    return {
        "summary": _parse(raw, "errpt", parse_summary, context),
        "details": _parse(raw, "errpt_a", parse_details, context),
        "since": context.get("since"),
    }
