"""The monthly report's AIX section (issue 11): per AIX host (platform ``aix``) its model,
serial, firmware and AIX level, then its findings of the AIX areas (error log, patch level,
volume groups and paging, devices and paths, system, firmware, backups and performance) by
component, each row marked with what changed since the host's previous inspection
(:func:`.hardware.change`), with what the report pulls out of the findings'
values: the error log's entries by component (counts, the permanent hardware errors listed,
those recovered shown as recovered), the patch level (oslevel, the technology level's service
status, the interim fixes waiting for a reboot), the newest mksysb and its age, and the
performance figures; and per HMC (platform ``ibm_hmc``) its managed systems with their
firmware and LPARs, and the open serviceable events with the AIX hosts they affect. An event
on a managed system is also shown under each AIX host running on it as an LPAR (an LPAR is
matched to an inventory host by its name, or its short name).

Generic over the areas, like :mod:`.hardware`: the areas the check catalogue
declares at run time are shown (those it does not declare yet are skipped), every finding of
them appears, and the pulled-out figures are read from the values' names (:data:`VALUE_NAMES`)
so that a value the rules name differently is still in the findings' rows. Nothing here
judges: the statuses, messages and values are the rules'.

:func:`asset_entry` completes an AIX host's asset register row (model, serial, firmware,
operating system) from the ``aix_system`` identity values where the inventory gives none, and
flags the fields where the host reports something else than the inventory (as
:func:`.network.asset_entry` does for network devices).

Everything is sorted: the same findings give the same section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from weibao.content import enable_module_utils
from weibao.report.kinds.monthly.hardware import _area_entry, _check_rank, _previous
from weibao.statuses import ORDER, worst

enable_module_utils()
from ansible.module_utils.weibao_inspection import catalogue  # noqa: E402

# the AIX host areas in the report's order, and the HMC's; those the catalogue does not
# declare (yet) are skipped
AIX_AREAS = ("errpt", "aix_patch", "aix_lvm", "aix_devices", "aix_system")
HMC_AREA = "hmc"
AIX_PLATFORM = "aix"
HMC_PLATFORM = "ibm_hmc"
# areas whose every row is shown; the others (the error log, devices and paths: many rows)
# show the rows that need a look and count the rest
ALL_ROWS = ("aix_patch", "aix_lvm", "aix_system", HMC_AREA)
FAULTS = ("critical", "warning")

# What the report reads from the findings' values, by the names the rules may give them
# (the first name present wins; compared case-insensitively).
VALUE_NAMES: dict[str, tuple[str, ...]] = {
    # identity (aix_system, from prtconf / lsmcode; hmc managed systems from lssyscfg)
    "model": ("model", "system_model", "type_model", "machine_type_model", "machine_type"),
    "serial": ("serial", "serial_number", "serial_num", "machine_serial"),
    "firmware": ("firmware_version", "firmware", "firmware_level", "platform_firmware",
                 "system_firmware", "microcode", "activated_spname", "activated_level"),
    "oslevel": ("oslevel", "os_level", "aix_level", "os", "level"),
    # the error log (errpt): entries counted per component
    "count": ("entries", "count", "occurrences", "new_entries"),
    "recovered": ("recovered",),
    # the patch level (aix_patch)
    "end_of_service": ("end_of_service", "eos", "eos_date", "service_end", "support_ends",
                       "tl_end_of_service"),
    "technology_level": ("technology_level", "tl"),
    "reboot": ("reboot", "reboot_required", "needs_reboot"),
    "state": ("state", "system_state"),
    # the mksysb (aix_system)
    "path": ("path", "file", "image", "mksysb", "newest"),
    "date": ("date", "created", "created_at", "backup_time", "newest_time", "time"),
    "age_days": ("age_days", "age", "days", "age_in_days"),
    "max_age_days": ("max_age_days", "max_age", "limit_days", "limit"),
    "critical_age_days": ("critical_age_days", "critical_age"),
    # the HMC: which system an event or LPAR is on, the event's reference
    "system": ("system", "managed_system", "sys", "server"),
    "lpar": ("lpar_name", "lpar", "partition"),
    "lpars": ("lpars", "lpar_names", "partitions"),
    "refcode": ("refcode", "reference_code", "src", "problem_number", "event_id"),
}
# words naming a finding of the pulled-out parts (in its check's short name or component)
MKSYSB_WORDS = ("mksysb", "backup")
IFIX_WORDS = ("ifix", "emgr", "efix", "interim")
PERFORMANCE_WORDS = ("perf", "cpu", "memory", "paging_rate", "vmstat", "iostat", "lparstat",
                     "svmon", "load", "entitle", "io_wait", "iowait", "run_queue")
IDENTITY_WORDS = ("identity", "prtconf", "model", "serial")
EVENT_WORDS = ("event", "svc", "serviceable")
LPAR_WORDS = ("lpar", "partition")
SYSTEM_WORDS = ("system", "managed", "firmware", "lic")
# numbers that count the samples taken, not a figure
_COUNTS = ("samples", "reports")
# a value that is a setting, not a figure
_SETTING_WORDS = ("threshold", "limit", "warning", "critical", "max_")


def _area(check_id: Any) -> str:
    return str(check_id).split(".", 1)[0]


def _short(check_id: Any) -> str:
    return str(check_id).split(".", 1)[-1].lower()


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value(values: Mapping[str, Any] | None, what: str) -> Any:
    """The first value of ``values`` named as :data:`VALUE_NAMES` says for ``what`` (not
    None, not ""); None when there is none."""
    lowered = {str(k).lower(): v for k, v in sorted((values or {}).items())}
    for name in VALUE_NAMES[what]:
        value = lowered.get(name)
        if value not in (None, ""):
            return value
    return None


def _about(f: Mapping[str, Any], words: Iterable[str]) -> bool:
    """Whether a finding's check (short name) or component names one of ``words``."""
    where = _short(f["check_id"]) + " " + str(f.get("component") or "").lower()
    return any(w in where for w in words)


