"""Each worker keeps a commune's indicator list by (commune, catalogue_rev) (issue 18).

The database's triggers (migration 0008) give a commune a new random `catalogue_rev` whenever
its list changes; a turn reads the number with its member, so a visit step costs no catalogue
statement, and a change made by another worker is in the very next turn.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, event, insert, select, text, update

from bot.db import make_engine
from models import Commune, CommuneIndicator, Indicator
from tests.conftest import BUTTON_CAPS, PG_URL, pg_engine

SQLITE_TRIGGERS = {
    "catalogue_rev_commune",
    "catalogue_rev_link_insert",
    "catalogue_rev_link_update",
    "catalogue_rev_link_delete",
    "catalogue_rev_indicator_insert",
    "catalogue_rev_indicator_update",
    "catalogue_rev_indicator_delete",
}
READS_CATALOGUE = re.compile(r"\b(FROM|JOIN)\s+(commune_)?indicator\b")
PG_TRIGGERS = {
    "catalogue_rev_commune",
    "catalogue_rev_link",
    "catalogue_rev_link_truncate",
    "catalogue_rev_indicator",
    "catalogue_rev_indicator_truncate",
}


def other_worker(engine, pg_schema):
    """Another worker's engine on the same database (its own pool, its own sessions)."""
    if engine.dialect.name == "sqlite":
        return make_engine(engine.url.render_as_string(hide_password=False))
    return pg_engine(pg_schema)


def catalogue_statements(engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args) -> None:
        if READS_CATALOGUE.search(statement):
            seen.append(statement)

    return seen


async def revs(sessionmaker) -> dict[int, int]:
    async with sessionmaker() as session:
        return dict((await session.execute(select(Commune.id, Commune.catalogue_rev))).all())


async def test_triggers_exist_at_head(engine):
    if engine.dialect.name == "sqlite":
        query, expected = "SELECT name FROM sqlite_master WHERE type = 'trigger'", SQLITE_TRIGGERS
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        expected = PG_TRIGGERS
    async with engine.connect() as conn:
        names = set((await conn.execute(text(query))).scalars())
    assert expected <= names


async def test_every_change_of_a_list_gives_its_commune_a_new_rev(sessionmaker, demo):
    commune = demo.commune_id
    async with sessionmaker() as session, session.begin():
        other = Commune(name="Xã Khác", name_key="xa khac")
        session.add(other)
        await session.flush()
        ids = dict((await session.execute(select(Indicator.code, Indicator.id))).all())
        own = Indicator(code="RAC", name_vi="Thu gom rác", name_en="Waste", short_vi="Rác",
                        short_en="Waste", national=False)  # fmt: skip
        session.add(own)
    start = await revs(sessionmaker)
    # A new commune gets a number of its own, not a shared default.
    assert start[other.id] not in (0, start[commune])

    async def changed(statement) -> set[int]:
        before = await revs(sessionmaker)
        async with sessionmaker() as session, session.begin():
            await session.execute(statement)
        after = await revs(sessionmaker)
        return {c for c in after if after[c] != before[c]}

    link = CommuneIndicator.__table__
    assert await changed(insert(link).values(commune_id=commune, indicator_id=ids["DIEN"],
                                             sort=0)) == {commune}  # fmt: skip
    assert await changed(update(link).values(name="Tiền điện")) == {commune}
    assert await changed(insert(link).values(commune_id=commune, indicator_id=own.id,
                                             sort=1)) == {commune}  # fmt: skip
    # The commune's own indicator: only the commune that lists it.
    assert await changed(update(Indicator).where(Indicator.id == own.id).values(
        short_vi="Rác thải")) == {commune}  # fmt: skip
    # A national one: every commune (those without a plan list the whole catalogue).
    assert await changed(
        update(Indicator).where(Indicator.code == "NUOC").values(active=False)
    ) == {commune, other.id}
    assert await changed(delete(link).where(link.c.indicator_id == own.id)) == {commune}
    # Nothing an indicator list reads: no new number.
    assert await changed(update(Commune).where(Commune.id == commune).values(note="x")) == set()


