"""Query plans of what the commands really run: capture their SELECTs, EXPLAIN each (PostgreSQL).

    .venv/bin/python -m bench.plans postgresql+asyncpg://…/bench_province
Prints, per command, how each big table (conversion, visit, household) is read. Used by
`tests/models/test_query_plans.py` on a small generated dataset.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

BIG = frozenset({"conversion", "visit", "household"})


@dataclass(frozen=True)
class Scan:
    node: str  # "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", …
    table: str
    index: str | None


@contextmanager
def captured(engine: AsyncEngine):
    """Every SELECT the engine runs inside the block, with its bound parameters."""
    seen: list[tuple[str, tuple]] = []

    def hook(conn, cursor, statement, parameters, context, executemany):  # noqa: PLR0913, PLR0917
        head = statement.lstrip().upper()
        if head.startswith(("SELECT", "WITH")) and any(t in statement for t in BIG):
            seen.append((statement, tuple(parameters or ())))

    event.listen(engine.sync_engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", hook)


def walk(node: dict, blocks: list[dict]) -> list[Scan]:
    out = []
    if "Relation Name" in node:
        out.append(Scan(node["Node Type"], node["Relation Name"], node.get("Index Name")))
    elif node["Node Type"] == "Bitmap Index Scan":
        blocks.append(node)
    for child in node.get("Plans", []):
        out += walk(child, blocks)
    return out


async def explain(engine: AsyncEngine, statement: str, params: tuple) -> list[Scan]:
    async with engine.connect() as conn:
        result = await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", params)
        raw = result.scalar()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    blocks: list[dict] = []
    scans = walk(plan, blocks)
    # A bitmap heap scan names its index on the child node.
    names = iter(b.get("Index Name") for b in blocks)
    return [
        Scan(s.node, s.table, next(names, None)) if s.node == "Bitmap Heap Scan" else s
        for s in scans
    ]


async def plans_of(
    engine: AsyncEngine, run: Callable[[], Awaitable[object]]
) -> list[tuple[str, list[Scan]]]:
    """Run one command, then EXPLAIN each distinct SELECT it issued on a big table."""
    with captured(engine) as seen:
        await run()
    out, done = [], set()
    for statement, params in seen:
        if statement in done:
            continue
        done.add(statement)
        out.append((statement, await explain(engine, statement, params)))
    return out


def big_scans(plans: list[tuple[str, list[Scan]]]) -> list[Scan]:
    return [s for _, scans in plans for s in scans if s.table in BIG]


async def main_async(url: str) -> None:
    from bench.scale import cases_for  # noqa: PLC0415
    from bot.db import make_engine  # noqa: PLC0415

    engine = make_engine(url)
    cases = await cases_for(engine)
    for name, turn in cases:
        plans = await plans_of(engine, turn)
        lines = sorted(
            {
                f"{s.node} on {s.table}" + (f" using {s.index}" if s.index else "")
                for s in big_scans(plans)
            }
        )
        print(f"{name}: {len(plans)} queries on big tables")
        for line in lines:
            print(f"    {line}")
    await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    asyncio.run(main_async(parser.parse_args(argv).url))


if __name__ == "__main__":
    main()
