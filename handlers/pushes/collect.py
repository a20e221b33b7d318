"""Per job: query the commune's rows for the scheduled local day and build what each recipient
gets. `BUILDERS[job]` is what the scheduler and `cdsbot jobs run` call."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.messages import Outgoing, Reply
from handlers.progress.text import behind_pace
from handlers.pushes import officials, team
from handlers.pushes.leaderboard import leaderboard_text
from locales import Translator
from models.activity import day_start, revisits_due, tally, team_activity
from models.communes import Commune, Village, villages
from models.leaderboard import Period, member_ranking, village_ranking, weights
from models.members import Role, recipients
from models.progress import ProgressRow, conversions_by_village, progress
from models.reporting import rhythm


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


def _out(r: recipients.Recipient, reply, tag: str = "") -> Outgoing:
    return Outgoing(r.channel, r.bot, r.chat_id, reply, member_id=r.member_id, tag=tag)


async def nudge(jc: JobContext) -> list[Outgoing]:
    """Volunteers and leaders with reminders on who logged no visit on the local day."""
    start = day_start(jc.day, jc.tz)
    logged = await tally(jc.session, since=start, until=start + timedelta(days=1))
    people = await recipients.recipients(
        jc.session, commune_id=jc.commune_id, roles=recipients.TEAM, reminders_only=True
    )
    return [
        _out(r, team.nudge_text(Translator(r.locale), name=r.name.split()[-1]))
        for r in people
        if not (r.member_id in logged and logged[r.member_id].visits)
    ]


async def _village_progress(jc: JobContext) -> dict[int | None, list[ProgressRow]]:
    """The /tiendo rows of the commune, once per run, by village (None: the commune rows)."""
    rows = await progress(jc.session, commune_id=jc.commune_id, today=jc.day, tz=jc.tz)
    out: dict[int | None, list[ProgressRow]] = defaultdict(list)
    for row in rows:
        out[row.village_id].append(row)
    return out


async def morning(jc: JobContext) -> list[Outgoing]:
    """Each active volunteer: the village's progress and needed pace, their revisits due."""
    people = await recipients.recipients(
        jc.session, commune_id=jc.commune_id, roles=(Role.VOLUNTEER.value,), reminders_only=True
    )
    by_village = await _village_progress(jc)
    due: Counter[int] = Counter()
    for village_id in {r.village_id for r in people if r.village_id}:
        rows = await revisits_due(jc.session, today=jc.day, village_id=village_id)
        due.update(row.member_id for row in rows)
    out = []
    for r in people:
        reply = team.morning_text(
            Translator(r.locale),
            name=r.name.split()[-1],
            rows=by_village.get(r.village_id, []) if r.village_id else [],
            revisits=due[r.member_id],
        )
        out.append(_out(r, reply))
    return out


async def leaderboard(jc: JobContext) -> list[Outgoing]:
    """The /bangxephang text (this week): the village group when linked (one message), else
    each member of the village. Never household data."""
    team = await recipients.recipients(jc.session, commune_id=jc.commune_id, roles=recipients.TEAM)
    ranked_villages = await village_ranking(
        jc.session, commune_id=jc.commune_id, today=jc.day, tz=jc.tz
    )
    points = await weights(jc.session, commune_id=jc.commune_id)
    out: list[Outgoing] = []
    for village in await _villages(jc):
        members = await member_ranking(
            jc.session, village_id=village.id, period=Period.WEEK, today=jc.day, tz=jc.tz
        )

        def text(lang: str, name: str = village.name, members=members) -> Reply:
            t = Translator(lang)
            body = leaderboard_text(
                t,
                village_name=name,
                period=Period.WEEK,
                members=members,
                villages=ranked_villages,
                points=points,
            )
            return Reply(body, lang=t.lang)

        if village.group_chat_id and village.group_channel:
            out.append(Outgoing(village.group_channel, "", village.group_chat_id, text("vi")))
            continue
        out += [_out(m, text(m.locale)) for m in team if m.village_id == village.id]
    return out


async def leader_summary(jc: JobContext) -> list[Outgoing]:
    """Each leader: the /doi rows of today, who logged nothing, the village against target."""
    leaders = await recipients.recipients(
        jc.session, commune_id=jc.commune_id, roles=recipients.LEADERS
    )
    names = {v.id: v.name for v in await _villages(jc)}
    by_village = await _village_progress(jc)
    start, end = jc.utc_range(jc.day)
    out = []
    for leader in leaders:
        if leader.village_id is None:
            continue
        t = Translator(leader.locale)
        rows = await team_activity(jc.session, village_id=leader.village_id, day=jc.day, tz=jc.tz)
        per_indicator = await conversions_by_village(
            jc.session, commune_id=jc.commune_id, start=start, end=end, lang=t.lang
        )
        village = names.get(leader.village_id, "")
        reply = team.leader_summary_text(
            t,
            village=village,
            day=jc.day,
            rows=rows,
            per_indicator=per_indicator.get(village, {}),
            progress=by_village.get(leader.village_id, []),
        )
        out.append(_out(leader, reply))
    return out


async def weekly_digest(jc: JobContext) -> list[Outgoing]:
    """Monday: the seven days before the scheduled day, and the villages behind pace."""
    first = jc.day - timedelta(days=7)
    start, end = jc.utc_range(first, 7)
    rows = await progress(jc.session, commune_id=jc.commune_id, today=jc.day, tz=jc.tz)
    behind = [r for r in rows if r.village_id is not None and behind_pace(r)]
    out = []
    for r in await recipients.recipients(
        jc.session, commune_id=jc.commune_id, roles=recipients.OFFICIALS
    ):
        t = Translator(r.locale)
        by_village = await conversions_by_village(
            jc.session, commune_id=jc.commune_id, start=start, end=end, lang=t.lang
        )
        reply = officials.weekly_digest_text(
            t, start=first, end=jc.day - timedelta(days=1), by_village=by_village, behind=behind
        )
        out.append(_out(r, reply))
    return out


async def report_reminder(jc: JobContext) -> list[Outgoing]:
    """Only for periods the commune's rhythm names that have ended and are not yet due: a
    month without a report, or a run after the due day, sends nothing."""
    commune = await jc.session.get(Commune, jc.commune_id)
    due = rhythm(commune.settings).due_now(jc.day)
    if not due:
        return []
    return [
        _out(r, officials.report_reminder_text(Translator(r.locale), due=due))
        for r in await recipients.recipients(
            jc.session, commune_id=jc.commune_id, roles=recipients.OFFICIALS
        )
    ]


BUILDERS: dict[str, Builder] = {
    "morning": morning,
    "nudge": nudge,
    "leaderboard": leaderboard,
    "leader-summary": leader_summary,
    "weekly-digest": weekly_digest,
    "report-reminder": report_reminder,
}


async def _villages(jc: JobContext) -> list[Village]:
    """The commune's areas in the order they were created (the order pushes are queued in)."""
    return sorted(await villages(jc.session, commune_id=jc.commune_id), key=lambda v: v.id)
