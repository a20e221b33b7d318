"""Data rights: /hodan lets an official export one household's data or erase it on request.

| step   | waits for                          | next            |
|--------|------------------------------------|-----------------|
| find   | customer code, phone or name       | pick / action   |
| pick   | the number of the household        | action          |
| action | 1 = export, 2 = erase, 3 = cancel  | done / erase    |
| erase  | 1 = erase, 2 = keep                | done            |

Private chats only (commands are not allowed in groups by default). Every export and erasure
is written to the audit log, without the household's personal data.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from handlers import files as generated_files
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.visits.fieldlog import conversion_text
from locales import N_
from models import privacy
from models.audit import audit
from models.fieldwork import IndicatorRow, indicators
from models.household import Household
from models.members import Role

router = Router()

FLOW = "household_data"
OUTCOMES = {
    "met": N_("met"),
    "not_home": N_("not at home"),
    "refused": N_("refused"),
    "later": N_("come back later"),
}


def _official(ctx: Context):
    assert ctx.member is not None
    return ctx.member


def _label(ctx: Context, row: privacy.HouseholdRow) -> str:
    parts = [row.head_name or ctx._("(no name)")]
    if row.house_number:
        parts.append(ctx._("no. {number}", number=row.house_number))
    parts.append(row.village_name)
    return ", ".join(parts)


@router.command(
    "hodan",
    role=Role.OFFICIAL,
    help=N_("/hodan — export or erase one household's data on request"),
    order=80,
)
async def start(ctx: Context) -> Result:
    if ctx.args:
        return await on_find(ctx, ctx.args)
    return Result([Reply(_ask_find(ctx))], State(FLOW, "find"))


def _ask_find(ctx: Context) -> str:
    return ctx._("Which household? Type the customer code, the phone number or the head's name.")


@router.step(FLOW, "find")
async def on_find(ctx: Context, typed: str | None = None) -> Result:
    query = (typed if typed is not None else ctx.text)[:120]
    rows = await privacy.find_households(
        ctx.session, commune_id=_official(ctx).commune_id, query=query
    )
    if not rows:
        text = ctx._("No household found.") + " " + _ask_find(ctx)
        return Result([Reply(text)], State(FLOW, "find"))
    if len(rows) > privacy.MAX_FOUND:
        text = ctx._("Too many households match. Please type more of the name, or the code.")
        return Result([Reply(text)], State(FLOW, "find"))
    if len(rows) == 1:
        return _ask_action(ctx, rows[0].id, _label(ctx, rows[0]))
    choices = tuple(Choice(str(r.id), _label(ctx, r)) for r in rows)
    return Result([Reply(ctx._("Which household?"), choices)], State(FLOW, "pick"))


@router.step(FLOW, "pick")
async def on_pick(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Which household?"), tuple(ctx.state.choices)))
    label = next(c.label for c in ctx.state.choices if c.key == picked)
    return _ask_action(ctx, int(picked), label)


def _ask_action(ctx: Context, household_id: int, label: str) -> Result:
    choices = (
        Choice("export", ctx._("Show all data")),
        Choice("erase", ctx._("Erase personal data")),
        Choice("cancel", ctx._("Cancel")),
    )
    question = ctx._("Household {label}. What do you want to do?", label=label)
    data = {"household_id": household_id, "label": label}
    return Result([Reply(question, choices)], State(FLOW, "action", data))


@router.step(FLOW, "action")
async def on_action(ctx: Context) -> Result:
    picked = ctx.pick()
    data = ctx.state.data
    if picked == "export":
        return await _export(ctx, int(data["household_id"]))
    if picked == "erase":
        question = ctx._(
            "Erase the name, phone, customer code, house number, visit notes and photos of "
            "household {label}? This cannot be undone; the counts stay.",
            label=data.get("label", ""),
        )
        choices = (Choice("yes", ctx._("Erase")), Choice("no", ctx._("Keep")))
        return Result([Reply(question, choices)], State(FLOW, "erase", data))
    if picked == "cancel":
        return done(Reply(ctx._("Cancelled. Nothing was changed.")))
    question = ctx._("Household {label}. What do you want to do?", label=data.get("label", ""))
    return keep(Reply(question, tuple(ctx.state.choices)))


async def _export(ctx: Context, household_id: int) -> Result:
    member = _official(ctx)
    found = await privacy.household_data(
        ctx.session, household_id=household_id, commune_id=member.commune_id
    )
    if found is None:
        return done(Reply(ctx._("This household is no longer available.")))
    audit(
        ctx.session,
        action="household_export",
        entity="household",
        entity_id=household_id,
        member_id=member.id,
        commune_id=member.commune_id,
        at=ctx.now,
    )
    inds = {i.code: i for i in await indicators(ctx.session, ctx.member.commune_id)}
    return done(Reply(_summary(ctx, found, inds)))


def _summary(ctx: Context, found: privacy.HouseholdData, inds: dict[str, IndicatorRow]) -> str:
    h = found.household
    dash = "—"
    lines = [
        ctx._("Data stored about household #{id}:", id=h.id),
        ctx._("Head: {value}", value=h.head_name or dash),
        ctx._(
            "House number: {value}, group: {hamlet}, {village}",
            value=h.house_number or dash,
            hamlet=h.hamlet or dash,
            village=h.village_name,
        ),
        ctx._("Phone: {value}", value=h.phone or dash),
        ctx._("Customer code: {value}", value=h.customer_code or dash),
        ctx._("Recorded on: {date}", date=ctx.t.date(ctx.local(h.created_at).date())),
        ctx._("Visits: {n}", n=ctx.t.num(len(found.visits))),
    ]
    for v in found.visits:
        when = ctx.local(v.at)
        line = f"• {ctx.t.date(when.date())} {ctx.t.time(when)} — {v.member_name}, "
        line += ctx._(OUTCOMES.get(v.outcome, v.outcome))
        if v.note:
            line += f": {v.note}"
        if v.photo_ref:
            line += " " + ctx._("(photo)")
        lines.append(line)
    lines.append(ctx._("Conversions: {n}", n=ctx.t.num(len(found.conversions))))
    for c in found.conversions:
        what = conversion_text(ctx, inds.get(c.indicator_code), c.indicator_code, c.people)
        lines.append(f"• {ctx.t.date(ctx.local(c.at).date())} — {what}")
    return "\n".join(lines)


@router.step(FLOW, "erase")
async def on_erase(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked == "no":
        return done(Reply(ctx._("Cancelled. Nothing was changed.")))
    if picked != "yes":
        return keep(
            Reply(ctx._("Please answer 1 to erase or 2 to keep."), tuple(ctx.state.choices))
        )
    member = _official(ctx)
    # What a generated workbook may hold of it, read before it is erased.
    home = await ctx.session.get(Household, int(ctx.state.data["household_id"]))
    needles = [home.head_name, home.customer_code, home.phone] if home else []
    photos = await privacy.erase_household(
        ctx.session,
        household_id=int(ctx.state.data["household_id"]),
        commune_id=member.commune_id,
        actor_id=member.id,
        now=ctx.now,
    )
    if photos is None:
        return done(Reply(ctx._("This household is no longer available.")))
    _delete_files(ctx.files_dir, photos)
    await asyncio.to_thread(generated_files.delete_naming, ctx.files_dir, needles)
    return done(
        Reply(ctx._("The personal data of this household has been erased. The counts are kept."))
    )


def _delete_files(root: Path, refs: list[str]) -> None:
    base = root.resolve()
    for ref in refs:
        path = (base / ref).resolve()
        # A stored reference never points outside the files directory.
        if path.is_relative_to(base) and path.is_file():
            path.unlink()
