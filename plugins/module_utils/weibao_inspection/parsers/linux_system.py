# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for the Linux host-state inspection (``weibao_inspect_system``).

Each ``parse_*`` function turns the text of one file or one command's output into plain data
and raises :class:`ParseError` (carrying its reason as a message of catalogue/system.py) when
the text is empty, truncated or not in a format it knows. :func:`parse_sources` turns all the
raw outputs of the area (the collector's, or one output an engineer saved, for ``weibao
judge``) into the data ``rules/system.py`` judges. Nothing here reads files, runs commands or
judges.

Sources and the formats accepted:

- ``/proc/uptime``, ``/proc/loadavg``, ``/proc/stat`` (kernel 2.6.18 and later: 8 to 10
  numbers on the ``cpu`` line), ``/proc/meminfo`` (``MemAvailable`` since kernel 3.14 and
  RHEL 6.6; older kernels: estimated as MemFree + Buffers + Cached), ``/proc/mounts`` and
  ``/etc/fstab`` (octal escapes such as ``\\040`` decoded), ``/proc/<pid>/stat``;
- ``systemctl --failed --no-legend --plain`` (systemd 219 to 25x, with or without the
  ``●``/``*`` bullet column), ``systemctl show`` blocks, ``systemctl is-system-running``;
- ``timedatectl show -p NTPSynchronized`` (systemd 239+), ``timedatectl status`` (both
  "System clock synchronized:" and the older "NTP synchronized:"), ``chronyc tracking``,
  ``ntpq -pn`` (classic ntp 4.2 and NTPsec);
