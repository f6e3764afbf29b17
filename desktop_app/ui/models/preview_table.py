"""The rows of a change preview (an import, a bulk edit): every error first, then every field each record changes.

A preview of 100,000 records is one row per changed field, so the rows are plain ``(kind, index, field)`` triples
built in the worker thread with the preview (:func:`preview_rows`); the text of a row is made only when it is painted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop_app.imports import Change, Preview, RowError
from desktop_app.imports.words import value_text
from desktop_app.schema import enum_label, get_resource
from desktop_app.ui.models.roles import ALIGNMENT, DISPLAY, FOREGROUND, RIGHT, TOOL_TIP

Index = QModelIndex | QPersistentModelIndex
ERROR_COLOUR = QColor(192, 40, 40)
#: What each kind of row reads as in the What column.
_KINDS = {"error": "Error", "create": "New", "update": "Change"}
#: A row: ``("error", index into errors, 0)`` or ``("change", index into changes, position among its fields)``.
Row = tuple[str, int, int]
#: The roles :meth:`PreviewTableModel.data` answers (see :mod:`desktop_app.ui.models.roles`).
_ANSWERED = frozenset({DISPLAY, FOREGROUND, ALIGNMENT, TOOL_TIP})
#: The texts of this many rows are kept (a screenful, and the rows scrolled past recently).
_KEPT_ROWS = 512


def preview_rows(preview: Preview) -> list[Row]:
    """The table's rows in order (pure data: built beside the preview, off the window's thread)."""
    rows: list[Row] = [("error", i, 0) for i in range(len(preview.errors))]
    for index, change in enumerate(preview.changes):
        fields = len(change.shown) if change.shown else len(change.values)
        rows.extend(("change", index, position) for position in range(fields))
    return rows


def field_changes(type_: str, change: Change) -> list[tuple[str, Any, Any]]:
    """``(field label, old, new)`` of each field ``change`` sets, as a person reads them."""
    if change.shown:
        return list(change.shown)
    fields = get_resource(type_).fields
    return [(fields[name].label if name in fields else name, old, new) for name, (old, new) in change.values.items()]


def _shown(value: Any) -> str:
    if isinstance(value, str) and value.islower() and "_" in value:
        return enum_label(value)  # a choice reads "In transit"
    return value_text(value)


class PreviewTableModel(QAbstractTableModel):
    """Columns: where (line, or place in the selection), what (error, new, change), record, field, change."""

    def __init__(self, preview: Preview, rows: list[Row], *, by_line: bool, parent: Any = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.rows = rows
        self.by_line = by_line
        self.headers = ["Line" if by_line else "#", "What", "Record", "Field", "Change"]
        self._texts: dict[int, tuple[str, str, str, str, str]] = {}

    def release(self) -> None:
        """Show nothing and hold nothing of the preview any more."""
        self.beginResetModel()
        self.rows = []
        self.preview = Preview(self.preview.type)
        self._texts.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in _ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DISPLAY:
            return self.texts(row)[column]
        if role == FOREGROUND:
            return ERROR_COLOUR if column in (1, 4) and self.rows[row][0] == "error" else None
        if role == ALIGNMENT:
            return RIGHT if column == 0 else None
        return self.texts(row)[column] if column == 4 else None  # the tool tip: a long reason whole

    def texts(self, row: int) -> tuple[str, str, str, str, str]:
        """The five cells of ``row`` as shown (made once while it is painted: Qt asks each cell in turn)."""
        kept = self._texts.get(row)
        if kept is None:
            if len(self._texts) >= _KEPT_ROWS:
                self._texts.clear()
            kept = self._texts[row] = self._made(row)
        return kept

    def _made(self, row: int) -> tuple[str, str, str, str, str]:
        kind, number, position = self.rows[row]
        if kind == "error":
            error: RowError = self.preview.errors[number]
            return (f"{error.line:,}", _KINDS["error"], error.record, error.column, error.reason)
        change = self.preview.changes[number]
        label, old, new = field_changes(self.preview.type, change)[position]
        first = position == 0
        where = f"{change.line:,}" if first else ""
        what = _KINDS["create" if change.is_create else "update"] if first else ""
        text = _shown(new) if change.is_create else f"{_shown(old)} → {_shown(new)}"
        return (where, what, change.label if first else "", label, text)
