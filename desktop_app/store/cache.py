"""The local cache of one profile: one SQLite file, and the three parts that read and write it.

Each caller takes the part it works with: the window and the command line read ``records``, the sync engine
writes ``records`` and ``sync_state``, the edit path queues in ``outbox``. The parts share one connection, so an
edit and its outbox entry, or a listing and its high-water mark, still commit together.
"""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.store.core import Database
from desktop_app.store.database import forget_state, mark_closed, open_database
from desktop_app.store.history import HistoryStore
from desktop_app.store.indexes import IndexStore
from desktop_app.store.outbox import Outbox
from desktop_app.store.record_store import RecordStore
from desktop_app.store.sync_state import SyncStateStore

if TYPE_CHECKING:
    from desktop_app.store.batches import BatchStore
    from desktop_app.store.counts import CountStore


class Cache:
    """Owns the connection to one profile's cache file and hands out its parts.

    ``recovery_message`` is set when the previous file was unreadable or from a newer version and was moved aside;
    the command line prints it and the window shows it once.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, recovery_message: str | None) -> None:
        self.database = Database(connection)
        self.path = path
        self.recovery_message = recovery_message
        #: Visible records, their server copies, and the sync's page writes.
        self.records = RecordStore(self.database)
        #: The page cache of large writes, and the indexes a first full sync builds after its rows.
        self.indexes = IndexStore(self.database)
        #: Sync times, high-water marks and the generations of full passes.
        self.sync_state = SyncStateStore(self.database)
        #: Queued edits, their claims and what the server answered.
        self.outbox = Outbox(self.database)
        #: Versions of records fetched on demand, and what the last syncs changed.
        self.history = HistoryStore(self.database)

    @cached_property
    def counts(self) -> CountStore:
        """Stock counts and their lines, saved as they are entered."""
        # Made at first use, its module with it: no first frame reads a count or a batch, and the two modules (six
        # named tuples) were 7 M instructions of the window's start before Qt.
        from desktop_app.store.counts import CountStore

        return CountStore(self.database)

    @cached_property
    def batches(self) -> BatchStore:
        """Named groups of queued edits (a count, an import, a bulk edit) and what became of each line."""
        from desktop_app.store.batches import BatchStore  # at first use, as the counts

        return BatchStore(self.database)

    @classmethod
    def open(cls, path: Path | str) -> Cache:
        path = Path(path)
        connection, message = open_database(path)
        return cls(connection, path, message)

    def close(self) -> None:
        """Close the file; a session that met a damaged page leaves it to be checked whole (and set aside, its
        queued edits recovered) at the next open, instead of recording it as cleanly closed."""
        self.database.close()
        if self.database.damaged:
            forget_state(self.path)
        else:
            mark_closed(self.path)

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
