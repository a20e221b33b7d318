"""What happens around a send, for the outbox's pushes and a turn's own replies alike.

A channel renders and calls its platform; this module keeps the books: a Zalo bot's monthly
quota (checked before a push, reserved for answers to people who have not joined, counted after
every part, and its warning to officials queued in the outbox like any other push), a turn's own
reply row (claimed before sending, settled right after), the sends metric, and an account the
platform says is gone (`unreachable`, the one place that is recorded).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Delivery
from bot.metrics import count_send
from bot.pipeline import reply_key
from handlers.core.messages import Incoming, Reply
from handlers.core.payload import to_payload
from handlers.pushes.quota import quota_warnings
from models.outbox import queue as oq
from models.outbox import usage

log = logging.getLogger(__name__)

WARN_SHARE = 0.8
# At most this share of the month's messages answers people who have not joined: the rest is
# kept for members and the scheduled pushes (models/usage.strangers_of counts them apart).
STRANGER_SHARE = 0.2
# How long a quota warning is this process's to send before the outbox sender takes it over.
WARNING_LEASE = timedelta(seconds=120)


def result_label(d: Delivery) -> str:
    """The sends metric's label: ok, 429, 403, 5xx (or timeout), quota, error."""
    if d.ok:
        return "ok"
    if d.retry_after is not None:
        return "429"
    if d.unreachable:
        return "403"
    if d.error == "quota":
        return "quota"
    return "5xx" if d.transient else "error"


async def unreachable(
    sessionmaker: async_sessionmaker[AsyncSession], *, channel: str, bot: str, chat_id: str,
    now: datetime,
) -> int:  # fmt: skip
    """The platform says the chat is gone (the user blocked the bot): after a push (the sender)
    or a turn's own reply, the account is flagged and what is still queued for it dropped, until
    the user writes again. Returns how many queued messages were dropped."""
    async with sessionmaker() as session, session.begin():
        dropped = await oq.mark_unreachable(
            session, channel=channel, bot=bot, chat_id=chat_id, now=now
        )
    log.info("%s chat %s: unreachable, %d queued dropped", channel, chat_id, dropped)
    return dropped


async def recorded(
    sessionmaker: async_sessionmaker[AsyncSession], d: Delivery, *, channel: str, bot: str,
    chat_id: str, now: datetime,
) -> Delivery:  # fmt: skip
    """A push's result with an unreachable chat recorded (once: the sender skips it then)."""
    if not d.unreachable or d.recorded:
        return d
    await unreachable(sessionmaker, channel=channel, bot=bot, chat_id=chat_id, now=now)
    return replace(d, recorded=True)


