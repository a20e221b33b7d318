"""Quảng Lạc (seeds/002) through real chats: 4G counted in households that use 2G, QR in
business households, each logged in its own unit.

The plan gives no denominators or area names: the figures here are examples (giả định để thử).
"""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from models import Conversion, Household, Indicator, Village
from models.catalogue import ensure_catalogue
from models.commune import AreaKind, Commune
from models.indicator import CommuneIndicator, Target, Unit
from models.keys import fold
from models.member import Role
from models.membership import create_invite
from tests.conftest import join

# Example area names and denominators (the plan names neither).
AREAS = ("Nà Lẹng", "Khòn Pát")
HH_2G = 120  # households with a 2G phone
BUSINESSES = 25  # business households


@dataclass
class QuangLac:
    commune_id: int
    villages: dict[str, int]
    invites: dict[str, str]


@pytest.fixture
async def quang_lac(sessionmaker, clock) -> QuangLac:
    clock.set_local(2024, 4, 20, 9, 0)
    async with sessionmaker() as session, session.begin():
        ids = await ensure_catalogue(session)
        commune = Commune(
            name="Quảng Lạc", name_key=fold("Quảng Lạc"), province="Lạng Sơn",
            province_key=fold("Lạng Sơn"),
        )  # fmt: skip
        session.add(commune)
        await session.flush()
        villages = {}
        for name in AREAS:
            village = Village(
                commune_id=commune.id, name=name, name_key=fold(name), kind=AreaKind.THON
            )
            session.add(village)
            await session.flush()
            villages[name] = village.id
        plan = (
            ("TKTT", Unit.HOUSEHOLD, None),
            ("4G", Unit.HOUSEHOLD, "Chuyển đổi 2G lên 4G (hộ dùng máy 2G)"),
            ("QR", Unit.BUSINESS, None),
        )
        for sort, (code, unit, name) in enumerate(plan):
            session.add(
                CommuneIndicator(
                    commune_id=commune.id, indicator_id=ids[code], sort=sort, unit=unit, name=name
                )
            )
        for code, population, percent in (("4G", HH_2G, 90), ("QR", BUSINESSES, 100)):
            session.add(
                Target(
                    commune_id=commune.id, indicator_id=ids[code], population=population,
                    baseline=0, baseline_date=date(2024, 4, 4), target_percent=percent,
                    deadline=date(2024, 5, 31),
                )
            )  # fmt: skip
        for n, (head, business) in enumerate(
            (("Hoàng Văn Pò", False), ("Lường Thị Nà", False), ("Tạp hóa Nông Văn Khòn", True))
        ):
            session.add(
                Household(
                    commune_id=commune.id, village_id=villages["Nà Lẹng"], head_name=head,
                    name_key=fold(head), house_number=str(n + 1), phone=f"091200000{n + 1}",
                    is_business=business,
                )
            )  # fmt: skip
        invites = {}
        for role in (Role.VOLUNTEER, Role.OFFICIAL):
            village = villages["Nà Lẹng"] if role == Role.VOLUNTEER else None
            invites[role.value] = await create_invite(
                session, commune_id=commune.id, village_id=village, role=role, uses=10, days=30,
                now=clock.now,
            )  # fmt: skip
    return QuangLac(commune.id, villages, invites)


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


async def test_4g_in_households_with_2g_and_qr_in_business_households(
    quang_lac, chat, sessionmaker
):
    pa = await join(chat("pa"), quang_lac.invites["volunteer"], "Hoàng Thị Pa")
    # 4G counts households here: a household is counted once, and takes no count of SIMs.
    await pa.say("0912000001 4g 2")
    assert 'Chưa hiểu "2"' in pa.text
    await pa.say("0912000001 4g")
    assert "Hộ Hoàng Văn Pò" in pa.text and "· 📶 4G\n" in pa.text  # no count of SIMs
    await pa.say("1")
    assert "✅ Đã lưu" in pa.text
    await pa.say("0912000002 4g")
    await pa.say("1")
    nong = await join(chat("nong"), quang_lac.invites["volunteer"], "Nông Văn Nam")
    await nong.say("0912000001 4g")
    await nong.say("1")
    assert "không tính lại" in nong.text
    # QR counts business households: a home is asked about, a known shop is not.
    await pa.say("0912000002 qr")
    assert "hộ kinh doanh" in pa.text
    await pa.say("2")
    await pa.say("1")
    await pa.say("0912000003 qr")
    assert "có kinh doanh không" not in pa.text
    await pa.say("1")
    assert await counted(sessionmaker) == [
        ("4G", "Hoàng Văn Pò", 1),
        ("4G", "Lường Thị Nà", 1),
        ("QR", "Tạp hóa Nông Văn Khòn", 1),
    ]
    chi = await join(chat("chi"), quang_lac.invites["official"], "Lý Thị Chi")
    await chi.say("/tiendo")
    assert "4G: 1,7% / 90%" in chi.text and "QR: 4,0% / 100%" in chi.text
    await chi.say("/tiendo 4g")
    assert "Đạt 2/120 hộ (1,7%) · mục tiêu 90% = 108 trước 31/05/2024" in chi.text
    await chi.say("/tiendo qr")
    assert "Đạt 1/25 cơ sở (4,0%) · mục tiêu 100% = 25 trước 31/05/2024" in chi.text


async def test_official_sets_the_qr_target_with_the_plans_dates(quang_lac, chat, sessionmaker):
    chi = await join(chat("chi"), quang_lac.invites["official"], "Lý Thị Chi")
    for line in ("/muctieu", "qr", "toan xa", "30 2"):
        await chi.say(line)
    assert "Số 2 ban đầu được đếm vào ngày nào?" in chi.text
    await chi.say("04/04/2024")
    await chi.say("100%")
    await chi.say("03/04/2024")
    assert "hạn 03/04/2024 trước ngày ban đầu 04/04/2024" in chi.text
    await chi.say("31/05/2024")
    assert "tổng số 30, ban đầu 2 ngày 04/04/2024, mục tiêu 100% trước 31/05/2024" in chi.text
    await chi.say("1")
    await chi.say("/tiendo qr")
    assert "Đạt 2/30 cơ sở (6,7%) · mục tiêu 100% = 30 trước 31/05/2024" in chi.text
