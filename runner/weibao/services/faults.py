"""Fault tickets (故障处理, 硬件处理和备件更换): open, update, close, and the queries the
reports read (faults in a period, SLA summary, parts replaced).

A ticket keeps its current state in ``fault_tickets``; every open, update and close is also
appended to ``fault_events`` with what it changed (and the value it replaced), never edited.
Times are stored in UTC; a time given without an offset is the site's local time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from weibao.errors import N_, ConfigError, NotFound
from weibao.services import sla
from weibao.store import FaultEvent, FaultTicket, Store

TICKET_ID_RE = re.compile(r"^F-(\d{4})-(\d{4})$")
FUTURE_SLACK = timedelta(minutes=5)  # a clock a few minutes ahead of the controller's
# the order a ticket's times must keep: each no earlier than the ones before it
TIME_ORDER = ("reported_at", "responded_at", "onsite_at", "restored_at")
TIME_OPTIONS = {"reported_at": "--reported-at", "responded_at": "--responded-at",
                "onsite_at": "--onsite-at", "restored_at": "--restored-at"}
MAX_TEXT = 4000


def parse_time(value: str, timezone: str, option: str) -> datetime:
    """An ISO-8601 time with an offset, or without one in the site's time zone; UTC-aware."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ConfigError(N_("%(option)s %(value)r: expected an ISO-8601 time such as "
                             "2026-12-06T14:30 or 2026-12-06T14:30+08:00"),
                          option=option, value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def local(moment: datetime | None, timezone: str) -> str:
    """A stored time as the site reads it (ISO, minutes, with its offset)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).isoformat(timespec="minutes")


@dataclass(frozen=True)
class Part:
    part: str
    serial_out: str
    serial_in: str

    @classmethod
    def parse(cls, text: str) -> Part:
        fields = [f.strip() for f in str(text).split(";")]
        if len(fields) != 3 or not all(fields):
            raise ConfigError(N_("--part %(value)r: expected PART;SERIAL_OUT;SERIAL_IN, all "
                                 "three given"), value=text)
        return cls(*fields)


class FaultService:
    """Fault tickets in the store. ``clock`` gives the current time (UTC-aware)."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None,
                 user: str = "") -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.user = user

    # ------------------------------------------------------------------------- writing

    def open(self, site: str, host: str, priority: str, summary: str, *,
             reported_at: datetime | None = None, component: str = "",
             timezone: str = "UTC") -> FaultTicket:
        """Open a ticket, numbered F-<year>-NNNN in the year of the report in ``timezone``
        (the site's)."""
        now = self.clock()
        if priority not in sla.PRIORITIES:
            raise ConfigError(N_("--priority %(value)r: expected one of P1, P2, P3, P4"),
                              value=priority)
        for option, text in (("--host", host), ("--summary", summary)):
            _text(option, text, required=True)
        _text("--component", component)
        reported = reported_at or now
        self._not_future("--reported-at", reported, now)
        year = reported.astimezone(ZoneInfo(timezone)).year
        with self.store.session() as s:
            ticket = FaultTicket(
                ticket_id=self._next_id(s, site, year), site=site, host=host.strip(),
                component=component.strip(), priority=priority, summary=summary.strip(),
                status="open", reported_at=reported, cause="", resolution="", parts=[],
                notes=[], opened_by=self.user)
            s.add(ticket)
            s.flush()
            s.add(FaultEvent(ticket=ticket.id, kind="open", time=now, user=self.user,
                             detail={"host": ticket.host, "priority": priority,
                                     "summary": ticket.summary, "component": ticket.component,
                                     "reported_at": reported.isoformat()}))
        return ticket

    def update(self, ticket_id: str, *, site: str | None = None,
               times: dict[str, datetime] | None = None, note: str = "",
               parts: Sequence[Part] = (), cause: str = "") -> FaultTicket:
        return self._change(ticket_id, site, "update", times or {}, note, parts, cause, "")

    def close(self, ticket_id: str, *, cause: str, resolution: str, site: str | None = None,
              times: dict[str, datetime] | None = None, note: str = "",
              parts: Sequence[Part] = ()) -> FaultTicket:
        _text("--cause", cause, required=True)
        _text("--resolution", resolution, required=True)
        return self._change(ticket_id, site, "close", times or {}, note, parts, cause,
                            resolution)

    def _change(self, ticket_id: str, site: str | None, kind: str,
                times: dict[str, datetime], note: str, parts: Sequence[Part], cause: str,
                resolution: str) -> FaultTicket:
        now = self.clock()
        _text("--note", note)
        _text("--cause", cause)
        with self.store.session() as s:
            ticket = self._find(s, ticket_id, site)
            if ticket.status == "closed":
                raise ConfigError(N_("fault %(id)s: closed on %(time)s; a closed ticket "
                                     "cannot be changed"),
                                  id=ticket.ticket_id, time=ticket.closed_at.isoformat())
            if kind == "update" and not (times or note or parts or cause):
                raise ConfigError(N_("fault %(id)s: nothing to update (give a time, --note, "
                                     "--part or --cause)"), id=ticket.ticket_id)
            merged = {f: getattr(ticket, f) for f in TIME_ORDER}
            for field, value in times.items():
                if field not in TIME_ORDER[1:]:
                    raise ConfigError(N_("fault %(id)s: %(field)s cannot be changed"),
                                      id=ticket.ticket_id, field=field)
                self._not_future(TIME_OPTIONS[field], value, now)
                merged[field] = value
            _check_order(ticket.ticket_id, merged)
            if kind == "close":
                for field in ("responded_at", "restored_at"):
                    if merged[field] is None:
                        raise ConfigError(N_("fault %(id)s: cannot close without %(option)s "
                                             "(give it with the close)"),
                                          id=ticket.ticket_id, option=TIME_OPTIONS[field])
            detail: dict[str, Any] = {}
            for field, value in times.items():
                old = getattr(ticket, field)
                detail[field] = {"old": old.isoformat() if old else None,
                                 "new": value.isoformat()}
                setattr(ticket, field, value)
            if note:
                ticket.notes = [*ticket.notes, {"at": now.isoformat(), "text": note.strip()}]
                detail["note"] = note.strip()
            if parts:
                added = [{"part": p.part, "serial_out": p.serial_out, "serial_in": p.serial_in,
                          "at": now.isoformat(timespec="seconds")} for p in parts]
                ticket.parts = [*ticket.parts, *added]
                detail["parts"] = added
            if cause and cause.strip() != ticket.cause:
                detail["cause"] = {"old": ticket.cause, "new": cause.strip()}
                ticket.cause = cause.strip()
            if kind == "close":
                ticket.resolution = resolution.strip()
                ticket.status = "closed"
                ticket.closed_at = now
                detail["resolution"] = ticket.resolution
            s.add(FaultEvent(ticket=ticket.id, kind=kind, time=now, user=self.user,
                             detail=detail))
        return ticket

    def _not_future(self, option: str, value: datetime, now: datetime) -> None:
        if value > now + FUTURE_SLACK:
            raise ConfigError(N_("%(option)s %(value)s: in the future"), option=option,
                              value=value.isoformat())

    @staticmethod
    def _next_id(session: Any, site: str, year: int) -> str:
        used = session.scalars(select(FaultTicket.ticket_id).where(
            FaultTicket.site == site, FaultTicket.ticket_id.like(f"F-{year}-%"))).all()
        numbers = [int(m[2]) for m in map(TICKET_ID_RE.match, used) if m]
        number = max(numbers, default=0) + 1
        if number > 9999:
            raise ConfigError(N_("site %(site)s: no fault id left for %(year)d"), site=site,
                              year=year)
        return f"F-{year}-{number:04d}"

    # ------------------------------------------------------------------------- reading

    @staticmethod
    def _find(session: Any, ticket_id: str, site: str | None) -> FaultTicket:
        query = select(FaultTicket).where(FaultTicket.ticket_id == ticket_id)
        if site:
            query = query.where(FaultTicket.site == site)
        found = session.scalars(query).all()
        if not found:
            raise NotFound(N_("fault %(id)s: no such ticket"), id=ticket_id)
        if len(found) > 1:
            raise ConfigError(N_("fault %(id)s: tickets of this id at sites %(sites)s: give "
                                 "--site"), id=ticket_id,
                              sites=", ".join(sorted(t.site for t in found)))
        return found[0]

    def get(self, ticket_id: str, site: str | None = None) -> FaultTicket:
        with self.store.session() as s:
            return self._find(s, ticket_id, site)

    def events(self, ticket: FaultTicket) -> list[FaultEvent]:
        with self.store.session() as s:
            return list(s.scalars(select(FaultEvent).where(FaultEvent.ticket == ticket.id)
                                  .order_by(FaultEvent.id)))

    def tickets(self, site: str | None = None, only_open: bool = False) -> list[FaultTicket]:
        with self.store.session() as s:
            query = select(FaultTicket).order_by(FaultTicket.site, FaultTicket.reported_at,
                                                 FaultTicket.id)
            if site:
                query = query.where(FaultTicket.site == site)
            if only_open:
                query = query.where(FaultTicket.status == "open")
            return list(s.scalars(query))


