"""Rules of the Linux host-state inspection (rules/system.py), and the module feeding them.

Each check has a test that makes it warning or critical (system.top_processes is
informational: always ok when it can read the process table) and one that makes it unknown.
Data comes from the parser fixtures where they exist, so the rules are judged on real-format
input. The last section runs the module's collector on this machine and on prepared
conditions (a hung statvfs, a bind-mounted file, a missing time-sync tool).

Rules write no text: every summary and recommendation is a message of the catalogue
(catalogue/system.py); ``test_every_message_key_in_the_catalogue`` checks that every key the
area's code names is there.

Every finding any of these tests makes the rules produce is also checked for its Chinese
text (the autouse fixture ``every_finding_has_chinese``), so each test input doubles as a
translation test of the branch it reaches.
"""

import ast
import copy
import importlib.util
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection import catalogue, deltas
from ansible.module_utils.weibao_inspection import findings as findings_module
from ansible.module_utils.weibao_inspection.catalogue.common import errno_message
from ansible.module_utils.weibao_inspection.findings import validate_finding
from ansible.module_utils.weibao_inspection.messages import msg, render
from ansible.module_utils.weibao_inspection.parsers import linux_system as ls
from ansible.module_utils.weibao_inspection.rules import system as rules
from chinese_text import check_every_finding, chinese_problems

FIXTURES = Path(__file__).parent / "fixtures" / "linux"
NOW = 1764000000.0  # 2025-11-24T16:00:00Z
ALL_CHECKS = {
    "system.uptime", "system.load", "system.cpu_utilisation", "system.io_wait",
    "system.memory", "system.swap", "system.filesystem_usage", "system.filesystem_inodes",
    "system.readonly_mounts", "system.zombie_processes", "system.top_processes",
    "system.failed_units", "system.time_sync", "system.nic_errors", "system.nic_flaps",
}
GIB = 1024 ** 3
THRESHOLDS = catalogue.merge_thresholds("system")
CONTEXT = {"now": NOW, "since": "2025-10-24T16:00:00Z"}
ROOT = Path(__file__).parents[2]
COLLECTORS = ROOT / "plugins" / "module_utils" / "weibao_inspection" / "collectors"


def error(key, cause="source_unreadable", **params):
    """A section that could not be read, as the parsers make it."""
    return {"error": msg(key, **params), "cause": cause}


def zh(finding):
    return finding["translations"]["zh-CN"]["summary"]


@pytest.fixture(autouse=True)
def every_finding_has_chinese(monkeypatch):
    """Every finding the rules build while a test runs is checked for its zh-CN text
    (tests/unit/chinese_text.py); returns the findings checked."""
    return check_every_finding(monkeypatch, rules)


def raw(folder, name):
    return (FIXTURES / folder / f"{name}.raw").read_text(encoding="utf-8").partition("\n")[2]


def parse(folder, name, parser):
    return getattr(ls, parser)(raw(folder, name))


def fs(mountpoint, used_pct=50.0, inodes_pct=10.0, size=100 * GIB, inodes=1000000, **extra):
    used = int(size * used_pct / 100)
    entry = {"mountpoint": mountpoint, "device": "/dev/sda1", "fstype": "xfs",
             "size_bytes": size, "used_bytes": used, "avail_bytes": size - used,
             "inodes_total": inodes, "inodes_free": int(inodes * (100 - inodes_pct) / 100)}
    entry.update(extra)
    return entry


def healthy():
    """The data of a healthy host, as parse_sources makes it (judged with CONTEXT)."""
    mounts = parse("cat_proc_mounts", "debian12_host", "parse_mounts")
    cpu = ls.cpu_usage_between(parse("cat_proc_stat", "debian12_idle_a", "parse_proc_stat"),
                               parse("cat_proc_stat", "debian12_idle_b", "parse_proc_stat"))
    cpu["sample_seconds"] = 2.0
    return {
        "boot_time_epoch": NOW - 90 * 86400,
        "boot_time_source": "btime in /proc/stat",
        "reboots": {"records": []},
        "loadavg": parse("cat_proc_loadavg", "debian12", "parse_loadavg"),
        "cpu_count": 2,
        "cpu": cpu,
        "memory": parse("cat_proc_meminfo", "debian12", "parse_meminfo"),
        "filesystems": {"entries": [fs("/"), fs("/var", 70.0)], "skipped_count": 30},
        "mounts": {"entries": mounts},
        "fstab": dict(parse("cat_etc_fstab", "debian12_unconfigured", "parse_fstab"),
                      path="/etc/fstab"),
        "processes": {
            "count": 120, "complete": True, "sample_seconds": 2.0, "zombies": [],
            "top_cpu": [{"pid": 812, "comm": "java", "cpu_pct": 35.0, "rss_kb": 2097152,
                         "mem_pct": 8.5, "args": "java -jar app.jar"}],
            "top_memory": [{"pid": 812, "comm": "java", "cpu_pct": 35.0, "rss_kb": 2097152,
                            "mem_pct": 8.5, "args": "java -jar app.jar"}],
        },
        "systemd": {"running": True, "pid1": "systemd", "state": "running",
                    "failed_units": [], "details": {}},
        "time_sync": {"answers": [{"tool": "chronyc", "synchronized": True,
                                   "answer": msg("system.time.chronyc", leap="Normal",
                                                 offset="", stratum=""),
                                   "values": {"stratum": 3}}],
                      "errors": []},
        "boot_time": ls.epoch_to_iso(NOW - 90 * 86400),
        "net_dev": {"interfaces": parse("cat_proc_net_dev", "debian12_vm", "parse_net_dev")},
        "net_links": {"eth0": dict(LINK_ZEROS, operstate="up", carrier_changes=2)},
    }


LINK_ZEROS = {name: 0 for name in rules.SYSFS_COUNTERS}


def only(findings, check_id):
    selected = [f for f in findings if f["check_id"] == check_id]
    assert selected, f"no {check_id} finding"
    return selected


def one(findings, check_id):
    selected = only(findings, check_id)
    assert len(selected) == 1, selected
    return selected[0]


# --------------------------------------------------------------------------- whole area


def test_healthy_host_all_ok_and_valid():
    findings = rules.evaluate(healthy(), THRESHOLDS, CONTEXT)
    assert {f["check_id"] for f in findings} == ALL_CHECKS
    for finding in findings:
        validate_finding(finding)
        assert finding["status"] == "ok", finding
        assert finding["host"] == ""


def test_broken_host_every_check_unknown():
    denied = msg("errno.EACCES")
    data = {"boot_error": error("reason.cannot_read", "no_permission", path="/proc/stat",
                                why=denied)}
    for name in ("loadavg", "cpu", "memory", "filesystems", "mounts", "processes", "systemd",
                 "net_dev", "net_links"):
        data[name] = error("reason.cannot_read", path=f"/proc/{name}", why=denied)
    data["time_sync"] = {"answers": [], "errors": [{
        "tool": "timedatectl", "reason": msg("reason.not_installed", command="timedatectl"),
        "cause": "tool_missing"}]}
    findings = rules.evaluate(data, THRESHOLDS, {"now": NOW})
    assert {f["check_id"] for f in findings} == ALL_CHECKS
    assert {f["status"] for f in findings} == {"unknown"}
    causes = {f["check_id"]: f["cause"] for f in findings}
    assert causes["system.uptime"] == "no_permission"
    assert causes["system.time_sync"] == "tool_missing"
    assert causes["system.load"] == "source_unreadable"


def test_nothing_collected_every_check_unknown_not_collected():
    """What judge sees for the checks a source does not feed: unknown, never ok."""
    findings = rules.evaluate({}, THRESHOLDS, {"now": NOW})
    assert {f["check_id"] for f in findings} == ALL_CHECKS
    assert {f["status"] for f in findings} == {"unknown"}


# --------------------------------------------------------------------------- Chinese text


def test_whole_area_findings_carry_chinese(every_finding_has_chinese):
    broken = {"boot_error": error("reason.cannot_read", path="/proc/uptime",
                                  why=msg("errno.EACCES")),
              "time_sync": {"answers": [], "errors": []}}
    for data in (healthy(), broken):
        findings = rules.evaluate(data, THRESHOLDS, CONTEXT)
        # each finding went through the check of the autouse fixture
        assert all(any(f is c for c in every_finding_has_chinese) for f in findings)
        for finding in findings:
            validate_finding(finding)
            assert not chinese_problems(finding)
    texts = {f["check_id"]: zh(f) for f in rules.evaluate(healthy(), THRESHOLDS, CONTEXT)}
    assert texts["system.readonly_mounts"] == \
        "没有应可写的文件系统被挂载为只读（已检查 2 个挂载点）"
    assert texts["system.swap"] == "本主机未配置交换空间"
    assert texts["system.uptime"] == ("自上次巡检（2025-10-24 16:00:00 UTC）以来未重启；主机于 "
                                      "2025-08-26 16:00:00 UTC 开机，已运行 90 天 0 小时")


@pytest.mark.parametrize("translations,problem", [
    (None, "no zh-CN summary"),
    ({"summary": "Load is high"}, "no Chinese character"),
    ({"summary": "负载过高"}, "numbers of the English summary"),
    ({"summary": "每个 CPU 负载 3.0"}, "no zh-CN recommendation"),
])
def test_chinese_check_rejects_missing_text(translations, problem):
    finding = findings_module.make_finding(
        "system.load", "warning", "Load 3.0 per CPU", recommendation="Find the cause.",
        summary_zh=(translations or {}).get("summary", ""))
    assert any(problem in p for p in chinese_problems(finding)), chinese_problems(finding)


AREA_FILES = [
    "plugins/module_utils/weibao_inspection/rules/system.py",
    "plugins/module_utils/weibao_inspection/parsers/linux_system.py",
    "plugins/module_utils/weibao_inspection/collectors/linux_system.py",
]


def _message_keys(path):
    """Every string of ``path`` that names a message: the first argument of msg() and
    ParseError(), and each branch of a conditional one."""
    keys = set()
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("msg", "ParseError") and node.args:
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            if isinstance(first, ast.Name) and first.id == "key":
                continue  # ParseError(key, **params) itself
            for option in options:
                assert isinstance(option, ast.Constant), \
                    f"{path}:{node.lineno}: a message key must be written out"
                keys.add((option.value, f"{path}:{node.lineno}"))
    return keys


