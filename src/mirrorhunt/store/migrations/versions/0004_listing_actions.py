"""Each listing carries its RPZ action (NXDOMAIN, NODATA, redirect to the stop page, PASSTHRU): the
column, there from the start, now defaults to NXDOMAIN, the action of every listing made before.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listings") as batch:
        batch.alter_column(
            "action", existing_type=sa.String(16), existing_nullable=False, server_default="nxdomain"
        )


def downgrade() -> None:
    with op.batch_alter_table("listings") as batch:
        batch.alter_column(
            "action", existing_type=sa.String(16), existing_nullable=False, server_default=None
        )
