"""Listing and removing members: scope by role, confirmation, access cut on every app."""

from sqlalchemy import select

from models import AuditEntry, ChannelAccount, Conversation, Member
from models.members import Role
from models.members.joining import create_invite
from models.members.roster import may_manage


async def member_row(sessionmaker, name: str) -> Member:
    async with sessionmaker() as session:
        return (await session.execute(select(Member).where(Member.name == name))).scalar_one()


async def test_leader_lists_own_village_only(joined, chat, demo, sessionmaker):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    await joined("off", "official", "Phạm Văn Xã")
    await leader.say("/thanhvien")
    assert "Thành viên ở Thôn 1: 2" in leader.text
    assert "Nguyễn Thị Lan — thành viên Tổ CNS" in leader.text
    assert "Phạm Văn Xã" not in leader.text


async def test_volunteer_cannot_list_or_remove(joined):
    lan = await joined("lan", "volunteer", "Nguyễn Thị Lan")
    for command in ("/thanhvien", "/xoathanhvien"):
        await lan.say(command)
        assert "không dành cho vai trò" in lan.text


async def test_leader_removes_volunteer_and_access_ends_everywhere(
    joined, chat, demo, sessionmaker, clock
):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    lan = await joined("lan-zalo", "volunteer", "Nguyễn Thị Lan", channel="zalo")
    lan_row = await member_row(sessionmaker, "Nguyễn Thị Lan")
    # The same person also on Telegram (as /lienket would link it).
    async with sessionmaker() as session, session.begin():
        session.add(
            ChannelAccount(
                member_id=lan_row.id, channel="telegram", user_id="lan-tg", chat_id="lan-tg"
            )
        )
    lan_tg = chat("lan-tg", channel="telegram")
    await lan_tg.say("/start")
    assert "Nguyễn Thị Lan" in lan_tg.text
    # Lan is halfway through a question when she is removed.
    await lan.say("/ngonngu")

    await leader.say("/xoathanhvien")
    assert "Nguyễn Thị Lan — thành viên Tổ CNS" in leader.text
    assert "Trần Văn Hải" not in leader.text  # not themselves
    await leader.say("nguyen thi lan")
    assert "Xóa Nguyễn Thị Lan" in leader.text
    await leader.say("1")
    assert "đã bị xóa" in leader.text

    row = await member_row(sessionmaker, "Nguyễn Thị Lan")
    assert row.active is False and row.removed_at == clock.now
    for removed in (lan, lan_tg):
        await removed.say("2")
        assert "mã mời" in removed.text, removed.text
        await removed.say("/ngonngu")
        assert "vào tổ trước" in removed.text
    async with sessionmaker() as session:
        entries = (await session.execute(select(AuditEntry))).scalars().all()
    assert [(e.action, e.entity_id) for e in entries] == [("member_remove", row.id)]
    assert "Lan" not in str(entries[0].detail)


async def test_removed_member_needs_a_fresh_invite(joined, chat, demo, sessionmaker, clock):
    official = await joined("off", "official", "Phạm Văn Xã")
    lan = await joined("lan", "volunteer", "Nguyễn Thị Lan")
    await official.say("/xoathanhvien lan")
    await official.say("1")
    await official.say("1")
    assert "đã bị xóa" in official.text
    clock.advance(minutes=5)
    await lan.say("/start")
    await lan.say(demo.invites["volunteer"])  # the old code still has uses left
    assert "đã bị xóa khỏi tổ" in lan.text and "mã mời mới" in lan.text
    async with sessionmaker() as session, session.begin():
        old = await member_row(sessionmaker, "Nguyễn Thị Lan")
        fresh = await create_invite(
            session,
            commune_id=demo.commune_id,
            village_id=old.village_id,
            role=Role.VOLUNTEER,
            uses=1,
            days=3,
            now=clock.now,
        )
    await lan.say(fresh)
    assert "Mã hợp lệ" in lan.text
    await lan.say("Nguyễn Thị Lan")
    assert "🎉" in lan.text
    async with sessionmaker() as session:
        members = (await session.execute(select(Member).order_by(Member.id))).scalars().all()
        account = (
            await session.execute(select(ChannelAccount).where(ChannelAccount.user_id == "lan"))
        ).scalar_one()
    lans = [m for m in members if m.name == "Nguyễn Thị Lan"]
    assert [m.active for m in lans] == [False, True]
    assert account.member_id == lans[1].id


async def test_leader_cannot_remove_an_official(joined, sessionmaker):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await joined("off", "official", "Phạm Văn Xã")
    await leader.say("/xoathanhvien")
    assert "Không có thành viên nào" in leader.text
    assert (await member_row(sessionmaker, "Phạm Văn Xã")).active is True


def test_nobody_grants_a_rank_above_their_reach():
    assert not may_manage("leader", "official")
    assert not may_manage("leader", "admin")
    assert may_manage("leader", "volunteer") and may_manage("leader", "leader")
    assert not may_manage("volunteer", "volunteer")
    assert may_manage("official", "official") and not may_manage("official", "admin")


async def test_keep_and_garbage_at_confirm_change_nothing(joined, sessionmaker):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    await leader.say("/xoathanhvien")
    await leader.say("99")
    assert "muốn xóa thành viên nào" in leader.text
    await leader.say("1")
    await leader.say("có lẽ")
    assert "Xóa Nguyễn Thị Lan" in leader.text
    await leader.say("2")
    assert "Chưa thay đổi gì" in leader.text
    assert (await member_row(sessionmaker, "Nguyễn Thị Lan")).active is True
    async with sessionmaker() as session:
        conv = await session.get(Conversation, ("console", "lead"))
    assert conv.flow is None


async def test_removal_checks_scope_again_at_confirm(joined, chat, demo, sessionmaker):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    await leader.say("/xoathanhvien")
    await leader.say("1")
    official = await joined("off", "official", "Phạm Văn Xã")
    await official.say("/xoathanhvien lan")
    await official.say("1")
    await official.say("1")
    await leader.say("1")
    assert "Không thể xóa" in leader.text


async def test_a_leader_without_a_village_sees_nobody(sessionmaker, demo):
    from models.members.roster import list_members, removable

    async with sessionmaker() as session:
        assert await list_members(session, commune_id=demo.commune_id, village_id=None) == []
        assert (
            await removable(
                session,
                actor_id=0,
                actor_role="leader",
                commune_id=demo.commune_id,
                village_id=None,
            )
            == []
        )
