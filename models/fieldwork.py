"""Saving visits with their conversions, each household and indicator counted once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import insert_ignore, utcnow
from models.conversion import Conversion
from models.household import Household
from models.indicator import Indicator
from models.member import Member
from models.visit import Outcome, Visit


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    code: str
    short_vi: str
    short_en: str
    name_vi: str
    name_en: str
    unit: str
    emoji: str


@dataclass(frozen=True)
class Counted:
    """A conversion that already exists: who logged it and when."""

    indicator_code: str
    member_name: str
    at: datetime


@dataclass(frozen=True)
class Saved:
    visit_id: int
    counted: tuple[str, ...]
    already: tuple[Counted, ...]


_ACTIVE_INDICATORS = (
    select(
        Indicator.id,
        Indicator.code,
        Indicator.short_vi,
        Indicator.short_en,
        Indicator.name_vi,
        Indicator.name_en,
        Indicator.unit,
        Indicator.emoji,
    )
    .where(Indicator.active.is_(True))
    .order_by(Indicator.sort)
)


async def indicators(session: AsyncSession) -> list[IndicatorRow]:
    """The active catalogue, read once per transaction (a visit turn asks for it 2–4 times)."""
    transaction = session.get_transaction()
    cached = session.info.get("indicators")
    if cached is None or cached[0] is not transaction or transaction is None:
        rows = [IndicatorRow(*row) for row in await session.execute(_ACTIVE_INDICATORS)]
        cached = session.info["indicators"] = (transaction, rows)
    return list(cached[1])


async def already_counted(
    session: AsyncSession, *, household_id: int, codes: list[str]
) -> list[Counted]:
    stmt = (
        select(Indicator.code, Member.name, Conversion.at)
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .join(Member, Member.id == Conversion.member_id)
        .where(Conversion.household_id == household_id, Indicator.code.in_(codes))
        .order_by(Indicator.sort)
    )
    return [Counted(*row) for row in (await session.execute(stmt)).all()]


async def save_visit(
    session: AsyncSession,
    *,
    member_id: int,
    household_id: int,
    at: datetime,
    outcome: str,
    revisit_on: date | None = None,
    conversions: dict[str, int] | None = None,
    note: str | None = None,
    photo: str | None = None,
    location: tuple[float, float] | None = None,
    source_key: str | None = None,
) -> Saved:
    """Insert the visit and its new conversions; the caller's transaction makes it atomic."""
    household = await session.get(Household, household_id)
    # A return visit closes the earlier "come back later" of this household (not this one).
    await session.execute(
        update(Visit)
        .where(
            Visit.household_id == household_id,
            Visit.outcome == Outcome.LATER,
            Visit.revisit_done.is_(False),
        )
        .values(revisit_done=True)
    )
    visit = Visit(
        member_id=member_id,
        household_id=household_id,
        village_id=household.village_id,
        commune_id=household.commune_id,
        at=at,
        outcome=outcome,
        revisit_on=revisit_on if outcome == Outcome.LATER else None,
        note=note,
        photo_ref=photo,
        latitude=location[0] if location else None,
        longitude=location[1] if location else None,
        source_key=source_key,
    )
    session.add(visit)
    await session.flush()
    counted = await _insert_conversions(
        session, visit=visit, household=household, conversions=conversions or {}
    )
    skipped = [c for c in (conversions or {}) if c not in counted]
    already = await already_counted(session, household_id=household_id, codes=skipped)
    return Saved(visit.id, tuple(counted), tuple(already))


async def _insert_conversions(
    session: AsyncSession, *, visit: Visit, household: Household, conversions: dict[str, int]
) -> list[str]:
    """The codes newly counted; those already counted for the household are left alone."""
    counted: list[str] = []
    by_code = {i.code: i.id for i in await indicators(session)}
    for code, people in conversions.items():
        # ON CONFLICT DO NOTHING: two members logging the same household at once count once.
        inserted = await insert_ignore(
            session,
            Conversion.__table__,
            {
                "household_id": household.id,
                "indicator_id": by_code[code],
                "people": people,
                "member_id": visit.member_id,
                "visit_id": visit.id,
                "village_id": household.village_id,
                "commune_id": household.commune_id,
                "at": visit.at,
                "created_at": utcnow(),
            },
            conflict=["household_id", "indicator_id"],
        )
        if inserted:
            counted.append(code)
    return counted
