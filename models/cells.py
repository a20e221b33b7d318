"""The one way the code writes a workbook cell: text that looks like a formula stays text.

openpyxl stores any string starting with "=" as a live formula, and spreadsheet programs run
"+", "-", "@" (and a leading tab or carriage return) as one too. Household and member names
come from chat, so every workbook the code writes goes through `put`
(tests/security/test_formula_cells.py fails for a module using openpyxl that does not). It lives
in models/ so both the report writers (handlers/) and the plan export (models/plan) can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads only where a workbook is made (see handlers/files.py)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; a formula-looking string is written as text with Excel's quote prefix."""
    cell = ws.cell(row=row, column=column, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        # Excel's own "'" prefix: the cell stays text even when someone edits it.
        cell.quotePrefix = True
    return cell


def append(ws: Worksheet, values: list[Any]) -> None:
    """`ws.append` through `put`."""
    empty = ws.max_row == 1 and all(c.value is None for c in ws[1])
    row = 1 if empty else ws.max_row + 1
    for column, value in enumerate(values, 1):
        put(ws, row, column, value)
