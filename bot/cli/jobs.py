"""`cdsbot jobs list|run` and `cdsbot schedule set`: the schedule from the terminal.

Job names (morning, nudge…) and cron days (mon-sat) are what the operator types, so they are
shown as typed; their meaning (the job's label, the days as weekdays) is said in DEFAULT_LOCALE.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.cli.common import CliError, find_commune
from bot.jobs import next_fire, run_now
from bot.operator_text import _, op_t, problem
from handlers.flows.reminders import JOB_LABELS
from locales import N_, Translator
from models.base import utcnow
from models.outbox import queue as outbox_queue
from models.schedule import (
    JOB_DEFAULTS,
    JobRule,
    RuleRefused,
    parse_time,
    schedules,
    set_rule,
    valid_days,
)

# Monday first, as cron (APScheduler) counts them: 0 is mon.
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
CRON_DAYS = {name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
CRON_DAY_RE = re.compile(r"[a-z]{3}|[0-6]")  # the days are checked (valid_days) before this


def register(sub, t: Translator) -> None:
    jobs = sub.add_parser("jobs", help=t._("scheduled pushes"))
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help=t._("each job's next run per commune")).set_defaults(
        func=cmd_list
    )
    run = jobs_sub.add_parser("run", help=t._("queue one job's messages now (the bot sends them)"))
    run.add_argument("name", choices=list(JOB_DEFAULTS), help=t._("the job"))
    run.add_argument("--commune", help=t._("commune name (default: every commune)"))
    run.set_defaults(func=cmd_run)

    sched = sub.add_parser("schedule", help=t._("job times per commune"))
    sched_sub = sched.add_subparsers(dest="schedule_command", required=True)
    put = sched_sub.add_parser("set", help=t._("e.g. `schedule set nudge 19:30` or `… nudge off`"))
    put.add_argument("name", choices=list(JOB_DEFAULTS), help=t._("the job"))
    put.add_argument("value", help=t._("HH:MM, off or on"))
    put.add_argument("--days", help=t._("cron days of week, e.g. mon-sat or *"))
    put.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    put.set_defaults(func=cmd_set)


def weekday(t: Translator, moment: datetime) -> str:
    """ "T4" (vi) / "Wed" (en)."""
    return t._(WEEKDAYS[moment.weekday()])


def days_text(t: Translator, rule: JobRule) -> str:
    """The cron days as weekdays: "mon-sat" → "T2-T7"; "*" → "mỗi ngày"; plus a day of month."""
    if rule.days == "*":
        days = t._("every day")
    else:
        days = CRON_DAY_RE.sub(lambda m: t._(WEEKDAYS[_day_number(m[0])]), rule.days)
        days = days.replace(",", ", ")
    if rule.day is None:
        return days
    monthly = t._("day {day} of the month", day=t.num(rule.day))
    return monthly if rule.days == "*" else f"{monthly}, {days}"


def _day_number(token: str) -> int:
    return int(token) if token.isdigit() else CRON_DAYS[token]


def job_label(t: Translator, job: str) -> str:
    return t._(JOB_LABELS[job]) if job in JOB_LABELS else ""


def job_name(t: Translator, job: str) -> str:
    """ "nudge (nhắc buổi tối)": the name to type, and what it is."""
    label = job_label(t, job)
    return f"{job} ({label})" if label else job


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell; a row's last cell is neither padded nor measured
    (a skipped rule's reason runs across the columns it does not fill)."""
    columns = range(max(map(len, rows)))
    widths = [max((len(row[i]) for row in rows if len(row) > i + 1), default=0) for i in columns]
    return [
        "  ".join(
            cell if i == len(row) - 1 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


async def cmd_list(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    now = utcnow()
    rows: list[tuple[str, ...]] = [
        (
            _("commune"),
            _("job"),
            _("time"),
            _("days"),
            _("next run (local time)"),
            _("last run"),
            _("what it sends"),
        )
    ]
    async with app.sessionmaker() as session:
        communes = await schedules(session)
        if not communes:
            print(_("No commune yet. Set one up with `cdsbot plan apply FILE.xlsx`."))
            return 0
        for commune in communes:
            tz = ZoneInfo(commune.timezone)
            for rule in commune.rules:
                if rule.error is not None:
                    skipped = _("skipped: {error}", error=problem(rule.error))
                    rows.append((commune.name, rule.job, skipped))
                    continue
                upcoming = next_fire(rule, tz, now)
                if upcoming is None:
                    shown = _("off")
                else:
                    local = upcoming.astimezone(tz)
                    shown = f"{weekday(t, local)} {t.short_date(local)} {t.time(local)}"
                last = await outbox_queue.last_run(
                    session, job=rule.job, commune_id=commune.commune_id
                )
                if last is None:
                    last_shown = "-"
                else:
                    local = last.astimezone(tz)
                    last_shown = f"{t.short_date(local)} {t.time(local)}"
                rows.append(
                    (
                        commune.name,
                        rule.job,
                        rule.time,
                        days_text(t, rule),
                        shown,
                        last_shown,
                        job_label(t, rule.job),
                    )
                )
    for line in table(rows):
        print(line)
    return 0


async def cmd_run(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    now = utcnow()
    async with app.sessionmaker() as session:
        communes = await schedules(session)
        if args.commune:
            wanted = (await find_commune(session, args.commune)).id
            communes = [c for c in communes if c.commune_id == wanted]
    if not communes:
        print(_("No commune yet. Set one up with `cdsbot plan apply FILE.xlsx`."))
        return 0
    for commune in communes:
        queued = await run_now(
            app.sessionmaker,
            job=args.name,
            commune_id=commune.commune_id,
            tz=ZoneInfo(commune.timezone),
            now=now,
        )
        print(
            t.ngettext(
                "{commune}: {n} message of {job} queued; the running bot sends it.",
                "{commune}: {n} messages of {job} queued; the running bot sends them.",
                queued,
                commune=commune.name,
                job=job_name(t, args.name),
            )
        )
    return 0


async def cmd_set(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    value = args.value.strip().lower()
    off = {"off": True, "on": False}.get(value)
    if off is None and parse_time(value) is None:
        raise CliError(
            _("{value}: type a time as HH:MM (e.g. 19:30), off or on", value=repr(args.value))
        )
    if args.days is not None and not valid_days(args.days):
        raise CliError(
            _(
                "bad --days {days}: use * or days of the week, e.g. mon-sat, mon,wed,fri or 0-4",
                days=repr(args.days),
            )
        )
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        try:
            rule = await set_rule(
                session,
                commune_id=commune.id,
                job=args.name,
                time=None if off is not None else value,
                off=off if off is not None else False,
                days=args.days,
            )
        except RuleRefused as exc:
            raise CliError(problem(exc.problem)) from None
    job = job_name(t, rule.job)
    if rule.off:
        state = _("{job} is off", job=job)
    else:
        state = _("{job} at {time}, {days}", job=job, time=rule.time, days=days_text(t, rule))
    print(
        _(
            "{commune}: {state}. The running bot applies it within a minute.",
            commune=commune.name,
            state=state,
        )
    )
    return 0
