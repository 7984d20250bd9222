"""Fault tickets through the CLI and the service: numbering, times in the site's zone, order
of the times, parts, closing, history appended, one-line errors with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from service_env import SHANGHAI, Cli, make_site

from weibao.services.faults import (
    FaultService,
    Part,
    faults_in_period,
    parts_replaced,
    sla_summary,
)
from weibao.services.sla import default_policy
from weibao.store import FaultEvent, FaultTicket, Store

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def site(tmp_path, keys):
    return make_site(tmp_path, keys)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    return Cli(tmp_path / "data", monkeypatch, NOW)


def store_of(cli):
    return Store(f"sqlite:///{cli.data_dir / 'weibao.db'}")


def open_ticket(cli, site, *extra):
    return cli.ok("fault", "open", "--site", "lab", "-i", site, "--host", "db01",
                  "--priority", "P1", "--summary", "disk 3 failed",
                  "--reported-at", "2026-12-06T09:00", *extra).strip()


def test_ids_numbered_per_site_and_year(cli, site, tmp_path, keys):
    assert open_ticket(cli, site) == "F-2026-0001"
    assert open_ticket(cli, site) == "F-2026-0002"
    other = make_site(tmp_path / "b", keys, name="other")
    assert cli.ok("fault", "open", "--site", "other", "-i", other, "--host", "x",
                  "--priority", "P3", "--summary", "s").strip() == "F-2026-0001"
    cli.now = dt.datetime(2027, 1, 2, 10, 0, tzinfo=SHANGHAI)
    # the year of the report in the site's time zone (2026-12-31T19:00Z is 2027 there)
    assert cli.ok("fault", "open", "--site", "lab", "-i", site, "--host", "db01",
                  "--priority", "P2", "--summary", "s",
                  "--reported-at", "2027-01-01T03:00").strip() == "F-2027-0001"
    # the same id at two sites: the command asks which
    line = cli.fails("fault", "show", "F-2026-0001")
    assert "give --site" in line


def test_local_times_stored_utc_shown_in_site_zone(cli, site):
    open_ticket(cli, site)
    cli.ok("fault", "update", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:20",
           "--onsite-at", "2026-12-06T01:50+00:00")
    with store_of(cli).session() as s:
        ticket = s.query(FaultTicket).one()
        assert ticket.reported_at == dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)
        assert ticket.onsite_at == dt.datetime(2026, 12, 6, 1, 50, tzinfo=dt.UTC)
    data = json.loads(cli.ok("fault", "show", "F-2026-0001", "-i", site, "--json"))
    assert data["reported_at"] == "2026-12-06T09:00+08:00"
    assert data["onsite_at"] == "2026-12-06T09:50+08:00"
    assert data["sla"]["response"]["status"] == "met"
    assert data["sla"]["onsite"]["status"] == "met"
    assert data["sla"]["restore"]["status"] == "missed"  # P1: 2 h, now is 3 h after


def test_parts_cause_close_and_history(cli, site):
    open_ticket(cli, site, "--component", "disk")
    cli.ok("fault", "update", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:10",
           "--part", "HDD 600GB;SN-OUT-1;SN-IN-1", "--part", "cache battery;B1;B2",
           "--note", "parts ordered")
    cli.ok("fault", "close", "F-2026-0001", "-i", site, "--restored-at", "2026-12-06T10:30",
           "--cause", "disk wear", "--resolution", "disk replaced, array rebuilt")
    data = json.loads(cli.ok("fault", "show", "F-2026-0001", "-i", site, "--json"))
    assert data["status"] == "closed"
    assert [p["serial_out"] for p in data["parts"]] == ["SN-OUT-1", "B1"]
    assert [e["kind"] for e in data["history"]] == ["open", "update", "close"]
    assert data["history"][1]["detail"]["note"] == "parts ordered"
    assert data["sla"]["restore"]["status"] == "met"  # 1.5 h of 2 h
    assert data["sla"]["onsite"]["status"] == "not_applicable"  # fixed without a visit
    # closed: nothing can change any more, and nothing is written
    line = cli.fails("fault", "update", "F-2026-0001", "-i", site, "--note", "late")
    assert "closed" in line and "cannot be changed" in line
    with store_of(cli).session() as s:
        assert s.query(FaultEvent).count() == 3


def test_correction_keeps_the_old_value_in_history(cli, site):
    open_ticket(cli, site)
    cli.ok("fault", "update", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:40")
    cli.ok("fault", "update", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:25")
    data = json.loads(cli.ok("fault", "show", "F-2026-0001", "-i", site, "--json"))
    assert data["responded_at"] == "2026-12-06T09:25+08:00"
    change = data["history"][2]["detail"]["responded_at"]
    assert change == {"old": "2026-12-06T01:40:00+00:00", "new": "2026-12-06T01:25:00+00:00"}


@pytest.mark.parametrize(("args", "message"), [
    (["--priority", "P5"], "--priority 'P5': expected one of P1, P2, P3, P4"),
    (["--priority", "P1", "--reported-at", "yesterday"], "--reported-at 'yesterday'"),
    (["--priority", "P1", "--reported-at", "2026-12-07T09:00"], "in the future"),
    (["--priority", "P1", "--summary", " "], "--summary: must not be empty"),
])
def test_open_refuses_bad_input(cli, site, args, message):
    base = ["fault", "open", "--site", "lab", "-i", site, "--host", "db01", "--summary", "s"]
    line = cli.fails(*base, *args)
    assert message in line
    assert not (cli.data_dir / "weibao.db").exists() or _count(cli) == 0


def _count(cli):
    with store_of(cli).session() as s:
        return s.query(FaultTicket).count()


@pytest.mark.parametrize(("args", "message"), [
    (["--responded-at", "2026-12-06T08:59"], "--responded-at 2026-12-06T00:59:00+00:00 is "
                                             "before --reported-at"),
    (["--onsite-at", "2026-12-06T09:30", "--restored-at", "2026-12-06T09:10"],
     "--restored-at 2026-12-06T01:10:00+00:00 is before --onsite-at"),
    (["--part", "disk;SN1"], "--part 'disk;SN1': expected PART;SERIAL_OUT;SERIAL_IN"),
    (["--part", "disk;;SN2"], "all three given"),
    ([], "nothing to update"),
])
def test_update_refuses_bad_input_and_writes_nothing(cli, site, args, message):
    open_ticket(cli, site)
    line = cli.fails("fault", "update", "F-2026-0001", "-i", site, *args)
    assert message in line
    with store_of(cli).session() as s:
        assert s.query(FaultEvent).count() == 1
        assert s.query(FaultTicket).one().responded_at is None


def test_unknown_ticket_and_close_needs_its_times(cli, site):
    assert "F-2026-0009: no such ticket" in cli.fails("fault", "show", "F-2026-0009")
    open_ticket(cli, site)
    line = cli.fails("fault", "close", "F-2026-0001", "-i", site, "--cause", "c",
                     "--resolution", "r")
    assert "cannot close without --responded-at" in line
    line = cli.fails("fault", "close", "F-2026-0001", "-i", site, "--cause", " ",
                     "--resolution", "r", "--responded-at", "2026-12-06T09:10",
                     "--restored-at", "2026-12-06T10:00")
    assert "--cause: must not be empty" in line


def test_no_inventory_is_one_line(cli, tmp_path):
    line = cli.fails("fault", "open", "--site", "nowhere", "-i", tmp_path / "none",
                     "--host", "h", "--priority", "P1", "--summary", "s")
    assert "site nowhere: no inventory" in line


def test_list_open_and_json(cli, site):
    open_ticket(cli, site)
    open_ticket(cli, site)
    cli.ok("fault", "close", "F-2026-0002", "-i", site, "--responded-at", "2026-12-06T09:10",
           "--restored-at", "2026-12-06T10:00", "--cause", "c", "--resolution", "r")
    rows = json.loads(cli.ok("fault", "list", "--site", "lab", "-i", site, "--open", "--json"))
    assert [r["id"] for r in rows] == ["F-2026-0001"]
    text = cli.ok("fault", "list", "--site", "lab", "-i", site, lang="zh-CN")
    assert "F-2026-0002" in text and "未达标" in text


def test_sla_period_command(cli, site):
    open_ticket(cli, site)
    cli.ok("fault", "close", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:10",
           "--onsite-at", "2026-12-06T09:45", "--restored-at", "2026-12-06T10:30",
           "--cause", "c", "--resolution", "r")
    data = json.loads(cli.ok("fault", "sla", "--site", "lab", "-i", site, "--period",
                             "2026-12", "--json"))
    assert data["tickets"] == 1
    assert data["clocks"]["restore"] == {"met": 1, "missed": 0, "running": 0,
                                         "not_applicable": 0, "percent_met": 100.0}
    assert data["start"] == "2026-12-01T00:00:00+08:00"
    empty = json.loads(cli.ok("fault", "sla", "--site", "lab", "-i", site, "--period",
                              "2026-11", "--json"))
    assert empty["tickets"] == 0 and empty["clocks"]["response"]["percent_met"] is None
    assert "--period '2026-Q5'" in cli.fails("fault", "sla", "--site", "lab", "-i", site,
                                             "--period", "2026-Q5")
    text = cli.ok("fault", "sla", "--site", "lab", "-i", site, "--period", "2026",
                  lang="zh-CN")
    assert "恢复：达标 1" in text


def test_report_queries(store_url):
    store = Store(store_url)
    now = dt.datetime(2026, 12, 6, 4, 0, tzinfo=dt.UTC)
    service = FaultService(store, lambda: now, "tester")
    first = service.open("lab", "db01", "P2", "fan", reported_at=now - dt.timedelta(days=10))
    service.update(first.ticket_id, parts=[Part("fan", "F1", "F2")])
    service.open("lab", "db01", "P3", "psu", reported_at=now - dt.timedelta(hours=1))
    service.open("elsewhere", "x", "P1", "other", reported_at=now - dt.timedelta(hours=1))
    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    end = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert [t.summary for t in faults_in_period(store, "lab", start, end)] == ["psu"]
    summary = sla_summary(store, "lab", start, end, default_policy("Asia/Shanghai"), now)
    assert summary.tickets == 1 and summary.by_priority["P3"] == 1
    assert summary.clocks["response"]["missed"] == 1  # 1 h without a response
    assert summary.clocks["restore"]["running"] == 1
    parts = parts_replaced(store, "lab", start, end)
    assert [(p["ticket"], p["serial_in"]) for p in parts] == [(first.ticket_id, "F2")]


def test_site_sla_from_the_inventory(cli, tmp_path, keys):
    site = make_site(tmp_path / "s", keys, sla={"P1": {"restore": "4h"}})
    open_ticket(cli, site)
    cli.ok("fault", "close", "F-2026-0001", "-i", site, "--responded-at", "2026-12-06T09:10",
           "--restored-at", "2026-12-06T12:00", "--cause", "c", "--resolution", "r")
    data = json.loads(cli.ok("fault", "show", "F-2026-0001", "-i", site, "--json"))
    assert data["sla"]["restore"]["status"] == "met"  # 3 h: missed on the contract's 2 h
    assert data["sla"]["restore"]["target_minutes"] == 240
    bad = make_site(tmp_path / "b", keys, name="bad", sla={"P1": {"restore": "soon"}})
    line = cli.fails("fault", "sla", "--site", "bad", "-i", bad, "--period", "2026-12")
    assert "weibao_site.sla.P1.restore: 'soon' is not a duration" in line
