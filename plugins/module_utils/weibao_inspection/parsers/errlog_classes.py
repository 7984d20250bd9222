# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error-log classifier: which class a kernel or system log message belongs to.

This is reading, not judging: a message -> :class:`Event` (class, component, kind, severity,
weight) or None. The rules (``rules/errlog.py``) only count events, compare the counts with
thresholds and build findings.

- :data:`RULES` -- the rule table, built from :data:`_RULE_SPECS`. Each rule names the
  kernel or driver source its wording comes from; the first rule that matches wins.
- :data:`PREFILTER` -- one compiled bytes regex of the rules' literal guards. A line that
  contains none of them cannot match a rule, so the scanner skips it before decoding or
  parsing (most of a month of syslog is noise).

Python 3.8-compatible: it ships to managed hosts with the module.
"""

from __future__ import annotations

import re
from collections import namedtuple

CLASSES = (
    "machine_check",
    "memory_ecc",
    "disk_io",
    "filesystem",
    "storage_transport",
    "nic_link",
    "oom_kill",
    "hung_tasks",
)
# Not a class of the rule table: a line no rule matched but that carries a fault keyword
# (FAULT_RE) is counted under this check, so that it is shown, never dropped (fault_event).
UNCLASSIFIED = "unclassified"

Event = namedtuple("Event", "cls component kind severity weight")
Rule = namedtuple("Rule", "cls kind severity guards regex component lead")

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


def _scsi_result_severity(match):
    # DID_OK: a sense error, counted by the "Sense Key" rule of disk_io; the result line of
    # the same command is shown as related
    return "info" if match.group("host") in ("DID_OK", "0x00") else "warning"


def _blk_component(match):
    return disk_of(match.group("dev"))


def _ghes_severity(match):
    return "warning" if match.group("sev") == "corrected" else "critical"


def _megaraid(name):
    """'megasas' (the old drivers' prefix) and 'megaraid_sas' name the same driver."""
    return "megaraid_sas" if name == "megasas" else name


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
_IFACE_MAX = 15  # IFNAMSIZ - 1
_IFACE = rf"(?P<iface>[\w.@-]{{1,{_IFACE_MAX}}})"

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
    # the other lines of an MCE or APEI report (TSC/ADDR/PROCESSOR, "Run the above through
    # 'mcelog --ascii'", "Hardware error from APEI Generic Hardware Error Source"): related
    ("machine_check", "mce_detail", "info",
     ("[Hardware Error]",),
     r"(?P<apei>\{\d+\})?\[Hardware Error\]", lambda m: "apei" if m.group("apei") else "cpu"),
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
    # sb_edac/i7core "HANDLING MCE MEMORY ERROR" before the CE/UE line: related
    ("memory_ecc", "edac_detail", "info",
     ("HANDLING MCE MEMORY ERROR",),
     r"EDAC (?:[\w-]+ )?MC(?P<mc>\d+): HANDLING MCE MEMORY ERROR",
     lambda m: "MC" + m.group("mc")),
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
    # drivers/scsi/constants.c: the "Add. Sense:" line after the Sense Key line: related
    ("disk_io", "sense_detail", "info",
     ("Add. Sense",),
     r"\[(?P<dev>\w+)\] (?:tag#\d+ )?\s*Add\. Sense: ", _group("dev")),
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
    # fs/ext4/super.c print_daily_error_info: "initial error at time", "last error at time"
    # after "error count since last fsck" (counted): related
    ("filesystem", "fs_error_detail", "info",
     ("-fs (",),
     r"EXT[234]-fs \((?P<dev>[^)]+)\): (?:initial|last) error at time", _group("dev")),
    ("filesystem", "journal_abort", "critical",
     ("Aborting journal",),
     r"Aborting journal on device (?P<dev>[\w!./:+-]+?)(?:-\d+)?\.?\s*$", _group("dev")),
    ("filesystem", "fs_error", "warning",
     ("JBD2: Detected IO errors",),
     r"JBD2: Detected IO errors while flushing file data on (?P<dev>[\w!./:+-]+?)(?:-\d+)?\s*$",
     _group("dev")),
    # XFS before the xfs_message.c prefix (2.6.32, RHEL 6: cmn_err / xfs_fs_cmn_err print
    # 'Filesystem "dm-0": ...'), fs/xfs/xfs_rw.c xfs_do_force_shutdown ("xfs_force_shutdown(
    # %s,0x%x) called from line %d"), and xfs_alert() without a mount ("XFS: ..."): the device
    # is named where the message names it, else the component is "xfs".
    ("filesystem", "shutdown", "critical",
     ('Filesystem "', "_force_shutdown(", "XFS: "),
     r'Filesystem "(?P<dev>[^"]+)": .*Shutting down filesystem'
     r"|xfs_force_shutdown\((?P<dev2>[^,()]+),0x[0-9a-fA-F]+\) called from line"
     r"|XFS: .*(?:Shutting down filesystem|[Ff]ilesystem has been shut down)",
     lambda m: m.group("dev") or m.group("dev2") or "xfs"),
    # fs/xfs/xfs_error.c xfs_error_report: "Internal error %s at line %d of file %s" (3.x+,
    # "XFS: " when no mount is known); 2.6.32 "XFS internal error %s at line %d of file %s"
    ("filesystem", "corruption", "critical",
     ('Filesystem "', "XFS internal error", "XFS: "),
     r'(?:Filesystem "(?P<dev>[^"]+)": )?XFS:? [Ii]nternal error \w+ at line'
     r"|XFS: (?:Corruption detected|Metadata corruption detected|Metadata CRC error detected)",
     lambda m: m.group("dev") or "xfs"),
    ("filesystem", "fs_error", "warning",
     ('Filesystem "', "XFS: "),
     r'(?:Filesystem "(?P<dev>[^"]+)"|XFS): (?:[Mm]etadata I/O [Ee]rror|[Ll]og I/O [Ee]rror'
     r"|writeback error)",
     lambda m: m.group("dev") or "xfs"),
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
    ("storage_transport", "scsi_result", _scsi_result_severity,
     ("Result: hostbyte=",),
     r"\[(?P<dev>\w+)\] (?:tag#\d+ )?(?:FAILED )?Result: hostbyte=(?P<host>\w+)",
     _group("dev")),
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
    # --- RAID HBAs: controller resets and faults (the controller, not one disk) ---------
    # megaraid_sas_fusion.c megasas_reset_fusion: "resetting fusion adapter scsi%d." (older
    # "megaraid_sas: resetting fusion adapter."), "Found FW in FAULT state, will reset
    # adapter scsi%d." (older "megasas: Found FW in FAULT state, will reset adapter."),
    # 5.x "FW in FAULT state Fault code:0x%x", megaraid_sas_base.c "FW detected to be in
    # faultstate, restarting it", "Diag reset adapter never cleared!"; OCR = online
    # controller reset ("Initiating OCR", "OCR done for IO timeout case").
    ("storage_transport", "hba_fault", "critical",
     ("FAULT state", "FW detected to be in", ": Diag reset adapter never cleared"),
     r"(?P<dev>megaraid_sas(?: [0-9a-fA-F:.]+)?|megasas)\b.*?: (?:Found )?FW (?:in FAULT state"
     r"|detected to be in faultstate)|(?P<dev2>megaraid_sas(?: [0-9a-fA-F:.]+)?|megasas): Diag "
     r"reset adapter never cleared",
     lambda m: _megaraid(m.group("dev") or m.group("dev2"))),
    ("storage_transport", "hba_reset", "warning",
     (": resetting fusion adapter", "OCR"),
     r"(?P<dev>megaraid_sas(?: [0-9a-fA-F:.]+)?|megasas)\b.*?: .*?(?:resetting fusion adapter"
     r"|\bOCR\b)",
     lambda m: _megaraid(m.group("dev"))),
    # mpt3sas_base.c _base_diag_reset: "sending diag reset !!" (mpt2sas the same)
    ("storage_transport", "hba_reset", "warning",
     (": sending diag reset",),
     r"(?P<dev>mpt[23]sas(?:_cm)?\d+): sending diag reset", _group("dev")),
    # ... and its outcome "diag reset: SUCCESS" (related) or "diag reset: FAILED" (the HBA is
    # left dead: critical)
    ("storage_transport", lambda m: "hba_reset_" + m.group("res").lower(),
     lambda m: "critical" if m.group("res") == "FAILED" else "info",
     (": diag reset: ",),
     r"(?P<dev>mpt[23]sas(?:_cm)?\d+): diag reset: (?P<res>SUCCESS|FAILED)", _group("dev")),
    # hpsa.c hpsa_eh_device_reset_handler -> hpsa_show_dev_msg(..., "resetting") "scsi %d:%d:
    # %d:%d: resetting %s ..."; controller_lockup_detected "Controller lockup detected: 0x%08x"
    # (3.x), "controller lockup detected: 0x%08x after %d" (4.x+)
    ("storage_transport", "hba_reset", "warning",
     (": resetting",),
     r"(?P<dev>hpsa [0-9a-fA-F:.]+): scsi \d+:\d+:\d+:\d+: resetting\b", _group("dev")),
    ("storage_transport", "hba_fault", "critical",
     (": Controller lockup detected", ": controller lockup detected"),
     r"(?P<dev>hpsa [0-9a-fA-F:.]+): [Cc]ontroller lockup detected", _group("dev")),
    # smartpqi_sis.c sis_wait_for_ctrl_ready_with_timeout "controller is offline: status code
    # 0x%x", smartpqi_init.c pqi_take_ctrl_offline_deferred "controller offline"
    ("storage_transport", "pqi_offline_code", "critical",
     (": controller is offline",),
     r"(?P<dev>smartpqi [0-9a-fA-F:.]+): controller is offline", _group("dev")),
    ("storage_transport", "pqi_offline", "critical",
     (": controller offline",),
     r"(?P<dev>smartpqi [0-9a-fA-F:.]+): controller offline\s*$", _group("dev")),
    # aacraid linit.c aac_eh_abort / aac_eh_reset: "%s: Host adapter abort request (%d,%d,%d,
    # %llu)", "Host adapter reset request. SCSI hang ?", "Host bus reset request. SCSI hang ?";
    # rx.c/sa.c/rkt.c "%s%d: adapter kernel panic'd.", src.c "adapter kernel panic'd %x."
    ("storage_transport", "hba_reset", "warning",
     ("Host adapter abort request", "Host adapter reset request", "Host bus reset request"),
     r"(?P<dev>aacraid): Host (?:adapter abort|adapter reset|bus reset) request", _group("dev")),
    ("storage_transport", "hba_fault", "critical",
     (": adapter kernel panic'd",),
     r"(?P<dev>aacraid [0-9a-fA-F:.]+|[A-Za-z]+\d+): adapter kernel panic'd", _group("dev")),
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
    ("storage_transport", "sas_eh", lambda m: "info" if m.group("n") == "0" else "warning",
     ("Enter sas_scsi_recover_host",),
     r"sas: Enter sas_scsi_recover_host busy: \d+ failed: (?P<n>\d+)", _const("libsas")),
    # scsi_error.c: the outcome of an error-handling step ("task abort: SUCCESS", "target
    # reset: FAILED"): the attempt was counted; a failed one is counted too
    ("storage_transport", lambda m: "scsi_eh_" + m.group("res").lower(),
     lambda m: "warning" if m.group("res") == "FAILED" else "info",
     (": SUCCESS", ": FAILED"),
     r"(?P<dev>sd \d+:\d+:\d+:\d+|scsi host\d+|scsi \d+:\d+:\d+:\d+): (?:task abort|device "
     r"reset|target reset|bus reset|host reset): (?P<res>SUCCESS|FAILED)\b",
     _group("dev")),
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
     # (old tg3 "tg3 0000:02:00.0: eth3: Link is down.": the interface, not the PCI address)
     _IFACE + r": (?!\S+: Link)(?:[\w-]+: )?Link is (?P<state>[Dd]own|[Uu]p)\b",
     _group("iface")),
    # mlx5_core "ens1f0: Link down", mlx4_en "mlx4_en: eth2: Link Down"
    ("nic_link", _link_kind, _link_severity,
     ("Link down", "Link Down", "Link up", "Link Up"),
     _IFACE + r": Link (?P<state>[Dd]own|[Uu]p)\s*$", _group("iface")),
    # bnx2.c bnx2_report_link: "NIC %s Link is Down" with "Copper", "Remote Copper", "SerDes"
    ("nic_link", _link_kind, _link_severity,
     ("Link is",),
     _IFACE + r": NIC (?:Remote )?(?:Copper|SerDes|Fiber) Link is (?P<state>[Dd]own|[Uu]p)\b",
     _group("iface")),
    # lower case: old r8169 (rtl8169_check_link_status "link down"/"link up"), sfc
    # (efx_link_status_changed "link down"), hns3 ("link down"/"link up"), e100/mii and
    # other netif_info(..., "link down") drivers; "link is not ready" is no state change
    ("nic_link", _link_kind, _link_severity,
     (": link down", ": link up", ": link is down", ": link is up"),
     _IFACE + r": link (?:is )?(?P<state>down|up)\b", _group("iface")),
    # qede DP_NOTICE "[%s:%d(%s)]Link is down" / "Link is up"
    ("nic_link", _link_kind, _link_severity,
     (")]Link is",),
     r"\((?P<iface>[\w.@-]{1,15})\)\]Link is (?P<state>[Dd]own|[Uu]p)\b", _group("iface")),
    # bonding: bond_select_active_slave "now running without any active interface!"
    # (2.6.32: "%s: now running without any active interface !")
    ("nic_link", "bond_no_active", "critical",
     (": now running without any active interface",),
     r"(?P<bond>[\w.@-]{1,15}): now running without any active interface", _group("bond")),
    # --- hung tasks and lockups -----------------------------------------------------------
    # kernel/hung_task.c check_hung_task: "INFO: task %s:%d blocked for more than %ld seconds."
    # (2.6.32 to 6.x; comm may hold ':' as in kworker/u8:2)
    ("hung_tasks", "hung_task", "warning",
     ("INFO: task ",),
     r"INFO: task (?P<comm>.+?):\d+ blocked for more than \d+ seconds", _group("comm")),
    # kernel/watchdog.c watchdog_timer_fn: "BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]"
    # (4.x+ adds the pr_fmt "watchdog: " prefix)
    ("hung_tasks", "soft_lockup", "critical",
     ("BUG: soft lockup",),
     r"BUG: soft lockup - CPU#\d+ stuck for \d+s!", _const("cpu")),
    # kernel/watchdog_hld.c (4.x+) / kernel/watchdog.c (3.x, via WARN or panic):
    # "Watchdog detected hard LOCKUP on cpu %d" (4.x pr_fmt "NMI watchdog: ")
    ("hung_tasks", "hard_lockup", "critical",
     ("LOCKUP on cpu",),
     r"[Ww]atchdog detected hard LOCKUP on cpu \d+", _const("cpu")),
    # kernel/rcu/tree_stall.h (5.x+) / kernel/rcutree.c (3.x): "INFO: %s self-detected stall
    # on CPU", "INFO: %s detected stalls on CPUs/tasks:" (%s = rcu_sched, rcu_preempt,
    # rcu_bh); 2.6.32: "INFO: %s detected stall on CPU %d", "INFO: RCU detected CPU %d stall"
    ("hung_tasks", "rcu_stall", "critical",
     ("INFO: rcu_", "INFO: RCU detected"),
     r"INFO: (?:rcu_\w+ (?:self-)?detected stalls? on CPU|RCU detected CPU)", _const("cpu")),
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

