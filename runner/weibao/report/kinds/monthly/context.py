"""The monthly inspection report's data (巡视检查报告), read from the store:
:func:`monthly_context` (``build_context`` of the ``monthly`` kind)."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from weibao.errors import N_, NotFound
from weibao.services.config_archive import run_records
from weibao.services.inspection import check_period
from weibao.services.reports import iso as _iso
from weibao.services.reports import known_sites
from weibao.statuses import FINDING_STATUSES as STATUSES
from weibao.statuses import ORDER
from weibao.store import Coverage, Finding, Run, RunHost, Store


def _sort_key(f: dict[str, Any]):
    return (ORDER.get(f["status"], 9), f["host"], f["check_id"], f["component"])


def _coverage(session, run_id: int, host: str) -> list[dict[str, Any]]:
    """A host's coverage per area: {area, evaluated, partial, not_evaluated, not_applicable,
    missing: [{check_id, state, cause}]} (the checks not fully evaluated, and why)."""
    from weibao.services.coverage import STATES

    areas: dict[str, dict[str, Any]] = {}
    rows = session.scalars(select(Coverage).where(Coverage.run_id == run_id,
                                                  Coverage.host == host))
    for c in sorted(rows, key=lambda c: c.check_id):
        area = c.check_id.split(".", 1)[0]
        entry = areas.setdefault(area, {"area": area, **dict.fromkeys(STATES, 0),
                                        "missing": []})
        entry[c.state] += 1
        if c.state != "evaluated":
            entry["missing"].append({"check_id": c.check_id, "state": c.state,
                                     "cause": c.cause or ""})
    return [areas[a] for a in sorted(areas)]


def _previous(session, run: Run, host: str) -> dict[str, Any] | None:
    """The host's inspection before ``run`` (the latest finished run of the same site that
    inspected it, started earlier): {run_id, inspected_at, findings: [{check_id, component,
    status}]} for what changed since, or None when there is none."""
    earlier = or_(Run.started_at < run.started_at,
                  and_(Run.started_at == run.started_at, Run.id < run.id))
    row = session.execute(
        select(Run, RunHost).join(RunHost, RunHost.run_id == Run.id)
        .where(Run.site == run.site, Run.kind == "inspection", Run.status != "running",
               Run.id != run.id, RunHost.name == host, RunHost.status == "inspected", earlier)
        .order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
    if row is None:
        return None
    before, h = row
    rows = session.scalars(select(Finding).where(Finding.run_id == before.id,
                                                 Finding.host == host))
    findings = sorted(({"check_id": f.check_id, "component": f.component or "",
                        "status": f.status} for f in rows),
                      key=lambda f: (f["check_id"], f["component"], ORDER.get(f["status"], 9)))
    return {"run_id": before.id, "inspected_at": _iso(h.finished_at or before.started_at),
            "findings": findings}


def _backups(store: Store, site: str, period: str, hosts: list[dict[str, Any]]
             ) -> dict[str, Any]:
    from weibao.services.backups import report_section

    section = report_section(store, site, period, hosts)
    return {"backups": section.pop("records"), "backup_ages": section}


def _trend(session, site: str, period: str, months: int = 6) -> list[dict[str, Any]]:
    """The last ``months`` months up to ``period``: [{period, critical, warning, hosts}]: the
    findings of each host's latest inspection of that month (no inspection: zeros, hosts 0)."""
    year, month = (int(x) for x in period.split("-"))
    periods = []
    for back in range(months - 1, -1, -1):
        y, m = divmod((year * 12 + month - 1) - back, 12)
        periods.append(f"{y}-{m + 1:02d}")
    out = []
    for p in periods:
        runs = session.scalars(select(Run).where(
            Run.site == site, Run.period == p, Run.kind == "inspection",
            Run.status != "running").order_by(Run.started_at, Run.id)).all()
        latest: dict[str, int] = {}
        for run in runs:
            for h in run.hosts:
                latest[h.name] = run.id
        counts = {"period": p, "critical": 0, "warning": 0, "hosts": len(latest)}
        for name, run_id in latest.items():
            for f in session.scalars(select(Finding).where(Finding.run_id == run_id,
                                                           Finding.host == name)):
                if f.status in ("critical", "warning"):
                    counts[f.status] += 1
        out.append(counts)
    return out


