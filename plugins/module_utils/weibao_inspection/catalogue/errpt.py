# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``errpt`` area (an AIX host's error log): its checks and messages.

Collected on the host by ``weibao_inspect_aix`` (role inspect_aix) with the other AIX areas,
in one module run: ``errpt -s MMDDhhmmyy`` and ``errpt -a -s MMDDhhmmyy`` (the entries since
the previous inspection). Every entry is classified by its label and identifier (never by its
description, which errpt truncates to 39 characters and prints in the host's language) into a
component and a severity: rules/errpt.py documents the table and its sources."""

from __future__ import annotations

AREA = dict(name="errpt", title="AIX error log", title_zh="AIX 错误日志",
            role="inspect_aix", collector="weibao_inspect_aix", platforms=("aix",),
            doc="the AIX error log (errpt) since the previous inspection: every entry "
                "classified by label and identifier into a component (disk, adapter, path, "
                "memory, cpu, power/cooling, network, LVM, cluster, software) and a severity "
                "from its type and class; a failure followed by its recovery (path, "
                "EtherChannel, power, stale partitions) shown as recovered")

SOURCES = ("errpt", "errpt -a")
NOT_UNDERSTOOD = ("; output that is not errpt's, or a source that could not be read: "
                  "unknown, never ok")

CHECKS = (
    dict(id="errpt.hardware", name="AIX hardware errors", name_zh="AIX 硬件错误",
         looks_at="errpt entries of class H (hardware) and of the hardware components (disk, "
                  "adapter, memory, cpu, power/cooling, network) since the previous inspection",
         looks_at_zh="自上次巡检以来 errpt 中类别为 H（硬件）及属于硬件部件（磁盘、适配器、内存、"
                     "CPU、电源与散热、网络）的条目",
         doc="per component: critical for a PERM or PEND hardware entry (and EPOW loss of "
             "power), warning for TEMP, PERF and UNKN hardware entries and for a failure "
             "followed by its recovery (EtherChannel, EPOW power resumed); INFO entries ok; "
             "no entry: ok" + NOT_UNDERSTOOD,
         platforms=("aix",), sources=SOURCES),
    dict(id="errpt.software", name="AIX software and LVM errors",
         name_zh="AIX 软件与 LVM 错误",
         looks_at="errpt entries of classes S, O and U (software, operator, undetermined): "
                  "core dumps, system dumps, SRC, LVM (stale partitions, PV missing, quorum "
                  "lost), file systems, cluster (PowerHA, RSCT, CAA)",
         looks_at_zh="errpt 中类别为 S、O、U（软件、操作员、不确定）的条目：core dump、系统转储、"
                     "SRC、LVM（分区陈旧、PV 缺失、仲裁丢失）、文件系统、集群（PowerHA、RSCT、"
                     "CAA）",
         doc="per component: critical for a lost quorum (LVM_SA_QUORCLOSE), a missing PV "
             "(LVM_SA_PVMISS), a system dump or kernel panic; warning for PERM, TEMP, PEND "
             "and UNKN software entries (a core dump, stale partitions, a failed subsystem); "
             "operator (O) and INFO entries ok, listed" + NOT_UNDERSTOOD,
         platforms=("aix",), sources=SOURCES),
    dict(id="errpt.paths", name="AIX disk paths in the error log",
         name_zh="AIX 错误日志中的磁盘路径",
         looks_at="MPIO path entries (PATH HAS FAILED DE3B8540, PATH HAS RECOVERED F31FFAC3, "
                  "DISK_ERR6) per disk, in time order",
         looks_at_zh="每个磁盘的 MPIO 路径条目（PATH HAS FAILED DE3B8540、PATH HAS RECOVERED "
                     "F31FFAC3、DISK_ERR6），按时间顺序",
         doc="per disk: critical when its last path entry is a failure; warning when a path "
             "failed and recovered since the previous inspection (or only a recovery is "
             "logged); no path entry: ok" + NOT_UNDERSTOOD,
         platforms=("aix",), sources=SOURCES),
    dict(id="errpt.summary", name="AIX error log summary", name_zh="AIX 错误日志汇总",
         looks_at="the number of errpt entries per component since the previous inspection, "
                  "and whether error logging was turned off (ERRLOG_OFF)",
         looks_at_zh="自上次巡检以来每个部件的 errpt 条目数，以及错误日志是否被关闭"
                     "（ERRLOG_OFF）",
         doc="ok with the counts per component; warning when error logging was turned off "
             "(ERRLOG_OFF) and not turned on again (entries may be missing)" + NOT_UNDERSTOOD,
         platforms=("aix",), sources=SOURCES),
)

MESSAGES = {
    # --- reading
    "errpt.reason.not_errpt": ("errpt: not errpt's output: {text:q}",
                               "errpt：不是 errpt 的输出：{text:q}"),
    "errpt.reason.not_errpt_a": ("errpt -a: no LABEL/IDENTIFIER entry: {text:q}",
                                 "errpt -a：没有 LABEL/IDENTIFIER 条目：{text:q}"),
    "errpt.reason.bad_line": ("errpt: unexpected line {text:q}",
                              "errpt：无法识别的行 {text:q}"),
    "errpt.reason.bad_value": ("{source}: neither output nor a failure",
                               "{source}：既不是命令输出也不是失败说明"),
    # --- components
    "errpt.component.disk": ("disk", "磁盘"),
    "errpt.component.adapter": ("adapter", "适配器"),
    "errpt.component.path": ("path", "路径"),
    "errpt.component.memory": ("memory", "内存"),
    "errpt.component.cpu": ("CPU", "CPU"),
    "errpt.component.power_cooling": ("power/cooling", "电源与散热"),
    "errpt.component.network": ("network", "网络"),
    "errpt.component.lvm": ("LVM", "LVM"),
    "errpt.component.cluster": ("cluster", "集群"),
    "errpt.component.software": ("software", "软件"),
    "errpt.component.other": ("other", "其他"),
    # --- one entry as evidence-like text in summaries
    "errpt.entry": ("{label} ({identifier}) {type} {cls} on {resource} at {time}",
                    "{label}（{identifier}）{type} {cls}，资源 {resource}，时间 {time}"),
    "errpt.entry_nolabel": ("{identifier} {type} {cls} on {resource} at {time}",
                            "{identifier} {type} {cls}，资源 {resource}，时间 {time}"),
    "errpt.entry_recovered": ("{label} ({identifier}) on {resource} at {time}, recovered "
                              "by {recovery} at {recovered}",
                              "{label}（{identifier}），资源 {resource}，时间 {time}，已由 "
                              "{recovery} 于 {recovered} 恢复"),
    # --- findings
    "errpt.none": ("No {area} entry in the error log since {since:time}",
                   "自 {since:time} 以来错误日志中没有{area}条目"),
    "errpt.none_all": ("No {area} entry in the error log",
                       "错误日志中没有{area}条目"),
    "errpt.area.hardware": ("hardware", "硬件"),
    "errpt.area.software": ("software", "软件"),
    "errpt.area.paths": ("disk path", "磁盘路径"),
    "errpt.component_entries": ("{component}: {count:pl:entry:entries} ({critical} critical, "
                                "{warning} warning, {recovered} recovered, {info} "
                                "informational): {entries:list}",
                                "{component}：条目 {count} 条（严重 {critical}，警告 "
                                "{warning}，已恢复 {recovered}，提示 {info}）：{entries:list}"),
    "errpt.path.failed": ("{disk}: a path failed and has not recovered: {entries:list}",
                          "{disk}：路径故障且未恢复：{entries:list}"),
    "errpt.path.recovered": ("{disk}: a path failed and recovered: {entries:list}",
                             "{disk}：路径曾故障，现已恢复：{entries:list}"),
    "errpt.path.recovery_only": ("{disk}: a path recovered (its failure was logged before "
                                 "the period): {entries:list}",
                                 "{disk}：路径已恢复（故障记录早于本周期）：{entries:list}"),
    "errpt.summary.counts": ("{count:pl:entry:entries} in the error log ({source}): "
                             "{counts:list}",
                             "错误日志中有 {count} 条条目（{source}）：{counts:list}"),
    "errpt.summary.count": ("{component} {count}", "{component} {count}"),
    "errpt.summary.empty": ("The error log has no entry ({source})",
                            "错误日志中没有条目（{source}）"),
    "errpt.summary.logging_off": ("Error logging was turned off at {time} (ERRLOG_OFF) and not "
                                  "turned on again: entries may be missing; {counts:list}",
                                  "错误日志记录于 {time} 被关闭（ERRLOG_OFF）且未再开启，"
                                  "可能缺少条目；{counts:list}"),
    # --- recommendations
    "errpt.hardware.recommendation": ("Read the entries with errpt -a -j IDENTIFIER, run "
                                      "diag on the resource and open a hardware call with "
                                      "IBM (or the HMC's serviceable event) for PERM entries",
                                      "用 errpt -a -j IDENTIFIER 查看条目详情，对该资源运行 "
                                      "diag；PERM 条目请向 IBM 报修（或查看 HMC 上的可维护"
                                      "事件）"),
    "errpt.software.recommendation": ("Read the entries with errpt -a -j IDENTIFIER: check "
                                      "the volume group (lsvg, syncvg for stale partitions), "
                                      "the program that dumped core, the subsystem (lssrc)",
                                      "用 errpt -a -j IDENTIFIER 查看条目详情：检查卷组（lsvg，"
                                      "分区陈旧时执行 syncvg）、产生 core 的程序以及子系统"
                                      "（lssrc）"),
    "errpt.path.recommendation": ("Check the disk's paths (lspath -l DISK), the FC adapter "
                                  "and its cable, the SAN switch port and zoning; enable a "
                                  "failed path with chpath once fixed",
                                  "检查该磁盘的路径（lspath -l DISK）、FC 适配器及线缆、SAN "
                                  "交换机端口和分区；修复后用 chpath 启用故障路径"),
    "errpt.recovered.recommendation": ("The failure recovered by itself: find out why it "
                                       "happened (cable, switch port, SAN, adapter) before "
                                       "it comes back",
                                       "故障已自行恢复：在其再次发生之前查明原因（线缆、交换机"
                                       "端口、SAN、适配器）"),
    "errpt.summary.recommendation": ("Turn error logging on again (/usr/lib/errdemon) and find "
                                     "out who turned it off",
                                     "重新开启错误日志记录（/usr/lib/errdemon），并查明是谁"
                                     "关闭了它"),
}
