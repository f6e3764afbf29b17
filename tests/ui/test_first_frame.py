"""Start-up order: the tab the window opens on paints first; the other tabs, the HTTP warm-up and the first sync
wait for that frame (or for a short while when the window cannot paint, minimised or hidden)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from desktop_app.schema import tab_types
from desktop_app.ui.boot.first_paint import after_first_frame
from desktop_app.ui.views.main_window import FIRST_TAB, MainWindow
from tests.ui.conftest import connection_to, settle, wait_until, workspace_open


@pytest.mark.asyncio
async def test_a_callback_waits_for_the_widgets_first_frame(qtbot: Any) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    ran: list[bool] = []
    after_first_frame(widget, lambda: ran.append(widget.isVisible()))
    await asyncio.sleep(0.2)
    assert ran == [], "nothing runs before the widget has painted"
    widget.resize(200, 100)
    widget.show()
    await wait_until(lambda: ran, what="the callback after the first frame")
    widget.update()
    await asyncio.sleep(0.2)
    assert ran == [True], "once, after the widget painted"


@pytest.mark.asyncio
async def test_a_widget_that_never_paints_still_runs_the_callback(qtbot: Any) -> None:
    widget = QWidget()  # never shown
    qtbot.addWidget(widget)
    ran: list[str] = []
    after_first_frame(widget, lambda: ran.append("ran"), wait_ms=200)
    await wait_until(lambda: ran, timeout=5, what="the fallback")
    assert ran == ["ran"]


@pytest.mark.asyncio
async def test_other_tabs_are_built_after_the_first_tab_has_painted(
    sandbox: Any, synced_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(synced_dir, data_dir)
    async with workspace_open(connection_to(sandbox), data_dir, offline=True) as opened:
        window = MainWindow(opened.workspace)
        try:
            window.load_first()  # as the start does: the other tabs once the first has painted
            shown, ready = window.first_frame()
            after_first_frame(shown, window.load_rest, ready=ready)
            assert list(window.tab_by_type.built) == [FIRST_TAB], "only the tab shown is built before the first frame"
            assert not window.stock_pages.built, "nor the stock views"
            assert window.tab_by_type.built[FIRST_TAB].model.rowCount() > 0
            labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
            window.show()
            await wait_until(lambda: len(window.tab_by_type.built) == len(tab_types()), what="the other tabs")
            assert window.stock_pages.built
            assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == labels, "no tab moved"
            assert window.tabs.widget(0) is window.stock.overview
            assert window.current_tab() is window.tab_by_type[FIRST_TAB], "the tab shown stayed"
            await settle(window)
            for type_, tab in window.tab_by_type.built.items():
                assert tab.model.total == opened.workspace.cached.records.count(type_) > 0, type_
        finally:
            window.close()
            window.deleteLater()


@pytest.mark.asyncio
async def test_a_window_closed_before_its_other_tabs_are_built_stops_building_them(
    sandbox: Any, synced_dir: Path, tmp_path: Path
) -> None:
    """Closing right after the first frame (the bench's start does) closes the cache next: the tabs still waiting
    must not read it (a closed database, reported in a modal dialog that held the closing process open)."""
    import asyncio

    data_dir = tmp_path / "data"
    shutil.copytree(synced_dir, data_dir)
    async with workspace_open(connection_to(sandbox), data_dir, offline=True) as opened:
        window = MainWindow(opened.workspace)
        try:
            window.load_first()
            window.show()
            window.load_rest()  # the first of the others now, the rest one per turn of the loop
            window.close()
            built = list(window.tab_by_type.built)
            for _ in range(10):
                await asyncio.sleep(0.01)
            assert list(window.tab_by_type.built) == built and len(built) < len(tab_types())
        finally:
            window.deleteLater()


@pytest.mark.asyncio
async def test_a_window_opening_on_the_overview_builds_no_table_before_its_figures_paint(
    sandbox: Any, synced_dir: Path, tmp_path: Path
) -> None:
    """The Overview is the first thing a manager sees: the start builds it (not a table) and works out its figures at
    once; the page the window was closed on is the one the next window opens on."""
    data_dir = tmp_path / "data"
    shutil.copytree(synced_dir, data_dir)
    assert MainWindow.start_page() == "overview", "a first start opens on the Overview"
    async with workspace_open(connection_to(sandbox), data_dir, offline=True) as opened:
        window = MainWindow(opened.workspace)
        try:
            window.load_first(MainWindow.start_page())
            assert window.tabs.currentWidget() is window.stock.overview and window.current_tab() is None
            shown, ready = window.first_frame()
            assert shown is window.stock.overview.table.viewport()
            assert not window.tab_by_type.built, "no table is built before the Overview's first frame"
            assert window.lookups._pending is None, "nor are the names the tables show read yet"
            after_first_frame(shown, lambda: window.load_rest("overview"), ready=ready)
            window.show()
            await wait_until(ready, what="the Overview's figures")
            await wait_until(lambda: len(window.tab_by_type.built) == len(tab_types()), what="the tables")
            assert window.tabs.currentWidget() is window.stock.overview, "the page shown stayed"
            item = next(opened.workspace.cached.records.stream(FIRST_TAB))
            sku = opened.workspace.cached.records.get("skus", item.relationships["sku"])
            assert sku is not None and sku.attributes["code"] in window.lookups.label("skus", sku.id), "names read"
            window.show_record(FIRST_TAB, next(opened.workspace.cached.records.stream(FIRST_TAB)).id)
            assert window.page_key() == FIRST_TAB
        finally:
            window.close()
            window.deleteLater()
    assert MainWindow.start_page() == FIRST_TAB, "the next window opens where this one was closed"
    assert MainWindow.start_page("low_stock") == "low_stock", "unless another page is asked for"
    assert MainWindow.start_page("no_such_page") == FIRST_TAB


@pytest.mark.asyncio
async def test_import_and_change_rows_are_in_their_menus_before_their_controller_exists(
    sandbox: Any, synced_dir: Path, tmp_path: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The controller behind File ▸ Import… and Edit ▸ Change rows… is built on first use (its modules stay out of
    the first frame); the actions themselves, their menus and their keys are there from the window's first moment."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    from desktop_app.ui.dialogs.import_file import ImportFileDialog

    data_dir = tmp_path / "data"
    shutil.copytree(synced_dir, data_dir)
    asked: list[str | None] = []
    monkeypatch.setattr(ImportFileDialog, "ask", classmethod(lambda cls, parent, chosen, *a: asked.append(chosen)))
    async with workspace_open(connection_to(sandbox), data_dir, offline=True) as opened:
        window = MainWindow(opened.workspace)
        try:
            window.load_first()
            actions = window.window_actions
            assert window.bulk_actions._controller is None, "nothing of it is built with the window"
            assert window.import_action in actions.file_menu.actions()
            assert window.change_rows_action in actions.edit_menu.actions()
            assert window.import_action.shortcut() == QKeySequence("Ctrl+I")
            assert window.change_rows_action.shortcut() == QKeySequence("Ctrl+Shift+E")
            assert window.change_rows_action.isEnabled(), "stock items are edited in the window"
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            await wait_until(window.isActiveWindow, what="the window to be active")
            table = window.tab_by_type[FIRST_TAB].table
            qtbot.keyClick(table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyRelease(table, Qt.Key.Key_Control)  # QTest leaves Ctrl down after a key pressed with it
            await wait_until(lambda: asked, what="the import dialog")
            assert asked == [FIRST_TAB], "the shortcut works at once, offering the tab's type"
            assert window.bulk_actions._controller is not None and not window.bulk.computing
        finally:
            window.close()
            window.deleteLater()
