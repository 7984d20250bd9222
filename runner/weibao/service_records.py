"""On-site service records (现场服务报告 / 现场工作日志, 现场服务记录): one after every on-site
job, not only changes.

The engineer fills a YAML file (``weibao service new`` writes a skeleton with ``<fill in: …>``
placeholders), both sides may sign it with their OpenSSH keys (``weibao service sign``, the
signature in a file beside the record, ``RECORD.yml.provider.sig`` / ``.client.sig``), and
``weibao service record`` checks it and files it in the store with its signatures.

The fields are the contract's: 到达时间 (arrival), 工作内容 (work), 工作结果 (result), 剩余问题
(remaining issues), 客户评估 (the client's evaluation), signed by the client's representative.
What is signed is the canonical JSON of the checked record (times in UTC), under the SSH
signature namespace ``weibao-service`` (a change's signature cannot be moved onto a record).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from weibao.canonical import canonical_bytes, sha256_hex
from weibao.errors import N_, ConfigError
from weibao.services.faults import TICKET_ID_RE
from weibao.services.problems import FieldError
from weibao.store import ServiceRecord, Store

NAMESPACE = "weibao-service"
ROLES = ("provider", "client")
EVALUATIONS = ("satisfied", "basically_satisfied", "dissatisfied")  # 满意 / 基本满意 / 不满意
FIELDS = {  # field: required
    "site": True, "arrival": True, "departure": True, "engineers": True,
    "client_representative": True, "work": True, "result": True, "remaining_issues": True,
    "evaluation": True, "evaluation_comment": False, "fault": False, "change": False,
}
PLACEHOLDER = "<fill in:"
CHANGE_ID_RE = re.compile(r"^CR-\d{4}-\d{4}$")
RECORD_ID_RE = re.compile(r"^S-(\d{4})-(\d{4})$")
MAX_TEXT = 8000


@dataclass(frozen=True)
class Record:
    """A checked record: ``content`` is what is signed and stored (times UTC ISO)."""

    path: Path
    content: dict[str, Any]
    arrival: datetime
    departure: datetime

    @property
    def data(self) -> bytes:
        return canonical_bytes(self.content)

    @property
    def sha256(self) -> str:
        return sha256_hex(self.content)


def _bad(path: Path, field: str, problem: str, **params: Any) -> FieldError:
    return FieldError(str(path), field, problem, **params)


def _time(path: Path, field: str, value: Any, timezone: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise _bad(path, field, N_("%(value)r is not an ISO-8601 time (2026-12-06T09:30)"),
                       value=value) from None
    if moment.tzinfo is None:
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def load_record(path: str | Path, timezone: str, people: Any, *,
                now: datetime | None = None) -> Record:
    """Read and check a record file against the site's people; ConfigError (file, field,
    what) on the first problem."""
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(N_("%(file)s: cannot read: %(reason)s"), file=str(file),
                          reason=exc.strerror or str(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(N_("%(file)s: not valid YAML: %(reason)s"), file=str(file),
                          reason=str(exc).splitlines()[0]) from None
    if not isinstance(raw, dict):
        raise ConfigError(N_("%(file)s: expected a mapping of the record's fields"),
                          file=str(file))
    for key in raw:
        if key not in FIELDS:
            raise _bad(file, str(key), N_("unknown field (expected %(fields)s)"),
                       fields=", ".join(FIELDS))
    for key, required in FIELDS.items():
        value = raw.get(key)
        if required and value in (None, "", []):
            raise _bad(file, key, N_("missing"))
        if isinstance(value, str) and PLACEHOLDER in value:
            raise _bad(file, key, N_("still the placeholder %(value)r"), value=value.strip())
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise _bad(file, key, N_("longer than %(max)d characters"), max=MAX_TEXT)
    for key in ("site", "work", "result", "remaining_issues", "client_representative"):
        if not isinstance(raw[key], str):
            raise _bad(file, key, N_("expected text"))
    arrival = _time(file, "arrival", raw["arrival"], timezone)
    departure = _time(file, "departure", raw["departure"], timezone)
    if departure < arrival:
        raise _bad(file, "departure", N_("%(time)s is before the arrival %(arrival)s"),
                   time=departure.isoformat(), arrival=arrival.isoformat())
    if now is not None and departure > now:
        raise _bad(file, "departure", N_("%(time)s is in the future"), time=departure.isoformat())
    engineers = raw["engineers"]
    if not isinstance(engineers, list) or not all(isinstance(e, str) for e in engineers):
        raise _bad(file, "engineers", N_("expected a list of people ids"))
    for index, engineer in enumerate(engineers):
        person = people.get(engineer) if PLACEHOLDER not in engineer else None
        if person is None:
            raise _bad(file, f"engineers[{index}]",
                       N_("%(id)r is not in the people file %(people)s"), id=engineer,
                       people=str(people.path))
        if person.organisation != "provider":
            raise _bad(file, f"engineers[{index}]", N_("%(id)s is not the provider's (乙方)"),
                       id=engineer)
    if len(set(engineers)) != len(engineers):
        raise _bad(file, "engineers", N_("a person is listed twice"))
    client = people.get(raw["client_representative"])
    if client is None or client.organisation != "client":
        raise _bad(file, "client_representative",
                   N_("%(id)r is not one of the client's people in %(people)s"),
                   id=raw["client_representative"], people=str(people.path))
    if raw["evaluation"] not in EVALUATIONS:
        raise _bad(file, "evaluation", N_("%(value)r is not one of %(choices)s"),
                   value=raw["evaluation"], choices=", ".join(EVALUATIONS))
    fault = str(raw.get("fault") or "")
    if fault and not TICKET_ID_RE.match(fault):
        raise _bad(file, "fault", N_("%(value)r is not a fault id (F-YYYY-NNNN)"), value=fault)
    change = str(raw.get("change") or "")
    if change and not CHANGE_ID_RE.match(change):
        raise _bad(file, "change", N_("%(value)r is not a change id (CR-YYYY-NNNN)"),
                   value=change)
    content = {
        "site": raw["site"], "arrival": arrival.isoformat(), "departure": departure.isoformat(),
        "engineers": list(engineers), "client_representative": raw["client_representative"],
        "work": raw["work"].strip(), "result": raw["result"].strip(),
        "remaining_issues": raw["remaining_issues"].strip(),
        "evaluation": raw["evaluation"],
        "evaluation_comment": str(raw.get("evaluation_comment") or "").strip(),
        "fault": fault, "change": change,
    }
    return Record(file, content, arrival, departure)


def signature_path(record: Path, role: str) -> Path:
    return record.with_name(f"{record.name}.{role}.sig")


def sign_record(record: Record, role: str, key: Path, people: Any, *,
                interactive: bool = False) -> Path:
    """Sign the record as ``role``; the signer is found by the key's fingerprint and must be
    one of the record's engineers (provider) or its client representative (client)."""
    from weibao import signing

    if role not in ROLES:
        raise ConfigError(N_("--role %(value)r: expected provider or client"), value=role)
    text = signing.sign(record.data, key, namespace=NAMESPACE, interactive=interactive)
    signer = people.by_fingerprint(signing.fingerprint(text))
    allowed = (record.content["engineers"] if role == "provider"
               else [record.content["client_representative"]])
    if signer is None or signer.id not in allowed:
        raise ConfigError(N_("%(file)s: the key %(key)s is not the key of %(allowed)s "
                             "(the record's %(role)s side)"), file=str(record.path),
                          key=str(key), allowed=", ".join(allowed), role=role)
    out = signature_path(record.path, role)
    out.write_text(text, encoding="ascii")
    return out


