"""Looking up an import's keys in the cache: only the records whose keys the file names, found in SQLite (a stock
item's SKU and location from its key table), the same rows a read of every key would give."""

from __future__ import annotations

from pathlib import Path

from desktop_app.store import Cache, cache_path
from tests.store.test_cache import Rec, level


def test_only_the_wanted_keys_are_found_and_deleted_records_are_not(tmp_path: Path) -> None:
    with Cache.open(cache_path(tmp_path, "keys")) as cache:
        items = [
            Rec("stock_items", f"i{n}", {"quantity": n}, {"sku": f"S{n % 4}", "stock_location": f"L{n // 4}"})
            for n in range(12)
        ]
        cache.records.store_page(items)
        cache.outbox.queue_delete("e1", "stock_items", "i5")  # S1 at L1: hidden until the server confirms
        names = ("sku", "stock_location")
        wanted = [("S0", "L0"), ("S3", "L2"), ("S1", "L1"), ("S9", "L0"), ("S2", "L1")]
        found = cache.records.keys_among("stock_items", names, wanted)
        everything = {tuple(row[1:]): row[0] for row in cache.records.keys("stock_items", names)}
        assert sorted(tuple(row[1:]) for row in found) == [("S0", "L0"), ("S2", "L1"), ("S3", "L2")]
        assert all(everything[tuple(row[1:])] == row[0] for row in found), "the same row ids as every key's read"
        assert cache.records.keys_among("stock_items", names, []) == []

        cache.records.store_page([level("a", "m", 1), level("b", "m", 2)])  # a type without a key table
        levels = cache.records.keys_among("inventory_stock_locations", ("inventory_model",), [("m",), ("x",)])
        assert len(levels) == 2 and {row[1] for row in levels} == {"m"}
