"""Progress against targets: current, percent, remaining, pace and projection per indicator.

Counting rules (shared by /tiendo, the chart, the report and the scheduled jobs):
- current = baseline + conversions whose local date is on or after the target's baseline date;
  conversions before that date are already inside the baseline and are not counted again.
- Person and subscriber units (TKTT, VNeID, 4G, …) add each conversion's `people`; every other
  unit (households, customer codes, businesses) counts one per conversion row.
- The target count is `target_count` when given, otherwise ⌈target_percent × population / 100⌉.
- Pace is the conversions of the last 7 local days (today included) divided by 7, or by the
  days since the baseline date when the campaign is younger than a week.
- Everything is as of a local day passed in (`today`): conversions up to the end of that day,
  days left and pace from it. A report for a past period and /tiendo as of its last day are
  the same call, so they agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Row, and_, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Village
from models.conversion import Conversion
from models.indicators import COUNTED_UNITS, CommuneIndicator, Indicator, Target
from models.indicators.catalogue import IndicatorRow, as_row, commune_indicators

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PACE_DAYS = 7


@dataclass(frozen=True)
class ProgressRow:
    indicator_id: int
    code: str
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str
    unit: str
    emoji: str
    village_id: int | None
    village_name: str | None
    population: int
    baseline: int
    baseline_date: date
    achieved: int  # conversions counted on top of the baseline
    current: int
    percent: float | None  # None when the population is 0
    target_percent: float | None
    target: int
    remaining: int
    deadline: date
    days_left: int  # negative once the deadline has passed
    needed_per_day: float | None  # None when reached or overdue
    last7: int
    pace: float
    projected: date | None  # when the target is reached at the current pace
    days_late: int | None  # 0 on time; None when no pace or already reached
    pace_days: int = PACE_DAYS  # the days `pace` is averaged over (fewer in a young campaign)

    @property
    def reached(self) -> bool:
        return self.remaining == 0

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_vi


def local_start(day: date, tz: ZoneInfo = VN) -> datetime:
    """Local midnight of `day` as an aware UTC datetime, for comparing with stored `at`."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def target_count(*, population: int, percent: float | None, count: int | None) -> int:
    if count is not None:
        return count
    # round() first: 70 × 1000 / 100 must give 700, not 700.0000001 → 701.
    return math.ceil(round((percent or 0) * population / 100, 6))


@dataclass(frozen=True)
class _Counts:
    total: int = 0
    last7: int = 0


async def progress(
    session: AsyncSession,
    *,
    commune_id: int,
    today: date,
    indicator_ids: list[int] | None = None,
    village_ids: list[int] | None = None,
    until: datetime | None = None,
    tz: ZoneInfo = VN,
) -> list[ProgressRow]:
    """Every target of the commune (commune-wide rows have village_id None), in catalogue order,
    as of the local day `today`.

    `village_ids` keeps those villages' rows (and the commune row); `until` counts only
    conversions before that moment (default: the end of `today`).
    """
    if until is None:
        until = local_start(today + timedelta(days=1), tz)
    # Plain columns, not ORM entities: a commune of 34 areas × 11 indicators is ~385 rows, and
    # building and identity-mapping that many Target/Indicator objects was half the page's time.
    stmt = (
        select(
            Target.id,
            Target.indicator_id,
            Target.village_id,
            Target.population,
            Target.baseline,
            Target.baseline_date,
            Target.target_percent,
            Target.target_count,
            Target.deadline,
            Indicator.sort,
            Village.name.label("village_name"),
        )
        .join(Indicator, Indicator.id == Target.indicator_id)
        .outerjoin(Village, Village.id == Target.village_id)
        .where(Target.commune_id == commune_id, Indicator.active.is_(True))
    )
    if indicator_ids is not None:
        stmt = stmt.where(Target.indicator_id.in_(indicator_ids))
    if village_ids is not None:
        stmt = stmt.where(Target.village_id.is_(None) | Target.village_id.in_(village_ids))
    # The commune's own indicator order, names and units (its plan), catalogue order after.
    own = {row.id: (n, row) for n, row in enumerate(await commune_indicators(session, commune_id))}

    def _order(target: Row) -> tuple:
        known = own.get(target.indicator_id)
        place = known[0] if known is not None else len(own) + target.sort
        return (place, target.village_id is not None, target.village_name or "", target.id)

    found = sorted((await session.execute(stmt)).all(), key=_order)
    rows_by_id = {i: row for i, (_, row) in own.items()}
    # An indicator outside the commune's plan (rare): its catalogue wording, read once.
    used = {t.indicator_id for t in found}
    missing = used - rows_by_id.keys()
    if missing:
        extra = await session.scalars(select(Indicator).where(Indicator.id.in_(sorted(missing))))
        rows_by_id.update((i.id, as_row(i)) for i in extra)
    person = {i for i in used if rows_by_id[i].unit in COUNTED_UNITS}
    counts = await _count(
        session,
        commune_id=commune_id,
        targets=found,
        today=today,
        until=until,
        tz=tz,
        person=person,
    )
    empty = _Counts()
    return [
        _row(
            target,
            rows_by_id[target.indicator_id],
            target.village_name,
            counts.get((target.indicator_id, target.baseline_date, target.village_id), empty),
            today,
        )
        for target in found
    ]


