# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``network`` area (switches and routers read over SSH from the controller: Cisco IOS /
IOS-XE, Cisco NX-OS, Huawei VRP, H3C Comware): its checks and messages.

:data:`COMMANDS` names, per platform, the plain command of each raw key (the registry's
``Source.name`` of area ``network``; tests/unit/test_network_rules.py checks that they agree).
A check's ``sources`` are the commands of the raw keys it reads, on every platform that has
them; a check lists only the platforms that have at least one of its keys.
"""

from __future__ import annotations

PLATFORMS = ("cisco_ios", "cisco_nxos", "huawei_vrp", "hp_comware")

AREA = dict(name="network", title="Network devices", title_zh="网络设备",
            role="inspect_network", collector="weibao_inspect_network",
            doc="a switch's or router's fans, power supplies, temperatures, boards and alarms, "
                "CPU and memory, reloads, interfaces (state, error counters as deltas, optics, "
                "err-disabled, duplex), logs since the previous inspection, whether the "
                "running configuration is saved, and its software, read over SSH from the "
                "controller (Cisco IOS / IOS-XE / NX-OS, Huawei VRP, H3C Comware)",
            platforms=PLATFORMS)

# {platform: {raw key: plain command}}: the registry's Sources of area network (their
# Source.name; tests/unit/test_network_rules.py checks that the two agree)
COMMANDS = {
    "cisco_ios": {
        "version": "show version",
        "inventory": "show inventory",
        "environment": "show environment all",
        "cpu": "show processes cpu sorted",
        "memory": "show processes memory sorted",
        "interfaces": "show interfaces",
        "interfaces_brief": "show interfaces status",
        "transceivers": "show interfaces transceiver detail",
        "logs": "show logging",
        "running_config": "show running-config",
        "saved_state": "show archive config differences",
    },
    "cisco_nxos": {
        "version": "show version",
        "inventory": "show inventory",
        "environment": "show environment",
        "modules": "show module",
        "cpu": "show system resources",  # CPU and memory
        "interfaces": "show interface",
        "interfaces_brief": "show interface status",
        "transceivers": "show interface transceiver details",
        "logs": "show logging logfile",
        "running_config": "show running-config",
        "saved_state": "show running-config diff",
    },
    "huawei_vrp": {
        "version": "display version",
        "inventory": "display esn",
        "modules": "display device",
        "fans": "display fan",
        "power": "display power",
        "temperature": "display temperature all",
        "alarms": "display alarm active",
        "cpu": "display cpu-usage",
        "memory": "display memory-usage",
        "interfaces": "display interface",
        "interfaces_brief": "display interface brief",
        "logs": "display logbuffer",
        "running_config": "display current-configuration",
        "saved_state": "compare configuration",
    },
    "hp_comware": {
        "version": "display version",
        "inventory": "display device manuinfo",
        "modules": "display device",
        "fans": "display fan",
        "power": "display power",
        "temperature": "display environment",
        "alarms": "display alarm",
        "cpu": "display cpu-usage",
        "memory": "display memory",
        "interfaces": "display interface",
        "interfaces_brief": "display interface brief",
        "logs": "display logbuffer",
        "running_config": "display current-configuration",
        "saved_state": "display saved-configuration",
    },
}

# the raw keys each check reads
KEYS = {
    "hardware": ("environment", "fans", "power", "temperature", "modules"),
    "alarms": ("alarms",),
    "cpu": ("cpu",),
    "memory": ("memory",),
    "reload": ("version",),
    "interfaces_down": ("interfaces", "interfaces_brief"),
    "interface_errors": ("interfaces",),
    "optics": ("transceivers",),
    "err_disabled": ("interfaces", "interfaces_brief"),
    "duplex": ("interfaces", "interfaces_brief"),
    "logs": ("logs",),
    "config_saved": ("saved_state", "running_config"),
    "software": ("version", "inventory"),
}


# a raw key that feeds a check on one platform only: NX-OS prints memory with the CPU
PLATFORM_KEYS = {("cisco_nxos", "memory"): ("cpu",)}


def _keys(short, platform):
    return KEYS[short] + PLATFORM_KEYS.get((platform, short), ())


def _sources(short):
    out = []
    for platform in PLATFORMS:
        for key in _keys(short, platform):
            command = COMMANDS[platform].get(key)
            if command and command not in out:
                out.append(command)
    return tuple(out)


def _platforms(short):
    return tuple(p for p in PLATFORMS if any(k in COMMANDS[p] for k in _keys(short, p)))


NOT_COLLECTED = ("; a section not collected, not understood (a line the parser does not "
                 "know) or that the device refused: unknown, never ok")


def _check(short, **fields):
    return dict(id=f"network.{short}", platforms=_platforms(short), sources=_sources(short),
                **fields)


CHECKS = (
    _check("hardware", name="Network device hardware", name_zh="网络设备硬件",
           looks_at="fans, power supplies, temperature sensors against the device's own "
                    "thresholds, boards and slots",
           looks_at_zh="风扇、电源模块、温度传感器（按设备自身的阈值）、单板和槽位",
           doc="critical on a failed fan, a failed power supply or one without input (not "
               "initialized, no power), a failed board, a temperature at the device's critical "
               "threshold; warning on an offline board and a temperature at its warning "
               "threshold; absent power supplies and fans and empty slots are listed, not "
               "faults; parts named in ignore are not judged; a device without any of them "
               "(a virtual switch): unknown, not applicable" + NOT_COLLECTED,
           thresholds=(dict(name="ignore", default=[], kind="list",
                            doc="fans, power supplies, sensors or slots not judged, by name "
                                "(a power supply left unplugged on purpose)"),)),
    _check("alarms", name="Network device alarms", name_zh="网络设备告警",
           looks_at="the device's active alarms by severity",
           looks_at_zh="设备的当前告警，按严重级别判断",
           doc="critical on a critical or major alarm, warning on a minor or warning one; "
               "informational alarms are listed; alarms in ignore are not judged"
               + NOT_COLLECTED,
           thresholds=(dict(name="ignore", default=[], kind="list",
                            doc="alarm ids or alarm texts not judged (known and accepted)"),)),
    _check("cpu", name="Network device CPU", name_zh="网络设备 CPU",
           looks_at="CPU use: the 5-minute average (else the 1-minute, else the 5-second one)",
           looks_at_zh="CPU 使用率：5 分钟平均值（没有时用 1 分钟或 5 秒的值）",
           doc="warning / critical at the percent" + NOT_COLLECTED,
           thresholds=(dict(name="warning", default=80, unit="%",
                            doc="CPU use at or above which it warns"),
                       dict(name="critical", default=90, unit="%",
                            doc="CPU use at or above which it is critical"))),
    _check("memory", name="Network device memory", name_zh="网络设备内存",
           looks_at="memory used against the total",
           looks_at_zh="已用内存占总内存的比例",
           doc="warning / critical at the percent" + NOT_COLLECTED,
           thresholds=(dict(name="warning", default=85, unit="%",
                            doc="memory use at or above which it warns"),
                       dict(name="critical", default=95, unit="%",
                            doc="memory use at or above which it is critical"))),
    _check("reload", name="Network device reloads", name_zh="网络设备重启",
           looks_at="uptime and the last reload reason, against the previous inspection",
           looks_at_zh="运行时间和上次重启原因，与上次巡检比较",
           doc="warning when the device reloaded since the previous inspection (its uptime is "
               "shorter than the time since, or than the uptime read then), the reason shown; "
               "a reason matching expected_reasons is not a fault; the first inspection "
               "shows the uptime and reason" + NOT_COLLECTED,
           thresholds=(dict(name="expected_reasons", default=[], kind="list",
                            doc="reload reasons (globs, e.g. 'Reload Command') of a reload "
                                "that is not a fault"),)),
    _check("interfaces_down", name="Interfaces down", name_zh="接口断开",
           looks_at="each port's admin and oper state against the previous inspection (or the "
                    "site's list of ports that must be up)",
           looks_at_zh="每个端口的管理状态和运行状态，与上次巡检比较（或与站点要求必须连通的"
                       "端口列表比较）",
           doc="warning on a port up at the previous inspection that is down now or no "
               "longer listed (shut down "
               "by configuration: listed, not a fault; err-disabled: network.err_disabled), "
               "or, when expected_up is set, on a listed port that is not up (the previous "
               "inspection is then not used); ports in ignore are not judged; the first "
               "inspection records the ports up as the baseline" + NOT_COLLECTED,
           thresholds=(dict(name="expected_up", default=[], kind="list",
                            doc="ports (names or globs as the device names them, e.g. "
                                "'TenGigabitEthernet1/1/*') that must be up; empty: the ports "
                                "up at the previous inspection"),
                       dict(name="ignore", default=[], kind="list",
                            doc="ports (names or globs) never judged (access ports to "
                                "desktops)"))),
    _check("interface_errors", name="Interface errors", name_zh="接口错误",
           looks_at="CRC, input and output errors, giants, runts, symbol errors (errors) and "
                    "input / output drops, as increases since the previous inspection",
           looks_at_zh="CRC、输入和输出错误、超长帧、超短帧、符号错误（错误）及输入／输出丢包，"
                       "按自上次巡检以来的增量判断",
           doc="judged on the largest increase of a port's error counters since the previous "
               "inspection (a reload, a 'clear counters' or one counter of the port that went "
               "down is a reset of the port's counters: the increase is at least the current "
               "value): warning / critical at "
               "the counts; drops at drops_warning; a port's first inspection judges its "
               "totals since the counters were cleared against baseline_warning; a counter "
               "the device does not print is not judged" + NOT_COLLECTED,
           thresholds=(dict(name="warning", default=10, unit="errors",
                            doc="new errors on a port (largest increase of its error "
                                "counters) at or above which it warns"),
                       dict(name="critical", default=1000, unit="errors",
                            doc="new errors on a port at or above which it is critical"),
                       dict(name="drops_warning", default=100000, unit="packets",
                            doc="new input or output drops on a port at or above which it "
                                "warns (0: off)", zero_disables=True),
                       dict(name="baseline_warning", default=1000, unit="errors",
                            doc="errors since the counters were cleared at or above which a "
                                "port's first inspection warns (0: off)",
                            zero_disables=True))),
    _check("optics", name="Optical power", name_zh="光功率",
           looks_at="each up port's transceiver receive and transmit power against the "
                    "device's own alarm thresholds",
           looks_at_zh="每个连通端口光模块的收发光功率，与设备自身的告警阈值比较",
           doc="critical when a power is outside the device's alarm thresholds (or the "
               "device marks it as an alarm), warning when outside its warning thresholds (or "
               "marked so), or, without warning thresholds, within margin dB of an alarm one; "
               "ports that are down are not judged; no alarm "
               "thresholds printed: unknown; no optical reading: unknown, not applicable"
               + NOT_COLLECTED,
           thresholds=(dict(name="margin", default=1.0, unit="dB",
                            doc="distance to an alarm threshold within which it warns, where the "
                                "device prints no warning thresholds"),)),
    _check("err_disabled", name="Err-disabled ports", name_zh="错误关闭的端口",
           looks_at="ports the device shut down on an error (err-disabled, error-down)",
           looks_at_zh="设备因错误而关闭的端口（err-disabled、error-down）",
           doc="warning on each err-disabled port" + NOT_COLLECTED),
    _check("duplex", name="Half duplex", name_zh="半双工",
           looks_at="the duplex of every up port",
           looks_at_zh="每个连通端口的双工模式",
           doc="warning on an up port in half duplex; no up port with a duplex shown: "
               "unknown" + NOT_COLLECTED),
    _check("logs", name="Network device logs", name_zh="网络设备日志",
           looks_at="the log buffer since the previous inspection: link up/down, power supply, "
                    "fan and temperature events, err-disable, STP topology changes; "
                    "authentication and configuration lines are listed",
           looks_at_zh="自上次巡检以来的日志缓冲区：链路通断、电源、风扇和温度事件、错误关闭、"
                       "生成树拓扑变化；认证和配置记录仅列出",
           doc="warning on power supply, fan, temperature, err-disable or STP topology change "
               "lines, on link up/down lines at link_flaps, and on other lines at syslog "
               "severity or more serious; authentication and configuration lines are listed, "
               "never faults; judged whole without a previous inspection; lines without a "
               "time cannot be placed: unknown" + NOT_COLLECTED,
           thresholds=(dict(name="link_flaps", default=10, unit="lines",
                            doc="link up/down log lines at or above which it warns (a flap "
                                "prints two to four; 0: off)", zero_disables=True),
                       dict(name="severity", default=2, unit="level",
                            doc="syslog severity (0 emergency ... 7 debug) at or below which "
                                "a line of another kind warns; empty: off"),
                       dict(name="ignore", default=[], kind="list",
                            doc="mnemonics or text fragments of log lines not judged"))),
    _check("config_saved", name="Configuration saved", name_zh="配置已保存",
           looks_at="whether the running configuration differs from the saved (startup) one",
           looks_at_zh="运行配置与已保存（启动）配置是否不同",
           doc="warning when the running configuration is not saved (an unsaved change is "
               "lost on reload); the device's answer not telling: unknown" + NOT_COLLECTED),
    _check("software", name="Network device software", name_zh="网络设备软件",
           looks_at="hostname, vendor, model, serial number, software, version and image",
           looks_at_zh="主机名、厂商、型号、序列号、软件、版本和映像文件",
           doc="informational: the values feed the report's patch-level section and the "
               "asset register; no version read: unknown" + NOT_COLLECTED),
)

MESSAGES = {
    # --- shared
    "network.unreadable": ("{what} not judged: {reason}", "{what}未能判断：{reason}"),
    "network.unparsed": ("{what}: {count:pl:line:lines} not understood, first {line:q}",
                         "{what}：有 {count} 行无法识别，第一行 {line:q}"),
    "network.untimed": ("{count:pl:log line:log lines} without a time: cannot tell whether "
                        "they are since {since:time}",
                        "有 {count} 条日志没有时间：无法判断是否在 {since:time} 之后"),
    "network.what.device": ("device information (show version)", "设备信息（版本信息）"),
    "network.what.fans": ("fan list", "风扇列表"),
    "network.what.power_supplies": ("power supply list", "电源模块列表"),
    "network.what.temperatures": ("temperature list", "温度列表"),
    "network.what.modules": ("board and slot list", "单板和槽位列表"),
    "network.what.alarms": ("alarm list", "告警列表"),
    "network.what.cpu": ("CPU use", "CPU 使用率"),
    "network.what.memory": ("memory use", "内存使用率"),
    "network.what.interfaces": ("interface list", "接口列表"),
    "network.what.transceivers": ("transceiver readings", "光模块读数"),
    "network.what.optics": ("transceiver readings", "光模块读数"),
    "network.what.logs": ("log buffer", "日志缓冲区"),
    "network.what.config": ("configuration state", "配置状态"),
    "network.join": ("{first}; {second}", "{first}；{second}"),
    # --- hardware
    "network.kind.fan": ("fan {name}", "风扇 {name}"),
    "network.kind.psu": ("power supply {name}", "电源模块 {name}"),
    "network.kind.sensor": ("temperature sensor {name}", "温度传感器 {name}"),
    "network.kind.module": ("slot {name}", "槽位 {name}"),
    "network.state.failed": ("failed", "故障"),
    "network.state.no_input": ("has no input power", "无输入电源"),
    "network.state.offline": ("offline", "离线"),
    "network.hardware.bad": ("{label} {state} (the device says {raw:q})",
                             "{label}{state}（设备报告 {raw:q}）"),
    "network.hardware.unknown_state": ("{label}: state not known to weibao (the device says "
                                       "{raw:q})",
                                       "{label}：weibao 无法识别其状态（设备报告 {raw:q}）"),
    "network.hardware.temperature": ("{label} at {celsius} °C, at or above the device's "
                                     "{level} threshold {limit} °C",
                                     "{label}温度 {celsius} °C，达到设备的{level}阈值 "
                                     "{limit} °C"),
    "network.hardware.temperature_state": ("{label} at {celsius} °C: the device reports "
                                           "{level}",
                                           "{label}温度 {celsius} °C：设备报告{level}"),
    "network.level.warning": ("warning", "告警"),
    "network.level.critical": ("critical", "严重"),
    "network.hardware.ok": ("{fans} fans, {psus} power supplies, {sensors} temperature "
                            "sensors, {modules} boards: no fault ({absent} absent parts and "
                            "{empty} empty slots listed, not faults)",
                            "风扇 {fans} 个、电源模块 {psus} 个、温度传感器 {sensors} 个、单板 "
                            "{modules} 块：无故障（另有不在位部件 {absent} 个、空槽位 {empty} 个，"
                            "不算故障）"),
    "network.hardware.none": ("no fan, power supply, temperature sensor or board listed (a "
                              "virtual device has none)",
                              "没有列出风扇、电源模块、温度传感器或单板（虚拟设备没有这些部件）"),
    "network.hardware.recommend_psu": ("Check the power supply's input cable and circuit; "
                                       "replace the power supply if it has failed",
                                       "检查该电源模块的输入电缆和供电回路；若电源模块故障则更换"),
    "network.hardware.recommend_fan": ("Replace the fan (tray) and check the airflow",
                                       "更换该风扇（风扇框）并检查风道"),
    "network.hardware.recommend_temperature": ("Check the room's cooling, the device's fans "
                                               "and airflow; clean the filters",
                                               "检查机房制冷、设备风扇和风道；清洁滤网"),
    "network.hardware.recommend_module": ("Check the board's state and logs; reseat or "
                                          "replace it",
                                          "检查该单板的状态和日志；重新插拔或更换"),
    # --- alarms
    "network.alarms.ok": ("no active alarm ({info} informational listed)",
                          "没有当前告警（另有提示信息 {info} 条）"),
    "network.alarms.found": ("{count:pl:active alarm:active alarms}: {alarms:list}",
                             "当前告警 {count} 条：{alarms:list}"),
    "network.alarms.alarm": ("{id} {text:q}", "{id} {text:q}"),
    "network.alarms.unknown_level": ("alarm {id} {text:q}: severity not known to weibao",
                                     "告警 {id} {text:q}：weibao 无法识别其级别"),
    "network.alarms.recommend": ("Find the cause of each alarm in the device's alarm "
                                 "handling guide and clear it",
                                 "按设备的告警处理手册查明并排除每条告警的原因"),
    # --- cpu / memory
    "network.cpu.used": ("CPU {percent:pct} used ({window})", "CPU 已用 {percent:pct}（{window}）"),
    "network.cpu.window.percent_5m": ("5-minute average", "5 分钟平均"),
    "network.cpu.window.percent_1m": ("1-minute average", "1 分钟平均"),
    "network.cpu.window.percent_5s": ("5 seconds", "5 秒"),
    "network.cpu.none": ("no CPU use in the output", "输出中没有 CPU 使用率"),
    "network.cpu.recommend": ("Find the processes using the CPU (show processes cpu / "
                              "display cpu-usage) and the traffic punted to it",
                              "查明占用 CPU 的进程（show processes cpu／display cpu-usage）"
                              "以及上送 CPU 的流量"),
    "network.memory.used": ("memory {percent:pct} used", "内存已用 {percent:pct}"),
    "network.memory.used_bytes": ("memory {percent:pct} used ({used:bytes} of {total:bytes})",
                                  "内存已用 {percent:pct}（{total:bytes} 中已用 {used:bytes}）"),
    "network.memory.none": ("no memory use in the output", "输出中没有内存使用率"),
    "network.memory.recommend": ("Find the process holding the memory; plan a software "
                                 "upgrade if it is a known leak",
                                 "查明占用内存的进程；若属已知的内存泄漏，计划升级软件"),
    # --- reload
    "network.reload.none": ("no uptime in the output", "输出中没有运行时间"),
    "network.reload.no_reason": ("not shown", "未显示"),
    "network.reload.first": ("up {uptime:dur}, last reload reason {reason:q} (first "
                             "inspection: nothing earlier to compare)",
                             "已运行 {uptime:dur}，上次重启原因 {reason:q}（首次巡检：没有可比较"
                             "的记录）"),
    "network.reload.same": ("up {uptime:dur}: no reload since {since:time} (last reload "
                            "reason {reason:q})",
                            "已运行 {uptime:dur}：自 {since:time} 以来没有重启（上次重启原因 "
                            "{reason:q}）"),
    "network.reload.reloaded": ("reloaded since {since:time}: up {uptime:dur} only, reason "
                                "{reason:q}",
                                "自 {since:time} 以来重启过：仅运行 {uptime:dur}，原因 {reason:q}"),
    "network.reload.expected": ("reloaded since {since:time} (up {uptime:dur}), reason "
                                "{reason:q}: an expected reason",
                                "自 {since:time} 以来重启过（已运行 {uptime:dur}），原因 "
                                "{reason:q}：属预期原因"),
    "network.reload.recommend": ("Find why the device reloaded (the reason, its crash "
                                 "information, the power feed) and whether it was planned",
                                 "查明设备重启的原因（重启原因、崩溃信息、供电），以及是否为计划内"
                                 "操作"),
    # --- interfaces down
    "network.down.port": ("{name} ({description:q}) is {oper}; it was up at the previous "
                          "inspection ({since:time})",
                          "{name}（{description:q}）现为 {oper}；上次巡检（{since:time}）时为"
                          "连通"),
    "network.down.expected": ("{name} ({description:q}) is {oper}; the site lists it as a "
                              "port that must be up",
                              "{name}（{description:q}）现为 {oper}；站点将其列为必须连通的端口"),
    "network.down.missing": ("{name}: listed as a port that must be up, but the device has "
                             "no such port",
                             "{name}：被列为必须连通的端口，但设备上没有该端口"),
    "network.down.gone": ("{name} was up at the previous inspection ({since:time}) and is no "
                          "longer listed by the device",
                          "{name} 在上次巡检（{since:time}）时连通，现已不在设备的接口列表中"),
    "network.down.recommend_gone": ("Check the board or module that held the port (show "
                                    "module, display device) and the device's logs",
                                    "检查该端口所在的单板或模块（show module、display device）"
                                    "及设备日志"),
    "network.down.unknown": ("{name}: state not shown; it was up at the previous inspection",
                             "{name}：没有显示状态；上次巡检时为连通"),
    "network.down.ok": ("{up} of {count} ports up; none of the {before} up at the previous "
                        "inspection ({since:time}) is down ({shut} shut down by "
                        "configuration and {errdis} err-disabled since)",
                        "{count} 个端口中 {up} 个连通；上次巡检（{since:time}）时连通的 {before} "
                        "个端口均未断开（其后经配置关闭 {shut} 个、错误关闭 {errdis} 个）"),
    "network.down.ok_expected": ("{up} of {count} ports up, among them the {listed} the site "
                                 "lists as ports that must be up",
                                 "{count} 个端口中 {up} 个连通，包括站点要求必须连通的 {listed} "
                                 "个端口"),
    "network.down.baseline": ("{up} of {count} ports up, recorded as the baseline (first "
                              "inspection): a port going down is reported from the next one",
                              "{count} 个端口中 {up} 个连通，已记录为基线（首次巡检）：从下次巡检"
                              "起报告断开的端口"),
    "network.interfaces.none": ("no interface listed", "没有列出接口"),
    "network.down.recommend": ("Check the port's cable, transceiver and the device at the "
                               "other end; list the port in ignore if it may be down",
                               "检查该端口的线缆、光模块和对端设备；若该端口允许断开，将其加入 "
                               "ignore 列表"),
    # --- interface errors
    "network.errors.counter": ("{name} +{delta}", "{name} +{delta}"),
    "network.errors.counter_reset": ("{name} at least +{delta}", "{name} 至少 +{delta}"),
    "network.errors.total": ("{name} {value}", "{name} {value}"),
    "network.errors.grew": ("{name}: {counts:list} since {since:time}",
                            "{name}：自 {since:time} 以来 {counts:list}"),
    "network.errors.grew_reset": ("{name}: {counts:list} since {since:time} ({why})",
                                  "{name}：自 {since:time} 以来 {counts:list}（{why}）"),
    "network.errors.baseline": ("{name}: {counts:list} since the counters were cleared "
                                "(first inspection)",
                                "{name}：计数清零以来 {counts:list}（首次巡检）"),
    "network.errors.drops": ("{name}: {counts:list} dropped since {since:time}",
                             "{name}：自 {since:time} 以来丢包 {counts:list}"),
    "network.reset.rebooted": ("the device reloaded in between", "期间设备重启过"),
    "network.reset.decreased": ("the counters went down in between (cleared)",
                                "期间计数变小（已清零）"),
    "network.reset.cleared": ("the counters were cleared in between", "期间计数被清零"),
    "network.errors.ok": ("{count} interfaces: no error counter grew by {warning} or more "
                          "since {since:time}",
                          "{count} 个接口：自 {since:time} 以来没有错误计数增加 {warning} 或以上"),
    "network.errors.ok_baseline": ("{count} interfaces: error totals recorded as the baseline "
                                   "(first inspection), none at {baseline} or more",
                                   "{count} 个接口：错误计数总量已记录为基线（首次巡检），均低于 "
                                   "{baseline}"),
    "network.errors.no_counters": ("no interface shows error counters",
                                   "没有接口显示错误计数"),
    "network.counter.crc": ("CRC", "CRC"),
    "network.counter.input_errors": ("input errors", "输入错误"),
    "network.counter.output_errors": ("output errors", "输出错误"),
    "network.counter.giants": ("giants", "超长帧"),
    "network.counter.runts": ("runts", "超短帧"),
    "network.counter.symbol_errors": ("symbol errors", "符号错误"),
    "network.counter.output_drops": ("output drops", "输出丢包"),
    "network.counter.input_drops": ("input drops", "输入丢包"),
    "network.errors.recommend": ("Check the cable, the transceivers at both ends and the "
                                 "other end's port settings (speed, duplex); replace what is "
                                 "faulty",
                                 "检查线缆、两端光模块和对端端口设置（速率、双工）；更换故障部件"),
    "network.errors.recommend_drops": ("Check the port's load and its QoS queues (congestion, "
                                       "microbursts); plan more bandwidth",
                                       "检查该端口的负载和 QoS 队列（拥塞、突发流量）；计划扩容"),
    # --- optics
    "network.optics.outside": ("{name}: {what} power {dbm} dBm outside the device's alarm "
                               "range {low} to {high} dBm",
                               "{name}：{what}光功率 {dbm} dBm 超出设备告警范围 {low} 至 "
                               "{high} dBm"),
    "network.optics.near": ("{name}: {what} power {dbm} dBm within {margin} dB of the "
                            "device's alarm range {low} to {high} dBm",
                            "{name}：{what}光功率 {dbm} dBm 距设备告警范围 {low} 至 {high} "
                            "dBm 不足 {margin} dB"),
    "network.optics.warning_range": ("{name}: {what} power {dbm} dBm outside the device's "
                                     "warning range {low} to {high} dBm",
                                     "{name}：{what}光功率 {dbm} dBm 超出设备预警范围 {low} 至 "
                                     "{high} dBm"),
    "network.optics.flag": ("{name}: {what} power {dbm} dBm, marked {flag} by the device",
                            "{name}：{what}光功率 {dbm} dBm，设备标记为 {flag}"),
    "network.optics.rx": ("receive", "接收"),
    "network.optics.tx": ("transmit", "发送"),
    "network.optics.no_thresholds": ("{ports:list}: no alarm thresholds printed for the "
                                     "optical power",
                                     "{ports:list}：没有显示光功率的告警阈值"),
    "network.optics.ok": ("{count} up ports with optical readings: all within the device's "
                          "alarm and warning thresholds (without warning thresholds: {margin} "
                          "dB or more from an alarm threshold)",
                          "{count} 个有光功率读数的连通端口：均在设备的告警和预警阈值以内（没有"
                          "预警阈值时：距告警阈值不小于 {margin} dB）"),
    "network.optics.none": ("no optical power reading on this device",
                            "该设备没有光功率读数"),
    "network.optics.recommend": ("Clean the connectors, check the fibre and the transceivers "
                                 "at both ends; replace the faulty one",
                                 "清洁连接器，检查光纤和两端光模块；更换故障部件"),
    # --- err-disabled
    "network.err_disabled.port": ("{name} ({description:q}) is err-disabled",
                                  "{name}（{description:q}）处于错误关闭状态"),
    "network.err_disabled.ok": ("no err-disabled port ({count} ports)",
                                "没有错误关闭的端口（共 {count} 个端口）"),
    "network.err_disabled.recommend": ("Find why the port was disabled (its log line: BPDU "
                                       "guard, port security, link flap, UDLD), fix it, then "
                                       "bring the port up",
                                       "查明端口被关闭的原因（日志中的 BPDU 保护、端口安全、链路"
                                       "振荡、UDLD 等），排除后恢复端口"),
    # --- duplex
    "network.duplex.half": ("{name} ({description:q}) is up in half duplex ({speed})",
                            "{name}（{description:q}）以半双工运行（{speed}）"),
    "network.duplex.ok": ("{count} up ports with a duplex shown: none in half duplex",
                          "{count} 个显示双工模式的连通端口：均非半双工"),
    "network.duplex.unknown": ("none of the {count} up ports shows its duplex",
                               "{count} 个连通端口均未显示双工模式"),
    "network.duplex.recommend": ("Set both ends to auto-negotiation (or to the same fixed "
                                 "speed and full duplex)",
                                 "将两端都设为自动协商（或相同的固定速率和全双工）"),
    # --- logs
    "network.logs.kind.link_flap": ("link up/down", "链路通断"),
    "network.logs.kind.psu": ("power supply", "电源"),
    "network.logs.kind.fan": ("fan", "风扇"),
    "network.logs.kind.temperature": ("temperature", "温度"),
    "network.logs.kind.err_disable": ("err-disable", "错误关闭"),
    "network.logs.kind.stp_change": ("STP topology change", "生成树拓扑变化"),
    "network.logs.kind.other": ("severity {severity} or more serious",
                                "级别 {severity} 及更严重"),
    "network.logs.found": ("{count:pl:log line:log lines} of kind {kind} {when}: first "
                           "{text:q}",
                           "{kind}类日志 {count} 条{when}：第一条 {text:q}"),
    "network.logs.when.since": ("since {since:time}", "（自 {since:time} 以来）"),
    "network.logs.when.buffer": ("in the log buffer", "（日志缓冲区中）"),
    "network.logs.ok": ("{count:pl:log line:log lines} {when}: no fault event ({links} link "
                        "up/down, {auth} authentication and {config} configuration lines "
                        "listed)",
                        "日志 {count} 条{when}：没有故障事件（列出链路通断 {links} 条、认证 "
                        "{auth} 条、配置 {config} 条）"),
    "network.logs.recommend": ("Read the lines and act on their cause (a flapping link, a "
                               "power or cooling problem, a loop or a topology change)",
                               "阅读这些日志并处理其原因（链路振荡、供电或散热问题、环路或拓扑"
                               "变化）"),
    "network.logs.recommend_time": ("Turn on timestamps in the device's logs (Cisco: service "
                                    "timestamps log datetime; Huawei, H3C: info-center "
                                    "timestamp)",
                                    "在设备上开启日志时间戳（Cisco 用 service timestamps 命令，"
                                    "华为、华三用 info-center timestamp 命令）"),
    # --- config saved
    "network.config.saved": ("the running configuration is saved ({why:q})",
                             "运行配置已保存（{why:q}）"),
    "network.config.unsaved": ("the running configuration is not saved ({why:q}): an unsaved "
                               "change is lost on reload",
                               "运行配置未保存（{why:q}）：重启后未保存的修改将丢失"),
    "network.config.unknown": ("cannot tell whether the running configuration is saved "
                               "({why:q})",
                               "无法判断运行配置是否已保存（{why:q}）"),
    "network.config.recommend": ("Review the unsaved change; save it (write memory / save) "
                                 "or roll it back",
                                 "核对未保存的修改；保存（write memory／save）或回退"),
    # --- software
    "network.software.ok": ("{vendor} {model} {hostname}: {software} {version}, image "
                            "{image:q}, serial {serial}",
                            "{vendor} {model} {hostname}：{software} {version}，映像 {image:q}，"
                            "序列号 {serial}"),
    "network.software.none": ("no software version in the output", "输出中没有软件版本"),
}
