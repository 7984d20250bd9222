"""Findings across periods: a warning or critical finding followed from inspection to
inspection (carried over, resolved, seen again), its owner and follow-up, and waivers
(accepted risks) signed with OpenSSH like change sign-offs.

**Identity.** An issue is a site, host, check id and component: the identity the monthly
report's "what changed since" compares findings by (``report.kinds.monthly.hardware``). Its ``key``
is the first 12 hex digits of the sha256 of the canonical JSON ``[site, host, check_id,
component]`` (:func:`issue_key`), the same every time.

**Observations.** :func:`update_lifecycle` reads one inspection run and records, for every
issue of every host of the run, what the run said of it:

- ``seen``: reported as warning or critical (the worst status for the key).
- ``resolved``: the host was inspected and the check evaluated, and the key is not reported
  as a fault: an ``ok`` finding for it, or no finding for it while the coverage table says
  the check was ``evaluated`` (for runs stored before coverage existed, while the check
  reported on the host at all).
- ``not_judged`` (with why): the host was unreachable, failed or interrupted, the check was
  not evaluated (its area did not run, partial coverage without this component, not
  applicable) or reported only ``unknown``. It never resolves an issue.

The issue's columns (first seen, opened, last seen, resolved, months open, times reopened)
are then recomputed from all its observations in inspection order, so running it twice, or
for an older run again, gives the same rows. :func:`backfill` runs it for the stored runs.

**Waivers** are made and checked by :mod:`weibao.waivers` (it needs the change control's
OpenSSH signing, which this module, read by every inspection, does not import): ``weibao
finding waive`` signs (``ssh-keygen -Y sign``, namespace
``weibao-waiver``, so a change sign-off cannot be replayed as a waiver) the canonical JSON of
the issue's key, site, host, check id, component, the reason, the expiry date, the signer, the
time and the sha256 of the people file; the signer is the person of the site's people file
whose key made the signature. A waiver counts through its expiry date in the site's time zone,
unless revoked; past it the issue is open again, shown as ``waiver_expired``. A waived issue is
still reported (state ``waived``), never as ok; a resolved issue is resolved whatever waivers
it has.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import selectinload

from weibao.errors import N_, ConfigError, NotFound, WeibaoError
from weibao.statuses import ORDER
from weibao.store import Coverage, Finding, Run, RunHost, Store
from weibao.store.lifecycle import (
    FOLLOW_UPS,
    FindingIssue,
    FindingObservation,
    FindingWaiver,
)

FAULTS = ("warning", "critical")
KEY_LENGTH = 12
# the follow-up statuses as the contract writes them; either form is accepted
FOLLOW_UP_ZH = {"handled_on_site": "已现场处理", "client_handles": "客户自行处理",
                "to_be_scheduled": "待安排", "waiting_for_client": "等客户通知"}
STATES = ("open", "waived", "waiver_expired", "resolved")
_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<q>[1-4])))?$")
_MAX_REASON = 2000


class LifecycleError(WeibaoError):
    """A waiver or assignment that cannot be made; nothing was written."""


def issue_key(site: str, host: str, check_id: str, component: str) -> str:
    """The issue's short key: sha256 of canonical ``[site, host, check_id, component]``."""
    data = json.dumps([site, host, check_id, component or ""], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")  # weibao.canonical's form
    return hashlib.sha256(data).hexdigest()[:KEY_LENGTH]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _months(a: str, b: str) -> int:
    """Calendar months from period ``a`` to period ``b`` (YYYY-MM)."""
    ya, ma = (int(x) for x in a.split("-"))
    yb, mb = (int(x) for x in b.split("-"))
    return max(0, (yb - ya) * 12 + (mb - ma))


# ----------------------------------------------------------------------------- observing


def _worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=lambda s: ORDER.get(s, 9))


def _observe(host_status: str, worst: str | None, coverage: dict[str, str] | None,
             check_id: str, check_reported: bool) -> tuple[str, str]:
    """(state, why) of one issue in one run: see the module's docstring."""
    if host_status != "inspected":
        return "not_judged", host_status if host_status in (
            "unreachable", "failed", "interrupted") else "failed"
    if worst in FAULTS:
        return "seen", ""
    if worst == "ok":
        return "resolved", ""
    if worst == "unknown":
        return "not_judged", "unknown"
    if coverage is not None:  # the run recorded what it evaluated on this host
        return ("resolved", "") if coverage.get(check_id) == "evaluated" \
            else ("not_judged", "not_evaluated")
    return ("resolved", "") if check_reported else ("not_judged", "not_evaluated")


