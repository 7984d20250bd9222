"""Findings across periods (weibao.services.lifecycle): a finding followed over three
inspections (new, carried over, resolved), what does not resolve it (an unreachable host, a
check not evaluated, an unknown), seen again after it was resolved, idempotence and backfill,
waivers signed and verified with real ssh-keygen keys (expired, tampered, someone else's key,
revoked), assignment errors (one line, nothing written), and the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.change.people import load_people
from weibao.errors import WeibaoError
from weibao.services import lifecycle
from weibao.services.lifecycle import (
    LifecycleError,
    assign,
    backfill,
    issue_key,
    lifecycle_for_period,
    list_issues,
    show_issue,
    state_of,
    update_lifecycle,
)
from weibao.signing import SignatureError, sign
from weibao.store import (
    Coverage,
    Finding,
    FindingIssue,
    FindingObservation,
    FindingWaiver,
    Run,
    RunHost,
    Store,
)
from weibao.waivers import unwaive, verify_waiver, waive

SITE = "lab"
DB = "db01.lab"
APP = "app01.lab"
FS = "system.filesystem_usage"
MEM = "system.memory"
UTC = dt.UTC


def at(day: str, hour: int = 2) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def inspect(store: Store, day: str, hosts: dict[str, dict]) -> int:
    """Store one finished inspection run of SITE started on ``day``: per host its status,
    findings [(check, component, status)] and coverage {check: state} (None: no rows)."""
    started = at(day)
    with store.session() as s:
        run = Run(kind="inspection", site=SITE, period=day[:7], status="successful",
                  started_at=started, ended_at=started + dt.timedelta(minutes=5), user="li.wei",
                  inventory="inventories/lab", playbook="inspect.yml", ansible_version="2.17",
                  weibao_version="0", site_meta={"name": SITE, "timezone": "Asia/Shanghai"})
        run.hosts = [RunHost(name=name, status=h.get("status", "inspected"),
                             finished_at=started + dt.timedelta(minutes=4))
                     for name, h in hosts.items()]
        s.add(run)
        s.flush()
        for name, h in hosts.items():
            for check, component, status in h.get("findings", []):
                s.add(Finding(run_id=run.id, host=name, check_id=check, component=component,
                              status=status, summary=f"{component or check} {status}",
                              recommendation="act" if status != "ok" else ""))
            for check, state in (h.get("coverage") or {}).items():
                s.add(Coverage(run_id=run.id, host=name, check_id=check, state=state))
        run_id = run.id
    return run_id


def issue_row(store: Store, host: str = DB, check: str = FS, component: str = "/var"):
    with store.session() as s:
        issue = s.query(FindingIssue).filter_by(site=SITE, host=host, check_id=check,
                                                component=component).one()
        s.expunge(issue)
        return issue


FULL = {FS: "evaluated", MEM: "evaluated"}


# ----------------------------------------------------------------------------- three inspections


def test_new_then_carried_then_resolved_across_three_inspections(store):
    r1 = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning"),
                                                         (FS, "/", "ok")], "coverage": FULL}})
    update_lifecycle(store, r1)
    first = issue_row(store)
    assert first.key == issue_key(SITE, DB, FS, "/var")
    assert (first.status, first.first_seen_run, first.months_open) == ("open", r1, 0)
    assert first.first_seen_at == at("2026-10-05") + dt.timedelta(minutes=4)
    with store.session() as s:  # an ok finding is no issue
        assert s.query(FindingIssue).count() == 1

    r2 = inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "critical")],
                                            "coverage": FULL}})
    update_lifecycle(store, r2)
    second = issue_row(store)
    assert (second.status, second.first_seen_run, second.last_seen_run) == ("open", r1, r2)
    assert (second.months_open, second.severity) == (1, "critical")
    assert second.resolved_at is None

    # the check evaluated, /var no longer reported: resolved by this inspection
    r3 = inspect(store, "2026-12-05", {DB: {"findings": [(FS, "/", "ok")], "coverage": FULL}})
    update_lifecycle(store, r3)
    third = issue_row(store)
    assert (third.status, third.resolved_run) == ("resolved", r3)
    assert third.resolved_at == at("2026-12-05") + dt.timedelta(minutes=4)
    assert third.last_seen_run == r2

    october = lifecycle_for_period(store, SITE, "2026-10")
    assert [i["key"] for i in october["new"]] == [first.key]
    assert october["counts"] == {"new": 1, "carried": 0, "resolved": 0, "waived": 0,
                                 "open": 1, "waiver_expired": 0}
    november = lifecycle_for_period(store, SITE, "2026-11")
    assert november["new"] == [] and november["resolved"] == []
    assert [(i["key"], i["months_open"], i["state"]) for i in november["carried"]] == [
        (first.key, 1, "open")]
    assert november["by_host"] == {DB: {"new": 0, "carried": 1, "resolved": 0, "waived": 0,
                                        "open": 1}}
    december = lifecycle_for_period(store, SITE, "2026-12")
    assert [(i["key"], i["state"], i["months_open"]) for i in december["resolved"]] == [
        (first.key, "resolved", 2)]
    assert december["counts"]["open"] == 0 and december["carried"] == []
    quarter = lifecycle_for_period(store, SITE, "2026-Q4")
    assert (quarter["counts"]["new"], quarter["counts"]["resolved"],
            quarter["counts"]["open"]) == (1, 1, 0)
    assert quarter["months"] == [
        {"period": "2026-10", "new": 1, "resolved": 0, "open": 1},
        {"period": "2026-11", "new": 0, "resolved": 0, "open": 1},
        {"period": "2026-12", "new": 0, "resolved": 1, "open": 0}]
    assert [(i["state"], i["months_open"]) for i in quarter["new"]] == [("resolved", 2)]
    assert lifecycle_for_period(store, SITE, "2026")["counts"]["new"] == 1
    assert lifecycle_for_period(store, SITE, "2026-09")["counts"] == dict.fromkeys(
        ("new", "carried", "resolved", "waived", "open", "waiver_expired"), 0)


def test_update_is_idempotent_and_backfill_gives_the_same_rows(store, tmp_path):
    runs = [inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                               "coverage": FULL}}),
            inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "warning"),
                                                            (MEM, "", "critical")],
                                               "coverage": FULL}})]
    for run_id in runs + runs:
        update_lifecycle(store, run_id)

    def snapshot(st):
        with st.session() as s:
            return (sorted((i.key, i.status, i.first_seen_run, i.last_seen_run, i.months_open)
                           for i in s.query(FindingIssue)),
                    s.query(FindingObservation).count())

    once = snapshot(store)
    assert once[1] == 3  # /var twice, memory once
    with store.session() as s:
        s.query(FindingObservation).delete()
        s.query(FindingIssue).delete()
    assert backfill(store, SITE) == 2
    assert snapshot(store) == once


def test_a_running_run_or_another_kind_changes_nothing(store):
    run_id = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")]}})
    with store.session() as s:
        s.get(Run, run_id).status = "running"
    assert update_lifecycle(store, run_id)["new"] == 0
    with pytest.raises(WeibaoError, match="run 999 does not exist"):
        update_lifecycle(store, 999)


# ----------------------------------------------------------------------------- not resolved


@pytest.mark.parametrize(("host", "why"), [
    ({"status": "unreachable"}, "unreachable"),
    ({"status": "failed"}, "failed"),
    # the area did not run: coverage says not evaluated
    ({"findings": [(MEM, "", "ok")], "coverage": {FS: "not_evaluated", MEM: "evaluated"}},
     "not_evaluated"),
    # partial: some components judged, /var not among them
    ({"findings": [(FS, "/", "ok")], "coverage": {FS: "partial", MEM: "evaluated"}},
     "not_evaluated"),
    ({"findings": [(FS, "/var", "unknown")], "coverage": {FS: "not_evaluated"}}, "unknown"),
    # a run stored before coverage existed, the check not reporting on the host at all
    ({"findings": [(MEM, "", "ok")]}, "not_evaluated"),
])
def test_what_does_not_resolve(store, host, why):
    r1 = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                            "coverage": FULL}})
    r2 = inspect(store, "2026-11-05", {DB: host})
    update_lifecycle(store, r1)
    counts = update_lifecycle(store, r2)
    assert counts["not_judged"] == 1 and counts["resolved"] == 0
    issue = issue_row(store)
    assert (issue.status, issue.resolved_at, issue.last_seen_run) == ("open", None, r1)
    assert issue.months_open == 1  # still open in November
    shown = show_issue(store, issue.key)
    assert [(o["run_id"], o["state"], o["why"]) for o in shown["observations"]] == [
        (r1, "seen", ""), (r2, "not_judged", why)]
    carried = lifecycle_for_period(store, SITE, "2026-11")["carried"]
    assert [i["key"] for i in carried] == [issue.key]


def test_an_unreachable_host_then_an_inspection_resolves_it(store):
    runs = [inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                               "coverage": FULL}}),
            inspect(store, "2026-11-05", {DB: {"status": "unreachable"}}),
            inspect(store, "2026-12-05", {DB: {"findings": [], "coverage": FULL}})]
    for run_id in runs:
        update_lifecycle(store, run_id)
    issue = issue_row(store)
    assert (issue.status, issue.resolved_run) == ("resolved", runs[2])


def test_a_host_outside_the_run_keeps_its_issue(store):
    r1 = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                            "coverage": FULL}})
    r2 = inspect(store, "2026-11-05", {APP: {"findings": [], "coverage": FULL}})  # --limit
    update_lifecycle(store, r1)
    update_lifecycle(store, r2)
    assert issue_row(store).status == "open"


def test_seen_again_after_it_was_resolved_is_reopened_and_new_that_month(store):
    runs = [inspect(store, "2026-09-05", {DB: {"findings": [(FS, "/var", "warning")],
                                               "coverage": FULL}}),
            inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "ok")],
                                               "coverage": FULL}}),
            inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "critical")],
                                               "coverage": FULL}})]
    for run_id in runs:
        update_lifecycle(store, run_id)
    issue = issue_row(store)
    assert (issue.status, issue.reopened, issue.first_seen_run, issue.opened_run) == (
        "open", 1, runs[0], runs[2])
    assert issue.resolved_at is None
    october = lifecycle_for_period(store, SITE, "2026-10")
    assert [i["state"] for i in october["resolved"]] == ["resolved"]
    november = lifecycle_for_period(store, SITE, "2026-11")
    assert [(i["state"], i["months_open"]) for i in november["new"]] == [("open", 0)]
    assert november["carried"] == []
    # the quarter: opened in September (before it), resolved in October, new in November
    q4 = lifecycle_for_period(store, SITE, "2026-Q4")
    assert (q4["counts"]["new"], q4["counts"]["resolved"], q4["counts"]["open"]) == (1, 1, 1)
    assert [i["state"] for i in q4["resolved"]] == ["resolved"]


def test_runs_read_out_of_order_give_the_rows_of_inspection_order(store):
    nov = inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "warning")],
                                             "coverage": FULL}})
    octo = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "ok")],
                                              "coverage": FULL}})
    sep = inspect(store, "2026-09-05", {DB: {"findings": [(FS, "/var", "critical")],
                                             "coverage": FULL}})
    update_lifecycle(store, nov)
    # October is before the issue existed: it says nothing of it (no observation)
    assert update_lifecycle(store, octo) == {"new": 0, "seen": 0, "resolved": 0,
                                             "not_judged": 0}
    assert issue_row(store).first_seen_run == nov
    # September saw it: first seen then; October read again now resolves that occurrence
    update_lifecycle(store, sep)
    update_lifecycle(store, octo)
    issue = issue_row(store)
    assert (issue.first_seen_run, issue.opened_run, issue.last_seen_run) == (sep, nov, nov)
    assert (issue.status, issue.reopened, issue.severity) == ("open", 1, "warning")
    in_order = [(o["run_id"], o["state"]) for o in show_issue(store, issue.key)["observations"]]
    assert in_order == [(sep, "seen"), (octo, "resolved"), (nov, "seen")]
    # an observation left from before the issue existed is removed when its run is read
    with store.session() as s:
        s.query(FindingObservation).filter_by(run_id=sep).delete()
        i = s.query(FindingIssue).one()
        i.first_seen_run, i.first_seen_at = nov, at("2026-11-05")
    update_lifecycle(store, octo)
    shown = show_issue(store, issue.key)
    assert [(o["run_id"], o["state"]) for o in shown["observations"]] == [(nov, "seen")]
    assert (shown["first_seen_run"], shown["reopened"], shown["status"]) == (nov, 0, "open")


def test_statements_per_run_do_not_grow_with_its_hosts(store):
    """Issues and observations are read and written in batches: a run of 40 hosts costs the
    store as many statements as a run of 4."""
    from sqlalchemy import event

    def statements(hosts: int, day: str) -> int:
        run_id = inspect(store, day, {f"h{day}{n}": {
            "findings": [(FS, "/var", "warning"), (MEM, "", "critical"), (FS, "/", "ok")],
            "coverage": FULL} for n in range(hosts)})
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731 - the statement
        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            counts = update_lifecycle(store, run_id)
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
        assert counts["new"] == counts["seen"] == 2 * hosts
        return len(seen)

    assert statements(4, "2026-10-05") == statements(40, "2026-11-05")
    with store.session() as s:
        assert s.query(FindingIssue).count() == 88
        assert s.query(FindingObservation).count() == 88


def test_period_errors_are_one_line():
    with pytest.raises(WeibaoError, match=r"--period '2026-13': expected YYYY-MM, YYYY-Qn"):
        lifecycle.period_months("2026-13")
    assert lifecycle.period_months("2026-Q2") == ["2026-04", "2026-05", "2026-06"]


# ----------------------------------------------------------------------------- people, keys


def make_key(directory: Path, name: str) -> Path:
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@test",
                    "-f", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    return {name: make_key(directory, name) for name in ("li", "chen", "stranger")}


@pytest.fixture
def site(tmp_path, keys):
    """An inventory folder of SITE (Asia/Shanghai) with its people.yml."""
    folder = tmp_path / "inventories" / SITE
    folder.mkdir(parents=True)
    (folder / "hosts.yml").write_text(
        "all:\n  vars:\n    weibao_site:\n      name: lab\n      timezone: Asia/Shanghai\n"
        f"  hosts:\n    {DB}:\n      ansible_connection: local\n")

    def entry(pid, key, roles, org):
        text = Path(f"{key}.pub").read_text().strip()
        return (f"  - id: {pid}\n    name: {pid}\n    organisation: {org}\n"
                f"    roles: {roles}\n    ssh_public_key: \"{text}\"\n")

    (folder / "people.yml").write_text(
        "people:\n" + entry("li.wei", keys["li"], "[operator]", "provider")
        + entry("chen.jing", keys["chen"], "[approver]", "client"))
    return folder


@pytest.fixture
def open_issue(store):
    r1 = inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "warning")],
                                            "coverage": FULL}})
    update_lifecycle(store, r1)
    return issue_row(store)


NOW = dt.datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


def test_waiver_signed_verified_and_expired(store, site, keys, open_issue):
    people = load_people(site / "people.yml")
    item = waive(store, open_issue.key, people, by="chen.jing", reason="扩容排在明年一季度",
                 expires="2026-12-20", signing_key=keys["chen"], timezone="Asia/Shanghai",
                 site=SITE, now=NOW)
    assert item["state"] == "waived"
    assert item["waiver"]["person"] == "chen.jing"
    assert item["waiver"]["organisation"] == "client"
    with store.session() as s:
        waiver = s.query(FindingWaiver).one()
        fp = verify_waiver(waiver, people)
        assert fp == waiver.fingerprint and fp.startswith("SHA256:")
        statement = json.loads(waiver.statement)
        assert (statement["key"], statement["reason"], statement["expires"],
                statement["signer"]) == (open_issue.key, "扩容排在明年一季度", "2026-12-20",
                                         "chen.jing")
        # a change sign-off's signature (namespace weibao-change) is no waiver
        good = waiver.signature
        waiver.signature = sign(waiver.statement.encode(), keys["chen"])
        with pytest.raises(SignatureError, match="made for namespace 'weibao-change'"):
            verify_waiver(waiver, people)
        waiver.signature = good
        # the record changed after signing: the statement no longer says it
        waiver.reason = "nothing to do"
        with pytest.raises(SignatureError, match="does not say what the record says"):
            verify_waiver(waiver, people)
        # the statement changed too: the signature no longer matches it
        waiver.statement = waiver.statement.replace("扩容排在明年一季度", "nothing to do")
        with pytest.raises(SignatureError, match="changed after signing"):
            verify_waiver(waiver, people)
        s.rollback()

    # still open underneath; waived (not ok) until the end of 20 December in Shanghai
    assert issue_row(store).status == "open"
    assert [i["key"] for i in list_issues(store, SITE, "waived", now=NOW)] == [open_issue.key]
    assert list_issues(store, SITE, "open", now=NOW) == []
    december = lifecycle_for_period(store, SITE, "2026-12", now=NOW)
    assert [i["state"] for i in december["carried"]] == ["waived"]
    assert december["counts"]["waived"] == 1 and december["counts"]["open"] == 1

    last_day = dt.datetime(2026, 12, 20, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    after = dt.datetime(2026, 12, 20, 16, 0, tzinfo=UTC)  # 21 December 00:00 in Shanghai
    with store.session() as s:
        issue = s.query(FindingIssue).one()
        assert state_of(issue, now=last_day)[0] == "waived"
        assert state_of(issue, now=after)[0] == "waiver_expired"
    expired = list_issues(store, SITE, "open", now=after)
    assert [(i["key"], i["state"]) for i in expired] == [(open_issue.key, "waiver_expired")]
    january = lifecycle_for_period(store, SITE, "2027-01", now=after + dt.timedelta(days=30))
    assert [i["state"] for i in january["carried"]] == ["waiver_expired"]
    assert january["counts"]["waived"] == 0 and january["counts"]["waiver_expired"] == 1


def test_waiver_refusals_write_nothing(store, site, keys, open_issue):
    people = load_people(site / "people.yml")
    args = {"by": "chen.jing", "reason": "accepted", "expires": "2026-12-20",
            "signing_key": keys["chen"], "timezone": "Asia/Shanghai", "site": SITE,
            "now": NOW}
    cases = [
        ({"signing_key": keys["li"]}, r"^--key .*: is not the key of chen.jing in the people"),
        ({"signing_key": keys["stranger"]}, r"^--key .*: is not the key of chen.jing"),
        ({"by": "nobody"}, r"^--by 'nobody': no person with that id in the people file"),
        ({"expires": "2026-12-05"}, r"^--expires 2026-12-05: is in the past \(today is "
                                    r"2026-12-06"),
        ({"expires": "2026-02-30"}, r"^--expires '2026-02-30': not a date of the calendar"),
        ({"expires": "20.12.2026"}, r"^--expires '20.12.2026': expected a date YYYY-MM-DD"),
        ({"reason": "  "}, r"^--reason: required, one line"),
        ({"site": "other"}, r"is of site lab, not of the inventory's site other"),
    ]
    for change, pattern in cases:
        with pytest.raises(WeibaoError) as err:
            waive(store, open_issue.key, people, **(args | change))
        line = err.value.render()
        assert "\n" not in line
        assert __import__("re").search(pattern, line), line
    with store.session() as s:
        assert s.query(FindingWaiver).count() == 0


def test_a_resolved_finding_is_not_waived_and_unwaive_reopens(store, site, keys, open_issue):
    people = load_people(site / "people.yml")
    waive(store, open_issue.key, people, by="li.wei", reason="accepted", expires="2027-01-31",
          signing_key=keys["li"], timezone="Asia/Shanghai", site=SITE, now=NOW)
    item = unwaive(store, open_issue.key, people, "chen.jing", "not accepted", site=SITE,
                   now=NOW)
    assert item["state"] == "open"
    shown = show_issue(store, open_issue.key, now=NOW)
    assert shown["waivers"][0]["revoked_by"] == "chen.jing"
    with pytest.raises(LifecycleError, match="has no waiver to revoke"):
        unwaive(store, open_issue.key, people, "chen.jing", site=SITE, now=NOW)

    r2 = inspect(store, "2026-12-05", {DB: {"findings": [(FS, "/var", "ok")],
                                            "coverage": FULL}})
    update_lifecycle(store, r2)
    with pytest.raises(LifecycleError, match="is resolved; only an open finding is waived"):
        waive(store, open_issue.key, people, by="li.wei", reason="x", expires="2027-01-31",
              signing_key=keys["li"], timezone="Asia/Shanghai", site=SITE, now=NOW)


# ----------------------------------------------------------------------------- assignment


def test_assignment_and_its_errors(store, site, open_issue):
    people = load_people(site / "people.yml")
    item = assign(store, open_issue.key, people, "li.wei", "待安排", "spare disk ordered",
                  by="chen.jing", site=SITE, now=NOW)
    assert (item["owner"], item["follow_up"]) == ("li.wei", "to_be_scheduled")
    assert item["notes"] == "2026-12-06 chen.jing: spare disk ordered"
    item = assign(store, open_issue.key[:6], people, "chen.jing", "waiting_for_client",
                  site=SITE, now=NOW)
    assert (item["owner"], item["follow_up"]) == ("chen.jing", "waiting_for_client")
    assert item["notes"] == "2026-12-06 chen.jing: spare disk ordered"

    cases = [
        (("li.wei", "done"), r"^--follow-up 'done': expected one of handled_on_site "
                             r"\(已现场处理\), client_handles"),
        (("boss", "待安排"), r"^--owner 'boss': no person with that id in the people file"),
    ]
    for (owner, follow), pattern in cases:
        with pytest.raises(LifecycleError) as err:
            assign(store, open_issue.key, people, owner, follow, site=SITE, now=NOW)
        assert "\n" not in err.value.render()
        assert __import__("re").search(pattern, err.value.render())
    with pytest.raises(WeibaoError, match=r"^finding 'zz': not a finding key"):
        assign(store, "zz", people, "li.wei", "待安排")
    with pytest.raises(WeibaoError, match=r"finding 0000000000: no such finding"):
        assign(store, "0000000000", people, "li.wei", "待安排")
    assert issue_row(store).owner == "chen.jing"  # nothing written by the refusals


# ----------------------------------------------------------------------------- command line


def weibao(tmp_path, *args):
    runner = CliRunner()
    return runner.invoke(cli_mod.cli, ["--data-dir", str(tmp_path / "data"),
                                       "--lang", "en", *args])


def cli_main(tmp_path, *args):
    """Through main(): the one-line error and the exit status."""
    @__import__("click").command(context_settings={"ignore_unknown_options": True})
    @__import__("click").argument("argv", nargs=-1, type=__import__("click").UNPROCESSED)
    def run(argv):
        cli_mod.main(list(argv))

    return CliRunner().invoke(run, ["--data-dir", str(tmp_path / "data"), "--lang", "en",
                                    *args])


def test_command_line(tmp_path, site, keys):
    (tmp_path / "data").mkdir()
    store = Store(f"sqlite:///{tmp_path / 'data' / 'weibao.db'}")
    runs = [inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                               "coverage": FULL}}),
            inspect(store, "2026-11-05", {DB: {"findings": [(FS, "/var", "warning")],
                                               "coverage": FULL}})]
    store.dispose()
    result = weibao(tmp_path, "finding", "backfill", "--site", SITE)
    assert result.exit_code == 0, result.output
    assert "2 inspection run(s) read" in result.output
    key = issue_key(SITE, DB, FS, "/var")

    listed = json.loads(weibao(tmp_path, "finding", "list", "--open", "--json").output)
    assert [(i["key"], i["months_open"]) for i in listed] == [(key, 1)]

    bad = cli_main(tmp_path, "finding", "assign", key, "-i", str(site), "--owner", "li.wei",
                   "--follow-up", "later")
    assert bad.exit_code == 3
    assert bad.output.strip().count("\n") == 0
    assert "--follow-up 'later': expected one of" in bad.output

    ok = weibao(tmp_path, "finding", "assign", key, "-i", str(site), "--owner", "li.wei",
                "--follow-up", "已现场处理", "--note", "cleaned /var/log")
    assert ok.exit_code == 0, ok.output
    assert "owner: li.wei; follow-up: handled on site" in ok.output

    waived = weibao(tmp_path, "finding", "waive", key, "-i", str(site), "--reason", "accepted",
                    "--expires", "2099-12-31", "--by", "li.wei", "--key", str(keys["li"]))
    assert waived.exit_code == 0, waived.output
    assert "state: waived (li.wei, to 2099-12-31)" in waived.output
    verified = weibao(tmp_path, "finding", "verify", key, "-i", str(site))
    assert verified.exit_code == 0 and "good signature (SHA256:" in verified.output
    shown = weibao(tmp_path, "finding", "show", key)
    assert f"run {runs[0]}" in shown.output and "waiver by li.wei" in shown.output
    # times in the site's zone: 02:04 UTC is 10:04 in Shanghai
    assert "2026-10-05 10:04" in shown.output
    assert json.loads(weibao(tmp_path, "finding", "list", "--waived", "--json").output)[0][
        "key"] == key
    unwaived = weibao(tmp_path, "finding", "unwaive", key, "-i", str(site), "--by", "li.wei")
    assert unwaived.exit_code == 0 and "state: unresolved" in unwaived.output


def test_inspection_close_follows_findings_and_never_fails_for_it(store, monkeypatch):
    from weibao.services import inspection

    run_id = inspect(store, "2026-10-05", {DB: {"findings": [(FS, "/var", "warning")],
                                                "coverage": FULL}})
    inspection._follow_findings(store, run_id)
    assert issue_row(store).first_seen_run == run_id

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(lifecycle, "update_lifecycle", broken)
    inspection._follow_findings(store, run_id)  # does not raise
    with store.session() as s:
        assert s.get(Run, run_id).detail["lifecycle_error"] == "RuntimeError: disk full"
