"""Village groups: /lienketnhom links the group; in groups only commands, no personal data."""

from __future__ import annotations

from sqlalchemy import select

from models.communes import Village
from models.members import ChannelAccount

GROUP = {"id": -1001234567, "type": "supergroup", "title": "Tổ CNS thôn"}


async def test_leader_links_the_village_group_from_inside_it(telegram, demo, sessionmaker):
    leader = telegram.user(8001, first_name="Trần Văn Hùng")
    await leader.send(f"/start {demo.invites['leader']}")
    await leader.press("Đúng")
    await leader.send("/lienketnhom")
    assert "gửi /lienketnhom trong nhóm" in leader.last_text

    in_group = telegram.user(8001, first_name="Trần Văn Hùng", chat=GROUP)
    await in_group.send("/lienketnhom@cds_test_bot")
    assert in_group.last_text.startswith("Nhóm này đã được liên kết với")
    assert "Hùng" not in in_group.last_text  # a group never sees personal names

    async with sessionmaker() as session:
        village = (await session.execute(select(Village).order_by(Village.id))).scalars().first()
        account = (await session.execute(select(ChannelAccount))).scalars().one()
    assert (village.group_channel, village.group_chat_id) == ("telegram", str(GROUP["id"]))
    assert village.name in in_group.last_text
    # Writing in the group does not turn the group into the leader's private chat.
    assert account.chat_id == "8001"


async def test_group_gets_answers_to_commands_only(telegram, demo):
    member = telegram.user(8002, chat=GROUP)
    await member.send("xin chào cả nhà")
    assert member.replies == []
    await member.send("/start")
    assert member.texts == ["Vui lòng dùng lệnh này trong tin nhắn riêng với trợ lý."]


async def test_volunteer_cannot_link_a_group(telegram, demo, sessionmaker):
    lan = telegram.user(8003)
    await lan.send(f"/start {demo.invites['volunteer']}")
    await lan.press("Đúng")
    in_group = telegram.user(8003, chat=GROUP)
    await in_group.send("/lienketnhom")
    async with sessionmaker() as session:
        assert (
            await session.scalar(
                select(Village.group_chat_id).where(Village.group_chat_id.is_not(None))
            )
            is None
        )
    assert in_group.replies and "Nhóm này" not in in_group.last_text
