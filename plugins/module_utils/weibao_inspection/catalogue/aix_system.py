# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``aix_system`` area (an AIX host's identity, firmware, system backups and performance
figures): its checks and messages.

Collected on the host by ``weibao_inspect_aix`` (role inspect_aix) with the other AIX host
areas, in one module run; read by ``parsers/aix_aix_system.py``, judged by
``rules/aix_system.py``."""

from __future__ import annotations

AREA = dict(name="aix_system", title="AIX system, firmware, backups and performance",
            title_zh="AIX 系统、微码、备份与性能",
            role="inspect_aix", collector="weibao_inspect_aix", platforms=("aix",),
            doc="the machine's model, serial, processors, memory and firmware for the asset "
                "register (prtconf), the system firmware's permanent and temporary sides "
                "(lsmcode -A), the newest mksysb image's age and level (lsmksysb -l -f), and "
                "CPU, entitlement, paging, memory and disk figures sampled during the "
                "inspection (vmstat, lparstat, svmon -G, iostat) for the performance analysis")

AIX = ("aix",)
NOT_UNDERSTOOD = ("; output not understood (labels printed in another language: the collector "
                  "runs the commands with LC_ALL=C): unknown, never ok")

CHECKS = (
    dict(id="aix_system.identity", name="AIX system identity", name_zh="AIX 系统标识",
         looks_at="prtconf's header: system model, machine serial number, processor type, "
                  "number and clock, memory, platform firmware level, LPAR name and number, "
                  "kernel type (and oslevel -s where collected) for the asset register",
         looks_at_zh="prtconf 的头部信息：系统型号、机器序列号、处理器类型、数量与主频、内存、"
                     "平台微码级别、LPAR 名称与编号、内核类型（以及采集到的 oslevel -s），"
                     "供资产登记使用",
         doc="informational: ok with the figures in its values; Good Memory Size below "
             "Memory Size (memory deconfigured by the firmware) is a warning; no System Model "
             "or serial line" + NOT_UNDERSTOOD,
         platforms=AIX, sources=("prtconf",)),
    dict(id="aix_system.firmware", name="AIX system firmware", name_zh="AIX 系统微码",
         looks_at="lsmcode -A: the system firmware's active level and its permanent (p) and "
                  "temporary (t) sides, and each adapter's and disk's microcode level",
         looks_at_zh="lsmcode -A：系统微码的当前运行级别及其永久面（p）和临时面（t），"
                     "以及各适配器、磁盘的微码级别",
         doc="ok with the levels in its values; warning when the permanent side differs from "
             "the temporary side (an update not yet accepted: the next boot from the "
             "permanent side would fall back) or the system runs from the permanent side "
             "while the temporary side holds another level; no sys0 line" + NOT_UNDERSTOOD,
         platforms=AIX, sources=("lsmcode -A",)),
    dict(id="aix_system.mksysb", name="AIX system backup (mksysb)",
         name_zh="AIX 系统备份（mksysb）",
         looks_at="lsmksysb -l -f on each mksysb image the site keeps (the role's mksysb_paths): "
                  "volume group, backup date, backup OS level and maintenance level; the newest "
                  "rootvg image's age and its level against the running oslevel -s",
         looks_at_zh="对站点保存的每个 mksysb 映像（角色的 mksysb_paths）执行 lsmksysb -l -f："
                     "卷组、备份时间、备份时的操作系统级别与维护级别；最新 rootvg 映像的年龄及其"
                     "级别与当前 oslevel -s 的比较",
         doc="warning when no image is found (no system backup), when the newest rootvg image is "
             "max_age_days old or older, critical at critical_age_days; warning when "
             "its maintenance level differs from the running oslevel -s (a restore would bring "
             "back another level); an image that is a data-only or non-rootvg backup does not "
             "count as a system backup; an image lsmksysb cannot read" + NOT_UNDERSTOOD,
         thresholds=(dict(name="max_age_days", default=35, unit="days",
                          doc="the newest system backup this many days old or older: warning"),
                     dict(name="critical_age_days", default=70, unit="days", zero_disables=True,
                          doc="the newest system backup this many days old or older: critical "
                              "(0: off)")),
         platforms=AIX, sources=("lsmksysb -l -f {path}",)),
    dict(id="aix_system.performance", name="AIX performance samples", name_zh="AIX 性能采样",
         looks_at="samples taken during the inspection: vmstat (run queue, paging in/out, CPU "
                  "us/sy/id/wa, physical processors and entitlement on a shared LPAR), lparstat "
                  "(%user %sys %wait %idle physc %entc app), svmon -G (memory size, in use, "
                  "free, pinned, virtual; paging space) and iostat (busiest disk's % tm_act); "
                  "the first vmstat and iostat report (since boot) is left out",
         looks_at_zh="巡检期间的采样：vmstat（运行队列、换页、CPU us/sy/id/wa，共享分区的物理"
                     "处理器与授权使用率）、lparstat（%user %sys %wait %idle physc %entc app）、"
                     "svmon -G（内存总量、已用、空闲、固定、虚拟；分页空间）和 iostat（最忙磁盘的 "
                     "% tm_act）；vmstat 和 iostat 的第一份报告（自启动以来）不计入",
         doc="one finding per command with its averages in values: CPU busy (user + system) "
             "at cpu_warning / cpu_critical, entitlement consumed (%entc) at entc_warning, "
             "pages paged out to paging space per second (po) at paging_warning, virtual memory "
             "against real memory (svmon) at memory_warning / memory_critical, the busiest "
             "disk at disk_warning" + NOT_UNDERSTOOD,
         thresholds=(dict(name="cpu_warning", default=80, unit="%",
                          doc="average CPU busy (user + system): warning"),
                     dict(name="cpu_critical", default=95, unit="%",
                          doc="average CPU busy (user + system): critical"),
                     dict(name="entc_warning", default=150, unit="%", zero_disables=True,
                          doc="average entitlement consumed (%entc) on a shared LPAR: warning "
                              "(the LPAR lives on the pool's spare capacity; 0: off)"),
                     dict(name="paging_warning", default=20, unit="pages/s", zero_disables=True,
                          doc="average pages paged out to paging space per second (vmstat po): "
                              "warning (0: off)"),
                     dict(name="memory_warning", default=90, unit="%",
                          doc="virtual memory in use against real memory (svmon -G): warning"),
                     dict(name="memory_critical", default=100, unit="%",
                          doc="virtual memory in use against real memory (svmon -G): critical"),
                     dict(name="disk_warning", default=90, unit="%", zero_disables=True,
                          doc="the busiest disk's % tm_act (iostat): warning (0: off)")),
         platforms=AIX, sources=("vmstat 5 3", "lparstat 5 3", "svmon -G", "iostat 5 2")),
)

MESSAGES = {
    # --- reading
    "aix_system.reason.not_prtconf": ("prtconf: no System Model and Machine Serial Number "
                                      "lines: {text:q}",
                                      "prtconf：输出中没有 System Model 和 Machine Serial Number "
                                      "行：{text:q}"),
    "aix_system.reason.not_lsmcode": ("lsmcode -A: no system firmware (sys0) line: {text:q}",
                                      "lsmcode -A：输出中没有系统微码（sys0）行：{text:q}"),
    "aix_system.reason.not_lsmksysb": ("lsmksysb: no VOLUME GROUP and BACKUP DATE/TIME lines: "
                                       "{text:q}",
                                       "lsmksysb：输出中没有 VOLUME GROUP 和 BACKUP DATE/TIME 行："
                                       "{text:q}"),
    "aix_system.reason.bad_date": ("lsmksysb: backup date {text:q} not understood",
                                   "lsmksysb：无法识别备份时间 {text:q}"),
    "aix_system.reason.no_samples": ("{source}: no sample lines under the column header: {text:q}",
                                     "{source}：列标题下没有采样行：{text:q}"),
    "aix_system.reason.no_header": ("{source}: no column header: {text:q}",
                                    "{source}：没有列标题：{text:q}"),
    "aix_system.reason.not_svmon": ("svmon -G: no memory line: {text:q}",
                                    "svmon -G：输出中没有 memory 行：{text:q}"),
    "aix_system.reason.localized": ("{source}: printed in another language (not LC_ALL=C), "
                                    "its labels are not understood",
                                    "{source}：以其他语言输出（未使用 LC_ALL=C），无法识别其中的"
                                    "标签"),
    "aix_system.reason.bad_value": ("{source}: neither output nor a failure",
                                    "{source}：既不是命令输出也不是失败说明"),
    "aix_system.source_failed": ("{source}: {reason}", "{source}：{reason}"),
    # --- identity
    "aix_system.identity.ok": ("{model}, serial {serial}: {cpus} x {processor} at {clock} MHz, "
                               "{memory} MB memory, firmware {firmware}{os}",
                               "{model}，序列号 {serial}：{cpus} 个 {processor}，主频 {clock} MHz，"
                               "内存 {memory} MB，微码 {firmware}{os}"),
    "aix_system.identity.os": (", AIX {level}", "，操作系统 AIX {level}"),
    "aix_system.identity.bad_memory": ("{model}, serial {serial}: good memory {good} MB of "
                                       "{memory} MB: memory deconfigured by the firmware",
                                       "{model}，序列号 {serial}：可用内存 {good} MB，共 "
                                       "{memory} MB：部分内存已被微码禁用"),
    "aix_system.identity.no_memory": ("{model}, serial {serial}: no {fields:list} in prtconf's "
                                      "output: deconfigured memory not judged",
                                      "{model}，序列号 {serial}：prtconf 输出中没有 "
                                      "{fields:list}，无法判断内存是否被禁用"),
    "aix_system.identity.bad_memory_recommendation": (
        "Look for the memory's serviceable event on the HMC (or errpt) and have the failed "
        "DIMM replaced",
        "在 HMC（或 errpt）上查找内存的可维护事件，并更换故障内存条"),
    # --- firmware
    "aix_system.firmware.ok": ("System firmware {active} (permanent {permanent}, temporary "
                               "{temporary}); {adapters} other microcode levels",
                               "系统微码 {active}（永久面 {permanent}，临时面 {temporary}）；"
                               "另有 {adapters} 个设备微码级别"),
    "aix_system.firmware.sides_differ": ("System firmware runs {active}, but the permanent "
                                         "side holds {permanent} and the temporary side "
                                         "{temporary}: the update is not accepted",
                                         "系统微码运行 {active}，但永久面为 {permanent}，临时面为 "
                                         "{temporary}：微码更新尚未接受（accept）"),
    "aix_system.firmware.sides_recommendation": (
        "Once the new level has run without trouble, accept it (copy the temporary side to the "
        "permanent side) from the HMC or with the firmware's accept step, so both sides hold "
        "the same level",
        "新级别运行稳定后，在 HMC 上或用微码的 accept 步骤将临时面复制到永久面，使两面级别一致"),
    # --- mksysb
    "aix_system.mksysb.none": ("No mksysb image found: no system backup",
                               "未找到 mksysb 映像：没有系统备份"),
    "aix_system.mksysb.no_rootvg": ("No rootvg system backup among {count} image(s): "
                                    "{paths:list}",
                                    "{count} 个映像中没有 rootvg 系统备份：{paths:list}"),
    "aix_system.mksysb.ok": ("Newest system backup {path}: {date}, {age} days old, level {level}",
                             "最新系统备份 {path}：{date}，已有 {age} 天，级别 {level}"),
    "aix_system.mksysb.old": ("Newest system backup {path} is {age} days old ({date}); the "
                              "limit is {limit} days",
                              "最新系统备份 {path} 已有 {age} 天（{date}），上限为 {limit} 天"),
    "aix_system.mksysb.level": ("Newest system backup {path} ({date}) is at {level}, the "
                                "system runs {running}",
                                "最新系统备份 {path}（{date}）的级别为 {level}，系统当前运行 "
                                "{running}"),
    "aix_system.mksysb.future": ("Newest system backup {path} is dated {date}, after this "
                                 "host's clock: check the clock",
                                 "最新系统备份 {path} 的日期为 {date}，晚于本机时钟：请检查时钟"),
    "aix_system.mksysb.recommendation": ("Take a new mksysb of rootvg (mksysb -i) and keep it "
                                         "off the host; check the backup job's schedule",
                                         "重新制作 rootvg 的 mksysb 备份（mksysb -i）并保存到本机"
                                         "以外；检查备份作业的计划"),
    "aix_system.mksysb.level_recommendation": ("Take a new mksysb now that the level has "
                                               "changed, so a restore brings back the running "
                                               "level",
                                               "系统级别已变更，请重新制作 mksysb，以便恢复时回到"
                                               "当前运行的级别"),
    # --- performance
    "aix_system.perf.vmstat": ("vmstat: CPU busy {busy:pct} (user {us:pct}, system {sy:pct}, "
                               "wait {wa:pct}), paging out {po} pages/s, run queue {r} over "
                               "{samples} samples",
                               "vmstat：CPU 繁忙 {busy:pct}（用户 {us:pct}，系统 {sy:pct}，等待 "
                               "{wa:pct}），换出 {po} 页/秒，运行队列 {r}，共 {samples} 次采样"),
    "aix_system.perf.lparstat": ("lparstat: CPU busy {busy:pct} (user {us:pct}, system "
                                 "{sy:pct}), entitlement consumed {entc}, physical processors "
                                 "{physc} over {samples} samples",
                                 "lparstat：CPU 繁忙 {busy:pct}（用户 {us:pct}，系统 {sy:pct}），"
                                 "授权使用率 {entc}，物理处理器 {physc}，共 {samples} 次采样"),
    "aix_system.perf.svmon": ("svmon -G: virtual memory {virtual_pct:pct} of real memory, in "
                              "use {inuse_pct:pct}, paging space in use {pgsp_pct:pct}",
                              "svmon -G：虚拟内存占实际内存 {virtual_pct:pct}，已用 "
                              "{inuse_pct:pct}，分页空间已用 {pgsp_pct:pct}"),
    "aix_system.perf.iostat": ("iostat: busiest disk {disk} at {busy:pct} tm_act over "
                               "{disks} disks",
                               "iostat：最忙的磁盘 {disk} 繁忙度 {busy:pct}，共 {disks} 块磁盘"),
    "aix_system.perf.iostat_none": ("iostat: no disk in the report", "iostat：报告中没有磁盘"),
    "aix_system.perf.na": ("n/a", "无"),
    "aix_system.perf.pct": ("{value:pct}", "{value:pct}"),
    "aix_system.perf.over": ("{what} ({limit})", "{what}（阈值 {limit}）"),
    "aix_system.perf.cpu_recommendation": (
        "Find the processes using the CPU (topas, ps aux, nmon) and check whether the LPAR "
        "needs more entitlement or virtual processors",
        "找出占用 CPU 的进程（topas、ps aux、nmon），并评估分区是否需要增加授权或虚拟处理器"),
    "aix_system.perf.memory_recommendation": (
        "Find the processes using the memory (svmon -P, ps gv) and check whether the LPAR "
        "needs more memory; paging out to paging space slows the system",
        "找出占用内存的进程（svmon -P、ps gv），并评估分区是否需要增加内存；换出到分页空间会"
        "拖慢系统"),
    "aix_system.perf.disk_recommendation": (
        "Find what keeps the disk busy (filemon, iostat -D, nmon) and spread the I/O or check "
        "the disk's queue depth and paths",
        "找出使磁盘繁忙的负载（filemon、iostat -D、nmon），分散 I/O 或检查磁盘队列深度与路径"),
}
