"""conversion.seq: people or subscribers added to a household at later visits

Revision ID: 0004_conversion_additions
Revises: 0003_household_reach
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_conversion_additions"
down_revision = "0003_household_reach"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_conversion_household_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_conversion_household_id", ["household_id", "indicator_id", "seq"]
        )
    with op.batch_alter_table("conversion", schema=None) as batch_op:
        batch_op.alter_column("seq", server_default=None)


def downgrade() -> None:
    # Additions are folded into the first count so no person is lost.
    op.execute(
        "UPDATE conversion SET people = people + COALESCE((SELECT SUM(a.people) FROM conversion a"
        " WHERE a.household_id = conversion.household_id"
        " AND a.indicator_id = conversion.indicator_id AND a.seq > 0), 0) WHERE seq = 0"
    )
    op.execute("DELETE FROM conversion WHERE seq > 0")
    with op.batch_alter_table("conversion", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conversion_household_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_conversion_household_id", ["household_id", "indicator_id"]
        )
        batch_op.drop_column("seq")
