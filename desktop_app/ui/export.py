"""Export what a tab shows (its filtered, sorted rows and its visible columns in their order) to CSV, with what it
takes to edit the file and bring it back: each row's id, and the id and code of every record it points at.

A table read from the cache (a million stock items) streams to the file from a thread of its own, a few thousand
rows at a time, read from SQLite in the shown order, reporting progress: the window stays usable throughout. Rows
held from the server (a few pages) are written at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_app.schema import get_resource, lookup_types
from desktop_app.store.table_query import Source, TableQuery
from desktop_app.ui.views.record_table_view import RecordTableView

#: Rows read and written per step of a streamed export (one progress report each).
CHUNK = 2000


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
    """Write the view's visible rows and columns, then ids and codes, at once (rows held from the server); returns
    the number of rows written."""
    model = view.model()
    source = view.source
    columns = _visible_columns(view)
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


@dataclass(frozen=True)
class StreamPlan:
    """What a streamed export writes, as plain data a thread can use: the cache file, the shown order, and for
    each output column either a table column (its source and how it reads) or a reference (the row's id, a
    related record's id, or its code read from the cache)."""

    cache_file: Path
    type: str
    order: array[int]
    headings: list[str]
    sources: tuple[Source, ...]
    relationships: tuple[str, ...]
    #: Per output column: ``("cell", source index, text function or None for raw)``, ``("id",)``,
    #: ``("link", relationship index)``, ``("code", source index)``.
    cells: tuple[tuple[Any, ...], ...]


def stream_plan(view: RecordTableView) -> StreamPlan | None:
    """The plan of a streamed export of what ``view`` shows; ``None`` when its rows are held (from the server)."""
    source = view.source
    shown = source.shown_rows()
    if shown is None:
        return None
    cache_file, order, column_sources = shown
    columns = _visible_columns(view)
    headings = [str(view.model().headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    references = _reference_columns(view, set(headings))
    sources = [column_sources[c] for c in columns]
    cells: list[tuple[Any, ...]] = []
    for position, column in enumerate(columns):
        raw = source.columns[column].numeric  # numbers as numbers (1234, 3600), the rest as shown
        cells.append(("cell", position, None if raw else (lambda v, c=column: source.cell_text(c, v))))
    targets = {rel.name: rel.target for rel in get_resource(source.type).to_one}
    for _, relationship, attribute in references:
        if not relationship:
            cells.append(("id",))
        elif attribute is None:
            cells.append(("link", source.relationship_names.index(relationship)))
        else:
            key = f"{relationship}.{attribute}"
            sources.append(Source(key, "related", relationship, targets[relationship], attribute, text=True))
            cells.append(("code", len(sources) - 1))
    headings += [heading for heading, _, _ in references]
    return StreamPlan(cache_file, source.type, order, headings, tuple(sources), source.relationship_names, tuple(cells))


def write_stream(plan: StreamPlan, path: Path, progress: Callable[[int], object], stop: threading.Event) -> int:
    """Write ``plan``'s rows to ``path`` a chunk at a time through a connection of its own (no widget, no model:
    safe in a thread); returns the rows written. A row gone from the cache since the order was read is left out."""
    query = TableQuery(plan.cache_file, plan.type, plan.sources, plan.relationships)
    first_value = 2 + len(plan.relationships)
    written = 0
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(plan.headings)
            for start in range(0, len(plan.order), CHUNK):
                if stop.is_set():
                    break
                keys = plan.order[start : start + CHUNK]
                rows = query.rows(keys).values
                writer.writerows(_line(plan.cells, rows[key], first_value) for key in keys if key in rows)
                written += sum(1 for key in keys if key in rows)
                progress(start + len(keys))
    finally:
        query.close()
    return written


def _line(cells: Sequence[tuple[Any, ...]], row: Sequence[Any], first_value: int) -> list[Any]:
    out: list[Any] = []
    for cell in cells:
        kind = cell[0]
        if kind == "cell":
            value = row[first_value + cell[1]]
            value = value if cell[2] is None else cell[2](value)
        elif kind == "id":
            value = row[0]
        elif kind == "link":
            value = row[2 + cell[1]]
        else:
            value = row[first_value + cell[1]]
        out.append("" if value is None else value)
    return out


class StreamedExport(QObject):
    """A streamed export running in its own thread; signals arrive on the window's thread. ``progress(done,
    total)``, then ``finished(rows)`` or ``failed(message)``."""

    progress = Signal(int, int)
    finished = Signal(int)
    failed = Signal(str)
    _progressed = Signal(int)
    _ended = Signal(object)

    def __init__(self, plan: StreamPlan, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan, self.path = plan, path
        self.running = False
        self._stop = threading.Event()
        self._progressed.connect(lambda done: self.progress.emit(done, len(plan.order)))
        self._ended.connect(self._end)

    def start(self) -> None:
        self.running = True
        # A daemon thread reading through its own connection: quitting does not wait for it (stop() ends it early).
        threading.Thread(target=self._run, name="stockroom-export", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            outcome: object = write_stream(self.plan, self.path, self._progressed.emit, self._stop)
        except (OSError, ValueError) as exc:  # a full disk, a folder gone, the cache file closed under it
            outcome = exc
        self._ended.emit(outcome)

    def _end(self, outcome: object) -> None:
        self.running = False
        if isinstance(outcome, int):
            self.finished.emit(outcome)
        else:
            self.failed.emit(f"Export to {self.path} failed: {outcome}")


def start_export(
    view: RecordTableView, path: Path, noun: str, say: Callable[[str, int], object], parent: QObject | None = None
) -> StreamedExport | None:
    """Export what ``view`` shows to ``path``: streamed from a thread for a cached table (returned, running),
    written at once for rows held from the server. ``say(message, milliseconds)`` reports (the status bar)."""
    plan = stream_plan(view)
    if plan is None:
        count = export_csv(view, path)
        say(f"Exported {count:,} rows to {path}", 8000)
        return None
    export = StreamedExport(plan, path, parent)
    total = len(plan.order)
    export.progress.connect(lambda done, _: say(f"Exporting {noun}: {done:,} of {total:,} rows written…", 0))
    export.finished.connect(lambda count: say(f"Exported {count:,} rows to {path}", 8000))
    export.failed.connect(lambda message: say(message, 15000))
    say(f"Exporting {total:,} {noun} to {path}…", 0)
    export.start()
    return export


def _visible_columns(view: RecordTableView) -> list[int]:
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    return [c for c in columns if not view.isColumnHidden(c)]


class ExportDialog:
    @classmethod
    def ask_path(cls, parent: QWidget | None, suggested: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export to CSV", suggested, "CSV files (*.csv)")
        return Path(chosen) if chosen else None
