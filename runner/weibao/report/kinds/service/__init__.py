"""The on-site service record (现场服务报告 / 现场工作日志): one per filed record
(``weibao report service S-2026-0001``).

The contract's content: 到达时间、工作内容、工作结果、剩余问题、客户评估 (arrival time, work
done, result, remaining issues, the client's evaluation), signed by the client's
representative (shared/contract.md). The report shows the record as filed
(weibao.service_records), the engineers and the representative by their names from the site's
people.yml, the electronic OpenSSH signatures filed with it (each verified again here, with
weibao.service_records.check_signatures, against the people file: valid or not, and why), and
signature boxes on paper always.

Context (JSON-able; the JSON output is this dict)::

    kind, file_stem ("service-<site>-<id>"), generated_at (ISO UTC)
    site       {name, client, provider, contract, timezone, ...}
    record     {id, site, arrival, departure (ISO UTC), duration_minutes,
                engineers [{id, name, organisation}], client_representative {id, name,
                organisation}, work, result, remaining_issues, evaluation (satisfied |
                basically_satisfied | dissatisfied), evaluation_comment, fault, change,
                recorded_at, recorded_by, sha256}
    signatures [{role (provider | client), signer {id, name, organisation}, fingerprint,
                 valid (true | false | null: not checked, no people file), reason
                 {en, zh-CN} (why not valid, or null)}]  in ROLES order
    electronic {provider, client, both}: which sides signed electronically with a valid
               signature
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from weibao.errors import N_, ConfigError, NotFound, WeibaoError
from weibao.report.base import ReportError
from weibao.report.kind import ReportKind, ReportRequest

ROLES = ("provider", "client")
EVALUATIONS = ("satisfied", "basically_satisfied", "dissatisfied")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _find(store: Any, record_id: str, site: str | None):
    from sqlalchemy import select

    from weibao.store import ServiceRecord

    with store.session() as s:
        query = select(ServiceRecord).where(ServiceRecord.record_id == record_id)
        if site:
            query = query.where(ServiceRecord.site == site)
        found = list(s.scalars(query))
    if not found:
        raise NotFound(N_("service record %(id)s: no such record"), id=record_id)
    if len(found) > 1:
        raise ConfigError(N_("service record %(id)s: records of this id at sites %(sites)s: "
                             "give --site"), id=record_id,
                          sites=", ".join(sorted(r.site for r in found)))
    return found[0]


def _in_both(error: WeibaoError) -> dict[str, str]:
    from weibao.i18n import SUPPORTED, cli_gettext

    return {lang: error.render(cli_gettext(lang)) for lang in SUPPORTED}


def verify_signatures(row: Any, people: Any) -> dict[str, dict[str, Any]]:
    """Each filed signature of ``row`` checked again against ``people``:
    {role: {"signer", "fingerprint", "valid", "reason"}}.

    Verified through :func:`weibao.service_records.check_signatures`, one role at a time (it
    stops at the first bad one): the signature is put beside a scratch copy of the record's
    path, as ``weibao service record`` finds it. Without a people file nothing can be
    checked: ``valid`` is None.
    """
    from weibao.service_records import Record, check_signatures, signature_path

    out: dict[str, dict[str, Any]] = {}
    filed = row.signatures or {}
    for role in ROLES:
        entry = filed.get(role)
        if not entry:
            continue
        result = {"signer": entry.get("signer") or "", "fingerprint":
                  entry.get("fingerprint") or "", "valid": None, "reason": None}
        if people is not None:
            with tempfile.TemporaryDirectory(prefix="weibao-service-") as tmp:
                path = Path(tmp) / f"{row.record_id}.yml"
                record = Record(path, dict(row.content), row.arrival, row.departure)
                signature_path(path, role).write_text(entry.get("signature") or "",
                                                      encoding="ascii", errors="replace")
                try:
                    checked = check_signatures(record, people)[role]
                except WeibaoError as exc:
                    result.update(valid=False, reason=_in_both(exc))
                else:
                    result.update(valid=True, signer=checked["signer"],
                                  fingerprint=checked["fingerprint"])
        out[role] = result
    return out


def build_context(store: Any, request: ReportRequest) -> dict[str, Any]:
    from weibao.report.kinds._site import load_site

    record_id = (request.subject_id or "").strip()
    if not record_id:
        raise ReportError(N_("report service: give the service record id (S-YYYY-NNNN)"))
    row = _find(store, record_id, request.site)
    settings = load_site(row.site, request.inventory, store,
                         request.people)
    content = dict(row.content or {})
    checked = verify_signatures(row, settings.people)
    signatures = [{"role": role, "signer": settings.person(entry["signer"]),
                   "fingerprint": entry["fingerprint"], "valid": entry["valid"],
                   "reason": entry["reason"]}
                  for role, entry in checked.items()]
    valid = {s["role"] for s in signatures if s["valid"]}
    minutes = int((row.departure - row.arrival).total_seconds() // 60)
    return {
        "kind": "service",
        "file_stem": f"service-{row.site}-{row.record_id}",
        "generated_at": _iso(request.now),
        "site": settings.site,
        "record": {
            "id": row.record_id, "site": row.site, "arrival": _iso(row.arrival),
            "departure": _iso(row.departure), "duration_minutes": minutes,
            "engineers": [settings.person(e) for e in row.engineers],
            "client_representative": settings.person(content.get("client_representative")
                                                     or ""),
            "work": content.get("work", ""), "result": content.get("result", ""),
            "remaining_issues": content.get("remaining_issues", ""),
            "evaluation": content.get("evaluation", ""),
            "evaluation_comment": content.get("evaluation_comment", ""),
            "fault": row.fault_id or "", "change": row.change_id or "",
            "recorded_at": _iso(row.recorded_at), "recorded_by": row.recorded_by or "",
            "sha256": row.sha256,
        },
        "signatures": signatures,
        "electronic": {"provider": "provider" in valid, "client": "client" in valid,
                       "both": valid >= set(ROLES)},
    }


def build_view(context: Mapping[str, Any]) -> dict[str, Any]:
    record = context["record"]
    if record["evaluation"] not in EVALUATIONS:
        raise ReportError(N_("service record %(id)s: evaluation %(value)r is not one of "
                             "%(expected)s"), id=record["id"], value=record["evaluation"],
                          expected=", ".join(EVALUATIONS))
    by_role = {s["role"]: s for s in context["signatures"]}
    return {
        "signatures": [by_role[r] for r in ROLES if r in by_role],
        "unsigned": [r for r in ROLES if r not in by_role],
        "invalid": [s for s in context["signatures"] if s["valid"] is False],
        "engineer_names": [e["name"] for e in record["engineers"]],
    }


def file_stem(context: Mapping[str, Any]) -> str:
    return context["file_stem"]


KIND = ReportKind(
    name="service",
    title={"en": "On-site Service Record", "zh-CN": "现场服务报告"},
    subject="id",
    period=None,
    build_context=build_context,
    build_view=build_view,
    file_stem=file_stem,
)
