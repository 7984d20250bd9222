"""The data of the monthly performance analysis (性能诊断分析): the history the inspection
collectors read on the hosts (sysstat on Linux, nmon on AIX, as hourly series; see
plugins/module_utils/weibao_inspection/performance.py) and each inspection's own sample.

- :func:`store_performance`: a collector's ``performance`` dict -> ``perf_collections`` and
  ``perf_series`` rows (weibao.store.performance), called by the inspection streamer for
  each host; what is malformed is dropped with a note, it never fails the run.
- :func:`performance_for_period`: per host and metric of a site's month, the points of
  every run merged (one per hour, the latest run's value when two runs read the same
  hour), average, peak with its time, p95; file system growth per mount fitted on the
  inspections' own samples; notes saying why a host has no (or less) history.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, or_, select

from weibao.store import Run, Store
from weibao.store.performance import PerfCollection, PerfSeries

SOURCES = ("sysstat", "nmon", "none")
MAX_SERIES = 256  # per host and run: 14 host metrics + 16 disks x 2 + 8 NICs x 2 fit easily
MAX_POINTS = 31 * 24 + 24  # the collector's bound, with a day of slack for time zones
MAX_NOTES = 20
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
HOUR_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")
# how far back the file system growth looks for the inspections' own samples
GROWTH_DAYS = 184
GIB = 1024 ** 3


def _time(value: Any) -> dt.datetime | None:
    """An ISO-8601 time (UTC when it has no offset) or None when it is not one."""
    if not isinstance(value, str) or not HOUR_RE.match(value.strip()):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _dropped(what: str) -> dict[str, Any]:
    """A note (a catalogue message, both languages) on what the runner could not take."""
    return {"key": "system.perf.malformed", "params": {"what": what[:200]}}


def _message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("key"), str) \
        and isinstance(value.get("params", {}), dict)


def _series_rows(run_id: int, host: str, source: str, raw: Any,
                 notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``perf_series`` rows of a collector's ``series`` (dicts of their columns)."""
    rows: list[dict[str, Any]] = []
    items = raw if isinstance(raw, list) else []
    if not isinstance(raw, list) and raw is not None:
        notes.append(_dropped("series: not a list"))
    bad_series = bad_points = 0
    for item in items[:MAX_SERIES]:
        if not isinstance(item, dict) or not isinstance(item.get("metric"), str) \
                or not NAME_RE.match(item["metric"]) \
                or not isinstance(item.get("device", ""), str) \
                or len(item.get("device", "")) > 128 \
                or not isinstance(item.get("points"), list):
            bad_series += 1
            continue
        points: dict[str, float] = {}
        for point in item["points"][-MAX_POINTS:]:
            when = _time(point[0]) if isinstance(point, list | tuple) and len(point) == 2 \
                else None
            value = _number(point[1]) if when is not None else None
            if value is None:
                bad_points += 1
                continue
            points[_iso(when)] = round(value, 4)
        if not points:
            bad_series += 1
            continue
        ordered = sorted(points.items())
        rows.append(dict(
            run_id=run_id, host=host, source=source, metric=item["metric"],
            device=item.get("device", ""), unit=str(item.get("unit") or "")[:16],
            first_at=_time(ordered[0][0]), last_at=_time(ordered[-1][0]),
            points=[[t, v] for t, v in ordered]))
    if len(items) > MAX_SERIES:
        notes.append(_dropped(f"series: {len(items) - MAX_SERIES} beyond {MAX_SERIES}"))
    if bad_series:
        notes.append(_dropped(f"series: {bad_series} malformed"))
    if bad_points:
        notes.append(_dropped(f"points: {bad_points} malformed"))
    return rows


