# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``storage`` area (a host's disks as smartctl reports them): its checks and messages.
Collected on the host by ``weibao_inspect_storage`` (role inspect_storage) with the volumes,
raid, tape and links areas, in one module run."""

from __future__ import annotations

AREA = dict(name="storage", title="Storage", title_zh="存储",
            role="inspect_storage", collector="weibao_inspect_storage",
            doc="disks' SMART health, sectors, cable errors and NVMe health, read from "
                "smartctl's JSON (smartmontools 7+) or text output")

SMART = ("smartctl -a --json {dev}", "smartctl -a {dev}")
NO_SMART = ("; a disk smartctl could not open, without SMART support (unavailable or "
            "disabled) or behind an unknown USB bridge: unknown, never ok")

CHECKS = (
    dict(id="storage.smart_health", name="Disk SMART health", name_zh="硬盘 SMART 健康状态",
         looks_at="smartctl's overall health verdict (ATA self-assessment, SCSI health "
                  "status, NVMe)",
         looks_at_zh="smartctl 的总体健康结论（ATA 自评估、SCSI 健康状态、NVMe）",
         doc="critical when the disk says FAILED (SCSI: any status but OK; JSON: also exit "
             "bit 3)" + NO_SMART,
         sources=SMART),
    dict(id="storage.smart_exit_status", name="smartctl exit status",
         name_zh="smartctl 退出状态",
         looks_at="the bits of smartctl's exit status (smartctl.exit_status of the JSON; the "
                  "text output carries none, so it is judged from the JSON only)",
         looks_at_zh="smartctl 退出状态的各个位（JSON 中的 smartctl.exit_status；文本输出不含"
                     "退出状态，因此只从 JSON 判断）",
         doc="critical on bit 3 (disk failing) or 4 (a pre-failure attribute at or below its "
             "threshold now); warning on bit 2 (a command failed), 5 (an attribute was at or "
             "below its threshold in the past), 6 (device error log) or 7 (self-test errors); "
             "bits 0-1 (the device did not open): unknown",
         sources=("smartctl -a --json {dev}",)),
    dict(id="storage.smart_sectors", name="Disk bad sectors", name_zh="硬盘坏扇区",
         looks_at="ATA reallocated, pending and offline-uncorrectable sectors; SAS/SCSI grown "
                  "defect list and uncorrected read/write/verify errors",
         looks_at_zh="ATA 重映射扇区、待映射扇区、离线无法校正扇区；SAS/SCSI 增长缺陷列表及读、"
                     "写、校验的未校正错误",
         doc="warning when reallocated sectors, grown defects or uncorrected errors grew since "
             "the previous inspection (the total without one) by the warning count, or any "
             "sector is pending or offline-uncorrectable now; critical at the critical total",
         thresholds=(dict(name="warning", default=1, unit="sectors",
                          doc="new reallocated sectors, grown defects or uncorrected errors "
                              "at or above which it warns"),
                     dict(name="critical", default=100, unit="sectors",
                          doc="reallocated + pending + uncorrectable sectors (or grown "
                              "defects) in total at or above which it is critical")),
         sources=SMART),
    dict(id="storage.smart_cable", name="Disk link (UDMA CRC) errors",
         name_zh="硬盘链路（UDMA CRC）错误",
         looks_at="ATA UDMA_CRC_Error_Count (attribute 199): errors on the cable or backplane "
                  "between disk and controller, not in the disk",
         looks_at_zh="ATA UDMA_CRC_Error_Count（属性 199）：硬盘与控制器之间线缆或背板上的错误，"
                     "不是硬盘本身的错误",
         doc="warning when the count grew since the previous inspection by the warning count "
             "(the total without one): check or replace the cable",
         thresholds=(dict(name="warning", default=1, unit="errors",
                          doc="new CRC errors at or above which it warns"),),
         sources=SMART),
    dict(id="storage.nvme_health", name="NVMe health", name_zh="NVMe 健康状态",
         looks_at="NVMe critical warning bits, available spare against its threshold, media "
                  "and data integrity errors, percentage used (wear)",
         looks_at_zh="NVMe 严重警告位、可用备用空间与其阈值、介质与数据完整性错误、已用寿命百分比"
                     "（磨损）",
         doc="critical on any critical warning bit or the spare at or below its threshold, "
             "or wear at the critical percent; warning on new media errors (the total without "
             "a previous inspection) or wear at the warning percent",
         thresholds=(dict(name="wear_warning", default=80, unit="%",
                          doc="percentage used at or above which it warns"),
                     dict(name="wear_critical", default=100, unit="%",
                          doc="percentage used at or above which it is critical")),
         sources=SMART),
)

MESSAGES = {
    # --- reading
    "storage.reason.bad_json": ("{source}: not JSON: {detail:q}",
                                "{source}：不是 JSON：{detail:q}"),
    "storage.reason.not_smartctl": ("{source}: not smartctl output: {text:q}",
                                    "{source}：不是 smartctl 的输出：{text:q}"),
    "storage.reason.no_device": ("{source}: the output names no device section",
                                 "{source}：输出中没有设备信息"),
    # --- why a disk cannot be judged
    "storage.cannot_open": ("{device}: smartctl could not open the device: {detail:q}",
                            "{device}：smartctl 无法打开设备：{detail:q}"),
    "storage.usb_bridge": ("{device}: behind an unknown USB bridge {detail:q}: give smartctl "
                           "its device type (-d sat, -d usbjmicron ...)",
                           "{device}：位于未知的 USB 桥接芯片后 {detail:q}，需用 -d 指定设备类型"
                           "（-d sat、-d usbjmicron 等）"),
    "storage.smart_unavailable": ("{device}: SMART is unavailable on this device",
                                  "{device}：该设备不支持 SMART"),
    "storage.smart_disabled": ("{device}: SMART is disabled (smartctl -s on enables it)",
                               "{device}：SMART 已被禁用（可用 smartctl -s on 启用）"),
    "storage.no_health": ("{device}: smartctl printed no overall health result",
                          "{device}：smartctl 没有给出总体健康结论"),
    "storage.smartctl_error": ("{device}: smartctl said {detail:q}",
                               "{device}：smartctl 报告 {detail:q}"),
    "storage.no_disk": ("No disk in the output: nothing to judge",
                        "输出中没有硬盘，无可判断的内容"),
    "storage.not_applicable": ("{device}: {check:check} does not apply ({protocol} device)",
                               "{device}：{protocol} 设备，不适用“{check:check}”检查"),
    "storage.join": ("{first}; {second}", "{first}；{second}"),
    "storage.no_counters": ("{device}: the output has no {what}", "{device}：输出中没有{what}"),
    "storage.what.ata_attributes": ("ATA attribute table (save it with smartctl -a or -x)",
                                    "ATA 属性表（请用 smartctl -a 或 -x 保存）"),
    "storage.what.sector_attributes": ("reallocated, pending or offline-uncorrectable sector "
                                       "attribute (5, 197, 198) in its attribute table",
                                       "属性表中的重映射、待映射或离线无法校正扇区属性（5、197、198）"),
    "storage.what.scsi_counters": ("grown defect list or error counter log",
                                   "增长缺陷列表或错误计数日志"),
    "storage.what.crc": ("UDMA_CRC_Error_Count attribute (199)",
                         "UDMA_CRC_Error_Count 属性（199）"),
    "storage.what.exit_status": ("smartctl.exit_status", "smartctl.exit_status"),
    "storage.what.nvme_fields": ("available spare, its threshold, percentage used or media "
                                 "errors in the NVMe health log",
                                 "NVMe 健康日志中的可用备用空间、备用阈值、已用寿命或介质错误"),
    "storage.what.nvme_log": ("NVMe SMART/Health Information log", "NVMe SMART/健康信息日志"),
    # --- health
    "storage.health.ok": ("{device}: SMART health passed", "{device}：SMART 健康检查通过"),
    "storage.health.ok_text": ("{device}: SMART health passed (text output: smartctl's exit "
                               "status is not in it)",
                               "{device}：SMART 健康检查通过（文本输出，不含 smartctl 的"
                               "退出状态）"),
    "storage.exit.ok": ("{device}: smartctl exit status 0", "{device}：smartctl 退出状态 0"),
    "storage.health.failed": ("{device}: SMART health FAILED: the disk predicts its own failure",
                              "{device}：SMART 健康检查失败，硬盘预告自身即将故障"),
    "storage.health.bits": ("{device}: smartctl exit status {status}: {bits:list}",
                            "{device}：smartctl 退出状态 {status}：{bits:list}"),
    "storage.bit.2": ("a SMART or ATA command failed or its data had a checksum error",
                      "SMART 或 ATA 命令失败，或数据校验和错误"),
    "storage.bit.3": ("SMART status: DISK FAILING", "SMART 状态：硬盘即将故障"),
    "storage.bit.4": ("pre-failure attributes at or below their threshold now",
                      "预故障属性当前已达到或低于阈值"),
    "storage.bit.5": ("attributes were at or below their threshold in the past",
                      "属性曾经达到或低于阈值"),
    "storage.bit.6": ("the device error log has errors", "设备错误日志中有错误记录"),
    "storage.bit.7": ("the self-test log has errors", "自检日志中有错误记录"),
    "storage.health.recommendation": ("Back up the disk's data and replace the disk",
                                      "备份该硬盘上的数据并更换硬盘"),
    "storage.health.logs_recommendation": ("Read the disk's error and self-test logs "
                                           "(smartctl -x) and plan its replacement",
                                           "查看硬盘的错误日志和自检日志（smartctl -x），"
                                           "并计划更换"),
    # --- counters
    "storage.counter.reallocated": ("reallocated sectors", "重映射扇区"),
    "storage.counter.pending": ("pending sectors", "待映射扇区"),
    "storage.counter.offline_uncorrectable": ("offline-uncorrectable sectors",
                                              "离线无法校正扇区"),
    "storage.counter.grown_defects": ("grown defects", "增长缺陷"),
    "storage.counter.read_uncorrected": ("uncorrected read errors", "读未校正错误"),
    "storage.counter.write_uncorrected": ("uncorrected write errors", "写未校正错误"),
    "storage.counter.verify_uncorrected": ("uncorrected verify errors", "校验未校正错误"),
    "storage.counter.crc": ("UDMA CRC errors", "UDMA CRC 错误"),
    "storage.counter.media_errors": ("media errors", "介质错误"),
    "storage.count.new": ("{name} {value} (+{delta} since {since:time})",
                          "{name} {value}（自 {since:time} 起新增 {delta}）"),
    "storage.count.reset": ("{name} {value} (at least +{delta}: the counter restarted since "
                            "{since:time})",
                            "{name} {value}（计数器自 {since:time} 起曾重置，新增至少 {delta}）"),
    "storage.count.total": ("{name} {value} (since power-on: no previous reading)",
                            "{name} {value}（自通电起累计，无上次读数）"),
    "storage.count.now": ("{name} {value}", "{name} {value}"),
    "storage.sectors.summary": ("{device}: {counts:list}", "{device}：{counts:list}"),
    "storage.sectors.ok": ("{device}: no bad sectors or uncorrected errors ({counts:list})",
                           "{device}：没有坏扇区或未校正错误（{counts:list}）"),
    "storage.sectors.recommendation": ("Back up the disk's data, run a long self-test "
                                       "(smartctl -t long) and plan the disk's replacement",
                                       "备份该硬盘上的数据，执行长自检（smartctl -t long），"
                                       "并计划更换硬盘"),
    "storage.cable.summary": ("{device}: {count}: errors on the link to the disk (cable or "
                              "backplane)",
                              "{device}：{count}，硬盘链路（线缆或背板）上有错误"),
    "storage.cable.ok": ("{device}: {count}", "{device}：{count}"),
    "storage.cable.recommendation": ("Reseat or replace the disk's data cable or check its "
                                     "backplane slot; the disk itself is not at fault",
                                     "重新插拔或更换硬盘数据线，或检查其背板槽位；硬盘本身没有"
                                     "故障"),
    # --- nvme
    "storage.nvme.ok": ("{device}: NVMe healthy: spare {spare}% (threshold {threshold}%), "
                        "{used}% used, {media}",
                        "{device}：NVMe 健康，可用备用空间 {spare}%（阈值 {threshold}%），"
                        "已用寿命 {used}%，{media}"),
    "storage.nvme.warning_bits": ("{device}: NVMe critical warning {value}: {bits:list}",
                                  "{device}：NVMe 严重警告 {value}：{bits:list}"),
    "storage.nvme.spare": ("{device}: available spare {spare}% at or below its threshold "
                           "{threshold}%", "{device}：可用备用空间 {spare}%，已达到或低于阈值 "
                           "{threshold}%"),
    "storage.nvme.wear": ("{device}: {used}% of its rated endurance used",
                          "{device}：已用寿命 {used}%"),
    "storage.nvme.media": ("{device}: {media}", "{device}：{media}"),
    "storage.nvme.bit.0": ("available spare below threshold", "可用备用空间低于阈值"),
    "storage.nvme.bit.1": ("temperature out of range", "温度超出范围"),
    "storage.nvme.bit.2": ("reliability degraded", "可靠性下降"),
    "storage.nvme.bit.3": ("media read-only", "介质已变为只读"),
    "storage.nvme.bit.4": ("volatile memory backup failed", "易失性内存备份失败"),
    "storage.nvme.bit.5": ("persistent memory region read-only", "持久内存区域已变为只读"),
    "storage.nvme.bit.other": ("bit {bit}", "第 {bit} 位"),
    "storage.nvme.recommendation": ("Back up the drive's data and replace the NVMe drive",
                                    "备份该盘数据并更换 NVMe 硬盘"),
    "storage.nvme.wear_recommendation": ("Plan the NVMe drive's replacement before it wears out",
                                         "在 NVMe 硬盘寿命耗尽前计划更换"),
}
