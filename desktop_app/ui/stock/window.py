"""What the stock views need of the main window, named here rather than imported (the window imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTabWidget

if TYPE_CHECKING:
    from desktop_app.inventory import LowMarks
    from desktop_app.inventory.ahead import OverviewAhead
    from desktop_app.ui.edits import EditController
    from desktop_app.ui.views.status_bar import StatusBar
    from desktop_app.ui.workspace import Workspace


class StockWindow(Protocol):
    """The main window, as the Overview, Low stock and Find SKU views use it."""

    workspace: Workspace
    tabs: QTabWidget
    status: StatusBar
    edits: EditController
    undo_stack: QUndoStack
    figures_ahead: OverviewAhead | None

    def open_pending(self) -> None: ...

    def show_record(self, type_: str, record_id: str) -> None: ...

    def low_marks_changed(self, marks: LowMarks) -> None: ...
