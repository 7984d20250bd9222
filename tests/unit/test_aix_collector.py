"""The host collector of the five AIX areas (plugins/modules/weibao_inspect_aix.py), run on
this machine against replay shims.

The shims are the real processes the collector starts (tests/shims/weibao-shim, one symlink
per AIX command on a private search path), printing the recorded outputs of a scenario
(tests/shims/scenarios/aix_*.yml, or a small one written here); the mksysb images are files
in a temporary folder. So these tests run the module's own discovery (lsdev -Cc adapter,
lsvg -o, the mksysb globs), the commands of each parser's COLLECT table, timeouts and
failure handling, then the same parsers and rules as ``weibao judge``.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)

SHIM = PROJECT / "tests" / "shims" / "weibao-shim"
SCENARIO_ROOT = "/srv/weibao-aix"


def _module():
    path = PROJECT / "plugins" / "modules" / "weibao_inspect_aix.py"
    spec = importlib.util.spec_from_file_location("weibao_inspect_aix", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOD = _module()
from ansible.module_utils.weibao_inspection.findings import CAUSES  # noqa: E402

AREAS = list(MOD.AREAS)

# lsdev -Cc adapter on a POWER8 LPAR (AIX 7.2): name, state, location, description
ADAPTERS = """\
ent0    Available 02-00 4-Port Gigabit Ethernet PCI-Express Adapter (e414571614102004)
ent1    Available 02-01 4-Port Gigabit Ethernet PCI-Express Adapter (e414571614102004)
ent2    Defined   02-02 4-Port Gigabit Ethernet PCI-Express Adapter (e414571614102004)
fcs0    Available 03-00 8Gb PCI Express Dual Port FC Adapter (df1000f114108a03)
fcs1    Available 03-01 8Gb PCI Express Dual Port FC Adapter (df1000f114108a03)
sissas0 Available 01-00 PCIe x4 Planar 3Gb SAS RAID Adapter
vsa0    Available       LPAR Virtual Serial Adapter
"""


def small_scenario() -> dict:
    """A host answering a handful of AIX commands inline: discovery's and one per kind."""
    return {"root": SCENARIO_ROOT, "_path": "test", "tree": {
        "mksysb/p750db_20261101.mksysb": "image", "mksysb/p750db_20261001.mksysb": "image",
        "mksysb/readme.txt": "not an image"}, "commands": {
        "lsdev -Cc adapter": {"stdout": ADAPTERS},
        "lsvg -o": {"stdout": "datavg\nrootvg\n"},
        "fcstat fcs0": {"stdout": "FIBRE CHANNEL STATISTICS REPORT: fcs0\n"},
        "fcstat fcs1": {"stdout": "FIBRE CHANNEL STATISTICS REPORT: fcs1\n"},
        "entstat -d ent0": {"stdout": "ETHERNET STATISTICS (ent0) :\n"},
        "entstat -d ent1": {"stdout": "ETHERNET STATISTICS (ent1) :\n"},
        "lsvg rootvg": {"stdout": "VOLUME GROUP:       rootvg\n"},
        "lsvg datavg": {"stdout": "VOLUME GROUP:       datavg\n"},
        "oslevel -s": {"stdout": "7200-05-06-2320\n"},
        # lppchk -v reports inconsistencies on stderr and exits non-zero
        "lppchk -v": {"stdout": "", "rc": 1, "stderr": (
            "lppchk:  The following filesets need to be installed or corrected to bring\n"
            " the system to a consistent state:\n\n  bos.rte.libc 7.2.5.101     (APPLIED)\n")},
        "lsmksysb -l -f /srv/weibao-aix/mksysb/p750db_20261101.mksysb":
            {"stdout": "VOLUME GROUP:           rootvg\n"},
        "lsmksysb -l -f /srv/weibao-aix/mksysb/p750db_20261001.mksysb":
            {"stdout": "VOLUME GROUP:           rootvg\n"},
        "errpt": {"stdout": "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"},
        "errpt -s *": {"stdout": "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"},
    }}


