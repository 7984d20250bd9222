# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a host's links through their error counters (the ``links`` area): :func:`evaluate`
takes the data of ``parsers/linux_links.py``, the thresholds and the context (``now``,
``since``, ``previous``: the previous inspection's counters, ``check_id|component|name``).

- ``links.fc_ports``: one finding per FC port (port_state; a port Online at the previous
  inspection and down now is a lost link: critical).
- ``links.fc_errors``: per FC port, frame errors (invalid CRC, invalid transmission words,
  error frames) and link events (link failures, loss of sync/signal, primitive sequence
  errors) as increases since the previous inspection. A counter that went down, or
  ``seconds_since_last_reset`` that went back, is a reset: the increase is then at least
  the current value. A port's first inspection is a baseline: its frame-error totals since
  the counters' last reset are judged against ``baseline_warning``, its link events (which
  every link bring-up counts) are recorded, not judged. A counter the driver does not
  support (``0xffffffffffffffff``) gets an ``unknown`` finding naming it, never 0.
- ``links.sas_phys``: per SAS PHY, the invalid dword, running disparity and loss of dword
  sync counters (their largest increase), new PHY reset problems, an enabled PHY that is
  disabled, failed its rate negotiation or lost the link it had. A PHY whose driver reports
  no link rates (hpsa, smartpqi: stub counters, always 0) is ``unknown``.
- ``links.nic_errors_ethtool``: per interface, symbol and alignment errors from ``ethtool
  -S`` (CRC, carrier and length counts are shown: ``system.nic_errors`` judges them from the
  kernel's generic statistics, so they are never reported twice).
- ``links.ras_errors``: rasdaemon's records since the previous inspection (its counts; else
  the records after ``since``; else the whole database).

