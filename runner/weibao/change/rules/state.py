"""Where a change stands (its state in the store) and which act or run that allows.

``change run``: a change submitted, approved or interrupted (:func:`gate_state`). The acts
(:data:`ACT_RULES`): a request is submitted before it has run and once in each form; approved
once a round, when submitted (an emergency also after its run: the retrospective approval);
attested when it may run, once approved, in the attestation period, once for each role;
closed after it has run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weibao.change.refusal import Refusal
from weibao.change.rules.context import Context
from weibao.change.rules.signers import (
    Signing,
    attested,
    check_approved,
    check_attesting_now,
)
from weibao.change.signoffs import current_round
from weibao.errors import N_
from weibao.store import Change

RUNNABLE_STATES = ("submitted", "approved", "interrupted")
AFTER_RUN = ("succeeded", "failed", "interrupted")


def gate_state(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    with ctx.store.session() as s:
        change = s.get(Change, request.id)
        runs = [(r.id, r.kind, r.status) for r in change.runs] if change else []
    if change is None:
        raise Refusal("state", N_("%(change)s has not been submitted (the store has no record "
                                  "of it): the requester signs first: weibao change submit "
                                  "%(file)s --key KEY"),
                      change=request.id, file=str(request.path))
    ctx.change = change
    last = next((r for r in reversed(runs) if r[1] == "change"), None)
    run_id = last[0] if last else "-"
    if change.state in RUNNABLE_STATES:
        return {"state": change.state}
    messages = {
        "closed": N_("%(change)s is closed"),
        "succeeded": N_("%(change)s has already run successfully (run %(run)s); close it: "
                        "weibao change close"),
        "failed": N_("%(change)s failed in run %(run)s: follow the rollback plan and close it "
                     "(weibao change close); trying again needs a new request"),
        "running": N_("%(change)s is running (run %(run)s)"),
    }
    raise Refusal("state", messages.get(change.state, N_("%(change)s is in state %(state)s and "
                                                         "cannot run")),
                  change=request.id, run=run_id, state=change.state)


# ----------------------------------------------------------------------------- the acts


def may_submit(ctx: Context, state: str, signing: Signing) -> None:
    request = ctx.request
    if state in ("running", "succeeded", "failed", "closed"):
        raise Refusal("state", N_("%(change)s cannot be submitted again: it has run (state "
                                  "%(state)s); a new change needs a new request"),
                      change=request.id, state=state)
    _, records = current_round(ctx.records)
    if records and records[0].request_digest == request.digest and state != "draft":
        raise Refusal("state", N_("%(change)s is already submitted in this form (by "
                                  "%(person)s at %(time)s)"),
                      change=request.id, person=records[0].person, time=records[0].time)


def may_approve(ctx: Context, state: str, signing: Signing) -> None:
    request = ctx.request
    approvals = ctx.signed("approve")
    if approvals:
        first = approvals[0].record
        raise Refusal("state", N_("%(change)s is already approved (by %(person)s at "
                                  "%(time)s)"),
                      change=request.id, person=first.person, time=first.time)
    if not request.emergency.is_emergency and state != "submitted":
        raise Refusal("state", N_("%(change)s cannot be approved in state %(state)s"),
                      change=request.id, state=state)


def may_attest(ctx: Context, state: str, signing: Signing) -> None:
    request = ctx.request
    if state not in ("submitted", "approved", "interrupted"):
        raise Refusal("state", N_("%(change)s cannot be attested in state %(state)s"),
                      change=request.id, state=state)
    check_approved(ctx)
    site = check_attesting_now(ctx, signing)
    if attested(ctx, signing.role, site):
        raise Refusal("state", N_("%(person)s has already attested as %(role)s for "
                                  "%(change)s"), **signing.params(request.id))


def may_close(ctx: Context, state: str, signing: Signing) -> None:
    if state not in AFTER_RUN:
        raise Refusal("state", N_("%(change)s cannot be closed in state %(state)s: close it "
                                  "after it has run"),
                      change=ctx.request.id, state=state)


ACT_RULES: dict[str, Callable[[Context, str, Signing], None]] = {
    "submit": may_submit, "approve": may_approve, "attest": may_attest, "close": may_close,
}
