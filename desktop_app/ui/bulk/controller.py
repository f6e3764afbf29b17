"""File ▸ Import… and Edit ▸ Change rows…: ask what to change, preview it off the window's thread, apply one batch.

A preview reads the file and compares it with the cache (10,000 rows against 100,000 records), or reads every row a
table shows: work of a second that must not freeze the window. It runs in a worker thread on its own read-only
connection to the cache file and hands back plain data (the preview and its table rows); the dialogs open on the
window's thread afterwards, outside the task (a modal loop inside a task would stall the others).
"""

from __future__ import annotations

import gc
import logging
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.errors import StockroomError
from desktop_app.schema import app_type, get_resource

if TYPE_CHECKING:
    from desktop_app.imports import Preview
    from desktop_app.imports.bulk import BulkChange
    from desktop_app.ui.models.preview_table import Row
    from desktop_app.ui.views.resource_tab import ResourceTab
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)

#: What a preview job hands back: the preview and the rows of its table.
Computed = tuple["Preview", list["Row"]]


@cache
def _pool() -> ThreadPoolExecutor:
    """One thread for previews, started by the first one."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="stockroom-preview")


def _collector_paused(job: Callable[[], Computed]) -> Callable[[], Computed]:
    """``job`` with Python's cyclic collector kept off what it builds.

    A preview of 100,000 records is half a million small objects. Built with the collector on, they set off full
    collections; handed back with it on, the first collection walks them all: either way 100-200 ms holding the
    interpreter lock, which is the window's lock too. So the job runs with the collector paused, and what exists at
    its end is frozen (left out of every collection) until :func:`_release` has freed the preview. Its objects hold
    no cycles: reference counting frees them."""

    def run() -> Computed:
        from desktop_app.collector import collector_paused  # one pause for the process: a push may hold one too

        with collector_paused():
            computed = job()
            gc.freeze()
            return computed

    return run


def _release(computed: Computed) -> None:
    """Free a preview on the window's thread, a slice per turn of its loop, then let the collector see the rest of
    the process again.

    Freeing 100,000 changes at once would hold the interpreter lock for a tenth of a second. Freed in a worker
    thread, a slice at a time, it competed for that lock with the window's repaint that follows the preview
    dialog's closing (the table's ~1,300 ``data`` calls each wait for it): 25-45 ms repaints became 45-60 ms. Here
    each slice is a millisecond between two turns of the loop, and a repaint never waits for one."""
    preview, rows = computed
    parts: list[list[Any]] = [preview.changes, preview.errors, rows]

    def free_a_slice() -> None:
        for part in parts:
            if part:
                del part[-1000:]
                QTimer.singleShot(0, free_a_slice)
                return
        gc.unfreeze()

    free_a_slice()


def import_job(cache_file: Path, path: Path, type_: str) -> Computed:
    """Read ``path`` and compare it with the cache (runs in the worker thread: plain data in, plain data out)."""
    from desktop_app.imports import build_preview, read_sheet
    from desktop_app.store.reader import reading
    from desktop_app.ui.models.preview_table import preview_rows

    sheet = read_sheet(path)
    with reading(cache_file) as reader:
        resource = get_resource(type_)
        for rel in app_type(type_).import_key:
            target = resource.relationships[rel].target
            if reader.records.count(target) == 0:
                label = get_resource(target).plural_label.lower()
                raise StockroomError(f"The cache holds no {label} yet: refresh (F5) first, so rows can name them.")
        preview = build_preview(reader.records, type_, sheet)
    return preview, preview_rows(preview)


def bulk_job(cache_file: Path, type_: str, change: BulkChange, ids: Sequence[str], rowids: Sequence[int]) -> Computed:
    """Read the chosen rows' values and name them (runs in the worker thread)."""
    from desktop_app.imports.bulk import build_bulk_preview
    from desktop_app.store.reader import reading
    from desktop_app.ui.models.preview_table import preview_rows

    with reading(cache_file) as reader:
        preview = build_bulk_preview(reader, type_, change, ids=ids, rowids=rowids)
    return preview, preview_rows(preview)


