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
