"""`cdsbot jobs list|run` and `cdsbot schedule show|set`: the schedule from the terminal."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from bot.app import App
from bot.cli.common import CliError, find_commune
from bot.jobs import next_fire, run_now
from models.base import utcnow
from models.outbox import queue as outbox_queue
from models.schedule import JOB_DEFAULTS, parse_time, schedules, set_rule, valid_days


def register(sub) -> None:
    jobs = sub.add_parser("jobs", help="scheduled pushes")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="each job's next run per commune").set_defaults(func=cmd_list)
    run = jobs_sub.add_parser("run", help="queue one job's messages now (the bot sends them)")
    run.add_argument("name", choices=list(JOB_DEFAULTS))
    run.add_argument("--commune", help="commune name (default: every commune)")
    run.set_defaults(func=cmd_run)

    sched = sub.add_parser("schedule", help="job times per commune")
    sched_sub = sched.add_subparsers(dest="schedule_command", required=True)
    put = sched_sub.add_parser("set", help="e.g. `schedule set nudge 19:30` or `… nudge off`")
    put.add_argument("name", choices=list(JOB_DEFAULTS))
    put.add_argument("value", help="HH:MM, off or on")
    put.add_argument("--days", help="cron days of week, e.g. mon-sat or *")
    put.add_argument("--commune", help="commune name (optional with one commune)")
    put.set_defaults(func=cmd_set)


async def cmd_list(app: App, args: argparse.Namespace) -> int:
    now = utcnow()
    async with app.sessionmaker() as session:
        communes = await schedules(session)
        print(f"{'commune':<20} {'job':<16} {'time':<6} {'next run (local)':<18} last run")
        for commune in communes:
            tz = ZoneInfo(commune.timezone)
            for rule in commune.rules:
                if rule.error is not None:
                    print(f"{commune.name:<20} {rule.job:<16} skipped: {rule.error}")
                    continue
                upcoming = next_fire(rule, tz, now)
                shown = upcoming.astimezone(tz).strftime("%a %d/%m %H:%M") if upcoming else "off"
                last = await outbox_queue.last_run(
                    session, job=rule.job, commune_id=commune.commune_id
                )
                last_shown = last.astimezone(tz).strftime("%d/%m %H:%M") if last else "-"
                print(f"{commune.name:<20} {rule.job:<16} {rule.time:<6} {shown:<18} {last_shown}")
    return 0


async def cmd_run(app: App, args: argparse.Namespace) -> int:
    now = utcnow()
    async with app.sessionmaker() as session:
        communes = await schedules(session)
        if args.commune:
            wanted = (await find_commune(session, args.commune)).id
            communes = [c for c in communes if c.commune_id == wanted]
    for commune in communes:
        queued = await run_now(
            app.sessionmaker,
            job=args.name,
            commune_id=commune.commune_id,
            tz=ZoneInfo(commune.timezone),
            now=now,
        )
        print(f"{commune.name}: {queued} message(s) queued; the running bot sends them.")
    return 0


async def cmd_set(app: App, args: argparse.Namespace) -> int:
    value = args.value.strip().lower()
    off = {"off": True, "on": False}.get(value)
    if off is None and parse_time(value) is None:
        raise CliError("value must be HH:MM, off or on")
    if args.days is not None and not valid_days(args.days):
        raise CliError(
            f"bad --days {args.days!r}: use * or days of the week, "
            "e.g. mon-sat, mon,wed,fri or 0-4"
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
        except ValueError as exc:
            raise CliError(str(exc)) from None
    state = "off" if rule.off else f"{rule.time} ({rule.days})"
    print(f"{commune.name}: {rule.job} {state}. The running bot applies it within a minute.")
    return 0
