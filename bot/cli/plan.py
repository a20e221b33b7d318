"""`cdsbot plan template | apply | export`: a commune set up from one workbook (models/plan)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zipfile import BadZipFile

from bot.app import App
from bot.cli.common import CliError, find_commune
from bot.cli.progress import WorkProgress
from bot.operator_text import _, problem
from locales import N_, Translator, translator
from models.audit import audit
from models.plan import (
    apply_plan,
    check_plan,
    export_plan,
    read_plan,
    template_plan,
    write_plan,
)


def register(sub, t: Translator) -> None:
    plan = sub.add_parser("plan", help=t._("a commune's plan workbook (.xlsx)"))
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    tpl = plan_sub.add_parser("template", help=t._("write a blank plan workbook with a guide"))
    tpl.add_argument("file", type=Path, help=t._("the .xlsx file to write"))
    tpl.set_defaults(func=cmd_plan_template)
    app_ = plan_sub.add_parser("apply", help=t._("check a plan workbook and apply it"))
    app_.add_argument("file", type=Path, help=t._("the filled-in .xlsx file"))
    app_.add_argument("--dry-run", action="store_true", help=t._("check and list, change nothing"))
    app_.set_defaults(func=cmd_plan_apply)
    exp = plan_sub.add_parser("export", help=t._("write a commune's plan as a workbook"))
    exp.add_argument("file", type=Path, help=t._("the .xlsx file to write"))
    exp.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    exp.set_defaults(func=cmd_plan_export)


def where(p) -> str:
    if p.row is None:
        return _("{sheet}: {reason}", sheet=p.sheet, reason=problem(p))
    return _("{sheet}, row {row}: {reason}", sheet=p.sheet, row=p.row, reason=problem(p))


async def cmd_plan_template(app: App, args: argparse.Namespace) -> int:
    write_plan(template_plan(), args.file)
    print(_("Blank plan written to {file}.", file=args.file))
    return 0


def _read(path: Path):
    if not path.exists():
        raise CliError(_("There is no file {file}.", file=path))
    try:
        return read_plan(path)
    except (BadZipFile, OSError, KeyError, ValueError):
        raise CliError(_("{file} is not an Excel workbook (.xlsx).", file=path.name)) from None


class _DryRun(Exception):
    """Leaves the transaction by rolling it back: --dry-run shows the changes, keeps none."""


async def cmd_plan_apply(app: App, args: argparse.Namespace) -> int:
    # Three steps on stderr (read, check, apply): stdout stays the list of changes.
    t = translator(app.settings.default_locale)
    with WorkProgress(t, N_("Applying the plan"), total=3, stream=sys.stderr) as work:
        plan, problems = _read(args.file)
        work.advance()
        try:
            async with app.sessionmaker() as session, session.begin():
                changes = await _apply(session, plan, problems, args, work)
        except _DryRun:
            dry_run = True
        else:
            dry_run = False
        work.advance_to(3)
    if dry_run:
        print(_("Checked, no problems. --dry-run: nothing was changed."))
        return 0
    if changes:
        print(_("Plan of {name} applied: {n} changes.", name=plan.commune.name, n=len(changes)))
    else:
        print(_("Plan of {name} is already applied: nothing changed.", name=plan.commune.name))
    return 0


async def _apply(session, plan, problems, args: argparse.Namespace, work: WorkProgress):
    # Rows that read well are checked against the database too: every problem at once.
    problems = problems + await check_plan(session, plan)
    work.advance()
    errors = [p for p in problems if not p.warning]
    for p in problems:
        if p.warning:
            print(_("Warning: {problem}", problem=where(p)))
    if errors:
        for p in errors:
            print(where(p))
        raise CliError(
            _("{n} problems: nothing was applied. Fix the workbook and try again.", n=len(errors))
        )
    changes = await apply_plan(session, plan)
    for change in changes:
        print("  " + problem(change))
    if args.dry_run:
        raise _DryRun
    if changes:
        audit(
            session,
            action="apply",
            entity="plan",
            detail={"file": args.file.name, "changes": len(changes)},
        )
    return changes


async def cmd_plan_export(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
        plan = await export_plan(session, commune.id)
    write_plan(plan, args.file)
    print(_("Plan of {name} written to {file}.", name=commune.name, file=args.file))
    return 0
