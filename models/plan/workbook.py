"""Reading a plan workbook into a Plan (every row checked, every problem kept) and writing one
(the blank template with its guide, or a commune's plan exported)."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.cells import append as put_row
from models.communes import AreaKind
from models.indicators.catalogue import CATALOGUE
from models.indicators.rules import MAX_COUNT
from models.keys import fold
from models.places import AREA_WORDS, COMMUNE_WORDS, area_kind, area_name, commune_kind
from models.plan import sheets as s
from models.values import parse_date, parse_goal, parse_int

if TYPE_CHECKING:
    from openpyxl import Workbook

MAX_ROWS = 5000  # per sheet: a commune has tens of areas, a province some hundreds


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class _Rows:
    """One sheet's rows as {column key: cell}, with the Excel row number."""

    def __init__(self, sheet: s.Sheet, ws) -> None:
        self.sheet, self.rows, self.columns = sheet, [], {}
        header_seen = False
        for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
            if number > MAX_ROWS:
                break
            if not any(_text(c) for c in cells):
                continue
            if not header_seen:
                self.columns = {
                    i: key
                    for i, cell in enumerate(cells)
                    if (key := s.match_column(sheet, cell)) is not None
                }
                header_seen = True
                continue
            values = {key: cells[i] for i, key in self.columns.items() if i < len(cells)}
            self.rows.append((number, values))


def read_plan(source: str | Path | bytes) -> tuple[s.Plan, list[s.PlanProblem]]:
    """The plan a workbook describes, and every problem found in its rows."""
    # openpyxl (with numpy and PIL, ~30 MB) loads when a workbook is read or written, not in
    # every worker that imports this package for the web page.
    from openpyxl import load_workbook  # noqa: PLC0415

    data = BytesIO(source) if isinstance(source, bytes) else source
    wb = load_workbook(data, read_only=True, data_only=True)
    found: dict[str, _Rows] = {}
    for ws in wb.worksheets:
        sheet = s.match_sheet(ws.title)
        if sheet is not None and sheet.key not in found:
            found[sheet.key] = _Rows(sheet, ws)
    wb.close()
    plan, problems = s.Plan(present=set(found)), []
    reader = _Reader(problems)
    if "commune" not in found:
        problems.append(s.PlanProblem(s.COMMUNE.title, None, s.NO_SHEET))
    else:
        plan.commune = reader.commune(found["commune"])
    if "areas" in found:
        plan.areas = reader.areas(found["areas"])
    if "indicators" in found:
        plan.indicators = reader.indicators(found["indicators"])
    if "targets" in found:
        plan.targets = reader.targets(found["targets"])
    if "report" in found:
        plan.periods = reader.periods(found["report"])
    return plan, problems


