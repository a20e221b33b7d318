"""What `cdsbot run` runs beside the channels: the outbox sender, the job scheduler, and the
spool drain (messages kept on disk during a database outage, replayed when it is back)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.base import Channel, Delivery
from bot.outbox import Sender
from bot.pipeline import Pipeline
from bot.replay import replay_failed
from bot.scheduler import JobScheduler
from bot.spool import Spool
from handlers.core.messages import Reply

log = logging.getLogger(__name__)
# Seconds between two tries to drain the spool while the database is still unreachable.
SPOOL_RETRY = (1.0, 5.0)


@dataclass
class Background:
    sender: Sender
    scheduler: JobScheduler
    engine: AsyncEngine
    pipeline: Pipeline
    public_links: bool
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None
    spool_task: asyncio.Task | None = None

    def start(self) -> None:
        self.scheduler.start()
        self.task = asyncio.create_task(self.sender.run(self.stop_event))
        if self.pipeline.spool is not None:
            self.spool_task = asyncio.create_task(drain_spool(self, self.pipeline.spool))

    async def stop(self) -> None:
        self.stop_event.set()
        await self.scheduler.stop()
        for task in (self.task, self.spool_task):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(task, 10)


class BotRouter:
    """Several bots of one platform (one Zalo bot per village) behind one channel name."""

    def __init__(self, channels: list[Channel]) -> None:
        self.name = channels[0].name
        self.caps = channels[0].caps
        self._by_bot = {getattr(c, "bot", ""): c for c in channels}
        self._first = channels[0]

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        # An account remembers the bot it talks to; a bot removed from the settings falls back.
        return await self._by_bot.get(bot, self._first).deliver(chat_id, bot, replies)


def by_name(channels: list[Channel]) -> dict[str, Channel]:
    grouped: dict[str, list[Channel]] = {}
    for channel in channels:
        grouped.setdefault(channel.name, []).append(channel)
    return {
        name: group[0] if len(group) == 1 else BotRouter(group)  # type: ignore[misc]
        for name, group in grouped.items()
    }


async def drain_spool(background: Background, spool: Spool) -> None:
    """Every second or so: once the database answers, spooled messages go into it as failed
    messages and are replayed at once (their replies go out through the outbox)."""
    engine, stop = background.engine, background.stop_event

    async def replay(ids: list[int]) -> None:
        results = await replay_failed(
            engine, background.pipeline, ids=ids, public_links=background.public_links
        )
        for r in results:
            log.info("spool: message #%s %s", r.id, r.outcome)

    wait = SPOOL_RETRY[0]
    while not stop.is_set():
        if spool.waiting():
            try:
                await spool.drain(engine, replay)
                wait = SPOOL_RETRY[0]
            except Exception as exc:
                log.warning("spool: database still unreachable (%s)", type(exc).__name__)
                wait = SPOOL_RETRY[1]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), wait)
