"""Captures reference their WARC file and keep the TLS verdict and the certificate chain.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


COLUMNS = ("certificate_chain", "tls_verified", "tls_error", "warc_path", "warc_sha256")


def upgrade() -> None:
    op.add_column("captures", sa.Column("certificate_chain", sa.JSON))
    op.add_column("captures", sa.Column("tls_verified", sa.Boolean))
    op.add_column("captures", sa.Column("tls_error", sa.Text))
    op.add_column("captures", sa.Column("warc_path", sa.Text))
    op.add_column("captures", sa.Column("warc_sha256", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
