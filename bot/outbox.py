"""The sender: drains the outbox through each channel's `deliver`, within the platform's limits.

Delivery is at-least-once with the narrowest window the platforms allow (they take no
idempotency key): a row is claimed (status "sending", lease) and committed before its request
goes out, and marked "sent" in its own commit as soon as the platform answers. If the process
dies, rows still "sending" are claimed again when their lease runs out; only those whose
request was already on the wire — at most `concurrency` per worker — can reach the user twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, Delivery
from bot.delivery import recorded, result_label
from bot.metrics import count_send
from handlers.core.payload import from_payload
from models.base import utcnow
from models.outbox import queue as oq

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    period: float


@dataclass(frozen=True)
class ChannelLimits:
    overall: Limit
    per_chat: Limit | None = None
    per_group: Limit | None = None


# Telegram's published limits; every window is stretched 5% so that network jitter (one request
# a few milliseconds slower than the next) never lets the server see one too many in its window.
TELEGRAM_LIMITS = ChannelLimits(Limit(30, 1.05), Limit(1, 1.05), Limit(20, 63.0))


def zalo_limits(per_second: int = 10, per_chat_per_second: int = 1) -> ChannelLimits:
    return ChannelLimits(Limit(per_second, 1.05), Limit(per_chat_per_second, 1.05))


# Seconds without a 429 after which a slowed-down window is back to its configured pace.
RECOVER = 60.0


class Window:
    """At most `count` sends in any `period` seconds (sliding window of send times)."""

    def __init__(self, limit: Limit, *, smooth: bool = False) -> None:
        self.limit = limit
        self.base_period = limit.period
        # Smooth: also space sends evenly (period/count apart) instead of bursting a whole
        # window at once, so a server that counts slightly differently never sees a spike.
        self.gap = limit.period / limit.count if smooth else 0.0
        # Theoretical time of the next send (GCRA): a late wake-up is made up for by the next
        # send instead of slowing every later one down.
        self.tat = 0.0
        self.times: deque[float] = deque()
        self.paused_until = 0.0
        self.slowed_at: float | None = None

    def wait(self, now: float, n: int = 1) -> float:
        """Seconds until `n` more sends fit."""
        if self.slowed_at is not None and now - self.slowed_at > RECOVER:
            self._set_period(self.base_period)
            self.slowed_at = None
        while self.times and self.times[0] <= now - self.limit.period:
            self.times.popleft()
        n = min(n, self.limit.count)
        over = len(self.times) + n - self.limit.count
        wait = self.times[over - 1] + self.limit.period - now if over > 0 else 0.0
        if self.gap:
            wait = max(wait, self.tat - 2 * self.gap - now)
        return max(wait, self.paused_until - now, 0.0)

    def slow_down(self, now: float, factor: float = 1.03, most: float = 1.2) -> None:
        """After a 429: the platform counts stricter than we pace, so pace a little slower —
        for RECOVER seconds only: a 429 caused by a stall (the machine busy, paced requests
        arriving bunched) must not cost the rest of a 20.000-message fan-out 3 % each."""
        self._set_period(min(self.limit.period * factor, self.base_period * most))
        self.slowed_at = now

    def _set_period(self, period: float) -> None:
        self.limit = Limit(self.limit.count, period)
        if self.gap:
            self.gap = period / self.limit.count

    def take(self, now: float, n: int = 1) -> None:
        self.times.extend([now] * n)
        if self.gap:
            self.tat = max(self.tat, now + self.gap) + self.gap * n


class Pacer:
    """All the windows of one channel: overall, and per chat (private or group)."""

    def __init__(self, limits: ChannelLimits) -> None:
        self.limits = limits
        self.overall = Window(limits.overall, smooth=True)
        self.chats: dict[str, Window] = {}

    def chat_windows(self, chat_id: str) -> list[Window]:
        """The chat's windows: 1 a second in any chat, and for a group also 20 a minute (the
        fake Telegram server refused a group's second message within a second when only the
        group window applied: both limits hold for groups)."""
        group = chat_id.startswith("-")  # Telegram groups have negative ids
        wanted = [(chat_id, self.limits.per_chat)]
        if group:
            wanted.append((f"{chat_id}/group", self.limits.per_group))
        out = []
        for key, limit in wanted:
            if limit is None:
                continue
            window = self.chats.get(key)
            if window is None:
                window = self.chats[key] = Window(limit)
            out.append(window)
        if len(self.chats) > 50_000:  # forget idle chats so memory stays bounded
            now = time.monotonic()
            self.chats = {
                k: w for k, w in self.chats.items() if w.wait(now) > 0 or k.startswith(chat_id)
            }
        return out


class Sender:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        channels: dict[str, Channel],
        *,
        limits: dict[str, ChannelLimits] | None = None,
        clock: Callable[[], datetime] = utcnow,
        lease: timedelta = timedelta(seconds=60),
        poll: float = 1.0,
        concurrency: int = 8,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        self.sessionmaker, self.channels, self.clock = sessionmaker, channels, clock
        limits = limits or {}
        self.pacers = {
            name: Pacer(limits.get(name) or (TELEGRAM_LIMITS if name == "telegram" else
                                             zalo_limits()))
            for name in channels
        }  # fmt: skip
        self.lease, self.poll = lease, poll
        # Only one worker sends pushes (the scheduler's leader, see bot/background.py): the
        # platform limits are per bot, so one sender keeps them exactly, per chat included.
        self.active = active
        self.slots = asyncio.Semaphore(concurrency)
        self.tasks: set[asyncio.Task] = set()
        # Chats that just answered "blocked": rows already claimed for them are not sent. The
        # database flag does the rest; this only covers the rows in flight (a minute is plenty).
        self.blocked: dict[tuple[str, str], float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and drain until `stop` is set; other processes' rows are seen within `poll`."""
        while not stop.is_set():
            try:
                handled = await self.drain_once() if self.active() else 0
            except Exception:
                log.exception("outbox: drain failed")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll)
        await self.settle_in_flight()

    async def drain(self) -> None:
        """Send everything due now, then wait for the answers (tests, bench)."""
        while await self.drain_once():
            pass
        await self.settle_in_flight()

    async def settle_in_flight(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def drain_once(self) -> int:
        if not self.pacers:
            return 0
        # A claim must be sent well within its lease, or a slow batch would be claimed again.
        fastest = max(
            p.limits.overall.count / p.limits.overall.period for p in self.pacers.values()
        )
        batch = max(1, min(int(fastest), int(fastest * self.lease.total_seconds() / 3)))
        async with self.sessionmaker() as session, session.begin():
            rows = await oq.claim_due(
                session, now=self.clock(), lease=self.lease, limit=batch,
                channels=list(self.channels),
            )  # fmt: skip
        for row in rows:
            await self._dispatch(row)
        return len(rows)

    async def _dispatch(self, row: oq.OutboxRow) -> None:
        pacer = self.pacers[row.channel]
        replies = from_payload(row.payload)
        n = max(len(replies), 1)
        chats = pacer.chat_windows(row.chat_id)
        chat_wait = max((w.wait(time.monotonic(), n) for w in chats), default=0.0)
        if chat_wait > 0:
            # Not this row's turn yet: give it back rather than hold up everyone else.
            await self._release(row, chat_wait)
            return
        # A free slot first, then the pacing: the request leaves at the moment it was paced for.
        await self.slots.acquire()
        while (wait := pacer.overall.wait(time.monotonic(), n)) > 0:
            await asyncio.sleep(wait)
        now = time.monotonic()
        pacer.overall.take(now, n)
        for window in chats:
            window.take(now, n)
        task = asyncio.create_task(self._send(row, replies))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _send(self, row: oq.OutboxRow, replies) -> None:
        try:
            if self.blocked.get((row.channel, row.chat_id), 0) > time.monotonic():
                async with self.sessionmaker() as session, session.begin():
                    await oq.settle(session, id=row.id, status=oq.SKIPPED, error="unreachable")
                return
            try:
                delivery = await self.channels[row.channel].deliver(row.chat_id, row.bot, replies)
            except Exception as exc:  # a bug or a dropped connection: retry later
                log.warning("outbox %s: deliver raised %s", row.id, type(exc).__name__)
                delivery = Delivery(ok=False, transient=True, error=type(exc).__name__)
            await self._settle(row, delivery)
        except Exception:
            log.exception("outbox %s: could not record the result", row.id)
        finally:
            self.slots.release()

    async def _release(self, row: oq.OutboxRow, seconds: float) -> None:
        async with self.sessionmaker() as session, session.begin():
            at = self.clock() + timedelta(seconds=seconds)
            await oq.release(session, id=row.id, at=at, undo_attempt=True)

    async def _settle(self, row: oq.OutboxRow, d: Delivery) -> None:
        now = self.clock()
        count_send(row.channel, result_label(d))
        if not d.ok and d.retry_after is not None:
            # 429: the whole bot must wait, not only this chat.
            overall = self.pacers[row.channel].overall
            if overall.paused_until < time.monotonic():  # once per 429 burst
                overall.slow_down(time.monotonic())
            overall.paused_until = time.monotonic() + d.retry_after
            log.warning("outbox: %s asked to wait %.1fs", row.channel, d.retry_after)
            await self._release(row, d.retry_after)
            return
        async with self.sessionmaker() as session, session.begin():
            if d.ok:
                await oq.mark_sent(session, ids=[row.id], now=now)
            elif d.unreachable:
                self.blocked[(row.channel, row.chat_id)] = time.monotonic() + 60
                await oq.settle(session, id=row.id, status=oq.FAILED, error="unreachable")
            elif d.error == "quota":
                await oq.settle(session, id=row.id, status=oq.SKIPPED, error="quota")
                log.warning("outbox %s: skipped, %s bot %r quota spent", row.id, row.channel,
                            row.bot)  # fmt: skip
            elif d.transient:
                if not await oq.retry_later(session, row=row, now=now, error=d.error or "?"):
                    log.warning("outbox %s: failed after %d tries", row.id, row.attempts)
            else:
                await oq.settle(session, id=row.id, status=oq.FAILED, error=d.error)
                log.warning("outbox %s: failed (%s)", row.id, d.error)
        if d.unreachable:
            log.info("outbox %s: chat unreachable", row.id)
            await recorded(
                self.sessionmaker,
                d,
                channel=row.channel,
                bot=row.bot,
                chat_id=row.chat_id,
                now=now,
            )
