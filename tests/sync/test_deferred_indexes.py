"""A first full sync of a large listing builds the type's indexes after its rows (``store.indexes``): the cache
answers the same meanwhile and after, and a sync cut short at any point, even while building, leaves every index
built by the next one."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache, cache_path, database
from desktop_app.store.indexes import DEFER_PAGES, IndexStore
from desktop_app.store.stock_figures import StockFigures
from desktop_app.sync import Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of

#: Small pages so the demo seed's stock items make a listing long enough to be deferred.
PAGE_SIZE = 5


def indexes(cache: Cache) -> set[str]:
    rows = cache.database.connection.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
    return {str(row[0]) for row in rows}


def answers(cache: Cache) -> dict[str, Any]:
    """What the window and the commands ask of the stock items, through the indexes deferred when present."""
    db = cache.database.connection
    sku = db.execute("SELECT k_sku FROM records WHERE type = 'stock_items' ORDER BY id LIMIT 1").fetchone()[0]
    with StockFigures(cache.path) as figures:
        totals = sorted(map(repr, figures.location_totals()))
    return {
        "of_sku": sorted(r.id for r in cache.records.find("stock_items", where={"sku": sku})),
        "by_quantity": db.execute(
            "SELECT r.id FROM stock_item_keys AS k JOIN records AS r ON r.rowid = k.item WHERE k.deleted = 0 "
            "ORDER BY k.quantity, r.id"
        ).fetchall(),
        "by_sku_code": db.execute(
            "SELECT count(*), count(DISTINCT sku_code), min(sku_code) FROM stock_item_keys WHERE deleted = 0"
        ).fetchone(),
        "totals": totals,
        "count": cache.records.count("stock_items"),
    }


@pytest.mark.asyncio
async def test_a_first_large_listing_builds_its_indexes_after_its_rows(
    fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    plain = Cache.open(cache_path(tmp_path, "plain"))
    deferring = Cache.open(cache_path(tmp_path, "deferring"))
    every = indexes(deferring)
    seen: list[tuple[set[str], list[str]]] = []

    def midway(resource: str, done: int, total: int | None) -> None:
        if resource == "stock_items" and total and 0 < done < total and not seen:
            seen.append((indexes(deferring), deferring.indexes.deferred("stock_items")))
            assert answers(deferring)["count"] == done  # the window still lists what arrived, without them

    try:
        async with client_of(fresh_sandbox) as client:
            await Syncer(plain, client).sync(["skus", "stock_locations", "stock_items"])  # 25 a page: too short
            syncer = Syncer(deferring, client, page_size=PAGE_SIZE)
            await syncer.sync(["skus", "stock_locations"])
            (result,) = await syncer.sync(["stock_items"], progress=midway)
        assert result.total is not None and result.total / PAGE_SIZE >= DEFER_PAGES > result.total / 25
        (during, deferred), *_ = seen
        assert deferred and "stock_item_figures" in deferred and "stock_item_keys_by_quantity" in deferred
        assert during == every - set(deferred)
        assert indexes(deferring) == every and deferring.indexes.deferred("stock_items") == []
        assert indexes(plain) == every
        assert answers(deferring) == answers(plain)
    finally:
        plain.close()
        deferring.close()


@pytest.mark.asyncio
async def test_a_build_cut_short_is_finished_by_the_next_sync(
    fresh_sandbox: SandboxProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache.open(cache_path(tmp_path, "cut"))
    every = indexes(cache)
    created: list[str] = []
    connect = IndexStore._connect

    def interrupted(store: IndexStore) -> sqlite3.Connection:
        """The build's own connection, stopped in its second index as a kill would stop it (rolled back)."""
        db = connect(store)
        db.set_trace_callback(lambda sql: created.append(sql) if sql.startswith("CREATE INDEX IF NOT") else None)
        db.set_progress_handler(lambda: len(created) >= 2, 100)
        return db

    try:
        async with client_of(fresh_sandbox) as client:
            syncer = Syncer(cache, client, page_size=PAGE_SIZE)
            await syncer.sync(["skus", "stock_locations"])
            monkeypatch.setattr(IndexStore, "_connect", interrupted)
            with pytest.raises(sqlite3.OperationalError, match="interrupt"):
                await syncer.sync(["stock_items"])
            monkeypatch.setattr(IndexStore, "_connect", connect)
            missing = cache.indexes.deferred("stock_items")
            assert len(missing) >= 2 and not cache.sync_state.get("stock_items").full_in_progress
            assert indexes(cache) == every - set(missing)
            before = answers(cache)  # answered without them
            (result,) = await syncer.sync(["stock_items"])
        assert result.mode == "incremental"  # the listing had finished: only the indexes were left to build
        assert indexes(cache) == every and cache.indexes.deferred("stock_items") == []
        assert answers(cache) == before
    finally:
        cache.close()


def test_the_build_does_not_hold_the_shared_connection(tmp_path: Path) -> None:
    """Reads of the window go through the cache's shared connection: building takes seconds at a million rows and
    must not keep them waiting (it runs on a connection of its own, in a worker thread)."""
    with Cache.open(cache_path(tmp_path, "shared")) as cache:
        every = indexes(cache)
        assert cache.indexes.defer("stock_items")
        with ThreadPoolExecutor(1) as pool, cache.database.reading():  # the shared connection busy meanwhile
            built = pool.submit(cache.indexes.build, "stock_items").result(timeout=20)
        assert built and indexes(cache) == every


def test_indexes_left_to_build_are_built_before_a_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later schema step may drop or redefine an index: it must find the index as the schema says it is."""
    path = cache_path(tmp_path, "older")
    with Cache.open(path) as cache:
        every = indexes(cache)
        deferred = cache.indexes.defer("stock_items")  # as a first listing killed midway leaves it
        assert "stock_item_keys_by_quantity" in deferred and indexes(cache) == every - set(deferred)
    redefine = (
        "DROP INDEX stock_item_keys_by_quantity; "
        "CREATE INDEX stock_item_keys_by_quantity ON stock_item_keys (deleted, quantity, item)"
    )
    monkeypatch.setattr(database, "MIGRATIONS", (*database.MIGRATIONS, redefine))
    monkeypatch.setattr(database, "SCHEMA_VERSION", database.SCHEMA_VERSION + 1)
    with Cache.open(path) as cache:
        assert indexes(cache) == every and cache.indexes.deferred("stock_items") == []
        assert int(cache.database.connection.execute("PRAGMA user_version").fetchone()[0]) == database.SCHEMA_VERSION
        (sql,) = cache.database.connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'stock_item_keys_by_quantity'"
        )
        assert "quantity, item" in sql[0]