class _Reader:
    def __init__(self, problems: list[s.PlanProblem]) -> None:
        self.problems = problems

    def _add(self, sheet: s.Sheet, row: int | None, msgid: str, **values: Any) -> None:
        self.problems.append(s.PlanProblem(sheet.title, row, msgid, values))

    def _col(self, sheet: s.Sheet, key: str) -> str:
        return sheet.columns[key][0]

    def _note(self, sheet: s.Sheet, row: int, values: dict) -> str | None:
        note = _text(values.get("note")) or None
        if note and len(note) > 500:
            self._add(sheet, row, s.TEXT_TOO_LONG, column=self._col(sheet, "note"), limit=500)
            return None
        return note

    def _name(self, sheet: s.Sheet, row: int, values: dict, key: str = "name") -> str | None:
        name = _text(values.get(key))
        if not name:
            self._add(sheet, row, s.EMPTY, column=self._col(sheet, key))
            return None
        if len(name) > 110:
            self._add(sheet, row, s.TEXT_TOO_LONG, column=self._col(sheet, key), limit=110)
            return None
        return name

    def _unique(self, sheet: s.Sheet, row: int, seen: dict, key: str, shown: str) -> bool:
        if key in seen:
            self._add(sheet, row, s.DUPLICATE, value=shown, first=seen[key])
            return False
        seen[key] = row
        return True

    def commune(self, rows: _Rows) -> s.CommuneIn | None:
        sheet = s.COMMUNE
        if not rows.rows:
            self._add(sheet, None, s.NO_COMMUNE_ROW)
            return None
        row, values = rows.rows[0]
        name = self._name(sheet, row, values)
        kind = commune_kind(_text(values.get("kind")))
        if kind is None:
            known = ", ".join(COMMUNE_WORDS.values())
            self._add(
                sheet, row, s.BAD_KIND, value=_text(values.get("kind")),
                column=self._col(sheet, "kind"), known=known,
            )  # fmt: skip
        province = _text(values.get("province"))
        note = self._note(sheet, row, values)
        if name is None or kind is None:
            return None
        return s.CommuneIn(name, kind, province, note)

    def areas(self, rows: _Rows) -> list[s.AreaIn]:
        sheet, out, seen = s.AREAS, [], {}
        for row, values in rows.rows:
            name = self._name(sheet, row, values)
            raw_kind = _text(values.get("kind"))
            kind = area_kind(raw_kind)
            if kind is None:
                known = ", ".join(w.lower() for w in AREA_WORDS.values())
                self._add(
                    sheet, row, s.BAD_KIND, value=raw_kind,
                    column=self._col(sheet, "kind"), known=known,
                )  # fmt: skip
            note = self._note(sheet, row, values)
            if name is None or kind is None:
                continue
            shown = area_name(name, kind)
            if self._unique(sheet, row, seen, fold(shown), shown):
                out.append(s.AreaIn(shown, kind, note, row))
        return out

    def indicators(self, rows: _Rows) -> list[s.IndicatorIn]:
        sheet, out, seen = s.INDICATORS, [], {}
        national = {e.code for e in CATALOGUE}
        for row, values in rows.rows:
            code = _text(values.get("code")).upper().replace(" ", "")
            if not code:
                self._add(sheet, row, s.EMPTY, column=self._col(sheet, "code"))
                continue
            if len(code) > 16:
                self._add(sheet, row, s.CODE_TOO_LONG, value=code)
                continue
            name = _text(values.get("name")) or None
            raw_unit = _text(values.get("unit"))
            unit = s.unit_of(raw_unit) if raw_unit else None
            if raw_unit and unit is None:
                known = ", ".join(s.UNIT_TITLES.values())
                self._add(sheet, row, s.BAD_UNIT, value=raw_unit, known=known)
                continue
            if code not in national and (not name or unit is None):
                self._add(sheet, row, s.NEW_CODE_NEEDS_NAME, value=code)
                continue
            if name and len(name) > 160:
                self._add(sheet, row, s.TEXT_TOO_LONG, column=self._col(sheet, "name"), limit=160)
                continue
            words = fold(_text(values.get("words"))).replace(",", " ") or None
            note = self._note(sheet, row, values)
            if self._unique(sheet, row, seen, code, code):
                out.append(s.IndicatorIn(code, name, unit, words, note, row))
        return out

    def _int(self, sheet, row, values, key, *, default: int | None = None) -> int | None:
        raw = values.get(key)
        if _text(raw) == "" and default is not None:
            return default
        number = parse_int(raw)
        if number is None:
            self._add(sheet, row, s.BAD_NUMBER, value=_text(raw), column=self._col(sheet, key))
        return number

    def _date(self, sheet, row, values, key) -> date | None:
        raw = values.get(key)
        day = parse_date(raw)
        if day is None:
            self._add(sheet, row, s.BAD_DATE, value=_text(raw), column=self._col(sheet, key))
        return day

    def targets(self, rows: _Rows) -> list[s.TargetIn]:
        from models.indicators.rules import Draft, check_numbers, is_whole_commune

        sheet, out, seen = s.TARGETS, [], {}
        for row, values in rows.rows:
            before = len(self.problems)
            code = _text(values.get("indicator")).upper().replace(" ", "")
            if not code:
                self._add(sheet, row, s.EMPTY, column=self._col(sheet, "indicator"))
            raw_area = _text(values.get("area"))
            area = None if is_whole_commune(raw_area) else raw_area
            population = self._int(sheet, row, values, "population")
            baseline = self._int(sheet, row, values, "baseline", default=0)
            baseline_date = self._date(sheet, row, values, "baseline_date")
            deadline = self._date(sheet, row, values, "deadline")
            goal = parse_goal(values.get("goal"))
            if goal is None:
                self._add(
                    sheet, row, s.BAD_GOAL, value=_text(values.get("goal")),
                    column=self._col(sheet, "goal"),
                )  # fmt: skip
            note = self._note(sheet, row, values)
            if len(self.problems) > before:
                continue
            target = s.TargetIn(
                code, area, population, baseline, baseline_date, goal[0], goal[1], deadline,
                note, row,
            )  # fmt: skip
            draft = Draft(population, baseline, baseline_date, deadline, goal[0], goal[1])
            rules = check_numbers(draft)
            for p in rules:
                self.problems.append(s.PlanProblem(sheet.title, row, p.msgid, dict(p.values)))
            key = (code, fold(area or ""))
            shown = f"{code} · {area or s.WHOLE_COMMUNE}"
            if not rules and self._unique(sheet, row, seen, key, shown):
                out.append(target)
        return out

    def periods(self, rows: _Rows) -> list[s.PeriodIn]:
        sheet, out, seen = s.REPORT, [], {}
        for row, values in rows.rows:
            raw_kind = _text(values.get("kind"))
            kind = s.PERIOD_WORDS.get(fold(raw_kind))
            if kind is None:
                known = ", ".join(s.PERIOD_TITLES.values())
                self._add(
                    sheet, row, s.BAD_KIND, value=raw_kind,
                    column=self._col(sheet, "kind"), known=known,
                )  # fmt: skip
            raw_months = _text(values.get("months"))
            months = [int(m) for m in re.findall(r"\d+", raw_months)]
            if re.sub(r"[\d,;\s.]", "", raw_months) or any(not 1 <= m <= 12 for m in months):
                self._add(
                    sheet, row, s.BAD_MONTHS, value=raw_months,
                    column=self._col(sheet, "months"),
                )  # fmt: skip
                kind = None
            due = parse_int(values.get("due_day")) if _text(values.get("due_day")) else 15
            if due is None or not 1 <= due <= 31:
                self._add(
                    sheet, row, s.BAD_DUE, value=_text(values.get("due_day")),
                    column=self._col(sheet, "due_day"),
                )  # fmt: skip
                kind = None
            note = self._note(sheet, row, values)
            if kind is not None and self._unique(sheet, row, seen, kind, raw_kind):
                out.append(s.PeriodIn(kind, sorted(set(months)), due, note, row))
        return out


