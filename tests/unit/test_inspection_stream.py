"""How events from ansible-runner become store rows (shapes as ansible-runner 2.4 emits them)."""

import datetime as dt
import os
import socket
import subprocess

import pytest
from sqlalchemy import select

from weibao.errors import EXIT_CRITICAL, EXIT_INCOMPLETE, EXIT_OK
from weibao.services.inspection import (
    HostState,
    InspectionRun,
    Progress,
    exit_code_for,
    last_inspections,
)
from weibao.services.runs import close_stale_runs
from weibao.store import Finding, Run, RunHost, Store

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def finding(check_id="system.load", status="ok", **kw):
    base = {"check_id": check_id, "host": "", "component": "", "status": status,
            "summary": "load is fine", "evidence": [], "recommendation": "",
            "values": {}, "thresholds": {}}
    base.update(kw)
    return base


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def new_run(store, hosts=("h1", "h2"), status="running", pid=None, site="s1",
            started=NOW, kind="inspection"):
    with store.session() as s:
        run = Run(kind=kind, site=site, period="2026-11", status=status,
                  started_at=started, user="t", inventory="inv", playbook="pb", limit="",
                  ansible_version="2.19", weibao_version="0", site_meta={}, pid=pid,
                  controller=socket.gethostname(), message="", artifact_dir="",
                  manifest_sha256="")
        run.hosts = [RunHost(name=h, status="pending", message="", asset={}) for h in hosts]
        s.add(run)
        s.flush()
        return run.id


def streamer(store, run_id, hosts=("h1", "h2")):
    seen = []
    progress = Progress(total=len(hosts), hosts={h: HostState() for h in hosts})
    return InspectionRun(store, run_id, progress, lambda p, h: seen.append(h)), seen


def ok_event(host, findings, action="weibao_inspect_system"):
    return {"event": "runner_on_ok", "event_data": {
        "host": host, "task": "Inspect", "task_action": action,
        "res": {"changed": False, "findings": findings}}}


def host_rows(store, run_id):
    with store.session() as s:
        return {h.name: (h.status, h.message)
                for h in s.scalars(select(RunHost).where(RunHost.run_id == run_id))}


def test_findings_stream_in_with_host_filled(store):
    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    st.handle(ok_event("h1", [finding(), finding("system.memory", "critical",
                                                 recommendation="add memory")]))
    with store.session() as s:
        rows = list(s.scalars(select(Finding).where(Finding.run_id == run_id)))
    assert {(r.host, r.check_id, r.status) for r in rows} == {
        ("h1", "system.load", "ok"), ("h1", "system.memory", "critical")}
    assert st.progress.hosts["h1"].worst == "critical"


def test_a_hosts_findings_are_one_insert_in_their_order_whatever_their_keys(store):
    """Findings with and without the optional message, cause and translations: one INSERT
    for the host, in the module's order, an absent key stored as an INSERT without it would
    (NULL, or the column's default)."""
    from sqlalchemy import event, text

    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    message = {"summary": {"key": "system.load.ok", "params": {}}, "recommendation": None}
    findings = [finding("system.load"),
                finding("system.memory", "unknown", cause="tool_missing", summary="no data",
                        recommendation="look"),
                finding("system.swap", message=message),
                finding("system.time", translations={"zh-CN": {"summary": "时间正常"}})]
    inserts = []
    listener = lambda *a: inserts.append(a[2]) if a[2].startswith("INSERT INTO findings") \
        else None  # noqa: E731 - the statement
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        st.handle(ok_event("h1", findings))
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert len(inserts) == 1
    with store.session() as s:
        rows = list(s.scalars(select(Finding).where(Finding.run_id == run_id)
                              .order_by(Finding.id)))
        nulls = s.execute(text("SELECT check_id FROM findings WHERE message IS NULL "
                               "AND cause IS NULL ORDER BY id")).scalars().all()
    assert [r.check_id for r in rows] == ["system.load", "system.memory", "system.swap",
                                          "system.time"]
    assert [(r.cause, r.message) for r in rows] == [(None, None), ("tool_missing", None),
                                                    (None, message), (None, None)]
    assert [r.translations for r in rows[:1] + rows[3:]] == [
        {}, {"zh-CN": {"summary": "时间正常"}}]
    assert nulls == ["system.load", "system.time"]


