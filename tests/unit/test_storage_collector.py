"""The host collector of the storage, volumes, raid, tape and links areas
(weibao_inspection/collectors/linux_storage.py), run on this machine against replay shims.

The shims are the real processes the collector starts (tests/shims/weibao-shim, one symlink
per tool on a private search path), printing the recorded outputs of a scenario
(tests/shims/scenarios/*.yml); the sysfs tree is built into a temporary root. So these tests
run the module's own discovery, command lines, timeouts and failure handling, then the same
parsers and rules as ``weibao judge``.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
COLLECTORS = PROJECT / "plugins" / "module_utils" / "weibao_inspection" / "collectors"
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)

SHIM = PROJECT / "tests" / "shims" / "weibao-shim"


def _module():
    path = COLLECTORS / "linux_storage.py"
    spec = importlib.util.spec_from_file_location("weibao_inspect_storage", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOD = _module()
AREAS = list(MOD.AREAS)


class Host:
    """A scenario built into a temporary folder: its root, and a search path with its tools."""

    def __init__(self, tmp: Path, scenario: dict):
        self.tmp = tmp
        self.scenario = scenario
        tools = install.build(scenario, tmp, local=True)
        self.bin = tmp / "bin"
        self.bin.mkdir(exist_ok=True)
        for tool in tools:
            (self.bin / tool).symlink_to(SHIM)
        self.root = str(tmp / scenario["root"].lstrip("/"))
        os.environ["WEIBAO_SHIM_SCENARIO"] = str(tmp / "etc" / "weibao-shims" / "scenario.json")

    def inspect(self, areas=AREAS, previous=None, timeout=10, thresholds=None):
        params = {"areas": list(areas), "previous": previous or {}, "root": self.root,
                  "timeout": timeout, "smart_devices": []}
        merged = {a: MOD.catalogue.merge_thresholds(a, (thresholds or {}).get(a) or {})
                  for a in MOD.AREAS}
        tools = MOD.Tools(timeout, path=[str(self.bin)])
        collector = MOD.Collector(tools, params["root"])
        raws = collector.collect(params["areas"])
        return MOD.inspect_with(collector, raws, params, merged)


@pytest.fixture
def scenario():
    return copy.deepcopy(install.load("faulty"))


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


def _by(findings, check_id):
    return [f for f in findings if f["check_id"] == check_id]


def _statuses(findings, check_id):
    return sorted((f["component"], f["status"]) for f in _by(findings, check_id))


def test_faulty_host_every_area_judged(scenario, make_host):
    findings, na, counters, data = make_host(scenario).inspect()
    # SMART: three disks found by the scan, their -d types kept
    assert _statuses(findings, "storage.smart_health") == [
        ("/dev/bus/0 -d megaraid,4", "ok"), ("/dev/sda", "ok"), ("/dev/sdb", "ok")]
    sectors = dict(_statuses(findings, "storage.smart_sectors"))
    assert sectors["/dev/sdb"] in ("warning", "critical")
    assert sectors["/dev/sda"] == "ok"
    assert dict(_statuses(findings, "volumes.md_arrays"))["md0"] == "warning"
    assert [f["status"] for f in _by(findings, "volumes.lvm_pvs")] == ["critical"]
    assert [f["status"] for f in _by(findings, "volumes.lvm_vgs")] == ["critical"]
    assert "warning" in [f["status"] for f in _by(findings, "volumes.multipath")]
    assert data["found"]["disks"] == ["/dev/sda", "/dev/sdb"]
    # tape: the TS3100 library and its drive, found from the SCSI generic devices' types
    assert [(d["kind"], d["sg"], d["st"]) for d in data["found"]["tape"]] == [
        ("tape", "/dev/sg2", "/dev/nst0"), ("changer", "/dev/sg3", "")]
    assert dict(_statuses(findings, "tape.tapealert"))["/dev/nst0"] == "warning"
    assert dict(_statuses(findings, "tape.drive_state"))["/dev/nst0"] == "ok"
    # links: the FC port, the SAS PHYs, the NIC's statistics, rasdaemon
    assert dict(_statuses(findings, "links.fc_ports"))["host3"] == "ok"
    assert dict(_statuses(findings, "links.fc_errors"))["host3"] == "warning"
    assert dict(_statuses(findings, "links.sas_phys"))["phy-0:1"] == "warning"
    assert dict(_statuses(findings, "links.nic_errors_ethtool"))["eno1"] == "warning"
    assert [f["status"] for f in _by(findings, "links.ras_errors")] == ["critical"]
    # the counters that grow, keyed by the disks' serial numbers
    assert any(c["check_id"] == "storage.smart_sectors" and c["name"] == "reallocated"
               and c["value"] == 304 for c in counters)


def test_deltas_between_two_inspections(scenario, make_host):
    first = copy.deepcopy(scenario)
    first["commands"]["smartctl -a --json -d sat /dev/sdb"] = {
        "fixture": "linux/smartctl_a_json_dev/st3500418as_reallocated_1.raw"}
    _f, _na, counters, _d = make_host(first).inspect(areas=["storage"])
    previous = {f"{c['check_id']}|{c['component']}|{c['name']}":
                {"value": c["value"], "at": "2026-11-06T02:00:00Z", "boot_time": ""}
                for c in counters}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["storage"], previous=previous)
    sdb = [f for f in _by(findings, "storage.smart_sectors") if f["component"] == "/dev/sdb"][0]
    assert "+303 since" in sdb["summary"], sdb["summary"]
    # the fixtures' serial numbers are all "REDACTED": two disks reporting one serial are
    # told apart by their device, so sda's counter is its own, not sdb's (no false reset)
    sda = [f for f in _by(findings, "storage.smart_sectors") if f["component"] == "/dev/sda"][0]
    assert "restarted" not in sda["summary"] and "+0 since" in sda["summary"], sda["summary"]


def test_nothing_installed_nothing_present_is_not_applicable(tmp_path, make_host):
    empty = {"root": "/srv/empty", "commands": {}, "tree": {"proc/stat": "btime 1"},
             "_path": "empty"}
    findings, na, _c, data = make_host(empty).inspect()
    assert findings == [], [(f["check_id"], f["status"], f["summary"]) for f in findings]
    checks = {item["check_id"] for item in na}
    for check_id in ("storage.smart_health", "volumes.md_arrays", "volumes.lvm_pvs",
                     "volumes.multipath"):
        assert check_id in checks, sorted(checks)
    assert all(item.get("reason") for item in na)


def test_disk_present_without_smartctl_is_unknown(scenario, make_host):
    scenario["commands"] = {k: v for k, v in scenario["commands"].items()
                            if not k.startswith("smartctl")}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["storage"])
    health = _by(findings, "storage.smart_health")
    assert health and all(f["status"] == "unknown" for f in health)
    assert health[0]["cause"] == "tool_missing"
    assert "smartctl is not installed" in health[0]["summary"]


def test_unrecorded_command_is_unknown_never_ok(scenario, make_host):
    # the scan names a disk the scenario has no output for: the shim exits 2, as a tool does
    scenario["commands"]["smartctl --scan-open"]["stdout"] += "/dev/sdz -d sat # /dev/sdz\n"
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["storage"])
    sdz = [f for f in findings if f["component"] == "/dev/sdz"]
    assert sdz and all(f["status"] == "unknown" for f in sdz), sdz


def test_a_hung_tool_costs_its_timeout_and_is_unknown(scenario, make_host):
    scenario["commands"]["multipath -ll"] = {"stdout": "", "sleep": 5}
    import time
    start = time.monotonic()
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["volumes"], timeout=1)
    assert time.monotonic() - start < 4
    mp = _by(findings, "volumes.multipath")
    assert [f["status"] for f in mp] == ["unknown"]
    assert "did not answer within 1 s" in mp[0]["summary"]


def test_permission_denied_is_no_permission(scenario, make_host):
    scenario["commands"]["pvs -o +pv_missing --reportformat json"] = {
        "stdout": "", "stderr": "  WARNING: Running as a non-root user. Functionality may be "
        "unavailable.\n  /run/lock/lvm/P_global:aux: open failed: Permission denied\n", "rc": 5}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["volumes"])
    pvs = _by(findings, "volumes.lvm_pvs")
    assert [f["cause"] for f in pvs] == ["no_permission"], pvs


def test_multipath_without_the_kernel_driver_is_not_applicable(scenario, make_host):
    scenario["commands"]["multipath -ll"] = {
        "stdout": "", "stderr": "Dec 06 10:00:00 | DM multipath kernel driver not loaded\n",
        "rc": 1}
    findings, na, _c, _d = make_host(scenario).inspect(areas=["volumes"])
    assert not _by(findings, "volumes.multipath")
    assert "volumes.multipath" in {item["check_id"] for item in na}


def test_old_lvm_without_json_reports_falls_back_to_columns(scenario, make_host):
    for tool, args in (("pvs", "-o +pv_missing"), ("vgs", "-o +vg_missing_pv_count"),
                       ("lvs", "-a -o +lv_health_status,segtype,lv_layout")):
        scenario["commands"][f"{tool} {args} --reportformat json"] = {
            "stdout": "", "stderr": "  Unrecognised option --reportformat\n", "rc": 3}
    scenario["commands"]["pvs"] = {"fixture": "linux/pvs/plain_missing.raw"}
    scenario["commands"]["vgs"] = {"fixture": "linux/vgs/plain_partial.raw"}
    scenario["commands"]["lvs -a"] = {"fixture": "linux/lvs/plain_ok.raw"}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["volumes"])
    assert [f["status"] for f in _by(findings, "volumes.lvm_pvs")] == ["critical"]
    assert [f["status"] for f in _by(findings, "volumes.lvm_vgs")] == ["critical"]


def test_areas_left_out_are_not_collected(scenario, make_host):
    findings, na, _c, data = make_host(scenario).inspect(areas=["volumes"])
    assert {f["check_id"].split(".")[0] for f in findings} == {"volumes"}
    assert "storage" not in data


def test_tape_drive_without_its_tools_is_unknown(scenario, make_host):
    scenario["commands"] = {k: v for k, v in scenario["commands"].items()
                            if k.split()[0] not in ("sg_logs", "mt-st", "tapeinfo",
                                                    "loaderinfo", "lsscsi")}
    findings, na, _c, _d = make_host(scenario).inspect(areas=["tape"])
    alert = _by(findings, "tape.tapealert")
    assert alert and all(f["status"] == "unknown" for f in alert), alert
    assert {f["cause"] for f in alert} == {"tool_missing"}
    assert not any(f["status"] == "ok" for f in _by(findings, "tape.drive_state"))


def test_no_tape_no_fc_no_sas_is_not_applicable(scenario, make_host):
    scenario["tree"] = {k: v for k, v in scenario["tree"].items()
                        if "scsi_generic" not in k and "net/" not in k}
    scenario["sysfs_dumps"] = []
    findings, na, _c, _d = make_host(scenario).inspect(areas=["tape", "links"])
    assert {f["check_id"].split(".")[0] for f in findings} <= {"links"}
    assert [f["check_id"] for f in findings] == ["links.ras_errors"], findings
    checks = {item["check_id"] for item in na}
    assert {"tape.devices", "tape.drive_state", "links.fc_ports", "links.sas_phys",
            "links.nic_errors_ethtool"} <= checks, sorted(checks)


def test_sg_logs_runs_before_tapeinfo(scenario, make_host, tmp_path):
    """A drive may clear its TapeAlert flags when they are read: sg_logs reads them first."""
    host = make_host(scenario)
    log = tmp_path / "calls.log"
    wrapper = host.bin / "order"
    for tool in ("sg_logs", "tapeinfo"):
        link = host.bin / tool
        link.unlink()
        link.write_text(f"#!/bin/sh\necho {tool} >> {log}\nexec {SHIM} \"$@\"\n")
        link.chmod(0o755)
    del wrapper
    host.inspect(areas=["tape"])
    calls = log.read_text().split()
    assert calls.index("sg_logs") < calls.index("tapeinfo"), calls


def test_raid_controller_read_with_storcli(scenario, make_host):
    findings, _na, _c, data = make_host(scenario).inspect(areas=["raid"])
    assert [c["driver"] for c in data["found"]["raid_controllers"]] == ["megaraid_sas"]
    assert dict(_statuses(findings, "raid.logical_drives"))["/c0/v0"] == "critical"
    assert {f["status"] for f in _by(findings, "raid.cache_battery")} == {"warning"}


def test_raid_controller_without_its_tool_is_unknown(scenario, make_host):
    scenario["commands"] = {k: v for k, v in scenario["commands"].items()
                            if not k.startswith("storcli64")}
    findings, _na, _c, _d = make_host(scenario).inspect(areas=["raid"])
    assert findings and all(f["status"] == "unknown" for f in findings), findings
    assert {f["cause"] for f in findings} == {"tool_missing"}
    assert "storcli is not installed" in findings[0]["summary"]


def test_no_raid_controller_is_not_applicable(scenario, make_host):
    scenario["commands"] = {k: v for k, v in scenario["commands"].items()
                            if not k.startswith("storcli64")}
    scenario["tree"] = {k: v for k, v in scenario["tree"].items() if "0000:03:00.0" not in k}
    findings, na, _c, _d = make_host(scenario).inspect(areas=["raid"])
    assert findings == []
    assert {"raid.controller", "raid.logical_drives"} <= {item["check_id"] for item in na}
    # a rule's reason given as a message is kept as one, and in English
    item = [i for i in na if i["check_id"] == "raid.controller"][0]
    assert isinstance(item["reason"], str) and item["message"]["summary"]["key"]


def test_a_disk_the_scan_left_out_is_read_not_skipped(scenario, make_host):
    # sdc is in sysfs but not in the scan: read by its name (no output recorded: unknown)
    scenario["tree"]["sys/block/sdc/device/vendor"] = "ATA"
    scenario["tree"]["sys/block/sdc/device/model"] = "ST4000NM0035"
    findings, _na, _c, data = make_host(scenario).inspect(areas=["storage"])
    sdc = [f for f in findings if f["component"] == "/dev/sdc"]
    assert sdc and {f["status"] for f in sdc} == {"unknown"}, sdc
    assert "/dev/sdc" in data["found"]["disks"]


def test_a_raid_logical_drive_is_not_read_as_a_disk(scenario, make_host):
    # sdd is a MegaRAID virtual drive (its SCSI host's driver is megaraid_sas): its member
    # disks are read through the controller, so sdd itself is not a disk to read
    tree = scenario["tree"]
    tree["sys/devices/pci0000:00/0000:03:00.0/host0/target0:2:0/0:2:0:0/vendor"] = "AVAGO"
    tree["sys/devices/pci0000:00/0000:03:00.0/host0/target0:2:0/0:2:0:0/model"] = "MR9361-8i"
    tree["sys/block/sdd/device"] = {
        "link": "../../devices/pci0000:00/0000:03:00.0/host0/target0:2:0/0:2:0:0"}
    tree["sys/class/scsi_host/host0/proc_name"] = "megaraid_sas"
    findings, _na, _c, data = make_host(scenario).inspect(areas=["storage"])
    assert "/dev/sdd" not in data["found"]["disks"]
    assert not [f for f in findings if f["component"] == "/dev/sdd"]
