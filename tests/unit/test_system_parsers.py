"""Parsers of the Linux host-state inspection (parsers/linux_system.py).

Data-driven part: every ``tests/unit/fixtures/linux/<command>/<case>.raw`` of the folders
below is raw output whose first line (``# ...``, stripped before parsing) says where the
format comes from; ``<case>.yml`` holds either ``expected`` (the parser's result) or
``error`` (a substring of the ParseError's English text), and optionally ``parser`` when the
folder holds several formats' output. A folder is named after its command, every run of
non-alphanumerics replaced by ``_`` (``df -P`` -> ``df_P``); the registry's sources of the
area each have one, and ``parse_sources`` + ``evaluate`` are run over each of their cases
(``test_every_source_judged``).
"""

import time
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.weibao_inspection import catalogue, registry
from ansible.module_utils.weibao_inspection.findings import validate_finding
from ansible.module_utils.weibao_inspection.messages import render
from ansible.module_utils.weibao_inspection.parsers import linux_system as ls

FIXTURES = Path(__file__).parent / "fixtures" / "linux"

# folder -> parser used unless the case's yml names another one
SOURCES = {
    "cat_proc_uptime": "parse_uptime",
    "cat_proc_loadavg": "parse_loadavg",
    "cat_proc_stat": "parse_proc_stat",
    "cat_proc_meminfo": "parse_meminfo",
    "cat_proc_mounts": "parse_mounts",
    "cat_etc_fstab": "parse_fstab",
    "cat_proc_pid_stat": "parse_pid_stats",
    "df_P": "parse_df",
    "df_Pi": "parse_df_inodes",
    "ps_eo_pid_ppid_stat_pcpu_rss_comm": "parse_ps",
    "systemctl_list_units_failed": "parse_systemctl_failed",
    "systemctl_show": "parse_systemctl_show",
    "systemctl_is_system_running": "parse_is_system_running",
    "timedatectl_show": None,  # every case names parse_timedatectl_show or _status
    "chronyc_tracking": "parse_chronyc_tracking",
    "ntpq_pn": "parse_ntpq_peers",
    "last_x_F_reboot": "parse_last_reboot",
    "cat_proc_net_dev": "parse_net_dev",
}
# parse_fstab never raises: a bad line is returned in bad_lines (see cat_etc_fstab/rhel8_lvm)
NEVER_RAISES = {"cat_etc_fstab"}


def slug(command):
    return "_".join(part for part in "".join(
        c if c.isalnum() else " " for c in command).split())


def read_raw(path):
    first, _, body = path.read_text(encoding="utf-8").partition("\n")
    return first, body


def all_cases():
    for folder in SOURCES:
        for raw in sorted((FIXTURES / folder).glob("*.raw")):
            yield pytest.param(folder, raw, id=f"{folder}/{raw.stem}")


