"""Export what a tab shows (its filtered, sorted rows and its visible columns in their order) to CSV, with what it
takes to edit the file and bring it back: each row's id, and the id and code of every record it points at."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_app.schema import get_resource, lookup_types
from desktop_app.ui.views.record_table_view import RecordTableView


def suggested_path(plural_label: str, today: dt.date | None = None) -> Path:
    """Where the save dialog starts: the person's documents folder, a file named after the tab and the day
    ("stock-items-2026-12-06.csv"), so exports of different days never overwrite each other."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    day = (today or dt.date.today()).isoformat()
    return Path(folder) / f"{plural_label.lower().replace(' ', '-')}-{day}.csv"


def _reference_columns(view: RecordTableView, shown: set[str]) -> list[tuple[str, str, str | None]]:
    """``(heading, relationship, attribute)`` of the ids and codes the visible columns leave out; attribute
    ``None`` is the related record's id, relationship ``""`` the row's own id."""
    model = view.source
    out: list[tuple[str, str, str | None]] = [] if "ID" in shown else [("ID", "", None)]
    resource = get_resource(model.type)
    for rel in resource.to_one:
        if rel.target not in lookup_types():
            continue
        target = get_resource(rel.target)
        noun = rel.label if sum(o.target == rel.target for o in resource.to_one) > 1 else target.label
        if "code" in target.fields and f"{noun} code" not in shown:
            out.append((f"{noun} code", rel.name, "code"))
        out.append((f"{noun} ID", rel.name, None))
    return out


def export_csv(view: RecordTableView, path: Path) -> int:
    """Write the view's visible rows and columns, then ids and codes; returns the number of rows written."""
    model = view.model()
    source = view.source
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not view.isColumnHidden(c)]
    headings = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    references = _reference_columns(view, set(headings))
    targets = {rel.name: rel.target for rel in get_resource(source.type).to_one}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings + [heading for heading, _, _ in references])
        for row in range(model.rowCount()):
            values: list[Any] = []
            for column in columns:
                index = model.index(row, column)
                # Numbers as numbers (1234, 3600), so a spreadsheet or an import reads them; the rest as shown.
                raw = source.columns[column].numeric
                value = index.data(Qt.ItemDataRole.EditRole if raw else Qt.ItemDataRole.DisplayRole)
                if value is None and index.data(Qt.ItemDataRole.CheckStateRole) is not None:
                    value = "Yes" if index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked else "No"
                values.append("" if value is None else value)
            source_row = view.proxy.mapToSource(model.index(row, 0)).row()
            links = source.links_at(source_row)
            for _, relationship, attribute in references:
                if not relationship:
                    values.append(model.index(row, 0).data(source.IdRole))
                    continue
                linked = links.get(relationship)
                if attribute is None:
                    values.append(linked or "")
                else:
                    values.append(source.lookups.value(targets[relationship], linked, attribute) or "")
            writer.writerow(values)
    return model.rowCount()


class ExportDialog:
    @classmethod
    def ask_path(cls, parent: QWidget | None, suggested: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export to CSV", suggested, "CSV files (*.csv)")
        return Path(chosen) if chosen else None
