"""Normalised search keys: unaccented names, canonical phones and customer codes."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})
# A name starting with one of these would run as a formula in a spreadsheet.
_FORMULA_LEAD = "=+-@"
NAME_LENGTH = (2, 80)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and squeeze spaces: "ĐIỆN" → "dien".

    Text converted from old (TCVN3/VNI) fonts writes Đ as the look-alike Ð (U+00D0) or ð."""
    text = unicodedata.normalize("NFD", text.translate(_D))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def fold_digits(text: str) -> str:
    """Unicode digits as ASCII: "①" "²" "１" "٣" → "1" "2" "1" "3" (other characters kept).

    NFKC first turns circled, superscript and full-width forms into plain ones; every decimal
    digit of any script then maps to its ASCII digit.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(d) if (d := unicodedata.decimal(ch, None)) is not None else ch for ch in text
    )


def normalize_phone(raw: str) -> str | None:
    """Any Vietnamese mobile format → 0XXXXXXXXX: 09…, +849…, 849…, 00849…, with spaces or
    dots, and the 9 digits a spreadsheet keeps of a number typed as a number (912000111)."""
    digits = re.sub(r"[\s.\-()]", "", fold_digits(raw))
    if digits.startswith("+"):
        digits = digits[1:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    if digits.startswith("0084") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 9 and digits[0] in "35789":
        digits = "0" + digits
    if len(digits) == 10 and digits.startswith("0") and digits[1] in "35789":
        return digits
    return None


_CODE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{6,11}$")


def normalize_customer_code(raw: str) -> str | None:
    """Electricity customer codes look like PA12000123456: spaces and case are ignored."""
    code = re.sub(r"[\s.\-]", "", fold_digits(raw)).upper()
    return code if code.isascii() and _CODE.match(code) else None


def head_name(raw: str) -> str | None:
    """A household head's name as stored, or None when it is not a name.

    Every path that creates a household (chat, quick log, import) uses it: spaces squeezed,
    control characters and leading formula characters ("=1+2", "@SUM") dropped, letters required.
    """
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    name = _SPACES.sub(" ", printable).strip().lstrip(_FORMULA_LEAD + " ").strip()
    low, high = NAME_LENGTH
    if not low <= len(name) <= high or not any(ch.isalpha() for ch in name):
        return None
    return name
