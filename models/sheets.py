"""Tables from the files offices really send: .xlsx/.xls/.ods through python-calamine, CSV in
UTF-8 (with or without BOM), UTF-16 or the Windows code pages (cp1258 …) found by
charset-normalizer. A file that cannot be read is refused with one line (`TableError`)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime, time
from pathlib import Path

SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def N_(msgid: str) -> str:
    """Marks a message id for extraction; the caller translates it (models know no locale)."""
    return msgid


class TableError(ValueError):
    """Why a file cannot be read, as one line for the operator (no personal data in it): a
    message id and its values, translated by whoever prints it."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values


def read_table(path: Path) -> list[list[str]]:
    """Every cell as text, header first; the first sheet of a spreadsheet."""
    if not path.is_file():
        raise TableError(N_("no such file: {path}"), path=str(path))
    if path.suffix.lower() in SPREADSHEETS:
        return _spreadsheet(path)
    return _csv(path.read_bytes(), path.name)


def cell_text(value: object) -> str:
    """A number typed into a cell loses nothing: 912000111.0 → "912000111"; dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _spreadsheet(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own classes per format
        kind = path.suffix.lower().lstrip(".")
        raise TableError(
            N_(
                "{name}: not a readable .{kind} file ({error}); "
                "open it in Excel or LibreOffice and save it again"
            ),
            name=path.name,
            kind=kind,
            error=type(exc).__name__,
        ) from None
    return [[cell_text(v) for v in row] for row in rows]


def decode(raw: bytes, name: str = "file") -> str:
    """Text of a CSV in whatever encoding the office saved it, NFC-normalised."""
    for encoding, bom in BOMS:
        if raw.startswith(bom):
            return unicodedata.normalize("NFC", raw.decode(encoding))
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise TableError(
            N_("{name}: cannot tell the text encoding; save it as 'CSV UTF-8' or as .xlsx"),
            name=name,
        )
    return unicodedata.normalize("NFC", str(best))


def _csv(raw: bytes, name: str) -> list[list[str]]:
    text = decode(raw, name)
    first = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale separates with ";", some exports with tabs.
    delimiter = max((",", ";", "\t"), key=first.count)
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
