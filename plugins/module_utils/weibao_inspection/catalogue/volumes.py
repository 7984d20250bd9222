# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``volumes`` area (software RAID, LVM and multipath on Linux hosts): its checks and
messages. Collected on the host by ``weibao_inspect_storage`` (role inspect_storage)."""

from __future__ import annotations

AREA = dict(name="volumes", title="Software RAID and volumes", title_zh="软件 RAID 与卷",
            role="inspect_storage", collector="weibao_inspect_storage",
            doc="md software RAID (/proc/mdstat, mdadm --detail), LVM physical volumes, "
                "volume groups and logical volumes, and multipath maps")

MD = ("cat /proc/mdstat", "mdadm --detail /dev/{id}")

CHECKS = (
    dict(id="volumes.md_arrays", name="Software RAID arrays", name_zh="软件 RAID 阵列",
         looks_at="md arrays: members missing or faulty, resync / recovery / reshape progress, "
                  "spares (/proc/mdstat, mdadm --detail)",
         looks_at_zh="md 阵列：缺失或故障的成员盘、同步／重建／重塑进度、热备盘"
                     "（/proc/mdstat、mdadm --detail）",
         doc="critical when an array is degraded, failed or inactive (also while it recovers "
             "onto a spare, with the progress); warning on a faulty member in an array that is "
             "otherwise clean, a reshape, a resync after an unclean shutdown, or fewer spares "
             "than at the previous inspection (a spare consumed); a scheduled check is ok",
         sources=MD),
    dict(id="volumes.lvm_pvs", name="LVM physical volumes", name_zh="LVM 物理卷",
         looks_at="physical volumes (pvs; JSON report or columns): missing PVs",
         looks_at_zh="物理卷（pvs，JSON 报告或列输出）：缺失的物理卷",
         doc="critical per missing PV (pv_attr m, or [unknown] device)",
         sources=("pvs",)),
    dict(id="volumes.lvm_vgs", name="LVM volume groups", name_zh="LVM 卷组",
         looks_at="volume groups (vgs): partial (a PV missing)",
         looks_at_zh="卷组（vgs）：不完整（缺少物理卷）",
         doc="critical per partial VG (vg_attr p, or vg_missing_pv_count above 0)",
         sources=("vgs",)),
    dict(id="volumes.lvm_lvs", name="LVM logical volumes", name_zh="LVM 逻辑卷",
         looks_at="logical volumes (lvs): RAID and mirror health and sync, invalid snapshots; "
                  "Cpy%Sync judged on RAID and mirror LVs only (on cache LVs it is another "
                  "figure)",
         looks_at_zh="逻辑卷（lvs）：RAID 与镜像的健康状态和同步进度、失效的快照；Cpy%Sync "
                     "只对 RAID 与镜像逻辑卷判断（缓存逻辑卷上其含义不同）",
         doc="critical on health partial (an image lost) or an invalid snapshot; warning on "
             "refresh needed, mismatches found, or a RAID / mirror LV not in sync (with its "
             "Cpy%Sync)",
         sources=("lvs",)),
    dict(id="volumes.multipath", name="Multipath", name_zh="多路径",
         looks_at="multipath maps (multipath -ll): paths failed, faulty or shaky, active paths "
                  "per map",
         looks_at_zh="多路径映射（multipath -ll）：失效、故障或不稳定的路径，每个映射的"
                     "活动路径数",
         doc="critical when a map has no active path; warning per failed, faulty or shaky path, "
             "or fewer active paths than min_paths",
         thresholds=(dict(name="min_paths", default=2, unit="paths",
                          doc="active paths per map below which it warns"),),
         sources=("multipath -ll",)),
)

MESSAGES = {
    # --- reading
    "volumes.reason.no_arrays_section": ("{source}: no Personalities line",
                                         "{source}：没有 Personalities 行"),
    "volumes.reason.bad_line": ("{source}: unexpected line {line:q}",
                                "{source}：无法识别的行：{line:q}"),
    "volumes.reason.no_header": ("{source}: no column header", "{source}：没有列标题行"),
    "volumes.reason.no_column": ("{source}: column {column} missing",
                                 "{source}：缺少 {column} 列"),
    "volumes.reason.bad_json": ("{source}: JSON report not understood: {detail:q}",
                                "{source}：无法识别的 JSON 报告：{detail:q}"),
    "volumes.reason.no_state": ("{source}: no State line", "{source}：没有 State 行"),
    "volumes.reason.tool_error": ("{source}: {text:q}", "{source}：{text:q}"),
    # --- md
    "volumes.md.unreadable": ("software RAID not judged: {reason}",
                              "软件 RAID 未能判断：{reason}"),
    "volumes.md.none": ("no md array on this host", "本主机没有 md 阵列"),
    "volumes.md.ok": ("{array} ({level}) is clean: {active} of {devices} members active",
                      "{array}（{level}）状态正常：{devices} 个成员中 {active} 个在用"),
    "volumes.md.ok_check": ("{array} ({level}) is clean; a scheduled check is at {progress}%",
                            "{array}（{level}）状态正常；例行校验进度 {progress}%"),
    "volumes.md.degraded": ("{array} ({level}) is degraded: {active} of {devices} members "
                            "active",
                            "{array}（{level}）已降级：{devices} 个成员中只有 {active} 个在用"),
    "volumes.md.recovering": ("{array} ({level}) is degraded and recovering: {progress}% done",
                              "{array}（{level}）已降级，正在重建：已完成 {progress}%"),
    "volumes.md.container": ("{array} is a firmware RAID (imsm / DDF) container: its volumes "
                             "are judged, not it",
                             "{array} 是固件 RAID（imsm／DDF）容器：判断其中的卷，不判断容器本身"),
    "volumes.md.inactive": ("{array} is inactive", "{array} 处于未激活状态"),
    "volumes.md.failed_state": ("{array} ({level}) state is {state:q}",
                                "{array}（{level}）状态为 {state:q}"),
    "volumes.md.faulty_member": ("{array} ({level}) has faulty members ({members}) beside its "
                                 "active ones",
                                 "{array}（{level}）除在用成员外还有故障成员（{members}）"),
    "volumes.md.reshaping": ("{array} ({level}) is reshaping: {progress}% done",
                             "{array}（{level}）正在重塑：已完成 {progress}%"),
    "volumes.md.resyncing": ("{array} ({level}) is resynchronising: {progress}% done",
                             "{array}（{level}）正在重新同步：已完成 {progress}%"),
    "volumes.md.spare_consumed": ("{array} ({level}) has {spares} spares, {previous} at the "
                                  "previous inspection: a spare was consumed",
                                  "{array}（{level}）现有热备盘 {spares} 个，上次巡检时为 "
                                  "{previous} 个：热备盘已被使用"),
    "volumes.md.recommend_degraded": ("Replace the failed member and add it back (mdadm --add); "
                                      "the array has no redundancy until it has recovered.",
                                      "更换故障成员盘并重新加入（mdadm --add）；重建完成前阵列"
                                      "没有冗余。"),
    "volumes.md.recommend_faulty": ("Remove the faulty member (mdadm --remove) and replace the "
                                    "disk.",
                                    "移除故障成员（mdadm --remove）并更换硬盘。"),
    "volumes.md.recommend_watch": ("Let it finish and look again; do not reboot meanwhile.",
                                   "等待其完成后再次检查；期间不要重启。"),
    "volumes.md.recommend_spare": ("Find the member that failed and add a new spare.",
                                   "查明故障的成员盘并补充新的热备盘。"),
    "volumes.md.recommend_inactive": ("Check the members and assemble the array (mdadm "
                                      "--assemble).",
                                      "检查成员盘并重新组装阵列（mdadm --assemble）。"),
    # --- lvm
    "volumes.lvm.unreadable": ("{what} not judged: {reason}", "{what} 未能判断：{reason}"),
    "volumes.lvm.none": ("{what}: none on this host", "{what}：本主机没有"),
    "volumes.lvm.pvs_ok": ("{count} physical volumes, none missing",
                           "共 {count} 个物理卷，没有缺失"),
    "volumes.lvm.pv_missing": ("physical volume {pv} of VG {vg} is missing",
                               "卷组 {vg} 的物理卷 {pv} 缺失"),
    "volumes.lvm.vgs_ok": ("{count} volume groups, none partial", "共 {count} 个卷组，均完整"),
    "volumes.lvm.vg_partial": ("volume group {vg} is partial: {missing} PVs missing",
                               "卷组 {vg} 不完整：缺少 {missing} 个物理卷"),
    "volumes.lvm.vg_partial_uncounted": ("volume group {vg} is partial (a PV is missing)",
                                         "卷组 {vg} 不完整（缺少物理卷）"),
    "volumes.lvm.lvs_ok": ("{count} logical volumes ({raid} RAID or mirror), all healthy and in "
                           "sync",
                           "共 {count} 个逻辑卷（其中 RAID 或镜像 {raid} 个），全部健康且已同步"),
    "volumes.lvm.lv_health": ("logical volume {lv} ({segtype}): {health}",
                              "逻辑卷 {lv}（{segtype}）：{health}"),
    "volumes.lvm.lv_sync": ("logical volume {lv} ({segtype}) is {sync}% in sync",
                            "逻辑卷 {lv}（{segtype}）同步进度 {sync}%"),
    "volumes.lvm.snapshot_invalid": ("snapshot {lv} is invalid (it filled up): its data is lost",
                                     "快照 {lv} 已失效（空间写满）：其数据已丢失"),
    "volumes.lvm.recommend_snapshot": ("Remove the invalid snapshot (lvremove) and size the next "
                                       "one for the writes it must hold.",
                                       "删除失效的快照（lvremove），并按需承载的写入量确定下一个"
                                       "快照的大小。"),
    "volumes.lvm.health.partial": ("partial, an image or PV lost", "不完整，丢失了镜像或物理卷"),
    "volumes.lvm.health.refresh": ("refresh needed (a device failed transiently)",
                                   "需要刷新（设备曾暂时失效）"),
    "volumes.lvm.health.mismatches": ("mismatches found by a scrub", "校验发现不一致"),
    "volumes.lvm.health.other": ("health {value:q}", "健康状态 {value:q}"),
    "volumes.lvm.what.pvs": ("LVM physical volumes", "LVM 物理卷"),
    "volumes.lvm.what.vgs": ("LVM volume groups", "LVM 卷组"),
    "volumes.lvm.what.lvs": ("LVM logical volumes", "LVM 逻辑卷"),
    "volumes.lvm.recommend_missing": ("Find the missing disk (cabling, multipath, SAN zoning); "
                                      "do not run vgreduce --removemissing before it is known "
                                      "lost.",
                                      "查找缺失的磁盘（线缆、多路径、SAN 分区）；在确认丢失前"
                                      "不要执行 vgreduce --removemissing。"),
    "volumes.lvm.recommend_health": ("Check the RAID LV's devices; lvchange --refresh after a "
                                     "transient failure, lvconvert --repair for a lost one.",
                                     "检查该 RAID 逻辑卷的设备；暂时失效后执行 lvchange "
                                     "--refresh，设备丢失则执行 lvconvert --repair。"),
    "volumes.lvm.recommend_sync": ("Let the sync finish and look again.",
                                   "等待同步完成后再次检查。"),
    # --- multipath
    "volumes.mp.unreadable": ("multipath not judged: {reason}", "多路径未能判断：{reason}"),
    "volumes.mp.none": ("no multipath map on this host", "本主机没有多路径映射"),
    "volumes.mp.ok": ("map {map}: {active} of {paths} paths active and ready",
                      "映射 {map}：{paths} 条路径中 {active} 条处于活动就绪状态"),
    "volumes.mp.bad_paths": ("map {map}: {active} of {paths} paths active; not working: {bad}",
                             "映射 {map}：{paths} 条路径中 {active} 条活动；异常路径：{bad}"),
    "volumes.mp.few_paths": ("map {map}: {active} active paths, fewer than {min_paths}",
                             "映射 {map}：只有 {active} 条活动路径，少于 {min_paths} 条"),
    "volumes.mp.no_path": ("map {map}: no active path ({paths} paths)",
                           "映射 {map}：没有活动路径（共 {paths} 条）"),
    "volumes.mp.recommend": ("Check the failed paths' HBA ports, cables, switch ports and "
                             "zoning, then multipathd show paths.",
                             "检查失效路径的 HBA 端口、线缆、交换机端口和分区，然后执行 "
                             "multipathd show paths。"),
}
