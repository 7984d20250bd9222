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
)

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

