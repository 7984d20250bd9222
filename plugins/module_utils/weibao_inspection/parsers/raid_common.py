# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the raid area's parsers share (parsers/linux_raid.py and its per-tool modules
raid_storcli.py, raid_megacli.py, raid_ssacli.py, raid_arcconf.py): the sources' names, the
shapes of a controller, a logical drive, a physical drive and a battery, and small readers.
Python 3.8-compatible (ships to managed hosts)."""

from __future__ import annotations

import re

FAMILY_OF = {"storcli": "storcli", "storcli_pd": "storcli", "storcli_bbu": "storcli",
             "storcli_cv": "storcli", "storcli_vd": "storcli", "megacli_adp": "megacli",
             "megacli_ld": "megacli",
             "megacli_pd": "megacli", "megacli_bbu": "megacli", "ssacli": "ssacli",
             "ssacli_status": "ssacli", "arcconf": "arcconf"}
SOURCE_NAME = {"storcli": "storcli /call show all J", "storcli_pd":
               "storcli /call/eall/sall show all J", "storcli_bbu": "storcli /call/bbu show all J",
               "storcli_cv": "storcli /call/cv show all J",
               "storcli_vd": "storcli /call/vall show all J",
               "megacli_adp": "MegaCli -AdpAllInfo",
               "megacli_ld": "MegaCli -LDInfo", "megacli_pd": "MegaCli -PDList",
               "megacli_bbu": "MegaCli -AdpBbuCmd -GetBbuStatus",
               "ssacli": "ssacli ctrl all show config detail",
               "ssacli_status": "ssacli ctrl all show status", "arcconf": "arcconf GETCONFIG"}


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _int(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    match = re.match(r"\s*(\d+)", str(value))
    return int(match.group(1)) if match else None


def _yes(value):
    text = str(value or "").strip().lower()
    if text in ("yes", "true", "1", "on"):
        return True
    if text in ("no", "false", "0", "off", "none", "n/a", "na", ""):
        return False
    return None


def _size_mb(text, default_unit="MB"):
    """'2048MB', '1.0' (GB for ssacli), '512 MB', '8.000 GB' -> megabytes, or None."""
    match = re.match(r"\s*([\d.]+)\s*([KMGT]i?B)?", str(text or ""), re.IGNORECASE)
    if not match:
        return None
    try:
        number = float(match.group(1))
    except ValueError:
        return None
    unit = (match.group(2) or default_unit).upper().replace("I", "")
    factor = {"KB": 1.0 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}.get(unit, 1)
    return int(round(number * factor))


def _controller(family, ident, label):
    return {"family": family, "id": str(ident), "label": label, "model": "", "serial": "",
            "status": None, "memory_uncorrectable": None, "safe_mode": None,
            "preserved_cache": None, "logical": None, "physical": None, "battery": None,
            "cache": {"size_mb": None, "available_mb": None, "ratio": "", "status": None,
                      "details": ""}}


def _ld(name, raid, state, progress=None, configured=None, current=None, group=None):
    return {"name": name, "raid": raid or "", "state": state or "", "progress": progress,
            "cache_configured": configured, "cache_current": current, "group": group}


def _pd(name, state, serial="", model="", media=None, other=None, predictive=None,
        smart=None, group=None, progress=None):
    return {"name": name, "state": state or "", "serial": (serial or "").strip(),
            "model": " ".join(str(model or "").split()), "media_errors": media,
            "other_errors": other, "predictive": predictive, "smart_alert": smart,
            "group": group, "progress": progress}


def _battery(kind, state, replace=None, missing=None, capacity_low=None, learning=None,
             about_to_fail=None, present=True):
    return {"present": present, "kind": kind, "state": (state or "").strip(),
            "replace": replace, "missing": missing, "capacity_low": capacity_low,
            "learning": learning, "about_to_fail": about_to_fail, "full_mah": None,
            "design_mah": None}


def _progress(text):
    match = re.search(r"(\d+(?:\.\d+)?)\s*%", str(text or ""))
    return float(match.group(1)) if match else None


def _kv(line):
    key, sep, value = line.partition(":")
    if not sep:
        return None, None
    return " ".join(key.split()), value.strip()
