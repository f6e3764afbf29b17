"""The counted lines as a table: SKU, name, expected, counted, difference, when. A line entered again is updated in
place (one ``dataChanged`` for its row), a new one is appended; numbers read with thousands separators and the
difference is coloured in colours that read on the light and the dark palette alike."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.counts import Counted
from desktop_app.schema import parse_datetime

Index = QModelIndex | QPersistentModelIndex
#: The raw value of a cell (numbers stay numbers) and the row's SKU id, for callers and tests.
ValueRole = Qt.ItemDataRole.UserRole + 20
KeyRole = Qt.ItemDataRole.UserRole + 21

CODE, NAME, EXPECTED, COUNTED, DIFFERENCE, WHEN = range(6)
HEADERS = ("SKU", "Name", "Expected", "Counted", "Difference", "Counted at")
_NUMBERS = (EXPECTED, COUNTED, DIFFERENCE)


def signed(value: int) -> str:
    """A difference as people write it: "+2", "−3" (a real minus sign), "0"."""
    if value > 0:
        return f"+{value:,}"
    if value < 0:
        return f"\u2212{-value:,}"
    return "0"


def difference_colour(value: int, palette: QPalette | None = None) -> QColor | None:
    """Green for more on the shelf than the cache says, red for fewer; lighter shades on a dark background."""
    if value == 0:
        return None
    shown = palette or QApplication.palette()
    dark = shown.color(QPalette.ColorRole.Base).lightness() < 128
    if value > 0:
        return QColor(110, 200, 120) if dark else QColor(20, 120, 40)
    return QColor(255, 120, 110) if dark else QColor(190, 30, 30)


def _time(stamp: str) -> str:
    try:
        return parse_datetime(stamp).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return stamp


class CountLinesModel(QAbstractTableModel):
    """Rows of :class:`~desktop_app.counts.Counted`, the first counted first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Counted] = []

    def set_rows(self, rows: list[Counted]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def put(self, line: Counted) -> int:
        """Show a line just written: its row updated where it is, or appended; returns the row."""
        for row, shown in enumerate(self.rows):
            if shown.line.sku_id == line.line.sku_id:
                self.rows[row] = line
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
                return row
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(line)
        self.endInsertRows()
        return row

    def remove(self, sku_id: str) -> None:
        for row, shown in enumerate(self.rows):
            if shown.line.sku_id == sku_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.rows[row]
                self.endRemoveRows()
                return

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 6:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return right if section in _NUMBERS else None
        return None

    def value(self, row: int, column: int) -> Any:
        shown = self.rows[row]
        values: tuple[Any, ...] = (
            shown.line.code,
            shown.name,
            shown.line.expected,
            shown.line.quantity,
            shown.difference,
            shown.line.counted_at,
        )
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = index.row(), index.column()
        if role == ValueRole:
            return self.value(row, column)
        if role == KeyRole:
            return self.rows[row].line.sku_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column == DIFFERENCE:
            colour = difference_colour(self.rows[row].difference)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and column == EXPECTED and self.rows[row].line.expected is None:
            return "The location has no stock item for this SKU: applying the count creates one"
        return None

    def _text(self, row: int, column: int) -> str:
        value = self.value(row, column)
        if column == EXPECTED:
            return "none (new)" if value is None else f"{value:,}"
        if column == COUNTED:
            return f"{value:,}"
        if column == DIFFERENCE:
            return signed(int(value))
        if column == WHEN:
            return _time(str(value))
        return str(value)
