"""Composition root: the one place that builds the parts from the settings — engine and pipeline
(`build_app`, every command), then for `cdsbot run` the channels, the metrics endpoint, and the
outbox sender with the job scheduler (`make_background`). Nothing else constructs them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.background import Background, by_name
from bot.channels.base import Channel
from bot.channels.zalo.channel import ZaloChannel
from bot.db import make_engine, make_sessionmaker
from bot.files import file_links
from bot.metrics import MetricsEndpoint, refresh_database_gauges
from bot.outbox import TELEGRAM_LIMITS, Sender, zalo_limits
from bot.pipeline import Pipeline
from bot.scheduler import JobScheduler
from bot.settings import Settings
from models.base import utcnow
from models.migrate import upgrade


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    pipeline: Pipeline

    @property
    def files_dir(self) -> Path:
        return Path(self.settings.data_dir) / "files"

    async def close(self) -> None:
        await self.engine.dispose()


async def build_app(settings: Settings, *, migrate: bool = True) -> App:
    engine = make_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    sessionmaker = make_sessionmaker(engine)
    files_dir = Path(settings.data_dir) / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    pipeline = Pipeline(
        sessionmaker,
        tz=settings.tz,
        default_locale=settings.default_locale,
        files_dir=files_dir,
        web_base_url=web_base_url(settings),
    )
    return App(settings, engine, sessionmaker, pipeline)


def web_base_url(settings: Settings) -> str:
    return settings.public_base_url or f"http://127.0.0.1:{settings.web_port}"


def make_channels(app: App) -> list[Channel]:
    """Every platform with a token configured."""
    settings = app.settings
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel  # aiogram loads only when used

        channels.append(
            TelegramChannel(
                app.pipeline,
                app.sessionmaker,
                token=settings.telegram_bot_token.get_secret_value(),
                api_base=settings.telegram_api_base,
                public_base_url=settings.public_base_url,
                webhook_secret=secret,
            )
        )
    links = file_links(settings, app.files_dir)
    for token in settings.zalo_tokens:
        channels.append(
            ZaloChannel(
                token,
                app.pipeline,
                api_base=settings.zalo_api_base,
                public_base_url=settings.public_base_url,
                webhook_secret=secret,
                links=links,
                quota=settings.zalo_monthly_quota,
                reply_lease=timedelta(seconds=settings.reply_lease_seconds),
            )
        )
    return channels


def metrics_endpoint(app: App, channels: list[Channel]) -> MetricsEndpoint | None:
    """`/metrics` with METRICS=on or METRICS_TOKEN; None (no route) otherwise."""
    settings = app.settings
    if not settings.metrics and settings.metrics_token is None:
        return None
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    bots = [getattr(c, "bot", "") for c in channels if c.name == "zalo"]

    async def refresh() -> None:
        await refresh_database_gauges(
            app.engine,
            zalo_bots=bots,
            quota=settings.zalo_monthly_quota,
            now=utcnow().astimezone(settings.tz),
        )

    return MetricsEndpoint(token, refresh)


def make_background(app: App, channels: list[Channel]) -> Background:
    """The job scheduler and the outbox sender. The worker holding the scheduler lock runs the
    jobs and drains the outbox; every worker answers users. One sender per deployment keeps each
    platform's per-bot limits exact."""
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
    return Background(
        sender,
        scheduler,
        engine=app.engine,
        pipeline=app.pipeline,
        public_links=file_links(settings, app.files_dir) is not None,
    )
