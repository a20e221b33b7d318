"""The full visit flow (/ghinhan) as transcripts, on text and button channels."""

from datetime import timedelta

from tests.conftest import BUTTON_CAPS
from tests.flows.fieldlog_helpers import conversions, household, visits

# Demo Thôn 1: "Trần Thị Hai" no. 4 group 2, PA1201 0000002, phone 0910000002.


async def test_full_visit_by_name_with_person_counts(joined, sessionmaker, clock):
    lan = await joined("lan")
    await lan.say("/ghinhan")
    assert "Tìm hộ" in lan.text
    await lan.say("tran thi hai")
    assert "Trần Thị Hai" in lan.text and "Trần Thị Hải" in lan.text
    await lan.say("1")
    assert "Kết quả lượt thăm" in lan.text
    await lan.say("1")
    assert "chuyển đổi" in lan.text
    await lan.say("3 4")
    assert "mấy người" in lan.text
    await lan.say("2")
    await lan.say("1")
    assert "Ghi chú" in lan.text
    await lan.say("xong")
    assert "Trần Thị Hai" in lan.text and "2 người" in lan.text and "1. 💾 Lưu" in lan.text
    await lan.say("luu")
    assert "✅ Đã lưu lúc 09:00" in lan.text
    assert "1 lượt thăm, 2 chuyển đổi" in lan.text
    rows = await visits(sessionmaker)
    assert [(v.outcome, v.at) for v in rows] == [("met", clock.now)]
    assert sorted((c[0], c[2]) for c in await conversions(sessionmaker)) == [
        ("TKTT", 2),
        ("VNEID", 1),
    ]


async def test_buttons_toggle_two_conversions(joined, sessionmaker):
    lan = await joined("tg-lan", channel="telegram", caps=BUTTON_CAPS)
    await lan.say("/ghinhan PA12 01 0000002")
    await lan.press("Gặp")
    await lan.press("Điện")
    assert any(c.label.startswith("✓ ⚡") for c in lan.replies[-1].choices)
    await lan.press("Nước")
    await lan.press("Điện")
    await lan.press("Điện")
    await lan.press("Xong")
    await lan.press("Bỏ qua")  # note
    await lan.press("Bỏ qua")  # location
    assert "⚡ Điện" in lan.text and "💧 Nước" in lan.text
    await lan.press("Lưu")
    assert "Đã lưu" in lan.text and "Thôn 1 — điện: 144/420 mã KH (34,3%)" in lan.text
    assert sorted(c[0] for c in await conversions(sessionmaker)) == ["DIEN", "NUOC"]


