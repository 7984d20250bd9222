# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge hardware RAID controllers (the ``raid`` area): :func:`evaluate` takes the data of
``parsers/linux_raid.py``, the thresholds and the context (``now``, ``previous``: the
previous inspection's counters, ``check_id|component|name``).

- ``raid.controller``: one finding per controller: its status word (Optimal/OK ok; Needs
  Attention/Degraded warning; anything else critical), uncorrectable cache memory errors and
  safe mode (critical), cache preserved for an offline virtual drive (warning).
- ``raid.logical_drives``: one finding per logical drive: optimal ok; rebuilding (a degraded
  drive with a member rebuilding, ssacli Recovering, arcconf Rebuilding: critical, no
  redundancy until it completes; a copyback: warning) or initialising
  warning, with the progress where the tool prints it; degraded, partially degraded,
  interim recovery, failed, offline critical; a state word weibao does not know: unknown.
- ``raid.physical_drives``: one finding per controller naming its drives at fault: failed,
  offline, missing critical; rebuilding, unconfigured bad, predictive failure (state, count
  or S.M.A.R.T. alert) warning; media errors judged on their growth since the previous
  inspection (the total without one), keyed by the drive's serial number (:func:`counters`);
  ``values["media_errors_delta"]``: the controller's drives' new media errors since the
  previous inspection (None without a previous reading), for the report's change marker.
- ``raid.cache_battery``: one finding per controller: failed or missing critical; replace,
  about to fail, degraded, capacity low warning; learning or charging ok (it explains a
  temporary write-through); no module installed: unknown (not_applicable).
- ``raid.cache_policy``: one finding per controller: write-back (or always write-back)
  configured but write-through in force is a warning saying why where the battery or
  capacitor tells (failed, to replace, charging, none installed), ok while the battery's
  learn cycle explains a write-back drive's fallback; storcli's configured policy comes from
  ``/call/vall show all`` (``storcli_vd``); the cache size, available memory and ratio are
  in ``values`` (the quarterly report's cache use).
- ``raid.battery_capacity``: one finding per BBU whose storcli output gives its full-charge
  and design capacities: below the warning/critical percent of design (replace it before it
  fails); other modules are not judged (not applicable).

Never a false ok: a source that failed keeps its cause; a controller sysfs lists whose tool
is missing is ``unknown`` (tool_missing); a tool that found none of the controllers sysfs
lists is ``unknown``; no controller and no tool output: :func:`not_applicable`.
"""

from __future__ import annotations

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import (
    make_finding,
    unknown,
    worst,
)
from ansible.module_utils.weibao_inspection.findings import (
    not_applicable as not_applicable_entry,
)
from ansible.module_utils.weibao_inspection.messages import msg

AREA = "raid"
CONTROLLER = "raid.controller"
LOGICAL = "raid.logical_drives"
PHYSICAL = "raid.physical_drives"
BATTERY = "raid.cache_battery"
POLICY = "raid.cache_policy"
CAPACITY = "raid.battery_capacity"
CHECKS = (CONTROLLER, LOGICAL, PHYSICAL, BATTERY, POLICY, CAPACITY)
MAX_LISTED = 10

# which raw keys feed each check, per family (a failed key makes its checks unknown)
NEEDS = {
    CONTROLLER: {"storcli": ("storcli",), "megacli": ("megacli_adp",),
                 "ssacli": ("ssacli", "ssacli_status"), "arcconf": ("arcconf",)},
    LOGICAL: {"storcli": ("storcli", "storcli_vd"), "megacli": ("megacli_ld",),
              "ssacli": ("ssacli",), "arcconf": ("arcconf",)},
    PHYSICAL: {"storcli": ("storcli", "storcli_pd"), "megacli": ("megacli_pd",),
               "ssacli": ("ssacli",), "arcconf": ("arcconf",)},
    BATTERY: {"storcli": ("storcli", "storcli_bbu", "storcli_cv"), "megacli": ("megacli_bbu",),
              "ssacli": ("ssacli", "ssacli_status"), "arcconf": ("arcconf",)},
    POLICY: {"storcli": ("storcli", "storcli_vd"), "megacli": ("megacli_ld",),
             "ssacli": ("ssacli",), "arcconf": ("arcconf",)},
    CAPACITY: {"storcli": ("storcli_bbu",), "megacli": (), "ssacli": (), "arcconf": ()},
}
WHAT = {CONTROLLER: "raid.what.status", LOGICAL: "raid.what.logical",
        PHYSICAL: "raid.what.physical", BATTERY: "raid.what.battery",
        POLICY: "raid.what.cache"}
# the sysfs family -> the parsed families that cover it (storcli's controllers are MegaCli's)
COVERS = {"storcli": ("storcli", "megacli"), "ssacli": ("ssacli",), "arcconf": ("arcconf",)}
MAIN_KEYS = {"storcli": ("storcli", "megacli_adp", "megacli_ld", "megacli_pd"),
             "ssacli": ("ssacli", "ssacli_status"), "arcconf": ("arcconf",)}
# RAID-class PCI functions that are not hardware RAID controllers: Intel RST/VROC (md)
SOFTWARE_RAID_DRIVERS = ("ahci", "vmd", "nvme", "isci", "ata_piix")


# --------------------------------------------------------------------------- vocabulary


def ld_condition(state):
    s = " ".join(str(state or "").lower().split())
    if s in ("optl", "optimal", "ok", "okay") or s.startswith("optimal"):
        return "optimal"
    if "interim recovery" in s or "ready for rebuild" in s:
        return "degraded"
    if "rebuild" in s or "recovering" in s or s == "rec" or "copyback" in s:
        return "rebuilding"
    if any(w in s for w in ("initializ", "transforming", "expanding", "build/verify",
                            "impacted", "background", "erasing", "reshap")):
        return "initializing"
    if s in ("dgrd", "pdgd") or "degraded" in s or "suboptimal" in s:
        return "degraded"
    if s in ("ofln", "offline", "failed", "msng", "missing") or "fail" in s or \
            "offline" in s or "not available" in s:
        return "failed"
    return "other"


def pd_condition(state):
    s = " ".join(str(state or "").lower().split())
    if s.startswith(("onln", "online", "jbod")) or s in ("ok", "optimal"):
        return "online"
    if "predictive" in s:
        return "predictive"
    if s.startswith(("ubad", "unconfigured(bad)", "unconfigured bad", "ubunsp")):
        return "unconfigured_bad"
    if s.startswith(("rbld", "rebuild", "cpybck", "copyback")):
        return "rebuilding"
    if s.startswith(("failed", "msng", "missing", "defunct", "offln", "offline")) or \
            "fail" in s:
        return "failed"
    if s.startswith(("ghs", "dhs", "hotspare", "hot spare", "global hot-spare",
                     "dedicated hot-spare", "spare")) or "hot-spare" in s:
        return "spare"
    if s.startswith(("ugood", "ugunsp", "unconfigured(good)", "unconfigured good", "ready",
                     "raw")):
        return "unconfigured"
    if "shld" in s or "shield" in s:
        return "rebuilding"
    return "other"


def battery_condition(state):
    s = " ".join(str(state or "").lower().split())
    if s in ("optimal", "ok", "zmm optimal", "operational", "ready", "ok (charged)") \
            or s.startswith("optimal"):
        return "ok"
    if "learn" in s:
        return "learning"
    if "charg" in s:
        return "charging"
    if "degraded" in s or "needs attention" in s or s.startswith("dgd"):
        return "degraded"
    if "fail" in s or "missing" in s or "non operational" in s or "dead" in s:
        return "failed"
    if not s:
        return ""
    return "other"


def controller_condition(status):
    s = " ".join(str(status or "").lower().split())
    if s in ("optimal", "ok", "okay"):
        return "ok"
    if "needs attention" in s or "degraded" in s:
        return "warning"
    return "critical"


# --------------------------------------------------------------------------- helpers


def _values(ctrl):
    return {"family": ctrl["family"], "model": ctrl.get("model") or "",
            "serial": ctrl.get("serial") or ""}


def _not_read(check_id, ctrl, data):
    """The unknown finding of a controller whose sources for ``check_id`` were not read (not
    collected, or failed: the failure's own finding says why), or None."""
    keys = NEEDS[check_id][ctrl["family"]]
    read = set(data.get("read") or [])
    if read & set(keys):
        return None
    failed = [f for f in data.get("failures") or [] if f["source"] in keys]
    if failed:
        return unknown(check_id, msg("raid.source_failed", source=failed[0]["source"],
                                     reason=failed[0]["error"]),
                       component=ctrl["label"], cause=failed[0]["cause"], values=_values(ctrl))
    return unknown(check_id, msg("raid.not_read", controller=ctrl["label"],
                                 what=msg(WHAT[check_id]), source=keys[0]),
                   component=ctrl["label"], cause="incomplete", values=_values(ctrl))


def _join(messages):
    out = messages[0]
    for other in messages[1:]:
        out = msg("raid.join", first=out, second=other)
    return out


# --------------------------------------------------------------------------- controller


def check_controller(ctrl, data):
    blocked = _not_read(CONTROLLER, ctrl, data)
    if blocked:
        return blocked
    label = ctrl["label"]
    values = dict(_values(ctrl), status=ctrl["status"],
                  memory_uncorrectable=ctrl["memory_uncorrectable"],
                  safe_mode=ctrl["safe_mode"], preserved_cache=ctrl["preserved_cache"])
    problems, level = [], "ok"
    if ctrl["status"] is not None and controller_condition(ctrl["status"]) != "ok":
        level = controller_condition(ctrl["status"])
        problems.append(msg("raid.controller.bad", controller=label, status=ctrl["status"]))
    if ctrl["memory_uncorrectable"]:
        level = "critical"
        problems.append(msg("raid.controller.memory", controller=label,
                            count=ctrl["memory_uncorrectable"]))
    if ctrl["safe_mode"]:
        level = "critical"
        problems.append(msg("raid.controller.safe_mode", controller=label))
    advice = "raid.controller.recommendation"
    if ctrl["preserved_cache"]:
        level = worst([level, "warning"])
        problems.append(msg("raid.controller.preserved", controller=label))
        if level == "warning":
            advice = "raid.controller.preserved_recommendation"
    if problems:
        return make_finding(CONTROLLER, level, _join(problems), component=label, values=values,
                            recommendation=msg(advice))
    if ctrl["status"] is None:
        if ctrl["family"] == "megacli" and (ctrl["memory_uncorrectable"] is None
                                           or ctrl["preserved_cache"] is None):
            # MegaCli prints no status word: the lines judged instead must be there
            return unknown(CONTROLLER, msg("raid.controller.megacli_incomplete",
                                           controller=label),
                           component=label, cause="not_understood", values=values)
        if ctrl["family"] == "megacli":
            return make_finding(CONTROLLER, "ok", msg("raid.controller.ok_megacli",
                                                      controller=label),
                                component=label, values=values)
        return unknown(CONTROLLER, msg("raid.controller.no_status", controller=label),
                       component=label, cause="not_understood", values=values)
    return make_finding(CONTROLLER, "ok", msg("raid.controller.ok", controller=label,
                                              status=ctrl["status"]),
                        component=label, values=values)


# --------------------------------------------------------------------------- logical


def _rebuilding_member(ctrl, ld):
    """A member drive of ``ld`` that rebuilds (storcli: same drive group; MegaCli: the same
    group when the output names it, else any drive of the adapter), or None."""
    for pd in ctrl.get("physical") or []:
        if pd_condition(pd["state"]) != "rebuilding":
            continue
        if ld.get("group") in (None, "") or pd.get("group") in (None, "") \
                or str(pd["group"]) == str(ld["group"]):
            return pd
    return None


def check_logical(ctrl, data):
    blocked = _not_read(LOGICAL, ctrl, data)
    if blocked:
        return [blocked]
    drives = ctrl.get("logical") or []
    if not drives:
        return [unknown(LOGICAL, msg("raid.ld.none", controller=ctrl["label"]),
                        component=ctrl["label"], cause="not_applicable", values=_values(ctrl))]
    findings = []
    for ld in drives:
        condition = ld_condition(ld["state"])
        progress = ld.get("progress")
        if condition == "degraded":
            member = _rebuilding_member(ctrl, ld)
            if member is not None:
                condition = "rebuilding"
                progress = progress if progress is not None else member.get("progress")
        values = dict(_values(ctrl), raid=ld["raid"], state=ld["state"], condition=condition,
                      progress=progress)
        raid = ld["raid"] or "RAID"
        params = dict(drive=ld["name"], raid=raid, state=ld["state"])
        evidence = [f"{ld['name']}: {ld['raid']} {ld['state']}"]
        if condition == "optimal":
            findings.append(make_finding(LOGICAL, "ok", msg("raid.ld.ok", **params),
                                         component=ld["name"], values=values,
                                         evidence=evidence))
        elif condition == "rebuilding":
            summary = msg("raid.ld.rebuilding", progress=f"{progress:g}%", **params) \
                if progress is not None else msg("raid.ld.rebuilding_no_progress", **params)
            # a rebuild restores redundancy the drive does not have until it completes (as
            # an md array recovering); a copyback back from a hot spare keeps it
            status = "warning" if "copyback" in str(ld["state"]).lower() \
                or "cpybck" in str(ld["state"]).lower() else "critical"
            findings.append(make_finding(LOGICAL, status, summary, component=ld["name"],
                                         values=values, evidence=evidence,
                                         recommendation=msg("raid.ld.watch_recommendation")))
        elif condition == "initializing":
            findings.append(make_finding(LOGICAL, "warning",
                                         msg("raid.ld.initializing", **params),
                                         component=ld["name"], values=values,
                                         evidence=evidence,
                                         recommendation=msg("raid.ld.watch_recommendation")))
        elif condition == "degraded":
            findings.append(make_finding(LOGICAL, "critical", msg("raid.ld.degraded", **params),
                                         component=ld["name"], values=values,
                                         evidence=evidence,
                                         recommendation=msg("raid.ld.recommendation")))
        elif condition == "failed":
            findings.append(make_finding(LOGICAL, "critical", msg("raid.ld.failed", **params),
                                         component=ld["name"], values=values,
                                         evidence=evidence,
                                         recommendation=msg("raid.ld.failed_recommendation")))
        else:
            findings.append(unknown(LOGICAL, msg("raid.ld.other", **params),
                                    component=ld["name"], cause="not_understood",
                                    values=values, evidence=evidence))
    return findings


# --------------------------------------------------------------------------- physical


def _counter_component(ctrl, pd):
    return pd.get("serial") or f"{ctrl.get('serial') or ctrl['label']} {pd['name']}"


def _media(ctrl, pd, context):
    """(new errors, message, delta) of a drive's media error count."""
    value = pd["media_errors"]
    previous = (context or {}).get("previous") or {}
    reading = previous.get(deltas.key(PHYSICAL, _counter_component(ctrl, pd), "media_errors"))
    d = deltas.delta(value, reading if isinstance(reading, dict) else None,
                     now=(context or {}).get("now"))
    name = msg("raid.counter.media_errors")
    if d["previous"] is None:
        return value, msg("raid.count.total", name=name, value=value), d
    key = "raid.count.reset" if d["lower_bound"] else "raid.count.new"
    return d["delta"], msg(key, name=name, value=value, delta=d["delta"],
                           since=d["since"] or "?"), d


def _drive_problems(ctrl, pd, thresholds, context, deltas_seen=None):
    """[(level, message)] of one drive: its state, predictive failure, new media errors;
    the media errors' delta (when there is a previous reading) is appended to
    ``deltas_seen``."""
    condition = pd_condition(pd["state"])
    name = pd["name"] + (f" {pd['serial']}" if pd.get("serial") else "")
    out = []
    if condition == "failed":
        if pd.get("media_errors") is not None and deltas_seen is not None:
            d = _media(ctrl, pd, context)[2]
            if d["delta"] is not None:
                deltas_seen.append(d["delta"])
        return [("critical", msg("raid.pd.failed", drive=name, state=pd["state"]))]
    if condition == "rebuilding":
        out.append(("warning", msg("raid.pd.rebuilding_progress", drive=name,
                                   progress=f"{pd['progress']:g}%")
                    if pd.get("progress") is not None else msg("raid.pd.rebuilding", drive=name)))
    elif condition == "unconfigured_bad":
        out.append(("warning", msg("raid.pd.bad", drive=name)))
    predictive = pd.get("predictive")
    detail = None
    if condition == "predictive":
        detail = msg("raid.pd.detail.state", state=pd["state"])
    elif pd.get("smart_alert"):
        detail = msg("raid.pd.detail.smart")
    elif predictive is not None and predictive >= (thresholds.get("predictive") or 1):
        detail = msg("raid.pd.detail.smart_warnings", count=predictive) \
            if ctrl["family"] == "arcconf" else msg("raid.pd.detail.count", count=predictive)
    if detail is not None:
        out.append(("warning", msg("raid.pd.predictive", drive=name, detail=detail)))
    if pd.get("media_errors") is not None:
        new, text, d = _media(ctrl, pd, context)
        if deltas_seen is not None and d["delta"] is not None:
            deltas_seen.append(d["delta"])
        if new is not None and new > 0 and new >= (thresholds.get("media_errors") or 1):
            out.append(("warning", msg("raid.pd.media", drive=name, count=text)))
    return out


def _drive_evidence(pd):
    return " ".join(str(x) for x in (
        pd["name"], pd["state"], pd.get("serial") or "", pd.get("model") or "",
        "" if pd.get("media_errors") is None else f"media={pd['media_errors']}",
        "" if pd.get("predictive") is None else f"predictive={pd['predictive']}") if x)


def check_physical(ctrl, data, thresholds, context):
    blocked = _not_read(PHYSICAL, ctrl, data)
    if blocked:
        return blocked
    label = ctrl["label"]
    drives = ctrl.get("physical") or []
    if not drives:
        return unknown(PHYSICAL, msg("raid.pd.none", controller=label), component=label,
                       cause="not_applicable", values=_values(ctrl))
    problems, counts, seen = [], {}, []
    for pd in drives:
        condition = pd_condition(pd["state"])
        counts[condition] = counts.get(condition, 0) + 1
        problems.extend(_drive_problems(ctrl, pd, thresholds, context, seen))
    values = dict(_values(ctrl), drives=len(drives),
                  media_errors_delta=sum(seen) if seen else None)
    values.update({f"drives_{k}": v for k, v in sorted(counts.items())})
    evidence = [_drive_evidence(pd) for pd in drives]
    other = [f"{pd['name']} {pd['state']!r}" for pd in drives
             if pd_condition(pd["state"]) == "other"]
    if other and not problems:
        # a state word weibao does not know is not a healthy drive
        return unknown(PHYSICAL, msg("raid.pd.other", controller=label,
                                     drives=other[:MAX_LISTED]),
                       component=label, cause="not_understood", values=values,
                       evidence=evidence)
    if not problems:
        states = [msg("raid.pd.state_count", count=v, state=msg(f"raid.pd.condition.{k}"))
                  for k, v in sorted(counts.items())]
        return make_finding(PHYSICAL, "ok", msg("raid.pd.ok", controller=label,
                                                count=len(drives), states=states),
                            component=label, values=values, evidence=evidence)
    level = worst(p[0] for p in problems)
    return make_finding(PHYSICAL, level, msg("raid.pd.summary", controller=label,
                                             problems=[p[1] for p in problems][:MAX_LISTED]),
                        component=label, values=values, evidence=evidence,
                        thresholds={"media_errors": thresholds.get("media_errors") or 1,
                                    "predictive": thresholds.get("predictive") or 1},
                        recommendation=msg("raid.pd.recommendation" if level == "critical"
                                           else "raid.pd.watch_recommendation"))


# --------------------------------------------------------------------------- battery


KINDS = {"battery": "battery", "battery/capacitor": "battery_capacitor",
         "backup power": "backup_power", "backup unit": "backup_unit", "zmm": "zmm",
         "bbu": "bbu", "cachevault": "cachevault"}


def _kind(battery):
    """The module's kind as a message (BBU, CacheVault, ZMM, ...)."""
    kind = str((battery or {}).get("kind") or "battery")
    key = KINDS.get(kind.lower())
    return msg(f"raid.kind.{key}") if key else kind


def _transient(battery):
    """"learning" or "charging" when the module's state explains a write-through, else ""."""
    if not battery or not battery.get("present"):
        return ""
    if battery.get("learning"):
        return "learning"
    condition = battery_condition(battery.get("state"))
    return condition if condition in ("learning", "charging") else ""


def check_battery(ctrl, data):
    blocked = _not_read(BATTERY, ctrl, data)
    if blocked:
        return blocked
    label = ctrl["label"]
    battery = ctrl.get("battery")
    if battery is None:
        return unknown(BATTERY, msg("raid.battery.no_state", controller=label),
                       component=label, cause="not_understood", values=_values(ctrl))
    if not battery["present"]:
        return unknown(BATTERY, msg("raid.battery.absent", controller=label), component=label,
                       cause="not_applicable", values=dict(_values(ctrl), present=False))
    kind = _kind(battery)
    state = battery["state"]
    condition = battery_condition(state)
    values = dict(_values(ctrl), kind=battery["kind"] or "", state=state, condition=condition,
                  replace=battery["replace"], learning=battery["learning"])
    problems, level = [], "ok"
    if condition == "failed":
        level = "critical"
        problems.append(msg("raid.battery.problem.failed"))
    if battery.get("missing"):
        level = "critical"
        problems.append(msg("raid.battery.problem.missing"))
    for flag in ("replace", "about_to_fail", "capacity_low"):
        if battery.get(flag):
            level = worst([level, "warning"])
            problems.append(msg(f"raid.battery.problem.{flag}"))
    if condition == "degraded":
        level = worst([level, "warning"])
        problems.append(msg("raid.battery.problem.degraded"))
    if problems:
        return make_finding(BATTERY, level, msg("raid.battery.problems", controller=label,
                                                kind=kind, state=state or "?",
                                                problems=problems),
                            component=label, values=values,
                            recommendation=msg("raid.battery.recommendation"))
    transient = _transient(battery)
    if transient:
        return make_finding(BATTERY, "ok", msg("raid.battery.transient", controller=label,
                                               kind=kind, state=state or "?",
                                               why=msg(f"raid.battery.why.{transient}")),
                            component=label, values=values)
    if condition == "ok":
        return make_finding(BATTERY, "ok", msg("raid.battery.ok", controller=label, kind=kind,
                                               state=state),
                            component=label, values=values)
    if condition == "" and battery.get("replace") is False:
        # MegaCli 8.0x prints an empty "Battery state:": judged on its fault flags
        return make_finding(BATTERY, "ok", msg("raid.battery.ok_flags", controller=label,
                                               kind=kind),
                            component=label, values=values)
    return unknown(BATTERY, msg("raid.battery.no_state", controller=label) if not state
                   else msg("raid.battery.other", controller=label, kind=kind, state=state),
                   component=label, cause="not_understood", values=values)


# --------------------------------------------------------------------------- cache policy


def _policy(code):
    return msg({"WB": "raid.cache.policy.wb", "WT": "raid.cache.policy.wt",
                "AWB": "raid.cache.policy.awb"}.get(code, "raid.cache.policy.unknown"))


def _battery_problems(battery):
    """The battery's or capacitor's faults as messages (failed, missing, replace, ...)."""
    out = []
    if battery_condition(battery.get("state")) == "failed":
        out.append(msg("raid.battery.problem.failed"))
    for flag in ("missing", "replace", "about_to_fail", "capacity_low"):
        if battery.get(flag):
            out.append(msg(f"raid.battery.problem.{flag}"))
    if battery_condition(battery.get("state")) == "degraded":
        out.append(msg("raid.battery.problem.degraded"))
    return out


def _fallback_why(battery):
    """Why write-back fell back to write-through, as far as the battery's state tells, or
    None: no module installed, its faults, or it charging."""
    if not battery:
        return None
    if not battery.get("present"):
        return msg("raid.cache.why.absent")
    problems = _battery_problems(battery)
    if problems:
        return msg("raid.cache.why.battery", kind=_kind(battery),
                   state=battery.get("state") or "?", problems=problems)
    if _transient(battery) == "charging":
        return msg("raid.cache.why.charging", kind=_kind(battery))
    return None


def check_policy(ctrl, data):
    blocked = _not_read(POLICY, ctrl, data)
    if blocked:
        return blocked
    label = ctrl["label"]
    cache = ctrl.get("cache") or {}
    values = dict(_values(ctrl), cache_size_mb=cache.get("size_mb"),
                  cache_available_mb=cache.get("available_mb"),
                  cache_ratio=cache.get("ratio") or "", cache_status=cache.get("status"))
    drives = ctrl.get("logical") or []
    if not drives:
        return unknown(POLICY, msg("raid.cache.none", controller=label), component=label,
                       cause="not_applicable", values=values)
    fallback = [ld for ld in drives
                if ld["cache_configured"] in ("WB", "AWB") and ld["cache_current"] == "WT"]
    values.update(write_back=sum(1 for ld in drives if ld["cache_current"] == "WB"),
                  write_through=sum(1 for ld in drives if ld["cache_current"] == "WT"),
                  fallback=len(fallback))
    listed = [msg("raid.cache.drive", drive=ld["name"],
                  policy=_policy(ld["cache_current"] or ld["cache_configured"]))
              for ld in drives][:MAX_LISTED]
    evidence = [f"{ld['name']}: configured {ld['cache_configured'] or '?'}, current "
                f"{ld['cache_current'] or '?'}" for ld in drives]
    if cache.get("details"):
        evidence.append(f"Cache Status Details: {cache['details']}")
    if fallback:
        names = [msg("raid.cache.drive_configured", drive=ld["name"],
                     policy=_policy(ld["cache_configured"]))
                 for ld in fallback][:MAX_LISTED]
        battery = ctrl.get("battery")
        # a learn cycle discharges the module on purpose: write-through meanwhile is by design
        # (always write-back ignores the battery: a learn cycle does not explain its fallback)
        transient = "learning" if _transient(battery) == "learning" and all(
            ld["cache_configured"] == "WB" for ld in fallback) else ""
        if transient:
            return make_finding(POLICY, "ok", msg(
                "raid.cache.fallback_transient", controller=label,
                kind=_kind(battery), why=msg(f"raid.battery.why.{transient}"),
                drives=names),
                component=label, values=values, evidence=evidence)
        why = _fallback_why(battery)
        summary = msg("raid.cache.fallback_reason", controller=label, why=why, drives=names) \
            if why is not None else msg("raid.cache.fallback", controller=label, drives=names)
        return make_finding(POLICY, "warning", summary,
                            component=label, values=values, evidence=evidence,
                            recommendation=msg("raid.cache.recommendation"))
    if all(ld["cache_configured"] is None and ld["cache_current"] is None for ld in drives):
        return unknown(POLICY, msg("raid.cache.no_policy", controller=label), component=label,
                       cause="not_understood", values=values, evidence=evidence)
    if all(ld["cache_configured"] is None for ld in drives):
        return make_finding(POLICY, "ok", msg("raid.cache.current_only", controller=label,
                                              drives=listed),
                            component=label, values=values, evidence=evidence)
    return make_finding(POLICY, "ok", msg("raid.cache.ok", controller=label, drives=listed),
                        component=label, values=values, evidence=evidence)


# --------------------------------------------------------------------------- capacity


def _capacity_module(ctrl):
    """The BBU of ``ctrl`` when its output gives both capacities, else None."""
    battery = ctrl.get("battery") or {}
    if battery.get("present") and battery.get("full_mah") and battery.get("design_mah"):
        return battery
    return None


def check_capacity(ctrl, thresholds):
    """A BBU's full-charge capacity against its design capacity. The component names the
    controller by its number only: the finding reads one source (storcli /call/bbu)."""
    battery = _capacity_module(ctrl)
    module = f"storcli /c{ctrl['id']} {battery['kind'] or 'BBU'}"
    pct = round(100.0 * battery["full_mah"] / battery["design_mah"], 1)
    warn, crit = thresholds.get("warning"), thresholds.get("critical")
    values = {"full_mah": battery["full_mah"], "design_mah": battery["design_mah"],
              "percent": pct}
    params = dict(module=module, full=battery["full_mah"], design=battery["design_mah"],
                  pct=f"{pct:g}")
    level = "critical" if crit and pct < crit else "warning" if warn and pct < warn else "ok"
    if level == "ok":
        return make_finding(CAPACITY, "ok", msg("raid.capacity.ok", **params), component=module,
                            values=values)
    return make_finding(CAPACITY, level, msg("raid.capacity.low", **params), component=module,
                        values=values, thresholds={"warning": warn, "critical": crit},
                        recommendation=msg("raid.capacity.recommendation"))


def _capacity_findings(data, thresholds, context):
    judged = [check_capacity(c, thresholds) for c in data.get("controllers") or []
              if _capacity_module(c) is not None]
    read = "storcli_bbu" in (data.get("read") or [])
    if not judged and read and data.get("present") is None:
        # judged alone (weibao judge): say why nothing was judged; on a host, coverage gets
        # the check as not applicable (not_applicable())
        return [unknown(CAPACITY, msg("raid.capacity.none", source="storcli_bbu"),
                        cause="not_applicable")]
    return judged


# --------------------------------------------------------------------------- the area


def _present_problems(data):
    """Unknown findings (every check) for controllers sysfs lists that no tool read."""
    present = data.get("present") or []
    families = {c["family"] for c in data.get("controllers") or []}
    failures = data.get("failures") or []
    raw_read = set(data.get("read") or []) | {f["source"] for f in failures}
    out = []
    for entry in present:
        family = str(entry.get("family") or "")
        pci = str(entry.get("pci") or "?")
        driver = str(entry.get("driver") or "?")
        if not family:
            if driver in SOFTWARE_RAID_DRIVERS:
                continue
            reason, cause = msg("raid.no_tool_known", pci=pci, driver=driver), "tool_missing"
        elif families & set(COVERS.get(family, (family,))):
            continue
        else:
            mine = [f for f in failures if f["source"] in MAIN_KEYS.get(family, (family,))]
            if mine and mine[0]["cause"] == "tool_missing":
                reason = msg("raid.tool_missing", pci=pci, driver=driver, family=family,
                             reason=mine[0]["error"])
                cause = "tool_missing"
            elif mine:
                continue  # the failure's own findings say why
            elif raw_read & set(MAIN_KEYS.get(family, (family,))):
                reason = msg("raid.tool_found_none", pci=pci, driver=driver, family=family)
                cause = "source_unreadable"
            else:
                reason = msg("raid.family_not_collected", pci=pci, driver=driver,
                             family=family)
                cause = "incomplete"
        out.extend(unknown(c, reason, component=pci, cause=cause,
                           values={"pci": pci, "driver": driver, "family": family})
                   for c in CHECKS)
    return out


def _failures(data):
    """The failures that matter: a tool missing on a host whose sysfs lists no controller of
    its family is not needed there (the collector tries every tool it knows)."""
    present = data.get("present")
    if present is None:
        return list(data.get("failures") or [])
    families = {str(p.get("family") or "") for p in present}
    return [f for f in data.get("failures") or [] if f["cause"] != "tool_missing"
            or ("storcli" if f["family"] == "megacli" else f["family"]) in families]


def _failure_findings(data):
    """Unknown findings of the sources that failed, for the checks they feed; a tool missing
    for a controller sysfs lists is said by :func:`_present_problems` instead."""
    present_families = {str(p.get("family") or "") for p in data.get("present") or []}
    out = []
    for failure in _failures(data):
        family = "storcli" if failure["family"] == "megacli" else failure["family"]
        if failure["cause"] == "tool_missing" and family in present_families:
            continue
        for check_id in CHECKS:
            if failure["source"] in NEEDS[check_id][failure["family"]]:
                out.append(unknown(check_id, msg("raid.source_failed",
                                                 source=failure["source"],
                                                 reason=failure["error"]),
                                   component=failure["source"], cause=failure["cause"]))
    return out


def _nothing(data):
    return not data.get("controllers") and not _failures(data) \
        and not _present_problems(data)


def not_applicable(data):
    """No RAID controller (sysfs lists none the tools could read) and no tool output: the
    area's checks do not apply to this host."""
    if data.get("present") is not None and _nothing(data):
        return [not_applicable_entry(c, msg("raid.not_applicable")) for c in CHECKS]
    if data.get("present") is not None and not any(
            _capacity_module(c) for c in data.get("controllers") or []) and not any(
            f["source"] == "storcli_bbu" for f in data.get("failures") or []) \
            and not _present_problems(data):
        return [not_applicable_entry(CAPACITY, msg("raid.capacity.none",
                                                   source="storcli_bbu"))]
    return []


def counters(data, context=None):
    """Every drive's media error count, keyed by its serial number (its controller and slot
    without one), for the next inspection's deltas."""
    out = []
    for ctrl in data.get("controllers") or []:
        for pd in ctrl.get("physical") or []:
            if pd.get("media_errors") is not None:
                out.append(deltas.counter(PHYSICAL, _counter_component(ctrl, pd),
                                          "media_errors", pd["media_errors"]))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the raid area, controller by controller, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    if _nothing(data):
        if data.get("present") is not None:
            return []  # not applicable: see not_applicable()
        source = context.get("source") or "raid"
        return [unknown(c, msg("raid.none_in_output", source=source), cause="not_applicable")
                for c in CHECKS]
    findings = _failure_findings(data) + _present_problems(data)
    for ctrl in data.get("controllers") or []:
        findings.append(check_controller(ctrl, data))
        findings.extend(check_logical(ctrl, data))
        findings.append(check_physical(ctrl, data, thresholds.get("physical_drives") or {},
                                       context))
        findings.append(check_battery(ctrl, data))
        findings.append(check_policy(ctrl, data))
    findings.extend(_capacity_findings(data, thresholds.get("battery_capacity") or {},
                                       context))
    return findings
