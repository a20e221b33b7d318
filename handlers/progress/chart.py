"""The /tiendo chart: per-area horizontal bars against the target, the cumulative curve.

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
from matplotlib.ticker import FuncFormatter

from handlers.core.context import Context
from handlers.core.messages import Image, Reply
from locales import Translator
from models.progress import ProgressRow, by_percent, daily_counts, progress

FONT = "DejaVu Sans"


# Inches per area bar: 34 areas stay legible at the phone's zoom; a small commune stays compact.
BAR_INCHES = 0.3
CURVE_INCHES = 3.6


def build_figure(
    t: Translator,
    whole: ProgressRow,
    villages: list[ProgressRow],
    daily: dict[date, int],
    today: date,
) -> Figure:
    """Areas as horizontal bars, best on top, against the target; then the commune's curve.
    Without area targets only the curve is drawn (no empty panel)."""
    n = len(villages)
    bars_height = 1.2 + BAR_INCHES * n if n else 0
    fig = Figure(figsize=(9, bars_height + CURVE_INCHES), dpi=100)
    fig.set_layout_engine("constrained")
    if n:
        top, bottom = fig.subplots(
            2, 1, gridspec_kw={"height_ratios": [bars_height, CURVE_INCHES]}
        )
        _area_bars(t, top, whole, villages)
    else:
        bottom = fig.subplots(1, 1)
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
    bottom.set_title(
        t._("{indicator}: cumulative progress of the commune", indicator=whole.name(t.lang))
    )
    bottom.legend(loc="upper left")
    bottom.xaxis.set_major_formatter(DateFormatter("%d/%m/%Y"))
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: t.num(round(y))))
    bottom.tick_params(axis="x", labelrotation=30)
    for text in fig.findobj(match=lambda a: hasattr(a, "set_fontfamily")):
        text.set_fontfamily(FONT)
    return fig


def _area_bars(t: Translator, ax, whole: ProgressRow, villages: list[ProgressRow]) -> None:
    ordered = by_percent(villages)[::-1]  # barh draws bottom-up: the best ends on top
    names = [v.village_name or "" for v in ordered]
    values = [v.percent or 0 for v in ordered]
    goal = whole.target * 100 / whole.population if whole.population else 0
    colors = ["#2e7d32" if v >= goal else "#f9a825" for v in values]
    size = 10 if len(ordered) <= 12 else 8
    bars = ax.barh(names, values, color=colors, height=0.7)
    for label in ax.bar_label(
        bars,
        labels=[t.pct(v.percent) if v.percent is not None else "—" for v in ordered],
        padding=3,
        fontsize=size,
    ):
        # Readable where it crosses the target line.
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85})
    ax.axvline(goal, color="#c62828", linestyle="--", label=t._("Target"))
    ax.set_xlim(0, max(100, *values) * 1.12)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: t.num(round(x)) + "%"))
    ax.tick_params(axis="y", labelsize=size)
    ax.margins(y=0.01)
    ax.set_title(t._("{indicator}: percent by area", indicator=whole.name(t.lang)))
    ax.legend(loc="lower right")


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
