"""Coverage: per host and per catalogue check that applies to its platform, whether the check
was evaluated, and if not, why. "Not evaluated" is never "ok".

States: ``evaluated`` (it judged), ``partial`` (it judged some components and could not
judge others), ``not_evaluated`` (with a cause from findings.CAUSES) and ``not_applicable``
(the module said why the check does not apply to this host).
"""

from __future__ import annotations

import functools
from typing import Any

from weibao.content import enable_module_utils

STATES = ("evaluated", "partial", "not_evaluated", "not_applicable")


def _catalogue():
    enable_module_utils()
    from ansible.module_utils.weibao_inspection import catalogue

    return catalogue


@functools.lru_cache(maxsize=64)
def _inspected_checks(platform: str, areas: frozenset[str] | None) -> tuple[Any, ...]:
    """The catalogue's checks of ``platform`` (of ``areas``) that an inspection reads: a
    judge-only area, whose collector does not exist yet, is left out. The same for every
    host of a platform, so found once (the catalogue does not change while weibao runs)."""
    catalogue = _catalogue()
    return tuple(check for check in catalogue.checks_for(platform, areas)
                 if catalogue.AREAS[check.area].collector)


def host_coverage(platform: str, host_status: str, areas_ran: set[str],
                  findings: list[dict[str, Any]], not_applicable: list[dict[str, Any]],
                  areas: set[str] | None = None) -> list[dict[str, Any]]:
    """The coverage rows of one host.

    ``areas_ran``: the areas whose collector returned; ``areas``: the areas the playbook
    inspects (default: every area of the platform)."""
    by_check: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_check.setdefault(f["check_id"], []).append(f)
    na = {}
    for item in not_applicable or []:
        if isinstance(item, dict) and isinstance(item.get("check_id"), str):
            na.setdefault(item["check_id"], item)
    rows = []
    for check in _inspected_checks(platform, frozenset(areas) if areas is not None else None):
        row: dict[str, Any] = {"check_id": check.id, "state": "not_evaluated", "cause": None,
                               "reason": None}
        found = by_check.get(check.id, [])
        judged = [f for f in found if f["status"] != "unknown"]
        unknowns = [f for f in found if f["status"] == "unknown"]
        if host_status == "unreachable":
            row["cause"] = "unreachable"
        elif check.id in na and not judged:
            reason = na[check.id].get("reason")
            message = na[check.id].get("message")
            row.update(state="not_applicable", cause="not_applicable",
                       reason=message if isinstance(message, dict) and message.get("summary")
                       else {"summary": reason} if reason else None)
        elif judged and unknowns:
            row.update(state="partial", cause=unknowns[0].get("cause"),
                       reason=unknowns[0].get("message") or {"summary": unknowns[0]["summary"]})
        elif judged:
            row["state"] = "evaluated"
        elif unknowns:
            row.update(cause=unknowns[0].get("cause") or "no_result",
                       reason=unknowns[0].get("message") or {"summary": unknowns[0]["summary"]})
        elif check.area not in areas_ran:
            row["cause"] = "collector_failed" if host_status == "failed" else "no_result"
        else:
            row["cause"] = "no_result"
        rows.append(row)
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """{area: {state: count}} of coverage rows."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        area = row["check_id"].split(".", 1)[0]
        counts = out.setdefault(area, dict.fromkeys(STATES, 0))
        counts[row["state"]] += 1
    return out
