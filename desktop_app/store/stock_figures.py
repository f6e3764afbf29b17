"""Reading the stock figures of the cache: a SKU's stock items, reorder candidates, totals per stock location.

Where is a SKU, what runs low, how much each location holds: questions over 100,000 stock items that must be answered
in milliseconds. Parsing every row's JSON costs more than that (about 0.3 s here), so the answers come from the
``stock_item_figures`` index, which holds a stock item's location, SKU, quantity, reorder point and target level
(see the migration in ``database.py``): a scan of it never reads a row. ``INDEXED BY`` names it so the plan does
not depend on the statistics of the day. Each reader opens its own read-only connection, like the column reads, so
it can work in a thread while a sync writes; it returns plain rows, and the rules that give them a meaning
(shipping order, strategies, low stock) live in ``desktop_app.inventory``. The rows are named tuples, as in
:mod:`~desktop_app.store.records` (as frozen dataclasses, these seven cost the Overview's start about 9 ms at load 6).
"""

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

#: The metadata keys Stockroom reads its thresholds from (on a stock item, or a SKU's default for its items).
REORDER_POINT = "reorder_point"
TARGET_LEVEL = "target_level"

_SKU_THRESHOLDS_WHERE = (
    "type = 'skus' AND deleted = 0 AND (json_extract(attributes, '$.metadata.reorder_point') IS NOT NULL "
    "OR json_extract(attributes, '$.metadata.target_level') IS NOT NULL)"
)


class SkuRow(NamedTuple):
    """A SKU with the flags that change its availability and its default thresholds (as stored, unchecked)."""

    id: str
    code: str
    name: str
    do_not_track: bool
    do_not_ship: bool
    reorder_point: object = None
    target_level: object = None


class StockRow(NamedTuple):
    """A stock item's figures; ``reorder_point``/``target_level`` are the metadata values as stored, unchecked."""

    id: str
    sku_id: str | None
    location_id: str | None
    quantity: int
    reserved: int
    reorder_point: object = None
    target_level: object = None
    pending: bool = False


class ModelRow(NamedTuple):
    id: str
    name: str
    strategy: str | None
    cutoff: int | None


class LevelRow(NamedTuple):
    """A stock level (inventory stock location): a location's place in an inventory model's shipping order."""

    id: str
    model_id: str | None
    location_id: str | None
    priority: int | None
    on_hold: bool
    created_at: str | None


class LocationRow(NamedTuple):
    id: str
    name: str
    code: str | None


class LocationTotalsRow(NamedTuple):
    """Sums over the stock items of one stock location (reserved stock is read apart: few items have any)."""

    location_id: str | None
    quantity: int
    items: int
    skus: int


class Candidate(NamedTuple):
    """A stock item that may be at or below its reorder point: its own thresholds and its SKU's, as stored."""

    id: str
    sku_id: str | None
    location_id: str | None
    quantity: int
    item_reorder_point: object
    item_target_level: object
    sku_reorder_point: object
    sku_target_level: object


_INDEXED_BY = re.compile(r"\s+INDEXED BY \w+")


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db.execute("PRAGMA query_only = ON")
    return db


def _ids(values: Iterable[str]) -> str:
    """A list of ids as one JSON parameter (``IN (SELECT value FROM json_each(?))``: no limit on how many)."""
    return json.dumps(list(values))


def _int(value: Any) -> int:
    """A stored quantity as a number (a missing or odd one counts as none)."""
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return 0