async def visit_buttons(lan) -> list[str]:
    await lan.say("/ghinhan PA12 01 0000002")
    await lan.press("Gặp")
    return [c.label for c in lan.replies[-1].choices]


async def test_a_visit_step_reads_no_catalogue_when_the_worker_holds_it(engine, joined):
    lan = await joined("tg-lan", channel="telegram", caps=BUTTON_CAPS)
    assert any("Nước" in label for label in await visit_buttons(lan))
    seen = catalogue_statements(engine)
    await lan.press("Điện")
    await lan.press("Nước")
    assert any(c.label.startswith("✓ 💧") for c in lan.replies[-1].choices)
    assert seen == []


async def _link_only_electricity(worker, commune_id: int, *, with_triggers: bool) -> None:
    """The second worker gives the commune a plan listing electricity alone."""
    async with worker.begin() as conn:
        dialect = conn.dialect.name
        if not with_triggers:
            off = ("DROP TRIGGER catalogue_rev_link_insert" if dialect == "sqlite" else
                   "ALTER TABLE commune_indicator DISABLE TRIGGER catalogue_rev_link")  # fmt: skip
            await conn.execute(text(off))
        electricity = await conn.scalar(select(Indicator.id).where(Indicator.code == "DIEN"))
        await conn.execute(
            insert(CommuneIndicator.__table__).values(
                commune_id=commune_id, indicator_id=electricity, sort=0
            )
        )
        if not with_triggers and dialect == "postgresql":  # the schema outlives this test
            await conn.execute(
                text("ALTER TABLE commune_indicator ENABLE TRIGGER catalogue_rev_link")
            )


@pytest.mark.parametrize("with_triggers", [True, False], ids=["triggers", "test-of-test"])
async def test_a_change_by_another_worker_is_in_the_next_turn(
    engine, joined, demo, pg_schema, with_triggers
):
    if engine.dialect.name == "postgresql" and PG_URL is None:
        pytest.skip("PostgreSQL suite: set TEST_DATABASE_URL to run it")
    lan = await joined("tg-lan", channel="telegram", caps=BUTTON_CAPS)
    assert any("Nước" in label for label in await visit_buttons(lan))
    await lan.press("Điện")  # the list is now this worker's
    worker = other_worker(engine, pg_schema)
    try:
        await _link_only_electricity(worker, demo.commune_id, with_triggers=with_triggers)
    finally:
        await worker.dispose()
    await lan.press("Điện")
    labels = [c.label for c in lan.replies[-1].choices]
    if with_triggers:
        assert any("Điện" in label for label in labels)
        assert not any("Nước" in label for label in labels), labels
    else:
        # Without the triggers the number would not move and the worker would serve its copy:
        # what this test catches when a migration loses them.
        assert any("Nước" in label for label in labels), labels


async def test_a_turn_that_changes_the_list_reads_it_again(sessionmaker, demo):
    """`forget` after a change in the same transaction: the noted number is the old state's."""
    from models.indicators.catalogue import commune_indicators, forget, note_rev

    rev = (await revs(sessionmaker))[demo.commune_id]
    async with sessionmaker() as session, session.begin():
        note_rev(session, demo.commune_id, rev)
        before = await commune_indicators(session, demo.commune_id)
        electricity = next(i.id for i in before if i.code == "DIEN")
        session.add(CommuneIndicator(commune_id=demo.commune_id, indicator_id=electricity, sort=0))
        await session.flush()
        forget(session)
        after = await commune_indicators(session, demo.commune_id)
    assert len(before) > 1 and [i.code for i in after] == ["DIEN"]
    # And the cached copy under the old number was not overwritten by the new list.
    async with sessionmaker() as session:
        note_rev(session, demo.commune_id, rev)
        assert len(await commune_indicators(session, demo.commune_id)) == len(before)
