"""Stock levels, shown per inventory model in the order Commerce Layer ships from them (priority, smallest first).

An inventory model's stock levels only make sense together: the selector picks the model, the table lists its
locations by priority. With the drag-to-reorder view available, one selected model is shown in that view instead.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLabel, QStackedWidget, QWidget

from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.views.resource_tab import PANE_SIZES, ResourceTab

if TYPE_CHECKING:
    from desktop_app.ui.reorder.controller import StockLevelReorder
    from desktop_app.ui.reorder.model import StockLevelOrderModel
    from desktop_app.ui.reorder.view import StockLevelOrderView
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)
ALL_MODELS = ""


class StockLevelsTab(ResourceTab):
    """The generic tab plus an inventory model selector; the selection filters and orders the rows."""

    def __init__(self, workspace: Workspace, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(STOCK_LEVELS, workspace, lookups, parent)
        self.model_selector = QComboBox()
        self.model_selector.setMinimumWidth(220)
        self.model_selector.setToolTip("Stock levels of one inventory model, in the order it ships from them")
        self.model_selector.currentIndexChanged.connect(self._model_chosen)
        self.model_selector.activated.connect(self._picked_by_person)
        self._model_picked = False
        self.top_bar.insertWidget(0, QLabel("Inventory model:"))
        self.top_bar.insertWidget(1, self.model_selector, 2)
        self._bar_filters: dict[str, Any] = {}
        self.order_view: StockLevelOrderView | None = None
        self.order_model: StockLevelOrderModel | None = None
        self.reorder: StockLevelReorder | None = None
        self.undo_stack: QUndoStack | None = None
        self.stack: QStackedWidget | None = None

    def _build_order_view(self) -> None:
        """The drag-to-reorder view, built when the tab first loads rather than with the window: the reorder
        planner and its view are not needed to paint the window's first (Stock items) tab."""
        if self.order_view is not None:
            return
        # Imported here: the list, its view and the planner add ~10 ms (-X importtime) to the first frame otherwise.
        from desktop_app.ui.reorder.model import Column, StockLevelOrderModel
        from desktop_app.ui.reorder.view import StockLevelOrderView

        self.order_model = StockLevelOrderModel()
        self.order_view = StockLevelOrderView(self.order_model)
        self.order_view.reorder_hint_changed.connect(self.status)
        self.order_view.setWordWrap(False)
        self.order_view.verticalHeader().setDefaultSectionSize(self.table.verticalHeader().defaultSectionSize())
        widths = {Column.RANK: 60, Column.PRIORITY: 80, Column.LOCATION: 380, Column.ON_HOLD: 90}
        for column, width in widths.items():
            self.order_view.setColumnWidth(column, width)
        self.order_view.selectionModel().currentRowChanged.connect(self._order_row_changed)
        self.watch_rows(self.order_view)
        self.stack = QStackedWidget()
        self.stack.currentChanged.connect(lambda _: self.selection_changed.emit())
        index = self.splitter.indexOf(self.table)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.order_view)
        self.splitter.insertWidget(index, self.stack)
        # The stretch belonged to the table, now inside the stack: without it a narrower window took all its
        # pixels from the details pane.
        self.splitter.setStretchFactor(index, 3)
        self.splitter.setSizes(list(PANE_SIZES))

    def set_undo_stack(self, undo_stack: QUndoStack) -> None:
        self.undo_stack = undo_stack

    def load_from_cache(self, *, first_frame: bool = False) -> None:
        self._build_order_view()
        super().load_from_cache(first_frame=first_frame)
        self.refresh_models()

    def lookups_changed(self) -> None:
        super().lookups_changed()
        self.refresh_models()

    def refresh_models(self) -> None:
        chosen = self.model_selector.currentData()
        self.model_selector.blockSignals(True)
        self.model_selector.clear()
        self.model_selector.addItem("All inventory models", ALL_MODELS)
        models = self.lookups.by_type.get("inventory_models", {})
        for model_id in sorted(models, key=lambda i: str(models[i].get("name") or i).casefold()):
            self.model_selector.addItem(str(models[model_id].get("name") or model_id), model_id)
        found = self.model_selector.findData(chosen) if chosen is not None else -1
        if (found < 0 or not self._model_picked) and not chosen and len(models) > 0:
            found = 1  # until the person picks, show the first model's levels in shipping order
        self.model_selector.setCurrentIndex(max(found, 0))
        self.model_selector.blockSignals(False)
        self._model_chosen()

    def _picked_by_person(self, *args: Any) -> None:
        self._model_picked = True

    def selected_inventory_model(self) -> str | None:
        value = self.model_selector.currentData()
        return value or None

    def select_inventory_model(self, model_id: str | None) -> None:
        self.model_selector.setCurrentIndex(max(self.model_selector.findData(model_id or ALL_MODELS), 0))

    def count_base(self) -> int:
        """With a model picked, its levels are the whole of what the tab shows: "6 stock levels", not "6 of 12"."""
        model_id = self.selected_inventory_model()
        if not model_id:
            return super().count_base()
        levels = self.workspace.cached.records.find(STOCK_LEVELS)
        return sum(1 for level in levels if level.relationships.get("inventory_model") == model_id)

    def _model_chosen(self, *args: Any) -> None:
        model_id = self.selected_inventory_model()
        self._apply()
        if model_id:
            self.model.sort(self.model.column_of("priority"), Qt.SortOrder.AscendingOrder)
            self.table.horizontalHeader().setSortIndicator(
                self.model.column_of("priority"), Qt.SortOrder.AscendingOrder
            )
        if self.order_view is not None and self.stack is not None:
            show_order = bool(model_id) and not self._bar_filters and not self.proxy.quick_find
            if show_order:
                self._bind_reorder(str(model_id))
            self.stack.setCurrentWidget(self.order_view if show_order else self.table)
        self._details_follow_model(model_id)

    def _details_follow_model(self, model_id: str | None) -> None:
        """The details pane never shows a level of another model than the one picked: the current row of what is
        shown now when it is one of the model's, else nothing."""
        if not model_id or self._of_model(self.details.record_id, model_id):
            return
        current = self.current_id()  # of the list when it is shown
        self._show_details(current if current and self._of_model(current, model_id) else "")

    def _of_model(self, level_id: str | None, model_id: str) -> bool:
        record = self.workspace.cached.records.get(STOCK_LEVELS, level_id) if level_id else None
        return record is not None and record.relationships.get("inventory_model") == model_id

    def _bind_reorder(self, model_id: str) -> None:
        """Show one inventory model's stock levels in the drag-to-reorder list, moves going through the planner."""
        from desktop_app.ui.reorder.controller import StockLevelReorder  # with the list, see _build_order_view

        assert self.order_model is not None
        if self.reorder is not None and self.reorder.inventory_model_id == model_id:
            self.reorder.refresh()
            return
        if self.reorder is not None:
            self.reorder.message.disconnect()
            self.reorder.deleteLater()
        tasks = self.workspace.tasks.child()
        self.reorder = StockLevelReorder(
            self.order_model, self.workspace, model_id, tasks=tasks, undo_stack=self.undo_stack, parent=self
        )
        self.reorder.message.connect(self.status)
        self.reorder.load()

    def _order_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and self.order_model is not None:
            self._show_details(self.order_model.row_at(current.row()).id)

    def reload(self, ids: list[str]) -> None:
        super().reload(ids)
        if self.reorder is not None and not self.reorder.busy and self.showing_order_view():
            self.reorder.refresh()

    def showing_order_view(self) -> bool:
        return self.stack is not None and self.stack.currentWidget() is self.order_view

    # What the window's Edit and Delete act on: the rows of the view shown, the drag-to-reorder list included.
    def selected_ids(self) -> list[str]:
        if not self.showing_order_view() or self.order_view is None or self.order_model is None:
            return super().selected_ids()
        rows = sorted({index.row() for index in self.order_view.selectionModel().selectedRows()})
        return [self.order_model.row_at(row).id for row in rows]

    def current_id(self) -> str | None:
        if not self.showing_order_view() or self.order_view is None or self.order_model is None:
            return super().current_id()
        row = self.order_view.currentIndex().row()
        return self.order_model.row_at(row).id if 0 <= row < self.order_model.rowCount() else None

    def has_selection(self) -> bool:
        if not self.showing_order_view() or self.order_view is None:
            return super().has_selection()
        return self.order_view.selectionModel().hasSelection()

    def apply_filters(self, filters: dict[str, Any]) -> None:
        self._bar_filters = dict(filters)
        self._apply()

    def _apply(self) -> None:
        combined = dict(self._bar_filters)
        model_id = self.selected_inventory_model()
        if model_id:
            combined["inventory_model_id_eq"] = model_id
        super().apply_filters(combined)
        count = len(self._bar_filters)
        self.filters_button.setText(f"Filters ({count})" if count else "Filters")

    def select_record(self, record_id: str) -> bool:
        record = self.workspace.cached.records.get(STOCK_LEVELS, record_id)
        if record is not None:
            wanted = record.relationships.get("inventory_model")
            if isinstance(wanted, str) and self.selected_inventory_model() not in (None, wanted):
                self.select_inventory_model(wanted)
        if self.stack is not None:
            self.stack.setCurrentWidget(self.table)
        return super().select_record(record_id)
