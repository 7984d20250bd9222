# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The performance history a host keeps, for the monthly performance analysis: the
``performance`` key of weibao_inspect_system (sysstat) and weibao_inspect_aix (nmon).

Read in the collector's own module execution (no task of its own): the history since the
host's previous inspection, at most the last ``MAX_DAYS`` days, as compact hourly series::

    {"source": "sysstat" | "nmon" | "none",
     "period": {"from": ISO, "to": ISO} | None,       # the window read (UTC)
     "files": [{"path", "samples"} | {"path", "error": message}],
     "series": [{"metric", "device", "unit", "points": [[ISO hour, mean], ...]}],
     "dropped": {"disk": n, "net": n},                 # devices beyond the caps
     "notes": [message, ...],                          # why there is no (or less) history
     "sample": {...}}                                  # this inspection's own figures

A point is the mean of the samples of one UTC hour (``YYYY-MM-DDTHH:00:00Z``), rounded to 2
decimals; a series has at most ``MAX_DAYS * 24`` points; at most ``MAX_DISKS`` disks (the
busiest by mean utilisation) and ``MAX_NICS`` interfaces (by mean rx + tx) are kept. A host
without history is no fault: ``source`` is "none" and ``notes`` say why (sysstat not
installed, collection disabled, no files in the window, files sadf cannot read).