async def _count(
    session: AsyncSession,
    *,
    commune_id: int,
    targets: list[Row],
    today: date,
    until: datetime,
    tz: ZoneInfo,
    person: set[int],
) -> dict[tuple[int, date, int | None], _Counts]:
    """One GROUP BY per distinct baseline date (usually one), over the (commune, indicator, at)
    index; commune totals are the sum of the village groups."""
    by_start: dict[date, set[int]] = defaultdict(set)
    for target in targets:
        by_start[target.baseline_date].add(target.indicator_id)
    amount = (
        case((Conversion.indicator_id.in_(sorted(person)), Conversion.people), else_=1)
        if person
        else literal(1)
    )
    week_from = local_start(today - timedelta(days=PACE_DAYS - 1), tz)
    out: dict[tuple[int, date, int | None], _Counts] = {}
    for start, indicator_ids in by_start.items():
        recent = case((Conversion.at >= week_from, amount), else_=0)
        stmt = (
            select(
                Conversion.indicator_id,
                Conversion.village_id,
                func.sum(amount),
                func.sum(recent),
            )
            .where(
                Conversion.commune_id == commune_id,
                Conversion.indicator_id.in_(sorted(indicator_ids)),
                Conversion.at >= local_start(start, tz),
                Conversion.at < until,
            )
            .group_by(Conversion.indicator_id, Conversion.village_id)
        )
        for indicator_id, village_id, total, last7 in await session.execute(stmt):
            counts = _Counts(int(total or 0), int(last7 or 0))
            out[(indicator_id, start, village_id)] = counts
            whole = out.get((indicator_id, start, None), _Counts())
            out[(indicator_id, start, None)] = _Counts(
                whole.total + counts.total, whole.last7 + counts.last7
            )
    return out


def _row(
    target: Row, indicator: IndicatorRow, village_name: str | None, counts: _Counts, today: date
) -> ProgressRow:
    current = target.baseline + counts.total
    goal = target_count(
        population=target.population, percent=target.target_percent, count=target.target_count
    )
    remaining = max(0, goal - current)
    days_left = (target.deadline - today).days
    # The deadline day itself is still a working day.
    needed = remaining / max(days_left, 1) if remaining and days_left >= 0 else None
    window = max(1, min(PACE_DAYS, (today - target.baseline_date).days + 1))
    pace = counts.last7 / window
    projected = days_late = None
    if remaining and pace > 0:
        projected = today + timedelta(days=math.ceil(remaining / pace))
        days_late = max(0, (projected - target.deadline).days)
    return ProgressRow(
        indicator_id=indicator.id,
        code=indicator.code,
        name_vi=indicator.name_vi,
        name_en=indicator.name_en,
        short_vi=indicator.short_vi,
        short_en=indicator.short_en,
        unit=indicator.unit,
        emoji=indicator.emoji,
        village_id=target.village_id,
        village_name=village_name,
        population=target.population,
        baseline=target.baseline,
        baseline_date=target.baseline_date,
        achieved=counts.total,
        current=current,
        percent=current * 100 / target.population if target.population else None,
        target_percent=target.target_percent,
        target=goal,
        remaining=remaining,
        deadline=target.deadline,
        days_left=days_left,
        needed_per_day=needed,
        last7=counts.last7,
        pace=pace,
        projected=projected,
        days_late=days_late,
        pace_days=window,
    )


def by_percent(rows: list[ProgressRow]) -> list[ProgressRow]:
    """Villages best first; a village without population goes last."""
    return sorted(rows, key=lambda r: (r.percent is None, -(r.percent or 0), r.village_name or ""))


async def daily_counts(
    session: AsyncSession,
    *,
    commune_id: int,
    indicator_id: int,
    since: date,
    until: date,
    tz: ZoneInfo = VN,
) -> dict[date, int]:
    """Conversions per local day (person units weighted by people), for the cumulative chart."""
    own = {i.id: i.unit for i in await commune_indicators(session, commune_id)}
    unit = own.get(indicator_id) or await session.scalar(
        select(Indicator.unit).where(Indicator.id == indicator_id)
    )
    amount = Conversion.people if unit in COUNTED_UNITS else literal(1)
    where = (
        Conversion.commune_id == commune_id,
        Conversion.indicator_id == indicator_id,
        Conversion.at >= local_start(since, tz),
        Conversion.at < local_start(until + timedelta(days=1), tz),
    )
    if session.bind.dialect.name == "postgresql":
        # Grouped by local day in the database: a commune's quarter is thousands of rows.
        day = cast(func.timezone(tz.key, func.timezone("UTC", Conversion.at)), Date)
        stmt = select(day, func.sum(amount)).where(*where).group_by(day)
        return {d: int(n) for d, n in await session.execute(stmt)}
    out: dict[date, int] = defaultdict(int)
    for at, n in await session.execute(select(Conversion.at, amount).where(*where)):
        out[at.astimezone(tz).date()] += int(n)
    return dict(out)


@dataclass(frozen=True)
class CountRow:
    """An indicator counted in the commune that has no target: what was logged, no percent."""

    indicator_id: int
    code: str
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str
    unit: str
    emoji: str
    counted: int  # everything logged up to the end of the day
    last7: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_vi


async def untargeted(
    session: AsyncSession,
    *,
    commune_id: int,
    today: date,
    indicator_ids: list[int] | None = None,
    village_ids: list[int] | None = None,
    since: date | None = None,
    tz: ZoneInfo = VN,
) -> list[CountRow]:
    """Indicators with no target at all, with what was logged in the commune (from `since`, up
    to the end of `today`), in the commune's order: those with conversions, and those its plan
    names even at 0. `village_ids` counts only those villages."""
    own = {row.id: (n, row) for n, row in enumerate(await commune_indicators(session, commune_id))}
    # The commune's unit decides (its plan may count 4G in households, not subscribers).
    person = select(Indicator.id).where(Indicator.unit.in_(COUNTED_UNITS)).scalar_subquery()
    own_person = sorted(i for i, (_, row) in own.items() if row.unit in COUNTED_UNITS)
    if own:
        person = own_person or [-1]
    amount = case((Conversion.indicator_id.in_(person), Conversion.people), else_=1)
    week_from = local_start(today - timedelta(days=PACE_DAYS - 1), tz)
    targeted = select(Target.indicator_id).where(Target.commune_id == commune_id)
    stmt = (
        select(
            Indicator,
            func.sum(amount),
            func.sum(case((Conversion.at >= week_from, amount), else_=0)),
        )
        .join(Conversion, Conversion.indicator_id == Indicator.id)
        .where(
            Conversion.commune_id == commune_id,
            Conversion.at < local_start(today + timedelta(days=1), tz),
            Indicator.active.is_(True),
            Indicator.id.not_in(targeted),
        )
        .group_by(Indicator.id)
        .order_by(Indicator.sort, Indicator.id)
    )
    if since is not None:
        stmt = stmt.where(Conversion.at >= local_start(since, tz))
    if indicator_ids is not None:
        stmt = stmt.where(Indicator.id.in_(indicator_ids))
    if village_ids is not None:
        stmt = stmt.where(Conversion.village_id.in_(village_ids))
    found = [
        (own[i.id][1] if i.id in own else as_row(i), t, w)
        for i, t, w in await session.execute(stmt)
    ]
    # An indicator the commune's plan names shows even before anything is logged for it.
    named = set(
        await session.scalars(
            select(CommuneIndicator.indicator_id).where(CommuneIndicator.commune_id == commune_id)
        )
    )
    with_target = set(await session.scalars(targeted))
    seen = {row.id for row, _, _ in found}
    found += [
        (row, 0, 0)
        for i, (_, row) in own.items()
        if i in named
        and i not in with_target
        and i not in seen
        and (indicator_ids is None or i in indicator_ids)
    ]
    found.sort(key=lambda f: own[f[0].id][0] if f[0].id in own else len(own))
    return [
        CountRow(
            indicator_id=i.id,
            code=i.code,
            name_vi=i.name_vi,
            name_en=i.name_en,
            short_vi=i.short_vi,
            short_en=i.short_en,
            unit=i.unit,
            emoji=i.emoji,
            counted=int(total or 0),
            last7=int(last7 or 0),
        )
        for i, total, last7 in found
    ]


async def conversions_by_village(
    session: AsyncSession, *, commune_id: int, start: datetime, end: datetime, lang: str
) -> dict[str, dict[str, int]]:
    """Village name → indicator short name → conversions in the range, indicators in the
    commune's own order (its plan's, as `commune_indicators` reads them; else the catalogue's)."""
    short = Indicator.short_en if lang == "en" else Indicator.short_vi
    plan = and_(
        CommuneIndicator.commune_id == commune_id, CommuneIndicator.indicator_id == Indicator.id
    )
    stmt = (
        select(Village.name, short, func.count())
        .select_from(Conversion)
        .join(Village, Village.id == Conversion.village_id)
        .join(Indicator, Indicator.id == Conversion.indicator_id)
        .outerjoin(CommuneIndicator, plan)
        .where(Conversion.commune_id == commune_id, Conversion.at >= start, Conversion.at < end)
        .group_by(
            Village.id, Village.name, Indicator.id, Indicator.sort, CommuneIndicator.sort, short
        )
        .order_by(Village.id, CommuneIndicator.sort, Indicator.sort, Indicator.id)
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for village, indicator, n in (await session.execute(stmt)).all():
        out[village][indicator] = n
    return dict(out)
