"""Where the stock is, in the window: the Overview (the first tab), Low stock and Find SKU (Ctrl+K, or the toolbar's
field), with low-stock marks in the resource tables, and Count a location (Ctrl+Shift+C, built on first use). The
views are not resource types: they are added to the window here, beside the tabs the schema describes, and read the
cache through ``desktop_app.inventory`` (counts through ``desktop_app.counts``).

The pages' places, the Stock menu and the Find SKU field exist from the window's first moment (so no tab moves
later); the views themselves, their modules and the inventory core (about 70 ms here) are built when first needed:
at once when the window opens on one of them, otherwise right after the first frame (see :meth:`StockPages.views`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMainWindow, QToolBar, QWidget

from desktop_app.ui.counts import CountLauncher
from desktop_app.ui.counts import install as install_counts
from desktop_app.ui.pages import LEADING
from desktop_app.ui.pages import STOCK_PAGES as PAGES

if TYPE_CHECKING:
    from desktop_app.ui.stock.views import StockViews
    from desktop_app.ui.stock.window import StockWindow


class StockPages:
    """The three pages of a window: an empty page stands in for each until :attr:`views` builds them."""

    def __init__(self, window: StockWindow, top: QMainWindow) -> None:
        self._window = window
        self._top = top
        self._views: StockViews | None = None
        self._standing: dict[str, QWidget] = {}
        for key, label in PAGES.items():
            page = self._standing[key] = QWidget()
            if key in LEADING:
                window.tabs.insertTab(LEADING.index(key), page, label)
            else:
                window.tabs.addTab(page, label)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find SKU (Ctrl+K): scan or type a code")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(360)
        toolbar = QToolBar("Find SKU")
        toolbar.setObjectName("find-sku-toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.search)
        top.addToolBar(toolbar)
        self.search.returnPressed.connect(lambda: self.show_find(self.search.text().strip() or None))
        self.find_action = QAction("Find SKU…", top)
        self.find_action.setShortcut(QKeySequence("Ctrl+K"))
        self.find_action.triggered.connect(lambda _=False: self.show_find())
        top.addAction(self.find_action)
        menu = top.menuBar().addMenu("&Stock")
        menu.addAction(self.find_action)
        for key in ("overview", "low_stock"):
            action = QAction(PAGES[key], top)
            action.triggered.connect(lambda _=False, k=key: self.show(k))
            menu.addAction(action)
        self.counts: CountLauncher = install_counts(window, top)
        menu.addSeparator()
        menu.addAction(self.counts.action)

    @property
    def built(self) -> bool:
        return self._views is not None

    @property
    def views(self) -> StockViews:
        """The views (the Overview built now if it is not yet; the other two on first use)."""
        return self.build()

    def build(self, *, at_once: bool = False) -> StockViews:
        """:attr:`views`, their first figures computed ``at_once`` when the Overview is what the window opens on."""
        if self._views is None:
            from desktop_app.ui.stock.views import StockViews

            self._views = StockViews(self._window, self._top, self.search, self.counts, self._put, at_once=at_once)
        return self._views

    def build_all(self) -> None:
        for key in PAGES:
            self.build().page(key)

    def _put(self, key: str, view: QWidget) -> None:
        """``view`` takes the place of its empty page; the tab shown stays the one shown."""
        page = self._standing.pop(key)
        tabs = self._window.tabs
        current = tabs.currentWidget()
        blocked = tabs.blockSignals(True)
        index = tabs.indexOf(page)
        tabs.removeTab(index)
        tabs.insertTab(index, view, PAGES[key])
        tabs.setCurrentWidget(view if current is page else current)
        tabs.blockSignals(blocked)
        page.deleteLater()

    def page(self, key: str) -> QWidget:
        """The page of ``key`` as it stands (the empty page until its view is built)."""
        built = self._views.built(key) if self._views is not None else None
        return built if built is not None else self._standing[key]

    def key_of(self, widget: QWidget | None) -> str | None:
        return next((key for key in PAGES if widget is not None and self.page(key) is widget), None)

    def show(self, key: str) -> None:
        self._window.tabs.setCurrentWidget(self.views.page(key))

    def show_find(self, code: str | None = None) -> None:
        find = self.views.find_sku
        self._window.tabs.setCurrentWidget(find)
        if code:
            find.look_up(code)
            self.search.clear()
        else:
            find.focus_code()

    def close(self) -> None:
        if self._views is not None:
            self._views.watcher.close()
