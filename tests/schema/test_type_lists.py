"""No hand-kept list of resource types outside the resource description.

What the application does with each type (tab, sync, edits, lookups, derived columns) is stated once, in
``desktop_app/schema``. A tuple, list, set or dict literal naming two or more types anywhere else is a second copy
that the next new type will miss; this scan finds one. The sandbox's seed data (which records to create, in which
order) is data, not a copy of the description, and is left out.

A comparison with a type's name (``type_ == "skus"``, ``type_ in ("skus", "stock_items")``, ``case "skus":``) is
the same knowledge kept as a branch: a chain of them decides per type what an entry of the description should say.
The second scan finds those outside the description and the sandbox (which plays Commerce Layer, type by type),
but for a feature whose subject is one type by nature, named in :data:`ALLOWED_COMPARISONS` with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

from desktop_app.schema import LEGACY_STOCK_LEVELS, TYPE_ALIASES, resources

ROOT = Path(__file__).resolve().parents[2] / "desktop_app"
#: Where lists of types belong (the description) or are data (what the sandbox seeds, in order).
EXEMPT = (ROOT / "schema", ROOT / "sandbox" / "seeds.py", ROOT / "sandbox" / "seed_data.py")
#: Names of the description's constants that stand for a type.
TYPE_CONSTANTS = frozenset({"STOCK_LEVELS", "LEGACY_STOCK_LEVELS"})
#: Where comparisons with a type's name belong: the description, and the sandbox standing in for the server.
COMPARISONS_EXEMPT = (ROOT / "schema", ROOT / "sandbox")
#: ``(module under desktop_app, type)``: a feature about that one type by nature may name it in a comparison.
ALLOWED_COMPARISONS = {
    ("ui/counts/__init__.py", "stock_locations"): "the Count view counts a stock location: its picker lists them",
}
#: Comparisons that hold a type's name against a value: equality, identity and membership.
_COMPARING = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)


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


def _named_types(node: ast.AST, known: frozenset[str]) -> list[str]:
    """The type names a comparison's operand spells as strings: itself, or the items of a literal collection."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [item.value for item in items if isinstance(item, ast.Constant) and item.value in known]


def type_comparisons(source: str, filename: str = "<source>") -> list[tuple[int, frozenset[str], str]]:
    """``(line, types, text)`` of every comparison in ``source`` of a value with resource type names written as
    strings (``==``, ``!=``, ``is``, ``in`` a literal collection, a type name ``in`` something) and every ``case``
    matching one."""
    known = type_names()
    found: list[tuple[int, frozenset[str], str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Compare) and any(isinstance(op, _COMPARING) for op in node.ops):
            names = [name for operand in (node.left, *node.comparators) for name in _named_types(operand, known)]
        elif isinstance(node, ast.MatchValue):
            names = _named_types(node.value, known)
        else:
            continue
        if names:
            found.append((node.lineno, frozenset(names), ast.unparse(node)[:100]))
    return found


def comparison_offenders(
    root: Path = ROOT,
    exempt: tuple[Path, ...] = COMPARISONS_EXEMPT,
    allowed: Mapping[tuple[str, str], str] = ALLOWED_COMPARISONS,
) -> list[str]:
    """``path:line: comparison`` for every comparison with a type's name outside ``exempt`` and ``allowed``."""
    out: list[str] = []
    for path in scanned_files(root, exempt):
        module = path.relative_to(root).as_posix()
        for line, types, text in type_comparisons(path.read_text(encoding="utf-8"), str(path)):
            if not all((module, type_) in allowed for type_ in types):
                out.append(f"{path.relative_to(root.parent).as_posix()}:{line}: {text}")
    return out


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


def test_no_module_outside_the_description_branches_on_a_type_name() -> None:
    found = comparison_offenders()
    assert not found, (
        "say it in the type's entry of desktop_app/schema/app.py and read it from there (or, for a feature about one "
        "type by nature, add it to ALLOWED_COMPARISONS with its reason):\n" + "\n".join(found)
    )


def test_every_allowed_comparison_is_still_there() -> None:
    """An entry whose comparison has gone would let a new one through unseen: the list shrinks with the code."""
    present = {
        (path.relative_to(ROOT).as_posix(), type_)
        for path in scanned_files(ROOT, COMPARISONS_EXEMPT)
        for _, types, _ in type_comparisons(path.read_text(encoding="utf-8"), str(path))
        for type_ in types
    }
    assert set(ALLOWED_COMPARISONS) <= present, set(ALLOWED_COMPARISONS) - present
    assert all(reason.strip() for reason in ALLOWED_COMPARISONS.values())


@pytest.mark.parametrize(
    "source",
    [
        'if type_ == "skus": pass',
        'if type_ != "stock_items": pass',
        'x = "stock_locations" == type_',
        'ok = type_ in ("skus", "stock_items")',
        'ok = type_ not in {"stock_transfers"}',
        'ok = "skus" in types',
        'ok = type_ == "stock_levels"',
        'match type_:\n    case "skus":\n        pass',
        'def f(type_):\n    if type_ == "stock_items":\n        return 1\n    return 0',
    ],
)
def test_the_comparison_scan_catches_a_planted_branch(source: str) -> None:
    assert len(type_comparisons(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        'if key == "quantity": pass',
        'if relationship == "sku": pass',
        'ok = name in ("code", "name")',
        "if type_ == STOCK_LEVELS: pass",
        'TYPE = "skus"',
        'ok = type_ < "skus"',
        'match key:\n    case "name":\n        pass',
    ],
)
def test_the_comparison_scan_leaves_alone_what_is_not_a_type_name(source: str) -> None:
    assert type_comparisons(source) == []


def test_the_chain_low_marks_used_to_keep_fails_the_comparison_scan(tmp_path: Path) -> None:
    """What ``LowMarks.of`` was before the description said which rows are marked: every branch is reported with
    its file and line; the same chain in the description, the sandbox or an allowed feature's module is not."""
    root = tmp_path / "desktop_app"
    for folder in ("inventory", "schema", "sandbox", "ui/counts"):
        (root / folder).mkdir(parents=True)
    chain = (
        "def of(self, type_):\n"
        '    if type_ == "stock_items":\n'
        "        return self.items\n"
        '    if type_ == "skus":\n'
        "        return self.skus\n"
        '    if type_ == "stock_locations":\n'
        "        return self.locations\n"
        "    return frozenset()\n"
    )
    for module in ("inventory/low_stock.py", "schema/app.py", "sandbox/server.py"):
        (root / module).write_text(chain)
    (root / "ui" / "counts" / "__init__.py").write_text('if type_ == "stock_locations":\n    pass\n')
    exempt = (root / "schema", root / "sandbox")
    branches = [
        "desktop_app/inventory/low_stock.py:2: type_ == 'stock_items'",
        "desktop_app/inventory/low_stock.py:4: type_ == 'skus'",
        "desktop_app/inventory/low_stock.py:6: type_ == 'stock_locations'",
    ]
    assert comparison_offenders(root, exempt) == branches
    counts = "desktop_app/ui/counts/__init__.py:1: type_ == 'stock_locations'"
    assert comparison_offenders(root, exempt, allowed={}) == [*branches, counts], "allowed only by its entry"
