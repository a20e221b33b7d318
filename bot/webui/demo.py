"""Wiring the page into a running bot, and the demo's page on this machine (`make run`)."""

from __future__ import annotations

from aiohttp import web

from bot.app import App
from bot.web import make_web_app, start_web
from bot.webui.core import WebUI
from locales import translator
from models.base import utcnow
from models.members import Role
from models.websession import create_login


def web_ui(app: App) -> WebUI:
    settings = app.settings
    return WebUI(
        app.sessionmaker,
        tz=settings.tz,
        base_url=app.pipeline.web_base_url,
        files_dir=app.files_dir,
        default_locale=settings.default_locale,
    )


async def sign_in_link(app: App, *, commune_id: int, role: str) -> str:
    """A one-time link with no member behind it: for the admin, or the demo's official."""
    async with app.sessionmaker() as session, session.begin():
        token = await create_login(session, commune_id=commune_id, role=role, now=utcnow())
    return f"{app.pipeline.web_base_url}/web/dangnhap/{token}"


async def serve_demo(app: App, commune_id: int) -> tuple[web.AppRunner | None, str]:
    """The page on 127.0.0.1 only, and the line to print: a sign-in link for the demo's
    official (or why the page did not start)."""
    from bot.webui import mount_webui  # noqa: PLC0415 - the package imports this module

    t = translator(app.settings.default_locale)
    web_app = make_web_app()
    mount_webui(web_app, web_ui(app))
    try:
        runner = await start_web(web_app, "127.0.0.1", app.settings.web_port)
    except OSError as exc:
        return None, t._(
            "Web page not started (port {port}: {reason}).",
            port=app.settings.web_port,
            reason=exc.strerror,
        )
    link = await sign_in_link(app, commune_id=commune_id, role=Role.OFFICIAL)
    return runner, t._(
        "Web page for the commune official (one use, 15 minutes): {link}", link=link
    )
