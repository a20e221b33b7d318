"""The trend arrow: the last 7 days' pace against the campaign's earlier daily average."""

from __future__ import annotations

from datetime import date

import pytest

from bot.webui.pages_progress import trend_of
from models.progress import ProgressRow

AS_OF = date(2024, 9, 26)  # 28 days after a baseline on 30/08/2024


def row(achieved: int, last7: int) -> ProgressRow:
    return ProgressRow(
        indicator_id=1, code="DIEN", name_vi="Điện", name_en="Electricity", short_vi="Điện",
        short_en="Electricity", unit="customer_code", emoji="", village_id=None,
        village_name=None, population=1857, baseline=532, baseline_date=date(2024, 8, 30),
        achieved=achieved, current=532 + achieved, percent=None, target_percent=70,
        target=1300, remaining=0, deadline=date(2024, 11, 30), days_left=65,
        needed_per_day=None, last7=last7, pace=last7 / 7, projected=None, days_late=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("achieved", "last7", "trend"),
    [
        (105, 70, "up"),  # 10 a day now, 35 over the 21 days before: ~1,7 a day
        (210, 7, "down"),  # 1 a day now, ~9,7 a day before
        (28, 7, "flat"),  # 1 a day throughout
    ],
)
def test_trend_compares_this_week_with_the_days_before(achieved, last7, trend):
    assert trend_of(row(achieved, last7), AS_OF) == trend


def test_a_campaign_younger_than_a_week_has_no_trend():
    assert trend_of(row(10, 10), date(2024, 9, 2)) == "flat"


def test_a_target_far_behind_says_so_instead_of_a_date_years_away():
    from dataclasses import replace

    from bot.webui.pages_progress import describe
    from locales import translator

    t = translator("vi")
    base = replace(row(28, 7), remaining=700)
    far = describe(t, replace(base, projected=date(2026, 10, 1), days_late=670), AS_OF)
    near = describe(t, replace(base, projected=date(2024, 12, 10), days_late=10), AS_OF)
    assert far.projection == "Chậm: với nhịp này không kịp hạn"
    assert "2026" not in far.projection and far.late
    assert near.projection == "10/12/2024 · trễ 10 ngày"
