# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules for the Linux patch-level inspection: parsed data + thresholds -> findings.

``evaluate(data, thresholds, context)`` judges what ``parsers.linux_patch.parse_sources``
read. Checks, thresholds and every word of the findings are in ``catalogue/patch.py``; the
thresholds are ``catalogue.merge_thresholds("patch", overrides)`` ({check: {level: value}};
a level set to 0 or null is disabled where the catalogue says so; counts and ages are judged
with ``>=``, so a warning at 1 already means "any").

``patch.os_release``          ok with the OS and the end of its free security support
                              (OS_EOL below); warning within ``os_release.warning`` days of
                              that end or past it; unknown when os-release is unreadable or
                              the release is not in OS_EOL (never ok).
``patch.pending_updates``     "does software need upgrading?": warning at
                              ``pending_updates.warning`` pending updates.
``patch.security_updates``    warning / critical at ``security_updates.warning`` /
                              ``.critical`` packages with security updates; critical when an
                              advisory's severity is in ``.critical_severities`` (Red Hat-style
                              advisories only: apt carries no severity). "Important" is left out
                              of the default: most monthly kernel errata are rated Important.
``patch.package_lists_age``   warning when the newest package index is older than
                              ``package_lists_age.warning`` days or was never fetched.
``patch.reboot_pending``      warning when the running kernel is older than the newest installed
                              one of its flavour (or /run/reboot-required exists); unknown
                              without kernel packages (containers).
``patch.last_update``         warning when the last applied update is older than
                              ``last_update.warning`` days; unknown without history.

