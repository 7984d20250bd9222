# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers for the Linux host-state inspection (``weibao_inspect_system``).

Each ``parse_*`` function turns the text of one file or one command's output into plain data
and raises :class:`ParseError` (with a reason a person can read) when the text is empty,
truncated or not in a format it knows. Nothing here reads files, runs commands or judges:
the module collects, ``rules/system.py`` judges.

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
  (sysvinit-tools on RHEL 7, times in the host's local time zone).
"""

from __future__ import annotations

import calendar
import re
import time


class ParseError(ValueError):
    """The text is empty, truncated or in a format this parser does not know."""


# --------------------------------------------------------------------------- helpers


def _lines(text):
    if text is None:
        raise ParseError("no output")
    return [line for line in text.splitlines() if line.strip()]


def _head(text, limit=120):
    """The start of ``text`` for an error message."""
    return (text or "").strip()[:limit]


def _number(token, what):
    try:
        return float(token)
    except ValueError:
        raise ParseError(f"{what}: {token!r} is not a number") from None


def _integer(token, what):
    try:
        return int(token)
    except ValueError:
        raise ParseError(f"{what}: {token!r} is not an integer") from None


_OCTAL_ESCAPE_RE = re.compile(r"\\([0-7]{3})")


def decode_octal_escapes(field):
    """Decode the kernel's and fstab's octal escapes (``\\040`` space, ``\\011`` tab, ...)."""
    return _OCTAL_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 8)), field)


# --------------------------------------------------------------------------- /proc


def parse_uptime(text):
    """``/proc/uptime``: ``"476.74 892.14"`` -> seconds since boot and idle seconds."""
    lines = _lines(text)
    if len(lines) != 1:
        raise ParseError(f"/proc/uptime: expected one line, got {len(lines)}")
    fields = lines[0].split()
    if len(fields) != 2:
        raise ParseError(f"/proc/uptime: expected two numbers, got {lines[0]!r}")
    uptime = _number(fields[0], "/proc/uptime")
    idle = _number(fields[1], "/proc/uptime")
    if uptime < 0 or idle < 0:
        raise ParseError(f"/proc/uptime: negative value in {lines[0]!r}")
    return {"uptime_seconds": uptime, "idle_seconds": idle}


_LOADAVG_RE = re.compile(
    r"^(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+)/(\d+)\s+(\d+)$"
)


def parse_loadavg(text):
    """``/proc/loadavg``: ``"0.10 0.14 0.08 1/86 3957"``."""
    lines = _lines(text)
    if len(lines) != 1:
        raise ParseError(f"/proc/loadavg: expected one line, got {len(lines)}")
    match = _LOADAVG_RE.match(lines[0].strip())
    if not match:
        raise ParseError(f"/proc/loadavg: unexpected format {lines[0]!r}")
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
                raise ParseError(
                    f"/proc/stat: the cpu line has {len(values)} counters, expected at least 4"
                )
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
                raise ParseError(f"/proc/stat: unexpected btime line {line!r}")
            btime = _integer(fields[1], "/proc/stat btime")
    if cpu is None:
        raise ParseError("/proc/stat: no aggregate cpu line")
    if cpu_count == 0:
        raise ParseError("/proc/stat: no per-CPU lines (truncated?)")
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
        raise ParseError("/proc/stat: the CPU counters did not advance between the two samples")
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
            raise ParseError(f"/proc/meminfo: unexpected line {line!r}")
        fields[match.group(1)] = int(match.group(2))
    for name in ("MemTotal", "MemFree", "SwapTotal", "SwapFree"):
        if name not in fields:
            raise ParseError(f"/proc/meminfo: {name} missing (truncated?)")
    if fields["MemTotal"] <= 0:
        raise ParseError("/proc/meminfo: MemTotal is 0")
    if "MemAvailable" in fields:
        available = fields["MemAvailable"]
        source = "MemAvailable"
    else:
        missing = [n for n in ("Buffers", "Cached") if n not in fields]
        if missing:
            raise ParseError("/proc/meminfo: neither MemAvailable nor " + ", ".join(missing))
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
            raise ParseError(f"/proc/mounts: expected 6 fields, got {len(fields)} in {line!r}")
        options = fields[3].split(",")
        mounts.append({
            "device": decode_octal_escapes(fields[0]),
            "mountpoint": decode_octal_escapes(fields[1]),
            "fstype": fields[2],
            "options": options,
            "readonly": "ro" in options,
        })
    if not mounts:
        raise ParseError("/proc/mounts: empty")
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
        raise ParseError(f"/proc/<pid>/stat: no (comm) in {line[:80]!r}")
    pid = _integer(line[:open_paren].strip(), "/proc/<pid>/stat pid")
    rest = line[close_paren + 1:].split()
    # state is field 3 of proc(5); rest[0] is field 3, so field N is rest[N - 3]
    if len(rest) < 22:
        raise ParseError(
            f"/proc/<pid>/stat: {len(rest)} fields after comm, expected at least 22 (pid {pid})"
        )
    state = rest[0]
    if len(state) != 1 or not state.isalpha():
        raise ParseError(f"/proc/<pid>/stat: bad state {state!r} (pid {pid})")
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
        raise ParseError("/proc/<pid>/stat: no processes")
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
        raise ParseError("no output")
    units = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _LEGEND_RE.match(stripped):
            continue
        fields = stripped.split()
        if fields[0] in _BULLETS:
            fields = fields[1:]
        if len(fields) < 4:
            raise ParseError(f"systemctl --failed: unexpected line {line!r}")
        unit, load, active, sub = fields[:4]
        if load not in _LOAD_STATES or active not in _ACTIVE_STATES:
            raise ParseError(f"systemctl --failed: unexpected line {line!r}")
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
        raise ParseError(f"systemctl is-system-running: unexpected output {_head(text)!r}")
    return lines[0].strip()


def parse_systemctl_show(text):
    """``systemctl show -p A,B unit1 unit2`` -> one dict per unit (blocks split by blank lines)."""
    if text is None:
        raise ParseError("no output")
    blocks = []
    current = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        if "=" not in line:
            raise ParseError(f"systemctl show: unexpected line {line!r}")
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
                raise ParseError(f"timedatectl show: NTPSynchronized={value!r}")
            return {"synchronized": _YES_NO[value]}
    raise ParseError(f"timedatectl show: no NTPSynchronized property in {_head(text)!r}")


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
                raise ParseError(f"timedatectl status: {key}: {value!r}")
            service = fields.get("NTP service", fields.get("NTP enabled"))
            return {
                "synchronized": _YES_NO[value],
                "ntp_service": service,
                "time_zone": fields.get("Time zone"),
            }
    raise ParseError(f"timedatectl status: no 'synchronized' line in {_head(text)!r}")


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
        raise ParseError(f"chronyc tracking: no 'Leap status' in {_head(text)!r}")
    if leap not in _LEAP_SYNCED:
        raise ParseError(f"chronyc tracking: unknown leap status {leap!r}")
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
        raise ParseError(f"ntpq -p: no peers header in {_head(text)!r}")
    body = [line for line in lines[header + 1:] if not set(line.strip()) <= {"="}]
    peers = []
    pending = None
    for line in body:
        if pending is not None:
            line = pending + " " + line.strip()
            pending = None
        tally = line[0]
        if tally not in _NTPQ_TALLY:
            raise ParseError(f"ntpq -p: unexpected tally code in {line!r}")
        fields = line[1:].split()
        if len(fields) == 1:
            # a long remote (IPv6, long host name) wraps onto the next line
            pending = line
            continue
        if len(fields) != 10:
            raise ParseError(f"ntpq -p: expected 10 columns, got {len(fields)} in {line!r}")
        stratum = _integer(fields[2], "ntpq stratum")
        reach = fields[6]
        if not re.match(r"^[0-7]{1,3}$", reach):
            raise ParseError(f"ntpq -p: reach {reach!r} is not octal")
        peers.append({
            "tally": tally.strip(),
            "remote": fields[0],
            "refid": fields[1],
            "stratum": stratum,
            "reach": reach,
            "offset_ms": _number(fields[8], "ntpq offset"),
        })
    if pending is not None:
        raise ParseError(f"ntpq -p: truncated after {pending.strip()!r}")
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
                raise ParseError(f"last: unreadable time in {stripped!r}")
            continue
        if not stripped.startswith("reboot "):
            raise ParseError(f"last: unexpected line {stripped[:120]!r}")
        start, end = _last_time(stripped)
        if start is None:
            raise ParseError(f"last: no -F or ISO time in {stripped[:120]!r}")
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
        raise ParseError("last: no reboot records and no 'begins' line")
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
    raise ParseError(f"unreadable time {value!r}")


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
        raise ParseError(f"not an ISO-8601 time: {value!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    parts = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    epoch = calendar.timegm(parts + (0, 0, 0))
    # timegm accepts 2025-02-30 and 25:00: a valid time survives the round trip
    if tuple(time.gmtime(epoch))[:6] != parts:
        raise ParseError(f"not a valid time: {value!r}")
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

