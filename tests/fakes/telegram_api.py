"""A fake Telegram Bot API server on 127.0.0.1 speaking the real wire format.

Use:
    fake = FakeTelegram(); base = await fake.start()      # TELEGRAM_API_BASE = base
    await fake.inject(fake.text_update(user, "hi"))        # returns once the bot has handled it
    fake.calls / fake.sent(chat_id) / fake.files            # what the bot did
    fake.fail("sendMessage", 429, retry_after=1)            # the next matching call fails
    fake.stall("sendMessage", 3)                            # the next call answers late
    fake.limits = Limits(overall_per_second=30)             # answer 429 above these rates
    fake.count(), fake.max_rate(window=1.0, chat_id=...)    # send counters for rate checks

Updates reach the bot like Telegram does it: queued for getUpdates (offset/timeout), or POSTed
to the URL given in setWebhook with the X-Telegram-Bot-Api-Secret-Token header.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_USER = {"id": 700000001, "is_bot": True, "first_name": "CDS Bot", "username": "cds_test_bot"}
# Calls that put a message into a chat: what the rate counters and limits count.
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
TAG_RE = re.compile(r"<(/?)([a-zA-Z]*)[^<>]*>")
ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass
class Failure:
    method: str | None
    status: int
    chat_id: str | None = None
    retry_after: int | None = None
    description: str | None = None
    times: int = 1


@dataclass
class Limits:
    """Rates above which the fake answers 429 like Telegram's flood control."""

    overall_per_second: float | None = None
    per_chat_per_second: float | None = None
    # Group chats have negative ids.
    per_group_per_minute: float | None = None
    retry_after: int = 1


