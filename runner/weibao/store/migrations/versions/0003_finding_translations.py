"""Findings keep their text in the contract's other language.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

``findings.translations``: ``{"zh-CN": {"summary": ..., "recommendation": ...}}`` as the
module wrote it (see docs/findings.md); ``{}`` for findings stored before this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("translations", sa.JSON(), nullable=False,
                                   server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("translations")
