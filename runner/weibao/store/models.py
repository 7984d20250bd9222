"""Tables. Change them only together with a migration in migrations/versions/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    kind: Mapped[str] = mapped_column(String(32))  # inspection
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

    hosts: Mapped[list[RunHost]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="RunHost.name"
    )


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "host": self.host,
            "component": self.component,
            "status": self.status,
            "summary": self.summary,
            "evidence": list(self.evidence or []),
            "recommendation": self.recommendation,
            "values": dict(self.values or {}),
            "thresholds": dict(self.thresholds or {}),
        }