def aix_areas() -> list[str]:
    """The AIX host areas the check catalogue declares now, in the report's order."""
    return [a for a in AIX_AREAS if a in catalogue.AREAS]


def _known(area: str) -> set[str]:
    return {c.id for c in catalogue.area_checks(area)} if area in catalogue.AREAS else set()


def _has(host: Mapping[str, Any], areas: Iterable[str]) -> bool:
    known = set().union(*(_known(a) for a in areas)) if areas else set()
    return any(f["check_id"] in known for f in host.get("findings") or []) or any(
        m.get("check_id") in known for c in host.get("coverage") or []
        for m in c.get("missing") or [])


def is_aix(host: Mapping[str, Any]) -> bool:
    """An AIX host: its platform is ``aix``, or it has a finding or coverage row of a check
    the catalogue declares in an AIX area."""
    return str(host.get("platform") or "") == AIX_PLATFORM or _has(host, aix_areas())


def is_hmc(host: Mapping[str, Any]) -> bool:
    """An HMC: its platform is ``ibm_hmc``, or it has a finding or coverage row of a check
    the catalogue declares in the ``hmc`` area."""
    return str(host.get("platform") or "") == HMC_PLATFORM or (
        HMC_AREA in catalogue.AREAS and _has(host, [HMC_AREA]))


# ----------------------------------------------------------------------------- identity


