"""The editor of a number cell: plain text read by the field's own rules, refused at the cell with its message.

Qt's default editor for an integer is a spin box, which drops the letters of ``12abc`` and saves 12 without a word.
A line edit keeps what was typed; Enter with a value the field refuses leaves the editor open with the message
beside it (and in the status bar), so the person sees what is wrong where they typed it. Escape cancels as usual.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QToolTip, QWidget

from desktop_app.schema import FieldError
from desktop_app.ui.models.resource_table import ResourceTableModel

Index = QModelIndex | QPersistentModelIndex
_COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
#: Shown on a refused editor until it is corrected (the theme's error red, readable light and dark).
REFUSED_STYLE = "QLineEdit { border: 2px solid #c62828; }"


class NumberCellDelegate(QStyledItemDelegate):
    """Line edits for the numeric columns a table edits in place; other cells keep Qt's editors."""

    def __init__(self, source: ResourceTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        #: The last refusal shown at a cell (tests and the status bar read it).
        self.last_refusal = ""

    def _numeric(self, index: Index) -> bool:
        column = self.source.columns[index.column()]
        return column.inline_edit and column.numeric

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if not self._numeric(index):
            return super().createEditor(parent, option, index)
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setProperty("column", index.column())
        editor.textEdited.connect(lambda _text: self._clear(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QLineEdit) and self._numeric(index):
            if editor.isModified():
                return  # the row was repainted (a sync, the low-stock marks): keep what the person is typing
            value = index.data(Qt.ItemDataRole.EditRole)
            editor.setText("" if value is None else str(value))
            editor.selectAll()
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QLineEdit) and self._numeric(index):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)  # a refusal reaches the status bar
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter or Tab on a refused value: the message at the cell, the editor stays open."""
        if (
            isinstance(watched, QLineEdit)
            and watched.property("column") is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _COMMIT_KEYS
        ):
            problem = self._problem(int(watched.property("column")), watched.text())
            if problem:
                self._refuse(watched, problem)
                return True
        return super().eventFilter(watched, event)

    def _problem(self, column: int, text: str) -> str:
        try:
            self.source.parse(column, text)
        except FieldError as exc:
            return f"{self.source.columns[column].label}: {exc.message}"
        return ""

    def _refuse(self, editor: QLineEdit, problem: str) -> None:
        self.last_refusal = problem
        editor.setStyleSheet(REFUSED_STYLE)
        editor.setToolTip(problem)
        editor.selectAll()
        QToolTip.showText(editor.mapToGlobal(editor.rect().bottomLeft()), problem, editor)
        self.source.edit_rejected.emit(problem)

    @staticmethod
    def _clear(editor: QLineEdit) -> None:
        editor.setStyleSheet("")
        editor.setToolTip("")