- ``last -x reboot --time-format iso`` (util-linux 2.24+) and ``last -x reboot -F``
  (sysvinit-tools on RHEL 7, times in the host's local time zone);
- ``df -P`` / ``df -PT`` and ``df -Pi`` (GNU coreutils; 1024- or 512-byte blocks as the header
  says), ``ps -eo pid,ppid,stat,pcpu,rss,comm`` (procps);
- ``/proc/net/dev`` (the columns as its header names them: Linux 2.2 to 6.x; 2.6-era kernels
  print ``eth0:1234567890`` without a space once the byte count fills its column).
"""

from __future__ import annotations

import calendar
import re
import time

from ansible.module_utils.weibao_inspection.messages import msg
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError, failure, is_failure  # noqa: F401
from ansible.module_utils.weibao_inspection.parsers.sections import parse_source as _parse

# --------------------------------------------------------------------------- helpers


def _lines(text):
    if text is None:
        raise ParseError("system.reason.no_output")
    return [line for line in text.splitlines() if line.strip()]


def _head(text, limit=120):
    """The start of ``text`` for an error message."""
    return (text or "").strip()[:limit]


def _number(token, what):
    try:
        return float(token)
    except ValueError:
        raise ParseError("reason.not_a_number", what=what, value=token) from None


def _integer(token, what):
    try:
        return int(token)
    except ValueError:
        raise ParseError("system.reason.not_an_integer", what=what, value=token) from None


_OCTAL_ESCAPE_RE = re.compile(r"\\([0-7]{3})")


def decode_octal_escapes(field):
    """Decode the kernel's and fstab's octal escapes (``\\040`` space, ``\\011`` tab, ...)."""
    return _OCTAL_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 8)), field)


# --------------------------------------------------------------------------- /proc


def parse_uptime(text):
    """``/proc/uptime``: ``"476.74 892.14"`` -> seconds since boot and idle seconds."""
    lines = _lines(text)
    if len(lines) != 1:
        raise ParseError("system.reason.one_line", source="/proc/uptime", count=len(lines))
    fields = lines[0].split()
    if len(fields) != 2:
        raise ParseError("system.reason.two_numbers", source="/proc/uptime", line=lines[0])
    uptime = _number(fields[0], "/proc/uptime")
    idle = _number(fields[1], "/proc/uptime")
    if uptime < 0 or idle < 0:
        raise ParseError("system.reason.negative", source="/proc/uptime", line=lines[0])
    return {"uptime_seconds": uptime, "idle_seconds": idle}


_LOADAVG_RE = re.compile(
    r"^(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+)/(\d+)\s+(\d+)$"
)


def parse_loadavg(text):
    """``/proc/loadavg``: ``"0.10 0.14 0.08 1/86 3957"``."""
    lines = _lines(text)
    if len(lines) != 1:
        raise ParseError("system.reason.one_line", source="/proc/loadavg", count=len(lines))
    match = _LOADAVG_RE.match(lines[0].strip())
    if not match:
        raise ParseError("system.reason.unexpected_format", source="/proc/loadavg",
                         line=lines[0])
    return {
        "load1": float(match.group(1)),
        "load5": float(match.group(2)),
        "load15": float(match.group(3)),
        "runnable": int(match.group(4)),
        "scheduling_entities": int(match.group(5)),
        "last_pid": int(match.group(6)),
    }


# Fields of the "cpu" line in kernel order (proc(5)); iowait, irq and softirq since 2.5.41,
# steal since 2.6.11, guest since 2.6.24, guest_nice since 2.6.33.
CPU_FIELDS = (
    "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice",
)


def parse_proc_stat(text):
    """``/proc/stat``: the aggregate ``cpu`` counters (ticks), the number of CPUs, ``btime``.

    Missing trailing counters (older kernels) are ``None``. At least user, nice, system and
    idle must be there and at least one ``cpuN`` line.
    """
    lines = _lines(text)
    cpu = None
    cpu_count = 0
    btime = None
    for line in lines:
        fields = line.split()
        key = fields[0]
        if key == "cpu":
            values = fields[1:]
            if len(values) < 4:
                raise ParseError("system.reason.cpu_counters", count=len(values))
            if len(values) > len(CPU_FIELDS):
                values = values[: len(CPU_FIELDS)]
            numbers = [_integer(v, "/proc/stat cpu line") for v in values]
            cpu = {
                name: numbers[i] if i < len(numbers) else None
                for i, name in enumerate(CPU_FIELDS)
            }
        elif key.startswith("cpu") and key[3:].isdigit():
            cpu_count += 1
        elif key == "btime":
            if len(fields) != 2:
                raise ParseError("system.reason.btime_line", line=line)
            btime = _integer(fields[1], "/proc/stat btime")
    if cpu is None:
        raise ParseError("system.reason.no_cpu_line")
    if cpu_count == 0:
        raise ParseError("system.reason.no_percpu_lines")
    return {"cpu": cpu, "cpu_count": cpu_count, "btime": btime}


def cpu_usage_between(first, second):
    """CPU use between two :func:`parse_proc_stat` results, in percent of all CPUs.

    ``busy_pct`` is everything but idle and iowait; guest time is already counted in user
    and nice, so it is not added again. A counter that went backwards (iowait does on some
    NO_HZ kernels) counts as zero. Raises ParseError when no time passed between the samples.
    """
    a, b = first["cpu"], second["cpu"]
    deltas = {}
    for name in CPU_FIELDS[:8]:
        if a.get(name) is None or b.get(name) is None:
            deltas[name] = None
        else:
            deltas[name] = max(0, b[name] - a[name])
    total = sum(v for v in deltas.values() if v is not None)
    if total <= 0:
        raise ParseError("system.reason.counters_still")
    idle = deltas["idle"]
    iowait = deltas["iowait"]
    busy = total - idle - (iowait or 0)

    def pct(value):
        return None if value is None else round(100.0 * value / total, 2)

    return {
        "busy_pct": pct(busy),
        "iowait_pct": pct(iowait),
        "steal_pct": pct(deltas["steal"]),
        "idle_pct": pct(idle),
        "ticks": total,
    }


_MEMINFO_RE = re.compile(r"^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$")


def parse_meminfo(text):
    """``/proc/meminfo`` -> sizes in kB, with ``mem_available_kb`` and where it came from.

    Kernels before 3.14 (and RHEL 6 before 6.6) have no MemAvailable: it is then estimated
    as MemFree + Buffers + Cached, and ``available_source`` says so.
    """
    fields = {}
    for line in _lines(text):
        match = _MEMINFO_RE.match(line.strip())
        if not match:
            raise ParseError("system.reason.unexpected_line", source="/proc/meminfo", line=line)
        fields[match.group(1)] = int(match.group(2))
    for name in ("MemTotal", "MemFree", "SwapTotal", "SwapFree"):
        if name not in fields:
            raise ParseError("system.reason.missing", source="/proc/meminfo", field=name)
    if fields["MemTotal"] <= 0:
        raise ParseError("system.reason.memtotal_zero")
    if "MemAvailable" in fields:
        available = fields["MemAvailable"]
        source = "MemAvailable"
    else:
        missing = [n for n in ("Buffers", "Cached") if n not in fields]
        if missing:
            raise ParseError("system.reason.no_memavailable", fields=missing)
        available = fields["MemFree"] + fields["Buffers"] + fields["Cached"]
        source = "MemFree+Buffers+Cached"
    return {
        "mem_total_kb": fields["MemTotal"],
        "mem_free_kb": fields["MemFree"],
        "mem_available_kb": min(available, fields["MemTotal"]),
        "available_source": source,
        "buffers_kb": fields.get("Buffers"),
        "cached_kb": fields.get("Cached"),
        "swap_total_kb": fields["SwapTotal"],
        "swap_free_kb": fields["SwapFree"],
    }


def parse_mounts(text):
    """``/proc/mounts`` (or ``/proc/self/mounts``) -> list of mounts in mount order."""
    mounts = []
    for line in _lines(text):
        fields = line.split()
        if len(fields) != 6:
            raise ParseError("system.reason.field_count", source="/proc/mounts", expected=6,
                             count=len(fields), line=line)
        options = fields[3].split(",")
        mounts.append({
            "device": decode_octal_escapes(fields[0]),
            "mountpoint": decode_octal_escapes(fields[1]),
            "fstype": fields[2],
            "options": options,
            "readonly": "ro" in options,
        })
    if not mounts:
        raise ParseError("reason.empty", source="/proc/mounts")
    return mounts


def parse_fstab(text):
    """``/etc/fstab`` -> entries plus the lines that could not be read.

    fstab is edited by people, so a bad line does not fail the whole file: it is returned in
    ``bad_lines`` and the caller decides. Missing options mean ``defaults`` (rw).
    """
    entries = []
    bad_lines = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        if len(fields) < 3 or len(fields) > 6:
            bad_lines.append(line)
            continue
        options = fields[3].split(",") if len(fields) > 3 else ["defaults"]
        entries.append({
            "device": decode_octal_escapes(fields[0]),
            "mountpoint": decode_octal_escapes(fields[1]),
            "fstype": fields[2],
            "options": options,
            "readonly": "ro" in options,
        })
    return {"entries": entries, "bad_lines": bad_lines}


def parse_pid_stat(text):
    """One ``/proc/<pid>/stat`` line (proc(5)).

    The command name is in parentheses and may itself contain spaces and parentheses, so
    the fields after it are found from the LAST ``)``. Returns pid, comm, state, ppid, utime
    and stime (clock ticks), starttime (ticks after boot), rss_pages and num_threads.
    """
    line = (text or "").strip()
    open_paren = line.find("(")
    close_paren = line.rfind(")")
    if open_paren < 1 or close_paren < open_paren:
        raise ParseError("system.reason.no_comm", line=line[:80])
    pid = _integer(line[:open_paren].strip(), "/proc/<pid>/stat pid")
    rest = line[close_paren + 1:].split()
    # state is field 3 of proc(5); rest[0] is field 3, so field N is rest[N - 3]
    if len(rest) < 22:
        raise ParseError("system.reason.pid_fields", count=len(rest), pid=pid)
    state = rest[0]
    if len(state) != 1 or not state.isalpha():
        raise ParseError("system.reason.pid_state", state=state, pid=pid)
    return {
        "pid": pid,
        "comm": line[open_paren + 1:close_paren],
        "state": state,
        "ppid": _integer(rest[1], "ppid"),
        "utime": _integer(rest[11], "utime"),
        "stime": _integer(rest[12], "stime"),
        "num_threads": _integer(rest[17], "num_threads"),
        "starttime": _integer(rest[19], "starttime"),
        "rss_pages": _integer(rest[21], "rss"),
    }


def parse_pid_stats(text):
    """Several ``/proc/<pid>/stat`` lines (one per process) -> list, for tests and tools."""
    lines = _lines(text)
    if not lines:
        raise ParseError("reason.empty", source="/proc/<pid>/stat")
    return [parse_pid_stat(line) for line in lines]


# --------------------------------------------------------------------------- systemd

_LOAD_STATES = {"loaded", "not-found", "bad-setting", "error", "masked", "stub", "merged"}
_ACTIVE_STATES = {
    "active", "reloading", "inactive", "failed", "activating", "deactivating",
    "maintenance", "refreshing",
}
# First column of list-units since systemd 246 unless --plain: "●" (UTF-8 locales), "*"
# (C locale), "×" in some newer releases.
_BULLETS = {"●", "*", "×"}
# Lines of an invocation without --no-legend: header, legend, count and hint.
_LEGEND_RE = re.compile(
    r"^(UNIT\s+LOAD\s+ACTIVE\s+SUB\b|(LOAD|ACTIVE|SUB)\s+= |\d+ loaded units? listed"
    r"|To show all installed unit files)"
)


def parse_systemctl_failed(text):
    """``systemctl --failed --no-legend --plain`` -> list of failed units.

    Empty output means no failed unit. The header, legend and "N loaded units listed."
    lines of an invocation without --no-legend are accepted and ignored. Any other line
    that is not UNIT LOAD ACTIVE SUB DESCRIPTION raises ParseError.
    """
    if text is None:
        raise ParseError("system.reason.no_output")
    units = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _LEGEND_RE.match(stripped):
            continue
        fields = stripped.split()
        if fields[0] in _BULLETS:
            fields = fields[1:]
        if len(fields) < 4:
            raise ParseError("system.reason.unexpected_line", source="systemctl --failed",
                             line=line)
        unit, load, active, sub = fields[:4]
        if load not in _LOAD_STATES or active not in _ACTIVE_STATES:
            raise ParseError("system.reason.unexpected_line", source="systemctl --failed",
                             line=line)
        units.append({
            "unit": unit,
            "load": load,
            "active": active,
            "sub": sub,
            "description": " ".join(fields[4:]),
        })
    return units


_SYSTEM_STATES = {
    "initializing", "starting", "running", "degraded", "maintenance", "stopping", "offline",
    "unknown",
}


def parse_is_system_running(text):
    """``systemctl is-system-running`` -> one of the states in systemctl(1)."""
    lines = _lines(text)
    if len(lines) != 1 or lines[0].strip() not in _SYSTEM_STATES:
        raise ParseError("system.reason.unexpected_output", source="systemctl is-system-running",
                         text=_head(text))
    return lines[0].strip()


def parse_systemctl_show(text):
    """``systemctl show -p A,B unit1 unit2`` -> one dict per unit (blocks split by blank lines)."""
    if text is None:
        raise ParseError("system.reason.no_output")
    blocks = []
    current = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        if "=" not in line:
            raise ParseError("system.reason.unexpected_line", source="systemctl show", line=line)
        key, value = line.split("=", 1)
        current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return blocks


# --------------------------------------------------------------------------- time sync

_YES_NO = {"yes": True, "no": False}


def parse_timedatectl_show(text):
    """``timedatectl show -p NTPSynchronized`` (systemd 239+) -> {"synchronized": bool}."""
    for line in _lines(text):
        key, sep, value = line.strip().partition("=")
        if sep and key == "NTPSynchronized":
            if value not in _YES_NO:
                raise ParseError("reason.unexpected_value",
                                 what="timedatectl show: NTPSynchronized", value=value)
            return {"synchronized": _YES_NO[value]}
    raise ParseError("system.reason.no_ntp_synchronized", text=_head(text))


def parse_timedatectl_status(text):
    """``timedatectl status`` -> synchronized (bool), ntp_service, time_zone.

    systemd 239+ prints "System clock synchronized: yes" and "NTP service: active";
    systemd 219 (RHEL 7) prints "NTP synchronized: yes" and "NTP enabled: yes". "NTP
    enabled" says a service is configured, not that the clock is synchronised.
    """
    fields = {}
    for line in _lines(text):
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    for key in ("System clock synchronized", "NTP synchronized"):
        if key in fields:
            value = fields[key]
            if value not in _YES_NO:
                raise ParseError("reason.unexpected_value", what=f"timedatectl status: {key}",
                                 value=value)
            service = fields.get("NTP service", fields.get("NTP enabled"))
            return {
                "synchronized": _YES_NO[value],
                "ntp_service": service,
                "time_zone": fields.get("Time zone"),
            }
    raise ParseError("system.reason.no_synchronized_line", text=_head(text))


_CHRONY_OFFSET_RE = re.compile(r"^([0-9.]+) seconds (fast|slow) of NTP time$")
_LEAP_SYNCED = {"Normal": True, "Insert second": True, "Delete second": True,
                "Not synchronised": False}


def parse_chronyc_tracking(text):
    """``chronyc tracking`` -> leap status, synchronized, reference, stratum, offset (s).

    ``offset_seconds`` is positive when the system clock is fast. "506 Cannot talk to
    daemon" and other non-report output raise ParseError.
    """
    fields = {}
    for line in _lines(text):
        key, sep, value = line.partition(" : ")
        if sep:
            fields[key.strip()] = value.strip()
    leap = fields.get("Leap status")
    if leap is None:
        raise ParseError("system.reason.no_leap_status", text=_head(text))
    if leap not in _LEAP_SYNCED:
        raise ParseError("system.reason.unknown_leap", value=leap)
    offset = None
    match = _CHRONY_OFFSET_RE.match(fields.get("System time", ""))
    if match:
        offset = float(match.group(1)) * (1 if match.group(2) == "fast" else -1)
    stratum = fields.get("Stratum")
    return {
        "leap_status": leap,
        "synchronized": _LEAP_SYNCED[leap],
        "reference": fields.get("Reference ID"),
        "stratum": int(stratum) if stratum and stratum.isdigit() else None,
        "offset_seconds": offset,
    }


_NTPQ_TALLY = set(" x.-+#*o")


def parse_ntpq_peers(text):
    """``ntpq -pn`` (ntp 4.2 and NTPsec) -> peers, the system peer and synchronized.

    The clock is synchronised when a peer carries the ``*`` (system peer) or ``o`` (PPS
    peer) tally code. "No association ID's returned" is a valid answer with no peer.
    NTPsec's ntpq prints errors such as "***Socket error" with exit status 0: those, and any
    output without the peers header, raise ParseError.
    """
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and "No association ID" in lines[0]:
        return {"peers": [], "sys_peer": None, "synchronized": False}
    header = None
    for index, line in enumerate(lines):
        if line.split()[:2] == ["remote", "refid"]:
            header = index
            break
    if header is None:
        raise ParseError("system.reason.no_peers_header", text=_head(text))
    body = [line for line in lines[header + 1:] if not set(line.strip()) <= {"="}]
    peers = []
    pending = None
    for line in body:
        if pending is not None:
            line = pending + " " + line.strip()
            pending = None
        tally = line[0]
        if tally not in _NTPQ_TALLY:
            raise ParseError("system.reason.tally", line=line)
        fields = line[1:].split()
        if len(fields) == 1:
            # a long remote (IPv6, long host name) wraps onto the next line
            pending = line
            continue
        if len(fields) != 10:
            raise ParseError("system.reason.column_count", source="ntpq -p", expected=10,
                             count=len(fields), line=line)
        stratum = _integer(fields[2], "ntpq stratum")
        reach = fields[6]
        if not re.match(r"^[0-7]{1,3}$", reach):
            raise ParseError("system.reason.reach", value=reach)
        peers.append({
            "tally": tally.strip(),
            "remote": fields[0],
            "refid": fields[1],
            "stratum": stratum,
            "reach": reach,
            "offset_ms": _number(fields[8], "ntpq offset"),
        })
    if pending is not None:
        raise ParseError("system.reason.truncated_after", line=pending.strip())
    sys_peer = next((p["remote"] for p in peers if p["tally"] in ("*", "o")), None)
    return {"peers": peers, "sys_peer": sys_peer, "synchronized": sys_peer is not None}


# --------------------------------------------------------------------------- reboots

_ISO_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[,.]\d+)?(?:[+-]\d\d:?\d\d|Z)")
_FULL_TIME_RE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" [ \d]\d \d\d:\d\d:\d\d \d{4}"
)
_BEGINS_RE = re.compile(r"^\S+ begins (.+)$")


def _last_time(fragment):
    match = _ISO_TIME_RE.search(fragment)
    if match:
        return match.group(0), match.end()
    match = _FULL_TIME_RE.search(fragment)
    if match:
        return match.group(0), match.end()
    return None, None


def parse_last_reboot(text):
    """``last -x reboot --time-format iso`` or ``last -x reboot -F`` -> boot records.

    Returns ``records`` (newest first, as last prints them: kernel, start, raw line) and
    ``begins`` (the "wtmp begins" time: older reboots are not in the file). Times are the
    strings last printed; :func:`last_time_to_epoch` converts them. Output with neither a
    reboot record nor a "begins" line (empty, truncated, an error) raises ParseError.
    """
    records = []
    begins = None
    for line in _lines(text):
        stripped = line.strip()
        match = _BEGINS_RE.match(stripped)
        if match:
            begins, _end = _last_time(match.group(1))
            if begins is None:
                raise ParseError("system.reason.last_time", line=stripped)
            continue
        if not stripped.startswith("reboot "):
            raise ParseError("system.reason.unexpected_line", source="last", line=stripped[:120])
        start, end = _last_time(stripped)
        if start is None:
            raise ParseError("system.reason.last_no_time", line=stripped[:120])
        head = stripped[: stripped.find(start)].split()
        # "reboot system boot <kernel>"; sysvinit's last cuts the kernel at 16 characters
        kernel = head[3] if len(head) > 3 else ""
        records.append({
            "kernel": kernel,
            "start": start,
            "still_running": "still running" in stripped[end:],
            "line": stripped,
        })
    if not records and begins is None:
        raise ParseError("system.reason.last_empty")
    return {"records": records, "begins": begins}


def last_time_to_epoch(value):
    """A time printed by ``last`` -> seconds since the epoch.

    ISO times carry their offset. ``-F`` times ("Thu Nov 20 19:47:13 2025") are the host's
    local time; they are converted with the local time zone of the calling process, which
    is the one ``last`` used when both run on the host with the same TZ.
    """
    if _ISO_TIME_RE.fullmatch(value):
        return iso_to_epoch(value)
    if _FULL_TIME_RE.fullmatch(value):
        parsed = time.strptime(" ".join(value.split()), "%a %b %d %H:%M:%S %Y")
        return float(time.mktime(parsed))
    raise ParseError("system.reason.unreadable_time", value=value)


_ISO_PARTS_RE = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"(Z|[+-]\d\d:?\d\d)?$"
)


def iso_to_epoch(value):
    """ISO-8601 time (``Z``, ``+08:00``, ``+0800``, ``,``/``.`` fractions) -> epoch seconds.

    A time without offset is taken as UTC (the runner stores UTC). Parsed by hand: Python
    3.8's ``datetime.fromisoformat`` knows neither ``Z`` nor ``+0800``.
    """
    match = _ISO_PARTS_RE.match((value or "").strip())
    if not match:
        raise ParseError("system.reason.not_iso", value=value)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    parts = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    epoch = calendar.timegm(parts + (0, 0, 0))
    # timegm accepts 2025-02-30 and 25:00: a valid time survives the round trip
    if tuple(time.gmtime(epoch))[:6] != parts:
        raise ParseError("system.reason.invalid_time", value=value)
    if fraction:
        epoch += float("0." + fraction)
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return float(epoch)


def epoch_to_iso(epoch):
    """Seconds since the epoch -> ``2025-11-20T19:47:13Z`` (UTC, whole seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(round(epoch))))



