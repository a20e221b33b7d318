"""`cdsbot run` with a token: the Telegram channel is made from settings and polls."""

from __future__ import annotations

import shutil

import pytest
from fakes.telegram_api import FakeTelegram

from bot.app import build_app, make_channels
from bot.settings import Settings


@pytest.fixture
async def fake():
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def db_url(tmp_path, sqlite_template) -> str:
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    return f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"


def settings(tmp_path, fake, **kw) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=str(tmp_path),
        telegram_bot_token=fake.token,
        telegram_api_base=fake.base,
        **kw,
    )


async def test_token_without_public_url_starts_long_polling(tmp_path, fake, db_url):
    app = await build_app(settings(tmp_path, fake, database_url=db_url), migrate=False)
    try:
        [channel] = make_channels(app)
        assert channel.name == "telegram" and not channel.webhook
        await channel.start()
        update = fake.message_update(
            {"id": 9001, "is_bot": False, "first_name": "An"},
            {"id": 9001, "type": "private"},
            1,
            text="/start",
        )
        await fake.inject(update)
        await channel.stop()
    finally:
        await app.close()
    assert fake.calls_of("deleteWebhook") and fake.calls_of("getUpdates")
    assert "mã mời" in fake.sent("9001")[-1]["text"]


async def test_public_url_means_webhook_with_the_secret(tmp_path, fake, db_url):
    app = await build_app(
        settings(
            tmp_path,
            fake,
            database_url=db_url,
            public_base_url="https://bot.example.org",
            webhook_secret="s3cr3t-0123456789abcdef-0123456789",
        ),
        migrate=False,
    )
    try:
        [channel] = make_channels(app)
        await channel.start()
        await channel.stop()
    finally:
        await app.close()
    assert fake.webhook == {
        "url": "https://bot.example.org/telegram",
        "secret_token": "s3cr3t-0123456789abcdef-0123456789",
    }
