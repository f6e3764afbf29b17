"""Numbers typed in the window: text that is not a whole number, and stock below zero, are refused where they were
typed, with a message naming the field, and nothing is queued; the command line refuses negative stock the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop_app.schema import get_resource
from desktop_app.store import Cache
from desktop_app.ui.dialogs.messages import Messages, below_total_box
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.models.resource_table import ResourceTableModel
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot


def _open_editor(tab: Any, row: int) -> tuple[QLineEdit, str, int]:
    column = tab.model.column_of("quantity")
    index = tab.proxy.index(row, column)
    tab.table.setCurrentIndex(index)
    tab.table.edit(index)
    shown = [w for w in tab.table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(shown) == 1, shown
    editor = shown[0]
    assert editor.property("column") == column, "not the number cell's editor"
    return editor, index.data(ResourceTableModel.IdRole), index.data(ResourceTableModel.SortRole)


@pytest.mark.asyncio
async def test_inline_quantity_refuses_letters_and_negatives_at_the_cell(
    fresh_sandbox: Any, data_dir: Path, qtbot: Any
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        delegate = tab.table.cell_editor
        for typed, message in (("12abc", "Quantity: must be an integer"), ("-5", "Quantity: must be 0 or more")):
            editor, record_id, old = _open_editor(tab, 0)
            editor.selectAll()
            qtbot.keyClicks(editor, typed)
            qtbot.keyClick(editor, Qt.Key.Key_Return)
            assert tab.table.state() == tab.table.State.EditingState, "the editor closed on a refused value"
            assert delegate.last_refusal == message
            assert editor.toolTip() == message
            assert window.workspace.cached.records.get("stock_items", record_id).attributes["quantity"] == old
            await shoot(window, f"inline-quantity-refused-{typed}")
            qtbot.keyClick(editor, Qt.Key.Key_Escape)
        assert not window.workspace.cached.outbox.entries()
        editor, record_id, old = _open_editor(tab, 0)
        editor.selectAll()
        qtbot.keyClicks(editor, str(old + 3))
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits a moment later (a queued call)
        cached = window.workspace.cached.records
        await wait_until(lambda: cached.get("stock_items", record_id).attributes["quantity"] == old + 3)
        await settle(window)
        assert not errors


def test_dialog_shows_each_number_problem_under_its_field(synced_cache: Cache, qtbot: Any) -> None:
    from desktop_app.ui.models.lookups import Lookups

    lookups = Lookups()
    for type_ in ("skus", "stock_locations"):
        lookups.set_records(type_, synced_cache.records.find(type_))
    item = synced_cache.records.find("stock_items")[0]
    dialog = RecordDialog(get_resource("stock_items"), lookups, item)
    qtbot.addWidget(dialog)
    quantity = dialog.inputs["quantity"]
    for typed, message in (("12abc", "must be an integer"), ("-20", "must be 0 or more")):
        quantity.edit.setText(typed)  # type: ignore[attr-defined]
        dialog.try_accept()
        assert dialog.error_for("quantity") == message
        assert dialog.values() is None
    quantity.edit.setText("0")  # type: ignore[attr-defined]
    dialog.try_accept()
    assert dialog.error_for("quantity") == ""
    assert dialog.values() == ({"quantity": 0}, {})


def test_command_line_refuses_negative_stock(fresh_sandbox: SandboxProcess, tmp_path: Path) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    with Cache.open(cli.cache_file) as cache:
        item = cache.records.find("stock_items")[0]
    done = cli.run("update", "stock_items", item.id, "--set", "quantity=-5")
    assert done.returncode == 2, done.stderr
    assert "quantity - must be 0 or more" in done.stderr
    with Cache.open(cli.cache_file) as cache:
        assert not cache.outbox.entries()


@pytest.mark.asyncio
async def test_quantity_below_reserved_asks_and_goes_without_the_check(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    replies: list[bool] = []

    def fake_confirm(cls: Any, parent: Any, text: str) -> bool:
        asked.append(text)
        return replies.pop(0)

    monkeypatch.setattr(Messages, "confirm_below_total", classmethod(fake_confirm))
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type["stock_items"]
        reserved = window.lookups.totals["reserved"]
        record_id, held = next((k, v) for k, v in reserved.items() if v >= 2)
        index = tab.model.index(tab.model.row_of(record_id), tab.model.column_of("quantity"))
        outbox = window.workspace.cached.outbox
        # at or above the reserved quantity: no question, and the server is asked to check it
        assert tab.model.setData(index, str(held))
        assert not asked
        assert outbox.entries()[-1].attributes == {"quantity": held, "_validate": True}
        await settle(window)
        assert (await window.workspace.make_client().retrieve("stock_items", record_id)).attributes["quantity"] == held
        # below it: asked; No queues nothing
        replies.append(False)
        assert tab.model.setData(index, str(held - 1))
        assert len(asked) == 1 and f"is below the reserved quantity ({held:,})" in asked[0]
        assert " at " in asked[0], asked[0]  # the record by name: SKU at location
        box = below_total_box(window, asked[0])
        box.show()
        await shoot(box, "quantity-below-reserved-question", size=None)
        box.close()
        assert not outbox.entries()
        # Yes: sent without the check, and the server keeps it
        replies.append(True)
        assert tab.model.setData(index, str(held - 1))
        assert outbox.entries()[-1].attributes == {"quantity": held - 1}
        await settle(window)
        server = await window.workspace.make_client().retrieve("stock_items", record_id)
        assert server.attributes["quantity"] == held - 1
        assert "_validate" not in window.workspace.cached.records.get("stock_items", record_id).attributes
        assert not errors
