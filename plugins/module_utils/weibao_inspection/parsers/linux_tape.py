# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for a Linux host's tape drives and libraries (the ``tape`` area).

Formats, from the tools' own sources:

- ``mt -f DEV status``: mt-st's ``do_status`` (mt.c): "SCSI 2 tape drive:", "File
  number=0, block number=0, partition=0.", "Tape block size 0 bytes. Density code 0x58
  (LTO-5).", "Soft error count since last status=0", "General status bits on (41010000):"
  then the bits' names (BOT ONLINE IM_REP_EN; DR_OPEN: no tape; CLN: cleaning requested).
  mt-st opens the drive with O_NONBLOCK, so an empty drive prints DR_OPEN. GNU mt (cpio,
  Debian's ``mt-gnu``): "drive type = 114", "drive status = 1577058304" (mt_dsreg: density
  code in bits 24-31, block size below), "sense key error", "residue count", "file number",
  "block number": no status bits. Its open has no O_NONBLOCK: an empty drive says
  "mt: /dev/nst0: rmtopen failed: No medium found". Errors: "/dev/nst0: Input/output error",
  "Device or resource busy", "No such device or address", "No medium found".
- ``tapeinfo -f DEV`` (mtx tapeinfo.c): "Product Type: Tape Drive", "Vendor ID: 'IBM     '",
  "Product ID", "Revision", "Attached Changer API", "SerialNumber", "TapeAlert[3]:    Hard
  Error: Uncorrectable read/write error." (set flags only, by number), "MinBlock",
  "MaxBlock", "Ready: yes|no"; only when ready: "Medium Type: 0x58|Not Loaded", "Density
  Code", "BlockSize", "DataCompEnabled", "BOP", "Block Position" ...
- ``loaderinfo -f DEV`` (mtx loaderinfo.c): "Product Type: Medium Changer", vendor,
  product, revision, "EAAP: Yes|No", "Number of Medium Transport Elements", "Number of
  Storage Elements", "Number of Import/Export Elements", "Number of Data Transfer
  Elements"; "Ready:" and "TapeAlert[n]:" lines are read where a build prints them.
