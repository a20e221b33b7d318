"""Parsed-response types survive garbage collection (bot/channels/telegram/session.py)."""

from __future__ import annotations

import gc
import json

from aiogram import Bot
from aiogram.methods import EditMessageText, SendMessage
from pydantic._internal import _generics

from bot.channels.telegram.session import TelegramSession

MESSAGE = {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "x"}
ANSWER = json.dumps({"ok": True, "result": MESSAGE})


async def test_response_types_are_built_once_not_after_every_collection(monkeypatch):
    session = TelegramSession()
    bot = Bot("123:abc", session=session)
    calls = (EditMessageText(text="x", chat_id=1, message_id=1), SendMessage(text="x", chat_id=1))
    for method in calls:  # first use builds each type once
        session.check_response(bot, method, 200, ANSWER)
    built = []
    original = _generics.create_generic_submodel
    monkeypatch.setattr(
        _generics,
        "create_generic_submodel",
        lambda *a, **k: built.append(a[0]) or original(*a, **k),
    )
    for _ in range(3):
        for method in calls:
            parsed = session.check_response(bot, method, 200, ANSWER)
            assert parsed.result.text == "x"
        gc.collect()
    assert built == []
    await session.close()
