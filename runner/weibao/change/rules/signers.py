"""Who may sign: the people a request names, the sign-offs of the current round, the signer
of each sign-off (its role, the person the request names, the approver), the attestations.

These rules hold at every act and at every run. A sign-off being made now (:class:`Signing`,
``weibao change submit|approve|attest|close``) is checked by the very functions that check
the sign-offs already in the request's ``.signoffs.yml`` (``signoffs.Checked``, at ``change
run``, ``change status`` and in the service record): one rule, said where its reader meets
it (see :class:`_AtAct` and :class:`_InFile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from weibao.audit import AuditLog, BrokenChain, Entry
from weibao.change.anchor import check_vouched
from weibao.change.people import Person
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest
from weibao.change.rules.bound import check_people_file
from weibao.change.rules.context import (
    Context,
    Skipped,
    load_targets,
    local_time,
    parse_utc,
    stamp,
)
from weibao.change.signoffs import ATTEST_ROLES, Checked, Checker, current_round
from weibao.change.site import SiteSettings
from weibao.errors import N_

# ----------------------------------------------------------------------------- the signer


@dataclass(frozen=True)
class Signing:
    """A sign-off being made now: the act, the role it is made in, the person who signs
    (found by the key, never by a claimed name), the key and the people file used."""

    act: str
    role: str
    person: Person
    key: str
    people: str  # the people file's path

    def params(self, change_id: str) -> dict[str, Any]:
        """What every refusal of this act names: who, by which key, of which change, as
        what, by which people file."""
        return {"person": self.person.id, "key": self.key, "change": change_id,
                "role": self.role, "people": self.people}


class _AtAct:
    """A signer rule that does not hold, said to the person signing now: "li.wei (by key K)
    cannot sign as ...", refused as rule ``signer`` (``people`` for the approver's rules).
    ``--role`` is checked before the act starts (``weibao change attest``), so an act never
    meets a role that does not attest here."""

    def __init__(self, request: ChangeRequest, signing: Signing) -> None:
        self.params = signing.params(request.id)

    def no_role(self) -> Refusal:
        return Refusal("signer", N_("%(person)s (by key %(key)s) does not have the role "
                                    "%(role)s in the people file %(people)s"), **self.params)

    def not_attesting(self) -> Refusal:
        return Refusal("signer", N_("--role %(value)r: expected operator or recorder"),
                       value=self.params["role"])

    def not_named(self, expected: str) -> Refusal:
        return Refusal("signer", N_("%(person)s (by key %(key)s) cannot sign as %(role)s of "
                                    "%(change)s: the request names %(expected)s"),
                       expected=expected, **self.params)

    def not_client(self, organisation: str) -> Refusal:
        return Refusal("people", N_("%(person)s (by key %(key)s) cannot approve: not of the "
                                    "client (organisation: %(organisation)s)"),
                       organisation=organisation, **self.params)

    def not_someone_else(self, other: str) -> Refusal:
        return Refusal("people", N_("%(person)s (by key %(key)s) cannot approve %(change)s: "
                                    "they are its %(other)s; the approver must be someone "
                                    "else"), other=other, **self.params)


class _InFile:
    """A signer rule that does not hold, said of a sign-off in the request's .signoffs.yml
    (``change run``, ``change status``, the service record): "FILE: signoffs[N]: li.wei
    signed as ...", refused as rule ``signatures`` (``people`` for the approver's rules)."""

    def __init__(self, request: ChangeRequest, item: Checked) -> None:
        self.where = {"file": str(request.path), "field": f"signoffs[{item.index}]",
                      "person": item.person.id}
        self.role = item.record.role

    def no_role(self) -> Refusal:
        return Refusal("signatures", N_("%(file)s: %(field)s: %(person)s signed as %(role)s "
                                        "but does not have that role in the people file"),
                       role=self.role, **self.where)

    def not_attesting(self) -> Refusal:
        return Refusal("signatures", N_("%(file)s: %(field)s: %(role)s is not a role that "
                                        "attests (operator or recorder)"),
                       role=self.role, **self.where)

    def not_named(self, expected: str) -> Refusal:
        return Refusal("signatures", N_("%(file)s: %(field)s: %(person)s signed as %(role)s, "
                                        "but the request's %(role)s is %(expected)s"),
                       expected=expected, role=self.role, **self.where)

    def not_client(self, organisation: str) -> Refusal:
        return Refusal("people", N_("%(file)s: %(field)s: approved by %(person)s, who is not "
                                    "of the client (organisation: %(organisation)s): the "
                                    "client's project supervisor approves"),
                       organisation=organisation, **self.where)

    def not_someone_else(self, other: str) -> Refusal:
        return Refusal("people", N_("%(file)s: %(field)s: approved by %(person)s, who is also "
                                    "the %(role)s of this change: the approver must be someone "
                                    "else"), role=other, **self.where)


def _said(request: ChangeRequest, item: Checked | Signing) -> _AtAct | _InFile:
    return _AtAct(request, item) if isinstance(item, Signing) else _InFile(request, item)