Python 3.8-compatible: ships to the host with the modules.
"""

from __future__ import annotations

import glob
import os
import re
import time

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.linux_sysstat import (
    SAR_OPTIONS,
    parse_sadf_json,
)
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

MAX_DAYS = 31
MAX_POINTS = MAX_DAYS * 24
MAX_DISKS = 16
MAX_NICS = 8
MAX_FILES = 40
SYSSTAT_DIRS = ("/var/log/sysstat", "/var/log/sa")
SA_FILE = re.compile(r"^sa(\d{2}|\d{8})$")
DEFAULT_NMON_PATHS = ("/var/perf/daily/*.nmon", "/etc/perf/daily/*.nmon")
UNITS = {"cpu_user": "%", "cpu_system": "%", "cpu_iowait": "%", "cpu_idle": "%",
         "memory_used": "%", "swap_used": "%", "paging_in": "kB/s", "paging_out": "kB/s",
         "major_faults": "/s", "load1": "", "disk_util": "%", "disk_await": "ms",
         "net_rx": "kB/s", "net_tx": "kB/s"}
NMON_UNITS = dict(UNITS, paging_in="pages/s", paging_out="pages/s")


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def hour_of(epoch):
    return time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(epoch))


def window(since_epoch, now):
    """(start, end) epochs of the history to read: since the previous inspection, at most
    MAX_DAYS back."""
    start = now - MAX_DAYS * 86400
    if since_epoch is not None and start < since_epoch < now:
        start = since_epoch
    return start, now


class Hourly:
    """Samples -> hourly means per (metric, device)."""

    def __init__(self, start, end):
        self.start, self.end = start, end
        self.sums = {}

    def add(self, samples):
        """Adds the samples inside the window; returns how many."""
        count = 0
        for when, values in samples:
            if not self.start <= when <= self.end:
                continue
            count += 1
            hour = hour_of(when)
            for key, value in values.items():
                cell = self.sums.setdefault(key, {}).setdefault(hour, [0.0, 0])
                cell[0] += value
                cell[1] += 1
        return count

    def series(self, units, ignore_device=None):
        """(series list, {"disk": dropped, "net": dropped})."""
        by_key = {}
        for (metric, device), hours in self.sums.items():
            if device and ignore_device and ignore_device(metric, device):
                continue
            points = [[hour, round(total / n, 2)] for hour, (total, n) in sorted(hours.items())]
            by_key[(metric, device)] = points[-MAX_POINTS:]
        keep, dropped = {}, {}
        for kind, metrics, limit in (("disk", ("disk_util",), MAX_DISKS),
                                     ("net", ("net_rx", "net_tx"), MAX_NICS)):
            load = {}
            for (metric, device), points in by_key.items():
                if metric in metrics and points:
                    load[device] = load.get(device, 0.0) + \
                        sum(p[1] for p in points) / len(points)
            ranked = sorted(load, key=lambda d: (-load[d], d))
            keep[kind] = set(ranked[:limit])
            dropped[kind] = max(0, len(ranked) - limit)
        out = []
        for (metric, device), points in sorted(by_key.items()):
            kind = "disk" if metric.startswith("disk_") else \
                "net" if metric.startswith("net_") else None
            if kind and device not in keep[kind]:
                continue
            out.append({"metric": metric, "device": device, "unit": units.get(metric, ""),
                        "points": points})
        return out, dropped


def empty(source="none"):
    return {"source": source, "period": None, "files": [], "series": [],
            "dropped": {"disk": 0, "net": 0}, "notes": [], "sample": {}}


def _lines(*texts, count=3):
    for text in texts:
        lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
        if lines:
            return " / ".join(lines[:count])[:300]
    return ""


# --------------------------------------------------------------------------- sysstat


def sysstat_enabled(root="/"):
    """False when Debian's /etc/default/sysstat says ENABLED="false", else True (RHEL has no
    such switch: its timer is the switch, and files are the evidence)."""
    path = os.path.join(root, "etc/default/sysstat")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = re.match(r'^\s*ENABLED\s*=\s*"?(\w+)"?', line)
                if match:
                    return match.group(1).lower() != "false"
    except OSError:
        pass
    return True


def sa_files(root, start, end):
    """The daily files (saDD, saYYYYMMDD, also in YYYYMM/ subfolders) modified in the
    window, oldest first: a daily file is last written at its day's end, and saDD of last
    month has been overwritten or is older than the window."""
    found = []
    for folder in SYSSTAT_DIRS:
        base = os.path.join(root, folder.lstrip("/"))
        candidates = glob.glob(os.path.join(base, "sa*")) + \
            glob.glob(os.path.join(base, "[0-9]" * 6, "sa*"))
        for path in candidates:
            if not SA_FILE.match(os.path.basename(path)) or not os.path.isfile(path):
                continue
            try:
                mtime = os.path.getmtime(path)
            except OSError:
                continue
            if mtime >= start and mtime - 86400 <= end:
                found.append((mtime, path))
    found.sort()
    return [path for _mtime, path in found[-MAX_FILES:]]


def collect_sysstat(run, which, since_epoch=None, now=None, root="/", mem_total_kb=None,
                    ignore_device=None):
    """The host's sysstat history. ``run(argv) -> (rc, out, err)`` runs a command with
    LC_ALL=C; ``which(name)`` finds a tool (None: not installed); ``root`` is "/" on a host
    (tests point it at a recorded tree). Never raises on the host's state: what could not be
    read is a note."""
    now = time.time() if now is None else now
    start, end = window(since_epoch, now)
    perf = empty()
    enabled = sysstat_enabled(root)
    files = sa_files(root, start, end)
    sadf = which("sadf")
    if not files:
        if sadf is None:
            perf["notes"].append(msg("system.perf.no_sysstat"))
        elif not enabled:
            perf["notes"].append(msg("system.perf.disabled", path="/etc/default/sysstat"))
        else:
            perf["notes"].append(msg("system.perf.no_files", dirs=list(SYSSTAT_DIRS),
                                     since=iso(start)))
        return perf
    if sadf is None:
        perf["notes"].append(msg("system.perf.no_sadf", count=len(files)))
        return perf
    if not enabled:  # old files still read; the history stops when collection stopped
        perf["notes"].append(msg("system.perf.disabled", path="/etc/default/sysstat"))
    hourly = Hourly(start, end)
    unreadable = 0
    for path in files:
        shown = "/" + os.path.relpath(path, root).lstrip("./") if root != "/" else path
        rc, out, err = run([sadf, "-j", path, "--"] + list(SAR_OPTIONS))
        if rc != 0 or not str(out).strip():
            # "Invalid system activity file: F", then the version that wrote it and why
            # this sadf cannot read it (sa_common.c handle_invalid_sa_file)
            reason = _lines(err, out) or f"exit status {rc}"
            perf["files"].append({"path": shown, "error": msg("system.perf.reason.sadf",
                                                                 output=reason)})
            unreadable += 1
            continue
        try:
            parsed = parse_sadf_json(out, mem_total_kb)
        except ParseError as exc:
            perf["files"].append({"path": shown, "error": exc.message})
            unreadable += 1
            continue
        perf["files"].append({"path": shown, "samples": hourly.add(parsed["samples"])})
    if unreadable:
        perf["notes"].append(msg("system.perf.unreadable", count=unreadable,
                                 total=len(files)))
    perf["series"], perf["dropped"] = hourly.series(UNITS, ignore_device)
    if perf["series"]:
        perf["source"] = "sysstat"
        perf["period"] = {"from": iso(start), "to": iso(end)}
    elif not unreadable:
        perf["notes"].append(msg("system.perf.no_files", dirs=list(SYSSTAT_DIRS),
                                 since=iso(start)))
    return perf


def version_of(run, sadf):
    """sadf -V's version (``sysstat version 12.6.1``) or ''."""
    rc, out, err = run([sadf, "-V"])
    match = re.search(r"sysstat version\s+(\S+)", f"{out}\n{err}")
    return match.group(1) if match else ""


# --------------------------------------------------------------------------- nmon