def test_every_message_key_in_the_catalogue():
    """Every key the area's rules, parsers and collector name exists in the catalogue."""
    keys = set()
    for path in AREA_FILES:
        keys |= _message_keys(path)
    assert len(keys) > 100
    missing = sorted(f"{key} ({where})" for key, where in keys
                     if key not in catalogue.MESSAGES)
    assert not missing, missing


def test_rules_write_no_text():
    """Every finding the rules make is built from messages (nothing English-only)."""
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id in ("make_finding", "unknown")]
    assert len(calls) > 25
    for call in calls:
        keywords = {k.arg for k in call.keywords}
        assert not keywords & {"summary_zh", "reason_zh", "recommendation_zh"}, call.lineno
        summary = call.args[2] if call.func.id == "make_finding" else call.args[1]
        assert isinstance(summary, ast.Call) and summary.func.id == "msg", \
            f"line {call.lineno}: the summary is not a message"
        if call.func.id == "unknown":
            assert "cause" in keywords, f"line {call.lineno}: unknown() without a cause"


@pytest.mark.parametrize("message,english,chinese", [
    (msg("system.reason.counters_still"),
     "/proc/stat: the CPU counters did not advance between the two samples",
     "/proc/stat：两次采样之间 CPU 计数器没有增加"),
    (msg("system.reason.one_line", source="/proc/uptime", count=2),
     "/proc/uptime: expected one line, got 2", "/proc/uptime：应为 1 行，实际为 2 行"),
    (msg("system.reason.hidepid"),
     "/proc is mounted with hidepid and the module does not run as root (use become)",
     "/proc 以 hidepid 选项挂载，而模块未以 root 身份运行（请使用 become）"),
    (msg("system.reason.statvfs_timeout", seconds=10),
     "statvfs did not answer within 10 s (hung network filesystem?)",
     "statvfs 在 10 秒内没有响应（网络文件系统可能已挂起）"),
    (msg("reason.cannot_read", path="/proc/loadavg", why=errno_message(PermissionError(13, "x"))),
     "cannot read /proc/loadavg: permission denied", "无法读取 /proc/loadavg：权限不足"),
    (msg("reason.exited", command="systemctl --failed", rc=1, output="Failed to connect to bus"),
     'systemctl --failed exited 1: "Failed to connect to bus"',
     "systemctl --failed 退出码 1：“Failed to connect to bus”"),
    (msg("reason.exited_silent", command="last -x reboot -F", rc=1),
     "last -x reboot -F exited 1 with no output", "last -x reboot -F 退出码 1，没有输出"),
    (msg("system.reason.no_leap_status", text="506 Cannot talk to daemon"),
     'chronyc tracking: no \'Leap status\' in "506 Cannot talk to daemon"',
     "chronyc tracking：输出中没有 'Leap status' 字段：“506 Cannot talk to daemon”"),
    (msg("system.reason.not_iso", value="last tuesday"),
     'not an ISO-8601 time: "last tuesday"', "不是 ISO-8601 时间：“last tuesday”"),
    (msg("system.time.ntpq_no_peer", count=2),
     "no system peer among 2 peers", "2 个对等体中没有系统对等体（sys_peer）"),
    (msg("system.time.chronyc", leap="Normal",
         offset=msg("system.time.chronyc_offset", offset="+0.000012"),
         stratum=msg("system.time.chronyc_stratum", stratum=3)),
     "Leap status Normal, offset +0.000012 s, stratum 3",
     "闰秒状态 Normal，偏差 +0.000012 秒，层级 3"),
    (msg("system.time.ntpq_peer", peer="10.0.0.1", stratum=2, offset=0.123),
     "system peer 10.0.0.1 (stratum 2, offset 0.123 ms)",
     "系统对等体 10.0.0.1（层级 2，偏差 0.123 毫秒）"),
    (msg("system.time.status_service", synced=msg("system.word.no"), service="inactive"),
     "synchronized: no (NTP service: inactive)", "时钟同步：否（NTP 服务：inactive）"),
])
def test_reasons_and_answers_in_both_languages(message, english, chinese):
    """The collector's and the parsers' reasons and the time services' answers: numbers and
    paths kept; a tool's own message quoted verbatim."""
    assert render(message, "en") == english
    assert render(message, "zh-CN") == chinese


def test_parse_error_carries_its_message():
    with pytest.raises(ls.ParseError) as caught:
        ls.parse_chronyc_tracking(raw("chronyc_tracking", "daemon_not_running"))
    assert caught.value.message["key"] == "system.reason.no_leap_status"
    assert render(caught.value.message, "zh-CN").startswith("chronyc tracking：输出中没有")
    assert str(caught.value).startswith("chronyc tracking: no 'Leap status' in")


# --------------------------------------------------------------------------- thresholds


def test_thresholds_come_from_the_catalogue():
    merged = catalogue.merge_thresholds("system", {"filesystem_usage": {"warning": "80"},
                                                   "swap": {"critical": None}})
    assert merged["filesystem_usage"] == {"warning": 80, "critical": 95}
    assert merged["swap"] == {"warning": 50, "critical": None}
    assert merged["load"] == {"warning": 1.5, "critical": 3}
    assert catalogue.defaults("system")["filesystem_usage"]["warning"] == 85  # not mutated
    assert not hasattr(rules, "DEFAULT_THRESHOLDS") and not hasattr(rules, "merge_thresholds")


