"""After every dialog of the window closes, the keyboard is on the table again: Ctrl+N, Delete, Ctrl+E act at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app.ui.dialogs.record_dialog import RecordDialog
from tests.ui.conftest import open_window, wait_until
from tests.ui.shots import shoot


async def _close_next_dialog(kind: type, start: Any) -> QDialog:
    """Open a dialog the way a key press does (from Qt's loop, not inside this coroutine), then cancel it."""
    QTimer.singleShot(0, start)
    await wait_until(lambda: isinstance(QApplication.activeModalWidget(), kind), what=f"a {kind.__name__}")
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QDialog)
    dialog.reject()
    return dialog


@pytest.mark.asyncio
async def test_focus_returns_to_the_table_after_each_dialog(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir, sync=False) as (window, _, errors):
        window.activateWindow()
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        for kind, action in ((RecordDialog, window.window_actions.new), (QMessageBox, window.window_actions.delete)):
            tab.quick_find.setFocus()  # wherever the keyboard was before
            await wait_until(tab.quick_find.hasFocus, what="focus on the quick find")
            await _close_next_dialog(kind, action.trigger)
            await wait_until(tab.table.hasFocus, what=f"focus on the table after {kind.__name__}")
        assert not window.workspace.cached.outbox.entries()  # both dialogs were cancelled
        await shoot(window, "focus-on-the-table-after-a-dialog")
        assert not errors
