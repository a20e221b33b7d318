"""Inbound message keys already handled, so a platform's retry never acts twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Inbound(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("channel", "message_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_key: str = Field(max_length=128)
    # "done" when handled; "failed" keeps the payload so nothing typed is lost.
    status: str = Field(default="done", max_length=8)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


# Platforms redeliver within minutes or hours; a week of keys is ample to drop every retry.
# Without pruning the table grows by one row per update, forever.
KEEP_HANDLED = timedelta(days=7)


async def prune_handled(session: AsyncSession, *, before: datetime, limit: int) -> int:
    """Delete up to `limit` handled keys received before `before`; failed messages stay."""
    oldest = (
        select(Inbound.id)
        .where(Inbound.status == "done", Inbound.received_at < before)
        .order_by(Inbound.id)
        .limit(limit)
    )
    result = await session.execute(delete(Inbound).where(Inbound.id.in_(oldest)))
    return result.rowcount or 0
