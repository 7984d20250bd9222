# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a switch or router (the ``network`` area): :func:`evaluate` takes the data of any
``parsers/<platform>_network.py`` (one shape, catalogue/network.py and the area's contract),
the thresholds and the context:

``now``       epoch seconds of this inspection;
``since``     ISO time of the previous inspection (None: the first one, or ``weibao judge``
              without ``--since``);
``previous``  the previous inspection's counters ({"check|component|name": {"value", "at",
              "boot_time"}}, deltas.py);
``judge``     ``weibao judge`` with one saved output: a section not given says nothing;
``platform``  the device's platform: a section whose command the platform does not have
              (registry) says nothing either.

A section not collected is ``unknown`` (incomplete), a failure section keeps its cause, and
lines a parser did not understand (``unparsed``) make every check reading that section
``unknown`` (not_understood) beside what it could judge: never a false ok.

Reloads: the device reloaded since the previous inspection when its uptime is shorter than
the uptime read then, or than the time since then. Interface counters are judged on their
increase (deltas.py); a reload, a ``clear counters`` after the previous reading
(``counters_cleared``) or a counter that went down is a reset: the increase is at least the
current value.
"""

from __future__ import annotations

import datetime
import fnmatch
import re

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import (
    judge,
    make_finding,
    unknown,
    worst,
)
from ansible.module_utils.weibao_inspection.findings import (
    not_applicable as na_entry,
)
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "network"
HARDWARE = "network.hardware"
ALARMS = "network.alarms"
CPU = "network.cpu"
MEMORY = "network.memory"
RELOAD = "network.reload"
DOWN = "network.interfaces_down"
ERRORS = "network.interface_errors"
OPTICS = "network.optics"
ERR_DISABLED = "network.err_disabled"
DUPLEX = "network.duplex"
LOGS = "network.logs"
CONFIG = "network.config_saved"
SOFTWARE = "network.software"

ERROR_COUNTERS = ("crc", "input_errors", "output_errors", "giants", "runts", "symbol_errors")
DROP_COUNTERS = ("output_drops", "input_drops")
MAX_LISTED = 5
# a device's uptime is printed to the minute; /proc-like boot times drift: a reload is an
# uptime shorter than the time since by more than this
RELOAD_SLACK = 120
# the raw keys (registry Source.key) a data section comes from
SECTION_KEYS = {
    "device": ("version", "inventory"),
    "fans": ("environment", "fans"),
    "power_supplies": ("environment", "power"),
    "temperatures": ("environment", "temperature"),
    "modules": ("modules",),
    "alarms": ("alarms",),
    "cpu": ("cpu",),
    "memory": ("memory", "cpu"),  # NX-OS: show system resources
    "interfaces": ("interfaces", "interfaces_brief"),
    "transceivers": ("transceivers",),
    "optics": ("transceivers",),
    "logs": ("logs",),
    "config": ("saved_state", "running_config"),
}
HARDWARE_SECTIONS = (("fans", "fan"), ("power_supplies", "psu"), ("temperatures", "sensor"),
                     ("modules", "module"))
FAULT_LOG_KINDS = ("psu", "fan", "temperature", "err_disable", "stp_change")
INFO_LOG_KINDS = ("auth", "config", "reload")


# --------------------------------------------------------------------------- reading


def _offered(name, context):
    """Whether the device's platform has a command for section ``name`` (True when the
    platform is not known)."""
    platform = (context or {}).get("platform")
    if not platform:
        return True
    from ansible.module_utils.weibao_inspection import registry

    keys = {s.key for s in registry.sources(platform) if s.area == AREA}
    return not keys or bool(keys & set(SECTION_KEYS.get(name, (name,))))


def _unparsed(data, name, section):
    """Every line the parser left unread for section ``name``: on the section, in the
    top-level ``unparsed`` map, or on its items."""
    lines = []
    if isinstance(section, dict) and isinstance(section.get("unparsed"), list):
        lines.extend(section["unparsed"])
    top = data.get("unparsed")
    if isinstance(top, dict) and isinstance(top.get(name), list):
        lines.extend(top[name])
    for item in _items(section) or []:
        if isinstance(item, dict) and isinstance(item.get("unparsed"), list):
            lines.extend(item["unparsed"])
    return [str(line) for line in lines]


def _items(section):
    if isinstance(section, list):
        return section
    if isinstance(section, dict) and isinstance(section.get("items"), list):
        return section["items"]
    return None


def _failure(check_id, name, failed):
    return unknown(check_id, msg("network.unreadable", what=msg(f"network.what.{name}"),
                                 reason=failed[0]), component=name, cause=failed[1])


def _not_understood(check_id, name, lines):
    return unknown(check_id, msg("network.unparsed", what=msg(f"network.what.{name}"),
                                 count=len(lines), line=lines[0][:120]),
                   component=name, cause="not_understood", evidence=lines)


def _read(check_id, data, name, context, listed=True):
    """(the section's items or the section, findings): a section absent in ``weibao judge``
    or not offered by the platform gives (None, []); one that cannot be judged gives an
    unknown; lines not understood give an unknown beside the data."""
    section = data.get(name)
    if section is None and ((context or {}).get("judge") or not _offered(name, context)):
        return None, []
    failed = section_failure(section)
    if failed:
        return None, [_failure(check_id, name, failed)]
    out = []
    lines = _unparsed(data, name, section)
    if lines:
        out.append(_not_understood(check_id, name, lines))
    shape = _items(section) if listed else section if isinstance(section, dict) else None
    if shape is None:  # not the contract's shape: a parser's bug, never an ok
        return None, [_failure(check_id, name, (msg("reason.not_understood", source=name,
                                                    detail=type(section).__name__),
                                                "not_understood"))]
    if listed:
        items = shape
        # a parser may also turn a line it did not understand into an item marked
        # ``unparsed: True``: the unknown above already says so
        return [i for i in items if isinstance(i, dict)
                and not (i.get("unparsed") is True and lines)], out
    return section, out


def _epoch(text):
    if text is None or text == "":
        return None
    if isinstance(text, (int, float)):
        return float(text)
    value = str(text).strip().replace("Z", "+00:00")
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.timestamp()


def _iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _previous(context, check_id, component, name):
    reading = ((context or {}).get("previous") or {}).get(deltas.key(check_id, component, name))
    return reading if isinstance(reading, dict) and reading.get("value") is not None else None


def _matches(name, patterns):
    name = str(name or "").lower()
    return any(fnmatch.fnmatchcase(name, str(p).strip().lower()) for p in patterns or ())


def _ok_allowed(findings):
    return not any(f["status"] != "ok" for f in findings)


# --------------------------------------------------------------------------- hardware


def _hardware_item(kind, item, ignore):
    """The finding of one part in a bad state (or of a state not known), else None."""
    name = str(item.get("name") or "?")
    label = msg(f"network.kind.{kind}", name=name)
    component = f"{kind} {name}"
    raw = str(item.get("raw") or item.get("state") or "")
    if _matches(name, ignore):
        return None
    state = item.get("state")
    if kind == "sensor":
        return _temperature(item, label, component, raw)
    if state in ("ok", "absent", "empty"):
        return None
    if state in ("failed", "no_input", "offline"):
        level = "warning" if state == "offline" else "critical"
        rec = {"psu": "network.hardware.recommend_psu", "fan": "network.hardware.recommend_fan"}
        return make_finding(HARDWARE, level, msg("network.hardware.bad", label=label,
                                                 state=msg(f"network.state.{state}"), raw=raw),
                            component=component, evidence=[raw],
                            values={"state": state, "model": item.get("model") or "",
                                    "serial": item.get("serial") or ""},
                            recommendation=msg(rec.get(kind,
                                                       "network.hardware.recommend_module")))
    return unknown(HARDWARE, msg("network.hardware.unknown_state", label=label, raw=raw),
                   component=component, cause="not_understood", evidence=[raw])


def _temperature(item, label, component, raw):
    celsius = item.get("celsius")
    warn, crit = item.get("warning"), item.get("critical")
    by_value = judge(celsius, warn, crit) if celsius is not None else "unknown"
    state = item.get("state")
    by_state = state if state in ("ok", "warning", "critical") else "unknown"
    if by_value == "unknown" and by_state == "unknown":
        return unknown(HARDWARE, msg("network.hardware.unknown_state", label=label, raw=raw),
                       component=component, cause="not_understood", evidence=[raw])
    level = worst([s for s in (by_value, by_state) if s != "unknown"])
    if level == "ok":
        return None
    values = {"celsius": celsius, "warning": warn, "critical": crit, "state": state or ""}
    limit = crit if level == "critical" else warn
    if by_value == level and limit is not None:
        summary = msg("network.hardware.temperature", label=label, celsius=celsius,
                      level=msg(f"network.level.{level}"), limit=limit)
    else:
        summary = msg("network.hardware.temperature_state", label=label,
                      celsius=celsius if celsius is not None else "?",
                      level=msg(f"network.level.{level}"))
    return make_finding(HARDWARE, level, summary, component=component, evidence=[raw],
                        values=values, thresholds={"warning": warn, "critical": crit},
                        recommendation=msg("network.hardware.recommend_temperature"))


def check_hardware(data, thresholds, context):
    out, counts, readable = [], {}, False
    absent = empty = 0
    ignore = thresholds.get("ignore") or []
    for name, kind in HARDWARE_SECTIONS:
        items, found = _read(HARDWARE, data, name, context)
        out.extend(found)
        if items is None:
            continue
        readable = True
        counts[name] = sum(1 for i in items if i.get("state") not in ("absent", "empty"))
        absent += sum(1 for i in items if i.get("state") == "absent")
        empty += sum(1 for i in items if i.get("state") == "empty")
        for item in items:
            finding = _hardware_item(kind, item, ignore)
            if finding is not None:
                out.append(finding)
    if readable and not out and not any(counts.values()) and not absent and not empty:
        return [unknown(HARDWARE, msg("network.hardware.none"), cause="not_applicable")]
    if readable and _ok_allowed(out):
        out.append(make_finding(HARDWARE, "ok", msg(
            "network.hardware.ok", fans=counts.get("fans", 0),
            psus=counts.get("power_supplies", 0), sensors=counts.get("temperatures", 0),
            modules=counts.get("modules", 0), absent=absent, empty=empty),
            component="hardware", values=dict(counts, absent=absent, empty_slots=empty),
            thresholds={"ignore": ", ".join(ignore)}))
    return out


# --------------------------------------------------------------------------- alarms


def check_alarms(data, thresholds, context):
    alarms, out = _read(ALARMS, data, "alarms", context)
    if alarms is None:
        return out
    ignore = {str(v).strip().lower() for v in thresholds.get("ignore") or []}
    judged = {"critical": [], "warning": []}
    info = 0
    for alarm in alarms:
        if {str(alarm.get("id") or "").strip().lower(),
                str(alarm.get("text") or "").strip().lower()} & ignore:
            continue
        severity = alarm.get("severity")
        if severity in ("critical", "major"):
            judged["critical"].append(alarm)
        elif severity in ("minor", "warning"):
            judged["warning"].append(alarm)
        elif severity == "info":
            info += 1
        else:
            out.append(unknown(ALARMS, msg("network.alarms.unknown_level",
                                           id=alarm.get("id") or "?",
                                           text=alarm.get("text") or ""),
                               component="alarms", cause="not_understood",
                               evidence=[alarm.get("text") or ""]))
    for level in ("critical", "warning"):
        listed = judged[level]
        if not listed:
            continue
        texts = [msg("network.alarms.alarm", id=a.get("id") or "?", text=a.get("text") or "")
                 for a in listed[:MAX_LISTED]]
        out.append(make_finding(
            ALARMS, level, msg("network.alarms.found", count=len(listed), alarms=texts[:3]),
            component=f"{level} alarms",
            evidence=[" ".join(str(a.get(k) or "") for k in ("raised", "id", "severity",
                                                               "text")).strip()
                      for a in listed],
            values={"count": len(listed),
                    "ids": ", ".join(str(a.get("id") or "") for a in listed)},
            thresholds={"ignore": ", ".join(sorted(ignore))},
            recommendation=msg("network.alarms.recommend")))
    if _ok_allowed(out):
        out.append(make_finding(ALARMS, "ok", msg("network.alarms.ok", info=info),
                                component="alarms", values={"count": 0, "info": info}))
    return out


# --------------------------------------------------------------------------- cpu, memory


def check_cpu(data, thresholds, context):
    cpu, out = _read(CPU, data, "cpu", context, listed=False)
    if cpu is None:
        return out
    window = next((k for k in ("percent_5m", "percent_1m", "percent_5s")
                   if cpu.get(k) is not None), None)
    values = {k: cpu.get(k) for k in ("percent_5s", "percent_1m", "percent_5m")}
    if window is None:
        return out + [unknown(CPU, msg("network.cpu.none"), component="cpu",
                              cause="not_understood", values=values)]
    percent = float(cpu[window])
    warn, crit = thresholds.get("warning"), thresholds.get("critical")
    level = judge(percent, warn, crit)
    out.append(make_finding(CPU, level, msg("network.cpu.used", percent=percent,
                                            window=msg(f"network.cpu.window.{window}")),
                            component="cpu", values=dict(values, percent=percent),
                            thresholds={"warning": warn, "critical": crit},
                            recommendation=msg("network.cpu.recommend") if level != "ok"
                            else ""))
    return out


def check_memory(data, thresholds, context):
    memory, out = _read(MEMORY, data, "memory", context, listed=False)
    if memory is None:
        return out
    used, total = memory.get("used_bytes"), memory.get("total_bytes")
    percent = memory.get("percent")
    if percent is None and used is not None and total:
        percent = 100.0 * used / total
    values = {"used_bytes": used, "total_bytes": total, "percent": percent}
    if percent is None:
        return out + [unknown(MEMORY, msg("network.memory.none"), component="memory",
                              cause="not_understood", values=values)]
    percent = round(float(percent), 1)
    warn, crit = thresholds.get("warning"), thresholds.get("critical")
    level = judge(percent, warn, crit)
    summary = msg("network.memory.used_bytes", percent=percent, used=used, total=total) \
        if used is not None and total else msg("network.memory.used", percent=percent)
    out.append(make_finding(MEMORY, level, summary, component="memory", values=values,
                            thresholds={"warning": warn, "critical": crit},
                            recommendation=msg("network.memory.recommend") if level != "ok"
                            else ""))
    return out


# --------------------------------------------------------------------------- reload


def reloaded(data, context):
    """(True/False/None, since): whether the device reloaded since the previous inspection
    (None: cannot tell, no earlier reading), and the time it is compared with."""
    device = data.get("device")
    if not isinstance(device, dict) or section_failure(device):
        return None, None
    uptime = device.get("uptime_seconds")
    if uptime is None:
        return None, None
    now = (context or {}).get("now")
    before = _previous(context, RELOAD, "device", "uptime")
    since = before.get("at") if before else (context or {}).get("since")
    then = _epoch(since)
    if before is not None and int(uptime) < int(before["value"]):
        return True, since
    if now is not None and then is not None:
        return int(uptime) + RELOAD_SLACK < float(now) - then, since
    return (False, since) if before is not None else (None, None)


def check_reload(data, thresholds, context):
    device, out = _read(RELOAD, data, "device", context, listed=False)
    if device is None:
        return out
    uptime = device.get("uptime_seconds")
    reason = device.get("reload_reason") or msg("network.reload.no_reason")
    if uptime is None:
        return out + [unknown(RELOAD, msg("network.reload.none"), component="device",
                              cause="not_understood")]
    values = {"uptime_seconds": int(uptime), "reload_reason": device.get("reload_reason")}
    now = context.get("now")
    if now is not None:
        values["boot_time"] = _iso(float(now) - int(uptime))
    again, since = reloaded(data, context)
    expected = thresholds.get("expected_reasons") or []
    level, rec = "ok", ""
    if again is None:
        summary = msg("network.reload.first", uptime=int(uptime), reason=reason)
    elif not again:
        summary = msg("network.reload.same", uptime=int(uptime), since=since, reason=reason)
    elif device.get("reload_reason") and _matches(reason, expected):
        summary = msg("network.reload.expected", uptime=int(uptime), since=since, reason=reason)
    else:
        summary = msg("network.reload.reloaded", uptime=int(uptime), since=since, reason=reason)
        level, rec = "warning", msg("network.reload.recommend")
    values["reloaded"] = again
    out.append(make_finding(RELOAD, level, summary, component="device", values=values,
                            thresholds={"expected_reasons": ", ".join(expected)},
                            recommendation=rec))
    return out


# --------------------------------------------------------------------------- interfaces


def _port(item):
    return str(item.get("name") or "?"), str(item.get("description") or "")


def _down_expected(ports, judged, expected, levels, out):
    """The site's list of ports that must be up (the previous inspection is not used),
    added to ``out`` (the findings so far: an unknown among them holds the ok back)."""
    listed = [p for p in judged if _matches(p.get("name"), expected)]
    names = {str(p.get("name") or "").lower() for p in ports}
    for pattern in expected:
        if not any(ch in pattern for ch in "*?[") and pattern.strip().lower() not in names:
            out.append(make_finding(DOWN, "warning", msg("network.down.missing", name=pattern),
                                    component=pattern, thresholds=levels,
                                    recommendation=msg("network.down.recommend")))
    for port in listed:
        if port.get("oper") != "up":
            name, description = _port(port)
            out.append(make_finding(DOWN, "warning", msg(
                "network.down.expected", name=name, description=description,
                oper=port.get("oper") or "?"), component=name,
                values={"admin": port.get("admin") or "", "oper": port.get("oper") or ""},
                thresholds=levels, recommendation=msg("network.down.recommend")))
    if _ok_allowed(out):
        up = sum(1 for p in ports if p.get("oper") == "up")
        out.append(make_finding(DOWN, "ok", msg("network.down.ok_expected", up=up,
                                                count=len(ports), listed=len(listed)),
                                component="interfaces", thresholds=levels,
                                values={"ports": len(ports), "up": up, "listed": len(listed)}))
    return out


def _down_since(ports, judged, context, ignore, levels, out):
    """Ports up at the previous inspection that are down now, added to ``out``."""
    tally = {"up_before": 0, "shut_since": 0, "err_disabled_since": 0}
    since = None
    for port in judged:
        name, description = _port(port)
        before = _previous(context, DOWN, name, "up")
        since = since or (before or {}).get("at")
        if before is None or int(before["value"]) != 1:
            continue
        tally["up_before"] += 1
        oper = port.get("oper")
        if oper == "up":
            continue
        if oper == "err-disabled":  # network.err_disabled says so
            tally["err_disabled_since"] += 1
        elif port.get("admin") == "down":  # shut down on purpose: listed
            tally["shut_since"] += 1
        elif oper is None:
            out.append(unknown(DOWN, msg("network.down.unknown", name=name), component=name,
                               cause="not_understood"))
        else:
            out.append(make_finding(DOWN, "warning", msg(
                "network.down.port", name=name, description=description, oper=oper,
                since=before.get("at") or "?"), component=name,
                values={"admin": port.get("admin") or "", "oper": oper, "was_up": True},
                thresholds=levels, recommendation=msg("network.down.recommend")))
    out.extend(_down_gone(ports, context, ignore, levels))
    if _ok_allowed(out):
        up = sum(1 for p in ports if p.get("oper") == "up")
        values = dict(tally, ports=len(ports), up=up, baseline=since is None)
        if since is not None:
            summary = msg("network.down.ok", up=up, count=len(ports),
                          before=tally["up_before"], since=since, shut=tally["shut_since"],
                          errdis=tally["err_disabled_since"])
        else:
            summary = msg("network.down.baseline", up=up, count=len(ports))
        out.append(make_finding(DOWN, "ok", summary, component="interfaces", values=values,
                                thresholds=levels))
    return out


def _down_gone(ports, context, ignore, levels):
    """Ports up at the previous inspection that the device no longer lists (a board
    removed or failed)."""
    names = {str(p.get("name") or "") for p in ports}
    out = []
    prefix = f"{DOWN}|"
    for key, reading in sorted(((context or {}).get("previous") or {}).items()):
        if not key.startswith(prefix) or not key.endswith("|up"):
            continue
        name = key[len(prefix):-len("|up")]
        if name in names or _matches(name, ignore) or not isinstance(reading, dict) \
                or reading.get("value") != 1:
            continue
        out.append(make_finding(DOWN, "warning", msg("network.down.gone", name=name,
                                                     since=reading.get("at") or "?"),
                                component=name, values={"was_up": True, "listed": False},
                                thresholds=levels,
                                recommendation=msg("network.down.recommend_gone")))
    return out


def check_interfaces_down(data, thresholds, context):
    ports, out = _read(DOWN, data, "interfaces", context)
    if ports is None:
        return out
    if not ports:
        return [unknown(DOWN, msg("network.interfaces.none"), cause="not_applicable")]
    ignore = thresholds.get("ignore") or []
    expected = thresholds.get("expected_up") or []
    judged = [p for p in ports if not _matches(p.get("name"), ignore)]
    levels = {"expected_up": ", ".join(expected), "ignore": ", ".join(ignore)}
    if expected:
        return _down_expected(ports, judged, expected, levels, out)
    return _down_since(ports, judged, context, ignore, levels, out)


_AGO_UNITS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def _ago(text):
    """Seconds of a relative time as IOS prints it (``00:05:12``, ``1d02h``, ``2w3d``,
    ``1y2w``); None when it is not one."""
    text = str(text).strip().lower()
    clock = re.match(r"^(\d+):(\d\d):(\d\d)$", text)
    if clock:
        return int(clock.group(1)) * 3600 + int(clock.group(2)) * 60 + int(clock.group(3))
    parts = re.findall(r"(\d+)\s*([ywdhms])", text)
    if parts and re.sub(r"\d+\s*[ywdhms]", "", text).strip() == "":
        return sum(int(n) * _AGO_UNITS[u] for n, u in parts)
    return None


def _cleared_at(port, now):
    """Epoch seconds of the port's last ``clear counters`` (None: never or not known): an
    ISO time, or a time ago as IOS prints it."""
    text = port.get("counters_cleared")
    if not text or str(text).strip().lower() == "never":
        return None
    at = _epoch(text)
    if at is None and now is not None:
        ago = _ago(text)
        at = float(now) - ago if ago is not None else None
    return at


def _port_deltas(port, context, reset_why):
    """{counter: deltas.delta(...)} of the port's counters (absent ones left out)."""
    name = str(port.get("name") or "?")
    counters = port.get("counters") or {}
    cleared = _cleared_at(port, context.get("now"))
    out = {}
    for counter in ERROR_COUNTERS + DROP_COUNTERS:
        value = counters.get(counter)
        if value is None:
            continue
        before = _previous(context, ERRORS, name, counter)
        d = deltas.delta(value, before, now=context.get("now"))
        why = reset_why
        at = _epoch(before.get("at")) if before else None
        if why is None and cleared is not None and at is not None and cleared > at:
            why = "cleared"
        if why and d["previous"] is not None and not d["lower_bound"]:
            d.update(delta=int(value), lower_bound=True, reset=why)
        out[counter] = d
    # one counter that went down: the port's counters were cleared, all of them restarted
    if any(d["reset"] == "decreased" for d in out.values()):
        for d in out.values():
            if d["previous"] is not None and not d["lower_bound"]:
                d.update(delta=d["value"], lower_bound=True, reset="decreased")
    return out


def _counts(grown, names, key="delta"):
    items = sorted(((d[key], n, d) for n, d in grown.items() if n in names and d[key]),
                   key=lambda t: (-t[0], t[1]))
    if key == "value":
        return [msg("network.errors.total", name=msg(f"network.counter.{n}"), value=v)
                for v, n, d in items[:MAX_LISTED]]
    return [msg("network.errors.counter_reset" if d["lower_bound"]
                else "network.errors.counter", name=msg(f"network.counter.{n}"), delta=v)
            for v, n, d in items[:MAX_LISTED]]


def _port_errors(port, grown, levels):
    """The findings of one port's counters (empty when nothing reaches a threshold)."""
    name = str(port.get("name") or "?")
    values = {f"{n}": d["value"] for n, d in grown.items()}
    judged = [n for n in ERROR_COUNTERS if n in grown]
    baseline = all(d["previous"] is None for d in grown.values())
    thresholds = {k: levels.get(k) for k in ("warning", "critical", "drops_warning",
                                              "baseline_warning")}
    rec = msg("network.errors.recommend")
    if baseline:
        worst_total = max([grown[n]["value"] for n in judged] or [0])
        base = levels.get("baseline_warning")
        values.update(baseline=True, errors=worst_total)
        if base is None or worst_total < base:
            return []
        return [make_finding(ERRORS, "warning", msg("network.errors.baseline", name=name,
                                                    counts=_counts(grown, judged, "value")),
                             component=name, values=values, thresholds=thresholds,
                             recommendation=rec)]
    out = []
    new = max([grown[n]["delta"] or 0 for n in judged] or [0])
    drops = max([grown[n]["delta"] or 0 for n in DROP_COUNTERS if n in grown] or [0])
    restarted = [d["reset"] for d in grown.values() if d["lower_bound"]]
    since = next((d["since"] for d in grown.values() if d["since"]), None) or "?"
    values.update(baseline=False, errors=new, drops=drops,
                  reset=restarted[0] if restarted else "")
    for n, d in grown.items():
        if d["delta"] is not None:
            values[f"{n}_delta"] = d["delta"]
    level = judge(new, levels.get("warning"), levels.get("critical"))
    if level != "ok":
        counts = _counts(grown, judged)
        summary = msg("network.errors.grew_reset", name=name, counts=counts, since=since,
                      why=msg(f"network.reset.{restarted[0]}")) if restarted \
            else msg("network.errors.grew", name=name, counts=counts, since=since)
        out.append(make_finding(ERRORS, level, summary, component=name, values=values,
                                thresholds=thresholds, recommendation=rec))
    drops_warn = levels.get("drops_warning")
    if drops_warn is not None and drops >= drops_warn:
        out.append(make_finding(ERRORS, "warning", msg(
            "network.errors.drops", name=name, counts=_counts(grown, DROP_COUNTERS),
            since=since), component=f"{name} drops", values=values, thresholds=thresholds,
            recommendation=msg("network.errors.recommend_drops")))
    return out


def check_interface_errors(data, thresholds, context):
    ports, out = _read(ERRORS, data, "interfaces", context)
    if ports is None:
        return out
    if not ports:
        return [unknown(ERRORS, msg("network.interfaces.none"), cause="not_applicable")]
    again, _since = reloaded(data, context)
    reset_why = "rebooted" if again else None
    counted, baseline, since = 0, True, None
    for port in ports:
        grown = _port_deltas(port, context, reset_why)
        if not grown:
            continue
        counted += 1
        if any(d["previous"] is not None for d in grown.values()):
            baseline = False
            since = since or next((d["since"] for d in grown.values() if d["since"]), None)
        out.extend(_port_errors(port, grown, thresholds))
    if not counted:
        return out + [unknown(ERRORS, msg("network.errors.no_counters"), component="interfaces",
                              cause="incomplete")]
    if _ok_allowed(out):
        levels = {k: thresholds.get(k) for k in ("warning", "critical", "drops_warning",
                                                  "baseline_warning")}
        if baseline:
            summary = msg("network.errors.ok_baseline", count=counted,
                          baseline=thresholds.get("baseline_warning") or "-")
        else:
            summary = msg("network.errors.ok", count=counted,
                          warning=thresholds.get("warning") or "-", since=since or "?")
        out.append(make_finding(ERRORS, "ok", summary, component="interfaces",
                                values={"interfaces": counted, "baseline": baseline,
                                        "reset": reset_why or ""},
                                thresholds=levels))
    return out


FLAGS = {"high_alarm": "critical", "low_alarm": "critical", "high_warning": "warning",
         "low_warning": "warning"}


def _optic(name, what, optics, margin):
    """(level, message) of one optical power; (None, None) when within its thresholds;
    ("unknown", None) when the device printed neither thresholds nor alarm marks."""
    dbm = optics.get(f"{what}_dbm")
    if dbm is None:
        return None, None
    low, high = optics.get(f"{what}_low_alarm"), optics.get(f"{what}_high_alarm")
    warn_low, warn_high = optics.get(f"{what}_low_warning"), optics.get(f"{what}_high_warning")
    flag = optics.get(f"{what}_flag")
    label = msg(f"network.optics.{what}")
    if low is not None and high is not None:
        params = dict(name=name, what=label, dbm=dbm, low=low, high=high)
        if dbm < low or dbm > high:
            return "critical", msg("network.optics.outside", **params)
        if warn_low is not None and warn_high is not None:
            if dbm < warn_low or dbm > warn_high:
                return "warning", msg("network.optics.warning_range", name=name, what=label,
                                      dbm=dbm, low=warn_low, high=warn_high)
        elif margin is not None and (dbm - low < margin or high - dbm < margin):
            return "warning", msg("network.optics.near", margin=margin, **params)
    if flag in FLAGS:
        return FLAGS[flag], msg("network.optics.flag", name=name, what=label, dbm=dbm,
                                flag=flag)
    if (low is None or high is None) and f"{what}_flag" not in optics:
        return "unknown", None
    return None, None


def _optics_levels(port, optics, margin):
    """([(level, message)], thresholds lacking) of one port's optical powers."""
    name = str(port.get("name") or "?")
    out, missing = [], False
    for what in ("rx", "tx"):
        level, summary = _optic(name, what, optics, margin)
        if level == "unknown":
            missing = True
        elif level is not None:
            out.append((level, summary))
    return out, missing


def check_optics(data, thresholds, context):
    ports, out = _read(OPTICS, data, "interfaces", context)
    if not _offered("transceivers", context) and not any(
            isinstance(p.get("optics"), dict) for p in ports or []):
        return []  # the platform has no transceiver command: not its check
    for name in ("optics", "transceivers"):  # the transceiver output, when not merged
        section = data.get(name)
        failed = section_failure(section) if section is not None else None
        if failed:
            out.append(_failure(OPTICS, name, failed))
        lines = _unparsed(data, name, section)
        if lines and not failed:
            out.append(_not_understood(OPTICS, name, lines))
    if ports is None:
        return out
    margin = thresholds.get("margin")
    readings = [p for p in ports if isinstance(p.get("optics"), dict)
                and (p["optics"].get("rx_dbm") is not None
                     or p["optics"].get("tx_dbm") is not None)]
    if not readings:
        if out:
            return out
        return [unknown(OPTICS, msg("network.optics.none"), cause="not_applicable")]
    judged, lacking = 0, []
    for port in readings:
        if port.get("oper") not in ("up", None):  # a port down has no light to judge
            continue
        judged += 1
        found, missing = _optics_levels(port, port["optics"], margin)
        if missing:
            lacking.append(str(port.get("name") or "?"))
        for level, summary in found:
            out.append(make_finding(OPTICS, level, summary, component=str(port.get("name")),
                                    values={k: v for k, v in port["optics"].items()
                                            if not isinstance(v, (dict, list))},
                                    thresholds={"margin": margin},
                                    recommendation=msg("network.optics.recommend")))
    if lacking:
        out.append(unknown(OPTICS, msg("network.optics.no_thresholds",
                                       ports=lacking[:MAX_LISTED]),
                           component="optics", cause="incomplete",
                           values={"ports": ", ".join(lacking)}))
    if _ok_allowed(out):
        out.append(make_finding(OPTICS, "ok", msg("network.optics.ok", count=judged,
                                                  margin=margin if margin is not None else 0),
                                component="optics", values={"ports": judged},
                                thresholds={"margin": margin}))
    return out


def check_err_disabled(data, context):
    ports, out = _read(ERR_DISABLED, data, "interfaces", context)
    if ports is None:
        return out
    if not ports:
        return [unknown(ERR_DISABLED, msg("network.interfaces.none"), cause="not_applicable")]
    for port in ports:
        if port.get("oper") == "err-disabled":
            name, description = _port(port)
            out.append(make_finding(ERR_DISABLED, "warning", msg(
                "network.err_disabled.port", name=name, description=description),
                component=name, values={"admin": port.get("admin") or "",
                                        "oper": "err-disabled",
                                        "reason": str(port.get("reason") or "")},
                recommendation=msg("network.err_disabled.recommend")))
    if _ok_allowed(out):
        out.append(make_finding(ERR_DISABLED, "ok", msg("network.err_disabled.ok",
                                                        count=len(ports)),
                                component="interfaces", values={"ports": len(ports)}))
    return out


def check_duplex(data, context):
    ports, out = _read(DUPLEX, data, "interfaces", context)
    if ports is None:
        return out
    if not ports:
        return [unknown(DUPLEX, msg("network.interfaces.none"), cause="not_applicable")]
    up = [p for p in ports if p.get("oper") == "up"]
    shown = [p for p in up if p.get("duplex")]
    for port in shown:
        if port["duplex"] == "half":
            name, description = _port(port)
            out.append(make_finding(DUPLEX, "warning", msg(
                "network.duplex.half", name=name, description=description,
                speed=port.get("speed") or "?"), component=name,
                values={"duplex": "half", "speed": port.get("speed") or ""},
                recommendation=msg("network.duplex.recommend")))
    if up and not shown:
        return out + [unknown(DUPLEX, msg("network.duplex.unknown", count=len(up)),
                              component="interfaces", cause="incomplete")]
    if _ok_allowed(out):
        out.append(make_finding(DUPLEX, "ok", msg("network.duplex.ok", count=len(shown)),
                                component="interfaces", values={"ports": len(shown)}))
    return out


# --------------------------------------------------------------------------- logs


def _log_line(entry):
    return " ".join(str(entry.get(k) or "") for k in ("time", "mnemonic", "text")).strip()


def check_logs(data, thresholds, context):
    entries, out = _read(LOGS, data, "logs", context)
    if entries is None:
        return out
    since = context.get("since")
    start = _epoch(since)
    ignore = [str(v).strip().lower() for v in thresholds.get("ignore") or [] if str(v).strip()]
    flaps, severity = thresholds.get("link_flaps"), thresholds.get("severity")
    kept, untimed = [], []
    for entry in entries:
        text = f"{entry.get('mnemonic') or ''} {entry.get('text') or ''}".lower()
        if any(i == str(entry.get("mnemonic") or "").lower() or i in text for i in ignore):
            continue
        if start is not None:
            at = _epoch(entry.get("time"))
            if at is None:
                untimed.append(entry)
                continue
            if at <= start:
                continue
        kept.append(entry)
    when = msg("network.logs.when.since", since=since) if start is not None \
        else msg("network.logs.when.buffer")
    by_kind = {}
    for entry in kept:
        by_kind.setdefault(entry.get("kind") or "other", []).append(entry)
    faults = [(k, by_kind[k], msg(f"network.logs.kind.{k}")) for k in FAULT_LOG_KINDS
              if by_kind.get(k)]
    links = by_kind.get("link_flap") or []
    if flaps is not None and len(links) >= flaps:
        faults.insert(0, ("link_flap", links, msg("network.logs.kind.link_flap")))
    if severity is not None:
        serious = [e for e in by_kind.get("other") or []
                   if e.get("severity") is not None and int(e["severity"]) <= severity]
        if serious:
            faults.append(("other", serious, msg("network.logs.kind.other", severity=severity)))
    levels = {"link_flaps": flaps, "severity": severity, "ignore": ", ".join(ignore)}
    for kind, lines, label in faults:
        out.append(make_finding(LOGS, "warning", msg(
            "network.logs.found", count=len(lines), kind=label, when=when,
            text=lines[0].get("text") or ""), component=f"logs {kind}",
            evidence=[_log_line(e) for e in lines], values={"kind": kind, "count": len(lines)},
            thresholds=levels, recommendation=msg("network.logs.recommend")))
    if untimed and any((e.get("kind") or "other") not in INFO_LOG_KINDS for e in untimed):
        out.append(unknown(LOGS, msg("network.untimed", count=len(untimed), since=since),
                           component="logs", cause="incomplete",
                           evidence=[_log_line(e) for e in untimed]))
    if _ok_allowed(out):
        info = [e for k in INFO_LOG_KINDS for e in by_kind.get(k) or []]
        out.append(make_finding(LOGS, "ok", msg(
            "network.logs.ok", count=len(kept), when=when, links=len(links),
            auth=len(by_kind.get("auth") or []), config=len(by_kind.get("config") or [])),
            component="logs", evidence=[_log_line(e) for e in info],
            values={"lines": len(kept), "link_flap": len(links),
                    "auth": len(by_kind.get("auth") or []),
                    "config": len(by_kind.get("config") or [])},
            thresholds=levels))
    return out


# --------------------------------------------------------------------------- config, software


def check_config(data, context):
    config, out = _read(CONFIG, data, "config", context, listed=False)
    if config is None:
        return out
    saved, why = config.get("saved"), config.get("why") or "?"
    if saved is True:
        out.append(make_finding(CONFIG, "ok", msg("network.config.saved", why=why),
                                component="config", values={"saved": True}))
    elif saved is False:
        out.append(make_finding(CONFIG, "warning", msg("network.config.unsaved", why=why),
                                component="config", values={"saved": False},
                                recommendation=msg("network.config.recommend")))
    else:
        out.append(unknown(CONFIG, msg("network.config.unknown", why=why), component="config",
                           cause=config.get("cause") or "not_understood",
                           values={"saved": None}))
    return out


SOFTWARE_FIELDS = ("hostname", "vendor", "model", "serial", "software", "version", "image")


def check_software(data, context):
    device, out = _read(SOFTWARE, data, "device", context, listed=False)
    if device is None:
        return out
    values = {k: (str(device[k]) if device.get(k) is not None else None)
              for k in SOFTWARE_FIELDS}
    if not values["version"]:
        return out + [unknown(SOFTWARE, msg("network.software.none"), component="device",
                              cause="not_understood", values=values)]
    shown = {k: v or "?" for k, v in values.items()}
    out.append(make_finding(SOFTWARE, "ok", msg("network.software.ok", **shown),
                            component="device", values=values))
    return out


# --------------------------------------------------------------------------- all


def counters(data, context=None):
    """What the next inspection compares with: the uptime (a reload), each port's link (1 up,
    0 not) and each error counter the device prints."""
    context = context or {}
    out = []
    now = context.get("now")
    device = data.get("device")
    boot = ""
    if isinstance(device, dict) and not section_failure(device) \
            and device.get("uptime_seconds") is not None:
        uptime = int(device["uptime_seconds"])
        boot = _iso(float(now) - uptime) if now is not None else ""
        out.append(deltas.counter(RELOAD, "device", "uptime", uptime, boot_time=boot))
    ports = _items(data.get("interfaces"))
    for port in ports or []:
        if not isinstance(port, dict) or not port.get("name"):
            continue
        name = str(port["name"])
        if port.get("oper"):
            out.append(deltas.counter(DOWN, name, "up", 1 if port["oper"] == "up" else 0,
                                      boot_time=boot))
        for counter in ERROR_COUNTERS + DROP_COUNTERS:
            value = (port.get("counters") or {}).get(counter)
            if value is not None:
                out.append(deltas.counter(ERRORS, name, counter, value, boot_time=boot))
    return out


def not_applicable(data):
    """The checks with nothing to judge on this device (no fan, power supply, sensor or
    board; no interface; no optical reading), with why."""
    out = []
    sections = [data.get(n) for n, _k in HARDWARE_SECTIONS]
    if all(s is not None and not section_failure(s) and _items(s) == [] for s in sections):
        out.append(na_entry(HARDWARE, msg("network.hardware.none")))
    ports = data.get("interfaces")
    if ports is not None and not section_failure(ports):
        items = _items(ports)
        if items == []:
            for check_id in (DOWN, ERRORS, ERR_DISABLED, DUPLEX):
                out.append(na_entry(check_id, msg("network.interfaces.none")))
        if items is not None and data.get("transceivers") is None \
                and data.get("optics") is None and not any(
                isinstance(p, dict) and isinstance(p.get("optics"), dict) for p in items):
            out.append(na_entry(OPTICS, msg("network.optics.none")))
    platform = data.get("platform")
    if platform:  # only the checks of the device's platform
        return [e for e in out if platform in catalogue.check(e["check_id"]).platforms]
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the network area for one device, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = dict(context or {})
    if not context.get("platform") and data.get("platform"):
        context["platform"] = data["platform"]
    levels = {c.short: thresholds.get(c.short) or {} for c in catalogue.area_checks(AREA)}
    findings = []
    findings.extend(check_hardware(data, levels["hardware"], context))
    findings.extend(check_alarms(data, levels["alarms"], context))
    findings.extend(check_cpu(data, levels["cpu"], context))
    findings.extend(check_memory(data, levels["memory"], context))
    findings.extend(check_reload(data, levels["reload"], context))
    findings.extend(check_interfaces_down(data, levels["interfaces_down"], context))
    findings.extend(check_interface_errors(data, levels["interface_errors"], context))
    findings.extend(check_optics(data, levels["optics"], context))
    findings.extend(check_err_disabled(data, context))
    findings.extend(check_duplex(data, context))
    findings.extend(check_logs(data, levels["logs"], context))
    findings.extend(check_config(data, context))
    findings.extend(check_software(data, context))
    return findings
