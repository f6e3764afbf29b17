"""A push whose write meets another connection's write lock (the writer thread queueing a batch of thousands holds
it for a second or more) lets the event loop turn until the lock is free, then makes the write once: here the lock
is released by a callback of the same loop, which could never run if the push waited for the lock on the loop."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from desktop_app.store import Cache
from desktop_app.sync import BatchEdit, Editor
from desktop_app.sync.bulk import BULK_THRESHOLD
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of
from tests.sync.test_push import synced


def _hold_lock(cache: Cache) -> sqlite3.Connection:
    holder = sqlite3.connect(cache.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.mark.asyncio
async def test_a_single_send_waits_for_the_lock_with_the_loop_turning(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        record = cache.records.find("stock_items")[0]
        editor = Editor(cache, lambda: client)
        entry = editor.update("stock_items", record.id, attributes={"quantity": 611})
        holder = _hold_lock(cache)
        asyncio.get_running_loop().call_later(0.3, holder.execute, "COMMIT")
        fresh_sandbox.requests()  # the log from here on
        result = await editor.push()
        holder.close()

    assert (result.sent, result.failed, result.pending) == (1, 0, 0)
    patches = [r for r in fresh_sandbox.requests() if r["method"] == "PATCH"]
    assert [r["path"] for r in patches] == [f"/api/stock_items/{record.id}"]
    assert cache.outbox.entry(entry.id) is None


@pytest.mark.asyncio
async def test_an_imports_writes_wait_for_the_lock_with_the_loop_turning(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")
        assert len(items) >= BULK_THRESHOLD
        edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 800 + n}) for n, r in enumerate(items)]
        editor = Editor(cache, lambda: client)
        editor.queue_batch("Held", edits)
        holder = _hold_lock(cache)
        asyncio.get_running_loop().call_later(0.3, holder.execute, "COMMIT")
        result = await editor.push()
        holder.close()

    assert (result.sent, result.failed) == (len(items), 0)
    posts = [r for r in fresh_sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/imports"]
    assert len(posts) == 1
    assert cache.outbox.pending_count() == 0
