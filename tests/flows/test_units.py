"""Counts in the plan's units: people and subscribers per household, added to at later visits
without counting anyone twice, capped against typos; business-unit indicators count businesses."""

import asyncio

from sqlalchemy import select

from models import AuditEntry, Conversion, Household
from tests.conftest import BUTTON_CAPS
from tests.flows.fieldlog_helpers import conversions, household, visits

HAI = "0910000002"  # Trần Thị Hai, Thôn 1: a home, not a business
MOT = "PA12010000001"  # Lê Văn Một, Thôn 1: a home


async def _rows(sessionmaker, code: str) -> list[tuple[int, int, int]]:
    """(people, seq, member id) of one indicator's conversions, in order."""
    return [(r[2], r[4], r[3]) for r in await _with_seq(sessionmaker) if r[0] == code]


async def _with_seq(sessionmaker):
    async with sessionmaker() as session:
        from models import Indicator

        stmt = (
            select(
                Indicator.code,
                Conversion.household_id,
                Conversion.people,
                Conversion.member_id,
                Conversion.seq,
            )
            .join(Indicator, Indicator.id == Conversion.indicator_id)
            .order_by(Conversion.id)
        )
        return [tuple(r) for r in (await session.execute(stmt)).all()]


async def test_later_visit_adds_people_and_reply_gives_the_new_total(joined, sessionmaker, clock):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    await lan.say(f"{HAI} tktt 3")
    assert "Tài khoản thanh toán: 3 người" in lan.text
    await lan.say("luu")
    clock.advance(days=2)
    await hai.say(f"{HAI} tktt")
    assert "hộ này đã có 3 người; thêm bao nhiêu người? (0–27, gõ 0 nếu không có ai mới)" in (
        hai.text
    )
    await hai.say("2")
    assert "Tài khoản thanh toán: thêm 2 người (tổng 5)" in hai.text
    assert "không tính lại" not in hai.text
    await hai.say("luu")
    assert "hộ Trần Thị Hai nay có tổng cộng 5 người." in hai.text
    assert "1 lượt thăm, 1 chuyển đổi" in hai.text
    people = await _rows(sessionmaker, "TKTT")
    assert [(p, s) for p, s, _ in people] == [(3, 0), (2, 1)]
    assert people[0][2] != people[1][2]  # each member is credited with the people they added


