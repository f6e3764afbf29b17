"""After a push, the tables hear of the records it changed: by id for a few, the whole type for a batch of more than
MANY_IDS, whose ids the window's thread then never reads (a batch of thousands: 10-20 ms of reading there)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pytest

from desktop_app.store import Cache, Outbox
from desktop_app.sync import BatchEdit
from desktop_app.ui.outcome import Status
from desktop_app.ui.tasks import TaskSet
from desktop_app.ui.workspace import Workspace
from tests.ui.conftest import connection_to


@pytest.mark.asyncio
async def test_a_large_batchs_push_tells_the_tables_to_reload_the_type_without_reading_its_ids(
    synced_cache: Cache, fresh_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop_app.ui.workspace.MANY_IDS", 5)
    monkeypatch.setattr("desktop_app.ui.workspace_push.MANY_IDS", 5)
    errors: list[BaseException] = []
    workspace = Workspace(connection_to(fresh_sandbox), synced_cache, synced_cache.path, tasks=TaskSet(errors.append))
    items = synced_cache.records.find("stock_items")[:8]
    single = synced_cache.records.find("skus")[0]
    read: list[set[str]] = []
    keys = Outbox.entry_keys

    def watched(outbox: Outbox, *, skip_types: Collection[str] = ()) -> list[tuple[str, str, str, str]]:
        found = keys(outbox, skip_types=skip_types)
        read.append({type_ for _, type_, _, _ in found})
        return found

    monkeypatch.setattr(Outbox, "entry_keys", watched)
    changed: list[tuple[str, list[str]]] = []
    workspace.records_changed.connect(lambda type_, ids: changed.append((type_, list(ids))))
    edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 900 + n}) for n, r in enumerate(items)]
    outcome = workspace.submit_batch("Eight", edits)
    workspace.update("skus", single.id, {"name": "Renamed here"})
    assert outcome.status is Status.QUEUED
    changed.clear()
    await workspace.tasks.wait_idle(timeout=60)
    workspace.close()

    assert errors == [] and synced_cache.outbox.pending_count() == 0
    assert read and all("stock_items" not in types for types in read)  # the batch's ids never read
    assert ("stock_items", []) in changed and ("skus", [single.id]) in changed
