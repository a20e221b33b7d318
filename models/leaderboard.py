"""Leaderboards: members of a village by points for a period, villages by percent of target.

Points = visits × weight + conversions × weight (Commune.settings["points"]); members with equal
points share a rank (1, 1, 3). A streak is the number of consecutive local days, ending today
(or yesterday, when nothing is logged yet today), with at least one visit or conversion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import DEFAULT_SETTINGS, Commune
from models.conversion import Conversion
from models.indicators import Indicator, Target
from models.indicators.catalogue import commune_indicators
from models.members import Member, Role
from models.progress import VN, ProgressRow, by_percent, local_start, progress
from models.visit import Visit

STREAK_LOOKBACK = 62


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class MemberRank:
    rank: int
    member_id: int
    name: str
    visits: int
    conversions: int
    points: int
    streak: int


def period_start(period: Period, today: date) -> date:
    """First local day of the period: today, Monday of this week, the 1st of this month."""
    if period == Period.WEEK:
        return today - timedelta(days=today.weekday())
    if period == Period.MONTH:
        return today.replace(day=1)
    return today


async def weights(session: AsyncSession, *, commune_id: int) -> tuple[int, int]:
    settings = await session.scalar(select(Commune.settings).where(Commune.id == commune_id))
    points = {**DEFAULT_SETTINGS["points"], **((settings or {}).get("points") or {})}
    return int(points["visit"]), int(points["conversion"])


async def member_ranking(
    session: AsyncSession,
    *,
    village_id: int,
    period: Period,
    today: date,
    tz: ZoneInfo = VN,
) -> list[MemberRank]:
    """Active volunteers and leaders of the village, best first; members with 0 points too."""
    members = (
        await session.execute(
            select(Member.id, Member.name, Member.commune_id).where(
                Member.village_id == village_id,
                Member.active.is_(True),
                Member.role.in_([Role.VOLUNTEER, Role.LEADER]),
            )
        )
    ).all()
    if not members:
        return []
    w_visit, w_conv = await weights(session, commune_id=members[0].commune_id)
    since = local_start(period_start(period, today), tz)
    until = local_start(today + timedelta(days=1), tz)
    visits = await _per_member(session, Visit, village_id, since, until)
    conversions = await _per_member(session, Conversion, village_id, since, until)
    streaks = await _streaks(session, village_id=village_id, today=today, tz=tz)
    scored = sorted(
        ((visits.get(m.id, 0) * w_visit + conversions.get(m.id, 0) * w_conv, m) for m in members),
        key=lambda item: (-item[0], item[1].name),
    )
    out: list[MemberRank] = []
    for position, (points, m) in enumerate(scored, 1):
        rank = out[-1].rank if out and out[-1].points == points else position
        out.append(
            MemberRank(
                rank,
                m.id,
                m.name,
                visits.get(m.id, 0),
                conversions.get(m.id, 0),
                points,
                streaks.get(m.id, 0),
            )
        )
    return out


async def _per_member(
    session: AsyncSession, model, village_id: int, since: datetime, until: datetime
) -> dict[int, int]:
    stmt = (
        select(model.member_id, func.count())
        .where(model.village_id == village_id, model.at >= since, model.at < until)
        .group_by(model.member_id)
    )
    if model is Visit:
        stmt = stmt.where(Visit.deleted_at.is_(None))
    return {member_id: int(n) for member_id, n in await session.execute(stmt)}


async def _streaks(
    session: AsyncSession, *, village_id: int, today: date, tz: ZoneInfo
) -> dict[int, int]:
    since = local_start(today - timedelta(days=STREAK_LOOKBACK), tz)
    until = local_start(today + timedelta(days=1), tz)
    active: dict[int, set[date]] = defaultdict(set)
    for model in (Visit, Conversion):
        stmt = select(model.member_id, model.at).where(
            model.village_id == village_id, model.at >= since, model.at < until
        )
        if model is Visit:
            stmt = stmt.where(Visit.deleted_at.is_(None))
        for member_id, at in await session.execute(stmt):
            active[member_id].add(at.astimezone(tz).date())
    return {member_id: streak(days, today) for member_id, days in active.items()}


def streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n


async def village_ranking(
    session: AsyncSession,
    *,
    commune_id: int,
    today: date,
    indicator_id: int | None = None,
    tz: ZoneInfo = VN,
) -> list[ProgressRow]:
    """Villages by percent of the population reached for one indicator (the first of the
    commune's indicators, in its plan's order, that has village targets when none is given)."""
    if indicator_id is None:
        with_areas = set(
            (
                await session.execute(
                    select(Target.indicator_id)
                    .join(Indicator, Indicator.id == Target.indicator_id)
                    .where(
                        Target.commune_id == commune_id,
                        Target.village_id.is_not(None),
                        Indicator.active.is_(True),
                    )
                )
            ).scalars()
        )
        own = [i.id for i in await commune_indicators(session, commune_id)]
        ordered = [i for i in own if i in with_areas] + sorted(with_areas - set(own))
        if not ordered:
            return []
        indicator_id = ordered[0]
    rows = await progress(
        session, commune_id=commune_id, today=today, indicator_ids=[indicator_id], tz=tz
    )
    return by_percent([r for r in rows if r.village_id is not None])
