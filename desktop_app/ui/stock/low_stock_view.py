"""Low stock: every stock item at or below its reorder point, across locations, filtered by location or inventory
model, with how many to reorder to reach the target level where one is set. Rows open their stock item; the reorder
point of one row or of many selected rows is set from here. The list comes from the watcher's thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.inventory import LowStockItem, Overview, StockFigures
from desktop_app.ui.stock.tables import FiguresModel, KeyRole, figures_view
from desktop_app.ui.stock.when_shown import WhenShown

if TYPE_CHECKING:
    from desktop_app.ui.stock.figures import StockFiguresWatcher

HEADERS = (
    "Stock location",
    "SKU",
    "Name",
    "On hand",
    "Reserved",
    "Available",
    "Reorder point",
    "Set on",
    "Target level",
    "To reorder",
)


class LowStockView(QWidget):
    """Signals: ``open_record(type, id)`` and ``set_reorder_point(ids)`` for the selected stock items."""

    open_record = Signal(str, str)
    set_reorder_point = Signal(list)

    def __init__(self, watcher: StockFiguresWatcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.watcher = watcher
        self.when_shown = WhenShown(self)
        self.items: list[LowStockItem] = []
        self._model_locations: dict[str, set[str]] = {}
        self.location = QComboBox()
        self.inventory_model = QComboBox()
        self.location.addItem("All locations", None)
        self.inventory_model.addItem("All inventory models", None)
        self.location.currentIndexChanged.connect(self._fill)
        self.inventory_model.currentIndexChanged.connect(self._fill)
        self.count = QLabel("Adding up the stock…")
        self.reorder_button = QPushButton("Set reorder point…")
        self.reorder_button.clicked.connect(lambda: self.set_reorder_point.emit(self.selected_ids()))
        top = QHBoxLayout()
        top.addWidget(QLabel("Location"))
        top.addWidget(self.location)
        top.addWidget(QLabel("Inventory model"))
        top.addWidget(self.inventory_model)
        top.addWidget(self.count, 1)
        top.addWidget(self.reorder_button)
        self.model = FiguresModel(HEADERS, self)
        self.table = figures_view(self.model, self, stretch=HEADERS.index("Name"))
        self.table.setSortingEnabled(False)
        self.table.doubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        watcher.ready.connect(self.show_overview)
        if watcher.overview is not None:
            self.show_overview(watcher.overview)

    def showEvent(self, event: QShowEvent) -> None:
        self.when_shown.shown()
        super().showEvent(event)

    def show_overview(self, result: Overview) -> None:
        """New figures: listed now, or when the page is next shown (see :class:`WhenShown`)."""
        self.when_shown.run("figures", lambda: self._show_overview(result))

    def _show_overview(self, result: Overview) -> None:
        self.items = list(result.low_items)
        self._fill_filters(result)
        self._fill()

    def _fill_filters(self, result: Overview) -> None:
        """The choices: locations from the figures, models from the cache's (small) model and level tables."""
        chosen_location, chosen_model = self.location.currentData(), self.inventory_model.currentData()
        with StockFigures(Path(self.watcher.cache_file)) as figures:
            models = figures.models()
            levels = figures.levels()
        self._model_locations = {
            m.id: {lv.location_id for lv in levels if lv.model_id == m.id and lv.location_id} for m in models
        }
        places = [(loc.name, loc.location_id) for loc in result.locations if loc.location_id]
        for combo, entries, chosen in (
            (self.location, places, chosen_location),
            (self.inventory_model, [(m.name, m.id) for m in sorted(models, key=lambda m: m.name)], chosen_model),
        ):
            blocked = combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in entries:
                combo.addItem(text, data)
            found = combo.findData(chosen)
            combo.setCurrentIndex(found if found >= 0 else 0)
            combo.blockSignals(blocked)

    def shown(self) -> list[LowStockItem]:
        location, model = self.location.currentData(), self.inventory_model.currentData()
        rows = self.items
        if location:
            rows = [r for r in rows if r.location_id == location]
        if model:
            allowed = self._model_locations.get(model, set())
            rows = [r for r in rows if r.location_id in allowed]
        return rows

    def _fill(self, *_: object) -> None:
        rows = self.shown()
        self.model.set_rows(
            [
                [
                    r.location_name,
                    r.sku_code,
                    r.sku_name,
                    r.quantity,
                    r.reserved,
                    r.available,
                    r.reorder_point,
                    r.reorder_point_from,
                    r.target_level,
                    r.reorder_quantity,
                ]
                for r in rows
            ],
            [r.stock_item_id for r in rows],
            marked={i for i, r in enumerate(rows) if r.available <= 0},
        )
        total = len(self.items)
        noun = "stock item" if len(rows) == 1 else "stock items"
        self.count.setText(
            f"{len(rows):,} {noun} at or below the reorder point" + (f" (of {total:,})" if len(rows) != total else "")
        )

    def buttons_for(self, view: QAbstractItemView) -> list[QPushButton]:
        """What a right-click on a row offers: Set reorder point… for the rows selected."""
        return [self.reorder_button]

    def selected_ids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [str(index.data(KeyRole)) for index in rows if index.data(KeyRole)]

    def _open(self, index: object) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_record.emit("stock_items", ids[0])
