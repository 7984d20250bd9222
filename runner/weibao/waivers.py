"""Waivers of findings (accepted risks), signed with OpenSSH like change sign-offs.

``weibao finding waive`` signs (``ssh-keygen -Y sign``, namespace ``weibao-waiver``, so that a
change sign-off cannot be replayed as a waiver and the other way round) the canonical JSON
(:mod:`weibao.canonical`) of::

    {"kind": "finding-waiver", "key", "site", "host", "check_id", "component",
     "reason", "expires", "signer", "time", "people_sha256"}

The signer is the person of the site's people file whose key made the signature (``--by``
must be that person); the signature is verified with an allowed-signers list written from the
people file before anything is stored, and again by ``weibao finding verify``. A waiver counts
through its expiry date in the site's time zone unless revoked (``weibao finding unwaive``,
recorded, never deleted); how it changes an issue's state is
:func:`weibao.services.lifecycle.state_of`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from weibao.canonical import canonical_bytes
from weibao.change.people import People, allowed_signers
from weibao.change.signoffs import fingerprint_of, public_key_of
from weibao.errors import N_
from weibao.services.lifecycle import (
    LifecycleError,
    find_issue,
    iso_utc,
    issue_dict,
    state_of,
    today_in,
    utcnow,
)
from weibao.signing import SignatureError, sign, verify
from weibao.store import FindingIssue, FindingWaiver, Store

WAIVER_NAMESPACE = "weibao-waiver"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_REASON = 2000


def waiver_statement(issue: FindingIssue, reason: str, expires: str, signer: str, time: str,
                     people_sha256: str) -> str:
    """The canonical JSON text a waiver signs."""
    return canonical_bytes({
        "kind": "finding-waiver", "key": issue.key, "site": issue.site, "host": issue.host,
        "check_id": issue.check_id, "component": issue.component, "reason": reason,
        "expires": expires, "signer": signer, "time": time,
        "people_sha256": people_sha256}).decode("utf-8")


def _check_expires(expires: str, today: dt.date) -> str:
    if not _DATE_RE.match(expires or ""):
        raise LifecycleError(N_("--expires %(value)r: expected a date YYYY-MM-DD"),
                             value=expires)
    try:
        day = dt.date.fromisoformat(expires)
    except ValueError:
        raise LifecycleError(N_("--expires %(value)r: not a date of the calendar"),
                             value=expires) from None
    if day < today:
        raise LifecycleError(N_("--expires %(value)s: is in the past (today is %(today)s in "
                                "the site's time zone)"), value=expires, today=today.isoformat())
    return expires


def waive(store: Store, key: str, people: People, *, by: str, reason: str, expires: str,
          signing_key: str | Path, timezone: str = "UTC", site: str | None = None,
          passphrase: str | None = None,
          interactive: bool = False, now: dt.datetime | None = None) -> dict[str, Any]:
    """Sign and record a waiver of an open issue by ``by`` with ``signing_key``, which must be
    ``by``'s key in the people file; the signature is verified before anything is stored."""
    reason = (reason or "").strip()
    if not reason or "\n" in reason or len(reason) > _MAX_REASON:
        raise LifecycleError(N_("--reason: required, one line of at most %(max)d characters"),
                             max=_MAX_REASON)
    when = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    _check_expires(expires, today_in(timezone, when))
    person = people.get(by)
    if person is None:
        raise LifecycleError(N_("--by %(by)r: no person with that id in the people file "
                                "%(file)s"), by=by, file=str(people.path))
    owner = people.by_fingerprint(fingerprint_of(public_key_of(signing_key)))
    if owner is None or owner.id != by:
        raise LifecycleError(N_("--key %(key)s: is not the key of %(by)s in the people file "
                                "%(file)s"), key=str(signing_key), by=by,
                             file=str(people.path))
    with store.session() as s:
        issue = find_issue(s, key, site)
        if issue.status != "open":
            raise LifecycleError(N_("finding %(key)s: is resolved; only an open finding is "
                                    "waived"), key=issue.key)
        text = waiver_statement(issue, reason, expires, by, iso_utc(when), people.sha256)
        data = text.encode("utf-8")
        signature = sign(data, signing_key, passphrase, namespace=WAIVER_NAMESPACE,
                         interactive=interactive)
        verified = verify(data, signature, by,
                          allowed_signers(people, namespace=WAIVER_NAMESPACE),
                          namespace=WAIVER_NAMESPACE, what=f"waiver of finding {issue.key}")
        s.add(FindingWaiver(issue_id=issue.id, person=by, organisation=person.organisation,
                            reason=reason, expires=expires, timezone=timezone or "UTC",
                            signed_at=when, statement=text, signature=signature,
                            fingerprint=verified.fingerprint, people_sha256=people.sha256))
        s.flush()
        s.refresh(issue)
        st, waiver = state_of(issue, None, when)
        return issue_dict(issue, st, waiver)


def verify_waiver(waiver: FindingWaiver, people: People) -> str:
    """Check a stored waiver: its statement says what the row says and the signer's key in
    the people file made its signature; the signer's fingerprint, else SignatureError."""
    label = f"waiver of finding {waiver.issue.key} by {waiver.person}"
    try:
        data = json.loads(waiver.statement)
    except ValueError:
        data = None
    expected = {"key": waiver.issue.key, "site": waiver.issue.site, "host": waiver.issue.host,
                "check_id": waiver.issue.check_id, "component": waiver.issue.component,
                "reason": waiver.reason, "expires": waiver.expires, "signer": waiver.person,
                "time": iso_utc(waiver.signed_at)}
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in expected.items()):
        raise SignatureError(N_("%(what)s: its statement does not say what the record says"),
                             what=label)
    return verify(waiver.statement.encode("utf-8"), waiver.signature, waiver.person,
                  allowed_signers(people, namespace=WAIVER_NAMESPACE),
                  namespace=WAIVER_NAMESPACE, what=label).fingerprint


def unwaive(store: Store, key: str, people: People, by: str, reason: str = "",
            site: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Revoke the issue's waivers in force (recorded, not deleted): it is open again."""
    if people.get(by) is None:
        raise LifecycleError(N_("--by %(by)r: no person with that id in the people file "
                                "%(file)s"), by=by, file=str(people.path))
    when = now or utcnow()
    with store.session() as s:
        issue = find_issue(s, key, site)
        live = [w for w in issue.waivers if w.revoked_at is None]
        if not live:
            raise LifecycleError(N_("finding %(key)s: has no waiver to revoke"), key=issue.key)
        for w in live:
            w.revoked_at, w.revoked_by, w.revoke_reason = when, by, (reason or "").strip()
        s.flush()
        st, waiver = state_of(issue, None, when)
        return issue_dict(issue, st, waiver)
