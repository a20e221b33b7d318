"""How roles read in messages."""

from __future__ import annotations

from handlers.context import Context
from locales import N_

ROLE_NAMES = {
    "volunteer": N_("member of the digital team"),
    "leader": N_("team leader"),
    "official": N_("commune official"),
    "admin": N_("administrator"),
}


def role_name(ctx: Context, role: str) -> str:
    return ctx._(ROLE_NAMES.get(role, role))


def place(ctx: Context, commune: str, village: str | None) -> str:
    if village:
        return ctx._("{village}, {commune}", village=village, commune=commune)
    return ctx._("{commune} commune", commune=commune)
