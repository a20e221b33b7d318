"""The one aiohttp web server: channel webhooks, file links and the health check."""

from __future__ import annotations

from aiohttp import web

# Webhook bodies are small JSON; anything bigger is refused before it is read.
MAX_BODY = 1024 * 1024


def make_web_app() -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_get("/healthz", health)
    return web_app


async def health(request: web.Request) -> web.Response:
    # Says only that the process is up: no counts, no names.
    return web.json_response({"ok": True})


async def start_web(web_app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    # reuse_port: several `cdsbot run` workers share one port; the kernel spreads connections.
    await web.TCPSite(runner, host, port, reuse_port=True).start()
    return runner
