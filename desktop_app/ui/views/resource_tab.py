"""One tab of the main window: quick-find, filter bar, the table and the details pane for one resource.

The tab opens from the cache in one synchronous read (so the first paint already shows rows, even offline) and
afterwards follows the workspace: a sync or an edit names the records that changed and only those rows repaint.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.schema import get_resource
from desktop_app.ui.loading import FIRST_SCREEN, ServerPager
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.record_proxy import RecordProxyModel
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.views.details_pane import DetailsPane
from desktop_app.ui.views.record_table_view import RecordTableView

if TYPE_CHECKING:
    from desktop_app.store import CachedRecord
    from desktop_app.ui.views.filter_bar import FilterBar
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)

#: The table's and the details pane's widths before a person drags the splitter: at 1,280 pixels the pane shows a
#: SKU's name (about 30 letters) on one line beside its caption.
PANE_SIZES = (1000, 400)


class ResourceTab(QWidget):
    """Signals: ``link_activated(type, id)`` from the details pane, ``edit_requested(id)`` on double-click,
        ``action_requested(id, trigger)`` from an action of the details pane, ``counts_changed()`` when the shown/total
        numbers change, ``status(message)`` for the status bar, ``selection_changed()`` when the rows picked change (the
    window's actions follow it), ``row_menu_requested(point)`` on a right-click on a row (the point on the screen)."""

    link_activated = Signal(str, str)
    action_requested = Signal(str, str)
    edit_requested = Signal(str)
    counts_changed = Signal()
    status = Signal(str)
    fully_loaded = Signal()
    selection_changed = Signal()
    row_menu_requested = Signal(QPoint)

    def __init__(self, type_: str, workspace: Workspace, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resource = get_resource(type_)
        self.type = self.resource.type
        self.workspace = workspace
        self.lookups = lookups
        self.model = ResourceTableModel(self.type, lookups, fetch_record=self._cached_record, tasks=workspace.tasks)
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = RecordTableView(self.proxy)
        self.details = DetailsPane(self.resource, lookups)
        self.details.attach(workspace)
        self._filter_bar: FilterBar | None = None  # built when first shown (or asked for): not on the start path
        self.quick_find = QLineEdit()
        self.quick_find.setPlaceholderText(f"Find in {self.noun}…  (Ctrl+F)")
        self.quick_find.setClearButtonEnabled(True)
        self.filters_button = QToolButton()
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.toggled.connect(self._show_filters)
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._loaded = False
        self._build()
        # Typing "TSH" is one filter pass, not three: the find waits for a short pause in the typing.
        self._find_timer = QTimer(self, singleShot=True, interval=150)
        self._find_timer.timeout.connect(lambda: self._quick_find_changed(self.quick_find.text()))
        self.quick_find.textChanged.connect(self._find_typed)
        self.table.current_record_changed.connect(self._show_details)
        self.table.activated_record.connect(self.edit_requested)
        self.watch_rows(self.table)
        self.details.link_activated.connect(self.link_activated)
        self.details.action_requested.connect(self._action_requested)
        self.model.edit_rejected.connect(self.status)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)
        self.model.dataChanged.connect(self._row_changed)
        self.model.order_ready.connect(self._order_ready)
        self.model.sorted_by.connect(self._update_count)

    @property
    def fully_read(self) -> bool:
        """The whole table has been read once (``fully_loaded`` was emitted)."""
        return self._loaded

    @property
    def noun(self) -> str:
        """``stock items``, but ``SKUs`` (an abbreviation keeps its capitals)."""
        plural = self.resource.plural_label
        return plural if plural[:2].isupper() else plural.lower()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.quick_find, 3)
        top.addWidget(self.filters_button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        self.top_bar = top
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes(list(PANE_SIZES))
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._layout = layout
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.quick_find, self.quick_find.clear)

    @property
    def filter_bar(self) -> FilterBar:
        """The server's filters for this resource, in a bar under the quick-find (hidden until Filters is on)."""
        if self._filter_bar is None:
            from desktop_app.ui.views.filter_bar import FilterBar

            bar = FilterBar(self.resource, self.lookups)
            bar.setVisible(False)
            bar.changed.connect(self._filters_changed)
            self._layout.insertWidget(1, bar)
            self._filter_bar = bar
        return self._filter_bar

    def _show_filters(self, shown: bool) -> None:
        self.filter_bar.setVisible(shown)

    def _refresh_filter_choices(self) -> None:
        if self._filter_bar is not None:  # a bar not built yet reads the choices when it is
            self._filter_bar.refresh_choices()

    # -- loading ---------------------------------------------------------------------------------------------
    def load_from_cache(self, *, first_frame: bool = False) -> None:
        """Paint from the first screenful now (found through an index in the table's order) while the worker
        reads the whole order (``first_frame``: the window's first, whose whole order waits for its
        ``model.read_rest()`` once it has painted); when the cache has never held this type, page the server."""
        self.table.restore_layout()  # the sort the person left, set before any row is read
        self.model.open_cache(self.workspace.cache_file, first=FIRST_SCREEN, rest_later=first_frame)
        empty = self.model.rowCount() == 0
        if empty and self.workspace.synced_at(self.type) is None and not self.workspace.forced_offline:
            self.model.set_records([], pager=ServerPager(self.workspace, self.type))
        self._refresh_filter_choices()
        self._update_count()
        if not self.model.partial:
            self._order_ready()

    def _order_ready(self) -> None:
        """The model's order is complete (the whole table read, or a sort, filter or find answered)."""
        if not self.table.fitted:
            self.table.fit_text_columns()
        self._restore_current()
        self._update_count()
        if not self._loaded:
            self._loaded = True
            self.fully_loaded.emit()

    def _restore_current(self) -> None:
        """After a filter or find replaced the rows, the record that was current stays current when shown."""
        wanted = self.details.record_id
        if wanted and self.table.current_id() != wanted:
            self.table.select_record(wanted)

    def reload(self, ids: list[str]) -> None:
        """The workspace says these records changed (all of them when ``ids`` is empty)."""
        if ids:
            found: list[CachedRecord] = []
            gone: list[str] = []
            for record_id in ids:
                record = self.workspace.cached.records.get(self.type, record_id)
                if record is None:
                    gone.append(record_id)
                else:
                    found.append(record)
            self.model.upsert(found)
            if gone:
                self.model.remove_ids(gone)
            self._refresh_details()
            return
        if self.model.paging or not self.model.cached:
            self.model.open_cache(self.workspace.cache_file, first=FIRST_SCREEN)
        else:
            self.model.refresh()
        self._refresh_filter_choices()
        self._refresh_details()
        self._update_count()

    @property
    def reloading(self) -> bool:
        """The model is still reading an order (the whole table, or a sort, filter or find)."""
        return self.model.busy or self.model.partial

    def lookups_changed(self) -> None:
        self.model.refresh_lookups()
        self._refresh_filter_choices()
        self._refresh_details()

    def _cached_record(self, record_id: str) -> CachedRecord | None:
        return self.workspace.cached.records.get(self.type, record_id)

    # -- finding ---------------------------------------------------------------------------------------------
    def focus_find(self) -> None:
        self.quick_find.setFocus()
        self.quick_find.selectAll()

    def _find_typed(self, text: str) -> None:
        if self.model.total <= 5000:
            self._quick_find_changed(text)  # small tables filter as you type, with no pause at all
        else:
            self._find_timer.start()

    def _quick_find_changed(self, text: str) -> None:
        self.proxy.set_quick_find(text, self.table.shown_keys())
        self._update_count()

    def _filters_changed(self, filters: dict[str, Any]) -> None:
        self.apply_filters(filters)

    def apply_filters(self, filters: dict[str, Any]) -> None:
        if self.model.paging and not self.workspace.forced_offline:
            # The cache does not hold this table: ask the server for the matching pages instead.
            self.model.set_records([], pager=ServerPager(self.workspace, self.type, filters))
            self.model.fetchMore()
        self.proxy.set_filters(filters)
        active = len(filters)
        self.filters_button.setText(f"Filters ({active})" if active else "Filters")
        self._update_count()

    def select_record(self, record_id: str) -> bool:
        if not self.table.select_record(record_id):
            self.quick_find.clear()
            if self._filter_bar is not None:
                self._filter_bar.clear()
            return self.table.select_record(record_id)
        return True

    # -- what is shown ---------------------------------------------------------------------------------------
    def _show_details(self, record_id: str) -> None:
        self.details.show_record(self.model.record(record_id) if record_id else None)

    def _action_requested(self, trigger: str) -> None:
        if self.details.record_id:
            self.action_requested.emit(self.details.record_id, trigger)

    def _refresh_details(self) -> None:
        if self.details.record_id:
            self._show_details(self.details.record_id)

    def _row_changed(self, top_left: Any, bottom_right: Any, roles: Any = None) -> None:
        same_row = self.details.record_id and top_left.row() == bottom_right.row()
        if same_row and self.model.id_at(top_left.row()) == self.details.record_id:
            self._refresh_details()

    def count_base(self) -> int:
        """What "N of M" counts from: the table's rows before the filter bar and the quick find."""
        return self.model.total

    def _update_count(self, *args: Any) -> None:
        shown, total = self.proxy.rowCount(), self.count_base()
        label = self.noun
        text = f"{total:,} {label}" if shown == total else f"{shown:,} of {total:,} {label}"
        if self.model.partial:
            text = f"Reading all {self.noun} from the cache…"
        elif self.model.busy:
            text += " · sorting…"
        if self.model.canFetchMore():
            text += " · more on the server, scroll to load"
        self.count_label.setText(text)
        self.counts_changed.emit()

    def synced_at(self) -> datetime | None:
        moment: datetime | None = self.workspace.synced_at(self.type)
        return moment

    def selected_ids(self) -> list[str]:
        return self.table.selected_ids()

    def current_id(self) -> str | None:
        return self.table.current_id()

    def has_selection(self) -> bool:
        """Whether a row is picked (cheap: the window asks on every change of selection)."""
        return self.table.selectionModel().hasSelection()

    # -- the rows' right-click menu --------------------------------------------------------------------------
    def watch_rows(self, view: QAbstractItemView) -> None:
        """``view``'s selection drives ``selection_changed`` and a right-click on it ``row_menu_requested``."""
        view.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        view.selectionModel().currentRowChanged.connect(lambda *_: self.selection_changed.emit())
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda point, v=view: self._row_menu(v, point))

    def _row_menu(self, view: QAbstractItemView, point: QPoint) -> None:
        """A right-click on a row not picked picks it alone first (what the menu acts on is what is highlighted)."""
        index = view.indexAt(point)
        selection = view.selectionModel()
        if index.isValid() and not selection.isRowSelected(index.row(), index.parent()):
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            selection.setCurrentIndex(index, flags)
        self.row_menu_requested.emit(view.viewport().mapToGlobal(point))