async def test_step_by_step_visit_asks_how_many_more_and_zero_adds_nobody(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{HAI} tktt 2")
    await lan.say("1")
    await lan.say(f"/ghinhan {HAI}")
    await lan.say("1")  # met
    await lan.say("tai khoan thanh toan")
    assert "hộ này đã có 2 người; thêm bao nhiêu người?" in lan.text
    await lan.say("0")
    await lan.say("xong")  # note
    assert "Tài khoản thanh toán: không thêm ai (đã có 2 người)" in lan.text
    await lan.say("1")
    assert "đã được ghi" in lan.text and "không tính lại" in lan.text
    assert [p for p, _, _ in await _rows(sessionmaker, "TKTT")] == [2]
    assert len(await visits(sessionmaker)) == 2


async def test_subscribers_take_a_count_in_quick_log_and_step_by_step(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{HAI} 4g 2")
    assert "📶 4G: 2 thuê bao" in lan.text
    await lan.say("1")
    await lan.say(f"/ghinhan {MOT}")
    await lan.say("1")
    await lan.say("4g")
    assert "📶 4G: mấy thuê bao trong hộ? (1–15)" in lan.text
    await lan.say("3")
    await lan.say("xong")
    assert "📶 4G: 3 thuê bao" in lan.text
    await lan.say("1")
    assert sorted(p for p, _, _ in await _rows(sessionmaker, "4G")) == [2, 3]


async def test_sanity_cap_per_unit_stops_typos(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{HAI} tktt 300")
    assert "Số người phải từ 1 đến 30 (một hộ). Vui lòng nhập lại." in lan.text
    await lan.say(f"{HAI} 4g 20")
    assert "Số thuê bao phải từ 1 đến 15" in lan.text
    assert await visits(sessionmaker) == []
    # Step by step: the same refusal keeps the question.
    await lan.say(f"/ghinhan {HAI}")
    await lan.say("1")
    await lan.say("tktt")
    await lan.say("300")
    assert "Số người phải từ 1 đến 30" in lan.text and "mấy người trong hộ?" in lan.text
    await lan.say("28")
    await lan.say("xong")
    await lan.say("1")
    # An addition may not take the household past the cap either.
    await lan.say(f"{HAI} tktt")
    assert "(0–2, gõ 0 nếu không có ai mới)" in lan.text
    await lan.say("5")
    assert "Hộ này đã có 28 người, nên chỉ thêm được nhiều nhất 2" in lan.text
    await lan.say("2")
    await lan.say("1")
    assert "nay có tổng cộng 30 người" in lan.text
    await lan.say(f"{HAI} tktt")
    assert "hộ này đã có 30 người, mức tối đa của một hộ" in lan.text
    await lan.say("1")
    assert "chỉ thêm được nhiều nhất 0" in lan.text
    assert sum(p for p, _, _ in await _rows(sessionmaker, "TKTT")) == 30


async def test_resent_quick_log_does_not_count_the_same_people_twice(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{HAI} tktt 3")
    await lan.say("1")
    # The same message again (e.g. sent twice from a weak signal): the same three people.
    await lan.say(f"{HAI} tktt 3")
    assert "không thêm ai (đã có 3 người)" in lan.text
    await lan.say("1")
    assert "không tính lại" in lan.text
    # A larger number could be "5 in all" or "5 new": asked, never guessed.
    await lan.say(f"{HAI} tktt 5")
    assert "thêm bao nhiêu người?" in lan.text
    await lan.say("2")
    await lan.say("1")
    assert [p for p, _, _ in await _rows(sessionmaker, "TKTT")] == [3, 2]


async def test_two_members_adding_on_the_same_total_count_once(joined, sessionmaker):
    lan = await joined("lan")
    hai = await joined("hai", name="Trần Văn Hải")
    nam = await joined("nam", name="Lê Văn Nam")
    await lan.say(f"{HAI} tktt 3")
    await lan.say("1")
    # Both were told "already 3" and both found the same 2 new people.
    await hai.say(f"{HAI} tktt")
    await nam.say(f"{HAI} tktt")
    await hai.say("2")
    await nam.say("2")
    await asyncio.gather(hai.say("1"), nam.say("1"))
    saved = [c for c in (hai.text, nam.text) if "nay có tổng cộng 5 người" in c]
    refused = [c for c in (hai.text, nam.text) if "không tính lại" in c]
    assert len(saved) == 1 and len(refused) == 1, (hai.text, nam.text)
    assert [(p, s) for p, s, _ in await _rows(sessionmaker, "TKTT")] == [(3, 0), (2, 1)]
    assert len(await visits(sessionmaker)) == 3


async def test_business_unit_asks_and_marks_the_household(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{MOT} qr")
    assert "QR tính theo hộ kinh doanh. Hộ này có kinh doanh không" in lan.text
    await lan.say("2")  # a home only: QR is not counted, the visit still is
    assert "QR" not in lan.text.split("\n")[1]
    await lan.say("1")
    assert await conversions(sessionmaker) == []
    assert len(await visits(sessionmaker)) == 1
    await lan.say(f"{MOT} qr dien")
    await lan.say("co")
    assert "QR" in lan.text and "Lưu" in lan.text
    await lan.say("1")
    assert sorted(c[0] for c in await conversions(sessionmaker)) == ["DIEN", "QR"]
    mot = await household(sessionmaker, customer_code=MOT)
    assert mot.is_business
    async with sessionmaker() as session:
        marks = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "mark_business"))
        ).scalars()
        assert [(a.entity, a.entity_id) for a in marks] == [("household", mot.id)]


async def test_known_business_is_not_asked_again_on_telegram(joined, sessionmaker):
    lan = await joined("tg", channel="telegram", caps=BUTTON_CAPS)
    await lan.say(f"/ghinhan {MOT}")
    await lan.press("Gặp")
    await lan.press("QR")
    await lan.press("Xong")
    await lan.press("Có, hộ kinh doanh")
    await lan.press("Bỏ qua")  # note
    await lan.press("Bỏ qua")  # location
    await lan.press("Lưu")
    assert "Đã lưu" in lan.text
    async with sessionmaker() as session:
        shop = Household(
            commune_id=(await household(sessionmaker, customer_code=MOT)).commune_id,
            village_id=(await household(sessionmaker, customer_code=MOT)).village_id,
            head_name="Quán Cô Ba",
            name_key="quan co ba",
            phone="0919999999",
            is_business=True,
        )
        session.add(shop)
        await session.commit()
    await lan.say("0919999999 qr")
    assert "kinh doanh không" not in lan.text and "Lưu" in lan.text
    await lan.press("Lưu")
    assert [c[0] for c in await conversions(sessionmaker)] == ["QR", "QR"]


async def test_correcting_an_addition_keeps_the_household_within_the_cap(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say(f"{HAI} tktt 25")
    await lan.say("1")
    await lan.say(f"{HAI} tktt")
    await lan.say("3")
    await lan.say("1")
    # /sua on the later visit: 25 are counted by the first, so this one may hold 1–5.
    await lan.say("/sua")
    await lan.say("1")  # the newest entry
    await lan.say("3")  # change the number
    await lan.say("1")  # the TKTT conversion
    assert "mấy người trong hộ? (1–5)" in lan.text
    await lan.say("6")
    assert "Số người phải từ 1 đến 5 (một hộ)" in lan.text
    await lan.say("5")
    assert [p for p, _, _ in await _rows(sessionmaker, "TKTT")] == [25, 5]


async def test_a_new_household_can_be_marked_a_business_at_its_first_visit(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("0919876543 qr")
    assert "Hộ này mới" in lan.text or "hộ mới" in lan.text.lower()
    await lan.say("Quán Cô Ba")
    await lan.say("so 5 xom 2")
    assert "QR tính theo hộ kinh doanh" in lan.text
    await lan.say("1")
    await lan.say("1")
    shop = await household(sessionmaker, phone="0919876543")
    assert shop.is_business and shop.head_name == "Quán Cô Ba"
    assert [c[0] for c in await conversions(sessionmaker)] == ["QR"]
