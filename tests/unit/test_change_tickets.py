"""Run tickets: a change playbook touches hosts only with the ticket `weibao change run` issued
for this change, its hosts and this run; run directly, replayed or forged it stops first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from change_env import IN_WINDOW, ChangeEnv

from weibao.services.ansible import OWN_PLUGINS
from weibao.store import Run


@pytest.fixture
def env(change_world):
    return change_world(IN_WINDOW)


def ansible_playbook(env: ChangeEnv, *extra: str) -> subprocess.CompletedProcess:
    """The change playbook run directly, as someone bypassing weibao would."""
    binary = Path(sys.executable).parent / "ansible-playbook"
    environ = {**os.environ, "ANSIBLE_CONFIG": str(env.content / "ansible.cfg"),
               "ANSIBLE_ACTION_PLUGINS": str(OWN_PLUGINS / "action"),
               "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(
        [str(binary), "-i", str(env.inventory), "--limit", "web",
         str(env.content / "playbooks" / "change_test.yml"),
         "-e", json.dumps({"marker_dir": str(env.markers), "fail_step": 0, "pause": 0}),
         *extra], capture_output=True, text=True, env=environ, timeout=120, check=False)


def ticket_of(env: ChangeEnv, run_id: int) -> Path:
    with env.store.session() as s:
        return Path(s.get(Run, run_id).detail["ticket"])


def test_a_direct_run_without_a_ticket_touches_no_host(env):
    proc = ansible_playbook(env, "-e", "weibao_change_id=CR-2026-0001")
    assert proc.returncode != 0
    assert "runs only through `weibao change run FILE`" in proc.stdout
    assert "no run ticket was given" in proc.stdout
    assert not list(env.markers.iterdir())


def test_a_ticket_is_bound_to_its_run_and_usable_once(env):
    path = env.ready(env.write())
    outcome = env.service.run(path)
    assert outcome.status == "successful"
    ticket = ticket_of(env, outcome.run_id)
    assert oct(ticket.stat().st_mode & 0o777) == "0o600"
    key = env.data_dir / "change" / "ticket.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    # the run's audit entry holds the ticket's digest
    start = [json.loads(line) for line in env.audit_lines()
             if b'"change.run.start"' in line][-1]
    assert len(start["digests"]["ticket"]) == 64
    assert key.read_text() not in "".join(line.decode() for line in env.audit_lines())
    for marker in env.markers.iterdir():
        marker.unlink()
    # replayed after its run: refused before any host is touched
    proc = ansible_playbook(env, "-e", "weibao_change_id=CR-2026-0001",
                            "-e", f"weibao_change_ticket={ticket}")
    assert proc.returncode != 0 and "already used by another run" in proc.stdout
    assert not list(env.markers.iterdir())


def test_a_forged_or_foreign_ticket_is_refused(env):
    path = env.ready(env.write())
    outcome = env.service.run(path)
    ticket = ticket_of(env, outcome.run_id)
    for marker in env.markers.iterdir():
        marker.unlink()
    data = json.loads(ticket.read_text())
    # another change's id
    proc = ansible_playbook(env, "-e", "weibao_change_id=CR-2026-0002",
                            "-e", f"weibao_change_ticket={ticket}")
    assert proc.returncode != 0 and "is for CR-2026-0001, not CR-2026-0002" in proc.stdout
    # a copy with another nonce (to dodge the used marker) and more hosts: the HMAC breaks
    data["ticket"]["nonce"] = "0" * 32
    data["ticket"]["hosts"] = ["db01", "web01"]
    forged = ticket.with_name("forged.json")
    forged.write_text(json.dumps(data))
    proc = ansible_playbook(env, "-e", "weibao_change_id=CR-2026-0001",
                            "-e", f"weibao_change_ticket={forged}")
    assert proc.returncode != 0 and "not one weibao issued (HMAC mismatch)" in proc.stdout
    assert not list(env.markers.iterdir())


def test_a_playbook_that_does_not_check_its_ticket_is_refused(env):
    playbook = env.content / "playbooks" / "change_test.yml"
    text = playbook.read_text()
    start = text.index("    - name: Check the run ticket")
    end = text.index("    - name: \"Step 1")
    playbook.write_text(text[:start] + text[end:])
    path = env.ready(env.write())
    with pytest.raises(Exception, match="does not check its run ticket first"):
        env.service.run(path)
    assert not list(env.markers.iterdir())
