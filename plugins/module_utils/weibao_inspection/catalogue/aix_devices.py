# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``aix_devices`` area (AIX devices and paths): devices left Defined that should be
Available (``lsdev -C``), MPIO paths per disk (``lspath``), FC adapter ports and their link
error counters (``fcstat fcsN``), Ethernet adapters, EtherChannel and LACP (``entstat -d
entN``) and tape drives (``lsdev -Cc tape``): its checks and messages.

Counters are judged on their increase since the previous inspection (deltas.py, the same
helpers as the Linux ``links`` area). fcstat prints 0 for a statistic the adapter does not
support (IBM's fcstat documentation), and a virtual (NPIV) FC client adapter reports none:
its counters are not judged, never taken as 0 errors.
"""

from __future__ import annotations

AREA = dict(name="aix_devices", title="AIX devices and paths", title_zh="AIX 设备与路径",
            role="inspect_aix", collector="weibao_inspect_aix", platforms=("aix",),
            doc="devices Defined that should be Available, MPIO paths per disk, FC adapter "
                "ports and link errors (fcstat), Ethernet links, errors, EtherChannel and "
                "LACP (entstat -d), tape drives")

AIX = ("aix",)
LSDEV = ("lsdev -C", "lsdev -Cc adapter")
NORMAL_DEFINED = ("Defined is normal for devices outside should_be_available: network "
                  "interfaces (en, et) not configured, inet0's spares, fcnet, a cd0 moved away")

CHECKS = (
    dict(id="aix_devices.devices", name="AIX devices", name_zh="AIX 设备",
         looks_at="lsdev -C: each device's status (Available, Defined, Stopped); lsdev -Cc "
                  "adapter when lsdev -C is not given; tape drives are left to "
                  "aix_devices.tape",
         looks_at_zh="lsdev -C：每个设备的状态（Available、Defined、Stopped）；未提供 lsdev -C "
                     "时读取 lsdev -Cc adapter；磁带设备由 aix_devices.tape 判断",
         doc="warning for each device whose name (without its number) is in "
             "should_be_available (disks, FC and SCSI adapters and protocol devices, Ethernet "
             "adapters) and is Defined or Stopped; " + NORMAL_DEFINED + ": shown, not "
             "judged; devices in ignore are not judged; a status word the parser does not "
             "know (another language: run with LC_ALL=C) is unknown",
         thresholds=(dict(name="should_be_available", kind="list", unit="device types",
                          default=["hdisk", "fcs", "fscsi", "ent", "vscsi", "sissas", "sas",
                                   "iscsi", "vhost", "vfchost", "cd"],
                          doc="device names without their number that must be Available "
                              "(hdisk for hdisk0..hdiskN)"),
                     dict(name="ignore", kind="list", unit="devices", default=[],
                          doc="devices not judged (hdisk7, ent3: left Defined on purpose)")),
         platforms=AIX, sources=LSDEV),
    dict(id="aix_devices.paths", name="AIX MPIO paths", name_zh="AIX 多路径",
         looks_at="lspath: each disk's paths (Enabled, Disabled, Failed, Missing, Defined, "
                  "Detected) and their parent adapters",
         looks_at_zh="lspath：每个磁盘的路径（Enabled、Disabled、Failed、Missing、Defined、"
                     "Detected）及其父适配器",
         doc="critical when a disk has no Enabled path; warning when a path is Failed, "
             "Missing, Disabled, Defined or Detected, or a disk has fewer Enabled paths "
             "than min_paths; disks in ignore (a single internal disk) are not judged; no "
             "MPIO path at all: not applicable",
         thresholds=(dict(name="min_paths", default=2, unit="paths", zero_disables=True,
                          doc="Enabled paths a disk must have at least (0: off)"),
                     dict(name="ignore", kind="list", unit="disks", default=[],
                          doc="disks whose paths are not judged (hdisk0 on one internal "
                              "SAS path)")),
         platforms=AIX, sources=("lspath",)),
    dict(id="aix_devices.fc_ports", name="AIX FC ports", name_zh="AIX FC 端口",
         looks_at="fcstat fcsN: Attention Type (Link Up, Link Down), running port speed, WWPN",
         looks_at_zh="fcstat fcsN：Attention Type（Link Up、Link Down）、运行速率、WWPN",
         doc="ok when the link is up; warning when Link Down or fcstat cannot open the "
             "adapter because the network is down (errno 0x45); critical when the port was "
             "up at the previous inspection and is down now; other fcstat errors unknown; "
             "ports in ignore (fcsN or WWPN) are not judged; no FC adapter: not applicable",
         thresholds=(dict(name="ignore", kind="list", unit="ports", default=[],
                          doc="FC ports not judged, by adapter (fcs1) or WWPN"),),
         platforms=AIX, sources=("fcstat {id}",)),
    dict(id="aix_devices.fc_errors", name="AIX FC link errors", name_zh="AIX FC 链路错误",
         looks_at="fcstat fcsN: Invalid CRC Count, Invalid Tx Word Count, Error Frames (frame "
                  "errors); Link Failure Count, Loss of Sync Count, Loss of Signal, Primitive "
                  "Seq Protocol Error Count (link events); Seconds Since Last Reset",
         looks_at_zh="fcstat fcsN：Invalid CRC Count、Invalid Tx Word Count、Error Frames"
                     "（帧错误）；Link Failure Count、Loss of Sync Count、Loss of Signal、"
                     "Primitive Seq Protocol Error Count（链路事件）；Seconds Since Last Reset",
         doc="as links.fc_errors: the increase since the previous inspection (Seconds Since "
             "Last Reset going back, or a counter going down, is a reset: at least its "
             "value); frame errors at warning or critical, link events at link_warning; a "
             "port's first inspection judges its frame-error totals against "
             "baseline_warning; a virtual (NPIV) client adapter reports no error counters: "
             "not judged",
         thresholds=(dict(name="warning", default=1, unit="errors",
                          doc="new frame errors at or above which it warns"),
                     dict(name="critical", default=1000, unit="errors",
                          doc="new frame errors at or above which it is critical"),
                     dict(name="link_warning", default=1, unit="events",
                          doc="new link events at or above which it warns"),
                     dict(name="baseline_warning", default=100, unit="errors",
                          doc="frame errors since the counters' last reset at or above which "
                              "a port's first inspection warns")),
         platforms=AIX, sources=("fcstat {id}",)),
    dict(id="aix_devices.ethernet", name="AIX Ethernet adapters", name_zh="AIX 以太网适配器",
         looks_at="entstat -d entN: Link Status, Media Speed Running, CRC and alignment "
                  "errors, collisions; an EtherChannel's aggregation status (LACP), its "
                  "members' links and synchronization, the active channel of a backup "
                  "adapter",
         looks_at_zh="entstat -d entN：Link Status、Media Speed Running、CRC 与对齐错误、冲突；"
                     "EtherChannel 的聚合状态（LACP）、成员链路与同步状态、备份适配器的当前通道",
         doc="warning when a physical adapter's or member's link is down, CRC or alignment "
             "errors grew by warning (critical at critical) or collisions by "
             "collision_warning since the previous inspection (totals since the adapter's "
             "statistics were reset at the first one), an 802.3ad aggregation is not "
             "Aggregated, a member is OUT_OF_SYNC, or traffic runs on the backup adapter; "
             "critical when every member of an EtherChannel is down; a virtual adapter has "
             "no link state: its counters only; adapters in ignore are not judged",
         thresholds=(dict(name="warning", default=1, unit="errors",
                          doc="new CRC or alignment errors at or above which it warns"),
                     dict(name="critical", default=1000, unit="errors",
                          doc="new CRC or alignment errors at or above which it is critical"),
                     dict(name="collision_warning", default=1, unit="collisions",
                          doc="new collisions (a duplex mismatch on full duplex) at or above "
                              "which it warns (0: off)", zero_disables=True),
                     dict(name="ignore", kind="list", unit="adapters", default=[],
                          doc="adapters not judged (ent3: no cable on purpose)")),
         platforms=AIX, sources=("entstat -d {id}",)),
    dict(id="aix_devices.tape", name="AIX tape devices", name_zh="AIX 磁带设备",
         looks_at="lsdev -Cc tape: each tape drive (rmtN) and medium changer (smcN)",
         looks_at_zh="lsdev -Cc tape：每个磁带机（rmtN）和机械手（smcN）",
         doc="warning when a tape device is Defined or Stopped (not usable by the backup "
             "software); devices in ignore are not judged; no tape device: not applicable",
         thresholds=(dict(name="ignore", kind="list", unit="devices", default=[],
                          doc="tape devices not judged"),),
         platforms=AIX, sources=("lsdev -Cc tape",)),
)

MESSAGES = {
    # --- reading
    "aix_devices.reason.not_english": (
        "{source}: status {word:q} is not an AIX status word in English: save the output "
        "with LC_ALL=C",
        "{source}：状态 {word:q} 不是英文的 AIX 状态词，请以 LC_ALL=C 重新保存输出"),
    "aix_devices.reason.bad_line": ("{source}: unexpected line {line:q}",
                                    "{source}：无法识别的行 {line:q}"),
    "aix_devices.reason.no_header": ("{source}: no {header:q} header: {text:q}",
                                     "{source}：没有 {header:q} 标题：{text:q}"),
    "aix_devices.reason.open_error": ("fcstat {adapter} cannot open the adapter: {text:q}",
                                      "fcstat {adapter} 无法打开适配器：{text:q}"),
    # --- not applicable
    "aix_devices.na.no_paths": ("No MPIO path (lspath lists none)",
                                "没有多路径路径（lspath 无输出）"),
    "aix_devices.na.no_fc": ("No FC adapter (fcs) on this host", "本机没有 FC 适配器（fcs）"),
    "aix_devices.na.no_ent": ("No Ethernet adapter read with entstat",
                              "没有用 entstat 读取的以太网适配器"),
    "aix_devices.na.no_tape": ("No tape device (lsdev -Cc tape lists none)",
                               "没有磁带设备（lsdev -Cc tape 无输出）"),
    "aix_devices.na.no_devices": ("lsdev -C was not read", "未读取 lsdev -C"),
    "aix_devices.na.npiv": ("{adapter} ({wwpn}) is a virtual (NPIV) client adapter: it "
                            "reports no link error counters",
                            "{adapter}（{wwpn}）是虚拟（NPIV）客户端适配器，不提供链路错误计数"),
    # --- devices
    "aix_devices.devices.ok": ("{count} devices, every one that should be Available is "
                               "({defined} other Defined: {names:list})",
                               "共 {count} 个设备，应为 Available 的均为 Available（另有 "
                               "{defined} 个 Defined：{names:list}）"),
    "aix_devices.devices.bad": ("{device} ({description}) is {status}, not Available",
                                "{device}（{description}）状态为 {status}，不是 Available"),
    "aix_devices.devices.unknown": ("{device}: status {status:q} not understood",
                                    "{device}：无法识别的状态 {status:q}"),
    "aix_devices.devices.fix": ("Find why {device} is not configured (errpt, cfgmgr -l "
                                "{device}); remove it with rmdev -dl {device} if the hardware "
                                "is gone, or add it to the ignore list",
                                "查明 {device} 未配置的原因（errpt、cfgmgr -l {device}）；硬件已"
                                "移除时用 rmdev -dl {device} 删除，或将其加入忽略列表"),
    # --- paths
    "aix_devices.paths.ok": ("{disk}: {enabled} of {total} paths Enabled ({parents:list})",
                             "{disk}：{total} 条路径中 {enabled} 条 Enabled（{parents:list}）"),
    "aix_devices.paths.bad": ("{disk}: {enabled} of {total} paths Enabled; {states:list}",
                              "{disk}：{total} 条路径中 {enabled} 条 Enabled；{states:list}"),
    "aix_devices.paths.state": ("{parent} {connection} {status}",
                                "{parent} {connection} {status}"),
    "aix_devices.paths.few": ("fewer than {min_paths} Enabled", "Enabled 少于 {min_paths} 条"),
    "aix_devices.paths.fix": ("Check the SAN zoning, the cable and the FC or vSCSI adapter "
                              "behind {disk}'s paths, then re-enable them (chpath -s enable "
                              "-l {disk}) or rediscover them (cfgmgr)",
                              "检查 {disk} 各路径对应的 SAN 分区、线缆和 FC 或 vSCSI 适配器，"
                              "然后重新启用（chpath -s enable -l {disk}）或重新发现（cfgmgr）"),
    "aix_devices.paths.fix_none": ("{disk} has no Enabled path: its I/O fails; restore a path "
                                   "now (SAN, VIOS, cable)",
                                   "{disk} 没有 Enabled 路径，I/O 将失败：立即恢复一条路径"
                                   "（SAN、VIOS、线缆）"),
    # --- fc ports
    "aix_devices.fc.up": ("{adapter} ({wwpn}): link up at {speed}",
                          "{adapter}（{wwpn}）：链路已连接，速率 {speed}"),
    "aix_devices.fc.down": ("{adapter} ({wwpn}): {state:q}",
                            "{adapter}（{wwpn}）：链路状态 {state:q}"),
    "aix_devices.fc.lost": ("{adapter} ({wwpn}): {state:q}; it was up at the previous "
                            "inspection ({since:time}): the link was lost",
                            "{adapter}（{wwpn}）：{state:q}；上次巡检（{since:time}）时链路"
                            "正常，链路已丢失"),
    "aix_devices.fc.no_state": ("{adapter} ({wwpn}): fcstat printed no Attention Type",
                                "{adapter}（{wwpn}）：fcstat 没有输出 Attention Type"),
    "aix_devices.fc.fix": ("Check the cable, the SFPs and the switch port of {adapter}; if "
                           "the port is unused on purpose, add it to the ignore list",
                           "检查 {adapter} 的线缆、SFP 模块和交换机端口；若该端口有意不用，"
                           "请加入忽略列表"),
    "aix_devices.fc_errors.fix": ("Clean or replace the fibre and SFPs of {adapter} ({wwpn}) "
                                  "and check the switch port's error counters",
                                  "清洁或更换 {adapter}（{wwpn}）的光纤和 SFP 模块，并检查"
                                  "交换机端口的错误计数"),
    "aix_devices.fc_errors.missing": ("fcstat {adapter} ({wwpn}): no {names:list} in the "
                                      "output (cut short?)",
                                      "fcstat {adapter}（{wwpn}）：输出中没有 {names:list}"
                                      "（输出可能不完整）"),
    "aix_devices.fc_errors.summary": ("{adapter} ({wwpn}): frame errors {frames:list}; link "
                                      "events {events:list} ({when})",
                                      "{adapter}（{wwpn}）：帧错误 {frames:list}；链路事件 "
                                      "{events:list}（{when}）"),
    # --- ethernet
    "aix_devices.eth.summary": ("{adapter} ({kind}): {link}; errors {errors:list}; "
                                "collisions {collisions:list} ({when})",
                                "{adapter}（{kind}）：{link}；错误 {errors:list}；冲突 "
                                "{collisions:list}（{when}）"),
    "aix_devices.eth.link_up": ("link up at {speed}", "链路已连接，速率 {speed}"),
    "aix_devices.eth.link_down": ("link {state:q}", "链路状态 {state:q}"),
    "aix_devices.eth.link_virtual": ("virtual adapter, no link state",
                                     "虚拟适配器，无链路状态"),
    "aix_devices.eth.link_none": ("no Link Status printed", "未输出 Link Status"),
    "aix_devices.eth.channel": ("{adapter} ({kind}): {members} members, {up} up; "
                                "{problems:list}",
                                "{adapter}（{kind}）：{members} 个成员，{up} 个链路正常；"
                                "{problems:list}"),
    "aix_devices.eth.no_members": ("entstat -d {adapter} ({kind}): no member adapter in the "
                                   "output (cut short?)",
                                   "entstat -d {adapter}（{kind}）：输出中没有成员适配器"
                                   "（输出可能不完整）"),
    "aix_devices.eth.aggregation": ("aggregation status {status:q}", "聚合状态 {status:q}"),
    "aix_devices.eth.member_down": ("member {member} link {state:q}",
                                    "成员 {member} 链路状态 {state:q}"),
    "aix_devices.eth.out_of_sync": ("member {member} OUT_OF_SYNC", "成员 {member} 未同步"),
    "aix_devices.eth.backup": ("traffic on the backup adapter", "流量运行在备份适配器上"),
    "aix_devices.eth.fix": ("Check the cable, the transceiver and the switch port of "
                            "{adapter} (speed and duplex on both ends)",
                            "检查 {adapter} 的线缆、光模块和交换机端口（两端的速率和双工）"),
    "aix_devices.eth.fix_channel": ("Check {adapter}'s member links and the switch's port "
                                    "channel (LACP mode, speed, same switch or stack)",
                                    "检查 {adapter} 的成员链路和交换机端口聚合（LACP 模式、"
                                    "速率、是否同一交换机或堆叠）"),
    # --- tape
    "aix_devices.tape.ok": ("{device} ({description}) Available",
                            "{device}（{description}）：状态为 Available，可用"),
    "aix_devices.tape.bad": ("{device} ({description}) is {status}, not Available",
                             "{device}（{description}）状态为 {status}，不是 Available"),
    "aix_devices.tape.fix": ("Configure {device} again (cfgmgr; check the library's FC "
                             "zoning and the drive), or remove it (rmdev -dl {device}) if it "
                             "is gone",
                             "重新配置 {device}（cfgmgr；检查磁带库的 FC 分区和驱动器），"
                             "若设备已移除则删除（rmdev -dl {device}）"),
}
