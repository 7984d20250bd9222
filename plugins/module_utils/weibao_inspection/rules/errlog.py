# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify kernel/system log messages into hardware and resource events, count, judge.

Three layers, all bounded in memory:

1. :data:`PREFILTER` -- one compiled bytes regex of literal keywords. A line that does not
   contain any of them cannot match a rule, so the collector skips it before decoding or
   parsing (most of a month of syslog is noise); :func:`scan` runs it on blocks of
   :data:`SCAN_BLOCK_LINES` lines and skips a block without any keyword whole.
2. :func:`classify` -- the rule table :data:`RULES`: a message -> :class:`Event` (class,
   component, kind, severity, weight) or None. First matching rule wins.
3. :class:`EventCounter` -- counts per (class, component), per message *kind*. One incident
   is often logged by several messages (a bad sector gives a SCSI sense line, a block-layer
   ``I/O error, dev sda`` line and a ``Buffer I/O error`` line); each kind is counted
   separately and a bucket's event count is the **largest** of its kind counts, so neither a
   driver that prints one of them nor one that prints all three is miscounted. Counters of
   log streams that overlap (``syslog`` and ``kern.log`` hold the same kernel lines; dmesg
   repeats the kernel part of both) are merged by maximum, time-disjoint streams by sum.

:func:`build_findings` turns a counter plus the list of sources read into findings:
one per (class, component) with events, one ``ok`` per class without events, and
``errlog.sources``. When no source could be read every class is ``unknown``; so is a class
without events (or below its warning threshold) when a source stopped at the line cap (the
lines not read are the newest) or when some of its event lines had an unreadable time.
Every summary and recommendation is written in English and Simplified Chinese
(``summary_zh``, ``recommendation_zh``; :data:`LABELS_ZH`, :data:`RECOMMENDATIONS_ZH`).
"""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import timedelta
from itertools import chain, islice

from ansible.module_utils.weibao_inspection.findings import make_finding, unknown
from ansible.module_utils.weibao_inspection.parsers.linux_errlog import decode, format_time

CLASSES = (
    "machine_check",
    "memory_ecc",
    "disk_io",
    "filesystem",
    "storage_transport",
    "nic_link",
    "oom_kill",
)

CHECK_IDS = dict((cls, "errlog." + cls) for cls in CLASSES)
SOURCES_CHECK_ID = "errlog.sources"

# Count of events (largest per-kind count of a (class, component)) at which a finding becomes
# warning / critical. None disables that level. Some events are critical whatever the count
# (uncorrected memory error, fatal machine check, filesystem shut down or remounted
# read-only, all multipath paths down): see the severity column of RULES.
DEFAULT_THRESHOLDS = {
    "machine_check": {"warning": 1, "critical": 10},
    "memory_ecc": {"warning": 1, "critical": 100},
    "disk_io": {"warning": 1, "critical": 10},
    "filesystem": {"warning": 1, "critical": 5},
    "storage_transport": {"warning": 1, "critical": 20},
    "nic_link": {"warning": 1, "critical": 10},
    "oom_kill": {"warning": 1, "critical": 5},
}

# A coverage gap larger than this between `since` and the oldest log line read is reported.
COVERAGE_SLACK = timedelta(days=1)
# Buckets per class before further components are folded into one "(other)" bucket.
MAX_COMPONENTS_PER_CLASS = 200
MAX_SAMPLE_CHARS = 400
# Lines at the start of a source parsed regardless of the prefilter, to learn its first time.
HEAD_PROBE_LINES = 20
# Lines the scanner prefilters at once (one regex search per block instead of per line).
# Lines are at most 64 KiB (the collector cuts longer ones), so a block stays a few MiB.
SCAN_BLOCK_LINES = 64

LABELS = {
    "machine_check": "machine-check",
    "memory_ecc": "memory ECC error",
    "disk_io": "disk I/O error",
    "filesystem": "filesystem error",
    "storage_transport": "storage link/transport error",
    "nic_link": "NIC link-down",
    "oom_kill": "out-of-memory kill",
}

RECOMMENDATIONS = {
    "machine_check": (
        "Machine-check errors point at CPU, memory or bus hardware: decode them with "
        "rasdaemon (ras-mc-ctl --errors) or mcelog, read the BMC/iLO/iDRAC event log and "
        "open a hardware case with the vendor if they recur."
    ),
    "memory_ecc": (
        "Check {component} in the BMC/SEL log and rasdaemon (ras-mc-ctl --error-count); "
        "corrected errors that keep growing, or any uncorrected error, mean the DIMM "
        "should be replaced."
    ),
    "disk_io": (
        "Check {component}'s SMART/RAID status (smartctl -a, the controller's CLI) and "
        "replace a disk with growing medium errors; verify the data it holds (fsck, "
        "application checks, restore from backup)."
    ),
    "filesystem": (
        "Fix the underlying disk errors first, then unmount {component} in a maintenance "
        "window and check it (fsck / xfs_repair / btrfs scrub); a filesystem remounted "
        "read-only or shut down needs immediate attention."
    ),
    "storage_transport": (
        "Link resets and transport errors on {component} usually mean a loose or faulty "
        "cable, connector, SFP or backplane slot, or a failing HBA/switch port: reseat or "
        "replace the cable, check HBA firmware and the switch/array logs for the same times."
    ),
    "nic_link": (
        "Check the cable, transceiver (SFP) and switch port of {component} and the switch "
        "log for the same times; repeated link flaps mean a faulty cable, optic or port "
        "unless they match planned maintenance."
    ),
    "oom_kill": (
        "The kernel killed {component} because memory ran out: review the memory use and "
        "limits of that service and of the host (leaks, swap, cgroup limits) and add "
        "memory or tune the service."
    ),
}

# The same labels and recommendations in Simplified Chinese (the contract's terms: 电缆,
# 连接器, 系统错误日志). Summaries are built from Chinese fragments, never from the English.
LABELS_ZH = {
    "machine_check": "机器检查（MCE）错误",
    "memory_ecc": "内存 ECC 错误",
    "disk_io": "磁盘 I/O 错误",
    "filesystem": "文件系统错误",
    "storage_transport": "存储链路/传输错误",
    "nic_link": "网卡链路断开",
    "oom_kill": "内存不足（OOM）终止进程",
}

RECOMMENDATIONS_ZH = {
    "machine_check": (
        "机器检查错误指向 CPU、内存或总线硬件：用 rasdaemon（ras-mc-ctl --errors）或 mcelog "
        "解码，查看 BMC/iLO/iDRAC 事件日志；如反复出现，向厂商报修硬件。"
    ),
    "memory_ecc": (
        "在 BMC/SEL 日志和 rasdaemon（ras-mc-ctl --error-count）中检查 {component}；"
        "可纠正错误持续增长，或出现任何不可纠正错误，说明该内存条（DIMM）应予更换。"
    ),
    "disk_io": (
        "检查 {component} 的 SMART/RAID 状态（smartctl -a、RAID 卡命令行工具），介质错误持续"
        "增长的磁盘应予更换；并核实其上的数据（fsck、应用层校验，必要时从备份恢复）。"
    ),
    "filesystem": (
        "先排除底层磁盘错误，再在维护窗口内卸载 {component} 并检查（fsck / xfs_repair / "
        "btrfs scrub）；文件系统已被重新挂载为只读或已关闭时需立即处理。"
    ),
    "storage_transport": (
        "{component} 上的链路复位和传输错误通常说明电缆、连接器、SFP 或背板槽位松动或故障，"
        "或 HBA/交换机端口故障：重新插拔或更换电缆，检查 HBA 固件，并查看同一时段的交换机和"
        "存储阵列日志。"
    ),
    "nic_link": (
        "检查 {component} 的电缆、光模块（SFP）和交换机端口，并查看同一时段的交换机日志；"
        "链路反复抖动说明电缆、光模块或端口有故障，除非与计划内维护的时间吻合。"
    ),
    "oom_kill": (
        "内存耗尽，内核终止了 {component}：检查该服务及整机的内存使用和限制（内存泄漏、swap、"
        "cgroup 限制），增加内存或调整该服务。"
    ),
}

Event = namedtuple("Event", "cls component kind severity weight")
Rule = namedtuple("Rule", "cls kind severity guards regex component")

_PARTITION_RES = (
    re.compile(r"^((?:sd|vd|xvd|hd)[a-z]+)\d+$"),
    re.compile(r"^((?:nvme\d+n\d+|mmcblk\d+|md\d+|loop\d+))p\d+$"),
)


def disk_of(device):
    """'sda1' -> 'sda', 'nvme0n1p2' -> 'nvme0n1'; anything else unchanged."""
    for pattern in _PARTITION_RES:
        match = pattern.match(device)
        if match:
            return match.group(1)
    return device


def _group(name, transform=None):
    def extract(match):
        value = match.group(name)
        if value is None:
            return None
        value = value.strip()
        return transform(value) if transform else value

    return extract


def _const(value):
    return lambda match: value


def _edac_component(match):
    mc = "MC" + match.group("mc")
    label = (match.group("label") or match.group("label2") or "").strip()
    if label and label.lower() not in ("unknown memory", "any memory", "unknown"):
        return mc + " " + label
    return mc


def _edac_severity(match):
    return "critical" if match.group("type") == "UE" else "warning"


def _scsi_result_component(match):
    if match.group("host") in ("DID_OK", "0x00"):
        return None  # a sense error, counted by the "Sense Key" rule of disk_io
    return match.group("dev")


def _blk_component(match):
    return disk_of(match.group("dev"))


def _ghes_severity(match):
    return "warning" if match.group("sev") == "corrected" else "critical"


def _link_severity(match):
    return "warning" if match.group("state").lower() == "down" else "info"


def _link_kind(match):
    return "link_" + match.group("state").lower()


def _ata_kind(match):
    what = match.group("what")
    if what.startswith("failed command"):
        return "ata_failed"
    if what.startswith("limiting"):
        return "ata_speed"
    if what.startswith("SATA link down"):
        return "ata_linkdown"
    return "ata_reset"


def _ata_severity(match):
    # Unused ports log "SATA link down (SStatus 0 ...)" at every boot: context only.
    return "info" if match.group("what").startswith("SATA link down") else "warning"


_DEV = r"(?P<dev>[\w!.:/+-]+?)"
_IFACE = r"(?P<iface>[\w.@-]{1,15})"

# (class, kind, severity, guards, pattern, component). severity/kind may be callables of the
# match; component is a callable of the match returning the component, or None to reject the
# line. guards: literal strings of which at least one must be in a message for the pattern to
# match (checked first: a substring test is far cheaper than a regex search). Order matters:
# the first rule that matches wins.
_RULE_SPECS = (
    # --- machine checks ---------------------------------------------------------------
    ("machine_check", "mce_fatal", "critical",
     ("Kernel panic",),
     r"Kernel panic - not syncing: .*(?:[Mm]achine check|MCE)", _const("cpu")),
    ("machine_check", "mce_fatal", "critical",
     ("Machine check: Processor", "Fatal machine check", "Fatal Machine check"),
     r"Machine check: Processor context corrupt|Fatal [Mm]achine check", _const("cpu")),
    ("machine_check", "mce_bank", "critical",
     ("Machine Check Exception",),
     r"\[Hardware Error\]: CPU \d+: Machine Check Exception: \d+ Bank \d+", _const("cpu")),
    ("machine_check", "mce_bank", "warning",
     ("Machine Check: ",),
     r"\[Hardware Error\]: CPU \d+: Machine Check: \d+ Bank \d+", _const("cpu")),
    ("machine_check", "mce_logged", "warning",
     ("Machine check events logged",),
     r"Machine check events logged", _const("cpu")),
    ("machine_check", "mce_decoded", "warning",
     ("Corrected error, no action", "Deferred error"),
     r"\[Hardware Error\]: (?:Corrected error, no action required|Deferred error)",
     _const("cpu")),
    ("machine_check", "mce_decoded", "critical",
     ("Uncorrected, software",),
     r"\[Hardware Error\]: Uncorrected, software (?:containable|restartable) error",
     _const("cpu")),
    ("machine_check", "ghes", _ghes_severity,
     ("Hardware Error]: event severity: ",),
     r"\[Hardware Error\]: event severity: (?P<sev>corrected|recoverable|fatal)\b",
     _const("apei")),
    # --- memory ECC (EDAC) --------------------------------------------------------------
    # edac_mc >= 3.6: "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (..."
    # EDAC ghes:      "EDAC MC0: 1 CE Single-bit ECC on unknown memory (node:0 card:0 ..."
    ("memory_ecc", "edac", _edac_severity,
     ("EDAC",),
     r"EDAC (?:[\w-]+ )?MC(?P<mc>\d+): (?P<n>\d+) (?P<type>CE|UE)\b"
     r"(?:.*? on (?P<label>[^()]+?) \()?(?P<label2>)",
     _edac_component),
    # edac_mc < 3.6: "EDAC MC0: CE page 0x1f2, offset 0x0, grain 8, syndrome 0x4, row 3,
    # channel 1, label "DIMM_B1": i5000 CE" ; "EDAC MC1: UE - no information available: ..."
    ("memory_ecc", "edac", _edac_severity,
     ("EDAC",),
     r"EDAC (?:[\w-]+ )?MC(?P<mc>\d+): (?P<type>CE|UE)\b(?P<n>)(?P<label>)"
     r"(?:.*?label \"(?P<label2>[^\"]*)\")?",
     _edac_component),
    ("memory_ecc", "edac", "critical",
     ("EDAC",),
     r"EDAC (?:[\w-]+ )?MC(?P<mc>\d+): Uncorrected Error(?P<type>)(?P<label>)(?P<label2>)",
     _edac_component),
    # --- block layer, SCSI sense, NVMe status ------------------------------------------
    # 4.x "blk_update_request: I/O error, dev sda, sector 2048"; 5.x adds " op 0x0:(READ) ...";
    # 5.14+ prints it without the caller prefix; <= 3.x "end_request: I/O error, dev sda, ..."
    ("disk_io", "blk", "warning",
     (", dev ",),
     r"\b(?:I/O|critical medium|critical target|critical space allocation|protection) "
     r"error, dev " + _DEV + r",? sector",
     _blk_component),
    ("storage_transport", "blk_transport", "warning",
     (", dev ",),
     r"\b(?:recoverable transport|critical nexus|timeout) error, dev " + _DEV + r",? sector",
     _blk_component),
    ("disk_io", "buffer", "warning",
     ("Buffer I/O error",),
     r"Buffer I/O error on dev(?:ice)? " + _DEV + r", logical block",
     _blk_component),
    ("disk_io", "sense", "warning",
     ("Sense Key",),
     r"\[(?P<dev>\w+)\] (?:tag#\d+ )?\s*Sense Key ?: ?(?:Medium Error|Hardware Error)",
     _group("dev")),
    ("disk_io", "nvme_status", "warning",
     ("(sct ",),
     r"(?P<dev>nvme\d+n\d+): .*\(sct 0x[0-9a-fA-F]+ / sc 0x[0-9a-fA-F]+\)",
     _group("dev")),
    ("disk_io", "ata_unc", "warning",
     ("UNC",),
     r"(?P<dev>ata\d+)\.\d+: error: \{[^}]*\bUNC\b", _group("dev")),
    # --- filesystems --------------------------------------------------------------------
    ("filesystem", "readonly", "critical",
     ("Remounting filesystem read-only", "Filesystem has been set read-only"),
     r"\b\w+-fs \((?P<dev>[^)]+)\): (?:Remounting filesystem read-only"
     r"|Filesystem has been set read-only)",
     _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("-fs error (device",),
     r"EXT[234]-fs error \(device (?P<dev>[^)]+)\)", _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("-fs (",),
     r"EXT[234]-fs \((?P<dev>[^)]+)\): (?:error count since last fsck"
     r"|I/O error while writing superblock|previous I/O error to superblock detected)",
     _group("dev")),
    ("filesystem", "journal_abort", "critical",
     ("Aborting journal",),
     r"Aborting journal on device (?P<dev>[\w!./:+-]+?)(?:-\d+)?\.?\s*$", _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("JBD2: Detected IO errors",),
     r"JBD2: Detected IO errors while flushing file data on (?P<dev>[\w!./:+-]+?)(?:-\d+)?\s*$",
     _group("dev")),
    ("filesystem", "shutdown", "critical",
     ("XFS (",),
     r"XFS \((?P<dev>[^)]+)\): .*(?:Shutting down filesystem|[Ff]ilesystem has been shut down)",
     _group("dev")),
    ("filesystem", "corruption", "critical",
     ("XFS (",),
     r"XFS \((?P<dev>[^)]+)\): (?:Corruption detected|Metadata corruption detected"
     r"|Internal error|Metadata CRC error detected)",
     _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("XFS (",),
     r"XFS \((?P<dev>[^)]+)\): (?:[Mm]etadata I/O [Ee]rror|writeback error|[Ll]og I/O [Ee]rror)",
     _group("dev")),
    ("filesystem", "readonly", "critical",
     ("BTRFS",),
     r"BTRFS \w+ \(device (?P<dev>[^):\s]+)[^)]*\): forced readonly", _group("dev")),
    ("filesystem", "corruption", "critical",
     ("BTRFS critical",),
     r"BTRFS critical \(device (?P<dev>[^):\s]+)", _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("BTRFS",),
     r"BTRFS(?: error \(device (?P<dev>[^):\s]+)|: error \(device (?P<dev2>[^)\s]+)\))"
     r"|BTRFS warning \(device (?P<dev3>[^):\s]+)[^)]*\): csum failed",
     lambda m: m.group("dev") or m.group("dev2") or m.group("dev3")),
    # --- storage links and transports (the "cables and connectors" check) ----------------
    ("storage_transport", _ata_kind, _ata_severity,
     (": hard resetting link", ": soft resetting link", "COMRESET", ": failed command",
      ": limiting", "SATA link down"),
     r"(?P<dev>ata\d+)(?:\.\d+)?: (?P<what>hard resetting link|soft resetting link|COMRESET "
     r"failed|failed command|limiting SATA link speed|limiting speed to|SATA link down)",
     _group("dev")),
    ("storage_transport", "scsi_result", "warning",
     ("Result: hostbyte=",),
     r"\[(?P<dev>\w+)\] (?:tag#\d+ )?(?:FAILED )?Result: hostbyte=(?P<host>\w+)",
     _scsi_result_component),
    ("storage_transport", "scsi_reset", "warning",
     (": attempting ", "Sending BDR", "Sending BRST", "Sending HRST", "Sending target reset",
      ": device reset", ": bus reset", ": host reset", ": target reset", ": Device reset",
      ": Bus reset", ": Host reset", ": Target reset"),
     r"(?P<dev>sd \d+:\d+:\d+:\d+|scsi host\d+|scsi \d+:\d+:\d+:\d+|target\d+:\d+:\d+"
     r"|mpt[23]sas(?:_cm)?\d+): (?:.*: )?(?:attempting (?:task abort|device reset|target reset"
     r"|host reset|bus reset)|Sending (?:BDR|BRST|HRST|target reset)"
     r"|(?:[Dd]evice|[Bb]us|[Hh]ost|[Tt]arget) reset\b(?! *:| (?:SUCCESS|FAILED|succeeded"
     r"|failed|complete)))",
     _group("dev")),
    ("storage_transport", "mpt_fault", "critical",
     (": fault_state",),
     r"(?P<dev>mpt[23]sas(?:_cm)?\d+): fault_state", _group("dev")),
    ("storage_transport", "mpt_loginfo", "warning",
     (": log_info(",),
     r"(?P<dev>mpt[23]sas(?:_cm)?\d+): log_info\(0x[0-9a-fA-F]+\)", _group("dev")),
    ("storage_transport", "fc_link_down", "warning",
     ("LOOP DOWN",),
     r"qla2xxx \[(?P<dev>[0-9a-fA-F:.]+)\]-[0-9a-fA-F]+:\d+: LOOP DOWN detected",
     lambda m: "qla2xxx " + m.group("dev")),
    ("storage_transport", "fc_link_up", "info",
     ("LOOP UP",),
     r"qla2xxx \[(?P<dev>[0-9a-fA-F:.]+)\]-[0-9a-fA-F]+:\d+: LOOP UP detected",
     lambda m: "qla2xxx " + m.group("dev")),
    ("storage_transport", "fc_link_down", "warning",
     ("Link Down Event",),
     r"lpfc (?P<dev>[0-9a-fA-F:.]+): \d+:\d+ Link Down Event", lambda m: "lpfc " + m.group("dev")),
    ("storage_transport", "fc_link_up", "info",
     ("Link Up Event",),
     r"lpfc (?P<dev>[0-9a-fA-F:.]+): \d+:\d+ Link Up Event", lambda m: "lpfc " + m.group("dev")),
    ("storage_transport", "rport_timeout", "warning",
     (": blocked FC remote port",),
     r"(?P<dev>rport-\d+:\d+-\d+): blocked FC remote port time out", _group("dev")),
    ("storage_transport", "sas_eh", "warning",
     ("Enter sas_scsi_recover_host",),
     r"sas: Enter sas_scsi_recover_host busy: \d+ failed: [1-9]", _const("libsas")),
    ("storage_transport", "mpath_fail", "warning",
     ("Failing path",),
     r"device-mapper: multipath: (?:\d+:\d+: )?Failing path (?P<dev>\d+:\d+)",
     lambda m: "path " + m.group("dev")),
    ("storage_transport", "mpath_nopath", "critical",
     (": remaining active paths: 0",),
     r"(?P<dev>[\w.:-]+): remaining active paths: 0\b", lambda m: "multipath " + m.group("dev")),
    ("storage_transport", "iscsi_conn", "warning",
     (": detected conn error",),
     r"(?P<dev>connection\d+:\d+): detected conn error \(\d+\)",
     lambda m: "iscsi " + m.group("dev")),
    ("storage_transport", "nvme_timeout", "warning",
     ("QID ", ": controller is down", "Removing after probe failure"),
     r"nvme (?P<dev>nvme\d+): (?:I/O (?:tag )?\d+ (?:\(\w+\) )?QID \d+ timeout"
     r"|controller is down|Removing after probe failure)",
     _group("dev")),
    # --- NIC links ------------------------------------------------------------------------
    # bonding <5.x "bond0: link status definitely down for interface eth1, disabling it";
    # 5.x "bond0: (slave eth1): link status definitely down, disabling slave"
    ("nic_link", "link_down", "warning",
     (": link status definitely down",),
     r"link status definitely down for interface " + _IFACE, _group("iface")),
    ("nic_link", "link_down", "warning",
     (": link status definitely down",),
     r"\(slave " + _IFACE + r"\): link status definitely down", _group("iface")),
    # e1000e/igb/ixgbe/i40e/ice/bnx2x/bnxt_en/vmxnet3: "... eth0: NIC Link is Down",
    # old e1000e "e1000e: eth0 NIC Link is Down", igb "igb: eno1 NIC Link is Up 1000 Mbps ..."
    ("nic_link", _link_kind, _link_severity,
     ("NIC Link is",),
     _IFACE + r":? NIC Link is (?P<state>[Dd]own|[Uu]p)\b", _group("iface")),
    # tg3 "eth0: Link is down", r8169/phylib "enp2s0: Link is Down"
    ("nic_link", _link_kind, _link_severity,
     ("Link is",),
     _IFACE + r": (?:[\w-]+: )?Link is (?P<state>[Dd]own|[Uu]p)\b", _group("iface")),
    # mlx5_core "ens1f0: Link down", mlx4_en "mlx4_en: eth2: Link Down"
    ("nic_link", _link_kind, _link_severity,
     ("Link down", "Link Down", "Link up", "Link Up"),
     _IFACE + r": Link (?P<state>[Dd]own|[Uu]p)\s*$", _group("iface")),
    # --- OOM killer -----------------------------------------------------------------------
    # >= 5.0 "Out of memory: Killed process 1234 (java) total-vm:..."; "Memory cgroup out of
    # memory: Killed process ..."; < 5.0 "Out of memory: Kill process 1234 (java) score 912
    # or sacrifice child" followed by "Killed process 1234 (java) total-vm:..."
    ("oom_kill", "oom_kill", "warning",
     ("Out of memory", "Memory cgroup out of memory"),
     r"[Oo]ut of memory[^:]*: Kill(?:ed)? process \d+ \((?P<comm>.+?)\)(?: |,|$)",
     _group("comm")),
    ("oom_kill", "oom_killed", "warning",
     ("Killed process",),
     r"\bKilled process \d+ \((?P<comm>.+?)\) total-vm", _group("comm")),
    # >= 4.19 "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),...,task=java,pid=1234,uid=0"
    ("oom_kill", "oom_constraint", "warning",
     ("=CONSTRAINT_",),
     r"oom-kill:constraint=.*?,task=(?P<comm>[^,]+),pid=", _group("comm")),
    ("oom_kill", "oom_invoked", "info",
     (": gfp_mask=",),
     r"(?P<comm>\S+) invoked oom-killer: ", _group("comm")),
)

def _compile_rules():
    rules = []
    for cls, kind, severity, guards, pattern, component in _RULE_SPECS:
        rules.append(Rule(cls, kind, severity, guards, re.compile(pattern), component))
    return tuple(rules)


RULES = _compile_rules()

# The prefilter: a line containing none of the rules' guard literals cannot match any rule
# (each rule only runs its regex when one of its guards is in the message), so the collector
# skips it before decoding or parsing. Built from the guards, so it can never drift from them.
PREFILTER_KEYWORDS = tuple(sorted(set(guard for rule in RULES for guard in rule.guards)))


def trie_pattern(words):
    """Regex source matching any of ``words``, factored as a trie ('ab|ac' -> 'a(?:b|c)').

    Python's regex engine tries alternatives one by one at each position; a trie makes it
    test each character once. Because every guard starts with a fairly rare character
    (upper case or punctuation), the engine's first-character set skips most positions.
    """
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node):
        ends = "" in node
        branches = []
        for char in sorted(k for k in node if k):
            branches.append(re.escape(char) + emit(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if ends else body

    return emit(trie)


PREFILTER = re.compile(trie_pattern(PREFILTER_KEYWORDS).encode("ascii"))

_REPEATED_RE = re.compile(r"^message repeated (\d+) times: \[\s?(.*?)\s?\]\s*$")
_LAST_REPEATED_RE = re.compile(r"^last message repeated (\d+) times?\b")


def _rules_by_keyword():
    """keyword -> indices of the rules having a guard that is a prefix of that keyword."""
    table = {}
    for keyword in PREFILTER_KEYWORDS:
        table[keyword] = tuple(
            index for index, rule in enumerate(RULES)
            if any(keyword.startswith(guard) for guard in rule.guards))
    return table


# Finds, at every position, the longest guard starting there (a lookahead does not consume,
# so overlapping guards are all found). A guard that is a prefix of a found keyword is present
# too: _RULES_BY_KEYWORD accounts for it.
_GUARD_FINDER = re.compile("(?=(" + trie_pattern(PREFILTER_KEYWORDS) + "))").finditer
_RULES_BY_KEYWORD = _rules_by_keyword()


def candidate_rules(message):
    """Indices (in table order) of the rules one of whose guards occurs in ``message``."""
    indices = set()
    for found in _GUARD_FINDER(message):
        indices.update(_RULES_BY_KEYWORD[found.group(1)])
    return sorted(indices)


def classify(message):
    """A log message -> Event, or None when no rule matches.

    Only rules with a guard in the message run their regex. Rules match anywhere in the
    text (none is anchored), so a full log line classifies like its message: the scanner uses
    that to skip parsing the timestamp of lines that are no event.
    """
    for index in candidate_rules(message):
        rule = RULES[index]
        match = rule.regex.search(message)
        if match is None:
            continue
        component = rule.component(match)
        if not component:
            continue
        kind = rule.kind(match) if callable(rule.kind) else rule.kind
        severity = rule.severity(match) if callable(rule.severity) else rule.severity
        weight = 1
        if rule.cls == "memory_ecc":
            count = match.groupdict().get("n")
            if count:
                weight = max(int(count), 1)
        return Event(rule.cls, component, kind, severity, weight)
    return None


def classify_message(message):
    """Like classify(), but unwraps rsyslog's 'message repeated N times: [ ... ]'.

    Returns (Event or None, repeat) where repeat is N for such a line, else 1.
    """
    if message.startswith("message repeated "):
        match = _REPEATED_RE.match(message)
        if match:
            event = classify(match.group(2))
            return event, int(match.group(1))
    return classify(message), 1


class Bucket:
    """Counts of one (class, component).

    ``undatable``: lines that matched an event rule but whose time could not be read (a
    damaged timestamp): they may fall in the window, so they are never silently dropped.
    """

    __slots__ = ("cls", "component", "kinds", "critical", "info", "first", "last",
                 "samples", "last_sample", "undatable")

    def __init__(self, cls, component):
        self.cls = cls
        self.component = component
        self.kinds = {}
        self.critical = {}
        self.info = {}
        self.first = None
        self.last = None
        self.samples = []
        self.last_sample = None
        self.undatable = 0

    @property
    def count(self):
        return max(self.kinds.values()) if self.kinds else 0

    @property
    def critical_count(self):
        return max(self.critical.values()) if self.critical else 0

    @property
    def info_count(self):
        return max(self.info.values()) if self.info else 0


class EventCounter:
    """Bounded per-(class, component) counts, first/last time and a few sample lines."""

    def __init__(self, max_samples=3, max_components=MAX_COMPONENTS_PER_CLASS):
        self.max_samples = max(int(max_samples), 1)
        self.max_components = max_components
        self.buckets = {}
        self._per_class = dict((cls, 0) for cls in CLASSES)

    def _bucket(self, cls, component):
        key = (cls, component)
        bucket = self.buckets.get(key)
        if bucket is None:
            if self._per_class[cls] >= self.max_components:
                key = (cls, "(other)")
                bucket = self.buckets.get(key)
                if bucket is not None:
                    return bucket
                component = "(other)"
            bucket = Bucket(cls, component)
            self.buckets[key] = bucket
            self._per_class[cls] += 1
        return bucket

    def add(self, event, when=None, sample=None, repeat=1):
        """Count one event (``repeat`` times: rsyslog repeat lines)."""
        bucket = self._bucket(event.cls, event.component)
        weight = event.weight * repeat
        if event.severity == "info":
            bucket.info[event.kind] = bucket.info.get(event.kind, 0) + weight
            return bucket
        bucket.kinds[event.kind] = bucket.kinds.get(event.kind, 0) + weight
        if event.severity == "critical":
            bucket.critical[event.kind] = bucket.critical.get(event.kind, 0) + weight
        if when is not None:
            if bucket.first is None or when < bucket.first:
                bucket.first = when
            if bucket.last is None or when > bucket.last:
                bucket.last = when
        if sample is not None:
            self._sample(bucket, sample[:MAX_SAMPLE_CHARS])
        return bucket

    def _sample(self, bucket, sample):
        if sample in bucket.samples:
            return
        if len(bucket.samples) < self.max_samples:
            bucket.samples.append(sample)
        else:
            bucket.last_sample = sample

    def add_undatable(self, event, sample=None):
        """Count a line that matched an event rule but whose time could not be read.

        Returns the bucket, or None for an event that is context only (severity info).
        """
        if event.severity == "info":
            return None
        bucket = self._bucket(event.cls, event.component)
        bucket.undatable += 1
        if sample is not None:
            self._sample(bucket, sample[:MAX_SAMPLE_CHARS])
        return bucket

    def add_repeat(self, bucket, kind, severity, repeat):
        """sysklogd's 'last message repeated N times' after a counted line."""
        target = bucket.info if severity == "info" else bucket.kinds
        target[kind] = target.get(kind, 0) + repeat
        if severity == "critical":
            bucket.critical[kind] = bucket.critical.get(kind, 0) + repeat

    def total(self, cls=None):
        return sum(b.count for b in self.buckets.values() if cls is None or b.cls == cls)

    def merge(self, others, how):
        """Fold counters into this one: how='max' (overlapping streams) or 'sum'."""
        combine = max if how == "max" else (lambda a, b: a + b)
        for other in others:
            for bucket in other.buckets.values():
                mine = self._bucket(bucket.cls, bucket.component)
                for attr in ("kinds", "critical", "info"):
                    target = getattr(mine, attr)
                    for kind, count in getattr(bucket, attr).items():
                        target[kind] = combine(target.get(kind, 0), count)
                mine.undatable = combine(mine.undatable, bucket.undatable)
                if bucket.first is not None and (mine.first is None or bucket.first < mine.first):
                    mine.first = bucket.first
                if bucket.last is not None and (mine.last is None or bucket.last > mine.last):
                    mine.last = bucket.last
                for sample in bucket.samples:
                    self._sample(mine, sample)
                if bucket.last_sample is not None:
                    self._sample(mine, bucket.last_sample)
        return self