@dataclass
class SentFile:
    method: str
    chat_id: str
    filename: str
    data: bytes


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    calls: list[Call] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    # (chat_id, message_id) → the message as the bot left it (edits applied).
    messages: dict[tuple[str, int], dict] = field(default_factory=dict)
    callback_answers: dict[str, dict] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None
    limits: Limits = field(default_factory=Limits)
    failures: list[Failure] = field(default_factory=list)
    stalls: list[tuple[str | None, float]] = field(default_factory=list)
    drops: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._pending: list[dict] = []
        self._closing = False
        self._confirmed = 0
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[str, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._sends: deque[tuple[float, str]] = deque()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.base = ""

    # -- server ---------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # free port chosen by the OS
        self.base = f"http://127.0.0.1:{port}"
        self._client = aiohttp.ClientSession()
        return self.base

    async def close(self) -> None:
        # Release long polls still waiting, so the server stops at once.
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        dropped = next((d for d in self.drops if d in (None, method)), False)
        if dropped is not False:
            # The connection dies before Telegram did anything: no answer at all.
            self.drops.remove(dropped)
            request.transport.close()
            return web.Response()
        stall = next((st for st in self.stalls if st[0] in (None, method)), None)
        if stall is not None:
            self.stalls.remove(stall)
            await asyncio.sleep(stall[1])  # longer than the client waits: a timeout
        response = self._failure(method, params) or self._limited(method, params)
        if response is None:
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                response = _error(404, "Not Found: method not found")
            else:
                response = await handler(params)
        call.status = response.status
        if response.status == 200 and method in SEND_METHODS:
            self._sends.append((call.at, str(params.get("chat_id"))))
        return response

    def _failure(self, method: str, params: dict) -> web.Response | None:
        for failure in self.failures:
            if failure.method not in (None, method):
                continue
            if failure.chat_id is not None and failure.chat_id != str(params.get("chat_id")):
                continue
            failure.times -= 1
            if failure.times <= 0:
                self.failures.remove(failure)
            return _error(
                failure.status,
                failure.description or _describe(failure.status),
                failure.retry_after,
            )
        return None

    def _limited(self, method: str, params: dict) -> web.Response | None:
        if method not in SEND_METHODS:
            return None
        now, chat = time.monotonic(), str(params.get("chat_id"))
        lim = self.limits
        recent = [c for t, c in self._sends if now - t < 1.0]
        minute = [c for t, c in self._sends if now - t < 60.0 and c == chat]
        if (
            (lim.overall_per_second is not None and len(recent) >= lim.overall_per_second)
            or (
                lim.per_chat_per_second is not None
                and sum(c == chat for c in recent) >= lim.per_chat_per_second
            )
            or (
                lim.per_group_per_minute is not None
                and chat.startswith("-")
                and len(minute) >= lim.per_group_per_minute
            )
        ):
            return _error(429, _describe(429, lim.retry_after), lim.retry_after)
        return None

    # -- on-demand failures and counters ---------------------------------------------------
    def fail(
        self,
        method: str | None,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: str | int | None = None,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` (any method if None) answer `status`."""
        chat = None if chat_id is None else str(chat_id)
        self.failures.append(Failure(method, status, chat, retry_after, description, times))

    def stall(self, method: str | None, seconds: float) -> None:
        """The next call of `method` answers only after `seconds` (times out a patient client)."""
        self.stalls.append((method, seconds))

    def drop(self, method: str | None, times: int = 1) -> None:
        """The next `times` calls of `method` lose their connection before any answer."""
        self.drops.extend([method] * times)

    def count(self, chat_id: str | int | None = None) -> int:
        """Successful sends, overall or to one chat."""
        return sum(1 for _, c in self._sends if chat_id is None or c == str(chat_id))

    def max_rate(self, window: float = 1.0, chat_id: str | int | None = None) -> int:
        """The most successful sends seen in any `window` seconds (sliding)."""
        times = [t for t, c in self._sends if chat_id is None or c == str(chat_id)]
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    def sent(self, chat_id: str | int) -> list[dict]:
        """The bot's messages in a chat, oldest first, as they look now."""
        chat = str(chat_id)
        return [m for (c, _), m in sorted(self.messages.items(), key=_order) if c == chat]

    # -- updates ---------------------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._update_ids)

    async def inject(self, update: dict) -> int:
        """Deliver one update; returns the HTTP status (webhook) or 200 once it is confirmed."""
        if self.webhook is not None:
            return await self.post_webhook(update, self.webhook.get("secret_token"))
        async with self._changed:
            self._pending.append(update)
            self._changed.notify_all()
            # The next getUpdates with a higher offset means the bot has handled it.
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self._confirmed > update["update_id"]), 30
            )
        return 200

    async def post_webhook(self, update: dict, secret: str | None) -> int:
        assert self.webhook is not None and self._client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with self._client.post(self.webhook["url"], json=update, headers=headers) as resp:
            await resp.read()
            return resp.status

    # -- methods ---------------------------------------------------------------------------
    async def _m_getMe(self, params: dict) -> web.Response:
        return _ok({**BOT_USER, "can_join_groups": True, "supports_inline_queries": False})

    async def _m_getUpdates(self, params: dict) -> web.Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            if offset:
                self._confirmed = max(self._confirmed, offset)
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
                self._changed.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._pending) or self._closing), timeout
                )
            return _ok(list(self._pending[:100]))

    async def _m_setWebhook(self, params: dict) -> web.Response:
        if not params.get("url"):
            self.webhook = None
        else:
            self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return _ok(True)

    async def _m_deleteWebhook(self, params: dict) -> web.Response:
        self.webhook = None
        return _ok(True)

    async def _m_setMyCommands(self, params: dict) -> web.Response:
        scope = json.loads(params.get("scope") or '{"type": "default"}')
        # A chat's own menu is kept under "chat:<id>", the other scopes under their type.
        name = f"chat:{scope['chat_id']}" if scope["type"] == "chat" else scope["type"]
        self.commands[(name, params.get("language_code") or "")] = json.loads(params["commands"])
        return _ok(True)

    async def _m_sendChatAction(self, params: dict) -> web.Response:
        return _ok(True)

    async def _m_answerCallbackQuery(self, params: dict) -> web.Response:
        self.callback_answers[params["callback_query_id"]] = params
        return _ok(True)

    async def _m_sendMessage(self, params: dict) -> web.Response:
        text, error = _parse_text(params.get("text", ""), params.get("parse_mode"), 4096)
        if error:
            return error
        return _ok(_as_sent(self._store(params, text=text)))

    async def _m_sendPhoto(self, params: dict) -> web.Response:
        return await self._send_file(params, "photo")

    async def _m_sendDocument(self, params: dict) -> web.Response:
        return await self._send_file(params, "document")

    async def _send_file(self, params: dict, kind: str) -> web.Response:
        upload = params.get(kind)
        if not isinstance(upload, SentFile):
            return _error(400, f"Bad Request: there is no {kind} in the request")
        caption, error = _parse_text(params.get("caption", ""), params.get("parse_mode"), 1024)
        if error:
            return error
        upload.chat_id, upload.method = str(params["chat_id"]), kind
        self.files.append(upload)
        n = len(self.files)
        if kind == "photo":
            media: Any = [
                {
                    "file_id": f"photo{n}",
                    "file_unique_id": f"p{n}",
                    "width": 800,
                    "height": 600,
                    "file_size": len(upload.data),
                }
            ]
        else:
            media = {
                "file_id": f"doc{n}",
                "file_unique_id": f"d{n}",
                "file_name": upload.filename,
                "file_size": len(upload.data),
            }
        extra = {kind: media, **({"caption": caption} if caption else {})}
        return _ok(_as_sent(self._store(params, **extra)))

    async def _m_editMessageText(self, params: dict) -> web.Response:
        message = self.messages.get((str(params.get("chat_id")), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        text, error = _parse_text(params.get("text", ""), params.get("parse_mode"), 4096)
        if error:
            return error
        message["text"] = text
        message["edit_date"] = int(time.time())
        _set_markup(message, params.get("reply_markup"))
        return _ok(message)

    async def _m_editMessageReplyMarkup(self, params: dict) -> web.Response:
        message = self.messages.get((str(params.get("chat_id")), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        _set_markup(message, params.get("reply_markup"))
        return _ok(message)

    def _store(self, params: dict, **content: Any) -> dict:
        chat = str(params["chat_id"])
        message_id = next(self._message_ids[chat])
        chat_id = int(chat)
        message = {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {
                "id": chat_id,
                "type": "private" if chat_id > 0 else "supergroup",
                **({"first_name": "User"} if chat_id > 0 else {"title": "Group"}),
            },
            "date": int(time.time()),
            **content,
        }
        _set_markup(message, params.get("reply_markup"))
        self.messages[(chat, message_id)] = message
        return message

    # -- update builders -------------------------------------------------------------------
    def message_update(self, user: dict, chat: dict, message_id: int, **content: Any) -> dict:
        return {
            "update_id": self.next_update_id(),
            "message": {
                "message_id": message_id,
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                **content,
            },
        }

    def callback_update(self, user: dict, message: dict, data: str) -> dict:
        update_id = self.next_update_id()
        return {
            "update_id": update_id,
            "callback_query": {
                # Globally unique like Telegram's, so two fakes never share an id.
                "id": f"{secrets.randbits(60)}",
                "from": user,
                "message": message,
                "chat_instance": f"ci{message['chat']['id']}",
                "data": data,
            },
        }


def _order(item: tuple[tuple[str, int], dict]) -> int:
    return item[0][1]


def _as_sent(message: dict) -> dict:
    """The Message Telegram answers with: only an inline keyboard is part of it (a reply
    keyboard, e.g. "send location", is not, and aiogram refuses one in `reply_markup`)."""
    markup = message.get("reply_markup")
    if markup is None or "inline_keyboard" in markup:
        return message
    return {k: v for k, v in message.items() if k != "reply_markup"}


def _set_markup(message: dict, markup: Any) -> None:
    if markup:
        message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
    else:
        message.pop("reply_markup", None)


async def _params(request: web.Request) -> dict[str, Any]:
    """JSON, urlencoded or multipart (files referenced as attach://name) into one dict."""
    if request.content_type == "application/json":
        return await request.json()
    form = await request.post()
    params: dict[str, Any] = {}
    uploads: dict[str, SentFile] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = SentFile("", "", value.filename, value.file.read())
        else:
            params[key] = value
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = uploads.get(value.removeprefix("attach://"))
    return params


def _parse_text(text: str, parse_mode: str | None, limit: int) -> tuple[str, web.Response | None]:
    """What the user would see; 400 like Telegram for bad HTML or text over the limit."""
    if parse_mode == "HTML":
        for _closing, tag in TAG_RE.findall(text):
            if tag.lower() not in ALLOWED_TAGS:
                msg = f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"'
                return "", _error(400, msg)
        if re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
            return "", _error(400, "Bad Request: can't parse entities: unknown entity")
        text = html.unescape(TAG_RE.sub("", text))
    if limit == 4096 and not text.strip():
        return "", _error(400, "Bad Request: message text is empty")
    if len(text) > limit:
        return "", _error(400, "Bad Request: message is too long")
    return text, None


def _describe(status: int, retry_after: int | None = None) -> str:
    return {
        429: f"Too Many Requests: retry after {retry_after or 1}",
        403: "Forbidden: bot was blocked by the user",
        400: "Bad Request: chat not found",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }.get(status, "Error")


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
