# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules for the Linux patch-level inspection: parsed data + thresholds -> findings.

Check ids (stable, see docs/findings.md):

``patch.os_release``          ok with the OS name and version; warning when the release's free
                              security support (built-in table OS_EOL) ends within
                              ``os_eol_days_warning`` (180) days or has ended; unknown when
                              os-release is unreadable.
``patch.pending_updates``     the "does software need upgrading?" conclusion: warning when the
                              number of pending updates >= ``pending_warning`` (default 1).
``patch.security_updates``    warning when packages with security updates >= ``security_warning``
                              (1); critical when >= ``security_critical`` (10) or when an
                              advisory's severity is in ``security_critical_severities``
                              (default "Critical"; Red Hat-style advisories only: apt carries
                              no severity). "Important" is left out of the default because
                              most monthly kernel errata are rated Important, so it would make
                              critical the normal state; add it where policy wants that.
``patch.package_lists_age``   warning when the newest package index is older than
                              ``lists_age_days_warning`` (14) days or was never fetched: the
                              pending counts are only as fresh as the lists, and the
                              inspection never refreshes them (it changes nothing).
``patch.reboot_pending``      warning when the running kernel is older than the newest
                              installed one of its flavour (or /run/reboot-required exists);
                              unknown when no kernel package is installed (containers).
``patch.last_update``         warning when the last applied update is older than
                              ``last_update_age_days_warning`` (90) days; unknown without
                              history.

A threshold set to 0 or None (null) disables that level (counts and ages are judged with
``>=``, so a warning at 1 already means "any").

