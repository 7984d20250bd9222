# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules for the Linux patch-level inspection: parsed data + thresholds -> findings.

Check ids (stable, see docs/findings.md):

``patch.os_release``          ok with the OS name and version and the end of its free security
                              support (built-in table OS_EOL); warning when that ends within
                              ``os_eol_days_warning`` (180) days or has ended; unknown when
                              os-release is unreadable or the release is not in OS_EOL (its
                              end of support is then not known, so it is never ok).
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

Every finding carries its Simplified Chinese text (``summary_zh``, ``recommendation_zh``,
``reason_zh``; docs/findings.md), built from Chinese fragments; the collector's English reasons
are rendered by ``_reason_zh``.

``data`` (the module's ``data`` result) holds one section per source; a section that could
not be read is ``{"error": reason, "evidence": [...]}`` and its checks report ``unknown``.
"""

from __future__ import annotations

import calendar
import re
import time

from ansible.module_utils.weibao_inspection.findings import (
    UNKNOWN_RECOMMENDATION,
    UNKNOWN_RECOMMENDATION_ZH,
    judge,
    make_finding,
    unknown,
)
from ansible.module_utils.weibao_inspection.parsers.linux_patch import (
    ParseError,
    dpkg_version_compare,
    rpm_label_compare,
    split_evr,
)
from ansible.module_utils.weibao_inspection.rules.common import STRERROR_ZH, section_error

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
_SECURITY_HINT_ZH = dict(_SECURITY_HINT, apt="apt-get update && apt-get dist-upgrade"
                                             "（或 unattended-upgrades）")
_REFRESH_HINT_ZH = {
    "apt": ("确保定期运行 apt-get update（apt-daily.timer 或现场的补丁任务），"
            "且所配置的镜像源是最新的"),
    "dnf": ("确保定期刷新软件源元数据（dnf-makecache.timer 或 dnf makecache），"
            "且所配置的软件源是最新的"),
    "yum": "确保定期刷新软件源元数据（由 cron 运行 yum makecache），且所配置的软件源是最新的",
}
_REFRESH_HINT_ZH["dnf5"] = _REFRESH_HINT_ZH["dnf"]


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
# Simplified Chinese text (docs/findings.md: every finding carries its zh-CN text)
# --------------------------------------------------------------------------------------------

# The collector module and the parsers say why a section could not be read in English (a
# command, its exit status, a parser's complaint). _reason_zh() renders every reason they
# produce in Chinese; commands, paths and values stay as they are, and a text it does not
# know (a tool's own message) is quoted verbatim rather than translated by guesswork.
_REASON_ZH_EXACT = {
    "not collected": "未采集到数据",
    "no supported package manager found (apt-get, dnf, yum)":
        "未找到受支持的包管理器（apt-get、dnf、yum）",
    "os-release has lines that are not KEY=value assignments":
        "os-release 中有不是 KEY=value 赋值形式的行",
    "os-release names no operating system (no NAME, ID or PRETTY_NAME)":
        "os-release 未给出操作系统（没有 NAME、ID 或 PRETTY_NAME）",
    "unrecognised apt simulation line": "无法识别的 apt 模拟输出行",
    "unrecognised version in apt simulation line": "apt 模拟输出行中的版本号无法识别",
    "no 'N upgraded, N newly installed, ...' summary line: the output is truncated or not in "
    "the C locale": ("没有“N upgraded, N newly installed, ...”汇总行：输出被截断，"
                     "或不是 C 语言环境下的输出"),
    "unrecognised Start-Date in apt history": "apt 历史记录中的 Start-Date 无法识别",
    "no 'Start-Date:' stanza in apt history": "apt 历史记录中没有 Start-Date: 段落",
    "unrecognised check-update lines (truncated or garbled output?)":
        "无法识别的 check-update 输出行（输出可能被截断或已损坏）",
    "check-update exited with 100 (updates available) but listed none":
        "check-update 的退出码为 100（表示有可用更新），却没有列出任何软件包",
    "check-update exited with 0 (no updates) but listed packages":
        "check-update 的退出码为 0（表示没有更新），却列出了软件包",
    "unrecognised updateinfo lines": "无法识别的 updateinfo 输出行",
    "unrecognised history list lines": "无法识别的 history list 输出行",
    "history list rows without a header": "history list 的输出有数据行却没有表头",
    "rpm -qa --last line has no date": "rpm -qa --last 的输出行中没有日期",
    "rpm -qa --last printed nothing": "rpm -qa --last 没有任何输出",
    "unrecognised dpkg-query lines": "无法识别的 dpkg-query 输出行",
    "unrecognised rpm -q lines": "无法识别的 rpm -q 输出行",
    "package metadata cache": "软件包元数据缓存",
    **STRERROR_ZH,
}
_REASON_ZH_PATTERNS = (
    # first: the reason in its parentheses may itself match the patterns below
    (re.compile(r"^rpm install times \((?P<reason>.*)\)$"), None),
    (re.compile(r"^(?P<cmd>.+?) is not installed$"), "未安装 {cmd}"),
    (re.compile(r"^(?P<cmd>.+?) failed \(exit (?P<rc>-?\d+)(?P<cache>; no metadata cache\?)?\)"
                r"(?:: (?P<out>.*))?$"), None),
    (re.compile(r"^no update transaction in (?P<cmd>\S+) history$"),
     "{cmd} history 中没有更新事务"),
    (re.compile(r"^no system upgrade recorded in (?P<paths>.+)$"),
     "{paths} 中没有系统升级记录"),
    (re.compile(r"^(?P<path>\S+) does not exist$"), "{path} 不存在"),
    (re.compile(r"^(?P<cmd>\S+) history \(transaction (?P<id>\d+)\)$"),
     "{cmd} history（事务 {id}）"),
    (re.compile(r"^check-update exited with status (?P<rc>-?\d+)$"),
     "check-update 的退出码为 {rc}"),
    (re.compile(r"^apt simulation lines disagree with its summary \(output truncated\?\): "
                r"found (?P<found>.+) and (?P<removed>\d+) removals, summary says "
                r"(?P<said>.+) and (?P<said_removed>\d+) removals$"),
     "apt 模拟输出的明细与其汇总行不一致（输出可能被截断）：明细为 {found}，删除 {removed} 个；"
     "汇总行为 {said}，删除 {said_removed} 个"),
    (re.compile(r"^unrecognised rpm date \(not the C or English locale\?\): (?P<value>.+)$"),
     "无法识别的 rpm 日期（可能不是 C 或英文语言环境）：{value}"),
    (re.compile(r"^not a Debian version: (?P<value>.+)$"), "不是有效的 Debian 版本号：{value}"),
    (re.compile(r"^not an rpm EVR: (?P<value>.+)$"), "不是有效的 rpm 版本号（EVR）：{value}"),
)
# "<command or path>: <what went wrong>", as the collector prefixes a parser's complaint
_REASON_PREFIX_RE = re.compile(
    r"^(?P<head>(?:/\S*|(?:apt-get|dpkg-query|dnf5?|yum|rpm)(?: [^:]*)?|package metadata cache))"
    r": (?P<rest>.+)$")


def _reason_part_zh(text):
    text = text.strip()
    if text in _REASON_ZH_EXACT:
        return _REASON_ZH_EXACT[text]
    for pattern, template in _REASON_ZH_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        if "rc" in groups and "cmd" in groups:      # "<command> failed (exit N...)"
            result = "{} 执行失败（退出码 {}{}）".format(
                groups["cmd"], groups["rc"], "，可能没有元数据缓存" if groups["cache"] else "")
            if groups["out"]:
                result += "，输出：“{}”".format(groups["out"])
            return result
        if "reason" in groups:                      # "rpm install times (<reason>)"
            return "rpm 安装时间（{}）".format(_reason_zh(groups["reason"]))
        return template.format(**groups)
    if " " not in text:                             # a path, a command, a value
        return text
    match = _REASON_PREFIX_RE.match(text)
    if match:
        head = _REASON_ZH_EXACT.get(match.group("head"), match.group("head"))
        return "{}：{}".format(head, _reason_part_zh(match.group("rest")))
    return f"“{text}”"                               # a tool's own message, verbatim


def _split_reasons(text):
    """'a; b (c; d)' -> ['a', 'b (c; d)']: the collector joins reasons with '; '."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth = max(0, depth + {"(": 1, ")": -1}.get(char, 0))
        if depth == 0 and text.startswith("; ", i):
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def _reason_zh(text):
    """The Chinese text of a reason from the collector or the parsers (see above)."""
    return "；".join(_reason_part_zh(part) for part in _split_reasons(str(text)))


# --------------------------------------------------------------------------------------------
# patch.os_release
# --------------------------------------------------------------------------------------------

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
    thresholds = normalize_thresholds(thresholds)
    limit = thresholds["os_eol_days_warning"]
    limits = {"os_eol_days_warning": limit}
    err = _error(os_release)
    if err:
        return unknown(check_id, f"Could not read the OS release (/etc/os-release): {err}",
                       evidence=_evidence(os_release),
                       reason_zh=f"无法读取操作系统版本信息（/etc/os-release）：{_reason_zh(err)}")
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
        return make_finding(
            check_id, "unknown",
            f"Operating system: {pretty}; its end of security support is not known to weibao: "
            "check the vendor's lifecycle page",
            recommendation=(f"Look up the end of security support of {pretty} on the vendor's "
                            "lifecycle page and record it in the report; add the release to "
                            "OS_EOL in rules/patch.py so that weibao judges it."),
            values=values, thresholds=limits,
            summary_zh=(f"操作系统：{pretty}；weibao 未收录该版本的安全支持终止日期，"
                        "无法判断其是否仍受支持，请查阅厂商的生命周期页面"),
            recommendation_zh=(f"在厂商的生命周期页面查明 {pretty} 的安全支持终止日期并写入报告；"
                               "在 rules/patch.py 的 OS_EOL 表中补充该版本，"
                               "以便 weibao 自行判断。"))
    if now is None:
        return make_finding(
            check_id, "unknown",
            f"Operating system: {pretty}; its free security support ends on {eol}, but the "
            "inspection time is not known, so how far away that is cannot be told",
            recommendation=UNKNOWN_RECOMMENDATION, values=values, thresholds=limits,
            summary_zh=(f"操作系统：{pretty}；免费安全支持于 {eol} 终止，但巡检时间未知，"
                        "无法判断距终止还有多久"),
            recommendation_zh=UNKNOWN_RECOMMENDATION_ZH)
    eol_epoch = calendar.timegm(time.strptime(eol, "%Y-%m-%d")) + 86399
    days = int((eol_epoch - now) // 86400)
    values["days_to_eol"] = days
    status = "ok"
    summary = (f"Operating system: {pretty}; free security support until {eol} "
               f"({_plural(days, 'day')} left)")
    summary_zh = f"操作系统：{pretty}；免费安全支持至 {eol}（还剩 {days} 天）"
    recommendation = recommendation_zh = ""
    if days < 0:
        status = "warning"
        summary = (f"Operating system: {pretty}; its free security support ended on {eol}: "
                   "no more security updates without an extended-support subscription")
        summary_zh = (f"操作系统：{pretty}；免费安全支持已于 {eol} 终止，"
                      "不购买延长支持服务将不再获得安全更新")
    elif limit is not None and days <= limit:
        status = "warning"
        summary = (f"Operating system: {pretty}; free security support ends on {eol} "
                   f"({_plural(days, 'day')})")
        summary_zh = f"操作系统：{pretty}；免费安全支持将于 {eol} 终止（还剩 {days} 天）"
    if status == "warning":
        recommendation = ("Plan the upgrade to a supported release (or buy extended support) "
                          "before security updates stop; record the decision in the report.")
        recommendation_zh = ("在安全更新停止之前，规划升级到受支持的版本（或购买延长支持服务），"
                             "并在报告中记录该决定。")
    return make_finding(check_id, status, summary, recommendation=recommendation, values=values,
                        thresholds=limits, summary_zh=summary_zh,
                        recommendation_zh=recommendation_zh)


# --------------------------------------------------------------------------------------------
# patch.pending_updates / patch.security_updates
# --------------------------------------------------------------------------------------------

def _lists_unconfirmed(tool, lists):
    """apt answers "0 upgraded" when its lists were never fetched: such a 0 proves nothing.

    (reason, reason in Chinese) or None.
    """
    if tool != "apt":
        return None
    if _error(lists):
        return (f"the package lists could not be checked ({_error(lists)})",
                f"无法检查软件包列表（{_reason_zh(_error(lists))}）")
    if not lists.get("fetched"):
        location = lists.get("location", "/var/lib/apt/lists")
        return (f"the package lists have never been fetched (no index files in {location}), so "
                "apt knows of no newer versions",
                f"软件包列表从未获取过（{location} 中没有索引文件），apt 无从得知是否有新版本")
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
                       evidence=_evidence(updates),
                       reason_zh=f"无法判断软件是否需要升级：{_reason_zh(err)}")
    count = updates["pending_count"]
    unconfirmed = _lists_unconfirmed(tool, lists)
    if count == 0 and unconfirmed:
        return unknown(check_id,
                       f"Could not tell whether software needs upgrading: {unconfirmed[0]}",
                       reason_zh=f"无法判断软件是否需要升级：{unconfirmed[1]}")
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
    held_note = held_note_zh = ""
    if held:
        held_note = "; {} held back (apt-mark hold or phased updates)".format(
            _plural(held, "package"))
        held_note_zh = f"；{held} 个软件包被暂缓升级（apt-mark hold 或分阶段更新）"
    if count:
        security_note = security_note_zh = ""
        if security_count:
            security_note = f" ({security_count} with security updates)"
            security_note_zh = f"（其中 {security_count} 个含安全更新）"
        summary = "Software needs upgrading: {} pending{}{}".format(
            _plural(count, "package update"), security_note, held_note)
        summary_zh = f"软件需要升级：有 {count} 个软件包更新待安装{security_note_zh}{held_note_zh}"
    else:
        summary = ("No software upgrade needed: every installed package is at the newest version "
                   f"the configured repositories offer{held_note}")
        summary_zh = ("软件无需升级：所有已安装的软件包均已是所配置软件源提供的最新版本"
                      f"{held_note_zh}")
    recommendation = recommendation_zh = ""
    if status != "ok":
        hint = _UPGRADE_HINT.get(tool, tool)
        recommendation = (f"Apply the pending updates in the next maintenance window ({hint}, or "
                          "the site's patch procedure), reboot if a new kernel or core library "
                          "was installed, then re-run the inspection.")
        recommendation_zh = (f"在下一个维护窗口安装待安装的更新（{hint}，或按现场的补丁流程），"
                             "如安装了新内核或核心库则重启主机，然后重新巡检。")
    return make_finding(check_id, status, summary,
                        evidence=_package_lines(tool, updates["packages"]),
                        recommendation=recommendation, values=values, thresholds=limits,
                        summary_zh=summary_zh, recommendation_zh=recommendation_zh)


_SEVERITY_ZH = {"Critical": "严重", "Important": "重要", "Moderate": "中等", "Low": "低",
                "Unknown": "未标明"}


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
                       evidence=_evidence(advisories if tool != "apt" else updates),
                       reason_zh=f"无法列出待安装的安全更新：{_reason_zh(detail)}")
    unconfirmed = _lists_unconfirmed(tool, lists)
    if count == 0 and unconfirmed:
        return unknown(check_id, f"Could not list pending security updates: {unconfirmed[0]}",
                       reason_zh=f"无法列出待安装的安全更新：{unconfirmed[1]}")
    values = {"security_packages": count, "tool": tool}
    evidence = []
    by_severity = {}
    if tool == "apt":
        secure = [p for p in updates["packages"]
                  if p["security"] and p["action"] in ("upgrade", "install")]
        evidence = _package_lines(tool, secure)
        source = "from the security archive"
        source_zh = "（来自安全更新源）"
    else:
        pending_err = _error(updates)
        all_adv = advisories["advisories"]
        if count == 0 and pending_err:
            return unknown(check_id, "Could not tell whether the pending updates include security "
                           f"fixes: {pending_err}", evidence=_evidence(updates),
                           reason_zh=f"无法判断待安装的更新中是否包含安全修复：{_reason_zh(pending_err)}")
        if count == 0 and updates["pending_count"] and not all_adv:
            pending = updates["pending_count"]
            return unknown(
                check_id,
                "{} pending but the repositories publish no advisory (updateinfo) data (e.g. "
                "CentOS, CentOS Stream): whether any is a security fix cannot be told".format(
                    _plural(pending, "update is", "updates are")),
                evidence=_package_lines(tool, updates["packages"]),
                reason_zh=(f"有 {pending} 个更新待安装，但软件源未发布公告（updateinfo）数据"
                           "（如 CentOS、CentOS Stream），无法判断其中是否有安全修复"))
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
        order = [s for s in ("Critical", "Important", "Moderate", "Low", "Unknown")
                 if s in by_severity]
        parts = [f"{len(by_severity[s])} {s}" for s in order]
        parts_zh = [f"{_SEVERITY_ZH[s]} {len(by_severity[s])} 条" for s in order]
        source = source_zh = ""
        if ids:
            source = "in {} ({})".format(_plural(len(ids), "advisory", "advisories"),
                                         ", ".join(parts))
            source_zh = "，涉及 {} 条公告（{}）".format(len(ids), "、".join(parts_zh))
    status = judge(count, thresholds["security_warning"], thresholds["security_critical"])
    flagged = [s for s in severities if s in by_severity]
    if count and flagged:
        status = "critical"
    if count:
        summary = "{} pending security updates {}".format(
            _plural(count, "package has", "packages have"), source)
        summary_zh = f"{count} 个软件包有待安装的安全更新{source_zh}"
        if flagged:
            summary += "; {} severity present".format("/".join(flagged))
            summary_zh += "；其中有{}级别的公告".format("、".join(
                f"{_SEVERITY_ZH[s]}（{s}）" for s in flagged))
    else:
        summary = "No pending security updates"
        summary_zh = "没有待安装的安全更新"
    without = values.get("updates_without_advisory")
    if without:
        summary += "; {} no advisory data".format(
            _plural(without, "pending update carries", "pending updates carry"))
        summary_zh += f"；{without} 个待安装的更新没有公告数据"
    recommendation = recommendation_zh = ""
    if status != "ok":
        urgency = "now (emergency change)" if status == "critical" else "in the next window"
        urgency_zh = "立即（按紧急变更）" if status == "critical" else "在下一个维护窗口"
        hint = _SECURITY_HINT.get(tool, tool)
        hint_zh = _SECURITY_HINT_ZH.get(tool, tool)
        recommendation = (f"Apply the security updates {urgency}: {hint}; reboot if the kernel "
                          "or core libraries were updated.")
        recommendation_zh = (f"{urgency_zh}安装安全更新：{hint_zh}；"
                             "如更新了内核或核心库，请重启主机。")
    return make_finding(check_id, status, summary.strip(), evidence=evidence,
                        recommendation=recommendation, values=values, thresholds=limits,
                        summary_zh=summary_zh, recommendation_zh=recommendation_zh)


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
                       evidence=_evidence(lists),
                       reason_zh=f"无法检查软件包列表的更新时间：{_reason_zh(err)}")
    location = lists.get("location", "")
    hint = _REFRESH_HINT.get(tool, _REFRESH_HINT["apt"])
    hint_zh = _REFRESH_HINT_ZH.get(tool, _REFRESH_HINT_ZH["apt"])
    if not lists.get("fetched"):
        return make_finding(
            check_id, "warning",
            f"Package lists have never been fetched (no index files in {location}): pending "
            "updates cannot be known",
            recommendation=f"Fetch the package lists and {hint}; the inspection itself never "
                           "refreshes them.",
            values={"fetched": False, "age_days": None, "location": location},
            thresholds=limits,
            summary_zh=(f"软件包列表从未获取过（{location} 中没有索引文件），"
                        "无法得知有哪些待安装的更新"),
            recommendation_zh=f"获取软件包列表，并{hint_zh}；巡检本身从不刷新软件包列表。")
    age = _days(max(0.0, now - lists["newest_mtime"]))
    status = judge(age, limit, None)
    newest = _fmt_time(lists["newest_mtime"])
    summary = (f"Package lists are {age:.1f} days old (newest index file dated {newest} in "
               f"{location})")
    summary_zh = f"软件包列表为 {age:.1f} 天前获取（{location} 中最新的索引文件时间为 {newest}）"
    recommendation = recommendation_zh = ""
    if status != "ok":
        recommendation = (f"Pending-update counts are only as fresh as these lists: {hint}. The "
                          "inspection itself never refreshes them.")
        recommendation_zh = (f"待安装更新的统计只反映这些列表获取时的情况：请{hint_zh}。"
                             "巡检本身从不刷新软件包列表。")
    return make_finding(
        check_id, status, summary, recommendation=recommendation,
        values={"fetched": True, "age_days": age, "index_files": lists.get("index_files"),
                "location": location},
        thresholds=limits, summary_zh=summary_zh, recommendation_zh=recommendation_zh)


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


