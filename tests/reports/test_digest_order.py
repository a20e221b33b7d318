"""The weekly digest and the leader summary count each area's conversions per indicator in the
commune's own order: its plan's, or the catalogue's when it has none."""

from datetime import date, timedelta

from models import CommuneIndicator
from models.progress import conversions_by_village
from tests.reports import factories as f
from tests.reports.communes import commune

DAY = date(2024, 9, 2)


async def counts(session, commune_id: int) -> dict[str, dict[str, int]]:
    start = f.local(DAY, 0)
    return await conversions_by_village(
        session, commune_id=commune_id, start=start, end=start + timedelta(days=1), lang="vi"
    )


async def convert_each(session, row, area: int, codes: dict[str, int], wanted: list[str]):
    volunteer = await f.member(session, commune_id=row.id, village_id=area, name="Lan")
    for n, code in enumerate(wanted, 1):
        for _ in range(n):
            await f.convert(
                session, member_row=volunteer, village_id=area, indicator_id=codes[code],
                at=f.local(DAY),
            )  # fmt: skip


async def test_in_the_plans_order_not_the_catalogues(sessionmaker):
    async with sessionmaker() as session, session.begin():
        row, areas, codes = await commune(session, "Ngọc Trạo", ["Thôn 1"])
        # The plan lists water before electricity; the catalogue has electricity first.
        for sort, code in enumerate(["VNEID", "NUOC", "DIEN"]):
            session.add(CommuneIndicator(commune_id=row.id, indicator_id=codes[code], sort=sort))
        await convert_each(session, row, areas["Thôn 1"], codes, ["DIEN", "NUOC", "VNEID"])
        found = await counts(session, row.id)
    assert list(found["Thôn 1"].values()) == [3, 2, 1]  # VNeID, water, electricity


async def test_in_the_catalogues_order_without_a_plan(sessionmaker):
    async with sessionmaker() as session, session.begin():
        row, areas, codes = await commune(session, "Quảng Trường", ["Thôn 1"])
        await convert_each(session, row, areas["Thôn 1"], codes, ["VNEID", "NUOC", "DIEN"])
        found = await counts(session, row.id)
    assert list(found["Thôn 1"].values()) == [3, 2, 1]  # electricity, water, VNeID