def update_lifecycle(store: Store, run_id: int) -> dict[str, int]:
    """Record what inspection run ``run_id`` says of every issue of its hosts and recompute
    those issues; returns {new, seen, resolved, not_judged} (idempotent).

    A run that is not a finished inspection changes nothing. Rows are read and written as
    Core statements in batches (a few per run, whatever the number of hosts), not as ORM
    objects: an inspection of hundreds of hosts opens thousands of issues at once."""
    counts = {"new": 0, "seen": 0, "resolved": 0, "not_judged": 0}
    with store.session() as s:
        # two inspections closing at once would both create the same issue (its key is
        # unique) or recompute it without the other's observation: one at a time
        store.lock(s, "finding-lifecycle")
        run = s.get(Run, run_id)
        if run is None:
            raise NotFound(N_("run %(run)s does not exist"), run=run_id)
        if run.kind != "inspection" or run.status == "running":
            return counts
        connection = s.connection()
        # only the columns judged here: whole Finding objects would decode every finding's
        # five JSON columns (evidence, values, thresholds, translations, message) for nothing
        by_host: dict[str, dict[tuple[str, str], list[Any]]] = {}
        for f in connection.execute(select(Finding.host, Finding.check_id, Finding.component,
                                           Finding.status, Finding.summary)
                                    .where(Finding.run_id == run_id)):
            by_host.setdefault(f.host, {}).setdefault(
                (f.check_id, f.component or ""), []).append(f)
        coverage: dict[str, dict[str, str]] = {}
        for c in connection.execute(select(Coverage.host, Coverage.check_id, Coverage.state)
                                    .where(Coverage.run_id == run_id)):
            coverage.setdefault(c.host, {})[c.check_id] = c.state
        hosts = [rh for rh in connection.execute(
            select(RunHost.name, RunHost.status, RunHost.finished_at)
            .where(RunHost.run_id == run_id)) if rh.status != "pending"]
        # the hosts' issues and this run's observations, read once (not a query per issue);
        # each issue a dict of its columns as read, ``was`` keeps them to write only changes
        site_issues: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        issues_t = FindingIssue.__table__
        for names in _chunks([rh.name for rh in hosts]):
            for row in connection.execute(select(issues_t).where(
                    issues_t.c.site == run.site, issues_t.c.host.in_(names))).mappings():
                site_issues.setdefault(row["host"], {})[
                    (row["check_id"], row["component"])] = dict(row, was=dict(row))
        observations_t = FindingObservation.__table__
        observed_now = {o.issue_id: o.id for o in connection.execute(
            select(observations_t.c.issue_id, observations_t.c.id)
            .where(observations_t.c.run_id == run.id))}
        # the new issues of every host first, in one statement (their ids are needed)
        new: list[dict[str, Any]] = []
        for rh in hosts:
            when = rh.finished_at or run.started_at
            found = by_host.get(rh.name, {}) if rh.status == "inspected" else {}
            issues = site_issues.setdefault(rh.name, {})
            for (check_id, component), rows in sorted(found.items()):
                if _worst(r.status for r in rows) in FAULTS and (check_id, component) \
                        not in issues:
                    issue = dict(
                        key=issue_key(run.site, rh.name, check_id, component), site=run.site,
                        host=rh.name, check_id=check_id, component=component, status="open",
                        severity="warning", first_seen_run=run.id, first_seen_at=when,
                        opened_run=run.id, opened_at=when, last_seen_run=run.id,
                        last_seen_at=when, resolved_run=None, resolved_at=None, reopened=0,
                        months_open=0, summary="", owner="", follow_up="", notes="",
                        assigned_by="", assigned_at=None)
                    new.append(issue)
                    issues[(check_id, component)] = issue
        if new:
            connection.execute(insert(issues_t), new)
            ids: dict[str, int] = {}
            for keys in _chunks([issue["key"] for issue in new]):
                ids.update(connection.execute(select(issues_t.c.key, issues_t.c.id)
                                              .where(issues_t.c.key.in_(keys))).all())
            for issue in new:
                issue["id"] = ids[issue["key"]]
                issue["was"] = dict(issue)
            counts["new"] = len(new)
        touched: dict[int, dict[str, Any]] = {}
        added: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        dropped: list[int] = []
        for rh in hosts:
            when = rh.finished_at or run.started_at
            found = by_host.get(rh.name, {}) if rh.status == "inspected" else {}
            reported_checks = {c for c, _comp in found}
            for (check_id, component), issue in sorted(site_issues[rh.name].items()):
                rows = found.get((check_id, component), [])
                worst = _worst(r.status for r in rows) if rows else None
                state, why = _observe(rh.status, worst, coverage.get(rh.name), check_id,
                                      check_id in reported_checks)
                obs_id = observed_now.get(issue["id"])
                if state != "seen" and when < issue["first_seen_at"]:
                    # before the issue existed (a run read again out of order): nothing to say
                    if obs_id is not None:
                        dropped.append(obs_id)
                        touched[issue["id"]] = issue
                    continue
                counts[state] += 1
                values = {"period": run.period, "time": when, "state": state, "why": why,
                          "status": worst or ""}
                if obs_id is None:
                    added.append(dict(values, issue_id=issue["id"], run_id=run.id))
                else:
                    changed.append(dict(values, obs_id=obs_id))
                if state == "seen":
                    fault = min((r for r in rows if r.status in FAULTS),
                                key=lambda r: ORDER.get(r.status, 9))
                    if issue["last_seen_at"] is None or when >= issue["last_seen_at"] or \
                            not issue["summary"]:
                        issue["summary"] = fault.summary
                touched[issue["id"]] = issue
        for ids_ in _chunks(dropped):
            connection.execute(delete(observations_t).where(observations_t.c.id.in_(ids_)))
        if added:
            connection.execute(insert(observations_t), added)
        if changed:
            connection.execute(update(observations_t)
                               .where(observations_t.c.id == bindparam("obs_id")), changed)
        observations: dict[int, list[Any]] = {}
        for ids_ in _chunks(list(touched)):
            for o in connection.execute(select(
                    observations_t.c.issue_id, observations_t.c.run_id,
                    observations_t.c.period, observations_t.c.time, observations_t.c.state,
                    observations_t.c.status).where(observations_t.c.issue_id.in_(ids_))):
                observations.setdefault(o.issue_id, []).append(o)
        updates = []
        for issue_id, issue in touched.items():
            issue.update(_recomputed(observations.get(issue_id, [])))
            if any(issue[name] != issue["was"][name] for name in _RECOMPUTED):
                updates.append({"issue_id": issue_id,
                                **{name: issue[name] for name in _RECOMPUTED}})
        if updates:
            connection.execute(update(issues_t).where(issues_t.c.id == bindparam("issue_id")),
                               updates)
    return counts


