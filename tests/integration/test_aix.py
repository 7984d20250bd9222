"""An IBM AIX host, end to end, in the test container.

No AIX machine can run here, so the host is a container of the Debian test image answering
as AIX: the replay scenario tests/shims/scenarios/aix_faulty.yml (tests/shims/install.py)
puts a shim in place of every AIX command the collector runs (errpt, oslevel, emgr, lsvg,
lsps, lspath, fcstat, entstat, lsmksysb, prtconf, vmstat ...), each printing a recorded
real-format output, and a mksysb image file where the role's inspect_aix_mksysb_paths looks.
Everything else is real: the inventory's group weibao_aix and weibao_platform aix, `weibao
inspect` through ansible-runner, the AIX play (no fact gathering), the module shipped to the
host by Ansible and run by the inventory's ansible_python_interpreter, the store and the
report.

Two inspections: the first reads the whole error log (permanent hardware errors); the second
reads it with ``errpt -s`` since the first (nothing new), and between them the CRC errors of
the Ethernet port ent1 grow, which the second run reports as an increase since the first. The
outputs the collector read give the same findings through `weibao judge --platform aix`.
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
ENT1 = "entstat -d ent1"
MKSYSB = "/srv/weibao-aix/mksysb/rootvg_weekly.mksysb"


def periods() -> tuple[str, str]:
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    return (today - dt.timedelta(days=1)).strftime("%Y-%m"), today.strftime("%Y-%m")


@dataclass
class Lab:
    host: str
    data_dir: Path
    runs: list[dict]
    findings: list[list[dict]]
    coverage: list[dict]

    def weibao(self, *args: str):
        return run_weibao(*args, data_dir=self.data_dir)


def _json(proc):
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout)


def second_scenario() -> dict:
    """The faulty host a month later: ent1's cable went bad (1530 CRC errors, half duplex)."""
    scenario = copy.deepcopy(install.load("aix_faulty"))
    scenario["commands"][ENT1] = {"fixture": "aix/entstat_d_id/aix71_crc_half_duplex.raw"}
    return scenario


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: run tests/images/build.sh",
                    pytrace=False)
    host = unique_name("aix")
    data_dir = tmp_path_factory.mktemp("weibao-aix")
    inventory = data_dir.parent / f"{host}-inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": dict(SITE_VARS)},
        "children": {"weibao_aix": {"hosts": {host: {
            "ansible_connection": "containers.podman.podman", "ansible_host": host,
            # on AIX: /opt/freeware/bin/python3 (the AIX Toolbox's)
            "ansible_python_interpreter": "/usr/bin/python3",
            "weibao_platform": "aix",
            "inspect_aix_mksysb_paths": ["/srv/weibao-aix/mksysb/*.mksysb"],
            "weibao_asset": {"model": "IBM Power S1024 (9105-42A)", "serial": "78D31B2",
                             "location": "Lab rack 4, U10", "criticality": "high",
                             "role": "integration test host (AIX replayed)"}}}}},
    }}, allow_unicode=True), encoding="utf-8")
    start_host(host, systemd=False)
    try:
        for index, period in enumerate(periods()):
            install.install_podman(host, install.load("aix_faulty") if index == 0
                                   else second_scenario())
            proc = run_weibao("inspect", "--inventory", str(inventory), "--site", SITE,
                              "--period", period, data_dir=data_dir)
            # critical findings: exit 1 (never 2: the host was inspected)
            assert proc.returncode == 1, describe(proc)
        runs = _json(run_weibao("runs", "--json", data_dir=data_dir))
        findings = [_json(run_weibao("findings", "--run", str(run["id"]), "--json",
                                     data_dir=data_dir)) for run in runs]
        coverage = _json(run_weibao("findings", "--run", str(runs[-1]["id"]), "--json",
                                    "--coverage", data_dir=data_dir))["coverage"]
        yield Lab(host, data_dir, runs, findings, coverage)
    finally:
        remove_host(host)


def _status(findings, check_id, component):
    items = [f for f in findings if f["check_id"] == check_id and f["component"] == component]
    assert len(items) == 1, [(f["check_id"], f["component"], f["status"]) for f in findings
                             if f["check_id"] == check_id]
    return items[0]["status"], items[0]["summary"]


