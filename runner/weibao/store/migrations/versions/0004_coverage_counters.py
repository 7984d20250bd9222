"""The inspection framework: messages and causes on findings, coverage, counters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

- ``findings.message``: what the rule said as messages (key + parameters), so reports render
  it again in their language and the site's zone; NULL for findings stored before.
- ``findings.cause``: why an ``unknown`` finding could not judge (findings.CAUSES).
- ``run_hosts.platform``: the host's platform (``linux``, ``aix``, ...), which decides the
  catalogue checks that apply to it.
- ``coverage``: per run, host and catalogue check: evaluated, not evaluated (with the cause)
  or not applicable.
- ``counters``: counters a check read (CRC errors, corrected ECC, SEL entries, ...), for the
  deltas of the next inspection.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("message", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("cause", sa.String(32), nullable=True))
    with op.batch_alter_table("run_hosts") as batch:
        batch.add_column(sa.Column("platform", sa.String(32), nullable=False,
                                   server_default="linux"))
    op.create_table(
        "coverage",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("check_id", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("cause", sa.String(32), nullable=True),
        sa.Column("reason", sa.JSON(), nullable=True),
        sa.UniqueConstraint("run_id", "host", "check_id"),
    )
    op.create_table(
        "counters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("check_id", sa.String(128), nullable=False),
        sa.Column("component", sa.Text(), nullable=False, server_default=""),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("boot_time", sa.String(40), nullable=False, server_default=""),
    )
    op.create_index("ix_counters_host_check", "counters", ["host", "check_id"])


def downgrade() -> None:
    op.drop_index("ix_counters_host_check", "counters")
    op.drop_table("counters")
    op.drop_table("coverage")
    with op.batch_alter_table("run_hosts") as batch:
        batch.drop_column("platform")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("cause")
        batch.drop_column("message")
