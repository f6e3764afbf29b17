"""Reorder points set in the window beyond the Low stock view: a SKU's default in the SKUs table, a stock item's in
its edit dialog (its own field, the other metadata kept), both reaching the server through the one edit path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.inventory import StockFigures, low_stock
from desktop_app.schema import get_resource
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.models.columns import column_index
from tests.ui.conftest import open_window, settle


async def _synced_again(window: Any, opened: Any) -> None:
    """A full sync, so the cache holds what the server answers now (not the edit as queued)."""
    task = opened.workspace.start_sync(full=True)
    assert task is not None
    await task
    await settle(window)


@pytest.mark.asyncio
async def test_a_sku_s_default_reorder_point_typed_in_its_table_reaches_the_server_and_the_low_stock_list(
    fresh_sandbox: Any, data_dir: Path
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        records = opened.workspace.cached.records
        with StockFigures(opened.workspace.cache_file) as figures:
            before = {item.stock_item_id for item in low_stock(figures)}
        items = [
            r for r in records.stream("stock_items") if "reorder_point" not in (r.attributes.get("metadata") or {})
        ]
        item = next(r for r in items if (r.attributes.get("quantity") or 0) > 0 and r.id not in before)
        sku_id = item.relationships["sku"]
        skus = window.tab_by_type["skus"]
        row = next(r for r in range(skus.model.rowCount()) if skus.model.id_at(r) == sku_id)
        cell = skus.model.index(row, column_index("skus", "reorder_point"))
        assert skus.model.headerData(cell.column(), Qt.Orientation.Horizontal) == "Default reorder point"
        assert cell.flags() & Qt.ItemFlag.ItemIsEditable
        other = dict(records.get("skus", sku_id).attributes.get("metadata") or {})
        assert skus.model.setData(cell, f"{10**9:,}")  # as people write it
        await settle(window)
        await _synced_again(window, opened)
        assert records.server_version("skus", sku_id)["attributes"]["metadata"] == {**other, "reorder_point": 10**9}
        with StockFigures(opened.workspace.cache_file) as figures:
            assert item.id in {entry.stock_item_id for entry in low_stock(figures)}, "its items take the default"
        assert not errors


@pytest.mark.asyncio
async def test_a_stock_item_s_reorder_point_has_its_own_field_in_the_edit_dialog(
    fresh_sandbox: Any, data_dir: Path, qtbot: Any
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        record = next(opened.workspace.cached.records.stream("stock_items"))
        dialog = RecordDialog(get_resource("stock_items"), window.lookups, record)
        qtbot.addWidget(dialog)
        metadata = dict(record.attributes.get("metadata") or {})
        assert "reorder_point" in dialog.inputs and "metadata" in dialog.inputs
        assert "reorder_point" not in (dialog.inputs["metadata"].value() or {}), "asked for once, in its own field"
        dialog.inputs["reorder_point"].set_value(None)
        dialog.inputs["reorder_point"].edit.setText("-3")  # type: ignore[attr-defined]
        dialog.inputs["quantity"].edit.setText("abc")  # type: ignore[attr-defined]
        dialog.try_accept()
        assert dialog.error_for("reorder_point") and dialog.result() == 0
        dialog.inputs["reorder_point"].edit.setText(f"{2 * 10**9:,}")  # type: ignore[attr-defined]
        dialog.try_accept()
        assert "whole number from 0 to 1,000,000,000" in dialog.error_for("reorder_point"), "the cell's own rule"
        dialog.inputs["quantity"].set_value(record.attributes.get("quantity"))
        dialog.inputs["reorder_point"].edit.setText("7")  # type: ignore[attr-defined]
        dialog.try_accept()
        values = dialog.values()
        assert values is not None
        attributes, _ = values
        assert attributes == {"metadata": {**metadata, "reorder_point": 7}}, "only the metadata changed"
        assert not errors
