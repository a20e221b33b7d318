"""The dependency rule: handlers/ and models/ never import a platform, a scheduler or bot/."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FORBIDDEN = {"aiogram", "httpx", "aiohttp", "apscheduler", "bot"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["handlers", "models"])
def test_core_imports_no_platform_or_runtime(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN)
        for path in (ROOT / package).rglob("*.py")
        if imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_the_walker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import aiogram.types\nfrom bot.app import App\n")
    assert imported_roots(sample) >= {"aiogram", "bot"}
