"""Export what a tab shows (its filtered, sorted rows and its visible columns in their order) to CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget


def export_csv(view: QTableView, path: Path) -> int:
    """Write the view's visible rows and columns; returns the number of rows written."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not view.isColumnHidden(c)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([model.headerData(c, Qt.Orientation.Horizontal) for c in columns])
        for row in range(model.rowCount()):
            values = []
            for column in columns:
                index = model.index(row, column)
                value = index.data(Qt.ItemDataRole.DisplayRole)
                if value is None and index.data(Qt.ItemDataRole.CheckStateRole) is not None:
                    value = "Yes" if index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked else "No"
                values.append("" if value is None else value)
            writer.writerow(values)
    return model.rowCount()


class ExportDialog:
    @classmethod
    def ask_path(cls, parent: QWidget | None, suggested: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export to CSV", suggested, "CSV files (*.csv)")
        return Path(chosen) if chosen else None
