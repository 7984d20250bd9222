# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for a host's disks as smartctl reports them (the ``storage`` area).

Formats (smartmontools' own printers: ataprint.cpp, scsiprint.cpp, nvmeprint.cpp,
smartctl.cpp; JSON from 7.0 on, ``json_format_version`` [1, 0]):

- ``smartctl -a --json DEV`` (``-x -j``, ``-a -j``, with ``-d megaraid,N``, ``-d cciss,N``,
  ``-d sat``): ``smartctl.exit_status`` and ``smartctl.messages``, ``device``,
  ``smart_support``, ``smart_status.passed``, ``ata_smart_attributes.table``,
  ``scsi_grown_defect_list``, ``scsi_error_counter_log``,
  ``nvme_smart_health_information_log``;
- ``smartctl -a DEV`` (``-x``; smartmontools 5.4x-7.x): "SMART overall-health self-
  assessment test result: PASSED" (ATA, NVMe), "SMART Health Status: OK" (SCSI), the ATA
  attribute table in its ``-a`` (FLAG ... TYPE UPDATED WHEN_FAILED RAW_VALUE) and ``-x``
  (FLAGS ... FAIL RAW_VALUE) layouts, "Elements in grown defect list", the "Error counter
  log" table, the NVMe "SMART/Health Information" block. The text carries no exit status.

