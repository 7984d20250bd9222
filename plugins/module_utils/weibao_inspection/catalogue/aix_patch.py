# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``aix_patch`` area (an AIX host's patch level): its checks and messages.

Collected on the host by ``weibao_inspect_aix`` (role inspect_aix) with the other AIX host
areas, in one module run. Message keys: ``aix_patch.<check>.<what>`` for the rules' findings,
``aix_patch.reason.<what>`` for why a parser could not read a source.
"""

from __future__ import annotations

AREA = dict(name="aix_patch", title="AIX patch level", title_zh="AIX 补丁级别",
            role="inspect_aix", collector="weibao_inspect_aix", platforms=("aix",),
            doc="oslevel -s against IBM's technology level lifecycle, instfix -i (technology "
                "levels and service packs complete), lslpp -l fileset states, lppchk -v and "
                "the interim fixes of emgr -l; output not understood: unknown, never ok")

AIX = ("aix",)

CHECKS = (
    dict(id="aix_patch.oslevel", name="AIX level and support", name_zh="AIX 版本与支持期",
         looks_at="oslevel -s (version, technology level, service pack) and the end of "
                  "service pack support of that technology level in IBM's published "
                  "lifecycle (a dated table; unknown for a level not in it)",
         looks_at_zh="oslevel -s（版本、技术级别、服务包）及该技术级别在 IBM 公布的生命周期中的"
                     "服务包支持截止日期（带日期的表；表中没有的级别为未知）",
         doc="warning this many days before the technology level's end of service pack "
             "support, and past it; a level not in the table: unknown, never ok",
         thresholds=(dict(name="warning", default=180, unit="days", zero_disables=True,
                          doc="days before the end of service pack support from which it "
                              "warns (past it always warns)"),),
         platforms=AIX, sources=("oslevel -s",)),
    dict(id="aix_patch.ml_complete", name="Technology levels and service packs complete",
         name_zh="技术级别与服务包完整性",
         looks_at="instfix -i: whether all filesets of every technology level (_ML) and "
                  "service pack (_SP) keyword were found",
         looks_at_zh="instfix -i：每个技术级别（_ML）和服务包（_SP）关键字的文件集是否全部找到",
         doc="warning for each \"Not all filesets for ... were found\" of an _ML or _SP "
             "keyword (an update left half done: oslevel -s then reports a lower level); "
             "output that names no _ML or _SP keyword or is not in English: unknown",
         platforms=AIX, sources=("instfix -i",)),
    dict(id="aix_patch.filesets", name="Fileset states", name_zh="文件集状态",
         looks_at="the state of every fileset in lslpp -l (COMMITTED, APPLIED, BROKEN, "
                  "APPLYING, COMMITTING, REJECTING, OBSOLETE, EFIX LOCKED)",
         looks_at_zh="lslpp -l 中每个文件集的状态（COMMITTED、APPLIED、BROKEN、APPLYING、"
                     "COMMITTING、REJECTING、OBSOLETE、EFIX LOCKED）",
         doc="critical for a BROKEN fileset; warning for one left APPLYING, COMMITTING or "
             "REJECTING (an interrupted installp) and, from this many, for APPLIED "
             "filesets not committed (0 lists them without a warning); COMMITTED, OBSOLETE "
             "and EFIX LOCKED are ok",
         thresholds=(dict(name="applied_warning", default=1, unit="filesets",
                          zero_disables=True,
                          doc="APPLIED (not committed) filesets from which it warns; 0: "
                              "listed, never a warning (a site that commits later on "
                              "purpose)"),),
         platforms=AIX, sources=("lslpp -l",)),
    dict(id="aix_patch.lppchk", name="Installed software consistency",
         name_zh="已安装软件一致性",
         looks_at="lppchk -v: filesets whose requisites are missing or whose usr and root "
                  "parts disagree",
         looks_at_zh="lppchk -v：缺少必需文件集或 usr 与 root 部分不一致的文件集",
         doc="no output is ok; any output a warning, critical when it names a BROKEN "
             "fileset",
         platforms=AIX, sources=("lppchk -v",)),
    dict(id="aix_patch.ifixes", name="Interim fixes (efixes)", name_zh="临时修复（efix）",
         looks_at="emgr -l: each interim fix and its state",
         looks_at_zh="emgr -l：每个临时修复及其状态",
         doc="critical for a BROKEN (B) fix; warning for a fix that needs a reboot (*Q*, "
             "QP, QN, RQ), one left INSTALLING or REMOVING, and one UNMOUNTED, TESTED or "
             "NOT PATCHED (installed but not in force); STABLE, MOUNTED and PATCHED are "
             "ok; \"There is no efix data on this system.\" is ok (none installed); a state "
             "code not known: unknown",
         platforms=AIX, sources=("emgr -l",)),
)

MESSAGES = {
    # --- reading
    "aix_patch.reason.empty": ("{source}: empty output", "{source}：输出为空"),
    "aix_patch.reason.bad_value": ("{source}: neither output nor a failure",
                                   "{source}：既不是命令输出也不是失败说明"),
    "aix_patch.reason.not_oslevel": ("oslevel -s: not a VRMF-TL-SP-YYWW level: {text:q}",
                                     "oslevel -s：不是 VRMF-TL-SP-YYWW 格式的级别：{text:q}"),
    "aix_patch.reason.no_ml": ("instfix -i: no technology level (_ML) or service pack (_SP) "
                               "keyword in the output: {text:q}",
                               "instfix -i：输出中没有技术级别（_ML）或服务包（_SP）关键字："
                               "{text:q}"),
    "aix_patch.reason.not_english": ("{source}: line not understood (not English? the "
                                     "collector runs it with LC_ALL=C): {text:q}",
                                     "{source}：无法识别的行（不是英文输出？采集时应使用 "
                                     "LC_ALL=C）：{text:q}"),
    "aix_patch.reason.no_filesets": ("lslpp -l: no fileset line in the output: {text:q}",
                                     "lslpp -l：输出中没有文件集行：{text:q}"),
    "aix_patch.reason.bad_fileset": ("lslpp -l: fileset line with a state not known: {text:q}",
                                     "lslpp -l：文件集行的状态无法识别：{text:q}"),
    "aix_patch.reason.not_emgr": ("emgr -l: not emgr's interim fix table: {text:q}",
                                  "emgr -l：不是 emgr 的临时修复列表：{text:q}"),
    "aix_patch.reason.bad_ifix": ("emgr -l: interim fix line not understood: {text:q}",
                                  "emgr -l：无法识别的临时修复行：{text:q}"),
    # --- oslevel
    "aix_patch.oslevel.supported": ("{level}: service pack support of the technology level "
                                    "until {eos} ({days} days left)",
                                    "{level}：该技术级别的服务包支持至 {eos}（剩余 {days} 天）"),
    "aix_patch.oslevel.ends_soon": ("{level}: service pack support of the technology level "
                                    "ends on {eos}, in {days} days",
                                    "{level}：该技术级别的服务包支持将于 {eos} 结束，还剩 "
                                    "{days} 天"),
    "aix_patch.oslevel.ended": ("{level}: service pack support of the technology level ended "
                                "on {eos}: IBM issues no more service packs or interim fixes "
                                "for it",
                                "{level}：该技术级别的服务包支持已于 {eos} 结束，IBM 不再为其"
                                "发布服务包或临时修复"),
    "aix_patch.oslevel.eos_unknown": ("{level}: no end of service date for AIX {version} "
                                      "TL{tl} in weibao's table",
                                      "{level}：weibao 的表中没有 AIX {version} TL{tl} 的服务"
                                      "截止日期"),
    "aix_patch.oslevel.eos_unknown_rec": ("Look the technology level up in IBM's AIX support "
                                          "lifecycle page (or the Fix Level Recommendation "
                                          "Tool) and add it to the table in "
                                          "rules/aix_patch.py",
                                          "在 IBM 的 AIX 支持生命周期页面（或 Fix Level "
                                          "Recommendation Tool）查询该技术级别，并添加到 "
                                          "rules/aix_patch.py 的表中"),
    "aix_patch.oslevel.no_time": ("{level}: the inspection time is not known, so the days to "
                                  "{eos} cannot be counted",
                                  "{level}：巡检时间未知，无法计算距 {eos} 的天数"),
    "aix_patch.oslevel.recommendation": ("Plan an update to a supported technology level "
                                         "and service pack (Fix Central, the Fix Level "
                                         "Recommendation Tool)",
                                         "规划升级到仍受支持的技术级别和服务包（Fix Central、"
                                         "Fix Level Recommendation Tool）"),
    # --- instfix
    "aix_patch.ml.ok": ("All filesets found for {count} technology level and service pack "
                        "keyword(s); latest {latest}",
                        "{count} 个技术级别与服务包关键字的文件集均已全部找到，最新为 "
                        "{latest}"),
    "aix_patch.ml.incomplete": ("Not all filesets found for {keywords:list}",
                                "以下关键字的文件集未全部找到：{keywords:list}"),
    "aix_patch.ml.recommendation": ("List what is missing (instfix -ciqk KEYWORD | grep :-:, "
                                    "oslevel -rl / -sl LEVEL) and install it from the "
                                    "technology level's or service pack's images",
                                    "列出缺少的文件集（instfix -ciqk 关键字 | grep :-:，"
                                    "oslevel -rl / -sl 级别），并从该技术级别或服务包的安装介质"
                                    "安装"),
    # --- lslpp
    "aix_patch.filesets.ok": ("{count} filesets: all COMMITTED (or OBSOLETE, EFIX LOCKED)",
                              "{count} 个文件集：均为 COMMITTED（或 OBSOLETE、EFIX LOCKED）"),
    "aix_patch.filesets.applied_ok": ("{count} filesets; {applied} APPLIED, not committed "
                                      "(listed only, as the site asks): {names:list}",
                                      "{count} 个文件集；{applied} 个为 APPLIED 未提交（按站点"
                                      "设置仅列出）：{names:list}"),
    "aix_patch.filesets.broken": ("{count} BROKEN fileset(s): {names:list}",
                                  "{count} 个文件集状态为 BROKEN：{names:list}"),
    "aix_patch.filesets.interrupted": ("{count} fileset(s) left in an installp operation "
                                       "(APPLYING, COMMITTING, REJECTING): {names:list}",
                                       "{count} 个文件集停留在 installp 操作中（APPLYING、"
                                       "COMMITTING、REJECTING）：{names:list}"),
    "aix_patch.filesets.applied": ("{count} fileset(s) APPLIED, not committed: {names:list}",
                                   "{count} 个文件集为 APPLIED 未提交：{names:list}"),
    "aix_patch.filesets.broken_rec": ("Reinstall the BROKEN filesets from their images "
                                      "(installp -acgXF or smitty install), then run lppchk -v",
                                      "从安装介质重新安装状态为 BROKEN 的文件集（installp "
                                      "-acgXF 或 smitty install），然后运行 lppchk -v"),
    "aix_patch.filesets.interrupted_rec": ("If no installp is running, clean up the "
                                           "interrupted operation (installp -C) and run it "
                                           "again",
                                           "若没有 installp 正在运行，清理被中断的操作（"
                                           "installp -C）后重新执行"),
    "aix_patch.filesets.applied_rec": ("Commit the applied updates once they are proven "
                                       "(installp -c all, smitty commit), or reject them "
                                       "(installp -r)",
                                       "更新验证无误后提交（installp -c all，smitty commit），"
                                       "或拒绝（installp -r）"),
    # --- lppchk
    "aix_patch.lppchk.ok": ("lppchk -v: no inconsistency", "lppchk -v：未发现不一致"),
    "aix_patch.lppchk.problems": ("lppchk -v reports {count} line(s) of inconsistency: "
                                  "{first:q}",
                                  "lppchk -v 报告 {count} 行不一致信息：{first:q}"),
    "aix_patch.lppchk.broken": ("lppchk -v names BROKEN filesets: {first:q}",
                                "lppchk -v 指出有 BROKEN 文件集：{first:q}"),
    "aix_patch.lppchk.recommendation": ("Install or correct the filesets lppchk -v names "
                                        "(missing requisites, usr and root parts out of "
                                        "step), then run lppchk -v again",
                                        "安装或修正 lppchk -v 列出的文件集（缺少必需文件集、"
                                        "usr 与 root 部分不一致），然后再次运行 lppchk -v"),
    # --- emgr
    "aix_patch.ifixes.none": ("No interim fix installed (emgr: no efix data)",
                              "未安装临时修复（emgr：没有 efix 数据）"),
    "aix_patch.ifixes.ok": ("{count} interim fix(es), all in force: {labels:list}",
                            "{count} 个临时修复，均已生效：{labels:list}"),
    "aix_patch.ifixes.fix": ("{label} ({state})", "{label}（{state}）"),
    "aix_patch.ifixes.broken": ("BROKEN interim fix(es): {fixes:list}",
                                "状态为 BROKEN 的临时修复：{fixes:list}"),
    "aix_patch.ifixes.reboot": ("Interim fix(es) waiting for a reboot: {fixes:list}",
                                "等待重启才能生效的临时修复：{fixes:list}"),
    "aix_patch.ifixes.interrupted": ("Interim fix(es) left installing or removing: "
                                     "{fixes:list}",
                                     "停留在安装或删除过程中的临时修复：{fixes:list}"),
    "aix_patch.ifixes.inactive": ("Interim fix(es) installed but not in force (unmounted, "
                                  "tested, not patched): {fixes:list}",
                                  "已安装但未生效的临时修复（已卸载、测试中、未修补）："
                                  "{fixes:list}"),
    "aix_patch.ifixes.unknown_state": ("Interim fix(es) in a state weibao does not know: "
                                       "{fixes:list}",
                                       "临时修复处于 weibao 无法识别的状态：{fixes:list}"),
    "aix_patch.ifixes.broken_rec": ("Remove the BROKEN fix (emgr -r -L LABEL, or emgr -R "
                                    "LABEL if that fails) and install it again from its "
                                    "package",
                                    "删除状态为 BROKEN 的修复（emgr -r -L 标签，失败时用 "
                                    "emgr -R 标签），再从修复包重新安装"),
    "aix_patch.ifixes.reboot_rec": ("Reboot the host in a maintenance window so that the "
                                    "fix takes effect",
                                    "在维护窗口内重启主机，使修复生效"),
    "aix_patch.ifixes.other_rec": ("Check the fixes with emgr -c -L LABEL; finish, mount or "
                                   "remove them (emgr -M, emgr -r)",
                                   "用 emgr -c -L 标签检查这些修复，完成、挂载或删除它们（"
                                   "emgr -M，emgr -r）"),
}
