"""`cdsbot bench gen`: fill the configured database with a synthetic commune or province."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli.common import CliError
from bot.cli.progress import WorkProgress
from locales import Translator, translator


def register(sub, t: Translator) -> None:
    bench = sub.add_parser("bench", help=t._("benchmark helpers"))
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    gen = bench_sub.add_parser("gen", help=t._("generate a synthetic dataset (bulk insert)"))
    gen.add_argument("--communes", type=int, default=1, help=t._("communes (default 1)"))
    gen.add_argument(
        "--villages-per", type=int, default=10, help=t._("villages per commune (default 10)")
    )
    gen.add_argument(
        "--households-per", type=int, default=500, help=t._("households per village (default 500)")
    )
    gen.add_argument(
        "--members-per", type=int, default=8, help=t._("members per village (default 8)")
    )
    gen.add_argument("--days", type=int, default=90, help=t._("days of history (default 90)"))
    gen.add_argument(
        "--conversions-per",
        type=float,
        default=4.0,
        help=t._("conversions per household, on average (default 4)"),
    )
    gen.add_argument(
        "--visits-per",
        type=float,
        default=2.0,
        help=t._("visits per household, on average (default 2)"),
    )
    gen.add_argument("--seed", type=int, default=1, help=t._("random seed (default 1)"))
    gen.set_defaults(func=cmd_bench_gen)


async def cmd_bench_gen(app: App, args: argparse.Namespace) -> int:
    t = translator(app.settings.default_locale)
    try:
        # The generator lives with the benchmarks (bench/gen.py), in a source checkout only.
        from bench.gen import Plan, generate
    except ImportError:
        raise CliError(t._("cdsbot bench needs a source checkout (the bench/ folder).")) from None
    plan = Plan(
        communes=args.communes,
        villages_per=args.villages_per,
        households_per=args.households_per,
        members_per=args.members_per,
        days=args.days,
        conversions_per=args.conversions_per,
        visits_per=args.visits_per,
        seed=args.seed,
    )
    result = await generate(app.engine, plan, progress=lambda label: WorkProgress(t, label))
    counts = ", ".join(f"{table} {t.num(n)}" for table, n in result["rows"].items())
    print(
        t.gettext(
            "Generated {counts}; built in {build} s, loaded in {load} s",
            counts=counts,
            build=t.num(result["build_s"], 1),
            load=t.num(result["load_s"], 1),
        )
    )
    return 0
