"""Commune headings by the commune's own kind: "xã Quảng Lạc", "phường Nguyễn Nghiêm",
"thị xã Đức Phổ" (and "TIẾN ĐỘ PHƯỜNG …" once upper-cased)."""

from __future__ import annotations

from locales import N_, Translator
from models.communes import CommuneKind

_TITLES = {
    CommuneKind.XA: N_("{name} commune"),
    CommuneKind.PHUONG: N_("{name} ward"),
    CommuneKind.THI_TRAN: N_("{name} township"),
    CommuneKind.THI_XA: N_("{name} town"),
}
_DEMO = N_("{place} (demo)")


def commune_title(t: Translator, name: str, kind: str = CommuneKind.XA, *, demo: bool = False):
    """The commune's name with its kind, in the reader's language; "(demo)" for the demo."""
    try:
        msgid = _TITLES[CommuneKind(kind)]
    except ValueError:
        msgid = _TITLES[CommuneKind.XA]
    place = t._(msgid, name=name)
    return t._(_DEMO, place=place) if demo else place
