"""Quick log in one message: key + indicators parsed into the same confirmation screen."""

from tests.flows.fieldlog_helpers import conversions, household, visits


async def test_customer_code_with_spaces_and_two_indicators(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("pa12 01 0000001 dien nuoc")
    assert "Hộ Lê Văn Một" in lan.text and "(mã KH PA12010000001)" in lan.text
    assert "⚡ Điện · 💧 Nước" in lan.text and "1. 💾 Lưu" in lan.text
    await lan.say("luu")
    assert "✅ Đã lưu lúc 09:00. Hôm nay anh/chị đã ghi 1 lượt thăm, 2 chuyển đổi." in lan.text
    assert "Thôn 1 — điện: 144/420 mã KH (34,3%)." in lan.text
    assert [c[0] for c in await conversions(sessionmaker)] == ["DIEN", "NUOC"]


async def test_phone_in_any_format_with_person_count(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("+84 910 000 002 vneid 3")
    assert "Trần Thị Hai" in lan.text and "VNeID: 3 người" in lan.text
    await lan.say("1")
    assert [(c[0], c[2]) for c in await conversions(sessionmaker)] == [("VNEID", 3)]


async def test_house_number_and_group(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("so 12 xom 3 dien")
    assert "Hộ Hoàng Văn Năm — số 12, xóm 3" in lan.text
    await lan.say("1")
    assert len(await visits(sessionmaker)) == 1


async def test_name_in_another_village_asks_count_then_confirms(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("Nguyen Van Ba thon 2 tktt")
    assert "Tài khoản thanh toán: mấy người" in lan.text
    await lan.say("2")
    assert "Hộ Nguyễn Văn Ba" in lan.text and "Thôn 2" in lan.text
    await lan.say("1")
    (visit,) = await visits(sessionmaker)
    assert [(c[0], c[2]) for c in await conversions(sessionmaker)] == [("TKTT", 2)]
    thon2 = await household(sessionmaker, id=visit.household_id)
    assert (thon2.head_name, thon2.customer_code) == ("Nguyễn Văn Ba", "PA12020000004")


async def test_ambiguous_name_asks_which_household(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("tran thi hai dien")
    assert "Có 2 hộ phù hợp" in lan.text
    await lan.say("2")
    assert "Trần Thị Hải" in lan.text and "💾 Lưu" in lan.text


async def test_unknown_parts_are_named_and_nothing_saved(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000001 dienn")
    assert 'Chưa hiểu "dienn". Các chỉ tiêu: dien, nuoc, tktt' in lan.text
    await lan.say("Nguyen Van Ba dienn")
    assert 'Chưa hiểu "dienn"' in lan.text
    await lan.say("0910000002 vneid 40")
    assert "từ 1 đến 30" in lan.text
    await lan.say("xin chao")
    assert "chưa hiểu" in lan.text.lower()
    assert await visits(sessionmaker) == []


async def test_same_household_indicator_from_two_members_counts_once(joined, sessionmaker, clock):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    await lan.say("PA12010000001 dien")
    await lan.say("1")
    clock.advance(hours=1)
    await hai.say("PA12010000001 dien nuoc")
    assert "đã được ghi" in hai.text and "Nguyễn Thị Lan lúc 09:00" in hai.text
    await hai.say("1")
    assert "không tính lại" in hai.text and "vẫn được ghi" in hai.text
    assert "1 lượt thăm, 1 chuyển đổi" in hai.text
    rows = await conversions(sessionmaker)
    assert sorted(c[0] for c in rows) == ["DIEN", "NUOC"]
    assert len(await visits(sessionmaker)) == 2


async def test_unknown_code_starts_a_new_household(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12099999999 dien")
    assert "chưa có trong danh sách" in lan.text
    await lan.say("Phan Van Moi")
    await lan.say("7 xom 1")
    assert "(hộ mới)" in lan.text and "⚡ Điện" in lan.text
    await lan.say("1")
    assert [c[0] for c in await conversions(sessionmaker)] == ["DIEN"]


async def test_english_member_sees_english_screens(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("/ngonngu en")
    await lan.say("0910000001 dien")
    assert "Household Lê Văn Một — no. 2, group 1, Thôn 1" in lan.text
    assert "⚡ Electricity" in lan.text and "1. 💾 Save" in lan.text
    await lan.say("save")
    assert "✅ Saved at 09:00." in lan.text
    assert "Thôn 1 — electricity: 144/420 customer codes (34.3%)." in lan.text


async def test_household_key_alone_starts_the_full_visit(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("0910000002")
    assert "Kết quả lượt thăm" in lan.text
    await lan.say("2")
    assert "Ghi chú" in lan.text


def test_an_area_is_read_by_its_own_name_or_short_form():
    from handlers.visits.quick import parse

    areas = frozenset({"to dan pho 5", "cho duc pho", "thon 2"})
    assert parse("Tran Van An tdp 5", [], areas).village == "to dan pho 5"
    assert parse("Tran Van An Tổ dân phố 5", [], areas).village == "to dan pho 5"
    found = parse("Tran Van An cho duc pho", [], areas)
    assert (found.key, found.village) == ("Tran Van An", "cho duc pho")
    # Not an area of this commune: part of the name, as before.
    assert parse("Tran Van Cho", [], areas).key == "Tran Van Cho"