class SourceStats:
    """What reading one source gave: shown in errlog.sources and in data.

    ``undated``: event lines without any time (dmesg with ``printk.time=0``), counted.
    ``undatable``: event lines whose time could not be read (a damaged timestamp), counted
    apart in the counter's buckets (their class cannot be judged ``ok``).
    """

    __slots__ = ("name", "kind", "status", "note", "lines", "candidates", "events",
                 "unparsed", "undated", "undatable", "before_since", "after_until",
                 "truncated", "first_time", "last_time")

    def __init__(self, name, kind, status="read", note=""):
        self.name = name
        self.kind = kind
        self.status = status  # read | missing | failed | skipped
        self.note = note
        self.lines = 0
        self.candidates = 0
        self.events = 0
        self.unparsed = 0
        self.undated = 0
        self.undatable = 0
        self.before_since = 0
        self.after_until = 0
        self.truncated = False
        self.first_time = None
        self.last_time = None

    def as_dict(self):
        out = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if name in ("first_time", "last_time"):
                value = format_time(value)
            out[name] = value
        return out

    def describe(self):
        if self.status != "read":
            note = f" ({self.note})" if self.note else ""
            return f"{self.name}: {self.status}{note}"
        text = f"{self.name}: read {self.lines} lines, {self.events} events"
        if self.first_time is not None:
            text += f", from {format_time(self.first_time)}"
        if self.truncated:
            text += ", STOPPED at the line cap"
        if self.undated:
            text += f", {self.undated} matching lines without time counted"
        if self.undatable:
            text += f", {self.undatable} matching lines with an unreadable time"
        if self.note:
            text += f" ({self.note})"
        return text

    def describe_zh(self):
        """describe() of a source that was not read, in Chinese (for summaries)."""
        status = _SOURCE_STATUS_ZH.get(self.status, "未读取")
        note = note_zh(self.note)
        return "{}：{}{}".format(self.name, status, f"（{note}）" if note else "")


