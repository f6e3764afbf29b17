"""One table model for every resource, driven by the resource description, paged from the cache.

A table of a million stock items never sits in Python lists: the model holds the ``rowid`` of each shown row in
the shown order (an ``array('q')``: 8 bytes a row) and reads only the rows being painted, a block around the
viewport at a time (:mod:`desktop_app.store.table_query`). Sorting, the filter bar and the quick find are SQL run
in a worker thread (:mod:`query_worker`); their answer replaces the order in one layout change, which keeps the
selection on the same records. Edits and syncs repaint the rows they touched. A table the cache does not hold yet
loads page by page from the server as the person scrolls (``canFetchMore``/``fetchMore``), its rows held in memory.
"""

from __future__ import annotations

from array import array
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from desktop_app.schema import (
    FieldError,
    app_type,
    coerce,
    duration_words,
    get_resource,
    read_text,
)
from desktop_app.ui.models.cells import (
    LOW_STOCK_TINT,
    NEGATIVE_COLOUR,
    PENDING_COLOUR,
    formatter,
    pending_font,
    pending_icon,
)
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups, RecordLike
from desktop_app.ui.models.ordered_rows import OrderedRows
from desktop_app.ui.models.roles import (
    ALIGNMENT,
    BACKGROUND,
    CHECK,
    DECORATION,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    RIGHT,
    TOOL_TIP,
)
from desktop_app.ui.models.row_order import RowOrder
from desktop_app.ui.models.table_rows import Row, record_row
from desktop_app.ui.tasks import TaskSet

__all__ = ["LOW_STOCK_TINT", "NEGATIVE_COLOUR", "PENDING_COLOUR", "Pager", "ResourceTableModel", "formatter"]

if TYPE_CHECKING:
    from desktop_app.inventory import LowMarks

Index = QModelIndex | QPersistentModelIndex


class Pager(Protocol):
    """The rest of a table the cache does not hold, one server page at a time."""

    has_more: bool

    def next_page(self) -> Awaitable[Sequence[RecordLike]]: ...


class ResourceTableModel(OrderedRows):
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

    def __init__(
        self,
        type_: str,
        lookups: Lookups,
        *,
        fetch_record: Callable[[str], RecordLike | None] | None = None,
        tasks: TaskSet | None = None,
        parent: Any = None,
    ) -> None:
        resource = get_resource(type_)
        columns = columns_for(resource.type)
        relationship_names = tuple(r.name for r in resource.to_one)
        super().__init__(columns, RowOrder(resource.type, columns, relationship_names), parent)
        self.resource = resource
        self.type = resource.type
        self.lookups = lookups
        self._fetch_record = fetch_record
        self._tasks = tasks or TaskSet()
        self.relationship_names = relationship_names
        self._first_value = 2 + len(self.relationship_names)
        self._formatters = [formatter(c) for c in self.columns]
        self._checkable = [c.type == "boolean" and c.inline_edit for c in self.columns]
        #: A duration is edited as it reads ("1 hour"), in a text editor, not as seconds in a spin box.
        self._edit_words = [c.duration for c in self.columns]
        self._right = [c.numeric for c in self.columns]
        self._warn_negative = [c.warn_negative for c in self.columns]
        self._alignment = [RIGHT if c.numeric else None for c in self.columns]
        self._flags: list[Qt.ItemFlag] | None = None
        self._pager: Pager | None = None
        self._loading = False
        self._paged: dict[str, RecordLike] = {}
        #: Repaints every row once, at the loop's next round of timers (see :meth:`_repaint_soon`).
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.setInterval(0)
        self._repaint_timer.timeout.connect(self._repaint)
        self._low: LowMarks | None = None

    # -- Qt model interface ----------------------------------------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Asked about seven times per cell painted (a screenful of a jump through a million rows is ~1,300 calls):
        # roles are plain ints, per-column answers precomputed, and the row is read only for roles that need it.
        if not index.isValid():
            return None
        column = index.column()
        if role == ALIGNMENT:
            return self._alignment[column]
        row = self._rows.row(index.row())
        if role == DISPLAY:  # a check box also says Yes or No: never a blank cell
            value = row[self._first_value + column]
            return ("Yes" if value else "No") if self._checkable[column] else self._formatters[column](value)
        if role == EDIT or role == self.SortRole:  # noqa: PLR1714 (ints: faster than a tuple's in)
            value = row[self._first_value + column]
            if role == EDIT and self._edit_words[column] and value is not None:
                return duration_words(value, exact=True)
            return value
        if role == CHECK:
            if not self._checkable[column]:
                return None
            return Qt.CheckState.Checked if row[self._first_value + column] else Qt.CheckState.Unchecked
        pending = row[1]
        # Colours, which the delegate paints as brushes: a QBrush made before the first frame cost ~2 ms of PySide6
        # building QGradient's enums (its constructor takes one).
        if role == FOREGROUND:
            if pending:
                return PENDING_COLOUR
            if self._warn_negative[column] and (row[self._first_value + column] or 0) < 0:
                return NEGATIVE_COLOUR
            return None
        if role == BACKGROUND:
            low = self._low
            return LOW_STOCK_TINT if low is not None and low.marks(self.type, row[0]) else None
        if role == DECORATION:
            return pending_icon() if pending and column == 0 else None
        if role == FONT:
            return pending_font() if pending else None
        return self._other_data(row, role)

    def _other_data(self, row: Row, role: int) -> Any:
        """The roles asked for outside painting."""
        pending = row[1]
        if role == TOOL_TIP and pending:
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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == DISPLAY:
            return column.label
        if role == TOOL_TIP:
            return column.field.description if column.field and column.field.description else column.label
        if role == ALIGNMENT and column.numeric:
            return RIGHT
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

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        """An inline edit becomes a request to the one edit path; the row changes when the cache does."""
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if column.metadata_key is not None and column.inline_edit and role == EDIT:
            key = column.metadata_key  # a reorder point typed in its cell: that key of the record's metadata
        elif not column.inline_edit or column.field is None or role not in (EDIT, CHECK):
            return False
        else:
            key = column.key
            if role == CHECK:
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
        """Which rows are low on stock (the Overview's figures); repaints the rows when this table's marks changed
        (new figures come after every stock move, mostly with the same low rows: a repaint of the screenful for
        nothing was 10-30 ms of the window's thread)."""
        old, self._low = self._low, marks
        if (old.of(self.type) if old is not None else frozenset()) == marks.of(self.type):
            return  # the same rows marked (none before the first figures)
        if self.rowCount():
            roles = [self.LowStockRole, Qt.ItemDataRole.BackgroundRole]
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1), roles)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._pager is not None and self._pager.has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._set_loading(True)
            self._tasks.spawn(self._fetch_page(), name=f"next page of {self.type}")

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
        self._repaint_soon()
        self._ask()

    def _repaint_soon(self) -> None:
        """Every row repainted at the event loop's next round of timers, once however many refreshes come before
        it. A refresh comes with other work on the window's thread (a batch queued: the details, the counts, the
        pending edits); the repaint of a screenful, 15-25 ms, then comes after the input and timers that arrived
        meanwhile instead of holding them as long as both. (A zero timer: a queued call would be delivered with
        the repaint it asks for before the loop looks at anything else.)"""
        if not self._repaint_timer.isActive():
            self._repaint_timer.start()

    def _repaint(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))

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
