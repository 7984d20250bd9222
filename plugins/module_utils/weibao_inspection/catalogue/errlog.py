# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``errlog`` area (error logs since the previous inspection): checks and messages."""

from __future__ import annotations

AREA = dict(name="errlog", title="Error logs", title_zh="错误日志", role="inspect_errlog",
            collector="weibao_inspect_errlog",
            doc="kernel and system error logs since the previous inspection (journal, else "
                "dmesg and /var/log)")

_LOGS = ("journalctl", "dmesg", "cat /var/log/messages")


def _events(warning, critical, what="events"):
    # 0 (or null) disables a level: "from 0 events" would warn on every host.
    return (
        dict(name="warning", default=warning, unit=what, doc=f"{what} from which it warns",
             zero_disables=True),
        dict(name="critical", default=critical, unit=what,
             doc=f"{what} from which it is critical", zero_disables=True),
    )


CHECKS = (
    dict(id="errlog.machine_check", name="Machine-check errors", name_zh="机器检查（MCE）错误",
         looks_at="MCE / APEI hardware errors", looks_at_zh="MCE / APEI 硬件错误",
         doc="fatal = critical", thresholds=_events(1, 10), sources=_LOGS),
    dict(id="errlog.memory_ecc", name="Memory ECC errors", name_zh="内存 ECC 错误",
         looks_at="EDAC corrected (CE) and uncorrected (UE) memory errors",
         looks_at_zh="EDAC 可纠正（CE）和不可纠正（UE）内存错误",
         doc="thresholds count CE; any UE = critical", thresholds=_events(1, 100, "CE"),
         sources=_LOGS),
    dict(id="errlog.disk_io", name="Disk I/O errors", name_zh="磁盘 I/O 错误",
         looks_at="disk I/O and medium errors per disk", looks_at_zh="每块磁盘的 I/O 与介质错误",
         doc="per disk", thresholds=_events(1, 10), sources=_LOGS),
    dict(id="errlog.filesystem", name="Filesystem errors", name_zh="文件系统错误",
         looks_at="ext4, XFS, btrfs errors; read-only remounts",
         looks_at_zh="ext4、XFS、btrfs 错误；只读重新挂载", doc="remount ro = critical",
         thresholds=_events(1, 5), sources=_LOGS),
    dict(id="errlog.storage_transport", name="Cables and connectors (storage links)",
         name_zh="电缆与连接器（存储链路）",
         looks_at="SATA/SAS link resets, SCSI transport errors, FC loop/link down, HBA resets, "
                  "multipath path failures",
         looks_at_zh="SATA/SAS 链路复位、SCSI 传输错误、FC 环路/链路中断、HBA 复位、多路径路径故障",
         doc="no active path = critical", thresholds=_events(1, 20), sources=_LOGS),
    dict(id="errlog.nic_link", name="Network link flaps", name_zh="网络链路抖动",
         looks_at="NIC link-down flaps per interface, bonding slave changes",
         looks_at_zh="每个网卡接口的链路中断（抖动），绑定（bonding）成员变化",
         doc="per interface", thresholds=_events(1, 10), sources=_LOGS),
    dict(id="errlog.oom_kill", name="Out-of-memory kills", name_zh="内存不足（OOM）终止进程",
         looks_at="out-of-memory kills per process", looks_at_zh="每个进程的内存不足（OOM）终止",
         doc="per process", thresholds=_events(1, 5), sources=_LOGS),
    dict(id="errlog.hung_tasks", name="Hung tasks", name_zh="挂起的任务",
         looks_at="tasks blocked for more than N seconds (hung_task), soft and hard lockups",
         looks_at_zh="阻塞超过 N 秒的任务（hung_task）、软死锁与硬死锁",
         doc="lockups = critical", thresholds=_events(1, 10), sources=_LOGS),
    dict(id="errlog.unclassified", name="Other fault messages", name_zh="其他故障消息",
         looks_at="lines with a fault keyword (error, fail, fault, panic, ...) that no class "
                  "matched",
         looks_at_zh="含故障关键词（error、fail、fault、panic 等）但未归入任何类别的日志行",
         doc="warning: shown for a person to read, never dropped",
         thresholds=_events(1, None, "lines"), sources=_LOGS),
    dict(id="errlog.sources", name="Error log sources", name_zh="错误日志来源",
         looks_at="which logs were read and how far back they reach",
         looks_at_zh="读取了哪些日志，以及它们能追溯到多久以前",
         doc="warning when they do not cover the window or a source stopped at the line cap "
             "(then the classes that found nothing are unknown); unknown when none could be "
             "read", sources=_LOGS),
)