def check_signatures(record: Record, people: Any) -> dict[str, dict[str, str]]:
    """The signatures lying beside the record, each verified; ConfigError on one that does
    not verify (made over other data, by somebody else)."""
    from weibao import signing
    from weibao.change.people import allowed_signers

    found: dict[str, dict[str, str]] = {}
    for role in ROLES:
        path = signature_path(record.path, role)
        if not path.is_file():
            continue
        allowed_ids = (record.content["engineers"] if role == "provider"
                       else [record.content["client_representative"]])
        text = path.read_text(encoding="ascii", errors="replace")
        signer = signing.find_principal(text, allowed_signers(people, NAMESPACE))
        if signer is None or signer not in allowed_ids:
            raise ConfigError(N_("%(file)s: signed by none of %(allowed)s"), file=str(path),
                              allowed=", ".join(allowed_ids))
        verified = signing.verify(record.data, text, signer, allowed_signers(people, NAMESPACE),
                                  namespace=NAMESPACE, what=str(path))
        found[role] = {"signer": signer, "fingerprint": verified.fingerprint,
                       "signature": text}
    return found


def next_record_id(session: Any, site: str, year: int) -> str:
    used = session.scalars(select(ServiceRecord.record_id).where(
        ServiceRecord.site == site, ServiceRecord.record_id.like(f"S-{year}-%"))).all()
    number = max((int(m[2]) for m in map(RECORD_ID_RE.match, used) if m), default=0) + 1
    return f"S-{year}-{number:04d}"


