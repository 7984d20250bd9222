# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge an AIX host's error log (the ``errpt`` area): :func:`evaluate` takes the data of
``parsers/aix_errpt.py`` (``errpt -a``'s entries where they were read, else the summary's).

Every entry is classified by its **label and identifier**, then its resource class or name,
never by its description (cut to 39 characters in the summary and printed in the host's
language): :func:`classify` gives its component and severity.

Components (:data:`LABEL_COMPONENTS`, first match wins; labels and identifiers from AIX's
``/usr/include/sys/errids.h`` and IBM's documentation of the device drivers' error logs):

==============  ==========================================================================
path            identifiers DE3B8540 (PATH HAS FAILED), 080784A7 (DISK_ERR6), F31FFAC3
                (PATH HAS RECOVERED); labels PATH_*, *_PATH_*
disk            SC_DISK_ERR*, SC_DISK_PCM_ERR*, DISK_ERR*, SAS_DISK*; resource class disk
adapter         FCP_ERR*, FCS_ERR*, SCSI_ERR*, SISSAS*, EEH_ERR, PCI_*; class adapter
network         ECH_* (EtherChannel), GXENT_*, GOENT_*, ENT_*, SEA_*, AIXIF_*, GATEWAY_*
memory          MEM*, CORRECTED_SCRUB; resource class memory
cpu             CPU_*, SCAN_ERROR_CHRP, MACHINE_CHECK*; resource class processor
power_cooling   EPOW_* (loss and resumption of power, environmental problem)
lvm             LVM_* (LVM_SA_QUORCLOSE, LVM_SA_STALEPP, LVM_SA_PVMISS, LVM_IO_FAIL ...)
cluster         HACMP*, CLUSTER*, CAA_*, CONFIGRM*, TS_*, GS_*, RPVC*, LVM_GS_*
software        CORE_DUMP, SRC*, DUMP_STATS, KERNEL_PANIC, DMPCHK_*, J2_*, JFS_*, PGSP_KILL,
                ERRLOG_ON/OFF, REBOOT_ID, OPMSG, ...; class S or O otherwise
other           TTY_*, TAPE_*, and hardware entries nothing above names
==============  ==========================================================================

Severity from type and class (IBM AIX "errpt Command": type PERM = permanent, PEND = loss of
availability imminent, PERF = performance degraded, TEMP = temporary (recovered after
retries), UNKN, INFO; class H hardware, S software, O operator, U undetermined):

========  =========  ========  ========  ========  ========  ======
class     PERM       PEND      PERF      TEMP      UNKN      INFO
========  =========  ========  ========  ========  ========  ======
H         critical   critical  warning   warning   warning   ok
S, U      warning    warning   warning   warning   warning   ok
O         ok         ok        ok        ok        ok        ok
========  =========  ========  ========  ========  ========  ======

with label overrides (:data:`LABEL_SEVERITY`): a lost quorum, a missing PV, a kernel panic, a
system dump, EPOW loss of power: critical; the dump device too small: warning; recoveries
(F31FFAC3, EPOW_RES, LVM_SA_FRESHPP, labels with RECOV/RCVRY): ok. An unknown type or class:
warning, never ok. A failure followed later by a recovery on the same resource and component
is shown as recovered: warning, not critical.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "errpt"
HARDWARE = "errpt.hardware"
SOFTWARE = "errpt.software"
PATHS = "errpt.paths"
SUMMARY = "errpt.summary"
CHECKS = (HARDWARE, SOFTWARE, PATHS, SUMMARY)

COMPONENTS = ("disk", "adapter", "path", "memory", "cpu", "power_cooling", "network", "lvm",
              "cluster", "software", "other")
HARDWARE_COMPONENTS = ("disk", "adapter", "memory", "cpu", "power_cooling", "network")

PATH_FAILED = {"DE3B8540", "080784A7"}
PATH_RECOVERED = {"F31FFAC3"}
RECOVERY_LABELS = {"EPOW_RES", "EPOW_RES_CHRP", "LVM_SA_FRESHPP", "ERRLOG_ON"}

