"""The service year (服务年度) of a site and the annual summary's reminder.

The contract asks for the annual service summary 15 days before the service year ends. A site's
service year starts on ``service_year_start: MM-DD`` of its ``weibao_site`` (default ``01-01``,
the calendar year); service year YYYY runs from that day of YYYY (00:00 in the site's time
zone) to the same day of YYYY+1. ``weibao report annual --remind`` says so when the year ends
within :data:`REMIND_DAYS` days: the days left are counted from today (the site's zone) to the
first day of the next service year, so on 17 December of a calendar service year 15 days are
left and the reminder is printed, on 16 December (16 days) it is not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from weibao.errors import N_
from weibao.services.problems import SiteFieldError

REMIND_DAYS = 15
DEFAULT_START = "01-01"
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")


def parse_start(raw: Mapping[str, Any], source: str) -> tuple[int, int]:
    """(month, day) of ``weibao_site.service_year_start``; SiteFieldError (one line) when it is
    not MM-DD of a day every year has (29 February is refused)."""
    value = raw.get("service_year_start", DEFAULT_START)
    if value is None:
        value = DEFAULT_START
    match = _MMDD.match(value) if isinstance(value, str) else None
    try:
        if not match:
            raise ValueError(value)
        month, day = int(match[1]), int(match[2])
        dt.date(2025, month, day)  # not a leap year: a day every year has
    except ValueError:
        raise SiteFieldError(source or "inventory", "service_year_start",
                             N_("%(value)r is not MM-DD (a day every year has, e.g. 01-01 or "
                                "04-01)"), value=value) from None
    return month, day


def year_bounds(year: int, start: tuple[int, int], timezone: str
                ) -> tuple[dt.datetime, dt.datetime]:
    """Service year ``year`` as [start, end), aware in the site's zone."""
    zone = ZoneInfo(timezone)
    month, day = start
    return (dt.datetime(year, month, day, tzinfo=zone),
            dt.datetime(year + 1, month, day, tzinfo=zone))


def current_year(start: tuple[int, int], today: dt.date) -> int:
    """The service year ``today`` is in (named by the year it started)."""
    return today.year if (today.month, today.day) >= start else today.year - 1


@dataclass(frozen=True)
class Reminder:
    site: str
    year: int  # the service year that ends
    first_day: str  # YYYY-MM-DD
    last_day: str  # its last day
    days_left: int  # from today to the first day of the next service year
    due: bool

    def as_dict(self) -> dict[str, Any]:
        return {"site": self.site, "year": self.year, "first_day": self.first_day,
                "last_day": self.last_day, "days_left": self.days_left, "due": self.due}


def reminder(site: str, raw: Mapping[str, Any], source: str, timezone: str,
             now: dt.datetime) -> Reminder:
    """Whether the annual summary is due: the service year of ``now`` ends within
    :data:`REMIND_DAYS` days."""
    start = parse_start(raw, source)
    today = now.astimezone(ZoneInfo(timezone)).date()
    year = current_year(start, today)
    first, end = year_bounds(year, start, timezone)
    days_left = (end.date() - today).days
    return Reminder(site, year, first.date().isoformat(),
                    (end.date() - dt.timedelta(days=1)).isoformat(), days_left,
                    days_left <= REMIND_DAYS)


# The reminder's words (domain weibao: the command line's catalog).
DUE = N_("Annual service summary due: the service year %(first)s to %(last)s of site "
         "%(site)s ends in %(days)d day(s). Make it with: weibao report annual --site %(site)s "
         "--period %(year)d")
NOT_DUE = N_("No annual summary due: the service year %(first)s to %(last)s of site %(site)s "
             "ends in %(days)d days (the reminder starts %(remind)d days before).")


def message(r: Reminder) -> tuple[str, dict[str, Any]]:
    """(msgid, parameters) of what ``--remind`` prints."""
    params = {"first": r.first_day, "last": r.last_day, "site": r.site, "days": r.days_left,
              "year": r.year, "remind": REMIND_DAYS}
    return (DUE if r.due else NOT_DUE), params
