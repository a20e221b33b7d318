"""Setup pages (filled in below)."""

from __future__ import annotations

from aiohttp import web


def routes(router: web.UrlDispatcher) -> None:
    return None
