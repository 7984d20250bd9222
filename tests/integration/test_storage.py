"""Disks, RAID, volumes, tape and links of a Linux host, end to end, in the test container.

No disk with SMART, RAID controller, FC HBA, SAS PHY or tape drive can exist here, so the
host is a container of the test image with the replay scenario tests/shims/scenarios/
faulty.yml installed (tests/shims/install.py): the tools are shims printing recorded
real-format outputs, and the sysfs tree the collector discovers hardware from is a recorded
tree under /srv/weibao-root (the role's ``inspect_storage_root``). Everything else is real:
`weibao inspect` through ansible-runner, the module shipped to the container by Ansible, the
store, the archive and the report.

Two inspections: between them the disk sdb's reallocated sectors grow from 1 to 304 and an
FC port's link failures grow, and the second run reports the increases since the first. The
outputs the collector read give the same findings through `weibao judge`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hosts import (
    IMAGE,
    SITE_VARS,
    describe,
    image_exists,
    remove_host,
    run_weibao,
    start_host,
    unique_name,
)

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)

SITE = SITE_VARS["name"]
SDB = "smartctl -a --json -d sat /dev/sdb"
FC_26 = ("linux/grep_H_sys_class_fc_host_port_state_sys_class_fc_host_speed_sys_class_fc_host_"
         "port_name_sys_class_fc_host_statistics/lpfc_online_crc_26.raw")


def periods() -> tuple[str, str]:
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    return (today - dt.timedelta(days=1)).strftime("%Y-%m"), today.strftime("%Y-%m")


@dataclass
class Lab:
    host: str
    data_dir: Path
    inventory: Path
    runs: list[dict]
    findings: list[list[dict]]
    coverage: list[dict]

    def weibao(self, *args: str):
        return run_weibao(*args, data_dir=self.data_dir)


def _json(proc):
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout)


def first_scenario() -> dict:
    """The faulty host as it was a month ago: sdb had 1 reallocated sector."""
    scenario = copy.deepcopy(install.load("faulty"))
    scenario["commands"][SDB] = {
        "fixture": "linux/smartctl_a_json_dev/st3500418as_reallocated_1.raw"}
    # the FC port had 26 CRC errors then (1001 now)
    scenario["sysfs_dumps"] = [FC_26 if "fc_host" in d else d for d in scenario["sysfs_dumps"]]
    return scenario


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh",
                    pytrace=False)
    host = unique_name("storage")
    data_dir = tmp_path_factory.mktemp("weibao-storage")
    inventory = data_dir.parent / f"{host}-inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": dict(SITE_VARS)},
        "children": {"linux": {"hosts": {host: {
            "ansible_connection": "containers.podman.podman", "ansible_host": host,
            "ansible_python_interpreter": "/usr/bin/python3",
            "inspect_storage_root": "/srv/weibao-root",
            "weibao_asset": {"model": "Inspur NF5280M6", "serial": "IT-0100",
                             "location": "Lab rack 3, U2", "criticality": "high",
                             "role": "integration test host (storage hardware replayed)"}}}}},
    }}, allow_unicode=True), encoding="utf-8")
    start_host(host, systemd=False)
    try:
        findings = []
        for index, period in enumerate(periods()):
            install.install_podman(host, first_scenario() if index == 0
                                   else install.load("faulty"))
            proc = run_weibao("inspect", "--inventory", str(inventory), "--site", SITE,
                              "--period", period, data_dir=data_dir)
            # critical findings: exit 1 (never 2: the host was inspected)
            assert proc.returncode == 1, describe(proc)
        runs = _json(run_weibao("runs", "--json", data_dir=data_dir))
        for run in runs:
            findings.append(_json(run_weibao("findings", "--run", str(run["id"]), "--json",
                                             data_dir=data_dir)))
        coverage = _json(run_weibao("findings", "--run", str(runs[-1]["id"]), "--json",
                                    "--coverage", data_dir=data_dir))["coverage"]
        yield Lab(host, data_dir, inventory, runs, findings, coverage)
    finally:
        remove_host(host)


def _one(findings, check_id, component):
    items = [f for f in findings if f["check_id"] == check_id and f["component"] == component]
    assert len(items) == 1, [(f["check_id"], f["component"], f["status"]) for f in findings
                             if f["check_id"] == check_id]
    return items[0]


def test_both_runs_inspected_the_host(lab: Lab) -> None:
    assert [r["status"] for r in lab.runs] == ["successful", "successful"], lab.runs
    assert [[(h["name"], h["status"]) for h in r["hosts"]] for r in lab.runs] == \
        [[(lab.host, "inspected")]] * 2


def test_disks_read_through_the_scan(lab: Lab) -> None:
    last = lab.findings[-1]
    assert _one(last, "storage.smart_health", "/dev/sda")["status"] == "ok"
    assert _one(last, "storage.smart_sectors", "/dev/sda")["status"] == "ok"
    # the disk behind the MegaRAID controller, reached with smartctl -d megaraid,4
    behind = _one(last, "storage.smart_sectors", "/dev/bus/0 -d megaraid,4")
    assert behind["status"] == "critical", behind["summary"]


def test_reallocated_sectors_growth_since_the_first_run(lab: Lab) -> None:
    first = _one(lab.findings[0], "storage.smart_sectors", "/dev/sdb")
    assert "no previous reading" in first["summary"], first["summary"]
    second = _one(lab.findings[-1], "storage.smart_sectors", "/dev/sdb")
    assert second["status"] == "critical", second["summary"]
    assert "+303" in second["summary"] or "303" in second["summary"], second["summary"]


def test_volumes(lab: Lab) -> None:
    last = lab.findings[-1]
    assert _one(last, "volumes.md_arrays", "md0")["status"] == "warning"
    assert [f["status"] for f in last if f["check_id"] == "volumes.lvm_pvs"] == ["critical"]
    assert [f["status"] for f in last if f["check_id"] == "volumes.lvm_vgs"] == ["critical"]
    paths = [f for f in last if f["check_id"] == "volumes.multipath"]
    assert paths and paths[0]["status"] == "warning", paths


def test_hardware_raid(lab: Lab) -> None:
    last = lab.findings[-1]
    # the degraded RAID1 rebuilding has no redundancy until the rebuild completes
    assert _one(last, "raid.logical_drives", "/c0/v0")["status"] == "critical"
    battery = [f for f in last if f["check_id"] == "raid.cache_battery"]
    assert [f["status"] for f in battery] == ["warning"], battery
    assert "replacement required" in battery[0]["summary"]


def test_tape(lab: Lab) -> None:
    last = lab.findings[-1]
    assert _one(last, "tape.drive_state", "/dev/nst0")["status"] == "ok"
    alert = _one(last, "tape.tapealert", "/dev/nst0")
    assert alert["status"] == "warning" and "Cleaning required" in alert["summary"], alert
    assert _one(last, "tape.changer", "/dev/sg3")["status"] == "ok"


def test_links_and_fc_errors_since_the_first_run(lab: Lab) -> None:
    first = _one(lab.findings[0], "links.fc_errors", "host3")
    second = _one(lab.findings[-1], "links.fc_errors", "host3")
    assert first["values"] != second["values"]
    assert "975" in second["summary"], second["summary"]  # 1001 - 26 invalid CRC
    phys = [{f["component"]: f["status"] for f in run if f["check_id"] == "links.sas_phys"}
            for run in lab.findings]
    # phy-0:1's dword errors: judged on their totals the first time, then on their growth
    # (none since): a cable fault that stopped is not reported every month
    assert phys[0]["phy-0:1"] == "warning" and phys[-1]["phy-0:1"] == "ok", phys
    assert phys[-1]["phy-0:3"] == "warning", phys  # enabled, but "Phy disabled"
    # rasdaemon's records: the whole database the first time (an uncorrected memory error),
    # then only the records since (none)
    ras = [_one(run, "links.ras_errors", "rasdaemon")["status"] for run in lab.findings]
    assert ras == ["critical", "ok"], ras


def test_coverage_of_the_storage_areas(lab: Lab) -> None:
    states = {c["check_id"]: c["state"] for c in lab.coverage if c["host"] == lab.host}
    assert states["storage.smart_health"] == "evaluated"
    assert states["volumes.md_arrays"] == "evaluated"
    # an NVMe check on a host with SATA and SAS disks only does not apply
    assert states["storage.nvme_health"] == "not_applicable"
    assert all(state != "not_evaluated" or check.split(".")[0] not in ("storage", "volumes")
               for check, state in states.items()), states


def test_judge_gives_the_same_findings(lab: Lab, tmp_path: Path) -> None:
    saved = tmp_path / "sdb.json"
    saved.write_text(install.fixture_text(
        "linux/smartctl_a_json_dev/st3500418as_reallocated_304.raw", "test"), encoding="utf-8")
    proc = lab.weibao("judge", "--platform", "linux", "--command", SDB, "--json", str(saved))
    assert proc.returncode == 1, describe(proc)
    judged = json.loads(proc.stdout)
    judged = judged["findings"] if isinstance(judged, dict) else judged
    stored = {f["check_id"]: f["status"] for f in lab.findings[0]
              if f["component"] == "/dev/sdb"}
    for f in judged:
        if f["check_id"] in ("storage.smart_health", "storage.smart_exit_status",
                             "storage.smart_cable"):
            assert stored[f["check_id"]] == f["status"], (f, stored)
    # the counted check without a previous reading judges the total, as the first run did
    sectors = [f for f in judged if f["check_id"] == "storage.smart_sectors"][0]
    assert sectors["status"] == "critical"


def test_monthly_report_lists_the_hardware(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "report"
    proc = lab.weibao("report", "monthly", "--site", SITE, "--period", periods()[1],
                      "--format", "md", "--out", str(out))
    assert proc.returncode == 0, describe(proc)
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    assert "/dev/sdb" in text and "md0" in text
