"""Behaviour Commerce Layer inherits from Rails, which clients written against it come to rely on."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.core_support import one_error


def _patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def test_booleans_accept_what_rails_casts(api: httpx.Client) -> None:
    spellings = [("1", True), ("0", False), ("true", True), ("false", False), ("t", True), ("f", False)]
    spellings += [("TRUE", True), ("FALSE", False), ("on", True), ("off", False), (1, True), (0, False)]
    for sent, meant in spellings:
        response = _patch(api, "skus/SkuTshirt0", {"do_not_track": sent})
        assert response.status_code == 200, (sent, response.text)
        assert response.json()["data"]["attributes"]["do_not_track"] is meant, sent
    for guess in ("yes", "no", "2", 2, "maybe"):
        error = one_error(_patch(api, "skus/SkuTshirt0", {"do_not_track": guess}), 422, "VALIDATION_ERROR")
        assert error["detail"] == "do_not_track - must be true or false"


def test_writable_relationships_to_types_kept_nowhere_are_judged_like_unknown_ids(api: httpx.Client) -> None:
    """The catalogue lets a client set a SKU's ``tags`` and a transfer's ``shipment``; the sandbox keeps no tags
    or shipments, so clearing them is accepted and naming one is refused as an id that does not exist."""

    def patch_sku(relationships: dict[str, Any]) -> httpx.Response:
        data = {"type": "skus", "id": "SkuTshirt0", "relationships": relationships}
        return api.patch("skus/SkuTshirt0", json={"data": data})

    assert patch_sku({"tags": {"data": []}}).status_code == 200
    error = one_error(patch_sku({"tags": {"data": [{"type": "tags", "id": "TagSummer0"}]}}), 422, "VALIDATION_ERROR")
    assert (error["source"]["pointer"], error["detail"]) == ("/data/relationships/tags", "tags - not found")
    wrong = one_error(patch_sku({"tags": {"data": [{"type": "skus", "id": "SkuTshirt0"}]}}), 422)
    assert wrong["detail"] == "tags - must be of type tags"
    one_error(patch_sku({"tags": {"data": None}}), 422, "VALIDATION_ERROR")
    one_error(patch_sku({"versions": {"data": []}}), 400, "PARAM_NOT_ALLOWED")

    relationships: dict[str, Any] = {
        "sku": {"data": {"type": "skus", "id": "SkuMugXXX0"}},
        "origin_stock_location": {"data": {"type": "stock_locations", "id": "LocBerlin0"}},
        "destination_stock_location": {"data": {"type": "stock_locations", "id": "LocMilano0"}},
        "shipment": {"data": None},
        "line_item": {"data": None},
    }
    transfer = {"type": "stock_transfers", "attributes": {"quantity": 2}, "relationships": relationships}
    assert api.post("stock_transfers", json={"data": transfer}).status_code == 201
    relationships["shipment"] = {"data": {"type": "shipments", "id": "ShipmentX0"}}
    error = one_error(api.post("stock_transfers", json={"data": transfer}), 422, "VALIDATION_ERROR")
    assert error["source"]["pointer"] == "/data/relationships/shipment"
    relationships["shipment"] = {"data": None}
    relationships["stock_reservation"] = {"data": None}
    one_error(api.post("stock_transfers", json={"data": transfer}), 400, "PARAM_NOT_ALLOWED")


def test_a_patch_that_changes_nothing_keeps_updated_at(api: httpx.Client) -> None:
    before = api.get("stock_items/ItemTshBer").json()["data"]["attributes"]
    same = {"quantity": before["quantity"], "metadata": before["metadata"], "reference": before["reference"]}
    for attributes in (same, {}, {"quantity": str(before["quantity"])}, {"_validate": True}):
        response = _patch(api, "stock_items/ItemTshBer", attributes)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["attributes"]["updated_at"] == before["updated_at"], attributes
    relinked: dict[str, Any] = {"type": "stock_items", "id": "ItemTshBer"}
    relinked["relationships"] = {"sku": {"data": {"type": "skus", "id": "SkuTshirt0"}}}
    unchanged = api.patch("stock_items/ItemTshBer", json={"data": relinked}).json()["data"]["attributes"]
    assert unchanged["updated_at"] == before["updated_at"]
    assert api.get("stock_items/ItemTshBer").json()["data"]["attributes"]["updated_at"] == before["updated_at"]
    changed = _patch(api, "stock_items/ItemTshBer", {"quantity": before["quantity"] + 1}).json()["data"]["attributes"]
    assert changed["updated_at"] > before["updated_at"]