def _lead(pattern):
    """(text, reach) for a pattern that starts with an interface name, then ": " or ":? ",
    then literal text: every match starts at most ``reach`` characters before that text, so
    the search can start there (found with str.find) instead of trying every position, as
    the engine does for a pattern starting with a character class. None for other patterns.
    """
    for separator in (":? ", ": "):
        if pattern.startswith(_IFACE + separator):
            text = re.match(r"[A-Za-z ]*", pattern[len(_IFACE + separator):]).group()
            if len(text) >= 4:
                return text, _IFACE_MAX + 2  # the name, ":" and " "
    return None


def _compile_rules():
    rules = []
    for cls, kind, severity, guards, pattern, component in _RULE_SPECS:
        rules.append(Rule(cls, kind, severity, guards, re.compile(pattern), component,
                          _lead(pattern)))
    return tuple(rules)


RULES = _compile_rules()
_SEARCHES = tuple((rule.regex.search, rule.lead) for rule in RULES)

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


# Finds the longest guard starting at or after a position (the trie is greedy and its
# branches differ in their first character). candidate_rules() searches again one character
# after each find, so overlapping guards are all found; a guard that is a prefix of a found
# keyword is present too: _RULES_BY_KEYWORD accounts for it. (A plain search, unlike a
# lookahead at every position, lets the engine skip to the characters a guard starts with.)
_GUARD_SEARCH = re.compile(trie_pattern(PREFILTER_KEYWORDS)).search
_RULES_BY_KEYWORD = _rules_by_keyword()
# Beyond any match start: "no rule matched" in _classify().
_NO_MATCH = 1 << 62


