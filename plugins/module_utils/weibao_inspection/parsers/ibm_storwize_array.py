# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an IBM Storwize / FlashSystem / SAN Volume Controller (Spectrum Virtualize CLI) over
SSH (the ``array`` area). Pure functions: text -> data, never a judgement.

Every list command is read by its header row (columns differ between 7.x and 8.x code
levels), with ``-delim :`` (``-delim ,``) or aligned, with or without the ``svcinfo`` prefix
(the same output). Formats: IBM Docs' command reference of each command (attributes and
their values; ``lsdrive`` status online/offline/degraded, use unused/candidate/spare/member/
failed; ``lsportfc`` status active/inactive_configured/inactive_unconfigured; ``lseventlog``
status alert/message/monitoring/expired, fixed yes/no). An empty list command prints nothing
(IBM Docs: "If there is no data to be displayed, headings are not displayed"): none listed.

The data shape is shared with ``huawei_oceanstor_array.py`` (one rules module judges both):

    system     {name, model, code_level, serial, health, health_text, capacity,
                write_cache_pct, total_cache_pct, cache_high_water_pct, lines}
    drives     {items: [{id, label, state, status, use, enclosure, slot, capacity, line}]}
    enclosures {items: [{id, label, kind, state, status, line, canisters_online, ...}]}
    psus       {items: [{id, label, state, status, line}]}
    batteries  {items: [{id, label, state, status, charge_pct, charging, end_of_life, line}]}
    ports      {items: [{id, label, state, status, speed, line}]}
    pools      {items: [{id, label, state, status, capacity, free, used, used_pct, line}]}
    events     {items: [{id, label, severity, status, code, description, object, time,
                line}]}

``state``: ok | degraded | failed | offline, None for a value this reader does not know (the
rule says so, never ok); ports: up | down_configured | unused | down | fault. Each section
may instead be a failure ``{"error", "cause"}`` (parsers/sections.py) or absent (not
collected).
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers import array_text as t
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

PLATFORM = "ibm_storwize"
STATES = {"online": "ok", "offline": "offline", "degraded": "degraded",
          "degraded_paths": "degraded", "degraded_ports": "degraded", "excluded": "offline",
          "service": "offline", "flashing": "degraded"}
PORT_STATES = {"active": "up", "inactive_configured": "down_configured",
               "inactive_unconfigured": "unused"}
USES = ("member", "spare", "candidate", "failed", "unused")


def _state(value):
    return STATES.get((value or "").strip().lower())


def _cli_error(text, source):
    """A CLI refusal (``CMMVC7205E The command failed because it is not supported.``)."""
    for line in t.lines_of(text):
        if line.strip().startswith("CMMVC"):
            raise ParseError("array.reason.cli_error", source=source, text=line.strip())


def _rows(text, source, required):
    _cli_error(text, source)
    return t.svc_table(text, source, required)


def parse_lssystem(text):
    _cli_error(text, "lssystem")
    pairs = t.svc_pairs(text, "lssystem")
    if "name" not in pairs or "code_level" not in pairs:
        raise ParseError("reason.missing_field", field="name, code_level", source="lssystem")
    capacity = t.size(pairs.get("total_mdisk_capacity"))
    return {"name": pairs["name"], "code_level": pairs["code_level"],
            "model": pairs.get("product_name") or "", "serial": pairs.get("id") or "",
            "health": None, "health_text": "", "capacity": capacity,
            "used": t.size(pairs.get("total_used_capacity")),
            "free": t.size(pairs.get("total_free_space")),
            "write_cache_pct": None, "total_cache_pct": None, "cache_high_water_pct": None,
            "lines": [f"name {pairs['name']}", f"code_level {pairs['code_level']}"]}


def parse_lssystemstats(text):
    _names, rows, lines = _rows(text, "lssystemstats", ("stat_name", "stat_current"))
    stats = {row["stat_name"]: t.number(row["stat_current"]) for row in rows}
    if not rows:
        raise ParseError("reason.empty", source="lssystemstats")
    return {"write_cache_pct": stats.get("write_cache_pc"),
            "total_cache_pct": stats.get("total_cache_pc"),
            "lines": [line.strip() for line in lines
                      if line.split()[0].split(":")[0] in ("write_cache_pc", "total_cache_pc")]}


def parse_lsdrive(text):
    _names, rows, lines = _rows(text, "lsdrive", ("id", "status", "use"))
    items = []
    for row, line in zip(rows, lines):
        use = row["use"].lower()
        state = _state(row["status"])
        if use == "failed":
            state = "failed"
        elif use not in USES:
            state = None
        enclosure, slot = row.get("enclosure_id", ""), row.get("slot_id", "")
        label = msg("array.label.drive_at", id=row["id"], enclosure=enclosure, slot=slot) \
            if enclosure and slot else msg("array.label.drive", id=row["id"])
        items.append({"id": row["id"], "component": f"drive {row['id']}", "label": label,
                      "state": state,
                      "status": row["status"], "use": use, "enclosure": enclosure,
                      "slot": slot, "capacity": t.size(row.get("capacity")),
                      "tech": row.get("tech_type", ""), "line": line.strip()})
    return {"items": items}


def parse_lsenclosure(text):
    _names, rows, lines = _rows(text, "lsenclosure", ("id", "status"))
    items = []
    for row, line in zip(rows, lines):
        item = {"id": row["id"], "component": f"enclosure {row['id']}",
                "label": msg("array.label.enclosure", id=row["id"]), "kind": "enclosure",
                "state": _state(row["status"]), "status": row["status"],
                "type": row.get("type", ""), "line": line.strip()}
        for part in ("canisters", "fan_modules"):
            total, online = t.number(row.get(f"total_{part}")), \
                t.number(row.get(f"online_{part}"))
            item[f"{part}_total"], item[f"{part}_online"] = total, online
        items.append(item)
    return {"items": items}


