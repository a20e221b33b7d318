"""One Zalo bot as a `Channel`: webhook or long polling in, numbered texts and photos out."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiohttp import web

from bot.channels.base import Delivery
from bot.channels.locks import ChatLocks
from bot.channels.zalo import adapter
from bot.channels.zalo.client import POLL_TIMEOUT, ZaloClient, ZaloError, bot_id_of
from bot.delivery import Courier, Quota
from bot.files import FileLinks
from bot.metrics import turn_metrics
from bot.pipeline import Pipeline
from bot.spool import payload_of
from handlers.core.messages import Incoming, Reply
from models.base import utcnow
from models.inbound import pending_payloads, store_pending

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
# Send "typing…" only when a turn is slow, so quick answers spend no extra API call.
TYPING_AFTER = 1.0
# Replies to a user's own message are retried a little (the outbox retries pushes itself).
REPLY_TRIES = 3
MAX_WAIT = 30.0
# Zalo replays consumed updates; recent ids are skipped before touching the database.
SEEN_SIZE = 2000
# How long a turn's own replies are reserved for this process to send before the outbox sender
# takes them over (this process died); sending them, retries included, takes far less.
REPLY_LEASE = timedelta(seconds=120)
TURNS_AT_ONCE = 8


class ZaloChannel:
    name = adapter.CHANNEL

    def __init__(
        self,
        token: str,
        pipeline: Pipeline,
        *,
        api_base: str,
        public_base_url: str | None = None,
        webhook_secret: str | None = None,
        links: FileLinks | None = None,
        quota: int = 3000,
        tz: ZoneInfo | None = None,
        poll_interval: float = 1.0,
        poll_timeout: int = POLL_TIMEOUT,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = utcnow,
        reply_lease: timedelta = REPLY_LEASE,
    ) -> None:
        self.bot = bot_id_of(token)
        self.reply_lease = reply_lease
        self.client = ZaloClient(token, api_base, http=http)
        self.pipeline = pipeline
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        # One secret per bot, derived so that a leaked header of one bot opens no other.
        base = webhook_secret or secrets.token_hex(16)
        self.secret = hmac.new(base.encode(), self.bot.encode(), hashlib.sha256).hexdigest()
        self.links = links
        self.caps = adapter.caps(links is not None)
        self.quota = quota
        self.tz = tz or pipeline.tz
        self.poll_interval = max(poll_interval, 0.0)
        self.poll_timeout = poll_timeout
        self.clock = clock
        self._poller: asyncio.Task | None = None
        self._webhook_set = False
        self._tasks: set[asyncio.Task] = set()
        self._turns = asyncio.Semaphore(TURNS_AT_ONCE)
        self._locks = ChatLocks()
        self.courier = Courier(
            self, pipeline.sessionmaker, clock=pipeline.clock, reply_lease=reply_lease,
            quota=Quota(pipeline.sessionmaker, channel=self.name, bot=self.bot, limit=quota,
                        tz=self.tz, clock=clock),
        )  # fmt: skip
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.typing_after = TYPING_AFTER

    @property
    def path(self) -> str:
        return f"/zalo/{self.bot}"

    def mount(self, web_app: web.Application) -> None:
        web_app.router.add_post(self.path, self.webhook)
        if self.links is not None:
            self.links.mount(web_app)

    async def start(self) -> None:
        await self._recover()
        try:
            me = await self.client.get_me()
            log.info("zalo bot %s: connected as %s", self.bot, me.get("account_name", "?"))
        except ZaloError as exc:
            if exc.fatal:
                log.error(_BAD_TOKEN, self.bot)
                return
            # Zalo unreachable at start: polling retries with backoff until it answers.
            log.warning("zalo bot %s: getMe failed (%s)", self.bot, exc)
        if self.public_base_url:
            try:
                await self.client.set_webhook(self.public_base_url + self.path, self.secret)
                self._webhook_set = True
                log.info("zalo bot %s: webhook mode", self.bot)
            except ZaloError as exc:
                log.error("zalo bot %s: setWebhook failed (%s)", self.bot, exc)
        else:
            self._poller = asyncio.create_task(self._poll(), name=f"zalo-poll-{self.bot}")

    @property
    def ready(self) -> bool:
        """Webhook registered, or the poller alive (it ends on a refused token or a webhook)."""
        return self._webhook_set or (self._poller is not None and not self._poller.done())

    async def stop(self, timeout: float = 30.0) -> None:
        """Stop polling (a batch being stored is finished first), then let every turn that
        was started finish; what is left after `timeout` is stored and runs after a restart."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        deadline = time.monotonic() + timeout
        while self._tasks and (left := deadline - time.monotonic()) > 0:
            await asyncio.wait(list(self._tasks), timeout=left)
        if self._tasks:
            log.warning("zalo bot %s: %d turn(s) unfinished at shutdown (stored, they run after "
                        "the restart)", self.bot, len(self._tasks))  # fmt: skip
        await self.client.close()

    # -- receiving --------------------------------------------------------------------------
    # Zalo never sends an update again once it was answered 200, and getUpdates has no offset
    # or acknowledgement: so an update is stored (database, or the spool when the database is
    # unreachable) before the webhook answers and before the poller does anything else, and
    # the turn runs afterwards. A restart handles what was stored but not handled.
    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # surrogateescape: raw non-UTF-8 header bytes arrive as surrogates; .encode() would 500.
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.secret.encode()):
            return web.json_response({"ok": False}, status=401)
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # not JSON, bad UTF-8, or nested past the limit
            return web.json_response({"ok": False}, status=400)
        update = adapter.unwrap(body)
        incoming = self._incoming(update) if update is not None else None
        if incoming is not None and not await self.receive(incoming):
            return web.json_response({"ok": False}, status=503)  # Zalo: try again later
        return web.json_response({"ok": True})

    def _incoming(self, update: dict[str, Any]) -> Incoming | None:
        try:
            return adapter.to_incoming(update, self.bot, self.clock())
        except Exception as exc:  # an odd update must not stop the poller or 500 the hook
            log.error("zalo bot %s: unreadable update (%s)", self.bot, type(exc).__name__)
            return None

    async def receive(self, incoming: Incoming) -> bool:
        """Store the update, then handle it in the background; False if it could not be kept."""
        if self._replayed(incoming.key):
            turn_metrics(self.name).duplicates.inc()
            return True
        try:
            async with self.pipeline.sessionmaker() as session, session.begin():
                fresh = await store_pending(
                    session, channel=self.name, key=incoming.key,
                    payload=payload_of(incoming), now=self.clock(),
                )  # fmt: skip
        except Exception as exc:
            log.warning("zalo bot %s: update %s not stored (%s)", self.bot, incoming.key,
                        type(exc).__name__)  # fmt: skip
            fresh = await self._spool(incoming)
            if not fresh:
                self._seen.pop(incoming.key, None)
                return False
        if fresh:
            self._spawn(self.handle_incoming(incoming))
        else:
            log.info("duplicate %s/%s ignored", self.name, incoming.key)
            turn_metrics(self.name).duplicates.inc()
        return True

    async def _spool(self, incoming: Incoming) -> bool:
        if self.pipeline.spool is None:
            return False
        try:
            await self.pipeline.spool.keep(incoming)
            return True
        except OSError as exc:
            log.error("zalo bot %s: update %s not kept (%s)", self.bot, incoming.key,
                      type(exc).__name__)  # fmt: skip
            return False

    def _spawn(self, work) -> None:  # noqa: ANN001 - a coroutine
        # References are kept so tasks are not collected mid-turn and `stop` can await them.
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _recover(self) -> None:
        """Handle the updates stored before a crash or restart that were never handled."""
        from bot.replay import incoming_from_payload  # replay imports the channels' caps

        try:
            async with self.pipeline.sessionmaker() as session:
                payloads = await pending_payloads(session, channel=self.name)
        except Exception as exc:
            log.warning("zalo bot %s: stored updates not read (%s)", self.bot,
                        type(exc).__name__)  # fmt: skip
            return
        mine = [p for p in payloads if p.get("bot") == self.bot]
        if mine:
            log.info("zalo bot %s: %d stored update(s) handled after a restart", self.bot,
                     len(mine))  # fmt: skip
        for payload in mine:
            try:
                incoming = incoming_from_payload(payload)
            except (KeyError, TypeError, ValueError) as exc:
                log.error("zalo bot %s: stored update unreadable (%s)", self.bot,
                          type(exc).__name__)  # fmt: skip
                continue
            self._replayed(incoming.key)
            self._spawn(self.handle_incoming(incoming))

    async def _poll(self) -> None:
        try:
            if await self.client.get_webhook_info() is not None:
                log.error(_WEBHOOK_SET, self.bot)
                return
        except ZaloError as exc:
            log.warning("zalo bot %s: getWebhookInfo failed (%s)", self.bot, exc)
        backoff = 1.0
        while True:
            started = time.monotonic()
            try:
                updates = await self.client.get_updates(self.poll_timeout)
                backoff = 1.0
            except ZaloError as exc:
                if exc.fatal or "webhook" in exc.description.lower():
                    log.error(_WEBHOOK_SET if exc.code != 401 else _BAD_TOKEN, self.bot)
                    return
                log.warning("zalo bot %s: polling failed (%s)", self.bot, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            except Exception as exc:  # the poller must outlive anything odd in one answer
                log.error("zalo bot %s: polling failed: %s", self.bot, type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            if updates:
                # Shielded and tracked: stopping the poller never cuts a batch half stored.
                batch = asyncio.create_task(self._receive_all(updates))
                self._tasks.add(batch)
                batch.add_done_callback(self._tasks.discard)
                await asyncio.shield(batch)
            # Zalo answers at once while its queue is non-empty: never poll hot.
            await asyncio.sleep(max(0.0, self.poll_interval - (time.monotonic() - started)))

    async def _receive_all(self, updates: list[dict[str, Any]]) -> None:
        for update in updates:
            incoming = self._incoming(update)
            # Not kept: Zalo hands an update out again later; nothing else can be done.
            if incoming is not None and not await self.receive(incoming):
                log.error("zalo bot %s: update %s left to Zalo", self.bot, incoming.key)

    async def handle_update(self, update: dict[str, Any]) -> None:
        """One update straight through the core (tests); never raises."""
        incoming = self._incoming(update)
        if incoming is None:
            return
        if self._replayed(incoming.key):
            turn_metrics(self.name).duplicates.inc()
            return
        await self.handle_incoming(incoming)

    async def handle_incoming(self, incoming: Incoming) -> None:
        """One stored update through the core; never raises (it runs in background tasks)."""
        try:
            # One chat's messages in order; a few turns at once, so that a burst does not
            # queue every turn's writes behind each other (SQLite has one connection).
            async with self._locks.hold(incoming.chat_id), self._turns:
                replies = await self._turn(incoming)
                await self.courier.reply(incoming, replies, tries=REPLY_TRIES)
        except Exception as exc:
            log.error("zalo bot %s: update failed: %s", self.bot, type(exc).__name__)

    def _replayed(self, key: str) -> bool:
        if key in self._seen:
            self._seen.move_to_end(key)
            return True
        self._seen[key] = None
        if len(self._seen) > SEEN_SIZE:
            self._seen.popitem(last=False)
        return False

    async def _turn(self, incoming: Incoming) -> list[Reply]:
        task = asyncio.create_task(
            self.pipeline.process(incoming, self.caps, reply_lease=self.reply_lease)
        )
        done, _ = await asyncio.wait({task}, timeout=self.typing_after)
        if not done:
            try:
                await self.client.send_typing(incoming.chat_id)
            except ZaloError as exc:
                log.info("zalo bot %s: typing failed (%s)", self.bot, exc)
        return await task

    # -- sending ----------------------------------------------------------------------------
    # Quota, the turn's reply row and unreachable chats are bot/delivery's (`self.courier`):
    # this channel renders and calls the Zalo API.
    def render(self, replies: list[Reply]) -> list[adapter.Send]:
        return [part for reply in replies for part in adapter.render(reply, self.links)]

    async def send_part(self, chat_id: str, part: adapter.Send, *, tries: int = 1) -> Delivery:
        for attempt in range(1, tries + 1):
            try:
                if part.photo_url:
                    await self.client.send_photo(chat_id, part.photo_url, part.text)
                else:
                    await self.client.send_message(chat_id, part.text)
                return Delivery(ok=True)
            except ZaloError as exc:
                if attempt == tries or not (exc.transient or exc.code == 429):
                    return _delivery_of(exc)
                await asyncio.sleep(min(exc.retry_after or 0.5 * 2**attempt, MAX_WAIT))
        return Delivery(ok=False, error="no attempt")

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        """A scheduled push: skipped with error "quota" once the bot's month is spent."""
        return await self.courier.push(chat_id, bot, replies)


_WEBHOOK_SET = (
    "zalo bot %s: a webhook is set, so polling is refused. Call deleteWebhook for this bot "
    "to poll, or set PUBLIC_BASE_URL (and WEBHOOK_SECRET) to use the webhook."
)
_BAD_TOKEN = "zalo bot %s: the token was refused (401); check ZALO_BOT_TOKENS"


def _delivery_of(exc: ZaloError) -> Delivery:
    if exc.code == 429:
        return Delivery(ok=False, retry_after=exc.retry_after or 5.0, error="429")
    if exc.transient:
        return Delivery(ok=False, transient=True, error=str(exc)[:200])
    if exc.code == 403:
        return Delivery(ok=False, unreachable=True, error=str(exc)[:200])
    return Delivery(ok=False, error=str(exc)[:200])
