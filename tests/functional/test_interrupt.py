"""Nothing is lost: Ctrl-C and a killed runner leave an honest record of the run."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

WEIBAO = str(Path(sys.executable).parent / "weibao")


def slow_inventory(tmp_path):
    """This machine, with a CPU sample long enough to interrupt the run in the middle."""
    inv = tmp_path / "slow" / "hosts.yml"
    inv.parent.mkdir()
    inv.write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "slow"}, "inspect_system_sample_seconds": 60},
        "hosts": {"localhost": {"ansible_connection": "local",
                                "ansible_python_interpreter": sys.executable}}}}))
    return inv


def runs(data):
    out = subprocess.run([WEIBAO, "--data-dir", str(data), "runs", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def start_and_wait_for_module(tmp_path, data):
    proc = subprocess.Popen(
        [WEIBAO, "--data-dir", str(data), "inspect", "--inventory", str(slow_inventory(tmp_path)),
         "--period", "2026-11"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = data / "artifacts" / "run-1" / "artifacts" / "ansible" / "job_events"
    deadline = time.monotonic() + 120
    # wait until the inspection task is running on the host (the weibao_inspect action runs
    # the system module first, which samples for 60 s)
    while time.monotonic() < deadline:
        texts = [p.read_text(errors="ignore") for p in events.glob("*.json")] \
            if events.is_dir() else []
        if any('"runner_on_start"' in t and "weibao_inspect" in t for t in texts):
            break
        time.sleep(0.5)
    else:
        proc.kill()
        raise AssertionError("the inspection did not reach the system module in 120 s")
    return proc


def test_ctrl_c_marks_the_run_interrupted(tmp_path):
    data = tmp_path / "data"
    proc = start_and_wait_for_module(tmp_path, data)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, out + err
    (run,) = runs(data)
    assert run["status"] == "interrupted"
    assert "Ctrl-C" in run["message"]
    assert [h["status"] for h in run["hosts"]] == ["interrupted"]
    assert (Path(run["artifact_dir"]) / "MANIFEST.sha256").is_file()


def test_killed_runner_is_closed_honestly_by_the_next_weibao(tmp_path):
    data = tmp_path / "data"
    proc = start_and_wait_for_module(tmp_path, data)
    proc.kill()
    proc.wait(timeout=30)
    (run,) = runs(data)
    assert run["status"] == "interrupted"
    assert "stopped before the run finished" in run["message"]
    assert [h["status"] for h in run["hosts"]] == ["interrupted"]