_SOURCE_STATUS_ZH = {"read": "已读取", "missing": "未找到", "failed": "读取失败",
                     "skipped": "已跳过"}

# The collector's notes on a source (plugins/modules/weibao_inspect_errlog.py), in Chinese.
# A note not listed here is left out of the Chinese text (it stays in the evidence).
_NOTES_ZH = (
    (re.compile(r"^journalctl not found$"), lambda m: "未找到 journalctl"),
    (re.compile(r"^(\S+) does not exist \(journald not running\)$"),
     lambda m: f"{m.group(1)} 不存在（journald 未运行）"),
    (re.compile(r"^cannot run (journalctl|dmesg)\b"), lambda m: "无法运行 " + m.group(1)),
    (re.compile(r"^no permission to read the system journal"),
     lambda m: "无权读取系统日志（journal），请以 become 运行"),
    (re.compile(r"^(journalctl|dmesg) exited (-?\d+)"),
     lambda m: f"{m.group(1)} 退出码为 {m.group(2)}"),
    (re.compile(r"^dmesg not found$"), lambda m: "未找到 dmesg"),
    (re.compile(r"^not permitted \(kernel\.dmesg_restrict=1"),
     lambda m: "无权限（kernel.dmesg_restrict=1，或容器内缺少 CAP_SYSLOG），请以 become 运行"),
    (re.compile(r"^not found$"), lambda m: "未找到"),
    (re.compile(r"^only (.+)$"), lambda m: "只有无法读取的压缩副本 " + m.group(1)),
    (re.compile(r"^with (\d+) rotated copies$"), lambda m: f"含 {m.group(1)} 个轮转副本"),
    (re.compile(r"^not read \(compression not supported\): (.+)$"),
     lambda m: "不支持该压缩格式，未读取：" + m.group(1)),
    (re.compile(r"^no line in a known syslog format in (.+)$"),
     lambda m: f"{m.group(1)} 中没有可识别格式的 syslog 日志行"),
)


