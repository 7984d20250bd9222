# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an nmon recording (AIX ``topas_nmon -f`` / ``nmon -f``, a CSV file) -> samples for
the monthly performance analysis (weibao_inspection/performance.py puts them into hourly
series, the same shape as sysstat's).

nmon's CSV (IBM's nmon Analyser section reference; the AIX lines as public nmon parsers
quote them, provenance in tests/unit/fixtures/aix/nmon/, first line): each section has a
header line ``NAME,Description host,col,col...`` and one data line per snapshot
``NAME,T0001,v,v...``; ``ZZZZ,T0001,HH:MM:SS,DD-MON-YYYY`` gives each snapshot's time, in the
host's local time. Sections read:

- ``CPU_ALL``: ``User%,Sys%,Wait%,Idle%[,Steal%],Busy,CPUs`` -> cpu_user, cpu_system,
  cpu_iowait, cpu_idle.
- ``MEMNEW`` (AIX): ``Process%,FScache%,System%,Free%,Pinned%,User%`` -> memory_used =
  Process% + System% (memory in use without the file cache, as sysstat's and the inspection's
  figures leave out the cache); without MEMNEW, ``MEM``'s ``100 - Real Free %``.
- ``MEM`` (AIX): ``Real Free %,Virtual free %,...`` -> swap_used = 100 - Virtual free %
  (paging space); Linux nmon's ``MEM`` (``memtotal,...,swaptotal,memfree,...,swapfree,
  ...,cached,...,buffers``, MB) -> memory_used, swap_used.
- ``PAGE`` (AIX; ``PAGING`` accepted): ``faults,pgin,pgout,pgsin,pgsout,...`` -> paging_in,
  paging_out (pages/s).
- ``DISKBUSY``: one column per disk -> disk_util (%).
- ``NET``: ``en0-read-KB/s``, ``en0-write-KB/s`` ... -> net_rx, net_tx (kB/s).

Python 3.8-compatible: ships to the host with the module.
"""

from __future__ import annotations

import calendar
import re

from ansible.module_utils.weibao_inspection.parsers.sections import ParseError

MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
                                       "SEP", "OCT", "NOV", "DEC"), start=1)}
SNAPSHOT = re.compile(r"^T\d+$")
NET_COLUMN = re.compile(r"^(.+)-(read|write)-KB/s$")


def _float(text):
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if value == value else None


def _local(zzzz_time, zzzz_date):
    """``00:05:12``, ``01-NOV-2026`` -> (year, month, day, hour, minute, second) or None."""
    try:
        day, month, year = zzzz_date.strip().split("-")
        hour, minute, second = (int(p) for p in zzzz_time.strip().split(":"))
        return (int(year), MONTHS[month.upper()[:3]], int(day), hour, minute, second)
    except (KeyError, ValueError):
        return None


def utc_epoch(parts):
    """The default reading of nmon's local times: as UTC (tests; the module passes the
    host's own zone, time.mktime)."""
    return calendar.timegm(parts + (0, 0, 0))


def parse_nmon(text, to_epoch=utc_epoch):
    """nmon's CSV -> {"host", "samples": [(epoch, {(metric, device): value})]}; raises
    ParseError when the text has no snapshot nmon would have written."""
    headers, rows, times = {}, {}, {}
    host = ""
    for line in str(text).splitlines():
        parts = line.rstrip("\r").split(",")
        if len(parts) < 3:
            continue
        name, second = parts[0], parts[1]
        if name == "AAA" and second == "host":
            host = parts[2].strip()
        elif name == "ZZZZ" and SNAPSHOT.match(second) and len(parts) >= 4:
            local = _local(parts[2], parts[3])
            if local is not None:
                times[second] = to_epoch(local)
        elif SNAPSHOT.match(second):
            rows.setdefault(second, {})[name] = parts[2:]
        elif name not in headers:
            headers[name] = [c.strip() for c in parts[2:]]
    if not times or "CPU_ALL" not in headers:
        raise ParseError("system.perf.reason.not_nmon")
    samples = []
    for snapshot, sections in rows.items():
        when = times.get(snapshot)
        if when is None:
            continue
        values = {}
        for name, cells in sections.items():
            columns = headers.get(name)
            if columns:
                _section(name, dict(zip(columns, (_float(c) for c in cells))), values)
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            samples.append((when, values))
    samples.sort(key=lambda s: s[0])
    return {"host": host, "samples": samples}


def _section(name, row, values):
    if name == "CPU_ALL":
        values[("cpu_user", "")] = row.get("User%")
        values[("cpu_system", "")] = row.get("Sys%")
        values[("cpu_iowait", "")] = row.get("Wait%")
        values[("cpu_idle", "")] = row.get("Idle%")
    elif name == "MEMNEW":
        process, system = row.get("Process%"), row.get("System%")
        if process is not None and system is not None:
            values[("memory_used", "")] = process + system
    elif name == "MEM":
        if "Real Free %" in row:  # AIX
            if row["Real Free %"] is not None:
                values.setdefault(("memory_used", ""), 100.0 - row["Real Free %"])
            if row.get("Virtual free %") is not None:
                values[("swap_used", "")] = 100.0 - row["Virtual free %"]
        elif row.get("memtotal"):  # Linux nmon, MB
            total = row["memtotal"]
            free = sum(row.get(k) or 0.0 for k in ("memfree", "cached", "buffers"))
            values[("memory_used", "")] = max(0.0, 100.0 * (total - free) / total)
            if row.get("swaptotal"):
                values[("swap_used", "")] = 100.0 * (row["swaptotal"] - (row.get("swapfree")
                                                                         or 0.0)) \
                    / row["swaptotal"]
    elif name in ("PAGE", "PAGING"):
        values[("paging_in", "")] = row.get("pgin")
        values[("paging_out", "")] = row.get("pgout")
    elif name == "DISKBUSY":
        for disk, value in row.items():
            values[("disk_util", disk)] = value
    elif name == "NET":
        for column, value in row.items():
            match = NET_COLUMN.match(column)
            if match:
                metric = "net_rx" if match.group(2) == "read" else "net_tx"
                values[(metric, match.group(1))] = value