``data`` (the module's ``data`` result) holds one section per source; a section that could
not be read is ``{"error": reason, "evidence": [...]}`` and its checks report ``unknown``.
"""

from __future__ import annotations

import calendar
import time

from ansible.module_utils.weibao_inspection.findings import judge, make_finding, unknown
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    dpkg_version_compare,
    rpm_label_compare,
    split_evr,
)
from ansible.module_utils.weibao_inspection.rules.common import section_error

CHECK_IDS = (
    "patch.os_release",
    "patch.pending_updates",
    "patch.security_updates",
    "patch.package_lists_age",
    "patch.reboot_pending",
    "patch.last_update",
)

DEFAULT_THRESHOLDS = {
    "pending_warning": 1,
    "security_warning": 1,
    "security_critical": 10,
    "security_critical_severities": "Critical",
    "lists_age_days_warning": 14,
    "last_update_age_days_warning": 90,
    "os_eol_days_warning": 180,
}

_NUMERIC = ("pending_warning", "security_warning", "security_critical",
            "lists_age_days_warning", "last_update_age_days_warning", "os_eol_days_warning")

_UPGRADE_HINT = {
    "apt": "apt-get update && apt-get dist-upgrade",
    "dnf": "dnf upgrade",
    "dnf5": "dnf upgrade",
    "yum": "yum update",
}
_SECURITY_HINT = {
    "apt": "apt-get update && apt-get dist-upgrade (or unattended-upgrades)",
    "dnf": "dnf upgrade --security",
    "dnf5": "dnf upgrade --security",
    "yum": "yum update --security",
}
_REFRESH_HINT = {
    "apt": "make sure 'apt-get update' runs regularly (apt-daily.timer or the site's patch "
           "job) and that the configured mirror is current",
    "dnf": "make sure the repository metadata is refreshed regularly (dnf-makecache.timer or "
           "'dnf makecache') and that the configured repositories are current",
    "yum": "make sure the repository metadata is refreshed regularly ('yum makecache' from "
           "cron) and that the configured repositories are current",
}
_REFRESH_HINT["dnf5"] = _REFRESH_HINT["dnf"]


def normalize_thresholds(thresholds=None):
    """Defaults merged with ``thresholds``; ValueError naming the bad key otherwise.

    Numbers must be >= 0; 0 or None disables the level. ``security_critical_severities`` is a
    list or a comma-separated string of severities (Critical, Important, Moderate, Low); empty
    disables the severity rule.
    """
    result = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            known = ", ".join(sorted(DEFAULT_THRESHOLDS))
            raise ValueError(f"unknown threshold {key!r} (known: {known})")
        if key in _NUMERIC:
            if value is None or value == "":
                result[key] = None
                continue
            if isinstance(value, bool):
                raise ValueError(f"threshold {key}: expected a number, got {value!r}")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"threshold {key}: expected a number, got {value!r}") from None
            if number < 0:
                raise ValueError(f"threshold {key}: must not be negative")
            if number == 0:
                result[key] = None  # 0 disables the level, like null
                continue
            result[key] = int(number) if number == int(number) else number
        else:
            if value is None:
                value = ""
            if isinstance(value, (list, tuple)):
                items = [str(v).strip() for v in value]
            else:
                items = [v.strip() for v in str(value).split(",")]
            known = ("Critical", "Important", "Moderate", "Low")
            items = [v.capitalize() for v in items if v]
            bad = [v for v in items if v not in known]
            if bad:
                raise ValueError("threshold {}: unknown severity {} (known: {})".format(
                    key, ", ".join(bad), ", ".join(known)))
            result[key] = ",".join(items)
    return result


_error = section_error


def _evidence(section):
    return section.get("evidence") if isinstance(section, dict) else None


def _days(seconds):
    return round(seconds / 86400.0, 1)


def _fmt_time(epoch):
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch))


def _plural(count, word, plural=None):
    return "{} {}".format(count, word if count == 1 else (plural or word + "s"))


# --------------------------------------------------------------------------------------------
# patch.os_release
# --------------------------------------------------------------------------------------------

# End of free security support (the last day security updates are published without a paid
# extension), by os-release ID and version. Debian: end of Debian LTS; Ubuntu: end of standard
# support (ESM needs Ubuntu Pro); RHEL and rebuilds: end of Maintenance Support (ELS is paid);
# CentOS Linux: end of life. Only dates already announced by the vendor are listed; a release
# not listed is not judged (values.eol is null). Sources: wiki.debian.org/LTS,
# ubuntu.com/about/release-cycle, access.redhat.com/support/policy/updates/errata,
# centos.org (End dates of CentOS Linux).
OS_EOL = {
    ("debian", "9"): "2022-06-30",
    ("debian", "10"): "2024-06-30",
    ("debian", "11"): "2026-08-31",
    ("debian", "12"): "2028-06-30",
    ("ubuntu", "16.04"): "2021-04-30",
    ("ubuntu", "18.04"): "2023-05-31",
    ("ubuntu", "20.04"): "2025-05-31",
    ("centos", "6"): "2020-11-30",
    ("centos", "7"): "2024-06-30",
    ("centos", "8"): "2021-12-31",
    ("rhel", "6"): "2020-11-30",
    ("rhel", "7"): "2024-06-30",
    ("rhel", "8"): "2029-05-31",
    ("rhel", "9"): "2032-05-31",
    ("rocky", "8"): "2029-05-31",
    ("rocky", "9"): "2032-05-31",
    ("almalinux", "8"): "2029-05-31",
    ("almalinux", "9"): "2032-05-31",
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
    thresholds = normalize_thresholds(thresholds)
    limit = thresholds["os_eol_days_warning"]
    err = _error(os_release)
    if err:
        return unknown(check_id, f"Could not read the OS release (/etc/os-release): {err}",
                       evidence=_evidence(os_release))
    pretty = os_release.get("pretty_name") or " ".join(
        x for x in (os_release.get("name"), os_release.get("version")) if x)
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
    status, summary, recommendation = "ok", f"Operating system: {pretty}", ""
    if eol and now is not None:
        eol_epoch = calendar.timegm(time.strptime(eol, "%Y-%m-%d")) + 86399
        days = int((eol_epoch - now) // 86400)
        values["days_to_eol"] = days
        if days < 0:
            status = "warning"
            summary = (f"Operating system: {pretty}; its free security support ended on {eol}: "
                       "no more security updates without an extended-support subscription")
        elif limit is not None and days <= limit:
            status = "warning"
            summary = (f"Operating system: {pretty}; free security support ends on {eol} "
                       f"({days} days)")
        if status == "warning":
            recommendation = ("Plan the upgrade to a supported release (or buy extended support) "
                              "before security updates stop; record the decision in the report.")
    return make_finding(check_id, status, summary, recommendation=recommendation, values=values,
                        thresholds={"os_eol_days_warning": limit})


# --------------------------------------------------------------------------------------------
# patch.pending_updates / patch.security_updates
# --------------------------------------------------------------------------------------------

def _lists_unconfirmed(tool, lists):
    """apt answers "0 upgraded" when its lists were never fetched: such a 0 proves nothing."""
    if tool != "apt":
        return None
    if _error(lists):
        return f"the package lists could not be checked ({_error(lists)})"
    if not lists.get("fetched"):
        return ("the package lists have never been fetched (no index files in {}), so apt "
                "knows of no newer versions".format(lists.get("location", "/var/lib/apt/lists")))
    return None


def _package_lines(tool, packages, limit=20):
    lines = []
    for pkg in packages[:limit]:
        if tool == "apt":
            lines.append("{} {} -> {} ({})".format(pkg["name"], pkg.get("current") or "(new)",
                                               pkg["candidate"], ", ".join(pkg["origins"])))
        else:
            lines.append("{}.{} {} {}".format(pkg["name"], pkg["arch"], pkg["evr"], pkg["repo"]))
    if len(packages) > limit:
        lines.append(f"... and {len(packages) - limit} more")
    return lines


def _security_summary(tool, updates, advisories):
    """(count of packages with security updates, advisory list) or (None, reason)."""
    if tool == "apt":
        if _error(updates):
            return None, _error(updates)
        return updates["security_count"], []
    if _error(advisories):
        return None, _error(advisories)
    security = [a for a in advisories["advisories"] if a["type"] == "security"]
    return len({(a["name"], a["arch"]) for a in security}), security


def check_pending_updates(tool, updates, lists, advisories=None, thresholds=None):
    check_id = "patch.pending_updates"
    thresholds = normalize_thresholds(thresholds)
    limits = {"pending_warning": thresholds["pending_warning"]}
    err = _error(updates)
    if err:
        return unknown(check_id, f"Could not tell whether software needs upgrading: {err}",
                       evidence=_evidence(updates))
    count = updates["pending_count"]
    unconfirmed = _lists_unconfirmed(tool, lists)
    if count == 0 and unconfirmed:
        return unknown(check_id, f"Could not tell whether software needs upgrading: {unconfirmed}")
    security_count, _ = _security_summary(tool, updates, advisories)
    held = updates.get("held_back", 0)
    values = {
        "pending": count,
        "security": security_count,
        "held_back": held,
        "tool": tool,
        "needs_upgrade": count > 0,
    }
    if tool == "apt":
        values.update(upgrades=updates["upgraded"], new_installs=updates["newly_installed"],
                      removals=updates["removed"])
    status = judge(count, thresholds["pending_warning"], None)
    held_note = ""
    if held:
        held_note = "; {} held back (apt-mark hold or phased updates)".format(
            _plural(held, "package"))
    if count:
        security_note = ""
        if security_count:
            security_note = f" ({security_count} with security updates)"
        summary = "Software needs upgrading: {} pending{}{}".format(
            _plural(count, "package update"), security_note, held_note)
    else:
        summary = ("No software upgrade needed: every installed package is at the newest version "
                   f"the configured repositories offer{held_note}")
    recommendation = ""
    if status != "ok":
        hint = _UPGRADE_HINT.get(tool, tool)
        recommendation = (f"Apply the pending updates in the next maintenance window ({hint}, or "
                          "the site's patch procedure), reboot if a new kernel or core library "
                          "was installed, then re-run the inspection.")
    return make_finding(check_id, status, summary,
                        evidence=_package_lines(tool, updates["packages"]),
                        recommendation=recommendation, values=values, thresholds=limits)


def check_security_updates(tool, updates, lists, advisories=None, thresholds=None):
    check_id = "patch.security_updates"
    thresholds = normalize_thresholds(thresholds)
    severities = [s for s in thresholds["security_critical_severities"].split(",") if s]
    limits = {
        "security_warning": thresholds["security_warning"],
        "security_critical": thresholds["security_critical"],
        "security_critical_severities": thresholds["security_critical_severities"],
    }
    count, detail = _security_summary(tool, updates, advisories)
    if count is None:
        return unknown(check_id, f"Could not list pending security updates: {detail}",
                       evidence=_evidence(advisories if tool != "apt" else updates))
    unconfirmed = _lists_unconfirmed(tool, lists)
    if count == 0 and unconfirmed:
        return unknown(check_id, f"Could not list pending security updates: {unconfirmed}")
    values = {"security_packages": count, "tool": tool}
    evidence = []
    by_severity = {}
    if tool == "apt":
        secure = [p for p in updates["packages"]
                  if p["security"] and p["action"] in ("upgrade", "install")]
        evidence = _package_lines(tool, secure)
        source = "from the security archive"
    else:
        pending_err = _error(updates)
        all_adv = advisories["advisories"]
        if count == 0 and pending_err:
            return unknown(check_id, "Could not tell whether the pending updates include security "
                           f"fixes: {pending_err}", evidence=_evidence(updates))
        if count == 0 and updates["pending_count"] and not all_adv:
            return unknown(
                check_id,
                "{} pending but the repositories publish no advisory (updateinfo) data (e.g. "
                "CentOS, CentOS Stream): whether any is a security fix cannot be told".format(
                    _plural(updates["pending_count"], "update is", "updates are")),
                evidence=_package_lines(tool, updates["packages"]))
        for adv in detail:
            by_severity.setdefault(adv["severity"] or "Unknown", set()).add(adv["id"])
        ids = sorted({a["id"] for a in detail})
        values["security_advisories"] = len(ids)
        for sev in ("Critical", "Important", "Moderate", "Low", "Unknown"):
            values[f"advisories_{sev.lower()}"] = len(by_severity.get(sev, ()))
        if not pending_err:
            covered = {(a["name"], a["arch"]) for a in all_adv}
            values["updates_without_advisory"] = sum(
                1 for p in updates["packages"] if (p["name"], p["arch"]) not in covered)
        evidence = ["{} {} {}".format(a["id"], a["severity"] or "-", a["package"]) for a in detail]
        parts = [f"{len(by_severity[s])} {s}" for s in
                 ("Critical", "Important", "Moderate", "Low", "Unknown") if s in by_severity]
        source = ""
        if ids:
            source = "in {} ({})".format(_plural(len(ids), "advisory", "advisories"),
                                         ", ".join(parts))
    status = judge(count, thresholds["security_warning"], thresholds["security_critical"])
    flagged = [s for s in severities if s in by_severity]
    if count and flagged:
        status = "critical"
    if count:
        summary = "{} pending security updates {}".format(
            _plural(count, "package has", "packages have"), source)
        if flagged:
            summary += "; {} severity present".format("/".join(flagged))
    else:
        summary = "No pending security updates"
    if values.get("updates_without_advisory"):
        summary += "; {} no advisory data".format(
            _plural(values["updates_without_advisory"], "pending update carries",
                    "pending updates carry"))
    recommendation = ""
    if status != "ok":
        urgency = "now (emergency change)" if status == "critical" else "in the next window"
        hint = _SECURITY_HINT.get(tool, tool)
        recommendation = (f"Apply the security updates {urgency}: {hint}; reboot if the kernel "
                          "or core libraries were updated.")
    return make_finding(check_id, status, summary.strip(), evidence=evidence,
                        recommendation=recommendation, values=values, thresholds=limits)


# --------------------------------------------------------------------------------------------
# patch.package_lists_age
# --------------------------------------------------------------------------------------------

def check_package_lists_age(tool, lists, now, thresholds=None):
    check_id = "patch.package_lists_age"
    thresholds = normalize_thresholds(thresholds)
    limit = thresholds["lists_age_days_warning"]
    limits = {"lists_age_days_warning": limit}
    err = _error(lists)
    if err:
        return unknown(check_id, f"Could not check the age of the package lists: {err}",
                       evidence=_evidence(lists))
    location = lists.get("location", "")
    hint = _REFRESH_HINT.get(tool, _REFRESH_HINT["apt"])
    if not lists.get("fetched"):
        return make_finding(
            check_id, "warning",
            f"Package lists have never been fetched (no index files in {location}): pending "
            "updates cannot be known",
            recommendation=f"Fetch the package lists and {hint}; the inspection itself never "
                           "refreshes them.",
            values={"fetched": False, "age_days": None, "location": location},
            thresholds=limits)
    age = _days(max(0.0, now - lists["newest_mtime"]))
    status = judge(age, limit, None)
    summary = "Package lists are {:.1f} days old (newest index file dated {} in {})".format(
        age, _fmt_time(lists["newest_mtime"]), location)
    recommendation = ""
    if status != "ok":
        recommendation = (f"Pending-update counts are only as fresh as these lists: {hint}. The "
                          "inspection itself never refreshes them.")
    return make_finding(
        check_id, status, summary, recommendation=recommendation,
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


def check_reboot_pending(kernels, reboot_required=None):
    check_id = "patch.reboot_pending"
    flag = bool(reboot_required and reboot_required.get("exists"))
    flag_pkgs = list((reboot_required or {}).get("packages") or [])
    flag_line = ["/run/reboot-required exists%s" % (
        (" (packages: {})".format(", ".join(flag_pkgs[:10]))) if flag_pkgs else "")] if flag else []
    recommendation = ("Reboot the host in a maintenance window so that it runs the updated "
                      "kernel (and libraries), then re-run the inspection.")
    err = _error(kernels)
    if err and not flag:
        return unknown(check_id, f"Could not compare the running and installed kernels: {err}",
                       evidence=_evidence(kernels))
    if err:
        return make_finding(check_id, "warning", "Reboot pending: the system asks for a reboot "
                            "(/run/reboot-required)", evidence=flag_line,
                            recommendation=recommendation,
                            values={"reboot_required_file": True})
    family = kernels.get("family", "deb")
    running = kernels.get("running_release", "")
    installed = kernels.get("installed") or []
    values = {"running_kernel": running, "installed_kernels": len(installed),
              "newest_installed": None, "reboot_required_file": flag}
    evidence = ["running: {} ({})".format(running, kernels.get("running_version", ""))]
    evidence += ["installed: {} {}".format(k["package"], k["version"]) for k in installed]
    evidence += flag_line
    if not installed:
        if flag:
            return make_finding(check_id, "warning", "Reboot pending: the system asks for a "
                                "reboot (/run/reboot-required)", evidence=evidence,
                                recommendation=recommendation, values=values)
        return unknown(
            check_id,
            "No kernel package is installed (a container, or a kernel not installed from "
            f"packages): whether a reboot is pending cannot be told (running kernel {running})",
            evidence=evidence)
    try:
        match = [k for k in installed if k["release"] == running]
        flavour = match[0]["flavour"] if match else None
        pool = [k for k in installed if k["flavour"] == flavour] if match else installed
        newest = _newest(family, pool)
        values["newest_installed"] = newest["release"]
        reason = None
        if match:
            current = match[0]
            if _compare_pkg(family, newest["version"], current["version"]) > 0:
                reason = "the running kernel {} is older than the newest installed {} ({})".format(
                    running, newest["release"], newest["version"])
            else:
                kind, build = kernels.get("running_build_kind"), kernels.get("running_build")
                if kind == "deb" and build and dpkg_version_compare(current["version"],
                                                                    build) > 0:
                    reason = ("kernel package {} was updated in place to {} but the running "
                              "kernel was built from {}".format(current["package"],
                                                            current["version"], build))
                elif kind == "ubuntu" and build:
                    upload = _ubuntu_upload(current["version"])
                    if upload and dpkg_version_compare("0-" + upload, "0-" + build) > 0:
                        reason = ("kernel package {} was updated in place to {} but the "
                                  "running kernel is build #{}".format(current["package"],
                                                                   current["version"], build))
        else:
            if _release_compare(family, newest["release"], running) > 0:
                reason = ("the running kernel {} is no longer installed and is older than the "
                          "newest installed {}".format(running, newest["release"]))
            elif not flag:
                return unknown(
                    check_id,
                    "The running kernel {} does not come from an installed kernel package "
                    "(newest installed: {}): whether a reboot is pending cannot be told".format(
                        running, newest["release"]), evidence=evidence)
    except ParseError as exc:
        return unknown(check_id, f"Could not order the kernel versions: {exc}",
                       evidence=evidence)
    if reason or flag:
        summary = "Reboot pending: %s" % (reason or "the system asks for a reboot "
                                          "(/run/reboot-required)")
        if reason and flag:
            summary += "; /run/reboot-required exists"
        return make_finding(check_id, "warning", summary, evidence=evidence,
                            recommendation=recommendation, values=values)
    return make_finding(check_id, "ok",
                        f"No reboot pending: running the newest installed kernel {running}",
                        evidence=evidence, values=values)


# --------------------------------------------------------------------------------------------
# patch.last_update
# --------------------------------------------------------------------------------------------

def check_last_update(last_update, now, thresholds=None):
    check_id = "patch.last_update"
    thresholds = normalize_thresholds(thresholds)
    limit = thresholds["last_update_age_days_warning"]
    limits = {"last_update_age_days_warning": limit}
    err = _error(last_update)
    if err:
        return unknown(check_id, f"Could not tell when updates were last applied: {err}",
                       evidence=_evidence(last_update))
    source = last_update.get("source", "")
    if last_update.get("time") is None:
        return unknown(check_id, f"No applied package update is recorded ({source})",
                       evidence=_evidence(last_update))
    age = _days(max(0.0, now - last_update["time"]))
    status = judge(age, limit, None)
    what = ("Last package update" if last_update.get("kind", "upgrade") == "upgrade"
            else "Last package installation or update")
    summary = "{} applied {:.1f} days ago ({} local time, from {})".format(
        what, age, last_update.get("local", ""), source)
    recommendation = ""
    if status != "ok":
        recommendation = (f"Updates have not been applied for {int(age)} days: schedule a patch "
                          "window and apply the pending updates.")
    evidence = [x for x in (last_update.get("detail"),) if x]
    return make_finding(check_id, status, summary, evidence=evidence,
                        recommendation=recommendation,
                        values={"last_update": last_update.get("local", ""), "age_days": age,
                                "source": source},
                        thresholds=limits)


# --------------------------------------------------------------------------------------------

def evaluate(data, thresholds=None):
    """All patch findings, in CHECK_IDS order, from the module's ``data``."""
    thresholds = normalize_thresholds(thresholds)
    tool = data.get("tool") or data.get("provider") or "apt"
    now = data.get("now")
    if now is None:
        now = time.time()
    updates = data.get("updates")
    lists = data.get("lists")
    advisories = data.get("advisories")
    return [
        check_os_release(data.get("os_release"), now, thresholds),
        check_pending_updates(tool, updates, lists, advisories, thresholds),
        check_security_updates(tool, updates, lists, advisories, thresholds),
        check_package_lists_age(tool, lists, now, thresholds),
        check_reboot_pending(data.get("kernels"), data.get("reboot_required")),
        check_last_update(data.get("last_update"), now, thresholds),
    ]
