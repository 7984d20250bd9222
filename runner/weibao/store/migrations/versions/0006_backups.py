"""System-volume backups as ``weibao backup run`` records them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

- ``backups`` gets the run that made the backup, the tool and its version, the main file's
  path and the target folder, the size, the sha256 (or the tool's own checksum), the status
  (verified, unverified, failed), how it was verified (JSON), who ran it and the hash of the
  audit entry written when it was recorded (``audit_hash``): the change gate trusts a row only
  when its record's digest is the one that entry holds (weibao.services.backups).
  ``verified`` stays (= status verified); rows written before have status "" and no audit
  hash, so no gate accepts them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("tool", sa.String(32)),
    ("tool_version", sa.String(128)),
    ("path", sa.Text()),
    ("target", sa.Text()),
    ("sha256", sa.String(64)),
    ("checksum", sa.String(160)),
    ("status", sa.String(16)),
    ("operator", sa.String(128)),
    ("audit_hash", sa.String(64)),
)


def upgrade() -> None:
    with op.batch_alter_table("backups") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=""))
        batch.add_column(sa.Column("size_bytes", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("verification", sa.JSON(), nullable=False,
                                   server_default="{}"))
        batch.create_foreign_key("fk_backups_run_id", "runs", ["run_id"], ["id"],
                                 ondelete="SET NULL")
    op.create_index("ix_backups_run", "backups", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_backups_run", "backups")
    with op.batch_alter_table("backups") as batch:
        batch.drop_constraint("fk_backups_run_id", type_="foreignkey")
        for name in ("verification", "size_bytes", *(n for n, _ in COLUMNS), "run_id"):
            batch.drop_column(name)