A section the collector or a parser could not read is ``{"error": reason message, "evidence":
[...], "cause": ...}``; its checks report ``unknown`` with that reason and cause. A section
that is absent was not collected (``weibao judge`` on one saved output): unknown as well.
"""

from __future__ import annotations

import calendar
import time

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.findings import judge, make_finding, unknown
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    dpkg_version_compare,
    rpm_label_compare,
    split_evr,
)

AREA = "patch"
CHECK_IDS = tuple(c.id for c in catalogue.area_checks(AREA))
SEVERITIES = ("Critical", "Important", "Moderate", "Low")
_SEVERITY_ORDER = SEVERITIES + ("Unknown",)


def merged_thresholds(overrides=None):
    """The catalogue's thresholds with ``overrides``; CatalogueError names a bad field
    (an unknown advisory severity too)."""
    merged = catalogue.merge_thresholds(AREA, overrides)
    levels = merged["security_updates"]
    severities = [str(s).strip().capitalize() for s in levels["critical_severities"] or []]
    bad = [s for s in severities if s and s not in SEVERITIES]
    if bad:
        raise catalogue.CatalogueError(
            "thresholds.security_updates.critical_severities: unknown severity {} (known: "
            "{})".format(", ".join(bad), ", ".join(SEVERITIES)))
    levels["critical_severities"] = [s for s in severities if s]
    return merged


def _missing():
    return {"error": msg("reason.not_collected"), "evidence": [], "cause": "incomplete"}


def _section(data, key):
    """A data section, or the 'not collected' error when it is absent."""
    section = data.get(key) if isinstance(data, dict) else None
    return _missing() if section is None else section


def _error(section):
    if section is None:
        return msg("reason.not_collected")
    if isinstance(section, dict) and section.get("error") is not None:
        error = section["error"]
        return error if isinstance(error, dict) else msg("reason.text", text=str(error))
    return None


def _cause(section):
    if section is None:
        return "incomplete"
    return section.get("cause") or "source_unreadable"


def _evidence(section):
    return section.get("evidence") if isinstance(section, dict) else None


def _failed(check_id, key, section):
    return unknown(check_id, msg(key, reason=_error(section)), evidence=_evidence(section),
                   cause=_cause(section))


def _days(seconds):
    return round(seconds / 86400.0, 1)


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _hint(kind, tool):
    tool = {"dnf5": "dnf"}.get(tool, tool)
    return msg("patch.hint.{}.{}".format(kind, tool if tool in ("apt", "dnf", "yum", "rpm")
                                         else "apt"))


def _with(summary, extra):
    """``summary; extra`` (both messages), ``summary`` alone when ``extra`` is None."""
    return summary if extra is None else msg("reason.both", first=summary, second=extra)


# End of free security support (the last day security updates are published without a paid
# extension), by os-release ID and major version (Ubuntu: VERSION_ID). A release not listed
# here is reported unknown (its end of support is not judged, never taken as ok): add a line
# per new release once its vendor announces the date. Where a vendor names only a month, the
# last day of that month is used; where its pages disagree, the earlier date. Sources:
#   debian      end of Debian LTS                    https://wiki.debian.org/LTS
#   ubuntu      end of standard support (ESM needs   https://ubuntu.com/about/release-cycle
#               Ubuntu Pro)
#   rhel        end of Maintenance Support (ELS is   https://access.redhat.com/support/policy/
#               paid)                                updates/errata
#   rocky       end of life                          https://wiki.rockylinux.org/rocky/version/
#   almalinux   end of security support              https://wiki.almalinux.org/release-notes/
#   ol          end of Premier Support (errata are   https://www.oracle.com/a/ocom/docs/
#               free until then)                     elsp-lifetime-069338.pdf
#   centos      CentOS Linux end of life             https://www.centos.org/centos-linux-eol/
# SUSE Linux Enterprise is not listed: its end of support differs by service pack; such hosts
# report unknown with the pointer to the vendor's lifecycle page.
OS_EOL = {
    ("debian", "9"): "2022-06-30",
    ("debian", "10"): "2024-06-30",
    ("debian", "11"): "2026-08-31",
    ("debian", "12"): "2028-06-30",
    ("debian", "13"): "2030-06-30",
    ("ubuntu", "16.04"): "2021-04-30",
    ("ubuntu", "18.04"): "2023-05-31",
    ("ubuntu", "20.04"): "2025-05-31",
    ("ubuntu", "22.04"): "2027-04-30",
    ("ubuntu", "24.04"): "2029-04-30",
    ("centos", "6"): "2020-11-30",
    ("centos", "7"): "2024-06-30",
    ("centos", "8"): "2021-12-31",
    ("rhel", "6"): "2020-11-30",
    ("rhel", "7"): "2024-06-30",
    ("rhel", "8"): "2029-05-31",
    ("rhel", "9"): "2032-05-31",
    ("rhel", "10"): "2035-05-31",
    ("rocky", "8"): "2029-05-31",
    ("rocky", "9"): "2032-05-31",
    ("rocky", "10"): "2035-05-31",
    ("almalinux", "8"): "2029-03-01",
    ("almalinux", "9"): "2032-05-31",
    ("almalinux", "10"): "2035-05-31",
    ("ol", "8"): "2029-07-31",
    ("ol", "9"): "2032-06-30",
}


def os_end_of_support(os_id, version_id):
    """The end-of-support date ('YYYY-MM-DD') for an os-release ID/VERSION_ID, or None."""
    os_id = (os_id or "").lower()
    version_id = version_id or ""
    if os_id == "ubuntu":
        return OS_EOL.get((os_id, version_id))
    return OS_EOL.get((os_id, version_id.split(".")[0]))


def check_os_release(os_release, now=None, thresholds=None):
    check_id = "patch.os_release"
    limit = merged_thresholds(thresholds)["os_release"]["warning"]
    limits = {"warning": limit}
    if _error(os_release):
        return _failed(check_id, "patch.os_release.unreadable", os_release)
    pretty = os_release.get("pretty_name") or " ".join(
        x for x in (os_release.get("name"), os_release.get("version")) if x) \
        or os_release.get("id", "")
    eol = os_end_of_support(os_release.get("id"), os_release.get("version_id"))
    values = {
        "name": os_release.get("name", ""),
        "version": os_release.get("version_id", ""),
        "pretty_name": os_release.get("pretty_name", ""),
        "id": os_release.get("id", ""),
        "id_like": os_release.get("id_like", ""),
        "eol": eol,
        "days_to_eol": None,
    }
    if not eol:
        # never ok: a release weibao has no date for may well be out of support
        return make_finding(check_id, "unknown", msg("patch.os_release.eol_unknown", os=pretty),
                            recommendation=msg("patch.os_release.eol_unknown_rec", os=pretty),
                            values=values, thresholds=limits, cause="incomplete")
    if now is None:
        return make_finding(check_id, "unknown",
                            msg("patch.os_release.no_time", os=pretty, eol=eol),
                            recommendation=msg("common.unknown_recommendation"),
                            values=values, thresholds=limits, cause="incomplete")
    eol_epoch = calendar.timegm(time.strptime(eol, "%Y-%m-%d")) + 86399
    days = int((eol_epoch - now) // 86400)
    values["days_to_eol"] = days
    if days < 0:
        summary = msg("patch.os_release.ended", os=pretty, eol=eol)
    elif limit is not None and days <= limit:
        summary = msg("patch.os_release.ends_soon", os=pretty, eol=eol, days=days)
    else:
        return make_finding(check_id, "ok",
                            msg("patch.os_release.supported", os=pretty, eol=eol, days=days),
                            values=values, thresholds=limits)
    return make_finding(check_id, "warning", summary, recommendation=msg("patch.os_release.plan"),
                        values=values, thresholds=limits)


# --------------------------------------------------------------------------------------------
# patch.pending_updates / patch.security_updates
# --------------------------------------------------------------------------------------------

def _stale(lists, now, thresholds):
    """Why the pending counts may be incomplete (a message), or None when the package lists
    are known to be fresh.

    The counts are only as fresh as the lists: with apt lists 148 days old a host showed "no
    pending security updates", and 87 after apt-get update. apt also answers "0 upgraded" when
    its lists were never fetched. So the lists are stale when never fetched, when their age
    cannot be told (not collected, unreadable, no inspection time) and when they are older than
    ``package_lists_age.stale`` days."""
    error = _error(lists)
    if error is not None and error.get("key") == "reason.not_collected":
        return msg("patch.reason.lists_age_unknown", why=error)
    if error is not None:
        return msg("patch.reason.lists_unchecked", reason=error)
    if not lists.get("fetched"):
        return msg("patch.reason.lists_never_fetched",
                   location=lists.get("location") or "/var/lib/apt/lists")
    if now is None or lists.get("newest_mtime") is None:
        return msg("patch.reason.lists_age_unknown",
                   why=msg("reason.not_given", what=msg("patch.reason.inspection_time")))
    limit = merged_thresholds(thresholds)["package_lists_age"]["stale"]
    age = _days(max(0.0, now - lists["newest_mtime"]))
    if limit is not None and age >= limit:
        return msg("patch.reason.lists_stale", days=age, newest=_iso(lists["newest_mtime"]),
                   limit=limit)
    return None


def _package_lines(tool, packages, limit=20):
    lines = []
    for pkg in packages[:limit]:
        if "origins" in pkg:
            lines.append("{} {} -> {} ({})".format(pkg["name"], pkg.get("current") or "(new)",
                                               pkg["candidate"], ", ".join(pkg["origins"])))
        else:
            lines.append("{}.{} {} {}".format(pkg["name"], pkg["arch"], pkg["evr"], pkg["repo"]))
    if len(packages) > limit:
        lines.append(f"... and {len(packages) - limit} more")
    return lines


def _security_summary(tool, updates, advisories):
    """(count of packages with security updates, advisory list) or (None, section)."""
    if tool == "apt":
        if _error(updates):
            return None, updates
        return updates["security_count"], []
    if _error(advisories):
        return None, advisories
    security = [a for a in advisories["advisories"] if a["type"] == "security"]
    return len({(a["name"], a["arch"]) for a in security}), security


def check_pending_updates(tool, updates, lists, advisories=None, thresholds=None, now=None):
    """``now`` (epoch) judges the lists' age: without it, or on stale lists, "nothing
    pending" is unknown (cause stale) and a count found may be higher."""
    check_id = "patch.pending_updates"
    limit = merged_thresholds(thresholds)["pending_updates"]["warning"]
    limits = {"warning": limit}
    if _error(updates):
        return _failed(check_id, "patch.pending_updates.failed", updates)
    count = updates["pending_count"]
    stale = _stale(lists, now, thresholds)
    if count == 0 and stale:
        return unknown(check_id, msg("patch.pending_updates.failed", reason=stale),
                       evidence=_evidence(lists), cause="stale", values={"pending": 0})
    security_count, _ = _security_summary(tool, updates, advisories)
    held = updates.get("held_back", 0)
    values = {"pending": count, "security": security_count, "held_back": held, "tool": tool,
              "needs_upgrade": count > 0, "lists_fresh": stale is None}
    if "upgraded" in updates:
        values.update(upgrades=updates["upgraded"], new_installs=updates["newly_installed"],
                      removals=updates["removed"])
    status = judge(count, limit, None)
    if count and security_count:
        summary = msg("patch.pending_updates.needed_security", count=count,
                      security=security_count)
    elif count:
        summary = msg("patch.pending_updates.needed", count=count)
    else:
        summary = msg("patch.pending_updates.none")
    if held:
        summary = _with(summary, msg("patch.pending_updates.held", count=held))
    if stale:
        summary = _with(summary, msg("patch.pending_updates.may_be_more", reason=stale))
    recommendation = None
    if status != "ok":
        recommendation = msg("patch.pending_updates.apply", hint=_hint("upgrade", tool))
    return make_finding(check_id, status, summary,
                        evidence=_package_lines(tool, updates["packages"]),
                        recommendation=recommendation, values=values, thresholds=limits)


