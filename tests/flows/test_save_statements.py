"""The visit's "💾 Lưu" turn in few statements (issue 18: each one costs CPU per update), with
the reply it always had: the member's day tally, what was already counted, the village lines."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

# The save of two conversions: inbound, bookkeeping, household with its village, close the
# earlier "later", visit, the catalogue (2), the conversions, the day's tally, the targets,
# their sums, the conversation.
SAVE_STATEMENTS = 12


@contextmanager
def statements(engine):
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def _to_confirm(chat, key: str, codes: str) -> None:
    await chat.say(f"/ghinhan {key}")
    await chat.say("1")  # met
    await chat.say(codes)
    await chat.say("xong")  # note
    assert "1. 💾 Lưu" in chat.text, chat.text


async def test_two_counted_indicators_with_targets(joined, engine, clock):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    # Earlier today: one of Lan's own, and one of another member's (in the village line only).
    await lan.say("PA12010000003 dien")
    await lan.say("1")
    await hai.say("PA12010000004 nuoc")
    await hai.say("1")
    clock.advance(hours=1)
    await _to_confirm(lan, "PA12010000002", "dien nuoc")
    with statements(engine) as seen:
        await lan.say("1")
    assert lan.text == (
        "✅ Đã lưu lúc 10:00. Hôm nay anh/chị đã ghi 2 lượt thăm, 3 chuyển đổi.\n"
        "Thôn 1 — điện: 145/420 mã KH (34,5%).\n"
        "Thôn 1 — nước: 97/380 hộ (25,5%)."
    )
    assert len(seen) <= SAVE_STATEMENTS, "\n".join(seen)


async def test_an_already_counted_conversion(joined, engine, clock):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    await lan.say("PA12010000001 dien")
    await lan.say("1")
    clock.advance(hours=1)
    await _to_confirm(hai, "PA12010000001", "dien nuoc")
    with statements(engine) as seen:
        await hai.say("1")
    assert hai.text == (
        "✅ Đã lưu lúc 10:00. Hôm nay anh/chị đã ghi 1 lượt thăm, 1 chuyển đổi.\n"
        'Hộ Lê Văn Một đã được ghi "Thanh toán tiền điện không dùng tiền mặt" bởi Nguyễn Thị Lan'
        " lúc 09:00 ngày 25/11/2026, nên không tính lại.\n"
        "Lượt thăm của anh/chị vẫn được ghi.\n"
        "Thôn 1 — nước: 96/380 hộ (25,3%)."
    )
    # One statement more than above: who counted it first.
    assert len(seen) <= SAVE_STATEMENTS + 1, "\n".join(seen)
