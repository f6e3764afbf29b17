"""The window a warehouse manager keeps open all day: one tab per type its description makes a tab, over the cache,
kept fresh by the workspace.

It opens from the cache (instant, offline too), starts a sync in the background, and routes every edit through
the edit controller. Menus, toolbar and keys (see :mod:`actions`) follow desktop habits: F5 refresh, Ctrl+F find,
Ctrl+N new, Delete, Ctrl+Z, a right-click menu on rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from desktop_app.schema import STOCK_LEVELS, app_type, dependents, feeds_lookups, get_resource, tab_types
from desktop_app.ui.edits import EditController
from desktop_app.ui.models.lookups import Lookups, NamesRead
from desktop_app.ui.pages import PAGE_SETTING, STOCK_PAGES, opening_page
from desktop_app.ui.reconnect import Reconnector
from desktop_app.ui.stock import StockPages
from desktop_app.ui.views.actions import WindowActions
from desktop_app.ui.views.bulk_actions import BulkActions
from desktop_app.ui.views.focus_return import FocusReturn
from desktop_app.ui.views.quit_guard import QuitGuard
from desktop_app.ui.views.status_bar import StatusBar
from desktop_app.ui.views.viewports import viewport_of

if TYPE_CHECKING:
    from desktop_app.inventory import LowMarks
    from desktop_app.inventory.ahead import OverviewAhead
    from desktop_app.ui.bulk.controller import BulkController
    from desktop_app.ui.export import StreamedExport
    from desktop_app.ui.reorder.tab import StockLevelsTab
    from desktop_app.ui.stock.views import StockViews
    from desktop_app.ui.views.resource_tab import ResourceTab
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)
FIRST_TAB = "stock_items"


class LazyTabs(Mapping[str, "ResourceTab"]):
    """The window's tabs by type, each built on first access: a start paints its first tab without building the
    four it does not show. ``built`` holds the ones that exist so far."""

    def __init__(self, types: Sequence[str], build: Callable[[str], ResourceTab]) -> None:
        self._types = tuple(types)
        self._build = build
        self.built: dict[str, ResourceTab] = {}

    def __getitem__(self, type_: str) -> ResourceTab:
        if type_ not in self._types:
            raise KeyError(type_)
        tab = self.built.get(type_)
        return tab if tab is not None else self._build(type_)

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)


class MainWindow(QMainWindow):
    """``switch_requested`` asks the application to sign in to another organisation."""

    switch_requested = Signal()
    closed = Signal()

    def __init__(
        self,
        workspace: Workspace,
        names: NamesRead | None = None,
        parent: QWidget | None = None,
        *,
        figures: OverviewAhead | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.figures_ahead = figures  # the Overview's figures, begun before the window (the start's step 2)
        self.lookups = Lookups()
        self.undo_stack = QUndoStack(self)
        self.edits = EditController(self, workspace, self.lookups, self.undo_stack)
        self._closed = False
        self.export: StreamedExport | None = None  # the export being written, if any (a strong reference)
        self.low_marks: LowMarks | None = None  # rows each table marks as low on stock, once figured out
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.window_actions = WindowActions(self, self)  # menus, toolbar, the rows' menu: one set of actions
        self.window_actions.switch_requested.connect(self.switch_requested)
        self.bulk_actions = BulkActions(self, self, self.window_actions)
        self.import_action = self.bulk_actions.import_action
        self.change_rows_action = self.bulk_actions.change_rows_action
        self.tab_by_type = LazyTabs(tab_types(), self._build_tab)
        self._waiting: dict[str, QWidget] = {}  # type → the empty page standing in until its tab is built
        # Names of related records, read in a thread (``names``: begun before the window) from the first table's
        # building on (:meth:`_read_names`); its first screenful reads its own from SQLite, and whatever first needs
        # them all (another tab, the whole table) waits.
        self._names: NamesRead | None = names
        self._names_read = False
        for type_ in tab_types():
            self._waiting[type_] = QWidget()
            self.tabs.addTab(self._waiting[type_], get_resource(type_).plural_label)
        self.setCentralWidget(self.tabs)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.stock_pages = StockPages(self, self)  # Overview first, Low stock and Find SKU last; built after the frame
        self._connect_workspace()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.edits.message.connect(lambda text: self.status.showMessage(text, 8000))
        workspace.edit_refused.connect(lambda text: self.status.showMessage(text, 8000))
        self.edits.created.connect(self.show_record)
        self.reconnector = Reconnector(workspace, parent=self)
        self.status.retry_now.connect(self.reconnector.retry_now)
        self.reconnector.next_probe.connect(self.status.next_probe)
        self.quit_guard = QuitGuard(self, workspace)
        self.quit_guard.ready.connect(self.close)
        self.quit_guard.gave_up.connect(lambda text: self.status.showMessage(text, 30000))
        self.focus_return = FocusReturn(self, lambda: tab.table if (tab := self.current_tab()) else None)
        self.resize(1280, 800)
        self._restore_geometry()
        self._update_title()
        self._update_outbox()
        self.status.set_online(workspace.online, forced=workspace.forced_offline)

    def _build_tab(self, type_: str) -> ResourceTab:
        """Build one tab and put it in place of its empty page (``tab_by_type`` calls this on first access)."""
        # Here, not at the top: a window opening on the Overview paints without the tables' modules (~14 ms), and
        # one opening on another table without the stock levels' own.
        from desktop_app.ui.views.resource_tab import ResourceTab

        self._read_names()
        tab: ResourceTab
        levels: StockLevelsTab | None = None
        if type_ == STOCK_LEVELS:
            from desktop_app.ui.reorder.tab import StockLevelsTab

            tab = levels = StockLevelsTab(self.workspace, self.lookups)
        else:
            tab = ResourceTab(type_, self.workspace, self.lookups)
        tab.link_activated.connect(self.show_record)
        tab.edit_requested.connect(lambda record_id, t=type_: self.edits.edit_record(t, record_id))
        tab.action_requested.connect(lambda record_id, trigger, t=type_: self.edits.run_action(t, record_id, trigger))
        tab.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        tab.model.inline_edit_requested.connect(lambda rid, ch, t=type_: self.edits.inline_edit(t, rid, ch))
        tab.selection_changed.connect(lambda t=tab: self._selection_changed(t))
        tab.row_menu_requested.connect(self.window_actions.show_row_menu)
        if levels is not None:
            levels.set_undo_stack(self.undo_stack)
        if self.low_marks is not None:
            tab.model.set_low_marks(self.low_marks)
        self.tab_by_type.built[type_] = tab
        page = self._waiting.pop(type_)
        index, current = self.tabs.indexOf(page), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the same tab stays current: nothing changed for the person
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, tab.resource.plural_label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        page.deleteLater()
        return tab

    # -- opening ---------------------------------------------------------------------------------------------
    @property
    def stock(self) -> StockViews:
        """The Overview, Low stock and Find SKU views (built now if they are not yet)."""
        return self.stock_pages.views

    def load(self, first: str = FIRST_TAB) -> None:
        """Fill every tab from the cache now, the one shown first."""
        self.load_first(first)
        self.stock_pages.build_all()
        self._read_rest(first)
        for type_ in tab_types():
            if type_ != first:
                self.tab_by_type[type_].load_from_cache()
        self._tab_changed()

    def load_first(self, first: str = FIRST_TAB) -> None:
        """Build and fill only the page shown (a table, or a stock view with its figures), so it paints first (the
        start; :meth:`load_rest` follows its frame)."""
        if first in STOCK_PAGES:
            self.tabs.setCurrentWidget(self.stock_pages.build(at_once=True).page(first))
        else:
            self.tabs.setCurrentWidget(self.tab_by_type[first])
            self.tab_by_type[first].load_from_cache(first_frame=True)
        self._tab_changed()

    def load_rest(self, first: str = FIRST_TAB) -> None:
        """Build the stock views, then fill the other tabs, one per turn of the event loop; a window closed
        meanwhile stops (its cache closes right after it)."""
        self._read_names()
        self._read_rest(first)
        others = [type_ for type_ in tab_types() if type_ != first]

        def load_next() -> None:
            if others and not self._closed:
                self.tab_by_type[others.pop(0)].load_from_cache()
                QTimer.singleShot(0, load_next)

        if not self._closed:
            self.stock_pages.build_all()
        QTimer.singleShot(0, load_next)

    def _read_names(self) -> None:
        """Begin reading the names the tables show (once): with the first table built, or after a stock view's first
        frame (a window opening on the Overview paints without them, and their thread competes with its figures')."""
        if not self._names_read:
            self._names_read = True
            self.lookups.start_loading(self.workspace.cache_file, self._names)
            self._names = None

    def _read_rest(self, first: str) -> None:
        """The whole order of the first page's table, which waited for the window's first frame."""
        if first not in STOCK_PAGES and not self._closed:
            self.tab_by_type[first].model.read_rest()

    def first_frame(self) -> tuple[QWidget, Callable[[], bool]]:
        """What paints the window's first frame, and when that frame shows what the page is for: a table's
        viewport once it has rows; the Overview's table once it has its figures; another stock view at once."""
        tab = self.current_tab()
        if tab is not None:
            return viewport_of(tab.table), lambda: tab.proxy.rowCount() > 0
        shown = self.tabs.currentWidget()
        if self.stock_pages.built and shown is self.stock.overview:
            figures = self.stock.overview
            return viewport_of(figures.table), lambda: figures.model.rowCount() > 0
        return shown, lambda: True

    def page_key(self) -> str | None:
        """The key of the page shown (a stock view's, or a tab's type), as ``--tab`` and the settings name it."""
        tab = self.current_tab()
        return tab.type if tab is not None else self.stock_pages.key_of(self.tabs.currentWidget())

    def report_cache_recovery(self) -> None:
        """Say once that the cache file was set aside, with how many queued edits came back from it and where the
        old file is (the command line prints the same sentence)."""
        message = self.workspace.cached.recovery_message
        if not message:
            return
        from desktop_app.ui.dialogs.messages import Messages

        self.status.showMessage(message, 30000)
        Messages.error(self, "The cache was set aside", message)

    def current_tab(self) -> ResourceTab | None:
        """The resource tab shown; ``None`` on a view that is not one (Overview, Low stock, Find SKU)."""
        page = self.tabs.currentWidget()
        waiting = next((type_ for type_, widget in self._waiting.items() if widget is page), None)
        if waiting is not None:
            return self.tab_by_type[waiting]
        return next((tab for tab in self.tab_by_type.built.values() if tab is page), None)

    def low_marks_changed(self, marks: LowMarks) -> None:
        """New low-stock figures: every table marks its low rows (``LowStockRole``)."""
        self.low_marks = marks
        for tab in self.tab_by_type.built.values():
            tab.model.set_low_marks(marks)

    def show_record(self, type_: str, record_id: str) -> None:
        tab = self.tab_by_type.get(type_)
        if tab is None:
            return
        self.tabs.setCurrentWidget(tab)
        if not tab.select_record(record_id):
            self.status.showMessage(f"{tab.resource.label} {record_id} is not in the cache yet", 6000)

    # -- workspace ---------------------------------------------------------------------------------------------
    def _connect_workspace(self) -> None:
        s = self.workspace
        s.records_changed.connect(self._records_changed)
        s.outbox_changed.connect(self._update_outbox)
        s.online_changed.connect(
            lambda online: self.status.set_online(online, forced=s.forced_offline, reason=s.offline_reason)
        )
        s.sync_started.connect(self.status.sync_started)
        s.sync_progress.connect(self.status.sync_progress)
        s.sync_finished.connect(self._sync_finished)
        s.server_notice.connect(self.status.set_notice)
        s.mode_changed.connect(lambda _: self._update_title())
        self.status.cancel_sync.connect(s.cancel_sync)
        self.status.open_pending.connect(self.open_pending)
        self.status.open_changes.connect(self.open_changes)
        s.changes_recorded.connect(self._changes_recorded)
        if s.sync_runs():  # the record of past syncs, readable offline
            self.status.set_changes("Changes of the last sync")

    def _changes_recorded(self, changed: dict[str, int]) -> None:
        from desktop_app.history import change_summary

        self.status.set_changes(change_summary(changed))

    def open_changes(self) -> None:
        """The Changes view of the last syncs (from the cache: it opens offline too)."""
        from desktop_app.ui.history.changes_view import ChangesView

        view = ChangesView(self.workspace, self)
        self.changes_view = view
        view.show()

    def _records_changed(self, type_: str, ids: list[str]) -> None:
        built = self.tab_by_type.built  # a tab not built yet reads the cache as it is when it is
        if feeds_lookups(type_):  # names other tables show, or totals they show (reserved quantities)
            self.lookups.load(self.workspace.cache_file)
            for other in dependents(type_):
                if other in built:
                    built[other].lookups_changed()
        tab = built.get(type_)
        if tab is not None:
            tab.reload(ids)
        self._tab_changed()

    def _sync_finished(self, ok: bool, message: str) -> None:
        self.status.sync_finished(ok, message)
        self._tab_changed()
        self._update_outbox()

    def _update_outbox(self) -> None:
        outbox = self.workspace.cached.outbox
        # Counted in SQLite: decoding every entry cost tens of milliseconds per push with a batch of thousands queued.
        self.status.set_outbox(outbox.pending_count(), outbox.conflict_count())

    def _update_title(self) -> None:
        self.setWindowTitle(f"Stockroom — {self.workspace.name} ({self.workspace.mode})")
        self.status.set_profile(self.workspace.name, self.workspace.mode)

    def _tab_changed(self, *args: Any) -> None:
        tab = self.current_tab() if self.tabs.count() else None
        if tab is not None:
            self.status.set_as_of(tab.synced_at())
        self.window_actions.update_state()

    def _selection_changed(self, tab: ResourceTab) -> None:
        if tab is self.current_tab():
            self.window_actions.update_state()

    # -- commands the actions run ----------------------------------------------------------------------------
    def refresh(self, full: bool = False) -> None:
        if self.workspace.forced_offline:
            self.status.showMessage("Working offline: showing the cache only", 6000)
            return
        self.workspace.start_sync(full=full)

    def new_record(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        from desktop_app.ui.reorder.tab import StockLevelsTab  # loaded with the first tab (see _build_tab)

        if isinstance(tab, StockLevelsTab) and tab.selected_inventory_model():
            # A new stock level of the inventory model on screen, placed after its last one.
            self.edits.new_record(tab.type, ({}, {"inventory_model": tab.selected_inventory_model()}))
            return
        copied = app_type(tab.type).prefill
        record_id = tab.current_id() if copied else None
        record = self.workspace.cached.records.get(tab.type, record_id) if record_id else None
        if record is not None:  # another item of the selected row's SKU and location, say
            related = {k: v for k, v in record.relationships.items() if k in copied and v}
            self.edits.new_record(tab.type, ({}, related))
            return
        self.edits.new_record(tab.type)

    def edit_current(self) -> None:
        tab = self.current_tab()
        record_id = tab.current_id() if tab is not None else None
        if tab is not None and record_id:
            self.edits.edit_record(tab.type, record_id)

    @property
    def bulk(self) -> BulkController:
        """What previews and applies an import or a change of many rows (built on first use)."""
        return self.bulk_actions.controller

    def import_file(self) -> None:
        """File ▸ Import…: the current tab's type is offered first when a spreadsheet can hold it."""
        self.bulk_actions.import_file()

    def change_rows(self) -> None:
        self.bulk_actions.change_rows()

    def delete_selected(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.edits.delete_records(tab.type, tab.selected_ids())

    # Dialogs load when first opened: the window's first frame needs none of them.
    def export_current(self) -> None:
        from desktop_app.ui.export import ExportDialog, start_export, suggested_path

        tab = self.current_tab()
        if tab is None:
            return
        if self.export is not None and self.export.running:
            self.status.showMessage("An export is still being written; it says here when it is done", 8000)
            return
        path = ExportDialog.ask_path(self, str(suggested_path(tab.resource.plural_label)))
        if path is not None:
            self.export = start_export(tab.table, path, tab.noun, self.status.showMessage, parent=self)

    def open_pending(self) -> None:
        from desktop_app.ui.dialogs.pending_changes import PendingChangesDialog

        PendingChangesDialog.open_for(self, self.workspace)

    # -- window state ----------------------------------------------------------------------------------------
    @staticmethod
    def start_page(requested: str | None = None) -> str:
        """The page a window opens on (see :func:`desktop_app.ui.pages.start_page`)."""
        return opening_page(requested)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def quit_requested(self) -> None:
        """File ▸ Quit: the window closes once queued edits are accounted for (see ``QuitGuard``)."""
        if self._may_quit():
            self.close()

    def _may_quit(self) -> bool:
        if self.quit_guard.allows_quit():
            return True
        if self.quit_guard.waiting:
            self.status.showMessage("Sending the queued edits; the window closes when they are sent", 60000)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and not self._closed and not self._may_quit():  # the title bar's ×
            event.ignore()
            return
        self._closed = True
        self.reconnector.close()
        QSettings().setValue("window/geometry", self.saveGeometry())
        if (key := self.page_key()) is not None:
            QSettings().setValue(PAGE_SETTING, key)
        for tab in self.tab_by_type.built.values():
            tab.table.save_layout()
        if self.export is not None:
            self.export.stop()
        self.stock_pages.close()
        super().closeEvent(event)
        self.closed.emit()
