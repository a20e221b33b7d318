"""Saving visits with their conversions (counted once), and correcting them afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.base import insert_ignore, utcnow
from models.conversion import Conversion
from models.household import Household
from models.indicator import Indicator
from models.member import Member
from models.visit import Outcome, Visit

# Members may undo or edit their own entries this long; leaders any entry of their village.
EDIT_WINDOW = timedelta(hours=48)


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


@dataclass(frozen=True)
class EntryRow:
    visit_id: int
    member_id: int
    member_name: str
    household_name: str
    at: datetime
    outcome: str
    note: str | None
    conversions: tuple[tuple[str, int], ...]  # (indicator code, people)


async def indicators(session: AsyncSession) -> list[IndicatorRow]:
    stmt = select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.sort)
    return [
        IndicatorRow(i.id, i.code, i.short_vi, i.short_en, i.name_vi, i.name_en, i.unit, i.emoji)
        for i in (await session.execute(stmt)).scalars()
    ]


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


async def recent_entries(
    session: AsyncSession, *, member_id: int | None = None, village_id: int | None = None
) -> list[EntryRow]:
    """The last 10 live entries of a member, or of a village (for its leaders)."""
    stmt = (
        select(Visit, Member.name, Household.head_name)
        .join(Member, Member.id == Visit.member_id)
        .join(Household, Household.id == Visit.household_id)
        .where(Visit.deleted_at.is_(None))
        .order_by(Visit.at.desc(), Visit.id.desc())
        .limit(10)
    )
    if member_id is not None:
        stmt = stmt.where(Visit.member_id == member_id)
    if village_id is not None:
        stmt = stmt.where(Visit.village_id == village_id)
    rows = (await session.execute(stmt)).all()
    return [await _entry(session, *row) for row in rows]


async def get_entry(session: AsyncSession, *, visit_id: int) -> EntryRow | None:
    stmt = (
        select(Visit, Member.name, Household.head_name)
        .join(Member, Member.id == Visit.member_id)
        .join(Household, Household.id == Visit.household_id)
        .where(Visit.id == visit_id, Visit.deleted_at.is_(None))
    )
    row = (await session.execute(stmt)).first()
    return await _entry(session, *row) if row else None


async def _entry(session: AsyncSession, visit: Visit, member: str, head: str | None) -> EntryRow:
    stmt = (
        select(Indicator.code, Conversion.people)
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .where(Conversion.visit_id == visit.id)
        .order_by(Indicator.sort)
    )
    conversions = tuple((code, people) for code, people in (await session.execute(stmt)).all())
    return EntryRow(
        visit.id, visit.member_id, member, head or "—", visit.at, visit.outcome, visit.note,
        conversions,
    )  # fmt: skip


async def entry_village(session: AsyncSession, *, visit_id: int) -> int | None:
    return await session.scalar(select(Visit.village_id).where(Visit.id == visit_id))


async def undo_visit(
    session: AsyncSession, *, visit_id: int, by_member: int, commune_id: int, now: datetime
) -> None:
    """Soft-delete the visit and drop its conversions, so progress and ranks follow at once."""
    entry = await get_entry(session, visit_id=visit_id)
    await session.execute(update(Visit).where(Visit.id == visit_id).values(deleted_at=now))
    await session.execute(delete(Conversion).where(Conversion.visit_id == visit_id))
    audit(
        session,
        action="undo",
        entity="visit",
        entity_id=visit_id,
        member_id=by_member,
        commune_id=commune_id,
        detail={"conversions": [list(c) for c in entry.conversions] if entry else []},
        at=now,
    )


async def remove_conversion(
    session: AsyncSession,
    *,
    visit_id: int,
    code: str,
    by_member: int,
    commune_id: int,
    now: datetime,
) -> None:
    indicator_id = await session.scalar(select(Indicator.id).where(Indicator.code == code))
    await session.execute(
        delete(Conversion).where(
            Conversion.visit_id == visit_id, Conversion.indicator_id == indicator_id
        )
    )
    audit(
        session,
        action="remove_conversion",
        entity="visit",
        entity_id=visit_id,
        member_id=by_member,
        commune_id=commune_id,
        detail={"indicator": code},
        at=now,
    )


async def set_note(
    session: AsyncSession,
    *,
    visit_id: int,
    note: str | None,
    by_member: int,
    commune_id: int,
    now: datetime,
) -> None:
    old = await session.scalar(select(Visit.note).where(Visit.id == visit_id))
    await session.execute(update(Visit).where(Visit.id == visit_id).values(note=note))
    audit(
        session,
        action="edit_note",
        entity="visit",
        entity_id=visit_id,
        member_id=by_member,
        commune_id=commune_id,
        detail={"had_note": old is not None},
        at=now,
    )


async def set_people(
    session: AsyncSession,
    *,
    visit_id: int,
    code: str,
    people: int,
    by_member: int,
    commune_id: int,
    now: datetime,
) -> None:
    indicator_id = await session.scalar(select(Indicator.id).where(Indicator.code == code))
    where = (Conversion.visit_id == visit_id, Conversion.indicator_id == indicator_id)
    old = await session.scalar(select(Conversion.people).where(*where))
    await session.execute(update(Conversion).where(*where).values(people=people))
    audit(
        session,
        action="edit_people",
        entity="visit",
        entity_id=visit_id,
        member_id=by_member,
        commune_id=commune_id,
        detail={"indicator": code, "from": old, "to": people},
        at=now,
    )
