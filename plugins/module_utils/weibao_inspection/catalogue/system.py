# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``system`` area (host state): its checks and messages."""

from __future__ import annotations

AREA = dict(name="system", title="Host state", title_zh="主机状态", role="inspect_system",
            collector="weibao_inspect_system",
            doc="CPU, memory, I/O, filesystems, processes, services, time and network links on "
                "Linux hosts")


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
         sources=("cat /proc/stat", "last -x -F reboot")),
    dict(id="system.load", name="Load average", name_zh="系统负载",
         looks_at="1/5/15-minute load average per CPU (judged on 15 min)",
         looks_at_zh="每个 CPU 的 1/5/15 分钟平均负载（按 15 分钟判断）",
         doc="warning / critical at the 15-minute load per CPU",
         thresholds=_levels(1.5, 3.0, "per CPU", "15-minute load per CPU"),
         sources=("cat /proc/loadavg", "cat /proc/stat")),
    dict(id="system.cpu_utilisation", name="CPU utilisation", name_zh="CPU 使用率",
         looks_at="CPU busy %, two /proc/stat samples 5 s apart",
         looks_at_zh="CPU 繁忙百分比（/proc/stat 两次采样，间隔 5 秒）",
         doc="warning / critical at the busy %",
         thresholds=_levels(85, 95, "%", "busy %"), sources=("cat /proc/stat",)),
    dict(id="system.io_wait", name="I/O wait", name_zh="I/O 等待",
         looks_at="I/O wait % over the same sample", looks_at_zh="同一采样期间的 I/O 等待百分比",
         doc="warning / critical at the iowait %",
         thresholds=_levels(20, 40, "%", "iowait %"), sources=("cat /proc/stat",)),
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
         thresholds=_levels(5, 50, "processes", "zombies"),
         sources=("ps -eo pid,ppid,stat,pcpu,rss,comm",)),
    dict(id="system.top_processes", name="Top processes", name_zh="资源占用最高的进程",
         looks_at="top CPU and memory consumers over the sample (ps: over each process's life)",
         looks_at_zh="采样期间 CPU 和内存占用最高的进程（ps：按进程整个生命周期）",
         doc="informational", sources=("ps -eo pid,ppid,stat,pcpu,rss,comm",)),
    dict(id="system.failed_units", name="Failed services", name_zh="失败的服务",
         looks_at="failed systemd units (where systemd runs)",
         looks_at_zh="失败的 systemd 单元（运行 systemd 的主机）", doc="warning per unit",
         sources=("systemctl list-units --failed",)),
    dict(id="system.time_sync", name="Time synchronisation", name_zh="时间同步",
         looks_at="timedatectl, chronyc tracking, ntpq -pn",
         looks_at_zh="timedatectl、chronyc tracking、ntpq -pn",
         doc="warning when not synchronised",
         sources=("timedatectl show", "chronyc tracking", "ntpq -pn")),
    # The contract's "cables and connectors (through error logs and counters)": the counters
    # half. Judged on their increase since the host's previous inspection (deltas.py).
    dict(id="system.nic_errors", name="Network interface errors", name_zh="网络接口错误",
         looks_at="error counters per network interface (/proc/net/dev, /sys/class/net/<if>/"
                  "statistics): their increase since the previous inspection",
         looks_at_zh="每个网络接口的错误计数器（/proc/net/dev、/sys/class/net/<接口>/statistics）"
                     "自上次巡检以来的增量",
         doc="warning / critical at the errors since the previous inspection (since boot when "
             "there is none): the largest receive error counter's increase plus the largest "
             "transmit one's (CRC, frame, length, FIFO, carrier, aborted, collisions ...); "
             "drops are shown, not judged",
         thresholds=_levels(1, 1000, "errors", "errors since the previous inspection"),
         sources=("cat /proc/net/dev", "cat /proc/stat")),
    dict(id="system.nic_flaps", name="Link state changes (counter)",
         name_zh="链路状态变化（计数器）",
         looks_at="link changes per network interface (/sys/class/net/<if>/carrier_changes, "
                  "Linux 3.15+) since the previous inspection, and the link state",
         looks_at_zh="每个网络接口自上次巡检以来的链路状态变化次数（/sys/class/net/<接口>/"
                     "carrier_changes，Linux 3.15 起）及当前链路状态",
         doc="warning / critical at the link changes since the previous inspection (a flap is "
             "2: down and up); when the count restarts (first inspection, reboot) the link "
             "first coming up (2 changes) is not counted; an interface gone since then: warning",
         thresholds=_levels(1, 10, "changes", "link changes since the previous inspection"),
         sources=("cat /proc/net/dev", "cat /proc/stat")),
)

