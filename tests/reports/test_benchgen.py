"""The benchmark generator loads consistent data on both databases (a tiny plan)."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bench.gen import Plan, generate
from models import Conversion, Household, Target
from models.base import metadata
from models.indicators.catalogue import CATALOGUE
from models.progress import progress


def schema_diff(connection):
    ctx = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(ctx, metadata)


NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def test_generated_commune_progress_equals_a_recount(engine, sessionmaker):
    result = await generate(engine, Plan(communes=2, villages_per=3, households_per=20), now=NOW)
    assert result["rows"]["household"] == 120
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Household)) == 120
        commune_id = await session.scalar(select(func.min(Conversion.commune_id)))
        rows = await progress(session, commune_id=commune_id, today=NOW.date())
        whole = [r for r in rows if r.village_id is None]
        for row in whole:
            recount = await session.scalar(
                select(func.count()).where(
                    Conversion.commune_id == commune_id,
                    Conversion.indicator_id == row.indicator_id,
                )
            )
            people = await session.scalar(
                select(func.sum(Conversion.people)).where(
                    Conversion.commune_id == commune_id,
                    Conversion.indicator_id == row.indicator_id,
                )
            )
            assert row.achieved in {recount, people or 0}
        assert len(whole) == len(CATALOGUE) and await session.scalar(
            select(func.count()).select_from(Target)
        ) == 2 * (3 + 1) * len(CATALOGUE)
    # The indexes dropped for the bulk load are all back: the schema still matches the models.
    async with engine.connect() as conn:
        assert await conn.run_sync(schema_diff) == []
    # A second run continues the ids instead of colliding.
    again = await generate(engine, Plan(communes=1, villages_per=1, households_per=5), now=NOW)
    assert again["rows"]["commune"] == 1
