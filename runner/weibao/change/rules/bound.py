"""What every sign-off of the round signed is still what is in use: the people file, the
hosts the targets resolve to, the site's rules, the playbook and its roles' files.

A sign-off signs each of them (see :mod:`weibao.change.signoffs`); a later act of the round
and ``change run`` refuse when one has changed since, saying what changed: a people file
handed in later cannot make anyone an approver, a host added to the group after approval is
never changed by the approved run, a lowered lead time changes no rule for a change already
signed, and only the steps approved may run.
"""

from __future__ import annotations

from typing import Any

from weibao.canonical import sha256_hex
from weibao.change.playbook import playbook_files
from weibao.change.refusal import Refusal
from weibao.change.rules.context import Context, load_targets
from weibao.change.signoffs import Record, current_round
from weibao.change.site import site_binding
from weibao.errors import N_

BOUND_ACTS = ("submit", "approve", "attest")


def _round_data(ctx: Context) -> list[tuple[Record, dict[str, Any]]]:
    _, records = current_round(ctx.records)
    out = []
    for record in records:
        try:
            out.append((record, record.data()))
        except ValueError:
            continue  # the signatures gate says what is wrong with it
    return out


def check_people_file(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> None:
    """The people file in use is the one every sign-off of the round was made with; a file
    handed in later (``--people``) cannot make anyone an approver."""
    for record, data in _round_data(ctx):
        if record.act in acts and data.get("people_sha256") != ctx.people.sha256:
            raise Refusal("people", N_("the %(act)s by %(person)s at %(time)s was made with "
                                       "another people file (sha256 %(signed)s) than the one "
                                       "in use, %(people)s (sha256 %(current)s): sign-offs "
                                       "count only with the people file they were made with; "
                                       "use that one, or submit the request again and have it "
                                       "signed again"),
                          act=record.act, person=record.person, time=record.time,
                          signed=str(data.get("people_sha256") or "-")[:12],
                          people=str(ctx.people.path), current=ctx.people.sha256[:12])


def check_targets_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> list[str]:
    """The targets resolve to the hosts every sign-off of the round signed (resolved at the
    submission, shown to and signed by every signer); returns them. A host added to the
    inventory group after approval is never changed by the approved run."""
    inventory, _ = load_targets(ctx)
    current = sorted(inventory.hosts)
    for record, data in _round_data(ctx):
        if record.act not in acts:
            continue
        signed = (data.get("targets") or {}).get("hosts")
        if signed != current:
            signed = list(signed or [])
            added = sorted(set(current) - set(signed))
            removed = sorted(set(signed) - set(current))
            raise Refusal("targets", N_("the targets of %(change)s (inventory %(inventory)s, "
                                        "limit %(limit)s) resolve to %(current)s now, but the "
                                        "%(act)s by %(person)s at %(time)s signed %(signed)s "
                                        "(added: %(added)s; removed: %(removed)s): only the "
                                        "hosts approved may be changed; submit the request "
                                        "again and have it approved again"),
                          change=ctx.request.id, inventory=ctx.request.targets.inventory,
                          limit=ctx.request.targets.limit or "-",
                          current=", ".join(current) or "-", act=record.act,
                          person=record.person, time=record.time,
                          signed=", ".join(signed) or "-", added=", ".join(added) or "-",
                          removed=", ".join(removed) or "-")
    return current


def check_site_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS) -> dict[str, Any]:
    """Every site setting a rule reads is what every sign-off of the round signed; returns
    them. Lowering the lead time or raising the backup age limit after approval changes no
    rule for a change already signed."""
    _, site = load_targets(ctx)
    current = site_binding(site)
    for record, data in _round_data(ctx):
        if record.act not in acts:
            continue
        signed = data.get("site") or {}
        changed = [name for name in sorted(current) if signed.get(name) != current[name]]
        if changed:
            raise Refusal("site", N_("weibao_site of %(inventory)s changed after the %(act)s by "
                                     "%(person)s at %(time)s: %(changes)s; the rules of a change "
                                     "are those its sign-offs were made under: set them back, "
                                     "or submit the request again and have it approved again"),
                          inventory=ctx.request.targets.inventory, act=record.act,
                          person=record.person, time=record.time,
                          changes="; ".join(f"{name} {signed.get(name, '-')!s} -> "
                                            f"{current[name]!s}" for name in changed))
    return current


def check_playbook_unchanged(ctx: Context, acts: tuple[str, ...] = BOUND_ACTS,
                             files: dict[str, str | None] | None = None) -> str:
    """The change playbook (and its roles' files) are as every sign-off of the round signed
    them; returns the current digest (of ``files`` when the caller has read them already)."""
    current = sha256_hex(files if files is not None else playbook_files(ctx.request))
    for record, data in _round_data(ctx):
        if record.act in acts and data.get("playbook_digest") != current:
            raise Refusal("playbook", N_("playbook %(playbook)s (or a file of its roles) was "
                                         "changed after the %(act)s by %(person)s at %(time)s "
                                         "(signed digest %(signed)s, now %(current)s): only "
                                         "the steps approved may run; submit the request again "
                                         "and have it approved again"),
                          playbook=ctx.request.playbook, act=record.act, person=record.person,
                          time=record.time, signed=str(data.get("playbook_digest") or "-")[:12],
                          current=current[:12])
    return current
