"""The one-task inspection: plugins/action/weibao_inspect.py and how its event is stored.

The action must give each collector module exactly the arguments the roles' own tasks give
it (checked for real: ansible-playbook runs the roles, then the action, on this machine over
the local connection, and the modules' ``invocation`` is compared), and the runner must store
its ``areas_results`` as it stores one collector task's result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from weibao.services.inspection import HostState, InspectionRun, Progress
from weibao.store import Finding, RunHost, Store

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins" / "action"))
import weibao_inspect as action  # noqa: E402

sys.path.pop(0)

from ansible.module_utils.facts.system.distribution import Distribution  # noqa: E402
from ansible.module_utils.weibao_inspection import platform as os_platform  # noqa: E402
from test_inspection_stream import finding, new_run  # noqa: E402


@pytest.mark.parametrize(("text", "expected"), [
    ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
     {"distribution": "Debian", "os_family": "Debian", "major": "12"}),
    ('NAME="Red Hat Enterprise Linux Server"\nID="rhel"\nVERSION_ID="7.9"\n',
     {"distribution": "RedHat", "os_family": "RedHat", "major": "7"}),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n',
     {"distribution": "Rocky", "os_family": "RedHat", "major": "9"}),
    ('ID=someos\nID_LIKE="ubuntu debian"\nVERSION_ID=3\n',
     {"distribution": "Someos", "os_family": "Debian", "major": "3"}),
    ("", {"distribution": "", "os_family": "", "major": ""}),
])
def test_os_release_gives_what_fact_gathering_gives(text, expected):
    assert os_platform.parse_os_release(text, Distribution.OS_FAMILY) == expected


def test_vars_files_follow_the_roles_set_vars_order():
    rhel7 = {"distribution": "RedHat", "os_family": "RedHat", "major": "7"}
    # inspect_patch also loads <family>_<major>.yml (RedHat_7.yml: yum, not dnf)
    assert os_platform.vars_file_names(os_platform.VARS_FILES_WITH_FAMILY_MAJOR, rhel7) == [
        "RedHat", "RedHat_7", "RedHat", "RedHat_7"]
    assert os_platform.vars_file_names(os_platform.VARS_FILES, rhel7) == [
        "RedHat", "RedHat", "RedHat_7"]
    assert os_platform.vars_file_names(os_platform.VARS_FILES, {
        "distribution": "", "os_family": "", "major": ""}) == []


# --- the runner's side ----------------------------------------------------------------------

@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def _streamer(store, run_id, hosts=("h1", "h2")):
    progress = Progress(total=len(hosts), hosts={h: HostState() for h in hosts})
    return InspectionRun(store, run_id, progress, lambda p, h: None)


def _event(kind, host, res):
    return {"event": kind, "event_data": {"host": host, "task": "Inspect the host",
                                          "task_action": "weibao_inspect", "res": res}}


def test_areas_results_are_stored_as_their_modules_results(store):
    run_id = new_run(store)
    st = _streamer(store, run_id)
    st.handle(_event("runner_on_ok", "h1", {
        "changed": False,
        "areas_results": [
            {"module": "weibao_inspect_system", "findings": [finding()],
             "not_applicable": [{"check_id": "system.time_sync", "reason": "x"}]},
            {"module": "weibao_inspect_storage", "areas": ["storage", "raid"],
             "findings": [finding("storage.smart_health", "critical", component="sda",
                                     recommendation="replace the disk")],
             "counters": [{"check_id": "storage.smart_health", "component": "sda",
                           "name": "reallocated", "value": 3}]},
            "garbage", {"module": "not_a_collector", "findings": [finding()]},
        ],
        "ansible_facts": {"weibao_inspection_complete": True}}))
    with store.session() as s:
        rows = {(r.host, r.check_id, r.status)
                for r in s.scalars(select(Finding).where(Finding.run_id == run_id))}
        status = s.scalars(select(RunHost.status).where(RunHost.run_id == run_id,
                                                        RunHost.name == "h1")).one()
    assert rows == {("h1", "system.load", "ok"), ("h1", "storage.smart_health", "critical")}
    state = st.progress.hosts["h1"]
    assert state.areas == {"system", "storage", "raid"}
    assert state.not_applicable == [{"check_id": "system.time_sync", "reason": "x"}]
    assert state.worst == "critical" and status == "inspected"


def test_a_failed_area_keeps_the_others_and_fails_the_host(store):
    run_id = new_run(store)
    st = _streamer(store, run_id)
    st.handle(_event("runner_on_failed", "h2", {
        "failed": True, "msg": "weibao_inspect_patch: apt-get: not found",
        "areas_results": [{"module": "weibao_inspect_system", "findings": [finding()]}]}))
    with store.session() as s:
        rows = [(r.host, r.check_id) for r in
                s.scalars(select(Finding).where(Finding.run_id == run_id))]
        host = s.scalars(select(RunHost).where(RunHost.run_id == run_id,
                                               RunHost.name == "h2")).one()
        assert (host.status, host.message) == (
            "failed", "Inspect the host: weibao_inspect_patch: apt-get: not found")
    assert rows == [("h2", "system.load")]
    assert st.progress.hosts["h2"].areas == {"system"}


def test_a_result_ansible_runner_dropped_fails_the_host_for_good(store):
    """ansible-runner replaces a result longer than MAX_EVENT_RES by {}: the host fails with
    that reason, and a completion fact after it does not make it inspected."""
    run_id = new_run(store)
    st = _streamer(store, run_id)
    st.handle(_event("runner_on_ok", "h1", {}))
    st.handle({"event": "runner_on_ok", "event_data": {
        "host": "h1", "task": "Mark complete", "task_action": "ansible.builtin.set_fact",
        "res": {"ansible_facts": {"weibao_inspection_complete": True}}}})
    with store.session() as s:
        host = s.scalars(select(RunHost).where(RunHost.run_id == run_id,
                                               RunHost.name == "h1")).one()
    assert host.status == "failed" and "MAX_EVENT_RES" in host.message
    assert st.progress.hosts["h1"].findings == 0


def test_weibao_runs_keep_results_longer_than_ansible_runners_default(tmp_path):
    """A result over ansible-runner's default MAX_EVENT_RES (700000 characters) reaches the
    handler whole in weibao's runs (services/ansible.py raises the limit)."""
    from weibao.services import ansible as ansible_svc

    playbook = tmp_path / "long.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                        "    - ansible.builtin.debug:\n        msg: \"{{ 'x' * 800000 }}\"\n")
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"here": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    results = []

    def handler(event):
        if event.get("event") == "runner_on_ok":
            results.append(event["event_data"].get("res"))

    ansible_svc.run_playbook(str(playbook), inventory, tmp_path / "private", {}, None,
                             handler, lambda: False)
    assert len(results) == 1 and len(results[0]["msg"]) == 800000


