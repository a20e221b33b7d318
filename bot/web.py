"""The one aiohttp web server: channel webhooks, file links, health, readiness and metrics."""

from __future__ import annotations

from aiohttp import web

from bot.health import Readiness, health
from bot.metrics import MetricsEndpoint

# Webhook bodies are small JSON; anything bigger is refused before it is read.
MAX_BODY = 1024 * 1024


def make_web_app(
    readiness: Readiness | None = None, metrics: MetricsEndpoint | None = None
) -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY)
    mount_ops(web_app, readiness, metrics)
    return web_app


def mount_ops(
    web_app: web.Application, readiness: Readiness | None, metrics: MetricsEndpoint | None
) -> None:
    """The operator's routes; also served alone on METRICS_PORT (one port per worker)."""
    web_app.router.add_get("/healthz", health)
    if readiness is not None:
        web_app.router.add_get("/readyz", readiness.handle)
    if metrics is not None:
        web_app.router.add_get("/metrics", metrics.handle)


async def start_web(
    web_app: web.Application, host: str, port: int, *, shared: bool = True
) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    # reuse_port: several `cdsbot run` workers share one port; the kernel spreads connections.
    # A worker's own ops port is not shared: a scrape must reach that worker.
    await web.TCPSite(runner, host, port, reuse_port=shared).start()
    return runner
