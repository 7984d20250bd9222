# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``aix_lvm`` area (AIX volume groups, logical volumes, paging, dump device, boot list
and file systems): its checks and messages. Collected on the host by ``weibao_inspect_aix``
(role inspect_aix)."""

from __future__ import annotations

AREA = dict(name="aix_lvm", title="AIX volume groups and paging",
            title_zh="AIX 卷组与分页空间", role="inspect_aix", collector="weibao_inspect_aix",
            platforms=("aix",),
            doc="AIX LVM: volume groups (lsvg VG), their logical volumes (lsvg -l VG), rootvg "
                "mirroring and boot list, paging spaces (lsps), the dump device (sysdumpdev) "
                "and file systems' space and inodes (df -k)")

AIX = ("aix",)

CHECKS = (
    dict(id="aix_lvm.vg_state", name="AIX volume groups", name_zh="AIX 卷组",
         looks_at="each varied-on volume group (lsvg VG): VG STATE, stale PVs and PPs, active "
                  "against total PVs, and quorum on a mirrored rootvg",
         looks_at_zh="每个已激活卷组（lsvg VG）：VG STATE、过时（stale）的物理卷与物理分区、"
                     "活动物理卷数与物理卷总数、镜像 rootvg 的仲裁（quorum）设置",
         doc="critical on stale PVs or PPs, fewer ACTIVE PVs than TOTAL PVs (a disk missing) "
             "or a VG STATE other than active; warning on a read-only VG, or quorum enabled "
             "on a rootvg mirrored across disks (losing one disk would vary it off)",
         platforms=AIX, sources=("lsvg rootvg", "lsvg", "lsvg -l rootvg")),
    dict(id="aix_lvm.vg_free", name="AIX volume group free space", name_zh="AIX 卷组剩余空间",
         looks_at="FREE PPs against TOTAL PPs of each volume group (lsvg VG)",
         looks_at_zh="每个卷组的 FREE PPs 与 TOTAL PPs（lsvg VG）",
         doc="warning when a VG's free PPs fall to warning percent of its total or below; off "
             "with 0 (many VGs are fully allocated on purpose)",
         thresholds=(dict(name="warning", default=5, unit="% free", zero_disables=True,
                          doc="free PPs (percent of total) at or below which it warns"),),
         platforms=AIX, sources=("lsvg rootvg",)),
    dict(id="aix_lvm.lv_state", name="AIX logical volumes", name_zh="AIX 逻辑卷",
         looks_at="LV STATE of each logical volume (lsvg -l VG): stale copies, closed file "
                  "systems; closed boot, dump, paging, log and multibos standby (bos_*) LVs are "
                  "normal",
         looks_at_zh="每个逻辑卷的 LV STATE（lsvg -l VG）：过时的副本、未打开的文件系统；"
                     "引导、转储、分页、日志与 multibos 备用（bos_*）逻辑卷处于 closed 属正常",
         doc="critical per stale LV (open/stale, closed/stale); warning per closed jfs/jfs2 LV "
             "with a mount point (the file system is not mounted)",
         platforms=AIX, sources=("lsvg -l rootvg",)),
    dict(id="aix_lvm.rootvg_mirror", name="AIX rootvg mirroring", name_zh="AIX rootvg 镜像",
         looks_at="copies of each rootvg LV (lsvg -l rootvg: PPs = copies x LPs; dump LVs left "
                  "out, they are not mirrored by design)",
         looks_at_zh="rootvg 各逻辑卷的副本数（lsvg -l rootvg：PPs = 副本数 × LPs；转储逻辑卷"
                     "按设计不做镜像，不计入）",
         doc="warning when some rootvg LVs have fewer copies than the others (a mirror left "
             "half done), or fewer copies than rootvg_copies where the site sets it (2: "
             "mirrored); unset, the host's own layout is taken as intended",
         thresholds=(dict(name="rootvg_copies", default=None, unit="copies",
                          zero_disables=True,
                          doc="copies every rootvg LV must have (1 unmirrored, 2 mirrored); "
                              "unset: not judged against the site"),),
         platforms=AIX, sources=("lsvg -l rootvg",)),
    dict(id="aix_lvm.bootlist", name="AIX boot list", name_zh="AIX 启动列表",
         looks_at="the normal-mode boot list (bootlist -m normal -o) against rootvg's disks "
                  "(lspv) when rootvg is mirrored (lsvg -l rootvg)",
         looks_at_zh="正常模式启动列表（bootlist -m normal -o）与 rootvg 的磁盘（lspv）对照，"
                     "rootvg 有镜像时（lsvg -l rootvg）",
         doc="critical when the boot list is empty; warning when rootvg is mirrored (hd5 has "
             "two copies) and a rootvg disk is not in the boot list, or a listed disk is not "
             "in rootvg",
         platforms=AIX, sources=("bootlist -m normal -o", "lspv", "lsvg -l rootvg")),
    dict(id="aix_lvm.paging", name="AIX paging space", name_zh="AIX 分页空间",
         looks_at="paging spaces (lsps -a: %Used, Active, Auto) and the total (lsps -s)",
         looks_at_zh="分页空间（lsps -a：%Used、Active、Auto）与总量（lsps -s）",
         doc="critical or warning when total or per-space %Used reaches the levels; warning "
             "on a paging space set to activate at boot (Auto yes) that is not active",
         thresholds=(dict(name="warning", default=50, unit="%",
                          doc="%Used at or above which it warns"),
                     dict(name="critical", default=80, unit="%",
                          doc="%Used at or above which it is critical")),
         platforms=AIX, sources=("lsps -a", "lsps -s")),
    dict(id="aix_lvm.dump", name="AIX dump device", name_zh="AIX 转储设备",
         looks_at="the system dump devices (sysdumpdev -l)",
         looks_at_zh="系统转储设备（sysdumpdev -l）",
         doc="warning when the primary dump device is /dev/sysdumpnull (a crash leaves no "
             "dump for IBM support)",
         platforms=AIX, sources=("sysdumpdev -l",)),
    dict(id="aix_lvm.filesystems", name="AIX file systems", name_zh="AIX 文件系统",
         looks_at="space (%Used) and inodes (%Iused) of each file system (df -k; /proc and "
                  "file systems without figures left out)",
         looks_at_zh="各文件系统的空间（%Used）与 inode（%Iused）（df -k；/proc 等无数值的"
                     "不计入）",
         doc="critical or warning per file system whose %Used or %Iused reaches the levels",
         thresholds=(dict(name="warning", default=85, unit="%",
                          doc="%Used or %Iused at or above which it warns"),
                     dict(name="critical", default=95, unit="%",
                          doc="%Used or %Iused at or above which it is critical")),
         platforms=AIX, sources=("df -k",)),
)

MESSAGES = {
    # --- reading
    "aix_lvm.reason.bad_line": ("{source}: unexpected line {line:q}",
                                "{source}：无法识别的行：{line:q}"),
    "aix_lvm.reason.tool_error": ("{source}: {text:q}", "{source}：{text:q}"),
    "aix_lvm.reason.bad_value": ("{source}: value {value:q} not understood",
                                 "{source}：无法识别的值：{value:q}"),
    "aix_lvm.reason.no_field": ("{source}: no {field} field (another locale?)",
                                "{source}：没有 {field} 字段（是否为其他语言环境的输出？）"),
    "aix_lvm.reason.no_header": ("{source}: no column header (another locale?)",
                                 "{source}：没有列标题行（是否为其他语言环境的输出？）"),
    "aix_lvm.reason.no_rows": ("{source}: a header and no rows",
                               "{source}：只有标题行，没有数据行"),
    "aix_lvm.unreadable": ("not judged: {reason}", "未能判断：{reason}"),
    "aix_lvm.vg_unreadable": ("volume group {vg} not judged: {reason}",
                              "卷组 {vg} 未能判断：{reason}"),
    # --- volume groups
    "aix_lvm.vg.ok": ("volume group {vg} is active: {pvs} PVs active, no stale PV or PP",
                      "卷组 {vg} 处于活动状态：{pvs} 个物理卷在用，没有过时的物理卷或物理分区"),
    "aix_lvm.vg.missing_pv": ("volume group {vg}: {active} of {total} PVs active (a disk is "
                              "missing)",
                              "卷组 {vg}：{total} 个物理卷中只有 {active} 个在用（有磁盘缺失）"),
    "aix_lvm.vg.stale": ("volume group {vg} has stale copies: {pvs} stale PVs, {pps} stale PPs",
                         "卷组 {vg} 有过时的副本：过时物理卷 {pvs} 个，过时物理分区 {pps} 个"),
    "aix_lvm.vg.state": ("volume group {vg} state is {state:q}", "卷组 {vg} 状态为 {state:q}"),
    "aix_lvm.vg.read_only": ("volume group {vg} permission is {permission:q}",
                             "卷组 {vg} 的访问权限为 {permission:q}"),
    "aix_lvm.vg.quorum": ("volume group {vg} is mirrored across {pvs} disks with quorum "
                          "enabled: losing one disk can vary it off",
                          "卷组 {vg} 在 {pvs} 块磁盘间镜像且启用了仲裁（quorum）："
                          "损坏一块磁盘就可能使其去激活"),
    "aix_lvm.vg.none": ("no volume group in the output", "输出中没有卷组"),
    "aix_lvm.vg.details_missing": ("volume groups listed ({vgs}) but lsvg VG not collected",
                                   "已列出卷组（{vgs}），但未采集 lsvg VG 的输出"),
    "aix_lvm.vg.recommend_missing": ("Check the disk and its paths (lspath, errpt), then "
                                     "varyonvg the VG again to bring the PV back.",
                                     "检查该磁盘及其路径（lspath、errpt），然后重新执行 "
                                     "varyonvg 使物理卷恢复在用。"),
    "aix_lvm.vg.recommend_stale": ("Find why the copies went stale (errpt, lspv -l), then "
                                   "syncvg -v VG.",
                                   "查明副本过时的原因（errpt、lspv -l），然后执行 "
                                   "syncvg -v 卷组名。"),
    "aix_lvm.vg.recommend_read_only": ("Find why the VG is not read/write (errpt) and vary it "
                                       "on read/write.",
                                       "查明卷组不是读写状态的原因（errpt），并以读写方式激活。"),
    "aix_lvm.vg.recommend_quorum": ("Disable quorum on the mirrored rootvg (chvg -Qn rootvg; "
                                    "effective at the next varyon / boot).",
                                    "对已镜像的 rootvg 关闭仲裁（chvg -Qn rootvg；下次激活或"
                                    "重启后生效）。"),
    # --- free space
    "aix_lvm.vg_free.ok": ("volume group {vg}: {free} of {total} PPs free ({percent}%)",
                           "卷组 {vg}：{total} 个物理分区中空闲 {free} 个（{percent}%）"),
    "aix_lvm.vg_free.low": ("volume group {vg}: only {free} of {total} PPs free ({percent}%, "
                            "warning at {warning}%)",
                            "卷组 {vg}：{total} 个物理分区中只有 {free} 个空闲（{percent}%，"
                            "告警阈值 {warning}%）"),
    "aix_lvm.vg_free.no_total": ("volume group {vg}: no TOTAL PPs figure",
                                 "卷组 {vg}：没有 TOTAL PPs 数值"),
    "aix_lvm.vg_free.recommend": ("Plan space: add a disk to the VG (extendvg) before file "
                                  "systems or paging need to grow.",
                                  "规划空间：在文件系统或分页空间需要扩展前为卷组添加磁盘"
                                  "（extendvg）。"),
    # --- logical volumes
    "aix_lvm.lv.stale": ("logical volume {lv} ({type}) in {vg} is {state}",
                         "卷组 {vg} 中的逻辑卷 {lv}（{type}）状态为 {state}"),
    "aix_lvm.lv.closed_fs": ("logical volume {lv} in {vg} is closed: file system {mount} is "
                             "not mounted",
                             "卷组 {vg} 中的逻辑卷 {lv} 未打开：文件系统 {mount} 未挂载"),
    "aix_lvm.lv.ok": ("{vg}: {count} logical volumes, all in sync",
                      "{vg}：共 {count} 个逻辑卷，全部已同步"),
    "aix_lvm.lv.ok_closed": ("{vg}: {count} logical volumes, all in sync; closed as usual: "
                             "{closed}",
                             "{vg}：共 {count} 个逻辑卷，全部已同步；按常规处于关闭状态："
                             "{closed}"),
    "aix_lvm.lv.recommend_stale": ("Check the disks of {vg} (errpt, lspv), then syncvg -l LV "
                                   "or syncvg -v {vg}.",
                                   "检查卷组 {vg} 的磁盘（errpt、lspv），然后执行 syncvg -l "
                                   "逻辑卷名 或 syncvg -v {vg}。"),
    "aix_lvm.lv.recommend_closed": ("Mount the file system if it should be (mount, "
                                    "/etc/filesystems mount = true), or note it as unused.",
                                    "如该文件系统应当挂载则挂载它（mount，/etc/filesystems 中 "
                                    "mount = true），否则记录为未使用。"),
    # --- rootvg mirroring
    "aix_lvm.mirror.no_rootvg": ("lsvg -l rootvg not collected", "未采集 lsvg -l rootvg 的输出"),
    "aix_lvm.mirror.no_lvs": ("rootvg lists no logical volume to judge",
                              "rootvg 中没有可判断的逻辑卷"),
    "aix_lvm.mirror.ok_mirrored": ("rootvg is mirrored: {count} logical volumes with {copies} "
                                   "copies each",
                                   "rootvg 已镜像：{count} 个逻辑卷均有 {copies} 份副本"),
    "aix_lvm.mirror.ok_single": ("rootvg is not mirrored ({count} logical volumes with one "
                                 "copy), as the site expects or has not said",
                                 "rootvg 未镜像（{count} 个逻辑卷均只有一份副本），符合站点要求"
                                 "或站点未作要求"),
    "aix_lvm.mirror.below_site": ("rootvg: {count} logical volumes with {copies} copies, the "
                                  "site expects {wanted}: {lvs}",
                                  "rootvg：{count} 个逻辑卷只有 {copies} 份副本，站点要求 "
                                  "{wanted} 份：{lvs}"),
    "aix_lvm.mirror.uneven": ("rootvg is mirrored unevenly: {count} logical volumes with fewer "
                              "than {most} copies: {lvs}",
                              "rootvg 镜像不完整：{count} 个逻辑卷的副本少于 {most} 份：{lvs}"),
    "aix_lvm.mirror.recommend": ("Mirror rootvg (mirrorvg rootvg hdiskN, then bosboot -ad "
                                 "/dev/hdiskN and bootlist) or mklvcopy the LVs left out.",
                                 "镜像 rootvg（mirrorvg rootvg hdiskN，然后执行 bosboot -ad "
                                 "/dev/hdiskN 并设置 bootlist），或对遗漏的逻辑卷执行 "
                                 "mklvcopy。"),
    # --- boot list
    "aix_lvm.boot.empty": ("the normal-mode boot list is empty", "正常模式启动列表为空"),
    "aix_lvm.boot.ok_single": ("boot list: {devices} (rootvg not mirrored)",
                               "启动列表：{devices}（rootvg 未镜像）"),
    "aix_lvm.boot.ok_mirrored": ("boot list holds every rootvg disk: {devices}",
                                 "启动列表包含 rootvg 的全部磁盘：{devices}"),
    "aix_lvm.boot.incomplete": ("rootvg is mirrored on {disks} but the boot list is {devices} "
                                "(not listed: {absent}; not in rootvg: {foreign})",
                                "rootvg 镜像于 {disks}，但启动列表为 {devices}（未列入：{absent}；"
                                "不属于 rootvg：{foreign}）"),
    "aix_lvm.boot.no_rootvg": ("rootvg is on {disks} but the boot list is {devices}: no "
                               "rootvg disk in it",
                               "rootvg 位于 {disks}，但启动列表为 {devices}：其中没有 rootvg "
                               "的磁盘"),
    "aix_lvm.boot.unjudged": ("boot list {devices} not compared with rootvg: {source} not "
                              "read ({reason})",
                              "启动列表 {devices} 未与 rootvg 对照：未能读取 {source}"
                              "（{reason}）"),
    "aix_lvm.boot.recommend": ("Set the boot list to rootvg's disks (bootlist -m normal hdisk0 "
                               "hdisk1) after bosboot -ad on each.",
                               "对每块 rootvg 磁盘执行 bosboot -ad 后，将启动列表设为这些磁盘"
                               "（bootlist -m normal hdisk0 hdisk1）。"),
    # --- paging
    "aix_lvm.paging.total": ("paging space {used}% used of {size} MB in all",
                             "分页空间总计 {size} MB，已使用 {used}%"),
    "aix_lvm.paging.space": ("paging space {space} on {pv}: {used}% used of {size} MB "
                             "(active: {active})",
                             "分页空间 {space}（{pv}）：{size} MB 中已使用 {used}%"
                             "（活动：{active}）"),
    "aix_lvm.paging.inactive": ("paging space {space} on {pv} is set to activate at boot but "
                                "is not active",
                                "分页空间 {space}（{pv}）设置为启动时激活，但当前未激活"),
    "aix_lvm.paging.recommend": ("Find what uses the memory (svmon -P, ps gv) and add paging "
                                 "space (chps -s) or memory; a full paging space kills "
                                 "processes.",
                                 "查明占用内存的进程（svmon -P、ps gv），并增加分页空间"
                                 "（chps -s）或内存；分页空间耗尽会导致进程被终止。"),
    "aix_lvm.paging.recommend_inactive": ("Activate it (swapon /dev/{space}) or set it not to "
                                          "(chps -a n {space}).",
                                          "激活它（swapon /dev/{space}），或取消启动时激活"
                                          "（chps -a n {space}）。"),
    "aix_lvm.word.yes": ("yes", "是"),
    "aix_lvm.word.no": ("no", "否"),
    # --- dump
    "aix_lvm.dump.ok": ("primary dump device {primary}, secondary {secondary}",
                        "主转储设备 {primary}，辅助转储设备 {secondary}"),
    "aix_lvm.dump.null": ("the primary dump device is {primary}: a crash leaves no dump",
                          "主转储设备为 {primary}：系统崩溃时不会留下转储"),
    "aix_lvm.dump.recommend": ("Set a dump device (sysdumpdev -P -p /dev/lg_dumplv) sized by "
                               "sysdumpdev -e.",
                               "设置转储设备（sysdumpdev -P -p /dev/lg_dumplv），大小参照 "
                               "sysdumpdev -e 的估算。"),
    # --- file systems
    "aix_lvm.fs.ok": ("{mount}: {used} used, {iused} inodes used",
                      "{mount}：空间已用 {used}，inode 已用 {iused}"),
    "aix_lvm.fs.space": ("{mount} is {used}% full ({free_mb} MB free)",
                         "{mount} 空间已用 {used}%（剩余 {free_mb} MB）"),
    "aix_lvm.fs.inodes": ("{mount} has {iused}% of its inodes used ({count})",
                          "{mount} 的 inode 已用 {iused}%（{count} 个）"),
    "aix_lvm.fs.none": ("df -k lists no file system with figures",
                        "df -k 中没有带数值的文件系统"),
    "aix_lvm.fs.recommend": ("Clean up or grow the file system (chfs -a size=+1G MOUNT; JFS2 "
                             "allocates inodes as it grows).",
                             "清理或扩展该文件系统（chfs -a size=+1G 挂载点；JFS2 扩展时会"
                             "相应增加 inode）。"),
}
