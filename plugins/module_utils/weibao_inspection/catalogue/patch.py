# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``patch`` area (patch level): checks and messages."""

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
         sources=("apt-get -s dist-upgrade", "dnf check-update", "yum check-update")),
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
         sources=("apt-get -s dist-upgrade", "dnf updateinfo list", "yum updateinfo list")),
    dict(id="patch.package_lists_age", name="Age of package lists", name_zh="软件包列表的时效",
         looks_at="how old the package lists are (pending counts are only as fresh as they)",
         looks_at_zh="软件包列表的更新时间（待更新数量的时效取决于它）",
         doc="warning at this age; pending counts on stale lists are unknown",
         thresholds=(dict(name="warning", default=14, unit="days", zero_disables=True,
                          doc="age of the newest package index from which it warns"),)),
    dict(id="patch.reboot_pending", name="Reboot pending (new kernel)",
         name_zh="待重启（新内核）",
         looks_at="running kernel older than the newest installed one",
         looks_at_zh="运行中的内核比已安装的最新内核旧", doc="warning",
         sources=("dpkg-query -W linux-image-*", "rpm -q kernel")),
    dict(id="patch.last_update", name="Last update applied", name_zh="最近一次更新",
         looks_at="when updates were last applied (apt history, dnf/yum history, rpm)",
         looks_at_zh="最近一次应用更新的时间（apt 历史、dnf/yum 历史、rpm）",
         doc="warning at this many days",
         thresholds=(dict(name="warning", default=90, unit="days", zero_disables=True,
                          doc="days since updates were last applied from which it warns"),),
         sources=("cat /var/log/apt/history.log", "dnf history list", "yum history list")),
)

MESSAGES = {}