def note_zh(note):
    """A source note of the collector -> Chinese ('' for a note not known here)."""
    note = note or ""
    parts = []
    unreadable = ""
    if note.startswith("unreadable: ") or "; unreadable: " in note:
        # always the last note: "unreadable: <file>: <error>; <file>: <error>"
        note, _, unreadable = note.rpartition("unreadable: ")
        note = note[:-2] if note.endswith("; ") else note
    for part in note.split("; ") if note else ():
        part = part.strip()
        for pattern, text in _NOTES_ZH:
            match = pattern.match(part)
            if match:
                parts.append(text(match))
                break
    if unreadable:
        parts.append("无法读取：" + "、".join(
            part.split(": ", 1)[0] for part in unreadable.split("; ")))
    return "；".join(parts)


def scan(raw_lines, parse, counter, stats, since=None, until=None, max_lines=None):
    """Stream lines (bytes) of one source into ``counter``; bounded memory.

    ``parse``: str line -> LogRecord or None (see parsers.linux_errlog). Lines with a time
    before ``since`` or at/after ``until`` are skipped; lines without time are counted (and
    tallied in ``stats.undated``). A line that matches an event rule but that ``parse``
    cannot read (a damaged timestamp) may be in the window: it is counted apart, as
    undatable, in its bucket (``EventCounter.add_undatable``) and in ``stats.undatable``, so
    its class is never judged ``ok`` on it. At most ``max_lines`` lines are read; hitting the
    cap sets ``stats.truncated``. Returns ``stats``.
    """
    iterator = iter(raw_lines)
    head = list(islice(iterator, HEAD_PROBE_LINES))
    for raw in head:
        record = parse(decode(raw))
        if record is not None and record.time is not None:
            stats.first_time = record.time
            break
    prefilter = PREFILTER.search
    lines = chain(head, iterator)
    read = 0
    last_bucket = None
    last_event = None
    repeat_line = -1  # the number of the line right after the last counted one
    truncated = False
    while not truncated:
        # Lines are taken in blocks and the prefilter runs once on a block: nearly every
        # line of a month of syslog is noise, and a block without any keyword is skipped
        # whole (a keyword across two joined lines only costs a look at each line).
        want = SCAN_BLOCK_LINES
        if max_lines:
            want = min(want, max_lines - read + 1)  # one more than the cap: is there more?
        block = list(islice(lines, want))
        if not block:
            break
        if max_lines and read + len(block) > max_lines:
            truncated = stats.truncated = True
            del block[max_lines - read:]
        first = read + 1
        read += len(block)
        # sysklogd's "last message repeated N times" right after a counted line
        if prefilter(b"".join(block)) is None and (
                first != repeat_line or b"last message repeated" not in block[0]):
            continue
        for number, raw in enumerate(block, first):
            if prefilter(raw) is None and (number != repeat_line
                                           or b"last message repeated" not in raw):
                continue
            stats.candidates += 1
            line = decode(raw)
            line_event = classify(line)
            if line_event is None and b"last message repeated" not in raw:
                continue  # keyword in a line that is no event: no need to parse its time
            record = parse(line)
            if record is None:
                stats.unparsed += 1
                if line_event is not None and line_event.severity != "info":
                    # An event whose time cannot be read: it may be in the window.
                    stats.undatable += 1
                    counter.add_undatable(line_event, "(time unreadable) " + line)
                continue
            when = record.time
            if when is not None:
                if since is not None and when < since:
                    stats.before_since += 1
                    continue
                if until is not None and when >= until:
                    stats.after_until += 1
                    continue
                if stats.last_time is None or when > stats.last_time:
                    stats.last_time = when
            message = record.message
            if last_event is not None and repeat_line == number \
                    and message.startswith("last message repeated"):
                match = _LAST_REPEATED_RE.match(message)
                if match:
                    repeat = int(match.group(1))
                    counter.add_repeat(last_bucket, last_event.kind, last_event.severity,
                                       repeat * last_event.weight)
                    if last_event.severity != "info":
                        stats.events += repeat * last_event.weight
                    repeat_line = number + 1
                    continue
            event, repeat = classify_message(message)
            if event is None:
                continue
            if when is None:
                stats.undated += 1
            sample = "{} {}".format(format_time(when) or "(no time)", message)
            last_bucket = counter.add(event, when, sample, repeat)
            last_event = event
            repeat_line = number + 1
            if event.severity != "info":
                stats.events += event.weight * repeat
    stats.lines = read
    return stats


