# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a Linux host's tape drives and libraries (the ``tape`` area): :func:`evaluate`
takes the data of ``parsers/linux_tape.py``, the thresholds and the context (``now``,
``previous``: the previous inspection's counters).

On a host the collector's sysfs list (``devices``) says which drives and changers exist: a
device of it whose output is missing is ``unknown`` (``incomplete``), an empty list makes every
check not applicable (:func:`not_applicable`). A saved output (``weibao judge``) is judged
for the device it names.

- ``tape.devices``: the drives and changers seen (sysfs, else ``lsscsi -g``); warning when
  fewer than at the previous inspection.
- ``tape.drive_state``: mt-st's status bits first: an I/O error or a vanished device is
  critical, a tape held but not ready or CLN (cleaning) a warning, ONLINE ok, DR_OPEN or "No
  medium found" (no tape) ok, never a fault; where mt cannot tell (GNU mt prints no bits, the
  drive is busy, mt not installed) tapeinfo's "Ready: yes" is ok; "Ready: no" alone cannot
  tell an empty drive from a stuck one: unknown.
- ``tape.tapealert``: the set flags of sg_logs' page 0x2e and tapeinfo's TapeAlert lines,
  each by its class (critical, warning, informational = ok); the spec's critical cleaning and
  write-protect flags ask the operator to act: warning. A page sg_logs could not decode is
  unknown even when tapeinfo (read after it) shows nothing: reading the page may clear it.
- ``tape.changer``: loaderinfo's elements and readiness, library TapeAlert flags where
  printed; fewer drives in the library than at the previous inspection is a warning.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.findings import not_applicable as na_entry
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.linux_tape import (
    DRIVE_FLAGS,
    LIBRARY_FLAGS,
    NAMES,
)

AREA = "tape"
DEVICES = "tape.devices"
DRIVE = "tape.drive_state"
ALERTS = "tape.tapealert"
CHANGER = "tape.changer"
CHECKS = (DEVICES, DRIVE, ALERTS, CHANGER)
CLASS_STATUS = {"C": "critical", "W": "warning", "I": "ok"}
# critical in the TapeAlert specification, but what they ask is an operator's act (clean the
# drive, load a valid cleaning tape, slide the write-protect tab): warning
OPERATOR_FLAGS = (9, 20, 22, 23)
PAGE_FLAGS = 64  # parameters 0001h-0040h of the TapeAlert log page
ADVICE_ORDER = ("drive", "media", "interface", "library", "encryption", "cleaning", "operator")


def _is_failure(value):
    return isinstance(value, dict) and "error" in value


def _st_key(path):
    match = re.match(r"^n?st(\d+)[lma]?$", str(path).rsplit("/", 1)[-1])
    return "st" + match.group(1) if match else str(path)


# --------------------------------------------------------------------------- units


def _inventory(data):
    """(devices, where from) or (None, failure-or-None) when nothing says what exists."""
    devices = data.get("devices")
    if devices is not None:
        return devices, "sysfs"
    section = data.get("lsscsi")
    if section is None:
        return None, None
    if _is_failure(section):
        return None, section
    return section["devices"], "lsscsi"


def _match(section, names):
    """The entry of a per-device section for one of ``names`` (an st device also matches
    its other modes: st0, nst0, nst0l), its key, or the whole section's failure."""
    if section is None:
        return None, None
    if _is_failure(section):
        return dict(section), None
    for name in names:
        if not name:
            continue
        if name in section:
            return section[name], name
        for key in section:
            if _st_key(key) == _st_key(name) and _st_key(name) != name:
                return section[key], key
    return None, None


def _model(*records):
    for record in records:
        if isinstance(record, dict) and not _is_failure(record):
            words = " ".join(x for x in (record.get("vendor"), record.get("product")) if x)
            if words:
                return words
            if record.get("inquiry"):
                return record["inquiry"]
    return ""


