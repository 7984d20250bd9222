# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the Linux host state (the ``system`` area).

:func:`evaluate` takes the data :func:`parsers.linux_system.parse_sources` made (a section
that could not be read or was not collected is ``{"error": message, "cause": cause}`` or
absent), the thresholds (``catalogue.merge_thresholds("system", overrides)``) and the
context (``now``: epoch seconds; ``since``: ISO time of the host's previous inspection or
None; ``ignore_fstypes`` / ``ignore_mountpoints``: the area's options), and returns the
findings. Each ``check_*`` function handles one check id and can be called on its own.

Check ids and what they judge (thresholds and texts: ``catalogue/system.py``):

``system.uptime``             boot time; warning when the host rebooted after ``since``
``system.load``               15-minute load average per CPU
``system.cpu_utilisation``    busy CPU % over the sampling interval (two /proc/stat samples)
``system.io_wait``            iowait % over the same interval
``system.memory``             used memory % excluding cache (MemTotal - MemAvailable)
``system.swap``               used swap %; ok when no swap is configured
``system.filesystem_usage``   one finding per judged mount, used % as ``df`` computes it
``system.filesystem_inodes``  one finding per judged mount that has inodes
``system.readonly_mounts``    critical per mount that is read-only but should be writable;
                              unknown when its fstab line could not be read
``system.zombie_processes``   number of processes in state Z
``system.top_processes``      informational (ok): top CPU and memory consumers
``system.failed_units``       warning per failed systemd unit
``system.time_sync``          warning when no time service reports a synchronised clock
``system.nic_errors``         per interface: error counters' increase since the previous
                              inspection (context ``previous``; since boot without one)
``system.nic_flaps``          per interface: link changes (carrier_changes) since then; an
                              interface gone since then is a warning

Failed units are a *warning*, not critical: systemd marks a crashed database and a
one-shot helper that failed at boot alike, and the inspection cannot tell which matters to
the client; the engineer escalates in the report.

Rules write no prose: every text is a message of the catalogue (``msg(key, **params)``).
Evidence lines stay as the tools and /proc say them.

Counters (``system.nic_errors``, ``system.nic_flaps``) are judged on their increase since the
host's previous inspection: ``context["previous"]`` holds that inspection's counters
({``deltas.key(check, interface, counter)``: {"value", "at", "boot_time"}}, the runner's
``weibao_previous_counters``) and :func:`deltas.delta` compares (a reboot or a counter that
went down is a reset: the increase is then at least the current value). :func:`counters`
gives the counters to store for the next time.
"""

from __future__ import annotations

import fnmatch

from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection.findings import judge, make_finding, unknown
from ansible.module_utils.weibao_inspection.findings import not_applicable as not_applicable_entry
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers.linux_system import (
    ParseError,
    epoch_to_iso,
    iso_to_epoch,
)
from ansible.module_utils.weibao_inspection.rules.common import section_failure as _failure

AREA = "system"

# Filesystem types never judged (shell globs): pseudo filesystems, and read-only images that
# are always 100 % full. tmpfs is deliberately absent: see DEFAULT_IGNORE_MOUNTPOINTS.
DEFAULT_IGNORE_FSTYPES = [
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs",
    "tracefs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs",
    "binfmt_misc", "rpc_pipefs", "nsfs", "efivarfs", "selinuxfs", "ramfs", "squashfs",
    "iso9660", "udf", "nfsd", "fuse.gvfsd-fuse", "fuse.portal", "fuse.lxcfs",
    "fuse.snapfuse",
]
# Mount points never judged (shell globs, "*" also matches "/"): the kernel's and systemd's
# runtime trees, where memory-backed mounts (/dev/shm, /run/user/*) are managed by the
# system, and per-container mounts below container engines' data directories (the data
# directory itself is judged). A tmpfs anywhere else (/tmp, /mnt/scratch) is judged.
DEFAULT_IGNORE_MOUNTPOINTS = [
    "/dev", "/dev/*", "/proc", "/proc/*", "/sys", "/sys/*", "/run", "/run/*",
    "/var/lib/docker/*", "/var/lib/containers/*", "/var/lib/kubelet/*",
]
# Mount points that are writable on any sane host: read-only means the kernel remounted
# them after errors, unless /etc/fstab says ro.
NORMALLY_RW_MOUNTPOINTS = ("/", "/var", "/var/log", "/var/tmp", "/tmp", "/home", "/opt", "/srv")

# Network interfaces never judged (shell globs): loopback and the virtual interfaces that
# container engines, Kubernetes CNIs, hypervisors and tunnels create and delete by the dozen.
# A container's own eth0 is judged (inside it, it is the link to the outside); so are bonds,
# teams, VLANs (eth0.100), bridges such as br0 and InfiniBand.
DEFAULT_IGNORE_INTERFACES = [
    "lo", "veth*", "docker*", "br-*", "virbr*", "cni*", "flannel*", "cali*", "vnet*", "tun*",
    "tap*", "kube-*", "cilium*", "lxc*", "vxlan*", "weave*", "datapath", "genev_sys_*",
    "ovs-system", "podman*", "nodelocaldns", "ifb*", "dummy*", "tunl*", "sit*", "ip6tnl*",
    "gre*", "ip6gre*", "erspan*", "ip_vti*", "ip6_vti*", "nlmon*", "wg*",
]
# Error counters, judged: the largest receive one's increase plus the largest transmit one's
# (the kernel's own counters overlap: rx_errs holds the CRC and frame errors, the
# /proc/net/dev frame and carrier columns are sums). /proc/net/dev columns first, then the
# /sys/class/net/<if>/statistics counters where sysfs has them.
RX_ERROR_COUNTERS = ("rx_errs", "rx_frame", "rx_fifo", "rx_crc_errors", "rx_frame_errors",
                     "rx_length_errors", "rx_over_errors", "rx_fifo_errors")
TX_ERROR_COUNTERS = ("tx_errs", "tx_carrier", "tx_fifo", "tx_colls", "tx_aborted_errors",
                     "tx_carrier_errors", "tx_fifo_errors", "tx_heartbeat_errors",
                     "tx_window_errors")
# Shown, never judged: rx_drop grows on every healthy host (packets of protocols nobody
# listens to, VLANs not configured, a full socket buffer) and rx_missed_errors counts
# packets the host was too busy to take (a capacity question, not a cable's).
DROP_COUNTERS = ("rx_drop", "tx_drop", "rx_missed_errors")
NIC_COUNTERS = RX_ERROR_COUNTERS + TX_ERROR_COUNTERS + DROP_COUNTERS
# The sysfs statistics the collector reads (/sys/class/net/<if>/statistics/<name>).
SYSFS_COUNTERS = ("rx_crc_errors", "rx_frame_errors", "rx_length_errors", "rx_missed_errors",
                  "rx_over_errors", "rx_fifo_errors", "tx_aborted_errors", "tx_carrier_errors",
                  "tx_fifo_errors", "tx_heartbeat_errors", "tx_window_errors")
# When a link-change count restarts (no earlier reading, a reboot, an interface re-created),
# its first changes are the link coming up: carrier off as the driver starts, on as the link
# comes up. They are not flaps.
LINK_BRINGUP_CHANGES = 2
# Counters listed in a finding's summary (the largest increases); all are in the values.
MAX_COUNTERS_SHOWN = 4

# A ``since`` this far after the host's clock means one of the two clocks is wrong.
CLOCK_SLACK_SECONDS = 300


def _levels(thresholds, name):
    levels = thresholds[name]
    return levels.get("warning"), levels.get("critical")


def _joined(messages):
    """Messages one after the other: ``a; b; c`` / ``a；b；c``."""
    result = messages[-1]
    for item in reversed(messages[:-1]):
        result = msg("system.join", first=item, second=result)
    return result


def _size(num_bytes):
    """A size for evidence lines, in the words of ``{x:bytes}``."""
    value = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


# --------------------------------------------------------------------------- uptime


def _since(context):
    """(since epoch or None, the reason it cannot be read or None)."""
    since = context.get("since") or ""
    since = since.strip() if isinstance(since, str) else since
    if not since:
        return None, None
    try:
        return iso_to_epoch(str(since)), None
    except ParseError as exc:
        return None, exc.message


def check_uptime(data, context=None):
    """system.uptime: boot time, and whether (and how often) the host rebooted since ``since``."""
    check_id = "system.uptime"
    context = context or {}
    boot = data.get("boot_time_epoch")
    if boot is None:
        reason, cause = _failure(data.get("boot_error")) or (
            msg("system.reason.no_boot_time"), "incomplete")
        return [unknown(check_id, msg("system.uptime.no_boot", reason=reason),
                        component="boot", cause=cause)]
    now = context.get("now")
    boot_iso = epoch_to_iso(boot)
    uptime = (now - boot) if now is not None else None
    since_epoch, since_error = _since(context)
    since_iso = epoch_to_iso(since_epoch) if since_epoch is not None else ""
    values = {"boot_time": boot_iso, "uptime_seconds": None if uptime is None else int(uptime),
              "since": since_iso, "reboots_since": None, "reboots_since_complete": None}
    evidence = [f"booted {boot_iso} ({data.get('boot_time_source', 'btime')})"]
    up = msg("system.uptime.up", seconds=uptime) if uptime is not None \
        else msg("system.uptime.up_unknown")
    if since_error:
        return [unknown(check_id, msg("system.uptime.since_unreadable", boot=boot_iso,
                                      reason=since_error),
                        component="boot", evidence=evidence, cause="not_understood")]
    if since_epoch is None:
        return [make_finding(check_id, "ok", msg("system.uptime.first", boot=boot_iso, up=up),
                             component="boot", evidence=evidence, values=values)]
    if now is not None and since_epoch > now + CLOCK_SLACK_SECONDS:
        return [unknown(check_id, msg("system.uptime.clock_ahead", since=since_iso,
                                      now=epoch_to_iso(now)),
                        component="boot", evidence=evidence, cause="stale")]
    if boot <= since_epoch:
        values["reboots_since"] = 0
        values["reboots_since_complete"] = True
        return [make_finding(check_id, "ok", msg("system.uptime.no_reboot", since=since_iso,
                                                 boot=boot_iso, up=up),
                             component="boot", evidence=evidence, values=values)]
    # rebooted at least once since the last inspection
    reboots = data.get("reboots")
    failed = _failure(reboots)
    if failed:
        count = msg("system.uptime.count_unknown", reason=failed[0])
        evidence.append(f"reboot records not available: {render(failed[0])}")
    else:
        after = [r for r in reboots.get("records", [])
                 if r.get("start_epoch") is not None and r["start_epoch"] > since_epoch]
        begins = reboots.get("begins_epoch")
        complete = begins is not None and begins <= since_epoch and len(after) > 0
        number = max(1, len(after))
        values["reboots_since"] = number
        values["reboots_since_complete"] = complete
        if number == 1:
            count = msg("system.uptime.count_once" if complete
                        else "system.uptime.count_at_least_once")
        else:
            count = msg("system.uptime.count_times" if complete
                        else "system.uptime.count_at_least", count=number)
        evidence.extend(r.get("line", r.get("start", "")) for r in after)
        if not complete:
            evidence.append("wtmp does not cover the whole period (rotated, or records missing)")
    return [make_finding(
        check_id, "warning",
        msg("system.uptime.rebooted", count=count, since=since_iso, boot=boot_iso, up=up),
        component="boot", evidence=evidence, values=values,
        recommendation=msg("system.uptime.fix"))]


# --------------------------------------------------------------------------- CPU, load


def check_load(data, thresholds):
    """system.load: the 15-minute load average per CPU."""
    check_id = "system.load"
    loadavg = data.get("loadavg")
    failed = _failure(loadavg)
    if failed:
        return [unknown(check_id, msg("system.load.unreadable", reason=failed[0]),
                        component="cpu", cause=failed[1])]
    cpus = data.get("cpu_count")
    if not cpus:
        return [unknown(check_id, msg("system.load.no_cpu_count"), component="cpu",
                        cause="incomplete")]
    warning, critical = _levels(thresholds, "load")
    per_core = {k: round(loadavg[k] / cpus, 2) for k in ("load1", "load5", "load15")}
    status = judge(per_core["load15"], warning, critical)
    return [make_finding(
        check_id, status,
        msg("system.load.summary", load1=loadavg["load1"], load5=loadavg["load5"],
            load15=loadavg["load15"], cpus=cpus, per_cpu=per_core["load15"]),
        component="cpu",
        evidence=[f"/proc/loadavg: {loadavg['load1']} {loadavg['load5']} {loadavg['load15']} "
                  f"{loadavg.get('runnable')}/{loadavg.get('scheduling_entities')}",
                  f"online CPUs: {cpus}"],
        values={"load1": loadavg["load1"], "load5": loadavg["load5"],
                "load15": loadavg["load15"], "cpu_count": cpus,
                "load1_per_cpu": per_core["load1"], "load5_per_cpu": per_core["load5"],
                "load15_per_cpu": per_core["load15"]},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.load.fix"),
    )]


def check_cpu(data, thresholds):
    """system.cpu_utilisation and system.io_wait over the sampling interval."""
    cpu = data.get("cpu")
    failed = _failure(cpu)
    if failed:
        return [
            unknown("system.cpu_utilisation",
                    msg("system.cpu_utilisation.unreadable", reason=failed[0]),
                    component="cpu", cause=failed[1]),
            unknown("system.io_wait", msg("system.io_wait.unreadable", reason=failed[0]),
                    component="cpu", cause=failed[1]),
        ]
    seconds = cpu.get("sample_seconds")
    during = msg("system.cpu_utilisation.during_seconds", seconds=seconds) if seconds \
        else msg("system.cpu_utilisation.during")
    evidence = [f"/proc/stat sampled twice, {seconds} s apart: busy {cpu['busy_pct']} %, "
                f"iowait {cpu['iowait_pct']} %, steal {cpu['steal_pct']} %, "
                f"idle {cpu['idle_pct']} %"]
    findings = []
    warning, critical = _levels(thresholds, "cpu_utilisation")
    status = judge(cpu["busy_pct"], warning, critical)
    findings.append(make_finding(
        "system.cpu_utilisation", status,
        msg("system.cpu_utilisation.summary", busy=cpu["busy_pct"], during=during),
        component="cpu", evidence=evidence,
        values={"busy_pct": cpu["busy_pct"], "steal_pct": cpu["steal_pct"],
                "sample_seconds": seconds},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.cpu_utilisation.fix"),
    ))
    if cpu.get("iowait_pct") is None:
        findings.append(unknown("system.io_wait", msg("system.io_wait.no_counter"),
                                component="cpu", evidence=evidence, cause="incomplete"))
        return findings
    warning, critical = _levels(thresholds, "io_wait")
    status = judge(cpu["iowait_pct"], warning, critical)
    findings.append(make_finding(
        "system.io_wait", status,
        msg("system.io_wait.summary", iowait=cpu["iowait_pct"], during=during),
        component="cpu", evidence=evidence,
        values={"iowait_pct": cpu["iowait_pct"], "sample_seconds": seconds},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.io_wait.fix"),
    ))
    return findings


# --------------------------------------------------------------------------- memory


def check_memory(data, thresholds):
    """system.memory: used memory excluding page cache and reclaimable buffers."""
    check_id = "system.memory"
    mem = data.get("memory")
    failed = _failure(mem)
    if failed:
        return [unknown(check_id, msg("system.memory.unreadable", reason=failed[0]),
                        component="memory", cause=failed[1])]
    total = mem["mem_total_kb"]
    available = mem["mem_available_kb"]
    used_pct = round(100.0 * (total - available) / total, 1)
    warning, critical = _levels(thresholds, "memory")
    status = judge(used_pct, warning, critical)
    measured = mem["available_source"] == "MemAvailable"
    return [make_finding(
        check_id, status,
        msg("system.memory.summary" if measured else "system.memory.summary_estimated",
            used=used_pct, available=available * 1024, total=total * 1024),
        component="memory",
        evidence=[f"MemTotal: {total} kB", f"available: {available} kB "
                  f"({mem['available_source']})", f"MemFree: {mem['mem_free_kb']} kB"],
        values={"used_pct": used_pct, "total_kb": total, "available_kb": available,
                "available_source": mem["available_source"]},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.memory.fix"),
    )]


def check_swap(data, thresholds):
    """system.swap: used swap %; ok (and said so) when no swap is configured."""
    check_id = "system.swap"
    mem = data.get("memory")
    failed = _failure(mem)
    if failed:
        return [unknown(check_id, msg("system.swap.unreadable", reason=failed[0]),
                        component="swap", cause=failed[1])]
    total = mem["swap_total_kb"]
    warning, critical = _levels(thresholds, "swap")
    if total == 0:
        return [make_finding(check_id, "ok", msg("system.swap.none"), component="swap",
                             evidence=["SwapTotal: 0 kB"],
                             values={"swap_total_kb": 0, "used_pct": None},
                             thresholds={"warning": warning, "critical": critical})]
    used = total - mem["swap_free_kb"]
    used_pct = round(100.0 * used / total, 1)
    status = judge(used_pct, warning, critical)
    return [make_finding(
        check_id, status,
        msg("system.swap.summary", used=used_pct, used_bytes=used * 1024, total=total * 1024),
        component="swap",
        evidence=[f"SwapTotal: {total} kB", f"SwapFree: {mem['swap_free_kb']} kB"],
        values={"used_pct": used_pct, "swap_total_kb": total, "swap_used_kb": used},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.swap.fix"),
    )]


# --------------------------------------------------------------------------- filesystems


def _ignore_lists(context):
    context = context or {}
    fstypes = context.get("ignore_fstypes")
    mountpoints = context.get("ignore_mountpoints")
    return (DEFAULT_IGNORE_FSTYPES if fstypes is None else fstypes,
            DEFAULT_IGNORE_MOUNTPOINTS if mountpoints is None else mountpoints)


def ignored_by(mount, ignore_fstypes, ignore_mountpoints):
    """Why the ignore lists leave ``mount`` out (a message), or None. Both lists are shell
    globs (``fnmatch``; ``*`` also matches ``/``); a mount of unknown type (``df -P``
    without ``-T``) is matched by its mount point only."""
    fstype = mount.get("fstype")
    if fstype is not None:
        for pattern in ignore_fstypes:
            if fnmatch.fnmatchcase(fstype, pattern):
                return msg("system.skip.fstype", fstype=fstype)
    for pattern in ignore_mountpoints:
        if fnmatch.fnmatchcase(mount["mountpoint"], pattern):
            return msg("system.skip.mountpoint", pattern=pattern)
    return None


def select_mounts(mounts, ignore_fstypes, ignore_mountpoints):
    """Mark each mount and return those whose space and inodes are to be judged.

    Sets ``ignored`` on every mount (why the ignore lists leave it out, a message, or None;
    the read-only check looks at every mount not ignored) and ``skipped`` (why its space is
    not judged: ignored, or hidden by a later mount on the same mount point). The collector
    adds the reasons only a look at the filesystem can give (a bind-mounted file, the same
    filesystem twice).
    """
    last_index = {}
    for index, mount in enumerate(mounts):
        last_index[mount["mountpoint"]] = index
    selected = []
    for index, mount in enumerate(mounts):
        reason = ignored_by(mount, ignore_fstypes, ignore_mountpoints)
        mount["ignored"] = reason
        if reason is None and last_index[mount["mountpoint"]] != index:
            reason = msg("system.skip.hidden")
        mount["skipped"] = reason
        if reason is None:
            selected.append(mount)
    return selected


def _described(fs):
    if fs.get("fstype") is None:
        return msg("system.filesystem.described_no_type", mountpoint=fs["mountpoint"],
                   device=fs.get("device"))
    return msg("system.filesystem.described", mountpoint=fs["mountpoint"],
               device=fs.get("device"), fstype=fs.get("fstype"))


def check_filesystems(data, thresholds, context=None):
    """system.filesystem_usage and system.filesystem_inodes: one finding per judged mount.

    The entries come from the collector's statvfs (already selected by the ignore lists,
    bind mounts and duplicates left out) or from ``df -P`` / ``df -Pi`` (df leaves out
    duplicates; the ignore lists of ``context`` apply here). An entry whose statvfs failed
    gives unknown for both checks; a filesystem without inodes (btrfs, some FUSE) gets no
    inode finding.
    """
    section = data.get("filesystems")
    failed = _failure(section)
    if failed:
        return [unknown(check_id, msg("system.filesystem.unlisted", reason=failed[0]),
                        cause=failed[1])
                for check_id in ("system.filesystem_usage", "system.filesystem_inodes")]
    lists = _ignore_lists(context)
    entries = [e for e in section.get("entries", []) if ignored_by(e, *lists) is None]
    skipped = section.get("skipped_count", 0) + len(section.get("entries", [])) - len(entries)
    findings = []
    for name, check_id in (("usage_error", "system.filesystem_usage"),
                           ("inodes_error", "system.filesystem_inodes")):
        failed = _failure(section.get(name)) if section.get(name) else None
        if failed:
            findings.append(unknown(check_id, msg("system.filesystem.unlisted",
                                                  reason=failed[0]), cause=failed[1]))
    if not entries:
        return findings + [unknown("system.filesystem_usage",
                                   msg("system.filesystem.none_left", skipped=skipped),
                                   cause="incomplete")]
    usage_warning, usage_critical = _levels(thresholds, "filesystem_usage")
    inode_warning, inode_critical = _levels(thresholds, "filesystem_inodes")
    for fs in entries:
        mountpoint = fs["mountpoint"]
        if fs.get("error"):
            for check_id in ("system.filesystem_usage", "system.filesystem_inodes"):
                findings.append(unknown(
                    check_id, msg("system.filesystem.unreadable", fs=_described(fs),
                                  reason=fs["error"]),
                    component=mountpoint, cause=fs.get("cause") or "source_unreadable"))
            continue
        if "size_bytes" in fs:
            findings.append(_usage_finding(fs, usage_warning, usage_critical))
        inode = _inode_finding(fs, inode_warning, inode_critical)
        if inode is not None:
            findings.append(inode)
    return findings


def _usage_finding(fs, warning, critical):
    check_id = "system.filesystem_usage"
    mountpoint = fs["mountpoint"]
    size = fs.get("size_bytes") or 0
    used = fs.get("used_bytes") or 0
    avail = fs.get("avail_bytes") or 0
    if size <= 0 or used + avail <= 0:
        return unknown(check_id, msg("system.filesystem_usage.zero_size", fs=_described(fs)),
                       component=mountpoint, cause="not_understood")
    # as df computes Use%: the space reserved for root counts as neither used nor free
    used_pct = round(100.0 * used / (used + avail), 1)
    status = judge(used_pct, warning, critical)
    return make_finding(
        check_id, status,
        msg("system.filesystem_usage.summary", mountpoint=mountpoint, used=used_pct,
            avail=avail, size=size),
        component=mountpoint,
        evidence=[f"{fs.get('device')} on {mountpoint} type {fs.get('fstype')}: size {size} B, "
                  f"used {used} B, available {avail} B"],
        values={"used_pct": used_pct, "size_bytes": size, "used_bytes": used,
                "avail_bytes": avail, "device": fs.get("device"), "fstype": fs.get("fstype")},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok"
        else msg("system.filesystem_usage.fix", mountpoint=mountpoint),
    )


def _inode_finding(fs, warning, critical):
    check_id = "system.filesystem_inodes"
    mountpoint = fs["mountpoint"]
    total = fs.get("inodes_total") or 0
    if total <= 0:
        return None
    free = fs.get("inodes_free") or 0
    used_pct = round(100.0 * (total - free) / total, 1)
    status = judge(used_pct, warning, critical)
    return make_finding(
        check_id, status,
        msg("system.filesystem_inodes.summary", mountpoint=mountpoint, used=used_pct,
            free=free, total=total),
        component=mountpoint,
        evidence=[f"{fs.get('device')} on {mountpoint} type {fs.get('fstype')}: inodes "
                  f"{total}, free {free}"],
        values={"used_pct": used_pct, "inodes_total": total, "inodes_free": free,
                "device": fs.get("device"), "fstype": fs.get("fstype")},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok"
        else msg("system.filesystem_inodes.fix", mountpoint=mountpoint),
    )


def _options(mount):
    options = mount.get("options") or ""
    return options if isinstance(options, str) else ",".join(options)


def check_readonly_mounts(data, context=None):
    """system.readonly_mounts: critical per mount that is ro but should be rw.

    A mount should be writable when /etc/fstab mounts it without ``ro``, or, with no fstab
    entry, when it is one of :data:`NORMALLY_RW_MOUNTPOINTS`. Only the visible (last)
    mount of each mount point counts; mounts the ignore lists leave out are not checked.

    fstab lines the parser could not read (``bad_lines``) may be the entry of any mount that
    has no readable one, so a read-only mount without a readable entry is then not judged: it
    gets an ``unknown`` naming the lines, never ``ok``. A normally writable mount point stays
    critical (read-only there means errors far more often than an ro line), and its finding
    says that lines could not be read. Mounts with a readable entry are judged as usual.
    """
    check_id = "system.readonly_mounts"
    mounts = data.get("mounts")
    failed = _failure(mounts)
    if failed:
        return [unknown(check_id, msg("system.readonly_mounts.unlisted", reason=failed[0]),
                        component="mounts", cause=failed[1])]
    fstab = data.get("fstab")
    path = (fstab or {}).get("path", "/etc/fstab")
    failed = _failure(fstab)
    if failed and not (fstab or {}).get("missing"):
        return [unknown(check_id, msg("system.readonly_mounts.fstab_unreadable", path=path,
                                      reason=failed[0]),
                        component="mounts", cause=failed[1])]
    expected = {}
    for entry in fstab.get("entries", []):
        if entry["fstype"] in ("swap", "none") or not entry["mountpoint"].startswith("/"):
            continue
        expected[entry["mountpoint"]] = entry
    bad = fstab.get("bad_lines") or []
    bad_evidence = [f"fstab line not understood: {line}" for line in bad]
    lists = _ignore_lists(context)
    visible = {}
    for mount in mounts.get("entries", []):
        if ignored_by(mount, *lists) is None:
            visible[mount["mountpoint"]] = mount
    findings = []
    for mountpoint, mount in visible.items():
        if not mount["readonly"]:
            continue
        entry = expected.get(mountpoint)
        described = _described(mount)
        evidence = [f"/proc/mounts: {mount['device']} {mountpoint} {mount['fstype']} "
                    f"{_options(mount)}"]
        if entry is not None:
            if entry["readonly"]:
                continue
            why = msg("system.readonly_mounts.why_fstab_rw", path=path, options=_options(entry))
            evidence.append(f"fstab: {entry['device']} {entry['mountpoint']} {entry['fstype']} "
                            f"{_options(entry)}")
        elif mountpoint in NORMALLY_RW_MOUNTPOINTS and not bad:
            why = msg("system.readonly_mounts.why_normally_rw", mountpoint=mountpoint, path=path)
        elif mountpoint in NORMALLY_RW_MOUNTPOINTS:
            why = msg("system.readonly_mounts.why_normally_rw_bad", mountpoint=mountpoint,
                      path=path, bad=len(bad))
            evidence.extend(bad_evidence)
        elif bad:
            findings.append(unknown(
                check_id, msg("system.readonly_mounts.no_readable_line", fs=described, path=path,
                              bad=len(bad)),
                component=mountpoint, evidence=evidence + bad_evidence, cause="not_understood"))
            continue
        else:
            continue
        findings.append(make_finding(
            check_id, "critical", msg("system.readonly_mounts.readonly", fs=described, why=why),
            component=mountpoint, evidence=evidence,
            values={"device": mount["device"], "fstype": mount["fstype"], "readonly": True},
            recommendation=msg("system.readonly_mounts.fix")))
    if findings:
        return findings
    evidence = [f"{len(visible)} mounts checked"]
    if fstab.get("missing"):
        evidence.append(f"no {path}: only "
                        f"{', '.join(NORMALLY_RW_MOUNTPOINTS)} are expected to be writable")
    evidence.extend(bad_evidence)
    return [make_finding(check_id, "ok", msg("system.readonly_mounts.none", count=len(visible)),
                         component="mounts", evidence=evidence,
                         values={"mounts_checked": len(visible)})]


# --------------------------------------------------------------------------- processes


def _process_section(data, check_id):
    procs = data.get("processes")
    failed = _failure(procs)
    if failed:
        return None, unknown(check_id, msg("system.processes.unreadable", reason=failed[0]),
                             component="processes", cause=failed[1])
    if not procs.get("complete", True):
        why = procs.get("incomplete_reason") or msg("reason.not_collected")
        return None, unknown(check_id, msg("system.processes.incomplete", reason=why),
                             component="processes", cause="no_permission")
    if not procs.get("count"):
        return None, unknown(check_id, msg("system.processes.none"), component="processes",
                             cause="incomplete")
    return procs, None


def check_zombies(data, thresholds):
    """system.zombie_processes: count of processes in state Z, and their parents."""
    check_id = "system.zombie_processes"
    procs, failure = _process_section(data, check_id)
    if failure:
        return [failure]
    zombies = procs.get("zombies", [])  # at most 200 are listed
    warning, critical = _levels(thresholds, "zombie_processes")
    count = procs.get("zombie_count", len(zombies))
    status = judge(count, warning, critical)
    parents = {}
    for z in zombies:
        parents.setdefault((z["ppid"], z.get("parent_comm") or "?"), 0)
        parents[(z["ppid"], z.get("parent_comm") or "?")] += 1
    top_parents = [msg("system.zombie_processes.parent", pid=pid, name=name, count=n)
                   for (pid, name), n in sorted(parents.items(), key=lambda kv: -kv[1])[:3]]
    return [make_finding(
        check_id, status,
        msg("system.zombie_processes.summary_parents" if top_parents
            else "system.zombie_processes.summary", count=count, parents=top_parents),
        component="processes",
        evidence=[f"pid {z['pid']} ({z['comm']}) parent {z['ppid']} ({z.get('parent_comm')})"
                  for z in zombies],
        values={"zombie_count": count, "parent_count": len(parents),
                "processes": procs.get("count")},
        thresholds={"warning": warning, "critical": critical},
        recommendation=None if status == "ok" else msg("system.zombie_processes.fix"),
    )]


def check_top_processes(data):
    """system.top_processes (ok, informational): the top CPU and memory consumers."""
    check_id = "system.top_processes"
    procs, failure = _process_section(data, check_id)
    if failure:
        return [failure]
    lifetime = procs.get("cpu_over") == "lifetime"
    values = {"processes": procs.get("count"), "sample_seconds": procs.get("sample_seconds")}
    evidence = ["top CPU (percent of one CPU over each process's life, ps):" if lifetime
                else "top CPU (percent of one CPU over the sample):"]
    for rank, p in enumerate(procs.get("top_cpu", []), 1):
        values[f"cpu_{rank}_pid"] = p["pid"]
        values[f"cpu_{rank}_name"] = p["comm"]
        values[f"cpu_{rank}_pct"] = p["cpu_pct"]
        evidence.append(f"  {p['cpu_pct']:6.1f} %  pid {p['pid']} {p['comm']}: "
                        f"{p.get('args') or ''}")
    evidence.append("top memory (resident):")
    for rank, p in enumerate(procs.get("top_memory", []), 1):
        values[f"mem_{rank}_pid"] = p["pid"]
        values[f"mem_{rank}_name"] = p["comm"]
        values[f"mem_{rank}_rss_kb"] = p["rss_kb"]
        values[f"mem_{rank}_pct"] = p["mem_pct"]
        share = "" if p.get("mem_pct") is None else f" ({p['mem_pct']} %)"
        evidence.append(f"  {_size(p['rss_kb'] * 1024):>10}{share}  pid {p['pid']} "
                        f"{p['comm']}: {p.get('args') or ''}")
    first_cpu = (procs.get("top_cpu") or [None])[0]
    first_mem = (procs.get("top_memory") or [None])[0]
    cpu = "" if first_cpu is None else msg(
        "system.top_processes.cpu_lifetime" if lifetime else "system.top_processes.cpu",
        name=first_cpu["comm"], pct=first_cpu["cpu_pct"])
    memory = "" if first_mem is None else msg(
        "system.top_processes.memory", name=first_mem["comm"], size=first_mem["rss_kb"] * 1024)
    return [make_finding(check_id, "ok", msg("system.top_processes.summary",
                                             count=procs.get("count"), cpu=cpu, memory=memory),
                         component="processes", evidence=evidence, values=values)]


# --------------------------------------------------------------------------- systemd


def check_failed_units(data):
    """system.failed_units: warning per failed unit; see the module docstring for why."""
    check_id = "system.failed_units"
    systemd = data.get("systemd")
    if systemd is not None and systemd.get("running") is False:
        return []  # not applicable: see not_applicable()
    failed = _failure(systemd)
    if failed:
        return [unknown(check_id, msg("system.failed_units.unlisted", reason=failed[0]),
                        component="systemd", cause=failed[1])]
    state = systemd.get("state")
    units = systemd.get("failed_units", [])
    details = systemd.get("details") or {}
    if not units:
        if state == "degraded":
            return [unknown(check_id, msg("system.failed_units.degraded_none"),
                            component="systemd",
                            evidence=["systemctl is-system-running: degraded"],
                            cause="not_understood")]
        shown = state or msg("system.failed_units.state_unknown")
        return [make_finding(check_id, "ok", msg("system.failed_units.none", state=shown),
                             component="systemd",
                             evidence=[f"systemctl is-system-running: {render(shown)}"],
                             values={"failed_units": 0, "system_state": state})]
    findings = []
    for unit in units:
        name = unit["unit"]
        detail = details.get(name, {})
        result = detail.get("Result")
        since = detail.get("StateChangeTimestamp") or detail.get("InactiveEnterTimestamp")
        if result and since:
            extra = msg("system.failed_units.result_since", result=result, since=since)
        elif result:
            extra = msg("system.failed_units.result", result=result)
        elif since:
            extra = msg("system.failed_units.since", since=since)
        else:
            extra = ""
        description = msg("system.failed_units.description", text=unit["description"]) \
            if unit.get("description") else ""
        evidence = [f"{name} {unit['load']} {unit['active']} {unit['sub']} "
                    f"{unit.get('description', '')}".rstrip()]
        evidence.extend(f"{k}={v}" for k, v in sorted(detail.items()) if k != "Id")
        findings.append(make_finding(
            check_id, "warning",
            msg("system.failed_units.failed", unit=name, description=description, details=extra),
            component=name, evidence=evidence,
            values={"unit": name, "load": unit["load"], "active": unit["active"],
                    "sub": unit["sub"], "result": result, "since": since,
                    "system_state": state},
            recommendation=msg("system.failed_units.fix", unit=name)))
    return findings


# --------------------------------------------------------------------------- time


def _said(item, name):
    return msg("system.time_sync.answer", tool=item["tool"], answer=item[name])


def check_time_sync(data):
    """system.time_sync: ok when a time service reports the clock synchronised."""
    check_id = "system.time_sync"
    section = data.get("time_sync")
    failed = _failure(section)
    if failed:
        return [unknown(check_id, msg("system.time_sync.unasked", reason=failed[0]),
                        component="clock", cause=failed[1])]
    answers = section.get("answers", [])
    errors = section.get("errors", [])
    evidence = [f"{a['tool']}: {render(a['answer'])}" for a in answers]
    evidence.extend(f"{e['tool']}: {render(e['reason'])}" for e in errors)
    synced = [a for a in answers if a["synchronized"]]
    if synced:
        first = synced[0]
        values = {"synchronized": True, "source": first["tool"]}
        values.update({k: v for k, v in (first.get("values") or {}).items()})
        return [make_finding(check_id, "ok", msg("system.time_sync.synchronised",
                                                 answer=_said(first, "answer")),
                             component="clock", evidence=evidence, values=values)]
    if answers:
        return [make_finding(
            check_id, "warning",
            msg("system.time_sync.not_synchronised",
                answers=_joined([_said(a, "answer") for a in answers])),
            component="clock", evidence=evidence,
            values={"synchronized": False, "source": answers[0]["tool"]},
            recommendation=msg("system.time_sync.fix"))]
    if errors:
        causes = {e.get("cause") or "source_unreadable" for e in errors}
        return [unknown(check_id, msg("system.time_sync.none_answered",
                                      errors=_joined([_said(e, "reason") for e in errors])),
                        component="clock", evidence=evidence,
                        cause=causes.pop() if len(causes) == 1 else "source_unreadable")]
    return [unknown(check_id, msg("system.time_sync.none_asked"), component="clock",
                    evidence=evidence, cause="incomplete")]


# --------------------------------------------------------------------------- network


def interface_ignored(name, patterns=None):
    """The glob of ``patterns`` (None: :data:`DEFAULT_IGNORE_INTERFACES`) that ``name``
    matches, or None."""
    for pattern in DEFAULT_IGNORE_INTERFACES if patterns is None else patterns:
        if fnmatch.fnmatchcase(name, pattern):
            return pattern
    return None


def _ignore_interfaces(context):
    return (context or {}).get("ignore_interfaces")


def _interfaces(data, context):
    """(the /proc/net/dev entries to judge, in the kernel's order; how many the ignore list
    left out), or (None, failure) when /proc/net/dev could not be read."""
    section = data.get("net_dev")
    failed = _failure(section)
    if failed:
        return None, failed
    patterns = _ignore_interfaces(context)
    entries = section.get("interfaces", [])
    kept = [e for e in entries if interface_ignored(e["interface"], patterns) is None]
    return kept, len(entries) - len(kept)


def _links(data, context):
    """{interface: sysfs readings} of the interfaces to judge, or None when not collected,
    or a failure section."""
    links = data.get("net_links")
    if links is None or _failure(links):
        return links
    patterns = _ignore_interfaces(context)
    return {name: item for name, item in links.items()
            if interface_ignored(name, patterns) is None}


def _previous_of(context, check_id):
    """The previous inspection's counters of ``check_id``: {(component, name): reading}."""
    out = {}
    for key, reading in ((context or {}).get("previous") or {}).items():
        check, sep, rest = str(key).partition("|")
        component, sep2, name = rest.rpartition("|")
        if check != check_id or not (sep and sep2) or not isinstance(reading, dict):
            continue
        try:
            int(reading.get("value"))
        except (TypeError, ValueError):
            continue  # not a reading: as if there were none (never a made-up increase)
        out[(component, name)] = reading
    return out


