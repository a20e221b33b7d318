"""Several workers on PostgreSQL: only the scheduler's leader sends pushes (so each platform's
per-bot limits hold exactly), and another worker takes both over when the leader dies."""

import asyncio
import random
from datetime import timedelta

import pytest

from bot.db import make_sessionmaker
from bot.outbox import Sender
from bot.scheduler import JobScheduler
from tests.conftest import TZ, pg_engine
from tests.jobs.helpers import RecordingChannel
from tests.jobs.test_real_channels import queue, run_until_empty


async def test_only_the_scheduler_leader_drains_the_outbox_and_another_takes_over(
    engine, pg_schema, sessionmaker
):
    if engine.dialect.name != "postgresql":
        pytest.skip("one process does everything on SQLite")
    key = random.randint(1, 2**40)
    engines = [pg_engine(pg_schema), pg_engine(pg_schema)]
    workers = []
    for eng in engines:
        maker = make_sessionmaker(eng)
        scheduler = JobScheduler(maker, eng, tz=TZ, grace=timedelta(hours=2), lock_key=key)
        channel = RecordingChannel("telegram")
        sender = Sender(
            maker, {"telegram": channel}, poll=0.05,
            active=lambda s=scheduler: s.leading,
        )  # fmt: skip
        workers.append((scheduler, channel, sender))
    (a, a_sent, a_sender), (b, b_sent, b_sender) = workers
    try:
        await a.tick()
        await b.tick()
        assert (a.leading, b.leading) == (True, False)
        await queue(sessionmaker, [str(100 + i) for i in range(20)], tag="first")
        # Both senders run; only the leader's sends.
        await run_both(a_sender, b_sender, sessionmaker)
        assert len(a_sent.sent) == 20 and b_sent.sent == []
        await a.elector.conn.invalidate()  # the leader's process dies
        await engines[0].dispose()
        await b.tick()
        assert b.leading
        await queue(sessionmaker, [str(200 + i) for i in range(5)], tag="second")
        await run_until_empty(b_sender, sessionmaker)
        assert len(b_sent.sent) == 5
    finally:
        for scheduler, _, _ in workers:
            await scheduler.elector.release()
        for eng in engines:
            await eng.dispose()


async def run_both(leader: Sender, other: Sender, sessionmaker) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(other.run(stop))
    try:
        await run_until_empty(leader, sessionmaker)
    finally:
        stop.set()
        await task
