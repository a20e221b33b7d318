"""The whole field scenario on Zalo, polling and webhook: join, log by typing, chart, report."""

from __future__ import annotations

import logging
import re
from io import BytesIO

import httpx
import pytest
from openpyxl import load_workbook

from tests.fakes.zalo_api import text_update
from tests.flows.fieldlog_helpers import conversions, visits

MODES = ["polling", "webhook"]
TOKEN = "1111:secret-token-a"  # the harness's default bot


async def join(env, user_id: str, code: str, name: str):
    person = env.user(user_id, name)
    await person.send("/start")
    await person.send(code.lower())
    assert f'tên là "{name}"' in person.last_text
    await person.send("1")  # "Đúng"
    assert "🎉" in person.last_text
    return person


async def save_replayed(env, lan, text: str) -> str:
    """Zalo hands the confirming message out twice (polling) or posts it twice (webhook)."""
    update = text_update(lan.user_id, text, name=lan.name)
    if env.mode == "polling":
        env.bot().replay_next = True
        await lan.send_update(update)
    else:
        await lan.send_update(update)
        await env.fake.deliver(env.bot(), update, wrapped=False)
    saved = lan.last_text
    assert "✅ Đã lưu" in saved
    # After a restart only the database remembers the message: still handled once.
    env.channels[0]._seen.clear()
    before = len(lan._mine())
    await lan.send_update(update, expect=False)
    assert len(lan._mine()) == before
    return saved


@pytest.fixture(params=MODES)
async def env(request, zalo, caplog):
    caplog.set_level(logging.DEBUG)
    # Another test may have run setup_logging, which quiets httpx: open it up explicitly.
    caplog.set_level(logging.DEBUG, logger="httpx")
    return await zalo(mode=request.param)


async def test_join_log_by_numbers_and_unaccented_words_chart_and_report(
    env, demo, sessionmaker, clock, caplog
):
    lan = await join(env, "zl-lan", demo.invites["volunteer"], "Lan")

    # First visit by the words, typed without diacritics.
    await lan.send("/ghinhan")
    await lan.send("tran thi hai")
    assert "1. Hộ Trần Thị Hai" in lan.last_text
    await lan.send("1")
    assert "Kết quả lượt thăm?" in lan.last_text
    await lan.send("1")
    assert "1. ⚡ Điện\n2. 💧 Nước" in lan.last_text
    await lan.send("dien nuoc")
    assert "Ghi chú" in lan.last_text
    await lan.send("xong")
    assert "Gặp, đã hướng dẫn · ⚡ Điện · 💧 Nước" in lan.last_text
    saved = await save_replayed(env, lan, "luu")
    assert "1 lượt thăm, 2 chuyển đổi" in saved
    assert "Thôn 1 — điện: 144/420 mã KH (34,3%)" in saved

    # Second visit by numbers: "1 2" picks both indicators at once.
    for text in ("/ghinhan", "tran thi hai", "2", "1", "1 2", "xong"):
        await lan.send(text)
    assert "Trần Thị Hải" in lan.last_text and "⚡ Điện · 💧 Nước" in lan.last_text
    await lan.send("1")
    assert "2 lượt thăm, 4 chuyển đổi" in lan.last_text

    assert [v.outcome for v in await visits(sessionmaker)] == ["met", "met"]
    assert sorted(c[0] for c in await conversions(sessionmaker)) == [
        "DIEN",
        "DIEN",
        "NUOC",
        "NUOC",
    ]

    await lan.send("/tiendo")
    assert "1. ⚡ Điện: 34,5% / 70% · kịp tiến độ" in lan.last_text
    await lan.send("1")
    assert "Đạt 145/420 mã KH" in lan.last_text and "Cả xã: 534/1.857" in lan.last_text

    await lan.send("/tiendo bieudo")
    assert "tiền điện" in lan.last_text and "534/1.300" in lan.last_text  # the caption
    [png] = lan.fetched  # Zalo downloaded the chart through the signed link
    assert png.status == 200 and png.content_type == "image/png"
    assert png.body.startswith(b"\x89PNG")

    clock.advance(minutes=30)  # the leader exports a little later
    leader = await join(env, "zl-leader", demo.invites["leader"], "Ba")
    await leader.send("/baocao")
    [url] = re.findall(r"https?://\S+", leader.last_text)
    assert (
        url.startswith(env.base_url + "/files/") and "(dùng được trong 24 giờ)" in leader.last_text
    )
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = list(book["Chuyển đổi"].iter_rows(min_row=4, values_only=True))
    assert sorted(r[4] for r in rows) == ["DIEN", "DIEN", "NUOC", "NUOC"]

    # Start-up (getMe, setWebhook) ran in the fixture: its records count too.
    records = caplog.get_records("setup") + caplog.get_records("call")
    logs = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in records)
    assert TOKEN.split(":")[1] not in logs
    assert "zalo bot 1111" in logs and "/bot<token>/getMe" in logs and "/bot<token>/" in logs


async def test_without_public_url_chart_and_report_come_as_text_with_a_line_for_the_admin(
    zalo, demo, fake
):
    env = await zalo(mode="polling", public=False)
    leader = await join(env, "zl-leader", demo.invites["leader"], "Ba")
    await leader.send("/tiendo dien bieudo")
    # The text version of /tiendo, with no "Xem biểu đồ" offered, and what the admin must do.
    assert "📊 TIẾN ĐỘ THÔN 1" in leader.last_text and "Đạt 143/420 mã KH" in leader.last_text
    assert leader.replies[-1].endswith(
        "(Chưa xem được biểu đồ ở đây: quản trị viên cần đặt PUBLIC_BASE_URL.)"
    )
    assert "biểu đồ\n" not in leader.last_text
    await leader.send("/baocao")
    assert leader.last_text == (
        "Báo cáo tháng 11/2026\n(Chưa gửi được tệp: quản trị viên cần đặt PUBLIC_BASE_URL.)"
    )
    assert "http" not in leader.last_text
    assert not [s for s in env.bot().sent if s.photo] and not fake.fetched
