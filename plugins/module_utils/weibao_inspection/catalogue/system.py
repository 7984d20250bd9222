# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``system`` area (host state): its checks and messages."""

from __future__ import annotations

AREA = dict(name="system", title="Host state", title_zh="主机状态", role="inspect_system",
            collector="weibao_inspect_system",
            doc="CPU, memory, I/O, filesystems, processes, services and time on Linux hosts")


def _levels(warning, critical, unit, what):
    return (
        dict(name="warning", default=warning, unit=unit, doc=f"{what} at or above which it warns"),
        dict(name="critical", default=critical, unit=unit,
             doc=f"{what} at or above which it is critical"),
    )


CHECKS = (
    dict(id="system.uptime", name="Uptime and reboots", name_zh="运行时间与重启",
         looks_at="boot time and reboots (wtmp) since the host's previous inspection",
         looks_at_zh="开机时间及自上次巡检以来的重启（wtmp）",
         doc="warning on a reboot since then",
         sources=("cat /proc/stat", "last -x reboot")),
    dict(id="system.load", name="Load average", name_zh="系统负载",
         looks_at="1/5/15-minute load average per CPU (judged on 15 min)",
         looks_at_zh="每个 CPU 的 1/5/15 分钟平均负载（按 15 分钟判断）",
         doc="warning / critical at the 15-minute load per CPU",
         thresholds=_levels(1.5, 3.0, "per CPU", "15-minute load per CPU"),
         sources=("cat /proc/loadavg",)),
    dict(id="system.cpu_utilisation", name="CPU utilisation", name_zh="CPU 使用率",
         looks_at="CPU busy %, two /proc/stat samples 5 s apart",
         looks_at_zh="CPU 繁忙百分比（/proc/stat 两次采样，间隔 5 秒）",
         doc="warning / critical at the busy %",
         thresholds=_levels(85, 95, "%", "busy %")),
    dict(id="system.io_wait", name="I/O wait", name_zh="I/O 等待",
         looks_at="I/O wait % over the same sample", looks_at_zh="同一采样期间的 I/O 等待百分比",
         doc="warning / critical at the iowait %",
         thresholds=_levels(20, 40, "%", "iowait %")),
    dict(id="system.memory", name="Memory use", name_zh="内存使用",
         looks_at="memory used, page cache excluded (MemAvailable)",
         looks_at_zh="已用内存（不含页缓存，按 MemAvailable）",
         doc="warning / critical at the used %",
         thresholds=_levels(90, 97, "%", "used %"), sources=("cat /proc/meminfo",)),
    dict(id="system.swap", name="Swap use", name_zh="交换空间使用",
         looks_at="swap used", looks_at_zh="已用交换空间",
         doc="warning / critical at the used %; ok without swap",
         thresholds=_levels(50, 80, "%", "used %"), sources=("cat /proc/meminfo",)),
    dict(id="system.filesystem_usage", name="Filesystem space", name_zh="文件系统空间",
         looks_at="space per mounted filesystem (pseudo filesystems skipped)",
         looks_at_zh="每个已挂载文件系统的空间（跳过伪文件系统）",
         doc="warning / critical at the used % (df's Use%)",
         thresholds=_levels(85, 95, "%", "used %"), sources=("df -P",)),
    dict(id="system.filesystem_inodes", name="Filesystem inodes", name_zh="文件系统 inode",
         looks_at="inodes per filesystem", looks_at_zh="每个文件系统的 inode",
         doc="warning / critical at the inodes used %",
         thresholds=_levels(85, 95, "%", "inodes used %"), sources=("df -Pi",)),
    dict(id="system.readonly_mounts", name="Read-only mounts", name_zh="只读挂载",
         looks_at="mounts that are read-only but should be read-write (fstab)",
         looks_at_zh="应为读写却处于只读状态的挂载（对照 fstab）",
         doc="critical", sources=("cat /proc/mounts", "cat /etc/fstab")),
    dict(id="system.zombie_processes", name="Zombie processes", name_zh="僵尸进程",
         looks_at="zombie processes and their parents", looks_at_zh="僵尸进程及其父进程",
         doc="warning / critical at the number of zombies",
         thresholds=_levels(5, 50, "processes", "zombies")),
    dict(id="system.top_processes", name="Top processes", name_zh="资源占用最高的进程",
         looks_at="top CPU and memory consumers over the sample",
         looks_at_zh="采样期间 CPU 和内存占用最高的进程", doc="informational"),
    dict(id="system.failed_units", name="Failed services", name_zh="失败的服务",
         looks_at="failed systemd units (where systemd runs)",
         looks_at_zh="失败的 systemd 单元（运行 systemd 的主机）", doc="warning per unit",
         sources=("systemctl list-units --failed",)),
    dict(id="system.time_sync", name="Time synchronisation", name_zh="时间同步",
         looks_at="timedatectl, chronyc tracking, ntpq -pn",
         looks_at_zh="timedatectl、chronyc tracking、ntpq -pn",
         doc="warning when not synchronised",
         sources=("timedatectl show", "chronyc tracking", "ntpq -pn")),
)

MESSAGES = {}
