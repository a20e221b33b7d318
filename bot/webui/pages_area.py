"""Area page (the leader's start page) and the volunteer's own tally.

A leader sees only their own area (another area's page is a 404, as if it did not exist); an
official or admin sees every area of the commune. Figures come from the chat's queries:
`member_ranking` (/bxh, /doi), `revisits_due` (/henlai), `my_stats` (/cuatoi).
"""

from __future__ import annotations

from aiohttp import web

from bot.webui.core import Page, not_found, page
from handlers.numbers import parse_int
from models.activity import my_stats, revisits_due
from models.communes import Village, villages
from models.leaderboard import Period, member_ranking, weights
from models.members import Role


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/diaban", areas_page)
    router.add_get("/diaban/{village_id}", area_page)
    router.add_get("/cuatoi", mine_page)


@page(Role.LEADER)
async def areas_page(p: Page) -> web.StreamResponse:
    if not p.viewer.at_least(Role.OFFICIAL):
        raise web.HTTPSeeOther(f"/web/diaban/{p.viewer.village_id}")
    areas = await villages(p.session, commune_id=p.viewer.commune_id)
    return p.render("areas.html", villages=[(v.id, v.name) for v in areas])


@page(Role.LEADER)
async def area_page(p: Page) -> web.StreamResponse:
    raw = p.request.match_info["village_id"]
    number = parse_int(raw)
    village = await p.session.get(Village, number) if number is not None else None
    if village is None or village.commune_id != p.viewer.commune_id:
        return not_found(p)
    if not p.viewer.at_least(Role.OFFICIAL) and village.id != p.viewer.village_id:
        return not_found(p)
    today = p.ui.today()
    periods = {}
    for period in (Period.DAY, Period.WEEK, Period.MONTH):
        periods[period] = await member_ranking(
            p.session, village_id=village.id, period=period, today=today, tz=p.ui.tz
        )
    by_member: dict[int, dict[Period, object]] = {}
    for period, ranks in periods.items():
        for r in ranks:
            by_member.setdefault(r.member_id, {})[period] = r
    idle = [r.name for r in periods[Period.DAY] if not (r.visits or r.conversions)]
    visit_pts, conversion_pts = await weights(p.session, commune_id=p.viewer.commune_id)
    due = await revisits_due(p.session, today=today, village_id=village.id)
    return p.render(
        "area.html",
        village=village,
        today=today,
        periods=periods,
        by_member=by_member,
        team=periods[Period.MONTH],
        idle=idle,
        due=due,
        week=periods[Period.WEEK],
        visit_pts=visit_pts,
        conversion_pts=conversion_pts,
        Period=Period,
    )


@page(Role.VOLUNTEER)
async def mine_page(p: Page) -> web.StreamResponse:
    v = p.viewer
    if v.member_id is None:
        raise web.HTTPSeeOther("/web/tiendo")
    stats = await my_stats(
        p.session,
        member_id=v.member_id,
        village_id=v.village_id,
        commune_id=v.commune_id,
        today=p.ui.today(),
        tz=p.ui.tz,
    )
    return p.render("mine.html", stats=stats)
