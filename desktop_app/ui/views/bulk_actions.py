"""File ▸ Import… and Edit ▸ Change rows…: the two actions exist (in their menus, with their shortcuts) from the
window's first moment; the controller that previews and applies them is built the first time one is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from desktop_app.schema import app_type

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.bulk.controller import BulkController
    from desktop_app.ui.views.actions import WindowActions
    from desktop_app.ui.views.resource_tab import ResourceTab
    from desktop_app.ui.views.status_bar import StatusBar
    from desktop_app.ui.workspace import Workspace


class BulkWindow(Protocol):
    """What the actions need of the main window (named here rather than imported: the window imports this)."""

    workspace: Workspace
    status: StatusBar

    def current_tab(self) -> ResourceTab | None: ...


class BulkActions(QObject):
    """Import… (Ctrl+I) and Change rows… (Ctrl+Shift+E, in every table's right-click menu too); both wait while a
    preview is computed, and Change rows… is for types the window edits."""

    def __init__(self, host: QWidget, window: BulkWindow, actions: WindowActions) -> None:
        super().__init__(host)
        self._host = host
        self._window = window
        self._controller: BulkController | None = None
        tip = "Create and update records from a CSV or .xlsx file, after a preview"
        self.import_action = actions.make("Import…", self.import_file, "Ctrl+I", tip)
        actions.file_menu.insertAction(actions.export, self.import_action)
        tip = "Set one field on the selected rows or on every row shown"
        self.change_rows_action = actions.make("Change rows…", self.change_rows, "Ctrl+Shift+E", tip)
        actions.edit_menu.insertAction(actions.steps_menu.menuAction(), self.change_rows_action)
        actions.add_row_action(self.change_rows_action)
        actions.changed.connect(self.update_state)
        self._actions = actions

    @property
    def controller(self) -> BulkController:
        """The previews' controller, built on first use."""
        if self._controller is None:
            # Here, not at the top: ~3 ms of imports (the thread pool, the controller) the first frame does not need.
            from desktop_app.ui.bulk.controller import BulkController

            bulk = self._controller = BulkController(self._host, self._window.workspace)
            bulk.message.connect(lambda text: self._window.status.showMessage(text, 8000))
            bulk.busy.connect(lambda _busy: self._actions.update_state())
        return self._controller

    @property
    def computing(self) -> bool:
        return self._controller is not None and self._controller.computing

    def import_file(self) -> None:
        """The current tab's type is offered first when a spreadsheet can hold it."""
        tab = self._window.current_tab()
        self.controller.import_file(tab.type if tab is not None else None)

    def change_rows(self) -> None:
        self.controller.change_rows(self._window.current_tab())

    def update_state(self) -> None:
        tab = self._window.current_tab()
        editable = tab is not None and app_type(tab.type).window_edits
        self.change_rows_action.setEnabled(editable and not self.computing)
        self.import_action.setEnabled(not self.computing)
