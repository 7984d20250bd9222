"""An inspection execs once per host: its runs leave no ssh ControlPersist master behind.

ansible.cfg's ssh_args keep a master per host for 60 s (ControlPersist), which a change run's
many tasks use; after an inspection each would only hold a connection to its host and about
4 MB of the controller's memory. ``run_playbook(persistent_ssh=False)`` (what the inspection
passes) sets ANSIBLE_SSH_ARGS so that Ansible builds its ssh command without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from weibao.services import ansible as ansible_svc

ROOT = Path(__file__).resolve().parents[2]


def test_run_playbook_drops_ssh_persistence_only_when_asked(runner_envvars, monkeypatch):
    monkeypatch.delenv("ANSIBLE_SSH_ARGS", raising=False)
    assert runner_envvars(persistent_ssh=False)["ANSIBLE_SSH_ARGS"] == "-o ControlMaster=no"
    # a change run (many tasks a host) keeps ansible.cfg's ControlPersist
    assert "ANSIBLE_SSH_ARGS" not in runner_envvars()
    # the operator's own setting wins
    monkeypatch.setenv("ANSIBLE_SSH_ARGS", "-o ProxyJump=bastion")
    assert "ANSIBLE_SSH_ARGS" not in runner_envvars(persistent_ssh=False)


def test_the_inspection_asks_for_no_ssh_persistence(tmp_path, monkeypatch):
    from weibao.config import load_settings
    from weibao.services import inspection
    from weibao.services.ansible import PlaybookResult
    from weibao.services.inventory import Inventory, Site
    from weibao.store import Store

    seen: dict = {}

    def fake_run_playbook(playbook, inventory, private_dir, extravars, limit, event_handler,
                          cancelled, **kw):
        seen.update(kw)
        return PlaybookResult(status="successful", rc=0, stdout_tail="")

    monkeypatch.setattr(inspection.ansible_svc, "run_playbook", fake_run_playbook)
    inventory = Inventory(path=tmp_path / "inv", site=Site(name="dc1"), hosts=["srv1"],
                          assets={"srv1": {}}, platforms={"srv1": "linux"})
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        inspection.run_inspection(load_settings(tmp_path), store, inventory, "2026-11")
    finally:
        store.dispose()
    assert seen["persistent_ssh"] is False


def test_a_site_controller_runs_the_inspection_without_ssh_persistence_too():
    from weibao.services import remote

    assert remote.envvars()["ANSIBLE_SSH_ARGS"] == ansible_svc.ONE_EXEC_SSH_ARGS


@pytest.mark.parametrize("persistent", [False, True])
def test_ansible_builds_its_ssh_command_without_a_master(tmp_path, persistent):
    """Ansible's own ssh command line (-vvv), for a host on a closed port, with the project's
    ansible.cfg and the environment run_playbook gives: ControlPersist only when persistent."""
    (tmp_path / "play.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
    env = {k: v for k, v in os.environ.items() if k != "ANSIBLE_SSH_ARGS"}
    env.update(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_SSH_CONTROL_PATH_DIR=str(tmp_path / "cp"),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    if not persistent:
        env["ANSIBLE_SSH_ARGS"] = ansible_svc.ONE_EXEC_SSH_ARGS
    out = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-vvv", "-i", "127.0.0.1,",
         "-e", "ansible_port=9 ansible_timeout=5", str(tmp_path / "play.yml")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    ssh_lines = [line for line in out.splitlines() if "SSH: EXEC ssh" in line]
    assert ssh_lines, out[-2000:]
    assert all(("ControlPersist" in line) is persistent for line in ssh_lines), ssh_lines
    assert all(("ControlMaster=no" in line) is not persistent for line in ssh_lines)
    assert "UNREACHABLE" in out
    assert not (tmp_path / "cp").exists() or persistent
