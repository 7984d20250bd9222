"""The monthly report's data, read from the store (weibao.report.kinds.monthly.context)."""

import datetime as dt

import pytest

from weibao.errors import NotFound
from weibao.report.kinds.monthly.context import monthly_context
from weibao.store import Finding, Run, RunHost, Store

T0 = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def add_run(store, hosts, started, status="partial", period="2026-11", site="bank",
            user="zhang.san"):
    """hosts: {name: (status, [(check_id, status, component)])}"""
    with store.session() as s:
        run = Run(kind="inspection", site=site, period=period, status=status,
                  started_at=started, ended_at=started + dt.timedelta(minutes=5), user=user,
                  inventory="inv", playbook="pb", limit="", ansible_version="2.19.14",
                  weibao_version="0", controller="c", message="", artifact_dir="",
                  manifest_sha256="",
                  site_meta={"name": site, "client": "Bank", "timezone": "Asia/Shanghai",
                             "inspectors": ["li.si"]})
        run.hosts = [RunHost(name=n, status=st, message="" if st == "inspected" else "down",
                             asset={"serial": "S1"}) for n, (st, _f) in hosts.items()]
        s.add(run)
        s.flush()
        for name, (_st, findings) in hosts.items():
            for check_id, fstatus, component, *values in findings:
                s.add(Finding(run_id=run.id, host=name, check_id=check_id, component=component,
                              status=fstatus, summary=f"{check_id} {fstatus}", evidence=[],
                              recommendation="" if fstatus == "ok" else "do something",
                              values=values[0] if values else {}, thresholds={}))
        return run.id


def test_latest_result_per_host_and_counts(store):
    add_run(store, {"db01": ("unreachable", []),
                    "app01": ("inspected", [("system.load", "warning", "")])}, T0)
    second = add_run(store, {"db01": ("inspected", [
        ("system.filesystem_usage", "critical", "/var"),
        ("system.time_sync", "unknown", "clock"),
        ("patch.os_release", "ok", "", {"pretty_name": "Debian GNU/Linux 12 (bookworm)"})])},
        T0 + dt.timedelta(days=1), user="wang.wu")
    ctx = monthly_context(store, "bank", "2026-11")
    hosts = {h["name"]: h for h in ctx["hosts"]}
    assert hosts["db01"]["status"] == "inspected"  # the re-run replaced the unreachable one
    assert hosts["db01"]["run_id"] == second
    assert hosts["db01"]["worst_status"] == "critical"
    assert hosts["db01"]["asset"] == {"serial": "S1", "os": "Debian GNU/Linux 12 (bookworm)"}
    assert hosts["app01"]["worst_status"] == "warning"
    assert ctx["summary"]["hosts_inspected"] == 2
    assert ctx["summary"]["counts"] == {"ok": 1, "warning": 1, "critical": 1, "unknown": 1}
    assert [f["status"] for f in ctx["findings"]] == ["critical", "warning", "unknown", "ok"]
    assert [r["check_id"] for r in ctx["recommendations"]] == [
        "system.filesystem_usage", "system.load", "system.time_sync"]
    assert ctx["site"]["inspectors"] == ["li.si", "zhang.san", "wang.wu"]
    assert ctx["period_end"] == "2026-11-30"
    assert ctx["backups"] == []


def test_unreachable_host_is_counted_as_such(store):
    add_run(store, {"db01": ("unreachable", []), "db02": ("failed", [])}, T0)
    summary = monthly_context(store, "bank", "2026-11")["summary"]
    assert (summary["hosts_inspected"], summary["hosts_unreachable"],
            summary["hosts_failed"]) == (0, 1, 1)


def test_running_runs_and_other_periods_are_left_out(store):
    add_run(store, {"db01": ("inspected", [])}, T0, status="running")
    add_run(store, {"db01": ("inspected", [])}, T0, period="2026-10")
    with pytest.raises(NotFound, match="no finished inspection in period 2026-11"):
        monthly_context(store, "bank", "2026-11")


def test_unknown_site(store):
    add_run(store, {"db01": ("inspected", [])}, T0)
    with pytest.raises(NotFound, match="unknown site 'nowhere'.*known: bank"):
        monthly_context(store, "nowhere", "2026-11")


def test_os_of_a_release_whose_end_of_support_is_unknown_still_fills_the_register(store):
    add_run(store, {"kylin01": ("inspected", [
        ("patch.os_release", "unknown", "", {"pretty_name": "Kylin Linux Advanced Server V10"})]),
                    "db09": ("inspected", [("patch.os_release", "unknown", "")])}, T0)
    hosts = {h["name"]: h for h in monthly_context(store, "bank", "2026-11")["hosts"]}
    assert hosts["kylin01"]["asset"]["os"] == "Kylin Linux Advanced Server V10"
    assert "os" not in hosts["db09"]["asset"]  # nothing was read: nothing is claimed
