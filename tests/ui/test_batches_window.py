"""Batches from the window: one call queues them all, one undo step takes the whole batch back and redo again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.sync import BatchEdit
from desktop_app.ui.outcome import Status
from tests.ui.conftest import open_window, settle


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
