"""Turning a preview into queued edits on the one edit path: one outbox entry per changed record, nothing else.

The updates go in one transaction (all queued or none), each create in its own (the editor gives it a temporary
id); then the caller pushes. Unchanged rows were never in the preview's changes, so a second import of the same
file queues nothing.
"""

from __future__ import annotations

from typing import Any

from desktop_app.imports.preview import Change, Preview
from desktop_app.schema import app_type
from desktop_app.store import OutboxEntry
from desktop_app.sync import Editor


def queue_preview(editor: Editor, preview: Preview, label: str) -> list[tuple[Change, OutboxEntry]]:
    """Queue every change of ``preview`` under ``label`` (the pending-changes panel shows it); returns each change
    with its outbox entry, so an answer from the server can be named by the row it came from."""
    updates = preview.updates
    queued: list[tuple[Change, OutboxEntry]] = []
    if updates:
        entries = editor.update_many(
            [(preview.type, str(c.record_id), _sent(preview.type, c.attributes)) for c in updates], label=label
        )
        queued.extend(zip(updates, entries, strict=True))
    for change in preview.creates:
        entry = editor.create(preview.type, change.attributes, dict(change.relationships), label=label)
        queued.append((change, entry))
    return queued


def _sent(type_: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """An update as it goes: with the type's validating trigger beside a quantity, so the server refuses one below
    what is already promised to placed orders instead of leaving them short (as the window's ordinary edit does)."""
    rule = app_type(type_).below_total
    if rule is None or rule.attribute not in attributes:
        return attributes
    return {**attributes, rule.trigger: True}
