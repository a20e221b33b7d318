"""Alembic environment: runs migrations over the app's async engine (SQLite or PostgreSQL)."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import models  # noqa: F401 - registers every table on the metadata
from models.base import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _online() -> None:
    engine = create_async_engine(config.get_main_option("sqlalchemy.url"))
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
# The app passes its own (sync-facing) connection; the alembic CLI path opens one.
if config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    asyncio.run(_online())
