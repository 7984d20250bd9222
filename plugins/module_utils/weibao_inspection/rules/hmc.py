# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an IBM Power HMC (the ``hmc`` area): :func:`evaluate` takes the data of
``parsers/ibm_hmc_hmc.py``, the thresholds and the context (``previous``: the previous
inspection's counters; ``since``: its time; ``judge``: ``weibao judge`` with some sources
only).

- ``hmc.systems``: one finding per managed system: Operating / Standby ok (with its LPARs),
  Error*, No Connection, Incomplete, Failed Authentication, Recovery critical; Power Off
  (unless in ``expected_off``), transitions, Pending Authentication, Version Mismatch
  warning; a state not known here unknown.
- ``hmc.events``: one finding per open serviceable hardware event; an event that was not
  open at the previous inspection is *new* (the counters hold every open problem number);
  without those counters, new means created after ``since`` (the HMC's local time compared
  with UTC: at worst a few hours' doubt, resolved towards new), or every event when there is
  no previous inspection. New: critical (warning for a ``warning_prefixes`` reference code);
  still open: warning. The values carry the system and its LPARs (``lpars``) so reports can
  show the event under the AIX hosts it affects.
- ``hmc.firmware``: per system, activated level != installed level warning.

A section not collected, not understood or not readable gives ``unknown`` with the cause,
never ok.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "hmc"
SYSTEMS = "hmc.systems"
EVENTS = "hmc.events"
FIRMWARE = "hmc.firmware"

OK_STATES = ("operating", "standby")
CRITICAL_STATES = ("error", "no connection", "incomplete", "failed authentication",
                   "recovery")
WARNING_STATES = ("power off", "power off in progress", "powering off", "initializing",
                  "powering on", "pending authentication", "version mismatch",
                  "service processor failover", "power on")
CONNECTION_STATES = ("no connection", "incomplete", "failed authentication",
                     "pending authentication", "version mismatch")


def _norm(state):
    return " ".join((state or "").replace("\u2013", "-").lower().split())


def state_level(state):
    """ok / warning / critical for a managed system state, None when not known."""
    text = _norm(state)
    if text in OK_STATES:
        return "ok"
    for known in CRITICAL_STATES:
        if text == known or text.startswith(known + " -") or text.startswith(known + " "):
            return "critical"
    for known in WARNING_STATES:
        if text == known or text.startswith(known + " -") or text.startswith(known + " "):
            return "warning"
    return None


def _read(check_id, data, name, context):
    section = data.get(name)
    if section is None and (context or {}).get("judge"):
        return None, []
    failed = section_failure(section)
    if failed:
        return None, [unknown(check_id, msg("hmc.unreadable", what=msg(f"hmc.what.{name}"),
                                            reason=failed[0]),
                              component=name, cause=failed[1])]
    return section, []


def _lpars(data, system):
    names = (data.get("system_lpars") or {}).get(system)
    return ", ".join(names) if names else ""


def _lpar_text(data, system):
    return _lpars(data, system) or msg("hmc.none")


# --------------------------------------------------------------------------- systems


def check_systems(data, thresholds, context):
    section, out = _read(SYSTEMS, data, "systems", context)
    if section is None:
        return out
    systems = section["items"]
    if not systems:
        return [unknown(SYSTEMS, msg("hmc.systems.none"), cause="not_applicable")]
    expected_off = {str(v).strip().lower() for v in thresholds.get("expected_off") or []}
    lpars = data.get("lpars")
    for system in systems:
        name, state = system["name"], system["state"]
        level = state_level(state)
        params = dict(system=name, model=system["type_model"] or "?",
                      serial=system["serial_num"] or "?", state=state)
        values = {"state": state, "type_model": system["type_model"],
                  "serial_num": system["serial_num"], "lpars": _lpars(data, name)}
        if level is None:
            out.append(unknown(SYSTEMS, msg("hmc.systems.unknown_state", system=name,
                                            state=state),
                               component=name, cause="not_understood",
                               evidence=[system["line"]], values=values))
            continue
        if level == "warning" and _norm(state) == "power off" and name.lower() in expected_off:
            out.append(make_finding(SYSTEMS, "ok", msg("hmc.systems.off_expected", **params),
                                    component=name, evidence=[system["line"]], values=values,
                                    thresholds={"expected_off": ", ".join(sorted(expected_off))}))
            continue
        if level == "ok":
            listed = (lpars or {}).get(name) if isinstance(lpars, dict) else None
            failed = section_failure(listed) if lpars is not None else None
            if failed and not (context or {}).get("judge"):
                # the system is fine, but which LPARs run on it is not known: say so
                out.append(unknown(SYSTEMS, msg("hmc.system_unreadable", system=name,
                                                what=msg("hmc.what.lpars"), reason=failed[0]),
                                   component=f"{name} lpars", cause=failed[1]))
            count = len((data.get("system_lpars") or {}).get(name) or [])
            values["lpar_count"] = count
            out.append(make_finding(SYSTEMS, "ok", msg("hmc.systems.ok", lpars=count, **params),
                                    component=name, evidence=[system["line"]], values=values))
            continue
        norm = _norm(state)
        if any(norm.startswith(s) for s in CONNECTION_STATES):
            rec = "hmc.systems.recommend_connection"
        elif norm.startswith("power off"):
            rec = "hmc.systems.recommend_off"
        else:
            rec = "hmc.systems.recommend_error"
        out.append(make_finding(SYSTEMS, level,
                                msg("hmc.systems.bad", lpars=_lpar_text(data, name), **params),
                                component=name, evidence=[system["line"]], values=values,
                                recommendation=msg(rec)))
    return out


# --------------------------------------------------------------------------- events


def _seen_before(context):
    """(baseline, {problem numbers open at the previous inspection})."""
    previous = (context or {}).get("previous") or {}
    baseline = deltas.key(EVENTS, "events", "open") in previous
    prefix = EVENTS + "|problem "
    seen = {k[len(prefix):].rsplit("|", 1)[0] for k in previous if k.startswith(prefix)}
    return baseline, seen


def _is_new(event, baseline, seen, since):
    if baseline:
        return event["problem_num"] not in seen
    if not since:
        return True
    created = event.get("created")
    if not created:
        return True
    return created >= str(since).replace(" ", "T")[:19]


def check_events(data, thresholds, context):
    section, out = _read(EVENTS, data, "events", context)
    if section is None:
        return out
    ignore = {str(v).strip().lower() for v in thresholds.get("ignore") or []}
    prefixes = tuple(str(v).strip().upper() for v in thresholds.get("warning_prefixes") or []
                     if str(v).strip())
    baseline, seen = _seen_before(context)
    since = (context or {}).get("since")
    judged = {"ignore": ", ".join(sorted(ignore)), "warning_prefixes": ", ".join(prefixes)}
    for event in section["items"]:
        status = event["status"].lower()
        if status == "closed":
            continue  # the filter asked for open events; a closed one is not a problem
        if event["refcode"].lower() in ignore or event["problem_num"].lower() in ignore:
            continue
        system = event["sys_name"]
        if status != "open":  # neither open nor closed: not known, never passed over
            out.append(unknown(EVENTS, msg("hmc.events.unknown_status",
                                           problem=event["problem_num"] or "?",
                                           system=system or "?", status=event["status"],
                                           refcode=event["refcode"] or "?",
                                           text=event["text"] or "?"),
                               component=f"problem {event['problem_num']}",
                               cause="not_understood", evidence=[event["line"]]))
            continue
        new = _is_new(event, baseline, seen, since)
        if new:
            level = "warning" if prefixes and event["refcode"].upper().startswith(prefixes) \
                else "critical"
        else:
            level = "warning"
        params = dict(problem=event["problem_num"], system=system or "?",
                      refcode=event["refcode"] or "?", text=event["text"] or "?",
                      created=event["created_time"] or "?", lpars=_lpar_text(data, system))
        out.append(make_finding(
            EVENTS, level, msg("hmc.events.new" if new else "hmc.events.open", **params),
            component=f"problem {event['problem_num']}", evidence=[event["line"]],
            values={"problem_num": event["problem_num"], "refcode": event["refcode"],
                    "system": system, "sys_mtms": event["sys_mtms"],
                    "created_time": event["created_time"], "new": new,
                    "lpars": _lpars(data, system)},
            thresholds=judged, recommendation=msg("hmc.events.recommend")))
    if not out:
        out.append(make_finding(EVENTS, "ok", msg("hmc.events.ok"), component="events",
                                values={"count": 0}, thresholds=judged))
    return out


# --------------------------------------------------------------------------- firmware


def check_firmware(data, context):
    firmware = data.get("firmware")
    if firmware is None and (context or {}).get("judge"):
        return []
    failed = section_failure(firmware)
    if failed:
        return [unknown(FIRMWARE, msg("hmc.unreadable", what=msg("hmc.what.firmware"),
                                      reason=failed[0]), component="firmware",
                        cause=failed[1])]
    out = []
    if not firmware:
        systems = data.get("systems")
        if systems is not None and not section_failure(systems) and not systems["items"]:
            return []  # no managed system: hmc.systems says so
        return [unknown(FIRMWARE, msg("hmc.unreadable", what=msg("hmc.what.firmware"),
                                      reason=msg("reason.not_collected")),
                        component="firmware", cause="incomplete")]
    for system, section in sorted(firmware.items()):
        failed = section_failure(section)
        if failed:
            out.append(unknown(FIRMWARE, msg("hmc.system_unreadable", system=system,
                                             what=msg("hmc.what.firmware"), reason=failed[0]),
                               component=system, cause=failed[1]))
            continue
        if not section["items"]:
            out.append(unknown(FIRMWARE, msg("hmc.system_unreadable", system=system,
                                             what=msg("hmc.what.firmware"),
                                             reason=msg("hmc.parse.empty")),
                               component=system, cause="not_understood"))
            continue
        for item in section["items"]:
            activated, installed = item["activated_level"], item["installed_level"]
            values = {k: item[k] for k in ("ecnumber", "activated_level", "installed_level",
                                           "accepted_level", "activated_spname",
                                           "installed_spname", "accepted_spname")}
            params = dict(system=system, ecnumber=item["ecnumber"] or "?",
                          activated=activated or "?", installed=installed or "?",
                          accepted=item["accepted_level"] or "?",
                          activated_name=item["activated_spname"] or "?",
                          installed_name=item["installed_spname"] or "?",
                          accepted_name=item["accepted_spname"] or "?")
            if not activated or not installed or not activated.isdigit() \
                    or not installed.isdigit():
                out.append(unknown(FIRMWARE, msg("hmc.firmware.unreadable_levels",
                                                 system=system, text=item["line"]),
                                   component=system, cause="not_understood",
                                   evidence=[item["line"]], values=values))
            elif activated != installed:
                out.append(make_finding(FIRMWARE, "warning", msg("hmc.firmware.pending",
                                                                 **params),
                                        component=system, evidence=[item["line"]],
                                        values=values,
                                        recommendation=msg("hmc.firmware.recommend")))
            else:
                out.append(make_finding(FIRMWARE, "ok", msg("hmc.firmware.ok", **params),
                                        component=system, evidence=[item["line"]],
                                        values=values))
    return out


# --------------------------------------------------------------------------- all


def counters(data, context=None):
    """The open problem numbers (each a counter 1) and their count: the next inspection
    tells new events from those already open."""
    events = data.get("events")
    if events is None or section_failure(events):
        return []
    open_events = [e for e in events["items"] if e["status"].lower() == "open"]
    out = [deltas.counter(EVENTS, "events", "open", len(open_events))]
    for event in open_events:
        out.append(deltas.counter(EVENTS, f"problem {event['problem_num']}", "open", 1))
    return out


def not_applicable(data):
    """An HMC that manages no system: its firmware check has nothing to judge."""
    from ansible.module_utils.weibao_inspection.findings import not_applicable as entry

    systems = data.get("systems")
    if systems is not None and not section_failure(systems) and not systems["items"]:
        return [entry(FIRMWARE, msg("hmc.systems.none"))]
    return []


def evaluate(data, thresholds=None, context=None):
    """All findings of the hmc area for one HMC, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    findings.extend(check_systems(data, thresholds.get("systems") or {}, context))
    findings.extend(check_events(data, thresholds.get("events") or {}, context))
    findings.extend(check_firmware(data, context))
    return findings
