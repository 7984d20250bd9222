# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``links`` area (cables and connectors, judged through their error counters): FC HBA
ports (``/sys/class/fc_host``), SAS PHYs (``/sys/class/sas_phy``), the physical-layer
counters NIC drivers report through ``ethtool -S``, and rasdaemon's error database
(``ras-mc-ctl``): its checks and messages.

Counters are judged on their increase since the previous inspection (deltas.py); a counter
the driver does not support (FC: ``0xffffffffffffffff``) is unknown, never 0. No FC host, no
SAS PHY, no physical NIC or no rasdaemon: the checks are not applicable.

The split with ``system.nic_errors``: that check judges the kernel's generic interface
statistics (``/proc/net/dev`` and ``/sys/class/net/<if>/statistics``), which already carry
the CRC (``rx_crc_errors``), length, carrier and frame-alignment (``rx_frame_errors``)
counters the drivers fill from the same hardware registers. ``links.nic_errors_ethtool``
judges what only the driver reports: symbol (line-code) errors and the driver's own
alignment counter; CRC, carrier and length counts read from ``ethtool -S`` are shown in its
findings, never judged a second time.
"""

from __future__ import annotations

AREA = dict(name="links", title="Links and error counters", title_zh="链路与错误计数",
            role="inspect_storage", collector="weibao_inspect_storage",
            doc="FC HBA ports and their link error counters, SAS PHYs' error counters, NIC "
                "symbol and alignment errors from ethtool -S, and rasdaemon's memory, PCIe AER "
                "and MCE error records, judged on their increase since the previous "
                "inspection")

FC = ("grep -H . /sys/class/fc_host/*/port_state /sys/class/fc_host/*/speed "
      "/sys/class/fc_host/*/port_name /sys/class/fc_host/*/statistics/*",)
SAS = ("grep -H . /sys/class/sas_phy/*/*",)
ETHTOOL = ("ethtool -S {id}",)
RAS = ("ras-mc-ctl --summary", "ras-mc-ctl --errors")
NO_COUNTER = ("; a counter the driver does not support is unknown, never 0")

CHECKS = (
    dict(id="links.fc_ports", name="FC port state", name_zh="FC 端口状态",
         looks_at="each FC HBA port's port_state, speed and WWPN (/sys/class/fc_host)",
         looks_at_zh="每个 FC HBA 端口的 port_state、速率和 WWPN（/sys/class/fc_host）",
         doc="ok when Online; warning when Linkdown, Offline, Bypassed, Blocked, Marginal or in "
             "a test mode; critical when Error, or Linkdown/Offline on a port the previous "
             "inspection saw Online (a link lost); Unknown or no port_state: unknown; ports "
             "listed in ignore (host name or WWPN: a port left unused on purpose) are not "
             "judged; no FC host: not applicable",
         thresholds=(dict(name="ignore", default=[], kind="list", unit="ports",
                          doc="FC ports not judged, by host (host3) or WWPN "
                              "(0x21000024ff3dd0a8): ports without a cable on purpose"),),
         sources=FC),
    dict(id="links.fc_errors", name="FC link errors", name_zh="FC 链路错误",
         looks_at="fc_host statistics: invalid CRC, invalid transmission words and error "
                  "frames (frame errors); link failures, loss of sync and signal, primitive "
                  "sequence protocol errors (link events)",
         looks_at_zh="fc_host 统计：无效 CRC、无效传输字、错误帧（帧错误）；链路失效、同步丢失、"
                     "信号丢失、原语序列协议错误（链路事件）",
         doc="judged on the increase since the previous inspection (a counter that went down "
             "or seconds_since_last_reset that went back is a reset: at least its value): "
             "frame errors at the warning or critical count, link events at link_warning. "
             "The first inspection of a port (no previous reading) judges the frame-error "
             "totals since the counters' last reset against baseline_warning and records the "
             "rest as the baseline (a link coming up counts loss of sync and link failures); ports "
             "in links.fc_ports' ignore list are left out" + NO_COUNTER,
         thresholds=(dict(name="warning", default=1, unit="errors",
                          doc="new frame errors (the largest increase of invalid CRC, invalid "
                              "transmission words, error frames) at or above which it warns"),
                     dict(name="critical", default=1000, unit="errors",
                          doc="new frame errors at or above which it is critical"),
                     dict(name="link_warning", default=1, unit="events",
                          doc="new link events (the largest increase of link failures, loss "
                              "of sync or signal, primitive sequence errors) at or above "
                              "which it warns"),
                     dict(name="baseline_warning", default=100, unit="errors",
                          doc="frame errors since the counters' last reset at or above which "
                              "a port's first inspection warns")),
         sources=FC),
    dict(id="links.sas_phys", name="SAS PHY link errors", name_zh="SAS PHY 链路错误",
         looks_at="each SAS PHY's invalid dword, running disparity, loss of dword sync and "
                  "PHY reset problem counters, its enable flag and negotiated link rate",
         looks_at_zh="每个 SAS PHY 的无效双字、运行不一致、双字同步丢失、PHY 复位问题计数，"
                     "以及启用标志和协商速率",
         doc="warning when the largest increase of the invalid dword, disparity and dword "
             "sync counters since the previous inspection reaches warning (critical at "
             "critical), on any new PHY reset problem, or an enabled PHY that is disabled or "
             "failed its link rate negotiation, or lost the link it had at the previous "
             "inspection; the first inspection judges the totals against baseline_warning; "
             "a PHY whose driver reports neither link rates nor counters (hpsa, smartpqi: "
             "their counters are always 0) is unknown; no SAS PHY: not applicable",
         thresholds=(dict(name="warning", default=10, unit="errors",
                          doc="new invalid dword, disparity or dword sync errors at or above "
                              "which it warns"),
                     dict(name="critical", default=1000, unit="errors",
                          doc="new errors at or above which it is critical"),
                     dict(name="baseline_warning", default=100, unit="errors",
                          doc="errors since the controller started at or above which a PHY's "
                              "first inspection warns")),
         sources=SAS),
    dict(id="links.nic_errors_ethtool", name="NIC physical-layer errors (ethtool)",
         name_zh="网卡物理层错误（ethtool）",
         looks_at="ethtool -S driver statistics: symbol (line-code) and alignment errors, "
                  "canonical names across e1000e, igb, ixgbe, i40e, ice, bnxt_en, mlx5, tg3, "
                  "bnx2x; CRC, carrier and length counts shown (system.nic_errors judges them)",
         looks_at_zh="ethtool -S 驱动统计：符号（线路编码）错误和对齐错误，统一 e1000e、igb、"
                     "ixgbe、i40e、ice、bnxt_en、mlx5、tg3、bnx2x 的计数名；CRC、载波、长度计数"
                     "仅列出（由 system.nic_errors 判断）",
         doc="warning when symbol or alignment errors grew since the previous inspection by "
             "warning (their totals since the driver started without one), critical at "
             "critical; a driver with no such counter (virtio_net, or none of them) or no "
             "statistics: not applicable for that interface. CRC, carrier and length errors "
             "are the hardware counters the kernel's generic statistics also carry: "
             "system.nic_errors judges them, this check only shows them (never reported "
             "twice)",
         thresholds=(dict(name="warning", default=1, unit="errors",
                          doc="new symbol or alignment errors at or above which it warns"),
                     dict(name="critical", default=1000, unit="errors",
                          doc="new symbol or alignment errors at or above which it is "
                              "critical")),
         sources=ETHTOOL),
    dict(id="links.ras_errors", name="Hardware errors (rasdaemon)",
         name_zh="硬件错误（rasdaemon）",
         looks_at="rasdaemon's database through ras-mc-ctl: memory controller errors, PCIe AER "
                  "errors, MCE records",
         looks_at_zh="通过 ras-mc-ctl 读取 rasdaemon 数据库：内存控制器错误、PCIe AER 错误、"
                     "MCE 记录",
         doc="since the previous inspection (its counts; else the records after its time; "
             "else the whole database): critical on uncorrected (fatal, deferred) memory "
             "errors, fatal PCIe AER errors or uncorrected MCEs; warning on non-fatal AER "
             "errors, corrected memory errors at corrected_memory, corrected AER errors at "
             "corrected_pcie; ras-mc-ctl failing (no database, not recording) is unknown; no "
             "rasdaemon: not applicable",
         thresholds=(dict(name="corrected_memory", default=10, unit="errors",
                          doc="new corrected memory errors at or above which it warns (0: "
                              "off)", zero_disables=True),
                     dict(name="corrected_pcie", default=100, unit="errors",
                          doc="new corrected PCIe AER errors at or above which it warns (0: "
                              "off)", zero_disables=True)),
         sources=RAS),
)

MESSAGES = {
    # --- reading
    "links.reason.no_sysfs_lines": ("{source}: no /sys/class/{cls} lines: {text:q}",
                                    "{source}：没有 /sys/class/{cls} 的行：{text:q}"),
    "links.reason.bad_line": ("{source}: unexpected line {line:q}",
                              "{source}：无法识别的行 {line:q}"),
    "links.reason.not_ethtool": ("ethtool -S: no \"NIC statistics:\" header: {text:q}",
                                 "ethtool -S：没有“NIC statistics:”标题：{text:q}"),
    "links.reason.not_ras": ("{source}: not ras-mc-ctl output: {text:q}",
                             "{source}：不是 ras-mc-ctl 的输出：{text:q}"),
    "links.reason.ras_failed": ("{source} failed: {text:q}", "{source} 执行失败：{text:q}"),
    "links.reason.ras_no_db": ("{source}: rasdaemon's database cannot be read (is rasdaemon "
                               "running with --record?): {text:q}",
                               "{source}：无法读取 rasdaemon 数据库（rasdaemon 是否以 --record "
                               "运行？）：{text:q}"),
    "links.reason.ras_no_dbi": ("{source}: the Perl SQLite driver (DBD::SQLite) is missing: "
                                "{text:q}",
                                "{source}：缺少 Perl 的 SQLite 驱动（DBD::SQLite）：{text:q}"),
    # --- not applicable
    "links.na.no_fc": ("No FC host (/sys/class/fc_host is empty or absent)",
                       "没有 FC 主机（/sys/class/fc_host 为空或不存在）"),
    "links.na.no_sas": ("No SAS PHY (/sys/class/sas_phy is empty or absent)",
                        "没有 SAS PHY（/sys/class/sas_phy 为空或不存在）"),
    "links.na.no_nic": ("No physical network interface to read with ethtool -S",
                        "没有可用 ethtool -S 读取的物理网卡"),
    "links.na.no_ras": ("rasdaemon is not installed", "未安装 rasdaemon"),
    "links.na.no_stats": ("{iface}: the driver gives no statistics ({text:q})",
                          "{iface}：驱动不提供统计信息（{text:q}）"),
    "links.na.no_phy_counters": ("{iface}: the driver counts no symbol or alignment errors "
                                 "({count} statistics, none of them physical-layer)",
                                 "{iface}：驱动不统计符号错误或对齐错误（共 {count} 项统计，"
                                 "均非物理层计数）"),
    # --- counts and baselines
    "links.count.new": ("{name} +{delta}", "{name} +{delta}"),
    "links.count.reset": ("{name} at least +{delta}", "{name} 至少 +{delta}"),
    "links.count.total": ("{name} {value}", "{name} {value}"),
    "links.when.previous": ("since {since:time}", "自 {since:time} 起"),
    "links.when.reset": ("since {since:time}, the counters were reset in between",
                         "自 {since:time} 起，其间计数器曾重置"),
    "links.when.fc_baseline": ("first reading: totals since the counters' last reset "
                               "{age:dur} ago",
                               "首次读取：计数器上次重置（{age:dur}前）以来的累计"),
    "links.when.fc_baseline_age": ("first reading: totals since the counters' last reset "
                                   "(its time not reported)",
                                   "首次读取：计数器上次重置以来的累计（驱动未报告重置时间）"),
    "links.when.total": ("first reading: totals since the driver started",
                         "首次读取：驱动启动以来的累计"),
    "links.none": ("none", "无"),
    # --- fc ports
    "links.fc.online": ("{host} ({wwpn}): Online at {speed}",
                        "{host}（{wwpn}）：Online，速率 {speed}"),
    "links.fc.state": ("{host} ({wwpn}): port state {state:q} (speed {speed})",
                       "{host}（{wwpn}）：端口状态 {state:q}（速率 {speed}）"),
    "links.fc.lost": ("{host} ({wwpn}): port state {state:q}; it was Online at the previous "
                      "inspection ({since:time}): the link was lost",
                      "{host}（{wwpn}）：端口状态 {state:q}；上次巡检（{since:time}）时为 "
                      "Online，链路已丢失"),
    "links.fc.unknown_state": ("{host} ({wwpn}): the driver reports port state {state:q}",
                               "{host}（{wwpn}）：驱动报告的端口状态为 {state:q}"),
    "links.fc.no_state": ("{host}: no port_state in the output", "{host}：输出中没有 port_state"),
    "links.fc.fix_down": ("Check the cable, the SFP on both ends and the switch port of {host} "
                          "({wwpn}); if the port is unused on purpose, add it to the ignore "
                          "list",
                          "检查 {host}（{wwpn}）的线缆、两端的 SFP 模块和交换机端口；若该端口"
                          "有意不用，请加入忽略列表"),
    "links.fc.fix_error": ("The HBA port {host} ({wwpn}) is in error: read the driver's "
                           "messages (dmesg) and reset or replace the HBA",
                           "HBA 端口 {host}（{wwpn}）处于错误状态：查看驱动日志（dmesg），"
                           "复位或更换 HBA"),
    # --- fc errors
    "links.fc_errors.summary": ("{host} ({wwpn}): frame errors {frames:list}; link events "
                                "{events:list} ({when})",
                                "{host}（{wwpn}）：帧错误 {frames:list}；链路事件 {events:list}"
                                "（{when}）"),
    "links.fc_errors.unsupported": ("{host} ({wwpn}): the driver does not count {names:list}",
                                    "{host}（{wwpn}）：驱动不统计 {names:list}"),
    "links.fc_errors.no_statistics": ("{host} ({wwpn}): no statistics in the output",
                                      "{host}（{wwpn}）：输出中没有统计信息"),
    "links.fc_errors.fix": ("Clean or replace the fibre and SFPs of {host} ({wwpn}) and check "
                            "the switch port's error counters (porterrshow)",
                            "清洁或更换 {host}（{wwpn}）的光纤和 SFP 模块，并检查交换机端口的"
                            "错误计数（porterrshow）"),
    # --- sas
    "links.sas.summary": ("{phy} ({rate}): {counts:list} ({when})",
                          "{phy}（{rate}）：{counts:list}（{when}）"),
    "links.sas.reset_problem": ("{phy}: {count} new PHY reset problems",
                                "{phy}：新增 {count} 次 PHY 复位问题"),
    "links.sas.disabled": ("{phy}: enabled, but its link is {rate:q}",
                           "{phy}：已启用，但链路状态为 {rate:q}"),
    "links.sas.lost": ("{phy}: enabled, link rate {rate:q}; it had a link at the previous "
                       "inspection ({since:time})",
                       "{phy}：已启用，链路速率 {rate:q}；上次巡检（{since:time}）时有链路"),
    "links.sas.no_link": ("{phy}: no device attached (link rate {rate:q})",
                          "{phy}：未连接设备（链路速率 {rate:q}）"),
    "links.sas.admin_disabled": ("{phy}: disabled by an administrator (enable 0)",
                                 "{phy}：已被管理员禁用（enable 为 0）"),
    "links.sas.no_driver_data": ("{phy}: the driver reports neither link rates nor error "
                                 "counters (hpsa, smartpqi): read the controller's own "
                                 "counters with its tool",
                                 "{phy}：驱动既不报告链路速率也不报告错误计数（hpsa、smartpqi），"
                                 "请用控制器自带工具读取"),
    "links.sas.unsupported": ("{phy}: the driver does not give {names:list}",
                              "{phy}：驱动没有提供 {names:list}"),
    "links.sas.join": ("{first}; {second}", "{first}；{second}"),
    "links.sas.fix": ("Reseat or replace the SAS cable of {phy}, then the drive or expander "
                      "port it leads to",
                      "重新插拔或更换 {phy} 的 SAS 线缆，然后检查其连接的硬盘或扩展器端口"),
    # --- ethtool
    "links.eth.summary": ("{iface}: {counts:list} ({when}){shown}",
                          "{iface}：{counts:list}（{when}）{shown}"),
    "links.eth.shown": ("; also {counts:list}, judged by system.nic_errors",
                        "；另有 {counts:list}，由 system.nic_errors 判断"),
    "links.eth.fix": ("Replace the cable or transceiver of {iface} and check the switch port "
                      "it is plugged into",
                      "更换 {iface} 的线缆或光模块，并检查其连接的交换机端口"),
    "links.counter.symbol_errors": ("symbol errors", "符号错误"),
    "links.counter.alignment_errors": ("alignment errors", "对齐错误"),
    "links.counter.crc_errors": ("CRC errors", "CRC 错误"),
    "links.counter.carrier_errors": ("carrier errors", "载波错误"),
    "links.counter.length_errors": ("length errors", "长度错误"),
    # --- ras
    "links.ras.summary": ("{counts:list} ({when})", "{counts:list}（{when}）"),
    "links.ras.none": ("no memory, PCIe AER or MCE errors ({when})",
                       "没有内存、PCIe AER 或 MCE 错误（{when}）"),
    "links.ras.when_previous": ("since {since:time}", "自 {since:time} 起"),
    "links.ras.when_reset": ("since {since:time}; the database was cleared in between",
                             "自 {since:time} 起；其间数据库曾被清空"),
    "links.ras.when_since": ("records after {since:time}", "{since:time} 之后的记录"),
    "links.ras.when_all": ("the whole database: no previous inspection",
                           "整个数据库：没有上次巡检"),
    "links.ras.count": ("{name} {count}", "{name} {count}"),
    "links.ras.memory_uncorrected": ("uncorrected memory errors", "不可纠正内存错误"),
    "links.ras.memory_corrected": ("corrected memory errors", "可纠正内存错误"),
    "links.ras.aer_fatal": ("fatal PCIe AER errors", "致命 PCIe AER 错误"),
    "links.ras.aer_nonfatal": ("non-fatal uncorrected PCIe AER errors",
                               "非致命不可纠正 PCIe AER 错误"),
    "links.ras.aer_corrected": ("corrected PCIe AER errors", "可纠正 PCIe AER 错误"),
    "links.ras.mce_uncorrected": ("uncorrected MCEs", "不可纠正 MCE"),
    "links.ras.mce_corrected": ("corrected MCEs", "可纠正 MCE"),
    "links.ras.other": ("other records", "其他记录"),
    "links.ras.fix_memory": ("Replace the DIMM named in ras-mc-ctl --errors and check the "
                             "server's event log",
                             "更换 ras-mc-ctl --errors 所列的内存条，并检查服务器事件日志"),
    "links.ras.fix_pcie": ("Reseat or replace the PCIe device named in ras-mc-ctl --errors and "
                           "update its firmware",
                           "重新插拔或更换 ras-mc-ctl --errors 所列的 PCIe 设备，并升级其固件"),
    "links.ras.fix_mce": ("Read the MCE records (ras-mc-ctl --errors) with the hardware "
                          "vendor: a CPU, memory or bus fault",
                          "与硬件厂商一起分析 MCE 记录（ras-mc-ctl --errors）：处理器、内存或"
                          "总线故障"),
}