async def test_new_household_then_near_duplicate_offered(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("/ghinhan")
    await lan.say("Hoang Van Muoi")
    assert "Không tìm thấy" in lan.text
    await lan.say("1")
    await lan.say("so 40 xom 2")
    await lan.say("0987654321")
    await lan.say("2")  # not home
    await lan.say("xong")
    await lan.say("1")
    new = await household(sessionmaker, phone="0987654321")
    assert (new.head_name, new.house_number, new.hamlet) == ("Hoang Van Muoi", "40", "2")
    # Someone types a near-identical name at the same house number: offered before creating.
    await lan.say("/ghinhan")
    await lan.say("Hoàng Văn Mười")
    await lan.say(str(len(lan.replies[-1].choices) - 1))  # "Hộ mới"
    await lan.say("40 xom 2")
    assert "Có phải hộ này" in lan.text
    await lan.say("1")
    assert "Kết quả" in lan.text
    await lan.say("2")
    await lan.say("xong")
    await lan.say("1")
    assert {v.household_id for v in await visits(sessionmaker)} == {new.id}


async def test_same_phone_in_commune_is_same_household(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("/ghinhan")
    await lan.say("Nguoi Moi")
    await lan.say("1")
    await lan.say("xom 1")
    await lan.say("+84 910 000 003")
    assert "Đã có" in lan.text and "Trần Thị Hải" in lan.text
    assert "Kết quả" in lan.text


async def test_come_back_later_sets_revisit_day(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("/tham 0910000001")
    await lan.say("4")
    assert "Khi nào" in lan.text
    await lan.say("31/02")
    assert "90 ngày" in lan.text
    await lan.say("1")
    await lan.say("xong")
    await lan.say("1")
    (visit,) = await visits(sessionmaker)
    assert visit.outcome == "later" and visit.revisit_on.isoformat() == "2026-11-26"


async def test_bad_inputs_keep_the_step_and_save_nothing(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("ghi nhan")
    await lan.say("😀😀")
    assert "Tìm hộ" in lan.text
    await lan.say("0910000001")
    await lan.say("9")
    assert "Kết quả lượt thăm" in lan.text
    await lan.say("1")
    await lan.say("dienn")
    assert 'Chưa hiểu "dienn"' in lan.text
    await lan.say(None, kind="sticker")
    assert "nhãn dán" in lan.text
    await lan.say("tktt")
    for bad in ("0", "-2", "31", "nhieu"):
        await lan.say(bad)
        assert "từ 1 đến 30" in lan.text, bad
    await lan.say(None, kind="voice")
    assert "thoại" in lan.text
    await lan.say("3")
    await lan.say("x" * 2000)
    assert "quá dài" in lan.text and "Ghi chú" not in lan.text[:0]
    await lan.say("👍")
    assert "bằng chữ" in lan.text
    await lan.say("Hộ khó khăn, hẹn con trai")
    assert "1. 💾 Lưu" in lan.text
    await lan.say("7")
    assert "1. 💾 Lưu" in lan.text
    await lan.say("/huy")
    assert "Chưa có gì được lưu" in lan.text
    assert await visits(sessionmaker) == [] and await conversions(sessionmaker) == []


async def test_stale_button_is_refused(joined, sessionmaker):
    lan = await joined("tg", channel="telegram", caps=BUTTON_CAPS)
    await lan.say("/ghinhan 0910000001")
    old = lan.replies[-1]
    await lan.press("Gặp")
    question = lan.replies[-1]
    await lan.send(None, choice=f"{old.version}:1")
    assert "đã đóng" in lan.text
    none = next(i for i, c in enumerate(question.choices) if c.key == "none")
    await lan.send(None, choice=f"{question.version}:{none}")
    assert "Ghi chú" in lan.text


async def test_photo_and_location_where_the_channel_has_them(joined, sessionmaker):
    lan = await joined("tg", channel="telegram", caps=BUTTON_CAPS)
    await lan.say("/ghinhan 0910000001")
    await lan.press("Không có nhà")
    await lan.send("cổng khóa", kind="photo", photo="file-123")
    assert "vị trí" in lan.text
    await lan.send(None, kind="location", location=(16.7, 107.1))
    assert "📷" in lan.text and "📍" in lan.text
    await lan.press("Lưu")
    (visit,) = await visits(sessionmaker)
    assert (visit.photo_ref, visit.note, visit.latitude) == ("file-123", "cổng khóa", 16.7)


async def test_message_written_at_nine_arriving_at_eleven_is_stored_at_nine(
    joined, sessionmaker, clock
):
    lan = await joined("lan")
    written = clock.now
    clock.advance(hours=2)
    await lan.send("PA1201 0000001 dien", sent_at=written)
    await lan.say("1")
    assert "Đã lưu lúc 09:00" in lan.text
    (visit,) = await visits(sessionmaker)
    assert visit.at == written and clock.now - visit.at == timedelta(hours=2)


async def test_edit_from_summary_changes_conversions(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("0910000001 dien")
    await lan.say("2")
    await lan.say("3")
    await lan.say("nuoc")
    assert "💧 Nước" in lan.text and "⚡" not in lan.text
    await lan.say("1")
    assert [c[0] for c in await conversions(sessionmaker)] == ["NUOC"]


async def test_address_search_not_found_still_offers_the_near_twin(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("/ghinhan so 2 xom 3")  # Lê Văn Một lives at no. 2, group 1
    assert "Không tìm thấy" in lan.text
    await lan.say("1")
    await lan.say("Le Van Mot")
    assert "Có phải hộ này" in lan.text and "Lê Văn Một" in lan.text
    await lan.say("2")
    assert "Số điện thoại hoặc mã khách hàng" in lan.text
    await lan.say("xong")
    await lan.say("3")  # refused
    await lan.say("xong")
    await lan.say("1")
    new = await household(sessionmaker, head_name="Le Van Mot")
    assert (new.house_number, new.hamlet) == ("2", "3")


async def test_typing_another_name_at_the_list_searches_again(joined):
    lan = await joined("lan")
    await lan.say("/ghinhan tran thi hai")
    await lan.say("9")
    assert "Vui lòng chọn một hộ" in lan.text
    await lan.say("dang van chin")
    assert "Đặng Văn Chín" in lan.text and "Trần Thị Hai" not in lan.text
