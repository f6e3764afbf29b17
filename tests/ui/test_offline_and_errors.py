"""Starting from the cache with the server gone, pending edits, and field errors shown beside their field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.schema import STOCK_LEVELS, get_resource
from desktop_app.ui.boot.opening import open_workspace
from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.tasks import TaskSet
from tests.support.sandbox import start_sandbox
from tests.ui.conftest import connection_to, open_window, settle, sync_into, wait_until


@pytest.mark.asyncio
async def test_offline_start_from_the_cache_with_the_sandbox_stopped(data_dir: Path) -> None:
    with start_sandbox(seed="demo") as gone:
        await sync_into(gone, data_dir)
    async with open_window(gone, data_dir, sync=False) as (window, opened, errors):
        for type_, tab in window.tab_by_type.items():
            assert tab.model.total == opened.workspace.cached.records.count(type_) > 0, type_
        task = opened.workspace.start_sync()
        assert task is not None
        await settle(window)
        assert not opened.workspace.online
        assert "Offline" in window.status.online_label.text()

        tab = window.tab_by_type["stock_items"]
        index = tab.proxy.index(2, tab.model.column_of("quantity"))
        record_id = index.data(ResourceTableModel.IdRole)
        assert tab.proxy.setData(index, "321")
        await settle(window)
        row = tab.model.row_of(record_id)
        assert tab.model.index(row, 0).data(ResourceTableModel.PendingRole) is True
        assert tab.model.index(row, tab.model.column_of("quantity")).data() == "321"
        assert "1 pending edit" in window.status.pending_button.text()
        panel = PendingChangesDialog.open_for(window, opened.workspace)
        assert [e.record_id for e in panel.entries] == [record_id]
        panel.table.selectRow(0)
        panel.discard_button.click()
        await settle(window)
        assert tab.model.index(row, 0).data(ResourceTableModel.PendingRole) is False
        assert "No pending edits" in window.status.pending_button.text()
        panel.close()
        assert not errors


@pytest.mark.asyncio
async def test_offline_flag_reads_the_cache_only(sandbox: Any, data_dir: Path) -> None:
    await sync_into(sandbox, data_dir)
    before = len(sandbox.requests())
    opened = open_workspace(connection_to(sandbox), data_dir, offline=True, tasks=TaskSet())
    try:
        from desktop_app.ui.views.main_window import MainWindow

        window = MainWindow(opened.workspace)
        window.load()
        await settle(window)
        assert opened.workspace.start_sync() is None
        assert window.tab_by_type["skus"].model.rowCount() == opened.workspace.cached.records.count("skus")
        assert len(sandbox.requests()) == before
        window.close()
    finally:
        opened.workspace.close()
        opened.close()


def test_our_own_check_shows_the_error_under_the_field(qtbot: Any) -> None:
    from desktop_app.ui.models.lookups import Lookups

    dialog = RecordDialog(get_resource("inventory_models"), Lookups())
    qtbot.addWidget(dialog)
    dialog.inputs["name"].set_value("Spare parts")
    dialog.inputs["stock_locations_cutoff"].set_value(0)
    dialog.try_accept()
    assert dialog.result() != RecordDialog.DialogCode.Accepted
    assert "greater than or equal to 1" in dialog.error_for("stock_locations_cutoff")
    assert dialog.error_for("name") == ""
    dialog.inputs["name"].set_value(None)
    dialog.try_accept()
    assert dialog.error_for("name") == "can't be blank"


@pytest.mark.asyncio
async def test_the_servers_field_error_comes_back_next_to_the_field(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[RecordDialog] = []
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        existing = opened.workspace.cached.records.find(STOCK_LEVELS)[0]
        duplicate = {
            "inventory_model": existing.relationships["inventory_model"],
            "stock_location": existing.relationships["stock_location"],
        }

        def fake_ask(cls: Any, parent: Any, resource: Any, lookups: Any, record: Any = None, **kw: Any) -> Any:
            dialog = RecordDialog(resource, lookups, record, parent)
            if kw.get("values") is not None:
                dialog.set_values(*kw["values"])
            if kw.get("errors"):
                dialog.show_errors(kw["errors"])
                shown.append(dialog)
                return None
            return ({"priority": 99}, duplicate)

        monkeypatch.setattr(RecordDialog, "ask", classmethod(fake_ask))
        window.tabs.setCurrentWidget(window.tab_by_type[STOCK_LEVELS])
        count = opened.workspace.cached.records.count(STOCK_LEVELS)
        window.window_actions.new.trigger()
        await settle(window)
        await wait_until(lambda: bool(shown), what="the dialog to reopen with the server's errors")
        dialog = shown[0]
        assert "already been taken" in dialog.error_for("inventory_model")
        assert dialog.inputs["priority"].value() == 99
        assert opened.workspace.cached.records.count(STOCK_LEVELS) == count
        assert not opened.workspace.cached.outbox.entries()
        dialog.deleteLater()
        assert not errors


@pytest.mark.asyncio
async def test_a_conflict_is_resolved_from_the_pending_panel(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        tab = window.tab_by_type["stock_items"]
        index = tab.proxy.index(1, tab.model.column_of("quantity"))
        record_id = index.data(ResourceTableModel.IdRole)
        workspace.forced_offline = True  # queue the edit instead of sending it
        assert tab.proxy.setData(index, "5")
        await settle(window)
        await workspace.make_client().update("stock_items", record_id, attributes={"quantity": 777})
        workspace.forced_offline = False
        await workspace.push()
        await settle(window)
        assert "1 conflict" in window.status.pending_button.text()
        panel = PendingChangesDialog.open_for(window, workspace)
        panel.table.selectRow(0)
        assert panel.mine_button.isEnabled() and panel.theirs_button.isEnabled()
        panel.theirs_button.click()
        await settle(window)
        row = tab.model.row_of(record_id)
        assert tab.model.index(row, tab.model.column_of("quantity")).data(ResourceTableModel.SortRole) == 777
        assert not workspace.cached.outbox.entries()
        assert "No pending edits" in window.status.pending_button.text()
        panel.close()
        assert not errors
