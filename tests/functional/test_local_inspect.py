"""The README's main job, for real: inspect this machine through inventories/local.

Runs the real `weibao` command (ansible-runner, the three roles, the modules on this host),
then checks what was stored and that the report can be written from it.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

WEIBAO = str(Path(sys.executable).parent / "weibao")
AREAS = ("system.", "errlog.", "patch.")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    proc = subprocess.run(
        [WEIBAO, "--data-dir", str(data), "inspect", "--inventory", "inventories/local",
         "--period", "2026-11"],
        capture_output=True, text=True, timeout=600,
    )
    runs = json.loads(subprocess.run([WEIBAO, "--data-dir", str(data), "runs", "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    return data, proc, runs


def test_localhost_is_inspected_in_every_area(local_run):
    data, proc, runs = local_run
    assert len(runs) == 1, proc.stderr
    run = runs[0]
    assert run["site"] == "local"
    assert [(h["name"], h["status"]) for h in run["hosts"]] == [("localhost", "inspected")], \
        proc.stderr
    findings = json.loads(subprocess.run(
        [WEIBAO, "--data-dir", str(data), "findings", "--run", str(run["id"]), "--json"],
        capture_output=True, text=True, check=True).stdout)
    for area in AREAS:
        assert any(f["check_id"].startswith(area) for f in findings), f"no {area} findings"
    assert all(f["host"] == "localhost" for f in findings)
    # the exit status agrees with what was stored
    expected = 1 if any(f["status"] == "critical" for f in findings) else 0
    assert proc.returncode == expected, proc.stdout + proc.stderr
    manifest = Path(run["artifact_dir"]) / "MANIFEST.sha256"
    assert manifest.is_file()
    assert "artifacts/ansible/job_events/" in manifest.read_text()


def test_report_from_the_local_run(local_run, tmp_path):
    data, _proc, _runs = local_run
    proc = subprocess.run(
        [WEIBAO, "--data-dir", str(data), "report", "monthly", "--site", "local", "--period",
         "2026-11", "--lang", "zh-CN", "--format", "html,json", "--out", str(tmp_path)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "monthly-local-2026-11.zh-CN.html").read_text()
    assert "localhost" in html
    assert "巡视检查报告" in html
    context = json.loads((tmp_path / "monthly-local-2026-11.zh-CN.json").read_text())
    assert context["summary"]["hosts_inspected"] == 1
