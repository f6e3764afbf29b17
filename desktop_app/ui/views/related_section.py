"""The records pointing at the one in the details pane: a SKU's stock by location, a stock location's stock levels
and how many stock items it holds.

Which lists a type shows, and their columns, come from its entry (:class:`~desktop_app.schema.Listed`); the values
read like the target's own table (names of related records, numbers in the person's locale, reserved and available
computed as there). A list reads the cache through the relationship's index; a count never reads the records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.schema import Column, Listed, Resource, app_type, get_resource
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.resource_table import formatter
from desktop_app.ui.models.table_rows import record_row, sort_key

if TYPE_CHECKING:
    from desktop_app.ui.models.lookups import Lookups
    from desktop_app.ui.workspace import Workspace

#: Rows a list shows at most; the title says how many there are in all.
MOST = 200


def back_link(resource: Resource, listed: Listed) -> str:
    """The to-one relationship of the listed type that points at ``resource`` (a stock item's ``sku``)."""
    target = get_resource(resource.relationship(listed.relationship).target)
    links = [r.name for r in target.to_one if r.target == resource.type]
    if len(links) != 1:
        raise ValueError(f"{target.type} points at {resource.type} through {links or 'nothing'}: name one")
    return links[0]


class RelatedSection(QWidget):
    """One block per :class:`Listed` of the type: a title with the count, and for a list a small read-only table."""

    def __init__(self, resource: Resource, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resource = resource
        self.lookups = lookups
        self.workspace: Workspace | None = None
        self.titles: dict[str, QLabel] = {}
        self.tables: dict[str, QTableWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        for listed in app_type(resource.type).details:
            title = QLabel()
            font = title.font()
            font.setWeight(QFont.Weight.DemiBold)
            title.setFont(font)
            layout.addWidget(title)
            self.titles[listed.relationship] = title
            if listed.columns:
                table = self._table(listed)
                layout.addWidget(table)
                self.tables[listed.relationship] = table

    def _table(self, listed: Listed) -> QTableWidget:
        columns = self._columns(listed)
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels([c.label for c in columns])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # The name takes what the figures leave and wraps onto a second line rather than end in "…": the figures'
        # headings ("Quantity", "Reserved", "Available") are wider than the figures and cannot give way.
        table.setWordWrap(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Refitted once the table has laid out its new widths (during the resize the rows still measure the old).
        header.sectionResized.connect(
            lambda column, *_: QTimer.singleShot(0, table, lambda: self._fit_rows(table)) if column == 0 else None
        )
        return table

    @staticmethod
    def _fit_rows(table: QTableWidget) -> None:
        """Rows as tall as their wrapped names at the name column's width (a narrower pane wraps more of them),
        with the main tables' air around the text."""
        for row in range(table.rowCount()):
            table.setRowHeight(row, table.sizeHintForRow(row) + 6)
        RelatedSection._fit_height(table)

    @staticmethod
    def _fit_height(table: QTableWidget) -> None:
        """As tall as its rows (no scroll bar for a few locations), at most about eight of them."""
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(min(table.horizontalHeader().height() + rows + 2 * table.frameWidth(), 260))

    def _columns(self, listed: Listed) -> list[Column]:
        target = self.resource.relationship(listed.relationship).target
        by_key = {c.key: c for c in columns_for(target)}
        return [by_key[key] for key in listed.columns]

    def show_for(self, record_id: str | None) -> None:
        """Fill each block for ``record_id`` (``None``: empty them)."""
        for listed in app_type(self.resource.type).details:
            target = self.resource.relationship(listed.relationship).target
            if record_id is None or self.workspace is None:
                self.titles[listed.relationship].setText(listed.title)
                if listed.relationship in self.tables:
                    self.tables[listed.relationship].setRowCount(0)
                continue
            where = {back_link(self.resource, listed): record_id}
            records = self.workspace.cached.records
            count = records.count(target, where=where)
            if not listed.columns:
                self.titles[listed.relationship].setText(f"{listed.title}: {count:,}")
                continue
            more = f" (the first {MOST:,} shown)" if count > MOST else ""
            self.titles[listed.relationship].setText(f"{listed.title} · {count:,}{more}")
            self._fill(self.tables[listed.relationship], listed, records.find(target, where=where)[:MOST])

    def _fill(self, table: QTableWidget, listed: Listed, found: list[Any]) -> None:
        columns = self._columns(listed)
        rows = [record_row(columns, (), record, self.lookups)[2:] for record in found]
        rows.sort(key=lambda values: tuple((v is None, sort_key(v)) for v in values))
        table.setRowCount(len(rows))
        shown = [formatter(c) for c in columns]
        for row, values in enumerate(rows):
            for column, (spec, value) in enumerate(zip(columns, values, strict=True)):
                text = shown[column](value)
                item = QTableWidgetItem("—" if text in (None, "") else str(text))
                item.setToolTip(item.text())
                if spec.numeric:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        self._fit_rows(table)
