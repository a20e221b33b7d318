"""What `cdsbot run` runs beside the channels: the outbox sender, the job scheduler, and the
spool drain (messages kept on disk during a database outage, replayed when it is back)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.app import App
from bot.channels.base import Channel, Delivery
from bot.files import file_links
from bot.outbox import TELEGRAM_LIMITS, Sender, zalo_limits
from bot.replay import replay_failed
from bot.scheduler import JobScheduler
from bot.spool import Spool
from handlers.messages import Reply

log = logging.getLogger(__name__)
# Seconds between two tries to drain the spool while the database is still unreachable.
SPOOL_RETRY = (1.0, 5.0)


@dataclass
class Background:
    sender: Sender
    scheduler: JobScheduler
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None
    spool_task: asyncio.Task | None = None

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


def start_background(app: App, channels: list[Channel]) -> Background:
    """The worker holding the scheduler lock runs the jobs and drains the outbox; every worker
    answers users. One sender per deployment keeps each platform's per-bot limits exact."""
    settings = app.settings
    limits = {
        "telegram": TELEGRAM_LIMITS,
        "zalo": zalo_limits(settings.zalo_send_per_second),
    }
    scheduler = JobScheduler(
        app.sessionmaker,
        app.engine,
        tz=settings.tz,
        grace=timedelta(hours=settings.job_grace_hours),
        files_dir=app.files_dir,
        file_hours=settings.file_link_hours,
    )
    sender = Sender(
        app.sessionmaker, by_name(channels), limits=limits, active=lambda: scheduler.leading
    )
    background = Background(sender, scheduler)
    scheduler.start()
    background.task = asyncio.create_task(sender.run(background.stop_event))
    if app.pipeline.spool is not None:
        background.spool_task = asyncio.create_task(
            drain_spool(app, app.pipeline.spool, background.stop_event)
        )
    return background


async def drain_spool(app: App, spool: Spool, stop: asyncio.Event) -> None:
    """Every second or so: once the database answers, spooled messages go into it as failed
    messages and are replayed at once (their replies go out through the outbox)."""
    public = file_links(app.settings, app.files_dir) is not None

    async def replay(ids: list[int]) -> None:
        results = await replay_failed(app.engine, app.pipeline, ids=ids, public_links=public)
        for r in results:
            log.info("spool: message #%s %s", r.id, r.outcome)

    wait = SPOOL_RETRY[0]
    while not stop.is_set():
        if spool.waiting():
            try:
                await spool.drain(app.engine, replay)
                wait = SPOOL_RETRY[0]
            except Exception as exc:
                log.warning("spool: database still unreachable (%s)", type(exc).__name__)
                wait = SPOOL_RETRY[1]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), wait)
