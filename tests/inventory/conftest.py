"""A small warehouse written into a real cache file: four locations, two inventory models, two SKUs.

Shipping order of "EU" (split shipments, cutoff 2): Berlin (1), Lyon (2, on hold), Milan (3, past the cutoff).
"Pre-orders" (ship from primary, no cutoff stated: 2): Milan and Lyon share priority 5, Milan created first.
Oslo is in no model. SKU ``CODE-1`` (default reorder point 6) is stocked in all four; ``CODE-2`` in Milan and
Berlin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache, cache_path
from tests.store.test_cache import Rec


def stamp(day: int) -> str:
    return f"2024-01-{day:02d}T00:00:00.000Z"


def warehouse_records() -> list[Rec]:
    locations = [
        Rec("stock_locations", "L1", {"name": "Milan", "code": "MIL"}),
        Rec("stock_locations", "L2", {"name": "Berlin", "code": "BER"}),
        Rec("stock_locations", "L3", {"name": "Lyon", "code": "LYO"}),
        Rec("stock_locations", "L4", {"name": "Oslo", "code": None}),
    ]
    models = [
        Rec("inventory_models", "M1", {"name": "EU", "strategy": "split_shipments", "stock_locations_cutoff": 2}),
        Rec("inventory_models", "M2", {"name": "Pre-orders", "strategy": "ship_from_primary"}),
    ]

    def level(record_id: str, pair: tuple[str, str], priority: int, day: int, on_hold: bool = False) -> Rec:
        attributes = {"priority": priority, "on_hold": on_hold, "created_at": stamp(day)}
        links = {"inventory_model": pair[0], "stock_location": pair[1]}
        return Rec("inventory_stock_locations", record_id, attributes, links)

    levels = [
        level("V1", ("M1", "L1"), 3, 1),
        level("V2", ("M1", "L2"), 1, 2),
        level("V3", ("M1", "L3"), 2, 3, on_hold=True),
        level("V4", ("M2", "L3"), 5, 5),
        level("V5", ("M2", "L1"), 5, 4),
    ]
    skus = [
        Rec("skus", "S1", {"code": "CODE-1", "name": "Trail Sock", "metadata": {"reorder_point": 6, "season": "SS25"}}),
        Rec("skus", "S2", {"code": "CODE-2", "name": "Rain Shell", "do_not_track": False, "metadata": {}}),
    ]

    def item(record_id: str, sku: str, location: str, quantity: int, **metadata: Any) -> Rec:
        return Rec(
            "stock_items",
            record_id,
            {"quantity": quantity, "metadata": metadata},
            {"sku": sku, "stock_location": location},
        )

    items = [
        item("I1", "S1", "L1", 10, reorder_point=12.0, target_level=30),
        item("I2", "S1", "L2", 4),
        item("I3", "S1", "L3", 7, reorder_point="abc", bin="A3"),
        item("I4", "S1", "L4", 3),
        item("I5", "S2", "L2", 0, reorder_point=0),
        item("I6", "S2", "L1", 0),
    ]
    reserved = [
        Rec("reserved_stocks", "R1", {"quantity": 4}, {"stock_item": "I2", "sku": "S1"}),
        Rec("reserved_stocks", "R2", {"quantity": 1}, {"stock_item": "I3", "sku": "S1"}),
        Rec("reserved_stocks", "R3", {"quantity": 1}, {"stock_item": "I3", "sku": "S1"}),
    ]
    return [*locations, *models, *levels, *skus, *items, *reserved]


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Cache]:
    cache = Cache.open(cache_path(tmp_path, "warehouse"))
    records = warehouse_records()
    for type_ in dict.fromkeys(r.type for r in records):
        generation = cache.sync_state.begin_full_sync(type_)
        cache.records.store_page([r for r in records if r.type == type_], generation)
        cache.sync_state.finish_full_sync(type_, generation)
    yield cache
    cache.close()
