"""Rows for the district report: conversions in a period and each member's activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Village
from models.conversion import Conversion
from models.household import Household
from models.indicators import Indicator
from models.members import Member, Role
from models.visit import Visit


@dataclass(frozen=True)
class ConversionLine:
    at: datetime
    village: str
    household: str | None
    customer_code: str | None
    indicator: str
    people: int
    member: str


@dataclass(frozen=True)
class ActivityLine:
    member: str
    village: str | None
    role: str
    visits: int
    conversions: int


async def conversions_in(
    session: AsyncSession,
    *,
    commune_id: int,
    since: datetime,
    until: datetime,
    village_id: int | None = None,
) -> list[ConversionLine]:
    stmt = (
        select(
            Conversion.at,
            Village.name,
            Household.head_name,
            Household.customer_code,
            Indicator.code,
            Conversion.people,
            Member.name,
        )
        .join(Village, Village.id == Conversion.village_id)
        .join(Household, Household.id == Conversion.household_id)
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .join(Member, Member.id == Conversion.member_id)
        .where(
            Conversion.commune_id == commune_id,
            # Redundant for the result; lets PostgreSQL read only the commune's households
            # by index instead of scanning the province's (see docs/benchmarks.md).
            Household.commune_id == commune_id,
            Conversion.at >= since,
            Conversion.at < until,
        )
        .order_by(Conversion.at, Conversion.id)
    )
    if village_id is not None:
        stmt = stmt.where(Conversion.village_id == village_id)
    return [ConversionLine(*row) for row in await session.execute(stmt)]


async def member_activity(
    session: AsyncSession,
    *,
    commune_id: int,
    since: datetime,
    until: datetime,
    village_id: int | None = None,
) -> list[ActivityLine]:
    """Every active volunteer and leader, with zeros for those who logged nothing."""
    counts = {}
    for model in (Visit, Conversion):
        stmt = (
            select(model.member_id, func.count())
            .where(model.commune_id == commune_id, model.at >= since, model.at < until)
            .group_by(model.member_id)
        )
        if model is Visit:
            stmt = stmt.where(Visit.deleted_at.is_(None))
        counts[model] = {mid: int(n) for mid, n in await session.execute(stmt)}
    stmt = (
        select(Member.id, Member.name, Village.name, Member.role)
        .outerjoin(Village, Village.id == Member.village_id)
        .where(
            Member.commune_id == commune_id,
            Member.active.is_(True),
            Member.role.in_([Role.VOLUNTEER, Role.LEADER]),
        )
        .order_by(Village.name, Member.name)
    )
    if village_id is not None:
        stmt = stmt.where(Member.village_id == village_id)
    return [
        ActivityLine(
            name, village, role, counts[Visit].get(mid, 0), counts[Conversion].get(mid, 0)
        )
        for mid, name, village, role in await session.execute(stmt)
    ]
