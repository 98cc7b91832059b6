"""Alerts (each kept once, by key), subscriptions of people to them, the delivery state of every message
(attempts, next try, last error) so that none is lost, and the desk's notification list.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("case_name", sa.String(255)),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("at", instant(), nullable=False),
    )
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("case_name", sa.String(255)),
        sa.Column("kinds", sa.JSON, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("created_at", instant(), nullable=False),
    )
    op.create_index("ix_alert_subscriptions_user_name", "alert_subscriptions", ["user_name"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("alert_ids", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closes_at", instant(), nullable=False),
        sa.Column("next_try", instant(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", instant()),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["state", "next_try"])
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", instant(), nullable=False),
        sa.Column("read_at", instant()),
    )
    op.create_index("ix_alert_notifications_user", "alert_notifications", ["user_name", "read_at"])


def downgrade() -> None:
    op.drop_table("alert_notifications")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_subscriptions")
    op.drop_table("alerts")
