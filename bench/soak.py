"""Memory over time: one real `cdsbot run` worker under steady webhook load, RSS every interval.

    .venv/bin/python -m bench.soak [--pg URL] [--minutes 8] [--concurrency 8] [--every 30]
The same commune, mix, fake Bot API and worker as `bench.throughput` (SQLite without --pg);
prints one line per interval (updates so far, rate, the worker's RSS) so a leak shows as a
slope rather than hiding in a maximum.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import Load  # noqa: E402
from bench.throughput import (  # noqa: E402
    CountingFake,
    free_port,
    load_users,
    prepare,
    shut_down,
    spawn_workers,
    wait_ready,
)


async def soak(args: argparse.Namespace) -> list[tuple[float, int, float]]:
    data = tempfile.mkdtemp(prefix="cdsbot-soak-")
    url = args.pg or f"sqlite+aiosqlite:///{data}/soak.sqlite3"
    db_url = await prepare(url)
    users = await load_users(db_url)
    fake = CountingFake()
    await fake.start()
    port = free_port()
    procs = spawn_workers(1, db_url, fake, port, data)
    await wait_ready(port, fake, 1, procs)
    load = Load(fake, f"http://127.0.0.1:{port}/telegram", users)
    rows: list[tuple[float, int, float]] = []
    start = time.perf_counter()
    deadline = start + args.minutes * 60
    done = 0

    async def member(user) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await load.session(user)
            done = load.stats.summary()["updates"]

    async def sample() -> None:
        while time.perf_counter() < deadline:
            await asyncio.sleep(args.every)
            rss = procs[0].memory_info().rss / 2**20
            rows.append((time.perf_counter() - start, done, rss))
            print(f"  {rows[-1][0]:6.0f} s  {done:7d} updates  RSS {rss:6.1f} MB", flush=True)

    try:
        await asyncio.gather(sample(), *(member(u) for u in users[: args.concurrency]))
    finally:
        await shut_down(procs, load, fake)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--minutes", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--every", type=float, default=30)
    rows = asyncio.run(soak(parser.parse_args(argv)))
    first, last = rows[0], rows[-1]
    rate = (last[1] - first[1]) / max(last[0] - first[0], 1e-9)
    grown = last[1] - first[1]
    print(f"RSS {first[2]:.1f} → {last[2]:.1f} MB over {grown} more updates ({rate:.0f}/s)")


if __name__ == "__main__":
    main()
