"""Commune headings say the commune's own kind, in the reader's language."""

from handlers.places import commune_title
from locales import Translator


def test_commune_title_by_kind():
    vi, en = Translator("vi"), Translator("en")
    assert commune_title(vi, "Quảng Lạc") == "xã Quảng Lạc"
    assert commune_title(vi, "Đức Phổ", "thi_xa") == "thị xã Đức Phổ"
    assert commune_title(vi, "Nguyễn Nghiêm", "phuong").upper() == "PHƯỜNG NGUYỄN NGHIÊM"
    assert commune_title(vi, "Quảng Trường", demo=True) == "xã Quảng Trường (bản dùng thử)"
    assert commune_title(en, "Đức Phổ", "thi_xa") == "Đức Phổ town"
