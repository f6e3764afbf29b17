"""A batch's cache work on a connection of the calling thread's own: what the window runs in its worker thread.

Checking and queueing 3,334 changes, cancelling or undoing that many, is a second of SQLite work; the window hands it
to a worker thread, which opens the cache file again (:mod:`desktop_app.store.side`) and goes through the same
:class:`~desktop_app.sync.Editor` as everything else, in the same single transaction, so a batch is as whole (or as
absent) after a kill as on the window's own connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_app.store.side import side_cache
from desktop_app.sync.batches import BatchEdit
from desktop_app.sync.editor import Editor


def queue_batch_at(cache_file: Path, name: str, edits: Sequence[BatchEdit] | Callable[[], Sequence[BatchEdit]]) -> str:
    """Check and queue a batch over a connection of the calling thread's own (a worker's: see
    :mod:`desktop_app.store.side`), in one transaction; the batch's id. ``edits`` may be a function making them, so a
    preview's thousands of changes are made in the worker too. A process killed meanwhile leaves the batch whole or
    absent: SQLite rolls back a transaction that did not commit."""
    chosen = edits() if callable(edits) else edits
    with side_cache(cache_file) as side:
        return Editor(side).queue_batch(name, chosen).id


def cancel_batch_at(cache_file: Path, batch_id: str) -> None:
    """:meth:`BatchQueue.cancel` over a connection of the calling thread's own (a batch of thousands unsent)."""
    with side_cache(cache_file) as side:
        Editor(side).cancel_batch(batch_id)


def undo_batch_at(cache_file: Path, batch_id: str) -> str:
    """:meth:`BatchQueue.undo` over a connection of the calling thread's own; the compensating batch's id."""
    with side_cache(cache_file) as side:
        return Editor(side).undo_batch(batch_id).id
