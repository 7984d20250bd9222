"""The change service end to end on local hosts: real ansible-runner runs of a small change
playbook (success, a failure in the middle, a rehearsal, an interruption), closing, a crash
and its lock, emergencies, and the store's migration."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from change_env import (
    IN_WINDOW,
    PLAYBOOK,
    WINDOW_START,
    ChangeEnv,
    ansible_processes,
)
from sqlalchemy import create_engine, inspect, select, text

from weibao.change.locks import LockDir
from weibao.change.record import run_record, run_record_digest
from weibao.change.refusal import Refusal
from weibao.change.signoffs import read_signoffs
from weibao.errors import ConfigError, NotFound
from weibao.i18n import CLI_DOMAIN, LOCALE_DIR, translations
from weibao.services import ansible as ansible_svc
from weibao.store import Change, Run, Store, TaskResult

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def env(change_world):
    return change_world(IN_WINDOW)


@pytest.fixture
def any_env(change_world, store_url):
    """The change world on SQLite and on PostgreSQL (the tests of the store's use)."""
    return change_world(IN_WINDOW, store_url)


def actions(env: ChangeEnv) -> list[str]:
    return [json.loads(line)["action"] for line in env.audit_lines()]


def change_row(env: ChangeEnv, change_id: str = "CR-2026-0001") -> Change:
    with env.store.session() as s:
        return s.get(Change, change_id)


def results(env: ChangeEnv, run_id: int) -> list[tuple[str, str, str]]:
    with env.store.session() as s:
        rows = s.query(TaskResult).filter_by(run_id=run_id).order_by(TaskResult.id)
        return [(r.host, r.task, r.status) for r in rows]


def close(env: ChangeEnv, path, who: str = "zhang.min", outcome: str = "success"):
    return env.service.close(path, env.keys[who], outcome=outcome,
                             remaining_issues="none", evaluation="客户满意")


# ----------------------------------------------------------------------------- runs


def test_a_change_runs_streams_every_task_and_closes(any_env):
    env = any_env
    path = env.ready(env.write())
    seen = []
    outcome = env.service.run(path, on_task=seen.append)
    assert (outcome.status, outcome.state, outcome.exit_code) == ("successful", "succeeded", 0)
    assert [(e.task, e.status) for e in seen] == [
        ("Check the run ticket", "ok"),
        ("Step 1: write the start marker", "changed"), ("Step 2: fail when asked", "skipped"),
        ("Step 2: wait when asked", "skipped"), ("Step 3: write the end marker", "changed")]
    assert results(env, outcome.run_id) == [("web01", e.task, e.status) for e in seen]
    # extravars: the request's variables and weibao_change_id; the limit: web01 only
    assert (env.markers / "web01.step1").read_text() == "CR-2026-0001\n"
    assert sorted(p.name for p in env.markers.iterdir()) == ["web01.step1", "web01.step3"]
    with env.store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert (run.kind, run.status, run.change_id) == ("change", "successful", "CR-2026-0001")
        assert [(h.name, h.status) for h in run.hosts] == [("web01", "done")]
        assert run.detail["gates"]["targets"]["hosts"] == ["web01"]
        assert run.manifest_sha256
    assert change_row(env).state == "succeeded"
    assert LockDir(env.data_dir).all() == []
    assert actions(env)[-2:] == ["change.run.start", "change.run.end"]
    # closing: the recorder signs the run record's digest and the audit head
    with pytest.raises(Refusal, match="the request names zhang.min"):
        close(env, path, who="sun.li")
    record = close(env, path)
    data = json.loads(record.statement)
    assert data["run_record_digest"] == run_record_digest(run_record(env.store, "CR-2026-0001"))
    assert data["audit_head"] == json.loads(env.audit_lines()[-2])["hash"]
    assert (data["outcome"], data["remaining_issues"], data["evaluation"]) == (
        "success", "none", "客户满意")
    row = change_row(env)
    assert (row.state, row.outcome, row.run_record_digest) == (
        "closed", "success", data["run_record_digest"])
    with env.store.session() as s:
        assert s.get(Change, "CR-2026-0001").run_ids == [outcome.run_id]
    with pytest.raises(Refusal, match="is closed"):
        env.service.run(path)
    assert [s.status for s in env.service.status(path).signoffs] == ["valid"] * 5


def test_a_failure_in_the_middle_stops_the_change(any_env):
    env = any_env
    path = env.ready(env.write(variables={"fail_step": 2}))
    outcome = env.service.run(path)
    assert (outcome.status, outcome.state, outcome.exit_code) == ("failed", "failed", 2)
    assert outcome.failure.task == "Step 2: fail when asked"
    assert outcome.failure.message == "step 2 failed on purpose"
    assert [s for _, _, s in results(env, outcome.run_id)] == ["ok", "changed", "failed"]
    assert sorted(p.name for p in env.markers.iterdir()) == ["web01.step1"]  # step 3 not done
    with env.store.session() as s:
        assert [(h.name, h.status) for h in s.get(Run, outcome.run_id).hosts] == [
            ("web01", "failed")]
    end = json.loads(env.audit_lines()[-1])
    assert end["action"] == "change.run.end" and end["detail"]["status"] == "failed"
    assert end["detail"]["failure"]["task"] == "Step 2: fail when asked"
    with pytest.raises(Refusal, match="follow the rollback plan"):
        env.service.run(path)
    close(env, path, outcome="rolled_back")
    assert change_row(env).outcome == "rolled_back"


def test_a_rehearsal_in_check_mode_changes_nothing_and_is_recorded_as_such(env):
    path = env.ready(env.write())
    outcome = env.service.run(path, check=True)
    assert (outcome.status, outcome.state, outcome.check) == ("successful", "approved", True)
    assert list(env.markers.iterdir()) == []  # copy in check mode writes nothing
    with env.store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert run.kind == "change-check" and run.detail["mode"] == "check"
    assert actions(env)[-2:] == ["change.check.start", "change.check.end"]
    with pytest.raises(Refusal, match="close it after it has run"):
        close(env, path)
    real = env.service.run(path)
    assert real.status == "successful"
    assert [r["kind"] for r in run_record(env.store, "CR-2026-0001")["runs"]] == [
        "change-check", "change"]


def test_ctrl_c_leaves_the_change_interrupted(env):
    path = env.ready(env.write(variables={"pause": 30}))

    def interrupt(event):
        if event.task.startswith("Step 1"):
            os.kill(os.getpid(), signal.SIGINT)

    outcome = env.service.run(path, on_task=interrupt)
    assert (outcome.status, outcome.state, outcome.exit_code) == (
        "interrupted", "interrupted", 2)
    assert "web01.step3" not in {p.name for p in env.markers.iterdir()}
    assert LockDir(env.data_dir).all() == []  # the operator was there: no stale lock
    assert ansible_processes(env.data_dir) == []  # the playbook stopped too
    with env.store.session() as s:
        assert [h.status for h in s.get(Run, outcome.run_id).hosts] == ["interrupted"]
    assert json.loads(env.audit_lines()[-1])["detail"]["status"] == "interrupted"
    # an interrupted change may run again within its window
    env.edit(path, variables={"marker_dir": str(env.markers), "fail_step": 0, "pause": 0})
    with pytest.raises(Refusal, match="was changed after"):
        env.service.run(path)


def test_a_target_the_playbook_never_touches_is_not_reached_and_the_run_fails(env):
    """ansible-playbook succeeds when a play's hosts: leaves a target out; the change must
    not be recorded as done there."""
    partial = env.content / "playbooks" / "change_partial.yml"
    partial.write_text(PLAYBOOK.replace("hosts: all", "hosts: db01"))
    path = env.ready(env.write(playbook="playbooks/change_partial.yml",
                               targets={"limit": "db"}))
    outcome = env.service.run(path)
    assert (outcome.status, outcome.state, outcome.exit_code) == ("failed", "failed", 2)
    assert outcome.failure is None and outcome.not_reached == ["db02"]
    assert {h for h, _, _ in results(env, outcome.run_id)} == {"db01"}
    with env.store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert run.status == "failed"
        assert sorted((h.name, h.status) for h in run.hosts) == [("db01", "done"),
                                                                 ("db02", "not reached")]
        assert run.message.startswith("the change playbook gave no task result for db02: "
                                      "not reached")
    end = json.loads(env.audit_lines()[-1])
    assert end["action"] == "change.run.end" and end["detail"]["status"] == "failed"
    assert "db02" in end["detail"]["message"]
    assert change_row(env).state == "failed"


def test_a_clock_set_back_during_a_run_still_records_its_end_in_order(env):
    path = env.ready(env.write())

    def set_back(event):
        env.clock.now = IN_WINDOW - HOUR

    outcome = env.service.run(path, on_task=set_back)
    assert outcome.status == "successful"
    end = json.loads(env.audit_lines()[-1])
    assert end["action"] == "change.run.end"
    assert end["time"] == "2026-03-07T14:30:00Z"  # the start's time, not the clock's
    assert end["detail"]["clock_behind"] == "2026-03-07T13:30:00Z"
    assert env.service.log.verify().ok


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_error_or_ctrl_c_as_the_run_starts_closes_it_and_frees_the_lock(env, error):
    """on_start (the command line's first lines) fails or is interrupted: the run is not left
    running, the lock not held; nothing ran, so the change may run again."""
    path = env.ready(env.write())

    def fail(ctx, run_id):
        raise error("the terminal went away") if error is RuntimeError else error

    with pytest.raises(error):
        env.service.run(path, on_start=fail)
    with env.store.session() as s:
        run = s.scalars(select(Run)).one()
        assert run.status == "interrupted" and run.ended_at is not None
        assert "before the playbook started: nothing ran on the hosts" in run.message
        assert [h.status for h in run.hosts] == ["interrupted"]
    assert change_row(env).state == "interrupted"
    assert LockDir(env.data_dir).all() == []
    assert not list(env.markers.iterdir())
    end = json.loads(env.audit_lines()[-1])
    assert (end["action"], end["detail"]["status"]) == ("change.run.end", "interrupted")
    assert env.service.run(path).status == "successful"


def test_a_run_still_going_when_the_window_closes_is_cancelled(env):
    """Operation time is strictly controlled: the window is enforced during the run too."""
    path = env.ready(env.write(variables={"pause": 60}))
    end = WINDOW_START + 4 * HOUR

    def window_closes(event):
        if event.task.startswith("Step 1"):
            env.clock.now = end + dt.timedelta(minutes=1)

    began = time.monotonic()
    outcome = env.service.run(path, on_task=window_closes)
    assert time.monotonic() - began < 40  # cancelled, not waited out (pause: 60 s)
    assert (outcome.status, outcome.state, outcome.exit_code) == (
        "interrupted", "interrupted", 2)
    reason = ("the approved window closed at 2026-03-08T02:00+08:00 (Asia/Shanghai) while the "
              "playbook was still running: cancelled at 2026-03-08T02:01+08:00")
    assert outcome.message == reason
    zh = translations(LOCALE_DIR, "zh-CN", CLI_DOMAIN).gettext
    assert outcome.describe(zh).startswith("批准的维护窗口已于 2026-03-08T02:00+08:00")
    assert "web01.step3" not in {p.name for p in env.markers.iterdir()}
    assert ansible_processes(env.data_dir) == []  # the playbook stopped too
    assert LockDir(env.data_dir).all() == []
    with env.store.session() as s:
        run = s.get(Run, outcome.run_id)
        assert (run.status, run.message) == ("interrupted", reason)
        assert [h.status for h in run.hosts] == ["interrupted"]
    last = json.loads(env.audit_lines()[-1])
    assert (last["action"], last["detail"]["status"]) == ("change.run.end", "interrupted")
    assert last["detail"]["message"] == reason
    assert last["time"] == "2026-03-07T18:01:00Z"
    with pytest.raises(Refusal, match="closed at 2026-03-08T02:00"):
        env.service.run(path)  # and it cannot run again


# ----------------------------------------------------------------------------- crash, lock


def crashed_run(env: ChangeEnv, path) -> int:
    """What a killed runner leaves: the change and its run 'running', the lock file."""
    proc = subprocess.Popen(["true"])
    proc.wait()  # a pid that has certainly ended
    LockDir(env.data_dir).acquire("CR-2026-0001", ["web01"], IN_WINDOW)
    lock_file = LockDir(env.data_dir).path("CR-2026-0001")
    data = json.loads(lock_file.read_text())
    data.update(pid=proc.pid, pid_start="")
    lock_file.write_text(json.dumps(data))
    with env.store.session() as s:
        run = Run(kind="change", site="lab", period="2026-03", status="running",
                  started_at=IN_WINDOW, user="t", inventory="i", playbook="p", limit="web",
                  ansible_version="2", weibao_version="0", site_meta={}, pid=proc.pid,
                  controller=socket.gethostname(), message="", change_id="CR-2026-0001",
                  artifact_dir="", manifest_sha256="")
        s.add(run)
        s.get(Change, "CR-2026-0001").state = "running"
        s.flush()
        run.artifact_dir = str(env.service.settings.artifacts_dir / f"run-{run.id}")
        return run.id


def left_running(env: ChangeEnv, run_id: int) -> subprocess.Popen:
    """What a killed runner leaves behind: ansible-playbook's worker goes on in a session of
    its own, marked (as ansible-runner marks it) with the run's private data directory."""
    private = env.service.settings.artifacts_dir / f"run-{run_id}"
    (private / "artifacts" / "ansible").mkdir(parents=True)
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True,
        env={**os.environ, "AWX_ISOLATED_DATA_DIR": str(private / "artifacts" / "ansible")})


