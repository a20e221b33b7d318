"""Target lists from CSV/XLSX with English or Vietnamese headers ("Chỉ tiêu", "Thôn", "Dân số",
"Hiện trạng", "Ngày hiện trạng", "Hạn", "Mục tiêu (%)") and Vietnamese numbers and dates
(1.857 · 70,5 · 30/08/2024). A missing column is refused before any row, naming the headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.importer import map_header, require

TARGET_COLUMNS = {
    "indicator": ("indicator", "chi tieu", "ma chi tieu", "ten chi tieu", "code"),
    "village": ("village", "thon", "dia ban", "thon/ban", "thon ban", "ban", "khu pho", "area"),
    "population": (
        "population", "dan so", "tong so", "mau so", "quy mo", "tong", "so ho", "tong so ho",
    ),
    "baseline": ("baseline", "hien trang", "da dat", "so da dat", "co so", "hien co"),
    "baseline_date": (
        "baseline date", "baseline_date", "ngay hien trang", "ngay co so", "ngay so lieu",
        "tinh den ngay",
    ),
    "deadline": ("deadline", "han", "thoi han", "han chot", "hoan thanh truoc", "den ngay"),
    "percent": ("percent", "muc tieu %", "muc tieu phan tram", "ty le muc tieu", "ty le", "%"),
    "count": ("count", "muc tieu so", "so luong muc tieu", "muc tieu so luong", "so luong"),
}  # fmt: skip
NEEDED = {
    "indicator": "'Chỉ tiêu'",
    "population": "'Dân số'",
    "baseline_date": "'Ngày hiện trạng'",
    "deadline": "'Hạn'",
}
_INT = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+|\d+")
_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


@dataclass(frozen=True)
class TargetRow:
    row: int
    indicator: str
    village: str
    population: int
    baseline: int
    baseline_date: date
    deadline: date
    percent: float | None
    count: int | None


def whole(text: str, what: str) -> int:
    """ "1.857", "1,857", "1 857" or "1857" → 1857."""
    raw = text.strip()
    if raw.endswith(".0"):  # a number cell read as text
        raw = raw[:-2]
    if not _INT.fullmatch(raw):
        raise ValueError(f"{what} is not a whole number: {text!r}")
    return int(re.sub(r"[.,\s]", "", raw))


def percent(text: str) -> float:
    """ "70", "70%", "70,5" or a percent cell read as 0.7 → 70.0."""
    raw = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"percent is not a number: {text!r}") from None
    return value * 100 if 0 < value <= 1 else value


def day(text: str, what: str) -> date:
    """ "30/08/2024" or "2024-08-30" (a date cell) → date."""
    raw = text.strip()[:10]
    match = _DAY.fullmatch(raw)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{what} is not a date like 30/08/2024: {text!r}") from None


def parse_targets(table: list[list[str]]) -> list[TargetRow]:
    """Rows of targets; a bad cell raises ValueError naming its row."""
    if not table:
        return []
    columns = map_header(table[0], TARGET_COLUMNS)
    require(table[0], columns, NEEDED)
    if "percent" not in columns and "count" not in columns:
        require(table[0], columns, {"percent": "'Mục tiêu (%)'"})
    out = []
    for number, cells in enumerate(table[1:], 2):
        if not any(cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        try:
            out.append(
                TargetRow(
                    row=number,
                    indicator=cell("indicator"),
                    village=cell("village"),
                    population=whole(cell("population"), "population"),
                    baseline=whole(cell("baseline") or "0", "baseline"),
                    baseline_date=day(cell("baseline_date"), "baseline date"),
                    deadline=day(cell("deadline"), "deadline"),
                    percent=percent(cell("percent")) if cell("percent") else None,
                    count=whole(cell("count"), "count") if cell("count") else None,
                )
            )
        except ValueError as exc:
            raise ValueError(f"row {number}: {exc}") from None
    return out
