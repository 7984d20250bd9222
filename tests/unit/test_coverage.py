"""Coverage per host and check: evaluated, partial, not evaluated with the cause, not
applicable; stored as the run's events arrive; counters stored for the next deltas."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from test_inspection_stream import finding, new_run, ok_event, store, streamer  # noqa: F401

from weibao.errors import ConfigError
from weibao.services.coverage import host_coverage, summarise
from weibao.services.inspection import check_period, previous_counters
from weibao.store import Counter, Coverage


def rows_by_check(rows):
    return {r["check_id"]: r for r in rows}


def test_every_catalogue_check_of_the_platform_gets_a_row():
    rows = host_coverage("linux", "inspected", {"system", "errlog", "patch"}, [], [])
    ids = {r["check_id"] for r in rows}
    assert {"system.memory", "errlog.disk_io", "patch.security_updates"} <= ids
    # no finding at all is never "evaluated": it says nothing came back
    assert all(r["state"] == "not_evaluated" and r["cause"] == "no_result" for r in rows)


def test_states_and_causes():
    findings = [
        {"check_id": "system.memory", "status": "ok", "summary": "fine"},
        {"check_id": "system.filesystem_usage", "status": "ok", "summary": "/ fine"},
        {"check_id": "system.filesystem_usage", "status": "unknown", "summary": "/nfs hung",
         "cause": "source_unreadable"},
        {"check_id": "system.time_sync", "status": "unknown", "summary": "no tool",
         "cause": "tool_missing"},
    ]
    na = [{"check_id": "system.failed_units", "component": "", "reason": {
        "key": "reason.not_given", "params": {"what": "systemd"}}}]
    rows = rows_by_check(host_coverage("linux", "inspected", {"system"}, findings, na,
                                       areas={"system"}))
    assert rows["system.memory"]["state"] == "evaluated"
    assert (rows["system.filesystem_usage"]["state"],
            rows["system.filesystem_usage"]["cause"]) == ("partial", "source_unreadable")
    assert (rows["system.time_sync"]["state"], rows["system.time_sync"]["cause"]) == \
        ("not_evaluated", "tool_missing")
    assert rows["system.failed_units"]["state"] == "not_applicable"
    assert rows["system.load"]["state"] == "not_evaluated"
    assert summarise(list(rows.values()))["system"]["evaluated"] == 1


def test_unreachable_and_failed_collectors():
    rows = host_coverage("linux", "unreachable", set(), [], [], areas={"patch"})
    assert {r["cause"] for r in rows} == {"unreachable"}
    rows = host_coverage("linux", "failed", {"system"}, [], [], areas={"patch"})
    assert {r["cause"] for r in rows} == {"collector_failed"}


def test_a_platform_without_checks_has_no_rows():
    # every platform weibao knows has checks now; one it does not know has none
    assert host_coverage("vmware_esxi", "inspected", set(), [], []) == []


def test_coverage_and_counters_are_stored_from_the_events(store):  # noqa: F811
    run_id = new_run(store, hosts=("h1",))
    st, _ = streamer(store, run_id, hosts=("h1",))
    event = ok_event("h1", [finding("system.memory", "ok")])
    event["event_data"]["res"]["not_applicable"] = [
        {"check_id": "system.failed_units", "component": "",
         "reason": {"key": "reason.not_given", "params": {"what": "systemd"}}}]
    event["event_data"]["res"]["counters"] = [
        {"check_id": "system.memory", "component": "eth0", "name": "rx_crc_errors",
         "value": 12, "boot_time": "2026-11-01T00:00:00Z"},
        {"check_id": "system.memory", "name": "broken"}]  # malformed: dropped
    st.handle(event)
    st.handle({"event": "runner_on_ok", "event_data": {
        "host": "h1", "task_action": "set_fact",
        "res": {"ansible_facts": {"weibao_inspection_complete": True}}}})
    with store.session() as s:
        cov = {c.check_id: c for c in s.scalars(select(Coverage).where(
            Coverage.run_id == run_id))}
        counters = list(s.scalars(select(Counter)))
    assert cov["system.memory"].state == "evaluated"
    assert cov["system.failed_units"].state == "not_applicable"
    assert cov["system.load"].state == "not_evaluated" and cov["system.load"].cause == "no_result"
    # the errlog area never ran on h1 in this stream
    assert cov["errlog.disk_io"].cause == "no_result"
    assert [(c.name, c.value) for c in counters] == [("rx_crc_errors", 12)]
    prev = previous_counters(store, "s1", ["h1"])
    assert prev["h1"]["system.memory|eth0|rx_crc_errors"]["value"] == 12


def test_unreachable_host_coverage(store):  # noqa: F811
    run_id = new_run(store, hosts=("h1",))
    st, _ = streamer(store, run_id, hosts=("h1",))
    st.handle({"event": "runner_on_unreachable", "event_data": {
        "host": "h1", "res": {"msg": "ssh: connect refused"}}})
    with store.session() as s:
        causes = {c.cause for c in s.scalars(select(Coverage))}
    assert causes == {"unreachable"}


def test_period_in_the_future_is_refused():
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    assert check_period("2026-12", now) == "2026-12"
    assert check_period("2026-01", now) == "2026-01"
    with pytest.raises(ConfigError):
        check_period("2027-01", now)


def test_reports_show_coverage_in_both_languages(store, tmp_path):  # noqa: F811
    from weibao.report import render_report
    from weibao.report.kinds.monthly.context import monthly_context
    from weibao.store import Run

    run_id = new_run(store, hosts=("h1",))
    st, _ = streamer(store, run_id, hosts=("h1",))
    st.handle(ok_event("h1", [finding("system.memory", "ok"),
                              finding("system.time_sync", "unknown", summary="no tool",
                                      cause="tool_missing",
                                      recommendation="install chrony")]))
    st.handle({"event": "runner_on_ok", "event_data": {
        "host": "h1", "task_action": "set_fact",
        "res": {"ansible_facts": {"weibao_inspection_complete": True}}}})
    with store.session() as s:
        s.get(Run, run_id).status = "successful"
    context = monthly_context(store, "s1", "2026-11")
    system = next(a for a in context["hosts"][0]["coverage"] if a["area"] == "system")
    assert system["evaluated"] == 1
    assert {"check_id": "system.time_sync", "state": "not_evaluated",
            "cause": "tool_missing"} in system["missing"]
    en = render_report("monthly", context, "en", ["md"], tmp_path / "en")[0].read_text()
    zh = render_report("monthly", context, "zh-CN", ["md"], tmp_path / "zh")[0].read_text()
    assert "Time synchronisation (Not evaluated: tool not installed)" in en
    assert "时间同步（未评估：未安装所需工具）" in zh


def test_an_area_without_a_collector_is_left_out(monkeypatch):
    from ansible.module_utils.weibao_inspection import catalogue

    from weibao.services import coverage

    patch_area = catalogue.AREAS["patch"]
    monkeypatch.setattr(patch_area, "collector", "")
    # the catalogue never changes while weibao runs, so the checks are found once per
    # platform: this test changes it, so it reads it uncached
    monkeypatch.setattr(coverage, "_inspected_checks", coverage._inspected_checks.__wrapped__)
    rows = host_coverage("linux", "inspected", {"system", "errlog"}, [], [])
    assert not any(r["check_id"].startswith("patch.") for r in rows)
    assert any(r["check_id"].startswith("system.") for r in rows)
