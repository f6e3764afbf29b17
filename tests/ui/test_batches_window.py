"""Batches from the window: one call queues them all, one undo step takes the whole batch back and redo again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.sync import BatchEdit
from desktop_app.ui.outcome import Status
from tests.ui.conftest import open_window, settle, wait_until


async def _server_quantity(window: Any, record_id: str) -> int:
    client = await window.workspace.ready_client()
    return int((await client.retrieve("stock_items", record_id)).attributes["quantity"])


@pytest.mark.asyncio
async def test_a_batch_is_one_step_of_the_undo_stack(qtbot: QtBot, fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        workspace = opened.workspace
        items = workspace.cached.records.find("stock_items")[:3]
        before = [int(r.attributes["quantity"]) for r in items]
        edits = [
            BatchEdit("update", "stock_items", r.id, {"quantity": 900 + n}, line_label=r.id)
            for n, r in enumerate(items)
        ]
        steps = window.undo_stack.count()

        outcome = window.edits.submit_batch("Set quantity for 3 stock items", edits)
        assert outcome.status is Status.QUEUED and outcome.batch_id and len(outcome.entry_ids) == 3
        assert window.undo_stack.count() == steps + 1
        assert window.undo_stack.undoText() == "Set quantity for 3 stock items"
        await settle(window)
        (batch,) = [b for b in workspace.batches() if b.id == outcome.batch_id]
        assert (batch.sent, batch.total, batch.state) == (3, 3, "done")
        assert [await _server_quantity(window, r.id) for r in items] == [900, 901, 902]

        window.undo_stack.undo()
        await settle(window)
        assert [await _server_quantity(window, r.id) for r in items] == before
        assert workspace.batches()[0].name == "Undo of Set quantity for 3 stock items"

        window.undo_stack.redo()
        await settle(window)
        assert [await _server_quantity(window, r.id) for r in items] == [900, 901, 902]
        assert not errors


@pytest.mark.asyncio
async def test_a_bad_field_refuses_the_batch_and_names_it(qtbot: QtBot, fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        item = opened.workspace.cached.records.find("stock_items")[0]
        refused: list[str] = []
        opened.workspace.edit_refused.connect(refused.append)
        steps = window.undo_stack.count()
        outcome = window.edits.submit_batch("Bad", [BatchEdit("update", "stock_items", item.id, {"quantity": -3})])
        assert outcome.status is Status.REFUSED and "quantity" in outcome.errors
        assert refused and "quantity" in refused[0]
        assert window.undo_stack.count() == steps and opened.workspace.batches() == []
        assert not errors


@pytest.mark.asyncio
async def test_pending_edits_shows_a_batch_going_out_at_the_pace_of_the_limits(
    qtbot: QtBot, fresh_sandbox: Any, data_dir: Path
) -> None:
    from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog

    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        workspace = opened.workspace
        items = workspace.cached.records.find("stock_items")[:30]
        before = {r.id: int(r.attributes["quantity"]) for r in items}
        edits = [
            BatchEdit("update", "stock_items", r.id, {"quantity": 700 + n}, line_label=f"item {n}")
            for n, r in enumerate(items)
        ]
        # A local sandbox is not paced by the client; Commerce Layer's test-mode figures are set here as they
        # would be for a test organisation.
        limiter = workspace.make_client().rate_limiter
        limiter.mode = "test"
        limiter.set_environment(True)
        panel = PendingChangesDialog.open_for(window, workspace)
        batches = panel.batch_panel
        outcome = workspace.submit_batch("Set quantity for 30 stock items", edits)
        assert outcome.status is Status.QUEUED
        assert panel.table.rowCount() == 0  # its waiting edits are the batch's row, not thirty rows
        # Test-mode limits let 25 writes go in 10 seconds: the rest wait, and the panel says for how long.
        assert batches.table.rowCount() == 1 and batches.table.item(0, 0).text() == outcome_name(workspace)
        bar = batches.table.cellWidget(0, 1)
        await wait_until(lambda: bar.value() >= 25, what="the first 25 writes on the progress bar")
        assert bar.format().endswith(" / 30") and workspace.batches()[0].waiting
        state = batches.table.item(0, 2).text()
        assert state.startswith("Sending: about ") and state.endswith(" seconds left"), state

        batches.select_batch(outcome.batch_id)
        assert batches.cancel_button.isEnabled()
        batches.cancel_button.click()
        await settle(window)
        (batch,) = workspace.batches()
        assert batch.sent + batch.cancelled == 30 and batch.cancelled >= 1 and batch.failed == 0
        client = await workspace.ready_client()
        for line in workspace.batch_lines(batch.id):
            quantity = (await client.retrieve("stock_items", line.record_id)).attributes["quantity"]
            assert quantity == (before[line.record_id] if line.state == "cancelled" else 700 + line.position)
        assert f"{batch.cancelled:,} cancelled" in batches.table.item(0, 2).text()

        batches.select_batch(batch.id)
        batches.undo_button.click()
        undo = workspace.batches()[0]
        assert undo.name == "Undo of Set quantity for 30 stock items" and undo.total == batch.sent
        assert batches.table.item(0, 0).text() == undo.name and batches.selected().id == undo.id
        assert not errors


def outcome_name(workspace: Any) -> str:
    return str(workspace.batches()[0].name)


@pytest.mark.asyncio
async def test_refusals_of_a_batch_are_listed_by_record(qtbot: QtBot, fresh_sandbox: Any, data_dir: Path) -> None:
    from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog

    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await settle(window)
        workspace = opened.workspace
        taken = workspace.cached.records.find("stock_items")[0]
        twin = {"sku": str(taken.relationships["sku"]), "stock_location": str(taken.relationships["stock_location"])}
        ok = workspace.cached.records.find("stock_items")[1]
        outcome = workspace.submit_batch(
            "Import of twins.csv",
            [
                BatchEdit("create", "stock_items", None, {"quantity": 1}, twin),  # no label: named from the cache
                BatchEdit("update", "stock_items", ok.id, {"quantity": 5}, line_label="OK at Berlin Hub"),
            ],
        )
        await settle(window)
        panel = PendingChangesDialog.open_for(window, workspace)
        batches = panel.batch_panel
        batches.select_batch(outcome.batch_id)
        assert batches.table.item(0, 2).text() == "1 refused or in conflict"
        assert batches.table.cellWidget(0, 1).format() == "1 / 2"
        listed = [batches.errors.item(n).text() for n in range(batches.errors.count())]
        assert len(listed) == 1 and listed[0].startswith("Stock item ") and " at " in listed[0].split(": ")[0]
        assert panel.table.rowCount() == 1  # the refused edit waits for a decision (retry or discard) below
        assert not errors
