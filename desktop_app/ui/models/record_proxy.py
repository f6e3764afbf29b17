"""Quick-find and filter-bar filtering over a :class:`ResourceTableModel`, with sorting handed to the source.

The proxy keeps Qt's mapping machinery (selection, persistent indexes, views) but never compares rows itself:
``sort`` goes to the source model, which sorts typed column values in one pass. Filtering is a byte mask per row
slot computed in one pass, which the source exposes as ``MaskRole`` for Qt's own filter to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal

from desktop_app.ui.models.local_filter import filter_mask
from desktop_app.ui.models.resource_table import ResourceTableModel

Index = QModelIndex | QPersistentModelIndex


class RecordProxyModel(QSortFilterProxyModel):
    """The rows a tab shows: the source's order, minus what the quick-find and the filter bar exclude."""

    server_only_filters = Signal(list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quick: bytearray | None = None
        self._filters: bytearray | None = None
        self._mask: bytearray | None = None
        self._quick_text = ""
        self._filter_values: dict[str, Any] = {}
        self._src: ResourceTableModel | None = None
        self.setDynamicSortFilter(False)
        # Rows are kept or dropped by Qt's own fixed-string filter on the source's MaskRole ("1"/"0"), and with no
        # filter the pattern is empty: Qt then accepts every row without a single call into Python, which is what
        # keeps re-sorting 100,000 rows fast.
        self.setFilterRole(ResourceTableModel.MaskRole)
        self.setFilterKeyColumn(0)

    def source(self) -> ResourceTableModel:
        model = self.sourceModel()
        assert isinstance(model, ResourceTableModel)
        return model

    def setSourceModel(self, model: Any) -> None:
        self._src = model
        super().setSourceModel(model)
        model.modelReset.connect(self._recompute)
        model.rowsInserted.connect(self._recompute)
        model.rowsRemoved.connect(self._recompute)
        model.dataChanged.connect(self._data_changed)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    # -- what to show ----------------------------------------------------------------------------------------
    @property
    def quick_find(self) -> str:
        return self._quick_text

    def set_quick_find(self, text: str) -> None:
        self._quick_text = text
        self._quick = self._quick_mask(text)
        self._apply()

    def set_filters(self, filters: Mapping[str, Any]) -> None:
        """Ransack keys from the filter bar (``{"on_hold_true": True}``), applied to the loaded rows."""
        self._filter_values = dict(filters)
        self._filters = self._filters_mask()
        self._apply()

    @property
    def filters(self) -> dict[str, Any]:
        return dict(self._filter_values)

    @property
    def filtering(self) -> bool:
        return self._mask is not None

    def _quick_mask(self, text: str) -> bytearray | None:
        needle = text.strip().casefold()
        if not needle:
            return None
        return bytearray(needle in line for line in self.source().table.search_text())

    def _filters_mask(self) -> bytearray | None:
        source = self.source()
        mask, server_only = filter_mask(source.resource, source.table, self._filter_values)
        self.server_only_filters.emit(server_only)
        return mask

    def _apply(self) -> None:
        masks = [m for m in (self._quick, self._filters) if m is not None]
        if not masks:
            self._mask = None
        elif len(masks) == 1:
            self._mask = masks[0]
        else:
            self._mask = bytearray(a & b for a, b in zip(masks[0], masks[1], strict=False))
        if self._src is not None:
            self._src.set_row_mask(self._mask)
        pattern = "" if self._mask is None else "1"
        if self.filterRegularExpression().pattern() != pattern:
            self.setFilterFixedString(pattern)
        elif hasattr(self, "endFilterChange"):  # Qt 6.10+: the replacement of invalidateRowsFilter()
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def _recompute(self, *args: Any) -> None:
        """Rows came or went: masks are per slot, so rebuild them (cheap next to what caused it)."""
        if self._quick_text or self._filter_values:
            self._quick = self._quick_mask(self._quick_text)
            self._filters = self._filters_mask() if self._filter_values else None
            self._apply()

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = None) -> None:
        if (self._quick_text or self._filter_values) and top_left.row() == bottom_right.row():
            self._recompute()