# the issue's columns update_lifecycle writes: the summary and what _recomputed returns
_RECOMPUTED = ("summary", "first_seen_run", "first_seen_at", "opened_run", "opened_at",
               "last_seen_run", "last_seen_at", "severity", "status", "resolved_run",
               "resolved_at", "reopened", "months_open")


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    """``items`` in lists of at most ``size`` (bound parameters of one IN)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _ordered(observations: Iterable[Any]) -> list[Any]:
    return sorted(observations, key=lambda o: (o.time, o.run_id))


def _occurrences(observations: Iterable[Any]) -> list[dict[str, Any]]:
    """The issue's occurrences in inspection order: [{opened: obs, last_seen: obs,
    resolved: obs | None, last: obs (the last observation of the occurrence)}]."""
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for o in _ordered(observations):
        if o.state == "seen":
            if current is None:
                current = {"opened": o, "last_seen": o, "resolved": None, "last": o}
                out.append(current)
            current["last_seen"] = current["last"] = o
        elif current is not None:
            current["last"] = o
            if o.state == "resolved":
                current["resolved"] = o
                current = None
    return out


def _recomputed(observations: Iterable[Any]) -> dict[str, Any]:
    """The issue's columns from its observations (all of them, in any order; any objects
    with ``run_id``, ``period``, ``time``, ``state`` and ``status``); {} when it was never
    seen."""
    occurrences = _occurrences(observations)
    if not occurrences:
        return {}
    first, now = occurrences[0], occurrences[-1]
    resolved = now["resolved"]
    out = {"first_seen_run": first["opened"].run_id, "first_seen_at": first["opened"].time,
           "opened_run": now["opened"].run_id, "opened_at": now["opened"].time,
           "last_seen_run": now["last_seen"].run_id, "last_seen_at": now["last_seen"].time,
           "status": "resolved" if resolved else "open",
           "resolved_run": resolved.run_id if resolved else None,
           "resolved_at": resolved.time if resolved else None,
           "reopened": len(occurrences) - 1,
           "months_open": _months(now["opened"].period, now["last"].period)}
    if now["last_seen"].status:
        out["severity"] = now["last_seen"].status
    return out


def backfill(store: Store, site: str | None = None) -> int:
    """:func:`update_lifecycle` for every finished inspection run stored (of ``site``), in
    inspection order; the number of runs read."""
    with store.session() as s:
        query = select(Run.id).where(Run.kind == "inspection", Run.status != "running")
        if site is not None:
            query = query.where(Run.site == site)
        ids = list(s.scalars(query.order_by(Run.started_at, Run.id)))
    for run_id in ids:
        update_lifecycle(store, run_id)
    return len(ids)


# ----------------------------------------------------------------------------- states


def today_in(zone: str, now: dt.datetime | None = None) -> dt.date:
    try:
        tz = ZoneInfo(zone or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return (now or utcnow()).astimezone(tz).date()


def _waiver_on(waivers: Iterable[FindingWaiver], day: dt.date | None,
               now: dt.datetime | None = None) -> tuple[FindingWaiver | None, bool]:
    """The waiver in force on ``day`` (default: today in its zone), else (the latest expired
    one, True) when one has expired; revoked waivers count for nothing."""
    live = [w for w in waivers if w.revoked_at is None or (now and w.revoked_at > now)]
    live.sort(key=lambda w: (w.signed_at, w.id))
    for w in reversed(live):
        on = day or today_in(w.timezone, now)
        if w.expires >= on.isoformat():
            return w, False
    return (live[-1], True) if live else (None, False)


def state_of(issue: FindingIssue, day: dt.date | None = None,
             now: dt.datetime | None = None) -> tuple[str, FindingWaiver | None]:
    """(open | waived | waiver_expired | resolved, the waiver concerned)."""
    waiver, expired = _waiver_on(issue.waivers, day, now)
    if issue.status == "resolved":
        return "resolved", None
    if waiver is None:
        return "open", None
    return ("waiver_expired" if expired else "waived"), waiver


def _waiver_dict(w: FindingWaiver | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"person": w.person, "organisation": w.organisation, "reason": w.reason,
            "expires": w.expires, "signed_at": iso_utc(w.signed_at), "fingerprint": w.fingerprint,
            "revoked_at": iso_utc(w.revoked_at), "revoked_by": w.revoked_by}


def issue_dict(issue: FindingIssue, state: str, waiver: FindingWaiver | None) -> dict[str, Any]:
    return {"key": issue.key, "site": issue.site, "host": issue.host,
            "check_id": issue.check_id, "component": issue.component,
            "severity": issue.severity, "summary": issue.summary, "status": issue.status,
            "state": state, "first_seen_run": issue.first_seen_run,
            "first_seen_at": iso_utc(issue.first_seen_at), "opened_run": issue.opened_run,
            "opened_at": iso_utc(issue.opened_at), "last_seen_run": issue.last_seen_run,
            "last_seen_at": iso_utc(issue.last_seen_at), "resolved_run": issue.resolved_run,
            "resolved_at": iso_utc(issue.resolved_at), "reopened": issue.reopened,
            "months_open": issue.months_open, "owner": issue.owner,
            "follow_up": issue.follow_up, "notes": issue.notes,
            "waiver": _waiver_dict(waiver)}


def find_issue(session, key: str, site: str | None = None) -> FindingIssue:
    """The issue of ``key`` (or a unique prefix of 6 characters or more), of ``site`` when
    given (the inventory a waiver or an assignment is made with); NotFound."""
    key = (key or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{6,12}", key):
        raise NotFound(N_("finding %(key)r: not a finding key (12 hex digits, as "
                          "`weibao finding list` shows)"), key=key)
    rows = list(session.scalars(select(FindingIssue).where(
        FindingIssue.key.startswith(key)).limit(2)))
    if len(rows) != 1:
        raise NotFound(N_("finding %(key)s: no such finding") if not rows else
                       N_("finding %(key)s: several findings start so; give more of the key"),
                       key=key)
    if site is not None and rows[0].site != site:
        raise NotFound(N_("finding %(key)s: is of site %(found)s, not of the inventory's site "
                          "%(site)s"), key=rows[0].key, found=rows[0].site, site=site)
    return rows[0]


def site_timezone(store: Store, site: str) -> str:
    """The site's time zone as its latest inspection recorded it (UTC when none)."""
    with store.session() as s:
        meta = s.scalars(select(Run.site_meta).where(Run.site == site, Run.kind == "inspection")
                         .order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
    return str((meta or {}).get("timezone") or "UTC")


def list_issues(store: Store, site: str | None = None, state: str | None = None,
                now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every issue (of ``site``; in ``state``: open includes waiver_expired), sorted by
    site, host, check, component; states as of today in the site's zone."""
    with store.session() as s:
        query = select(FindingIssue).options(selectinload(FindingIssue.waivers))
        if site is not None:
            query = query.where(FindingIssue.site == site)
        out = []
        for issue in s.scalars(query):
            st, waiver = state_of(issue, None, now)
            if state == "open" and st not in ("open", "waiver_expired"):
                continue
            if state in ("waived", "resolved") and st != state:
                continue
            out.append(issue_dict(issue, st, waiver))
    out.sort(key=lambda i: (i["site"], i["host"], i["check_id"], i["component"]))
    return out


def show_issue(store: Store, key: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """One issue with its observations and every waiver (revoked ones too)."""
    with store.session() as s:
        issue = find_issue(s, key)
        st, waiver = state_of(issue, None, now)
        out = issue_dict(issue, st, waiver)
        out["observations"] = [{"run_id": o.run_id, "period": o.period, "time": iso_utc(o.time),
                                "state": o.state, "status": o.status, "why": o.why}
                               for o in _ordered(issue.observations)]
        out["waivers"] = [_waiver_dict(w) for w in issue.waivers]
        return out


# ----------------------------------------------------------------------------- periods


def period_months(period: str) -> list[str]:
    """YYYY-MM -> [it]; YYYY-Qn -> its three months; YYYY -> its twelve months."""
    m = _PERIOD_RE.match(period or "")
    if not m:
        raise ConfigError(N_("--period %(value)r: expected YYYY-MM, YYYY-Qn or YYYY"),
                          value=period)
    year = int(m["year"])
    if m["month"]:
        return [period]
    if m["q"]:
        first = (int(m["q"]) - 1) * 3 + 1
        return [f"{year}-{mm:02d}" for mm in range(first, first + 3)]
    return [f"{year}-{mm:02d}" for mm in range(1, 13)]


def _last_day(month: str) -> dt.date:
    year, mm = (int(x) for x in month.split("-"))
    return dt.date(year, mm, calendar.monthrange(year, mm)[1])


def lifecycle_for_period(store: Store, site: str, period: str,
                         now: dt.datetime | None = None) -> dict[str, Any]:
    """Findings across periods for a report of ``site``: a month (YYYY-MM), a quarter
    (YYYY-Qn) or a year (YYYY), from the observations of the runs up to its end.

    ``new``: occurrences opened in the period; ``carried``: opened before it and still open at
    its end (``months_open`` counted to its last month); ``resolved``: resolved in it;
    ``waived``: open at its end under a waiver in force on its last day (or today, when the
    period is not over). Each entry has its ``state`` (open, waived, waiver_expired, resolved)
    at the end of the period; a waived one is never counted as ok. ``counts`` of each list and
    of ``open`` (open at the end, waived or not), ``by_host`` the same per host, ``months`` per
    month {period, new, resolved, open} for trends. Lists are sorted by host, check,
    component."""
    months = period_months(period)
    first, last = months[0], months[-1]
    today = today_in(site_timezone(store, site), now)
    with store.session() as s:
        issues = list(s.scalars(select(FindingIssue).where(FindingIssue.site == site).options(
            selectinload(FindingIssue.observations), selectinload(FindingIssue.waivers))))
        day = min(_last_day(last), today)
        lists: dict[str, list[dict[str, Any]]] = {"new": [], "carried": [], "resolved": [],
                                                  "waived": []}
        monthly = {m: {"period": m, "new": 0, "resolved": 0, "open": 0} for m in months}
        open_total = 0
        by_host: dict[str, dict[str, int]] = {}
        for issue in issues:
            obs = [o for o in issue.observations if o.period <= last]
            occurrences = _occurrences(obs)
            if not occurrences:
                continue
            for occ in occurrences:
                if occ["opened"].period in monthly:
                    monthly[occ["opened"].period]["new"] += 1
                if occ["resolved"] is not None and occ["resolved"].period in monthly:
                    monthly[occ["resolved"].period]["resolved"] += 1
                for m in months:
                    resolved_by = occ["resolved"].period if occ["resolved"] else None
                    if occ["opened"].period <= m and (resolved_by is None or resolved_by > m):
                        monthly[m]["open"] += 1
            current = occurrences[-1]
            is_open = current["resolved"] is None
            waiver, expired = _waiver_on(issue.waivers, day, now)
            state = "resolved" if not is_open else (
                "open" if waiver is None else "waiver_expired" if expired else "waived")
            base = issue_dict(issue, state, waiver if is_open else None)
            base.update(opened_at=iso_utc(current["opened"].time),
                        opened_period=current["opened"].period,
                        last_seen_at=iso_utc(current["last_seen"].time),
                        resolved_at=iso_utc(current["resolved"].time) if current["resolved"]
                        else "",
                        severity=current["last_seen"].status or issue.severity,
                        status="open" if is_open else "resolved")
            host = by_host.setdefault(issue.host, dict.fromkeys(
                ("new", "carried", "resolved", "waived", "open"), 0))
            for occ in occurrences:
                entry = dict(base, opened_at=iso_utc(occ["opened"].time),
                             opened_period=occ["opened"].period)
                if occ is not current:  # an earlier occurrence: resolved since
                    entry.update(state="resolved", status="resolved", waiver=None,
                                 resolved_at=iso_utc(occ["resolved"].time))
                if occ["opened"].period >= first:
                    end = occ["resolved"].period if occ["resolved"] else last
                    lists["new"].append(entry | {"months_open": _months(occ["opened"].period,
                                                                         end)})
                    host["new"] += 1
                if occ["resolved"] is not None and occ["resolved"].period >= first:
                    lists["resolved"].append(entry | {
                        "state": "resolved", "status": "resolved", "waiver": None,
                        "resolved_at": iso_utc(occ["resolved"].time),
                        "months_open": _months(occ["opened"].period,
                                               occ["resolved"].period)})
                    host["resolved"] += 1
            if is_open:
                open_total += 1
                host["open"] += 1
                if current["opened"].period < first:
                    lists["carried"].append(base | {
                        "months_open": _months(current["opened"].period, last)})
                    host["carried"] += 1
                if state == "waived":
                    lists["waived"].append(base | {
                        "months_open": _months(current["opened"].period, last)})
                    host["waived"] += 1
    for items in lists.values():
        items.sort(key=lambda i: (i["host"], i["check_id"], i["component"], i["opened_at"]))
    counts = {name: len(items) for name, items in lists.items()}
    counts["open"] = open_total
    counts["waiver_expired"] = sum(1 for i in lists["carried"] + lists["new"]
                                   if i["state"] == "waiver_expired" and i["status"] == "open")
    return {"site": site, "period": period, "months": [monthly[m] for m in months],
            "as_of": day.isoformat(), **lists, "counts": counts,
            "by_host": {h: by_host[h] for h in sorted(by_host)
                        if any(by_host[h].values())}}


# ----------------------------------------------------------------------------- follow-up


def follow_up_value(value: str) -> str:
    """A follow-up status by its name or its Chinese words; LifecycleError otherwise."""
    text = (value or "").strip()
    for name, zh in FOLLOW_UP_ZH.items():
        if text in (name, zh, name.replace("_", "-")):
            return name
    raise LifecycleError(N_("--follow-up %(value)r: expected one of %(expected)s"),
                         value=value, expected=", ".join(
                             f"{n} ({FOLLOW_UP_ZH[n]})" for n in FOLLOW_UPS))


def assign(store: Store, key: str, people, owner: str, follow_up: str, note: str = "",
           by: str = "", site: str | None = None,
           now: dt.datetime | None = None) -> dict[str, Any]:
    """Set an issue's owner (a person of the people file) and follow-up status; a note is
    appended to its notes with the date (UTC)."""
    status = follow_up_value(follow_up)
    if people.get(owner) is None:
        raise LifecycleError(N_("--owner %(owner)r: no person with that id in the people file "
                                "%(file)s"), owner=owner, file=str(people.path))
    if by and people.get(by) is None:
        raise LifecycleError(N_("--by %(by)r: no person with that id in the people file "
                                "%(file)s"), by=by, file=str(people.path))
    if "\n" in note or len(note) > _MAX_REASON:
        raise LifecycleError(N_("--note: one line of at most %(max)d characters"),
                             max=_MAX_REASON)
    when = now or utcnow()
    with store.session() as s:
        issue = find_issue(s, key, site)
        issue.owner, issue.follow_up = owner, status
        issue.assigned_by, issue.assigned_at = by, when
        if note.strip():
            line = f"{when.strftime('%Y-%m-%d')} {by or owner}: {note.strip()}"
            issue.notes = f"{issue.notes}\n{line}" if issue.notes else line
        st, waiver = state_of(issue, None, now)
        return issue_dict(issue, st, waiver)
