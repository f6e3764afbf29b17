"""Pending edits shows the values: a conflict's before, yours and theirs side by side, a waiting edit's old and new,
the record by name, and a reason in words. The conflict is a real one: an edit queued here, the same record changed
on the sandbox meanwhile, then the push."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog
from desktop_app.ui.models.resource_table import ResourceTableModel
from tests.ui.conftest import open_window, settle
from tests.ui.shots import shoot

QUEUED, RECORD, CHANGE, BEFORE, YOURS, THEIRS, STATE, REASON = range(8)


def _row(panel: PendingChangesDialog, entry_id: str) -> list[str]:
    row = next(i for i, e in enumerate(panel.entries) if e.id == entry_id)
    return [panel.table.item(row, c).text() for c in range(panel.table.columnCount())]


def _number(value: int) -> str:
    return QLocale().toString(value)


@pytest.mark.asyncio
async def test_a_real_conflict_shows_before_yours_and_theirs_by_name(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        tab = window.tab_by_type["stock_items"]
        quantity = tab.model.column_of("quantity")
        first = tab.proxy.index(1, quantity).data(ResourceTableModel.IdRole)
        records = workspace.cached.records
        before = records.get("stock_items", first).attributes["quantity"]
        workspace.forced_offline = True  # queue the edit instead of sending it
        assert tab.proxy.setData(tab.proxy.index(1, quantity), "1005")
        await settle(window)
        # Someone else counts the first item meanwhile, on the server.
        await workspace.make_client().update("stock_items", first, attributes={"quantity": 1234})
        (conflicting,) = workspace.cached.outbox.entries_for("stock_items", first)
        workspace.forced_offline = False
        await workspace.push()
        await settle(window)
        assert workspace.cached.outbox.entry(conflicting.id).state == "conflict"

        panel = PendingChangesDialog.open_for(window, workspace)
        item = records.get("stock_items", first)
        sku = records.get("skus", item.relationships["sku"]).attributes["code"]
        location = records.get("stock_locations", item.relationships["stock_location"]).attributes["name"]
        shown = _row(panel, conflicting.id)
        assert sku in shown[RECORD] and location in shown[RECORD] and first not in shown[RECORD]
        assert shown[CHANGE] == "Quantity"
        assert (shown[BEFORE], shown[YOURS], shown[THEIRS]) == (_number(before), _number(1005), _number(1234))
        assert shown[STATE] == "Conflict"
        assert "changed on the server" in shown[REASON].lower()
        assert not any(mark in text for text in shown for mark in ("{", "}", "'", first))
        assert "→" in panel.table.item(0, YOURS).toolTip()  # old → new in words, for every row
        assert "1 conflict" in panel.summary.text()
        row = next(i for i, e in enumerate(panel.entries) if e.id == conflicting.id)
        panel.table.selectRow(row)
        assert panel.mine_button.isEnabled() and panel.theirs_button.isEnabled()
        await shoot(panel, "pending-conflict")

        # Keep mine: through the workspace, which sends 1,005 over the server's 1,234.
        panel.mine_button.click()
        await settle(window)
        await workspace.push()
        await settle(window)
        server = await workspace.make_client().retrieve("stock_items", first)
        assert server.attributes["quantity"] == 1005
        panel.close()
        assert not errors


@pytest.mark.asyncio
async def test_a_waiting_edit_shows_old_and_new_by_name(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        tab = window.tab_by_type["stock_items"]
        quantity = tab.model.column_of("quantity")
        record_id = tab.proxy.index(0, quantity).data(ResourceTableModel.IdRole)
        old = workspace.cached.records.get("stock_items", record_id).attributes["quantity"]
        workspace.forced_offline = True
        assert tab.proxy.setData(tab.proxy.index(0, quantity), "4321")
        await settle(window)
        panel = PendingChangesDialog.open_for(window, workspace)
        (entry,) = panel.entries
        shown = _row(panel, entry.id)
        assert (shown[CHANGE], shown[BEFORE], shown[YOURS], shown[THEIRS]) == (
            "Quantity",
            _number(old),
            _number(4321),
            "",
        )
        assert shown[STATE] == "Waiting to send" and shown[REASON] == ""
        assert record_id not in shown[RECORD] and shown[RECORD].startswith("Stock item ")
        tip = panel.table.item(0, CHANGE).toolTip()
        assert f"Quantity: {_number(old)} → {_number(4321)}" in tip
        assert panel.table.item(0, BEFORE).textAlignment() & Qt.AlignmentFlag.AlignRight
        panel.close()
        assert not errors


@pytest.mark.asyncio
async def test_a_refused_edit_says_why_in_words(fresh_sandbox: Any, data_dir: Path) -> None:
    """Deleted on the server meanwhile: the reason names no type or id (the Record column names the record)."""
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        records = workspace.cached.records
        held = {r.relationships.get("stock_item") for r in records.find("reserved_stocks")}
        item = next(r for r in records.find("stock_items") if r.id not in held)
        workspace.forced_offline = True
        assert workspace.update("stock_items", item.id, {"quantity": 3}).entry_id
        await settle(window)
        await workspace.make_client().delete("stock_items", item.id)
        workspace.forced_offline = False
        await workspace.push()
        await settle(window)
        panel = PendingChangesDialog.open_for(window, workspace)
        (entry,) = panel.entries
        shown = _row(panel, entry.id)
        assert shown[STATE] == "Refused by the server"
        assert shown[REASON].startswith("This stock item is no longer on the server")
        assert item.id not in shown[REASON] and "stock_items" not in shown[REASON]
        assert panel.table.item(0, REASON).toolTip() == shown[REASON]
        panel.close()
        assert not errors
