"""SLA clocks as pure functions with an injected ``now``: the contract's targets per
priority, site overrides (validated), met / missed / running / not applicable, 7x24 across
midnight, business hours across a weekend and China's National Day 2026 (with the 调休
Saturday worked), and the period summary."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from weibao.errors import ConfigError
from weibao.services import sla

CST = dt.timezone(dt.timedelta(hours=8))
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def ticket(priority="P1", reported=None, status="open", **times):
    base = {"responded_at": None, "onsite_at": None, "restored_at": None}
    return SimpleNamespace(priority=priority, status=status,
                           reported_at=reported or dt.datetime(2026, 12, 6, 23, 30, tzinfo=CST),
                           **{**base, **times})


def test_contract_defaults():
    policy = sla.default_policy()
    assert {p: (lv.response, lv.onsite, lv.restore) for p, lv in policy.levels.items()} == {
        "P1": (30 * M, 1 * H, 2 * H),   # 30 分钟内响应; 紧急 1 小时到场; 2 h
        "P2": (30 * M, 2 * H, 4 * H),
        "P3": (30 * M, 2 * H, 8 * H),   # 12 h by level, but 8 h for every fault: 8 h
        "P4": (30 * M, None, None),     # not a fault
    }
    assert all(lv.calendar == "7x24" for lv in policy.levels.values())


def test_7x24_clock_across_midnight():
    policy = sla.default_policy("Asia/Shanghai")
    t = ticket("P1")  # reported 23:30
    result = sla.ticket_compliance(t, policy, dt.datetime(2026, 12, 7, 0, 10, tzinfo=CST))
    assert result["response"].status == "missed"  # 40 min past 23:30, no response
    assert result["onsite"].status == "running"
    assert result["onsite"].left == 20 * M
    assert result["onsite"].due == dt.datetime(2026, 12, 7, 0, 30, tzinfo=CST)
    t.responded_at = dt.datetime(2026, 12, 7, 0, 0, tzinfo=CST)
    t.onsite_at = dt.datetime(2026, 12, 7, 0, 30, tzinfo=CST)  # exactly at the deadline
    t.restored_at = dt.datetime(2026, 12, 7, 1, 30, tzinfo=CST)  # 2 h exactly
    result = sla.ticket_compliance(t, policy, dt.datetime(2026, 12, 8, tzinfo=CST))
    assert [result[c].status for c in sla.CLOCKS] == ["met", "met", "met"]
    t.restored_at = dt.datetime(2026, 12, 7, 1, 30, 1, tzinfo=CST)
    assert sla.ticket_compliance(t, policy, t.restored_at)["restore"].status == "missed"


def test_not_applicable():
    policy = sla.default_policy()
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=CST)
    p4 = sla.ticket_compliance(ticket("P4"), policy, now)
    assert (p4["onsite"].status, p4["restore"].status) == ("not_applicable", "not_applicable")
    remote = ticket("P2", status="closed", responded_at=dt.datetime(2026, 12, 6, 23, 40,
                                                                     tzinfo=CST),
                    restored_at=dt.datetime(2026, 12, 7, 1, 0, tzinfo=CST))
    assert sla.ticket_compliance(remote, policy, now)["onsite"].status == "not_applicable"


BUSINESS = {"P3": {"calendar": "business"}, "P4": {"calendar": "business", "response": "2h"}}


def business_policy(**extra):
    return sla.policy_from_site({**BUSINESS, **extra}, "Asia/Shanghai", "hosts.yml")


def test_business_hours_across_the_night_and_a_weekend():
    policy = business_policy()
    friday_evening = dt.datetime(2026, 12, 4, 17, 45, tzinfo=CST)  # Friday
    # 15 minutes on Friday, then Monday 09:00 + 15 minutes
    assert sla.deadline(friday_evening, 30 * M, "business", policy) == dt.datetime(
        2026, 12, 7, 9, 15, tzinfo=CST)
    monday = dt.datetime(2026, 12, 7, 9, 10, tzinfo=CST)
    t = ticket("P3", reported=friday_evening)
    result = sla.ticket_compliance(t, policy, monday)
    assert result["response"].status == "running"
    assert result["response"].taken == 25 * M and result["response"].left == 5 * M
    # the P1 clocks of the same site still run 7x24
    assert sla.ticket_compliance(ticket("P1", reported=friday_evening), policy,
                                 monday)["response"].status == "missed"
    # a reported time in the night counts from the morning
    night = dt.datetime(2026, 12, 8, 2, 0, tzinfo=CST)
    assert sla.elapsed(night, dt.datetime(2026, 12, 8, 9, 30, tzinfo=CST), "business",
                       policy) == 30 * M


def test_business_hours_across_national_day_2026():
    policy = business_policy()
    before = dt.datetime(2026, 9, 30, 17, 0, tzinfo=CST)  # the last workday before the holiday
    # 1 h on 30 Sep, then 1-7 Oct are off (holidays and their substitutes, 4 Oct a Sunday),
    # 8 Oct (Thursday) is a workday again
    assert sla.deadline(before, 2 * H, "business", policy) == dt.datetime(
        2026, 10, 8, 10, 0, tzinfo=CST)
    t = ticket("P3", reported=before)
    during = dt.datetime(2026, 10, 5, 12, 0, tzinfo=CST)
    assert sla.ticket_compliance(t, policy, during)["response"].status == "missed"  # 30 min
    assert sla.ticket_compliance(t, policy, during)["onsite"].left == 1 * H  # 1 h of 2 h used
    t.restored_at = dt.datetime(2026, 10, 8, 15, 0, tzinfo=CST)
    assert sla.elapsed(before, t.restored_at, "business", policy) == 7 * H  # 1 + 6
    assert sla.ticket_compliance(t, policy, during)["restore"].status == "met"  # of 8 h
    # Saturday 10 Oct is a workday (调休), Sunday 11 Oct is not
    saturday = dt.datetime(2026, 10, 10, 9, 0, tzinfo=CST)
    assert sla.elapsed(saturday, saturday + 30 * H, "business", policy) == 9 * H


def test_business_hours_of_the_site():
    policy = business_policy(business_hours="08:30-17:30")
    start = dt.datetime(2026, 12, 7, 17, 0, tzinfo=CST)
    assert sla.deadline(start, 60 * M, "business", policy) == dt.datetime(
        2026, 12, 8, 9, 0, tzinfo=CST)
    assert policy.level("P4").response == 2 * H


@pytest.mark.parametrize(("raw", "message"), [
    ([1], "weibao_site.sla: expected a mapping"),
    ({"P5": {}}, "weibao_site.sla.P5: unknown key"),
    ({"P1": {"respond": "10m"}}, "weibao_site.sla.P1.respond: unknown clock"),
    ({"P1": {"response": "ten"}}, "weibao_site.sla.P1.response: 'ten' is not a duration"),
    ({"P1": {"response": 0}}, "weibao_site.sla.P1.response: 0 is not a duration"),
    ({"P2": {"calendar": "weekdays"}}, "weibao_site.sla.P2.calendar: 'weekdays' is not one"),
    ({"business_hours": "18:00-09:00"}, "weibao_site.sla.business_hours: '18:00-09:00'"),
    ({"P3": "8h"}, "weibao_site.sla.P3: expected a mapping"),
])
def test_site_overrides_are_validated(raw, message):
    with pytest.raises(ConfigError) as info:
        sla.policy_from_site(raw, "UTC", "inventories/x/hosts.yml")
    assert str(info.value).startswith("inventory inventories/x/hosts.yml: ")
    assert message in str(info.value)


@pytest.mark.parametrize(("text", "minutes"), [
    ("30m", 30), ("2h", 120), ("1h30m", 90), (45, 45), ("12H", 720), ("n/a", None),
    (None, None)])
def test_durations(text, minutes):
    value = sla.parse_duration(text)
    assert (None if value is None else value // M) == minutes


def test_site_override_and_period_summary():
    policy = sla.policy_from_site({"P1": {"restore": "4h", "onsite": "n/a"}}, "Asia/Shanghai",
                                  "hosts.yml")
    now = dt.datetime(2026, 12, 31, tzinfo=CST)
    r = dt.datetime(2026, 12, 6, 9, 0, tzinfo=CST)
    tickets = [
        ticket("P1", r, "closed", responded_at=r + 10 * M, restored_at=r + 3 * H),  # 4 h now
        ticket("P1", r, "closed", responded_at=r + 40 * M, restored_at=r + 5 * H),
        ticket("P2", r, "open", responded_at=r + 5 * M),
        ticket("P4", r, "open"),
    ]
    summary = sla.period_summary(tickets, policy, now)
    assert summary.tickets == 4
    assert summary.by_priority == {"P1": 2, "P2": 1, "P3": 0, "P4": 1}
    assert summary.clocks["response"] == {"met": 2, "missed": 2, "running": 0,
                                          "not_applicable": 0}
    assert summary.percent_met("response") == 50.0
    assert summary.clocks["onsite"]["not_applicable"] == 3  # P1 set n/a, P4
    assert summary.percent_met("restore") == pytest.approx(33.3)


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2026-12", (2026, 12, 1), (2027, 1, 1)),
    ("2026-Q4", (2026, 10, 1), (2027, 1, 1)),
    ("2026-Q1", (2026, 1, 1), (2026, 4, 1)),
    ("2026", (2026, 1, 1), (2027, 1, 1)),
])
def test_period_bounds(period, start, end):
    low, high = sla.period_bounds(period, "Asia/Shanghai")
    assert low == dt.datetime(*start, tzinfo=CST) and high == dt.datetime(*end, tzinfo=CST)


@pytest.mark.parametrize("period", ["2026-13", "2026-Q0", "26", "2026-1", ""])
def test_bad_periods(period):
    with pytest.raises(ConfigError, match="expected YYYY-MM, YYYY-QN or YYYY"):
        sla.period_bounds(period, "UTC")