# (label prefix, component), first match wins
LABEL_COMPONENTS = (
    ("DISK_ERR6", "path"), ("PATH_", "path"),
    ("SC_DISK_PCM_ERR", "disk"), ("SC_DISK_ERR", "disk"), ("DISK_ERR", "disk"),
    ("SAS_DISK", "disk"),
    ("FCP_ERR", "adapter"), ("FCS_ERR", "adapter"), ("SCSI_ERR", "adapter"),
    ("SISSAS", "adapter"), ("EEH_ERR", "adapter"), ("PCI_", "adapter"),
    ("ECH_", "network"), ("GXENT_", "network"), ("GOENT_", "network"), ("ENT_", "network"),
    ("SEA_", "network"), ("AIXIF_", "network"), ("GATEWAY_", "network"),
    ("MEM", "memory"), ("CORRECTED_SCRUB", "memory"),
    ("CPU_", "cpu"), ("SCAN_ERROR_CHRP", "cpu"), ("MACHINE_CHECK", "cpu"),
    ("EPOW", "power_cooling"),
    ("LVM_GS_", "cluster"), ("LVM_", "lvm"),
    ("HACMP", "cluster"), ("CLUSTER", "cluster"), ("CAA_", "cluster"),
    ("CONFIGRM", "cluster"), ("TS_", "cluster"), ("GS_", "cluster"), ("RPVC", "cluster"),
    ("CORE_DUMP", "software"), ("SRC", "software"), ("DUMP_STATS", "software"),
    ("MINIDUMP", "software"), ("SYSDUMP", "software"), ("KERNEL_PANIC", "software"),
    ("DOUBLE_PANIC", "software"), ("DMPCHK_", "software"), ("J2_", "software"),
    ("JFS_", "software"), ("PGSP_KILL", "software"), ("NO_PGSP", "software"),
    ("ERRLOG_", "software"), ("REBOOT_ID", "software"), ("SYS_RESET", "software"),
    ("OPMSG", "software"), ("SYSLOG", "software"), ("LOG_", "software"),
    ("INIT_", "software"), ("WLM_", "software"), ("DR_", "software"),
    ("TTY_", "other"), ("TAPE_", "other"),
)
RESOURCE_CLASSES = {"disk": "disk", "adapter": "adapter", "memory": "memory",
                    "processor": "cpu", "tape": "other", "if": "network"}
# the summary has no resource class: its resource name, where it says enough
RESOURCE_PREFIXES = (("hdisk", "disk"), ("fcs", "adapter"), ("fscsi", "adapter"),
                     ("sissas", "adapter"), ("scsi", "adapter"), ("ent", "network"),
                     ("en", "network"), ("mem", "memory"), ("proc", "cpu"),
                     ("LVDD", "lvm"), ("SYSPROC", "software"), ("SYSVMM", "software"),
                     ("SYSDUMP", "software"), ("SYSPFS", "software"), ("SYSJ2", "software"),
                     ("SRC", "software"), ("errdemon", "software"), ("dumpcheck", "software"))

SEVERITY = {
    "H": {"PERM": "critical", "PEND": "critical", "PERF": "warning", "TEMP": "warning",
          "UNKN": "warning", "INFO": "ok"},
    "S": {"PERM": "warning", "PEND": "warning", "PERF": "warning", "TEMP": "warning",
          "UNKN": "warning", "INFO": "ok"},
    "O": {"PERM": "ok", "PEND": "ok", "PERF": "ok", "TEMP": "ok", "UNKN": "ok", "INFO": "ok"},
}
SEVERITY["U"] = SEVERITY["S"]
LABEL_SEVERITY = {
    "LVM_SA_QUORCLOSE": "critical", "LVM_SA_PVMISS": "critical", "KERNEL_PANIC": "critical",
    "DOUBLE_PANIC": "critical", "DUMP_STATS": "critical", "EPOW_SUS": "critical",
    "EPOW_SUS_CHRP": "critical", "DMPCHK_TOOSMALL": "warning", "DMPCHK_NOSPACE": "warning",
    "REBOOT_ID": "ok", "ERRLOG_ON": "ok", "ERRLOG_OFF": "ok",
}


def is_recovery(entry):
    label = entry.get("label", "")
    return (entry["identifier"] in PATH_RECOVERED or label in RECOVERY_LABELS
            or "RECOV" in label or "RCVRY" in label)


