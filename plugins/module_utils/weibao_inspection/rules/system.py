# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the Linux host state collected by ``weibao_inspect_system``.

:func:`evaluate` takes the module's ``data`` dict (parsed values; a section that could not be
read is ``{"error": "reason"}``) and the thresholds, and returns the findings. Each
``check_*`` function handles one check id and can be called on its own (the unit tests do).

Check ids and what they judge (thresholds: :data:`DEFAULT_THRESHOLDS`):

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

Failed units are a *warning*, not critical: systemd marks a crashed database and a
one-shot helper that failed at boot alike, and the inspection cannot tell which matters to
the client; the engineer escalates in the report.
"""

from __future__ import annotations

import fnmatch
import re

from ansible.module_utils.weibao_inspection.findings import judge, make_finding, unknown
from ansible.module_utils.weibao_inspection.parsers.linux_system import epoch_to_iso
from ansible.module_utils.weibao_inspection.rules.common import STRERROR_ZH, section_error

# {check: {"warning": x, "critical": y}}; a level set to None is disabled.
DEFAULT_THRESHOLDS = {
    "load": {"warning": 1.5, "critical": 3.0},  # 15-minute load average per CPU
    "cpu_utilisation": {"warning": 85, "critical": 95},  # percent busy
    "io_wait": {"warning": 20, "critical": 40},  # percent of CPU time waiting for I/O
    "memory": {"warning": 90, "critical": 97},  # percent used, cache excluded
    "swap": {"warning": 50, "critical": 80},  # percent used
    "filesystem_usage": {"warning": 85, "critical": 95},  # percent used (df's Use%)
    "filesystem_inodes": {"warning": 85, "critical": 95},  # percent of inodes used
    "zombie_processes": {"warning": 5, "critical": 50},  # number of zombies
}

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

# A ``since`` this far after the host's clock means one of the two clocks is wrong.
CLOCK_SLACK_SECONDS = 300


class ThresholdError(ValueError):
    """Thresholds given by the user do not fit :data:`DEFAULT_THRESHOLDS`."""


def merge_thresholds(overrides=None):
    """Defaults updated with ``overrides`` (partial dicts allowed); numbers checked."""
    merged = {name: dict(levels) for name, levels in DEFAULT_THRESHOLDS.items()}
    for name, levels in (overrides or {}).items():
        if name not in merged:
            raise ThresholdError(
                f"thresholds: unknown check {name!r}; known: {', '.join(sorted(merged))}"
            )
        if not isinstance(levels, dict):
            raise ThresholdError(f"thresholds.{name}: expected a dict with warning/critical")
        for level, value in levels.items():
            if level not in ("warning", "critical"):
                raise ThresholdError(f"thresholds.{name}: unknown level {level!r}")
            if value is None or value == "":
                merged[name][level] = None
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ThresholdError(
                    f"thresholds.{name}.{level}: {value!r} is not a number"
                ) from None
            merged[name][level] = int(number) if number.is_integer() else number
    return merged


_error = section_error


def _size(num_bytes):
    value = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} PiB"


def _duration(seconds, units=("d", "h", "min")):
    day, hour, minute = units
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} {day} {hours} {hour}"
    if hours:
        return f"{hours} {hour} {minutes} {minute}"
    return f"{minutes} {minute}"


def _duration_zh(seconds):
    return _duration(seconds, ("天", "小时", "分钟"))


# The collector module (weibao_inspect_system) and the parsers (parsers/linux_system.py) say
# in English why a section could not be read. _zh() renders every reason they write in
# Chinese; paths, commands, numbers and values stay as they are. Text that comes from the
# host or a tool verbatim (a command's error output, an exception's message, a value that
# was not understood) is quoted “…” as it is, never translated by guesswork.
_REASONS_ZH = {
    "not collected": "未采集",
    "not installed": "未安装",
    "boot time not available": "无法获得开机时间",
    "last is not installed": "未安装 last 命令",
    "no process readable in /proc": "/proc 中没有可读取的进程",
    "unknown reason": "原因未知",
    "no output": "没有输出",
    "empty": "内容为空",
    "no aggregate cpu line": "没有汇总的 cpu 行",
    "no per-CPU lines (truncated?)": "没有各个 CPU 的行（内容可能被截断）",
    "MemTotal is 0": "MemTotal 为 0",
    "no processes": "没有进程",
    "no reboot records and no 'begins' line": "既没有重启记录，也没有 'begins' 行",
    **STRERROR_ZH,
}


def _quoted(text, strip_repr=False):
    """``text`` verbatim in “…”; ``strip_repr`` drops the quotes of a Python repr first."""
    text = str(text).strip()
    if strip_repr and len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return f"“{text}”"


def _value(match, name="value"):
    return _quoted(match.group(name), strip_repr=True)


def _exited_zh(match):
    """'<command> exited N: <output>' and 'exit N: <output>' (a command's first line)."""
    head = f"{match.group('cmd')} 退出码" if match.group("cmd") else "退出码"
    out = match.group("out").strip()
    if not out or out == "no output":
        return f"{head} {match.group('rc')}，没有输出"
    return f"{head} {match.group('rc')}：{_quoted(out)}"


def _internal_zh(match):
    message = (match.group("message") or "").strip()
    text = f"{match.group('func')} 中发生内部错误：{match.group('exc')}"
    return f"{text}：{_quoted(message)}" if message else text


_NO_WHAT_ZH = {
    "NTPSynchronized property": " NTPSynchronized 属性",
    "'synchronized' line": " 'synchronized' 行",
    "'Leap status'": " 'Leap status' 字段",
    "peers header": "对等体列表的表头",
}

# (pattern, Chinese): the Chinese is a format string of the named groups, or a function of
# the match. Values in a parser's message are Python reprs ('...'): they are quoted “…”.
_REASON_PATTERNS = tuple((re.compile(pattern), zh) for pattern, zh in (
    # the collector
    (r"^cannot read (?P<path>\S+): (?P<why>.+)$",
     lambda m: f"无法读取 {m.group('path')}：{_zh(m.group('why'))}"),
    (r"^cannot read (?P<path>\S+)$", "无法读取 {path}"),
    (r"^cannot list (?P<path>\S+): (?P<why>.+)$",
     lambda m: f"无法列出 {m.group('path')}：{_zh(m.group('why'))}"),
    (r"^internal error in (?P<func>\S+): (?P<exc>[\w.]+)(?::\s*(?P<message>.*))?$", _internal_zh),
    (r"^statvfs did not answer within (?P<seconds>\d+) s \(hung network filesystem\?\)$",
     "statvfs 在 {seconds} 秒内没有响应（网络文件系统可能已挂起）"),
    (r"^/proc is mounted with (?P<option>hidepid\S*)(?P<root> and the module does not run as "
     r"root \(use become\))?$",
     lambda m: f"/proc 以 {m.group('option')} 选项挂载" + (
         "，而模块未以 root 身份运行（请使用 become）" if m.group("root") else "")),
    (r"^(?P<path>\S+) does not exist$", "{path} 不存在"),
    (r"^(?P<cmd>\S+) is not installed$", "未安装 {cmd} 命令"),
    (r"^systemctl not found although systemd runs \(PID 1: (?P<pid1>.*)\)$",
     "systemd 正在运行（PID 1：{pid1}），但找不到 systemctl 命令"),
    (r"^(?P<cmd>[^:]+?) exited (?P<rc>-?\d+): (?P<out>.*)$", _exited_zh),
    (r"^(?P<cmd>)exit (?P<rc>-?\d+): (?P<out>.*)$", _exited_zh),
    # the parsers
    (r"^(?P<what>[^:]+): (?P<value>'.*'|\".*\") is not a number$",
     lambda m: f"{m.group('what')}：{_value(m)} 不是数字"),
    (r"^(?P<what>[^:]+): (?P<value>'.*'|\".*\") is not an integer$",
     lambda m: f"{m.group('what')}：{_value(m)} 不是整数"),
    (r"^expected one line, got (?P<count>\d+)$", "应为 1 行，实际为 {count} 行"),
    (r"^expected two numbers, got (?P<value>.+)$", lambda m: f"应为两个数字，实际为 {_value(m)}"),
    (r"^negative value in (?P<value>.+)$", lambda m: f"{_value(m)} 中有负值"),
    (r"^unexpected format (?P<value>.+)$", lambda m: f"格式无法识别：{_value(m)}"),
    (r"^the cpu line has (?P<count>\d+) counters, expected at least 4$",
     "cpu 行只有 {count} 个计数器，至少应有 4 个"),
    (r"^unexpected btime line (?P<value>.+)$", lambda m: f"btime 行无法识别：{_value(m)}"),
    (r"^the CPU counters did not advance(?: between the two samples)?$",
     "两次采样之间 CPU 计数器没有增加"),
    (r"^unexpected line (?P<value>.+)$", lambda m: f"无法识别的行：{_value(m)}"),
    (r"^unexpected output (?P<value>.+)$", lambda m: f"无法识别的输出：{_value(m)}"),
    (r"^(?P<name>\w+) missing \(truncated\?\)$", "缺少 {name}（内容可能被截断）"),
    (r"^neither MemAvailable nor (?P<names>.+)$",
     lambda m: "既没有 MemAvailable，也没有 " + "、".join(m.group("names").split(", "))),
    (r"^expected (?P<count>\d+) (?P<unit>fields|columns), got (?P<got>\d+) in (?P<value>.+)$",
     lambda m: "应有 {} {}，实际为 {} {}：{}".format(
         m.group("count"), "个字段" if m.group("unit") == "fields" else "列", m.group("got"),
         "个" if m.group("unit") == "fields" else "列", _value(m))),
    (r"^NTPSynchronized=(?P<value>.*)$", lambda m: f"NTPSynchronized 的值无法识别：{_value(m)}"),
    (r"^(?P<key>System clock synchronized|NTP synchronized): (?P<value>.*)$",
     lambda m: f"{m.group('key')} 的值无法识别：{_value(m)}"),
    (r"^no (?P<what>NTPSynchronized property|'synchronized' line|'Leap status'|peers header) "
     r"in (?P<value>.*)$",
     lambda m: f"输出中没有{_NO_WHAT_ZH[m.group('what')]}：{_value(m)}"),
    (r"^unknown leap status (?P<value>.+)$", lambda m: f"无法识别的 Leap status：{_value(m)}"),
    (r"^unexpected tally code in (?P<value>.+)$",
     lambda m: f"无法识别的 tally 标记：{_value(m)}"),
    (r"^reach (?P<value>.+) is not octal$", lambda m: f"reach 值 {_value(m)} 不是八进制数"),
    (r"^truncated after (?P<value>.+)$", lambda m: f"输出在 {_value(m)} 之后被截断"),
    (r"^unreadable time(?: in)? (?P<value>.+)$", lambda m: f"无法识别的时间：{_value(m)}"),
    (r"^no -F or ISO time in (?P<value>.+)$",
     lambda m: f"没有 -F 格式或 ISO 格式的时间：{_value(m)}"),
    (r"^not an ISO-8601 time: (?P<value>.+)$", lambda m: f"不是 ISO-8601 时间：{_value(m)}"),
    (r"^not a valid time: (?P<value>.+)$", lambda m: f"不是有效的时间：{_value(m)}"),
))
# "<path or command>: <what went wrong>", as the collector and the parsers prefix a complaint
_REASON_PREFIX_RE = re.compile(
    r"^(?P<head>/[^\s:]*(?: btime| pid)?|(?:systemctl|timedatectl|chronyc|ntpq|last)"
    r"(?: [^\s:]+)*): (?P<rest>.+)$")


def _zh(reason):
    """The Chinese of a reason the rules, the module or the parsers wrote (see above); any
    other text (a tool's or the host's own message) quoted “…” verbatim."""
    text = str(reason).strip()
    if text in _REASONS_ZH:
        return _REASONS_ZH[text]
    for pattern, zh in _REASON_PATTERNS:
        match = pattern.match(text)
        if match:
            return zh(match) if callable(zh) else zh.format(**match.groupdict())
    match = _REASON_PREFIX_RE.match(text)
    if match:
        head, rest = match.group("head"), match.group("rest")
        if rest.startswith((head + ": ", head + " ")):  # parsed() names the path again
            return _zh(rest)
        return f"{head}：{_zh(rest)}"
    if not text or " " not in text:  # a path, a command, a value
        return text
    return _quoted(text)


# What a time service answered (the collector's ask_* methods), in Chinese.
_ANSWER_PATTERNS = tuple((re.compile(pattern), zh) for pattern, zh in (
    (r"^NTPSynchronized=(?:yes|no)$", lambda m: m.group(0)),
    (r"^synchronized: (?P<yes>yes|no)(?: \(NTP service: (?P<service>.*)\))?$",
     lambda m: "时钟同步：{}{}".format(
         "是" if m.group("yes") == "yes" else "否",
         f"（NTP 服务：{m.group('service')}）" if m.group("service") is not None else "")),
    (r"^Leap status (?P<leap>.+?)(?:, offset (?P<offset>\S+) s)?(?:, stratum (?P<stratum>\S+))?$",
     lambda m: f"闰秒状态 {m.group('leap')}" + (
         f"，偏差 {m.group('offset')} 秒" if m.group("offset") else "") + (
         f"，层级 {m.group('stratum')}" if m.group("stratum") else "")),
    (r"^system peer (?P<peer>\S+) \(stratum (?P<stratum>\S+), offset (?P<offset>\S+) ms\)$",
     "系统对等体 {peer}（层级 {stratum}，偏差 {offset} 毫秒）"),
    (r"^no system peer among (?P<count>\d+) peers?$",
     "{count} 个对等体中没有系统对等体（sys_peer）"),
))


def _answer_zh(text):
    """The Chinese of a time service's answer as the collector words it."""
    for pattern, zh in _ANSWER_PATTERNS:
        match = pattern.match(text)
        if match:
            return zh(match) if callable(zh) else zh.format(**match.groupdict())
    return _zh(text)


def _levels(thresholds, name):
    levels = thresholds[name]
    return levels.get("warning"), levels.get("critical")


def _pct(value):
    return f"{value:.1f} %"


def _pct_zh(value):
    return f"{value:.1f}%"


# --------------------------------------------------------------------------- uptime


def check_uptime(data):
    """system.uptime: boot time, and whether (and how often) the host rebooted since ``since``."""
    check_id = "system.uptime"
    boot = data.get("boot_time_epoch")
    if boot is None:
        reason = _error(data.get("uptime")) or "boot time not available"
        return [unknown(check_id, f"Cannot tell when the host booted: {reason}",
                        component="boot", reason_zh=f"无法确定主机的开机时间：{_zh(reason)}")]
    now = data.get("collected_at_epoch")
    boot_iso = epoch_to_iso(boot)
    uptime = (now - boot) if now is not None else None
    values = {"boot_time": boot_iso, "uptime_seconds": None if uptime is None else int(uptime),
              "since": data.get("since") or "", "reboots_since": None,
              "reboots_since_complete": None}
    evidence = [f"booted {boot_iso} ({data.get('boot_time_source', 'btime')})"]
    if uptime is not None:
        up, up_zh = f"up {_duration(uptime)}", f"已运行 {_duration_zh(uptime)}"
    else:
        up, up_zh = "uptime unknown", "运行时长未知"
    since_epoch = data.get("since_epoch")
    if data.get("since_error"):
        return [unknown(check_id, f"Booted {boot_iso}; cannot compare with the last "
                        f"inspection: {data['since_error']}", component="boot",
                        evidence=evidence,
                        reason_zh=f"主机于 {boot_iso} 开机；无法与上次巡检比较："
                                  f"{_zh(data['since_error'])}")]
    if since_epoch is None:
        return [make_finding(check_id, "ok",
                             f"Booted {boot_iso}, {up}; no previous inspection to compare with",
                             component="boot", evidence=evidence, values=values,
                             summary_zh=f"主机于 {boot_iso} 开机，{up_zh}；没有可比较的上次巡检")]
    if now is not None and since_epoch > now + CLOCK_SLACK_SECONDS:
        return [unknown(check_id, f"The last inspection ({data['since']}) is later than this "
                        f"host's clock ({epoch_to_iso(now)}): check the clock",
                        component="boot", evidence=evidence,
                        reason_zh=f"上次巡检时间（{data['since']}）晚于本机时钟"
                                  f"（{epoch_to_iso(now)}）：请检查本机时钟")]
    if boot <= since_epoch:
        values["reboots_since"] = 0
        values["reboots_since_complete"] = True
        return [make_finding(check_id, "ok",
                             f"No reboot since the last inspection ({data['since']}); booted "
                             f"{boot_iso}, {up}", component="boot", evidence=evidence,
                             values=values,
                             summary_zh=f"自上次巡检（{data['since']}）以来未重启；主机于 "
                                        f"{boot_iso} 开机，{up_zh}")]
    # rebooted at least once since the last inspection
    reboots = data.get("reboots") or {"error": "not collected"}
    reason = _error(reboots)
    if reason:
        count_text = f"at least once (the reboot count is unknown: {reason})"
        count_zh = f"至少重启 1 次（重启次数未知：{_zh(reason)}）"
        evidence.append(f"reboot records not available: {reason}")
    else:
        after = [r for r in reboots.get("records", [])
                 if r.get("start_epoch") is not None and r["start_epoch"] > since_epoch]
        begins = reboots.get("begins_epoch")
        complete = begins is not None and begins <= since_epoch and len(after) > 0
        count = max(1, len(after))
        values["reboots_since"] = count
        values["reboots_since_complete"] = complete
        if count == 1:
            count_text = "once" if complete else "at least once"
        else:
            count_text = f"{count} times" if complete else f"at least {count} times"
        count_zh = f"重启 {count} 次" if complete else f"至少重启 {count} 次"
        evidence.extend(r.get("line", r.get("start", "")) for r in after)
        if not complete:
            evidence.append("wtmp does not cover the whole period (rotated, or records missing)")
    return [make_finding(
        check_id, "warning",
        f"Rebooted {count_text} since the last inspection ({data['since']}); booted "
        f"{boot_iso}, {up}",
        component="boot", evidence=evidence, values=values,
        recommendation=("Confirm the reboot was planned (change record); otherwise find the "
                        "cause in the logs of the previous boot (journalctl -b -1, "
                        "/var/log/messages, kdump) and report it to the client."),
        summary_zh=f"自上次巡检（{data['since']}）以来{count_zh}；主机于 {boot_iso} 开机，"
                   f"{up_zh}",
        recommendation_zh=("确认该次重启是否为计划内操作（查阅变更记录）；如非计划内重启，请在上一次"
                           "启动的日志（journalctl -b -1、/var/log/messages、kdump）中查找原因，"
                           "并向客户报告。"),
    )]


# --------------------------------------------------------------------------- CPU, load


def check_load(data, thresholds):
    """system.load: the 15-minute load average per CPU."""
    check_id = "system.load"
    loadavg = data.get("loadavg")
    reason = _error(loadavg)
    if reason:
        return [unknown(check_id, f"Cannot read the load average: {reason}", component="cpu",
                        reason_zh=f"无法读取平均负载：{_zh(reason)}")]
    cpus = data.get("cpu_count")
    if not cpus:
        return [unknown(check_id, "Cannot judge the load: number of CPUs unknown",
                        component="cpu", reason_zh="无法判断负载：CPU 数量未知")]
    warning, critical = _levels(thresholds, "load")
    per_core = {k: round(loadavg[k] / cpus, 2) for k in ("load1", "load5", "load15")}
    status = judge(per_core["load15"], warning, critical)
    summary = (f"Load average {loadavg['load1']:.2f} / {loadavg['load5']:.2f} / "
               f"{loadavg['load15']:.2f} on {cpus} CPUs: {per_core['load15']:.2f} per CPU "
               "over 15 minutes")
    summary_zh = (f"平均负载 {loadavg['load1']:.2f} / {loadavg['load5']:.2f} / "
                  f"{loadavg['load15']:.2f}，共 {cpus} 个 CPU：15 分钟平均每个 CPU 负载 "
                  f"{per_core['load15']:.2f}")
    return [make_finding(
        check_id, status, summary, component="cpu",
        evidence=[f"/proc/loadavg: {loadavg['load1']} {loadavg['load5']} {loadavg['load15']} "
                  f"{loadavg.get('runnable')}/{loadavg.get('scheduling_entities')}",
                  f"online CPUs: {cpus}"],
        values={"load1": loadavg["load1"], "load5": loadavg["load5"],
                "load15": loadavg["load15"], "cpu_count": cpus,
                "load1_per_cpu": per_core["load1"], "load5_per_cpu": per_core["load5"],
                "load15_per_cpu": per_core["load15"]},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "More runnable or uninterruptible tasks than CPUs for 15 minutes: find them with "
            "top/ps (state R or D), check for I/O waits, and plan more CPU or load moves."),
        summary_zh=summary_zh,
        recommendation_zh="" if status == "ok" else (
            "15 分钟内可运行或不可中断的任务一直多于 CPU 数：用 top/ps 找出这些任务（状态 R 或 "
            "D），检查是否存在 I/O 等待，并规划增加 CPU 或迁移部分负载。"),
    )]


