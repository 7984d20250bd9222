# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``raid`` area (hardware RAID controllers on Linux hosts): its checks and messages.

Four tool families are read (parsers/linux_raid.py): Broadcom/LSI ``storcli``/``perccli``
(JSON), legacy ``MegaCli``, HPE ``ssacli``/``hpssacli``/``hpacucli`` and Adaptec/Microchip
``arcconf``. The collector also hands over the RAID controllers sysfs lists (``controllers``):
a controller there whose tool is missing is ``unknown`` (tool_missing), never ok; no controller
and no tool output: the area does not apply."""

from __future__ import annotations

AREA = dict(name="raid", title="Hardware RAID", title_zh="硬件 RAID",
            role="inspect_storage", collector="weibao_inspect_storage",
            doc="hardware RAID controllers (storcli/perccli JSON, MegaCli, ssacli/hpssacli/"
                "hpacucli, arcconf): controller, logical and physical drives, cache battery "
                "or capacitor and its wear, cache policy and size")

STORCLI = "storcli64 /call show all J"
STORCLI_PD = "storcli64 /call/eall/sall show all J"
STORCLI_BBU = "storcli64 /call/bbu show all J"
STORCLI_CV = "storcli64 /call/cv show all J"
STORCLI_VD = "storcli64 /call/vall show all J"
MEGA_ADP = "MegaCli64 -AdpAllInfo -aALL -NoLog"
MEGA_LD = "MegaCli64 -LDInfo -Lall -aALL -NoLog"
MEGA_PD = "MegaCli64 -PDList -aALL -NoLog"
MEGA_BBU = "MegaCli64 -AdpBbuCmd -GetBbuStatus -aALL -NoLog"
SSACLI = "ssacli ctrl all show config detail"
SSACLI_STATUS = "ssacli ctrl all show status"
ARCCONF = "arcconf GETCONFIG {n} AL"
UNKNOWN = ("; a controller sysfs lists whose tool is missing: unknown (tool_missing); output "
           "not understood: unknown; no controller and no tool output: not applicable")

CHECKS = (
    dict(id="raid.controller", name="RAID controller status", name_zh="RAID 控制器状态",
         looks_at="the controller's own status (storcli Controller Status, ssacli Controller "
                  "Status, arcconf Controller Status), uncorrectable cache memory errors, "
                  "safe mode and cache preserved for an offline virtual drive",
         looks_at_zh="控制器自身状态（storcli 的 Controller Status、ssacli 的 Controller Status、"
                     "arcconf 的 Controller Status）、缓存内存不可纠正错误、安全模式、离线虚拟盘"
                     "保留的缓存",
         doc="critical when the controller says failed (or anything but Optimal/OK), has "
             "uncorrectable memory errors or booted into safe mode; warning on cache preserved "
             "for an offline virtual drive (pinned cache) or Needs Attention; MegaCli prints no "
             "status word: judged on its memory errors and preserved cache" + UNKNOWN,
         sources=(STORCLI, MEGA_ADP, SSACLI, SSACLI_STATUS, ARCCONF)),
    dict(id="raid.logical_drives", name="RAID logical drives", name_zh="RAID 逻辑盘",
         looks_at="each virtual/logical drive's state: optimal, degraded, partially degraded, "
                  "rebuilding or recovering (with its progress where the tool prints it), "
                  "failed, offline",
         looks_at_zh="每个虚拟盘/逻辑盘的状态：最佳、降级、部分降级、重建或恢复中（工具给出时附"
                     "进度）、故障、离线",
         doc="ok when optimal; critical when degraded, partially degraded, interim recovery, "
             "failed or offline, and while it rebuilds (a degraded drive with a member "
             "rebuilding, ssacli Recovering, arcconf Rebuilding: no redundancy until the "
             "rebuild completes; the progress shown); warning on a copyback or while it "
             "initialises" + UNKNOWN,
         sources=(STORCLI, STORCLI_VD, MEGA_LD, SSACLI, ARCCONF)),
    dict(id="raid.physical_drives", name="RAID physical drives", name_zh="RAID 物理盘",
         looks_at="each physical drive's state (online, failed, offline, missing, rebuilding, "
                  "unconfigured bad, hot spare), predictive failure count and flag, S.M.A.R.T. "
                  "alert or warnings, media error count",
         looks_at_zh="每块物理盘的状态（在线、故障、离线、缺失、重建中、未配置坏盘、热备）、预测"
                     "故障计数与标志、S.M.A.R.T. 告警、介质错误计数",
         doc="critical on a failed, offline or missing drive; warning on a predictive failure "
             "(state, count or S.M.A.R.T. alert), an unconfigured-bad drive, a drive "
             "rebuilding, or media errors that grew since the previous inspection by the "
             "warning count (the total without one; counters keyed by serial number)" + UNKNOWN,
         thresholds=(dict(name="media_errors", default=1, unit="errors",
                          doc="new media errors (per drive, since the previous inspection) at "
                              "or above which it warns"),
                     dict(name="predictive", default=1, unit="events",
                          doc="predictive failure count at or above which it warns")),
         sources=(STORCLI, STORCLI_PD, MEGA_PD, SSACLI, ARCCONF)),
    dict(id="raid.cache_battery", name="RAID cache battery / capacitor",
         name_zh="RAID 缓存电池/电容",
         looks_at="the BBU, CacheVault, battery/capacitor, ZMM or backup power state, "
                  "replacement required, pack missing, capacity low, learn cycle",
         looks_at_zh="BBU、CacheVault、电池/电容、ZMM 或后备电源的状态，是否需要更换、电池包缺失、"
                     "容量低、学习周期",
         doc="critical when the module failed or is missing; warning when it must be replaced, "
             "is about to fail, is degraded or its capacity is low; a learn cycle or charging "
             "is not a fault of the module; no module installed: "
             "unknown (not applicable) for that controller" + UNKNOWN,
         sources=(STORCLI, STORCLI_BBU, STORCLI_CV, MEGA_BBU, SSACLI, SSACLI_STATUS, ARCCONF)),
    dict(id="raid.battery_capacity", name="RAID BBU capacity (wear)",
         name_zh="RAID 电池容量（老化）",
         looks_at="a BBU's full-charge capacity against its design capacity (storcli /call/bbu "
                  "show all: BBU_Capacity_Info, BBU_Design_Info), to replace it before it fails",
         looks_at_zh="BBU 满充容量与设计容量之比（storcli /call/bbu show all 的 "
                     "BBU_Capacity_Info、BBU_Design_Info），以便在失效前更换",
         doc="warning below the warning percent of the design capacity, critical below the "
             "critical percent; only storcli's BBU output gives both capacities (a CacheVault "
             "has no chemistry to wear; MegaCli -GetBbuStatus, ssacli and arcconf print none): "
             "other modules are not judged here",
         thresholds=(dict(name="warning", default=70, unit="%",
                          doc="full-charge capacity, percent of design, below which it warns"),
                     dict(name="critical", default=50, unit="%",
                          doc="full-charge capacity, percent of design, below which it is "
                              "critical")),
         sources=(STORCLI_BBU,)),
    dict(id="raid.cache_policy", name="RAID write cache policy", name_zh="RAID 写缓存策略",
         looks_at="each logical drive's configured and current write policy (MegaCli Default/"
                  "Current Cache Policy, arcconf write-cache setting/mode, ssacli caching with "
                  "the controller's cache status, storcli /call/vall's Write Cache(initial "
                  "setting) and VD cache), the cache size and use",
         looks_at_zh="每个逻辑盘配置的与当前的写策略（MegaCli 的 Default/Current Cache Policy、"
                     "arcconf 的写缓存设置/模式、ssacli 的 Caching 与控制器缓存状态、storcli "
                     "/call/vall 的 Write Cache(initial setting) 与虚拟盘缓存），"
                     "以及缓存大小与使用",
         doc="warning when write-back (or always write-back) is configured but write-through "
             "is in force, saying why where the battery or capacitor state tells (failed, "
             "to replace, charging, none installed); ok while a learn cycle explains it (not "
             "for always write-back, which ignores the battery); storcli's /call show all "
             "prints the current policy only: the configured one comes from /call/vall show "
             "all, and without it only the current one is reported; the cache size, available "
             "memory and "
             "read/write ratio are kept in the finding's values for the quarterly report"
             + UNKNOWN,
         sources=(STORCLI, STORCLI_VD, MEGA_ADP, MEGA_LD, SSACLI, ARCCONF)),
)

MESSAGES = {
    # --- reading
    "raid.reason.bad_json": ("{source:q}: not JSON: {detail:q}",
                             "{source:q}：不是 JSON：{detail:q}"),
    "raid.reason.not_tool": ("{source:q}: not {tool} output: {text:q}",
                             "{source:q}：不是 {tool} 的输出：{text:q}"),
    "raid.reason.tool_failed": ("{source:q}: {tool} said {detail:q}",
                                "{source:q}：{tool} 报告 {detail:q}"),
    # --- area
    "raid.none": ("No RAID controller and no RAID tool output: nothing to judge",
                  "没有 RAID 控制器，也没有 RAID 工具的输出，无可判断的内容"),
    "raid.none_in_output": ("{source}: no RAID controller in the output",
                            "{source}：输出中没有 RAID 控制器"),
    "raid.not_applicable": ("no hardware RAID controller on this host",
                            "本机没有硬件 RAID 控制器"),
    "raid.tool_missing": ("{pci} ({driver}): a {family} controller, but its tool is not "
                          "installed: {reason}",
                          "{pci}（{driver}）：{family} 控制器，但未安装其管理工具：{reason}"),
    "raid.no_tool_known": ("{pci} ({driver}): a RAID controller no supported tool reads",
                           "{pci}（{driver}）：没有受支持的工具能读取该 RAID 控制器"),
    "raid.tool_found_none": ("{pci} ({driver}): sysfs lists a {family} controller but its "
                             "tool found none",
                             "{pci}（{driver}）：sysfs 中有 {family} 控制器，但其管理工具没有"
                             "找到控制器"),
    "raid.family_not_collected": ("{pci} ({driver}): a {family} controller whose tool output "
                                  "was not collected",
                                  "{pci}（{driver}）：{family} 控制器，其工具输出未采集"),
    "raid.source_failed": ("{source}: {reason}", "{source}：{reason}"),
    "raid.not_read": ("{controller}: {what} not read ({source} not collected)",
                      "{controller}：未读取{what}（未采集 {source}）"),
    "raid.what.status": ("its status", "其状态"),
    "raid.what.logical": ("its logical drives", "其逻辑盘"),
    "raid.what.physical": ("its physical drives", "其物理盘"),
    "raid.what.battery": ("its battery or capacitor", "其电池或电容"),
    "raid.what.cache": ("its cache policy", "其缓存策略"),
    "raid.join": ("{first}; {second}", "{first}；{second}"),
    # --- controller
    "raid.controller.ok": ("{controller}: status {status:q}", "{controller}：状态 {status:q}"),
    "raid.controller.ok_megacli": ("{controller}: no memory errors, no preserved cache "
                                   "(MegaCli prints no status word)",
                                   "{controller}：没有内存错误，没有保留缓存（MegaCli 不输出"
                                   "状态字）"),
    "raid.controller.bad": ("{controller}: status {status:q}", "{controller}：状态 {status:q}"),
    "raid.controller.memory": ("{controller}: {count} uncorrectable cache memory errors",
                               "{controller}：缓存内存不可纠正错误 {count} 个"),
    "raid.controller.safe_mode": ("{controller}: booted into safe mode",
                                  "{controller}：已以安全模式启动"),
    "raid.controller.preserved": ("{controller}: cache preserved for an offline virtual drive "
                                  "(pinned cache)",
                                  "{controller}：为离线虚拟盘保留了缓存（缓存被钉住）"),
    "raid.controller.megacli_incomplete": ("{controller}: the output lacks its memory error "
                                           "count or its preserved cache line (cut short?)",
                                           "{controller}：输出中缺少内存错误计数或保留缓存行"
                                           "（输出不完整？）"),
    "raid.controller.no_status": ("{controller}: the output has no controller status",
                                  "{controller}：输出中没有控制器状态"),
    "raid.controller.recommendation": ("Read the controller's event log (storcli /c0 show "
                                       "events, ssacli ctrl all diag, arcconf GETLOGS) and call "
                                       "the vendor's support",
                                       "查看控制器事件日志（storcli /c0 show events、“ssacli "
                                       "ctrl all diag”、arcconf GETLOGS），并联系厂商支持"),
    "raid.controller.preserved_recommendation": (
        "Bring the offline virtual drive back or discard its preserved cache (storcli /c0 "
        "show preservedcache) after saving what can be saved",
        "恢复离线的虚拟盘，或在保存可保存的数据后丢弃其保留缓存（storcli /c0 show "
        "preservedcache）"),
    # --- logical drives
    "raid.ld.ok": ("{drive}: {raid} {state:q}", "{drive}：{raid} 状态 {state:q}"),
    "raid.ld.degraded": ("{drive}: {raid} {state:q}: no redundancy left",
                         "{drive}：{raid} {state:q}，已失去冗余"),
    "raid.ld.failed": ("{drive}: {raid} {state:q}: data not accessible",
                       "{drive}：{raid} {state:q}，数据无法访问"),
    "raid.ld.rebuilding": ("{drive}: {raid} {state:q}: rebuilding, {progress} done",
                           "{drive}：{raid} {state:q}，重建中，已完成 {progress}"),
    "raid.ld.rebuilding_no_progress": ("{drive}: {raid} {state:q}: rebuilding (the output "
                                       "gives no progress)",
                                       "{drive}：{raid} {state:q}，重建中（输出中没有进度）"),
    "raid.ld.initializing": ("{drive}: {raid} {state:q}: initialising or checking",
                             "{drive}：{raid} {state:q}，正在初始化或校验"),
    "raid.ld.other": ("{drive}: {raid} state {state:q} not known to weibao",
                      "{drive}：{raid} 状态 {state:q} 无法识别"),
    "raid.ld.none": ("{controller}: no logical drive configured",
                     "{controller}：没有配置逻辑盘"),
    "raid.ld.recommendation": ("Replace the failed member drive and let the array rebuild; "
                               "back up the data first",
                               "先备份数据，再更换故障成员盘并让阵列重建"),
    "raid.ld.failed_recommendation": ("Restore the data from backup and call the vendor's "
                                      "support before replacing drives",
                                      "在更换硬盘之前联系厂商支持，并准备从备份恢复数据"),
    "raid.ld.watch_recommendation": ("Let the rebuild finish and inspect again; do not pull "
                                     "another drive meanwhile",
                                     "等待重建完成后再次巡检，期间不要拔出其他硬盘"),
    # --- physical drives
    "raid.pd.ok": ("{controller}: {count} drives: {states:list}",
                   "{controller}：{count} 块硬盘：{states:list}"),
    "raid.pd.summary": ("{controller}: {problems:list}", "{controller}：{problems:list}"),
    "raid.pd.state_count": ("{count} {state}", "{state} {count} 块"),
    "raid.pd.condition.online": ("online", "在线"),
    "raid.pd.condition.failed": ("failed or offline", "故障或离线"),
    "raid.pd.condition.rebuilding": ("rebuilding", "重建中"),
    "raid.pd.condition.unconfigured_bad": ("unconfigured bad", "未配置坏盘"),
    "raid.pd.condition.predictive": ("predictive failure", "预测故障"),
    "raid.pd.condition.spare": ("hot spare", "热备"),
    "raid.pd.condition.unconfigured": ("unconfigured good", "未配置可用"),
    "raid.pd.condition.other": ("in another state", "其他状态"),
    "raid.pd.failed": ("{drive} {state:q}", "{drive} 状态 {state:q}"),
    "raid.pd.predictive": ("{drive} predictive failure ({detail})",
                           "{drive} 预测故障（{detail}）"),
    "raid.pd.media": ("{drive} {count}", "{drive} {count}"),
    "raid.pd.rebuilding": ("{drive} rebuilding", "{drive} 重建中"),
    "raid.pd.rebuilding_progress": ("{drive} rebuilding {progress}",
                                    "{drive} 重建中 {progress}"),
    "raid.pd.bad": ("{drive} unconfigured bad", "{drive} 未配置坏盘"),
    "raid.pd.other": ("{controller}: drive state not known to weibao: {drives:list}",
                      "{controller}：无法识别的硬盘状态：{drives:list}"),
    "raid.pd.none": ("{controller}: no physical drive in the output",
                     "{controller}：输出中没有物理盘"),
    "raid.pd.detail.state": ("state {state:q}", "状态 {state:q}"),
    "raid.pd.detail.count": ("count {count}", "计数 {count}"),
    "raid.pd.detail.smart": ("S.M.A.R.T. alert", "S.M.A.R.T. 告警"),
    "raid.pd.detail.smart_warnings": ("{count} S.M.A.R.T. warnings",
                                      "S.M.A.R.T. 警告 {count} 次"),
    "raid.counter.media_errors": ("media errors", "介质错误"),
    "raid.count.new": ("{name} {value} (+{delta} since {since:time})",
                       "{name} {value}（自 {since:time} 起新增 {delta}）"),
    "raid.count.reset": ("{name} {value} (at least +{delta}: the counter restarted since "
                         "{since:time})",
                         "{name} {value}（计数器自 {since:time} 起曾重置，新增至少 {delta}）"),
    "raid.count.total": ("{name} {value} (no previous reading)",
                         "{name} {value}（无上次读数）"),
    "raid.pd.recommendation": ("Replace the failed or failing drives (hot-swap, same size or "
                               "larger) and watch the rebuild",
                               "更换故障或即将故障的硬盘（热插拔，容量相同或更大），并观察重建"),
    "raid.pd.watch_recommendation": ("Plan the replacement of the drives named; check the "
                                     "rebuild finishes",
                                     "计划更换所列硬盘，并确认重建完成"),
    # --- battery
    "raid.battery.ok": ("{controller}: {kind} {state:q}", "{controller}：{kind} 状态 {state:q}"),
    "raid.battery.transient": ("{controller}: {kind} {state:q}: {why} (not a fault; the cache "
                               "may run write-through meanwhile)",
                               "{controller}：{kind} {state:q}，{why}（不是故障，期间缓存可能"
                               "以直写方式运行）"),
    "raid.battery.problems": ("{controller}: {kind} {state:q}: {problems:list}",
                              "{controller}：{kind} {state:q}，{problems:list}"),
    "raid.battery.ok_flags": ("{controller}: {kind}: no fault flag set (the tool prints no "
                              "state word)",
                              "{controller}：{kind} 没有故障标志（工具未输出状态字）"),
    "raid.battery.other": ("{controller}: {kind} state {state:q} not known to weibao",
                           "{controller}：{kind} 状态 {state:q} 无法识别"),
    "raid.battery.absent": ("{controller}: no battery or capacitor installed",
                            "{controller}：未安装电池或电容"),
    "raid.battery.no_state": ("{controller}: the output gives no battery or capacitor state",
                              "{controller}：输出中没有电池或电容的状态"),
    "raid.kind.battery": ("battery", "电池"),
    "raid.kind.battery_capacitor": ("battery/capacitor", "电池/电容"),
    "raid.kind.backup_power": ("backup power", "后备电源"),
    "raid.kind.backup_unit": ("cache backup unit", "缓存备份单元"),
    "raid.kind.zmm": ("ZMM", "ZMM 模块"),
    "raid.kind.bbu": ("BBU", "BBU 电池"),
    "raid.kind.cachevault": ("CacheVault", "CacheVault 电容"),
    "raid.battery.why.learning": ("learn cycle in progress", "学习周期进行中"),
    "raid.battery.why.charging": ("charging", "正在充电"),
    "raid.battery.problem.replace": ("replacement required", "需要更换"),
    "raid.battery.problem.missing": ("pack missing", "电池包缺失"),
    "raid.battery.problem.capacity_low": ("remaining capacity low", "剩余容量低"),
    "raid.battery.problem.about_to_fail": ("about to fail", "即将失效"),
    "raid.battery.problem.degraded": ("degraded", "性能下降"),
    "raid.battery.problem.failed": ("failed", "已失效"),
    "raid.battery.recommendation": ("Replace the controller's battery or capacitor module; "
                                    "until then the write cache is off or at risk",
                                    "更换控制器的电池或电容模块；更换前写缓存处于关闭或有风险"),
    # --- battery capacity
    "raid.capacity.ok": ("{module}: full-charge capacity {full} mAh, {pct}% of its design "
                         "{design} mAh",
                         "{module}：满充容量 {full} mAh，为设计容量 {design} mAh 的 {pct}%"),
    "raid.capacity.low": ("{module}: full-charge capacity {full} mAh, only {pct}% of its "
                          "design {design} mAh",
                          "{module}：满充容量 {full} mAh，仅为设计容量 {design} mAh 的 {pct}%"),
    "raid.capacity.none": ("{source}: no BBU with a full-charge and design capacity",
                           "{source}：没有同时给出满充容量与设计容量的 BBU"),
    "raid.capacity.recommendation": ("Order a replacement battery and replace it before it "
                                     "fails: the write cache depends on it",
                                     "订购备用电池并在其失效前更换，写缓存依赖该电池"),
    # --- cache policy
    "raid.cache.ok": ("{controller}: write policy as configured: {drives:list}",
                      "{controller}：写策略与配置一致：{drives:list}"),
    "raid.cache.drive": ("{drive} {policy}", "{drive} {policy}"),
    "raid.cache.fallback": ("{controller}: write-back configured but write-through in force: "
                            "{drives:list}",
                            "{controller}：配置为回写，但当前为直写：{drives:list}"),
    "raid.cache.fallback_transient": ("{controller}: write-through in force while the {kind} "
                                      "{why}: {drives:list}",
                                      "{controller}：{kind}{why}，当前为直写：{drives:list}"),
    "raid.cache.current_only": ("{controller}: current write policy {drives:list} (the "
                                "configured policy is not in this output)",
                                "{controller}：当前写策略 {drives:list}（该输出中没有配置的策略）"),
    "raid.cache.no_policy": ("{controller}: the output shows no write policy (save 'show "
                             "config detail')",
                             "{controller}：输出中没有写策略（请保存 show config detail 的输出）"),
    "raid.cache.none": ("{controller}: no logical drive, no cache policy to judge",
                        "{controller}：没有逻辑盘，没有可判断的缓存策略"),
    "raid.cache.fallback_reason": ("{controller}: write-back configured but write-through in "
                                   "force ({why}): {drives:list}",
                                   "{controller}：配置为回写，但当前为直写（{why}）：{drives:list}"),
    "raid.cache.why.battery": ("{kind} {state}: {problems:list}",
                               "{kind}状态 {state}：{problems:list}"),
    "raid.cache.why.charging": ("{kind} charging", "{kind}正在充电"),
    "raid.cache.why.absent": ("no battery or capacitor installed", "未安装电池或电容"),
    "raid.cache.drive_configured": ("{drive} ({policy} configured)", "{drive}（配置为{policy}）"),
    "raid.cache.policy.awb": ("always write-back", "始终回写"),
    "raid.cache.policy.wb": ("write-back", "回写"),
    "raid.cache.policy.wt": ("write-through", "直写"),
    "raid.cache.policy.unknown": ("policy not shown", "策略未显示"),
    "raid.cache.recommendation": ("Find why the controller fell back to write-through (battery "
                                  "or capacitor, cache module) and fix it: writes are slower "
                                  "until then",
                                  "查明控制器回退到直写的原因（电池或电容、缓存模块）并修复，"
                                  "修复前写入性能下降"),
}
