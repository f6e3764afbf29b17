"""Addresses are kept only for the stock locations that point at them: customers' addresses stay on the server.

Against the demo sandbox over HTTP into a real SQLite cache. The demo seed holds only the locations' addresses, so
each test first creates customer addresses the way a shop's checkout does (``POST /api/addresses``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from desktop_app.api import CommerceLayerClient, NetworkError
from desktop_app.schema import synced_types
from desktop_app.store import Cache
from desktop_app.sync import Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import api_requests, clear_faults, client_of

CUSTOMERS = 30  # more than a page: a listing of every address would take two requests


async def add_customer_addresses(client: CommerceLayerClient, count: int = CUSTOMERS) -> set[str]:
    made = set()
    for n in range(count):
        attributes = {"first_name": "Ada", "last_name": f"Shopper {n}", "line_1": f"{n} Elm Street"}
        attributes |= {"city": "Springfield", "country_code": "US", "zip_code": "62701", "phone": "+1 555 0100"}
        made.add((await client.create("addresses", attributes=attributes)).id)
    return made


async def new_depot_address(client: CommerceLayerClient, city: str = "Nantes") -> str:
    attributes = {"business": True, "company": "Depot", "line_1": "1 Quai de la Fosse", "city": city}
    attributes |= {"country_code": "FR", "zip_code": "44000", "phone": "+33 2 40 00 00 00"}
    return (await client.create("addresses", attributes=attributes)).id


async def server_address_ids(client: CommerceLayerClient) -> set[str]:
    ids: set[str] = set()
    async for page in client.list_all("addresses", fields=["id"]):
        ids.update(r.id for r in page.records)
    return ids


def pointed_at(cache: Cache) -> set[str]:
    return {str(r.relationships["address"]) for r in cache.records.find("stock_locations")}


def per_type(log: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in log:
        type_ = request["path"].split("/")[2]
        counts[type_] = counts.get(type_, 0) + 1
    return counts


def address_queries(log: list[dict[str, Any]]) -> list[dict[str, list[str]]]:
    return [parse_qs(r["query"]) for r in log if r["path"] == "/api/addresses"]


@pytest.mark.asyncio
async def test_a_full_sync_keeps_every_location_address_and_no_customer_address(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        customers = await add_customer_addresses(client)
        before = len(fresh_sandbox.requests())
        results = {r.type: r for r in await Syncer(cache, client).sync()}
        log = fresh_sandbox.requests()[before:]
        on_server = await server_address_ids(client)
    cached = {r.id for r in cache.records.find("addresses")}
    assert customers <= on_server and not customers & cached
    assert cached == pointed_at(cache) and len(cached) == cache.records.count("stock_locations") == 8
    for address in cache.records.find("addresses"):
        assert address.attributes["city"] and len(address.attributes["country_code"]) == 2
    assert results["addresses"].fetched == results["addresses"].total == 8
    queries = address_queries(log)
    assert len(queries) == 1, "eight ids fit one request"
    assert set(queries[0]["filter[q][id_in]"][0].split(",")) == cached


@pytest.mark.asyncio
async def test_a_location_moved_to_a_new_address_gets_it_on_the_next_incremental_sync(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        customers = await add_customer_addresses(client, 5)
        syncer = Syncer(cache, client)
        await syncer.sync()
        moved, renamed = cache.records.find("stock_locations")[:2]
        old = str(moved.relationships["address"])
        new = await new_depot_address(client)
        await client.update("stock_locations", moved.id, relationships={"address": new})
        await client.update("addresses", str(renamed.relationships["address"]), attributes={"city": "Torino"})
        before = len(fresh_sandbox.requests())
        results = {r.type: r for r in await syncer.sync()}
        log = [r for r in fresh_sandbox.requests()[before:] if r["path"].startswith("/api/")]
        spent = per_type(log)
        assert all(r.mode == "incremental" for r in results.values())
        assert spent["addresses"] == 2 and max(spent.values()) <= 2, spent
        assert cache.records.get("addresses", new) is not None
        assert cache.records.get("addresses", old) is None, "no location points at it any more"
        assert results["addresses"].fetched == 2 and results["addresses"].removed == 1
        renamed_address = cache.records.get("addresses", str(renamed.relationships["address"]))
        assert renamed_address is not None and renamed_address.attributes["city"] == "Torino"
        assert {r.id for r in cache.records.find("addresses")} == pointed_at(cache)
        assert not customers & {r.id for r in cache.records.find("addresses")}
        # Nothing changed since: one request for the addresses, as for every other type.
        before = len(fresh_sandbox.requests())
        results = {r.type: r for r in await syncer.sync()}
        quiet = per_type([r for r in fresh_sandbox.requests()[before:] if r["path"].startswith("/api/")])
    assert quiet == {type_: 1 for type_ in synced_types()}
    # At most the two changed a moment ago, fetched again within the high-water margin (``syncer.MARGIN``).
    assert results["addresses"].fetched <= 2 and results["addresses"].removed == 0


@pytest.mark.asyncio
async def test_a_full_sync_drops_the_addresses_no_location_points_at(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync()
        location = cache.records.find("stock_locations")[3]
        old = str(location.relationships["address"])
        await client.update("stock_locations", location.id, relationships={"address": await new_depot_address(client)})
        results = {r.type: r for r in await syncer.sync(full=True)}
    assert results["addresses"].mode == "full" and results["addresses"].removed == 1
    assert cache.records.get("addresses", old) is None
    assert {r.id for r in cache.records.find("addresses")} == pointed_at(cache)


@pytest.mark.asyncio
async def test_an_address_sync_cut_short_removes_nothing_and_the_next_one_finishes(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox, max_retries=0) as client:
        await Syncer(cache, client).sync()
        location = cache.records.find("stock_locations")[0]
        old = str(location.relationships["address"])
        await client.update("stock_locations", location.id, relationships={"address": await new_depot_address(client)})
        syncer = Syncer(cache, client, page_size=2)  # four requests of two ids: the cut lands after the first
        await syncer.sync(["stock_locations"])
        armed: list[bool] = []

        def cut(resource: str, done: int, total: int | None) -> None:
            if resource == "addresses" and done >= 2 and not armed:
                armed.append(True)
                fresh_sandbox.fault(method="GET", path="/api/addresses", drop="before", count=20)

        with pytest.raises(NetworkError):
            await syncer.sync(["addresses"], full=True, progress=cut)
        assert armed and cache.sync_state.get("addresses").full_in_progress
        assert cache.records.get("addresses", old) is not None, "an unfinished pass removes nothing"
        clear_faults(fresh_sandbox)
        (result,) = await syncer.sync(["addresses"])  # not asked for full: the unfinished pass is resumed
    assert result.mode == "full" and result.removed == 1 and result.fetched == 8
    assert not cache.sync_state.get("addresses").full_in_progress
    assert cache.records.get("addresses", old) is None
    assert {r.id for r in cache.records.find("addresses")} == pointed_at(cache)


@pytest.mark.asyncio
async def test_addresses_alone_sync_from_the_cached_locations_or_say_to_sync_the_locations_first(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    from desktop_app.errors import UsageError

    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        with pytest.raises(UsageError, match="stock_locations first"):
            await syncer.sync(["addresses"])
        assert api_requests(fresh_sandbox) == [], "refused before any request"
        await syncer.sync(["stock_locations"])
        (result,) = await syncer.sync(["addresses"])
    assert result.mode == "full" and result.fetched == 8
    assert {r.id for r in cache.records.find("addresses")} == pointed_at(cache)


@pytest.mark.asyncio
async def test_the_ids_go_a_page_at_a_time(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    """Each request names at most a page of ids, so its answer is one page and its URL stays short."""
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client, page_size=3)
        await syncer.sync(["stock_locations"])
        before = len(fresh_sandbox.requests())
        (result,) = await syncer.sync(["addresses"])
        queries = address_queries(fresh_sandbox.requests()[before:])
    named = [set(q["filter[q][id_in]"][0].split(",")) for q in queries]
    assert [len(ids) for ids in named] == [3, 3, 2] and all(q["page[size]"] == ["3"] for q in queries)
    assert set().union(*named) == pointed_at(cache) and result.fetched == 8
