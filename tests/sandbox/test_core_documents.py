"""Reads: document shape, links, paging, sort, include, sparse fieldsets, nested endpoints, both stock-level paths."""

from __future__ import annotations

import re

import httpx

from tests.sandbox.core_support import ids, one_error

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_retrieve_has_the_seed_pages_shape(api: httpx.Client) -> None:
    response = api.get("stock_items/ItemTshMil")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    data = response.json()["data"]
    base = str(api.base_url).rstrip("/")
    assert data["id"] == "ItemTshMil" and len(data["id"]) == 10
    assert data["type"] == "stock_items"
    assert data["links"] == {"self": f"{base}/stock_items/ItemTshMil"}
    attributes = data["attributes"]
    assert attributes["quantity"] == 10 and attributes["sku_code"] == "TSHIRTMM000000FFFFFFXLXX"
    assert STAMP.match(attributes["created_at"]) and STAMP.match(attributes["updated_at"])
    assert "_validate" not in attributes and "id" not in attributes
    sku = data["relationships"]["sku"]
    assert sku == {
        "links": {
            "self": f"{base}/stock_items/ItemTshMil/relationships/sku",
            "related": f"{base}/stock_items/ItemTshMil/sku",
        }
    }
    assert set(data["relationships"]) == {"reserved_stock", "sku", "stock_location", "versions"}
    assert data["meta"]["mode"] == "test" and {"organization_id", "trace_id"} <= set(data["meta"])


def test_links_use_the_host_the_client_called(api: httpx.Client) -> None:
    response = api.get("skus/SkuMugXXX0", headers={"Host": "acme.example:8443"})
    assert response.json()["data"]["links"]["self"] == "http://acme.example:8443/api/skus/SkuMugXXX0"


def test_paging_links_and_counts(api: httpx.Client) -> None:
    first = api.get("stock_items", params={"page[size]": 2})
    body = first.json()
    assert body["meta"] == {"record_count": 5, "page_count": 3}
    assert ids(first) == ["ItemTshMil", "ItemTshBer"]
    assert set(body["links"]) == {"first", "next", "last"}
    assert "page%5Bnumber%5D=2" in body["links"]["next"] and "page%5Bsize%5D=2" in body["links"]["next"]
    second = httpx.get(body["links"]["next"], headers=api.headers)
    assert ids(second) == ["ItemTshLyo", "ItemBckMil"]
    assert set(second.json()["links"]) == {"first", "prev", "next", "last"}
    last = httpx.get(body["links"]["last"], headers=api.headers)
    assert ids(last) == ["ItemMugBer"] and set(last.json()["links"]) == {"first", "prev", "last"}
    default = api.get("skus")
    assert len(ids(default)) == 4 and "page%5Bsize%5D=10" in default.json()["links"]["first"]


def test_paging_keeps_other_parameters_in_links(api: httpx.Client) -> None:
    body = api.get("stock_items", params={"page[size]": 1, "sort": "-quantity"}).json()
    assert "sort=-quantity" in body["links"]["next"]


def test_page_size_and_number_are_checked(api: httpx.Client) -> None:
    assert len(ids(api.get("stock_items", params={"page[size]": 25}))) == 5
    one_error(api.get("stock_items", params={"page[size]": 26}), 400, "INVALID_PAGE_VALUE")
    one_error(api.get("stock_items", params={"page[size]": 0}), 400, "INVALID_PAGE_VALUE")
    one_error(api.get("stock_items", params={"page[number]": "x"}), 400, "INVALID_PAGE_VALUE")
    assert ids(api.get("stock_items", params={"page[number]": 9})) == []


def test_sort_on_sortable_fields_only(api: httpx.Client) -> None:
    assert ids(api.get("stock_items", params={"sort": "-quantity"}))[:2] == ["ItemTshLyo", "ItemMugBer"]
    by_two = ids(api.get("stock_items", params={"sort": "reference,-quantity"}))
    assert by_two[:2] == ["ItemTshMil", "ItemBckMil"]  # A-1, B-9, then the missing references last
    assert by_two[2:] == ["ItemTshLyo", "ItemMugBer", "ItemTshBer"]
    one_error(api.get("stock_items", params={"sort": "sku_code"}), 400, "INVALID_SORT_CRITERIA")
    one_error(api.get("skus", params={"sort": "nonsense"}), 400, "INVALID_SORT_CRITERIA")


