"""The cumulative line against the straight line to the target, as coordinates for inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from locales import Translator
from models.progress import ProgressRow

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    actual: str  # SVG polyline points
    plan: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    today_x: float | None
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _nice_step(span: float) -> int:
    raw = max(span / 5, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def line_chart(t: Translator, row: ProgressRow, daily: dict[date, int], as_of: date) -> LineChart:
    """Cumulative from the baseline date to `as_of`; the plan line to the deadline."""
    start = row.baseline_date
    end = max(row.deadline, as_of)
    days = max((end - start).days, 1)
    top_value = max(row.target, row.current, 1)
    step = _nice_step(top_value)
    y_max = ((top_value + step - 1) // step) * step

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / days

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / y_max

    points, total, day = [], row.baseline, start
    last = min(as_of, end)
    while day <= last:
        total += daily.get(day, 0)
        points.append(f"{x(day):.1f},{y(total):.1f}")
        day += timedelta(days=1)
    plan = f"{x(start):.1f},{y(row.baseline):.1f} {x(row.deadline):.1f},{y(row.target):.1f}"
    marks = [start + timedelta(days=round(days * i / 4)) for i in range(5)]
    x_ticks = [Tick(x(d), t.date(d)) for d in marks]
    # The end labels stay inside the picture.
    x_ticks[0] = Tick(x_ticks[0].pos, x_ticks[0].label, "start")
    x_ticks[-1] = Tick(x_ticks[-1].pos, x_ticks[-1].label, "end")
    y_ticks = [Tick(y(v), t.num(v)) for v in range(0, y_max + 1, step)]
    today_x = x(as_of) if start <= as_of <= end else None
    return LineChart(WIDTH, HEIGHT, " ".join(points), plan, x_ticks, y_ticks, today_x)
