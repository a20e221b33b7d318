"""Normalised search keys: unaccented names, canonical phones and customer codes."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and squeeze spaces: "ĐIỆN" → "dien"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def normalize_phone(raw: str) -> str | None:
    """Any Vietnamese mobile format (09…, +849…, 849…, with spaces or dots) → 0XXXXXXXXX."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0") and digits[1] in "35789":
        return digits
    return None


_CODE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{6,11}$")


def normalize_customer_code(raw: str) -> str | None:
    """Electricity customer codes look like PA12000123456: spaces and case are ignored."""
    code = re.sub(r"[\s.\-]", "", raw).upper()
    return code if _CODE.match(code) else None
