"""The outbox sender: platform limits, 429, 403, 5xx, quota, and two workers on one table."""

import asyncio

import pytest
from sqlalchemy import select

from bot.channels.base import Delivery
from bot.db import make_sessionmaker
from bot.jobs import run_now
from bot.outbox import TELEGRAM_LIMITS, ChannelLimits, Limit, Sender, zalo_limits
from handlers.core.messages import Reply
from handlers.core.payload import to_payload
from models.members import ChannelAccount
from models.outbox import queue as oq
from tests.conftest import TZ, pg_engine
from tests.jobs.helpers import RecordingChannel, log_visit, outbox_rows


async def queue(sessionmaker, clock, chats: list[str], channel: str = "telegram") -> None:
    async with sessionmaker() as session, session.begin():
        for i, chat_id in enumerate(chats):
            await oq.enqueue(
                session,
                key=f"test:{i}:{chat_id}",
                channel=channel,
                bot="",
                chat_id=chat_id,
                payload=to_payload([Reply(f"message {i}")]),
                now=clock.now,
            )


async def drain_all(sender: Sender, sessionmaker, clock, *, step: float = 1, pause=0.0) -> None:
    """Drain, letting (test) time pass until nothing is left to send."""
    for _ in range(60):
        await sender.drain()
        async with sessionmaker() as session:
            left = await oq.count_waiting(session)
        if not left:
            return
        clock.advance(seconds=step)
        await asyncio.sleep(pause)
    raise AssertionError("outbox never drained")


async def statuses(sessionmaker) -> list[tuple[str, str, int, str | None]]:
    return [(r.chat_id, r.status, r.attempts, r.error) for r in await outbox_rows(sessionmaker)]


async def test_sender_never_exceeds_the_overall_per_chat_and_per_group_limits(
    sessionmaker, clock, telegram, zalo
):
    limits = ChannelLimits(TELEGRAM_LIMITS.overall, Limit(1, 0.3), Limit(3, 1.0))
    sender = Sender(sessionmaker, {"telegram": telegram}, limits={"telegram": limits},
                    clock=clock)  # fmt: skip
    chats = [f"u{i}" for i in range(60)] + ["same"] * 4 + ["-100"] * 5
    await queue(sessionmaker, clock, chats)
    await drain_all(sender, sessionmaker, clock, pause=0.3)
    assert len(telegram.sent) == len(chats)
    assert sorted(s.chat_id for s in telegram.sent) == sorted(chats)
    assert telegram.max_in_window(1.0) <= 30
    # Times are taken when the request starts, a few ms after the pacer let it go.
    assert telegram.max_in_window(0.25, "same") == 1
    assert telegram.max_in_window(0.95, "-100") <= 3
    assert {status for _, status, _, _ in await statuses(sessionmaker)} == {"sent"}


async def test_429_pauses_the_channel_for_retry_after_and_resends_once(
    sessionmaker, clock, telegram, sender
):
    telegram.script("c1", Delivery(ok=False, retry_after=0.4, error="429"))
    await queue(sessionmaker, clock, ["c1", "c2", "c3"])
    await sender.drain()
    assert [s.chat_id for s in telegram.sent] == ["c2", "c3"] or len(telegram.sent) <= 2
    clock.advance(seconds=1)
    await drain_all(sender, sessionmaker, clock, pause=0.1)
    assert telegram.attempts.count("c1") == 2
    assert sorted(s.chat_id for s in telegram.sent) == ["c1", "c2", "c3"]
    # The 429 does not count as a failed attempt.
    assert ("c1", "sent", 1, None) in await statuses(sessionmaker)


async def test_403_marks_the_account_unreachable_until_the_user_writes_again(  # noqa: PLR0917
    sessionmaker, clock, telegram, sender, demo, team
):
    clock.set_local(2026, 11, 25, 19, 0)
    telegram.script("tg-lan", Delivery(ok=False, unreachable=True, error="403 blocked"))
    await queue(sessionmaker, clock, ["tg-lan", "tg-lan"])
    await sender.drain()
    assert telegram.sent == []
    assert sorted((s[1], s[3]) for s in await statuses(sessionmaker)) == [
        ("failed", "unreachable"),
        ("skipped", "unreachable"),
    ]
    async with sessionmaker() as session:
        account = (
            await session.execute(select(ChannelAccount).where(ChannelAccount.user_id == "tg-lan"))
        ).scalar_one()
    assert account.unreachable_since == clock.now
    commune = demo.commune_id
    await run_now(sessionmaker, job="nudge", commune_id=commune, tz=TZ, now=clock.now)
    nudged = {r.chat_id for r in await outbox_rows(sessionmaker) if r.job == "nudge"}
    assert "tg-lan" not in nudged
    await team["lan"].say("/trogiup")  # she unblocks the bot and writes
    clock.set_local(2026, 11, 26, 19, 0)
    await run_now(sessionmaker, job="nudge", commune_id=commune, tz=TZ, now=clock.now)
    nudged = {r.chat_id for r in await outbox_rows(sessionmaker) if "2026-11-26" in r.key}
    assert "tg-lan" in nudged


