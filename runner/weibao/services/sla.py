"""SLA clocks of fault tickets (服务标准): targets per priority, compliance per ticket and per
period. Pure functions: the current time is always passed in (``now``), never read here.

The contract's targets (shared/contract.md, 服务标准), and how weibao reads them:

=========  =============================================  ==========  =========  =========
clock      contract wording                                P1 (紧急)   P2         P3
=========  =============================================  ==========  =========  =========
response   7×24 电话支持, 30 分钟内响应                     30 min      30 min     30 min
on site    2 小时内到达现场, 紧急情况 1 小时                 1 h         2 h        2 h
restore    报修后 8 小时内恢复业务; 按级别 2 h / 4 h / 12 h   2 h         4 h        8 h
=========  =============================================  ==========  =========  =========

- P4 is "not a fault" (非故障): the 30-minute response applies (7×24 telephone support answers
  every call), on-site and restore do not (not applicable).
- Restore: the contract promises business restored within 8 hours of the report for every
  fault *and* quotes 2 h, 4 h, 12 h by level. Both promises hold at once, so each level's
  target is the smaller one: P1 2 h, P2 4 h, P3 8 h (not 12 h). A site whose contract reads
  otherwise sets its own (``weibao_site.sla``).
- The clocks run 7×24: the contract's support is 7×24 and it names no business hours. A site
  can make a level's clocks run in business hours (``calendar: business``): working days by
  the Chinese calendar (public holidays off, the weekend days worked in their place on,
  from the ``holidays`` package), ``09:00-18:00`` in the site's time zone unless
  ``business_hours`` says otherwise.

Site overrides, in the inventory's ``weibao_site``::

    sla:
      business_hours: "08:30-17:30"   # for clocks with calendar: business
      P3: {restore: 12h, calendar: business}
      P4: {response: 2h}

Durations are ``30m``, ``2h``, ``1h30m`` or a whole number of minutes; ``null`` or ``n/a``
makes the clock not applicable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from weibao.errors import N_, ConfigError
from weibao.services.problems import SiteFieldError

PRIORITIES = ("P1", "P2", "P3", "P4")
CLOCKS = ("response", "onsite", "restore")
CALENDARS = ("7x24", "business")
# the ticket field that stops each clock; every clock starts at reported_at
CLOCK_FIELDS = {"response": "responded_at", "onsite": "onsite_at", "restore": "restored_at"}
MET, MISSED, RUNNING, NOT_APPLICABLE = "met", "missed", "running", "not_applicable"
DEFAULT_BUSINESS_HOURS = (time(9, 0), time(18, 0))

_M = timedelta(minutes=1)
DEFAULT_TARGETS: dict[str, dict[str, timedelta | None]] = {
    "P1": {"response": 30 * _M, "onsite": 60 * _M, "restore": 120 * _M},
    "P2": {"response": 30 * _M, "onsite": 120 * _M, "restore": 240 * _M},
    "P3": {"response": 30 * _M, "onsite": 120 * _M, "restore": 480 * _M},
    "P4": {"response": 30 * _M, "onsite": None, "restore": None},
}

_DURATION_RE = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class LevelTargets:
    """The three clocks of one priority: a target each (None: not applicable)."""

    response: timedelta | None
    onsite: timedelta | None
    restore: timedelta | None
    calendar: str = "7x24"

    def target(self, clock: str) -> timedelta | None:
        return getattr(self, clock)


@dataclass(frozen=True)
class SlaPolicy:
    """Every priority's targets for one site, its time zone and business hours."""

    levels: Mapping[str, LevelTargets]
    timezone: str = "UTC"
    business_hours: tuple[time, time] = DEFAULT_BUSINESS_HOURS

    def level(self, priority: str) -> LevelTargets:
        return self.levels[priority]

    def as_dict(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "business_hours": "-".join(t.strftime("%H:%M") for t in self.business_hours),
            "levels": {p: {**{c: _minutes(lv.target(c)) for c in CLOCKS},
                           "calendar": lv.calendar} for p, lv in self.levels.items()},
        }


