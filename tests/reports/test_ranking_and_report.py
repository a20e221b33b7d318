"""/bangxephang, the chart figure and the /baocao workbook, with rows inserted by factories."""

from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from handlers.progress.chart import build_figure
from locales import Translator
from models import AuditEntry, Commune, Indicator, Member, Village
from models.leaderboard import Period, member_ranking
from models.progress import progress
from tests.reports import factories as f

TODAY = date(2026, 11, 25)  # a Wednesday


async def seed_activity(sessionmaker, commune_id):
    """Hải: 2 visits + 2 conversions today and active 3 days running; Lan: 8 visits this week
    (8 points = Hải's 2 + 6); Nam: 1 visit last month."""
    async with sessionmaker() as session, session.begin():
        villages = await f.ids(session, Village)
        dien = (await f.ids(session, Indicator))["DIEN"]
        v1 = villages["Thôn 1"]
        hai = await f.member(session, commune_id=commune_id, village_id=v1, name="Trần Văn Hải")
        lan = await f.member(session, commune_id=commune_id, village_id=v1, name="Nguyễn Thị Lan")
        nam = await f.member(session, commune_id=commune_id, village_id=v1, name="Lê Văn Nam")
        for day in (TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=2)):
            await f.visit(session, member_row=hai, village_id=v1, at=f.local(day))
        for _ in range(2):
            await f.convert(
                session,
                member_row=hai,
                village_id=v1,
                indicator_id=dien,
                at=f.local(TODAY, 8),
                name="Phạm Văn Tư",
            )
        for _ in range(8):
            await f.visit(
                session, member_row=lan, village_id=v1, at=f.local(TODAY - timedelta(days=2))
            )
        await f.visit(session, member_row=nam, village_id=v1, at=f.local(date(2026, 10, 30)))
    return v1


async def test_member_ranking_points_ties_and_streaks(sessionmaker, demo):
    v1 = await seed_activity(sessionmaker, demo.commune_id)
    async with sessionmaker() as session:
        week = await member_ranking(session, village_id=v1, period=Period.WEEK, today=TODAY)
        day = await member_ranking(session, village_id=v1, period=Period.DAY, today=TODAY)
    # Week: Hải 3 visits + 2×3 = 9, Lan 8, Nam 0.
    assert [(r.rank, r.name, r.points, r.streak) for r in week] == [
        (1, "Trần Văn Hải", 9, 3),
        (2, "Nguyễn Thị Lan", 8, 0),  # last active 2 days ago: streak broken
        (3, "Lê Văn Nam", 0, 0),
    ]
    # Today: Hải 7; Lan and Nam tie at 0 and share rank 2.
    assert [(r.rank, r.points) for r in day] == [(1, 7), (2, 0), (2, 0)]


async def test_ranking_in_a_group_shows_no_household_data(sessionmaker, demo, joined, chat):
    await seed_activity(sessionmaker, demo.commune_id)
    lan = await joined("v1", "volunteer", "Lan Chat")
    group = chat("v1", chat_id="group-1", chat_kind="group")
    await group.say("/bxh")
    text = group.text
    assert "🏆 Thôn 1 — tuần này" in text
    assert "1. Trần Văn Hải — 9 điểm 🔥 3 ngày liền" in text
    assert "2. Nguyễn Thị Lan — 8 điểm" in text
    assert "Cách tính điểm: mỗi lượt thăm được 1 điểm, mỗi chuyển đổi được 3 điểm." in text
    # The area percent says which indicator it is.
    assert (
        "Các địa bàn theo tỷ lệ Điện: Thôn 2 41,2% · Thôn 1 34,5% · Thôn 4 22,1% · Thôn 3 16,3%"
        in text
    )
    assert "Phạm Văn Tư" not in text
    await lan.say("/bxh thang")
    assert "🏆 Thôn 1 — tháng này" in lan.text
    # In a group linked to another village, that village's board is shown.
    async with sessionmaker() as session, session.begin():
        two = (await session.execute(select(Village).where(Village.name == "Thôn 2"))).scalar_one()
        two.group_channel, two.group_chat_id = "console", "group-2"
    other = chat("v1", chat_id="group-2", chat_kind="group")
    await other.say("/bxh homnay")
    assert other.text.splitlines()[:2] == [
        "🏆 Thôn 2 — hôm nay",
        "Chưa có lượt thăm hay chuyển đổi nào được ghi.",
    ]