def _previous_at(previous):
    """The time of the previous inspection (the latest ``at`` of its readings), or None."""
    times = [str(r.get("at")) for r in previous.values() if r.get("at")]
    return max(times) if times else None


class _Count:
    """How much one interface's counters grew, and since when.

    ``baseline``: ``previous`` (compared with the previous inspection), ``boot`` (the host
    has no earlier reading of the check: counted since boot), ``appeared`` (the previous
    inspection has readings, none of this interface), ``rebooted`` / ``decreased`` (the
    counters restarted since: at least their value). ``increases``: {counter: increase};
    ``restarted``: the count started from zero (every case but ``previous``)."""

    def __init__(self, check_id, iface, readings, previous, data, context):
        boot = data.get("boot_time") or ""
        now = (context or {}).get("now")
        self.boot = boot
        self.increases, self.deltas = {}, {}
        self.at = _previous_at(previous)
        mine = {name: r for (component, name), r in previous.items() if component == iface}
        resets = set()
        for name, value in readings.items():
            d = deltas.delta(value, mine.get(name), boot, now)
            self.deltas[name] = d
            self.increases[name] = value if d["delta"] is None else d["delta"]
            if d["reset"]:
                resets.add(d["reset"])
        if not mine:
            self.baseline = "appeared" if previous else "boot"
        elif "rebooted" in resets:
            self.baseline = "rebooted"
        elif "decreased" in resets:
            self.baseline = "decreased"
        else:
            self.baseline = "previous"
        self.restarted = self.baseline != "previous"
        first = next((d for d in self.deltas.values() if d["since"]), None)
        self.since = first["since"] if first else None
        self.seconds = first["seconds"] if first else None

    def when(self):
        if self.baseline == "boot":
            return msg("system.nic.when_boot", boot=self.boot) if self.boot \
                else msg("system.nic.when_boot_unknown")
        if self.baseline == "appeared":
            return msg("system.nic.when_appeared", since=self.at or "?")
        since = self.since or "?"
        if self.baseline == "rebooted":
            return msg("system.nic.when_rebooted", boot=self.boot, since=since)
        if self.baseline == "decreased":
            return msg("system.nic.when_cleared", since=since)
        if self.seconds is None:
            return msg("system.nic.when_previous_at", since=since)
        return msg("system.nic.when_previous", since=since, seconds=self.seconds)

    def values(self):
        """The finding's values about the comparison itself."""
        return {"baseline": self.baseline,
                "since": self.since or (self.boot if self.baseline == "boot" else None),
                "seconds": self.seconds, "reset": None if self.baseline in (
                    "previous", "boot", "appeared") else self.baseline,
                "lower_bound": self.baseline in ("rebooted", "decreased"),
                "boot_time": self.boot or None}

    def evidence(self, names):
        """One line per counter that is not 0 (or grew); one line when all are 0."""
        lines = []
        for name in names:
            d = self.deltas[name]
            if not d["value"] and not d["previous"]:
                continue
            if d["previous"] is None:
                lines.append(f"{name}: {d['value']} (no earlier reading)")
            else:
                reset = f", reset ({d['reset']})" if d["reset"] else ""
                lines.append(f"{name}: {d['value']}, {d['previous']} at {d['since']}: "
                             f"+{self.increases[name]}{reset}")
        if not lines:
            lines.append(f"{', '.join(names)}: 0")
        return lines


