"""A sender process: drains a database's outbox through the real Telegram channel until nothing
is left.

`python -m bench.drain DB_URL API_BASE [--rate 30] [--lease 2]` — used by the
fan-out benchmark and the kill test (which `kill -9`s it mid-way and starts it again); API_BASE
is the fake Telegram server's address (tests/fakes/telegram_api.py).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from bot.channels.telegram import TelegramChannel
from bot.db import make_engine, make_sessionmaker
from bot.outbox import TELEGRAM_LIMITS, ChannelLimits, Limit, Sender
from models.base import utcnow
from models.outbox import queue as oq

TOKEN = "123456:TEST-token"  # the fake server's token


class SendOnly:
    """The channel needs a pipeline for incoming updates; this process only sends."""

    clock = staticmethod(utcnow)

    async def process(self, incoming, caps):  # noqa: ANN001, ANN201
        raise RuntimeError("bench.drain receives no updates")


async def drain(db_url: str, api_base: str, rate: int, lease: float) -> None:
    engine = make_engine(db_url)
    sessionmaker = make_sessionmaker(engine)
    channel = TelegramChannel(SendOnly(), sessionmaker, token=TOKEN, api_base=api_base)
    limits = ChannelLimits(Limit(rate, 1.05), TELEGRAM_LIMITS.per_chat, TELEGRAM_LIMITS.per_group)
    sender = Sender(
        sessionmaker, {"telegram": channel}, limits={"telegram": limits},
        lease=timedelta(seconds=lease), poll=0.2,
    )  # fmt: skip
    try:
        while True:
            await sender.drain()
            async with sessionmaker() as session:
                if not await oq.count_waiting(session):
                    break
            await asyncio.sleep(0.2)
    finally:
        await channel.bot.session.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("api_base")
    parser.add_argument("--rate", type=int, default=30)
    parser.add_argument("--lease", type=float, default=60)
    args = parser.parse_args(argv)
    asyncio.run(drain(args.db_url, args.api_base, args.rate, args.lease))


if __name__ == "__main__":
    main()
