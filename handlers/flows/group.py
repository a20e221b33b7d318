"""Village groups: a leader sends /lienketnhom inside the group to link it to the village.

| step | waits for | next |
|------|-----------|------|
| —    | the command, sent in the group | done |
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models.chats import group_village, link_group
from models.members import Role

router = Router()


@router.command(
    "lienketnhom",
    "linkgroup",
    role=Role.LEADER,
    help=N_("/lienketnhom — link your village's group (send it in the group)"),
    group=True,
    order=80,
)
async def link_village_group(ctx: Context) -> Result:
    assert ctx.member is not None
    incoming = ctx.incoming
    if incoming.chat_kind != "group":
        return done(
            Reply(ctx._("Please add me to your village's group and send /lienketnhom there."))
        )
    if ctx.member.village_id is None:
        return done(Reply(ctx._("Only a village team leader can link a village group.")))
    linked = await group_village(ctx.session, channel=incoming.channel, chat_id=incoming.chat_id)
    if linked is not None and linked.id != ctx.member.village_id:
        # Moving another area's group silently would hand its leaderboards to a stranger.
        return done(
            Reply(
                ctx._(
                    "This group is already linked to {village}, so nothing was changed.",
                    village=linked.name,
                )
            )
        )
    await link_group(
        ctx.session,
        village_id=ctx.member.village_id,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
    )
    # The village name only: a group chat never shows personal data.
    return done(
        Reply(
            ctx._(
                "This group is now linked to {village}. Leaderboards will be posted here.",
                village=ctx.member.village_name or "",
            )
        )
    )
