"""Full and incremental sync against the sandbox over HTTP, deletions, and syncs cut short then resumed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient, NetworkError
from desktop_app.schema import synced_types
from desktop_app.store import Cache
from desktop_app.sync import Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of


async def server_ids(client: CommerceLayerClient, type_: str) -> set[str]:
    ids: set[str] = set()
    async for page in client.list_all(type_, fields=["id"]):
        ids.update(r.id for r in page.records)
    return ids


def deletable(cache: Cache) -> list[str]:
    """Stock items no reserved stock refers to (the server refuses to delete the others with 423)."""
    reserved = {r.relationships.get("stock_item") for r in cache.records.find("reserved_stocks")}
    return [r.id for r in cache.records.find("stock_items") if r.id not in reserved]


def free_pair(cache: Cache) -> tuple[str, str]:
    """A SKU and a stock location that have no stock item together yet (the server refuses a second one)."""
    taken = {
        (r.relationships.get("sku"), r.relationships.get("stock_location")) for r in cache.records.find("stock_items")
    }
    for sku, location in itertools.product(cache.records.find("skus"), cache.records.find("stock_locations")):
        if (sku.id, location.id) not in taken:
            return sku.id, location.id
    raise AssertionError("no free (sku, stock location) pair in the seed")


@pytest.mark.asyncio
async def test_full_sync_matches_the_server_and_reports_progress(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    events: list[tuple[str, int, int | None]] = []
    async with client_of(fresh_sandbox) as client:
        results = await Syncer(cache, client).sync(progress=lambda *event: events.append(event))
        assert [r.type for r in results] == list(synced_types())
        for result in results:
            assert result.mode == "full"
            assert cache.records.count(result.type) == result.total
            assert {r.id for r in cache.records.find(result.type)} == await server_ids(client, result.type)
    items = [e for e in events if e[0] == "stock_items"]
    assert items[-1][1] == items[-1][2] == cache.records.count("stock_items")
    assert len(items) > 3  # page by page, not one event at the end
    level = cache.records.find("stock_levels")[0]
    assert level.relationships.get("inventory_model") and level.relationships.get("stock_location")
    item = cache.records.find("stock_items")[0]
    assert item.relationships.get("sku") and item.relationships.get("stock_location")


@pytest.mark.asyncio
async def test_incremental_sync_fetches_only_changes_in_one_request_per_resource(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync()
        changed = cache.records.find("stock_items")[:10]
        for n, item in enumerate(changed):
            await client.update("stock_items", item.id, attributes={"quantity": 500 + n})
        sku, location = free_pair(cache)
        created = await client.create(
            "stock_items", attributes={"quantity": 3}, relationships={"sku": sku, "stock_location": location}
        )
        before = len(fresh_sandbox.requests())
        results = await syncer.sync()
        log = fresh_sandbox.requests()[before:]
    by_type = {r.type: r for r in results}
    assert all(r.mode == "incremental" for r in results)
    assert by_type["stock_items"].fetched == 11 and by_type["stock_items"].removed == 0
    assert by_type["skus"].fetched == 0
    assert len([r for r in log if r["path"].startswith("/api/")]) == len(synced_types())  # one request each
    assert cache.records.get("stock_items", changed[3].id).attributes["quantity"] == 503  # type: ignore[union-attr]
    new = cache.records.get("stock_items", created.id)
    assert new is not None and new.relationships == {"sku": sku, "stock_location": location}


@pytest.mark.asyncio
async def test_deletions_on_the_server_reach_the_cache(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync(["stock_items", "reserved_stocks"])
        victims = deletable(cache)[5:8]
        for record_id in victims:
            await client.delete("stock_items", record_id)
        before = len(fresh_sandbox.requests())
        (result,) = await syncer.sync(["stock_items"])
        assert result.mode == "incremental" and result.removed == 3
        spent = len([r for r in fresh_sandbox.requests()[before:] if r["path"].startswith("/api/")])
        pages = -(-cache.records.count("stock_items") // 25)
        assert spent < pages / 2, f"{spent} requests to find 3 deletions among {pages} pages"
        assert {r.id for r in cache.records.find("stock_items")} == await server_ids(client, "stock_items")


@pytest.mark.asyncio
async def test_sync_cut_by_the_network_keeps_the_cache_and_the_next_sync_finishes(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox, max_retries=0) as client:
        syncer = Syncer(cache, client, page_size=5)  # 220 pages: the cut lands well before the end
        await syncer.sync(["stock_items", "reserved_stocks"])
        gone = deletable(cache)[0]
        await client.delete("stock_items", gone)
        armed: list[bool] = []

        def cut(resource: str, done: int, total: int | None) -> None:
            if resource == "stock_items" and done >= 50 and not armed:
                armed.append(True)
                fresh_sandbox.fault(method="GET", path="/api/stock_items", drop="before", count=20)

        with pytest.raises(NetworkError):
            await syncer.sync(["stock_items"], full=True, progress=cut)
        state = cache.sync_state.get("stock_items")
        assert state.full_in_progress
        assert cache.records.get("stock_items", gone) is not None  # an unfinished listing removes nothing
        for _ in range(40):  # use up what is left of the armed faults
            try:
                await client.list_page("stock_items", page_size=1)
                break
            except NetworkError:
                continue
        (result,) = await syncer.sync(["stock_items"])  # not asked for full: the unfinished pass is resumed
        assert result.mode == "full"
        assert cache.records.get("stock_items", gone) is None
        assert not cache.sync_state.get("stock_items").full_in_progress
        assert {r.id for r in cache.records.find("stock_items")} == await server_ids(client, "stock_items")


@pytest.mark.asyncio
async def test_pending_edit_is_not_overwritten_by_sync(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    from desktop_app.sync import Editor

    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync(["stock_items"])
        item = cache.records.find("stock_items")[0]
        Editor(cache).update("stock_items", item.id, attributes={"quantity": 77})
        await client.update("stock_items", item.id, attributes={"quantity": 5, "reference": "counted"})
        await syncer.sync(["stock_items"])
    shown = cache.records.get("stock_items", item.id)
    assert shown is not None and shown.pending
    assert shown.attributes["quantity"] == 77 and shown.attributes["reference"] == "counted"
    server: Any = cache.records.server_version("stock_items", item.id)
    assert server["attributes"]["quantity"] == 5


@pytest.mark.asyncio
async def test_many_scattered_deletions_and_a_new_record_are_all_found(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync(["stock_items", "skus", "stock_locations", "reserved_stocks"])
        victims = deletable(cache)[::17]
        for record_id in victims:
            await client.delete("stock_items", record_id)
        sku, location = free_pair(cache)
        await client.create(
            "stock_items", attributes={"quantity": 1}, relationships={"sku": sku, "stock_location": location}
        )
        (result,) = await syncer.sync(["stock_items"])
        assert result.removed == len(victims) and result.fetched == 1
        assert {r.id for r in cache.records.find("stock_items")} == await server_ids(client, "stock_items")


@pytest.mark.asyncio
async def test_cancelled_sync_leaves_a_consistent_cache_and_resumes(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    import asyncio

    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client, page_size=5)
        reached = asyncio.Event()

        def progress(resource: str, done: int, total: int | None) -> None:
            if done >= 100:
                reached.set()

        task = asyncio.create_task(syncer.sync(["stock_items"], progress=progress))
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert cache.records.count("stock_items") > 0 and cache.sync_state.get("stock_items").full_in_progress
        (result,) = await syncer.sync(["stock_items"])
        assert result.mode == "full" and cache.records.count("stock_items") == result.total
        assert not cache.sync_state.get("stock_items").full_in_progress


@pytest.mark.asyncio
async def test_changes_made_during_a_full_listing_are_fetched_by_the_next_sync(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    import asyncio

    async with client_of(fresh_sandbox) as client, client_of(fresh_sandbox) as other:
        first_page = await client.list_page("stock_items", page_size=5)
        last_page = await client.list_page("stock_items", page_size=5, page=first_page.page_count)
        early, late = first_page.records[0].id, last_page.records[-1].id
        tasks: list[asyncio.Task[None]] = []

        async def edit_both() -> None:
            await other.update("stock_items", early, attributes={"quantity": 901})  # its page is already stored
            await other.update("stock_items", late, attributes={"quantity": 902})  # its page is still to come

        def progress(resource: str, done: int, total: int | None) -> None:
            if done >= 50 and not tasks:
                tasks.append(asyncio.get_running_loop().create_task(edit_both()))

        syncer = Syncer(cache, client, page_size=5)
        await syncer.sync(["stock_items"], progress=progress)
        await tasks[0]
        (result,) = await syncer.sync(["stock_items"])
        assert result.mode == "incremental"
        assert cache.records.get("stock_items", early).attributes["quantity"] == 901  # type: ignore[union-attr]
        assert cache.records.get("stock_items", late).attributes["quantity"] == 902  # type: ignore[union-attr]