class StockFigures:
    """Read-only queries over one cache file; one connection, used from one thread at a time. Close when done."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._db = _connect(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "StockFigures":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            # A first full sync of a large type builds its indexes after its rows (``store.indexes``): meanwhile
            # the same question is answered without the index it names.
            if "no such index" not in str(error):
                raise
            return self._db.execute(_INDEXED_BY.sub("", sql), params).fetchall()

    # -- the small tables (a few models, levels and locations) ----------------------------------------------------

    def models(self) -> list[ModelRow]:
        rows = self._rows(
            "SELECT id, json_extract(attributes, '$.name'), json_extract(attributes, '$.strategy'), "
            "json_extract(attributes, '$.stock_locations_cutoff') FROM records "
            "WHERE type = 'inventory_models' AND deleted = 0"
        )
        return [ModelRow(str(i), str(n or i), s, c if isinstance(c, int) else None) for i, n, s, c in rows]

    def levels(self) -> list[LevelRow]:
        rows = self._rows(
            "SELECT id, json_extract(relationships, '$.inventory_model'), json_extract(relationships, "
            "'$.stock_location'), json_extract(attributes, '$.priority'), json_extract(attributes, '$.on_hold'), "
            "json_extract(attributes, '$.created_at') FROM records "
            "WHERE type = 'inventory_stock_locations' AND deleted = 0"
        )
        return [LevelRow(str(i), m, loc, p if isinstance(p, int) else None, bool(h), c) for i, m, loc, p, h, c in rows]

    def locations(self) -> list[LocationRow]:
        rows = self._rows(
            "SELECT id, json_extract(attributes, '$.name'), json_extract(attributes, '$.code') FROM records "
            "WHERE type = 'stock_locations' AND deleted = 0"
        )
        return [LocationRow(str(i), str(n or c or i), c) for i, n, c in rows]

    # -- one SKU ----------------------------------------------------------------------------------------------------

    def sku_by_code(self, code: str) -> SkuRow | None:
        """The SKU with exactly this code, else one whose code differs only in case, else the SKU with this id
        (the ``skus_by_code`` index compares without case, so one look-up finds both kinds of match)."""
        select = (
            "SELECT id, json_extract(attributes, '$.code'), json_extract(attributes, '$.name'), "
            "json_extract(attributes, '$.do_not_track'), json_extract(attributes, '$.do_not_ship'), "
            "json_extract(attributes, '$.metadata.reorder_point'), "
            "json_extract(attributes, '$.metadata.target_level') FROM records WHERE type = 'skus' AND deleted = 0 AND "
        )
        rows = self._rows(select + "json_extract(attributes, '$.code') = ? COLLATE NOCASE ORDER BY id", (code,))
        rows = [row for row in rows if row[1] == code] or rows or self._rows(select + "id = ?", (code,))
        if not rows:
            return None
        i, c, n, track, ship, point, target = rows[0]
        return SkuRow(str(i), str(c or ""), str(n or c or i), bool(track), bool(ship), point, target)

    def stock_of_sku(self, sku_id: str) -> list[StockRow]:
        """The SKU's stock items (found in the key table's index of SKUs) with their reserved quantities."""
        rows = self._rows(
            "SELECT r.id, k.stock_location, k.quantity, json_extract(r.attributes, '$.metadata.reorder_point'), "
            "json_extract(r.attributes, '$.metadata.target_level'), r.pending FROM stock_item_keys AS k "
            "JOIN records AS r ON r.rowid = k.item WHERE k.sku = ? AND k.deleted = 0",
            (sku_id,),
        )
        reserved = self.reserved_of([str(row[0]) for row in rows])
        return [
            StockRow(str(i), sku_id, loc, _int(q), reserved.get(str(i), 0), point, target, bool(pending))
            for i, loc, q, point, target, pending in rows
        ]

    def reserved_of(self, item_ids: Sequence[str]) -> dict[str, int]:
        """Reserved quantity per stock item, for these items only (the ``reserved_by_stock_item`` index)."""
        if not item_ids:
            return {}
        rows = self._rows(
            "SELECT json_extract(relationships, '$.stock_item'), sum(json_extract(attributes, '$.quantity')) "
            "FROM records WHERE type = 'reserved_stocks' AND deleted = 0 "
            "AND json_extract(relationships, '$.stock_item') IN (SELECT value FROM json_each(?)) GROUP BY 1",
            (_ids(item_ids),),
        )
        return {str(item): _int(total) for item, total in rows}

    # -- every stock item ---------------------------------------------------------------------------------------

    def reserved_by_item(self) -> dict[str, int]:
        """Reserved quantity of every stock item that has any (reserved stock is a few rows per thousand items)."""
        rows = self._rows(
            "SELECT json_extract(relationships, '$.stock_item'), sum(json_extract(attributes, '$.quantity')) "
            "FROM records WHERE type = 'reserved_stocks' AND deleted = 0 GROUP BY 1"
        )
        return {str(item): _int(total) for item, total in rows if item is not None}

    def location_totals(self) -> list[LocationTotalsRow]:
        """Units, stock items and distinct SKUs per stock location, summed from the index alone."""
        rows = self._rows(
            "SELECT json_extract(relationships, '$.stock_location'), "
            "total(json_extract(attributes, '$.quantity')), count(*), "
            "count(DISTINCT json_extract(relationships, '$.sku')) "
            "FROM records INDEXED BY stock_item_figures WHERE type = 'stock_items' AND deleted = 0 GROUP BY 1"
        )
        return [LocationTotalsRow(loc, int(q), int(n), int(s)) for loc, q, n, s in rows]

    def sku_count(self) -> int:
        """SKUs in the catalogue (counted in the ``skus_by_code`` index)."""
        rows = self._rows("SELECT count(*) FROM records INDEXED BY skus_by_code WHERE type = 'skus' AND deleted = 0")
        return int(rows[0][0])

    def reserved_by_location(self) -> dict[str | None, int]:
        """Reserved quantity per stock location (one indexed look-up of the item per reserved stock)."""
        rows = self._rows(
            "SELECT json_extract(i.relationships, '$.stock_location'), sum(json_extract(r.attributes, '$.quantity')) "
            "FROM records AS r JOIN records AS i ON i.type = 'stock_items' AND i.deleted = 0 "
            "AND i.id = json_extract(r.relationships, '$.stock_item') "
            "WHERE r.type = 'reserved_stocks' AND r.deleted = 0 GROUP BY 1"
        )
        return {loc: _int(total) for loc, total in rows}

    def candidates(self, location_ids: Sequence[str] | None = None) -> list[Candidate]:
        """Stock items that may be at or below a reorder point: those with a threshold of their own or of their
        SKU whose quantity is at or below one of them (a threshold stored as text always qualifies: SQLite ranks
        text above numbers), and those with reserved stock. A superset: ``desktop_app.inventory.low_stock`` decides,
        with the rules for whole numbers and reserved stock. ``location_ids`` keeps the items of those locations.
        (The aliases differ from the ``sku`` columns: an unqualified name in ``WHERE`` means a column first.)"""
        sql = (
            "WITH sku AS MATERIALIZED (SELECT id, json_extract(attributes, '$.metadata.reorder_point') AS point, "
            "json_extract(attributes, '$.metadata.target_level') AS target "
            f"FROM records INDEXED BY sku_thresholds WHERE {_SKU_THRESHOLDS_WHERE}), "
            "held AS MATERIALIZED (SELECT json_extract(relationships, '$.stock_item') AS item FROM records "
            "WHERE type = 'reserved_stocks' AND deleted = 0) "
            "SELECT i.id, json_extract(i.relationships, '$.sku'), json_extract(i.relationships, '$.stock_location'), "
            "ifnull(json_extract(i.attributes, '$.quantity'), 0) AS on_hand, "
            "json_extract(i.attributes, '$.metadata.reorder_point') AS own_point, "
            "json_extract(i.attributes, '$.metadata.target_level'), sku.point, sku.target "
            "FROM records AS i INDEXED BY stock_item_figures "
            "LEFT JOIN sku ON sku.id = json_extract(i.relationships, '$.sku') "
            "WHERE i.type = 'stock_items' AND i.deleted = 0 AND (own_point IS NOT NULL OR sku.point IS NOT NULL) "
            "AND (on_hand <= own_point OR on_hand <= sku.point OR i.id IN held)"
        )
        params: list[Any] = []
        if location_ids is not None:
            sql += " AND json_extract(i.relationships, '$.stock_location') IN (SELECT value FROM json_each(?))"
            params.append(_ids(location_ids))
        return [
            Candidate(str(i), sku, loc, _int(q), point, target, sku_point, sku_target)
            for i, sku, loc, q, point, target, sku_point, sku_target in self._rows(sql, params)
        ]

    def sku_labels(self, sku_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(code, name) of these SKUs, from the ``skus_by_code`` index alone."""
        wanted = set(sku_ids)
        if not wanted:  # the index is read whole to match ids (12 ms at 50,000 SKUs): none asked, none read
            return {}
        rows = self._rows(
            "SELECT id, json_extract(attributes, '$.code'), json_extract(attributes, '$.name') "
            "FROM records INDEXED BY skus_by_code WHERE type = 'skus' AND deleted = 0 "
            "AND id IN (SELECT value FROM json_each(?))",
            (_ids(wanted),),
        )
        return {str(i): (str(c or ""), str(n or c or i)) for i, c, n in rows}
