# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an AIX host's identity, firmware, system backups and performance samples (the
``aix_system`` area): :func:`evaluate` takes the data of ``parsers/aix_aix_system.py``, the
thresholds and the context (``now``: epoch seconds).

- ``aix_system.identity``: prtconf's model, serial, processors, memory, firmware (and oslevel
  -s) as values for the asset register: ok; Good Memory Size below Memory Size is a warning.
- ``aix_system.firmware``: lsmcode -A; permanent and temporary sides holding different levels
  (an update not accepted) is a warning.
- ``aix_system.mksysb``: the newest rootvg (not data-only) image by its backup date: older than
  ``max_age_days`` warning, ``critical_age_days`` critical; its maintenance level differing
  from the running oslevel -s a warning; no image at all (``{}``) a warning; images that cannot
  be read are unknown each, and when none is readable the check is unknown.
- ``aix_system.performance``: one finding per sampling command (vmstat, lparstat, svmon -G,
  iostat) with its averages; a command not collected is left out when another one was (a
  saved vmstat judged alone), all four missing is unknown.

Output not understood is unknown, never ok.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.findings import judge, make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "aix_system"
IDENTITY = "aix_system.identity"
FIRMWARE = "aix_system.firmware"
MKSYSB = "aix_system.mksysb"
PERFORMANCE = "aix_system.performance"
CHECKS = (IDENTITY, FIRMWARE, MKSYSB, PERFORMANCE)
DAY = 86400.0


def _failed(check_id, section, source, component=""):
    """An unknown finding for a section holding no data, or None."""
    problem = section_failure(section)
    if problem is None:
        return None
    reason, cause = problem
    return unknown(check_id, msg("aix_system.source_failed", source=source, reason=reason),
                   component=component, cause=cause)


def _oslevel(data):
    section = data.get("oslevel_s")
    return section if isinstance(section, dict) and "level" in section else None


# --------------------------------------------------------------------------- identity


def check_identity(data):
    record = data.get("prtconf")
    failed = _failed(IDENTITY, record, "prtconf")
    if failed:
        return [failed]
    os = _oslevel(data)
    values = {k: record.get(k) for k in (
        "model", "serial", "processor_type", "implementation_mode", "processor_version", "cpus",
        "clock_mhz", "cpu_type", "kernel_type", "lpar_id", "lpar_name", "memory_mb",
        "good_memory_mb", "firmware", "firmware_version")}
    values["os"] = os["level"] if os else None
    evidence = [f"{k}: {v}" for k, v in values.items() if v not in (None, "")]
    shown = {"model": record["model"], "serial": record["serial"]}
    memory, good = record.get("memory_mb"), record.get("good_memory_mb")
    missing = [label for label, value in (("Memory Size", memory), ("Good Memory Size", good))
               if not isinstance(value, (int, float))]
    if missing:  # prtconf prints both: without them deconfigured memory would pass unseen
        return [unknown(IDENTITY, msg("aix_system.identity.no_memory", fields=missing, **shown),
                        component=record["serial"], values=values, evidence=evidence,
                        cause="not_understood")]
    if good < memory:
        return [make_finding(IDENTITY, "warning",
                             msg("aix_system.identity.bad_memory", good=good, memory=memory,
                                 **shown),
                             component=record["serial"], values=values, evidence=evidence,
                             recommendation=msg("aix_system.identity.bad_memory_recommendation"))]
    na = msg("aix_system.perf.na")
    summary = msg("aix_system.identity.ok", cpus=_or(record.get("cpus"), na),
                  processor=record.get("processor_type") or na,
                  clock=_or(record.get("clock_mhz"), na), memory=_or(memory, na),
                  firmware=record.get("firmware") or na,
                  os=msg("aix_system.identity.os", level=os["level"]) if os else "", **shown)
    return [make_finding(IDENTITY, "ok", summary, component=record["serial"], values=values,
                         evidence=evidence)]


def _or(value, default):
    return default if value is None else value


# --------------------------------------------------------------------------- firmware


def check_firmware(data):
    record = data.get("lsmcode")
    failed = _failed(FIRMWARE, record, "lsmcode -A")
    if failed:
        return [failed]
    na = msg("aix_system.perf.na")
    permanent, temporary = record.get("permanent"), record.get("temporary")
    values = {"active": record["active"], "booted_side": record.get("booted") or None,
              "permanent": permanent or None, "temporary": temporary or None,
              "devices": len(record.get("devices") or [])}
    evidence = [f"sys0: {record['active']} ({record.get('booted')}) permanent {permanent} "
                f"temporary {temporary}"]
    evidence += [f"{d['device']}: {d['level']}" for d in record.get("devices") or []]
    params = dict(active=record["active"], permanent=permanent or na,
                  temporary=temporary or na)
    if permanent and temporary and permanent != temporary:
        return [make_finding(FIRMWARE, "warning", msg("aix_system.firmware.sides_differ",
                                                      **params),
                             component="sys0", values=values, evidence=evidence,
                             recommendation=msg("aix_system.firmware.sides_recommendation"))]
    return [make_finding(FIRMWARE, "ok", msg("aix_system.firmware.ok", adapters=values["devices"],
                                             **params),
                         component="sys0", values=values, evidence=evidence)]


# --------------------------------------------------------------------------- mksysb


def _same_level(image, running):
    """Whether the image's maintenance level matches ``oslevel -s`` as far as both say
    (``7200-05`` against ``7200-05-03-2148``: the TL; with a service pack on both, it too)."""
    level = (image.get("maintenance_level") or "").split()
    if not level:
        return None
    theirs = level[0].split("-")
    mine = running["level"].split("-")
    length = min(len(theirs), len(mine), 3)
    if length < 2:
        return None
    return theirs[:length] == mine[:length]


def check_mksysb(data, thresholds, context):
    images = data.get("lsmksysb")
    if images is None or "error" in images:
        return [_failed(MKSYSB, images, "lsmksysb")]
    limits = thresholds.get("mksysb") or {}
    if not images:
        return [make_finding(MKSYSB, "warning", msg("aix_system.mksysb.none"),
                             thresholds=limits,
                             recommendation=msg("aix_system.mksysb.recommendation"))]
    findings, good = [], []
    for path, record in sorted(images.items()):
        failed = _failed(MKSYSB, record, "lsmksysb -l -f " + path, component=path)
        if failed:
            findings.append(failed)
        else:
            good.append(record)
    if not good:
        return findings
    backups = [r for r in good if r["volume_group"] == "rootvg" and not r["data_only"]]
    evidence = [f"{r['path']}: {r['volume_group']} {r['date']} level {r['oslevel']} "
                f"{r['maintenance_level']}{' data only' if r['data_only'] else ''}"
                for r in sorted(good, key=lambda r: -r["time"])]
    if not backups:
        findings.append(make_finding(MKSYSB, "warning", msg(
            "aix_system.mksysb.no_rootvg", count=len(good), paths=[r["path"] for r in good]),
            evidence=evidence, thresholds=limits,
            recommendation=msg("aix_system.mksysb.recommendation")))
        return findings
    newest = max(backups, key=lambda r: r["time"])
    now = float((context or {}).get("now") or 0)
    age = (now - newest["time"]) / DAY
    values = {"path": newest["path"], "date": newest["date"], "age_days": round(age, 1),
              "oslevel": newest["oslevel"], "maintenance_level": newest["maintenance_level"],
              "size_mb": newest["size_mb"], "images": len(good)}
    level = newest["maintenance_level"] or newest["oslevel"] or "?"
    where = dict(path=newest["path"], date=newest["date"])
    # more than a day ahead (beyond the zone the date is printed in): the clock is wrong
    if age < -1:
        findings.append(unknown(MKSYSB, msg("aix_system.mksysb.future", **where),
                                component=newest["path"], cause="stale", values=values))
        return findings
    days = max(int(age), 0)
    status = judge(days, limits.get("max_age_days"), limits.get("critical_age_days"))
    running = _oslevel(data)
    same = _same_level(newest, running) if running else None
    if running:
        values["running"] = running["level"]
    parts = []
    if status != "ok":
        limit = limits["critical_age_days"] if status == "critical" else limits["max_age_days"]
        parts.append((status, msg("aix_system.mksysb.old", age=days, limit=limit, **where),
                      msg("aix_system.mksysb.recommendation")))
    if same is False:
        parts.append(("warning", msg("aix_system.mksysb.level", level=level,
                                     running=running["level"], **where),
                      msg("aix_system.mksysb.level_recommendation")))
    if not parts:
        findings.append(make_finding(MKSYSB, "ok", msg("aix_system.mksysb.ok", age=days,
                                                       level=level, **where),
                                     component=newest["path"], values=values,
                                     evidence=evidence, thresholds=limits))
        return findings
    status = worst(p[0] for p in parts)
    summary = parts[0][1]
    recommendation = parts[0][2]
    for _status, more, advice in parts[1:]:
        summary = msg("reason.both", first=summary, second=more)
        recommendation = msg("reason.both", first=recommendation, second=advice)
    findings.append(make_finding(MKSYSB, status, summary, component=newest["path"],
                                 values=values, evidence=evidence, thresholds=limits,
                                 recommendation=recommendation))
    return findings


# --------------------------------------------------------------------------- performance


def _busy(us, sy):
    if us is None or sy is None:
        return None
    return round(us + sy, 1)


def _level(value, warning, critical=None):
    return judge(value, warning, critical) if value is not None else "ok"


