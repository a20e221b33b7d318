"""/muctieu (officials): see every target, then set or change one in a few short questions.

| step              | waits for                          | next              |
|-------------------|------------------------------------|-------------------|
| target/indicator  | an indicator (choice)              | target/place      |
| target/place      | the commune or a village (choice)  | target/numbers    |
| target/numbers    | "population baseline", e.g. 420 143| target/goal       |
| target/goal       | "70%" or a count "300"             | target/deadline   |
| target/deadline   | dd/mm/yyyy after today             | target/confirm    |
| target/confirm    | Save / Cancel                      | done              |
The baseline date is the day the target is saved: conversions from then on count on top.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from handlers.context import Context
from handlers.digests.progress import goal_text
from handlers.messages import Choice, Reply, Result, State, done, keep
from handlers.numbers import MAX_COUNT, whole_numbers
from handlers.registry import command, step
from locales import N_
from models.audit import audit
from models.catalogue import commune_indicators
from models.commune import Village
from models.keys import fold_digits
from models.member import Role
from models.progress import progress
from models.targets import TargetIn, set_target

FLOW = "target"


@command("muctieu", "target", role=Role.OFFICIAL, help=N_("/muctieu — see and set targets"))
async def target_command(ctx: Context) -> Result:
    rows = await progress(
        ctx.session, commune_id=ctx.member.commune_id, today=ctx.local().date(), tz=ctx.tz
    )
    lines = [ctx._("🎯 Targets:")] if rows else [ctx._("No targets yet.")]
    for row in rows:
        lines.append(
            ctx._(
                "{emoji} {indicator} — {place}: {population} · baseline {baseline} · "
                "{goal} = {target} · by {deadline}",
                emoji=row.emoji,
                indicator=row.short(ctx.t.lang),
                place=row.village_name or ctx._("whole commune"),
                population=ctx.t.num(row.population),
                baseline=ctx.t.num(row.baseline),
                goal=goal_text(ctx.t, row),
                target=ctx.t.num(row.target),
                deadline=ctx.t.date(row.deadline),
            )
        )
    indicators = await commune_indicators(ctx.session, ctx.member.commune_id)
    en = ctx.t.lang == "en"
    choices = [Choice(str(i.id), i.short_en if en else i.short_vi) for i in indicators]
    lines.append(ctx._("Which indicator do you want to set?"))
    return Result([Reply("\n".join(lines), tuple(choices))], State(FLOW, "indicator", {}, choices))


@step(FLOW, "indicator")
async def on_indicator(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(
            Reply(ctx._("Please pick an indicator from the list."), tuple(ctx.state.choices))
        )
    villages = (
        await ctx.session.execute(
            select(Village.id, Village.name)
            .where(Village.commune_id == ctx.member.commune_id)
            .order_by(Village.name)
        )
    ).all()
    choices = [Choice("0", ctx._("Whole commune"))] + [Choice(str(v), n) for v, n in villages]
    data = {"indicator": int(picked)}
    reply = Reply(ctx._("For the whole commune or for one village?"), tuple(choices))
    return Result([reply], State(FLOW, "place", data, choices))


@step(FLOW, "place")
async def on_place(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Please pick a place from the list."), tuple(ctx.state.choices)))
    label = next(c.label for c in ctx.state.choices if c.key == picked)
    data = {**ctx.state.data, "village": int(picked) or None, "place": label}
    return Result([Reply(_numbers_question(ctx))], State(FLOW, "numbers", data))


def _numbers_question(ctx: Context) -> str:
    return ctx._(
        "How many in total (households or people), and how many already reached? "
        "Type two numbers, e.g.: 420 143"
    )


def _too_big(ctx: Context) -> Reply:
    text = ctx._(
        "That number is too large: at most {max}. Please type it again.",
        max=ctx.t.num(MAX_COUNT),
    )
    return Reply(text)


@step(FLOW, "numbers")
async def on_numbers(ctx: Context) -> Result:
    numbers = whole_numbers(ctx.text)
    if any(n > MAX_COUNT for n in numbers):
        return keep(_too_big(ctx))
    if len(numbers) != 2 or not 0 <= numbers[1] <= numbers[0] or numbers[0] < 1:
        return keep(Reply(_numbers_question(ctx)))
    data = {**ctx.state.data, "population": numbers[0], "baseline": numbers[1]}
    question = ctx._("The target: a percent (e.g. 70%) or a number (e.g. 300)?")
    return Result([Reply(question)], State(FLOW, "goal", data))


@step(FLOW, "goal")
async def on_goal(ctx: Context) -> Result:
    text = fold_digits(ctx.text).replace(" ", "")
    match = re.fullmatch(r"([0-9]{1,12}(?:[.,][0-9]{1,6})?)(%?)", text)
    if match is None:
        return keep(Reply(ctx._("Please type a percent like 70% or a number like 300.")))
    value = float(match.group(1).replace(",", "."))
    is_percent = bool(match.group(2))
    if (is_percent and not 0 < value <= 100) or (not is_percent and not value.is_integer()):
        return keep(Reply(ctx._("Please type a percent like 70% or a number like 300.")))
    if not is_percent and not 0 < value <= ctx.state.data["population"]:
        text = ctx._(
            "The target count must be from 1 to {population}. Please type it again.",
            population=ctx.t.num(ctx.state.data["population"]),
        )
        return keep(Reply(text))
    data = {**ctx.state.data, "percent": value if is_percent else None}
    data["count"] = None if is_percent else int(value)
    question = ctx._("The deadline? Type day/month/year, e.g. 25/02/2027.")
    return Result([Reply(question)], State(FLOW, "deadline", data))


@step(FLOW, "deadline")
async def on_deadline(ctx: Context) -> Result:
    match = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", fold_digits(ctx.text))
    deadline = None
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            deadline = date(year, month, day)
        except ValueError:
            deadline = None
    if deadline is None or deadline <= ctx.local().date():
        return keep(Reply(ctx._("Please type a date after today, e.g. 25/02/2027.")))
    data = {**ctx.state.data, "deadline": deadline.isoformat()}
    goal = (
        ctx.t.num(data["percent"], 0 if float(data["percent"]).is_integer() else 1) + "%"
        if data["percent"] is not None
        else ctx.t.num(data["count"])
    )
    text = ctx._(
        "Save this target? {place}: {population} in total, {baseline} reached today, "
        "target {goal} by {deadline}.",
        place=data["place"],
        population=ctx.t.num(data["population"]),
        baseline=ctx.t.num(data["baseline"]),
        goal=goal,
        deadline=ctx.t.date(deadline),
    )
    choices = [Choice("save", ctx._("Save")), Choice("cancel", ctx._("Cancel"))]
    return Result([Reply(text, tuple(choices))], State(FLOW, "confirm", data, choices))


@step(FLOW, "confirm")
async def on_confirm(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Reply 1 to save or 2 to cancel."), tuple(ctx.state.choices)))
    if picked == "cancel":
        return done(Reply(ctx._("Cancelled. Nothing was saved.")))
    data = ctx.state.data
    target = TargetIn(
        indicator_id=data["indicator"],
        village_id=data["village"],
        population=data["population"],
        baseline=data["baseline"],
        baseline_date=ctx.local().date(),
        deadline=date.fromisoformat(data["deadline"]),
        percent=data["percent"],
        count=data["count"],
    )
    await set_target(ctx.session, commune_id=ctx.member.commune_id, target=target)
    audit(
        ctx.session,
        action="set",
        entity="target",
        member_id=ctx.member.id,
        commune_id=ctx.member.commune_id,
        detail={k: data[k] for k in ("indicator", "village", "population", "baseline")},
        at=ctx.now,
    )
    return done(Reply(ctx._("Saved ✅ Type /tiendo to see the progress.")))