def _candidates(text):
    """(indices of the rules with a guard in ``text``, where the first guard starts)."""
    found = _GUARD_SEARCH(text)
    if found is None:
        return (), _NO_MATCH
    first = found.start()
    indices = _RULES_BY_KEYWORD[found.group()]
    found = _GUARD_SEARCH(text, first + 1)
    if found is None:
        return indices, first
    union = set(indices)
    while found is not None:
        union.update(_RULES_BY_KEYWORD[found.group()])
        found = _GUARD_SEARCH(text, found.start() + 1)
    return sorted(union), first


_RULES_BY_GUARD_BYTES = dict((k.encode("ascii"), v) for k, v in _RULES_BY_KEYWORD.items())


def rules_of_guards(found):
    """Indices (in table order) of the rules of the keywords PREFILTER found, as bytes, at
    every position of a line (see errlog_tally._guard_lines)."""
    if len(found) == 1:
        return _RULES_BY_GUARD_BYTES[found[0]]
    union = set()
    for keyword in found:
        union.update(_RULES_BY_GUARD_BYTES[keyword])
    return sorted(union)


def candidate_rules(message):
    """Indices (in table order) of the rules one of whose guards occurs in ``message``."""
    return list(_candidates(message)[0])


def _classify(text, candidates=None):
    """classify(text), and from where on in ``text`` that result was decided.

    Returns (Event or None, start). For an Event, ``start`` is the smallest of where the first
    guard starts and where the matches of the rules that ran and matched start (the winning
    rule and those before it whose component was empty); for None, the smallest start of
    such matches (_NO_MATCH when no rule matched). Rules and their guards never look before
    where they start (but for a word boundary), so any end of ``text`` that begins at or
    before ``start``, after a non-word character, classifies the same way: the scanner
    classifies a whole line before parsing it and so knows its message's class (see
    errlog_tally.scan). ``candidates``: _candidates(text) when the caller knows it.
    """
    indices, guard_at = candidates or _candidates(text)
    start = _NO_MATCH
    for index in indices:
        search, lead = _SEARCHES[index]
        if lead is None:
            match = search(text)
        else:
            at = text.find(lead[0])
            if at < 0:
                continue
            match = search(text, max(at - lead[1], 0))
        if match is None:
            continue
        if match.start() < start:
            start = match.start()
        rule = RULES[index]
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
        return Event(rule.cls, component, kind, severity, weight), min(start, guard_at)
    return None, start


