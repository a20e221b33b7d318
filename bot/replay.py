"""Replaying failed messages through the real pipeline once a fix is deployed.

One failed row is one transaction on one connection: its key is set aside (so the pipeline's
dedupe takes the message again), `Pipeline.process` runs inside a savepoint, and on success the
row becomes `done` and the replies are queued in the outbox under a key of their own. On a new
failure, or a crash, the whole transaction rolls back: the row stays `failed` with its payload,
and nothing is queued. A row is done or failed, never half replayed, and never queued twice.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.pipeline import Pipeline
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Reply
from handlers.core.payload import to_payload
from locales import translator
from models.inbound import FailedRow, asked_since, set_aside, settle_replayed
from models.outbox import queue as outbox_queue

log = logging.getLogger(__name__)

# Channels the running bot's sender delivers; the console has none (its replies would wait
# in the outbox forever), so a console message is replayed but its replies are not queued.
SENT_BY_OUTBOX = ("telegram", "zalo")


@dataclass(frozen=True)
class Replayed:
    id: int
    channel: str
    received_at: datetime | None
    # "replayed"; "failed" (again: kept); "moved_on" (kept: the chat now waits for the answer
    # to a later question, which this message would answer); "skipped" (not a failed row).
    outcome: str
    queued: bool = False


def channel_caps(channel: str, *, public_links: bool) -> Capabilities:
    """What the message's own channel can show, as its adapter declares it."""
    if channel == "telegram":
        from bot.channels.telegram.adapter import CAPS  # aiogram loads only when used

        return CAPS
    if channel == "zalo":
        from bot.channels.zalo.adapter import caps

        return caps(public_links)
    from bot.channels.console import CAPS as CONSOLE_CAPS

    return CONSOLE_CAPS


def incoming_from_payload(payload: dict[str, Any]) -> Incoming:
    """The `Incoming` that `_keep_failed` stored as JSON: sent_at aware again, lists tuples."""
    known = {f.name for f in fields(Incoming)}
    values = {k: _tuples(v) for k, v in payload.items() if k in known}
    sent_at = datetime.fromisoformat(values["sent_at"])
    values["sent_at"] = sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)
    return Incoming(**values)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def with_header(replies: list[Reply], incoming: Incoming, tz: ZoneInfo) -> list[Reply]:
    """Say which message the replies answer: it may be hours or days old by now."""
    if not replies:
        return replies
    t = translator(replies[0].lang)
    written = incoming.sent_at.astimezone(tz)
    header = t._(
        "Your message of {date} at {time} has just been processed again:",
        date=t.date(written),
        time=t.time(written),
    )
    first = replies[0]
    if first.text and first.image is None and first.document is None:
        return [dataclasses.replace(first, text=f"{header}\n{first.text}"), *replies[1:]]
    return [Reply(header, lang=t.lang), *replies]


async def replay_failed(
    engine: AsyncEngine,
    pipeline: Pipeline,
    *,
    ids: list[int],
    public_links: bool = False,
    force: bool = False,
) -> list[Replayed]:
    """Replay these failed rows, oldest first, each in its own transaction."""
    done = []
    for row_id in sorted(set(ids)):
        try:
            done.append(await _replay_one(engine, pipeline, row_id, public_links, force))
        except Exception as exc:  # the database itself failed: rolled back, the row is kept
            log.error("failed message %s: replay aborted (%s)", row_id, type(exc).__name__)
            done.append(Replayed(row_id, "", None, "failed"))
    return done


async def _replay_one(
    engine: AsyncEngine, pipeline: Pipeline, row_id: int, public_links: bool, force: bool
) -> Replayed:
    async with engine.connect() as conn, conn.begin() as tx:
        ours = _sessions(conn, "rollback_only")
        async with ours() as session:
            # This writes before the pipeline runs: SQLite's driver opens the transaction only
            # at a write, and the pipeline's SAVEPOINT must nest inside it, not start its own
            # (whose RELEASE would commit).
            row = await set_aside(session, id=row_id)
        if row is None:
            await tx.rollback()
            return Replayed(row_id, "", None, "skipped")
        outcome, queued = await _run(conn, pipeline, row, public_links, force)
        if outcome != "replayed":
            await tx.rollback()
    return Replayed(row.id, row.channel, row.received_at, outcome, queued)


async def _run(
    conn: AsyncConnection, pipeline: Pipeline, row: FailedRow, public_links: bool, force: bool
) -> tuple[str, bool]:
    """Process the message inside the open transaction: (outcome, whether replies were queued)."""
    try:
        incoming = incoming_from_payload(row.payload)
    except (KeyError, TypeError, ValueError) as exc:
        log.error("failed message %s: payload unreadable (%s)", row.id, type(exc).__name__)
        return "failed", False
    if not force and _is_answer(incoming):
        async with _sessions(conn, "rollback_only")() as session:
            # A "1" typed for the question of then would pick option 1 of today's question.
            if await asked_since(
                session, channel=row.channel, chat_id=incoming.chat_id, since=row.received_at
            ):
                return "moved_on", False
    # The pipeline's sessions become savepoints of our transaction: its own rollback on a
    # handler error stays inside, and its commit is ours to make or undo.
    # No spool: a replay that cannot reach the database leaves its row failed, and that is all.
    inner = dataclasses.replace(
        pipeline, sessionmaker=_sessions(conn, "create_savepoint"), spool=None
    )
    replies = await inner.process(incoming, channel_caps(row.channel, public_links=public_links))
    async with _sessions(conn, "rollback_only")() as session:
        if not await settle_replayed(session, row=row):
            return "failed", False
        if not replies or incoming.channel not in SENT_BY_OUTBOX:
            return "replayed", False
        # Keyed by the message: running the replay again can never queue these twice.
        queued = await outbox_queue.enqueue(
            session,
            key=f"replay:{incoming.channel}:{incoming.key}",
            channel=incoming.channel,
            bot=incoming.bot,
            chat_id=incoming.chat_id,
            payload=to_payload(with_header(replies, incoming, pipeline.tz)),
            now=pipeline.clock(),
            job="replay",
        )
    return "replayed", queued


def _is_answer(incoming: Incoming) -> bool:
    """Typed text goes to a pending step; commands restart, and stale buttons are refused."""
    return incoming.choice is None and not (incoming.text or "").strip().startswith("/")


def _sessions(conn: AsyncConnection, mode: str) -> async_sessionmaker:
    return async_sessionmaker(bind=conn, expire_on_commit=False, join_transaction_mode=mode)
