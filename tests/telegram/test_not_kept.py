"""When neither the database nor the local spool can keep a message, Telegram is never told it
arrived: long polling does not move its offset past the update (it tries again, in order), and
the webhook answers 500 so that Telegram sends it again."""

from __future__ import annotations

import asyncio

import pytest
from fakes.telegram_harness import free_port, running

from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from bot.spool import Spool
from tests.conftest import TZ


@pytest.fixture
async def nowhere(tmp_path):
    """A pipeline whose database refuses connections and whose spool is not a directory."""
    # Nothing listens on a port just freed: every connection is refused at once.
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gone")
    blocker = tmp_path / "spool"
    blocker.write_text("a file where the spool directory should be")
    pipeline = Pipeline(make_sessionmaker(engine), tz=TZ, spool=Spool(blocker / "inbound"))
    yield pipeline, blocker
    await engine.dispose()


async def test_polling_keeps_the_offset_until_the_message_is_kept(nowhere):
    pipeline, blocker = nowhere
    tg, runner = await running(pipeline, pipeline.sessionmaker, "polling")
    try:
        lan = tg.user(5101)
        delivered = asyncio.create_task(lan.send("/start"))
        await asyncio.sleep(2.5)  # a poll or two later: still the same update, unconfirmed
        assert not delivered.done()
        assert tg.fake.sent(lan.chat_id) == []
        blocker.unlink()  # the disk takes it again: the spool keeps it, the offset moves on
        assert await asyncio.wait_for(delivered, 20) == 200
        assert "không cần gửi lại" in lan.last_text
        [line] = (blocker / "inbound" / "inbound.jsonl").read_text().splitlines()
        assert '"text": "/start"' in line
    finally:
        await tg.channel.stop()
        await runner.cleanup()
        await tg.fake.close()


async def test_webhook_answers_500_so_telegram_sends_it_again(nowhere):
    pipeline, blocker = nowhere
    tg, runner = await running(pipeline, pipeline.sessionmaker, "webhook")
    try:
        lan = tg.user(5102)
        assert await lan.send("/start") == 500
        assert tg.fake.sent(lan.chat_id) == []
        blocker.unlink()
        assert await lan.send("/start") == 200
        assert "không cần gửi lại" in lan.last_text
    finally:
        await tg.channel.stop()
        await runner.cleanup()
        await tg.fake.close()
