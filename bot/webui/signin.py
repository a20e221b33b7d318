"""Sign-in from a one-time link, sign-out, the start page per role, language and commune switch."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.webui.core import COOKIE, Page, page, render, set_session_cookie, signed_out, ui_of
from handlers.numbers import parse_int
from locales import LANGUAGES, translator
from models.communes import Commune
from models.members import Role
from models.websession import (
    WebSession,
    end_session,
    login_is_open,
    redeem_login,
    set_locale,
)


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", start, name="start")
    router.add_get("/dangnhap/{token}", ask_sign_in)
    router.add_post("/dangnhap/{token}", sign_in)
    router.add_post("/dangxuat", sign_out)
    router.add_post("/ngonngu", language)
    router.add_post("/xa", pick_commune)


async def ask_sign_in(request: web.Request) -> web.Response:
    """A button, not an instant sign-in: chat apps fetch links for previews and would spend it."""
    ui = ui_of(request)
    t = translator(ui.default_locale)
    async with ui.sessionmaker() as session:
        is_open = await login_is_open(session, token=request.match_info["token"], now=ui.clock())
    if not is_open:
        return render(ui, "linkrefused.html", t, status=403)
    return render(ui, "signin.html", t)


async def sign_in(request: web.Request) -> web.Response:
    ui = ui_of(request)
    async with ui.sessionmaker() as session, session.begin():
        token = await redeem_login(
            session,
            token=request.match_info["token"],
            now=ui.clock(),
            locale=ui.default_locale,
        )
    if token is None:
        return render(ui, "linkrefused.html", translator(ui.default_locale), status=403)
    response = web.HTTPSeeOther("/web/")
    set_session_cookie(response, ui, token)
    raise response


@page(Role.VOLUNTEER)
async def sign_out(p: Page) -> web.Response:
    await end_session(p.session, token=p.request.cookies[COOKIE], now=p.ui.clock())
    response = signed_out(p.ui, t=p.t)
    response.del_cookie(COOKIE, path="/web")
    return response


START = {
    Role.ADMIN: "/web/tiendo",
    Role.OFFICIAL: "/web/tiendo",
    Role.LEADER: "/web/diaban",
    Role.VOLUNTEER: "/web/cuatoi",
}


@page(Role.VOLUNTEER)
async def start(p: Page) -> web.Response:
    raise web.HTTPSeeOther(START[Role(p.viewer.role)])


@page(Role.VOLUNTEER)
async def language(p: Page) -> web.Response:
    form = await p.form()
    if form.get("lang") in LANGUAGES:
        await set_locale(p.session, session_id=p.viewer.session_id, locale=form["lang"])
    raise web.HTTPSeeOther(_back(form))


@page(Role.ADMIN)
async def pick_commune(p: Page) -> web.Response:
    form = await p.form()
    raw = form.get("commune", "")
    number = parse_int(raw)
    commune_id = await p.session.scalar(
        select(Commune.id).where(Commune.id == number if number is not None else False)
    )
    if commune_id is not None:
        row = await p.session.get(WebSession, p.viewer.session_id)
        row.commune_id = commune_id
    raise web.HTTPSeeOther(_back(form))


def _back(form: dict[str, str]) -> str:
    """Back to the page the form was on (no Referer is sent): only our own pages."""
    path = form.get("next", "")
    safe = path.startswith("/web/") and "//" not in path and "\\" not in path
    return path if safe and "/dangnhap/" not in path else "/web/"
