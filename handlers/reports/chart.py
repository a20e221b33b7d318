"""The /tiendo chart: per-village bars against the target, cumulative curve against the plan.

Drawn with matplotlib's Agg canvas directly (no pyplot global state) in DejaVu Sans, which ships
with matplotlib and has every Vietnamese glyph.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from pathlib import Path

from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from handlers.context import Context
from handlers.messages import Image, Reply
from locales import Translator
from models.progress import ProgressRow, by_percent, daily_counts, progress

FONT = "DejaVu Sans"


def build_figure(
    t: Translator,
    whole: ProgressRow,
    villages: list[ProgressRow],
    daily: dict[date, int],
    today: date,
) -> Figure:
    fig = Figure(figsize=(9, 8), dpi=100)
    fig.set_layout_engine("constrained")
    top, bottom = fig.subplots(2, 1)
    ordered = by_percent(villages)
    names = [v.village_name or "" for v in ordered]
    bars = top.bar(names, [v.percent or 0 for v in ordered], color="#2e7d32")
    top.bar_label(
        bars, labels=[t.pct(v.percent) if v.percent is not None else "—" for v in ordered]
    )
    goal = whole.target * 100 / whole.population if whole.population else 0
    top.axhline(goal, color="#c62828", linestyle="--", label=t._("Target"))
    top.set_ylabel("%")
    top.set_title(t._("{indicator}: percent by village", indicator=whole.name(t.lang)))
    top.legend()
    days, values = _cumulative(whole, daily, today)
    # A marker keeps the first day visible before the curve has a second point.
    bottom.plot(days, values, color="#1565c0", marker="o", markersize=3, label=t._("Achieved"))
    bottom.plot(
        [whole.baseline_date, whole.deadline],
        [whole.baseline, whole.target],
        color="#c62828",
        linestyle="--",
        label=t._("Straight line to the target"),
    )
    bottom.set_title(t._("Cumulative progress of the commune"))
    bottom.legend()
    bottom.xaxis.set_major_formatter(DateFormatter("%d/%m/%Y"))
    bottom.tick_params(axis="x", labelrotation=30)
    for text in fig.findobj(match=lambda a: hasattr(a, "set_fontfamily")):
        text.set_fontfamily(FONT)
    return fig


def _cumulative(
    whole: ProgressRow, daily: dict[date, int], today: date
) -> tuple[list[date], list[int]]:
    """Baseline plus each day's conversions, from the baseline date up to today."""
    days, values, total = [], [], whole.baseline
    day = whole.baseline_date
    end = min(max(day, today), whole.deadline + timedelta(days=365))
    while day <= end:
        total += daily.get(day, 0)
        days.append(day)
        values.append(total)
        day += timedelta(days=1)
    return days, values


def render(fig: Figure, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"tiendo-{uuid.uuid4().hex[:12]}.png"
    fig.savefig(path, format="png")
    return path


async def chart_reply(ctx: Context, *, indicator_ids: list[int] | None, today: date) -> Reply:
    member = ctx.member
    assert member is not None
    rows = await progress(
        ctx.session,
        commune_id=member.commune_id,
        today=today,
        indicator_ids=indicator_ids,
        tz=ctx.tz,
    )
    whole = next((r for r in rows if r.village_id is None), None)
    if whole is None:
        return Reply(ctx._("No targets have been set yet."))
    villages = [r for r in rows if r.indicator_id == whole.indicator_id and r.village_id]
    daily = await daily_counts(
        ctx.session,
        commune_id=member.commune_id,
        indicator_id=whole.indicator_id,
        since=whole.baseline_date,
        until=today,
        tz=ctx.tz,
    )
    fig = build_figure(ctx.t, whole, villages, daily, today)
    # Rendering takes a few hundred milliseconds of CPU: keep the event loop free meanwhile.
    path = await asyncio.to_thread(render, fig, ctx.files_dir)
    caption = ctx._(
        "{indicator}: {current}/{target} by {deadline}",
        indicator=whole.name(ctx.t.lang),
        current=ctx.t.num(whole.current),
        target=ctx.t.num(whole.target),
        deadline=ctx.t.date(whole.deadline),
    )
    return Reply(image=Image(path, caption))
