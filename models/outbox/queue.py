"""Outbox and job-run queries: enqueue once per key, claim due rows, settle them after a send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import insert_ignore
from models.members import ChannelAccount
from models.outbox import JobRun, OutboxMessage

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
# Transient failures are retried this many times (backoff doubling up to an hour), then failed.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    channel: str
    bot: str
    chat_id: str
    member_id: int | None
    job: str
    payload: dict[str, Any]
    attempts: int


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    channel: str,
    bot: str,
    chat_id: str,
    payload: dict[str, Any],
    now: datetime,
    member_id: int | None = None,
    commune_id: int | None = None,
    job: str = "",
    claimed_until: datetime | None = None,
) -> bool:
    """Queue one message; False when this key was queued before (a re-run queues nothing).
    With `claimed_until` the caller sends it itself: the row waits as "sending" and the sender
    takes it over only if it is still not settled then (the caller died)."""
    values = dict(
        key=key[:200],
        channel=channel,
        bot=bot,
        chat_id=chat_id,
        member_id=member_id,
        commune_id=commune_id,
        job=job,
        payload=payload,
        status=PENDING if claimed_until is None else SENDING,
        attempts=0,
        next_attempt_at=now if claimed_until is None else claimed_until,
        created_at=now,
    )
    return await insert_ignore(session, OutboxMessage.__table__, values, conflict=["key"])


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    channels: list[str] | None = None,
) -> list[OutboxRow]:
    """Take up to `limit` due rows for this worker: pending ones, and claims whose lease ran out
    (their sender died). Other workers skip locked rows, so no row is claimed twice at once.
    The caller commits right away: the claim is durable before anything is sent."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_((PENDING, SENDING)))
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if channels is not None:
        stmt = stmt.where(OutboxMessage.channel.in_(channels))
    rows = (await session.execute(stmt)).scalars().all()
    if not rows:
        return []
    # Read before the UPDATE: the ORM refreshes these objects from it.
    claimed = [
        OutboxRow(r.id, r.key, r.channel, r.bot, r.chat_id, r.member_id, r.job, r.payload,
                  r.attempts + 1)
        for r in rows
    ]  # fmt: skip
    ids = [r.id for r in rows]
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            status=SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + lease,
        )
    )
    return claimed


async def mark_sent(session: AsyncSession, *, ids: list[int], now: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=SENT, sent_at=now, error=None)
    )


async def release(session: AsyncSession, *, id: int, at: datetime, undo_attempt: bool) -> None:  # noqa: A002
    """Put a claimed row back for later (rate limit or 429): not the row's fault."""
    values: dict[str, Any] = dict(status=PENDING, next_attempt_at=at)
    if undo_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == id).values(**values))


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at an hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


async def retry_later(session: AsyncSession, *, row: OutboxRow, now: datetime, error: str) -> bool:
    """A transient failure: back off, or fail for good after MAX_ATTEMPTS. True if retried."""
    if row.attempts >= MAX_ATTEMPTS:
        await settle(session, id=row.id, status=FAILED, error=error)
        return False
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(status=PENDING, next_attempt_at=now + backoff(row.attempts), error=error[:200])
    )
    return True


async def settle(session: AsyncSession, *, id: int, status: str, error: str | None) -> None:  # noqa: A002
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == id)
        .values(status=status, error=(error or "")[:200] or None)
    )


async def mark_unreachable(
    session: AsyncSession, *, channel: str, bot: str, chat_id: str, now: datetime
) -> int:
    """The user blocked the bot: flag the account and drop what is still queued for that chat.
    The pipeline clears the flag when they write again (`touch_account`)."""
    await session.execute(
        update(ChannelAccount)
        .where(ChannelAccount.channel == channel, ChannelAccount.chat_id == chat_id)
        .where(ChannelAccount.unreachable_since.is_(None))
        .values(unreachable_since=now)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id)
        .where(OutboxMessage.bot == bot, OutboxMessage.status == PENDING)
        .values(status=SKIPPED, error="unreachable")
    )
    return result.rowcount or 0


async def counts(session: AsyncSession) -> dict[str, int]:
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {status: n for status, n in (await session.execute(stmt)).all()}


# -- job runs ------------------------------------------------------------------------------------
def run_key(job: str, commune_id: int, scheduled_for: datetime) -> str:
    return f"{job}:{commune_id}:{scheduled_for.strftime('%Y-%m-%dT%H:%MZ')}"


async def start_run(
    session: AsyncSession, *, job: str, commune_id: int, scheduled_for: datetime, now: datetime
) -> bool:
    """Claim one scheduled run; False when it ran (or is running) already."""
    values = dict(
        key=run_key(job, commune_id, scheduled_for),
        job=job,
        commune_id=commune_id,
        scheduled_for=scheduled_for,
        started_at=now,
        queued=0,
    )
    return await insert_ignore(session, JobRun.__table__, values, conflict=["key"])


async def finish_run(
    session: AsyncSession, *, job: str, commune_id: int, scheduled_for: datetime, now: datetime,
    queued: int,
) -> None:  # fmt: skip
    await session.execute(
        update(JobRun)
        .where(JobRun.key == run_key(job, commune_id, scheduled_for))
        .values(finished_at=now, queued=queued)
    )


async def last_run(session: AsyncSession, *, job: str, commune_id: int) -> datetime | None:
    stmt = select(func.max(JobRun.scheduled_for)).where(
        JobRun.job == job, JobRun.commune_id == commune_id
    )
    return await session.scalar(stmt)


async def count_waiting(session: AsyncSession) -> int:
    """Rows not settled yet (pending, or claimed and in flight)."""
    stmt = select(func.count()).where(OutboxMessage.status.in_((PENDING, SENDING)))
    return await session.scalar(stmt) or 0


def _own_claim(key: str):
    # The caller's claim is the only "sending" with no attempt counted: the sender's own
    # claims count one, so a row it took over is never the caller's again.
    return (
        (OutboxMessage.key == key)
        & (OutboxMessage.status == SENDING)
        & (OutboxMessage.attempts == 0)
    )


async def renew_claim(
    session: AsyncSession, *, key: str, now: datetime, until: datetime
) -> bool | None:
    """Extend a caller's own claim before it sends: True; False if the sender took the row
    over (or it is settled); None if there is no such row (nothing was queued)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_own_claim(key), OutboxMessage.next_attempt_at > now)
        .values(next_attempt_at=until)
    )
    if result.rowcount:
        return True
    found = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
    return False if found is not None else None


async def settle_claim(session: AsyncSession, *, key: str, sent: bool, now: datetime) -> None:
    """After the caller's own send: sent, or handed to the sender to retry at once."""
    values: dict[str, Any] = (
        dict(status=SENT, sent_at=now, error=None) if sent else dict(status=PENDING,
                                                                     next_attempt_at=now)
    )  # fmt: skip
    await session.execute(update(OutboxMessage).where(_own_claim(key)).values(**values))
