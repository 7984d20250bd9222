# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The system area's collector: CPU, memory, I/O, file systems, processes, services, time.

Its module weibao_inspect_system (documented in plugins/modules/weibao_inspect_system.py) and
weibao_inspect_linux (every Linux area in one execution) both call ``run(module)``: an
AnsibleModule, or a view of one whose ``params`` are this area's (collectors/__init__.py).
"""

from __future__ import annotations

import errno
import os
import stat
import threading
import time

from ansible.module_utils.weibao_inspection import catalogue
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.collectors import AreaError
from ansible.module_utils.weibao_inspection.findings import bound_evidence
from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.linux_system import (
    TIME_SYNC_TOOLS,
    ParseError,
    epoch_to_iso,
    iso_to_epoch,
    parse_mounts,
    parse_proc_stat,
    parse_sources,
    parse_systemctl_failed,
    parse_uptime,
    statvfs_entry,
    time_answer,
)
from ansible.module_utils.weibao_inspection.performance import (
    collect_sysstat,
    linux_sample,
    version_of,
)
from ansible.module_utils.weibao_inspection.rules.system import (
    DEFAULT_IGNORE_FSTYPES,
    DEFAULT_IGNORE_INTERFACES,
    DEFAULT_IGNORE_MOUNTPOINTS,
    SYSFS_COUNTERS,
    counters,
    evaluate,
    ignored_by,
    interface_ignored,
    not_applicable,
    select_mounts,
)

C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
MAX_ARGS_CHARS = 120
MAX_FAILED_UNITS_DETAILED = 50


def os_failure(exc, reason):
    """An OSError as a raw source's error: the reason, and root's lack as its cause."""
    cause = "no_permission" if exc.errno in (errno.EACCES, errno.EPERM) else "source_unreadable"
    return {"error": reason, "cause": cause}


def read_text(path):
    """(text, None) or (None, {"error": message, "cause": cause})."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, os_failure(exc, msg("reason.cannot_read", path=path,
                                         why=errno_message(exc)))


def first_line(*texts):
    for text in texts:
        for line in (text or "").splitlines():
            if line.strip():
                return line.strip()[:200]
    return ""


def exited(command, rc, err, out):
    """A command that failed, as a raw source's error (its first line of output quoted)."""
    line = first_line(err, out)
    if line:
        return {"error": msg("reason.exited", command=command, rc=rc, output=line),
                "cause": "source_unreadable"}
    return {"error": msg("reason.exited_silent", command=command, rc=rc),
            "cause": "source_unreadable"}


def not_installed(command):
    return {"error": msg("reason.not_installed", command=command), "cause": "tool_missing"}


