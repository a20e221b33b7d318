"""Prometheus metrics of one worker process, served at `/metrics` (METRICS=on or METRICS_TOKEN).

Labels are only channel names, message kinds, send results, job names, outbox statuses and Zalo
bot ids: never a chat id, a user id, a name or a phone. The hot path (one turn) uses children
bound once per channel, so counting costs a dict lookup and a few lock-protected additions.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from models.outbox import BotUsage, OutboxMessage
from models.outbox import queue as oq
from models.outbox.usage import month_of

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
CHANNELS = ("telegram", "zalo", "console")
KINDS = (
    "command", "choice", "text", "photo", "location", "contact", "sticker", "voice",
    "document", "unsupported",
)  # fmt: skip
SEND_RESULTS = ("ok", "429", "403", "5xx", "quota", "error")

UPDATES = Counter(
    "cdsbot_updates", "Updates received, by channel and kind", ["channel", "kind"],
    registry=REGISTRY,
)  # fmt: skip
TURN_SECONDS = Histogram(
    "cdsbot_turn_seconds",
    "Time from an update entering the pipeline to its replies being ready",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
TURNS_FAILED = Counter(
    "cdsbot_turns_failed", "Turns that raised (kept for `cdsbot inbound replay`)", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
DUPLICATES = Counter(
    "cdsbot_duplicates_dropped", "Updates dropped as platform redeliveries", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
LAST_MESSAGE = Gauge(
    "cdsbot_last_message_timestamp_seconds", "Unix time of the last update received",
    ["channel"], registry=REGISTRY,
)  # fmt: skip
SENDS = Counter(
    "cdsbot_sends", "Outbox deliveries by channel and result (ok, 429, 403, 5xx, quota, error)",
    ["channel", "result"], registry=REGISTRY,
)  # fmt: skip
OUTBOX = Gauge(
    "cdsbot_outbox_messages", "Outbox rows waiting (pending) or in flight (sending)",
    ["status"], registry=REGISTRY,
)  # fmt: skip
LEADER = Gauge(
    "cdsbot_scheduler_leader", "1 while this worker holds the scheduler lock (runs jobs, sends)",
    registry=REGISTRY,
)  # fmt: skip
TICKS = Counter(
    "cdsbot_scheduler_ticks", "Scheduler ticks (each checks the lock, once a minute)",
    registry=REGISTRY,
)  # fmt: skip
JOB_RUNS = Counter(
    "cdsbot_job_runs", "Scheduled job runs by job and result (done, failed)",
    ["job", "result"], registry=REGISTRY,
)  # fmt: skip
ZALO_QUOTA_USED = Gauge(
    "cdsbot_zalo_quota_used", "Messages a Zalo bot sent this month", ["bot"], registry=REGISTRY
)
ZALO_QUOTA = Gauge(
    "cdsbot_zalo_quota", "Messages a Zalo bot may send a month (ZALO_MONTHLY_QUOTA)",
    registry=REGISTRY,
)  # fmt: skip
POOL_WAIT = Histogram(
    "cdsbot_db_pool_wait_seconds", "Time spent waiting for a database connection from the pool",
    buckets=(0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30), registry=REGISTRY,
)  # fmt: skip
POOL_IN_USE = Gauge(
    "cdsbot_db_pool_connections", "Database connections checked out of the pool",
    registry=REGISTRY,
)  # fmt: skip


class TurnMetrics:
    """One channel's hot-path children, bound once."""

    __slots__ = ("duplicates", "failed", "kinds", "last", "seconds")

    def __init__(self, channel: str) -> None:
        self.kinds = {kind: UPDATES.labels(channel, kind) for kind in KINDS}
        self.seconds = TURN_SECONDS.labels(channel)
        self.failed = TURNS_FAILED.labels(channel)
        self.duplicates = DUPLICATES.labels(channel)
        self.last = LAST_MESSAGE.labels(channel)

    def received(self, kind: str) -> None:
        (self.kinds.get(kind) or self.kinds["unsupported"]).inc()
        self.last.set(time.time())


_TURNS: dict[str, TurnMetrics] = {}


def turn_metrics(channel: str) -> TurnMetrics:
    found = _TURNS.get(channel)
    if found is None:
        found = _TURNS[channel] = TurnMetrics(channel)
    return found


for _channel in CHANNELS:
    turn_metrics(_channel)
_SENDS = {(c, r): SENDS.labels(c, r) for c in CHANNELS for r in SEND_RESULTS}


def count_send(channel: str, result: str) -> None:
    child = _SENDS.get((channel, result))
    if child is None:
        child = _SENDS[(channel, result)] = SENDS.labels(channel, result)
    child.inc()


class TimedPool(AsyncAdaptedQueuePool):
    """The engine's pool, timing how long each checkout waited for a free connection."""

    def _do_get(self) -> Any:
        started = time.perf_counter()
        try:
            return super()._do_get()
        finally:
            POOL_WAIT.observe(time.perf_counter() - started)


@dataclass
class MetricsEndpoint:
    """`/metrics`: open with METRICS=on; with METRICS_TOKEN a bearer token is required."""

    token: str | None
    # Gauges read from the database just before each scrape (bounded by a timeout).
    refresh: Callable[[], Awaitable[None]] | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if self.token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(
                given.encode("utf-8", "surrogateescape"), self.token.encode()
            ):
                return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        if self.refresh is not None:
            try:
                await self.refresh()
            except Exception as exc:  # the counters still answer when the database does not
                log.warning("metrics: database gauges not refreshed (%s)", type(exc).__name__)
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


# Scrape-time queries must not hold a scrape (or a pool connection) for long.
REFRESH_TIMEOUT = 1.0


async def refresh_database_gauges(
    engine: AsyncEngine, *, zalo_bots: list[str], quota: int, now: datetime
) -> None:
    """Outbox depth, Zalo quota used this month (configured bots only), connections in use."""
    POOL_IN_USE.set(getattr(engine.pool, "checkedout", lambda: 0)())
    ZALO_QUOTA.set(quota)
    waiting = (oq.PENDING, oq.SENDING)
    async with asyncio.timeout(REFRESH_TIMEOUT), engine.connect() as conn:
        # The (status, next_attempt_at) index answers this without reading sent rows.
        depth = dict(
            (
                await conn.execute(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.status.in_(waiting))
                    .group_by(OutboxMessage.status)
                )
            ).all()
        )
        used = dict(
            (
                await conn.execute(
                    select(BotUsage.bot, BotUsage.sent).where(
                        BotUsage.channel == "zalo", BotUsage.month == month_of(now)
                    )
                )
            ).all()
        )
    for status in waiting:
        OUTBOX.labels(status).set(depth.get(status, 0))
    for bot in zalo_bots:
        ZALO_QUOTA_USED.labels(bot).set(used.get(bot, 0))
