"""Review decisions, second opinions, contests and the lifecycle of listings (expiry, re-checks).

Cases gain ``four_eyes`` (two different approvers list a name); ``reviews`` holds each open or decided
review of a name (to list it, to delist it, or to confirm the machine's listing of it) with its
approvals; ``contests`` the contests of listed names; ``listing_checks`` the re-checks in a row that no
longer saw a listed mirror.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("four_eyes", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("approvals", sa.JSON, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_name", "name", "kind", name="uq_reviews_case_name_kind"),
    )
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_contests_name", "contests", ["name"])
    op.create_index("ix_contests_state", "contests", ["state"])
    op.create_table(
        "listing_checks",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("misses", sa.Integer, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("listing_checks")
    op.drop_index("ix_contests_state", table_name="contests")
    op.drop_index("ix_contests_name", table_name="contests")
    op.drop_table("contests")
    op.drop_table("reviews")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("four_eyes")