# --------------------------------------------------------------------------- df

# "Filesystem 1024-blocks Used Available Capacity Mounted on" (-P), with "Type" after the
# first column (-PT); 512-blocks when POSIXLY_CORRECT is set.
_DF_HEADER_RE = re.compile(r"^Filesystem\s+(?P<type>Type\s+)?(?P<unit>\d+)-blocks\s+Used\s+"
                           r"Available\s+Capacity\s+Mounted on$")
_DF_INODES_HEADER_RE = re.compile(r"^Filesystem\s+(?P<type>Type\s+)?Inodes\s+IUsed\s+IFree\s+"
                                  r"IUse%\s+Mounted on$")


def _df_rows(text, header_re, source, numbers):
    """The rows of ``df -P``-style output: (header match, [(device, fstype, ints, mountpoint)]).

    POSIX output keeps each filesystem on one line; the mount point is the rest of the line
    (it may hold spaces). ``numbers`` columns follow the device (and type).
    """
    lines = _lines(text)
    header = header_re.match(lines[0].strip()) if lines else None
    if header is None:
        raise ParseError("system.reason.no_header", source=source, text=_head(text))
    typed = bool(header.group("type"))
    rows = []
    for line in lines[1:]:
        fields = line.split()
        need = 1 + typed + numbers + 2
        if len(fields) < need:
            raise ParseError("system.reason.field_count", source=source, expected=need,
                             count=len(fields), line=line)
        device = fields[0]
        fstype = fields[1] if typed else None
        values = fields[1 + typed:1 + typed + numbers]
        percent = fields[1 + typed + numbers]
        if not re.match(r"^(\d+%|-)$", percent):
            raise ParseError("system.reason.unexpected_line", source=source, line=line)
        ints = [_integer(v, source) for v in values]
        # the mount point is the rest of the line after the percent column
        rest = line.split(None, 1 + typed + numbers + 1)[-1]
        rows.append((device, fstype, ints, rest.strip()))
    return header, rows