def _act_role(item: Checked | Signing) -> tuple[str, str]:
    if isinstance(item, Signing):
        return item.act, item.role
    return item.record.act, item.record.role


def named_signer(request: ChangeRequest, act: str, role: str) -> str | None:
    """The person the request names for a sign-off: the requester submits, the operator and
    the recorder attest as themselves, the recorder closes; None for an approval (any
    approver of the client who is none of them: :func:`check_approver`)."""
    if act == "submit":
        return request.requester
    if act == "close":
        return request.recorder
    if act == "attest":
        return getattr(request, role)
    return None


def check_signer(request: ChangeRequest, item: Checked | Signing) -> None:
    """The person who signs (by key) may make this sign-off for this request: they have its
    role in the people file, an attestation is the operator's or the recorder's, and they are
    the person the request names for it (:func:`named_signer`); an approver must also pass
    :func:`check_approver`.

    ``item`` is a sign-off being made (:class:`Signing`, the acts) or one in the request's
    .signoffs.yml (:class:`~weibao.change.signoffs.Checked`, run, status and the service
    record): the same rule, its refusal worded for where it is met."""
    act, role = _act_role(item)
    said = _said(request, item)
    if not item.person.has_role(role):
        raise said.no_role()
    if act == "attest" and role not in ATTEST_ROLES:
        raise said.not_attesting()
    expected = named_signer(request, act, role)
    if expected is not None and item.person.id != expected:
        raise said.not_named(expected)
    if act == "approve":
        check_approver(request, item)


def check_approver(request: ChangeRequest, item: Checked | Signing) -> None:
    """The approver is of the client and none of requester, operator, recorder (four eyes).
    ``item`` as for :func:`check_signer`."""
    person, said = item.person, _said(request, item)
    if person.organisation != "client":
        raise said.not_client(person.organisation)
    for role in ("requester", "operator", "recorder"):
        if getattr(request, role) == person.id:
            raise said.not_someone_else(role)


# ----------------------------------------------------------------------------- people and sign-offs


def gate_people(ctx: Context) -> dict[str, Any]:
    request, people = ctx.request, ctx.people
    named = [("requester", request.requester, "requester"),
             ("operator", request.operator, "operator"),
             ("recorder", request.recorder, "recorder")]
    named += [(f"attendees[{i}]", p, None) for i, p in enumerate(request.attendees)]
    for where, person_id, role in named:
        person = people.get(person_id)
        if person is None:
            raise Refusal("people", N_("%(file)s: %(field)s: %(person)s is not in the people "
                                       "file %(people)s"),
                          file=str(request.path), field=where, person=person_id,
                          people=str(people.path))
        if role is not None and not person.has_role(role):
            raise Refusal("people", N_("%(file)s: %(field)s: %(person)s does not have the role "
                                       "%(role)s in the people file %(people)s"),
                          file=str(request.path), field=where, person=person_id, role=role,
                          people=str(people.path))
    if request.operator == request.recorder:
        raise Refusal("people", N_("%(file)s: operator and recorder are both %(person)s: one "
                                   "person operates, another confirms and records (两人或多人)"),
                      file=str(request.path), person=request.operator)
    return {"requester": request.requester, "operator": request.operator,
            "recorder": request.recorder, "attendees": list(request.attendees)}


def audit_entries(log: AuditLog, change_id: str) -> list[Entry]:
    """The change's audit entries; Refusal when the log is damaged anywhere."""
    try:
        return list(log.entries(change_id))
    except BrokenChain as exc:
        raise Refusal("audit", N_("the audit log is damaged: %(reason)s; nothing runs until it "
                                  "is repaired (weibao audit verify)"), reason=exc) from exc


def check_round(ctx: Context) -> list[Checked]:
    """Verify every sign-off of the current round (see signoffs.py); Refusal at the first that
    does not hold. Sets ``ctx.checked``."""
    request = ctx.request
    start, records = current_round(ctx.records)
    if start < 0:
        raise Refusal("signatures", N_("%(change)s has not been submitted: the requester signs "
                                       "first: weibao change submit %(file)s --key KEY"),
                      change=request.id, file=str(request.path))
    stale = [r for r in records if r.request_digest != request.digest]
    if stale:
        last = stale[-1]
        raise Refusal("signatures", N_("%(file)s was changed after the %(act)s by %(person)s at "
                                       "%(time)s (signed digest %(signed)s, now %(current)s): "
                                       "every signature over it is void; submit it again and "
                                       "have it approved again"),
                      file=str(request.path), act=last.act, person=last.person, time=last.time,
                      signed=last.request_digest[:12], current=request.digest[:12])
    checker = Checker(request.id, request.path, ctx.people, ctx.log,
                      audit_entries(ctx.log, request.id))
    checked = [checker.check(start + i, record) for i, record in enumerate(records)]
    for item in checked:
        check_signer(request, item)
    ctx.checked = checked
    return checked


