"""The sign-off acts: the requester submits, an approver of the client approves, the operator
and the recorder attest being present, the recorder closes; and the client's supervisor
vouches for the client's people (its trust anchor).

Each act checks the rules (:func:`weibao.change.rules.may_sign`; a refusal is one line, exit
3, and an audit entry), then signs a canonical statement with the signer's key
(:func:`weibao.change.signoffs.statement`) and records it in the request's .signoffs.yml, the
audit log and the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from weibao.audit import Entry, utc_timestamp
from weibao.canonical import sha256_hex
from weibao.change.anchor import check_vouched
from weibao.change.base import ServiceBase
from weibao.change.people import People, Person, allowed_signers, load_people
from weibao.change.playbook import playbook_files
from weibao.change.record import run_record, run_record_digest
from weibao.change.refusal import Refusal
from weibao.change.request import ChangeRequest, load_request
from weibao.change.rules import may_sign
from weibao.change.rules.context import load_targets
from weibao.change.rules.signers import Signing
from weibao.change.signoffs import (
    ATTEST_ROLES,
    HEAD_ACTS,
    OUTCOMES,
    Record,
    append_signoff,
    key_owner,
    locked,
    make_record,
    statement,
)
from weibao.change.site import site_binding, targets_binding
from weibao.errors import N_, ConfigError
from weibao.signing import sign, verify
from weibao.store import Change, Signoff


class SignOffActs(ServiceBase):
    """submit, approve, attest, close; vouch."""

    def vouch(self, inventory_path: str | Path, key: str | Path, *,
              people_path: str | Path | None = None, passphrase: str | None = None,
              interactive: bool = False) -> tuple[Path, People, str]:
        """The client's supervisor vouches for the client's people with the anchor key
        (weibao.change.anchor); audited. Returns the file written, the people, the anchor's
        fingerprint."""
        from weibao.change.anchor import vouch
        from weibao.change.site import site_settings
        from weibao.services.inventory import load_inventory

        self.recover()
        now = self.now()
        inventory = load_inventory(inventory_path)
        site = site_settings(inventory)
        folder = inventory.path if inventory.path.is_dir() else inventory.path.parent
        people = load_people(Path(people_path) if people_path else folder / "people.yml")
        if not site.client_anchor:
            raise ConfigError(N_("inventory %(file)s: weibao_site.client_anchor: not set: the "
                                 "client's supervisor's anchor public key goes there first"),
                              file=str(inventory.path))
        path = vouch(people, key, site.client_anchor, utc_timestamp(now), passphrase,
                     interactive=interactive)
        self.log.append(self.user, "people.vouch", None,
                        digests={"people": people.sha256,
                                 "vouched": hashlib.sha256(path.read_bytes()).hexdigest()},
                        detail={"people_file": str(people.path), "site": site.name,
                                "anchor": site.client_anchor_fingerprint,
                                "client_people": sorted(p.id for p in people
                                                        if p.organisation == "client")},
                        now=now)
        return path, people, site.client_anchor_fingerprint

    def submit(self, request_path: str | Path, key: str | Path, *,
               people_path: str | Path | None = None, passphrase: str | None = None,
               interactive: bool = False) -> Record:
        """The requester signs the request (书面维护申请): its submission time counts for the
        notice."""
        return self._sign_off("submit", "requester", request_path, key, people_path,
                              passphrase, interactive)

    def approve(self, request_path: str | Path, key: str | Path, *,
                people_path: str | Path | None = None, passphrase: str | None = None,
                interactive: bool = False) -> Record:
        """An approver of the client signs (书面批准); for an emergency change this may come
        after the run (retrospective approval)."""
        return self._sign_off("approve", "approver", request_path, key, people_path,
                              passphrase, interactive)

    def attest(self, request_path: str | Path, role: str, key: str | Path, *,
               people_path: str | Path | None = None, passphrase: str | None = None,
               interactive: bool = False) -> Record:
        """The operator or the recorder signs that they are present for the execution."""
        if role not in ATTEST_ROLES:
            raise ConfigError(N_("--role %(value)r: expected operator or recorder"), value=role)
        return self._sign_off("attest", role, request_path, key, people_path, passphrase,
                              interactive)

    def close(self, request_path: str | Path, key: str | Path, *, outcome: str,
              remaining_issues: str, evaluation: str, people_path: str | Path | None = None,
              passphrase: str | None = None, interactive: bool = False) -> Record:
        """The recorder closes the change: outcome, remaining issues (剩余问题) and the client's
        evaluation (客户评估), signed together with the run record's digest."""
        if outcome not in OUTCOMES:
            raise ConfigError(N_("--outcome %(value)r: expected one of %(choices)s"),
                              value=outcome, choices=", ".join(OUTCOMES))
        for name, text in (("--remaining", remaining_issues), ("--evaluation", evaluation)):
            if not text.strip():
                raise ConfigError(N_("%(option)s: must not be blank (write \"none\" when there "
                                     "is nothing)"), option=name)
        extra = {"outcome": outcome, "remaining_issues": remaining_issues,
                 "evaluation": evaluation}
        return self._sign_off("close", "recorder", request_path, key, people_path, passphrase,
                              interactive, extra)

    def _sign_off(self, act: str, role: str, request_path: str | Path, key: str | Path,
                  people_path: str | Path | None, passphrase: str | None, interactive: bool,
                  extra: dict[str, str] | None = None) -> Record:
        self.recover()
        request = load_request(request_path)
        now = self.now()
        people, signer, targets, site_values = self._may_sign_off(act, role, request, key,
                                                                  people_path, now)
        close: dict[str, str] = {}
        if act == "close":
            close = {**(extra or {}),
                     "run_record_digest": run_record_digest(run_record(self.store,
                                                                       request.id))}
        with locked(request.path):
            head = self.log.head() if act in HEAD_ACTS else ""
            files = playbook_files(request)  # read once: the files listed are those signed
            playbook = sha256_hex(files)
            text = statement(request.id, act, request.digest, signer.id, utc_timestamp(now),
                             role=role, audit_head=head, close=close,
                             people_sha256=people.sha256, playbook_digest=playbook,
                             targets=targets, site=site_values)
            signature = sign(text.encode("utf-8"), key, passphrase, interactive=interactive)
            checked = verify(text.encode("utf-8"), signature, signer.id,
                             allowed_signers(people), what=f"{act} by {signer.id}")
            record = make_record(text, signature)
            digests = {"request": request.digest, "statement": record.statement_digest,
                       "signature": record.signature_digest}
            detail: dict[str, Any] = {"role": role, "person": signer.id,
                                      "fingerprint": checked.fingerprint, "time": record.time,
                                      "emergency": request.emergency.is_emergency,
                                      "people_file": str(people.path),
                                      "people_sha256": people.sha256,
                                      "playbook_digest": playbook,
                                      "playbook_files": files,
                                      "targets": targets, "site": site_values}
            if head:
                detail["audit_head"] = head
            if act == "close":
                digests["run_record"] = close["run_record_digest"]
                detail.update(extra or {})
            entry = self.log.append(signer.id, f"change.{act}", request.id, digests=digests,
                                    detail=detail, now=now)
            append_signoff(request.path, request.id, record)
            self._store_signoff(request, record, checked.fingerprint, entry, now)
        return record

    def _may_sign_off(self, act: str, role: str, request: ChangeRequest, key: str | Path,
                      people_path: str | Path | None, now: dt.datetime
                      ) -> tuple[People, Person, dict[str, Any], dict[str, Any]]:
        """The people file, the signer (by the key) and what the sign-off signs of the
        targets and the site, once every rule of the act holds; a refusal otherwise, audited
        (made by the signer once the key names them)."""
        actor = self.user
        try:
            # a people file that cannot be used is a refusal like any other: audited
            try:
                people = self._people(request, people_path)
            except ConfigError as exc:
                raise Refusal.wrap("people", exc) from exc
            signer = key_owner(key, people)
            actor = signer.id
            ctx = self._context(request, people, now)
            state, _ = self._state(request.id)
            may_sign(ctx, Signing(act, role, signer, str(key), str(people.path)), state)
            inventory, site = load_targets(ctx)
            # a client-side signer must be one the client vouched for (its trust anchor)
            check_vouched(people, signer, site.client_anchor)
        except Refusal as refusal:
            raise self._refused(actor, request.id, act, refusal, now, request) from None
        return people, signer, targets_binding(request, inventory), site_binding(site)

    def _store_signoff(self, request: ChangeRequest, record: Record, fingerprint: str,
                       entry: Entry, now: dt.datetime) -> None:
        with self.store.session() as s:
            change = s.get(Change, request.id)
            if change is None:
                change = Change(id=request.id, state="draft", created_at=now,
                                remaining_issues="", evaluation="")
                s.add(change)
            _describe(change, request)
            change.updated_at = now
            s.add(Signoff(change=change, act=record.act, role=record.role,
                          person=record.person, fingerprint=fingerprint, time=now,
                          request_digest=record.request_digest, audit_head=record.audit_head,
                          statement=record.statement, signature=record.signature,
                          audit_seq=entry.seq, audit_hash=entry.hash))
            if record.act == "submit":
                change.state = "submitted"
                change.submitted_at, change.approved_at = now, None
                change.awaiting_retrospective_approval = request.emergency.is_emergency
            elif record.act == "approve":
                change.approved_at = now
                change.awaiting_retrospective_approval = False
                if change.state == "submitted":
                    change.state = "approved"
            elif record.act == "close":
                data = record.data()
                change.state, change.closed_at = "closed", now
                change.outcome = data["outcome"]
                change.remaining_issues = data["remaining_issues"]
                change.evaluation = data["evaluation"]
                change.run_record_digest = data["run_record_digest"]


def _describe(change: Change, request: ChangeRequest) -> None:
    """Copy what the store keeps of the request onto its row."""
    change.site, change.title, change.kind = request.site, request.title, request.kind
    change.emergency = request.emergency.is_emergency
    change.emergency_reason = request.emergency.reason
    change.request_digest = request.digest
    change.request_path = str(request.path.resolve())
    change.requester, change.operator = request.requester, request.operator
    change.recorder = request.recorder
    change.window_start = request.window.start.astimezone(dt.UTC)
    change.window_end = request.window.end.astimezone(dt.UTC)
    change.timezone = request.window.timezone