def classify(message):
    """A log message -> Event, or None when no rule matches.

    Only rules with a guard in the message run their regex. Rules match anywhere in the
    text (none is anchored, none looks behind its match), so a full log line classifies like
    its message unless a match starts before the message: the scanner uses that to skip
    parsing the timestamp of lines that are no event.
    """
    return _classify(message)[0]


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



# --- lines no class matched, with a fault keyword (errlog.unclassified) ----------------------

# Fault keywords, word-bounded, any case, with their usual endings ("failed", "errors",
# "aborted", "corruption", "timed out").
FAULT_PATTERN = (r"\b(?:errors?|fail(?:s|ed|ure|ures|ing)?|faults?|faulty|panic(?:s|ked|king)?"
                 r"|critical|time[ -]?outs?|timed out|abort(?:s|ed|ing)?|reset(?:s|ting)?"
                 r"|off-?line|degraded|corrupt(?:s|ed|ion)?|i/o)\b")
FAULT_RE = re.compile(FAULT_PATTERN, re.IGNORECASE)
# Programs whose lines record logins, sessions and privilege changes: a failed password is a
# security matter, not a fault of the system, and an internet-facing host logs hundreds a day.
AUTH_TAGS = frozenset((
    "sshd", "sshd-session", "sudo", "su", "login", "systemd-logind", "polkitd", "unix_chkpwd",
    "gdm-password", "CRON", "cron", "crond", "CROND", "atd", "vsftpd", "dovecot",
))
# Lines with a fault keyword that are no fault, each with where it comes from:
_BENIGN_PATTERNS = (
    # PAM's informational lines, whatever program logs them (pam_unix, pam_sss)
    r"\bpam_\w+\(|authentication failure;",
    # the kernel's command line (panic=1, reboot=..., mce=... are boot parameters)
    r"[Cc]ommand line:",
    # drivers/acpi/apei/erst.c, drivers/ras/cec.c: start-up notices of the error collectors
    r"Error Record Serialization Table \(ERST\) support is initialized"
    r"|RAS: Correctable Errors collector initialized",
    # mount options in ext4/ext3 mount lines: "Opts: errors=remount-ro"
    r"\berrors=(?:remount-ro|continue|panic)\b",
    # drivers/scsi/scsi_error.c: unit attention ASC 0x29 "Power-on or device reset occurred",
    # printed for every SCSI/SAS disk at probe (and counted on purpose nowhere)
    r"Power-on or device reset occurred",
    # block/blk-core.c: "operation not supported error, dev" while probing discard/write-same
    r"operation not supported error, dev",
    # boot-time resource descriptions: arch/x86/kernel/apic "Switch to symmetric I/O mode
    # setup", 8250 serial "ttyS0 at I/O 0x3f8", PCI "I/O ports"/"I/O space"/"I/O window"
    r"symmetric I/O mode|\bat I/O 0x|\bI/O (?:ports?|space|window|APIC|resource)\b",
    # arch/x86/kernel/tsc.c: "Fast TSC calibration failed" (falls back to another method)
    r"Fast TSC calibration failed",
    # net/wireless: servers without Wi-Fi firmware
    r"regulatory\.db",
)
BENIGN_RE = re.compile("|".join(_BENIGN_PATTERNS))
# Text every branch of those patterns holds, word for word: BENIGN_RE cannot match a message
# without one of them. A search for them is cheap (a trie), BENIGN_RE's is not (branches
# starting with a word boundary make the engine try every position): it runs only after a
# hint is found. (test_errlog_fastpath.py checks every branch holds a hint.)
BENIGN_HINTS = ("pam_", "authentication failure;", "ommand line:", "Error Record Serialization",
                "RAS: Correctable", "errors=", "Power-on or device reset occurred",
                "operation not supported error, dev", "I/O ", "Fast TSC calibration failed",
                "regulatory.db")


