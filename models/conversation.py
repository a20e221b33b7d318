"""Conversation state per chat, kept in the database so any worker can continue it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


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


async def load_conversation(session: AsyncSession, *, channel: str, chat_id: str) -> Conversation:
    """The chat's row, locked for this transaction (FOR UPDATE is a no-op on SQLite)."""
    stmt = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.chat_id == chat_id)
        .with_for_update()
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        row = Conversation(channel=channel, chat_id=chat_id)
        session.add(row)
    return row
