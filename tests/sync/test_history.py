"""History over the sandbox: what a sync changed, recorded in the cache, and a record's versions fetched on demand
(then read offline)."""

from __future__ import annotations

import pytest

from desktop_app.history import change_summary, change_words, fetch_history, version_words
from desktop_app.store import Cache
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of


@pytest.mark.asyncio
async def test_a_sync_records_what_it_changed_and_keeps_the_last_syncs(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync()
        assert syncer.changed == {}, "a first sync creates everything: nothing to report"
        items = cache.records.find("stock_items", order_by="id")
        dropped, removed = items[0], items[1]
        await client.update("stock_items", dropped.id, attributes={"quantity": 3})
        await client.delete("stock_items", removed.id)
        level = cache.records.find("inventory_stock_locations", order_by="id")[0]
        await client.update(
            "inventory_stock_locations", level.id, attributes={"on_hold": not level.attributes["on_hold"]}
        )
        await syncer.sync()
    assert syncer.changed == {"stock_items": 2, "inventory_stock_locations": 1}
    assert change_summary(syncer.changed) == "2 stock items and 1 stock level changed"
    changes = {(c.type, c.record_id): c for c in cache.history.changes()}
    update = changes[("stock_items", dropped.id)]
    assert update.event == "update" and update.changes == {"quantity": [dropped.attributes["quantity"], 3]}
    assert update.quantity_delta == 3 - dropped.attributes["quantity"]
    assert change_words("stock_items", update.changes) == [f"Quantity {dropped.attributes['quantity']:,} → 3"]
    gone = changes[("stock_items", removed.id)]
    assert gone.event == "delete" and gone.attributes["quantity"] == removed.attributes["quantity"]
    on_hold = changes[("inventory_stock_locations", level.id)].changes
    assert on_hold == {"on_hold": [level.attributes["on_hold"], not level.attributes["on_hold"]]}
    assert len(cache.history.runs()) == 1
    # A sync that changed nothing leaves the record of the last one as it was.
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync()
    assert syncer.changed == {} and len(cache.history.runs()) == 1
    assert {(c.type, c.record_id) for c in cache.history.changes(last=5)} == set(changes)


@pytest.mark.asyncio
async def test_local_edits_are_not_counted_as_changes_of_a_sync(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        syncer = Syncer(cache, client)
        await syncer.sync()
        item = cache.records.find("stock_items", order_by="id")[0]
        editor = Editor(cache, lambda: client)
        editor.update("stock_items", item.id, attributes={"quantity": item.attributes["quantity"] + 5})
        assert cache.history.changes() == []
        await editor.push()
        await syncer.sync()
    # The server's copy moved by our own push: the sync finds the cache already holding it.
    assert syncer.changed == {} and cache.history.changes() == []


@pytest.mark.asyncio
async def test_history_is_fetched_on_demand_and_read_offline(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync(["stock_locations", "skus", "stock_items"])
        item = cache.records.find("stock_items", order_by="id")[0]
        before = item.attributes["quantity"]
        editor = Editor(cache, lambda: client)
        editor.update("stock_items", item.id, attributes={"quantity": 40})
        await editor.push()
        editor.update("stock_items", item.id, attributes={"quantity": 3})
        await editor.push()
        fresh_sandbox.requests()  # mark
        versions = await fetch_history(cache, client, "stock_items", item.id)
    assert [v.changes["quantity"] for v in versions[:2]] == [[40, 3], [before, 40]]
    heading, lines = version_words(versions[0])
    assert "updated by" in heading and lines == ["Quantity 40 → 3"]
    assert cache.history.fetched("stock_items", item.id) is not None
    # Offline: the same timeline from the cache alone.
    assert cache.history.versions("stock_items", item.id) == versions


@pytest.mark.asyncio
async def test_a_versions_related_records_and_states_read_by_name(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    """A transfer's creation names its SKU and both locations as the table does, and its status in words."""
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync(["stock_locations", "skus", "stock_transfers"])
        transfer = cache.records.find("stock_transfers", order_by="id")[0]
        versions = await fetch_history(cache, client, "stock_transfers", transfer.id)
    created = next(v for v in versions if v.event == "create")
    origin = cache.records.get("stock_locations", transfer.relationships["origin_stock_location"])
    sku = cache.records.get("skus", transfer.relationships["sku"])
    assert origin is not None and sku is not None
    _, lines = version_words(created, records=cache.records)
    assert f"Origin stock location {origin.attributes['name']}" in lines
    assert f"SKU {sku.attributes['name']}" in lines
    assert "Metadata none" not in lines  # a field created empty is not listed
    status = created.changes["status"][1]
    assert f"Status {status.replace('_', ' ').capitalize()}" in lines
    assert not any(transfer.relationships["origin_stock_location"] in line for line in lines)
    # Without the cache to name them, the ids are still said rather than dropped.
    _, bare = version_words(created)
    assert any(transfer.relationships["origin_stock_location"] in line for line in bare)
