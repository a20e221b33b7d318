"""The whole field scenario on Telegram, polling and webhook: join, log by buttons, report."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from models import Visit
from tests.flows.fieldlog_helpers import conversions, visits


async def join(tg, user_id: int, code: str, name: str):
    person = tg.user(user_id, first_name=name)
    await person.send(f"/start {code}")
    await person.press("Đúng")
    assert "🎉" in person.last_text
    return person


async def log_visit_by_buttons(telegram, lan) -> dict:
    """Household, outcome, two indicators, skip note and location; returns the "Lưu" update."""
    await lan.send("/ghinhan")
    assert "Tìm hộ" in lan.last_text
    await lan.send("tran thi hai")
    await lan.press("Trần Thị Hai")
    await lan.press("Gặp")
    await lan.press("Điện")
    await lan.press("Nước")
    await lan.press("Xong")
    await lan.press("Bỏ qua")  # note
    await lan.send("Bỏ qua")  # location: a reply keyboard with the location button
    assert "⚡ Điện" in lan.last_text and "💧 Nước" in lan.last_text
    question = lan.question("Lưu")
    data = next(
        b["callback_data"]
        for row in question["reply_markup"]["inline_keyboard"]
        for b in row
        if "Lưu" in b["text"]
    )
    save = telegram.fake.callback_update(lan.user, question, data)
    await lan.deliver(save)
    assert "Đã lưu" in lan.last_text
    return save


async def test_join_log_two_conversions_by_buttons_progress_chart_and_report(
    telegram, demo, sessionmaker, clock
):
    lan = await join(telegram, 5101, demo.invites["volunteer"], "Nguyễn Thị Lan")
    save = await log_visit_by_buttons(telegram, lan)
    assert "Thôn 1 — điện: 144/420 mã KH (34,3%)" in lan.last_text

    # Telegram redelivers the press: a webhook retry (same update) or a new update id.
    again = dict(
        save,
        update_id=save["update_id"]
        if telegram.mode == "webhook"
        else telegram.fake.next_update_id(),
    )
    sent = len(telegram.fake.sent(lan.chat_id))
    await lan.deliver(again)
    assert len(telegram.fake.sent(lan.chat_id)) == sent
    [visit] = await visits(sessionmaker)
    assert visit.outcome == "met"
    assert sorted(c[0] for c in await conversions(sessionmaker)) == ["DIEN", "NUOC"]

    await lan.send("/tiendo")
    # The first screen is the summary; each indicator's detail is one button away.
    assert "⚡ Điện: 34,3% / 70% · chậm ⚠️" in lan.last_text
    assert lan.question("biểu đồ")
    await lan.press("⚡ Điện")
    assert "144/420" in lan.last_text  # 143 imported + today's conversion

    photos = len([f for f in telegram.fake.files if f.method == "photo"])
    await lan.send("/tiendo bieudo")
    [photo] = [f for f in telegram.fake.files if f.method == "photo"][photos:]
    assert photo.chat_id == lan.chat_id and photo.data.startswith(b"\x89PNG")
    assert "tiền điện" in lan.last_text and "533/1.300" in lan.last_text  # the caption

    clock.advance(minutes=30)  # the leader exports a little later
    leader = await join(telegram, 5102, demo.invites["leader"], "Trần Văn Ba")
    await leader.send("/baocao")
    [doc] = leader.documents
    assert doc.filename.endswith(".xlsx") and leader.replies[-1]["caption"].startswith("Báo cáo")
    book = openpyxl.load_workbook(io.BytesIO(doc.data))
    rows = list(book["Chuyển đổi"].iter_rows(min_row=4, values_only=True))
    assert sorted(r[4] for r in rows if r[2] == "Trần Thị Hai") == ["DIEN", "NUOC"]
    async with sessionmaker() as session:
        assert len((await session.execute(select(Visit))).scalars().all()) == 1
