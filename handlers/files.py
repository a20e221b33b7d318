"""Generated files (report workbooks, progress charts) in DATA_DIR/files: how long they live.

A file is only reachable through a link valid FILE_LINK_HOURS, so after that plus a margin (for
an answer still waiting in the outbox) it is deleted by the scheduler leader's housekeeping.
Erasing a household deletes at once every workbook with a cell that names it. Charts show
villages and totals only, never a household. Photos are not generated files and stay.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

# Every generated file starts with one of these (flows/report.py, reports/chart.py).
GENERATED = ("baocao-*.xlsx", "tiendo-*.png")
MARGIN = timedelta(hours=1)


def generated(files_dir: Path) -> list[Path]:
    if not files_dir.is_dir():
        return []
    return sorted(p for pattern in GENERATED for p in files_dir.glob(pattern) if p.is_file())


def delete_expired(files_dir: Path, *, now: datetime, hours: int) -> int:
    """Delete generated files older than their link (`hours`) plus the margin."""
    cutoff = (now - timedelta(hours=hours) - MARGIN).timestamp()
    deleted = 0
    for path in generated(files_dir):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another worker on the same disk was first
            continue
    return deleted


def _names_any(path: Path, needles: set[str]) -> bool:
    # Here, not at the top: openpyxl (with numpy and PIL, ~30 MB) would otherwise load in every
    # worker at start, though only report and plan files need it.
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - a damaged file is deleted rather than kept unread
        log.warning("generated file %s could not be read; deleting it", path.name)
        return True
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                if any(isinstance(v, str) and v.strip() in needles for v in row):
                    return True
    finally:
        wb.close()
    return False


def delete_naming(files_dir: Path, needles: list[str | None]) -> int:
    """Delete every generated workbook with a cell equal to one of `needles` (name, code…)."""
    wanted = {n.strip() for n in needles if n and n.strip()}
    if not wanted:
        return 0
    deleted = 0
    for path in generated(files_dir):
        if path.suffix == ".xlsx" and _names_any(path, wanted):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
