"""Saying a models' Problem (target rules, plan workbook) in the reader's language."""

from __future__ import annotations

from datetime import date

from locales import Translator


def problem_text(t: Translator, problem) -> str:
    """Numbers and dates in the reader's format (1.857; 30/11/2024), named parts translated."""
    values = {}
    for key, value in problem.values.items():
        if isinstance(value, date):
            values[key] = t.date(value)
        elif key == "percent" and isinstance(value, int | float):
            values[key] = t.num(value, 0 if float(value).is_integer() else 1) + "%"
        elif isinstance(value, bool):
            values[key] = str(value)
        elif isinstance(value, int | float):
            values[key] = t.num(value, 0 if float(value).is_integer() else 2)
        elif key == "what":
            values[key] = t._(value)
        else:
            values[key] = str(value)
    return t._(problem.msgid, **values)
