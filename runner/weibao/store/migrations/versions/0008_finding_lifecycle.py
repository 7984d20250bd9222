"""Findings followed across inspections: issues, their observations, waivers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

- ``finding_issues``: one row per site, host, check id and component that was ever reported
  as warning or critical, with its short ``key``, status (open, resolved), first and last
  seen, the current occurrence (opened, resolved), months open, owner, follow-up and notes.
- ``finding_observations``: what each inspection run said of each issue of the hosts it
  looked at (seen, resolved, not judged and why).
- ``finding_waivers``: accepted risks, each an OpenSSH signature over its statement, with
  its expiry and who revoked it.

Filled by ``weibao.services.lifecycle.update_lifecycle`` after each inspection and by
``weibao finding backfill`` for the runs stored before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "finding_issues",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(16), nullable=False, unique=True),
        sa.Column("site", sa.String(128), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("check_id", sa.String(128), nullable=False),
        sa.Column("component", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("first_seen_run", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", _utc(), nullable=False),
        sa.Column("opened_run", sa.Integer(), nullable=False),
        sa.Column("opened_at", _utc(), nullable=False),
        sa.Column("last_seen_run", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.Column("resolved_run", sa.Integer(), nullable=True),
        sa.Column("resolved_at", _utc(), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("months_open", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("owner", sa.String(64), nullable=False, server_default=""),
        sa.Column("follow_up", sa.String(32), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("assigned_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("assigned_at", _utc(), nullable=True),
        sa.UniqueConstraint("site", "host", "check_id", "component"),
    )
    op.create_index("ix_finding_issues_site_status", "finding_issues", ["site", "status"])
    op.create_table(
        "finding_observations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("issue_id", sa.Integer(),
                  sa.ForeignKey("finding_issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("time", _utc(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default=""),
        sa.Column("why", sa.String(32), nullable=False, server_default=""),
        sa.UniqueConstraint("issue_id", "run_id"),
    )
    op.create_index("ix_finding_observations_run", "finding_observations", ["run_id"])
    op.create_table(
        "finding_waivers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("issue_id", sa.Integer(),
                  sa.ForeignKey("finding_issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(16), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires", sa.String(10), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("signed_at", _utc(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(80), nullable=False),
        sa.Column("people_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("revoke_reason", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_finding_waivers_issue", "finding_waivers", ["issue_id"])


def downgrade() -> None:
    op.drop_index("ix_finding_waivers_issue", "finding_waivers")
    op.drop_table("finding_waivers")
    op.drop_index("ix_finding_observations_run", "finding_observations")
    op.drop_table("finding_observations")
    op.drop_index("ix_finding_issues_site_status", "finding_issues")
    op.drop_table("finding_issues")
