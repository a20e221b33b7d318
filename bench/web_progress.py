"""The web progress page of a commune with 34 areas and 11 indicators, over HTTP: p50 / p99 ms.

    .venv/bin/python -m bench.web_progress postgresql+asyncpg://postgres@127.0.0.1:5432/x \
        [--communes 30] [-n 100]
Makes a scratch database `cdsbot_bench_web` on that server (dropped and made anew), generates a
province of `--communes` communes × 34 areas (bot/benchgen), gives the last commune 11 indicators
(two more, with targets and conversions copied from DIEN's when the catalogue has only 9), signs
in as its official through a one-time link, and times GET /web/tiendo through aiohttp's client:
the whole request (session lookup, both progress queries, the chart's daily counts, Jinja2).
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

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.gen import Plan, generate  # noqa: E402
from bot.db import make_engine, make_sessionmaker  # noqa: E402
from bot.web import make_web_app  # noqa: E402
from bot.webui import WebUI, mount_webui  # noqa: E402
from models.members import Role  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.websession import create_login  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DB = "cdsbot_bench_web"
AREAS = 34
INDICATORS = 11
EXTRA = [("BENCH1", "Chỉ tiêu thử 1"), ("BENCH2", "Chỉ tiêu thử 2")]


async def scratch(url: str) -> str:
    base = make_url(url)
    admin = make_engine(base.set(database="postgres").render_as_string(False))
    async with admin.connect() as raw:
        conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        await conn.execute(text(f"CREATE DATABASE {DB}"))
    await admin.dispose()
    return base.set(database=DB).render_as_string(False)


async def eleven_indicators(engine, commune_id: int) -> int:
    """Top the commune up to 11 indicators, copying DIEN's targets and conversions."""
    async with engine.begin() as conn:
        have = await conn.scalar(
            text("SELECT count(DISTINCT indicator_id) FROM target WHERE commune_id = :c"),
            {"c": commune_id},
        )
        dien = await conn.scalar(text("SELECT id FROM indicator WHERE code = 'DIEN'"))
        sort = await conn.scalar(text("SELECT max(sort) FROM indicator"))
        for n, (code, name) in enumerate(EXTRA[: max(0, INDICATORS - have)], 1):
            new = await conn.scalar(
                text(
                    "INSERT INTO indicator (code, name_vi, name_en, short_vi, short_en, unit, "
                    "emoji, sort, active) VALUES (:code, :name, :code, :name, :code, "
                    "'household', '', :sort, true) RETURNING id"
                ),
                {"code": code, "name": name, "sort": sort + n},
            )
            for table in ("target", "conversion"):
                found = await conn.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = :t AND table_schema = current_schema()"
                    ),
                    {"t": table},
                )
                names = [c for (c,) in found if c not in ("id", "indicator_id")]
                columns = ", ".join(names)
                await conn.execute(
                    text(
                        f"INSERT INTO {table} (indicator_id, {columns}) "
                        f"SELECT :new, {columns} FROM {table} "
                        "WHERE indicator_id = :dien AND commune_id = :c"
                    ),
                    {"new": new, "dien": dien, "c": commune_id},
                )
        await conn.execute(text("ANALYZE"))
        return await conn.scalar(
            text("SELECT count(DISTINCT indicator_id) FROM target WHERE commune_id = :c"),
            {"c": commune_id},
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", help="postgresql+asyncpg://… (any database on the server)")
    parser.add_argument("--communes", type=int, default=30)
    parser.add_argument("--households-per", type=int, default=300)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep the database already made")
    args = parser.parse_args()
    url = make_url(args.url).set(database=DB).render_as_string(False)
    if not args.reuse:
        url = await scratch(args.url)
    engine = make_engine(url)
    await upgrade(engine)  # a reused database follows the code's schema too
    if not args.reuse:
        started = time.perf_counter()
        plan = Plan(communes=args.communes, villages_per=AREAS, households_per=args.households_per)
        result = await generate(engine, plan)
        print(f"generated in {time.perf_counter() - started:.0f} s: {result['rows']}")
    async with engine.connect() as conn:
        commune_id = await conn.scalar(text("SELECT max(id) FROM commune"))
        conversions = await conn.scalar(text("SELECT count(*) FROM conversion"))
        areas = await conn.scalar(
            text("SELECT count(*) FROM village WHERE commune_id = :c"), {"c": commune_id}
        )
    indicators = await eleven_indicators(engine, commune_id)
    print(f"{conversions:,} conversions; commune {commune_id}: ", end="")
    print(f"{areas} areas, {indicators} indicators")

    sessionmaker = make_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        token = await create_login(
            session, commune_id=commune_id, role=Role.OFFICIAL, now=datetime.now(UTC)
        )
    web_app = make_web_app()
    mount_webui(web_app, WebUI(sessionmaker, tz=TZ))
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        signed_in = await client.post(f"/web/dangnhap/{token}")
        assert signed_in.status == 200, signed_in.status
        times, size = [], 0
        for i in range(args.n + 3):
            begun = time.perf_counter()
            response = await client.get("/web/tiendo")
            body = await response.read()
            elapsed = (time.perf_counter() - begun) * 1000
            assert response.status == 200
            if i >= 3:  # the first requests warm caches and templates
                times.append(elapsed)
            size = len(body)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(
        f"GET /web/tiendo: n={len(times)} p50 {statistics.median(times):.0f} ms, "
        f"p99 {p99:.0f} ms, max {times[-1]:.0f} ms; page {size / 1024:.0f} KiB"
    )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
