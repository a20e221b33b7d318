"""Quảng Lạc (seeds/002) through real chats, from its plan workbook (tests/data/plans): 4G counted
in households that use 2G, QR in business households, the Công dân số Xứ Lạng app in people,
each logged in its own unit; /muctieu with the plan's own dates.

The plan names no households: the few visited here are made by the test.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Commune, Conversion, Household, Indicator, Village
from models.keys import fold
from models.plan import apply_plan, read_plan
from tests.reports.communes import member_chat

PLAN = Path(__file__).parents[1] / "data" / "plans" / "002_quang_lac.xlsx"
HOMES = (("Hoàng Văn Pò", False), ("Lường Thị Nà", False), ("Tạp hóa Nông Văn Khòn", True))


@dataclass
class QuangLac:
    commune_id: int
    thon1: int


@pytest.fixture
async def quang_lac(sessionmaker, clock) -> QuangLac:
    clock.set_local(2024, 4, 20, 9, 0)  # the campaign ran from April to the end of May 2024
    plan, problems = read_plan(PLAN)
    assert problems == []
    async with sessionmaker() as session, session.begin():
        await apply_plan(session, plan)
        commune = await session.scalar(select(Commune).where(Commune.name == "Quảng Lạc"))
        thon1 = await session.scalar(
            select(Village.id).where(Village.commune_id == commune.id, Village.name == "Thôn 1")
        )
        for n, (head, business) in enumerate(HOMES):
            session.add(
                Household(
                    commune_id=commune.id, village_id=thon1, head_name=head, name_key=fold(head),
                    house_number=str(n + 1), phone=f"091200000{n + 1}", is_business=business,
                )
            )  # fmt: skip
    return QuangLac(commune.id, thon1)


async def volunteer(sessionmaker, chat, clock, ql: QuangLac, *, user: str, name: str):
    return await member_chat(
        sessionmaker, chat, clock, ql.commune_id, role="volunteer", user=user, name=name,
        village_id=ql.thon1,
    )  # fmt: skip


async def counted(sessionmaker) -> list[tuple[str, str, int]]:
    """(indicator code, household head, people) per conversion."""
    async with sessionmaker() as session:
        stmt = (
            select(Indicator.code, Household.head_name, Conversion.people)
            .join(Indicator, Indicator.id == Conversion.indicator_id)
            .join(Household, Household.id == Conversion.household_id)
            .order_by(Conversion.id)
        )
        return [tuple(r) for r in (await session.execute(stmt)).all()]


async def test_each_indicator_is_logged_in_the_plans_unit(quang_lac, chat, clock, sessionmaker):
    pa = await volunteer(sessionmaker, chat, clock, quang_lac, user="pa", name="Hoàng Thị Pa")
    # 4G counts households that use 2G: once per household, and no count of SIMs.
    await pa.say("0912000001 4g 2")
    assert 'Chưa hiểu "2"' in pa.text
    await pa.say("0912000001 4g")
    assert "Hộ Hoàng Văn Pò" in pa.text and "· 📶 4G\n" in pa.text
    await pa.say("1")
    assert "✅ Đã lưu" in pa.text
    await pa.say("0912000002 4g")
    await pa.say("1")
    nam = await volunteer(sessionmaker, chat, clock, quang_lac, user="nam", name="Nông Văn Nam")
    await nam.say("0912000001 4g")
    await nam.say("1")
    assert "không tính lại" in nam.text
    # Công dân số Xứ Lạng counts people: 3 at the first visit, 2 more at a later one.
    await pa.say("0912000001 congdanso 3")
    assert "3 người" in pa.text
    await pa.say("1")
    clock.advance(days=1)
    await nam.say("0912000001 cdsxl")
    assert "hộ này đã có 3 người; thêm bao nhiêu người?" in nam.text
    await nam.say("2")
    await nam.say("1")
    assert "hộ Hoàng Văn Pò nay có tổng cộng 5 người." in nam.text
    # QR counts business households: a home is asked about, a known shop is not.
    await pa.say("0912000002 qr")
    assert "tính theo hộ kinh doanh" in pa.text
    await pa.say("2")
    await pa.say("1")
    await pa.say("0912000003 qr")
    assert "có kinh doanh không" not in pa.text
    await pa.say("1")
    assert await counted(sessionmaker) == [
        ("4G", "Hoàng Văn Pò", 1),
        ("4G", "Lường Thị Nà", 1),
        ("CDSXL", "Hoàng Văn Pò", 3),
        ("CDSXL", "Hoàng Văn Pò", 2),
        ("QR", "Tạp hóa Nông Văn Khòn", 1),
    ]
    chi = await member_chat(
        sessionmaker, chat, clock, quang_lac.commune_id, role="official", user="chi",
        name="Lý Thị Chi",
    )  # fmt: skip
    await chi.say("/tiendo 4g")
    assert "Đạt 2/320 hộ (0,6%) · mục tiêu 90% = 288 trước 31/05/2024" in chi.text
    await chi.say("/tiendo qr")
    assert "Đạt 1/85 cơ sở (1,2%) · mục tiêu 100% = 85 trước 31/05/2024" in chi.text
    await chi.say("/tiendo cdsxl")
    assert "Đạt 5/2.600 người (0,2%) · mục tiêu 80% = 2.080 trước 31/05/2024" in chi.text


async def test_official_changes_the_qr_target_with_the_plans_dates(
    quang_lac, chat, clock, sessionmaker
):
    chi = await member_chat(
        sessionmaker, chat, clock, quang_lac.commune_id, role="official", user="chi",
        name="Lý Thị Chi",
    )  # fmt: skip
    for line in ("/muctieu", "qr", "toan xa"):
        await chi.say(line)
    assert "Hiện tại: tổng số 85, ban đầu 0 ngày 04/04/2024, mục tiêu 100% trước 31/05/2024" in (
        chi.text
    )
    await chi.say("90 2")
    assert "Số 2 ban đầu được đếm vào ngày nào?" in chi.text
    await chi.say("04/04/2024")
    await chi.say("100%")
    await chi.say("03/04/2024")
    assert "hạn 03/04/2024 trước ngày ban đầu 04/04/2024" in chi.text
    await chi.say("31/05/2024")
    assert "tổng số 90, ban đầu 2 ngày 04/04/2024, mục tiêu 100% trước 31/05/2024" in chi.text
    await chi.say("1")
    await chi.say("/tiendo qr")
    assert "Đạt 2/90 cơ sở (2,2%) · mục tiêu 100% = 90 trước 31/05/2024" in chi.text