def parse_df(text):
    """``df -P`` (or ``df -PT``) -> one entry per filesystem, sizes in bytes.

    ``used_bytes`` and ``avail_bytes`` are df's Used and Available: the statvfs numbers
    ``(f_blocks - f_bfree) * f_frsize`` and ``f_bavail * f_frsize``, so the rules judge both
    alike. ``fstype`` is None without ``-T``.
    """
    header, rows = _df_rows(text, _DF_HEADER_RE, "df -P", 3)
    unit = int(header.group("unit"))
    return [{"device": device, "fstype": fstype, "mountpoint": mountpoint,
             "size_bytes": blocks * unit, "used_bytes": used * unit,
             "avail_bytes": avail * unit}
            for device, fstype, (blocks, used, avail), mountpoint in rows]


def parse_df_inodes(text):
    """``df -Pi`` (or ``df -PiT``) -> one entry per filesystem: inodes total and free."""
    _header, rows = _df_rows(text, _DF_INODES_HEADER_RE, "df -Pi", 3)
    return [{"device": device, "fstype": fstype, "mountpoint": mountpoint,
             "inodes_total": total, "inodes_free": free}
            for device, fstype, (total, _used, free), mountpoint in rows]


def statvfs_entry(mount, frsize, blocks, bfree, bavail, files, ffree):
    """A filesystem entry from statvfs numbers, the same shape and numbers as :func:`parse_df`
    and :func:`parse_df_inodes` give for the same filesystem."""
    return {"device": mount["device"], "fstype": mount["fstype"],
            "mountpoint": mount["mountpoint"], "size_bytes": blocks * frsize,
            "used_bytes": (blocks - bfree) * frsize, "avail_bytes": bavail * frsize,
            "inodes_total": files, "inodes_free": ffree}


