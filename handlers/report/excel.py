"""The district report workbook: summary per indicator and place, conversions, member activity.

Each sheet has a title row (period and generation time), a frozen header row, set widths and
number formats, so officials can copy the figures straight into their own report.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from handlers.progress.text import LATE_DATE_LIMIT
from locales import Translator
from models.cells import put
from models.progress import CountRow, ProgressRow
from models.report import ActivityLine, ConversionLine

HEADER_ROW = 3
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INTEGER = "#,##0"
PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"


def status(t: Translator, row: ProgressRow) -> str:
    if row.reached:
        return t._("Reached")
    if row.overdue:
        return t._("Past the deadline, {n} short", n=t.num(row.remaining))
    if row.days_late is None:
        return t._("No new conversions in the last 7 days")
    if row.days_late and row.days_late > LATE_DATE_LIMIT:
        return t._("Behind: not reached by the deadline at this pace")
    if row.days_late:
        return t.ngettext(
            "Behind: {n} day late at this pace",
            "Behind: {n} days late at this pace",
            row.days_late,
        )
    return t._("On track")


def _sheet(ws: Worksheet, title: str, headers: list[tuple[str, int]]) -> None:
    put(ws, 1, 1, title).font = Font(bold=True, size=13)
    for col, (header, width) in enumerate(headers, 1):
        cell = put(ws, HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _write(ws: Worksheet, rows: list[list], formats: dict[int, str]) -> None:
    for r, values in enumerate(rows, HEADER_ROW + 1):
        for c, value in enumerate(values, 1):
            cell = put(ws, r, c, value)
            if c in formats:
                cell.number_format = formats[c]


def summary_sheet(
    ws: Worksheet,
    t: Translator,
    title: str,
    rows: list[ProgressRow],
    counts: list[CountRow] | tuple[CountRow, ...] = (),
) -> None:
    ws.title = t._("Summary")
    headers = [
        (t._("Indicator"), 34),
        (t._("Place"), 18),
        (t._("Population"), 12),
        (t._("Baseline"), 10),
        (t._("Achieved"), 10),
        (t._("Percent"), 10),
        (t._("Target"), 10),
        (t._("Deadline"), 12),
        (t._("Status"), 34),
    ]
    _sheet(ws, title, headers)
    values = [
        [
            row.name(t.lang),
            row.village_name or t._("Whole commune"),
            row.population,
            row.baseline,
            row.current,
            row.percent / 100 if row.percent is not None else None,
            row.target,
            row.deadline,
            status(t, row),
        ]
        for row in rows
    ]
    # Indicators counted without a target: what was logged, and that no target is set.
    no_target = t._("No target set")
    values += [
        [c.name(t.lang), t._("Whole commune"), None, None, c.counted, None, None, None, no_target]
        for c in counts
    ]
    _write(ws, values, {3: INTEGER, 4: INTEGER, 5: INTEGER, 6: PERCENT, 7: INTEGER, 8: DATE})


def conversions_sheet(
    ws: Worksheet, t: Translator, title: str, lines: list[ConversionLine], tz: ZoneInfo
) -> None:
    ws.title = t._("Conversions")
    headers = [
        (t._("Date"), 17),
        (t._("Village"), 14),
        (t._("Household"), 26),
        (t._("Customer code"), 16),
        (t._("Indicator"), 10),
        (t._("People"), 8),
        (t._("Member"), 24),
    ]
    _sheet(ws, title, headers)
    values = [
        [
            line.at.astimezone(tz).replace(tzinfo=None),
            line.village,
            line.household or "—",
            line.customer_code,
            line.indicator,
            line.people,
            line.member,
        ]
        for line in lines
    ]
    _write(ws, values, {1: DATETIME, 6: INTEGER})


def activity_sheet(
    ws: Worksheet, t: Translator, title: str, lines: list[ActivityLine], points: tuple[int, int]
) -> None:
    ws.title = t._("Members")
    headers = [
        (t._("Member"), 26),
        (t._("Village"), 14),
        (t._("Visits"), 10),
        (t._("Conversions"), 13),
        (t._("Points"), 10),
    ]
    _sheet(ws, title, headers)
    values = [
        [
            line.member,
            line.village,
            line.visits,
            line.conversions,
            line.visits * points[0] + line.conversions * points[1],
        ]
        for line in lines
    ]
    _write(ws, values, {3: INTEGER, 4: INTEGER, 5: INTEGER})


def build_workbook(
    t: Translator,
    *,
    title: str,
    generated: datetime,
    summary: list[ProgressRow],
    conversions: list[ConversionLine],
    activity: list[ActivityLine],
    points: tuple[int, int],
    tz: ZoneInfo,
    counts: list[CountRow] | tuple[CountRow, ...] = (),
) -> Workbook:
    full = t._(
        "{title} — generated {date} {time}",
        title=title,
        date=t.date(generated.astimezone(tz)),
        time=t.time(generated.astimezone(tz)),
    )
    wb = Workbook()
    summary_sheet(wb.active, t, full, summary, counts)
    conversions_sheet(wb.create_sheet(), t, full, conversions, tz)
    activity_sheet(wb.create_sheet(), t, full, activity, points)
    return wb


def save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