# --- for real: the same module arguments as the roles ---------------------------------------

PLAYBOOK = textwrap.dedent("""\
    - name: The roles, as run on their own
      hosts: all
      gather_facts: true
      roles: [inspect_system, inspect_errlog, inspect_patch, inspect_storage]
    - name: The one-task inspection
      hosts: all
      gather_facts: false
      tasks:
        - name: Inspect
          weibao_inspect: {}
          check_mode: false
""")


def ansible_playbook(inventory, playbook):
    """ansible-playbook with the project's ansible.cfg; its JSON output (rc 0, or 2 when a
    host's checks failed)."""
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
           "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                           str(inventory), str(playbook)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600, check=False)
    assert proc.returncode in (0, 2), proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_the_action_gives_the_modules_the_roles_arguments(tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"here": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        # inventory values override role defaults in both ways of running
        "inspect_system_sample_seconds": 1, "inspect_system_top_n": 3,
        "inspect_errlog_lookback_days": 2, "inspect_errlog_max_lines": 1000,
        "inspect_storage_areas": ["storage", "links"],
        "inspect_patch_thresholds": {"pending_updates": {"warning": 7}},
        "weibao_last_inspection": {"here": "2026-11-01T00:00:00Z"},
    }}}}))
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    out = ansible_playbook(inventory, playbook)
    roles = {}
    for task in out["plays"][0]["tasks"]:
        res = task["hosts"].get("here", {})
        action_name = res.get("invocation", {}).get("module_args") and task["task"]["name"]
        if action_name and "findings" in res:
            module = [m for m in ("system", "errlog", "patch", "storage")
                      if "weibao_inspect_" + m in json.dumps(task)]
            roles[module[0]] = res["invocation"]["module_args"]
    (task,) = out["plays"][1]["tasks"]
    res = task["hosts"]["here"]
    assert res.get("ansible_facts", {}).get("weibao_inspection_complete") is True, res.get("msg")
    got = {r["module"][len("weibao_inspect_"):]: r["invocation"]["module_args"]
           for r in res["areas_results"]}
    assert set(roles) == set(got) == {"system", "errlog", "patch", "storage"}
    for area in roles:
        assert got[area] == roles[area], area
    assert got["system"]["sample_seconds"] == 1 and got["system"]["since"] == \
        "2026-11-01T00:00:00Z"
    assert got["patch"]["thresholds"] == {"pending_updates": {"warning": 7}}


