"""The toolbar, the rows' right-click menu and Help ▸ Keyboard shortcuts: one set of actions behind them all, enabled
by the tab shown and its selection, with icons in the palette's colours."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QToolButton

from desktop_app.sandbox.seeds import SAMPLE_SKU_CODE
from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.dialogs.shortcuts import ShortcutsDialog, shortcut_rows
from desktop_app.ui.theme import apply_theme
from desktop_app.ui.views.actions import WindowActions
from tests.ui.conftest import open_window, wait_until
from tests.ui.shots import shoot

TOOLBAR = ("refresh", "new", "edit", "delete", "export", "find")


@asynccontextmanager
async def cached_window(sandbox: Any, synced_dir: Path, data_dir: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A window on a copy of the synced cache, offline (the tests here read, and never wait for a sync)."""
    shutil.copytree(synced_dir, data_dir, dirs_exist_ok=True)
    async with open_window(sandbox, data_dir, offline=True) as (window, opened, errors):
        yield window, opened
        assert not errors


def menu_actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        sub = action.menu()
        found.extend(menu_actions(sub) if isinstance(sub, QMenu) else [action])
    return found


def ink(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The average colour of an icon's drawn pixels (a blank icon fails here)."""
    image = icon.pixmap(20, 20, mode).toImage()
    drawn = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    drawn = [c for c in drawn if c.alpha() > 200]
    assert len(drawn) > 20, "the icon draws something"
    return QColor(*(sum(getattr(c, part)() for c in drawn) // len(drawn) for part in ("red", "green", "blue")))


@pytest.mark.asyncio
async def test_the_toolbar_holds_the_menus_actions_with_icons_in_the_themes_colours(
    sandbox: Any, synced_dir: Path, data_dir: Path
) -> None:
    async with cached_window(sandbox, synced_dir, data_dir) as (window, _opened):
        actions: WindowActions = window.window_actions
        shown = [a for a in actions.toolbar.actions() if not a.isSeparator()]
        assert shown == [getattr(actions, name) for name in TOOLBAR]
        in_menus = [a for menu in window.menuBar().findChildren(QMenu) for a in menu_actions(menu)]
        for action in shown:
            assert action in in_menus, f"{action.text()} is in a menu too"
            assert isinstance(actions.toolbar.widgetForAction(action), QToolButton)
        assert window.menuBar().actions()[-1] is actions.help_menu.menuAction(), "Help stays the last menu"

        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        assert ink(actions.find.icon()).lightness() < 100, "dark ink on the light toolbar"
        assert ink(actions.delete.icon(), QIcon.Mode.Disabled) != ink(actions.delete.icon())
        apply_theme(Qt.ColorScheme.Dark)
        try:
            await wait_until(lambda: ink(actions.find.icon()).lightness() > 150, 5, "light ink on the dark toolbar")
            for action in shown:
                assert ink(action.icon()).lightness() > 150, action.text()
        finally:
            apply_theme(Qt.ColorScheme.Light)
        await shoot(window, "main-window-toolbar")


@pytest.mark.asyncio
async def test_actions_follow_the_tab_and_its_selection(sandbox: Any, synced_dir: Path, data_dir: Path) -> None:
    async with cached_window(sandbox, synced_dir, data_dir) as (window, _opened):
        actions = window.window_actions
        record = (actions.new, actions.edit, actions.delete)
        items = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(items)
        items.table.clearSelection()
        items.table.setCurrentIndex(items.proxy.index(-1, -1))
        assert [a.isEnabled() for a in record] == [True, False, False], "Edit and Delete need a row"
        assert "select a row first" in actions.delete.toolTip()
        items.table.selectRow(2)
        assert all(a.isEnabled() for a in record)

        skus = window.tab_by_type["skus"]
        window.tabs.setCurrentWidget(skus)
        skus.table.selectRow(0)
        assert not any(a.isEnabled() for a in record), "SKUs are not edited in the window"
        assert "read-only" in actions.new.toolTip()
        assert actions.export.isEnabled() and actions.find.isEnabled()
        await shoot(window, "main-window-read-only-tab")

        window.tabs.setCurrentWidget(window.stock.overview)
        assert not any(a.isEnabled() for a in (*record, actions.export, actions.find))
        assert actions.refresh.isEnabled()


@pytest.mark.asyncio
async def test_the_toolbar_takes_the_same_path_as_the_menus(
    sandbox: Any, synced_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_with: list[tuple[str, Any]] = []
    monkeypatch.setattr(
        RecordDialog,
        "ask",
        classmethod(lambda cls, parent, resource, lookups, record=None, **kw: opened_with.append((resource.type, kw))),
    )
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.Cancel
    )
    async with cached_window(sandbox, synced_dir, data_dir) as (window, opened):
        actions = window.window_actions
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        record = opened.workspace.cached.records.get("stock_items", tab.current_id())
        expected = ({}, {"sku": record.relationships["sku"], "stock_location": record.relationships["stock_location"]})

        actions.toolbar.widgetForAction(actions.new).click()
        actions.new.trigger()  # the Edit menu's entry
        assert opened_with == [("stock_items", {"values": expected, "errors": None})] * 2

        actions.toolbar.widgetForAction(actions.delete).click()
        sku = window.lookups.value("skus", record.relationships["sku"], "name")
        assert len(asked) == 1 and sku in asked[0], "Delete asks about the record selected, by name"

        actions.toolbar.widgetForAction(actions.find).click()
        assert tab.quick_find.hasFocus() or window.focusWidget() is tab.quick_find


@pytest.mark.asyncio
async def test_a_right_click_on_a_row_offers_the_actions_and_what_others_add(
    sandbox: Any, synced_dir: Path, data_dir: Path
) -> None:
    async with cached_window(sandbox, synced_dir, data_dir) as (window, _opened):
        actions = window.window_actions
        extra = QAction("Bulk edit…", window)
        actions.add_row_action(extra)
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        row = tab.table.visualRect(tab.proxy.index(3, 1)).center()
        tab.table.customContextMenuRequested.emit(row)
        await wait_until(lambda: actions.row_menu_shown is not None, 5, "the rows' menu")
        assert tab.table.selected_ids() == [tab.proxy.index(3, 0).data(tab.model.IdRole)], "the row clicked"
        menu = actions.row_menu_shown
        entries = [a for a in menu.actions() if not a.isSeparator()]
        record = [actions.new, actions.edit, actions.delete]
        added = [window.change_rows_action, extra]  # Change rows… is the window's own addition
        assert entries == [*record, *added, actions.find, actions.export, actions.refresh]
        assert all(a.isEnabled() for a in (actions.edit, actions.delete))
        await shoot(menu, "rows-menu", size=None)
        menu.close()
        await wait_until(lambda: actions.row_menu_shown is None, 5, "the menu to go")

        skus = window.tab_by_type["skus"]
        window.tabs.setCurrentWidget(skus)
        entries = [a for a in actions.row_menu().actions() if not a.isSeparator()]
        assert entries == [*added, actions.find, actions.export, actions.refresh], "no New, Edit or Delete for SKUs"
        assert not window.change_rows_action.isEnabled()

        levels = window.tab_by_type[STOCK_LEVELS]
        window.tabs.setCurrentWidget(levels)
        await wait_until(lambda: levels.showing_order_view() and levels.order_model.rowCount() > 1, 10, "the order")
        view = levels.order_view
        view.customContextMenuRequested.emit(view.visualRect(levels.order_model.index(1, 1)).center())
        await wait_until(lambda: actions.row_menu_shown is not None, 5, "the rows' menu on the order list")
        assert levels.selected_ids() == [levels.order_model.row_at(1).id], "Delete acts on the list shown"
        assert actions.delete.isEnabled()
        actions.row_menu_shown.close()


@pytest.mark.asyncio
async def test_keyboard_shortcuts_lists_the_actions_own_keys(sandbox: Any, synced_dir: Path, data_dir: Path) -> None:
    async with cached_window(sandbox, synced_dir, data_dir) as (window, _opened):
        actions = window.window_actions
        rows = shortcut_rows(window)
        assert ("Ctrl+N", "New", "Edit") in rows
        assert ("F5", "Refresh", "View") in rows
        assert ("Ctrl+K", "Find SKU", "Stock") in rows
        assert ("Ctrl+Shift+Z, Ctrl+Y", "Redo", "Edit") in rows
        with_keys = {id(a) for a in window.findChildren(QAction) if a.shortcuts()}
        assert len(rows) == len(with_keys), "every action with a shortcut, each once"

        actions.export.setShortcut("Ctrl+Alt+E")  # the list is read from the actions, not kept beside them
        dialog = actions.open_shortcuts()
        assert isinstance(dialog, ShortcutsDialog)
        assert ("Ctrl+Alt+E", "Export to CSV", "File") in dialog.rows()
        assert actions.open_shortcuts() is dialog, "asked again, the same list comes to the front"
        assert actions.shortcuts in menu_actions(actions.help_menu)
        await shoot(dialog, "keyboard-shortcuts", size=None)
        dialog.close()


def right_click(view: Any, row: int) -> None:
    """What a right mouse click on a row's first cell sends (offscreen, no mouse: the event itself)."""
    point = view.visualRect(view.model().index(row, 0)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)


@pytest.mark.asyncio
async def test_the_stock_views_tables_have_a_right_click_menu_too(
    sandbox: Any, synced_dir: Path, data_dir: Path
) -> None:
    async with cached_window(sandbox, synced_dir, data_dir) as (window, _opened):
        actions = window.window_actions
        overview, find = window.stock.overview, window.stock.find_sku
        window.tabs.setCurrentWidget(overview)
        await wait_until(lambda: overview.model.rowCount() > 1, 20, "the stock figures")
        right_click(overview.table, 0)
        await wait_until(lambda: actions.row_menu_shown is not None, 5, "the Overview table's menu")
        assert [a for a in actions.row_menu_shown.actions() if not a.isSeparator()] == [actions.refresh]
        actions.row_menu_shown.close()
        await wait_until(lambda: actions.row_menu_shown is None, 5, "the menu to go")

        window.tabs.setCurrentWidget(find)
        assert find.look_up(SAMPLE_SKU_CODE) is not None
        table = find.tables[0]

        def laid_out() -> bool:
            point = table.viewport().mapToGlobal(table.visualRect(table.model().index(1, 0)).center())
            return find.childAt(find.mapFromGlobal(point)) is table.viewport()

        await wait_until(laid_out, 5, "the answer laid out")
        right_click(table, 1)
        await wait_until(lambda: actions.row_menu_shown is not None, 5, "the Find SKU table's menu")
        menu = actions.row_menu_shown
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert texts == [
            "Open stock item",
            "Edit quantity…",
            "Set reorder point…",
            "Start transfer from here…",
            "Refresh",
        ]
        assert table.selectionModel().isRowSelected(1) and find.selected()[0] is not None, "the row clicked"
        assert all(a.isEnabled() for a in menu.actions()), "the row's buttons are on"
        await shoot(menu, "find-sku-rows-menu", size=None)
        menu.close()