class Host:
    """A scenario built into a temporary folder: a search path with its commands, and the
    mksysb folder under its root (the commands naming an image are rewritten to it)."""

    def __init__(self, tmp: Path, scenario: dict):
        self.tmp = tmp
        scenario = copy.deepcopy(scenario)
        self.root = str(tmp / scenario["root"].lstrip("/"))
        scenario["commands"] = {line.replace(scenario["root"], self.root): entry
                                for line, entry in scenario["commands"].items()}
        self.scenario = scenario
        tools = install.build(scenario, tmp, local=True)
        self.bin = tmp / "bin"
        self.bin.mkdir(exist_ok=True)
        for tool in tools:
            (self.bin / tool).symlink_to(SHIM)
        os.environ["WEIBAO_SHIM_SCENARIO"] = str(tmp / "etc" / "weibao-shims" / "scenario.json")

    def collector(self, since="", timeout=10, mksysb=None):
        paths = [f"{self.root}/mksysb/*.mksysb"] if mksysb is None else mksysb
        return MOD.Collector(MOD.Tools(timeout, path=[str(self.bin)]), paths, since)

    def inspect(self, areas=AREAS, previous=None, since="", timeout=10, thresholds=None):
        params = {"areas": list(areas), "previous": previous or {}, "since": since,
                  "timeout": timeout, "mksysb_paths": [f"{self.root}/mksysb/*.mksysb"]}
        merged = {a: MOD.catalogue.merge_thresholds(a, (thresholds or {}).get(a) or {})
                  for a in MOD.AREAS}
        context = MOD.context_of(params)
        collector = self.collector(context["errpt_since"], timeout)
        raws = collector.collect(params["areas"])
        return MOD.inspect_with(collector, raws, params, merged, context)


@pytest.fixture
def make_host(tmp_path, monkeypatch):
    monkeypatch.delenv("WEIBAO_SHIM_SCENARIO", raising=False)
    made = []

    def make(scenario):
        made.append(scenario)
        folder = tmp_path / f"host{len(made)}"
        folder.mkdir()
        return Host(folder, scenario)
    return make


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _by(findings, check_id):
    return [f for f in findings if f["check_id"] == check_id]


def _statuses(findings, check_id):
    return sorted((f["component"], f["status"]) for f in _by(findings, check_id))


# ---------------------------------------------------------------------- the collector alone


def test_every_area_has_a_collect_table():
    for area in AREAS:
        table = MOD.collect_table(area)
        assert table, area
        for key, argv in table:
            assert isinstance(key, str) and argv and all(isinstance(a, str) for a in argv)
            assert not MOD.refused(list(argv)), (area, argv)  # nothing that changes the host


def test_discovery_expands_adapters_volume_groups_and_images(make_host, utc):
    host = make_host(small_scenario())
    collector = host.collector()
    raws = collector.collect(AREAS)
    devices = raws["aix_devices"]
    # the Available FC and Ethernet adapters of lsdev -Cc adapter (ent2 is Defined)
    assert sorted(devices["fcstat"]) == ["fcs0", "fcs1"]
    assert devices["fcstat"]["fcs1"].startswith("FIBRE CHANNEL STATISTICS REPORT: fcs1")
    assert sorted(devices["entstat"]) == ["ent0", "ent1"]
    assert collector.found["fcs"] == ["fcs0", "fcs1"]
    # the varied-on volume groups of lsvg -o
    lvm = raws["aix_lvm"]
    assert sorted(lvm["lsvg_vg"]) == ["datavg", "rootvg"]
    assert lvm["lsvg_vg"]["rootvg"].startswith("VOLUME GROUP:")
    # an image from the globs, read by its path; the text file beside them is not an image
    images = raws["aix_system"]["lsmksysb"]
    assert sorted(Path(p).name for p in images) == ["p750db_20261001.mksysb",
                                                    "p750db_20261101.mksysb"]
    assert all(text.startswith("VOLUME GROUP:") for text in images.values())
    # the first inspection reads the whole error log: errpt without -s
    assert raws["errpt"]["errpt"].startswith("IDENTIFIER")


