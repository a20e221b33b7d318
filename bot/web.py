"""The one aiohttp web server: channel webhooks, file links, health, readiness and metrics.

At shutdown the gate closes first: a platform's POST then gets 503 (so it sends the update
again, to this worker after its restart or to another one) while the requests already inside
finish; only then are the channels stopped. GETs (health, file links that a turn in flight may
still hand to Zalo) are still served until the server goes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web

from bot.health import Readiness, health
from bot.metrics import MetricsEndpoint

log = logging.getLogger(__name__)

# Webhook bodies are small JSON; anything bigger is refused before it is read.
MAX_BODY = 1024 * 1024


@dataclass
class Gate:
    open: bool = True
    inside: int = 0
    empty: asyncio.Event = field(default_factory=asyncio.Event)

    async def close(self, timeout: float) -> int:
        """Refuse new POSTs, then wait up to `timeout` s for those inside; the number left."""
        self.open = False
        if self.inside:
            try:
                await asyncio.wait_for(self.empty.wait(), timeout)
            except TimeoutError:
                log.error("shutdown: %d request(s) still running after %ss", self.inside, timeout)
        return self.inside


GATE = web.AppKey("gate", Gate)


@web.middleware
async def _gate(request: web.Request, handler) -> web.StreamResponse:  # noqa: ANN001
    gate = request.app[GATE]
    if request.method != "POST":
        return await handler(request)
    if not gate.open:
        return web.Response(status=503, headers={"Retry-After": "5"})
    gate.inside += 1
    gate.empty.clear()
    try:
        return await handler(request)
    finally:
        gate.inside -= 1
        if not gate.inside:
            gate.empty.set()


def stopping(web_app: web.Application) -> bool:
    return not web_app[GATE].open


def make_web_app(
    readiness: Readiness | None = None, metrics: MetricsEndpoint | None = None
) -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY, middlewares=[_gate])
    web_app[GATE] = Gate()
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
