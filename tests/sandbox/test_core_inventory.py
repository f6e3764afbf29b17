"""SKU availability on single retrieve, stock transfer states and stock moves, the stock item ``_validate`` trigger."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.core_support import one_error


def patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def test_sku_inventory_counts_the_cutoff_in_priority_order_net_of_reservations(api: httpx.Client) -> None:
    inventory = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]
    # Europe model: Berlin (priority 1), Milan (2) within the cutoff of 2; Lyon (3) is outside.
    assert [level["stock_location"]["code"] for level in inventory["levels"]] == ["BER-01", "MIL-01"]
    assert [level["quantity"] for level in inventory["levels"]] == [5, 10 - 3]
    assert inventory["quantity"] == 12 and inventory["available"] is True
    assert all(level["delivery_lead_times"] == [] for level in inventory["levels"])


def test_sku_inventory_follows_the_cutoff_and_priorities(api: httpx.Client) -> None:
    assert patch(api, "inventory_models/ModelEU000", {"stock_locations_cutoff": 3}).status_code == 200
    assert patch(api, "stock_levels/LevelLyo00", {"priority": 0}).status_code == 200
    inventory = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]
    assert [level["stock_location"]["code"] for level in inventory["levels"]] == ["LYO-01", "BER-01", "MIL-01"]
    assert inventory["quantity"] == 112


def test_availability_of_empty_and_untracked_skus(api: httpx.Client) -> None:
    backpack = api.get("skus/SkuBackpk0").json()["data"]["attributes"]["inventory"]
    assert backpack == {
        "available": False,
        "quantity": 0,
        "levels": [
            {
                "quantity": 0,
                "delivery_lead_times": [],
                "stock_location": {"id": "LocMilano0", "code": "MIL-01", "name": "Milan Central"},
            }
        ],
    }
    ebook = api.get("skus/SkuEbook00").json()["data"]["attributes"]["inventory"]
    assert ebook == {"available": True, "quantity": 0, "levels": []}


def test_validate_trigger_refuses_quantity_below_reserved(api: httpx.Client) -> None:
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 2}).status_code == 200
    error = one_error(patch(api, "stock_items/ItemTshMil", {"quantity": 1, "_validate": True}), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/attributes/quantity"
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 3, "_validate": True}).status_code == 200


def test_transfer_walks_its_states_and_moves_stock_when_completed(api: httpx.Client) -> None:
    steps = [
        ("_upcoming", "upcoming", None),
        ("_picking", "picking", "picking_at"),
        ("_on_hold", "on_hold", "on_hold_at"),
        ("_picking", "picking", "picking_at"),
        ("_in_transit", "in_transit", "in_transit_at"),
        ("_complete", "completed", "completed_at"),
    ]
    for trigger, status, stamp in steps:
        response = patch(api, "stock_transfers/TransfDrft", {trigger: True})
        assert response.status_code == 200, (trigger, response.text)
        attributes = response.json()["data"]["attributes"]
        assert attributes["status"] == status and trigger not in attributes
        if stamp:
            assert attributes[stamp] is not None
    assert api.get("stock_items/ItemTshLyo").json()["data"]["attributes"]["quantity"] == 96
    assert api.get("stock_items/ItemTshBer").json()["data"]["attributes"]["quantity"] == 9
    one_error(patch(api, "stock_transfers/TransfDrft", {"_cancel": True}), 422, "VALIDATION_ERROR")
    one_error(patch(api, "stock_transfers/TransfDrft", {"quantity": 1}), 422, "VALIDATION_ERROR")


def test_transfer_to_a_location_without_the_sku_creates_the_stock_item(api: httpx.Client) -> None:
    sent = {
        "data": {
            "type": "stock_transfers",
            "attributes": {"quantity": 2},
            "relationships": {
                "sku": {"data": {"type": "skus", "id": "SkuMugXXX0"}},
                "origin_stock_location": {"data": {"type": "stock_locations", "id": "LocBerlin0"}},
                "destination_stock_location": {"data": {"type": "stock_locations", "id": "LocLyon000"}},
            },
        }
    }
    created = api.post("stock_transfers", json=sent)
    assert created.status_code == 201, created.text
    transfer = created.json()["data"]
    assert transfer["attributes"]["status"] == "draft"
    path = f"stock_transfers/{transfer['id']}"
    one_error(patch(api, path, {"_complete": True}), 422)  # a draft cannot be completed
    for trigger in ("_upcoming", "_picking", "_in_transit", "_complete"):
        assert patch(api, path, {trigger: True}).status_code == 200
    mugs = api.get("skus/SkuMugXXX0/stock_items", params={"include": "stock_location"}).json()
    by_code = {
        next(i for i in mugs["included"] if i["id"] == d["relationships"]["stock_location"]["data"]["id"])[
            "attributes"
        ]["code"]: d["attributes"]["quantity"]
        for d in mugs["data"]
    }
    assert by_code == {"BER-01": 40, "LYO-01": 2}


def test_transfer_cannot_complete_beyond_the_origin_stock(api: httpx.Client) -> None:
    assert patch(api, "stock_transfers/TransfDrft", {"quantity": 1000}).status_code == 200
    for trigger in ("_upcoming", "_picking", "_in_transit"):
        assert patch(api, "stock_transfers/TransfDrft", {trigger: True}).status_code == 200
    error = one_error(patch(api, "stock_transfers/TransfDrft", {"_complete": True}), 422)
    assert error["source"]["pointer"] == "/data/attributes/_complete"
    assert api.get("stock_items/ItemTshLyo").json()["data"]["attributes"]["quantity"] == 100
    assert api.get("stock_transfers/TransfDrft").json()["data"]["attributes"]["status"] == "in_transit"
    assert (
        patch(api, "stock_transfers/TransfDrft", {"_cancel": True}).json()["data"]["attributes"]["status"]
        == "cancelled"
    )