def check_cpu(data, thresholds):
    """system.cpu_utilisation and system.io_wait over the sampling interval."""
    cpu = data.get("cpu")
    reason = _error(cpu)
    if reason:
        return [
            unknown("system.cpu_utilisation", f"Cannot measure CPU use: {reason}",
                    component="cpu", reason_zh=f"无法测量 CPU 使用率：{_zh(reason)}"),
            unknown("system.io_wait", f"Cannot measure I/O wait: {reason}", component="cpu",
                    reason_zh=f"无法测量 I/O 等待：{_zh(reason)}"),
        ]
    seconds = cpu.get("sample_seconds")
    during = f"over a {seconds:.0f}-second sample" if seconds else "over the sample"
    during_zh = f"{seconds:.0f} 秒采样期间" if seconds else "采样期间"
    evidence = [f"/proc/stat sampled twice, {seconds} s apart: busy {cpu['busy_pct']} %, "
                f"iowait {cpu['iowait_pct']} %, steal {cpu['steal_pct']} %, "
                f"idle {cpu['idle_pct']} %"]
    findings = []
    warning, critical = _levels(thresholds, "cpu_utilisation")
    status = judge(cpu["busy_pct"], warning, critical)
    findings.append(make_finding(
        "system.cpu_utilisation", status,
        f"CPU {_pct(cpu['busy_pct'])} busy {during}", component="cpu", evidence=evidence,
        values={"busy_pct": cpu["busy_pct"], "steal_pct": cpu["steal_pct"],
                "sample_seconds": seconds},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "Find the processes using the CPU (system.top_processes, top), check whether the "
            "load is expected (batch jobs, backups) and watch it over the month's performance "
            "data before adding CPUs."),
        summary_zh=f"{during_zh} CPU 使用率 {_pct_zh(cpu['busy_pct'])}",
        recommendation_zh="" if status == "ok" else (
            "找出占用 CPU 的进程（system.top_processes、top），确认该负载是否在预期之内"
            "（批处理作业、备份），并结合本月的性能数据持续观察，再决定是否增加 CPU。"),
    ))
    if cpu.get("iowait_pct") is None:
        findings.append(unknown("system.io_wait",
                                "This kernel's /proc/stat has no iowait counter",
                                component="cpu", evidence=evidence,
                                reason_zh="此内核的 /proc/stat 没有 iowait 计数器"))
        return findings
    warning, critical = _levels(thresholds, "io_wait")
    status = judge(cpu["iowait_pct"], warning, critical)
    findings.append(make_finding(
        "system.io_wait", status,
        f"CPU waiting for I/O {_pct(cpu['iowait_pct'])} of the time {during}",
        component="cpu", evidence=evidence,
        values={"iowait_pct": cpu["iowait_pct"], "sample_seconds": seconds},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "Storage is slow or saturated: check disk latency and queue (iostat -x 5), "
            "multipath and array health, and which processes wait in state D."),
        summary_zh=f"{during_zh} CPU 等待 I/O 的时间占 {_pct_zh(cpu['iowait_pct'])}",
        recommendation_zh="" if status == "ok" else (
            "存储响应慢或已饱和：检查磁盘延迟和队列（iostat -x 5）、多路径和磁盘阵列的健康状态，"
            "以及哪些进程处于 D 状态等待。"),
    ))
    return findings