async def test_chart_draws_every_village_in_vietnamese(sessionmaker, demo):
    async with sessionmaker() as session:
        rows = await progress(session, commune_id=demo.commune_id, today=TODAY)
    whole = rows[0]
    villages = [r for r in rows if r.indicator_id == whole.indicator_id and r.village_id]
    fig = build_figure(Translator("vi"), whole, villages, {TODAY: 3}, TODAY)
    fig.canvas.draw()  # a missing glyph would warn, and warnings are errors in this suite
    top = fig.axes[0]
    # Horizontal bars, best on top (matplotlib lists the y labels bottom-up).
    assert [t.get_text() for t in top.get_yticklabels()][::-1] == [
        "Thôn 2",
        "Thôn 1",
        "Thôn 4",
        "Thôn 3",
    ]
    assert "tỷ lệ theo địa bàn" in top.get_title()
    assert "41,2%" in [t.get_text() for t in top.texts]  # the value printed on each bar
    line = fig.axes[1].lines[0]
    assert list(line.get_ydata()) == [535]  # 532 + today's 3
    assert (
        fig.axes[1].get_title()
        == "Thanh toán tiền điện không dùng tiền mặt: tiến độ cộng dồn của xã"
    )


async def test_official_exports_the_monthly_report(sessionmaker, demo, joined, clock):
    await seed_activity(sessionmaker, demo.commune_id)
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/baocao thang 11/2026")
    (reply,) = chi.replies
    assert reply.document.filename == "baocao-month-11-2026.xlsx"
    wb = load_workbook(reply.document.path)
    assert wb.sheetnames == ["Tổng hợp", "Chuyển đổi", "Thành viên"]
    ws = wb["Tổng hợp"]
    assert ws["A1"].value.startswith("Báo cáo tháng 11/2026 — Quảng Trường — lập lúc 09:00")
    assert ws.freeze_panes == "A4"
    assert [c.value for c in ws[3]][:6] == [
        "Chỉ tiêu",
        "Địa bàn",
        "Tổng số",
        "Số ban đầu",
        "Đã đạt",
        "Tỷ lệ",
    ]
    whole = [c.value for c in ws[4]]
    assert whole[:7] == [
        "Thanh toán tiền điện không dùng tiền mặt",
        "Toàn xã",
        1857,
        532,
        534,
        534 / 1857,
        1300,
    ]
    assert ws["F4"].number_format == "0.0%"
    conv = wb["Chuyển đổi"]
    assert [c.value for c in conv[4]][1:] == [
        "Thôn 1",
        "Phạm Văn Tư",
        None,
        "DIEN",
        1,
        "Trần Văn Hải",
    ]
    assert conv.max_row == 5
    members = {r[0]: r[2:] for r in wb["Thành viên"].iter_rows(min_row=4, values_only=True)}
    assert members["Trần Văn Hải"] == (3, 2, 9)
    async with sessionmaker() as session:
        entry = (await session.execute(select(AuditEntry))).scalar_one()
        official = (
            await session.execute(select(Member).where(Member.role == "official"))
        ).scalar_one()
    assert (entry.action, entry.entity, entry.member_id) == ("export", "report", official.id)
    assert entry.detail["rows"] == 2


async def test_default_period_is_last_month_before_the_15th(demo, joined, clock, sessionmaker):
    chi = await joined("o1", "official", "Lê Thị Chi")
    clock.set_local(2026, 12, 10, 9, 0)
    await chi.say("/baocao")
    assert chi.replies[0].document.filename == "baocao-month-11-2026.xlsx"
    clock.set_local(2026, 12, 15, 9, 0)
    await chi.say("/baocao")
    assert chi.replies[0].document.filename == "baocao-month-12-2026.xlsx"
    await chi.say("/baocao quy 4")
    assert chi.replies[0].document.filename == "baocao-quarter-4-2026.xlsx"
    await chi.say("/baocao tuan")
    assert "/baocao thang 10/2026" in chi.text


async def test_leader_report_is_their_village_and_volunteers_cannot(demo, joined, sessionmaker):
    await seed_activity(sessionmaker, demo.commune_id)
    hoa = await joined("l1", "leader", "Phạm Thị Hoa")
    await hoa.say("/baocao nam 2026")
    ws = load_workbook(hoa.replies[0].document.path)["Tổng hợp"]
    places = {row[1] for row in ws.iter_rows(min_row=4, values_only=True)}
    assert places == {"Toàn xã", "Thôn 1"}
    lan = await joined("v1", "volunteer")
    await lan.say("/baocao")
    assert lan.replies[0].document is None
    async with sessionmaker() as session:
        assert (await session.execute(select(Commune))).scalars().first() is not None
