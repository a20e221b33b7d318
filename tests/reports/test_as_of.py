"""/tiendo … ngay 30/08/2024: everything as of that day (plan 000's DIEN target), the report of
a past period agreeing with it, and an indicator without a target still shown."""

from datetime import date

import pytest
from openpyxl import load_workbook

from tests.reports import factories as f
from tests.reports.communes import QT_DIEN, commune, member_chat, target


async def quang_truong(sessionmaker):
    """Quảng Trường's DIEN target from the plan; conversions around the baseline date."""
    async with sessionmaker() as session, session.begin():
        qt, areas, codes = await commune(
            session, "Quảng Trường", ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"]
        )
        await target(session, qt.id, codes["DIEN"], **QT_DIEN)
        ba = await f.member(session, commune_id=qt.id, village_id=areas["Thôn 1"], name="Ba")
        logged = [
            (date(2024, 8, 29), 1),  # before the baseline date: inside the 532 already
            (date(2024, 8, 31), 3),
            (date(2024, 9, 2), 5),
            (date(2024, 10, 1), 2),
        ]
        for day, n in logged:
            for _ in range(n):
                await f.convert(
                    session,
                    member_row=ba,
                    village_id=areas["Thôn 1"],
                    indicator_id=codes["DIEN"],
                    at=f.local(day, 10),
                )
        # Water is counted but this plan sets no water target.
        await f.convert(
            session,
            member_row=ba,
            village_id=areas["Thôn 1"],
            indicator_id=codes["NUOC"],
            at=f.local(date(2024, 9, 3)),
        )
    return qt


