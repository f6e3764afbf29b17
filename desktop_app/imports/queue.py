"""Turning a preview into one batch on the one edit path: one queued edit per changed record, nothing else.

The whole file goes in as one batch named after it ("Import of supplier.xlsx"): every change is checked first and
all are queued in one transaction (all or none), so the pending-changes panel shows the import's progress and its
refusals by record, and the manager can cancel what is not sent or undo it as one. Unchanged rows were never in the
preview's changes, so a second import of the same file queues nothing.
"""

from __future__ import annotations

from typing import Any

from desktop_app.imports.preview import Change, Preview
from desktop_app.schema import app_type
from desktop_app.store import OutboxEntry
from desktop_app.sync import Batch, BatchEdit, Editor


def batch_edits(preview: Preview) -> list[BatchEdit]:
    """The preview's changes as batch edits, in the file's order, each named as the preview names its record."""
    edits = []
    for change in sorted(preview.changes, key=lambda c: c.line):
        if change.is_create:
            edits.append(
                BatchEdit("create", preview.type, None, change.attributes, dict(change.relationships), change.label)
            )
        else:
            attributes = _sent(preview.type, change.attributes)
            edits.append(BatchEdit("update", preview.type, change.record_id, attributes, line_label=change.label))
    return edits


def queue_preview(editor: Editor, preview: Preview, label: str) -> list[tuple[Change, OutboxEntry]]:
    """Queue every change of ``preview`` as one batch named ``label``; returns each change with its outbox entry,
    so an answer from the server can be named by the row it came from."""
    _, queued = queue_preview_batch(editor, preview, label)
    return queued


def queue_preview_batch(editor: Editor, preview: Preview, label: str) -> tuple[Batch, list[tuple[Change, OutboxEntry]]]:
    """:func:`queue_preview`, with the batch itself."""
    changes = sorted(preview.changes, key=lambda c: c.line)
    batch = editor.queue_batch(label, batch_edits(preview))
    queued = []
    for change, line in zip(changes, editor.batches.lines(batch.id), strict=True):
        entry = editor.outbox.entry(line.entry_id)
        if entry is not None:
            queued.append((change, entry))
    return batch, queued


def _sent(type_: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """An update as it goes: with the type's validating trigger beside a quantity, so the server refuses one below
    what is already promised to placed orders instead of leaving them short (as the window's ordinary edit does)."""
    rule = app_type(type_).below_total
    if rule is None or rule.attribute not in attributes:
        return attributes
    return {**attributes, rule.trigger: True}