def _nic_readings(entry, link):
    """The counters of one interface: its /proc/net/dev columns and sysfs statistics."""
    readings = {name: entry[name] for name in NIC_COUNTERS if isinstance(entry.get(name), int)}
    for name in SYSFS_COUNTERS:
        if link and isinstance(link.get(name), int):
            readings[name] = link[name]
    return readings


def check_nic_errors(data, thresholds, context=None):
    """system.nic_errors: per interface, the errors since the previous inspection.

    The judged number is the largest increase among the receive error counters plus the
    largest among the transmit ones (:data:`RX_ERROR_COUNTERS`, :data:`TX_ERROR_COUNTERS`):
    the kernel's counters overlap, so adding them up would count one bad frame two or three
    times. Drops are shown, never judged (:data:`DROP_COUNTERS`)."""
    check_id = "system.nic_errors"
    context = context or {}
    entries, skipped = _interfaces(data, context)
    if entries is None:
        reason, cause = skipped
        return [unknown(check_id, msg("system.nic.unlisted", reason=reason),
                        component="interfaces", cause=cause)]
    if not entries:
        return [unknown(check_id, msg("system.nic.none_left", skipped=skipped),
                        component="interfaces", cause="incomplete")]
    links = _links(data, context)
    links = links if isinstance(links, dict) and not _failure(links) else {}
    previous = _previous_of(context, check_id)
    warning, critical = _levels(thresholds, "nic_errors")
    findings = []
    for entry in entries:
        iface = entry["interface"]
        if entry.get("statistics") is False:
            findings.append(unknown(check_id, msg("system.nic_errors.no_statistics",
                                                  iface=iface),
                                    component=iface, cause="incomplete"))
            continue
        readings = _nic_readings(entry, links.get(iface))
        count = _Count(check_id, iface, readings, previous, data, context)
        grew = count.increases
        rx = max([grew[n] for n in RX_ERROR_COUNTERS if n in grew] or [0])
        tx = max([grew[n] for n in TX_ERROR_COUNTERS if n in grew] or [0])
        errors = rx + tx
        dropped = sum(grew[n] for n in ("rx_drop", "tx_drop") if n in grew)
        status = judge(errors, warning, critical)
        judged = [n for n in RX_ERROR_COUNTERS + TX_ERROR_COUNTERS if grew.get(n)]
        judged.sort(key=lambda n: -grew[n])
        shown = [msg("system.nic.counter_total" if count.deltas[n]["previous"] is None
                     and count.baseline == "previous" else "system.nic.counter",
                     name=n, count=grew[n]) for n in judged[:MAX_COUNTERS_SHOWN]]
        if not errors:
            said = msg("system.nic_errors.count_none")
        elif count.baseline in ("rebooted", "decreased"):
            said = msg("system.nic_errors.count_at_least", count=errors)
        else:
            said = msg("system.nic_errors.count", count=errors)
        values = {"errors": errors, "rx_errors": rx, "tx_errors": tx, "dropped": dropped}
        values.update(count.values())
        for name in readings:
            d = count.deltas[name]
            values[name] = d["value"]
            values[f"{name}_delta"] = grew[name]
            if d["previous"] is not None:
                values[f"{name}_previous"] = d["previous"]
        findings.append(make_finding(
            check_id, status,
            msg("system.nic_errors.summary", iface=iface, errors=said, when=count.when(),
                counters=msg("system.nic_errors.counters", counters=shown) if shown else "",
                drops=msg("system.nic_errors.drops", count=dropped) if dropped else ""),
            component=iface, evidence=count.evidence(list(readings)), values=values,
            thresholds={"warning": warning, "critical": critical},
            recommendation=None if status == "ok" else msg("system.nic_errors.fix",
                                                           iface=iface)))
    return findings


