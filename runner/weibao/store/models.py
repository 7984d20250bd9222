"""Tables. Change them only together with a migration in migrations/versions/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware times")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One execution of a playbook through the runner (an inspection, later a change)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # inspection | change | change-check
    site: Mapped[str] = mapped_column(String(128), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    # running -> successful | partial | failed | interrupted
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    user: Mapped[str] = mapped_column(String(128))
    inventory: Mapped[str] = mapped_column(Text)
    playbook: Mapped[str] = mapped_column(Text)
    limit: Mapped[str] = mapped_column(Text, default="")
    ansible_version: Mapped[str] = mapped_column(String(32))
    weibao_version: Mapped[str] = mapped_column(String(32))
    site_meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact_dir: Mapped[str] = mapped_column(Text, default="")
    manifest_sha256: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    # The runner process, so that a run left "running" by a crash is found and closed honestly.
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    controller: Mapped[str] = mapped_column(String(255), default="")
    # change runs (kind "change" or "change-check"): the change and what was checked first
    change_id: Mapped[str | None] = mapped_column(
        ForeignKey("changes.id"), nullable=True, index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    hosts: Mapped[list[RunHost]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="RunHost.name"
    )
    task_results: Mapped[list[TaskResult]] = relationship(
        cascade="all, delete-orphan", order_by="TaskResult.id")


class RunHost(Base):
    """A host's outcome in a run: inspected, unreachable or failed (a module failed)."""

    __tablename__ = "run_hosts"
    __table_args__ = (UniqueConstraint("run_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    # pending -> inspected | unreachable | failed | interrupted
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    asset: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # linux | aix | cisco_ios | ... : which catalogue checks apply (migration 0004)
    platform: Mapped[str] = mapped_column(String(32), default="linux")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    run: Mapped[Run] = relationship(back_populates="hosts")


class Finding(Base):
    """One finding, exactly the schema of plugins/module_utils/weibao_inspection/findings.py."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_run_host", "run_id", "host"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    check_id: Mapped[str] = mapped_column(String(128), index=True)
    component: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    recommendation: Mapped[str] = mapped_column(Text, default="")
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # {"zh-CN": {"summary": ..., "recommendation": ...}} (migration 0003)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # {"summary": message, "recommendation": message | None} and an unknown's cause (0004)
    # none_as_null: a finding without a message is SQL NULL, not the JSON text null
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True),
                                                          nullable=True)
    cause: Mapped[str | None] = mapped_column(String(32), nullable=True)

    def as_dict(self) -> dict[str, Any]:
        out = {
            "check_id": self.check_id,
            "host": self.host,
            "component": self.component,
            "status": self.status,
            "summary": self.summary,
            "evidence": list(self.evidence or []),
            "recommendation": self.recommendation,
            "values": dict(self.values or {}),
            "thresholds": dict(self.thresholds or {}),
            "translations": dict(self.translations or {}),
        }
        if self.message is not None:
            out["message"] = self.message
        if self.cause is not None:
            out["cause"] = self.cause
        return out


COVERAGE_STATES = ("evaluated", "not_evaluated", "not_applicable")


class Coverage(Base):
    """Whether a catalogue check was evaluated on a host in a run, and if not, why
    (findings.CAUSES). "Not evaluated" is never "ok"."""

    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("run_id", "host", "check_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    check_id: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Counter(Base):
    """A counter a check read on a host (for the next inspection's delta)."""

    __tablename__ = "counters"
    __table_args__ = (Index("ix_counters_host_check", "host", "check_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    check_id: Mapped[str] = mapped_column(String(128))
    component: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(128))
    value: Mapped[int] = mapped_column(BigInteger)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    boot_time: Mapped[str] = mapped_column(String(40), default="")


CONFIG_STATES = ("changed", "unchanged", "new", "stale")


class ConfigChange(Base):
    """A network device's configuration in an inspection run, as the configuration archive
    committed it (weibao.services.config_archive; migration 0005).

    ``status``: changed (``added``/``removed`` lines), unchanged, new (first archived copy),
    stale (not collected this time: ``why``; the archive keeps the previous copy, from
    ``since_run``, or none when ``commit`` is empty). ``commit``: the archive's commit of this
    run; ``since_run``: the run whose copy this one was compared with."""

    __tablename__ = "config_changes"
    __table_args__ = (UniqueConstraint("run_id", "host"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16))
    added: Mapped[int | None] = mapped_column(Integer, nullable=True)
    removed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    commit: Mapped[str] = mapped_column(String(64), default="")
    since_run: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # why it is stale: a catalogue message (msg(key, **params)) or None
    why: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


# ----------------------------------------------------------------------------- change control
# Tables of migration 0002. A change (变更) is one request file (changes/CR-2026-0001.yml);
# its sign-offs, runs and task results are recorded here as they happen, next to the
# request's .signoffs.yml and the hash-chained audit log (weibao.audit).

CHANGE_STATES = ("draft", "submitted", "approved", "running", "succeeded", "failed",
                 "interrupted", "closed")
TASK_STATUSES = ("ok", "changed", "failed", "skipped", "unreachable")


class Change(Base):
    """One change request and where it stands.

    ``state``: draft -> submitted -> approved -> running -> succeeded | failed | interrupted
    -> closed. An emergency change may run once submitted and attested; it keeps
    ``awaiting_retrospective_approval`` until an approver signs.
    """

    __tablename__ = "changes"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # CR-2026-0001
    site: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_reason: Mapped[str] = mapped_column(Text, default="")
    awaiting_retrospective_approval: Mapped[bool] = mapped_column(default=False)
    # the digest of the request content the latest sign-off was made over
    request_digest: Mapped[str] = mapped_column(String(64))
    request_path: Mapped[str] = mapped_column(Text)  # absolute path of the request file
    requester: Mapped[str] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(String(64))
    recorder: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # success | partial | failed | rolled_back, given by the recorder when closing
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    remaining_issues: Mapped[str] = mapped_column(Text, default="")
    evaluation: Mapped[str] = mapped_column(Text, default="")
    run_record_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)

    runs: Mapped[list[Run]] = relationship(order_by="Run.id", viewonly=True)
    signoffs: Mapped[list[Signoff]] = relationship(
        back_populates="change", cascade="all, delete-orphan", order_by="Signoff.id")

    @property
    def run_ids(self) -> list[int]:
        return [run.id for run in self.runs]


class Signoff(Base):
    """One signature (submit, approve, attest, close) as written to the .signoffs.yml file.

    ``statement`` is the canonical JSON that was signed; ``signature`` the armored SSHSIG.
    ``audit_seq``/``audit_hash`` name the audit log entry that recorded it.
    """

    __tablename__ = "signoffs"
    __table_args__ = (Index("ix_signoffs_change", "change_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"))
    act: Mapped[str] = mapped_column(String(16))  # submit | approve | attest | close
    role: Mapped[str] = mapped_column(String(16))  # requester | approver | operator | recorder
    person: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(80))
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    request_digest: Mapped[str] = mapped_column(String(64))
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(Text)
    audit_seq: Mapped[int] = mapped_column(Integer)
    audit_hash: Mapped[str] = mapped_column(String(64))

    change: Mapped[Change] = relationship(back_populates="signoffs")


class TaskResult(Base):
    """One task's result on one host in a change run, streamed in as the event arrives."""

    __tablename__ = "task_results"
    __table_args__ = (Index("ix_task_results_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    play: Mapped[str] = mapped_column(Text, default="")
    task: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # ok | changed | failed | skipped | unreachable
    ignored: Mapped[bool] = mapped_column(default=False)  # a failure the playbook ignores
    message: Mapped[str] = mapped_column(Text, default="")
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "play": self.play, "task": self.task, "action": self.action,
                "status": self.status, "ignored": self.ignored, "message": self.message,
                "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ")}


class Backup(Base):
    """A backup of a host (e.g. a system backup: AIX mksysb, a Linux system image).

    The change gate for patches and upgrades reads it: a verified backup of each target,
    finished within the site's ``backup_max_age_days``.
    """

    __tablename__ = "backups"
    __table_args__ = (Index("ix_backups_site_host", "site", "host"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(128))
    host: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))  # system, data, ...
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    verified: Mapped[bool] = mapped_column(default=False)  # = (status == "verified")
    location: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # 0006: what `weibao backup run` records (weibao.services.backups); the gate trusts a row
    # only when its canonical record's digest is the one in the audit entry ``audit_hash``
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL"), nullable=True)
    tool: Mapped[str] = mapped_column(String(32), default="")  # rear, tar, mksysb, savevg
    tool_version: Mapped[str] = mapped_column(String(128), default="")
    path: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    checksum: Mapped[str] = mapped_column(String(160), default="")
    status: Mapped[str] = mapped_column(String(16), default="")  # verified|unverified|failed
    verification: Mapped[dict[str, Any]] = mapped_column(default=dict)
    operator: Mapped[str] = mapped_column(String(128), default="")
    audit_hash: Mapped[str] = mapped_column(String(64), default="")
