"""No hand-kept list of resource types outside the resource description.

What the application does with each type (tab, sync, edits, lookups, derived columns) is stated once, in
``desktop_app/schema``. A tuple, list, set or dict literal naming two or more types anywhere else is a second copy
that the next new type will miss; this scan finds one. The sandbox's seed data (which records to create, in which
order) is data, not a copy of the description, and is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from desktop_app.schema import LEGACY_STOCK_LEVELS, TYPE_ALIASES, resources

ROOT = Path(__file__).resolve().parents[2] / "desktop_app"
#: Where lists of types belong (the description) or are data (what the sandbox seeds, in order).
EXEMPT = (ROOT / "schema", ROOT / "sandbox" / "seeds.py", ROOT / "sandbox" / "seed_data.py")
#: Names of the description's constants that stand for a type.
TYPE_CONSTANTS = frozenset({"STOCK_LEVELS", "LEGACY_STOCK_LEVELS"})


def type_names() -> frozenset[str]:
    return frozenset(resources()) | frozenset(TYPE_ALIASES)


def _names_a_type(node: ast.AST, known: frozenset[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in known
    if isinstance(node, ast.Name):
        return node.id in TYPE_CONSTANTS
    if isinstance(node, ast.Attribute):
        return node.attr in TYPE_CONSTANTS
    return False


def type_lists(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """``(line, text)`` of every tuple, list, set or dict literal in ``source`` naming two or more resource types
    (as strings, or through the description's constants); dict keys and values both count."""
    known = type_names()
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items: list[ast.AST] = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None] + list(node.values)
        else:
            continue
        if sum(_names_a_type(item, known) for item in items) >= 2:
            found.append((node.lineno, ast.unparse(node)[:100]))
    return found


def scanned_files(root: Path = ROOT, exempt: tuple[Path, ...] = EXEMPT) -> list[Path]:
    return [p for p in sorted(root.rglob("*.py")) if not any(p == e or e in p.parents for e in exempt)]


def offenders(root: Path = ROOT, exempt: tuple[Path, ...] = EXEMPT) -> list[str]:
    """``path:line: literal`` for every list of types in the modules under ``root`` outside ``exempt``."""
    return [
        f"{path.relative_to(root.parent).as_posix()}:{line}: {text}"
        for path in scanned_files(root, exempt)
        for line, text in type_lists(path.read_text(encoding="utf-8"), str(path))
    ]


def test_no_module_outside_the_description_keeps_its_own_list_of_types() -> None:
    found = offenders()
    assert not found, "read the types from desktop_app.schema instead:\n" + "\n".join(found)


def test_the_scan_covers_the_window_the_sync_and_the_commands() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    assert {"ui/views/main_window.py", "sync/resources.py", "commands/data.py", "credentials/profiles.py"} <= scanned
    assert not any(name.startswith("schema/") for name in scanned)


@pytest.mark.parametrize(
    "source",
    [
        'TABS = ("skus", "stock_items")',
        'SYNC = ["stock_locations", "skus", "reserved_stocks"]',
        'EDITABLE = {"inventory_models", "stock_levels"}',
        'INLINE = {"stock_items": ("quantity",), STOCK_LEVELS: ("priority",)}',
        "DIALECTS = (STOCK_LEVELS, LEGACY_STOCK_LEVELS)",
        "DIALECTS = (schema.STOCK_LEVELS, schema.LEGACY_STOCK_LEVELS)",
        'def f(t):\n    return t in ("skus", "stock_transfers")',
        'x = {"a": "skus", "b": "stock_locations"}',
    ],
)
def test_the_scan_catches_a_planted_list(source: str) -> None:
    assert len(type_lists(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        'ONE = ("skus",)',
        'FIELDS = ("code", "name", "priority")',
        'RELATIONSHIPS = ("sku", "inventory_model", "stock_location")',
        'if type_ == "stock_items" or name == "skus": pass',
        'TEXT = "skus, stock_items"',
    ],
)
def test_the_scan_leaves_alone_what_is_not_a_list_of_types(source: str) -> None:
    assert type_lists(source) == []


def test_a_planted_list_in_a_module_fails_the_scan(tmp_path: Path) -> None:
    """The whole scan over a copy of the tree's shape: a view keeping its own list is reported, the same list in
    the description is not."""
    root = tmp_path / "desktop_app"
    (root / "ui" / "views").mkdir(parents=True)
    (root / "schema").mkdir()
    planted = "from desktop_app.schema import STOCK_LEVELS\n\nTAB_TYPES = ('skus', STOCK_LEVELS)\n"
    (root / "ui" / "views" / "new_view.py").write_text(planted)
    (root / "schema" / "app.py").write_text(planted)
    (root / "ui" / "clean.py").write_text(f"FIRST = {LEGACY_STOCK_LEVELS!r}\n")
    assert offenders(root, (root / "schema",)) == ["desktop_app/ui/views/new_view.py:3: ('skus', STOCK_LEVELS)"]
