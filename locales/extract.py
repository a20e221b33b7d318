"""Find every translatable string in the code and keep the per-feature `.po` files complete.

Each msgid lives in `<lang>/LC_MESSAGES/<stem>.po`, where stem is the name of the first module
that uses it, so parallel work on different features touches different catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from locales import LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
SOURCES = ("handlers", "bot", "models", "bench")
WEBUI = "bot/webui/"
TEMPLATES = "bot/webui/templates"


@dataclass(frozen=True)
class Found:
    msgid: str | tuple[str, str]
    path: str
    line: int

    @property
    def stem(self) -> str:
        # The web page's templates and modules share one catalogue.
        return "webui" if self.path.startswith(WEBUI) else Path(self.path).stem


def extract() -> list[Found]:
    found: dict[object, Found] = {}
    for source in SOURCES:
        base = ROOT / source
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            base,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            found.setdefault(message, Found(message, f"{source}/{filename}", lineno))
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        ROOT / TEMPLATES,
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        keywords=KEYWORDS,
    ):
        if message and not (isinstance(message, tuple) and not all(message)):
            found.setdefault(message, Found(message, f"{TEMPLATES}/{filename}", lineno))
    return sorted(found.values(), key=lambda f: (f.path, f.line))


def update() -> dict[str, int]:
    """Add missing msgids (English gets the msgid itself; Vietnamese is left to translate)."""
    added: dict[str, int] = {}
    for lang in LANGUAGES:
        folder = LOCALES_DIR / lang / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        known: set[object] = set()
        catalogs: dict[str, Catalog] = {}
        for po in sorted(folder.glob("*.po")):
            with po.open("rb") as fh:
                catalogs[po.stem] = read_po(fh, locale=lang)
            known |= {m.id for m in catalogs[po.stem] if m.id}
        count = 0
        for item in extract():
            if item.msgid in known:
                continue
            catalog = catalogs.setdefault(item.stem, Catalog(locale=lang, project="cdsbot"))
            string = item.msgid if lang == "en" else ("" if isinstance(item.msgid, str) else ("",))
            catalog.add(item.msgid, string, locations=[(item.path, item.line)])
            count += 1
        for stem, catalog in catalogs.items():
            with (folder / f"{stem}.po").open("wb") as fh:
                write_po(fh, catalog, width=99, omit_header=True, include_lineno=False)
        added[lang] = count
    return added
