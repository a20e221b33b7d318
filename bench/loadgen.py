"""Webhook load for the throughput bench: members' sessions as Telegram updates, and the stats.

The fake Bot API (`tests/fakes/telegram_api.FakeTelegram`, imported) runs in this process; the
bot's replies land there, and the next button a member presses is read from its last keyboard.
A turn's latency is POST → HTTP 200 from our webhook: the Telegram adapter answers only after
the turn is committed and its replies were accepted by the fake API (handle_in_background=False).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.telegram_api import FakeTelegram  # noqa: E402

from models.keys import fold  # noqa: E402

SECRET = "bench-secret-0123456789abcdef0123456789"
# Session kinds and their weights: visits dominate, as in the field.
MIX = (("visit", 5), ("tiendo", 2), ("cuatoi", 2), ("bad", 1))
VISIT_PRESSES = ("gap", "dien", "nuoc", "xong", "bo qua", "bo qua", "luu")
BAD_INPUTS = ("alo alo", "???", "/khongco", "12345678", "ghi nhan giup em")


class LeanFake(FakeTelegram):
    """The test fake without its rate limiter (an O(n) scan per send) and with per-chat lasts."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.last_kb: dict[str, dict] = {}
        self.last_text: dict[str, str] = {}

    def _limited(self, method: str, params: dict):  # noqa: ARG002 - no limits in the bench
        return None

    def _store(self, params: dict, **content):
        message = super()._store(params, **content)
        chat = str(params["chat_id"])
        self.last_text[chat] = message.get("text", "")
        if "reply_markup" in message:
            self.last_kb[chat] = message
        # Keep memory flat over long runs: only the questions can still be edited.
        self.calls.clear()
        if len(self.messages) > 20_000:
            self.messages = {(c, m["message_id"]): m for c, m in self.last_kb.items()}
        return message


@dataclass
class User:
    user_id: int
    households: list[str]
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    busy: bool = False


@dataclass
class Stats:
    lat: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    failed_sessions: int = 0
    sessions: int = 0
    first: float = 0.0
    last: float = 0.0

    def add(self, kind: str, ms: float) -> None:
        self.lat.setdefault(kind, []).append(ms)
        self.last = time.perf_counter()

    @property
    def all(self) -> list[float]:
        return [x for v in self.lat.values() for x in v]

    def summary(self) -> dict:
        xs = sorted(self.all)
        wall = max(self.last - self.first, 1e-9)
        return {
            "updates": len(xs),
            "rate": len(xs) / wall,
            "p50": statistics.median(xs) if xs else 0.0,
            "p99": pct(xs, 0.99),
            "errors": self.errors,
            "failed_sessions": self.failed_sessions,
            "sessions": self.sessions,
        }


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


class Load:
    def __init__(self, fake: LeanFake, url: str, users: list[User], *, echo: bool = False) -> None:
        self.fake, self.url, self.users, self.echo = fake, url, users, echo
        self.rng = random.Random(7)
        self.client = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False)
        )
        self.stats = Stats()
        self.update_ids = itertools.count(1)

    async def close(self) -> None:
        await self.client.close()

    async def post(self, kind: str, update: dict) -> bool:
        started = time.perf_counter()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            async with self.client.post(self.url, json=update, headers=headers) as resp:
                await resp.read()
                ok = resp.status == 200
        except aiohttp.ClientError:
            ok = False
        if not ok:
            self.stats.errors += 1
            return False
        self.stats.add(kind, (time.perf_counter() - started) * 1000)
        return True

    def _who(self, user: User) -> tuple[dict, dict]:
        person = {"id": user.user_id, "is_bot": False, "first_name": "TV", "language_code": "vi"}
        return person, {"id": user.user_id, "type": "private", "first_name": "TV"}

    async def say(self, user: User, kind: str, text: str) -> bool:
        person, chat = self._who(user)
        update = {
            "update_id": next(self.update_ids),
            "message": {
                "message_id": next(user.message_ids),
                "from": person,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            },
        }
        return await self.post(kind, update)

    async def press(self, user: User, label: str) -> bool:
        person, chat = self._who(user)
        message = self.fake.last_kb.get(str(user.user_id))
        if self.echo or message is None:
            message, data = {"message_id": 1, "chat": chat, "date": int(time.time())}, "c:0:0"
        else:
            markup = message["reply_markup"]
            if "keyboard" in markup:  # a reply keyboard ("send location"): a button sends its text
                match = [b for row in markup["keyboard"] for b in row if label in fold(b["text"])]
                return bool(match) and await self.say(user, "press", match[0]["text"])
            buttons = [b for row in markup["inline_keyboard"] for b in row]
            match = [b for b in buttons if label in fold(b["text"])]
            if not match:
                return False
            data = match[0]["callback_data"]
        update = {
            "update_id": next(self.update_ids),
            "callback_query": {
                "id": str(next(self.update_ids) * 7919),
                "from": person,
                "message": message,
                "chat_instance": f"ci{user.user_id}",
                "data": data,
            },
        }
        return await self.post("press", update)

    async def session(self, user: User) -> None:
        kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        ok = True
        if kind == "visit":
            ok = await self.say(user, "ghinhan", f"/ghinhan {self.rng.choice(user.households)}")
            for label in VISIT_PRESSES:
                ok = ok and await self.press(user, label)
            if not self.echo:
                ok = ok and "Đã lưu" in self.fake.last_text.get(str(user.user_id), "")
        elif kind == "bad":
            ok = await self.say(user, "bad", self.rng.choice(BAD_INPUTS))
        else:
            ok = await self.say(user, kind, f"/{kind}")
        self.stats.sessions += 1
        if not ok:
            self.stats.failed_sessions += 1
            # A half-finished visit would leave the member mid-flow: start clean next time.
            await self.say(user, "bad", "/huy")

    async def closed(self, concurrency: int, seconds: float) -> dict:
        """Peak: `concurrency` members, each starting a new session as soon as one ends."""
        self.stats = Stats(first=time.perf_counter())
        deadline = time.perf_counter() + seconds

        async def member(user: User) -> None:
            while time.perf_counter() < deadline:
                await self.session(user)

        await asyncio.gather(*(member(u) for u in self.users[:concurrency]))
        return self.stats.summary()

    async def open(self, rate: float, seconds: float) -> dict:
        """Fixed offered rate: sessions start on a clock, whatever the bot's latency."""
        mean = sum(w * (8 if k == "visit" else 1) for k, w in MIX) / sum(w for _, w in MIX)
        interval = mean / rate
        self.stats = Stats(first=time.perf_counter())
        tasks: set[asyncio.Task] = set()
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            free = [u for u in self.users if not u.busy]
            if free:
                tasks.add(asyncio.create_task(self._run(self.rng.choice(free))))
            n += 1
            await asyncio.sleep(max(0.0, start + n * interval - time.perf_counter()))
        await asyncio.gather(*tasks)
        out = self.stats.summary()
        out["offered"] = rate
        return out

    async def _run(self, user: User) -> None:
        user.busy = True
        try:
            await self.session(user)
        finally:
            user.busy = False
