"""The one place that checks a target, whoever sets it: the CLI, the plan workbook, the chat's
/muctieu and the web page. Problems are data (a message id and its values), so each caller
says them in the reader's language; models never translate.

Refused: a number the database cannot hold or below zero, an empty denominator, a baseline
above the denominator, a percent outside (0, 100], a count above the denominator, a deadline
before the baseline date, an unknown indicator or area. Warned (saved anyway): the areas'
denominators add up to more than the commune's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Village
from models.indicators import Target
from models.indicators.catalogue import IndicatorRow, commune_indicators, find_in
from models.keys import fold

# The largest denominator or count a target may name: more than any province needs, and well
# inside PostgreSQL's 32-bit INTEGER.
MAX_COUNT = 10_000_000
WHOLE_COMMUNE_WORDS = {"toan xa", "ca xa", "toan phuong", "toan thi tran", "toan thi xa", ""}
WHOLE_COMMUNE_WORDS |= {"whole commune", "commune", "all"}


def N_(msgid: str) -> str:
    """Marks a message for extraction (models do not import locales)."""
    return msgid


@dataclass(frozen=True)
class Problem:
    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)
    warning: bool = False


BASELINE_ABOVE = N_("the baseline {baseline} is above the total {population}")
PERCENT_RANGE = N_("the target percent {percent} must be above 0 and at most 100")
COUNT_ABOVE = N_("the target count {count} is above the total {population}")
COUNT_ZERO = N_("the target count must be at least 1")
DEADLINE_BEFORE = N_("the deadline {deadline} is before the baseline date {baseline_date}")
UNKNOWN_AREA = N_('there is no area "{name}" in this commune')
UNKNOWN_INDICATOR = N_('there is no indicator "{name}" for this commune')
TOO_LARGE = N_("{what} {value} is larger than {limit}")
NEGATIVE = N_("{what} cannot be below zero")
NO_POPULATION = N_("the total (denominator) must be at least 1")
NO_GOAL = N_("give the target as a percent or as a count, not both and not neither")
AREAS_ABOVE = N_(
    "the areas' totals add up to {areas}, more than the commune's {population} — check them"
)
# Names of the numbers, for TOO_LARGE and NEGATIVE.
POPULATION = N_("the total")
BASELINE = N_("the baseline")
COUNT = N_("the target count")


@dataclass(frozen=True)
class Draft:
    """A target as typed, before it is resolved to ids."""

    population: int
    baseline: int
    baseline_date: date
    deadline: date
    percent: float | None = None
    count: int | None = None


def refused(problems: Iterable[Problem]) -> bool:
    return any(not p.warning for p in problems)


def check_numbers(d: Draft) -> list[Problem]:
    """Every rule that needs only the target's own numbers and dates."""
    out: list[Problem] = []
    for what, value in ((POPULATION, d.population), (BASELINE, d.baseline), (COUNT, d.count)):
        if value is None:
            continue
        if value < 0:
            out.append(Problem(NEGATIVE, {"what": what}))
        elif value > MAX_COUNT:
            out.append(Problem(TOO_LARGE, {"what": what, "value": value, "limit": MAX_COUNT}))
    if out:
        return out
    if d.population < 1:
        out.append(Problem(NO_POPULATION))
    elif d.baseline > d.population:
        out.append(Problem(BASELINE_ABOVE, {"baseline": d.baseline, "population": d.population}))
    if (d.percent is None) == (d.count is None):
        out.append(Problem(NO_GOAL))
    elif d.percent is not None and not 0 < d.percent <= 100:
        out.append(Problem(PERCENT_RANGE, {"percent": d.percent}))
    elif d.count is not None and d.count < 1:
        out.append(Problem(COUNT_ZERO))
    elif d.count is not None and d.population >= 1 and d.count > d.population:
        out.append(Problem(COUNT_ABOVE, {"count": d.count, "population": d.population}))
    if d.deadline < d.baseline_date:
        out.append(
            Problem(DEADLINE_BEFORE, {"deadline": d.deadline, "baseline_date": d.baseline_date})
        )
    return out


def check_area_sum(
    commune_population: int | None, area_populations: Iterable[int]
) -> list[Problem]:
    """A warning when the areas' denominators add up to more than the commune's."""
    total = sum(area_populations)
    if commune_population is not None and total > commune_population:
        return [
            Problem(AREAS_ABOVE, {"areas": total, "population": commune_population}, warning=True)
        ]
    return []


def is_whole_commune(name: str | None) -> bool:
    return fold(name or "") in WHOLE_COMMUNE_WORDS


@dataclass(frozen=True)
class Resolved:
    indicator: IndicatorRow | None
    village_id: int | None
    problems: list[Problem]


async def resolve(
    session: AsyncSession, *, commune_id: int, indicator: str, area: str | None
) -> Resolved:
    """The commune's indicator and area named by text ("Toàn xã" or nothing: the commune)."""
    problems = []
    row = find_in(await commune_indicators(session, commune_id), indicator)
    if row is None:
        problems.append(Problem(UNKNOWN_INDICATOR, {"name": indicator}))
    village_id = None
    if not is_whole_commune(area):
        village_id = await session.scalar(
            select(Village.id).where(
                Village.commune_id == commune_id, Village.name_key == fold(area or "")
            )
        )
        if village_id is None:
            problems.append(Problem(UNKNOWN_AREA, {"name": area}))
    return Resolved(row, village_id, problems)


async def check_target(
    session: AsyncSession,
    *,
    commune_id: int,
    indicator_id: int,
    village_id: int | None,
    draft: Draft,
) -> list[Problem]:
    """The target's own rules, then the sum of area denominators against the commune's with
    this target in place of the one it replaces."""
    problems = check_numbers(draft)
    if refused(problems):
        return problems
    others = (
        await session.execute(
            select(Target.village_id, Target.population).where(
                Target.commune_id == commune_id, Target.indicator_id == indicator_id
            )
        )
    ).all()
    by_area = {v: p for v, p in others}
    by_area[village_id] = draft.population
    commune = by_area.pop(None, None)
    return problems + check_area_sum(commune, by_area.values())
