"""The monthly report's environment section: per server and its BMC, a sensor summary by kind,
the new hardware events since the last inspection, the absent sensors, and what is not OK.

Built from the ``environment.*`` findings only (their ``values``, as
``plugins/module_utils/weibao_inspection/rules/environment.py`` writes them), so the report
shows exactly what the inspection stored. Everything is sorted: the same findings give the
same section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.statuses import ORDER

# (check id, the rule's kind) in the report's order
SENSOR_CHECKS = (("environment.temperature", "temperature"), ("environment.fans", "fan"),
                 ("environment.power_supplies", "power_supply"),
                 ("environment.voltages", "voltage"),
                 ("environment.redundancy", "redundancy"),
                 ("environment.other_sensors", "other"))
EVENT_CHECK = "environment.event_log"
# the event classes in the rule's order (rules/environment.py CLASSES_ORDER)
EVENT_CLASSES = ("power_supply", "fan", "temperature", "voltage", "memory", "processor",
                 "intrusion", "drive", "watchdog", "other")
SAMPLES = 3
SENSOR_STATES = ("ok", "warning", "critical", "unknown", "absent")


def _int(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _names(text: Any) -> list[str]:
    return [n.strip() for n in str(text or "").split(",") if n.strip()]


def _sensors(findings: list[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Per kind {check_id, kind, ok, warning, critical, unknown, absent, judged}; the absent
    sensors' names (sorted)."""
    rows = []
    absent_names: set[str] = set()
    for check_id, kind in SENSOR_CHECKS:
        mine = [f for f in findings if f["check_id"] == check_id]
        row: dict[str, Any] = {"check_id": check_id, "kind": kind,
                               **dict.fromkeys(SENSOR_STATES, 0), "judged": bool(mine)}
        ok_from_faults = 0
        absent = 0
        for f in mine:
            values = f.get("values") or {}
            status = f["status"]
            component = str(f.get("component") or "")
            if "absent_count" in values:
                absent = max(absent, _int(values.get("absent_count")))
                absent_names.update(_names(values.get("absent")))
            if component == kind:
                # the kind's own finding: all ok (values.sensors judged, not_judged unread), or
                # why the kind could not be judged (only absent sensors, none, unreadable)
                if status == "ok":
                    row["ok"] += _int(values.get("sensors"))
                    row["unknown"] += _int(values.get("not_judged"))
                elif values.get("absent_count") is None and status == "unknown" \
                        and f.get("cause") != "not_applicable":
                    row["judged"] = False
            else:
                # one sensor's finding (warning, critical or not understood)
                row[status if status in ("warning", "critical") else "unknown"] += 1
                ok_from_faults = max(ok_from_faults, _int(values.get("kind_ok")))
        row["ok"] += ok_from_faults
        row["absent"] = absent
        rows.append(row)
    return rows, sorted(absent_names, key=lambda n: (n.casefold(), n))


def _events(findings: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The new hardware events since the last inspection: {new_entries, baseline, since,
    reset, lower_bound, classes: [{cls, count, status, recovered, last_time, last_event,
    samples}]}, or None when the event log was not read."""
    mine = [f for f in findings if f["check_id"] == EVENT_CHECK]
    read = [f for f in mine if "new_entries" in (f.get("values") or {})]
    if not read:
        return None
    base = read[0]["values"]
    classes = []
    for f in read:
        values = f["values"]
        cls = values.get("cls")
        if not cls or f["status"] not in ("warning", "critical"):
            continue
        evidence = [str(line) for line in f.get("evidence") or []]
        classes.append({"cls": str(cls), "count": _int(values.get("count")),
                        "status": f["status"], "recovered": bool(values.get("recovered")),
                        "last_time": values.get("last_time") or None,
                        "last_event": values.get("last_event") or None,
                        "samples": evidence[:SAMPLES]})
    rank = {c: i for i, c in enumerate(EVENT_CLASSES)}
    classes.sort(key=lambda c: (rank.get(c["cls"], len(rank)), c["cls"]))
    return {"new_entries": _int(base.get("new_entries")), "baseline": base.get("baseline"),
            "since": base.get("since") or None, "reset": base.get("reset") or None,
            "lower_bound": bool(base.get("lower_bound")), "classes": classes}


def environment_view(hosts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per BMC (a host linked to a server by ``asset.bmc_of``, or with environment
    findings), sorted by server then BMC name:

    ``server`` / ``bmc`` / ``status`` / ``message``  the server it belongs to ("" when not
        linked), the BMC's host name, its host state and message
    ``sensors``  per kind (:data:`SENSOR_CHECKS` order): ``ok``, ``warning``, ``critical``,
        ``unknown`` (not understood or unread), ``absent`` counts; ``judged`` False when the
        kind could not be read at all
    ``absent``   the absent sensors' names, sorted
    ``events``   the new hardware events since the last inspection (see :func:`_events`), or
        None when the event log was not read
    ``not_ok``   the environment findings not OK, worst first
    """
    out = []
    for host in hosts:
        server = str((host.get("asset") or {}).get("bmc_of") or "")
        findings = [f for f in host.get("findings") or []
                    if str(f["check_id"]).startswith("environment.")]
        if not server and not findings:
            continue
        sensors, absent = _sensors(findings)
        not_ok = sorted((f for f in findings if f["status"] != "ok"),
                        key=lambda f: (ORDER.get(f["status"], 9), str(f["check_id"]),
                                       str(f.get("component") or "")))
        out.append({"server": server, "bmc": str(host["name"]), "status": host["status"],
                    "message": host.get("message") or "", "inspected": bool(findings),
                    "sensors": sensors, "absent": absent, "events": _events(findings),
                    "not_ok": not_ok})
    out.sort(key=lambda e: (e["server"] == "", e["server"], e["bmc"]))
    return out