def _units(data, kind, keys):
    """One unit per drive (``kind`` tape) or changer: {"label", "model", "expected", key:
    record | failure | None}. With the collector's list, its devices (their outputs matched
    by /dev/sg or st name); outputs for other devices (a saved output) become units too."""
    units = []
    used = {key: set() for key in keys}
    devices = data.get("devices")
    if devices is not None:
        for device in devices:
            if device.get("kind") != kind:
                continue
            st, sg = device.get("st") or "", device.get("sg") or ""
            unit = {"label": st or sg, "expected": True,
                    "model": " ".join(x for x in (device.get("vendor"), device.get("model"))
                                      if x), "hcil": device.get("hcil") or ""}
            for key in keys:
                names = [st] if key == "mt_status" else [sg, st]
                unit[key], found = _match(data.get(key), names)
                if found is not None:
                    used[key].add(found)
                elif unit[key] is None and key == "mt_status" and not st:
                    unit[key] = {"error": msg("tape.no_st_node"), "cause": "incomplete",
                                 "device": unit["label"]}
                elif unit[key] is None and data.get(key) is not None:
                    unit[key] = {"error": msg("tape.output_missing", source=NAMES[key]),
                                 "cause": "incomplete", "device": unit["label"]}
            units.append(unit)
    # the other kind's devices (a changer's /dev/sg given to sg_logs) are not units of this one
    others = {d.get(k) for d in devices or [] if d.get("kind") != kind for k in ("sg", "st")}
    for key in keys:
        section = data.get(key)
        if section is None or (_is_failure(section) and devices is not None):
            continue
        entries = {"": dict(section)} if _is_failure(section) else section
        for name, record in sorted(entries.items()):
            if name in used[key] or (name and name in others):
                continue
            unit = next((u for u in units if not u["expected"] and u["label"] == name), None)
            if unit is None:
                unit = {"label": name, "expected": False, "model": "", "hcil": ""}
                unit.update({k: None for k in keys})
                units.append(unit)
            unit[key] = record
    for unit in units:
        unit["model"] = unit["model"] or _model(*[unit.get(k) for k in keys])
        unit["label"] = unit["label"] or unit["model"] or kind
    return units


def _reason(unit, key):
    """(message, cause) of a unit's source that holds no data."""
    record = unit.get(key)
    if record is None:
        return msg("tape.not_collected", device=unit["label"], sources=[NAMES[key]]), \
            "incomplete"
    if not _is_failure(record):  # read, and it says nothing that can be judged
        return msg("tape.drive.cut", device=unit["label"], source=NAMES[key]), \
            "not_understood"
    return msg("tape.source_failed", device=unit["label"], reason=record["error"]), \
        record.get("cause") or "source_unreadable"


def _values(unit):
    return {"device": unit["label"], "model": unit["model"], "hcil": unit.get("hcil", "")}


# --------------------------------------------------------------------------- devices


def check_devices(data, context):
    devices, source = _inventory(data)
    if devices is None:
        if _is_failure(source):
            return [unknown(DEVICES, source["error"],
                            cause=source.get("cause") or "source_unreadable")]
        return []
    drives = [d for d in devices if d.get("kind") == "tape"]
    changers = [d for d in devices if d.get("kind") == "changer"]
    if not drives and not changers:
        return [unknown(DEVICES, msg("tape.devices.none"), cause="not_applicable")]
    names = [" ".join(x for x in (d.get("st") or d.get("node") or d.get("sg"),
                                  d.get("vendor"), d.get("model")) if x)
             for d in drives + changers]
    values = {"drives": len(drives), "changers": len(changers), "source": source}
    previous = (context or {}).get("previous") or {}
    fewer = []
    for name, count in (("drives", len(drives)), ("changers", len(changers))):
        reading = previous.get(deltas.key(DEVICES, "", name))
        if isinstance(reading, dict) and isinstance(reading.get("value"), (int, float)) \
                and count < reading["value"]:
            fewer.append(msg("tape.devices.fewer", what=msg(f"tape.what.{name}"), now=count,
                             before=int(reading["value"]), since=reading.get("at") or "?"))
            values[f"{name}_before"] = int(reading["value"])
    evidence = [f"{d.get('hcil', '')} {d.get('kind')} {d.get('vendor', '')} "
                f"{d.get('model', '')} {d.get('st') or d.get('node') or '-'} "
                f"{d.get('sg') or '-'}" for d in drives + changers]
    if fewer:
        summary = fewer[0]
        for more in fewer[1:]:
            summary = msg("tape.join", first=summary, second=more)
        return [make_finding(DEVICES, "warning", summary, values=values, evidence=evidence,
                             recommendation=msg("tape.devices.recommendation"))]
    return [make_finding(DEVICES, "ok", msg("tape.devices.ok", drives=len(drives),
                                            changers=len(changers), names=names),
                         values=values, evidence=evidence)]


