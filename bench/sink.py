"""A loopback stand-in for the Telegram Bot API's sendMessage that enforces a send rate and
logs every message id it accepts, plus a minimal channel that posts to it.

The fake Telegram server of the Telegram issue replaces this at merge; it is kept small on
purpose: one route, a sliding one-second window, 429 with retry_after when over it.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.channels.base import Delivery
from handlers.context import Capabilities
from handlers.messages import Reply


@dataclass
class Sink:
    rate: int = 30
    period: float = 1.0
    received: list[tuple[float, str]] = field(default_factory=list)
    rejected: list[float] = field(default_factory=list)
    window: deque[float] = field(default_factory=deque)
    runner: web.AppRunner | None = None
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        now = time.monotonic()
        while self.window and self.window[0] <= now - self.period:
            self.window.popleft()
        if len(self.window) >= self.rate:
            self.rejected.append(now)
            return web.json_response(
                {"ok": False, "error_code": 429, "parameters": {"retry_after": 1}}, status=429
            )
        self.window.append(now)
        self.received.append((now, body["text"]))
        return web.json_response({"ok": True, "result": {"message_id": len(self.received)}})

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/sendMessage", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def report(self, expected: list[str]) -> dict:
        ids = Counter(text for _, text in self.received)
        first_reject = self.rejected[0] if self.rejected else None
        times = [t for t, _ in self.received]
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return {
            "received": len(self.received),
            "unique": len(ids),
            "lost": len(set(expected) - set(ids)),
            "duplicated": sorted(k for k, n in ids.items() if n > 1),
            "rejected_429": len(self.rejected),
            "rejected_after_first": sum(1 for t in self.rejected if t > first_reject + 1.0)
            if first_reject is not None
            else 0,
            "seconds": round(span, 2),
            # Messages per second from the first arrival to one pacing step after the last.
            "rate": round(len(times) / (span + self.period / self.rate), 2) if span else 0.0,
        }


class SinkChannel:
    """The Channel protocol over the sink's HTTP API (like the Telegram channel's deliver)."""

    name = "telegram"
    caps = Capabilities(buttons=False, max_text=4096)

    def __init__(self, base_url: str, token: str = "bench") -> None:
        self.url = f"{base_url}/bot{token}/sendMessage"
        self.http: aiohttp.ClientSession | None = None

    def mount(self, web_app) -> None: ...

    async def start(self) -> None:
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def stop(self) -> None:
        if self.http:
            await self.http.close()

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        text = "\n".join(r.text for r in replies)
        try:
            async with self.http.post(self.url, json={"chat_id": chat_id, "text": text}) as resp:
                data = await resp.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Delivery(ok=False, transient=True, error=type(exc).__name__)
        if resp.status == 429:
            wait = float(data.get("parameters", {}).get("retry_after", 1))
            return Delivery(ok=False, retry_after=wait, error="429")
        if resp.status == 403:
            return Delivery(ok=False, unreachable=True, error="403")
        if resp.status >= 500:
            return Delivery(ok=False, transient=True, error=str(resp.status))
        ok = bool(data.get("ok"))
        return Delivery(ok=ok, error=None if ok else str(resp.status))
