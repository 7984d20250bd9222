"""年度服务总结报告 / annual service summary (总结报告).

The contract's contents (shared/contract.md): 年度保修工作统计 (the year's statistics:
inspections, hosts inspected, faults by priority, SLA compliance per clock, changes by kind and
outcome, backups), 保修工作记录 (the on-site service records), 更换部件统计 (parts replaced),
联合工作会议记录 (joint meeting records, ``<inventory>/meetings.yml``:
:mod:`weibao.report.kinds.annual.meetings`), 系统管理建议 (recommendations) and 最终系统状态
检查和评估记录 (the final state: each host's latest inspection of the year, its status and open
findings).

The period is the service year YYYY (:mod:`weibao.report.kinds.annual.service_year`: from the
site's ``service_year_start``, default 01-01); the findings counted across it are those of its
twelve months. ``weibao report annual --remind`` prints whether the summary is due.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind, ReportRequest
from weibao.report.kinds import quarterly
from weibao.report.kinds.annual import meetings as meetings_mod
from weibao.report.kinds.annual import service_year
from weibao.report.kinds.quarterly import data
from weibao.statuses import ORDER
from weibao.store import Run

_YEAR_RE = re.compile(r"^\d{4}$")


def _frame(year: int, start: tuple[int, int], tz: str, now) -> dict[str, Any]:
    first, end = service_year.year_bounds(year, start, tz)
    first, end = first.astimezone(data.UTC), end.astimezone(data.UTC)
    until = min(end, max(first, now))
    zone = ZoneInfo(tz)
    return {"start": first, "end": end, "until": until,
            "first_day": first.astimezone(zone).date().isoformat(),
            "last_day": (end.astimezone(zone).date() - dt.timedelta(days=1)).isoformat(),
            "in_progress": first <= now < end, "future": now < first,
            "to_day": until.astimezone(zone).date().isoformat(),
            "hours": round((until - first).total_seconds() / 3600, 3)}


def _runs(store, site: str, frame: Mapping[str, Any]) -> list[Run]:
    with store.session() as s:
        runs = list(s.scalars(select(Run).where(
            Run.site == site, Run.kind == "inspection", Run.status != "running",
            Run.started_at >= frame["start"], Run.started_at < frame["end"])
            .order_by(Run.started_at, Run.id)))
        for r in runs:
            _ = list(r.hosts)
            s.expunge(r)
    return runs


def _lifecycle(store, site: str, months: list[str], now) -> dict[str, Any]:
    """The findings of the service year's months: new and resolved summed, open, waived and
    carried (opened before the year, still open) at the end of its last month, per month."""
    from weibao.services.lifecycle import lifecycle_for_period

    per = [lifecycle_for_period(store, site, m, now) for m in months]
    last = per[-1]
    carried = [i for i in last["carried"] + last["new"]
               if i["status"] == "open" and i["opened_period"] < months[0]]
    open_items = [i for i in last["carried"] + last["new"] if i["status"] == "open"]
    return {
        "months": [p["months"][0] for p in per],
        "counts": {"new": sum(p["counts"]["new"] for p in per),
                   "resolved": sum(p["counts"]["resolved"] for p in per),
                   "open": last["counts"]["open"], "waived": last["counts"]["waived"],
                   "carried": len(carried)},
        "open": sorted(open_items, key=lambda i: (i["host"], i["check_id"], i["component"])),
    }


def build_context(store, request: ReportRequest) -> dict[str, Any]:
    from weibao.service_records import service_records
    from weibao.services.faults import parts_replaced

    if not request.site:
        raise ReportError(N_("the annual summary needs --site"))
    if not _YEAR_RE.match(request.period or ""):
        raise ReportError(N_("--period %(value)r: expected a year, YYYY (2026)"),
                          value=request.period)
    inventory = data.inventory_of(request.site, request.inventory)
    meta, raw, source = data.site_meta(store, request.site, inventory)
    tz, now, site = meta["timezone"], request.now, request.site
    start = service_year.parse_start(raw, source)
    year = int(request.period)
    frame = _frame(year, start, tz, now)
    months = data.months_from(f"{year}-{start[0]:02d}", 12)
    runs = _runs(store, site, frame)
    final = data.latest_state(store, runs)
    faults = quarterly.fault_section(store, site, frame,
                                     quarterly.sla_policy(raw, tz, source), now)
    changes = data.changes(store, site, frame["start"], frame["end"])
    by_kind: dict[str, dict[str, int]] = {}
    for c in changes:
        outcome = c["outcome"] or "not_closed"
        by_kind.setdefault(c["kind"], {}).setdefault(outcome, 0)
        by_kind[c["kind"]][outcome] += 1
    names = data.people_names(inventory, getattr(request, "people", None))
    records = []
    for r in service_records(store, site, frame["start"], frame["end"]):
        content = r.content or {}
        records.append({
            "id": r.record_id, "arrival": data.iso(data.aware(r.arrival)),
            "departure": data.iso(data.aware(r.departure)),
            "engineers": [names.get(e, e) for e in r.engineers or []],
            "work": content.get("work", ""), "result": content.get("result", ""),
            "remaining_issues": content.get("remaining_issues", ""),
            "evaluation": content.get("evaluation", ""), "fault": r.fault_id or "",
            "change": r.change_id or "",
            "signed": sorted((r.signatures or {}).keys())})
    path = meetings_mod.meetings_path(inventory)
    all_meetings = meetings_mod.load_meetings(path) if path else []
    first_day, last_day = frame["first_day"], frame["last_day"]
    meetings = [dict(m, attendees=[names.get(a, a) for a in m["attendees"]])
                for m in all_meetings if first_day <= m["date"] <= last_day]
    parts = parts_replaced(store, site, frame["start"], frame["end"])
    backups = data.backups(store, site, frame["start"], frame["end"])
    stats = {
        "inspections": len(runs),
        "hosts_inspected": len({h.name for r in runs for h in r.hosts
                                if h.status == "inspected"}),
        "faults": faults["total"], "faults_by_priority": faults["by_priority"],
        "fault_repairs": faults["repaired"],
        "sla": faults["sla"],
        "changes": len(changes),
        "changes_by_kind": [{"kind": k, "outcomes": dict(sorted(v.items())),
                             "total": sum(v.values())} for k, v in sorted(by_kind.items())],
        "backups": backups,
        "parts_replaced": len(parts),
        "service_records": len(records),
        "meetings": len(meetings),
    }
    return {
        "kind": "annual",
        "site": meta,
        "period": request.period,
        "service_year_start": f"{start[0]:02d}-{start[1]:02d}",
        "months": months,
        "generated_at": data.iso(now),
        "frame": {k: v for k, v in frame.items() if k not in ("start", "end", "until")}
        | {"start": data.iso(frame["start"]), "end": data.iso(frame["end"])},
        "stats": stats,
        "faults": faults,
        "changes": changes,
        "parts": parts,
        "service_records": records,
        "meetings": meetings,
        "meetings_file": str(path) if path else "",
        "lifecycle": _lifecycle(store, site, months, now),
        "final_state": final,
        "recommendations": data.recommendations(final),
        "empty": not (runs or faults["total"] or changes or backups["total"] or records
                      or meetings),
    }


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    months = context["lifecycle"]["months"]
    charts: dict[str, dict[str, Any]] = {"en": {}, "zh-CN": {}}
    if any(m["new"] or m["resolved"] or m["open"] for m in months):
        for lang, fig in data.charts_for(quarterly.findings_chart(months, short=True),
                                           "findings").items():
            charts[lang]["findings"] = fig
    hosts = sorted(context["final_state"], key=lambda h: h["name"])
    return {
        "hosts": hosts,
        "not_inspected": [h for h in hosts if h["status"] != "inspected"],
        "open_findings": [dict(f, host=h["name"]) for h in hosts for f in h["open_findings"]],
        "recommendations": sorted(context["recommendations"],
                                  key=lambda r: (ORDER.get(r["status"], 9), r["check_id"])),
        "charts": charts,
    }


def file_stem(context: Mapping[str, Any]) -> str:
    return f"annual-{context['site']['name']}-{context['period']}"


def remind(store, site: str, inventory, now) -> service_year.Reminder:
    """``weibao report annual --remind``: whether the summary of the current service year is
    due (its settings from the inventory, else the site's latest run)."""
    meta, raw, source = data.site_meta(store, site, inventory)
    return service_year.reminder(site, raw, source, meta["timezone"], now)


def remind_command(app, site: str | None, inventory, now_text: str | None,
                   lang: str | None = None) -> None:
    """``weibao report annual --remind --site SITE [--now TIME]``: print whether the summary
    is due, in the command line's language (or ``lang``), exit 0 either way. ``--now``: an
    ISO-8601 time, in the site's zone without an offset (default: now)."""
    import click

    from weibao.errors import ConfigError
    from weibao.i18n import cli_gettext

    if not site:
        raise ConfigError(N_("report %(kind)s: --site is required"), kind="annual")
    now = dt.datetime.now(dt.UTC)
    if now_text:
        meta, _raw, _source = data.site_meta(app.store, site, inventory)
        from weibao.services.faults import parse_time

        now = parse_time(now_text, meta["timezone"], "--now")
    try:
        gettext = cli_gettext(lang) if lang else app._
    except ValueError:
        raise ConfigError(N_("--lang %(value)r: expected en or zh-CN"), value=lang) from None
    click.echo(remind_line(app.store, site, inventory, now, gettext))


def remind_line(store, site: str, inventory, now, gettext) -> str:
    """What ``weibao report annual --remind --site SITE [--now TIME]`` prints (exit 0 either
    way), in the language of ``gettext`` (the command line's catalog)."""
    msgid, params = service_year.message(remind(store, site, inventory, now))
    return gettext(msgid) % params


def cli_options() -> list:
    """The options ``weibao report annual`` has beyond every kind's (weibao.cli_report):
    ``--remind`` and ``--now``."""
    import click

    return [
        click.Option(["--remind"], is_flag=True, default=False,
                     help="Only say whether the annual summary is due (from 15 days before "
                          "the service year ends); exit 0 either way."),
        click.Option(["--now"], default=None,
                     help="With --remind: the time to remind as of (ISO-8601; the site's "
                          "time without an offset). Default: now."),
    ]


def cli_handle(app, options: dict, inventory) -> bool:
    """Run ``--remind`` when given (True: done, no report is written); else drop ``--now``."""
    from weibao.errors import ConfigError

    now_text = options.pop("now", None)
    if not options.pop("remind", False):
        if now_text is not None:
            raise ConfigError(N_("--now is used only with --remind"))
        return False
    remind_command(app, options.get("site"), inventory, now_text, options.get("lang"))
    return True


KIND = ReportKind(
    name="annual",
    title={"en": "Annual Service Summary", "zh-CN": "年度服务总结报告"},
    subject="period",
    period="year",
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
