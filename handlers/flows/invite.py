"""/moi: invite codes from chat. A leader makes volunteer codes for their own area; an official
for any area and any role up to official. Volunteers cannot make codes.

| step        | waits for                                   | next                      |
|-------------|---------------------------------------------|---------------------------|
| (command)   | —                                           | role (official) / uses    |
| invite/role | volunteer / leader / official (officials)   | place / uses              |
| invite/place| an area: a choice, or part of its name      | place / uses              |
| invite/uses | how many people may join with it, or default| days                      |
| invite/days | how many days it stays valid, or default    | done: code, link, QR      |
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

from handlers import area_pick
from handlers.core.context import Context
from handlers.core.messages import Choice, Image, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.numbers import parse_int
from handlers.places import commune_title
from handlers.roles import ROLE_NAMES, role_name
from locales import N_
from models.audit import audit
from models.members import Role
from models.members.joining import create_invite, show_code
from models.members.roster import may_manage

router = Router()

FLOW = "invite"
DEFAULT_USES = 10  # a village team is about 5–15 people
DEFAULT_DAYS = 7  # long enough to pass round at a meeting, short enough to go stale safely
MAX_USES = 200
MAX_DAYS = 90
ROLES = (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)


def _state(step_name: str, data: dict, reply: Reply) -> Result:
    return Result([reply], State(FLOW, step_name, data, list(reply.choices)))


@router.command("moi", "invite", role=Role.LEADER, help=N_("/moi — make an invite code"), order=60)
async def invite_command(ctx: Context) -> Result:
    member = ctx.member
    if not member.at_least(Role.OFFICIAL):
        if member.village_id is None:
            return done(Reply(ctx._("Invite codes are made for an area; you have none yet.")))
        data = {"role": Role.VOLUNTEER, "village": member.village_id, "place": member.village_name}
        return _state("uses", data, _uses_question(ctx, data))
    choices = tuple(Choice(r.value, ctx._(ROLE_NAMES[r.value])) for r in ROLES)
    return _state("role", {}, Reply(ctx._("An invite code for which role?"), choices))


@router.step(FLOW, "role")
async def on_role(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Please pick a role from the list."), tuple(ctx.state.choices)))
    data = {"role": picked}
    if picked == Role.OFFICIAL:
        data.update(
            village=None,
            place=commune_title(ctx.t, ctx.member.commune_name, ctx.member.commune_kind),
        )
        return _state("uses", data, _uses_question(ctx, data))
    reply = await area_pick.question(ctx, ctx._("For which area?"), commune=False)
    return _state("place", data, reply)


@router.step(FLOW, "place")
async def on_place(ctx: Context) -> Result:
    found = await area_pick.answer(ctx, commune=False)
    data = dict(ctx.state.data)
    if not found.done:
        return _state("place", data, found.reply)
    data.update(village=found.village_id, place=found.name)
    return _state("uses", data, _uses_question(ctx, data))


def _uses_question(ctx: Context, data: dict) -> Reply:
    text = ctx._(
        "{role} code for {place}. How many people may join with it? Type a number (1–{max}).",
        role=role_name(ctx, data["role"]),
        place=data["place"],
        max=MAX_USES,
    )
    default = ctx.t.ngettext("{n} person (usual)", "{n} people (usual)", DEFAULT_USES)
    return Reply(text, (Choice("default", default),))


@router.step(FLOW, "uses")
async def on_uses(ctx: Context) -> Result:
    uses = DEFAULT_USES if ctx.pick() == "default" else parse_int(ctx.text, lo=1, hi=MAX_USES)
    if uses is None:
        text = ctx._("Please type a number from 1 to {max}.", max=MAX_USES)
        return keep(Reply(text, tuple(ctx.state.choices)))
    data = {**ctx.state.data, "uses": uses}
    text = ctx._("How many days should it stay valid? Type a number (1–{max}).", max=MAX_DAYS)
    default = ctx.t.ngettext("{n} day (usual)", "{n} days (usual)", DEFAULT_DAYS)
    return _state("days", data, Reply(text, (Choice("default", default),)))


@router.step(FLOW, "days")
async def on_days(ctx: Context) -> Result:
    days = DEFAULT_DAYS if ctx.pick() == "default" else parse_int(ctx.text, lo=1, hi=MAX_DAYS)
    if days is None:
        text = ctx._("Please type a number from 1 to {max}.", max=MAX_DAYS)
        return keep(Reply(text, tuple(ctx.state.choices)))
    data = ctx.state.data
    member = ctx.member
    role = Role(data["role"])
    # Checked again at the moment of the change: the roster's one rule for granting a role,
    # and a leader only ever for volunteers of their own area.
    own_volunteers = role == Role.VOLUNTEER and data["village"] == member.village_id
    if not may_manage(member.role, role) or (
        not member.at_least(Role.OFFICIAL) and not own_volunteers
    ):
        return done(Reply(ctx._("This command is not available for your role.")))
    code = await create_invite(
        ctx.session,
        commune_id=member.commune_id,
        village_id=data["village"],
        role=role,
        uses=data["uses"],
        days=days,
        created_by=member.id,
        now=ctx.now,
    )
    audit(
        ctx.session,
        action="create",
        entity="invite",
        member_id=member.id,
        commune_id=member.commune_id,
        detail={
            "role": role.value,
            "village": data["village"],
            "uses": data["uses"],
            "days": days,
            "via": "chat",
        },
        at=ctx.now,
    )
    return done(*await _made(ctx, code, data, days))


def invite_link(ctx: Context, code: str) -> str | None:
    """The Telegram deep link, when a Telegram bot runs (its username comes from bot/)."""
    return start_link(ctx.extra.get("telegram_username"), code)


def start_link(username: str | None, code: str) -> str | None:
    """`https://t.me/<bot>?start=CODE`, the one form of the link for the chat and the web page."""
    return f"https://t.me/{username}?start={code}" if username else None


async def _made(ctx: Context, code: str, data: dict, days: int) -> list[Reply]:
    expires = ctx.local(ctx.now + timedelta(days=days)).date()
    lines = [
        ctx._("✅ Invite code: {code}", code=show_code(code)),
        ctx._(
            "{role}, {place} · {uses} · valid until {date}.",
            role=role_name(ctx, data["role"]),
            place=data["place"],
            uses=ctx.t.ngettext("{n} person", "{n} people", data["uses"]),
            date=ctx.t.date(expires),
        ),
        ctx._("To join: send /start to the bot and type the code."),
    ]
    link = invite_link(ctx, code)
    if link:
        lines.append(ctx._("On Telegram, opening this link joins at once: {link}", link=link))
    replies = [Reply("\n".join(lines))]
    if ctx.caps.images:
        # The QR holds the link when there is one, else the code: either joins from a phone.
        path = await asyncio.to_thread(_qr_png, link or f"/start {show_code(code)}", ctx.files_dir)
        caption = ctx._("Scan to join: {code}", code=show_code(code))
        replies.append(Reply(image=Image(path, caption)))
    return replies


def _qr_png(content: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"moi-{uuid.uuid4().hex[:12]}.png"
    import segno  # noqa: PLC0415 - the QR library loads when an invite is made, not at start

    segno.make(content, error="m").save(path, kind="png", scale=8, border=3)
    return path
