"""Platform API faults the channel tests do not already cover: the connection to the Bot API
drops before an answer, mid-conversation. The user still gets each answer exactly once."""

from __future__ import annotations

from tests.fakes.telegram_harness import running
from tests.fakes.zalo_api import FakeZaloApi
from tests.fakes.zalo_harness import start_env


async def test_telegram_reply_survives_a_dropped_connection(pipeline, sessionmaker, demo):
    tg, runner = await running(pipeline, sessionmaker, "polling")
    try:
        lan = tg.user(7001)
        await lan.send(f"/start {demo.invites['volunteer']}")
        tg.fake.drop("sendMessage", times=2)  # mid-join: the welcome is lost twice
        await lan.press("Đúng")
        assert "🎉" in lan.last_text
        await lan.send("/ngonngu")
        assert "Chọn ngôn ngữ" in lan.last_text
        before = tg.fake.count(lan.chat_id)
        tg.fake.drop("sendMessage", times=2)
        await lan.send("2")
        assert "English" in lan.last_text
        assert tg.fake.count(lan.chat_id) == before + 1  # once, not doubled
    finally:
        await tg.channel.stop()
        await runner.cleanup()
        await tg.fake.close()


async def test_zalo_reply_survives_a_dropped_connection(pipeline, demo):
    fake = await FakeZaloApi().start()
    env = await start_env(fake, pipeline, mode="webhook")
    try:
        lan = env.user("z-lan", "Lan")
        await lan.send(f"/start {demo.invites['volunteer']}")
        await lan.send("1")
        assert "🎉" in lan.last_text
        await lan.send("/ngonngu")
        before = len(env.bot().sent)
        env.bot().drops = 2
        await lan.send("2")
        assert "English" in lan.last_text or "language" in lan.last_text.lower()
        assert len(env.bot().sent) == before + 1  # answered once after the retries
        await lan.send("/trogiup")
        assert "/start" in lan.last_text
    finally:
        await env.stop()
        await fake.close()
