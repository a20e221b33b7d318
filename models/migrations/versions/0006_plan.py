"""plan: commune kind/province/demo flag, area kinds, per-commune indicators, notes

Revision ID: 0006_plan
Revises: 0005_web_session

Only added columns and a new table: SQLite would rebuild a table to change a constraint, and
with foreign keys on it cannot drop a parent table that has rows.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_plan"
down_revision = "0005_web_session"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("commune", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("kind", _STR(length=16), server_default="xa", nullable=False))
        batch_op.add_column(
            sa.Column("province", _STR(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("province_key", _STR(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("note", _STR(length=500), nullable=True))
    # Until now a commune could only come from `cdsbot demo`: the demo of seeds/000.
    op.execute(
        "UPDATE commune SET is_demo = true, province = 'Thanh Hóa', province_key = 'thanh hoa' "
        "WHERE name_key = 'quang truong'"
    )
    with op.batch_alter_table("village", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("kind", _STR(length=16), server_default="thon", nullable=False)
        )
        batch_op.add_column(sa.Column("note", _STR(length=500), nullable=True))
    with op.batch_alter_table("indicator", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("national", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("words", _STR(length=200), server_default="", nullable=False))
    with op.batch_alter_table("target", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("note", _STR(length=500), nullable=True))
    op.create_table(
        "commune_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("name", _STR(length=160), nullable=True),
        sa.Column("unit", _STR(length=16), nullable=True),
        sa.Column("note", _STR(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["commune.id"], name=op.f("fk_commune_indicator_commune_id_commune")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"],
            name=op.f("fk_commune_indicator_indicator_id_indicator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_indicator")),
        sa.UniqueConstraint(
            "commune_id", "indicator_id", name=op.f("uq_commune_indicator_commune_id")
        ),
    )  # fmt: skip
    with op.batch_alter_table("commune_indicator") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commune_indicator_commune_id"), ["commune_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commune_indicator") as batch_op:
        batch_op.drop_index(batch_op.f("ix_commune_indicator_commune_id"))
    op.drop_table("commune_indicator")
    for table, columns in (
        ("target", ["note"]),
        ("indicator", ["words", "national"]),
        ("village", ["note", "kind"]),
        ("commune", ["note", "is_demo", "province_key", "province", "kind"]),
    ):
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
