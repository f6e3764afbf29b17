"""The window's commands as ``QAction``s, each made once: the menu bar, the toolbar and every table's right-click menu
show the same objects, so a click, a shortcut and a menu entry take one path and are enabled together.

What is enabled follows the tab shown and its selection: Edit and Delete need a row, and types the window does not
edit have no New, Edit or Delete. Help ▸ Keyboard shortcuts lists the shortcuts of the actions themselves, so the list
cannot drift from the keys. Other features put their own entries in the rows' menu with :meth:`add_row_action`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QContextMenuEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QMainWindow, QMenu, QTabWidget, QToolBar, QWidget

from desktop_app.schema import app_type
from desktop_app.ui.assets import ACTION_ICON_SIZE, action_icon
from desktop_app.ui.theme import current_theme, set_theme

if TYPE_CHECKING:
    from desktop_app.ui.views.resource_tab import ResourceTab
    from desktop_app.ui.workspace import Workspace


class ActionWindow(Protocol):
    """What the actions run in the window (named here rather than imported: the window imports this module)."""

    workspace: Workspace
    tabs: QTabWidget
    undo_stack: QUndoStack

    def current_tab(self) -> ResourceTab | None: ...

    def refresh(self, full: bool = False) -> None: ...

    def new_record(self) -> None: ...

    def edit_current(self) -> None: ...

    def delete_selected(self) -> None: ...

    def export_current(self) -> None: ...

    def open_pending(self) -> None: ...

    def open_changes(self) -> None: ...

    def quit_requested(self) -> None: ...


@runtime_checkable
class RowButtons(Protocol):
    """A view that is not a resource tab (Low stock, Find SKU) whose buttons act on a row of one of its tables."""

    def buttons_for(self, view: QAbstractItemView) -> Sequence[QAbstractButton]:
        """The buttons acting on ``view``'s selected row (``view`` becomes the table they act on)."""
        ...


#: Toolbar entries, left to right: (attribute, icon in ``resources/actions``); ``None`` is a separator.
TOOLBAR: tuple[tuple[str, str] | None, ...] = (
    ("refresh", "refresh"), None, ("new", "new"), ("edit", "edit"), ("delete", "delete"), None,
    ("export", "export"), ("find", "find"),
)  # fmt: skip


