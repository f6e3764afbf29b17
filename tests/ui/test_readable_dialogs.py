"""Dialogs say what they act on: a delete confirmation names the record(s); New stock item starts from the selected
row's SKU and location."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.ui.dialogs.record_dialog import RecordDialog
from tests.ui.conftest import open_window
from tests.ui.shots import shoot


@pytest.mark.asyncio
async def test_delete_names_the_records_and_new_item_copies_sku_and_location(
    sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Cancel
    )
    opened_with: list[Any] = []

    def capture(cls: Any, parent: Any, resource: Any, lookups: Any, record: Any = None, **kwargs: Any) -> None:
        opened_with.append(kwargs.get("values"))
        dialog = cls(resource, lookups, record, parent)
        if kwargs.get("values") is not None:
            dialog.set_values(*kwargs["values"])
        captured.append(dialog)

    captured: list[RecordDialog] = []
    monkeypatch.setattr(RecordDialog, "ask", classmethod(capture))
    async with open_window(sandbox, data_dir) as (window, opened, _errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        record = opened.workspace.cached.records.get("stock_items", tab.current_id())
        location = window.lookups.value("stock_locations", record.relationships["stock_location"], "name")
        sku = window.lookups.value("skus", record.relationships["sku"], "name")

        window.delete_selected()
        assert asked and sku in asked[0] and location in asked[0], asked
        tab.table.selectRow(1)
        tab.table.selectionModel().select(
            tab.proxy.index(0, 0),
            tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows,
        )
        window.delete_selected()
        assert "these 2 stock items" in asked[1] and asked[1].count("•") == 2, asked[1]
        assert opened.workspace.cached.records.get("stock_items", record.id) is not None  # cancelled: nothing gone

        tab.table.selectRow(0)
        window.new_record()
        assert opened_with[-1] == (
            {},
            {"sku": record.relationships["sku"], "stock_location": record.relationships["stock_location"]},
        )
        dialog = captured[-1]
        assert "sku" in dialog.inputs and "sku_code" not in dialog.inputs  # one field for the SKU
        dialog.show()
        await shoot(dialog, "new-stock-item-prefilled", size=None)
        dialog.close()
