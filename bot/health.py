"""`/healthz` (the process answers) and `/readyz` (it can do its work: the database answers
within a second at the current migration, and every platform channel is connected or polling).

A failing check is named, never explained with an exception text (it might hold a host name or
a password): the log of the worker says more, by exception class.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from aiohttp import web
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.migrate import alembic_config

log = logging.getLogger(__name__)
DB_TIMEOUT = 1.0


@cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@dataclass
class Readiness:
    engine: AsyncEngine
    # Objects with `name` and a `ready` property: the running channels.
    channels: Sequence = ()
    timeout: float = DB_TIMEOUT
    # Set at shutdown: webhooks are refused from then on (bot/web.py's gate).
    stopping: bool = False

    async def failing(self) -> list[str]:
        """Names of the parts that are not ready; empty when all are."""
        failing = ["stopping"] if self.stopping else []
        try:
            async with asyncio.timeout(self.timeout), self.engine.connect() as conn:
                current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            if current != head_revision():
                failing.append("migrations")
        except Exception as exc:  # unreachable, timed out, refused: all mean "not ready"
            log.warning("readyz: database not ready (%s)", type(exc).__name__)
            failing.append("database")
        for channel in self.channels:
            if not getattr(channel, "ready", True):
                name = channel.name
                bot = getattr(channel, "bot", "")
                # Several Zalo bots: the bot id (not secret, not personal) says which one.
                failing.append(f"{name}:{bot}" if name == "zalo" and bot else name)
        return failing

    async def handle(self, request: web.Request) -> web.Response:
        failing = await self.failing()
        if failing:
            return web.json_response({"ok": False, "failing": failing}, status=503)
        return web.json_response({"ok": True})


async def health(request: web.Request) -> web.Response:
    # Says only that the process is up: no counts, no names.
    return web.json_response({"ok": True})
