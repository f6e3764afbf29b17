"""Stock transfer life cycle over HTTP: every state against every trigger, what holding and completing do to stock.

The expected table is written out here by hand (from Commerce Layer's documented states and the transitions its
dashboard offers), not read from the resource description, so a wrong description fails these tests.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from desktop_app.sandbox.seeds import generate
from desktop_app.schema import get_resource
from tests.sandbox.core_support import one_error

STATES = ("draft", "upcoming", "on_hold", "picking", "in_transit", "completed", "cancelled")
TRIGGERS = ("_upcoming", "_on_hold", "_picking", "_in_transit", "_complete", "_cancel")
LEGAL = {
    ("draft", "_upcoming"): "upcoming",
    ("draft", "_on_hold"): "on_hold",
    ("draft", "_cancel"): "cancelled",
    ("upcoming", "_picking"): "picking",
    ("upcoming", "_on_hold"): "on_hold",
    ("upcoming", "_cancel"): "cancelled",
    ("on_hold", "_picking"): "picking",
    ("on_hold", "_cancel"): "cancelled",
    ("picking", "_on_hold"): "on_hold",
    ("picking", "_in_transit"): "in_transit",
    ("picking", "_cancel"): "cancelled",
    ("in_transit", "_complete"): "completed",
    ("in_transit", "_cancel"): "cancelled",
}
#: Triggers that take the seeded draft transfer (4 T-shirts, Lyon → Berlin) to each state.
PATHS = {
    "draft": (),
    "upcoming": ("_upcoming",),
    "on_hold": ("_upcoming", "_on_hold"),
    "picking": ("_upcoming", "_picking"),
    "in_transit": ("_upcoming", "_picking", "_in_transit"),
    "completed": ("_upcoming", "_picking", "_in_transit", "_complete"),
    "cancelled": ("_cancel",),
}
STAMPS = {
    "on_hold": "on_hold_at",
    "picking": "picking_at",
    "in_transit": "in_transit_at",
    "completed": "completed_at",
    "cancelled": "cancelled_at",
}
TRANSFER = "stock_transfers/TransfDrft"


def patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def attributes(api: httpx.Client, path: str) -> dict[str, Any]:
    response = api.get(path)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]["attributes"]
    return found


def walk(api: httpx.Client, path: str, triggers: tuple[str, ...]) -> None:
    for trigger in triggers:
        response = patch(api, path, {trigger: True})
        assert response.status_code == 200, (trigger, response.text)


def stock(api: httpx.Client) -> dict[str, tuple[int, int]]:
    """(quantity, reserved) of every stock item, by id."""
    page = api.get("stock_items", params={"include": "reserved_stock", "page[size]": "25"}).json()
    reserved = {r["id"]: r["attributes"]["quantity"] for r in page.get("included", [])}
    out = {}
    for item in page["data"]:
        link = item["relationships"]["reserved_stock"]["data"]
        out[item["id"]] = (item["attributes"]["quantity"], reserved[link["id"]] if link else 0)
    return out


def test_the_resource_description_holds_the_same_table() -> None:
    machine = get_resource("stock_transfers").states
    assert machine is not None and machine.field == "status" and machine.initial == "draft"
    described = {(state, t.trigger): t.target for state in STATES for t in machine.allowed(state)}
    assert described == LEGAL
    assert get_resource("stock_transfers").fields["status"].enum == STATES


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_against_every_trigger(api: httpx.Client, state: str, trigger: str) -> None:
    walk(api, TRANSFER, PATHS[state])
    before, stock_before = attributes(api, TRANSFER), stock(api)
    assert before["status"] == state
    response = patch(api, TRANSFER, {trigger: True})
    target = LEGAL.get((state, trigger))
    if target is None:
        error = one_error(response, 422, "VALIDATION_ERROR")
        assert error["source"]["pointer"] == f"/data/attributes/{trigger}"
        assert error["detail"].startswith(f"status - cannot go from {state} to ")
        assert attributes(api, TRANSFER) == before and stock(api) == stock_before
        return
    assert response.status_code == 200, response.text
    returned = response.json()["data"]["attributes"]
    assert returned["status"] == target and trigger not in returned
    assert returned["updated_at"] > before["updated_at"]
    if target in STAMPS:
        assert returned[STAMPS[target]] is not None and returned[STAMPS[target]] >= before["updated_at"]
    assert attributes(api, TRANSFER) == returned


def test_a_switch_sent_as_false_changes_nothing(api: httpx.Client) -> None:
    response = patch(api, TRANSFER, {"_complete": False, "_upcoming": False})
    assert response.status_code == 200 and response.json()["data"]["attributes"]["status"] == "draft"


def test_several_triggers_in_one_request_apply_in_order(api: httpx.Client) -> None:
    response = patch(api, TRANSFER, {"_upcoming": True, "_picking": True, "_in_transit": True})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["status"] == "in_transit"
    assert stock(api)["ItemTshLyo"] == (100, 4)
    one_error(patch(api, TRANSFER, {"_complete": True, "_upcoming": True}), 422)
    assert attributes(api, TRANSFER)["status"] == "in_transit" and stock(api)["ItemTshLyo"] == (100, 4)


def test_completing_moves_the_quantity_between_both_stock_items(api: httpx.Client) -> None:
    assert stock(api)["ItemTshLyo"] == (100, 0) and stock(api)["ItemTshBer"] == (5, 0)
    walk(api, TRANSFER, PATHS["completed"])
    after = stock(api)
    assert after["ItemTshLyo"] == (96, 0) and after["ItemTshBer"] == (9, 0)
    assert api.get("reserved_stocks", params={"filter[q][stock_item_id_eq]": "ItemTshLyo"}).json()["data"] == []


def test_completing_creates_the_destination_stock_item(api: httpx.Client) -> None:
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
    walk(api, f"stock_transfers/{created.json()['data']['id']}", PATHS["completed"])
    mugs = api.get("stock_items", params={"filter[q][sku_id_eq]": "SkuMugXXX0", "include": "stock_location"}).json()
    names = {i["id"]: i["attributes"]["code"] for i in mugs["included"]}
    by_code = {
        names[d["relationships"]["stock_location"]["data"]["id"]]: d["attributes"]["quantity"] for d in mugs["data"]
    }
    assert by_code == {"BER-01": 40, "LYO-01": 2}


def test_cannot_complete_beyond_what_the_origin_holds(api: httpx.Client) -> None:
    walk(api, TRANSFER, PATHS["in_transit"])
    assert patch(api, "stock_items/ItemTshLyo", {"quantity": 3}).status_code == 200
    error = one_error(patch(api, TRANSFER, {"_complete": True}), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/attributes/_complete"
    assert error["detail"] == "quantity - exceeds the origin stock (3)"
    assert attributes(api, TRANSFER)["status"] == "in_transit"
    assert stock(api)["ItemTshLyo"] == (3, 4) and stock(api)["ItemTshBer"] == (5, 0)
    assert patch(api, TRANSFER, {"_cancel": True}).json()["data"]["attributes"]["status"] == "cancelled"
    assert stock(api)["ItemTshLyo"] == (3, 0)


@pytest.mark.parametrize("state", ["picking", "in_transit"])
def test_picking_and_in_transit_reserve_the_quantity_at_the_origin(api: httpx.Client, state: str) -> None:
    walk(api, TRANSFER, PATHS[state])
    assert stock(api)["ItemTshLyo"] == (100, 4)
    reserved = api.get("stock_items/ItemTshLyo/reserved_stock").json()["data"]
    assert reserved["attributes"]["quantity"] == 4
    assert reserved["relationships"]["sku"]["links"]["related"].endswith(f"/reserved_stocks/{reserved['id']}/sku")
    assert api.get(f"reserved_stocks/{reserved['id']}/sku").json()["data"]["id"] == "SkuTshirt0"
    # The SKU's inventory counts Lyon once the cutoff reaches it, net of the reservation.
    assert patch(api, "inventory_models/ModelEU000", {"stock_locations_cutoff": 3}).status_code == 200
    levels = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]["levels"]
    # Levels in priority order: Berlin, Milan (net of its own reservation of 3), then Lyon.
    assert [level["quantity"] for level in levels] == [5, 10 - 3, 100 - 4]


@pytest.mark.parametrize("leave", ["_on_hold", "_cancel", "delete"])
def test_leaving_picking_gives_the_reservation_back(api: httpx.Client, leave: str) -> None:
    walk(api, TRANSFER, PATHS["picking"])
    if leave == "delete":
        assert api.delete(TRANSFER).status_code == 204
    else:
        assert patch(api, TRANSFER, {leave: True}).status_code == 200
    assert stock(api)["ItemTshLyo"] == (100, 0)
    assert api.get("stock_items/ItemTshLyo/reserved_stock").json()["data"] is None


def test_a_reservation_adds_to_what_the_origin_already_holds(api: httpx.Client) -> None:
    """Milan holds 10 T-shirts, 3 of them reserved: a transfer of 5 leaves 2 available, and one of 8 cannot start."""
    sent = {
        "data": {
            "type": "stock_transfers",
            "attributes": {"quantity": 8},
            "relationships": {
                "sku": {"data": {"type": "skus", "id": "SkuTshirt0"}},
                "origin_stock_location": {"data": {"type": "stock_locations", "id": "LocMilano0"}},
                "destination_stock_location": {"data": {"type": "stock_locations", "id": "LocLyon000"}},
            },
        }
    }
    path = f"stock_transfers/{api.post('stock_transfers', json=sent).json()['data']['id']}"
    walk(api, path, ("_upcoming",))
    error = one_error(patch(api, path, {"_picking": True}), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/attributes/_picking"
    assert error["detail"] == "quantity - exceeds the stock available at the origin (7)"
    assert attributes(api, path)["status"] == "upcoming" and stock(api)["ItemTshMil"] == (10, 3)
    assert patch(api, path, {"quantity": 5, "_picking": True}).status_code == 200
    assert stock(api)["ItemTshMil"] == (10, 8)
    inventory = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]
    assert [level["quantity"] for level in inventory["levels"]] == [5, 2] and inventory["quantity"] == 7
    assert patch(api, path, {"quantity": 6}).status_code == 200
    assert stock(api)["ItemTshMil"] == (10, 9)
    error = one_error(patch(api, path, {"quantity": 8}), 422)
    assert error["source"]["pointer"] == "/data/attributes/quantity"
    walk(api, path, ("_in_transit", "_complete"))
    assert stock(api)["ItemTshMil"] == (4, 3) and stock(api)["ItemTshLyo"] == (106, 0)


def test_a_finished_transfer_keeps_its_quantity_and_route(api: httpx.Client) -> None:
    walk(api, TRANSFER, PATHS["completed"])
    for attributes_sent, pointer in (
        ({"quantity": 1}, "/data/attributes/quantity"),
        ({}, "/data/relationships/origin_stock_location"),
    ):
        data: dict[str, Any] = {"type": "stock_transfers", "id": "TransfDrft", "attributes": attributes_sent}
        if not attributes_sent:
            data["relationships"] = {"origin_stock_location": {"data": {"type": "stock_locations", "id": "LocMilano0"}}}
        error = one_error(api.patch(TRANSFER, json={"data": data}), 422, "VALIDATION_ERROR")
        assert error["source"]["pointer"] == pointer and error["detail"].endswith("cannot change once completed")
    assert patch(api, TRANSFER, {"reference": "checked"}).status_code == 200


def test_the_demo_holds_what_its_transfers_on_the_way_reserve() -> None:
    demo = generate("demo")
    items = {(i["relationships"]["sku"], i["relationships"]["stock_location"]): i["id"] for i in demo["stock_items"]}
    reserved = {r["relationships"]["stock_item"]: r["attributes"]["quantity"] for r in demo["reserved_stocks"]}
    quantities = {i["id"]: i["attributes"]["quantity"] for i in demo["stock_items"]}
    on_the_way = [t for t in demo["stock_transfers"] if t["attributes"]["status"] in ("picking", "in_transit")]
    assert on_the_way
    for transfer in on_the_way:
        links = transfer["relationships"]
        item = items[(links["sku"], links["origin_stock_location"])]
        assert transfer["attributes"]["quantity"] <= reserved[item] <= quantities[item]
