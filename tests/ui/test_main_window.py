"""The main window against the demo sandbox over real HTTP: tabs, filters, sorting, links, edits, undo, export."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.api import NotFoundError
from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.dialogs.messages import Messages
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.export import ExportDialog
from desktop_app.ui.models.resource_table import ResourceTableModel
from tests.ui.conftest import open_window, settle


def answers(monkeypatch: pytest.MonkeyPatch, *replies: Any) -> list[dict[str, Any]]:
    """Replace ``RecordDialog.ask`` with canned answers; returns what each call was given."""
    calls: list[dict[str, Any]] = []
    queue = list(replies)

    def fake_ask(cls: Any, parent: Any, resource: Any, lookups: Any, record: Any = None, **kw: Any) -> Any:
        calls.append({"resource": resource.type, "record": record, **kw})
        return queue.pop(0) if queue else None

    monkeypatch.setattr(RecordDialog, "ask", classmethod(fake_ask))
    return calls


async def server_record(window: Any, type_: str, record_id: str) -> Any:
    return await window.workspace.make_client().retrieve(type_, record_id)


def all_sent(window: Any, sandbox: Any, said: list[str], asked: list[dict[str, Any]]) -> None:
    """Nothing is left in the outbox and the server answered a PATCH; else say what is left, what the window said,
    what the dialog was asked and what the server was sent, so a failure names its cause."""
    left = window.workspace.cached.outbox.entries()
    sent = [(r["method"], r["path"], r["status"]) for r in sandbox.requests() if r["path"].startswith("/api/")]
    facts = {
        "left": [(e.op, e.type, e.state, e.error, e.attempts) for e in left],
        "said": [*said, window.status.currentMessage()],
        "offline": window.workspace.offline,
        "asked": len(asked),
        "edit_enabled": window.window_actions.edit.isEnabled(),
        "tab": (window.current_tab().type, window.current_tab().current_id(), window.current_tab().has_selection()),
        "sent": sent[-8:],
    }
    assert not left and any(m == "PATCH" and status < 300 for m, _, status in sent), str(facts)


@pytest.mark.asyncio
async def test_every_tab_opens_with_rows_from_the_sandbox(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, opened, errors):
        for type_, tab in window.tab_by_type.items():
            assert tab.model.total == opened.workspace.cached.records.count(type_) > 0, type_
            assert tab.synced_at() is not None
        items = window.tab_by_type["stock_items"]
        assert items.proxy.index(0, items.model.column_of("sku.code")).data()
        assert window.windowTitle() == "Stockroom — ui-test (test)"
        assert "as of" in window.status.as_of_label.text()
        assert not errors


@pytest.mark.asyncio
async def test_filter_sort_and_links(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, opened, _):
        levels = window.tab_by_type[STOCK_LEVELS]
        levels.select_inventory_model(None)
        held = [r for r in opened.workspace.cached.records.find(STOCK_LEVELS) if r.attributes.get("on_hold")]
        levels.filter_bar.set_value("on_hold", True)
        assert levels.proxy.rowCount() == len(held)
        levels.filter_bar.clear()
        assert levels.proxy.rowCount() == levels.model.total

        items = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(items)
        column = items.model.column_of("quantity")
        items.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        first = items.proxy.index(0, column).data(ResourceTableModel.SortRole)
        assert first == max(r.attributes["quantity"] for r in opened.workspace.cached.records.find("stock_items"))
        items.quick_find.setText("zzz-no-such-thing")
        assert items.proxy.rowCount() == 0
        items.quick_find.clear()

        items.table.selectRow(0)
        record_id = items.current_id()
        links = items.details.links()
        sku_id = opened.workspace.cached.records.get("stock_items", record_id).relationships["sku"]
        assert ("skus", sku_id) in links
        items.details.link_activated.emit("skus", sku_id)
        assert window.current_tab().type == "skus"
        assert window.current_tab().current_id() == sku_id


@pytest.mark.asyncio
async def test_create_edit_undo_delete_reach_the_server(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answers(
        monkeypatch,
        ({"name": "Nordics", "strategy": "split_shipments", "metadata": {"team": "north"}}, {}),
        ({"name": "Nordic countries"}, {}),
    )
    monkeypatch.setattr(Messages, "confirm_delete", classmethod(lambda cls, *a: True))
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        said: list[str] = []
        window.edits.message.connect(said.append)
        tab = window.tab_by_type["inventory_models"]
        window.tabs.setCurrentWidget(tab)
        before = tab.model.rowCount()
        window.window_actions.new.trigger()
        await settle(window)
        assert tab.model.rowCount() == before + 1
        created = next(
            r for r in opened.workspace.cached.records.find("inventory_models") if r.attributes["name"] == "Nordics"
        )
        assert not created.pending and not created.id.startswith("local")
        assert (await server_record(window, "inventory_models", created.id)).attributes["strategy"] == "split_shipments"
        assert tab.current_id() == created.id

        window.window_actions.edit.trigger()
        await settle(window)
        all_sent(window, fresh_sandbox, said, asked)
        assert (await server_record(window, "inventory_models", created.id)).attributes["name"] == "Nordic countries"
        row = tab.model.row_of(created.id)
        assert tab.model.index(row, tab.model.column_of("name")).data() == "Nordic countries"

        window.window_actions.undo.trigger()
        await settle(window)
        assert (await server_record(window, "inventory_models", created.id)).attributes["name"] == "Nordics"
        window.window_actions.redo.trigger()
        await settle(window)
        assert (await server_record(window, "inventory_models", created.id)).attributes["name"] == "Nordic countries"

        tab.table.select_record(created.id)
        window.window_actions.delete.trigger()
        await settle(window)
        assert tab.model.row_of(created.id) == -1
        with pytest.raises(NotFoundError):
            await server_record(window, "inventory_models", created.id)
        window.window_actions.undo.trigger()  # undoing a delete creates it again (with a new id)
        await settle(window)
        again = [
            r
            for r in opened.workspace.cached.records.find("inventory_models")
            if r.attributes["name"] == "Nordic countries"
        ]
        assert len(again) == 1 and not again[0].pending
        assert not errors
        methods = [(r["method"], r["path"].split("/")[2]) for r in fresh_sandbox.requests() if r["status"] < 300]
        assert ("POST", "inventory_models") in methods and ("DELETE", "inventory_models") in methods


@pytest.mark.asyncio
async def test_inline_quantity_edit_and_undo(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        column = tab.model.column_of("quantity")
        index = tab.proxy.index(0, column)
        record_id = index.data(ResourceTableModel.IdRole)
        old = index.data(ResourceTableModel.SortRole)
        assert tab.proxy.setData(index, str(old + 5))
        assert tab.model.index(tab.model.row_of(record_id), column).data(ResourceTableModel.SortRole) == old + 5
        await settle(window)
        assert (await server_record(window, "stock_items", record_id)).attributes["quantity"] == old + 5
        window.window_actions.undo.trigger()
        await settle(window)
        assert (await server_record(window, "stock_items", record_id)).attributes["quantity"] == old
        assert window.undo_stack.canRedo()
        levels = window.tab_by_type[STOCK_LEVELS]
        levels.select_inventory_model(None)
        hold = levels.proxy.index(0, levels.model.column_of("on_hold"))
        level_id = hold.data(ResourceTableModel.IdRole)
        assert levels.proxy.setData(hold, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
        await settle(window)
        assert (await server_record(window, STOCK_LEVELS, level_id)).attributes["on_hold"] is True
        assert not errors


@pytest.mark.asyncio
async def test_export_writes_the_visible_rows(
    sandbox: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "items.csv"
    monkeypatch.setattr(ExportDialog, "ask_path", classmethod(lambda cls, parent, suggested: target))
    async with open_window(sandbox, data_dir) as (window, _, _):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        code = tab.proxy.index(0, tab.model.column_of("sku.code")).data()
        tab.quick_find.setText(code)
        window.window_actions.export.trigger()
        while window.export is not None and window.export.running:  # streamed from a thread  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        rows = list(csv.reader(target.open(encoding="utf-8")))
        assert rows[0][:5] == ["SKU code", "Stock location", "Quantity", "Reserved", "Available"]
        assert len(rows) == tab.proxy.rowCount() + 1 > 1
        assert all(r[0] == code for r in rows[1:])


@pytest.mark.asyncio
async def test_column_layout_and_sort_are_remembered(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, _, _):
        tab = window.tab_by_type["stock_items"]
        reference = tab.model.column_of("sku.name")  # shown by default: hiding it is the person's choice
        quantity = tab.model.column_of("quantity")
        menu = tab.table.column_menu()
        assert [a.text() for a in menu.actions()][: len(tab.model.columns)] == [c.label for c in tab.model.columns]
        tab.table.set_column_visible(reference, False)
        tab.table.setColumnWidth(quantity, 133)
        tab.table.sortByColumn(quantity, Qt.SortOrder.DescendingOrder)
    async with open_window(sandbox, data_dir, sync=False) as (window, _, _):
        tab = window.tab_by_type["stock_items"]
        assert tab.table.isColumnHidden(reference)
        assert tab.table.columnWidth(quantity) == 133
        assert tab.model.sort_state == (quantity, Qt.SortOrder.DescendingOrder)
        values = [tab.proxy.index(r, quantity).data(ResourceTableModel.SortRole) for r in range(20)]
        assert values == sorted(values, reverse=True)


@pytest.mark.asyncio
async def test_a_record_shown_on_purpose_is_selected_whatever_keys_are_held(
    sandbox: Any, data_dir: Path, qtbot: Any
) -> None:
    """A record the window goes to (one just made with Ctrl+N, a link followed) is current and selected even while
    Ctrl is down: the row is not toggled off, and Edit applies to it."""
    async with open_window(sandbox, data_dir) as (window, _opened, _):
        tab = window.tab_by_type["inventory_models"]
        window.tabs.setCurrentWidget(tab)
        await settle(window)
        first, second = tab.model.id_at(0), tab.model.id_at(1)
        qtbot.keyPress(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl is down from here
        try:
            for record_id in (first, second, second):
                assert tab.select_record(record_id)
                assert tab.current_id() == record_id and tab.selected_ids() == [record_id]
            assert window.window_actions.edit.isEnabled()
        finally:
            qtbot.keyRelease(tab.table, Qt.Key.Key_Control)