def component_of(entry):
    """The component of an entry: identifier, label, resource class, resource name, class."""
    if entry["identifier"] in PATH_FAILED | PATH_RECOVERED:
        return "path"
    label = entry.get("label", "")
    for prefix, component in LABEL_COMPONENTS:
        if label.startswith(prefix):
            return component
    if "_PATH_" in label:
        return "path"
    rclass = entry.get("resource_class", "")
    if rclass in RESOURCE_CLASSES:
        return RESOURCE_CLASSES[rclass]
    resource = entry.get("resource", "")
    for prefix, component in RESOURCE_PREFIXES:
        if resource.startswith(prefix) and resource[len(prefix):].isdigit() \
                or resource == prefix:
            return component
    if entry.get("class") in ("S", "O"):
        return "software"
    return "other"


def severity_of(entry):
    """ok, warning or critical of one entry on its own (its recovery aside)."""
    if is_recovery(entry):
        return "ok"
    label = entry.get("label", "")
    if label in LABEL_SEVERITY:
        return LABEL_SEVERITY[label]
    return SEVERITY.get(entry.get("class"), {}).get(entry.get("type"), "warning")


def classify(entries):
    """Each entry with ``component``, ``severity``, ``recovery`` (a recovery itself),
    ``recovered_by`` (the later recovery of a failure), oldest first."""
    # errpt prints newest first: within one time (the summary has minutes, no sequence
    # number) the later printed is the older, so a failure after its recovery stays failed
    ordered = sorted(enumerate(entries), key=lambda p: (p[1].get("time") or "",
                                                       _sequence(p[1]), -p[0]))
    out = [dict(e, component=component_of(e), severity=severity_of(e),
                recovery=is_recovery(e), recovered_by=None)
           for _index, e in ordered]
    for index, entry in enumerate(out):
        if entry["recovery"] or entry["severity"] == "ok":
            continue
        later = [e for e in out[index + 1:]
                 if e["recovery"] and e["component"] == entry["component"]
                 and e["resource"] == entry["resource"]]
        if later:
            entry["recovered_by"] = later[-1]
            entry["severity"] = "warning"
    return out


def _sequence(entry):
    try:
        return int(entry.get("sequence") or 0)
    except ValueError:
        return 0


def _status(entry):
    return "recovered" if entry["recovered_by"] else entry["severity"]


def _line(entry):
    return " ".join(x for x in (entry["identifier"], entry.get("time") or "",
                                entry.get("type", ""), entry.get("class", ""),
                                entry.get("resource", ""), entry.get("label", ""),
                                entry.get("description", "")) if x)


def _name(entry):
    return entry.get("label") or entry["identifier"]


def _when(entry):
    return (entry.get("time") or "-").replace("T", " ")  # the host's local time, no zone


def _describe(entry):
    if entry["recovered_by"]:
        rec = entry["recovered_by"]
        return msg("errpt.entry_recovered", label=_name(entry), identifier=entry["identifier"],
                   resource=entry["resource"], time=_when(entry), recovery=_name(rec),
                   recovered=_when(rec))
    if not entry.get("label"):
        return msg("errpt.entry_nolabel", identifier=entry["identifier"],
                   type=entry.get("type", ""), cls=entry.get("class", ""),
                   resource=entry["resource"], time=_when(entry))
    return msg("errpt.entry", label=_name(entry), identifier=entry["identifier"],
               type=entry.get("type", ""), cls=entry.get("class", ""),
               resource=entry["resource"], time=_when(entry))


MAX_LISTED = 6
ORDER = {"critical": 0, "warning": 1, "recovered": 2, "ok": 3}


def _listed(entries):
    ranked = sorted(entries, key=lambda e: (ORDER[_status(e)], e.get("time") or ""))
    return [_describe(e) for e in ranked[:MAX_LISTED]]


def _component_finding(check_id, component, entries, recommendation):
    counts = {s: sum(1 for e in entries if _status(e) == s)
              for s in ("critical", "warning", "recovered", "ok")}
    status = worst(e["severity"] for e in entries)
    if status == "ok":
        rec = ""
    elif status == "warning" and counts["recovered"] and not counts["warning"]:
        rec = msg("errpt.recovered.recommendation")
    else:
        rec = recommendation
    return make_finding(
        check_id, status,
        msg("errpt.component_entries", component=msg("errpt.component." + component),
            count=len(entries), critical=counts["critical"], warning=counts["warning"],
            recovered=counts["recovered"], info=counts["ok"], entries=_listed(entries)),
        component=component, evidence=[_line(e) for e in reversed(entries)],
        recommendation=rec,
        values={"entries": len(entries), "critical": counts["critical"],
                "warning": counts["warning"], "recovered": counts["recovered"],
                "informational": counts["ok"]})