def test_a_host_the_inventory_did_not_list_gets_its_row(store):
    run_id = new_run(store, hosts=("h1",))
    st, _ = streamer(store, run_id, hosts=("h1",))
    st.handle({"event": "runner_on_unreachable", "event_data": {
        "host": "added-by-a-play", "res": {"msg": "down"}}})
    assert host_rows(store, run_id) == {"h1": ("pending", ""),
                                        "added-by-a-play": ("unreachable", "down")}


def test_unreachable_failed_and_inspected_are_distinct(store):
    run_id = new_run(store, hosts=("h1", "h2", "h3"))
    st, seen = streamer(store, run_id, hosts=("h1", "h2", "h3"))
    st.handle({"event": "runner_on_unreachable", "event_data": {
        "host": "h1",
        "res": {"msg": "Failed to connect to the host via ssh", "unreachable": True}}})
    st.handle({"event": "runner_on_failed", "event_data": {
        "host": "h2", "task": "Collect", "task_action": "weibao_inspect_errlog",
        "res": {"msg": "MODULE FAILURE", "module_stderr": "Traceback"}}})
    st.handle(ok_event("h3", [finding()]))
    st.handle({"event": "runner_on_ok", "event_data": {
        "host": "h3", "task_action": "ansible.builtin.set_fact",
        "res": {"ansible_facts": {"weibao_inspection_complete": True}}}})
    rows = host_rows(store, run_id)
    assert rows["h1"][0] == "unreachable" and "ssh" in rows["h1"][1]
    assert rows["h2"] == ("failed", "Collect: MODULE FAILURE")
    assert rows["h3"][0] == "inspected"
    assert st.progress.done == 3 and st.progress.failures == 2
    assert seen.count("h1") == 1


def test_first_failure_is_kept(store):
    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    st.handle({"event": "runner_on_unreachable", "event_data": {"host": "h1",
                                                                 "res": {"msg": "down"}}})
    st.handle({"event": "runner_on_ok", "event_data": {
        "host": "h1", "task_action": "ansible.builtin.set_fact",
        "res": {"ansible_facts": {"weibao_inspection_complete": True}}}})
    assert host_rows(store, run_id)["h1"] == ("unreachable", "down")


def test_invalid_finding_becomes_unknown_not_dropped(store):
    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    st.handle(ok_event("h1", [finding(status="fine"), "garbage"]))
    with store.session() as s:
        rows = list(s.scalars(select(Finding).where(Finding.run_id == run_id)))
    assert [r.status for r in rows] == ["unknown", "unknown"]
    assert all(r.check_id == "weibao.module_output" for r in rows)
    assert "invalid finding" in rows[0].summary
    assert all("检查结果" in r.translations["zh-CN"]["summary"] for r in rows)  # both languages


def test_what_a_column_cannot_hold_is_bounded_the_same_on_every_database(store):
    """PostgreSQL enforces VARCHAR lengths and refuses NUL in text where SQLite stores both:
    a module's over-long check id or host becomes an unknown finding, a NUL character is
    dropped, and the run goes on (a DataError would have failed the whole run)."""
    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    st.handle(ok_event("h1", [finding(check_id="system." + "x" * 200),
                              finding(host="h" * 300),
                              finding(summary="load\x00 is fine", evidence=["a\x00b"],
                                      values={"k\x00": "v\x00"})]))
    with store.session() as s:
        rows = list(s.scalars(select(Finding).where(Finding.run_id == run_id)
                              .order_by(Finding.id)))
    assert [(r.check_id, r.status, r.host) for r in rows] == [
        ("weibao.module_output", "unknown", "h1"), ("weibao.module_output", "unknown", "h1"),
        ("system.load", "ok", "h1")]
    assert "at most 128" in rows[0].summary and "at most 255" in rows[1].summary
    assert (rows[2].summary, rows[2].evidence, rows[2].values) == (
        "load is fine", ["ab"], {"k": "v"})


def test_other_modules_results_are_not_findings(store):
    run_id = new_run(store)
    st, _ = streamer(store, run_id)
    st.handle(ok_event("h1", [finding()], action="ansible.builtin.debug"))
    with store.session() as s:
        assert s.query(Finding).count() == 0


