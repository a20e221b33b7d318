"""The demo commune, made on demand by `cdsbot demo`, `cdsbot chat --join` and `make run`."""

from __future__ import annotations

from bot.app import App
from models.base import utcnow
from models.seed import DemoResult, ensure_demo


async def create_demo(app: App) -> DemoResult | None:
    """Idempotent: the demo's invite codes come back on every call; None beside a real commune."""
    now = utcnow()
    today = now.astimezone(app.settings.tz).date()
    async with app.sessionmaker() as session, session.begin():
        return await ensure_demo(session, today=today, now=now)
