"""The monthly performance analysis: what each inspection read of each host's history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

- ``perf_collections``: one row per run and host: the source (sysstat, nmon, none), the
  window read, notes (why no history), files, the inspection's own sample.
- ``perf_series``: hourly means per run, host, metric and device (``points``: JSON list of
  ``[ISO hour, value]``), with the first and last hour.

Filled by ``weibao.services.performance.store_performance`` as the inspection's events
arrive; read by ``performance_for_period``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "perf_collections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("period_from", _utc(), nullable=True),
        sa.Column("period_to", _utc(), nullable=True),
        sa.Column("sample_at", _utc(), nullable=True),
        sa.Column("sample", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.UniqueConstraint("run_id", "host"),
    )
    op.create_table(
        "perf_series",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("device", sa.String(128), nullable=False, server_default=""),
        sa.Column("unit", sa.String(16), nullable=False, server_default=""),
        sa.Column("first_at", _utc(), nullable=False),
        sa.Column("last_at", _utc(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
    )
    op.create_index("ix_perf_series_host_metric", "perf_series", ["host", "metric"])
    op.create_index("ix_perf_series_run", "perf_series", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_perf_series_run", "perf_series")
    op.drop_index("ix_perf_series_host_metric", "perf_series")
    op.drop_table("perf_series")
    op.drop_table("perf_collections")
