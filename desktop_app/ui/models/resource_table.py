"""One table model for every resource, driven by the resource description, paged from the cache.

A table of a million stock items never sits in Python lists: the model holds the ``rowid`` of each shown row in
the shown order (an ``array('q')``: 8 bytes a row) and reads only the rows being painted, a block around the
viewport at a time (:mod:`desktop_app.store.table_query`). Sorting, the filter bar and the quick find are SQL run
in a worker thread (:mod:`query_worker`); their answer replaces the order in one layout change, which keeps the
selection on the same records. Edits and syncs repaint the rows they touched. A table the cache does not hold yet
loads page by page from the server as the person scrolls (``canFetchMore``/``fetchMore``), its rows held in memory.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.schema import (
    Column,
    FieldError,
    app_type,
    coerce,
    duration_words,
    enum_label,
    get_resource,
    read_text,
)
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups, RecordLike
from desktop_app.ui.models.query_worker import INLINE_ROWS, QueryWorker
from desktop_app.ui.models.row_order import UNKNOWN, Plan, RowOrder
from desktop_app.ui.models.table_rows import Row, record_row
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QIcon

    from desktop_app.inventory import LowMarks
    from desktop_app.store.table_query import Source

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROWS_SORTED = QAbstractTableModel.LayoutChangeHint.VerticalSortHint
#: Rows a sort shows first, before its whole order (a screenful on a tall screen).
SCREEN_ROWS = 200
#: The overload of the layout signals that carries a hint.
_LAYOUT_ARGS = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
PENDING_COLOUR = QColor(176, 110, 0)
NEGATIVE_COLOUR = QColor(192, 40, 40)
#: Behind a low-stock row: an amber translucent enough to read on light and dark bases alike.
LOW_STOCK_TINT = QColor(230, 150, 30, 60)
_PENDING_BRUSH, _NEGATIVE_BRUSH, _LOW_BRUSH = QBrush(PENDING_COLOUR), QBrush(NEGATIVE_COLOUR), QBrush(LOW_STOCK_TINT)


@cache
def _pending_icon() -> QIcon:
    """A small amber dot: visible on a selected row too, where the text colour is the selection's."""
    from PySide6.QtGui import QIcon, QPainter, QPixmap  # first needed by a pending row, never by the first frame

    pixmap = QPixmap(10, 10)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(PENDING_COLOUR.lighter(115)))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 8, 8)
    painter.end()
    return QIcon(pixmap)


@cache
def _pending_font() -> QFont:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setItalic(True)
    return font


class Pager(Protocol):
    """The rest of a table the cache does not hold, one server page at a time."""

    has_more: bool

    def next_page(self) -> Awaitable[Sequence[RecordLike]]: ...


def formatter(column: Column) -> Callable[[Any], Any]:
    """How a value of ``column`` reads in a cell (the table's and the details pane's lists)."""
    if column.field is not None and column.field.enum:  # "In transit", not in_transit
        return lambda v: v if not isinstance(v, str) else enum_label(v)
    if column.type == "datetime":
        return lambda v: None if v is None else str(v)[:16].replace("T", " ")
    if column.type == "boolean":
        return lambda v: None if v is None else ("Yes" if v else "No")
    if column.type in ("object", "array"):
        # Read from the cache file these are JSON text already; from a page or an edit, Python values.
        return lambda v: (
            None
            if not v or v in ("{}", "[]")
            else v
            if isinstance(v, str)
            else json.dumps(v, sort_keys=True, separators=(", ", ": "))
        )
    if column.duration:  # "1 hour", not 3600
        return lambda v: None if v is None else duration_words(v)
    if column.type == "integer":  # 1,098 (in the person's locale)
        locale = QLocale()  # the person's locale, read once per column (not per cell painted)
        return lambda v: v if v is None or isinstance(v, str) else locale.toString(int(v))
    if column.type == "float":
        locale = QLocale()
        return lambda v: None if v is None else locale.toString(float(v), "g", 12)
    return lambda v: v if v is None or isinstance(v, str) else str(v)


