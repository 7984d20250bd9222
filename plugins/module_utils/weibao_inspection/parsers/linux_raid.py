# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for hardware RAID controllers (the ``raid`` area): :func:`parse_sources`
here, one module per tool family beside it (raid_storcli.py, raid_megacli.py,
raid_ssacli.py, raid_arcconf.py; raid_common.py for what they share).

Formats (each tool's own output, LC_ALL=C):

- Broadcom/LSI ``storcli``/``perccli`` (1.x and 007.x) with ``J``: ``{"Controllers": [
  {"Command Status": {"Status": "Success"|"Failure", "Description", "Controller"},
  "Response Data": {...}}]}``. ``/call show all``: "Basics" (Model, Serial Number), "Status"
  ("Controller Status", "Memory Uncorrectable Errors", "Any Offline VD Cache Preserved",
  "Controller has booted into safe mode"), "HwCfg" ("On Board Memory Size", "Current Size of
  FW Cache (MB)"), "VD LIST" (State Optl/Dgrd/Pdgd/OfLn/Rec, Cache RWBD/NRWTD...), "PD LIST"
  (State Onln/Offln/Rbld/UGood/UBad/GHS/DHS/Failed/Msng...), "BBU_Info"/"Cachevault_Info".
  ``/call/eall/sall show all``: "Drive /c0/e252/s0" and "Drive /c0/e252/s0 - Detailed
  Information" ("Media Error Count", "Predictive Failure Count", "S.M.A.R.T alert flagged
  by drive", "SN"). ``/call/bbu show all`` and ``/call/cv show all``: "BBU_Info",
  "BBU_Firmware_Status", "Cachevault_Info", "Firmware_Status" as rows or Property/Value
  lists. ``/call/vall show all``: "/c0/v0" (the VD row, "Cache" its current policy) and "VD0
  Properties" ("Write Cache(initial setting)": WriteBack/WriteThrough/AlwaysWriteBack, the
  configured policy). "No Controller found" is no controller; another failure says why.
- ``MegaCli`` 8.x text: ``-AdpAllInfo`` ("Adapter #0", "Product Name", "Serial No", "Memory
  Size", "Memory Uncorrectable Errors", "Any Offline VD Cache Preserved"), ``-LDInfo``
  ("Adapter 0 -- Virtual Drive Information:", "Virtual Drive: 0", "RAID Level", "State",
  "Default/Current Cache Policy"), ``-PDList`` ("Adapter #0", "Enclosure Device ID", "Slot
  Number", "Firmware state", "Media Error Count", "Predictive Failure Count", "Drive has
  flagged a S.M.A.R.T alert", "Inquiry Data"), ``-AdpBbuCmd -GetBbuStatus`` ("BBU status for
  Adapter: 0", "BatteryType", "Battery State", "Learn Cycle Active", "Battery Replacement
  required", "Battery Pack Missing", "Remaining Capacity Low"; "Get BBU Status Failed" with
  "hardware component is not present": no BBU).
- HPE ``ssacli``/``hpssacli``/``hpacucli`` ``ctrl all show config detail`` and ``ctrl all
  show status``: a controller line ("Smart Array P420i in Slot 0 (Embedded)"), "Controller
  Status", "Cache Status" (+ "Cache Status Details"), "Battery/Capacitor Status" (old:
  "Battery Status"), "Total Cache Size" (GB, or "256 MB"), "Total Cache Memory Available",
  "Cache Ratio"/"Accelerator Ratio", "Logical Drive: 1" (Status OK / Interim Recovery Mode /
  Recovering, N% complete / Failed, Caching), "physicaldrive 1I:1:1" (Status OK / Failed /
  Predictive Failure / Rebuilding, Serial Number, Model).
- Adaptec/Microchip ``arcconf GETCONFIG <n> AL`` (Adaptec 5/6/7/8 series, SmartRAID 3100):
  "Controller Status", "Controller Model", "Installed memory"/"Cache memory", "Controller
  Battery Information"/"Controller ZMM Information"/"Green Backup Information" status,
  "Logical device number N" (Status of logical device, RAID level, Write-cache setting/mode/
  status, Caching), "Device #N" physical devices (State, Serial number, Model, S.M.A.R.T.
  warnings).

Data: ``{"present": [sysfs controllers] or None, "controllers": [controller], "failures":
[{"family", "source", "error", "cause"}], "read": [keys parsed]}`` where a controller is
``{"family", "id", "label", "model", "serial", "status", "memory_uncorrectable",
"safe_mode", "preserved_cache", "logical" (list or None: not read), "physical" (list or
None), "battery" (dict or None), "cache" ({size_mb, available_mb, ratio, status, details})}``.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.raid_arcconf import parse_arcconf
from ansible.module_utils.weibao_inspection.parsers.raid_common import FAMILY_OF, SOURCE_NAME
from ansible.module_utils.weibao_inspection.parsers.raid_megacli import (
    parse_megacli_adp,
    parse_megacli_bbu,
    parse_megacli_ld,
    parse_megacli_pd,
)
from ansible.module_utils.weibao_inspection.parsers.raid_ssacli import parse_ssacli
from ansible.module_utils.weibao_inspection.parsers.raid_storcli import (
    parse_storcli,
    parse_storcli_module,
    parse_storcli_pd,
    parse_storcli_vd,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

# --------------------------------------------------------------------------- sources

PARSERS = (
    ("storcli", lambda t, c: parse_storcli(t, c, "storcli")),
    ("storcli_vd", parse_storcli_vd),  # after storcli: merged into its VDs
    ("storcli_pd", parse_storcli_pd),
    ("storcli_bbu", lambda t, c: parse_storcli_module(t, c, "storcli_bbu")),
    ("storcli_cv", lambda t, c: parse_storcli_module(t, c, "storcli_cv")),
    ("megacli_adp", parse_megacli_adp),
    ("megacli_ld", parse_megacli_ld),
    ("megacli_pd", parse_megacli_pd),
    ("megacli_bbu", parse_megacli_bbu),
    ("ssacli", lambda t, c: parse_ssacli(t, c, "ssacli")),
    ("ssacli_status", lambda t, c: parse_ssacli(t, c, "ssacli_status")),
)


def _failure(key, value, cause="source_unreadable"):
    if isinstance(value, ParseError):
        return {"family": FAMILY_OF[key], "source": key, "error": value.message,
                "cause": "not_understood"}
    error = value.get("error")
    if not isinstance(error, dict):
        error = msg("reason.text", text=str(error))
    return {"family": FAMILY_OF[key], "source": key, "error": error,
            "cause": value.get("cause") or cause}


def _one(key, value, parser, by_family, failures, read):
    family = FAMILY_OF[key]
    found = by_family.setdefault(family, {})
    if isinstance(value, dict) and "error" in value:
        failures.append(_failure(key, value))
        return
    if value is None or not str(value).strip():
        failures.append({"family": family, "source": key,
                         "error": msg("reason.empty", source=SOURCE_NAME[key]),
                         "cause": "not_understood"})
        return
    scratch = {k: v for k, v in found.items()}
    try:
        parser(str(value), scratch)
    except ParseError as exc:
        failures.append(_failure(key, exc))
        return
    found.clear()
    found.update(scratch)
    read.append(key)


def parse_sources(raw, context=None):
    """The raw outputs of the raid area -> the data its rules judge (see the module's doc).

    ``raw`` keys: ``controllers`` (sysfs), ``storcli``, ``storcli_pd``, ``storcli_bbu``,
    ``storcli_cv``, ``storcli_vd``, ``megacli_adp``, ``megacli_ld``, ``megacli_pd``,
    ``megacli_bbu``,
    ``ssacli``, ``ssacli_status`` (text, or a failure) and ``arcconf`` ({number: text}, or
    one text when judged, or a failure)."""
    present = raw.get("controllers")
    by_family, failures, read = {}, [], []
    for key, parser in PARSERS:
        if key in raw:
            _one(key, raw[key], parser, by_family, failures, read)
    if "arcconf" in raw:
        value = raw["arcconf"]
        found = by_family.setdefault("arcconf", {})
        if isinstance(value, dict) and "error" not in value:
            for number in sorted(value, key=lambda n: (len(str(n)), str(n))):
                text = value[number]
                if isinstance(text, dict) and "error" in text:
                    failures.append(_failure("arcconf", text))
                    continue
                _one("arcconf", text, lambda t, c, n=number: parse_arcconf(t, c, n),
                     by_family, failures, read)
        else:
            _one("arcconf", value, parse_arcconf, by_family, failures, read)
        del found
    controllers = []
    for family in ("storcli", "megacli", "ssacli", "arcconf"):
        found = by_family.get(family) or {}
        controllers.extend(found[k] for k in sorted(found, key=lambda k: (len(k), k)))
    return {"present": list(present) if isinstance(present, list) else None,
            "controllers": controllers, "failures": failures,
            "read": sorted(set(read))}
