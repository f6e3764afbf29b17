"""Where the stock is, in the window: the Overview (the first tab), Low stock and Find SKU (Ctrl+K, or the toolbar's
field), with low-stock marks in the resource tables, and Count a location (Ctrl+Shift+C, built on first use). The
views are not resource types: they are added to the window here, beside the tabs the schema describes, and read the
cache through ``desktop_app.inventory`` (counts through ``desktop_app.counts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLineEdit, QMainWindow, QTabWidget, QToolBar, QWidget

from desktop_app.schema import availability_types, tab_types
from desktop_app.ui.counts import CountLauncher
from desktop_app.ui.counts import install as install_counts
from desktop_app.ui.stock.figures import StockFiguresWatcher
from desktop_app.ui.stock.find_sku_view import FindSkuView
from desktop_app.ui.stock.low_stock_view import LowStockView
from desktop_app.ui.stock.overview_view import OverviewView
from desktop_app.ui.stock.thresholds import ask_and_set

if TYPE_CHECKING:
    from desktop_app.inventory import LowMarks
    from desktop_app.ui.edits import EditController
    from desktop_app.ui.views.status_bar import StatusBar
    from desktop_app.ui.workspace import Workspace


class StockWindow(Protocol):
    """What the views need of the main window (named here rather than imported: the window imports this)."""

    workspace: Workspace
    tabs: QTabWidget
    status: StatusBar
    edits: EditController
    undo_stack: QUndoStack

    def open_pending(self) -> None: ...

    def show_record(self, type_: str, record_id: str) -> None: ...

    def low_marks_changed(self, marks: LowMarks) -> None: ...


#: The first figures wait this long after the window is built, so their thread does not compete with the first
#: frame and the first table's read.
FIRST_FIGURES_MS = 400
TRANSFERS = "stock_transfers"


@dataclass
class StockViews:
    watcher: StockFiguresWatcher
    overview: OverviewView
    low_stock: LowStockView
    find_sku: FindSkuView
    search: QLineEdit
    counts: CountLauncher

    @property
    def pages(self) -> tuple[QWidget, ...]:
        return (self.overview, self.low_stock, self.find_sku)


def install(window: StockWindow) -> StockViews:
    workspace = window.workspace
    tabs = window.tabs
    top = tabs.window()
    watcher = StockFiguresWatcher(workspace.cache_file, lambda: workspace.closed, tabs)
    overview = OverviewView(workspace, watcher)
    low = LowStockView(watcher)
    find = FindSkuView(workspace.cache_file, transfers=TRANSFERS in tab_types())
    tabs.insertTab(0, overview, "Overview")
    tabs.addTab(low, "Low stock")
    tabs.addTab(find, "Find SKU")
    search = QLineEdit()
    search.setPlaceholderText("Find SKU (Ctrl+K): scan or type a code")
    search.setClearButtonEnabled(True)
    search.setMaximumWidth(360)
    toolbar = QToolBar("Find SKU")
    toolbar.setObjectName("find-sku-toolbar")
    toolbar.setMovable(False)
    toolbar.addWidget(search)
    if isinstance(top, QMainWindow):
        top.addToolBar(toolbar)
    counts = install_counts(window, top)
    views = StockViews(watcher, overview, low, find, search, counts)

    def show_find(code: str | None = None) -> None:
        tabs.setCurrentWidget(find)
        if code:
            find.look_up(code)
            search.clear()
        else:
            find.focus_code()

    search.returnPressed.connect(lambda: show_find(search.text().strip() or None))
    action = QAction("Find SKU…", top)
    action.setShortcut(QKeySequence("Ctrl+K"))
    action.triggered.connect(lambda _=False: show_find())
    top.addAction(action)
    show_overview = QAction("Overview", top)
    show_overview.triggered.connect(lambda: tabs.setCurrentWidget(overview))
    show_low = QAction("Low stock", top)
    show_low.triggered.connect(lambda: tabs.setCurrentWidget(low))
    if isinstance(top, QMainWindow):
        views_menu = top.menuBar().addMenu("&Stock")
        for item in (action, show_overview, show_low):
            views_menu.addAction(item)
        views_menu.addSeparator()
        views_menu.addAction(counts.action)

    def set_points(ids: list[str]) -> None:
        message = ask_and_set(top, workspace, window.undo_stack, "stock_items", ids)
        if message:
            window.status.showMessage(message, 8000)

    def transfer(sku_id: str, location_id: str) -> None:
        window.edits.new_record(TRANSFERS, ({}, {"sku": sku_id, "origin_stock_location": location_id}))

    overview.show_low_stock.connect(lambda: tabs.setCurrentWidget(low))
    overview.open_pending.connect(window.open_pending)
    low.open_record.connect(window.show_record)
    low.set_reorder_point.connect(set_points)
    find.open_record.connect(window.show_record)
    find.edit_record.connect(window.edits.edit_record)
    find.set_reorder_point.connect(set_points)
    find.transfer_from.connect(transfer)

    def stock_changed(type_: str, ids: list[str]) -> None:
        watcher.changed(type_, ids)
        if type_ in availability_types():
            find.refresh()

    workspace.records_changed.connect(stock_changed)
    workspace.outbox_changed.connect(overview.refresh_status)
    workspace.sync_finished.connect(lambda *_: overview.refresh_status())
    watcher.ready.connect(lambda _: window.low_marks_changed(watcher.marks))
    QTimer.singleShot(FIRST_FIGURES_MS, watcher.refresh)
    return views