def _state(link):
    state = link.get("operstate")
    return state if state else msg("system.nic.state_unreadable")


def _gone(data, context, present):
    """Interfaces the previous inspection read that are gone now (and not ignored now)."""
    patterns = _ignore_interfaces(context)
    gone = {}
    for check_id in ("system.nic_errors", "system.nic_flaps"):
        for (component, _name), reading in _previous_of(context, check_id).items():
            if component not in present and interface_ignored(component, patterns) is None:
                gone[component] = max(gone.get(component) or "", str(reading.get("at") or ""))
    return [make_finding(
        "system.nic_flaps", "warning", msg("system.nic_flaps.gone", iface=iface,
                                           since=at or "?"),
        component=iface, values={"present": False, "since": at or None},
        evidence=[f"{iface}: read by the previous inspection at {at}, not in /proc/net/dev "
                  "or /sys/class/net now"],
        recommendation=msg("system.nic_flaps.gone_fix", iface=iface))
        for iface, at in sorted(gone.items())]


def check_nic_flaps(data, thresholds, context=None):
    """system.nic_flaps: per interface, the link changes (carrier_changes: each loss of
    carrier and each return counts one) since the previous inspection.

    When the count restarted (no earlier reading, a reboot, an interface re-created) its
    first :data:`LINK_BRINGUP_CHANGES` changes are the link coming up and are not judged; a
    driver that does not count the carrier-off at its start can then hide one change before
    the first inspection (errlog.nic_link still reports the link-down message). Kernels
    before 3.15 have no carrier_changes: unknown (tool_missing), so coverage shows the gap."""
    check_id = "system.nic_flaps"
    context = context or {}
    links = _links(data, context)
    if links is None:
        return [unknown(check_id, msg("system.nic_flaps.not_collected"), component="links",
                        cause="incomplete")]
    failed = _failure(links)
    if failed:
        return [unknown(check_id, msg("system.nic.unlisted", reason=failed[0]),
                        component="links", cause=failed[1])]
    entries, skipped = _interfaces(data, context)
    order = [e["interface"] for e in entries or []]
    names = [n for n in order if n in links] + sorted(n for n in links if n not in order)
    findings = []
    if entries is not None:  # what is there now is known: an interface gone is said
        present = set(order) | set(data.get("net_links") or {})
        findings.extend(_gone(data, context, present))
    if not names:
        return findings + [unknown(check_id, msg("system.nic.none_left",
                                                 skipped=skipped if entries else 0),
                                   component="links", cause="incomplete")]
    if all(links[n].get("carrier_changes") is None for n in names):
        return findings + [unknown(
            check_id, msg("system.nic_flaps.no_counter_kernel"), component="links",
            evidence=[f"{n}: operstate {links[n].get('operstate')}" for n in names],
            cause="tool_missing")]
    previous = _previous_of(context, check_id)
    warning, critical = _levels(thresholds, "nic_flaps")
    for iface in names:
        link = links[iface]
        current = link.get("carrier_changes")
        state = _state(link)
        if current is None:
            findings.append(unknown(check_id, msg("system.nic_flaps.no_counter", iface=iface,
                                                  state=state),
                                    component=iface, cause="tool_missing"))
            continue
        count = _Count(check_id, iface, {"carrier_changes": current}, previous, data, context)
        counted = count.increases["carrier_changes"]
        bringup = min(counted, LINK_BRINGUP_CHANGES) if count.restarted else 0
        changes = counted - bringup
        flaps = (changes + 1) // 2
        status = judge(changes, warning, critical)
        if not changes:
            said = msg("system.nic_flaps.count_none")
        elif count.baseline in ("rebooted", "decreased"):
            said = msg("system.nic_flaps.count_at_least", count=changes, flaps=flaps)
        else:
            said = msg("system.nic_flaps.count", count=changes, flaps=flaps)
        d = count.deltas["carrier_changes"]
        values = {"operstate": link.get("operstate"), "carrier_changes": current,
                  "previous": d["previous"], "delta": d["delta"], "changes": changes,
                  "flaps": flaps, "bringup_not_counted": bringup}
        values.update(count.values())
        findings.append(make_finding(
            check_id, status,
            msg("system.nic_flaps.summary", iface=iface, state=state, changes=said,
                when=count.when(),
                bringup=msg("system.nic_flaps.bringup", count=bringup) if bringup else ""),
            component=iface,
            evidence=[f"operstate: {link.get('operstate')}"]
            + count.evidence(["carrier_changes"]),
            values=values, thresholds={"warning": warning, "critical": critical},
            recommendation=None if status == "ok" else msg("system.nic_flaps.fix",
                                                           iface=iface)))
    return findings