# --------------------------------------------------------------------------- processes

_PS_HEADER_RE = re.compile(r"^PID\s+PPID\s+STAT\s+%CPU\s+RSS\s+COMMAND$")


def parse_ps(text):
    """``ps -eo pid,ppid,stat,pcpu,rss,comm`` (procps) -> processes.

    ``%CPU`` is ps's: CPU time over the process's whole life, not over a sample.
    """
    lines = _lines(text)
    if not lines or not _PS_HEADER_RE.match(lines[0].strip()):
        raise ParseError("system.reason.no_header", source="ps", text=_head(text))
    procs = []
    for line in lines[1:]:
        fields = line.split(None, 5)
        if len(fields) != 6 or not fields[2][:1].isalpha():
            raise ParseError("system.reason.unexpected_line", source="ps", line=line)
        procs.append({"pid": _integer(fields[0], "ps pid"), "ppid": _integer(fields[1], "ps ppid"),
                      "state": fields[2][0], "cpu_pct": _number(fields[3], "ps %CPU"),
                      "rss_kb": _integer(fields[4], "ps rss"), "comm": fields[5].strip()})
    if not procs:
        raise ParseError("reason.empty", source="ps")
    return procs


def _zombies(procs):
    """Zombies (state Z) with their parents' names, in pid order."""
    by_pid = {p["pid"]: p for p in procs}
    zombies = []
    for proc in sorted(procs, key=lambda p: p["pid"]):
        if proc["state"] == "Z":
            parent = by_pid.get(proc["ppid"])
            zombies.append({"pid": proc["pid"], "comm": proc["comm"], "ppid": proc["ppid"],
                            "parent_comm": parent["comm"] if parent else None})
    return zombies


MAX_ZOMBIES_LISTED = 200


def process_section(rows, top_n, mem_total_kb=None, cmdlines=None):
    """The process table's summary from rows {pid, ppid, state, comm, cpu_pct, rss_kb}."""
    cmdlines = cmdlines or {}

    def describe(row):
        return {"pid": row["pid"], "comm": row["comm"], "cpu_pct": row["cpu_pct"],
                "rss_kb": row["rss_kb"],
                "mem_pct": round(100.0 * row["rss_kb"] / mem_total_kb, 1)
                if mem_total_kb else None,
                "args": cmdlines.get(str(row["pid"]), "")}

    by_cpu = sorted(rows, key=lambda r: (-r["cpu_pct"], r["pid"]))[:top_n]
    by_mem = sorted(rows, key=lambda r: (-r["rss_kb"], r["pid"]))[:top_n]
    zombies = _zombies(rows)
    return {"count": len(rows), "complete": True,
            "top_cpu": [describe(r) for r in by_cpu], "top_memory": [describe(r) for r in by_mem],
            "zombie_count": len(zombies), "zombies": zombies[:MAX_ZOMBIES_LISTED]}


def sampled_processes(sample, mem_total_kb=None, top_n=5):
    """The collector's two snapshots of every ``/proc/<pid>/stat`` -> the process section.

    ``sample``: {"first": [stat lines], "second": [stat lines], "interval": seconds,
    "clk_tck": ticks per second, "page_size": bytes, "cmdlines": {pid: args}}. CPU % is the
    process's user + system ticks between the snapshots (a process started meanwhile counts
    from its start), in percent of one CPU.
    """
    def table(lines):
        procs, bad = {}, 0
        for line in lines or []:
            try:
                proc = parse_pid_stat(line)
            except ParseError:
                bad += 1
                continue
            procs[proc["pid"]] = proc
        return procs, bad

    first, _ = table(sample.get("first"))
    second, bad = table(sample.get("second"))
    if not second:
        raise ParseError("system.reason.no_process")
    interval = float(sample.get("interval") or 0)
    tick = float(sample.get("clk_tck") or 100)
    page_kb = int(sample.get("page_size") or 4096) // 1024
    rows = []
    for pid, proc in second.items():
        before = first.get(pid)
        ticks = proc["utime"] + proc["stime"]
        if before is not None and before["starttime"] == proc["starttime"]:
            ticks -= before["utime"] + before["stime"]
        cpu_pct = 100.0 * max(ticks, 0) / tick / interval if interval > 0 else 0.0
        rows.append({"pid": pid, "ppid": proc["ppid"], "state": proc["state"],
                     "comm": proc["comm"], "cpu_pct": round(cpu_pct, 1),
                     "rss_kb": proc["rss_pages"] * page_kb})
    section = process_section(rows, top_n, mem_total_kb, sample.get("cmdlines"))
    section.update(unreadable=bad, sample_seconds=round(interval, 2))
    return section


