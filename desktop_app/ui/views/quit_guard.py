"""Quitting with edits not yet on the server: say how many, what becomes of them, and offer to wait for them.

Queued edits survive in the cache and the next start sends them, so quitting loses nothing; but a person who
quits does not know that unless told, and may want them on the server before walking away (a colleague reads the
dashboard). The demo is the exception: its cache is a temporary folder and its server starts from the seed each
time, so its queued edits are gone when it closes, and it says so.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.ui.workspace import Workspace

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox


class QuitChoice(Enum):
    QUIT = "quit"
    WAIT = "wait"
    STAY = "stay"


def _edits(count: int) -> str:
    return "1 edit has" if count == 1 else f"{count:,} edits have"


def quit_question(workspace: Workspace, count: int) -> tuple[str, str, bool]:
    """The question's title, text and whether waiting is offered (only where waiting can help)."""
    if workspace.discards_cache_on_close:
        text = (
            f"{_edits(count)} not been sent to the demo's server. The demo starts again from its sample data "
            "every time, so they are lost when it closes."
        )
        return "Close the demo?", text, False
    where = "Commerce Layer" if workspace.mode == "live" else f"{workspace.name} ({workspace.mode} mode)"
    text = (
        f"{_edits(count)} not been sent to {where} yet. They stay queued on this computer and are sent the "
        "next time Stockroom starts."
    )
    if workspace.online:
        text += "\n\nWait for them to be sent and quit then, or quit now?"
    return "Quit with unsent edits?", text, workspace.online


def ask_quit(parent: QWidget | None, title: str, text: str, can_wait: bool) -> QuitChoice:
    """The question as a message box (tests replace this function)."""
    box = quit_box(parent, title, text, can_wait)
    box.exec()
    clicked = box.clickedButton()
    return QuitChoice(clicked.property("choice")) if clicked is not None else QuitChoice.STAY


def quit_box(parent: QWidget | None, title: str, text: str, can_wait: bool) -> QMessageBox:
    # Here, not at the top: the window imports this module before its first frame, and naming QMessageBox there
    # builds its enums (~1 ms) for a box only a quit with queued edits shows.
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    if can_wait:
        box.addButton("Wait and quit", QMessageBox.ButtonRole.AcceptRole).setProperty("choice", "wait")
    quit_label = "Quit now" if can_wait else ("Close" if title.startswith("Close") else "Quit")
    box.addButton(quit_label, QMessageBox.ButtonRole.DestructiveRole).setProperty("choice", "quit")
    stay = box.addButton(QMessageBox.StandardButton.Cancel)
    stay.setProperty("choice", "stay")
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    return box


class QuitGuard(QObject):
    """``allows_quit()`` asks when edits are queued; after "Wait and quit" it emits ``ready`` once the outbox has
    nothing left to send (and ``gave_up(message)`` when the connection goes, leaving the window open)."""

    ready = Signal()
    gave_up = Signal(str)

    def __init__(self, parent: QWidget, workspace: Workspace) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.workspace = workspace
        self.waiting = False
        workspace.outbox_changed.connect(self._outbox_changed)
        workspace.online_changed.connect(self._online_changed)

    def allows_quit(self) -> bool:
        count = self.workspace.cached.outbox.pending_count()
        if not count:
            return True
        title, text, can_wait = quit_question(self.workspace, count)
        choice = ask_quit(self.parent_widget, title, text, can_wait)
        if choice is QuitChoice.WAIT:
            self.waiting = True
            self.workspace.send_now()
        return choice is QuitChoice.QUIT

    def _outbox_changed(self) -> None:
        if self.waiting and not self.workspace.cached.outbox.pending_count():
            self.waiting = False
            self.ready.emit()

    def _online_changed(self, online: bool) -> None:
        if self.waiting and not online:
            self.waiting = False
            count = self.workspace.cached.outbox.pending_count()
            self.gave_up.emit(f"Offline: {_edits(count)} not been sent; they are sent at the next start")
