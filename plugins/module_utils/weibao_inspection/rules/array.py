# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an external disk array (the ``array`` area): :func:`evaluate` takes the data of
``parsers/ibm_storwize_array.py`` or ``parsers/huawei_oceanstor_array.py`` (one shape), the
thresholds and the context (``previous``: the previous inspection's counters; ``judge``:
``weibao judge`` with one saved output, whose other sources were not given).

- ``array.drives``: failed / offline drive critical, degraded warning, one finding each; fewer
  spare drives than at the previous inspection warning; else one ok finding with the counts.
- ``array.enclosures``: enclosures, canisters, fan modules, power supplies, batteries and
  (OceanStor) the system's health: failed / offline critical, degraded, a missing fan module
  or a battery at its end of life warning.
- ``array.ports``: Storwize ``inactive_configured`` warning (``inactive_unconfigured`` is a
  port never used), OceanStor Fault critical and Link Down warning when the port was Link Up
  at the previous inspection (the CLI cannot say whether a port is meant to be in use).
- ``array.pools``: one finding per pool, its capacity, used, free and used % in the values
  (the quarterly report reads them); and one for the system (name, code level, cache use).
- ``array.events``: unfixed alerts / active alarms by severity.

A section not collected (outside ``weibao judge``), not understood or that the collector could
not read makes its part ``unknown`` with the cause, never ok; a status this module does not
know is ``unknown`` (not_understood). Nothing to judge (an SVC has no drives or enclosures,
an array without FC ports) is ``unknown`` with cause ``not_applicable`` (and
:func:`not_applicable` says so for coverage).
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import (
    SEVERITY,
    make_finding,
    unknown,
    worst,
)
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "array"
DRIVES = "array.drives"
ENCLOSURES = "array.enclosures"
PORTS = "array.ports"
POOLS = "array.pools"
EVENTS = "array.events"
MAX_LISTED = 10
BAD = {"failed": "critical", "offline": "critical", "degraded": "warning"}


def _read(check_id, data, name, context):
    """(items or the section, findings): a section that cannot be judged gives an unknown
    finding; one not given to ``weibao judge`` gives nothing."""
    section = data.get(name)
    if section is None and (context or {}).get("judge"):
        return None, []
    failed = section_failure(section)
    if failed:
        return None, [unknown(check_id, msg("array.unreadable", what=msg(f"array.what.{name}"),
                                            reason=failed[0]),
                              component=name, cause=failed[1])]
    return section.get("items", section), []


def _previous(context, check_id, component, name):
    reading = ((context or {}).get("previous") or {}).get(
        deltas.key(check_id, component, name))
    return reading if isinstance(reading, dict) and reading.get("value") is not None else None


def _bad_component(check_id, item, recommendation):
    """The finding of a part in a bad state, an unknown for a state not known, else None."""
    state = item.get("state")
    if state is None:
        return unknown(check_id, msg("array.unknown_state", label=item["label"],
                                     status=item.get("status") or "?"),
                       component=item["component"], cause="not_understood",
                       evidence=[item.get("line", "")])
    if state in BAD:
        return make_finding(check_id, BAD[state],
                            msg("array.component.bad", label=item["label"],
                                state=msg(f"array.state.{state}"),
                                status=item.get("status") or "?"),
                            component=item["component"], evidence=[item.get("line", "")],
                            values={"status": item.get("status") or "", "state": state},
                            recommendation=msg(recommendation))
    return None


# --------------------------------------------------------------------------- drives


def check_drives(data, context):
    drives, out = _read(DRIVES, data, "drives", context)
    if drives is None:
        return out
    if not drives:
        return [unknown(DRIVES, msg("array.drives.none"), cause="not_applicable")]
    for drive in drives:
        if drive.get("use") == "failed":
            out.append(make_finding(DRIVES, "critical",
                                    msg("array.drives.failed_use", label=drive["label"],
                                        status=drive.get("status") or "?"),
                                    component=drive["component"], evidence=[drive["line"]],
                                    values={"status": drive["status"], "use": "failed"},
                                    recommendation=msg("array.drives.recommend_failed")))
            continue
        rec = "array.drives.recommend_failed" if drive.get("state") in ("failed", "offline") \
            else "array.drives.recommend_degraded"
        finding = _bad_component(DRIVES, drive, rec)
        if finding is not None:
            out.append(finding)
    counts = {use: sum(1 for d in drives if d.get("use") == use)
              for use in ("member", "spare", "candidate", "failed", "unused")}
    previous = _previous(context, DRIVES, "spares", "count")
    if previous is not None and counts["spare"] < int(previous["value"]):
        out.append(make_finding(DRIVES, "warning",
                                msg("array.drives.spare_consumed", spares=counts["spare"],
                                    previous=int(previous["value"]),
                                    since=previous.get("at") or "?"),
                                component="spares",
                                values={"spares": counts["spare"],
                                        "previous_spares": int(previous["value"])},
                                recommendation=msg("array.drives.recommend_spare")))
    if not out:
        values = {f"{use}s": n for use, n in counts.items()}
        values["drives"] = len(drives)
        values["capacity"] = sum(d.get("capacity") or 0 for d in drives)
        out.append(make_finding(DRIVES, "ok",
                                msg("array.drives.ok", count=len(drives),
                                    members=counts["member"], spares=counts["spare"],
                                    candidates=counts["candidate"]),
                                component="drives", values=values))
    return out


