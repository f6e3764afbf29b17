"""Availability, low stock and the overview read from a real cache file (the warehouse of ``conftest.py``)."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_app.errors import UsageError
from desktop_app.inventory import StockFigures, low_stock, marks_of, overview, sku_availability
from desktop_app.store import Cache


def test_locations_come_in_shipping_order_and_only_the_first_cutoff_count(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        result = sku_availability(figures, "CODE-1")
    eu, pre = result.models
    assert (eu.name, pre.name) == ("EU", "Pre-orders")
    assert [(loc.name, loc.priority, loc.counted) for loc in eu.locations] == [
        ("Berlin", 1, True),
        ("Lyon", 2, True),
        ("Milan", 3, False),
    ]
    assert [loc.name for loc in pre.locations] == ["Milan", "Lyon"], "equal priorities: the older level first"
    assert pre.cutoff == 2 and all(loc.counted for loc in pre.locations), "no cutoff stated: Commerce Layer's 2"


def test_reserved_stock_and_on_hold_locations(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        eu = sku_availability(figures, "CODE-1").models[0]
    berlin, lyon, milan = eu.locations
    assert (berlin.quantity, berlin.reserved, berlin.available) == (4, 4, 0)
    assert (lyon.quantity, lyon.reserved, lyon.available, lyon.on_hold) == (7, 2, 5, True)
    assert (milan.available, milan.counted) == (10, False)
    assert (eu.quantity, eu.reserved, eu.available) == (11, 6, 5), "Milan is past the cutoff"
    assert eu.ships_from is lyon and eu.plan.on_hold, "Berlin's stock is all reserved; Lyon ships, on hold"


def test_each_model_answers_with_its_own_strategy(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        _, pre = sku_availability(figures, "CODE-1").models
        big = sku_availability(figures, "CODE-1", quantity=12)
    assert pre.strategy == "ship_from_primary" and pre.ships_from is not None and pre.ships_from.name == "Milan"
    eu_big, pre_big = big.models
    assert eu_big.plan.ships_from is None or eu_big.plan.short == 7, "only 5 can be sold in EU's counted locations"
    assert pre_big.plan.ships_from == "L1" and pre_big.plan.transfers == (("L3", 2),)


def test_stock_where_no_model_ships_from_and_the_combined_aggregate(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        result = sku_availability(figures, "CODE-1")
    assert [(loc.name, loc.quantity) for loc in result.elsewhere] == [("Oslo", 3)]
    combined = result.combined
    assert [(level.location_id, level.quantity) for level in combined.levels] == [("L2", 0), ("L3", 5), ("L1", 10)]
    assert combined.quantity == 15 and combined.available


def test_a_sku_is_found_by_code_in_any_case_or_by_id_and_a_model_by_id_or_name(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        assert sku_availability(figures, " code-2 ").sku.id == "S2"
        assert sku_availability(figures, "S1").sku.code == "CODE-1"
        only = sku_availability(figures, "CODE-1", only_model="pre-ORDERS")
        assert [m.id for m in only.models] == ["M2"]
        assert [m.id for m in sku_availability(figures, "CODE-1", only_model="M1").models] == ["M1"]
        with pytest.raises(UsageError, match=r"^SKU_CODE - no SKU with code 'NOPE'"):
            sku_availability(figures, "NOPE")
        with pytest.raises(UsageError, match=r"^inventory-model - no inventory model 'US'"):
            sku_availability(figures, "CODE-1", only_model="US")


def test_a_location_without_a_stock_item_is_listed_with_nothing(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        eu = sku_availability(figures, "CODE-2").models[0]
    lyon = next(loc for loc in eu.locations if loc.name == "Lyon")
    assert lyon.stock_item_id is None and (lyon.quantity, lyon.available) == (0, 0)
    assert eu.ships_from is None, "nothing to sell in Berlin or Lyon: split shipments has nowhere to ship from"


def test_low_stock_uses_the_items_own_point_else_the_skus_with_reserved_stock_counted(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        rows = low_stock(figures)
    found = {row.stock_item_id: row for row in rows}
    assert set(found) == {"I1", "I2", "I3", "I4", "I5"}, "I6 has no reorder point anywhere"
    assert (found["I1"].reorder_point, found["I1"].reorder_point_from) == (12, "stock item"), "12.0 is twelve"
    assert (found["I1"].target_level, found["I1"].reorder_quantity) == (30, 20)
    assert (found["I2"].available, found["I2"].reorder_point_from) == (0, "SKU"), "4 on hand, all reserved"
    assert (found["I3"].available, found["I3"].reorder_point) == (5, 6), "'abc' is no reorder point: the SKU's"
    assert found["I5"].reorder_point == 0 and found["I5"].reorder_quantity is None
    assert [row.location_name for row in rows] == sorted(row.location_name for row in rows)
    assert (found["I2"].sku_code, found["I2"].location_name) == ("CODE-1", "Berlin")


def test_low_stock_follows_pending_edits_and_hides_pending_deletes(warehouse: Cache) -> None:
    warehouse.outbox.queue_updates([("stock_items", "I1", {"quantity": 50}, {})], ["e1"])
    warehouse.outbox.queue_updates([("stock_items", "I6", {"metadata": {"reorder_point": 1}}, {})], ["e2"])
    warehouse.outbox.queue_delete("e3", "stock_items", "I4")
    with StockFigures(warehouse.path) as figures:
        ids = {row.stock_item_id for row in low_stock(figures)}
    assert ids == {"I2", "I3", "I5", "I6"}


def test_low_stock_by_location_code_name_or_id_and_by_model(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        for wanted in ("ber", "Berlin", "L2"):
            assert {row.stock_item_id for row in low_stock(figures, location=wanted)} == {"I2", "I5"}
        assert {row.stock_item_id for row in low_stock(figures, model="Pre-orders")} == {"I1", "I3"}
        assert {row.stock_item_id for row in low_stock(figures, location="MIL", model="EU")} == {"I1"}
        with pytest.raises(UsageError, match=r"^location - no stock location 'Paris'"):
            low_stock(figures, location="Paris")


def test_marks_name_low_items_their_skus_and_locations(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        marks = marks_of(low_stock(figures, location="Oslo"))
    assert marks.marks("stock_items", "I4") and not marks.marks("stock_items", "I1")
    assert marks.marks("skus", "S1") and not marks.marks("skus", "S2")
    assert marks.marks("stock_locations", "L4") and not marks.marks("inventory_models", "M1")


def test_overview_figures_per_location(warehouse: Cache) -> None:
    with StockFigures(warehouse.path) as figures:
        result = overview(figures)
    by_name = {row.name: row for row in result.locations}
    assert list(by_name) == ["Berlin", "Lyon", "Milan", "Oslo"]
    berlin = by_name["Berlin"]
    assert (berlin.quantity, berlin.reserved, berlin.available, berlin.skus, berlin.items, berlin.low) == (
        4,
        4,
        0,
        2,
        2,
        2,
    )
    assert (by_name["Milan"].quantity, by_name["Milan"].skus, by_name["Milan"].low) == (10, 2, 1)
    total = result.total
    assert (total.quantity, total.reserved, total.items, total.low, result.catalogue_skus) == (24, 6, 6, 5, 2)
    assert {row.stock_item_id for row in result.low_items} == {"I1", "I2", "I3", "I4", "I5"}


def test_the_figures_come_from_the_index_without_reading_a_row(warehouse: Cache) -> None:
    """The totals and the low-stock scan name the covering index; SQLite's plan says it is used alone."""
    db = sqlite3.connect(warehouse.path)
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT json_extract(relationships, '$.stock_location'), "
        "total(json_extract(attributes, '$.quantity')) FROM records INDEXED BY stock_item_figures "
        "WHERE type = 'stock_items' AND deleted = 0 GROUP BY 1"
    ).fetchall()
    db.close()
    assert any("stock_item_figures" in str(step) for step in plan)