@pytest.fixture
def utc(monkeypatch):
    """Run with TZ=UTC (``last -F`` prints local time)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("folder,raw", list(all_cases()))
def test_fixture(folder, raw, utc):
    first, body = read_raw(raw)
    assert first.startswith("# ") and len(first) > 30, f"{raw.name}: first line must say the source"
    case = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    parser = getattr(ls, case.get("parser") or SOURCES[folder])
    if "error" in case:
        with pytest.raises(ls.ParseError) as caught:
            parser(body)
        assert case["error"] in str(caught.value)
        return
    result = parser(body)
    assert result == case["expected"]
    if "start_epochs_utc" in case:
        assert [ls.last_time_to_epoch(r["start"]) for r in result["records"]] \
            == case["start_epochs_utc"]


@pytest.mark.parametrize("folder", list(SOURCES))
def test_every_source_has_pairs_and_bad_input(folder):
    raws = {p.stem for p in (FIXTURES / folder).glob("*.raw")}
    ymls = {p.stem for p in (FIXTURES / folder).glob("*.yml")}
    assert raws and raws == ymls, f"{folder}: unpaired {sorted(raws ^ ymls)}"
    kinds = [yaml.safe_load((FIXTURES / folder / f"{stem}.yml").read_text()) for stem in raws]
    assert any("expected" in k for k in kinds)
    if folder not in NEVER_RAISES:
        assert any("error" in k for k in kinds), f"{folder}: no truncated/garbled/empty case"
    assert any("empty" in stem for stem in raws) or folder in (
        "systemctl_list_units_failed",  # empty output is "no failed unit": ..._none
    ), f"{folder}: no empty-input case"


SYSTEM_SOURCES = [s for s in registry.sources("linux") if s.area == "system"]


def test_every_system_source_has_a_fixture_folder_and_checks():
    for source in SYSTEM_SOURCES:
        assert slug(source.name) in SOURCES, f"{source.name}: no fixture folder {slug(source.name)}"
        assert source.checks(), f"{source.name}: no catalogue check lists it"
    # every command a check lists is a registry source of the area
    names = {s.name for s in SYSTEM_SOURCES}
    for check in catalogue.area_checks("system"):
        assert set(check.sources) <= names, check.id


def _judged(source, raw_path):
    body = raw_path.read_text(encoding="utf-8").partition("\n")[2]
    parse, evaluate = registry.area_functions("system")
    context = {"now": 1764000000.0, "since": "2025-10-24T16:00:00Z"}
    data = parse({source.key: body}, context)
    findings = evaluate(data, catalogue.merge_thresholds("system"), context)
    wanted = {c.id for c in source.checks()}
    kept = [f for f in findings if f["check_id"] in wanted]
    for finding in kept:
        validate_finding(finding)
        render(finding["message"]["summary"], "zh-CN")
    return kept


@pytest.mark.parametrize("source,raw", [
    pytest.param(s, raw, id=f"{slug(s.name)}/{raw.stem}")
    for s in SYSTEM_SOURCES for raw in sorted((FIXTURES / slug(s.name)).glob("*.raw"))])
def test_every_source_judged(source, raw, utc):
    """What ``weibao judge`` does with one saved output: each case gives findings for the
    checks that read it; a case the parser rejects gives unknown (not understood)."""
    kept = _judged(source, raw)
    assert kept, f"{raw}: no finding of {[c.id for c in source.checks()]}"
    case = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    if "error" in case:
        assert {f["status"] for f in kept} == {"unknown"}, kept


# --------------------------------------------------------------------------- CPU sampling


def _stat(name):
    return ls.parse_proc_stat(read_raw(FIXTURES / "cat_proc_stat" / f"{name}.raw")[1])


@pytest.mark.parametrize("pair,busy,iowait", [
    ("debian12_idle", 1.0, 0.0),  # 4 system ticks of 399
    ("debian12_busy", 100.0, 0.0),  # two busy loops on two CPUs
    ("debian12_io", 20.97, 25.54),  # dd with O_DIRECT|O_DSYNC: 95 iowait ticks of 372
])
def test_cpu_usage_between_captured_samples(pair, busy, iowait):
    usage = ls.cpu_usage_between(_stat(pair + "_a"), _stat(pair + "_b"))
    assert usage["busy_pct"] == busy
    assert usage["iowait_pct"] == iowait
    assert usage["steal_pct"] == 0.0
    assert round(usage["busy_pct"] + usage["iowait_pct"] + usage["idle_pct"], 1) == 100.0


def test_cpu_usage_between_same_sample_is_an_error():
    sample = _stat("debian12_idle_a")
    with pytest.raises(ls.ParseError, match="did not advance"):
        ls.cpu_usage_between(sample, sample)


def test_cpu_usage_counter_going_backwards_counts_as_zero():
    first = ls.parse_proc_stat("cpu  100 0 100 1000 50 0 0 0 0 0\ncpu0 1 0 1 1 1 0 0 0 0 0\n")
    # iowait decreased (NO_HZ accounting): it must not make busy exceed 100 %
    second = ls.parse_proc_stat("cpu  150 0 150 1100 40 0 0 0 0 0\ncpu0 1 0 1 1 1 0 0 0 0 0\n")
    usage = ls.cpu_usage_between(first, second)
    assert usage["iowait_pct"] == 0.0
    assert usage["busy_pct"] == 50.0


def test_cpu_usage_without_iowait_counter():
    first = _stat("kernel24_four_counters")
    second = ls.parse_proc_stat(
        "cpu  10132253 290696 3084719 46828583\ncpu0 1 1 1 1\ncpu1 1 1 1 1\n")
    usage = ls.cpu_usage_between(first, second)
    assert usage["iowait_pct"] is None
    assert usage["busy_pct"] == 50.0


# --------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize("text,epoch", [
    ("2025-11-20T19:47:13Z", 1763668033.0),
    ("2025-11-20T19:47:13+00:00", 1763668033.0),
    ("2025-11-21T03:47:13+08:00", 1763668033.0),
    ("2025-11-21T03:47:13+0800", 1763668033.0),
    ("2025-11-20T14:47:13-05:00", 1763668033.0),
    ("2025-11-20T19:47:13", 1763668033.0),  # naive: UTC
    ("2025-11-20 19:47:13", 1763668033.0),
    ("2025-11-20T19:47:13,250000+00:00", 1763668033.25),
    ("2025-11-20", 1763596800.0),
])
def test_iso_to_epoch(text, epoch):
    assert ls.iso_to_epoch(text) == epoch


@pytest.mark.parametrize("text", ["", "yesterday", "2025-02-30T00:00:00Z", "2025-11-20T25:00:00Z",
                                  "20/11/2025", "2025-11-20T19:47:13+08"])
def test_iso_to_epoch_rejects(text):
    with pytest.raises(ls.ParseError):
        ls.iso_to_epoch(text)


def test_epoch_to_iso():
    assert ls.epoch_to_iso(1763668033.4) == "2025-11-20T19:47:13Z"


def test_last_full_time_is_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        # the same boot printed by last -F under TZ=Asia/Shanghai (debian12_iso_shanghai)
        assert ls.last_time_to_epoch("Fri Nov 21 03:47:13 2025") == 1763668033.0
    finally:
        monkeypatch.undo()
        time.tzset()


def test_last_time_to_epoch_rejects_short_time():
    with pytest.raises(ls.ParseError):
        ls.last_time_to_epoch("Thu Nov 20 19:47")


@pytest.mark.parametrize("field,decoded", [
    (r"/data/Oracle\040Backups", "/data/Oracle Backups"),
    (r"/mnt/tab\011here", "/mnt/tab\there"),
    (r"/mnt/back\134slash", "/mnt/back\\slash"),
    ("/plain", "/plain"),
])
def test_decode_octal_escapes(field, decoded):
    assert ls.decode_octal_escapes(field) == decoded


def test_pid_stat_name_with_parentheses_and_spaces():
    raw = (FIXTURES / "cat_proc_pid_stat" / "zombie_and_odd_name.raw").read_text().splitlines()[-1]
    proc = ls.parse_pid_stat(raw)
    assert proc["comm"] == "my (odd) name"
    assert proc["state"] == "S"
    assert proc["rss_pages"] == 409


def test_meminfo_estimate_is_labelled_on_old_kernels():
    body = read_raw(FIXTURES / "cat_proc_meminfo" / "rhel6_2.6.32_no_memavailable.raw")[1]
    mem = ls.parse_meminfo(body)
    assert mem["available_source"] == "MemFree+Buffers+Cached"
    assert mem["mem_available_kb"] == 312452 + 201284 + 5873140


# --------------------------------------------------------------------------- /proc/net/dev

NET_DEV_HEADER = (
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n")


@pytest.mark.parametrize("line,name,rx_bytes", [
    ("  eth0: 916 10 0 0 0 0 0 0 472 6 0 0 0 0 0 0", "eth0", 916),
    ("  eth0:3846386931 21698183 0 0 0 0 0 0 1 1 0 0 0 0 0 0", "eth0", 3846386931),  # 2.6
    ("eth0.100: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0", "eth0.100", 5),
    ("eth0:1: 7 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0", "eth0:1", 7),  # a colon in the name
    ("eth0:1:7 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0", "eth0:1", 7),   # ... and joined to it
    ("bond0: 18446744073709551615 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0", "bond0",
     18446744073709551615),  # a 64-bit counter at its top
])
def test_net_dev_interface_names_and_counters(line, name, rx_bytes):
    [entry] = ls.parse_net_dev(NET_DEV_HEADER + line + "\n")
    assert (entry["interface"], entry["rx_bytes"]) == (name, rx_bytes)
    assert entry["tx_compressed"] == 0


@pytest.mark.parametrize("line,error", [
    ("  eth0: 1 2 3", "expected 16 fields, got 3"),
    ("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "expected 16 fields, got 17"),
    ("  eth0: -1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "unexpected line"),
    ("  eth0  1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "unexpected line"),
])
def test_net_dev_bad_lines(line, error):
    with pytest.raises(ls.ParseError, match=error):
        ls.parse_net_dev(NET_DEV_HEADER + line + "\n")


def test_net_sources_sections():
    data = ls.parse_sources({
        "net_dev": read_raw(FIXTURES / "cat_proc_net_dev" / "debian12_vm.raw")[1],
        "net_sysfs": {"eth0": {"rx_crc_errors": 0, "operstate": "up", "carrier_changes": 2}}})
    assert [e["interface"] for e in data["net_dev"]["interfaces"]] == \
        ["lo", "ifb0", "ifb1", "eth0", "cni-podman0"]
    assert data["net_links"]["eth0"]["carrier_changes"] == 2
    bad = ls.parse_sources({"net_dev": "garbage", "net_sysfs": {"eth0": {"rx_crc_errors": "x"}}})
    assert bad["net_dev"]["cause"] == "not_understood"
    assert bad["net_links"]["cause"] == "not_understood"
    assert render(bad["net_links"]["error"]) == "/sys/class/net: unexpected data for eth0"
    failed = ls.parse_sources({"net_sysfs": {"error": {"key": "reason.not_collected",
                                                       "params": {}}, "cause": "incomplete"}})
    assert failed["net_links"]["cause"] == "incomplete"
