# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read sysstat's history: ``sadf -j FILE -- -u -r -S -B -d -p -n DEV -q`` (LC_ALL=C) ->
samples for the monthly performance analysis (weibao_inspection/performance.py puts them
into hourly series).

The JSON is sysstat's own (json_stats.c, sadf.c; provenance of the fixtures in
tests/unit/fixtures/linux/sadf_j/, first line): ``{"sysstat": {"hosts": [{"nodename", ...,
"statistics": [{"timestamp": {"date", "time", "utc", "interval"}, "cpu-load": [{"cpu":
"all", "user", "nice", "system", "iowait", "steal", "idle"}], "memory": {...}, "paging":
{...}, "queue": {...}, "disk": [...], "network": {"net-dev": [...]}}, ...]}]}}``.

What differs between the versions weibao meets (RHEL 7: 10.1.5, RHEL 8: 11.7.3, Debian 10:
12.0.3, Debian 11: 12.5.2, Debian 12: 12.6.1, RHEL 9: 12.5.4):

- ``memory``: ``avail`` only from 11.5 (the kernel's MemAvailable); ``memused`` is total minus
  free up to 11.7.3, total minus free, buffers, cached and slab from 11.7.4 and 12.0, total
  minus available from 12.7.8. weibao's ``memory_used`` does not take ``memused``: it is
  ``(total - avail) / total`` where ``avail`` is printed (the definition of the inspection's
  own system.memory check and of sysstat 12.7.8), else ``(total - free - buffers - cached) /
  total`` (sysstat 11.7.4-12.7.7's definition without slab, which ``-r`` alone does not
  print). The total is not printed: it is the host's MemTotal when the caller knows it, else
  ``memused * 100 / memused-percent``.
- swap: ``swpused-percent`` in ``memory`` (``-S``) in every version.
- ``disk``: ``util-percent`` and ``await`` in every version; 12.x adds ``rkB``/``wkB``,
  ``areq-sz``/``aqu-sz`` and drops ``svctm``.
- ``net-dev``: ``rxkB``/``txkB`` in every version; ``ifutil-percent`` from 11.0.
- ``cpu-load`` (``-u``) or ``cpu-load-all`` (``-u ALL``: ``usr``, ``sys`` ... instead of
  ``user``, ``system``).
- ``timestamp``: ``utc: 1`` (sadf's default, UTC); ``utc: 0`` only with ``-t``, which weibao
  does not pass: such a sample is read as UTC too and the parse says so (``local_time``).

Python 3.8-compatible: ships to the host with the module.
"""

from __future__ import annotations

import calendar
import json

from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

# sar options after "--": CPU, memory, swap, paging, disks (pretty names), NICs, load
SAR_OPTIONS = ("-u", "-r", "-S", "-B", "-d", "-p", "-n", "DEV", "-q")


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN


def _epoch(stamp):
    """``{"date": "2026-12-06", "time": "21:43:46", "utc": 1}`` -> epoch seconds."""
    date = str(stamp.get("date", ""))
    clock = str(stamp.get("time", ""))
    try:
        year, month, day = (int(p) for p in date.split("-"))
        parts = [int(p) for p in clock.split(":")]
        hour, minute = parts[0], parts[1]
        second = parts[2] if len(parts) > 2 else 0
    except (ValueError, IndexError):
        return None
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def _memory(mem, mem_total_kb):
    """(memory_used %, swap_used %) of one ``memory`` object (see the module's docstring)."""
    used_pct = swap_pct = None
    if isinstance(mem, dict):
        total = _float(mem_total_kb)
        memused, pct = _float(mem.get("memused")), _float(mem.get("memused-percent"))
        if not total and memused and pct:
            total = memused * 100.0 / pct
        free = _float(mem.get("memfree"))
        avail = _float(mem.get("avail"))
        if total and avail is not None:
            used_pct = 100.0 * (total - avail) / total
        elif total and free is not None:
            buffers = _float(mem.get("buffers")) or 0.0
            cached = _float(mem.get("cached")) or 0.0
            used_pct = 100.0 * (total - free - buffers - cached) / total
        if used_pct is not None:
            used_pct = min(100.0, max(0.0, used_pct))
        swap_pct = _float(mem.get("swpused-percent"))
    return used_pct, swap_pct


def _cpu(sample):
    rows = sample.get("cpu-load")
    if not isinstance(rows, list):
        rows = sample.get("cpu-load-all")
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and str(row.get("cpu")) in ("all", "-1"):
            user = _float(row.get("user", row.get("usr")))
            nice = _float(row.get("nice")) or 0.0
            system = _float(row.get("system", row.get("sys")))
            if system is not None and "irq" in row:  # -u ALL: %sys without interrupts
                system += (_float(row.get("irq")) or 0.0) + (_float(row.get("soft")) or 0.0)
            return {"cpu_user": None if user is None else user + nice,
                    "cpu_system": system, "cpu_iowait": _float(row.get("iowait")),
                    "cpu_idle": _float(row.get("idle"))}
    return {}


def parse_sadf_json(text, mem_total_kb=None):
    """sadf -j's text -> {"nodename", "file_date", "local_time": bool, "samples": [(epoch,
    {(metric, device): value})]}; raises ParseError when it is not sadf's JSON."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ParseError("system.perf.reason.not_sadf_json",
                         detail=str(exc)[:120]) from None
    hosts = document.get("sysstat", {}).get("hosts") if isinstance(document, dict) else None
    if not isinstance(hosts, list):
        raise ParseError("system.perf.reason.not_sadf_json", detail="no sysstat.hosts")
    out = {"nodename": "", "file_date": "", "local_time": False, "samples": []}
    for host in hosts:
        if not isinstance(host, dict):
            continue
        out["nodename"] = out["nodename"] or str(host.get("nodename", ""))
        out["file_date"] = out["file_date"] or str(host.get("file-date", ""))
        for sample in host.get("statistics") or []:
            if not isinstance(sample, dict) or not isinstance(sample.get("timestamp"), dict):
                continue  # sadf prints {} for a restart record in some versions
            stamp = sample["timestamp"]
            when = _epoch(stamp)
            if when is None:
                continue
            if str(stamp.get("utc", 1)) in ("0", "False", "false"):
                out["local_time"] = True
            values = {}
            for metric, value in _cpu(sample).items():
                values[(metric, "")] = value
            used, swap = _memory(sample.get("memory"), mem_total_kb)
            values[("memory_used", "")] = used
            values[("swap_used", "")] = swap
            paging = sample.get("paging")
            if isinstance(paging, dict):
                values[("paging_in", "")] = _float(paging.get("pgpgin"))
                values[("paging_out", "")] = _float(paging.get("pgpgout"))
                values[("major_faults", "")] = _float(paging.get("majflt"))
            queue = sample.get("queue")
            if isinstance(queue, dict):
                values[("load1", "")] = _float(queue.get("ldavg-1"))
            for disk in sample.get("disk") or []:
                if isinstance(disk, dict) and disk.get("disk-device"):
                    name = str(disk["disk-device"])
                    values[("disk_util", name)] = _float(disk.get("util-percent"))
                    values[("disk_await", name)] = _float(disk.get("await"))
            network = sample.get("network")
            nics = network.get("net-dev") if isinstance(network, dict) else None
            for nic in nics or []:
                if isinstance(nic, dict) and nic.get("iface"):
                    name = str(nic["iface"])
                    values[("net_rx", name)] = _float(nic.get("rxkB"))
                    values[("net_tx", name)] = _float(nic.get("txkB"))
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                out["samples"].append((when, values))
    return out