# --------------------------------------------------------------------------- memory


def check_memory(data, thresholds):
    """system.memory: used memory excluding page cache and reclaimable buffers."""
    check_id = "system.memory"
    mem = data.get("memory")
    reason = _error(mem)
    if reason:
        return [unknown(check_id, f"Cannot read memory use: {reason}", component="memory",
                        reason_zh=f"无法读取内存使用情况：{_zh(reason)}")]
    total = mem["mem_total_kb"]
    available = mem["mem_available_kb"]
    used_pct = round(100.0 * (total - available) / total, 1)
    warning, critical = _levels(thresholds, "memory")
    status = judge(used_pct, warning, critical)
    note = "" if mem["available_source"] == "MemAvailable" else " (estimated: old kernel)"
    note_zh = "" if mem["available_source"] == "MemAvailable" else "；旧内核，为估算值"
    return [make_finding(
        check_id, status,
        f"Memory {_pct(used_pct)} used excluding cache{note}: {_size(available * 1024)} "
        f"available of {_size(total * 1024)}",
        component="memory",
        evidence=[f"MemTotal: {total} kB", f"available: {available} kB "
                  f"({mem['available_source']})", f"MemFree: {mem['mem_free_kb']} kB"],
        values={"used_pct": used_pct, "total_kb": total, "available_kb": available,
                "available_source": mem["available_source"]},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "Little memory is left even after dropping caches: find the largest processes "
            "(system.top_processes), check for leaks or oversized caches (database buffers, "
            "JVM heaps) and for OOM kills in the error log; add memory if the load is "
            "legitimate."),
        summary_zh=f"内存已用 {_pct_zh(used_pct)}（不含缓存{note_zh}）：共 {_size(total * 1024)}，"
                   f"可用 {_size(available * 1024)}",
        recommendation_zh="" if status == "ok" else (
            "即使除去缓存，可用内存仍然很少：找出占用内存最多的进程（system.top_processes），检查"
            "是否存在内存泄漏或缓存设置过大（数据库缓冲区、JVM 堆），并在错误日志中查找 OOM 终止"
            "记录；如果负载属于正常业务，请增加内存。"),
    )]


