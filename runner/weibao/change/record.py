"""The data of a change's on-site service record (现场服务报告, ``weibao report change``).

:func:`change_context` gathers everything the contract asks the record to say, from where
change control keeps it, into the context documented at the top of
``report_templates/change/report.html.j2``:

* the request: the request file the store names (its current content and digest);
* the sign-offs: the request's ``.signoffs.yml``, each verified now, with the same checks
  ``weibao change run`` makes (:class:`~weibao.change.signoffs.Checker` and
  :func:`~weibao.change.rules.signers.check_signer`) against the site's people file and the audit
  log: ``valid`` is true only for a sign-off of the current round, over the current content,
  by the key of a person whose role allows it, recorded in the audit log; a sign-off of an
  earlier round or over another version is false; null when the people file cannot be read;
* the runs with their task results: :func:`run_record` (below), the same
  record the closing signature covers, and its digest; each run's digest recomputed from the
  store and compared with the one its ``change.run.end`` audit entry holds, and the whole
  record's with the one the closing signed: a record altered after the fact shows;
* the closing (result, remaining issues, client's evaluation): the signed closing statement,
  with the validity of that sign-off;
* the audit log's entries of the change. A damaged audit log stops the record (exit 1): a
  service record is not issued over a history that no longer verifies.

Nothing is written: not the store, not the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weibao.audit import AuditLog, Entry, default_audit_path
from weibao.canonical import sha256_hex
from weibao.change.people import People, load_people
from weibao.change.refusal import Refusal
from weibao.change.request import CHANGE_ID_RE, ChangeRequest, load_request
from weibao.change.rules.signers import check_signer
from weibao.change.signoffs import Checker, Record, current_round, read_signoffs
from weibao.change.site import people_file, site_settings
from weibao.config import Settings
from weibao.errors import N_, ConfigError, NotFound
from weibao.services.inventory import load_inventory
from weibao.signing import SignatureError, parse_signature
from weibao.store import Change, Run, Store

RUN_MODES = {"change": "run", "change-check": "check"}
SCAN_RESULTS = {"OK": "clean"}


def change_context(store: Store, settings: Settings, change_id: str, *,
                   people_path: str | Path | None = None) -> dict[str, Any]:
    """The context of the change record of ``change_id`` (see the module docstring).

    ConfigError for a malformed id, NotFound (exit 3) for a change the store does not know,
    the audit log's BrokenChain (exit 1) when the log is damaged; ConfigError naming the file
    when the request file or the inventory cannot be read.
    """
    state, awaiting_flag, request_path = _stored_change(store, change_id)
    request = load_request(request_path)
    if request.id != change_id:
        raise ConfigError(N_("%(file)s: id is %(found)s, but the store keeps this file for "
                             "%(change)s"), file=str(request.path), found=request.id,
                          change=change_id)
    log = AuditLog(default_audit_path(settings.data_dir))
    entries = list(log.entries(change_id))  # BrokenChain at the first bad line
    people = _people(request, people_path)
    records = read_signoffs(request.path, change_id)
    signoffs = verify_signoffs(request, records, people, log, entries)
    record = run_record(store, change_id)
    ends = _end_digests(entries)
    runs = [_run(run, ends.get(run["id"])) for run in record["runs"]]
    closing = _closing(records, signoffs, record)
    return {
        "kind": "change",
        "file_stem": f"change-{change_id}",
        "site": _site(request),
        "change": {**_request(request, record["runs"]), "state": state,
                   "awaiting_retrospective_approval": _awaiting(request, signoffs,
                                                                awaiting_flag)},
        "people": [_person(p) for p in people] if people is not None else [],
        "signoffs": signoffs,
        "runs": runs,
        "closing": closing,
        "digests": _digests(request, signoffs, record, closing),
        "audit": [{"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action,
                   "hash": e.hash} for e in entries],
    }


# ----------------------------------------------------------------------------- the change


def _stored_change(store: Store, change_id: str) -> tuple[str, bool, str]:
    """(state, awaiting_retrospective_approval, request path) of the store's change row."""
    if not isinstance(change_id, str) or not CHANGE_ID_RE.match(change_id):
        raise ConfigError(N_("change id %(value)r: expected CR-YYYY-NNNN"), value=change_id)
    with store.session() as s:
        change = s.get(Change, change_id)
        if change is None:
            raise NotFound(N_("%(change)s: no such change in the store"), change=change_id)
        return change.state, bool(change.awaiting_retrospective_approval), change.request_path


def _awaiting(request: ChangeRequest, signoffs: list[dict[str, Any]], stored: bool) -> bool:
    """An emergency change awaits retrospective approval until a valid approval is there;
    when the approvals could not be checked (no people file), the store's flag says."""
    if not request.emergency.is_emergency:
        return False
    approvals = [s["valid"] for s in signoffs if s["act"] == "approve"]
    if True in approvals:
        return False
    return stored if None in approvals else True


