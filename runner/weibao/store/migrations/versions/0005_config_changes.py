"""The configuration archive's record of each network device per inspection run.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

- ``config_changes``: per run and device, what the configuration archive
  (``<data-dir>/config-archive/<site>/``, weibao.services.config_archive) committed:
  changed (with the lines added and removed), unchanged, new or stale (not collected this
  time, with why), the archive's commit and the run compared with; the monthly report's
  network section reads it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "config_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("added", sa.Integer(), nullable=True),
        sa.Column("removed", sa.Integer(), nullable=True),
        sa.Column("commit", sa.String(64), nullable=False, server_default=""),
        sa.Column("since_run", sa.Integer(), nullable=True),
        sa.Column("why", sa.JSON(), nullable=True),
        sa.UniqueConstraint("run_id", "host"),
    )


def downgrade() -> None:
    op.drop_table("config_changes")
