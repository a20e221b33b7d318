"""Read queries over logged work: my tally, my team today, revisits due, a village's line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal_column, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import DEFAULT_SETTINGS, Commune
from models.conversion import Conversion
from models.household import Household
from models.indicators import COUNTED_UNITS, Target
from models.leaderboard import streak
from models.members import Member, Role
from models.visit import Outcome, Visit


@dataclass(frozen=True)
class Tally:
    visits: int
    conversions: int


@dataclass(frozen=True)
class MyStats:
    today: Tally
    week: Tally
    month: Tally
    total: Tally
    rank: int | None
    of: int
    streak: int


@dataclass(frozen=True)
class MemberActivity:
    member_id: int
    name: str
    visits: int
    conversions: int


@dataclass(frozen=True)
class RevisitRow:
    visit_id: int
    household_id: int
    member_id: int
    head_name: str
    house_number: str | None
    hamlet: str | None
    revisit_on: date


@dataclass(frozen=True)
class VillageLine:
    achieved: int
    population: int
    unit: str


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


async def tally(
    session: AsyncSession,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    member_id: int | None = None,
    village_id: int | None = None,
) -> dict[int, Tally]:
    """Visits and conversions per member in [since, until), in one statement."""
    parts = []
    for model in (Visit, Conversion):
        # Each table's count in its own column, the other one 0: UNION ALL keeps them apart.
        zero = literal_column("0")
        counts = (func.count(), zero) if model is Visit else (zero, func.count())
        stmt = select(model.member_id, *counts).group_by(model.member_id)
        if model is Visit:
            stmt = stmt.where(Visit.deleted_at.is_(None))
        if since is not None:
            stmt = stmt.where(model.at >= since)
        if until is not None:
            stmt = stmt.where(model.at < until)
        if member_id is not None:
            stmt = stmt.where(model.member_id == member_id)
        if village_id is not None:
            stmt = stmt.where(model.village_id == village_id)
        parts.append(stmt)
    found: dict[int, Tally] = {}
    for member, visits, conversions in await session.execute(union_all(*parts)):
        had = found.get(member, Tally(0, 0))
        found[member] = Tally(had.visits + visits, had.conversions + conversions)
    return found


async def _points(session: AsyncSession, commune_id: int) -> tuple[int, int]:
    settings = await session.scalar(select(Commune.settings).where(Commune.id == commune_id))
    points = (settings or {}).get("points") or DEFAULT_SETTINGS["points"]
    return int(points.get("visit", 1)), int(points.get("conversion", 3))


async def _streak(session: AsyncSession, member_id: int, today: date, tz: ZoneInfo) -> int:
    since = day_start(today - timedelta(days=366), tz)
    stmt = select(Visit.at).where(
        Visit.member_id == member_id, Visit.deleted_at.is_(None), Visit.at >= since
    )
    days = {at.astimezone(tz).date() for at in (await session.scalars(stmt)).all()}
    return streak(days, today)


async def my_stats(
    session: AsyncSession,
    *,
    member_id: int,
    village_id: int | None,
    commune_id: int,
    today: date,
    tz: ZoneInfo,
) -> MyStats:
    """Today, this week (from Monday), this month, in total; rank in the village this month."""
    starts = {
        "today": day_start(today, tz),
        "week": day_start(today - timedelta(days=today.weekday()), tz),
        "month": day_start(today.replace(day=1), tz),
        "total": None,
    }
    out = await _periods(session, member_id, starts)
    rank, of = None, 0
    if village_id is not None:
        visit_pts, conv_pts = await _points(session, commune_id)
        month = await tally(session, since=starts["month"], village_id=village_id)
        members = await _village_members(session, village_id)
        score = {
            m: month.get(m, Tally(0, 0)).visits * visit_pts
            + month.get(m, Tally(0, 0)).conversions * conv_pts
            for m, _ in members
        }
        of = len(score)
        if member_id in score:
            # Ties share a rank: one more than the number of members strictly ahead.
            rank = 1 + sum(1 for s in score.values() if s > score[member_id])
    streak = await _streak(session, member_id, today, tz)
    return MyStats(out["today"], out["week"], out["month"], out["total"], rank, of, streak)


async def _periods(
    session: AsyncSession, member_id: int, starts: dict[str, datetime | None]
) -> dict[str, Tally]:
    """The member's tallies since each start (None: ever), one statement per table."""
    found = {}
    for model in (Visit, Conversion):
        since = [
            func.coalesce(func.sum(case((model.at >= start, 1), else_=0)), 0)
            if start is not None
            else func.count()
            for start in starts.values()
        ]
        stmt = select(*since).where(model.member_id == member_id)
        if model is Visit:
            stmt = stmt.where(Visit.deleted_at.is_(None))
        found[model] = (await session.execute(stmt)).one()
    return {
        name: Tally(int(found[Visit][i]), int(found[Conversion][i]))
        for i, name in enumerate(starts)
    }


async def _village_members(session: AsyncSession, village_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Member.id, Member.name)
        .where(
            Member.village_id == village_id,
            Member.active.is_(True),
            Member.role.in_([Role.VOLUNTEER, Role.LEADER]),
        )
        .order_by(Member.name)
    )
    return [tuple(r) for r in (await session.execute(stmt)).all()]


async def team_activity(
    session: AsyncSession, *, village_id: int, day: date, tz: ZoneInfo
) -> list[MemberActivity]:
    """Each active member of the village with the day's visits and conversions, busiest first.

    Shared by /doi and the 20:30 leader summary; members with zero are those who logged nothing.
    """
    since = day_start(day, tz)
    counts = await tally(
        session, since=since, until=since + timedelta(days=1), village_id=village_id
    )
    zero = Tally(0, 0)
    rows = [
        MemberActivity(m, name, counts.get(m, zero).visits, counts.get(m, zero).conversions)
        for m, name in await _village_members(session, village_id)
    ]
    return sorted(rows, key=lambda r: (-r.conversions, -r.visits, r.name))


async def revisits_due(
    session: AsyncSession,
    *,
    today: date,
    member_id: int | None = None,
    village_id: int | None = None,
    upcoming: bool = False,
) -> list[RevisitRow]:
    """ "Come back later" visits due today or overdue (with `upcoming`, later ones too) and not
    yet returned to, by date.

    Shared by /henlai and the 07:00 morning message.
    """
    stmt = (
        select(Visit, Household)
        .join(Household, Household.id == Visit.household_id)
        .where(
            Visit.outcome == Outcome.LATER,
            Visit.revisit_done.is_(False),
            Visit.deleted_at.is_(None),
        )
        .order_by(Visit.revisit_on, Visit.id)
    )
    if not upcoming:
        stmt = stmt.where(Visit.revisit_on <= today)
    if member_id is not None:
        stmt = stmt.where(Visit.member_id == member_id)
    if village_id is not None:
        stmt = stmt.where(Visit.village_id == village_id)
    return [
        RevisitRow(
            v.id, h.id, v.member_id, h.head_name or "—", h.house_number, h.hamlet, v.revisit_on
        )
        for v, h in (await session.execute(stmt)).all()
    ]


async def village_lines(
    session: AsyncSession, *, village_id: int, units: dict[int, str], tz: ZoneInfo
) -> dict[int, VillageLine]:
    """Per indicator id (`units` maps each to its unit): baseline + conversions since the
    baseline date, of the village's population; indicators without a target are left out.
    Two statements whatever the number of indicators."""
    if not units:
        return {}
    stmt = (
        select(Target)
        .where(Target.village_id == village_id, Target.indicator_id.in_(units))
        .order_by(Target.id.desc())
    )
    targets: dict[int, Target] = {}
    for target in (await session.execute(stmt)).scalars():
        # The latest target of each indicator wins.
        targets.setdefault(target.indicator_id, target)
    if not targets:
        return {}
    since = [
        and_(
            Conversion.indicator_id == ind,
            Conversion.at >= day_start(target.baseline_date, tz),
        )
        for ind, target in targets.items()
    ]
    stmt = (
        select(Conversion.indicator_id, func.sum(Conversion.people), func.count())
        .where(Conversion.village_id == village_id, or_(*since))
        .group_by(Conversion.indicator_id)
    )
    # People and subscribers add their count; every other unit one per household.
    counts = {
        ind: people if units[ind] in COUNTED_UNITS else n
        for ind, people, n in await session.execute(stmt)
    }
    return {
        ind: VillageLine(t.baseline + (counts.get(ind) or 0), t.population, units[ind])
        for ind, t in targets.items()
    }
