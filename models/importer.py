"""Household lists from CSV/XLSX: header matching, validation by row, idempotent upsert.

Rows are numbered as the spreadsheet shows them (header = row 1). A row is skipped, with its
reason, for a missing head name, a bad phone, a bad or repeated customer code, or an unknown
village. Existing households are matched by customer code, else by village + name + house
number; re-importing the same file therefore adds and updates nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.household import Household
from models.keys import fold, head_name, normalize_customer_code, normalize_phone
from models.sheets import N_, TableError, read_table

__all__ = ["TableError", "read_table"]  # re-exported: the CLI reads tables through here

COLUMNS = {
    "customer_code": ("ma khach hang", "ma kh", "customer code", "code", "ma"),
    "head_name": ("ho ten chu ho", "ten chu ho", "chu ho", "ho ten", "ho va ten", "head name"),
    "house_number": ("so nha", "dia chi", "house number", "address"),
    "hamlet": ("to", "xom", "to/xom", "hamlet group", "hamlet", "to dan cu"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
    "village": (
        "thon", "village", "thon/ban", "thon ban", "ban", "dia ban", "khu pho", "to dan pho",
    ),
    "is_business": (
        "kinh doanh", "co so kinh doanh", "ho kinh doanh", "loai", "loai ho", "business",
        "is business",
    ),
}  # fmt: skip
FIELDS = ("head_name", "house_number", "hamlet", "phone", "customer_code", "is_business")
# A business column marks the row when it says so; anything else (or empty) leaves it a home.
YES = frozenset(
    {"x", "1", "co", "yes", "true", "kinh doanh", "ho kinh doanh", "co so kinh doanh", "co so"}
)


@dataclass(frozen=True)
class HouseholdIn:
    row: int
    village: str
    head_name: str
    house_number: str | None
    hamlet: str | None
    phone: str | None
    customer_code: str | None
    # None when the file has no business column: an import never unmarks a business.
    is_business: bool | None = None


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str  # a message id, translated by the caller with `values`
    values: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def header_key(title: str) -> str:
    """ "Mã_khách_hàng", "HỌ TÊN (chủ hộ)", "so-dien-thoai" → "ma khach hang", … ."""
    return fold(re.sub(r"[_\-.:()*#]+", " ", title))


def map_header(header: list[str], columns: dict[str, tuple[str, ...]] = COLUMNS) -> dict[str, int]:
    """Column index per field, from Vietnamese or English headers in any order, with or without
    accents, underscores or punctuation."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = header_key(title)
        for name, aliases in columns.items():
            if key in aliases and name not in found:
                found[name] = index
    return found


def require(header: list[str], columns: dict[str, int], needed: dict[str, str]) -> None:
    """Refuse before any row when a needed column is missing, naming the headers seen."""
    missing = [what for name, what in needed.items() if name not in columns]
    if missing:
        # Headers only (never a row), each cut short so a stray binary file prints one line.
        seen = ", ".join(repr(h[:40]) for h in header[:30] if h.strip()) or "—"
        raise TableError(
            N_("no {column} column; headers seen: {seen}"), column=missing[0], seen=seen
        )


def parse_households(
    table: list[list[str]], *, default_village: str | None = None
) -> tuple[list[HouseholdIn], list[Skipped]]:
    if not table:
        return [], []
    columns = map_header(table[0])
    needed = {"head_name": "'Họ tên chủ hộ'"}
    if not default_village:
        needed["village"] = "'Thôn' (--village)"
    require(table[0], columns, needed)
    good: list[HouseholdIn] = []
    skipped: list[Skipped] = []
    codes: dict[str, int] = {}
    for number, cells in enumerate(table[1:], 2):
        if not any(cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        item = _validate(number, cell, default_village, codes)
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        if item.customer_code:
            codes[item.customer_code] = number
        good.append(item)
    return good, skipped


def _validate(number, cell, default_village, codes) -> HouseholdIn | Skipped:
    if not cell("head_name"):
        return Skipped(number, N_("missing head name"))
    name = head_name(cell("head_name"))
    if name is None:
        return Skipped(number, N_("head name is not a name"))
    village = cell("village") or default_village
    if not village:
        return Skipped(number, N_("no village (add a village column or --village)"))
    phone = None
    if cell("phone"):
        phone = normalize_phone(cell("phone"))
        if phone is None:
            return Skipped(number, N_("bad phone {value}"), {"value": repr(cell("phone"))})
    code = None
    if cell("customer_code"):
        code = normalize_customer_code(cell("customer_code"))
        if code is None:
            value = repr(cell("customer_code"))
            return Skipped(number, N_("bad customer code {value}"), {"value": value})
        if code in codes:
            return Skipped(
                number,
                N_("duplicate customer code {code} (same as row {row})"),
                {"code": code, "row": codes[code]},
            )
    business = fold(cell("is_business")) in YES if cell("is_business") else None
    return HouseholdIn(
        number, village, name, cell("house_number") or None, cell("hamlet") or None, phone, code,
        business,
    )  # fmt: skip


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
            report.skipped.append(
                Skipped(item.row, N_("unknown area {name}"), {"name": repr(item.village)})
            )
            continue
        key = (village_id, fold(item.head_name), item.house_number)
        home = by_code.get(item.customer_code) if item.customer_code else by_name.get(key)
        values = {f: getattr(item, f) for f in FIELDS}
        if home is None:
            values["is_business"] = bool(values["is_business"])
            home = Household(
                commune_id=commune_id, village_id=village_id, name_key=key[1], **values
            )
            session.add(home)
            by_name[key] = home
            if item.customer_code:
                by_code[item.customer_code] = home
            report.added += 1
        elif home.erased_at is not None:
            report.skipped.append(Skipped(item.row, N_("household was erased on request")))
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