_BENIGN_HINT = re.compile(trie_pattern(BENIGN_HINTS)).search


def is_benign(message):
    """BENIGN_RE.search(message) is not None, searched only where a hint is."""
    return _BENIGN_HINT(message) is not None and BENIGN_RE.search(message) is not None


def fault_event(tag, message):
    """An Event of errlog.unclassified for a message no class matched, or None.

    ``tag``: the program (syslog tag; ``kernel`` for dmesg). The component is the program, so
    a report groups what each one said. None when the message has no fault keyword, is a
    login/session line or known benign noise (BENIGN_RE).
    """
    if FAULT_RE.search(message) is None or tag in AUTH_TAGS or is_benign(message):
        return None
    return Event(UNCLASSIFIED, tag or "kernel", "fault_keyword", "warning", 1)


def classify_record(tag, message):
    """A parsed line's message -> (Event or None, repeat): a class's event, else an
    errlog.unclassified one (fault_event); rsyslog's 'message repeated N times: [ ... ]' is
    unwrapped (repeat = N)."""
    repeat = 1
    if message.startswith("message repeated "):
        match = _REPEATED_RE.match(message)
        if match:
            repeat, message = int(match.group(1)), match.group(2)
    event = classify(message)
    if event is None:
        event = fault_event(tag, message)
    return event, repeat