def test_no_adapter_no_image_gives_empty_readings(make_host):
    scenario = small_scenario()
    scenario["commands"]["lsdev -Cc adapter"] = {"stdout": "vsa0 Available  LPAR Virtual "
                                                           "Serial Adapter\n"}
    host = make_host(scenario)
    collector = host.collector(mksysb=[])
    raws = collector.collect(["aix_devices", "aix_system"])
    assert raws["aix_devices"]["fcstat"] == {} and raws["aix_devices"]["entstat"] == {}
    assert raws["aix_system"]["lsmksysb"] == {}
    assert collector.found["fcs"] == [] and collector.found["mksysb"] == []


def test_discovery_failing_fails_what_it_expands(make_host):
    scenario = small_scenario()
    del scenario["commands"]["lsvg -o"]  # lsvg answers, but not to -o
    scenario["commands"]["lsdev -Cc adapter"] = {"stdout": "", "rc": 1, "stderr": (
        "lsdev: 0514-521 Cannot find information in the predefined device configuration "
        "database.\n")}
    raws = make_host(scenario).collector().collect(["aix_lvm", "aix_devices"])
    assert raws["aix_lvm"]["lsvg_vg"]["cause"] == "source_unreadable"
    assert raws["aix_devices"]["fcstat"]["cause"] == "source_unreadable"
    assert "0514-521" in str(raws["aix_devices"]["fcstat"]["error"])


def test_since_is_the_previous_inspection_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert MOD.errpt_time("2026-11-06T02:00:00Z") == "1106100026"
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert MOD.errpt_time("2026-11-06T02:00:00Z") == "1106020026"
    assert MOD.errpt_time("") == "" and MOD.errpt_time("last month") == ""
    assert MOD.errpt_time("2030-01-01T00:00:00Z", now=time.time()) == ""  # in the future
    assert MOD.with_since(("errpt", "-a", "-s", "{since}"), "") == ("errpt", "-a")
    assert MOD.with_since(("errpt", "-s", "{since}"), "1106020026") == \
        ("errpt", "-s", "1106020026")


def test_since_with_an_offset_is_the_same_instant(utc):
    assert MOD.errpt_time("2026-11-06T10:00:00+08:00") == "1106020026"
    assert MOD.errpt_time("2026-11-05T21:00:00-05:00") == "1106020026"
    assert MOD.errpt_time("2026-11-06T02:00:00.123Z") == "1106020026"


def test_previous_inspection_later_than_the_host_clock_is_not_the_whole_log(make_host, utc):
    # reading errpt without -s would count every entry of earlier periods: stale, never judged
    scenario = small_scenario()
    scenario["commands"]["errpt"] = {"stdout": (
        "IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"
        "DE3B8540   0102030425 P H hdisk3         PATH HAS FAILED\n")}
    host = make_host(scenario)
    context = MOD.context_of({"since": "2030-01-01T00:00:00Z"})
    assert context["errpt_since"]["cause"] == "stale"
    raws = host.collector(context["errpt_since"]).collect(["errpt"])
    assert raws["errpt"]["errpt"]["cause"] == "stale"
    findings, _na, _read, _data = host.inspect(["errpt"], since="2030-01-01T00:00:00Z")
    assert findings and {(f["status"], f.get("cause")) for f in findings} == {
        ("unknown", "stale")}


def test_errpt_reads_since_the_previous_inspection(make_host, utc):
    scenario = small_scenario()
    scenario["commands"]["errpt -s 1106020026"] = {"stdout": "since the last inspection\n"}
    host = make_host(scenario)
    context = MOD.context_of({"since": "2026-11-06T02:00:00Z"})
    assert context["errpt_since"] == "1106020026" and context["since"].startswith("2026-11-06")
    raws = host.collector(context["errpt_since"]).collect(["errpt"])
    assert raws["errpt"]["errpt"] == "since the last inspection\n"


