"""No personal data in logs or exception text when the database refuses a write: SQL
parameters are hidden on every engine and the driver's own row dump (PostgreSQL's DETAIL,
asyncpg's "invalid input for query argument $1: '…'") is scrubbed from the whole chain."""

from __future__ import annotations

import io
import logging
import random
import traceback
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.db import make_engine
from bot.logs import quiet_noisy_loggers
from bot.scheduler import JobScheduler
from tests.conftest import PG_URL, TZ

PERSONAL = ("Lan", "tg-lan", "Hải", "zl-hai", "Nam", "tg-nam")


def refuse_outbox(dialect: str) -> tuple[str, str]:
    """DDL that makes every outbox insert fail, and the DDL that undoes it."""
    if dialect == "sqlite":
        return (
            "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'outbox refused'); END",
            "DROP TRIGGER refuse_outbox",
        )
    # A CHECK violation makes PostgreSQL send the whole row back as DETAIL.
    return (
        "ALTER TABLE outbox ADD CONSTRAINT refuse_outbox CHECK (chat_id = '')",
        "ALTER TABLE outbox DROP CONSTRAINT refuse_outbox",
    )


@pytest.fixture
def captured():
    """The root logger as `cdsbot run` sets it up, writing into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    yield root, buffer
    root.removeHandler(handler)
    root.setLevel(old)


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
async def test_a_failing_scheduled_job_logs_no_name_or_chat_id(  # noqa: PLR0917
    engine, sessionmaker, clock, demo, team, captured, level
):
    root, buffer = captured
    root.setLevel(level)
    quiet_noisy_loggers()
    refuse, undo = refuse_outbox(engine.dialect.name)
    async with engine.begin() as conn:
        await conn.execute(text(refuse))
    try:
        clock.set_local(2026, 11, 25, 19, 5)  # the evening nudge to Lan, Hải and Nam is due
        sched = JobScheduler(
            sessionmaker, engine, tz=TZ, grace=timedelta(hours=1), clock=clock,
            lock_key=random.randint(1, 2**40),
        )  # fmt: skip
        await sched.reload()
        with pytest.raises(Exception) as raised:
            await sched.catch_up()
        await sched.tick()  # the minute tick logs the same failure with its traceback
        await sched.elector.release()
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(undo))
    shown = "".join(traceback.format_exception(raised.value))
    assert "outbox" in shown  # the error itself is still there to read
    logged = buffer.getvalue()
    assert "scheduler tick failed" in logged
    for word in PERSONAL:
        assert word not in shown, word
        assert word not in logged, word


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL: set TEST_DATABASE_URL")
async def test_asyncpg_does_not_quote_a_bad_argument():
    typed = "Nguyễn Thị Lan 0912345678"  # a name where a number belongs
    engine = make_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            with pytest.raises(Exception) as raised:
                await conn.execute(text("SELECT :n + 1"), {"n": typed})
    finally:
        await engine.dispose()
    shown = "".join(traceback.format_exception(raised.value))
    assert "query argument $1 (value hidden)" in shown
    assert "Nguy" not in shown and "0912" not in shown
