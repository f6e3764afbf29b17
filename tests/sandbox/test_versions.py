"""Versions over HTTP: every write path leaves one in Commerce Layer's shape, listable, filterable, read-only."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop_app.sandbox import start_background
from desktop_app.sandbox.seeds import SAMPLE_SKU_CODE, generate
from desktop_app.schema import get_resource
from tests.sandbox.core_support import T0, client_for, ids, one_error, small_company

TIMESTAMP_LENGTH = len("2018-01-01T12:00:00.000Z")


def patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def history(api: httpx.Client, path: str, **params: str) -> list[dict[str, Any]]:
    """The versions of the record at ``path`` (``stock_items/ID``), oldest first."""
    response = api.get(f"{path}/versions", params={"page[size]": "25", **params})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def listed(api: httpx.Client, **filters: str) -> list[dict[str, Any]]:
    params = {f"filter[q][{key}]": value for key, value in filters.items()} | {"page[size]": "25"}
    response = api.get("versions", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def events(versions: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (v["attributes"]["resource_type"], v["attributes"]["resource_id"], v["attributes"]["event"]) for v in versions
    ]


def application_of(api: httpx.Client) -> dict[str, Any]:
    """The ``application`` claim of the token ``api`` sends."""
    payload = api.headers["authorization"].split(" ")[1].split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return dict(claims["application"])


def test_seed_data_has_no_versions(api: httpx.Client) -> None:
    assert api.get("versions").json()["meta"]["record_count"] == 0
    assert history(api, "stock_items/ItemTshMil") == []


def test_a_create_names_every_value_and_the_client(api: httpx.Client) -> None:
    sent = {
        "data": {
            "type": "stock_items",
            "attributes": {"quantity": 3, "reference": "NEW-1"},
            "relationships": {
                "sku": {"data": {"type": "skus", "id": "SkuBackpk0"}},
                "stock_location": {"data": {"type": "stock_locations", "id": "LocBerlin0"}},
            },
        }
    }
    created = api.post("stock_items", json=sent)
    assert created.status_code == 201, created.text
    item = created.json()["data"]
    [version] = history(api, f"stock_items/{item['id']}")
    assert version["type"] == "versions" and len(version["id"]) == 10
    values = version["attributes"]
    assert values["resource_type"] == "stock_items" and values["resource_id"] == item["id"]
    assert values["event"] == "create"
    assert values["changes"]["quantity"] == [None, 3] and values["changes"]["reference"] == [None, "NEW-1"]
    assert values["changes"]["sku_id"] == [None, "SkuBackpk0"]
    assert values["changes"]["stock_location_id"] == [None, "LocBerlin0"]
    assert values["changes"]["created_at"] == [None, item["attributes"]["created_at"]]
    claims = application_of(api)
    assert values["who"] == {"application": {"id": claims["id"], "kind": "integration", "public": False}}
    assert values["who"]["application"]["id"] == api.get("application").json()["data"]["id"]
    assert len(values["created_at"]) == TIMESTAMP_LENGTH and values["created_at"] >= item["attributes"]["created_at"]
    assert api.get(f"versions/{version['id']}").json()["data"]["attributes"] == values


def test_an_update_names_what_changed_and_nothing_else(api: httpx.Client) -> None:
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 12}).status_code == 200
    [version] = history(api, "stock_items/ItemTshMil")
    changes = version["attributes"]["changes"]
    assert version["attributes"]["event"] == "update"
    assert set(changes) == {"quantity", "updated_at"} and changes["quantity"] == [10, 12]
    assert changes["updated_at"][0] == T0
    relink = {
        "data": {
            "type": "stock_items",
            "id": "ItemTshMil",
            "relationships": {"stock_location": {"data": {"type": "stock_locations", "id": "LocLyon000"}}},
        }
    }
    assert api.patch("stock_items/ItemTshMil", json=relink).status_code == 422  # Lyon has a T-shirt item already
    assert patch(api, "stock_items/ItemTshMil", {"metadata": {"bin": "C3"}}).status_code == 200
    latest = history(api, "stock_items/ItemTshMil")[-1]["attributes"]["changes"]
    assert latest["metadata"] == [{}, {"bin": "C3"}]
    assert len(history(api, "stock_items/ItemTshMil")) == 2


def test_an_update_that_changes_nothing_leaves_no_version(api: httpx.Client) -> None:
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 10}).status_code == 200
    assert history(api, "stock_items/ItemTshMil") == []


def test_a_delete_names_what_was_there(api: httpx.Client) -> None:
    assert api.delete("stock_items/ItemBckMil").status_code == 204
    [version] = listed(api, resource_id_eq="ItemBckMil")
    values = version["attributes"]
    assert values["event"] == "destroy" and values["resource_type"] == "stock_items"
    assert values["changes"]["quantity"] == [0, None] and values["changes"]["reference"] == ["B-9", None]
    assert values["changes"]["sku_id"] == ["SkuBackpk0", None]
    one_error(api.get("stock_items/ItemBckMil/versions"), 404, "RECORD_NOT_FOUND")


def test_refused_writes_leave_no_version(api: httpx.Client) -> None:
    one_error(patch(api, "stock_items/ItemTshMil", {"quantity": "many"}), 422)
    one_error(api.delete("stock_locations/LocMilano0"), 423)
    one_error(patch(api, "stock_transfers/TransfDrft", {"_complete": True}), 422)
    assert listed(api) == []


def test_a_completed_transfer_leaves_versions_of_everything_it_moved(api: httpx.Client) -> None:
    for trigger in ("_upcoming", "_picking", "_in_transit", "_complete"):
        assert patch(api, "stock_transfers/TransfDrft", {trigger: True}).status_code == 200
    statuses = [v["attributes"]["changes"]["status"] for v in history(api, "stock_transfers/TransfDrft")]
    assert statuses == [
        ["draft", "upcoming"],
        ["upcoming", "picking"],
        ["picking", "in_transit"],
        ["in_transit", "completed"],
    ]
    completed = history(api, "stock_transfers/TransfDrft")[-1]["attributes"]["changes"]
    assert completed["completed_at"][0] is None and completed["completed_at"][1] is not None
    [origin] = history(api, "stock_items/ItemTshLyo")
    assert origin["attributes"]["changes"]["quantity"] == [100, 96]
    [destination] = history(api, "stock_items/ItemTshBer")
    assert destination["attributes"]["changes"]["quantity"] == [5, 9]
    held = listed(api, resource_type_eq="reserved_stocks")
    assert [v["attributes"]["event"] for v in held] == ["create", "destroy"]
    assert held[0]["attributes"]["changes"]["quantity"] == [None, 4]
    assert held[0]["attributes"]["changes"]["stock_item_id"] == [None, "ItemTshLyo"]
    # The stock moves and the reservation name the client whose request set them off.
    claims = application_of(api)
    who = {"application": {"id": claims["id"], "kind": claims["kind"], "public": claims["public"]}}
    assert all(v["attributes"]["who"] == who for v in listed(api))


def test_a_transfer_to_a_new_place_leaves_the_new_stock_item_s_creation(api: httpx.Client) -> None:
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
    transfer = api.post("stock_transfers", json=sent).json()["data"]["id"]
    assert events(listed(api)) == [("stock_transfers", transfer, "create")]
    for trigger in ("_upcoming", "_picking", "_in_transit", "_complete"):
        assert patch(api, f"stock_transfers/{transfer}", {trigger: True}).status_code == 200
    [created] = [v for v in listed(api, resource_type_eq="stock_items") if v["attributes"]["event"] == "create"]
    assert created["attributes"]["changes"]["quantity"] == [None, 2]
    assert created["attributes"]["changes"]["stock_location_id"] == [None, "LocLyon000"]
    moved = events(listed(api, resource_type_eq="stock_items"))
    assert moved == [
        ("stock_items", "ItemMugBer", "update"),
        ("stock_items", created["attributes"]["resource_id"], "create"),
    ]


def test_both_stock_level_paths_leave_and_show_the_same_versions(api: httpx.Client) -> None:
    sent = {
        "data": {
            "type": "stock_levels",
            "attributes": {"priority": 4},
            "relationships": {
                "inventory_model": {"data": {"type": "inventory_models", "id": "ModelEmpty"}},
                "stock_location": {"data": {"type": "stock_locations", "id": "LocMilano0"}},
            },
        }
    }
    level = api.post("stock_levels", json=sent).json()["data"]["id"]
    assert patch(api, f"stock_levels/{level}", {"priority": 5}).status_code == 200
    assert patch(api, f"inventory_stock_locations/{level}", {"on_hold": True}).status_code == 200
    legacy = history(api, f"stock_levels/{level}")
    today = history(api, f"inventory_stock_locations/{level}")
    assert [(v["id"], v["attributes"]) for v in today] == [(v["id"], v["attributes"]) for v in legacy]
    assert events(legacy) == [("inventory_stock_locations", level, e) for e in ("create", "update", "update")]
    assert legacy[1]["attributes"]["changes"]["priority"] == [4, 5]
    assert api.delete(f"stock_levels/{level}").status_code == 204
    assert events(listed(api, resource_type_eq="inventory_stock_locations"))[-1][2] == "destroy"


def test_versions_filter_sort_page_and_include(api: httpx.Client) -> None:
    for quantity in range(11, 23):
        assert patch(api, "stock_items/ItemTshMil", {"quantity": quantity}).status_code == 200
    assert patch(api, "skus/SkuMugXXX0", {"name": "Mug"}).status_code == 200
    page = api.get("stock_items/ItemTshMil/versions", params={"page[size]": "5", "page[number]": "3"}).json()
    assert page["meta"] == {"record_count": 12, "page_count": 3} and len(page["data"]) == 2
    assert "page%5Bnumber%5D=2" in page["links"]["prev"]
    newest = history(api, "stock_items/ItemTshMil", sort="-created_at")
    assert newest[0]["attributes"]["changes"]["quantity"] == [21, 22]
    assert [v["id"] for v in listed(api, resource_type_eq="skus")] == [history(api, "skus/SkuMugXXX0")[0]["id"]]
    stamp = newest[5]["attributes"]["created_at"]
    later = api.get(
        "versions", params={"filter[q][created_at_gteq]": stamp, "filter[q][resource_type_eq]": "stock_items"}
    )
    assert later.json()["meta"]["record_count"] >= 6
    window = {
        "filter[q][created_at_from]": stamp,
        "filter[q][created_at_to]": stamp,
        "filter[q][resource_id_eq]": "ItemTshMil",
    }
    assert newest[5]["id"] in ids(api.get("versions", params=window))
    assert ids(api.get("versions", params={"filter[q][created_at_to]": "2000-01-01T00:00:00.000Z"})) == []
    assert (
        len(ids(api.get("versions", params={"filter[q][resource_type_in]": "skus,stock_items", "page[size]": "25"})))
        == 13
    )
    included = api.get("skus/SkuMugXXX0", params={"include": "versions"}).json()
    assert [i["type"] for i in included["included"]] == ["versions"]
    assert included["data"]["relationships"]["versions"]["data"][0]["type"] == "versions"


@pytest.mark.parametrize(
    ("params", "code"),
    [({"filter[q][event_eq]": "update"}, "FILTER_NOT_ALLOWED"), ({"sort": "resource_type"}, "INVALID_SORT_CRITERIA")],
)
def test_versions_refuse_what_the_catalogue_does_not_allow(
    api: httpx.Client, params: dict[str, str], code: str
) -> None:
    one_error(api.get("versions", params=params), 400, code)


def test_versions_are_read_only(api: httpx.Client) -> None:
    assert patch(api, "stock_items/ItemTshMil", {"quantity": 1}).status_code == 200
    version = listed(api)[0]["id"]
    body = {"data": {"type": "versions", "attributes": {"reference": "x"}}}
    one_error(api.post("versions", json=body), 405)
    one_error(api.patch(f"versions/{version}", json=body | {"id": version}), 405)
    one_error(api.delete(f"versions/{version}"), 405)
    assert len(listed(api)) == 1


def test_versions_survive_a_restart_of_a_sandbox_on_disk(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite")
    first = start_background(seed="empty", records=small_company(), db=db)
    try:
        with client_for(first) as api:
            assert patch(api, "stock_items/ItemTshMil", {"quantity": 11}).status_code == 200
            before = history(api, "stock_items/ItemTshMil")
    finally:
        first.stop()
    second = start_background(seed="empty", records=small_company(), db=db)
    try:
        with client_for(second) as api:
            after = history(api, "stock_items/ItemTshMil")
            assert [(v["id"], v["attributes"]) for v in after] == [(v["id"], v["attributes"]) for v in before]
            assert len(before) == 1
    finally:
        second.stop()


def test_the_demo_history_replays_to_the_records_it_describes() -> None:
    demo = generate("demo")
    records = {(type_, r["id"]): r for type_ in ("stock_items", "stock_transfers") for r in demo[type_]}
    trails: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for version in demo["versions"]:
        values = version["attributes"]
        trails.setdefault((values["resource_type"], values["resource_id"]), []).append(values)
    sample = {r["id"] for r in demo["stock_items"] if r["attributes"]["sku_code"] == SAMPLE_SKU_CODE}
    assert sample and {("stock_items", id_) for id_ in sample} <= set(trails)
    assert {("stock_transfers", r["id"]) for r in demo["stock_transfers"]} <= set(trails)
    machine = get_resource("stock_transfers").states
    assert machine is not None
    for key, trail in trails.items():
        record = records[key]["attributes"]
        assert [v["event"] for v in trail] == ["create"] + ["update"] * (len(trail) - 1)
        replayed = {name: new for name, (_, new) in trail[0]["changes"].items()}
        for version in trail[1:]:
            assert all(replayed.get(name) == old for name, (old, _) in version["changes"].items()), version
            replayed |= {name: new for name, (_, new) in version["changes"].items()}
        assert {name: replayed.get(name) for name in record} == record
        times = [v["created_at"] for v in trail]
        assert times == sorted(times) and times[0] == record["created_at"] and times[-1] == record["updated_at"]
        steps = [v["changes"]["status"] for v in trail[1:] if "status" in v["changes"]]
        assert all(any(t.target == new for t in machine.allowed(old)) for old, new in steps), steps
