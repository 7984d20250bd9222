"""Concurrent writers keep the store consistent, on SQLite and on PostgreSQL.

Two processes run the real inspection service (weibao.services.inspection.run_inspection)
at the same time against one store, each with a fake playbook runner that feeds
ansible-runner-shaped events host by host, so their transactions interleave: the streamers'
host and finding rows, the coverage rows, the run closes and the findings' lifecycle
(which both runs update for the same site). Afterwards no row is lost, both runs are
closed and each run's counts are its own.

An inspection and a change at once: one process inspects the site while another runs an
approved change through the real change service (weibao.change.service.ChangeService, its
playbook faked the same way) on the same store; both fake playbooks wait for each other
before their first event, so the inspection's host, finding and coverage rows and the
change's task results are written at the same time. Afterwards each run holds all of its
rows and none of the other's, and the audit chain is intact.
"""

import multiprocessing
import sys
import time
from pathlib import Path

import yaml
from change_env import IN_WINDOW, Clock
from sqlalchemy import func, select

from weibao.change.service import ChangeService
from weibao.config import load_settings
from weibao.services import ansible as ansible_svc
from weibao.services.ansible import PlaybookResult
from weibao.services.coverage import host_coverage
from weibao.services.inspection import DONE_FACT
from weibao.store import (
    Change,
    Coverage,
    Finding,
    FindingIssue,
    FindingObservation,
    Run,
    RunHost,
    Store,
    TaskResult,
)

HOSTS = [f"h{i:02d}" for i in range(12)]
# separate processes, forked: the parent holds no database connection when they start
# (every Store it opened is disposed first), so none is shared
START = "fork"
FINDINGS_PER_HOST = 6


def _finding(host, n, status):
    ok = status == "ok"
    return {"check_id": f"system.check{n}", "host": host, "component": "", "status": status,
            "summary": f"check {n} on {host}", "evidence": [] if ok else [f"value {n}"],
            "recommendation": "" if ok else "look at it", "values": {}, "thresholds": {}}


def _done(host):
    """The completion fact of a host's inspection (the play's last task)."""
    return {"event": "runner_on_ok", "event_data": {
        "host": host, "task": "Done", "task_action": "ansible.builtin.set_fact",
        "res": {"changed": False, "ansible_facts": {DONE_FACT: True}}}}


def _fake_runner(worker: int, hosts: list[str] = HOSTS, together=None, span=None):
    """A playbook run: one ok event per host with its findings, a short pause between hosts
    so that the other process's writes land in between. ``together``: a barrier the run waits
    at before its first event; ``span``: gets the monotonic times of its first and last."""

    def run(private_dir, extravars, limit, handle, cancelled):
        Path(private_dir).mkdir(parents=True, exist_ok=True)
        if together is not None:
            together.wait(60)
        if span is not None:
            span.append(time.monotonic())
        for i, host in enumerate(hosts):
            statuses = ["ok"] * FINDINGS_PER_HOST
            statuses[i % FINDINGS_PER_HOST] = "warning" if worker == 0 else "critical"
            handle({"event": "runner_on_ok", "event_data": {
                "host": host, "task": "Inspect", "task_action": "weibao_inspect_system",
                "res": {"changed": False, "findings": [
                    _finding(host, n, st) for n, st in enumerate(statuses)]}}})
            handle(_done(host))
            time.sleep(0.01)
        if span is not None:
            span.append(time.monotonic())
        return PlaybookResult(status="successful", rc=0, stdout_tail="")

    return run


def _inspect(url: str, data_dir: str, inventory: str, worker: int, start, out) -> None:
    """One process: wait for the other, then run an inspection through the service."""
    from weibao.services.inspection import run_inspection
    from weibao.services.inventory import load_inventory

    try:
        store = Store(url)
        settings = load_settings(Path(data_dir) / f"w{worker}", url)
        inv = load_inventory(Path(inventory))
        start.wait(60)
        outcome = run_inspection(settings, store, inv, "2026-11", user=f"worker{worker}",
                                 runner=_fake_runner(worker))
        store.dispose()
        out.put((worker, outcome.run_id, outcome.status, outcome.counts))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        out.put((worker, None, f"{type(exc).__name__}: {exc}", {}))


