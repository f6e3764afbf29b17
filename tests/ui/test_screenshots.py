"""Screenshots of every tab (offscreen ``grab()``) so a person can look at the window without a display.

Set ``STOCKROOM_SCREENSHOTS=/some/folder`` to keep the PNGs; without it the tabs are still grabbed and checked.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.theme import apply_theme
from tests.ui.conftest import open_window, settle, wait_until


def _not_blank(image: Any) -> bool:
    colours = {image.pixelColor(x, y).rgb() for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    return len(colours) > 3


def _assert_on_screen(tab: Any, type_: str) -> None:
    """The columns a manager reads first are whole in view without scrolling, and so is the details pane."""
    from desktop_app.schema import app_type

    table = tab.table
    for key in app_type(type_).leading:
        column = tab.model.column_of(key)
        left = table.columnViewportPosition(column)
        assert left >= 0 and left + table.columnWidth(column) <= table.viewport().width(), f"{type_}: {key}"
    assert tab.details.isVisible() and tab.details.width() >= 300, type_
    assert tab.details.mapTo(tab.window(), tab.details.rect().bottomRight()).x() <= tab.window().width()


@pytest.mark.asyncio
async def test_screenshot_of_every_tab(fresh_sandbox: Any, data_dir: Path) -> None:
    folder = os.environ.get("STOCKROOM_SCREENSHOTS")
    target = Path(folder) if folder else None
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        window.resize(1280, 800)  # the size the brief asks every tab to read at
        for scheme in ("light", "dark"):
            apply_theme(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                tab = window.current_tab()
                if tab is None:  # Overview, Low stock, Find SKU: views over the stock, not resource tables
                    await settle(window)
                    # The figures after the sync: recomputed in their thread after a quiet moment.
                    await wait_until(lambda: window.stock.watcher.settled, what="the stock figures", timeout=20)
                    assert " 0 stock items" not in window.stock.overview.summary.text()  # the synced ones, counted
                    await asyncio.sleep(0.05)
                    image = window.grab().toImage()
                    assert not image.isNull() and _not_blank(image), window.tabs.tabText(index)
                    if target is not None:
                        name = window.tabs.tabText(index).lower().replace(" ", "-")
                        image.save(str(target / f"{index + 1}-{name}-{scheme}.png"))
                    continue
                tab.table.selectRow(0)
                if tab.type == "inventory_stock_locations" and scheme == "light":
                    tab.filters_button.setChecked(True)
                await settle(window)
                await asyncio.sleep(0.05)  # let Qt lay out the details pane before grabbing
                image = window.grab().toImage()
                assert not image.isNull() and _not_blank(image), tab.type
                _assert_on_screen(tab, tab.resource.type)
                if target is not None:
                    image.save(str(target / f"{index + 1}-{tab.type}-{scheme}.png"))
                tab.filters_button.setChecked(False)
        apply_theme(Qt.ColorScheme.Light)
        items = window.tab_by_type["stock_items"]
        record = opened.workspace.cached.records.get("stock_items", items.model.id_at(0))
        dialog = RecordDialog(items.resource, window.lookups, record, window)
        dialog.inputs["quantity"].set_value("-3 boxes")
        dialog.try_accept()
        dialog.show()
        await asyncio.sleep(0.05)
        image = dialog.grab().toImage()
        assert "integer" in dialog.error_for("quantity")
        if target is not None:
            image.save(str(target / "6-edit-stock-item-dialog.png"))
        dialog.close()
        window.tabs.setCurrentWidget(items)
        opened.workspace.forced_offline = True  # keep the edit queued so the panel has something to show
        window.edits.inline_edit("stock_items", record.id, {"quantity": 12})
        panel = PendingChangesDialog.open_for(window, opened.workspace)
        await asyncio.sleep(0.05)
        if target is not None:
            window.grab().toImage().save(str(target / "7-pending-edit-in-table.png"))
            panel.grab().toImage().save(str(target / "8-pending-edits-panel.png"))
        assert panel.entries
        panel.close()
        apply_theme()
        assert QColor(window.palette().base().color()).isValid()
        assert not errors
