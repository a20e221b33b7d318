"""#8 done-when: with the demo commune and members joined on Telegram and Zalo, `cdsbot jobs run
nudge` (a real process, run twice) reaches exactly those who logged nothing today, on their own
app, once — delivered by a running sender through the real channels to the fake servers."""

import asyncio
import contextlib
from datetime import timedelta

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.db import make_engine, make_sessionmaker
from bot.outbox import Sender
from bot.pipeline import Pipeline
from handlers.core.context import Capabilities
from models.base import utcnow
from tests.conftest import TZ, Chat, Clock, join
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZaloApi
from tests.jobs.helpers import log_visit
from tests.jobs.test_real_channels import run_until_empty
from tests.test_cli import cdsbot

ZALO_TOKEN = "1111:secret-token-a"


async def members(pipeline: Pipeline, codes: dict[str, str]) -> None:
    clock = Clock(utcnow())
    people = [
        ("8001", "telegram", "volunteer", "Nguyễn Thị Lan"),
        ("zl-hai", "zalo", "volunteer", "Trần Văn Hải"),
        ("8003", "telegram", "leader", "Lê Văn Nam"),
        ("zl-minh", "zalo", "volunteer", "Đỗ Văn Minh"),
        ("8005", "telegram", "official", "Phạm Thị Hoa"),
    ]
    for user_id, channel, role, name in people:
        await join(
            Chat(pipeline, clock, user_id, channel=channel, name=name, caps=Capabilities()),
            codes[role],
            name,
        )


async def test_cdsbot_jobs_run_nudge_twice_reaches_each_idle_member_once_on_their_app(tmp_path):
    made = await asyncio.to_thread(cdsbot, tmp_path, "demo")
    assert made.returncode == 0, made.stderr
    codes = dict(line.split() for line in made.stdout.splitlines()[1:])
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    sessionmaker = make_sessionmaker(engine)
    pipeline = Pipeline(sessionmaker, tz=TZ, files_dir=tmp_path / "files", clock=utcnow)
    tg, zalo = FakeTelegram(), await FakeZaloApi().start()
    zalo_bot = zalo.add_bot(ZALO_TOKEN)
    telegram = TelegramChannel(pipeline, sessionmaker, token=tg.token, api_base=await tg.start())
    zalo_channel = ZaloChannel(ZALO_TOKEN, pipeline, api_base=zalo.base)
    try:
        await members(pipeline, codes)
        await log_visit(sessionmaker, "Đỗ Văn Minh", utcnow())
        for _ in range(2):
            run = await asyncio.to_thread(cdsbot, tmp_path, "jobs", "run", "nudge")
            assert run.returncode == 0, run.stderr
        sender = Sender(
            sessionmaker, {"telegram": telegram, "zalo": zalo_channel},
            lease=timedelta(seconds=10), poll=0.05,
        )  # fmt: skip
        await run_until_empty(sender, sessionmaker)
    finally:
        await telegram.bot.session.close()
        with contextlib.suppress(Exception):
            await zalo_channel.stop()
        await tg.close()
        await zalo.close()
        await engine.dispose()
    assert {c: tg.count(c) for c in ("8001", "8003", "8005")} == {"8001": 1, "8003": 1, "8005": 0}
    assert [s.chat_id for s in zalo_bot.sent] == ["zl-hai"]
    assert zalo_bot.sent[0].text.startswith("Anh/chị Hải ơi, hôm nay anh/chị chưa ghi lượt thăm")
    assert tg.sent("8001")[0]["text"].startswith("Anh/chị Lan ơi")