def test_the_parsed_data_stays_on_the_host_unless_asked(tmp_path):
    """weibao stores findings, counters and coverage, never an area's ``data`` (its parsed
    sources): the action leaves it out of the result (a third of a host's result, handled
    whole at every step to the store) unless ``keep_data`` asks for it."""
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"here": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "inspect_system_sample_seconds": 1}}}}))
    playbook = tmp_path / "play.yml"
    playbook.write_text(textwrap.dedent("""\
        - hosts: all
          gather_facts: false
          tasks:
            - name: As weibao runs it
              weibao_inspect: {areas: [inspect_system, inspect_patch]}
            - name: Keeping the parsed data
              weibao_inspect: {areas: [inspect_system, inspect_patch], keep_data: true}
    """))
    out = ansible_playbook(inventory, playbook)
    lean, kept = (task["hosts"]["here"] for task in out["plays"][0]["tasks"])
    for res in (lean, kept):
        assert res.get("ansible_facts", {}).get("weibao_inspection_complete") is True, res
        assert [r["module"] for r in res["areas_results"]] == [
            "weibao_inspect_system", "weibao_inspect_patch"]
        assert all(r["findings"] for r in res["areas_results"])
    assert not any("data" in r for r in lean["areas_results"])
    assert all(isinstance(r["data"], dict) and r["data"] for r in kept["areas_results"])
    assert len(json.dumps(lean)) < len(json.dumps(kept))


def test_per_host_lookups_are_the_roles_defaults_and_mean_what_jinja_means():
    """The action looks up the roles' per-host defaults without Jinja; each template it knows
    is one a role's defaults really hold (else the lookup would never be used), and the
    lookup gives what Ansible renders for a host in the table, one missing from it, and no
    table at all."""
    import yaml
    from ansible._internal._datatag._tags import TrustedAsTemplate
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    defaults = {}
    for role in action.ROLES:
        path = ROOT / "roles" / role / "defaults" / "main.yml"
        defaults.update(yaml.safe_load(path.read_text()) or {})
    used = {v for v in defaults.values() if isinstance(v, str)}
    assert set(action.PER_HOST_LOOKUPS) <= used
    for template, (table, _default) in action.PER_HOST_LOOKUPS.items():
        for variables in ({table: {"h1": {"x": 1}, "h2": "y"}}, {table: {"h2": "y"}}, {}):
            templar = Templar(loader=DataLoader(),
                              variables=dict(variables, inventory_hostname="h1"))
            rendered = templar.template(TrustedAsTemplate().tag(template))
            found, looked_up = action.per_host_value(template, variables, "h1")
            assert found and rendered == looked_up, (template, variables)
    assert action.per_host_value("{{ x }}", {}, "h1") == (False, None)


