"""Household lists from CSV/XLSX: header matching, validation by row, idempotent upsert.

Rows are numbered as the spreadsheet shows them (header = row 1). A row is skipped, with its
reason, for a missing head name, a bad phone, a bad or repeated customer code, or an unknown
village. Existing households are matched by customer code, else by village + name + house
number; re-importing the same file therefore adds and updates nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.household import Household
from models.keys import fold, head_name, normalize_customer_code, normalize_phone

COLUMNS = {
    "customer_code": ("ma khach hang", "ma kh", "customer code", "code", "ma"),
    "head_name": ("ho ten chu ho", "ten chu ho", "chu ho", "ho ten", "ho va ten", "head name"),
    "house_number": ("so nha", "dia chi", "house number", "address"),
    "hamlet": ("to", "xom", "to/xom", "hamlet group", "hamlet", "to dan cu"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
    "village": ("thon", "village", "thon/ban", "ban"),
}
FIELDS = ("head_name", "house_number", "hamlet", "phone", "customer_code")


@dataclass(frozen=True)
class HouseholdIn:
    row: int
    village: str
    head_name: str
    house_number: str | None
    hamlet: str | None
    phone: str | None
    customer_code: str | None


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def read_table(path: Path) -> list[list[str]]:
    """All cells as text, header first; .xlsx through openpyxl, anything else as CSV."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True, data_only=True).active
        return [
            ["" if v is None else str(v).strip() for v in row]
            for row in ws.iter_rows(values_only=True)
        ]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [[cell.strip() for cell in row] for row in csv.reader(fh)]


def map_header(header: list[str]) -> dict[str, int]:
    """Column index per field, from Vietnamese or English headers, with or without accents."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = fold(title)
        for name, aliases in COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = index
    return found


def parse_households(
    table: list[list[str]], *, default_village: str | None = None
) -> tuple[list[HouseholdIn], list[Skipped]]:
    if not table:
        return [], []
    columns = map_header(table[0])
    good: list[HouseholdIn] = []
    skipped: list[Skipped] = []
    codes: dict[str, int] = {}
    for number, cells in enumerate(table[1:], 2):
        if not any(cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        item, reason = _validate(number, cell, default_village, codes)
        if item is None:
            skipped.append(Skipped(number, reason))
            continue
        if item.customer_code:
            codes[item.customer_code] = number
        good.append(item)
    return good, skipped


def _validate(number, cell, default_village, codes) -> tuple[HouseholdIn | None, str]:
    if not cell("head_name"):
        return None, "missing head name"
    name = head_name(cell("head_name"))
    if name is None:
        return None, "head name is not a name"
    village = cell("village") or default_village
    if not village:
        return None, "no village (add a village column or --village)"
    phone = None
    if cell("phone"):
        phone = normalize_phone(cell("phone"))
        if phone is None:
            return None, f"bad phone {cell('phone')!r}"
    code = None
    if cell("customer_code"):
        code = normalize_customer_code(cell("customer_code"))
        if code is None:
            return None, f"bad customer code {cell('customer_code')!r}"
        if code in codes:
            return None, f"duplicate customer code {code} (same as row {codes[code]})"
    item = HouseholdIn(
        number, village, name, cell("house_number") or None, cell("hamlet") or None, phone, code
    )
    return item, ""


async def apply_households(
    session: AsyncSession,
    *,
    commune_id: int,
    items: list[HouseholdIn],
    villages: dict[str, int],
    report: ImportReport,
) -> ImportReport:
    """Insert or update; `villages` maps folded village names to ids."""
    existing = (
        (await session.execute(select(Household).where(Household.commune_id == commune_id)))
        .scalars()
        .all()
    )
    by_code = {h.customer_code: h for h in existing if h.customer_code}
    by_name = {(h.village_id, h.name_key, h.house_number): h for h in existing}
    for item in items:
        village_id = villages.get(fold(item.village))
        if village_id is None:
            report.skipped.append(Skipped(item.row, f"unknown village {item.village!r}"))
            continue
        key = (village_id, fold(item.head_name), item.house_number)
        home = by_code.get(item.customer_code) if item.customer_code else by_name.get(key)
        values = {f: getattr(item, f) for f in FIELDS}
        if home is None:
            home = Household(
                commune_id=commune_id, village_id=village_id, name_key=key[1], **values
            )
            session.add(home)
            by_name[key] = home
            if item.customer_code:
                by_code[item.customer_code] = home
            report.added += 1
        elif home.erased_at is not None:
            report.skipped.append(Skipped(item.row, "household was erased on request"))
        elif _update(home, village_id, key[1], values):
            report.updated += 1
        else:
            report.unchanged += 1
    report.skipped.sort(key=lambda s: s.row)
    await session.flush()
    return report


def _update(home: Household, village_id: int, name_key: str, values: dict) -> bool:
    wanted = {**values, "village_id": village_id, "name_key": name_key}
    # An empty cell never wipes what volunteers already recorded.
    changes = {k: v for k, v in wanted.items() if v is not None and getattr(home, k) != v}
    for k, v in changes.items():
        setattr(home, k, v)
    return bool(changes)
