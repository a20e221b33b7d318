"""Per job: query the commune's rows for the scheduled local day and build what each recipient
gets. `BUILDERS[job]` is what the scheduler and `cdsbot jobs run` call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.digests import official_push, team_push
from handlers.digests.outgoing import Outgoing
from locales import Translator
from models import schedule as q
from models.commune import Commune
from models.member import Role


@dataclass(frozen=True)
class JobContext:
    session: AsyncSession
    commune_id: int
    day: date
    tz: ZoneInfo

    def utc_range(self, first: date, days: int = 1) -> tuple[datetime, datetime]:
        start = datetime.combine(first, time(0), self.tz).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=days), time(0), self.tz).astimezone(UTC)
        return start, end


Builder = Callable[[JobContext], Awaitable[list[Outgoing]]]


def _out(r: q.Recipient, reply, tag: str = "") -> Outgoing:
    return Outgoing(r.channel, r.bot, r.chat_id, reply, member_id=r.member_id, tag=tag)


async def nudge(jc: JobContext) -> list[Outgoing]:
    """Volunteers and leaders with reminders on who logged no visit on the local day."""
    start, end = jc.utc_range(jc.day)
    logged = await q.visits_by_member(jc.session, commune_id=jc.commune_id, start=start, end=end)
    people = await q.recipients(
        jc.session, commune_id=jc.commune_id, roles=q.TEAM, reminders_only=True
    )
    return [
        _out(r, team_push.nudge_text(Translator(r.locale), name=r.name.split()[-1]))
        for r in people
        if not logged.get(r.member_id)
    ]


async def morning(jc: JobContext) -> list[Outgoing]:
    start, end = jc.utc_range(jc.day - timedelta(days=1))
    visits = await q.visits_by_member(jc.session, commune_id=jc.commune_id, start=start, end=end)
    people = await q.recipients(
        jc.session, commune_id=jc.commune_id, roles=(Role.VOLUNTEER.value,), reminders_only=True
    )
    team = await q.recipients(jc.session, commune_id=jc.commune_id, roles=q.TEAM)
    per_village: dict[int | None, int] = {}
    for m in team:
        per_village[m.village_id] = per_village.get(m.village_id, 0) + visits.get(m.member_id, 0)
    names = {v.id: v.name for v in await q.villages(jc.session, commune_id=jc.commune_id)}
    return [
        _out(
            r,
            team_push.morning_text(
                Translator(r.locale),
                name=r.name.split()[-1],
                village=names.get(r.village_id),
                yesterday=per_village.get(r.village_id, 0),
            ),
        )
        for r in people
    ]


async def _team_day(jc: JobContext) -> tuple[list[q.Recipient], dict[int, int], dict[int, int]]:
    start, end = jc.utc_range(jc.day)
    args = dict(commune_id=jc.commune_id, start=start, end=end)
    visits = await q.visits_by_member(jc.session, **args)
    conversions = await q.conversions_by_member(jc.session, **args)
    team = await q.recipients(jc.session, commune_id=jc.commune_id, roles=q.TEAM)
    return team, visits, conversions


async def leaderboard(jc: JobContext) -> list[Outgoing]:
    """The village group when linked (one message), else each member of the village."""
    team, visits, conversions = await _team_day(jc)
    commune = await jc.session.get(Commune, jc.commune_id)
    points = commune.settings.get("points", {"visit": 1, "conversion": 3})
    out: list[Outgoing] = []
    for village in await q.villages(jc.session, commune_id=jc.commune_id):
        members = [m for m in team if m.village_id == village.id]
        score = {
            m.member_id: visits.get(m.member_id, 0) * points.get("visit", 1)
            + conversions.get(m.member_id, 0) * points.get("conversion", 3)
            for m in members
        }
        ranking = sorted(
            ((m.name, score[m.member_id]) for m in members if score[m.member_id]),
            key=lambda item: -item[1],
        )
        if village.group_chat_id and village.group_channel:
            reply = team_push.leaderboard_text(
                Translator("vi"), village=village.name, ranking=ranking, day=jc.day
            )
            out.append(Outgoing(village.group_channel, "", village.group_chat_id, reply))
            continue
        for m in members:
            reply = team_push.leaderboard_text(
                Translator(m.locale), village=village.name, ranking=ranking, day=jc.day
            )
            out.append(_out(m, reply))
    return out


async def leader_summary(jc: JobContext) -> list[Outgoing]:
    team, visits, conversions = await _team_day(jc)
    names = {v.id: v.name for v in await q.villages(jc.session, commune_id=jc.commune_id)}
    out = []
    for leader in (m for m in team if m.role == Role.LEADER.value):
        members = [m for m in team if m.village_id == leader.village_id]
        rows = [
            (m.name, visits.get(m.member_id, 0), conversions.get(m.member_id, 0))
            for m in members
            if visits.get(m.member_id) or conversions.get(m.member_id)
        ]
        rows.sort(key=lambda row: (-row[1], row[0]))
        idle = [m.name for m in members if not visits.get(m.member_id)]
        reply = team_push.leader_summary_text(
            Translator(leader.locale),
            village=names.get(leader.village_id, ""),
            day=jc.day,
            rows=rows,
            idle=idle,
        )
        out.append(_out(leader, reply))
    return out


async def weekly_digest(jc: JobContext) -> list[Outgoing]:
    """Monday: the seven days before the scheduled day."""
    first = jc.day - timedelta(days=7)
    start, end = jc.utc_range(first, 7)
    out = []
    for r in await q.recipients(jc.session, commune_id=jc.commune_id, roles=q.OFFICIALS):
        t = Translator(r.locale)
        by_village = await q.conversions_by_village(
            jc.session, commune_id=jc.commune_id, start=start, end=end, lang=t.lang
        )
        reply = official_push.weekly_digest_text(
            t, start=first, end=jc.day - timedelta(days=1), by_village=by_village
        )
        out.append(_out(r, reply))
    return out


async def report_reminder(jc: JobContext) -> list[Outgoing]:
    commune = await jc.session.get(Commune, jc.commune_id)
    due_day = int(commune.settings.get("report", {}).get("due_day", 15))
    due = jc.day.replace(day=min(due_day, 28))
    return [
        _out(r, official_push.report_reminder_text(Translator(r.locale), due=due))
        for r in await q.recipients(jc.session, commune_id=jc.commune_id, roles=q.OFFICIALS)
    ]


BUILDERS: dict[str, Builder] = {
    "morning": morning,
    "nudge": nudge,
    "leaderboard": leaderboard,
    "leader-summary": leader_summary,
    "weekly-digest": weekly_digest,
    "report-reminder": report_reminder,
}
