# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a host's disks as smartctl reports them (the ``storage`` area): :func:`evaluate`
takes the data of ``parsers/linux_storage.py``, the thresholds and the context (``now``,
``previous``: the previous inspection's counters, ``check_id|component|name``).

Per disk, one finding per check. A disk smartctl could not open, without SMART support, with
SMART disabled or behind an unknown USB bridge is ``unknown`` (with its cause) in every check,
never ok; output not understood is ``unknown`` (``not_understood``); a check that does not fit
the disk's protocol (NVMe health on an ATA disk, sectors on NVMe) is ``unknown`` with cause
``not_applicable``.

- ``storage.smart_health``: the overall health (FAILED: critical); from text, the finding
  says that the text output carries no exit status.
- ``storage.smart_exit_status``: smartctl's exit-status bits, from the JSON only (3, 4
  critical; 2, 5, 6, 7 warning).
- ``storage.smart_sectors``: ATA reallocated sectors, SAS grown defects and uncorrected
  read/write/verify errors judged on their growth since the previous inspection (their
  total without one); pending and offline-uncorrectable sectors on their current count
  (sectors unreadable now); critical at the critical total.
- ``storage.smart_cable``: UDMA CRC errors' growth: a cable or backplane.
- ``storage.nvme_health``: critical warning bits, spare against its threshold, wear, and the
  growth of media errors.

:func:`counters` returns the counters that grow, for the next inspection's deltas, keyed by
the disk's serial number (its device name when the output gives none, and device plus serial
when two disks report the same one): a disk keeps its counters when it moves to another slot
or device name.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.messages import msg

AREA = "storage"
HEALTH = "storage.smart_health"
EXIT = "storage.smart_exit_status"
SECTORS = "storage.smart_sectors"
CABLE = "storage.smart_cable"
NVME = "storage.nvme_health"
CHECKS = (HEALTH, EXIT, SECTORS, CABLE, NVME)
GROWING = {SECTORS: ("reallocated", "grown_defects", "read_uncorrected", "write_uncorrected",
                     "verify_uncorrected", "pending", "offline_uncorrectable"),
           CABLE: ("crc",), NVME: ("media_errors",)}
PROTOCOLS = {"ata": "ATA", "scsi": "SCSI", "nvme": "NVMe"}
CRITICAL_BITS = (3, 4)
WARNING_BITS = (2, 5, 6, 7)


def _label(disk):
    return disk.get("device") or disk.get("serial") or "disk"


def _counter_component(disk):
    return disk.get("counter_key") or disk.get("serial") or disk.get("device") or "disk"


def _key_counters(disks):
    """A serial number two disks of the host report alike (a USB bridge's, a redacted one)
    identifies neither: those disks' counters are keyed by device and serial."""
    seen = {}
    for disk in disks:
        if disk.get("serial"):
            seen[disk["serial"]] = seen.get(disk["serial"], 0) + 1
    for disk in disks:
        serial = disk.get("serial")
        if serial and seen[serial] > 1:
            disk["counter_key"] = f"{disk.get('device') or 'disk'} {serial}"


def _values(disk):
    return {"device": disk.get("device") or "", "model": disk.get("model") or "",
            "serial": disk.get("serial") or "", "protocol": disk.get("protocol") or ""}


def _cannot_judge(check_id, disk):
    """The ``unknown`` finding of a disk that cannot be judged, or None."""
    label = _label(disk)
    if "failure" in disk:
        return unknown(check_id, disk["failure"], component=label, cause=disk["cause"])
    problem = disk.get("problem")
    if not problem:
        return None
    kind, detail = problem["kind"], problem["detail"]
    if kind == "open_failed":
        reason = msg("storage.cannot_open", device=label, detail=detail)
        cause = "no_permission" if "permission denied" in detail.lower() else \
            "source_unreadable"
    elif kind == "usb_bridge":
        reason, cause = msg("storage.usb_bridge", device=label, detail=detail), \
            "source_unreadable"
    elif kind == "unavailable":
        reason, cause = msg("storage.smart_unavailable", device=label), "not_applicable"
    elif kind == "disabled":
        reason, cause = msg("storage.smart_disabled", device=label), "source_unreadable"
    else:
        reason, cause = msg("storage.smartctl_error", device=label, detail=detail), \
            "source_unreadable"
    return unknown(check_id, reason, component=label, cause=cause, evidence=[detail],
                   values=_values(disk))


