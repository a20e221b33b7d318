"""`make bench`: a small version of every benchmark, one table each (full: docs/benchmarks.md).

SQLite always; PostgreSQL too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set — its
server gets two scratch databases, cdsbot_bench_tp and cdsbot_bench_scale, dropped and made anew.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import fanout, plans, scale, throughput
from bench.gen import Plan, generate
from bot.db import make_engine
from models.migrate import upgrade

SCALE_DB = "cdsbot_bench_scale"
COMMUNE = Plan(communes=2, villages_per=10, households_per=300, days=90)


async def scale_db(pg: str | None) -> list[tuple[str, str]]:
    """A generated 2-commune dataset per database: (label, url)."""
    out = [("SQLite", f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='cdsbot-sc-')}/s.sqlite3")]
    if pg:
        base = make_url(pg)
        admin = make_engine(base.set(database="postgres").render_as_string(False))
        async with admin.connect() as raw:
            conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP DATABASE IF EXISTS {SCALE_DB} WITH (FORCE)"))
            await conn.execute(text(f"CREATE DATABASE {SCALE_DB}"))
        await admin.dispose()
        out.append(("PostgreSQL", base.set(database=SCALE_DB).render_as_string(False)))
    for _, url in out:
        engine = make_engine(url)
        await upgrade(engine)
        await generate(engine, COMMUNE)
        await engine.dispose()
    return out


def section(title: str) -> None:
    print(f"\n## {title}\n", flush=True)


def main() -> None:
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    started = time.perf_counter()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs; PostgreSQL: {bool(pg)}")
    section("Throughput: webhook updates through `cdsbot run` (3 s per phase)")
    args = throughput.parse(["--seconds", "3", "--warmup", "1"] + (["--pg", pg] if pg else []))
    if not pg:
        args.pg = None
    print(throughput.table(asyncio.run(throughput.run(args))), flush=True)
    section(f"Commands on a generated {COMMUNE.communes}-commune dataset (10 runs, report 2)")
    for label, url in asyncio.run(scale_db(pg)):
        print(f"{label}:")
        scale.main([url, "-n", "10", "--report-n", "2"])
        if label == "PostgreSQL":
            section("Query plans on PostgreSQL (how the big tables are read)")
            plans.main([url])
    section("Outbox fan-out: 300 messages at 30/s")
    fanout.main(["--count", "300"])
    print(f"\ntotal {time.perf_counter() - started:.0f} s", file=sys.stderr)


main()
