"""rate_mark: counted events for rate limits (answers to people who have not joined)

Revision ID: 0007_rate_mark
Revises: 0006_plan
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0007_rate_mark"
down_revision = "0006_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_mark")),
    )
    with op.batch_alter_table("rate_mark", schema=None) as batch_op:
        batch_op.create_index("ix_rate_mark_key", ["channel", "key", "kind", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_mark", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_mark_key")
    op.drop_table("rate_mark")
