"""Correcting logged work: recent entries, undo, drop a conversion, people count, note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.conversion import Conversion
from models.household import Household
from models.indicators import Indicator
from models.members import Member
from models.visit import Visit

# Members may undo or edit their own entries this long; leaders any entry of their village.
EDIT_WINDOW = timedelta(hours=48)


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
