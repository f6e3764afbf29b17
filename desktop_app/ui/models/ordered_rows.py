"""The rows a table shows and their order, kept by asking the worker thread and taking its answers.

A table of a million rows holds only their keys in the shown order (:class:`RowOrder`). A sort, a filter or a find
asks the worker for a new order (:meth:`OrderedRows._ask`); the answer replaces the order in one layout change that
keeps persistent indexes (the selection, the current row) on their records. A sort's first screenful can come first
(read from one index, the selected rows' places counted in it), and a table opened on its first screenful is counted
before its whole order arrives; in both cases the rows not known yet are blank, and the whole order fills them in
place. :class:`ResourceTableModel` adds the cells, the roles and the edits.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop_app.schema import Column
from desktop_app.ui.models.query_worker import INLINE_ROWS, QueryWorker
from desktop_app.ui.models.row_order import UNKNOWN, Plan, RowOrder

if TYPE_CHECKING:
    from desktop_app.store.table_query import Source

Index = QModelIndex | QPersistentModelIndex
_ROWS_SORTED = QAbstractTableModel.LayoutChangeHint.VerticalSortHint
#: Rows a sort shows first, before its whole order (a screenful on a tall screen).
SCREEN_ROWS = 200
#: The overload of the layout signals that carries a hint.
_LAYOUT_ARGS = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"


class OrderedRows(QAbstractTableModel):
    """The shown rows of one table and the orders asked for them (see the module's notes)."""

    #: The shown order was replaced (a sort, a filter or a find answered, or the whole table was read).
    order_ready = Signal()

    def __init__(self, columns: tuple[Column, ...], rows: RowOrder, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._rows = rows
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._conditions: tuple[tuple[Any, Any], ...] = ()
        self._find = ""
        self._find_in: frozenset[str] | None = None
        self._worker = QueryWorker(self)
        self._asked = 0  # number of the latest order asked for: older answers are dropped
        self._shown = 0  # number of the order whose rows are shown (its first screenful at least)
        self._taken = 0  # number of the last whole order taken
        self._answer: Any = None
        self._asked_plan: Plan | None = None
        self._partial = False
        #: Rows other models hold persistent indexes on (a proxy's selection): their new places are found with the
        #: order, in the worker, not searched for on the window's thread afterwards.
        self._watchers: list[Callable[[], list[int]]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows.size

    def _plan(self, limit: int | None = None) -> Plan:
        key = None if self._sort is None else self.columns[self._sort[0]].key
        descending = self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder
        return Plan(key, descending, self._conditions, self._find, self._find_in, limit)

    def _ask(self, *, refilter_only: bool = False, screen: bool = False) -> None:
        """Compute the shown order again (in the worker for a big table); the answer replaces the order. With
        ``screen`` (a sort), the new order's first screenful and the selected rows' places come first, from an
        index, where they can (see :meth:`_take_screen`)."""
        self._asked += 1
        number = self._asked
        plan = self._asked_plan = self._plan()
        rows = [i.row() for i in self.persistentIndexList()]
        for watcher in self._watchers:
            rows.extend(watcher())
        wanted = {self._rows.order[row] for row in rows if 0 <= row < len(self._rows.order)}
        reuse = self._answer if refilter_only else None
        order = self._rows

        def job() -> Any:
            return order.compute(plan, wanted, reuse=reuse)

        inline = len(self._rows.every) <= INLINE_ROWS and not self._partial
        if screen and not inline and not self._partial:
            self._worker.run(
                lambda: order.screen(plan, wanted, SCREEN_ROWS),
                lambda found: self._take_screen(number, found),
                quick=True,
            )
        self._worker.run(job, lambda answer: self._take(number, answer), inline=inline)

    def _take_screen(self, number: int, found: tuple[array[int], dict[int, int]] | None) -> None:
        """A sort's first screenful and the places of the rows other models point at (the selection, the current
        row), shown while the whole order is read: the rest of the rows blank, the selection already at its
        records' new places. Skipped when a row pointed at has no known place (the whole order then moves it)."""
        if found is None or number != self._asked or self._taken == number or self._partial or not self._rows.cached:
            return  # nothing to show, a newer order asked for, or the whole order came first (another lane)
        first, places = found
        self.layoutAboutToBeChanged[_LAYOUT_ARGS].emit([], _ROWS_SORTED)  # type: ignore[index]
        persistent = self.persistentIndexList()
        old = self._rows.order
        keys = [old[i.row()] if 0 <= i.row() < len(old) else UNKNOWN for i in persistent]
        if all(key == UNKNOWN or key in places for key in keys):
            self._rows.order = self._rows.sparse(first, places, self._rows.size)
            moved = [
                self.index(places[k], i.column()) if k != UNKNOWN else i for k, i in zip(keys, persistent, strict=True)
            ]
            self.changePersistentIndexList(persistent, moved)
            self._shown = number
        self.layoutChanged[_LAYOUT_ARGS].emit([], _ROWS_SORTED)  # type: ignore[index]

    @property
    def busy(self) -> bool:
        """An order asked for has not been answered yet."""
        return self._worker.running > 0

    @property
    def sorted_rows_shown(self) -> bool:
        """The rows on screen are in the latest order asked for (its first screenful, or all of it)."""
        return self._shown == self._asked or not self.busy

    def _take(self, number: int, answer: Any) -> None:
        if number != self._asked or not self._rows.cached:
            return  # a newer sort or filter was asked for meanwhile, or the table was replaced
        self._shown = self._taken = number
        self._answer = answer
        old = self._rows.order
        self._rows.every, self._rows.matching = answer.every, answer.matching
        new = answer.order
        if not old and not new:
            self._partial = False
            self.order_ready.emit()
            return
        if len(new) == len(old) and not self._rows.placeholders:
            if new != old:
                self._relayout(new, answer.positions)
        elif self._partial and new[: len(old)] == old:
            self._fill(new)
        else:
            self.beginResetModel()
            self._rows.order = new
            self.endResetModel()
        self._partial = False
        self.order_ready.emit()

    def _fill(self, new: array[int]) -> None:
        """The whole order after a first screenful it begins with: rows beyond the counted ones are added, counted
        ones that are gone removed, and the blank rows the count stood for are painted with their values."""
        known, shown = len(self._rows.order), self._rows.size
        if len(new) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(new) - 1)
            self._rows.order = new
            self.endInsertRows()
        elif len(new) < shown:
            self.beginRemoveRows(QModelIndex(), len(new), shown - 1)
            self._rows.placeholders = len(new) - known
            self.endRemoveRows()
            self._rows.order = new
        else:
            self._rows.order = new
        if min(len(new), shown) > known:
            self.dataChanged.emit(self.index(known, 0), self.index(min(len(new), shown) - 1, len(self.columns) - 1))

    def _count_screen(self) -> None:
        """Count the rows of a table shown from its first screenful (in the worker, before its whole order): the
        count arrives in tens of milliseconds, the order of a million rows in several hundred."""
        if self._conditions or self._find:
            return  # the first screenful is not filtered: the count would not be the rows shown
        screen = self._rows.order
        rows = self._rows

        def counted(total: int) -> None:
            if rows.order is not screen or not self._partial or total <= rows.size:
                return  # an order came first, or the table was opened again
            self.beginInsertRows(QModelIndex(), rows.size, total - 1)
            rows.placeholders = total - len(screen)
            self.endInsertRows()

        self._worker.run(rows.count_in_worker, counted, quick=True)

    def watch_rows(self, rows: Callable[[], list[int]]) -> None:
        """``rows()`` names rows another model holds persistent indexes on (see :meth:`_ask`)."""
        self._watchers.append(rows)

    def _relayout(self, new: array[int], positions: Mapping[int, int]) -> None:
        """Replace the order with ``new``; persistent indexes (the selection, the current row) follow their rows."""
        # A sort hint: the column header then keeps no persistent indexes on the first row through the change
        # (it would for each resized column), whose new places would have to be searched for in a million rows.
        self.layoutAboutToBeChanged[_LAYOUT_ARGS].emit([], _ROWS_SORTED)  # type: ignore[index]
        persistent = self.persistentIndexList()
        keys = [self._rows.order[i.row()] if 0 <= i.row() < len(self._rows.order) else -1 for i in persistent]
        self._rows.order = new
        moved = []
        for key, index in zip(keys, persistent, strict=True):
            row = positions.get(key)
            if row is None:
                row = self._rows.position_of(key) if key >= 0 else -1
            moved.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged[_LAYOUT_ARGS].emit([], _ROWS_SORTED)  # type: ignore[index]

    @property
    def partial(self) -> bool:
        """Only a first screenful is shown; the whole order is being read."""
        return self._partial

    @property
    def total(self) -> int:
        """Rows of the table before the filter and the quick find."""
        return len(self._rows.every) if self._rows.cached else len(self._rows.rows)

    def rowids(self, ranges: Sequence[tuple[int, int]] | None = None) -> array[int]:
        """The cache's row ids of the shown rows, in the shown order (``ranges``: only rows ``first..last`` of
        each): slices of the order array, so every row of a filtered million costs no Python object."""
        if ranges is None:
            return array("q", self._complete_order())
        out = array("q")
        for first, last in ranges:
            out.extend(self._rows.order[first : last + 1])
        return array("q", (k for k in out if k != UNKNOWN)) if UNKNOWN in out else out

    def _complete_order(self) -> array[int]:
        """The shown order, or while a sort shows only its first screenful, the last whole one (the same rows)."""
        order = self._rows.order
        if self._answer is not None and UNKNOWN in order:
            return self._answer.order  # type: ignore[no-any-return]
        return order

    def shown_rows(self) -> tuple[Path, array[int], tuple[Source, ...]] | None:
        """For an export read in another thread: the cache file, a copy of the shown order and where each column's
        value comes from; ``None`` for rows from the server (held here, few)."""
        if not self._rows.cached or self._rows.path is None:
            return None
        return self._rows.path, array("q", self._complete_order()), self._rows.sources
