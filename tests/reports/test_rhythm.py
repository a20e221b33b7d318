"""The reporting rhythm (Commune.settings["report"]) drives /baocao's default period, the
6- and 9-month periods and the report reminder — Ngọc Trạo's plan: months 1, 2, 4, 5, 7, 8,
10, 11, the first quarter, 6 months, 9 months and the year, due before the 15th."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from bot.jobs import run_now
from handlers.report.period import parse_period
from models.reporting import Period, rhythm
from tests.conftest import TZ
from tests.jobs.helpers import outbox_rows
from tests.reports import factories as f
from tests.reports.communes import commune, member_chat

NGOC_TRAO = {
    "report": {
        "periods": [
            {"kind": "month", "months": [1, 2, 4, 5, 7, 8, 10, 11], "due_day": 15},
            {"kind": "quarter", "months": [3], "due_day": 15},
            {"kind": "half", "months": [6], "due_day": 15},
            {"kind": "nine_months", "months": [], "due_day": 15},
            {"kind": "year", "months": [], "due_day": 15},
        ]
    }
}


def test_ngoc_trao_reports_the_periods_its_plan_names_and_no_others():
    r = rhythm(NGOC_TRAO)
    assert r.reports(Period("month", 4, 2024)) and not r.reports(Period("month", 3, 2024))
    assert r.reports(Period("quarter", 3, 2024)) and not r.reports(Period("quarter", 6, 2024))
    assert r.reports(Period("half", 6, 2024)) and not r.reports(Period("half", 12, 2024))
    assert r.reports(Period("nine_months", 9, 2024)) and r.reports(Period("year", 12, 2024))
    assert not r.reports(Period("month", 12, 2024)) and not r.reports(Period("month", 6, 2024))
    assert r.due_date(Period("quarter", 3, 2024)) == date(2024, 4, 15)
    assert r.due_date(Period("year", 12, 2024)) == date(2025, 1, 15)
    # On the 10th of each month, the report due next is the one that just ended.
    due_on_the_10th = [r.due_next(date(2024, m, 10)) for m in range(1, 13)]
    assert [(p.kind, p.number, p.year) for p in due_on_the_10th] == [
        ("year", 2023, 2023),
        ("month", 1, 2024),
        ("month", 2, 2024),
        ("quarter", 1, 2024),
        ("month", 4, 2024),
        ("month", 5, 2024),
        ("half", 1, 2024),
        ("month", 7, 2024),
        ("month", 8, 2024),
        ("nine_months", 1, 2024),
        ("month", 10, 2024),
        ("month", 11, 2024),
    ]
    # From the due day on, the next one is the period still running.
    assert r.due_next(date(2024, 4, 15)) == Period("month", 4, 2024)
    assert r.due_next(date(2024, 3, 20)) == Period("quarter", 3, 2024)
    assert r.due_next(date(2024, 12, 20)) == Period("year", 12, 2024)


def test_the_old_shape_and_an_every_period_rhythm_still_read():
    old = rhythm({"report": {"rhythm": "month", "due_day": 15}})
    assert old.due_next(date(2026, 12, 10)) == Period("month", 11, 2026)
    assert old.due_next(date(2026, 12, 15)) == Period("month", 12, 2026)
    assert rhythm({}).due_next(date(2026, 12, 10)) == Period("month", 11, 2026)
    both = rhythm(
        {
            "report": {
                "periods": [
                    {"kind": "month", "months": [], "due_day": 5},
                    {"kind": "quarter", "months": [], "due_day": 5},
                ]
            }
        }
    )
    # March ends a month and a quarter: both due 05/04, the quarter is the one /baocao gives.
    assert both.due_now(date(2026, 4, 2)) == [
        (Period("quarter", 3, 2026), date(2026, 4, 5)),
        (Period("month", 3, 2026), date(2026, 4, 5)),
    ]
    assert both.due_next(date(2026, 4, 2)) == Period("quarter", 3, 2026)
    # After the due day nothing is due now: a reminder would name a passed date.
    assert both.due_now(date(2026, 4, 10)) == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("6 thang 2026", Period("half", 6, 2026)),
        ("6 tháng", Period("half", 6, 2024)),
        ("6 tháng cuối năm 2023", Period("half", 12, 2023)),
        ("9 thang", Period("nine_months", 9, 2024)),
        ("9 tháng năm 2023", Period("nine_months", 9, 2023)),
        ("quy IV/2023", Period("quarter", 12, 2023)),
        ("quý 1", Period("quarter", 3, 2024)),
        ("thang 10 2023", Period("month", 10, 2023)),
        ("tháng 2/2024", Period("month", 2, 2024)),
        ("nam 2023", Period("year", 12, 2023)),
        ("thang 13", None),
        ("9 thang cuoi nam", None),
        ("tuan", None),
        ("6 thang abc", None),
    ],
)
def test_periods_typed_after_baocao(text, period):
    assert parse_period(text, NGOC_TRAO, date(2024, 5, 20)) == period


def test_nine_months_and_halves_span_from_january():
    assert (Period("nine_months", 9, 2024).start, Period("nine_months", 9, 2024).end) == (
        date(2024, 1, 1),
        date(2024, 10, 1),
    )
    assert Period("half", 12, 2024).start == date(2024, 7, 1)
    assert Period("half", 12, 2024).end == date(2025, 1, 1)
    with pytest.raises(ValueError):
        Period("quarter", 5, 2024)


async def ngoc_trao(sessionmaker, chat, clock):
    async with sessionmaker() as session, session.begin():
        nt, areas, codes = await commune(
            session, "Ngọc Trạo", ["Thôn Đồng Mười", "Thôn Trung Thành"], NGOC_TRAO
        )
        ba = await f.member(
            session, commune_id=nt.id, village_id=areas["Thôn Đồng Mười"], name="Ba"
        )
        for day in (date(2024, 2, 3), date(2024, 10, 2)):
            await f.convert(
                session,
                member_row=ba,
                village_id=areas["Thôn Đồng Mười"],
                indicator_id=codes["VNEID"],
                at=f.local(day),
                name=f"Hộ {day.month}",
            )
    clock.set_local(2024, 4, 1, 9, 0)
    official = await member_chat(
        sessionmaker,
        chat,
        clock,
        nt.id,
        role="official",
        user="tg-xa",
        name="Lê Văn Xã",
        channel="telegram",
    )
    return nt, official


async def test_baocao_follows_the_rhythm_of_ngoc_trao(sessionmaker, chat, clock):
    _nt, xa = await ngoc_trao(sessionmaker, chat, clock)
    expected = [
        ((2024, 4, 10), "baocao-quarter-1-2024.xlsx", "Báo cáo quý 1/2024"),
        ((2024, 4, 20), "baocao-month-04-2024.xlsx", "Báo cáo tháng 04/2024"),
        ((2024, 7, 10), "baocao-half-1-2024.xlsx", "Báo cáo 6 tháng đầu năm 2024"),
        ((2024, 10, 14), "baocao-nine_months-2024.xlsx", "Báo cáo 9 tháng năm 2024"),
        ((2024, 12, 20), "baocao-year-2024.xlsx", "Báo cáo năm 2024"),
        ((2025, 1, 10), "baocao-year-2024.xlsx", "Báo cáo năm 2024"),
    ]
    for day, filename, caption in expected:
        clock.set_local(*day, 9, 0)
        await xa.say("/baocao")
        (reply,) = xa.replies
        assert (reply.document.filename, reply.text) == (filename, caption), day
    # Named periods: 9 months is January to September (February's conversion, not October's).
    clock.set_local(2024, 11, 5, 9, 0)
    await xa.say("/baocao 9 thang")
    ws = load_workbook(xa.replies[0].document.path)["Chuyển đổi"]
    assert [r[1] for r in ws.iter_rows(min_row=4, values_only=True)] == ["Thôn Đồng Mười"]
    assert ws["A1"].value.startswith("Báo cáo 9 tháng năm 2024 — Ngọc Trạo")
    await xa.say("/baocao 6 thang 2024")
    assert xa.replies[0].document.filename == "baocao-half-1-2024.xlsx"
    await xa.say("/baocao 6 thang 2025")
    assert xa.text == "Kỳ này chưa bắt đầu. Anh/chị chọn kỳ khác nhé."


async def test_reminder_goes_only_for_named_periods_before_their_due_day(
    sessionmaker, chat, clock
):
    nt, _xa = await ngoc_trao(sessionmaker, chat, clock)

    async def remind(*day) -> list[str]:
        now = datetime(*day, 8, 0, tzinfo=TZ)
        await run_now(sessionmaker, job="report-reminder", commune_id=nt.id, tz=TZ, now=now)
        rows = [r for r in await outbox_rows(sessionmaker) if now.date().isoformat() in r.key]
        return ["\n".join(x["text"] for x in r.payload["replies"]) for r in rows]

    assert await remind(2024, 4, 10) == [
        "📅 Báo cáo quý 1/2024 cần nộp trước ngày 15/04/2024: "
        "gõ /baocao quy 1/2024 để lấy tệp Excel."
    ]
    assert await remind(2024, 7, 10) == [
        "📅 Báo cáo 6 tháng đầu năm 2024 cần nộp trước ngày 15/07/2024: "
        "gõ /baocao 6 thang 2024 để lấy tệp Excel."
    ]
    assert await remind(2024, 10, 10) == [
        "📅 Báo cáo 9 tháng năm 2024 cần nộp trước ngày 15/10/2024: "
        "gõ /baocao 9 thang 2024 để lấy tệp Excel."
    ]
    assert await remind(2025, 1, 10) == [
        "📅 Báo cáo năm 2024 cần nộp trước ngày 15/01/2025: gõ /baocao nam 2024 để lấy tệp Excel."
    ]
    assert await remind(2024, 5, 10) == [
        "📅 Báo cáo tháng 04/2024 cần nộp trước ngày 15/05/2024: "
        "gõ /baocao thang 04/2024 để lấy tệp Excel."
    ]
    # After the due day (a rule moved to the 20th): nothing, never a date already passed.
    assert await remind(2024, 5, 20) == []


def test_the_reminder_runs_before_the_earliest_due_day_unless_set():
    from models.schedule import rule_for

    assert rule_for("report-reminder", NGOC_TRAO).day == 10
    early = {"report": {"periods": [{"kind": "month", "months": [], "due_day": 8}]}}
    assert rule_for("report-reminder", early).day == 3
    assert rhythm(early).due_now(date(2026, 5, 3)) == [
        (Period("month", 4, 2026), date(2026, 5, 8))
    ]
    own = {**early, "schedule": {"report-reminder": {"day": 6}}}
    assert rule_for("report-reminder", own).day == 6