async def test_server_errors_are_retried_with_backoff_then_sent(
    sessionmaker, clock, telegram, sender
):
    failure = Delivery(ok=False, transient=True, error="502")
    telegram.script("c1", failure, failure)
    await queue(sessionmaker, clock, ["c1"])
    await sender.drain()
    assert await statuses(sessionmaker) == [("c1", "pending", 1, "502")]
    clock.advance(seconds=4)
    await sender.drain()
    assert telegram.attempts == ["c1"]  # 5 s backoff not over yet
    clock.advance(seconds=1)
    await sender.drain()
    clock.advance(seconds=10)
    await sender.drain()
    assert telegram.attempts == ["c1"] * 3
    assert await statuses(sessionmaker) == [("c1", "sent", 3, None)]


async def test_a_spent_quota_skips_the_message_with_the_reason(sessionmaker, clock, zalo, sender):
    zalo.script("z1", Delivery(ok=False, error="quota"))
    await queue(sessionmaker, clock, ["z1"], channel="zalo")
    await sender.drain()
    assert await statuses(sessionmaker) == [("z1", "skipped", 1, "quota")]


async def test_rows_queued_by_another_process_are_sent_by_the_running_sender(
    sessionmaker, clock, telegram, sender
):
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    await asyncio.sleep(0.1)
    await queue(sessionmaker, clock, ["late"])  # as `cdsbot jobs run` does from its process
    for _ in range(40):
        if telegram.sent:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await running
    assert [s.chat_id for s in telegram.sent] == ["late"]


async def test_two_workers_on_postgresql_never_send_the_same_key_twice(
    engine, pg_schema, sessionmaker, clock
):
    if engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite runs one process")
    other = pg_engine(pg_schema)
    channel = RecordingChannel("telegram")
    fast = {"telegram": ChannelLimits(Limit(1000, 1.0))}
    workers = [
        Sender(maker, {"telegram": channel}, limits=fast, clock=clock, concurrency=4)
        for maker in (sessionmaker, make_sessionmaker(other))
    ]
    await queue(sessionmaker, clock, [f"u{i}" for i in range(300)])
    try:
        await asyncio.gather(*(w.drain() for w in workers))
    finally:
        await other.dispose()
    sent = [s.chat_id for s in channel.sent]
    assert len(sent) == 300 and len(set(sent)) == 300
    assert all(status == "sent" for _, status, _, _ in await statuses(sessionmaker))


async def test_jobs_run_nudge_twice_reaches_each_idle_member_once_on_their_own_app(  # noqa: PLR0917
    sessionmaker, clock, telegram, zalo, sender, demo, team
):
    clock.set_local(2026, 11, 25, 19, 0)
    await log_visit(sessionmaker, "Lê Văn Nam", clock.now)
    for _ in range(2):
        await run_now(sessionmaker, job="nudge", commune_id=demo.commune_id, tz=TZ, now=clock.now)
        await sender.drain()
    assert [s.chat_id for s in telegram.sent] == ["tg-lan"]
    assert [s.chat_id for s in zalo.sent] == ["zl-hai"]
    assert zalo.sent[0].text.startswith("Anh/chị Hải ơi, hôm nay anh/chị chưa ghi lượt thăm nào.")


async def test_zalo_pushes_stay_within_the_configured_rate(sessionmaker, clock, zalo):
    sender = Sender(sessionmaker, {"zalo": zalo}, limits={"zalo": zalo_limits(5)}, clock=clock)
    await queue(sessionmaker, clock, [f"z{i}" for i in range(12)], channel="zalo")
    await drain_all(sender, sessionmaker, clock)
    assert len(zalo.sent) == 12
    assert zalo.max_in_window(1.0) <= 5


def test_a_429_slows_the_pace_for_a_minute_then_it_recovers():
    from bot.outbox import RECOVER, Window

    window = Window(Limit(30, 1.05), smooth=True)
    window.slow_down(100.0)
    assert window.limit.period > 1.05
    window.wait(100.0 + RECOVER / 2)
    assert window.limit.period > 1.05
    window.wait(100.0 + RECOVER + 1)
    assert window.limit.period == 1.05 and window.gap == 1.05 / 30
