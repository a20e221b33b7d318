"""Job schedules: each job's default rule, a commune's overrides in its settings, reading them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Commune
from models.reporting import reminder_day

# Each job's default rule; a commune overrides "time", "days" or "off" in settings["schedule"].
JOB_DEFAULTS: dict[str, dict[str, Any]] = {
    "morning": {"time": "07:00", "days": "*"},
    "nudge": {"time": "19:00", "days": "mon-sat"},
    "leaderboard": {"time": "20:00", "days": "*"},
    "leader-summary": {"time": "20:30", "days": "*"},
    "weekly-digest": {"time": "08:00", "days": "mon"},
    "report-reminder": {"time": "08:00", "days": "*", "day": 10},
}
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)?$")
# Cron days of the week as APScheduler reads them: "*", "mon-sat", "mon,wed,fri", "0-4".
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun|[0-6])"
DAYS_RE = re.compile(rf"^(?:\*|{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*)$")


def N_(msgid: str) -> str:
    """Marks a message for extraction (models do not import locales)."""
    return msgid


BAD_TIME = N_("bad time {value}")
BAD_DAYS = N_("bad days {value}")
BAD_DAY_OF_MONTH = N_("bad day of month {value}")
USE_TIME = N_("bad time {value}: use HH:MM, e.g. 19:30")
USE_DAYS = N_("bad days {value}: use * or days of the week, e.g. mon-sat, mon,wed,fri or 0-4")


@dataclass(frozen=True)
class RuleProblem:
    """What is wrong with a rule: a message id and its values, which each caller says in its
    reader's language (models never translate); str() is the English line the logs keep."""

    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.msgid.format(**self.values)


class RuleRefused(ValueError):
    """set_rule was given a time or days it cannot run."""

    def __init__(self, problem: RuleProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class JobRule:
    job: str
    hour: int
    minute: int
    days: str
    day: int | None
    off: bool
    # Why a stored rule cannot run (it is skipped, the others go on); None when it is fine.
    error: RuleProblem | None = None

    @property
    def time(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class CommuneSchedule:
    commune_id: int
    name: str
    timezone: str
    rules: tuple[JobRule, ...]


def parse_time(raw: str) -> tuple[int, int] | None:
    """ "19:30", "19h30", "19h", "7.05" → (h, m); None when it is not a time of day."""
    match = TIME_RE.match(raw.strip())
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def valid_days(days: str) -> bool:
    return bool(DAYS_RE.match(str(days).strip().lower()))


def rule_error(merged: dict[str, Any]) -> RuleProblem | None:
    """What is wrong with a merged rule (the stored value quoted); None when it can run."""
    if parse_time(str(merged.get("time", ""))) is None:
        return RuleProblem(BAD_TIME, {"value": repr(merged.get("time"))})
    if not valid_days(merged.get("days", "")):
        return RuleProblem(BAD_DAYS, {"value": repr(merged.get("days"))})
    day = merged.get("day")
    if day is not None and not (isinstance(day, int) and 1 <= day <= 31):
        return RuleProblem(BAD_DAY_OF_MONTH, {"value": repr(day)})
    return None


def rule_for(job: str, settings: dict[str, Any]) -> JobRule:
    defaults = dict(JOB_DEFAULTS[job])
    if job == "report-reminder":
        # Days before the rhythm's earliest due day, unless the commune set its own day.
        defaults["day"] = reminder_day(settings)
    merged = {**defaults, **((settings.get("schedule") or {}).get(job) or {})}
    error = rule_error(merged)
    if error is not None:
        # Shown by `jobs list` and skipped by the scheduler; the defaults keep it printable.
        merged = {**defaults, "off": merged.get("off")}
    hour, minute = parse_time(merged["time"])
    days, day = str(merged["days"]).strip().lower(), merged.get("day")
    return JobRule(job, hour, minute, days, day, bool(merged.get("off")), error)


async def schedules(session: AsyncSession) -> list[CommuneSchedule]:
    communes = (await session.execute(select(Commune).order_by(Commune.id))).scalars().all()
    return [
        CommuneSchedule(
            c.id, c.name, c.timezone, tuple(rule_for(job, c.settings) for job in JOB_DEFAULTS)
        )
        for c in communes
    ]


async def set_rule(
    session: AsyncSession, *, commune_id: int, job: str, time: str | None = None,
    off: bool | None = None, days: str | None = None,
) -> JobRule:  # fmt: skip
    """Change one job's time, days or on/off; the running scheduler picks it up within a minute."""
    commune = await session.get(Commune, commune_id)
    settings = dict(commune.settings or {})
    sched = {k: dict(v) for k, v in (settings.get("schedule") or {}).items()}
    entry = sched.setdefault(job, {})
    if time is not None:
        parsed = parse_time(time)
        if parsed is None:
            raise RuleRefused(RuleProblem(USE_TIME, {"value": repr(time)}))
        entry["time"] = f"{parsed[0]:02d}:{parsed[1]:02d}"
    if days is not None and not valid_days(days):
        raise RuleRefused(RuleProblem(USE_DAYS, {"value": repr(days)}))
    if off is not None:
        entry["off"] = off
    if days is not None:
        entry["days"] = days
    settings["schedule"] = sched
    # A new dict (not in-place mutation) so the JSON column is written.
    await session.execute(
        update(Commune).where(Commune.id == commune_id).values(settings=settings)
    )
    return rule_for(job, settings)