_REBOOT_REQUIRED = "the system asks for a reboot (/run/reboot-required)"
_REBOOT_REQUIRED_ZH = "系统要求重启（/run/reboot-required）"


def check_reboot_pending(kernels, reboot_required=None):
    check_id = "patch.reboot_pending"
    flag = bool(reboot_required and reboot_required.get("exists"))
    flag_pkgs = list((reboot_required or {}).get("packages") or [])
    flag_line = ["/run/reboot-required exists%s" % (
        (" (packages: {})".format(", ".join(flag_pkgs[:10]))) if flag_pkgs else "")] if flag else []
    recommendation = ("Reboot the host in a maintenance window so that it runs the updated "
                      "kernel (and libraries), then re-run the inspection.")
    recommendation_zh = "在维护窗口内重启主机，使其运行更新后的内核（及库文件），然后重新巡检。"
    err = _error(kernels)
    if err and not flag:
        return unknown(check_id, f"Could not compare the running and installed kernels: {err}",
                       evidence=_evidence(kernels),
                       reason_zh=f"无法比较正在运行的内核与已安装的内核：{_reason_zh(err)}")
    if err:
        return make_finding(check_id, "warning", f"Reboot pending: {_REBOOT_REQUIRED}",
                            evidence=flag_line, recommendation=recommendation,
                            values={"reboot_required_file": True},
                            summary_zh=f"需要重启：{_REBOOT_REQUIRED_ZH}",
                            recommendation_zh=recommendation_zh)
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
            return make_finding(check_id, "warning", f"Reboot pending: {_REBOOT_REQUIRED}",
                                evidence=evidence, recommendation=recommendation, values=values,
                                summary_zh=f"需要重启：{_REBOOT_REQUIRED_ZH}",
                                recommendation_zh=recommendation_zh)
        return unknown(
            check_id,
            "No kernel package is installed (a container, or a kernel not installed from "
            f"packages): whether a reboot is pending cannot be told (running kernel {running})",
            evidence=evidence,
            reason_zh=("未安装任何内核软件包（容器，或内核不是通过软件包安装的），"
                       f"无法判断是否需要重启（正在运行的内核为 {running}）"))
    try:
        match = [k for k in installed if k["release"] == running]
        flavour = match[0]["flavour"] if match else None
        pool = [k for k in installed if k["flavour"] == flavour] if match else installed
        newest = _newest(family, pool)
        values["newest_installed"] = newest["release"]
        reason = reason_zh = None
        if match:
            current = match[0]
            if _compare_pkg(family, newest["version"], current["version"]) > 0:
                reason = "the running kernel {} is older than the newest installed {} ({})".format(
                    running, newest["release"], newest["version"])
                reason_zh = "正在运行的内核 {} 比已安装的最新内核 {}（{}）旧".format(
                    running, newest["release"], newest["version"])
            else:
                kind, build = kernels.get("running_build_kind"), kernels.get("running_build")
                if kind == "deb" and build and dpkg_version_compare(current["version"],
                                                                    build) > 0:
                    reason = ("kernel package {} was updated in place to {} but the running "
                              "kernel was built from {}".format(current["package"],
                                                            current["version"], build))
                    reason_zh = ("内核软件包 {} 已原地更新到 {}，但正在运行的内核是由 {} "
                                 "构建的".format(current["package"], current["version"], build))
                elif kind == "ubuntu" and build:
                    upload = _ubuntu_upload(current["version"])
                    if upload and dpkg_version_compare("0-" + upload, "0-" + build) > 0:
                        reason = ("kernel package {} was updated in place to {} but the "
                                  "running kernel is build #{}".format(current["package"],
                                                                   current["version"], build))
                        reason_zh = ("内核软件包 {} 已原地更新到 {}，但正在运行的内核构建号为 "
                                     "#{}".format(current["package"], current["version"], build))
        else:
            if _release_compare(family, newest["release"], running) > 0:
                reason = ("the running kernel {} is no longer installed and is older than the "
                          "newest installed {}".format(running, newest["release"]))
                reason_zh = ("正在运行的内核 {} 已不在已安装的软件包中，且比已安装的最新内核 {} "
                             "旧".format(running, newest["release"]))
            elif not flag:
                return unknown(
                    check_id,
                    "The running kernel {} does not come from an installed kernel package "
                    "(newest installed: {}): whether a reboot is pending cannot be told".format(
                        running, newest["release"]), evidence=evidence,
                    reason_zh=("正在运行的内核 {} 不属于任何已安装的内核软件包（已安装的最新内核："
                               "{}），无法判断是否需要重启".format(running, newest["release"])))
    except ParseError as exc:
        return unknown(check_id, f"Could not order the kernel versions: {exc}",
                       evidence=evidence,
                       reason_zh=f"无法比较内核版本的新旧：{_reason_zh(str(exc))}")
    if reason or flag:
        summary = "Reboot pending: %s" % (reason or _REBOOT_REQUIRED)
        summary_zh = "需要重启：%s" % (reason_zh or _REBOOT_REQUIRED_ZH)
        if reason and flag:
            summary += "; /run/reboot-required exists"
            summary_zh += "；且 /run/reboot-required 存在"
        return make_finding(check_id, "warning", summary, evidence=evidence,
                            recommendation=recommendation, values=values,
                            summary_zh=summary_zh, recommendation_zh=recommendation_zh)
    return make_finding(check_id, "ok",
                        f"No reboot pending: running the newest installed kernel {running}",
                        evidence=evidence, values=values,
                        summary_zh=f"无需重启：正在运行已安装的最新内核 {running}")


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
                       evidence=_evidence(last_update),
                       reason_zh=f"无法判断最近一次安装更新的时间：{_reason_zh(err)}")
    source = last_update.get("source", "")
    if last_update.get("time") is None:
        return unknown(check_id, f"No applied package update is recorded ({source})",
                       evidence=_evidence(last_update),
                       reason_zh=f"没有找到已安装软件包更新的记录（{_reason_zh(source)}）")
    age = _days(max(0.0, now - last_update["time"]))
    status = judge(age, limit, None)
    upgrade = last_update.get("kind", "upgrade") == "upgrade"
    what = "Last package update" if upgrade else "Last package installation or update"
    what_zh = "最近一次软件包更新" if upgrade else "最近一次软件包安装或更新"
    local = last_update.get("local", "")
    summary = f"{what} applied {age:.1f} days ago ({local} local time, from {source})"
    summary_zh = f"{what_zh}是在 {age:.1f} 天前（当地时间 {local}，来源：{_reason_zh(source)}）"
    recommendation = recommendation_zh = ""
    if status != "ok":
        recommendation = (f"Updates have not been applied for {int(age)} days: schedule a patch "
                          "window and apply the pending updates.")
        recommendation_zh = f"已有 {int(age)} 天未安装更新：请安排补丁窗口，安装待安装的更新。"
    evidence = [x for x in (last_update.get("detail"),) if x]
    return make_finding(check_id, status, summary, evidence=evidence,
                        recommendation=recommendation,
                        values={"last_update": local, "age_days": age, "source": source},
                        thresholds=limits, summary_zh=summary_zh,
                        recommendation_zh=recommendation_zh)


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
