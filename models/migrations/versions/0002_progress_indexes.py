"""progress: covering index for per-commune progress counts

Revision ID: 0002_progress_indexes
Revises: 0001
"""

from alembic import op

revision = "0002_progress_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversion", schema=None) as batch_op:
        batch_op.drop_index("ix_conversion_commune_ind_at")
        batch_op.create_index(
            "ix_conversion_commune_ind_at_cover",
            ["commune_id", "indicator_id", "at", "village_id", "people"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("conversion", schema=None) as batch_op:
        batch_op.drop_index("ix_conversion_commune_ind_at_cover")
        batch_op.create_index(
            "ix_conversion_commune_ind_at", ["commune_id", "indicator_id", "at"], unique=False
        )