# --------------------------------------------------------------------------- drive state


def _mt_evidence(mt):
    if not isinstance(mt, dict) or _is_failure(mt):
        return []
    if mt.get("problem"):
        return [f"mt: {mt['problem']['detail']}"]
    if mt.get("detail"):
        return [f"mt: {mt['detail']}"]
    if mt.get("format") == "gnu":
        return [f"mt (GNU): file number = {mt.get('file')}, block number = {mt.get('block')}"]
    return [f"mt: General status bits on ({mt.get('gstat') or 0:x}): "
            + " ".join(mt.get("bits") or [])]


def _ti_usable(ti):
    return isinstance(ti, dict) and not _is_failure(ti) and not ti.get("problem") \
        and ti.get("product_type", "Tape Drive") == "Tape Drive"


def check_drive(unit):
    label = unit["label"]
    mt, ti = unit.get("mt_status"), unit.get("tapeinfo")
    values = _values(unit)
    evidence = _mt_evidence(mt)
    if _ti_usable(ti):
        evidence.append(f"tapeinfo: Ready: {'yes' if ti['ready'] else 'no'}")
        values["ready"] = ti["ready"]
    mt_ok = isinstance(mt, dict) and not _is_failure(mt)
    problem = mt.get("problem") if mt_ok else None
    ti_problem = ti.get("problem") if isinstance(ti, dict) and not _is_failure(ti) else None
    for found in (problem, ti_problem):
        if found and found["kind"] in ("io_error", "gone"):
            key = "tape.drive.io_error" if found["kind"] == "io_error" else "tape.drive.gone"
            return make_finding(DRIVE, "critical", msg(key, device=label,
                                                       detail=found["detail"]),
                                component=label, values=values, evidence=evidence,
                                recommendation=msg("tape.drive.error_recommendation"))
    if mt_ok and not problem:
        values.update(state=mt["state"], bits=" ".join(mt.get("bits") or []))
        if mt["state"] == "online":
            if mt.get("cleaning"):
                return make_finding(DRIVE, "warning", msg("tape.drive.cleaning", device=label),
                                    component=label, values=values, evidence=evidence,
                                    recommendation=msg("tape.drive.cleaning_recommendation"))
            return make_finding(DRIVE, "ok", msg("tape.drive.online", device=label,
                                                 file=mt.get("file"), block=mt.get("block")),
                                component=label, values=values, evidence=evidence)
        if mt["state"] == "no_tape":
            return make_finding(DRIVE, "ok", msg("tape.drive.no_tape", device=label),
                                component=label, values=values, evidence=evidence)
    if _ti_usable(ti) and ti["ready"] is True:
        return make_finding(DRIVE, "ok", msg("tape.drive.ready", device=label),
                            component=label, values=values, evidence=evidence)
    if mt_ok and not problem and mt["state"] == "not_ready":
        return make_finding(DRIVE, "warning", msg("tape.drive.not_ready", device=label,
                                                  bits=" ".join(mt.get("bits") or []) or "-"),
                            component=label, values=values, evidence=evidence,
                            recommendation=msg("tape.drive.not_ready_recommendation"))
    # nothing says what state the drive is in: why
    if problem or ti_problem:
        found = problem or ti_problem
        key, cause = {"busy": ("tape.drive.busy", "source_unreadable"),
                      "permission": ("tape.drive.cannot_open", "no_permission")}.get(
            found["kind"], ("tape.drive.cannot_open", "source_unreadable"))
        return unknown(DRIVE, msg(key, device=label, detail=found["detail"]), component=label,
                       cause=cause, evidence=evidence, values=values)
    if mt_ok and mt.get("format") == "gnu":
        return unknown(DRIVE, msg("tape.drive.no_bits", device=label), component=label,
                       cause="incomplete", evidence=evidence, values=values)
    if _ti_usable(ti) and ti["ready"] is False:
        reason, cause = msg("tape.drive.ti_not_ready", device=label), "incomplete"
        if mt is not None and _is_failure(mt):  # what mt would have said is missing: why
            other, cause = _reason(unit, "mt_status")
            reason = msg("tape.join", first=reason, second=other)
        return unknown(DRIVE, reason, component=label, cause=cause, evidence=evidence,
                       values=values)
    if isinstance(ti, dict) and not _is_failure(ti) and not _ti_usable(ti):
        return unknown(DRIVE, msg("tape.drive.not_drive", device=label,
                                  kind=ti.get("product_type", "")),
                       component=label, cause="not_applicable", values=values)
    key = "mt_status" if mt is not None or ti is None else "tapeinfo"
    reason, cause = _reason(unit, key)
    if mt is not None and ti is not None and _is_failure(ti):
        other, _cause = _reason(unit, "tapeinfo")
        reason = msg("tape.join", first=reason, second=other)
    return unknown(DRIVE, reason, component=label, cause=cause, evidence=evidence,
                   values=values)