# ---------------------------------------------------------------------------------------------
# Judging


def merge_thresholds(user=None):
    """DEFAULT_THRESHOLDS overlaid with ``user`` ({class: {warning: n, critical: n}}).

    Raises ValueError naming the bad key.
    """
    merged = dict((cls, dict(levels)) for cls, levels in DEFAULT_THRESHOLDS.items())
    for cls, levels in (user or {}).items():
        if cls not in merged:
            known = ", ".join(CLASSES)
            raise ValueError(f"thresholds: unknown class {cls!r} (known: {known})")
        if not isinstance(levels, dict):
            raise ValueError(f"thresholds.{cls}: expected a mapping with warning/critical")
        for level, value in levels.items():
            if level not in ("warning", "critical"):
                raise ValueError(f"thresholds.{cls}.{level}: only warning and critical exist")
            if value is not None:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"thresholds.{cls}.{level}: {value!r} is not a whole number") from None
                if value < 1:
                    raise ValueError(f"thresholds.{cls}.{level}: must be at least 1")
            merged[cls][level] = value
    return merged


def _count_status(count, levels):
    warning, critical = levels.get("warning"), levels.get("critical")
    if critical is not None and count >= critical:
        return "critical"
    if warning is not None and count >= warning:
        return "warning"
    return "ok"


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


