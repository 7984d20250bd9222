"""The audit heads approvals and closings vouch for, checked against the chain as it is now.

The chain alone (:meth:`weibao.audit.AuditLog.verify`) cannot show a consistent rewrite
of the whole log: an entry edited or removed and every hash after it recomputed. But every
approve and close sign-off signs the chain's head at that moment (``audit_head`` in its
statement, :func:`weibao.change.signoffs.statement`), and nobody can sign again without the
signer's key. So ``weibao audit verify`` also checks (:func:`check_vouched`), for every
``change.approve`` and ``change.close`` entry of the intact chain:

- that its signed statement is at hand: a ``signoffs`` row of the store, or a sign-off of the
  ``<request>.signoffs.yml`` file of a change the store knows, whose statement and signature
  have the sha256 the entry records (a store row that names the entry by seq and hash must
  hold exactly those);
- that the signature verifies over the statement (``ssh-keygen -Y check-novalidate``,
  namespace ``weibao-change``) and was made with the key whose fingerprint the entry and the
  store record; when the people file the entry names is still the one signed with (its
  sha256), that the key is the signer's there;
- that the statement is the entry's: its act, change, signer, time, request digest (and a
  closing's run record digest) are the entry's;
- that its ``audit_head`` is the hash of an entry *before* it in this chain (or 64 zeros, the
  head of an empty log). A rewritten chain no longer holds the heads signed before the
  rewrite, and it cannot be signed again without the signers' keys.

And every approve or close sign-off the store or a sign-off file holds must be in the chain:
a store row at the seq and hash it recorded, a file's sign-off by its digests (both only as
far as the chain is intact).

What cannot be checked is said, not failed: entries whose statements are nowhere when the
store knows no change at all (a fresh controller with a copied log), and who owns a key when
the people file signed with is gone or changed since (the key is then checked against the
fingerprint recorded only).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from weibao.audit import GENESIS, AuditLog, Entry, utc_timestamp
from weibao.canonical import canonical_bytes
from weibao.change.people import People, load_people
from weibao.change.signoffs import HEAD_ACTS, read_signoffs, sha256_text, signoffs_path
from weibao.errors import N_, ConfigError
from weibao.signing import NAMESPACE, SignatureError, parse_signature, run_ssh_keygen

HEAD_ACTIONS = frozenset(f"change.{act}" for act in HEAD_ACTS)
ACT_WORDS = {"approve": N_("approval"), "close": N_("closing")}

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Message:
    """A msgid and its values (a value may be a Message too), rendered at display time."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext: Any = None) -> str:
        text = gettext(self.text) if gettext else self.text
        values = {k: v.render(gettext) if isinstance(v, Message) else v
                  for k, v in self.params.items()}
        return text % values if values else text


@dataclass(frozen=True)
class Signed:
    """An approve or close sign-off as the store or a sign-off file holds it."""

    where: str  # "store", or the path of the sign-off file
    change_id: str
    act: str
    person: str
    time: str
    statement: str
    signature: str
    fingerprint: str = ""  # the store's record of the key
    audit_seq: int | None = None  # the store's record of its audit entry
    audit_hash: str = ""

    @cached_property
    def digests(self) -> tuple[str, str]:
        return sha256_text(self.statement), sha256_text(self.signature)

    @property
    def in_store(self) -> bool:
        return self.audit_seq is not None


@dataclass
class VouchedReport:
    """What :func:`check_vouched` found."""

    checked: int = 0  # approve and close entries whose signed head holds
    problems: list[Message] = field(default_factory=list)
    unchecked: int = 0  # entries whose statement is nowhere, the store knowing no change
    owners_unchecked: int = 0  # keys not matched to a person: the people file changed
    notes: list[Message] = field(default_factory=list)  # what else could not be read

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[Message]:
        """What ``weibao audit verify`` says: one line per problem, then what was checked and
        what could not be."""
        out = list(self.problems)
        if self.problems:
            out.append(Message(N_("audit heads vouched for by approvals and closings: %(count)d "
                                  "checked and good, %(bad)d failures above"),
                               {"count": self.checked, "bad": len(self.problems)}))
        else:
            out.append(Message(N_("audit heads vouched for by approvals and closings: %(count)d "
                                  "checked (each signature good, each head an earlier entry of "
                                  "this chain)"), {"count": self.checked}))
        if self.unchecked:
            out.append(Message(N_("approvals and closings not checked: %(count)d: the store "
                                  "knows no change (a fresh controller?), so their signed "
                                  "statements were not found; run verify where the store is"),
                               {"count": self.unchecked}))
        if self.owners_unchecked:
            out.append(Message(N_("signing keys not matched to their signer: %(count)d: the "
                                  "people file signed with is gone or changed since; those "
                                  "keys were checked against the fingerprint recorded only"),
                               {"count": self.owners_unchecked}))
        out += self.notes
        return out