class Collector:
    """Gathers the raw outputs of one inspection into ``raw`` ({source key: text, or
    {"error": message, "cause": cause}}, see parsers/linux_system.py parse_sources). It
    reads and runs commands; it neither parses for findings nor judges."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.raw = {}

    def run(self, args):
        return self.module.run_command(args, environ_update=C_LOCALE)

    @staticmethod
    def guard(func, *args):
        """Run one step; an unexpected error becomes that source's error, not a crash.

        One odd host must not cost the whole area its findings: the affected checks report
        unknown with the error, the others still judge.
        """
        try:
            return func(*args)
        except Exception as exc:
            return {"error": msg("reason.internal", where=func.__name__,
                                 error=f"{type(exc).__name__}: {exc}"),
                    "cause": "source_unreadable"}

    def read(self, key, path):
        text, error = read_text(path)
        self.raw[key] = error or text
        return text

    # ------------------------------------------------------------------ processes

    @staticmethod
    def snapshot_processes():
        """(every readable /proc/<pid>/stat line, None) or (None, error)."""
        try:
            names = os.listdir("/proc")
        except OSError as exc:
            return None, os_failure(exc, msg("reason.cannot_list", path="/proc",
                                             why=errno_message(exc)))
        lines = []
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    lines.append(handle.read().decode("utf-8", "replace").strip())
            except OSError:
                continue  # the process exited meanwhile
        return lines, None

    @staticmethod
    def cmdline(pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                raw = handle.read(4096)
        except OSError:
            return ""
        args = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()
        if not args:
            return ""
        if len(args) > MAX_ARGS_CHARS:
            args = args[:MAX_ARGS_CHARS - 3] + "..."
        # command lines can carry passwords: the shared evidence masking applies here too
        return bound_evidence([args])[0]

    def processes(self, first, second, interval):
        """The raw ``processes`` source: both snapshots and what turns ticks into %."""
        lines, error = second
        if error:
            return error
        cmdlines = {}
        for line in lines:
            pid = line.split(" ", 1)[0]
            args = self.cmdline(pid) if pid.isdigit() else ""
            if not args and "(" in line:  # a kernel thread: its [comm], as ps shows it
                args = "[" + line[line.find("(") + 1:line.rfind(")")] + "]"
            cmdlines[pid] = args
        return {"first": first[0] or [], "second": lines, "interval": interval,
                "clk_tck": os.sysconf("SC_CLK_TCK"), "page_size": os.sysconf("SC_PAGE_SIZE"),
                "euid": os.geteuid(), "cmdlines": cmdlines}

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
                results[path] = ("error", errno_message(exc), None)

        threads = []
        for path in paths:
            thread = threading.Thread(target=look, args=(path,), daemon=True)
            thread.start()
            threads.append(thread)
        deadline = time.monotonic() + self.params["statvfs_timeout"]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for path in paths:
            results.setdefault(path, ("error", msg("system.reason.statvfs_timeout",
                                                   seconds=self.params["statvfs_timeout"]),
                                      None))
        return results

    def filesystems(self, mounts):
        """The raw ``statvfs`` source: statvfs numbers of the mounts to judge.

        Marks every mount in ``mounts`` with ``ignored`` and ``skipped`` (rules.select_mounts),
        and skips a bind-mounted file and a mount of the same filesystem as an earlier one.
        """
        candidates = select_mounts(mounts, self.params["ignore_fstypes"],
                                   self.params["ignore_mountpoints"])
        looked = self.statvfs_all([m["mountpoint"] for m in candidates])
        entries = []
        seen = {}
        for mount in candidates:
            kind, result, st_dev = looked[mount["mountpoint"]]
            if kind == "file":
                mount["skipped"] = msg("system.skip.file")
                continue
            if kind == "error":
                entries.append({"mountpoint": mount["mountpoint"], "device": mount["device"],
                                "fstype": mount["fstype"], "error": result,
                                "cause": "source_unreadable"})
                continue
            key = mount["device"] if mount["device"].startswith("/") else st_dev
            if key in seen:
                mount["skipped"] = msg("system.skip.same", mountpoint=seen[key])
                continue
            seen[key] = mount["mountpoint"]
            entries.append(statvfs_entry(mount, result.f_frsize or result.f_bsize,
                                         result.f_blocks, result.f_bfree, result.f_bavail,
                                         result.f_files, result.f_ffree))
        skipped = sum(1 for m in mounts if m["skipped"])
        return {"entries": entries, "skipped_count": skipped}

    def fstab(self):
        path = self.params["fstab_path"]
        if not os.path.exists(path):
            return {"error": msg("reason.does_not_exist", path=path),
                    "cause": "source_unreadable", "missing": True}
        text, error = read_text(path)
        return error or text

    # ------------------------------------------------------------------ systemd

    def systemd(self):
        """``pid1``, ``failed_units``, ``system_state``, ``unit_details``."""
        pid1, _error = read_text("/proc/1/comm")
        pid1 = pid1.strip() if pid1 else None
        booted = os.path.isdir("/run/systemd/system")
        running = not (pid1 is not None and pid1 != "systemd" and not booted)
        self.raw["pid1"] = {"comm": pid1, "running": running}
        if not running:
            return
        systemctl = self.module.get_bin_path("systemctl")
        if not systemctl:
            self.raw["failed_units"] = {"error": msg("system.reason.no_systemctl",
                                                     pid1=pid1 or "?"),
                                        "cause": "tool_missing"}
            return
        rc, out, err = self.run([systemctl, "--failed", "--no-legend", "--plain", "--no-pager"])
        if rc != 0:
            self.raw["failed_units"] = exited("systemctl --failed", rc, err, out)
            return
        self.raw["failed_units"] = out
        try:
            units = parse_systemctl_failed(out)
        except ParseError:
            return  # parse_sources says why
        _rc, out, _err = self.run([systemctl, "is-system-running"])  # exit 1 when degraded
        self.raw["system_state"] = out
        names = [u["unit"] for u in units][:MAX_FAILED_UNITS_DETAILED]
        if names:
            rc, out, _err = self.run([
                systemctl, "show", "--no-pager",
                "-p", "Id,Result,ExecMainStatus,StateChangeTimestamp,InactiveEnterTimestamp",
            ] + names)
            if rc == 0:
                self.raw["unit_details"] = out

    # ------------------------------------------------------------------ time sync

    def ask_timedatectl(self, path):
        rc, out, err = self.run([path, "show", "-p", "NTPSynchronized"])
        if rc == 0:
            return out
        # systemd before 239 has no "show": ask "status"
        rc2, out2, err2 = self.run([path, "status"])
        if rc2 != 0:
            return exited("timedatectl status", rc2, err2 or err, out2 or out)
        return out2

    def ask_chronyc(self, path):
        rc, out, err = self.run([path, "-n", "tracking"])
        return out if rc == 0 else exited("chronyc tracking", rc, err, out)

    def ask_ntpq(self, path):
        rc, out, err = self.run([path, "-pn"])
        return out if rc == 0 else exited("ntpq -pn", rc, err, out)

    def time_sync(self):
        """One raw source per tool asked, in order, until one says synchronised."""
        for tool in self.params["time_sync_tools"]:
            path = self.module.get_bin_path(tool)
            if not path:
                self.raw[tool] = not_installed(tool)
                continue
            self.raw[tool] = self.guard(getattr(self, f"ask_{tool}"), path)
            if isinstance(self.raw[tool], str):
                try:
                    if time_answer(tool, self.raw[tool])[0]:
                        break
                except ParseError:
                    continue

    # ------------------------------------------------------------------ reboots

    def reboots(self):
        last = self.module.get_bin_path("last")
        if not last:
            return not_installed("last")
        rc, out, err = self.run([last, "-x", "reboot", "--time-format", "iso"])
        command = "last -x reboot --time-format iso"
        if rc != 0:
            # sysvinit-tools' last (RHEL 7) has no --time-format
            rc, out, err = self.run([last, "-x", "reboot", "-F"])
            command = "last -x reboot -F"
        return out if rc == 0 else exited(command, rc, err, out)

    @staticmethod
    def boot_epoch(stat_text, uptime_text, now):
        """When the host booted, to know whether ``last`` is worth asking (None: unknown)."""
        try:
            btime = parse_proc_stat(stat_text)["btime"] if stat_text else None
            if btime:
                return float(btime)
            return now - parse_uptime(uptime_text)["uptime_seconds"] if uptime_text else None
        except ParseError:
            return None

    # ------------------------------------------------------------------ network

    @staticmethod
    def read_int(path):
        """(an integer file's value, None), (None, None) when the file does not exist, or
        (None, message) when it cannot be read or is not an integer."""
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                text = handle.read().strip()
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None, None
            return None, msg("reason.cannot_read", path=path, why=errno_message(exc))
        try:
            return int(text), None
        except ValueError:
            return None, msg("system.reason.not_an_integer", what=path, value=text[:40])

    def net_sysfs(self, base="/sys/class/net"):
        """The raw ``net_sysfs`` source: per interface not ignored, its statistics counters,
        operstate and carrier_changes (None on kernels before 3.15, which lack the file)."""
        try:
            names = sorted(os.listdir(base))
        except OSError as exc:
            return os_failure(exc, msg("reason.cannot_list", path=base,
                                       why=errno_message(exc)))
        patterns = self.params["ignore_interfaces"]
        links = {}
        for name in names:
            path = os.path.join(base, name)
            # bonding_masters is a file beside the interfaces' directories (links)
            if not os.path.isdir(path) or interface_ignored(name, patterns):
                continue
            item = {}
            for counter in SYSFS_COUNTERS:
                value, _error = self.read_int(os.path.join(path, "statistics", counter))
                if value is not None:
                    item[counter] = value
            state, _error = read_text(os.path.join(path, "operstate"))
            item["operstate"] = state.strip() if state else None
            value, error = self.read_int(os.path.join(path, "carrier_changes"))
            item["carrier_changes"] = value
            if error:
                item["carrier_changes_error"] = error
            links[name] = item
        return links

    # ------------------------------------------------------------------ all

    def collect(self, now):
        """Every raw source; CPU and processes sampled ``sample_seconds`` apart."""
        raw = self.raw
        # first sample
        stat1, stat1_error = read_text("/proc/stat")
        procs1 = self.snapshot_processes()
        t1 = time.monotonic()

        # everything else, during the sampling interval
        uptime = self.read("uptime", "/proc/uptime")
        self.read("loadavg", "/proc/loadavg")
        self.read("meminfo", "/proc/meminfo")
        mounts_text = self.read("mounts", "/proc/mounts")
        if mounts_text is None:
            raw["statvfs"] = raw["mounts"]
        else:
            try:
                mount_list = parse_mounts(mounts_text)
            except ParseError as exc:
                raw["statvfs"] = {"error": exc.message, "cause": "not_understood"}
            else:
                raw["statvfs"] = self.guard(self.filesystems, mount_list)
        raw["fstab"] = self.guard(self.fstab)
        self.read("net_dev", "/proc/net/dev")
        raw["net_sysfs"] = self.guard(self.net_sysfs)
        failed = self.guard(self.systemd)
        if failed:
            raw["failed_units"] = failed
        failed = self.guard(self.time_sync)
        if failed:
            raw[self.params["time_sync_tools"][0]] = failed
        boot = self.boot_epoch(stat1, uptime, now)
        since = (self.params["since"] or "").strip()
        try:
            since_epoch = iso_to_epoch(since) if since else None
        except ParseError:
            since_epoch = None  # the rules say why
        if boot is not None and since_epoch is not None and boot > since_epoch:
            raw["last_reboot"] = self.guard(self.reboots)

        # second sample
        remaining = self.params["sample_seconds"] - (time.monotonic() - t1)
        if remaining > 0:
            time.sleep(remaining)
        stat2, stat2_error = read_text("/proc/stat")
        procs2 = self.snapshot_processes()
        interval = time.monotonic() - t1
        if stat1_error or stat2_error:
            raw["stat"] = stat1_error or stat2_error
        else:
            raw["stat"] = {"samples": [stat1, stat2], "interval": interval}
        raw["processes"] = self.guard(self.processes, procs1, procs2, interval)
        return raw


def context_of(params, now):
    """The context parse_sources and the rules get: the time, the host's previous inspection
    and the area's options."""
    return {"now": now, "since": (params["since"] or "").strip() or None,
            "fstab_path": params["fstab_path"], "top_n": params["top_n"],
            "time_sync_tools": params["time_sync_tools"],
            "ignore_fstypes": params["ignore_fstypes"],
            "ignore_mountpoints": params["ignore_mountpoints"],
            "ignore_interfaces": params["ignore_interfaces"],
            "previous": params["previous"] or {},
            "cpu_count": os.sysconf("SC_NPROCESSORS_ONLN") or None}


def inspect(module, thresholds):
    """Collect, read, judge: (findings, not_applicable, data, counters)."""
    now = time.time()
    context = context_of(module.params, now)
    raw = Collector(module).collect(now)
    data = parse_sources(raw, context)
    findings = evaluate(data, thresholds, context)
    read = counters(data, context)
    data["collected_at"] = epoch_to_iso(now)
    # mounts the ignore lists leave out are only counted: k8s nodes have hundreds
    mounts = data.get("mounts")
    if isinstance(mounts, dict) and "entries" in mounts:
        lists = (context["ignore_fstypes"], context["ignore_mountpoints"])
        kept = [dict(m, options=",".join(m["options"])) for m in mounts["entries"]
                if ignored_by(m, *lists) is None]
        data["mounts"] = {"entries": kept, "ignored_count": len(mounts["entries"]) - len(kept)}
    # so are the interfaces: veth*, cali* ... come by the hundred on container hosts
    net_dev = data.get("net_dev")
    if isinstance(net_dev, dict) and "interfaces" in net_dev:
        kept = [e for e in net_dev["interfaces"]
                if interface_ignored(e["interface"], context["ignore_interfaces"]) is None]
        data["net_dev"] = {"interfaces": kept,
                           "ignored_count": len(net_dev["interfaces"]) - len(kept)}
    return findings, not_applicable(data), data, read


def performance(module, findings, data, root="/", now=None):
    """The host's sysstat history since its previous inspection (at most 31 days) and this
    inspection's own figures (weibao_inspection/performance.py); never fails the module."""
    params = module.params
    since = (params["since"] or "").strip()
    try:
        since_epoch = iso_to_epoch(since) if since else None
    except ParseError:
        since_epoch = None
    memory = data.get("memory") if isinstance(data.get("memory"), dict) else {}
    patterns = params["ignore_interfaces"]

    def run(argv):
        return module.run_command(argv, environ_update=C_LOCALE)

    def ignore_device(metric, device):
        return metric.startswith("net_") and interface_ignored(device, patterns) is not None

    try:
        perf = collect_sysstat(run, module.get_bin_path, since_epoch, now, root,
                               memory.get("mem_total_kb"), ignore_device)
        sadf = module.get_bin_path("sadf")
        if perf["source"] == "sysstat" and sadf:
            perf["sysstat_version"] = version_of(run, sadf)
    except Exception as exc:  # the findings stand without the history
        perf = {"source": "none", "period": None, "files": [], "series": [],
                "dropped": {"disk": 0, "net": 0},
                "notes": [msg("reason.internal", where="performance",
                              error=f"{type(exc).__name__}: {exc}")]}
    perf["sample"] = linux_sample(findings, data.get("collected_at"))
    return perf


ARGUMENT_SPEC = dict(
    since=dict(type="str", default=""),
    sample_seconds=dict(type="int", default=5),
    thresholds=dict(type="dict", default={}),
    ignore_fstypes=dict(type="list", elements="str", default=DEFAULT_IGNORE_FSTYPES),
    ignore_mountpoints=dict(type="list", elements="str", default=DEFAULT_IGNORE_MOUNTPOINTS),
    top_n=dict(type="int", default=5),
    fstab_path=dict(type="path", default="/etc/fstab"),
    time_sync_tools=dict(type="list", elements="str", choices=list(TIME_SYNC_TOOLS),
                         default=list(TIME_SYNC_TOOLS)),
    statvfs_timeout=dict(type="int", default=10),
    previous=dict(type="dict", default={}),
    ignore_interfaces=dict(type="list", elements="str", default=DEFAULT_IGNORE_INTERFACES),
)


def run(module):
    """The area's result (without ``changed``); AreaError when an argument is wrong."""
    params = module.params
    if not 1 <= params["sample_seconds"] <= 60:
        raise AreaError("sample_seconds must be between 1 and 60")
    if not 1 <= params["top_n"] <= 20:
        raise AreaError("top_n must be between 1 and 20")
    if not 1 <= params["statvfs_timeout"] <= 120:
        raise AreaError("statvfs_timeout must be between 1 and 120")
    try:
        thresholds = catalogue.merge_thresholds("system", params["thresholds"])
    except catalogue.CatalogueError as exc:
        raise AreaError(str(exc)) from exc
    findings, not_applicable, data, read = inspect(module, thresholds)
    return dict(findings=findings, not_applicable=not_applicable, data=data, counters=read,
                performance=performance(module, findings, data))
