"""SKU availability on single retrieve and the stock item ``_validate`` trigger (stock transfers: test_transfer_*)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.core_support import one_error


def patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def test_sku_inventory_counts_the_cutoff_in_priority_order_net_of_reservations(api: httpx.Client) -> None:
    inventory = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]
    # Europe model: Berlin (priority 1, 5), Milan (2, 10 less 3 reserved) within the cutoff of 2; Lyon (3) is out.
    # A level names no stock location, as on Commerce Layer: the order and the quantities tell them apart.
    assert inventory["levels"] == [
        {"quantity": 5, "delivery_lead_times": []},
        {"quantity": 7, "delivery_lead_times": []},
    ]
    assert inventory["quantity"] == 12 and inventory["available"] is True
    assert all(level["delivery_lead_times"] == [] for level in inventory["levels"])


def test_sku_inventory_follows_the_cutoff_and_priorities(api: httpx.Client) -> None:
    assert patch(api, "inventory_models/ModelEU000", {"stock_locations_cutoff": 3}).status_code == 200
    assert patch(api, "stock_levels/LevelLyo00", {"priority": 0}).status_code == 200
    inventory = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]
    assert [level["quantity"] for level in inventory["levels"]] == [100, 5, 7]  # Lyon, Berlin, Milan
    assert inventory["quantity"] == 112


def test_availability_of_empty_and_untracked_skus(api: httpx.Client) -> None:
    backpack = api.get("skus/SkuBackpk0").json()["data"]["attributes"]["inventory"]
    assert backpack == {
        "available": False,
        "quantity": 0,
        "levels": [{"quantity": 0, "delivery_lead_times": []}],
    }
    ebook = api.get("skus/SkuEbook00").json()["data"]["attributes"]["inventory"]
    assert ebook == {"available": True, "quantity": 0, "levels": []}


def test_validate_trigger_refuses_quantity_below_reserved(api: httpx.Client) -> None:
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 2}).status_code == 200
    error = one_error(patch(api, "stock_items/ItemTshMil", {"quantity": 1, "_validate": True}), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/attributes/quantity"
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 3, "_validate": True}).status_code == 200
