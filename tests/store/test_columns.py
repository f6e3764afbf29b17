"""Column reads of the cache (what a 100,000-row table opens from): the same rows ``RecordStore.find`` shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.schema import app_type
from desktop_app.store import Cache, cache_path
from desktop_app.store.columns import read_columns, read_names
from tests.store.test_cache import Rec, level

#: A stock item's reserved quantity, as its type's description states it.
(RESERVED,) = app_type("stock_items").totals


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache.open(cache_path(tmp_path, "columns"))


def item(record_id: str, sku: str, quantity: int) -> Rec:
    return Rec("stock_items", record_id, {"quantity": quantity, "sku_code": sku}, {"sku": sku, "stock_location": "L"})


def test_columns_are_the_visible_rows_with_pending_edits_and_deletes_applied(cache: Cache) -> None:
    cache.records.store_page([level("a", "m", 1), level("b", "m", 2), level("c", "m", 3)])
    cache.outbox.queue_updates([("inventory_stock_locations", "b", {"priority": 7, "on_hold": True}, {})], ["e1"])
    cache.outbox.queue_delete("e2", "inventory_stock_locations", "c")
    data = read_columns(
        cache.path,
        "inventory_stock_locations",
        ["priority", "on_hold"],
        ["inventory_model", "stock_location"],
        booleans=frozenset({"on_hold"}),
        order_by="priority",
    )
    visible = cache.records.find("stock_levels", order_by="priority")
    assert data.ids == [r.id for r in visible] == ["a", "b"]
    assert data.attributes == {"priority": [1, 7], "on_hold": [False, True]}
    assert data.relationships == {"inventory_model": ["m", "m"], "stock_location": ["loca", "locb"]}
    assert data.pending == [1], "slots of rows with edits not yet confirmed"
    assert data.total == len(data) == 2


def test_a_limited_read_says_whether_more_rows_exist(cache: Cache) -> None:
    cache.records.store_page([item(f"i{n}", f"S{n}", n) for n in range(5)])
    first = read_columns(cache.path, "stock_items", ["quantity"], ["sku"], limit=3)
    assert len(first) == 3 and first.total == 4, "three shown, and at least one more"
    whole = read_columns(cache.path, "stock_items", ["quantity"], ["sku"], limit=5)
    assert len(whole) == whole.total == 5
    empty = read_columns(cache.path, "skus", ["code"], [])
    assert empty.ids == [] and empty.attributes == {"code": []} and empty.total == 0


def test_names_that_are_not_field_names_are_refused(cache: Cache) -> None:
    with pytest.raises(ValueError, match="not a field name"):
        read_columns(cache.path, "stock_items", ["quantity') FROM records --"], [])


def test_names_and_reserved_quantities_come_back_as_json_documents(cache: Cache) -> None:
    skus: list[Any] = [Rec("skus", "s1", {"code": "TSHIRT-M", "name": "T-shirt"}), Rec("skus", "s2", {"code": "CAP"})]
    skus.append(Rec("skus", "s3", {"code": "MUG"}))
    reserved = [Rec("reserved_stocks", f"r{n}", {"quantity": q}, {"stock_item": "i1"}) for n, q in enumerate((2, 3))]
    cache.records.store_page([*skus, *reserved, Rec("reserved_stocks", "r9", {"quantity": 4}, {"stock_item": None})])
    cache.outbox.queue_delete("e1", "skus", "s2")
    cache.records.store_page([Rec("addresses", "a1", {"city": "Lyon", "country_code": "FR", "line_1": "1 Rue"})])
    named = [("skus", ("name", "code")), ("stock_locations", ("code", "name")), ("addresses", ("city", "country_code"))]
    texts = read_names(cache.path, named, [RESERVED])
    assert len(texts) == 7, "one document per naming attribute of each type, then one per total"
    sku_names, sku_codes, location_codes, location_names, cities, countries, totals = (
        json.loads(text or "{}") for text in texts
    )
    assert sku_names == {"s1": "T-shirt"}, "a SKU without a name is left out of the names; a pending delete hides"
    assert sku_codes == {"s1": "TSHIRT-M", "s3": "MUG"}
    assert location_codes == location_names == {}
    assert (cities, countries) == ({"a1": "Lyon"}, {"a1": "FR"}), "each type read by its own naming attributes"
    assert totals == {"i1": 5}, "summed per stock item; rows pointing nowhere left out"


def test_names_kept_in_indexed_columns_are_read_from_their_index_alone(cache: Cache) -> None:
    """A million-item cache holds 100,000 SKUs: their codes and names are read from the indexes on those columns,
    never from each SKU's JSON (which took a core for a third of a second while the window started)."""
    import sqlite3

    from desktop_app.store.columns import _named

    db = sqlite3.connect(cache.path)
    try:
        for attribute in ("code", "name"):
            plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN SELECT " + _named("skus", attribute)))
            assert f"USING INDEX records_by_{attribute}" in plan, plan
    finally:
        db.close()


def test_a_screenful_can_carry_related_names_and_reserved_quantities(cache: Cache) -> None:
    sku = Rec("skus", "S1", {"code": "TSHIRT-M", "name": "T-shirt"})
    held = [Rec("reserved_stocks", f"r{n}", {"quantity": q}, {"stock_item": "i1"}) for n, q in enumerate((2, 3))]
    cache.records.store_page([sku, item("i1", "S1", 10), item("i2", "S9", 4), *held])
    cache.outbox.queue_delete("e1", "reserved_stocks", "r1")  # a reservation deleted here no longer holds stock
    data = read_columns(
        cache.path,
        "stock_items",
        ["quantity"],
        ["sku"],
        related=[("sku", "skus", "code"), ("sku", "skus", "name")],
        totals=[RESERVED],
        order_by="quantity",
    )
    assert data.ids == ["i2", "i1"]
    assert data.related == {"sku.code": [None, "TSHIRT-M"], "sku.name": [None, "T-shirt"]}, "S9 is not cached"
    assert data.totals == {"reserved": [0, 2]}
    plain = read_columns(cache.path, "stock_items", ["quantity"], ["sku"])
    assert plain.related == {} and plain.totals == {}
    with pytest.raises(ValueError, match="not a field name"):
        read_columns(cache.path, "stock_items", [], [], related=[("sku", "skus' OR 1=1 --", "code")])


def test_a_stream_reads_every_visible_record_in_id_order_a_batch_at_a_time(tmp_path: Path) -> None:
    """An export of a million rows reads them a batch at a time: each batch starts after the last id of the one
    before, and together they are what ``find`` returns (pending deletes hidden)."""
    from types import SimpleNamespace

    with Cache.open(tmp_path / "stream.sqlite3") as cache:
        records = [
            SimpleNamespace(type="stock_items", id=f"item{n:02d}", attributes={"quantity": n}, relationships={})
            for n in (7, 3, 11, 1, 5)
        ]
        cache.records.store_pages([records])
        streamed = cache.records.stream("stock_items", batch=2)
        first = next(streamed)
        assert first.id == "item01"
        assert [first.id, *(r.id for r in streamed)] == [r.id for r in cache.records.find("stock_items")]
        assert [r.id for r in cache.records.stream("stock_items", batch=5)] == [
            "item01",
            "item03",
            "item05",
            "item07",
            "item11",
        ]