def _minutes(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds() // 60)


def default_policy(timezone: str = "UTC") -> SlaPolicy:
    return SlaPolicy({p: LevelTargets(**t) for p, t in DEFAULT_TARGETS.items()}, timezone)


def parse_duration(value: Any) -> timedelta | None:
    """``30m``, ``2h``, ``1h30m``, a whole number of minutes; None / ``n/a``: not applicable.
    ValueError on anything else."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("n/a", "na")):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(value)
        return timedelta(minutes=value)
    match = _DURATION_RE.match(str(value).strip().lower())
    if not match or not (match["h"] or match["m"]):
        raise ValueError(value)
    total = timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))
    if total <= timedelta(0):
        raise ValueError(value)
    return total


def policy_from_site(raw: Any, timezone: str, source: str) -> SlaPolicy:
    """The policy of a site: the contract's defaults with ``weibao_site.sla`` (``raw``)
    applied. ``source`` (the inventory file) names the file in the one-line errors."""
    policy = default_policy(timezone)
    if raw in (None, ""):
        return policy
    if not isinstance(raw, Mapping):
        raise _bad(source, "sla", N_("expected a mapping"))
    hours = policy.business_hours
    if "business_hours" in raw:
        hours = _business_hours(source, raw["business_hours"])
    default_calendar = _calendar(source, "sla.calendar", raw.get("calendar", "7x24"))
    levels = {}
    for key in raw:
        if key not in (*PRIORITIES, "business_hours", "calendar"):
            raise _bad(source, f"sla.{key}", N_("unknown key (expected P1-P4, calendar or "
                                                "business_hours)"))
    for priority in PRIORITIES:
        base = DEFAULT_TARGETS[priority]
        given = raw.get(priority) or {}
        if not isinstance(given, Mapping):
            raise _bad(source, f"sla.{priority}", N_("expected a mapping"))
        values: dict[str, Any] = dict(base)
        for key, value in given.items():
            path = f"sla.{priority}.{key}"
            if key == "calendar":
                continue
            if key not in CLOCKS:
                raise _bad(source, path, N_("unknown clock (expected response, onsite, "
                                            "restore or calendar)"))
            try:
                values[key] = parse_duration(value)
            except ValueError:
                raise _bad(source, path, N_("%(value)r is not a duration (30m, 2h, 1h30m, "
                                            "minutes, or n/a)"), value=value) from None
        calendar = _calendar(source, f"sla.{priority}.calendar",
                             given.get("calendar", default_calendar))
        levels[priority] = LevelTargets(calendar=calendar, **values)
    return SlaPolicy(levels, timezone, hours)


def _calendar(source: str, path: str, value: Any) -> str:
    if value not in CALENDARS:
        raise _bad(source, path, N_("%(value)r is not one of 7x24, business"), value=value)
    return str(value)


def _business_hours(source: str, value: Any) -> tuple[time, time]:
    match = _HOURS_RE.match(str(value).strip())
    try:
        if not match:
            raise ValueError(value)
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4]))
        if end <= start:
            raise ValueError(value)
    except ValueError:
        raise _bad(source, "sla.business_hours",
                   N_("%(value)r is not HH:MM-HH:MM with the end after the start"),
                   value=value) from None
    return start, end


def _bad(source: str, path: str, problem: str, **params: Any) -> SiteFieldError:
    return SiteFieldError(source, path, problem, **params)


# ------------------------------------------------------------------------------ calendars


class _Workdays:
    """Working days by the Chinese calendar (holidays off, 调休 weekend workdays on)."""

    def __init__(self) -> None:
        import holidays

        self._cn = holidays.China()

    def __call__(self, day: date) -> bool:
        return bool(self._cn.is_working_day(day))


_WORKDAYS: _Workdays | None = None


def _is_workday(day: date) -> bool:
    global _WORKDAYS
    if _WORKDAYS is None:
        _WORKDAYS = _Workdays()
    return _WORKDAYS(day)


def _windows(start: datetime, policy: SlaPolicy) -> Iterable[tuple[datetime, datetime]]:
    """The business-hour windows from the day of ``start`` on, in UTC-aware datetimes."""
    zone = ZoneInfo(policy.timezone)
    day = start.astimezone(zone).date()
    opens, closes = policy.business_hours
    for _ in range(3660):  # ten years of days: a clock never runs longer than that
        if _is_workday(day):
            yield (datetime.combine(day, opens, zone), datetime.combine(day, closes, zone))
        day += timedelta(days=1)


def elapsed(start: datetime, end: datetime, calendar: str, policy: SlaPolicy) -> timedelta:
    """How much of a clock ran between ``start`` and ``end``: all of it on 7x24, only the
    business hours of working days on ``business``."""
    if end <= start:
        return timedelta(0)
    if calendar == "7x24":
        return end - start
    total = timedelta(0)
    for opens, closes in _windows(start, policy):
        if opens >= end:
            break
        low, high = max(opens, start), min(closes, end)
        if high > low:
            total += high - low
    return total


def deadline(start: datetime, target: timedelta, calendar: str, policy: SlaPolicy) -> datetime:
    """When a clock started at ``start`` reaches ``target``."""
    if calendar == "7x24":
        return start + target
    left = target
    for opens, closes in _windows(start, policy):
        low = max(opens, start)
        if closes <= low:
            continue
        if low + left <= closes:
            return (low + left).astimezone(start.tzinfo)
        left -= closes - low
    raise ValueError("no deadline within ten years")


# ------------------------------------------------------------------------------ compliance


@dataclass(frozen=True)
class ClockResult:
    clock: str
    status: str  # met | missed | running | not_applicable
    target: timedelta | None = None
    taken: timedelta | None = None  # clock time used (to the stop, or to now when running)
    left: timedelta | None = None  # running only
    due: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"clock": self.clock, "status": self.status,
                "target_minutes": _minutes(self.target),
                "taken_minutes": _minutes(self.taken), "left_minutes": _minutes(self.left),
                "due": self.due.isoformat() if self.due else None}


def ticket_compliance(ticket: Any, policy: SlaPolicy, now: datetime) -> dict[str, ClockResult]:
    """Each clock of one ticket (anything with priority, status, reported_at and the stop
    times): met, missed, running with the time left, or not applicable.

    A clock without a stop time on a closed ticket did not apply (an on-site visit a remote
    fix never needed) except response and restore, which every closed ticket has; on an open
    ticket it runs until its deadline, then it is missed.
    """
    level = policy.level(ticket.priority)
    results = {}
    for clock in CLOCKS:
        target = level.target(clock)
        stop = getattr(ticket, CLOCK_FIELDS[clock])
        if target is None:
            results[clock] = ClockResult(clock, NOT_APPLICABLE)
            continue
        due = deadline(ticket.reported_at, target, level.calendar, policy)
        if stop is not None:
            taken = elapsed(ticket.reported_at, stop, level.calendar, policy)
            results[clock] = ClockResult(clock, MET if taken <= target else MISSED, target,
                                         taken, due=due)
        elif ticket.status == "closed":
            results[clock] = ClockResult(clock, NOT_APPLICABLE, target)
        else:
            taken = elapsed(ticket.reported_at, now, level.calendar, policy)
            if taken > target:
                results[clock] = ClockResult(clock, MISSED, target, taken, due=due)
            else:
                results[clock] = ClockResult(clock, RUNNING, target, taken, target - taken, due)
    return results


@dataclass
class PeriodSummary:
    tickets: int = 0
    by_priority: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRIORITIES, 0))
    clocks: dict[str, dict[str, int]] = field(default_factory=lambda: {
        c: dict.fromkeys((MET, MISSED, RUNNING, NOT_APPLICABLE), 0) for c in CLOCKS})

    def percent_met(self, clock: str) -> float | None:
        """Met out of met + missed (running and not applicable not counted); None when no
        clock of this kind ended."""
        counts = self.clocks[clock]
        judged = counts[MET] + counts[MISSED]
        return round(100.0 * counts[MET] / judged, 1) if judged else None

    def as_dict(self) -> dict[str, Any]:
        return {"tickets": self.tickets, "by_priority": dict(self.by_priority),
                "clocks": {c: {**self.clocks[c], "percent_met": self.percent_met(c)}
                           for c in CLOCKS}}


def period_summary(tickets: Iterable[Any], policy: SlaPolicy, now: datetime) -> PeriodSummary:
    """Counts per clock and the share met, over the tickets given (those of the period)."""
    summary = PeriodSummary()
    for ticket in tickets:
        summary.tickets += 1
        summary.by_priority[ticket.priority] += 1
        for clock, result in ticket_compliance(ticket, policy, now).items():
            summary.clocks[clock][result.status] += 1
    return summary


_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


def period_bounds(period: str, timezone: str) -> tuple[datetime, datetime]:
    """``YYYY-MM``, ``YYYY-QN`` or ``YYYY`` as [start, end) in the site's time zone."""
    match = _PERIOD_RE.match(period or "")
    if not match:
        raise ConfigError(N_("--period %(value)r: expected YYYY-MM, YYYY-QN or YYYY"),
                          value=period)
    year = int(match[1])
    if match[2]:
        first, months = int(match[2]), 1
    elif match[3]:
        first, months = 3 * int(match[3]) - 2, 3
    else:
        first, months = 1, 12
    zone = ZoneInfo(timezone)
    start = datetime(year, first, 1, tzinfo=zone)
    month = first + months
    end = datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=zone)
    return start, end
