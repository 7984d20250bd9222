#!/usr/bin/python
# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: weibao_inspect_system
short_description: Inspect a Linux host's state (CPU, memory, filesystems, processes, units, time)
version_added: "0.1.0"
description:
  - Runs every check of weibao's C(system) inspection area in one execution on the host and
    returns the findings (see docs/findings.md) plus the parsed data.
  - "Checks: C(system.uptime), C(system.load), C(system.cpu_utilisation), C(system.io_wait),
    C(system.memory), C(system.swap), C(system.filesystem_usage) and
    C(system.filesystem_inodes) (one finding per judged mount), C(system.readonly_mounts),
    C(system.zombie_processes), C(system.top_processes), C(system.failed_units),
    C(system.time_sync)."
  - CPU utilisation, I/O wait and per-process CPU use are measured between two samples of
    C(/proc/stat) and C(/proc/<pid>/stat) taken O(sample_seconds) apart; the other reads and
    commands run during that interval.
  - A check that cannot run or meets output it does not understand returns an C(unknown)
    finding with the reason; it is never reported C(ok).
  - The module never changes the host.
author:
  - weibao contributors
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    platforms: posix
    description: Linux only (reads /proc).
options:
  since:
    description:
      - ISO-8601 time of this host's previous inspection (for example C(2025-10-31T02:00:00Z)).
        A boot after it makes C(system.uptime) a warning and counts the reboots from wtmp.
      - Empty means no previous inspection; a time without offset is taken as UTC.
    type: str
    default: ''
  sample_seconds:
    description:
      - Seconds between the two CPU samples (1 to 60).
    type: int
    default: 5
  thresholds:
    description:
      - Warning and critical levels per check; only the keys given override the defaults.
        A level set to null is disabled.
      - "C(load): 15-minute load average per CPU, default warning 1.5, critical 3.0."
      - "C(cpu_utilisation): percent busy, default 85 / 95."
      - "C(io_wait): percent of CPU time in iowait, default 20 / 40."
      - "C(memory): percent used excluding cache, default 90 / 97."
      - "C(swap): percent of swap used, default 50 / 80."
      - "C(filesystem_usage): percent used per filesystem (as df's Use%), default 85 / 95."
      - "C(filesystem_inodes): percent of inodes used per filesystem, default 85 / 95."
      - "C(zombie_processes): number of zombie processes, default 5 / 50."
    type: dict
    default: {}
  ignore_fstypes:
    description:
      - Filesystem types (shell globs) never judged for space, inodes or read-only state.
      - The default lists pseudo filesystems and read-only images (squashfs snaps, ISO
        images, which are always 100 % full). C(tmpfs) is not in it, so a tmpfs mounted
        elsewhere than below the O(ignore_mountpoints) is judged like a disk.
    type: list
    elements: str
    default: [proc, sysfs, devtmpfs, devpts, cgroup, cgroup2, securityfs, debugfs, tracefs,
              pstore, bpf, configfs, fusectl, mqueue, hugetlbfs, autofs, binfmt_misc,
              rpc_pipefs, nsfs, efivarfs, selinuxfs, ramfs, squashfs, iso9660, udf, nfsd,
              fuse.gvfsd-fuse, fuse.portal, fuse.lxcfs, fuse.snapfuse]
  ignore_mountpoints:
    description:
      - Mount points (shell globs; C(*) also matches C(/)) never judged.
      - The default skips the kernel's and systemd's runtime trees C(/dev), C(/proc),
        C(/sys) and C(/run) (C(/dev/shm), C(/run/user/*) and other memory-backed mounts there
        are managed by the system) and the per-container mounts below container engines' data
        directories (the data directory itself is judged).
    type: list
    elements: str
    default: [/dev, /dev/*, /proc, /proc/*, /sys, /sys/*, /run, /run/*,
              /var/lib/docker/*, /var/lib/containers/*, /var/lib/kubelet/*]
  top_n:
    description:
      - How many top CPU and memory consumers C(system.top_processes) lists (1 to 20).
    type: int
    default: 5
  fstab_path:
    description:
      - The fstab to compare read-only mounts with. A missing file is allowed (containers).
    type: path
    default: /etc/fstab
  time_sync_tools:
    description:
      - Time-sync tools to ask, in order. The first that reports a synchronised clock decides
        C(ok); when none does, every answering tool is quoted. Missing tools are skipped.
    type: list
    elements: str
    choices: [timedatectl, chronyc, ntpq]
    default: [timedatectl, chronyc, ntpq]
  statvfs_timeout:
    description:
      - Seconds to wait for all filesystems to answer statvfs (a hung NFS mount never does;
        it is then reported C(unknown) instead of blocking the inspection).
    type: int
    default: 10
notes:
  - Run with become (root) so every process and mount is visible; with C(hidepid) on /proc
    and no root the process checks are C(unknown).
  - Boot time comes from C(btime) in /proc/stat. Reboots are counted from
    C(last -x reboot --time-format iso) (C(last -F) on RHEL 7); when wtmp is missing or does
    not cover the period, the count is unknown or a lower bound, and the finding says so.
"""

EXAMPLES = r"""
- name: Inspect the host state
  weibao_inspect_system:
    since: "{{ weibao_last_inspection[inventory_hostname] | default('') }}"
  register: __inspect_system_result

- name: Stricter filesystem thresholds, judge /dev/shm too, a 1-second sample
  weibao_inspect_system:
    sample_seconds: 1
    thresholds:
      filesystem_usage: {warning: 80, critical: 90}
    ignore_mountpoints: [/dev, /dev/pts, /proc, /proc/*, /sys, /sys/*, /run, /run/*]
"""

RETURN = r"""
findings:
  description: The findings, one dict per check and component (schema in docs/findings.md).
  returned: always
  type: list
  elements: dict
  sample:
    - check_id: system.filesystem_usage
      host: ''
      component: /var
      status: warning
      summary: "/var is 88.0 % full: 5.8 GiB free of 48.0 GiB"
      evidence: ["/dev/mapper/vg-var on /var type xfs: size 51539607552 B, used ..."]
      recommendation: "Free space on /var: ..."
      values: {used_pct: 88.0, size_bytes: 51539607552}
      thresholds: {warning: 85, critical: 95}
data:
  description:
    - The parsed values the findings were made from (for debugging and the monthly
      performance report).
    - "A section that could not be read is C({error: reason})."
  returned: always
  type: dict
  sample:
    collected_at: "2025-11-25T06:30:00Z"
    since: "2025-10-31T02:00:00Z"
    boot_time: "2025-11-20T19:47:13Z"
    uptime: {uptime_seconds: 470000.1, idle_seconds: 900000.5}
    loadavg: {load1: 0.1, load5: 0.14, load15: 0.08}
    cpu_count: 2
    cpu: {busy_pct: 3.5, iowait_pct: 0.2, steal_pct: 0.0, idle_pct: 96.3, sample_seconds: 5.0}
    memory: {mem_total_kb: 24684092, mem_available_kb: 24287484}
    filesystems:
      entries:
        - {mountpoint: /, device: /dev/vda, fstype: ext4, size_bytes: 270553174016,
           used_bytes: 25965961216, avail_bytes: 82978332672, inodes_total: 16777216,
           inodes_free: 16268810}
      skipped_count: 26
    mounts:
      entries:
        - {device: /dev/vda, mountpoint: /, fstype: ext4, options: "rw,relatime",
           readonly: false, ignored: null, skipped: null}
      ignored_count: 25
    fstab: {path: /etc/fstab, entries: [], bad_lines: []}
    processes: {count: 90, zombie_count: 0, zombies: [], top_cpu: [], top_memory: []}
    systemd: {running: false, pid1: init}
    time_sync: {answers: [], errors: []}
    reboots: {records: [], begins: "2025-10-01T00:00:00+00:00"}
"""

import os
import stat
import threading
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.weibao_inspection.findings import bound_evidence
from ansible.module_utils.weibao_inspection.parsers.linux_system import (
    ParseError,
    cpu_usage_between,
    epoch_to_iso,
    iso_to_epoch,
    last_time_to_epoch,
    parse_chronyc_tracking,
    parse_fstab,
    parse_is_system_running,
    parse_last_reboot,
    parse_loadavg,
    parse_meminfo,
    parse_mounts,
    parse_ntpq_peers,
    parse_pid_stat,
    parse_proc_stat,
    parse_systemctl_failed,
    parse_systemctl_show,
    parse_timedatectl_show,
    parse_timedatectl_status,
    parse_uptime,
)
from ansible.module_utils.weibao_inspection.rules.system import (
    DEFAULT_IGNORE_FSTYPES,
    DEFAULT_IGNORE_MOUNTPOINTS,
    ThresholdError,
    evaluate,
    merge_thresholds,
    select_mounts,
)

TIME_SYNC_TOOLS = ["timedatectl", "chronyc", "ntpq"]
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
MAX_ARGS_CHARS = 120
MAX_ZOMBIES_LISTED = 200
MAX_FAILED_UNITS_DETAILED = 50
HIDEPID_VALUES = ("hidepid=1", "hidepid=2", "hidepid=invisible", "hidepid=noaccess")


def read_text(path):
    """(text, None) or (None, reason)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror or exc}"


def parsed(path, parser):
    """Read ``path`` and parse it: the parser's result or {"error": reason}."""
    text, error = read_text(path)
    if error:
        return {"error": error}
    try:
        return parser(text)
    except ParseError as exc:
        return {"error": f"{path}: {exc}"}


def first_line(*texts):
    for text in texts:
        for line in (text or "").splitlines():
            if line.strip():
                return line.strip()[:200]
    return ""


class Collector:
    """Reads everything for one inspection; each method fills one section of ``data``."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.data = {}

    def run(self, args):
        return self.module.run_command(args, environ_update=C_LOCALE)

    @staticmethod
    def guard(func, *args):
        """Run one section; an unexpected error becomes that section's unknown, not a crash.

        One odd host must not cost the whole area its findings: the affected checks report
        unknown with the error, the others still judge.
        """
        try:
            return func(*args)
        except Exception as exc:
            return {"error": f"internal error in {func.__name__}: {type(exc).__name__}: {exc}"}

    # ------------------------------------------------------------------ processes

    def snapshot_processes(self):
        """{pid: parsed /proc/<pid>/stat}, plus the number of unreadable entries."""
        procs = {}
        bad = 0
        try:
            names = os.listdir("/proc")
        except OSError as exc:
            return None, f"cannot list /proc: {exc.strerror}"
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    raw = handle.read()
            except OSError:
                continue  # the process exited meanwhile
            try:
                proc = parse_pid_stat(raw.decode("utf-8", "replace"))
            except ParseError:
                bad += 1
                continue
            procs[proc["pid"]] = proc
        return procs, bad

    @staticmethod
    def cmdline(pid, comm):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                raw = handle.read(4096)
        except OSError:
            return ""
        args = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()
        if not args:
            return f"[{comm}]"
        if len(args) > MAX_ARGS_CHARS:
            args = args[:MAX_ARGS_CHARS - 3] + "..."
        # command lines can carry passwords: the shared evidence masking applies here too
        return bound_evidence([args])[0]

    def processes(self, first, second, interval, mem_total_kb, mounts):
        procs2, bad = second
        procs1 = first[0]
        if procs2 is None:
            return {"error": bad}  # the reason /proc could not be listed
        if not procs2:
            return {"error": "no process readable in /proc"}
        section = {"count": len(procs2), "unreadable": bad, "sample_seconds": round(interval, 2),
                   "complete": True}
        if os.geteuid() != 0:
            for mount in mounts:
                if mount["mountpoint"] == "/proc" and any(
                        opt in HIDEPID_VALUES for opt in mount["options"]):
                    section["complete"] = False
                    section["incomplete_reason"] = (
                        "/proc is mounted with hidepid and the module does not run as root "
                        "(use become)")
        tick = float(os.sysconf("SC_CLK_TCK"))
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        rows = []
        for pid, proc in procs2.items():
            before = (procs1 or {}).get(pid)
            ticks = proc["utime"] + proc["stime"]
            if before is not None and before["starttime"] == proc["starttime"]:
                ticks -= before["utime"] + before["stime"]
            cpu_pct = 100.0 * max(ticks, 0) / tick / interval if interval > 0 else 0.0
            rss_kb = proc["rss_pages"] * page_kb
            rows.append((pid, proc, round(cpu_pct, 1), rss_kb))
        top_n = self.params["top_n"]

        def describe(row):
            pid, proc, cpu_pct, rss_kb = row
            return {"pid": pid, "comm": proc["comm"], "cpu_pct": cpu_pct, "rss_kb": rss_kb,
                    "mem_pct": round(100.0 * rss_kb / mem_total_kb, 1) if mem_total_kb else None,
                    "args": self.cmdline(pid, proc["comm"])}

        by_cpu = sorted(rows, key=lambda r: (-r[2], r[0]))[:top_n]
        by_mem = sorted(rows, key=lambda r: (-r[3], r[0]))[:top_n]
        section["top_cpu"] = [describe(r) for r in by_cpu]
        section["top_memory"] = [describe(r) for r in by_mem]
        zombies = []
        for pid, proc in sorted(procs2.items()):
            if proc["state"] == "Z":
                parent = procs2.get(proc["ppid"])
                zombies.append({"pid": pid, "comm": proc["comm"], "ppid": proc["ppid"],
                                "parent_comm": parent["comm"] if parent else None})
        section["zombie_count"] = len(zombies)
        section["zombies"] = zombies[:MAX_ZOMBIES_LISTED]
        return section

    # ------------------------------------------------------------------ filesystems

    def statvfs_all(self, paths):
        """{path: ("dir", statvfs, st_dev) | ("file", None, None) | ("error", reason, None)}.

        Each path is looked at in its own daemon thread, all at once, with one deadline: a
        hung network filesystem cannot block the inspection.
        """
        results = {}

        def look(path):
            try:
                st = os.stat(path)
                if not stat.S_ISDIR(st.st_mode):
                    results[path] = ("file", None, None)
                    return
                results[path] = ("dir", os.statvfs(path), st.st_dev)
            except OSError as exc:
                results[path] = ("error", exc.strerror or str(exc), None)

        threads = []
        for path in paths:
            thread = threading.Thread(target=look, args=(path,), daemon=True)
            thread.start()
            threads.append(thread)
        deadline = time.monotonic() + self.params["statvfs_timeout"]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for path in paths:
            results.setdefault(path, (
                "error", f"statvfs did not answer within {self.params['statvfs_timeout']} s "
                "(hung network filesystem?)", None))
        return results

    def filesystems(self, mounts):
        """Judged filesystems with their statvfs numbers; marks every mount in ``mounts``.

        Each mount gets ``ignored`` (the ignore-list rule that matched, or None: the read-only
        check looks at every mount not ignored) and ``skipped`` (why its space is not judged:
        ignored, hidden by a later mount on the same mount point, a bind-mounted file, or the
        same filesystem as an earlier mount point).
        """
        candidates = select_mounts(mounts, self.params["ignore_fstypes"],
                                   self.params["ignore_mountpoints"])
        looked = self.statvfs_all([m["mountpoint"] for m in candidates])
        entries = []
        seen = {}
        for mount in candidates:
            kind, result, st_dev = looked[mount["mountpoint"]]
            base = {"mountpoint": mount["mountpoint"], "device": mount["device"],
                    "fstype": mount["fstype"]}
            if kind == "file":
                mount["skipped"] = "a bind-mounted file, not a filesystem"
                continue
            if kind == "error":
                base["error"] = result
                entries.append(base)
                continue
            key = mount["device"] if mount["device"].startswith("/") else st_dev
            if key in seen:
                mount["skipped"] = f"same filesystem as {seen[key]}"
                continue
            seen[key] = mount["mountpoint"]
            frsize = result.f_frsize or result.f_bsize
            base.update({
                "size_bytes": result.f_blocks * frsize,
                "used_bytes": (result.f_blocks - result.f_bfree) * frsize,
                "avail_bytes": result.f_bavail * frsize,
                "inodes_total": result.f_files,
                "inodes_free": result.f_ffree,
            })
            entries.append(base)
        skipped = sum(1 for m in mounts if m["skipped"])
        return {"entries": entries, "skipped_count": skipped}

    def fstab(self):
        path = self.params["fstab_path"]
        if not os.path.exists(path):
            return {"path": path, "error": f"{path} does not exist", "missing": True,
                    "entries": [], "bad_lines": []}
        text, error = read_text(path)
        if error:
            return {"path": path, "error": error}
        result = parse_fstab(text)
        result["path"] = path
        return result

    # ------------------------------------------------------------------ systemd

    def systemd(self):
        pid1, _error = read_text("/proc/1/comm")
        pid1 = pid1.strip() if pid1 else None
        booted = os.path.isdir("/run/systemd/system")
        if pid1 is not None and pid1 != "systemd" and not booted:
            return {"running": False, "pid1": pid1}
        section = {"running": True, "pid1": pid1}
        systemctl = self.module.get_bin_path("systemctl")
        if not systemctl:
            section["error"] = f"systemctl not found although systemd runs (PID 1: {pid1})"
            return section
        rc, out, err = self.run([systemctl, "--failed", "--no-legend", "--plain", "--no-pager"])
        if rc != 0:
            section["error"] = (f"systemctl --failed exited {rc}: "
                                f"{first_line(err, out) or 'no output'}")
            return section
        try:
            section["failed_units"] = parse_systemctl_failed(out)
        except ParseError as exc:
            section["error"] = str(exc)
            return section
        rc, out, err = self.run([systemctl, "is-system-running"])
        try:
            section["state"] = parse_is_system_running(out)
        except ParseError as exc:
            section["state"] = None
            section["state_error"] = f"{exc} (exit {rc}, {first_line(err)})"
        units = [u["unit"] for u in section["failed_units"]][:MAX_FAILED_UNITS_DETAILED]
        section["details"] = {}
        if units:
            rc, out, err = self.run([
                systemctl, "show", "--no-pager",
                "-p", "Id,Result,ExecMainStatus,StateChangeTimestamp,InactiveEnterTimestamp",
            ] + units)
            if rc == 0:
                try:
                    for block in parse_systemctl_show(out):
                        if block.get("Id"):
                            section["details"][block["Id"]] = block
                except ParseError as exc:
                    section["details_error"] = str(exc)
        return section

    # ------------------------------------------------------------------ time sync

    def ask_timedatectl(self, path):
        rc, out, err = self.run([path, "show", "-p", "NTPSynchronized"])
        if rc == 0:
            synced = parse_timedatectl_show(out)["synchronized"]
            return synced, f"NTPSynchronized={'yes' if synced else 'no'}", {}
        # systemd before 239 has no "show": ask "status"
        rc2, out2, err2 = self.run([path, "status"])
        if rc2 != 0:
            raise ParseError(f"exit {rc2}: {first_line(err2, out2, err, out) or 'no output'}")
        result = parse_timedatectl_status(out2)
        text = f"synchronized: {'yes' if result['synchronized'] else 'no'}"
        if result.get("ntp_service"):
            text += f" (NTP service: {result['ntp_service']})"
        return result["synchronized"], text, {}

    def ask_chronyc(self, path):
        rc, out, err = self.run([path, "-n", "tracking"])
        if rc != 0:
            raise ParseError(f"exit {rc}: {first_line(err, out) or 'no output'}")
        result = parse_chronyc_tracking(out)
        text = f"Leap status {result['leap_status']}"
        if result["offset_seconds"] is not None:
            text += f", offset {result['offset_seconds']:+.6f} s"
        if result["stratum"] is not None:
            text += f", stratum {result['stratum']}"
        return result["synchronized"], text, {
            "offset_seconds": result["offset_seconds"], "stratum": result["stratum"],
            "reference": result["reference"]}

    def ask_ntpq(self, path):
        rc, out, err = self.run([path, "-pn"])
        if rc != 0:
            raise ParseError(f"exit {rc}: {first_line(err, out) or 'no output'}")
        result = parse_ntpq_peers(out)
        if result["synchronized"]:
            peer = next(p for p in result["peers"] if p["remote"] == result["sys_peer"])
            text = (f"system peer {peer['remote']} (stratum {peer['stratum']}, "
                    f"offset {peer['offset_ms']} ms)")
            return True, text, {"sys_peer": peer["remote"], "offset_ms": peer["offset_ms"]}
        return False, f"no system peer among {len(result['peers'])} peers", {}

    def time_sync(self):
        answers = []
        errors = []
        for tool in self.params["time_sync_tools"]:
            path = self.module.get_bin_path(tool)
            if not path:
                errors.append({"tool": tool, "reason": "not installed"})
                continue
            try:
                synced, text, values = getattr(self, f"ask_{tool}")(path)
            except ParseError as exc:
                errors.append({"tool": tool, "reason": str(exc)})
                continue
            answers.append({"tool": tool, "synchronized": synced, "text": text,
                            "values": values})
            if synced:
                break
        return {"answers": answers, "errors": errors}

    # ------------------------------------------------------------------ reboots

    def reboots(self):
        last = self.module.get_bin_path("last")
        if not last:
            return {"error": "last is not installed"}
        rc, out, err = self.run([last, "-x", "reboot", "--time-format", "iso"])
        command = "last -x reboot --time-format iso"
        if rc != 0:
            # sysvinit-tools' last (RHEL 7) has no --time-format
            rc, out, err = self.run([last, "-x", "reboot", "-F"])
            command = "last -x reboot -F"
        if rc != 0:
            return {"error": f"{command} exited {rc}: {first_line(err, out) or 'no output'}"}
        try:
            result = parse_last_reboot(out)
            for record in result["records"]:
                record["start_epoch"] = last_time_to_epoch(record["start"])
            result["begins_epoch"] = (last_time_to_epoch(result["begins"])
                                      if result["begins"] else None)
        except ParseError as exc:
            return {"error": f"{command}: {exc}"}
        result["command"] = command
        return result

    # ------------------------------------------------------------------ all

    def collect(self):
        data = self.data
        now = time.time()
        data["collected_at"] = epoch_to_iso(now)
        data["collected_at_epoch"] = now
        since = (self.params["since"] or "").strip()
        data["since"] = since
        data["since_epoch"] = None
        if since:
            try:
                data["since_epoch"] = iso_to_epoch(since)
            except ParseError as exc:
                data["since_error"] = str(exc)

        # first sample
        stat1 = parsed("/proc/stat", parse_proc_stat)
        procs1 = self.snapshot_processes()
        t1 = time.monotonic()

        # everything else, during the sampling interval
        data["uptime"] = parsed("/proc/uptime", parse_uptime)
        data["loadavg"] = parsed("/proc/loadavg", parse_loadavg)
        data["memory"] = parsed("/proc/meminfo", parse_meminfo)
        mounts = parsed("/proc/mounts", parse_mounts)
        if isinstance(mounts, dict):
            data["mounts"] = mounts
            data["filesystems"] = {"error": mounts["error"]}
            mount_list = []
        else:
            mount_list = mounts
            data["filesystems"] = self.guard(self.filesystems, mount_list)
            if "error" in data["filesystems"]:
                data["mounts"] = {"error": data["filesystems"]["error"]}
            else:
                # mounts an ignore list matched are only counted: k8s nodes have hundreds
                data["mounts"] = {
                    "entries": [dict(m, options=",".join(m["options"]))
                                for m in mount_list if not m["ignored"]],
                    "ignored_count": sum(1 for m in mount_list if m["ignored"]),
                }
        data["fstab"] = self.guard(self.fstab)
        data["systemd"] = self.guard(self.systemd)
        data["time_sync"] = self.guard(self.time_sync)

        boot = None
        if "error" not in stat1 and stat1.get("btime"):
            boot = float(stat1["btime"])
            data["boot_time_source"] = "btime in /proc/stat"
        elif "error" not in data["uptime"]:
            boot = now - data["uptime"]["uptime_seconds"]
            data["boot_time_source"] = "now minus /proc/uptime"
        data["boot_time_epoch"] = boot
        data["boot_time"] = epoch_to_iso(boot) if boot is not None else None
        if boot is not None and data["since_epoch"] is not None and boot > data["since_epoch"]:
            data["reboots"] = self.guard(self.reboots)
        else:
            data["reboots"] = {"records": [], "note": "not read: no reboot since `since`"}

        # second sample
        remaining = self.params["sample_seconds"] - (time.monotonic() - t1)
        if remaining > 0:
            time.sleep(remaining)
        stat2 = parsed("/proc/stat", parse_proc_stat)
        procs2 = self.snapshot_processes()
        interval = time.monotonic() - t1

        if "error" in stat1 or "error" in stat2:
            data["cpu"] = {"error": stat1.get("error") or stat2.get("error")}
            data["cpu_count"] = os.sysconf("SC_NPROCESSORS_ONLN") or None
        else:
            data["cpu_count"] = stat2["cpu_count"]
            try:
                data["cpu"] = cpu_usage_between(stat1, stat2)
                data["cpu"]["sample_seconds"] = round(interval, 2)
            except ParseError as exc:
                data["cpu"] = {"error": str(exc)}
        mem_total = data["memory"].get("mem_total_kb") if "error" not in data["memory"] else None
        data["processes"] = self.guard(self.processes, procs1, procs2, interval, mem_total,
                                       mount_list)
        return data


def main():
    module = AnsibleModule(
        argument_spec=dict(
            since=dict(type="str", default=""),
            sample_seconds=dict(type="int", default=5),
            thresholds=dict(type="dict", default={}),
            ignore_fstypes=dict(type="list", elements="str", default=DEFAULT_IGNORE_FSTYPES),
            ignore_mountpoints=dict(type="list", elements="str",
                                    default=DEFAULT_IGNORE_MOUNTPOINTS),
            top_n=dict(type="int", default=5),
            fstab_path=dict(type="path", default="/etc/fstab"),
            time_sync_tools=dict(type="list", elements="str", choices=TIME_SYNC_TOOLS,
                                 default=TIME_SYNC_TOOLS),
            statvfs_timeout=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params["sample_seconds"] <= 60:
        module.fail_json(msg="sample_seconds must be between 1 and 60")
    if not 1 <= params["top_n"] <= 20:
        module.fail_json(msg="top_n must be between 1 and 20")
    if not 1 <= params["statvfs_timeout"] <= 120:
        module.fail_json(msg="statvfs_timeout must be between 1 and 120")
    try:
        thresholds = merge_thresholds(params["thresholds"])
    except ThresholdError as exc:
        module.fail_json(msg=str(exc))

    data = Collector(module).collect()
    findings = evaluate(data, thresholds)
    module.exit_json(changed=False, findings=findings, data=data)


if __name__ == "__main__":
    main()
