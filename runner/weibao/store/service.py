"""Tables of the service records: fault tickets (故障) with their event history, on-site
service records (现场服务记录) and manual on-site checklist visits (环境检查).

A ticket row holds the current state for queries; every change to it is also appended to
``fault_events`` (never updated or deleted), so the history of a ticket can be shown and
audited. Change these tables only together with a migration (0007_faults_service.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weibao.store.models import Base, UTCDateTime


class FaultTicket(Base):
    """A fault ticket: F-<year>-NNNN, numbered per site and year."""

    __tablename__ = "fault_tickets"
    __table_args__ = (UniqueConstraint("site", "ticket_id", name="uq_fault_site_ticket"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(String(16))
    site: Mapped[str] = mapped_column(String(128), index=True)
    host: Mapped[str] = mapped_column(String(255))
    component: Mapped[str] = mapped_column(String(128), default="")
    priority: Mapped[str] = mapped_column(String(2))  # P1..P4
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))  # open | closed
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    onsite_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    restored_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cause: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    # [{"part": ..., "serial_out": ..., "serial_in": ..., "at": ISO UTC}]
    parts: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[list[Any]] = mapped_column(default=list)  # [{"at": ISO UTC, "text": ...}]
    opened_by: Mapped[str] = mapped_column(String(128), default="")


class FaultEvent(Base):
    """One event of a ticket (opened, updated, closed), appended and never changed."""

    __tablename__ = "fault_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket: Mapped[int] = mapped_column(
        ForeignKey("fault_tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # open | update | close
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    user: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ServiceRecord(Base):
    """An on-site service record (现场服务记录 / 现场工作日志) as filed from its YAML file."""

    __tablename__ = "service_records"
    __table_args__ = (UniqueConstraint("site", "record_id", name="uq_service_site_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(16))  # S-<year>-NNNN
    site: Mapped[str] = mapped_column(String(128), index=True)
    arrival: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    departure: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    engineers: Mapped[list[Any]] = mapped_column(default=list)
    fault_id: Mapped[str] = mapped_column(String(16), default="")
    change_id: Mapped[str] = mapped_column(String(16), default="")
    # the whole validated record (work, result, remaining issues, evaluation...) and the
    # signatures made over its canonical form
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    signatures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(128), default="")


class OnsiteVisit(Base):
    """The manual on-site checklist (环境检查) of one visit, as entered by the engineer."""

    __tablename__ = "onsite_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(128), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    visited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    engineer: Mapped[str] = mapped_column(String(128), default="")
    # [{"key", "value", "unit", "status", "message"}], status ok|warning|critical
    items: Mapped[list[Any]] = mapped_column(default=list)
    checklist_sha256: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
