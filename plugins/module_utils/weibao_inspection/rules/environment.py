# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a server's environment as its BMC reports it (the ``environment`` area), over IPMI
or Redfish: :func:`evaluate` takes the data of ``parsers/ipmi_environment.py`` or
``parsers/redfish_environment.py`` (one shape), the thresholds and the context (``now``,
``since``: the previous inspection's time or None, ``previous``: its counters).

Sensor checks (temperature, fans, power_supplies, voltages, redundancy, other_sensors):
one finding per sensor in warning or critical state (the state the sensor's own status,
thresholds and event states give, never the reading alone), else one ok finding for the
kind. Absent sensors ("ns", "Not Readable", State "Absent", a supply without presence) are
neither: they are named in the finding (``values.absent``, evidence) and the check is judged
on the present ones; a kind with no sensor at all, or only absent ones, is ``unknown`` with
cause ``not_applicable`` (nothing to judge: coverage shows it, and the absent parts are
listed). A sensor state the parser could not read is ``unknown`` (``not_understood``).

``environment.event_log``: the SEL (Redfish: the log service's entries) since the previous
inspection. With the previous inspection's counters (entry count, last record id) only the
entries after that record are new; a count that went down or records that restarted is a
cleared log, the oldest record beyond the previous last one a wrapped log: said (warning),
and what remains counted as new (at least). Without counters but with ``since``, entries
logged after ``since`` (undated Pre-Init entries counted too: never a missed one); without
either, the whole log (``weibao judge`` without ``--since``). New entries are classified
(power_supply, fan, temperature, voltage, memory, processor, intrusion, drive, watchdog,
other); one finding per class with faults: the worst severity, warning when each fault was
deasserted (recovered) later in the log.

``environment.event_log_capacity``: SEL fill (``sel info``): warning at the percent used,
or on overflow. ``environment.chassis``: power state, faults, intrusion, last power event.
``environment.firmware``: informational inventory (BMC, BIOS, RAID, NIC).
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure as _failure

AREA = "environment"
SENSOR_CHECKS = (("environment.temperature", "temperature"), ("environment.fans", "fan"),
                 ("environment.power_supplies", "power_supply"),
                 ("environment.voltages", "voltage"),
                 ("environment.redundancy", "redundancy"),
                 ("environment.other_sensors", "other"))
MAX_LISTED = 10
MAX_FIRMWARE = 60


def _names(items):
    names = [s["name"] for s in items][:MAX_LISTED]
    if len(items) > MAX_LISTED:
        names.append(msg("environment.word.more", count=len(items) - MAX_LISTED))
    return names


def _reading(sensor):
    if sensor.get("reading") is None:
        return ""
    value = sensor["reading"]
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {sensor.get('unit') or ''}".strip()


def check_sensors(data, check_id, kind):
    section = data.get("sensors")
    failed = _failure(section)
    if failed:
        return [unknown(check_id, msg("environment.sensors.unreadable", reason=failed[0]),
                        component=kind, cause=failed[1])]
    mine = [s for s in section["entries"] if s["kind"] == kind]
    absent = [s for s in mine if s["state"] == "absent"]
    present = [s for s in mine if s["state"] != "absent"]
    absent_values = {"absent": ", ".join(s["name"] for s in absent) or None,
                     "absent_count": len(absent)}
    if not mine:
        return [unknown(check_id, msg("environment.sensors.none", kind=msg(
            f"environment.kind.{kind}"), sources=section.get("sources") or []),
            component=kind, cause="not_applicable")]
    if not present:
        return [unknown(check_id, msg("environment.sensors.only_absent", kind=msg(
            f"environment.kind.{kind}"), count=len(absent), names=_names(absent)),
            component=kind, evidence=[s["line"] for s in absent], values=absent_values,
            cause="not_applicable")]
    findings = []
    # the kind's other sensors, on each sensor's own finding too (the report's sensor
    # summary reads them when the kind has no ok finding)
    kind_values = {"kind_ok": sum(1 for s in present if s["state"] == "ok")}
    kind_values.update(absent_values)
    for sensor in present:
        state = sensor["state"]
        values = {"reading": sensor.get("reading"), "unit": sensor.get("unit") or None,
                  "state": state, "states": ", ".join(sensor.get("states") or []) or None,
                  **kind_values}
        thresholds = {k: v for k, v in (sensor.get("thresholds") or {}).items()}
        evidence = sensor.get("lines") or [sensor["line"]]
        if state in ("warning", "critical"):
            said = [x for x in sensor.get("states") or [] if x]
            if sensor.get("reading") is not None:
                detail = msg("environment.sensor.reading", reading=_reading(sensor))
            elif said:
                detail = msg("environment.sensor.states",
                             states=[msg("reason.text", text=x) for x in said])
            else:
                detail = msg("environment.sensor.no_detail")
            findings.append(make_finding(
                check_id, state, msg(f"environment.sensor.{state}", name=sensor["name"],
                                     detail=detail),
                component=sensor["name"], evidence=evidence, values=values,
                thresholds=thresholds,
                recommendation=msg(f"{check_id}.fix", name=sensor["name"])))
        elif state == "unknown":
            findings.append(unknown(check_id, msg("environment.sensor.unknown",
                                                  name=sensor["name"],
                                                  states=[msg("reason.text", text=x) for x in
                                                          sensor.get("states") or ["-"]]),
                                    component=sensor["name"], evidence=evidence,
                                    values=values, cause="not_understood"))
    judged = [s for s in present if s["state"] in ("ok", "warning", "critical")]
    unread = [s for s in present if s["state"] == "unread"]
    if not any(f["status"] in ("warning", "critical") for f in findings) and judged:
        values = {"sensors": len(judged), "not_judged": len(unread)}
        values.update(absent_values)
        summary = msg("environment.sensors.ok", count=len(judged), kind=msg(
            f"environment.kind.{kind}"))
        extra = []
        if absent:
            extra.append(msg("environment.sensors.absent", count=len(absent),
                             names=_names(absent)))
        if unread:
            extra.append(msg("environment.sensors.not_judged", count=len(unread),
                             names=_names(unread)))
        for item in extra:
            summary = msg("environment.join", first=summary, second=item)
        findings.append(make_finding(
            check_id, "ok", summary, component=kind, values=values,
            evidence=[s["line"] for s in judged + unread + absent]))
    elif not judged and unread and not findings:
        findings.append(unknown(check_id, msg("environment.sensors.only_unread",
                                              count=len(unread), names=_names(unread)),
                                component=kind, evidence=[s["line"] for s in unread],
                                cause="not_understood"))
    return findings


# --------------------------------------------------------------------------- event log

COUNTER_CHECK = "environment.event_log"
# seconds a BMC's clock may be ahead of the controller's before its records look newer
CLOCK_SLACK = 300


def _previous(context):
    out = {}
    for key, reading in ((context or {}).get("previous") or {}).items():
        check, _, rest = str(key).partition("|")
        component, _, name = rest.rpartition("|")
        if check == COUNTER_CHECK and component == "sel" and isinstance(reading, dict):
            try:
                out[name] = dict(reading, value=int(reading.get("value")))
            except (TypeError, ValueError):
                continue
    return out


def _epoch(text):
    return deltas._epoch(text)


def new_entries(log, context):
    """(entries to judge, how: {"baseline", "since", "reset", "lower_bound", "previous_*"})."""
    entries = log["entries"]
    previous = _previous(context)
    since = (context or {}).get("since")
    ids = [e["id"] for e in entries if isinstance(e.get("id"), int)]
    count = len(entries)
    how = {"baseline": "whole", "since": None, "reset": None, "lower_bound": False,
           "previous_count": None, "previous_last_id": None}
    last = previous.get("last_id")
    before = previous.get("entries")
    if last is not None and (ids or not entries):
        how.update(baseline="previous", since=last.get("at") or since,
                   previous_last_id=last["value"],
                   previous_count=before["value"] if before else None)
        d = deltas.delta(count, before) if before else None
        newest = max(ids) if ids else None
        oldest = min(ids) if ids else None
        then = _epoch(last.get("at"))
        # a record at or below the previous last id, logged after that inspection: the log
        # was cleared and its ids restarted (and grew past the old last one since)
        refilled = then is not None and any(
            isinstance(e.get("id"), int) and e["id"] <= last["value"]
            and (_epoch(e.get("time")) or 0) > then + CLOCK_SLACK for e in entries)
        if refilled:
            how.update(reset="cleared", lower_bound=True)
            return [e for e in entries if isinstance(e.get("id"), int) and (
                e["id"] > last["value"] or (_epoch(e.get("time")) or then + 1) > then)], how
        if d and d["reset"] == "decreased" or (newest is not None and newest < last["value"]):
            how.update(reset="cleared", lower_bound=True)
            if newest is not None and newest > last["value"] and oldest > last["value"]:
                chosen = [e for e in entries if e.get("id") is not None
                          and e["id"] > last["value"]]
            elif newest is not None and newest > last["value"]:
                chosen = [e for e in entries if e["id"] > last["value"]]
            else:
                chosen = list(entries)  # record ids restarted: every entry is new
            return chosen, how
        if oldest is not None and oldest > last["value"] + 1 and before \
                and count >= before["value"]:
            how.update(reset="wrapped", lower_bound=True)
        return [e for e in entries if e.get("id") is not None and e["id"] > last["value"]], how
    if since:
        then = _epoch(since)
        how.update(baseline="since", since=since)
        chosen = []
        for entry in entries:
            when = _epoch(entry.get("time"))
            if when is None or then is None or when > then:
                chosen.append(entry)
        return chosen, how
    return list(entries), how


SEVERITY_RANK = {"info": 0, "recovery": 0, "warning": 2, "critical": 3}


def _when(how):
    if how["baseline"] == "previous":
        return msg("environment.event_log.when_previous", since=how["since"] or "?",
                   record=how["previous_last_id"])
    if how["baseline"] == "since":
        return msg("environment.event_log.when_since", since=how["since"])
    return msg("environment.event_log.when_whole")


def check_event_log(data, context=None):
    check_id = "environment.event_log"
    log = data.get("event_log")
    failed = _failure(log)
    if failed:
        return [unknown(check_id, msg("environment.event_log.unreadable", reason=failed[0]),
                        component="event_log", cause=failed[1])]
    chosen, how = new_entries(log, context or {})
    findings = []
    base = {"baseline": how["baseline"], "since": how["since"], "reset": how["reset"],
            "lower_bound": how["lower_bound"], "entries": len(log["entries"]),
            "new_entries": len(chosen)}
    if how["reset"]:
        findings.append(make_finding(
            check_id, "warning", msg(f"environment.event_log.{how['reset']}",
                                     since=how["since"] or "?", count=len(chosen),
                                     record=how["previous_last_id"]),
            component="event_log", values=base,
            evidence=[f"entries now: {len(log['entries'])}, previous: {how['previous_count']}, "
                      f"previous last record: {how['previous_last_id']}"],
            recommendation=msg(f"environment.event_log.{how['reset']}_fix")))
    faults = {}
    for index, entry in enumerate(chosen):
        if entry["severity"] in ("warning", "critical"):
            faults.setdefault(entry["class"], []).append(index)
    for cls in [c for c in CLASSES_ORDER if c in faults]:
        items = [chosen[i] for i in faults[cls]]
        recovered = []
        for i in faults[cls]:
            entry = chosen[i]
            later = [e for e in chosen[i + 1:] if e["severity"] == "recovery"
                     and e["sensor"] == entry["sensor"] and e["event"] == entry["event"]]
            recovered.append(bool(later))
        status = worst(e["severity"] for e in items)
        all_recovered = all(recovered)
        if all_recovered and status == "critical":
            status = "warning"
        last = items[-1]
        values = dict(base, cls=cls, count=len(items), recovered=all_recovered,
                      last_time=last.get("time"), last_event=last["event"])
        summary = msg("environment.event_log.faults", count=len(items),
                      cls=msg(f"environment.class.{cls}"), when=_when(how),
                      last=last["event"], sensor=last["sensor"] or "-",
                      recovered=msg("environment.event_log.recovered") if all_recovered else "")
        findings.append(make_finding(
            check_id, status, summary, component=cls, values=values,
            evidence=[e["line"] for e in items][-20:],
            recommendation=msg(f"environment.event_log.fix_{cls}")))
    if not faults:
        recoveries = sum(1 for e in chosen if e["severity"] == "recovery")
        findings.append(make_finding(
            check_id, "ok", msg("environment.event_log.none", count=len(chosen), when=_when(how),
                                recoveries=recoveries),
            component="event_log", values=base,
            evidence=[e["line"] for e in chosen][-10:]))
    if not log.get("names", True) and chosen:
        values = dict(base)
        findings.append(make_finding(
            check_id, "ok", msg("environment.event_log.no_names"), component="names",
            values=values))
    return findings


CLASSES_ORDER = ("power_supply", "fan", "temperature", "voltage", "memory", "processor",
                 "intrusion", "drive", "watchdog", "other")


def check_event_log_capacity(data, thresholds):
    check_id = "environment.event_log_capacity"
    info = data.get("event_log_info")
    if info is None and data.get("protocol") == "redfish":
        return []
    failed = _failure(info)
    if failed:
        return [unknown(check_id, msg("environment.event_log_capacity.unreadable",
                                      reason=failed[0]), component="sel", cause=failed[1])]
    warning = thresholds["event_log_capacity"].get("warning")
    percent = info.get("percent_used")
    values = {"entries": info["entries"], "percent_used": percent,
              "free_bytes": info.get("free_bytes"), "overflow": info["overflow"]}
    evidence = [f"Entries: {info['entries']}", f"Percent Used: {percent}",
                f"Free Space: {info.get('free_bytes')} bytes", f"Overflow: {info['overflow']}"]
    if info["overflow"]:
        return [make_finding(check_id, "warning", msg("environment.event_log_capacity.overflow",
                                                      entries=info["entries"]),
                             component="sel", values=values, evidence=evidence,
                             thresholds={"warning": warning},
                             recommendation=msg("environment.event_log_capacity.fix"))]
    if percent is None:
        return [unknown(check_id, msg("environment.event_log_capacity.no_percent",
                                      entries=info["entries"]),
                        component="sel", evidence=evidence, values=values,
                        cause="incomplete")]
    status = "warning" if warning is not None and percent >= warning else "ok"
    return [make_finding(check_id, status, msg("environment.event_log_capacity.summary",
                                               pct=percent, entries=info["entries"]),
                         component="sel", values=values, evidence=evidence,
                         thresholds={"warning": warning},
                         recommendation=None if status == "ok"
                         else msg("environment.event_log_capacity.fix"))]


# --------------------------------------------------------------------------- chassis

POWER_EVENTS_WARN = ("ac-failed", "overload", "interlock", "fault", "ac failed")


def check_chassis(data):
    check_id = "environment.chassis"
    chassis = data.get("chassis")
    system = data.get("system")
    if chassis is None and system is not None and not _failure(system):
        chassis = {"power": system["power"], "faults": [], "intrusion": False,
                   "last_power_event": "", "fields": {"PowerState": system["power"]},
                   "health": system.get("health", "")}
        if system.get("health", "").lower() in ("warning", "critical"):
            chassis["faults"] = [f"Status.Health {system['health']}"]
    failed = _failure(chassis if chassis is not None else system)
    if failed:
        return [unknown(check_id, msg("environment.chassis.unreadable", reason=failed[0]),
                        component="chassis", cause=failed[1])]
    evidence = [f"{k}: {v}" for k, v in chassis.get("fields", {}).items()]
    values = {"power": chassis["power"], "intrusion": chassis["intrusion"],
              "faults": ", ".join(chassis["faults"]) or None,
              "last_power_event": chassis.get("last_power_event") or None}
    findings = []
    for fault in chassis["faults"]:
        critical = "Health Warning" not in fault
        findings.append(make_finding(
            check_id, "critical" if critical else "warning",
            msg("environment.chassis.fault", fault=fault), component=fault, values=values,
            evidence=evidence, recommendation=msg("environment.chassis.fault_fix", fault=fault)))
    if chassis["intrusion"]:
        findings.append(make_finding(
            check_id, "warning", msg("environment.chassis.intrusion"), component="intrusion",
            values=values, evidence=evidence,
            recommendation=msg("environment.chassis.intrusion_fix")))
    event = (chassis.get("last_power_event") or "").lower()
    if any(word in event for word in POWER_EVENTS_WARN):
        findings.append(make_finding(
            check_id, "warning", msg("environment.chassis.power_event",
                                     event=chassis["last_power_event"]),
            component="last_power_event", values=values, evidence=evidence,
            recommendation=msg("environment.chassis.power_event_fix")))
    if chassis["power"] not in ("on",):
        findings.append(make_finding(
            check_id, "warning", msg("environment.chassis.power_off", state=chassis["power"]
                                     or "?"),
            component="power", values=values, evidence=evidence,
            recommendation=msg("environment.chassis.power_off_fix")))
    if not findings:
        findings.append(make_finding(
            check_id, "ok", msg("environment.chassis.ok", event=chassis.get("last_power_event")
                                or "-"),
            component="chassis", values=values, evidence=evidence))
    return findings


# --------------------------------------------------------------------------- firmware


def check_firmware(data):
    check_id = "environment.firmware"
    section = data.get("firmware")
    failed = _failure(section)
    if failed:
        return [unknown(check_id, msg("environment.firmware.unreadable", reason=failed[0]),
                        component="firmware", cause=failed[1])]
    items = section["items"]
    if not items:
        return [unknown(check_id, msg("environment.firmware.none"), component="firmware",
                        cause="incomplete")]
    findings = []
    seen = set()
    for item in items[:MAX_FIRMWARE]:
        component = item.get("id") or item["name"]
        if component in seen:
            component = f"{component} ({item['name']})"
        seen.add(component)
        values = {"name": item["name"], "version": item.get("version") or None}
        for key in ("manufacturer", "model", "updateable", "serial"):
            if item.get(key) not in (None, ""):
                values[key] = item[key]
        findings.append(make_finding(
            check_id, "ok", msg("environment.firmware.item", name=item["name"],
                                version=item.get("version") or "?"),
            component=component, values=values,
            evidence=[f"{item['name']}: {item.get('version') or '-'}"]))
    return findings


# --------------------------------------------------------------------------- all


def counters(data, context=None):
    """The SEL's entry count and last record id, for the next inspection's "new entries"."""
    log = data.get("event_log")
    if log is None or _failure(log):
        return []
    ids = [e["id"] for e in log["entries"] if isinstance(e.get("id"), int)]
    out = [deltas.counter(COUNTER_CHECK, "sel", "entries", len(log["entries"]))]
    if ids or not log["entries"]:
        out.append(deltas.counter(COUNTER_CHECK, "sel", "last_id", max(ids) if ids else 0))
    return out


def not_applicable(data):
    """The sensor checks with nothing to judge on this BMC (no sensor of the kind, or only
    absent ones), with why: coverage shows them as not applicable, not as not evaluated.
    :func:`evaluate` still says it in an ``unknown`` finding (cause ``not_applicable``), so
    ``weibao judge`` shows it too."""
    from ansible.module_utils.weibao_inspection.findings import not_applicable as entry

    section = data.get("sensors")
    if section is None or _failure(section):
        return []
    out = []
    for check_id, kind in SENSOR_CHECKS:
        mine = [s for s in section["entries"] if s["kind"] == kind]
        if not mine:
            reason = msg("environment.sensors.none", kind=msg(f"environment.kind.{kind}"),
                         sources=section.get("sources") or [])
        elif all(s["state"] == "absent" for s in mine):
            reason = msg("environment.sensors.only_absent", kind=msg(
                f"environment.kind.{kind}"), count=len(mine), names=_names(mine))
        else:
            continue
        out.append(entry(check_id, reason, component=kind))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the environment area for one BMC, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    for check_id, kind in SENSOR_CHECKS:
        findings.extend(check_sensors(data, check_id, kind))
    findings.extend(check_event_log(data, context))
    findings.extend(check_event_log_capacity(data, thresholds))
    findings.extend(check_chassis(data))
    findings.extend(check_firmware(data))
    return findings
