"""Joining with an invite code: code → confirm or type the name → member linked.

| step    | waits for                    | next                       |
|---------|------------------------------|----------------------------|
| code    | an invite code               | confirm (or name)          |
| confirm | 1 = keep display name, 2     | done / name                |
| name    | the full name                | done                       |
"""

from __future__ import annotations

import re

from handlers.cooldown import cooldown_text
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.roles import place, role_name
from locales import N_
from models.members import joining, roster

router = Router()

FLOW = "join"
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .'-]+[^\W\d_]+)*$")


@router.command(
    "start", "batdau", role=None, help=N_("/start — start or see who you are"), order=1
)
async def start(ctx: Context) -> Result:
    member = ctx.member
    if member is not None:
        return done(
            Reply(
                ctx._(
                    "Hello {name}! You are {role} in {place}. Type /trogiup to see the commands.",
                    name=member.name,
                    role=role_name(ctx, member.role),
                    place=place(
                        ctx,
                        member.commune_name,
                        member.village_name,
                        member.commune_kind,
                        demo=member.commune_demo,
                    ),
                )
            )
        )
    # A code in the first message ("/start K7M4QX" or just "K7M4QX") is tried at once.
    candidate = ctx.args or (ctx.text if not ctx.text.startswith("/") else "")
    if candidate and len(joining.clean_code(candidate)) == joining.CODE_LENGTH:
        return await on_code(ctx, candidate)
    return Result(
        [
            Reply(
                ctx._("Hello! I am the assistant of the community digital technology team.")
                + "\n"
                + ctx._(
                    "Please enter the invite code from your team leader "
                    "or commune official (for example: K7M-4QX)."
                )
            )
        ],
        State(FLOW, "code"),
    )


@router.step(FLOW, "code")
async def on_code(ctx: Context, typed: str | None = None) -> Result:
    inc = ctx.incoming
    refused = await cooldown_text(ctx)
    if refused is not None:
        return _stay(ctx, refused)
    code = joining.clean_code(typed if typed is not None else ctx.text)
    invite = await joining.find_invite(ctx.session, code=code, now=ctx.now)
    if invite is None:
        joining.record_wrong_try(
            ctx.session, channel=inc.channel, user_id=inc.user_id, kind="invite", now=ctx.now
        )
        return _stay(
            ctx,
            ctx._(
                "The invite code is wrong or has expired. Please check it or ask your team leader."
            ),
        )
    removed_at = await roster.removed_at_for_account(
        ctx.session, channel=inc.channel, user_id=inc.user_id
    )
    if removed_at is not None and (invite.created_at is None or invite.created_at <= removed_at):
        # An old code (even one with uses left) does not bring a removed member back.
        return _stay(
            ctx,
            ctx._(
                "You were removed from the team. "
                "Please ask your team leader for a new invite code."
            ),
        )
    data = {"code": invite.code}
    intro = ctx._(
        "Valid code: {role}, {place}.",
        role=role_name(ctx, invite.role),
        place=place(
            ctx,
            invite.commune_name,
            invite.village_name,
            invite.commune_kind,
            demo=invite.commune_demo,
        ),
    )
    display = _clean_name(inc.display_name or "")
    if display:
        data["display"] = display
        question = ctx._('Is your name "{name}"?', name=display)
        choices = (Choice("yes", ctx._("Yes")), Choice("other", ctx._("Type another name")))
        return Result([Reply(f"{intro}\n{question}", choices)], State(FLOW, "confirm", data))
    return Result(
        [Reply(f"{intro}\n" + ctx._("Please enter your full name."))], State(FLOW, "name", data)
    )


def _stay(ctx: Context, text: str) -> Result:
    # Outside the flow (a code in the first message) the next message is a code again.
    if ctx.state.idle:
        return Result([Reply(text)], State(FLOW, "code"))
    return keep(Reply(text))


@router.step(FLOW, "confirm")
async def on_confirm(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked == "yes":
        return await _finish(ctx, ctx.state.data["display"])
    if picked == "other":
        return Result(
            [Reply(ctx._("Please enter your full name."))], State(FLOW, "name", ctx.state.data)
        )
    return keep(
        Reply(
            ctx._('Is your name "{name}"?', name=ctx.state.data.get("display", "")),
            tuple(ctx.state.choices),
        )
    )


@router.step(FLOW, "name")
async def on_name(ctx: Context) -> Result:
    name = _clean_name(ctx.text)
    if not name:
        return keep(
            Reply(ctx._("Please enter your name with letters only, for example: Nguyễn Thị Lan."))
        )
    return await _finish(ctx, name)


async def _finish(ctx: Context, name: str) -> Result:
    inc = ctx.incoming
    member_id = await joining.redeem_invite(
        ctx.session,
        code=ctx.state.data["code"],
        now=ctx.now,
        name=name,
        channel=inc.channel,
        user_id=inc.user_id,
        chat_id=inc.chat_id,
        bot=inc.bot,
        display_name=inc.display_name,
        locale=ctx.t.lang,
    )
    if member_id is None:
        return Result(
            [Reply(ctx._("Sorry, this code has just run out. Please ask for a new one."))],
            State(FLOW, "code"),
        )
    return done(
        Reply(
            ctx._("Welcome {name}, you have joined the team 🎉", name=name)
            + "\n"
            + ctx._(
                "Quick log: type a customer code or phone and an indicator, "
                'e.g. "PA12000123456 dien".'
            )
            + "\n"
            + ctx._("Type /trogiup to see the commands.")
        )
    )


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not 2 <= len(name) <= 80 or not NAME_RE.match(name):
        return ""
    return name
