"""The first schema: cases, references, candidates, captures, verdicts, listings, events, positions, zone.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NAME = sa.String(255)


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def case_name() -> sa.Column[str]:
    return sa.Column("case_name", NAME, sa.ForeignKey("cases.name"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("name", NAME, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("auto_list", sa.Boolean, nullable=False),
        sa.Column("legal_order", sa.Text),
        sa.Column("expires", sa.Date),
        sa.Column("created_at", instant(), nullable=False),
    )
    op.create_table(
        "case_references",
        sa.Column("id", sa.Integer, primary_key=True),
        case_name(),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("html", sa.LargeBinary, nullable=False),
        sa.Column("favicon", sa.LargeBinary),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("captured_at", instant(), nullable=False),
    )
    op.create_index("ix_case_references_case_name", "case_references", ["case_name"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer, primary_key=True),
        case_name(),
        sa.Column("name", NAME, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("found_at", instant(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.UniqueConstraint("case_name", "name", name="uq_candidates_case_name"),
    )
    op.create_index("ix_candidates_state", "candidates", ["state"])
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer, primary_key=True),
        case_name(),
        sa.Column("name", NAME, nullable=False),
        sa.Column("dns", sa.JSON, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("favicon", sa.LargeBinary),
        sa.Column("certificate", sa.LargeBinary),
        sa.Column("redirects", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("started_at", instant(), nullable=False),
        sa.Column("elapsed_ms", sa.Float, nullable=False),
    )
    op.create_index("ix_captures_case_name", "captures", ["case_name", "name"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True),
        case_name(),
        sa.Column("name", NAME, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("signals", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("reference_url", sa.Text),
        sa.Column("capture_id", sa.Integer, sa.ForeignKey("captures.id")),
        sa.Column("decided_at", instant(), nullable=False),
    )
    op.create_index("ix_verdicts_case_name", "verdicts", ["case_name", "name"])
    op.create_table(
        "listings",
        sa.Column("name", NAME, primary_key=True),
        case_name(),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("since", instant(), nullable=False),
        sa.Column("expires", sa.Date),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", instant(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", NAME, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_kind", "events", ["kind"])
    op.create_index("ix_events_subject", "events", ["subject"])
    op.create_table(
        "source_positions",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    zone_state = op.create_table(
        "zone_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("serial", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(zone_state, [{"id": 1, "serial": 1}])


def downgrade() -> None:
    for table in (
        "zone_state",
        "source_positions",
        "events",
        "listings",
        "verdicts",
        "captures",
        "candidates",
        "case_references",
        "cases",
    ):
        op.drop_table(table)
