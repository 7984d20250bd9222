"""The replay shim's state (tests/shims/weibao-shim ``set_state`` / ``by_state``): what the
AIX change tests need (oslevel -s after install_all_updates, lsmcode -A after update_flash),
and nothing changed for a scenario without state (the inspection scenarios)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SHIM = PROJECT / "tests" / "shims" / "weibao-shim"
sys.path.insert(0, str(PROJECT / "tests" / "shims"))
import install  # noqa: E402  (tests/shims/install.py)


@pytest.fixture
def host(tmp_path):
    def make(scenario):
        tools = install.build(scenario, tmp_path, local=True)
        (tmp_path / "bin").mkdir(exist_ok=True)
        for tool in tools:
            if not (tmp_path / "bin" / tool).exists():
                (tmp_path / "bin" / tool).symlink_to(SHIM)
        env = dict(os.environ)
        env["WEIBAO_SHIM_SCENARIO"] = str(tmp_path / "etc" / "weibao-shims" / "scenario.json")
        env.pop("WEIBAO_SHIM_STATE", None)

        def run(line):
            words = line.split()
            proc = subprocess.run([str(tmp_path / "bin" / words[0]), *words[1:]], env=env,
                                  capture_output=True, text=True, check=False)
            return proc.returncode, proc.stdout, proc.stderr
        return run
    return make


def scenario(commands):
    return {"commands": commands, "tree": {}, "root": "/srv/weibao-test", "_path": "test.yml"}


def test_aix_change_scenario_update_changes_oslevel(host):
    run = host(install.load("aix_change"))
    assert run("oslevel -s")[1] == "7300-02-02-2420\n"
    assert "VG" not in run("lspv")[1] and "hdisk3          none" in run("lspv")[1]
    rc, out, _ = run("install_all_updates -p -d /var/tmp/x -Y")
    assert rc == 0 and "PREVIEW" in out
    assert run("oslevel -s")[1] == "7300-02-02-2420\n"  # a preview changes nothing
    assert run("alt_disk_copy -d hdisk3 -B")[0] == 0
    assert "hdisk3          00c5e9de5d0e2a33                    altinst_rootvg" in run("lspv")[1]
    assert run("install_all_updates -d /var/tmp/x -Y")[0] == 0
    assert run("oslevel -s")[1] == "7300-03-01-2520\n"
    # a disk the scenario does not name is not cloned
    assert run("alt_disk_copy -d hdisk2 -B")[0] == 2


def test_aix_change_scenario_flash_changes_lsmcode(host):
    run = host(install.load("aix_change"))
    assert run("lsmcode -A")[1].startswith("sys0!system:VL950_075 (t) VL950_075 (p)")
    assert run("update_flash -v -f /var/tmp/x/01VL950_092_092.img")[0] == 0
    assert run("lsmcode -A")[1].startswith("sys0!system:VL950_075 (t)")  # validating: no change
    assert run("update_flash -q -f /var/tmp/x/01VL950_092_092.img")[0] == 0
    assert run("lsmcode -A")[1].startswith("sys0!system:VL950_092 (t) VL950_075 (p)")


def test_by_state_first_match_and_failure_variant(host, tmp_path):
    run = host(scenario({
        "tool a": {"stdout": "default\n",
                   "by_state": [{"state": {"x": "1", "y": "1"}, "stdout": "both\n"},
                                {"state": {"x": "1"}, "stdout": "x only\n", "rc": 3,
                                 "stderr": "failed\n"}]},
        "tool setx": {"stdout": "", "set_state": {"x": "1"}},
        "tool sety": {"stdout": "", "set_state": {"y": "1"}},
    }))
    assert run("tool a") == (0, "default\n", "")
    run("tool setx")
    assert run("tool a") == (3, "x only\n", "failed\n")
    run("tool sety")
    assert run("tool a") == (0, "both\n", "")
    state = json.loads((tmp_path / "etc" / "weibao-shims" / "state.json").read_text())
    assert state == {"x": "1", "y": "1"}


def test_a_failing_command_may_leave_the_state_alone(host, tmp_path):
    run = host(scenario({
        "tool a": {"stdout": "before\n", "by_state": [{"state": {"done": "1"},
                                                       "stdout": "after\n"}]},
        "tool do": {"stdout": "", "stderr": "broken\n", "rc": 1},
    }))
    assert run("tool do")[0] == 1
    assert run("tool a")[1] == "before\n"
    assert not (tmp_path / "etc" / "weibao-shims" / "state.json").exists()


def test_scenario_without_state_is_unchanged(host, tmp_path):
    run = host(install.load("aix_healthy"))
    assert run("oslevel -s")[1] == "7300-03-01-2520\n"
    data = json.loads((tmp_path / "etc" / "weibao-shims" / "scenario.json").read_text())
    assert not any("by_state" in e or "set_state" in e for e in data["commands"].values())
    assert not (tmp_path / "etc" / "weibao-shims" / "state.json").exists()


def test_by_state_variant_needs_a_state_and_an_output(tmp_path):
    with pytest.raises(install.ScenarioError, match=r"by_state\[0\]: needs state"):
        install.build(scenario({"t a": {"stdout": "", "by_state": [{"stdout": "x"}]}}),
                      tmp_path, local=True)
    with pytest.raises(install.ScenarioError, match=r"by_state\[0\]: needs fixture: or stdout"):
        install.build(scenario({"t a": {"stdout": "", "by_state": [{"state": {"a": 1}}]}}),
                      tmp_path / "2", local=True)