def test_two_inspections_at_once_lose_nothing(store_url, tmp_path):
    inv = tmp_path / "inventories" / "lab"
    inv.mkdir(parents=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab", "timezone": "Asia/Shanghai"},
                 "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "hosts": dict.fromkeys(HOSTS)}}))
    Store(store_url).dispose()  # migrated once, before the writers start

    ctx = multiprocessing.get_context(START)
    start, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_inspect, args=(store_url, str(tmp_path / "data"), str(inv),
                                                 w, start, out)) for w in (0, 1)]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=90) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    for worker, run_id, status, counts in results:
        assert run_id is not None, status
        assert status == "successful"
        bad = "warning" if worker == 0 else "critical"
        assert counts["ok"] == len(HOSTS) * (FINDINGS_PER_HOST - 1) and counts[bad] == len(HOSTS)

    store = Store(store_url)
    try:
        with store.session() as s:
            runs = s.scalars(select(Run).order_by(Run.id)).all()
            assert [(r.status, r.ended_at is not None) for r in runs] == [("successful", True)] * 2
            assert {r.user for r in runs} == {"worker0", "worker1"}
            for run in runs:
                hosts = s.scalars(select(RunHost).where(RunHost.run_id == run.id)).all()
                assert sorted(h.name for h in hosts) == HOSTS
                assert {h.status for h in hosts} == {"inspected"}
                per_host = dict(s.execute(
                    select(Finding.host, func.count()).where(Finding.run_id == run.id)
                    .group_by(Finding.host)).all())
                assert per_host == dict.fromkeys(HOSTS, FINDINGS_PER_HOST)
                covered = s.scalars(select(Coverage.host).where(Coverage.run_id == run.id)
                                    .distinct()).all()
                assert sorted(covered) == HOSTS
                assert "lifecycle_error" not in (run.detail or {})
            # both runs flag check i%6 of host i: one issue per host, seen by both runs
            issues = s.scalars(select(FindingIssue)).all()
            assert sorted(i.host for i in issues) == HOSTS
            seen = s.execute(select(FindingObservation.issue_id, FindingObservation.run_id)
                             .where(FindingObservation.state == "seen")).all()
            assert len(seen) == 2 * len(HOSTS) and {r for _i, r in seen} == {r.id for r in runs}
    finally:
        store.dispose()


# the change: the request of change_env.py on every host of its inventory, and the tasks of
# its playbook as a fake runner reports them (run_once aside), host by host
CHANGED = ["db01", "db02", "web01"]
CHANGE_TASKS = [("Check the run ticket", "weibao_change_ticket", "runner_on_ok", False),
                ("Step 1: write the start marker", "ansible.builtin.copy", "runner_on_ok", True),
                ("Step 2: fail when asked", "ansible.builtin.fail", "runner_on_skipped", False),
                ("Step 2: wait when asked", "ansible.builtin.wait_for", "runner_on_skipped",
                 False),
                ("Step 3: write the end marker", "ansible.builtin.copy", "runner_on_ok", True)]


def _fake_change_playbook(together, span):
    """ansible_svc.run_playbook for the change: every task's event on every host, a short
    pause between them; it waits at ``together`` first, so both runs are open at once."""

    def run_playbook(playbook, inventory, private_dir, extravars, limit, event_handler,
                     cancelled, *, check=False):
        Path(private_dir).mkdir(parents=True, exist_ok=True)
        together.wait(60)
        span.append(time.monotonic())
        for task, action, event, changed in CHANGE_TASKS:
            for host in CHANGED:
                event_handler({"event": event, "event_data": {
                    "host": host, "play": "Test change", "task": task, "task_action": action,
                    "res": {"changed": changed}}})
                time.sleep(0.01)
        span.append(time.monotonic())
        return PlaybookResult(status="successful", rc=0, stdout_tail="")

    return run_playbook


def _inspect_alongside(url: str, data_dir: str, inventory: str, together, out) -> None:
    """One process: an inspection of the site's hosts, web01 among them."""
    from weibao.services.inspection import run_inspection
    from weibao.services.inventory import load_inventory

    try:
        store = Store(url)
        settings = load_settings(Path(data_dir), url)
        span: list[float] = []
        outcome = run_inspection(settings, store, load_inventory(Path(inventory)), "2026-11",
                                 user="inspector",
                                 runner=_fake_runner(0, [*HOSTS, "web01"], together, span))
        store.dispose()
        out.put(("inspection", outcome.run_id, outcome.status, outcome.counts, span))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        together.abort()  # the other one stops waiting for this one
        out.put(("inspection", None, f"{type(exc).__name__}: {exc}", {}, []))


