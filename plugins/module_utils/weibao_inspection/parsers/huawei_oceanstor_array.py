# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a Huawei OceanStor (V3/V5, Dorado V6) CLI over SSH (the ``array`` area). Pure
functions: text -> data, never a judgement.

Tables are read by their header names (``Health Status``, ``Running Status``), the columns
cut where the dashed line under the header says; ``show system general`` is ``name : value``
lines. Values: Health Status Normal / Fault / Pre-fail / Degraded / Offline, Running Status
Online / Offline / Running / Reconstruction / Link Up / Link Down (Huawei's OceanStor CLI
command references; formats also seen in public SSH checks such as check-oceanstor.py, which
fails on Health Offline, Pre-fail, Fault, "--" and Running Offline, Reconstruction).

A CLI in Chinese prints Chinese headers and values (健康状态 正常 ...): the ones in
:data:`ZH` are read as their English; a table whose needed headers are not known is not
understood (never judged ok). The data shape is the one ``ibm_storwize_array.py`` documents.
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers import array_text as t
from ansible.module_utils.weibao_inspection.parsers.sections import (
    ParseError,
    failure,
    is_failure,
)

PLATFORM = "huawei_oceanstor"

# Chinese headers and values -> their English (the CLI's own words in each language)
ZH = {
    "健康状态": "Health Status", "运行状态": "Running Status", "类型": "Type",
    "容量": "Capacity", "角色": "Role", "名称": "Name", "总容量": "Total Capacity",
    "空闲容量": "Free Capacity", "剩余容量": "Free Capacity", "已用容量": "Used Capacity",
    "级别": "Level", "告警级别": "Level", "序列号": "Sequence", "流水号": "Sequence",
    "发生时间": "Occurred On", "告警名称": "Name", "系统名称": "System Name",
    "产品型号": "Product Model", "产品版本": "Product Version", "工作速率(Mbps)":
    "Working Rate(Mbps)", "硬盘域ID": "Disk Domain ID",
    "正常": "Normal", "故障": "Fault", "预失效": "Pre-fail", "预故障": "Pre-fail",
    "降级": "Degraded", "离线": "Offline", "在线": "Online", "运行": "Running",
    "重构": "Reconstruction", "链路连接": "Link Up", "链路断开": "Link Down",
    "成员盘": "Member Disk", "热备盘": "Hot Spare Disk", "空闲盘": "Free Disk",
    "紧急": "Critical", "重要": "Major", "次要": "Minor", "提示": "Warning",
}
HEALTH = {"normal": "ok", "fault": "failed", "pre-fail": "degraded", "prefail": "degraded",
          "degraded": "degraded", "offline": "offline", "abnormal": "failed"}
RUNNING = {"online": "ok", "running": "ok", "normal": "ok", "offline": "offline",
           "charging": "ok", "discharging": "degraded",
           "reconstruction": "degraded", "reconstructing": "degraded",
           "pre-copy": "degraded", "precopy": "degraded", "copying back": "degraded",
           "not running": "offline", "degraded": "degraded", "fault": "failed"}
ROLES = {"member disk": "member", "hot spare disk": "spare", "free disk": "candidate"}
LEVELS = {"critical": "critical", "major": "critical", "warning": "warning",
          "minor": "warning", "info": "info", "informational": "info"}
RANK = {"ok": 0, "degraded": 1, "offline": 2, "failed": 3}


def _en(value):
    value = (value or "").strip()
    return ZH.get(value, value)


def _tables(text, source, required):
    """The answer's tables with English headers and values; ``[]`` when the CLI says it
    has nothing to list; ParseError on an error reply or unknown headers."""
    tables = t.ocean_tables(text)
    if not tables:
        said = [line for line in t.ocean_messages(text)
                if not re.match(r"^(Command executed successfully|命令执行成功)", line)
                and not line.endswith(":")]
        if said:
            raise ParseError("array.reason.cli_error", source=source, text=said[0][:200])
        return []
    out = []
    for names, rows, lines in tables:
        english = [_en(n) for n in names]
        missing = [c for c in required if c not in english]
        if missing:
            raise ParseError("array.reason.no_header", source=source, columns=missing,
                             line=" ".join(names)[:120])
        for row, line in zip(rows, lines):
            out.append(({_en(k): _en(v) for k, v in row.items()}, line))
    return out


def _state(row):
    """The worst of Health Status and Running Status; None when either is not known."""
    health = HEALTH.get(row.get("Health Status", "").lower()) \
        if "Health Status" in row else "ok"
    running = RUNNING.get(row.get("Running Status", "").lower()) \
        if "Running Status" in row else "ok"
    if health is None or running is None:
        return None
    return health if RANK[health] >= RANK[running] else running


def _status(row):
    return " / ".join(v for v in (row.get("Health Status"), row.get("Running Status")) if v)


def parse_system(text):
    pairs = {_en(k): _en(v) for k, v in t.ocean_pairs(text).items()}
    if "System Name" not in pairs and "Product Model" not in pairs:
        if t.ocean_messages(text):
            raise ParseError("array.reason.cli_error", source="show system general",
                             text=t.ocean_messages(text)[0][:200])
        raise ParseError("reason.missing_field", field="System Name",
                         source="show system general")
    health_text = pairs.get("Health Status", "")
    version = pairs.get("Product Version", "")
    if pairs.get("Patch Version") and pairs["Patch Version"] != "--":
        version = f"{version} {pairs['Patch Version']}".strip()
    return {"name": pairs.get("System Name", ""), "model": pairs.get("Product Model", ""),
            "code_level": version, "serial": pairs.get("SN", ""),
            "health": _state({"Health Status": health_text,
                              "Running Status": pairs.get("Running Status", "Normal")}),
            "health_text": _status({"Health Status": health_text,
                                    "Running Status": pairs.get("Running Status", "")}),
            "capacity": t.size(pairs.get("Total Capacity")), "used": None, "free": None,
            "write_cache_pct": None, "total_cache_pct": None,
            "cache_high_water_pct": t.number(pairs.get("High Water Level(%)")),
            "lines": [f"{k} : {pairs[k]}" for k in ("System Name", "Health Status",
                                                    "Running Status", "Product Model",
                                                    "Product Version") if k in pairs]}


