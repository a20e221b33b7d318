"""Reminders on/off (/tatnhac, /batnhac) and the officials' schedule settings (/caidat).

Steps: none — each command answers in one turn.
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models import schedule
from models.keys import fold
from models.members import Role, recipients

router = Router()

# Short Vietnamese names officials can type instead of the job ids.
JOB_ALIASES = {
    "sang": "morning",
    "nhac": "nudge",
    "xephang": "leaderboard",
    "tongket": "leader-summary",
    "tuan": "weekly-digest",
    "baocao": "report-reminder",
}
JOB_LABELS = {
    "morning": N_("morning message"),
    "nudge": N_("evening reminder"),
    "leaderboard": N_("leaderboard"),
    "leader-summary": N_("leader summary"),
    "weekly-digest": N_("weekly digest (Monday)"),
    "report-reminder": N_("report reminder (day 10)"),
}
OFF_WORDS = {"tat", "off", "tắt"}
ON_WORDS = {"bat", "on"}


@router.command("tatnhac", help=N_("/tatnhac — stop the evening reminders"), order=80)
async def reminders_off(ctx: Context) -> Result:
    await recipients.set_reminders(ctx.session, member_id=ctx.member.id, on=False)
    return done(Reply(ctx._("Reminders are off. Type /batnhac to turn them back on.")))


@router.command("batnhac", help=N_("/batnhac — turn the reminders back on"), order=81)
async def reminders_on(ctx: Context) -> Result:
    await recipients.set_reminders(ctx.session, member_id=ctx.member.id, on=True)
    return done(Reply(ctx._("Reminders are on again.")))


def _job(word: str) -> str | None:
    key = fold(word).replace(" ", "")
    if key in JOB_ALIASES:
        return JOB_ALIASES[key]
    return key if key in schedule.JOB_DEFAULTS else None


def _show(ctx: Context, rules: list[schedule.JobRule]) -> str:
    lines = [ctx._("Schedule of {commune}:", commune=ctx.member.commune_name)]
    alias = {job: word for word, job in JOB_ALIASES.items()}
    for rule in rules:
        when = ctx._("off") if rule.off else rule.time
        lines.append(f"• {alias[rule.job]} — {ctx._(JOB_LABELS[rule.job])}: {when}")
    lines.append(ctx._("To change: /caidat nhac 19:30 — or /caidat nhac tat to turn it off."))
    return "\n".join(lines)


@router.command(
    "caidat", role=Role.OFFICIAL, help=N_("/caidat — times of the reminders"), order=70
)
async def settings_command(ctx: Context) -> Result:
    words = ctx.args.split()
    commune_id = ctx.member.commune_id
    if not words:
        found = [s for s in await schedule.schedules(ctx.session) if s.commune_id == commune_id]
        return done(Reply(_show(ctx, list(found[0].rules))))
    job = _job(words[0])
    value = fold(" ".join(words[1:])) if len(words) > 1 else ""
    if job is None or not value:
        return done(
            Reply(ctx._("Type e.g. /caidat nhac 19:30 or /caidat nhac tat. /caidat shows all."))
        )
    label = ctx._(JOB_LABELS[job])
    if value in OFF_WORDS:
        await schedule.set_rule(ctx.session, commune_id=commune_id, job=job, off=True)
        return done(Reply(ctx._("The {job} is off.", job=label)))
    if value in ON_WORDS:
        rule = await schedule.set_rule(ctx.session, commune_id=commune_id, job=job, off=False)
        return done(Reply(ctx._("The {job} is on, at {time}.", job=label, time=rule.time)))
    if schedule.parse_time(value) is None:
        return done(Reply(ctx._("I did not understand the time. Type it like 19:30.")))
    rule = await schedule.set_rule(
        ctx.session, commune_id=commune_id, job=job, time=value, off=False
    )
    return done(Reply(ctx._("The {job} is now at {time}.", job=label, time=rule.time)))
