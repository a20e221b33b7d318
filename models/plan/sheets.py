"""What a plan workbook holds: its sheets and columns (Vietnamese names, English accepted),
the words of its `Loại`, `Đơn vị` and `Kỳ` columns, and the problems a row can have."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.indicators import Unit
from models.keys import fold


def N_(msgid: str) -> str:
    """Marks a message for extraction (models do not import locales)."""
    return msgid


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str  # the name the template writes
    names: tuple[str, ...]  # accepted names, unaccented
    columns: dict[str, tuple[str, tuple[str, ...]]]  # key → (header written, accepted)


NOTE = ("Ghi chú", ("ghi chu", "note", "notes", "comment"))
COMMUNE = Sheet(
    "commune",
    "Xã",
    ("xa", "commune", "xa phuong", "don vi"),
    {
        "name": ("Tên", ("ten", "name", "ten xa")),
        "kind": ("Loại", ("loai", "kind", "type")),
        "province": ("Tỉnh", ("tinh", "province", "tinh thanh")),
        "note": NOTE,
    },
)
AREAS = Sheet(
    "areas",
    "Địa bàn",
    ("dia ban", "areas", "area", "thon", "villages"),
    {
        "name": ("Tên", ("ten", "name", "ten dia ban")),
        "kind": ("Loại", ("loai", "kind", "type")),
        "note": NOTE,
    },
)
INDICATORS = Sheet(
    "indicators",
    "Chỉ tiêu",
    ("chi tieu", "indicators", "indicator"),
    {
        "code": ("Mã", ("ma", "code", "ma chi tieu")),
        "name": ("Tên", ("ten", "name", "ten chi tieu")),
        "unit": ("Đơn vị", ("don vi", "unit", "don vi tinh")),
        "words": ("Từ gõ nhanh", ("tu go nhanh", "words", "tu khoa")),
        "note": NOTE,
    },
)
TARGETS = Sheet(
    "targets",
    "Mục tiêu",
    ("muc tieu", "targets", "target"),
    {
        "indicator": ("Chỉ tiêu", ("chi tieu", "indicator", "ma", "code")),
        "area": ("Địa bàn", ("dia ban", "area", "thon")),
        "population": ("Tổng số", ("tong so", "total", "denominator", "population")),
        "baseline": ("Ban đầu", ("ban dau", "baseline")),
        "baseline_date": ("Ngày ban đầu", ("ngay ban dau", "baseline date")),
        "goal": ("Mục tiêu", ("muc tieu", "target", "goal")),
        "deadline": ("Hạn", ("han", "deadline", "han hoan thanh")),
        "note": NOTE,
    },
)
REPORT = Sheet(
    "report",
    "Báo cáo",
    ("bao cao", "report", "reports", "reporting"),
    {
        "kind": ("Kỳ", ("ky", "period", "ky bao cao")),
        "months": ("Tháng", ("thang", "months", "month")),
        "due_day": ("Hạn nộp", ("han nop", "due day", "due", "han")),
        "note": NOTE,
    },
)
SHEETS = (COMMUNE, AREAS, INDICATORS, TARGETS, REPORT)
GUIDE_TITLE = "Hướng dẫn"

UNIT_WORDS = {
    "ho": Unit.HOUSEHOLD,
    "ho gia dinh": Unit.HOUSEHOLD,
    "household": Unit.HOUSEHOLD,
    "households": Unit.HOUSEHOLD,
    "nguoi": Unit.PERSON,
    "person": Unit.PERSON,
    "people": Unit.PERSON,
    "co so kinh doanh": Unit.BUSINESS,
    "ho kinh doanh": Unit.BUSINESS,
    "business": Unit.BUSINESS,
    "businesses": Unit.BUSINESS,
    "ma khach hang": Unit.CUSTOMER_CODE,
    "customer code": Unit.CUSTOMER_CODE,
    "customer codes": Unit.CUSTOMER_CODE,
    "thue bao": Unit.SUBSCRIBER,
    "subscriber": Unit.SUBSCRIBER,
    "subscribers": Unit.SUBSCRIBER,
}
UNIT_TITLES = {
    Unit.HOUSEHOLD: "hộ",
    Unit.PERSON: "người",
    Unit.BUSINESS: "cơ sở kinh doanh",
    Unit.CUSTOMER_CODE: "mã khách hàng",
    Unit.SUBSCRIBER: "thuê bao",
}
PERIOD_WORDS = {
    "thang": "month",
    "hang thang": "month",
    "month": "month",
    "monthly": "month",
    "quy": "quarter",
    "quarter": "quarter",
    "6 thang": "half",
    "06 thang": "half",
    "sau thang": "half",
    "half": "half",
    "6 months": "half",
    "9 thang": "nine_months",
    "09 thang": "nine_months",
    "chin thang": "nine_months",
    "9 months": "nine_months",
    "nine months": "nine_months",
    "nam": "year",
    "year": "year",
    "annual": "year",
}
PERIOD_TITLES = {
    "month": "tháng",
    "quarter": "quý",
    "half": "6 tháng",
    "nine_months": "9 tháng",
    "year": "năm",
}
WHOLE_COMMUNE = "Toàn xã"


def unit_of(text: str | None) -> Unit | None:
    return UNIT_WORDS.get(fold(text or ""))


def match_sheet(name: str) -> Sheet | None:
    key = fold(name)
    return next((s for s in SHEETS if key in s.names), None)


def match_column(sheet: Sheet, header: Any) -> str | None:
    key = fold(str(header or "")).strip(" :*")
    return next((k for k, (_, names) in sheet.columns.items() if key in names), None)


@dataclass(frozen=True)
class PlanProblem:
    """One thing wrong in a workbook: where (sheet title, Excel row) and why."""

    sheet: str
    row: int | None
    msgid: str
    values: dict[str, Any] = field(default_factory=dict)
    warning: bool = False


# Row problems (said with the sheet and row: "Mục tiêu, dòng 4: …").
NO_SHEET = N_("the workbook has no sheet for the commune (Xã)")
NO_COMMUNE_ROW = N_("write the commune's name in the column Tên")
EMPTY = N_("the column {column} is empty")
BAD_KIND = N_('"{value}" is not a kind the column {column} knows ({known})')
BAD_UNIT = N_('"{value}" is not a unit ({known})')
BAD_NUMBER = N_('"{value}" in {column} is not a whole number')
BAD_DATE = N_('"{value}" in {column} is not a date (dd/mm/yyyy)')
BAD_GOAL = N_('"{value}" in {column} is neither a percent (70%) nor a count (300)')
BAD_MONTHS = N_('"{value}" in {column} is not a list of months 1–12 (e.g. 1,2,4,5)')
BAD_DUE = N_('"{value}" in {column} is not a day of the month (1–31)')
DUPLICATE = N_('"{value}" appears twice in this sheet (first on row {first})')
NEW_CODE_NEEDS_NAME = N_('"{value}" is not in the national catalogue: give it a Tên and a Đơn vị')
NOT_IN_PLAN = N_('the indicator "{value}" is not in the sheet Chỉ tiêu')
DEMO_NAMESAKE = N_(
    'the demo commune is also called "{name}": delete it first (cdsbot commune delete)'
)
OTHER_PROVINCE = N_('a commune "{name}" of the province "{province}" already exists')
CODE_TOO_LONG = N_('the code "{value}" is longer than 16 characters')
TEXT_TOO_LONG = N_("the column {column} is longer than {limit} characters")


@dataclass
class CommuneIn:
    name: str
    kind: str
    province: str
    note: str | None = None


@dataclass
class AreaIn:
    name: str  # as it reads everywhere ("Chợ Đức Phổ")
    kind: str
    note: str | None
    row: int


@dataclass
class IndicatorIn:
    code: str
    name: str | None
    unit: str | None
    words: str | None
    note: str | None
    row: int


@dataclass
class TargetIn:
    code: str
    area: str | None  # None: the whole commune
    population: int
    baseline: int
    baseline_date: date
    percent: float | None
    count: int | None
    deadline: date
    note: str | None
    row: int


@dataclass
class PeriodIn:
    kind: str
    months: list[int]
    due_day: int
    note: str | None
    row: int


@dataclass
class Plan:
    commune: CommuneIn | None = None
    areas: list[AreaIn] = field(default_factory=list)
    indicators: list[IndicatorIn] = field(default_factory=list)
    targets: list[TargetIn] = field(default_factory=list)
    periods: list[PeriodIn] = field(default_factory=list)
    # Which sheets the workbook had: an absent sheet changes nothing of its part.
    present: set[str] = field(default_factory=set)