def _class_messages(cls, label, label_zh, recommendation, recommendation_zh):
    """The four messages every event class has: its label, the summary of its events, the
    summary of its lines whose time could not be read, and its recommendation."""
    return {
        f"errlog.{cls}.label": (label, label_zh),
        f"errlog.{cls}.events": (
            f"{{count:pl:{label} event:{label} events}} on {{component}}{{when}}{{critical}}"
            "{below}{undatable}{cut}",
            f"{{component}} {{when}}有 {{count}} 次{label_zh}事件{{critical}}{{below}}"
            "{undatable}{cut}"),
        f"errlog.{cls}.lines": (
            f"{{count:pl:{label} line:{label} lines}} on {{component}} whose time could not "
            "be read: not known whether in the window since {start}{cut}",
            f"{{component}} 上有 {{count}} 行{label_zh}日志的时间无法识别，无法判断是否发生在"
            "检查时段（自 {start} 起）内{cut}"),
        f"errlog.{cls}.none": (f"No {label} events since {{start}}",
                               f"自 {{start}} 以来未发现{label_zh}事件"),
        f"errlog.{cls}.recommendation": (recommendation, recommendation_zh),
    }


MESSAGES = {
    # --- a class's finding, the parts its summary is made of
    "errlog.when.at": (" at {time:time}", "在 {time:time} "),
    "errlog.when.between": (" between {first:time} and {last:time}",
                            "在 {first:time} 至 {last:time} 期间"),
    "errlog.extra.critical": (" ({count} critical)", "，其中 {count} 次为严重级别"),
    "errlog.extra.below": (" (below the warning threshold)", "，低于警告阈值"),
    "errlog.extra.undatable": (
        ", and {count:pl:more matching line:more matching lines} whose time could not be read",
        "；另有 {count} 行匹配日志的时间无法识别"),
    "errlog.extra.cut": (" (log not fully read: line cap hit)", "（日志未读完：已达行数上限）"),
    "errlog.extra.cut_unknown": (
        ", but the log was not fully read ({cut:list}; newer lines not inspected)",
        "，但日志未读完（{cut:list}，其后较新的日志行未检查）"),
    "errlog.cut.source": ("{name} stopped at the line cap after {lines} lines",
                          "{name} 读到第 {lines} 行时达到行数上限"),
    "errlog.window.time": ("{time:time}", "{time:time}"),
    "errlog.window.logs_start": ("the start of the logs", "日志开头"),
    "errlog.none_untimed": (
        "No time in {names:list} (seconds since boot, and the boot time is not known): cannot "
        "tell whether a {label} event falls in the window since {start}",
        "{names:list} 中的日志行没有时间（开机以来的秒数，开机时间未知）：无法判断检查时段（自 "
        "{start} 起）内是否有{label}事件"),
    "errlog.none_cut": (
        "Log not fully read ({cut:list}; newer lines not inspected): no {label} events in the "
        "part read since {start}",
        "日志未读完（{cut:list}，其后较新的日志行未检查）：已读取部分中自 {start} 以来未发现"
        "{label}事件"),
    "errlog.not_checked": ("{label} not checked: {reason}", "未检查{label}：{reason}"),
    "errlog.rec.undatable": (
        "The timestamps of the lines marked '(time unreadable)' are damaged (often after a "
        "crash or power loss): check in the log whether they are recent, and if they are: "
        "{then}",
        "标为“(time unreadable)”的日志行时间戳已损坏（常见于宕机或断电之后）：请在日志中查明"
        "它们是否为近期记录；如是：{then}"),
    "errlog.rec.cut": (
        "Raise inspect_errlog_max_lines (or find what floods the log) and re-run the "
        "inspection: the newest log lines were not inspected.",
        "调大 inspect_errlog_max_lines（或查明是什么在大量刷写日志）后重新巡检：最新的日志行未被"
        "检查。"),
    "errlog.rec.untimed": (
        "Judge output that carries the time instead: dmesg -T, dmesg --time-format=iso or the "
        "journal (journalctl -k -o short-iso), or give the boot time (btime in /proc/stat) "
        "with the raw dmesg.",
        "请改为判断带时间的输出：dmesg -T、dmesg --time-format=iso 或 journal（journalctl -k "
        "-o short-iso），或随原始 dmesg 输出一并提供开机时间（/proc/stat 中的 btime）。"),
    "errlog.rec.untimed_then": (
        "The lines marked '(no time)' carry no time (dmesg's seconds since boot, and the boot "
        "time is not known): look at them in dmesg -T or the journal, and if they are recent: "
        "{then}",
        "标为“(no time)”的日志行没有时间（dmesg 开机以来的秒数，开机时间未知）：请在 dmesg -T "
        "或 journal 中查看它们；如为近期记录：{then}"),
    "errlog.rec.both": ("{first} {second}", "{first}{second}"),
    # --- errlog.sources
    "errlog.sources.read": ("Read {count:pl:log source:log sources}: {names:list}{problems}",
                            "已读取 {count} 个日志来源：{names:list}{problems}"),
    "errlog.sources.problems": (" ({problems:list})", "（{problems:list}）"),
    "errlog.sources.cap_hit": ("line cap hit on {names:list}", "{names:list} 达到行数上限"),
    "errlog.sources.gap": (
        "logs begin at {begin:time}, after the start of the window {start:time}",
        "日志始于 {begin:time}，晚于检查时段起点 {start:time}"),
    "errlog.sources.rec_cap": (
        "Raise inspect_errlog_max_lines or find what floods the log; the lines after the cap "
        "were not inspected.",
        "调大 inspect_errlog_max_lines，或查明是什么在大量刷写日志；超出上限的日志行未被检查。"),
    "errlog.sources.rec_gap": (
        "Keep logs for at least the inspection interval (persistent journal: "
        "Storage=persistent in journald.conf; logrotate rotate count), unless the host is "
        "newer than the window.",
        "日志保留时间应不短于巡检间隔（持久化 journal：在 journald.conf 中设置 "
        "Storage=persistent；调整 logrotate 的 rotate 保留份数），除非该主机的启用时间晚于检查"
        "时段起点。"),
    "errlog.sources.none_read": ("No log source could be read: {sources:list}",
                                 "无法读取任何日志来源：{sources:list}"),
    "errlog.sources.none_configured": ("No log source was configured", "未配置日志来源"),
    "errlog.sources.untimed": (
        "Read {names:list}, but no line of it carries a time (seconds since boot, and the boot "
        "time is not known): cannot tell whether it covers the window since {start:time}",
        "已读取 {names:list}，但其中没有任何带时间的日志行（开机以来的秒数，开机时间未知）："
        "无法判断它是否覆盖检查时段（自 {start:time} 起）"),
    # --- one source, as errlog.sources and the evidence describe it
    "errlog.source.read": (
        "{name}: read {lines} lines, {events} events{first}{capped}{undated}{undatable}"
        "{notes}",
        "{name}：已读取 {lines} 行，{events} 个事件{first}{capped}{undated}{undatable}{notes}"),
    "errlog.source.not_read": ("{name}: {status}{notes}", "{name}：{status}{notes}"),
    "errlog.source.notes": (" ({notes:list})", "（{notes:list}）"),
    "errlog.source.first": (", from {time:time}", "，始于 {time:time}"),
    "errlog.source.capped": (", STOPPED at the line cap", "，已达行数上限而停止"),
    "errlog.source.undated": (", {count} matching lines without time counted",
                              "，{count} 行无时间的匹配日志已计入"),
    "errlog.source.undatable": (", {count} matching lines with an unreadable time",
                                "，{count} 行匹配日志的时间无法识别"),
    "errlog.source.status.read": ("read", "已读取"),
    "errlog.source.status.missing": ("not found", "未找到"),
    "errlog.source.status.failed": ("failed", "读取失败"),
    "errlog.source.status.skipped": ("skipped", "已跳过"),
    # --- evidence lines (English in findings; kept here so every text has one home)
    "errlog.evidence.last": ("last: {line}", "最后一条：{line}"),
    "errlog.evidence.kinds": ("messages by kind: {kinds}", "各类消息数：{kinds}"),
    "errlog.evidence.related": ("related (not counted): {kinds}", "相关消息（未计入）：{kinds}"),
    "errlog.evidence.sources": ("sources: {names:list}", "来源：{names:list}"),
    "errlog.evidence.cut": ("a source was cut at the line cap: later lines were not read",
                            "有日志来源达到行数上限：其后的日志行未读取"),
    # --- why a source was not read, and notes on one (collector and parsers)
    "errlog.reason.none_read": ("no log source could be read ({sources:list})",
                                "无法读取任何日志来源（{sources:list}）"),
    "errlog.reason.none_configured": ("no log source was configured", "未配置日志来源"),
    "errlog.reason.no_journald": ("{path} does not exist (journald not running)",
                                  "{path} 不存在（journald 未运行）"),
    "errlog.reason.cannot_run": ("cannot run {command}: {error:q}",
                                 "无法运行 {command}：{error:q}"),
    "errlog.reason.system_journal": ("the system journal", "系统日志（journal）"),
    "errlog.reason.dmesg_restricted": (
        "not permitted (kernel.dmesg_restrict=1, or no CAP_SYSLOG in a container; run with "
        "become): {error:q}",
        "无权限（kernel.dmesg_restrict=1，或容器内缺少 CAP_SYSLOG），请以 become 运行："
        "{error:q}"),
    "errlog.reason.only_compressed": ("only {files:list}, in a compression not supported",
                                      "只有无法读取的压缩副本 {files:list}"),
    "errlog.reason.unknown_format": ("no line in a known syslog format in {files:list}",
                                     "{files:list} 中没有可识别格式的 syslog 日志行"),
    "errlog.note.rotated": ("with {count} rotated copies", "含 {count} 个轮转副本"),
    "errlog.note.compression": ("not read (compression not supported): {files:list}",
                                "不支持该压缩格式，未读取：{files:list}"),
    "errlog.note.unreadable": ("unreadable: {files:list}", "无法读取：{files:list}"),
}

