"""The Overview: what a manager reads first. Per stock location the units on hand, reserved and available, the
SKUs it holds and how many of its stock items are low, as a table and a chart; then what waits to be sent, what
conflicts, and how old each table of the cache is. The figures come from the watcher's thread; this only shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.inventory import Overview
from desktop_app.schema import get_resource, synced_types
from desktop_app.ui.stock.charts import Bar, BarChart
from desktop_app.ui.stock.tables import FiguresModel, figures_view, fit_height
from desktop_app.ui.stock.when_shown import WhenShown
from desktop_app.ui.views.status_bar import as_of_text

if TYPE_CHECKING:
    from desktop_app.ui.stock.figures import StockFiguresWatcher
    from desktop_app.ui.workspace import Workspace

HEADERS = ("Stock location", "On hand", "Reserved", "Available", "SKUs", "Low stock items")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


class OverviewView(QWidget):
    """``show_low_stock`` asks the window for the Low stock view; ``open_pending`` for the pending edits."""

    show_low_stock = Signal()
    open_pending = Signal()

    def __init__(self, workspace: Workspace, watcher: StockFiguresWatcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.watcher = watcher
        self.when_shown = WhenShown(self)
        self.summary = QLabel("Adding up the stock…")
        self.summary.setObjectName("overview-summary")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.summary.setFont(font)
        self.model = FiguresModel(HEADERS, self)
        self.model.mark_columns = {HEADERS.index("Low stock items")}
        self.table = figures_view(self.model, self, stretch=0, fitted=True)
        self.chart = BarChart(("Available", "Reserved"))
        self.pending = QLabel()
        self.ages = QLabel()
        self.ages.setTextFormat(Qt.TextFormat.PlainText)
        self.ages.setWordWrap(True)
        low_button = QPushButton("Show low stock")
        low_button.clicked.connect(self.show_low_stock.emit)
        pending_button = QPushButton("Pending edits…")
        pending_button.clicked.connect(self.open_pending.emit)
        grid = QGridLayout()
        table_box = QVBoxLayout()
        table_box.addWidget(self.table)
        table_box.addStretch(1)
        grid.addLayout(table_box, 0, 0)
        chart_box = QVBoxLayout()
        chart_box.addWidget(QLabel("Units available (and reserved) per stock location"))
        chart_box.addWidget(self.chart)
        chart_box.addStretch(1)
        grid.addLayout(chart_box, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        footer = QHBoxLayout()
        footer.addWidget(self.pending, 1)
        footer.addWidget(pending_button)
        footer.addWidget(low_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addLayout(footer)
        layout.addWidget(QLabel("How old each table is"))
        layout.addWidget(self.ages)
        watcher.ready.connect(self.show_overview)
        if watcher.overview is not None:
            self.show_overview(watcher.overview)
        self.refresh_status()

    def showEvent(self, event: QShowEvent) -> None:
        self.when_shown.shown()
        super().showEvent(event)

    def show_overview(self, result: Overview) -> None:
        """New figures: shown now, or when the page is next shown (see :class:`WhenShown`)."""
        self.when_shown.run("figures", lambda: self._show_overview(result))

    def _show_overview(self, result: Overview) -> None:
        rows, keys, marked = [], [], set()
        for position, loc in enumerate(result.locations):
            name = f"{loc.name} ({loc.code})" if loc.code and loc.code != loc.name else loc.name
            rows.append([name, loc.quantity, loc.reserved, loc.available, loc.skus, loc.low])
            keys.append(loc.location_id)
            if loc.low:
                marked.add(position)
        total = result.total
        rows.append(["All locations", total.quantity, total.reserved, total.available, None, total.low])
        keys.append(None)
        self.model.set_rows(rows, keys, marked=marked, bold={len(rows) - 1})
        fit_height(self.table)
        self.chart.set_bars(
            [
                Bar(loc.name, (max(loc.available, 0), loc.reserved), note=f"· {loc.low:,} low" if loc.low else "")
                for loc in result.locations
                if loc.items or loc.quantity
            ]
        )
        items = sum(loc.items for loc in result.locations)
        self.summary.setText(
            f"{_plural(result.catalogue_skus, 'SKU', 'SKUs')} · {_plural(items, 'stock item', 'stock items')} · "
            f"{total.quantity:,} units on hand, {total.available:,} available · "
            f"{_plural(total.low, 'stock item', 'stock items')} at or below the reorder point"
        )
        self.refresh_status()

    def refresh_status(self) -> None:
        """Pending edits, conflicts and the age of every table: cheap reads, redone whenever the window asks (when
        the page is shown; else once when it next is)."""
        self.when_shown.run("status", self._refresh_status)

    def _refresh_status(self) -> None:
        if self.workspace.closed:  # its cache is closing
            return
        # Counted in SQLite: decoding every entry took 85 ms with a batch of 3,334 edits queued.
        outbox = self.workspace.cached.outbox
        conflicts, refused = outbox.conflict_count(), outbox.failed_count()
        waiting = outbox.pending_count() - refused
        parts = [_plural(waiting, "edit waits", "edits wait") + " to be sent"]
        if refused:
            parts.append(_plural(refused, "edit was", "edits were") + " refused")
        parts.append(_plural(conflicts, "conflict", "conflicts") + (" to settle" if conflicts else ""))
        self.pending.setText(" · ".join(parts))
        lines = [
            f"{get_resource(type_).plural_label}: {as_of_text(self.workspace.synced_at(type_))}"
            for type_ in synced_types()
        ]
        # Wrapped between tables, never inside one ("Stock items: 2 minutes ago" stays whole): one line of every
        # synced table would hold the window wider than a 1280-pixel screen.
        self.ages.setText("    ".join(line.replace(" ", "\u00a0") for line in lines))
