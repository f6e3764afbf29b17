"""The cache's connection while a full sync writes a large listing: a bigger page cache for the write.

A full sync of a large catalogue inserts into B-trees in random key order (server ids, SKUs, locations); once
those indexes outgrow SQLite's page cache (2 MB by default) every insert reads its leaf back from the file and
every commit writes it again. :data:`SYNC_CACHE_KB` keeps them in memory for the length of the listing, and the
cache shrinks back after it, so the window's process does not keep the memory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from desktop_app.store.core import Database

#: Page cache while a full sync writes (KiB): the key index of a million stock items is about 40 MB, and the
#: sync's memory must stay well under 150 MB.
SYNC_CACHE_KB = 48 * 1024


class IndexStore:
    """How the cache writes a large listing (see the module's notes)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @contextlib.contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """A larger page cache on the connection until the block ends (nested blocks keep the outer setting)."""
        with self._database.reading() as db:
            before = int(db.execute("PRAGMA cache_size").fetchone()[0])
            if before >= 0 or -before >= SYNC_CACHE_KB:
                yield
                return
            db.execute(f"PRAGMA cache_size = {-SYNC_CACHE_KB}")
        try:
            yield
        finally:
            with self._database.reading() as db:
                db.execute(f"PRAGMA cache_size = {before}")
