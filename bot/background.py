"""What `cdsbot run` runs beside the channels: the outbox sender and the job scheduler."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from bot.app import App
from bot.channels.base import Channel, Delivery
from bot.outbox import TELEGRAM_LIMITS, Sender, zalo_limits
from bot.scheduler import JobScheduler
from handlers.messages import Reply


@dataclass
class Background:
    sender: Sender
    scheduler: JobScheduler
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None

    async def stop(self) -> None:
        self.stop_event.set()
        await self.scheduler.stop()
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self.task, 10)


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
    return background