_CLASS_TEXTS = (
    ("machine_check", "machine-check", "机器检查（MCE）错误",
     "Machine-check errors point at CPU, memory or bus hardware: decode them with rasdaemon "
     "(ras-mc-ctl --errors) or mcelog, read the BMC/iLO/iDRAC event log and open a hardware "
     "case with the vendor if they recur.",
     "机器检查错误指向 CPU、内存或总线硬件：用 rasdaemon（ras-mc-ctl --errors）或 mcelog "
     "解码，查看 BMC/iLO/iDRAC 事件日志；如反复出现，向厂商报修硬件。"),
    ("memory_ecc", "memory ECC error", "内存 ECC 错误",
     "Check {component} in the BMC/SEL log and rasdaemon (ras-mc-ctl --error-count); "
     "corrected errors that keep growing, or any uncorrected error, mean the DIMM should be "
     "replaced.",
     "在 BMC/SEL 日志和 rasdaemon（ras-mc-ctl --error-count）中检查 {component}；"
     "可纠正错误持续增长，或出现任何不可纠正错误，说明该内存条（DIMM）应予更换。"),
    ("disk_io", "disk I/O error", "磁盘 I/O 错误",
     "Check {component}'s SMART/RAID status (smartctl -a, the controller's CLI) and replace a "
     "disk with growing medium errors; verify the data it holds (fsck, application checks, "
     "restore from backup).",
     "检查 {component} 的 SMART/RAID 状态（smartctl -a、RAID 卡命令行工具），介质错误持续"
     "增长的磁盘应予更换；并核实其上的数据（fsck、应用层校验，必要时从备份恢复）。"),
    ("filesystem", "filesystem error", "文件系统错误",
     "Fix the underlying disk errors first, then unmount {component} in a maintenance window "
     "and check it (fsck / xfs_repair / btrfs scrub); a filesystem remounted read-only or "
     "shut down needs immediate attention.",
     "先排除底层磁盘错误，再在维护窗口内卸载 {component} 并检查（fsck / xfs_repair / "
     "btrfs scrub）；文件系统已被重新挂载为只读或已关闭时需立即处理。"),
    ("storage_transport", "storage link/transport error", "存储链路/传输错误",
     "Link resets and transport errors on {component} usually mean a loose or faulty cable, "
     "connector, SFP or backplane slot, or a failing HBA/switch port: reseat or replace the "
     "cable, check HBA firmware and the switch/array logs for the same times.",
     "{component} 上的链路复位和传输错误通常说明电缆、连接器、SFP 或背板槽位松动或故障，"
     "或 HBA/交换机端口故障：重新插拔或更换电缆，检查 HBA 固件，并查看同一时段的交换机和"
     "存储阵列日志。"),
    ("nic_link", "NIC link-down", "网卡链路断开",
     "Check the cable, transceiver (SFP) and switch port of {component} and the switch log "
     "for the same times; repeated link flaps mean a faulty cable, optic or port unless they "
     "match planned maintenance.",
     "检查 {component} 的电缆、光模块（SFP）和交换机端口，并查看同一时段的交换机日志；"
     "链路反复抖动说明电缆、光模块或端口有故障，除非与计划内维护的时间吻合。"),
    ("hung_tasks", "hung task or lockup", "任务挂起或 CPU 死锁",
     "A task blocked for minutes, or a CPU stuck (soft or hard lockup, RCU stall), on "
     "{component}: read the stack trace logged after the message (storage or NFS waits, a "
     "driver or kernel bug), check the storage and the hypervisor's CPU contention at the same "
     "times, and update the kernel and drivers or open a case with the vendor if it recurs.",
     "{component} 上有任务长时间阻塞，或 CPU 卡死（软死锁、硬死锁、RCU 停顿）：阅读该消息之后"
     "记录的调用栈（存储或 NFS 等待、驱动或内核缺陷），检查同一时段的存储和虚拟化平台的 CPU "
     "争用；如反复出现，升级内核和驱动或向厂商报修。"),
    ("oom_kill", "out-of-memory kill", "内存不足（OOM）终止进程",
     "The kernel killed {component} because memory ran out: review the memory use and limits "
     "of that service and of the host (leaks, swap, cgroup limits) and add memory or tune the "
     "service.",
     "内存耗尽，内核终止了 {component}：检查该服务及整机的内存使用和限制（内存泄漏、swap、"
     "cgroup 限制），增加内存或调整该服务。"),
)

