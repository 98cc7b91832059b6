"""The transparency log: one leaf per listing change, and the signed tree heads.

``audit_leaves`` holds each entry at its index with the event it records (unique: an event is never
logged twice), ``audit_checkpoints`` each signed checkpoint by tree size, and ``audit_secret`` the key of
the pseudonyms that stand for reviewers in the entries.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_leaves",
        sa.Column("index", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("entry", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_audit_leaves_event_id"),
    )
    op.create_index("ix_audit_leaves_name", "audit_leaves", ["name"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_secret",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("secret", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_secret")
    op.drop_table("audit_checkpoints")
    op.drop_index("ix_audit_leaves_name", table_name="audit_leaves")
    op.drop_table("audit_leaves")