def _change_alongside(url: str, data_dir: str, request: str, together, out) -> None:
    """One process: the approved change run through the real change service, its playbook
    faked (this process is a fork of the test's: replacing it here changes nothing there)."""
    try:
        store = Store(url)
        service = ChangeService(load_settings(Path(data_dir), url), store,
                                clock=Clock(IN_WINDOW), user="tester")
        span: list[float] = []
        ansible_svc.run_playbook = _fake_change_playbook(together, span)
        outcome = service.run(request)
        store.dispose()
        out.put(("change", outcome.run_id, outcome.status, {"tasks": outcome.tasks}, span))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        together.abort()  # the other one stops waiting for this one
        out.put(("change", None, f"{type(exc).__name__}: {exc}", {}, []))


def test_an_inspection_and_a_change_at_once_keep_the_store_consistent(change_world,
                                                                       store_url, tmp_path):
    env = change_world(IN_WINDOW, store_url)
    request = env.ready(env.write(targets={"limit": "all"}))  # submitted, approved, attested
    env.store.dispose()  # the writers open their own
    audit_before = env.service.log.verify().count
    inspected = sorted([*HOSTS, "web01"])
    inv = tmp_path / "inspected" / "lab"
    inv.mkdir(parents=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "vars": {"weibao_site": {"name": "lab", "timezone": "Asia/Shanghai"},
                 "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "hosts": dict.fromkeys(inspected)}}))

    ctx = multiprocessing.get_context(START)
    together, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_inspect_alongside, args=(
                 store_url, str(tmp_path / "inspector"), str(inv), together, out)),
             ctx.Process(target=_change_alongside, args=(
                 store_url, str(env.data_dir), str(request), together, out))]
    for p in procs:
        p.start()
    results = {r[0]: r[1:] for r in (out.get(timeout=90) for _ in procs)}
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    assert all(run_id is not None for run_id, *_ in results.values()), results
    inspection_id, status, counts, inspection_span = results["inspection"]
    assert status == "successful"
    assert counts["ok"] == len(inspected) * (FINDINGS_PER_HOST - 1)
    assert counts["warning"] == len(inspected)
    change_id, status, counts, change_span = results["change"]
    assert (status, counts) == ("successful", {"tasks": len(CHANGE_TASKS) * len(CHANGED)})
    # the two playbooks' events really were interleaved
    assert max(inspection_span[0], change_span[0]) < min(inspection_span[1], change_span[1])

    store = Store(store_url)
    try:
        with store.session() as s:
            runs = {r.id: r for r in s.scalars(select(Run))}
            assert sorted(runs) == sorted([inspection_id, change_id])
            inspection, change = runs[inspection_id], runs[change_id]
            assert (inspection.kind, inspection.status, inspection.change_id) == (
                "inspection", "successful", None)
            assert inspection.ended_at is not None and inspection.ended_at >= \
                inspection.started_at
            assert (change.kind, change.status, change.change_id) == (
                "change", "successful", "CR-2026-0001")
            assert change.started_at == change.ended_at == IN_WINDOW  # the service's clock

            # the inspection's rows: every host, every finding, every host's coverage
            hosts = s.scalars(select(RunHost).where(RunHost.run_id == inspection_id)).all()
            assert sorted((h.name, h.status) for h in hosts) == [
                (h, "inspected") for h in inspected]
            per_host = dict(s.execute(
                select(Finding.host, func.count()).where(Finding.run_id == inspection_id)
                .group_by(Finding.host)).all())
            assert per_host == dict.fromkeys(inspected, FINDINGS_PER_HOST)
            covered = dict(s.execute(
                select(Coverage.host, func.count()).where(Coverage.run_id == inspection_id)
                .group_by(Coverage.host)).all())
            # one row per catalogue check of a Linux host, whatever its findings
            per_linux_host = len(host_coverage("linux", "inspected", set(), [], []))
            assert per_linux_host > 0 and covered == dict.fromkeys(inspected, per_linux_host)
            assert "lifecycle_error" not in (inspection.detail or {})
            issues = s.scalars(select(FindingIssue)).all()
            assert sorted(i.host for i in issues) == inspected
            seen = s.execute(select(FindingObservation.run_id)
                             .where(FindingObservation.state == "seen")).scalars().all()
            assert seen == [inspection_id] * len(inspected)

            # the change's rows: its hosts done, every task result, its change succeeded
            hosts = s.scalars(select(RunHost).where(RunHost.run_id == change_id)).all()
            assert sorted((h.name, h.status) for h in hosts) == [(h, "done") for h in CHANGED]
            tasks = s.execute(select(TaskResult.host, TaskResult.task, TaskResult.status)
                              .where(TaskResult.run_id == change_id)).all()
            assert sorted(tasks) == sorted(
                (h, task, "changed" if changed else event.removeprefix("runner_on_"))
                for task, _a, event, changed in CHANGE_TASKS for h in CHANGED)
            row = s.get(Change, "CR-2026-0001")
            assert (row.state, row.run_ids) == ("succeeded", [change_id])

            # nothing of one attributed to the other's run
            assert s.scalar(select(func.count()).select_from(TaskResult)) == len(tasks)
            for model in (Finding, Coverage, FindingObservation):
                assert s.scalar(select(func.count()).select_from(model)
                                .where(model.run_id == change_id)) == 0
            assert s.scalar(select(func.count()).select_from(RunHost)) == \
                len(inspected) + len(CHANGED)
    finally:
        store.dispose()

    # the audit log: the run's start and end entries, after the sign-offs, the chain intact
    check = env.service.log.verify()
    assert check.ok, check.reason
    assert check.count == audit_before + 2
    entries = list(env.service.log.entries())
    start, end = entries[-2:]
    assert (start.action, end.action) == ("change.run.start", "change.run.end")
    assert start.detail["run_id"] == end.detail["run_id"] == change_id
    assert (end.detail["status"], end.detail["tasks"]) == (
        "successful", len(CHANGE_TASKS) * len(CHANGED))
    assert sorted(start.detail["hosts"]) == CHANGED