@pytest.mark.parametrize("overrides,message", [
    ({"filesystem": {"warning": 80}}, "unknown check"),
    ({"swap": {"warn": 10}}, "unknown level"),
    ({"swap": {"warning": "lots"}}, "thresholds.swap.warning: 'lots' is not a number"),
    ({"swap": 50}, "expected a mapping"),
])
def test_thresholds_rejected(overrides, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        catalogue.merge_thresholds("system", overrides)


def test_disabled_level_is_not_applied():
    data = healthy()
    data["filesystems"]["entries"] = [fs("/", 99.0)]
    findings = rules.check_filesystems(
        data, catalogue.merge_thresholds("system", {"filesystem_usage": {"critical": None}}))
    assert one(findings, "system.filesystem_usage")["status"] == "warning"


# --------------------------------------------------------------------------- uptime


def test_uptime_without_previous_inspection():
    finding = one(rules.check_uptime(healthy(), {"now": NOW, "since": ""}), "system.uptime")
    assert finding["status"] == "ok"
    assert "no previous inspection" in finding["summary"]
    assert finding["values"]["reboots_since"] is None


def test_uptime_without_collection_time():
    finding = one(rules.check_uptime(healthy(), {"now": None, "since": None}), "system.uptime")
    assert finding["status"] == "ok"
    assert finding["summary"] == ("Booted 2025-08-26 16:00:00 UTC, uptime unknown; no previous "
                                  "inspection to compare with")
    assert zh(finding) == "主机于 2025-08-26 16:00:00 UTC 开机，运行时长未知；没有可比较的上次巡检"
    # a report renders the finding's message again in the site's zone
    assert render(finding["message"]["summary"], "zh-CN", "Asia/Shanghai") == (
        "主机于 2025-08-27 00:00:00 CST 开机，运行时长未知；没有可比较的上次巡检")


def test_uptime_no_reboot_since_last_inspection():
    finding = one(rules.check_uptime(healthy(), CONTEXT), "system.uptime")
    assert finding["status"] == "ok"
    assert finding["values"]["reboots_since"] == 0
    assert finding["values"]["boot_time"] == "2025-08-26T16:00:00Z"


def _wtmp(name):
    result = parse("last_x_F_reboot", name, "parse_last_reboot")
    for record in result["records"]:
        record["start_epoch"] = ls.last_time_to_epoch(record["start"])
    result["begins_epoch"] = ls.last_time_to_epoch(result["begins"])
    return result


def _since(when):
    return {"now": NOW, "since": when}


def test_uptime_rebooted_twice_counted_from_wtmp():
    data = healthy()
    data.update(boot_time_epoch=ls.iso_to_epoch("2025-11-20T19:47:13Z"),
                reboots=_wtmp("debian12_iso_utc"))
    finding = one(rules.check_uptime(data, _since("2025-11-01T00:00:00Z")), "system.uptime")
    assert finding["status"] == "warning"
    assert finding["values"]["reboots_since"] == 2
    assert finding["values"]["reboots_since_complete"] is True
    assert "Rebooted 2 times since" in finding["summary"]
    assert any("2025-11-14T03:22:51" in line for line in finding["evidence"])
    assert finding["recommendation"]


def test_uptime_reboot_count_is_a_lower_bound_when_wtmp_starts_later():
    data = healthy()
    data.update(boot_time_epoch=ls.iso_to_epoch("2025-11-20T19:47:13Z"),
                reboots=_wtmp("debian12_iso_shanghai"))
    finding = one(rules.check_uptime(data, _since("2025-09-01T00:00:00Z")), "system.uptime")
    assert finding["status"] == "warning"
    assert finding["values"]["reboots_since"] == 4
    assert finding["values"]["reboots_since_complete"] is False
    assert "at least 4 times" in finding["summary"]


def test_uptime_reboot_without_wtmp_reports_unknown_count():
    data = healthy()
    data.update(boot_time_epoch=NOW - 3600,
                reboots=error("reason.exited", command="last -x reboot -F", rc=1,
                              output="last: cannot open /var/log/wtmp"))
    finding = one(rules.check_uptime(data, CONTEXT), "system.uptime")
    assert finding["status"] == "warning"
    assert finding["values"]["reboots_since"] is None
    assert finding["values"]["boot_time"] == "2025-11-24T15:00:00Z"
    assert "at least once" in finding["summary"] and "wtmp" in finding["summary"]


def test_uptime_wtmp_missing_the_current_boot_still_counts_one():
    data = healthy()
    data.update(boot_time_epoch=NOW - 3600, reboots=_wtmp("debian12_empty_wtmp"))
    finding = one(rules.check_uptime(data, CONTEXT), "system.uptime")
    assert finding["status"] == "warning"
    assert finding["values"]["reboots_since"] == 1
    assert finding["values"]["reboots_since_complete"] is False


@pytest.mark.parametrize("change,context,reason,cause", [
    ({"boot_time_epoch": None,
      "boot_error": error("reason.cannot_read", path="/proc/uptime", why=msg("errno.EIO"))},
     CONTEXT, "cannot read /proc/uptime", "source_unreadable"),
    ({"boot_time_epoch": None}, CONTEXT, "booted: not collected", "incomplete"),
    ({}, _since("last month"), 'not an ISO-8601 time: "last month"', "not_understood"),
    ({}, _since("2025-11-25T16:00:00Z"), "later than this host", "stale"),
])
def test_uptime_unknown(change, context, reason, cause):
    data = healthy()
    data.update(change)
    finding = one(rules.check_uptime(data, context), "system.uptime")
    assert finding["status"] == "unknown"
    assert reason in finding["summary"]
    assert finding["cause"] == cause


# --------------------------------------------------------------------------- load, CPU


@pytest.mark.parametrize("cpus,status", [(64, "ok"), (48, "warning"), (30, "critical")])
def test_load_per_cpu(cpus, status):
    data = healthy()
    data.update(loadavg=parse("cat_proc_loadavg", "rhel8_busy", "parse_loadavg"), cpu_count=cpus)
    finding = one(rules.check_load(data, THRESHOLDS), "system.load")
    assert finding["status"] == status
    assert finding["values"]["load15_per_cpu"] == round(90.12 / cpus, 2)
    assert finding["thresholds"] == {"warning": 1.5, "critical": 3}


@pytest.mark.parametrize("change", [
    {"loadavg": error("system.reason.unexpected_format", "not_understood",
                      source="/proc/loadavg", line="0.1 0.2")},
    {"cpu_count": None}])
def test_load_unknown(change):
    data = healthy()
    data.update(change)
    assert one(rules.check_load(data, THRESHOLDS), "system.load")["status"] \
        == "unknown"


def _cpu(pair):
    cpu = ls.cpu_usage_between(parse("cat_proc_stat", f"{pair}_a", "parse_proc_stat"),
                               parse("cat_proc_stat", f"{pair}_b", "parse_proc_stat"))
    cpu["sample_seconds"] = 2.0
    return cpu


def test_cpu_busy_is_critical():
    data = healthy()
    data["cpu"] = _cpu("debian12_busy")
    findings = rules.check_cpu(data, THRESHOLDS)
    assert one(findings, "system.cpu_utilisation")["status"] == "critical"
    assert one(findings, "system.io_wait")["status"] == "ok"
    assert "2-second sample" in one(findings, "system.cpu_utilisation")["summary"]


def test_io_wait_warning_from_captured_dd():
    data = healthy()
    data["cpu"] = _cpu("debian12_io")
    findings = rules.check_cpu(data, THRESHOLDS)
    assert one(findings, "system.io_wait")["status"] == "warning"
    assert one(findings, "system.io_wait")["values"]["iowait_pct"] == 25.54
    assert one(findings, "system.cpu_utilisation")["status"] == "ok"


def test_cpu_warning_and_io_wait_critical():
    data = healthy()
    data["cpu"] = {"busy_pct": 88.0, "iowait_pct": 41.0, "steal_pct": 0.0, "idle_pct": 0.0,
                   "sample_seconds": 5.0}
    findings = rules.check_cpu(data, THRESHOLDS)
    assert one(findings, "system.cpu_utilisation")["status"] == "warning"
    assert one(findings, "system.io_wait")["status"] == "critical"


def test_cpu_unknown():
    data = healthy()
    data["cpu"] = error("system.reason.counters_still", "not_understood")
    findings = rules.check_cpu(data, THRESHOLDS)
    assert [f["status"] for f in findings] == ["unknown", "unknown"]


def test_io_wait_unknown_without_iowait_counter():
    data = healthy()
    first = parse("cat_proc_stat", "kernel24_four_counters", "parse_proc_stat")
    second = copy.deepcopy(first)
    second["cpu"]["idle"] += 100
    data["cpu"] = dict(ls.cpu_usage_between(first, second), sample_seconds=5.0)
    findings = rules.check_cpu(data, THRESHOLDS)
    assert one(findings, "system.cpu_utilisation")["status"] == "ok"
    assert one(findings, "system.io_wait")["status"] == "unknown"


# --------------------------------------------------------------------------- memory, swap


def test_memory_pressure_critical_and_swap_critical():
    data = healthy()
    data["memory"] = parse("cat_proc_meminfo", "rhel8_memory_pressure", "parse_meminfo")
    memory = one(rules.check_memory(data, THRESHOLDS), "system.memory")
    assert memory["status"] == "critical"
    assert memory["values"]["used_pct"] == 98.4
    swap = one(rules.check_swap(data, THRESHOLDS), "system.swap")
    assert swap["status"] == "critical"
    assert swap["values"]["used_pct"] == 89.1


def test_memory_and_swap_warning():
    data = healthy()
    data["memory"] = {"mem_total_kb": 1000000, "mem_free_kb": 50000, "mem_available_kb": 80000,
                      "available_source": "MemAvailable", "buffers_kb": 0, "cached_kb": 0,
                      "swap_total_kb": 1000000, "swap_free_kb": 400000}
    assert one(rules.check_memory(data, THRESHOLDS), "system.memory")["status"] \
        == "warning"
    assert one(rules.check_swap(data, THRESHOLDS), "system.swap")["status"] \
        == "warning"


def test_memory_estimated_on_old_kernel():
    data = healthy()
    data["memory"] = parse("cat_proc_meminfo", "rhel6_2.6.32_no_memavailable", "parse_meminfo")
    memory = one(rules.check_memory(data, THRESHOLDS), "system.memory")
    assert memory["status"] == "ok"
    assert "estimated" in memory["summary"]
    assert memory["values"]["available_source"] == "MemFree+Buffers+Cached"


def test_no_swap_configured_is_ok_and_said():
    swap = one(rules.check_swap(healthy(), THRESHOLDS), "system.swap")
    assert swap["status"] == "ok"
    assert "No swap space is configured" in swap["summary"]


def test_memory_and_swap_unknown():
    data = healthy()
    data["memory"] = error("system.reason.missing", "not_understood", source="/proc/meminfo",
                           field="SwapTotal")
    assert one(rules.check_memory(data, THRESHOLDS), "system.memory")["status"] \
        == "unknown"
    assert one(rules.check_swap(data, THRESHOLDS), "system.swap")["status"] \
        == "unknown"


# --------------------------------------------------------------------------- filesystems


def test_filesystem_one_finding_per_mount():
    data = healthy()
    data["filesystems"]["entries"] = [
        fs("/", 40.0), fs("/var", 86.0), fs("/data", 96.5, inodes_pct=90.0),
        fs("/srv/btrfs", 20.0, inodes=0, fstype="btrfs"),
        fs("/mnt/weibao-full", 100.0, size=1024 * 1024, device="tmpfs", fstype="tmpfs"),
    ]
    findings = rules.check_filesystems(data, THRESHOLDS)
    usage = {f["component"]: f["status"] for f in only(findings, "system.filesystem_usage")}
    inodes = {f["component"]: f["status"] for f in only(findings, "system.filesystem_inodes")}
    assert usage == {"/": "ok", "/var": "warning", "/data": "critical", "/srv/btrfs": "ok",
                     "/mnt/weibao-full": "critical"}
    # btrfs reports no inodes: no inode finding for it (neither ok nor unknown)
    assert inodes == {"/": "ok", "/var": "ok", "/data": "warning", "/mnt/weibao-full": "ok"}
    var = next(f for f in findings if f["component"] == "/var"
               and f["check_id"] == "system.filesystem_usage")
    assert var["recommendation"] and "du -xh" in var["recommendation"]
    assert var["thresholds"] == {"warning": 85, "critical": 95}


def test_filesystem_inodes_critical():
    data = healthy()
    data["filesystems"]["entries"] = [fs("/var/spool", 30.0, inodes_pct=99.0)]
    findings = rules.check_filesystems(data, THRESHOLDS)
    assert one(findings, "system.filesystem_inodes")["status"] == "critical"


def test_filesystem_usage_like_df_excludes_reserved_blocks():
    data = healthy()
    # ext4 with 5 % reserved: 95 used + 0 available of 100 -> df says 100 %
    data["filesystems"]["entries"] = [dict(fs("/"), size_bytes=100, used_bytes=95,
                                           avail_bytes=0)]
    finding = one(rules.check_filesystems(data, THRESHOLDS),
                  "system.filesystem_usage")
    assert finding["values"]["used_pct"] == 100.0
    assert finding["status"] == "critical"


def test_filesystem_unknown_cases():
    data = healthy()
    data["filesystems"]["entries"] = [
        {"mountpoint": "/mnt/archive", "device": "nas01:/export/archive", "fstype": "nfs4",
         "error": msg("system.reason.statvfs_timeout", seconds=10)},
        fs("/weird", size=0, inodes=0, fstype="fuse.something"),
    ]
    findings = rules.check_filesystems(data, THRESHOLDS)
    statuses = [(f["check_id"], f["component"], f["status"]) for f in findings]
    assert statuses == [
        ("system.filesystem_usage", "/mnt/archive", "unknown"),
        ("system.filesystem_inodes", "/mnt/archive", "unknown"),
        ("system.filesystem_usage", "/weird", "unknown"),
    ]
    assert "hung network filesystem" in findings[0]["summary"]


def test_filesystem_nothing_left_to_judge_is_unknown():
    data = healthy()
    data["filesystems"] = {"entries": [], "skipped_count": 12}
    finding = one(rules.check_filesystems(data, THRESHOLDS),
                  "system.filesystem_usage")
    assert finding["status"] == "unknown"
    assert "12 mounts skipped" in finding["summary"]


def test_filesystems_unknown_when_mounts_unreadable():
    data = healthy()
    data["filesystems"] = error("reason.empty", "not_understood", source="/proc/mounts")
    findings = rules.check_filesystems(data, THRESHOLDS)
    assert {(f["check_id"], f["status"]) for f in findings} == {
        ("system.filesystem_usage", "unknown"), ("system.filesystem_inodes", "unknown")}


@pytest.mark.parametrize("fixture,judged", [
    ("debian12_host", ["/", "/mnt/sandboxing/model_tools_env/v1/python"]),
    # bind-mounted files (/etc/hostname ...) are dropped later by the module's stat
    ("debian12_podman_container", ["/", "/tmp", "/etc/hostname", "/etc/resolv.conf",
                                   "/etc/hosts", "/var/log/journal"]),
    ("rhel8_root_remounted_ro", ["/", "/boot", "/home", "/data/Oracle Backups",
                                 "/mnt/archive"]),
])
def test_select_mounts_defaults(fixture, judged):
    mounts = parse("cat_proc_mounts", fixture, "parse_mounts")
    selected = rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES,
                                   rules.DEFAULT_IGNORE_MOUNTPOINTS)
    assert [m["mountpoint"] for m in selected] == judged


