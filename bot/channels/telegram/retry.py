"""Retries around Bot API calls: 429 waits `retry_after`, 5xx and timeouts back off."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, TelegramMethod

log = logging.getLogger(__name__)

# The outbox decides itself when to try again, so `deliver()` turns retrying off for its calls.
RETRYING: ContextVar[bool] = ContextVar("telegram_retrying", default=True)


class RetryMiddleware(BaseRequestMiddleware):
    """Session middleware: replies within a conversation turn survive brief API trouble."""

    def __init__(self, tries: int = 4, base_delay: float = 0.5, max_wait: float = 60.0) -> None:
        self.tries = tries
        self.base_delay = base_delay
        # A longer 429 wait than this is not worth holding a conversation turn for.
        self.max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        # getUpdates has its own backoff in the dispatcher's polling loop.
        if isinstance(method, GetUpdates) or not RETRYING.get():
            return await make_request(bot, method)
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt >= self.tries or exc.retry_after > self.max_wait:
                    raise
                delay: float = exc.retry_after
            except TelegramEntityTooLarge:
                raise
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt >= self.tries:
                    raise
                delay = self.base_delay * 2**attempt
                log.warning("%s failed (%s); retry in %.1fs", method.__api_method__, exc, delay)
            attempt += 1
            await asyncio.sleep(delay)
