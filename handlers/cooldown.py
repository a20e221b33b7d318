"""The wrong-code cooldown shared by invite and link codes: guessing either costs the same."""

from __future__ import annotations

import math
from datetime import timedelta

from handlers.core.context import Context
from models import throttle
from models.members import joining


async def cooldown_text(ctx: Context) -> str | None:
    """The refusal to show while this account is cooling down, or None when it may try."""
    inc = ctx.incoming
    # A brand-new account has no row to lock yet: a burst of codes sent at once would all count
    # zero tries. Checks of one account run one after another (to the end of the turn).
    await throttle.serialize(ctx.session, "wrong-code", inc.channel, inc.user_id)
    tries, oldest = await joining.wrong_tries(
        ctx.session, channel=inc.channel, user_id=inc.user_id, kind="invite", now=ctx.now
    )
    if tries < joining.MAX_WRONG_PER_HOUR:
        return None
    wait = (oldest + timedelta(hours=1) - ctx.now) if oldest else timedelta(hours=1)
    return ctx.t.ngettext(
        "You have entered a wrong code {tries}. Please try again in {n} minute.",
        "You have entered a wrong code {tries}. Please try again in {n} minutes.",
        max(1, math.ceil(wait.total_seconds() / 60)),
        tries=ctx.t.ngettext("{n} time", "{n} times", tries),
    )