def test_select_mounts_tmpfs_judged_outside_runtime_trees():
    mounts = ls.parse_mounts(
        "tmpfs /dev/shm tmpfs rw 0 0\n"
        "tmpfs /run/user/0 tmpfs rw 0 0\n"
        "tmpfs /mnt/weibao-full tmpfs rw,size=1024k 0 0\n"
        "/dev/sdb1 /var/lib/docker xfs rw 0 0\n"
        "overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0\n"
        "/dev/sdc1 /data ext4 rw 0 0\n"
        "/dev/sdd1 /data ext4 rw 0 0\n"
        "/dev/loop3 /snap/core/123 squashfs ro 0 0\n")
    selected = rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES,
                                   rules.DEFAULT_IGNORE_MOUNTPOINTS)
    assert [(m["mountpoint"], m["device"]) for m in selected] == [
        ("/mnt/weibao-full", "tmpfs"), ("/var/lib/docker", "/dev/sdb1"), ("/data", "/dev/sdd1")]
    hidden = [m for m in mounts if m["device"] == "/dev/sdc1"][0]
    assert hidden["ignored"] is None and "hidden by a later mount" in render(hidden["skipped"])
    assert "ignore_fstypes" in render(mounts[-1]["ignored"])
    # a user who wants /dev/shm judged narrows the mount point list
    selected = rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES, ["/run/*"])
    assert "/dev/shm" in [m["mountpoint"] for m in selected]


# --------------------------------------------------------------------------- read-only


def _rhel8_ro(fstab="rhel8_lvm"):
    data = healthy()
    mounts = parse("cat_proc_mounts", "rhel8_root_remounted_ro", "parse_mounts")
    rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES, rules.DEFAULT_IGNORE_MOUNTPOINTS)
    data["mounts"] = {"entries": mounts}
    if fstab:
        data["fstab"] = dict(parse("cat_etc_fstab", fstab, "parse_fstab"), path="/etc/fstab")
    else:
        data["fstab"] = {"path": "/etc/fstab", "missing": True, "entries": [], "bad_lines": [],
                         **error("reason.does_not_exist", path="/etc/fstab")}
    return data


def test_readonly_mounts_critical_per_mount():
    findings = rules.check_readonly_mounts(_rhel8_ro())
    assert [(f["component"], f["status"]) for f in findings] == [
        ("/", "critical"), ("/data/Oracle Backups", "critical")]
    assert "fstab mounts it read-write (defaults)" in findings[0]["summary"]
    assert any(line.startswith("fstab: /dev/mapper/rhel-root /") for line in
               findings[0]["evidence"])
    assert "xfs_repair" in findings[0]["recommendation"]


def test_readonly_root_without_fstab_entry_is_critical():
    findings = rules.check_readonly_mounts(_rhel8_ro(fstab=None))
    assert [(f["component"], f["status"]) for f in findings] == [("/", "critical")]
    assert "normally writable" in findings[0]["summary"]


def test_readonly_mount_that_fstab_says_ro_is_fine():
    data = _rhel8_ro()
    for entry in data["fstab"]["entries"]:
        if entry["mountpoint"] in ("/", "/data/Oracle Backups"):
            entry["options"] = ["ro"]
            entry["readonly"] = True
    finding = one(rules.check_readonly_mounts(data), "system.readonly_mounts")
    assert finding["status"] == "ok"
    assert any("fstab line not understood: /dev/mapper/datavg-old" in line
               for line in finding["evidence"])


def test_readonly_ok_on_debian_host_and_container():
    finding = one(rules.check_readonly_mounts(healthy()), "system.readonly_mounts")
    assert finding["status"] == "ok"
    data = healthy()
    mounts = parse("cat_proc_mounts", "debian12_podman_container", "parse_mounts")
    rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES, rules.DEFAULT_IGNORE_MOUNTPOINTS)
    data["mounts"] = {"entries": mounts}
    # ro /sys, /proc/* and cgroup mounts of a container are ignored, not reported
    assert one(rules.check_readonly_mounts(data), "system.readonly_mounts")["status"] == "ok"


def _mounts(text):
    mounts = ls.parse_mounts(text)
    rules.select_mounts(mounts, rules.DEFAULT_IGNORE_FSTYPES, rules.DEFAULT_IGNORE_MOUNTPOINTS)
    return {"entries": mounts}


def test_readonly_mount_whose_fstab_line_cannot_be_read_is_not_judged():
    """An ro mount without a readable fstab entry may be the broken line's: unknown, not ok."""
    data = _rhel8_ro()
    for entry in data["fstab"]["entries"]:
        if entry["mountpoint"] in ("/", "/data/Oracle Backups"):
            entry["options"] = ["ro"]
            entry["readonly"] = True
    # /srv/old is what the broken line "/dev/mapper/datavg-old  /srv/old" meant to mount
    data["mounts"] = _mounts(raw("cat_proc_mounts", "rhel8_root_remounted_ro")
                             + "/dev/mapper/datavg-old /srv/old xfs ro,relatime 0 0\n")
    finding = one(rules.check_readonly_mounts(data), "system.readonly_mounts")
    assert finding["status"] == "unknown"
    assert finding["component"] == "/srv/old"
    assert "1 line there could not be read" in finding["summary"]
    assert "fstab line not understood: /dev/mapper/datavg-old  /srv/old" in finding["evidence"]
    assert "1 行无法解析" in finding["translations"]["zh-CN"]["summary"]


def test_readonly_with_unreadable_fstab_lines_judges_what_it_can():
    data = healthy()
    data["mounts"] = _mounts("/dev/sda2 / ext4 ro,relatime 0 0\n"
                             "/dev/sdb1 /data xfs ro,relatime 0 0\n"
                             "/dev/sdc1 /backup xfs ro,relatime 0 0\n"
                             "/dev/sdd1 /archive xfs ro,relatime 0 0\n")
    data["fstab"] = dict(ls.parse_fstab("/dev/sdb1 /data xfs defaults 0 0\n"
                                        "/dev/sdc1 /backup xfs ro 0 0\n"
                                        "/dev/sdd1\n/dev/sde1 /x y z 0 0 extra\n"),
                         path="/etc/fstab")
    findings = rules.check_readonly_mounts(data)
    assert [(f["component"], f["status"]) for f in findings] == [
        ("/", "critical"), ("/data", "critical"), ("/archive", "unknown")]
    # / is read-only whatever its line says: still critical, and says what it could not read
    assert "no readable line of /etc/fstab says ro (2 lines could not be read)" \
        in findings[0]["summary"]
    assert "fstab line not understood: /dev/sdd1" in findings[0]["evidence"]
    assert "2 lines there could not be read" in findings[2]["summary"]


@pytest.mark.parametrize("change", [
    {"mounts": error("reason.empty", "not_understood", source="/proc/mounts")},
    {"fstab": {"path": "/etc/fstab", **error("reason.cannot_read", "no_permission",
                                             path="/etc/fstab", why=msg("errno.EACCES"))}},
])
def test_readonly_unknown(change):
    data = healthy()
    data.update(change)
    assert one(rules.check_readonly_mounts(data), "system.readonly_mounts")["status"] \
        == "unknown"


# --------------------------------------------------------------------------- processes


def _zombies(count):
    return [{"pid": 5000 + i, "comm": "worker", "ppid": 4767, "parent_comm": "python3"}
            for i in range(count)]


@pytest.mark.parametrize("count,status", [(0, "ok"), (4, "ok"), (5, "warning"),
                                          (49, "warning"), (50, "critical")])
def test_zombies(count, status):
    data = healthy()
    data["processes"]["zombies"] = _zombies(count)
    finding = one(rules.check_zombies(data, THRESHOLDS),
                  "system.zombie_processes")
    assert finding["status"] == status
    assert finding["values"]["zombie_count"] == count
    if count:
        assert "4767 python3" in finding["summary"]
        assert len(finding["evidence"]) <= 21


def test_zombies_from_captured_process_table():
    procs = {p["pid"]: p for p in parse("cat_proc_pid_stat", "zombie_and_odd_name",
                                        "parse_pid_stats")}
    zombies = [{"pid": p["pid"], "comm": p["comm"], "ppid": p["ppid"],
                "parent_comm": procs.get(p["ppid"], {}).get("comm")}
               for p in procs.values() if p["state"] == "Z"]
    assert zombies == [{"pid": 4808, "comm": "python3", "ppid": 4767, "parent_comm": "python3"}]


@pytest.mark.parametrize("processes", [
    error("reason.cannot_list", "no_permission", path="/proc", why=msg("errno.EACCES")),
    {"count": 12, "complete": False, "incomplete_reason": msg("system.reason.hidepid"),
     "zombies": [], "top_cpu": [], "top_memory": []},
    {"count": 0, "complete": True, "zombies": [], "top_cpu": [], "top_memory": []},
])
def test_process_checks_unknown(processes):
    data = healthy()
    data["processes"] = processes
    assert one(rules.check_zombies(data, THRESHOLDS),
               "system.zombie_processes")["status"] == "unknown"
    assert one(rules.check_top_processes(data), "system.top_processes")["status"] == "unknown"


