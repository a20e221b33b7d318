"""Numbers typed by people: Unicode digits read as digits or refused politely, ranges held."""

import pytest
from sqlalchemy import func, select

from handlers.numbers import MAX_COUNT, parse_int, whole_numbers
from models import Target
from models.inbound import Inbound
from models.keys import fold_digits, normalize_phone

APOLOGY = "Xin lỗi, có lỗi xảy ra"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3", 3), ("③", 3), ("³", 3), ("３", 3), ("٣", 3), ("৩", 3), ("𝟑", 3), ("⑩", 10)],
)
def test_unicode_digits_read_as_the_digit(raw, value):
    assert parse_int(raw) == value


@pytest.mark.parametrize("raw", ["½", "Ⅻ", "⒈", "3a", "", "-3", "3.5", "1e9", "٣x"])
def test_what_is_not_a_whole_number_is_none(raw):
    assert parse_int(raw) is None


def test_every_number_has_a_range():
    assert parse_int("30", lo=1, hi=30) == 30
    assert parse_int("31", lo=1, hi=30) is None
    assert parse_int("9" * 5000) is None  # no int() of a huge string
    assert parse_int("2147483648") is None  # beyond PostgreSQL's INTEGER
    assert whole_numbers("1.857 và 532") == [1857, 532]
    assert whole_numbers("１.８５７ ٥٣٢") == [1857, 532]
    assert whole_numbers("9" * 100) == [10**30]


def test_phones_and_codes_in_other_digits_are_the_same_key():
    assert normalize_phone("０９１２ ３４５ ６７８") == "0912345678"
    assert fold_digits("PA12٠١٠٠٠٠٠٠١") == "PA12010000001"


async def failed(sessionmaker) -> int:
    async with sessionmaker() as session:
        stmt = select(func.count()).select_from(Inbound).where(Inbound.status == "failed")
        return (await session.execute(stmt)).scalar_one()


async def test_unicode_digits_at_choices_before_and_after_joining(chat, joined, sessionmaker):
    stranger = chat("s1")
    await stranger.say("/start")
    for raw in ("①", "²", "³", "٣", "9" * 40):
        await stranger.say(raw)
        assert APOLOGY not in stranger.text and "mã mời" in stranger.text.lower()
    lan = await joined("lan")
    await lan.say("0910000002 vneid ③")
    assert "VNeID: 3 người" in lan.text
    await lan.say("①")  # picks "Lưu"
    assert "✅ Đã lưu" in lan.text
    for raw in ("0910000003 vneid ²⁰⁰", "0910000003 vneid 99999999999999999999"):
        await lan.say(raw)
        assert APOLOGY not in lan.text
        assert "Số người phải từ 1 đến 30" in lan.text, lan.text
    await lan.say("/ghinhan 0910000003")
    await lan.say("①")  # outcome: met
    await lan.say("④")  # VNeID
    await lan.say("۳")  # Extended Arabic-Indic 3 people
    assert APOLOGY not in lan.text
    assert await failed(sessionmaker) == 0


@pytest.mark.parametrize("population", ["3000000000 5", "99999999999999999999 1", "1" * 500])
async def test_target_denominator_beyond_the_range_is_refused_politely(
    joined, sessionmaker, population
):
    chi = await joined("o1", "official", "Lê Thị Chi")
    for step in ("/muctieu", "1", "1", population):
        await chi.say(step)
    assert "lớn hơn 10.000.000" in chi.text, chi.text
    await chi.say("1.857 532")
    await chi.say("hom nay")  # the baseline date
    await chi.say("99999999999")
    assert "lớn hơn 10.000.000" in chi.text, chi.text
    await chi.say("１３００")
    await chi.say("２５/０２/２０２７")
    await chi.say("1")
    assert "Đã lưu" in chi.text, chi.text
    async with sessionmaker() as session:
        stmt = select(Target.population, Target.target_count).where(Target.target_count == 1300)
        assert (await session.execute(stmt)).one() == (1857, 1300)
    assert MAX_COUNT < 2**31
    assert await failed(sessionmaker) == 0
