"""Help ▸ Keyboard shortcuts: every shortcut of the window, read from its actions when the dialog opens (the menus in
their order, then actions that live in no menu), so the list is always the keys that work, never a copy of them."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Where an action that sits in no menu is said to be.
NO_MENU = "Window"


def plain(text: str) -> str:
    """A menu text as read: "&File" → "File", "Export to CSV…" → "Export to CSV"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…").strip()


def keys_of(action: QAction) -> str:
    return ", ".join(seq.toString(QKeySequence.SequenceFormat.NativeText) for seq in action.shortcuts())


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """``(keys, action, menu)`` for every action of ``window`` with a shortcut, each once."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def add(actions: Iterable[QAction], where: str) -> None:
        for action in actions:
            menu = action.menu()
            if isinstance(menu, QWidget):
                add(menu.actions(), f"{where} ▸ {plain(action.text())}" if where else plain(action.text()))
            elif id(action) not in seen and not action.isSeparator() and action.shortcuts():
                seen.add(id(action))
                rows.append((keys_of(action), plain(action.text()), where or NO_MENU))

    add(window.menuBar().actions(), "")
    add([*window.actions(), *window.findChildren(QAction)], NO_MENU)
    return rows


class ShortcutsDialog(QDialog):
    """A table of shortcut, action and menu; non-modal, so it can stay open beside the window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Shortcut", "Action", "Menu"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, min(640, 120 + 28 * len(rows)))

    def rows(self) -> list[tuple[str, str, str]]:
        """What the table shows, row by row (for tests)."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(row, 0), text(row, 1), text(row, 2)) for row in range(self.table.rowCount())]

    @classmethod
    def show_for(cls, window: QMainWindow) -> ShortcutsDialog:
        dialog = cls(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
