"""An edit made while another connection (the writer thread queueing a batch of thousands) holds the cache's write
lock: the window's connection does not wait for the lock, the edit goes to the writer thread, and it is queued
exactly once, under the entry id the window answered with, once the lock is free; a refusal found then is reported."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.store import LOCAL_ID_PREFIX, Cache
from desktop_app.ui.outcome import Status
from desktop_app.ui.tasks import TaskSet
from desktop_app.ui.workspace import Workspace
from tests.sync.test_sync import free_pair
from tests.ui.conftest import connection_to


@pytest.fixture
def workspace(synced_cache: Cache, sandbox: Any) -> Iterator[Workspace]:
    errors: list[BaseException] = []
    opened = Workspace(
        connection_to(sandbox), synced_cache, synced_cache.path, offline=True, tasks=TaskSet(errors.append)
    )
    yield opened
    opened.close()
    assert errors == []


@pytest.fixture
def writing(synced_cache: Cache) -> Iterator[sqlite3.Connection]:
    """A second connection holding the write lock, as the writer thread does through a batch's transaction."""
    other = sqlite3.connect(synced_cache.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


@pytest.mark.asyncio
async def test_an_edit_during_anothers_write_is_handed_over_and_queued_once(
    workspace: Workspace, synced_cache: Cache, writing: sqlite3.Connection
) -> None:
    record = synced_cache.records.find("stock_items")[0]
    changed: list[tuple[str, list[str]]] = []
    workspace.records_changed.connect(lambda type_, ids: changed.append((type_, list(ids))))

    outcome = workspace.update("stock_items", record.id, {"quantity": 4321})  # would wait 30 s for the lock

    assert outcome.status is Status.QUEUED and outcome.entry_id is not None
    assert synced_cache.outbox.entries() == [] and changed == []  # nothing written while the lock is held
    writing.execute("COMMIT")
    answer = await workspace.verdict(outcome)  # offline: kept, once written

    assert answer.status is Status.OFFLINE
    (entry,) = synced_cache.outbox.entries()
    assert (entry.id, entry.record_id, entry.attributes) == (outcome.entry_id, record.id, {"quantity": 4321})
    written = synced_cache.records.get("stock_items", record.id)
    assert written is not None and written.attributes["quantity"] == 4321 and written.pending
    assert ("stock_items", [record.id]) in changed

    again = workspace.update("stock_items", record.id, {"quantity": 4322})  # the lock free: written at once
    assert [e.id for e in synced_cache.outbox.entries()] == [outcome.entry_id, again.entry_id]


@pytest.mark.asyncio
async def test_an_edit_handed_over_and_refused_then_is_reported_and_not_queued(
    workspace: Workspace, synced_cache: Cache, writing: sqlite3.Connection
) -> None:
    record = synced_cache.records.find("stock_items")[0]
    refused: list[str] = []
    workspace.edit_refused.connect(refused.append)

    outcome = workspace.update("stock_items", record.id, {"quantity": 17})
    writing.execute("DELETE FROM records WHERE type = 'stock_items' AND id = ?", (record.id,))  # gone meanwhile
    writing.execute("COMMIT")
    answer = await workspace.verdict(outcome)

    assert answer.status is Status.REFUSED and record.id in answer.message
    assert synced_cache.outbox.entries() == []
    assert refused == [answer.message]


@pytest.mark.asyncio
async def test_a_new_record_during_anothers_write_is_created_once_under_the_id_answered(
    workspace: Workspace, synced_cache: Cache, writing: sqlite3.Connection
) -> None:
    sku, location = free_pair(synced_cache)

    outcome = workspace.create("stock_items", {"quantity": 5}, {"sku": sku, "stock_location": location})

    assert outcome.status is Status.QUEUED and outcome.record_id.startswith(LOCAL_ID_PREFIX)
    assert synced_cache.records.get("stock_items", outcome.record_id) is None
    writing.execute("COMMIT")
    await workspace.verdict(outcome)

    (entry,) = synced_cache.outbox.entries()
    assert (entry.id, entry.op, entry.record_id) == (outcome.entry_id, "create", outcome.record_id)
    created = synced_cache.records.get("stock_items", outcome.record_id)
    assert created is not None and created.attributes["quantity"] == 5