# --------------------------------------------------------------------------- enclosures


def check_enclosures(data, context):
    out, counted, readable = [], {}, 0
    not_known = False
    for name in ("enclosures", "psus", "batteries"):
        items, failed = _read(ENCLOSURES, data, name, context)
        out.extend(failed)
        if items is None:
            continue
        readable += 1
        counted[name] = len(items)
        for item in items:
            rec = "array.enclosures.recommend"
            finding = _bad_component(ENCLOSURES, item, rec)
            if finding is not None:
                not_known = not_known or finding["status"] == "unknown"
                out.append(finding)
                continue
            for part, level, key in (("canisters", "critical", "array.enclosures.canisters"),
                                     ("fan_modules", "warning", "array.enclosures.fans")):
                total, online = item.get(f"{part}_total"), item.get(f"{part}_online")
                if total is not None and online is not None and online < total:
                    out.append(make_finding(
                        ENCLOSURES, level, msg(key, label=item["label"], online=online,
                                               total=total),
                        component=f"{item['component']} {part.replace('_', ' ')}",
                        evidence=[item["line"]], values={"online": online, "total": total},
                        recommendation=msg(rec)))
            if item.get("end_of_life"):
                out.append(make_finding(
                    ENCLOSURES, "warning", msg("array.enclosures.battery_eol",
                                               label=item["label"]),
                    component=item["component"], evidence=[item["line"]],
                    values={"charge_pct": item.get("charge_pct"), "end_of_life": True},
                    recommendation=msg("array.enclosures.recommend_battery")))
    system = data.get("system")
    if system is not None and not section_failure(system) and system.get("health_text"):
        item = {"label": msg("array.label.system", id=system.get("name") or "?"),
                "component": "system", "state": system.get("health"),
                "status": system["health_text"], "line": " ".join(system.get("lines") or [])}
        finding = _bad_component(ENCLOSURES, item, "array.enclosures.recommend")
        readable += 1
        if finding is not None:
            not_known = not_known or finding["status"] == "unknown"
            out.append(finding)
    if counted and not any(counted.values()) and not out:
        return [unknown(ENCLOSURES, msg("array.enclosures.none"), cause="not_applicable")]
    if readable and not not_known and not any(f["status"] in ("warning", "critical")
                                              for f in out):
        values = {k: v for k, v in counted.items()}
        health = ""
        if system is not None and not section_failure(system) and system.get("health_text"):
            health = values["system_health"] = system["health_text"]
        if counted:
            summary = msg("array.enclosures.ok", enclosures=counted.get("enclosures", 0),
                          psus=counted.get("psus", 0), batteries=counted.get("batteries", 0))
        else:  # the system's health alone (weibao judge of show system general)
            summary = msg("array.enclosures.system", status=health)
        out.append(make_finding(ENCLOSURES, "ok", summary, component="enclosures",
                                values=values))
    return out


# --------------------------------------------------------------------------- ports


