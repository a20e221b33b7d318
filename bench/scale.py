"""Commands at province scale through the real pipeline: one turn each, p50 / p99 in ms.

    .venv/bin/python -m bench.scale postgresql+asyncpg://…/bench_province [-n 30]
Times `Pipeline.process` (dedupe row, member lookup, handler, queries, text, conversation save,
commit) for a village leader and a commune official of the largest commune, the 20:30 leader
summary job builder (`handlers/pushes/collect.leader_summary`) for that commune, and the
commune's monthly Excel report (`/baocao thang M/YYYY`, written to a temporary directory).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.loadgen import pct  # noqa: E402
from bot.db import make_engine, make_sessionmaker  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from handlers.core.context import Capabilities  # noqa: E402
from handlers.core.messages import Incoming  # noqa: E402
from handlers.pushes.collect import JobContext, leader_summary  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAPS = Capabilities(buttons=True, location=True, documents=True, edit=True)
LEADER, OFFICIAL = "scale-leader", "scale-official"
REPORT = "/baocao this month (official)"


async def join(engine, commune_id: int) -> None:
    """The commune's first leader and a new official, each with a Telegram account (once)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    async with engine.begin() as conn:
        if await conn.scalar(
            text("SELECT 1 FROM channel_account WHERE user_id = :u"), {"u": LEADER}
        ):
            return
        leader = await conn.scalar(
            text("SELECT min(id) FROM member WHERE commune_id = :c AND role = 'leader'"),
            {"c": commune_id},
        )
        await conn.execute(
            text(
                "INSERT INTO member (commune_id, name, role, locale, active, reminders, "
                "created_at) VALUES (:c, 'Cán bộ xã', 'official', 'vi', true, true, :now)"
            ),
            {"c": commune_id, "now": now},
        )
        official = await conn.scalar(
            text("SELECT max(id) FROM member WHERE commune_id = :c AND role = 'official'"),
            {"c": commune_id},
        )
        for member_id, user in ((leader, LEADER), (official, OFFICIAL)):
            await conn.execute(
                text(
                    "INSERT INTO channel_account (member_id, channel, user_id, chat_id, bot, "
                    "created_at) VALUES (:m, 'telegram', :u, :u, '', :now)"
                ),
                {"m": member_id, "u": user, "now": now},
            )


def command(pipeline: Pipeline, user: str, line: str):
    async def turn() -> str:
        incoming = Incoming(
            channel="telegram",
            user_id=user,
            chat_id=user,
            message_id=uuid.uuid4().hex,
            sent_at=datetime.now(UTC),
            text=line,
        )
        replies = await pipeline.process(incoming, CAPS)
        return replies[0].text.splitlines()[0] if replies else ""

    return turn


def summary_job(sessionmaker, commune_id: int):
    async def turn() -> str:
        async with sessionmaker() as session:
            day = datetime.now(TZ).date()
            out = await leader_summary(JobContext(session, commune_id, day, TZ))
        return f"{len(out)} leader messages"

    return turn


async def measure(turn, n: int) -> tuple[float, float, str]:
    times, first = [], ""
    for i in range(n + 2):
        started = time.perf_counter()
        first = await turn()
        if i >= 2:  # the first runs warm the caches
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), pct(times, 0.99), first


async def cases_for(engine, *, tz: ZoneInfo = TZ):
    """The timed cases (name, turn) on the largest commune of the dataset."""
    sessionmaker = make_sessionmaker(engine)
    async with engine.connect() as conn:
        commune_id = await conn.scalar(text("SELECT max(commune_id) FROM conversion"))
    await join(engine, commune_id)
    files = Path(tempfile.mkdtemp(prefix="cdsbot-scale-"))
    pipeline = Pipeline(sessionmaker, tz=tz, default_locale="vi", files_dir=files)
    month = datetime.now(tz)
    return [
        ("/tiendo (official)", command(pipeline, OFFICIAL, "/tiendo")),
        ("/tiendo (leader)", command(pipeline, LEADER, "/tiendo")),
        ("/bangxephang (leader)", command(pipeline, LEADER, "/bangxephang")),
        ("/cuatoi (leader)", command(pipeline, LEADER, "/cuatoi")),
        ("/doi (leader)", command(pipeline, LEADER, "/doi")),
        ("20:30 leader summary job (commune)", summary_job(sessionmaker, commune_id)),
        (REPORT, command(pipeline, OFFICIAL, f"/baocao thang {month.month}/{month.year}")),
    ]


async def run(url: str, n: int, report_n: int) -> list[tuple[str, float, float, str]]:
    engine = make_engine(url)
    cases = await cases_for(engine)
    out = []
    for name, turn in cases:
        p50, p99, first = await measure(turn, report_n if name == REPORT else n)
        out.append((name, p50, p99, first))
    await engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--report-n", type=int, default=3)
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.url, args.n, args.report_n))
    print("| command | p50 ms | p99 ms | first reply line |\n|---|---|---|---|")
    for name, p50, p99, first in rows:
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {first[:60]} |")


if __name__ == "__main__":
    main()