class BulkController(QObject):
    """Signals: ``message(text)`` for the status bar; ``busy(bool)`` while a preview is computed."""

    message = Signal(str)
    busy = Signal(bool)

    def __init__(self, window: QWidget, workspace: Workspace) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.computing = False
        #: A previewed batch is being queued (in the workspace's worker thread).
        self.applying = False
        self.folder = ""

    # -- File ▸ Import… -----------------------------------------------------------------------------------------
    def import_file(self, chosen_type: str | None = None) -> None:
        from desktop_app.ui.dialogs.import_file import ImportFileDialog  # dialogs load when first opened

        if self.computing or self.applying:
            return
        answer = ImportFileDialog.ask(self.window, chosen_type, self.folder)
        if answer is None:
            return
        path, type_ = answer
        self.folder = str(path.parent)
        title = f"Import of {path.name}"
        heading = f"{get_resource(type_).plural_label} from {path.name}"
        self._start(
            lambda: import_job(self.workspace.cache_file, path, type_),
            f"Reading {path.name}…",
            lambda computed: self._review(title, f"{heading}: {computed[0].rows:,} rows", computed, by_line=True),
        )

    # -- Edit ▸ Change rows… ------------------------------------------------------------------------------------
    def change_rows(self, tab: ResourceTab | None) -> None:
        from desktop_app.imports.bulk import bulk_fields
        from desktop_app.ui.dialogs.bulk_edit import BulkEditDialog  # as in import_file

        if self.computing or self.applying or tab is None:
            return
        fields = bulk_fields(tab.type)
        if not fields:
            self.message.emit(f"{tab.resource.plural_label} have no field to change on many rows at once")
            return
        ranges = tab.table.selected_ranges()
        selected = sum(last - first + 1 for first, last in ranges)
        answer = BulkEditDialog.ask(self.window, fields, tab.noun, selected, tab.proxy.rowCount())
        if answer is None:
            return
        change, all_shown = answer
        ids, rowids = self._chosen(tab, None if all_shown else ranges)
        type_ = tab.type
        plural = tab.resource.plural_label

        def review(computed: Computed) -> None:
            count = len(computed[0].changes)
            title = change.batch_name(count or computed[0].rows, plural)
            self._review(title, title, computed, by_line=False)

        what = f"{len(ids) + len(rowids):,} {tab.noun}"
        self._start(lambda: bulk_job(self.workspace.cache_file, type_, change, ids, rowids), f"Reading {what}…", review)

    def _chosen(self, tab: ResourceTab, ranges: list[tuple[int, int]] | None) -> tuple[list[str], array[int]]:
        """The rows to change: the cache's row ids (a copy of the shown order's slices: no per-row work here), or
        record ids for a table paged from the server."""
        model = tab.model
        if model.cached:
            return [], model.rowids(ranges)
        rows = range(model.rowCount()) if ranges is None else [r for a, b in ranges for r in range(a, b + 1)]
        return [model.id_at(row) for row in rows], array("q")

    # -- both ---------------------------------------------------------------------------------------------------
    def _start(self, job: Callable[[], Computed], reading: str, then: Callable[[Computed], None]) -> None:
        self.computing = True
        self.busy.emit(True)
        self.message.emit(reading)
        self.workspace.tasks.spawn(self._compute(job, then), name="preview")

    async def _compute(self, job: Callable[[], Computed], then: Callable[[Computed], None]) -> None:
        import asyncio

        try:
            computed = await asyncio.get_running_loop().run_in_executor(_pool(), _collector_paused(job))
        except StockroomError as error:  # the file cannot be read, or names what the cache lacks
            text = str(error)
            self._done()
            self.message.emit("")
            QTimer.singleShot(0, lambda: self._refused(text))
            return
        except BaseException:
            self._done()
            raise
        self._done()
        self.message.emit("")
        if self.workspace.closed:
            _release(computed)
        else:
            QTimer.singleShot(0, lambda: then(computed))

    def _done(self) -> None:
        self.computing = False
        self.busy.emit(False)

    def _refused(self, text: str) -> None:
        from desktop_app.ui.dialogs.messages import Messages

        # A UsageError reads "file - what is wrong": the person reads what is wrong.
        Messages.error(self.window, "Cannot preview", text.split(" - ", 1)[-1])

    def _review(self, title: str, heading: str, computed: Computed, *, by_line: bool) -> None:
        from desktop_app.ui.dialogs.change_preview import ChangePreviewDialog

        preview, rows = computed
        try:
            accepted = ChangePreviewDialog.ask(self.window, title, heading, preview, rows, by_line=by_line)
        except BaseException:
            _release(computed)
            raise
        if not accepted:
            _release(computed)
            return
        self.applying = True
        self.busy.emit(True)
        self.message.emit(f"{title}: queueing {len(preview.changes):,} changes…")
        self.workspace.tasks.spawn(self._apply(title, computed), name="apply batch")

    async def _apply(self, title: str, computed: Computed) -> None:
        """Queue the preview's changes as one batch in the workspace's worker thread (thousands of records
        rewritten: seconds of SQLite work the window must not wait for), then free the preview."""
        from desktop_app.ui.bulk.apply import apply_preview

        preview = computed[0]
        changes = len(preview.changes)
        try:
            outcome = await apply_preview(self.workspace, title, preview)
        finally:
            self.applying = False
            self.busy.emit(False)
            _release(computed)
        if outcome.stands:
            self.message.emit(f"{title}: {changes:,} changes queued and sending")
        else:
            self.message.emit(f"{title}: nothing was queued ({outcome.message})")
