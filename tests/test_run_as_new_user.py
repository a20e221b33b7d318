"""`cdsbot run` as a new user starts it: a real process polling the fake Telegram or Zalo API."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.db import make_engine, make_sessionmaker
from models.base import utcnow
from models.seed import ensure_demo
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_harness import TelegramUser, free_port
from tests.fakes.zalo_api import FakeZaloApi
from tests.fakes.zalo_harness import ZaloUser

ROOT = Path(__file__).parent.parent
ZALO_TOKEN = "3333:secret-token-run"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "ZALO_", "PUBLIC_BASE_URL", "WEBHOOK_SECRET"))
    }
    return {
        **env,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(free_port()),
        **extra,
    }


async def demo_codes(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    """A migrated database with the demo commune (as `cdsbot demo` makes), without a process."""
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            now = utcnow()
            result = await ensure_demo(session, today=now.astimezone(TZ).date(), now=now)
    finally:
        await engine.dispose()
    return result.invites


async def running(tmp_path: Path, ready: Callable[[], bool], **env: str):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=environment(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(20):
        while not ready():
            if proc.returncode is not None:
                _, err = await proc.communicate()
                pytest.fail(f"cdsbot run exited early: {err.decode()[-2000:]}")
            await asyncio.sleep(0.1)
    return proc


async def stopped(proc) -> str:
    """SIGTERM, as systemd or docker stop would send; returns what the process logged."""
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(15):
        _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()[-2000:]
    return err.decode()


async def test_telegram_token_and_api_base_start_polling_and_sigterm_exits_cleanly(
    tmp_path, sqlite_template
):
    codes = await demo_codes(tmp_path, sqlite_template)
    fake = FakeTelegram()
    base = await fake.start()
    try:
        proc = await running(
            tmp_path,
            lambda: bool(fake.calls_of("getUpdates")),
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE=base,
        )
        lan = TelegramUser(fake, 7001)
        await lan.send("/start")
        assert "mã mời" in lan.last_text
        await lan.send(codes["volunteer"])
        await lan.press("Đúng")
        assert "🎉" in lan.last_text
        await lan.send("/tiendo")
        assert "TIẾN ĐỘ THÔN 1" in lan.last_text
        logs = await stopped(proc)
    finally:
        await fake.close()
    assert fake.commands and fake.calls_of("deleteWebhook")
    assert fake.token not in logs


async def test_zalo_tokens_and_api_base_start_polling_and_sigterm_exits_cleanly(
    tmp_path, sqlite_template
):
    codes = await demo_codes(tmp_path, sqlite_template)
    fake = await FakeZaloApi().start()
    bot = fake.add_bot(ZALO_TOKEN)
    try:
        proc = await running(
            tmp_path,
            lambda: bool(bot.calls.get("getUpdates")),
            ZALO_BOT_TOKENS=ZALO_TOKEN,
            ZALO_API_BASE=fake.base,
        )
        lan = ZaloUser(SimpleNamespace(fake=fake), bot, "zalo-new", "Lan")
        await lan.send("xin chao")
        assert "mã mời" in lan.last_text
        await lan.send(codes["volunteer"].lower())
        await lan.send("1")
        assert "🎉" in lan.last_text
        await lan.send("/tiendo")
        assert "TIẾN ĐỘ THÔN 1" in lan.last_text
        logs = await stopped(proc)
    finally:
        await fake.close()
    assert "zalo bot 3333" in logs and "secret-token-run" not in logs