def check_swap(data, thresholds):
    """system.swap: used swap %; ok (and said so) when no swap is configured."""
    check_id = "system.swap"
    mem = data.get("memory")
    reason = _error(mem)
    if reason:
        return [unknown(check_id, f"Cannot read swap use: {reason}", component="swap",
                        reason_zh=f"无法读取交换空间使用情况：{_zh(reason)}")]
    total = mem["swap_total_kb"]
    warning, critical = _levels(thresholds, "swap")
    if total == 0:
        return [make_finding(check_id, "ok", "No swap space is configured on this host",
                             component="swap", evidence=["SwapTotal: 0 kB"],
                             values={"swap_total_kb": 0, "used_pct": None},
                             thresholds={"warning": warning, "critical": critical},
                             summary_zh="本主机未配置交换空间")]
    used = total - mem["swap_free_kb"]
    used_pct = round(100.0 * used / total, 1)
    status = judge(used_pct, warning, critical)
    return [make_finding(
        check_id, status,
        f"Swap {_pct(used_pct)} used ({_size(used * 1024)} of {_size(total * 1024)})",
        component="swap",
        evidence=[f"SwapTotal: {total} kB", f"SwapFree: {mem['swap_free_kb']} kB"],
        values={"used_pct": used_pct, "swap_total_kb": total, "swap_used_kb": used},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "Much memory has been pushed to swap: check memory pressure (vmstat 5: si/so), "
            "the largest processes and system.memory; add memory or reduce the load."),
        summary_zh=f"交换空间已用 {_pct_zh(used_pct)}（共 {_size(total * 1024)}，已用 "
                   f"{_size(used * 1024)}）",
        recommendation_zh="" if status == "ok" else (
            "大量内存已被换出到交换空间：检查内存压力（vmstat 5 的 si/so 列）、占用内存最多的进程"
            "和 system.memory；增加内存或降低负载。"),
    )]


