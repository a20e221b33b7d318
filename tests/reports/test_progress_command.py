"""/tiendo through the real pipeline on the demo commune."""


async def test_official_sees_demo_numbers_without_conversions(joined):
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/tiendo")
    text = chi.text
    assert "📊 TIẾN ĐỘ XÃ QUẢNG TRƯỜNG — 25/11/2026" in text
    assert "Đạt 532/1.857 mã KH (28,6%) · mục tiêu 70% = 1.300 trước 25/02/2027" in text
    assert "Còn thiếu 768 trong 92 ngày → cần 8,35/ngày" in text
    assert "7 ngày qua: 0/ngày — chưa có chuyển đổi mới" in text
    assert "Thôn 2  ████░░░░░░ 41,2%" in text
    assert "1. Xem biểu đồ" in text and "2. Xuất báo cáo Excel" in text
