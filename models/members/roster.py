"""The team roster: listing members in a scope, removing one, who may manage whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit
from models.communes import Village
from models.conversation import Conversation
from models.members import ROLE_RANK, ChannelAccount, Member, Role


@dataclass(frozen=True)
class RosterRow:
    id: int
    name: str
    role: str
    village_id: int | None
    village_name: str | None


def may_manage(actor_role: str, target_role: str) -> bool:
    """A leader manages volunteers and leaders; nobody manages a rank above their own.

    The same rule holds for granting a role (an invite): a leader cannot make an official.
    """
    actor, target = Role(actor_role), Role(target_role)
    if actor == Role.VOLUNTEER:
        return False
    if actor == Role.LEADER:
        return target in (Role.VOLUNTEER, Role.LEADER)
    return ROLE_RANK[target] <= ROLE_RANK[actor]


async def list_members(
    session: AsyncSession, *, commune_id: int, village_id: int | None, whole_commune: bool = False
) -> list[RosterRow]:
    """Active members of a village (leader's scope) or of the whole commune (official's)."""
    if village_id is None and not whole_commune:
        return []  # a village scope without a village sees nobody, never the whole commune
    stmt = (
        select(Member.id, Member.name, Member.role, Member.village_id, Village.name)
        .outerjoin(Village, Village.id == Member.village_id)
        .where(Member.commune_id == commune_id, Member.active.is_(True))
        .order_by(Village.name, Member.name, Member.id)
    )
    if village_id is not None:
        stmt = stmt.where(Member.village_id == village_id)
    return [RosterRow(*row) for row in (await session.execute(stmt)).all()]


async def removable(
    session: AsyncSession,
    *,
    actor_id: int,
    actor_role: str,
    commune_id: int,
    village_id: int | None,
) -> list[RosterRow]:
    """Members the actor may remove: in scope, not themselves, not of a higher rank."""
    wide = Role(actor_role) in (Role.OFFICIAL, Role.ADMIN)
    rows = await list_members(
        session, commune_id=commune_id, village_id=None if wide else village_id, whole_commune=wide
    )
    return [r for r in rows if r.id != actor_id and may_manage(actor_role, r.role)]


async def remove_member(
    session: AsyncSession,
    *,
    member_id: int,
    actor_id: int,
    actor_role: str,
    commune_id: int,
    village_id: int | None,
    now: datetime,
) -> RosterRow | None:
    """Deactivate a member the actor may remove (checked again here); None when not allowed.

    Access ends at once on every app: accounts resolve to no member while `active` is false,
    and their open conversations are reset so no half-done flow continues without a member.
    """
    allowed = await removable(
        session,
        actor_id=actor_id,
        actor_role=actor_role,
        commune_id=commune_id,
        village_id=village_id,
    )
    row = next((r for r in allowed if r.id == member_id), None)
    if row is None:
        return None
    await session.execute(
        update(Member).where(Member.id == member_id).values(active=False, removed_at=now)
    )
    chats = (
        await session.execute(
            select(ChannelAccount.channel, ChannelAccount.chat_id).where(
                ChannelAccount.member_id == member_id
            )
        )
    ).all()
    for channel, chat_id in chats:
        await session.execute(
            update(Conversation)
            .where(Conversation.channel == channel, Conversation.chat_id == chat_id)
            .values(flow=None, step=None, data={}, choices=[], version=Conversation.version + 1)
        )
    # No name in the log text: the entity id is enough to follow it up.
    audit(
        session,
        action="member_remove",
        entity="member",
        entity_id=member_id,
        member_id=actor_id,
        commune_id=commune_id,
        detail={"role": row.role},
        at=now,
    )
    return row


async def removed_at_for_account(
    session: AsyncSession, *, channel: str, user_id: str
) -> datetime | None:
    """When the member behind this account was removed, if they were."""
    stmt = (
        select(Member.removed_at, Member.active)
        .join(ChannelAccount, ChannelAccount.member_id == Member.id)
        .where(ChannelAccount.channel == channel, ChannelAccount.user_id == user_id)
    )
    row = (await session.execute(stmt)).first()
    if row is None or row.active:
        return None
    return row.removed_at
