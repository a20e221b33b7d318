"""Our web server + real Zalo channels + the fake Zalo API, and users who chat through them.

Adding a step of the full scenario is a few lines in a test with the `zalo` fixture:

    env = await zalo(mode="webhook")            # or "polling"
    lan = env.user("zalo-lan", "Lan")
    await lan.send("/start"); await lan.send(demo.invites["volunteer"]); await lan.send("1")
    await lan.send("/tiendo bieudo")
    assert "Tiến độ" in lan.last_text
    [png] = lan.fetched                         # Zalo (the fake) downloaded the signed link
    assert png.status == 200 and png.body.startswith(b"\x89PNG")
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from bot.channels.zalo.channel import ZaloChannel
from bot.files import FileLinks
from bot.pipeline import Pipeline
from bot.web import make_web_app, start_web
from tests.fakes.zalo_api import FakeBot, FakeZaloApi, Fetch, text_update

# After the first reply arrives, a turn is over once nothing more comes for this long.
QUIET = 0.25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ZaloEnv:
    fake: FakeZaloApi
    pipeline: Pipeline
    mode: str
    channels: list[ZaloChannel] = field(default_factory=list)
    links: FileLinks | None = None
    base_url: str = ""
    runner: web.AppRunner | None = None

    def bot(self, index: int = 0) -> FakeBot:
        return self.fake.bots[self.channels[index].client._token]

    def user(self, user_id: str, name: str = "Lan", *, bot: int = 0) -> ZaloUser:
        return ZaloUser(self, self.bot(bot), user_id, name)

    async def stop(self) -> None:
        for channel in self.channels:
            await channel.stop()
        if self.runner is not None:
            await self.runner.cleanup()


async def start_env(
    fake: FakeZaloApi,
    pipeline: Pipeline,
    *,
    mode: str = "polling",
    tokens: tuple[str, ...] = ("1111:secret-token-a",),
    public: bool = True,
    quota: int = 3000,
    clock=None,
) -> ZaloEnv:
    """Webhook mode needs the public URL; polling works with or without it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = ZaloEnv(fake, pipeline, mode, base_url=base_url)
    files_dir: Path = pipeline.files_dir
    files_dir.mkdir(parents=True, exist_ok=True)
    if public:
        env.links = FileLinks(
            base_url, b"k" * 32, files_dir, hours=24, clock=clock or pipeline.clock
        )
    web_app = make_web_app()
    for token in tokens:
        fake.add_bot(token)
        channel = ZaloChannel(
            token,
            pipeline,
            api_base=fake.base,
            public_base_url=base_url if mode == "webhook" else None,
            webhook_secret="test-webhook-secret",
            links=env.links,
            quota=quota,
            poll_interval=0.05,
            poll_timeout=1,
        )
        channel.mount(web_app)
        env.channels.append(channel)
    env.runner = await start_web(web_app, "127.0.0.1", port)
    for channel in env.channels:
        await channel.start()
    return env


class ZaloUser:
    """One Zalo user writing to one bot; reads what the bot sent back through the fake."""

    def __init__(self, env: ZaloEnv, bot: FakeBot, user_id: str, name: str) -> None:
        self.env, self.bot, self.user_id, self.name = env, bot, user_id, name
        self.replies: list[str] = []
        self.wrapped = True

    def _mine(self) -> list[str]:
        return [s.text for s in self.bot.sent if s.chat_id == self.user_id]

    async def send(self, text: str, *, expect: bool = True, **extra) -> list[str]:
        """Send like a Zalo user; waits for the bot's answer (all parts of it)."""
        update = text_update(self.user_id, text, name=self.name, **extra)
        return await self.send_update(update, expect=expect)

    say = send

    async def send_update(self, update: dict, *, expect: bool = True) -> list[str]:
        before = len(self._mine())
        await self.env.fake.deliver(self.bot, update, wrapped=self.wrapped)
        if not expect:
            await asyncio.sleep(QUIET * 3)
            self.replies = self._mine()[before:]
            return self.replies
        async with asyncio.timeout(10):
            while len(self._mine()) == before:
                await asyncio.sleep(0.02)
            count = -1
            while count != len(self._mine()):
                count = len(self._mine())
                await asyncio.sleep(QUIET)
        self.replies = self._mine()[before:]
        return self.replies

    @property
    def last_text(self) -> str:
        """Everything the bot sent for the last message, as the user reads it."""
        return "\n".join(self.replies)

    text = last_text

    @property
    def fetched(self) -> list[Fetch]:
        """Image links the fake (as Zalo) downloaded for this user's photos."""
        urls = {s.photo for s in self.bot.sent if s.chat_id == self.user_id and s.photo}
        return [f for f in self.env.fake.fetched if f.url in urls]