def check_approved(ctx: Context) -> None:
    """An approval of the current round is there, unless the change is an emergency (it runs
    on the requester's and the operator's signatures, awaiting retrospective approval)."""
    request = ctx.request
    if not request.emergency.is_emergency and not ctx.approved:
        raise Refusal("signatures", N_("%(change)s is not approved: an approver of the client "
                                       "signs with weibao change approve %(file)s --key KEY"),
                      change=request.id, file=str(request.path))


def gate_signatures(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    checked = check_round(ctx)
    check_people_file(ctx)
    check_approved(ctx)
    # An emergency runs on the requester's and the operator's signatures; when they are one
    # person, the recorder's attestation is needed too: never fewer than two people.
    alone = request.emergency.is_emergency and request.requester != request.operator
    needed = ("operator",) if alone else ("operator", "recorder")
    for role in needed:
        if not ctx.signed("attest", role):
            raise Refusal("signatures", N_("the %(role)s %(person)s has not attested being "
                                           "present: weibao change attest %(file)s --role "
                                           "%(role)s --key KEY"),
                          role=role, person=getattr(request, role), file=str(request.path))
    # both present at execution: an attestation counts only when made shortly before or in
    # the window (the site's attest_before_window_minutes)
    try:
        _, site = load_targets(ctx)
    except Refusal:
        raise Skipped from None  # the targets rule says what is wrong with the inventory
    for role in needed:
        check_attest_time(ctx, role, site)
    # every client-side sign-off by a person the client vouched for (its trust anchor)
    vouched = None
    for item in checked:
        vouched = check_vouched(ctx.people, item.person, site.client_anchor) or vouched
    return {"people_file": str(ctx.people.path), "people_sha256": ctx.people.sha256,
            "client_anchor": site.client_anchor_fingerprint,
            "client_vouched_at": vouched.time if vouched else None,
            "attest_before_window_minutes": int(site.attest_before_window.total_seconds()
                                                // 60),
            "signoffs": [{"act": c.record.act, "role": c.record.role, "person": c.person.id,
                          "time": c.record.time, "fingerprint": c.fingerprint,
                          "audit_seq": c.entry.seq} for c in checked]}


# ----------------------------------------------------------------------------- attestations


def attest_period(request: ChangeRequest, site: SiteSettings) -> tuple[datetime, datetime]:
    """When an attestation counts: from ``attest_before_window_minutes`` before the window
    opens until the window ends (the end excluded): both people are present at execution."""
    return request.window.start - site.attest_before_window, request.window.end


def attest_in_time(ctx: Context, item: Checked, site: SiteSettings) -> bool:
    earliest, latest = attest_period(ctx.request, site)
    return earliest <= parse_utc(item.record.time) < latest


def check_attest_time(ctx: Context, role: str, site: SiteSettings) -> None:
    """Refusal unless an attestation of ``role`` in the current round counts (see
    :func:`attest_period`); naming who attested when."""
    request, window = ctx.request, ctx.request.window
    attests = ctx.signed("attest", role)
    if not attests or any(attest_in_time(ctx, c, site) for c in attests):
        return
    last = attests[-1]
    moment = parse_utc(last.record.time)
    params = {"role": role, "person": last.person.id, "file": str(request.path),
              "time": stamp(moment, window.timezone),
              "start": stamp(window.start, window.timezone),
              "end": stamp(window.end, window.timezone),
              "minutes": int(site.attest_before_window.total_seconds() // 60)}
    if moment >= window.end:
        raise Refusal("signatures", N_("the %(role)s %(person)s attested being present at "
                                       "%(time)s, after the window closed at %(end)s: an "
                                       "attestation counts only when made for the execution, "
                                       "in the window"), **params)
    raise Refusal("signatures", N_("the %(role)s %(person)s attested being present at "
                                   "%(time)s, more than %(minutes)s minutes before the window "
                                   "opens at %(start)s (attest_before_window_minutes): an "
                                   "attestation counts only when made for the execution; "
                                   "attest again when present: weibao change attest %(file)s "
                                   "--role %(role)s --key KEY"), **params)


def check_attesting_now(ctx: Context, signing: Signing) -> SiteSettings:
    """An attestation made now counts: present at execution, from
    attest_before_window_minutes before the window opens until it ends (an attestation made
    outside that would not count: run refuses it, :func:`check_attest_time`). Returns the
    site's settings."""
    request = ctx.request
    _, site = load_targets(ctx)
    earliest, latest = attest_period(request, site)
    window = request.window
    if not earliest <= ctx.now < latest:
        raise Refusal("window", N_("%(person)s cannot attest for %(change)s now (%(now)s): "
                                   "attestations count from %(minutes)s minutes before the "
                                   "window opens (attest_before_window_minutes) until it "
                                   "ends, %(earliest)s to %(end)s"),
                      now=local_time(ctx.now, window.timezone),
                      minutes=int(site.attest_before_window.total_seconds() // 60),
                      earliest=local_time(earliest, window.timezone),
                      end=local_time(latest, window.timezone), **signing.params(request.id))
    return site


def attested(ctx: Context, role: str, site: SiteSettings) -> bool:
    """The ``role`` has attested in the current round, in the attestation period."""
    return any(attest_in_time(ctx, c, site) for c in ctx.signed("attest", role))