def test_include_dotted_paths_fill_data_and_included(api: httpx.Client) -> None:
    body = api.get("stock_items/ItemTshMil", params={"include": "sku.shipping_category,stock_location.address"}).json()
    relationships = body["data"]["relationships"]
    assert relationships["sku"]["data"] == {"type": "skus", "id": "SkuTshirt0"}
    assert "data" not in relationships["reserved_stock"]
    included = {(item["type"], item["id"]) for item in body["included"]}
    assert included == {
        ("skus", "SkuTshirt0"),
        ("shipping_categories", "ShipMerch0"),
        ("stock_locations", "LocMilano0"),
        ("addresses", "AddrMilano"),
    }
    sku = next(item for item in body["included"] if item["type"] == "skus")
    assert sku["relationships"]["shipping_category"]["data"] == {"type": "shipping_categories", "id": "ShipMerch0"}


def test_include_on_lists_and_to_many(api: httpx.Client) -> None:
    body = api.get("skus", params={"include": "stock_items.reserved_stock", "filter[q][code_start]": "TSHIRT"}).json()
    stock_items = body["data"][0]["relationships"]["stock_items"]["data"]
    assert {item["id"] for item in stock_items} == {"ItemTshMil", "ItemTshBer", "ItemTshLyo"}
    assert ("reserved_stocks", "ResTshMil0") in {(i["type"], i["id"]) for i in body["included"]}
    one_error(api.get("skus", params={"include": "prices"}), 400, "INVALID_INCLUDE")


def test_sparse_fieldsets_for_primary_and_included(api: httpx.Client) -> None:
    params = {"fields[stock_items]": "quantity,sku", "fields[skus]": "code", "include": "sku"}
    body = api.get("stock_items/ItemTshMil", params=params).json()
    assert body["data"]["attributes"] == {"quantity": 10}
    assert set(body["data"]["relationships"]) == {"sku"}
    assert body["included"][0]["attributes"] == {"code": "TSHIRTMM000000FFFFFFXLXX"}
    one_error(api.get("stock_items", params={"fields[stock_items]": "bogus"}), 400, "INVALID_FIELD")


def test_both_stock_level_paths_share_records(api: httpx.Client) -> None:
    legacy = api.get("stock_levels", params={"sort": "priority"}).json()
    today = api.get("inventory_stock_locations", params={"sort": "priority"}).json()
    assert (
        [d["id"] for d in legacy["data"]]
        == [d["id"] for d in today["data"]]
        == ["LevelBer00", "LevelMil00", "LevelLyo00"]
    )
    assert {d["type"] for d in legacy["data"]} == {"stock_levels"}
    assert {d["type"] for d in today["data"]} == {"inventory_stock_locations"}
    assert legacy["data"][0]["links"]["self"].endswith("/api/stock_levels/LevelBer00")
    assert legacy["data"][1]["attributes"]["priority"] == 2  # seeded as the string "2"
    changed = api.patch(
        "stock_levels/LevelMil00",
        json={"data": {"type": "stock_levels", "id": "LevelMil00", "attributes": {"priority": 7}}},
    )
    assert changed.status_code == 200, changed.text
    assert api.get("inventory_stock_locations/LevelMil00").json()["data"]["attributes"]["priority"] == 7


def test_inventory_models_expose_stock_levels_under_both_names(api: httpx.Client) -> None:
    model = api.get("inventory_models/ModelEU000", params={"include": "stock_levels"}).json()
    relationships = model["data"]["relationships"]
    assert {"stock_levels", "inventory_stock_locations"} <= set(relationships)
    assert {d["type"] for d in relationships["stock_levels"]["data"]} == {"stock_levels"}
    assert {i["type"] for i in model["included"]} == {"stock_levels"}
    nested = api.get("inventory_models/ModelEU000/stock_levels", params={"sort": "-priority"})
    assert ids(nested) == ["LevelLyo00", "LevelMil00", "LevelBer00"]
    assert {d["type"] for d in nested.json()["data"]} == {"stock_levels"}
    current = api.get("inventory_models/ModelEU000/inventory_stock_locations")
    assert {d["type"] for d in current.json()["data"]} == {"inventory_stock_locations"}


