"""The team roster: /thanhvien lists members, /xoathanhvien removes one after a confirmation.

| step    | waits for                     | next          |
|---------|-------------------------------|---------------|
| pick    | the number or name of member  | confirm       |
| confirm | 1 = remove, 2 = keep          | done          |

Leaders see and remove members of their village; officials those of the commune. Nobody
removes themselves or someone of a higher rank (a leader cannot remove an official).
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.roles import role_name
from locales import N_
from models.keys import fold
from models.members import Role, roster

router = Router()

FLOW = "members"
# More than this and the list is too long for a phone screen: ask for part of the name.
MAX_CHOICES = 20


def _line(ctx: Context, row: roster.RosterRow, commune_wide: bool) -> str:
    label = f"{row.name} — {role_name(ctx, row.role)}"
    if commune_wide and row.village_name:
        label += f", {row.village_name}"
    return label


def _commune_wide(ctx: Context) -> bool:
    assert ctx.member is not None
    return ctx.member.at_least(Role.OFFICIAL)


@router.command(
    "thanhvien",
    role=Role.LEADER,
    help=N_("/thanhvien — members of your team"),
    order=70,
)
async def list_command(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    wide = _commune_wide(ctx)
    rows = await roster.list_members(
        ctx.session,
        commune_id=member.commune_id,
        village_id=None if wide else member.village_id,
        whole_commune=wide,
    )
    where = member.commune_name if wide else (member.village_name or member.commune_name)
    lines = [ctx._("Members in {place}: {n}", place=where, n=ctx.t.num(len(rows)))]
    lines += [f"{i}. {_line(ctx, row, wide)}" for i, row in enumerate(rows, 1)]
    lines.append(ctx._("To remove a member, type /xoathanhvien."))
    return done(Reply("\n".join(lines)))


@router.command(
    "xoathanhvien",
    role=Role.LEADER,
    help=N_("/xoathanhvien — remove a member from the team"),
    order=71,
)
async def remove_command(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    rows = await roster.removable(
        ctx.session,
        actor_id=member.id,
        actor_role=member.role,
        commune_id=member.commune_id,
        village_id=member.village_id,
    )
    if ctx.args:
        wanted = fold(ctx.args)
        rows = [r for r in rows if wanted in fold(r.name)]
    if not rows:
        return done(Reply(ctx._("There is no member you can remove.")))
    if len(rows) > MAX_CHOICES:
        return done(
            Reply(
                ctx.t.ngettext(
                    "There is {n} member. Type part of the name, for example: /xoathanhvien Lan",
                    "There are {n} members. Type part of the name, for example: /xoathanhvien Lan",
                    len(rows),
                )
            )
        )
    wide = _commune_wide(ctx)
    choices = tuple(Choice(str(r.id), _line(ctx, r, wide)) for r in rows)
    return Result(
        [Reply(ctx._("Which member do you want to remove?"), choices)], State(FLOW, "pick")
    )


@router.step(FLOW, "pick")
async def on_pick(ctx: Context) -> Result:
    picked = ctx.pick() or _by_name(ctx)
    if picked is None:
        return keep(Reply(ctx._("Which member do you want to remove?"), tuple(ctx.state.choices)))
    label = next(c.label for c in ctx.state.choices if c.key == picked)
    question = ctx._(
        "Remove {member} from the team? They will no longer be able to use the bot.",
        member=label,
    )
    choices = (Choice("yes", ctx._("Remove")), Choice("no", ctx._("Keep")))
    return Result(
        [Reply(question, choices)],
        State(FLOW, "confirm", {"member_id": int(picked), "label": label}),
    )


def _by_name(ctx: Context) -> str | None:
    """Typing the member's name (without the role after it) picks them when only one fits."""
    typed = fold(ctx.text)
    if not typed:
        return None
    fits = [c.key for c in ctx.state.choices if fold(c.label).startswith(typed)]
    return fits[0] if len(fits) == 1 else None


@router.step(FLOW, "confirm")
async def on_confirm(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked == "no":
        return done(Reply(ctx._("Cancelled. Nothing was changed.")))
    if picked != "yes":
        question = ctx._(
            "Remove {member} from the team? They will no longer be able to use the bot.",
            member=ctx.state.data.get("label", ""),
        )
        return keep(Reply(question, tuple(ctx.state.choices)))
    member = ctx.member
    assert member is not None
    removed = await roster.remove_member(
        ctx.session,
        member_id=int(ctx.state.data["member_id"]),
        actor_id=member.id,
        actor_role=member.role,
        commune_id=member.commune_id,
        village_id=member.village_id,
        now=ctx.now,
    )
    if removed is None:
        return done(Reply(ctx._("This member can no longer be removed (already removed?).")))
    return done(
        Reply(
            ctx._(
                "{name} has been removed. Their access has ended on every app.",
                name=removed.name,
            )
        )
    )