# Writing ---------------------------------------------------------------------------------

GUIDE = [
    "Kế hoạch của xã: điền các trang rồi chạy `cdsbot plan apply TỆP.xlsx` "
    "(thêm --dry-run để chỉ kiểm tra).",
    "Trang Xã: một dòng — Tên, Loại (xã / phường / thị trấn / thị xã), Tỉnh.",
    "Trang Địa bàn: mỗi dòng một địa bàn — Tên, Loại (thôn / bản / khu phố / tổ dân phố / "
    "chợ / tuyến phố; để trống là thôn).",
    "Trang Chỉ tiêu: mỗi dòng một chỉ tiêu xã dùng, theo thứ tự của kế hoạch. Mã có sẵn "
    "(DIEN, NUOC, TKTT, VNEID, DVC, CKS, QR, 4G, ASXH, HOCPHI, VIENPHI) chỉ cần ghi Mã; "
    "mã mới cần Tên và Đơn vị (hộ / người / cơ sở kinh doanh / mã khách hàng / thuê bao).",
    "Trang Mục tiêu: Chỉ tiêu (mã), Địa bàn (Toàn xã hoặc tên địa bàn), Tổng số (mẫu số), "
    "Ban đầu, Ngày ban đầu (dd/mm/yyyy), Mục tiêu (70% hoặc một số), Hạn.",
    "Trang Báo cáo: Kỳ (tháng / quý / 6 tháng / 9 tháng / năm), Tháng (tháng kết thúc kỳ "
    "cần báo cáo, ví dụ 1,2,4,5,7,8,10,11; để trống là mọi kỳ), Hạn nộp (ngày của tháng sau).",
    "Số viết kiểu Việt Nam được: 1.857; 70%; 28,6%. Cột Ghi chú được giữ lại khi xuất.",
    "Áp dụng lại cùng một tệp không thay đổi gì; thiếu trang nào thì phần đó giữ nguyên.",
]


