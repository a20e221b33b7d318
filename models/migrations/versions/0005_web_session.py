"""web_login, web_session: one-time sign-in links and browser sessions (hashed tokens)

Revision ID: 0005_web_session
Revises: 0004_conversion_additions
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0005_web_session"
down_revision = "0004_conversion_additions"
branch_labels = None
depends_on = None


def _columns(name: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f(f"fk_{name}_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["commune.id"], name=op.f(f"fk_{name}_commune_id_commune")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{name}_token_hash")),
    ]


def upgrade() -> None:
    op.create_table(
        "web_login",
        *_columns("web_login"),
        sa.Column("used_at", models.base.UTCDateTime(), nullable=True),
    )
    op.create_table(
        "web_session",
        *_columns("web_session"),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("ended_at", models.base.UTCDateTime(), nullable=True),
    )
    for name in ("web_login", "web_session"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(f"ix_{name}_member_id", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_table("web_session")
    op.drop_table("web_login")