def parse_lsenclosurepsu(text):
    _names, rows, lines = _rows(text, "lsenclosurepsu", ("enclosure_id", "PSU_id", "status"))
    return {"items": [{"id": f"{r['enclosure_id']}.{r['PSU_id']}",
                       "component": f"enclosure {r['enclosure_id']} psu {r['PSU_id']}",
                       "label": msg("array.label.psu_at", enclosure=r["enclosure_id"],
                                    id=r["PSU_id"]),
                       "state": _state(r["status"]), "status": r["status"],
                       "line": line.strip()} for r, line in zip(rows, lines)]}


def parse_lsenclosurebattery(text):
    _names, rows, lines = _rows(text, "lsenclosurebattery",
                                ("enclosure_id", "battery_id", "status"))
    items = []
    for row, line in zip(rows, lines):
        eol = (row.get("end_of_life_warning") or "").lower()
        items.append({"id": f"{row['enclosure_id']}.{row['battery_id']}",
                      "component": f"enclosure {row['enclosure_id']} battery "
                                   f"{row['battery_id']}",
                      "label": msg("array.label.battery_at", enclosure=row["enclosure_id"],
                                   id=row["battery_id"]),
                      "state": _state(row["status"]), "status": row["status"],
                      "charge_pct": t.number(row.get("percent_charged")),
                      "charging": row.get("charging_status", ""),
                      "end_of_life": eol == "yes" if eol in ("yes", "no") else None,
                      "line": line.strip()})
    return {"items": items}


def parse_lsportfc(text):
    _names, rows, lines = _rows(text, "lsportfc", ("id", "status"))
    items = []
    for row, line in zip(rows, lines):
        node = row.get("node_name") or row.get("node_id") or "?"
        port = row.get("port_id") or row["id"]
        kind = row.get("type") or "fc"
        items.append({"id": row["id"], "component": f"node {node} port {port}",
                      "label": msg("array.label.port_at", node=node, port=port, kind=kind),
                      "state": PORT_STATES.get(row["status"].lower()),
                      "status": row["status"], "speed": row.get("port_speed", ""),
                      "wwpn": row.get("WWPN", ""), "line": line.strip()})
    return {"items": items}


def parse_lsmdiskgrp(text):
    _names, rows, lines = _rows(text, "lsmdiskgrp", ("id", "name", "status", "capacity",
                                                    "free_capacity"))
    items = []
    for row, line in zip(rows, lines):
        capacity, free = t.size(row["capacity"]), t.size(row["free_capacity"])
        for name in ("capacity", "free_capacity"):
            if t.size(row[name]) is None:
                raise ParseError("reason.not_a_number", what=f"{row['name']} {name}",
                                 value=row[name])
        used = capacity - free if capacity is not None and free is not None else None
        items.append({"id": row["id"], "component": f"pool {row['name']}",
                      "label": msg("array.label.pool", id=row["name"]),
                      "state": _state(row["status"]), "status": row["status"],
                      "capacity": capacity, "free": free, "used": used,
                      "used_pct": t.percent(used, capacity), "line": line.strip()})
    return {"items": items}


def parse_lseventlog(text):
    _names, rows, lines = _rows(text, "lseventlog", ("sequence_number", "status",
                                                    "error_code"))
    items = []
    for row, line in zip(rows, lines):
        status = row["status"].lower()
        fixed = (row.get("fixed") or "no").lower() == "yes"
        code = row["error_code"]
        if fixed or status in ("expired", "message") or status not in ("alert", "monitoring"):
            severity = "info"
        elif status == "alert":
            severity = "critical" if code else "warning"
        else:
            severity = "info"  # monitoring: not yet an alert (IBM Docs)
        items.append({"id": row["sequence_number"], "component": "events",
                      "severity": severity, "status": status, "fixed": fixed, "code": code,
                      "event_id": row.get("event_id", ""),
                      "description": row.get("description", ""),
                      "object": " ".join(v for v in (row.get("object_type", ""),
                                                     row.get("object_name", "")) if v),
                      "time": row.get("last_timestamp", ""), "line": line.strip()})
    return {"items": items}


# source key -> (data section, reader)
PARSERS = (
    ("lssystem", "system", parse_lssystem),
    ("lssystemstats", "system_stats", parse_lssystemstats),
    ("lsdrive", "drives", parse_lsdrive),
    ("lsenclosure", "enclosures", parse_lsenclosure),
    ("lsenclosurepsu", "psus", parse_lsenclosurepsu),
    ("lsenclosurebattery", "batteries", parse_lsenclosurebattery),
    ("lsportfc", "ports", parse_lsportfc),
    ("lsmdiskgrp", "pools", parse_lsmdiskgrp),
    ("lseventlog", "events", parse_lseventlog),
)


def parse_sources(raw, context=None):
    """The raw outputs of one Storwize system -> the array data (see the module's doc).
    Absent keys were not collected; their sections are absent too."""
    data = {"platform": PLATFORM}
    for key, section, parser in PARSERS:
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        if is_failure(value):
            data[section] = failure(value)
            continue
        try:
            data[section] = parser(str(value))
        except ParseError as exc:
            data[section] = failure(exc)
    stats = data.pop("system_stats", None)
    if stats is not None:
        system = data.get("system")
        if system is None or is_failure(system):
            # the stats alone still carry the cache use; the failure (if any) is kept
            data["system_stats"] = stats
        else:
            if not is_failure(stats):
                system.update(write_cache_pct=stats["write_cache_pct"],
                              total_cache_pct=stats["total_cache_pct"])
                system["lines"] = system["lines"] + stats["lines"]
            else:
                data["system_stats"] = stats
    return data
