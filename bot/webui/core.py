"""What every page shares: settings, the signed-in viewer, CSRF, headers and template rendering."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import Context, MemberView
from handlers.core.messages import Incoming, State
from locales import Translator, translator
from models.base import utcnow
from models.communes import Commune
from models.members import Role
from models.websession import SESSION_HOURS, Viewer, viewer_for

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
COOKIE = "cdsweb"
UI_KEY = web.AppKey("webui", object)

# No inline script or style anywhere: every page works under this policy.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The sign-in link carries its token in the path: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass
class WebUI:
    sessionmaker: async_sessionmaker[AsyncSession]
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    base_url: str = "http://127.0.0.1:8080"
    files_dir: Path = Path("data/files")
    clock: Callable[[], datetime] = utcnow
    default_locale: str = "vi"
    # https://t.me/<username>?start=CODE under invite codes, when Telegram runs.
    telegram_username: str | None = None
    env: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    def today(self):
        return self.clock().astimezone(self.tz).date()


def ui_of(request: web.Request) -> WebUI:
    return request.app[UI_KEY]


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _apply_headers(request, response)
        raise
    _apply_headers(request, response)
    return response


def _apply_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)
    if not request.path.startswith("/web/static/"):
        response.headers["Cache-Control"] = "no-store"
    if ui_of(request).secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"


def csrf_token(session_token: str) -> str:
    """Derived from the session token: nothing to store, and useless without the cookie."""
    return hmac.new(session_token.encode(), b"cdsbot web csrf", hashlib.sha256).hexdigest()


def set_session_cookie(response: web.StreamResponse, ui: WebUI, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        path="/web",
        httponly=True,
        secure=ui.secure,
        samesite="Lax",
    )


@dataclass
class Page:
    """One signed-in request: the database session, the viewer and their language."""

    request: web.Request
    ui: WebUI
    session: AsyncSession
    viewer: Viewer
    csrf: str
    # Every commune, for the admin's commune switch (empty for other roles).
    communes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def t(self) -> Translator:
        return translator(self.viewer.locale)

    def render(self, template: str, *, status: int = 200, **values: Any) -> web.Response:
        return render(self.ui, template, self.t, status=status, page=self, **values)

    async def form(self) -> dict[str, str]:
        data = await self.request.post()
        return {k: v for k, v in data.items() if isinstance(v, str)}


PageHandler = Callable[[Page], Awaitable[web.StreamResponse]]


def page(role: Role) -> Callable[[PageHandler], Callable[[web.Request], Awaitable[Any]]]:
    """Sign-in, role and (for POST) CSRF checks around a page, in one transaction."""

    def wrap(fn: PageHandler):
        async def handler(request: web.Request) -> web.StreamResponse:
            ui = ui_of(request)
            token = request.cookies.get(COOKIE, "")
            async with ui.sessionmaker() as session, session.begin():
                viewer = await viewer_for(session, token=token, now=ui.clock()) if token else None
                if viewer is None:
                    return signed_out(ui, status=401)
                current = Page(request, ui, session, viewer, csrf_token(token))
                if viewer.role == Role.ADMIN:
                    found = await session.execute(select(Commune.id, Commune.name))
                    current.communes = sorted((tuple(r) for r in found), key=lambda c: c[1])
                if request.method == "POST":
                    data = await request.post()
                    sent = data.get("csrf")
                    if not isinstance(sent, str) or not hmac.compare_digest(sent, current.csrf):
                        log.warning("web form refused: missing or wrong CSRF token")
                        return refused(current, 403)
                if not viewer.at_least(role):
                    return refused(current, 403)
                try:
                    response = await fn(current)
                except web.HTTPRedirection as redirect:
                    # Leaving the block normally commits what the page changed.
                    response = redirect
            if isinstance(response, web.HTTPException):
                raise response
            return response

        return handler

    return wrap


def refused(p: Page, status: int) -> web.Response:
    return p.render("error.html", status=status, code=status)


def not_found(p: Page) -> web.Response:
    return refused(p, 404)


def signed_out(ui: WebUI, *, status: int = 200, t: Translator | None = None) -> web.Response:
    return render(ui, "signedout.html", t or translator(ui.default_locale), status=status)


def render(
    ui: WebUI, template: str, t: Translator, *, status: int = 200, **values: Any
) -> web.Response:
    values.setdefault("page", None)
    html = ui.env.get_template(template).render(
        _=t._,
        gettext=t._,
        ngettext=t.ngettext,
        t=t,
        lang=t.lang,
        Role=Role,
        **values,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def chat_context(p: Page) -> Context:
    """The chat's Context for this viewer, so the page runs the chat's own code paths (the
    /baocao export, its audit entry) instead of a second copy of them."""
    v = p.viewer
    now = p.ui.clock()
    return Context(
        session=p.session,
        incoming=Incoming(
            channel="web",
            user_id=str(v.member_id or 0),
            chat_id="web",
            message_id="web",
            sent_at=now,
        ),
        t=p.t,
        now=now,
        state=State(),
        version=0,
        member=MemberView(
            id=v.member_id,
            commune_id=v.commune_id,
            village_id=v.village_id,
            name=v.name,
            role=v.role,
            locale=v.locale,
            reminders=False,
            commune_name=v.commune_name,
            village_name=v.village_name,
        ),
        tz=p.ui.tz,
        files_dir=p.ui.files_dir,
    )
