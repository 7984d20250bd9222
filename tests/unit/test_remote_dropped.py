"""A host's task result that ansible-runner emptied (longer than MAX_EVENT_RES) is found by one
test, inspection.result_dropped, in a local or remote run's stream and in an AWX job's events
alike; checked here against real ansible-runner events, so that no real result, of any task,
is taken for a dropped one, and a dropped one, of any task, is never an inspected host."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select
from test_inspection_stream import new_run

from weibao.services import ansible as ansible_svc
from weibao.services import remote
from weibao.services.inspection import (
    RESULT_EVENTS,
    HostState,
    InspectionRun,
    Progress,
    result_dropped,
)
from weibao.store import RunHost, Store

# every kind of task the roles and plays use, and the events a result can come in
PLAYBOOK = textwrap.dedent("""\
    - hosts: all
      gather_facts: false
      tasks:
        - ansible.builtin.set_fact: {one: 1}
        - ansible.builtin.debug: {msg: "{{ long | default('short') }}"}
        - ansible.builtin.meta: noop
        - ansible.builtin.include_tasks: included.yml
        - ansible.builtin.include_vars: {file: vars.yml}
        - ansible.builtin.add_host: {name: other, groups: added}
        - ansible.builtin.group_by: {key: grouped}
        - ansible.builtin.assert: {that: [true], quiet: true}
        - ansible.builtin.command: "true"
          no_log: true
          changed_when: false
        - ansible.builtin.fail: {msg: ignored}
          ignore_errors: true
        - ansible.builtin.set_fact: {item_fact: "{{ item }}"}
          loop: [1, 2]
        - ansible.builtin.fail: {msg: "item {{ item }}"}
          loop: [1]
          ignore_errors: true
        - ansible.builtin.command: "true"
          async: 10
          poll: 1
          changed_when: false
        - ansible.builtin.command: "false"
          async: 10
          poll: 1
          ignore_errors: true
        - ansible.builtin.set_stats: {data: {stat: 1}}
        - ansible.builtin.setup: {gather_subset: [min]}
        - ansible.builtin.include_role: {name: "{{ playbook_dir }}/role"}
        - ansible.builtin.set_fact: {weibao_inspection_complete: true}
    """)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def run_real(tmp_path: Path, extravars: dict) -> list[dict]:
    """The events of a real ansible-runner run of PLAYBOOK on this machine, as weibao runs a
    playbook (ansible_svc.run_playbook, its MAX_EVENT_RES)."""
    (tmp_path / "playbook.yml").write_text(PLAYBOOK)
    (tmp_path / "included.yml").write_text("- ansible.builtin.debug: {msg: included}\n")
    (tmp_path / "vars.yml").write_text("from_file: 1\n")
    (tmp_path / "role" / "tasks").mkdir(parents=True)
    (tmp_path / "role" / "tasks" / "main.yml").write_text(
        "- ansible.builtin.set_fact: {in_role: 1}\n")
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {"hosts": {"h1": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    events: list[dict] = []
    result = ansible_svc.run_playbook(str(tmp_path / "playbook.yml"), inventory,
                                      tmp_path / "private", extravars, None, events.append,
                                      lambda: False)
    assert result.status == "successful", result.stdout_tail
    return events


def streamed(store, events: list[dict]) -> RunHost:
    run_id = new_run(store, hosts=("h1",))
    st = InspectionRun(store, run_id, Progress(total=1, hosts={"h1": HostState()}),
                       lambda p, h: None)
    for event in events:
        st.handle(event)
    with store.session() as s:
        return s.scalars(select(RunHost).where(RunHost.run_id == run_id)).one()


def test_no_real_result_of_any_task_is_taken_for_dropped(tmp_path, store):
    events = run_real(tmp_path, {})
    results = [e for e in events if e["event"] in RESULT_EVENTS]
    # the run produced every kind of result event the test knows
    assert {e["event"] for e in results} == set(RESULT_EVENTS)
    assert len(results) >= 20
    for event in results:
        assert not result_dropped(event["event"], event["event_data"]), event
        assert not remote.awx_result_dropped(event)
    # the set_fact ending the play makes the host inspected (nothing was dropped)
    assert streamed(store, events).status == "inspected"


def test_a_dropped_result_of_any_task_fails_the_host(tmp_path, store, monkeypatch):
    monkeypatch.setattr(ansible_svc, "MAX_EVENT_RES", 200000)
    events = run_real(tmp_path, {"long": "x" * 250000})
    dropped = [e for e in events if result_dropped(e["event"], e.get("event_data") or {})]
    # ansible-runner emptied the debug task's result only (not an inspection action)
    assert [(e["event"], e["event_data"]["task_action"], e["event_data"]["res"])
            for e in dropped] == [("runner_on_ok", "ansible.builtin.debug", {})]
    assert [remote.awx_result_dropped(e) for e in events] == \
        [result_dropped(e["event"], e.get("event_data") or {}) for e in events]
    # the host fails with the reason, and the completion fact after it does not undo that
    host = streamed(store, events)
    assert host.status == "failed"
    assert "the result was dropped by ansible-runner (longer than MAX_EVENT_RES" in \
        host.message and host.message.startswith("ansible.builtin.debug: ")


def test_the_awx_import_keeps_its_own_reason_for_the_same_event():
    event = {"event": "runner_on_ok", "counter": 7, "uuid": "u",
             "event_data": {"host": "h1", "task_action": "ansible.builtin.command", "res": {}}}
    assert result_dropped(event["event"], event["event_data"])
    failed = remote.awx_dropped_as_failed(event)
    assert failed["event"] == "runner_on_failed"
    assert "raise MAX_EVENT_RES_DATA" in failed["event_data"]["res"]["msg"]
    # converted, it is a plain failure with its message, not a second dropped result
    assert not result_dropped(failed["event"], failed["event_data"])