def test_exit_codes():
    inspected = {"a": HostState(status="inspected")}
    assert exit_code_for(inspected, {"critical": 0}) == EXIT_OK
    assert exit_code_for(inspected, {"critical": 2}) == EXIT_CRITICAL
    mixed = {"a": HostState(status="inspected"), "b": HostState(status="unreachable")}
    assert exit_code_for(mixed, {"critical": 2}) == EXIT_INCOMPLETE
    assert exit_code_for({"a": HostState(status="failed")}, {}) == EXIT_INCOMPLETE


def test_crashed_run_is_closed_as_interrupted(store):
    proc = subprocess.Popen(["true"])
    proc.wait()  # a pid that has certainly ended
    dead = new_run(store, pid=proc.pid)
    alive = new_run(store, pid=os.getppid())
    assert close_stale_runs(store) == [dead]
    with store.session() as s:
        run = s.get(Run, dead)
        assert run.status == "interrupted"
        assert "stopped before the run finished" in run.message
        assert {h.status for h in run.hosts} == {"interrupted"}
        assert s.get(Run, alive).status == "running"


def test_a_crashed_change_run_is_left_to_the_change_service(store):
    """`weibao inspect` and `weibao runs` close crashed inspections only: a change run is
    closed by the change service, which also closes its change and writes the audit entry
    (closing it here would leave the change `running` for good)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    change = new_run(store, pid=proc.pid, kind="change")
    inspection = new_run(store, pid=proc.pid)
    assert close_stale_runs(store) == [inspection]
    with store.session() as s:
        assert s.get(Run, change).status == "running"
    assert close_stale_runs(store, kinds=("change", "change-check")) == [change]


def test_a_pid_reused_by_another_program_does_not_keep_a_crashed_run_open(store):
    from weibao.services.runs import process_start

    other = subprocess.Popen(["sleep", "300"])
    try:
        reused = new_run(store, pid=other.pid)
        same = new_run(store, pid=other.pid)
        with store.session() as s:
            s.get(Run, reused).detail = {"pid_start": "1"}  # the runner started at another time
            s.get(Run, same).detail = {"pid_start": process_start(other.pid)}
        assert close_stale_runs(store) == [reused]
    finally:
        other.kill()
        other.wait()


def test_a_run_of_this_very_process_is_not_closed_as_stale(store):
    from weibao.services.runs import process_start

    mine = new_run(store, pid=os.getpid())
    reused = new_run(store, pid=os.getpid())  # an older run, no start time: not this process
    with store.session() as s:
        s.get(Run, mine).detail = {"pid_start": process_start(os.getpid())}
    assert close_stale_runs(store) == [reused]


def test_last_inspection_per_host(store):
    first = new_run(store, hosts=("h1", "h2"), status="successful",
                    started=NOW - dt.timedelta(days=30))
    second = new_run(store, hosts=("h1",), status="successful", started=NOW)
    with store.session() as s:
        for run_id in (first, second):
            for h in s.get(Run, run_id).hosts:
                h.status = "inspected"
        s.get(Run, first).hosts[1].status = "unreachable"  # h2 unreachable last month
    assert last_inspections(store, "s1", ["h1", "h2"]) == {"h1": "2026-11-20T02:00:00Z"}
    assert last_inspections(store, "other", ["h1"]) == {}


def test_a_hosts_other_events_open_no_transaction(store, monkeypatch):
    """runner_on_start, a skipped task, verbose output: nothing to write, so not even a
    session is opened (a host's events are most of a run's); a result still is one."""
    run_id = new_run(store, hosts=("h1",))
    st, _ = streamer(store, run_id, hosts=("h1",))
    opened = []
    session = store.session
    monkeypatch.setattr(store, "session", lambda: opened.append(1) or session())
    for kind in ("runner_on_start", "runner_on_skipped", "verbose", "runner_retry",
                 "playbook_on_task_start"):
        st.handle({"event": kind, "event_data": {"host": "h1", "res": {"msg": "x"}}})
    assert opened == []
    st.handle(ok_event("h1", [finding()]))
    assert len(opened) == 1
    assert host_rows(store, run_id)["h1"][0] == "pending"
