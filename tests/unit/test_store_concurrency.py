"""Concurrent writers keep the store consistent, on SQLite and on PostgreSQL.

Two processes run the real inspection service (weibao.services.inspection.run_inspection)
at the same time against one store, each with a fake playbook runner that feeds
ansible-runner-shaped events host by host, so their transactions interleave: the streamers'
host and finding rows, the coverage rows, the run closes and the findings' lifecycle
(which both runs update for the same site). Afterwards no row is lost, both runs are
closed and each run's counts are its own.
"""

import multiprocessing
import sys
import time
from pathlib import Path

import yaml
from sqlalchemy import func, select

from weibao.config import load_settings
from weibao.services.ansible import PlaybookResult
from weibao.services.inspection import DONE_FACT
from weibao.store import Coverage, Finding, FindingIssue, FindingObservation, Run, RunHost, Store

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


def _fake_runner(worker: int):
    """A playbook run: one ok event per host with its findings, a short pause between hosts
    so that the other process's writes land in between."""

    def run(private_dir, extravars, limit, handle, cancelled):
        Path(private_dir).mkdir(parents=True, exist_ok=True)
        for i, host in enumerate(HOSTS):
            statuses = ["ok"] * FINDINGS_PER_HOST
            statuses[i % FINDINGS_PER_HOST] = "warning" if worker == 0 else "critical"
            handle({"event": "runner_on_ok", "event_data": {
                "host": host, "task": "Inspect", "task_action": "weibao_inspect_system",
                "res": {"changed": False, "findings": [
                    _finding(host, n, st) for n, st in enumerate(statuses)]}}})
            handle(_done(host))
            time.sleep(0.01)
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
