"""季度硬件健康报告 / quarterly hardware health report (健康检查, 硬件系统健康检查报告).

The contract's contents (shared/contract.md): 硬件系统工作状态检查、评估 (hardware state and
assessment per device), 磁盘系统CACHE使用率 (disk system cache use), 硬件可用性 (hardware
availability), 故障分布和维护类型状态 (fault distribution, maintenance types performed),
设备配置和参数设置优化建议 (configuration and parameter recommendations); with the findings
followed across the quarter and the SLA compliance of the quarter's faults.

Context (JSON-able, times UTC, shown in ``site.timezone``):

``site``, ``period`` (YYYY-QN), ``months``, ``frame`` (first_day, last_day, to_day,
in_progress, hours), ``devices`` (each host's latest inspection of the quarter: state, the
worst status of its environment/BMC, storage, network and AIX areas, its assessment, open
findings, cache and pool figures; :func:`weibao.report.kinds.quarterly.data.latest_state`),
``cache`` (the figures of every device), ``availability`` (per device; the formula is in
:mod:`weibao.report.kinds.quarterly.data`), ``faults`` (tickets, by component, by device, by
priority), ``maintenance`` (inspections, fault repairs, changes by kind, backups, on-site
service records), ``lifecycle`` (:func:`weibao.services.lifecycle.lifecycle_for_period`),
``recommendations`` (deduplicated by check), ``sla`` (:func:`weibao.services.faults.sla_summary`
and the policy), ``empty`` (nothing at all recorded in the quarter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind, ReportRequest
from weibao.report.kinds.quarterly import data
from weibao.statuses import ORDER

_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
ASSESSMENTS = data.ASSESSMENTS


def quarter_months(period: str | None) -> list[str]:
    match = _QUARTER_RE.match(period or "")
    if not match:
        raise ReportError(N_("--period %(value)r: expected a quarter, YYYY-QN (2026-Q4)"),
                          value=period)
    first = (int(match[2]) - 1) * 3 + 1
    return [f"{match[1]}-{m:02d}" for m in range(first, first + 3)]


def sla_policy(raw: Mapping[str, Any], timezone: str, source: str):
    from weibao.services.sla import policy_from_site

    return policy_from_site(raw.get("sla"), timezone, source or "inventory")


def fault_section(store, site: str, frame: Mapping[str, Any], policy, now) -> dict[str, Any]:
    """The period's fault tickets (times in UTC), by component, device and priority, and their
    SLA compliance."""
    from weibao.services.faults import sla_summary
    from weibao.services.sla import PRIORITIES, ticket_compliance

    rows = data.tickets(store, site, frame["start"], frame["end"])
    tickets = []
    for t in rows:
        clocks = ticket_compliance(t, policy, now)
        tickets.append({
            "id": t.ticket_id, "host": t.host, "component": t.component or data.NOT_GIVEN,
            "priority": t.priority, "summary": t.summary, "status": t.status,
            "reported_at": data.iso(data.aware(t.reported_at)),
            "restored_at": data.iso(data.aware(t.restored_at)),
            "cause": t.cause, "resolution": t.resolution, "parts": list(t.parts),
            "sla": {c: r.status for c, r in clocks.items()}})
    summary = sla_summary(store, site, frame["start"], frame["end"], policy, now).as_dict()
    return {
        "tickets": tickets, "total": len(tickets),
        "by_component": data.counts_by(t["component"] for t in tickets),
        "by_device": data.counts_by(t["host"] for t in tickets),
        "by_priority": {p: sum(1 for t in tickets if t["priority"] == p) for p in PRIORITIES},
        "repaired": sum(1 for t in rows if t.closed_at is not None
                        and frame["start"] <= data.aware(t.closed_at) < frame["end"]),
        "sla": {**summary, "policy": policy.as_dict()},
    }


def maintenance(store, site: str, frame: Mapping[str, Any], runs, faults) -> dict[str, Any]:
    """What was done in the period, counted by type (维护类型)."""
    from weibao.service_records import service_records

    changes = data.changes(store, site, frame["start"], frame["end"])
    records = service_records(store, site, frame["start"], frame["end"])
    return {
        "inspections": len(runs),
        "hosts_inspected": len({h.name for r in runs for h in r.hosts
                                if h.status == "inspected"}),
        "fault_repairs": faults["repaired"],
        "changes": len(changes),
        "changes_by_kind": data.counts_by(c["kind"] for c in changes),
        "backups": data.backups(store, site, frame["start"], frame["end"]),
        "service_records": len(records),
    }


def build_context(store, request: ReportRequest) -> dict[str, Any]:
    from weibao.services.lifecycle import lifecycle_for_period

    if not request.site:
        raise ReportError(N_("the quarterly report needs --site"))
    months = quarter_months(request.period)
    meta, raw, source = data.site_meta(store, request.site, request.inventory)
    tz = meta["timezone"]
    now = request.now
    frame = data.period_frame(months, tz, now)
    runs = data.inspection_runs(store, request.site, months)
    devices = data.latest_state(store, runs)
    faults = fault_section(store, request.site, frame, sla_policy(raw, tz, source), now)
    lifecycle = lifecycle_for_period(store, request.site, request.period, now)
    work = maintenance(store, request.site, frame, runs, faults)
    cache = [{"host": d["name"], **f} for d in devices for f in d["figures"]]
    return {
        "kind": "quarterly",
        "site": meta,
        "period": request.period,
        "months": months,
        "generated_at": data.iso(now),
        "frame": {k: v for k, v in frame.items() if k not in ("start", "end", "until")}
        | {"start": data.iso(frame["start"]), "end": data.iso(frame["end"])},
        "runs": [{"id": r.id, "started_at": data.iso(data.aware(r.started_at)),
                  "status": r.status, "user": r.user} for r in runs],
        "devices": devices,
        "cache": cache,
        "availability": data.availability(store, request.site, frame,
                                          [d["name"] for d in devices]),
        "faults": faults,
        "maintenance": work,
        "lifecycle": lifecycle,
        "recommendations": data.recommendations(devices),
        "empty": not (runs or faults["total"] or work["changes"] or work["backups"]["total"]
                      or work["service_records"]),
    }


def _fault_chart(faults: Mapping[str, Any]):
    from weibao.report.formats.charts import bar_chart

    def build(tr):
        rows = faults["by_component"]
        names = [tr("Not given") if r["name"] == data.NOT_GIVEN else r["name"] for r in rows]
        return bar_chart(names, [r["count"] for r in rows], ylabel=tr("Faults")).figure(
            tr("Faults by component"))
    return build


def month_labels(months: list[Mapping[str, Any]], short: bool) -> list[str]:
    """The x labels of a chart over months: YYYY-MM, or (``short``, a year of them) MM with
    the year under the first month and under each January."""
    if not short:
        return [m["period"] for m in months]
    return [m["period"][5:] + (f"\n{m['period'][:4]}" if i == 0 or m["period"][5:] == "01"
                               else "") for i, m in enumerate(months)]


def findings_chart(months: list[Mapping[str, Any]], short: bool = False):
    """The builder of the findings-per-month chart (stacked: new, resolved, still open).
    ``tr``: the report catalog's gettext; its msgids are written in the templates too."""
    from weibao.report.formats.charts import stacked_bar

    def build(tr):
        new, resolved, still = tr("New"), tr("Resolved"), tr("Still open")
        return stacked_bar(
            month_labels(months, short),
            {new: [m["new"] for m in months], resolved: [m["resolved"] for m in months],
             still: [m["open"] for m in months]},
            colors={new: "#d89a00", resolved: "#2e7d32", still: "#c62828"},
            ).figure(tr("Findings per month"))
    return build


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Ordered lists and the charts ({lang: Markup}, both languages) for the templates."""
    devices = sorted(context["devices"], key=lambda d: d["name"])
    faults = context["faults"]
    months = context["lifecycle"]["months"]
    charts: dict[str, dict[str, Any]] = {"en": {}, "zh-CN": {}}
    if faults["by_component"]:
        for lang, fig in data.charts_for(_fault_chart(faults), "faults").items():
            charts[lang]["faults"] = fig
    if any(m["new"] or m["resolved"] or m["open"] for m in months):
        for lang, fig in data.charts_for(findings_chart(months), "findings").items():
            charts[lang]["findings"] = fig
    recs = sorted(context["recommendations"],
                  key=lambda r: (ORDER.get(r["status"], 9), r["check_id"]))
    return {
        "devices": devices,
        "groups": list(data.GROUPS),
        "not_inspected": [d for d in devices if d["status"] != "inspected"],
        "cache": [c for c in context["cache"] if c["kind"] == "cache_used"],
        "pools": [c for c in context["cache"] if c["kind"] == "pool_used"],
        "availability": sorted(context["availability"], key=lambda a: a["host"]),
        "recommendations": recs,
        "charts": charts,
    }


def file_stem(context: Mapping[str, Any]) -> str:
    return f"quarterly-{context['site']['name']}-{context['period']}"


KIND = ReportKind(
    name="quarterly",
    title={"en": "Quarterly Hardware Health Report", "zh-CN": "季度硬件健康报告"},
    subject="period",
    period="quarter",
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
