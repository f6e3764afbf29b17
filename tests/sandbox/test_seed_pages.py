"""Replay every example request of the seed pages (``/work/shared/seeds``) and check the printed response shape.

The seed pages are what the product was specified from; a client written from them must work against the
sandbox. Bodies are sent as printed (``"priority": "1"`` as a string, ``"relationships": {}``), with the example
ids replaced by real demo ids. Responses are compared with the printed shape, except where the pages print
values as strings that the API returns typed (``priority`` comes back as integer 1, ``on_hold`` as a boolean).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.api_session import JSONAPI, api_session, first_id, free_pair
from tests.sandbox.shapes import check_list_links, check_resource
from tests.support.sandbox import SandboxProcess

STOCK_LEVEL_ATTRIBUTES = ("priority", "on_hold", "reference", "reference_origin", "metadata")
STOCK_LEVEL_RELATIONSHIPS = ("stock_location", "inventory_model")
#: Both paths serve the same records; each answers with its own ``type``.
STOCK_LEVEL_PATHS = ("stock_levels", "inventory_stock_locations")


@pytest.fixture
def api(fresh_sandbox: SandboxProcess) -> Any:
    with api_session(fresh_sandbox) as client:
        yield client


def _json(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    assert response.headers["content-type"].startswith(JSONAPI)
    body: dict[str, Any] = response.json()
    assert set(body) >= {"data"}, body
    return body


@pytest.mark.parametrize("path", STOCK_LEVEL_PATHS)
def test_create_stock_level_as_printed(path: str, api: httpx.Client, fresh_sandbox: SandboxProcess) -> None:
    model, location = free_pair(api)
    body = {
        "data": {
            "type": path,
            "attributes": {"priority": "1"},
            "relationships": {
                "stock_location": {"data": {"type": "stock_locations", "id": location}},
                "inventory_model": {"data": {"type": "inventory_models", "id": model}},
            },
        }
    }
    data = _json(api.post(path, json=body), 201)["data"]
    check_resource(
        data,
        path_type=path,
        api_url=fresh_sandbox.api_url,
        attributes=STOCK_LEVEL_ATTRIBUTES,
        relationships=STOCK_LEVEL_RELATIONSHIPS,
    )
    assert data["attributes"]["priority"] == 1 and isinstance(data["attributes"]["priority"], int)
    assert data["attributes"]["on_hold"] is False
    assert data["attributes"]["created_at"] == data["attributes"]["updated_at"]

    included = _json(api.get(f"{path}/{data['id']}", params={"include": "stock_location,inventory_model"}), 200)
    relationships = included["data"]["relationships"]
    assert relationships["stock_location"]["data"] == {"type": "stock_locations", "id": location}
    assert relationships["inventory_model"]["data"] == {"type": "inventory_models", "id": model}
    # One set of records behind both paths, each answering with its own type.
    other = next(p for p in STOCK_LEVEL_PATHS if p != path)
    twin = _json(api.get(f"{other}/{data['id']}"), 200)["data"]
    assert twin["type"] == other
    assert twin["attributes"] == data["attributes"]


def test_a_stock_level_created_as_printed_is_not_on_hold(api: httpx.Client) -> None:
    """The page's create leaves ``on_hold`` out and its response prints false: Commerce Layer's default."""
    model, location = free_pair(api)
    body = {
        "data": {
            "type": "stock_levels",
            "attributes": {"priority": "1"},
            "relationships": {
                "stock_location": {"data": {"type": "stock_locations", "id": location}},
                "inventory_model": {"data": {"type": "inventory_models", "id": model}},
            },
        }
    }
    data = _json(api.post("stock_levels", json=body), 201)["data"]
    assert data["attributes"]["on_hold"] is False


def test_create_stock_item_as_printed(api: httpx.Client, fresh_sandbox: SandboxProcess) -> None:
    location = first_id(api, "stock_locations")
    skus = _json(api.get("skus", params={"page[size]": "25", "sort": "code"}), 200)["data"]

    def stocked_here(sku_id: str) -> bool:
        params = {"filter[q][stock_location_id_eq]": location, "filter[q][sku_id_eq]": sku_id}
        return bool(_json(api.get("stock_items", params=params), 200)["meta"]["record_count"])

    sku = next(sku for sku in skus if not stocked_here(sku["id"]))
    body = {
        "data": {
            "type": "stock_items",
            "attributes": {"quantity": 100},
            "relationships": {
                "stock_location": {"data": {"type": "stock_locations", "id": location}},
                "sku": {"data": {"type": "skus", "id": sku["id"]}},
            },
        }
    }
    data = _json(api.post("stock_items", json=body), 201)["data"]
    check_resource(
        data,
        path_type="stock_items",
        api_url=fresh_sandbox.api_url,
        attributes=("sku_code", "quantity", "reference", "reference_origin", "metadata"),
        relationships=("stock_location", "sku", "reserved_stock"),
    )
    assert data["attributes"]["quantity"] == 100
    assert data["attributes"]["sku_code"] == sku["attributes"]["code"]


def test_create_inventory_model_as_printed(api: httpx.Client, fresh_sandbox: SandboxProcess) -> None:
    body = {"data": {"type": "inventory_models", "attributes": {"name": "EU Inventory Model"}, "relationships": {}}}
    data = _json(api.post("inventory_models", json=body), 201)["data"]
    check_resource(
        data,
        path_type="inventory_models",
        api_url=fresh_sandbox.api_url,
        attributes=("name", "reference", "metadata"),
    )
    assert data["attributes"]["name"] == "EU Inventory Model"
    # The page shows the pre-2020 name of the relationship; today's API calls it inventory_stock_locations.
    assert {"stock_levels", "inventory_stock_locations"} & set(data["relationships"])
    assert data["attributes"]["strategy"] == "no_split"
    assert data["attributes"]["stock_locations_cutoff"] == 2


@pytest.mark.parametrize("path", STOCK_LEVEL_PATHS)
def test_list_stock_levels_as_printed(path: str, api: httpx.Client, fresh_sandbox: SandboxProcess) -> None:
    first = _json(api.get(path), 200)
    assert set(first) >= {"data", "meta", "links"}
    count, pages = first["meta"]["record_count"], first["meta"]["page_count"]
    assert isinstance(count, int) and isinstance(pages, int)
    assert count >= 9
    assert len(first["data"]) == min(10, count), "the default page size is 10"
    assert pages == -(-count // 10)
    for data in first["data"]:
        check_resource(
            data,
            path_type=path,
            api_url=fresh_sandbox.api_url,
            attributes=STOCK_LEVEL_ATTRIBUTES,
            relationships=STOCK_LEVEL_RELATIONSHIPS,
        )
    check_list_links(first["links"], path_type=path, number=1, pages=pages)

    # As on the page (there with page[size]=25 over 125 records): prev/next appear only where they lead somewhere.
    sized = _json(api.get(path, params={"page[number]": "1", "page[size]": "5"}), 200)
    sized_pages = -(-count // 5)
    assert sized["meta"]["record_count"] == count and sized["meta"]["page_count"] == sized_pages
    check_list_links(sized["links"], path_type=path, number=1, pages=sized_pages)
    middle = _json(api.get(path, params={"page[number]": "2", "page[size]": "5"}), 200)
    check_list_links(middle["links"], path_type=path, number=2, pages=sized_pages)
    last = _json(api.get(path, params={"page[number]": str(sized_pages), "page[size]": "5"}), 200)
    check_list_links(last["links"], path_type=path, number=sized_pages, pages=sized_pages)
    ids = [d["id"] for page in (sized, middle) for d in page["data"]]
    assert len(ids) == len(set(ids)), "pages overlap"


@pytest.mark.parametrize("path", STOCK_LEVEL_PATHS)
def test_retrieve_update_and_delete_a_stock_level_as_printed(
    path: str, api: httpx.Client, fresh_sandbox: SandboxProcess
) -> None:
    level = first_id(api, path)
    retrieved = _json(api.get(f"{path}/{level}"), 200)["data"]
    check_resource(
        retrieved,
        path_type=path,
        api_url=fresh_sandbox.api_url,
        attributes=STOCK_LEVEL_ATTRIBUTES,
        relationships=STOCK_LEVEL_RELATIONSHIPS,
    )

    body = {"data": {"type": path, "id": level, "attributes": {"priority": "1"}, "relationships": {}}}
    updated = _json(api.patch(f"{path}/{level}", json=body), 200)["data"]
    check_resource(
        updated,
        path_type=path,
        api_url=fresh_sandbox.api_url,
        attributes=STOCK_LEVEL_ATTRIBUTES,
        relationships=STOCK_LEVEL_RELATIONSHIPS,
    )
    assert updated["attributes"]["priority"] == 1 and isinstance(updated["attributes"]["priority"], int)
    assert updated["attributes"]["updated_at"] >= retrieved["attributes"]["updated_at"]
    assert updated["attributes"]["created_at"] == retrieved["attributes"]["created_at"]

    deleted = api.delete(f"{path}/{level}")
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""
    gone = api.get(f"{path}/{level}")
    assert gone.status_code == 404
    assert gone.json()["errors"][0]["code"] == "RECORD_NOT_FOUND"
    assert gone.json()["errors"][0]["status"] == "404"
