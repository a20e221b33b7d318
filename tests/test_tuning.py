"""`cdsbot run`'s speed levers (bot/tuning.py): uvloop, orjson for aiogram, gc thresholds —
each on by default, each off with CDSBOT_TUNING, and a fallback where a library is missing."""

from __future__ import annotations

import asyncio
import gc
import json
import sys

import pytest

from bot import tuning
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.render import send_replies
from bot.cli import main as cli
from handlers.core.messages import Reply
from tests.fakes.telegram_api import FakeTelegram

uvloop = pytest.importorskip("uvloop")


async def _loop_type() -> type:
    return type(asyncio.get_running_loop())


def test_run_uses_uvloop_by_default(monkeypatch):
    monkeypatch.delenv("CDSBOT_TUNING", raising=False)
    assert issubclass(tuning.run(_loop_type()), uvloop.Loop)


@pytest.mark.parametrize("value", ["none", "orjson,gc", ""])
def test_run_uses_the_standard_loop_when_switched_off(monkeypatch, value):
    monkeypatch.setenv("CDSBOT_TUNING", value)
    assert not issubclass(tuning.run(_loop_type()), uvloop.Loop)


def test_run_falls_back_without_uvloop(monkeypatch):
    monkeypatch.delenv("CDSBOT_TUNING", raising=False)
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails, as where it is missing
    assert tuning.loop_factory() is None
    assert not issubclass(tuning.run(_loop_type()), uvloop.Loop)


def test_only_cdsbot_run_gets_the_tuned_loop(monkeypatch):
    used = []
    monkeypatch.setattr(tuning, "run", lambda coro: used.append("tuned") or coro.close())
    monkeypatch.setattr(cli.asyncio, "run", lambda coro: used.append("plain") or coro.close())
    for argv in (["run"], ["village", "list"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
    assert used == ["tuned", "plain"]


def test_orjson_codec_matches_json(monkeypatch):
    monkeypatch.delenv("CDSBOT_TUNING", raising=False)
    loads, dumps = tuning.json_codec()
    assert loads is not json.loads
    value = {"text": "Nguyễn Thị Lan đã ghi nhận 1.857 hộ", "n": [1, 2.5, None, True], 7: "k"}
    text = dumps(value)
    assert isinstance(text, str) and "Nguyễn" in text  # UTF-8, not \u escapes
    assert json.loads(text) == json.loads(json.dumps(value))
    assert loads(text) == json.loads(text)
    monkeypatch.setitem(sys.modules, "orjson", None)
    assert tuning.json_codec() == (json.loads, json.dumps)
    monkeypatch.setenv("CDSBOT_TUNING", "uvloop")
    assert tuning.json_codec() == (json.loads, json.dumps)


async def test_telegram_channel_sends_through_orjson(monkeypatch, pipeline, sessionmaker):
    monkeypatch.delenv("CDSBOT_TUNING", raising=False)
    fake = FakeTelegram()
    base = await fake.start()
    channel = TelegramChannel(pipeline, sessionmaker, token=fake.token, api_base=base)
    try:
        session = channel.bot.session
        assert session.json_loads is tuning.json_codec()[0] is not json.loads
        assert session.json_dumps is not json.dumps
        await send_replies(channel.bot, "42", [Reply("Chào chị Lan")])
        (sent,) = fake.sent("42")
        assert sent["text"] == "Chào chị Lan"
    finally:
        await channel.bot.session.close()
        await fake.close()


def test_gc_thresholds(monkeypatch):
    before = gc.get_threshold()
    try:
        monkeypatch.setenv("CDSBOT_TUNING", "uvloop")
        tuning.tune_gc()
        assert gc.get_threshold() == before
        monkeypatch.delenv("CDSBOT_TUNING")
        tuning.tune_gc()
        assert gc.get_threshold() == tuning.GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
