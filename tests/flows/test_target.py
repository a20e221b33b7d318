"""/muctieu through the chat: the baseline date is asked, models/target_rules refuses with its
reasons (the same as the workbook and the CLI), a target can be deleted, and 39 areas are
searched by name instead of listed."""

from datetime import date

from sqlalchemy import select

from models import AuditEntry, Indicator, Village
from models.indicators import Target
from models.keys import fold


async def dien_targets(sessionmaker) -> dict[str | None, Target]:
    async with sessionmaker() as session:
        stmt = (
            select(Target, Village.name)
            .join(Indicator, Indicator.id == Target.indicator_id)
            .outerjoin(Village, Village.id == Target.village_id)
            .where(Indicator.code == "DIEN")
        )
        return {name: t for t, name in (await session.execute(stmt)).all()}


async def official(joined):
    return await joined("chi", "official", "Lê Thị Chi")


async def test_baseline_date_is_asked_and_saved(joined, sessionmaker):
    chi = await official(joined)
    await chi.say("/muctieu")
    assert "⚡ Điện: 70% = 1.300 trước 25/02/2027" in chi.text
    assert "(và 8 mục tiêu theo địa bàn" in chi.text  # 4 areas × (điện, nước), not 8 lines
    assert "🏦 Tài khoản thanh toán: chưa có mục tiêu" in chi.text
    await chi.say("dien")
    assert "Cho toàn xã hay cho một địa bàn?" in chi.text and "Thôn 4" in chi.text
    await chi.say("toan xa")
    assert "Hiện tại: tổng số 1.857, ban đầu 532 ngày 25/11/2026" in chi.text
    await chi.say("1857 532")
    assert "Số 532 ban đầu được đếm vào ngày nào?" in chi.text
    assert "Hôm nay (25/11/2026)" in chi.text
    await chi.say("30/8/2024")
    await chi.say("70%")
    await chi.say("30/11/2024")
    assert (
        "Lưu mục tiêu này? Toàn xã: tổng số 1.857, ban đầu 532 ngày 30/08/2024, "
        "mục tiêu 70% trước 30/11/2024." in chi.text
    )
    await chi.say("1")
    assert "Đã lưu ✅" in chi.text
    whole = (await dien_targets(sessionmaker))[None]
    assert (whole.baseline_date, whole.deadline) == (date(2024, 8, 30), date(2024, 11, 30))
    assert (whole.population, whole.baseline, whole.target_percent) == (1857, 532, 70)
    async with sessionmaker() as session:
        entry = (
            await session.execute(select(AuditEntry).where(AuditEntry.entity == "target"))
        ).scalar_one()
    assert entry.detail["baseline_date"] == "2024-08-30" and entry.detail["via"] == "chat"


async def test_today_is_one_choice_and_a_future_baseline_is_refused(joined, sessionmaker):
    chi = await official(joined)
    for line in ("/muctieu", "nuoc", "Thôn 2", "300 40"):
        await chi.say(line)
    await chi.say("1/12/2026")
    assert "Vui lòng gõ một ngày không sau hôm nay" in chi.text
    await chi.say("hom nay")
    assert "Mục tiêu là bao nhiêu? Gõ phần trăm" in chi.text


async def test_every_rule_refuses_with_its_reason_and_keeps_the_step(joined, sessionmaker):
    before = await dien_targets(sessionmaker)
    chi = await official(joined)
    for line in ("/muctieu", "dien", "toan xa"):
        await chi.say(line)
    await chi.say("100 200")
    assert "Chưa lưu được:\n• số ban đầu 200 lớn hơn tổng số 100" in chi.text
    await chi.say("0 0")
    assert "tổng số (mẫu số) phải từ 1 trở lên" in chi.text
    await chi.say("3000000000 5")
    assert "tổng số 3.000.000.000 lớn hơn 10.000.000" in chi.text
    await chi.say("1857 532")
    await chi.say("30/08/2024")
    await chi.say("150%")
    assert "tỷ lệ mục tiêu 150% phải lớn hơn 0 và không quá 100%" in chi.text
    await chi.say("0%")
    assert "tỷ lệ mục tiêu 0% phải lớn hơn 0" in chi.text
    await chi.say("2000")
    assert "số mục tiêu 2.000 lớn hơn tổng số 1.857" in chi.text
    await chi.say("1300")
    await chi.say("01/08/2024")
    assert "hạn 01/08/2024 trước ngày ban đầu 30/08/2024" in chi.text
    await chi.say("31/02/2025")
    assert chi.text == "Hạn chót là ngày nào? Gõ ngày/tháng/năm, ví dụ 25/02/2027."
    await chi.say("/huy")
    assert await dien_targets(sessionmaker) == before


async def test_unknown_area_and_indicator_are_refused(joined):
    chi = await official(joined)
    await chi.say("/muctieu")
    await chi.say("tien nha")
    assert "chọn một chỉ tiêu trong danh sách" in chi.text
    await chi.say("dien")
    await chi.say("Thôn 9")
    assert 'Không có địa bàn nào tên giống "Thôn 9"' in chi.text


async def test_area_totals_above_the_communes_warn_but_save(joined, sessionmaker):
    chi = await official(joined)
    for line in ("/muctieu", "dien", "Thôn 1", "5000 100", "hom nay", "70%", "25/02/2027"):
        await chi.say(line)
    assert "⚠️ tổng số của các địa bàn cộng lại là" in chi.text
    assert "nhiều hơn tổng số toàn xã 1.857" in chi.text
    await chi.say("luu")
    assert (await dien_targets(sessionmaker))["Thôn 1"].population == 5000


async def test_a_target_can_be_deleted(joined, sessionmaker):
    chi = await official(joined)
    for line in ("/muctieu", "dien", "Thôn 2"):
        await chi.say(line)
    assert "🗑 Xóa mục tiêu này" in chi.text
    await chi.say("xoa muc tieu nay")
    assert "Đã xóa mục tiêu: Thôn 2." in chi.text
    assert "Thôn 2" not in await dien_targets(sessionmaker)
    async with sessionmaker() as session:
        actions = [
            a.action
            for a in (
                await session.execute(select(AuditEntry).where(AuditEntry.entity == "target"))
            ).scalars()
        ]
    assert actions == ["delete"]


async def test_39_areas_are_searched_by_name_then_a_short_list(joined, demo, sessionmaker):
    async with sessionmaker() as session, session.begin():
        for n in range(1, 36):
            name = f"Thôn Đông {n}"
            session.add(Village(commune_id=demo.commune_id, name=name, name_key=fold(name)))
    chi = await official(joined)
    await chi.say("/muctieu")
    await chi.say("dien")
    assert "Có 39 địa bàn: gõ một phần tên" in chi.text
    assert [c.label for c in chi.replies[-1].choices] == ["Toàn xã"]
    assert len(chi.text.splitlines()) <= 10
    await chi.say("dong 3")
    labels = [c.label for c in chi.replies[-1].choices]
    assert labels[0] == "Toàn xã" and labels[-1] == "Tìm lại"
    assert labels[1:-1] == ["Thôn Đông 3", "Thôn Đông 30", "Thôn Đông 31", "Thôn Đông 32",
                            "Thôn Đông 33"]  # fmt: skip
    assert "(5 địa bàn đầu" in chi.text
    await chi.say("thon dong 35")
    assert "Tổng số là bao nhiêu" in chi.text
