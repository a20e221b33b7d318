"""PostgreSQL reads the big tables (conversion, visit, household) by index for every command.

A generated dataset of 40 communes (~8.000 households, ~32.000 conversions) in a private
schema, so one commune is a small slice and a sequential scan would be the planner's real
choice if an index were missing. The SELECTs each command really issues are captured and
EXPLAINed with their parameters; enable_seqscan stays on.
"""

import uuid

import pytest
from sqlalchemy import text

from bench.gen import Plan, generate
from bench.plans import big_scans, plans_of
from bench.scale import cases_for
from bot.db import make_engine
from models.migrate import upgrade
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(PG_URL is None, reason="PostgreSQL: set TEST_DATABASE_URL")


@pytest.fixture
async def province():
    schema = f"plans_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await upgrade(engine)
        await generate(engine, Plan(communes=40, villages_per=2, households_per=100, days=60))
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


async def test_commands_read_conversions_visits_and_households_by_index(province):
    cases = await cases_for(province)
    seen = {}
    for name, turn in cases:
        plans = await plans_of(province, turn)
        assert plans, f"{name} issued no query on a big table"
        seen[name] = big_scans(plans)
    seq = {name: [s.table for s in scans if s.node == "Seq Scan"] for name, scans in seen.items()}
    assert all(not tables for tables in seq.values()), seq
    assert all(any(s.index for s in scans) for scans in seen.values())
