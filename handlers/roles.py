"""How roles read in messages."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.places import commune_title
from locales import N_

ROLE_NAMES = {
    "volunteer": N_("member of the digital team"),
    "leader": N_("team leader"),
    "official": N_("commune official"),
    "admin": N_("administrator"),
}


def role_name(ctx: Context, role: str) -> str:
    return ctx._(ROLE_NAMES.get(role, role))


def place(
    ctx: Context, commune: str, village: str | None, kind: str = "xa", *, demo: bool = False
) -> str:
    title = commune_title(ctx.t, commune, kind, demo=demo)
    if village:
        return ctx._("{village}, {place}", village=village, place=title)
    return title
