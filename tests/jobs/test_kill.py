"""A real sender process killed with SIGKILL mid-fan-out and started again: nothing is lost, and
a message can go twice only if its request was on the wire when the process died."""

import asyncio
import shutil
import sys
from pathlib import Path

from sqlalchemy import select

from bench.fanout import seed
from bench.sink import Sink
from bot.db import make_engine, make_sessionmaker
from models.outbox import OutboxMessage

ROOT = Path(__file__).parents[2]
COUNT, RATE, CONCURRENCY = 400, 100, 8


async def start_sender(db_url: str, sink_url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.drain", db_url, sink_url,
        "--rate", str(RATE), "--lease", "3", cwd=ROOT,
    )  # fmt: skip


async def in_flight(db_url: str) -> set[str]:
    """Texts of rows claimed but not settled: the only ones that may have gone out unrecorded."""
    engine = make_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(OutboxMessage.payload).where(OutboxMessage.status == "sending")
        )
        texts = {p["replies"][0]["text"] for (p,) in rows}
    await engine.dispose()
    return texts


async def test_kill_9_mid_fanout_then_restart_delivers_everything_once(tmp_path, sqlite_template):
    path = tmp_path / "kill.sqlite3"
    shutil.copy(sqlite_template, path)
    db_url = f"sqlite+aiosqlite:///{path}"
    expected = await seed(db_url, COUNT)
    sink = Sink(rate=RATE)
    url = await sink.start()
    try:
        proc = await start_sender(db_url, url)
        for _ in range(600):
            if len(sink.received) >= COUNT // 3:
                break
            await asyncio.sleep(0.05)
        proc.kill()  # SIGKILL: no clean-up, no last commit
        await proc.wait()
        before = len(sink.received)
        assert 0 < before < COUNT
        window = await in_flight(db_url)
        proc = await start_sender(db_url, url)
        assert await asyncio.wait_for(proc.wait(), 120) == 0
    finally:
        await sink.stop()
    report = sink.report(expected)
    assert report["lost"] == 0
    # Exactly once, except rows whose request was out when the process died (bounded by the
    # sender's concurrency); in practice on loopback this is almost always zero.
    assert set(report["duplicated"]) <= window
    assert len(report["duplicated"]) <= CONCURRENCY
    assert report["received"] == COUNT + len(report["duplicated"])
