"""The view of the monthly inspection report: ordered, checked lists for
``report_templates/monthly/`` (:func:`build_view`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError, parse_time
from weibao.report.kinds.monthly.aix import aix_view
from weibao.report.kinds.monthly.aix import asset_entry as aix_asset_entry
from weibao.report.kinds.monthly.environment import environment_view
from weibao.report.kinds.monthly.hardware import hardware_view
from weibao.report.kinds.monthly.network import asset_entry, network_view
from weibao.report.kinds.monthly.readable import (
    areas_checked,
    conclusion,
    health_score,
    key_figures,
    measured,
    thresholds_text,
)
from weibao.statuses import FINDING_STATUSES, HOST_STATES, ORDER

# Finding statuses worst first and host states: weibao.statuses, the one place they live.
# Everything but "inspected" is shown as not (fully) inspected.
STATUS_ORDER = FINDING_STATUSES
_RANK = ORDER


def _finding_key(finding: Mapping[str, Any]):
    status = finding["status"]
    if status not in _RANK:
        raise ReportError(
            N_("finding %(check)s on %(host)s: status %(status)r is not one of %(expected)s"),
            check=finding.get("check_id"),
            host=finding.get("host"),
            status=status,
            expected=", ".join(STATUS_ORDER),
        )
    return (
        _RANK[status],
        str(finding.get("host", "")),
        str(finding["check_id"]),
        str(finding.get("component", "")),
    )


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Ordered lists for the templates, computed once and independent of input order.

    ``hosts``            hosts by name, each with its ``findings`` worst first (and
                         ``worst_status`` / ``counts`` computed from them when not given)
    ``findings``         all findings worst first, then host, check id, component (appendix)
    ``recommendations``  the same order
    ``not_inspected``    hosts whose status is not ``inspected`` (unreachable, failed), by name
    ``statuses``         status names worst first (:data:`STATUS_ORDER`)
    ``first_started`` / ``last_ended``  earliest start and latest end over ``runs`` (or None)
    ``environment``      per BMC: sensor summary, new hardware events, absent sensors, what
                         is not OK (:func:`.environment.environment_view`)
    ``hardware``         per host: disks, RAID, volumes, tape, links, arrays by area and
                         component, with what changed since the previous inspection
                         (:func:`.hardware.hardware_view`)
    ``network``          per network device: model, serial, software, its findings by part,
                         what changed since the previous inspection and its configuration
                         archive record (:func:`.network.network_view`)
    ``aix``              {hosts: per AIX host its error log, patch level, volume groups,
                         devices, mksysb and performance; hmcs: per HMC its managed systems
                         and open serviceable events} (:func:`.aix.aix_view`)

    ``health`` / ``conclusion``  the health score with its deductions and the overall
                         conclusion ({en, zh-CN}) (:mod:`.readable`)
    ``lifecycle``        findings new, resolved, waived, carried since last month
    ``manual``           the manual on-site items, oldest visit first
    ``charts``           {lang: {by_area, trend}}: SVG figures with their PNG (Word)

    Each host also gets ``problems`` (its findings not ok, with ``measured`` and ``limits`` in
    words), ``healthy``, ``areas_checked``, ``key_figures``, ``coverage_gaps``, ``ok_count``
    (:func:`_readable_host`).

    Each host's ``asset`` is its asset register row: a network device's model, serial and
    software filled from what it reported where the inventory gives none, mismatches flagged
    (:func:`.network.asset_entry`); an AIX host's model, serial, firmware and
    AIX level likewise (:func:`.aix.asset_entry`).
    """

    def ordered(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return sorted(findings, key=_finding_key)

    hosts = []
    for host in sorted(context["hosts"], key=lambda h: str(h["name"])):
        if host["status"] not in HOST_STATES:
            raise ReportError(
                N_("host %(host)s: status %(status)r is not one of %(expected)s"),
                host=host["name"],
                status=host["status"],
                expected=", ".join(HOST_STATES),
            )
        findings = ordered(host.get("findings") or [])
        computed_counts = dict.fromkeys(STATUS_ORDER, 0)
        for finding in findings:
            computed_counts[finding["status"]] += 1
        computed_worst = findings[0]["status"] if findings else None
        hosts.append(
            {
                **host,
                "asset": aix_asset_entry(host, asset_entry(host)),
                "findings": findings,
                "worst_status": host.get("worst_status") or computed_worst,
                "counts": host.get("counts") or computed_counts,
            }
        )

    for host in hosts:
        _readable_host(host)
    manual = sorted(context.get("manual_items") or [],
                    key=lambda m: (str(m.get("visited_at")), int(m.get("visit") or 0),
                                   str(m.get("key"))))
    health = context.get("health") or health_score(hosts, manual)
    runs = context["runs"]
    starts = [r["started_at"] for r in runs if r.get("started_at")]
    ends = [r["ended_at"] for r in runs if r.get("ended_at")]
    return {
        "hosts": hosts,
        "findings": ordered(context["findings"]),
        "recommendations": ordered(context["recommendations"]),
        "not_inspected": [h for h in hosts if h["status"] != "inspected"],
        "statuses": list(STATUS_ORDER),
        "first_started": min(starts, key=parse_time) if starts else None,
        "last_ended": max(ends, key=parse_time) if ends else None,
        "environment": environment_view(hosts),
        "hardware": hardware_view(hosts),
        "network": network_view(hosts),
        "aix": aix_view(hosts),
        "health": health,
        "conclusion": conclusion(hosts, health),
        "lifecycle": _lifecycle(context.get("lifecycle")),
        "manual": manual,
        "charts": _charts(hosts, context.get("trend") or []),
    }


def _readable_host(host: dict[str, Any]) -> None:
    """Add what the host's part of the report shows in words: ``problems`` (its findings not
    ok, each with ``measured`` and ``limits`` in both languages), ``healthy`` (inspected,
    nothing but ok, every check evaluated), ``areas_checked``, ``key_figures``,
    ``coverage_gaps`` (the areas with checks not fully evaluated)."""
    problems = []
    for f in host["findings"]:
        if f["status"] != "ok":
            problems.append({**f, "measured": measured(f),
                             "limits": thresholds_text(f.get("thresholds") or {})})
    coverage = host.get("coverage") or []
    gaps = [c for c in coverage if c.get("missing")]
    host["problems"] = problems
    host["coverage_gaps"] = gaps
    host["healthy"] = host["status"] == "inspected" and bool(host["findings"]) and \
        not problems and not gaps
    host["areas_checked"] = areas_checked(host["findings"], coverage)
    host["key_figures"] = key_figures(host["findings"])
    host["ok_count"] = sum(1 for f in host["findings"] if f["status"] == "ok")


def _lifecycle(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The lifecycle lists (new, resolved, waived, carried; each sorted by host, check,
    component) with their counts; empty lists when the context has none."""
    data = data or {}
    out: dict[str, Any] = {}
    for name in ("new", "resolved", "waived", "carried"):
        out[name] = sorted(data.get(name) or [], key=lambda i: (
            str(i.get("host")), str(i.get("check_id")), str(i.get("component")),
            str(i.get("opened_at"))))
    out["known"] = bool(data)
    return out


_CHART_STATUSES = ("critical", "warning", "unknown", "ok")


def _charts(hosts: list[Mapping[str, Any]], trend: list[Mapping[str, Any]]
            ) -> dict[str, dict[str, Any]]:
    """{lang: {by_area, trend}}: findings by area stacked by status, and critical/warning
    findings per month (the last six months); a chart without data is left out."""
    from weibao.content import content_root
    from weibao.i18n import REPORT_DOMAIN, translations
    from weibao.report.formats.charts import STATUS_COLORS, line_chart, stacked_bar
    from weibao.texts import area_title

    by_area: dict[str, dict[str, int]] = {}
    for host in hosts:
        for f in host["findings"]:
            area = f["check_id"].split(".", 1)[0]
            by_area.setdefault(area, dict.fromkeys(_CHART_STATUSES, 0))[f["status"]] += 1
    areas = sorted(by_area)
    charts: dict[str, dict[str, Any]] = {"en": {}, "zh-CN": {}}
    for lang in charts:
        tr = translations(content_root() / "report_templates" / "locale", lang,
                          REPORT_DOMAIN).gettext
        names = {"critical": tr("Critical"), "warning": tr("Warning"),
                 "unknown": tr("Unknown"), "ok": tr("OK")}
        try:
            if areas:
                charts[lang]["by_area"] = stacked_bar(
                    [area_title(a, lang) for a in areas],
                    {names[st]: [by_area[a][st] for a in areas] for st in _CHART_STATUSES},
                    ylabel=tr("Findings"),
                    colors={names[st]: STATUS_COLORS[st] for st in _CHART_STATUSES},
                ).figure(tr("Findings by area and status"))
            if any(m.get("hosts") for m in trend):
                charts[lang]["trend"] = line_chart(
                    [m["period"] for m in trend],
                    {names[st]: [m[st] if m.get("hosts") else None for m in trend]
                     for st in ("critical", "warning")},
                    ylabel=tr("Findings"),
                    colors={names[st]: STATUS_COLORS[st] for st in ("critical", "warning")},
                ).figure(tr("Critical and warning findings over the last six months"))
        except (OSError, ValueError) as exc:
            raise ReportError(N_("charts: %(detail)s"), detail=str(exc)) from exc
    return charts