# --------------------------------------------------------------------------- filesystems


def select_mounts(mounts, ignore_fstypes, ignore_mountpoints):
    """Mark each mount and return those whose space and inodes are to be judged.

    Sets ``ignored`` on every mount (the ignore-list pattern that matched, or None; the
    read-only check looks at every mount not ignored) and ``skipped`` (why its space is not
    judged: ignored, or hidden by a later mount on the same mount point). Both lists are
    shell globs (``fnmatch``; ``*`` also matches ``/``). The caller adds the reasons only a
    look at the filesystem can give (a bind-mounted file, the same filesystem twice).
    """
    last_index = {}
    for index, mount in enumerate(mounts):
        last_index[mount["mountpoint"]] = index
    selected = []
    for index, mount in enumerate(mounts):
        reason = None
        for pattern in ignore_fstypes:
            if fnmatch.fnmatchcase(mount["fstype"], pattern):
                reason = f"fstype {mount['fstype']} is in ignore_fstypes"
                break
        if reason is None:
            for pattern in ignore_mountpoints:
                if fnmatch.fnmatchcase(mount["mountpoint"], pattern):
                    reason = f"mount point matches ignore_mountpoints {pattern}"
                    break
        mount["ignored"] = reason
        if reason is None and last_index[mount["mountpoint"]] != index:
            reason = "hidden by a later mount on the same mount point"
        mount["skipped"] = reason
        if reason is None:
            selected.append(mount)
    return selected


def check_filesystems(data, thresholds):
    """system.filesystem_usage and system.filesystem_inodes: one finding per judged mount.

    Which mounts are judged is decided by the module (ignore_fstypes, ignore_mountpoints,
    bind mounts); here every entry of ``data["filesystems"]["entries"]`` is judged. An entry
    whose statvfs failed gives unknown for both checks; a filesystem without inodes
    (f_files == 0: btrfs, some FUSE) gets no inode finding.
    """
    section = data.get("filesystems")
    reason = _error(section)
    if reason:
        return [unknown(check_id, f"Cannot list filesystems: {reason}",
                        reason_zh=f"无法列出文件系统：{_zh(reason)}")
                for check_id in ("system.filesystem_usage", "system.filesystem_inodes")]
    entries = section.get("entries", [])
    if not entries:
        skipped = section.get("skipped_count", 0)
        return [unknown("system.filesystem_usage",
                        f"No filesystem left to judge ({skipped} mounts skipped by the ignore "
                        "lists): check ignore_fstypes and ignore_mountpoints",
                        reason_zh=f"没有可判断的文件系统（{skipped} 个挂载点被忽略列表跳过）："
                                  "请检查 ignore_fstypes 和 ignore_mountpoints")]
    findings = []
    usage_warning, usage_critical = _levels(thresholds, "filesystem_usage")
    inode_warning, inode_critical = _levels(thresholds, "filesystem_inodes")
    for fs in entries:
        mountpoint = fs["mountpoint"]
        described = f"{mountpoint} ({fs.get('device')}, {fs.get('fstype')})"
        if fs.get("error"):
            for check_id in ("system.filesystem_usage", "system.filesystem_inodes"):
                findings.append(unknown(
                    check_id, f"Cannot read {described}: {fs['error']}", component=mountpoint,
                    reason_zh=f"无法读取 {_described_zh(fs)}：{_zh(fs['error'])}"))
            continue
        findings.append(_usage_finding(fs, described, usage_warning, usage_critical))
        inode = _inode_finding(fs, described, inode_warning, inode_critical)
        if inode is not None:
            findings.append(inode)
    return findings


def _described_zh(fs):
    return f"{fs['mountpoint']}（{fs.get('device')}，{fs.get('fstype')}）"


