# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the error-log tally: event counts per class and component against thresholds.

The data comes from ``parsers/linux_errlog.parse_sources`` (saved output) or from the
collector (plugins/modules/weibao_inspect_errlog.py, streaming the host's logs); both are
made by ``parsers/errlog_tally`` (see :func:`errlog_tally.to_data`):

    {"since": ISO or "", "coverage_start": ISO or "",
     "sources": [{name, kind, status, notes, cause, lines, truncated, first_time, ...}],
     "buckets": [{class, component, kinds, critical, info, first, last, samples,
                  last_sample, undatable}]}

:func:`evaluate` gives one finding per (class, component) with events, one ``ok`` per class
without events, and ``errlog.sources``. A bucket's event count is the largest of its
per-kind counts (one incident logged by several kinds of message counts once). Some events
are critical whatever the count (a bucket's ``critical`` kinds). When no source could be
read every class is ``unknown``; so is a class without events (or below its warning
threshold) when a source stopped at the line cap (the lines not read are the newest) or
when some of its event lines had an unreadable time. Every text is a message of the
catalogue (``catalogue/errlog.py``).
"""

from __future__ import annotations

from datetime import timedelta

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers.errlog_classes import (
    CLASSES,
    UNCLASSIFIED,
)
from ansible.module_utils.weibao_inspection.parsers.errlog_lines import (
    ParseError,
    parse_iso_timestamp,
)

AREA = "errlog"
# The event classes, then the lines no class matched that carry a fault keyword.
JUDGED = CLASSES + (UNCLASSIFIED,)
CHECK_IDS = {cls: "errlog." + cls for cls in JUDGED}
SOURCES_CHECK_ID = "errlog.sources"

# A coverage gap larger than this between `since` and the oldest log line read is reported.
COVERAGE_SLACK = timedelta(days=1)


def _time(text):
    if not text:
        return None
    try:
        return parse_iso_timestamp(text)
    except ParseError:
        return None


def _largest(counts):
    return max(counts.values()) if counts else 0


def _count_status(count, levels):
    warning, critical = levels.get("warning"), levels.get("critical")
    if critical is not None and count >= critical:
        return "critical"
    if warning is not None and count >= warning:
        return "warning"
    return "ok"


def _kinds_text(counts):
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))


def _en(message):
    return render(message, "en")


# --- sources --------------------------------------------------------------------------------

def describe_source(source):
    """A source as a message: what was read, or why it was not."""
    notes = source.get("notes") or []
    notes_msg = msg("errlog.source.notes", notes=notes) if notes else ""
    if source["status"] != "read":
        return msg("errlog.source.not_read", name=source["name"],
                   status=msg("errlog.source.status." + source["status"]), notes=notes_msg)
    return msg(
        "errlog.source.read", name=source["name"], lines=source.get("lines", 0),
        events=source.get("events", 0),
        first=msg("errlog.source.first", time=source["first_time"])
        if source.get("first_time") else "",
        capped=msg("errlog.source.capped") if source.get("truncated") else "",
        undated=msg("errlog.source.undated", count=source["undated"])
        if source.get("undated") else "",
        undatable=msg("errlog.source.undatable", count=source["undatable"])
        if source.get("undatable") else "",
        notes=notes_msg)


def _cut(read):
    """Messages naming the read sources that stopped at the line cap (empty: none did)."""
    return [msg("errlog.cut.source", name=s["name"], lines=s.get("lines", 0))
            for s in read if s.get("truncated")]


def _not_read_cause(sources):
    for source in sources:
        if source.get("cause"):
            return source["cause"]
    return "source_unreadable"


def _untimed(read, since):
    """With a window, every read source carries no time at all: the window cannot be told."""
    return bool(since) and bool(read) and all(s.get("timeless") for s in read)


def sources_finding(sources, since, coverage_start):
    """errlog.sources: which logs were read; unknown when none (or when none carries a time
    and a window was given), warning on cap or gap."""
    read = [s for s in sources if s["status"] == "read"]
    described = [describe_source(s) for s in sources]
    evidence = [_en(d) for d in described]
    if _untimed(read, since):
        return unknown(SOURCES_CHECK_ID, msg("errlog.sources.untimed",
                                             names=[s["name"] for s in read], start=since),
                       evidence=evidence, cause="incomplete")
    if not read:
        if sources:
            reason = msg("errlog.sources.none_read", sources=described)
        else:
            reason = msg("errlog.sources.none_configured")
        return unknown(SOURCES_CHECK_ID, reason, evidence=evidence,
                       cause=_not_read_cause(sources))
    truncated = [s["name"] for s in read if s.get("truncated")]
    values = {
        "sources_read": len(read),
        "sources_failed": sum(1 for s in sources if s["status"] == "failed"),
        "lines_read": sum(s.get("lines", 0) for s in read),
        "since": since or "",
        "coverage_start": coverage_start or "",
        "truncated": bool(truncated),
    }
    problems, recommendations = [], []
    if truncated:
        problems.append(msg("errlog.sources.cap_hit", names=truncated))
        recommendations.append(msg("errlog.sources.rec_cap"))
    start, begin = _time(since), _time(coverage_start)
    if start is not None and begin is not None and begin - start > COVERAGE_SLACK:
        problems.append(msg("errlog.sources.gap", begin=coverage_start, start=since))
        recommendations.append(msg("errlog.sources.rec_gap"))
    summary = msg("errlog.sources.read", count=len(read), names=[s["name"] for s in read],
                  problems=msg("errlog.sources.problems", problems=problems)
                  if problems else "")
    recommendation = ""
    if len(recommendations) == 1:
        recommendation = recommendations[0]
    elif recommendations:
        recommendation = msg("errlog.rec.both", first=recommendations[0],
                             second=recommendations[1])
    return make_finding(SOURCES_CHECK_ID, "warning" if problems else "ok", summary,
                        evidence=evidence, recommendation=recommendation, values=values)


# --- classes --------------------------------------------------------------------------------

def _window_start(since, coverage_start):
    start = since
    if coverage_start and (not since or _time(coverage_start) > _time(since)):
        start = coverage_start
    if start:
        return msg("errlog.window.time", time=start)
    return msg("errlog.window.logs_start")


def bucket_finding(bucket, levels, start, cut, untimed=False):
    """One finding for a (class, component) that had events or undatable event lines.

    Judged by its event count. When that gives ``ok`` but some of its lines had an
    unreadable time (``undatable``) or the logs were cut at the line cap (``cut``, messages
    naming the sources), the finding is ``unknown``: more events may lie where it could not
    look. ``start``: the window's start, as a message.
    """
    cls = bucket["class"]
    component = bucket["component"]
    count = _largest(bucket.get("kinds", {}))
    critical_count = _largest(bucket.get("critical", {}))
    undatable = bucket.get("undatable", 0)
    status = "critical" if critical_count else _count_status(count, levels)
    cut_unknown = status == "ok" and bool(cut)
    cut_part = ""
    if cut:
        cut_part = msg("errlog.extra.cut_unknown", cut=cut) if cut_unknown \
            else msg("errlog.extra.cut")
    if count:
        when = ""
        if bucket.get("first") and bucket["first"] == bucket.get("last"):
            when = msg("errlog.when.at", time=bucket["first"])
        elif bucket.get("first"):
            when = msg("errlog.when.between", first=bucket["first"], last=bucket["last"])
        summary = msg(
            f"errlog.{cls}.events", count=count, component=component, when=when,
            critical=msg("errlog.extra.critical", count=critical_count)
            if critical_count else "",
            below=msg("errlog.extra.below") if status == "ok" else "",
            undatable=msg("errlog.extra.undatable", count=undatable) if undatable else "",
            cut=cut_part)
    else:
        summary = msg(f"errlog.{cls}.lines", count=undatable, component=component,
                      start=start, cut=cut_part)
    recommendation = msg(f"errlog.{cls}.recommendation", component=component)
    cause = None
    if status == "ok" and (undatable or cut):
        status = "unknown"
        parts = []
        if undatable:
            parts.append(msg("errlog.rec.untimed_then" if untimed else "errlog.rec.undatable",
                             then=recommendation))
        if cut:
            parts.append(msg("errlog.rec.cut"))
        recommendation = parts[0] if len(parts) == 1 else \
            msg("errlog.rec.both", first=parts[0], second=parts[1])
        cause = "incomplete" if cut or untimed else "not_understood"
    evidence = list(bucket.get("samples", []))
    if bucket.get("last_sample") is not None:
        evidence.append(_en(msg("errlog.evidence.last", line=bucket["last_sample"])))
    evidence.append(_en(msg("errlog.evidence.kinds", kinds=_kinds_text(bucket["kinds"]))))
    if bucket.get("info"):
        evidence.append(_en(msg("errlog.evidence.related", kinds=_kinds_text(bucket["info"]))))
    values = {
        "events": count,
        "critical_events": critical_count,
        "related_messages": _largest(bucket.get("info", {})),
        "undatable_lines": undatable,
        "log_fully_read": not cut,
        "first_seen": bucket.get("first", ""),
        "last_seen": bucket.get("last", ""),
    }
    for kind, value in sorted(bucket.get("kinds", {}).items()):
        values["kind_" + kind] = value
    if status == "ok":
        recommendation = ""
    return make_finding(CHECK_IDS[cls], status, summary, component=component,
                        evidence=evidence, recommendation=recommendation, values=values,
                        thresholds=levels, cause=cause)


def _class_findings(cls, buckets, levels, read, since, start, cut):
    label = msg(f"errlog.{cls}.label")
    untimed = _untimed(read, since)
    mine = sorted(
        (b for b in buckets if b["class"] == cls
         and (b.get("kinds") or b.get("undatable"))),
        key=lambda b: (-_largest(b.get("critical", {})), -_largest(b.get("kinds", {})),
                       -b.get("undatable", 0), b["component"]))
    if mine:
        return [bucket_finding(b, levels, start, cut, untimed) for b in mine]
    related = sum(_largest(b.get("info", {})) for b in buckets if b["class"] == cls)
    values = {"events": 0, "since": since or "", "related_messages": related,
              "log_fully_read": not cut}
    evidence = [_en(msg("errlog.evidence.sources", names=[s["name"] for s in read]))]
    if untimed:
        # No line carries a time: how far back the log reaches is not known either.
        return [make_finding(CHECK_IDS[cls], "unknown",
                             msg("errlog.none_untimed", names=[s["name"] for s in read],
                                 label=label, start=start),
                             evidence=evidence, recommendation=msg("errlog.rec.untimed"),
                             values=values, thresholds=levels, cause="incomplete")]
    if cut:
        # The lines after the cap are the newest: nothing can be said about them.
        evidence.append(_en(msg("errlog.evidence.cut")))
        return [make_finding(CHECK_IDS[cls], "unknown",
                             msg("errlog.none_cut", cut=cut, label=label, start=start),
                             evidence=evidence, recommendation=msg("errlog.rec.cut"),
                             values=values, thresholds=levels, cause="incomplete")]
    return [make_finding(CHECK_IDS[cls], "ok", msg(f"errlog.{cls}.none", start=start),
                         evidence=evidence, values=values, thresholds=levels)]


def evaluate(data, thresholds=None, context=None):
    """All errlog findings: per-(class, component) events, per-class ok, errlog.sources.

    ``thresholds``: merged by ``catalogue.merge_thresholds("errlog", ...)`` (None: the
    defaults). ``context`` is not needed: the window the lines were read for is the data's
    ``since`` (empty: the whole log).

    A class is ``ok`` only when every source was read to its end and it had no event (or
    only events below its warning threshold) and no event line with an unreadable time;
    otherwise it is judged on its events or, with none to judge, ``unknown``.
    """
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    since = data.get("since") or ""
    coverage_start = data.get("coverage_start") or ""
    sources = data.get("sources") or []
    buckets = data.get("buckets") or []
    findings = [sources_finding(sources, since, coverage_start)]
    read = [s for s in sources if s["status"] == "read"]
    if not read:
        if sources:
            reason = msg("errlog.reason.none_read",
                         sources=[describe_source(s) for s in sources])
        else:
            reason = msg("errlog.reason.none_configured")
        evidence = [_en(describe_source(s)) for s in sources]
        cause = _not_read_cause(sources)
        for cls in JUDGED:
            findings.append(unknown(CHECK_IDS[cls], msg("errlog.not_checked",
                                                        label=msg(f"errlog.{cls}.label"),
                                                        reason=reason),
                                    evidence=evidence, cause=cause))
        return findings
    cut = _cut(read)
    start = _window_start(since, coverage_start)
    for cls in JUDGED:
        findings.extend(_class_findings(cls, buckets, thresholds[cls], read, since, start,
                                        cut))
    return findings