class WindowActions(QObject):
    """Menus, toolbar and the rows' menu of ``host`` (the ``QMainWindow``), running the commands of ``window`` (the
    same object, seen through :class:`ActionWindow`). ``changed`` follows every new state (for added actions)."""

    switch_requested = Signal()
    changed = Signal()

    def __init__(self, host: QMainWindow, window: ActionWindow) -> None:
        super().__init__(host)
        self.host = host
        self.window = window
        self.row_actions: list[QAction] = []  # added by other features, between the record's actions and the table's
        self.row_menu_shown: QMenu | None = None
        self.refresh = self.make("Refresh", window.refresh, "F5", "Fetch what changed on the server")
        self.full_refresh = self.make("Full refresh", lambda: window.refresh(full=True), "Shift+F5")
        self.new = self.make("New…", window.new_record, "Ctrl+N", "Add a record to this table")
        self.edit = self.make("Edit…", window.edit_current, "Ctrl+Return", "Change the selected record")
        self.delete = self.make("Delete…", window.delete_selected, QKeySequence.StandardKey.Delete)
        self.delete.setStatusTip("Delete the selected records")
        # Delete acts where the tables are (and on the toolbar's button), never on the text of a field elsewhere.
        self.delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.tabs.addAction(self.delete)
        self.export = self.make("Export to CSV…", window.export_current, "Ctrl+E", "Save this table as a CSV file")
        self.find = self.make("Find…", self._focus_find, "Ctrl+F", "Find in this table")
        for action, short in ((self.new, "New"), (self.edit, "Edit"), (self.delete, "Delete"), (self.export, "Export")):
            action.setIconText(short)
        self.find.setIconText("Find")
        self.undo = window.undo_stack.createUndoAction(host, "Undo")
        self.undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo = window.undo_stack.createRedoAction(host, "Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        host.addActions([self.undo, self.redo])
        self._build_menus()
        self.toolbar = self._build_toolbar()
        self._paint_icons()
        self.menu_bar = host.menuBar()
        host.installEventFilter(self)
        window.tabs.installEventFilter(self)  # right-clicks the stock views' tables pass on (see _page_menu)
        self.menu_bar.installEventFilter(self)

    def make(self, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "") -> QAction:
        """An action of the window: its shortcut works wherever the window has the focus."""
        action = QAction(text, self.host)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        self.host.addAction(action)
        return action

    # -- menus and toolbar -----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.host.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        file_menu.addAction(self.make("Switch organisation…", self.switch_requested.emit))
        file_menu.addAction(self.export)
        file_menu.addSeparator()
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")]
        file_menu.addAction(self.make("Quit", self.window.quit_requested, quit_keys))
        edit_menu = self.edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.new, self.edit, self.delete])
        self.steps_menu = edit_menu.addMenu("Steps")
        self.steps_menu.aboutToShow.connect(lambda: self.fill_steps(self.steps_menu))
        edit_menu.addSeparator()
        edit_menu.addAction(self.find)
        edit_menu.addAction(self.make("Pending edits…", self.window.open_pending))
        view_menu = bar.addMenu("&View")
        self.columns_menu = view_menu.addMenu("Columns")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        self.show_filters = self.make("Show filters", self._toggle_filters, "Ctrl+Shift+F")
        view_menu.addAction(self.show_filters)
        theme_menu = view_menu.addMenu("Appearance")
        group = QActionGroup(self)
        for choice, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            action = theme_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(current_theme() == choice)
            action.triggered.connect(lambda _=False, c=choice: set_theme(c))
            group.addAction(action)
        view_menu.addActions([self.refresh, self.full_refresh])
        view_menu.addSeparator()
        tip = "What the last syncs changed, biggest quantity drops first (from the cache: offline too)"
        view_menu.addAction(self.make("Changes since last sync…", self.window.open_changes, tip=tip))
        self.help_menu = bar.addMenu("&Help")
        self.shortcuts = self.make("Keyboard shortcuts", self.open_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.help_menu.addAction(self.shortcuts)
        self.help_menu.addAction(self.make("About Stockroom", self._about))

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Actions")
        toolbar.setObjectName("actions-toolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(ACTION_ICON_SIZE, ACTION_ICON_SIZE))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for entry in TOOLBAR:
            if entry is None:
                toolbar.addSeparator()
                continue
            action: QAction = getattr(self, entry[0])
            toolbar.addAction(action)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.statusTip() or action.iconText()} ({keys})" if keys else action.iconText())
        self.host.addToolBar(toolbar)
        return toolbar

    def _paint_icons(self) -> None:
        """The toolbar's icons in the palette's text colour (again whenever the theme changes)."""
        palette, ratio = self.host.palette(), self.host.devicePixelRatioF()
        for entry in TOOLBAR:
            if entry is not None:
                getattr(self, entry[0]).setIcon(action_icon(entry[1], palette, ratio))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and watched is self.host:
            self._paint_icons()
        elif kind == QEvent.Type.ActionAdded and watched is self.menu_bar:
            self._keep_help_last()
        elif kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent) and watched is self.window.tabs:
            return self._page_menu(event)
        return False

    def _keep_help_last(self) -> None:
        """Help stays the last menu whatever adds one later (the stock views add theirs after these)."""
        bar = self.menu_bar
        help_action = self.help_menu.menuAction()
        if bar.actions() and bar.actions()[-1] is not help_action:
            bar.removeAction(help_action)
            bar.addAction(help_action)

    # -- what is enabled -------------------------------------------------------------------------------------
    def update_state(self) -> None:
        """Enable what applies to the tab shown and its selection; say why the record actions are off."""
        tab = self.window.current_tab() if self.window.tabs.count() else None
        editable = tab is not None and app_type(tab.type).window_edits
        picked = editable and tab is not None and tab.has_selection()
        self.new.setEnabled(editable)
        self.edit.setEnabled(picked and tab is not None and tab.current_id() is not None)
        self.delete.setEnabled(picked)
        for action in (self.export, self.find, self.show_filters):
            action.setEnabled(tab is not None)
        if tab is not None and not editable:
            why = f"{tab.resource.plural_label} are read-only in Stockroom"
        elif tab is None:
            why = "Choose a table first"
        else:
            why = "Select a row first"
        for action in (self.new, self.edit, self.delete):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            base = f"{action.statusTip() or action.iconText()} ({keys})"
            action.setToolTip(base if action.isEnabled() else f"{base}: {why.lower()[0]}{why[1:]}")
        self.changed.emit()

    # -- the rows' right-click menu --------------------------------------------------------------------------
    def add_row_action(self, action: QAction) -> None:
        """Offer ``action`` in every table's right-click menu, after the record's own actions (its owner keeps it
        enabled or not, following :attr:`changed`)."""
        if action not in self.row_actions:
            self.row_actions.append(action)

    def row_menu(self) -> QMenu:
        """The right-click menu for the tab shown, built from the actions as they are now: the record's actions
        (only where the type is edited here), its steps, what others added, then the table's own."""
        self.update_state()
        tab = self.window.current_tab()
        menu = QMenu(self.host)
        if tab is not None and app_type(tab.type).window_edits:
            menu.addActions([self.new, self.edit, self.delete])
        if tab is not None and app_type(tab.type).actions:
            self.fill_steps(menu.addMenu("Steps"))
        if self.row_actions:
            menu.addSeparator()
            menu.addActions(self.row_actions)
        menu.addSeparator()
        menu.addActions([self.find, self.export, self.refresh])
        return menu

    def show_row_menu(self, point: QPoint) -> None:
        """Pop the rows' menu up at ``point`` (on the screen); it goes when closed."""
        menu = self.row_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.aboutToHide.connect(self._row_menu_hidden)
        self.row_menu_shown = menu
        menu.popup(point)

    def _row_menu_hidden(self) -> None:
        self.row_menu_shown = None

    def _page_menu(self, event: QContextMenuEvent) -> bool:
        """The tables of views that are not resource tabs (Overview, Low stock, Find SKU) have a right-click menu
        too: the view's buttons for the row clicked (:class:`RowButtons`), then Refresh. Such a table passes the
        right-click on to its parents, so it is caught here, on the tabs, for every view however late it is built."""
        page = self.window.tabs.currentWidget()
        if page is None or self.window.current_tab() is not None:
            return False
        child = page.childAt(page.mapFromGlobal(event.globalPos()))
        while child is not None and not isinstance(child, QAbstractItemView):
            child = child.parentWidget()
        if not isinstance(child, QAbstractItemView):
            return False
        index = child.indexAt(child.viewport().mapFromGlobal(event.globalPos()))
        if index.isValid():
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            child.selectionModel().setCurrentIndex(index, flags)
        menu = QMenu(self.host)
        buttons = page.buttons_for(child) if isinstance(page, RowButtons) else ()
        for button in buttons:
            if not button.isHidden():
                action = menu.addAction(button.text())
                action.setEnabled(button.isEnabled())
                action.triggered.connect(button.click)
        menu.addSeparator()
        menu.addAction(self.refresh)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.aboutToHide.connect(self._row_menu_hidden)
        self.row_menu_shown = menu
        menu.popup(event.globalPos())
        return True

    def fill_steps(self, menu: QMenu) -> None:
        """The selected record's life-cycle steps (a transfer's Start picking), as the details pane offers them."""
        menu.clear()
        tab = self.window.current_tab()
        buttons = tab.details.action_buttons if tab is not None else {}
        for button in buttons.values():
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        if not buttons:
            menu.addAction("No steps for this record").setEnabled(False)

    # -- small commands --------------------------------------------------------------------------------------
    def _focus_find(self) -> None:
        tab = self.window.current_tab()
        if tab is not None:
            tab.focus_find()

    def _toggle_filters(self) -> None:
        tab = self.window.current_tab()
        if tab is not None:
            tab.filters_button.setChecked(not tab.filters_button.isChecked())

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        tab = self.window.current_tab()
        if tab is not None:
            for action in tab.table.column_menu(self.columns_menu).actions():
                self.columns_menu.addAction(action)

    def open_shortcuts(self) -> QWidget:
        """Help ▸ Keyboard shortcuts: one list at a time (asked again, the open one comes to the front)."""
        from desktop_app.ui.dialogs.shortcuts import ShortcutsDialog  # built when asked for, not with the window

        shown = self.host.findChild(ShortcutsDialog)
        if shown is not None and shown.isVisible():
            shown.raise_()
            shown.activateWindow()
            return shown
        return ShortcutsDialog.show_for(self.host)

    def _about(self) -> None:
        from desktop_app.ui.dialogs.messages import Messages

        Messages.about(self.host)