@pytest.mark.parametrize(("os_release", "provider", "time_tools", "log_files"), [
    ('ID="rhel"\nVERSION_ID="7.9"\n', "yum", ["chronyc", "timedatectl", "ntpq"],
     ["/var/log/messages"]),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', "dnf",
     ["chronyc", "timedatectl", "ntpq"], ["/var/log/messages"]),
    ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n', "apt",
     ["timedatectl", "chronyc", "ntpq"], ["/var/log/syslog", "/var/log/kern.log"]),
    ("", "auto", ["timedatectl", "chronyc", "ntpq"], []),  # unreadable: the roles' vars/main
])
def test_the_host_picks_its_per_os_arguments(tmp_path, os_release, provider, time_tools,
                                             log_files):
    """The per-OS vars files (RedHat.yml, RedHat_7.yml, Debian.yml) are chosen on the host
    from its os-release, in the roles' order: RHEL 7 gets yum (RedHat_7.yml after
    RedHat.yml), Rocky 9 dnf, Ubuntu apt; all through one module execution."""
    release = tmp_path / "os-release"
    release.write_text(os_release)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"here": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "inspect_system_sample_seconds": 1, "inspect_errlog_max_lines": 10}}}}))
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps([{"hosts": "all", "gather_facts": False, "tasks": [{
        "weibao_inspect": {"areas": ["inspect_system", "inspect_errlog", "inspect_patch"],
                           "os_release": str(release)}}]}]))
    out = ansible_playbook(inventory, playbook)
    res = out["plays"][0]["tasks"][0]["hosts"]["here"]
    args = {r["module"]: r["invocation"]["module_args"] for r in res["areas_results"]}
    assert args["weibao_inspect_patch"]["provider"] == provider
    assert args["weibao_inspect_system"]["time_sync_tools"] == time_tools
    if log_files:
        assert args["weibao_inspect_errlog"]["log_files"] == log_files
    assert res["platform"]["os_family"] == ("" if not os_release else
                                           "Debian" if "ubuntu" in os_release else "RedHat")


def test_the_controller_parses_the_roles_files_once_for_every_worker(monkeypatch):
    """weibao_linear calls prepare_controller once per task in ansible-playbook's main process:
    every role file run() reads is then in the loader each forked worker inherits, and a
    worker's read neither parses it again nor deep-copies it."""
    from ansible.parsing.dataloader import DataLoader

    expected = set()
    for role in action.ROLES:
        expected.add(str(ROOT / "roles" / role / "defaults" / "main.yml"))
        expected.update(str(p) for p in (ROOT / "roles" / role / "vars").glob("*.yml"))
    expected = {p for p in expected if os.path.isfile(p)}
    assert len(expected) >= 10

    loader = DataLoader()
    assert action.ActionModule.prepare_controller(loader, {}) >= len(expected)
    assert expected <= set(loader._FILE_CACHE)

    def no_parse(*args, **kwargs):
        raise AssertionError(f"parsed again: {kwargs.get('file_name')}")

    monkeypatch.setattr(loader, "load", no_parse)
    for path in expected:
        cached, got = loader._FILE_CACHE[path], action.ActionModule.load_role_file(loader, path)
        assert got is cached if isinstance(cached, dict) else got == {}, path

    # areas or a roles_path still to be templated (or unknown) are left to the workers
    fresh = DataLoader()
    assert action.ActionModule.prepare_controller(fresh, {"roles_path": "{{ x }}"}) == 0
    assert action.ActionModule.prepare_controller(fresh, {"areas": "{{ a }}"}) == 0
    assert action.ActionModule.prepare_controller(fresh, {"areas": ["inspect_nope"]}) == 0
    assert fresh._FILE_CACHE == {}
    # one area: only its own files
    assert action.ActionModule.prepare_controller(fresh, {"areas": ["inspect_patch"]}) > 0
    assert all("/inspect_patch/" in path for path in fresh._FILE_CACHE)