# --------------------------------------------------------------------------- TapeAlert


def flag_status(number, table=None):
    """The status a set TapeAlert flag gives (its class in the specification)."""
    table = DRIVE_FLAGS if table is None else table
    entry = table.get(number)
    if entry is None:
        return "warning"  # reserved or vendor-specific: never silently ok
    if table is DRIVE_FLAGS and number in OPERATOR_FLAGS:
        return "warning"
    return CLASS_STATUS[entry[1]]


def _flag(number, prefix="tape.flag"):
    known = (DRIVE_FLAGS if prefix == "tape.flag" else LIBRARY_FLAGS).get(number)
    name = msg(f"{prefix}.{number}") if known else msg("tape.flag.other", number=number)
    return msg("tape.alert.flag", number=number, name=name)


def _advice(numbers, table):
    kinds = [table[n][2] for n in numbers if n in table] or ["drive"]
    kind = min(kinds, key=ADVICE_ORDER.index)
    return msg(f"tape.advice.{kind}")


def _judge_flags(check_id, label, numbers, table, prefix, key_set, values, evidence):
    """A finding for set flags that are a problem, or None (none, or informational only)."""
    statuses = {n: flag_status(n, table) for n in numbers}
    level = worst(statuses.values())
    if level == "ok":
        return None
    bad = [n for n in numbers if statuses[n] == level]
    return make_finding(check_id, level, msg(key_set, device=label,
                                             flags=[_flag(n, prefix) for n in numbers]),
                        component=label, values=values, evidence=evidence,
                        recommendation=_advice(bad, table))


def check_alerts(unit):
    label = unit["label"]
    page, ti = unit.get("tapealert"), unit.get("tapeinfo")
    values = _values(unit)
    page_ok = isinstance(page, dict) and not _is_failure(page) and not page.get("problem")
    numbers, sources, evidence = set(), [], []
    if page_ok:
        numbers.update(page["set"])
        sources.append("sg_logs")
        evidence.extend(f"sg_logs: {DRIVE_FLAGS.get(n, (f'flag {n}',))[0]}: 1"
                        for n in page["set"])
    if _ti_usable(ti):
        numbers.update(a["number"] for a in ti["alerts"])
        sources.append("tapeinfo")
        evidence.extend(f"tapeinfo: TapeAlert[{a['number']}]: {a['text']}"
                        for a in ti["alerts"])
    numbers = sorted(numbers)
    values["flags"] = ",".join(str(n) for n in numbers)
    found = _judge_flags(ALERTS, label, numbers, DRIVE_FLAGS, "tape.flag", "tape.alert.set",
                         values, evidence)
    if found is not None:
        return found
    # nothing set that is a problem: only a page read and understood may say so
    if page is not None and not page_ok:
        if not _is_failure(page):
            problem = page["problem"]
            return unknown(ALERTS, msg("tape.drive.cannot_open", device=label,
                                       detail=problem["detail"]),
                           component=label, evidence=evidence, values=values,
                           cause="no_permission" if problem["kind"] == "permission"
                           else "source_unreadable")
        if page.get("cause") == "not_understood" or not _ti_usable(ti):
            reason, cause = _reason(unit, "tapealert")
            return unknown(ALERTS, reason, component=label, cause=cause, evidence=evidence,
                           values=values)
    if page_ok and page.get("undecoded"):
        return unknown(ALERTS, msg("tape.alert.undecoded", device=label,
                                   names=page["undecoded"]),
                       component=label, cause="not_understood", evidence=evidence,
                       values=values)
    if page_ok and page.get("parameters", PAGE_FLAGS) < PAGE_FLAGS:
        # the page has its 64 flags (SSC-3 8.2.3): fewer is output cut short, and a flag
        # not printed is not a flag clear
        return unknown(ALERTS, msg("tape.alert.partial", device=label,
                                   count=page["parameters"]),
                       component=label, cause="incomplete", evidence=evidence, values=values)
    if not sources and isinstance(ti, dict) and ti.get("problem") and page is None:
        problem = ti["problem"]
        return unknown(ALERTS, msg("tape.drive.cannot_open", device=label,
                                   detail=problem["detail"]),
                       component=label, evidence=evidence, values=values,
                       cause="no_permission" if problem["kind"] == "permission"
                       else "source_unreadable")
    if not sources:
        key = "tapealert" if page is not None or ti is None else "tapeinfo"
        reason, cause = _reason(unit, key)
        return unknown(ALERTS, reason, component=label, cause=cause, evidence=evidence,
                       values=values)
    if numbers:
        return make_finding(ALERTS, "ok", msg("tape.alert.info", device=label,
                                              flags=[_flag(n) for n in numbers]),
                            component=label, values=values, evidence=evidence)
    return make_finding(ALERTS, "ok", msg("tape.alert.ok", device=label,
                                          source=", ".join(sources)),
                        component=label, values=values, evidence=evidence)


# --------------------------------------------------------------------------- changer


def check_changer(unit, context):
    label = unit["label"]
    record = unit.get("loaderinfo")
    values = _values(unit)
    if record is None or _is_failure(record):
        reason, cause = _reason(unit, "loaderinfo")
        return unknown(CHANGER, reason, component=label, cause=cause, values=values)
    problem = record.get("problem")
    if problem:
        if problem["kind"] in ("io_error", "gone"):
            key = "tape.drive.io_error" if problem["kind"] == "io_error" else "tape.drive.gone"
            return make_finding(CHANGER, "critical", msg(key, device=label,
                                                         detail=problem["detail"]),
                                component=label, values=values,
                                recommendation=msg("tape.changer.recommendation"))
        return unknown(CHANGER, msg("tape.drive.cannot_open", device=label,
                                    detail=problem["detail"]), component=label,
                       cause="no_permission" if problem["kind"] == "permission"
                       else "source_unreadable", values=values)
    if record.get("product_type") != "Medium Changer":
        return unknown(CHANGER, msg("tape.changer.not_changer", device=label,
                                    kind=record.get("product_type", "")),
                       component=label, cause="not_applicable", values=values)
    if record.get("eaap") is None:  # loaderinfo always prints it (ReportEAAP)
        return unknown(CHANGER, msg("tape.changer.cut", device=label), component=label,
                       cause="not_understood", values=values)
    model = " ".join(x for x in (record.get("vendor"), record.get("product")) if x) or "?"
    for name in ("drives", "slots", "mailslots", "transports"):
        values[name] = record.get(name)
    values["eaap"] = record.get("eaap")
    evidence = [f"EAAP: {'Yes' if record.get('eaap') else 'No'}"] + [
        f"{name}: {record.get(name)}" for name in ("transports", "slots", "mailslots",
                                                    "drives") if record.get(name) is not None]
    evidence += [f"TapeAlert[{a['number']}]: {a['text']}" for a in record.get("alerts") or []]
    problems = []
    if record.get("eaap") is False:
        problems.append(("warning", msg("tape.changer.no_eaap", device=label, model=model)))
    if record.get("ready") is False:
        problems.append(("warning", msg("tape.changer.not_ready", device=label, model=model)))
    if record.get("drives") == 0:
        problems.append(("warning", msg("tape.changer.no_drives", device=label, model=model)))
    reading = ((context or {}).get("previous") or {}).get(deltas.key(CHANGER, label, "drives"))
    if isinstance(reading, dict) and isinstance(record.get("drives"), int) \
            and isinstance(reading.get("value"), (int, float)) \
            and 0 < record["drives"] < reading["value"]:
        values["drives_before"] = int(reading["value"])
        problems.append(("warning", msg("tape.changer.fewer", device=label,
                                        what=msg("tape.what.library_drives"),
                                        now=record["drives"], before=int(reading["value"]),
                                        since=reading.get("at") or "?")))
    numbers = sorted({a["number"] for a in record.get("alerts") or []})
    values["flags"] = ",".join(str(n) for n in numbers)
    flagged = _judge_flags(CHANGER, label, numbers, LIBRARY_FLAGS, "tape.libflag",
                           "tape.changer.alerts", values, evidence)
    if flagged is not None:
        problems.append((flagged["status"], flagged["message"]["summary"]))
    if not problems:
        return make_finding(CHANGER, "ok", msg("tape.changer.ok", device=label, model=model,
                                               drives=_n(record.get("drives")),
                                               slots=_n(record.get("slots")),
                                               mailslots=_n(record.get("mailslots"))),
                            component=label, values=values, evidence=evidence)
    level = worst(p[0] for p in problems)
    summary = problems[0][1]
    for _level, more in problems[1:]:
        summary = msg("tape.join", first=summary, second=more)
    advice = flagged["message"]["recommendation"] if flagged is not None \
        and flagged["status"] == level else msg("tape.changer.recommendation")
    return make_finding(CHANGER, level, summary, component=label, values=values,
                        evidence=evidence, recommendation=advice)