def _severity_word(severity):
    if severity in _SEVERITY_ORDER:
        return msg("patch.severity." + severity.lower())
    return msg("reason.text", text=severity)


def check_security_updates(tool, updates, lists, advisories=None, thresholds=None, now=None):
    """As check_pending_updates: stale or unknown-age lists never make it ok."""
    check_id = "patch.security_updates"
    levels = merged_thresholds(thresholds)["security_updates"]
    severities = levels["critical_severities"]
    limits = {"warning": levels["warning"], "critical": levels["critical"],
              "critical_severities": ",".join(severities)}
    count, detail = _security_summary(tool, updates, advisories)
    if count is None:
        return _failed(check_id, "patch.security_updates.failed", detail)
    stale = _stale(lists, now, thresholds)
    if count == 0 and stale:
        return unknown(check_id, msg("patch.security_updates.failed", reason=stale),
                       evidence=_evidence(lists), cause="stale",
                       values={"security_packages": 0})
    values = {"security_packages": count, "tool": tool, "lists_fresh": stale is None}
    by_severity = {}
    if tool == "apt":
        secure = [p for p in updates["packages"]
                  if p["security"] and p["action"] in ("upgrade", "install")]
        evidence = _package_lines(tool, secure)
        found = msg("patch.security_updates.found_archive", count=count)
    else:
        all_adv = advisories["advisories"]
        if count == 0 and _error(updates):
            return _failed(check_id, "patch.security_updates.pending_failed", updates)
        if count == 0 and updates["pending_count"] and not all_adv:
            return unknown(check_id, msg("patch.security_updates.no_advisory_data",
                                         count=updates["pending_count"]),
                           evidence=_package_lines(tool, updates["packages"]),
                           cause="incomplete")
        for adv in detail:
            by_severity.setdefault(adv["severity"] or "Unknown", set()).add(adv["id"])
        ids = sorted({a["id"] for a in detail})
        values["security_advisories"] = len(ids)
        for sev in _SEVERITY_ORDER:
            values[f"advisories_{sev.lower()}"] = len(by_severity.get(sev, ()))
        if not _error(updates):
            covered = {(a["name"], a["arch"]) for a in all_adv}
            values["updates_without_advisory"] = sum(
                1 for p in updates["packages"] if (p["name"], p["arch"]) not in covered)
        evidence = ["{} {} {}".format(a["id"], a["severity"] or "-", a["package"]) for a in detail]
        order = [s for s in _SEVERITY_ORDER if s in by_severity] \
            + sorted(s for s in by_severity if s not in _SEVERITY_ORDER)
        found = msg("patch.security_updates.found_advisories", count=count,
                    advisories=len(ids),
                    severities=[msg("patch.security_updates.by_severity",
                                    count=len(by_severity[s]), severity=_severity_word(s))
                                for s in order])
    status = judge(count, levels["warning"], levels["critical"])
    flagged = [s for s in severities if s in by_severity]
    if count and flagged:
        status = "critical"
    if count:
        summary = found
        if flagged:
            summary = _with(summary, msg("patch.security_updates.severity_present",
                                         severities=[_severity_word(s) for s in flagged]))
    else:
        summary = msg("patch.security_updates.none")
    without = values.get("updates_without_advisory")
    if without:
        summary = _with(summary, msg("patch.security_updates.without_advisory", count=without))
    if stale:
        summary = _with(summary, msg("patch.pending_updates.may_be_more", reason=stale))
    recommendation = None
    if status != "ok":
        key = "apply_now" if status == "critical" else "apply_next"
        recommendation = msg("patch.security_updates." + key, hint=_hint("security", tool))
    return make_finding(check_id, status, summary, evidence=evidence,
                        recommendation=recommendation, values=values, thresholds=limits)


