"""/cuatoi, /henlai and /doi: my tally, rank and streak; revisits due; the team today."""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Member
from models.activity import revisits_due, team_activity


async def log(chat, text: str) -> None:
    await chat.say(text)
    await chat.say("1")
    assert "Đã lưu" in chat.text, chat.text


async def test_mine_counts_periods_rank_and_streak(joined, clock):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    clock.set_local(2026, 11, 23, 9, 0)  # Monday
    await log(lan, "0910000001 dien")
    clock.set_local(2026, 11, 24, 9, 0)
    await log(lan, "0910000002 nuoc")
    clock.set_local(2026, 11, 25, 9, 0)
    await log(lan, "0910000003 dien nuoc")
    await log(hai, "0910000004 dien")
    await lan.say("/cuatoi")
    assert "Hôm nay: 1 lượt thăm, 2 chuyển đổi" in lan.text
    assert "Tuần này: 3 lượt thăm, 4 chuyển đổi" in lan.text
    assert "Tổng cộng: 3 lượt thăm, 4 chuyển đổi" in lan.text
    assert "Xếp hạng ở Thôn 1 tháng này: 1/2" in lan.text
    assert "🔥 3 ngày liền" in lan.text
    await hai.say("/cuatoi")
    assert "2/2" in hai.text and "1 ngày liền" in hai.text


async def test_revisits_due_listed_and_logged_in_one_tap(joined, clock, sessionmaker):
    lan = await joined("lan")
    await lan.say("/ghinhan 0910000001")
    await lan.say("4")
    await lan.say("1")  # tomorrow
    await lan.say("xong")
    await lan.say("1")
    await lan.say("/henlai")
    assert "0 hộ đã đến hẹn" in lan.text and "(26/11/2026)" in lan.text
    clock.advance(days=2)
    await lan.say("/henlai")
    assert "Lê Văn Một" in lan.text and "26/11/2026" in lan.text
    async with sessionmaker() as session:
        due = await revisits_due(session, today=date(2026, 11, 27), village_id=None)
    assert [r.head_name for r in due] == ["Lê Văn Một"]
    await lan.say("1")
    assert "Kết quả lượt thăm" in lan.text
    await lan.say("1")
    await lan.say("dien")
    await lan.say("xong")
    await lan.say("1")
    await lan.say("/henlai")
    assert "Không có hộ nào" in lan.text


async def test_team_today_for_leaders_only(joined, sessionmaker, clock):
    lan = await joined("lan")
    boss = await joined("boss", role="leader", name="Trần Văn Hải")
    await joined("nam", name="Lê Văn Nam")
    await log(lan, "0910000001 dien nuoc")
    await lan.say("/doi")
    assert "không dành cho" in lan.text
    await boss.say("/doi")
    assert "Lượt thăm 1 · chuyển đổi 2" in boss.text
    assert "• Nguyễn Thị Lan: 1 lượt, 2 chuyển đổi" in boss.text
    assert "Chưa ghi nhận: Lê Văn Nam, Trần Văn Hải" in boss.text
    async with sessionmaker() as session:
        village_id = await session.scalar(
            select(Member.village_id).where(Member.name == "Lê Văn Nam")
        )
        rows = await team_activity(
            session,
            village_id=village_id,
            day=date(2026, 11, 25),
            tz=ZoneInfo("Asia/Ho_Chi_Minh"),
        )
    assert [(r.name, r.visits, r.conversions) for r in rows][0] == ("Nguyễn Thị Lan", 1, 2)
