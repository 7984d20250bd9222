"""The weibao_linear strategy (plugins/strategy/weibao_linear.py) that weibao's runner selects:
a play runs as under Ansible's linear strategy, but while every fork is busy the controller
sleeps until a worker ends instead of polling the workers every 0.1 ms.

Real ansible-playbook runs with the project's ansible.cfg and the runner's strategy_env(). A
callback (in the controller's process, where the strategy runs) counts how often the workers
are asked whether they are alive: polling asks thousands of times a second, waiting a few
times per task."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from weibao.services import ansible as ansible_svc

ROOT = Path(__file__).resolve().parents[2]

COUNTING_CALLBACK = '''
import json, os
from ansible.executor.process.worker import WorkerProcess
from ansible.plugins.callback import CallbackBase

CALLS = {"is_alive": 0}
_is_alive = WorkerProcess.is_alive

def _counted(self):
    CALLS["is_alive"] += 1
    return _is_alive(self)

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "count_polls"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_start(self, playbook):
        WorkerProcess.is_alive = _counted

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed)
        with open(os.environ["COUNT_POLLS_OUT"], "w") as out:
            json.dump({"is_alive": CALLS["is_alive"],
                       "ok": {h: stats.summarize(h)["ok"] for h in hosts},
                       "failures": {h: stats.summarize(h)["failures"] for h in hosts}}, out)
'''

PLAY = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: Keep every fork busy for a while
      ansible.builtin.command: sleep 0.6
      changed_when: false
      failed_when: inventory_hostname == 'h3'
    - name: A second task, run by the hosts that did not fail
      ansible.builtin.debug:
        msg: done
"""


def run_play(tmp_path: Path, strategy_env: dict[str, str]) -> dict:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {
        "hosts": {f"h{i}": {} for i in range(6)},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}))
    (tmp_path / "play.yml").write_text(PLAY)
    callbacks = tmp_path / "callbacks"
    callbacks.mkdir(exist_ok=True)
    (callbacks / "count_polls.py").write_text(COUNTING_CALLBACK)
    out = tmp_path / f"count-{strategy_env['ANSIBLE_STRATEGY']}.json"
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORKS": "2",
           "ANSIBLE_CALLBACK_PLUGINS": str(callbacks), "ANSIBLE_CALLBACKS_ENABLED": "count_polls",
           "COUNT_POLLS_OUT": str(out),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
           **strategy_env}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                           str(inventory), str(tmp_path / "play.yml")], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]  # h3 failed
    return json.loads(out.read_text())


def test_the_runners_strategy_runs_the_play_as_linear_does_without_polling(tmp_path):
    ours = run_play(tmp_path, ansible_svc.strategy_env())
    # every host ran the first task, the failed one stopped there, the others went on
    assert ours["failures"] == {f"h{i}": int(i == 3) for i in range(6)}
    assert ours["ok"] == {f"h{i}": 0 if i == 3 else 2 for i in range(6)}
    # six hosts on two forks: the controller waited for a free fork four times; each wait
    # and each queueing looks at two workers
    assert ours["is_alive"] < 60, ours

    # the same play under Ansible's own linear strategy: the same outcome, and the polling
    # this strategy removes (a check of both workers every 0.1 ms for about a second)
    linear = run_play(tmp_path, {"ANSIBLE_STRATEGY": "ansible.builtin.linear"})
    assert (linear["ok"], linear["failures"]) == (ours["ok"], ours["failures"])
    assert linear["is_alive"] > 20 * ours["is_alive"], (linear, ours)


def test_the_runner_selects_the_strategy_only_on_the_ansible_core_it_was_checked_against(
        runner_envvars, monkeypatch):
    assert ansible_svc.strategy_env("2.19.14") == {
        "ANSIBLE_STRATEGY": "weibao_linear",
        "ANSIBLE_STRATEGY_PLUGINS": str(ROOT / "plugins" / "strategy")}
    assert (ROOT / "plugins" / "strategy" / "weibao_linear.py").is_file()
    # a release whose linear strategy nobody checked runs on linear itself
    assert ansible_svc.strategy_env("2.20.0") == {}
    assert ansible_svc.strategy_env("3.0.0") == {}

    # and run_playbook hands it to ansible-runner
    assert runner_envvars()["ANSIBLE_STRATEGY"] == "weibao_linear"
    monkeypatch.setattr(ansible_svc, "ansible_core_version", lambda: "2.99.0")
    assert "ANSIBLE_STRATEGY" not in runner_envvars()