# --------------------------------------------------------------------------- network

# The columns error and drop counters must come from (dev_seq_printf_stats in the kernel's
# net/core/net-procfs.c, net/core/dev.c before 3.x): "rx_" + a receive column, "tx_" + a
# transmit one.
NET_DEV_REQUIRED = ("rx_bytes", "rx_packets", "rx_errs", "rx_drop", "rx_fifo", "rx_frame",
                    "tx_bytes", "tx_packets", "tx_errs", "tx_drop", "tx_fifo", "tx_colls",
                    "tx_carrier")
_NET_DEV_NO_STATS_RE = re.compile(r"^\s*(?P<name>\S+?):\s*No statistics available\.?\s*$")


def _net_dev_columns(line):
    """The second header line (`` face |bytes packets ...|bytes packets ...``) -> column
    names, ``rx_``/``tx_`` prefixed, in order."""
    parts = line.split("|")
    if len(parts) != 3 or parts[0].strip() != "face":
        raise ParseError("system.reason.no_header", source="/proc/net/dev", text=line[:120])
    columns = ["rx_" + n for n in parts[1].split()] + ["tx_" + n for n in parts[2].split()]
    for name in NET_DEV_REQUIRED:
        if name not in columns:
            raise ParseError("system.reason.net_dev_column", column=name, line=line.strip())
    return columns


def parse_net_dev(text):
    """``/proc/net/dev`` -> one entry per interface, in the kernel's order.

    Each entry: ``interface`` and every column the header names, ``rx_``/``tx_`` prefixed
    (``rx_errs``, ``rx_drop``, ``rx_fifo``, ``rx_frame``, ``tx_colls``, ``tx_carrier``, ...).
    The kernel sums some counters into one column: ``rx_drop`` is rx_dropped +
    rx_missed_errors, ``rx_frame`` is rx_length + rx_over + rx_crc + rx_frame errors,
    ``tx_carrier`` is tx_carrier + tx_aborted + tx_window + tx_heartbeat errors.

    Counters are kept as the kernel prints them, whatever their size (64-bit, or 32-bit ones
    that wrap: the deltas treat a counter that went down as restarted). The name is what
    precedes the colon that 16 numbers follow (``eth0.100``, ``bond0``; 2.6-era kernels join
    a long byte count to it: ``eth0:1234567890``). A device without statistics (2.6 prints
    ``No statistics available.``) gets ``statistics: False``. Several dumps one after the
    other: the last one counts.
    """
    lines = _lines(text)
    if not lines:
        raise ParseError("reason.empty", source="/proc/net/dev")
    start = None
    for index, line in enumerate(lines):
        if line.startswith("Inter-|"):
            start = index  # the last dump's header
    if start is None:
        raise ParseError("system.reason.no_header", source="/proc/net/dev", text=_head(text))
    if start + 1 >= len(lines) or "|" not in lines[start + 1]:
        raise ParseError("system.reason.net_dev_header")
    columns = _net_dev_columns(lines[start + 1])
    line_re = re.compile(r"^\s*(?P<name>\S+?):\s*(?P<numbers>\d+(?:\s+\d+){"
                         + str(len(columns) - 1) + r"})\s*$")
    entries = []
    for line in lines[start + 2:]:
        match = line_re.match(line)
        if match:
            values = [int(v) for v in match.group("numbers").split()]
            entry = {"interface": match.group("name")}
            entry.update(zip(columns, values))
            entries.append(entry)
            continue
        match = _NET_DEV_NO_STATS_RE.match(line)
        if match:
            entries.append({"interface": match.group("name"), "statistics": False})
            continue
        name, colon, rest = line.strip().partition(":")
        if colon and re.match(r"^[\d\s]+$", rest.strip() or "x"):
            raise ParseError("system.reason.field_count", source="/proc/net/dev",
                             expected=len(columns), count=len(rest.split()), line=line.strip())
        raise ParseError("system.reason.unexpected_line", source="/proc/net/dev",
                         line=line.strip()[:120])
    if not entries:
        raise ParseError("system.reason.no_interfaces")
    return entries


def _net_links(value):
    """The collector's ``net_sysfs`` ({iface: {counter: int, "operstate": str,
    "carrier_changes": int | None}}) checked: a failure section when it is not that."""
    links = {}
    for name, item in sorted(value.items()):
        if not isinstance(item, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) for k, v in item.items()
                if k not in ("operstate", "carrier_changes", "carrier_changes_error")):
            return {"error": msg("system.reason.net_sysfs", iface=name),
                    "cause": "not_understood"}
        links[name] = dict(item)
    return links


def _network(raw, data):
    """``net_dev`` (/proc/net/dev) and ``net_links`` (the collector's sysfs reads)."""
    net_dev = _parse(raw, "net_dev", parse_net_dev)
    if net_dev is not None:
        data["net_dev"] = net_dev if is_failure(net_dev) else {"interfaces": net_dev}
    value = raw.get("net_sysfs")
    if value is None:
        return
    if is_failure(value):
        data["net_links"] = failure(value)
    elif isinstance(value, dict):
        data["net_links"] = _net_links(value)
    else:
        data["net_links"] = {"error": msg("system.reason.net_sysfs", iface="?"),
                             "cause": "not_understood"}


# --------------------------------------------------------------------------- all sources


def split_stat_samples(text):
    """One or more ``/proc/stat`` dumps one after the other -> the text of each.

    Each dump starts with its aggregate ``cpu`` line; an engineer who ran ``cat /proc/stat;
    sleep 5; cat /proc/stat`` gave two samples.
    """
    samples = []
    current = []
    for line in (text or "").splitlines():
        if line.split()[:1] == ["cpu"] and any(
                part.split()[:1] == ["cpu"] for part in current):
            samples.append("\n".join(current))
            current = []
        current.append(line)
    samples.append("\n".join(current))
    return samples


def parse_timedatectl(text):
    """``timedatectl show`` (systemd 239+) or ``timedatectl``/``timedatectl status`` output
    -> {"synchronized": bool, "format": "show" | "status", "ntp_service": ...}."""
    lines = _lines(text)
    if any(line.strip().startswith("NTPSynchronized=") for line in lines) or not any(
            "synchronized:" in line for line in lines):
        result = parse_timedatectl_show(text)
        result["format"] = "show"
        return result
    result = parse_timedatectl_status(text)
    result["format"] = "status"
    return result


