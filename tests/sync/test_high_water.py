"""The high-water mark of a full sync comes from the server's ``Date`` on page 1, not from a request before it."""

from __future__ import annotations

import asyncio
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.schema import format_datetime, parse_datetime
from desktop_app.store import Cache
from desktop_app.sync import Syncer
from desktop_app.sync.syncer import MARGIN, _high_water_of
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import api_requests, client_of


def test_the_mark_is_the_servers_date_less_the_margin() -> None:
    answered = datetime(2026, 11, 24, 11, 5, 9, tzinfo=UTC)
    assert _high_water_of("Tue, 24 Nov 2026 11:05:09 GMT") == format_datetime(answered - MARGIN)
    assert _high_water_of("Tue, 24 Nov 2026 11:05:09 GMT") < "2026-11-24T11:05:09.000Z"


@pytest.mark.parametrize("date", [None, "", "yesterday", "Tue, 99 Nov 2026 11:05:09 GMT"])
def test_without_a_usable_date_the_next_sync_walks_everything(date: str | None) -> None:
    assert _high_water_of(date) == ""


def clear_log(sandbox: SandboxProcess) -> None:
    request = urllib.request.Request(sandbox.url + "/_sandbox/requests", method="DELETE")
    with urllib.request.urlopen(request, timeout=30):
        pass


@pytest.mark.asyncio
async def test_a_full_sync_sends_only_the_listing(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await client.authenticate()
        clear_log(fresh_sandbox)
        before = datetime.now(UTC)
        (result,) = await Syncer(cache, client, page_size=5).sync(["stock_items"])
    listed = [r for r in api_requests(fresh_sandbox) if r["path"] == "/api/stock_items"]
    assert result.total is not None and len(listed) == -(-result.total // 5)
    mark = cache.sync_state.get("stock_items").high_water
    assert mark
    # The server's clock when it answered page 1, less the margin. Its Date header has whole seconds, and uvicorn
    # refreshes it from its own loop's tick, so on a busy machine it can lag by a few seconds more.
    assert before - MARGIN - timedelta(seconds=5) <= parse_datetime(mark) <= before - MARGIN + timedelta(seconds=2)


@pytest.mark.asyncio
async def test_an_edit_made_as_page_one_arrives_is_fetched_next_time(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client, client_of(fresh_sandbox) as other:
        first = (await client.list_page("stock_items", page_size=5)).records[0].id
        tasks: list[asyncio.Task[None]] = []

        async def edit() -> None:
            await other.update("stock_items", first, attributes={"quantity": 777})

        def progress(resource: str, done: int, total: int | None) -> None:
            if done > 0 and not tasks:
                tasks.append(asyncio.get_running_loop().create_task(edit()))

        syncer = Syncer(cache, client, page_size=5)
        await syncer.sync(["stock_items"], progress=progress)
        await tasks[0]
        assert cache.records.get("stock_items", first).attributes["quantity"] != 777  # type: ignore[union-attr]
        (result,) = await syncer.sync(["stock_items"])
    assert result.mode == "incremental" and result.fetched >= 1
    assert cache.records.get("stock_items", first).attributes["quantity"] == 777  # type: ignore[union-attr]