def test_both_runs_inspected_the_aix_host(lab: Lab) -> None:
    assert [r["status"] for r in lab.runs] == ["successful", "successful"], lab.runs
    assert [[(h["name"], h["status"]) for h in r["hosts"]] for r in lab.runs] == \
        [[(lab.host, "inspected")]] * 2
    # the five AIX areas, and nothing of the Linux roles (the Linux play leaves weibao_aix out)
    areas = {f["check_id"].split(".")[0] for f in lab.findings[-1]}
    assert areas == {"errpt", "aix_patch", "aix_lvm", "aix_devices", "aix_system"}, areas


def test_each_fault_is_found(lab: Lab) -> None:
    first, last = lab.findings[0], lab.findings[-1]
    # permanent hardware errors: the whole log on the first inspection
    assert _status(first, "errpt.paths", "hdisk7")[0] == "critical"
    assert _status(first, "errpt.hardware", "power_cooling")[0] == "warning"
    # an interim fix waiting for a reboot
    status, summary = _status(last, "aix_patch.ifixes", "reboot")
    assert status == "warning" and "IJ52118s3a" in summary, summary
    # stale partitions, paging space nearly full
    assert _status(last, "aix_lvm.vg_state", "rootvg")[0] == "critical"
    assert _status(last, "aix_lvm.paging", "hd6@hdisk0")[0] == "critical"
    # a Missing MPIO path (and a Failed one)
    status, summary = _status(last, "aix_devices.paths", "hdisk2")
    assert status == "warning" and "Missing" in summary, summary
    assert _status(last, "aix_devices.paths", "hdisk3")[0] == "warning"
    # the mksysb from March 2025
    status, summary = _status(last, "aix_system.mksysb", MKSYSB)
    assert status == "critical" and "days old" in summary, summary


def test_error_log_read_since_the_first_run(lab: Lab) -> None:
    # the second inspection ran errpt -s with the first one's time: nothing new, so the
    # permanent errors of last month are not reported again
    paths = [f for f in lab.findings[-1] if f["check_id"] == "errpt.paths"]
    assert [f["status"] for f in paths] == ["ok"], paths


def test_ethernet_crc_errors_since_the_first_run(lab: Lab) -> None:
    assert _status(lab.findings[0], "aix_devices.ethernet", "ent1")[0] == "ok"
    status, summary = _status(lab.findings[-1], "aix_devices.ethernet", "ent1")
    assert status == "critical" and "+1530" in summary and "since" in summary, summary


def test_coverage_of_the_aix_areas(lab: Lab) -> None:
    states = {c["check_id"]: c["state"] for c in lab.coverage if c["host"] == lab.host}
    for check in ("errpt.hardware", "aix_patch.ifixes", "aix_lvm.vg_state",
                  "aix_devices.paths", "aix_system.mksysb"):
        assert states[check] == "evaluated", (check, states)
    # no Linux check is expected of an AIX host
    assert not any(c.startswith(("storage.", "system.", "patch.")) for c in states), states


def test_judge_gives_the_same_findings(lab: Lab, tmp_path: Path) -> None:
    scenario = install.load("aix_faulty")
    for command, check, component in (
            ("lsvg rootvg", "aix_lvm.vg_state", "rootvg"),
            ("emgr -l", "aix_patch.ifixes", "reboot"),
            ("lspath", "aix_devices.paths", "hdisk2")):
        # the output saved as the collector ran it (lspath with -F: the same columns)
        ran = "lspath -F status name parent connection" if command == "lspath" else command
        saved = tmp_path / (command.split()[0] + ".txt")
        saved.write_text(install.fixture_text(scenario["commands"][ran]["fixture"], "test"),
                         encoding="utf-8")
        proc = lab.weibao("judge", "--platform", "aix", "--command", command, "--json",
                          str(saved))
        assert proc.returncode in (0, 1), describe(proc)
        judged = json.loads(proc.stdout)
        judged = judged["findings"] if isinstance(judged, dict) else judged
        mine = [f["status"] for f in judged
                if f["check_id"] == check and f["component"] == component]
        assert mine == [_status(lab.findings[-1], check, component)[0]], (command, judged)


def test_monthly_report_lists_the_aix_host(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "report"
    proc = lab.weibao("report", "monthly", "--site", SITE, "--period", periods()[1],
                      "--format", "md", "--out", str(out))
    assert proc.returncode == 0, describe(proc)
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    assert lab.host in text and "AIX" in text, text[:2000]
    assert "rootvg" in text and "78D31B2" in text