class ResourceTableModel(QAbstractTableModel):
    """Rows of one resource type; columns from :func:`columns_for`."""

    SortRole = Qt.ItemDataRole.UserRole + 1
    ObjectRole = Qt.ItemDataRole.UserRole + 2
    IdRole = Qt.ItemDataRole.UserRole + 3
    PendingRole = Qt.ItemDataRole.UserRole + 4
    #: True on a row at or below its reorder point (a stock item), or holding one (its SKU, its location).
    LowStockRole = Qt.ItemDataRole.UserRole + 6

    inline_edit_requested = Signal(str, dict)
    edit_rejected = Signal(str)
    loading_changed = Signal(bool)
    sorted_by = Signal(int, Qt.SortOrder)
    #: The shown order was replaced (a sort, a filter or a find answered, or the whole table was read).
    order_ready = Signal()

    def __init__(
        self,
        type_: str,
        lookups: Lookups,
        *,
        fetch_record: Callable[[str], RecordLike | None] | None = None,
        tasks: TaskSet | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.resource = get_resource(type_)
        self.type = self.resource.type
        self.columns = columns_for(self.type)
        self.lookups = lookups
        self._fetch_record = fetch_record
        self._tasks = tasks or TaskSet()
        self.relationship_names = tuple(r.name for r in self.resource.to_one)
        self._rows = RowOrder(self.type, self.columns, self.relationship_names)
        self._first_value = 2 + len(self.relationship_names)
        self._formatters = [formatter(c) for c in self.columns]
        self._checkable = [c.type == "boolean" and c.inline_edit for c in self.columns]
        #: A duration is edited as it reads ("1 hour"), in a text editor, not as seconds in a spin box.
        self._edit_words = [c.duration for c in self.columns]
        self._right = [c.numeric for c in self.columns]
        self._warn_negative = [c.warn_negative for c in self.columns]
        self._alignment = [_RIGHT if c.numeric else None for c in self.columns]
        self._flags: list[Qt.ItemFlag] | None = None
        self._pager: Pager | None = None
        self._loading = False
        self._paged: dict[str, RecordLike] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._conditions: tuple[tuple[Any, Any], ...] = ()
        self._find = ""
        self._find_in: frozenset[str] | None = None
        self._worker = QueryWorker(self)
        self._asked = 0  # number of the latest order asked for: older answers are dropped
        self._shown = 0  # number of the order whose rows are shown (its first screenful at least)
        self._answer: Any = None
        self._asked_plan: Plan | None = None
        self._partial = False
        self._low: LowMarks | None = None
        #: Rows other models hold persistent indexes on (a proxy's selection): their new places are found with the
        #: order, in the worker, not searched for on the window's thread afterwards.
        self._watchers: list[Callable[[], list[int]]] = []

    # -- Qt model interface ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows.size

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Asked about seven times per cell painted (a screenful of a jump through a million rows is ~1,300 calls):
        # roles are plain ints, per-column answers precomputed, and the row is read only for roles that need it.
        if not index.isValid():
            return None
        column = index.column()
        if role == _ALIGN:
            return self._alignment[column]
        row = self._rows.row(index.row())
        if role == _DISPLAY:  # a check box also says Yes or No: never a blank cell
            value = row[self._first_value + column]
            return ("Yes" if value else "No") if self._checkable[column] else self._formatters[column](value)
        if role == _EDIT or role == self.SortRole:  # noqa: PLR1714 (ints: faster than a tuple's in)
            value = row[self._first_value + column]
            if role == _EDIT and self._edit_words[column] and value is not None:
                return duration_words(value, exact=True)
            return value
        if role == _CHECK:
            if not self._checkable[column]:
                return None
            return Qt.CheckState.Checked if row[self._first_value + column] else Qt.CheckState.Unchecked
        pending = row[1]
        if role == _FOREGROUND:
            if pending:
                return _PENDING_BRUSH
            if self._warn_negative[column] and (row[self._first_value + column] or 0) < 0:
                return _NEGATIVE_BRUSH
            return None
        if role == _BACKGROUND:
            low = self._low
            return _LOW_BRUSH if low is not None and low.marks(self.type, row[0]) else None
        if role == _DECORATION:
            return _pending_icon() if pending and column == 0 else None
        if role == _FONT:
            return _pending_font() if pending else None
        return self._other_data(row, role)

    def _other_data(self, row: Row, role: int) -> Any:
        """The roles asked for outside painting."""
        pending = row[1]
        if role == _TOOLTIP and pending:
            return "Changed here, not yet confirmed by the server"
        if role == self.LowStockRole:
            return self._low is not None and self._low.marks(self.type, row[0])
        if role == self.IdRole:
            return row[0]
        if role == self.PendingRole:
            return pending
        if role == self.ObjectRole:
            return self.record(row[0])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == _DISPLAY:
            return column.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.field.description if column.field and column.field.description else column.label
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return super().flags(index)
        if self._flags is None:  # per column, worked out once: asked for every cell painted
            base = super().flags(index)
            self._flags = [
                base | (Qt.ItemFlag.ItemIsUserCheckable if self._checkable[i] else Qt.ItemFlag.ItemIsEditable)
                if column.inline_edit
                else base
                for i, column in enumerate(self.columns)
            ]
        return self._flags[index.column()]

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        """An inline edit becomes a request to the one edit path; the row changes when the cache does."""
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if column.metadata_key is not None and column.inline_edit and role == _EDIT:
            key = column.metadata_key  # a reorder point typed in its cell: that key of the record's metadata
        elif not column.inline_edit or column.field is None or role not in (_EDIT, _CHECK):
            return False
        else:
            key = column.key
            if role == _CHECK:
                value = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        try:
            parsed = self.parse(index.column(), value)
        except FieldError as exc:
            self.edit_rejected.emit(f"{column.label}: {exc.message}")
            return False
        row = self._rows.row(index.row())
        if parsed == row[self._first_value + index.column()]:
            return False
        self.inline_edit_requested.emit(row[0], {key: parsed})
        return True

    def parse(self, column_number: int, value: Any) -> Any:
        """What an inline edit of ``column_number`` would send: text read by the field's type, checked against
        Stockroom's own rules; raises FieldError naming the field (the cell's editor shows it before closing)."""
        column = self.columns[column_number]
        if column.metadata_key is not None:  # a reorder point: a whole number, or empty for none
            from desktop_app.inventory import parse_threshold

            return parse_threshold(value if isinstance(value, str | int) and not isinstance(value, bool) else None)
        assert column.field is not None, f"{column.key} is not edited in place"
        field = column.field
        parsed = read_text(self.type, field, value) if isinstance(value, str) else coerce(field, value)
        if parsed is None and column.field.required:
            raise FieldError(column.field.name, "can't be blank", "blank")
        app_type(self.type).check({column.key: parsed})
        return parsed

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        if self._sort == (column, order) and self._rows.cached and self._asked_plan == self._plan():
            return  # a view asks twice for one click (its sort indicator, then sortByColumn): one query is enough
        self._sort = (column, order)
        if self._rows.cached:
            self._ask(screen=True)
        else:
            self._sort_held()
        self.sorted_by.emit(column, order)

    def set_low_marks(self, marks: LowMarks) -> None:
        """Which rows are low on stock (the Overview's figures); repaints the rows."""
        self._low = marks
        if self.rowCount():
            roles = [self.LowStockRole, Qt.ItemDataRole.BackgroundRole]
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1), roles)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._pager is not None and self._pager.has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._set_loading(True)
            self._tasks.spawn(self._fetch_page(), name=f"next page of {self.type}")

    # -- ordering, filtering, finding -------------------------------------------------------------------------
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
                lambda: order.screen(plan, wanted, SCREEN_ROWS), lambda found: self._take_screen(number, found)
            )
        self._worker.run(job, lambda answer: self._take(number, answer), inline=inline)

    def _take_screen(self, number: int, found: tuple[array[int], dict[int, int]] | None) -> None:
        """A sort's first screenful and the places of the rows other models point at (the selection, the current
        row), shown while the whole order is read: the rest of the rows blank, the selection already at its
        records' new places. Skipped when a row pointed at has no known place (the whole order then moves it)."""
        if found is None or number != self._asked or self._partial or not self._rows.cached:
            return
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
        self._shown = number
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

        self._worker.run(rows.count_in_worker, counted)

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

    def _sort_held(self) -> None:
        """Rows from the server are few: sorted here, by their typed values."""
        from desktop_app.ui.models.table_rows import sorted_keys

        if self._sort is None:
            return
        offset = self._first_value + self._sort[0]
        new = array(
            "q", sorted_keys(self._rows.rows, self._rows.order, offset, self._sort[1] != Qt.SortOrder.AscendingOrder)
        )
        positions = {key: row for row, key in enumerate(new)}
        self._relayout(new, positions)

    def set_filters(self, conditions: Sequence[tuple[Any, Any]]) -> None:
        """Parsed filter-bar conditions ``(Condition, value)`` the cache can answer (the rest go to the server)."""
        if tuple(conditions) != self._conditions:
            self._conditions = tuple(conditions)
            if self._rows.cached:
                self._ask(refilter_only=True)

    def set_quick_find(self, text: str, columns: Iterable[str] | None = None) -> None:
        """Show only rows with ``text`` in a text column (the ``columns`` keyed, when given: the ones shown)."""
        find_in = None if columns is None else frozenset(columns)
        if (text.strip(), find_in) == (self._find, self._find_in):
            return
        self._find, self._find_in = text.strip(), find_in
        if self._rows.cached:
            self._ask(refilter_only=True)
        else:
            self._find_held()

    def _find_held(self) -> None:
        needle = self._find.casefold()
        keys = (
            sorted(self._rows.rows)
            if not needle
            else [
                key
                for key, row in sorted(self._rows.rows.items())
                if any(isinstance(v, str) and needle in v.casefold() for v in row[self._first_value :])
            ]
        )
        self.beginResetModel()
        self._rows.order = array("q", keys)
        self.endResetModel()
        if self._sort is not None:
            self._sort_held()

    # -- filling and updating --------------------------------------------------------------------------------
    def open_cache(self, path: Path, *, first: int | None = None, rest_later: bool = False) -> bool:
        """Show the cache's rows of this type. With ``first``, the first rows now (a first screenful, found through
        an index without reading the rest) and the whole order from the worker after (``rest_later``: once
        :meth:`read_rest` is called, after the window's first frame: a million row ids read meanwhile would take
        the processor and the interpreter lock from the start); without, the whole order now (a small table).
        Returns whether more rows follow."""
        self.beginResetModel()
        self._rows.open(path)
        self._pager, self._paged, self._answer = None, {}, None
        if first is None:
            self._install(self._rows.compute(self._plan()))
            self._partial = False
            self.endResetModel()
            self.order_ready.emit()
            return False
        screen = self._rows.compute(self._plan(first)).order
        self._rows.order = self._rows.every = screen
        self._partial = True
        self.endResetModel()
        if len(screen) < first and not self._conditions and not self._find:
            self._partial = False  # the whole table fitted in the first screenful
            self.order_ready.emit()
            return False
        if not rest_later:
            self._count_screen()
            self._ask()
        return True

    def read_rest(self) -> None:
        """Count the rows, then read the whole order, after a first screenful (unless a sort, filter or find is
        already reading it)."""
        if self._partial and self._rows.cached and not self.busy:
            self._count_screen()
            self._ask()

    def _install(self, answer: Any) -> None:
        self._answer = answer
        self._rows.every, self._rows.matching, self._rows.order = answer.every, answer.matching, answer.order

    def set_records(self, records: Sequence[RecordLike], *, pager: Pager | None = None) -> None:
        """Show these records (pages from the server) instead of the cache's rows."""
        self.beginResetModel()
        self._rows.hold(self._row_of(r) for r in records)
        self._paged = {r.id: r for r in records}
        self._pager = pager
        self._partial = False
        self.endResetModel()
        if self._sort is not None:
            self._sort_held()

    def _row_of(self, record: RecordLike) -> Row:
        return record_row(self.columns, self.relationship_names, record, self.lookups)

    def append_records(self, records: Sequence[RecordLike], *, remember: bool = False) -> None:
        """Pages from the server added at the end."""
        fresh = [r for r in records if self._rows.key_of(r.id) is None]
        if not fresh:
            return
        start = len(self._rows.order)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self._rows.extend(self._row_of(r) for r in fresh)
        self.endInsertRows()
        if remember:
            self._paged.update((r.id, r) for r in fresh)

    def upsert(self, records: Sequence[RecordLike]) -> None:
        """Changed records (an edit, a sync): their rows show these values now (targeted ``dataChanged``); a
        record the table does not show yet makes the order be read again."""
        keys = self._rows.keys_of([r.id for r in records])
        positions = self._rows.positions_of(keys.values())  # one pass over the order for them all, at most
        last = len(self.columns) - 1
        new = False
        for record in records:
            key = keys.get(record.id)
            if key is None:
                new = True
                continue
            self._rows.put(key, self._row_of(record))
            row = positions.get(key, -1)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if new and self._rows.cached:
            self.refresh()
        elif new:
            self.append_records([r for r in records if r.id not in keys])

    def remove_ids(self, ids: Sequence[str]) -> None:
        if self._rows.cached:
            self.refresh()
            return
        for record_id in ids:
            key = self._rows.key_of(record_id)
            row = -1 if key is None else self._rows.position_of(key)
            if row < 0:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            self._rows.remove_at(row)
            self.endRemoveRows()
            self._paged.pop(record_id, None)

    def refresh(self) -> None:
        """The cache changed (a sync, records added or removed): read the order and the rows again."""
        if not self._rows.cached:
            return
        self._rows.changed()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))
        self._ask()

    def refresh_lookups(self) -> None:
        """Names of related records changed: read the shown rows again and repaint them."""
        if self._rows.cached:
            self.refresh()
        elif self.rowCount():
            self._rows.hold(self._row_of(r) for r in self._paged.values())
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))

    async def _fetch_page(self) -> None:
        assert self._pager is not None
        try:
            records = await self._pager.next_page()
            self.append_records(records, remember=True)
        finally:
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.loading_changed.emit(loading)

    def close(self) -> None:
        """Close the connections to the cache file."""
        self._asked += 1
        self._rows.close()

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def paging(self) -> bool:
        """Rows came page by page from the server (the cache did not hold this type when the tab opened)."""
        return self._pager is not None

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def cached(self) -> bool:
        """Rows come from the cache file (not pages from the server)."""
        return self._rows.cached

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

    def cell_text(self, column: int, value: Any) -> Any:
        """What a cell of ``column`` shows for ``value`` (a check box: Yes or No). Plain Python: safe in a thread."""
        return ("Yes" if value else "No") if self._checkable[column] else self._formatters[column](value)

    def links_at(self, row: int) -> dict[str, Any]:
        """The ids of the records row ``row`` points at, by relationship name (an export writes them back out)."""
        values = self._rows.row(row)
        return dict(zip(self.relationship_names, values[2 : self._first_value], strict=True))

    def record(self, record_id: str) -> RecordLike | None:
        """The whole record behind a row (read from the cache on demand; rows keep only their column values)."""
        if record_id in self._paged:
            return self._paged[record_id]
        return self._fetch_record(record_id) if self._fetch_record else None

    def row_of(self, record_id: str) -> int:
        key = self._rows.key_of(record_id)
        return -1 if key is None else self._rows.position_of(key)

    def id_at(self, row: int) -> str:
        return str(self._rows.row(row)[0])

    def relationship_at(self, row: int, name: str) -> Any:
        """The id a row's to-one relationship ``name`` points at."""
        return self._rows.row(row)[2 + self.relationship_names.index(name)]

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort
