"""What a tab's table shows of its model: the model's rows as they are, with the quick find and the filter bar's
conditions handed to it.

The model answers both in SQL over the cache (a million rows: an indexed statement in a worker thread, not a
Python pass over every row), so this proxy maps rows one to one and keeps Qt's machinery (selection, persistent
indexes, views) without a mapping table per row. Filter keys only the server can check are reported, not applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QIdentityProxyModel, Qt, Signal

from desktop_app.schema import QueryError, parse_filter_key
from desktop_app.store.filters import ServerOnly, condition_sql
from desktop_app.ui.models.resource_table import ResourceTableModel


class RecordProxyModel(QIdentityProxyModel):
    """The rows a tab shows: the source's order, minus what the quick find and the filter bar exclude."""

    server_only_filters = Signal(list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quick_text = ""
        self._filter_values: dict[str, Any] = {}
        self._source: ResourceTableModel | None = None

    def setSourceModel(self, model: Any) -> None:
        self._source = model  # held here too: a model nobody else holds must not be collected under the proxy
        super().setSourceModel(model)
        model.watch_rows(lambda: [i.row() for i in self.persistentIndexList()])

    def source(self) -> ResourceTableModel:
        model = self.sourceModel()
        assert isinstance(model, ResourceTableModel)
        return model

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    @property
    def quick_find(self) -> str:
        return self._quick_text

    def set_quick_find(self, text: str, columns: Iterable[str] | None = None) -> None:
        """Rows with ``text`` in a text column (``columns``: the keys of the columns shown; all when ``None``)."""
        self._quick_text = text
        self.source().set_quick_find(text, columns)

    def set_filters(self, filters: Mapping[str, Any]) -> None:
        """Ransack keys from the filter bar (``{"on_hold_true": True}``), applied to the cache's rows."""
        self._filter_values = dict(filters)
        source = self.source()
        local: list[tuple[Any, Any]] = []
        server_only: list[str] = []
        for key, value in filters.items():
            try:
                condition = parse_filter_key(source.resource, key)
                condition_sql(source.type, condition, value)
            except (QueryError, ServerOnly):
                server_only.append(key)
                continue
            local.append((condition, value))
        self.server_only_filters.emit(server_only)
        source.set_filters(local)

    @property
    def filters(self) -> dict[str, Any]:
        return dict(self._filter_values)

    @property
    def filtering(self) -> bool:
        return bool(self._quick_text.strip() or self._filter_values)