def test_top_processes_informational_even_under_load():
    data = healthy()
    hog = {"pid": 4242, "comm": "stress", "cpu_pct": 199.5, "rss_kb": 20 * 1024 * 1024,
           "mem_pct": 97.0, "args": "stress --cpu 2 --vm 1"}
    data["processes"]["top_cpu"] = [hog]
    data["processes"]["top_memory"] = [hog]
    finding = one(rules.check_top_processes(data), "system.top_processes")
    assert finding["status"] == "ok"  # judged by system.cpu_utilisation and system.memory
    assert finding["values"]["cpu_1_name"] == "stress"
    assert finding["values"]["cpu_1_pct"] == 199.5
    assert finding["values"]["mem_1_rss_kb"] == 20 * 1024 * 1024
    assert "top CPU stress (199.5 %)" in finding["summary"]


# --------------------------------------------------------------------------- systemd


def test_failed_units_warning_per_unit_with_details():
    data = healthy()
    details = {b["Id"]: b for b in parse("systemctl_show", "debian12_systemd252",
                                         "parse_systemctl_show")}
    data["systemd"].update(
        state=parse("systemctl_is_system_running", "degraded", "parse_is_system_running"),
        failed_units=parse("systemctl_list_units_failed", "debian12_systemd252_bullet_utf8",
                           "parse_systemctl_failed"),
        details=details)
    findings = rules.check_failed_units(data)
    assert [(f["component"], f["status"]) for f in findings] == [
        ("backup-nightly.service", "warning"), ("weibao-fail.service", "warning")]
    assert "result exit-code, since Wed 2026-11-25 06:12:20 UTC" in findings[0]["summary"]
    assert "ExecMainStatus=3" in findings[0]["evidence"]
    assert "systemctl reset-failed backup-nightly.service" in findings[0]["recommendation"]


def test_failed_units_rhel7_not_found_unit():
    data = healthy()
    data["systemd"]["failed_units"] = parse("systemctl_list_units_failed", "rhel7_systemd219",
                                            "parse_systemctl_failed")
    findings = rules.check_failed_units(data)
    assert [f["component"] for f in findings] == ["network.service", "rhnsd.service"]
    assert findings[1]["values"]["load"] == "not-found"


def test_no_systemd_is_not_applicable_and_says_why():
    data = healthy()
    data["systemd"] = {"running": False, "pid1": "process_api"}
    assert rules.check_failed_units(data) == []
    [entry] = rules.not_applicable(data)
    assert entry["check_id"] == "system.failed_units"
    assert render(entry["reason"]) == ("systemd is not running on this host (PID 1 is "
                                       "process_api); no units to check")
    assert "未运行 systemd" in render(entry["reason"], "zh-CN")
    assert rules.not_applicable(healthy()) == []


@pytest.mark.parametrize("systemd,reason", [
    ({"running": True, "pid1": "systemd",
      **error("reason.exited", command="systemctl --failed", rc=1,
              output="Failed to connect to bus")}, "Failed to connect"),
    ({"running": True, "pid1": "systemd", "state": "degraded", "failed_units": []},
     "degraded but lists no failed unit"),
    (None, "not collected"),
])
def test_failed_units_unknown(systemd, reason):
    data = healthy()
    data["systemd"] = systemd
    finding = one(rules.check_failed_units(data), "system.failed_units")
    assert finding["status"] == "unknown"
    assert reason in finding["summary"]


# --------------------------------------------------------------------------- time sync


def _time(**sources):
    """The time_sync section parse_sources makes of these tools' captured outputs."""
    raw_sources = {tool: raw(folder, case) if isinstance(case, str) else case
                   for tool, (folder, case) in sources.items()}
    return ls.parse_sources(raw_sources)["time_sync"]


def test_time_sync_first_synchronised_tool_decides():
    data = healthy()
    data["time_sync"] = _time(timedatectl=("timedatectl_show", "show_debian12_not_synced"),
                              chronyc=("chronyc_tracking", "debian12_chrony43_normal"))
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert finding["status"] == "ok"
    assert finding["values"]["source"] == "chronyc"
    assert finding["values"]["stratum"] == 9
    assert finding["summary"].startswith("Clock synchronised (chronyc: Leap status Normal")


def test_time_sync_warning_when_no_tool_synchronised():
    data = healthy()
    data["time_sync"] = _time(
        timedatectl=("timedatectl_show", "show_debian12_not_synced"),
        chronyc=("", {"error": msg("reason.not_installed", command="chronyc"),
                      "cause": "tool_missing"}),
        ntpq=("ntpq_pn", "debian12_ntpsec_not_synced"))
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert finding["status"] == "warning"
    assert "timedatectl: NTPSynchronized=no; ntpq: no system peer" in finding["summary"]
    assert zh(finding).startswith("时钟未同步：timedatectl：NTPSynchronized=no；ntpq：")
    assert "chronyc: chronyc is not installed" in finding["evidence"]


def test_time_sync_unknown_when_nothing_answers():
    data = healthy()
    data["time_sync"] = _time(
        timedatectl=("", {"error": msg("reason.exited", command="timedatectl status", rc=1,
                                       output="System has not been booted with systemd"),
                          "cause": "source_unreadable"}),
        chronyc=("chronyc_tracking", "daemon_not_running"),
        ntpq=("", {"error": msg("reason.not_installed", command="ntpq"),
                   "cause": "tool_missing"}))
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert finding["status"] == "unknown"
    assert "No time service tool answered" in finding["summary"]
    assert "chronyc: chronyc tracking: no 'Leap status'" in finding["summary"]
    assert "chronyc：chronyc tracking：输出中没有 'Leap status' 字段" in zh(finding)
    assert finding["cause"] == "source_unreadable"


def test_time_sync_tool_missing_everywhere_is_its_cause():
    missing = {"error": msg("reason.not_installed", command="x"), "cause": "tool_missing"}
    data = {"time_sync": _time(chronyc=("", missing), ntpq=("", missing))}
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert (finding["status"], finding["cause"]) == ("unknown", "tool_missing")


# --------------------------------------------------------------------------- network links

PREVIOUS_AT = "2025-10-25T16:00:00Z"  # 30 days before NOW
BOOT = ls.epoch_to_iso(NOW - 90 * 86400)


def server():
    """A server's network data: rhel9_server_errors (eno1 with 1542 CRC/frame errors since
    boot, drops on eno2, ignored lo/docker0/veth/virbr0) and its sysfs readings."""
    data = healthy()
    data["net_dev"] = {"interfaces": parse("cat_proc_net_dev", "rhel9_server_errors",
                                           "parse_net_dev")}
    links = {}
    for entry in data["net_dev"]["interfaces"]:
        links[entry["interface"]] = dict(LINK_ZEROS, operstate="up", carrier_changes=2)
    links["eno1"]["rx_crc_errors"] = 1542
    data["net_links"] = links
    return data


def grow(data, iface, **increments):
    """Add to an interface's counters (/proc/net/dev columns or sysfs ones)."""
    data = copy.deepcopy(data)
    entry = next(e for e in data["net_dev"]["interfaces"] if e["interface"] == iface)
    for name, increment in increments.items():
        target = data["net_links"][iface] if name in data["net_links"][iface] else entry
        target[name] += increment
    return data


def previous_of(data, at=PREVIOUS_AT, boot=None):
    """What the runner passes back: the counters rules.counters(data) returned, read ``at``."""
    return {deltas.key(c["check_id"], c["component"], c["name"]):
            {"value": c["value"], "at": at, "boot_time": boot or c["boot_time"]}
            for c in rules.counters(data)}


def nic(findings, iface, check_id="system.nic_errors"):
    selected = [f for f in findings if f["check_id"] == check_id and f["component"] == iface]
    assert len(selected) == 1, (iface, [(f["check_id"], f["component"]) for f in findings])
    return selected[0]


def judged_net(data, previous=None, context=None):
    context = dict({"now": NOW, "previous": previous or {}}, **(context or {}))
    return rules.check_nic_errors(data, THRESHOLDS, context) \
        + rules.check_nic_flaps(data, THRESHOLDS, context)


def test_ignore_list_skips_virtual_interfaces_not_a_containers_eth0():
    for name in ("lo", "veth1a2b3c4", "docker0", "br-5f2a1b3c4d5e", "virbr0", "virbr0-nic",
                 "cni-podman0", "cni0", "flannel.1", "cali12345abcde", "vnet3", "tun0", "tap7",
                 "kube-ipvs0", "cilium_host", "vxlan.calico", "podman0", "ifb0", "tunl0"):
        assert rules.interface_ignored(name) is not None, name
    for name in ("eth0", "eno1", "ens1f0np0", "bond0", "bond0.100", "eth0.100", "team0",
                 "br0", "ib0", "em1", "p1p1", "wbflap0"):
        assert rules.interface_ignored(name) is None, name
    assert rules.interface_ignored("veth9", ["eth*"]) is None
    assert rules.interface_ignored("eth0", ["eth*"]) == "eth*"