def _stat(raw, data, context):
    value = raw.get("stat")
    if value is None:
        return None
    if is_failure(value):
        section = failure(value)
        data["cpu"] = section
        return section
    if isinstance(value, dict):  # the collector's two timed samples
        texts, interval = value.get("samples") or [], value.get("interval")
    else:  # an engineer's capture: one dump, or several one after the other
        texts, interval = split_stat_samples(value), None
    try:
        samples = [parse_proc_stat(t) for t in texts]
        if not samples:
            raise ParseError("system.reason.no_cpu_line")
    except ParseError as exc:
        data["cpu"] = failure(exc)
        return data["cpu"]
    data["cpu_count"] = samples[-1]["cpu_count"]
    if len(samples) < 2:
        data["cpu"] = {"error": msg("system.reason.one_sample"), "cause": "incomplete"}
    else:
        try:
            data["cpu"] = cpu_usage_between(samples[0], samples[-1])
            data["cpu"]["sample_seconds"] = round(interval, 2) if interval else None
        except ParseError as exc:
            data["cpu"] = failure(exc)
    return samples[0]


def _boot(raw, data, context, first_stat):
    """When the host booted: btime, else now minus /proc/uptime, else the running boot's
    record in ``last`` (whichever source there is)."""
    now = context.get("now")
    reasons = []
    if first_stat is not None and not is_failure(first_stat) and first_stat.get("btime"):
        data["boot_time_epoch"] = float(first_stat["btime"])
        data["boot_time_source"] = "btime in /proc/stat"
    elif is_failure(first_stat):
        reasons.append(first_stat)
    uptime = _parse(raw, "uptime", parse_uptime)
    if uptime is not None:
        data["uptime"] = uptime
        if is_failure(uptime):
            reasons.append(uptime)
        elif "boot_time_epoch" not in data and now is not None:
            data["boot_time_epoch"] = now - uptime["uptime_seconds"]
            data["boot_time_source"] = "now minus /proc/uptime"
    reboots = data.get("reboots")
    if "boot_time_epoch" not in data and reboots and not is_failure(reboots):
        running = [r for r in reboots["records"] if r["still_running"]]
        if running:
            data["boot_time_epoch"] = running[0]["start_epoch"]
            data["boot_time_source"] = "the running boot in last -x -F reboot"
    if "boot_time_epoch" in data:
        data["boot_time"] = epoch_to_iso(data["boot_time_epoch"])
    elif first_stat is not None or uptime is not None or reboots is not None:
        data["boot_error"] = reasons[0] if reasons else {
            "error": msg("system.reason.no_boot_time"), "cause": "incomplete"}


def _reboots(raw):
    def parse(text):
        result = parse_last_reboot(text)
        for record in result["records"]:
            record["start_epoch"] = last_time_to_epoch(record["start"])
        result["begins_epoch"] = (last_time_to_epoch(result["begins"])
                                  if result["begins"] else None)
        return result

    return _parse(raw, "last_reboot", parse)


def _filesystems(raw, data):
    """data["filesystems"] from the collector's statvfs numbers, or from df -P / df -Pi."""
    looked = raw.get("statvfs")
    if looked is not None:
        if is_failure(looked):
            data["filesystems"] = failure(looked)
        else:
            data["filesystems"] = {"entries": list(looked.get("entries", [])),
                                   "skipped_count": looked.get("skipped_count", 0)}
        return
    usage = _parse(raw, "df", parse_df)
    inodes = _parse(raw, "df_inodes", parse_df_inodes)
    if usage is None and inodes is None:
        return
    if is_failure(usage) or (usage is None and is_failure(inodes)):
        data["filesystems"] = usage if is_failure(usage) else inodes
        return
    entries = {}  # by mount point: df -P's numbers and df -Pi's of the same filesystem
    for entry in (usage or []) + ([] if is_failure(inodes) else inodes or []):
        merged = entries.setdefault(entry["mountpoint"], {})
        for name, value in entry.items():
            if value is not None or name not in merged:  # df -Pi without -T: keep -PT's type
                merged[name] = value
    section = {"entries": list(entries.values()), "skipped_count": 0}
    if usage is None:
        section["usage_error"] = {"error": msg("system.reason.no_usage_source"),
                                  "cause": "incomplete"}
    if inodes is None:
        section["inodes_error"] = {"error": msg("system.reason.no_inode_source"),
                                   "cause": "incomplete"}
    elif is_failure(inodes):
        section["inodes_error"] = inodes
    data["filesystems"] = section


def _fstab(raw, context):
    path = context.get("fstab_path") or "/etc/fstab"
    value = raw.get("fstab")
    if value is None:
        return None
    if is_failure(value):
        section = failure(value)
        section.setdefault("path", path)
        if section.get("missing"):
            section.update(entries=[], bad_lines=[])
        return section
    result = parse_fstab(value)
    result["path"] = path
    return result


HIDEPID_VALUES = ("hidepid=1", "hidepid=2", "hidepid=invisible", "hidepid=noaccess")


def _processes(raw, data, context):
    top_n = int(context.get("top_n") or 5)
    memory = data.get("memory")
    mem_total = None if memory is None or is_failure(memory) else memory["mem_total_kb"]
    value = raw.get("processes")
    if value is not None:
        if is_failure(value):
            return failure(value)
        try:
            section = sampled_processes(value, mem_total, top_n)
        except ParseError as exc:
            return failure(exc)
        mounts = (data.get("mounts") or {}).get("entries") or []
        if value.get("euid", 0) != 0 and any(
                m["mountpoint"] == "/proc" and any(o in HIDEPID_VALUES for o in m["options"])
                for m in mounts):
            section["complete"] = False
            section["incomplete_reason"] = msg("system.reason.hidepid")
        return section
    procs = _parse(raw, "ps", parse_ps)
    if procs is None or is_failure(procs):
        return procs
    section = process_section(procs, top_n, mem_total)
    section["cpu_over"] = "lifetime"  # ps's %CPU: over each process's life, not a sample
    return section


