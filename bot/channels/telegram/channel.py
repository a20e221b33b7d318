"""The Telegram `Channel`: long polling or a webhook, the commands menu, and `deliver()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Delivery
from bot.channels.telegram import render
from bot.channels.telegram.adapter import CAPS, CHANNEL, make_router
from bot.channels.telegram.menu import set_chat_menu, set_commands
from bot.channels.telegram.retry import RETRYING, RetryMiddleware
from bot.channels.telegram.session import TelegramSession
from bot.channels.telegram.webhook import GuardedRequestHandler
from bot.delivery import unreachable
from bot.metrics import count_send
from bot.pipeline import NotKept, Pipeline
from bot.settings import WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_RE
from bot.tuning import json_codec
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Reply
from models.chats import member_chats

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
# Per-chat menus: how many chats are remembered, how many known members get theirs at start
# (newest first), how many calls run at once, and how long one may take.
MENU_CACHE = 50_000
START_MENUS = 500
MENU_CONCURRENCY = 4
MENU_TIMEOUT = 10.0
NOT_KEPT_MAX_WAIT = 30.0
# What Telegram accepts as a webhook secret token.
SECRET_RE = WEBHOOK_SECRET_RE


class TelegramError(SystemExit):
    """A setting that makes Telegram unusable: stops the start with one clear line."""


class TelegramChannel:
    name = CHANNEL
    caps = CAPS

    def __init__(
        self,
        pipeline: Pipeline,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        token: str,
        api_base: str = "https://api.telegram.org",
        public_base_url: str | None = None,
        webhook_secret: str | None = None,
        polling_timeout: int = 10,
        request_timeout: float = 30,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if public_base_url and not (webhook_secret and SECRET_RE.match(webhook_secret)):
            raise TelegramError(
                "WEBHOOK_SECRET: with PUBLIC_BASE_URL set, Telegram needs a webhook secret of "
                f"{WEBHOOK_SECRET_MIN}–256 letters, digits, _ or -"
            )
        self.pipeline = pipeline
        self.sessionmaker = sessionmaker
        self.clock = clock or pipeline.clock
        self.webhook_url = f"{public_base_url}{WEBHOOK_PATH}" if public_base_url else None
        self.webhook_secret = webhook_secret
        self.polling_timeout = polling_timeout
        loads, dumps = json_codec()
        session = TelegramSession(
            api=TelegramAPIServer.from_base(api_base),
            timeout=request_timeout,
            json_loads=loads,
            json_dumps=dumps,
        )
        session.middleware(RetryMiddleware())
        self.bot = Bot(
            token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
        )
        self.dp = Dispatcher(disable_fsm=True)
        self.dp.include_router(make_router(self._process, self.clock, self._guard))
        self._polling: asyncio.Task[None] | None = None
        self._webhook_set = False
        # chat id → (role, language) its menu was set for; setting it again is skipped.
        self._menus: OrderedDict[str, tuple[str | None, str]] = OrderedDict()
        self._menu_slots = asyncio.Semaphore(MENU_CONCURRENCY)
        self._menu_tasks: set[asyncio.Task[None]] = set()
        # A send-only process (bench.drain) passes a stand-in without turns: no menus to keep.
        hooks = getattr(pipeline, "turn_hooks", None)
        if hooks is not None:
            hooks.append(self._on_turn)

    @property
    def webhook(self) -> bool:
        return self.webhook_url is not None

    def mount(self, web_app: web.Application) -> None:
        if not self.webhook:
            return
        # Not in the background: Telegram gets its 200 only once the message is committed,
        # so a crash mid-turn means a redelivery, which the pipeline's dedupe absorbs.
        GuardedRequestHandler(
            self.dp, self.bot, handle_in_background=False, secret_token=self.webhook_secret
        ).register(web_app, path=WEBHOOK_PATH)

    def _on_turn(self, incoming: Incoming, role: str | None, lang: str) -> None:
        """After a private turn: if the member's role or language changed (or joined), set the
        chat's menu in the background; a failure is logged and retried at the next turn."""
        if incoming.channel != CHANNEL:
            return
        self._menu_for(incoming.chat_id, role, lang)

    def _menu_for(self, chat_id: str, role: str | None, lang: str) -> None:
        if self._menus.get(chat_id) == (role, lang):
            self._menus.move_to_end(chat_id)
            return
        self._menus[chat_id] = (role, lang)
        while len(self._menus) > MENU_CACHE:
            self._menus.popitem(last=False)
        task = asyncio.create_task(self._set_menu(chat_id, role, lang))
        self._menu_tasks.add(task)
        task.add_done_callback(self._menu_tasks.discard)

    async def _set_menu(self, chat_id: str, role: str | None, lang: str) -> None:
        # One attempt (this task's own context): the next turn of the chat tries again.
        RETRYING.set(False)
        try:
            async with self._menu_slots:
                await asyncio.wait_for(
                    set_chat_menu(self.bot, chat_id, role, lang), timeout=MENU_TIMEOUT
                )
        except Exception as exc:  # never stops a turn or a start
            log.warning("telegram: menu for chat %s not set: %s", chat_id, type(exc).__name__)
            if self._menus.get(chat_id) == (role, lang):
                del self._menus[chat_id]

    async def _known_menus(self) -> None:
        """At start, the newest START_MENUS members get their role's menu."""
        try:
            async with self.sessionmaker() as session:
                chats = await member_chats(session, channel=CHANNEL, limit=START_MENUS)
        except Exception as exc:
            log.warning("telegram: member menus not read: %s", type(exc).__name__)
            return
        for chat_id, role, lang in chats:
            self._menu_for(chat_id, role, lang)

    async def start(self) -> None:
        await set_commands(self.bot)
        await self._known_menus()
        allowed = self.dp.resolve_used_update_types()
        if self.webhook:
            await self.bot.set_webhook(
                self.webhook_url, secret_token=self.webhook_secret, allowed_updates=allowed
            )
            self._webhook_set = True
            log.info("telegram: webhook at %s", self.webhook_url)
            return
        # A webhook left over from an earlier deployment would make getUpdates fail.
        await self.bot.delete_webhook()
        self._polling = asyncio.create_task(
            self.dp.start_polling(
                self.bot,
                polling_timeout=self.polling_timeout,
                # One update after another: the order of a chat's messages is the conversation.
                handle_as_tasks=False,
                handle_signals=False,
                close_bot_session=False,
                allowed_updates=allowed,
            )
        )
        log.info("telegram: long polling")

    @property
    def ready(self) -> bool:
        """Webhook registered, or the polling task alive (aiogram retries network errors)."""
        return self._webhook_set or (self._polling is not None and not self._polling.done())

    async def stop(self) -> None:
        for task in list(self._menu_tasks):
            task.cancel()
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):
                await self.dp.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        await self.bot.session.close()

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        """One attempt, no waiting: the outbox owns retries and pacing."""
        token = RETRYING.set(False)
        try:
            await render.send_replies(self.bot, chat_id, replies)
        except TelegramRetryAfter as exc:
            return Delivery(False, retry_after=float(exc.retry_after), error="429")
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            if isinstance(exc, TelegramBadRequest) and "chat not found" not in exc.message:
                return Delivery(False, error=f"400 {exc.message}")
            await self._unreachable(chat_id)
            return Delivery(False, unreachable=True, recorded=True, error=exc.message)
        except (TelegramServerError, TelegramNetworkError) as exc:
            return Delivery(False, transient=True, error=type(exc).__name__)
        finally:
            RETRYING.reset(token)
        return Delivery(True)

    async def _process(self, incoming: Incoming, caps: Capabilities) -> list[Reply]:
        """The pipeline; when neither the database nor the spool could keep a message, a
        webhook call fails (500: Telegram sends it again), and long polling tries again
        before it goes on: aiogram moves the offset past an update once its handler returns."""
        wait = 1.0
        while True:
            try:
                return await self.pipeline.process(incoming, caps)
            except NotKept:
                if self.webhook:
                    raise
                log.error("telegram: update %s not kept; polling waits %.0fs", incoming.key, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, NOT_KEPT_MAX_WAIT)

    async def _guard(self, chat_id: str, send: Awaitable[object]) -> None:
        """A reply that cannot go out is logged (ids only); the user's message is already saved."""
        try:
            await send
        except TelegramForbiddenError:
            count_send(CHANNEL, "403")
            await self._unreachable(chat_id)
        except TelegramAPIError as exc:
            count_send(CHANNEL, _send_result(exc))
            log.warning("telegram: reply to %s not sent: %s", chat_id, type(exc).__name__)
        else:
            count_send(CHANNEL, "ok")

    async def _unreachable(self, chat_id: str) -> None:
        log.info("telegram: chat %s blocked the bot", chat_id)
        # Recorded by bot/delivery (the account flagged, its queue dropped), as for a push.
        await unreachable(self.sessionmaker, channel=CHANNEL, bot="", chat_id=chat_id,
                          now=self.clock())  # fmt: skip


def _send_result(exc: TelegramAPIError) -> str:
    """The sends metric's label for a reply inside a turn, as the outbox labels its own."""
    if isinstance(exc, TelegramRetryAfter):
        return "429"
    if isinstance(exc, TelegramServerError | TelegramNetworkError):
        return "5xx"
    return "error"
