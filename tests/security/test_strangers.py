"""People who have not joined: a few answers, then silence; they never spend the pushes' quota.
Invite-code guessing in a burst from a brand-new account is checked at most five times."""

import asyncio
import uuid
from datetime import UTC

import pytest
from sqlalchemy import func, select

from bot.channels.base import Delivery
from handlers.core import stranger_limit
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Reply
from models import BotUsage, FailedAttempt, Inbound
from models.members.joining import MAX_WRONG_PER_HOUR
from tests.fakes.zalo_api import text_update


async def usage_rows(sessionmaker):
    async with sessionmaker() as session:
        rows = (await session.execute(select(BotUsage).order_by(BotUsage.bot))).scalars().all()
        return {r.bot: r.sent for r in rows}


async def burst(env, sessionmaker, user_id: str, n: int) -> list[str]:
    bot = env.bot()
    for i in range(n):
        await env.fake.deliver(bot, text_update(user_id, f"xin chào {i}", name="Khách"))
    async with asyncio.timeout(60):
        while True:
            async with sessionmaker() as session:
                seen = await session.scalar(select(func.count()).select_from(Inbound))
            if seen >= n:
                break
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # the last answers leave after the turn commits
    return [s.text for s in bot.sent if s.chat_id == user_id]


async def test_sixty_messages_from_a_stranger_get_a_few_answers_and_spend_no_push_budget(
    zalo, demo, sessionmaker
):
    env = await zalo()
    answers = await burst(env, sessionmaker, "u-stranger", 60)
    assert 1 <= len(answers) <= stranger_limit.PER_SENDER + 1, answers
    assert "nhiều tin nhắn" in answers[-1]  # the polite notice, then silence
    used = await usage_rows(sessionmaker)
    assert used.get("1111", 0) == 0  # the members' and pushes' budget did not move
    assert used["1111#strangers"] == len(answers)
    assert (await env.channels[0].deliver("u-x", "1111", [Reply("nhắc việc")])).ok
    assert (await usage_rows(sessionmaker))["1111"] == 1


async def test_strangers_spend_at_most_their_share_and_pushes_keep_the_rest(
    zalo, demo, sessionmaker
):
    env = await zalo(quota=20)  # strangers may spend a fifth: 4 of the 20
    for n in range(8):
        await env.fake.deliver(env.bot(), text_update(f"u-{n}", "/start", name="Khách"))
    async with asyncio.timeout(60):
        while True:
            async with sessionmaker() as session:
                if await session.scalar(select(func.count()).select_from(Inbound)) >= 8:
                    break
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert len([s for s in env.bot().sent if s.chat_id.startswith("u-")]) == 4
    channel = env.channels[0]
    for _ in range(16):
        assert (await channel.deliver("u-x", "1111", [Reply("nhắc việc")])).ok
    assert await channel.deliver("u-x", "1111", [Reply("nhắc việc")]) == Delivery(
        ok=False, error="quota"
    )


async def test_answers_to_strangers_are_capped_per_bot(chat, joined, clock, monkeypatch):
    lan = await joined("lan")
    clock.advance(hours=2)
    monkeypatch.setattr(stranger_limit, "PER_BOT", 3)
    answered = [bool(await chat(f"s{n}").say("/start")) for n in range(5)]
    assert answered == [True, True, True, False, False]
    await lan.say("/trogiup")  # members are never limited
    assert "/ghinhan" in lan.text


@pytest.mark.parametrize("gate", ["on", "off"])
async def test_forty_wrong_codes_at_once_from_a_new_account_are_checked_five_times(
    engine, pipeline, demo, clock, monkeypatch, *, gate
):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL")
    if gate == "off":  # the cooldown's own lock, without the strangers' gate in front
        monkeypatch.setattr(stranger_limit, "proven", lambda ctx: True)
    user = f"new-{uuid.uuid4().hex[:6]}"

    async def guess(n: int):
        incoming = Incoming("telegram", user, user, f"{user}-{n}", clock.now.astimezone(UTC),
                            text=f"ZZZ-ZZ{n % 10}")  # fmt: skip
        return await pipeline.process(incoming, Capabilities())

    results = await asyncio.gather(*(guess(n) for n in range(40)))
    async with pipeline.sessionmaker() as session:
        tries = await session.scalar(
            select(func.count()).select_from(FailedAttempt).where(FailedAttempt.user_id == user)
        )
    assert tries == MAX_WRONG_PER_HOUR
    texts = [r.text for replies in results for r in replies]
    assert not [t for t in texts if "Xin lỗi, có lỗi" in t]
