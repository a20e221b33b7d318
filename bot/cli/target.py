"""`cdsbot target set | delete | list`: one target at a time, checked by models/target_rules."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.app import App
from bot.cli.common import CliError, find_commune
from bot.operator_text import _, op_t, problem
from locales import Translator
from models.audit import audit
from models.communes import Village
from models.indicators import Target
from models.indicators.catalogue import commune_indicators
from models.indicators.rules import Draft, check_target, refused, resolve
from models.indicators.targets import TargetIn, delete_target, set_target
from models.values import parse_date


def register(sub, t: Translator) -> None:
    commune_help = t._("commune name (optional with one commune)")
    target = sub.add_parser("target", help=t._("targets of a commune"))
    target_sub = target.add_subparsers(dest="target_command", required=True)
    tset = target_sub.add_parser(
        "set", help=t._("set one target (the whole commune without --area)")
    )
    tset.add_argument("indicator", help=t._("code or name, e.g. DIEN"))
    tset.add_argument("--commune", help=commune_help)
    tset.add_argument(
        "--area", "--village", dest="area", help=t._("area name; omit: whole commune")
    )
    tset.add_argument("--population", type=int, required=True, help=t._("the denominator"))
    tset.add_argument(
        "--baseline",
        type=int,
        default=0,
        help=t._("already done at the baseline date (default 0)"),
    )
    tset.add_argument("--baseline-date", required=True, help=t._("dd/mm/yyyy"))
    tset.add_argument(
        "--percent", type=float, help=t._("target as a percent of the population (or --count)")
    )
    tset.add_argument("--count", type=int, help=t._("target as a count (or --percent)"))
    tset.add_argument("--deadline", required=True, help=t._("dd/mm/yyyy"))
    tset.set_defaults(func=cmd_target_set)
    tdel = target_sub.add_parser("delete", help=t._("delete one target"))
    tdel.add_argument("indicator", help=t._("code or name, e.g. DIEN"))
    tdel.add_argument("--commune", help=commune_help)
    tdel.add_argument(
        "--area", "--village", dest="area", help=t._("area name; omit: whole commune")
    )
    tdel.set_defaults(func=cmd_target_delete)
    tlist = target_sub.add_parser("list", help=t._("a commune's targets"))
    tlist.add_argument("--commune", help=commune_help)
    tlist.set_defaults(func=cmd_target_list)


def _date(text: str, option: str):
    day = parse_date(text)
    if day is None:
        raise CliError(_("{option}: type the date as dd/mm/yyyy, e.g. 30/11/2024", option=option))
    return day


async def _resolve(session, commune_id: int, args: argparse.Namespace):
    found = await resolve(session, commune_id=commune_id, indicator=args.indicator, area=args.area)
    if found.problems:
        raise CliError("; ".join(problem(p) for p in found.problems))
    return found


async def cmd_target_set(app: App, args: argparse.Namespace) -> int:
    draft = Draft(
        population=args.population,
        baseline=args.baseline,
        baseline_date=_date(args.baseline_date, "--baseline-date"),
        deadline=_date(args.deadline, "--deadline"),
        percent=args.percent,
        count=args.count,
    )
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        found = await _resolve(session, commune.id, args)
        problems = await check_target(
            session,
            commune_id=commune.id,
            indicator_id=found.indicator.id,
            village_id=found.village_id,
            draft=draft,
        )
        if refused(problems):
            raise CliError("; ".join(problem(p) for p in problems if not p.warning))
        target = TargetIn(
            found.indicator.id,
            found.village_id,
            draft.population,
            draft.baseline,
            draft.baseline_date,
            draft.deadline,
            draft.percent,
            draft.count,
        )
        created = await set_target(session, commune_id=commune.id, target=target)
        audit(
            session,
            action="set",
            entity="target",
            commune_id=commune.id,
            detail={"indicator": found.indicator.code, "village": found.village_id},
        )
    for p in problems:
        print(_("Warning: {problem}", problem=problem(p)))
    place = args.area if found.village_id else commune.name
    msgid = (
        "Target {code} for {place} created." if created else "Target {code} for {place} updated."
    )
    print(_(msgid, code=found.indicator.code, place=place))
    return 0


async def cmd_target_delete(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        found = await _resolve(session, commune.id, args)
        gone = await delete_target(
            session,
            commune_id=commune.id,
            indicator_id=found.indicator.id,
            village_id=found.village_id,
        )
        if not gone:
            raise CliError(_("There is no such target."))
        audit(
            session,
            action="delete",
            entity="target",
            commune_id=commune.id,
            detail={"indicator": found.indicator.code, "village": found.village_id},
        )
    print(_("Target {code} deleted.", code=found.indicator.code))
    return 0


async def cmd_target_list(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
        codes = {i.id: i.code for i in await commune_indicators(session, commune.id)}
        rows = await session.execute(
            select(Target, Village.name)
            .outerjoin(Village, Village.id == Target.village_id)
            .where(Target.commune_id == commune.id)
            .order_by(Target.indicator_id, Target.village_id.is_not(None), Village.name)
        )
        for target, area in rows.all():
            goal = (
                t.num(target.target_count)
                if target.target_count is not None
                else t.num(target.target_percent, 0 if target.target_percent.is_integer() else 1)
                + "%"
            )
            print(
                _(
                    "{code} · {place}: {baseline}/{population} on {baseline_date}, "
                    "target {goal} by {deadline}",
                    code=codes.get(target.indicator_id, "?"),
                    place=area or _("whole commune"),
                    baseline=t.num(target.baseline),
                    population=t.num(target.population),
                    baseline_date=t.date(target.baseline_date),
                    goal=goal,
                    deadline=t.date(target.deadline),
                )
            )
    return 0
