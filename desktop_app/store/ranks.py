"""Where a few rows stand in a sorted million, without reading the million: counts over one index.

A sort of a million stock items reads every row id in the new order (a quarter of a second of processor, seconds
on a loaded machine). The person needs far less to see it: the first screenful (the first rows of the index) and
the places of the rows they had selected, so the selection moves with its records at once. A column kept in the
stock items' key table has an index of its own, and a row's place in its order is a count of the entries before
it in that index, ties broken by row id as :meth:`TableQuery.order` breaks them; rows without a value come last,
in row id order, either way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from desktop_app.store.table_query import TableQuery

#: Rows placed by counting at most (each count walks the index up to the row: tens of milliseconds at worst).
FEW = 4


@dataclass(frozen=True)
class Screen:
    """The first rows of a sorted order and the places of the rows asked about (row id -> position)."""

    first: list[int]
    places: dict[int, int]


def _indexed(query: TableQuery, key: str) -> tuple[str, str] | None:
    """The key table's column a sort by ``key`` reads, and its collation; ``None`` when it has none."""
    source = next((s for s in query.sources if s.key == key), None)
    if source is None:
        return None
    if source.kind == "related":
        column = query.key_column("related", f"{source.name}.{source.target_attribute}")
        return None if column is None else (column, " COLLATE NOCASE")
    if source.kind == "attribute":
        column = query.key_column("attributes", source.name)
        return None if column is None else (column, " COLLATE NOCASE" if source.text else "")
    return None


def screen(query: TableQuery, key: str, descending: bool, count: int, rows: Collection[int]) -> Screen | None:
    """The first ``count`` rows of the order by ``key`` and where each of ``rows`` stands in it; ``None`` when
    that order is not one index's, or too many rows are asked about (then the whole order must be read)."""
    indexed = _indexed(query, key)
    table = query.key_table()
    if indexed is None or table is None or len(rows) > FEW:
        return None
    column, collate = indexed
    first = list(query.order(key, descending, limit=count))
    places: dict[int, int] = {}
    wanted = list(rows)
    shown = f"SELECT count(*) FROM {table} AS k WHERE k.deleted = 0"
    db = query.db
    marks = ",".join("?" * len(wanted))
    found = db.execute(
        f"SELECT k.item, k.{column} FROM {table} AS k WHERE +k.deleted = 0 AND k.item IN ({marks})", wanted
    )
    for rid, value in found.fetchall():
        if value is None:  # after every row with a value, in row id order
            present = db.execute(f"{shown} AND k.{column} IS NOT NULL").fetchone()[0]
            before = db.execute(f"{shown} AND k.{column} IS NULL AND k.item < ?", (rid,)).fetchone()[0]
        else:
            way = ">" if descending else "<"
            present = db.execute(f"{shown} AND k.{column}{collate} {way} ?", (value,)).fetchone()[0]
            before = db.execute(f"{shown} AND k.{column}{collate} = ? AND k.item {way} ?", (value, rid)).fetchone()[0]
        places[int(rid)] = int(present) + int(before)
    return Screen(first, places)


#: Rows put in order by SQL at most (more: one pass over the whole order narrows it instead).
SMALL = 5000


def in_order(query: TableQuery, key: str | None, descending: bool, rows: Collection[int]) -> list[int] | None:
    """``rows`` (a find's or a filter's few) in the order by ``key``, read from the key table by their ids and
    sorted there: no pass over the million row ids of the whole order. The same order :meth:`TableQuery.order`
    gives, rows without a value last in row id order; ``None`` when that order is not one key column's, or the rows
    are too many to name in one statement."""
    table = query.key_table()
    if table is None or len(rows) > SMALL:
        return None
    marks = ",".join("?" * len(rows))  # ``+``: each row by its id, never a pass over an index of the million
    if key is None:
        sql = f"SELECT k.item FROM {table} AS k WHERE +k.deleted = 0 AND k.item IN ({marks}) ORDER BY k.item"
        return [int(row[0]) for row in query.db.execute(sql, list(rows))]
    indexed = _indexed(query, key)
    if indexed is None:
        return None
    column, collate = indexed
    way = "DESC" if descending else "ASC"
    sql = (
        f"SELECT k.item FROM {table} AS k WHERE +k.deleted = 0 AND k.item IN ({marks}) "
        f"ORDER BY k.{column} IS NULL, CASE WHEN k.{column} IS NULL THEN k.item END, k.{column}{collate} {way}, "
        f"k.item {way}"
    )
    return [int(row[0]) for row in query.db.execute(sql, list(rows))]