def test_what_a_killed_runner_left_running_is_stopped_before_the_run_is_closed(env):
    path = env.ready(env.write())
    run_id = crashed_run(env, path)
    worker = left_running(env, run_id)
    try:
        assert ansible_processes(env.data_dir, wait=0) == [worker.pid]
        assert env.service.recover() == [run_id]
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    with env.store.session() as s:
        run = s.get(Run, run_id)
        assert run.status == "interrupted"
        assert f"stopped what it left running: pid {worker.pid} (python" in run.message
        assert [p["pid"] for p in run.detail["stopped"]] == [worker.pid]
    assert change_row(env).state == "interrupted"
    end = json.loads(env.audit_lines()[-1])
    assert (end["action"], end["detail"]["status"]) == ("change.run.end", "interrupted")
    assert [p["pid"] for p in end["detail"]["stopped"]] == [worker.pid]
    assert f"pid {worker.pid}" in end["detail"]["reason"]


def test_a_pid_reused_by_another_program_is_not_taken_for_the_runner(env):
    path = env.ready(env.write())
    run_id = crashed_run(env, path)
    other = subprocess.Popen(["sleep", "300"])  # a live process with the run's pid
    try:
        with env.store.session() as s:
            run = s.get(Run, run_id)
            run.pid = other.pid
            run.detail = {"pid_start": "1"}  # the runner started at another time
        assert env.service.recover() == [run_id]
        assert other.poll() is None  # not the run's: left alone
    finally:
        other.kill()
        other.wait()
    assert change_row(env).state == "interrupted"