def _text(option: str, value: str, required: bool = False) -> None:
    if required and not (value or "").strip():
        raise ConfigError(N_("%(option)s: must not be empty"), option=option)
    if value and len(value) > MAX_TEXT:
        raise ConfigError(N_("%(option)s: longer than %(max)d characters"), option=option,
                          max=MAX_TEXT)


def _check_order(ticket_id: str, times: dict[str, datetime | None]) -> None:
    """Each of reported, responded, on site, restored no earlier than the ones before it."""
    seen: list[str] = []
    for field in TIME_ORDER:
        value = times[field]
        if value is None:
            continue
        for before in seen:
            if value < times[before]:
                raise ConfigError(N_("fault %(id)s: %(later)s %(value)s is before %(earlier)s "
                                     "%(other)s"), id=ticket_id,
                                  later=TIME_OPTIONS[field], value=value.isoformat(),
                                  earlier=TIME_OPTIONS[before],
                                  other=times[before].isoformat())
        seen.append(field)


def ticket_dict(ticket: FaultTicket, timezone: str, policy: sla.SlaPolicy | None = None,
                now: datetime | None = None) -> dict[str, Any]:
    """A ticket as the CLI's JSON and the reports show it (times in the site's zone)."""
    out = {
        "id": ticket.ticket_id, "site": ticket.site, "host": ticket.host,
        "component": ticket.component, "priority": ticket.priority,
        "summary": ticket.summary, "status": ticket.status,
        **{f: local(getattr(ticket, f), timezone) or None
           for f in (*TIME_ORDER, "closed_at")},
        "cause": ticket.cause, "resolution": ticket.resolution,
        "parts": list(ticket.parts), "notes": list(ticket.notes),
    }
    if policy is not None and now is not None:
        out["sla"] = {c: r.as_dict() for c, r in
                      sla.ticket_compliance(ticket, policy, now).items()}
    return out