# ----------------------------------------------------------------------------- gathering


def check_vouched(log: AuditLog, store: Any) -> VouchedReport:
    """Check the heads vouched for in ``log`` with the sign-offs ``store`` leads to."""
    entries, broken = log.intact()
    signed, known, notes = gather(store)
    report = check(entries, signed, broken=broken is not None, fresh=not known)
    report.notes[:0] = notes
    return report


def gather(store: Any) -> tuple[list[Signed], bool, list[Message]]:
    """(the approve and close sign-offs of the store and of the sign-off files of the changes
    it knows, whether the store knows any change or sign-off at all, notes on files that
    could not be read)."""
    from sqlalchemy import select

    from weibao.store.models import Change, Signoff

    with store.session() as s:
        changes = [(c.id, c.request_path) for c in s.scalars(select(Change).order_by(Change.id))]
        rows = list(s.scalars(select(Signoff).order_by(Signoff.id)))
        signed = [Signed(where="store", change_id=r.change_id, act=r.act, person=r.person,
                         time=_time(r.time), statement=r.statement, signature=r.signature,
                         fingerprint=r.fingerprint, audit_seq=r.audit_seq,
                         audit_hash=r.audit_hash)
                  for r in rows if r.act in HEAD_ACTS]
    notes: list[Message] = []
    for change_id, request_path in changes:
        if not request_path:
            continue
        try:
            records = read_signoffs(request_path, change_id)
        except ConfigError as exc:
            notes.append(Message(N_("%(reason)s: its sign-offs were not checked"),
                                 {"reason": Message(exc.message, dict(exc.params))}))
            continue
        file = str(signoffs_path(request_path))
        signed += [Signed(where=file, change_id=change_id, act=r.act, person=r.person,
                          time=r.time, statement=r.statement, signature=r.signature)
                   for r in records if r.act in HEAD_ACTS]
    return signed, bool(changes or rows), notes


def _time(value: Any) -> str:
    try:
        return utc_timestamp(value)
    except (ValueError, AttributeError, TypeError):
        return str(value)


# ----------------------------------------------------------------------------- checking


def check(entries: list[Entry], signed: Iterable[Signed], *, broken: bool = False,
          fresh: bool = False, people_loader: Any = load_people) -> VouchedReport:
    """Check the approve and close entries of ``entries`` (the intact part of the chain) and
    that every sign-off of ``signed`` is among them.

    ``broken``: the chain goes on after ``entries`` but is bad there, so a sign-off not found
    may be past the break (the break is reported by the chain check). ``fresh``: the store
    knows no change, so a statement not found is not held against the entry.
    """
    checker = _Checker(entries, list(signed), people_loader, fresh)
    report = VouchedReport()
    for entry in entries:
        if entry.action not in HEAD_ACTIONS:
            continue
        problems, state = checker.entry(entry)
        report.problems += problems
        if state == UNFOUND:
            report.unchecked += 1
        elif not problems:
            report.checked += 1
            report.owners_unchecked += state == OWNER_UNCHECKED
    report.problems += checker.not_in_log(broken)
    return report


OK, UNFOUND, OWNER_UNCHECKED = "ok", "unfound", "owner-unchecked"


