"""Progress numbers against hand-computed values, on SQLite and PostgreSQL."""

from datetime import date

from handlers.progress.text import headline, status_lines
from locales import Translator
from models import Commune, Indicator, Village
from models.progress import progress, target_count
from models.seed import ensure_catalogue
from tests.reports import factories as f

TODAY = date(2026, 11, 25)


async def test_demo_conversions_today_count_and_yesterday_is_in_the_baseline(sessionmaker, demo):
    async with sessionmaker() as session, session.begin():
        villages = await f.ids(session, Village)
        dien = (await f.ids(session, Indicator))["DIEN"]
        lan = await f.member(
            session, commune_id=demo.commune_id, village_id=villages["Thôn 1"], name="Lan"
        )
        for _ in range(3):
            await f.convert(
                session,
                member_row=lan,
                village_id=villages["Thôn 1"],
                indicator_id=dien,
                at=f.local(TODAY, 9),
            )
        # The day before the baseline date: already inside the 532.
        await f.convert(
            session,
            member_row=lan,
            village_id=villages["Thôn 1"],
            indicator_id=dien,
            at=f.local(date(2026, 11, 24), 23),
        )
    async with sessionmaker() as session:
        rows = await progress(
            session, commune_id=demo.commune_id, today=TODAY, indicator_ids=[dien]
        )
    whole = next(r for r in rows if r.village_id is None)
    one = next(r for r in rows if r.village_name == "Thôn 1")
    assert (whole.current, whole.target, whole.remaining, whole.days_left) == (535, 1300, 765, 92)
    assert round(whole.percent, 2) == 28.81
    assert round(whole.needed_per_day, 4) == round(765 / 92, 4)
    # Campaign one day old: the pace window is that one day.
    assert (whole.last7, whole.pace) == (3, 3.0)
    assert whole.projected == date(2027, 8, 7)  # 25/11/2026 + ⌈765/3⌉ = 255 days
    assert whole.days_late == 163
    assert (one.current, one.population, one.target) == (146, 420, 294)


async def test_person_unit_pace_projection_and_lateness(sessionmaker, demo):
    async with sessionmaker() as session, session.begin():
        tktt = (await ensure_catalogue(session))["TKTT"]
        commune = Commune(name="Xã Thử", name_key="xa thu", settings={})
        session.add(commune)
        await session.flush()
        village = Village(commune_id=commune.id, name="Thôn A", name_key="thon a")
        session.add(village)
        await session.flush()
        await f.target(
            session,
            commune_id=commune.id,
            indicator_id=tktt,
            population=200,
            baseline=50,
            baseline_date=date(2026, 11, 20),
            target_percent=70,
            deadline=date(2027, 1, 24),
        )
        m = await f.member(session, commune_id=commune.id, village_id=village.id, name="Ba")
        for day, people in (
            (date(2026, 11, 19), 4),
            (date(2026, 11, 21), 2),
            (date(2026, 11, 24), 4),
        ):
            await f.convert(
                session,
                member_row=m,
                village_id=village.id,
                indicator_id=tktt,
                at=f.local(day),
                people=people,
            )
    async with sessionmaker() as session:
        (row,) = await progress(session, commune_id=commune.id, today=TODAY)
    # 19/11 is before the baseline date; people, not rows, are counted for persons.
    assert (row.achieved, row.current, row.percent, row.target) == (6, 56, 28.0, 140)
    assert (row.remaining, row.days_left, row.needed_per_day) == (84, 60, 1.4)
    assert (row.last7, row.pace) == (6, 1.0)  # window: 20/11–25/11 = 6 days
    assert row.projected == date(2027, 2, 17) and row.days_late == 24
    assert status_lines(Translator("vi"), row) == [
        "Còn thiếu 84 trong 60 ngày → cần 1,40/ngày",
        # The campaign is 6 days old: the pace divides by 6 and says so.
        "6 ngày qua: 1,0/ngày → với nhịp này đạt 70% vào 17/02/2027, chậm 24 ngày.",
    ]
    assert "Đạt 56/200 người (28,0%)" in headline(Translator("vi"), row)


async def test_past_deadline_count_target_and_village_without_population(sessionmaker, demo):
    async with sessionmaker() as session, session.begin():
        nuoc = (await ensure_catalogue(session))["NUOC"]
        commune = Commune(name="Xã Cũ", name_key="xa cu", settings={})
        session.add(commune)
        await session.flush()
        village = Village(commune_id=commune.id, name="Thôn B", name_key="thon b")
        session.add(village)
        await session.flush()
        await f.target(
            session,
            commune_id=commune.id,
            village_id=village.id,
            indicator_id=nuoc,
            population=0,
            baseline=0,
            baseline_date=date(2026, 10, 1),
            target_count=10,
            deadline=date(2026, 11, 1),
        )
        m = await f.member(session, commune_id=commune.id, village_id=village.id, name="Tư")
        for _ in range(4):
            await f.convert(
                session,
                member_row=m,
                village_id=village.id,
                indicator_id=nuoc,
                at=f.local(date(2026, 10, 15)),
                people=3,
            )
    async with sessionmaker() as session:
        (row,) = await progress(session, commune_id=commune.id, today=TODAY)
    # Households count rows, not people; no population → no percent, never a division by 0.
    assert (row.current, row.target, row.remaining, row.percent) == (4, 10, 6, None)
    assert row.overdue and row.days_left == -24 and row.needed_per_day is None
    assert (row.last7, row.projected) == (0, None)
    vi = Translator("vi")
    assert headline(vi, row) == "Đạt 4/0 hộ (—) · mục tiêu 10 trước 01/11/2026"
    assert status_lines(vi, row) == ["Đã quá hạn 01/11/2026: đạt 4/10, còn thiếu 6."]


def test_target_count_rounds_up_without_float_noise():
    assert target_count(population=1857, percent=70, count=None) == 1300
    assert target_count(population=1000, percent=70, count=None) == 700
    assert target_count(population=1000, percent=70, count=650) == 650
