"""Setting reorder points and target levels: a metadata edit through the one edit path.

A threshold lives in ``metadata`` beside keys other people and tools keep there, and Commerce Layer replaces the
whole object on a PATCH; so each edit sends the record's metadata as the cache shows it now with only the
threshold changed. One change of many rows is one user action (all queued, or none), undone as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from desktop_app.inventory.thresholds import REORDER_POINT, TARGET_LEVEL, with_threshold
from desktop_app.schema import app_type, get_resource
from desktop_app.store import CachedRecord, OutboxEntry, UnknownRecordError

if TYPE_CHECKING:
    from desktop_app.sync import Editor


class RecordReader(Protocol):
    """Where the records are read from: the cache's records part (the Editor's, or the window's read-only view)."""

    def get(self, type_: str, record_id: str) -> CachedRecord | None: ...


def threshold_changes(
    records: RecordReader, type_: str, ids: Sequence[str], name: str, value: int | None
) -> list[tuple[str, str, dict[str, Any]]]:
    """The metadata updates that set ``name`` to ``value`` on ``ids`` (records already there are left out)."""
    resource = get_resource(type_)
    if not app_type(resource.type).thresholds:  # a stock item's own, or a SKU's default for its stock items
        raise KeyError(f"thresholds are kept on stock items and SKUs, not on {resource.plural_label}")
    if name not in (REORDER_POINT, TARGET_LEVEL):
        raise KeyError(f"not a threshold: {name!r}")
    changes: list[tuple[str, str, dict[str, Any]]] = []
    for record_id in dict.fromkeys(ids):
        record = records.get(resource.type, record_id)
        if record is None:
            raise UnknownRecordError(resource.type, record_id)
        metadata = record.attributes.get("metadata")
        current = metadata if isinstance(metadata, dict) else {}
        updated = with_threshold(current, name, value)
        if updated != current:
            changes.append((resource.type, record_id, {"metadata": updated}))
    return changes


def set_threshold(
    editor: Editor,
    type_: str,
    ids: Sequence[str],
    name: str,
    value: int | None,
    *,
    label: str | None = None,
) -> list[OutboxEntry]:
    """Queue the change on every record of ``ids`` as one action; returns the entries (none when nothing changes).
    Sending is the caller's (``editor.push()``, or the window's session)."""
    changes = threshold_changes(editor.records, type_, ids, name, value)
    if not changes:
        return []
    what = name.replace("_", " ")
    label = label or (f"Set {what} to {value:,}" if value is not None else f"Clear {what}")
    return editor.update_many(changes, label=label)
