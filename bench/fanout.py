"""Fan-out benchmark: one reminder to COUNT members through a loopback server that enforces
30 messages a second. Prints the achieved rate, 429s, lost and duplicated messages.

    .venv/bin/python -m bench.fanout --count 20000
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

from bench.sink import Sink
from bot.db import make_engine, make_sessionmaker
from handlers.messages import Reply
from handlers.payload import to_payload
from models import outbox_queue as oq
from models.migrate import upgrade


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


async def run(count: int, rate: int, workdir: Path) -> dict:
    db_url = f"sqlite+aiosqlite:///{workdir / 'fanout.sqlite3'}"
    expected = await seed(db_url, count)
    sink = Sink(rate=rate)
    url = await sink.start()
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.drain", db_url, url, "--rate", str(rate)
    )
    await proc.wait()
    elapsed = time.monotonic() - started
    await sink.stop()
    report = sink.report(expected)
    report.update(count=count, limit=rate, wall_seconds=round(elapsed, 1))
    report["rate_share"] = f"{100 * report['rate'] / rate:.1f}%"
    report["duplicated"] = len(report["duplicated"])
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        report = asyncio.run(run(args.count, args.rate, Path(tmp)))
    cpu = subprocess.run(["nproc"], check=False, capture_output=True, text=True).stdout.strip()
    report["machine"] = f"{platform.machine()} {cpu} cores, Python {platform.python_version()}"
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
