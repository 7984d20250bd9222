# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``environment`` area (a server's environment as its BMC reports it, over IPMI or
Redfish): its checks and messages."""

from __future__ import annotations

AREA = dict(name="environment", title="Server environment (BMC)", title_zh="服务器环境（BMC）",
            role="inspect_environment", collector="weibao_inspect_environment",
            doc="temperatures, fans, power supplies, voltages, redundancy, the hardware event "
                "log, chassis and firmware, read from each server's BMC over IPMI or Redfish",
            platforms=("ipmi", "redfish"))

PLATFORMS = ("ipmi", "redfish")
IPMI_SENSORS = ("ipmitool sdr elist", "ipmitool sensor", "ipmi-sensors")
THERMAL = "GET /redfish/v1/Chassis/{id}/Thermal"
POWER = "GET /redfish/v1/Chassis/{id}/Power"
SENSOR_DOC = ("per sensor: warning / critical as the sensor's own status, thresholds (non-"
              "critical, critical, non-recoverable) and event states say, never the reading "
              "alone; absent sensors are listed, not judged; no sensor of the kind (or only "
              "absent ones): unknown, not applicable")

CHECKS = (
    dict(id="environment.temperature", name="Temperatures", name_zh="温度",
         looks_at="temperature sensors (inlet, CPU, DIMM, PSU ...) against their thresholds",
         looks_at_zh="温度传感器（进风口、CPU、内存、电源等）及其阈值",
         doc=SENSOR_DOC, platforms=PLATFORMS, sources=IPMI_SENSORS + (THERMAL,)),
    dict(id="environment.fans", name="Fans", name_zh="风扇",
         looks_at="fan sensors: speed against the lower thresholds, presence",
         looks_at_zh="风扇传感器：转速及下限阈值、在位状态",
         doc=SENSOR_DOC, platforms=PLATFORMS, sources=IPMI_SENSORS + (THERMAL,)),
    dict(id="environment.power_supplies", name="Power supplies", name_zh="电源模块",
         looks_at="power supply sensors: presence, failure, AC input lost, predictive failure",
         looks_at_zh="电源模块传感器：在位、故障、交流输入丢失、预告故障",
         doc=SENSOR_DOC, platforms=PLATFORMS, sources=IPMI_SENSORS + (POWER,)),
    dict(id="environment.voltages", name="Voltages", name_zh="电压",
         looks_at="voltage sensors against their lower and upper thresholds",
         looks_at_zh="电压传感器及其上下限阈值",
         doc=SENSOR_DOC, platforms=PLATFORMS, sources=IPMI_SENSORS + (POWER,)),
    dict(id="environment.redundancy", name="Redundancy", name_zh="冗余状态",
         looks_at="power supply and fan redundancy sensors",
         looks_at_zh="电源和风扇的冗余状态传感器",
         doc="critical on redundancy lost (even beside an ok status), warning on redundancy "
             "degraded; unknown, not applicable, when the BMC has no redundancy sensor",
         platforms=PLATFORMS, sources=IPMI_SENSORS + (THERMAL, POWER)),
    dict(id="environment.other_sensors", name="Other sensors", name_zh="其他传感器",
         looks_at="every other threshold or discrete sensor (current, power, memory, "
                  "processor, drive, battery ...)",
         looks_at_zh="其他所有阈值型或离散型传感器（电流、功率、内存、处理器、硬盘、电池等）",
         doc=SENSOR_DOC + "; discrete sensors of `ipmitool sensor` whose type the output does "
             "not say are shown, not judged",
         platforms=PLATFORMS, sources=IPMI_SENSORS + (THERMAL, POWER)),
    dict(id="environment.event_log", name="Hardware event log", name_zh="硬件事件日志",
         looks_at="SEL / Redfish log entries since the previous inspection (new records only), "
                  "classified: power supply, fan, temperature, voltage, memory ECC, processor, "
                  "intrusion, drive slot, watchdog",
         looks_at_zh="自上次巡检以来新增的 SEL / Redfish 日志条目，按电源、风扇、温度、电压、"
                     "内存 ECC、处理器、机箱入侵、硬盘槽位、看门狗分类",
         doc="per class: critical / warning as the event and its direction say (a deassertion "
             "of a fault is a recovery); warning when every fault recovered since; a log "
             "cleared or wrapped since: warning; judged whole without a previous inspection",
         platforms=PLATFORMS,
         sources=("ipmitool sel elist", "ipmi-sel -v",
                  "GET /redfish/v1/Systems/{id}/LogServices/{id}/Entries")),
    dict(id="environment.event_log_capacity", name="Event log capacity",
         name_zh="事件日志容量",
         looks_at="SEL fill level and overflow (ipmitool sel info)",
         looks_at_zh="SEL 已用比例及溢出标志（ipmitool sel info）",
         doc="warning at the percent used, or on overflow",
         thresholds=(dict(name="warning", default=80, unit="%",
                          doc="percent of the SEL used at or above which it warns"),),
         platforms=("ipmi",), sources=("ipmitool sel info",)),
    dict(id="environment.chassis", name="Chassis", name_zh="机箱状态",
         looks_at="power state, last power event, front-panel faults (drive, cooling), "
                  "power faults, chassis intrusion",
         looks_at_zh="电源状态、上次电源事件、前面板故障（硬盘、散热）、电源故障、机箱入侵",
         doc="critical on a power, drive or cooling fault; warning on intrusion, an AC failure "
             "as the last power event, or the server powered off",
         platforms=PLATFORMS,
         sources=("ipmitool chassis status", "GET /redfish/v1/Chassis/{id}",
                  "GET /redfish/v1/Systems/{id}")),
    dict(id="environment.firmware", name="Firmware inventory", name_zh="固件清单",
         looks_at="firmware versions: BMC, BIOS, RAID, NIC (Redfish FirmwareInventory, "
                  "ipmitool mc info / fru print)",
         looks_at_zh="固件版本：BMC、BIOS、RAID、网卡（Redfish FirmwareInventory，"
                     "ipmitool mc info / fru print）",
         doc="informational", platforms=PLATFORMS,
         sources=("ipmitool mc info", "ipmitool fru print",
                  "GET /redfish/v1/UpdateService/FirmwareInventory",
                  "GET /redfish/v1/Managers/{id}")),
)

_FIX_SENSOR = {
    "temperature": (
        "{name} is over its threshold: check the room and inlet temperature, the fans "
        "(environment.fans), blocked airflow (blanking panels, cables, dust) and the CPU load; "
        "a temperature at its critical level makes the BMC throttle or power the server off.",
        "{name} 超过阈值：检查机房和进风口温度、风扇（environment.fans）、风道是否受阻（挡板、"
        "线缆、灰尘）以及 CPU 负载；温度达到严重阈值时 BMC 会降频或关闭服务器。"),
    "fans": (
        "{name} is outside its thresholds: check that the fan is seated and turning, replace "
        "it if it failed (hot-swap on most servers), and watch the temperatures meanwhile.",
        "{name} 超出阈值：检查风扇是否插好、是否转动；如已损坏请更换（多数服务器支持热插拔），"
        "更换前请持续关注温度。"),
    "power_supplies": (
        "{name} reports a fault: check its power cord and the PDU or UPS feeding it (AC lost), "
        "its LED, and replace the supply if it failed; until then the server runs without "
        "power redundancy.",
        "{name} 报告故障：检查其电源线及供电的 PDU 或 UPS（交流输入丢失）、电源模块指示灯；"
        "如已损坏请更换。更换前服务器处于无电源冗余状态。"),
    "voltages": (
        "{name} is outside its thresholds: a voltage regulator, the power supply or the board "
        "is failing; check the other voltages and the power supplies and call the vendor.",
        "{name} 超出阈值：电压调节器、电源模块或主板可能出现故障；请检查其他电压和电源模块，"
        "并联系厂商。"),
    "redundancy": (
        "{name}: redundancy is lost or degraded: find the failed or missing power supply or "
        "fan (environment.power_supplies, environment.fans) and replace it; one more failure "
        "stops the server.",
        "{name}：冗余已丢失或降级：找出故障或缺失的电源模块或风扇（environment.power_supplies、"
        "environment.fans）并更换；再有一个部件故障服务器就会停机。"),
    "other_sensors": (
        "{name} reports a fault: read the sensor's states and the hardware event log "
        "(environment.event_log) for the part concerned and have it checked or replaced.",
        "{name} 报告故障：查看该传感器的状态和硬件事件日志（environment.event_log），找出相关"
        "部件并安排检查或更换。"),
}

_CLASSES = {
    "power_supply": ("power supply", "电源", "Check the power supplies, their cords and the "
                     "PDU or UPS feeding them (environment.power_supplies); replace a failed "
                     "supply.", "检查电源模块、电源线及供电的 PDU 或 UPS（environment.power_"
                     "supplies）；更换故障的电源模块。"),
    "fan": ("fan", "风扇", "Check the fans (environment.fans) and replace a failed one.",
            "检查风扇（environment.fans），更换故障的风扇。"),
    "temperature": ("temperature", "温度", "Find why it got hot: room and inlet temperature, "
                    "fans, airflow, load (environment.temperature).",
                    "查明过热原因：机房和进风口温度、风扇、风道、负载（environment.temperature）。"),
    "voltage": ("voltage", "电压", "Check the power supplies and the voltages "
                "(environment.voltages) and call the vendor if a rail keeps leaving its range.",
                "检查电源模块和电压（environment.voltages）；如某路电压反复越限，请联系厂商。"),
    "memory": ("memory ECC", "内存 ECC", "Note the DIMM the event names: uncorrectable errors "
               "or a correctable-error limit mean replacing it in a maintenance window.",
               "记下事件中指明的内存条：出现不可纠正错误或可纠正错误达到上限时，应在维护窗口内"
               "更换该内存条。"),
    "processor": ("processor", "处理器", "Read the event (IERR, thermal trip, machine check) and "
                  "the OS error log for the same time; call the vendor.",
                  "查看事件内容（IERR、过热保护、机器检查）及同一时间的操作系统错误日志；"
                  "联系厂商。"),
    "intrusion": ("chassis intrusion", "机箱入侵", "Find out who opened the chassis and why; "
                  "if nobody should have, treat it as a security incident.",
                  "查明是谁因何打开了机箱；如无人应当开箱，请按安全事件处理。"),
    "drive": ("drive slot", "硬盘槽位", "Check the drive the event names (RAID controller, "
              "array state) and replace a failed drive.",
              "检查事件中指明的硬盘（RAID 控制器、阵列状态），更换故障硬盘。"),
    "watchdog": ("watchdog", "看门狗", "The watchdog reset or powered off the server: find "
                 "out why the OS hung (OS logs, kdump).",
                 "看门狗复位或关闭了服务器：查明操作系统挂起的原因（操作系统日志、kdump）。"),
    "other": ("other", "其他", "Read the events and have the part they name checked.",
              "查看这些事件，并安排检查其中指明的部件。"),
}

_KINDS = {"temperature": ("temperature", "温度"), "fan": ("fan", "风扇"),
          "power_supply": ("power supply", "电源模块"), "voltage": ("voltage", "电压"),
          "redundancy": ("redundancy", "冗余"), "other": ("other", "其他")}

# {key: (English, Simplified Chinese)}; a BMC's own text (a sensor's states, an event) is
# shown verbatim ({x:q}); sensor names are shown as they are.
MESSAGES = {
    # --- why a source could not be read or understood
    "environment.reason.unexpected_line": ("{source}: unexpected line {line:q}",
                                           "{source}：无法识别的行：{line:q}"),
    "environment.reason.no_header": ("{source}: no header line, got {line:q}",
                                     "{source}：没有表头，实际为 {line:q}"),
    "environment.reason.not_understood": ("{source}: output not understood: {text:q}",
                                          "{source}：无法理解的输出：{text:q}"),
    "environment.reason.missing_field": ("{source}: {field} missing",
                                         "{source}：缺少 {field}"),
    "environment.reason.bad_json": ("{source}: not JSON: {detail:q}",
                                    "{source}：不是 JSON：{detail:q}"),
    "environment.reason.redfish_error": ("{source}: the BMC answered with an error: {detail:q}",
                                         "{source}：BMC 返回了错误：{detail:q}"),
    "environment.reason.not_expanded": ("{source}: the collection's members are links only "
                                        "(save it with $expand or the members inline)",
                                        "{source}：集合成员只有链接（请用 $expand 或内联成员"
                                        "保存）"),
    # --- words
    "environment.join": ("{first}; {second}", "{first}；{second}"),
    "environment.word.more": ("{count} more", "另有 {count} 个"),
    # --- sensors
    "environment.sensors.unreadable": ("Cannot read the sensors: {reason}",
                                       "无法读取传感器：{reason}"),
    "environment.sensors.none": ("The BMC reports no {kind} sensor (read: {sources:list}): "
                                 "nothing to judge",
                                 "BMC 没有报告任何{kind}传感器（已读取：{sources:list}）："
                                 "无可判断"),
    "environment.sensors.only_absent": ("Every {kind} sensor is absent ({count}: {names:list}): "
                                        "nothing to judge",
                                        "所有{kind}传感器均不在位（{count} 个：{names:list}）："
                                        "无可判断"),
    "environment.sensors.only_unread": ("{count:pl:sensor:sensors} whose states the output "
                                        "does not name ({names:list}): not judged",
                                        "{count} 个传感器的状态在输出中没有名称（{names:list}）："
                                        "未作判断"),
    "environment.sensors.ok": ("{count:pl:sensor:sensors} ({kind}) within their thresholds, "
                               "no fault state",
                               "{count} 个{kind}传感器均在阈值范围内，没有故障状态"),
    "environment.sensors.absent": ("{count} absent, not judged: {names:list}",
                                   "{count} 个不在位，未作判断：{names:list}"),
    "environment.sensors.not_judged": ("{count} shown but not judged (state bits without "
                                       "their names): {names:list}",
                                       "{count} 个仅列出、未作判断（状态位没有名称）："
                                       "{names:list}"),
    "environment.sensor.warning": ("{name}: warning ({detail})", "{name}：告警（{detail}）"),
    "environment.sensor.critical": ("{name}: critical ({detail})", "{name}：严重（{detail}）"),
    "environment.sensor.reading": ("reading {reading}, beyond its threshold",
                                   "读数 {reading}，已越过阈值"),
    "environment.sensor.states": ("{states:list}", "{states:list}"),
    "environment.sensor.no_detail": ("as its status says", "依据其状态"),
    "environment.sensor.unknown": ("{name}: state not understood: {states:list}",
                                   "{name}：无法理解的状态：{states:list}"),
    # --- event log
    "environment.event_log.unreadable": ("Cannot read the hardware event log: {reason}",
                                         "无法读取硬件事件日志：{reason}"),
    "environment.event_log.when_previous": ("since the previous inspection ({since:time}, "
                                            "after record {record})",
                                            "自上次巡检（{since:time}，记录 {record} 之后）以来"),
    "environment.event_log.when_since": ("since {since:time}", "自 {since:time} 以来"),
    "environment.event_log.when_whole": ("in the whole log (no previous inspection)",
                                         "整个日志中（没有上次巡检）"),
    "environment.event_log.faults": ("{count:pl:new event:new events} ({cls}) {when}; last: "
                                     "{sensor} {last:q}{recovered}",
                                     "{when}新增{cls}事件 {count} 条；最近一条：{sensor} "
                                     "{last:q}{recovered}"),
    "environment.event_log.recovered": (" (each one recovered since)", "（均已恢复）"),
    "environment.event_log.none": ("{count:pl:new entry:new entries} {when}, no fault "
                                   "({recoveries} recoveries)",
                                   "{when}新增 {count} 条，没有故障（恢复 {recoveries} 条）"),
    "environment.event_log.cleared": ("The event log was cleared since the previous inspection "
                                      "({since:time}, last record then {record}): entries "
                                      "logged before the clearing are lost; at least {count} new",
                                      "事件日志在上次巡检（{since:time}，当时最后一条记录为 "
                                      "{record}）之后被清除：清除前记录的条目已丢失；新增至少 "
                                      "{count} 条"),
    "environment.event_log.cleared_fix": (
        "Find out who cleared the event log and why (change records, the BMC's audit log); "
        "clear it only after the inspection has read it.",
        "查明是谁因何清除了事件日志（变更记录、BMC 审计日志）；请在巡检读取之后再清除。"),
    "environment.event_log.wrapped": ("The event log wrapped since the previous inspection "
                                      "({since:time}, last record then {record}): some entries "
                                      "were overwritten; at least {count} new",
                                      "事件日志在上次巡检（{since:time}，当时最后一条记录为 "
                                      "{record}）之后发生覆盖：部分条目已被覆盖；新增至少 "
                                      "{count} 条"),
    "environment.event_log.wrapped_fix": (
        "The log is full and overwrites old entries: save and clear it after each inspection "
        "(environment.event_log_capacity).",
        "日志已满并覆盖旧条目：请在每次巡检后保存并清除日志（environment.event_log_capacity）。"),
    "environment.event_log.no_names": (
        "The log was saved without sensor names (ipmitool sel list): save it with "
        "ipmitool sel elist to see which sensor each event is about",
        "日志保存时没有传感器名称（ipmitool sel list）：请用 ipmitool sel elist 保存，"
        "以便看到每条事件对应的传感器"),
    # --- event log capacity
    "environment.event_log_capacity.unreadable": ("Cannot read the event log's fill level: "
                                                  "{reason}",
                                                  "无法读取事件日志的使用情况：{reason}"),
    "environment.event_log_capacity.no_percent": ("The BMC does not say how full its event log "
                                                  "is ({entries} entries)",
                                                  "BMC 没有给出事件日志的使用比例（{entries} 条）"),
    "environment.event_log_capacity.summary": ("Event log {pct:pct} used ({entries} entries)",
                                               "事件日志已用 {pct:pct}（{entries} 条）"),
    "environment.event_log_capacity.overflow": ("The event log overflowed ({entries} entries): "
                                                "new events are dropped or overwrite old ones",
                                                "事件日志已溢出（{entries} 条）：新事件被丢弃或"
                                                "覆盖旧条目"),
    "environment.event_log_capacity.fix": (
        "Save the event log (ipmitool sel elist > file) and clear it (ipmitool sel clear) "
        "after the inspection has read it, so new hardware events are kept.",
        "在巡检读取之后保存事件日志（ipmitool sel elist > 文件）并清除（ipmitool sel clear），"
        "以便保留新的硬件事件。"),
    # --- chassis
    "environment.chassis.unreadable": ("Cannot read the chassis status: {reason}",
                                       "无法读取机箱状态：{reason}"),
    "environment.chassis.fault": ("Chassis fault: {fault}", "机箱故障：{fault}"),
    "environment.chassis.fault_fix": (
        "{fault}: find the failed part (power supplies, drives, fans) in the sensors and the "
        "event log and have it replaced.",
        "{fault}：在传感器和事件日志中找出故障部件（电源、硬盘、风扇）并安排更换。"),
    "environment.chassis.intrusion": ("The chassis intrusion sensor is active",
                                      "机箱入侵传感器处于触发状态"),
    "environment.chassis.intrusion_fix": (
        "Find out who opened the chassis and why; rearm the sensor once explained "
        "(ipmitool chassis status shows it until then).",
        "查明是谁因何打开了机箱；查明后复位该传感器（复位前 ipmitool chassis status 会一直"
        "显示）。"),
    "environment.chassis.power_event": ("Last power event: {event:q}",
                                        "上次电源事件：{event:q}"),
    "environment.chassis.power_event_fix": (
        "The server lost power or a power fault occurred: check the power feeds, PDU and UPS "
        "logs and the power supplies.",
        "服务器曾断电或发生电源故障：检查供电线路、PDU 和 UPS 日志以及电源模块。"),
    "environment.chassis.power_off": ("The server is powered {state}", "服务器电源状态为 {state}"),
    "environment.chassis.power_off_fix": (
        "Confirm the server is meant to be off (change record, decommissioning); otherwise "
        "find out why it went down and power it on.",
        "确认服务器是否应处于关机状态（变更记录、下线计划）；否则查明关机原因并开机。"),
    "environment.chassis.ok": ("Powered on, no chassis fault or intrusion (last power event: "
                               "{event:q})",
                               "已开机，没有机箱故障或入侵（上次电源事件：{event:q}）"),
    # --- firmware
    "environment.firmware.unreadable": ("Cannot read the firmware inventory: {reason}",
                                        "无法读取固件清单：{reason}"),
    "environment.firmware.none": ("The BMC lists no firmware", "BMC 没有列出任何固件"),
    "environment.firmware.item": ("{name:q} firmware {version:q}", "{name:q} 固件版本 {version:q}"),
}

for _kind, (_en, _zh) in _KINDS.items():
    MESSAGES[f"environment.kind.{_kind}"] = (_en, _zh)
for _check, (_en, _zh) in _FIX_SENSOR.items():
    MESSAGES[f"environment.{_check}.fix"] = (_en, _zh)
for _cls, (_en, _zh, _fix, _fix_zh) in _CLASSES.items():
    MESSAGES[f"environment.class.{_cls}"] = (_en, _zh)
    MESSAGES[f"environment.event_log.fix_{_cls}"] = (_fix, _fix_zh)