# ----------------------------------------------------------------- queries for the reports


def faults_in_period(store: Store, site: str, start: datetime,
                     end: datetime) -> list[FaultTicket]:
    """The tickets of ``site`` reported in [start, end), oldest first."""
    with store.session() as s:
        return list(s.scalars(select(FaultTicket).where(
            FaultTicket.site == site, FaultTicket.reported_at >= start,
            FaultTicket.reported_at < end).order_by(FaultTicket.reported_at, FaultTicket.id)))


def sla_summary(store: Store, site: str, start: datetime, end: datetime,
                policy: sla.SlaPolicy, now: datetime) -> sla.PeriodSummary:
    """SLA compliance of the tickets reported in [start, end): counts and % met per clock."""
    return sla.period_summary(faults_in_period(store, site, start, end), policy, now)


def parts_replaced(store: Store, site: str, start: datetime,
                   end: datetime) -> list[dict[str, Any]]:
    """Every part replaced in [start, end) with its ticket and host (更换部件统计)."""
    rows = []
    with store.session() as s:
        for ticket in s.scalars(select(FaultTicket).where(FaultTicket.site == site)
                                .order_by(FaultTicket.reported_at, FaultTicket.id)):
            for part in ticket.parts:
                at = datetime.fromisoformat(part["at"])
                if start <= at < end:
                    rows.append({"ticket": ticket.ticket_id, "host": ticket.host,
                                 "component": ticket.component, **part})
    return rows
