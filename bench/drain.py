"""A sender process: drains a database's outbox into a sink until nothing is left.

`python -m bench.drain DB_URL SINK_URL [--rate 30] [--lease 2]` — used by the fan-out
benchmark and the kill test (which `kill -9`s it mid-way and starts it again).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from bench.sink import SinkChannel
from bot.db import make_engine, make_sessionmaker
from bot.outbox import ChannelLimits, Limit, Sender
from models import outbox_queue as oq


async def drain(db_url: str, sink_url: str, rate: int, lease: float) -> None:
    engine = make_engine(db_url)
    sessionmaker = make_sessionmaker(engine)
    channel = SinkChannel(sink_url)
    await channel.start()
    limits = {"telegram": ChannelLimits(Limit(rate, 1.05), Limit(1, 1.0), Limit(20, 60.0))}
    sender = Sender(
        sessionmaker, {"telegram": channel}, limits=limits, lease=timedelta(seconds=lease),
        poll=0.2,
    )  # fmt: skip
    try:
        while True:
            await sender.drain()
            async with sessionmaker() as session:
                if not await oq.count_waiting(session):
                    break
            await asyncio.sleep(0.2)
    finally:
        await channel.stop()
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("sink_url")
    parser.add_argument("--rate", type=int, default=30)
    parser.add_argument("--lease", type=float, default=60)
    args = parser.parse_args(argv)
    asyncio.run(drain(args.db_url, args.sink_url, args.rate, args.lease))


if __name__ == "__main__":
    main()
