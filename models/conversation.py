"""Conversation state per chat, kept in the database so any worker can continue it.

Read and written on every turn, so through prebuilt Core statements (no ORM identity map, no
statement building per call): one locked read, and one upsert when the state changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, dialect_insert, utcnow


class Conversation(SQLModel, table=True):
    channel: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=64)
    flow: str | None = Field(default=None, max_length=32)
    step: str | None = Field(default=None, max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Pending choices as [[key, label], …]; the version makes old buttons stale.
    choices: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    multi: bool = Field(default=False)
    version: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass
class ConversationRow:
    """One chat's stored state; a chat that never had one starts at version 0."""

    channel: str
    chat_id: str
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[Any] = field(default_factory=list)
    multi: bool = False
    version: int = 0


_table = Conversation.__table__
_c = _table.c
_STATE = ("flow", "step", "data", "choices", "multi", "version")


@cache
def _save_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE: a chat's first turn and every later one, race-free."""
    stmt = dialect_insert(dialect, _table)
    return stmt.on_conflict_do_update(
        index_elements=[_c.channel, _c.chat_id],
        set_={name: stmt.excluded[name] for name in (*_STATE, "updated_at")},
    )


async def save_conversation(conn: AsyncConnection, row: ConversationRow, now: datetime) -> None:
    values = {name: getattr(row, name) for name in _STATE}
    values.update(channel=row.channel, chat_id=row.chat_id, updated_at=now)
    await conn.execute(_save_statement(conn.dialect.name), values)
