"""The stock levels of one inventory model as a table the manager reorders by dragging rows or with Ctrl+Up/Down.

Drops land only between rows (the model accepts drops on the root, never on an item) and always move. While the
rows are sorted by another column, or a filter hides some of them, a position in the table is not a priority, so
reordering switches off and the view says why (tooltip, and ``reorder_hint_changed`` for a label next to it).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from desktop_app.ui.reorder.model import Column, StockLevelOrderModel

FILTER_REASON = "Reordering is off while a filter hides some stock levels: clear the filter to drag."
SORT_REASON = "Reordering is off while the list is sorted by another column: sort by Priority to drag."
MOVE_HINT = "Drag rows, or press Ctrl+Up / Ctrl+Down, to change the order stock locations ship from."


class StockLevelOrderView(QTableView):
    """A ``QTableView`` in ``InternalMove`` mode over a :class:`StockLevelOrderModel`."""

    #: The hint to show next to the table: how to reorder, or why reordering is off.
    reorder_hint_changed = Signal(str)

    MOVE_UP = QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_Up)
    MOVE_DOWN = QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_Down)

    def __init__(self, model: StockLevelOrderModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._disabled_reasons: dict[str, str] = {}
        self._filter_text = ""
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(False)
        header.sortIndicatorChanged.connect(self._sort_changed)
        if model is not None:
            self.setModel(model)
        self._apply_enabled()

    def order_model(self) -> StockLevelOrderModel:
        model = self.model()
        assert isinstance(model, StockLevelOrderModel), "the view shows a StockLevelOrderModel"
        return model

    # --- enabling ----------------------------------------------------------------------------------------------------

    @property
    def reorder_enabled(self) -> bool:
        return not self._disabled_reasons

    @property
    def reorder_hint(self) -> str:
        return next(iter(self._disabled_reasons.values()), MOVE_HINT)

    def hint_label(self, parent: QWidget | None = None) -> QLabel:
        """A label that always shows the current hint: how to reorder, or why reordering is off."""
        label = QLabel(self.reorder_hint, parent)
        label.setWordWrap(True)
        self.reorder_hint_changed.connect(label.setText)
        return label

    def set_reorder_enabled(self, enabled: bool, reason: str = "") -> None:
        """Switch reordering on or off for an outside ``reason`` (shown as the hint while off)."""
        self._set_reason("owner", None if enabled else (reason or "Reordering is off."))

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose location matches ``text``; reordering is off while anything is hidden."""
        self._filter_text = text.strip().casefold()
        model = self.order_model()
        for row in range(model.rowCount()):
            label = model.row_at(row).location_label.casefold()
            self.setRowHidden(row, bool(self._filter_text) and self._filter_text not in label)
        self._set_reason("filter", FILTER_REASON if self._filter_text else None)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        natural = section in (-1, Column.RANK, Column.PRIORITY) and order == Qt.SortOrder.AscendingOrder
        self._set_reason("sort", None if natural or not self.isSortingEnabled() else SORT_REASON)

    def _set_reason(self, key: str, reason: str | None) -> None:
        before = self.reorder_hint
        if reason is None:
            self._disabled_reasons.pop(key, None)
        else:
            self._disabled_reasons[key] = reason
        self._apply_enabled()
        if self.reorder_hint != before:
            self.reorder_hint_changed.emit(self.reorder_hint)

    def _apply_enabled(self) -> None:
        enabled = self.reorder_enabled
        self.setDragDropMode(
            QAbstractItemView.DragDropMode.InternalMove if enabled else QAbstractItemView.DragDropMode.NoDragDrop
        )
        self.setDragEnabled(enabled)
        self.setToolTip(self.reorder_hint)
        model = self.model()
        if isinstance(model, StockLevelOrderModel):
            model.set_reorder_enabled(enabled)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if isinstance(model, StockLevelOrderModel):
            model.set_reorder_enabled(self.reorder_enabled)
            model.modelReset.connect(self._reapply_filter)

    def _reapply_filter(self) -> None:
        if self._filter_text:
            self.set_filter_text(self._filter_text)

    # --- moving ------------------------------------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        selection = self.selectionModel()
        return sorted({index.row() for index in selection.selectedRows()}) if selection else []

    def move_selection(self, delta: int) -> bool:
        """Ctrl+Up / Ctrl+Down: the selected rows move one place and stay selected."""
        if not self.reorder_enabled:
            return False
        model = self.order_model()
        current = self.currentIndex()
        current_id = model.row_at(current.row()).id if current.isValid() else None
        landed = model.step_rows(self.selected_rows(), delta)
        if landed is None:
            return False
        selection = QItemSelection()
        for row in landed:
            selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().select(selection, flags)
        if current_id is not None:
            row = model.order().index(current_id)
            self.selectionModel().setCurrentIndex(model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(model.index(row, 0))
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        combination = QKeySequence(event.keyCombination())
        if combination in (self.MOVE_UP, self.MOVE_DOWN):
            self.move_selection(-1 if combination == self.MOVE_UP else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Qt moves a multi-row drop one ``moveRows`` call per row; the model turns them into one reorder."""
        model = self.model()
        if not self.reorder_enabled:
            event.ignore()
            return
        if isinstance(model, StockLevelOrderModel):
            with model.batched_moves():
                super().dropEvent(event)
        else:
            super().dropEvent(event)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        if self.reorder_enabled:
            super().startDrag(Qt.DropAction.MoveAction)