def test_ctrl_c_while_every_fork_is_busy_ends_the_run_as_under_linear(tmp_path):
    """SIGINT while the strategy waits for a free fork: Ansible's own handler stops the
    workers and the run ends at once, "User interrupted execution" (exit 99), as under linear;
    the wait does not hold the run."""
    import signal
    import time

    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {
        "hosts": {f"h{i}": {} for i in range(3)},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}))
    (tmp_path / "play.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.command: sleep 30\n      changed_when: false\n")
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORKS": "1",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
           **ansible_svc.strategy_env()}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                             str(inventory), str(tmp_path / "play.yml")], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(6)  # h0 runs its sleep; h1 waits for the one fork
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 99, out[-2000:]
    assert "User interrupted execution" in out
    assert time.monotonic() - started < 10, "the interrupted run did not end promptly"


PREPARING_ACTION = '''
import gc, json, os
from ansible.plugins.action import ActionBase

class ActionModule(ActionBase):
    @classmethod
    def prepare_controller(cls, loader, task_args):
        with open(os.environ["PREPARED_OUT"], "a") as out:
            out.write(json.dumps({"pid": os.getpid(), "args": dict(task_args)}) + "\\n")
        if task_args.get("boom"):
            raise RuntimeError("preparation failed")
        cls.prepared_in_main = os.getpid()

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        # a worker is a fork of the main process: it has what the preparation left, and
        # the objects frozen before the fork
        return dict(result, prepared_in=getattr(type(self), "prepared_in_main", None),
                    worker=os.getpid(), frozen=gc.get_freeze_count())
'''

PREPARING_PLAY = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: A task whose action prepares in the main process
      prepare_probe:
        label: first
      register: first
    - name: A second task of the same action, whose preparation fails
      prepare_probe:
        boom: true
      register: second
    - name: What the workers saw
      ansible.builtin.copy:
        content: "{{ {'first': first, 'second': second} | to_json }}"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        mode: "0600"
"""


def test_an_action_prepares_once_per_task_in_the_main_process_before_the_workers_fork(tmp_path):
    """weibao_inspect parses its roles' files in prepare_controller so that N workers need not
    each parse them; a failing preparation only leaves the work to the workers."""
    actions = tmp_path / "action_plugins"
    actions.mkdir()
    (actions / "prepare_probe.py").write_text(PREPARING_ACTION)
    (tmp_path / "play.yml").write_text(PREPARING_PLAY)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {
        "hosts": {f"h{i}": {} for i in range(5)},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                 "out_dir": str(tmp_path)}}}))
    prepared = tmp_path / "prepared.jsonl"
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_FORKS": "2",
           "ANSIBLE_ACTION_PLUGINS": str(actions), "PREPARED_OUT": str(prepared),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
           **ansible_svc.strategy_env()}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                             str(inventory), str(tmp_path / "play.yml")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=ROOT)
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, output[-3000:]

    calls = [json.loads(line) for line in prepared.read_text().splitlines()]
    # once per task, not once per host, in ansible-playbook's own process
    assert [call["args"] for call in calls] == [{"label": "first"}, {"boom": True}]
    assert {call["pid"] for call in calls} == {proc.pid}
    for i in range(5):
        seen = json.loads((tmp_path / f"h{i}.json").read_text())
        first, second = seen["first"], seen["second"]
        assert first["prepared_in"] == proc.pid and first["worker"] != proc.pid
        assert first["frozen"] > 0 and second["frozen"] > 0
        # the failed preparation did not fail the task
        assert "failed" not in second or not second["failed"]

    # under Ansible's own linear strategy nothing is prepared, and the play still runs
    prepared.unlink()
    plain = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                            str(inventory), str(tmp_path / "play.yml")], capture_output=True,
                           text=True, env={**env, "ANSIBLE_STRATEGY": "ansible.builtin.linear"},
                           cwd=ROOT, timeout=300, check=False)
    assert plain.returncode == 0, plain.stdout[-3000:]
    assert not prepared.exists()
    assert json.loads((tmp_path / "h0.json").read_text())["first"]["prepared_in"] is None
