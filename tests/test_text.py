"""Search keys and choice recognition: diacritics optional, numbers or words."""

import pytest

from handlers.core.choices import from_button, resolve, resolve_many
from handlers.core.messages import Choice
from models.keys import fold, normalize_customer_code, normalize_phone

CHOICES = [Choice("save", "💾 Lưu"), Choice("edit", "✏️ Sửa"), Choice("cancel", "✖️ Hủy")]


@pytest.mark.parametrize("raw", ["dien", "Điện", "ĐIỆN", "  điện "])
def test_fold_ignores_case_and_diacritics(raw):
    assert fold(raw) == "dien"


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091234567", None),
        ("abc", None),
        ("0212345678", None),
    ],
)
def test_phone_formats(raw, phone):
    assert normalize_phone(raw) == phone


def test_customer_code_ignores_spaces_and_case():
    assert normalize_customer_code("pa12 000 123 456") == "PA12000123456"
    assert normalize_customer_code("hello") is None


@pytest.mark.parametrize("answer", ["1", "luu", "Lưu", "LƯU", "💾 Lưu", "save", "1."])
def test_resolve_by_number_label_or_unaccented_label(answer):
    assert resolve(answer, CHOICES) == "save"


@pytest.mark.parametrize("answer", ["4", "0", "luuu", "", "1 2"])
def test_resolve_refuses_what_is_not_an_option(answer):
    assert resolve(answer, CHOICES) is None


def test_resolve_many():
    assert resolve_many("1 3", CHOICES) == ["save", "cancel"]
    assert resolve_many("luu, huy", CHOICES) == ["save", "cancel"]
    assert resolve_many("1 9", CHOICES) is None


def test_button_data_is_versioned():
    assert from_button("4:1", CHOICES, 4) == "edit"
    assert from_button("3:1", CHOICES, 4) is None
    assert from_button("4:7", CHOICES, 4) is None
    assert from_button("garbage", CHOICES, 4) is None


def test_first_words_of_one_label_pick_it():
    outcomes = [
        Choice("met", "Gặp, đã hướng dẫn"),
        Choice("away", "Không có nhà"),
        Choice("no", "Từ chối"),
        Choice("later", "Hẹn lại"),
    ]
    assert resolve("gap", outcomes) == "met"
    assert resolve("khong co", outcomes) == "away"
    assert resolve("hen", outcomes) == "later"
    assert resolve("kh", outcomes) is None  # not a whole word
    both = [Choice("a", "Hộ mới"), Choice("b", "Hộ cũ")]
    assert resolve("ho", both) is None  # ambiguous: nothing guessed