def parse_disks(text):
    items = []
    for row, line in _tables(text, "show disk general", ("ID", "Health Status",
                                                         "Running Status")):
        role = ROLES.get(row.get("Role", "").lower(), "unused")
        state = _state(row)
        ident = row["ID"]
        enclosure, _, slot = ident.rpartition(".")
        items.append({"id": ident, "component": f"disk {ident}",
                      "label": msg("array.label.drive", id=ident), "state": state,
                      "status": _status(row), "use": role, "enclosure": enclosure,
                      "slot": slot, "capacity": t.size(row.get("Capacity")),
                      "tech": row.get("Type", ""), "line": line})
    return {"items": items}


def _components(text, source, label, kind):
    return [{"id": row["ID"], "component": f"{kind} {row['ID']}",
             "label": msg(label, id=row["ID"]), "kind": kind,
             "state": _state(row), "status": _status(row), "line": line}
            for row, line in _tables(text, source, ("ID", "Health Status", "Running Status"))]


def parse_enclosures(text):
    return {"items": _components(text, "show enclosure", "array.label.enclosure", "enclosure")}


def parse_power_supplies(text):
    return {"items": _components(text, "show power_supply", "array.label.psu", "psu")}


def parse_bbus(text):
    items = []
    for row, line in _tables(text, "show bbu general", ("ID", "Health Status",
                                                        "Running Status")):
        charge = None
        for name, value in row.items():
            if "Quantity" in name or "电量" in name or name.startswith("Charge"):
                charge = t.number(value)
        items.append({"id": row["ID"], "component": f"battery {row['ID']}",
                      "label": msg("array.label.battery", id=row["ID"]), "state": _state(row),
                      "status": _status(row), "charge_pct": charge,
                      "charging": row.get("Running Status", ""),
                      # the CLI prints no end-of-life flag: a worn BBU is Pre-fail (degraded)
                      "end_of_life": None, "line": line})
    return {"items": items}


def parse_fc_ports(text):
    items = []
    for row, line in _tables(text, "show port general physical_type=FC",
                             ("ID", "Health Status", "Running Status")):
        health = HEALTH.get(row["Health Status"].lower())
        running = row["Running Status"].lower()
        if health in ("failed", "offline"):
            state = "fault"
        elif health is None:
            state = None
        elif running == "link up":
            state = "up" if health == "ok" else "fault"
        elif running == "link down":
            state = "down"  # the CLI does not say whether the port is meant to be in use
        else:
            state = None
        speed = ""
        for name, value in row.items():
            if name.startswith("Working Rate"):
                speed = "" if value in ("", "--") else \
                    f"{value} {name[len('Working Rate'):].strip('()')}".strip()
        items.append({"id": row["ID"], "component": f"port {row['ID']}",
                      "label": msg("array.label.port", id=row["ID"]), "state": state,
                      "status": _status(row), "speed": speed, "line": line})
    return {"items": items}


def parse_pools(text):
    items = []
    for row, line in _tables(text, "show storage_pool general",
                             ("ID", "Name", "Health Status", "Running Status",
                              "Total Capacity", "Free Capacity")):
        capacity, free = t.size(row["Total Capacity"]), t.size(row["Free Capacity"])
        for name in ("Total Capacity", "Free Capacity"):
            if t.size(row[name]) is None:
                raise ParseError("reason.not_a_number", what=f"{row['Name']} {name}",
                                 value=row[name])
        used = t.size(row.get("Used Capacity")) if row.get("Used Capacity") else None
        if used is None and capacity is not None and free is not None:
            used = capacity - free
        items.append({"id": row["ID"], "component": f"pool {row['Name']}",
                      "label": msg("array.label.pool", id=row["Name"]), "state": _state(row),
                      "status": _status(row), "capacity": capacity, "free": free,
                      "used": used, "used_pct": t.percent(used, capacity), "line": line})
    return {"items": items}


def parse_alarms(text):
    items = []
    for row, line in _tables(text, "show alarm", ("Sequence", "Level", "Name")):
        items.append({"id": row["Sequence"], "component": "events",
                      "label": msg("array.label.event", id=row["Sequence"]),
                      "severity": LEVELS.get(row["Level"].lower()), "status": row["Level"],
                      "fixed": False, "code": row.get("Alarm ID", "") or row.get("ID", ""),
                      "event_id": "", "description": row["Name"], "object": "",
                      "time": row.get("Occurred On", ""), "line": line})
    return {"items": items}


# source key -> (data section, reader)
PARSERS = (
    ("system", "system", parse_system),
    ("disks", "drives", parse_disks),
    ("enclosures", "enclosures", parse_enclosures),
    ("power_supplies", "psus", parse_power_supplies),
    ("bbus", "batteries", parse_bbus),
    ("fc_ports", "ports", parse_fc_ports),
    ("pools", "pools", parse_pools),
    ("alarms", "events", parse_alarms),
)


def parse_sources(raw, context=None):
    """The raw outputs of one OceanStor system -> the array data. Absent keys were not
    collected; their sections are absent too."""
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
    return data