def _systemd(raw):
    pid1 = raw.get("pid1")
    failed = raw.get("failed_units")
    if pid1 is None and failed is None:
        return None
    if pid1 is not None and not is_failure(pid1) and not pid1.get("running", True):
        return {"running": False, "pid1": pid1.get("comm")}
    section = {"running": True,
               "pid1": pid1.get("comm") if pid1 is not None and not is_failure(pid1) else None}
    if failed is None:
        section.update(error=msg("reason.not_collected"), cause="incomplete")
        return section
    if is_failure(failed):
        section.update(failure(failed))
        return section
    try:
        section["failed_units"] = parse_systemctl_failed(failed)
    except ParseError as exc:
        section.update(failure(exc))
        return section
    state = raw.get("system_state")
    section["state"] = None
    if isinstance(state, str):
        try:
            section["state"] = parse_is_system_running(state)
        except ParseError as exc:
            section["state_error"] = exc.message
    section["details"] = {}
    details = raw.get("unit_details")
    if isinstance(details, str):
        try:
            for block in parse_systemctl_show(details):
                if block.get("Id"):
                    section["details"][block["Id"]] = block
        except ParseError as exc:
            section["details_error"] = exc.message
    return section


def _yes_no(value):
    return msg("system.word.yes" if value else "system.word.no")


def time_answer(tool, text):
    """(synchronized, answer message, values) of one time-sync tool's output (``tool``:
    timedatectl, chronyc or ntpq); ParseError when it is not understood."""
    if tool == "timedatectl":
        result = parse_timedatectl(text)
        synced = result["synchronized"]
        if result["format"] == "show":
            value = "yes" if synced else "no"
            return synced, msg("system.time.ntp_synchronized", value=value), {}
        if result.get("ntp_service"):
            return synced, msg("system.time.status_service", synced=_yes_no(synced),
                               service=result["ntp_service"]), {}
        return synced, msg("system.time.status", synced=_yes_no(synced)), {}
    if tool == "chronyc":
        result = parse_chronyc_tracking(text)
        offset = "" if result["offset_seconds"] is None else msg(
            "system.time.chronyc_offset", offset=f"{result['offset_seconds']:+.6f}")
        stratum = "" if result["stratum"] is None else msg(
            "system.time.chronyc_stratum", stratum=result["stratum"])
        return result["synchronized"], msg(
            "system.time.chronyc", leap=result["leap_status"], offset=offset, stratum=stratum), {
            "offset_seconds": result["offset_seconds"], "stratum": result["stratum"],
            "reference": result["reference"]}
    result = parse_ntpq_peers(text)
    if result["synchronized"]:
        peer = next(p for p in result["peers"] if p["remote"] == result["sys_peer"])
        return True, msg("system.time.ntpq_peer", peer=peer["remote"], stratum=peer["stratum"],
                         offset=peer["offset_ms"]), {
            "sys_peer": peer["remote"], "offset_ms": peer["offset_ms"]}
    return False, msg("system.time.ntpq_no_peer", count=len(result["peers"])), {}


TIME_SYNC_TOOLS = ("timedatectl", "chronyc", "ntpq")


def _time_sync(raw, context):
    tools = [t for t in (context.get("time_sync_tools") or TIME_SYNC_TOOLS) if t in raw]
    tools += [t for t in TIME_SYNC_TOOLS if t in raw and t not in tools]
    if not tools:
        return None
    answers, errors = [], []
    for tool in tools:
        value = raw[tool]
        if is_failure(value):
            section = failure(value)
            errors.append({"tool": tool, "reason": section["error"], "cause": section["cause"]})
            continue
        try:
            synced, answer, values = time_answer(tool, value)
        except ParseError as exc:
            errors.append({"tool": tool, "reason": exc.message, "cause": "not_understood"})
            continue
        answers.append({"tool": tool, "synchronized": synced, "answer": answer,
                        "values": values})
    return {"answers": answers, "errors": errors}


def parse_sources(raw, context=None):
    """The raw outputs of the system area -> the data its rules judge (pure, never judges).

    ``raw`` maps a source key (see registry.SOURCES) to its text, or to ``{"error": message,
    "cause": cause}`` when it could not be gathered; a key that is absent was not collected,
    and the sections it feeds are absent too. Keys:

    ``loadavg``, ``meminfo``, ``mounts``, ``fstab`` (``"missing": True`` beside the error
    when there is none), ``df`` (``df -P``/``df -PT``), ``df_inodes`` (``df -Pi``),
    ``last_reboot`` (``last -x -F reboot`` or ``--time-format iso``), ``failed_units``
    (``systemctl list-units --failed``), ``timedatectl`` (``timedatectl show`` or
    ``timedatectl status``), ``chronyc`` (``chronyc tracking``), ``ntpq`` (``ntpq -pn``),
    ``ps`` (``ps -eo pid,ppid,stat,pcpu,rss,comm``), ``net_dev`` (``/proc/net/dev``): the
    command's output;
    ``stat``: ``/proc/stat`` (one dump: boot time and CPUs; several one after the other: also
    the CPU use between the first and the last), or the collector's
    ``{"samples": [text, text], "interval": seconds}``.

    The collector also gives: ``uptime`` (``/proc/uptime``), ``statvfs`` ({"entries": [as
    :func:`statvfs_entry`, or {mountpoint, device, fstype, error}], "skipped_count": n}),
    ``processes`` (see :func:`sampled_processes`, plus ``euid``), ``pid1`` ({"comm",
    "running"}), ``system_state`` (``systemctl is-system-running``), ``unit_details``
    (``systemctl show``), ``net_sysfs`` ({interface: {statistics counter: int, "operstate":
    str, "carrier_changes": int or None}} from /sys/class/net, ignored interfaces left out).

    ``context``: ``now`` (epoch seconds), ``fstab_path``, ``top_n``, ``time_sync_tools``
    (the order answers are listed in), ``cpu_count`` (used when no /proc/stat is given).
    """
    context = context or {}
    data = {}
    first_stat = _stat(raw, data, context)
    if "cpu_count" not in data and context.get("cpu_count"):
        data["cpu_count"] = context["cpu_count"]
    reboots = _reboots(raw)
    if reboots is not None:
        data["reboots"] = reboots
    _boot(raw, data, context, first_stat)
    for key, name, parser in (("loadavg", "loadavg", parse_loadavg),
                              ("meminfo", "memory", parse_meminfo)):
        section = _parse(raw, key, parser)
        if section is not None:
            data[name] = section
    mounts = _parse(raw, "mounts", parse_mounts)
    if mounts is not None:
        data["mounts"] = mounts if is_failure(mounts) else {"entries": mounts}
    fstab = _fstab(raw, context)
    if fstab is not None:
        data["fstab"] = fstab
    _filesystems(raw, data)
    _network(raw, data)
    for name, section in (("processes", _processes(raw, data, context)),
                          ("systemd", _systemd(raw)),
                          ("time_sync", _time_sync(raw, context))):
        if section is not None:
            data[name] = section
    return data
