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
    return (
        dict(name="warning", default=warning, unit=what, doc=f"{what} from which it warns"),
        dict(name="critical", default=critical, unit=what,
             doc=f"{what} from which it is critical"),
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

MESSAGES = {}