# --------------------------------------------------------------------------------------------
# patch.package_lists_age
# --------------------------------------------------------------------------------------------

def check_package_lists_age(tool, lists, now, thresholds=None):
    check_id = "patch.package_lists_age"
    levels = merged_thresholds(thresholds)["package_lists_age"]
    limit = levels["warning"]
    limits = {"warning": limit, "stale": levels["stale"]}
    if _error(lists):
        return _failed(check_id, "patch.package_lists_age.failed", lists)
    location = lists.get("location", "")
    if not lists.get("fetched"):
        return make_finding(
            check_id, "warning", msg("patch.package_lists_age.never", location=location),
            recommendation=msg("patch.package_lists_age.never_rec", hint=_hint("refresh", tool)),
            values={"fetched": False, "age_days": None, "location": location},
            thresholds=limits)
    if now is None:
        return unknown(check_id, msg("patch.package_lists_age.failed", reason=msg(
            "reason.not_given", what=msg("patch.reason.inspection_time"))), cause="incomplete")
    age = _days(max(0.0, now - lists["newest_mtime"]))
    status = judge(age, limit, None)
    recommendation = None
    if status != "ok":
        recommendation = msg("patch.package_lists_age.refresh", hint=_hint("refresh", tool))
    return make_finding(
        check_id, status,
        msg("patch.package_lists_age.age", days=age, newest=_iso(lists["newest_mtime"]),
            location=location),
        recommendation=recommendation,
        values={"fetched": True, "age_days": age, "index_files": lists.get("index_files"),
                "location": location},
        thresholds=limits)


