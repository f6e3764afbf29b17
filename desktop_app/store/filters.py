"""The filter bar's Ransack keys as SQL over the cache, so filtering a million rows is one indexed statement.

``on_hold_true``, ``sku_id_eq``, ``quantity_gt``, ``created_at_from``: :func:`desktop_app.schema.parse_filter_key`
says what a key means, and this module writes that meaning as a ``WHERE`` term on the row ``r``. Conditions on the
row's own attributes, its id and its to-one ids are answered here; anything else (an attribute of a related record,
a JSON containment) only the server can answer, and :func:`condition_sql` says so with :class:`ServerOnly`.
Comparisons follow the server's: text compares without regard to case where Ransack's does (``cont``, ``start``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from desktop_app.schema import Condition, format_datetime, get_resource
from desktop_app.store.keys import GENERATED


class ServerOnly(Exception):
    """This condition cannot be checked on the cache."""


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value(document: str, name: str) -> str:
    generated = GENERATED.get((document, name))
    return f"r.{generated}" if generated else f"json_extract(r.{document}, '$.{name}')"


def _source(type_: str, path: tuple[str, ...]) -> tuple[str, str, bool]:
    """Where a path's value is kept (``("attributes", name)``, ``("relationships", name)`` for a to-one id, or
    ``("", "id")``) and whether it is a boolean (stored as 0/1)."""
    resource = get_resource(type_)
    if path == ("id",):
        return "", "id", False
    if len(path) == 1 and path[0] in resource.fields:
        return "attributes", path[0], resource.fields[path[0]].type == "boolean"
    to_one = {r.name for r in resource.to_one}
    if len(path) == 2 and path[1] == "id" and path[0] in to_one:
        return "relationships", path[0], False
    raise ServerOnly(".".join(path))


def _column(type_: str, path: tuple[str, ...], columns: Mapping[tuple[str, str], str]) -> tuple[str, bool]:
    """The SQL of a path (a column of ``columns`` when it names one, else on the row ``r``) and whether the value is
    a boolean."""
    document, name, boolean = _source(type_, path)
    if (document, name) in columns:
        return columns[document, name], boolean
    return ("r.id" if not document else _value(document, name)), boolean


def held_in(type_: str, condition: Condition, columns: Mapping[tuple[str, str], str]) -> bool:
    """Whether every value ``condition`` compares is one of ``columns`` (a key table's, see ``store.keys``), so
    the condition can be answered from that table alone; :class:`ServerOnly` as :func:`condition_sql`."""
    return all(_source(type_, path)[:2] in columns for path in condition.paths)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _term(column: str, boolean: bool, predicate: str, value: Any) -> tuple[str, list[Any]]:
    as_text = f"CAST({column} AS TEXT)"
    if boolean:
        as_text = f"CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    if predicate in ("true", "false"):
        wanted = (predicate == "true") == bool(value)
        return f"(ifnull({column}, 0) != 0) = {1 if wanted else 0}", []
    if predicate in ("null", "not_null"):
        empty = bool(value) == (predicate == "null")
        return f"{column} IS {'' if empty else 'NOT '}NULL", []
    if predicate in ("in", "not_in"):
        items = value if isinstance(value, list | tuple | set | frozenset) else str(value).split(",")
        wanted_items = sorted({_text(x).strip() for x in items if _text(x).strip()})
        marks = ",".join("?" * len(wanted_items)) or "NULL"
        inside = f"({column} IS NOT NULL AND {as_text} IN ({marks}))"
        return (inside if predicate == "in" else f"NOT {inside}"), list(wanted_items)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if predicate == "eq":
        if numeric:
            return f"{column} = ?", [value]
        return f"({column} IS NOT NULL AND {as_text} = ?)", [_text(value)]
    if predicate == "not_eq":
        return f"({column} IS NULL OR {as_text} != ?)", [_text(value)]
    folded = _text(value).lower()
    if predicate in ("cont", "i_cont", "matches"):
        return f"({column} IS NOT NULL AND instr(lower({as_text}), ?) > 0)", [folded]
    if predicate in ("start", "end"):
        pattern = _escape(folded) + "%" if predicate == "start" else "%" + _escape(folded)
        return f"({column} IS NOT NULL AND lower({as_text}) LIKE ? ESCAPE '\\')", [pattern]
    operators = {"gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "from": ">=", "to": "<="}
    if predicate in operators:
        if numeric:
            return f"({column} IS NOT NULL AND {column} {operators[predicate]} ?)", [value]
        return f"({column} IS NOT NULL AND {as_text} {operators[predicate]} ?)", [_text(value)]
    raise ServerOnly(predicate)


def condition_sql(
    type_: str, condition: Condition, value: Any, columns: Mapping[tuple[str, str], str] | None = None
) -> tuple[str, list[Any]]:
    """A ``WHERE`` term on ``r`` for ``condition`` with ``value``, and its parameters; :class:`ServerOnly` when the
    cache cannot answer it. ``columns`` maps values kept elsewhere (``("relationships", "sku")``) to the SQL that
    reads them there (a key table's ``k.sku``)."""
    terms: list[str] = []
    params: list[Any] = []
    for path in condition.paths:
        column, boolean = _column(type_, path, columns or {})
        term, values = _term(column, boolean, condition.predicate, value)
        terms.append(term)
        params.extend(values)
    joiner = " AND " if condition.combinator == "and" else " OR "
    return "(" + joiner.join(terms) + ")", params
