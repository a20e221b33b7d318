"""New-household address step, the return-visit prompt and /henlai's list (issue 20, item 2)."""

from datetime import date

from tests.flows.fieldlog_helpers import household, visits


async def _to_place_step(lan, name: str) -> None:
    await lan.say("/ghinhan")
    await lan.say(name)
    assert "Không tìm thấy" in lan.text
    await lan.say("1")
    assert "Số nhà và xóm" in lan.text and '"xong"' in lan.text


async def test_xong_at_the_address_step_skips_it_and_is_not_a_hamlet(joined, sessionmaker):
    lan = await joined("lan")
    await _to_place_step(lan, "Hoang Van Muoi")
    await lan.say("xong")
    assert "Số điện thoại hoặc mã khách hàng" in lan.text, lan.text
    await lan.say("0987654321")
    await lan.say("2")
    await lan.say("xong")
    await lan.say("1")
    new = await household(sessionmaker, phone="0987654321")
    assert (new.house_number, new.hamlet) == (None, None)


async def test_bare_house_number_is_accepted(joined, sessionmaker):
    lan = await joined("lan")
    await _to_place_step(lan, "Hoang Van Muoi")
    await lan.say("12")
    assert "Mình chưa đọc được" not in lan.text, lan.text
    await lan.say("0987654322")
    await lan.say("2")
    await lan.say("xong")
    await lan.say("1")
    new = await household(sessionmaker, phone="0987654322")
    assert (new.house_number, new.hamlet) == ("12", None)


async def test_words_that_start_with_x_or_to_are_not_hamlets(joined):
    from models.household_search import parse_address

    assert parse_address("xong") is None and parse_address("tong") is None
    assert parse_address("12 x3") == ("12", "3") and parse_address("to 5") == (None, "5")
    assert parse_address("so 12 xom 3") == ("12", "3") and parse_address("xom dong") == (
        None,
        "dong",
    )


async def test_return_visit_example_date_is_ahead_of_today(joined, clock):
    clock.set_local(2026, 12, 20, 9, 0)
    lan = await joined("lan")
    await lan.say("/tham 0910000001")
    await lan.say("4")
    assert '"23/12"' in lan.text and "28/11" not in lan.text, lan.text
    await lan.say("hom qua")
    assert "ví dụ 23/12" in lan.text


async def test_henlai_lists_upcoming_return_visits_too_by_date(joined, clock):
    lan = await joined("lan")
    for phone, pick in (("0910000001", "3"), ("0910000002", "1")):  # in 3 days, tomorrow
        await lan.say(f"/tham {phone}")
        await lan.say("4")
        await lan.say(pick)
        await lan.say("xong")
        await lan.say("1")
    await lan.say("/henlai")
    text = lan.text
    assert "Có 2 hộ hẹn quay lại, 0 hộ đã đến hẹn" in text, text
    assert text.index("Trần Thị Hai") < text.index("Lê Văn Một")
    assert "(26/11/2026)" in text and "(28/11/2026)" in text
    clock.set_local(2026, 11, 26, 8, 0)
    await lan.say("/henlai")
    assert "1 hộ đã đến hẹn" in lan.text and "(hôm nay)" in lan.text


async def test_henlai_marks_an_overdue_visit(joined, clock, sessionmaker):
    lan = await joined("lan")
    await lan.say("/tham 0910000001")
    await lan.say("4")
    await lan.say("1")
    await lan.say("xong")
    await lan.say("1")
    (visit,) = await visits(sessionmaker)
    assert visit.revisit_on == date(2026, 11, 26)
    clock.set_local(2026, 11, 28, 8, 0)
    await lan.say("/henlai")
    assert "quá hẹn, 26/11/2026" in lan.text
