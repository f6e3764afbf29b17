"""Reading the cache as columns, for a table of 100,000 rows: SQLite extracts the JSON fields, Python gets lists.

Opening 100,000 stock items through :meth:`RecordStore.find` builds 100,000 records with two dicts each (most of a
second and about 150 MB) only for a table to copy a dozen values out of each. A table needs columns, so these read
columns: one ``json_extract`` per field in C, one plain list per column in Python, nothing per row. Each call opens
its own read-only connection, so it can run in a worker thread (WAL lets it read while a sync writes) and hands back
plain data. The rows are the ones :meth:`RecordStore.find` returns (the visible copy, pending deletes hidden).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.store.keys import GENERATED, sort_index

if TYPE_CHECKING:
    from desktop_app.schema import Total

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class ColumnData:
    """Plain values of some rows of one type: ids, pending flags, attribute columns and to-one relationship ids."""

    def __init__(
        self,
        ids: list[str],
        pending: list[int],
        attributes: dict[str, list[Any]],
        relationships: dict[str, list[Any]],
        *,
        total: int = 0,
        extra: dict[str, Any] | None = None,
        related: dict[str, list[Any]] | None = None,
        totals: dict[str, list[int]] | None = None,
    ) -> None:
        self.ids = ids
        self.pending = pending
        self.attributes = attributes
        self.relationships = relationships
        self.total = total  # rows read, plus one when a limited read stopped short of the end
        self.extra: dict[str, Any] = extra if extra is not None else {}
        #: ``"relationship.attribute"`` → that attribute of the related record, per row (asked for with ``related``).
        self.related: dict[str, list[Any]] = related if related is not None else {}
        #: Each :class:`~desktop_app.schema.Total` asked for with ``totals``, by name: its value per row.
        self.totals: dict[str, list[int]] = totals if totals is not None else {}

    def __len__(self) -> int:
        return len(self.ids)


def _name(text: str) -> str:
    """A field or type name, safe to write into SQL (names come from the catalogue, never from input)."""
    if not _NAME.match(text):
        raise ValueError(f"not a field name: {text!r}")
    return text


def _expression(kind: str, name: str) -> str:
    return f"json_extract({kind}, '$.{_name(name)}')"


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db.execute("PRAGMA query_only = ON")
    return db


def read_columns(
    path: Path | str,
    type_: str,
    attributes: Sequence[str],
    relationships: Sequence[str],
    *,
    booleans: frozenset[str] = frozenset(),
    related: Sequence[tuple[str, str, str]] = (),
    totals: Sequence[Total] = (),
    limit: int | None = None,
    order_by: str | None = None,
) -> ColumnData:
    """``attributes`` and the to-one ``relationships`` ids of ``type_``'s visible records, one list per name.

    SQLite hands booleans back as 0/1: the ``booleans`` among ``attributes`` come back as ``True``/``False``.
    ``related`` names ``(relationship, target type, attribute)`` to read from the related record, and each of
    ``totals`` sums an attribute of the records pointing at each row (a stock item's reserved quantity): one
    indexed lookup per row, for a screenful read before the names of every record are at hand (for a whole table,
    a dictionary of names is faster).
    ``order_by`` names an attribute to order by (a table's first screenful is read in its default order);
    ``limit`` reads one row more than asked, so ``total`` tells whether there are more without counting them all.
    """
    selects = ["id", "pending"]
    selects += [_expression("attributes", name) for name in attributes]
    selects += [_expression("relationships", name) for name in relationships]
    for relationship, target, attribute in related:
        selects.append(
            f"(SELECT {_expression('t.attributes', attribute)} FROM records AS t WHERE t.type = '{_name(target)}' "
            f"AND t.id = {_expression('r.relationships', relationship)} AND t.deleted = 0)"
        )
    for total in totals:
        selects.append(
            f"(SELECT ifnull(sum({_expression('t.attributes', total.attribute)}), 0) FROM records AS t "
            f"WHERE t.type = '{_name(total.type)}' AND t.deleted = 0 "
            f"AND {_expression('t.relationships', total.via)} = r.id)"
        )
    sql = f"SELECT {', '.join(selects)} FROM records AS r WHERE r.type = ? AND r.deleted = 0"
    if order_by:
        sql += f" ORDER BY {_expression('attributes', order_by)} COLLATE NOCASE, id"
    params: list[Any] = [type_]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit + 1)
    db = _connect(path)
    try:
        rows = db.execute(sql, params).fetchall()
    finally:
        db.close()
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    lists: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [() for _ in selects]
    pending = [slot for slot, flag in enumerate(lists[1]) if flag]
    values: dict[str, list[Any]] = {}
    for offset, name in enumerate(attributes, start=2):
        raw = lists[offset]
        values[name] = [None if v is None else bool(v) for v in raw] if name in booleans else list(raw)
    start = 2 + len(attributes)
    ids = {name: list(lists[start + i]) for i, name in enumerate(relationships)}
    start += len(relationships)
    names = {f"{rel}.{attribute}": list(lists[start + i]) for i, (rel, _, attribute) in enumerate(related)}
    start += len(related)
    sums = {total.name: [int(q or 0) for q in lists[start + i]] for i, total in enumerate(totals)}
    return ColumnData(
        list(lists[0]),
        pending,
        values,
        ids,
        total=len(rows) + (1 if more else 0),
        related=names,
        totals=sums,
    )


def _named(type_: str, attribute: str) -> str:
    """The statement of one naming attribute's ``{id: value}`` document (see :func:`read_names`)."""
    column = GENERATED.get(("attributes", attribute))
    rows = f"FROM records WHERE type = '{_name(type_)}' AND deleted = 0"
    if column is not None and sort_index(type_, column):  # the partial index of the values present answers alone
        return f"(SELECT json_group_object(id, {column}) {rows} AND {column} IS NOT NULL)"
    return f"(SELECT json_group_object(id, {_expression('attributes', attribute)}) {rows})"


def read_names(
    path: Path | str, types: Sequence[tuple[str, Sequence[str]]], totals: Sequence[Total] = ()
) -> list[str | None]:
    """Each naming attribute of every visible record of each of ``types`` (``(type, attributes)``: what other rows
    point at, and what it is called by), as one JSON object of its value by record id per attribute, type after
    type, then each of ``totals`` (a stock item's reserved quantity) as one JSON object of its value by row id.

    Each document is built inside SQLite: the statement runs in one step with the interpreter lock released, so a
    window reads this in a thread while it imports and builds its widgets (row by row, the thread would wait for
    the lock at every row). An attribute kept in an indexed virtual column (a code, a name) is read from that index
    alone: 100,000 SKUs of a million-item cache in a tenth of the time of parsing each SKU's JSON, which would
    otherwise take a core for a third of a second while the window starts. A record with no value in any of those
    columns is then not listed (it reads as its id, as an unknown record does)."""
    names = [_named(type_, attribute) for type_, attributes in types for attribute in attributes]
    sums = [
        f"(SELECT json_group_object(item, total) FROM (SELECT {_expression('relationships', t.via)} AS item, "
        f"sum({_expression('attributes', t.attribute)}) AS total FROM records "
        f"WHERE type = '{_name(t.type)}' AND deleted = 0 GROUP BY 1) WHERE typeof(item) = 'text')"
        for t in totals
    ]
    query = "SELECT " + ", ".join(names + sums)
    db = _connect(path)
    try:
        row = db.execute(query).fetchone()
    finally:
        db.close()
    return [None if text is None else str(text) for text in row]
