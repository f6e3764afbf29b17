"""No two modules of ``desktop_app`` import each other, directly or round a longer loop.

A cycle means neither module can be read, tested or moved without the other; it also makes the import order
decide which one sees the other half-initialised. The graph is read from the source (``ast``), so every import
counts: module level, inside a function (a lazy import is still a dependency), and under ``TYPE_CHECKING`` (a type
named from the other module still ties the two together). Importing a submodule is an edge to that module, not to
its package's ``__init__`` (Python runs the package first, but a package that re-exports its parts would otherwise
be a cycle with each of them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
Graph = dict[str, set[str]]


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Dotted name → file, for every module of ``package`` under ``root``."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Every dotted name an import statement may load: ``a.b`` for ``import a.b``, and for ``from a import b``
    both ``a.b`` (if ``b`` is a module) and ``a``; relative imports resolved against ``module``."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    for alias in node.names:
        yield f"{base}.{alias.name}"
    yield base


def import_graph(root: Path, package: str) -> Graph:
    """Module → the modules of the same package it imports (anywhere in its source)."""
    modules = modules_of(root, package)
    graph: Graph = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = list(_imported(module, path.name == "__init__.py", node))
            if isinstance(node, ast.ImportFrom):
                # ``from a import b``: the module ``a.b`` when there is one, else ``a`` itself.
                *members, base = names
                submodules = [name for name in members if name in modules]
                names = [*submodules, base] if len(submodules) < len(members) else submodules
            targets.update(_owner(name, modules) or "" for name in names)
        graph[module] = targets - {"", module}
    return graph


def _owner(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module a dotted name lives in (``a.b.c`` may be the function ``c`` of ``a.b``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def cycles(graph: Graph) -> list[list[str]]:
    """One loop (``[a, b, ..., a]``) for every group of modules that import each other (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop(graph, set(group)) for group in groups]


def _loop(graph: Graph, group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, for the failure message."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no loop through {start}")  # a strongly connected group always has one


def test_desktop_app_has_no_import_cycle() -> None:
    graph = import_graph(ROOT, "desktop_app")
    assert len(graph) > 50 and sum(map(len, graph.values())) > 200, "the graph was not read"
    found = cycles(graph)
    assert not found, "modules that import each other:\n" + "\n".join(" -> ".join(loop) for loop in found)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_planted_cycle_is_found_however_the_import_is_written(tmp_path: Path) -> None:
    """Each way one module can reach another closes a loop: absolute, relative, inside a function, for types."""
    _write(
        tmp_path,
        {
            "app/__init__.py": "from app.low import helper\n",
            "app/low.py": "def helper() -> None: ...\n",
            "app/a.py": "from app import b\n",
            "app/b.py": "import app.c.inner\n",
            "app/c/__init__.py": "",
            "app/c/inner.py": "def later() -> None:\n    from ..d import thing\n",
            "app/d.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.a import Something\nthing = 1\n"
            ),
            "app/e.py": "from app.low import helper\n",
        },
    )
    graph = import_graph(tmp_path, "app")
    assert graph["app"] == {"app.low"} and graph["app.e"] == {"app.low"}
    assert cycles(graph) == [["app.a", "app.b", "app.c.inner", "app.d", "app.a"]]
    _write(tmp_path, {"app/d.py": "thing = 1\n"})
    assert cycles(import_graph(tmp_path, "app")) == []


def test_a_package_reexporting_its_parts_is_no_cycle(tmp_path: Path) -> None:
    """``app/__init__`` importing ``app.x`` while ``app.x`` imports its sibling ``app.y`` is how packages look."""
    _write(
        tmp_path,
        {
            "app/__init__.py": "from app.x import X\nfrom app.y import Y\n",
            "app/x.py": "from app.y import Y\nX = Y\n",
            "app/y.py": "Y = 1\n",
        },
    )
    assert cycles(import_graph(tmp_path, "app")) == []
    _write(tmp_path, {"app/y.py": "from app import X\nY = 1\n"})  # the package itself, not a part: a real loop
    assert cycles(import_graph(tmp_path, "app")) == [["app", "app.y", "app"]]
