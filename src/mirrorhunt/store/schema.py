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
    sa.Column("four_eyes", sa.Boolean, nullable=False, server_default=sa.false()),
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
    sa.Column("action", sa.String(16), nullable=False, server_default="nxdomain"),
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

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text),  # argon2id; NULL: the account signs in with its API token only
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("users.name"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_sha256", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("users.name"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("account", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", UtcDateTime, nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(512), nullable=False, unique=True),  # the same key is one alert, once
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("case_name", sa.String(255)),  # NULL: about no case (a stalled source)
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
)

alert_subscriptions = sa.Table(
    "alert_subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_name", sa.String(64), nullable=False, index=True),
    sa.Column("case_name", sa.String(255)),  # NULL: every case
    sa.Column("kinds", sa.JSON, nullable=False),  # empty: every kind
    sa.Column("channel", sa.String(16), nullable=False),  # desk | email
    sa.Column("address", sa.Text),  # the e-mail address of an email subscription
    sa.Column("created_at", UtcDateTime, nullable=False),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),  # webhook | email | desk
    sa.Column("target", sa.Text, nullable=False),  # URL, address or user name
    sa.Column("alert_ids", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # pending | delivered
    sa.Column("closes_at", UtcDateTime, nullable=False),  # alerts join it until then: one digest
    sa.Column("next_try", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime),
    sa.Index("ix_alert_deliveries_due", "state", "next_try"),
)

alert_notifications = sa.Table(
    "alert_notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime),
    sa.Index("ix_alert_notifications_user", "user_name", "read_at"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # listing | delist | confirm
    sa.Column("state", sa.String(32), nullable=False),  # open | pending | second_opinion | decided states
    sa.Column("approvals", sa.JSON, nullable=False),  # [{"by": name, "reason": text}], in order
    sa.Column("opened_at", UtcDateTime, nullable=False),  # of a confirm review: the listing's ``since``
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("case_name", "name", "kind", name="uq_reviews_case_name_kind"),
)

contests = sa.Table(
    "contests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_name", sa.String(255), sa.ForeignKey("cases.name"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False, index=True),
    sa.Column("contact", sa.Text, nullable=False),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("deadline", UtcDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),  # open | upheld | granted
    sa.Column("decided_by", sa.Text),
    sa.Column("decided_at", UtcDateTime),
    sa.Column("reason", sa.Text),
)

listing_checks = sa.Table(
    "listing_checks",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("misses", sa.Integer, nullable=False),  # re-checks in a row that no longer saw the mirror
    sa.Column("checked_at", UtcDateTime, nullable=False),
)

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(512), primary_key=True),  # ct:URL, permute:CASE, leader:primary
    sa.Column("holder", sa.String(255), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("taken_at", UtcDateTime, nullable=False),  # when this holder took it
)

audit_leaves = sa.Table(
    "audit_leaves",
    metadata,
    sa.Column("index", sa.BigInteger, primary_key=True, autoincrement=False),  # the leaf's place in the log
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False, index=True),
    sa.Column("entry", sa.LargeBinary, nullable=False),  # canonical JSON (audit.leaf)
    sa.Column("hash", sa.LargeBinary(32), nullable=False),  # SHA-256(0x00 || entry)
    sa.UniqueConstraint("event_id", name="uq_audit_leaves_event_id"),  # an event is logged once
)

audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),  # the signed note (c2sp.org/tlog-checkpoint)
    sa.Column("signed_at", UtcDateTime, nullable=False),
)

audit_secret = sa.Table(
    "audit_secret",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # one row, id 1
    sa.Column("secret", sa.LargeBinary, nullable=False),  # HMAC key of the reviewers' pseudonyms
)
