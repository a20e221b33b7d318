"""/moi: invite codes from chat, by role, with the Telegram link and a QR image; audited."""

import re

from sqlalchemy import select

from models import AuditEntry, Village
from models.communes import Commune
from models.keys import fold
from models.members import InviteCode, Member
from tests.conftest import BUTTON_CAPS, TEXT_CAPS

PNG = b"\x89PNG\r\n\x1a\n"


def code_of(text: str) -> str:
    return re.search(r"Mã mời: ([2-9A-Z]{3}-[2-9A-Z]{3})", text).group(1)


async def invites(sessionmaker) -> list[InviteCode]:
    async with sessionmaker() as session:
        return list((await session.execute(select(InviteCode).order_by(InviteCode.id))).scalars())


async def test_leader_makes_a_volunteer_code_for_own_area_with_defaults(
    joined, chat, sessionmaker
):
    before = len(await invites(sessionmaker))
    hoa = await joined("hoa", "leader", "Phạm Thị Hoa")
    await hoa.say("/moi")
    assert "Mã thành viên Tổ CNS, Thôn 1. Bao nhiêu người được dùng mã này?" in hoa.text
    assert "1. 10 người (thường dùng)" in hoa.text
    await hoa.say("1")
    assert "Mã dùng được bao nhiêu ngày?" in hoa.text and "7 ngày (thường dùng)" in hoa.text
    await hoa.say("1")
    assert "thành viên Tổ CNS, Thôn 1 · 10 người · dùng được đến 02/12/2026." in hoa.text
    assert "t.me" not in hoa.text  # no Telegram bot runs in this test
    image = hoa.replies[-1].image
    assert image is not None and image.path.read_bytes().startswith(PNG)
    code = code_of(hoa.text)
    made = (await invites(sessionmaker))[before:]
    assert [(i.role, i.max_uses, i.village_id is not None) for i in made] == [
        ("volunteer", 10, True)
    ]
    # The code works: a new member joins the leader's area.
    an = chat("an")
    await an.say("/start")
    await an.say(code.lower().replace("-", ""))
    await an.say("2")
    await an.say("Hà Văn An")
    assert "🎉" in an.text
    async with sessionmaker() as session:
        member = (
            await session.execute(select(Member).where(Member.name == "Hà Văn An"))
        ).scalar_one()
        village = await session.get(Village, member.village_id)
    assert (member.role, village.name) == ("volunteer", "Thôn 1")
    async with sessionmaker() as session:
        entry = (
            await session.execute(select(AuditEntry).where(AuditEntry.entity == "invite"))
        ).scalar_one()
    assert entry.action == "create" and entry.detail["via"] == "chat"
    assert entry.detail["uses"] == 10 and entry.detail["days"] == 7


async def test_volunteer_cannot_make_codes(joined, sessionmaker):
    before = len(await invites(sessionmaker))
    lan = await joined("lan")
    await lan.say("/moi")
    assert "Lệnh này không dành cho vai trò của anh/chị." in lan.text
    await lan.say("/trogiup")
    assert "/moi" not in lan.text
    assert len(await invites(sessionmaker)) == before


async def test_official_makes_a_leader_code_for_any_area_and_bad_numbers_are_refused(
    joined, chat, sessionmaker
):
    chi = await joined("chi", "official", "Lê Thị Chi")
    await chi.say("/moi")
    assert "Tạo mã mời cho vai trò nào?" in chi.text
    assert "1. thành viên Tổ CNS" in chi.text and "3. cán bộ xã" in chi.text
    await chi.say("quan tri")
    assert "Vui lòng chọn một vai trò" in chi.text
    await chi.say("to truong")
    assert "Cho địa bàn nào?" in chi.text and "Thôn 3" in chi.text
    await chi.say("Thôn 3")
    assert "Mã tổ trưởng, Thôn 3." in chi.text
    for bad in ("0", "abc", "201"):
        await chi.say(bad)
        assert "Vui lòng gõ một số từ 1 đến 200." in chi.text
    await chi.say("2")
    await chi.say("91")
    assert "Vui lòng gõ một số từ 1 đến 90." in chi.text
    await chi.say("30")
    assert "tổ trưởng, Thôn 3 · 2 người · dùng được đến 25/12/2026." in chi.text
    code = code_of(chi.text)
    dung = chat("dung")
    await dung.say(f"/start {code}")
    await dung.say("2")
    await dung.say("Đỗ Văn Dũng")
    async with sessionmaker() as session:
        member = (
            await session.execute(select(Member).where(Member.name == "Đỗ Văn Dũng"))
        ).scalar_one()
        village = await session.get(Village, member.village_id)
    assert (member.role, village.name) == ("leader", "Thôn 3")


