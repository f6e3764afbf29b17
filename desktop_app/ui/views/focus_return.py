"""Keyboard focus goes back to the table whenever a dialog of the window closes.

A person who pressed Ctrl+N, Delete or Ctrl+E expects the next key to act on the rows again. After a modal dialog
Qt leaves focus to the window manager, which may give it to whatever last had it (a field, a tab bar) or, without
one (a kiosk, a bare X server), to nothing at all. Every modal dialog, message box and file chooser ends by sending
the window it blocked ``WindowUnblocked``, so one filter on the window alone (not on every event of the
application) catches them all however they were opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FocusReturn(QObject):
    """When a modal dialog over ``window`` closes, ``window`` is active again and focus is on ``target()``."""

    def __init__(self, window: QWidget, target: Callable[[], QWidget | None]) -> None:
        super().__init__(window)
        self.window = window
        self.target = target
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.WindowUnblocked:
            QTimer.singleShot(0, self.give_focus)  # after the dialog's own clean-up
        return False

    def give_focus(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return  # another dialog opened meanwhile (a refused edit reopens its form)
        widget = self.target()
        if widget is None or not widget.isVisible():
            return
        self.window.activateWindow()
        widget.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
