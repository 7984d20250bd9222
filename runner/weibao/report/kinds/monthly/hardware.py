"""The monthly report's hardware section: per host its disks, hardware RAID, software RAID and
volumes, tape, links and (for a disk-array device) the array, with what changed since the
host's previous inspection.

Generic over the areas: every finding of an area in :data:`AREAS` that the check catalogue
knows is shown, grouped by host, then area (the catalogue's title), then component (the
finding's ``component``), with its status, the check's name and its message rendered in the
report's language. Nothing here knows a check of its own; a new area's findings appear as soon
as its catalogue file exists.

What changed is computed by comparing each finding with the previous inspection's finding of
the same check and component (``host["previous"]``, built by
:func:`.context.monthly_context`): new faults, worse, better, resolved, not judged
this time, and the counters a rule reported as grown (its ``<name>_delta`` values). A previous
finding with no counterpart now is listed as no longer reported. An area without findings
says why: its coverage rows (not evaluated, and why), or not collected at all.

The figures the quarterly report needs (a disk array's pool used %, the cache use of arrays and
RAID controllers) are read from the same stored findings' values (:func:`figures`): no table of
their own.

Everything is sorted: the same findings give the same section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.content import enable_module_utils
from weibao.statuses import ORDER, worst

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402

# The areas of the section, in the report's order: disks, hardware RAID, software RAID and
# volumes, tape, links, disk arrays. Those the catalogue does not declare (yet) are skipped.
AREAS = ("storage", "raid", "volumes", "tape", "links", "array")
FAULTS = ("critical", "warning")
# what changed for a check and component since the previous inspection
CHANGES = ("new", "worse", "better", "resolved", "now_unknown", "judged_again", "appeared",
           "same")
# areas whose values may carry capacity and cache figures (for the quarterly report)
FIGURE_AREAS = ("raid", "array")
_CAPACITY_WORDS = ("capacity", "total", "size", "free")
_PERCENT = ("pct", "percent")
# percentages that are settings, not use (a cache's high-water mark, a threshold)
_SETTING_WORDS = ("high_water", "threshold", "limit", "warning", "critical")


def areas() -> list[str]:
    """The section's areas the check catalogue declares now, in the report's order."""
    return [a for a in AREAS if a in catalogue.AREAS]


def _area(check_id: Any) -> str:
    return str(check_id).split(".", 1)[0]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_rank() -> dict[str, int]:
    return {check_id: i for i, check_id in enumerate(catalogue.CHECKS)}


def growth(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The counters a rule reported as grown since the previous inspection: its
    ``<name>_delta`` values above zero, as [{name, delta}] sorted by name."""
    out = []
    for key in sorted(values or {}):
        value = values[key]
        if key.endswith("_delta") and _number(value) and value > 0:
            out.append({"name": key[: -len("_delta")], "delta": value})
    return out


def change(now: str, before: str | None, compared: bool) -> str | None:
    """What changed for one check and component (one of :data:`CHANGES`), or None when there
    is nothing to compare with (no previous inspection of the area)."""
    if not compared:
        return None
    if before is None:
        return "new" if now in FAULTS else "appeared"
    if now == before:
        return "same"
    if now in FAULTS:
        if before in FAULTS:
            return "worse" if ORDER[now] < ORDER[before] else "better"
        return "new"  # it was ok, or could not be judged
    if now == "ok":
        return "resolved" if before in FAULTS else "judged_again"
    return "now_unknown"


