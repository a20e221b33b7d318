"""Composition root: settings → engine → pipeline, and the database set-up every command shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from bot.settings import Settings
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


def setup_logging(level: str, fmt: str = "text") -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    if fmt == "json":
        from bot.logs import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    quiet_noisy_loggers()


def quiet_noisy_loggers() -> None:
    # httpx logs full request URLs, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # At DEBUG these log every SQL statement with its parameters: names, phones, codes.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
