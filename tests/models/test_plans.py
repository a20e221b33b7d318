"""The five plans of ../shared/seeds as workbooks, applied side by side into one database."""

from pathlib import Path

from sqlalchemy import func, select

from models import Commune, Target, Village
from models.indicators.catalogue import commune_indicators
from models.plan import apply_plan, check_plan, export_plan, preview_plan, read_plan, write_plan

PLANS = sorted((Path(__file__).parents[1] / "data" / "plans").glob("00*.xlsx"))


def _read(path):
    plan, problems = read_plan(path)
    assert problems == [], problems
    return plan


async def _apply_all(sessionmaker):
    for path in PLANS:
        async with sessionmaker() as session, session.begin():
            plan = _read(path)
            assert [p for p in await check_plan(session, plan) if not p.warning] == []
            await apply_plan(session, plan)


async def test_all_five_side_by_side_and_applying_again_changes_nothing(sessionmaker):
    assert len(PLANS) == 5
    await _apply_all(sessionmaker)
    async with sessionmaker() as session:
        communes = {c.name: c for c in (await session.execute(select(Commune))).scalars()}
        assert set(communes) == {
            "Quảng Trường",
            "Thiệu Trung",
            "Quảng Lạc",
            "Đức Phổ",
            "Ngọc Trạo",
        }
        assert (
            communes["Đức Phổ"].kind == "thi_xa" and communes["Quảng Lạc"].province == "Lạng Sơn"
        )
        areas = {
            name: n
            for name, n in await session.execute(
                select(Commune.name, func.count(Village.id))
                .join(Village, Village.commune_id == Commune.id)
                .group_by(Commune.name)
            )
        }
        assert areas["Thiệu Trung"] == 34 and areas["Quảng Trường"] == 4
        duc_pho = (
            await session.execute(
                select(Village.name, Village.kind).where(
                    Village.commune_id == communes["Đức Phổ"].id
                )
            )
        ).all()
        assert ("Chợ Đức Phổ", "cho") in duc_pho
        assert ("Đường chính phường Phổ Ninh", "tuyen_pho") in duc_pho
        lac = await commune_indicators(session, communes["Quảng Lạc"].id)
        assert [i.code for i in lac] == ["VTMONEY", "DIEN", "4G", "CDSXL", "QR", "HOCPHI"]
        assert next(i for i in lac if i.code == "4G").unit == "household"
        trao = await commune_indicators(session, communes["Ngọc Trạo"].id)
        assert len(trao) == 14 and "CONGTO" in {i.code for i in trao}
        assert "VTMONEY" not in {i.code for i in trao}
        dien = (
            await session.execute(
                select(Target).where(
                    Target.commune_id == communes["Quảng Trường"].id, Target.village_id.is_(None)
                )
            )
        ).scalar_one()
        assert (dien.population, dien.baseline, dien.target_percent) == (1857, 532, 70)
        assert str(dien.baseline_date) == "2024-08-30" and str(dien.deadline) == "2024-11-30"
        assert communes["Ngọc Trạo"].settings["report"] == {
            "periods": [
                {"kind": "month", "months": [1, 2, 4, 5, 7, 8, 10, 11], "due_day": 15},
                {"kind": "quarter", "months": [3], "due_day": 15},
                {"kind": "half", "months": [6], "due_day": 15},
                {"kind": "nine_months", "months": [9], "due_day": 15},
                {"kind": "year", "months": [12], "due_day": 15},
            ]
        }
    for path in PLANS:
        async with sessionmaker() as session, session.begin():
            assert await apply_plan(session, _read(path)) == [], path.name


async def test_export_then_apply_changes_nothing(sessionmaker, tmp_path):
    await _apply_all(sessionmaker)
    async with sessionmaker() as session:
        ids = [c.id for c in (await session.execute(select(Commune))).scalars()]
        plans = [await export_plan(session, i) for i in ids]
    for n, plan in enumerate(plans):
        write_plan(plan, tmp_path / f"{n}.xlsx")
        again = _read(tmp_path / f"{n}.xlsx")
        async with sessionmaker() as session, session.begin():
            assert await apply_plan(session, again) == []


async def test_preview_lists_changes_and_keeps_nothing(sessionmaker):
    plan = _read(PLANS[3])
    async with sessionmaker() as session, session.begin():
        changes = await preview_plan(session, plan)
    assert changes[0].values == {"name": "Đức Phổ"}
    assert len(changes) >= 1 + 4 + 1 + 4
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Commune)) == 0


async def test_the_demo_namesake_is_refused(sessionmaker, demo):
    plan = _read(PLANS[0])
    async with sessionmaker() as session:
        problems = await check_plan(session, plan)
    assert [p.msgid for p in problems if not p.warning] == [
        'the demo commune is also called "{name}": delete it first (cdsbot commune delete)'
    ]
