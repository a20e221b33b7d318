"""Alembic's migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.base import metadata


async def test_migrations_match_models(engine):
    def diff(connection):
        ctx = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []
