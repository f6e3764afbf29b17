"""Importing records from a spreadsheet (no Qt): read the file, preview it against the cache, queue the changes."""

from desktop_app.imports.files import Sheet, read_csv_text, read_sheet
from desktop_app.imports.preview import Change, Preview, RowError, build_preview
from desktop_app.imports.queue import batch_edits, queue_preview, queue_preview_batch

__all__ = [
    "Change",
    "Preview",
    "RowError",
    "Sheet",
    "batch_edits",
    "build_preview",
    "queue_preview",
    "queue_preview_batch",
    "read_csv_text",
    "read_sheet",
]
