# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an AIX host's patch level (the ``aix_patch`` area): :func:`evaluate` takes the data
of ``parsers/aix_aix_patch.py``, the thresholds and the context (``now``: epoch seconds).

- ``aix_patch.oslevel``: the level of ``oslevel -s`` and its technology level's end of service
  pack support in :data:`TL_END_OF_SERVICE`; warning within ``warning`` days and past it; a
  technology level not in the table is unknown, never ok.
- ``aix_patch.ml_complete``: every ``_ML``/``_SP`` keyword of ``instfix -i`` complete, else
  warning (APAR keywords are counted, not judged).
- ``aix_patch.filesets``: ``lslpp -l`` states: BROKEN critical; APPLYING, COMMITTING,
  REJECTING warning (an interrupted installp); APPLIED warning from ``applied_warning``.
- ``aix_patch.lppchk``: no output ok; output warning; a BROKEN fileset named critical.
- ``aix_patch.ifixes``: ``emgr -l`` states (see :data:`IFIX_STATES`).

A source not collected or not understood makes its check ``unknown`` with the reason.
"""

from __future__ import annotations

import calendar
import re
import time

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "aix_patch"
OSLEVEL = "aix_patch.oslevel"
ML = "aix_patch.ml_complete"
FILESETS = "aix_patch.filesets"
LPPCHK = "aix_patch.lppchk"
IFIXES = "aix_patch.ifixes"
CHECKS = (OSLEVEL, ML, FILESETS, LPPCHK, IFIXES)

# End of service pack support per technology level, (version, TL) -> last day (YYYY-MM-DD).
# A TL not listed is unknown (never ok): add a line when IBM publishes its date. Where a
# source names only a month, the last day of that month; where sources disagree, the earlier.
# Sources (read 2026-12-06):
#   [IBM]  IBM Support, "AIX support lifecycle information",
#          https://www.ibm.com/support/pages/aix-support-lifecycle-information (and the Fix
#          Level Recommendation Tool, https://esupport.ibm.com/customercare/flrt/), the
#          authority; the rows below were set from it as remembered, not re-read this session
#          (no access to ibm.com from here): re-check them there.
#   [ITS]  "IBM AIX guide to EOS/EOL support schedules",
#          https://www.it-server-room.com/en/ibm-aix-guide-to-eos-eol-support-schedules
#          (a secondary summary of [IBM]; read 2026-12-06): 7.3 TL3 December 31, 2027;
#          7.3 TL2 November 30, 2026.
#   IBM's service strategy (2011 onwards): about three years of fix support per TL, limited
#   by the release's own end of support (AIX 7.1: April 30, 2023).
# AIX 7.2 TL5 is left out on purpose: IBM extended its service pack support past the
# three-year rule and its current end date could not be confirmed here; a 7.2 TL5 host is
# unknown until someone adds the date read on [IBM].
TL_END_OF_SERVICE = {
    ("7.1", 5): "2023-04-30",   # [IBM]: end of AIX 7.1 standard support
    ("7.2", 4): "2022-11-30",   # [IBM]
    ("7.3", 0): "2024-12-31",   # [IBM], month only (December 2024)
    ("7.3", 1): "2025-12-31",   # [IBM], month only (December 2025)
    ("7.3", 2): "2026-11-30",   # [ITS]
    ("7.3", 3): "2027-12-31",   # [ITS]
}

# emgr -l state codes ("Understanding interim fix states", AIX 7.3 docs; emgr -l legend)
IFIX_STATES = {
    "S": "ok", "M": "ok", "P": "ok", "SP": "ok",          # stable, mounted, patched
    "Q": "reboot", "QP": "reboot", "QN": "reboot", "RQ": "reboot",
    "B": "broken",
    "I": "interrupted", "R": "interrupted",               # installing, removing
    "U": "inactive", "T": "inactive", "N": "inactive", "SN": "inactive",
}
INTERRUPTED_FILESET = ("APPLYING", "COMMITTING", "REJECTING")
MAX_NAMES = 10
_FILESET_LINE = re.compile(r"^\s+\S+\s+\d+\.\d+\.\d+\.\d+\b")


def _names(items):
    items = list(items)
    if len(items) > MAX_NAMES:
        return items[:MAX_NAMES] + [f"... (+{len(items) - MAX_NAMES})"]
    return items


def _section(data, key, check_id):
    """(section, None) or (None, an unknown finding) when it holds no data."""
    section = data.get(key)
    failed = section_failure(section)
    if failed:
        reason, cause = failed
        return None, unknown(check_id, reason, cause=cause)
    return section, None


# --------------------------------------------------------------------------- checks


def check_oslevel(section, now, thresholds):
    limit = thresholds.get("oslevel", {}).get("warning")
    limits = {"warning": limit}
    level = section["level"]
    key = (section["version"], section["tl"])
    eos = TL_END_OF_SERVICE.get(key)
    values = {"level": level, "version": section["version"], "tl": section["tl"],
              "sp": section["sp"], "end_of_service": eos, "days_to_end": None}
    if not eos:
        return make_finding(OSLEVEL, "unknown",
                            msg("aix_patch.oslevel.eos_unknown", level=level,
                                version=section["version"], tl=section["tl"]),
                            recommendation=msg("aix_patch.oslevel.eos_unknown_rec"),
                            component="oslevel", values=values, thresholds=limits,
                            cause="incomplete")
    if now is None:
        return make_finding(OSLEVEL, "unknown",
                            msg("aix_patch.oslevel.no_time", level=level, eos=eos),
                            recommendation=msg("common.unknown_recommendation"),
                            component="oslevel", values=values, thresholds=limits,
                            cause="incomplete")
    end = calendar.timegm(time.strptime(eos, "%Y-%m-%d")) + 86399
    days = int((end - now) // 86400)
    values["days_to_end"] = days
    if days < 0:
        summary = msg("aix_patch.oslevel.ended", level=level, eos=eos)
    elif limit and days <= limit:
        summary = msg("aix_patch.oslevel.ends_soon", level=level, eos=eos, days=days)
    else:
        return make_finding(OSLEVEL, "ok",
                            msg("aix_patch.oslevel.supported", level=level, eos=eos, days=days),
                            component="oslevel", values=values, thresholds=limits)
    return make_finding(OSLEVEL, "warning", summary,
                        recommendation=msg("aix_patch.oslevel.recommendation"),
                        component="oslevel", values=values, thresholds=limits)


def check_ml(section):
    judged = [k for k in section["keywords"] if k["kind"] in ("ml", "sp")]
    missing = [k["keyword"] for k in judged if not k["complete"]]
    values = {"keywords": len(judged), "incomplete": len(missing),
              "fixes_incomplete": sum(1 for k in section["keywords"]
                                      if k["kind"] == "fix" and not k["complete"])}
    evidence = [f"Not all filesets for {k} were found." for k in missing]
    if missing:
        return make_finding(ML, "warning", msg("aix_patch.ml.incomplete",
                                               keywords=_names(missing)),
                            recommendation=msg("aix_patch.ml.recommendation"),
                            component="instfix", evidence=evidence, values=values)
    latest = max((k["keyword"] for k in judged if k["kind"] == "ml"), default="")
    return make_finding(ML, "ok", msg("aix_patch.ml.ok", count=len(judged), latest=latest),
                        component="instfix", values=values)


def check_filesets(section, thresholds):
    limit = thresholds.get("filesets", {}).get("applied_warning")
    filesets = section["filesets"]
    by_state = {}
    for fileset in filesets:
        names = by_state.setdefault(fileset["state"], [])
        if fileset["name"] not in names:
            names.append(fileset["name"])
    count = len({f["name"] for f in filesets})
    broken = by_state.get("BROKEN", [])
    interrupted = [n for s in INTERRUPTED_FILESET for n in by_state.get(s, [])]
    applied = by_state.get("APPLIED", [])
    values = {"filesets": count, "broken": len(broken), "interrupted": len(interrupted),
              "applied": len(applied), "obsolete": len(by_state.get("OBSOLETE", [])),
              "efix_locked": len(by_state.get("EFIX LOCKED", []))}
    limits = {"applied_warning": limit}
    evidence = [f"{f['name']} {f['level']} {f['state']} ({f['path']})" for f in filesets
                if f["state"] not in ("COMMITTED", "OBSOLETE", "EFIX LOCKED")]
    findings = []
    if broken:
        findings.append(make_finding(
            FILESETS, "critical", msg("aix_patch.filesets.broken", count=len(broken),
                                      names=_names(broken)),
            recommendation=msg("aix_patch.filesets.broken_rec"), component="BROKEN",
            evidence=evidence, values=values, thresholds=limits))
    if interrupted:
        findings.append(make_finding(
            FILESETS, "warning", msg("aix_patch.filesets.interrupted", count=len(interrupted),
                                     names=_names(interrupted)),
            recommendation=msg("aix_patch.filesets.interrupted_rec"), component="installp",
            evidence=evidence, values=values, thresholds=limits))
    if applied and limit and len(applied) >= limit:
        findings.append(make_finding(
            FILESETS, "warning", msg("aix_patch.filesets.applied", count=len(applied),
                                     names=_names(applied)),
            recommendation=msg("aix_patch.filesets.applied_rec"), component="APPLIED",
            evidence=evidence, values=values, thresholds=limits))
    if findings:
        return findings
    if applied:
        return [make_finding(FILESETS, "ok", msg("aix_patch.filesets.applied_ok", count=count,
                                                 applied=len(applied), names=_names(applied)),
                             component="lslpp", evidence=evidence, values=values,
                             thresholds=limits)]
    return [make_finding(FILESETS, "ok", msg("aix_patch.filesets.ok", count=count),
                         component="lslpp", values=values, thresholds=limits)]


def check_lppchk(section):
    lines = section["lines"]
    values = {"lines": len(lines)}
    if not lines:
        return make_finding(LPPCHK, "ok", msg("aix_patch.lppchk.ok"), component="lppchk",
                            values=values)
    broken = [line for line in lines if "BROKEN" in line]
    if broken:
        return make_finding(LPPCHK, "critical",
                            msg("aix_patch.lppchk.broken", first=broken[0].strip()),
                            recommendation=msg("aix_patch.lppchk.recommendation"),
                            component="lppchk", evidence=lines, values=values)
    # the fileset lines ("  bos.rte.security 7.3.2.1  (not installed; ...)"), not the wrapped
    # "lppchk:" message above them
    detail = [line for line in lines if _FILESET_LINE.match(line)]
    first = (detail or lines)[0].strip()
    return make_finding(LPPCHK, "warning",
                        msg("aix_patch.lppchk.problems", count=len(lines), first=first),
                        recommendation=msg("aix_patch.lppchk.recommendation"),
                        component="lppchk", evidence=lines, values=values)


_IFIX_ORDER = (("broken", "critical", "aix_patch.ifixes.broken", "aix_patch.ifixes.broken_rec"),
               ("reboot", "warning", "aix_patch.ifixes.reboot", "aix_patch.ifixes.reboot_rec"),
               ("interrupted", "warning", "aix_patch.ifixes.interrupted",
                "aix_patch.ifixes.other_rec"),
               ("inactive", "warning", "aix_patch.ifixes.inactive",
                "aix_patch.ifixes.other_rec"))


def check_ifixes(section):
    fixes = section["fixes"]
    if not fixes:
        return [make_finding(IFIXES, "ok", msg("aix_patch.ifixes.none"), component="emgr",
                             values={"fixes": 0})]
    groups = {}
    for fix in fixes:
        kind = IFIX_STATES.get(fix["state"], "unknown")
        groups.setdefault(kind, []).append(fix)
    values = {"fixes": len(fixes)}
    for kind in ("broken", "reboot", "interrupted", "inactive", "unknown"):
        values[kind] = len(groups.get(kind, []))

    def shown(items):
        return _names(msg("aix_patch.ifixes.fix", label=f["label"], state=f["state_shown"])
                      for f in items)

    def evidence(items):
        return [f"{f['id']} {f['state_shown']} {f['label']} {f['installed']} {f['abstract']}"
                for f in items]

    findings = []
    for kind, status, key, rec in _IFIX_ORDER:
        if groups.get(kind):
            findings.append(make_finding(IFIXES, status, msg(key, fixes=shown(groups[kind])),
                                         recommendation=msg(rec), component=kind,
                                         evidence=evidence(groups[kind]), values=values))
    if groups.get("unknown"):
        findings.append(unknown(IFIXES, msg("aix_patch.ifixes.unknown_state",
                                             fixes=shown(groups["unknown"])),
                                component="unknown_state",
                                evidence=evidence(groups["unknown"]), values=values,
                                cause="not_understood"))
    if findings:
        return findings
    return [make_finding(IFIXES, "ok", msg("aix_patch.ifixes.ok", count=len(fixes),
                                           labels=_names(f["label"] for f in fixes)),
                         component="emgr", evidence=evidence(fixes), values=values)]


def evaluate(data, thresholds=None, context=None):
    """All aix_patch findings, in catalogue order, from ``parse_sources``' data.

    ``thresholds``: overrides or the merged dict ({check: {level: value}}); ``context``:
    ``now`` (epoch seconds of the inspection; without it the days to end of service are
    unknown)."""
    thresholds = catalogue.merge_thresholds(AREA, thresholds)
    context = context or {}
    now = context.get("now")
    findings = []
    section, failed = _section(data, "oslevel_s", OSLEVEL)
    findings.append(failed or check_oslevel(section, now, thresholds))
    section, failed = _section(data, "instfix_i", ML)
    findings.append(failed or check_ml(section))
    section, failed = _section(data, "lslpp_l", FILESETS)
    findings.extend([failed] if failed else check_filesets(section, thresholds))
    section, failed = _section(data, "lppchk_v", LPPCHK)
    findings.append(failed or check_lppchk(section))
    section, failed = _section(data, "emgr_l", IFIXES)
    findings.extend([failed] if failed else check_ifixes(section))
    return findings