def _sheet(wb: Workbook, sheet: s.Sheet, rows: list[list[Any]]):
    from openpyxl.styles import Font  # noqa: PLC0415 - see read_plan

    ws = wb.create_sheet(sheet.title)
    headers = [title for title, _ in sheet.columns.values()]
    put_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Formula-looking text stays text (models/cells), without a visible apostrophe.
        put_row(ws, row)
    for i, title in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + i)].width = max(12, len(title) + 4)
    for column in sheet.columns:
        if column.endswith("date") or column == "deadline":
            index = list(sheet.columns).index(column)
            for cells in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cells[0].number_format = "dd/mm/yyyy"
    return ws


def write_plan(plan: s.Plan, path: str | Path, *, guide: list[str] | None = None) -> None:
    from openpyxl import Workbook  # noqa: PLC0415 - see read_plan

    wb = Workbook()
    ws = wb.active
    ws.title = s.GUIDE_TITLE
    for line in guide if guide is not None else GUIDE:
        put_row(ws, [line])
    ws.column_dimensions["A"].width = 120
    c = plan.commune
    commune_rows = [[c.name, COMMUNE_WORDS[c.kind], c.province, c.note]] if c else []
    _sheet(wb, s.COMMUNE, commune_rows)
    _sheet(
        wb, s.AREAS,
        [[a.name, AREA_WORDS[AreaKind(a.kind)].lower(), a.note] for a in plan.areas],
    )  # fmt: skip
    _sheet(
        wb,
        s.INDICATORS,
        [
            [i.code, i.name, s.UNIT_TITLES.get(i.unit) if i.unit else None, i.words, i.note]
            for i in plan.indicators
        ],
    )
    _sheet(
        wb,
        s.TARGETS,
        [
            [
                t.code, t.area or s.WHOLE_COMMUNE, t.population, t.baseline, t.baseline_date,
                goal_text(t.percent, t.count), t.deadline, t.note,
            ]
            for t in plan.targets
        ],
    )  # fmt: skip
    _sheet(
        wb,
        s.REPORT,
        [
            [s.PERIOD_TITLES[p.kind], ",".join(str(m) for m in p.months), p.due_day, p.note]
            for p in plan.periods
        ],
    )
    wb.save(path)


def goal_text(percent: float | None, count: int | None) -> str | int:
    if count is not None:
        return count
    text = f"{percent:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return text + "%"


def template_plan() -> s.Plan:
    """A blank plan: the national catalogue listed, everything else empty."""
    return s.Plan(
        indicators=[
            s.IndicatorIn(e.code, e.name_vi, e.unit, None, None, n)
            for n, e in enumerate(CATALOGUE, 2)
        ]
    )


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


__all__ = ["MAX_COUNT", "goal_text", "read_plan", "template_plan", "write_plan"]
