"""Inbound message keys already handled, so a platform's retry never acts twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, insert_ignore, utcnow

# "pending": received and stored (with its payload) but not handled yet; the turn that handles
# it turns it into "done" in its own transaction. "failed" keeps the payload for a replay.
PENDING, DONE, FAILED = "pending", "done", "failed"


class Inbound(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("channel", "message_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_key: str = Field(max_length=128)
    # "done" when handled; "pending" and "failed" keep the payload so nothing typed is lost.
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


def _key(channel: str, key: str):
    return (Inbound.channel == channel) & (Inbound.message_key == key)


async def store_pending(
    conn: AsyncSession | AsyncConnection, *, channel: str, key: str, payload: dict, now: datetime
) -> bool:
    """Keep a received update before the platform is told so; False if it was already here."""
    values = {
        "channel": channel, "message_key": key, "status": PENDING, "payload": payload,
        "received_at": now,
    }  # fmt: skip
    return await insert_ignore(
        conn, Inbound.__table__, values, conflict=["channel", "message_key"]
    )


async def claim_pending(conn: AsyncSession | AsyncConnection, *, channel: str, key: str) -> bool:
    """Take a stored update for handling, in the handling transaction: True for exactly one
    taker (a PostgreSQL row lock or SQLite's write lock makes the others match nothing)."""
    result = await conn.execute(
        update(Inbound)
        .where(_key(channel, key), Inbound.status == PENDING)
        .values(status=DONE, payload=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def keep_failed(
    conn: AsyncSession | AsyncConnection, *, channel: str, key: str, payload: dict, now: datetime
) -> bool:
    """Record a message whose handling failed, or turn its pending row into a failed one.
    False when the key is already handled (nothing to keep)."""
    values = {
        "channel": channel, "message_key": key, "status": FAILED, "payload": payload,
        "received_at": now,
    }  # fmt: skip
    if await insert_ignore(conn, Inbound.__table__, values, conflict=["channel", "message_key"]):
        return True
    result = await conn.execute(
        update(Inbound)
        .where(_key(channel, key), Inbound.status.in_((PENDING, FAILED)))
        .values(status=FAILED, payload=payload)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def failed_id(conn: AsyncSession | AsyncConnection, *, channel: str, key: str) -> int | None:
    return await conn.scalar(
        select(Inbound.id).where(_key(channel, key), Inbound.status == FAILED)
    )


async def pending_payloads(
    session: AsyncSession, *, channel: str, limit: int = 1000
) -> list[dict[str, Any]]:
    """Stored updates not handled yet (a crash between storing and handling), oldest first."""
    stmt = (
        select(Inbound.payload)
        .where(Inbound.channel == channel, Inbound.status == PENDING)
        .order_by(Inbound.id)
        .limit(limit)
    )
    return [dict(p or {}) for p in (await session.execute(stmt)).scalars()]
