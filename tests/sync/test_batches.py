"""Batches over the sandbox: queued in one transaction, sent and counted line by line, cancelled, undone."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from desktop_app.errors import UsageError
from desktop_app.schema import FieldError
from desktop_app.store import Cache, CachedRecord, RecordStore
from desktop_app.sync import BatchEdit, Editor
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of, dead_url, make_client
from tests.sync.test_push import synced
from tests.sync.test_sync import deletable, free_pair


def _quantity(cache: Cache, record_id: str) -> int:
    record = cache.records.get("stock_items", record_id)
    assert record is not None
    return int(record.attributes["quantity"])


def _mixed(cache: Cache) -> tuple[list[BatchEdit], list[str], str]:
    """Two updates, a create and a delete of stock items; returns the edits, the updated ids and the deleted one."""
    gone = deletable(cache)[-1]
    updated = [r.id for r in cache.records.find("stock_items") if r.id != gone][:2]
    sku, location = free_pair(cache)
    edits = [
        BatchEdit("update", "stock_items", updated[0], {"quantity": 501}, line_label="first item"),
        BatchEdit("update", "stock_items", updated[1], {"quantity": 502}, line_label="second item"),
        BatchEdit("create", "stock_items", None, {"quantity": 7}, {"sku": sku, "stock_location": location}, "new item"),
        BatchEdit("delete", "stock_items", gone, line_label="old item"),
    ]
    return edits, updated, gone


@pytest.mark.asyncio
async def test_a_batch_is_queued_at_once_then_sent_and_counted(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        edits, updated, gone = _mixed(cache)
        editor = Editor(cache, lambda: client)
        batch = editor.queue_batch("Count of Berlin Hub", edits)
        assert (batch.name, batch.total, batch.sent, batch.failed, batch.state) == (
            "Count of Berlin Hub",
            4,
            0,
            0,
            "queued",
        )
        assert {e.batch_id for e in cache.outbox.entries()} == {batch.id}
        assert _quantity(cache, updated[0]) == 501 and cache.records.get("stock_items", gone) is None

        result = await editor.push()
        assert result.sent == 4 and cache.outbox.entries() == []
        done = cache.batches.batch(batch.id)
        assert done is not None and (done.sent, done.total, done.state) == (4, 4, "done")
        lines = cache.batches.lines(batch.id)
        assert [line.state for line in lines] == ["sent"] * 4
        created = lines[2]
        assert not created.record_id.startswith("local-")  # the server's id replaced the temporary one
        assert (await client.retrieve("stock_items", created.record_id)).attributes["quantity"] == 7
        assert (await client.retrieve("stock_items", updated[1])).attributes["quantity"] == 502


@pytest.mark.asyncio
async def test_one_bad_field_refuses_the_whole_batch_and_queues_nothing(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
    edits, updated, _ = _mixed(cache)
    edits.insert(1, BatchEdit("update", "stock_items", updated[1], {"quantity": "lots"}, line_label="SKU X at Y"))
    before = _quantity(cache, updated[0])
    with pytest.raises(FieldError) as raised:
        Editor(cache).queue_batch("Import of supplier.xlsx", edits)
    assert raised.value.field == "quantity" and "SKU X at Y" in raised.value.message
    assert cache.outbox.entries() == [] and cache.batches.batches() == []
    assert _quantity(cache, updated[0]) == before
    with pytest.raises(UsageError, match="no stock_items"):
        Editor(cache).queue_batch("x", [BatchEdit("update", "stock_items", "nosuchid", {"quantity": 1})])
    with pytest.raises(FieldError) as unknown:
        Editor(cache).queue_batch("x", [BatchEdit("update", "stock_items", updated[0], {"colour": "red"})])
    assert unknown.value.field == "colour"
    assert cache.outbox.entries() == [] and cache.batches.batches() == []


@pytest.mark.asyncio
async def test_cancel_drops_only_what_is_not_sent(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        edits, updated, gone = _mixed(cache)
        editor = Editor(cache, lambda: client)
        first = editor.queue_batch("Sent part", edits[:1])
        await editor.push()
        async with make_client(dead_url(), fresh_sandbox, max_retries=0) as offline:
            second = Editor(cache, lambda: offline).queue_batch("Unsent part", edits[1:])
        cancelled = editor.cancel_batch(second.id)
        assert (cancelled.cancelled, cancelled.sent, cancelled.state) == (3, 0, "cancelled")
        assert cache.outbox.entries() == []
        assert cache.records.get("stock_items", gone) is not None  # the delete was dropped: the record is back
        assert editor.cancel_batch(first.id).sent == 1  # nothing left to drop of a sent batch
        assert (await client.retrieve("stock_items", updated[0])).attributes["quantity"] == 501
        assert (await editor.push()).sent == 0


@pytest.mark.asyncio
async def test_undo_sends_compensating_edits_as_a_new_batch(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        edits, updated, gone = _mixed(cache)
        before = [_quantity(cache, i) for i in updated]
        old = cache.records.get("stock_items", gone)
        assert old is not None
        editor = Editor(cache, lambda: client)
        batch = editor.queue_batch("Set quantities", edits)
        await editor.push()
        created_id = cache.batches.lines(batch.id)[2].record_id

        undo = editor.undo_batch(batch.id)
        assert (undo.name, undo.total, undo.undo_of) == ("Undo of Set quantities", 4, batch.id)
        await editor.push()
        assert cache.batches.batch(undo.id).state == "done"  # type: ignore[union-attr]
        for record_id, quantity in zip(updated, before, strict=True):
            assert (await client.retrieve("stock_items", record_id)).attributes["quantity"] == quantity
        left = await client.list_page("stock_items", filters={"id_eq": created_id})
        assert left.record_count == 0
        again = await client.list_page(
            "stock_items",
            filters={
                "sku_id_eq": old.relationships["sku"],
                "stock_location_id_eq": old.relationships["stock_location"],
            },
        )
        assert again.record_count == 1 and again.records[0].attributes["quantity"] == old.attributes["quantity"]

        redo = editor.undo_batch(undo.id)  # undoing the undo applies the batch again
        await editor.push()
        assert redo.total == 4
        assert (await client.retrieve("stock_items", updated[0])).attributes["quantity"] == 501


@pytest.mark.asyncio
async def test_refused_lines_are_named_and_nothing_to_undo_says_why(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        taken = cache.records.find("stock_items")[0]
        editor = Editor(cache, lambda: client)
        duplicate = BatchEdit(
            "create",
            "stock_items",
            None,
            {"quantity": 1},
            {"sku": str(taken.relationships["sku"]), "stock_location": str(taken.relationships["stock_location"])},
            "a second item for the same SKU and location",
        )
        batch = editor.queue_batch("Duplicates", [duplicate])
        await editor.push()
        summary = cache.batches.batch(batch.id)
        assert summary is not None and (summary.failed, summary.state) == (1, "errors")
        (line,) = cache.batches.lines(batch.id)
        assert line.state == "failed" and line.error and line.line_label.startswith("a second item")
        with pytest.raises(UsageError, match="nothing of 'Duplicates' to undo"):
            editor.undo_batch(batch.id)
        assert cache.outbox.entries() == []  # the undo cancelled the refused line


@pytest.mark.asyncio
async def test_status_reads_a_big_batch_with_thousands_separators(fresh_sandbox: SandboxProcess, cache: Cache) -> None:
    from desktop_app.commands.data_output import batch_lines

    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
    items = cache.records.find("stock_items")
    edits = [
        BatchEdit("update", "stock_items", items[n % len(items)].id, {"quantity": n}, line_label=f"item {n}")
        for n in range(1200)
    ]
    batch = Editor(cache).queue_batch("Count of Berlin Hub", edits)
    assert batch.total == 1200 and len(cache.outbox.entries()) == 1200
    text = "\n".join(batch_lines(cache))
    assert "Count of Berlin Hub (" in text and "0 of 1,200 sent, 1,200 waiting" in text


@pytest.mark.asyncio
async def test_undo_reads_the_batchs_records_in_sets_not_one_by_one(
    fresh_sandbox: SandboxProcess, cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")[:6]
        before = {r.id: r.attributes["quantity"] for r in items}
        edits = [
            BatchEdit("update", "stock_items", r.id, {"quantity": 700 + n}, line_label=f"item {n}")
            for n, r in enumerate(items)
        ]
        editor = Editor(cache, lambda: client)
        batch = editor.queue_batch("Six", edits)
        await editor.push()
        gone = items[-1].id
        cache.records.remove_ids("stock_items", {gone})  # no longer in the cache: its line cannot be undone

        sets: list[int] = []
        get_many = RecordStore.get_many

        def one_by_one(*_: object) -> None:
            raise AssertionError("a record of the batch was looked up on its own")

        def in_sets(store: RecordStore, type_: str, ids: Iterable[str]) -> dict[str, CachedRecord]:
            ids = list(ids)
            sets.append(len(ids))
            return get_many(store, type_, ids)

        monkeypatch.setattr(RecordStore, "get", one_by_one)
        monkeypatch.setattr(RecordStore, "get_many", in_sets)
        undo = editor.undo_batch(batch.id)
        monkeypatch.undo()

        assert sets == [6, 5]  # the records undone, then the compensating edits' checks
        assert undo.total == 5 and undo.notes == ("item 5: no longer here, its change cannot be undone",)
        await editor.push()
        for record in items[:-1]:
            assert (await client.retrieve("stock_items", record.id)).attributes["quantity"] == before[record.id]