Components are the host's FC host (``host3``), PHY (``phy-0:4``), interface or
``rasdaemon``; FC counters are keyed by the port's WWPN (host numbers change across
reboots). No FC host, SAS PHY, NIC or rasdaemon: :func:`not_applicable`.
"""

from __future__ import annotations

import datetime

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import make_finding, unknown, worst
from ansible.module_utils.weibao_inspection.findings import not_applicable as not_applicable_entry
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.linux_links import ras_time
from ansible.module_utils.weibao_inspection.rules.common import section_failure

AREA = "links"
FC_PORTS = "links.fc_ports"
FC_ERRORS = "links.fc_errors"
SAS = "links.sas_phys"
ETHTOOL = "links.nic_errors_ethtool"
RAS = "links.ras_errors"
CHECKS = (FC_PORTS, FC_ERRORS, SAS, ETHTOOL, RAS)

FC_FRAME = ("invalid_crc_count", "invalid_tx_word_count", "error_frames")
# judged on a port's first inspection: the frames received bad (invalid transmission words
# also count at every link bring-up, so their total says little without a previous reading)
FC_FRAME_BASELINE = ("invalid_crc_count", "error_frames")
FC_LINK = ("link_failure_count", "loss_of_sync_count", "loss_of_signal_count",
           "prim_seq_protocol_err_count")
FC_DOWN = ("Linkdown", "Offline")
FC_UNKNOWN = ("Unknown", "Not Present", "Deleted")
SAS_ERRORS = ("invalid_dword_count", "running_disparity_error_count",
              "loss_of_dword_sync_count")
SAS_RESET = "phy_reset_problem_count"
SAS_FAILED_RATES = ("Phy disabled", "Link Rate failed")
ETH_JUDGED = ("symbol_errors", "alignment_errors")
ETH_SHOWN = ("crc_errors", "carrier_errors", "length_errors")
RAS_CRITICAL = ("memory_uncorrected", "aer_fatal", "mce_uncorrected")
RAS_SHOWN = ("memory_uncorrected", "aer_fatal", "mce_uncorrected", "aer_nonfatal",
             "memory_corrected", "aer_corrected", "mce_corrected", "other")
# Counters named in a summary per group (the largest); all are in the values and evidence
MAX_SHOWN = 3
# The store keeps signed 64-bit integers
MAX_STORED_COUNTER = 2 ** 63 - 1


def _previous(context):
    return (context or {}).get("previous") or {}


def _reading(check_id, component, name, context):
    reading = _previous(context).get(deltas.key(check_id, component, name))
    return reading if isinstance(reading, dict) and reading.get("value") is not None else None


def _grew(check_id, component, names, values, context, reset=False):
    """{name: deltas.delta(...)} of the counters in ``values`` (None values left out);
    ``reset``: the counters restarted whatever their values say."""
    out = {}
    # PHY, FC and NIC counters restart when the host boots (the driver loads again);
    # rasdaemon's database keeps its records across boots
    boot = "" if check_id == RAS else (context or {}).get("boot_time") or ""
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        d = deltas.delta(value, _reading(check_id, component, name, context),
                         boot_time=boot, now=(context or {}).get("now"))
        if reset and d["previous"] is not None and not d["lower_bound"]:
            d.update(delta=value, lower_bound=True, reset="decreased")
        out[name] = d
    return out


def _count_texts(grown):
    """The counters that grew, as messages (``name +n``), largest first."""
    items = sorted(((d["delta"], n, d) for n, d in grown.items() if d["delta"]),
                   key=lambda x: (-x[0], x[1]))
    return [msg("links.count.reset" if d["lower_bound"] else "links.count.new", name=n,
                delta=delta) for delta, n, d in items[:MAX_SHOWN]] or [msg("links.none")]


def _total_texts(values, names):
    items = [(values[n], n) for n in names if values.get(n)]
    items.sort(key=lambda x: (-x[0], x[1]))
    return [msg("links.count.total", name=n, value=v)
            for v, n in items[:MAX_SHOWN]] or [msg("links.none")]


def _since(grown):
    return next((d["since"] for d in grown.values() if d["since"]), None) or "?"


def _section(data, key, check_id, component):
    """(section, None) or (None, [unknown finding]) or (None, []) when absent."""
    section = data.get(key)
    if section is None:
        return None, []
    failed = section_failure(section)
    if failed:
        return None, [unknown(check_id, failed[0], component=component, cause=failed[1])]
    return section, None


# --------------------------------------------------------------------------- FC


def _wwpn(host):
    return host.get("port_name") or "?"


def _fc_key(host):
    return host.get("port_name") or host["host"]


def _ignored(host, ignore):
    names = {str(i).lower() for i in ignore or []}
    return host["host"].lower() in names or (host.get("port_name") or "").lower() in names


def check_fc_ports(data, thresholds, context=None):
    section, done = _section(data, "fc_host", FC_PORTS, "fc_host")
    if section is None:
        return done
    ignore = (thresholds.get("fc_ports") or {}).get("ignore") or []
    findings = []
    for host in section["hosts"]:
        if _ignored(host, ignore):
            continue
        label, wwpn = host["host"], _wwpn(host)
        state, speed = host.get("port_state"), host.get("speed") or "?"
        values = {"port_state": state, "speed": host.get("speed"), "port_name": host.get(
            "port_name")}
        evidence = [f"/sys/class/fc_host/{label}/{n}:{host.get(n)}"
                    for n in ("port_state", "speed", "port_name") if host.get(n) is not None]
        if state is None:
            findings.append(unknown(FC_PORTS, msg("links.fc.no_state", host=label),
                                    component=label, cause="incomplete", values=values))
            continue
        if state in FC_UNKNOWN:
            findings.append(unknown(FC_PORTS, msg("links.fc.unknown_state", host=label,
                                                  wwpn=wwpn, state=state),
                                    component=label, cause="source_unreadable",
                                    evidence=evidence, values=values))
            continue
        if state == "Online":
            findings.append(make_finding(FC_PORTS, "ok", msg("links.fc.online", host=label,
                                                             wwpn=wwpn, speed=speed),
                                         component=label, evidence=evidence, values=values))
            continue
        before = _reading(FC_PORTS, _fc_key(host), "online", context)
        if state in FC_DOWN and before and int(before["value"]) == 1:
            findings.append(make_finding(
                FC_PORTS, "critical", msg("links.fc.lost", host=label, wwpn=wwpn, state=state,
                                          since=before.get("at") or "?"),
                component=label, evidence=evidence, values=dict(values, was_online=True),
                recommendation=msg("links.fc.fix_down", host=label, wwpn=wwpn)))
            continue
        level = "critical" if state == "Error" else "warning"
        fix = "links.fc.fix_error" if state == "Error" else "links.fc.fix_down"
        findings.append(make_finding(
            FC_PORTS, level, msg("links.fc.state", host=label, wwpn=wwpn, state=state,
                                 speed=speed),
            component=label, evidence=evidence, values=values,
            recommendation=msg(fix, host=label, wwpn=wwpn)))
    return findings


def check_fc_errors(data, thresholds, context=None):
    section, done = _section(data, "fc_host", FC_ERRORS, "fc_host")
    if section is None:
        return done
    levels = thresholds.get("fc_errors") or {}
    ignore = (thresholds.get("fc_ports") or {}).get("ignore") or []
    findings = []
    for host in section["hosts"]:
        if not _ignored(host, ignore):
            findings.extend(_fc_port_errors(host, levels, context))
    return findings


def _fc_port_errors(host, levels, context):
    label, wwpn, key = host["host"], _wwpn(host), _fc_key(host)
    stats = host.get("statistics") or {}
    if not stats:
        return [unknown(FC_ERRORS, msg("links.fc_errors.no_statistics", host=label, wwpn=wwpn),
                        component=label, cause="incomplete")]
    out = []
    unsupported = [n for n in FC_FRAME + FC_LINK if stats.get(n) is None]
    if unsupported:
        out.append(unknown(FC_ERRORS, msg("links.fc_errors.unsupported", host=label,
                                          wwpn=wwpn, names=unsupported),
                           component=label, cause="incomplete",
                           evidence=[f"{n}: {'0xffffffffffffffff' if n in stats else 'absent'}"
                                     for n in unsupported]))
    judged = [n for n in FC_FRAME + FC_LINK if stats.get(n) is not None]
    if not judged:
        return out
    age = stats.get("seconds_since_last_reset")
    before_age = _reading(FC_ERRORS, key, "seconds_since_last_reset", context)
    reset = age is not None and before_age is not None and age < int(before_age["value"])
    grown = _grew(FC_ERRORS, key, judged, stats, context, reset=reset)
    values = {n: stats[n] for n in judged}
    values.update(port_name=host.get("port_name"), seconds_since_last_reset=age,
                  unsupported=", ".join(unsupported) or None)
    baseline = all(d["previous"] is None for d in grown.values())
    warn, crit = levels.get("warning"), levels.get("critical")
    link_warn, base_warn = levels.get("link_warning"), levels.get("baseline_warning")
    evidence = [f"{n}: {stats[n]:#x}" for n in judged]
    if age is not None:
        evidence.append(f"seconds_since_last_reset: {age:#x}")
    if baseline:
        frames = max([stats[n] for n in judged if n in FC_FRAME_BASELINE] or [0])
        status = "warning" if base_warn and frames >= base_warn and frames > 0 else "ok"
        when = msg("links.when.fc_baseline", age=age) if age is not None \
            else msg("links.when.fc_baseline_age")
        frame_texts = _total_texts(stats, [n for n in judged if n in FC_FRAME])
        link_texts = _total_texts(stats, [n for n in judged if n in FC_LINK])
        values.update(baseline=True, frame_errors=frames)
        thresholds_used = {"baseline_warning": base_warn}
    else:
        for n, d in grown.items():
            values[f"{n}_delta"] = d["delta"]
        frames = max([grown[n]["delta"] or 0 for n in grown if n in FC_FRAME] or [0])
        events = max([grown[n]["delta"] or 0 for n in grown if n in FC_LINK] or [0])
        status = "ok"
        if crit and frames >= crit:
            status = "critical"
        elif (warn and frames >= warn) or (link_warn and events >= link_warn):
            status = "warning"
        restarted = any(d["lower_bound"] for d in grown.values())
        when = msg("links.when.reset" if restarted else "links.when.previous",
                   since=_since(grown))
        frame_texts = _count_texts({n: d for n, d in grown.items() if n in FC_FRAME})
        link_texts = _count_texts({n: d for n, d in grown.items() if n in FC_LINK})
        values.update(baseline=False, frame_errors=frames, link_events=events,
                      reset=restarted)
        thresholds_used = {"warning": warn, "critical": crit, "link_warning": link_warn}
    out.insert(0, make_finding(
        FC_ERRORS, status, msg("links.fc_errors.summary", host=label, wwpn=wwpn,
                               frames=frame_texts, events=link_texts, when=when),
        component=label, evidence=evidence, values=values, thresholds=thresholds_used,
        recommendation=None if status == "ok" else msg("links.fc_errors.fix", host=label,
                                                       wwpn=wwpn)))
    return out


# --------------------------------------------------------------------------- SAS


def _linked(rate):
    return bool(rate) and "Gbit" in rate


def check_sas_phys(data, thresholds, context=None):
    section, done = _section(data, "sas_phy", SAS, "sas_phy")
    if section is None:
        return done
    levels = thresholds.get("sas_phys") or {}
    return [f for phy in section["phys"] for f in _sas_phy(phy, levels, context)]


def _sas_phy(phy, levels, context):
    name = phy["phy"]
    rate = phy.get("negotiated_linkrate")
    counters = phy.get("counters") or {}
    values = {"enable": phy.get("enable"), "negotiated_linkrate": rate,
              "sas_address": phy.get("sas_address")}
    values.update(counters)
    evidence = [f"negotiated_linkrate: {rate}", f"enable: {phy.get('enable')}"] + \
        [f"{n}: {v}" for n, v in counters.items()]
    if phy.get("minimum_linkrate_hw") == "Unknown" and \
            phy.get("maximum_linkrate_hw") == "Unknown":
        return [unknown(SAS, msg("links.sas.no_driver_data", phy=name), component=name,
                        cause="incomplete", evidence=evidence, values=values)]
    if phy.get("enable") is False:
        return [make_finding(SAS, "ok", msg("links.sas.admin_disabled", phy=name),
                             component=name, evidence=evidence, values=values)]
    out = []
    missing = [n for n in SAS_ERRORS + (SAS_RESET,) if n not in counters]
    if missing:
        out.append(unknown(SAS, msg("links.sas.unsupported", phy=name, names=missing),
                           component=name, cause="incomplete", evidence=evidence))
    problems = []  # (level, message)
    if rate in SAS_FAILED_RATES:
        problems.append(("warning", msg("links.sas.disabled", phy=name, rate=rate)))
    elif not _linked(rate):
        before = _reading(SAS, name, "linked", context)
        if before and int(before["value"]) == 1:
            problems.append(("warning", msg("links.sas.lost", phy=name, rate=rate or "?",
                                            since=before.get("at") or "?")))
    judged = [n for n in SAS_ERRORS if n in counters]
    grown = _grew(SAS, name, SAS_ERRORS + (SAS_RESET,), counters, context)
    baseline = all(d["previous"] is None for d in grown.values())
    warn, crit, base = levels.get("warning"), levels.get("critical"), \
        levels.get("baseline_warning")
    if judged:
        if baseline:
            errors = max(counters[n] for n in judged)
            level = "warning" if base and errors >= base and errors > 0 else "ok"
            when, texts = msg("links.when.total"), _total_texts(counters, SAS_ERRORS +
                                                                 (SAS_RESET,))
            values.update(baseline=True, errors=errors)
        else:
            errors = max(grown[n]["delta"] or 0 for n in judged)
            level = "critical" if crit and errors >= crit else \
                "warning" if warn and errors >= warn else "ok"
            restarted = any(d["lower_bound"] for d in grown.values())
            when = msg("links.when.reset" if restarted else "links.when.previous",
                       since=_since(grown))
            texts = _count_texts(grown)
            values.update(baseline=False, errors=errors)
            for n, d in grown.items():
                values[f"{n}_delta"] = d["delta"]
            reset_problems = (grown.get(SAS_RESET) or {}).get("delta") or 0
            if reset_problems:
                problems.append(("warning", msg("links.sas.reset_problem", phy=name,
                                                count=reset_problems)))
        summary = msg("links.sas.summary", phy=name, rate=rate or "?", counts=texts, when=when)
        problems.insert(0, (level, summary))
    elif not problems and not missing:
        return out
    if not problems:
        return out
    level = worst(p[0] for p in problems)
    summary = problems[0][1]
    for _level, text in problems[1:]:
        summary = msg("links.sas.join", first=summary, second=text)
    if level == "ok" and not _linked(rate) and rate not in SAS_FAILED_RATES:
        summary = msg("links.sas.join", first=summary,
                      second=msg("links.sas.no_link", phy=name, rate=rate or "?"))
    out.insert(0, make_finding(SAS, level, summary, component=name, evidence=evidence,
                               values=values,
                               thresholds={"warning": warn, "critical": crit,
                                           "baseline_warning": base},
                               recommendation=None if level == "ok" else msg("links.sas.fix",
                                                                             phy=name)))
    return out


# --------------------------------------------------------------------------- ethtool


def check_nic_ethtool(data, thresholds, context=None):
    section, done = _section(data, "ethtool", ETHTOOL, "ethtool")
    if section is None:
        return done
    levels = thresholds.get("nic_errors_ethtool") or {}
    warn, crit = levels.get("warning"), levels.get("critical")
    findings = []
    for iface, stats in section["interfaces"].items():
        failed = section_failure(stats)
        if failed:
            findings.append(unknown(ETHTOOL, failed[0], component=iface, cause=failed[1]))
            continue
        if "no_stats" in stats:
            findings.append(unknown(ETHTOOL, msg("links.na.no_stats", iface=iface,
                                                 text=stats["no_stats"]),
                                    component=iface, cause="not_applicable"))
            continue
        counters = stats["counters"]
        judged = [n for n in ETH_JUDGED if n in counters]
        if not judged:
            findings.append(unknown(ETHTOOL, msg("links.na.no_phy_counters", iface=iface,
                                                 count=len(stats["statistics"])),
                                    component=iface, cause="not_applicable",
                                    values={n: counters.get(n) for n in ETH_SHOWN}))
            continue
        grown = _grew(ETHTOOL, iface, judged, counters, context)
        baseline = all(d["previous"] is None for d in grown.values())
        values = {n: counters.get(n) for n in ETH_JUDGED + ETH_SHOWN}
        if baseline:
            errors = max(counters[n] for n in judged)
            texts = [msg("links.count.total", name=msg(f"links.counter.{n}"), value=counters[n])
                     for n in judged]
            when = msg("links.when.total")
        else:
            errors = max(grown[n]["delta"] or 0 for n in judged)
            texts = [msg("links.count.reset" if grown[n]["lower_bound"] else "links.count.new",
                         name=msg(f"links.counter.{n}"), delta=grown[n]["delta"])
                     for n in judged]
            restarted = any(d["lower_bound"] for d in grown.values())
            when = msg("links.when.reset" if restarted else "links.when.previous",
                       since=_since(grown))
            for n, d in grown.items():
                values[f"{n}_delta"] = d["delta"]
        values.update(errors=errors, baseline=baseline)
        status = "critical" if crit and errors >= crit else \
            "warning" if warn and errors >= warn else "ok"
        shown = [msg("links.count.total", name=msg(f"links.counter.{n}"), value=counters[n])
                 for n in ETH_SHOWN if counters.get(n)]
        evidence = [f"{raw}: {stats['statistics'][raw]}"
                    for n in ETH_JUDGED + ETH_SHOWN for raw in stats["names"].get(n, [])]
        findings.append(make_finding(
            ETHTOOL, status, msg("links.eth.summary", iface=iface, counts=texts, when=when,
                                 shown=msg("links.eth.shown", counts=shown) if shown else ""),
            component=iface, evidence=evidence, values=values,
            thresholds={"warning": warn, "critical": crit},
            recommendation=None if status == "ok" else msg("links.eth.fix", iface=iface)))
    return findings


# --------------------------------------------------------------------------- rasdaemon


def _ras_sections(data):
    """(counts, events or None, failure or None) from the summary and the error list."""
    summary, errors = data.get("rasmc_summary"), data.get("rasmc_errors")
    failed_summary = section_failure(summary) if summary is not None else None
    failed_errors = section_failure(errors) if errors is not None else None
    events = errors["events"] if errors is not None and not failed_errors else None
    if summary is not None and not failed_summary:
        return summary["counts"], events, None
    if events is not None:
        return errors["counts"], events, None
    return None, None, failed_summary or failed_errors


def _time(text):
    """An ISO time or a rasdaemon time as an aware datetime, or None."""
    if not text:
        return None
    when = ras_time(str(text))
    if when is None:
        try:
            when = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def _after(events, since):
    """The events recorded after ``since``, or None when ``since`` is not a time."""
    when = _time(since)
    if when is None:
        return None
    return [e for e in events if e["time"] and _time(e["time"]) > when]


def check_ras_errors(data, thresholds, context=None):
    if data.get("rasmc_summary") is None and data.get("rasmc_errors") is None:
        return []
    context = context or {}
    counts, events, failed = _ras_sections(data)
    if failed:
        return [unknown(RAS, failed[0], component="rasdaemon", cause=failed[1])]
    levels = thresholds.get("ras_errors") or {}
    grown = _grew(RAS, "rasdaemon", RAS_SHOWN, counts, context)
    shown_events = events or []
    if any(d["previous"] is not None for d in grown.values()):
        new = {n: d["delta"] or 0 for n, d in grown.items()}
        restarted = any(d["lower_bound"] for d in grown.values())
        when = msg("links.ras.when_reset" if restarted else "links.ras.when_previous",
                   since=_since(grown))
        if events and not restarted:
            later = _after(events, _since(grown))
            shown_events = later if later is not None else events
        basis = "previous"
    elif context.get("since") and events is not None and _after(events, context["since"]) \
            is not None:
        shown_events = _after(events, context["since"])
        new = dict.fromkeys(RAS_SHOWN, 0)
        for event in shown_events:
            new[event["class"]] += 1
        when, basis = msg("links.ras.when_since", since=context["since"]), "since"
    else:
        new, when, basis = dict(counts), msg("links.ras.when_all"), "all"
    status, fixes = "ok", []
    for name in RAS_CRITICAL:
        if new.get(name):
            status = "critical"
            fixes.append(name)
    if new.get("aer_nonfatal"):
        status = worst([status, "warning"])
        fixes.append("aer_nonfatal")
    corrected_memory, corrected_pcie = levels.get("corrected_memory"), \
        levels.get("corrected_pcie")
    if corrected_memory and new.get("memory_corrected", 0) >= corrected_memory:
        status = worst([status, "warning"])
        fixes.append("memory_corrected")
    if corrected_pcie and new.get("aer_corrected", 0) >= corrected_pcie:
        status = worst([status, "warning"])
        fixes.append("aer_corrected")
    texts = [msg("links.ras.count", name=msg(f"links.ras.{n}"), count=new[n])
             for n in RAS_SHOWN if new.get(n)]
    values = {n: counts.get(n, 0) for n in RAS_SHOWN}
    values.update({f"{n}_new": new.get(n, 0) for n in RAS_SHOWN})
    values["basis"] = basis
    evidence = [e["text"] for e in shown_events][-20:]
    summary = msg("links.ras.summary", counts=texts, when=when) if texts \
        else msg("links.ras.none", when=when)
    fix = None
    if fixes:
        first = fixes[0]
        fix = msg("links.ras.fix_memory" if first.startswith("memory") else
                  "links.ras.fix_pcie" if first.startswith("aer") else "links.ras.fix_mce")
    return [make_finding(RAS, status, summary, component="rasdaemon", evidence=evidence,
                         values=values,
                         thresholds={"corrected_memory": corrected_memory,
                                     "corrected_pcie": corrected_pcie},
                         recommendation=None if status == "ok" else fix)]


# --------------------------------------------------------------------------- all


def _ok(section):
    return section is not None and section_failure(section) is None


def counters(data, context=None):
    """The counters this inspection read, for the next one's deltas."""
    out = []
    boot = (context or {}).get("boot_time") or ""

    def add(check_id, component, name, value):
        if isinstance(value, int) and 0 <= value <= MAX_STORED_COUNTER:
            out.append(deltas.counter(check_id, component, name, value,
                                      boot_time="" if check_id == RAS else boot))

    fc = data.get("fc_host")
    if _ok(fc):
        for host in fc["hosts"]:
            key = _fc_key(host)
            if host.get("port_state"):
                add(FC_PORTS, key, "online", 1 if host["port_state"] == "Online" else 0)
            stats = host.get("statistics") or {}
            for name in FC_FRAME + FC_LINK + ("seconds_since_last_reset",):
                add(FC_ERRORS, key, name, stats.get(name))
    sas = data.get("sas_phy")
    if _ok(sas):
        for phy in sas["phys"]:
            for name, value in (phy.get("counters") or {}).items():
                add(SAS, phy["phy"], name, value)
            if phy.get("negotiated_linkrate"):
                add(SAS, phy["phy"], "linked", 1 if _linked(phy["negotiated_linkrate"]) else 0)
    eth = data.get("ethtool")
    if _ok(eth):
        for iface, stats in eth["interfaces"].items():
            if _ok(stats) and "counters" in stats:
                for name in ETH_JUDGED:
                    add(ETHTOOL, iface, name, stats["counters"].get(name))
    counts, _events, failed = _ras_sections(data)
    if counts and not failed:
        for name in RAS_SHOWN:
            add(RAS, "rasdaemon", name, counts.get(name, 0))
    return out


