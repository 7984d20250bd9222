# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for a host's links and error counters (the ``links`` area).

Formats:

- ``fc_host``: ``grep -H .`` over ``/sys/class/fc_host/hostN/{port_state,speed,port_name}``
  and ``/sys/class/fc_host/hostN/statistics/*`` (``grep -r``/``-R`` of the directory too:
  deeper paths are left out). Names and values as drivers/scsi/scsi_transport_fc.c prints
  them (Documentation/ABI/testing/sysfs-class-fc_host): port_state ``Online``,
  ``Linkdown``, ``Offline``, ``Bypassed``, ``Blocked``, ``Error``, ``Loopback``,
  ``Diagnostics``, ``Marginal``, ``Unknown``, ``Not Present``, ``Deleted``; speed
  ``16 Gbit`` or ``unknown``; statistics ``0x%llx``, where ``0xffffffffffffffff`` (the
  driver's -1) means the driver does not count it: ``None``, never 0.
- ``sas_phy``: ``grep -H . /sys/class/sas_phy/*/*`` (scsi_transport_sas.c): the four link
  error counters in decimal, ``enable`` (1/0), ``negotiated_linkrate``, ``minimum_linkrate_hw``
  ... as ``12.0 Gbit``, ``Unknown``, ``Phy disabled``, ``Link Rate failed``, ``Spin-up hold``.
- ``ethtool``: ``ethtool -S IFACE`` per interface: ``NIC statistics:`` then ``name: value``;
  driver names mapped to canonical physical-layer counters (:func:`canonical`), all kept.
- ``rasmc_summary`` / ``rasmc_errors``: rasdaemon's ``ras-mc-ctl --summary`` and
  ``--errors`` (util/ras-mc-ctl.in): sections ``Memory controller events summary:``, ``PCIe
  AER events summary:``, ``MCE records summary:`` (and the other record kinds), ``No Memory
  errors.``; the event lists ``<id> <YYYY-mm-dd HH:MM:SS +zzzz> ...``.

