"""Progress, charts, reports and reminders through real chats on the seed plans' workbooks
(tests/data/plans/, applied with the plan helper's `cdsbot plan apply` code)."""

import re
from datetime import datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from bot.jobs import run_now
from models.communes import Commune
from models.plan import apply_plan, read_plan
from tests.conftest import BUTTON_CAPS, TZ
from tests.jobs.helpers import outbox_rows
from tests.reports.communes import member_chat

PLANS = Path(__file__).parents[1] / "data" / "plans"
SCREEN_LINES = 15


async def apply(sessionmaker, name: str) -> int:
    plan, problems = read_plan(PLANS / name)
    assert problems == []
    async with sessionmaker() as session, session.begin():
        await apply_plan(session, plan)
        return await session.scalar(select(Commune.id).where(Commune.name == plan.commune.name))


async def test_quang_truong_progress_as_of_the_plan_date(sessionmaker, chat, clock):
    commune_id = await apply(sessionmaker, "000_quang_truong.xlsx")
    chi = await member_chat(
        sessionmaker, chat, clock, commune_id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo dien ngay 30/08/2024")
    assert chi.text.split("\n")[:4] == [
        "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 30/08/2024",
        "⚡ Thanh toán tiền điện không dùng tiền mặt",
        "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 30/11/2024",
        "Còn thiếu 768 trong 92 ngày → cần 8,35/ngày",
    ]


async def test_thieu_trung_34_areas_through_tiendo_and_the_chart(sessionmaker, chat, clock):
    commune_id = await apply(sessionmaker, "001_thieu_trung.xlsx")
    chi = await member_chat(
        sessionmaker, chat, clock, commune_id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo tktt")
    lines = chi.text.split("\n")
    assert len(lines) <= SCREEN_LINES and lines[0] == "📊 TIẾN ĐỘ XÃ THIỆU TRUNG — 25/11/2026"
    assert any(line.startswith("34 địa bàn: cao nhất ") for line in lines)
    names = []
    await chi.say("Theo địa bàn")
    for _ in range(5):
        lines = chi.text.split("\n")
        assert len(lines) <= SCREEN_LINES
        names += [m.group(1) for x in lines if (m := re.match(r"^(.+?) [█░]{10} ", x))]
        more = next((x for x in lines if "Xem tiếp" in x), None)
        if more is None:
            break
        await chi.say(more.split(".")[0])
    assert len(set(names)) == len(names) == 34, names
    tg = await member_chat(
        sessionmaker,
        chat,
        clock,
        commune_id,
        role="official",
        user="o2",
        name="Hoa",
        caps=BUTTON_CAPS,
    )
    await tg.say("/tiendo tktt")
    await tg.press("Xem biểu đồ")
    (reply,) = tg.replies
    with Image.open(reply.image.path) as png:
        assert png.size == (900, round(100 * (1.2 + 0.3 * 34 + 3.6)))


async def test_ngoc_trao_baocao_and_the_reminder_follow_its_rhythm(sessionmaker, chat, clock):
    commune_id = await apply(sessionmaker, "004_ngoc_trao.xlsx")
    clock.set_local(2024, 4, 1, 9, 0)
    xa = await member_chat(
        sessionmaker,
        chat,
        clock,
        commune_id,
        role="official",
        user="tg-xa",
        name="Lê Văn Xã",
        channel="telegram",
    )
    for day, caption in [
        ((2024, 4, 10), "Báo cáo quý 1/2024"),
        ((2024, 5, 10), "Báo cáo tháng 04/2024"),
        ((2024, 7, 10), "Báo cáo 6 tháng đầu năm 2024"),
        ((2024, 10, 10), "Báo cáo 9 tháng năm 2024"),
        ((2025, 1, 10), "Báo cáo năm 2024"),
    ]:
        clock.set_local(*day, 9, 0)
        await xa.say("/baocao")
        assert xa.replies[0].text == caption, day
        now = datetime(*day, 8, 0, tzinfo=TZ)
        await run_now(sessionmaker, job="report-reminder", commune_id=commune_id, tz=TZ, now=now)
        rows = [r for r in await outbox_rows(sessionmaker) if now.date().isoformat() in r.key]
        (text,) = ["\n".join(x["text"] for x in r.payload["replies"]) for r in rows]
        assert text.startswith(f"📅 {caption} cần nộp trước ngày 15/"), text
    # June is reported as 6 months only, not as a month: after the 15th July nothing is due.
    now = datetime(2024, 7, 20, 8, 0, tzinfo=TZ)
    await run_now(sessionmaker, job="report-reminder", commune_id=commune_id, tz=TZ, now=now)
    assert not [r for r in await outbox_rows(sessionmaker) if "2024-07-20" in r.key]


async def test_ngoc_trao_twelve_indicators_fit_a_phone(sessionmaker, chat, clock):
    commune_id = await apply(sessionmaker, "004_ngoc_trao.xlsx")
    clock.set_local(2024, 6, 1, 9, 0)
    chi = await member_chat(
        sessionmaker, chat, clock, commune_id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo")
    seen = []
    for _ in range(3):
        lines = chi.text.split("\n")
        assert len(lines) <= SCREEN_LINES, chi.text
        seen += [x for x in lines if ": " in x and x[:1].isdigit() and "·" in x]
        more = next((x for x in lines if "Xem tiếp" in x), None)
        if more is None:
            break
        await chi.say(more.split(".")[0])
    assert len(seen) >= 12, seen