def _previous(context):
    return (context or {}).get("previous") or {}


def _count(check_id, disk, name, value, context):
    """(new, message, delta dict) of a counter that grows: its increase since the previous
    inspection, or its total (since power-on) without one."""
    reading = _previous(context).get(deltas.key(check_id, _counter_component(disk), name))
    d = deltas.delta(value, reading if isinstance(reading, dict) else None,
                     now=(context or {}).get("now"))
    label = msg(f"storage.counter.{name}")
    if d["previous"] is None:
        return value, msg("storage.count.total", name=label, value=value), d
    key = "storage.count.reset" if d["lower_bound"] else "storage.count.new"
    return d["delta"], msg(key, name=label, value=value, delta=d["delta"],
                           since=d["since"] or "?"), d


def _not_applicable(check_id, disk):
    label = _label(disk)
    return unknown(check_id, msg("storage.not_applicable", device=label,
                                 protocol=PROTOCOLS.get(disk.get("protocol"), "?"),
                                 check=check_id),
                   component=label, cause="not_applicable", values=_values(disk))


# --------------------------------------------------------------------------- health


def check_health(disk):
    blocked = _cannot_judge(HEALTH, disk)
    if blocked:
        return blocked
    label = _label(disk)
    status = disk.get("exit_status")
    values = dict(_values(disk), passed=disk.get("health"), exit_status=status)
    evidence = [m for m in disk.get("messages") or []][:5]
    if disk.get("format") == "text":
        evidence.append("exit status: not in smartctl's text output")
    if disk.get("health") is False or (status is not None and status & 8):
        return make_finding(HEALTH, "critical", msg("storage.health.failed", device=label),
                            component=label, values=values, evidence=evidence,
                            recommendation=msg("storage.health.recommendation"))
    if disk.get("health") is None:
        return unknown(HEALTH, msg("storage.no_health", device=label), component=label,
                       cause="not_understood", values=values)
    key = "storage.health.ok_text" if disk.get("format") == "text" else "storage.health.ok"
    return make_finding(HEALTH, "ok", msg(key, device=label),
                        component=label, values=values, evidence=evidence)


def check_exit_status(disk):
    """smartctl's exit-status bits, from the JSON only (the text output carries none: a
    disk read from text gives no finding here; its health finding says so)."""
    if disk.get("format") != "json":
        return None
    blocked = _cannot_judge(EXIT, disk)
    if blocked:
        return blocked
    label = _label(disk)
    status = disk.get("exit_status")
    if status is None:
        return unknown(EXIT, msg("storage.no_counters", device=label,
                                 what=msg("storage.what.exit_status")),
                       component=label, cause="not_understood", values=_values(disk))
    bits = [b for b in range(2, 8) if status & (1 << b)]
    values = dict(_values(disk), exit_status=status, bits=",".join(str(b) for b in bits))
    evidence = [m for m in disk.get("messages") or []][:5]
    if not bits:
        return make_finding(EXIT, "ok", msg("storage.exit.ok", device=label),
                            component=label, values=values, evidence=evidence)
    level = "critical" if any(b in CRITICAL_BITS for b in bits) else "warning"
    return make_finding(EXIT, level, msg("storage.health.bits", device=label, status=status,
                                         bits=[msg(f"storage.bit.{b}") for b in bits]),
                        component=label, values=values, evidence=evidence,
                        recommendation=msg("storage.health.recommendation"
                                           if level == "critical"
                                           else "storage.health.logs_recommendation"))


# --------------------------------------------------------------------------- sectors