def _n(value):
    return "?" if value is None else value


# --------------------------------------------------------------------------- all


def _none(data, kind):
    """True when the collector's list says there is no device of ``kind``."""
    devices = data.get("devices")
    return devices is not None and not any(d.get("kind") == kind for d in devices)


def not_applicable(data):
    """The checks with no device to judge on this host (the collector's sysfs list), with
    why: coverage shows them as not applicable, not as not evaluated."""
    devices = data.get("devices")
    if devices is None:
        return []
    out = []
    if not devices:
        out.append(na_entry(DEVICES, msg("tape.devices.none")))
    if _none(data, "tape"):
        out.extend(na_entry(c, msg("tape.none.drive")) for c in (DRIVE, ALERTS))
    if _none(data, "changer"):
        out.append(na_entry(CHANGER, msg("tape.none.changer")))
    return out


def counters(data, context=None):
    """How many drives and changers the host sees, and how many drives each library
    reports, for the next inspection's "fewer than before"."""
    out = []
    devices, _source = _inventory(data)
    if devices:
        out.append(deltas.counter(DEVICES, "", "drives",
                                  len([d for d in devices if d.get("kind") == "tape"])))
        out.append(deltas.counter(DEVICES, "", "changers",
                                  len([d for d in devices if d.get("kind") == "changer"])))
    for unit in _units(data, "changer", ("loaderinfo",)):
        record = unit.get("loaderinfo")
        if isinstance(record, dict) and isinstance(record.get("drives"), int) \
                and record["drives"] > 0:
            out.append(deltas.counter(CHANGER, unit["label"], "drives", record["drives"]))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the tape area for one host, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = check_devices(data, context)
    if _none(data, "tape"):
        findings.extend(unknown(c, msg("tape.none.drive"), cause="not_applicable")
                        for c in (DRIVE, ALERTS))
    else:
        drives = _units(data, "tape", ("mt_status", "tapeinfo", "tapealert"))
        findings.extend(check_drive(u) for u in drives
                        if u["expected"] or u["mt_status"] is not None
                        or u["tapeinfo"] is not None)
        findings.extend(check_alerts(u) for u in drives
                        if u["expected"] or u["tapealert"] is not None
                        or u["tapeinfo"] is not None)
    if _none(data, "changer"):
        findings.append(unknown(CHANGER, msg("tape.none.changer"), cause="not_applicable"))
    else:
        findings.extend(check_changer(u, context)
                        for u in _units(data, "changer", ("loaderinfo",)))
    return findings
