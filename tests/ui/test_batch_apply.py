"""A large batch applied from the window: queued in a worker thread while the window's loop keeps turning, every
change queued exactly once, sent (through a bulk import), undone as one, and the tables told once per type."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop_app.sync import BatchEdit
from desktop_app.sync.bulk import BULK_THRESHOLD
from desktop_app.ui.outcome import Status
from desktop_app.ui.undo import BatchCommand
from desktop_app.ui.workspace import MANY_IDS
from tests.support.sandbox import start_sandbox
from tests.ui.conftest import open_window, settle


@pytest.mark.asyncio
async def test_a_batch_is_queued_off_the_windows_thread_and_sent_once(
    qtbot: QtBot, fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        workspace = opened.workspace
        items = workspace.cached.records.find("stock_items")
        assert len(items) > BULK_THRESHOLD, "the demo has too few stock items for a bulk batch"
        before = {r.id: int(r.attributes["quantity"]) for r in items}
        made_in: list[str] = []

        def edits() -> list[BatchEdit]:
            made_in.append(threading.current_thread().name)
            return [
                BatchEdit("update", "stock_items", r.id, {"quantity": 5000 + n}, line_label=f"item {n}")
                for n, r in enumerate(items)
            ]

        turned: list[bool] = []
        QTimer.singleShot(0, lambda: turned.append(True))  # runs only if the loop turns while the batch is queued
        changed: list[tuple[str, list[str]]] = []
        workspace.records_changed.connect(lambda type_, ids: changed.append((type_, ids)))
        outcome = await workspace.apply_batch("Set quantity for every stock item", edits)

        assert outcome.status is Status.QUEUED and outcome.batch_id
        assert turned == [True], "the window's loop stood still while the batch was queued"
        assert made_in and made_in[0] != threading.current_thread().name
        (batch,) = workspace.batches()
        assert (batch.total, batch.waiting) == (len(items), len(items))
        assert len(set(outcome.entry_ids)) == len(items) == len(workspace.cached.outbox.entries())
        shown = workspace.cached.records.get("stock_items", items[3].id)
        assert shown is not None and shown.attributes["quantity"] == 5003 and shown.pending
        expected = [] if len(items) > MANY_IDS else sorted(before)
        assert [(t, sorted(ids)) for t, ids in changed[:1]] == [("stock_items", expected)]

        await settle(window)
        (batch,) = workspace.batches()
        assert (batch.sent, batch.state) == (len(items), "done")
        client = await workspace.ready_client()
        (job,) = (await client.list_page("imports")).records  # more than the threshold: one import
        assert job.attributes["processed_count"] == len(items)
        page = await client.list_page("stock_items", filters={"id_in": [items[0].id, items[-1].id]})
        assert sorted(r.attributes["quantity"] for r in page.records) == [5000, 5000 + len(items) - 1]

        # Ctrl+Z on a batch this large: undone in the worker thread, and Ctrl+Y after it, in that order.
        monkeypatch.setattr("desktop_app.ui.undo.INLINE_UNDO", 10)
        step = BatchCommand(workspace, batch.id, "Set quantity for every stock item")
        turned.clear()
        QTimer.singleShot(0, lambda: turned.append(True))
        step.undo()
        assert workspace.batches()[0].name == "Set quantity for every stock item", "not queued on the window's thread"
        await settle(window)
        assert turned == [True]
        page = await client.list_page("stock_items", filters={"id_in": [items[0].id, items[-1].id]})
        assert {r.id: r.attributes["quantity"] for r in page.records} == {
            items[0].id: before[items[0].id],
            items[-1].id: before[items[-1].id],
        }
        step.redo()  # the first redo Qt calls on push is skipped; this one applies the batch again
        step.redo()
        await settle(window)
        names = [b.name for b in workspace.batches()]
        assert names[:2] == [
            "Undo of Undo of Set quantity for every stock item",
            "Undo of Set quantity for every stock item",
        ]
        page = await client.list_page("stock_items", filters={"id_in": [items[0].id, items[-1].id]})
        assert sorted(r.attributes["quantity"] for r in page.records) == [5000, 5000 + len(items) - 1]
        undone = workspace.batches()[1]
        assert (undone.total, undone.sent) == (len(items), len(items))
        assert not errors


@pytest.mark.asyncio
async def test_a_refused_batch_applied_off_thread_names_the_field_and_queues_nothing(
    qtbot: QtBot, fresh_sandbox: Any, data_dir: Path
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        workspace = opened.workspace
        item = workspace.cached.records.find("stock_items")[0]
        refused: list[str] = []
        workspace.edit_refused.connect(refused.append)
        good = BatchEdit("update", "stock_items", item.id, {"quantity": 3})
        bad = BatchEdit("update", "stock_items", item.id, {"quantity": -3}, line_label="SKU X at Berlin")
        outcome = await workspace.apply_batch("Bad", [good, bad])
        assert outcome.status is Status.REFUSED and "quantity" in outcome.errors
        assert refused and "change 2, SKU X at Berlin" in refused[0]
        assert workspace.batches() == [] and workspace.cached.outbox.entries() == []
        assert not errors


@pytest.mark.asyncio
async def test_cancel_in_pending_edits_stops_a_running_import(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog

    monkeypatch.setenv("STOCKROOM_SANDBOX_IMPORT_PACE", "0.4")  # 50 inputs every 0.4 s: still running when cancelled
    with start_sandbox() as sandbox:
        async with open_window(sandbox, data_dir) as (window, opened, errors):
            await settle(window)
            workspace = opened.workspace
            items = workspace.cached.records.find("stock_items")
            before = {r.id: int(r.attributes["quantity"]) for r in items}
            edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 5000 + n}) for n, r in enumerate(items)]
            outcome = await workspace.apply_batch("Set quantity for every stock item", edits)
            client = await workspace.ready_client()

            async def processed() -> int:
                jobs = (await client.list_page("imports")).records
                return int(jobs[0].attributes["processed_count"]) if jobs else 0

            while await processed() < 50:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            panel = PendingChangesDialog.open_for(window, workspace).batch_panel
            panel.select_batch(outcome.batch_id)
            panel.cancel_button.click()
            await settle(window)

            (job,) = (await client.list_page("imports")).records
            assert job.attributes["status"] == "interrupted"
            (batch,) = workspace.batches()
            assert batch.sent == job.attributes["processed_count"] < len(items)
            assert batch.sent + batch.cancelled == len(items) and not workspace.cached.outbox.entries()
            assert f"{batch.cancelled:,} cancelled" in panel.table.item(0, 2).text()
            for line in workspace.batch_lines(batch.id):
                quantity = (await client.retrieve("stock_items", line.record_id)).attributes["quantity"]
                assert quantity == (5000 + line.position if line.state == "sent" else before[line.record_id])
            assert not errors
