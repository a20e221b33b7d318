"""What the operator's commands share: a one-line error, and finding a commune or area by name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.app import App
from bot.operator_text import _
from models.base import utcnow
from models.communes import Commune, Village, villages
from models.keys import fold


class CliError(Exception):
    """A problem with what the operator typed: printed as one line, exit code 2."""


async def find_commune(session, name: str | None) -> Commune:
    """The commune named by --commune (name, or "name, province"); without it, the only one.

    Missing or unknown: a one-line error listing the communes the database holds."""
    rows = (await session.execute(select(Commune).order_by(Commune.name))).scalars().all()
    if name:
        commune_part, _sep, province_part = name.partition(",")
        wanted, province = fold(commune_part), fold(province_part)
        rows_named = [c for c in rows if c.name_key == wanted]
        if province:
            rows_named = [c for c in rows_named if c.province_key == province]
        if len(rows_named) == 1:
            return rows_named[0]
    elif len(rows) == 1:
        return rows[0]
    known = ", ".join(commune_label(c) for c in rows) or _("none yet")
    if name:
        raise CliError(
            _('There is no commune "{name}" (--commune). Known: {known}', name=name, known=known)
        )
    raise CliError(_("Name one commune with --commune. Known: {known}", known=known))


def commune_label(commune: Commune) -> str:
    """ "Quảng Lạc (Lạng Sơn)", and "(demo)" for the demo commune."""
    text = commune.name + (f" ({commune.province})" if commune.province else "")
    return _("{name} (demo)", name=text) if commune.is_demo else text


async def find_village(session, commune_id: int, name: str) -> Village:

    key = fold(name)
    rows = await villages(session, commune_id=commune_id)
    names = []
    for village in rows:
        if village.name_key == key:
            return village
        names.append(village.name)
    raise CliError(
        _(
            'There is no area "{name}" in this commune. Known: {known}',
            name=name,
            known=", ".join(names[:40]) or _("none yet"),
        )
    )


def local_now(app: App) -> datetime:
    return utcnow().astimezone(app.settings.tz)
