"""Tables of a finding's life across inspections (migration 0008; weibao.services.lifecycle).

A **finding issue** is one problem followed from inspection to inspection: the site, host,
check id and component of a warning or critical finding (the same identity the monthly
report's "what changed since" compares by). Each inspection run that looked at the host
leaves one **observation** of each issue of that host: ``seen`` (reported as a fault again),
``resolved`` (the host was inspected, the check evaluated, and the fault is no longer
reported) or ``not_judged`` (host unreachable or failed, the check not evaluated, or only an
unknown): the issue's own columns are a summary of its observations, recomputed by
``update_lifecycle``. A **waiver** (accepted risk) is an OpenSSH signature by a person of the
site's people file over the issue's key, the reason, the expiry date and the signer.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from weibao.store.models import Base, UTCDateTime

ISSUE_STATES = ("open", "resolved")
OBSERVATIONS = ("seen", "resolved", "not_judged")
# 已现场处理 / 客户自行处理 / 待安排 / 等客户通知
FOLLOW_UPS = ("handled_on_site", "client_handles", "to_be_scheduled", "waiting_for_client")


class FindingIssue(Base):
    """One finding followed across inspections; ``key`` names it on the command line."""

    __tablename__ = "finding_issues"
    __table_args__ = (UniqueConstraint("site", "host", "check_id", "component"),
                      Index("ix_finding_issues_site_status", "site", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)
    site: Mapped[str] = mapped_column(String(128))
    host: Mapped[str] = mapped_column(String(255))
    check_id: Mapped[str] = mapped_column(String(128))
    component: Mapped[str] = mapped_column(Text, default="")
    # open | resolved (a waiver does not change it: see waivers)
    status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))  # warning | critical, when last seen
    first_seen_run: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # the current occurrence: opened (first seen, or seen again after it was resolved)
    opened_run: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_run: Mapped[int] = mapped_column(Integer)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolved_run: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reopened: Mapped[int] = mapped_column(Integer, default=0)  # times seen again once resolved
    # calendar months from the occurrence's first period to its last (0: this month only)
    months_open: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")  # as last seen
    owner: Mapped[str] = mapped_column(String(64), default="")
    follow_up: Mapped[str] = mapped_column(String(32), default="")  # FOLLOW_UPS or ""
    notes: Mapped[str] = mapped_column(Text, default="")
    assigned_by: Mapped[str] = mapped_column(String(64), default="")
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    observations: Mapped[list[FindingObservation]] = relationship(
        back_populates="issue", cascade="all, delete-orphan",
        order_by="FindingObservation.id")
    waivers: Mapped[list[FindingWaiver]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="FindingWaiver.id")


class FindingObservation(Base):
    """What one inspection run said of one issue (one row per issue and run)."""

    __tablename__ = "finding_observations"
    __table_args__ = (UniqueConstraint("issue_id", "run_id"),
                      Index("ix_finding_observations_run", "run_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("finding_issues.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # the run's YYYY-MM
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the host's inspection time
    state: Mapped[str] = mapped_column(String(16))  # OBSERVATIONS
    status: Mapped[str] = mapped_column(String(16), default="")  # the finding's, if any
    # not_judged: unreachable | failed | interrupted | not_evaluated | unknown
    why: Mapped[str] = mapped_column(String(32), default="")

    issue: Mapped[FindingIssue] = relationship(back_populates="observations")


class FindingWaiver(Base):
    """An accepted risk, signed (namespace ``weibao-waiver``) over ``statement``.

    It counts until the end of ``expires`` (a date in the site's time zone) unless revoked.
    """

    __tablename__ = "finding_waivers"
    __table_args__ = (Index("ix_finding_waivers_issue", "issue_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("finding_issues.id", ondelete="CASCADE"))
    person: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(16), default="")
    reason: Mapped[str] = mapped_column(Text)
    expires: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, site time zone
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    statement: Mapped[str] = mapped_column(Text)  # canonical JSON, the exact bytes signed
    signature: Mapped[str] = mapped_column(Text)  # armored SSHSIG
    fingerprint: Mapped[str] = mapped_column(String(80))
    people_sha256: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    issue: Mapped[FindingIssue] = relationship(back_populates="waivers")
