"""Failed inbound messages: list them, set one aside for a replay, settle it afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.conversation import Conversation
from models.inbound import Inbound

FAILED, DONE = "failed", "done"


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
