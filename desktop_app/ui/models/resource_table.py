"""One table model for every resource, driven by the resource description.

Rows come from the cache first (instant and offline) and are kept current by targeted ``dataChanged``, inserts and
removals as syncs and edits land; a table the cache does not hold yet loads page by page from the server as the
person scrolls (``canFetchMore``/``fetchMore``). Sorting happens here on typed column values (one ``sorted`` over
row indices), because a proxy comparing through ``data()`` would cost millions of Python calls on 100,000 rows.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.schema import Column, FieldError, coerce, get_resource, parse_text
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups, RecordLike
from desktop_app.ui.models.table_data import TableData
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QIcon

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_CHECK = Qt.ItemDataRole.CheckStateRole
_MASK = Qt.ItemDataRole.UserRole + 5
PENDING_COLOUR = QColor(176, 110, 0)
NEGATIVE_COLOUR = QColor(192, 40, 40)


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


def _formatter(column: Column) -> Callable[[Any], Any]:
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
    if column.type == "float":
        return lambda v: None if v is None else f"{v:g}"
    return lambda v: v if v is None or isinstance(v, str) else str(v)


class ResourceTableModel(QAbstractTableModel):
    """Rows of one resource type; columns from :func:`columns_for`."""

    SortRole = Qt.ItemDataRole.UserRole + 1
    ObjectRole = Qt.ItemDataRole.UserRole + 2
    IdRole = Qt.ItemDataRole.UserRole + 3
    PendingRole = Qt.ItemDataRole.UserRole + 4
    MaskRole = _MASK

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
        super().__init__(parent)
        self.resource = get_resource(type_)
        self.type = self.resource.type
        self.columns = columns_for(self.type)
        self.lookups = lookups
        self._fetch_record = fetch_record
        self._tasks = tasks or TaskSet()
        rels = [r.name for r in self.resource.to_one]
        self._data = TableData(self.columns, rels)
        self._formatters = [_formatter(c) for c in self.columns]
        self._checkable = [c.type == "boolean" and c.inline_edit for c in self.columns]
        self._right = [c.numeric for c in self.columns]
        self._warn_negative = [c.warn_negative for c in self.columns]
        self._pager: Pager | None = None
        self._loading = False
        self._paged: dict[str, RecordLike] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._mask: bytearray | None = None

    # -- Qt model interface ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._data.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role == _MASK:  # asked once per row by the proxy's filter: keep it the shortest path
            mask = self._mask
            if mask is None:
                return "1"
            slot = self._data.order[index.row()]
            return "1" if slot >= len(mask) or mask[slot] else "0"
        if not index.isValid():
            return None
        slot = self._data.order[index.row()]
        column = index.column()
        if role == _DISPLAY:
            if self._checkable[column]:
                return None
            return self._formatters[column](self._data.values[column][slot])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._right[column]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == _EDIT:
            return self._data.values[column][slot]
        if role == self.SortRole:
            return self._data.values[column][slot]
        if role == _CHECK and self._checkable[column]:
            value = self._data.values[column][slot]
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole:
            if slot in self._data.pending:
                return QBrush(PENDING_COLOUR)
            if self._warn_negative[column] and (self._data.values[column][slot] or 0) < 0:
                return QBrush(NEGATIVE_COLOUR)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and slot in self._data.pending:
            return _pending_icon()
        if role == Qt.ItemDataRole.FontRole and slot in self._data.pending:
            return _pending_font()
        if role == Qt.ItemDataRole.ToolTipRole and slot in self._data.pending:
            return "Changed here, not yet confirmed by the server"
        if role == self.IdRole:
            return self._data.ids[slot]
        if role == self.PendingRole:
            return slot in self._data.pending
        if role == self.ObjectRole:
            return self.record(self._data.ids[slot])
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
        base = super().flags(index)
        if not index.isValid():
            return base
        column = self.columns[index.column()]
        if column.inline_edit:
            if self._checkable[index.column()]:
                return base | Qt.ItemFlag.ItemIsUserCheckable
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        """An inline edit becomes a request to the one edit path; the row changes when the cache does."""
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if not column.inline_edit or column.field is None or role not in (_EDIT, _CHECK):
            return False
        if role == _CHECK:
            value = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        try:
            parsed = parse_text(column.field, value) if isinstance(value, str) else coerce(column.field, value)
            if parsed is None and column.field.required:
                raise FieldError(column.field.name, "can't be blank", "blank")
        except FieldError as exc:
            self.edit_rejected.emit(f"{column.label}: {exc.message}")
            return False
        slot = self._data.order[index.row()]
        if parsed == self._data.values[index.column()][slot]:
            return False
        self.inline_edit_requested.emit(self._data.ids[slot], {column.key: parsed})
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        slots = [self._data.order[i.row()] for i in persistent]
        self._data.order = self._data.sorted_order(column, order == Qt.SortOrder.DescendingOrder)
        if persistent:
            position = {slot: row for row, slot in enumerate(self._data.order)}
            moved = [self.index(position[s], i.column()) for s, i in zip(slots, persistent, strict=True)]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        self.sorted_by.emit(column, order)

    def set_row_mask(self, mask: bytearray | None) -> None:
        """Which row slots the proxy shows (``None``: all); read through ``MaskRole``."""
        self._mask = mask

    def resort(self) -> None:
        """Put rows added since the last sort in their place (after a reload appended them at the end)."""
        if self._sort is not None:
            self.sort(*self._sort)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._pager is not None and self._pager.has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._set_loading(True)
            self._tasks.spawn(self._fetch_page(), name=f"next page of {self.type}")

    # -- filling and updating --------------------------------------------------------------------------------
    def set_records(self, records: Sequence[RecordLike], *, pager: Pager | None = None) -> None:
        """Replace every row (opening a tab, switching organisation)."""
        self.beginResetModel()
        self._data = TableData(self.columns, self._data.relationship_names)
        self._data.append(records, self.lookups)
        self._paged = {}
        self._pager = pager
        if self._sort is not None:
            self._data.order = self._data.sorted_order(self._sort[0], self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def new_table(self) -> TableData:
        """An empty :class:`TableData` with this model's columns (filled off the Qt thread, then installed)."""
        return TableData(self.columns, self._data.relationship_names)

    def install(self, table: TableData, *, pager: Pager | None = None, sorted_already: bool = False) -> None:
        """Replace every row with ``table`` (built by :func:`loading.build_table`); keeps the current sort."""
        self.beginResetModel()
        self._data = table
        self._paged = {}
        self._pager = pager
        if self._sort is not None and not sorted_already:
            self._data.order = self._data.sorted_order(self._sort[0], self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def append_records(self, records: Sequence[RecordLike], *, remember: bool = False) -> None:
        fresh = [r for r in records if r.id not in self._data.slot_of]
        self.upsert([r for r in records if r.id in self._data.slot_of])
        if not fresh:
            return
        start = len(self._data.order)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self._data.append(fresh, self.lookups)
        self.endInsertRows()
        if remember:
            self._paged.update((r.id, r) for r in fresh)

    def upsert(self, records: Sequence[RecordLike]) -> None:
        """Changed or new records (after a sync or an edit): targeted ``dataChanged`` for rows already shown."""
        new: list[RecordLike] = []
        last = len(self.columns) - 1
        position: dict[int, int] | None = None
        for record in records:
            slot = self._data.slot_of.get(record.id)
            if slot is None:
                new.append(record)
                continue
            self._data.replace(slot, record, self.lookups)
            if position is None:
                position = {s: r for r, s in enumerate(self._data.order)} if len(records) > 8 else {}
            row = position[slot] if position else self._data.order.index(slot)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if new:
            self.append_records(new)

    def remove_ids(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            slot = self._data.slot_of.get(record_id)
            if slot is None:
                continue
            row = self._data.order.index(slot)
            self.beginRemoveRows(QModelIndex(), row, row)
            self._data.remove_slot(slot)
            self.endRemoveRows()
            self._paged.pop(record_id, None)

    def refresh_lookups(self) -> None:
        """Names of related records changed: recompute those columns and repaint only them."""
        if not self._data.order:
            return
        for column in self._data.recompute_relationship_columns(self.lookups):
            self.dataChanged.emit(self.index(0, column), self.index(len(self._data.order) - 1, column))

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

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def table(self) -> TableData:
        return self._data

    @property
    def paging(self) -> bool:
        """Rows came page by page from the server (the cache did not hold this type when the tab opened)."""
        return self._pager is not None

    @property
    def loading(self) -> bool:
        return self._loading

    def record(self, record_id: str) -> RecordLike | None:
        """The whole record behind a row (read from the cache on demand; rows keep only their column values)."""
        if record_id in self._paged:
            return self._paged[record_id]
        return self._fetch_record(record_id) if self._fetch_record else None

    def row_of(self, record_id: str) -> int:
        slot = self._data.slot_of.get(record_id)
        return -1 if slot is None else self._data.order.index(slot)

    def id_at(self, row: int) -> str:
        return self._data.ids[self._data.order[row]]

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort
