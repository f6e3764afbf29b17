"""Create, update and delete of every writable resource, and each server error mapped to its exception and field."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.api import (
    ApiError,
    BadRequestError,
    CommerceLayerClient,
    ConflictError,
    LockedError,
    NotFoundError,
    RateLimitedError,
    Record,
    ServerError,
    ValidationError,
)
from desktop_app.schema import FieldError
from tests.api.conftest import ClientFactory
from tests.support.sandbox import SandboxProcess


async def first(client: CommerceLayerClient, type_: str, **options: Any) -> Record:
    return (await client.list_page(type_, page_size=1, **options)).records[0]


async def create_args(client: CommerceLayerClient, type_: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid new record of ``type_`` built from the demo seed: (attributes, relationships)."""
    if type_ == "addresses":
        return {
            "business": True,
            "company": "Depot Srl",
            "line_1": "Via Roma 1",
            "city": "Torino",
            "country_code": "IT",
            "phone": "+39 011 000",
            "zip_code": "10100",
        }, {}
    if type_ == "inventory_models":
        return {"name": "Test model", "strategy": "no_split", "stock_locations_cutoff": 3}, {}
    if type_ == "shipping_categories":
        return {"name": "Oversize", "code": "OVERSIZE-T"}, {}
    if type_ == "stock_locations":
        address = await first(client, "addresses")
        return {"name": "Overflow", "code": "OVF-T1", "label_format": "ZPL"}, {"address": address.id}
    if type_ == "skus":
        category = await first(client, "shipping_categories")
        return {"code": "TEST-SKU-0001", "name": "Test SKU", "pieces_per_pack": 2}, {"shipping_category": category.id}
    if type_ == "stock_items":
        address = await first(client, "addresses")
        location = await client.create(
            "stock_locations", attributes={"name": "Empty"}, relationships={"address": address.id}
        )
        sku = await first(client, "skus")
        return {"quantity": 5, "reference": "made-by-test"}, {"sku": sku.id, "stock_location": location.id}
    if type_ == "inventory_stock_locations":
        model = await client.create("inventory_models", attributes={"name": "Fresh model"})
        location = await first(client, "stock_locations")
        return {"priority": 3, "on_hold": False}, {"inventory_model": model.id, "stock_location": location.id}
    if type_ == "stock_transfers":
        locations = (await client.list_page("stock_locations", page_size=2)).records
        sku = await first(client, "skus")
        return {"quantity": 2, "number": "ST-T-1"}, {
            "sku": sku.id,
            "origin_stock_location": locations[0].id,
            "destination_stock_location": locations[1].id,
        }
    raise AssertionError(type_)


UPDATES: dict[str, dict[str, Any]] = {
    "addresses": {"city": "Genova", "lat": 44.4},
    "inventory_models": {"strategy": "ship_from_primary", "manual_stock_decrement": True},
    "shipping_categories": {"name": "Oversize goods"},
    "stock_locations": {"suppress_etd": True, "metadata": {"dock": 2}},
    "skus": {"do_not_track": True, "description": "changed"},
    "stock_items": {"quantity": 9},
    "inventory_stock_locations": {"priority": 7, "on_hold": True},
    "stock_transfers": {"quantity": 3, "reference": "upd"},
}


@pytest.mark.asyncio
@pytest.mark.parametrize("type_", sorted(UPDATES))
async def test_create_update_delete(make_client: ClientFactory, type_: str) -> None:
    async with make_client() as client:
        attributes, relationships = await create_args(client, type_)
        created = await client.create(type_, attributes=attributes, relationships=relationships or None)
        assert created.type == type_ and len(created.id) == 10
        for name, value in attributes.items():
            assert created.attributes[name] == value
        fetched = await client.retrieve(type_, created.id, include=list(relationships) or None)
        for name, value in relationships.items():
            assert fetched.relationships[name] == value
        updated = await client.update(type_, created.id, attributes=UPDATES[type_])
        for name, value in UPDATES[type_].items():
            assert updated.attributes[name] == value
        assert (await client.retrieve(type_, created.id)).attributes == updated.attributes
        await client.delete(type_, created.id)
        with pytest.raises(NotFoundError):
            await client.retrieve(type_, created.id)


@pytest.mark.asyncio
async def test_relationship_change_and_trigger(make_client: ClientFactory) -> None:
    async with make_client() as client:
        item = await first(client, "stock_items", include=["stock_location"])
        locations = (await client.list_page("stock_locations")).records
        skus = (await client.list_page("skus", page_size=25)).records
        used = {
            r.relationships.get("sku")
            for r in (
                await client.list_page("stock_items", filters={"stock_location_id_eq": locations[-1].id}, include="sku")
            ).records
        }
        free_sku = next(s for s in skus if s.id not in used)
        moved = await client.update(
            "stock_items", item.id, relationships={"stock_location": locations[-1].id, "sku": free_sku.id}
        )
        again = await client.retrieve("stock_items", item.id, include=["stock_location", "sku"])
        assert again.relationships == {"stock_location": locations[-1].id, "sku": free_sku.id}
        assert moved.id == item.id
        transfer = await first(client, "stock_transfers", filters={"status_eq": "draft"})
        upcoming = await client.update("stock_transfers", transfer.id, attributes={"_upcoming": True})
        assert upcoming.attributes["status"] == "upcoming"


