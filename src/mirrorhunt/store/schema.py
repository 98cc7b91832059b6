"""The tables, as the queries see them; ``migrations/versions`` is what creates them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC instant on every backend, to the microsecond.

    PostgreSQL keeps it as ``timestamptz``; SQLite, which has no time zones, keeps the UTC wall time.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("keywords", sa.JSON, nullable=False),
    sa.Column("auto_list", sa.Boolean, nullable=False),
    sa.Column("legal_order", sa.Text),
    sa.Column("expires", sa.Date),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

case_references = sa.Table(
    "case_references",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("html", sa.LargeBinary, nullable=False),
    sa.Column("favicon", sa.LargeBinary),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("captured_at", UtcDateTime, nullable=False),
)

candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("found_at", UtcDateTime, nullable=False),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    sa.Column("due_at", UtcDateTime),  # when the monitor probes it next; NULL: as soon as possible
    sa.Column("digest", sa.String(64)),  # of the fingerprint last seen: another one means ``changed``
    sa.UniqueConstraint("case_name", "name", name="uq_candidates_case_name"),
    sa.Index("ix_candidates_due", "priority", "due_at"),
)

captures = sa.Table(
    "captures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
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
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("elapsed_ms", sa.Float, nullable=False),
    sa.Column("certificate_chain", sa.JSON),
    sa.Column("tls_verified", sa.Boolean),
    sa.Column("tls_error", sa.Text),
    sa.Column("warc_path", sa.Text),
    sa.Column("warc_sha256", sa.String(64)),
    sa.Index("ix_captures_case_name", "case_name", "name"),
)

verdicts = sa.Table(
    "verdicts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("signals", sa.JSON, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("reference_url", sa.Text),
    sa.Column("capture_id", sa.Integer, sa.ForeignKey("captures.id")),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    sa.Index("ix_verdicts_case_name", "case_name", "name"),
)

listings = sa.Table(
    "listings",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("since", UtcDateTime, nullable=False),
    sa.Column("expires", sa.Date),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False, index=True),
    sa.Column("subject", sa.String(255), nullable=False, index=True),
    sa.Column("detail", sa.JSON, nullable=False),
)

source_positions = sa.Table(
    "source_positions",
    metadata,
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
)

zone_state = sa.Table(
    "zone_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("serial", sa.BigInteger, nullable=False),
)
