"""Which paths the sandbox answers and how: the singletons, everything the catalogue lists, and what it does not."""

from __future__ import annotations

import httpx

from desktop_app.sandbox import RunningSandbox, start_background
from desktop_app.schema import get_resource, singletons
from tests.sandbox.core_support import JSONAPI, client_for, ids, one_error, small_company


def test_organization_and_application_are_served_as_singletons(api: httpx.Client) -> None:
    organization = api.get("organization").json()["data"]
    assert (organization["type"], organization["attributes"]["slug"]) == ("organizations", "stockroom-demo")
    assert organization["attributes"]["name"] == "Stockroom demo"
    assert set(organization["attributes"]) == set(singletons()["organization"].fields) - {"id"}
    application = api.get("application").json()["data"]
    assert application["type"] == "applications"
    assert application["attributes"]["kind"] == "integration"
    assert application["attributes"]["secret"] is None, "the secret is never echoed"
    sparse = api.get("application", params={"fields[applications]": "name,kind"}).json()["data"]["attributes"]
    assert sparse == {"name": "Stockroom sandbox", "kind": "integration"}
    one_error(api.get("application", params={"include": "organization"}), 400, "PARAM_NOT_ALLOWED")
    one_error(api.delete("organization"), 405)
    one_error(api.get("organization", headers={"Authorization": ""}), 401, "INVALID_TOKEN")


def test_the_token_is_checked_before_the_path(server: RunningSandbox) -> None:
    paths = ["markets", "stock_items/ItemTshMil/stock_reservations", "skus/nope", "stock_items/x/y/z", "nothing"]
    paths += ["organization", "stock_items/ItemTshMil/versions", "skus/SkuTshirt0/no_such_relationship"]
    for path in paths:
        for token in (None, "Bearer not-a-token"):
            headers = {"Accept": JSONAPI} | ({"Authorization": token} if token else {})
            response = httpx.get(f"{server.api_url}/{path}", headers=headers, timeout=10)
            one_error(response, 401, "INVALID_TOKEN")


def test_unknown_paths_answer_with_commerce_layers_code(api: httpx.Client) -> None:
    for path in ("markets", "stock_items/x/y/z", "skus/SkuTshirt0/no_such_relationship", "nothing/here"):
        error = one_error(api.get(path), 404, "RECORD_NOT_FOUND")
        assert path in error["detail"]
    one_error(api.get("stock_items/NoSuchItem/stock_reservations"), 404, "RECORD_NOT_FOUND")


def test_relationships_to_types_kept_nowhere_answer_as_empty(api: httpx.Client) -> None:
    """Every relationship the catalogue lists is a path: those to types the sandbox keeps no records of (stock
    reservations, attachments, tags, ...) answer as an organisation holding none of them would."""
    for type_, record in (("stock_items", "ItemTshMil"), ("skus", "SkuTshirt0"), ("stock_transfers", "TransfDrft")):
        resource = get_resource(type_)
        for name, rel in resource.other_relationships.items():
            response = api.get(f"{type_}/{record}/{name}")
            assert response.status_code == 200, (type_, name, response.text)
            document = response.json()
            if rel.to_one:
                assert document == {"data": None}
            else:
                assert document["data"] == [] and document["meta"] == {"record_count": 0, "page_count": 0}
                assert document["links"]["first"].endswith(
                    f"/api/{type_}/{record}/{name}?page%5Bnumber%5D=1&page%5Bsize%5D=10"
                )
            linkage = api.get(f"{type_}/{record}/relationships/{name}").json()["data"]
            assert linkage == (None if rel.to_one else [])
    reservations = "stock_items/ItemTshMil/stock_reservations"
    sized = api.get(reservations, params={"page[size]": "5", "filter[q][status_eq]": "draft", "sort": "-created_at"})
    assert sized.status_code == 200 and "page%5Bsize%5D=5" in sized.json()["links"]["last"]
    one_error(api.get(reservations, params={"page[size]": "26"}), 400, "INVALID_PAGE_VALUE")
    one_error(api.get(reservations, params={"colour": "red"}), 400, "PARAM_NOT_ALLOWED")
    one_error(api.get("stock_transfers/TransfDrft/shipment", params={"page[size]": "2"}), 400, "PARAM_NOT_ALLOWED")


def test_nested_listings_of_the_inventory_resources(api: httpx.Client) -> None:
    assert ids(api.get("stock_locations/LocMilano0/stock_items")) == ["ItemTshMil", "ItemBckMil"]
    assert ids(api.get("skus/SkuTshirt0/stock_items", params={"sort": "-quantity"})) == [
        "ItemTshLyo",
        "ItemTshMil",
        "ItemTshBer",
    ]
    levels = api.get("inventory_models/ModelEU000/inventory_stock_locations", params={"sort": "priority"})
    assert ids(levels) == ["LevelBer00", "LevelMil00", "LevelLyo00"]
    assert ids(api.get("stock_locations/LocLyon000/stock_transfers")) == ["TransfDrft"]
    assert ids(api.get("shipping_categories/ShipMerch0/skus")) == ["SkuTshirt0", "SkuBackpk0", "SkuMugXXX0"]
    assert api.get("stock_items/ItemTshMil/reserved_stock").json()["data"]["id"] == "ResTshMil0"


def test_head_is_served_like_get(api: httpx.Client) -> None:
    for path in ("skus", "skus/SkuTshirt0", "skus/SkuTshirt0/stock_items", "organization", "reserved_stocks"):
        head, get = api.head(path), api.get(path)
        assert head.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert api.head("skus/NoSuchSku").status_code == 404
    assert "HEAD" in api.post("reserved_stocks", json={}).headers["allow"]


def test_the_singletons_count_against_the_rate_limits() -> None:
    with (
        start_background(seed="empty", records=small_company(), rate_limits="live") as live,
        client_for(live) as client,
    ):
        for path in ("organization", "application"):
            headers = client.get(path).headers
            assert (headers["x-ratelimit-limit"], headers["x-ratelimit-interval"]) == ("200", "60"), path