# An ok class or component becomes unknown when the logs were not all read (line cap) or some
# of its event lines had an unreadable time: both may hide events in the window.
CUT_RECOMMENDATION = (
    "Raise inspect_errlog_max_lines (or find what floods the log) and re-run the inspection: "
    "the newest log lines were not inspected."
)
CUT_RECOMMENDATION_ZH = (
    "调大 inspect_errlog_max_lines（或查明是什么在大量刷写日志）后重新巡检：最新的日志行未被检查。"
)
UNDATABLE_RECOMMENDATION = (
    "The timestamps of the lines marked '(time unreadable)' are damaged (often after a crash "
    "or power loss): check in the log whether they are recent, and if they are: "
)
UNDATABLE_RECOMMENDATION_ZH = (
    "标为“(time unreadable)”的日志行时间戳已损坏（常见于宕机或断电之后）：请在日志中查明它们"
    "是否为近期记录；如是："
)


def _component_zh(component):
    return "其他组件" if component == "(other)" else component


def _cut_text(sources):
    """(English, Chinese) naming the read sources that stopped at the line cap, or None."""
    cut = [s for s in sources if s.status == "read" and s.truncated]
    if not cut:
        return None
    return ("; ".join(f"{s.name} stopped at the line cap after {s.lines} lines" for s in cut),
            "；".join(f"{s.name} 读到第 {s.lines} 行时达到行数上限" for s in cut))


