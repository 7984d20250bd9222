"""The monthly performance diagnosis and analysis report (月度系统运行性能诊断和性能分析报告):
``weibao report performance --site SITE --period YYYY-MM``.

Per host, over the month (in the site's time zone): CPU (busy = 100 - idle, the inspection's
own definition; I/O wait apart), memory, paging and swap, disk and network use as average,
peak with its time and 95th percentile; a line chart per host of CPU and memory (daily mean
and peak); file system growth and the days until full; the hosts without history and why
(sysstat not installed or not enabled, no nmon files...); and recommendations derived from
:data:`THRESHOLDS`, the one table of the rules (the report prints it too).

The data come from :func:`weibao.services.performance.performance_for_period` (the hourly
series each inspection read on the hosts, and the inspections' own samples). A host with no
history but inspection samples is judged on the samples (``basis: samples``).

Context (JSON-able; the JSON output is this dict)::

    kind, file_stem ("performance-<site>-<period>"), period, generated_at (ISO UTC)
    site        {name, client, provider, contract, timezone, ...}
    bounds      {from, to (ISO UTC), in_progress (bool), until (ISO UTC: now, when in
                 progress, else None)}
    thresholds  THRESHOLDS as dicts {rule, metric, stat, op, value, unit}
    hosts       [{name, stored (false: inspected this month, but no performance data was
                  stored for it), sources [sysstat | nmon | none], basis (history | samples |
                  none),
                  samples (count of inspection samples), notes [{key, params, text {en,
                  zh-CN}}],
                  metrics {metric: {unit, count, avg, peak {value, at} | None, p95} | None}
                          for METRICS,
                  disks [{device, util {...}, await {...}}], nics [{device, unit, rx, tx}],
                  daily {days [YYYY-MM-DD], cpu_avg, cpu_peak, memory_avg [number | None]},
                  filesystems [{mount, status (growing | not_growing | unknown), reason,
                                gib_per_day, days_until_full, used_pct, size_bytes,
                                used_bytes, samples, first_at, last_at}]}]
    recommendations [{rule, host, device, value, threshold, unit, stat}] in THRESHOLDS order
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from weibao.errors import N_, ConfigError
from weibao.report.kind import ReportKind, ReportRequest

# the host metrics the report shows (weibao_inspection.performance UNITS), cpu_busy derived
METRICS = ("cpu_busy", "cpu_iowait", "memory_used", "swap_used", "paging_in", "paging_out",
           "major_faults", "load1")
SAMPLE_METRICS = ("cpu_busy", "cpu_iowait", "memory_used", "swap_used", "load1")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PLATFORMS = ("linux", "aix")  # the platforms whose collectors read a performance history


@dataclass(frozen=True)
class Threshold:
    """A rule: ``stat`` of ``metric`` ``op`` ``value`` makes a recommendation ``rule``."""

    rule: str
    metric: str  # a host metric, disk_util / disk_await per disk, days_until_full per mount
    stat: str  # p95 | peak | value
    op: str  # ">" | "<="
    value: float
    unit: str


# The one table of the report's rules (printed in the report, section "How the
# recommendations are made"). Common capacity-planning practice; the contract gives none.
THRESHOLDS = (
    # CPU busy 95 % of the hours above 80 %: no headroom for peaks -> capacity
    Threshold("cpu_capacity", "cpu_busy", "p95", ">", 80.0, "%"),
    # I/O wait above 20 % in the busy hours: the CPUs wait for storage
    Threshold("cpu_iowait", "cpu_iowait", "p95", ">", 20.0, "%"),
    # memory used above 90 % in the busy hours -> memory
    Threshold("memory_capacity", "memory_used", "p95", ">", 90.0, "%"),
    # swap (paging space) more than 20 % used at its peak: the memory is short -> memory
    Threshold("swap_memory", "swap_used", "peak", ">", 20.0, "%"),
    # a disk busy above 70 % of the time in the busy hours -> spread the I/O, faster storage
    Threshold("disk_busy", "disk_util", "p95", ">", 70.0, "%"),
    # a disk's average wait above 20 ms in the busy hours -> storage latency
    Threshold("disk_latency", "disk_await", "p95", ">", 20.0, "ms"),
    # a file system full within 90 days at its growth -> plan space now
    Threshold("fs_full", "days_until_full", "value", "<=", 90.0, "days"),
)

# chart words: the same msgids as report_templates/performance/partials/labels.j2
# (chart_series_label), translated with the report catalog
CHART_SERIES = {"cpu_avg": "CPU busy, daily mean", "cpu_peak": "CPU busy, daily peak",
                "memory_avg": "Memory used, daily mean"}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _stats(cell: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cell or not cell.get("count"):
        return None
    return {"unit": cell.get("unit", ""), "count": cell["count"], "avg": cell["avg"],
            "peak": cell["peak"], "p95": cell["p95"]}


def _note(message: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    from weibao.texts import MessageError, render

    text = {}
    for lang in ("en", "zh-CN"):
        try:
            text[lang] = render(dict(message), lang, timezone)
        except MessageError:
            text[lang] = str(message.get("key"))
    return {"key": message.get("key"), "params": dict(message.get("params") or {}),
            "text": text}


def _cpu_busy(metrics: Mapping[str, Any]) -> list[list[Any]]:
    """Hourly CPU busy = 100 - idle (what the inspection's own sample calls cpu_busy)."""
    idle = (metrics.get("cpu_idle") or {}).get("")
    if idle:
        return [[t, round(100.0 - v, 2)] for t, v in idle["points"]]
    parts = [(metrics.get(m) or {}).get("") for m in ("cpu_user", "cpu_system", "cpu_iowait")]
    if not all(parts):
        return []
    by_hour: dict[str, float] = {}
    counts: dict[str, int] = {}
    for part in parts:
        for t, v in part["points"]:
            by_hour[t] = by_hour.get(t, 0.0) + v
            counts[t] = counts.get(t, 0) + 1
    return [[t, round(v, 2)] for t, v in sorted(by_hour.items()) if counts[t] == len(parts)]


def _daily(points: list[list[Any]], days: list[str], zone: ZoneInfo) -> tuple[list, list]:
    """Daily (site time) mean and max of hourly points, None for a day without points."""
    buckets: dict[str, list[float]] = {}
    for t, v in points:
        buckets.setdefault(_parse(t).astimezone(zone).strftime("%Y-%m-%d"), []).append(v)
    means = [round(sum(buckets[d]) / len(buckets[d]), 2) if d in buckets else None
             for d in days]
    peaks = [max(buckets[d]) if d in buckets else None for d in days]
    return means, peaks


def _host(name: str, raw: Mapping[str, Any], days: list[str], zone: ZoneInfo,
          timezone: str) -> dict[str, Any]:
    from weibao.services.performance import stats

    metrics_raw = raw.get("metrics") or {}
    cpu_points = _cpu_busy(metrics_raw)
    metrics: dict[str, Any] = {}
    for metric in METRICS:
        if metric == "cpu_busy":
            metrics[metric] = _stats({"unit": "%", **stats(cpu_points)}) if cpu_points \
                else None
        else:
            metrics[metric] = _stats((metrics_raw.get(metric) or {}).get(""))
    basis = "history" if raw.get("history") else "none"
    samples = raw.get("samples") or []
    if basis == "none" and samples:
        basis = "samples"
        for metric in SAMPLE_METRICS:
            points = [[s["at"], s[metric]] for s in samples
                      if isinstance(s.get(metric), int | float)]
            if points:
                unit = "" if metric == "load1" else "%"
                metrics[metric] = _stats({"unit": unit, **stats(points)})
        cpu_points = [[s["at"], s["cpu_busy"]] for s in samples
                      if isinstance(s.get("cpu_busy"), int | float)]
    memory_cell = (metrics_raw.get("memory_used") or {}).get("")
    memory_points = memory_cell["points"] if memory_cell else \
        [[s["at"], s["memory_used"]] for s in samples
         if isinstance(s.get("memory_used"), int | float)]
    cpu_avg, cpu_peak = _daily(cpu_points, days, zone)
    memory_avg, _peak = _daily(memory_points, days, zone)
    disks = [{"device": device, "util": _stats(cell),
              "await": _stats((metrics_raw.get("disk_await") or {}).get(device))}
             for device, cell in sorted((metrics_raw.get("disk_util") or {}).items())]
    nics = [{"device": device, "unit": cell.get("unit", ""), "rx": _stats(cell),
             "tx": _stats((metrics_raw.get("net_tx") or {}).get(device))}
            for device, cell in sorted((metrics_raw.get("net_rx") or {}).items())]
    filesystems = [{"mount": mount, "status": fs.get("status"), "reason": fs.get("reason"),
                    **{k: fs.get(k) for k in ("gib_per_day", "days_until_full", "used_pct",
                                              "size_bytes", "used_bytes", "samples",
                                              "first_at", "last_at")}}
                   for mount, fs in sorted((raw.get("filesystems") or {}).items())]
    return {
        "name": name, "sources": list(raw.get("sources") or []), "basis": basis,
        "samples": len(samples), "notes": [_note(n, timezone) for n in raw.get("notes") or []],
        "metrics": metrics, "disks": disks, "nics": nics,
        "daily": {"days": days, "cpu_avg": cpu_avg, "cpu_peak": cpu_peak,
                  "memory_avg": memory_avg},
        "filesystems": filesystems,
    }


def _breaks(rule: Threshold, figure: float | None) -> bool:
    if figure is None:
        return False
    return figure > rule.value if rule.op == ">" else figure <= rule.value


def recommendations(hosts: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every rule of :data:`THRESHOLDS` each host breaks, in the table's order, then by host
    and device."""
    out = []
    for rule in THRESHOLDS:
        for host in hosts:
            found: list[tuple[str, float]] = []
            if rule.metric in METRICS:
                cell = host["metrics"].get(rule.metric)
                if cell:
                    figure = cell["peak"]["value"] if rule.stat == "peak" else cell[rule.stat]
                    found.append(("", figure))
            elif rule.metric in ("disk_util", "disk_await"):
                key = "util" if rule.metric == "disk_util" else "await"
                found += [(d["device"], d[key][rule.stat]) for d in host["disks"] if d[key]]
            elif rule.metric == "days_until_full":
                found += [(fs["mount"], fs["days_until_full"]) for fs in host["filesystems"]
                          if fs["status"] == "growing"]
            for device, figure in found:
                if _breaks(rule, figure):
                    out.append({"rule": rule.rule, "host": host["name"], "device": device,
                                "value": figure, "threshold": rule.value, "unit": rule.unit,
                                "stat": rule.stat})
    return out


def _inspected_hosts(store: Any, site: str, period: str) -> list[str]:
    """The Linux and AIX hosts the month's inspections reached (their collectors read the
    performance history): one without any performance row is reported as such."""
    from sqlalchemy import select

    from weibao.store import Run, RunHost

    with store.session() as s:
        return sorted(set(s.scalars(
            select(RunHost.name).join(Run, Run.id == RunHost.run_id)
            .where(Run.site == site, Run.kind == "inspection", Run.period == period,
                   RunHost.status == "inspected", RunHost.platform.in_(PLATFORMS)))))


def build_context(store: Any, request: ReportRequest) -> dict[str, Any]:
    from weibao.report.kinds._site import load_site
    from weibao.services.performance import performance_for_period

    site, period = request.site, request.period
    if not site:
        raise ConfigError(N_("--site: missing (the performance report is about one site)"))
    if not period or not MONTH_RE.match(period):
        raise ConfigError(N_("--period %(value)r: expected YYYY-MM"), value=period or "")
    settings = load_site(site, request.inventory, store,
                         request.people)
    timezone = settings.timezone
    zone = ZoneInfo(timezone)
    year, month = (int(x) for x in period.split("-"))
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    days = []
    day = start
    while day < end:
        days.append(day.strftime("%Y-%m-%d"))
        day = (day + timedelta(days=1, hours=2)).replace(hour=0)
    data = dict(performance_for_period(store, site, period).get("hosts") or {})
    missing = sorted(set(_inspected_hosts(store, site, period)) - set(data))
    hosts = [{**_host(name, raw, days, zone, timezone), "stored": True}
             for name, raw in sorted(data.items())]
    hosts += [{**_host(name, {}, days, zone, timezone), "stored": False} for name in missing]
    hosts.sort(key=lambda h: h["name"])
    in_progress = start <= request.now < end
    return {
        "kind": "performance",
        "file_stem": f"performance-{site}-{period}",
        "period": period,
        "generated_at": _iso(request.now),
        "site": settings.site,
        "bounds": {"from": _iso(start), "to": _iso(end), "in_progress": in_progress,
                   "until": _iso(request.now) if in_progress else None},
        "thresholds": [asdict(t) for t in THRESHOLDS],
        "hosts": hosts,
        "recommendations": recommendations(hosts),
    }


def _chart(host: Mapping[str, Any], lang: str):
    from weibao.content import content_root
    from weibao.i18n import REPORT_DOMAIN, translations
    from weibao.report.formats.charts import line_chart

    daily = host["daily"]
    if not any(v is not None for key in CHART_SERIES for v in daily[key]):
        return None
    tr = translations(content_root() / "report_templates" / "locale", lang, REPORT_DOMAIN)
    labels = [d[-2:] for d in daily["days"]]
    series = {tr.gettext(text): daily[key] for key, text in CHART_SERIES.items()}
    return line_chart(labels, series, ylabel="%").figure()


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    """Hosts by name with their charts (both languages: {host: {lang: Markup}}), the hosts
    without history, the recommendations by host."""
    hosts = sorted(context["hosts"], key=lambda h: h["name"])
    charts = {}
    for host in hosts:
        figures = {lang: _chart(host, lang) for lang in ("en", "zh-CN")}
        if figures["en"] is not None:
            charts[host["name"]] = figures
    by_host: dict[str, list[Mapping[str, Any]]] = {}
    for rec in context["recommendations"]:
        by_host.setdefault(rec["host"], []).append(rec)
    return {
        "hosts": hosts,
        "with_data": [h for h in hosts if h["basis"] != "none"],
        "without_history": [h for h in hosts if h["basis"] != "history"],
        "charts": charts,
        "recommendations": list(context["recommendations"]),
        "recommendations_by_host": by_host,
        "filesystems": [{"host": h["name"], **fs} for h in hosts for fs in h["filesystems"]],
    }


def file_stem(context: Mapping[str, Any]) -> str:
    return context["file_stem"]


KIND = ReportKind(
    name="performance",
    title={"en": "Monthly Performance Diagnosis and Analysis Report",
           "zh-CN": "月度系统运行性能诊断和性能分析报告"},
    subject="period",
    period="month",
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
