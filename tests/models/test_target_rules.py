"""Every refusal and the warning of models/target_rules, said in Vietnamese and English."""

from datetime import date

import pytest

from handlers.problems import problem_text
from locales import Translator
from models.indicators import rules
from models.indicators.rules import Draft, check_area_sum, check_numbers, refused

VI, EN = Translator("vi"), Translator("en")
D0, D1 = date(2024, 8, 30), date(2024, 11, 30)


def _draft(**kw) -> Draft:
    values = {"population": 1857, "baseline": 532, "baseline_date": D0, "deadline": D1}
    values.update(kw)
    if "count" not in kw and "percent" not in kw:
        values["percent"] = 70
    return Draft(**values)


def _texts(problems, t=VI) -> list[str]:
    return [problem_text(t, p) for p in problems]


def test_the_plan_of_quang_truong_passes():
    assert check_numbers(_draft()) == []
    assert check_numbers(_draft(count=1300)) == []
    assert check_numbers(_draft(deadline=D0)) == []  # due the same day is allowed


@pytest.mark.parametrize(
    ("kw", "msgid", "vi"),
    [
        (
            {"baseline": 1900},
            rules.BASELINE_ABOVE,
            "số ban đầu 1.900 lớn hơn tổng số 1.857",
        ),
        (
            {"percent": 0},
            rules.PERCENT_RANGE,
            "tỷ lệ mục tiêu 0% phải lớn hơn 0 và không quá 100%",
        ),
        (
            {"percent": 100.5},
            rules.PERCENT_RANGE,
            "tỷ lệ mục tiêu 100,5% phải lớn hơn 0 và không quá 100%",
        ),
        ({"percent": -5}, rules.PERCENT_RANGE, None),
        ({"count": 2000}, rules.COUNT_ABOVE, "số mục tiêu 2.000 lớn hơn tổng số 1.857"),
        ({"count": 0}, rules.COUNT_ZERO, None),
        (
            {"deadline": date(2024, 8, 29)},
            rules.DEADLINE_BEFORE,
            "hạn 29/08/2024 trước ngày ban đầu 30/08/2024",
        ),
        ({"population": 0, "baseline": 0}, rules.NO_POPULATION, None),
        ({"population": -1, "baseline": 0}, rules.NEGATIVE, "tổng số không được âm"),
        ({"baseline": -3}, rules.NEGATIVE, "số ban đầu không được âm"),
        (
            {"population": 3_000_000_000},
            rules.TOO_LARGE,
            "tổng số 3.000.000.000 lớn hơn 10.000.000",
        ),
        ({"count": 2**40}, rules.TOO_LARGE, None),
        ({"percent": 70, "count": 1300}, rules.NO_GOAL, None),
    ],
)
def test_each_refusal_names_its_reason(kw, msgid, vi):
    problems = check_numbers(_draft(**kw))
    assert refused(problems)
    assert msgid in [p.msgid for p in problems]
    if vi is not None:
        assert vi in _texts(problems)


def test_no_goal_at_all_is_refused():
    draft = Draft(population=10, baseline=0, baseline_date=D0, deadline=D1)
    assert [p.msgid for p in check_numbers(draft)] == [rules.NO_GOAL]


def test_areas_adding_up_to_more_than_the_commune_is_a_warning_not_a_refusal():
    problems = check_area_sum(1857, [420, 510, 447, 500])
    assert problems and not refused(problems)
    assert _texts(problems) == [
        "tổng số của các địa bàn cộng lại là 1.877, nhiều hơn tổng số toàn xã 1.857 — "
        "anh/chị kiểm tra lại"
    ]
    assert _texts(problems, EN) == [
        "the areas' totals add up to 1,877, more than the commune's 1,857 — check them"
    ]
    assert check_area_sum(1857, [420, 510, 447, 480]) == []
    assert check_area_sum(None, [10**6]) == []
