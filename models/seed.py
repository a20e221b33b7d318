"""The demo commune built from seeds/000 (Quảng Trường); the catalogue is models/catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import DEFAULT_SETTINGS, Commune, Village
from models.household import Household
from models.indicators import Target
from models.indicators.catalogue import ensure_catalogue
from models.keys import fold
from models.members import InviteCode, Role
from models.members.joining import create_invite

DEMO_COMMUNE = "Quảng Trường"
DEMO_PROVINCE = "Thanh Hóa"
# (village, electricity population, baseline) — they add up to 1.857 and 532 as in the plan.
DEMO_VILLAGES = [
    ("Thôn 1", 420, 143),
    ("Thôn 2", 510, 210),
    ("Thôn 3", 447, 73),
    ("Thôn 4", 480, 106),
]
DEMO_WATER = [(380, 95), (450, 140), (400, 77), (420, 90)]
DEMO_NAMES = [
    "Lê Văn Một",
    "Trần Thị Hai",
    "Trần Thị Hải",
    "Nguyễn Văn Ba",
    "Phạm Thị Bốn",
    "Hoàng Văn Năm",
    "Vũ Thị Sáu",
    "Đỗ Văn Bảy",
    "Bùi Thị Tám",
    "Đặng Văn Chín",
]
CAMPAIGN_DAYS = 92


@dataclass(frozen=True)
class DemoResult:
    commune_id: int
    created: bool
    invites: dict[str, str]


async def ensure_demo(session: AsyncSession, *, today: date, now: datetime) -> DemoResult | None:
    """Create the demo commune once; always hand back usable invite codes for each role.

    None when the database already holds a real commune: the demo is never added beside one."""
    indicators = await ensure_catalogue(session)
    commune = (
        (
            await session.execute(
                select(Commune).where(Commune.is_demo.is_(True)).order_by(Commune.id)
            )
        )
        .scalars()
        .first()
    )
    created = commune is None
    if commune is None and await session.scalar(select(Commune.id).limit(1)) is not None:
        return None  # never demo data beside a real commune
    if commune is None:
        commune = Commune(
            name=DEMO_COMMUNE,
            name_key=fold(DEMO_COMMUNE),
            province=DEMO_PROVINCE,
            province_key=fold(DEMO_PROVINCE),
            is_demo=True,
            settings=dict(DEFAULT_SETTINGS),
        )
        session.add(commune)
        await session.flush()
        await _demo_places(session, commune.id, indicators, today)
    invites = {}
    first_village = (
        (
            await session.execute(
                select(Village.id).where(Village.commune_id == commune.id).order_by(Village.id)
            )
        )
        .scalars()
        .first()
    )
    for role in (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL):
        village_id = None if role == Role.OFFICIAL else first_village
        code = (
            (
                await session.execute(
                    select(InviteCode.code).where(
                        InviteCode.commune_id == commune.id,
                        InviteCode.role == role,
                        InviteCode.village_id.is_(None)
                        if village_id is None
                        else InviteCode.village_id == village_id,
                        InviteCode.expires_at > now,
                        InviteCode.uses < InviteCode.max_uses,
                    )
                )
            )
            .scalars()
            .first()
        )
        invites[role.value] = code or await create_invite(
            session,
            commune_id=commune.id,
            village_id=village_id,
            role=role,
            uses=50,
            days=30,
            now=now,
        )
    return DemoResult(commune.id, created, invites)


async def _demo_places(
    session: AsyncSession, commune_id: int, indicators: dict[str, int], today: date
) -> None:
    deadline = today + timedelta(days=CAMPAIGN_DAYS)
    for code, population, baseline in (("DIEN", 1857, 532), ("NUOC", 1650, 402)):
        session.add(
            Target(
                commune_id=commune_id,
                indicator_id=indicators[code],
                population=population,
                baseline=baseline,
                baseline_date=today,
                target_percent=70,
                deadline=deadline,
            )
        )
    for index, (name, population, baseline) in enumerate(DEMO_VILLAGES):
        village = Village(commune_id=commune_id, name=name, name_key=fold(name))
        session.add(village)
        await session.flush()
        water_population, water_baseline = DEMO_WATER[index]
        for code, pop, base in (
            ("DIEN", population, baseline),
            ("NUOC", water_population, water_baseline),
        ):
            session.add(
                Target(
                    commune_id=commune_id,
                    village_id=village.id,
                    indicator_id=indicators[code],
                    population=pop,
                    baseline=base,
                    baseline_date=today,
                    target_percent=70,
                    deadline=deadline,
                )
            )
        for n, head in enumerate(DEMO_NAMES):
            number = n + 1
            session.add(
                Household(
                    commune_id=commune_id,
                    village_id=village.id,
                    head_name=head,
                    name_key=fold(head),
                    house_number=str(number * 2 + index),
                    hamlet=str(n % 3 + 1),
                    phone=f"09{index + 1}{number:07d}",
                    customer_code=f"PA12{index + 1:02d}{number:07d}",
                    # Every third home keeps a shop, so QR has business households to count.
                    is_business=number % 3 == 0,
                )
            )
    await session.flush()
