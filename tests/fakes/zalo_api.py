"""A fake Zalo Bot Platform API on loopback, speaking the real wire format.

Long polling returns one update per call and HTTP 408 when idle; an update can be replayed;
the webhook gets the body wrapped in {ok, result} or bare; a bad token gets 401, text over
2.000 characters 400; 429 and 5xx come on demand; sendPhoto downloads the image link.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

MAX_TEXT = 2000
_ids = itertools.count(1)


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str = ""
    photo: str | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fetch:
    url: str
    status: int
    body: bytes
    content_type: str


@dataclass
class FakeBot:
    token: str
    id: str
    name: str
    updates: asyncio.Queue = field(default_factory=asyncio.Queue)
    sent: list[Sent] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    # Status codes to answer the next send calls with (429, 500, …), in order.
    failures: list[int] = field(default_factory=list)
    # The next `drops` send calls lose their connection before any answer.
    drops: int = 0
    webhook_url: str = ""
    webhook_secret: str = ""
    # The next update handed out by getUpdates is handed out once more (Zalo replays).
    replay_next: bool = False
    poll_times: list[float] = field(default_factory=list)

    def max_rate(self, window: float = 1.0, chat_id: str | None = None) -> int:
        """The most messages accepted in any `window` seconds (sliding), overall or one chat."""
        times = [s.at for s in self.sent if chat_id is None or s.chat_id == chat_id]
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )


def _ok(result: Any = None) -> web.Response:
    body: dict[str, Any] = {"ok": True}
    if result is not None:
        body["result"] = result
    return web.json_response(body)


class FakeZaloApi:
    def __init__(self, *, idle_timeout: float = 0.3) -> None:
        self.bots: dict[str, FakeBot] = {}
        self.idle_timeout = idle_timeout
        self.fetched: list[Fetch] = []
        self.webhook_posts: list[int] = []
        self._runner: web.AppRunner | None = None
        self.base = ""

    def add_bot(self, token: str, name: str = "Bot CNS") -> FakeBot:
        bot = FakeBot(token, token.split(":", 1)[0], name)
        self.bots[token] = bot
        return bot

    async def start(self) -> FakeZaloApi:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the API ----------------------------------------------------------------------------
    async def dispatch(self, request: web.Request) -> web.Response:
        bot = self.bots.get(request.match_info["token"])
        if bot is None:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        bot.calls[method] = bot.calls.get(method, 0) + 1
        if bot.drops and method.startswith("send") and method != "sendChatAction":
            bot.drops -= 1
            request.transport.close()
            return web.Response()
        try:
            payload = await request.json()
        except ValueError:
            payload = {}
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        return await handler(bot, payload)

    async def _getMe(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        return _ok(
            {
                "id": bot.id,
                "account_name": f"bot.{bot.id}",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _getUpdates(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        bot.poll_times.append(time.monotonic())
        if bot.webhook_url:
            return _error(400, "Webhook is set: call deleteWebhook before getUpdates")
        try:
            wait = min(float(payload.get("timeout", 30)), self.idle_timeout)
            update = await asyncio.wait_for(bot.updates.get(), wait)
        except TimeoutError:
            return _error(408, "Request timeout")
        if bot.replay_next:
            bot.replay_next = False
            bot.updates.put_nowait(update)
        return _ok(update)

    async def _setWebhook(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        secret = str(payload.get("secret_token", ""))
        if not payload.get("url") or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request")
        bot.webhook_url, bot.webhook_secret = payload["url"], secret
        return _ok({"url": bot.webhook_url, "updated_at": int(time.time() * 1000)})

    async def _deleteWebhook(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        bot.webhook_url = bot.webhook_secret = ""
        return _ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _getWebhookInfo(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        if not bot.webhook_url:
            return _error(404, "Not Found")
        return _ok({"url": bot.webhook_url, "updated_at": int(time.time() * 1000)})

    async def _sendChatAction(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        return _ok()

    async def _sendMessage(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        failed = self._fail(bot)
        if failed is not None:
            return failed
        text = payload.get("text")
        if not payload.get("chat_id") or not isinstance(text, str) or not text:
            return _error(400, "Bad Request")
        if len(text) > MAX_TEXT:
            return _error(400, "Text is too long")
        bot.sent.append(Sent("sendMessage", str(payload["chat_id"]), text))
        return _ok({"message_id": f"m{next(_ids):08x}", "date": int(time.time() * 1000)})

    async def _sendPhoto(self, bot: FakeBot, payload: dict) -> web.Response:  # noqa: N802
        failed = self._fail(bot)
        if failed is not None:
            return failed
        url = payload.get("photo")
        if not payload.get("chat_id") or not url:
            return _error(400, "Bad Request")
        # Zalo downloads the picture from the public link; so does the fake.
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            body = await response.read()
            self.fetched.append(Fetch(url, response.status, body, response.content_type))
        if response.status != 200:
            return _error(400, "Cannot fetch photo")
        caption = str(payload.get("caption") or "")
        bot.sent.append(Sent("sendPhoto", str(payload["chat_id"]), caption, url))
        return _ok({"message_id": f"m{next(_ids):08x}", "date": int(time.time() * 1000)})

    def _fail(self, bot: FakeBot) -> web.Response | None:
        if not bot.failures:
            return None
        code = bot.failures.pop(0)
        if code == 429:
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests"},
                status=429,
                headers={"Retry-After": "3"},
            )
        return _error(code, "Internal Server Error" if code >= 500 else "Error")

    # -- the user's side --------------------------------------------------------------------
    async def deliver(self, bot: FakeBot, update: dict[str, Any], *, wrapped: bool = True) -> int:
        """Hand an update to the bot: webhook POST if one is set, else the polling queue."""
        if not bot.webhook_url:
            bot.updates.put_nowait(update)
            return 0
        body = {"ok": True, "result": update} if wrapped else update
        headers = {"X-Bot-Api-Secret-Token": bot.webhook_secret}
        async with (
            aiohttp.ClientSession() as http,
            http.post(bot.webhook_url, json=body, headers=headers) as response,
        ):
            self.webhook_posts.append(response.status)
            return response.status


def text_update(
    user_id: str, text: str, *, name: str = "Lan", event: str = "message.text.received", **extra
) -> dict[str, Any]:
    message = {
        "message_id": extra.pop("message_id", f"{next(_ids):020x}"),
        "date": extra.pop("date", int(time.time() * 1000)),
        "from": {"id": user_id, "display_name": name, "is_bot": False},
        "chat": {"id": user_id, "chat_type": "PRIVATE"},
        "message_type": "CHAT_MESSAGE",
    }
    if event == "message.text.received":
        message["text"] = text
    message.update(extra)
    return {"event_name": event, "message": message}
