"""Setting targets: one per (commune, village or whole commune, indicator), replaced in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.indicators import Indicator, Target
from models.indicators.rules import Draft, Problem, check_numbers, refused
from models.keys import fold


class TargetRefused(ValueError):
    """A target the rules refuse (models/target_rules); `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("target refused: " + "; ".join(p.msgid for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class TargetIn:
    indicator_id: int
    village_id: int | None
    population: int
    baseline: int
    baseline_date: date
    deadline: date
    percent: float | None = None
    count: int | None = None


async def find_indicator(session: AsyncSession, *, text: str) -> Indicator | None:
    key = fold(text)
    for row in (await session.execute(select(Indicator))).scalars():
        names = (row.code, row.short_vi, row.short_en, row.name_vi, row.name_en)
        if key in {fold(name) for name in names}:
            return row
    return None


async def set_target(session: AsyncSession, *, commune_id: int, target: TargetIn) -> bool:
    """True when a new target was created, False when the existing one was replaced."""
    problems = check_numbers(
        Draft(
            target.population,
            target.baseline,
            target.baseline_date,
            target.deadline,
            target.percent,
            target.count,
        )
    )
    if refused(problems):
        raise TargetRefused(problems)
    village = (
        Target.village_id.is_(None)
        if target.village_id is None
        else Target.village_id == target.village_id
    )
    row = (
        await session.execute(
            select(Target).where(
                Target.commune_id == commune_id,
                Target.indicator_id == target.indicator_id,
                village,
            )
        )
    ).scalar_one_or_none()
    created = row is None
    if row is None:
        row = Target(
            commune_id=commune_id,
            village_id=target.village_id,
            indicator_id=target.indicator_id,
            baseline_date=target.baseline_date,
            deadline=target.deadline,
        )
        session.add(row)
    row.population, row.baseline = target.population, target.baseline
    row.baseline_date, row.deadline = target.baseline_date, target.deadline
    row.target_percent, row.target_count = target.percent, target.count
    await session.flush()
    return created


async def delete_target(
    session: AsyncSession, *, commune_id: int, indicator_id: int, village_id: int | None
) -> bool:
    """Remove one target (the commune's or one area's); False when there was none."""
    village = (
        Target.village_id.is_(None) if village_id is None else Target.village_id == village_id
    )
    row = (
        await session.execute(
            select(Target).where(
                Target.commune_id == commune_id, Target.indicator_id == indicator_id, village
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True
