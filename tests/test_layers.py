"""The dependency rule: data flows down. `bot/` may import anything; `handlers/` never imports a
platform, a scheduler or `bot/`; `models/` never imports those, nor `handlers/` or `locales/`."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PLATFORM = {"aiogram", "httpx", "aiohttp", "apscheduler", "uvloop", "prometheus_client", "bot"}
# Every arrow that must never be drawn, by package.
FORBIDDEN = {
    "handlers": PLATFORM,
    "models": PLATFORM | {"handlers", "locales"},
    "locales": PLATFORM | {"handlers", "models"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level packages a module imports, wherever the import stands (lazy ones count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def offenders(root: Path, package: str) -> dict[str, list[str]]:
    found = {}
    for path in (root / package).rglob("*.py"):
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            found[str(path.relative_to(root))] = sorted(bad)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_arrow(package):
    assert offenders(ROOT, package) == {}


def test_the_walker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import aiogram.types\nfrom bot.app import App\n")
    assert imported_roots(sample) >= {"aiogram", "bot"}


@pytest.mark.parametrize(
    ("package", "line", "root"),
    [
        ("models", "from handlers.messages import Reply", "handlers"),
        ("models", "from locales import translator", "locales"),
        ("models", "import httpx", "httpx"),
        ("handlers", "from bot.settings import get_settings", "bot"),
        ("handlers", "import aiogram", "aiogram"),
        ("handlers", "def f():\n    from apscheduler.triggers import cron", "apscheduler"),
        ("locales", "from models.base import utcnow", "models"),
    ],
)
def test_each_forbidden_arrow_is_caught(tmp_path, package, line, root):
    """A test of the test: one forbidden import added to a copy of the package fails it."""
    (tmp_path / package / "sub").mkdir(parents=True)
    (tmp_path / package / "sub" / "bad.py").write_text(line + "\n")
    (tmp_path / package / "ok.py").write_text("import datetime\n")
    assert offenders(tmp_path, package) == {f"{package}/sub/bad.py": [root]}