# {key: (English, Simplified Chinese)}; fields as in weibao_inspection.messages. A tool's or
# the host's own text (a unit's description, a value not understood) is shown verbatim
# ({x:q}); mount points, devices, commands and numbers are shown as they are.
MESSAGES = {
    # --- why a source could not be read or understood (collector and parsers)
    "system.reason.no_output": ("no output", "没有输出"),
    "system.reason.one_line": ("{source}: expected one line, got {count}",
                               "{source}：应为 1 行，实际为 {count} 行"),
    "system.reason.two_numbers": ("{source}: expected two numbers, got {line:q}",
                                  "{source}：应为两个数字，实际为 {line:q}"),
    "system.reason.not_an_integer": ("{what}: {value:q} is not an integer",
                                     "{what}：{value:q} 不是整数"),
    "system.reason.negative": ("{source}: negative value in {line:q}",
                               "{source}：{line:q} 中有负值"),
    "system.reason.unexpected_format": ("{source}: unexpected format {line:q}",
                                        "{source}：格式无法识别：{line:q}"),
    "system.reason.unexpected_line": ("{source}: unexpected line {line:q}",
                                      "{source}：无法识别的行：{line:q}"),
    "system.reason.unexpected_output": ("{source}: unexpected output {text:q}",
                                        "{source}：无法识别的输出：{text:q}"),
    "system.reason.missing": ("{source}: {field} missing (truncated?)",
                              "{source}：缺少 {field}（内容可能被截断）"),
    "system.reason.field_count": ("{source}: expected {expected} fields, got {count} in {line:q}",
                                  "{source}：应有 {expected} 个字段，实际为 {count} 个：{line:q}"),
    "system.reason.column_count": ("{source}: expected {expected} columns, got {count} in "
                                   "{line:q}",
                                   "{source}：应有 {expected} 列，实际为 {count} 列：{line:q}"),
    "system.reason.cpu_counters": ("/proc/stat: the cpu line has {count} counters, expected at "
                                   "least 4",
                                   "/proc/stat：cpu 行只有 {count} 个计数器，至少应有 4 个"),
    "system.reason.btime_line": ("/proc/stat: unexpected btime line {line:q}",
                                 "/proc/stat：btime 行无法识别：{line:q}"),
    "system.reason.no_cpu_line": ("/proc/stat: no aggregate cpu line",
                                  "/proc/stat：没有汇总的 cpu 行"),
    "system.reason.no_percpu_lines": ("/proc/stat: no per-CPU lines (truncated?)",
                                      "/proc/stat：没有各个 CPU 的行（内容可能被截断）"),
    "system.reason.counters_still": ("/proc/stat: the CPU counters did not advance between the "
                                     "two samples",
                                     "/proc/stat：两次采样之间 CPU 计数器没有增加"),
    "system.reason.one_sample": ("/proc/stat holds one sample: CPU use needs two, taken seconds "
                                 "apart",
                                 "/proc/stat 只有一次采样：CPU 使用率需要间隔数秒的两次采样"),
    "system.reason.memtotal_zero": ("/proc/meminfo: MemTotal is 0", "/proc/meminfo：MemTotal 为 0"),
    "system.reason.no_memavailable": ("/proc/meminfo: neither MemAvailable nor {fields:list}",
                                      "/proc/meminfo：既没有 MemAvailable，也没有 {fields:list}"),
    "system.reason.no_comm": ("/proc/<pid>/stat: no (comm) in {line:q}",
                              "/proc/<pid>/stat：没有（comm）字段：{line:q}"),
    "system.reason.pid_fields": ("/proc/<pid>/stat: {count} fields after comm, expected at least "
                                 "22 (pid {pid})",
                                 "/proc/<pid>/stat：comm 之后只有 {count} 个字段，至少应有 22 个"
                                 "（pid {pid}）"),
    "system.reason.pid_state": ("/proc/<pid>/stat: bad state {state:q} (pid {pid})",
                                "/proc/<pid>/stat：进程状态 {state:q} 无法识别（pid {pid}）"),
    "system.reason.no_header": ("{source}: no header line in {text:q}",
                                   "{source}：输出中没有表头：{text:q}"),
    "system.reason.no_ntp_synchronized": ("timedatectl show: no NTPSynchronized property in "
                                          "{text:q}",
                                          "timedatectl show：输出中没有 NTPSynchronized 属性："
                                          "{text:q}"),
    "system.reason.no_synchronized_line": ("timedatectl status: no 'synchronized' line in {text:q}",
                                           "timedatectl status：输出中没有 'synchronized' 行："
                                           "{text:q}"),
    "system.reason.no_leap_status": ("chronyc tracking: no 'Leap status' in {text:q}",
                                     "chronyc tracking：输出中没有 'Leap status' 字段：{text:q}"),
    "system.reason.unknown_leap": ("chronyc tracking: unknown leap status {value:q}",
                                   "chronyc tracking：无法识别的 Leap status：{value:q}"),
    "system.reason.no_peers_header": ("ntpq -p: no peers header in {text:q}",
                                      "ntpq -p：输出中没有对等体列表的表头：{text:q}"),
    "system.reason.tally": ("ntpq -p: unexpected tally code in {line:q}",
                            "ntpq -p：无法识别的 tally 标记：{line:q}"),
    "system.reason.reach": ("ntpq -p: reach {value:q} is not octal",
                            "ntpq -p：reach 值 {value:q} 不是八进制数"),
    "system.reason.truncated_after": ("ntpq -p: truncated after {line:q}",
                                      "ntpq -p：输出在 {line:q} 之后被截断"),
    "system.reason.last_time": ("last: unreadable time in {line:q}",
                                "last：无法识别的时间：{line:q}"),
    "system.reason.last_no_time": ("last: no -F or ISO time in {line:q} (capture with "
                                   "last -x -F reboot)",
                                   "last：没有 -F 格式或 ISO 格式的时间：{line:q}（请用 "
                                   "last -x -F reboot 采集）"),
    "system.reason.last_empty": ("last: no reboot records and no 'begins' line",
                                 "last：既没有重启记录，也没有 'begins' 行"),
    "system.reason.unreadable_time": ("unreadable time {value:q}", "无法识别的时间：{value:q}"),
    "system.reason.not_iso": ("not an ISO-8601 time: {value:q}", "不是 ISO-8601 时间：{value:q}"),
    "system.reason.invalid_time": ("not a valid time: {value:q}", "不是有效的时间：{value:q}"),
    "system.reason.no_boot_time": ("boot time not available", "无法获得开机时间"),
    "system.reason.no_process": ("no process readable in /proc", "/proc 中没有可读取的进程"),
    "system.reason.hidepid": ("/proc is mounted with hidepid and the module does not run as "
                              "root (use become)",
                              "/proc 以 hidepid 选项挂载，而模块"
                              "未以 root 身份运行（请使用 become）"),
    "system.reason.statvfs_timeout": ("statvfs did not answer within {seconds} s (hung network "
                                      "filesystem?)",
                                      "statvfs 在 {seconds}"
                                      " 秒内没有响应（网络文件系统可能已挂起）"),
    "system.reason.no_systemctl": ("systemctl not found although systemd runs (PID 1: {pid1:q})",
                                   "systemd 正在运行（PID 1：{pid1:q}），但找不到 systemctl 命令"),
    "system.reason.no_usage_source": ("the space of filesystems was not collected (df -P)",
                                      "未采集文件系统的空间（df -P）"),
    "system.reason.no_inode_source": ("the inodes of filesystems were not collected (df -Pi)",
                                      "未采集文件系统的 inode（df -Pi）"),
    # why a mount's space is not judged (the module's data, not a finding)
    "system.skip.fstype": ("fstype {fstype} is in ignore_fstypes",
                           "文件系统类型 {fstype} 在 ignore_fstypes 中"),
    "system.skip.mountpoint": ("mount point matches ignore_mountpoints {pattern}",
                               "挂载点匹配 ignore_mountpoints 中的 {pattern}"),
    "system.skip.hidden": ("hidden by a later mount on the same mount point",
                           "被同一挂载点上后来的挂载遮盖"),
    "system.skip.file": ("a bind-mounted file, not a filesystem", "绑定挂载的文件，不是文件系统"),
    "system.skip.same": ("same filesystem as {mountpoint}", "与 {mountpoint} 是同一个文件系统"),
    # --- words several checks use
    "system.join": ("{first}; {second}", "{first}；{second}"),
    "system.word.yes": ("yes", "是"),
    "system.word.no": ("no", "否"),
    # --- system.uptime
    "system.uptime.no_boot": ("Cannot tell when the host booted: {reason}",
                              "无法确定主机的开机时间：{reason}"),
    "system.uptime.up": ("up {seconds:dur}", "已运行 {seconds:dur}"),
    "system.uptime.up_unknown": ("uptime unknown", "运行时长未知"),
    "system.uptime.since_unreadable": ("Booted {boot:time}; cannot compare with the last "
                                       "inspection: {reason}",
                                       "主机于 {boot:time} 开机；无法与上次巡检比较：{reason}"),
    "system.uptime.first": ("Booted {boot:time}, {up}; no previous inspection to compare with",
                            "主机于 {boot:time} 开机，{up}；没有可比较的上次巡检"),
    "system.uptime.clock_ahead": ("The last inspection ({since:time}) is later than this host's "
                                  "clock ({now:time}): check the clock",
                                  "上次巡检时间（{since:time}）晚于本机时钟（{now:time}）："
                                  "请检查本机时钟"),
    "system.uptime.no_reboot": ("No reboot since the last inspection ({since:time}); booted "
                                "{boot:time}, {up}",
                                "自上次巡检（{since:time}）以来未重启"
                                "；主机于 {boot:time} 开机，{up}"),
    "system.uptime.rebooted": ("Rebooted {count} since the last inspection ({since:time}); "
                               "booted {boot:time}, {up}",
                               "自上次巡检（{since:time}）以来{count}；主机于 {boot:time} 开机，"
                               "{up}"),
    "system.uptime.count_unknown": ("at least once (the reboot count is unknown: {reason})",
                                    "至少重启 1 次（重启次数未知：{reason}）"),
    "system.uptime.count_once": ("once", "重启 1 次"),
    "system.uptime.count_at_least_once": ("at least once", "至少重启 1 次"),
    "system.uptime.count_times": ("{count} times", "重启 {count} 次"),
    "system.uptime.count_at_least": ("at least {count} times", "至少重启 {count} 次"),
    "system.uptime.fix": (
        "Confirm the reboot was planned (change record); otherwise find the cause in the logs of "
        "the previous boot (journalctl -b -1, /var/log/messages, kdump) and report it to the "
        "client.",
        "确认该次重启是否为计划内操作（查阅变更记录）；如非计划内重启，请在上一次启动的日志"
        "（journalctl -b -1、/var/log/messages、kdump）中查找原因，并向客户报告。"),
    # --- system.load
    "system.load.unreadable": ("Cannot read the load average: {reason}",
                               "无法读取平均负载：{reason}"),
    "system.load.no_cpu_count": ("Cannot judge the load: number of CPUs unknown",
                                 "无法判断负载：CPU 数量未知"),
    "system.load.summary": ("Load average {load1:.2f} / {load5:.2f} / {load15:.2f} on {cpus} "
                            "CPUs: {per_cpu:.2f} per CPU over 15 minutes",
                            "平均负载 {load1:.2f} / {load5:.2f} / {load15:.2f}，共 {cpus} 个 "
                            "CPU：15 分钟平均每个 CPU 负载 {per_cpu:.2f}"),
    "system.load.fix": (
        "More runnable or uninterruptible tasks than CPUs for 15 minutes: find them with top/ps "
        "(state R or D), check for I/O waits, and plan more CPU or load moves.",
        "15 分钟内可运行或不可中断的任务一直多于 CPU 数：用 top/ps 找出这些任务（状态 R 或 D），"
        "检查是否存在 I/O 等待，并规划增加 CPU 或迁移部分负载。"),
    # --- system.cpu_utilisation, system.io_wait
    "system.cpu_utilisation.unreadable": ("Cannot measure CPU use: {reason}",
                                          "无法测量 CPU 使用率：{reason}"),
    "system.cpu_utilisation.during_seconds": ("over a {seconds:.0f}-second sample",
                                              "{seconds:.0f} 秒采样期间"),
    "system.cpu_utilisation.during": ("over the sample", "采样期间"),
    "system.cpu_utilisation.summary": ("CPU {busy:pct} busy {during}",
                                       "{during} CPU 使用率 {busy:pct}"),
    "system.cpu_utilisation.fix": (
        "Find the processes using the CPU (system.top_processes, top), check whether the load is "
        "expected (batch jobs, backups) and watch it over the month's performance data before "
        "adding CPUs.",
        "找出占用 CPU 的进程（system.top_processes、top），确认该负载是否在预期之内（批处理作业、"
        "备份），并结合本月的性能数据持续观察，再决定是否增加 CPU。"),
    "system.io_wait.unreadable": ("Cannot measure I/O wait: {reason}", "无法测量 I/O 等"
                                                                       "待：{reason}"),
    "system.io_wait.no_counter": ("This kernel's /proc/stat has no iowait counter",
                                  "此内核的 /proc/stat 没有 iowait 计数器"),
    "system.io_wait.summary": ("CPU waiting for I/O {iowait:pct} of the time {during}",
                               "{during} CPU 等待 I/O 的时间占 {iowait:pct}"),
    "system.io_wait.fix": (
        "Storage is slow or saturated: check disk latency and queue (iostat -x 5), multipath "
        "and array health, and which processes wait in state D.",
        "存储响应慢或已饱和：检查磁盘延迟和队列（iostat -x 5）、多路径和磁盘阵列的健康状态，"
        "以及哪些进程处于 D 状态等待。"),
    # --- system.memory, system.swap
    "system.memory.unreadable": ("Cannot read memory use: {reason}",
                                 "无法读取内存使用情况：{reason}"),
    "system.memory.summary": ("Memory {used:pct} used excluding cache: {available:bytes} "
                              "available of {total:bytes}",
                              "内存已用 {used:pct}（不含缓存）：共 {total:bytes}，可用 "
                              "{available:bytes}"),
    "system.memory.summary_estimated": ("Memory {used:pct} used excluding cache (estimated: old "
                                        "kernel): {available:bytes} available of {total:bytes}",
                                        "内存已用 {used:pct}（不含缓存；旧内核，为估算值）：共 "
                                        "{total:bytes}，可用 {available:bytes}"),
    "system.memory.fix": (
        "Little memory is left even after dropping caches: find the largest processes "
        "(system.top_processes), check for leaks or oversized caches (database buffers, JVM "
        "heaps) and for OOM kills in the error log; add memory if the load is legitimate.",
        "即使除去缓存，可用内存仍然很少：找出占用内存最多的进程（system.top_processes），检查"
        "是否存在内存泄漏或缓存设置过大（数据库缓冲区、JVM 堆），并在错误日志中查找 OOM 终止"
        "记录；如果负载属于正常业务，请增加内存。"),
    "system.swap.unreadable": ("Cannot read swap use: {reason}", "无法读取交换空间使用"
                                                                 "情况：{reason}"),
    "system.swap.none": ("No swap space is configured on this host", "本主机未配置交换空间"),
    "system.swap.summary": ("Swap {used:pct} used ({used_bytes:bytes} of {total:bytes})",
                            "交换空间已用 {used:pct}（共 {total:bytes}，已用 {used_bytes:bytes}）"),
    "system.swap.fix": (
        "Much memory has been pushed to swap: check memory pressure (vmstat 5: si/so), the "
        "largest processes and system.memory; add memory or reduce the load.",
        "大量内存已被换出到交换空间：检查内存压力（vmstat 5 的 si/so 列）、占用内存最多的进程"
        "和 system.memory；增加内存或降低负载。"),
    # --- system.filesystem_usage, system.filesystem_inodes
    "system.filesystem.described": ("{mountpoint} ({device}, {fstype})",
                                    "{mountpoint}（{device}，{fstype}）"),
    "system.filesystem.described_no_type": ("{mountpoint} ({device})", "{mountpoint}（{device}）"),
    "system.filesystem.unlisted": ("Cannot list filesystems: {reason}",
                                   "无法列出文件系统：{reason}"),
    "system.filesystem.none_left": ("No filesystem left to judge ({skipped} mounts skipped by the "
                                    "ignore lists): check ignore_fstypes and ignore_mountpoints",
                                    "没有可判断的文件系统（{skipped} 个挂载点被忽略列表跳过）："
                                    "请检查 ignore_fstypes 和 ignore_mountpoints"),
    "system.filesystem.unreadable": ("Cannot read {fs}: {reason}", "无法读取 {fs}：{reason}"),
    "system.filesystem_usage.zero_size": ("{fs} reports a size of 0; if it is a pseudo "
                                          "filesystem, add its type to ignore_fstypes",
                                          "{fs}报告的大小为 0；如果它是伪文件系统，请将其类型加入 "
                                          "ignore_fstypes"),
    "system.filesystem_usage.summary": ("{mountpoint} is {used:pct} full: {avail:bytes} free of "
                                        "{size:bytes}",
                                        "{mountpoint} 已用 {used:pct}（{size:bytes} 中剩余 "
                                        "{avail:bytes}）"),
    "system.filesystem_usage.fix": (
        "Free space on {mountpoint}: find what grew (du -xh --max-depth=2 {mountpoint} | sort -h), "
        "remove or archive old logs, dumps and package caches, or extend the filesystem; a full "
        "filesystem stops applications and logging.",
        "清理 {mountpoint} 上的空间：找出增长的内容（du -xh -"
        "-max-depth=2 {mountpoint} | sort -h），"
        "删除或归档旧的日志、转储文件和软件包缓存，或者扩容文件系统；文件系统写满会使应用和日志"
        "记录停止工作。"),
    "system.filesystem_inodes.summary": ("{mountpoint} has used {used:pct} of its inodes ({free} "
                                         "of {total} free)",
                                         "{mountpoint} 的 inode 已用 {used:pct}（共 {total} 个，"
                                         "剩余 {free} 个）"),
    "system.filesystem_inodes.fix": (
        "{mountpoint} is running out of inodes: find directories with very many small files "
        "(session, cache, mail or spool directories) and clean them up; no file can be created "
        "once inodes run out, even with free space.",
        "{mountpoint} 的 inode 即将耗尽：找出存放大量小文件的目录（会话、缓存、邮件或 spool "
        "目录）并清理；inode 用尽后，即使仍有剩余空间也无法再创建文件。"),
    # --- system.readonly_mounts
    "system.readonly_mounts.unlisted": ("Cannot list mounts: {reason}", "无法列出挂载点：{reason}"),
    "system.readonly_mounts.fstab_unreadable": ("Cannot read {path}: {reason}",
                                                "无法读取 {path}：{reason}"),
    "system.readonly_mounts.why_fstab_rw": ("{path} mounts it read-write ({options})",
                                            "{path} 中配置为读写挂载（{options}）"),
    "system.readonly_mounts.why_normally_rw": ("{mountpoint} is normally writable and {path} "
                                               "does not say ro",
                                               "{mountpoint} 通常应可写，且 {path} 中未指定 ro"),
    "system.readonly_mounts.why_normally_rw_bad": (
        "{mountpoint} is normally writable and no readable line of {path} says ro "
        "({bad:pl:line:lines} could not be read)",
        "{mountpoint} 通常应可写，且 {path} 中可读取的行均未指定 ro（另有 {bad} 行无法解析）"),
    "system.readonly_mounts.readonly": ("{fs} is mounted read-only, but {why}",
                                        "{fs}当前以只读方式挂载，但 {why}"),
    "system.readonly_mounts.no_readable_line": (
        "{fs} is mounted read-only and has no readable line in {path} ({bad:pl:line:lines} there "
        "could not be read): whether it should be writable is not known; correct {path} and "
        "re-run",
        "{fs}当前以只读方式挂载，{path} 中没有它的可读配置行（该文件有 {bad} 行无法解析）："
        "无法判断它是否应可写；请修正 {path} 后重新检查"),
    "system.readonly_mounts.none": ("No filesystem that should be writable is mounted read-only "
                                    "({count} mounts checked)",
                                    "没有应可写的文件系统被挂载为只读（已检查 {count} 个挂载点）"),
    "system.readonly_mounts.fix": (
        "The kernel usually remounts a filesystem read-only after I/O or metadata errors: check "
        "dmesg and the error log for the device, check the disk/array, repair the filesystem "
        "(fsck, xfs_repair) in a maintenance window, then remount it read-write.",
        "内核通常在发生 I/O 错误或元数据错误后将文件系统重新挂载为只读：检查 dmesg 和该设备的"
        "错误日志，检查磁盘/磁盘阵列，在维护窗口内修复文件系统（fsck、xfs_repair），然后重新以"
        "读写方式挂载。"),
    # --- system.zombie_processes, system.top_processes
    "system.processes.unreadable": ("Cannot read the process table: {reason}",
                                    "无法读取进程表：{reason}"),
    "system.processes.incomplete": ("Only part of the process table is visible: {reason}",
                                    "只能看到部分进程表：{reason}"),
    "system.processes.none": ("No process found in /proc", "在 /proc 中没有找到任何进程"),
    "system.zombie_processes.summary": ("{count:pl:zombie process:zombie processes}",
                                        "{count} 个僵尸进程"),
    "system.zombie_processes.summary_parents": (
        "{count:pl:zombie process:zombie processes} (parents: {parents:list})",
        "{count} 个僵尸进程，父进程：{parents:list}"),
    "system.zombie_processes.parent": ("{pid} {name} x{count}", "{pid} {name}（{count} 个）"),
    "system.zombie_processes.fix": (
        "Zombies are dead children their parent has not reaped; they hold a PID each. Fix or "
        "restart the parent process listed (killing a zombie does nothing); a growing count can "
        "exhaust the PID space.",
        "僵尸进程是已结束但尚未被父进程回收的子进程，每个占用一个 PID。请修复或重启上面列出的"
        "父进程（杀死僵尸进程本身不起作用）；数量持续增长可能耗尽 PID 空间。"),
    "system.top_processes.summary": ("{count} processes{cpu}{memory}", "共 {count} 个进程"
                                                                       "{cpu}{memory}"),
    "system.top_processes.cpu": ("; top CPU {name} ({pct:.1f} %)",
                                 "；CPU 占用最高：{name}（{pct:.1f}%）"),
    "system.top_processes.cpu_lifetime": ("; top CPU over its life {name} ({pct:.1f} %)",
                                          "；整个生命周期 CPU 占用最高：{name}（{pct:.1f}%）"),
    "system.top_processes.memory": ("; top memory {name} ({size:bytes})",
                                    "；内存占用最高：{name}（{size:bytes}）"),
    # --- system.failed_units
    "system.failed_units.no_systemd": ("systemd is not running on this host (PID 1 is {pid1}); "
                                       "no units to check",
                                       "本主机未运行 systemd（PID 1"
                                       " 为 {pid1}）；没有需要检查的单元"),
    "system.failed_units.unlisted": ("Cannot list failed systemd units: {reason}",
                                     "无法列出失败的 systemd 单元：{reason}"),
    "system.failed_units.degraded_none": ("systemd reports the system degraded but lists no "
                                          "failed unit",
                                          "systemd 报告系统状态为 de"
                                          "graded，但没有列出任何失败的单元"),
    "system.failed_units.none": ("No failed systemd unit (system state: {state})",
                                 "没有失败的 systemd 单元（系统状态：{state}）"),
    "system.failed_units.state_unknown": ("unknown (is-system-running gave no answer)",
                                          "未知（is-system-running 没有返回结果）"),
    "system.failed_units.failed": ("Unit {unit} has failed{description}{details}",
                                   "单元 {unit} 已失败{description}{details}"),
    "system.failed_units.description": (" ({text})", "（{text:q}）"),
    "system.failed_units.result_since": (": result {result}, since {since}",
                                         "：结果为 {result}，始于 {since}"),
    "system.failed_units.result": (": result {result}", "：结果为 {result}"),
    "system.failed_units.since": (": since {since}", "：始于 {since}"),
    "system.failed_units.fix": (
        "Read 'systemctl status {unit}' and 'journalctl -u {unit}', fix the cause and restart the "
        "unit; if the failure is understood and harmless, clear it with 'systemctl reset-failed "
        "{unit}'.",
        "查看 'systemctl status {unit}' 和 'journalctl -u {unit}' 的输出，排除故障原因后重启该"
        "单元；如果失败原因已查明且无害，可用 'systemctl reset-failed {unit}' 清除失败状态。"),
    # --- system.time_sync: what each tool answered, and the findings
    "system.time.ntp_synchronized": ("NTPSynchronized={value}", "NTPSynchronized={value}"),
    "system.time.status": ("synchronized: {synced}", "时钟同步：{synced}"),
    "system.time.status_service": ("synchronized: {synced} (NTP service: {service})",
                                   "时钟同步：{synced}（NTP 服务：{service}）"),
    "system.time.chronyc": ("Leap status {leap}{offset}{stratum}",
                            "闰秒状态 {leap}{offset}{stratum}"),
    "system.time.chronyc_offset": (", offset {offset} s", "，偏差 {offset} 秒"),
    "system.time.chronyc_stratum": (", stratum {stratum}", "，层级 {stratum}"),
    "system.time.ntpq_peer": ("system peer {peer} (stratum {stratum}, offset {offset} ms)",
                              "系统对等体 {peer}（层级 {stratum}，偏差 {offset} 毫秒）"),
    "system.time.ntpq_no_peer": ("no system peer among {count:pl:peer:peers}",
                                 "{count} 个对等体中没有系统对等体（sys_peer）"),
    "system.time_sync.answer": ("{tool}: {answer}", "{tool}：{answer}"),
    "system.time_sync.unasked": ("Cannot ask the time service: {reason}",
                                 "无法查询时间同步服务：{reason}"),
    "system.time_sync.synchronised": ("Clock synchronised ({answer})", "时钟已同步（{answer}）"),
    "system.time_sync.not_synchronised": ("Clock is not synchronised: {answers}",
                                          "时钟未同步：{answers}"),
    "system.time_sync.none_answered": ("No time service tool answered: {errors}",
                                       "没有任何时间同步工具给出结果：{errors}"),
    "system.time_sync.none_asked": ("No time service tool was asked", "未查询任何时间同步工具"),
    "system.time_sync.fix": (
        "Check the time service (chronyd, ntpd or systemd-timesyncd): is it running, are its NTP "
        "servers reachable (UDP 123), is the offset too large to slew? Logs, Kerberos, TLS and "
        "backups depend on a correct clock.",
        "检查时间同步服务（chronyd、ntpd 或 systemd-timesyncd）：服务是否在运行？NTP 服务器是否"
        "可达（UDP 123）？时间偏差是否过大、无法逐步校正？日志、Kerberos、TLS 和备份都依赖准确的"
        "时钟。"),
    # --- system.nic_errors, system.nic_flaps: reading /proc/net/dev and /sys/class/net
    "system.reason.net_dev_column": ("/proc/net/dev: no {column} column in the header {line:q}",
                                     "/proc/net/dev：表头中没有 {column} 列：{line:q}"),
    "system.reason.net_dev_header": ("/proc/net/dev: header without its second line (truncated?)",
                                     "/proc/net/dev：表头缺少第二行（内容可能被截断）"),
    "system.reason.no_interfaces": ("/proc/net/dev lists no interface (truncated?)",
                                    "/proc/net/dev 中没有任何网络接口（内容可能被截断）"),
    "system.reason.net_sysfs": ("/sys/class/net: unexpected data for {iface}",
                                "/sys/class/net：{iface} 的数据无法识别"),
    # --- system.nic_errors, system.nic_flaps: since when a count runs
    "system.nic.when_previous": ("since the previous inspection at {since:time} ({seconds:dur} "
                                 "earlier)",
                                 "自上次巡检（{since:time}，{seconds:dur}前）以来"),
    "system.nic.when_previous_at": ("since the previous inspection at {since:time}",
                                    "自上次巡检（{since:time}）以来"),
    "system.nic.when_boot": ("since boot at {boot:time}, with no earlier reading to compare with",
                             "自 {boot:time} 开机以来（此前没有可比较的读数）"),
    "system.nic.when_boot_unknown": ("since boot, with no earlier reading to compare with",
                                     "自开机以来（此前没有可比较的读数）"),
    "system.nic.when_appeared": ("since boot or since the interface appeared (the previous "
                                 "inspection at {since:time} has no reading of it)",
                                 "自开机或该接口出现以来（上次巡检 {since:time} 没有它的读数）"),
    "system.nic.when_rebooted": ("since the reboot at {boot:time} (the host rebooted after the "
                                 "previous inspection at {since:time}, so the counters restarted)",
                                 "自 {boot:time} 重启以来（主机在上次巡检 {since:time} 之后重启过，"
                                 "计数器已重新开始）"),
    "system.nic.when_cleared": ("since the counters went down after the previous inspection at "
                                "{since:time} (cleared, or the interface re-created)",
                                "自计数器下降以来（上次巡检 {since:time} 之后计数器被清零或接口被"
                                "重建）"),
    "system.nic.counter": ("{name} +{count}", "{name} +{count}"),
    "system.nic.counter_total": ("{name} {count} (no earlier reading)",
                                 "{name} {count}（此前没有读数）"),
    "system.nic.state_unreadable": ("unreadable", "无法读取"),
    "system.nic.unlisted": ("Cannot list the network interfaces: {reason}",
                            "无法列出网络接口：{reason}"),
    "system.nic.none_left": ("No network interface left to judge ({skipped} skipped by "
                             "ignore_interfaces): check ignore_interfaces",
                             "没有可判断的网络接口（{skipped} 个被 ignore_interfaces 跳过）："
                             "请检查 ignore_interfaces"),
    # --- system.nic_errors
    "system.nic_errors.count": ("{count:pl:error:errors}", "错误 {count} 个"),
    "system.nic_errors.count_at_least": ("at least {count:pl:error:errors}", "错误至少 {count} 个"),
    "system.nic_errors.count_none": ("no errors", "没有错误"),
    "system.nic_errors.counters": (" ({counters:list})", "（{counters:list}）"),
    "system.nic_errors.drops": ("; {count:pl:packet:packets} dropped (not judged)",
                                "；丢弃数据包 {count} 个（不作判断）"),
    "system.nic_errors.summary": ("{iface}: {errors} {when}{counters}{drops}",
                                  "{iface}：{when}{errors}{counters}{drops}"),
    "system.nic_errors.no_statistics": ("{iface}: the kernel gives no statistics for this "
                                        "interface",
                                        "{iface}：内核没有提供此接口的统计数据"),
    "system.nic_errors.fix": (
        "Errors on {iface} usually mean a bad physical link: check the cable and connectors, the "
        "transceiver (SFP) and the switch port (its error counters and log); compare speed and "
        "duplex on both ends (ethtool {iface}, ethtool -S {iface}); reseat or replace the cable "
        "or module and watch the counters.",
        "{iface} 上的错误通常说明物理链路有问题：检查网线和接头、光模块（SFP）以及交换机端口"
        "（其错误计数器和日志）；核对两端的速率和双工模式（ethtool {iface}、ethtool -S {iface}）；"
        "重新插拔或更换网线、模块后继续观察计数器。"),
    # --- system.nic_flaps
    "system.nic_flaps.count": ("{count:pl:link change:link changes} ({flaps:pl:flap:flaps})",
                               "链路状态变化 {count} 次（{flaps} 次抖动）"),
    "system.nic_flaps.count_at_least": ("at least {count:pl:link change:link changes} "
                                        "({flaps:pl:flap:flaps})",
                                        "链路状态变化至少 {count} 次（{flaps} 次抖动）"),
    "system.nic_flaps.count_none": ("no link change", "链路状态没有变化"),
    "system.nic_flaps.bringup": (" ({count:pl:change:changes} of the link first coming up not "
                                 "counted)",
                                 "（链路首次建立时的 {count} 次变化不计）"),
    "system.nic_flaps.summary": ("{iface} (link {state}): {changes} {when}{bringup}",
                                 "{iface}（链路状态 {state}）：{when}{changes}{bringup}"),
    "system.nic_flaps.no_counter": (
        "{iface} (link {state}): this kernel does not count link changes (no carrier_changes "
        "before Linux 3.15); link losses show in the error log only (errlog.nic_link)",
        "{iface}（链路状态 {state}）：此内核不统计链路状态变化（Linux 3.15 之前没有 "
        "carrier_changes）；链路中断只能从错误日志中查看（errlog.nic_link）"),
    "system.nic_flaps.no_counter_kernel": (
        "This kernel does not count link changes (no /sys/class/net/<interface>/carrier_changes "
        "before Linux 3.15): link losses show in the error log only (errlog.nic_link)",
        "此内核不统计链路状态变化（Linux 3.15 之前没有 /sys/class/net/<接口>/carrier_changes）："
        "链路中断只能从错误日志中查看（errlog.nic_link）"),
    "system.nic_flaps.not_collected": (
        "Link changes are read from /sys/class/net/<interface>/carrier_changes on the host, "
        "which was not collected",
        "链路状态变化从主机上的 /sys/class/net/<接口>/carrier_changes 读取，而它未被采集"),
    "system.nic_flaps.gone": ("{iface} was there at the previous inspection ({since:time}) and is "
                              "gone now: its errors and link changes since then are not known",
                              "{iface} 在上次巡检（{since:time}）时存在，现在已不存在：此后的错误"
                              "和链路状态变化无从得知"),
    "system.nic_flaps.gone_fix": (
        "Find out why {iface} is gone: after a planned change (a VLAN or bond removed, "
        "interfaces renamed) it is expected; otherwise a NIC failed or its driver did not load "
        "(dmesg, lspci, ip link).",
        "查明 {iface} 消失的原因：如果是计划内变更（删除了 VLAN 或绑定接口、接口改名），属于正常；"
        "否则可能是网卡故障或驱动未加载（dmesg、lspci、ip link）。"),
    "system.nic_flaps.fix": (
        "The link of {iface} went down (and up): check the cable and connectors, the transceiver "
        "(SFP) and the switch port's log and error counters, and the NIC's link messages in the "
        "error log (errlog.nic_link); a flapping link breaks connections and bonds.",
        "{iface} 的链路曾中断（并恢复）：检查网线和接头、光模块（SFP）、交换机端口的日志和错误"
        "计数器，以及错误日志中该网卡的链路消息（errlog.nic_link）；链路反复抖动会中断连接并影响绑定"
        "（bond）。"),
    # the performance history (weibao_inspection/performance.py): notes, not findings
    "system.perf.no_sysstat": (
        "no performance history: sysstat is not installed (no sadf, no daily files)",
        "没有性能历史数据：未安装 sysstat（没有 sadf，也没有每日数据文件）"),
    "system.perf.disabled": (
        "sysstat's collection is switched off (ENABLED=\"false\" in {path:q})",
        "sysstat 的数据采集已关闭（{path:q} 中 ENABLED=\"false\"）"),
    "system.perf.no_files": (
        "no performance history: no sysstat daily file in {dirs:list} since {since:time}",
        "没有性能历史数据：{since:time} 以来 {dirs:list} 中没有 sysstat 每日数据文件"),
    "system.perf.no_sadf": (
        "no performance history: {count} sysstat daily files but no sadf to read them",
        "没有性能历史数据：有 {count} 个 sysstat 每日数据文件，但没有 sadf 可以读取"),
    "system.perf.unreadable": (
        "{count} of {total} performance history files could not be read",
        "{total} 个性能历史文件中有 {count} 个无法读取"),
    "system.perf.no_nmon": (
        "no performance history: no nmon recording matching {paths:list} since {since:time}",
        "没有性能历史数据：{since:time} 以来没有与 {paths:list} 匹配的 nmon 记录文件"),
    "system.perf.reason.sadf": ("sadf cannot read the file: {output:q}",
                                "sadf 无法读取该文件：{output:q}"),
    "system.perf.reason.not_sadf_json": ("sadf's output is not sysstat's JSON: {detail:q}",
                                         "sadf 的输出不是 sysstat 的 JSON：{detail:q}"),
    "system.perf.malformed": (
        "part of the performance data the collector returned was not understood and left "
        "out ({what:q})",
        "采集模块返回的部分性能数据无法识别，已舍弃（{what:q}）"),
    "system.perf.reason.not_nmon": ("not an nmon recording (no ZZZZ and CPU_ALL lines)",
                                    "不是 nmon 记录文件（没有 ZZZZ 和 CPU_ALL 行）"),
}
