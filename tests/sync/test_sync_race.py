"""A full sync whose pages were listed before a push confirmed newer versions must not bring the old ones back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from desktop_app.store import Cache
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of
from tests.sync.test_sync import free_pair


@pytest.mark.asyncio
@pytest.mark.parametrize("queued_after", [False, True], ids=["confirmed", "still-queued"])
async def test_pages_listed_before_a_push_keep_neither_old_values_nor_miss_new_records(
    fresh_sandbox: SandboxProcess, cache: Cache, queued_after: bool
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync(["skus", "stock_locations", "stock_items"], full=True)
        item = cache.records.find("stock_items")[0]
        sku, place = free_pair(cache)
        editor = Editor(cache, lambda: client)
        listing = client.list_all_raw

        async def listed_before_the_push(*args: Any, **options: Any) -> AsyncIterator[Any]:
            """Every page read first (the server as it was), then the push, then the pages handed to the sync."""
            pages = [page async for page in listing(*args, **options)]
            editor.update("stock_items", item.id, attributes={"quantity": 4321})
            created = editor.create("stock_items", {"quantity": 9}, {"sku": sku, "stock_location": place})
            result = await editor.push()
            assert result.sent == 2, result.messages
            if queued_after:  # an edit queued after the push: the row is pending while the old page arrives
                editor.update("stock_items", item.id, attributes={"reference": "counted"})
            nonlocal new_id
            new_id = result.confirmed[created.id]
            for page in pages:
                yield page

        new_id = ""
        client.list_all_raw = listed_before_the_push  # type: ignore[method-assign]
        await Syncer(cache, client).sync(["stock_items"], full=True)
        kept = cache.records.get("stock_items", item.id)
        assert kept is not None and kept.attributes["quantity"] == 4321
        assert cache.records.get("stock_items", new_id) is not None, "the record created during the listing"
        if queued_after:
            server = cache.records.server_version("stock_items", item.id)
            assert server is not None and server["attributes"]["quantity"] == 4321


def _tombstones(cache: Cache) -> list[tuple[str, str]]:
    return [(str(t), str(i)) for t, i in cache.database.query("SELECT type, id FROM tombstones ORDER BY 1, 2")]


@pytest.mark.asyncio
async def test_a_delete_confirmed_during_a_full_sync_is_not_brought_back_by_a_page_listed_before_it(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync(["skus", "stock_locations", "stock_items"], full=True)
        sku, place = free_pair(cache)
        editor = Editor(cache, lambda: client)
        created = editor.create("stock_items", {"quantity": 3}, {"sku": sku, "stock_location": place})
        doomed = (await editor.push()).confirmed[created.id]
        await Syncer(cache, client).sync(["stock_items"])
        listing = client.list_all_raw

        async def listed_before_the_delete(*args: Any, **options: Any) -> AsyncIterator[Any]:
            """The pages (the record still in one) read first, then the delete confirmed, then the pages written."""
            pages = [page async for page in listing(*args, **options)]
            assert any(doomed in page.text for page in pages), "the listing holds the record"
            editor.delete("stock_items", doomed)
            result = await editor.push()
            assert result.sent == 1, result.messages
            assert cache.records.get("stock_items", doomed) is None
            for page in pages:
                yield page

        client.list_all_raw = listed_before_the_delete  # type: ignore[method-assign]
        await Syncer(cache, client).sync(["stock_items"], full=True)
        assert cache.records.get("stock_items", doomed) is None, "resurrected by a page listed before the delete"
        client.list_all_raw = listing  # type: ignore[method-assign]
        now_on_server = (await client.list_page("stock_items", page_size=1)).record_count
        assert cache.records.server_count("stock_items") == now_on_server
        assert ("stock_items", doomed) in _tombstones(cache), "kept for a while: another pass may still be listing"
        await Syncer(cache, client).sync(["stock_items"], full=True)
        assert cache.records.get("stock_items", doomed) is None


@pytest.mark.asyncio
async def test_a_page_of_an_incremental_sync_listed_before_a_delete_does_not_bring_it_back(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync(["skus", "stock_locations", "stock_items"], full=True)
        item = cache.records.find("stock_items")[0]
        page = await client.list_page("stock_items", filters={"id_eq": item.id})
        assert [r.id for r in page.records] == [item.id]
        editor = Editor(cache, lambda: client)
        editor.delete("stock_items", item.id)
        assert (await editor.push()).sent == 1
        assert cache.records.store_page(page.records) == 1  # the page as an incremental sync writes it
        assert cache.records.get("stock_items", item.id) is None
        assert item.id not in cache.records.server_ids("stock_items")


def test_tombstones_last_until_a_later_pass_and_an_hour_have_gone_by(cache: Cache) -> None:
    with cache.database.transaction() as db:
        db.executemany(
            "INSERT INTO tombstones (type, id, deleted_at) VALUES (?, ?, ?)",
            [
                ("stock_items", "OldDelete0", "2020-01-01T00:00:00.000Z"),
                ("stock_items", "NewDelete0", "2999-01-01T00:00:00.000Z"),
                ("skus", "OldSku0000", "2020-01-01T00:00:00.000Z"),
            ],
        )
    assert cache.records.forget_deleted("stock_items", before="2019-01-01T00:00:00.000Z") == 0  # pass began earlier
    assert cache.records.forget_deleted("stock_items", before="3000-01-01T00:00:00.000Z") == 1  # not the recent one
    assert _tombstones(cache) == [("skus", "OldSku0000"), ("stock_items", "NewDelete0")]
