"""The sender through the real Telegram and Zalo channels to the fake servers: the servers' own
counters show the limits kept, 429 waited out, and a 403 silencing that account until the user
writes again."""

import asyncio
import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.outbox import ChannelLimits, Limit, Sender
from handlers.core.messages import Reply
from handlers.core.payload import to_payload
from models.base import utcnow
from models.members import ChannelAccount
from models.outbox import queue as oq
from tests.fakes.telegram_api import FakeTelegram, Limits
from tests.fakes.zalo_api import FakeZaloApi

ZALO_TOKEN = "1111:secret-token-a"


@pytest.fixture
async def tg(pipeline, sessionmaker):
    fake = FakeTelegram()
    base = await fake.start()
    channel = TelegramChannel(pipeline, sessionmaker, token=fake.token, api_base=base)
    yield fake, channel
    await channel.bot.session.close()
    await fake.close()


@pytest.fixture
async def zl(pipeline):
    fake = await FakeZaloApi().start()
    bot = fake.add_bot(ZALO_TOKEN)
    channel = ZaloChannel(ZALO_TOKEN, pipeline, api_base=fake.base)
    yield bot, channel
    with contextlib.suppress(Exception):
        await channel.stop()
    await fake.close()


async def queue(sessionmaker, chats: list[str], *, channel="telegram", bot="", tag="m") -> None:
    async with sessionmaker() as session, session.begin():
        for i, chat_id in enumerate(chats):
            await oq.enqueue(
                session, key=f"{tag}:{i}:{chat_id}", channel=channel, bot=bot, chat_id=chat_id,
                payload=to_payload([Reply(f"{tag} {i}")]), now=utcnow(),
            )  # fmt: skip


async def run_until_empty(sender: Sender, sessionmaker, seconds: float = 30) -> None:
    """The sender as `cdsbot run` runs it (real time), until the outbox has nothing waiting."""
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        for _ in range(int(seconds / 0.1)):
            await asyncio.sleep(0.1)
            async with sessionmaker() as session:
                if not await oq.count_waiting(session):
                    return
        async with sessionmaker() as session:
            left = await oq.counts(session)
        raise AssertionError(f"outbox never drained: {left}")
    finally:
        stop.set()
        await task


def sender(sessionmaker, name: str, channel, limits: ChannelLimits) -> Sender:
    return Sender(
        sessionmaker, {name: channel}, limits={name: limits}, lease=timedelta(seconds=10),
        poll=0.05,
    )  # fmt: skip


async def test_telegram_pushes_never_exceed_the_fake_servers_limits(sessionmaker, tg):
    fake, channel = tg
    # A lower overall limit than Telegram's 30/s keeps the test short; the group limit is 3 a
    # minute on both sides so its pacing shows without waiting a minute.
    fake.limits = Limits(overall_per_second=20, per_chat_per_second=1, per_group_per_minute=3)
    limits = ChannelLimits(Limit(20, 1.05), Limit(1, 1.05), Limit(3, 63.0))
    chats = [str(5000 + i) for i in range(80)] + ["5000", "5000"] + ["-100900"] * 3
    await queue(sessionmaker, chats)
    await run_until_empty(sender(sessionmaker, "telegram", channel, limits), sessionmaker)
    assert fake.count() == len(chats)
    assert [c for c in fake.calls if c.status == 429] == []
    assert fake.max_rate(1.0) <= 20
    assert fake.max_rate(1.0, chat_id="5000") == 1 and fake.count("5000") == 3
    assert fake.max_rate(60.0, chat_id="-100900") == 3


async def test_telegram_429_pauses_then_each_message_arrives_once(sessionmaker, tg):
    fake, channel = tg
    fake.fail("sendMessage", 429, retry_after=1)
    await queue(sessionmaker, [str(6000 + i) for i in range(5)])
    limits = ChannelLimits(Limit(30, 1.05), Limit(1, 1.05))
    await run_until_empty(sender(sessionmaker, "telegram", channel, limits), sessionmaker)
    refused = [c for c in fake.calls if c.status == 429]
    accepted = [c for c in fake.calls if c.method == "sendMessage" and c.status == 200]
    assert len(refused) == 1
    assert sorted(str(c.params["chat_id"]) for c in accepted) == [str(6000 + i) for i in range(5)]
    # The refused message went again once, after the second the server asked for.
    chat = str(refused[0].params["chat_id"])
    again = [c for c in accepted if str(c.params["chat_id"]) == chat]
    assert len(again) == 1 and again[0].at >= refused[0].at + 1


async def account(sessionmaker, chat_id: str) -> ChannelAccount:
    async with sessionmaker() as session:
        return (
            await session.execute(select(ChannelAccount).where(ChannelAccount.chat_id == chat_id))
        ).scalar_one()


async def test_telegram_403_marks_the_account_and_nothing_more_goes_until_they_write(
    sessionmaker, tg, joined, chat
):
    fake, channel = tg
    lan = await joined("7001", "volunteer", "Nguyễn Thị Lan", channel="telegram")
    fake.fail(
        "sendMessage", 403, chat_id="7001", description="Forbidden: bot was blocked by the user"
    )
    await queue(sessionmaker, ["7001", "7001", "7002"], tag="a")
    limits = ChannelLimits(Limit(30, 1.05), Limit(1, 1.05))
    await run_until_empty(sender(sessionmaker, "telegram", channel, limits), sessionmaker)
    assert fake.count("7001") == 0 and fake.count("7002") == 1
    assert len([c for c in fake.calls if str(c.params.get("chat_id")) == "7001"]) == 1
    assert (await account(sessionmaker, "7001")).unreachable_since is not None
    await lan.say("/trogiup")  # writing again makes the account reachable
    assert (await account(sessionmaker, "7001")).unreachable_since is None
    await queue(sessionmaker, ["7001"], tag="b")
    await run_until_empty(sender(sessionmaker, "telegram", channel, limits), sessionmaker)
    assert fake.count("7001") == 1


async def test_zalo_pushes_stay_within_the_rate_and_wait_out_a_429(sessionmaker, zl):
    bot, channel = zl
    bot.failures = [429]  # the fake answers Retry-After: 3
    chats = [f"z{i}" for i in range(15)]
    await queue(sessionmaker, chats, channel="zalo", bot=channel.bot)
    limits = ChannelLimits(Limit(5, 1.05), Limit(1, 1.05))
    await run_until_empty(sender(sessionmaker, "zalo", channel, limits), sessionmaker)
    assert sorted(s.chat_id for s in bot.sent) == sorted(chats)
    assert bot.max_rate(1.0) <= 5


async def test_zalo_403_marks_the_account_unreachable(sessionmaker, zl, joined):
    bot, channel = zl
    await joined("zl-hai", "volunteer", "Trần Văn Hải", channel="zalo")
    bot.failures = [403]
    await queue(sessionmaker, ["zl-hai", "zl-hai"], channel="zalo", bot=channel.bot)
    limits = ChannelLimits(Limit(5, 1.05), Limit(1, 1.05))
    await run_until_empty(sender(sessionmaker, "zalo", channel, limits), sessionmaker)
    assert bot.sent == []
    assert bot.calls.get("sendMessage", 0) <= 1
    assert (await account(sessionmaker, "zl-hai")).unreachable_since is not None
