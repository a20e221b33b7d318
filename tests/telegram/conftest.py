"""The real aiogram Bot and Dispatcher against the fake Bot API, in polling and webhook mode.

A test takes the `telegram` fixture (runs once per mode) and talks as a user would:

    lan = telegram.user(5001)                 # a private chat; chat=GROUP for a group
    await lan.send("/start K7M4QX")           # returns once the bot has handled it
    await lan.press("Đúng")                   # presses a button of the newest question
    lan.last_text, lan.texts, lan.documents   # what the bot showed (documents keep their bytes)

so a later step such as `/baocao` is: `await lan.send("/baocao")`, then
`openpyxl.load_workbook(io.BytesIO(lan.documents[-1].data))`.
"""

from __future__ import annotations

import pytest
from fakes.telegram_harness import running


@pytest.fixture(params=["polling", "webhook"])
async def telegram(request, pipeline, sessionmaker):
    tg, runner = await running(pipeline, sessionmaker, request.param)
    yield tg
    await tg.channel.stop()
    await runner.cleanup()
    await tg.fake.close()


@pytest.fixture
async def webhook_telegram(pipeline, sessionmaker):
    tg, runner = await running(pipeline, sessionmaker, "webhook")
    yield tg
    await tg.channel.stop()
    await runner.cleanup()
    await tg.fake.close()


@pytest.fixture
async def impatient(pipeline, sessionmaker):
    """Polling with a 1-second request timeout, so a stalled call times out quickly."""
    tg, runner = await running(pipeline, sessionmaker, "polling", request_timeout=1)
    yield tg
    await tg.channel.stop()
    await runner.cleanup()
    await tg.fake.close()
