"""A thin Qt table model over the stock levels of one inventory model, in priority order, that can be reordered.

The model owns nothing but a plain list of :class:`StockLevelRow`. Every way of moving rows (a drop, Qt's own
``moveRows`` call for internal moves, the keyboard) ends in one private ``_reorder`` that applies the new order at once
(optimistic) and hands the new id order to a ``reorder`` callback, which plans and sends the priorities. If sending
fails, the owner calls :meth:`rollback` with the order the server holds.

A column sort only rearranges what is shown: while the rows are sorted by anything but ascending priority the
model refuses moves, because a dragged position would mean nothing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.reorder.levels import StockLevelRow
from desktop_app.ui.models.roles import RIGHT

MIME_TYPE = "application/x-stockroom-stock-level-rows"

#: Called with (new id order, previous id order) after a move has been applied to the model.
ReorderCallback = Callable[[list[str], list[str]], None]

AnyIndex = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    RANK = 0
    PRIORITY = 1
    LOCATION = 2
    ON_HOLD = 3
    PENDING = 4


HEADERS = {
    Column.RANK: "Rank",
    Column.PRIORITY: "Priority",
    Column.LOCATION: "Stock location",
    Column.ON_HOLD: "On hold",
    Column.PENDING: "Status",
}
#: What the status column says of a row whose change is still queued, and of one the server has.
WAITING, SENT = "Waiting to send", "Sent"
#: Header tooltips: what the two order columns mean.
HEADER_TIPS = {
    Column.RANK: "Place in the shipping order: the 1st location ships first",
    Column.PRIORITY: "Commerce Layer's priority number (lower ships first); the gaps between numbers mean nothing",
}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st: a place in the shipping order as people say it."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def moved_order(ids: Sequence[str], sources: Iterable[int], destination: int) -> list[str]:
    """``ids`` with the rows ``sources`` taken out and inserted, in their order, before row ``destination``."""
    chosen = sorted(set(sources))
    moving = [ids[row] for row in chosen]
    staying = [level_id for row, level_id in enumerate(ids) if row not in set(chosen)]
    insert_at = destination - sum(1 for row in chosen if row < destination)
    return staying[:insert_at] + moving + staying[insert_at:]


def stepped_order(ids: Sequence[str], selected: Iterable[int], delta: int) -> tuple[list[str], list[int]]:
    """Each selected row swaps with the unselected neighbour in direction ``delta`` (±1); rows at the edge stay.

    Returns the new order and where the selected rows ended up, so the view can keep them selected.
    """
    order = list(ids)
    marked = [False] * len(order)
    for row in selected:
        marked[row] = True
    span = range(1, len(order)) if delta < 0 else range(len(order) - 2, -1, -1)
    for row in span:
        neighbour = row + delta
        if marked[row] and not marked[neighbour]:
            order[row], order[neighbour] = order[neighbour], order[row]
            marked[row], marked[neighbour] = marked[neighbour], marked[row]
    return order, [row for row, flag in enumerate(marked) if flag]


class StockLevelOrderModel(QAbstractTableModel):
    """Stock levels of one inventory model; rows can be moved by drag, ``moveRows`` or the keyboard."""

    def __init__(self, rows: Iterable[StockLevelRow] = (), reorder: ReorderCallback | None = None) -> None:
        super().__init__()
        self._rows: list[StockLevelRow] = list(rows)
        self._natural: list[str] = [row.id for row in self._rows]  # priority order, whatever is shown
        self._reorder_callback = reorder
        self._enabled = True
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._batch_depth = 0
        self._batch_previous: list[str] | None = None

    # --- plain Python API ----------------------------------------------------------------------------------------

    def set_reorder_callback(self, reorder: ReorderCallback | None) -> None:
        self._reorder_callback = reorder

    def rows(self) -> list[StockLevelRow]:
        """The rows in priority order (not the sorted display order)."""
        by_id = {row.id: row for row in self._rows}
        return [by_id[level_id] for level_id in self._natural]

    def order(self) -> list[str]:
        return list(self._natural)

    def row_at(self, row: int) -> StockLevelRow:
        return self._rows[row]

    def set_rows(self, rows: Iterable[StockLevelRow]) -> None:
        """Show another set of stock levels (another inventory model, or a refresh from the cache)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._natural = [row.id for row in self._rows]
        self._rows = self._display(self._rows)
        self.endResetModel()

    def update_rows(self, rows: Iterable[StockLevelRow]) -> None:
        """Replace rows with new values (priority, pending marker) where their ids match; order unchanged."""
        fresh = {row.id: row for row in rows}
        for position, row in enumerate(self._rows):
            if row.id in fresh and fresh[row.id] != row:
                self._rows[position] = fresh[row.id]
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(Column) - 1))

    def rollback(self, order: Sequence[str]) -> None:
        """Put the rows back in ``order`` (what the server holds) without asking for a reorder."""
        if sorted(order) != sorted(self._natural):
            raise ValueError("rollback order must name exactly the rows shown")
        self._natural = list(order)
        by_id = {row.id: row for row in self._rows}
        self._relayout(self._display([by_id[level_id] for level_id in order]))

    @property
    def reorder_enabled(self) -> bool:
        """Moves are allowed: not switched off by the owner and not sorted by another column."""
        return self._enabled and self._sort is None

    def set_reorder_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    @property
    def sorted_by_other(self) -> bool:
        return self._sort is not None

    def move_rows(self, sources: Iterable[int], destination: int) -> bool:
        """Move the rows ``sources`` (any set) before row ``destination``; False when refused or a no-op."""
        chosen = sorted(set(sources))
        if not self.reorder_enabled or not chosen or not self._valid_rows(chosen):
            return False
        if not 0 <= destination <= len(self._rows):
            return False
        return self._reorder(moved_order(self._natural, chosen, destination))

    def step_rows(self, selected: Iterable[int], delta: int) -> list[int] | None:
        """Move the selected rows one place up (``delta=-1``) or down (``+1``); returns their new rows, or None."""
        chosen = sorted(set(selected))
        if not self.reorder_enabled or not chosen or not self._valid_rows(chosen) or delta not in (-1, 1):
            return None
        order, landed = stepped_order(self._natural, chosen, delta)
        return landed if self._reorder(order) else None

    @contextlib.contextmanager
    def batched_moves(self) -> Iterator[None]:
        """Several ``moveRows`` calls (Qt moves a multi-row drop one row at a time) become one reorder."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._batch_previous is not None:
                previous, self._batch_previous = self._batch_previous, None
                if previous != self._natural:
                    self._notify(previous)

    # --- internals ---------------------------------------------------------------------------------------------------

    def _valid_rows(self, rows: Sequence[int]) -> bool:
        return all(0 <= row < len(self._rows) for row in rows)

    def _display(self, rows: list[StockLevelRow]) -> list[StockLevelRow]:
        if self._sort is None:
            return rows
        column, order = self._sort
        return sorted(rows, key=lambda row: _sort_key(row, column), reverse=order == Qt.SortOrder.DescendingOrder)

    def _relayout(self, rows: list[StockLevelRow]) -> None:
        """Show ``rows`` in a new arrangement, keeping persistent indexes (selection, current) on their rows."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[index.row()].id if index.isValid() else None for index in persistent]
        self._rows = rows
        where = {row.id: position for position, row in enumerate(rows)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(where[level_id], index.column()) if level_id is not None else QModelIndex()
                for level_id, index in zip(ids, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def _reorder(self, order: list[str]) -> bool:
        """Apply a new priority order (never while sorted) and tell the owner; False for a no-op."""
        if order == self._natural:
            return False
        previous = self._natural
        by_id = {row.id: row for row in self._rows}
        self._natural = order
        self._relayout([by_id[level_id] for level_id in order])
        self._notify(previous)
        return True

    def _notify(self, previous: list[str]) -> None:
        if self._batch_depth:
            if self._batch_previous is None:
                self._batch_previous = list(previous)
            return
        if self._reorder_callback is not None:
            self._reorder_callback(list(self._natural), list(previous))

    # --- Qt overrides ------------------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(Column):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.RANK:  # the place in the real order, whatever column the rows are sorted by
                return ordinal(self._natural.index(row.id) + 1)
            if column == Column.PRIORITY:
                return "—" if row.priority is None else str(row.priority)
            if column == Column.LOCATION:
                return row.location_label
            if column == Column.ON_HOLD:
                return "Yes" if row.on_hold else "No"  # never a blank cell
            return WAITING if row.pending else SENT
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.PENDING and row.pending:
            return "This change waits in the outbox and has not reached Commerce Layer yet."
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.RANK, Column.PRIORITY):
            return RIGHT
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return (0, self._natural.index(row.id)) if column == Column.RANK else _sort_key(row, column)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.reorder_enabled else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.reorder_enabled:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        rows = sorted({index.row() for index in indexes if index.isValid()})
        if not rows:
            return None
        data = QMimeData()
        payload = {"rows": rows, "ids": [self._rows[row].id for row in rows]}
        data.setData(MIME_TYPE, json.dumps(payload).encode())
        return data

    def _decode(self, data: QMimeData | None) -> list[int] | None:
        """Rows named by our MIME payload, only if they still hold the same stock levels."""
        if data is None or not data.hasFormat(MIME_TYPE):
            return None
        try:
            payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
            rows = [int(row) for row in payload["rows"]]
            ids = [str(level_id) for level_id in payload["ids"]]
        except (ValueError, KeyError, TypeError):
            return None
        if not rows or not self._valid_rows(rows) or [self._rows[row].id for row in rows] != ids:
            return None
        return rows

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:
        if action != Qt.DropAction.MoveAction or parent.isValid() or not self.reorder_enabled:
            return False
        return self._decode(data) is not None

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        rows = self._decode(data)
        assert rows is not None
        return self.move_rows(rows, len(self._rows) if row < 0 else row)

    def moveRows(
        self, sourceParent: AnyIndex, sourceRow: int, count: int, destinationParent: AnyIndex, destinationChild: int
    ) -> bool:
        if sourceParent.isValid() or destinationParent.isValid() or not self.reorder_enabled or count < 1:
            return False
        if sourceRow < 0 or sourceRow + count > len(self._rows) or not 0 <= destinationChild <= len(self._rows):
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # onto itself: nothing would change
        if not self.beginMoveRows(QModelIndex(), sourceRow, sourceRow + count - 1, QModelIndex(), destinationChild):
            return False
        previous = self._natural
        self._natural = moved_order(previous, range(sourceRow, sourceRow + count), destinationChild)
        by_id = {row.id: row for row in self._rows}
        self._rows = [by_id[level_id] for level_id in self._natural]
        self.endMoveRows()
        last = len(self._rows) - 1  # every row between the two places has a new rank
        self.dataChanged.emit(self.index(0, Column.RANK), self.index(last, Column.RANK), [Qt.ItemDataRole.DisplayRole])
        self._notify(previous)
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort what is shown; ascending priority (or no column) is the real order and allows moves again."""
        natural = column in (-1, Column.RANK, Column.PRIORITY) and order == Qt.SortOrder.AscendingOrder
        self._sort = None if natural else (column, order)
        by_id = {row.id: row for row in self._rows}
        self._relayout(self._display([by_id[level_id] for level_id in self._natural]))


def _sort_key(row: StockLevelRow, column: int) -> tuple[int, Any]:
    if column in (Column.RANK, Column.PRIORITY):  # the rank is the place in priority order
        return (row.priority is None, row.priority or 0)
    if column == Column.LOCATION:
        return (0, row.location_label.casefold())
    if column == Column.ON_HOLD:
        return (0, row.on_hold)
    return (0, row.pending)