def test_unlock_stops_what_the_run_left_running_first(env):
    path = env.ready(env.write())
    run_id = crashed_run(env, path)
    with env.store.session() as s:  # closed earlier, by a weibao that did not stop it
        s.get(Run, run_id).status = "interrupted"
        s.get(Change, "CR-2026-0001").state = "interrupted"
    worker = left_running(env, run_id)
    try:
        env.service.unlock("CR-2026-0001", env.keys["li.wei"], "checked web01")
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    entry = json.loads(env.audit_lines()[-1])
    assert entry["action"] == "change.unlock"
    assert [(p["run_id"], p["pid"]) for p in entry["detail"]["stopped"]] == [
        (run_id, worker.pid)]


def test_unlock_refuses_while_what_the_run_left_still_runs(env, monkeypatch):
    path = env.ready(env.write())
    run_id = crashed_run(env, path)
    env.service.recover()
    # processes weibao may not kill (another user's): they stay
    monkeypatch.setattr(ansible_svc, "stop_and_wait",
                        lambda directory, wait=5.0: ({4242: "ansible-playbook"},
                                                     {4242: "ansible-playbook"}))
    with pytest.raises(Refusal) as err:
        env.service.unlock("CR-2026-0001", env.keys["li.wei"], "checked web01")
    text = err.value.render()
    assert "\n" not in text
    assert (f"run {run_id} of CR-2026-0001 still has processes running on this controller "
            "that weibao cannot stop (pid 4242)") in text
    assert LockDir(env.data_dir).get("CR-2026-0001") is not None
    entry = json.loads(env.audit_lines()[-1])
    assert (entry["action"], entry["detail"]["rule"]) == ("change.refused", "unlock")


