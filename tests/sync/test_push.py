"""The outbox against the sandbox: offline edits then push, a create whose answer was lost, conflicts, refusals."""

from __future__ import annotations

import pytest

from desktop_app.api import CommerceLayerClient
from desktop_app.store import OP_KEY, Cache
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of, dead_url, make_client
from tests.sync.test_sync import deletable, free_pair


async def synced(cache: Cache, client: CommerceLayerClient) -> None:
    await Syncer(cache, client).sync()


@pytest.mark.asyncio
async def test_offline_edits_stay_queued_then_push_sends_them_in_order(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        item = cache.records.find("stock_items")[0]
        sku, location_id = free_pair(cache)
        async with make_client(dead_url(), fresh_sandbox, max_retries=0) as offline:
            editor = Editor(cache, lambda: offline)
            editor.update("stock_items", item.id, attributes={"quantity": 11})
            editor.update("stock_items", item.id, attributes={"quantity": 12})
            created = editor.create("stock_items", {"quantity": 9}, {"sku": sku, "stock_location": location_id})
            follow_up = editor.update("stock_items", created.record_id, attributes={"reference": "new shelf"})
            result = await editor.push()
        assert result.offline and result.sent == 0
        assert cache.outbox.pending_count() == 4
        assert cache.records.get("stock_items", item.id).attributes["quantity"] == 12  # type: ignore[union-attr]
        local = cache.records.get("stock_items", created.record_id)
        assert local is not None and local.local and local.pending

        result = await Editor(cache, lambda: client).push()
        assert (result.sent, result.failed, result.conflicts, result.offline) == (4, 0, 0, False)
        assert cache.outbox.entries() == []
        assert (await client.retrieve("stock_items", item.id)).attributes["quantity"] == 12
        server_id = result.confirmed[created.id]
        assert result.confirmed[follow_up.id] == server_id
        on_server = await client.retrieve("stock_items", server_id, include=["sku", "stock_location"])
        assert on_server.attributes["reference"] == "new shelf"
        assert on_server.attributes["metadata"][OP_KEY] == created.id
        assert on_server.relationships == {"sku": sku, "stock_location": location_id}
        assert cache.records.get("stock_items", created.record_id) is None
        mine = cache.records.get("stock_items", server_id)
        assert mine is not None and not mine.pending and mine.relationships["sku"] == sku


@pytest.mark.asyncio
async def test_create_whose_answer_was_lost_is_made_exactly_once(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox, max_retries=1) as client:
        await synced(cache, client)
        sku, location_id = free_pair(cache)
        editor = Editor(cache, lambda: client)
        entry = editor.create("stock_items", {"quantity": 4}, {"sku": sku, "stock_location": location_id})
        fresh_sandbox.fault(method="POST", path="/api/stock_items", drop="after")
        first = await editor.push()
        assert first.offline and cache.outbox.entry(entry.id) is not None  # committed on the server, answer lost
        second = await editor.push()
        assert second.sent == 1 and cache.outbox.entries() == []
        page = await client.list_page("stock_items", filters={"metadata_jcont": {OP_KEY: entry.id}})
        assert page.record_count == 1
        posts = [r for r in fresh_sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/stock_items"]
        assert len(posts) == 1
        assert cache.records.get("stock_items", page.records[0].id) is not None


@pytest.mark.asyncio
async def test_two_counts_of_the_same_shelf_conflict_and_either_side_can_win(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        first, second = cache.records.find("stock_items")[:2]
        editor = Editor(cache, lambda: client)
        mine_a = editor.update("stock_items", first.id, attributes={"quantity": 40, "reference": "count A"})
        mine_b = editor.update("stock_items", second.id, attributes={"quantity": 41})
        await client.update("stock_items", first.id, attributes={"quantity": 33})  # someone else counted
        await client.update("stock_items", second.id, attributes={"quantity": 34})
        result = await editor.push()
        assert result.conflicts == 2 and result.sent == 0
        held = cache.outbox.entry(mine_a.id)
        assert held is not None and held.state == "conflict"
        assert held.theirs is not None and held.theirs["attributes"] == {"quantity": 33}
        assert cache.records.get("stock_items", first.id).attributes["quantity"] == 40  # type: ignore[union-attr]

        editor.resolve(mine_a.id, keep="mine")
        editor.resolve(mine_b.id, keep="theirs")
        result = await editor.push()
        assert result.sent == 1 and cache.outbox.entries() == []
        assert (await client.retrieve("stock_items", first.id)).attributes["quantity"] == 40
        assert (await client.retrieve("stock_items", second.id)).attributes["quantity"] == 34
        assert cache.records.get("stock_items", second.id).attributes["quantity"] == 34  # type: ignore[union-attr]
        assert not cache.records.get("stock_items", second.id).pending  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_change_of_another_field_is_not_a_conflict(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        item = cache.records.find("stock_items")[0]
        editor = Editor(cache, lambda: client)
        editor.update("stock_items", item.id, attributes={"quantity": 61})
        await client.update("stock_items", item.id, attributes={"reference": "relabelled"})
        result = await editor.push()
        assert result.sent == 1 and result.conflicts == 0
        on_server = await client.retrieve("stock_items", item.id)
        assert (on_server.attributes["quantity"], on_server.attributes["reference"]) == (61, "relabelled")


@pytest.mark.asyncio
async def test_refusal_is_kept_with_the_field_message_and_discard_restores(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        first, second = [r for r in cache.records.find("stock_locations") if r.attributes.get("code")][:2]
        editor = Editor(cache, lambda: client)
        entry = editor.update("stock_locations", second.id, attributes={"code": first.attributes["code"]})
        result = await editor.push()
        assert result.failed == 1
        kept = cache.outbox.entry(entry.id)
        assert kept is not None and kept.state == "failed" and "code" in kept.field_errors
        assert cache.outbox.pending_count() == 1
        assert (await editor.push()).sent == 0  # a refused entry is not resent blindly
        editor.discard(entry.id)
        assert cache.outbox.entries() == []
        restored = cache.records.get("stock_locations", second.id)
        assert restored is not None and restored.attributes["code"] == second.attributes["code"]


@pytest.mark.asyncio
async def test_delete_queued_offline_then_pushed(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        item = cache.records.get("stock_items", deletable(cache)[3])
        assert item is not None
        editor = Editor(cache, lambda: client)
        editor.delete("stock_items", item.id)
        assert cache.records.get("stock_items", item.id) is None and cache.outbox.pending_count() == 1
        assert (await editor.push()).sent == 1
        page = await client.list_page("stock_items", filters={"id_in": [item.id]})
        assert page.record_count == 0


@pytest.mark.asyncio
async def test_two_pushes_at_once_send_each_edit_once(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    import asyncio

    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        sku, location_id = free_pair(cache)
        item = cache.records.find("stock_items")[0]
        editor = Editor(cache, lambda: client)
        editor.create("stock_items", {"quantity": 2}, {"sku": sku, "stock_location": location_id})
        editor.update("stock_items", item.id, attributes={"quantity": 21})
        before = len(fresh_sandbox.requests())
        first, second = await asyncio.gather(editor.push(), Editor(cache, lambda: client).push())
        writes = [r for r in fresh_sandbox.requests()[before:] if r["method"] in ("POST", "PATCH")]
        assert first.sent + second.sent == 2 and cache.outbox.entries() == []
        assert sorted(r["method"] for r in writes) == ["PATCH", "POST"]


@pytest.mark.asyncio
async def test_a_reorder_reads_its_records_in_one_request_before_patching(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        model = cache.records.find("inventory_models")[0]
        levels = cache.records.find("stock_levels", where={"inventory_model": model.id}, order_by="priority")
        assert len(levels) >= 2
        editor = Editor(cache, lambda: client)
        count = len(levels)
        editor.update_many(
            [("stock_levels", level.id, {"priority": count - n}) for n, level in enumerate(levels)], label="reorder"
        )
        before = len(fresh_sandbox.requests())
        result = await editor.push()
        log = [r for r in fresh_sandbox.requests()[before:] if r["path"].startswith("/api/")]
        assert result.sent == count and cache.outbox.entries() == []
        assert [r["method"] for r in log].count("GET") == 1
        assert [r["method"] for r in log].count("PATCH") == count
        shown = cache.records.find("stock_levels", where={"inventory_model": model.id}, order_by="priority")
        assert [r.id for r in shown] == [level.id for level in reversed(levels)]
