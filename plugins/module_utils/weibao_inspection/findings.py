# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The findings schema shared by every weibao check (see docs/findings.md).

A finding is a plain dict so that it crosses the module/JSON/runner boundary unchanged:

    check_id        stable dotted id, ``<area>.<check>`` e.g. ``system.filesystem_usage``
    host            inventory hostname (filled in by the runner when a module leaves it empty)
    component       what was looked at, e.g. ``/var``, ``sda``, ``eth0``, ``cpu``
    status          ok | warning | critical | unknown
    summary         one line a person can read
    evidence        bounded excerpt (lines of output), never secrets
    recommendation  what to do about it ('' when status is ok)
    values          measured values, {name: number|string|bool|None}
    thresholds      the thresholds the values were judged against, {name: number|string}
    translations    the summary and recommendation in other languages, by language tag:
                    {"zh-CN": {"summary": ..., "recommendation": ...}}
    message         what the rule said, as messages (key + parameters, see messages.py):
                    {"summary": {...}, "recommendation": {...} | None}; reports render it
                    again in their own language and the site's time zone
    cause           for ``unknown`` only: why the check could not judge, one of
                    :data:`CAUSES` (coverage counts the check as not evaluated for it)

Rules never write prose: they pass messages (``msg(key, **params)``) whose English and
Chinese text live in the catalogue (``catalogue/<area>.py``); :func:`make_finding` renders
``summary`` and ``translations`` from them (times in UTC) so that every consumer of the
plain fields keeps working, and keeps the messages for rendering in the site's zone.

