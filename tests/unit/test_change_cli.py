"""`weibao change ...` and `weibao audit ...` through the command line: click's test runner
for most commands, a real `weibao` process for Ctrl-C and for a killed runner."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from change_env import ChangeEnv, Clock, ansible_processes, live_window
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.change.locks import LockDir
from weibao.services import ansible as ansible_svc
from weibao.store import Change

HOUR = dt.timedelta(hours=1)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _main(args):
    cli_mod.main(list(args))


@pytest.fixture
def env(tmp_path, keys, monkeypatch):
    world = ChangeEnv(tmp_path, keys, Clock(dt.datetime.now(dt.UTC)))
    monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(world.content))
    monkeypatch.delenv("WEIBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("WEIBAO_LANG", "en")
    monkeypatch.chdir(tmp_path)
    yield world
    world.store.dispose()


def weibao(env: ChangeEnv, *args: str):
    result = CliRunner().invoke(_main, ["--data-dir", str(env.data_dir), *args],
                                catch_exceptions=False)
    return result


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def live(env: ChangeEnv, change_id: str = "CR-2026-0001", **overrides) -> tuple[Path, dt.datetime]:
    """A request whose window is open now (the command line uses the real clock)."""
    start, window = live_window()
    return env.write(change_id, window=window, **overrides), start


def state(env: ChangeEnv, change_id: str = "CR-2026-0001") -> str:
    with env.store.session() as s:
        return s.get(Change, change_id).state


# ----------------------------------------------------------------------------- the clock


def test_a_clock_behind_the_audit_log_is_one_line_and_exit_3(env):
    from weibao.audit import AuditLog, default_audit_path

    path, _ = live(env)
    tomorrow = dt.datetime.now(dt.UTC) + 24 * HOUR
    AuditLog(default_audit_path(env.data_dir)).append("tester", "test.future", None,
                                                      now=tomorrow)
    result = weibao(env, "change", "submit", str(path), "--key", str(env.keys["wang.fang"]))
    assert result.exit_code == 3, result.output
    [line] = lines(result.output)
    assert line.startswith("weibao: error: audit log ")
    assert "earlier than the last entry's (2, " in line and "check the clock" in line


# ----------------------------------------------------------------------------- new, validate


def test_new_writes_the_skeleton_once_and_validate_lists_its_problems(env):
    year = dt.datetime.now(dt.UTC).year
    result = weibao(env, "change", "new")  # the only site in inventories/
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == Path("changes") / f"CR-{year}-0001.yml"
    text = path.read_text()
    assert 'site: "lab"' in text and 'timezone: "Asia/Shanghai"' in text
    again = weibao(env, "change", "new", "--site", "lab", "--id", f"CR-{year}-0001")
    assert again.exit_code == 3
    assert lines(again.output) == [f"weibao: error: {path}: already exists; choose another --id"]
    assert path.read_text() == text
    second = weibao(env, "change", "new", "--site", "lab")
    assert second.stdout.strip() == str(Path("changes") / f"CR-{year}-0002.yml")
    checked = weibao(env, "change", "validate", str(path))
    assert checked.exit_code == 3
    problems = lines(checked.output)
    assert len(problems) > 5
    assert all(p.startswith(f"{path}: ") for p in problems)
    assert any("purpose: still the skeleton's placeholder" in p for p in problems)


def test_new_needs_a_site_when_there_are_several(env):
    (env.root / "inventories" / "other").mkdir()
    result = weibao(env, "change", "new")
    assert result.exit_code == 3 and "inventories found: lab, other" in result.output


def test_validate_ok(env):
    path = env.write()
    result = weibao(env, "change", "validate", str(path))
    assert result.exit_code == 0
    assert result.output.startswith(f"{path}: OK (CR-2026-0001, request digest ")


# ----------------------------------------------------------------------------- sign-offs


def test_signoffs_through_the_command_line_and_a_late_submission_refused(env):
    path, _ = live(env)
    key = env.keys
    result = weibao(env, "change", "submit", str(path), "--key", str(key["wang.fang"]))
    assert result.exit_code == 0, result.output
    assert "CR-2026-0001: submitted by wang.fang at" in result.output
    assert f"sign-offs: {path.with_name('CR-2026-0001.signoffs.yml')}" in result.output
    refused = weibao(env, "change", "approve", str(path), "--key", str(key["li.wei"]))
    assert refused.exit_code == 3
    assert lines(refused.output) == [
        f"weibao: error: refused: li.wei (by key {key['li.wei']}) does not have the role "
        f"approver in the people file {env.people}"]
    for args in (["approve", "--key", str(key["chen.jing"])],
                 ["attest", "--role", "operator", "--key", str(key["li.wei"])],
                 ["attest", "--role", "recorder", "--key", str(key["zhang.min"])]):
        ok = weibao(env, "change", args[0], str(path), *args[1:])
        assert ok.exit_code == 0, ok.output
    # submitted just now, for a window that opened an hour ago: no 24 h notice
    run = weibao(env, "change", "run", str(path))
    assert run.exit_code == 3
    (line,) = lines(run.output)
    assert line.startswith("weibao: error: refused: CR-2026-0001 was submitted at ")
    assert "the site requires 24 h notice" in line
    assert not list(env.markers.iterdir())
    shown = weibao(env, "audit", "show", "--change", "CR-2026-0001")
    last = lines(shown.output)[-1]
    assert last.split()[2:4] == [getpass.getuser(), "change.refused"]
    assert "run: notice:" in last


def test_refusals_in_chinese(env):
    path, _ = live(env)
    result = weibao(env, "--lang", "zh-CN", "change", "run", str(path))
    assert result.exit_code == 3
    (line,) = lines(result.output)
    assert line.startswith("weibao: 错误: 拒绝：CR-2026-0001 尚未提交")


# ----------------------------------------------------------------------------- run


def test_run_success_status_and_close(env):
    path, start = live(env)
    env.ready(path, start=start)
    before = len(env.audit_lines())
    status = weibao(env, "change", "status", str(path))
    assert status.exit_code == 0
    assert "state: approved" in status.output
    assert "change run: every rule holds now" in status.output
    assert len(env.audit_lines()) == before  # status records nothing
    result = weibao(env, "change", "run", str(path))
    assert result.exit_code == 0, result.output
    assert "every rule holds; run 1: playbooks/change_test.yml on web01" in result.output
    assert "web01: Step 3: write the end marker" in result.output
    assert "CR-2026-0001: succeeded (run 1, 5 task results)" in result.output
    assert "web01: Check the run ticket" in result.output
    closed = weibao(env, "change", "close", str(path), "--key", str(env.keys["zhang.min"]),
                    "--outcome", "success", "--remaining", "none", "--evaluation", "满意")
    assert closed.exit_code == 0, closed.output
    assert "closed by zhang.min" in closed.output and "outcome success" in closed.output
    status = weibao(env, "change", "status", str(path))
    assert "state: closed" in status.output
    assert "run 1 (change): successful" in status.output
    assert "  - state: CR-2026-0001 is closed" in status.output
    assert status.exit_code == 1  # change run would be refused: status says so by its exit
    assert "  signed for hosts: web01 (inventory " in status.output
    assert "under the site's rules: notice 24 h" in status.output


ENGLISH_WORDS = {
    # acts, roles, rules, run kinds
    "submit", "approve", "attest", "close", "requester", "approver", "operator", "recorder",
    "state", "people", "signatures", "targets", "notice", "window", "playbook", "backups",
    "lock", "media", "audit", "change", "change-check", "rehearsal",
}


def test_status_in_chinese_has_no_english_act_role_rule_or_kind_words(env):
    path, start = live(env)
    env.ready(path, start=start)
    assert weibao(env, "change", "run", str(path), "--check").exit_code == 0
    assert weibao(env, "change", "run", str(path)).exit_code == 0
    result = weibao(env, "--lang", "zh-CN", "change", "status", str(path))
    assert result.exit_code == 1, result.output  # it has run: a run would be refused now
    out = lines(result.output)
    signoffs = [line.split() for line in out if line.lstrip().startswith("[")]
    assert len(signoffs) == 4
    assert [(words[1], words[2]) for words in signoffs] == [
        ("提交", "申请人"), ("批准", "批准人"), ("确认到场", "运行工程师"),
        ("确认到场", "确认记录人")]
    runs = [line for line in out if line.startswith("运行 ")]
    assert [line.split("：")[0] for line in runs] == ["运行 1（预演）", "运行 2（变更）"]
    rules = [line.strip()[2:].split(":")[0] for line in out if line.startswith("  - ")]
    assert rules == ["状态"]  # it has run: the state rule refuses
    shown = {w for words in signoffs for w in words[1:3]}
    shown |= {line.split("（")[1].split("）")[0] for line in runs} | set(rules)
    assert not shown & ENGLISH_WORDS, result.output


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "INTERRUPTED (run 1): the approved window closed at {end} (Asia/Shanghai) while the "
           "playbook was still running: cancelled at "),
    ("zh-CN", "已中断（运行 1）：批准的维护窗口已于 {end}（Asia/Shanghai）关闭，"
              "剧本仍在运行：于 ")])
def test_a_window_closing_during_the_run_is_said_in_the_users_language(env, monkeypatch,
                                                                      lang, words):
    from weibao import cli_change
    from weibao.change.service import ChangeService

    path, start = live(env, variables={"pause": 60})
    env.ready(path, start=start)
    end = start + 4 * HOUR  # live_window: the window opened an hour ago, ends in three

    def clock():  # the real time until step 1 has run, then just past the window's end
        if (env.markers / "web01.step1").exists():
            return end + dt.timedelta(minutes=1)
        return dt.datetime.now(dt.UTC)

    monkeypatch.setattr(cli_change, "_service",
                        lambda app: ChangeService(app.settings, app.store, clock=clock))
    result = weibao(env, "--lang", lang, "change", "run", str(path))
    assert result.exit_code == 2, result.output
    assert words.format(end=end.isoformat(timespec="minutes")) in result.output
    assert not (env.markers / "web01.step3").exists()
    assert state(env) == "interrupted"
    end_entry = json.loads(env.audit_lines()[-1])
    assert end_entry["detail"]["message"].startswith("the approved window closed at ")


def test_validate_names_the_line_in_chinese(env):
    path = env.write(window={"start": "2026-03-08T02:00", "end": "2026-03-07T22:00"})
    result = weibao(env, "--lang", "zh-CN", "change", "validate", str(path))
    assert result.exit_code == 3
    (line,) = [x for x in lines(result.output) if "window.end" in x]
    assert line.startswith(f"{path}: 第 ") and " 行: window.end" in line, line
    assert "line" not in line[len(str(path)):]
    # the same problem met by another command (submit reads the request first)
    result = weibao(env, "--lang", "zh-CN", "change", "submit", str(path), "--key",
                    str(env.keys["wang.fang"]))
    assert result.exit_code == 3
    [line] = lines(result.output)
    assert f"{path}: 第 " in line and " 行: window.end" in line and " line " not in line, line


def test_run_failure_points_to_the_rollback_plan(env):
    path, start = live(env, variables={"fail_step": 2})
    env.ready(path, start=start)
    result = weibao(env, "change", "run", str(path))
    assert result.exit_code == 2
    assert ("CR-2026-0001: FAILED in run 1 on web01 at task Step 2: fail when asked: step 2 "
            "failed on purpose") in result.output
    assert f"follow the rollback plan ({path}, rollback_plan):" in result.output
    assert "    Remove the markers." in result.output
    assert state(env) == "failed"


def test_run_that_leaves_a_target_untouched_fails_naming_it(env):
    from change_env import PLAYBOOK

    (env.content / "playbooks" / "change_partial.yml").write_text(
        PLAYBOOK.replace("hosts: all", "hosts: db01"))
    path, start = live(env, playbook="playbooks/change_partial.yml", targets={"limit": "db"})
    env.ready(path, start=start)
    result = weibao(env, "change", "run", str(path))
    assert result.exit_code == 2, result.output
    assert ("CR-2026-0001: FAILED in run 1: the change playbook gave no task result for db02: "
            "not reached") in result.output
    assert "succeeded" not in result.output
    assert f"follow the rollback plan ({path}, rollback_plan):" in result.output
    assert state(env) == "failed"


def test_emergency_through_the_command_line(env):
    path, _ = live(env, emergency={"is_emergency": True, "reason": "disk failed"})
    submitted = weibao(env, "change", "submit", str(path), "--key", str(env.keys["wang.fang"]))
    assert submitted.exit_code == 0, submitted.output
    assert "EMERGENCY change: it may run on the requester's and the operator's" in (
        submitted.output)
    attested = weibao(env, "change", "attest", str(path), "--role", "operator", "--key",
                      str(env.keys["li.wei"]))
    assert attested.exit_code == 0, attested.output
    result = weibao(env, "change", "run", str(path), "--check")
    assert result.exit_code == 0, result.output
    assert "EMERGENCY change CR-2026-0001: running without the client's approval" in (
        result.output)
    assert "rehearsal passed" in result.output
    assert "awaiting retrospective approval" in result.output
    status = weibao(env, "change", "status", str(path))
    assert "EMERGENCY change (disk failed)" in status.output
    assert "awaiting retrospective approval" in status.output


# ----------------------------------------------------------------------------- processes


def start_run(env: ChangeEnv, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "weibao", "--data-dir", str(env.data_dir), "change", "run",
         str(path)], env=env.env(), cwd=env.root, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the playbook did not start"
        time.sleep(0.1)


def test_ctrl_c_in_a_real_process_marks_the_change_interrupted(env):
    path, start = live(env, variables={"pause": 60})
    env.ready(path, start=start)
    proc = start_run(env, path)
    try:
        wait_for(env.markers / "web01.step1", proc)
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, output
    assert "CR-2026-0001: INTERRUPTED (run 1)" in output
    assert state(env) == "interrupted"
    assert LockDir(env.data_dir).all() == []
    assert not (env.markers / "web01.step3").exists()
    assert ansible_processes(env.data_dir) == []  # the playbook stopped with the runner
    end = json.loads(env.audit_lines()[-1])
    assert (end["action"], end["detail"]["status"]) == ("change.run.end", "interrupted")


def test_a_killed_runner_leaves_a_lock_reported_and_cleared(env):
    path, start = live(env, variables={"pause": 60})
    env.ready(path, start=start)
    proc = start_run(env, path)
    try:
        wait_for(env.markers / "web01.step1", proc)
        proc.kill()  # SIGKILL: no clean-up at all
        proc.communicate(timeout=30)
        # ansible-playbook's worker runs in a session of its own: the kill left it running
        assert ansible_processes(env.data_dir, wait=0)
        # the next weibao stops what the run left, then marks it interrupted
        status = weibao(env, "change", "status", str(path))
        assert ansible_processes(env.data_dir, wait=0) == []
    finally:
        ansible_svc.stop_leftovers(env.data_dir / "artifacts" / "run-1")  # whatever happened
    assert not (env.markers / "web01.step3").exists()
    end = json.loads(env.audit_lines()[-1])
    assert (end["action"], end["detail"]["status"]) == ("change.run.end", "interrupted")
    assert end["detail"]["stopped"] and "stopped what the run left running" in (
        end["detail"]["reason"])
    assert LockDir(env.data_dir).get("CR-2026-0001") is not None
    assert "state: interrupted" in status.output  # found by the next weibao
    assert "(stale: the run stopped without finishing)" in status.output
    run = weibao(env, "change", "run", str(path))
    assert run.exit_code == 3
    assert "weibao change unlock CR-2026-0001 --key KEY --reason TEXT" in run.output
    unlock = weibao(env, "change", "unlock", "CR-2026-0001", "--key",
                    str(env.keys["zhang.min"]), "--reason", "web01 checked: step 1 only")
    assert unlock.exit_code == 0, unlock.output
    assert "CR-2026-0001: lock cleared" in unlock.output
    verify = weibao(env, "audit", "verify")
    assert verify.exit_code == 0


# ----------------------------------------------------------------------------- audit


def test_audit_verify_and_show(env):
    path, start = live(env)
    env.ready(path, start=start)
    ok = weibao(env, "audit", "verify")
    assert ok.exit_code == 0
    assert f"audit log {env.service.log.path}: 5 entries, chain intact" in ok.output
    shown = weibao(env, "audit", "show", "--change", "CR-2026-0001", "--json")
    entries = json.loads(shown.output)
    assert [e["action"] for e in entries] == ["change.submit", "change.approve",
                                              "change.attest", "change.attest"]
    text = weibao(env, "audit", "show")
    # the client's vouching for its people (contract start), then the change's four
    assert len(lines(text.output)) == 5 and "people.vouch" in lines(text.output)[0]
    raw = env.audit_lines()
    raw[3] = raw[3].replace(b"operator", b"recorder")
    env.service.log.path.write_bytes(b"".join(raw))
    bad = weibao(env, "audit", "verify")
    assert bad.exit_code == 1
    assert "entry 4 is the first bad one" in bad.output
    assert "3 entries before it are intact" in bad.output
    empty = CliRunner().invoke(_main, ["--data-dir", str(env.root / "new"), "audit", "verify"])
    assert empty.exit_code == 0 and "0 entries" in empty.output


def test_change_list(env):
    empty = weibao(env, "change", "list")
    assert empty.exit_code == 0 and "no change stored" in empty.output
    path, start = live(env)
    env.ready(path, start=start)
    other, _ = live(env, "CR-2026-0002")
    env.submit(other)
    out = weibao(env, "change", "list")
    assert out.exit_code == 0, out.output
    rows = lines(out.output)
    assert [r.split()[:2] for r in rows] == [["CR-2026-0001", "approved"],
                                             ["CR-2026-0002", "submitted"]]
    assert "wang.fang → li.wei/zhang.min" in rows[0]
    only = json.loads(weibao(env, "change", "list", "--state", "submitted", "--json").output)
    assert [c["id"] for c in only] == ["CR-2026-0002"]
    assert weibao(env, "change", "list", "--state", "done").exit_code == 3
    zh = weibao(env, "--lang", "zh-CN", "change", "list")
    assert "approved" not in zh.output