def test_nic_first_inspection_judges_totals_since_boot():
    findings = judged_net(server())
    errors = [f for f in findings if f["check_id"] == "system.nic_errors"]
    assert [f["component"] for f in errors] == ["eno1", "eno2", "ens1f0np0", "ens1f1np1",
                                                "bond0", "bond0.100"]  # lo, docker0 ... ignored
    eno1 = nic(findings, "eno1")
    assert eno1["status"] == "critical"  # 1542 errors since boot >= 1000
    assert eno1["summary"] == (
        "eno1: 1542 errors since boot at 2025-08-26 16:00:00 UTC, with no earlier reading to "
        "compare with (rx_errs +1542, rx_frame +1542, rx_crc_errors +1542)")
    assert zh(eno1) == ("eno1：自 2025-08-26 16:00:00 UTC 开机以来（此前没有可比较的读数）错误 "
                        "1542 个（rx_errs +1542、rx_frame +1542、rx_crc_errors +1542）")
    assert eno1["values"]["baseline"] == "boot" and eno1["values"]["since"] == BOOT
    assert eno1["values"]["rx_crc_errors_delta"] == 1542
    assert "rx_crc_errors_previous" not in eno1["values"]
    assert "ethtool -S eno1" in eno1["recommendation"]
    assert nic(findings, "ens1f1np1")["status"] == "warning"  # 3 errors
    # drops are shown, never judged: 88231 packets of unknown protocols on a healthy port
    eno2 = nic(findings, "eno2")
    assert eno2["status"] == "ok" and eno2["values"]["dropped"] == 88231
    assert eno2["summary"].endswith("; 88231 packets dropped (not judged)")
    flaps = nic(findings, "eno1", "system.nic_flaps")
    assert flaps["status"] == "ok"  # 2 changes: the link coming up at boot
    assert flaps["summary"] == (
        "eno1 (link up): no link change since boot at 2025-08-26 16:00:00 UTC, with no earlier "
        "reading to compare with (2 changes of the link first coming up not counted)")
    assert flaps["values"]["bringup_not_counted"] == 2 and flaps["values"]["changes"] == 0


def test_nic_no_growth_since_the_previous_inspection_is_ok():
    data = server()
    findings = judged_net(data, previous_of(data))
    assert {f["status"] for f in findings} == {"ok"}  # the 1542 old errors are not new
    eno1 = nic(findings, "eno1")
    assert eno1["summary"] == ("eno1: no errors since the previous inspection at 2025-10-25 "
                               "16:00:00 UTC (30 d 0 h earlier)")
    assert zh(eno1) == "eno1：自上次巡检（2025-10-25 16:00:00 UTC，30 天 0 小时前）以来没有错误"
    assert eno1["values"]["seconds"] == 30 * 86400 and eno1["values"]["reset"] is None
    assert eno1["values"]["rx_crc_errors_previous"] == 1542
    assert eno1["values"]["rx_crc_errors_delta"] == 0
    flaps = nic(findings, "eno1", "system.nic_flaps")
    assert flaps["values"]["delta"] == 0 and flaps["values"]["bringup_not_counted"] == 0


@pytest.mark.parametrize("increments,errors,status", [
    ({"rx_errs": 1, "rx_frame": 1, "rx_crc_errors": 1}, 1, "warning"),
    ({"rx_errs": 999, "rx_frame": 999, "rx_crc_errors": 999}, 999, "warning"),
    # receive and transmit add up; the overlapping counters of one direction do not
    ({"rx_errs": 998, "rx_frame": 998, "rx_crc_errors": 998, "tx_errs": 2, "tx_carrier": 2,
      "tx_carrier_errors": 2}, 1000, "critical"),
    ({"tx_colls": 4}, 4, "warning"),  # collisions on a full-duplex link: duplex mismatch
    ({"rx_drop": 1000000, "tx_drop": 20, "rx_missed_errors": 300}, 0, "ok"),
])
def test_nic_errors_growth_against_thresholds(increments, errors, status):
    before = server()
    findings = judged_net(grow(before, "eno1", **increments), previous_of(before))
    eno1 = nic(findings, "eno1")
    assert (eno1["values"]["errors"], eno1["status"]) == (errors, status)
    assert eno1["thresholds"] == {"warning": 1, "critical": 1000}
    for name, increment in increments.items():
        assert eno1["values"][f"{name}_delta"] == increment
    assert all(f["status"] == "ok" for f in findings if f["component"] != "eno1")


def test_nic_errors_growth_summary_lists_the_counters():
    before = server()
    after = grow(before, "eno1", rx_errs=12, rx_frame=12, rx_crc_errors=12, rx_drop=5)
    eno1 = nic(judged_net(after, previous_of(before)), "eno1")
    assert eno1["summary"] == (
        "eno1: 12 errors since the previous inspection at 2025-10-25 16:00:00 UTC (30 d 0 h "
        "earlier) (rx_errs +12, rx_frame +12, rx_crc_errors +12); 5 packets dropped "
        "(not judged)")
    assert "rx_crc_errors: 1554, 1542 at 2025-10-25T16:00:00Z: +12" in eno1["evidence"]


def test_nic_reboot_resets_the_counters_and_counts_at_least_the_current_value():
    before = server()
    previous = previous_of(before, boot="2025-06-01T00:00:00Z")  # booted again since
    # after the reboot eno1 has counted 20 errors: fewer than before, and all of them new
    after = copy.deepcopy(before)
    entry = next(e for e in after["net_dev"]["interfaces"] if e["interface"] == "eno1")
    entry.update(rx_errs=20, rx_frame=20)
    after["net_links"]["eno1"].update(rx_crc_errors=20, carrier_changes=6)
    findings = judged_net(after, previous)
    eno1 = nic(findings, "eno1")
    assert eno1["status"] == "warning"
    assert eno1["values"]["reset"] == "rebooted" and eno1["values"]["lower_bound"] is True
    assert eno1["values"]["errors"] == 20
    assert eno1["summary"].startswith(
        "eno1: at least 20 errors since the reboot at 2025-08-26 16:00:00 UTC (the host rebooted "
        "after the previous inspection at 2025-10-25 16:00:00 UTC, so the counters restarted)")
    assert "至少" in zh(eno1)
    # a counter that grew past its old value still counts whole after a reboot (1542 -> 1600)
    after["net_links"]["eno1"]["rx_crc_errors"] = 1600
    assert nic(judged_net(after, previous), "eno1")["values"]["errors"] == 1600
    flaps = nic(findings, "eno1", "system.nic_flaps")
    # 6 changes since the reboot: 2 of them the link coming up, 4 (2 flaps) to judge
    assert (flaps["status"], flaps["values"]["changes"], flaps["values"]["flaps"]) == \
        ("warning", 4, 2)
    assert flaps["summary"].startswith("eno1 (link up): at least 4 link changes (2 flaps) since "
                                       "the reboot at")


def test_nic_cleared_counter_counts_at_least_the_current_value():
    before = grow(server(), "eno2", rx_errs=400, rx_frame=400)
    after = grow(server(), "eno2", rx_errs=3, rx_frame=3)  # cleared, 3 new ones since
    eno2 = nic(judged_net(after, previous_of(before)), "eno2")
    assert eno2["values"]["reset"] == "decreased"
    assert eno2["values"]["errors"] == 3 and eno2["status"] == "warning"
    assert "at least 3 errors since the counters went down after the previous inspection" \
        in eno2["summary"]
    assert eno2["values"]["rx_errs_previous"] == 400 and eno2["values"]["rx_errs_delta"] == 3


def test_nic_interface_appeared_and_disappeared():
    before = server()
    previous = previous_of(before)
    after = copy.deepcopy(before)
    # eno2 is gone; ens2f0 (new, 4 errors since it appeared) and veth99 (ignored) came
    after["net_dev"]["interfaces"] = [e for e in after["net_dev"]["interfaces"]
                                      if e["interface"] != "eno2"]
    new = dict(after["net_dev"]["interfaces"][1], interface="ens2f0", rx_errs=4, rx_frame=4)
    after["net_dev"]["interfaces"].append(new)
    after["net_links"]["ens2f0"] = dict(LINK_ZEROS, operstate="down", carrier_changes=3)
    del after["net_links"]["eno2"]
    # an ignored interface of last time is not missed: it is left out whatever happens to it
    previous[deltas.key("system.nic_errors", "veth0abc", "rx_errs")] = {
        "value": 0, "at": PREVIOUS_AT, "boot_time": BOOT}
    findings = judged_net(after, previous)
    appeared = nic(findings, "ens2f0")
    assert appeared["values"]["baseline"] == "appeared" and appeared["status"] == "warning"
    assert appeared["summary"].startswith(
        "ens2f0: 4 errors since boot or since the interface appeared (the previous inspection "
        "at 2025-10-25 16:00:00 UTC has no reading of it)")
    link = nic(findings, "ens2f0", "system.nic_flaps")
    assert (link["status"], link["values"]["changes"]) == ("warning", 1)  # came up, went down
    assert link["summary"].startswith("ens2f0 (link down): 1 link change (1 flap)")
    gone = nic(findings, "eno2", "system.nic_flaps")
    assert gone["status"] == "warning" and gone["values"]["present"] is False
    assert gone["summary"] == ("eno2 was there at the previous inspection (2025-10-25 16:00:00 "
                               "UTC) and is gone now: its errors and link changes since then "
                               "are not known")
    assert "lspci" in gone["recommendation"]
    assert not [f for f in findings if f["component"] in ("eno2", "veth0abc")
                and f["check_id"] == "system.nic_errors"]


@pytest.mark.parametrize("before,after,status,changes,flaps", [
    (2, 2, "ok", 0, 0),
    (2, 3, "warning", 1, 1),   # went down and stayed down
    (2, 4, "warning", 2, 1),   # one flap: down and up
    (2, 11, "warning", 9, 5),
    (2, 12, "critical", 10, 5),
])
def test_nic_flaps_against_thresholds(before, after, status, changes, flaps):
    old = server()
    old["net_links"]["eno1"]["carrier_changes"] = before
    new = copy.deepcopy(old)
    new["net_links"]["eno1"]["carrier_changes"] = after
    finding = nic(judged_net(new, previous_of(old)), "eno1", "system.nic_flaps")
    assert (finding["status"], finding["values"]["changes"], finding["values"]["flaps"]) == \
        (status, changes, flaps)
    assert finding["values"]["delta"] == after - before
    assert finding["values"]["previous"] == before
    assert finding["values"]["since"] == PREVIOUS_AT
    assert finding["thresholds"] == {"warning": 1, "critical": 10}
    if changes == 2:
        assert finding["summary"] == (
            "eno1 (link up): 2 link changes (1 flap) since the previous inspection at "
            "2025-10-25 16:00:00 UTC (30 d 0 h earlier)")
        assert zh(finding) == ("eno1（链路状态 up）：自上次巡检（2025-10-25 16:00:00 UTC，"
                               "30 天 0 小时前）以来链路状态变化 2 次（1 次抖动）")
        assert "errlog.nic_link" in finding["recommendation"]


