"""A stock item's SKU, location and quantity are looked up, counted and filtered through its key table's indexes
(``store.keys``): the records table keeps no index of its own on them (migration 15 dropped the copies), so every
such question must still be answered by an index, never a pass over a million rows, and answer as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.schema import get_resource, parse_filter_key
from desktop_app.store import SCHEMA_VERSION, Cache, cache_path
from desktop_app.store.stock_figures import StockFigures
from desktop_app.store.table_query import TableQuery
from tests.store.test_cache import Rec
from tests.store.test_documents import migrate_to

DROPPED = {"items_by_sku", "items_by_stock_location", "items_by_quantity"}
#: (id, sku, location, quantity, reference) of the stock items stored.
ITEMS = [(f"i{n}", f"S{n % 4}", f"L{n // 4}", n % 5, "ref-a" if n % 3 == 0 else None) for n in range(24)]


def stored(cache: Cache) -> None:
    cache.records.store_page(
        [
            Rec("stock_items", i, {"quantity": q, "reference": r}, {"sku": s, "stock_location": loc})
            for i, s, loc, q, r in ITEMS
        ]
    )


def rowids(cache: Cache, ids: Iterator[str] | list[str]) -> set[int]:
    marks = ",".join("?" * len(ids := list(ids)))
    rows = cache.database.connection.execute(
        f"SELECT rowid FROM records WHERE type = 'stock_items' AND id IN ({marks})", ids
    ).fetchall()
    return {int(row[0]) for row in rows}


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement run on a connection opened from now on, with its values (SQLite's expanded text)."""
    seen: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(seen.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return seen


def scans(path: Path, sql: str) -> list[str]:
    """The steps of ``sql``'s plan that read a whole table or a whole type (every stock item through the key
    index) instead of the rows an index names."""
    db = sqlite3.connect(path)
    try:
        plan = [str(row[3]) for row in db.execute("EXPLAIN QUERY PLAN " + sql)]
    finally:
        db.close()
    return [step for step in plan if (step.startswith("SCAN") and "json_each" not in step) or "(type=?)" in step]


def test_lookups_of_a_stock_items_keys_read_the_key_tables_indexes(tmp_path: Path, statements: list[str]) -> None:
    path = cache_path(tmp_path, "keys")
    with Cache.open(path) as cache:
        stored(cache)
        cache.outbox.queue_delete("e1", "stock_items", "i5")  # hidden until the server confirms
        names = {row[0] for row in cache.database.connection.execute("SELECT name FROM sqlite_master")}
        assert not names & DROPPED
        visible = [item for item in ITEMS if item[0] != "i5"]
        del statements[:]

        assert sorted(r.id for r in cache.records.find("stock_items", where={"sku": "S1"})) == sorted(
            i for i, s, *_ in visible if s == "S1"
        )
        found = cache.records.find("stock_items", where={"stock_location": "L1", "quantity": [1, 2]})
        assert sorted(r.id for r in found) == sorted(i for i, _, loc, q, _ in visible if loc == "L1" and q in (1, 2))
        assert cache.records.count("stock_items", where={"stock_location": "L1"}) == 3  # i5 hidden
        assert cache.records.count("stock_items", where={"quantity": 0, "reference": "ref-a"}) == len(
            [i for i, _, _, q, r in visible if q == 0 and r == "ref-a"]
        )
        assert cache.records.find("stock_items", where={"sku": None}) == []
        at = cache.counts.item_at("S2", "L0")
        assert at is not None and (at.id, at.quantity) == ("i2", 2)
        assert sorted((ref.id, ref.sku_id, ref.quantity) for ref in cache.counts.items_at("L2")) == sorted(
            (i, s, q) for i, s, loc, q, _ in ITEMS if loc == "L2"
        )
        with StockFigures(path) as figures:
            rows = figures.stock_of_sku("S3")
        assert sorted((row.id, row.location_id, row.quantity) for row in rows) == sorted(
            (i, loc, q) for i, s, loc, q, _ in visible if s == "S3"
        )

        query = TableQuery(path, "stock_items", [], ["sku"])
        resource = get_resource("stock_items")

        def matching(**filters: Any) -> set[int] | None:
            return query.matching([(parse_filter_key(resource, key), value) for key, value in filters.items()])

        try:
            assert matching(sku_id_eq="S0") == rowids(cache, [i for i, s, *_ in visible if s == "S0"])
            assert matching(quantity_gt=2, stock_location_id_in=["L0", "L3"]) == rowids(
                cache, [i for i, _, loc, q, _ in visible if q > 2 and loc in ("L0", "L3")]
            )
            # A condition on a value the key table does not hold: the rows, narrowed by the key table's answer.
            assert matching(reference_eq="ref-a", quantity_lt=2) == rowids(
                cache, [i for i, _, _, q, r in visible if r == "ref-a" and q < 2]
            )
        finally:
            query.close()

    asked = [
        sql for sql in statements if sql.startswith("SELECT") and ("'stock_items'" in sql or "stock_item_keys" in sql)
    ]
    assert len(asked) >= 10, asked
    for sql in asked:
        if "reference" not in sql:  # a reference's partial index holds only items that have one
            assert scans(path, sql) == [], sql


def test_a_schema_14_file_drops_the_copies_and_answers_the_same(tmp_path: Path) -> None:
    path = cache_path(tmp_path, "older")
    db = sqlite3.connect(path, isolation_level=None)
    migrate_to(db, 14)
    for i, s, loc, q, r in ITEMS:
        db.execute(
            "INSERT INTO records (type, id, attributes, relationships, seen_at) VALUES ('stock_items', ?, ?, ?, 'x')",
            (
                i,
                f'{{"quantity": {q}, "reference": {"null" if r is None else chr(34) + r + chr(34)}}}',
                f'{{"sku": "{s}", "stock_location": "{loc}"}}',
            ),
        )
    assert {row[0] for row in db.execute("SELECT name FROM sqlite_master")} >= DROPPED
    db.close()
    with Cache.open(path) as cache:
        assert int(cache.database.connection.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
        names = {row[0] for row in cache.database.connection.execute("SELECT name FROM sqlite_master")}
        assert not names & DROPPED and "stock_item_keys_by_sku" in names
        assert sorted(r.id for r in cache.records.find("stock_items", where={"sku": "S2"})) == sorted(
            i for i, s, *_ in ITEMS if s == "S2"
        )
        assert cache.records.count("stock_items", where={"quantity": 4}) == len([1 for *_, q, _ in ITEMS if q == 4])
