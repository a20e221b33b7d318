"""The daily limit on households a member may reach outside their own village.

A household's exact code or phone reaches it anywhere in the commune (same code = same
household), and the summary shows its head's name. The limit keeps an insider from turning
that into a name lookup by guessing many codes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from handlers.core.context import Context
from handlers.core.messages import Reply
from models.household_search import HouseholdRow
from models.members import Role
from models.reach import reached_since, record_reach

log = logging.getLogger(__name__)

# Far more than a volunteer logs for neighbours in a day, yet caps a guesser at 20 names a day.
MAX_OUTSIDE_PER_DAY = 20
WINDOW = timedelta(hours=24)


async def refusal(ctx: Context, rows: Iterable[HouseholdRow]) -> Reply | None:
    """None when the member may see these households (their reach is recorded), else the refusal.

    Every household of another village about to be shown counts, once per rolling 24 hours.
    """
    member = ctx.member
    # Officials see the whole commune anyway.
    if member.at_least(Role.OFFICIAL) or member.village_id is None:
        return None
    outside = {r.id for r in rows if r.village_id != member.village_id}
    if not outside:
        return None
    since = ctx.now - WINDOW
    reached = await reached_since(ctx.session, member_id=member.id, since=since)
    if len(reached | outside) > MAX_OUTSIDE_PER_DAY:
        return _refused(ctx, len(reached))
    # Only first reaches are recorded: a repeat within the window is already counted.
    await record_reach(
        ctx.session,
        member_id=member.id,
        household_ids=sorted(outside - reached),
        at=ctx.now,
        since=since,
    )
    return None


async def key_refusal(ctx: Context, row: HouseholdRow | None) -> Reply | None:
    """For a lookup by exact code or phone. A known household counts as in `refusal`; once the
    limit is reached an unknown key gets the very same refusal, so the answer never tells
    whether a phone or code is registered somewhere in the commune."""
    if row is not None:
        return await refusal(ctx, [row])
    member = ctx.member
    if member.at_least(Role.OFFICIAL) or member.village_id is None:
        return None
    reached = await reached_since(ctx.session, member_id=member.id, since=ctx.now - WINDOW)
    return _refused(ctx, len(reached)) if len(reached) >= MAX_OUTSIDE_PER_DAY else None


def _refused(ctx: Context, reached: int) -> Reply:
    log.info("outside-village lookup refused: member %s, %s reached", ctx.member.id, reached)
    return Reply(
        ctx._(
            "You have looked up many households outside your village today, so I cannot "
            "show this one. You can still log visits in your own village. If you need to "
            "log more elsewhere, please ask your team leader or a commune official."
        )
    )
