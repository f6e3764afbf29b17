"""Stock transfers as records over HTTP: create and its validation, list/filter/sort/include, update, delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.core_support import ids, one_error

ROUTE = {"sku": "skus:SkuTshirt0", "origin_stock_location": "stock_locations:LocLyon000"}


def transfer(attributes: dict[str, Any] | None = None, **rels: str | None) -> dict[str, Any]:
    """A create body; relationships as ``name="type:id"``, by default 1 T-shirt from Lyon to Milan."""
    links = {**ROUTE, "destination_stock_location": "stock_locations:LocMilano0", **rels}
    relationships = {
        name: {"data": {"type": target.split(":")[0], "id": target.split(":")[1]}}
        for name, target in links.items()
        if target is not None
    }
    sent = {"quantity": 1} | (attributes or {})
    return {"data": {"type": "stock_transfers", "attributes": sent, "relationships": relationships}}


def create(api: httpx.Client, attributes: dict[str, Any] | None = None, **rels: str | None) -> dict[str, Any]:
    response = api.post("stock_transfers", json=transfer(attributes, **rels))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_create_starts_a_draft_with_a_number(api: httpx.Client) -> None:
    first = create(api, {"quantity": 3, "reference": "R-1"})
    assert first["type"] == "stock_transfers" and len(first["id"]) == 10
    values = first["attributes"]
    assert values["status"] == "draft" and values["quantity"] == 3 and values["reference"] == "R-1"
    assert values["number"] == "1" and values["sku_code"] == "TSHIRTMM000000FFFFFFXLXX"
    assert all(values[stamp] is None for stamp in ("on_hold_at", "picking_at", "in_transit_at", "completed_at"))
    assert values["created_at"] == values["updated_at"] and values["metadata"] == {}
    assert create(api)["attributes"]["number"] == "2"
    assert create(api, {"number": "ST-9"})["attributes"]["number"] == "ST-9"
    assert api.get(f"stock_transfers/{first['id']}").json()["data"]["attributes"] == values


def test_create_by_sku_code(api: httpx.Client) -> None:
    made = create(api, {"sku_code": "MUGXXXXXXXXXXXXXWHITEXXX"}, sku=None)
    linked = api.get(f"stock_transfers/{made['id']}/sku").json()["data"]
    assert linked["id"] == "SkuMugXXX0"


@pytest.mark.parametrize("missing", ["sku", "origin_stock_location", "destination_stock_location"])
def test_create_needs_the_sku_and_both_locations(api: httpx.Client, missing: str) -> None:
    error = one_error(api.post("stock_transfers", json=transfer(**{missing: None})), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == f"/data/relationships/{missing}"
    assert error["detail"] == f"{missing} - must exist"


@pytest.mark.parametrize(
    ("quantity", "detail"),
    [
        (None, "quantity - can't be blank"),
        (0, "quantity - must be greater than or equal to 1"),
        ("many", "quantity - must be an integer"),
    ],
)
def test_create_checks_the_quantity(api: httpx.Client, quantity: Any, detail: str) -> None:
    sent = transfer()
    if quantity is None:
        del sent["data"]["attributes"]["quantity"]
    else:
        sent["data"]["attributes"]["quantity"] = quantity
    error = one_error(api.post("stock_transfers", json=sent), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/attributes/quantity"
    assert error["detail"] == detail


def test_create_refuses_a_transfer_to_where_it_starts(api: httpx.Client) -> None:
    sent = transfer(destination_stock_location="stock_locations:LocLyon000")
    error = one_error(api.post("stock_transfers", json=sent), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/relationships/destination_stock_location"


def test_create_refuses_unknown_records_triggers_and_state(api: httpx.Client) -> None:
    error = one_error(api.post("stock_transfers", json=transfer(sku="skus:NoSuchSku0")), 422)
    assert error["source"]["pointer"] == "/data/relationships/sku"
    for refused in ({"_upcoming": True}, {"status": "completed"}, {"completed_at": "2024-01-01T00:00:00.000Z"}):
        error = one_error(api.post("stock_transfers", json=transfer(refused)), 400, "PARAM_NOT_ALLOWED")
        assert error["source"]["pointer"] == f"/data/attributes/{next(iter(refused))}"
    assert ids(api.get("stock_transfers")) == ["TransfDrft"]


def test_list_filter_sort_and_include(api: httpx.Client) -> None:
    mugs = create(
        api, {"quantity": 7, "number": "T-3"}, sku="skus:SkuMugXXX0", origin_stock_location="stock_locations:LocBerlin0"
    )
    shirts = create(api, {"quantity": 2, "number": "T-2"})
    assert (
        api.patch(
            f"stock_transfers/{shirts['id']}",
            json={"data": {"type": "stock_transfers", "id": shirts["id"], "attributes": {"_upcoming": True}}},
        ).status_code
        == 200
    )
    listed = api.get("stock_transfers")
    assert listed.json()["meta"] == {"record_count": 3, "page_count": 1}
    assert ids(api.get("stock_transfers", params={"sort": "-quantity"})) == [mugs["id"], "TransfDrft", shirts["id"]]
    assert ids(api.get("stock_transfers", params={"sort": "number"})) == ["TransfDrft", shirts["id"], mugs["id"]]
    assert ids(api.get("stock_transfers", params={"filter[q][status_eq]": "upcoming"})) == [shirts["id"]]
    draft_or_upcoming = {"filter[q][status_in]": "draft,upcoming", "sort": "created_at"}
    assert len(ids(api.get("stock_transfers", params=draft_or_upcoming))) == 3
    by_origin = {"filter[q][origin_stock_location_id_eq]": "LocBerlin0"}
    assert ids(api.get("stock_transfers", params=by_origin)) == [mugs["id"]]
    assert ids(api.get("stock_transfers", params={"filter[q][sku_id_eq]": "SkuMugXXX0"})) == [mugs["id"]]
    assert ids(api.get("stock_transfers", params={"filter[q][quantity_gteq]": "4", "sort": "quantity"})) == [
        "TransfDrft",
        mugs["id"],
    ]
    assert ids(
        api.get("stock_transfers", params={"filter[q][number_start]": "T-", "sort": "-number", "page[size]": "2"})
    ) == [mugs["id"], shirts["id"]]
    included = api.get(
        "stock_transfers",
        params={"include": "sku,origin_stock_location,destination_stock_location", "filter[ids]": mugs["id"]},
    ).json()
    relationships = included["data"][0]["relationships"]
    assert relationships["origin_stock_location"]["data"] == {"type": "stock_locations", "id": "LocBerlin0"}
    assert {(i["type"], i["id"]) for i in included["included"]} == {
        ("skus", "SkuMugXXX0"),
        ("stock_locations", "LocBerlin0"),
        ("stock_locations", "LocMilano0"),
    }
    sparse = api.get(f"stock_transfers/{mugs['id']}", params={"fields[stock_transfers]": "status,quantity"}).json()
    assert sparse["data"]["attributes"] == {"status": "draft", "quantity": 7}
    # A location lists the transfers leaving it and those arriving.
    assert ids(api.get("stock_locations/LocBerlin0/stock_transfers")) == ["TransfDrft", mugs["id"]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"sort": "sku_code"}, "INVALID_SORT_CRITERIA"),
        ({"filter[q][weight_eq]": "1"}, "FILTER_NOT_ALLOWED"),
        ({"include": "stock_items"}, "INVALID_INCLUDE"),
    ],
)
def test_list_refuses_what_the_catalogue_does_not_allow(api: httpx.Client, params: dict[str, str], code: str) -> None:
    one_error(api.get("stock_transfers", params=params), 400, code)


def test_update_quantity_reference_and_route_of_a_draft(api: httpx.Client) -> None:
    sent = {
        "data": {
            "type": "stock_transfers",
            "id": "TransfDrft",
            "attributes": {"quantity": 6, "reference": "moved", "metadata": {"why": "restock"}},
            "relationships": {"destination_stock_location": {"data": {"type": "stock_locations", "id": "LocMilano0"}}},
        }
    }
    response = api.patch("stock_transfers/TransfDrft", json=sent, params={"include": "destination_stock_location"})
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["data"]["attributes"]["quantity"] == 6 and document["data"]["attributes"]["reference"] == "moved"
    assert document["included"][0]["id"] == "LocMilano0"
    sent["data"]["relationships"] = {
        "destination_stock_location": {"data": {"type": "stock_locations", "id": "LocLyon000"}}
    }
    error = one_error(api.patch("stock_transfers/TransfDrft", json=sent), 422)
    assert error["source"]["pointer"] == "/data/relationships/destination_stock_location"
    status = {"data": {"type": "stock_transfers", "id": "TransfDrft", "attributes": {"status": "completed"}}}
    one_error(api.patch("stock_transfers/TransfDrft", json=status), 400, "PARAM_NOT_ALLOWED")
    zero = {"data": {"type": "stock_transfers", "id": "TransfDrft", "attributes": {"quantity": 0}}}
    one_error(api.patch("stock_transfers/TransfDrft", json=zero), 422, "VALIDATION_ERROR")


def test_delete(api: httpx.Client) -> None:
    made = create(api)
    assert api.delete(f"stock_transfers/{made['id']}").status_code == 204
    one_error(api.get(f"stock_transfers/{made['id']}"), 404, "RECORD_NOT_FOUND")
    one_error(api.delete(f"stock_transfers/{made['id']}"), 404)
    assert ids(api.get("stock_transfers")) == ["TransfDrft"]
