"""Building the Overview, Low stock and Find SKU views and wiring them to the window and the workspace.

The figures' watcher and the Overview come first (a window opening on the Overview paints them in its first
frame); Low stock and Find SKU, and their modules, are built on first need (right after the first frame, as a rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QMainWindow, QWidget

from desktop_app.schema import availability_types, tab_types
from desktop_app.ui.stock.figures import StockFiguresWatcher
from desktop_app.ui.stock.overview_view import OverviewView

if TYPE_CHECKING:
    from desktop_app.ui.counts import CountLauncher
    from desktop_app.ui.stock.find_sku_view import FindSkuView
    from desktop_app.ui.stock.low_stock_view import LowStockView
    from desktop_app.ui.stock.window import StockWindow

#: When the Overview is not what the window opens on, the first figures wait this long, so their thread does not
#: compete with the first table's read.
FIRST_FIGURES_MS = 400
TRANSFERS = "stock_transfers"


class StockViews:
    """The views of one window; ``place(key, widget)`` puts each in its tab as it is built."""

    def __init__(
        self,
        window: StockWindow,
        top: QMainWindow,
        search: QLineEdit,
        counts: CountLauncher,
        place: Callable[[str, QWidget], None],
        *,
        at_once: bool = False,
    ) -> None:
        self._window = window
        self._top = top
        self._place = place
        self.search = search
        self.counts = counts
        workspace = window.workspace
        self.watcher = watcher = StockFiguresWatcher(workspace.cache_file, lambda: workspace.closed, window.tabs)
        ahead, window.figures_ahead = window.figures_ahead, None
        first = None
        if ahead is not None and ahead.cache_file == workspace.cache_file:
            first = ahead.result(None if at_once else 0)  # a window opening on the Overview waits for them
        if first is not None:
            watcher.adopt(first)
        self.overview = OverviewView(workspace, watcher)
        self.overview.show_low_stock.connect(lambda: window.tabs.setCurrentWidget(self.low_stock))
        self.overview.open_pending.connect(window.open_pending)
        workspace.records_changed.connect(self._stock_changed)
        workspace.outbox_changed.connect(self.overview.refresh_status)
        workspace.sync_finished.connect(lambda *_: self.overview.refresh_status())
        watcher.ready.connect(lambda _: window.low_marks_changed(watcher.marks))
        place("overview", self.overview)
        self._low: LowStockView | None = None
        self._find: FindSkuView | None = None
        if first is not None:
            window.low_marks_changed(watcher.marks)
        else:
            QTimer.singleShot(0 if at_once else FIRST_FIGURES_MS, watcher.refresh)

    @property
    def low_stock(self) -> LowStockView:
        if self._low is None:
            from desktop_app.ui.stock.low_stock_view import LowStockView

            low = self._low = LowStockView(self.watcher)
            low.open_record.connect(self._window.show_record)
            low.set_reorder_point.connect(self._set_points)
            self._place("low_stock", low)
        return self._low

    @property
    def find_sku(self) -> FindSkuView:
        if self._find is None:
            from desktop_app.ui.stock.find_sku_view import FindSkuView

            window = self._window
            find = self._find = FindSkuView(window.workspace.cache_file, transfers=TRANSFERS in tab_types())
            find.open_record.connect(window.show_record)
            find.edit_record.connect(window.edits.edit_record)
            find.set_reorder_point.connect(self._set_points)
            find.transfer_from.connect(self._transfer)
            self._place("find_sku", find)
        return self._find

    def page(self, key: str) -> QWidget:
        pages: dict[str, Callable[[], QWidget]] = {
            "overview": lambda: self.overview,
            "low_stock": lambda: self.low_stock,
            "find_sku": lambda: self.find_sku,
        }
        return pages[key]()

    def built(self, key: str) -> QWidget | None:
        return {"overview": self.overview, "low_stock": self._low, "find_sku": self._find}[key]

    def _stock_changed(self, type_: str, ids: list[str]) -> None:
        self.watcher.changed(type_, ids)
        if type_ in availability_types() and self._find is not None:
            self._find.refresh()

    def _set_points(self, ids: list[str]) -> None:
        from desktop_app.ui.stock.thresholds import ask_and_set

        window = self._window
        message = ask_and_set(self._top, window.workspace, window.undo_stack, "stock_items", ids)
        if message:
            window.status.showMessage(message, 8000)

    def _transfer(self, sku_id: str, location_id: str) -> None:
        self._window.edits.new_record(TRANSFERS, ({}, {"sku": sku_id, "origin_stock_location": location_id}))
