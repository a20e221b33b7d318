"""Pushes to a Zalo account go through the bot that account talks to."""

from bot.background import BotRouter, by_name
from bot.channels.base import Delivery
from handlers.core.context import Capabilities
from handlers.core.messages import Reply


class Recorder:
    def __init__(self, name: str, bot: str) -> None:
        self.name, self.bot, self.caps = name, bot, Capabilities()
        self.sent: list[str] = []

    async def deliver(self, chat_id, bot, replies) -> Delivery:
        self.sent.append(chat_id)
        return Delivery(ok=True)


async def test_each_push_uses_the_accounts_own_bot():
    a, b, tg = Recorder("zalo", "111"), Recorder("zalo", "222"), Recorder("telegram", "")
    channels = by_name([a, b, tg])
    assert channels["telegram"] is tg
    assert isinstance(channels["zalo"], BotRouter)
    await channels["zalo"].deliver("chat-b", "222", [Reply("x")])
    await channels["zalo"].deliver("chat-a", "111", [Reply("x")])
    await channels["zalo"].deliver("chat-old", "999", [Reply("x")])
    assert b.sent == ["chat-b"]
    assert a.sent == ["chat-a", "chat-old"]