@pytest.mark.parametrize("total,status,changes", [(0, "ok", 0), (1, "ok", 0), (2, "ok", 0),
                                                  (3, "warning", 1), (14, "critical", 12)])
def test_nic_flaps_first_inspection_leaves_out_the_link_coming_up(total, status, changes):
    data = server()
    data["net_links"]["eno1"]["carrier_changes"] = total
    finding = nic(judged_net(data), "eno1", "system.nic_flaps")
    assert (finding["status"], finding["values"]["changes"]) == (status, changes)
    assert finding["values"]["bringup_not_counted"] == min(total, 2)


def test_nic_flaps_old_kernel_is_unknown_tool_missing():
    data = server()
    for link in data["net_links"].values():
        link["carrier_changes"] = None
    findings = rules.check_nic_flaps(data, THRESHOLDS, {"now": NOW})
    assert [(f["component"], f["status"], f["cause"]) for f in findings] == [
        ("links", "unknown", "tool_missing")]
    assert "Linux 3.15" in findings[0]["summary"]
    assert "eno1: operstate up" in findings[0]["evidence"]
    # one interface without the counter (the others have it): that one is unknown
    data = server()
    data["net_links"]["bond0"]["carrier_changes"] = None
    bond = nic(rules.check_nic_flaps(data, THRESHOLDS, {"now": NOW}), "bond0", "system.nic_flaps")
    assert (bond["status"], bond["cause"]) == ("unknown", "tool_missing")
    assert bond["summary"].startswith("bond0 (link up): this kernel does not count link changes")
    # nothing of it is stored, so nothing is compared next time
    assert not [c for c in rules.counters(data) if c["component"] == "bond0"
                and c["check_id"] == "system.nic_flaps"]


@pytest.mark.parametrize("change,check_id,cause,text", [
    ({"net_dev": None}, "system.nic_errors", "incomplete", "not collected"),
    ({"net_dev": error("reason.cannot_read", "no_permission", path="/proc/net/dev",
                       why=msg("errno.EACCES"))},
     "system.nic_errors", "no_permission", "cannot read /proc/net/dev: permission denied"),
    ({"net_dev": {"error": msg("system.reason.no_interfaces"), "cause": "not_understood"}},
     "system.nic_errors", "not_understood", "lists no interface"),
    ({"net_links": None}, "system.nic_flaps", "incomplete", "carrier_changes on the host"),
    ({"net_links": error("reason.cannot_list", path="/sys/class/net", why=msg("errno.EIO"))},
     "system.nic_flaps", "source_unreadable", "cannot list /sys/class/net"),
])
def test_nic_unknown(change, check_id, cause, text):
    data = server()
    for name, section in change.items():
        data[name] = section
        if section is None:  # not collected at all
            del data[name]
    findings = [f for f in judged_net(data) if f["check_id"] == check_id]
    assert [(f["status"], f["cause"]) for f in findings] == [("unknown", cause)]
    assert text in findings[0]["summary"]


def test_nic_nothing_left_and_no_statistics():
    data = server()
    findings = judged_net(data, context={"ignore_interfaces": ["*"]})
    assert [(f["check_id"], f["status"], f["cause"]) for f in findings] == [
        ("system.nic_errors", "unknown", "incomplete"),
        ("system.nic_flaps", "unknown", "incomplete")]
    assert "No network interface left to judge (10 skipped by ignore_interfaces)" \
        in findings[0]["summary"]
    data = ls.parse_sources({"net_dev": raw("cat_proc_net_dev", "rhel5_2.6.18_joined")})
    findings = rules.check_nic_errors(data, THRESHOLDS, {"now": NOW, "ignore_interfaces": ["lo"]})
    dummy = nic(findings, "dummy0")  # dummy* is ignored by default, not here
    assert (dummy["status"], dummy["cause"]) == ("unknown", "incomplete")
    # eth0 of a 32-bit RHEL 5 kernel: 37 receive errors, 2 transmit (carrier) errors
    assert nic(findings, "eth0")["values"]["errors"] == 39


def test_nic_counters_round_trip():
    data = server()
    counters = rules.counters(data)
    assert {c["component"] for c in counters} == {"eno1", "eno2", "ens1f0np0", "ens1f1np1",
                                                  "bond0", "bond0.100"}
    assert all(c["boot_time"] == BOOT for c in counters)
    eno1 = {c["name"]: c["value"] for c in counters if c["component"] == "eno1"}
    assert eno1["rx_errs"] == 1542 and eno1["rx_crc_errors"] == 1542
    assert eno1["rx_drop"] == 0 and eno1["carrier_changes"] == 2
    assert set(eno1) == set(rules.NIC_COUNTERS) | {"carrier_changes"}
    flaps = [c for c in counters if c["name"] == "carrier_changes"]
    assert {c["check_id"] for c in flaps} == {"system.nic_flaps"}
    # a malformed reading of last time is as if there were none, never an increase
    previous = previous_of(data)
    previous[deltas.key("system.nic_errors", "eno1", "rx_errs")]["value"] = "lots"
    eno1_finding = nic(judged_net(data, previous), "eno1")
    assert eno1_finding["values"]["rx_errs_delta"] == 1542  # counted whole, said so
    assert "rx_errs 1542 (no earlier reading)" in eno1_finding["summary"]


def test_nic_findings_from_a_saved_proc_net_dev():
    """weibao judge of one /proc/net/dev: totals since boot, flaps not collected."""
    data = ls.parse_sources({"net_dev": raw("cat_proc_net_dev", "debian12_podman_container")})
    findings = rules.evaluate(data, THRESHOLDS, {"now": NOW})
    eth0 = nic(findings, "eth0")
    assert eth0["status"] == "ok" and eth0["values"]["baseline"] == "boot"
    assert eth0["summary"] == "eth0: no errors since boot, with no earlier reading to compare with"
    assert [f["component"] for f in findings if f["check_id"] == "system.nic_errors"] == \
        ["eth0", "wbflap1", "wbflap0"]
    assert nic(findings, "links", "system.nic_flaps")["cause"] == "incomplete"


# --------------------------------------------------------------------------- the module