@pytest.mark.asyncio
async def test_validation_errors_name_attribute_and_relationship(make_client: ClientFactory) -> None:
    async with make_client() as client:
        location = await first(client, "stock_locations")
        with pytest.raises(ValidationError) as caught:
            await client.create("stock_items", attributes={}, relationships={"stock_location": location.id})
        with pytest.raises(ValidationError) as unknown:
            await client.create(
                "stock_items",
                attributes={"quantity": 1},
                relationships={"stock_location": location.id, "sku": "NoSuchSku0"},
            )
    error = caught.value
    assert error.status == 422 and error.code == "VALIDATION_ERROR"
    assert set(error.field_errors) == {"quantity", "sku"}
    assert error.field_errors["quantity"] == "can't be blank"
    pointers = {e.pointer for e in error.errors}
    assert {"/data/attributes/quantity", "/data/relationships/sku"} <= pointers
    assert unknown.value.field_errors == {"sku": "not found"}


@pytest.mark.asyncio
async def test_duplicate_is_refused_with_the_field(make_client: ClientFactory) -> None:
    async with make_client() as client:
        existing = await first(client, "shipping_categories")
        with pytest.raises((ValidationError, ConflictError)) as caught:
            await client.create("shipping_categories", attributes={"name": "Copy", "code": existing.attributes["code"]})
    assert caught.value.field == "code"


@pytest.mark.asyncio
async def test_delete_of_a_referenced_record_is_locked(make_client: ClientFactory) -> None:
    async with make_client() as client:
        location = await first(client, "stock_locations")
        with pytest.raises(LockedError) as caught:
            await client.delete("stock_locations", location.id)
    assert caught.value.status == 423


@pytest.mark.asyncio
async def test_missing_records(make_client: ClientFactory) -> None:
    async with make_client() as client:
        for call in (
            client.retrieve("stock_items", "NoSuchItem"),
            client.update("stock_items", "NoSuchItem", attributes={"quantity": 1}),
            client.delete("stock_items", "NoSuchItem"),
        ):
            with pytest.raises(NotFoundError) as caught:
                await call
            assert caught.value.code == "RECORD_NOT_FOUND"


@pytest.mark.asyncio
async def test_server_refusals_of_queries(make_client: ClientFactory) -> None:
    """What local checks would have caught, sent anyway: the server's 400s map to ``BadRequestError``."""
    async with make_client() as client:
        transport = client._transport
        for params, code in (
            ({"filter[q][colour_eq]": "red"}, "FILTER_NOT_ALLOWED"),
            ({"sort": "colour"}, "INVALID_SORT_CRITERIA"),
            ({"include": "colour"}, "INVALID_INCLUDE"),
        ):
            with pytest.raises(BadRequestError) as caught:
                await transport.request("GET", "stock_items", limit_type="stock_items", params=params)
            assert code in caught.value.codes


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequestError), (409, ConflictError), (429, RateLimitedError), (500, ServerError), (503, ServerError)],
)
async def test_status_maps_to_exception(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess, status: int, cls: type[ApiError]
) -> None:
    async with make_client(max_retries=0) as client:
        await client.authenticate()
        fresh_sandbox.fault(path="/api/skus", status=status)
        with pytest.raises(cls) as caught:
            await client.list_page("skus")
    assert caught.value.status == status


@pytest.mark.asyncio
async def test_bad_writes_never_leave_the_machine(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    async with make_client() as client:
        with pytest.raises(FieldError) as caught:
            await client.update("stock_items", "x123456789", attributes={"quantity": "lots"})
        assert caught.value.field == "quantity"
        with pytest.raises(FieldError) as caught:
            await client.create("stock_locations", attributes={"name": "n", "number": 3})
        assert caught.value.field == "number"
        with pytest.raises(FieldError):
            await client.delete("reserved_stocks", "x123456789")
    assert [r for r in fresh_sandbox.requests() if r["path"].startswith("/api")] == []


@pytest.mark.asyncio
async def test_unauthorised_token_is_an_authentication_error(make_client: ClientFactory) -> None:
    async with make_client() as client:
        token = await client.authenticate()
    from dataclasses import replace

    forged = replace(token, access_token=token.access_token[:-4] + "AAAA")
    async with make_client(token=forged, max_retries=0) as client:
        page = await client.list_page("skus")  # refused, renewed once with the real secret, retried
        assert page.records and client.stats.token_refreshes == 1


@pytest.mark.asyncio
async def test_server_refusals_of_documents(make_client: ClientFactory) -> None:
    """Documents the client never builds, sent raw: each refusal maps to its class, code and pointer."""
    async with make_client() as client:
        item = await first(client, "stock_items")
        transport = client._transport
        cases: list[tuple[str, str, dict[str, Any], type[ApiError], str]] = [
            (
                "PATCH",
                f"stock_items/{item.id}",
                {"data": {"type": "stock_items", "id": "Other12345"}},
                BadRequestError,
                "KEY_NOT_INCLUDED_IN_URL",
            ),
            (
                "POST",
                "stock_items",
                {"data": {"type": "skus", "attributes": {"quantity": 1}}},
                BadRequestError,
                "TYPE_MISMATCH",
            ),
            (
                "POST",
                "stock_items",
                {"data": {"type": "stock_items", "attributes": {"created_at": "x"}}},
                BadRequestError,
                "PARAM_NOT_ALLOWED",
            ),
        ]
        for method, path, document, cls, code in cases:
            with pytest.raises(cls) as caught:
                await transport.request(method, path, limit_type="stock_items", document=document)
            assert code in caught.value.codes, caught.value
            if code == "PARAM_NOT_ALLOWED":
                assert caught.value.field == "created_at"
