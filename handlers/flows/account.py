"""Help and language: /trogiup lists what the member's role can do, /ngonngu switches vi/en."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from locales import LANGUAGES, N_, Translator
from models.keys import fold
from models.members import Role, joining

router = Router()


@router.command(
    "trogiup", "help", "giup", role=None, help=N_("/trogiup — this list"), group=True, order=2
)
async def help_command(ctx: Context) -> Result:
    if ctx.member is None:
        return done(Reply(ctx._("Send /start and your invite code to join the team.")))
    seen: set[str] = set()
    lines = [ctx._("What you can do:")]
    for cmd in sorted(ctx.commands.values(), key=lambda c: c.order):
        if cmd.name in seen or cmd.help is None:
            continue
        seen.add(cmd.name)
        if cmd.role is not None and not ctx.member.at_least(cmd.role):
            continue
        if ctx.incoming.chat_kind == "group" and not cmd.group:
            continue
        lines.append(ctx._(cmd.help))
    return done(Reply("\n".join(lines)))


@router.command(
    "ngonngu",
    "language",
    role=Role.VOLUNTEER,
    help=N_("/ngonngu — Tiếng Việt / English"),
    order=90,
)
async def language(ctx: Context) -> Result:
    wanted = _lang(ctx.args)
    if wanted:
        return await _switch(ctx, wanted)
    choices = (Choice("vi", "Tiếng Việt"), Choice("en", "English"))
    return Result([Reply(ctx._("Choose a language:"), choices)], State("language", "pick"))


@router.step("language", "pick")
async def on_pick(ctx: Context) -> Result:
    wanted = ctx.pick() or _lang(ctx.text)
    if wanted is None:
        return keep(Reply(ctx._("Choose a language:"), tuple(ctx.state.choices)))
    return await _switch(ctx, wanted)


def _lang(text: str) -> str | None:
    key = fold(text)
    aliases = {"vi": "vi", "tieng viet": "vi", "vn": "vi", "en": "en", "english": "en"}
    return aliases.get(key)


async def _switch(ctx: Context, lang: str) -> Result:
    assert lang in LANGUAGES
    assert ctx.member is not None
    await joining.set_locale(ctx.session, member_id=ctx.member.id, locale=lang)
    ctx.t = Translator(lang)
    return done(Reply(ctx._("Language set to English.")))
