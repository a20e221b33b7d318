"""PostgreSQL connections the server dropped (a restart, pg_terminate_backend) are recovered
without `pool_pre_ping` (bot/db.py): the pool sees a closed socket at checkout, and a turn
whose first statement finds its connection dead runs again on a new one (bot/pipeline.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select, text

from bot import db
from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from handlers.core.messages import Incoming
from models import Inbound
from tests.conftest import PG_URL, TEXT_CAPS, TZ

pytestmark = pytest.mark.skipif(PG_URL is None, reason="PostgreSQL: set TEST_DATABASE_URL")


async def _terminate(admin, name: str) -> int:
    """Terminate the named engine's server processes and wait until each has exited."""
    async with admin.connect() as conn:
        killed = await conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": name},
        )
        return killed.scalar_one()


def _engine(pg_schema: str, name: str):
    return make_engine(
        PG_URL,
        connect_args={"server_settings": {"search_path": pg_schema, "application_name": name}},
    )


async def test_no_pre_ping_round_trip_on_checkout(pg_schema):
    name = f"cds-ping-{uuid.uuid4().hex[:8]}"
    engine = _engine(pg_schema, name)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        async with engine.connect() as conn:  # the pooled connection again: no ping first
            await conn.execute(text("SELECT 2"))
        assert not engine.pool._pre_ping
        assert statements == ["SELECT 1", "SELECT 2"]
    finally:
        await engine.dispose()


async def test_a_connection_the_server_closed_is_not_handed_out(pg_schema):
    """Jobs, the web page and the sender use the pool without the pipeline's second try."""
    name = f"cds-closed-{uuid.uuid4().hex[:8]}"
    engine = _engine(pg_schema, name)
    admin = make_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert await _terminate(admin, name) == 1
        async with engine.connect() as conn:
            second = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_a_turn_whose_connection_died_unnoticed_runs_again(pg_schema, clock):
    """The checkout check switched off, as when the server's goodbye has not arrived yet: the
    turn's first statement fails on the dead connection, and the turn is handled once on a new
    one (the person gets the answer, not the apology)."""
    name = f"cds-again-{uuid.uuid4().hex[:8]}"
    engine = _engine(pg_schema, name)
    event.remove(engine.sync_engine, "checkout", db._closed_by_server)
    admin = make_engine(PG_URL)
    sessionmaker = make_sessionmaker(engine)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("TRUNCATE member, channel_account, conversation, inbound CASCADE")
            )
        pipeline = Pipeline(sessionmaker, tz=TZ, clock=clock)

        def incoming(text_: str) -> Incoming:
            return Incoming(
                channel="console", user_id="lan", chat_id="lan",
                message_id=uuid.uuid4().hex, sent_at=clock.now, text=text_,
            )  # fmt: skip

        first = await pipeline.process(incoming("/start"), TEXT_CAPS)
        assert "mã mời" in first[0].text
        assert await _terminate(admin, name) == 1
        again = await pipeline.process(incoming("/start"), TEXT_CAPS)
        assert "mã mời" in again[0].text
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(Inbound)) == 2
    finally:
        await engine.dispose()
        await admin.dispose()
