"""Orders and finds of the window's tables in SQL, over a real cache file, following every kind of write."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from desktop_app.store import Cache
from desktop_app.store.table_query import Source, TableQuery

QUANTITY = Source("quantity", "attribute", name="quantity")
SKU_CODE = Source("sku.code", "related", name="sku", target="skus", target_attribute="code", text=True)


def item(number: int, quantity: int | None, sku: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        type="stock_items", id=f"item{number}", attributes={"quantity": quantity}, relationships={"sku": sku}
    )


def test_orders_follow_inserts_updates_and_deletes(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Cache.open(path) as cache:
        skus = [
            SimpleNamespace(type="skus", id=f"s{n}", attributes={"code": code}, relationships={})
            for n, code in enumerate(["bravo", "alpha", "Charlie"])
        ]
        cache.records.store_pages([skus])
        cache.records.store_pages([[item(1, 5, "s0"), item(2, None, "s1"), item(3, 9, "s2"), item(4, 1, None)]])
        query = TableQuery(path, "stock_items", [QUANTITY, SKU_CODE], ["sku"])
        ids = {r.id: r for r in cache.records.find("stock_items")}

        def named(rowids: object) -> list[str]:
            by_rowid = query.rows(rowids).values  # type: ignore[arg-type]
            return [by_rowid[r][0] for r in rowids]  # type: ignore[attr-defined]

        assert named(query.order("quantity")) == ["item4", "item1", "item3", "item2"], "empty values last"
        assert named(query.order("quantity", True)) == ["item3", "item1", "item4", "item2"]
        assert named(query.order("sku.code")) == ["item2", "item1", "item3", "item4"], "by name, no case; none last"
        cache.records.store_pages([[item(1, 50, "s1")]])  # an update through the sync's upsert
        query.changed()
        assert named(query.order("quantity", True)) == ["item1", "item3", "item4", "item2"]
        assert named(query.order("sku.code"))[:2] == sorted(["item1", "item2"])
        cache.records.remove_ids("stock_items", {"item3"})
        query.changed()
        assert named(query.order("quantity")) == ["item4", "item1", "item2"]
        assert query.count() == 3
        assert query.matching([], "ALP") == {query.rowids_of(["item1"])["item1"], query.rowids_of(["item2"])["item2"]}
        assert set(ids) >= {"item1", "item2", "item4"}
        query.close()


def test_related_names_kept_beside_the_keys_follow_their_records(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Cache.open(path) as cache:
        # Items synced before their SKUs: the names arrive with the SKUs.
        cache.records.store_pages([[item(1, 5, "s0"), item(2, 6, "s1"), item(3, 7, "s2"), item(4, 8, "gone")]])
        skus = [
            SimpleNamespace(type="skus", id=f"s{n}", attributes={"code": code}, relationships={})
            for n, code in enumerate(["bravo", "alpha", "Charlie"])
        ]
        cache.records.store_pages([skus])
        query = TableQuery(path, "stock_items", [QUANTITY, SKU_CODE], ["sku"])

        def named(rowids: object) -> list[str]:
            by_rowid = query.rows(rowids).values  # type: ignore[arg-type]
            return [by_rowid[r][0] for r in rowids]  # type: ignore[attr-defined]

        assert named(query.order("sku.code")) == ["item2", "item1", "item3", "item4"]
        assert named(query.order("sku.code", True)) == ["item3", "item1", "item2", "item4"], "no name: last both ways"
        renamed = SimpleNamespace(type="skus", id="s2", attributes={"code": "aardvark"}, relationships={})
        cache.records.store_pages([[renamed]])
        assert named(query.order("sku.code")) == ["item3", "item2", "item1", "item4"], "a renamed SKU moves its items"
        cache.records.remove_ids("skus", {"s1"})
        assert named(query.order("sku.code")) == ["item3", "item1", "item2", "item4"], "a deleted SKU: no name"
        query.close()


def test_the_other_direction_is_read_again_after_a_write(tmp_path: Path) -> None:
    """The whole order of a column is kept, so the other direction reverses it; a write by another connection in
    between (an edit, a sync) makes it read the file again."""
    path = tmp_path / "cache.sqlite3"
    with Cache.open(path) as cache:
        cache.records.store_pages([[item(1, 5, None), item(2, None, None), item(3, 9, None), item(4, 5, None)]])
        query = TableQuery(path, "stock_items", [QUANTITY, SKU_CODE], ["sku"])

        def named(rowids: object) -> list[str]:
            by_rowid = query.rows(rowids).values  # type: ignore[arg-type]
            return [by_rowid[r][0] for r in rowids]  # type: ignore[attr-defined]

        assert named(query.order("quantity")) == ["item1", "item4", "item3", "item2"]
        assert named(query.order("quantity", True)) == ["item3", "item4", "item1", "item2"], "ties reversed too"
        assert named(query.order("quantity")) == ["item1", "item4", "item3", "item2"]
        cache.records.store_pages([[item(3, 1, None)]])
        assert named(query.order("quantity", True)) == ["item4", "item1", "item3", "item2"]
        query.close()