def _people_names(site: str, inventory: Any, store: Store, people_file: Any = None
                  ) -> dict[str, str]:
    """{id or OS user: name} from the site's people file (``people_file``, else the one beside
    the inventory; none: {})."""
    from weibao.errors import WeibaoError
    from weibao.report.kinds._site import load_site

    try:
        people = load_site(site, inventory, store, people_file).people
    except WeibaoError:
        if inventory is not None or people_file is not None:
            raise
        return {}
    if people is None:
        return {}
    names: dict[str, str] = {}
    for person in people.persons:
        # the OS user: the user part of the key's comment ("zhang.san@laptop")
        user = (person.key_comment or "").split("@", 1)[0].strip()
        if user:
            names.setdefault(user, person.name)
    for person in people.persons:
        names[person.id] = person.name
    return names


def _as_of(period: str, timezone: str, now: datetime | None) -> str | None:
    """The day (site time) a month still in progress is reported to; None when it is over."""
    if now is None:
        return None
    from zoneinfo import ZoneInfo

    today = now.astimezone(ZoneInfo(timezone or "UTC")).date()
    return today.isoformat() if today.strftime("%Y-%m") == period else None


def monthly_context(store: Store, site: str, period: str, now: datetime | None = None,
                    inventory: Any = None, people: Any = None) -> dict[str, Any]:
    """The data of the monthly inspection report (巡视检查报告) of ``site`` for ``period``.

    Each host appears once, with its latest inspection of the period (a re-run after a
    host was unreachable replaces the earlier result); runs still running are left out.
    Each host carries its ``platform`` and its ``previous`` inspection (:func:`_previous`),
    for what changed since (the hardware section), and ``config``: a network device's
    configuration archive record for the run
    (:func:`weibao.services.config_archive.run_records`; None when there is none).

    For the reader: ``health`` (the health score and what was deducted for what,
    :func:`.readable.health_score`), ``lifecycle`` (findings new, carried, resolved, waived:
    :func:`weibao.services.lifecycle.lifecycle_for_period`), ``manual_items`` (the on-site
    items, :func:`weibao.services.onsite.manual_items`, with ``engineer_name``), ``trend``
    (critical and warning findings of the last six months), ``as_of`` (the day a month still in
    progress at ``now`` is reported to, site time; None when the month is over or ``now`` is
    None), ``site.inspector_names`` and each run's ``user_name`` (the people file's names of the
    ids or OS users: ``people``, else ``people.yml`` beside ``inventory``).
    """
    period = check_period(period)
    sites = known_sites(store)
    if site not in sites:
        raise NotFound(N_("unknown site %(site)r: no inspection is stored for it (known: "
                          "%(known)s)"), site=site, known=", ".join(sites) or "-")
    with store.session() as s:
        runs = list(s.scalars(
            select(Run).where(Run.site == site, Run.period == period, Run.kind == "inspection",
                              Run.status != "running").order_by(Run.started_at, Run.id)))
        if not runs:
            raise NotFound(N_("site %(site)r has no finished inspection in period %(period)s"),
                           site=site, period=period)
        latest: dict[str, Any] = {}
        for run in runs:
            for h in run.hosts:
                latest[h.name] = (run, h)
        site_meta = dict(runs[-1].site_meta or {})
        hosts = []
        all_findings: list[dict[str, Any]] = []
        for name in sorted(latest):
            run, h = latest[name]
            rows = s.scalars(select(Finding).where(Finding.run_id == run.id,
                                                   Finding.host == name))
            findings = sorted((f.as_dict() for f in rows), key=_sort_key)
            counts = {k: 0 for k in STATUSES}
            for f in findings:
                counts[f["status"]] += 1
            worst = next((k for k in ("critical", "warning", "unknown") if counts[k]), "ok")
            asset = dict(h.asset or {})
            if not asset.get("os"):
                # the asset register's OS comes from what the inspection read, when it read it
                # (an os_release finding may be unknown only because the release's end of
                # support is not known: its name was still read)
                release = next((f for f in findings if f["check_id"] == "patch.os_release"),
                               None)
                pretty = (release.get("values") or {}).get("pretty_name") if release else None
                if pretty:
                    asset["os"] = str(pretty)
            coverage = _coverage(s, run.id, name)
            hosts.append({
                "name": name, "status": h.status, "message": h.message or "",
                "inspected_at": _iso(h.finished_at or run.started_at), "run_id": run.id,
                "asset": asset, "counts": counts, "worst_status": worst,
                "findings": findings, "coverage": coverage, "platform": h.platform,
                # the host's previous inspection, for what changed since (the hardware
                # section: weibao.report.kinds.monthly.hardware)
                "previous": _previous(s, run, name),
                # a network device's configuration archive record for the run (the network
                # section: weibao.report.kinds.monthly.network), filled in below
                "config": None,
            })
            all_findings.extend(findings)
        trend = _trend(s, site, period)
        run_list = [{
            "id": r.id, "started_at": _iso(r.started_at), "ended_at": _iso(r.ended_at),
            "user": r.user, "inventory": r.inventory, "ansible_version": r.ansible_version,
            "status": r.status,
        } for r in runs]
    # the configuration archive's records of the hosts' runs (after the session: it reads
    # the store on its own)
    records = {run_id: run_records(store, run_id) for run_id in {h["run_id"] for h in hosts}}
    for h in hosts:
        h["config"] = records[h["run_id"]].get(h["name"])
    all_findings.sort(key=_sort_key)
    counts = {k: sum(h["counts"][k] for h in hosts) for k in STATUSES}
    year, month = (int(x) for x in period.split("-"))
    last_day = calendar.monthrange(year, month)[1]
    inspectors = list(site_meta.get("inspectors") or [])
    for r in run_list:
        if r["user"] not in inspectors:
            inspectors.append(r["user"])
    site_meta.setdefault("name", site)
    site_meta["inspectors"] = inspectors
    # inspectors by their names (the people file: an id or OS user that matches)
    names = _people_names(site, inventory, store, people)
    site_meta["inspector_names"] = list(dict.fromkeys(names.get(i, i) for i in inspectors))
    for r in run_list:
        r["user_name"] = names.get(r["user"], r["user"])
    site_meta.setdefault("timezone", "UTC")
    for key in ("client", "provider", "contract"):
        site_meta.setdefault(key, "")
    from weibao.report.kinds.monthly.readable import health_score
    from weibao.services.lifecycle import lifecycle_for_period
    from weibao.services.onsite import manual_items

    lifecycle = lifecycle_for_period(store, site, period, now)
    manual = [{**m, "engineer_name": names.get(m["engineer"], m["engineer"])}
              for m in manual_items(store, site, period)]
    return {
        "kind": "monthly",
        "as_of": _as_of(period, site_meta["timezone"], now),
        # the health score and what was deducted for what (docs/findings.md "Health score")
        "health": health_score(hosts, manual),
        # findings across periods (weibao.services.lifecycle): new, carried, resolved, waived
        "lifecycle": lifecycle,
        # manual on-site items (人工检查), beside the automatic checks
        "manual_items": manual,
        # critical and warning findings per month, the last six months
        "trend": trend,
        "period": period,
        "period_start": f"{period}-01",
        "period_end": f"{period}-{last_day:02d}",
        "site": site_meta,
        "runs": run_list,
        "summary": {
            "hosts_total": len(hosts),
            "hosts_inspected": sum(1 for h in hosts if h["status"] == "inspected"),
            "hosts_unreachable": sum(1 for h in hosts if h["status"] == "unreachable"),
            "hosts_failed": sum(1 for h in hosts if h["status"] not in ("inspected",
                                                                        "unreachable")),
            "counts": counts,
        },
        "hosts": hosts,
        # 系统备份记录: every backup of the period, and each host's newest verified backup
        # against the site's limit (weibao.services.backups.report_section)
        **_backups(store, site, period, hosts),
        "recommendations": [
            {k: f.get(k, {}) if k in ("translations", "message") else f[k]
             for k in ("host", "check_id", "status", "component", "summary",
                       "recommendation", "translations", "message")}
            for f in all_findings if f["status"] in ("critical", "warning", "unknown") and
            f["recommendation"]
        ],
        "findings": all_findings,
    }