def not_applicable(data):
    """The checks that do not apply: no FC host, no SAS PHY, no NIC, no rasdaemon."""
    out = []
    fc = data.get("fc_host")
    if fc is None or (_ok(fc) and not fc["hosts"]):
        out += [not_applicable_entry(c, msg("links.na.no_fc"), component="fc_host")
                for c in (FC_PORTS, FC_ERRORS)]
    sas = data.get("sas_phy")
    if sas is None or (_ok(sas) and not sas["phys"]):
        out.append(not_applicable_entry(SAS, msg("links.na.no_sas"), component="sas_phy"))
    eth = data.get("ethtool")
    if eth is None or (_ok(eth) and not eth["interfaces"]):
        out.append(not_applicable_entry(ETHTOOL, msg("links.na.no_nic"), component="ethtool"))
    if data.get("rasmc_summary") is None and data.get("rasmc_errors") is None:
        out.append(not_applicable_entry(RAS, msg("links.na.no_ras"), component="rasdaemon"))
    return out


def evaluate(data, thresholds=None, context=None):
    """All findings of the links area, in a stable order."""
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    findings.extend(check_fc_ports(data, thresholds, context))
    findings.extend(check_fc_errors(data, thresholds, context))
    findings.extend(check_sas_phys(data, thresholds, context))
    findings.extend(check_nic_ethtool(data, thresholds, context))
    findings.extend(check_ras_errors(data, thresholds, context))
    return findings
