"""What users see: long text split on lines, HTML escaped, photos and workbooks as uploads."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import openpyxl
from aiogram.types import Message
from fakes.telegram_harness import running

from bot.channels.telegram.adapter import incoming_from_message
from handlers.core.messages import Choice, Document, Image, Reply


async def test_long_text_is_split_on_line_boundaries(webhook_telegram):
    tg = webhook_telegram
    lines = [f"Dòng {i}: " + "x" * 90 for i in range(100)]  # ≈ 10.000 characters
    assert (await tg.channel.deliver("7001", "", [Reply("\n".join(lines))])).ok
    parts = [m["text"] for m in tg.fake.sent("7001")]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


async def test_html_in_text_is_shown_as_typed(webhook_telegram):
    tg = webhook_telegram
    text = 'Hộ <b>Tom & Jerry</b> <script>alert("x")</script> &amp;'
    assert (await tg.channel.deliver("7002", "", [Reply(text)])).ok
    assert tg.fake.sent("7002")[-1]["text"] == text


async def test_choices_become_versioned_buttons_never_raw_keys(webhook_telegram):
    tg = webhook_telegram
    reply = Reply("Chọn:", (Choice("DIEN-secret-key", "Điện"), Choice("NUOC", "Nước")), version=7)
    assert (await tg.channel.deliver("7003", "", [reply])).ok
    buttons = tg.fake.sent("7003")[-1]["reply_markup"]["inline_keyboard"]
    assert [[b["text"], b["callback_data"]] for [b] in buttons] == [
        ["Điện", "c:7:0"],
        ["Nước", "c:7:1"],
    ]


async def test_image_and_workbook_are_uploaded_and_open(webhook_telegram, tmp_path):
    tg = webhook_telegram
    book = openpyxl.Workbook()
    book.active["A1"] = "Chỉ tiêu"
    path = tmp_path / "r.xlsx"
    book.save(path)
    png = tmp_path / "c.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    replies = [
        Reply("Biểu đồ", image=Image(png)),
        Reply("Báo cáo tháng 11", document=Document(path, "bao-cao-11-2026.xlsx")),
    ]
    assert (await tg.channel.deliver("7004", "", replies)).ok
    photo, doc = tg.fake.files
    assert (photo.method, photo.data) == ("photo", png.read_bytes())
    assert (doc.method, doc.filename) == ("document", "bao-cao-11-2026.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(doc.data)).active["A1"].value == "Chỉ tiêu"
    assert [m.get("caption") for m in tg.fake.sent("7004")] == ["Biểu đồ", "Báo cáo tháng 11"]


def message(**content) -> Message:
    return Message.model_validate(
        {
            "message_id": 5,
            "date": datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Lan"},
            **content,
        }
    )


def test_shared_own_contact_fills_the_phone_and_others_do_not():
    own = incoming_from_message(
        message(contact={"phone_number": "+84912345678", "first_name": "Lan", "user_id": 42})
    )
    other = incoming_from_message(
        message(contact={"phone_number": "+84900000000", "first_name": "B", "user_id": 7})
    )
    assert (own.kind, own.contact_phone) == ("contact", "+84912345678")
    assert (other.kind, other.contact_phone) == ("contact", None)


def test_updates_map_to_neutral_messages():
    loc = incoming_from_message(message(location={"latitude": 16.75, "longitude": 107.19}))
    photo = incoming_from_message(
        message(
            photo=[
                {"file_id": "small", "file_unique_id": "s", "width": 1, "height": 1},
                {"file_id": "big", "file_unique_id": "b", "width": 9, "height": 9},
            ],
            caption="nhà số 5",
        )
    )
    group = incoming_from_message(
        message(text="/tiendo@cds_test_bot", chat={"id": -100, "type": "supergroup", "title": "T"})
    )
    sticker = incoming_from_message(
        message(
            sticker={
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        )
    )
    assert (loc.kind, loc.location) == ("location", (16.75, 107.19))
    assert (photo.kind, photo.photo, photo.text) == ("photo", "big", "nhà số 5")
    assert (group.chat_kind, group.chat_id, group.user_id) == ("group", "-100", "42")
    assert group.message_id == "-100:5" and group.sent_at == datetime(
        2026, 11, 25, 1, 30, tzinfo=UTC
    )
    assert sticker.kind == "sticker"


class SlowPipeline:
    """The real pipeline, taking longer than the typing threshold (as a big report would)."""

    def __init__(self, real, delay: float) -> None:
        self.real, self.delay, self.clock = real, delay, real.clock
        self.turn_hooks = real.turn_hooks

    async def process(self, incoming, caps):
        await asyncio.sleep(self.delay)
        return await self.real.process(incoming, caps)


async def test_slow_turn_shows_typing(pipeline, sessionmaker):
    tg, runner = await running(SlowPipeline(pipeline, 1.3), sessionmaker, "webhook")
    try:
        user = tg.user(7201)
        await user.send("/start")
        assert [c.params["action"] for c in tg.fake.calls_of("sendChatAction")] == ["typing"]
        assert "mã mời" in user.last_text
    finally:
        await tg.channel.stop()
        await runner.cleanup()
        await tg.fake.close()


async def test_fast_turn_sends_no_typing(webhook_telegram):
    user = webhook_telegram.user(7202)
    await user.send("/start")
    assert webhook_telegram.fake.calls_of("sendChatAction") == []
