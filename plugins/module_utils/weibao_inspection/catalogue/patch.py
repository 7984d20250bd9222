# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``patch`` area (patch level): checks and messages.

Message keys: ``patch.<check>.<what>`` for the rules' findings, ``patch.reason.<what>`` for
why the collector or a parser could not read a source, ``patch.hint.<what>`` for the command
a recommendation names (per package manager), ``patch.source.<what>`` for where the last
update was found, ``patch.severity.<name>`` for advisory severities.
"""

from __future__ import annotations

AREA = dict(name="patch", title="Patch level", title_zh="补丁级别", role="inspect_patch",
            collector="weibao_inspect_patch",
            doc="apt on Debian/Ubuntu, dnf/yum on RHEL; never refreshes caches")

CHECKS = (
    dict(id="patch.os_release", name="OS release and support", name_zh="操作系统版本与支持期",
         looks_at="/etc/os-release, end of support (unknown for a release weibao has no date "
                  "for)",
         looks_at_zh="/etc/os-release 与支持截止日期（没有该版本日期时为未知）",
         doc="warning this many days before end of support; past it, always",
         thresholds=(dict(name="warning", default=180, unit="days", zero_disables=True,
                          doc="days before the end of security support from which it warns"),),
         sources=("cat /etc/os-release",)),
    dict(id="patch.pending_updates", name="Pending updates", name_zh="待安装的更新",
         looks_at="pending package updates: does software need upgrading",
         looks_at_zh="待安装的软件包更新：软件是否需要升级",
         doc="warning at this many pending updates",
         thresholds=(dict(name="warning", default=1, unit="packages", zero_disables=True,
                          doc="pending updates from which it warns"),),
         sources=("apt-get -s dist-upgrade", "dnf check-update")),
    dict(id="patch.security_updates", name="Pending security updates",
         name_zh="待安装的安全更新",
         looks_at="pending security updates (security archive; RHEL advisories)",
         looks_at_zh="待安装的安全更新（安全更新源；RHEL 安全公告）",
         doc="a pending advisory of a critical severity = critical",
         thresholds=(dict(name="warning", default=1, unit="packages", zero_disables=True,
                          doc="packages with pending security updates from which it warns"),
                     dict(name="critical", default=10, unit="packages", zero_disables=True,
                          doc="packages with pending security updates from which it is "
                              "critical"),
                     dict(name="critical_severities", default=("Critical",), kind="list",
                          doc="advisory severities that make any pending update critical")),
         sources=("apt-get -s dist-upgrade", "dnf updateinfo list")),
    dict(id="patch.package_lists_age", name="Age of package lists", name_zh="软件包列表的时效",
         looks_at="how old the package lists are (pending counts are only as fresh as they)",
         looks_at_zh="软件包列表的更新时间（待更新数量的时效取决于它）",
         doc="warning at this age or when never fetched; on lists older than `stale` (or of "
             "unknown age) no pending update found is unknown, not ok",
         thresholds=(dict(name="warning", default=14, unit="days", zero_disables=True,
                          doc="age of the newest package index from which it warns"),
                     dict(name="stale", default=14, unit="days",
                          doc="age of the newest package index from which 'no pending "
                              "(security) updates' is unknown (cause stale) and counts found "
                              "are said to be possibly higher; null: only lists of unknown "
                              "age or never fetched are stale"))),
    dict(id="patch.reboot_pending", name="Reboot pending (new kernel)",
         name_zh="待重启（新内核）",
         looks_at="running kernel older than the newest installed one",
         looks_at_zh="运行中的内核比已安装的最新内核旧", doc="warning",
         sources=("dpkg-query -W -f '${Package} ${Version} ${Status}\\n' linux-image-*",
                  "rpm -q kernel")),
    dict(id="patch.last_update", name="Last update applied", name_zh="最近一次更新",
         looks_at="when updates were last applied (apt history, dnf/yum history, rpm)",
         looks_at_zh="最近一次应用更新的时间（apt 历史、dnf/yum 历史、rpm）",
         doc="warning at this many days",
         thresholds=(dict(name="warning", default=90, unit="days", zero_disables=True,
                          doc="days since updates were last applied from which it warns"),),
         sources=("cat /var/log/apt/history.log", "dnf history list",
                  "rpm -qa --last")),
)

# {key: (English, Simplified Chinese)}; fields as in weibao_inspection.messages.
MESSAGES = {
    # --- patch.os_release
    "patch.os_release.unreadable": (
        "Could not read the OS release (/etc/os-release): {reason}",
        "无法读取操作系统版本信息（/etc/os-release）：{reason}"),
    "patch.os_release.eol_unknown": (
        "Operating system: {os:q}; its end of security support is not known to weibao: "
        "check the vendor's lifecycle page",
        "操作系统：{os:q}；weibao 未收录该版本的安全支持终止日期，无法判断其是否仍受支持，"
        "请查阅厂商的生命周期页面"),
    "patch.os_release.eol_unknown_rec": (
        "Look up the end of security support of {os:q} on the vendor's lifecycle page and "
        "record it in the report; add the release to OS_EOL in rules/patch.py so that weibao "
        "judges it.",
        "在厂商的生命周期页面查明 {os:q} 的安全支持终止日期并写入报告；在 rules/patch.py 的 "
        "OS_EOL 表中补充该版本，以便 weibao 自行判断。"),
    "patch.os_release.no_time": (
        "Operating system: {os:q}; its free security support ends on {eol}, but the "
        "inspection time is not known, so how far away that is cannot be told",
        "操作系统：{os:q}；免费安全支持于 {eol} 终止，但巡检时间未知，无法判断距终止还有多久"),
    "patch.os_release.supported": (
        "Operating system: {os:q}; free security support until {eol} ({days:pl:day:days} "
        "left)",
        "操作系统：{os:q}；免费安全支持至 {eol}（还剩 {days} 天）"),
    "patch.os_release.ends_soon": (
        "Operating system: {os:q}; free security support ends on {eol} ({days:pl:day:days})",
        "操作系统：{os:q}；免费安全支持将于 {eol} 终止（还剩 {days} 天）"),
    "patch.os_release.ended": (
        "Operating system: {os:q}; its free security support ended on {eol}: no more security "
        "updates without an extended-support subscription",
        "操作系统：{os:q}；免费安全支持已于 {eol} 终止，不购买延长支持服务将不再获得安全更新"),
    "patch.os_release.plan": (
        "Plan the upgrade to a supported release (or buy extended support) before security "
        "updates stop; record the decision in the report.",
        "在安全更新停止之前，规划升级到受支持的版本（或购买延长支持服务），并在报告中记录该决定。"),
    # --- patch.pending_updates
    "patch.pending_updates.failed": (
        "Could not tell whether software needs upgrading: {reason}",
        "无法判断软件是否需要升级：{reason}"),
    "patch.pending_updates.needed": (
        "Software needs upgrading: {count:pl:package update:package updates} pending",
        "软件需要升级：有 {count} 个软件包更新待安装"),
    "patch.pending_updates.needed_security": (
        "Software needs upgrading: {count:pl:package update:package updates} pending "
        "({security} with security updates)",
        "软件需要升级：有 {count} 个软件包更新待安装（其中 {security} 个含安全更新）"),
    "patch.pending_updates.none": (
        "No software upgrade needed: every installed package is at the newest version the "
        "configured repositories offer",
        "软件无需升级：所有已安装的软件包均已是所配置软件源提供的最新版本"),
    "patch.pending_updates.held": (
        "{count:pl:package:packages} held back (apt-mark hold or phased updates)",
        "{count} 个软件包被暂缓升级（apt-mark hold 或分阶段更新）"),
    "patch.pending_updates.may_be_more": (
        "the count may be higher: {reason}", "实际数量可能更多：{reason}"),
    "patch.pending_updates.apply": (
        "Apply the pending updates in the next maintenance window ({hint}, or the site's patch "
        "procedure), reboot if a new kernel or core library was installed, then re-run the "
        "inspection.",
        "在下一个维护窗口安装待安装的更新（{hint}，或按现场的补丁流程），"
        "如安装了新内核或核心库则重启主机，然后重新巡检。"),
    # --- patch.security_updates
    "patch.security_updates.failed": (
        "Could not list pending security updates: {reason}",
        "无法列出待安装的安全更新：{reason}"),
    "patch.security_updates.pending_failed": (
        "Could not tell whether the pending updates include security fixes: {reason}",
        "无法判断待安装的更新中是否包含安全修复：{reason}"),
    "patch.security_updates.no_advisory_data": (
        "{count:pl:update is:updates are} pending but the repositories publish no advisory "
        "(updateinfo) data (e.g. CentOS, CentOS Stream): whether any is a security fix cannot "
        "be told",
        "有 {count} 个更新待安装，但软件源未发布公告（updateinfo）数据（如 CentOS、CentOS "
        "Stream），无法判断其中是否有安全修复"),
    "patch.security_updates.found_archive": (
        "{count:pl:package has:packages have} pending security updates from the security "
        "archive",
        "{count} 个软件包有待安装的安全更新（来自安全更新源）"),
    "patch.security_updates.found_advisories": (
        "{count:pl:package has:packages have} pending security updates in "
        "{advisories:pl:advisory:advisories} ({severities:list})",
        "{count} 个软件包有待安装的安全更新，涉及 {advisories} 条公告（{severities:list}）"),
    "patch.security_updates.by_severity": ("{count} {severity}", "{severity} {count} 条"),
    "patch.security_updates.severity_present": (
        "{severities:list} severity present", "其中有{severities:list}级别的公告"),
    "patch.security_updates.none": ("No pending security updates", "没有待安装的安全更新"),
    "patch.security_updates.without_advisory": (
        "{count:pl:pending update carries:pending updates carry} no advisory data",
        "{count} 个待安装的更新没有公告数据"),
    "patch.security_updates.apply_now": (
        "Apply the security updates now (emergency change): {hint}; reboot if the kernel or "
        "core libraries were updated.",
        "立即（按紧急变更）安装安全更新：{hint}；如更新了内核或核心库，请重启主机。"),
    "patch.security_updates.apply_next": (
        "Apply the security updates in the next window: {hint}; reboot if the kernel or core "
        "libraries were updated.",
        "在下一个维护窗口安装安全更新：{hint}；如更新了内核或核心库，请重启主机。"),
    "patch.severity.critical": ("Critical", "严重"),
    "patch.severity.important": ("Important", "重要"),
    "patch.severity.moderate": ("Moderate", "中等"),
    "patch.severity.low": ("Low", "低"),
    "patch.severity.unknown": ("Unknown", "未标明"),
    # --- patch.package_lists_age
    "patch.package_lists_age.failed": (
        "Could not check the age of the package lists: {reason}",
        "无法检查软件包列表的更新时间：{reason}"),
    "patch.package_lists_age.never": (
        "Package lists have never been fetched (no index files in {location}): pending "
        "updates cannot be known",
        "软件包列表从未获取过（{location} 中没有索引文件），无法得知有哪些待安装的更新"),
    "patch.package_lists_age.never_rec": (
        "Fetch the package lists and {hint}; the inspection itself never refreshes them.",
        "获取软件包列表，并{hint}；巡检本身从不刷新软件包列表。"),
    "patch.package_lists_age.age": (
        "Package lists are {days:.1f} days old (newest index file dated {newest:time} in "
        "{location})",
        "软件包列表为 {days:.1f} 天前获取（{location} 中最新的索引文件时间为 {newest:time}）"),
    "patch.package_lists_age.refresh": (
        "Pending-update counts are only as fresh as these lists: {hint}. The inspection itself "
        "never refreshes them.",
        "待安装更新的统计只反映这些列表获取时的情况：请{hint}。巡检本身从不刷新软件包列表。"),
    # --- patch.reboot_pending
    "patch.reboot_pending.failed": (
        "Could not compare the running and installed kernels: {reason}",
        "无法比较正在运行的内核与已安装的内核：{reason}"),
    "patch.reboot_pending.pending": ("Reboot pending: {why}", "需要重启：{why}"),
    "patch.reboot_pending.why_flag": (
        "the system asks for a reboot (/run/reboot-required)",
        "系统要求重启（/run/reboot-required）"),
    "patch.reboot_pending.flag_too": (
        "/run/reboot-required exists", "且 /run/reboot-required 存在"),
    "patch.reboot_pending.why_older": (
        "the running kernel {running} is older than the newest installed {newest} ({version})",
        "正在运行的内核 {running} 比已安装的最新内核 {newest}（{version}）旧"),
    "patch.reboot_pending.why_in_place": (
        "kernel package {package} was updated in place to {version} but the running kernel was "
        "built from {build}",
        "内核软件包 {package} 已原地更新到 {version}，但正在运行的内核是由 {build} 构建的"),
    "patch.reboot_pending.why_in_place_build": (
        "kernel package {package} was updated in place to {version} but the running kernel is "
        "build #{build}",
        "内核软件包 {package} 已原地更新到 {version}，但正在运行的内核构建号为 #{build}"),
    "patch.reboot_pending.why_removed": (
        "the running kernel {running} is no longer installed and is older than the newest "
        "installed {newest}",
        "正在运行的内核 {running} 已不在已安装的软件包中，且比已安装的最新内核 {newest} 旧"),
    "patch.reboot_pending.no_kernel_package": (
        "No kernel package is installed (a container, or a kernel not installed from "
        "packages): whether a reboot is pending cannot be told (running kernel {running})",
        "未安装任何内核软件包（容器，或内核不是通过软件包安装的），无法判断是否需要重启"
        "（正在运行的内核为 {running}）"),
    "patch.reboot_pending.foreign_kernel": (
        "The running kernel {running} does not come from an installed kernel package (newest "
        "installed: {newest}): whether a reboot is pending cannot be told",
        "正在运行的内核 {running} 不属于任何已安装的内核软件包（已安装的最新内核：{newest}），"
        "无法判断是否需要重启"),
    "patch.reboot_pending.no_running": (
        "The installed kernels were given but not the running one (uname -r): whether a "
        "reboot is pending cannot be told",
        "只提供了已安装的内核，未提供正在运行的内核（uname -r），无法判断是否需要重启"),
    "patch.reboot_pending.unorderable": (
        "Could not order the kernel versions: {reason}", "无法比较内核版本的新旧：{reason}"),
    "patch.reboot_pending.none": (
        "No reboot pending: running the newest installed kernel {running}",
        "无需重启：正在运行已安装的最新内核 {running}"),
    "patch.reboot_pending.reboot": (
        "Reboot the host in a maintenance window so that it runs the updated kernel (and "
        "libraries), then re-run the inspection.",
        "在维护窗口内重启主机，使其运行更新后的内核（及库文件），然后重新巡检。"),
    # --- patch.last_update
    "patch.last_update.failed": (
        "Could not tell when updates were last applied: {reason}",
        "无法判断最近一次安装更新的时间：{reason}"),
    "patch.last_update.none_recorded": (
        "No applied package update is recorded ({source})",
        "没有找到已安装软件包更新的记录（{source}）"),
    "patch.last_update.no_time": (
        "Last package update applied on {when} (host local time, from {source}); the "
        "inspection time was not given, so its age cannot be told",
        "最近一次软件包更新是在 {when}（主机当地时间，来源：{source}）；未提供巡检时间，"
        "无法判断距今多久"),
    "patch.last_update.upgrade": (
        "Last package update applied {days:.1f} days ago ({when:time}, from {source})",
        "最近一次软件包更新是在 {days:.1f} 天前（{when:time}，来源：{source}）"),
    "patch.last_update.any_change": (
        "Last package installation or update applied {days:.1f} days ago ({when:time}, from "
        "{source})",
        "最近一次软件包安装或更新是在 {days:.1f} 天前（{when:time}，来源：{source}）"),
    "patch.last_update.apply": (
        "Updates have not been applied for {days} days: schedule a patch window and apply the "
        "pending updates.",
        "已有 {days} 天未安装更新：请安排补丁窗口，安装待安装的更新。"),
    "patch.source.file": ("{path}", "{path}"),
    "patch.source.history": ("{command} history (transaction {id})",
                             "{command} history（事务 {id}）"),
    "patch.source.rpm_last": ("rpm install times ({reason})", "rpm 安装时间（{reason}）"),
    "patch.source.no_upgrade_in": ("no system upgrade recorded in {paths:list}",
                                   "{paths:list} 中没有系统升级记录"),
    "patch.source.no_history_upgrade": ("no update transaction in {command} history",
                                        "{command} history 中没有更新事务"),
    # --- commands named in recommendations, per package manager
    "patch.hint.upgrade.apt": ("apt-get update && apt-get dist-upgrade",
                               "apt-get update && apt-get dist-upgrade"),
    "patch.hint.upgrade.dnf": ("dnf upgrade", "dnf upgrade"),
    "patch.hint.upgrade.yum": ("yum update", "yum update"),
    "patch.hint.upgrade.rpm": ("dnf upgrade, or yum update on EL 7",
                               "dnf upgrade，EL 7 上为 yum update"),
    "patch.hint.security.apt": (
        "apt-get update && apt-get dist-upgrade (or unattended-upgrades)",
        "apt-get update && apt-get dist-upgrade（或 unattended-upgrades）"),
    "patch.hint.security.dnf": ("dnf upgrade --security", "dnf upgrade --security"),
    "patch.hint.security.yum": ("yum update --security", "yum update --security"),
    "patch.hint.security.rpm": ("dnf upgrade --security, or yum update --security on EL 7",
                                "dnf upgrade --security，EL 7 上为 yum update --security"),
    "patch.hint.refresh.apt": (
        "make sure 'apt-get update' runs regularly (apt-daily.timer or the site's patch job) "
        "and that the configured mirror is current",
        "确保定期运行 apt-get update（apt-daily.timer 或现场的补丁任务），"
        "且所配置的镜像源是最新的"),
    "patch.hint.refresh.dnf": (
        "make sure the repository metadata is refreshed regularly (dnf-makecache.timer or "
        "'dnf makecache') and that the configured repositories are current",
        "确保定期刷新软件源元数据（dnf-makecache.timer 或 dnf makecache），"
        "且所配置的软件源是最新的"),
    "patch.hint.refresh.yum": (
        "make sure the repository metadata is refreshed regularly ('yum makecache' from cron) "
        "and that the configured repositories are current",
        "确保定期刷新软件源元数据（由 cron 运行 yum makecache），且所配置的软件源是最新的"),
    "patch.hint.refresh.rpm": (
        "make sure the repository metadata is refreshed regularly (dnf-makecache.timer, or "
        "'yum makecache' from cron on EL 7) and that the configured repositories are current",
        "确保定期刷新软件源元数据（dnf-makecache.timer，EL 7 上由 cron 运行 yum makecache），"
        "且所配置的软件源是最新的"),
    # --- why a source could not be read or trusted (collector, parsers)
    "patch.reason.no_package_manager": (
        "no supported package manager found (apt-get, dnf, yum)",
        "未找到受支持的包管理器（apt-get、dnf、yum）"),
    "patch.reason.inspection_time": ("the inspection time", "巡检时间"),
    "patch.reason.running_kernel": ("the running kernel (uname -r)",
                                    "正在运行的内核（uname -r）"),
    "patch.reason.cache_only_failed": (
        "{command} exited {rc} (no metadata cache?): {output:q}",
        "{command} 退出码 {rc}（可能没有元数据缓存）：{output:q}"),
    "patch.reason.bad_log": ("cannot read {path}: {why}", "无法读取 {path}：{why}"),
    "patch.reason.lists_unchecked": (
        "the package lists could not be checked ({reason})",
        "无法检查软件包列表（{reason}）"),
    "patch.reason.lists_never_fetched": (
        "the package lists have never been fetched (no index files in {location}), so the "
        "package manager knows of no newer versions",
        "软件包列表从未获取过（{location} 中没有索引文件），包管理器无从得知是否有新版本"),
    "patch.reason.lists_stale": (
        "the package lists are {days:.1f} days old (newest index file {newest:time}; stale "
        "from {limit} days)",
        "软件包列表已有 {days:.1f} 天未更新（最新的索引文件时间为 {newest:time}；超过 {limit} 天"
        "即视为过期）"),
    "patch.reason.lists_age_unknown": (
        "the age of the package lists is not known ({why})",
        "软件包列表的更新时间未知（{why}）"),
    "patch.reason.os_release_bad_lines": (
        "os-release has lines that are not KEY=value assignments",
        "os-release 中有不是 KEY=value 赋值形式的行"),
    "patch.reason.os_release_no_name": (
        "os-release names no operating system (no NAME, ID or PRETTY_NAME)",
        "os-release 未给出操作系统（没有 NAME、ID 或 PRETTY_NAME）"),
    "patch.reason.apt_line": ("unrecognised apt simulation line",
                              "无法识别的 apt 模拟输出行"),
    "patch.reason.apt_version": ("unrecognised version in apt simulation line",
                                 "apt 模拟输出行中的版本号无法识别"),
    "patch.reason.apt_no_summary": (
        "no 'N upgraded, N newly installed, ...' summary line: the output is truncated or not "
        "in the C locale",
        "没有“N upgraded, N newly installed, ...”汇总行：输出被截断，或不是 C 语言环境下的输出"),
    "patch.reason.apt_disagree": (
        "apt simulation lines disagree with its summary (output truncated?): found {found}, "
        "summary says {said}",
        "apt 模拟输出的明细与其汇总行不一致（输出可能被截断）：明细为 {found}，汇总行为 {said}"),
    "patch.reason.apt_counts": (
        "{upgrade} upgraded, {install} newly installed, {reinstall} reinstalled, {downgrade} "
        "downgraded, {remove} to remove",
        "升级 {upgrade} 个、新安装 {install} 个、重新安装 {reinstall} 个、降级 {downgrade} 个、"
        "删除 {remove} 个"),
    "patch.reason.apt_history_date": ("unrecognised Start-Date in apt history",
                                      "apt 历史记录中的 Start-Date 无法识别"),
    "patch.reason.apt_history_no_stanza": ("no 'Start-Date:' stanza in apt history",
                                           "apt 历史记录中没有 Start-Date: 段落"),
    "patch.reason.check_update_lines": (
        "unrecognised check-update lines (truncated or garbled output?)",
        "无法识别的 check-update 输出行（输出可能被截断或已损坏）"),
    "patch.reason.check_update_status": ("check-update exited with status {rc}",
                                         "check-update 的退出码为 {rc}"),
    "patch.reason.check_update_listed_none": (
        "check-update exited with 100 (updates available) but listed none",
        "check-update 的退出码为 100（表示有可用更新），却没有列出任何软件包"),
    "patch.reason.check_update_listed_some": (
        "check-update exited with 0 (no updates) but listed packages",
        "check-update 的退出码为 0（表示没有更新），却列出了软件包"),
    "patch.reason.updateinfo_lines": ("unrecognised updateinfo lines",
                                      "无法识别的 updateinfo 输出行"),
    "patch.reason.history_lines": ("unrecognised history list lines",
                                   "无法识别的 history list 输出行"),
    "patch.reason.history_no_header": ("history list rows without a header",
                                       "history list 的输出有数据行却没有表头"),
    "patch.reason.rpm_last_no_date": ("rpm -qa --last line has no date",
                                      "rpm -qa --last 的输出行中没有日期"),
    "patch.reason.rpm_last_empty": ("rpm -qa --last printed nothing",
                                    "rpm -qa --last 没有任何输出"),
    "patch.reason.rpm_date": (
        "unrecognised rpm date (not the C or English locale?): {value:q}",
        "无法识别的 rpm 日期（可能不是 C 或英文语言环境）：{value:q}"),
    "patch.reason.dpkg_lines": ("unrecognised dpkg-query lines", "无法识别的 dpkg-query 输出行"),
    "patch.reason.rpm_kernel_lines": ("unrecognised rpm -q lines", "无法识别的 rpm -q 输出行"),
    "patch.reason.not_deb_version": ("not a Debian version: {value:q}",
                                     "不是有效的 Debian 版本号：{value:q}"),
    "patch.reason.not_rpm_evr": ("not an rpm EVR: {value:q}",
                                 "不是有效的 rpm 版本号（EVR）：{value:q}"),
    "patch.reason.in_source": ("{source}: {reason}", "{source}：{reason}"),
}
