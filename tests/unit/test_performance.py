"""The monthly performance analysis' data: sysstat's and nmon's history read on the host
(parsers/linux_sysstat.py, parsers/aix_nmon.py, weibao_inspection/performance.py, the
collectors' ``performance`` key), stored per run (weibao.store.performance) and merged per
month (weibao.services.performance)."""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.util
import os
import socket
from pathlib import Path

import pytest
from ansible.module_utils.weibao_inspection import performance as perf
from ansible.module_utils.weibao_inspection.messages import render
from ansible.module_utils.weibao_inspection.parsers.aix_nmon import parse_nmon
from ansible.module_utils.weibao_inspection.parsers.linux_sysstat import parse_sadf_json
from ansible.module_utils.weibao_inspection.parsers.sections import ParseError
from sqlalchemy import select

from weibao.services.inspection import HostState, InspectionRun, Progress
from weibao.services.performance import (
    percentile,
    performance_for_period,
    store_performance,
)
from weibao.store import PerfCollection, PerfSeries, Run, RunHost, Store

PROJECT = Path(__file__).resolve().parents[2]
COLLECTORS = PROJECT / "plugins" / "module_utils" / "weibao_inspection" / "collectors"
FIXTURES = PROJECT / "tests" / "unit" / "fixtures"
SADF = FIXTURES / "linux" / "sadf_j"
NMON = FIXTURES / "aix" / "nmon" / "p750db_261110_0000.nmon"
GIB = 1024 ** 3


