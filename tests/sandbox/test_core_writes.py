"""Create, update and delete: catalogue-driven validation, uniqueness, locks, headers and status codes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.core_support import one_error


def body(
    type_: str, attributes: dict[str, Any] | None = None, id_: str | None = None, **rels: str | None
) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type_, "attributes": attributes or {}}
    if id_ is not None:
        data["id"] = id_
    if rels:
        data["relationships"] = {
            name: {"data": None if target is None else {"type": target.split(":")[0], "id": target.split(":")[1]}}
            for name, target in rels.items()
        }
    return {"data": data}


def test_create_a_stock_level_as_the_seed_page_does(api: httpx.Client) -> None:
    sent = body(
        "stock_levels",
        {"priority": "1"},
        inventory_model="inventory_models:ModelEmpty",
        stock_location="stock_locations:LocMilano0",
    )
    response = api.post("stock_levels", json=sent)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["type"] == "stock_levels" and len(data["id"]) == 10
    assert data["attributes"]["priority"] == 1 and data["attributes"]["metadata"] == {}
    assert api.get(f"inventory_stock_locations/{data['id']}").status_code == 200


def test_integer_fields_refuse_text(api: httpx.Client) -> None:
    sent = body(
        "inventory_stock_locations",
        {"priority": "abc"},
        inventory_model="inventory_models:ModelEmpty",
        stock_location="stock_locations:LocMilano0",
    )
    error = one_error(api.post("inventory_stock_locations", json=sent), 422, "VALIDATION_ERROR")
    assert error["source"] == {"pointer": "/data/attributes/priority"}
    assert error["detail"] == "priority - must be an integer"


def test_required_attributes_and_relationships(api: httpx.Client) -> None:
    response = api.post("stock_items", json=body("stock_items", {}))
    assert response.status_code == 422
    pointers = {e["source"]["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/data/attributes/quantity", "/data/relationships/sku", "/data/relationships/stock_location"}
    location = api.post("stock_locations", json=body("stock_locations", {"name": "Nowhere"}))
    assert one_error(location, 422)["source"]["pointer"] == "/data/relationships/address"
    person = api.post(
        "addresses", json=body("addresses", {"line_1": "x", "city": "y", "country_code": "IT", "phone": "1"})
    )
    assert {e["source"]["pointer"] for e in person.json()["errors"]} == {
        "/data/attributes/first_name",
        "/data/attributes/last_name",
    }
    business = {"line_1": "x", "city": "y", "country_code": "IT", "phone": "1", "business": True, "company": "ACME"}
    assert api.post("addresses", json=body("addresses", business)).status_code == 201
    ebook = api.post("skus", json=body("skus", {"code": "GIFTCARD", "name": "Gift card", "do_not_ship": True}))
    assert ebook.status_code == 201, ebook.text
    shipped = api.post("skus", json=body("skus", {"code": "HAT", "name": "Hat"}))
    assert one_error(shipped, 422)["source"]["pointer"] == "/data/relationships/shipping_category"


def test_stock_item_by_sku_code(api: httpx.Client) -> None:
    sent = body(
        "stock_items",
        {"quantity": 3, "sku_code": "BACKPACK00000000BLACKXXX"},
        stock_location="stock_locations:LocLyon000",
    )
    response = api.post("stock_items", json=sent)
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert created["attributes"]["sku_code"] == "BACKPACK00000000BLACKXXX"
    assert api.get(f"stock_items/{created['id']}/sku").json()["data"]["id"] == "SkuBackpk0"
    unknown = api.post(
        "stock_items",
        json=body("stock_items", {"quantity": 1, "sku_code": "NOPE"}, stock_location="stock_locations:LocLyon000"),
    )
    assert one_error(unknown, 422)["source"]["pointer"] == "/data/attributes/sku_code"


def test_one_stock_item_per_sku_and_location_and_one_level_per_model_and_location(api: httpx.Client) -> None:
    twin = body("stock_items", {"quantity": 1}, sku="skus:SkuTshirt0", stock_location="stock_locations:LocMilano0")
    error = one_error(api.post("stock_items", json=twin), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/relationships/sku"
    level = body(
        "stock_levels",
        {"priority": 9},
        inventory_model="inventory_models:ModelEU000",
        stock_location="stock_locations:LocLyon000",
    )
    one_error(api.post("stock_levels", json=level), 422, "VALIDATION_ERROR")
    moved = body("stock_items", id_="ItemBckMil", sku="skus:SkuTshirt0")
    one_error(api.patch("stock_items/ItemBckMil", json=moved), 422, "VALIDATION_ERROR")
    same_code = body(
        "skus", {"code": "TSHIRTMM000000FFFFFFXLXX", "name": "Copy"}, shipping_category="shipping_categories:ShipMerch0"
    )
    assert one_error(api.post("skus", json=same_code), 422)["source"]["pointer"] == "/data/attributes/code"


def test_refused_keys(api: httpx.Client) -> None:
    read_only = body(
        "stock_items",
        {"quantity": 1, "created_at": "2020-01-01T00:00:00Z"},
        sku="skus:SkuMugXXX0",
        stock_location="stock_locations:LocMilano0",
    )
    assert one_error(api.post("stock_items", json=read_only), 400, "PARAM_NOT_ALLOWED")["source"]["pointer"] == (
        "/data/attributes/created_at"
    )
    unknown = body(
        "stock_items",
        {"quantity": 1, "colour": "red"},
        sku="skus:SkuMugXXX0",
        stock_location="stock_locations:LocMilano0",
    )
    one_error(api.post("stock_items", json=unknown), 400, "PARAM_NOT_ALLOWED")
    trigger_on_create = body(
        "stock_items",
        {"quantity": 1, "_validate": True},
        sku="skus:SkuMugXXX0",
        stock_location="stock_locations:LocMilano0",
    )
    one_error(api.post("stock_items", json=trigger_on_create), 400, "PARAM_NOT_ALLOWED")
    status = body("stock_transfers", {"status": "completed"}, id_="TransfDrft")
    one_error(api.patch("stock_transfers/TransfDrft", json=status), 400, "PARAM_NOT_ALLOWED")
    derived = body("stock_items", id_="ItemTshMil", reserved_stock="reserved_stocks:ResTshMil0")
    one_error(api.patch("stock_items/ItemTshMil", json=derived), 400, "PARAM_NOT_ALLOWED")


def test_relationships_to_unknown_ids(api: httpx.Client) -> None:
    sent = body("stock_items", {"quantity": 1}, sku="skus:NoSuchSku0", stock_location="stock_locations:LocMilano0")
    error = one_error(api.post("stock_items", json=sent), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/relationships/sku"
    cleared = body("stock_locations", id_="LocMilano0", address=None)
    assert one_error(api.patch("stock_locations/LocMilano0", json=cleared), 422)["source"]["pointer"] == (
        "/data/relationships/address"
    )


def test_update_changes_updated_at_every_time(api: httpx.Client) -> None:
    stamps = []
    for quantity in (11, 12, 13):
        response = api.patch(
            "stock_items/ItemTshMil", json=body("stock_items", {"quantity": str(quantity)}, id_="ItemTshMil")
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["attributes"]["quantity"] == quantity
        stamps.append(response.json()["data"]["attributes"]["updated_at"])
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert api.get("stock_items/ItemTshMil").json()["data"]["attributes"]["created_at"] == "2018-01-01T12:00:00.000Z"


def test_update_id_rules(api: httpx.Client) -> None:
    other = body("stock_items", {"quantity": 1}, id_="ItemTshBer")
    one_error(api.patch("stock_items/ItemTshMil", json=other), 400, "KEY_NOT_INCLUDED_IN_URL")
    one_error(api.patch("stock_items/ItemTshMil", json=body("stock_items", {"quantity": 1})), 400)
    one_error(api.patch("stock_items/ItemTshMil", json=body("skus", {"quantity": 1}, id_="ItemTshMil")), 400)
    one_error(
        api.patch("stock_items/NoSuchItem", json=body("stock_items", {"quantity": 1}, id_="NoSuchItem")),
        404,
        "RECORD_NOT_FOUND",
    )


def test_delete_and_locks(api: httpx.Client) -> None:
    assert api.delete("addresses/AddrUnused").status_code == 204
    assert api.delete("addresses/AddrUnused").status_code == 404
    one_error(api.delete("addresses/AddrMilano"), 423, "LOCKED")
    one_error(api.delete("skus/SkuTshirt0"), 423, "LOCKED")
    deleted = api.delete("stock_items/ItemMugBer")
    assert deleted.status_code == 204 and deleted.content == b""
    assert ids_of(api, "skus/SkuMugXXX0/stock_items") == []


def ids_of(api: httpx.Client, path: str) -> list[str]:
    return [d["id"] for d in api.get(path).json()["data"]]


def test_reserved_stocks_are_read_only(api: httpx.Client) -> None:
    assert api.get("reserved_stocks").json()["data"][0]["attributes"]["quantity"] == 3
    assert api.get("reserved_stocks/ResTshMil0/stock_item").json()["data"]["id"] == "ItemTshMil"
    response = api.post("reserved_stocks", json=body("reserved_stocks", {}))
    one_error(response, 405)
    assert "GET" in response.headers["allow"]
    one_error(api.patch("reserved_stocks/ResTshMil0", json=body("reserved_stocks", {}, id_="ResTshMil0")), 405)
    one_error(api.delete("reserved_stocks/ResTshMil0"), 405)
    one_error(api.put("stock_items/ItemTshMil", json=body("stock_items", {}, id_="ItemTshMil")), 405)


def test_headers(api: httpx.Client) -> None:
    one_error(api.get("skus", headers={"Accept": "text/html"}), 406, "NOT_ACCEPTABLE")
    assert api.get("skus", headers={"Accept": "*/*"}).status_code == 200
    assert api.get("skus", headers={"Accept": "text/html, application/vnd.api+json"}).status_code == 200
    sent = body("shipping_categories", {"name": "Fragile"})
    one_error(api.post("shipping_categories", json=sent, headers={"Content-Type": "application/json"}), 415)
    one_error(api.post("shipping_categories", content=b"{", headers={"Content-Type": "application/vnd.api+json"}), 400)
    one_error(api.post("shipping_categories", json={"nodata": 1}), 400, "PARAM_MISSING")
    assert api.post("shipping_categories", json=sent).status_code == 201
    for token in (None, "Bearer nonsense", "Bearer a.b.c"):
        headers = {"Authorization": token} if token else {}
        bare = httpx.get(str(api.base_url) + "skus", headers={"Accept": "application/vnd.api+json", **headers})
        one_error(bare, 401, "INVALID_TOKEN")
