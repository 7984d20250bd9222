# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge software RAID, LVM and multipath (the ``volumes`` area).

:func:`evaluate` takes the data of ``parsers/linux_volumes.py`` (a section that could not be
read is ``{"error": message, "cause": cause}``; an absent one was not collected), the
thresholds (``catalogue.merge_thresholds("volumes", overrides)``) and the context (``now``,
``previous``: the previous inspection's counters).

``volumes.md_arrays``   per md array, from ``mdadm --detail`` where given, else /proc/mdstat:
                        critical when degraded (recovering or not), failed or inactive;
                        warning on a faulty member beside a full set of active ones, a
                        reshape, a resync or repair, or fewer spares than at the previous
                        inspection (a spare consumed); a scheduled ``check`` is ok.
``volumes.lvm_pvs``     critical per missing PV (pv_attr ``m``, ``[unknown]``).
``volumes.lvm_vgs``     critical per partial VG (vg_attr ``p``, vg_missing_pv_count).
``volumes.lvm_lvs``     per LV (hidden ``[...]`` sub-LVs left out): health from
                        lv_health_status, else lv_attr's 9th character; Cpy%Sync judged only
                        on RAID and mirror LVs (lv_attr type r/R/m/M, segtype raid*/mirror,
                        lv_layout): on cache LVs it is not a sync figure; raid0 never syncs.
``volumes.multipath``   per map: critical without an active path; warning per path not
                        active and ready or ghost (failed, faulty, shaky, offline, i/o
                        timeout, a state not known), or fewer active paths than min_paths.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.rules.common import section_failure as _failure

AREA = "volumes"
MAX_LISTED = 10


def _progress(value):
    if value is None:
        return "0"
    return f"{value:g}"


# --------------------------------------------------------------------------- md

def _md_arrays(data):
    """The arrays to judge: mdadm --detail's where given (with mdstat's progress), else
    /proc/mdstat's."""
    mdstat = data.get("mdstat")
    detail = data.get("mdadm_detail")
    usable = [s for s in (detail, mdstat) if s is not None and not _failure(s)]
    if not usable:
        return None, _failure(detail if detail is not None else mdstat) \
            or _failure(None)
    arrays = {}
    if mdstat is not None and not _failure(mdstat):
        for array in mdstat["arrays"]:
            faulty = [m["device"] for m in array["members"] if m["faulty"]]
            spares = [m["device"] for m in array["members"] if m["spare"]]
            arrays[array["name"]] = {
                "name": array["name"], "level": array["level"] or "?",
                # an Intel RST (imsm) or DDF container is always listed inactive: its
                # volumes (super external:/md127/0) are the arrays
                "container": (array["superblock"] in ("external:imsm", "external:ddf")),
                "inactive": array["state"] == "inactive", "failed": False,
                "degraded": (array["raid_devices"] is not None
                             and array["active_devices"] < array["raid_devices"]),
                "raid_devices": array["raid_devices"],
                "active_devices": array["active_devices"], "action": array["action"],
                "progress": array["progress"], "pending": array["pending"],
                "faulty": faulty, "spares": len(spares), "state": array["state"],
                "members": len([m for m in array["members"] if not m["spare"]
                                and not m["faulty"]]),
                "evidence": [f"{array['name']} : {array['state']} {array['level']} "
                             + " ".join(m["device"] + "".join(f"({f})" for f in m["flags"])
                                        for m in array["members"])
                             + (f" [{array['map']}]" if array["map"] else "")]}
    if detail is not None and not _failure(detail):
        for array in detail["arrays"]:
            words = [w.lower() for w in array["state_words"]]
            before = arrays.get(array["name"], {})
            faulty = [m["device"] or m["role"] for m in array["members"]
                      if "faulty" in m["state"]]
            spares = [m for m in array["members"] if m["state"] == "spare"]
            action = array["action"] or before.get("action")
            progress = array["progress"] if array["progress"] is not None \
                else before.get("progress")
            if action == "recovery" and "resyncing" in words:
                action = "resync"  # mdadm before 3.x says "Rebuild Status" for a resync too
            if action is None:
                for word, name in (("recovering", "recovery"), ("resyncing", "resync"),
                                   ("reshaping", "reshape"), ("checking", "check")):
                    if word in words:
                        action = name
            degraded = "degraded" in words or (
                array["raid_devices"] is not None and array["active_devices"] is not None
                and array["active_devices"] < array["raid_devices"])
            arrays[array["name"]] = {
                "name": array["name"], "level": array["level"] or "?",
                "container": array["level"] == "container",
                "inactive": "inactive" in words,
                "failed": "failed" in words or "not started" in words,
                "degraded": degraded, "raid_devices": array["raid_devices"],
                "active_devices": array["active_devices"], "action": action,
                "progress": progress, "pending": before.get("pending"), "faulty": faulty,
                "spares": len(spares), "state": array["state"],
                "members": len([m for m in array["members"] if "active" in m["state"]]),
                "evidence": [f"/dev/{array['name']}: State : {array['state']}"]
                + [f"{m['role']} {m['state']} {m['device']}".strip()
                   for m in array["members"]][:MAX_LISTED]
                + ([f"removed: {array['removed']}"] if array["removed"] else [])}
    return [arrays[name] for name in sorted(arrays)], None


def check_md_arrays(data, context=None):
    check_id = "volumes.md_arrays"
    context = context or {}
    arrays, failed = _md_arrays(data)
    if failed:
        return [unknown(check_id, msg("volumes.md.unreadable", reason=failed[0]),
                        cause=failed[1])]
    if not arrays:
        return [unknown(check_id, msg("volumes.md.none"), cause="not_applicable")]
    previous = context.get("previous") or {}
    findings = []
    for array in arrays:
        name, level = array["name"], array["level"]
        values = {k: array[k] for k in ("level", "raid_devices", "active_devices", "action",
                                        "progress", "spares", "state")}
        values["faulty"] = ", ".join(array["faulty"])
        active = array["active_devices"] if array["active_devices"] is not None \
            else array["members"]
        devices = array["raid_devices"] if array["raid_devices"] is not None \
            else array["members"]
        action, progress = array["action"], _progress(array["progress"])
        stored = previous.get(deltas.key(check_id, name, "spares"))
        status, summary, advice = "ok", msg("volumes.md.ok", array=name, level=level,
                                            active=active, devices=devices), None
        if array.get("container"):
            summary = msg("volumes.md.container", array=name)
        elif array["inactive"]:
            status, summary = "critical", msg("volumes.md.inactive", array=name)
            advice = msg("volumes.md.recommend_inactive")
        elif array["failed"]:
            status = "critical"
            summary = msg("volumes.md.failed_state", array=name, level=level,
                          state=array["state"])
            advice = msg("volumes.md.recommend_inactive")
        elif array["degraded"]:
            status = "critical"
            summary = msg("volumes.md.recovering", array=name, level=level, progress=progress) \
                if action == "recovery" else msg("volumes.md.degraded", array=name,
                                                 level=level, active=active, devices=devices)
            advice = msg("volumes.md.recommend_degraded")
        elif action == "reshape":
            status = "warning"
            summary = msg("volumes.md.reshaping", array=name, level=level, progress=progress)
            advice = msg("volumes.md.recommend_watch")
        elif array["faulty"]:
            status = "warning"
            summary = msg("volumes.md.faulty_member", array=name, level=level,
                          members=", ".join(array["faulty"][:MAX_LISTED]))
            advice = msg("volumes.md.recommend_faulty")
        elif action in ("resync", "repair", "recovery"):
            status = "warning"
            summary = msg("volumes.md.resyncing", array=name, level=level, progress=progress)
            advice = msg("volumes.md.recommend_watch")
        elif stored and stored.get("value") is not None \
                and int(stored["value"]) > array["spares"]:
            status = "warning"
            summary = msg("volumes.md.spare_consumed", array=name, level=level,
                          spares=array["spares"], previous=int(stored["value"]))
            advice = msg("volumes.md.recommend_spare")
            values["previous_spares"] = int(stored["value"])
        elif action == "check":
            summary = msg("volumes.md.ok_check", array=name, level=level, progress=progress)
        findings.append(make_finding(check_id, status, summary, component=name,
                                     evidence=array["evidence"], recommendation=advice or "",
                                     values=values))
    return findings


# --------------------------------------------------------------------------- lvm

def _lvm_section(data, key, check_id):
    section = data.get(key)
    failed = _failure(section)
    what = msg("volumes.lvm.what." + key)
    if failed:
        return None, [unknown(check_id, msg("volumes.lvm.unreadable", what=what,
                                            reason=failed[0]), cause=failed[1])]
    if not section["rows"]:
        return None, [unknown(check_id, msg("volumes.lvm.none", what=what),
                              cause="not_applicable")]
    return section["rows"], None


def _attr(row, key, index):
    value = row.get(key) or ""
    return value[index] if len(value) > index else ""


def check_lvm_pvs(data):
    check_id = "volumes.lvm_pvs"
    rows, done = _lvm_section(data, "pvs", check_id)
    if done:
        return done
    findings = []
    for row in rows:
        name = row.get("pv_name", "")
        if _attr(row, "pv_attr", 2) == "m" or name in ("[unknown]", "unknown device") \
                or row.get("pv_missing") == "missing":
            findings.append(make_finding(
                check_id, "critical",
                msg("volumes.lvm.pv_missing", pv=name or row.get("pv_uuid", "?"),
                    vg=row.get("vg_name") or "-"),
                component=name, evidence=[" ".join(str(v) for v in row.values())],
                recommendation=msg("volumes.lvm.recommend_missing"), values=row))
    if not findings:
        findings.append(make_finding(check_id, "ok", msg("volumes.lvm.pvs_ok", count=len(rows)),
                                     values={"pvs": len(rows)}))
    return findings


def check_lvm_vgs(data):
    check_id = "volumes.lvm_vgs"
    rows, done = _lvm_section(data, "vgs", check_id)
    if done:
        return done
    findings = []
    for row in rows:
        missing = str(row.get("vg_missing_pv_count") or "").strip()
        if _attr(row, "vg_attr", 3) == "p" or (missing.isdigit() and int(missing) > 0):
            summary = msg("volumes.lvm.vg_partial", vg=row.get("vg_name", "?"),
                          missing=missing) if missing.isdigit() else \
                msg("volumes.lvm.vg_partial_uncounted", vg=row.get("vg_name", "?"))
            findings.append(make_finding(
                check_id, "critical", summary,
                component=row.get("vg_name", ""), evidence=[" ".join(str(v) for v in
                                                                    row.values())],
                recommendation=msg("volumes.lvm.recommend_missing"), values=row))
    if not findings:
        findings.append(make_finding(check_id, "ok", msg("volumes.lvm.vgs_ok", count=len(rows)),
                                     values={"vgs": len(rows)}))
    return findings


# lv_attr's 9th character / lv_health_status -> (status, message key)
HEALTH = {"p": ("critical", "partial"), "partial": ("critical", "partial"),
          "r": ("warning", "refresh"), "refresh needed": ("warning", "refresh"),
          "m": ("warning", "mismatches"), "mismatches exist": ("warning", "mismatches"),
          "F": ("critical", "other"), "failed": ("critical", "other"),
          "D": ("critical", "other"), "out of data": ("critical", "other"),
          "M": ("warning", "other"), "metadata read only": ("warning", "other"),
          "E": ("critical", "other"), "error": ("critical", "other"),
          "X": ("warning", "other"), "unknown": ("warning", "other")}


# lv_attr's 9th letter "-" and an empty lv_health_status are healthy; (w)ritemostly marks a
# RAID1 image read only when the others cannot be (a setting, not a fault)
HEALTHY = ("", "-", "w", "writemostly")


def _segtype(row):
    segtype = (row.get("segtype") or "").strip()
    if segtype:
        return segtype
    layout = (row.get("lv_layout") or "").strip()
    if layout:
        return layout
    return {"r": "raid", "R": "raid", "m": "mirror", "M": "mirror", "C": "cache",
            "V": "thin", "t": "thin-pool", "s": "snapshot"}.get(_attr(row, "lv_attr", 0),
                                                                "linear")


def _syncs(row):
    """Whether Cpy%Sync is a sync figure on this LV: RAID (not raid0) and mirror only."""
    segtype = (row.get("segtype") or "").lower()
    layout = (row.get("lv_layout") or "").lower()
    kind = _attr(row, "lv_attr", 0)
    if "cache" in segtype or "cache" in layout or "thin" in segtype or kind in "CVtTdD" and kind:
        return False
    if segtype.startswith("raid0") or "raid0" in layout.split(","):
        return False
    return kind in ("r", "R", "m", "M") or segtype.startswith(("raid", "mirror")) \
        or "raid" in layout or "mirror" in layout


def check_lvm_lvs(data):
    check_id = "volumes.lvm_lvs"
    rows, done = _lvm_section(data, "lvs", check_id)
    if done:
        return done
    findings = []
    shown = [r for r in rows if not str(r.get("lv_name", "")).startswith("[")]
    raid = 0
    for row in shown:
        name = f"{row.get('vg_name', '')}/{row.get('lv_name', '')}"
        segtype = _segtype(row)
        evidence = [" ".join(f"{k}={v}" for k, v in row.items() if v not in ("", None))]
        health = (row.get("lv_health_status") or "").strip() or _attr(row, "lv_attr", 8)
        judged = HEALTH.get(health)
        if _attr(row, "lv_attr", 4) in ("I", "S"):
            # lv_attr state I / S: an invalid snapshot (it filled up and was dropped)
            findings.append(make_finding(
                check_id, "critical", msg("volumes.lvm.snapshot_invalid", lv=name),
                component=name, evidence=evidence,
                recommendation=msg("volumes.lvm.recommend_snapshot"),
                values={"attr": row.get("lv_attr"), "segtype": segtype}))
            continue
        syncs = _syncs(row)
        raid += syncs
        if not judged and health not in HEALTHY:
            # a health word or lv_attr letter this rule does not know: never taken as healthy
            findings.append(unknown(check_id, msg("reason.unexpected_value",
                                                  what=f"{name} health", value=health),
                                    component=name, cause="not_understood",
                                    evidence=evidence))
            continue
        if judged:
            status, kind = judged
            words = msg("volumes.lvm.health." + kind, **({"value": health}
                                                         if kind == "other" else {}))
            findings.append(make_finding(
                check_id, status, msg("volumes.lvm.lv_health", lv=name, segtype=segtype,
                                      health=words),
                component=name, evidence=evidence,
                recommendation=msg("volumes.lvm.recommend_health"),
                values={"health": health, "segtype": segtype, "attr": row.get("lv_attr")}))
            continue
        copy = str(row.get("copy_percent") or "").strip()
        if syncs and copy:
            try:
                # a decimal comma where the host's locale has one (de_DE: 100,00)
                sync = float(copy.replace(",", ".", 1) if copy.count(",") == 1 else copy)
            except ValueError:
                findings.append(unknown(check_id, msg("reason.not_a_number",
                                                      what=f"{name} Cpy%Sync", value=copy),
                                        component=name, cause="not_understood"))
                continue
            if sync < 100:
                findings.append(make_finding(
                    check_id, "warning", msg("volumes.lvm.lv_sync", lv=name, segtype=segtype,
                                             sync=f"{sync:g}"),
                    component=name, evidence=evidence,
                    recommendation=msg("volumes.lvm.recommend_sync"),
                    values={"copy_percent": sync, "segtype": segtype}))
    if not findings:
        findings.append(make_finding(check_id, "ok", msg("volumes.lvm.lvs_ok", count=len(shown),
                                                         raid=raid),
                                     values={"lvs": len(shown), "raid_or_mirror": raid}))
    return findings


# --------------------------------------------------------------------------- multipath

BAD_CHECKER = ("faulty", "shaky")
BAD_ONLINE = ("offline", "transport-offline")
GOOD_CHECKER = ("ready", "ghost")


def check_multipath(data, thresholds):
    check_id = "volumes.multipath"
    section = data.get("multipath")
    failed = _failure(section)
    if failed:
        return [unknown(check_id, msg("volumes.mp.unreadable", reason=failed[0]),
                        cause=failed[1])]
    if not section["maps"]:
        return [unknown(check_id, msg("volumes.mp.none"), cause="not_applicable")]
    min_paths = (thresholds.get("multipath") or {}).get("min_paths")
    findings = []
    for mpath in section["maps"]:
        paths = mpath["paths"]
        good = [p for p in paths if p["dm_state"] == "active" and p["checker"] in GOOD_CHECKER]
        # a path neither active and ready (ghost) nor failed ("i/o timeout", "undef", a
        # word weibao does not know) is not a working path either
        bad = [p for p in paths if p["dm_state"] == "failed" or p["checker"] in BAD_CHECKER
               or p["online"] in BAD_ONLINE or p not in good]
        evidence = [f"{mpath['name']} ({mpath['wwid']}) {mpath['dm']} {mpath['vendor']}".strip()]
        evidence += [f"{p['hcil']} {p['device']} {p['devnum']} {p['dm_state']} {p['checker']} "
                     f"{p['online']}".strip() for p in paths][:MAX_LISTED]
        values = {"paths": len(paths), "active": len(good),
                  "failed": ", ".join(p["device"] for p in bad), "min_paths": min_paths}
        common = dict(map=mpath["name"], active=len(good), paths=len(paths))
        if not good:
            status, summary = "critical", msg("volumes.mp.no_path", map=mpath["name"],
                                              paths=len(paths))
        elif bad:
            status = "warning"
            summary = msg("volumes.mp.bad_paths", bad=", ".join(
                f"{p['device']} ({p['dm_state']} {p['checker']} {p['online']})".replace(" )", ")")
                for p in bad[:MAX_LISTED]), **common)
        elif min_paths and len(good) < min_paths:
            status = "warning"
            summary = msg("volumes.mp.few_paths", map=mpath["name"], active=len(good),
                          min_paths=min_paths)
        else:
            status, summary = "ok", msg("volumes.mp.ok", **common)
        findings.append(make_finding(
            check_id, status, summary, component=mpath["name"], evidence=evidence,
            recommendation=msg("volumes.mp.recommend") if status != "ok" else "",
            values=values, thresholds={"min_paths": min_paths}))
    return findings


# --------------------------------------------------------------------------- all

def counters(data, context=None):
    """The md arrays' spare counts, for the next inspection's "spare consumed"."""
    arrays, failed = _md_arrays(data)
    if failed or not arrays:
        return []
    return [deltas.counter("volumes.md_arrays", a["name"], "spares", a["spares"])
            for a in arrays if not a["inactive"] and not a.get("container")]


def evaluate(data, thresholds=None, context=None):
    """All findings of the volumes area for one host, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    findings.extend(check_md_arrays(data, context))
    findings.extend(check_lvm_pvs(data))
    findings.extend(check_lvm_vgs(data))
    findings.extend(check_lvm_lvs(data))
    findings.extend(check_multipath(data, thresholds))
    return findings