def _usage_finding(fs, described, warning, critical):
    check_id = "system.filesystem_usage"
    mountpoint = fs["mountpoint"]
    size = fs.get("size_bytes") or 0
    used = fs.get("used_bytes") or 0
    avail = fs.get("avail_bytes") or 0
    if size <= 0 or used + avail <= 0:
        return unknown(check_id, f"{described} reports a size of 0; if it is a pseudo "
                       "filesystem, add its type to ignore_fstypes", component=mountpoint,
                       reason_zh=f"{_described_zh(fs)}报告的大小为 0；如果它是伪文件系统，请将其"
                                 "类型加入 ignore_fstypes")
    # as df computes Use%: the space reserved for root counts as neither used nor free
    used_pct = round(100.0 * used / (used + avail), 1)
    status = judge(used_pct, warning, critical)
    return make_finding(
        check_id, status,
        f"{mountpoint} is {_pct(used_pct)} full: {_size(avail)} free of {_size(size)}",
        component=mountpoint,
        evidence=[f"{fs.get('device')} on {mountpoint} type {fs.get('fstype')}: size {size} B, "
                  f"used {used} B, available {avail} B"],
        values={"used_pct": used_pct, "size_bytes": size, "used_bytes": used,
                "avail_bytes": avail, "device": fs.get("device"), "fstype": fs.get("fstype")},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            f"Free space on {mountpoint}: find what grew (du -xh --max-depth=2 {mountpoint} | "
            "sort -h), remove or archive old logs, dumps and package caches, or extend the "
            "filesystem; a full filesystem stops applications and logging."),
        summary_zh=f"{mountpoint} 已用 {_pct_zh(used_pct)}（{_size(size)} 中剩余 {_size(avail)}）",
        recommendation_zh="" if status == "ok" else (
            f"清理 {mountpoint} 上的空间：找出增长的内容（du -xh --max-depth=2 {mountpoint} | "
            "sort -h），删除或归档旧的日志、转储文件和软件包缓存，或者扩容文件系统；"
            "文件系统写满会使应用和日志记录停止工作。"),
    )


def _inode_finding(fs, described, warning, critical):
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
        f"{mountpoint} has used {_pct(used_pct)} of its inodes ({free} of {total} free)",
        component=mountpoint,
        evidence=[f"{fs.get('device')} on {mountpoint} type {fs.get('fstype')}: inodes "
                  f"{total}, free {free}"],
        values={"used_pct": used_pct, "inodes_total": total, "inodes_free": free,
                "device": fs.get("device"), "fstype": fs.get("fstype")},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            f"{mountpoint} is running out of inodes: find directories with very many small "
            "files (session, cache, mail or spool directories) and clean them up; no file can "
            "be created once inodes run out, even with free space."),
        summary_zh=f"{mountpoint} 的 inode 已用 {_pct_zh(used_pct)}（共 {total} 个，"
                   f"剩余 {free} 个）",
        recommendation_zh="" if status == "ok" else (
            f"{mountpoint} 的 inode 即将耗尽：找出存放大量小文件的目录（会话、缓存、邮件或 spool "
            "目录）并清理；inode 用尽后，即使仍有剩余空间也无法再创建文件。"),
    )


def _options(mount):
    options = mount.get("options") or ""
    return options if isinstance(options, str) else ",".join(options)


def check_readonly_mounts(data):
    """system.readonly_mounts: critical per mount that is ro but should be rw.

    A mount should be writable when /etc/fstab mounts it without ``ro``, or, with no fstab
    entry, when it is one of :data:`NORMALLY_RW_MOUNTPOINTS`. Only the visible (last)
    mount of each mount point counts; mounts ignored by ignore_fstypes/ignore_mountpoints are
    not checked.

    fstab lines the parser could not read (``bad_lines``) may be the entry of any mount that
    has no readable one, so a read-only mount without a readable entry is then not judged: it
    gets an ``unknown`` naming the lines, never ``ok``. A normally writable mount point stays
    critical (read-only there means errors far more often than an ro line), and its finding
    says that lines could not be read. Mounts with a readable entry are judged as usual.
    """
    check_id = "system.readonly_mounts"
    mounts = data.get("mounts")
    reason = _error(mounts)
    if reason:
        return [unknown(check_id, f"Cannot list mounts: {reason}", component="mounts",
                        reason_zh=f"无法列出挂载点：{_zh(reason)}")]
    fstab = data.get("fstab") or {"error": "not collected"}
    path = fstab.get("path", "/etc/fstab")
    fstab_reason = _error(fstab)
    if fstab_reason and not fstab.get("missing"):
        return [unknown(check_id, f"Cannot read {path}: {fstab_reason}", component="mounts",
                        reason_zh=f"无法读取 {path}：{_zh(fstab_reason)}")]
    expected = {}
    for entry in fstab.get("entries", []):
        if entry["fstype"] in ("swap", "none") or not entry["mountpoint"].startswith("/"):
            continue
        expected[entry["mountpoint"]] = entry
    bad = fstab.get("bad_lines") or []
    bad_evidence = [f"fstab line not understood: {line}" for line in bad]
    bad_count = f"{len(bad)} line{'s' if len(bad) != 1 else ''}"
    visible = {}
    for mount in mounts.get("entries", []):
        if mount.get("ignored"):
            continue
        visible[mount["mountpoint"]] = mount
    findings = []
    for mountpoint, mount in visible.items():
        if not mount["readonly"]:
            continue
        entry = expected.get(mountpoint)
        described = f"{mountpoint} ({mount['device']}, {mount['fstype']})"
        described_zh = f"{mountpoint}（{mount['device']}，{mount['fstype']}）"
        evidence = [f"/proc/mounts: {mount['device']} {mountpoint} {mount['fstype']} "
                    f"{_options(mount)}"]
        if entry is not None:
            if entry["readonly"]:
                continue
            why = f"{path} mounts it read-write ({_options(entry)})"
            why_zh = f"{path} 中配置为读写挂载（{_options(entry)}）"
            evidence.append(f"fstab: {entry['device']} {entry['mountpoint']} {entry['fstype']} "
                            f"{_options(entry)}")
        elif mountpoint in NORMALLY_RW_MOUNTPOINTS and not bad:
            why = f"{mountpoint} is normally writable and {path} does not say ro"
            why_zh = f"{mountpoint} 通常应可写，且 {path} 中未指定 ro"
        elif mountpoint in NORMALLY_RW_MOUNTPOINTS:
            why = (f"{mountpoint} is normally writable and no readable line of {path} says ro "
                   f"({bad_count} could not be read)")
            why_zh = (f"{mountpoint} 通常应可写，且 {path} 中可读取的行均未指定 ro（另有 "
                      f"{len(bad)} 行无法解析）")
            evidence.extend(bad_evidence)
        elif bad:
            findings.append(unknown(
                check_id,
                f"{described} is mounted read-only and has no readable line in {path} "
                f"({bad_count} there could not be read): whether it should be writable is not "
                f"known; correct {path} and re-run",
                component=mountpoint, evidence=evidence + bad_evidence,
                reason_zh=f"{described_zh}当前以只读方式挂载，{path} 中没有它的可读配置行"
                          f"（该文件有 {len(bad)} 行无法解析）：无法判断它是否应可写；"
                          f"请修正 {path} 后重新检查",
            ))
            continue
        else:
            continue
        findings.append(make_finding(
            check_id, "critical",
            f"{described} is mounted read-only, but {why}",
            component=mountpoint, evidence=evidence,
            values={"device": mount["device"], "fstype": mount["fstype"], "readonly": True},
            recommendation=(
                "The kernel usually remounts a filesystem read-only after I/O or metadata "
                "errors: check dmesg and the error log for the device, check the disk/array, "
                "repair the filesystem (fsck, xfs_repair) in a maintenance window, then "
                "remount it read-write."),
            summary_zh=f"{described_zh}当前以只读方式挂载，但 {why_zh}",
            recommendation_zh=(
                "内核通常在发生 I/O 错误或元数据错误后将文件系统重新挂载为只读：检查 dmesg "
                "和该设备的错误日志，检查磁盘/磁盘阵列，在维护窗口内修复文件系统（fsck、"
                "xfs_repair），然后重新以读写方式挂载。"),
        ))
    if findings:
        return findings
    evidence = [f"{len(visible)} mounts checked"]
    if fstab.get("missing"):
        evidence.append(f"no {path}: only "
                        f"{', '.join(NORMALLY_RW_MOUNTPOINTS)} are expected to be writable")
    evidence.extend(bad_evidence)
    return [make_finding(check_id, "ok",
                         f"No filesystem that should be writable is mounted read-only "
                         f"({len(visible)} mounts checked)", component="mounts",
                         evidence=evidence, values={"mounts_checked": len(visible)},
                         summary_zh=f"没有应可写的文件系统被挂载为只读（已检查 {len(visible)} "
                                    "个挂载点）")]


