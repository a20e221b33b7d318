"""/web: a one-time sign-in link to the web page; `/web dangxuat` signs out everywhere.

| step | waits for                | next |
|------|--------------------------|------|
| —    | (one reply, no question) | done |
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models.keys import fold
from models.websession import LOGIN_MINUTES, create_login, end_member_sessions

router = Router()

SIGN_OUT_WORDS = {"dangxuat", "dang xuat", "logout", "signout", "sign out", "thoat"}


@router.command("web", help=N_("/web — open the web page (progress, team, reports)"), order=88)
async def web(ctx: Context) -> Result:
    member = ctx.member
    if fold(ctx.args) in SIGN_OUT_WORDS:
        ended = await end_member_sessions(ctx.session, member_id=member.id, now=ctx.now)
        return done(
            Reply(
                ctx.t.ngettext(
                    "Signed out of the web page ({n} open session closed).",
                    "Signed out of the web page ({n} open sessions closed).",
                    ended,
                )
            )
        )
    token = await create_login(
        ctx.session,
        member_id=member.id,
        commune_id=member.commune_id,
        role=member.role,
        now=ctx.now,
    )
    base = ctx.extra.get("web_base_url", "").rstrip("/")
    return done(
        Reply(
            ctx._("Your sign-in link for the web page:")
            + f"\n{base}/web/dangnhap/{token}\n"
            + ctx.t.ngettext(
                "It works once, for {n} minute. Do not forward it.",
                "It works once, for {n} minutes. Do not forward it.",
                LOGIN_MINUTES,
            )
            + "\n"
            + ctx._("To sign out everywhere: /web dangxuat")
        )
    )
