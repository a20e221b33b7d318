"""The /tiendo chart for 4, 12 and 34 areas: horizontal bars sorted by percent, every label
legible (no two overlap), Vietnamese numbers on the axes, no empty panel without area targets.

The PNGs are saved under the test's tmp dir, or CHART_DIR when set, to look at them."""

import os
from datetime import date
from pathlib import Path

import pytest

from handlers.progress.chart import build_figure, render
from locales import Translator
from models.progress import progress
from tests.reports.communes import commune, target

TODAY = date(2026, 11, 25)


async def areas_commune(sessionmaker, n: int, *, area_targets: bool = True) -> list:
    """n areas (Thôn 1…n) with DIEN targets whose percents differ; the commune's own target."""
    async with sessionmaker() as session, session.begin():
        names = [f"Thôn {i}" if i % 3 else f"Khu phố Bắc Sơn {i}" for i in range(1, n + 1)]
        c, areas, codes = await commune(session, f"Xã {n} địa bàn", names)
        dien = codes["DIEN"]
        common = {"baseline_date": date(2026, 11, 1), "target_percent": 70}
        common["deadline"] = date(2027, 2, 28)
        total = 0
        for i, name in enumerate(names):
            population = 300 + 17 * i
            baseline = (population * ((i * 37) % 90)) // 100
            total += population
            if area_targets:
                await target(
                    session,
                    c.id,
                    dien,
                    village_id=areas[name],
                    population=population,
                    baseline=baseline,
                    **common,
                )
        await target(session, c.id, dien, population=total, baseline=total // 4, **common)
        await session.flush()
        rows = await progress(session, commune_id=c.id, today=TODAY)
    return rows


def chart_dir(tmp_path: Path) -> Path:
    return Path(os.environ["CHART_DIR"]) if os.environ.get("CHART_DIR") else tmp_path


def overlaps(labels) -> list[tuple[str, str]]:
    boxes = [(lab.get_text(), lab.get_window_extent()) for lab in labels if lab.get_text()]
    return [(a, b) for (a, ba), (b, bb) in zip(boxes, boxes[1:], strict=False) if ba.overlaps(bb)]


@pytest.mark.parametrize("n", [4, 12, 34])
async def test_chart_for_n_areas_is_sorted_legible_and_vietnamese(sessionmaker, tmp_path, n):
    rows = await areas_commune(sessionmaker, n)
    whole = next(r for r in rows if r.village_id is None)
    villages = [r for r in rows if r.village_id is not None]
    fig = build_figure(Translator("vi"), whole, villages, {TODAY: 12}, TODAY)
    path = render(fig, chart_dir(tmp_path) / f"chart-{n}")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bars, curve = fig.axes
    labels = bars.get_yticklabels()
    # Every area has its label, best percent on top, and no label overlaps the next.
    top_down = [lab.get_text() for lab in labels][::-1]
    best_first = sorted(villages, key=lambda r: -r.percent)
    assert top_down == [r.village_name for r in best_first]
    assert overlaps(labels) == []
    assert min(lab.get_fontsize() for lab in labels) >= 8
    # Vietnamese numbers: percents with a comma on the bars, "%" on the axis, 1.000s dotted.
    values = [t.get_text() for t in bars.texts]
    assert Translator("vi").pct(best_first[0].percent) in values
    assert all("," in v and v.endswith("%") for v in values)
    assert all(t.get_text().endswith("%") for t in bars.get_xticklabels() if t.get_text())
    ticks = [t.get_text() for t in curve.get_yticklabels() if t.get_text()]
    big = [x for x in ticks if int(x.replace(".", "")) >= 1000]
    assert big and all("." in x and "," not in x for x in big), ticks


async def test_no_area_targets_draws_only_the_curve(sessionmaker, tmp_path):
    rows = await areas_commune(sessionmaker, 12, area_targets=False)
    (whole,) = rows
    fig = build_figure(Translator("vi"), whole, [], {}, TODAY)
    render(fig, chart_dir(tmp_path) / "chart-no-areas")
    (curve,) = fig.axes  # no empty bars panel with a −0,04…0,04 axis
    assert curve.get_title().endswith("tiến độ cộng dồn của xã")
