# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an AIX host's devices and paths (the ``aix_devices`` area): :func:`evaluate`
takes the data of ``parsers/aix_aix_devices.py``, the thresholds and the context (``now``,
``previous``: the previous inspection's counters, ``check_id|component|name``).

Counters (fcstat, entstat) are judged on their increase with the Linux ``links`` area's
helpers (rules/links.py: ``_grew``, ``_count_texts``, ``_total_texts``, ``_since``,
``_reading``) and the same counter names for FC (fc_host's). FC counters are keyed by the
port's WWPN, Ethernet counters by the adapter (AIX names are kept in the ODM across reboots).

Which Defined devices are faults: a device whose name without its number is in
``should_be_available`` (disks, FC and SCSI adapters and protocol devices, Ethernet adapters,
virtual SCSI/FC server and client adapters, cd). Everything else Defined is normal on a
healthy AIX: ``en``/``et`` interfaces never configured, ``fcnet`` (FC IP protocol), spare
pseudo devices; they are shown in the summary, not judged. Tape devices (rmt, smc) are
aix_devices.tape's.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.findings import not_applicable as not_applicable_entry
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.aix_aix_devices import device_type
from ansible.module_utils.weibao_inspection.rules.common import section_failure
from ansible.module_utils.weibao_inspection.rules.links import (
    FC_FRAME,
    FC_FRAME_BASELINE,
    FC_LINK,
    MAX_STORED_COUNTER,
    _count_texts,
    _grew,
    _reading,
    _since,
    _total_texts,
)

AREA = "aix_devices"
DEVICES = "aix_devices.devices"
PATHS = "aix_devices.paths"
FC_PORTS = "aix_devices.fc_ports"
FC_ERRORS = "aix_devices.fc_errors"
ETHERNET = "aix_devices.ethernet"
TAPE = "aix_devices.tape"
CHECKS = (DEVICES, PATHS, FC_PORTS, FC_ERRORS, ETHERNET, TAPE)

TAPE_TYPES = ("rmt", "smc")
ENETDOWN = 0x45
ENT_ERRORS = ("crc_errors", "alignment_errors")
ENT_COLLISIONS = ("single_collisions", "multiple_collisions", "late_collisions",
                  "max_collisions")
AGGREGATED = ("Aggregated",)
MAX_NAMES = 8


def _section(data, key, check_id, component):
    section = data.get(key)
    if section is None:
        return None, []
    failed = section_failure(section)
    if failed:
        return None, [unknown(check_id, failed[0], component=component, cause=failed[1])]
    return section, None


def _names(levels, name="ignore"):
    return {str(i).lower() for i in (levels or {}).get(name) or []}


# --------------------------------------------------------------------------- devices


def check_devices(data, thresholds, context=None):
    key = "lsdev" if data.get("lsdev") is not None else "lsdev_adapter"
    section, done = _section(data, key, DEVICES, key)
    if section is None:
        return done
    levels = thresholds.get("devices") or {}
    ignore = _names(levels)
    wanted = _names(levels, "should_be_available")
    findings, other_defined, count = [], [], 0
    for device in section["devices"]:
        name = device["name"]
        if device_type(name) in TAPE_TYPES or name.lower() in ignore:
            continue
        count += 1
        values = {"status": device["status"], "location": device["location"],
                  "description": device["description"]}
        evidence = [" ".join(x for x in (name, device["status"], device["location"],
                                         device["description"]) if x)]
        if not device["known"]:
            findings.append(unknown(DEVICES, msg("aix_devices.devices.unknown", device=name,
                                                 status=device["status"]),
                                    component=name, cause="not_understood",
                                    evidence=evidence, values=values))
        elif device["status"] != "Available" and device_type(name).lower() in wanted:
            findings.append(make_finding(
                DEVICES, "warning", msg("aix_devices.devices.bad", device=name,
                                        description=device["description"] or "-",
                                        status=device["status"]),
                component=name, evidence=evidence, values=values,
                thresholds={"should_be_available": ", ".join(sorted(wanted))},
                recommendation=msg("aix_devices.devices.fix", device=name)))
        elif device["status"] != "Available":
            other_defined.append(name)
    if not findings:  # an unknown device's status is never folded into an ok
        shown = other_defined[:MAX_NAMES] + (["..."] if len(other_defined) > MAX_NAMES else [])
        findings.insert(0, make_finding(
            DEVICES, "ok", msg("aix_devices.devices.ok", count=count,
                               defined=len(other_defined), names=shown or ["-"]),
            component=key, values={"devices": count, "other_defined": len(other_defined)}))
    return findings


# --------------------------------------------------------------------------- paths


def check_paths(data, thresholds, context=None):
    section, done = _section(data, "lspath", PATHS, "lspath")
    if section is None:
        return done
    levels = thresholds.get("paths") or {}
    ignore, min_paths = _names(levels), levels.get("min_paths")
    disks = {}
    for path in section["paths"]:
        disks.setdefault(path["disk"], []).append(path)
    findings = []
    for disk in sorted(disks, key=lambda n: [int(t) if t.isdigit() else t
                                             for t in re.split(r"(\d+)", n)]):
        if disk.lower() in ignore:
            continue
        paths = disks[disk]
        enabled = [p for p in paths if p["status"] == "Enabled"]
        others = [p for p in paths if p["status"] != "Enabled"]
        evidence = [" ".join(x for x in (p["status"], disk, p["parent"], p["connection"]) if x)
                    for p in paths]
        values = {"enabled": len(enabled), "paths": len(paths),
                  "not_enabled": len(others)}
        states = [msg("aix_devices.paths.state", parent=p["parent"],
                      connection=p["connection"] or "", status=p["status"]) for p in others]
        if not enabled:
            status = "critical"
        elif others or (min_paths and len(enabled) < min_paths):
            status = "warning"
        else:
            status = "ok"
        if min_paths and len(enabled) < min_paths and enabled:
            states.append(msg("aix_devices.paths.few", min_paths=min_paths))
        if any(not p["known"] for p in others) and status != "critical":
            findings.append(unknown(PATHS, msg("aix_devices.devices.unknown", device=disk,
                                               status=others[0]["status"]),
                                    component=disk, cause="not_understood", evidence=evidence))
            continue
        if status == "ok":
            summary = msg("aix_devices.paths.ok", disk=disk, enabled=len(enabled),
                          total=len(paths), parents=sorted({p["parent"] for p in paths}))
            fix = None
        else:
            summary = msg("aix_devices.paths.bad", disk=disk, enabled=len(enabled),
                          total=len(paths), states=states)
            fix = msg("aix_devices.paths.fix_none" if status == "critical"
                      else "aix_devices.paths.fix", disk=disk)
        findings.append(make_finding(PATHS, status, summary, component=disk, evidence=evidence,
                                     values=values, thresholds={"min_paths": min_paths},
                                     recommendation=fix))
    return findings


# --------------------------------------------------------------------------- FC


def _fc_key(port):
    return port.get("wwpn") or port["adapter"]


def _fc_ignored(name, port, ignore):
    return name.lower() in ignore or (port.get("wwpn") or "").lower() in ignore


def check_fc_ports(data, thresholds, context=None):
    section, done = _section(data, "fcstat", FC_PORTS, "fcstat")
    if section is None:
        return done
    ignore = _names(thresholds.get("fc_ports"))
    findings = []
    for name, port in section["adapters"].items():
        failed = section_failure(port)
        if failed:
            findings.append(unknown(FC_PORTS, failed[0], component=name, cause=failed[1]))
            continue
        if _fc_ignored(name, port, ignore):
            continue
        wwpn = port.get("wwpn") or "?"
        if "open_error" in port:
            if port["open_error"] != ENETDOWN:
                findings.append(unknown(FC_PORTS, msg("aix_devices.reason.open_error",
                                                      adapter=name, text=port["text"]),
                                        component=name, cause="source_unreadable",
                                        evidence=[port["text"]]))
                continue
            state = "Link Down"
        else:
            state = port.get("attention")
        values = {"attention": state, "speed": port.get("speed"), "wwpn": port.get("wwpn")}
        evidence = [f"Attention Type: {state}", f"Port Speed (running): {port.get('speed')}"]
        if state is None:
            findings.append(unknown(FC_PORTS, msg("aix_devices.fc.no_state", adapter=name,
                                                  wwpn=wwpn),
                                    component=name, cause="incomplete", values=values))
            continue
        if state.lower() == "link up":
            findings.append(make_finding(FC_PORTS, "ok", msg(
                "aix_devices.fc.up", adapter=name, wwpn=wwpn, speed=port.get("speed") or "?"),
                component=name, evidence=evidence, values=values))
            continue
        before = _reading(FC_PORTS, _fc_key(port), "online", context)
        if before and int(before["value"]) == 1:
            summary = msg("aix_devices.fc.lost", adapter=name, wwpn=wwpn, state=state,
                          since=before.get("at") or "?")
            level = "critical"
        else:
            summary, level = msg("aix_devices.fc.down", adapter=name, wwpn=wwpn,
                                 state=state), "warning"
        findings.append(make_finding(FC_PORTS, level, summary, component=name,
                                     evidence=evidence, values=values,
                                     recommendation=msg("aix_devices.fc.fix", adapter=name)))
    return findings


def check_fc_errors(data, thresholds, context=None):
    section, done = _section(data, "fcstat", FC_ERRORS, "fcstat")
    if section is None:
        return done
    levels = thresholds.get("fc_errors") or {}
    ignore = _names(thresholds.get("fc_ports"))
    findings = []
    for name, port in section["adapters"].items():
        failed = section_failure(port)
        if failed:
            findings.append(unknown(FC_ERRORS, failed[0], component=name, cause=failed[1]))
        elif "open_error" in port or _fc_ignored(name, port, ignore):
            continue  # no statistics: fc_ports says why
        elif port["virtual"]:
            findings.append(unknown(FC_ERRORS, msg("aix_devices.na.npiv", adapter=name,
                                                   wwpn=port.get("wwpn") or "?"),
                                    component=name, cause="not_applicable"))
        elif any(port["counters"].get(n) is None for n in FC_FRAME + FC_LINK):
            # fcstat prints every counter: one missing is output cut short, not a clean port
            missing = [n for n in FC_FRAME + FC_LINK if port["counters"].get(n) is None]
            findings.append(unknown(FC_ERRORS, msg("aix_devices.fc_errors.missing",
                                                   adapter=name, wwpn=port.get("wwpn") or "?",
                                                   names=missing),
                                    component=name, cause="not_understood"))
        else:
            findings.append(_fc_errors(name, port, levels, context))
    return findings


def _fc_errors(name, port, levels, context):
    key, wwpn, stats = _fc_key(port), port.get("wwpn") or "?", port["counters"]
    judged = [n for n in FC_FRAME + FC_LINK if stats.get(n) is not None]
    age = stats.get("seconds_since_last_reset")
    before_age = _reading(FC_ERRORS, key, "seconds_since_last_reset", context)
    reset = age is not None and before_age is not None and age < int(before_age["value"])
    grown = _grew(FC_ERRORS, key, judged, stats, context, reset=reset)
    values = {n: stats[n] for n in judged}
    values.update(wwpn=port.get("wwpn"), seconds_since_last_reset=age)
    baseline = all(d["previous"] is None for d in grown.values())
    warn, crit = levels.get("warning"), levels.get("critical")
    link_warn, base_warn = levels.get("link_warning"), levels.get("baseline_warning")
    evidence = [f"{n}: {stats[n]}" for n in judged]
    if baseline:
        frames = max([stats[n] for n in judged if n in FC_FRAME_BASELINE] or [0])
        status = "warning" if base_warn and frames >= base_warn else "ok"
        when = msg("links.when.fc_baseline", age=age) if age is not None \
            else msg("links.when.fc_baseline_age")
        frame_texts = _total_texts(stats, [n for n in judged if n in FC_FRAME])
        link_texts = _total_texts(stats, [n for n in judged if n in FC_LINK])
        values.update(baseline=True, frame_errors=frames)
        used = {"baseline_warning": base_warn}
    else:
        for n, d in grown.items():
            values[f"{n}_delta"] = d["delta"]
        frames = max([grown[n]["delta"] or 0 for n in grown if n in FC_FRAME] or [0])
        events = max([grown[n]["delta"] or 0 for n in grown if n in FC_LINK] or [0])
        status = "ok"
        if crit and frames >= crit:
            status = "critical"
        elif (warn and frames >= warn) or (link_warn and events >= link_warn):
            status = "warning"
        restarted = any(d["lower_bound"] for d in grown.values())
        when = msg("links.when.reset" if restarted else "links.when.previous",
                   since=_since(grown))
        frame_texts = _count_texts({n: d for n, d in grown.items() if n in FC_FRAME})
        link_texts = _count_texts({n: d for n, d in grown.items() if n in FC_LINK})
        values.update(baseline=False, frame_errors=frames, link_events=events, reset=restarted)
        used = {"warning": warn, "critical": crit, "link_warning": link_warn}
    return make_finding(
        FC_ERRORS, status, msg("aix_devices.fc_errors.summary", adapter=name, wwpn=wwpn,
                               frames=frame_texts, events=link_texts, when=when),
        component=name, evidence=evidence, values=values, thresholds=used,
        recommendation=None if status == "ok" else msg("aix_devices.fc_errors.fix",
                                                       adapter=name, wwpn=wwpn))


# --------------------------------------------------------------------------- Ethernet


def _link_text(block):
    if block["virtual"] and block["link"] is None:
        return msg("aix_devices.eth.link_virtual")
    if block["link"] is None:
        return msg("aix_devices.eth.link_none")
    if block["link"].lower() == "up":
        return msg("aix_devices.eth.link_up", speed=block["speed"] or "?")
    return msg("aix_devices.eth.link_down", state=block["link"])


def _ent_counts(name, block, levels, context):
    """(level, errors texts, collisions texts, when, values) of one adapter's counters."""
    counters = dict(block["counters"])
    counters["collisions"] = sum(counters.get(n, 0) for n in ENT_COLLISIONS)
    names = [n for n in ENT_ERRORS + ("collisions",) if n in counters]
    elapsed = block.get("elapsed")
    before = _reading(ETHERNET, name, "elapsed_seconds", context)
    reset = elapsed is not None and before is not None and elapsed < int(before["value"])
    grown = _grew(ETHERNET, name, names, counters, context, reset=reset)
    values = {n: counters.get(n) for n in names}
    warn, crit = levels.get("warning"), levels.get("critical")
    coll = levels.get("collision_warning")
    if all(d["previous"] is None for d in grown.values()):
        new = {n: counters.get(n, 0) for n in names}
        errors_t = _total_texts(counters, [n for n in ENT_ERRORS if n in counters])
        coll_t = _total_texts(counters, ["collisions"])
        when = msg("links.when.total")
        values["baseline"] = True
    else:
        new = {n: d["delta"] or 0 for n, d in grown.items()}
        errors_t = _count_texts({n: d for n, d in grown.items() if n in ENT_ERRORS})
        coll_t = _count_texts({n: d for n, d in grown.items() if n == "collisions"})
        restarted = any(d["lower_bound"] for d in grown.values())
        when = msg("links.when.reset" if restarted else "links.when.previous",
                   since=_since(grown))
        values["baseline"] = False
        values.update({f"{n}_delta": d["delta"] for n, d in grown.items()})
    errors = max([new.get(n, 0) for n in ENT_ERRORS] or [0])
    level = "ok"
    if crit and errors >= crit:
        level = "critical"
    elif (warn and errors >= warn) or (coll and new.get("collisions", 0) >= coll):
        level = "warning"
    return level, errors_t, coll_t, when, values


def check_ethernet(data, thresholds, context=None):
    section, done = _section(data, "entstat", ETHERNET, "entstat")
    if section is None:
        return done
    levels = thresholds.get("ethernet") or {}
    ignore = _names(levels)
    findings = []
    for name, block in section["adapters"].items():
        failed = section_failure(block)
        if failed:
            findings.append(unknown(ETHERNET, failed[0], component=name, cause=failed[1]))
            continue
        if name.lower() in ignore:
            continue
        if block["channel"] and not block["members"]:
            # entstat -d of an EtherChannel prints its members: none is output cut short
            findings.append(unknown(ETHERNET, msg("aix_devices.eth.no_members", adapter=name,
                                                  kind=block["device_type"] or "?"),
                                    component=name, cause="not_understood"))
            continue
        if block["channel"] or block["members"]:
            findings.append(_channel(name, block, levels, context))
            continue
        level, errors_t, coll_t, when, values = _ent_counts(name, block, levels, context)
        if not block["virtual"] and block["link"] is None:
            findings.append(unknown(ETHERNET, msg("aix_devices.eth.summary", adapter=name,
                                                  kind=block["device_type"] or "?",
                                                  link=_link_text(block), errors=errors_t,
                                                  collisions=coll_t, when=when),
                                    component=name, cause="incomplete", values=values))
            continue
        if block["link"] is not None and block["link"].lower() != "up":
            level = worst([level, "warning"])
        values.update(link=block["link"], speed=block["speed"])
        findings.append(make_finding(
            ETHERNET, level, msg("aix_devices.eth.summary", adapter=name,
                                 kind=block["device_type"] or "?", link=_link_text(block),
                                 errors=errors_t, collisions=coll_t, when=when),
            component=name, values=values,
            evidence=[f"Link Status: {block['link']}", f"Media Speed Running: {block['speed']}"]
            + [f"{n}: {v}" for n, v in block["counters"].items()],
            thresholds={"warning": levels.get("warning"), "critical": levels.get("critical"),
                        "collision_warning": levels.get("collision_warning")},
            recommendation=None if level == "ok" else msg("aix_devices.eth.fix",
                                                          adapter=name)))
    return findings


def _channel(name, block, levels, context):
    members = block["members"]
    up = [m for m in members if (m["link"] or "").lower() == "up"]
    problems, level = [], "ok"
    status = block.get("aggregation")
    if status is not None and status not in AGGREGATED:
        problems.append(msg("aix_devices.eth.aggregation", status=status))
        level = "warning"
    for member in members:
        if (member["link"] or "").lower() != "up" and not member["virtual"]:
            problems.append(msg("aix_devices.eth.member_down", member=member["adapter"],
                                state=member["link"] or "?"))
            level = "warning"
        if member["sync"] and member["sync"] != "IN_SYNC":
            problems.append(msg("aix_devices.eth.out_of_sync", member=member["adapter"]))
            level = "warning"
    if (block.get("active_channel") or "").lower().startswith("backup"):
        problems.append(msg("aix_devices.eth.backup"))
        level = "warning"
    if members and not up and not all(m["virtual"] for m in members):
        level = "critical"
    for member in members:
        count_level = _ent_counts(member["adapter"], member, levels, context)[0]
        level = worst([level, count_level])
    values = {"members": len(members), "up": len(up), "aggregation": status,
              "active_channel": block.get("active_channel")}
    evidence = [f"Aggregation status: {status}"] + [
        f"{m['adapter']}: Link Status {m['link']}, Synchronization {m['sync']}"
        for m in members]
    return make_finding(ETHERNET, level, msg(
        "aix_devices.eth.channel", adapter=name, kind=block["device_type"] or "?",
        members=len(members), up=len(up), problems=problems or [msg("links.none")]),
        component=name, evidence=evidence, values=values,
        recommendation=None if level == "ok" else msg("aix_devices.eth.fix_channel",
                                                      adapter=name))


# --------------------------------------------------------------------------- tape


def check_tape(data, thresholds, context=None):
    section, done = _section(data, "lsdev_tape", TAPE, "lsdev_tape")
    if section is None:
        return done
    ignore = _names(thresholds.get("tape"))
    findings = []
    for device in section["devices"]:
        name = device["name"]
        if name.lower() in ignore:
            continue
        values = {"status": device["status"], "description": device["description"]}
        evidence = [" ".join(x for x in (name, device["status"], device["location"],
                                         device["description"]) if x)]
        description = device["description"] or "-"
        if not device["known"]:
            findings.append(unknown(TAPE, msg("aix_devices.devices.unknown", device=name,
                                              status=device["status"]),
                                    component=name, cause="not_understood", evidence=evidence))
        elif device["status"] == "Available":
            findings.append(make_finding(TAPE, "ok", msg("aix_devices.tape.ok", device=name,
                                                         description=description),
                                         component=name, evidence=evidence, values=values))
        else:
            findings.append(make_finding(
                TAPE, "warning", msg("aix_devices.tape.bad", device=name,
                                     description=description, status=device["status"]),
                component=name, evidence=evidence, values=values,
                recommendation=msg("aix_devices.tape.fix", device=name)))
    return findings


# --------------------------------------------------------------------------- all


def _ok(section):
    return section is not None and section_failure(section) is None


def counters(data, context=None):
    """The counters this inspection read, for the next one's deltas."""
    out = []

    def add(check_id, component, name, value):
        if isinstance(value, int) and 0 <= value <= MAX_STORED_COUNTER:
            out.append(deltas.counter(check_id, component, name, value))

    fc = data.get("fcstat")
    if _ok(fc):
        for port in fc["adapters"].values():
            if not _ok(port):
                continue
            key = _fc_key(port)
            if "open_error" in port:
                if port["open_error"] == ENETDOWN:
                    add(FC_PORTS, key, "online", 0)
                continue
            if port.get("attention"):
                add(FC_PORTS, key, "online", 1 if port["attention"].lower() == "link up" else 0)
            if not port["virtual"]:
                for name in FC_FRAME + FC_LINK + ("seconds_since_last_reset",):
                    add(FC_ERRORS, key, name, port["counters"].get(name))
    ent = data.get("entstat")
    if _ok(ent):
        for name, block in ent["adapters"].items():
            if not _ok(block):
                continue
            for one in [block] + list(block["members"]):
                component = one["adapter"] if one is not block else name
                c = one["counters"]
                for n in ENT_ERRORS:
                    add(ETHERNET, component, n, c.get(n))
                if any(n in c for n in ENT_COLLISIONS):
                    add(ETHERNET, component, "collisions",
                        sum(c.get(n, 0) for n in ENT_COLLISIONS))
                add(ETHERNET, component, "elapsed_seconds", one.get("elapsed"))
    return out


def not_applicable(data):
    """The checks that do not apply: no MPIO path, no FC adapter, no Ethernet adapter read,
    no tape device."""
    out = []
    if data.get("lsdev") is None and data.get("lsdev_adapter") is None:
        out.append(not_applicable_entry(DEVICES, msg("aix_devices.na.no_devices"),
                                        component="lsdev"))
    paths = data.get("lspath")
    if paths is None or (_ok(paths) and not paths["paths"]):
        out.append(not_applicable_entry(PATHS, msg("aix_devices.na.no_paths"),
                                        component="lspath"))
    fc = data.get("fcstat")
    if fc is None or (_ok(fc) and not fc["adapters"]):
        out += [not_applicable_entry(c, msg("aix_devices.na.no_fc"), component="fcstat")
                for c in (FC_PORTS, FC_ERRORS)]
    ent = data.get("entstat")
    if ent is None or (_ok(ent) and not ent["adapters"]):
        out.append(not_applicable_entry(ETHERNET, msg("aix_devices.na.no_ent"),
                                        component="entstat"))
    tape = data.get("lsdev_tape")
    if tape is None or (_ok(tape) and not tape["devices"]):
        out.append(not_applicable_entry(TAPE, msg("aix_devices.na.no_tape"),
                                        component="lsdev_tape"))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the aix_devices area, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    for check in (check_devices, check_paths, check_fc_ports, check_fc_errors,
                  check_ethernet, check_tape):
        findings.extend(check(data, thresholds, context))
    return findings