- ``sg_logs -p 0x2e DEV`` (sg3_utils sg_logs.c, ``show_tape_alert_ssc_page``): an INQUIRY
  line, then "Tape alert page (ssc-3) [0x2e]" (1.26-1.47) or "TapeAlert log page (ssc-3)
  [0x2e]" (1.48), then one "  <flag name>: 0|1" line per parameter; names from
  ``tape_alert_strs`` (sg_logs.c up to 1.47: "Obsolete (28h)", "Reserved (2Fh)") or
  ``sg_lib_tapealert_strs`` (lib/sg_lib_data.c, 1.48: "Reserved (28h)", "External data
  encryption control - ..."); "  Reserved parameter code 0x3d, flag: 0" past the table;
  "  No string available for code 0x14, flag: 1" in builds without strings; "  >>>> "
  before a set flag with -v. A page sg_logs cannot decode ("Unable to decode page = 0x2e,
  here is hex:", a medium changer's page, a build before 1.26) is not understood.
- ``lsscsi -g``: "[2:0:0:0]    tape    IBM      ULT3580-TD5      D8D4  /dev/st0   /dev/sg1",
  type ``tape`` or ``mediumx`` ("-" where no driver node is bound).

``parse_sources`` returns ``{"devices": the collector's sysfs list or None, "lsscsi":
{"devices": [...]} | failure | None, "mt_status" | "tapeinfo" | "loaderinfo" |
"tapealert": {device: record or failure} | failure | None}``; a failure is ``{"error":
message, "cause", "device"}``.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.messages import is_message, msg
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

PER_DEVICE = ("mt_status", "tapeinfo", "loaderinfo", "tapealert")
NAMES = {"mt_status": "mt status", "tapeinfo": "tapeinfo", "loaderinfo": "loaderinfo",
         "tapealert": "sg_logs -p 0x2e", "lsscsi": "lsscsi -g"}

# TapeAlert flags of a tape drive (SSC-3 Annex / the TapeAlert specification): number ->
# (sg_logs name, the spec's class C/W/I, what it is about). The class decides the status
# (rules/tape.py); the kind, the advice.
DRIVE_FLAGS = {
    1: ("Read warning", "W", "media"), 2: ("Write warning", "W", "media"),
    3: ("Hard error", "W", "drive"), 4: ("Media", "C", "media"),
    5: ("Read failure", "C", "drive"), 6: ("Write failure", "C", "drive"),
    7: ("Media life", "W", "media"), 8: ("Not data grade", "W", "media"),
    9: ("Write protect", "C", "operator"), 10: ("No removal", "I", "operator"),
    11: ("Cleaning media", "I", "operator"), 12: ("Unsupported format", "I", "media"),
    13: ("Recoverable mechanical cartridge failure", "C", "media"),
    14: ("Unrecoverable mechanical cartridge failure", "C", "media"),
    15: ("Memory chip in cartridge failure", "W", "media"),
    16: ("Forced eject", "C", "media"), 17: ("Read only format", "W", "media"),
    18: ("Tape directory corrupted on load", "W", "media"),
    19: ("Nearing media life", "I", "media"), 20: ("Cleaning required", "C", "cleaning"),
    21: ("Cleaning requested", "W", "cleaning"),
    22: ("Expired cleaning media", "C", "cleaning"),
    23: ("Invalid cleaning tape", "C", "cleaning"), 24: ("Retension requested", "W", "media"),
    25: ("Dual port interface error", "W", "interface"),
    26: ("Cooling fan failing", "W", "drive"), 27: ("Power supply failure", "W", "drive"),
    28: ("Power consumption", "W", "drive"), 29: ("Drive maintenance", "W", "drive"),
    30: ("Hardware A", "C", "drive"), 31: ("Hardware B", "C", "drive"),
    32: ("Interface", "W", "interface"), 33: ("Eject media", "C", "media"),
    34: ("Microcode update fail", "W", "drive"), 35: ("Drive humidity", "W", "drive"),
    36: ("Drive temperature", "W", "drive"), 37: ("Drive voltage", "W", "drive"),
    38: ("Predictive failure", "C", "drive"), 39: ("Diagnostics required", "W", "drive"),
    # 0x28-0x2e: the loader flags of the first TapeAlert specification, obsolete in SSC
    40: ("Loader hardware A", "C", "library"), 41: ("Loader stray tape", "C", "library"),
    42: ("Loader hardware B", "W", "library"), 43: ("Loader door", "C", "library"),
    44: ("Loader hardware C", "C", "library"), 45: ("Loader magazine", "C", "library"),
    46: ("Loader predictive failure", "W", "library"),
    47: ("External data encryption control - communications failure", "W", "encryption"),
    48: ("External data encryption control - key manager returned error", "W",
         "encryption"),
    49: ("Diminished native capacity", "W", "media"), 50: ("Lost statistics", "W", "drive"),
    51: ("Tape directory invalid at unload", "W", "media"),
    52: ("Tape system area write failure", "C", "media"),
    53: ("Tape system area read failure", "C", "media"),
    54: ("No start of data", "C", "media"), 55: ("Loading failure", "C", "media"),
    56: ("Unrecoverable unload failure", "C", "drive"),
    57: ("Automation interface failure", "C", "interface"),
    58: ("Firmware failure", "W", "drive"),
    59: ("WORM medium - integrity check failed", "W", "media"),
    60: ("WORM medium - overwrite attempted", "W", "media"),
    61: ("Encryption policy violation", "W", "encryption"),
}
# TapeAlert flags of a medium changer (SMC-3 / the TapeAlert specification for libraries)
LIBRARY_FLAGS = {
    1: ("Library hardware A", "C", "library"), 2: ("Library hardware B", "W", "library"),
    3: ("Library hardware C", "C", "library"), 4: ("Library hardware D", "C", "library"),
    5: ("Library diagnostics required", "W", "library"),
    6: ("Library interface", "C", "interface"), 7: ("Failure prediction", "W", "library"),
    8: ("Library maintenance", "W", "library"), 9: ("Library humidity limits", "C", "library"),
    10: ("Library temperature limits", "C", "library"),
    11: ("Library voltage limits", "C", "library"), 12: ("Library stray tape", "C", "library"),
    13: ("Library pick retry", "W", "library"), 14: ("Library place retry", "W", "library"),
    15: ("Library load retry", "W", "library"), 16: ("Library door", "C", "operator"),
    17: ("Library mailslot", "C", "operator"), 18: ("Library magazine", "C", "operator"),
    19: ("Library security", "W", "operator"), 20: ("Library security mode", "I", "operator"),
    21: ("Library offline", "I", "operator"), 22: ("Library drive offline", "I", "operator"),
    23: ("Library scan retry", "W", "library"), 24: ("Library inventory", "C", "library"),
    25: ("Library illegal operation", "W", "operator"),
    26: ("Dual-port interface error", "W", "interface"),
    27: ("Cooling fan failure", "W", "library"), 28: ("Power supply", "W", "library"),
    29: ("Power consumption", "W", "library"),
    30: ("Pass-through mechanism failure", "C", "library"),
    31: ("Cartridge in pass-through mechanism", "W", "library"),
    32: ("Unreadable bar code labels", "I", "media"),
}
# sg_logs names that differ from DRIVE_FLAGS' (older sg3_utils; tapeinfo's own words)
OTHER_NAMES = {"Obsolete (28h)": 40, "Obsolete (29h)": 41, "Obsolete (2Ah)": 42,
               "Obsolete (2Bh)": 43, "Obsolete (2Ch)": 44, "Obsolete (2Dh)": 45,
               "Obsolete (2Eh)": 46, "Reserved (2Fh)": 47, "Reserved (30h)": 48,
               "Reserved (31h)": 49, "Recoverable snapped tape": 13,
               "Unrecoverable snapped tape": 14, "Download fail": 34}

GSTAT_BITS = ((0x80000000, "EOF"), (0x40000000, "BOT"), (0x20000000, "EOT"),
              (0x10000000, "SM"), (0x08000000, "EOD"), (0x04000000, "WR_PROT"),
              (0x01000000, "ONLINE"), (0x00800000, "D_6250"), (0x00400000, "D_1600"),
              (0x00200000, "D_800"), (0x00040000, "DR_OPEN"), (0x00010000, "IM_REP_EN"),
              (0x00008000, "CLN"))
# what the kernel (strerror, LC_ALL=C) says when the drive cannot be opened or asked
ERRORS = (("no medium found", "no_tape"), ("input/output error", "io_error"),
          ("device or resource busy", "busy"), ("no such device or address", "gone"),
          ("no such device", "gone"), ("no such file or directory", "no_node"),
          ("permission denied", "permission"), ("operation not permitted", "permission"),
          ("cannot open scsi device", "no_node"))


def _norm(name):
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


_BY_NAME = {_norm(name): number for number, (name, _c, _k) in DRIVE_FLAGS.items()}
_BY_NAME.update({_norm(name): number for name, number in OTHER_NAMES.items()})
_BY_NAME.update({_norm(f"Reserved ({number:02X}h)"): number for number in range(40, 65)
                 if number not in (47, 48, 49)})


def flag_number(name):
    """The drive TapeAlert flag a sg_logs line names ("Cleaning required", "Reserved
    parameter code 0x3d", "No string available for code 0x14", "Flag 0x14"), or None."""
    text = str(name).strip()
    match = re.search(r"(?:parameter code|code|flag)\s+(0x[0-9a-fA-F]+|\d+)\s*$", text,
                      re.IGNORECASE)
    if match:
        token = match.group(1)
        return int(token, 16) if token.lower().startswith("0x") else int(token)
    return _BY_NAME.get(_norm(text))


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _int(text):
    match = re.match(r"\s*(-?0x[0-9a-fA-F]+|-?\d+)", str(text or ""))
    if not match:
        return None
    token = match.group(1)
    return int(token, 16) if "x" in token.lower() else int(token)


def _quoted(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    return " ".join(value.split())


def device_of(command):
    """The device a saved command names (``mt -f /dev/nst0 status`` -> /dev/nst0), or ""."""
    match = re.search(r"(/dev/\S+)", str(command or ""))
    return match.group(1).rstrip(";") if match else ""


def error_of(text):
    """(kind, the line) of an error the kernel or the tool printed, or None."""
    for line in str(text or "").splitlines():
        low = line.lower()
        for words, kind in ERRORS:
            if words in low:
                return kind, line.strip()
    return None


def _message_text(message):
    """The words inside a failure's message (a tool's output quoted in it), for error_of."""
    if isinstance(message, str):
        return message
    if is_message(message):
        return " ".join(_message_text(v) for v in message.get("params", {}).values())
    if isinstance(message, (list, tuple)):
        return " ".join(_message_text(v) for v in message)
    return str(message) if isinstance(message, (int, float)) else ""


# --------------------------------------------------------------------------- mt


def _mt_record(device):
    return {"device": device, "format": "", "state": "unknown", "bits": [], "gstat": None,
            "file": None, "block": None, "partition": None, "block_size": None,
            "density": None, "density_name": "", "soft_errors": None, "cleaning": False,
            "write_protected": False, "problem": None, "detail": ""}


def parse_mt(text, device=""):
    record = _mt_record(device)
    lines = str(text).splitlines()
    in_bits = False
    for line in lines:
        stripped = line.strip()
        if in_bits:
            in_bits = False
            if stripped and all(re.match(r"^[A-Z_0-9]+$", w) for w in stripped.split()):
                record["bits"] = stripped.split()
                continue
        if re.match(r"^(SCSI \d|OnStream .*) tape drive:$", stripped) \
                or stripped.startswith(("qic-117 drive type", "IDE-Tape", "Unknown tape drive")):
            record["format"] = "mt-st"
            continue
        match = re.match(r"^File number=(-?\d+), block number=(-?\d+)(?:, partition=(\d+))?",
                         stripped)
        if match:
            record["format"] = record["format"] or "mt-st"
            record["file"], record["block"] = int(match.group(1)), int(match.group(2))
            record["partition"] = _int(match.group(3))
            continue
        match = re.match(r"^Tape block size (\d+) bytes\. Density code (0x[0-9a-fA-F]+)"
                         r"(?: \((.*)\))?", stripped)
        if match:
            record["block_size"] = int(match.group(1))
            record["density"] = int(match.group(2), 16)
            record["density_name"] = match.group(3) or ""
            continue
        match = re.match(r"^Soft error count since last status=(\d+)", stripped)
        if match:
            record["soft_errors"] = int(match.group(1))
            continue
        match = re.match(r"^General status bits on \(([0-9a-fA-F]+)\):\s*(.*)$", stripped)
        if match:
            record["format"] = record["format"] or "mt-st"
            record["gstat"] = int(match.group(1), 16)
            if match.group(2):
                record["bits"] = match.group(2).split()
            else:
                in_bits = True
            continue
        match = re.match(r"^(drive type|drive status|sense key error|residue count|"
                         r"file number|block number)\s*=\s*(-?\d+)$", stripped)
        if match:
            record["format"] = "gnu"
            value = int(match.group(2))
            if match.group(1) == "file number":
                record["file"] = value
            elif match.group(1) == "block number":
                record["block"] = value
            elif match.group(1) == "drive status":
                dsreg = value & 0xFFFFFFFF
                record["density"] = dsreg >> 24
                record["block_size"] = dsreg & 0xFFFFFF
            continue
    problem = error_of(text)
    if not record["format"]:
        if problem:
            return _mt_problem(record, problem)
        raise ParseError("tape.reason.not_mt", text=_head(" ".join(lines[:3])))
    if record["gstat"] is not None:
        record["bits"] = [name for bit, name in GSTAT_BITS if record["gstat"] & bit] \
            or record["bits"]
    bits = set(record["bits"])
    record["cleaning"] = "CLN" in bits
    record["write_protected"] = "WR_PROT" in bits
    if record["format"] == "gnu":
        record["state"] = "unknown"  # GNU mt prints no status bits
    elif "DR_OPEN" in bits:
        record["state"] = "no_tape"
    elif "ONLINE" in bits:
        record["state"] = "online"
    elif record["gstat"] is not None or bits:
        record["state"] = "not_ready"
    return record


def _mt_problem(record, problem):
    kind, line = problem
    if kind == "no_tape":
        record["state"] = "no_tape"
        record["format"] = "error"
        record["problem"] = None
        record["detail"] = line
        return record
    record["format"] = "error"
    record["problem"] = {"kind": kind, "detail": line}
    return record


# --------------------------------------------------------------------------- mtx

ALERT = re.compile(r"^TapeAlert\[(0x[0-9a-fA-F]+|\d+)\]:\s*(.*)$")


def _mtx_fields(text, tool):
    fields, alerts = {}, []
    for line in str(text).splitlines():
        stripped = line.strip()
        match = ALERT.match(stripped)
        if match:
            token = match.group(1)
            number = int(token, 16) if token.lower().startswith("0x") else int(token)
            alerts.append({"number": number, "text": " ".join(match.group(2).split())})
            continue
        key, sep, value = stripped.partition(":")
        if sep and key and key not in fields:
            fields[key.strip()] = value.strip()
    if "Product Type" not in fields:
        problem = error_of(text)
        if problem:
            return None, problem
        raise ParseError("tape.reason.not_mtx", tool=tool,
                         text=_head(" ".join(str(text).splitlines()[:3])))
    return (fields, alerts), None


def _yes(value):
    if value is None:
        return None
    return str(value).strip().lower() in ("yes", "y", "1", "true")


def parse_tapeinfo(text, device=""):
    found, problem = _mtx_fields(text, "tapeinfo")
    if problem:
        return {"device": device, "problem": {"kind": problem[0], "detail": problem[1]}}
    fields, alerts = found
    medium = fields.get("Medium Type")
    return {"device": device, "problem": None,
            "product_type": fields.get("Product Type", ""),
            "vendor": _quoted(fields.get("Vendor ID", "")),
            "product": _quoted(fields.get("Product ID", "")),
            "revision": _quoted(fields.get("Revision", "")),
            "serial": _quoted(fields.get("SerialNumber", "")),
            "ready": _yes(fields.get("Ready")),
            "medium": None if medium is None else medium != "Not Loaded",
            "medium_type": medium or "",
            "density": fields.get("Density Code", ""),
            "write_protected": _yes(fields.get("WriteProtect")) or False,
            "alerts": alerts}


def parse_loaderinfo(text, device=""):
    found, problem = _mtx_fields(text, "loaderinfo")
    if problem:
        return {"device": device, "problem": {"kind": problem[0], "detail": problem[1]}}
    fields, alerts = found

    def number(*names):
        for name in names:
            if name in fields:
                return _int(fields[name])
        return None

    return {"device": device, "problem": None,
            "product_type": fields.get("Product Type", ""),
            "vendor": _quoted(fields.get("Vendor ID", "")),
            "product": _quoted(fields.get("Product ID", "")),
            "revision": _quoted(fields.get("Revision", "")),
            "eaap": _yes(fields.get("EAAP")),
            "ready": _yes(fields.get("Ready")),
            "transports": number("Number of Medium Transport Elements"),
            "slots": number("Number of Storage Elements"),
            "mailslots": number("Number of Import/Export Elements",
                                "Number of Import/Export Element Elements"),
            "drives": number("Number of Data Transfer Elements"),
            "alerts": alerts}


# --------------------------------------------------------------------------- sg_logs

TA_HEADER = re.compile(r"^#?\s*(?:Tape\s*alert page|TapeAlert log page)\s*\((\w+-\d+)\)\s*"
                       r"\[0x2e\]", re.IGNORECASE)
TA_LINE = re.compile(r"^(?:>>>>\s*)?(.+?)(?::|,)\s*(?:flag:\s*)?([01])\s*$")


def parse_tapealert(text, device=""):
    lines = str(text).splitlines()
    record = {"device": device, "inquiry": "", "standard": "", "flags": {}, "set": [],
              "undecoded": [], "parameters": 0}
    start = None
    for index, line in enumerate(lines):
        match = TA_HEADER.match(line.strip())
        if match:
            start = index
            record["standard"] = match.group(1).lower()
            break
        if line.startswith("    ") and line.strip() and not record["inquiry"]:
            record["inquiry"] = " ".join(line.split())
    if start is None:
        problem = error_of(text)
        if problem and not any("unable to decode" in ln.lower() for ln in lines):
            return {"device": device, "problem": {"kind": problem[0], "detail": problem[1]}}
        decode = [ln.strip() for ln in lines if "unable to decode" in ln.lower()]
        if decode:
            raise ParseError("tape.reason.undecoded_page", text=_head(decode[0]))
        raise ParseError("tape.reason.not_tapealert", text=_head(" ".join(lines[:3])))
    for line in lines[start + 1:]:
        stripped = line.strip()
        if not stripped:
            if record["flags"] or record["undecoded"]:
                break
            continue
        if TA_HEADER.match(stripped) or re.match(r"^\S.*\[0x[0-9a-f]+\]$", stripped):
            break
        if stripped.startswith("<"):  # -p -P: parameter control byte
            continue
        match = TA_LINE.match(stripped)
        if not match:
            raise ParseError("tape.reason.bad_tapealert_line", text=_head(stripped))
        name, value = match.group(1).strip(), int(match.group(2))
        record["parameters"] += 1
        number = flag_number(name)
        if number is None or not 0 < number <= 64:
            if value:
                record["undecoded"].append(name)
            continue
        record["flags"][number] = value
    if not record["flags"] and not record["undecoded"]:
        raise ParseError("tape.reason.no_flags", source="sg_logs -p 0x2e")
    record["set"] = sorted(n for n, v in record["flags"].items() if v)
    record["flags"] = {str(n): v for n, v in sorted(record["flags"].items())}
    return record


# --------------------------------------------------------------------------- lsscsi

LSSCSI = re.compile(r"^\[(\d+:\d+:\d+:\d+)\]\s+(\S+)\s+(.*)$")


def parse_lsscsi(text):
    devices, seen = [], False
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    generic = any(re.search(r"\s(/dev/sg\d+|-)\s*$", ln) for ln in lines) and \
        any(ln.split()[-1].startswith("/dev/sg") for ln in lines if LSSCSI.match(ln))
    for line in lines:
        match = LSSCSI.match(line.strip())
        if not match:
            continue
        seen = True
        kind = {"tape": "tape", "mediumx": "changer", "medium": "changer"}.get(
            match.group(2).lower())
        if kind is None:
            continue
        words = match.group(3).split()
        sg = words.pop() if generic and words else ""
        node = words.pop() if words else ""
        revision = words.pop() if len(words) > 2 else ""
        vendor = words[0] if words else ""
        model = " ".join(words[1:])
        st = node if kind == "tape" and node.startswith("/dev/") else ""
        devices.append({"kind": kind, "hcil": match.group(1), "vendor": vendor,
                        "model": model, "revision": revision, "st": st,
                        "node": "" if node == "-" else node,
                        "sg": "" if sg in ("-", "") else sg})
    if not seen:
        problem = error_of(text)
        if lines and not problem:
            raise ParseError("tape.reason.not_lsscsi", text=_head(" ".join(lines[:3])))
    return {"devices": devices, "generic": generic}


# --------------------------------------------------------------------------- sources

PARSERS = {"mt_status": parse_mt, "tapeinfo": parse_tapeinfo,
           "loaderinfo": parse_loaderinfo, "tapealert": parse_tapealert}


def _failure(value, device):
    """A collector's failure for one device (or all), kept with its cause."""
    error = value.get("error")
    if not is_message(error):
        error = msg("reason.text", text=_head(_message_text(error) or "?"))
    return {"error": error, "cause": value.get("cause") or "source_unreadable",
            "device": device}


def _one(key, value, device):
    if isinstance(value, dict):
        if "error" not in value:
            return {"error": msg("tape.reason.bad_value", source=NAMES[key]),
                    "cause": "not_understood", "device": device}
        # mt's own words quoted in the failure (GNU mt exits 2 on "No medium found") are
        # read like the same words in saved output
        problem = error_of(_message_text(value.get("error")))
        if key == "mt_status" and problem and value.get("cause") != "tool_missing":
            return _mt_problem(_mt_record(device), problem)
        return _failure(value, device)
    if value is None or not str(value).strip():
        return {"error": msg("reason.empty", source=NAMES[key]), "cause": "not_understood",
                "device": device}
    try:
        return PARSERS[key](value, device)
    except ParseError as exc:
        return {"error": exc.message, "cause": "not_understood", "device": device}


def parse_sources(raw, context=None):
    """The raw outputs of the tape area -> the data its rules judge (see the module's doc).

    ``raw``: ``devices`` (the collector's sysfs list), ``lsscsi`` (text), and per device
    ``mt_status``, ``tapeinfo``, ``loaderinfo``, ``tapealert`` ({device: text or failure},
    or a failure for all when the tool is missing). A saved output (``weibao judge``) is one
    text; its device comes from ``context["command"]``."""
    context = context or {}
    devices = raw.get("devices")
    data = {"devices": list(devices) if isinstance(devices, list) else None,
            "lsscsi": None}
    value = raw.get("lsscsi")
    if value is not None:
        if isinstance(value, dict):
            data["lsscsi"] = _failure(value, "") if "error" in value else \
                {"error": msg("tape.reason.bad_value", source=NAMES["lsscsi"]),
                 "cause": "not_understood", "device": ""}
        elif not str(value).strip():
            data["lsscsi"] = {"devices": [], "generic": False}
        else:
            try:
                data["lsscsi"] = parse_lsscsi(value)
            except ParseError as exc:
                data["lsscsi"] = {"error": exc.message, "cause": "not_understood",
                                  "device": ""}
    for key in PER_DEVICE:
        value = raw.get(key)
        if value is None:
            data[key] = None
        elif isinstance(value, dict) and "error" in value:
            data[key] = _failure(value, "")
        elif isinstance(value, dict):
            data[key] = {str(dev): _one(key, text, str(dev)) for dev, text in value.items()}
        else:
            device = device_of(context.get("command"))
            data[key] = {device: _one(key, value, device)}
    return data