def _load_file(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_module():
    return _load_file(COLLECTORS / "linux_system.py")


class FakeAnsibleModule:
    """Just what the collector uses of AnsibleModule: params, run_command, get_bin_path."""

    def __init__(self, module, **params):
        self.params = {
            "since": "", "sample_seconds": 1, "thresholds": {},
            "ignore_fstypes": list(rules.DEFAULT_IGNORE_FSTYPES),
            "ignore_mountpoints": list(rules.DEFAULT_IGNORE_MOUNTPOINTS),
            "top_n": 5, "fstab_path": "/etc/fstab",
            "time_sync_tools": ["timedatectl", "chronyc", "ntpq"], "statvfs_timeout": 10,
            "previous": {}, "ignore_interfaces": list(rules.DEFAULT_IGNORE_INTERFACES),
        }
        self.params.update(params)
        self.commands = []

    def run_command(self, args, environ_update=None):
        self.commands.append(args)
        env = dict(os.environ, **(environ_update or {}))
        proc = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def get_bin_path(self, name):
        return shutil.which(name)


@pytest.fixture(scope="module")
def inspect_module():
    return _load_module()


def test_module_collects_this_machine(inspect_module):
    fake = FakeAnsibleModule(inspect_module, since="2000-01-01T00:00:00Z")
    started = time.monotonic()
    findings, not_applicable, data, counters = inspect_module.inspect(fake, THRESHOLDS)
    assert time.monotonic() - started >= 1.0  # the CPU sample spans sample_seconds
    for finding in findings:
        validate_finding(finding)
    # every check either judged or said why it does not apply (no systemd here: a container)
    assert {f["check_id"] for f in findings} | {n["check_id"] for n in not_applicable} \
        == ALL_CHECKS
    assert not ({f["check_id"] for f in findings} & {n["check_id"] for n in not_applicable})
    assert data["collected_at"].endswith("Z")
    assert "ignored_count" in data["mounts"]
    assert 0.0 <= data["cpu"]["busy_pct"] <= 100.0
    assert data["cpu"]["sample_seconds"] >= 1.0
    assert "/" in [e["mountpoint"] for e in data["filesystems"]["entries"]]
    assert data["boot_time_source"] == "btime in /proc/stat"
    # booted after 2000: the reboot records were read (or the reason they could not be)
    assert "records" in data["reboots"] or "error" in data["reboots"]
    assert one(findings, "system.uptime")["status"] == "warning"
    assert all(cmd[0].startswith("/") for cmd in fake.commands)
    # interfaces: lo never judged; what is judged is judged since boot (no previous counters)
    judged = {f["component"] for f in findings if f["check_id"] == "system.nic_errors"}
    assert judged and "lo" not in judged
    assert all(f["values"]["baseline"] == "boot" for f in findings
               if f["check_id"] == "system.nic_errors")
    assert {c["component"] for c in counters} == judged
    assert all(c["boot_time"] == data["boot_time"] for c in counters)
    assert "lo" not in [e["interface"] for e in data["net_dev"]["interfaces"]]
    assert data["net_dev"]["ignored_count"] >= 1


def test_module_compares_with_the_counters_it_returned(inspect_module):
    """A second inspection fed the first one's counters judges the increase since then."""
    fake = FakeAnsibleModule(inspect_module)
    _f, _n, data, counters = inspect_module.inspect(fake, THRESHOLDS)
    previous = {deltas.key(c["check_id"], c["component"], c["name"]):
                {"value": c["value"], "at": data["collected_at"], "boot_time": c["boot_time"]}
                for c in counters}
    fake = FakeAnsibleModule(inspect_module, previous=previous)
    findings, _n, _data, _counters = inspect_module.inspect(fake, THRESHOLDS)
    nics = [f for f in findings if f["check_id"] in ("system.nic_errors", "system.nic_flaps")]
    assert nics and all(f["values"]["baseline"] == "previous" for f in nics)
    assert all(f["values"]["since"] == data["collected_at"] for f in nics)


def _sysfs(tmp_path, name, carrier_changes="2\n", operstate="up\n", **stats):
    folder = tmp_path / name
    (folder / "statistics").mkdir(parents=True)
    (folder / "operstate").write_text(operstate)
    if carrier_changes is not None:
        (folder / "carrier_changes").write_text(carrier_changes)
    for counter, value in stats.items():
        (folder / "statistics" / counter).write_text(value)


def test_module_reads_sysfs_links(inspect_module, tmp_path):
    _sysfs(tmp_path, "eth0", rx_crc_errors="17\n", tx_carrier_errors="0\n")
    _sysfs(tmp_path, "bond0.100", carrier_changes=None, operstate="lowerlayerdown\n")
    _sysfs(tmp_path, "veth1234", rx_crc_errors="5\n")  # ignored: not read at all
    _sysfs(tmp_path, "eth1", carrier_changes="x\n", rx_crc_errors="garbage\n")
    (tmp_path / "bonding_masters").write_text("bond0\n")  # a file, not an interface
    collector = inspect_module.Collector(FakeAnsibleModule(inspect_module))
    links = collector.net_sysfs(str(tmp_path))
    assert links == {
        "bond0.100": {"operstate": "lowerlayerdown", "carrier_changes": None},
        "eth0": {"rx_crc_errors": 17, "tx_carrier_errors": 0, "operstate": "up",
                 "carrier_changes": 2},
        "eth1": {"operstate": "up", "carrier_changes": None, "carrier_changes_error": msg(
            "system.reason.not_an_integer", what=f"{tmp_path}/eth1/carrier_changes",
            value="x")},
    }
    data = ls.parse_sources({"net_sysfs": links})
    assert data["net_links"]["eth0"]["rx_crc_errors"] == 17
    missing = inspect_module.Collector(FakeAnsibleModule(inspect_module)).net_sysfs(
        str(tmp_path / "nowhere"))
    assert missing["cause"] == "source_unreadable"
    assert "cannot list" in render(missing["error"])


def test_module_skips_bind_mounted_files_and_duplicates(inspect_module, tmp_path):
    fake = FakeAnsibleModule(inspect_module)
    marker = tmp_path / "hosts"
    marker.write_text("127.0.0.1 localhost\n")
    mounts = ls.parse_mounts(
        f"/dev/vda / ext4 rw 0 0\n/dev/vda {marker} ext4 rw 0 0\n"
        f"/dev/vda {tmp_path} ext4 rw 0 0\nproc /proc proc rw 0 0\n")
    result = inspect_module.Collector(fake).filesystems(mounts)
    assert [e["mountpoint"] for e in result["entries"]] == ["/"]
    assert render(mounts[1]["skipped"]) == "a bind-mounted file, not a filesystem"
    assert render(mounts[2]["skipped"]) == "same filesystem as /"
    assert result["skipped_count"] == 3


def test_statvfs_and_df_give_the_same_findings():
    """The collector's statvfs numbers and an engineer's df -P / df -Pi of the same
    filesystems are judged alike."""
    mounts = ls.parse_mounts("/dev/vda / ext4 rw 0 0\ntmpfs /mnt/weibao-full tmpfs rw 0 0\n")
    statvfs = {"entries": [
        ls.statvfs_entry(mounts[0], 4096, 66053021, 60123555, 20668262, 16777216, 16310116),
        ls.statvfs_entry(mounts[1], 4096, 256, 7, 7, 100, 3)], "skipped_count": 0}
    df = ("Filesystem 1024-blocks Used Available Capacity Mounted on\n"
          "/dev/vda 264212084 23717864 82673048 23% /\n"
          "tmpfs 1024 996 28 98% /mnt/weibao-full\n")
    df_inodes = ("Filesystem Inodes IUsed IFree IUse% Mounted on\n"
                 "/dev/vda 16777216 467100 16310116 3% /\n"
                 "tmpfs 100 97 3 97% /mnt/weibao-full\n")

    def judged(raw_sources):
        data = ls.parse_sources(raw_sources)
        return [(f["check_id"], f["component"], f["status"], f["summary"], f["values"]["used_pct"])
                for f in rules.check_filesystems(data, THRESHOLDS)]

    from_statvfs = judged({"statvfs": statvfs})
    from_df = judged({"df": df, "df_inodes": df_inodes})
    assert from_statvfs == from_df
    assert [(c, m, st) for c, m, st, _, _ in from_df] == [
        ("system.filesystem_usage", "/", "ok"), ("system.filesystem_inodes", "/", "ok"),
        ("system.filesystem_usage", "/mnt/weibao-full", "critical"),
        ("system.filesystem_inodes", "/mnt/weibao-full", "critical")]


def test_df_alone_judges_usage_and_says_inodes_were_not_collected():
    data = ls.parse_sources({"df": raw("df_P", "debian12_vm")})
    findings = rules.check_filesystems(data, THRESHOLDS)
    # /dev, /dev/shm and /sys/fs/cgroup are below the ignored runtime trees
    assert [(f["check_id"], f["component"], f["status"]) for f in findings] == [
        ("system.filesystem_inodes", "", "unknown"), ("system.filesystem_usage", "/", "ok")]
    assert findings[0]["cause"] == "incomplete"
    assert "df -Pi" in findings[0]["summary"]


def test_module_statvfs_timeout_gives_unknown(inspect_module, monkeypatch):
    fake = FakeAnsibleModule(inspect_module, statvfs_timeout=1)
    real_statvfs = os.statvfs

    def hung(path):
        if path == "/":
            time.sleep(5)
        return real_statvfs(path)

    monkeypatch.setattr(inspect_module.os, "statvfs", hung)
    started = time.monotonic()
    result = inspect_module.Collector(fake).statvfs_all(["/", "/proc"])
    assert time.monotonic() - started < 3
    assert result["/"][0] == "error" and "did not answer within 1 s" in render(result["/"][1])
    assert result["/proc"][0] == "dir"


def test_module_time_sync_without_tools(inspect_module, monkeypatch):
    fake = FakeAnsibleModule(inspect_module)
    monkeypatch.setattr(fake, "get_bin_path", lambda name: None)
    collector = inspect_module.Collector(fake)
    collector.time_sync()
    section = ls.parse_sources(collector.raw)["time_sync"]
    assert section == {"answers": [], "errors": [
        {"tool": tool, "reason": msg("reason.not_installed", command=tool),
         "cause": "tool_missing"} for tool in ("timedatectl", "chronyc", "ntpq")]}
    data = healthy()
    data["time_sync"] = section
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert (finding["status"], finding["cause"]) == ("unknown", "tool_missing")


def test_module_process_table(inspect_module):
    fake = FakeAnsibleModule(inspect_module, top_n=3)
    collector = inspect_module.Collector(fake)
    first = collector.snapshot_processes()
    busy_until = time.monotonic() + 0.3
    while time.monotonic() < busy_until:
        pass
    second = collector.snapshot_processes()
    sample = collector.processes(first, second, 0.3)
    section = ls.sampled_processes(sample, 24000000, top_n=3)
    assert section["complete"] is True and section["count"] > 1
    assert len(section["top_cpu"]) == 3 and len(section["top_memory"]) == 3
    assert os.getpid() in [p["pid"] for p in section["top_cpu"]]


def test_documented_defaults_match_everywhere(inspect_module):
    """Module DOCUMENTATION, role defaults and argument_specs state the same defaults; the
    thresholds are the catalogue's alone (the role passes overrides only)."""
    documented = _load_file(ROOT / "plugins" / "modules" / "weibao_inspect_system.py")
    doc = yaml.safe_load(documented.DOCUMENTATION)["options"]
    for key in ("EXAMPLES", "RETURN"):
        assert yaml.safe_load(getattr(documented, key))
    assert doc["ignore_fstypes"]["default"] == rules.DEFAULT_IGNORE_FSTYPES
    assert doc["ignore_mountpoints"]["default"] == rules.DEFAULT_IGNORE_MOUNTPOINTS
    assert doc["ignore_interfaces"]["default"] == rules.DEFAULT_IGNORE_INTERFACES
    assert doc["previous"]["default"] == {}
    role = Path(__file__).parents[2] / "roles" / "inspect_system"
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text())
    assert defaults["inspect_system_thresholds"] == {}
    assert doc["thresholds"]["default"] == {}
    assert defaults["inspect_system_ignore_fstypes"] == rules.DEFAULT_IGNORE_FSTYPES
    assert defaults["inspect_system_ignore_mountpoints"] == rules.DEFAULT_IGNORE_MOUNTPOINTS
    assert defaults["inspect_system_ignore_interfaces"] == rules.DEFAULT_IGNORE_INTERFACES
    assert "weibao_previous_counters" in defaults["inspect_system_previous_counters"]
    assert defaults["inspect_system_sample_seconds"] == doc["sample_seconds"]["default"]
    assert defaults["inspect_system_top_n"] == doc["top_n"]["default"]
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    assert set(options) == {k for k in defaults}
    for name, value in defaults.items():
        assert options[name]["default"] == value, name
    thresholds = options["inspect_system_thresholds"]
    assert thresholds["type"] == "dict" and "options" not in thresholds
    assert "README" in " ".join(thresholds["description"])


def test_zombie_count_beyond_the_listed_ones():
    data = healthy()
    data["processes"]["zombies"] = _zombies(200)
    data["processes"]["zombie_count"] = 3000
    finding = one(rules.check_zombies(data, THRESHOLDS), "system.zombie_processes")
    assert finding["status"] == "critical"
    assert finding["values"]["zombie_count"] == 3000
    assert finding["evidence"][-1] == "... (180 more lines not shown)"


def test_module_guard_turns_a_crash_into_that_sections_unknown(inspect_module):
    def broken():
        raise KeyError("Result")

    section = inspect_module.Collector.guard(broken)
    assert section == {"error": msg("reason.internal", where="broken",
                                    error="KeyError: 'Result'"), "cause": "source_unreadable"}
    assert render(section["error"], "zh-CN") == "broken 中发生内部错误：“KeyError: 'Result'”"
    data = healthy()
    data["time_sync"] = section
    finding = one(rules.check_time_sync(data), "system.time_sync")
    assert finding["status"] == "unknown"
    assert "internal error in broken" in finding["summary"]
