"""/tiendo through the real pipeline on the demo commune."""

from datetime import date


async def test_official_sees_demo_numbers_without_conversions(joined):
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/tiendo")
    # First screen: one numbered line per indicator; detail and areas one choice away.
    assert chi.text.split("\n") == [
        "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 25/11/2026",
        "Chọn một chỉ tiêu để xem chi tiết.",
        "1. ⚡ Điện: 28,6% / 70% · chậm ⚠️",
        "2. 💧 Nước: 24,4% / 70% · chậm ⚠️",
        "3. Theo địa bàn",
        "4. Xem biểu đồ",
        "5. Xuất báo cáo Excel",
        "Trả lời một số từ 1 đến 5.",
    ]
    await chi.say("1")
    text = chi.text
    assert "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 25/11/2026" in text
    assert "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 25/02/2027" in text
    assert "Còn thiếu 768 trong 92 ngày → cần 8,35/ngày" in text
    # The campaign starts today: the pace window is that one day, and says so.
    assert "1 ngày qua: 0/ngày — chưa có chuyển đổi mới" in text
    assert "Thôn 2  ████░░░░░░ 41,2%" in text
    assert "Nước" not in text
    assert "1. Tất cả chỉ tiêu" in text and "2. Xem biểu đồ" in text
    await chi.say("1")
    await chi.say("3")
    assert chi.text.split("\n")[1:6] == [
        "Các địa bàn, tỉ lệ từng chỉ tiêu:",
        "Thôn 1: ⚡ 34,0% · 💧 25,0%",
        "Thôn 2: ⚡ 41,2% · 💧 31,1%",
        "Thôn 3: ⚡ 16,3% · 💧 19,2%",
        "Thôn 4: ⚡ 22,1% · 💧 21,4%",
    ]


async def test_volunteer_sees_own_village_first_then_the_commune_line(joined):
    lan = await joined("v1", "volunteer")
    await lan.say("/tiendo dien")
    text = lan.text
    assert "📊 TIẾN ĐỘ THÔN 1 — 25/11/2026" in text
    assert "Đạt 143/420 mã KH (34,0%) · mục tiêu 70% = 294 trước 25/02/2027" in text
    assert "Cả xã: 532/1.857 (28,6%) · cần 8,35/ngày" in text
    assert "Nước" not in text and "Thôn 2" not in text
    assert "1. Xem biểu đồ" in text and "Xuất báo cáo" not in text


async def test_official_narrows_to_a_village_without_diacritics(joined):
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/tiendo thon 2 nuoc")
    assert "TIẾN ĐỘ THÔN 2" in chi.text
    assert "Đạt 140/450 hộ (31,1%) · mục tiêu 70% = 315 trước 25/02/2027" in chi.text
    await chi.say("/tiendo xyz")
    assert 'Mình chưa hiểu "xyz"' in chi.text


async def test_chart_from_the_option_and_from_bieudo(joined, sessionmaker, demo):
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/tiendo")
    await chi.say("Xem biểu đồ")
    (reply,) = chi.replies
    assert reply.image is not None and reply.image.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "1.300" in reply.image.caption
    await chi.say("/tiendo bieu do")
    assert chi.replies[0].image is not None
    # After the options, plain commands still work.
    await chi.say("/tiendo")
    await chi.say("/trogiup")
    assert "/tiendo" in chi.text


async def test_text_after_the_options_is_handled_normally(joined):
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/tiendo")
    await chi.say("xin chào")
    assert "Xem biểu đồ" not in chi.text


async def test_official_sets_a_village_target_in_chat(joined, sessionmaker):
    from sqlalchemy import select

    from models import AuditEntry, Indicator, Target, Village

    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/muctieu")
    assert "⚡ Điện: 70% = 1.300 trước 25/02/2027" in chi.text
    assert "(và 8 mục tiêu theo địa bàn" in chi.text
    await chi.say("nuoc")
    assert "Cho toàn xã hay cho một địa bàn?" in chi.text
    await chi.say("thon 3")
    await chi.say("420")
    assert "Gõ hai số" in chi.text
    await chi.say("410 100")
    await chi.say("hom nay")
    await chi.say("75 %")
    await chi.say("31/02/2027")
    assert "Hạn chót là ngày nào?" in chi.text
    await chi.say("28/02/2027")
    assert (
        "Thôn 3: tổng số 410, ban đầu 100 ngày 25/11/2026, mục tiêu 75% trước 28/02/2027"
        in chi.text
    )
    await chi.say("1")
    assert "Đã lưu ✅" in chi.text
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(Target)
                .join(Village, Village.id == Target.village_id)
                .join(Indicator, Indicator.id == Target.indicator_id)
                .where(Village.name == "Thôn 3", Indicator.code == "NUOC")
            )
        ).scalar_one()
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert (row.population, row.baseline, row.target_percent, row.target_count) == (
        410,
        100,
        75,
        None,
    )
    assert (row.baseline_date, row.deadline) == (date(2026, 11, 25), date(2027, 2, 28))
    assert (entry.action, entry.entity) == ("set", "target")
    await chi.say("/tiendo nuoc thon 3")
    assert "Đạt 100/410 hộ (24,4%) · mục tiêu 75% = 308 trước 28/02/2027" in chi.text