def test_a_crash_is_found_reported_and_cleared_deliberately(any_env):
    env = any_env
    path = env.ready(env.write())
    run_id = crashed_run(env, path)
    with pytest.raises(Refusal) as err:
        env.service.run(path)
    assert err.value.rule == "lock"
    assert "weibao change unlock CR-2026-0001 --key KEY --reason TEXT" in err.value.render()
    # the next weibao found the dead run and marked it, and the change, interrupted
    assert change_row(env).state == "interrupted"
    with env.store.session() as s:
        assert s.get(Run, run_id).status == "interrupted"
    ends = [json.loads(line) for line in env.audit_lines()
            if b'"change.run.end"' in line]
    assert ends[-1]["detail"] == {"run_id": run_id, "status": "interrupted",
                                  "reason": ends[-1]["detail"]["reason"]}
    # only the operator or recorder of the change clears it, with a reason
    with pytest.raises(Refusal, match="only its operator .li.wei. or recorder"):
        env.service.unlock("CR-2026-0001", env.keys["wang.fang"], "checked")
    with pytest.raises(ConfigError, match="--reason"):
        env.service.unlock("CR-2026-0001", env.keys["li.wei"], "  ")
    lock = env.service.unlock("CR-2026-0001", env.keys["li.wei"],
                              "checked web01: step 1 done, nothing half-written")
    assert lock.hosts == ("web01",)
    entry = json.loads(env.audit_lines()[-1])
    assert entry["action"] == "change.unlock" and entry["actor"] == "li.wei"
    assert entry["detail"]["reason"].startswith("checked web01")
    assert "-----BEGIN SSH SIGNATURE-----" in entry["detail"]["signature"]
    with pytest.raises(NotFound, match="holds no lock"):
        env.service.unlock("CR-2026-0001", env.keys["li.wei"], "again")
    outcome = env.service.run(path)  # interrupted changes may run again
    assert outcome.status == "successful"


