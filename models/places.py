"""Kinds of communes and of the areas inside them, and how an area's name reads.

An area is stored under the name people use for it, kind included ("Thôn 1", "Chợ Đức Phổ",
"Đường Nguyễn Nghiêm"): `area_name` adds the kind's word only when the name lacks one, so every
reply that shows `Village.name` says "Chợ Đức Phổ", never "Thôn Chợ Đức Phổ"."""

from __future__ import annotations

from models.communes import AreaKind, CommuneKind
from models.keys import fold

# The word that starts an area's name, per kind (a proper-noun prefix, the same in English).
AREA_WORDS = {
    AreaKind.THON: "Thôn",
    AreaKind.BAN: "Bản",
    AreaKind.KHU_PHO: "Khu phố",
    AreaKind.TO_DAN_PHO: "Tổ dân phố",
    AreaKind.CHO: "Chợ",
    AreaKind.TUYEN_PHO: "Tuyến phố",
}
# Words a name may already start with (diacritics kept, so "Bàn Thạch" is not "Bản …").
_PREFIXES = (
    *(w.lower() for w in AREA_WORDS.values()),
    "đường",
    "phố",
    "xóm",
    "làng",
    "ấp",
    "khu",
    "khối",
    "tổ",
    "tdp",
    "khu dân cư",
)
# What an official types in the `Loại` column (unaccented), Vietnamese and English.
AREA_KIND_WORDS = {
    "thon": AreaKind.THON,
    "village": AreaKind.THON,
    "ban": AreaKind.BAN,
    "hamlet": AreaKind.BAN,
    "khu pho": AreaKind.KHU_PHO,
    "khu": AreaKind.KHU_PHO,
    "quarter": AreaKind.KHU_PHO,
    "neighbourhood": AreaKind.KHU_PHO,
    "neighborhood": AreaKind.KHU_PHO,
    "to dan pho": AreaKind.TO_DAN_PHO,
    "tdp": AreaKind.TO_DAN_PHO,
    "residential group": AreaKind.TO_DAN_PHO,
    "cho": AreaKind.CHO,
    "market": AreaKind.CHO,
    "tuyen pho": AreaKind.TUYEN_PHO,
    "pho": AreaKind.TUYEN_PHO,
    "duong": AreaKind.TUYEN_PHO,
    "street": AreaKind.TUYEN_PHO,
}
COMMUNE_WORDS = {
    CommuneKind.XA: "xã",
    CommuneKind.PHUONG: "phường",
    CommuneKind.THI_TRAN: "thị trấn",
    CommuneKind.THI_XA: "thị xã",
}
COMMUNE_KIND_WORDS = {
    "xa": CommuneKind.XA,
    "commune": CommuneKind.XA,
    "phuong": CommuneKind.PHUONG,
    "ward": CommuneKind.PHUONG,
    "thi tran": CommuneKind.THI_TRAN,
    "township": CommuneKind.THI_TRAN,
    "thi xa": CommuneKind.THI_XA,
    "town": CommuneKind.THI_XA,
}


def area_kind(text: str | None) -> AreaKind | None:
    """The kind an official typed; empty means thôn, an unknown word None."""
    key = fold(text or "")
    return AreaKind.THON if not key else AREA_KIND_WORDS.get(key)


def commune_kind(text: str | None) -> CommuneKind | None:
    key = fold(text or "")
    return CommuneKind.XA if not key else COMMUNE_KIND_WORDS.get(key)


def area_name(name: str, kind: str = AreaKind.THON) -> str:
    """The name as it reads everywhere: "1" + thôn → "Thôn 1"; "Đức Phổ" + chợ → "Chợ Đức Phổ";
    "Chợ Đức Phổ" and "Đường Nguyễn Nghiêm" stay as they are."""
    name = " ".join(name.split())
    lower = name.lower()
    if any(lower == p or lower.startswith(p + " ") for p in _PREFIXES):
        return name[0].upper() + name[1:]
    return f"{AREA_WORDS.get(AreaKind(kind), 'Thôn')} {name}"