class _Checker:
    def __init__(self, entries: list[Entry], signed: list[Signed], people_loader: Any,
                 fresh: bool) -> None:
        self.entries = entries
        self.fresh = fresh
        self.signed = signed
        self.by_hash = {e.hash: e for e in entries}
        self.by_seq = {e.seq: e for e in entries}
        self.by_digests: dict[tuple[str, str], list[Signed]] = {}
        self.by_entry: dict[tuple[int, str], list[Signed]] = {}
        for item in signed:
            self.by_digests.setdefault(item.digests, []).append(item)
            if item.in_store:
                self.by_entry.setdefault((item.audit_seq or 0, item.audit_hash), []).append(item)
        self.people_loader = people_loader
        self._people: dict[tuple[str, str], People | None] = {}
        self._signatures: dict[tuple[str, str], str] = {}

    # one entry

    def entry(self, entry: Entry) -> tuple[list[Message], str]:
        """(the problems of an approve or close entry, and OK; UNFOUND when its statement is
        nowhere and the store knows no change; OWNER_UNCHECKED when no people file could say
        whose key signed it)."""
        label = Message(N_("entry %(seq)s (%(action)s of %(change)s by %(actor)s at %(time)s)"),
                        {"seq": entry.seq, "action": entry.action,
                         "change": entry.change_id or "-", "actor": entry.actor,
                         "time": entry.time})

        def problem(text: str, **params: Any) -> Message:
            return Message(text, {"entry": label, **params})

        wanted = (entry.digests.get("statement", ""), entry.digests.get("signature", ""))
        if not all(wanted):
            return [problem(N_("%(entry)s: records no digest of a signed statement and its "
                               "signature, so nothing vouches for it"))], OK
        problems: list[Message] = []
        for row in self.by_entry.get((entry.seq, entry.hash), []):
            statement_digest, signature_digest = row.digests
            if statement_digest != wanted[0]:
                problems.append(problem(N_("%(entry)s: the statement the store holds for "
                                           "it is not the one the log recorded (its "
                                           "sha256 differs): changed in the store")))
            if signature_digest != wanted[1]:
                problems.append(problem(N_("%(entry)s: the signature the store holds for "
                                           "it is not the one the log recorded (its "
                                           "sha256 differs): changed in the store")))
        found = self.by_digests.get(wanted, [])
        if not found:
            if self.fresh:
                return problems, UNFOUND
            problems.append(problem(N_("%(entry)s: its signed statement is neither in the store "
                                       "nor in a sign-off file: what it vouched for cannot be "
                                       "checked (removed, or never made through weibao)")))
            return problems, OK
        problems += self._statement(entry, found, problem)
        owner = self._owner(entry, found[0], problem)
        if isinstance(owner, Message):
            problems.append(owner)
        return problems, OWNER_UNCHECKED if owner is False else OK

    def _statement(self, entry: Entry, found: list[Signed], problem: Any) -> list[Message]:
        first = found[0]
        problems: list[Message] = []
        reason = self._signature_problem(first)
        if reason:
            problems.append(problem(N_("%(entry)s: its signature does not verify over its "
                                       "statement: %(reason)s"), reason=reason))
        with contextlib.suppress(SignatureError):
            made_with = parse_signature(first.signature).fingerprint
            recorded = [("log", entry.detail.get("fingerprint"))]
            recorded += [("store", s.fingerprint) for s in found if s.in_store]
            for where, fingerprint in recorded:
                if isinstance(fingerprint, str) and fingerprint and fingerprint != made_with:
                    problems.append(problem(N_("%(entry)s: its signature was made with the key "
                                               "%(found)s, not with %(recorded)s, the key the "
                                               "%(where)s records"),
                                            found=made_with, recorded=fingerprint,
                                            where=Message(_WHERE[where])))
        try:
            data = json.loads(first.statement)
            canonical = (isinstance(data, dict)
                         and canonical_bytes(data).decode("utf-8") == first.statement)
        except (ValueError, TypeError):
            data, canonical = None, False
        if not canonical or not isinstance(data, dict):
            problems.append(problem(N_("%(entry)s: its signed statement is not the canonical "
                                       "JSON weibao signs")))
            return problems
        act = entry.action.removeprefix("change.")
        expected = {"act": act, "change_id": entry.change_id, "signer": entry.actor,
                    "time": entry.time, "request_digest": entry.digests.get("request"),
                    "people_sha256": entry.detail.get("people_sha256")}
        if act == "close":
            expected["run_record_digest"] = entry.digests.get("run_record")
        for key, value in expected.items():
            if value is not None and data.get(key) != value:
                problems.append(problem(N_("%(entry)s: its signed statement has %(key)s "
                                           "%(signed)r, the log %(recorded)r: the statement of "
                                           "another sign-off"),
                                        key=key, signed=data.get(key), recorded=value))
        problems += self._head(entry, data.get("audit_head"), problem)
        return problems

    def _head(self, entry: Entry, head: Any, problem: Any) -> list[Message]:
        if not isinstance(head, str) or not _SHA256_RE.match(head):
            return [problem(N_("%(entry)s: its signed statement holds no audit head"))]
        problems: list[Message] = []
        recorded = entry.detail.get("audit_head")
        if isinstance(recorded, str) and recorded and recorded != head:
            problems.append(problem(N_("%(entry)s: the audit head it records (%(recorded)s) is "
                                       "not the one signed (%(head)s)"),
                                    recorded=_short(recorded), head=_short(head)))
        if head == GENESIS:
            return problems  # signed when the log was empty: every entry is after that
        vouched = self.by_hash.get(head)
        if vouched is None:
            problems.append(problem(N_("%(entry)s: its signed audit head %(head)s is not in "
                                       "the log: the log was rewritten after it was signed"),
                                    head=_short(head)))
        elif vouched.seq >= entry.seq:
            problems.append(problem(N_("%(entry)s: its signed audit head is entry %(found)s, "
                                       "not an entry before it: the log was reordered"),
                                    found=vouched.seq))
        return problems

    def _owner(self, entry: Entry, signed: Signed, problem: Any) -> bool | Message:
        """True when the people file signed with gives the key to the signer; a Message when
        it gives it to nobody or to someone else; False when it cannot say (the file is gone
        or no longer has the sha256 signed)."""
        path, digest = entry.detail.get("people_file"), entry.detail.get("people_sha256")
        try:
            signed_digest = json.loads(signed.statement).get("people_sha256")
            made_with = parse_signature(signed.signature).fingerprint
        except (ValueError, AttributeError, SignatureError):
            return False
        if not isinstance(path, str) or not path or signed_digest != digest or not digest:
            return False
        people = self._people_file(path, digest)
        if people is None:
            return False
        owner = people.by_fingerprint(made_with)
        if owner is not None and owner.id == entry.actor:
            return True
        return problem(N_("%(entry)s: its signature was made with the key %(found)s, which "
                          "the people file %(people)s it was signed with gives to %(owner)s"),
                       found=made_with, people=path,
                       owner=owner.id if owner else Message(N_("nobody")))

    def _people_file(self, path: str, digest: str) -> People | None:
        key = (path, digest)
        if key not in self._people:
            try:
                people = self.people_loader(path)
            except ConfigError:
                people = None
            self._people[key] = people if people is not None and people.sha256 == digest else None
        return self._people[key]

    def _signature_problem(self, signed: Signed) -> str:
        key = signed.digests
        if key not in self._signatures:
            self._signatures[key] = check_novalidate(signed.statement.encode("utf-8"),
                                                     signed.signature)
        return self._signatures[key]

    # every sign-off held

    def not_in_log(self, broken: bool) -> list[Message]:
        """A problem for each approve or close sign-off held whose entry is not in the chain."""
        logged = {(e.digests.get("statement"), e.digests.get("signature"))
                  for e in self.entries if e.action in HEAD_ACTIONS}
        last = self.entries[-1].seq if self.entries else 0
        problems: list[Message] = []
        seen: set[tuple[str, tuple[str, str]]] = set()
        for item in self.signed:
            params = {"act": Message(ACT_WORDS.get(item.act, item.act)),
                      "change": item.change_id, "person": item.person, "time": item.time}
            if item.in_store:
                entry = self.by_seq.get(item.audit_seq or 0)
                if entry is not None and entry.hash == item.audit_hash:
                    continue
                if entry is None and broken and (item.audit_seq or 0) > last:
                    continue  # past the break: the chain check reports it
                problems.append(Message(N_("the %(act)s of %(change)s by %(person)s at "
                                           "%(time)s is not in the log: the store records it as "
                                           "entry %(seq)s (%(hash)s), which the log does not "
                                           "hold"),
                                        {**params, "seq": item.audit_seq,
                                         "hash": _short(item.audit_hash)}))
            else:
                if item.digests in logged or broken or (item.where, item.digests) in seen:
                    continue
                seen.add((item.where, item.digests))
                problems.append(Message(N_("the %(act)s of %(change)s by %(person)s at %(time)s "
                                           "is not in the log: the sign-off file %(file)s holds "
                                           "it"), {**params, "file": item.where}))
        return problems


_WHERE = {"log": N_("log"), "store": N_("store")}


def _short(digest: str) -> str:
    return f"{digest[:12]}..." if len(digest) > 12 else digest


# ----------------------------------------------------------------------------- ssh-keygen


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="weibao-ssh-") as tmp:
        yield Path(tmp)


def check_novalidate(data: bytes, signature: str) -> str:
    """"" when ``signature`` is a good ``weibao-change`` signature over ``data`` by the key it
    carries (``ssh-keygen -Y check-novalidate``: who owns the key is not asked); else why not,
    one line."""
    try:
        parse_signature(signature)
    except SignatureError as exc:
        return exc.render()
    with _scratch() as tmp:
        sig = tmp / "signature"
        fd = os.open(sig, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(signature)
        result = run_ssh_keygen(["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)],
                                data=data)
    if result.returncode == 0:
        return ""
    lines = [ln.strip() for ln in result.stderr.decode("utf-8", "replace").splitlines()
             if ln.strip()]
    return "; ".join(lines) or "ssh-keygen -Y check-novalidate failed"