for _entry in _CLASS_TEXTS:
    MESSAGES.update(_class_messages(*_entry))
del _entry

# errlog.unclassified: lines no class matched that carry a fault keyword, per program
MESSAGES.update({
    "errlog.unclassified.label": ("other fault message", "其他故障消息"),
    "errlog.unclassified.events": (
        "{count:pl:other fault message:other fault messages} (a fault keyword, no known class) "
        "from {component}{when}{critical}{below}{undatable}{cut}",
        "{component} {when}有 {count} 条其他故障消息（含故障关键词，未归入已知类别）{critical}"
        "{below}{undatable}{cut}"),
    "errlog.unclassified.lines": (
        "{count:pl:other fault message:other fault messages} from {component} whose time could "
        "not be read: not known whether in the window since {start}{cut}",
        "{component} 上有 {count} 条其他故障消息的时间无法识别，无法判断是否发生在检查时段（自 "
        "{start} 起）内{cut}"),
    "errlog.unclassified.none": (
        "No other line with a fault keyword since {start}",
        "自 {start} 以来没有其他含故障关键词的日志行"),
    "errlog.unclassified.recommendation": (
        "Read these lines from {component}: they carry a fault keyword (error, fail, fault, "
        "panic, timeout, reset, offline, corrupt, ...) but match no known hardware or system "
        "class. Find out what they mean and act on them; tell the weibao maintainers when they "
        "are harmless noise.",
        "请阅读 {component} 的这些日志行：其中含有故障关键词（error、fail、fault、panic、"
        "timeout、reset、offline、corrupt 等），但不属于任何已知的硬件或系统错误类别。查明其含义"
        "并处理；如为无害的日志噪声，请告知 weibao 维护人员。"),
})
