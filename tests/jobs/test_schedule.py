"""The scheduler: rules from commune settings, the Sunday rule, catching up after a restart
within the grace window, never twice for one scheduled time, and one leader on PostgreSQL."""

import asyncio
import random
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from bot.scheduler import Elector, JobScheduler
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming
from models.inbound import Inbound
from models.outbox import JobRun
from models.schedule import JOB_DEFAULTS
from tests.conftest import PG_URL, TZ, pg_engine
from tests.jobs.helpers import outbox_rows


def scheduler(sessionmaker, engine, clock, hours: float = 2) -> JobScheduler:
    # A lock key of its own: advisory locks are per database, and test runs share one.
    key = random.randint(1, 2**40)
    return JobScheduler(
        sessionmaker, engine, tz=TZ, grace=timedelta(hours=hours), clock=clock, lock_key=key
    )


async def runs(sessionmaker) -> list[tuple[str, str]]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(JobRun).order_by(JobRun.id))).scalars()
        return [(r.job, r.scheduled_for.astimezone(TZ).strftime("%a %d/%m %H:%M")) for r in rows]


async def test_restart_within_the_grace_window_runs_the_missed_job_once(
    sessionmaker, engine, clock, demo, team
):
    # The bot was down at 19:00 and comes back at 20:10 (grace 2 h).
    clock.set_local(2026, 11, 25, 19, 59)
    sched = scheduler(sessionmaker, engine, clock)
    await sched.reload()
    assert await sched.catch_up() == 1
    assert await runs(sessionmaker) == [("nudge", "Wed 25/11 19:00")]
    assert len(await outbox_rows(sessionmaker)) == 3
    # Another start (or the next minute's tick) runs nothing again.
    clock.advance(minutes=11)
    again = scheduler(sessionmaker, engine, clock)
    await again.reload()
    assert await again.catch_up() == 1  # the 20:00 leaderboard, not the nudge
    assert [job for job, _ in await runs(sessionmaker)] == ["nudge", "leaderboard"]


async def test_restart_beyond_the_grace_window_skips_the_missed_job(
    sessionmaker, engine, clock, demo, team
):
    clock.set_local(2026, 11, 25, 21, 1)
    sched = scheduler(sessionmaker, engine, clock, hours=2)
    await sched.reload()
    await sched.catch_up()
    assert [job for job, _ in await runs(sessionmaker)] == ["leaderboard", "leader-summary"]


async def test_nudge_is_not_sent_on_sundays_by_default(sessionmaker, engine, clock, demo, team):
    clock.set_local(2026, 11, 29, 19, 5)  # a Sunday
    sched = scheduler(sessionmaker, engine, clock, hours=0.5)
    await sched.reload()
    assert await sched.catch_up() == 0
    clock.set_local(2026, 11, 30, 19, 5)  # Monday
    assert await sched.catch_up() == 1
    assert await runs(sessionmaker) == [("nudge", "Mon 30/11 19:00")]


async def test_an_officials_new_time_takes_effect_without_restart(
    sessionmaker, engine, clock, demo, team
):
    sched = scheduler(sessionmaker, engine, clock, hours=0.25)
    await sched.reload()
    await team["hoa"].say("/caidat nhac 18h30")
    assert team["hoa"].text == "Đã đổi nhắc buổi tối sang 18:30."
    await team["hoa"].say("/caidat")
    assert "• nhac — nhắc buổi tối: 18:30" in team["hoa"].text
    await sched.reload()  # what the minute tick does
    clock.set_local(2026, 11, 25, 18, 31)
    assert await sched.catch_up() == 1
    clock.set_local(2026, 11, 25, 19, 1)
    assert await sched.catch_up() == 0
    await team["hoa"].say("/caidat nhac tat")
    assert team["hoa"].text == "Đã tắt nhắc buổi tối."
    await sched.reload()
    clock.set_local(2026, 11, 26, 18, 31)
    assert await sched.catch_up() == 0
    assert await runs(sessionmaker) == [("nudge", "Wed 25/11 18:30")]


async def test_caidat_is_for_officials_and_explains_bad_input(team):
    await team["lan"].say("/caidat nhac 19:30")
    assert "không dành cho vai trò" in team["lan"].text
    await team["hoa"].say("/caidat nhac 25:99")
    assert team["hoa"].text == "Mình chưa hiểu giờ. Anh/chị gõ dạng 19:30 nhé."


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL: set TEST_DATABASE_URL")
async def test_only_one_worker_holds_the_scheduler_lock_and_another_takes_over(pg_schema):
    first, second = pg_engine(pg_schema), pg_engine(pg_schema)
    key = random.randint(1, 2**40)
    a, b = Elector(first, key), Elector(second, key)
    try:
        assert await a.lead() is True
        assert await b.lead() is False
        assert await a.lead() is True  # still held on the next tick
        await a.conn.invalidate()  # the leader's connection dies (process killed)
        await first.dispose()
        assert await b.lead() is True
        assert await a.lead() is False
    finally:
        await a.release()
        await b.release()
        await first.dispose()
        await second.dispose()


async def test_the_running_scheduler_keeps_one_cron_job_per_commune_and_job(
    sessionmaker, engine, clock, demo, team
):
    clock.set_local(2026, 11, 25, 12, 0)  # nothing due within the grace window
    sched = scheduler(sessionmaker, engine, clock)
    sched.start()
    try:
        for _ in range(50):
            if len(sched.aps.get_jobs()) > 1:
                break
            await asyncio.sleep(0.05)
        ids = sorted(job.id for job in sched.aps.get_jobs())
        assert ids == sorted(["tick"] + [f"{j}:{demo.commune_id}" for j in JOB_DEFAULTS])
        nudge = sched.aps.get_job(f"nudge:{demo.commune_id}")
        assert (
            nudge.next_run_time.astimezone(TZ).strftime("%H:%M") == "19:00"
        )  # APScheduler: wall clock
        await team["hoa"].say("/caidat sang tat")
        await team["hoa"].say("/caidat nhac 18:45")
        await sched.tick()
        assert sched.aps.get_job(f"morning:{demo.commune_id}") is None
        nudge = sched.aps.get_job(f"nudge:{demo.commune_id}")
        assert nudge.next_run_time.astimezone(TZ).strftime("%H:%M") == "18:45"
        assert sched.leading
    finally:
        await sched.stop()


async def test_the_leader_drops_handled_message_keys_after_a_week_and_keeps_failed_ones(
    sessionmaker, engine, clock, pipeline, demo
):
    async def say(key: str) -> list:
        incoming = Incoming("telegram", "u1", "u1", key, clock.now.astimezone(UTC), text="/start")
        return await pipeline.process(incoming, Capabilities())

    assert await say("old")
    async with sessionmaker() as session, session.begin():
        session.add(Inbound(channel="telegram", message_key="old-failed", status="failed",
                            payload={"text": "kept"}, received_at=clock.now))  # fmt: skip
    clock.advance(days=6, hours=23)
    assert await say("recent")
    assert await say("old") == []  # a retry within the week is still recognised
    sched = scheduler(sessionmaker, engine, clock)
    clock.advance(hours=2)
    await sched.tick()  # the leader's minute tick prunes
    async with sessionmaker() as session:
        keys = (await session.execute(select(Inbound.message_key, Inbound.status))).all()
    assert sorted(keys) == [("old-failed", "failed"), ("recent", "done")]
    # Once an hour: the next tick within the hour does not prune again.
    assert await sched.housekeeping() == 0
    clock.advance(hours=1)
    assert await sched.housekeeping() == 0  # nothing else is old enough yet
    await sched.stop()
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Inbound)) == 2