def _none(check_id, area, since):
    text = msg("errpt.none", area=msg("errpt.area." + area), since=since) if since \
        else msg("errpt.none_all", area=msg("errpt.area." + area))
    return make_finding(check_id, "ok", text, values={"entries": 0})


def _by_component(check_id, entries, area, since, recommendation):
    findings = []
    for component in COMPONENTS:
        mine = [e for e in entries if e["component"] == component]
        if mine:
            findings.append(_component_finding(check_id, component, mine, recommendation))
    return findings or [_none(check_id, area, since)]


def _paths(entries, since):
    findings = []
    disks = []
    for entry in entries:
        if entry["resource"] not in disks:
            disks.append(entry["resource"])
    for disk in disks:
        mine = [e for e in entries if e["resource"] == disk]
        failures = [e for e in mine if not e["recovery"]]
        listed = _listed(failures or mine)
        values = {"failed": len(failures), "recovered": sum(1 for e in mine if e["recovery"])}
        evidence = [_line(e) for e in reversed(mine)]
        if not failures:
            findings.append(make_finding(
                PATHS, "warning", msg("errpt.path.recovery_only", disk=disk, entries=listed),
                component=disk, evidence=evidence,
                recommendation=msg("errpt.recovered.recommendation"), values=values))
        elif mine[-1]["recovery"]:
            findings.append(make_finding(
                PATHS, "warning", msg("errpt.path.recovered", disk=disk, entries=listed),
                component=disk, evidence=evidence,
                recommendation=msg("errpt.recovered.recommendation"), values=values))
        else:
            status = worst(e["severity"] for e in failures if not e["recovered_by"]) \
                if any(not e["recovered_by"] for e in failures) else "warning"
            if status == "ok":
                status = "warning"  # a path failure is never ok
            findings.append(make_finding(
                PATHS, status, msg("errpt.path.failed", disk=disk, entries=listed),
                component=disk, evidence=evidence,
                recommendation=msg("errpt.path.recommendation"), values=values))
    return findings or [_none(PATHS, "paths", since)]


def _summary(entries, source):
    counts = {c: sum(1 for e in entries if e["component"] == c) for c in COMPONENTS}
    shown = [msg("errpt.summary.count", component=msg("errpt.component." + c), count=n)
             for c, n in counts.items() if n]
    values = dict(counts, entries=len(entries))
    if not entries:
        return make_finding(SUMMARY, "ok", msg("errpt.summary.empty", source=source),
                            values=values)
    switches = [e for e in entries if e.get("label") in ("ERRLOG_OFF", "ERRLOG_ON")]
    if switches and switches[-1]["label"] == "ERRLOG_OFF":
        return make_finding(
            SUMMARY, "warning",
            msg("errpt.summary.logging_off", time=_when(switches[-1]),
                counts=shown),
            component="errdemon", evidence=[_line(switches[-1])],
            recommendation=msg("errpt.summary.recommendation"), values=values)
    return make_finding(SUMMARY, "ok",
                        msg("errpt.summary.counts", count=len(entries), source=source,
                            counts=shown),
                        values=values)


def _usable(section):
    return isinstance(section, dict) and isinstance(section.get("entries"), list)


def _chosen(data):
    details, summary = data.get("details"), data.get("summary")
    if _usable(details):
        return details, "errpt -a"
    if _usable(summary):
        return summary, "errpt"
    return (details if details is not None else summary), None


def evaluate(data, thresholds=None, context=None):
    section, source = _chosen(data or {})
    if source is None:
        reason, cause = section_failure(section)
        return [unknown(check, reason, cause=cause) for check in CHECKS]
    since = data.get("since")
    entries = classify(section["entries"])
    hardware = [e for e in entries if e["component"] in HARDWARE_COMPONENTS
                or (e["component"] == "other" and e.get("class") == "H")]
    paths = [e for e in entries if e["component"] == "path"]
    software = [e for e in entries if e["component"] != "path"
                and e["component"] not in HARDWARE_COMPONENTS
                and not (e["component"] == "other" and e.get("class") == "H")]
    return (_by_component(HARDWARE, hardware, "hardware", since,
                          msg("errpt.hardware.recommendation"))
            + _by_component(SOFTWARE, software, "software", since,
                            msg("errpt.software.recommendation"))
            + _paths(paths, since)
            + [_summary(entries, source)])
