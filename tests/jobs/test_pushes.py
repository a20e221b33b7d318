"""Each job's recipients and text for the seeded demo commune, queued through the outbox."""

from datetime import UTC, date, datetime

from bot.jobs import run_now
from models.outbox import OutboxMessage
from tests.conftest import TZ
from tests.jobs.helpers import link_group, log_conversion, log_visit, member_id, outbox_rows


async def run(sessionmaker, clock, demo, job: str) -> int:
    return await run_now(sessionmaker, job=job, commune_id=demo.commune_id, tz=TZ, now=clock.now)


def by_chat(rows: list[OutboxMessage]) -> dict[str, str]:
    return {r.chat_id: "\n".join(x["text"] for x in r.payload["replies"]) for r in rows}


async def test_nudge_reaches_only_those_who_logged_nothing_today_on_their_own_app(
    sessionmaker, clock, demo, team
):
    clock.set_local(2026, 11, 25, 19, 0)
    await log_visit(sessionmaker, "Trần Văn Hải", clock.now)
    # Yesterday's visit does not count for today.
    await log_visit(sessionmaker, "Lê Văn Nam", datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    assert await run(sessionmaker, clock, demo, "nudge") == 2
    rows = await outbox_rows(sessionmaker)
    assert {(r.channel, r.chat_id) for r in rows} == {
        ("telegram", "tg-lan"),
        ("telegram", "tg-nam"),
    }
    assert by_chat(rows)["tg-lan"] == (
        "Anh/chị Lan ơi, hôm nay anh/chị chưa ghi lượt thăm nào. "
        "Gõ /ghinhan khi đến hộ tiếp theo nhé!\n(Tắt nhắc: /tatnhac)"
    )
    assert all(r.job == "nudge" and r.status == "pending" for r in rows)


async def test_jobs_run_nudge_twice_queues_once(sessionmaker, clock, demo, team):
    clock.set_local(2026, 11, 25, 19, 0)
    assert await run(sessionmaker, clock, demo, "nudge") == 3
    clock.advance(minutes=5)
    assert await run(sessionmaker, clock, demo, "nudge") == 0
    assert len(await outbox_rows(sessionmaker)) == 3


async def test_nudge_skips_members_who_turned_reminders_off_until_they_turn_them_on(
    sessionmaker, clock, demo, team
):
    await team["lan"].say("/tatnhac")
    assert team["lan"].text == "Đã tắt nhắc nhở. Gõ /batnhac để bật lại."
    clock.set_local(2026, 11, 25, 19, 0)
    await run(sessionmaker, clock, demo, "nudge")
    assert "tg-lan" not in by_chat(await outbox_rows(sessionmaker))
    await team["lan"].say("/batnhac")
    assert team["lan"].text == "Đã bật lại nhắc nhở."
    clock.set_local(2026, 11, 26, 19, 0)
    await run(sessionmaker, clock, demo, "nudge")
    rows = [r for r in await outbox_rows(sessionmaker) if r.chat_id == "tg-lan"]
    assert len(rows) == 1 and "2026-11-26" in rows[0].key


async def test_member_on_two_apps_gets_it_on_the_app_used_last(
    sessionmaker, clock, demo, team, chat
):
    # Lan links Zalo as well (an account row like /lienket makes), then writes there last.
    from models.members import ChannelAccount

    lan_id = await member_id(sessionmaker, "Nguyễn Thị Lan")
    async with sessionmaker() as session, session.begin():
        session.add(ChannelAccount(member_id=lan_id, channel="zalo", user_id="zl-lan",
                                   chat_id="zl-lan"))  # fmt: skip
    clock.advance(minutes=1)
    await chat("zl-lan", channel="zalo").say("/trogiup")
    clock.set_local(2026, 11, 25, 19, 0)
    await run(sessionmaker, clock, demo, "nudge")
    chats = {r.chat_id for r in await outbox_rows(sessionmaker) if r.member_id == lan_id}
    assert chats == {"zl-lan"}


async def test_morning_gives_each_volunteer_the_village_pace_and_their_revisits_due(
    sessionmaker, clock, demo, team
):
    for code in ("DIEN", "DIEN"):
        await log_conversion(sessionmaker, "Trần Văn Hải", code, clock.now)
    await log_visit(sessionmaker, "Nguyễn Thị Lan", clock.now, revisit_on=date(2026, 11, 26))
    await log_visit(sessionmaker, "Nguyễn Thị Lan", clock.now, revisit_on=date(2026, 11, 28))
    clock.set_local(2026, 11, 26, 7, 0)
    await run(sessionmaker, clock, demo, "morning")
    texts = by_chat(await outbox_rows(sessionmaker))
    # Volunteers only; Thôn 1 electricity: 143 + 2 of 420, (294 − 145) / 91 days = 1,64 a day.
    assert set(texts) == {"tg-lan", "zl-hai"}
    assert texts["tg-lan"] == (
        "Chào buổi sáng anh/chị Lan ☀️\n"
        "Thôn 1 — Điện: 145/420 (34,5%), cần 1,64 mã KH/ngày để kịp mục tiêu trước 25/02/2027.\n"
        "Thôn 1 — Nước: 95/380 (25,0%), cần 1,88 hộ/ngày để kịp mục tiêu trước 25/02/2027.\n"
        "Hôm nay anh/chị có 1 hộ hẹn lại: /henlai"
    )
    assert "hẹn lại" not in texts["zl-hai"]


async def test_leaderboard_is_the_bangxephang_text_to_each_member_or_once_to_the_group(
    sessionmaker, clock, demo, team
):
    clock.set_local(2026, 11, 25, 20, 0)
    for _ in range(2):
        await log_visit(sessionmaker, "Trần Văn Hải", clock.now)
    await log_conversion(sessionmaker, "Trần Văn Hải", "DIEN", clock.now)
    await log_visit(sessionmaker, "Nguyễn Thị Lan", clock.now)
    await run(sessionmaker, clock, demo, "leaderboard")
    texts = by_chat(await outbox_rows(sessionmaker))
    assert set(texts) == {"tg-lan", "zl-hai", "tg-nam"}
    # 2 visits × 1 + 1 conversion × 3 = 5 points; villages by electricity percent.
    assert texts["tg-nam"] == (
        "🏆 Thôn 1 — tuần này\n1. Trần Văn Hải — 5 điểm\n2. Nguyễn Thị Lan — 1 điểm\n"
        "Cách tính điểm: mỗi lượt thăm được 1 điểm, mỗi chuyển đổi được 3 điểm.\n"
        "Các địa bàn theo tỷ lệ Điện: Thôn 2 41,2% · Thôn 1 34,3% · Thôn 4 22,1% · Thôn 3 16,3%"
    )
    await team["nam"].say("/bangxephang")
    assert team["nam"].text == texts["tg-nam"]
    await link_group(sessionmaker, "-100200")
    clock.set_local(2026, 11, 26, 20, 0)
    await run(sessionmaker, clock, demo, "leaderboard")
    new = [r for r in await outbox_rows(sessionmaker) if "2026-11-26" in r.key]
    assert [(r.chat_id, r.member_id) for r in new] == [("-100200", None)]
    assert by_chat(new)["-100200"].startswith("🏆 Thôn 1 — tuần này\n1. Trần Văn Hải — 5 điểm\n")


async def test_leader_summary_is_the_doi_rows_who_logged_nothing_and_the_village_pace(
    sessionmaker, clock, demo, team
):
    clock.set_local(2026, 11, 25, 20, 30)
    await log_visit(sessionmaker, "Trần Văn Hải", clock.now)
    await log_conversion(sessionmaker, "Trần Văn Hải", "DIEN", clock.now)
    await log_conversion(sessionmaker, "Trần Văn Hải", "NUOC", clock.now)
    await log_visit(sessionmaker, "Nguyễn Thị Lan", clock.now)
    await run(sessionmaker, clock, demo, "leader-summary")
    texts = by_chat(await outbox_rows(sessionmaker))
    # Electricity 144/420; (294 − 144) / 92 days = 1,63 a day; 1 conversion on day 1 = 1,0.
    assert texts == {
        "tg-nam": "📋 Tổng kết 25/11 — Thôn 1\nLượt thăm 2 · chuyển đổi 2 (Điện 1, Nước 1)\n"
        "• Trần Văn Hải: 1 lượt, 2 chuyển đổi\n• Nguyễn Thị Lan: 1 lượt, 0 chuyển đổi\n"
        "Chưa ghi nhận: Lê Văn Nam\n"
        "Điện Thôn 1: 144/420 (34,3%) · cần 1,63/ngày · 1 ngày qua 1,0/ngày\n"
        "Nước Thôn 1: 96/380 (25,3%) · cần 1,85/ngày · 1 ngày qua 1,0/ngày"
    }


async def test_officials_get_the_weekly_digest_and_the_report_reminder(
    sessionmaker, clock, demo, team
):
    clock.set_local(2026, 11, 30, 8, 0)
    for code in ("DIEN", "DIEN", "NUOC"):
        await log_conversion(
            sessionmaker, "Trần Văn Hải", code, datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
        )
    # Today's conversion belongs to next week's digest.
    await log_conversion(sessionmaker, "Trần Văn Hải", "DIEN", clock.now)
    await run(sessionmaker, clock, demo, "weekly-digest")
    text = by_chat(await outbox_rows(sessionmaker))["tg-hoa"]
    lines = text.split("\n")
    assert lines[:3] == [
        "📊 Tuần 23/11/2026 – 29/11/2026",
        "Thôn 1: Điện 2 · Nước 1",
        "Chậm tiến độ:",
    ]
    # Every village is behind on both indicators: the five furthest behind fit the screen.
    assert len(lines) == 3 + 5 + 1 and lines[-1] == "… và 3 mục chậm khác: /tiendo"
    shown = [float(line.split("(")[1].split("%")[0].replace(",", ".")) for line in lines[3:8]]
    assert shown == sorted(shown) and shown[0] < 20
    clock.set_local(2026, 12, 10, 8, 0)
    await run(sessionmaker, clock, demo, "report-reminder")
    rows = [r for r in await outbox_rows(sessionmaker) if r.job == "report-reminder"]
    assert by_chat(rows) == {
        "tg-hoa": "📅 Báo cáo tháng 11/2026 cần nộp trước ngày 15/12/2026: "
        "gõ /baocao thang 11/2026 để lấy tệp Excel."
    }