def test_nested_endpoints(api: httpx.Client) -> None:
    sku = api.get("stock_items/ItemTshMil/sku").json()
    assert sku["data"]["id"] == "SkuTshirt0" and sku["data"]["type"] == "skus"
    reserved = api.get("stock_items/ItemTshMil/reserved_stock").json()
    assert reserved["data"]["id"] == "ResTshMil0"
    assert api.get("stock_items/ItemMugBer/reserved_stock").json() == {"data": None}
    listed = api.get("skus/SkuTshirt0/stock_items", params={"page[size]": 2, "sort": "quantity"})
    assert ids(listed) == ["ItemTshBer", "ItemTshMil"]
    assert listed.json()["meta"] == {"record_count": 3, "page_count": 2}
    assert "/api/skus/SkuTshirt0/stock_items?" in listed.json()["links"]["next"]
    filtered = api.get("stock_locations/LocBerlin0/stock_items", params={"filter[q][quantity_gt]": 10})
    assert ids(filtered) == ["ItemMugBer"]
    transfers = api.get("stock_locations/LocLyon000/stock_transfers")
    assert ids(transfers) == ["TransfDrft"]
    one_error(api.get("stock_items/ItemTshMil/nothing"), 404)
    one_error(api.get("stock_items/NoSuchItem/sku"), 404, "RECORD_NOT_FOUND")


def test_relationship_links_answer_with_identifiers(api: httpx.Client) -> None:
    item = api.get("stock_items/ItemTshMil").json()["data"]
    linkage = httpx.get(item["relationships"]["sku"]["links"]["self"], headers=api.headers)
    assert linkage.status_code == 200
    assert linkage.json()["data"] == {"type": "skus", "id": "SkuTshirt0"}
    levels = api.get("inventory_models/ModelEU000/relationships/stock_levels").json()["data"]
    assert {(d["type"], d["id"]) for d in levels} == {
        ("stock_levels", "LevelMil00"),
        ("stock_levels", "LevelBer00"),
        ("stock_levels", "LevelLyo00"),
    }
    assert api.get("stock_items/ItemMugBer/relationships/reserved_stock").json()["data"] is None
    one_error(api.patch("stock_items/ItemTshMil/relationships/sku", json={"data": None}), 405)


def test_single_inventory_only_on_retrieve(api: httpx.Client) -> None:
    listed = api.get("skus").json()["data"]
    assert all(item["attributes"]["inventory"] is None for item in listed)
    assert api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"] is not None


def test_unknown_things_are_refused(api: httpx.Client) -> None:
    one_error(api.get("stock_items/NoSuchItem"), 404, "RECORD_NOT_FOUND")
    one_error(api.get("orders"), 404)
    one_error(api.get("stock_items", params={"colour": "red"}), 400, "PARAM_NOT_ALLOWED")
    one_error(api.get("stock_items/ItemTshMil", params={"page[size]": 2}), 400)
    assert httpx.get(str(api.base_url).replace("/api/", "/nowhere")).status_code == 404


def test_documents_carry_nothing_the_real_api_lacks(api: httpx.Client) -> None:
    """No empty ``relationships`` under a sparse fieldset, no ``stock_levels`` relationship unless a client asks
    for it by that name, no stock location object inside a SKU's inventory levels."""
    sparse = api.get("skus", params={"fields[skus]": "code"}).json()["data"][0]
    assert set(sparse) == {"id", "type", "links", "attributes", "meta"}
    one = api.get("skus/SkuTshirt0", params={"fields[skus]": "code,shipping_category"}).json()["data"]
    assert set(one["relationships"]) == {"shipping_category"}
    for path in ("stock_locations/LocMilano0", "inventory_models/ModelEU000"):
        assert "stock_levels" not in api.get(path).json()["data"]["relationships"], path
    listed = api.get("stock_locations").json()["data"]
    assert all("stock_levels" not in record["relationships"] for record in listed)
    asked = api.get("stock_locations/LocMilano0", params={"fields[stock_locations]": "name,stock_levels"})
    assert set(asked.json()["data"]["relationships"]) == {"stock_levels"}
    levels = api.get("skus/SkuTshirt0").json()["data"]["attributes"]["inventory"]["levels"]
    assert levels and all(set(level) == {"quantity", "delivery_lead_times"} for level in levels)