def _sample(raw: Any, notes: list[dict[str, Any]]) -> tuple[dict[str, Any], dt.datetime | None]:
    if raw in (None, {}):
        return {}, None
    if not isinstance(raw, dict):
        notes.append(_dropped("sample: not a dict"))
        return {}, None
    sample: dict[str, Any] = {}
    at = _time(raw.get("at"))
    for key, value in raw.items():
        if key in ("at", "filesystems"):
            continue
        number = _number(value)
        if isinstance(key, str) and NAME_RE.match(key) and number is not None:
            sample[key] = number
    filesystems: dict[str, Any] = {}
    fs_raw = raw.get("filesystems")
    for mount, values in (fs_raw.items() if isinstance(fs_raw, dict) else ()):
        if not isinstance(mount, str) or not isinstance(values, dict):
            continue
        kept = {k: _number(values.get(k)) for k in ("used_pct", "size_bytes", "used_bytes",
                                                      "avail_bytes")}
        if kept["size_bytes"] is not None and kept["used_bytes"] is not None:
            filesystems[mount[:1024]] = kept
    if fs_raw is not None and not isinstance(fs_raw, dict):
        notes.append(_dropped("sample.filesystems: not a dict"))
    sample["filesystems"] = filesystems
    if at is not None:
        sample["at"] = _iso(at)
    elif raw.get("at") is not None:
        notes.append(_dropped("sample.at: not an ISO time"))
    return sample, at


# a host's collection of a run, built once (building it costs more than running it)
_COLLECTION_OF = select(PerfCollection.__table__).where(
    PerfCollection.__table__.c.run_id == bindparam("b_run"),
    PerfCollection.__table__.c.host == bindparam("b_host"))


def store_performance(store: Store, run_id: int, host: str, raw: Any) -> list[dict[str, Any]]:
    """A collector's ``performance`` dict for ``host`` in run ``run_id`` -> the store. What
    is malformed is dropped and said in the collection's notes (returned too); a second
    dict for the same host and run (two collectors) adds its series and notes."""
    notes: list[dict[str, Any]] = []
    if not isinstance(raw, dict):
        raw = {}
        notes.append(_dropped("performance: not a dict"))
    source = raw.get("source") if raw.get("source") in SOURCES else "none"
    if raw.get("source") not in SOURCES and raw:
        notes.append(_dropped(f"source: {str(raw.get('source'))[:40]!r}"))
    raw_notes = raw.get("notes") if isinstance(raw.get("notes"), list) else []
    notes.extend(n for n in raw_notes if _message(n))
    if len(raw_notes) != sum(1 for n in raw_notes if _message(n)) or \
            not isinstance(raw.get("notes", []), list):
        notes.append(_dropped("notes: not catalogue messages"))
    period = raw.get("period") if isinstance(raw.get("period"), dict) else {}
    period_from, period_to = _time(period.get("from")), _time(period.get("to"))
    sample, sample_at = _sample(raw.get("sample"), notes)
    series = _series_rows(run_id, host, source, raw.get("series"), notes)
    files = [f for f in raw.get("files") or [] if isinstance(f, dict)][:64] \
        if isinstance(raw.get("files"), list) else []
    detail = {k: raw[k] for k in ("sysstat_version", "dropped") if k in raw}
    notes = notes[:MAX_NOTES]
    # Core statements (a host's collection is one row, written once or twice a run): the
    # ORM's load, unit of work and flush cost more than the rows
    collections, series_t = PerfCollection.__table__, PerfSeries.__table__
    with store.session() as s:
        connection = s.connection()
        row = connection.execute(_COLLECTION_OF, {"b_run": run_id, "b_host": host}
                                 ).mappings().first()
        if row is None:
            connection.execute(collections.insert(), {
                "run_id": run_id, "host": host, "source": source, "period_from": period_from,
                "period_to": period_to, "sample_at": sample_at, "sample": sample,
                "notes": notes, "files": files, "detail": detail})
        else:
            changes = {"period_from": row["period_from"] or period_from,
                       "period_to": row["period_to"] or period_to,
                       "notes": list(row["notes"] or []) + notes,
                       "files": list(row["files"] or []) + files}
            if row["source"] == "none":
                changes["source"] = source
            if sample and not row["sample"]:
                changes.update(sample=sample, sample_at=sample_at)
            connection.execute(collections.update().where(collections.c.id == row["id"])
                               .values(changes))
        if series:
            connection.execute(series_t.insert(), series)
    return notes


