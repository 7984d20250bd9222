"""Where and when a change may run: the request's targets (hosts of the request's site,
as signed), the notice given (the site's lead time, emergencies excepted) and the window.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from weibao.change.refusal import Refusal
from weibao.change.rules.bound import check_site_unchanged, check_targets_unchanged
from weibao.change.rules.context import Context, Skipped, load_targets, stamp
from weibao.change.site import site_binding
from weibao.errors import N_


def gate_targets(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    inventory, site = load_targets(ctx)
    if site.name != request.site:
        raise Refusal("targets", N_("%(file)s: site is %(site)s, but the inventory "
                                    "%(inventory)s describes site %(known)s"),
                      file=str(request.path), site=request.site, inventory=str(inventory.path),
                      known=site.name)
    # the hosts and the site's rules are those the sign-offs were made under
    check_targets_unchanged(ctx)
    check_site_unchanged(ctx)
    ctx.inventory, ctx.site = inventory, site
    return {"inventory": str(inventory.path), "limit": request.targets.limit,
            "hosts": list(inventory.hosts), "site": site_binding(site)}


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}h{rest:02d}m"


def gate_notice(ctx: Context) -> dict[str, Any]:
    request, submitted = ctx.request, ctx.submitted_at
    if submitted is None or ctx.site is None:
        raise Skipped
    if request.emergency.is_emergency:
        return {"emergency": True, "reason": request.emergency.reason,
                "awaiting_retrospective_approval": not ctx.approved,
                "submitted_at": stamp(submitted)}
    given = request.window.start - submitted
    if given < timedelta(0):
        raise Refusal("notice", N_("%(change)s was submitted at %(submitted)s, %(late)s after "
                                   "its window opened at %(start)s; the site requires %(hours)s h "
                                   "notice (change_lead_time_hours); only an emergency change "
                                   "may run at shorter notice"),
                      change=request.id, submitted=stamp(submitted, request.window.timezone),
                      late=_hm(-given), start=stamp(request.window.start,
                                                     request.window.timezone),
                      hours=int(ctx.site.lead_time.total_seconds() // 3600))
    if given < ctx.site.lead_time:
        raise Refusal("notice", N_("%(change)s was submitted at %(submitted)s, %(given)s before "
                                   "the window opens at %(start)s; the site requires %(hours)s h "
                                   "notice (change_lead_time_hours); only an emergency change "
                                   "may run at shorter notice"),
                      change=request.id, submitted=stamp(submitted, request.window.timezone),
                      given=_hm(given), start=stamp(request.window.start,
                                                     request.window.timezone),
                      hours=int(ctx.site.lead_time.total_seconds() // 3600))
    return {"submitted_at": stamp(submitted), "notice": _hm(given),
            "lead_time_hours": int(ctx.site.lead_time.total_seconds() // 3600)}


def gate_window(ctx: Context) -> dict[str, Any]:
    request, window = ctx.request, ctx.request.window
    params = {"change": request.id, "start": stamp(window.start, window.timezone),
              "end": stamp(window.end, window.timezone), "timezone": window.timezone,
              "now": stamp(ctx.now, window.timezone)}
    if ctx.now < window.start:
        raise Refusal("window", N_("the window of %(change)s opens at %(start)s (%(timezone)s); "
                                   "it is now %(now)s"), **params)
    if ctx.now >= window.end:
        raise Refusal("window", N_("the window of %(change)s closed at %(end)s (%(timezone)s); "
                                   "it is now %(now)s: an expired window cannot be used, make a "
                                   "new request"), **params)
    return {"start": params["start"], "end": params["end"], "now": params["now"]}
