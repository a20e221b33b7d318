"""Latency of /tiendo and /bangxephang (query + text rendering) on a generated dataset.

    .venv/bin/python bench/queries.py sqlite+aiosqlite:///bench/province.sqlite3 [-n 50]
Prints p50 / p99 in milliseconds for one commune official's /tiendo, a volunteer's /tiendo
(village first) and /bangxephang (week) in one village.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bot.db import make_engine, make_sessionmaker  # noqa: E402
from handlers.progress.text import progress_text  # noqa: E402
from handlers.pushes.leaderboard import leaderboard_text  # noqa: E402
from locales import Translator  # noqa: E402
from models.leaderboard import Period, member_ranking, village_ranking  # noqa: E402
from models.progress import progress  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T = Translator("vi")


async def tiendo(session, commune_id, village_id, today):
    rows = await progress(session, commune_id=commune_id, today=today)
    if village_id is not None:
        rows = [r for r in rows if r.village_id in (None, village_id)]
    return progress_text(T, rows, place="xã", today=today, village_id=village_id)


async def bxh(session, commune_id, village_id, today):
    members = await member_ranking(session, village_id=village_id, period=Period.WEEK, today=today)
    villages = await village_ranking(session, commune_id=commune_id, today=today)
    return leaderboard_text(
        T, village_name="Thôn 1", period=Period.WEEK, members=members, villages=villages
    )


async def measure(sessionmaker, fn, n, *args) -> tuple[float, float]:
    times = []
    for _ in range(n + 3):
        started = time.perf_counter()
        async with sessionmaker() as session:
            await fn(session, *args)
        times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[3:])  # the first runs warm the caches
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    engine = make_engine(args.url)
    sessionmaker = make_sessionmaker(engine)
    today = datetime.now(UTC).astimezone(TZ).date()
    async with engine.connect() as conn:
        commune_id = await conn.scalar(text("SELECT max(commune_id) FROM conversion"))
        village_id = await conn.scalar(
            text("SELECT min(id) FROM village WHERE commune_id = :c"), {"c": commune_id}
        )
        conversions = await conn.scalar(text("SELECT count(*) FROM conversion"))
    print(f"{engine.dialect.name}: {conversions:,} conversions; commune {commune_id}")
    cases = [
        ("/tiendo official", tiendo, None),
        ("/tiendo volunteer", tiendo, village_id),
        ("/bangxephang week", bxh, village_id),
    ]
    for name, fn, village in cases:
        p50, p99 = await measure(
            sessionmaker, fn, args.n, commune_id, village or village_id, today
        )
        if fn is tiendo and village is None:
            p50, p99 = await measure(sessionmaker, fn, args.n, commune_id, None, today)
        print(f"{name:<20} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
