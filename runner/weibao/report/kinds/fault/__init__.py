"""The hardware fault and parts replacement report (硬件处理和备件更换报告): one per fault ticket
(``weibao report fault F-2026-0001``).

The contract asks for it after each hardware fault: the fault, the part replaced, the outcome
(shared/contract.md). The report shows the ticket (device, component, priority), its timeline
(reported, responded, on site, restored, in the site's time zone) against each SLA clock
(met or missed, and by how much), the cause and resolution, the parts replaced (part, serial
out, serial in), the ticket's history, what is left open, the on-site service records filed
for it, and signature boxes for both sides on paper.

Context (JSON-able; the JSON output is this dict)::

    kind, file_stem ("fault-<site>-<id>"), generated_at (ISO UTC)
    site        {name, client, provider, contract, timezone, ...}
    ticket      {id, site, host, component, priority, summary, status (open | closed),
                 reported_at, responded_at, onsite_at, restored_at, closed_at (ISO UTC or
                 None), cause, resolution, parts [{part, serial_out, serial_in, at}],
                 notes [{at, text}], opened_by}
    sla         {policy (weibao.services.sla.SlaPolicy.as_dict()), calendar,
                 clocks [{clock (response | onsite | restore), status (met | missed |
                 running | not_applicable), target_minutes, taken_minutes, left_minutes,
                 due, stopped_at, difference_minutes (met: time to spare; missed: how
                 late; None otherwise)}]}
    history     [{seq, kind (open | update | close), time, user, detail}]
    service_records [{id, arrival, departure, engineers [{id, name, organisation}],
                 remaining_issues}]: the on-site service records filed for this fault
    remaining   {open_clocks [clock], status}: what is left (an open ticket, running clocks)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind, ReportRequest

CLOCK_ORDER = ("response", "onsite", "restore")
CLOCK_STOP = {"response": "responded_at", "onsite": "onsite_at", "restore": "restored_at"}
STATUSES = ("met", "missed", "running", "not_applicable")
# the history's fields, in the order the report lists them
HISTORY_FIELDS = ("host", "priority", "component", "summary", "reported_at", "responded_at",
                  "onsite_at", "restored_at", "note", "parts", "cause", "resolution")
TIME_FIELDS = ("reported_at", "responded_at", "onsite_at", "restored_at")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def build_context(store: Any, request: ReportRequest) -> dict[str, Any]:
    from sqlalchemy import select

    from weibao.report.kinds._site import load_site
    from weibao.services import sla
    from weibao.services.faults import FaultService
    from weibao.store import ServiceRecord

    ticket_id = (request.subject_id or "").strip()
    if not ticket_id:
        raise ReportError(N_("report fault: give the fault ticket id (F-YYYY-NNNN)"))
    service = FaultService(store)
    # NotFound ("fault F-…: no such ticket") or ConfigError (the id at two sites: give
    # --site): one line, as ``weibao fault show`` says it
    ticket = service.get(ticket_id, request.site)
    events = service.events(ticket)
    settings = load_site(ticket.site, request.inventory, store,
                         request.people)
    policy = settings.policy()
    now = request.now
    compliance = sla.ticket_compliance(ticket, policy, now)
    clocks = []
    for clock in CLOCK_ORDER:
        result = compliance[clock].as_dict()
        target, taken = result["target_minutes"], result["taken_minutes"]
        difference = None
        if result["status"] in ("met", "missed") and target is not None and taken is not None:
            difference = abs(target - taken)
        clocks.append({**result, "stopped_at": _iso(getattr(ticket, CLOCK_STOP[clock])),
                       "difference_minutes": difference})
    with store.session() as s:
        linked = list(s.scalars(select(ServiceRecord).where(
            ServiceRecord.site == ticket.site, ServiceRecord.fault_id == ticket.ticket_id)
            .order_by(ServiceRecord.arrival, ServiceRecord.id)))
    records = [{"id": r.record_id, "arrival": _iso(r.arrival), "departure": _iso(r.departure),
                "engineers": [settings.person(e) for e in r.engineers],
                "remaining_issues": (r.content or {}).get("remaining_issues", "")}
               for r in linked]
    history = [{"seq": i + 1, "kind": e.kind, "time": _iso(e.time), "user": e.user,
                "detail": dict(e.detail or {})} for i, e in enumerate(events)]
    return {
        "kind": "fault",
        "file_stem": f"fault-{ticket.site}-{ticket.ticket_id}",
        "generated_at": _iso(now),
        "site": settings.site,
        "ticket": {
            "id": ticket.ticket_id, "site": ticket.site, "host": ticket.host,
            "component": ticket.component, "priority": ticket.priority,
            "summary": ticket.summary, "status": ticket.status,
            **{f: _iso(getattr(ticket, f)) for f in (*TIME_FIELDS, "closed_at")},
            "cause": ticket.cause, "resolution": ticket.resolution,
            "parts": [dict(p) for p in ticket.parts], "notes": [dict(n) for n in ticket.notes],
            "opened_by": ticket.opened_by,
        },
        "sla": {"policy": policy.as_dict(),
                "calendar": policy.level(ticket.priority).calendar, "clocks": clocks},
        "history": history,
        "service_records": records,
        "remaining": {
            "status": ticket.status,
            "open_clocks": [c["clock"] for c in clocks if c["status"] == "running"
                            or (c["status"] == "missed" and c["stopped_at"] is None)],
        },
    }


def _history_items(detail: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One event's detail as rows {field, old, new, time (bool)} in HISTORY_FIELDS order."""
    items = []
    for field in HISTORY_FIELDS:
        if field not in detail:
            continue
        value = detail[field]
        if field == "parts":
            for part in value or []:
                items.append({"field": "part", "old": part.get("serial_out"),
                              "new": part.get("serial_in"), "part": part.get("part"),
                              "time": False})
            continue
        if isinstance(value, Mapping) and "new" in value:
            old, new = value.get("old"), value.get("new")
        else:
            old, new = None, value
        items.append({"field": field, "old": old or None, "new": new,
                      "time": field in TIME_FIELDS})
    return items


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    ticket = context["ticket"]
    clocks = list(context["sla"]["clocks"])
    for clock in clocks:
        if clock["status"] not in STATUSES:
            raise ReportError(N_("fault %(id)s: SLA clock %(clock)s: status %(status)r is not "
                                 "one of %(expected)s"), id=ticket["id"],
                              clock=clock["clock"], status=clock["status"],
                              expected=", ".join(STATUSES))
    timeline = [{"field": f, "at": ticket.get(f)} for f in TIME_FIELDS]
    history = [{**event, "items": _history_items(event["detail"])}
               for event in sorted(context["history"], key=lambda e: e["seq"])]
    missed = [c["clock"] for c in clocks if c["status"] == "missed"]
    return {
        "timeline": timeline,
        "clocks": clocks,
        "missed": missed,
        "all_met": bool(clocks) and all(c["status"] in ("met", "not_applicable")
                                        for c in clocks),
        "parts": sorted(ticket["parts"], key=lambda p: (p.get("at") or "", p["part"])),
        "notes": sorted(ticket["notes"], key=lambda n: n.get("at") or ""),
        "history": history,
        "service_records": list(context["service_records"]),
    }


def file_stem(context: Mapping[str, Any]) -> str:
    return context["file_stem"]


KIND = ReportKind(
    name="fault",
    title={"en": "Hardware Fault and Parts Replacement Report", "zh-CN": "硬件处理和备件更换报告"},
    subject="id",
    period=None,
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