# --------------------------------------------------------------------------------------------
# patch.reboot_pending
# --------------------------------------------------------------------------------------------

def _release_compare(family, a, b):
    """Order two kernel release strings (uname -r form)."""
    if family == "deb":
        return dpkg_version_compare(a, b)
    ea, va, ra = split_evr(a)
    eb, vb, rb = split_evr(b)
    return rpm_label_compare((ea, va, ra), (eb, vb, rb))


def _newest(family, kernels):
    newest = kernels[0]
    for entry in kernels[1:]:
        if _compare_pkg(family, entry["version"], newest["version"]) > 0:
            newest = entry
    return newest


def _compare_pkg(family, a, b):
    return dpkg_version_compare(a, b) if family == "deb" else rpm_label_compare(a, b)


def _ubuntu_upload(version):
    """'5.15.0-91.101' -> '101'; '6.5.0-14.14~22.04.1' -> '14~22.04.1'."""
    _, _, revision = version.partition("-")
    _, dot, upload = revision.partition(".")
    return upload if dot else None


def _why_reboot(family, kernels, installed, running):
    """(why a reboot is pending (message) or None, newest installed release); a message
    of why it cannot be told raises _CannotTell."""
    match = [k for k in installed if k["release"] == running]
    flavour = match[0]["flavour"] if match else None
    pool = [k for k in installed if k["flavour"] == flavour] if match else installed
    newest = _newest(family, pool)
    if not match:
        if _release_compare(family, newest["release"], running) > 0:
            return msg("patch.reboot_pending.why_removed", running=running,
                       newest=newest["release"]), newest
        return None, newest
    current = match[0]
    if _compare_pkg(family, newest["version"], current["version"]) > 0:
        return msg("patch.reboot_pending.why_older", running=running, newest=newest["release"],
                   version=newest["version"]), newest
    kind, build = kernels.get("running_build_kind"), kernels.get("running_build")
    if kind == "deb" and build and dpkg_version_compare(current["version"], build) > 0:
        return msg("patch.reboot_pending.why_in_place", package=current["package"],
                   version=current["version"], build=build), newest
    if kind == "ubuntu" and build:
        upload = _ubuntu_upload(current["version"])
        if upload and dpkg_version_compare("0-" + upload, "0-" + build) > 0:
            return msg("patch.reboot_pending.why_in_place_build", package=current["package"],
                       version=current["version"], build=build), newest
    return None, newest