Each key absent from ``raw`` is absent from the data (the hardware or tool is not there); a
raw failure ``{"error", "cause"}`` is kept; text not understood is a failure section with
cause ``not_understood``.
"""

from __future__ import annotations

import datetime
import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
    parse_source,
)

UNSUPPORTED = 0xFFFFFFFFFFFFFFFF
FC_SOURCE = "grep /sys/class/fc_host"
SAS_SOURCE = "grep /sys/class/sas_phy"
SAS_COUNTERS = ("invalid_dword_count", "running_disparity_error_count",
                "loss_of_dword_sync_count", "phy_reset_problem_count")
# canonical physical-layer counters of ethtool -S
CANONICAL = ("symbol_errors", "alignment_errors", "crc_errors", "carrier_errors",
             "length_errors")


def _head(text, limit=120):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _sysfs_lines(text, cls, source):
    """[(object, sub directory or "", attribute, value)] of ``grep -H`` lines."""
    pattern = re.compile(r"^/sys/class/" + cls + r"/([^/]+)/(?:(statistics)/)?([A-Za-z0-9_]+)"
                         r":(.*)$")
    out, seen = [], False
    for line in str(text).splitlines():
        if not line.strip():
            continue
        if not line.startswith("/sys/class/" + cls + "/"):
            raise ParseError("links.reason.bad_line", source=source, line=_head(line))
        seen = True
        match = pattern.match(line)
        if match:  # deeper paths (grep -R through device/, power/): not ours
            out.append((match.group(1), match.group(2) or "", match.group(3),
                        match.group(4).strip()))
    if not seen:
        raise ParseError("links.reason.no_sysfs_lines", source=source, cls=cls,
                         text=_head(text) or "-")
    return out


def _int(value):
    value = str(value).strip()
    try:
        return int(value, 16) if value.lower().startswith("0x") else int(value)
    except ValueError:
        return None


def parse_fc_host(text):
    """{"hosts": [{"host", "port_state", "speed", "port_name", "statistics": {name: int or
    None (not counted by the driver)}, "unsupported": [names]}]} in host order."""
    hosts = {}
    for host, sub, name, value in _sysfs_lines(text, "fc_host", FC_SOURCE):
        entry = hosts.setdefault(host, {"host": host, "port_state": None, "speed": None,
                                        "port_name": None, "statistics": {},
                                        "unsupported": []})
        if sub == "statistics":
            number = _int(value)
            if number is None:
                raise ParseError("reason.not_a_number", what=f"{host}/statistics/{name}",
                                 value=value)
            if number == UNSUPPORTED:
                entry["statistics"][name] = None
                entry["unsupported"].append(name)
            else:
                entry["statistics"][name] = number
        elif name in ("port_state", "speed", "port_name"):
            entry[name] = value
    return {"hosts": [hosts[h] for h in sorted(hosts, key=_natural)]}


def _natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def parse_sas_phy(text):
    """{"phys": [{"phy", "enable" (True, False, None), "negotiated_linkrate",
    "minimum_linkrate_hw", "maximum_linkrate_hw", "sas_address", "counters": {name: int}}]}."""
    phys = {}
    for phy, _sub, name, value in _sysfs_lines(text, "sas_phy", SAS_SOURCE):
        entry = phys.setdefault(phy, {"phy": phy, "enable": None, "negotiated_linkrate": None,
                                      "minimum_linkrate_hw": None, "maximum_linkrate_hw": None,
                                      "sas_address": None, "counters": {}})
        if name in SAS_COUNTERS:
            number = _int(value)
            if number is None:
                raise ParseError("reason.not_a_number", what=f"{phy}/{name}", value=value)
            entry["counters"][name] = number
        elif name == "enable":
            entry["enable"] = {"1": True, "0": False}.get(value)
        elif name in ("negotiated_linkrate", "minimum_linkrate_hw", "maximum_linkrate_hw",
                      "sas_address"):
            entry[name] = value
    return {"phys": [phys[p] for p in sorted(phys, key=_natural)]}


# --------------------------------------------------------------------------- ethtool


def canonical(name):
    """The canonical physical-layer counter a driver's ethtool -S name stands for, or None.

    e1000e/igb ``rx_crc_errors`` ``rx_align_errors`` ``tx_carrier_errors``
    ``rx_long_length_errors``; ixgbe ``rx_crc_errors`` ``rx_length_errors``; i40e
    ``port.rx_crc_errors``; ice ``rx_crc_errors.nic``; bnxt_en ``rx_fcs_err_frames``
    ``rx_align_err_frames`` ``rx_length_err_frames``; mlx5 ``rx_crc_errors_phy``
    ``rx_symbol_err_phy`` ``rx_in_range_len_errors_phy``; tg3 ``rx_fcs_errors``
    ``rx_align_errors`` ``tx_carrier_sense_errors``; bnx2x ``rx_crc_errors``
    ``rx_align_errors`` ``tx_carrier_errors``. Checksum-offload counters (``csum``) and
    per-queue names are not physical-layer counters."""
    tokens = [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t]
    if not tokens or any(t in ("csum", "checksum", "changes", "up", "down", "on", "off")
                         for t in tokens):
        return None
    erring = any(t.startswith("err") or t == "errs" for t in tokens)
    if "symbol" in tokens or ("code" in tokens and erring):
        return "symbol_errors"
    if any(t.startswith("align") for t in tokens):
        return "alignment_errors"
    if ("crc" in tokens or "fcs" in tokens) and (erring or "fcs" in tokens):
        return "crc_errors"
    if "carrier" in tokens and erring:
        return "carrier_errors"
    if ("length" in tokens or "len" in tokens) and erring:
        return "length_errors"
    return None


def parse_ethtool(text):
    """{"statistics": {name: value}, "counters": {canonical: value (the largest of the
    driver's names for it)}, "names": {canonical: [driver names]}} or {"no_stats": text}."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    if _no_stats(text):
        return {"no_stats": _head(text)}
    if not lines or lines[0].strip() != "NIC statistics:":
        raise ParseError("links.reason.not_ethtool", text=_head(text) or "-")
    stats, counters, names = {}, {}, {}
    for line in lines[1:]:
        name, sep, value = line.rpartition(":")
        name = name.strip()
        number = _int(value) if sep else None
        if not name or number is None:
            raise ParseError("links.reason.bad_line", source="ethtool -S", line=_head(line))
        stats[name] = number
        kind = canonical(name)
        if kind:
            names.setdefault(kind, []).append(name)
            counters[kind] = max(counters.get(kind, 0), number)
    return {"statistics": stats, "counters": counters, "names": names}


def interface_of(command):
    """The interface a saved ``ethtool -S IFACE`` names, or ""."""
    match = re.search(r"(?:-S|--statistics)\s+([^\s{}]+)(?:\s|$)", str(command or ""))
    return match.group(1) if match else ""


# --------------------------------------------------------------------------- rasdaemon

RAS_NAMES = {"rasmc_summary": "ras-mc-ctl --summary", "rasmc_errors": "ras-mc-ctl --errors"}
RAS_CLASSES = ("memory_uncorrected", "memory_corrected", "aer_fatal", "aer_nonfatal",
               "aer_corrected", "mce_uncorrected", "mce_corrected", "other")
_RAS_TIME = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: [+-]\d{4})?)"


def _ras_failure(text, source):
    """A failure section for ras-mc-ctl's own errors, or None."""
    low = str(text).lower()
    if "can't locate dbi" in low or "can't locate dbd" in low or \
            "install_driver(sqlite) failed" in low:
        return {"error": msg("links.reason.ras_no_dbi", source=source, text=_head(text)),
                "cause": "tool_missing"}
    if "unable to open database" in low or "no such table" in low or \
            "table missing" in low or ("dbi connect" in low and "failed" in low):
        return {"error": msg("links.reason.ras_no_db", source=source, text=_head(text)),
                "cause": "source_unreadable"}
    if "ras-mc-ctl: error:" in low:
        return {"error": msg("links.reason.ras_failed", source=source, text=_head(text)),
                "cause": "source_unreadable"}
    return None


def _memory_class(kind):
    kind = kind.strip().lower()
    if kind.startswith("corrected"):
        return "memory_corrected"
    if kind.startswith(("uncorrected", "fatal", "deferred")):
        return "memory_uncorrected"
    return "other"  # Info


def _aer_class(kind):
    kind = kind.strip().lower()
    if "fatal" in kind and "non-fatal" not in kind:
        return "aer_fatal"
    if kind.startswith("uncorrected"):
        return "aer_nonfatal"
    if kind.startswith("corrected"):
        return "aer_corrected"
    return "other"


def _mce_class(text):
    low = text.lower()
    if "uncorrected" in low or "fatal" in low or "uncorrectable" in low:
        return "mce_uncorrected"
    return "mce_corrected"


def _section_kind(header):
    low = header.lower()
    if low.startswith("memory controller"):
        return "memory"
    if low.startswith("pcie aer"):
        return "aer"
    if low.startswith("mce"):
        return "mce"
    return "other"


_SUMMARY_MEMORY = re.compile(r"^(\w+) on DIMM Label\(s\): '(.*)' location: (\S+) errors: (\d+)$")
_SUMMARY_AER = re.compile(r"^(\d+) (.+?) errors: (.*)$")
_SUMMARY_MCE = re.compile(r"^(\d+) (.*?)(?: errors)?$")
_SUMMARY_OTHER = re.compile(r"(?:errors: (\d+)|has (\d+) errors|^(\d+) .* errors)$")


def parse_ras_summary(text):
    """{"counts": {class: n}, "sections": [header], "lines": [what it listed]}."""
    failed = _ras_failure(text, "ras-mc-ctl --summary")
    if failed:
        return failed
    counts = dict.fromkeys(RAS_CLASSES, 0)
    sections, lines, kind, understood = [], [], None, False
    for raw_line in str(text).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if re.match(r"^No .*(errors?|event)\.?$", line) or line == "No SIGNAL.":
            understood, kind = True, None
            continue
        if line.endswith("summary:"):
            understood, kind = True, _section_kind(line)
            sections.append(line[:-1])
            continue
        if kind is None or not raw_line[:1].isspace():
            raise ParseError("links.reason.bad_line", source="ras-mc-ctl --summary",
                             line=_head(line))
        lines.append(line)
        if kind == "memory":
            match = _SUMMARY_MEMORY.match(line)
            if not match:
                raise ParseError("links.reason.bad_line", source="ras-mc-ctl --summary",
                                 line=_head(line))
            counts[_memory_class(match.group(1))] += int(match.group(4))
        elif kind == "aer":
            match = _SUMMARY_AER.match(line)
            if not match:
                raise ParseError("links.reason.bad_line", source="ras-mc-ctl --summary",
                                 line=_head(line))
            counts[_aer_class(match.group(2))] += int(match.group(1))
        elif kind == "mce":
            match = _SUMMARY_MCE.match(line)
            if not match:
                raise ParseError("links.reason.bad_line", source="ras-mc-ctl --summary",
                                 line=_head(line))
            counts[_mce_class(match.group(2))] += int(match.group(1))
        else:
            match = _SUMMARY_OTHER.search(line)
            counts["other"] += int(next(g for g in match.groups() if g)) if match else 1
    if not understood:
        raise ParseError("links.reason.not_ras", source="ras-mc-ctl --summary",
                         text=_head(text) or "-")
    return {"counts": counts, "sections": sections, "lines": lines}


def ras_time(text):
    """A rasdaemon timestamp (``2024-03-05 10:21:07 +0800``) as an aware datetime, or None."""
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S"):
        try:
            when = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return when
    return None


_EVENT = re.compile(r"^(\d+)\.? " + _RAS_TIME + r" (.*)$")
_EVENT_MEMORY = re.compile(r"^(\d+) (\w+) error\(s\): (.*)$")
_EVENT_AER = re.compile(r"^(\S+) (.+?) error: (.*)$")


def parse_ras_errors(text):
    """{"events": [{"kind", "class", "count" (a memory record's error count), "time" (ISO or
    None), "text"}], "counts": {class: records}}."""
    failed = _ras_failure(text, "ras-mc-ctl --errors")
    if failed:
        return failed
    events, counts = [], dict.fromkeys(RAS_CLASSES, 0)
    kind, understood = None, False
    for raw_line in str(text).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if re.match(r"^No .*(errors?|event)\.?$", line) or line == "No SIGNAL.":
            understood, kind = True, None
            continue
        if line.endswith(":") and not raw_line[:1].isspace() and not _EVENT.match(line):
            understood, kind = True, _section_kind(line)
            continue
        match = _EVENT.match(line)
        if kind is None or not match:
            if kind is not None and events and raw_line[:1].isspace():
                continue  # a continuation (CXL register dumps)
            raise ParseError("links.reason.bad_line", source="ras-mc-ctl --errors",
                             line=_head(line))
        when = ras_time(match.group(2))
        rest = match.group(3)
        count, cls = 1, "other"
        if kind == "memory":
            mem = _EVENT_MEMORY.match(rest)
            if mem:
                count, cls = int(mem.group(1)), _memory_class(mem.group(2))
        elif kind == "aer":
            aer = _EVENT_AER.match(rest)
            if aer:
                cls = _aer_class(aer.group(2))
        elif kind == "mce":
            cls = _mce_class(rest)
        counts[cls] += 1  # records, as --summary counts them (count(*))
        events.append({"kind": kind, "class": cls, "count": count,
                       "time": when.isoformat() if when else None, "text": _head(line, 300)})
    if not understood:
        raise ParseError("links.reason.not_ras", source="ras-mc-ctl --errors",
                         text=_head(text) or "-")
    return {"events": events, "counts": counts}


# --------------------------------------------------------------------------- all


def _said(value):
    """What a tool printed before the collector gave up on it (``reason.exited``'s output:
    ``ethtool -S`` and ``ras-mc-ctl`` say why on stderr and exit non-zero), or ""."""
    error = value.get("error") if isinstance(value, dict) else None
    if isinstance(error, dict) and error.get("key") == "reason.exited":
        return str((error.get("params") or {}).get("output") or "")
    return ""


def _no_stats(text):
    low = str(text).lower()
    return "no stats available" in low or ("operation not supported" in low
                                           and "nic statistics" not in low)


def _ethtool_section(raw, context):
    value = raw.get("ethtool")
    if value is None:
        return None
    if is_failure(value):
        return failure(value)
    if isinstance(value, str):  # one saved output: its interface from the command
        value = {interface_of((context or {}).get("command")) or "interface": value}
    out = {}
    for iface in sorted(value, key=_natural):
        text = value[iface]
        if is_failure(text):
            said = _said(text)
            out[iface] = {"no_stats": _head(said)} if _no_stats(said) else failure(text)
            continue
        try:
            out[iface] = parse_ethtool(text)
        except ParseError as exc:
            out[iface] = failure(exc)
    return {"interfaces": out}


def parse_sources(raw, context=None):
    """The raw outputs of the links area -> the data its rules judge.

    ``raw`` keys (each absent when the collector did not gather it: no FC host, no SAS PHY,
    no rasdaemon): ``fc_host``, ``sas_phy`` (text), ``ethtool`` ({interface: text}, or one
    text whose interface ``context["command"]`` names), ``rasmc_summary``, ``rasmc_errors``.
    Data: the same keys, each parsed or a failure section; ``ethtool`` is
    ``{"interfaces": {iface: parsed or failure}}``."""
    data = {}
    for key, parser in (("fc_host", parse_fc_host), ("sas_phy", parse_sas_phy),
                        ("rasmc_summary", parse_ras_summary),
                        ("rasmc_errors", parse_ras_errors)):
        section = parse_source(raw, key, parser)
        said = _said(section) if key.startswith("rasmc") else ""
        if said:  # ras-mc-ctl said why on stderr: its own reason, with its cause
            section = _ras_failure(said, RAS_NAMES[key]) or section
        if section is not None:
            data[key] = section
    ethtool = _ethtool_section(raw, context)
    if ethtool is not None:
        data["ethtool"] = ethtool
    return data
