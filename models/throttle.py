"""Counting attempts per key in a time window, safely under concurrency.

A count-then-insert check lets a burst through: forty messages of one account arriving at once
on several PostgreSQL connections all count zero before any of them inserts (and there is no row
yet to lock). `serialize` takes a transaction-scoped advisory lock on the key first, so the
messages of one account (or one bot) pass the check one after another. SQLite runs one write
transaction at a time already.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Index, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class RateMark(SQLModel, table=True):
    """One counted event for a rate limit (an answer to someone who has not joined…); no text."""

    __tablename__ = "rate_mark"
    __table_args__ = (Index("ix_rate_mark_key", "channel", "key", "kind", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    key: str = Field(max_length=80)
    kind: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# A namespace for these locks, apart from the scheduler's and the migrations' keys.
_NAMESPACE = 0x0CD5


_LOCK = text("SELECT pg_advisory_xact_lock(CAST(:ns AS integer), CAST(:key AS integer))")


def lock_params(*parts: str) -> dict[str, int]:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=4).digest()
    return {"ns": _NAMESPACE, "key": int.from_bytes(digest, "big", signed=True)}


async def serialize(session: AsyncSession | AsyncConnection, *parts: str) -> None:
    """Wait until no other transaction holds the same key; released at commit or rollback.

    Taken after the chat's own lock (bot/bookkeeping.py, at the start of a turn): one order for
    every turn, so two turns never wait for each other in a circle."""
    bind = session if isinstance(session, AsyncConnection) else session.bind
    if bind.dialect.name != "postgresql":
        return
    await session.execute(_LOCK, lock_params(*parts))


async def recent(
    session: AsyncSession, *, channel: str, key: str, kind: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many marks this key has since `since`, and the oldest of them."""
    stmt = select(func.count(), func.min(RateMark.at)).where(
        RateMark.channel == channel,
        RateMark.key == key,
        RateMark.kind == kind,
        RateMark.at > since,
    )
    count, oldest = (await session.execute(stmt)).one()
    return count, oldest


async def mark(
    session: AsyncSession, *, channel: str, key: str, kind: str, now: datetime, keep: timedelta
) -> None:
    """One more mark; this key's marks older than `keep` are dropped on the way."""
    await session.execute(
        delete(RateMark).where(
            RateMark.channel == channel,
            RateMark.key == key,
            RateMark.kind == kind,
            RateMark.at < now - keep,
        )
    )
    session.add(RateMark(channel=channel, key=key, kind=kind, at=now))
    await session.flush()
