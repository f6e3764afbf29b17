"""A sort's first rows and the places of a few rows in it, counted in one index, agree with the whole order."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.store import Cache
from desktop_app.store.ranks import FEW, SMALL, in_order, screen
from desktop_app.store.table_query import Source, TableQuery

QUANTITY = Source("quantity", "attribute", name="quantity")
SKU_CODE = Source("sku.code", "related", name="sku", target="skus", target_attribute="code", text=True)
REFERENCE = Source("reference", "attribute", name="reference", text=True)


@pytest.fixture
def query(tmp_path: Path) -> TableQuery:
    """Ties, names differing only in case, values missing and rows pointing at no SKU: what breaks a count."""
    path = tmp_path / "cache.sqlite3"
    with Cache.open(path) as cache:
        codes = ["bravo", "Alpha", "alpha", "charlie", "Bravo"]
        skus = [
            SimpleNamespace(type="skus", id=f"s{n}", attributes={"code": code}, relationships={})
            for n, code in enumerate(codes)
        ]
        cache.records.store_pages([skus])
        items = [
            SimpleNamespace(
                type="stock_items",
                id=f"item{n:02d}",
                attributes={"quantity": None if n % 7 == 3 else n % 4, "reference": f"r{n}"},
                relationships={"sku": None if n % 9 == 4 else f"s{n % 6}"},
            )
            for n in range(40)
        ]
        cache.records.store_pages([items])
        cache.outbox.queue_delete("e1", "stock_items", "item05")
    return TableQuery(path, "stock_items", [QUANTITY, SKU_CODE, REFERENCE], ["sku"])


@pytest.mark.parametrize("key", ["quantity", "sku.code"])
@pytest.mark.parametrize("descending", [False, True])
def test_places_counted_in_an_index_are_the_places_in_the_whole_order(
    query: TableQuery, key: str, descending: bool
) -> None:
    whole = list(query.order(key, descending))
    assert len(whole) == 39, "the pending delete is not shown"
    for start in range(0, len(whole), FEW):
        rows = whole[start : start + FEW]
        found = screen(query, key, descending, 10, rows)
        assert found is not None
        assert found.first == whole[:10]
        assert found.places == {row: whole.index(row) for row in rows}
    query.close()


def test_an_order_no_index_gives_or_too_many_rows_are_read_whole(query: TableQuery) -> None:
    whole = list(query.order("quantity"))
    assert screen(query, "reference", False, 10, whole[:1]) is None, "no key column: the whole order is read"
    assert screen(query, "quantity", False, 10, whole[: FEW + 1]) is None
    query.close()


@pytest.mark.parametrize("key", [None, "quantity", "sku.code"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_few_rows_put_in_order_by_sql_keep_the_whole_order(
    query: TableQuery, key: str | None, descending: bool
) -> None:
    """A find's few rows sorted in SQL come in the order they have in the whole order (ties, case, empty values)."""
    whole = list(query.order(key, descending))
    for step in (1, 3, 7):
        few = set(whole[::step])
        assert in_order(query, key, descending, few) == [row for row in whole if row in few]
    assert in_order(query, "reference", descending, set(whole[:3])) is None, "no key column: narrowed from the order"
    assert in_order(query, key, descending, set(range(1, SMALL + 2))) is None
    query.close()