# The store keeps counters as signed 64-bit integers; a counter at the top of the unsigned
# range is a driver's "not available" more often than a count.
MAX_STORED_COUNTER = 2 ** 63 - 1


def counters(data, context=None):
    """The counters this inspection read, for the next one's deltas (``deltas.counter``
    each, with the host's boot time): every counter of every judged interface (one beyond
    :data:`MAX_STORED_COUNTER` is left out: the next inspection counts it whole)."""
    context = context or {}
    boot = data.get("boot_time") or ""
    out = []
    entries, _skipped = _interfaces(data, context)
    links = _links(data, context)
    links = links if isinstance(links, dict) and not _failure(links) else {}
    for entry in entries or []:
        if entry.get("statistics") is False:
            continue
        iface = entry["interface"]
        for name, value in _nic_readings(entry, links.get(iface)).items():
            if value <= MAX_STORED_COUNTER:
                out.append(deltas.counter("system.nic_errors", iface, name, value, boot))
    for iface, link in sorted(links.items()):
        if isinstance(link.get("carrier_changes"), int) \
                and link["carrier_changes"] <= MAX_STORED_COUNTER:
            out.append(deltas.counter("system.nic_flaps", iface, "carrier_changes",
                                      link["carrier_changes"], boot))
    return out


# --------------------------------------------------------------------------- all


