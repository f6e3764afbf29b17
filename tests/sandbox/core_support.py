"""Fixtures for the sandbox's own black-box tests: a small, fixed company served over real HTTP on 127.0.0.1.

The data is private to these tests (not the demo seed) so every expectation can be worked out by hand: which stock
item has a reservation, which stock levels fall inside a model's cutoff, which address nothing uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop_app.sandbox import RunningSandbox, start_background
from desktop_app.sandbox.errors import COMMERCE_LAYER_CODES

JSONAPI = "application/vnd.api+json"
T0 = "2018-01-01T12:00:00.000Z"


def _rec(id_: str, attributes: dict[str, Any], relationships: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": id_,
        "attributes": {"created_at": T0, "updated_at": T0, **attributes},
        "relationships": relationships or {},
    }


def small_company() -> dict[str, list[dict[str, Any]]]:
    """Three warehouses, four SKUs, two inventory models; ids are readable on purpose."""
    address = {"city": "Milano", "country_code": "IT", "phone": "+39 02 1", "first_name": "Ada", "last_name": "Rossi"}
    return {
        "addresses": [
            _rec("AddrMilano", {**address, "line_1": "Via Roma 1", "zip_code": "20100"}),
            _rec("AddrBerlin", {**address, "line_1": "Lahnstr 2", "city": "Berlin", "country_code": "DE"}),
            _rec("AddrLyon00", {**address, "line_1": "Rue 3", "city": "Lyon", "country_code": "FR"}),
            _rec("AddrUnused", {**address, "line_1": "Nowhere 4", "city": "Oslo", "country_code": "NO"}),
        ],
        "stock_locations": [
            _rec("LocMilano0", {"name": "Milan Central", "code": "MIL-01", "number": 1}, {"address": "AddrMilano"}),
            _rec("LocBerlin0", {"name": "Berlin Hub", "code": "BER-01", "number": 2}, {"address": "AddrBerlin"}),
            _rec("LocLyon000", {"name": "Lyon Depot", "code": "LYO-01", "number": 3}, {"address": "AddrLyon00"}),
        ],
        "shipping_categories": [_rec("ShipMerch0", {"name": "Merchandise", "code": "merch"})],
        "skus": [
            _rec(
                "SkuTshirt0",
                {"code": "TSHIRTMM000000FFFFFFXLXX", "name": "T-shirt XL", "metadata": {"color": "white"}},
                {"shipping_category": "ShipMerch0"},
            ),
            _rec(
                "SkuBackpk0",
                {"code": "BACKPACK00000000BLACKXXX", "name": "Backpack Black", "metadata": {}},
                {"shipping_category": "ShipMerch0"},
            ),
            _rec(
                "SkuMugXXX0",
                {"code": "MUGXXXXXXXXXXXXXWHITEXXX", "name": "Coffee mug", "description": "Ceramic"},
                {"shipping_category": "ShipMerch0"},
            ),
            _rec(
                "SkuEbook00",
                {"code": "EBOOK0000000000000000000", "name": "E-book", "do_not_ship": True, "do_not_track": True},
            ),
        ],
        "inventory_models": [
            _rec("ModelEU000", {"name": "Europe", "strategy": "split_shipments", "stock_locations_cutoff": 2}),
            _rec("ModelEmpty", {"name": "Unused model", "strategy": "no_split"}),
        ],
        "inventory_stock_locations": [
            _rec(
                "LevelMil00",
                {"priority": "2", "on_hold": False},
                {"inventory_model": "ModelEU000", "stock_location": "LocMilano0"},
            ),
            _rec(
                "LevelBer00",
                {"priority": 1, "on_hold": False},
                {"inventory_model": "ModelEU000", "stock_location": "LocBerlin0"},
            ),
            _rec(
                "LevelLyo00",
                {"priority": 3, "on_hold": True},
                {"inventory_model": "ModelEU000", "stock_location": "LocLyon000"},
            ),
        ],
        "stock_items": [
            _rec(
                "ItemTshMil",
                {"quantity": 10, "reference": "A-1"},
                {"sku": "SkuTshirt0", "stock_location": "LocMilano0"},
            ),
            _rec(
                "ItemTshBer",
                {"quantity": 5, "metadata": {"bin": "B2", "zone": {"aisle": 3}}},
                {"sku": "SkuTshirt0", "stock_location": "LocBerlin0"},
            ),
            _rec("ItemTshLyo", {"quantity": 100}, {"sku": "SkuTshirt0", "stock_location": "LocLyon000"}),
            _rec(
                "ItemBckMil", {"quantity": 0, "reference": "B-9"}, {"sku": "SkuBackpk0", "stock_location": "LocMilano0"}
            ),
            _rec("ItemMugBer", {"quantity": 42}, {"sku": "SkuMugXXX0", "stock_location": "LocBerlin0"}),
        ],
        "reserved_stocks": [_rec("ResTshMil0", {"quantity": 3}, {"stock_item": "ItemTshMil", "sku": "SkuTshirt0"})],
        "stock_transfers": [
            _rec(
                "TransfDrft",
                {"quantity": 4, "status": "draft", "number": "T-1"},
                {
                    "sku": "SkuTshirt0",
                    "origin_stock_location": "LocLyon000",
                    "destination_stock_location": "LocBerlin0",
                },
            ),
        ],
    }


def token_for(server: RunningSandbox) -> str:
    body = {"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret}
    response = httpx.post(server.token_url, json=body, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def client_for(server: RunningSandbox, token: str | None = None) -> httpx.Client:
    headers = {"Accept": JSONAPI, "Content-Type": JSONAPI, "Authorization": f"Bearer {token or token_for(server)}"}
    return httpx.Client(base_url=server.api_url + "/", headers=headers, timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[RunningSandbox]:
    running = start_background(seed="empty", records=small_company())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def module_token(server: RunningSandbox) -> str:
    return token_for(server)


@pytest.fixture
def api(server: RunningSandbox, module_token: str) -> Iterator[httpx.Client]:
    """A JSON:API client on a freshly reset sandbox."""
    httpx.post(server.url + "/_sandbox/reset", timeout=10).raise_for_status()
    with client_for(server, module_token) as client:
        yield client


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def one_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The single error of an error document, after checking the shape every error shares."""
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert errors, response.text
    first: dict[str, Any] = errors[0]
    assert first["status"] == str(status)
    assert {"title", "detail", "code", "status", "meta"} <= set(first)
    assert first["code"] in COMMERCE_LAYER_CODES, f"{first['code']} is not one of Commerce Layer's codes"
    if code is not None:
        assert first["code"] == code, first
    return first
