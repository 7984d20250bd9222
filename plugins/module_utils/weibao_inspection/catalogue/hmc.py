# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``hmc`` area: an IBM Power Hardware Management Console read over SSH from the
controller (its restricted shell, ``hscroot@hmc01:~>``): the managed systems' states, the
open serviceable hardware events, the systems' firmware levels, and which LPAR runs on which
managed system (so that a hardware event can be shown under the AIX hosts it affects).

The commands are the HMC command reference's, always with ``-F`` (attribute values only,
comma separated, in the order asked; IBM Documentation, "HMC commands": lssyscfg,
lssvcevents, lslic), so the parsers read fixed columns, not ``name=value`` lists whose
attribute set changes between HMC versions.
"""

from __future__ import annotations

AREA = dict(name="hmc", title="HMC", title_zh="硬件管理控制台",
            role="inspect_hmc", collector="weibao_inspect_hmc",
            doc="an IBM Power HMC's managed systems (state), open serviceable hardware events, "
                "system firmware levels (activated, installed, accepted) and the LPARs of "
                "each managed system, read over SSH from the controller",
            platforms=("ibm_hmc",))

PLATFORMS = ("ibm_hmc",)

# The commands the collector sends ({sys}: each managed system's name from SYSTEMS)
SYSTEMS = "lssyscfg -r sys -F name,state,type_model,serial_num"
EVENTS = ("lssvcevents -t hardware --filter status=open "
          "-F problem_num,refcode,status,created_time,sys_name,sys_mtms,text")
FIRMWARE = ("lslic -t sys -m {sys} -F ecnumber,activated_level,installed_level,"
            "accepted_level,activated_spname,installed_spname,accepted_spname")
LPARS = "lssyscfg -r lpar -m {sys} -F name,lpar_id,state,os_version"

_EVENT_FIELDS = "problem_num,refcode,status,created_time,sys_name,sys_mtms,text"


def event_aliases():
    """Other ways of typing the events command: the filter quoted, upper-case Open, -F
    first."""
    out = []
    for value in ('status=open', '"status=open"', "'status=open'"):
        for text in (f"lssvcevents -t hardware --filter {value} -F {_EVENT_FIELDS}",
                     f"lssvcevents -t hardware -F {_EVENT_FIELDS} --filter {value}"):
            if text != EVENTS and text not in out:
                out.append(text)
    return tuple(out)


NOT_COLLECTED = "; a source not collected or not understood: unknown, never ok"

CHECKS = (
    dict(id="hmc.systems", name="Managed systems", name_zh="受管系统",
         looks_at="every managed system's state on the HMC (Operating, Standby, Power Off, "
                  "Error, No Connection, Incomplete, Failed Authentication ...) and its LPARs",
         looks_at_zh="HMC 上每台受管系统的状态（Operating、Standby、Power Off、Error、"
                     "No Connection、Incomplete、Failed Authentication 等）及其分区",
         doc="critical on Error (also Error - Dump in progress, Error - Terminated), No "
             "Connection, Incomplete, Failed Authentication and Recovery; warning on Power "
             "Off (unless listed in expected_off), a power-on or power-off in progress, "
             "Pending Authentication and Version Mismatch; a state weibao does not know: "
             "unknown" + NOT_COLLECTED,
         thresholds=(dict(name="expected_off", default=(), kind="list",
                          doc="managed systems that are powered off on purpose (ok when "
                              "Power Off)"),),
         platforms=PLATFORMS, sources=(SYSTEMS, LPARS)),
    dict(id="hmc.events", name="Serviceable hardware events", name_zh="可维护硬件事件",
         looks_at="the open serviceable hardware events (lssvcevents): problem number, "
                  "reference code, the managed system and the LPARs running on it",
         looks_at_zh="未关闭的可维护硬件事件（lssvcevents）：问题编号、参考码、受管系统及其"
                     "上运行的分区",
         doc="an event not open at the previous inspection (or, without one, created since "
             "it or with no previous inspection at all): critical, warning when its reference "
             "code starts with a warning_prefixes entry (A: attention); an event already open "
             "at the previous inspection: warning (still not repaired); events whose "
             "reference code or problem number is in ignore are left out" + NOT_COLLECTED,
         thresholds=(dict(name="warning_prefixes", default=("A",), kind="list",
                          doc="reference code prefixes of a new event that is a warning, "
                              "not critical"),
                     dict(name="ignore", default=(), kind="list",
                          doc="reference codes or problem numbers not reported")),
         platforms=PLATFORMS, sources=(EVENTS,)),
    dict(id="hmc.firmware", name="System firmware levels", name_zh="系统微码级别",
         looks_at="each managed system's firmware (lslic -t sys): the activated, installed "
                  "and accepted levels",
         looks_at_zh="每台受管系统的微码（lslic -t sys）：已激活、已安装和已接受的级别",
         doc="warning when the activated level differs from the installed one (an update "
             "waits for its activation, usually a system IPL); the accepted level is shown; "
             "a system whose levels cannot be read: unknown" + NOT_COLLECTED,
         platforms=PLATFORMS, sources=(FIRMWARE,)),
)

MESSAGES = {
    "hmc.what.systems": ("the managed systems", "受管系统"),
    "hmc.what.events": ("the serviceable events", "可维护事件"),
    "hmc.what.firmware": ("the firmware levels", "微码级别"),
    "hmc.what.lpars": ("the LPARs", "分区"),
    "hmc.unreadable": ("{what} not judged: {reason}", "{what}未能判断：{reason}"),
    "hmc.system_unreadable": ("{system}: {what} not judged: {reason}",
                              "{system}：{what}未能判断：{reason}"),
    # --- systems
    "hmc.systems.none": ("the HMC manages no system (the system list is empty)",
                         "该 HMC 未管理任何系统（系统列表为空）"),
    "hmc.systems.ok": ("{system} ({model} {serial}) is {state:q}; {lpars} LPARs",
                       "{system}（{model} {serial}）状态为 {state:q}；分区 {lpars} 个"),
    "hmc.systems.off_expected": ("{system} ({model} {serial}) is {state:q}, as expected "
                                 "(expected_off)",
                                 "{system}（{model} {serial}）状态为 {state:q}，符合预期"
                                 "（expected_off）"),
    "hmc.systems.bad": ("{system} ({model} {serial}) is {state:q}; its LPARs: {lpars}",
                        "{system}（{model} {serial}）状态为 {state:q}；其分区：{lpars}"),
    "hmc.systems.unknown_state": ("{system}: state {state:q} not known to weibao",
                                  "{system}：weibao 无法识别的状态 {state:q}"),
    "hmc.systems.recommend_error": ("Open the system on the HMC, read its reference code and "
                                    "serviceable events, and call IBM support or repair it",
                                    "在 HMC 上查看该系统的参考码和可维护事件，联系 IBM 支持或"
                                    "进行维修"),
    "hmc.systems.recommend_connection": ("Restore the HMC's connection to the system's "
                                         "service processor (network, FSP password: Update "
                                         "Password or Reset Connection on the HMC)",
                                         "恢复 HMC 与该系统服务处理器的连接（网络、FSP 密码："
                                         "在 HMC 上更新密码或重置连接）"),
    "hmc.systems.recommend_off": ("Find out why the system is powered off; if on purpose, "
                                  "list it in expected_off",
                                  "查明该系统关机的原因；如为有意关机，将其列入 expected_off"),
    "hmc.none": ("none", "无"),
    # --- events
    "hmc.events.ok": ("no open serviceable hardware event", "没有未关闭的可维护硬件事件"),
    "hmc.events.new": ("new serviceable event {problem} on {system}: {refcode} {text:q} "
                       "(created {created}); LPARs: {lpars}",
                       "{system} 上新的可维护事件 {problem}：{refcode} {text:q}（创建于 "
                       "{created}）；分区：{lpars}"),
    "hmc.events.open": ("serviceable event {problem} on {system} still open since the "
                        "previous inspection: {refcode} {text:q} (created {created}); LPARs: "
                        "{lpars}",
                        "{system} 上的可维护事件 {problem} 自上次巡检以来仍未关闭：{refcode} "
                        "{text:q}（创建于 {created}）；分区：{lpars}"),
    "hmc.events.unknown_status": ("serviceable event {problem} on {system}: status {status:q} "
                                  "not known to weibao: {refcode} {text:q}",
                                  "{system} 上的可维护事件 {problem}：weibao 无法识别状态 "
                                  "{status:q}：{refcode} {text:q}"),
    "hmc.events.recommend": ("Open the serviceable event on the HMC (Manage Serviceable "
                             "Events), follow its repair procedure or call IBM support, and "
                             "close it when repaired",
                             "在 HMC 上打开该可维护事件（管理可维护事件），按其维修步骤处理或"
                             "联系 IBM 支持，修复后关闭该事件"),
    # --- firmware
    "hmc.firmware.ok": ("{system}: firmware {ecnumber} level {activated} ({activated_name}) "
                        "activated and installed; accepted {accepted} ({accepted_name})",
                        "{system}：微码 {ecnumber} 级别 {activated}（{activated_name}）已激活且"
                        "已安装；已接受级别 {accepted}（{accepted_name}）"),
    "hmc.firmware.pending": ("{system}: firmware {ecnumber} level {installed} "
                             "({installed_name}) installed but {activated} ({activated_name}) "
                             "activated",
                             "{system}：微码 {ecnumber} 已安装级别 {installed}"
                             "（{installed_name}），但激活的是 {activated}（{activated_name}）"),
    "hmc.firmware.unreadable_levels": ("{system}: firmware levels {text:q} not understood",
                                       "{system}：无法理解的微码级别 {text:q}"),
    "hmc.firmware.recommend": ("Plan the activation of the installed firmware level "
                               "(a disruptive level needs a system IPL in a maintenance "
                               "window)",
                               "计划激活已安装的微码级别（中断性级别需在维护窗口内重启系统）"),
    # --- parser
    "hmc.parse.columns": ("line {line:q} has {found} fields, {expected} expected",
                          "行 {line:q} 有 {found} 个字段，应为 {expected} 个"),
    "hmc.parse.empty": ("empty output", "输出为空"),
}