async def test_official_code_has_no_area(joined, sessionmaker):
    chi = await joined("chi", "official", "Lê Thị Chi")
    await chi.say("/moi")
    await chi.say("3")
    assert "Mã cán bộ xã, xã Quảng Trường." in chi.text
    await chi.say("1")
    await chi.say("1")
    made = (await invites(sessionmaker))[-1]
    assert (made.role, made.village_id, made.max_uses) == ("official", None, 10)


async def test_telegram_gets_the_link_and_the_qr_as_a_picture(joined, pipeline, sessionmaker):
    pipeline.telegram_username = "cds_test_bot"
    hoa = await joined("hoa", "leader", "Phạm Thị Hoa", channel="telegram", caps=BUTTON_CAPS)
    await hoa.say("/moi")
    await hoa.press("10 người")
    await hoa.press("7 ngày")
    code = code_of(hoa.text).replace("-", "")
    assert f"https://t.me/cds_test_bot?start={code}" in hoa.text
    assert hoa.replies[-1].image.path.read_bytes().startswith(PNG)


async def test_channel_without_pictures_gets_text_only(joined, pipeline):
    no_images = TEXT_CAPS.__class__(buttons=False, max_text=2000, images=False)
    hoa = await joined("hoa", "leader", "Phạm Thị Hoa", caps=no_images)
    await hoa.say("/moi")
    await hoa.say("1")
    await hoa.say("1")
    assert "Mã mời:" in hoa.text
    assert all(r.image is None for r in hoa.replies)


async def _many_areas(sessionmaker, commune_id: int, names: list[str]) -> None:
    async with sessionmaker() as session, session.begin():
        for name in names:
            session.add(Village(commune_id=commune_id, name=name, name_key=fold(name)))


async def test_many_areas_are_searched_by_name_not_listed(joined, demo, sessionmaker):
    names = [f"Thôn Đông {n}" for n in range(1, 18)] + [f"Khu phố Tây {n}" for n in range(1, 19)]
    await _many_areas(sessionmaker, demo.commune_id, names)
    chi = await joined("chi", "official", "Lê Thị Chi")
    await chi.say("/moi")
    await chi.say("1")
    assert "Có 39 địa bàn: gõ một phần tên" in chi.text
    assert "Thôn Đông" not in chi.text  # no list of 39 choices
    await chi.say("xyz")
    assert 'Không có địa bàn nào tên giống "xyz"' in chi.text
    await chi.say("tay 1")
    assert "Có 10 địa bàn phù hợp: (5 địa bàn đầu" in chi.text
    assert len(chi.replies[-1].choices) == 6  # five areas and "search again"
    await chi.say("khu pho tay 17")
    assert "Mã thành viên Tổ CNS, Khu phố Tây 17." in chi.text
    async with sessionmaker() as session:
        assert (await session.get(Commune, demo.commune_id)).name == "Quảng Trường"


async def test_role_is_checked_again_when_the_code_is_made(joined, sessionmaker):
    chi = await joined("chi", "official", "Lê Thị Chi")
    await chi.say("/moi")
    await chi.say("3")  # an official's code
    await chi.say("1")
    before = len(await invites(sessionmaker))
    # Meanwhile an admin makes her a team leader: a leader may not grant the official role.
    async with sessionmaker() as session, session.begin():
        member = (
            await session.execute(select(Member).where(Member.name == "Lê Thị Chi"))
        ).scalar_one()
        member.role = "leader"
    await chi.say("1")
    assert "Lệnh này không dành cho vai trò của anh/chị." in chi.text
    assert len(await invites(sessionmaker)) == before