def test_a_live_lock_cannot_be_cleared(env):
    path = env.ready(env.write())
    LockDir(env.data_dir).acquire("CR-2026-0001", ["web01"], IN_WINDOW)  # this process
    with pytest.raises(Refusal, match="belongs to a run still going on"):
        env.service.unlock("CR-2026-0001", env.keys["zhang.min"], "sure")
    with pytest.raises(Refusal, match="is already running"):
        env.service.run(path)


# ----------------------------------------------------------------------------- emergency


def test_emergency_change_runs_first_and_is_approved_afterwards(env):
    path = env.write(emergency={"is_emergency": True, "reason": "db01 lost a disk"})
    env.ready(path, submitted=WINDOW_START, emergency=True)  # submitted as the window opens
    assert change_row(env).awaiting_retrospective_approval is True
    outcome = env.service.run(path)
    assert outcome.status == "successful" and outcome.emergency
    assert outcome.awaiting_retrospective_approval
    start = next(json.loads(line) for line in env.audit_lines()
                 if b'"change.run.start"' in line)
    assert start["detail"]["emergency"] and start["detail"]["awaiting_retrospective_approval"]
    close(env, path)
    assert change_row(env).awaiting_retrospective_approval is True  # still flagged
    env.at(IN_WINDOW + 24 * HOUR).approve(path)  # retrospective approval
    row = change_row(env)
    assert (row.state, row.awaiting_retrospective_approval) == ("closed", False)
    assert [r.act for r in read_signoffs(path, "CR-2026-0001")] == [
        "submit", "attest", "close", "approve"]


# ----------------------------------------------------------------------------- store


def test_migration_0002_upgrades_a_store_made_by_0001(store_url):
    from alembic import command

    from weibao.store.db import alembic_config

    url = store_url
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text(
            "INSERT INTO runs (kind, site, period, status, started_at, \"user\", inventory, "
            "playbook, \"limit\", ansible_version, weibao_version, site_meta, artifact_dir, "
            "manifest_sha256, message, controller) VALUES ('inspection', 's', '2026-11', "
            "'successful', '2026-11-01 00:00:00', 'u', 'i', 'p', '', '2', '0', '{}', '', '', "
            "'', 'h')"))
    engine.dispose()
    store = Store(url)
    try:
        tables = set(inspect(store.engine).get_table_names())
        assert {"changes", "signoffs", "task_results", "backups", "runs"} <= tables
        with store.session() as s:
            run = s.get(Run, 1)
            assert (run.kind, run.change_id, run.detail) == ("inspection", None, None)
    finally:
        store.dispose()


def test_reason_required_and_unknown_change(env):
    with pytest.raises(NotFound, match="no such change"):
        env.service.unlock("CR-2026-0042", env.keys["li.wei"], "why")
    with pytest.raises(ConfigError, match="expected CR-YYYY-NNNN"):
        env.service.unlock("42", env.keys["li.wei"], "why")