def fixture(path: Path) -> str:
    """A fixture's text without its first line (where the format comes from)."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{path.name}: first line must say where it comes from"
    return text.split("\n", 1)[1]


def epoch(text: str) -> float:
    return calendar.timegm(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timetuple())


def by_key(samples):
    return [values for _when, values in samples]


def series_of(result, metric, device=""):
    found = [s for s in result["series"] if s["metric"] == metric and s["device"] == device]
    assert found, f"no series {metric} {device!r}"
    return found[0]


# --------------------------------------------------------------------------- sadf -j


def test_sysstat_12_6_real_capture_is_read():
    parsed = parse_sadf_json(fixture(SADF / "debian12_sysstat_12.6.1.json"))
    assert parsed["nodename"] == "vm" and parsed["file_date"] == "2026-12-06"
    assert [when for when, _v in parsed["samples"]] == [epoch("2026-12-06T21:43:46Z"),
                                                         epoch("2026-12-06T21:43:47Z")]
    first = parsed["samples"][0][1]
    assert first[("cpu_user", "")] == pytest.approx(69.70)
    assert first[("cpu_system", "")] == pytest.approx(28.79)
    assert first[("cpu_idle", "")] == pytest.approx(1.01)
    assert first[("load1", "")] == pytest.approx(5.69)
    assert first[("paging_out", "")] == pytest.approx(17092.0)
    assert first[("disk_util", "dev254-0")] == pytest.approx(7.60)
    assert first[("disk_await", "dev254-0")] == pytest.approx(0.18)
    assert first[("net_rx", "eth0")] == pytest.approx(14725.58)
    assert first[("swap_used", "")] == 0.0
    # avail is printed: used = total - available; total from memused / memused-percent
    total = 1070784 * 100 / 4.33
    assert first[("memory_used", "")] == pytest.approx(100 * (total - 23271576) / total)


def test_sysstat_11_without_avail_uses_free_buffers_cached():
    parsed = parse_sadf_json(fixture(SADF / "ubuntu1604_sysstat_11.2.0.json"))
    values = by_key(parsed["samples"])
    # 11.2's memused is total - free: weibao's figure leaves buffers and cache out
    assert [v[("memory_used", "")] for v in values] == pytest.approx([50.0, 62.5, 50.0])
    assert [v[("swap_used", "")] for v in values] == [10.0, 20.0, 30.0]
    assert values[0][("disk_await", "sda")] == 4.0 and values[0][("disk_util", "sdb")] == 0.5


def test_sysstat_12_with_avail_uses_available_and_the_hosts_total():
    text = fixture(SADF / "rhel9_sysstat_12.5.4.json")
    values = by_key(parse_sadf_json(text)["samples"])
    # total derived from memused 4.5e6 at 56.25 % = 8e6; avail 4e6 then 2e6
    assert [v[("memory_used", "")] for v in values] == pytest.approx([50.0, 75.0])
    values = by_key(parse_sadf_json(text, mem_total_kb=10_000_000)["samples"])
    assert [v[("memory_used", "")] for v in values] == pytest.approx([60.0, 80.0])


def test_not_sadf_json_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_sadf_json("Invalid system activity file: /var/log/sa/sa05\n")
    with pytest.raises(ParseError):
        parse_sadf_json('{"something": "else"}')


# --------------------------------------------------------------------------- nmon


def test_nmon_sections_to_samples():
    parsed = parse_nmon(fixture(NMON))
    assert parsed["host"] == "p750db"
    when, first = parsed["samples"][0]
    assert when == epoch("2026-11-10T00:00:01Z")
    assert first[("cpu_user", "")] == 10.0 and first[("cpu_iowait", "")] == 1.0
    assert first[("memory_used", "")] == 50.0  # MEMNEW Process% + System%, not MEM's 80
    assert first[("swap_used", "")] == 10.0  # 100 - Virtual free %
    assert first[("paging_in", "")] == 10.0 and first[("paging_out", "")] == 20.0
    assert first[("disk_util", "hdisk1")] == 40.0
    assert first[("net_rx", "en0")] == 100.0 and first[("net_tx", "en0")] == 50.0


def test_nmon_without_memnew_reads_mem():
    text = "\n".join(line for line in fixture(NMON).splitlines()
                     if not line.startswith("MEMNEW"))
    first = parse_nmon(text)["samples"][0][1]
    assert first[("memory_used", "")] == 80.0


def test_not_nmon_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_nmon("hello\nworld\n")


def test_collect_nmon_hourly(tmp_path):
    path = tmp_path / "p750db_261110_0000.nmon"
    path.write_text(fixture(NMON), encoding="utf-8")
    now = epoch("2026-11-11T00:00:00Z")
    os.utime(path, (now - 3600, now - 3600))
    result = perf.collect_nmon([str(tmp_path / "*.nmon")], None, now,
                               to_epoch=lambda parts: calendar.timegm(parts + (0, 0, 0)))
    assert result["source"] == "nmon" and result["notes"] == []
    assert series_of(result, "cpu_user")["points"] == [["2026-11-10T00:00:00Z", 15.0],
                                                       ["2026-11-10T01:00:00Z", 50.0]]
    assert series_of(result, "memory_used")["points"][0] == ["2026-11-10T00:00:00Z", 52.0]
    assert series_of(result, "disk_util", "hdisk1")["points"][0][1] == 50.0
    assert series_of(result, "net_rx", "en0")["points"][0][1] == 200.0
    assert series_of(result, "paging_in")["unit"] == "pages/s"


def test_collect_nmon_without_files_says_why(tmp_path):
    result = perf.collect_nmon([str(tmp_path / "*.nmon")], None, 2e9)
    assert result["source"] == "none" and result["series"] == []
    assert [n["key"] for n in result["notes"]] == ["system.perf.no_nmon"]


# --------------------------------------------------------------------------- a recorded tree


class Host:
    """A recorded host: a folder as its root, sadf replayed from the fixtures by file."""

    def __init__(self, root: Path, outputs: dict[str, tuple[int, str, str]],
                 sadf: bool = True):
        self.root = root
        self.outputs = outputs
        self.sadf = sadf
        self.commands: list[list[str]] = []

    def put(self, relative: str, text: str = "", mtime: float | None = None) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    def run(self, argv):
        self.commands.append(list(argv))
        if argv[1] == "-V":
            return 0, "sysstat version 12.5.4\n(C) Sebastien Godard\n", ""
        return self.outputs[os.path.basename(argv[2])]

    def which(self, name):
        return "/usr/bin/sadf" if self.sadf and name == "sadf" else None


NOW = epoch("2026-11-21T02:00:00Z")


def test_collect_sysstat_reads_the_windows_files_and_caps_devices(tmp_path):
    host = Host(tmp_path, {
        "sa10": (0, fixture(SADF / "ubuntu1604_sysstat_11.2.0.json"), ""),
        "sa20": (0, fixture(SADF / "rhel9_sysstat_12.5.4.json"), ""),
        "sa19": (3, "", "Invalid system activity file: /var/log/sa/sa19\n"
                        "File created by sar/sadc from sysstat version 10.1.5\n"
                        "Current sysstat version cannot read the format of this file "
                        "(0x2170)\n"),
    })
    host.put("var/log/sa/sa10", "bin", NOW - 10 * 86400)
    host.put("var/log/sa/sa19", "bin", NOW - 1.5 * 86400)
    host.put("var/log/sa/sa20", "bin", NOW - 3600)
    host.put("var/log/sa/sa01", "bin", NOW - 50 * 86400)  # last month's: outside the window
    host.put("var/log/sa/sar20", "text")  # sar's text reports are not read

    def ignore(metric, device):
        return device == "lo" or device.startswith("veth")

    result = perf.collect_sysstat(host.run, host.which, None, NOW, str(tmp_path),
                                  None, ignore)
    assert [c[2] for c in host.commands] == [str(tmp_path / "var/log/sa" / n)
                                             for n in ("sa10", "sa19", "sa20")]
    assert host.commands[0][3:] == ["--", "-u", "-r", "-S", "-B", "-d", "-p", "-n", "DEV",
                                    "-q"]
    assert result["source"] == "sysstat"
    assert result["period"] == {"from": "2026-10-21T02:00:00Z", "to": "2026-11-21T02:00:00Z"}
    files = {f["path"]: f for f in result["files"]}
    assert files["/var/log/sa/sa10"]["samples"] == 3
    reason = render(files["/var/log/sa/sa19"]["error"], "en")
    assert "Invalid system activity file" in reason and "10.1.5" in reason
    assert [n["key"] for n in result["notes"]] == ["system.perf.unreadable"]
    # hourly means
    assert series_of(result, "cpu_user")["points"][:2] == [["2026-11-10T00:00:00Z", 15.0],
                                                          ["2026-11-10T01:00:00Z", 30.0]]
    assert series_of(result, "disk_await", "sda")["points"][:2] == [
        ["2026-11-10T00:00:00Z", 5.0], ["2026-11-10T01:00:00Z", 20.0]]
    assert series_of(result, "memory_used")["unit"] == "%"
    # caps: 16 of the 18 disks (the busiest by mean util: sdb and sdc, the least busy, out),
    # 8 of the 11 interfaces (eth0 of sa10, ens1-ens10 of sa20: eth0 is busy, ens1 and ens2
    # are not, then ens3: out); lo and veth* left out before the cap
    disks = {s["device"] for s in result["series"] if s["metric"] == "disk_util"}
    assert len(disks) == 16 and "sdr" in disks and "sda" in disks
    assert "sdb" not in disks and "sdc" not in disks
    assert result["dropped"] == {"disk": 2, "net": 3}
    nics = {s["device"] for s in result["series"] if s["metric"] == "net_rx"}
    assert len(nics) == 8 and "lo" not in nics and "veth1a2b3c" not in nics
    assert all(len(s["points"]) <= perf.MAX_POINTS for s in result["series"])


def test_collect_sysstat_since_the_previous_inspection(tmp_path):
    host = Host(tmp_path, {"sa20": (0, fixture(SADF / "rhel9_sysstat_12.5.4.json"), "")})
    host.put("var/log/sysstat/sa10", "bin", NOW - 10 * 86400)
    host.put("var/log/sysstat/sa20", "bin", NOW - 3600)
    since = epoch("2026-11-20T10:05:00Z")
    result = perf.collect_sysstat(host.run, host.which, since, NOW, str(tmp_path))
    assert [os.path.basename(c[2]) for c in host.commands] == ["sa20"]  # sa10 is older
    assert result["files"] == [{"path": "/var/log/sysstat/sa20", "samples": 1}]
    assert series_of(result, "cpu_user")["points"] == [["2026-11-20T10:00:00Z", 15.0]]


def test_no_history_is_a_note_not_a_fault(tmp_path):
    host = Host(tmp_path, {}, sadf=False)
    result = perf.collect_sysstat(host.run, host.which, None, NOW, str(tmp_path))
    assert result["source"] == "none" and result["series"] == []
    assert [n["key"] for n in result["notes"]] == ["system.perf.no_sysstat"]

    host = Host(tmp_path, {})
    host.put("etc/default/sysstat", '# comment\nENABLED="false"\n')
    result = perf.collect_sysstat(host.run, host.which, None, NOW, str(tmp_path))
    assert [n["key"] for n in result["notes"]] == ["system.perf.disabled"]
    assert "ENABLED" in render(result["notes"][0], "en")
    assert "ENABLED" in render(result["notes"][0], "zh-CN")

    host.put("etc/default/sysstat", 'ENABLED="true"\n')
    result = perf.collect_sysstat(host.run, host.which, None, NOW, str(tmp_path))
    assert [n["key"] for n in result["notes"]] == ["system.perf.no_files"]

    host = Host(tmp_path, {}, sadf=False)
    host.put("var/log/sa/sa20", "bin", NOW - 3600)
    result = perf.collect_sysstat(host.run, host.which, None, NOW, str(tmp_path))
    assert [n["key"] for n in result["notes"]] == ["system.perf.no_sadf"]
    for note in result["notes"]:
        assert render(note, "en") and render(note, "zh-CN")


def _load(name):
    path = COLLECTORS / f"linux_{name.rsplit('_', 1)[1]}.py"
    if not path.exists():  # a module whose collector is still in its own file
        path = PROJECT / "plugins" / "modules" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeModule:
    def __init__(self, host: Host, **params):
        self.host = host
        self.params = {"since": "", "ignore_interfaces": ["lo", "veth*"]}
        self.params.update(params)

    def run_command(self, argv, environ_update=None):
        assert environ_update["LC_ALL"] == "C"
        return self.host.run(argv)

    def get_bin_path(self, name):
        return self.host.which(name)


def test_system_module_returns_history_and_its_own_sample(tmp_path):
    module = _load("weibao_inspect_system")
    host = Host(tmp_path, {"sa20": (0, fixture(SADF / "rhel9_sysstat_12.5.4.json"), "")})
    host.put("var/log/sa/sa20", "bin", NOW - 3600)
    findings = [
        {"check_id": "system.cpu_utilisation", "values": {"busy_pct": 3.5}},
        {"check_id": "system.io_wait", "values": {"iowait_pct": 0.2}},
        {"check_id": "system.memory", "values": {"used_pct": 21.4}},
        {"check_id": "system.swap", "values": {"used_pct": None, "swap_total_kb": 0}},
        {"check_id": "system.load", "values": {"load1": 0.1, "load15": 0.08}},
        {"check_id": "system.filesystem_usage", "component": "/",
         "values": {"used_pct": 22.0, "size_bytes": 100, "used_bytes": 22,
                    "avail_bytes": 70}},
        {"check_id": "system.filesystem_usage", "component": "/x", "status": "unknown",
         "values": {}},
    ]
    data = {"collected_at": "2026-11-21T02:00:00Z", "memory": {"mem_total_kb": 10_000_000}}
    result = module.performance(FakeModule(host, since="2026-11-01T00:00:00Z"), findings,
                                data, root=str(tmp_path), now=NOW)
    assert result["source"] == "sysstat" and result["sysstat_version"] == "12.5.4"
    assert result["period"]["from"] == "2026-11-01T00:00:00Z"
    # the host's MemTotal from /proc/meminfo is the total
    assert series_of(result, "memory_used")["points"] == [["2026-11-20T10:00:00Z", 70.0]]
    assert not [s for s in result["series"] if s["device"] in ("lo", "veth1a2b3c")]
    assert result["sample"] == {
        "at": "2026-11-21T02:00:00Z", "cpu_busy": 3.5, "cpu_iowait": 0.2, "memory_used": 21.4,
        "load1": 0.1, "load15": 0.08,
        "filesystems": {"/": {"used_pct": 22.0, "size_bytes": 100, "used_bytes": 22,
                              "avail_bytes": 70}}}


def test_system_module_survives_a_broken_history(tmp_path):
    module = _load("weibao_inspect_system")

    class Broken(FakeModule):
        def get_bin_path(self, name):
            raise RuntimeError("boom")

    result = module.performance(Broken(Host(tmp_path, {})), [], {}, root=str(tmp_path),
                                now=NOW)
    assert result["source"] == "none" and result["notes"][0]["key"] == "reason.internal"


def test_aix_module_returns_nmon_history_and_vmstat_sample(tmp_path):
    module = _load("weibao_inspect_aix")
    path = tmp_path / "p750db_261110_0000.nmon"
    path.write_text(fixture(NMON), encoding="utf-8")
    now = epoch("2026-11-11T00:00:00Z")
    os.utime(path, (now - 3600, now - 3600))
    data = {"aix_system": {"vmstat": {"id": 80.0, "wa": 2.0},
                           "svmon": {"size": 1000, "virtual": 400, "pgsp_size": 200,
                                     "pgsp_inuse": 50}}}
    params = {"since": "2026-11-09T00:00:00Z", "nmon_paths": [str(tmp_path / "*.nmon")]}
    result = module.performance(params, data, now=now)
    assert result["source"] == "nmon"
    assert result["period"] == {"from": "2026-11-09T00:00:00Z", "to": "2026-11-11T00:00:00Z"}
    assert {s["metric"] for s in result["series"]} >= {"cpu_user", "memory_used", "disk_util"}
    assert result["sample"] == {"at": "2026-11-11T00:00:00Z", "filesystems": {},
                                "cpu_busy": 20.0, "cpu_iowait": 2.0, "memory_used": 40.0,
                                "swap_used": 25.0}


# --------------------------------------------------------------------------- store + query


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def new_run(store, started, period="2026-11", site="s1", hosts=("db01",)):
    with store.session() as s:
        run = Run(kind="inspection", site=site, period=period, status="successful",
                  started_at=started, user="t", inventory="inv", playbook="pb", limit="",
                  ansible_version="2.19", weibao_version="0",
                  site_meta={"timezone": "Asia/Shanghai"}, pid=None,
                  controller=socket.gethostname(), message="", artifact_dir="",
                  manifest_sha256="")
        run.hosts = [RunHost(name=h, status="inspected", message="", asset={}) for h in hosts]
        s.add(run)
        s.flush()
        return run.id


def at(day, hour=0):
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


def hour(day, h):
    return at(day, h).strftime("%Y-%m-%dT%H:00:00Z")


def fs(used_gib, size_gib=100, avail_gib=None):
    return {"used_pct": round(100 * used_gib / size_gib, 1), "size_bytes": size_gib * GIB,
            "used_bytes": used_gib * GIB,
            "avail_bytes": None if avail_gib is None else avail_gib * GIB}


def payload(sample_at, points, filesystems, source="sysstat", notes=()):
    return {"source": source, "period": {"from": points[0][0], "to": sample_at},
            "files": [], "series": [{"metric": "cpu_idle", "device": "", "unit": "%",
                                     "points": points}],
            "dropped": {"disk": 0, "net": 0}, "notes": list(notes),
            "sample": {"at": sample_at, "cpu_busy": 10.0, "filesystems": filesystems}}


def three_runs(store):
    """db01 inspected on Nov 1, 11 and 21 (days 0, 10, 20): each read the history since the
    previous one; the second and third overlap one hour (Nov 11 00:00, read twice)."""
    r1 = new_run(store, at(1))
    store_performance(store, r1, "db01", payload(
        "2026-11-01T00:00:00Z", [["2026-10-31T23:00:00Z", 1.0]],
        {"/": fs(10), "/var": fs(50), "/data": fs(5)}))
    r2 = new_run(store, at(11))
    store_performance(store, r2, "db01", payload(
        "2026-11-11T00:00:00Z",
        [[hour(1, 0), 90.0], [hour(5, 0), 10.0], [hour(5, 1), 50.0], [hour(11, 0), 20.0]],
        {"/": fs(12), "/var": fs(40)}))
    r3 = new_run(store, at(21))
    store_performance(store, r3, "db01", payload(
        "2026-11-21T00:00:00Z",
        [[hour(11, 0), 30.0], [hour(15, 3), 70.0], [hour(20, 0), 40.0]],
        {"/": fs(14, avail_gib=6), "/var": fs(30)}))
    return r1, r2, r3


def test_three_runs_merge_into_the_month(store):
    three_runs(store)
    result = performance_for_period(store, "s1", "2026-11")
    assert result["timezone"] == "Asia/Shanghai"
    # November in Shanghai: Oct 31 16:00 UTC to Nov 30 16:00 UTC
    assert (result["from"], result["to"]) == ("2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z")
    db01 = result["hosts"]["db01"]
    assert db01["sources"] == ["sysstat"] and db01["history"] is True
    idle = db01["metrics"]["cpu_idle"][""]
    # Oct 31 23:00 UTC is Nov 1 07:00 in Shanghai: in; Nov 11 00:00 read twice: the later run
    values = [1.0, 90.0, 10.0, 50.0, 30.0, 70.0, 40.0]
    assert [p[1] for p in idle["points"]] == values
    assert idle["count"] == 7
    assert idle["avg"] == round(sum(values) / 7, 2)
    assert idle["peak"] == {"value": 90.0, "at": hour(1, 0)}
    # p95, linear between closest ranks: sorted [1, 10, 30, 40, 50, 70, 90], rank 5.7
    assert idle["p95"] == round(70 + 0.7 * (90 - 70), 2) == 84.0
    assert [s["at"] for s in db01["samples"]] == ["2026-11-01T00:00:00Z",
                                                  "2026-11-11T00:00:00Z",
                                                  "2026-11-21T00:00:00Z"]


def test_file_system_growth(store):
    three_runs(store)
    growth = performance_for_period(store, "s1", "2026-11")["hosts"]["db01"]["filesystems"]
    # / : 10, 12, 14 GiB at days 0, 10, 20: 0.2 GiB/day; 6 GiB available: 30 days
    assert growth["/"]["status"] == "growing"
    assert growth["/"]["gib_per_day"] == pytest.approx(0.2)
    assert growth["/"]["days_until_full"] == pytest.approx(30.0)
    assert growth["/"]["samples"] == 3
    # /var shrinks: no date of being full
    assert growth["/var"]["status"] == "not_growing"
    assert growth["/var"]["gib_per_day"] == pytest.approx(-1.0)
    assert growth["/var"]["days_until_full"] is None
    # /data was seen once
    assert growth["/data"]["status"] == "unknown" and growth["/data"]["reason"] == "one_sample"
    assert growth["/data"]["days_until_full"] is None


def test_growth_without_available_bytes_uses_size_minus_used(store):
    r1 = new_run(store, at(1))
    store_performance(store, r1, "db01", payload("2026-11-01T00:00:00Z",
                                                 [[hour(1, 0), 1.0]], {"/": fs(40)}))
    r2 = new_run(store, at(3))
    store_performance(store, r2, "db01", payload("2026-11-03T00:00:00Z",
                                                 [[hour(2, 0), 1.0]], {"/": fs(50)}))
    growth = performance_for_period(store, "s1", "2026-11")["hosts"]["db01"]["filesystems"]
    assert growth["/"]["gib_per_day"] == pytest.approx(5.0)
    assert growth["/"]["days_until_full"] == pytest.approx(10.0)  # 50 GiB left at 5 a day


def test_no_history_notes_reach_the_month(store):
    r1 = new_run(store, at(11), hosts=("web01",))
    note = {"key": "system.perf.disabled", "params": {"path": "/etc/default/sysstat"}}
    store_performance(store, r1, "web01", {
        "source": "none", "period": None, "files": [], "series": [], "notes": [note],
        "sample": {"at": "2026-11-11T00:00:00Z", "cpu_busy": 5.0, "filesystems": {}}})
    web01 = performance_for_period(store, "s1", "2026-11")["hosts"]["web01"]
    assert web01["history"] is False and web01["metrics"] == {}
    assert web01["notes"] == [note]
    assert web01["samples"] == [{"run_id": r1, "at": "2026-11-11T00:00:00Z", "cpu_busy": 5.0}]


def test_two_collectors_of_one_host_and_run_add_up(store):
    """A second ``performance`` dict for the same host and run (two collectors) adds its
    series, notes and files; the first sample and a known source are kept."""
    run_id = new_run(store, at(11))
    first_note = {"key": "system.perf.disabled", "params": {"path": "/etc/default/sysstat"}}
    store_performance(store, run_id, "db01", {
        "source": "none", "period": None, "files": [{"path": "/var/log/sa/sa10"}],
        "series": [], "notes": [first_note], "sample": {}})
    store_performance(store, run_id, "db01", payload(
        "2026-11-11T00:00:00Z", [[hour(10, 0), 40.0]], {"/": fs(10)},
        notes=[{"key": "system.perf.no_files", "params": {"dirs": [], "since": "x"}}]))
    store_performance(store, run_id, "db01", payload(
        "2026-11-11T01:00:00Z", [[hour(10, 1), 60.0]], {"/": fs(99)}, source="nmon"))
    with store.session() as s:
        col = s.scalars(select(PerfCollection)).one()
        assert col.source == "sysstat"
        assert (col.sample["at"], col.sample["filesystems"]["/"]["used_bytes"]) == (
            "2026-11-11T00:00:00Z", 10 * GIB)
        assert col.sample_at == dt.datetime(2026, 11, 11, tzinfo=dt.UTC)
        assert [n["key"] for n in col.notes] == ["system.perf.disabled", "system.perf.no_files"]
        assert col.files == [{"path": "/var/log/sa/sa10"}]
        assert col.period_from == at(10) and col.period_to == at(11)
        assert sorted(p for r in s.scalars(select(PerfSeries)) for p in r.points) == [
            [hour(10, 0), 40.0], [hour(10, 1), 60.0]]


def test_percentile_definition():
    assert percentile([], 95) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)


def test_malformed_input_is_dropped_with_a_note(store):
    run_id = new_run(store, at(11))
    notes = store_performance(store, run_id, "db01", {
        "source": "weird", "notes": ["not a message", {"key": "system.perf.no_files",
                                                       "params": {"dirs": [], "since": "x"}}],
        "series": [{"metric": "cpu_idle", "device": "", "unit": "%",
                    "points": [["2026-11-05T00:00:00Z", 5], ["yesterday", 3], [1, 2],
                               ["2026-11-05T01:00:00Z", "high"]]},
                   {"metric": "DROP TABLE", "points": []}, "junk"],
        "sample": {"at": "soon", "cpu_busy": "x", "filesystems": []}})
    keys = [n["key"] for n in notes]
    assert keys.count("system.perf.malformed") == 6 and "system.perf.no_files" in keys
    for note in notes:
        assert render(note, "en") and render(note, "zh-CN")
    with store.session() as s:
        rows = list(s.scalars(select(PerfSeries)))
        assert [(r.metric, r.points) for r in rows] == [("cpu_idle",
                                                         [["2026-11-05T00:00:00Z", 5.0]])]
        col = s.scalars(select(PerfCollection)).one()
        assert col.source == "none" and col.sample == {"filesystems": {}}
    # not a dict at all
    other = new_run(store, at(12))
    assert store_performance(store, other, "db01", "garbage")[0]["key"] == \
        "system.perf.malformed"


def test_streamer_stores_the_collectors_performance(store):
    run_id = new_run(store, at(11))
    progress = Progress(total=1, hosts={"db01": HostState()})
    streamer = InspectionRun(store, run_id, progress, lambda p, h: None)
    streamer.handle({"event": "runner_on_ok", "event_data": {
        "host": "db01", "task": "Inspect", "task_action": "weibao_inspect_system",
        "res": {"changed": False, "findings": [], "performance": payload(
            "2026-11-11T00:00:00Z", [[hour(5, 0), 10.0]], {"/": fs(10)})}}})
    # a malformed one never fails the run
    streamer.handle({"event": "runner_on_ok", "event_data": {
        "host": "db01", "task": "Inspect", "task_action": "weibao_inspect_aix",
        "res": {"changed": False, "findings": [], "performance": ["nonsense"]}}})
    with store.session() as s:
        assert [r.metric for r in s.scalars(select(PerfSeries))] == ["cpu_idle"]
        col = s.scalars(select(PerfCollection)).one()
        assert col.sample["filesystems"]["/"]["used_bytes"] == 10 * GIB
        assert [n["key"] for n in col.notes] == ["system.perf.malformed"]
        assert not (s.get(Run, run_id).detail or {}).get("performance_error")
