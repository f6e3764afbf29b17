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
