"""The store queries the quarterly health report (季度硬件健康报告) and the annual service summary
(年度服务总结) share: the site and its time zone, each host's latest inspection in a period, the
hardware areas' worst status, availability, maintenance counts, recommendations, charts.

Every time in what these functions return is an ISO-8601 UTC string (``...Z``); the templates
show it in the site's time zone. Lists are sorted: the same store gives the same context.

**Availability** (硬件可用性) of a device over a period, as the report prints it::

    availability % = 100 × (period hours − unavailable hours) / period hours

- *period hours*: from the period's start (00:00 in the site's time zone) to its end, or to
  the report's ``now`` while the period is still in progress;
- *unavailable hours*: the union (an hour counted once) of
  - each fault ticket of the device of priority P1–P3 (P4 is "not a fault"): from its report
    to its restore (to the period's end, or ``now``, while not restored);
  - each inspection that could not reach the device: from that inspection to the next one that
    reached it (to the period's end, or ``now``, when none did). weibao cannot tell a device
    that was down from one it could not reach, so this is an upper bound;

  each clipped to the period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from weibao.content import content_root
from weibao.errors import N_, NotFound
from weibao.i18n import REPORT_DOMAIN, translations
from weibao.report.base import ReportError
from weibao.report.kinds.monthly.hardware import figures
from weibao.statuses import ORDER
from weibao.store import Backup, Change, FaultTicket, Finding, Run, RunHost, Store

UTC = dt.UTC
FAULTS = ("critical", "warning")
# the hardware areas of the check catalogue, in the report's four groups
AREA_GROUPS: dict[str, tuple[str, ...]] = {
    "environment": ("environment",),
    "storage": ("storage", "raid", "volumes", "array", "tape"),
    "network": ("network", "links"),
    "aix": ("aix_system", "aix_devices", "aix_lvm", "errpt", "aix_patch", "hmc"),
}
GROUPS = tuple(AREA_GROUPS)
# a device's assessment from the worst status of its hardware areas
ASSESSMENTS = ("fault", "attention", "unknown", "good", "not_checked", "not_inspected")
DOWNTIME_PRIORITIES = ("P1", "P2", "P3")
NOT_GIVEN = "(not given)"


def iso(value: dt.datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# ----------------------------------------------------------------------------- the site


def inventory_of(site: str, inventory: Path | None) -> Path | None:
    """The inventory given, else ``inventories/<site>`` when it exists, else None."""
    if inventory is not None:
        return Path(inventory)
    default = Path("inventories") / site
    return default if default.exists() else None


def site_settings(site: str, inventory: Path | None) -> tuple[dict[str, Any], dict[str, Any],
                                                               str]:
    """(site meta as the reports show it, the raw ``weibao_site`` mapping, its source file)
    from the inventory (default ``inventories/<site>`` when it exists); ({}, {}, "") when
    there is none."""
    inventory = inventory_of(site, inventory)
    if inventory is None:
        return {}, {}, ""
    from weibao.change.site import _site_vars
    from weibao.services.inventory import load_inventory

    loaded = load_inventory(inventory, site=site)
    return loaded.site.as_dict(), _site_vars(loaded), str(loaded.path)


def site_meta(store: Store, site: str, inventory: Path | None) -> tuple[dict[str, Any],
                                                                         dict[str, Any], str]:
    """The site's meta (name, client, provider, contract, timezone, inspectors): from the
    inventory when given, else from its latest run; NotFound when weibao knows nothing of
    the site."""
    meta, raw, source = site_settings(site, inventory)
    if not meta:
        with store.session() as s:
            stored = s.scalars(select(Run.site_meta).where(Run.site == site)
                               .order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
            tickets = s.scalars(select(FaultTicket.id).where(FaultTicket.site == site)
                                .limit(1)).first()
        if stored is None and tickets is None:
            with store.session() as s:
                known = sorted(set(s.scalars(select(Run.site).distinct())))
            raise NotFound(N_("unknown site %(site)r: no inspection is stored for it (known: "
                              "%(known)s)"), site=site, known=", ".join(known) or "-")
        meta = dict(stored or {})
    meta = dict(meta)
    meta["name"] = site
    meta.setdefault("timezone", "UTC")
    meta["timezone"] = meta["timezone"] or "UTC"
    for key in ("client", "provider", "contract"):
        meta.setdefault(key, "")
    meta.setdefault("inspectors", [])
    return meta, raw, source


def people_names(inventory: Path | None, people: Path | None = None) -> dict[str, str]:
    """{person id: name} from the people file ``people`` (``--people``), else the site's
    (``<inventory>/people.yml``); {} when there is none or it cannot be read (the ids are
    shown then)."""
    if people is not None:
        path = Path(people)
    elif inventory is None:
        return {}
    else:
        folder = inventory if inventory.is_dir() else inventory.parent
        path = folder / "people.yml"
    if not path.is_file():
        return {}
    from weibao.change.people import load_people
    from weibao.errors import WeibaoError

    try:
        people = load_people(path)
    except WeibaoError:
        return {}
    return {p.id: p.name for p in people}


# ----------------------------------------------------------------------------- the period


def bounds(timezone: str, months: list[str]) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the months ``months`` (YYYY-MM, consecutive) in the site's zone, UTC."""
    zone = ZoneInfo(timezone)
    y, m = (int(x) for x in months[0].split("-"))
    start = dt.datetime(y, m, 1, tzinfo=zone)
    y, m = (int(x) for x in months[-1].split("-"))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    end = dt.datetime(y, m, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def months_from(first: str, count: int) -> list[str]:
    y, m = (int(x) for x in first.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def period_frame(months: list[str], timezone: str, now: dt.datetime) -> dict[str, Any]:
    """The period's start and end (UTC), its last day (site's zone), whether it is still in
    progress at ``now``, its hours to its end or to ``now``."""
    start, end = bounds(timezone, months)
    until = min(end, max(start, now))
    zone = ZoneInfo(timezone)
    return {"start": start, "end": end, "until": until,
            "first_day": start.astimezone(zone).date().isoformat(),
            "last_day": (end.astimezone(zone) - dt.timedelta(days=1)).date().isoformat(),
            "in_progress": start <= now < end, "future": now < start,
            "to_day": until.astimezone(zone).date().isoformat(),
            "hours": round((until - start).total_seconds() / 3600, 3)}


# ----------------------------------------------------------------------------- inspections


def inspection_runs(store: Store, site: str, months: Iterable[str]) -> list[Run]:
    months = list(months)
    with store.session() as s:
        runs = list(s.scalars(select(Run).where(
            Run.site == site, Run.kind == "inspection", Run.status != "running",
            Run.period.in_(months)).order_by(Run.started_at, Run.id)))
        for r in runs:
            _ = list(r.hosts)
            s.expunge(r)
    return runs


def _worst(statuses: Iterable[str]) -> str | None:
    statuses = list(statuses)
    return min(statuses, key=lambda st: ORDER.get(st, 9)) if statuses else None


def assessment(status: str, groups: Mapping[str, str | None]) -> str:
    """A device's assessment (:data:`ASSESSMENTS`) from its state and its areas' worst."""
    if status != "inspected":
        return "not_inspected"
    worst = _worst(v for v in groups.values() if v)
    return {"critical": "fault", "warning": "attention", "unknown": "unknown",
            "ok": "good"}.get(worst or "", "not_checked")


def latest_state(store: Store, runs: list[Run]) -> list[dict[str, Any]]:
    """Each host's latest inspection among ``runs``: the latest that reached it, else the latest
    attempt. Per host: name, platform, status, message, inspected_at, run_id, asset, groups
    {environment, storage, network, aix: worst status or None}, assessment, counts, findings
    (warning/critical first), figures (cache and pool use:
    weibao.report.kinds.monthly.hardware.figures), inspections and unreachable (how many
    inspections of the period tried it, how many could not reach it)."""
    latest: dict[str, tuple[Run, RunHost]] = {}
    reached: dict[str, tuple[Run, RunHost]] = {}
    attempts: dict[str, dict[str, int]] = {}
    for run in runs:
        for h in run.hosts:
            if h.status == "pending":
                continue
            latest[h.name] = (run, h)
            if h.status == "inspected":
                reached[h.name] = (run, h)
            count = attempts.setdefault(h.name, {"inspections": 0, "unreachable": 0})
            count["inspections"] += 1
            count["unreachable"] += h.status == "unreachable"
    out = []
    with store.session() as s:
        for name in sorted(latest):
            run, h = reached.get(name) or latest[name]
            findings = [f.as_dict() for f in s.scalars(select(Finding).where(
                Finding.run_id == run.id, Finding.host == name))] \
                if h.status == "inspected" else []
            findings.sort(key=lambda f: (ORDER.get(f["status"], 9), f["check_id"],
                                         f["component"]))
            by_area: dict[str, list[str]] = {}
            for f in findings:
                by_area.setdefault(f["check_id"].split(".", 1)[0], []).append(f["status"])
            groups = {g: _worst(st for a in areas for st in by_area.get(a, []))
                      for g, areas in AREA_GROUPS.items()}
            counts = dict.fromkeys(("critical", "warning", "unknown", "ok"), 0)
            for f in findings:
                if f["status"] in counts:
                    counts[f["status"]] += 1
            out.append({
                "name": name, "platform": h.platform or "linux", "status": h.status,
                "message": h.message or "", "run_id": run.id,
                "inspected_at": iso(aware(h.finished_at) or aware(run.started_at)),
                "asset": dict(h.asset or {}), "groups": groups,
                "assessment": assessment(h.status, groups), "counts": counts,
                "worst_status": _worst(f["status"] for f in findings),
                "open_findings": [f for f in findings if f["status"] in FAULTS],
                "figures": figures(findings), **attempts[name],
            })
    return out


def recommendations(hosts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The open warning and critical findings' recommendations of the hosts' latest
    inspections, one per check: its worst status, the hosts and components it was given for,
    and one finding's words (the worst one) for the template's ``recommendation_text``."""
    by_check: dict[str, dict[str, Any]] = {}
    for host in hosts:
        for f in host.get("open_findings") or []:
            if not (f.get("recommendation") or (f.get("message") or {}).get("recommendation")):
                continue
            entry = by_check.setdefault(f["check_id"], {
                "check_id": f["check_id"], "status": f["status"], "hosts": [],
                "components": [], "finding": None})
            if ORDER.get(f["status"], 9) < ORDER.get(entry["status"], 9):
                entry["status"] = f["status"]
            if f["host"] not in entry["hosts"]:
                entry["hosts"].append(f["host"])
            if f.get("component") and f["component"] not in entry["components"]:
                entry["components"].append(f["component"])
            words = {k: f.get(k) for k in ("host", "check_id", "component", "status",
                                           "summary", "recommendation", "translations")}
            if f.get("message") is not None:
                words["message"] = f["message"]
            if entry["finding"] is None or ORDER.get(f["status"], 9) < ORDER.get(
                    entry["finding"]["status"], 9):
                entry["finding"] = words
    out = list(by_check.values())
    for entry in out:
        entry["hosts"].sort()
        entry["components"].sort()
    out.sort(key=lambda e: (ORDER.get(e["status"], 9), e["check_id"]))
    return out


# ----------------------------------------------------------------------------- availability


def _union_hours(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    total = dt.timedelta(0)
    end: dt.datetime | None = None
    for a, b in sorted(intervals):
        if end is not None and a < end:
            if b > end:
                total += b - end
                end = b
            continue
        total += b - a
        end = b
    return round(total.total_seconds() / 3600, 3)


def availability(store: Store, site: str, frame: Mapping[str, Any],
                 hosts: Iterable[str]) -> list[dict[str, Any]]:
    """Per device (the inspected hosts and those with a fault ticket in the period): its
    fault hours, unreachable hours, unavailable hours (their union) and availability % (see
    the module's docstring; None when the period has not begun)."""
    start, until = frame["start"], frame["until"]
    with store.session() as s:
        tickets = list(s.scalars(select(FaultTicket).where(
            FaultTicket.site == site, FaultTicket.reported_at < until)))
        attempts = list(s.execute(
            select(Run.started_at, RunHost.name, RunHost.status, RunHost.finished_at)
            .join(RunHost, RunHost.run_id == Run.id)
            .where(Run.site == site, Run.kind == "inspection", Run.status != "running",
                   RunHost.status.in_(("inspected", "unreachable")))))
    fault: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    fault_ids: dict[str, list[str]] = {}
    for t in tickets:
        if t.priority not in DOWNTIME_PRIORITIES:
            continue
        a = aware(t.reported_at)
        b = aware(t.restored_at) or until
        a, b = max(a, start), min(b, until)
        if b > a:
            fault.setdefault(t.host, []).append((a, b))
            fault_ids.setdefault(t.host, []).append(t.ticket_id)
    by_host: dict[str, list[tuple[dt.datetime, str]]] = {}
    for started, name, status, finished in attempts:
        by_host.setdefault(name, []).append((aware(finished) or aware(started), status))
    unreachable: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for name, seen in by_host.items():
        seen.sort()
        for i, (when, status) in enumerate(seen):
            if status != "unreachable":
                continue
            after = next((w for w, st in seen[i + 1:] if st == "inspected"), until)
            a, b = max(when, start), min(after, until)
            if b > a:
                unreachable.setdefault(name, []).append((a, b))
    total = frame["hours"]
    out = []
    for name in sorted(set(hosts) | set(fault)):
        f, u = fault.get(name, []), unreachable.get(name, [])
        down = _union_hours(f + u)
        out.append({
            "host": name, "fault_hours": _union_hours(f), "unreachable_hours": _union_hours(u),
            "unavailable_hours": down, "faults": sorted(set(fault_ids.get(name, []))),
            "availability_pct": round(100.0 * (total - down) / total, 2) if total > 0
            else None})
    return out


# ----------------------------------------------------------------------------- the rest


def tickets(store: Store, site: str, start: dt.datetime, end: dt.datetime) -> list[FaultTicket]:
    from weibao.services.faults import faults_in_period

    return faults_in_period(store, site, start, end)


def counts_by(items: Iterable[str]) -> list[dict[str, Any]]:
    """[{name, count}] most first, then by name."""
    tally: dict[str, int] = {}
    for item in items:
        tally[item] = tally.get(item, 0) + 1
    return [{"name": k, "count": v} for k, v in sorted(tally.items(),
                                                       key=lambda kv: (-kv[1], kv[0]))]


def changes(store: Store, site: str, start: dt.datetime, end: dt.datetime
            ) -> list[dict[str, Any]]:
    """The changes of ``site`` whose window starts in [start, end), oldest first."""
    with store.session() as s:
        rows = s.scalars(select(Change).where(Change.site == site, Change.window_start >= start,
                                              Change.window_start < end)
                         .order_by(Change.window_start, Change.id))
        return [{"id": c.id, "title": c.title, "kind": c.kind, "state": c.state,
                 "outcome": c.outcome or "", "emergency": bool(c.emergency),
                 "window_start": iso(aware(c.window_start))} for c in rows]


def backups(store: Store, site: str, start: dt.datetime, end: dt.datetime
            ) -> dict[str, int]:
    """Backups of ``site`` finished (or started) in [start, end): total and per status."""
    out = {"total": 0, "verified": 0, "unverified": 0, "failed": 0}
    with store.session() as s:
        for row in s.scalars(select(Backup).where(Backup.site == site)):
            when = aware(row.finished_at or row.started_at)
            if when is None or not (start <= when < end):
                continue
            status = row.status or ("verified" if row.verified else "unverified")
            out["total"] += 1
            out[status if status in out else "unverified"] += 1
    return out


# ----------------------------------------------------------------------------- charts

def report_gettext(lang: str):
    """The report catalog's gettext for chart labels. Every msgid given to it must also be
    written in a template (the catalog is extracted from the templates only)."""
    return translations(content_root() / "report_templates" / "locale", lang,
                        REPORT_DOMAIN).gettext


_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^"()]+)')


def unique_ids(figure: Any, prefix: str) -> Any:
    """The chart's SVG with every id (and every reference to one) prefixed: matplotlib's ids
    are the same in every chart (fixed hash salt), and two charts on one page would share
    their clip paths and glyphs (WeasyPrint: "Anchor defined twice")."""
    from markupsafe import Markup

    return Markup(_SVG_ID.sub(lambda m: f"{m[1]}{prefix}-{m[2]}", str(figure)))  # noqa: S704


def charts_for(build, prefix: str, langs: Iterable[str] = ("en", "zh-CN")) -> dict[str, Any]:
    """{lang: build(gettext)} for both languages (the view does not know the language), the
    SVG ids prefixed with ``prefix`` (:func:`unique_ids`)."""
    try:
        return {lang: unique_ids(build(report_gettext(lang)), prefix) for lang in langs}
    except ReportError:
        raise
    except (OSError, ValueError) as exc:
        raise ReportError(N_("charts: %(detail)s"), detail=str(exc)) from exc
