"""What `cdsbot run` runs beside the channels: the outbox sender and the job scheduler."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from bot.app import App
from bot.channels.base import Channel
from bot.outbox import TELEGRAM_LIMITS, Sender, zalo_limits
from bot.scheduler import JobScheduler


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


def start_background(app: App, channels: list[Channel]) -> Background:
    """Every worker drains the outbox; the scheduler runs in whichever holds the lock."""
    settings = app.settings
    limits = {
        "telegram": TELEGRAM_LIMITS,
        "zalo": zalo_limits(settings.zalo_send_per_second),
    }
    sender = Sender(app.sessionmaker, {c.name: c for c in channels}, limits=limits)
    scheduler = JobScheduler(
        app.sessionmaker,
        app.engine,
        tz=settings.tz,
        grace=timedelta(hours=settings.job_grace_hours),
    )
    background = Background(sender, scheduler)
    scheduler.start()
    background.task = asyncio.create_task(sender.run(background.stop_event))
    return background
