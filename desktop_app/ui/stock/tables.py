"""A small read-only table of figures for the stock views: rows of cells, numbers right-aligned with thousands
separators, the raw value kept for sorting and for tests, and a mark (the warning colour) on chosen rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop_app.ui.models.roles import ALIGNMENT, DISPLAY, FONT, FOREGROUND, RIGHT, TOOL_TIP

Index = QModelIndex | QPersistentModelIndex
#: The raw value of a cell (a number stays a number), and the row's key (a record id), for callers and tests.
ValueRole = Qt.ItemDataRole.UserRole + 20
KeyRole = Qt.ItemDataRole.UserRole + 21
#: True on a row the view marks (low stock, ships from here): the same role the resource tables answer.
MarkRole = Qt.ItemDataRole.UserRole + 6
MARK_COLOUR = QColor(190, 90, 0)
#: The roles :meth:`FiguresModel.data` answers (see :mod:`desktop_app.ui.models.roles`).
ANSWERED = frozenset({DISPLAY, ALIGNMENT, FOREGROUND, FONT, TOOL_TIP, ValueRole, KeyRole, MarkRole})


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


class FiguresModel(QAbstractTableModel):
    """``set_rows(rows, keys, marked, bold)``: rows of raw values; ``keys`` one per row; marked and bold rows by
    position (a total row is bold)."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Any]] = []
        self.keys: list[str | None] = []
        self.marked: set[int] = set()
        self.bold: set[int] = set()
        self.notes: dict[int, str] = {}
        #: The columns a mark colours (all when ``None``).
        self.mark_columns: set[int] | None = None

    def set_rows(
        self,
        rows: Sequence[Sequence[Any]],
        keys: Sequence[str | None] | None = None,
        *,
        marked: set[int] | None = None,
        bold: set[int] | None = None,
        notes: dict[int, str] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows = [list(row) for row in rows]
        self.keys = list(keys) if keys is not None else [None] * len(self.rows)
        self.marked = marked or set()
        self.bold = bold or set()
        self.notes = notes or {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        value = self.rows[row][column]
        if role == DISPLAY:
            return cell_text(value)
        if role == ValueRole:
            return value
        if role == KeyRole:
            return self.keys[row]
        if role == MarkRole:
            return row in self.marked
        if role == ALIGNMENT and isinstance(value, int | float) and not isinstance(value, bool):
            return RIGHT
        if role == FOREGROUND and row in self.marked:
            if self.mark_columns is None or column in self.mark_columns:
                return MARK_COLOUR  # a colour the delegate paints as a brush (no QBrush before the first frame)
            return None
        if role == FONT and row in self.bold:
            font = QFont()
            font.setBold(True)
            return font
        if role == TOOL_TIP and row in self.notes:
            return self.notes[row]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None


def figures_view(
    model: FiguresModel, parent: QWidget | None = None, *, stretch: int = 0, fitted: bool = False
) -> QTableView:
    """A read-only table of ``model``; column ``stretch`` (a name) takes the room left. A ``fitted`` table's other
    columns are sized by :func:`fit_height` after each change of rows, not by Qt at every layout pass."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed if fitted else QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fit_height(view: QTableView, most: int = 520) -> None:
    """As tall as its rows (up to ``most`` pixels, then it scrolls): short tables leave no empty box below. Called
    after each change of rows, it also fits the columns to what they now hold (the stretched one takes the rest).

    Sized once here rather than by Qt at every layout: a column sized to its contents is measured again at each
    pass of the window's layout (asking some fifteen roles of every cell each time), and so was each row sized to
    its contents; the Overview's eleven rows came to over two thousand ``data`` calls before its first frame. Every
    row is one line (no word wrap), so the first row's height serves them all."""
    rows_header, columns = view.verticalHeader(), view.horizontalHeader()
    model = view.model()
    if model is not None and model.rowCount() > 0:
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(max(view.sizeHintForRow(0), rows_header.minimumSectionSize()))
    for column in range(model.columnCount() if model is not None else 0):
        if columns.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            columns.resizeSection(column, max(view.sizeHintForColumn(column), columns.sectionSizeHint(column)))
    rows = rows_header.length()
    frame = 2 * view.frameWidth()
    scroll = view.horizontalScrollBar().sizeHint().height() if view.horizontalScrollBar().isVisible() else 0
    view.setFixedHeight(min(rows + view.horizontalHeader().sizeHint().height() + frame + scroll + 2, most))
