"""Every attribute the sandbox returns has the JSON type the catalogue promises, and no trigger ever comes back.

One generic test over every served type instead of one per resource: the client decodes, the cache stores and
the window formats values by catalogue type, so a single mistyped attribute anywhere (a quantity sent as a
string, a timestamp in another form, a write-only ``_complete`` echoed back) would break them all.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from desktop_app.schema import LEGACY_STOCK_LEVELS, canonical_type, get_resource, resources
from tests.sandbox.api_session import api_session
from tests.sandbox.shapes import attribute_problems
from tests.support.sandbox import SandboxProcess

#: Pages read per type: enough to meet every kind of seed record without reading all 1,000 stock items.
MAX_PAGES = 4


def _includes(type_: str) -> str:
    return ",".join(name for name, rel in get_resource(type_).relationships.items() if rel.includable)


def _problems_in(document: dict[str, Any], seen: Counter[str]) -> list[str]:
    problems: list[str] = []
    data = document["data"]
    for record in [*(data if isinstance(data, list) else [data]), *document.get("included", [])]:
        resource = get_resource(record["type"])
        seen[resource.type] += 1
        problems += [
            f"{record['type']} {record['id']}: {p}" for p in attribute_problems(resource, record["attributes"])
        ]
    return problems


def _walk(api: httpx.Client, path: str, seen: Counter[str]) -> tuple[list[str], str | None]:
    """Problems over the first pages of ``path`` with every includable relationship, plus one retrieve."""
    problems: list[str] = []
    first_id = None
    include = {"include": _includes(path)} if _includes(path) else {}
    for number in range(1, MAX_PAGES + 1):
        response = api.get(path, params={**include, "page[size]": "25", "page[number]": str(number)})
        assert response.status_code == 200, f"GET {path}?include={include}: {response.text}"
        document = response.json()
        problems += _problems_in(document, seen)
        if document["data"] and first_id is None:
            first_id = document["data"][0]["id"]
        if number >= document["meta"]["page_count"]:
            break
    if first_id is not None:
        # A single retrieve can carry attributes lists never do (a SKU's inventory).
        response = api.get(f"{path}/{first_id}", params=include)
        assert response.status_code == 200, response.text
        problems += _problems_in(response.json(), seen)
    return problems, first_id


def test_every_returned_attribute_has_its_catalogue_type(fresh_sandbox: SandboxProcess) -> None:
    seen: Counter[str] = Counter()
    problems: list[str] = []
    with api_session(fresh_sandbox) as api:
        # The demo starts without history: one change gives the walk a version (changes, who) to check.
        item = api.get("stock_items", params={"page[size]": "1"}).json()["data"][0]
        change = {"data": {"type": "stock_items", "id": item["id"], "attributes": {"reference": "counted"}}}
        assert api.patch(f"stock_items/{item['id']}", json=change).status_code == 200
        # Nor any import: one job gives the walk an import record (counts, errors_log) to check.
        job = {"type": "imports", "attributes": {"resource_type": "stock_items", "inputs": [{"id": item["id"]}]}}
        assert api.post("imports", json={"data": job}).status_code == 201
        for path in [*resources(), LEGACY_STOCK_LEVELS]:
            found, first_id = _walk(api, path, seen)
            problems += found
            assert first_id is not None, f"the demo serves no {path}"
        # Records the demo does not hold in every state: a completed transfer, a SKU with its inventory.
        transfer = api.get("stock_transfers", params={"filter[q][status_eq]": "completed"}).json()["data"]
        assert transfer, "the demo has a completed stock transfer"
        problems += _problems_in({"data": transfer}, seen)
        sku = api.get("skus", params={"page[size]": "1"}).json()["data"][0]
        detail = api.get(f"skus/{sku['id']}").json()
        assert isinstance(detail["data"]["attributes"].get("inventory"), dict), "a single SKU carries its inventory"
        problems += _problems_in(detail, seen)
    assert problems == [], "\n".join(problems[:40])
    assert set(seen) == {canonical_type(t) for t in resources()}, (
        f"types never returned: {set(resources()) - set(seen)}"
    )


def test_triggers_sent_in_a_patch_are_not_echoed(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        item = api.get("stock_items", params={"page[size]": "1"}).json()["data"][0]
        body = {
            "data": {
                "type": "stock_items",
                "id": item["id"],
                "attributes": {"quantity": item["attributes"]["quantity"], "_validate": True},
            }
        }
        response = api.patch(f"stock_items/{item['id']}", json=body)
        # The seed's reservations never exceed their item's quantity, so validating the unchanged quantity passes.
        assert response.status_code == 200, response.text
        returned = response.json()["data"]["attributes"]
        assert not [name for name in returned if name.startswith("_")], returned
        assert attribute_problems(get_resource("stock_items"), returned) == []


def test_a_transfer_trigger_changes_status_and_is_not_echoed(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        drafts = api.get("stock_transfers", params={"filter[q][status_eq]": "draft"}).json()["data"]
        assert drafts, "the demo has a draft stock transfer"
        transfer = drafts[0]["id"]
        body = {"data": {"type": "stock_transfers", "id": transfer, "attributes": {"_upcoming": True}}}
        response = api.patch(f"stock_transfers/{transfer}", json=body)
        assert response.status_code == 200, response.text
        returned = response.json()["data"]["attributes"]
        assert returned["status"] == "upcoming"
        assert attribute_problems(get_resource("stock_transfers"), returned) == []


def test_the_type_check_itself_catches_what_it_should() -> None:
    """The generic test is only as good as its checker: a string quantity, a bare date, an echoed trigger, an unknown
    attribute and a boolean posing as an integer must each be caught; nulls in optional fields must not."""
    stock_items = get_resource("stock_items")
    bad = {
        "quantity": "5",
        "created_at": "2024-01-01",
        "_validate": True,
        "colour": "red",
        "metadata": None,
        "reference": None,
    }
    problems = attribute_problems(stock_items, bad)
    assert len(problems) == 4, problems
    assert attribute_problems(stock_items, {"quantity": True}) != []
    assert attribute_problems(stock_items, {"quantity": None}) != [], "quantity is required"
    assert attribute_problems(get_resource("inventory_models"), {"strategy": "split_everything"}) != []
    assert attribute_problems(get_resource("addresses"), {"lat": 45, "lng": 9.1}) == []
