"""A batch's cache work on a connection of the calling thread's own: what the window runs in its worker thread.

Checking and queueing 3,334 changes, cancelling or undoing that many, is a second of SQLite work; the window hands it
to a worker thread, which opens the cache file again (:mod:`desktop_app.store.side`) and goes through the same
:class:`~desktop_app.sync.Editor` as everything else, in the same single transaction, so a batch is as whole (or as
absent) after a kill as on the window's own connection. Python's cyclic collector is paused meanwhile: a full
collection set off by the batch's thousands of objects held the interpreter lock, the window's loop's too, for 40-80
ms.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from desktop_app.collector import collector_paused
from desktop_app.store import Cache, CacheBusy, OutboxEntry
from desktop_app.store.side import side_cache, writer
from desktop_app.sync.batches import BatchEdit
from desktop_app.sync.editor import Editor


def queue_batch_at(cache_file: Path, name: str, edits: Sequence[BatchEdit] | Callable[[], Sequence[BatchEdit]]) -> str:
    """Check and queue a batch over a connection of the calling thread's own (a worker's: see
    :mod:`desktop_app.store.side`), in one transaction; the batch's id. ``edits`` may be a function making them, so a
    preview's thousands of changes are made in the worker too. A process killed meanwhile leaves the batch whole or
    absent: SQLite rolls back a transaction that did not commit."""
    with collector_paused(), side_cache(cache_file) as side:  # thousands of edits, no cycles: see collector
        chosen = edits() if callable(edits) else edits
        return Editor(side).queue_batch(name, chosen).id


@dataclass(frozen=True)
class Told:
    """What the window tells its views of a batch the writer thread wrote: the records of its lines by type and its
    entries still queued, in order, read on the writer's connection (thousands of ids: 20-30 ms of reading that held
    the window's loop)."""

    batch_id: str
    records: dict[str, list[str]]
    entries: tuple[str, ...]


def told_at(cache_file: Path, batch_id: str) -> Told:
    """:class:`Told` of ``batch_id``, over a connection of the calling thread's own."""
    with side_cache(cache_file) as side:
        records: dict[str, list[str]] = {}
        for type_, record_id in side.batches.records_of(batch_id):
            records.setdefault(type_, []).append(record_id)
        return Told(batch_id, records, tuple(side.batches.entry_ids(batch_id)))


def cancel_batch_at(cache_file: Path, batch_id: str) -> None:
    """:meth:`BatchQueue.cancel` over a connection of the calling thread's own (a batch of thousands unsent)."""
    with collector_paused(), side_cache(cache_file) as side:
        Editor(side).cancel_batch(batch_id)


def undo_batch_at(cache_file: Path, batch_id: str) -> str:
    """:meth:`BatchQueue.undo` over a connection of the calling thread's own; the compensating batch's id."""
    with collector_paused(), side_cache(cache_file) as side:
        return Editor(side).undo_batch(batch_id).id


T = TypeVar("T")

#: One edit through the Editor's typed methods, given the outbox entry's id to use (``None``: a new one); the entry,
#: or ``None`` for a record created here that a delete made disappear.
Write = Callable[[Editor, str | None], OutboxEntry | None]


@dataclass(frozen=True)
class HandedOver:
    """An edit the writer thread writes, under ``entry_id``: ``job`` ends with its entry, or its refusal."""

    entry_id: str
    job: Future[OutboxEntry | None]


def edit_at(cache_file: Path, write: Callable[[Editor], T]) -> T:
    """One edit through :class:`Editor` (its typed methods, cache and outbox in one transaction) over a connection of
    the calling thread's own: the writer thread's."""
    with side_cache(cache_file) as side:
        return write(Editor(side))


def edit_without_waiting(cache: Cache, editor: Editor, write: Write) -> OutboxEntry | HandedOver | None:
    """Write one edit now through ``editor`` (over ``cache``'s connection: the event loop's), or, when another
    connection holds the write lock (the writer thread queueing a batch of thousands, for a second or more), hand it
    to the writer thread, queued behind that work, under an entry id chosen here, instead of waiting for the lock.
    Written once either way: the try that met the lock wrote nothing. Refusals of the checks made now are raised
    here; those the writer thread meets (the record deleted meanwhile) end ``job``."""
    try:
        with cache.database.not_waiting():
            return write(editor, None)
    except CacheBusy:
        entry_id = str(uuid.uuid4())
        return HandedOver(entry_id, writer().submit(edit_at, cache.path, lambda side: write(side, entry_id)))