def not_applicable(data):
    """The checks that do not apply to this host, with why (coverage shows them as such):
    failed units on a host whose PID 1 is not systemd (containers, SysV init, upstart)."""
    systemd = data.get("systemd")
    if systemd is not None and systemd.get("running") is False:
        return [not_applicable_entry(
            "system.failed_units",
            msg("system.failed_units.no_systemd", pid1=systemd.get("pid1")),
            component="systemd")]
    return []


def evaluate(data, thresholds=None, context=None):
    """All findings of the system area for one host, in a stable order.

    ``thresholds``: as ``catalogue.merge_thresholds("system", overrides)`` returns them
    (None: the catalogue's defaults).
    """
    if thresholds is None:
        thresholds = catalogue.merge_thresholds(AREA)
    context = context or {}
    findings = []
    findings.extend(check_uptime(data, context))
    findings.extend(check_load(data, thresholds))
    findings.extend(check_cpu(data, thresholds))
    findings.extend(check_memory(data, thresholds))
    findings.extend(check_swap(data, thresholds))
    findings.extend(check_filesystems(data, thresholds, context))
    findings.extend(check_readonly_mounts(data, context))
    findings.extend(check_zombies(data, thresholds))
    findings.extend(check_top_processes(data))
    findings.extend(check_failed_units(data))
    findings.extend(check_time_sync(data))
    findings.extend(check_nic_errors(data, thresholds, context))
    findings.extend(check_nic_flaps(data, thresholds, context))
    return findings