def bucket_finding(bucket, levels, window=None, cut=None):
    """One finding for a (class, component) that had events or undatable event lines.

    Judged by its event count. When that gives ``ok`` but some of its lines had an
    unreadable time (``bucket.undatable``) or the logs were cut at the line cap (``cut``, see
    :func:`_cut_text`), the finding is ``unknown``: more events may lie where it could not
    look. ``window``: (English, Chinese) start of the window, for the text.
    """
    cls = bucket.cls
    count = bucket.count
    undatable = bucket.undatable
    status = _count_status(count, levels)
    if bucket.critical_count:
        status = "critical"
    label, label_zh = LABELS[cls], LABELS_ZH[cls]
    component, component_zh = bucket.component, _component_zh(bucket.component)
    window_en, window_zh = window or ("the start of the logs", "日志开头")
    if count:
        summary = "{} on {}".format(_plural(count, label + " event"), component)
        summary_zh = f"{component_zh} 上有 {count} 次{label_zh}事件"
        if bucket.first is not None and bucket.first == bucket.last:
            first = format_time(bucket.first)
            summary += f" at {first}"
            summary_zh = f"{component_zh} 在 {first} 有 {count} 次{label_zh}事件"
        elif bucket.first is not None:
            first, last = format_time(bucket.first), format_time(bucket.last)
            summary += f" between {first} and {last}"
            summary_zh = (f"{component_zh} 在 {first} 至 {last} 期间有 {count} 次"
                          f"{label_zh}事件")
        if bucket.critical_count:
            summary += f" ({bucket.critical_count} critical)"
            summary_zh += f"，其中 {bucket.critical_count} 次为严重级别"
        if status == "ok":
            summary += " (below the warning threshold)"
            summary_zh += "，低于警告阈值"
        if undatable:
            summary += ", and {} whose time could not be read".format(
                _plural(undatable, "more matching line"))
            summary_zh += f"；另有 {undatable} 行匹配日志的时间无法识别"
    else:
        summary = "{} on {} whose time could not be read: cannot tell whether {} in the " \
                  "window since {}".format(_plural(undatable, label + " line"), component,
                                           "it falls" if undatable == 1 else "they fall",
                                           window_en)
        summary_zh = (f"{component_zh} 上有 {undatable} 行{label_zh}日志的时间无法识别，无法判断"
                      f"是否发生在检查时段（自 {window_zh} 起）内")
    recommendation = RECOMMENDATIONS[cls].format(component=component)
    recommendation_zh = RECOMMENDATIONS_ZH[cls].format(component=component_zh)
    if status == "ok" and (undatable or cut):
        status = "unknown"
        parts, parts_zh = [], []
        if undatable:
            parts.append(UNDATABLE_RECOMMENDATION + recommendation[:1].lower()
                         + recommendation[1:])
            parts_zh.append(UNDATABLE_RECOMMENDATION_ZH + recommendation_zh)
        if cut:
            summary += f", but the log was not fully read ({cut[0]}; newer lines not inspected)"
            summary_zh += f"，但日志未读完（{cut[1]}，其后较新的日志行未检查）"
            parts.append(CUT_RECOMMENDATION)
            parts_zh.append(CUT_RECOMMENDATION_ZH)
        recommendation, recommendation_zh = " ".join(parts), "".join(parts_zh)
    elif cut:
        summary += " (log not fully read: line cap hit)"
        summary_zh += "（日志未读完：已达行数上限）"
    evidence = list(bucket.samples)
    if bucket.last_sample is not None:
        evidence.append("last: " + bucket.last_sample)
    evidence.append("messages by kind: " + ", ".join(
        f"{k}={v}" for k, v in sorted(bucket.kinds.items())))
    if bucket.info:
        evidence.append("related (not counted): " + ", ".join(
            f"{k}={v}" for k, v in sorted(bucket.info.items())))
    values = {
        "events": count,
        "critical_events": bucket.critical_count,
        "related_messages": bucket.info_count,
        "undatable_lines": undatable,
        "log_fully_read": not cut,
        "first_seen": format_time(bucket.first),
        "last_seen": format_time(bucket.last),
    }
    for kind, value in sorted(bucket.kinds.items()):
        values["kind_" + kind] = value
    if status == "ok":
        recommendation = recommendation_zh = ""
    return make_finding(
        CHECK_IDS[cls], status, summary, component=component, evidence=evidence,
        recommendation=recommendation, values=values, thresholds=levels,
        summary_zh=summary_zh, recommendation_zh=recommendation_zh,
    )