def test_failures_are_unknown_with_their_cause(make_host):
    scenario = small_scenario()
    scenario["commands"]["svmon -G"] = {"stdout": "", "sleep": 3}  # never answers in time
    host = make_host(scenario)
    raws = host.collector(timeout=1).collect(AREAS)
    # emgr is not installed (no bos.rte.install?): tool_missing, never an empty list
    assert raws["aix_patch"]["emgr_l"]["cause"] == "tool_missing"
    # svmon does not answer within the timeout
    assert raws["aix_system"]["svmon"]["cause"] == "source_unreadable"
    assert "1" in str(raws["aix_system"]["svmon"]["error"])
    # lppchk -v: its findings on stderr with exit status 1 are read, not a failure
    assert "bos.rte.libc" in raws["aix_patch"]["lppchk_v"]
    # a command line the scenario does not know: the shim exits 2 with a message
    assert raws["aix_lvm"]["lsvg_l"]["rootvg"]["cause"] == "source_unreadable"
    assert raws["aix_lvm"]["lspv"]["cause"] == "tool_missing"


def test_an_errpt_entry_that_says_permission_denied_is_read_not_refused():
    # an application's message logged with errlogger (OPMSG) is log text, not a refusal
    text = ("IDENTIFIER TIMESTAMP  T C RESOURCE_NAME  DESCRIPTION\n"
            "AA8AB241   1129114026 T O OPERATOR       OPERATOR NOTIFICATION\n"
            "Detail Data\nbackup.sh: /data/x: Permission denied\n")
    tools = MOD.Tools(5, path=["/nonexistent"])
    assert tools.interpret("errpt -a", 0, text, "") == text
    refused = tools.interpret("errpt -a", 1, "", "errpt: Permission denied\n")
    assert refused["cause"] == "no_permission"
    assert tools.interpret("lsmksysb -l -f /x", 0, "Permission denied\n", "")["cause"] == \
        "no_permission"


def test_a_command_that_could_change_the_host_is_not_run(make_host):
    tools = MOD.Tools(5, path=["/nonexistent"])
    for argv in (["fcstat", "-Z", "fcs0"], ["entstat", "-r", "ent0"], ["lppchk", "-u"],
                 ["bootlist", "-m", "normal", "hdisk0"], ["sysdumpdev", "-P", "-p", "/dev/x"],
                 ["emgr", "-r", "-L", "IJ12345s1a"], ["multibos", "-S"], ["errpt", "-c"]):
        assert MOD.refused(argv), argv
        result = tools.output(argv)
        # a cause coverage knows (findings.CAUSES), or the runner rejects the finding
        assert result["cause"] in CAUSES and "not run" in str(result["error"]), argv
    for argv in (["fcstat", "fcs0"], ["entstat", "-d", "ent0"], ["lppchk", "-v"],
                 ["bootlist", "-m", "normal", "-o"], ["sysdumpdev", "-l"], ["emgr", "-l"],
                 ["errpt", "-a", "-s", "1106020026"]):
        assert not MOD.refused(argv), argv


def test_one_command_two_areas_runs_once(make_host):
    host = make_host(small_scenario())
    collector = host.collector()
    calls = []
    real = collector.tools.output

    def counted(argv):
        calls.append(tuple(argv))
        return real(argv)
    collector.tools.output = counted
    raws = collector.collect(AREAS)
    assert len(calls) == len(set(calls)), sorted(calls)
    # oslevel -s feeds aix_patch and aix_system; lsvg -o is discovery and aix_lvm's lsvg
    assert raws["aix_patch"]["oslevel_s"] == raws["aix_system"]["oslevel_s"] == \
        "7200-05-06-2320\n"
    assert raws["aix_lvm"]["lsvg"] == "datavg\nrootvg\n"


# ---------------------------------------------------------------------- the replay scenarios

# checks whose result depends on today's date or on the mksysb fixture's level: a healthy
# host may warn on them as the calendar moves (an image ages, a level's support ends)
DATED = ("aix_system.mksysb", "aix_patch.oslevel")


