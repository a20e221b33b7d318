"""SQLite statements run on the event loop (bot/db.py `_InlineCursor`), not on aiosqlite's
thread, with the same results as aiosqlite's own cursor (rows, rowcount, lastrowid, errors,
streaming); a database another process has locked is waited for without blocking the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot import db
from bot.db import make_engine


class CountingQueue:
    """Stands in for the aiosqlite connection's queue to its thread, counting the trips."""

    def __init__(self, queue) -> None:  # noqa: ANN001
        self.queue, self.puts = queue, 0

    def put_nowait(self, item) -> None:  # noqa: ANN001
        self.puts += 1
        self.queue.put_nowait(item)


@pytest.fixture
async def engine(tmp_path):
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hop.sqlite3'}")
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT UNIQUE)"))
    yield eng
    await eng.dispose()


async def test_no_trip_to_the_thread_for_a_statement(engine):
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        driver = (await conn.get_raw_connection()).driver_connection
        counting = driver._tx = CountingQueue(driver._tx)
        try:
            for n in range(5):
                await conn.execute(text("INSERT INTO t (b) VALUES (:b)"), {"b": f"x{n}"})
            rows = (await conn.execute(text("SELECT b FROM t ORDER BY id"))).all()
        finally:
            driver._tx = counting.queue
        assert [r.b for r in rows] == [f"x{n}" for n in range(5)]
        # aiosqlite's cursor: cursor, execute, (fetchall,) close = 3–4 trips per statement.
        assert counting.puts == 0


async def test_same_results_as_aiosqlite(engine):
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (b) VALUES ('a')"))
        assert inserted.rowcount == 1
        assert inserted.lastrowid == 1
        many = await conn.execute(text("INSERT INTO t (b) VALUES (:b)"), [{"b": "b"}, {"b": "c"}])
        assert many.rowcount == 2
        changed = await conn.execute(text("UPDATE t SET b = b || '!' WHERE id > 1"))
        assert changed.rowcount == 2
        returned = await conn.execute(text("INSERT INTO t (b) VALUES ('d') RETURNING id, b"))
        assert returned.all() == [(4, "d")]
        result = await conn.execute(text("SELECT id, b FROM t ORDER BY id"))
        assert list(result.keys()) == ["id", "b"]
        assert result.all() == [(1, "a"), (2, "b!"), (3, "c!"), (4, "d")]
        assert (await conn.execute(text("SELECT b FROM t WHERE id = 99"))).first() is None
        streamed = await conn.stream(text("SELECT id FROM t ORDER BY id"))
        assert [row.id async for row in streamed] == [1, 2, 3, 4]
    async with engine.connect() as conn:
        with pytest.raises(IntegrityError):
            await conn.execute(text("INSERT INTO t (b) VALUES ('a')"))
        await conn.rollback()
        with pytest.raises(OperationalError):
            await conn.execute(text("SELECT nope FROM t"))


def other_process(engine) -> sqlite3.Connection:
    """Another program's connection to the same file (the CLI, an import), in autocommit."""
    return sqlite3.connect(engine.url.database, isolation_level=None, check_same_thread=False)


async def test_a_locked_database_is_waited_for_with_the_loop_running(engine):
    holder = other_process(engine)
    holder.execute("BEGIN IMMEDIATE")  # another process's write lock
    holder.execute("INSERT INTO t (b) VALUES ('held')")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    # The holder commits from the loop itself: only an unblocked loop ever lets go of it.
    asyncio.get_running_loop().call_later(0.4, holder.execute, "COMMIT")
    started = time.monotonic()
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (b) VALUES ('mine')"))
    finally:
        ticker.cancel()
        holder.close()
    assert 0.35 < time.monotonic() - started < 5
    assert ticks >= 20  # the loop ran other work all through the wait
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT b FROM t ORDER BY id"))).scalars().all() == [
            "held",
            "mine",
        ]


async def test_a_lock_held_too_long_is_an_error(engine, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.3)
    holder = other_process(engine)
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (b) VALUES ('mine')"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert 0.3 <= time.monotonic() - started < 3
