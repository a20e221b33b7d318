"""SQLite statements go to aiosqlite's thread once each (bot/db.py `_OneHopCursor`), with the
same results as aiosqlite's own cursor: rows, rowcount, lastrowid, errors, streaming."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

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


async def test_one_trip_to_the_thread_per_statement(engine):
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
        assert counting.puts == 6


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
