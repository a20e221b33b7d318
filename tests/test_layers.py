"""The dependency rule: data flows down. `bot/` may import anything; `handlers/` never imports a
platform, a scheduler or `bot/`; `models/` never imports those, nor `handlers/` or `locales/`.
No module of `handlers/` calls the dispatcher (the flows are listed in `handlers/routes.py`), and
no two modules import each other, directly or round a longer loop."""

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


PACKAGES = ("bot", "handlers", "models", "locales")
DISPATCHER = "handlers.core.dispatch"


def module_name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The project's modules a module imports (`from a.b import c` counts a.b.c when c is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from a import b`: the module a.b when there is one, else a itself.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for imported in names:
            name = imported if imported in known else imported.rpartition(".")[0]
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {
        module_name(root, path): path
        for package in PACKAGES
        if (root / package).is_dir()
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    known = set(paths)
    return {name: imported_modules(path, known) - {name} for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def dispatcher_callers(root: Path) -> list[str]:
    graph = import_graph(root)
    return sorted(
        name
        for name, targets in graph.items()
        if name.startswith("handlers.") and DISPATCHER in targets
    )


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
        ("models", "from handlers.core.messages import Reply", "handlers"),
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


def test_no_import_cycle():
    assert cycles(import_graph(ROOT)) == []


def test_no_flow_calls_the_dispatcher():
    assert dispatcher_callers(ROOT) == []


def test_a_cycle_and_a_dispatcher_call_are_caught(tmp_path):
    """A test of the test: a loop of three modules, and a flow importing the dispatcher."""
    (tmp_path / "handlers" / "core").mkdir(parents=True)
    (tmp_path / "handlers" / "core" / "dispatch.py").write_text("from handlers import a\n")
    (tmp_path / "handlers" / "a.py").write_text("import handlers.b\n")
    (tmp_path / "handlers" / "b.py").write_text("def f():\n    from handlers.c import x\n")
    (tmp_path / "handlers" / "c.py").write_text("from handlers.a import y\n")
    (tmp_path / "handlers" / "flow.py").write_text("from handlers.core.dispatch import handle\n")
    assert cycles(import_graph(tmp_path)) == [["handlers.a", "handlers.b", "handlers.c"]]
    assert dispatcher_callers(tmp_path) == ["handlers.flow"]