def test_healthy_host_every_area_judged_nothing_wrong(make_host):
    findings, na, counters, data = make_host(install.load("aix_healthy")).inspect()
    areas = {f["check_id"].split(".")[0] for f in findings}
    assert areas == set(AREAS), areas
    wrong = [(f["check_id"], f["component"], f["status"], f["summary"]) for f in findings
             if f["status"] != "ok" and f["check_id"] not in DATED]
    assert wrong == []
    assert all(f["status"] != "critical" for f in findings)
    # the NPIV client port has no link counters: not applicable, said so
    assert [n["check_id"] for n in na] == ["aix_devices.fc_errors"], na
    assert data["found"]["fcs"] == ["fcs0", "fcs1"] and data["found"]["vg"] == ["rootvg"]
    assert any(c["check_id"] == "aix_devices.fc_errors" for c in counters)


def test_faulty_host_each_fault_found(make_host):
    findings, _na, _counters, data = make_host(install.load("aix_faulty")).inspect()
    # PERM hardware errors in the error log: the failed path on hdisk7, the loss of power
    assert dict(_statuses(findings, "errpt.paths"))["hdisk7"] == "critical"
    assert dict(_statuses(findings, "errpt.hardware"))["power_cooling"] == "warning"
    # an interim fix applied whose reboot has not happened (emgr state Q)
    ifix = _by(findings, "aix_patch.ifixes")
    assert [f["status"] for f in ifix] == ["warning"] and "IJ52118s3a" in ifix[0]["summary"]
    # stale partitions in rootvg
    assert dict(_statuses(findings, "aix_lvm.vg_state"))["rootvg"] == "critical"
    assert dict(_statuses(findings, "aix_lvm.lv_state"))["rootvg/hd4"] == "critical"
    # paging space nearly full
    assert dict(_statuses(findings, "aix_lvm.paging"))["hd6@hdisk0"] == "critical"
    # a Missing and a Failed MPIO path
    paths = dict(_statuses(findings, "aix_devices.paths"))
    assert paths["hdisk2"] == "warning" and paths["hdisk3"] == "warning"
    assert paths["hdisk4"] == "ok"
    # an EtherChannel member down
    assert dict(_statuses(findings, "aix_devices.ethernet"))["ent4"] == "warning"
    # a mksysb from March 2025: far older than the limit
    (image,) = data["found"]["mksysb"]
    assert dict(_statuses(findings, "aix_system.mksysb"))[image] == "critical"
    # nothing unknown: every source was read and understood
    assert [f["check_id"] for f in findings if f["status"] == "unknown"] == []


def test_counters_judged_since_the_previous_inspection(make_host):
    scenario = install.load("aix_healthy")
    scenario["commands"]["fcstat fcs0"] = {"fixture": "aix/fcstat_id/aix71_8gb_crc_errors.raw"}
    findings, _na, counters, _d = make_host(scenario).inspect(areas=["aix_devices"])
    first = dict((f["component"], f["summary"]) for f in _by(findings, "aix_devices.fc_errors"))
    assert "first reading" in first["fcs0"], first
    previous = {f"{c['check_id']}|{c['component']}|{c['name']}":
                {"value": c["value"], "at": "2026-11-06T02:00:00Z", "boot_time": ""}
                for c in counters}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["aix_devices"],
                                                        previous=previous)
    again = [f for f in _by(findings, "aix_devices.fc_errors") if f["component"] == "fcs0"][0]
    # the same totals a month later: no new error, judged on the increase (none)
    assert again["status"] == "ok" and "since" in again["summary"], again["summary"]


def test_a_left_out_area_is_neither_read_nor_reported(make_host):
    findings, _na, _c, data = make_host(install.load("aix_faulty")).inspect(
        areas=["aix_lvm"])
    assert {f["check_id"].split(".")[0] for f in findings} == {"aix_lvm"}
    assert set(data) == {"aix_lvm", "found"}
