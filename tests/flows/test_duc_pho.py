"""Đức Phổ (plan 003) through real chats: a town whose areas are a market and main streets,
each named as such, never "Thôn …"; headings say "thị xã"."""

from pathlib import Path

from sqlalchemy import select

from models import Commune, Household, Village
from models.plan import apply_plan, read_plan
from tests.reports.communes import member_chat

PLAN = Path(__file__).parents[1] / "data" / "plans" / "003_duc_pho.xlsx"


async def test_market_and_streets_are_named_as_such(sessionmaker, chat, clock):
    clock.set_local(2024, 9, 2, 9, 0)
    plan, problems = read_plan(PLAN)
    assert problems == []
    async with sessionmaker() as session, session.begin():
        await apply_plan(session, plan)
        commune = (await session.execute(select(Commune))).scalar_one()
        market = await session.scalar(select(Village.id).where(Village.name == "Chợ Đức Phổ"))
    official = await member_chat(
        sessionmaker, chat, clock, commune.id, role="official", user="o1", name="Lê Thị Chi"
    )
    await official.say("/start")
    assert "cán bộ xã ở thị xã Đức Phổ" in official.text
    await official.say("/tiendo")
    # One indicator: its detail and the areas come at once.
    areas = official.text
    assert areas.startswith("📊 TIẾN ĐỘ THỊ XÃ ĐỨC PHỔ — 02/09/2024")
    assert "Theo địa bàn:" in areas
    for name in (
        "Chợ Đức Phổ",
        "Đường chính phường Nguyễn Nghiêm",
        "Đường chính phường Phổ Hòa",
        "Đường chính phường Phổ Ninh",
    ):
        assert name in areas
    assert "Thôn" not in areas and "thôn" not in areas

    leader = await member_chat(
        sessionmaker, chat, clock, commune.id, role="leader", user="l1", name="Trần Văn Hải",
        village_id=market,
    )  # fmt: skip
    await leader.say("/start")
    assert "tổ trưởng ở Chợ Đức Phổ, thị xã Đức Phổ" in leader.text
    assert "Thôn Chợ" not in leader.text
    await leader.say("/tiendo")
    assert "TIẾN ĐỘ CHỢ ĐỨC PHỔ" in leader.text


async def test_quick_log_names_an_area_that_is_not_a_thon(sessionmaker, chat, clock):
    """A volunteer of one street logs a stall at the market: the area is read from its own name
    ("cho duc pho"), as "thon 2" is for a village; an unknown area is not guessed."""
    clock.set_local(2024, 9, 2, 9, 0)
    plan, problems = read_plan(PLAN)
    assert problems == []
    async with sessionmaker() as session, session.begin():
        await apply_plan(session, plan)
        commune = (await session.execute(select(Commune))).scalar_one()
        street = await session.scalar(
            select(Village.id).where(Village.name == "Đường chính phường Phổ Ninh")
        )
    lan = await member_chat(
        sessionmaker, chat, clock, commune.id, role="volunteer", user="v1", name="Phạm Thị Lan",
        village_id=street,
    )  # fmt: skip
    await lan.say("Le Van Tu cho duc pho qr")
    assert lan.text.startswith("Không tìm thấy hộ nào ở Chợ Đức Phổ.")
    for answer in ("1", "xong", "xong", "1"):  # add, no house number, no phone, a business
        await lan.say(answer)
    assert lan.text.startswith("Hộ Le Van Tu — Chợ Đức Phổ (hộ mới)")
    await lan.say("1")
    async with sessionmaker() as session:
        home = (await session.execute(select(Household))).scalar_one()
        market = await session.scalar(select(Village.id).where(Village.name == "Chợ Đức Phổ"))
    assert (home.head_name, home.village_id) == ("Le Van Tu", market)
    # "tdp"-style short forms and long street names are read the same way; a thôn that the
    # town does not have is named as missing, not guessed.
    await lan.say("Le Van Tu duong chinh phuong pho hoa qr")
    assert lan.text.startswith("Không tìm thấy hộ nào ở Đường chính phường Phổ Hòa.")
    await lan.say("/huy")
    await lan.say("Le Van Tu thon 9 qr")
    assert lan.text == 'Không có thôn "thon 9".'