# --------------------------------------------------------------------------- the query


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def month_bounds(period: str, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """``YYYY-MM`` -> [start, end) in the zone, as UTC."""
    year, month = (int(x) for x in period.split("-"))
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks (the
    definition of numpy's default and of spreadsheets' PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def stats(points: list[list[Any]]) -> dict[str, Any]:
    """avg, peak (value and time: the first hour it was reached), p95 and count."""
    values = [p[1] for p in points]
    if not values:
        return {"count": 0, "avg": None, "peak": None, "p95": None}
    peak = max(points, key=lambda p: (p[1], [-ord(c) for c in p[0]]))
    return {"count": len(values), "avg": round(sum(values) / len(values), 2),
            "peak": {"value": peak[1], "at": peak[0]},
            "p95": round(percentile(values, 95), 2)}


def growth(samples: list[tuple[dt.datetime, dict[str, Any]]]) -> dict[str, Any]:
    """A file system's growth from its samples [(time, {"used_bytes", "size_bytes",
    "avail_bytes"})]: least-squares slope of the used bytes over days.

    ``status``: ``growing`` (``gib_per_day`` > 0, ``days_until_full`` = free / slope, free
    being the last sample's available bytes, else size - used), ``not_growing`` (slope <= 0:
    ``days_until_full`` None) or ``unknown`` with ``reason`` (``one_sample``, ``same_time``).
    """
    by_time: dict[dt.datetime, dict[str, Any]] = {}
    for when, values in samples:
        by_time[when] = values
    ordered = sorted(by_time.items())
    out: dict[str, Any] = {"samples": len(ordered),
                           "first_at": _iso(ordered[0][0]) if ordered else None,
                           "last_at": _iso(ordered[-1][0]) if ordered else None,
                           "gib_per_day": None, "days_until_full": None}
    if ordered:
        last = ordered[-1][1]
        out.update(used_bytes=last["used_bytes"], size_bytes=last["size_bytes"],
                   used_pct=last.get("used_pct"))
    if len(ordered) < 2:
        return dict(out, status="unknown", reason="one_sample" if ordered else "no_sample")
    t0 = ordered[0][0]
    xs = [(when - t0).total_seconds() / 86400.0 for when, _v in ordered]
    ys = [float(v["used_bytes"]) for _w, v in ordered]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return dict(out, status="unknown", reason="same_time")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    out["gib_per_day"] = round(slope / GIB, 4)
    if slope <= 0:
        return dict(out, status="not_growing")
    last = ordered[-1][1]
    free = last.get("avail_bytes")
    if free is None:
        free = last["size_bytes"] - last["used_bytes"]
    out["days_until_full"] = round(max(0.0, free) / slope, 1)
    return dict(out, status="growing")


def _note_key(note: dict[str, Any]) -> str:
    import json

    return json.dumps(note, sort_keys=True, default=str)


def performance_for_period(store: Store, site: str, period: str,
                           growth_days: int = GROWTH_DAYS) -> dict[str, Any]:
    """The monthly performance analysis' data of ``site`` for ``period`` (YYYY-MM)::

        {"site", "period", "timezone", "from", "to",
         "hosts": {host: {
            "sources": ["sysstat"], "history": bool, "notes": [message, ...],
            "metrics": {metric: {device: {"unit", "points": [[ISO hour, value]], "count",
                                          "avg", "peak": {"value", "at"}, "p95"}}},
            "samples": [{"at", "run_id", "cpu_busy", ...}],      # the month's inspections
            "filesystems": {mount: growth(...)}}}}

    Times are UTC ISO strings; the report shows them in ``timezone`` (the site's). A host
    appears when an inspection of the site stored performance data for it that touches the
    month (series overlapping it, or a collection of a run of the period).
    """
    with store.session() as s:
        latest_run = s.scalars(select(Run).where(Run.site == site, Run.kind == "inspection")
                               .order_by(Run.started_at.desc(), Run.id.desc())).first()
        tz_name = str(((latest_run.site_meta or {}) if latest_run else {}).get("timezone")
                      or "UTC")
        start, end = month_bounds(period, _zone(tz_name))
        hosts: dict[str, dict[str, Any]] = {}

        def host_entry(name: str) -> dict[str, Any]:
            return hosts.setdefault(name, {"sources": [], "history": False, "notes": [],
                                           "metrics": {}, "samples": [], "filesystems": {}})

        # the series overlapping the month; the latest run's value wins an hour
        merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        rows = s.execute(
            select(PerfSeries, Run.started_at).join(Run, Run.id == PerfSeries.run_id)
            .where(Run.site == site, Run.kind == "inspection", PerfSeries.first_at < end,
                   PerfSeries.last_at >= start)
            .order_by(Run.started_at, PerfSeries.run_id, PerfSeries.id))
        for row, _started in rows:
            cell = merged.setdefault((row.host, row.metric, row.device),
                                     {"unit": row.unit, "points": {}})
            cell["unit"] = row.unit or cell["unit"]
            for when, value in row.points:
                at = _time(when)
                if at is not None and start <= at < end:
                    cell["points"][_iso(at)] = value
            entry = host_entry(row.host)
            if row.source not in entry["sources"]:
                entry["sources"].append(row.source)
        for (host, metric, device), cell in sorted(merged.items()):
            points = [[t, v] for t, v in sorted(cell["points"].items())]
            if not points:
                continue
            hosts[host]["history"] = True
            hosts[host]["metrics"].setdefault(metric, {})[device] = {
                "unit": cell["unit"], "points": points, **stats(points)}

        # the collections: notes of the runs touching the month, samples for the growth
        lookback = end - dt.timedelta(days=growth_days)
        collections = s.execute(
            select(PerfCollection, Run.period, Run.started_at)
            .join(Run, Run.id == PerfCollection.run_id)
            .where(Run.site == site, Run.kind == "inspection",
                   or_(Run.period == period,
                       (PerfCollection.period_from < end) & (PerfCollection.period_to >= start),
                       (PerfCollection.sample_at >= lookback) & (PerfCollection.sample_at < end)))
            .order_by(Run.started_at, PerfCollection.run_id))
        fs_samples: dict[str, dict[str, list[tuple[dt.datetime, dict[str, Any]]]]] = {}
        for col, run_period, started in collections:
            at = col.sample_at or started
            touches = run_period == period or (
                col.period_from is not None and col.period_to is not None
                and col.period_from < end and col.period_to >= start) or start <= at < end
            if touches:
                entry = host_entry(col.host)
                seen = {_note_key(n) for n in entry["notes"]}
                for note in col.notes or []:
                    if _note_key(note) not in seen:
                        entry["notes"].append(note)
                        seen.add(_note_key(note))
            sample = col.sample or {}
            if start <= at < end and sample:
                host_entry(col.host)["samples"].append(
                    {"run_id": col.run_id, "at": _iso(at),
                     **{k: v for k, v in sample.items() if k not in ("at", "filesystems")}})
            if lookback <= at < end:
                for mount, values in (sample.get("filesystems") or {}).items():
                    fs_samples.setdefault(col.host, {}).setdefault(mount, []).append(
                        (at, values))
        for host, mounts in fs_samples.items():
            if host not in hosts:  # a host no longer inspected: not in this month's report
                continue
            entry = hosts[host]
            for mount, samples in sorted(mounts.items()):
                entry["filesystems"][mount] = growth(samples)
    for entry in hosts.values():
        entry["sources"].sort()
        entry["samples"].sort(key=lambda x: (x["at"], x["run_id"]))
    return {"site": site, "period": period, "timezone": tz_name, "from": _iso(start),
            "to": _iso(end), "growth_days": growth_days,
            "hosts": {h: hosts[h] for h in sorted(hosts)}}