# The scanner's prefilters. A line that has no rule's guard (PREFILTER) and, lower-cased, no
# fault keyword's stem (FAULT_PREFILTER, a superset of FAULT_RE without its word bounds) is
# neither an event nor an unclassified fault: it is skipped before decoding or parsing. Both
# are literal tries, so the regex engine tests few positions (bytes.lower() is cheap).
FAULT_STEMS = ("error", "fail", "fault", "panic", "critical", "timeout", "time out",
               "time-out", "timed out", "abort", "reset", "offline", "off-line", "degraded",
               "corrupt", "i/o")
FAULT_PREFILTER = re.compile(trie_pattern(FAULT_STEMS).encode("ascii"))

# Letters from the most to the least frequent in logs (lower-cased; then anything else).
_FREQUENT = " etaonisrlhdcu-mpfgybwvk.:/0123456789"


def anchored_pattern(words):
    """Regex source finding the same words as trie_pattern(words), each from its least
    frequent character (in _FREQUENT's order), the characters before it checked behind:
    'abort' -> 'b(?<=ab)ort'. -> (source, reach): a match starts at most ``reach``
    characters after the word it finds.

    The engine tries a match at every position holding a first character of the pattern,
    and lower-cased text is full of the first letters of the fault stems (a, c, d, e, i, o,
    p, r, t); their least frequent letters (b, c, f, g, m, p, r, /) are fewer than half as
    many positions.
    """
    rank = dict((char, index) for index, char in enumerate(_FREQUENT))
    branches = {}
    reach = 0
    for word in words:
        at = max(range(len(word)), key=lambda index: (rank.get(word[index], len(rank)),
                                                      -index))
        reach = max(reach, at)
        look = "(?<=" + re.escape(word[:at + 1]) + ")" if at else ""
        branches.setdefault(word[at], []).append(look + re.escape(word[at + 1:]))
    source = "|".join(re.escape(char) + "(?:" + "|".join(sorted(set(tails))) + ")"
                      for char, tails in sorted(branches.items()))
    return source, reach


# FAULT_PREFILTER as the scanner searches it: the same lines, fewer positions tried.
_FAULT_ANCHORED, FAULT_SCAN_REACH = anchored_pattern(FAULT_STEMS)
FAULT_SCAN = re.compile(_FAULT_ANCHORED.encode("ascii"))
# A login/session program's line (AUTH_TAGS) as syslog and the journal write it: " sshd[12]: "
AUTH_LINE_RE = re.compile(
    (r" (?:" + "|".join(re.escape(t) for t in sorted(AUTH_TAGS)) + r")(?:\[\d+\])?: ")
    .encode("ascii"))


def candidate(data):
    """Whether bytes ``data`` (a line or a block of lines) may hold an event or a fault."""
    return PREFILTER.search(data) is not None \
        or FAULT_PREFILTER.search(data.lower()) is not None


# For tests and tools: one regex with the same meaning as candidate() (slower).
CANDIDATE = re.compile(PREFILTER.pattern + b"|(?i:" + FAULT_PATTERN.encode("ascii") + b")")
