"""Reminders before China's long holidays (长假): the Spring Festival, Labour Day and National
Day. The contract promises that before each the provider reminds the client to check and back
up the systems (在长假前 … 提醒客户及时检查、备份系统) and sends the holiday duty roster
(节假日值班表).

The days off come from the ``holidays`` package's China calendar: public holidays, the weekend
days next to them, and the weekend days worked in their place (调休) from the State Council's
yearly notice. A long holiday is the run of consecutive days off around one of the three
festivals, three days or more. A year the package has no notice for yet is its projection:
update the package when the notice is published (each November for the next year).

The roster is the site's ``weibao_site.holiday_duty``::

    holiday_duty:
      - {person: li.wei, phone: "138 0000 0001", from: 2027-02-05, to: 2027-02-07}
      - {person: wang.fang, phone: "138 0000 0002", from: 2027-02-08, to: 2027-02-10}

``person`` is an id of the site's people.yml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from weibao.errors import N_, ConfigError

FESTIVALS = {  # the holidays package's English names -> our key
    "Chinese New Year": "spring_festival", "Spring Festival": "spring_festival",
    "Labor Day": "labour_day", "Labour Day": "labour_day", "National Day": "national_day",
}
TITLES = {"spring_festival": N_("Spring Festival"), "labour_day": N_("Labour Day"),
          "national_day": N_("National Day")}
MIN_DAYS = 3
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{4,24}$")
DUTY_FIELDS = ("person", "phone", "from", "to")


@dataclass(frozen=True)
class LongHoliday:
    key: str  # spring_festival | labour_day | national_day
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def year(self) -> int:
        return self.last.year if self.key == "spring_festival" else self.first.year


@dataclass(frozen=True)
class Duty:
    person: str
    name: str
    phone: str
    first: dt.date
    last: dt.date


def _calendar(years: range) -> Any:
    import holidays

    return holidays.China(years=years, language="en_US")


def long_holidays(year: int) -> list[LongHoliday]:
    """The long holidays around the festivals of ``year`` (and any run reaching into it)."""
    cn = _calendar(range(year - 1, year + 2))
    found: dict[tuple[dt.date, dt.date], str] = {}
    for day, name in sorted(cn.items()):
        if day.year != year:
            continue
        key = next((k for word, k in FESTIVALS.items() if word in name), None)
        if key is None:
            continue
        first = last = day
        while not cn.is_working_day(first - dt.timedelta(days=1)):
            first -= dt.timedelta(days=1)
        while not cn.is_working_day(last + dt.timedelta(days=1)):
            last += dt.timedelta(days=1)
        if (last - first).days + 1 >= MIN_DAYS:
            found.setdefault((first, last), key)
    return [LongHoliday(key, first, last) for (first, last), key in sorted(found.items())]


def upcoming(today: dt.date, days: int) -> tuple[LongHoliday | None, LongHoliday | None]:
    """(the long holiday starting within ``days`` days of ``today``, today included, or None;
    the next one after today in any case, or None)."""
    ahead = [h for year in (today.year, today.year + 1) for h in long_holidays(year)
             if h.first >= today]
    ahead.sort(key=lambda h: h.first)
    nxt = ahead[0] if ahead else None
    due = nxt if nxt is not None and (nxt.first - today).days <= days else None
    return due, nxt


def _date(source: str, field: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(N_("inventory %(file)s: %(field)s: expected a date YYYY-MM-DD, got "
                             "%(value)r"), file=source, field=field, value=value) from None


def duty_roster(raw: Any, source: str, people: Any) -> list[Duty]:
    """``weibao_site.holiday_duty`` checked: a list of {person, phone, from, to}, each person
    in the site's people.yml (``people``: weibao.change.people.People or None)."""
    if raw in (None, ""):
        return []
    where = "weibao_site.holiday_duty"
    if not isinstance(raw, list):
        raise ConfigError(N_("inventory %(file)s: %(field)s: expected a list of {person, "
                             "phone, from, to}"), file=source, field=where)
    roster = []
    for index, item in enumerate(raw):
        field = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(N_("inventory %(file)s: %(field)s: expected a mapping with "
                                 "person, phone, from, to"), file=source, field=field)
        for key in item:
            if key not in DUTY_FIELDS:
                raise ConfigError(N_("inventory %(file)s: %(field)s: unknown field %(key)r "
                                     "(expected person, phone, from, to)"),
                                  file=source, field=field, key=str(key))
        for key in DUTY_FIELDS:
            if item.get(key) in (None, ""):
                raise ConfigError(N_("inventory %(file)s: %(field)s.%(key)s: missing"),
                                  file=source, field=field, key=key)
        person = str(item["person"])
        if people is None:
            raise ConfigError(N_("inventory %(file)s: %(field)s.person: %(id)r cannot be "
                                 "checked: the site has no people.yml"),
                              file=source, field=field, id=person)
        found = people.get(person)
        if found is None:
            raise ConfigError(N_("inventory %(file)s: %(field)s.person: %(id)r is not in "
                                 "%(people)s"), file=source, field=field, id=person,
                              people=str(people.path))
        phone = str(item["phone"]).strip()
        if not PHONE_RE.match(phone):
            raise ConfigError(N_("inventory %(file)s: %(field)s.phone: %(value)r is not a "
                                 "phone number (digits, spaces, '-', a leading '+')"),
                              file=source, field=field, value=phone)
        first = _date(source, f"{field}.from", item["from"])
        last = _date(source, f"{field}.to", item["to"])
        if last < first:
            raise ConfigError(N_("inventory %(file)s: %(field)s: to %(to)s is before from "
                                 "%(from)s"), file=source, field=field, to=last.isoformat(),
                              **{"from": first.isoformat()})
        roster.append(Duty(person, found.name, phone, first, last))
    return roster


def on_duty(roster: list[Duty], holiday: LongHoliday) -> tuple[list[Duty], list[dt.date]]:
    """(the roster's entries overlapping the holiday, the holiday's days nobody is on duty)."""
    entries = sorted((d for d in roster if d.first <= holiday.last and d.last >= holiday.first),
                     key=lambda d: (d.first, d.person))
    days = [holiday.first + dt.timedelta(days=n) for n in range(holiday.days)]
    uncovered = [day for day in days if not any(d.first <= day <= d.last for d in entries)]
    return entries, uncovered
