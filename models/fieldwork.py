"""Saving visits with their conversions, each household and indicator counted once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.base import insert_ignore_returning, utcnow
from models.conversion import Conversion
from models.household import Household
from models.household_search import HouseholdRow, household_and_row
from models.indicators import Indicator
from models.indicators.catalogue import IndicatorRow, commune_indicators
from models.members import Member
from models.visit import Outcome, Visit


@dataclass(frozen=True)
class Counted:
    """A conversion that already exists: who logged it and when."""

    indicator_code: str
    member_name: str
    at: datetime


@dataclass(frozen=True)
class Total:
    """What a household already has for a counted indicator: the sum and the last `seq`."""

    total: int
    seq: int


@dataclass(frozen=True)
class Saved:
    visit_id: int
    counted: tuple[str, ...]
    already: tuple[Counted, ...]
    # Read with the visit, so the reply needs no second read of the household.
    household: HouseholdRow
    # The household's total after this visit, for codes whose count was added to.
    totals: dict[str, int] = field(default_factory=dict)


async def indicators(session: AsyncSession, commune_id: int) -> list[IndicatorRow]:
    """The commune's indicators (models/catalogue), read once per transaction."""
    return await commune_indicators(session, commune_id)


async def already_counted(
    session: AsyncSession, *, household_id: int, codes: list[str]
) -> list[Counted]:
    if not codes:
        return []
    stmt = (
        select(Indicator.code, Member.name, Conversion.at)
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .join(Member, Member.id == Conversion.member_id)
        .where(Conversion.household_id == household_id, Indicator.code.in_(codes))
        .order_by(Indicator.sort, Conversion.seq)
    )
    # Who counted the household first; later additions are reported as totals.
    first: dict[str, Counted] = {}
    for row in (await session.execute(stmt)).all():
        first.setdefault(row[0], Counted(*row))
    return list(first.values())


async def household_totals(
    session: AsyncSession, *, household_id: int, codes: list[str]
) -> dict[str, Total]:
    """People (or subscribers) already counted in a household, per indicator code."""
    if not codes:
        return {}
    stmt = (
        select(Indicator.code, func.sum(Conversion.people), func.max(Conversion.seq))
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .where(Conversion.household_id == household_id, Indicator.code.in_(codes))
        .group_by(Indicator.code)
    )
    return {code: Total(int(n), int(seq)) for code, n, seq in await session.execute(stmt)}


async def others_total(session: AsyncSession, *, visit_id: int, code: str) -> int:
    """People (or subscribers) of the visit's household for a code, not counting this visit's."""
    household_id = select(Visit.household_id).where(Visit.id == visit_id).scalar_subquery()
    stmt = (
        select(func.coalesce(func.sum(Conversion.people), 0))
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .where(
            Conversion.household_id == household_id,
            Indicator.code == code,
            Conversion.visit_id.is_distinct_from(visit_id),
        )
    )
    return int(await session.scalar(stmt) or 0)


async def is_business(session: AsyncSession, *, household_id: int) -> bool:
    return bool(
        await session.scalar(select(Household.is_business).where(Household.id == household_id))
    )


async def mark_business(
    session: AsyncSession, *, household_id: int, member_id: int, commune_id: int, at: datetime
) -> None:
    """A household found to be a business at a visit counts for business-unit indicators."""
    result = await session.execute(
        update(Household)
        .where(Household.id == household_id, Household.is_business.is_(False))
        .values(is_business=True)
    )
    if result.rowcount:
        audit(
            session, action="mark_business", entity="household", entity_id=household_id,
            member_id=member_id, commune_id=commune_id, detail={}, at=at,
        )  # fmt: skip


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
    seen: dict[str, int] | None = None,
) -> Saved:
    """Insert the visit and its new conversions; the caller's transaction makes it atomic.

    `seen` maps a code to the last `seq` the member was shown for this household: the count is
    then an addition on top of it, refused if someone else added in between. A count of 0 adds
    nobody."""
    household, row = await household_and_row(session, household_id=household_id)
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
    seen = seen or {}
    adding = {c: n for c, n in (conversions or {}).items() if n > 0}
    counted = await _insert_conversions(
        session, visit=visit, household=household, conversions=adding, seen=seen
    )
    skipped = [c for c in (conversions or {}) if c not in counted]
    already = await already_counted(session, household_id=household_id, codes=skipped)
    added = [c for c in counted if c in seen]
    totals = await household_totals(session, household_id=household_id, codes=added)
    return Saved(
        visit.id, tuple(counted), tuple(already), row, {c: t.total for c, t in totals.items()}
    )


async def _insert_conversions(
    session: AsyncSession,
    *,
    visit: Visit,
    household: Household,
    conversions: dict[str, int],
    seen: dict[str, int],
) -> list[str]:
    """The codes newly counted; those already counted for the household are left alone."""
    if not conversions:
        return []
    by_code = {i.code: i.id for i in await indicators(session, household.commune_id)}
    now = utcnow()
    rows = [
        {
            "household_id": household.id,
            "indicator_id": by_code[code],
            "people": people,
            "seq": seen[code] + 1 if code in seen else 0,
            "member_id": visit.member_id,
            "visit_id": visit.id,
            "village_id": household.village_id,
            "commune_id": household.commune_id,
            "at": visit.at,
            "created_at": now,
        }
        for code, people in conversions.items()
    ]
    # ON CONFLICT DO NOTHING per row: two members logging the same household at once count
    # once; RETURNING names the rows this statement inserted.
    inserted = await insert_ignore_returning(
        session,
        Conversion.__table__,
        rows,
        conflict=["household_id", "indicator_id", "seq"],
        returning=Conversion.indicator_id,
    )
    return [code for code in conversions if by_code[code] in inserted]
