"""aiogram's types built on first use (bot/channels/telegram/lazy_types.py) behave as eager ones.

Each check runs in a fresh interpreter: the test session itself may have imported aiogram.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USER = {"id": 7, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
CHAT = {"id": 7, "type": "private", "first_name": "Lan"}
GROUP = {"id": -100123, "type": "supergroup", "title": "Thôn 1"}
UPDATES = [
    {
        "update_id": 1,
        "message": {
            "message_id": 10,
            "date": 1764400000,
            "chat": CHAT,
            "from": USER,
            "text": "/ghinhan PA12 01 0000001",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    },
    {
        "update_id": 2,
        "callback_query": {
            "id": "99",
            "from": USER,
            "chat_instance": "ci",
            "data": "c:3:1",
            "message": {
                "message_id": 11,
                "date": 1764400001,
                "chat": CHAT,
                "text": "Gặp ai?",
                "reply_markup": {"inline_keyboard": [[{"text": "Gặp", "callback_data": "c:3:0"}]]},
            },
        },
    },
    {
        "update_id": 3,
        "message": {
            "message_id": 12,
            "date": 1764400002,
            "chat": CHAT,
            "from": USER,
            "photo": [{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}],
            "caption": "hóa đơn",
            "reply_to_message": {"message_id": 11, "date": 1764400001, "chat": CHAT},
        },
    },
    {
        "update_id": 4,
        "message": {
            "message_id": 13,
            "date": 1764400003,
            "chat": CHAT,
            "from": USER,
            "contact": {"phone_number": "0912345678", "first_name": "Lan"},
        },
    },
    {
        "update_id": 5,
        "message": {
            "message_id": 14,
            "date": 1764400004,
            "chat": CHAT,
            "from": USER,
            "sticker": {
                "file_id": "s",
                "file_unique_id": "su",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        },
    },
    {
        "update_id": 6,
        "my_chat_member": {
            "chat": GROUP,
            "from": USER,
            "date": 1764400005,
            "old_chat_member": {"status": "left", "user": USER},
            "new_chat_member": {"status": "member", "user": USER},
        },
    },
]

SCRIPT = """
import json, sys
if sys.argv[1] == "lazy":
    import bot.channels.telegram  # noqa: F401
else:
    import aiogram.types  # noqa: F401
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
lazy_before = not Message.__pydantic_complete__
out = [Update.model_validate(u).model_dump(mode="json", exclude_unset=True)
       for u in json.loads(sys.stdin.read())]
kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Lưu", callback_data="c:1:0")]])
for method in (SendMessage(chat_id=7, text="Đã lưu", reply_markup=kb),
               EditMessageText(chat_id=7, message_id=11, text="x"),
               AnswerCallbackQuery(callback_query_id="99")):
    out.append(method.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
polled = Response[list[Update]].model_validate({"ok": True, "result": [json.loads(sys.argv[2])]})
out.append(polled.result[0].model_dump(mode="json", exclude_unset=True))
print(json.dumps({"lazy_before": lazy_before, "out": out}, ensure_ascii=False))
"""


def _run(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, json.dumps(UPDATES[0])],
        input=json.dumps(UPDATES),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_lazily_built_types_validate_and_serialise_like_eager_ones():
    lazy, eager = _run("lazy"), _run("eager")
    assert lazy["lazy_before"] is True  # the bot's import really deferred the build
    assert eager["lazy_before"] is False
    assert lazy["out"] == eager["out"]
    assert lazy["out"][1]["callback_query"]["data"] == "c:3:1"


def test_every_aiogram_type_and_method_can_be_built_lazily():
    script = """
import bot.channels.telegram  # noqa: F401
import aiogram.methods as M, aiogram.types as T
failed = []
for module in (T, M):
    for name in module.__all__:
        cls = getattr(module, name)
        if isinstance(cls, type) and hasattr(cls, "model_rebuild") and not cls.__pydantic_complete__:
            if not cls.model_rebuild(raise_errors=False, _parent_namespace_depth=0):
                failed.append(name)
print(",".join(failed))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == ""