def check_reboot_pending(kernels, reboot_required=None):
    check_id = "patch.reboot_pending"
    flag = bool(reboot_required and reboot_required.get("exists"))
    flag_pkgs = list((reboot_required or {}).get("packages") or [])
    flag_line = ["/run/reboot-required exists%s" % (
        (" (packages: {})".format(", ".join(flag_pkgs[:10]))) if flag_pkgs else "")] if flag else []
    recommendation = msg("patch.reboot_pending.reboot")
    flagged = msg("patch.reboot_pending.pending", why=msg("patch.reboot_pending.why_flag"))
    if _error(kernels):
        if flag:
            return make_finding(check_id, "warning", flagged, evidence=flag_line,
                                recommendation=recommendation,
                                values={"reboot_required_file": True})
        return _failed(check_id, "patch.reboot_pending.failed", kernels)
    family = kernels.get("family", "deb")
    running = kernels.get("running_release")
    installed = kernels.get("installed") or []
    values = {"running_kernel": running, "installed_kernels": len(installed),
              "newest_installed": None, "reboot_required_file": flag}
    evidence = ["running: {} ({})".format(running, kernels.get("running_version", ""))]
    evidence += ["installed: {} {}".format(k["package"], k["version"]) for k in installed]
    evidence += flag_line
    if flag and (not installed or not running):
        return make_finding(check_id, "warning", flagged, evidence=evidence,
                            recommendation=recommendation, values=values)
    if not running:
        return unknown(check_id, msg("patch.reboot_pending.no_running"), evidence=evidence,
                       cause="incomplete")
    if not installed:
        return unknown(check_id, msg("patch.reboot_pending.no_kernel_package", running=running),
                       evidence=evidence, cause="incomplete")
    try:
        why, newest = _why_reboot(family, kernels, installed, running)
    except ParseError as exc:
        return unknown(check_id, msg("patch.reboot_pending.unorderable", reason=exc.message),
                       evidence=evidence, cause="not_understood")
    values["newest_installed"] = newest["release"]
    if why is None and not flag and not any(k["release"] == running for k in installed):
        return unknown(check_id, msg("patch.reboot_pending.foreign_kernel", running=running,
                                     newest=newest["release"]),
                       evidence=evidence, cause="incomplete")
    if why is not None or flag:
        summary = msg("patch.reboot_pending.pending",
                      why=why or msg("patch.reboot_pending.why_flag"))
        if why is not None and flag:
            summary = _with(summary, msg("patch.reboot_pending.flag_too"))
        return make_finding(check_id, "warning", summary, evidence=evidence,
                            recommendation=recommendation, values=values)
    return make_finding(check_id, "ok", msg("patch.reboot_pending.none", running=running),
                        evidence=evidence, values=values)


# --------------------------------------------------------------------------------------------
# patch.last_update
# --------------------------------------------------------------------------------------------

def check_last_update(last_update, now, thresholds=None):
    check_id = "patch.last_update"
    limit = merged_thresholds(thresholds)["last_update"]["warning"]
    limits = {"warning": limit}
    if _error(last_update):
        return _failed(check_id, "patch.last_update.failed", last_update)
    source = last_update.get("source") or msg("reason.not_collected")
    if last_update.get("time") is None:
        return unknown(check_id, msg("patch.last_update.none_recorded", source=source),
                       evidence=_evidence(last_update), cause="incomplete")
    local = last_update.get("local", "")
    values = {"last_update": local, "age_days": None, "source": render(source, "en")}
    evidence = [x for x in (last_update.get("detail"),) if x]
    if now is None:
        return unknown(check_id, msg("patch.last_update.no_time", when=local, source=source),
                       evidence=evidence, values=values, cause="incomplete")
    age = _days(max(0.0, now - last_update["time"]))
    values["age_days"] = age
    status = judge(age, limit, None)
    key = "upgrade" if last_update.get("kind", "upgrade") == "upgrade" else "any_change"
    when = last_update.get("when") or _iso(last_update["time"])
    recommendation = None
    if status != "ok":
        recommendation = msg("patch.last_update.apply", days=int(age))
    return make_finding(check_id, status,
                        msg("patch.last_update." + key, days=age, when=when, source=source),
                        evidence=evidence, recommendation=recommendation, values=values,
                        thresholds=limits)


# --------------------------------------------------------------------------------------------

def evaluate(data, thresholds=None, context=None):
    """All patch findings, in catalogue order, from ``parse_sources``' data.

    ``thresholds``: overrides or the merged dict ({check: {level: value}}); ``context``:
    ``now`` (epoch seconds of the inspection; without it ages are unknown)."""
    thresholds = merged_thresholds(thresholds)
    context = context or {}
    now = context.get("now")
    tool = data.get("tool") or "apt"
    updates = _section(data, "updates")
    lists = _section(data, "lists")
    advisories = _section(data, "advisories")
    return [
        check_os_release(_section(data, "os_release"), now, thresholds),
        check_pending_updates(tool, updates, lists, advisories, thresholds, now),
        check_security_updates(tool, updates, lists, advisories, thresholds, now),
        check_package_lists_age(tool, lists, now, thresholds),
        check_reboot_pending(_section(data, "kernels"), data.get("reboot_required")),
        check_last_update(_section(data, "last_update"), now, thresholds),
    ]