def test_many_short_writers_on_one_store_are_never_locked_out(store_url):
    """Each writer's transactions are short; a second writer waits (SQLite's busy timeout,
    PostgreSQL's row locks) instead of failing with "database is locked"."""
    writers = 4
    Store(store_url).dispose()
    ctx = multiprocessing.get_context(START)
    start, out = ctx.Barrier(writers), ctx.Queue()
    procs = [ctx.Process(target=_stream_runs, args=(store_url, w, start, out))
             for w in range(writers)]
    for p in procs:
        p.start()
    errors = [out.get(timeout=90) for _ in procs]
    for p in procs:
        p.join(30)
    assert errors == [""] * writers
    store = Store(store_url)
    try:
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Run)) == writers * 5
            assert s.scalar(select(func.count()).select_from(Finding)) == \
                writers * 5 * len(HOSTS) * 2
    finally:
        store.dispose()


def _stream_runs(url: str, worker: int, start, out) -> None:
    """Five runs' worth of streamer writes (weibao.services.inspection.InspectionRun)."""
    import datetime as dt
    import socket

    from weibao.services.inspection import HostState, InspectionRun, Progress

    try:
        store = Store(url)
        start.wait(60)
        for _n in range(5):
            with store.session() as s:
                run = Run(kind="inspection", site=f"s{worker}", period="2026-11",
                          status="running", started_at=dt.datetime.now(dt.UTC), user="t",
                          inventory="inv", playbook="pb", limit="", ansible_version="2.19",
                          weibao_version="0", site_meta={}, controller=socket.gethostname(),
                          message="", artifact_dir="", manifest_sha256="")
                run.hosts = [RunHost(name=h, status="pending", message="", asset={})
                             for h in HOSTS]
                s.add(run)
                s.flush()
                run_id = run.id
            progress = Progress(total=len(HOSTS), hosts={h: HostState() for h in HOSTS})
            streamer = InspectionRun(store, run_id, progress, lambda p, h: None)
            for host in HOSTS:
                streamer.handle({"event": "runner_on_ok", "event_data": {
                    "host": host, "task": "Inspect", "task_action": "weibao_inspect_system",
                    "res": {"changed": False, "findings": [
                        _finding(host, k, "ok") for k in range(2)]}}})
        store.dispose()
        out.put("")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        out.put(f"{worker}: {type(exc).__name__}: {exc}")