def check_ports(data, context):
    ports, out = _read(PORTS, data, "ports", context)
    if ports is None:
        return out
    if not ports:
        return [unknown(PORTS, msg("array.ports.none"), cause="not_applicable")]
    for port in ports:
        state, label = port.get("state"), port["label"]
        values = {"status": port.get("status") or "", "speed": port.get("speed") or ""}
        if state is None:
            out.append(unknown(PORTS, msg("array.unknown_state", label=label,
                                          status=port.get("status") or "?"),
                               component=port["component"], cause="not_understood",
                               evidence=[port["line"]]))
        elif state == "fault":
            out.append(make_finding(PORTS, "critical", msg("array.ports.fault", label=label,
                                                           status=port["status"]),
                                    component=port["component"], evidence=[port["line"]],
                                    values=values, recommendation=msg("array.ports.recommend")))
        elif state == "down_configured":
            out.append(make_finding(PORTS, "warning",
                                    msg("array.ports.down_configured", label=label,
                                        speed=port.get("speed") or "N/A"),
                                    component=port["component"], evidence=[port["line"]],
                                    values=values, recommendation=msg("array.ports.recommend")))
        elif state == "down":
            before = _previous(context, PORTS, port["component"], "up")
            if before is not None and int(before["value"]) == 1:
                out.append(make_finding(PORTS, "warning",
                                        msg("array.ports.down_since", label=label,
                                            since=before.get("at") or "?"),
                                        component=port["component"], evidence=[port["line"]],
                                        values=values,
                                        recommendation=msg("array.ports.recommend")))
    if not out:
        up = sum(1 for p in ports if p["state"] == "up")
        out.append(make_finding(PORTS, "ok", msg("array.ports.ok", count=len(ports), up=up,
                                                 unused=len(ports) - up),
                                component="ports",
                                values={"ports": len(ports), "active": up,
                                        "speeds": ", ".join(sorted({p.get("speed") or "?"
                                                                    for p in ports
                                                                    if p["state"] == "up"}))},
                                evidence=[p["line"] for p in ports]))
    return out


# --------------------------------------------------------------------------- pools


def _system_finding(data, context):
    system = data.get("system")
    stats = data.get("system_stats")
    if system is None and stats is not None and not section_failure(stats) \
            and stats.get("write_cache_pct") is not None:
        return [make_finding(POOLS, "ok", msg("array.pools.cache",
                                              write_cache=stats["write_cache_pct"]),
                             component="system", evidence=stats.get("lines") or [],
                             values={"write_cache_pct": stats["write_cache_pct"],
                                     "total_cache_pct": stats.get("total_cache_pct")})]
    if system is None:
        return [] if (context or {}).get("judge") else [
            unknown(POOLS, msg("array.unreadable", what=msg("array.what.system"),
                               reason=msg("reason.not_collected")),
                    component="system", cause="incomplete")]
    failed = section_failure(system)
    if failed:
        return [unknown(POOLS, msg("array.unreadable", what=msg("array.what.system"),
                                   reason=failed[0]), component="system", cause=failed[1])]
    out = []
    if stats is not None and section_failure(stats):
        reason, cause = section_failure(stats)
        out.append(unknown(POOLS, msg("array.unreadable", what=msg("array.what.system_stats"),
                                      reason=reason), component="cache", cause=cause))
    values = {k: system.get(k) for k in ("name", "model", "code_level", "serial", "capacity",
                                         "used", "free", "write_cache_pct", "total_cache_pct",
                                         "cache_high_water_pct")}
    params = {"name": system.get("name") or "?", "model": system.get("model") or "?",
              "code_level": system.get("code_level") or "?"}
    if system.get("write_cache_pct") is not None:
        summary = msg("array.pools.system_cache", write_cache=system["write_cache_pct"],
                      **params)
    else:
        summary = msg("array.pools.system", **params)
    out.append(make_finding(POOLS, "ok", summary, component="system", values=values,
                            evidence=system.get("lines") or []))
    return out


def check_pools(data, thresholds, context):
    out = []
    pools, failed = _read(POOLS, data, "pools", context)
    out.extend(failed)
    if pools is not None and not pools:
        out.append(unknown(POOLS, msg("array.pools.none"), cause="not_applicable"))
    warn, crit = thresholds.get("warning"), thresholds.get("critical")
    for pool in pools or []:
        label = pool["label"]
        values = {k: pool.get(k) for k in ("capacity", "used", "free", "used_pct")}
        values["status"] = pool.get("status") or ""
        if pool.get("state") is None:
            out.append(unknown(POOLS, msg("array.unknown_state", label=label,
                                          status=pool.get("status") or "?"),
                               component=pool["component"], cause="not_understood",
                               evidence=[pool["line"]], values=values))
            continue
        if pool.get("used_pct") is None:
            out.append(unknown(POOLS, msg("array.pools.no_capacity", label=label,
                                          capacity=str(pool.get("capacity")),
                                          free=str(pool.get("free"))),
                               component=pool["component"], cause="not_understood",
                               evidence=[pool["line"]], values=values))
            continue
        used = msg("array.pools.used", label=label, used_pct=pool["used_pct"],
                   used=pool["used"], capacity=pool["capacity"], free=pool["free"])
        level, rec = "ok", None
        if crit is not None and pool["used_pct"] >= crit:
            level, rec = "critical", "array.pools.recommend_full"
        elif warn is not None and pool["used_pct"] >= warn:
            level, rec = "warning", "array.pools.recommend_full"
        summary = used
        state = pool["state"]
        if state in BAD:
            summary = msg("array.pools.state", label=label, state=msg(f"array.state.{state}"),
                          status=pool.get("status") or "?", used=used)
            if SEVERITY[BAD[state]] >= SEVERITY[level]:
                rec = "array.pools.recommend_state"
            level = worst([level, BAD[state]])
        out.append(make_finding(POOLS, level, summary, component=pool["component"],
                                evidence=[pool["line"]], values=values,
                                thresholds={"warning": warn, "critical": crit},
                                recommendation=msg(rec) if rec else ""))
    out.extend(_system_finding(data, context))
    return out