def nmon_files(patterns, start, end):
    found = set()
    for pattern in patterns or ():
        for path in glob.glob(pattern):
            try:
                mtime = os.path.getmtime(path)
            except OSError:
                continue
            # a recording covers the day (or days) before its last write
            if os.path.isfile(path) and mtime >= start and mtime - 86400 <= end:
                found.add((mtime, path))
    return [path for _mtime, path in sorted(found)[-MAX_FILES:]]


def _parse_nmon(text, to_epoch):
    # AIX's nmon files: imported here, so that a Linux host's module does not compile it
    from ansible.module_utils.weibao_inspection.parsers.aix_nmon import parse_nmon
    return parse_nmon(text, to_epoch)


def collect_nmon(patterns, since_epoch=None, now=None, to_epoch=None, read=None):
    """The host's nmon recordings matching ``patterns`` (globs), as sysstat's series."""
    now = time.time() if now is None else now
    start, end = window(since_epoch, now)
    perf = empty()
    files = nmon_files(patterns, start, end)
    if not files:
        perf["notes"].append(msg("system.perf.no_nmon", paths=list(patterns or ()),
                                 since=iso(start)))
        return perf
    hourly = Hourly(start, end)
    unreadable = 0
    for path in files:
        try:
            if read is not None:
                text = read(path)
            else:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
            parsed = _parse_nmon(text, to_epoch or time_mktime)
        except OSError as exc:
            perf["files"].append({"path": path, "error": msg(
                "reason.cannot_read", path=path, why=exc.strerror or str(exc))})
            unreadable += 1
            continue
        except ParseError as exc:
            perf["files"].append({"path": path, "error": exc.message})
            unreadable += 1
            continue
        perf["files"].append({"path": path, "samples": hourly.add(parsed["samples"])})
    if unreadable:
        perf["notes"].append(msg("system.perf.unreadable", count=unreadable,
                                 total=len(files)))
    perf["series"], perf["dropped"] = hourly.series(NMON_UNITS)
    if perf["series"]:
        perf["source"] = "nmon"
        perf["period"] = {"from": iso(start), "to": iso(end)}
    elif not unreadable:
        perf["notes"].append(msg("system.perf.no_nmon", paths=list(patterns or ()),
                                 since=iso(start)))
    return perf


def time_mktime(parts):
    """nmon's local time on this host -> epoch (the host's own zone)."""
    return time.mktime(parts + (0, 0, -1))


# --------------------------------------------------------------------------- the sample

# the values of the system area's findings this inspection measured, by check
SAMPLE_VALUES = (("system.cpu_utilisation", "busy_pct", "cpu_busy"),
                 ("system.io_wait", "iowait_pct", "cpu_iowait"),
                 ("system.memory", "used_pct", "memory_used"),
                 ("system.swap", "used_pct", "swap_used"),
                 ("system.load", "load1", "load1"),
                 ("system.load", "load15", "load15"))


def linux_sample(findings, collected_at):
    """This inspection's own figures from the system area's findings' ``values``:
    {"at", "cpu_busy", "cpu_iowait", "memory_used", "swap_used", "load1", "load15",
    "filesystems": {mount: {"used_pct", "size_bytes", "used_bytes", "avail_bytes"}}}."""
    sample = {"at": collected_at, "filesystems": {}}
    for finding in findings or []:
        values = finding.get("values") or {}
        check = finding.get("check_id")
        for check_id, key, name in SAMPLE_VALUES:
            if check == check_id and isinstance(values.get(key), (int, float)):
                sample[name] = values[key]
        if check == "system.filesystem_usage" and isinstance(values.get("size_bytes"), int):
            sample["filesystems"][finding.get("component", "")] = {
                k: values.get(k) for k in ("used_pct", "size_bytes", "used_bytes",
                                           "avail_bytes")}
    return sample


def aix_sample(data, collected_at):
    """The aix_system area's vmstat/svmon figures as this inspection's sample."""
    sample = {"at": collected_at, "filesystems": {}}
    vmstat = data.get("vmstat") if isinstance(data, dict) else None
    if isinstance(vmstat, dict) and "error" not in vmstat:
        if vmstat.get("id") is not None:
            sample["cpu_busy"] = round(100.0 - vmstat["id"], 2)
        if vmstat.get("wa") is not None:
            sample["cpu_iowait"] = vmstat["wa"]
    svmon = data.get("svmon") if isinstance(data, dict) else None
    if isinstance(svmon, dict) and svmon.get("size") and "error" not in svmon:
        if svmon.get("virtual") is not None:  # computational memory, no file cache
            sample["memory_used"] = round(100.0 * min(svmon["virtual"], svmon["size"])
                                          / svmon["size"], 2)
        if svmon.get("pgsp_size"):
            sample["swap_used"] = round(100.0 * (svmon.get("pgsp_inuse") or 0)
                                        / svmon["pgsp_size"], 2)
    return sample
