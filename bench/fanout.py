"""Fan-out benchmark: one reminder to COUNT members through the real Telegram channel to the
fake Telegram server enforcing 30 messages a second. Prints the achieved rate, 429s, lost and
duplicated messages, from the server's own log.

    .venv/bin/python -m bench.fanout --count 20000
    .venv/bin/python -m bench.fanout --count 20000 --kill-at 10000 --lease 10   # kill -9 mid-way
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.fakelog import accepted, report
from bot.db import make_engine, make_sessionmaker
from handlers.core.messages import Reply
from handlers.core.payload import to_payload
from models.migrate import upgrade
from models.outbox import OutboxMessage
from models.outbox import queue as oq
from tests.fakes.telegram_api import FakeTelegram, Limits

ROOT = Path(__file__).parents[1]


async def seed(db_url: str, count: int) -> list[str]:
    """COUNT outbox rows, one per member (as the nudge job writes them)."""
    engine = make_engine(db_url)
    await upgrade(engine)
    now = datetime.now(UTC)
    texts = []
    async with make_sessionmaker(engine)() as session, session.begin():
        for i in range(count):
            text = f"reminder #{i}"
            texts.append(text)
            await oq.enqueue(
                session, key=f"bench:{i}", channel="telegram", bot="", chat_id=str(10_000 + i),
                payload=to_payload([Reply(text)]), now=now,
            )  # fmt: skip
    await engine.dispose()
    return texts


async def start_drain(db_url: str, base: str, rate: int, lease: float):
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.drain", db_url, base,
        "--rate", str(rate), "--lease", str(lease), cwd=ROOT,
    )  # fmt: skip


async def in_flight(db_url: str) -> set[str]:
    """Texts of rows claimed but not settled: the only ones that may have gone out unrecorded."""
    engine = make_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(OutboxMessage.payload).where(OutboxMessage.status == oq.SENDING)
        )
        texts = {p["replies"][0]["text"] for (p,) in rows}
    await engine.dispose()
    return texts


async def kill_when(fake: FakeTelegram, proc, accepted_n: int) -> None:
    """SIGKILL the sender once the server has accepted `accepted_n` messages."""
    while len(accepted(fake)) < accepted_n and proc.returncode is None:
        await asyncio.sleep(0.05)
    proc.kill()  # no clean-up, no last commit
    await proc.wait()


async def run(count: int, rate: int, workdir: Path, kill_at: int = 0, lease: float = 60) -> dict:
    """Fan out through the real Telegram channel to the fake server; with `kill_at`, kill the
    sender after that many accepted messages and start it again."""
    db_url = f"sqlite+aiosqlite:///{workdir / 'fanout.sqlite3'}"
    expected = await seed(db_url, count)
    fake = FakeTelegram(limits=Limits(overall_per_second=rate, per_chat_per_second=1))
    base = await fake.start()
    started = time.monotonic()
    window: set[str] = set()
    try:
        proc = await start_drain(db_url, base, rate, lease)
        if kill_at:
            await kill_when(fake, proc, kill_at)
            window = await in_flight(db_url)
            proc = await start_drain(db_url, base, rate, lease)
        await proc.wait()
    finally:
        await fake.close()
    elapsed = time.monotonic() - started
    out = report(fake, expected)
    duplicated = out["duplicated"]
    out.update(count=count, limit=rate, wall_seconds=round(elapsed, 1))
    out["rate_share"] = f"{100 * out['rate'] / rate:.1f}%"
    out["duplicated"] = len(duplicated)
    if kill_at:
        out["in_flight_at_kill"] = len(window)
        out["duplicates_outside_window"] = len(set(duplicated) - window)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=30)
    parser.add_argument("--kill-at", type=int, default=0, help="SIGKILL after N accepted")
    parser.add_argument("--lease", type=float, default=60)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = asyncio.run(run(args.count, args.rate, Path(tmp), args.kill_at, args.lease))
    cpu = subprocess.run(["nproc"], check=False, capture_output=True, text=True).stdout.strip()
    out["machine"] = f"{platform.machine()} {cpu} cores, Python {platform.python_version()}"
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
