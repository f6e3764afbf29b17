"""The server's filter keys evaluated on the rows already loaded, so the filter bar works offline and at once.

The filter bar speaks Commerce Layer's Ransack keys (``on_hold_true``, ``stock_location_id_eq``,
``created_at_from``); :func:`desktop_app.schema.parse_filter_key` says what each key means, and this module applies
that meaning to the table's columns in one pass per condition, producing a byte mask over row slots.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from desktop_app.schema import Resource, format_datetime, parse_filter_key
from desktop_app.ui.models.table_data import TableData

Test = Callable[[Any], bool]


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _test(predicate: str, value: Any) -> Test | None:
    """A per-value test for ``predicate``; ``None`` when the predicate only makes sense on the server."""
    if predicate in ("true", "false"):
        wanted = (predicate == "true") == bool(value)
        return lambda v: bool(v) == wanted
    if predicate == "null":
        return (lambda v: v is None) if value else (lambda v: v is not None)
    if predicate == "not_null":
        return (lambda v: v is not None) if value else (lambda v: v is None)
    if predicate in ("in", "not_in"):
        items = value if isinstance(value, list | tuple | set | frozenset) else str(value).split(",")
        wanted_set = {_text(x).strip() for x in items if _text(x).strip()}
        inside = predicate == "in"
        return lambda v: (v is not None and _text(v) in wanted_set) == inside
    needle = _text(value)
    if predicate == "eq":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return lambda v: v == value
        return lambda v: v is not None and _text(v) == needle
    if predicate == "not_eq":
        return lambda v: v is None or _text(v) != needle
    folded = needle.casefold()
    if predicate in ("cont", "i_cont", "matches"):
        return lambda v: v is not None and folded in _text(v).casefold()
    if predicate == "start":
        return lambda v: v is not None and _text(v).casefold().startswith(folded)
    if predicate == "end":
        return lambda v: v is not None and _text(v).casefold().endswith(folded)
    order = {"gt": 1, "gteq": 0, "lt": -1, "lteq": 0}
    if predicate in order:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        key: Any = value if numeric else needle
        ops: dict[str, Test] = {
            "gt": lambda v: v is not None and (v if numeric else _text(v)) > key,
            "gteq": lambda v: v is not None and (v if numeric else _text(v)) >= key,
            "lt": lambda v: v is not None and (v if numeric else _text(v)) < key,
            "lteq": lambda v: v is not None and (v if numeric else _text(v)) <= key,
        }
        return ops[predicate]
    return None


def _values(table: TableData, path: tuple[str, ...]) -> list[Any] | None:
    if path == ("id",):
        return table.ids
    if len(path) == 1:
        for i, column in enumerate(table.columns):
            if column.key == path[0] and column.source == "attribute":
                return table.values[i]
        return None
    if len(path) == 2 and path[1] == "id":
        return table.relationships.get(path[0])
    return None


def filter_mask(resource: Resource, table: TableData, filters: Mapping[str, Any]) -> tuple[bytearray | None, list[str]]:
    """A mask over slots (1 = shown) for ``filters``, and the keys that could only be checked by the server."""
    if not filters:
        return None, []
    mask = bytearray(b"\x01") * len(table.ids)
    server_only: list[str] = []
    for key, value in filters.items():
        condition = parse_filter_key(resource, key)
        test = _test(condition.predicate, value)
        columns = [_values(table, p) for p in condition.paths]
        if test is None or any(c is None for c in columns):
            server_only.append(key)
            continue
        for slot in range(len(mask)):
            if not mask[slot]:
                continue
            hits = (test(c[slot]) for c in columns if c is not None)
            ok = all(hits) if condition.combinator == "and" else any(hits)
            if not ok:
                mask[slot] = 0
    return mask, server_only
