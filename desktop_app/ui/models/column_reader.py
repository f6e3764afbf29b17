"""Reading a table's columns straight out of the cache file: SQLite extracts the JSON fields, Python gets lists.

Opening 100,000 stock items through ``Cache.records`` builds 100,000 records with two dicts each (most of a second
and about 150 MB) only for the table to copy a dozen values out of each. The table needs columns, so this reads
columns: one ``json_extract`` per field in C, one plain list per column in Python, nothing per row. It opens its own
connection, so the full read can run in a worker thread (WAL lets it read while a sync writes) and hand back plain
data. It reads the cache's ``records`` table (type, id, attributes, relationships, pending, deleted), the same rows
``Cache.records`` returns.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.ui.models.columns import LOOKUP_TYPES, Column

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class ColumnData:
    """Plain values of some rows of one type: ids, pending flags, attribute columns and to-one relationship ids."""

    ids: list[str]
    pending: list[int]
    attributes: dict[str, list[Any]]
    relationships: dict[str, list[Any]]
    total: int = 0  # rows read, plus one when a limited read stopped short of the end
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


def _expression(kind: str, name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a field name: {name!r}")
    return f"json_extract({kind}, '$.{name}')"


def connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db.execute("PRAGMA query_only = ON")
    return db


def read_columns(
    path: Path | str,
    type_: str,
    columns: Sequence[Column],
    relationship_names: Sequence[str],
    *,
    limit: int | None = None,
    order_by: str | None = None,
) -> ColumnData:
    """The attribute columns of ``columns`` and the relationship ids of ``type_``'s visible records.

    ``order_by`` names an attribute to order by (the first screenful is read in the table's default order).
    """
    attributes = [c for c in columns if c.source == "attribute"]
    selects = ["id", "pending"]
    selects += [_expression("attributes", c.key) for c in attributes]
    selects += [_expression("relationships", r) for r in relationship_names]
    sql = f"SELECT {', '.join(selects)} FROM records WHERE type = ? AND deleted = 0"
    if order_by:
        sql += f" ORDER BY {_expression('attributes', order_by)} COLLATE NOCASE, id"
    params: list[Any] = [type_]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit + 1)  # one more than shown says whether there is more, without counting them all
    db = connect(path)
    try:
        rows = db.execute(sql, params).fetchall()
    finally:
        db.close()
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    total = len(rows) + (1 if more else 0)
    lists = list(zip(*rows, strict=True)) if rows else [() for _ in selects]
    ids = list(lists[0])
    pending = [slot for slot, flag in enumerate(lists[1]) if flag]
    values: dict[str, list[Any]] = {}
    for offset, column in enumerate(attributes, start=2):
        raw = lists[offset]
        if column.type == "boolean":
            values[column.key] = [None if v is None else bool(v) for v in raw]
        else:
            values[column.key] = list(raw)
    start = 2 + len(attributes)
    relationships = {name: list(lists[start + i]) for i, name in enumerate(relationship_names)}
    return ColumnData(ids, pending, values, relationships, total=int(total))


def read_lookups(path: Path | str) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, int]]:
    """Names and codes of the records rows point at, and reserved quantities per stock item."""
    return parse_lookups(read_lookup_texts(path))


def read_lookup_texts(path: Path | str) -> list[str | None]:
    """The lookups as JSON text, one per type of ``LOOKUP_TYPES`` then the reserved quantities.

    Each comes back as one JSON document built inside SQLite: one step of the statement does all the work with
    the interpreter lock released, so the window reads this in a thread while it imports and builds its widgets
    (row by row, the thread would wait for the lock at every row). :func:`parse_lookups` turns them into dicts."""
    names = (
        "(SELECT json_group_array(json_array(id, json_extract(attributes, '$.name'), "
        "json_extract(attributes, '$.code'))) FROM records WHERE type = ? AND deleted = 0)"
    )
    reserved = (
        "(SELECT json_group_object(item, total) FROM (SELECT json_extract(relationships, '$.stock_item') AS item, "
        "sum(json_extract(attributes, '$.quantity')) AS total FROM records "
        "WHERE type = 'reserved_stocks' AND deleted = 0 GROUP BY 1) WHERE typeof(item) = 'text')"
    )
    # One statement: the thread takes the interpreter lock back once, not once per type.
    query = "SELECT " + ", ".join([names] * len(LOOKUP_TYPES) + [reserved])
    db = connect(path)
    try:
        texts: list[str | None] = list(db.execute(query, LOOKUP_TYPES).fetchone())
    finally:
        db.close()
    return texts


def parse_lookups(texts: Sequence[str | None]) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, int]]:
    by_type: dict[str, dict[str, dict[str, Any]]] = {}
    for type_, text in zip(LOOKUP_TYPES, texts, strict=False):
        rows = json.loads(text) if text else []
        by_type[type_] = {rid: {"name": name, "code": code} for rid, name, code in rows}
    totals = json.loads(texts[len(LOOKUP_TYPES)] or "{}")
    reserved = {item: int(total or 0) for item, total in totals.items()}
    return by_type, reserved
