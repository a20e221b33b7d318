"""Small factories: households, members, visits and conversions inserted directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Conversion, Household, Indicator, Member, Target, Visit
from models.keys import fold

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ).astimezone(UTC)


async def ids(session, model, **where) -> dict[str, int]:
    """name/code → id for villages or indicators."""
    rows = (await session.execute(select(model))).scalars()
    if model is Indicator:
        return {r.code: r.id for r in rows}
    return {r.name: r.id for r in rows}


async def member(session, *, commune_id: int, village_id: int | None, name: str, role="volunteer"):
    row = Member(commune_id=commune_id, village_id=village_id, name=name, role=role)
    session.add(row)
    await session.flush()
    return row


async def household(session, *, commune_id: int, village_id: int, name: str = "Hộ") -> Household:
    row = Household(
        commune_id=commune_id, village_id=village_id, head_name=name, name_key=fold(name)
    )
    session.add(row)
    await session.flush()
    return row


async def convert(
    session,
    *,
    member_row: Member,
    village_id: int,
    indicator_id: int,
    at: datetime,
    people: int = 1,
    name: str = "Hộ",
) -> Conversion:
    """A fresh household converted for one indicator at `at`."""
    home = await household(
        session, commune_id=member_row.commune_id, village_id=village_id, name=name
    )
    row = Conversion(
        household_id=home.id,
        indicator_id=indicator_id,
        people=people,
        member_id=member_row.id,
        village_id=village_id,
        commune_id=member_row.commune_id,
        at=at,
    )
    session.add(row)
    await session.flush()
    return row


async def visit(session, *, member_row: Member, village_id: int, at: datetime) -> Visit:
    home = await household(session, commune_id=member_row.commune_id, village_id=village_id)
    row = Visit(
        member_id=member_row.id,
        household_id=home.id,
        village_id=village_id,
        commune_id=member_row.commune_id,
        at=at,
    )
    session.add(row)
    await session.flush()
    return row


async def target(session, **fields) -> Target:
    fields.setdefault("baseline_date", date(2026, 11, 1))
    fields.setdefault("deadline", date(2027, 2, 25))
    row = Target(**fields)
    session.add(row)
    await session.flush()
    return row


def days_ago(today: date, n: int) -> date:
    return today - timedelta(days=n)