async def test_progress_as_of_the_plan_date(sessionmaker, chat, clock):
    qt = await quang_truong(sessionmaker)
    chi = await member_chat(
        sessionmaker, chat, clock, qt.id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo dien ngay 30/08/2024")
    lines = chi.text.split("\n")
    assert lines[:5] == [
        "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 30/08/2024",
        "⚡ Thanh toán tiền điện không dùng tiền mặt",
        "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 30/11/2024",
        "Còn thiếu 768 trong 92 ngày → cần 8,35/ngày",
        "1 ngày qua: 0/ngày — chưa có chuyển đổi mới",
    ]
    # With diacritics and without the leading zero: the same day.
    await chi.say("/tiendo điện ngày 30/8/2024")
    assert chi.text.split("\n")[:4] == lines[:4]
    # Four days in: 8 conversions since the baseline, pace over those 4 days, from that day.
    await chi.say("/tiendo dien ngay 02/09/2024")
    assert chi.text.split("\n")[1:5] == [
        "⚡ Thanh toán tiền điện không dùng tiền mặt",
        "Đạt 540/1.857 mã KH (29,1%) · mục tiêu 70% = 1.300 trước 30/11/2024",
        "Còn thiếu 760 trong 89 ngày → cần 8,54/ngày",
        # 2 a day would need 380 days: not "chậm 291 ngày" but plainly not reached.
        "4 ngày qua: 2,0/ngày → với nhịp này sẽ không đạt 70% trước hạn 30/11/2024.",
    ]
    await chi.say("/tiendo ngay 31/12/2030")
    assert chi.text == "Ngày 31/12/2030 chưa tới."
    await chi.say("/tiendo ngay 31/02/2024")
    assert "Mình chưa hiểu" in chi.text


async def test_report_of_a_past_month_agrees_with_tiendo_on_its_last_day(
    sessionmaker, chat, clock
):
    qt = await quang_truong(sessionmaker)
    chi = await member_chat(
        sessionmaker, chat, clock, qt.id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo ngay 30/09/2024")
    summary = chi.text
    # Two indicators: a summary; water has no target and says so.
    assert "1. ⚡ Điện: 29,1% / 70% · chậm ⚠️" in summary
    assert "💧 Nước: đã ghi nhận 1 hộ · chưa đặt mục tiêu" in summary
    await chi.say("1")
    detail = chi.text
    assert "Đạt 540/1.857 mã KH (29,1%)" in detail
    await chi.say("/baocao thang 9/2024")
    (reply,) = chi.replies
    assert reply.document.filename == "baocao-month-09-2024.xlsx"
    ws = load_workbook(reply.document.path)["Tổng hợp"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    dien = rows["Thanh toán tiền điện không dùng tiền mặt"]
    # The same figures /tiendo gave as of 30/09/2024 (October's 2 are not in).
    assert (*dien[2:5], dien[6]) == (1857, 532, 540, 1300)
    assert dien[5] == pytest.approx(540 / 1857)
    assert dien[8] == "7 ngày qua chưa có chuyển đổi mới"
    assert f"Đạt {dien[4]}/1.857" in detail
    nuoc = rows["Thanh toán tiền nước không dùng tiền mặt"]
    assert (nuoc[4], nuoc[8]) == (1, "Chưa đặt mục tiêu")
    # And the first of October counts again.
    await chi.say("/tiendo dien ngay 1/10/2024")
    assert "Đạt 542/1.857 mã KH (29,2%)" in chi.text


async def test_area_without_its_own_target_sees_the_commune_figure_labelled(
    sessionmaker, chat, clock
):
    qt = await quang_truong(sessionmaker)
    async with sessionmaker() as session:
        from sqlalchemy import select

        from models import Village

        thon1 = await session.scalar(select(Village.id).where(Village.name == "Thôn 1"))
    lan = await member_chat(
        sessionmaker, chat, clock, qt.id, role="volunteer", user="v1", name="Lan", village_id=thon1
    )
    await lan.say("/tiendo dien ngay 30/08/2024")
    lines = lan.text.split("\n")
    assert lines[:3] == [
        "📊 TIẾN ĐỘ THÔN 1 — 30/08/2024",
        "⚡ Thanh toán tiền điện không dùng tiền mặt — cả xã (Thôn 1 chưa có mục tiêu riêng)",
        "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 30/11/2024",
    ]
    await lan.say("/tiendo ngay 30/09/2024")
    assert "1. ⚡ Điện (cả xã): 29,1% / 70% · chậm ⚠️" in lan.text


async def test_the_console_asks_progress_as_of_a_day_too(sessionmaker, chat, clock, pipeline):
    import io

    from bot.channels.console import ConsoleChat

    qt = await quang_truong(sessionmaker)
    await member_chat(
        sessionmaker, chat, clock, qt.id, role="official", user="console-chi", name="Lê Thị Chi"
    )
    out = io.StringIO()
    typed = io.StringIO("/tiendo dien ngày 30/08/2024\n")
    await ConsoleChat(pipeline, "console-chi").run(typed, out)
    lines = out.getvalue().splitlines()
    start = lines.index("> /tiendo dien ngày 30/08/2024")
    assert lines[start + 1 : start + 5] == [
        "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 30/08/2024",
        "⚡ Thanh toán tiền điện không dùng tiền mặt",
        "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 30/11/2024",
        "Còn thiếu 768 trong 92 ngày → cần 8,35/ngày",
    ]


async def test_plan_indicators_without_target_show_even_at_zero(sessionmaker, chat, clock):
    from models import CommuneIndicator

    qt = await quang_truong(sessionmaker)
    async with sessionmaker() as session, session.begin():
        from models.indicators.catalogue import ensure_catalogue

        codes = await ensure_catalogue(session)
        for n, code in enumerate(["DIEN", "NUOC", "CKS"]):
            session.add(CommuneIndicator(commune_id=qt.id, indicator_id=codes[code], sort=n))
    chi = await member_chat(
        sessionmaker, chat, clock, qt.id, role="official", user="o1", name="Lê Thị Chi"
    )
    await chi.say("/tiendo")
    lines = chi.text.split("\n")
    assert "2. 💧 Nước: đã ghi nhận 1 hộ · chưa đặt mục tiêu" in lines
    assert "3. ✍ Chữ ký số: đã ghi nhận 0 người · chưa đặt mục tiêu" in lines
    # Only the plan's indicators: nothing of the national catalogue it does not name.
    assert not any("VNeID" in line for line in lines)
    # An indicator without a target opens to what has been counted.
    await chi.say("3")
    assert chi.text.split("\n")[1:3] == [
        "✍ Chữ ký số",
        "Đã ghi nhận 0 người (7 ngày qua: 0). Chưa đặt mục tiêu.",
    ]
    await chi.say("/baocao thang 11/2026")
    ws = load_workbook(chi.replies[0].document.path)["Tổng hợp"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert (rows["Chữ ký số"][4], rows["Chữ ký số"][8]) == (0, "Chưa đặt mục tiêu")


async def test_far_behind_is_said_plainly_in_the_report_status(sessionmaker):
    from handlers.report.excel import status
    from locales import Translator
    from models.progress import progress

    qt = await quang_truong(sessionmaker)
    async with sessionmaker() as session:
        (row,) = await progress(session, commune_id=qt.id, today=date(2024, 9, 2))
    # 2 a day against 8,54 needed: 291 days late, said as "not reached", not as a count.
    assert row.days_late == 291
    assert status(Translator("vi"), row) == "Chậm: với nhịp này không kịp hạn"
