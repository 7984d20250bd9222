"""services/ansible.py around a run: what the archive keeps of the controller's environment,
and how the processes a run left behind are found."""

import json
import subprocess
import sys
import time

from weibao.services.ansible import NOT_ARCHIVED, find_leftovers, scrub_command_env


def test_the_archived_command_keeps_ansibles_variables_and_only_the_names_of_others(tmp_path):
    command = tmp_path / "artifacts" / "ansible" / "command"
    command.parent.mkdir(parents=True)
    env = {"ANSIBLE_CONFIG": "/srv/weibao/ansible.cfg", "PATH": "/usr/bin",
           "ANSIBLE_VAULT_PASSWORD_FILE": "/root/.vault-pass",
           "ANSIBLE_NET_PASSWORD": "switch-pw-1",
           "WEIBAO_DB_URL": "postgresql+psycopg://weibao:db-pw-2@dbhost/weibao",
           "BMC_PASSWORD": "bmc-pw-3", "GITHUB_TOKEN": "tok-4", "LANG": "C.UTF-8",
           "ANSIBLE_HOST_KEY_CHECKING": "True", "ANSIBLE_API_KEY": "key-5"}
    command.write_text(json.dumps({"command": ["ansible-playbook"], "cwd": "/", "env": env}))
    assert scrub_command_env(tmp_path)
    text = command.read_text()
    for secret in ("switch-pw-1", "db-pw-2", "bmc-pw-3", "tok-4", "key-5"):
        assert secret not in text
    kept = json.loads(text)["env"]
    assert kept["ANSIBLE_CONFIG"] == "/srv/weibao/ansible.cfg"
    assert kept["ANSIBLE_VAULT_PASSWORD_FILE"] == "/root/.vault-pass"  # a path, not a secret
    assert kept["LANG"] == "C.UTF-8" and kept["PATH"] == "/usr/bin"
    assert kept["ANSIBLE_HOST_KEY_CHECKING"] == "True"
    assert kept["WEIBAO_DB_URL"] == kept["BMC_PASSWORD"] == NOT_ARCHIVED
    assert kept["ANSIBLE_NET_PASSWORD"] == NOT_ARCHIVED
    assert set(kept) == set(env)  # the names stay: what the run was started with is known
    assert scrub_command_env(tmp_path)  # again: unchanged
    assert json.loads(command.read_text())["env"] == kept
    assert not scrub_command_env(tmp_path / "no-run-here")


def test_a_process_naming_the_runs_files_is_a_leftover(tmp_path):
    """ansible-playbook's command line names the run's extravars file: that finds it even
    when its environment cannot be read (another user's process, a run made with sudo)."""
    run_dir = tmp_path / "run-7"
    (run_dir / "env").mkdir(parents=True)
    extravars = run_dir / "env" / "extravars"
    extravars.write_text("{}")
    other = tmp_path / "run-77" / "env" / "extravars"  # a run whose name starts alike
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "-e",
                              f"@{extravars}"])
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "-e",
                                 f"@{other}"])
    try:
        deadline = time.monotonic() + 5
        while child.pid not in find_leftovers(run_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        found = find_leftovers(run_dir)
        assert child.pid in found and str(extravars) in found[child.pid]
        assert stranger.pid not in found
    finally:
        for proc in (child, stranger):
            proc.kill()
            proc.wait()
    assert child.pid not in find_leftovers(run_dir)


def test_events_are_archived_as_ansible_runner_writes_them(tmp_path):
    """weibao writes the run's event files itself (C JSON encoder): the same name, mode and
    bytes as ansible-runner's json.dump into a codecs writer, complete or not at all."""
    import codecs
    import os
    import stat

    from weibao.services.ansible import write_event

    event = {"uuid": "8c7e", "counter": 7, "event": "runner_on_ok", "runner_ident": "ansible",
             "event_data": {"host": "web-01", "res": {"msg": "磁盘 ok \u0000 \"q\"", "n": 1.5}}}
    events = tmp_path / "artifacts" / "ansible" / "job_events"
    assert write_event(events, event) is True
    ours = events / "7-8c7e.json"
    theirs = tmp_path / "theirs.json"
    with codecs.open(theirs, "w", encoding="utf-8") as out:
        json.dump(event, out)
    assert ours.read_bytes() == theirs.read_bytes()
    assert stat.S_IMODE(os.stat(ours).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(events).st_mode) == 0o700
    assert sorted(p.name for p in events.iterdir()) == ["7-8c7e.json"]
    # no counter or uuid: not ours to write (ansible-runner decides, as before)
    assert write_event(events, {"event": "verbose", "uuid": "x"}) is False
    assert write_event(events, {"event": "verbose", "counter": 3}) is False
    assert sorted(p.name for p in events.iterdir()) == ["7-8c7e.json"]
