"""Every string the code shows exists in vi and en, with the same placeholders."""

import pytest
from babel.messages.pofile import read_po

import locales
from locales import LANGUAGES, LOCALES_DIR, Translator, load_catalog, placeholders
from locales.extract import extract


@pytest.fixture(scope="module")
def found():
    return extract()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(found, lang):
    catalog = load_catalog(lang)
    missing = [f"{f.path}:{f.line} {f.msgid!r}" for f in found if f.msgid not in catalog]
    assert missing == [], f"run `cdsbot i18n update` and translate: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(found, lang):
    catalog = load_catalog(lang)
    wrong = []
    for item in found:
        ids = item.msgid if isinstance(item.msgid, tuple) else (item.msgid,)
        translated = catalog.get(item.msgid)
        forms = translated if isinstance(translated, tuple) else (translated,)
        expected = set().union(*(placeholders(i) for i in ids))
        wrong += [item.msgid for form in forms if form and placeholders(form) != expected]
    assert wrong == []


@pytest.mark.parametrize(("lang", "count"), [("vi", 1), ("en", 2)])
def test_plural_entries_have_every_form(found, lang, count):
    catalog = load_catalog(lang)
    plurals = [f.msgid for f in found if isinstance(f.msgid, tuple)]
    assert plurals, "no ngettext call was extracted"
    wrong = [key for key in plurals if len(catalog.get(key) or ()) != count]
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "forms"),
    [("vi", 'msgstr[0] ""'), ("en", 'msgstr[0] "{n} visit"'), ("en", 'msgstr[1] "{n} visits"')],
)
def test_plural_entry_missing_a_form_is_not_loaded(monkeypatch, tmp_path, lang, forms):
    folder = tmp_path / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    entry = f'msgid "{{n}} visit"\nmsgid_plural "{{n}} visits"\n{forms}\n'
    (folder / "visit.po").write_text(entry, encoding="utf-8")
    monkeypatch.setattr(locales, "LOCALES_DIR", tmp_path)
    assert locales.load_catalog.__wrapped__(lang) == {}


def test_ngettext_picks_the_english_form_and_the_one_vietnamese_form():
    key = ("{n} conversion", "{n} conversions")
    assert [Translator("en").ngettext(*key, n) for n in (0, 1, 2, 1857)] == [
        "0 conversions", "1 conversion", "2 conversions", "1,857 conversions",
    ]  # fmt: skip
    assert [Translator("vi").ngettext(*key, n) for n in (1, 1857)] == [
        "1 chuyển đổi", "1.857 chuyển đổi",
    ]  # fmt: skip


def test_extraction_finds_known_strings(found):
    ids = {f.msgid for f in found}
    assert "This question has closed." in ids
    assert "Cancelled. Nothing was saved." in ids
    assert ("{n} conversion", "{n} conversions") in ids


def test_vietnamese_has_diacritics():
    vi = load_catalog("vi")
    assert vi["Cancelled. Nothing was saved."] == "Đã hủy. Chưa có gì được lưu."


def test_vietnamese_number_formats():
    t = Translator("vi")
    assert t.num(1857) == "1.857"
    assert t.pct(532 / 1857 * 100) == "28,6%"
    assert t.num(768 / 92, 2) == "8,35"
    from datetime import date

    assert t.date(date(2024, 11, 30)) == "30/11/2024"


def test_english_number_formats():
    t = Translator("en")
    assert t.num(1857) == "1,857"
    assert t.pct(28.647) == "28.6%"


def test_unknown_language_falls_back_to_vietnamese():
    assert Translator("fr").lang == "vi"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_translation_per_message_across_catalogues(lang):
    """Catalogues merge into one dict: a msgid translated differently in two .po files would
    silently take whichever file sorts last."""
    seen: dict = {}
    clashes = []
    for po in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id or not message.string:
                    continue
                key = message.id if isinstance(message.id, str) else tuple(message.id)
                text = message.string if isinstance(message.string, str) else tuple(message.string)
                if key in seen and seen[key][1] != text:
                    clashes.append((key, seen[key][0], po.name))
                seen.setdefault(key, (po.name, text))
    assert clashes == []
