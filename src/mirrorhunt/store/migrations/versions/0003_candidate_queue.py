"""Candidates carry their place in the monitor's probe queue (priority, when due) and the digest of
the fingerprint last seen, so that a restarted monitor resumes where it stopped and reports changes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("priority", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("digest", sa.String(64)))
        batch.create_index("ix_candidates_due", ["priority", "due_at"])


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_index("ix_candidates_due")
        batch.drop_column("digest")
        batch.drop_column("due_at")
        batch.drop_column("priority")
