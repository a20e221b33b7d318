"""Shared column types, UTC helpers and the dialect-aware upsert used by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import SQLModel

# Stable constraint names so Alembic autogenerate and batch mode agree on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def dialect_insert(dialect: str, table: Any) -> Any:
    """The dialect's INSERT, the one with ON CONFLICT clauses (SQLite and PostgreSQL)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@cache
def _insert_ignoring(dialect: str, table: Any, conflict: tuple[str, ...]) -> Any:
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=list(conflict))


async def insert_ignore(
    session: AsyncSession | AsyncConnection,
    table: Any,
    values: dict[str, Any],
    *,
    conflict: list[str],
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either dialect; True when a row was inserted.

    The statement is built once per (dialect, table, conflict) and the values bound per call:
    it runs on every message (the dedupe key), so building it each time would cost."""
    dialect = session.dialect if isinstance(session, AsyncConnection) else session.bind.dialect
    stmt = _insert_ignoring(dialect.name, table, tuple(conflict))
    result = await session.execute(stmt, values)
    return bool(result.rowcount)


async def insert_ignore_returning(
    session: AsyncSession,
    table: Any,
    rows: list[dict[str, Any]],
    *,
    conflict: list[str],
    returning: Any,
) -> set[Any]:
    """Several rows in one INSERT … ON CONFLICT DO NOTHING RETURNING on either dialect: the
    `returning` column of the rows inserted, the ignored ones left out."""
    ignoring = _insert_ignoring(session.bind.dialect.name, table, tuple(conflict))
    return set((await session.execute(ignoring.values(rows).returning(returning))).scalars())