# --------------------------------------------------------------------------- events


def check_events(data, thresholds, context):
    events, out = _read(EVENTS, data, "events", context)
    if events is None:
        return out
    ignore = {str(v).strip().lower() for v in thresholds.get("ignore") or []}

    def ignored(event):
        return any(str(event.get(k) or "").strip().lower() in ignore
                   for k in ("code", "event_id", "description"))

    judged = {"critical": [], "warning": []}
    other = 0
    for event in events:
        severity = event.get("severity")
        if severity is None:
            out.append(unknown(EVENTS, msg("array.events.unknown_level",
                                           label=event.get("label") or event["id"],
                                           status=event.get("status") or "?"),
                               component="events", cause="not_understood",
                               evidence=[event["line"]]))
        elif severity in judged and not ignored(event):
            judged[severity].append(event)
        else:
            other += 1
    for level in ("critical", "warning"):
        listed = judged[level]
        if not listed:
            continue
        texts = [msg("array.events.event", code=e.get("code") or e.get("event_id") or e["id"],
                     description=e.get("description") or "?",
                     object=e.get("object") or e.get("time") or e["id"])
                 for e in listed[:MAX_LISTED]]
        out.append(make_finding(EVENTS, level, msg("array.events.found", count=len(listed),
                                                   events=texts[:3]),
                                component=f"{level} alerts",
                                evidence=[e["line"] for e in listed],
                                values={"count": len(listed),
                                        "codes": ", ".join(sorted({str(e.get("code") or "")
                                                                   for e in listed} - {""}))},
                                thresholds={"ignore": ", ".join(sorted(ignore))},
                                recommendation=msg("array.events.recommend")))
    if not out:
        out.append(make_finding(EVENTS, "ok", msg("array.events.ok", other=other),
                                component="events", values={"count": 0, "other": other}))
    return out


# --------------------------------------------------------------------------- all


def counters(data, context=None):
    """The spare drives' count and each FC port's link (1 up, 0 not), for the next
    inspection's comparison."""
    out = []
    drives = data.get("drives")
    if drives is not None and not section_failure(drives) and drives["items"]:
        out.append(deltas.counter(DRIVES, "spares", "count",
                                  sum(1 for d in drives["items"] if d.get("use") == "spare")))
    ports = data.get("ports")
    if ports is not None and not section_failure(ports):
        for port in ports["items"]:
            if port.get("state") in ("up", "down", "down_configured", "unused", "fault"):
                out.append(deltas.counter(PORTS, port["component"], "up",
                                          1 if port["state"] == "up" else 0))
    return out


def not_applicable(data):
    """The checks with nothing to judge on this array (no internal drive, enclosure, FC port
    or pool), with why: coverage shows them as not applicable."""
    from ansible.module_utils.weibao_inspection.findings import not_applicable as entry

    out = []
    for check_id, names, key in ((DRIVES, ("drives",), "array.drives.none"),
                                 (ENCLOSURES, ("enclosures", "psus", "batteries"),
                                  "array.enclosures.none"),
                                 (PORTS, ("ports",), "array.ports.none"),
                                 (POOLS, ("pools",), "array.pools.none")):
        sections = [data.get(n) for n in names]
        if all(s is not None and not section_failure(s) and not s["items"]
               for s in sections):
            out.append(entry(check_id, msg(key)))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the array area for one array, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    findings.extend(check_drives(data, context))
    findings.extend(check_enclosures(data, context))
    findings.extend(check_ports(data, context))
    findings.extend(check_pools(data, thresholds.get("pools") or {}, context))
    findings.extend(check_events(data, thresholds.get("events") or {}, context))
    return findings