def _window_text(since, coverage_start):
    start = since
    if coverage_start is not None and (since is None or coverage_start > since):
        start = coverage_start
    return format_time(start) if start is not None else "the start of the logs"


def _window_text_zh(since, coverage_start):
    text = _window_text(since, coverage_start)
    return "日志开头" if text == "the start of the logs" else text


def build_findings(counter, sources, since, thresholds=None, coverage_start=None):
    """All errlog findings: per-(class, component) events, per-class ok, errlog.sources.

    ``sources``: list of SourceStats (read or not). ``coverage_start``: the oldest time the
    read logs are known to cover (None = unknown, taken as covering ``since``).

    A class is ``ok`` only when every source was read to its end and it had no event (or
    only events below its warning threshold) and no event line with an unreadable time;
    otherwise it is judged on its events or, with none to judge, ``unknown``.
    """
    levels = merge_thresholds(thresholds)
    findings = [sources_finding(sources, since, coverage_start)]
    read = [s for s in sources if s.status == "read"]
    if not read:
        if sources:
            reason = "no log source could be read ({})".format("; ".join(
                s.describe() for s in sources))
            reason_zh = "无法读取任何日志来源（{}）".format("；".join(
                s.describe_zh() for s in sources))
        else:
            reason, reason_zh = "no log source was configured", "未配置日志来源"
        for cls in CLASSES:
            findings.append(unknown(CHECK_IDS[cls], f"{LABELS[cls]} not checked: {reason}",
                                    evidence=[s.describe() for s in sources],
                                    reason_zh=f"未检查{LABELS_ZH[cls]}：{reason_zh}"))
        return findings
    cut = _cut_text(read)
    window = (_window_text(since, coverage_start), _window_text_zh(since, coverage_start))
    names = ", ".join(s.name for s in read)
    for cls in CLASSES:
        buckets = sorted(
            (b for b in counter.buckets.values()
             if b.cls == cls and (b.count > 0 or b.undatable > 0)),
            key=lambda b: (-b.critical_count, -b.count, -b.undatable, b.component),
        )
        if buckets:
            findings.extend(bucket_finding(b, levels[cls], window, cut) for b in buckets)
            continue
        label, label_zh = LABELS[cls], LABELS_ZH[cls]
        evidence = ["sources: " + names]
        related = sum(b.info_count for b in counter.buckets.values() if b.cls == cls)
        values = {"events": 0, "since": format_time(since), "related_messages": related,
                  "log_fully_read": not cut}
        if cut:
            # The lines after the cap are the newest: nothing can be said about them.
            evidence.append("a source was cut at the line cap: later lines were not read")
            findings.append(make_finding(
                CHECK_IDS[cls], "unknown",
                f"Log not fully read ({cut[0]}; newer lines not inspected): no {label} events "
                f"in the part read since {window[0]}",
                evidence=evidence, recommendation=CUT_RECOMMENDATION, values=values,
                thresholds=levels[cls],
                summary_zh=f"日志未读完（{cut[1]}，其后较新的日志行未检查）：已读取部分中自 "
                           f"{window[1]} 以来未发现{label_zh}事件",
                recommendation_zh=CUT_RECOMMENDATION_ZH))
            continue
        findings.append(make_finding(
            CHECK_IDS[cls], "ok", f"No {label} events since {window[0]}", evidence=evidence,
            values=values, thresholds=levels[cls],
            summary_zh=f"自 {window[1]} 以来未发现{label_zh}事件"))
    return findings


def sources_finding(sources, since, coverage_start=None):
    """errlog.sources: which logs were read; unknown when none, warning on cap or gap."""
    read = [s for s in sources if s.status == "read"]
    evidence = [s.describe() for s in sources]
    if not read:
        if evidence:
            reason = "No log source could be read: " + "; ".join(evidence)
            reason_zh = "无法读取任何日志来源：" + "；".join(s.describe_zh() for s in sources)
        else:
            reason, reason_zh = "No log source was configured", "未配置日志来源"
        return unknown(SOURCES_CHECK_ID, reason, evidence=evidence, reason_zh=reason_zh)
    values = {
        "sources_read": len(read),
        "sources_failed": sum(1 for s in sources if s.status == "failed"),
        "lines_read": sum(s.lines for s in read),
        "since": format_time(since),
        "coverage_start": format_time(coverage_start),
        "truncated": any(s.truncated for s in read),
    }
    problems, problems_zh = [], []
    recommendation = recommendation_zh = ""
    if values["truncated"]:
        cut_names = ", ".join(s.name for s in read if s.truncated)
        problems.append(f"line cap hit on {cut_names}")
        problems_zh.append(f"{cut_names} 达到行数上限")
        recommendation = ("Raise inspect_errlog_max_lines or find what floods the log; the "
                          "lines after the cap were not inspected.")
        recommendation_zh = ("调大 inspect_errlog_max_lines，或查明是什么在大量刷写日志；"
                             "超出上限的日志行未被检查。")
    if since is not None and coverage_start is not None and coverage_start - since > \
            COVERAGE_SLACK:
        begin, start = format_time(coverage_start), format_time(since)
        problems.append(f"logs begin at {begin}, after the start of the window {start}")
        problems_zh.append(f"日志始于 {begin}，晚于检查时段起点 {start}")
        recommendation = (recommendation + " " if recommendation else "") + (
            "Keep logs for at least the inspection interval (persistent journal: "
            "Storage=persistent in journald.conf; logrotate rotate count), unless the host "
            "is newer than the window.")
        recommendation_zh += (
            "日志保留时间应不短于巡检间隔（持久化 journal：在 journald.conf 中设置 "
            "Storage=persistent；调整 logrotate 的 rotate 保留份数），除非该主机的启用时间晚于"
            "检查时段起点。")
    status = "warning" if problems else "ok"
    read_names = ", ".join(s.name for s in read)
    summary = "Read {}: {}".format(_plural(len(read), "log source"), read_names)
    summary_zh = f"已读取 {len(read)} 个日志来源：{read_names}"
    if problems:
        summary += " ({})".format("; ".join(problems))
        summary_zh += "（{}）".format("；".join(problems_zh))
    return make_finding(SOURCES_CHECK_ID, status, summary, evidence=evidence,
                        recommendation=recommendation, values=values,
                        summary_zh=summary_zh, recommendation_zh=recommendation_zh)
