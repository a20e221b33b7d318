"""The user side of the fake Bot API: a `TelegramUser` and the real channel started on it."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from bot.channels.telegram import TelegramChannel
from bot.web import make_web_app, start_web
from fakes.telegram_api import FakeTelegram, SentFile

SECRET = "test-webhook-secret_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TelegramUser:
    """One person talking to the bot through the fake server, as a phone would."""

    fake: FakeTelegram
    id: int
    first_name: str = "Nguyễn Thị Lan"
    language_code: str = "vi"
    chat: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    mark: int = 0

    def __post_init__(self) -> None:
        self.chat = self.chat or {"id": self.id, "type": "private", "first_name": self.first_name}

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    @property
    def chat_id(self) -> str:
        return str(self.chat["id"])

    async def send(self, text: str | None = None, **content: Any) -> int:
        """A message (text, or content such as contact=… / location=…); waits until handled."""
        if text is not None:
            content["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message_id = next(self.fake._message_ids[self.chat_id])
        return await self.deliver(
            self.fake.message_update(self.user, self.chat, message_id, **content)
        )

    async def deliver(self, update: dict) -> int:
        self.mark = len(self.fake.sent(self.chat_id))
        self.status = await self.fake.inject(update)
        return self.status

    def question(self, label: str) -> dict:
        """The newest bot message with a button whose text contains `label`."""
        for message in reversed(self.fake.sent(self.chat_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                if any(label in b["text"] for b in row):
                    return message
        raise AssertionError(f"no button {label!r} in {self.texts}")

    async def press(self, label: str, message: dict | None = None) -> dict:
        """Press a button; returns what answerCallbackQuery said."""
        message = message or self.question(label)
        data = next(
            b["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for b in row
            if label in b["text"]
        )
        update = self.fake.callback_update(self.user, message, data)
        await self.deliver(update)
        return self.fake.callback_answers.get(update["callback_query"]["id"], {})

    @property
    def replies(self) -> list[dict]:
        """The bot's messages since this user's last send or press."""
        return self.fake.sent(self.chat_id)[self.mark :]

    @property
    def texts(self) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.replies]

    @property
    def last_text(self) -> str:
        sent = self.fake.sent(self.chat_id)
        return (sent[-1].get("text") or sent[-1].get("caption") or "") if sent else ""

    @property
    def documents(self) -> list[SentFile]:
        return [f for f in self.fake.files if f.chat_id == self.chat_id and f.method == "document"]


@dataclass
class Telegram:
    fake: FakeTelegram
    channel: TelegramChannel
    mode: str

    def user(self, id: int = 5001, **kw: Any) -> TelegramUser:  # noqa: A002
        return TelegramUser(self.fake, id, **kw)


async def running(pipeline, sessionmaker, mode: str, **kw: Any):
    fake = FakeTelegram()
    base = await fake.start()
    port = free_port()
    public = f"http://127.0.0.1:{port}" if mode == "webhook" else None
    channel = TelegramChannel(
        pipeline,
        sessionmaker,
        token=fake.token,
        api_base=base,
        public_base_url=public,
        webhook_secret=SECRET if public else None,
        polling_timeout=2,
        **kw,
    )
    web_app = make_web_app()
    channel.mount(web_app)
    runner = await start_web(web_app, "127.0.0.1", port)
    await channel.start()
    return Telegram(fake, channel, mode), runner
