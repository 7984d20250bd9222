# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``tape`` area (a Linux host's tape drives and libraries): its checks and messages.

Collected on the host by ``weibao_inspect_storage`` (role inspect_storage) with the storage,
volumes, raid and links areas, in one module run."""

from __future__ import annotations

AREA = dict(name="tape", title="Tape drives and libraries", title_zh="磁带机与磁带库",
            role="inspect_storage", collector="weibao_inspect_storage",
            doc="tape drives and medium changers the host sees, each drive's state (mt-st, "
                "mtx tapeinfo), its TapeAlert flags (sg_logs -p 0x2e, tapeinfo) and each "
                "library's state (mtx loaderinfo); no tape device: not applicable")

MT = ("mt -f {dev} status",)
NO_TOOL = ("; a device whose tool is not installed (mt-st, mtx, sg3-utils) or whose output "
           "is not understood: unknown, never ok")

CHECKS = (
    dict(id="tape.devices", name="Tape devices present", name_zh="磁带设备在位",
         looks_at="the tape drives and medium changers the host sees (sysfs on a host, "
                  "lsscsi -g in saved output), against the previous inspection",
         looks_at_zh="主机识别到的磁带机和磁带库（介质更换器）（主机上读 sysfs，保存的输出读 "
                     "lsscsi -g），并与上次巡检比较",
         doc="warning when the host sees fewer tape drives or medium changers than at the "
             "previous inspection (a drive or library dropped off its cable or SAN); no tape "
             "device at all: not applicable",
         sources=("lsscsi -g",)),
    dict(id="tape.drive_state", name="Tape drive state", name_zh="磁带机状态",
         looks_at="each drive's status bits from mt-st (ONLINE, DR_OPEN, CLN) or, where mt "
                  "cannot tell, mtx tapeinfo's Ready",
         looks_at_zh="每台磁带机的 mt-st 状态位（ONLINE、DR_OPEN、CLN），mt 无法判断时读 "
                     "mtx tapeinfo 的 Ready",
         doc="critical when the drive answers with an I/O error or is gone (no such device); "
             "warning when it holds a tape but is not ready (loading, stuck) or asks for "
             "cleaning (CLN); no tape loaded (DR_OPEN, \"No medium found\") is ok, not a "
             "fault; a drive busy with a backup, GNU mt's output (no status bits) or "
             "tapeinfo's \"Ready: no\" alone (empty or stuck?) is unknown" + NO_TOOL,
         sources=MT + ("tapeinfo -f {dev}",)),
    dict(id="tape.tapealert", name="Tape drive TapeAlert flags", name_zh="磁带机 TapeAlert 告警",
         looks_at="the TapeAlert log page (0x2e) of each drive, decoded flag by flag "
                  "(sg_logs -p 0x2e; tapeinfo prints the set ones)",
         looks_at_zh="每台磁带机的 TapeAlert 日志页（0x2e），逐个标志解码（sg_logs -p 0x2e；"
                     "tapeinfo 只列出已置位的标志）",
         doc="each set flag judged by its class in the TapeAlert specification: critical "
             "flags (media, read/write failure, hardware A/B, forced eject, predictive "
             "failure ...) critical, except the cleaning and write-protect ones (cleaning "
             "required, expired or invalid cleaning tape, write protect), which ask the "
             "operator to act: warning; warning flags (hard error, read/write warning, "
             "cleaning requested, media life ...) warning; informational flags (nearing media "
             "life, no removal ...) ok, listed; a page sg_logs cannot decode: unknown" + NO_TOOL,
         sources=("sg_logs -p 0x2e {dev}", "tapeinfo -f {dev}")),
    dict(id="tape.changer", name="Tape library state", name_zh="磁带库状态",
         looks_at="each medium changer as mtx loaderinfo reports it: its elements (drives, "
                  "slots, import/export), readiness and TapeAlert flags where printed",
         looks_at_zh="mtx loaderinfo 报告的每台磁带库（介质更换器）：其单元（磁带机、槽位、"
                     "出入口）、就绪状态及输出中的 TapeAlert 标志",
         doc="warning when the library does not report its elements (EAAP: No: offline or not "
             "ready), says it is not ready, reports no drive or fewer drives than at the "
             "previous inspection; library TapeAlert flags by their class (critical, warning, "
             "informational ok)" + NO_TOOL,
         sources=("loaderinfo -f {dev}",)),
)

MESSAGES = {
    # --- reading
    "tape.reason.not_mt": ("mt status: not mt's output: {text:q}",
                           "mt status：不是 mt 的输出：{text:q}"),
    "tape.reason.not_mtx": ("{tool}: no Product Type line: {text:q}",
                            "{tool}：输出中没有 Product Type 行：{text:q}"),
    "tape.reason.undecoded_page": ("sg_logs could not decode the TapeAlert page: {text:q}",
                                   "sg_logs 无法解码 TapeAlert 日志页：{text:q}"),
    "tape.reason.not_tapealert": ("sg_logs -p 0x2e: no TapeAlert page in the output: {text:q}",
                                  "sg_logs -p 0x2e：输出中没有 TapeAlert 日志页：{text:q}"),
    "tape.reason.bad_tapealert_line": ("sg_logs -p 0x2e: unexpected line {text:q}",
                                       "sg_logs -p 0x2e：无法识别的行 {text:q}"),
    "tape.reason.no_flags": ("{source}: the TapeAlert page lists no flag",
                             "{source}：TapeAlert 日志页中没有任何标志"),
    "tape.reason.not_lsscsi": ("lsscsi: not lsscsi's output: {text:q}",
                               "lsscsi：不是 lsscsi 的输出：{text:q}"),
    "tape.reason.bad_value": ("{source}: neither output nor a failure",
                              "{source}：既不是命令输出也不是失败说明"),
    # --- why a device cannot be judged
    "tape.not_collected": ("{device}: {sources:list} not collected",
                           "{device}：未采集 {sources:list}"),
    "tape.output_missing": ("no {source} output for this device",
                            "没有该设备的 {source} 输出"),
    "tape.no_st_node": ("no st device node (the st driver is not bound: IBM lin_tape owns the "
                        "drive?), so mt cannot read it",
                        "没有 st 设备节点（st 驱动未绑定，可能由 IBM lin_tape 驱动接管），mt "
                        "无法读取"),
    "tape.source_failed": ("{device}: {reason}", "{device}：{reason}"),
    "tape.none.drive": ("No tape drive on this host", "本机没有磁带机"),
    "tape.none.changer": ("No medium changer (tape library) on this host",
                          "本机没有磁带库（介质更换器）"),
    "tape.join": ("{first}; {second}", "{first}；{second}"),
    # --- devices
    "tape.devices.none": ("No tape drive or medium changer on this host",
                          "本机没有磁带机或磁带库（介质更换器）"),
    "tape.devices.ok": ("{drives:pl:tape drive:tape drives}, {changers:pl:medium changer:medium "
                        "changers}: {names:list}",
                        "磁带机 {drives} 台，磁带库（介质更换器）{changers} 台：{names:list}"),
    "tape.devices.fewer": ("{what}: {now} now, {before} at the previous inspection "
                           "({since:time})",
                           "{what}：现有 {now} 台，上次巡检（{since:time}）时为 {before} 台"),
    "tape.devices.recommendation": ("Find out why the host no longer sees the device (cable "
                                    "or SAN zoning, the drive's power in the library, the "
                                    "HBA) and rescan the SCSI bus once it is fixed",
                                    "查明主机看不到该设备的原因（线缆或 SAN 分区、带库中磁带机"
                                    "的电源、HBA），修复后重新扫描 SCSI 总线"),
    "tape.what.drives": ("tape drives", "磁带机"),
    "tape.what.changers": ("medium changers", "磁带库（介质更换器）"),
    "tape.what.library_drives": ("drives in the library", "带库中的磁带机"),
    # --- drive state
    "tape.drive.online": ("{device}: online, tape loaded (file {file}, block {block})",
                          "{device}：在线，已装入磁带（文件 {file}，块 {block}）"),
    "tape.drive.ready": ("{device}: ready, tape loaded (tapeinfo)",
                         "{device}：就绪，已装入磁带（tapeinfo）"),
    "tape.drive.no_tape": ("{device}: no tape loaded (not a fault)",
                           "{device}：未装入磁带（不是故障）"),
    "tape.drive.not_ready": ("{device}: holds a tape but is not ready ({bits}): loading, "
                             "rewinding or stuck",
                             "{device}：已装有磁带但未就绪（{bits}）：正在装载、回绕或卡住"),
    "tape.drive.cleaning": ("{device}: online, and the drive asks for cleaning (CLN)",
                            "{device}：在线，磁带机请求清洁（CLN）"),
    "tape.drive.io_error": ("{device}: the drive answers with an error: {detail:q}",
                            "{device}：磁带机返回错误：{detail:q}"),
    "tape.drive.gone": ("{device}: the device is gone: {detail:q}",
                        "{device}：设备已消失：{detail:q}"),
    "tape.drive.busy": ("{device}: in use by another program (a backup?): its state cannot be "
                        "read now: {detail:q}",
                        "{device}：正被其他程序使用（备份中？），目前无法读取其状态：{detail:q}"),
    "tape.drive.cannot_open": ("{device}: cannot be opened: {detail:q}",
                               "{device}：无法打开：{detail:q}"),
    "tape.drive.cut": ("{device}: {source} printed nothing that can be judged (cut short?)",
                       "{device}：{source} 的输出中没有可判断的内容（输出不完整？）"),
    "tape.drive.no_bits": ("{device}: GNU mt (cpio) prints no status bits: install mt-st or "
                           "give tapeinfo's output",
                           "{device}：GNU mt（cpio 提供）不输出状态位，请安装 mt-st 或提供 "
                           "tapeinfo 的输出"),
    "tape.drive.ti_not_ready": ("{device}: not ready, and tapeinfo does not say whether a "
                                "tape is loaded (mt status does)",
                                "{device}：未就绪，而 tapeinfo 不说明是否装有磁带（mt status "
                                "会说明）"),
    "tape.drive.not_drive": ("{device}: not a tape drive (Product Type: {kind:q})",
                             "{device}：不是磁带机（Product Type：{kind:q}）"),
    "tape.drive.error_recommendation": ("Check the drive's panel and the library's event log, "
                                        "reset or power-cycle the drive, check its cable or "
                                        "SAN path; call the vendor if the error stays",
                                        "检查磁带机面板和带库事件日志，复位或重新上电磁带机，检查"
                                        "其线缆或 SAN 路径；错误仍在时联系厂商"),
    "tape.drive.not_ready_recommendation": ("Check the drive again in a few minutes; if it "
                                            "stays not ready, unload the cartridge from the "
                                            "library's console and check the drive",
                                            "几分钟后再次检查；若仍未就绪，从带库控制台卸下磁带"
                                            "并检查磁带机"),
    "tape.drive.cleaning_recommendation": ("Load a cleaning cartridge (or let the library clean "
                                           "the drive)",
                                           "装入清洁带（或由带库自动清洁磁带机）"),
    # --- TapeAlert
    "tape.alert.flag": ("{number} {name}", "{number} {name}"),
    "tape.alert.set": ("{device}: TapeAlert {flags:list}", "{device}：TapeAlert 告警 {flags:list}"),
    "tape.alert.ok": ("{device}: no TapeAlert flag set ({source})",
                      "{device}：没有 TapeAlert 告警标志（{source}）"),
    "tape.alert.info": ("{device}: informational TapeAlert flags only: {flags:list}",
                        "{device}：只有提示性的 TapeAlert 标志：{flags:list}"),
    "tape.alert.partial": ("{device}: the TapeAlert page lists {count} of its 64 flags (output "
                           "cut short): the others cannot be judged",
                           "{device}：TapeAlert 页只列出 64 个标志中的 {count} 个（输出不完整），"
                           "其余标志无法判断"),
    "tape.alert.undecoded": ("{device}: TapeAlert flags set that are not decoded: {names:list}",
                             "{device}：存在无法解码的已置位 TapeAlert 标志：{names:list}"),
    "tape.advice.cleaning": ("Clean the drive with a valid cleaning cartridge (replace an "
                             "expired one)",
                             "用有效的清洁带清洁磁带机（更换过期的清洁带）"),
    "tape.advice.media": ("Copy the data off the cartridge and retire it; do not use it for "
                          "new backups",
                          "将该磁带上的数据复制出来并停用该磁带，不要再用于新的备份"),
    "tape.advice.drive": ("Run the drive's diagnostics and call the vendor's service with the "
                          "drive's serial number",
                          "运行磁带机诊断，并凭磁带机序列号联系厂商服务"),
    "tape.advice.interface": ("Check the drive's cable, HBA and SAN path",
                              "检查磁带机的线缆、HBA 和 SAN 路径"),
    "tape.advice.operator": ("Correct what the device reports (write-protect tab, door, "
                             "magazine, cartridge left in the drive) and retry",
                             "纠正设备报告的问题（写保护开关、舱门、弹匣、留在磁带机中的磁带）"
                             "后重试"),
    "tape.advice.library": ("Check the library's operator panel and event log and call the "
                            "vendor's service",
                            "检查带库操作面板和事件日志，并联系厂商服务"),
    "tape.advice.encryption": ("Check the encryption key manager and the drive's encryption "
                               "settings",
                               "检查加密密钥管理器和磁带机的加密设置"),
    # --- changer
    "tape.changer.ok": ("{device}: {model}: {drives} drive(s), {slots} slots, {mailslots} "
                        "import/export",
                        "{device}：{model}：磁带机 {drives} 个，槽位 {slots} 个，出入口 "
                        "{mailslots} 个"),
    "tape.changer.no_eaap": ("{device}: {model}: the library did not report its elements "
                             "(EAAP: No): offline or not ready",
                             "{device}：{model}：带库未报告其单元（EAAP: No），可能离线或未就绪"),
    "tape.changer.not_ready": ("{device}: {model}: the library is not ready",
                               "{device}：{model}：带库未就绪"),
    "tape.changer.no_drives": ("{device}: {model}: the library reports no tape drive",
                               "{device}：{model}：带库报告没有磁带机"),
    "tape.changer.fewer": ("{device}: {what} {now}, {before} at the previous inspection "
                           "({since:time})",
                           "{device}：{what}现有 {now} 个，上次巡检（{since:time}）时为 "
                           "{before} 个"),
    "tape.changer.alerts": ("{device}: library TapeAlert {flags:list}",
                            "{device}：带库 TapeAlert 告警 {flags:list}"),
    "tape.changer.cut": ("{device}: loaderinfo's output ends before its EAAP line (cut "
                         "short?)",
                         "{device}：loaderinfo 的输出在 EAAP 行之前就结束了（输出不完整？）"),
    "tape.changer.not_changer": ("{device}: not a medium changer (Product Type: {kind:q})",
                                 "{device}：不是介质更换器（Product Type：{kind:q}）"),
    "tape.changer.recommendation": ("Check the library's operator panel and event log (drives "
                                    "offline, door or magazine open, robot errors) and bring "
                                    "it online",
                                    "检查带库操作面板和事件日志（磁带机离线、舱门或弹匣未关、"
                                    "机械手错误），并使其恢复在线"),
    # --- TapeAlert flag names: drives (SSC), then libraries (SMC)
    "tape.flag.other": ("flag {number}", "标志 {number}"),
    "tape.flag.1": ("Read warning", "读警告"),
    "tape.flag.2": ("Write warning", "写警告"),
    "tape.flag.3": ("Hard error", "硬错误"),
    "tape.flag.4": ("Media", "介质性能下降，数据有风险"),
    "tape.flag.5": ("Read failure", "读失败"),
    "tape.flag.6": ("Write failure", "写失败"),
    "tape.flag.7": ("Media life", "磁带已到使用寿命"),
    "tape.flag.8": ("Not data grade", "非数据级磁带"),
    "tape.flag.9": ("Write protect", "写保护"),
    "tape.flag.10": ("No removal", "禁止卸带"),
    "tape.flag.11": ("Cleaning media", "装入的是清洁带"),
    "tape.flag.12": ("Unsupported format", "不支持的格式"),
    "tape.flag.13": ("Recoverable mechanical cartridge failure", "可恢复的磁带机械故障"),
    "tape.flag.14": ("Unrecoverable mechanical cartridge failure", "不可恢复的磁带机械故障"),
    "tape.flag.15": ("Memory chip in cartridge failure", "磁带内存芯片故障"),
    "tape.flag.16": ("Forced eject", "强制弹出"),
    "tape.flag.17": ("Read only format", "只读格式"),
    "tape.flag.18": ("Tape directory corrupted on load", "装载时磁带目录损坏"),
    "tape.flag.19": ("Nearing media life", "磁带接近使用寿命"),
    "tape.flag.20": ("Cleaning required", "需要立即清洁"),
    "tape.flag.21": ("Cleaning requested", "请求定期清洁"),
    "tape.flag.22": ("Expired cleaning media", "清洁带已过期"),
    "tape.flag.23": ("Invalid cleaning tape", "无效的清洁带"),
    "tape.flag.24": ("Retension requested", "请求重绕张紧"),
    "tape.flag.25": ("Dual port interface error", "双端口接口错误"),
    "tape.flag.26": ("Cooling fan failing", "散热风扇故障"),
    "tape.flag.27": ("Power supply failure", "电源故障"),
    "tape.flag.28": ("Power consumption", "功耗超限"),
    "tape.flag.29": ("Drive maintenance", "需要预防性维护"),
    "tape.flag.30": ("Hardware A", "硬件故障 A"),
    "tape.flag.31": ("Hardware B", "硬件故障 B"),
    "tape.flag.32": ("Interface", "接口故障"),
    "tape.flag.33": ("Eject media", "需弹出并重新装入磁带"),
    "tape.flag.34": ("Microcode update fail", "微码更新失败"),
    "tape.flag.35": ("Drive humidity", "湿度超限"),
    "tape.flag.36": ("Drive temperature", "温度超限"),
    "tape.flag.37": ("Drive voltage", "电压超限"),
    "tape.flag.38": ("Predictive failure", "预测性故障"),
    "tape.flag.39": ("Diagnostics required", "需要诊断"),
    "tape.flag.40": ("Loader hardware A", "装载器硬件故障 A"),
    "tape.flag.41": ("Loader stray tape", "装载器中有遗留磁带"),
    "tape.flag.42": ("Loader hardware B", "装载器硬件故障 B"),
    "tape.flag.43": ("Loader door", "装载器舱门未关"),
    "tape.flag.44": ("Loader hardware C", "装载器硬件故障 C"),
    "tape.flag.45": ("Loader magazine", "装载器弹匣故障"),
    "tape.flag.46": ("Loader predictive failure", "装载器预测性故障"),
    "tape.flag.47": ("External data encryption control - communications failure",
                     "外部加密控制通信失败"),
    "tape.flag.48": ("External data encryption control - key manager returned error",
                     "外部加密控制：密钥管理器返回错误"),
    "tape.flag.49": ("Diminished native capacity", "原生容量减少"),
    "tape.flag.50": ("Lost statistics", "统计数据丢失"),
    "tape.flag.51": ("Tape directory invalid at unload", "卸载时磁带目录无效"),
    "tape.flag.52": ("Tape system area write failure", "磁带系统区写失败"),
    "tape.flag.53": ("Tape system area read failure", "磁带系统区读失败"),
    "tape.flag.54": ("No start of data", "找不到数据起点"),
    "tape.flag.55": ("Loading failure", "装载失败"),
    "tape.flag.56": ("Unrecoverable unload failure", "不可恢复的卸载失败"),
    "tape.flag.57": ("Automation interface failure", "自动化接口故障"),
    "tape.flag.58": ("Firmware failure", "固件故障"),
    "tape.flag.59": ("WORM medium - integrity check failed", "WORM 磁带完整性检查失败"),
    "tape.flag.60": ("WORM medium - overwrite attempted", "试图覆盖 WORM 磁带"),
    "tape.flag.61": ("Encryption policy violation", "违反加密策略"),
    "tape.libflag.1": ("Library hardware A", "带库硬件故障 A"),
    "tape.libflag.2": ("Library hardware B", "带库硬件故障 B"),
    "tape.libflag.3": ("Library hardware C", "带库硬件故障 C"),
    "tape.libflag.4": ("Library hardware D", "带库硬件故障 D"),
    "tape.libflag.5": ("Library diagnostics required", "带库需要诊断"),
    "tape.libflag.6": ("Library interface", "带库接口故障"),
    "tape.libflag.7": ("Failure prediction", "带库预测性故障"),
    "tape.libflag.8": ("Library maintenance", "带库需要维护"),
    "tape.libflag.9": ("Library humidity limits", "带库湿度超限"),
    "tape.libflag.10": ("Library temperature limits", "带库温度超限"),
    "tape.libflag.11": ("Library voltage limits", "带库电压超限"),
    "tape.libflag.12": ("Library stray tape", "带库中有遗留磁带"),
    "tape.libflag.13": ("Library pick retry", "机械手抓取重试"),
    "tape.libflag.14": ("Library place retry", "机械手放置重试"),
    "tape.libflag.15": ("Library load retry", "装载重试"),
    "tape.libflag.16": ("Library door", "带库舱门未关"),
    "tape.libflag.17": ("Library mailslot", "出入口故障"),
    "tape.libflag.18": ("Library magazine", "弹匣故障"),
    "tape.libflag.19": ("Library security", "带库安全告警"),
    "tape.libflag.20": ("Library security mode", "带库安全模式已更改"),
    "tape.libflag.21": ("Library offline", "带库离线"),
    "tape.libflag.22": ("Library drive offline", "带库中的磁带机离线"),
    "tape.libflag.23": ("Library scan retry", "条码扫描重试"),
    "tape.libflag.24": ("Library inventory", "带库盘点不一致"),
    "tape.libflag.25": ("Library illegal operation", "带库非法操作"),
    "tape.libflag.26": ("Dual-port interface error", "双端口接口错误"),
    "tape.libflag.27": ("Cooling fan failure", "散热风扇故障"),
    "tape.libflag.28": ("Power supply", "电源故障"),
    "tape.libflag.29": ("Power consumption", "功耗超限"),
    "tape.libflag.30": ("Pass-through mechanism failure", "传递机构故障"),
    "tape.libflag.31": ("Cartridge in pass-through mechanism", "传递机构中有磁带"),
    "tape.libflag.32": ("Unreadable bar code labels", "条码标签无法读取"),
}