def file_record(store: Store, site: str, record: Record, signatures: dict[str, Any],
                now: datetime, user: str = "", timezone: str = "UTC") -> ServiceRecord:
    """Store a checked record: S-<year>-NNNN (year of arrival in the site's ``timezone``),
    refused when the same record (same sha256) is already filed."""
    from zoneinfo import ZoneInfo

    if record.content["site"] != site:
        raise _bad(record.path, "site", N_("%(value)r, but --site is %(site)r"),
                   value=record.content["site"], site=site)
    with store.session() as s:
        same = s.scalars(select(ServiceRecord).where(
            ServiceRecord.site == site, ServiceRecord.sha256 == record.sha256)).first()
        if same is not None:
            raise ConfigError(N_("%(file)s: already filed as %(id)s"), file=str(record.path),
                              id=same.record_id)
        year = record.arrival.astimezone(ZoneInfo(timezone)).year
        row = ServiceRecord(
            record_id=next_record_id(s, site, year), site=site,
            arrival=record.arrival, departure=record.departure,
            engineers=record.content["engineers"], fault_id=record.content["fault"],
            change_id=record.content["change"], content=record.content,
            signatures=signatures, sha256=record.sha256, recorded_at=now, recorded_by=user)
        s.add(row)
    return row


def skeleton(site: str, now: datetime, timezone: str,
             translate: Callable[[str], str] | None = None) -> str:
    """A record file to fill in; ``load_record`` refuses it until every placeholder is
    replaced."""
    from zoneinfo import ZoneInfo

    today = now.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")
    return f"""\
# 现场服务记录 (on-site service record) of site {site}: fill in every <fill in: ...>, then
#   weibao service sign THIS.yml --role provider --key ~/.ssh/id_ed25519   (optional)
#   weibao service sign THIS.yml --role client --key CLIENT_KEY              (optional)
#   weibao service record --site {site} --file THIS.yml
# Times without an offset are the site's time zone ({timezone}).
site: {site}
arrival: "<fill in: 到达时间, e.g. {today}T09:30>"
departure: "<fill in: 离开时间, e.g. {today}T12:00>"
# the provider's engineers (乙方), ids from the site's people.yml
engineers:
  - "<fill in: people id>"
# the client's representative (甲方) who evaluates and signs, an id from people.yml
client_representative: "<fill in: people id>"
work: |                 # 工作内容
  <fill in: what was done>
result: |               # 工作结果
  <fill in: the result>
remaining_issues: |     # 剩余问题 (write "none" / "无" when there is none)
  <fill in: what is left>
evaluation: "<fill in: satisfied | basically_satisfied | dissatisfied>"   # 客户评估
evaluation_comment: ""  # the client's words, optional
fault: ""               # the fault ticket this job was for (F-YYYY-NNNN), optional
change: ""              # the change (CR-YYYY-NNNN), optional
"""


def service_records(store: Store, site: str, start: datetime,
                    end: datetime) -> list[ServiceRecord]:
    """The records of ``site`` whose arrival is in [start, end), oldest first."""
    with store.session() as s:
        return list(s.scalars(select(ServiceRecord).where(
            ServiceRecord.site == site, ServiceRecord.arrival >= start,
            ServiceRecord.arrival < end).order_by(ServiceRecord.arrival, ServiceRecord.id)))