# --------------------------------------------------------------------------- processes


def _process_section(data, check_id):
    procs = data.get("processes")
    reason = _error(procs)
    if reason:
        return None, unknown(check_id, f"Cannot read the process table: {reason}",
                             component="processes",
                             reason_zh=f"无法读取进程表：{_zh(reason)}")
    if not procs.get("complete", True):
        why = procs.get("incomplete_reason", "unknown reason")
        return None, unknown(check_id, f"Only part of the process table is visible: {why}",
                             component="processes",
                             reason_zh=f"只能看到部分进程表：{_zh(why)}")
    if not procs.get("count"):
        return None, unknown(check_id, "No process found in /proc", component="processes",
                             reason_zh="在 /proc 中没有找到任何进程")
    return procs, None


def check_zombies(data, thresholds):
    """system.zombie_processes: count of processes in state Z, and their parents."""
    check_id = "system.zombie_processes"
    procs, failure = _process_section(data, check_id)
    if failure:
        return [failure]
    zombies = procs.get("zombies", [])  # the module lists at most 200
    warning, critical = _levels(thresholds, "zombie_processes")
    count = procs.get("zombie_count", len(zombies))
    status = judge(count, warning, critical)
    parents = {}
    for z in zombies:
        parents.setdefault((z["ppid"], z.get("parent_comm") or "?"), 0)
        parents[(z["ppid"], z.get("parent_comm") or "?")] += 1
    top_parents = sorted(parents.items(), key=lambda kv: -kv[1])
    summary = f"{count} zombie process{'es' if count != 1 else ''}"
    summary_zh = f"{count} 个僵尸进程"
    if top_parents:
        summary += " (parents: " + ", ".join(
            f"{pid} {name} x{n}" for (pid, name), n in top_parents[:3]) + ")"
        summary_zh += "，父进程：" + "、".join(
            f"{pid} {name}（{n} 个）" for (pid, name), n in top_parents[:3])
    return [make_finding(
        check_id, status, summary, component="processes",
        evidence=[f"pid {z['pid']} ({z['comm']}) parent {z['ppid']} ({z.get('parent_comm')})"
                  for z in zombies],
        values={"zombie_count": count, "parent_count": len(parents),
                "processes": procs.get("count")},
        thresholds={"warning": warning, "critical": critical},
        recommendation="" if status == "ok" else (
            "Zombies are dead children their parent has not reaped; they hold a PID each. Fix "
            "or restart the parent process listed (killing a zombie does nothing); a growing "
            "count can exhaust the PID space."),
        summary_zh=summary_zh,
        recommendation_zh="" if status == "ok" else (
            "僵尸进程是已结束但尚未被父进程回收的子进程，每个占用一个 PID。请修复或重启上面列出的"
            "父进程（杀死僵尸进程本身不起作用）；数量持续增长可能耗尽 PID 空间。"),
    )]


def check_top_processes(data):
    """system.top_processes (ok, informational): the top CPU and memory consumers."""
    check_id = "system.top_processes"
    procs, failure = _process_section(data, check_id)
    if failure:
        return [failure]
    values = {"processes": procs.get("count"), "sample_seconds": procs.get("sample_seconds")}
    evidence = ["top CPU (percent of one CPU over the sample):"]
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
        evidence.append(f"  {_size(p['rss_kb'] * 1024):>10} ({p['mem_pct']} %)  pid {p['pid']} "
                        f"{p['comm']}: {p.get('args') or ''}")
    first_cpu = procs.get("top_cpu", [{}])[0] if procs.get("top_cpu") else None
    first_mem = procs.get("top_memory", [{}])[0] if procs.get("top_memory") else None
    parts = [f"{procs.get('count')} processes"]
    parts_zh = [f"共 {procs.get('count')} 个进程"]
    if first_cpu:
        parts.append(f"top CPU {first_cpu['comm']} ({first_cpu['cpu_pct']:.1f} %)")
        parts_zh.append(f"CPU 占用最高：{first_cpu['comm']}（{first_cpu['cpu_pct']:.1f}%）")
    if first_mem:
        size = _size(first_mem["rss_kb"] * 1024)
        parts.append(f"top memory {first_mem['comm']} ({size})")
        parts_zh.append(f"内存占用最高：{first_mem['comm']}（{size}）")
    return [make_finding(check_id, "ok", "; ".join(parts), component="processes",
                         evidence=evidence, values=values, summary_zh="；".join(parts_zh))]


# --------------------------------------------------------------------------- systemd


