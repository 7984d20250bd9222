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
