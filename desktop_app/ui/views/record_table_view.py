"""The table of one tab: remembered column layout, a column chooser, and inline editing of a few fields.

Widths, order, visibility and the sort column live in ``QSettings`` under the resource type, so each tab opens the
way the person left it; everything else a table shows comes from the model.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from desktop_app.ui.models.record_proxy import RecordProxyModel
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.views.cell_editor import NumberCellDelegate
from desktop_app.ui.views.viewports import viewport_of

#: Bumped when the meaning of a saved layout changes; a change of a table's columns needs no bump (see
#: :meth:`RecordTableView._settings_key`).
SETTINGS_VERSION = 5

#: The events telling the widgets of a window that it became, or stopped being, the active one.
_ACTIVATION = frozenset((QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate))


class RecordTableView(QTableView):
    """A ``QTableView`` over a :class:`RecordProxyModel`; emits ``current_record_changed(id)``."""

    current_record_changed = Signal(str)
    activated_record = Signal(str)

    def __init__(self, proxy: RecordProxyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._viewport = viewport_of(self)  # kept: later ``viewport()`` calls return this wrapper
        self.proxy = proxy
        self.setModel(proxy)
        self.cell_editor = NumberCellDelegate(proxy.source(), self)
        self.setItemDelegate(self.cell_editor)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setSortingEnabled(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setResizeContentsPrecision(200)  # sample 200 rows when fitting a column, not 1,000
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # Layout changes are written a moment after the person stops dragging, never while the table is built.
        self._save_timer = QTimer(self, singleShot=True, interval=800)
        self._save_timer.timeout.connect(self.save_layout)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.doubleClicked.connect(self._double_clicked)
        self._restoring = False
        self._watching = False
        self.fitted = False
        self._apply_defaults()

    @property
    def source(self) -> ResourceTableModel:
        return self.proxy.source()

    # -- what focus and activation repaint ---------------------------------------------------------------------------
    def focusInEvent(self, event: QFocusEvent) -> None:
        self._repainting_the_current_cell(super().focusInEvent, event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._repainting_the_current_cell(super().focusOutEvent, event)

    def event(self, event: QEvent) -> bool:
        if event.type() in _ACTIVATION:
            return bool(self._repainting_the_current_cell(super().event, event))
        return super().event(event)

    def _repainting_the_current_cell(self, handler: Callable[[Any], Any], event: QEvent) -> Any:
        """Run Qt's own ``handler`` for a focus or activation event, repainting only the current cell.

        Qt repaints an item view's whole viewport when it gains or loses the focus and when its window is activated
        or deactivated: for a stock items table, 1,300 ``data`` calls and every cell's text laid out again, 13-25 ms,
        and twice that while a worker thread holds the interpreter lock (a preview dialog opening over the table and
        closing again costs two such repaints). What those events change is the current cell's focus frame, and the
        selection's colours when the palette's inactive colours differ from its active ones. Stockroom's light and
        dark palettes have the same colours for both, so then only the current cell is repainted; with a palette
        whose colours differ, or a viewport whose updates are switched off already, Qt does what it does."""
        viewport = self._viewport
        palette = self.palette()
        if not viewport.updatesEnabled() or not palette.isEqual(
            QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
        ):
            return handler(event)
        viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, True)
        try:
            return handler(event)
        finally:
            viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, False)
            current = self.currentIndex()
            if current.isValid():
                viewport.update(self.visualRect(current))

    def _settings_key(self) -> str:
        """Keyed by the table's columns too: Qt restores a header by column position, so a layout saved before a
        column was added (or moved) would give its widths and places to the wrong columns and leave the new one at
        the far right. A table whose columns changed opens with the default layout; the other tables keep theirs."""
        columns = zlib.crc32(",".join(c.key for c in self.source.columns).encode())
        return f"tables/{self.source.type}/v{SETTINGS_VERSION}-{columns:08x}"

    def _apply_defaults(self) -> None:
        model = self.source
        widths = {"string": 160, "integer": 90, "float": 90, "boolean": 80, "datetime": 140, "object": 220}
        metrics = self.horizontalHeader().fontMetrics()
        for i, column in enumerate(model.columns):
            self.setColumnHidden(i, column.hidden)
            # Never narrower than its header (plus the sort arrow), so no heading reads "ocations cutoff".
            self.setColumnWidth(i, max(widths.get(column.type, 140), metrics.horizontalAdvance(column.label) + 30))
            if column.key in ("sku.name", "name"):
                self.setColumnWidth(i, 240)

    def _layout_changed(self, *args: Any) -> None:
        if not self._restoring:
            self._save_timer.start()

    def restore_layout(self) -> None:
        """Widths, order, hidden columns and sort as the person left them; the default sort otherwise."""
        header = self.horizontalHeader()
        if not self._watching:
            self._watching = True
            header.sectionResized.connect(self._layout_changed)
            header.sectionMoved.connect(self._layout_changed)
            header.sortIndicatorChanged.connect(self._layout_changed)
        settings = QSettings()
        state = settings.value(self._settings_key() + "/header")
        self._restoring = True
        try:
            if isinstance(state, QByteArray | bytes) and self.horizontalHeader().restoreState(QByteArray(state)):
                header = self.horizontalHeader()
                column = header.sortIndicatorSection()
                if 0 <= column < self.source.columnCount():
                    self.source.sort(column, header.sortIndicatorOrder())
                self.fitted = True
                return
            from desktop_app.ui.models.columns import default_sort

            self.fit_text_columns()
            self.sortByColumn(self.source.column_of(default_sort(self.source.type)), Qt.SortOrder.AscendingOrder)
        finally:
            self._restoring = False

    def fit_text_columns(self, widest: int = 320) -> None:
        """First start: text columns as wide as their content (Qt samples about 1,000 rows), capped; one column
        per turn of the event loop, so a big table never stalls the window while it measures."""
        if self.source.rowCount() == 0:
            return
        self.fitted = True
        pending = [i for i, c in enumerate(self.source.columns) if c.type == "string" and not self.isColumnHidden(i)]

        def fit_next() -> None:
            if not pending or self.source.rowCount() == 0:
                return
            column = pending.pop(0)
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, min(max(self.columnWidth(column), 90), widest))
            QTimer.singleShot(0, self, fit_next)  # ends with the view (a window closed mid-way)

        fit_next()

    def save_layout(self) -> None:
        if self._restoring or not self._watching:
            return
        self._save_timer.stop()
        QSettings().setValue(self._settings_key() + "/header", self.horizontalHeader().saveState())

    def _column_menu(self, pos: Any) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(pos))

    def column_menu(self, parent: QWidget | None = None) -> QMenu:
        """One checkable entry per column (the View menu shows the same list for the current tab)."""
        menu = QMenu("Columns", parent or self)
        for i, column in enumerate(self.source.columns):
            action = menu.addAction(column.label)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(i))
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
        menu.addSeparator()
        menu.addAction("Reset columns", self.reset_columns)
        return menu

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.setColumnHidden(column, not visible)
        self._layout_changed()

    def reset_columns(self) -> None:
        header = self.horizontalHeader()
        for logical in range(header.count()):
            header.moveSection(header.visualIndex(logical), logical)
        self._apply_defaults()
        self.save_layout()

    def _current_changed(self, current: Any, previous: Any) -> None:
        record_id = current.data(ResourceTableModel.IdRole) if current.isValid() else ""
        self.current_record_changed.emit(record_id or "")

    def _double_clicked(self, index: Any) -> None:
        column = self.source.columns[self.proxy.mapToSource(index).column()]
        if not column.inline_edit:
            self.activated_record.emit(index.data(ResourceTableModel.IdRole))

    def shown_keys(self) -> list[str]:
        """Keys of the columns not hidden (what the quick find searches)."""
        return [c.key for i, c in enumerate(self.source.columns) if not self.isColumnHidden(i)]

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(ResourceTableModel.IdRole) for r in rows]

    def selected_ranges(self) -> list[tuple[int, int]]:
        """The selected rows as ``(first, last)`` runs, merged and in order: a selection of every row of a big table
        is one run, not a row index each."""
        selection = self.selectionModel().selection()
        spans = sorted((selection.at(i).top(), selection.at(i).bottom()) for i in range(selection.count()))
        merged: list[tuple[int, int]] = []
        for first, last in spans:
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        return merged

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(ResourceTableModel.IdRole) if index.isValid() else None

    def select_record(self, record_id: str) -> bool:
        row = self.source.row_of(record_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.source.index(row, 0))
        if not index.isValid():
            return False
        # Through the selection model, not setCurrentIndex/selectRow: those follow the keyboard's modifiers at that
        # moment (Ctrl held, as it is for the Ctrl+N that made a record, toggles the row off instead of selecting it).
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True