def check_sectors(disk, thresholds, context):
    blocked = _cannot_judge(SECTORS, disk)
    if blocked:
        return blocked
    label = _label(disk)
    protocol = disk.get("protocol")
    if protocol == "nvme":
        return _not_applicable(SECTORS, disk)
    counts = dict(disk.get("ata") or {}) if protocol == "ata" else dict(disk.get("scsi") or {})
    counts.pop("crc", None)
    if not counts and protocol == "ata" and disk.get("attributes"):
        return unknown(SECTORS, msg("storage.no_counters", device=label,
                                    what=msg("storage.what.sector_attributes")),
                       component=label, cause="not_applicable", values=_values(disk))
    if not counts:
        what = "storage.what.ata_attributes" if protocol == "ata" else "storage.what.scsi_counters"
        return unknown(SECTORS, msg("storage.no_counters", device=label, what=msg(what)),
                       component=label, cause="not_understood", values=_values(disk))
    warn, crit = thresholds.get("warning") or 1, thresholds.get("critical")
    texts, values, level = [], dict(_values(disk)), "ok"
    for name in GROWING[SECTORS]:
        value = counts.get(name)
        if value is None:
            continue
        values[name] = value
        if name in ("pending", "offline_uncorrectable"):
            texts.append(msg("storage.count.now", name=msg(f"storage.counter.{name}"),
                             value=value))
            if value > 0:
                level = worst([level, "warning"])
            continue
        new, text, d = _count(SECTORS, disk, name, value, context)
        texts.append(text)
        values[f"{name}_delta"] = d["delta"]
        if new >= warn and new > 0:
            level = worst([level, "warning"])
    bad = sum(counts.get(n) or 0 for n in ("reallocated", "pending", "offline_uncorrectable",
                                          "grown_defects"))
    if crit and bad >= crit:
        level = "critical"
    if level == "ok":
        return make_finding(SECTORS, "ok", msg("storage.sectors.ok", device=label, counts=texts),
                            component=label, values=values)
    return make_finding(SECTORS, level, msg("storage.sectors.summary", device=label,
                                            counts=texts),
                        component=label, values=values, thresholds={"warning": warn,
                                                                     "critical": crit},
                        recommendation=msg("storage.sectors.recommendation"))


# --------------------------------------------------------------------------- cable


def check_cable(disk, thresholds, context):
    blocked = _cannot_judge(CABLE, disk)
    if blocked:
        return blocked
    label = _label(disk)
    if disk.get("protocol") != "ata":
        return _not_applicable(CABLE, disk)
    value = (disk.get("ata") or {}).get("crc")
    if value is None:
        return unknown(CABLE, msg("storage.no_counters", device=label,
                                  what=msg("storage.what.crc")),
                       component=label, cause="not_applicable", values=_values(disk))
    warn = thresholds.get("warning") or 1
    new, text, d = _count(CABLE, disk, "crc", value, context)
    values = dict(_values(disk), crc=value, crc_delta=d["delta"])
    if new >= warn and new > 0:
        return make_finding(CABLE, "warning", msg("storage.cable.summary", device=label,
                                                  count=text),
                            component=label, values=values, thresholds={"warning": warn},
                            recommendation=msg("storage.cable.recommendation"))
    return make_finding(CABLE, "ok", msg("storage.cable.ok", device=label, count=text),
                        component=label, values=values)


# --------------------------------------------------------------------------- nvme


def check_nvme(disk, thresholds, context):
    blocked = _cannot_judge(NVME, disk)
    if blocked:
        return blocked
    label = _label(disk)
    if disk.get("protocol") != "nvme":
        return _not_applicable(NVME, disk)
    log = disk.get("nvme") or {}
    if log.get("critical_warning") is None:
        return unknown(NVME, msg("storage.no_counters", device=label,
                                 what=msg("storage.what.nvme_log")),
                       component=label, cause="not_understood", values=_values(disk))
    values = dict(_values(disk), **log)
    warning = log["critical_warning"]
    spare, threshold = log.get("available_spare"), log.get("spare_threshold")
    used = log.get("percentage_used")
    findings = []
    if warning:
        bits = [msg(f"storage.nvme.bit.{b}") if b <= 5 else msg("storage.nvme.bit.other", bit=b)
                for b in range(8) if warning & (1 << b)]
        findings.append(("critical", msg("storage.nvme.warning_bits", device=label,
                                         value=f"0x{warning:02x}", bits=bits),
                         "storage.nvme.recommendation"))
    if spare is not None and threshold is not None and spare <= threshold:
        findings.append(("critical", msg("storage.nvme.spare", device=label, spare=spare,
                                         threshold=threshold), "storage.nvme.recommendation"))
    wear_w, wear_c = thresholds.get("wear_warning"), thresholds.get("wear_critical")
    if used is not None and wear_c and used >= wear_c:
        findings.append(("critical", msg("storage.nvme.wear", device=label, used=used),
                         "storage.nvme.wear_recommendation"))
    elif used is not None and wear_w and used >= wear_w:
        findings.append(("warning", msg("storage.nvme.wear", device=label, used=used),
                         "storage.nvme.wear_recommendation"))
    media = log.get("media_errors")
    media_text = msg("storage.count.now", name=msg("storage.counter.media_errors"), value="?")
    if media is not None:
        new, media_text, d = _count(NVME, disk, "media_errors", media, context)
        values["media_errors_delta"] = d["delta"]
        if new > 0:
            findings.append(("warning", msg("storage.nvme.media", device=label,
                                            media=media_text), "storage.nvme.recommendation"))
    if not findings and None in (spare, threshold, used, media):
        # a log without the figures judged is not a healthy drive (output cut or garbled)
        return unknown(NVME, msg("storage.no_counters", device=label,
                                 what=msg("storage.what.nvme_fields")),
                       component=label, cause="not_understood", values=values)
    if not findings:
        return make_finding(NVME, "ok", msg("storage.nvme.ok", device=label,
                                            spare="?" if spare is None else spare,
                                            threshold="?" if threshold is None else threshold,
                                            used="?" if used is None else used,
                                            media=media_text),
                            component=label, values=values)
    level = worst([f[0] for f in findings])
    summary = findings[0][1]
    for _level, text, _rec in findings[1:]:
        summary = msg("storage.join", first=summary, second=text)
    rec = [f[2] for f in findings if f[0] == level][0]
    return make_finding(NVME, level, summary, component=label, values=values,
                        thresholds={"wear_warning": wear_w, "wear_critical": wear_c},
                        recommendation=msg(rec))


# --------------------------------------------------------------------------- all


def counters(data, context=None):
    """The counters that grow, per disk (keyed by serial number), for the next deltas."""
    out = []
    _key_counters(data.get("disks") or [])
    for disk in data.get("disks") or []:
        if "failure" in disk or disk.get("problem"):
            continue
        component = _counter_component(disk)
        for check_id, names in GROWING.items():
            for name in names:
                for section in ("ata", "scsi", "nvme"):
                    value = (disk.get(section) or {}).get(name)
                    if value is not None:
                        out.append(deltas.counter(check_id, component, name, value))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the storage area, disk by disk, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    disks = data.get("disks") or []
    _key_counters(disks)
    if not disks:
        return [unknown(c, msg("storage.no_disk"), cause="not_applicable") for c in CHECKS
                if c != EXIT or context.get("source") == "smartctl_json"]
    findings = []
    for disk in disks:
        findings.append(check_health(disk))
        exit_finding = check_exit_status(disk)
        if exit_finding is not None:
            findings.append(exit_finding)
        findings.append(check_sectors(disk, thresholds.get("smart_sectors") or {}, context))
        findings.append(check_cable(disk, thresholds.get("smart_cable") or {}, context))
        findings.append(check_nvme(disk, thresholds.get("nvme_health") or {}, context))
    return findings
