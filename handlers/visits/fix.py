"""/sua: correct a recent entry — undo it, drop one conversion, or change its note.

Members may change their own entries for 48 hours; leaders any entry of their village, any
time. Every change goes to the audit trail; progress and ranks read live rows, so they follow.

| step   | waits for                               | next                    |
|--------|-----------------------------------------|-------------------------|
| entry  | one of the last 10 entries              | action                  |
| action | undo, remove a conversion, people, note | done / conv / note      |
| conv   | which conversion (remove / people)      | done / people           |
| people | the corrected number of people 1–30     | done                    |
| note   | the new note, or "xong" to clear it     | done                    |
"""

from __future__ import annotations

from handlers import units
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.numbers import parse_int
from handlers.visits.fieldlog import (
    MAX_NOTE,
    OUTCOMES,
    clock_time,
    conversion_text,
    has_words,
    inline,
    is_skip,
    label,
)
from locales import N_
from models import correction
from models.fieldwork import IndicatorRow, indicators, others_total
from models.members import Role
from models.visit import Outcome

router = Router()

FLOW = "fix"


def _may_change(ctx: Context, entry: correction.EntryRow, village_id: int | None) -> bool:
    member = ctx.member
    if member.at_least(Role.LEADER) and village_id == member.village_id:
        return True
    return entry.member_id == member.id and ctx.now - entry.at <= correction.EDIT_WINDOW


async def _names(ctx: Context) -> dict[str, IndicatorRow]:
    return {i.code: i for i in await indicators(ctx.session, ctx.member.commune_id)}


def _entry_label(
    ctx: Context, entry: correction.EntryRow, with_member: bool, inds: dict[str, IndicatorRow]
) -> str:
    local = entry.at.astimezone(ctx.tz)
    parts = [f"{ctx.t.date(local.date())[:5]} {clock_time(ctx, entry.at)}", entry.household_name]
    if entry.conversions:
        parts.append(
            ", ".join(
                inline(ctx, inds[code]) if code in inds else ctx._("another indicator")
                for code, _ in entry.conversions
            )
        )
    else:
        parts.append(ctx._(OUTCOMES[Outcome(entry.outcome)]))
    if with_member:
        parts.append(entry.member_name)
    return " · ".join(parts)


@router.command("sua", "fix", "edit", help=N_("/sua — undo or correct an entry"), order=25)
async def fix(ctx: Context) -> Result:
    member = ctx.member
    leader = member.at_least(Role.LEADER) and member.village_id is not None
    entries = await correction.recent_entries(
        ctx.session,
        member_id=None if leader else member.id,
        village_id=member.village_id if leader else None,
    )
    if not entries:
        return done(Reply(ctx._("You have no entries to correct.")))
    inds = await _names(ctx)
    choices = tuple(Choice(f"v{e.visit_id}", _entry_label(ctx, e, leader, inds)) for e in entries)
    return Result(
        [Reply(ctx._("Which entry do you want to correct?"), choices)], State(FLOW, "entry")
    )


@router.step(FLOW, "entry")
async def on_entry(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Please pick one of the entries."), tuple(ctx.state.choices)))
    visit_id = int(picked[1:])
    entry = await correction.get_entry(ctx.session, visit_id=visit_id)
    village = await correction.entry_village(ctx.session, visit_id=visit_id)
    if entry is None:
        return done(Reply(ctx._("This entry no longer exists.")))
    if not _may_change(ctx, entry, village):
        return done(
            Reply(ctx._("Entries can be changed for 48 hours. Please ask your team leader."))
        )
    choices = [Choice("undo", ctx._("Delete this entry"))]
    if entry.conversions:
        choices.append(Choice("conv", ctx._("Remove one conversion")))
        choices.append(Choice("people", ctx._("Change the number of people")))
    choices.append(Choice("note", ctx._("Change the note")))
    text = (
        _entry_label(ctx, entry, False, await _names(ctx))
        + "\n"
        + ctx._("What do you want to do?")
    )
    return Result([Reply(text, tuple(choices))], State(FLOW, "action", {"visit": visit_id}))


@router.step(FLOW, "action")
async def on_action(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked is None:
        return keep(Reply(ctx._("What do you want to do?"), tuple(ctx.state.choices)))
    if picked == "undo":
        await correction.undo_visit(ctx.session, visit_id=data["visit"], **_who(ctx))
        return done(Reply(ctx._("🗑 Entry deleted. Progress and rankings are updated.")))
    if picked in ("conv", "people"):
        entry = await correction.get_entry(ctx.session, visit_id=data["visit"])
        inds = await _names(ctx)
        choices = tuple(
            Choice(code, conversion_text(ctx, inds.get(code), code, n))
            for code, n in entry.conversions
        )
        data["then"] = picked
        question = (
            ctx._("Which conversion should be removed?")
            if picked == "conv"
            else ctx._("For which conversion?")
        )
        return Result([Reply(question, choices)], State(FLOW, "conv", data))
    return Result(
        [Reply(ctx._('Type the new note, or "xong" to clear it.'))], State(FLOW, "note", data)
    )


def _who(ctx: Context) -> dict:
    return {"by_member": ctx.member.id, "commune_id": ctx.member.commune_id, "now": ctx.now}


@router.step(FLOW, "conv")
async def on_conversion(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked is None:
        return keep(Reply(ctx._("Please pick one of the conversions."), tuple(ctx.state.choices)))
    if data.get("then") == "people":
        ind = (await _names(ctx)).get(picked)
        if ind is None or not units.counted(ind):
            text = ctx._("That conversion counts one household; there is no number to change.")
            return keep(Reply(text, tuple(ctx.state.choices)))
        # The household's total stays within the unit's cap, other visits' people included.
        others = await others_total(ctx.session, visit_id=data["visit"], code=picked)
        data.update(code=picked, unit=ind.unit, max=max(1, units.cap(ind) - others))
        text = ctx._(units.FIRST[ind.unit], indicator=label(ctx, ind), low=1, max=data["max"])
        return Result([Reply(text)], State(FLOW, "people", data))
    await correction.remove_conversion(
        ctx.session, visit_id=ctx.state.data["visit"], code=picked, **_who(ctx)
    )
    return done(Reply(ctx._("Conversion removed. Progress and rankings are updated.")))


@router.step(FLOW, "people")
async def on_people(ctx: Context) -> Result:
    data = ctx.state.data
    people = parse_int(ctx.text, lo=1, hi=data["max"])
    if people is None:
        refusal = units.OUT_OF_RANGE[data["unit"]]
        text = ctx._(refusal, low=1, max=data["max"])
        return keep(Reply(text))
    await correction.set_people(
        ctx.session, visit_id=data["visit"], code=data["code"], people=people, **_who(ctx)
    )
    return done(Reply(ctx._("Number of people changed to {n}.", n=people)))


@router.step(FLOW, "note")
async def on_note(ctx: Context) -> Result:
    if is_skip(ctx.text):
        note = None
    elif len(ctx.text) > MAX_NOTE or not has_words(ctx.text):
        return keep(
            Reply(ctx._('Please type a note of at most 1.000 characters, or "xong" to clear it.'))
        )
    else:
        note = ctx.text
    visit_id = ctx.state.data["visit"]
    await correction.set_note(ctx.session, visit_id=visit_id, note=note, **_who(ctx))
    return done(Reply(ctx._("Note saved.")))
