"""The layers of README's "How the code is laid out": every import of ``search/`` points down,
``index`` and ``query`` stand side by side, nothing in ``search/`` knows the web, and no
modules import each other in a circle. Read from the code's import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the layer of each folder of search/, bottom up; the modules at its top are the ground
LAYER = {"": 0, "text": 1, "corpus": 2, "index": 3, "query": 3, "engine": 4, "export": 5}


def _modules() -> dict[str, Path]:
    found = {}
    for path in [*(ROOT / "search").rglob("*.py"), *(ROOT / "web").rglob("*.py")]:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The project's modules ``name`` imports (a name imported from a package may be one)."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in MODULES}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = base + (node.module.split(".") if node.module else [])
            for alias in node.names:
                for candidate in (".".join([*module, alias.name]), ".".join(module)):
                    if candidate in MODULES:
                        out.add(candidate)
                        break
    return out - {name}


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> tuple[str, int]:
    parts = name.split(".")
    folder = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYER) else ""
    return folder, LAYER[folder]


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("search")))
def test_search_imports_point_down(name):
    folder, level = _layer(name)
    for target in GRAPH[name]:
        assert not target.startswith("web"), f"{name} imports {target}: search knows no web"
        other, other_level = _layer(target)
        assert other_level < level or other == folder, f"{name} ({folder}) imports {target}"


def test_the_layer_table_is_the_tree():
    folders = {p.name for p in (ROOT / "search").iterdir()
               if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYER) - {""}


def test_no_modules_import_each_other_in_a_circle():
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise AssertionError(" -> ".join([*path[path.index(name):], name]))
        if name in done:
            return
        for target in GRAPH[name]:
            visit(target, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())


def test_a_circle_or_an_upward_import_would_be_seen():
    # the reading itself: compile imports syntax, which is a layer below nothing
    assert "search.query.syntax" in GRAPH["search.query.compile"]
    assert "search.engine.pipeline" in GRAPH["search.engine.searching"]
    assert _layer("search.engine.pipeline") == ("engine", 4)
    assert _layer("search.facets") == ("", 0)
