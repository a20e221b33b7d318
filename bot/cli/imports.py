"""Setting up a real commune: `cdsbot import households|targets`, `target set`, `village`,
`indicator` — all operator-facing, printed in DEFAULT_LOCALE, personal data never echoed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.cli.common import CliError, find_commune, find_village
from bot.cli.progress import WorkProgress
from bot.operator_text import _, problem
from locales import N_, Translator, translator
from models.audit import audit
from models.communes import Village, villages
from models.importer import (
    ImportReport,
    TableError,
    apply_households,
    parse_households,
    read_table,
)
from models.indicators import Indicator, Unit
from models.indicators.target_table import TargetRow, parse_targets
from models.indicators.targets import TargetIn, TargetRefused, find_indicator, set_target
from models.keys import fold
from models.places import area_kind, area_name

IMPORT_BATCH = 500


def register(sub, t: Translator) -> None:
    commune_help = t._("commune name (optional with one commune)")
    imp = sub.add_parser("import", help=t._("import households or targets from CSV/XLSX"))
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    homes = imp_sub.add_parser("households", help=t._("households: code, head name, address, …"))
    homes.add_argument("file", type=Path, help=t._("the CSV or XLSX file"))
    homes.add_argument("--village", help=t._("village for every row (else a village column)"))
    homes.add_argument("--commune", help=commune_help)
    homes.set_defaults(func=cmd_import_households)
    targets = imp_sub.add_parser("targets", help=t._("targets: indicator, village, population, …"))
    targets.add_argument("file", type=Path, help=t._("the CSV or XLSX file"))
    targets.add_argument("--commune", help=commune_help)
    targets.set_defaults(func=cmd_import_targets)

    village = sub.add_parser("village", help=t._("villages of a commune"))
    village_sub = village.add_subparsers(dest="village_command", required=True)
    vadd = village_sub.add_parser("add", help=t._("add a village"))
    vadd.add_argument("name", help=t._("the village's name"))
    vadd.add_argument("--commune", help=commune_help)
    vadd.add_argument(
        "--kind", default="thon", help=t._("thôn, bản, khu phố, tổ dân phố, chợ, tuyến phố")
    )
    vadd.set_defaults(func=cmd_village_add)
    vlist = village_sub.add_parser("list", help=t._("a commune's villages"))
    vlist.add_argument("--commune", help=commune_help)
    vlist.set_defaults(func=cmd_village_list)

    indicator = sub.add_parser("indicator", help=t._("the indicator catalogue"))
    ind_sub = indicator.add_subparsers(dest="indicator_command", required=True)
    ind_sub.add_parser("list", help=t._("every indicator")).set_defaults(func=cmd_indicator_list)
    iadd = ind_sub.add_parser("add", help=t._("add an indicator"))
    iadd.add_argument("code", help=t._("short code, e.g. DIEN"))
    iadd.add_argument("--name-vi", required=True, help=t._("name in Vietnamese"))
    iadd.add_argument("--name-en", required=True, help=t._("name in English"))
    iadd.add_argument("--short-vi", help=t._("short name in Vietnamese"))
    iadd.add_argument("--short-en", help=t._("short name in English"))
    iadd.add_argument(
        "--unit",
        default=Unit.HOUSEHOLD,
        choices=[u.value for u in Unit],
        help=t._("what is counted (default: household)"),
    )
    iadd.set_defaults(func=cmd_indicator_add)


async def _villages(session, commune_id: int) -> dict[str, int]:
    return {v.name_key: v.id for v in await villages(session, commune_id=commune_id)}


def _table(path: Path) -> list[list[str]]:
    try:
        return read_table(path)
    except TableError as exc:
        raise CliError(_(exc.msgid, **exc.values)) from None


async def cmd_import_households(app: App, args: argparse.Namespace) -> int:
    table = _table(args.file)
    try:
        items, skipped = parse_households(table, default_village=args.village)
    except TableError as exc:
        raise CliError(_(exc.msgid, **exc.values)) from None
    t = translator(app.settings.default_locale)
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        report = ImportReport(skipped=skipped)
        villages = await _villages(session, commune.id)
        # Progress on stderr: stdout stays the report (scripts read it).
        with WorkProgress(
            t, N_("Importing households"), total=len(items), stream=sys.stderr
        ) as work:
            for start in range(0, len(items), IMPORT_BATCH):
                batch = items[start : start + IMPORT_BATCH]
                await apply_households(
                    session, commune_id=commune.id, items=batch, villages=villages, report=report
                )
                work.advance(len(batch))
        audit(
            session,
            action="import",
            entity="household",
            commune_id=commune.id,
            detail={"file": args.file.name, "added": report.added, "updated": report.updated},
        )
    print(print_report(report))
    return 0


def print_report(report: ImportReport) -> str:
    lines = [
        _(
            "added {added}, updated {updated}, unchanged {unchanged}, skipped {skipped}",
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            skipped=len(report.skipped),
        )
    ]
    lines += [
        "  " + _("row {row}: {reason}", row=s.row, reason=_(s.reason, **s.values))
        for s in report.skipped
    ]
    return "\n".join(lines)


async def cmd_import_targets(app: App, args: argparse.Namespace) -> int:
    try:
        rows = parse_targets(_table(args.file))
    except TableError as exc:  # one line, before anything is written
        raise CliError(_(exc.msgid, **exc.values)) from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        for row in rows:
            try:
                target = await _target_row(session, commune.id, row)
                await set_target(session, commune_id=commune.id, target=target)
            except TargetRefused as exc:
                reasons = "; ".join(problem(p) for p in exc.problems)
                raise CliError(_("row {row}: {reason}", row=row.row, reason=reasons)) from None
            except (ValueError, CliError) as exc:
                raise CliError(_("row {row}: {reason}", row=row.row, reason=exc)) from None
    print(_("{n} targets set.", n=len(rows)))
    return 0


async def _target_row(session, commune_id: int, row: TargetRow) -> TargetIn:
    indicator = await find_indicator(session, text=row.indicator)
    if indicator is None:
        raise ValueError(f"unknown indicator {row.indicator!r} (see `cdsbot indicator list`)")
    village = (await find_village(session, commune_id, row.village)) if row.village else None
    return TargetIn(
        indicator_id=indicator.id,
        village_id=village.id if village else None,
        population=row.population,
        baseline=row.baseline,
        baseline_date=row.baseline_date,
        deadline=row.deadline,
        percent=row.percent,
        count=row.count,
    )


async def cmd_village_add(app: App, args: argparse.Namespace) -> int:
    kind = area_kind(args.kind)
    if kind is None:
        raise CliError(_('"{value}" is not a kind of area.', value=args.kind))
    name = area_name(args.name, kind)
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        if fold(name) in await _villages(session, commune.id):
            raise CliError(_('The area "{name}" already exists.', name=name))
        session.add(Village(commune_id=commune.id, name=name, name_key=fold(name), kind=kind))
    print(_('Area "{name}" added to {commune}.', name=name, commune=commune.name))
    return 0


async def cmd_village_list(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
        for village in await villages(session, commune_id=commune.id):
            print(village.name)
    return 0


async def cmd_indicator_list(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        rows = (await session.execute(select(Indicator).order_by(Indicator.sort))).scalars()
        for row in rows:
            print(f"{row.code:<6} {row.unit:<14} {row.name_vi}")
    return 0


async def cmd_indicator_add(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session, session.begin():
        if await find_indicator(session, text=args.code):
            raise CliError(_("Indicator {code} already exists.", code=args.code.upper()))
        last = await session.scalar(select(Indicator.sort).order_by(Indicator.sort.desc()))
        session.add(
            Indicator(
                code=args.code.upper(),
                name_vi=args.name_vi,
                name_en=args.name_en,
                short_vi=args.short_vi or args.name_vi[:40],
                short_en=args.short_en or args.name_en[:40],
                unit=args.unit,
                sort=(last or 0) + 1,
            )
        )
    print(_("Indicator {code} added.", code=args.code.upper()))
    return 0