def _sorted(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(findings, key=lambda f: (str(f["check_id"]), str(f.get("component") or ""),
                                           ORDER.get(f["status"], 9)))


def identity(findings: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The host's {model, serial, firmware, oslevel, lpar} as it reported them ("" when not):
    read from the ``aix_system`` findings' values (the identity finding first: its check or
    component names identity, prtconf, model or serial; a mksysb's values describe the
    backup, not the host, and are left out), the level also from ``aix_patch.oslevel``."""
    mine = [f for f in _sorted(findings) if _area(f["check_id"]) == "aix_system"
            and not _about(f, MKSYSB_WORDS)]
    ranked = sorted(mine, key=lambda f: not _about(f, IDENTITY_WORDS))
    levels = [f for f in _sorted(findings) if _area(f["check_id"]) == "aix_patch"
              and _about(f, ("oslevel",))]
    out = dict.fromkeys(("model", "serial", "firmware", "oslevel", "lpar"), "")
    for key in out:
        for f in ranked + (levels if key == "oslevel" else []):
            value = _value(f.get("values"), key)
            if value not in (None, "") and not isinstance(value, bool):
                out[key] = _text(value)
                break
    return out


# asset register fields filled from the host: {asset field: identity field}
ASSET_FIELDS = {"model": "model", "serial": "serial", "firmware": "firmware", "os": "oslevel"}


def _same_level(given: str, found: str) -> bool:
    """Whether the inventory's operating system names the level the host reports: it holds
    it (``AIX 7200-05-03-2148``), or names its release (``AIX 7.2`` for ``7200-...``, ``AIX
    7.2.5`` for ``7200-05-...``)."""
    if found.casefold() in given.casefold():
        return True
    level = re.search(r"(\d)(\d)00-(\d+)", found)
    release = re.search(r"(?<![\d.])(\d)\.(\d)(?:\.(\d+))?(?![\d.])", given)
    if not level or not release or level.groups()[:2] != release.groups()[:2]:
        return False
    # AIX 7.2.5 names the technology level too (7200-05)
    return release.group(3) is None or int(release.group(3)) == int(level.group(3))


def asset_entry(host: Mapping[str, Any], asset: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:
    """The host's asset register row (``asset``: the row so far, else the inventory's): for
    an AIX host, ``model``, ``serial``, ``firmware`` and ``os`` (``AIX <oslevel>``) filled
    from what the host reported where the row gives none, and ``device_reported`` {field:
    what the host reports} for the fields where the row says something else (a mismatch to
    look at; the inventory's word stays). Any other host's row is returned as it is."""
    out = dict(host.get("asset") or {} if asset is None else asset)
    if not is_aix(host):
        return out
    ident = identity(host.get("findings") or [])
    if ident["oslevel"] and not ident["oslevel"].casefold().startswith("aix"):
        ident["oslevel"] = "AIX " + ident["oslevel"]
    mismatch = dict(out.get("device_reported") or {})
    for field, name in ASSET_FIELDS.items():
        found = ident[name]
        if not found:
            continue
        given = _text(out.get(field))
        if not given:
            out[field] = found
        elif given.casefold() != found.casefold() and not (
                field == "os" and _same_level(given, found)):
            mismatch[field] = found
    if mismatch:
        out["device_reported"] = mismatch
    return out


# ----------------------------------------------------------------------------- the parts


def _row_notable(row: Mapping[str, Any]) -> bool:
    return (row["status"] != "ok" or bool(row["growth"])
            or row["change"] in ("resolved", "better", "judged_again"))


def _trim(entry: dict[str, Any]) -> dict[str, Any]:
    """An area entry of :func:`.hardware._area_entry` with ``quiet``: in the
    areas not in :data:`ALL_ROWS` only the rows that need a look are kept, the others
    counted."""
    entry["quiet"] = 0
    if entry["area"] in ALL_ROWS:
        return entry
    components = []
    for component in entry["components"]:
        rows = [r for r in component["rows"] if _row_notable(r)]
        entry["quiet"] += len(component["rows"]) - len(rows)
        if rows:
            components.append(dict(component, rows=rows))
    entry["components"] = components
    return entry


ERRPT_TYPES = ("PERM", "PEND", "PERF", "TEMP", "UNKN", "INFO")
ERRPT_CLASSES = ("H", "S", "O", "U")


def _entry(line: str) -> dict[str, str] | None:
    """An error log entry from an evidence line of the errpt rules (``identifier [time] type
    class [resource] [label] description``): {identifier, time, type, class, resource,
    label, line}; None when the line does not read so."""
    tokens = str(line).split()
    for i in range(1, min(len(tokens) - 1, 3)):
        if tokens[i] in ERRPT_TYPES and tokens[i + 1] in ERRPT_CLASSES:
            rest = tokens[i + 2:]
            return {"identifier": tokens[0], "time": tokens[1] if i == 2 else "",
                    "type": tokens[i], "class": tokens[i + 1],
                    "resource": rest[0] if rest else "",
                    # a label is upper case with an underscore (SC_DISK_ERR2); the summary's
                    # entries have none: the description follows the resource
                    "label": rest[1] if len(rest) > 1 and "_" in rest[1]
                    and rest[1].replace("_", "").isalnum() and rest[1].upper() == rest[1]
                    else "", "line": " ".join(tokens)}
    return None


def _when(time: str) -> str:
    """An entry's time for sorting, oldest first: errpt's summary prints MMDDhhmmyy (the year
    goes first), ``errpt -a``'s entries are ISO times."""
    if len(time) == 10 and time.isdigit():
        return f"20{time[8:]}-{time[:2]}-{time[2:4]}T{time[4:6]}:{time[6:8]}"
    return time


def _is_recovery(entry: Mapping[str, str]) -> bool:
    """A recovery entry, as the errpt rules say (rules/errpt.py ``is_recovery``; without that
    rule: a label naming a recovery)."""
    try:
        from ansible.module_utils.weibao_inspection.rules import errpt
    except ImportError:
        return "RECOV" in entry["label"] or "RCVRY" in entry["label"]
    return bool(errpt.is_recovery(entry))


def _component_label(area: str, component: str) -> dict[str, Any] | None:
    """A component word of the area's rules (``errpt.component.disk``) shaped as a finding's
    summary for the ``summary_text`` filter; None when the catalogue has no such word."""
    key = f"{area}.component.{component}"
    if key not in catalogue.MESSAGES:
        return None
    return {"summary": component, "message": {"summary": {"key": key, "params": {}}}}


def _errlog(findings: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The error log since the last inspection, from the ``errpt`` findings: {components:
    [{check_id, component, label (:func:`_component_label`), status, entries, critical,
    recovered, finding}] (a finding per component with the entries counted: worst first),
    perm_hardware: [{identifier, time, type, class, resource, label, line, status,
    component, recovered}] (the permanent hardware entries read from the findings' evidence,
    a failure followed by a recovery on the same resource marked recovered)}; None when no
    ``errpt`` finding was stored."""
    mine = _sorted(f for f in findings if _area(f["check_id"]) == "errpt")
    if not mine:
        return None
    components, perm = [], []
    for f in mine:
        values = f.get("values") or {}
        component = str(f.get("component") or "")
        count = _value(values, "count")
        failed, back = values.get("failed"), _value(values, "recovered")
        if not _number(count) and _number(failed):
            count = failed + (back if _number(back) else 0)
        if component and _number(count):
            critical = values.get("critical")
            components.append({"check_id": str(f["check_id"]), "component": component,
                               "label": _component_label("errpt", component),
                               "status": f["status"], "entries": count,
                               "critical": critical if _number(critical) else None,
                               "recovered": back if _number(back) else None, "finding": f})
        entries = [e for e in (_entry(line) for line in f.get("evidence") or []) if e]
        # the evidence is newest first: a failure is recovered when a newer recovery names
        # its resource
        for i, e in enumerate(entries):
            if e["type"] != "PERM" or e["class"] != "H" or _is_recovery(e):
                continue
            recovered = any(_is_recovery(n) and n["resource"] == e["resource"]
                            for n in entries[:i])
            perm.append(dict(e, status=f["status"], component=component,
                             check_id=str(f["check_id"]), recovered=recovered))
    components.sort(key=lambda c: (ORDER[c["status"]], c["check_id"], c["component"]))
    seen, unique = set(), []
    for e in sorted(perm, key=lambda e: (e["recovered"], _when(e["time"]), e["resource"],
                                         e["identifier"], e["line"])):
        if e["line"] not in seen:
            seen.add(e["line"])
            unique.append(e)
    return {"components": components, "perm_hardware": unique}


def _patch(findings: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The patch level: {oslevel, technology_level, end_of_service, service (the status of
    the level's service finding, ``aix_patch.oslevel``: None when there is none),
    reboot_count (the interim fixes waiting for a reboot, None when not known),
    reboot_findings (the interim fix findings saying so, to show their text)}; None without
    an ``aix_patch`` finding."""
    mine = _sorted(f for f in findings if _area(f["check_id"]) == "aix_patch")
    if not mine:
        return None
    out: dict[str, Any] = {"oslevel": "", "technology_level": "", "end_of_service": "",
                           "service": None, "reboot_count": None, "reboot_findings": []}
    service = []
    for f in mine:
        values = f.get("values") or {}
        if _about(f, ("oslevel",)) and not out["oslevel"]:
            out["oslevel"] = _text(_value(values, "oslevel"))
        for key in ("technology_level", "end_of_service"):
            value = _value(values, key)
            if not out[key] and value not in (None, "") and not isinstance(value, bool):
                out[key] = _text(value)
        if _about(f, ("oslevel", "service", "eos", "technology")) \
                or _value(values, "end_of_service") is not None:
            service.append(f)
        if _about(f, IFIX_WORDS):
            count = _value(values, "reboot")
            if _number(count):
                out["reboot_count"] = max(out["reboot_count"] or 0, count)
            elif count is True:
                out["reboot_count"] = max(out["reboot_count"] or 0, 1)
            if "reboot" in str(f.get("component") or "").lower() and f["status"] != "ok":
                out["reboot_findings"].append(f)
    if service:
        out["service"] = worst(f["status"] for f in service)
    return out


def _mksysb(findings: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The mksysb findings of ``aix_system``: [{component, check_id, status, path, date,
    age_days, max_age_days, finding}], the newest (smallest age) first."""
    out = []
    for f in _sorted(f for f in findings if _area(f["check_id"]) == "aix_system"):
        if not _about(f, MKSYSB_WORDS):
            continue
        values, limits = f.get("values") or {}, f.get("thresholds") or {}
        age = _value(values, "age_days")
        limit = _value(values, "max_age_days")
        if limit is None:
            # the limit it was judged against: the critical one when it is critical
            limit = (_value(limits, "critical_age_days") if f["status"] == "critical"
                     else None) or _value(limits, "max_age_days")
        out.append({"component": str(f.get("component") or ""), "check_id": str(f["check_id"]),
                    "status": f["status"], "path": _text(_value(values, "path")),
                    "date": _text(_value(values, "date")),
                    "age_days": age if _number(age) else None,
                    "max_age_days": limit if _number(limit) else None, "finding": f})
    out.sort(key=lambda m: (m["age_days"] is None, m["age_days"] or 0, m["path"],
                            m["component"], m["check_id"]))
    return out


def performance(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The performance figures of ``aix_system`` (vmstat, iostat, lparstat, svmon summaries):
    per finding whose check or component names a performance word
    (:data:`PERFORMANCE_WORDS`), its numbers (settings, deltas, the configuration
    ``config_*`` and the sample counts left out): [{check_id, component, status, figures:
    [{name, value}] by name}], sorted by check and component."""
    out = []
    for f in findings:
        if _area(f["check_id"]) != "aix_system" or not _about(f, PERFORMANCE_WORDS) \
                or _about(f, MKSYSB_WORDS):
            continue
        figures = []
        for name, value in sorted((f.get("values") or {}).items()):
            low = str(name).lower()
            if not _number(value) or low.endswith("_delta") or low.startswith("config_") \
                    or low in _COUNTS or any(w in low for w in _SETTING_WORDS):
                continue
            figures.append({"name": str(name), "value": value})
        if figures:
            out.append({"check_id": str(f["check_id"]),
                        "component": str(f.get("component") or ""), "status": f["status"],
                        "figures": figures})
    out.sort(key=lambda p: (p["check_id"], p["component"], ORDER[p["status"]]))
    return out


# ----------------------------------------------------------------------------- the HMC


def _names(value: Any) -> list[str]:
    """Names listed in a value: comma-separated (``aix01, aix02``), else by white space."""
    text = str(value or "")
    parts = text.split(",") if "," in text else text.split()
    return [n.strip() for n in parts if n.strip()]


def _firmware(values: Mapping[str, Any]) -> str:
    """A managed system's firmware from ``lslic`` values: the activated service pack's name
    and its EC number and level (``FW950.50 (01VL950 120)``), else what is given."""
    name = _text(values.get("activated_spname"))
    ec, level = _text(values.get("ecnumber")), _text(values.get("activated_level"))
    if ec and level:
        return f"{name} ({ec} {level})" if name else f"{ec} {level}"
    found = _value(values, "firmware")
    return "" if found is None or isinstance(found, bool) else _text(found)


def _hmc_entry(host: Mapping[str, Any]) -> dict[str, Any]:
    """An HMC's managed systems [{system, status, model, serial, state, firmware, lpars}] and
    open serviceable events [{system, status, refcode, check_id, component, finding,
    lpars}], from its ``hmc`` findings."""
    mine = _sorted(f for f in host.get("findings") or [] if _area(f["check_id"]) == HMC_AREA)
    systems: dict[str, dict[str, Any]] = {}
    events = []

    def system(name: str) -> dict[str, Any]:
        return systems.setdefault(name, {"system": name, "statuses": [], "model": "",
                                         "serial": "", "state": "", "firmware": "",
                                         "lpars": set()})

    for f in mine:
        values = f.get("values") or {}
        component = str(f.get("component") or "")
        on = _text(_value(values, "system"))
        if _about(f, EVENT_WORDS) or _value(values, "refcode") is not None:
            if f["status"] in FAULTS:
                events.append({"system": on or component, "status": f["status"],
                               "refcode": _text(_value(values, "refcode")),
                               "check_id": str(f["check_id"]), "component": component,
                               "finding": f, "listed": _names(_value(values, "lpars"))})
            continue  # no open event, or the events not read: in the area's rows
        lpar = _text(_value(values, "lpar"))
        if on and (lpar or _about(f, LPAR_WORDS)):
            system(on)["lpars"].add(lpar or component)
            continue
        name = on or component
        if not name or not values:
            continue  # a finding about the HMC itself (a source not read): in the area's rows
        entry = system(name)
        entry["statuses"].append(f["status"])
        for key in ("model", "serial", "state"):
            value = _value(values, key)
            if not entry[key] and value not in (None, "") and not isinstance(value, bool):
                entry[key] = _text(value)
        if not entry["firmware"]:
            entry["firmware"] = _firmware(values)
        entry["lpars"].update(_names(_value(values, "lpars")))
    out_systems = []
    for entry in systems.values():
        statuses = entry.pop("statuses")
        out_systems.append(dict(entry, status=worst(statuses) if statuses else None,
                                lpars=sorted(entry["lpars"], key=lambda n: (n.casefold(), n))))
    out_systems.sort(key=lambda s: (s["system"].casefold(), s["system"]))
    lpars = {s["system"]: s["lpars"] for s in out_systems}
    for event in events:
        listed = event.pop("listed")
        event["lpars"] = sorted(set(listed) | set(lpars.get(event["system"], [])),
                                key=lambda n: (n.casefold(), n))
    events.sort(key=lambda e: (ORDER[e["status"]], e["system"].casefold(), e["system"],
                               e["refcode"], e["check_id"], e["component"]))
    return {"systems": out_systems, "events": events}


def _lpar_key(name: str) -> str:
    return name.split(".", 1)[0].casefold()


def _aix_hosts_by_lpar(hosts: list[Mapping[str, Any]]) -> dict[str, str]:
    """{LPAR name (short, case-folded): AIX inventory host name}: a host's name (its short
    name, before the first dot), and the LPAR name the host reports (``aix_system`` identity
    ``lpar_name``)."""
    out: dict[str, str] = {}
    aix = [h for h in sorted(hosts, key=lambda h: str(h["name"])) if is_aix(h)]
    for host in aix:
        out.setdefault(_lpar_key(str(host["name"])), str(host["name"]))
    for host in aix:  # the LPAR name the host itself reports (prtconf), after the names
        lpar = identity(host.get("findings") or [])["lpar"]
        if lpar:
            out.setdefault(_lpar_key(lpar), str(host["name"]))
    return out


# ----------------------------------------------------------------------------- the view


def _area_entries(host: Mapping[str, Any], names: list[str], before, has_previous: bool,
                  rank: dict[str, int]) -> list[dict[str, Any]]:
    mine = [f for f in host.get("findings") or [] if _area(f["check_id"]) in names]
    covered = {c.get("area") for c in host.get("coverage") or []} & set(names)
    has = {_area(f["check_id"]) for f in mine} | covered | set(names)
    return [_trim(_area_entry(area, [f for f in mine if _area(f["check_id"]) == area], host,
                              before, has_previous, rank))
            for area in names if area in has]


def _changes(entries: list[dict[str, Any]]) -> dict[str, int]:
    rows = [r for e in entries for c in e["components"] for r in c["rows"]]
    out = {k: sum(1 for r in rows if r["change"] == k)
           for k in ("new", "worse", "better", "resolved", "now_unknown")}
    out["gone"] = sum(len(e["gone"]) for e in entries)
    out["grown"] = sum(1 for r in rows if r["growth"])
    return out


def aix_view(hosts: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The AIX section: {``hosts``: one entry per AIX host, ``hmcs``: one per HMC}, each
    sorted by name.

    An AIX host's entry: ``host`` / ``status`` / ``message``; ``identity`` (:func:`identity`)
    and ``shown`` {model, serial, firmware, oslevel}: the host's, else the inventory's;
    ``previous`` {run_id, inspected_at} or None; ``collected``; ``worst``; ``areas`` per AIX
    area the catalogue declares (the entries of :func:`.hardware.hardware_view`
    with ``quiet``: the OK and unchanged rows not listed in the error log and devices);
    ``errlog`` (:func:`_errlog`), ``patch`` (:func:`_patch`), ``mksysb`` (:func:`_mksysb`;
    the newest first), ``performance`` (:func:`performance`), ``hmc_events``: the open
    serviceable events of the managed system the host runs on, [{hmc, system, status,
    refcode, finding}]; ``changes`` as in the hardware section.

    An HMC's entry: ``host`` / ``status`` / ``message``, ``previous``, ``collected``,
    ``worst``, ``systems`` [{system, status, model, serial, state, firmware, lpars}],
    ``events`` [{system, status, refcode, finding, lpars, aix_hosts (the inventory's AIX
    hosts among the LPARs)}], ``areas`` (the ``hmc`` area's entry), ``changes``.
    """
    hosts = sorted(hosts, key=lambda h: str(h["name"]))
    rank = _check_rank()
    names = aix_areas()
    by_lpar = _aix_hosts_by_lpar(hosts)
    hmcs = []
    for host in hosts:
        if not is_hmc(host):
            continue
        previous, before = _previous(host)
        found = _hmc_entry(host)
        for event in found["events"]:
            event["aix_hosts"] = sorted({by_lpar[_lpar_key(n)] for n in event["lpars"]
                                         if _lpar_key(n) in by_lpar})
        mine = [f for f in host.get("findings") or [] if _area(f["check_id"]) == HMC_AREA]
        entries = _area_entries(host, [HMC_AREA] if HMC_AREA in catalogue.AREAS else [],
                                before, previous is not None, rank)
        hmcs.append({"host": str(host["name"]), "status": host["status"],
                     "message": host.get("message") or "", "previous": previous,
                     "collected": bool(mine),
                     "worst": worst(f["status"] for f in mine) if mine else None,
                     "systems": found["systems"], "events": found["events"],
                     "areas": entries, "changes": _changes(entries)})
    affecting: dict[str, list[dict[str, Any]]] = {}
    for hmc in hmcs:
        for event in hmc["events"]:
            for name in event["aix_hosts"]:
                affecting.setdefault(name, []).append({
                    "hmc": hmc["host"], "system": event["system"], "status": event["status"],
                    "refcode": event["refcode"], "finding": event["finding"]})
    out = []
    for host in hosts:
        if not is_aix(host):
            continue
        mine = [f for f in host.get("findings") or [] if _area(f["check_id"]) in names]
        previous, before = _previous(host)
        entries = _area_entries(host, names, before, previous is not None, rank)
        ident = identity(mine)
        asset = host.get("asset") or {}
        shown = {"model": ident["model"] or _text(asset.get("model")),
                 "serial": ident["serial"] or _text(asset.get("serial")),
                 "firmware": ident["firmware"] or _text(asset.get("firmware")),
                 "oslevel": ident["oslevel"] or _text(asset.get("os"))}
        events = sorted(affecting.get(str(host["name"]), []),
                        key=lambda e: (ORDER[e["status"]], e["hmc"], e["system"],
                                       e["refcode"], str(e["finding"]["check_id"])))
        out.append({"host": str(host["name"]), "status": host["status"],
                    "message": host.get("message") or "", "identity": ident, "shown": shown,
                    "previous": previous, "collected": bool(mine),
                    "worst": worst(f["status"] for f in mine) if mine else None,
                    "areas": entries, "errlog": _errlog(mine), "patch": _patch(mine),
                    "mksysb": _mksysb(mine), "performance": performance(mine),
                    "hmc_events": events, "changes": _changes(entries)})
    return {"hosts": out, "hmcs": hmcs}
