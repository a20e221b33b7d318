"""The visit flow after the household is known: outcome, conversions, note, confirm, save.

| step    | waits for                                        | next                       |
|---------|--------------------------------------------------|----------------------------|
| outcome | met / not home / refused / come back later       | inds / later / note        |
| later   | tomorrow, in 3 days, next week, or "28/11"       | note                       |
| inds    | "3 4", "dien nuoc", "none"; buttons toggle ✓     | business / count / note    |
| business| yes / no: is the household a business (QR)       | count / note               |
| count   | people or subscribers per counted indicator;     | count / note               |
|         | "how many more" if the household has some already|                           |
| note    | text ≤ 1.000 chars, a photo, or "xong"           | loc (if the channel has) / confirm |
| loc     | a location or "skip"                             | confirm                    |
| confirm | 1 save, 2 edit, 3 cancel                         | done / edit                |
| edit    | household, outcome, conversions, note            | the step asked again       |
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from handlers import units
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, done, keep
from handlers.core.router import Router
from handlers.visits import lookup_limit
from handlers.visits.ask import (
    FLOW,
    advance,
    area_id,
    ask,
    count_reply,
    example_day,
    had_total,
    indicators_reply,
    later_reply,
    outcome_reply,
    summary,
)
from handlers.visits.fieldlog import (
    MAX_NOTE,
    UNITS,
    already_line,
    clock_time,
    has_words,
    inline,
    is_skip,
)
from models import activity
from models.fieldwork import Saved, indicators, mark_business, save_visit
from models.household_search import by_key, create_household
from models.indicators import Unit
from models.visit import Outcome

router = Router()

LATER_MAX_DAYS = 90


@router.step(FLOW, "outcome")
async def on_outcome(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(outcome_reply(ctx))
    data = dict(ctx.state.data)
    data["outcome"] = picked
    if picked != Outcome.MET:
        data["inds"], data["counts"] = [], {}
    return await advance(ctx, data)


def _parse_day(ctx: Context, text: str) -> date | None:
    today = ctx.local().date()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?", text.strip())
    if match is None:
        return None
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        when = date(
            int(year) + (2000 if len(year) == 2 else 0) if year else today.year, month, day
        )
    except ValueError:
        return None
    if when <= today and not year:
        when = when.replace(year=today.year + 1)
    return when if today < when <= today + timedelta(days=LATER_MAX_DAYS) else None


@router.step(FLOW, "later")
async def on_later(ctx: Context) -> Result:
    picked = ctx.pick()
    when = (
        (ctx.local().date() + timedelta(days=int(picked))) if picked else _parse_day(ctx, ctx.text)
    )
    if when is None:
        reply = later_reply(ctx)
        text = ctx._(
            "Please pick a day or type a date within 90 days, e.g. {example}.",
            example=example_day(ctx),
        )
        return keep(Reply(text, reply.choices))
    data = dict(ctx.state.data)
    data["later"] = when.isoformat()
    return await advance(ctx, data)


@router.step(FLOW, "inds")
async def on_indicators(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    # "xong" finishes (with what was ticked on buttons; on text it means none).
    picked = ["done"] if is_skip(ctx.text) else ctx.pick_many()
    if picked is None:
        inds = await indicators(ctx.session, ctx.member.commune_id)
        hint = ", ".join(i.code.lower() for i in inds)
        reply = await indicators_reply(ctx, data.get("sel") or [])
        text = ctx._(
            'I did not understand "{text}". Indicators: {codes}.', text=ctx.text, codes=hint
        )
        return keep(Reply(text + "\n" + reply.text, reply.choices, reply.multi))
    if ctx.incoming.choice is not None and picked not in (["done"], ["none"]):
        # One button press toggles one indicator; the question is asked again with ✓ marks.
        sel = list(data.get("sel") or [])
        code = picked[0]
        sel = [c for c in sel if c != code] if code in sel else [*sel, code]
        data["sel"] = sel
        return ask(ctx, "inds", data, await indicators_reply(ctx, sel))
    if picked == ["done"]:
        picked = list(data.get("sel") or [])
    chosen = [c for c in picked if c not in ("none", "done")]
    data["inds"], data["counts"] = chosen, {}
    data.pop("sel", None)
    return await advance(ctx, data)


@router.step(FLOW, "business")
async def on_business(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Please answer 1 or 2."), tuple(ctx.state.choices)))
    data = dict(ctx.state.data)
    data["business"] = picked == "yes"
    if picked == "no":
        # A home is not counted for a business-unit indicator; the rest of the visit stays.
        business = {
            i.code
            for i in await indicators(ctx.session, ctx.member.commune_id)
            if i.unit == Unit.BUSINESS
        }
        data["inds"] = [c for c in data.get("inds") or [] if c not in business]
    return await advance(ctx, data)


@router.step(FLOW, "count")
async def on_count(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    code = data["asking"]
    ind = next(i for i in await indicators(ctx.session, ctx.member.commune_id) if i.code == code)
    had = had_total(data, code)
    n = units.parse(ctx.text, ind, had)
    if n is None:
        reply = await count_reply(ctx, code, had)
        return keep(Reply(units.refusal(ctx, ind, had) + "\n" + reply.text))
    data["counts"] = {**(data.get("counts") or {}), data.pop("asking"): n}
    return await advance(ctx, data)


@router.step(FLOW, "note", accepts=frozenset({"text", "photo"}))
async def on_note(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    if ctx.incoming.kind == "photo":
        data["photo"] = ctx.incoming.photo
        if ctx.text and has_words(ctx.text):
            data["note"] = ctx.text[:MAX_NOTE]
    elif ctx.pick() == "skip" or is_skip(ctx.text):
        pass
    elif len(ctx.text) > MAX_NOTE:
        text = ctx.t.ngettext(
            "The note is too long ({n} character; at most {max}). "
            'Please send a shorter one, or type "xong" to skip.',
            "The note is too long ({n} characters; at most {max}). "
            'Please send a shorter one, or type "xong" to skip.',
            len(ctx.text),
            max=ctx.t.num(MAX_NOTE),
        )
        return keep(Reply(text, tuple(ctx.state.choices)))
    elif not has_words(ctx.text):
        text = ctx._('Please write the note in words, or type "xong" to skip.')
        return keep(Reply(text, tuple(ctx.state.choices)))
    else:
        data["note"] = ctx.text
    data["asked"] = [*data.get("asked", []), "note"]
    return await advance(ctx, data)


@router.step(FLOW, "loc", accepts=frozenset({"text", "location"}))
async def on_location(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    if ctx.incoming.kind == "location" and ctx.incoming.location:
        data["loc"] = list(ctx.incoming.location)
    elif ctx.pick() != "skip" and not is_skip(ctx.text):
        text = ctx._("Please share a location, or skip.")
        return keep(Reply(text, tuple(ctx.state.choices)))
    data["asked"] = [*data.get("asked", []), "loc"]
    return await advance(ctx, data)


@router.step(FLOW, "confirm")
async def on_confirm(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked == "save":
        return await _save(ctx, data)
    if picked == "cancel":
        return done(Reply(ctx._("Cancelled. Nothing was saved.")))
    if picked == "edit":
        choices = (
            Choice("hh", ctx._("Household")),
            Choice("outcome", ctx._("Outcome")),
            Choice("inds", ctx._("Conversions")),
            Choice("note", ctx._("Note")),
        )
        return ask(ctx, "edit", data, Reply(ctx._("What do you want to change?"), choices))
    reply = await summary(ctx, data)
    return keep(Reply(ctx._("Please answer 1, 2 or 3.") + "\n" + reply.text, reply.choices))


@router.step(FLOW, "edit")
async def on_edit(ctx: Context) -> Result:
    picked = ctx.pick()
    data = dict(ctx.state.data)
    if picked is None:
        return keep(Reply(ctx._("What do you want to change?"), tuple(ctx.state.choices)))
    if picked == "hh":
        # Another household has its own totals and may or may not be a business.
        data.update(hh=None, new=None, had={}, business=None)
    elif picked == "outcome":
        data.update(outcome=None, later=None, inds=None, counts={})
    elif picked == "inds":
        if data.get("outcome") != Outcome.MET:
            data["outcome"] = None
        data.update(inds=None, counts={})
    else:
        data.update(note=None, photo=None, asked=[])
    return await advance(ctx, data)


async def _save(ctx: Context, data: dict) -> Result:
    member = ctx.member
    if data.get("hh") is None:
        new = data["new"]
        # Someone may have added the same code or phone while this flow was open.
        same = await by_key(
            ctx.session, commune_id=member.commune_id, code=new.get("code"), phone=new.get("phone")
        )
        refused = await lookup_limit.refusal(ctx, [same] if same else [])
        if refused:
            return done(refused)
        data["hh"] = same.id if same else await create_household(
            ctx.session, commune_id=member.commune_id, village_id=area_id(ctx, data),
            name=new["name"], house=new.get("house"), hamlet=new.get("hamlet"),
            phone=new.get("phone"), code=new.get("code"), member_id=member.id,
        )  # fmt: skip
    at = datetime.fromisoformat(data["at"])
    if data.get("business"):
        await mark_business(
            ctx.session, household_id=data["hh"], member_id=member.id,
            commune_id=member.commune_id, at=ctx.now,
        )  # fmt: skip
    had = data.get("had") or {}
    saved = await save_visit(
        ctx.session,
        member_id=member.id,
        household_id=data["hh"],
        at=at,
        outcome=data["outcome"],
        revisit_on=date.fromisoformat(data["later"]) if data.get("later") else None,
        conversions={c: (data.get("counts") or {}).get(c, 1) for c in data.get("inds") or []},
        note=data.get("note"),
        photo=data.get("photo"),
        location=tuple(data["loc"]) if data.get("loc") else None,
        seen={code: found[1] for code, found in had.items() if found},
    )
    return done(Reply("\n".join(await saved_lines(ctx, at, saved))))


async def saved_lines(ctx: Context, at: datetime, saved: Saved) -> list[str]:
    today = ctx.local().date()
    mine = await activity.tally(
        ctx.session, since=activity.day_start(today, ctx.tz), member_id=ctx.member.id
    )
    tally = mine.get(ctx.member.id, activity.Tally(0, 0))
    lines = [
        saved_at(ctx, at)
        + " "
        + ctx.t.ngettext(
            "Today you have logged {n} visit, {conversions}.",
            "Today you have logged {n} visits, {conversions}.",
            tally.visits,
            conversions=ctx.t.ngettext("{n} conversion", "{n} conversions", tally.conversions),
        )
    ]
    inds = {i.code: i for i in await indicators(ctx.session, ctx.member.commune_id)}
    row = saved.household
    for item in saved.already:
        lines.append(already_line(ctx, row.head_name, item, inds[item.indicator_code]))
    if saved.already:
        lines.append(ctx._("Your visit is still recorded."))
    for code, total in saved.totals.items():
        lines.append(units.total_line(ctx, inds[code], row.head_name, total))
    counted = [inds[code] for code in saved.counted]
    found = await activity.village_lines(
        ctx.session, village_id=row.village_id, units={i.id: i.unit for i in counted}, tz=ctx.tz
    )
    for ind in counted:
        line = found.get(ind.id)
        if line is not None and line.population:
            lines.append(_village_line(ctx, row.village_name, ind, line))
    return lines


def saved_at(ctx: Context, at: datetime) -> str:
    """When the visit counts; a message written offline on another day names that day."""
    day, today = at.astimezone(ctx.tz).date(), ctx.local().date()
    time = clock_time(ctx, at)
    if day == today:
        return ctx._("✅ Saved at {time}.", time=time)
    if day == today - timedelta(days=1):
        return ctx._("✅ Saved at {time} yesterday, {date}.", time=time, date=ctx.t.date(day)[:5])
    return ctx._("✅ Saved at {time} on {date}.", time=time, date=ctx.t.date(day))


def _village_line(ctx: Context, village: str, ind, line: activity.VillageLine) -> str:
    return ctx._(
        "{village} — {indicator}: {achieved}/{population} {unit} ({percent}).",
        village=village,
        indicator=inline(ctx, ind),
        achieved=ctx.t.num(line.achieved),
        population=ctx.t.num(line.population),
        unit=ctx._(UNITS.get(line.unit, line.unit)),
        percent=ctx.t.pct(100 * line.achieved / line.population),
    )
