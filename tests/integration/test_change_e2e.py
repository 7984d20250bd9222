"""Change control end to end against a podman container, through the command line only.

Four change requests for one test host (playbooks/change_demo.yml), written with
`weibao change new` and filled in as an engineer would, signed with keys this test makes
with ssh-keygen (people.yml next to the inventory):

* CR-2026-0901  runs, writes its marker, is closed, audited and reported in both languages;
* CR-2026-0902  fails in step 2 of 3: exit 2, state failed, the rollback plan is shown;
* CR-2026-0903  is interrupted with Ctrl-C (SIGINT) while step 2 waits: state interrupted;
* CR-2026-0904  is edited after approval: `change run` refuses (exit 3) and audits it.

The site's change_lead_time_hours is 0, so a window can open seconds after submission:
every request is submitted, approved and attested first (each with a window opening
LEAD_SECONDS after it was written), then the test waits once for the last window to open.
Needs podman and the image built by tests/images/build.sh; takes about two minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hosts import (
    BUILD_HINT,
    IMAGE,
    PROJECT,
    PodmanError,
    describe,
    image_exists,
    podman,
    podman_env,
    remove_host,
    run_weibao,
    start_host,
    unique_name,
    weibao_command,
)

SITE = "it-change"
ZONE = "Asia/Shanghai"
LEAD_SECONDS = 30  # from writing a request to the opening of its window
PAUSE_SECONDS = 60  # step 2 of the interrupted change waits this long
PEOPLE = {
    # id: (name, organisation, roles, role in the requests)
    "zhang.san": ("张三", "provider", ["requester", "operator"]),
    "li.si": ("李四", "provider", ["recorder"]),
    "wang.wu": ("王五", "client", ["approver"]),
    "zhao.liu": ("赵六", "client", ["recorder"]),
}
ROLLBACK = ("Remove /var/tmp/weibao-change-*.started, .step2 and .done on the target;\n"
            "nothing else is changed by this change.")
IDS = {"success": "CR-2026-0901", "fail": "CR-2026-0902", "interrupt": "CR-2026-0903",
       "refuse": "CR-2026-0904"}
VARIABLES = {"success": {}, "fail": {"change_demo_fail_at_step": 2},
             "interrupt": {"change_demo_pause_seconds": PAUSE_SECONDS}, "refuse": {}}


@dataclass
class ChangeSite:
    host: str
    root: Path
    inventory: Path
    data_dir: Path
    changes: Path
    keys: dict[str, Path]
    fingerprints: dict[str, str]
    requests: dict[str, Path] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    window_start: dt.datetime | None = None

    def weibao(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return run_weibao(*args, data_dir=self.data_dir, timeout=timeout)

    def marker(self, change_id: str, suffix: str) -> bool:
        path = f"/var/tmp/weibao-change-{change_id}.{suffix}"
        return podman("exec", self.host, "test", "-e", path, check=False).returncode == 0


# ----------------------------------------------------------------------------- set-up


def _ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, describe(proc)
    return proc


def _make_key(folder: Path, person: str) -> tuple[Path, str]:
    key = folder / person
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f",
                    str(key)], check=True, capture_output=True, timeout=60)
    listed = subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], check=True,
                            capture_output=True, text=True, timeout=60).stdout
    return key, listed.split()[1]


def _write_site(root: Path, host: str) -> tuple[Path, dict[str, Path], dict[str, str]]:
    keys_dir = root / "keys"
    keys_dir.mkdir(mode=0o700)
    keys, fingerprints, people = {}, {}, []
    for person, (name, organisation, roles) in PEOPLE.items():
        keys[person], fingerprints[person] = _make_key(keys_dir, person)
        people.append({"id": person, "name": name, "organisation": organisation,
                       "roles": roles,
                       "ssh_public_key": Path(f"{keys[person]}.pub").read_text().strip()})
    inv_dir = root / "inventory"
    inv_dir.mkdir()
    inventory = inv_dir / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {
            "name": SITE, "client": "Change Test Client (甲方)",
            "provider": "weibao Test Provider (乙方)", "contract": "WB-IT-CHANGE",
            "timezone": ZONE, "change_lead_time_hours": 0,
            # the client's trust anchor: its supervisor's key (set at contract start)
            "client_anchor": Path(f"{keys['wang.wu']}.pub").read_text().strip()}},
        "children": {"linux": {"hosts": {host: {
            "ansible_connection": "containers.podman.podman", "ansible_host": host,
            "ansible_python_interpreter": "/usr/bin/python3"}}}},
    }}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (inv_dir / "people.yml").write_text(yaml.safe_dump({"people": people},
                                                       allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    return inventory, keys, fingerprints


def _fill(skeleton: Path, site: ChangeSite, case: str) -> None:
    """Fill in the skeleton `change new` wrote, as the requesting engineer does."""
    text = skeleton.read_text(encoding="utf-8")
    assert "<fill in" in text, text
    data = yaml.safe_load(text)
    assert data["id"] == IDS[case] and data["site"] == SITE
    start = site.window_start.astimezone(ZoneInfo(ZONE))
    data.update({
        "title": f"Demonstration change ({case})",
        "purpose": "Exercise change control end to end on a test host.\n"
                   "Writes marker files under /var/tmp only.",
        "requester": "zhang.san", "operator": "zhang.san", "recorder": "li.si",
        "attendees": ["zhao.liu"],
        "targets": {"inventory": str(site.inventory), "limit": site.host},
        "playbook": "playbooks/change_demo.yml",
        "variables": VARIABLES[case],
        "kind": "other",
        "steps": ["Record the start of the change.", "Do the work.", "Write the marker."],
        "hardware_changes": [],
        "software_changes": [],
        "window": {"start": start.strftime("%Y-%m-%dT%H:%M:%S"),
                   "end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
                   "timezone": ZONE},
        "expected_duration": "5m",
        "application_downtime": {"minutes": 0, "description": "No application stops."},
        "rollback_plan": ROLLBACK,
        "emergency": {"is_emergency": False},
        "media": [],
    })
    skeleton.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")


def _prepare(site: ChangeSite, case: str) -> None:
    """new, validate, submit, approve, attest (operator, recorder)."""
    change_id = IDS[case]
    new = _ok(site.weibao("change", "new", "--site", SITE, "--dir", str(site.changes),
                          "--id", change_id))
    path = Path(new.stdout.strip().splitlines()[-1])
    if not path.is_absolute():
        path = PROJECT / path
    assert path == site.changes / f"{change_id}.yml", new.stdout
    unfilled = site.weibao("change", "validate", str(path))
    assert unfilled.returncode == 3 and "placeholder" in unfilled.stdout, describe(unfilled)
    _fill(path, site, case)
    valid = _ok(site.weibao("change", "validate", str(path)))
    site.digests[case] = re.search(r"request digest ([0-9a-f]{64})", valid.stdout).group(1)
    _ok(site.weibao("change", "submit", str(path), "--key", str(site.keys["zhang.san"])))
    _ok(site.weibao("change", "approve", str(path), "--key", str(site.keys["wang.wu"])))
    _ok(site.weibao("change", "attest", str(path), "--role", "operator", "--key",
                    str(site.keys["zhang.san"])))
    _ok(site.weibao("change", "attest", str(path), "--role", "recorder", "--key",
                    str(site.keys["li.si"])))
    site.requests[case] = path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed: apt-get install podman runc debootstrap, then "
                    + BUILD_HINT, pytrace=False)
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: {BUILD_HINT}", pytrace=False)
    if not (PROJECT / "runner" / "weibao" / "cli_change.py").exists():
        pytest.fail("weibao change is not implemented yet (runner/weibao/cli_change.py)",
                    pytrace=False)
    root = tmp_path_factory.mktemp("change-site")
    host = unique_name("change")
    try:
        start_host(host, systemd=False)
    except PodmanError as exc:
        remove_host(host)
        pytest.fail(f"could not start the test host: {exc}", pytrace=False)
    try:
        inventory, keys, fingerprints = _write_site(root, host)
        data_dir = root / "data"
        site = ChangeSite(host=host, root=root, inventory=inventory, data_dir=data_dir,
                          changes=root / "changes", keys=keys, fingerprints=fingerprints)
        # the client's supervisor vouches for the client's people with the anchor key
        vouched = _ok(site.weibao("people", "vouch", "--inventory", str(inventory.parent),
                                  "--key", str(keys["wang.wu"])))
        assert "vouched for the client's people wang.wu, zhao.liu" in vouched.stdout
        opens = []
        for case in IDS:
            # each request's window opens LEAD_SECONDS after it is written, so a slow
            # machine cannot make a submission late; then wait for the last one to open
            site.window_start = (dt.datetime.now(dt.UTC).replace(microsecond=0)
                                 + dt.timedelta(seconds=LEAD_SECONDS))
            opens.append(site.window_start)
            _prepare(site, case)
        time.sleep(max(0.0, (max(opens) - dt.datetime.now(dt.UTC)).total_seconds() + 1))
        yield site
    finally:
        remove_host(host)


def _status(site: ChangeSite, case: str) -> str:
    proc = site.weibao("change", "status", str(site.requests[case]))
    # exit 0 when a run would go ahead now, 1 when it would be refused (it ran, or it waits)
    refused = "change run would be refused now:" in proc.stdout
    assert proc.returncode == (1 if refused else 0), describe(proc)
    match = re.search(r"^state: (\S+)", proc.stdout, flags=re.M)
    assert match, describe(proc)
    return match.group(1)


def _audit(site: ChangeSite, case: str) -> list[dict]:
    proc = _ok(site.weibao("audit", "show", "--change", IDS[case], "--json"))
    return json.loads(proc.stdout)


# ----------------------------------------------------------------------------- success


@pytest.fixture(scope="module")
def closed(site: ChangeSite) -> dict[str, subprocess.CompletedProcess]:
    """CR-2026-0901 run and closed."""
    path = str(site.requests["success"])
    run = site.weibao("change", "run", path)
    close = site.weibao("change", "close", path, "--key", str(site.keys["li.si"]),
                        "--outcome", "success", "--remaining", "none",
                        "--evaluation", "satisfied")
    return {"run": run, "close": close}


def test_change_playbook_refuses_to_run_outside_weibao(site: ChangeSite):
    env = podman_env()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_FORCE_COLOR"] = "0"
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(site.inventory),
         "playbooks/change_demo.yml"],
        capture_output=True, text=True, env=env, cwd=PROJECT, timeout=300, check=False)
    assert proc.returncode != 0, describe(proc)
    assert "runs only through `weibao change run FILE`" in proc.stdout, describe(proc)
    assert "no run ticket was given" in proc.stdout, describe(proc)
    recap = re.search(rf"^{re.escape(site.host)}\s*:(.*)$", proc.stdout, flags=re.M)
    assert recap and re.search(r"\bchanged=0\b.*\bfailed=1\b", recap.group(1)), describe(proc)


def test_a_whole_change_runs_and_closes(site: ChangeSite, closed):
    run, close = closed["run"], closed["close"]
    change_id = IDS["success"]
    assert run.returncode == 0, describe(run)
    assert f"{change_id}: succeeded" in run.stdout, describe(run)
    assert "Step 3: write the marker of a completed change" in run.stderr, describe(run)
    for suffix in ("started", "step2", "done"):
        assert site.marker(change_id, suffix), f"marker .{suffix} missing\n{describe(run)}"
    assert close.returncode == 0, describe(close)
    assert "outcome success" in close.stdout, describe(close)
    assert _status(site, "success") == "closed"
    actions = [entry["action"] for entry in _audit(site, "success")]
    assert actions[:4] == ["change.submit", "change.approve", "change.attest", "change.attest"]
    assert actions[-3:] == ["change.run.start", "change.run.end", "change.close"]


def test_audit_log_verifies(site: ChangeSite, closed):
    proc = _ok(site.weibao("audit", "verify"))
    assert "chain intact" in proc.stdout


@pytest.fixture(scope="module")
def change_reports(site: ChangeSite, closed, tmp_path_factory) -> dict[tuple[str, str], str]:
    out = tmp_path_factory.mktemp("change-reports")
    for lang in ("en", "zh-CN"):
        _ok(site.weibao("report", "change", IDS["success"], "--lang", lang, "--format",
                        "html,md,json", "--out", str(out)))
    names = sorted(p.name for p in out.iterdir())
    stem = f"change-{IDS['success']}"
    assert names == sorted(f"{stem}.{lang}.{ext}" for lang in ("en", "zh-CN")
                           for ext in ("html", "md", "json")), names
    return {(lang, ext): (out / f"{stem}.{lang}.{ext}").read_text(encoding="utf-8")
            for lang in ("en", "zh-CN") for ext in ("html", "md", "json")}


def test_change_record_json_holds_the_whole_change(site: ChangeSite, change_reports):
    record = json.loads(change_reports[("en", "json")])
    change = record["change"]
    assert record["kind"] == "change" and record["lang"] == "en"
    assert record["file_stem"] == f"change-{IDS['success']}"
    assert change["id"] == IDS["success"] and change["state"] == "closed"
    assert change["rollback_plan"] == ROLLBACK
    assert record["closing"]["outcome"] == "success"
    assert record["closing"]["remaining_issues"] == "none"
    assert record["closing"]["evaluation"] == "satisfied"
    assert record["digests"]["request"] == site.digests["success"]
    acts = sorted((s["act"], s["role"], s["person"], s["fingerprint"], s["valid"])
                  for s in record["signoffs"])
    assert acts == sorted([
        ("submit", "requester", "zhang.san", site.fingerprints["zhang.san"], True),
        ("approve", "approver", "wang.wu", site.fingerprints["wang.wu"], True),
        ("attest", "operator", "zhang.san", site.fingerprints["zhang.san"], True),
        ("attest", "recorder", "li.si", site.fingerprints["li.si"], True),
        ("close", "recorder", "li.si", site.fingerprints["li.si"], True),
    ])
    runs = [r for r in record["runs"] if r["mode"] == "run"]
    assert len(runs) == 1 and runs[0]["status"] == "successful"
    tasks = {t["task"]: t["status"] for t in runs[0]["tasks"]}
    assert tasks["Step 3: write the marker of a completed change"] == "changed"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_change_record_reads_as_the_contracts_service_record(site: ChangeSite, change_reports,
                                                             lang):
    words = {"en": ["On-site Service Record", "Completed successfully", "Closed",
                    "Approved in writing on"],
             "zh-CN": ["现场服务报告", "成功完成", "已关闭", "书面批准"]}[lang]
    for fmt in ("html", "md"):
        text = change_reports[(lang, fmt)]
        for word in words:
            assert word in text, (lang, fmt, word)
        for value in (IDS["success"], "Demonstration change (success)", site.host,
                      "Step 3: write the marker of a completed change", "satisfied",
                      site.digests["success"], site.fingerprints["wang.wu"],
                      site.fingerprints["li.si"]):
            assert value in text, (lang, fmt, value)
        assert "<script" not in text


# ----------------------------------------------------------------------------- failure


def test_failure_in_the_middle_stops_and_points_to_the_rollback_plan(site: ChangeSite):
    change_id = IDS["fail"]
    proc = site.weibao("change", "run", str(site.requests["fail"]))
    assert proc.returncode == 2, describe(proc)
    assert f"{change_id}: FAILED" in proc.stdout, describe(proc)
    assert "Step 2: fail here" in proc.stdout, describe(proc)
    assert "follow the rollback plan" in proc.stdout, describe(proc)
    assert ROLLBACK.splitlines()[0] in proc.stdout, describe(proc)
    assert site.marker(change_id, "started")
    assert not site.marker(change_id, "step2") and not site.marker(change_id, "done")
    assert _status(site, "fail") == "failed"
    end = [e for e in _audit(site, "fail") if e["action"] == "change.run.end"]
    assert end and end[-1]["detail"]["status"] == "failed"


# ----------------------------------------------------------------------------- interrupted


def test_ctrl_c_leaves_the_change_interrupted(site: ChangeSite):
    change_id = IDS["interrupt"]
    env = podman_env()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for name in ("WEIBAO_DATA_DIR", "WEIBAO_DB_URL", "WEIBAO_LANG", "LC_ALL", "LC_MESSAGES",
                 "LANGUAGE"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    # Its own session, like a terminal's foreground job: Ctrl-C reaches its process group.
    proc = subprocess.Popen(
        [*weibao_command(), "--data-dir", str(site.data_dir), "change", "run",
         str(site.requests["interrupt"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=PROJECT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not site.marker(change_id, "started"):
            assert proc.poll() is None, f"change run ended early: {proc.communicate()}"
            assert time.monotonic() < deadline, "step 1 never ran"
            time.sleep(0.5)
        time.sleep(3)  # well inside step 2's wait of PAUSE_SECONDS
        assert proc.poll() is None, "the run finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=PAUSE_SECONDS + 120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    finished = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert finished.returncode == 2, describe(finished)
    assert f"{change_id}: INTERRUPTED" in stdout, describe(finished)
    assert not site.marker(change_id, "step2") and not site.marker(change_id, "done")
    assert _status(site, "interrupt") == "interrupted"
    end = [e for e in _audit(site, "interrupt") if e["action"] == "change.run.end"]
    assert end and end[-1]["detail"]["status"] == "interrupted"


# ----------------------------------------------------------------------------- refused


def test_editing_the_request_after_approval_is_refused_and_audited(site: ChangeSite):
    change_id = IDS["refuse"]
    path = site.requests["refuse"]
    before = len(_audit(site, "refuse"))
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Write the marker.", "Write the marker and restart the database.")
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    proc = site.weibao("change", "run", str(path))
    assert proc.returncode == 3, describe(proc)
    assert "refused" in proc.stderr + proc.stdout, describe(proc)
    assert not site.marker(change_id, "started")
    entries = _audit(site, "refuse")
    assert len(entries) == before + 1
    assert entries[-1]["action"] == "change.refused", entries[-1]
    assert _status(site, "refuse") == "approved"
    _ok(site.weibao("audit", "verify"))