def _perf(source, status, summary, values, limits, advice):
    values = {k: v for k, v in values.items() if not isinstance(v, dict)}
    if status == "ok":
        return make_finding(PERFORMANCE, "ok", summary, component=source, values=values,
                            thresholds=limits)
    return make_finding(PERFORMANCE, status, summary, component=source, values=values,
                        thresholds=limits, recommendation=msg(advice))


def _vmstat(record, limits):
    busy = _busy(record.get("us"), record.get("sy"))
    statuses = [_level(busy, limits.get("cpu_warning"), limits.get("cpu_critical"))]
    paging = _level(record.get("po"), limits.get("paging_warning"))
    statuses.append(paging)
    values = dict(record, busy=busy)
    values.update({f"config_{k}": v for k, v in (record.get("configuration") or {}).items()})
    status = worst(statuses)
    advice = "aix_system.perf.memory_recommendation" if paging != "ok" \
        else "aix_system.perf.cpu_recommendation"
    summary = msg("aix_system.perf.vmstat", busy=_or(busy, 0), us=_or(record.get("us"), 0),
                  sy=_or(record.get("sy"), 0), wa=_or(record.get("wa"), 0),
                  po=_or(record.get("po"), "?"), r=_or(record.get("r"), "?"),
                  samples=record["samples"])
    return _perf("vmstat", status, summary, values, limits, advice)


def _lparstat(record, limits):
    busy = _busy(record.get("us"), record.get("sy"))
    statuses = [_level(busy, limits.get("cpu_warning"), limits.get("cpu_critical")),
                _level(record.get("entc"), limits.get("entc_warning"))]
    values = dict(record, busy=busy)
    values.update({f"config_{k}": v for k, v in (record.get("configuration") or {}).items()})
    na = msg("aix_system.perf.na")
    entc = record.get("entc")
    summary = msg("aix_system.perf.lparstat", busy=_or(busy, 0), us=_or(record.get("us"), 0),
                  sy=_or(record.get("sy"), 0),
                  entc=msg("aix_system.perf.pct", value=entc) if entc is not None else na,
                  physc=_or(record.get("physc"), na), samples=record["samples"])
    return _perf("lparstat", worst(statuses), summary, values, limits,
                 "aix_system.perf.cpu_recommendation")


def _pct(part, whole):
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


def _svmon(record, limits):
    virtual = _pct(record.get("virtual"), record["size"])
    inuse = _pct(record.get("inuse"), record["size"])
    pgsp = _pct(record.get("pgsp_inuse"), record.get("pgsp_size"))
    values = dict(record, virtual_pct=virtual, inuse_pct=inuse, pgsp_pct=pgsp)
    status = _level(virtual, limits.get("memory_warning"), limits.get("memory_critical"))
    summary = msg("aix_system.perf.svmon", virtual_pct=_or(virtual, 0),
                  inuse_pct=_or(inuse, 0), pgsp_pct=_or(pgsp, 0))
    return _perf("svmon", status, summary, values, limits,
                 "aix_system.perf.memory_recommendation")


def _iostat(record, limits):
    disks = record.get("disks") or {}
    values = {"disks": len(disks), "reports": record.get("reports")}
    values.update({f"cpu_{k}": v for k, v in (record.get("cpu") or {}).items()})
    if not disks:
        return _perf("iostat", "ok", msg("aix_system.perf.iostat_none"), values, limits,
                     "aix_system.perf.disk_recommendation")
    name, top = max(sorted(disks.items()), key=lambda kv: kv[1]["tm_act"] or 0)
    values.update(busiest=name, busiest_tm_act=top["tm_act"], busiest_kbps=top["kbps"],
                  busiest_tps=top["tps"])
    status = _level(top["tm_act"], limits.get("disk_warning"))
    return _perf("iostat", status, msg("aix_system.perf.iostat", disk=name,
                                       busy=top["tm_act"] or 0, disks=len(disks)),
                 values, limits, "aix_system.perf.disk_recommendation")


PERF = (("vmstat", _vmstat), ("lparstat", _lparstat), ("svmon", _svmon), ("iostat", _iostat))


def check_performance(data, thresholds):
    limits = thresholds.get("performance") or {}
    sections = [(key, data.get(key)) for key, _f in PERF]
    if all(section is None for _k, section in sections):
        return [unknown(PERFORMANCE, msg("aix_system.source_failed", source="vmstat",
                                         reason=msg("reason.not_collected")),
                        cause="incomplete")]
    findings = []
    for (key, build), (_k, section) in zip(PERF, sections):
        if section is None:
            continue
        source = "svmon -G" if key == "svmon" else key
        failed = _failed(PERFORMANCE, section, source, component=key)
        findings.append(failed or build(section, limits))
    return findings


def evaluate(data, thresholds=None, context=None):
    """All findings of the aix_system area for one host, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    findings = check_identity(data) + check_firmware(data)
    findings += check_mksysb(data, thresholds, context or {})
    findings += check_performance(data, thresholds)
    return findings
