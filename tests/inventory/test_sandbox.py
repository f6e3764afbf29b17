"""Against the sandbox over HTTP: the cache's availability agrees with the server's own ``inventory`` aggregate,
and reorder points set through the edit path reach the server's metadata and come back with a sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient
from desktop_app.inventory import StockFigures, low_stock, sku_availability
from desktop_app.inventory.threshold_edits import set_threshold
from desktop_app.store import Cache, cache_path
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    opened = Cache.open(cache_path(tmp_path, "sandbox"))
    yield opened
    opened.close()


async def server_inventory(client: CommerceLayerClient, sku_id: str) -> dict[str, Any]:
    inventory: dict[str, Any] = (await client.retrieve("skus", sku_id)).attributes["inventory"]
    return inventory


async def assert_agrees(cache: Cache, client: CommerceLayerClient, sku_id: str) -> None:
    """Quantity net of reserved, available, and the levels' quantities in priority order. A level carries only its
    quantity, as Commerce Layer's does; locations tied on priority in different models may come in either order, so
    the server's levels are compared group by group of equal priority."""
    with StockFigures(cache.path) as figures:
        result = sku_availability(figures, sku_id)
    mine = result.combined
    priority: dict[str, int] = {}  # a location's best priority among the models that count it
    for model in result.models:
        for location in model.counted:
            best = priority.get(location.location_id, location.priority or 0)
            priority[location.location_id] = min(best, location.priority or 0)
    theirs = await server_inventory(client, sku_id)
    assert (mine.available, mine.quantity) == (theirs["available"], theirs["quantity"]), sku_id
    their_quantities = [level["quantity"] for level in theirs["levels"]]
    assert len(their_quantities) == len(mine.levels), sku_id
    ranks = [priority[level.location_id] for level in mine.levels]
    assert ranks == sorted(ranks), "mine are in priority order"
    start = 0
    for rank in dict.fromkeys(ranks):
        group = [level.quantity for level, r in zip(mine.levels, ranks, strict=True) if r == rank]
        assert sorted(their_quantities[start : start + len(group)]) == sorted(group), (sku_id, rank)
        start += len(group)


@pytest.mark.asyncio
async def test_availability_agrees_with_the_servers_inventory_of_every_sku(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync()
        reserved_skus = {r.relationships.get("sku") for r in cache.records.find("reserved_stocks")}
        assert reserved_skus, "the demo has reserved stock"
        skus = cache.records.find("skus")
        for sku in skus:
            await assert_agrees(cache, client, sku.id)


@pytest.mark.asyncio
async def test_agreement_holds_after_the_cutoff_priorities_and_quantities_change(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync()
        reserved = cache.records.find("reserved_stocks")[0]
        item = cache.records.get("stock_items", str(reserved.relationships["stock_item"]))
        assert item is not None
        sku_id = str(item.relationships["sku"])
        models = cache.records.find("inventory_models")
        for model in models:
            await client.update("inventory_models", model.id, attributes={"stock_locations_cutoff": 1})
        levels = cache.records.find("stock_levels", order_by="priority")
        await client.update("inventory_stock_locations", levels[-1].id, attributes={"priority": 0})
        await client.update("stock_items", item.id, attributes={"quantity": 1})
        await Syncer(cache, client).sync()
        with StockFigures(cache.path) as figures:
            result = sku_availability(figures, sku_id)
        assert all(len(model.counted) == min(1, len(model.locations)) for model in result.models)
        await assert_agrees(cache, client, sku_id)
        for model in models:
            await client.update("inventory_models", model.id, attributes={"stock_locations_cutoff": 10})
        await Syncer(cache, client).sync()
        await assert_agrees(cache, client, sku_id)


@pytest.mark.asyncio
async def test_reorder_points_round_trip_through_the_servers_metadata(
    fresh_sandbox: SandboxProcess, cache: Cache, tmp_path: Path
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync()
        item = next(i for i in cache.records.find("stock_items") if (i.attributes.get("metadata") or {}).get("bin"))
        place = item.relationships["stock_location"]
        others = [i.id for i in cache.records.find("stock_items", where={"stock_location": place})]
        editor = Editor(cache, lambda: client)
        entries = set_threshold(editor, "stock_items", [item.id, *others[:3]], "reorder_point", 1_000)
        assert entries and len({e.group_id for e in entries}) == 1, "one action for many rows"
        assert set_threshold(editor, "stock_items", [item.id], "reorder_point", 1_000) == [], "nothing to change"
        result = await editor.push()
        assert result.sent == len(entries) and result.failed == result.conflicts == 0

        on_server = (await client.retrieve("stock_items", item.id)).attributes["metadata"]
        assert on_server["reorder_point"] == 1_000
        assert on_server["bin"] == item.attributes["metadata"]["bin"], "other metadata keys are kept"

        # Another manager's cache learns it with a sync; another tool's change comes back the same way.
        other = Cache.open(cache_path(tmp_path, "other"))
        try:
            await Syncer(other, client).sync()
            with StockFigures(other.path) as figures:
                assert item.id in {row.stock_item_id for row in low_stock(figures)}
            await client.update(
                "stock_items", item.id, attributes={"metadata": {**on_server, "reorder_point": 0, "target_level": 5}}
            )
            await Syncer(other, client).sync()
            with StockFigures(other.path) as figures:
                low = {row.stock_item_id: row for row in low_stock(figures)}
            quantity = int(item.attributes["quantity"])
            assert (item.id in low) == (quantity == 0)
        finally:
            other.close()

        # This cache has not seen the other tool's change: clearing from it is held as a conflict, not sent over it.
        (stale,) = set_threshold(editor, "stock_items", [item.id], "reorder_point", None)
        assert (await editor.push()).conflicts == 1
        editor.resolve(stale.id, "theirs")
        await Syncer(cache, client).sync()
        assert set_threshold(editor, "stock_items", [item.id], "reorder_point", None)
        assert (await editor.push()).sent == 1
        metadata = (await client.retrieve("stock_items", item.id)).attributes["metadata"]
        assert metadata == {"bin": item.attributes["metadata"]["bin"], "target_level": 5}


@pytest.mark.asyncio
async def test_a_skus_default_reorder_point_applies_to_its_stock_items(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync()
        skus = cache.records.find("skus")
        sku = next(s for s in skus if len(cache.records.find("stock_items", where={"sku": s.id})) >= 2)
        editor = Editor(cache, lambda: client)
        set_threshold(editor, "skus", [sku.id], "reorder_point", 100_000)
        await editor.push()
        assert (await client.retrieve("skus", sku.id)).attributes["metadata"]["reorder_point"] == 100_000
        await Syncer(cache, client).sync()
        stock = cache.records.find("stock_items", where={"sku": sku.id})
        items = {i.id for i in stock}
        own = {i.id for i in stock if "reorder_point" in (i.attributes.get("metadata") or {})}
        with StockFigures(cache.path) as figures:
            low = {row.stock_item_id: row for row in low_stock(figures) if row.sku_id == sku.id}
        assert set(low) >= items - own
        assert all(low[i].reorder_point_from == "SKU" for i in items - own)