def figures(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Capacity and cache figures from the findings of :data:`FIGURE_AREAS`, for the quarterly
    report: a value named ``...used..._pct`` / ``..._percent`` is a pool's (or volume's) used
    share (``kind`` ``pool_used``), one naming ``cache`` the cache use (``cache_used``);
    settings (a high-water mark, a threshold) are not figures. Each {kind, area, check_id,
    component, name, value, status, capacity: {a pool's capacity, total, size, free and used
    numbers from the same finding (bytes, as the array rules give them); empty for the
    cache}}, sorted by kind, component, check, name."""
    out = []
    for f in findings:
        if _area(f["check_id"]) not in FIGURE_AREAS:
            continue
        values = f.get("values") or {}
        capacity = {k: v for k, v in sorted(values.items())
                    if _number(v) and not k.lower().endswith(_PERCENT)
                    and (k.lower() == "used" or k.lower().endswith("_used")
                         or any(w in k.lower() for w in _CAPACITY_WORDS))}
        for name in sorted(values):
            value, low = values[name], name.lower()
            if not _number(value) or not low.endswith(_PERCENT) \
                    or any(w in low for w in _SETTING_WORDS):
                continue
            if "cache" in low:
                kind = "cache_used"
            elif "used" in low or "usage" in low:
                kind = "pool_used"
            else:
                continue
            out.append({"kind": kind, "area": _area(f["check_id"]),
                        "check_id": str(f["check_id"]),
                        "component": str(f.get("component") or ""), "name": name,
                        "value": value, "status": f["status"],
                        "capacity": capacity if kind == "pool_used" else {}})
    out.sort(key=lambda x: (x["kind"] != "pool_used", x["component"], x["check_id"], x["name"],
                            str(x["value"])))
    return out


def _previous(host: Mapping[str, Any]) -> tuple[dict[str, Any] | None,
                                                dict[tuple[str, str], str]]:
    """The previous inspection ({run_id, inspected_at}) and its {(check, component): status}."""
    previous = host.get("previous")
    if not previous:
        return None, {}
    statuses: dict[tuple[str, str], str] = {}
    for p in previous.get("findings") or []:
        key = (str(p["check_id"]), str(p.get("component") or ""))
        statuses[key] = worst([statuses[key], str(p["status"])]) if key in statuses \
            else str(p["status"])
    return {"run_id": previous.get("run_id"),
            "inspected_at": previous.get("inspected_at") or None}, statuses


def _missing(rows: list[Mapping[str, Any]], rank: dict[str, int]) -> list[dict[str, Any]]:
    """Coverage rows of an area not evaluated, grouped by state and cause: [{state, cause,
    checks: [check id, in catalogue order]}]."""
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        key = (str(row.get("state") or ""), str(row.get("cause") or ""))
        groups.setdefault(key, []).append(str(row["check_id"]))
    return [{"state": state, "cause": cause,
             "checks": sorted(set(checks), key=lambda c: (rank.get(c, len(rank)), c))}
            for (state, cause), checks in sorted(groups.items())]


def _area_entry(area: str, findings: list[Mapping[str, Any]], host: Mapping[str, Any],
                previous: dict[tuple[str, str], str], has_previous: bool,
                rank: dict[str, int]) -> dict[str, Any]:
    compared = has_previous and any(_area(c) == area for c, _comp in previous)
    entry: dict[str, Any] = {"area": area, "compared": compared, "components": [],
                             "gone": [], "missing": [], "state": "reported",
                             "counts": {s: 0 for s in ORDER}, "worst": None}
    if not findings:
        coverage = next((c for c in host.get("coverage") or [] if c.get("area") == area),
                        None)
        missing = (coverage or {}).get("missing") or []
        if host.get("status") != "inspected":
            entry["state"] = "host_not_inspected"
        elif missing and all(m.get("state") == "not_applicable" for m in missing):
            entry["state"] = "not_applicable"
        elif missing:
            entry["state"] = "not_evaluated"
            entry["missing"] = _missing(missing, rank)
        elif not catalogue.AREAS[area].collector:
            entry["state"] = "no_collector"
        else:
            entry["state"] = "no_result"
        return entry
    groups: dict[str, list[dict[str, Any]]] = {}
    seen = set()
    for f in findings:
        component = str(f.get("component") or "")
        key = (str(f["check_id"]), component)
        seen.add(key)
        before = previous.get(key)
        entry["counts"][f["status"]] += 1
        groups.setdefault(component, []).append({
            "finding": f, "check_id": key[0], "status": f["status"],
            "cause": f.get("cause") or "", "change": change(f["status"], before, compared),
            "before": before, "growth": growth(f.get("values") or {})})
    for component, rows in groups.items():
        rows.sort(key=lambda r: (rank.get(r["check_id"], len(rank)), r["check_id"],
                                 ORDER[r["status"]], str(r["finding"].get("summary") or "")))
        status = worst(r["status"] for r in rows)
        entry["components"].append({"component": component, "worst": status, "rows": rows})
    entry["components"].sort(key=lambda c: (ORDER[c["worst"]], c["component"].casefold(),
                                            c["component"]))
    entry["worst"] = worst(f["status"] for f in findings)
    if compared:
        entry["gone"] = [{"check_id": c, "component": comp, "before": status}
                         for (c, comp), status in sorted(previous.items())
                         if _area(c) == area and (c, comp) not in seen]
    return entry


def _applies(host: Mapping[str, Any], area_names: list[str]) -> list[str]:
    """The section's areas whose checks apply to the host's platform (linux when not said)."""
    platform = str(host.get("platform") or "linux")
    return sorted({c.area for c in catalogue.checks_for(platform, set(area_names))},
                  key=area_names.index)


def hardware_view(hosts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per host with anything to say about its hardware, sorted by host name:

    ``host`` / ``status`` / ``message``  the host's name, state and message
    ``previous``  {run_id, inspected_at} of the inspection compared with, or None
    ``collected`` whether any finding of these areas was stored for the host
    ``areas``     per area of :data:`AREAS` (the report's order) that applies to the host's
                  platform or has findings: ``area``, ``state`` (``reported``;
                  ``host_not_inspected``; ``not_applicable``: coverage says no check
                  applies; ``not_evaluated`` with ``missing``: the coverage rows grouped by
                  state and cause, [{state, cause, checks}]; ``no_collector``: no
                  inspection gathers it yet; ``no_result``), ``counts``
                  and ``worst`` status, ``compared`` (the previous inspection had this area),
                  ``components`` (worst first, then by name: ``component``, ``worst``,
                  ``rows``: the findings in catalogue order with ``status``, ``check_id``,
                  ``cause``, ``finding``, ``change`` (:func:`change`), ``before`` (the previous
                  status), ``growth`` (:func:`growth`)) and ``gone`` (previous findings with no
                  counterpart now: {check_id, component, before})
    ``changes``   {new, worse, better, resolved, now_unknown, gone, grown}: how many
    ``figures``   the capacity and cache figures (:func:`figures`)

    A host is in the section when it has a finding or a coverage row of these areas, or when
    an area that applies to it has a collector (then an area with nothing says why).
    """
    names = areas()
    rank = _check_rank()
    out = []
    for host in hosts:
        mine = [f for f in host.get("findings") or [] if _area(f["check_id"]) in names]
        covered = {c.get("area") for c in host.get("coverage") or []} & set(names)
        applicable = _applies(host, names)
        collected = [a for a in applicable if catalogue.AREAS[a].collector]
        if not mine and not covered and not collected:
            continue
        has = {_area(f["check_id"]) for f in mine} | covered | set(applicable)
        previous, before = _previous(host)
        entries = []
        for area in (a for a in names if a in has):
            findings = [f for f in mine if _area(f["check_id"]) == area]
            entries.append(_area_entry(area, findings, host, before, previous is not None,
                                       rank))
        rows = [r for e in entries for c in e["components"] for r in c["rows"]]
        changes = {k: sum(1 for r in rows if r["change"] == k)
                   for k in ("new", "worse", "better", "resolved", "now_unknown")}
        changes["gone"] = sum(len(e["gone"]) for e in entries)
        changes["grown"] = sum(1 for r in rows if r["growth"])
        out.append({"host": str(host["name"]), "status": host["status"],
                    "message": host.get("message") or "", "previous": previous,
                    "collected": bool(mine),
                    "areas": entries, "changes": changes, "figures": figures(mine)})
    out.sort(key=lambda e: e["host"])
    return out
