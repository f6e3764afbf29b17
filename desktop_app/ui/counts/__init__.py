"""Stock counts in the window: Stock ▸ Count a location… (Ctrl+Shift+C) opens the Count view as a tab, built on
first use (nothing of it runs before the first frame) and on the last unfinished count when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QTabWidget, QWidget

if TYPE_CHECKING:
    from desktop_app.ui.counts.view import CountView
    from desktop_app.ui.views.status_bar import StatusBar
    from desktop_app.ui.workspace import Workspace

SHORTCUT = "Ctrl+Shift+C"


class CountWindow(Protocol):
    """What the Count view needs of the main window (named here rather than imported: the window imports this)."""

    workspace: Workspace
    tabs: QTabWidget
    status: StatusBar
    undo_stack: QUndoStack


class CountLauncher:
    """Holds the Count view once built; ``show()`` builds it if needed, brings it forward and focuses the entry."""

    def __init__(self, window: CountWindow, top: QWidget) -> None:
        self.window = window
        self.view: CountView | None = None
        self.action = QAction("Count a location…", top)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip("Count a stock location's shelves, scanned or typed, and apply the differences")
        self.action.triggered.connect(lambda _=False: self.show())
        top.addAction(self.action)

    def show(self) -> CountView:
        from desktop_app.ui.counts.view import CountView  # the count's modules: only when a count is opened

        tabs = self.window.tabs
        if self.view is None or tabs.indexOf(self.view) < 0:
            self.view = CountView(self.window.workspace, self.window.undo_stack)
            self.view.message.connect(lambda text: self.window.status.showMessage(text, 10000))
            self.window.workspace.records_changed.connect(self._records_changed)
            tabs.addTab(self.view, "Count")
        else:
            self.view.fill_locations()
        tabs.setCurrentWidget(self.view)
        self.view.focus_entry()
        return self.view

    def _records_changed(self, type_: str, _ids: list[str]) -> None:
        """A sync brought stock locations: the picker lists them (the count itself reads the cache as it goes)."""
        if type_ == "stock_locations" and self.view is not None:
            self.view.fill_locations()


def install(window: CountWindow, top: QWidget) -> CountLauncher:
    return CountLauncher(window, top)