class Quota:
    """One Zalo bot's monthly messages: members' answers and pushes on the bot's row, answers to
    people who have not joined on a second row, capped at STRANGER_SHARE of the month."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        channel: str,
        bot: str,
        limit: int,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessionmaker, self.channel, self.bot = sessionmaker, channel, bot
        self.limit, self.tz, self.clock = limit, tz, clock

    def month(self) -> str:
        return usage.month_of(self.clock().astimezone(self.tz))

    async def used(self, session: AsyncSession) -> tuple[int, int]:
        """Messages sent this month: to members (and pushes), and to people not joined."""
        month = self.month()
        members = await usage.usage(session, channel=self.channel, bot=self.bot, month=month)
        others = await usage.usage(
            session, channel=self.channel, bot=usage.strangers_of(self.bot), month=month
        )
        return members.sent, others.sent

    async def spent(self) -> bool:
        """No push goes out once the month is spent (strangers can spend STRANGER_SHARE of it
        at most, so pushes keep the rest)."""
        async with self.sessionmaker() as session:
            members, strangers = await self.used(session)
        return members + strangers >= self.limit

    async def reserve_for_stranger(self, n: int) -> bool:
        """Take n messages from the strangers' share before sending (concurrent answers cannot
        all pass a check made before any of them counted); False when it is spent."""
        month, others = self.month(), usage.strangers_of(self.bot)
        async with self.sessionmaker() as session, session.begin():
            await usage.count_sent(session, channel=self.channel, bot=others, month=month, n=n)
            members, strangers = await self.used(session)
            if strangers <= self.limit * STRANGER_SHARE and members + strangers <= self.limit:
                return True
            await usage.count_sent(session, channel=self.channel, bot=others, month=month, n=-n)
        return False

    async def count(
        self, n: int, *, now: datetime, stranger: bool = False, warn: bool = True
    ) -> list[tuple[str, Reply, str]]:
        """Count n sent messages. The first count past WARN_SHARE of the month queues the
        warning to the bot's officials in the outbox, claimed for the caller to send at once:
        (outbox key, reply, chat id) of each; the sender takes over what is not settled."""
        month = self.month()
        async with self.sessionmaker() as session, session.begin():
            # A stranger's answer was counted when it was reserved. The members' row also
            # holds whether officials were warned this month.
            row = await usage.count_sent(
                session, channel=self.channel, bot=self.bot, month=month, n=0 if stranger else n
            )
            members, strangers = await self.used(session)
            claimed = (
                warn
                and not row.warned
                and members + strangers >= self.limit * WARN_SHARE
                and await usage.claim_warning(
                    session, channel=self.channel, bot=self.bot, month=month
                )
            )
            if not claimed:
                return []
            log.warning(
                "zalo bot %s: %d of %d messages sent this month (%d to members, %d to people "
                "who have not joined)", self.bot, members + strangers, self.limit, members,
                strangers,
            )  # fmt: skip
            items = await quota_warnings(
                session, channel=self.channel, bot=self.bot, quota=self.limit,
                members=members, strangers=strangers,
            )  # fmt: skip
            queued = []
            for item in items:
                key = f"quota-warning:{self.bot}:{month}:{item.recipient_key}"
                await oq.enqueue(
                    session, key=key, channel=item.channel, bot=item.bot, chat_id=item.chat_id,
                    payload=to_payload([item.reply]), now=now, job="quota-warning",
                    claimed_until=now + WARNING_LEASE,
                )  # fmt: skip
                queued.append((key, item.reply, item.chat_id))
            return queued


class PartSender(Protocol):
    """A channel that sends a message as parts (Zalo): render, then one call per part."""

    name: str
    bot: str

    def render(self, replies: list[Reply]) -> Sequence[Any]: ...

    async def send_part(self, chat_id: str, part: Any, *, tries: int = 1) -> Delivery:
        """One part, tried up to `tries` times (429 and transient failures)."""
        ...


class Courier:
    """One bot's sends: the outbox's pushes (`push`) and a turn's own replies (`reply`), both
    counted against the bot's quota; a turn's reply that the platform refuses is recorded."""

    def __init__(
        self,
        channel: PartSender,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime],
        reply_lease: timedelta,
        quota: Quota | None = None,
    ) -> None:
        # `clock` is the outbox's (the pipeline's), which queued the turn's reply row.
        self.channel, self.sessionmaker, self.clock, self.quota = (
            channel, sessionmaker, clock, quota
        )  # fmt: skip
        self.reply_lease = reply_lease

    @property
    def who(self) -> str:
        return f"{self.channel.name} bot {self.channel.bot}"

    async def push(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        """A message from the outbox: skipped with error "quota" once the bot's month is spent;
        an unreachable chat is recorded here (the sender settles the row)."""
        if bot and bot != self.channel.bot:
            log.warning("%s: delivery meant for bot %s", self.who, bot)
        if self.quota is not None and await self.quota.spent():
            return Delivery(ok=False, error="quota")
        delivery = await self.send(chat_id, replies)
        return await recorded(
            self.sessionmaker, delivery, channel=self.channel.name, bot=self.channel.bot,
            chat_id=chat_id, now=self.clock(),
        )  # fmt: skip

    async def reply(self, incoming: Incoming, replies: list[Reply], *, tries: int) -> None:
        """Send a turn's replies; their outbox row says whether they still are ours to send."""
        if not replies:
            return
        key, now = reply_key(incoming), self.clock()  # the clock that queued it
        try:
            async with self.sessionmaker() as session, session.begin():
                ours = await oq.renew_claim(
                    session, key=key, now=now, until=now + self.reply_lease
                )
        except Exception as exc:  # the database is gone: the apology or notice goes anyway
            log.warning("%s: reply claim not renewed (%s)", self.who, type(exc).__name__)
            ours = None
        if ours is False:
            log.info("%s: reply %s left to the outbox", self.who, incoming.key)
            return

        async def settle(sent: bool = True) -> None:
            # Right after the last part: the shorter this gap, the fewer replies a crash can
            # make the outbox send a second time.
            if ours:
                async with self.sessionmaker() as session, session.begin():
                    await oq.settle_claim(session, key=key, sent=sent, now=self.clock())

        delivery = await self.send(incoming.chat_id, replies, tries=tries, then=settle)
        count_send(self.channel.name, result_label(delivery))
        if delivery.ok:
            return
        log.error("%s: reply not sent (%s)", self.who, delivery.error)
        await settle(sent=False)  # the outbox retries it, unless the chat is gone
        if delivery.unreachable:
            await unreachable(
                self.sessionmaker, channel=self.channel.name, bot=incoming.bot,
                chat_id=incoming.chat_id, now=self.clock(),
            )  # fmt: skip

    async def send(
        self,
        chat_id: str,
        replies: list[Reply],
        *,
        tries: int = 1,
        then: Callable[[], Awaitable[None]] | None = None,
    ) -> Delivery:
        """Every part, or what stopped them; `then()` runs as soon as every part went (before
        they are counted, so that a turn's reply row is settled first)."""
        parts = self.channel.render(replies)
        stranger = any(r.to_stranger for r in replies)
        if stranger and self.quota and not await self.quota.reserve_for_stranger(len(parts)):
            log.info("%s: answer to someone who has not joined not sent: their share of this "
                     "month's messages is spent", self.who)  # fmt: skip
            if then is not None:
                await then()
            return Delivery(ok=True)
        sent, delivery = 0, Delivery(ok=True)
        try:
            for part in parts:
                delivery = await self.channel.send_part(chat_id, part, tries=tries)
                if not delivery.ok:
                    return delivery
                sent += 1
            if then is not None:
                await then()
        finally:
            await self._count(sent, stranger=stranger)
        return delivery

    async def _count(self, n: int, *, stranger: bool = False, warn: bool = True) -> None:
        if self.quota is None or not n:
            return
        try:
            warnings = await self.quota.count(n, now=self.clock(), stranger=stranger, warn=warn)
        except Exception as exc:  # a count lost must not fail the turn
            log.warning("%s: send not counted (%s)", self.who, type(exc).__name__)
            return
        for key, reply, chat_id in warnings:
            await self._warn(key, reply, chat_id)

    async def _warn(self, key: str, reply: Reply, chat_id: str) -> None:
        """A quota warning queued a moment ago: sent now, settled; the sender retries a failure."""
        try:
            sent = 0
            for part in self.channel.render([reply]):
                delivery = await self.channel.send_part(chat_id, part)
                if not delivery.ok:
                    log.warning("%s: quota warning not sent (%s)", self.who, delivery.error)
                    break
                sent += 1
            else:
                delivery = Delivery(ok=True)
            async with self.sessionmaker() as session, session.begin():
                await oq.settle_claim(session, key=key, sent=delivery.ok, now=self.clock())
        except Exception as exc:  # left to the outbox once its claim runs out
            log.warning("%s: quota warning not settled (%s)", self.who, type(exc).__name__)
            return
        await self._count(sent, warn=False)
