# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``array`` area (external disk arrays read through their management CLI over SSH from
the controller: IBM Storwize / FlashSystem / SAN Volume Controller and Huawei OceanStor): its
checks and messages, and the command spellings the registry accepts for the Spectrum
Virtualize CLI (:func:`svc_aliases`)."""

from __future__ import annotations

AREA = dict(name="array", title="Disk arrays", title_zh="磁盘阵列",
            role="inspect_array", collector="weibao_inspect_array",
            doc="an external disk array's drives, enclosures (power supplies, canisters, "
                "batteries), FC ports, pools and unfixed alerts, read through its management "
                "CLI over SSH from the controller (IBM Storwize / FlashSystem / SVC, Huawei "
                "OceanStor)",
            platforms=("ibm_storwize", "huawei_oceanstor"))

PLATFORMS = ("ibm_storwize", "huawei_oceanstor")
# the commands the collector sends (each the first spelling of its registry Source)
SVC = {name: f"{name} -delim :" for name in (
    "lssystem", "lssystemstats", "lsdrive", "lsenclosure", "lsenclosurepsu",
    "lsenclosurebattery", "lsportfc", "lsmdiskgrp")}
SVC["lseventlog"] = "lseventlog -fixed no -delim :"
OCEAN = {"system": "show system general", "disks": "show disk general",
         "enclosures": "show enclosure", "power_supplies": "show power_supply",
         "bbus": "show bbu general", "fc_ports": "show port general physical_type=FC",
         "pools": "show storage_pool general", "alarms": "show alarm"}


def svc_aliases(name, options=()):
    """Every way an engineer types a Spectrum Virtualize list command: with ``-delim :``,
    ``-delim ,`` or aligned, with the ``svcinfo`` prefix of old code levels, the delimiter
    before or after ``options`` (``-fixed no``)."""
    opts = " ".join(options)
    out = []
    for prefix in ("", "svcinfo "):
        for delim in ("-delim :", "-delim ,", ""):
            for order in ((opts, delim), (delim, opts)):
                text = " ".join(p for p in (prefix + name,) + order if p)
                if text not in out:
                    out.append(text)
    return tuple(out)


NOT_COLLECTED = ("; a source not collected or not understood: unknown, never ok")

CHECKS = (
    dict(id="array.drives", name="Array drives", name_zh="阵列硬盘",
         looks_at="every drive's status (online, offline, degraded) and use (member, spare, "
                  "candidate, failed); the number of spare drives against the previous "
                  "inspection",
         looks_at_zh="每块硬盘的状态（在线、离线、降级）及用途（成员盘、热备盘、候选盘、故障盘）；"
                     "热备盘数量与上次巡检的比较",
         doc="critical on a failed or offline drive; warning on a degraded one (OceanStor: "
             "Pre-fail, reconstructing) and on fewer spare drives than at the previous "
             "inspection (a spare was consumed); an array without internal drives (SVC): "
             "unknown, not applicable" + NOT_COLLECTED,
         platforms=PLATFORMS, sources=(SVC["lsdrive"], OCEAN["disks"])),
    dict(id="array.enclosures", name="Array enclosures", name_zh="阵列机框",
         looks_at="enclosures, node canisters, fan modules, power supplies and batteries "
                  "(BBUs): their status, a battery's end-of-life warning; OceanStor: the "
                  "system's health status",
         looks_at_zh="机框、节点控制器、风扇模块、电源模块和电池（BBU）的状态，电池的寿命终止告警；"
                     "OceanStor 还包括系统健康状态",
         doc="critical on a failed or offline enclosure, canister, power supply or battery "
             "(OceanStor: Fault, Offline); warning on a degraded one, a missing fan module "
             "and a battery at its end of life" + NOT_COLLECTED,
         platforms=PLATFORMS,
         sources=(SVC["lsenclosure"], SVC["lsenclosurepsu"], SVC["lsenclosurebattery"],
                  OCEAN["enclosures"], OCEAN["power_supplies"], OCEAN["bbus"],
                  OCEAN["system"])),
    dict(id="array.ports", name="Array FC ports", name_zh="阵列 FC 端口",
         looks_at="Fibre Channel ports: Storwize active / inactive_configured / "
                  "inactive_unconfigured, OceanStor Health Status and Link Up / Link Down, "
                  "their speed",
         looks_at_zh="光纤通道端口：Storwize 的 active／inactive_configured／"
                     "inactive_unconfigured 状态，OceanStor 的健康状态与链路连接／断开，及端口速率",
         doc="critical on a port in Fault; warning on a configured port that is inactive "
             "(Storwize inactive_configured; OceanStor Link Down on a port that was Link Up "
             "at the previous inspection); ports never configured are not faults; no FC "
             "port: unknown, not applicable" + NOT_COLLECTED,
         platforms=PLATFORMS, sources=(SVC["lsportfc"], OCEAN["fc_ports"])),
    dict(id="array.pools", name="Array pools", name_zh="阵列存储池",
         looks_at="each storage pool's status and used capacity (capacity, used, free); the "
                  "system's name, code level and cache use where the CLI prints them",
         looks_at_zh="每个存储池的状态和已用容量（总容量、已用、空闲）；系统名称、代码版本及 CLI "
                     "给出的缓存使用率",
         doc="critical on an offline pool or used at the critical percent; warning on a "
             "degraded pool or used at the warning percent; capacity, used and free (bytes) "
             "and the cache use are in the findings' values" + NOT_COLLECTED,
         thresholds=(dict(name="warning", default=80, unit="%",
                          doc="used capacity of a pool at or above which it warns"),
                     dict(name="critical", default=90, unit="%",
                          doc="used capacity of a pool at or above which it is critical")),
         platforms=PLATFORMS,
         sources=(SVC["lsmdiskgrp"], SVC["lssystem"], SVC["lssystemstats"], OCEAN["pools"],
                  OCEAN["system"])),
    dict(id="array.events", name="Array alerts", name_zh="阵列告警",
         looks_at="unfixed events of the Storwize event log (alerts and their error codes) "
                  "and OceanStor's active alarms, by severity",
         looks_at_zh="Storwize 事件日志中未修复的事件（告警及其错误代码）与 OceanStor 的当前告警，"
                     "按严重级别判断",
         doc="critical on an unfixed alert with an error code (Storwize) or a Critical / Major "
             "alarm (OceanStor); warning on an alert without an error code or a Warning / "
             "Minor alarm; messages and monitoring events are listed, not judged"
             + NOT_COLLECTED,
         thresholds=(dict(name="ignore", default=[], kind="list",
                          doc="error codes, event ids or alarm names to leave out (known and "
                              "accepted)"),),
         platforms=PLATFORMS, sources=(SVC["lseventlog"], OCEAN["alarms"])),
)

MESSAGES = {
    # --- reading
    "array.reason.no_header": ("{source}: no header row naming {columns:list} (first line "
                               "{line:q})",
                               "{source}：没有包含 {columns:list} 的列标题行（首行 {line:q}）"),
    "array.reason.cli_error": ("{source}: the CLI answered {text:q}",
                               "{source}：CLI 返回 {text:q}"),
    # --- what a section is
    "array.what.system": ("system information", "系统信息"),
    "array.what.system_stats": ("system statistics (cache use)", "系统统计（缓存使用率）"),
    "array.what.drives": ("drive list", "硬盘列表"),
    "array.what.enclosures": ("enclosure list", "机框列表"),
    "array.what.psus": ("power supply list", "电源模块列表"),
    "array.what.batteries": ("battery list", "电池列表"),
    "array.what.ports": ("FC port list", "FC 端口列表"),
    "array.what.pools": ("pool list", "存储池列表"),
    "array.what.events": ("event log", "事件日志"),
    # --- component labels
    "array.label.drive": ("drive {id}", "硬盘 {id}"),
    "array.label.drive_at": ("drive {id} (enclosure {enclosure}, slot {slot})",
                             "硬盘 {id}（机框 {enclosure}，槽位 {slot}）"),
    "array.label.enclosure": ("enclosure {id}", "机框 {id}"),
    "array.label.psu": ("power supply {id}", "电源模块 {id}"),
    "array.label.psu_at": ("enclosure {enclosure} power supply {id}",
                           "机框 {enclosure} 电源模块 {id}"),
    "array.label.battery": ("battery {id}", "电池 {id}"),
    "array.label.battery_at": ("enclosure {enclosure} battery {id}",
                               "机框 {enclosure} 电池 {id}"),
    "array.label.port": ("FC port {id}", "FC 端口 {id}"),
    "array.label.port_at": ("node {node} port {port} ({kind})",
                            "节点 {node} 端口 {port}（{kind}）"),
    "array.label.pool": ("pool {id}", "存储池 {id}"),
    "array.label.system": ("system {id}", "系统 {id}"),
    "array.label.event": ("alarm {id}", "告警 {id}"),
    "array.state.ok": ("online", "在线"),
    "array.state.offline": ("offline", "离线"),
    "array.state.failed": ("failed", "故障"),
    "array.state.degraded": ("degraded", "降级"),
    # --- shared
    "array.unreadable": ("{what} not judged: {reason}", "{what}未能判断：{reason}"),
    "array.unknown_state": ("{label}: status {status:q} not known to weibao",
                            "{label}：weibao 无法识别的状态 {status:q}"),
    "array.component.bad": ("{label}: {state} (the array says {status:q})",
                            "{label}：{state}（阵列报告 {status:q}）"),
    "array.join": ("{first}; {second}", "{first}；{second}"),
    # --- drives
    "array.drives.none": ("no internal drive on this array (the drive list is empty)",
                          "该阵列没有内部硬盘（硬盘列表为空）"),
    "array.drives.ok": ("{count} drives online: {members} members, {spares} spares, "
                        "{candidates} candidates",
                        "{count} 块硬盘均在线：成员盘 {members} 块，热备盘 {spares} 块，"
                        "候选盘 {candidates} 块"),
    "array.drives.failed_use": ("{label} is marked failed (status {status:q})",
                                "{label}已被标记为故障盘（状态 {status:q}）"),
    "array.drives.spare_consumed": ("{spares} spare drives, {previous} at the previous "
                                    "inspection ({since:time}): a spare was taken into use",
                                    "现有热备盘 {spares} 块，上次巡检（{since:time}）时为 "
                                    "{previous} 块：有热备盘已被启用"),
    "array.drives.recommend_failed": ("Replace the drive (run the array's fix procedure for "
                                      "it) and check that the array rebuilds",
                                      "更换该硬盘（按阵列的修复步骤处理），并确认阵列重建完成"),
    "array.drives.recommend_degraded": ("Watch the drive: let a rebuild finish, and plan its "
                                        "replacement if it stays degraded or predicts failure",
                                        "关注该硬盘：等待重建完成；若持续降级或预告故障，计划"
                                        "更换"),
    "array.drives.recommend_spare": ("Find the drive that failed, replace it and restore the "
                                     "spare drives",
                                     "查明故障的硬盘，更换并恢复热备盘数量"),
    # --- enclosures
    "array.enclosures.none": ("no enclosure, power supply or battery listed (an SVC node has "
                              "none)",
                              "没有列出机框、电源模块或电池（SVC 节点没有这些部件）"),
    "array.enclosures.ok": ("{enclosures} enclosures, {psus} power supplies, {batteries} "
                            "batteries: all online",
                            "机框 {enclosures} 个、电源模块 {psus} 个、电池 {batteries} 个："
                            "均在线"),
    "array.enclosures.canisters": ("{label}: {online} of {total} canisters online",
                                   "{label}：{total} 个控制器中只有 {online} 个在线"),
    "array.enclosures.fans": ("{label}: {online} of {total} fan modules online",
                              "{label}：{total} 个风扇模块中只有 {online} 个在线"),
    "array.enclosures.battery_eol": ("{label} is at its end of life",
                                     "{label}已到寿命终止期"),
    "array.enclosures.system": ("the system reports {status:q}", "系统报告 {status:q}"),
    "array.enclosures.recommend": ("Run the array's fix procedure for the part and replace it",
                                   "按阵列的修复步骤处理该部件并更换"),
    "array.enclosures.recommend_battery": ("Order a replacement battery and replace it",
                                           "订购备用电池并更换"),
    # --- ports
    "array.ports.none": ("no FC port on this array", "该阵列没有 FC 端口"),
    "array.ports.ok": ("{count} FC ports: {up} active, {unused} inactive and not expected "
                       "active (never configured, or not up at the previous inspection)",
                       "FC 端口 {count} 个：活动 {up} 个，另有 {unused} 个未激活且不要求激活"
                       "（从未配置，或上次巡检时也未连接）"),
    "array.ports.down_configured": ("{label} is configured but inactive (was {speed})",
                                    "{label}已配置但未激活（原速率 {speed}）"),
    "array.ports.down_since": ("{label} is Link Down; it was Link Up at the previous "
                               "inspection ({since:time})",
                               "{label}链路断开；上次巡检（{since:time}）时链路正常"),
    "array.ports.fault": ("{label} is faulty (the array says {status:q})",
                          "{label}故障（阵列报告 {status:q}）"),
    "array.ports.recommend": ("Check the port's cable, SFP and switch port, and the hosts' "
                              "paths through it",
                              "检查该端口的线缆、光模块和交换机端口，以及主机经该端口的路径"),
    # --- pools
    "array.pools.none": ("no storage pool on this array", "该阵列没有存储池"),
    "array.pools.used": ("{label}: {used_pct:pct} used ({used:bytes} of {capacity:bytes}, "
                         "{free:bytes} free)",
                         "{label}：已用 {used_pct:pct}（{capacity:bytes} 中已用 {used:bytes}，"
                         "空闲 {free:bytes}）"),
    "array.pools.state": ("{label}: {state} (the array says {status:q}); {used}",
                          "{label}：{state}（阵列报告 {status:q}）；{used}"),
    "array.pools.no_capacity": ("{label}: capacity {capacity:q}, free {free:q}: not sizes",
                                "{label}：容量 {capacity:q}、空闲 {free:q} 不是容量值"),
    "array.pools.system": ("{name} ({model}) code level {code_level}",
                           "{name}（{model}）代码版本 {code_level}"),
    "array.pools.system_cache": ("{name} ({model}) code level {code_level}; write cache "
                                 "{write_cache:pct} used",
                                 "{name}（{model}）代码版本 {code_level}；写缓存已用 "
                                 "{write_cache:pct}"),
    "array.pools.cache": ("write cache {write_cache:pct} used", "写缓存已用 {write_cache:pct}"),
    "array.pools.recommend_full": ("Free or add capacity to the pool before it fills up "
                                   "(a full pool takes its volumes offline)",
                                   "在存储池写满前释放或扩充容量（存储池写满会使其卷离线）"),
    "array.pools.recommend_state": ("Find why the pool is not online (its MDisks, drives or "
                                    "back-end paths) and run the array's fix procedure",
                                    "查明存储池不在线的原因（其 MDisk、硬盘或后端路径），并按"
                                    "阵列的修复步骤处理"),
    # --- events
    "array.events.ok": ("no unfixed alert ({other} messages or monitoring events listed)",
                        "没有未修复的告警（另有消息或监视事件 {other} 条）"),
    "array.events.found": ("{count} unfixed alerts: {events:list}",
                           "未修复的告警 {count} 条：{events:list}"),
    "array.events.event": ("{code} {description:q} ({object})",
                           "{code} {description:q}（{object}）"),
    "array.events.unknown_level": ("{label}: level {status:q} not known to weibao",
                                   "{label}：weibao 无法识别的级别 {status:q}"),
    "array.events.recommend": ("Run the fix procedures of the alerts (error codes) in the "
                               "array's management GUI, lowest error code first",
                               "在阵列管理界面中按错误代码从小到大执行告警的修复步骤"),
}
