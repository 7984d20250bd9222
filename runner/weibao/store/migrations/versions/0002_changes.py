"""Change control: changes, their sign-offs, task results of change runs, backups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Runs get ``change_id`` (the change a run belongs to; NULL for inspections) and ``detail``
(what the gates checked before a change run: media scans, backups, lock).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("site", sa.String(128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("emergency_reason", sa.Text(), nullable=False),
        sa.Column("awaiting_retrospective_approval", sa.Boolean(), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("request_path", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("recorder", sa.String(64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("remaining_issues", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=False),
        sa.Column("run_record_digest", sa.String(64), nullable=True),
    )
    op.create_index("ix_changes_site", "changes", ["site"])
    op.create_index("ix_changes_state", "changes", ["state"])
    op.create_table(
        "signoffs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(16),
                  sa.ForeignKey("changes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("act", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(80), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("audit_head", sa.String(64), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_signoffs_change", "signoffs", ["change_id"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("change_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch.create_foreign_key("fk_runs_change_id", "changes", ["change_id"], ["id"])
        batch.create_index("ix_runs_change_id", ["change_id"])
    op.create_table(
        "task_results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("play", sa.Text(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("action", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ignored", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_task_results_run", "task_results", ["run_id"])
    op.create_table(
        "backups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(128), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_backups_site_host", "backups", ["site", "host"])


def downgrade() -> None:
    op.drop_table("backups")
    op.drop_table("task_results")
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_change_id")
        batch.drop_constraint("fk_runs_change_id", type_="foreignkey")
        batch.drop_column("detail")
        batch.drop_column("change_id")
    op.drop_table("signoffs")
    op.drop_table("changes")