def _people(request: ChangeRequest, override: str | Path | None) -> People | None:
    """The site's people file; None when the default one cannot be read (the sign-offs are
    then shown as not checked). A people file given with ``--people`` must be readable."""
    if override is not None:
        return load_people(override)
    try:
        return load_people(people_file(request))
    except ConfigError:
        return None


def _person(person: Any) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "organisation": person.organisation,
            "roles": list(person.roles)}


def _site(request: ChangeRequest) -> dict[str, Any]:
    """The site as the request's inventory describes it, with its notice period."""
    inventory = load_inventory(request.targets.inventory)
    site = inventory.site
    hours = int(site_settings(inventory).lead_time.total_seconds() // 3600)
    return {"name": site.name, "client": site.client, "provider": site.provider,
            "contract": site.contract, "timezone": site.timezone,
            "change_lead_time_hours": hours}


def _request(request: ChangeRequest, runs: list[dict[str, Any]]) -> dict[str, Any]:
    window = request.window
    return {
        "id": request.id, "title": request.title, "purpose": request.purpose,
        "site": request.site, "kind": request.kind,
        "requester": request.requester, "operator": request.operator,
        "recorder": request.recorder, "attendees": list(request.attendees),
        "targets": {"inventory": request.targets.inventory, "limit": request.targets.limit},
        "playbook": request.playbook, "variables": request.variables,
        "steps": list(request.steps), "hardware_changes": list(request.hardware_changes),
        "software_changes": list(request.software_changes),
        "window": {"start": window.start.isoformat(timespec="seconds"),
                   "end": window.end.isoformat(timespec="seconds"),
                   "timezone": window.timezone},
        "expected_minutes": request.expected_minutes,
        "application_downtime": {"minutes": request.application_downtime.minutes,
                                 "description": request.application_downtime.description},
        "rollback_plan": request.rollback_plan,
        "emergency": {"is_emergency": request.emergency.is_emergency,
                      "reason": request.emergency.reason},
        "media": _media(request, runs),
    }


def _media(request: ChangeRequest, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each medium of the request, with the check of the latest run that checked it (the
    media gate passes only when every file matches and scans clean)."""
    out = []
    for item in request.media:
        row: dict[str, Any] = {"path": item.path, "sha256": item.sha256,
                               "description": item.description}
        for run in reversed(runs):
            evidence = ((run.get("detail") or {}).get("gates") or {}).get("media") or {}
            found = next((f for f in evidence.get("files") or []
                          if f.get("path") == item.path), None)
            if found is not None:
                verdict = str(found.get("scan") or "")
                row.update(checked_at=run["started_at"],
                           sha256_matches=found.get("sha256") == item.sha256,
                           scan={"result": SCAN_RESULTS.get(verdict, "error"),
                                 "scanner": "ClamAV",
                                 "scanner_version": evidence.get("scanner") or "",
                                 "detail": verdict})
                break
        out.append(row)
    return out


# ----------------------------------------------------------------------------- sign-offs


def verify_signoffs(request: ChangeRequest, records: list[Record], people: People | None,
                    log: AuditLog, entries: list[Entry]) -> list[dict[str, Any]]:
    """Every sign-off of the request's file, oldest first, as the record shows it, with
    ``valid`` worked out now (None for all when ``people`` is None: nothing to check
    against)."""
    start, _ = current_round(records)
    checker = Checker(request.id, request.path, people, log, entries) if people else None
    out = []
    for index, record in enumerate(records):
        valid, fingerprint = _verify(request, checker, start, index, record)
        item: dict[str, Any] = {"act": record.act, "role": record.role,
                                "person": record.person, "signed_at": record.time,
                                "fingerprint": fingerprint,
                                "request_digest": record.request_digest, "valid": valid}
        if record.act in ("approve", "close"):
            item["audit_head"] = record.audit_head
        if record.act == "close":
            item["run_record_digest"] = str(_statement(record).get("run_record_digest", ""))
        out.append(item)
    return out


def _verify(request: ChangeRequest, checker: Checker | None, start: int, index: int,
            record: Record) -> tuple[bool | None, str]:
    """(valid, key fingerprint) of one sign-off."""
    if checker is None:
        return None, _fingerprint(record)
    if index < start or record.request_digest != request.digest:
        return False, _fingerprint(record)  # an earlier round, or another version
    try:
        checked = checker.check(index, record)
        check_signer(request, checked)
    except Refusal:
        return False, _fingerprint(record)
    return True, checked.fingerprint


def _fingerprint(record: Record) -> str:
    """The fingerprint of the key in the signature blob ("" when it is not one)."""
    try:
        return parse_signature(record.signature).fingerprint
    except SignatureError:
        return ""


def _statement(record: Record) -> dict[str, Any]:
    try:
        return record.data()
    except (ValueError, TypeError):
        return {}


# ----------------------------------------------------------------------------- runs, closing


def _end_digests(entries: list[Entry]) -> dict[Any, str]:
    """{run id: the run record digest its ``change.run.end`` / ``change.check.end`` entry
    holds} (a run found dead after a crash has an end entry without one)."""
    out: dict[Any, str] = {}
    for entry in entries:
        if entry.action in ("change.run.end", "change.check.end") \
                and entry.digests.get("run_record"):
            out.setdefault(entry.detail.get("run_id"), entry.digests["run_record"])
    return out


def _run(run: dict[str, Any], recorded: str | None = None) -> dict[str, Any]:
    """One run of :func:`run_record` in the record's shape; ``record_digest`` is the sha256
    of that run's record now, ``recorded_digest`` the one the audit log's ``change.run.end``
    entry holds (null: none), ``record_intact`` whether they agree (null: nothing to compare
    with): false when the store's record of the run was altered after it ended."""
    digest = sha256_hex(run)
    tasks = [{"seq": number, "host": t["host"], "task": t["task"], "status": t["status"],
              "ignored": bool(t["ignored"]), "ended_at": t["time"], "message": t["message"]}
             for number, t in enumerate(run["task_results"], start=1)]
    return {"id": run["id"], "mode": RUN_MODES.get(run["kind"], run["kind"]),
            "status": run["status"], "started_at": run["started_at"],
            "ended_at": run["ended_at"], "user": run["user"],
            "record_digest": digest, "recorded_digest": recorded,
            "record_intact": None if recorded is None else recorded == digest,
            "hosts": run["hosts"], "message": run["message"], "tasks": tasks}


def _closing(records: list[Record], signoffs: list[dict[str, Any]],
             record: dict[str, Any]) -> dict[str, Any] | None:
    """What the recorder signed when closing: the latest closing of the current round, with
    ``valid`` (that sign-off's validity, as in ``signoffs``), ``run_record_digest`` (the run
    record digest it signed) and ``run_record_intact``: whether the run record in the store
    still has that digest (false: altered after closing; null: nothing signed to compare)."""
    start, current = current_round(records)
    closes = [(start + i, r) for i, r in enumerate(current) if r.act == "close"]
    if not closes:
        return None
    index, closing = closes[-1]
    data = _statement(closing)
    signed = str(data.get("run_record_digest") or "")
    return {"outcome": data.get("outcome", ""),
            "remaining_issues": data.get("remaining_issues", ""),
            "evaluation": data.get("evaluation", ""),
            "closed_at": closing.time, "closed_by": closing.person,
            "valid": signoffs[index]["valid"],
            "run_record_digest": signed,
            "run_record_intact": (signed == run_record_digest(record)) if signed else None}


def _digests(request: ChangeRequest, signoffs: list[dict[str, Any]],
             record: dict[str, Any], closing: dict[str, Any] | None) -> dict[str, str]:
    """The request's digest now, the run record's digest now and the one the closing signed,
    the audit chain heads the latest approval and closing signed, and the last real run's
    archive manifest."""
    digests = {"request": request.digest}
    if record["runs"]:
        digests["run_record"] = run_record_digest(record)
    if closing and closing["run_record_digest"]:
        digests["run_record_at_closing"] = closing["run_record_digest"]
    for act, name in (("approve", "audit_head_at_approval"), ("close", "audit_head_at_closing")):
        # the latest sign-off of the act that is not invalid (valid, or not checked)
        heads = [s["audit_head"] for s in signoffs if s["act"] == act
                 and s["valid"] is not False and s.get("audit_head")]
        if heads:
            digests[name] = heads[-1]
    manifests = [r["manifest_sha256"] for r in record["runs"]
                 if r["kind"] == "change" and r["manifest_sha256"]]
    if manifests:
        digests["manifest_sha256"] = manifests[-1]
    return digests


# ----------------------------------------------------------------------------- run records


def utc_text(moment: dt.datetime | None) -> str | None:
    """``2026-03-07T14:30:00Z``, or None for no time."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _run_record(run: Run) -> dict[str, Any]:
    return {
        "id": run.id, "kind": run.kind, "status": run.status, "site": run.site,
        "started_at": utc_text(run.started_at), "ended_at": utc_text(run.ended_at),
        "user": run.user, "controller": run.controller, "inventory": run.inventory,
        "playbook": run.playbook, "limit": run.limit, "ansible_version": run.ansible_version,
        "weibao_version": run.weibao_version, "artifact_dir": run.artifact_dir,
        "manifest_sha256": run.manifest_sha256, "message": run.message,
        "detail": run.detail or {},
        "hosts": [{"name": h.name, "status": h.status, "message": h.message}
                  for h in run.hosts],
        "task_results": [t.as_dict() for t in run.task_results],
    }


def run_record(store: Store, change_id: str) -> dict[str, Any]:
    """Every run of the change (rehearsals included) with hosts and task results: what the
    closing signature covers (by :func:`run_record_digest`) and what reports show."""
    with store.session() as s:
        runs = s.scalars(select(Run).where(Run.change_id == change_id).order_by(Run.id))
        return {"change_id": change_id, "runs": [_run_record(r) for r in runs]}


def run_record_digest(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a :func:`run_record`."""
    return sha256_hex(record)
