"""aiogram's HTTP session with the parsed-response types kept alive.

For every Bot API call aiogram parses the answer as `Response[method.__returning__]`. pydantic
keeps parametrised generics only in a weak cache, so each garbage collection drops them and the
next call builds the type again: tens of milliseconds each (Message's schema is large), which
was 14 % of a busy worker's CPU. Holding one strong reference per return type keeps them built.
"""

from __future__ import annotations

from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods.base import Response

_RESPONSE_TYPES: dict[Any, type] = {}


class TelegramSession(AiohttpSession):
    def check_response(self, bot, method, status_code: int, content: str):  # noqa: ANN001
        returning = method.__returning__
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]
        return super().check_response(bot, method, status_code, content)