Python 2.7-compatible syntax is not required: targets run Python 3 (ansible-core 2.19
supports Python 3.8+ on targets).
"""

from __future__ import annotations

import re

from ansible.module_utils.weibao_inspection.messages import is_message, msg, render

STATUSES = ("ok", "warning", "critical", "unknown")
# For sorting worst first and rolling up a host's status: a warning is a known problem to act
# on; an unknown asks for a re-check; both rank below critical and above ok.
SEVERITY = {"critical": 3, "warning": 2, "unknown": 1, "ok": 0}

CHECK_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

MAX_EVIDENCE_LINES = 20
MAX_EVIDENCE_CHARS = 4000
MAX_SUMMARY_CHARS = 300

FIELDS = (
    "check_id",
    "host",
    "component",
    "status",
    "summary",
    "evidence",
    "recommendation",
    "values",
    "thresholds",
    "translations",
    "message",
    "cause",
)
OPTIONAL_FIELDS = ("translations", "message", "cause")
# Why a check was not evaluated (coverage). ``not_applicable`` comes from a module's
# ``not_applicable`` list, ``unreachable``/``collector_failed``/``no_result`` from the runner;
# the others are the causes of ``unknown`` findings.
CAUSES = (
    "not_applicable",      # the check does not apply to this host (no systemd, no swap tool)
    "no_permission",       # the source needs privileges the inspection did not have
    "tool_missing",        # the command that provides the source is not installed
    "source_unreadable",   # the file or command failed (I/O error, exit status, timeout)
    "not_understood",      # output the parser does not understand
    "stale",               # the source is too old or unverifiable to judge on
    "incomplete",          # the source does not cover what is needed (rotated, capped)
    "unreachable",         # the device could not be reached
    "collector_failed",    # the area's module failed on this host
    "no_result",           # the area ran but said nothing about this check
)
# Languages a finding's text may be translated into (the summary itself is English).
LANGUAGES = ("zh-CN",)
UNKNOWN_RECOMMENDATION = "Check why the inspection could not judge this item and re-run it."
UNKNOWN_RECOMMENDATION_ZH = "查明巡检无法判断此项的原因，排除后重新检查。"

# Substrings that must never reach evidence (secrets). Lines containing them are masked.
_SECRET_RE = re.compile(
    r"(?i)(password|passwd|secret|token|community|api[_-]?key)(\s*[=:]\s*|\s+)\S+"
)


class FindingError(ValueError):
    """A finding does not follow the schema."""


def bound_evidence(lines, max_lines=MAX_EVIDENCE_LINES, max_chars=MAX_EVIDENCE_CHARS):
    """Return a bounded list of evidence lines with secrets masked.

    Accepts a string (split into lines) or an iterable of strings. Long lines are cut,
    and a final marker says how many lines were left out.
    """
    if lines is None:
        return []
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = []
    total = 0
    dropped = 0
    for line in lines:
        line = _SECRET_RE.sub(lambda m: m.group(1) + m.group(2) + "********", str(line))
        line = line.rstrip("\n")
        if len(line) > 500:
            line = line[:497] + "..."
        if len(out) >= max_lines or total + len(line) > max_chars:
            dropped += 1
            continue
        out.append(line)
        total += len(line)
    if dropped:
        out.append(f"... ({dropped} more lines not shown)")
    return out


def make_finding(
    check_id,
    status,
    summary,
    component="",
    evidence=None,
    recommendation="",
    values=None,
    thresholds=None,
    host="",
    summary_zh="",
    recommendation_zh="",
    cause=None,
):
    """Build a valid finding; raise FindingError when the arguments break the schema.

    ``summary`` and ``recommendation`` are messages (``msg(key, **params)``): the finding
    gets the English and Chinese text from the catalogue and keeps the messages. Plain
    strings with ``summary_zh`` / ``recommendation_zh`` beside them are still accepted for
    findings made outside the catalogue (tests, older stored findings).
    """
    message = None
    if is_message(summary):
        if recommendation and not is_message(recommendation):
            raise FindingError(f"{check_id}: a message summary needs a message recommendation")
        message = {"summary": summary, "recommendation": recommendation or None}
        summary_zh = render(summary, "zh-CN")
        summary = render(summary, "en")
        if recommendation:
            recommendation_zh = render(recommendation, "zh-CN")
            recommendation = render(recommendation, "en")
    zh = {}
    if summary_zh:
        zh["summary"] = " ".join(str(summary_zh).split())[:MAX_SUMMARY_CHARS]
    if recommendation_zh:
        zh["recommendation"] = recommendation_zh
    finding = {
        "check_id": check_id,
        "host": host,
        "component": str(component),
        "status": status,
        "summary": " ".join(str(summary).split())[:MAX_SUMMARY_CHARS],
        "evidence": bound_evidence(evidence),
        "recommendation": recommendation or "",
        "values": dict(values or {}),
        "thresholds": dict(thresholds or {}),
        "translations": {"zh-CN": zh} if zh else {},
    }
    if message is not None:
        finding["message"] = message
    if cause is not None:
        finding["cause"] = cause
    validate_finding(finding)
    return finding


def unknown(check_id, reason, component="", evidence=None, host="", reason_zh="",
            cause=None, values=None):
    """A check that could not run or could not understand its input: never ``ok``.

    ``reason`` is a message saying why; ``cause`` one of :data:`CAUSES` (for coverage)."""
    if is_message(reason):
        return make_finding(check_id, "unknown", reason, component=component,
                            evidence=evidence, values=values,
                            recommendation=msg("common.unknown_recommendation"), host=host,
                            cause=cause)
    return make_finding(
        check_id,
        "unknown",
        reason,
        component=component,
        evidence=evidence,
        values=values,
        recommendation=UNKNOWN_RECOMMENDATION,
        host=host,
        summary_zh=reason_zh,
        recommendation_zh=UNKNOWN_RECOMMENDATION_ZH,
        cause=cause,
    )


def not_applicable(check_id, reason, component=""):
    """A check that does not apply to this host (no finding): modules return these in their
    ``not_applicable`` list, and coverage shows the check as not applicable, with why."""
    return {"check_id": check_id, "component": component, "reason": reason}


def judge(value, warning, critical, higher_is_worse=True):
    """Status of a number against a warning and a critical threshold (None disables one)."""
    if value is None:
        return "unknown"
    if higher_is_worse:
        if critical is not None and value >= critical:
            return "critical"
        if warning is not None and value >= warning:
            return "warning"
        return "ok"
    if critical is not None and value <= critical:
        return "critical"
    if warning is not None and value <= warning:
        return "warning"
    return "ok"


def worst(statuses):
    """Worst status of an iterable (``ok`` when empty)."""
    result = "ok"
    for status in statuses:
        if SEVERITY[status] > SEVERITY[result]:
            result = status
    return result


def _validate_translations(translations):
    if not isinstance(translations, dict):
        raise FindingError("finding.translations: expected a mapping of language to texts")
    for lang, texts in translations.items():
        if lang not in LANGUAGES:
            raise FindingError(
                "finding.translations: {!r} is not one of {}".format(lang, ", ".join(LANGUAGES)))
        if not isinstance(texts, dict):
            raise FindingError(f"finding.translations.{lang}: expected a mapping")
        extra = sorted(set(texts) - {"summary", "recommendation"})
        if extra:
            raise FindingError("finding.translations.{}: unknown field(s) {}".format(
                lang, ", ".join(extra)))
        for name, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise FindingError(f"finding.translations.{lang}.{name}: expected a non-empty "
                                   "string")
        summary = texts.get("summary", "")
        if "\n" in summary or len(summary) > MAX_SUMMARY_CHARS:
            raise FindingError(f"finding.translations.{lang}.summary: must be one line of at "
                               f"most {MAX_SUMMARY_CHARS} characters")


def _scalar(value):
    return value is None or isinstance(value, (bool, int, float, str))


def validate_finding(finding):
    """Raise FindingError naming the field when ``finding`` breaks the schema."""
    if not isinstance(finding, dict):
        raise FindingError(f"finding: expected a mapping, got {type(finding).__name__}")
    missing = [f for f in FIELDS if f not in finding and f not in OPTIONAL_FIELDS]
    if missing:
        raise FindingError("finding: missing field(s) {}".format(", ".join(missing)))
    extra = sorted(set(finding) - set(FIELDS))
    if extra:
        raise FindingError("finding: unknown field(s) {}".format(", ".join(extra)))
    check_id = finding["check_id"]
    if not isinstance(check_id, str) or not CHECK_ID_RE.match(check_id):
        raise FindingError(f"finding.check_id: {check_id!r} is not a dotted lower-case id")
    if finding["status"] not in STATUSES:
        raise FindingError(
            "finding.status: {!r} is not one of {}".format(finding["status"], ", ".join(STATUSES))
        )
    for name in ("host", "component", "summary", "recommendation"):
        if not isinstance(finding[name], str):
            raise FindingError(f"finding.{name}: expected a string")
    if not finding["summary"].strip():
        raise FindingError("finding.summary: must not be empty")
    if "\n" in finding["summary"] or len(finding["summary"]) > MAX_SUMMARY_CHARS:
        raise FindingError(
            f"finding.summary: must be one line of at most {MAX_SUMMARY_CHARS} characters")
    evidence = finding["evidence"]
    if not isinstance(evidence, list) or not all(isinstance(x, str) for x in evidence):
        raise FindingError("finding.evidence: expected a list of strings")
    if len(evidence) > MAX_EVIDENCE_LINES + 1:
        raise FindingError(f"finding.evidence: more than {MAX_EVIDENCE_LINES} lines")
    for name in ("values", "thresholds"):
        mapping = finding[name]
        if not isinstance(mapping, dict):
            raise FindingError(f"finding.{name}: expected a mapping")
        for key, value in mapping.items():
            if not isinstance(key, str) or not _scalar(value):
                raise FindingError(
                    f"finding.{name}.{key}: expected a number, string, boolean or null"
                )
    _validate_translations(finding.get("translations", {}))
    message = finding.get("message")
    if message is not None and (
            not isinstance(message, dict) or not is_message(message.get("summary"))
            or not (message.get("recommendation") is None
                    or is_message(message["recommendation"]))):
            raise FindingError("finding.message: expected {summary: message, recommendation: "
                               "message or null}")
    cause = finding.get("cause")
    if cause is not None:
        if cause not in CAUSES:
            raise FindingError("finding.cause: {!r} is not one of {}".format(
                cause, ", ".join(CAUSES)))
        if finding["status"] != "unknown":
            raise FindingError("finding.cause: only an unknown finding has a cause")
    if finding["status"] != "ok" and finding["status"] != "unknown" \
            and not finding["recommendation"].strip():
        raise FindingError(
            "finding.recommendation: required when status is {}".format(finding["status"]))
    return finding
