"""Inbound messages: keys already handled, so a platform's retry never acts twice; pending ones
kept before the platform is told "received"; failed ones listed, set aside for a replay and settled
afterwards (`cdsbot inbound`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, insert_ignore, utcnow
from models.conversation import Conversation

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


# Failed messages (`cdsbot inbound list|replay`).


@dataclass(frozen=True)
class FailedRow:
    id: int
    channel: str
    message_key: str
    received_at: datetime
    payload: dict[str, Any]


def _row(r: Inbound) -> FailedRow:
    return FailedRow(r.id, r.channel, r.message_key, r.received_at, dict(r.payload or {}))


async def failed_messages(session: AsyncSession) -> list[FailedRow]:
    stmt = select(Inbound).where(Inbound.status == FAILED).order_by(Inbound.id)
    return [_row(r) for r in (await session.execute(stmt)).scalars()]


def aside_key(row_id: int) -> str:
    return f"replay:{row_id}"


async def set_aside(session: AsyncSession, *, id: int) -> FailedRow | None:  # noqa: A002
    """Move a failed row's key out of the way so the pipeline's dedupe takes the message again.
    None if the row is not failed (any more). Only the caller's transaction sees the move: it
    either settles the row or rolls back, which restores it untouched."""
    found = await session.scalar(select(Inbound).where(Inbound.id == id, Inbound.status == FAILED))
    if found is None:
        return None
    row = _row(found)
    # Guarded on status and key: of two replays of one row only one moves it (the other waits
    # for the PostgreSQL row lock or SQLite's write lock, then matches nothing).
    moved = await session.execute(
        update(Inbound)
        .where(Inbound.id == id, Inbound.status == FAILED, Inbound.message_key == row.message_key)
        .values(message_key=aside_key(id))
        .execution_options(synchronize_session=False)
    )
    return row if moved.rowcount else None


async def settle_replayed(session: AsyncSession, *, row: FailedRow) -> bool:
    """After the pipeline ran: True if it handled the message. The row set aside then takes
    back its key as `done` (payload dropped: nothing typed is kept longer than needed) in
    place of the pipeline's own dedupe row. False (a failure) leaves everything to the
    caller's rollback."""
    status = await session.scalar(
        select(Inbound.status).where(
            Inbound.channel == row.channel,
            Inbound.message_key == row.message_key,
            Inbound.id != row.id,
        )
    )
    if status != DONE:
        return False
    await session.execute(
        delete(Inbound)
        .where(Inbound.channel == row.channel, Inbound.message_key == row.message_key)
        .where(Inbound.id != row.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Inbound)
        .where(Inbound.id == row.id)
        .values(message_key=row.message_key, status=DONE, payload=None)
        .execution_options(synchronize_session=False)
    )
    return True


async def asked_since(
    session: AsyncSession, *, channel: str, chat_id: str, since: datetime
) -> bool:
    """True when the chat now waits for an answer to a question asked after `since`."""
    stmt = select(Conversation.flow).where(
        Conversation.channel == channel,
        Conversation.chat_id == chat_id,
        Conversation.flow.is_not(None),
        Conversation.updated_at > since,
    )
    return (await session.scalar(stmt)) is not None
