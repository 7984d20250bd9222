"""The rules of change control: one rule set for the sign-off acts and for ``change run``.

Each rule either passes, giving the evidence worth recording (who signed, which backups,
which scan), or raises a :class:`~weibao.change.refusal.Refusal` naming what does not hold.

``change run`` checks them in a fixed order, cheapest first and the virus scan last
(:data:`GATES`, :func:`evaluate`):

=============  ==============================================================================
state          the change is in the store and may run (submitted, approved or interrupted)
people         the people named exist with their roles; operator and recorder differ
signatures     every sign-off of the current round verifies, for the current content, by the
               key of a person whose role allows it; approver from the client and none of
               requester, operator, recorder; the sign-offs needed are there
targets        the inventory and limit of the request give hosts of the request's site
notice         submitted at least the site's lead time before the window (not emergencies)
window         now is inside the window
playbook       every play of the playbook is marked as a change play and stops at a failure
backups        patches and upgrades: a verified recent backup of every target in the store
lock           no lock of another change on these hosts, no lock left by a crash
media          every media file matches its sha256 and scans clean
=============  ==============================================================================

A sign-off act (submit, approve, attest, close) checks, with the same functions
(:func:`may_sign`): the signer may make it (its role, the person the request names, the
approver from the client and none of the others), the people named, the sign-offs of the
round so far and that what they signed is still in use, then the state the act needs.

Where each rule lives: ``state.py`` (the change's state and the acts it allows),
``signers.py`` (people, sign-offs, signers, attestations), ``bound.py`` (what the sign-offs
signed is still in use), ``scope.py`` (targets, notice, window), ``ready.py`` (playbook,
backups, lock, media); ``context.py`` holds what they all look at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from weibao.change.refusal import Refusal
from weibao.change.rules.bound import (
    check_people_file,
    check_playbook_unchanged,
    check_site_unchanged,
    check_targets_unchanged,
)
from weibao.change.rules.context import Context, Skipped
from weibao.change.rules.ready import gate_backups, gate_lock, gate_media, gate_playbook
from weibao.change.rules.scope import gate_notice, gate_targets, gate_window
from weibao.change.rules.signers import (
    Signing,
    check_round,
    check_signer,
    gate_people,
    gate_signatures,
)
from weibao.change.rules.state import ACT_RULES, gate_state
from weibao.errors import WeibaoError

GATES: tuple[tuple[str, Callable[[Context], dict[str, Any]]], ...] = (
    ("state", gate_state),
    ("people", gate_people),
    ("signatures", gate_signatures),
    ("targets", gate_targets),
    ("notice", gate_notice),
    ("window", gate_window),
    ("playbook", gate_playbook),
    ("backups", gate_backups),
    ("lock", gate_lock),
    ("media", gate_media),
)


@dataclass
class GateResult:
    rule: str
    status: str  # passed | refused | skipped
    evidence: dict[str, Any] = field(default_factory=dict)
    refusal: Refusal | None = None


def evaluate(ctx: Context, *, stop_first: bool = True) -> list[GateResult]:
    """Run the gates in order; with ``stop_first`` stop at the first refusal (``run``),
    otherwise judge every gate that can be judged (``status``)."""
    results: list[GateResult] = []
    for rule, gate in GATES:
        try:
            evidence = gate(ctx)
        except Skipped:
            results.append(GateResult(rule, "skipped"))
            continue
        except Refusal as refusal:
            results.append(GateResult(rule, "refused", refusal=refusal))
            if stop_first:
                break
            continue
        except WeibaoError as exc:
            results.append(GateResult(rule, "refused", refusal=Refusal.wrap(rule, exc)))
            if stop_first:
                break
            continue
        results.append(GateResult(rule, "passed", evidence))
    return results


def may_sign(ctx: Context, signing: Signing, state: str) -> None:
    """Refusal unless ``signing`` may be made now, the change being in ``state``."""
    check_signer(ctx.request, signing)
    gate_people(ctx)
    if signing.act == "submit":
        ACT_RULES["submit"](ctx, state, signing)
        return
    check_round(ctx)
    if signing.act != "close" and state not in ("running", "succeeded", "failed",
                                                "interrupted", "closed"):
        # what the round signed so far must still be what is in use: the same people
        # file, the same playbook (a retrospective approval and a closing come after the
        # run, when only what ran matters)
        check_people_file(ctx)
        check_playbook_unchanged(ctx)
        check_targets_unchanged(ctx)
        check_site_unchanged(ctx)
    ACT_RULES[signing.act](ctx, state, signing)
