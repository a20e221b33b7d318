"""household_reach: households a member reached outside their village (daily lookup limit)

Revision ID: 0003_household_reach
Revises: 0002_progress_indexes
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0003_household_reach"
down_revision = "0002_progress_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_reach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"],
            name=op.f("fk_household_reach_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_household_reach_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_reach")),
    )  # fmt: skip
    with op.batch_alter_table("household_reach", schema=None) as batch_op:
        batch_op.create_index("ix_household_reach_member_at", ["member_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_reach", schema=None) as batch_op:
        batch_op.drop_index("ix_household_reach_member_at")
    op.drop_table("household_reach")
