# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the host collectors that read several areas in one run share
(plugins/modules/weibao_inspect_storage.py, weibao_inspect_aix.py): a raw source that could
not be gathered, and the judging of each area's raw outputs through its parsers and rules,
the same functions ``weibao judge`` runs on saved outputs.

Python 3.8-compatible: it ships to managed hosts with the modules.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.messages import msg, render


def failure(message, cause):
    return {"error": message, "cause": cause}


def missing(command):
    return failure(msg("reason.not_installed", command=command), "tool_missing")


def judge_area(modules, area, raw, thresholds, context):
    """(findings, not_applicable, counters, data) of one area; ``modules``: {area: (parsers
    module, rules module)}."""
    parsers, rules = modules[area]
    data = parsers.parse_sources(raw, context)
    findings = rules.evaluate(data, thresholds, context)
    na = list(rules.not_applicable(data)) if hasattr(rules, "not_applicable") else []
    read = list(rules.counters(data, context)) if hasattr(rules, "counters") else []
    return findings, na, read, data


def judge_areas(modules, raws, thresholds, context, not_applicable=(), found=None):
    """(findings, not_applicable, counters, data) of every area in ``raws``, in the order of
    ``modules``; ``not_applicable``: what the collector found absent."""
    findings, na, read, data = [], list(not_applicable), [], {}
    for area in modules:
        if area not in raws:
            continue
        area_findings, area_na, area_counters, data[area] = judge_area(
            modules, area, raws[area], thresholds[area], context)
        findings.extend(area_findings)
        na.extend(area_na)
        read.extend(area_counters)
    findings, na = split_not_applicable(findings, na)
    data["found"] = found if found is not None else {}
    return findings, na, read, data


def split_not_applicable(findings, na):
    """Findings of checks that do not apply (``unknown`` with cause ``not_applicable``, or a
    check the collector found no hardware for) move to the not-applicable list."""
    kept = []
    for item in na:  # a rule's reason as a message: kept for the report, and in English
        if isinstance(item.get("reason"), dict) and item["reason"].get("key"):
            item["message"] = {"summary": item["reason"]}
            item["reason"] = render(item["reason"], "en")
    listed = {item["check_id"] for item in na}
    for finding in findings:
        if finding.get("status") == "unknown" and finding.get("cause") == "not_applicable":
            if finding["check_id"] not in listed:
                na.append({"check_id": finding["check_id"],
                           "component": finding.get("component", ""),
                           "message": finding.get("message"),
                           "reason": finding.get("summary", "")})
                listed.add(finding["check_id"])
            continue
        if finding["check_id"] in listed and finding.get("status") == "unknown" \
                and finding.get("cause") == "incomplete":
            continue  # its source was not collected because the hardware is not there
        kept.append(finding)
    return kept, na