def check_failed_units(data):
    """system.failed_units: warning per failed unit; see the module docstring for why."""
    check_id = "system.failed_units"
    systemd = data.get("systemd") or {"error": "not collected"}
    if systemd.get("running") is False:
        return [make_finding(
            check_id, "ok",
            f"systemd is not running on this host (PID 1 is {systemd.get('pid1')}); "
            "no units to check",
            component="systemd", values={"pid1": systemd.get("pid1"), "systemd": False},
            summary_zh=f"本主机未运行 systemd（PID 1 为 {systemd.get('pid1')}）；"
                       "没有需要检查的单元")]
    reason = _error(systemd)
    if reason:
        return [unknown(check_id, f"Cannot list failed systemd units: {reason}",
                        component="systemd",
                        reason_zh=f"无法列出失败的 systemd 单元：{_zh(reason)}")]
    state = systemd.get("state")
    failed = systemd.get("failed_units", [])
    details = systemd.get("details") or {}
    if not failed:
        if state == "degraded":
            return [unknown(check_id, "systemd reports the system degraded but lists no "
                            "failed unit", component="systemd",
                            evidence=["systemctl is-system-running: degraded"],
                            reason_zh="systemd 报告系统状态为 degraded，但没有列出任何失败的单元")]
        state_text = state or "unknown (is-system-running gave no answer)"
        state_zh = state or "未知（is-system-running 没有返回结果）"
        return [make_finding(check_id, "ok", f"No failed systemd unit (system state: "
                             f"{state_text})", component="systemd",
                             evidence=[f"systemctl is-system-running: {state_text}"],
                             values={"failed_units": 0, "system_state": state},
                             summary_zh=f"没有失败的 systemd 单元（系统状态：{state_zh}）")]
    findings = []
    for unit in failed:
        name = unit["unit"]
        detail = details.get(name, {})
        result = detail.get("Result")
        since = detail.get("StateChangeTimestamp") or detail.get("InactiveEnterTimestamp")
        extra = []
        extra_zh = []
        if result:
            extra.append(f"result {result}")
            extra_zh.append(f"结果为 {result}")
        if since:
            extra.append(f"since {since}")
            extra_zh.append(f"始于 {since}")
        summary = f"Unit {name} has failed"
        summary_zh = f"单元 {name} 已失败"
        if unit.get("description"):
            summary += f" ({unit['description']})"
            summary_zh += f"（{_quoted(unit['description'])}）"
        if extra:
            summary += ": " + ", ".join(extra)
            summary_zh += "：" + "，".join(extra_zh)
        evidence = [f"{name} {unit['load']} {unit['active']} {unit['sub']} "
                    f"{unit.get('description', '')}".rstrip()]
        evidence.extend(f"{k}={v}" for k, v in sorted(detail.items()) if k != "Id")
        findings.append(make_finding(
            check_id, "warning", summary, component=name, evidence=evidence,
            values={"unit": name, "load": unit["load"], "active": unit["active"],
                    "sub": unit["sub"], "result": result, "since": since,
                    "system_state": state},
            recommendation=(
                f"Read 'systemctl status {name}' and 'journalctl -u {name}', fix the cause "
                f"and restart the unit; if the failure is understood and harmless, clear it "
                f"with 'systemctl reset-failed {name}'."),
            summary_zh=summary_zh,
            recommendation_zh=(
                f"查看 'systemctl status {name}' 和 'journalctl -u {name}' 的输出，排除故障原因后"
                f"重启该单元；如果失败原因已查明且无害，可用 'systemctl reset-failed {name}' "
                "清除失败状态。"),
        ))
    return findings


# --------------------------------------------------------------------------- time


def check_time_sync(data):
    """system.time_sync: ok when a time service reports the clock synchronised."""
    check_id = "system.time_sync"
    section = data.get("time_sync") or {"error": "not collected"}
    reason = _error(section)
    if reason:
        return [unknown(check_id, f"Cannot ask the time service: {reason}", component="clock",
                        reason_zh=f"无法查询时间同步服务：{_zh(reason)}")]
    answers = section.get("answers", [])
    errors = section.get("errors", [])
    evidence = [f"{a['tool']}: {a.get('text', 'synchronised' if a['synchronized'] else 'no')}"
                for a in answers]
    evidence.extend(f"{e['tool']}: {e['reason']}" for e in errors)
    synced = [a for a in answers if a["synchronized"]]
    if synced:
        first = synced[0]
        values = {"synchronized": True, "source": first["tool"]}
        values.update({k: v for k, v in (first.get("values") or {}).items()})
        return [make_finding(check_id, "ok",
                             f"Clock synchronised ({first['tool']}: {first.get('text', 'yes')})",
                             component="clock", evidence=evidence, values=values,
                             summary_zh=f"时钟已同步（{first['tool']}："
                                        f"{_answer_zh(first.get('text', '是'))}）")]
    if answers:
        return [make_finding(
            check_id, "warning",
            "Clock is not synchronised: " + "; ".join(
                f"{a['tool']}: {a.get('text', 'no')}" for a in answers),
            component="clock", evidence=evidence,
            values={"synchronized": False, "source": answers[0]["tool"]},
            recommendation=(
                "Check the time service (chronyd, ntpd or systemd-timesyncd): is it running, "
                "are its NTP servers reachable (UDP 123), is the offset too large to slew? "
                "Logs, Kerberos, TLS and backups depend on a correct clock."),
            summary_zh="时钟未同步：" + "；".join(
                f"{a['tool']}：{_answer_zh(a.get('text', '否'))}" for a in answers),
            recommendation_zh=(
                "检查时间同步服务（chronyd、ntpd 或 systemd-timesyncd）：服务是否在运行？NTP 服务器"
                "是否可达（UDP 123）？时间偏差是否过大、无法逐步校正？日志、Kerberos、TLS 和备份都"
                "依赖准确的时钟。"),
        )]
    if errors:
        return [unknown(check_id, "No time service tool answered: " + "; ".join(
            f"{e['tool']}: {e['reason']}" for e in errors), component="clock",
            evidence=evidence, reason_zh="没有任何时间同步工具给出结果：" + "；".join(
                f"{e['tool']}：{_zh(e['reason'])}" for e in errors))]
    return [unknown(check_id, "No time service tool was asked", component="clock",
                    evidence=evidence, reason_zh="未查询任何时间同步工具")]


# --------------------------------------------------------------------------- all


def evaluate(data, thresholds=None):
    """All findings of the system area for one host, in a stable order."""
    merged = merge_thresholds(thresholds)
    findings = []
    findings.extend(check_uptime(data))
    findings.extend(check_load(data, merged))
    findings.extend(check_cpu(data, merged))
    findings.extend(check_memory(data, merged))
    findings.extend(check_swap(data, merged))
    findings.extend(check_filesystems(data, merged))
    findings.extend(check_readonly_mounts(data))
    findings.extend(check_zombies(data, merged))
    findings.extend(check_top_processes(data))
    findings.extend(check_failed_units(data))
    findings.extend(check_time_sync(data))
    return findings
