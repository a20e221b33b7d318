"""The web page for officials and leaders: server-rendered from the same queries as the chat.

Mounted as a sub-application at /web on the one aiohttp server (`bot/web.py`), so its
middlewares (security headers, sessions, CSRF) touch none of the webhooks.
"""

from __future__ import annotations

from aiohttp import web

from bot.webui import (
    pages_area,
    pages_plan,
    pages_progress,
    pages_reports,
    pages_setup,
    signin,
)
from bot.webui.core import STATIC_DIR, UI_KEY, WebUI, security_headers


def make_webui(ui: WebUI) -> web.Application:
    sub = web.Application(middlewares=[security_headers])
    sub[UI_KEY] = ui
    sub.router.add_static("/static/", STATIC_DIR, append_version=True)
    for module in (signin, pages_progress, pages_area, pages_reports, pages_setup, pages_plan):
        module.routes(sub.router)
    return sub


def mount_webui(web_app: web.Application, ui: WebUI) -> None:
    web_app.add_subapp("/web", make_webui(ui))


__all__ = ["WebUI", "make_webui", "mount_webui"]