A disk is ``{"device", "protocol" (ata, scsi, nvme or ""), "model", "serial",
"exit_status" (None from text), "problem" (None, or {"kind": open_failed | usb_bridge |
unavailable | disabled | error, "detail"}), "health" (True passed, False failed, None not
said), "ata": {counter: value}, "scsi": {...}, "nvme": {...}, "format": json | text}``.
"""

from __future__ import annotations

import json
import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError  # noqa: F401

SOURCES = (("smartctl_json", "smartctl --json"), ("smartctl", "smartctl"))
# ATA attributes by id, with the names vendors give them (smartmontools' drivedb)
ATA_COUNTERS = {5: "reallocated", 197: "pending", 198: "offline_uncorrectable", 199: "crc"}
ATA_NAMES = {"reallocated_sector_ct": "reallocated", "current_pending_sector": "pending",
             "offline_uncorrectable": "offline_uncorrectable",
             "udma_crc_error_count": "crc", "crc_error_count": "crc"}


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = re.match(r"\s*(0x[0-9a-fA-F]+|[\d,]+)", str(value or ""))
    if not match:
        return None
    token = match.group(1).replace(",", "")
    return int(token, 16) if token.lower().startswith("0x") else int(token)


def _disk(device="", fmt="json"):
    return {"device": device, "protocol": "", "model": "", "serial": "", "exit_status": None,
            "problem": None, "health": None, "ata": {}, "scsi": {}, "nvme": {},
            "format": fmt, "messages": [], "attributes": 0}


def _problem_of(text):
    """(kind, detail) of a smartctl message that means the disk cannot be judged."""
    line = " ".join(str(text).split())
    low = line.lower()
    if "unknown usb bridge" in low:
        match = re.search(r"\[([^\]]*)\]", line)
        return "usb_bridge", match.group(1) if match else line
    if "open device" in low and "failed" in low or "no such device" in low \
            or "permission denied" in low or "cannot open" in low:
        return "open_failed", line
    if re.search(r"smart support is:\s*unavailable", low) or "lacks smart capability" in low \
            or "device does not support smart" in low:
        return "unavailable", line
    if re.search(r"smart support is:\s*disabled", low) or "smart disabled" in low:
        return "disabled", line
    if "unable to detect device type" in low or "read device identity failed" in low \
            or "mandatory smart command failed" in low:
        return "error", line
    return None


def device_of(command):
    """The device a command names (``/dev/sda``, ``/dev/sda [megaraid,0]``), or ""."""
    command = str(command or "")
    dev = re.search(r"(/dev/\S+)", command)
    kind = re.search(r"(?:-d|--device)[=\s]+(\S+)", command)
    if not dev:
        return ""
    if kind and kind.group(1) not in ("auto", "test"):
        return f"{dev.group(1)} [{kind.group(1)}]"
    return dev.group(1)


# --------------------------------------------------------------------------- JSON


def parse_json(text, device=""):
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ParseError("storage.reason.bad_json", source="smartctl --json",
                         detail=_head(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("smartctl"), dict):
        raise ParseError("storage.reason.not_smartctl", source="smartctl --json",
                         text=_head(text))
    tool = doc["smartctl"]
    dev = doc.get("device") or {}
    name = device or dev.get("info_name") or dev.get("name") or ""
    disk = _disk(name, "json")
    disk["exit_status"] = _int(tool.get("exit_status"))
    disk["protocol"] = str(dev.get("protocol") or "").lower()
    disk["model"] = doc.get("model_name") or doc.get("scsi_model_name") or \
        " ".join(x for x in (doc.get("scsi_vendor"), doc.get("scsi_product")) if x) or ""
    disk["serial"] = str(doc.get("serial_number") or "")
    messages = [m.get("string", "") for m in tool.get("messages") or [] if isinstance(m, dict)]
    disk["messages"] = messages
    for text_ in messages:
        found = _problem_of(text_)
        if found:
            disk["problem"] = {"kind": found[0], "detail": found[1]}
            break
    support = doc.get("smart_support")
    if disk["problem"] is None and isinstance(support, dict):
        if support.get("available") is False:
            disk["problem"] = {"kind": "unavailable", "detail": "smart_support.available false"}
        elif support.get("enabled") is False:
            disk["problem"] = {"kind": "disabled", "detail": "smart_support.enabled false"}
    status = doc.get("smart_status")
    if isinstance(status, dict) and isinstance(status.get("passed"), bool):
        disk["health"] = status["passed"]
    for attr in (doc.get("ata_smart_attributes") or {}).get("table") or []:
        disk["attributes"] += 1
        which = ATA_COUNTERS.get(attr.get("id")) or \
            ATA_NAMES.get(str(attr.get("name", "")).lower())
        raw = (attr.get("raw") or {})
        # the raw value as smartctl prints it (raw.string): some firmware packs other words
        # above the count in the 48-bit raw.value ("0 (Average 0)", "12 (0 2 0 10)")
        value = _int(raw.get("string")) if "string" in raw else _int(raw.get("value"))
        if which and value is not None:
            disk["ata"][which] = value
    if "scsi_grown_defect_list" in doc:
        disk["scsi"]["grown_defects"] = _int(doc["scsi_grown_defect_list"])
    for op in ("read", "write", "verify"):
        entry = (doc.get("scsi_error_counter_log") or {}).get(op)
        if isinstance(entry, dict) and "total_uncorrected_errors" in entry:
            disk["scsi"][f"{op}_uncorrected"] = _int(entry["total_uncorrected_errors"])
    log = doc.get("nvme_smart_health_information_log")
    if isinstance(log, dict):
        for key, name_ in (("critical_warning", "critical_warning"),
                           ("available_spare", "available_spare"),
                           ("available_spare_threshold", "spare_threshold"),
                           ("percentage_used", "percentage_used"),
                           ("media_errors", "media_errors")):
            if key in log:
                disk["nvme"][name_] = _int(log[key])
    if not disk["protocol"]:
        disk["protocol"] = "nvme" if disk["nvme"] else "scsi" if disk["scsi"] else \
            "ata" if disk["ata"] else ""
    if disk["problem"] is None and disk["exit_status"] is not None \
            and disk["exit_status"] & 0x03 and disk["health"] is None:
        errors = [m.get("string", "") for m in tool.get("messages") or []
                  if isinstance(m, dict) and m.get("severity") == "error"]
        disk["problem"] = {"kind": "error", "detail": errors[0] if errors else
                           f"exit status {disk['exit_status']}: the device did not open or "
                           "did not answer IDENTIFY"}
    return disk


# --------------------------------------------------------------------------- text

HEALTH_ATA = re.compile(r"SMART overall-health self-assessment test result:\s*(\S+)")
HEALTH_SCSI = re.compile(r"SMART Health Status:\s*(.+)")
ATTR_A = re.compile(r"^\s*(\d{1,3})\s+(\S+)\s+0x[0-9a-fA-F]{4}\s+\d+\s+\d+\s+\S+\s+\S+\s+\S+"
                    r"\s+\S+\s+(\d+)")
ATTR_X = re.compile(r"^\s*(\d{1,3})\s+(\S+)\s+[-A-Z]{6}\s+\d+\s+\d+\s+\S+\s+\S+\s+(\d+)")
NVME_FIELDS = {"critical warning": "critical_warning", "available spare": "available_spare",
               "available spare threshold": "spare_threshold",
               "percentage used": "percentage_used",
               "media and data integrity errors": "media_errors"}


def parse_text(text, device=""):
    lines = str(text).splitlines()
    if not any(line.startswith("smartctl ") for line in lines[:5]) \
            and not any("=== START OF" in line or "Smartctl open device" in line
                        for line in lines):
        raise ParseError("storage.reason.not_smartctl", source="smartctl",
                         text=_head(" ".join(lines[:3])))
    disk = _disk(device, "text")
    in_errors = False
    for line in lines:
        stripped = line.strip()
        key, sep, value = stripped.partition(":")
        key, value = key.strip(), value.strip()
        found = _problem_of(stripped)
        if found and disk["problem"] is None:
            disk["problem"] = {"kind": found[0], "detail": found[1]}
        if sep and key in ("Device Model", "Model Number", "Product"):
            disk["model"] = value
        elif sep and key == "Serial Number" or key == "Serial number":
            disk["serial"] = value
        elif sep and key == "Transport protocol" and "SAS" in value:
            disk["protocol"] = "scsi"
        match = HEALTH_ATA.search(stripped)
        if match:
            disk["health"] = match.group(1).upper().startswith("PASSED")
            continue
        match = HEALTH_SCSI.match(stripped)
        if match:
            disk["health"] = match.group(1).strip().upper() == "OK"
            disk["protocol"] = disk["protocol"] or "scsi"
            continue
        match = ATTR_A.match(line) or ATTR_X.match(line)
        if match:
            disk["attributes"] += 1
            which = ATA_COUNTERS.get(int(match.group(1))) or \
                ATA_NAMES.get(match.group(2).lower())
            if which:
                disk["ata"][which] = int(match.group(3))
            disk["protocol"] = disk["protocol"] or "ata"
            continue
        if stripped.startswith("Elements in grown defect list:"):
            disk["scsi"]["grown_defects"] = _int(value)
            disk["protocol"] = disk["protocol"] or "scsi"
            continue
        if stripped.startswith("Error counter log:"):
            in_errors = True
            continue
        if in_errors:
            op = re.match(r"(read|write|verify):\s+(.*)$", stripped)
            if op:
                fields = op.group(2).split()
                if fields:
                    disk["scsi"][f"{op.group(1)}_uncorrected"] = _int(fields[-1])
                continue
            if not stripped:
                in_errors = False
        if sep and key.lower() in NVME_FIELDS and "SMART/Health" not in stripped:
            number = _int(value)
            if number is not None:
                disk["nvme"][NVME_FIELDS[key.lower()]] = number
                disk["protocol"] = "nvme"
    if disk["protocol"] != "nvme":
        disk["nvme"] = {}
    return disk


# --------------------------------------------------------------------------- sources


def _one(text, parser, device):
    fmt = "json" if parser is parse_json else "text"
    if isinstance(text, dict):
        return {"failure": text.get("message") or msg("reason.text", text=text.get("error")),
                "cause": text.get("cause") or "source_unreadable", "device": device,
                "format": fmt}
    if text is None or not str(text).strip():
        return {"failure": msg("reason.empty", source="smartctl"), "cause": "not_understood",
                "device": device, "format": fmt}
    try:
        return parser(text, device)
    except ParseError as exc:
        return {"failure": exc.message, "cause": "not_understood", "device": device,
                "format": fmt}


def parse_sources(raw, context=None):
    """The raw outputs of the storage area -> the data its rules judge.

    ``raw`` keys: ``smartctl_json`` and ``smartctl``, each one disk's output (text, or
    ``{"error": ..., "cause": ...}``), or ``{device: output}`` for several disks. A saved
    output names its device through ``context["command"]`` (``weibao judge``).

    Data: ``disks``: a list of disks (see the module's doc) and failures ``{"failure":
    message, "cause", "device"}``.
    """
    context = context or {}
    disks = []
    for key, _name in SOURCES:
        if key not in raw:
            continue
        parser = parse_json if key == "smartctl_json" else parse_text
        value = raw[key]
        if isinstance(value, dict) and "error" not in value:
            for device in sorted(value):
                disks.append(_one(value[device], parser, device))
        else:
            disks.append(_one(value, parser, device_of(context.get("command"))))
    return {"disks": disks}
