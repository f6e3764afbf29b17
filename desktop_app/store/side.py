"""A second connection to an open cache file, for a worker thread that writes while the window keeps reading.

Queueing a batch of thousands of changes is seconds of SQLite work; on the window's connection it would freeze the
window. A worker thread opens the same file again (WAL: the window goes on reading the last committed state, and
sees the batch whole once it commits) and writes through the same parts as the window's :class:`Cache`, so the
batch takes the one edit path and is one transaction there too. The file is already open and checked by the
window, so none of the opening's checks, migrations or state file are repeated here.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from desktop_app.store.cache import Cache

#: Page cache of the worker's connection, in KiB: a batch rewrites records scattered over the whole file, and with
#: SQLite's default of 2 MB each of them read its pages from the file again (3,334 updates: 1.4 s against 0.4 s).
SIDE_CACHE_KIB = 65_536


@contextlib.contextmanager
def side_cache(path: Path | str) -> Iterator[Cache]:
    """The cache at ``path`` over a connection of this thread's own, closed when the block ends."""
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    try:
        connection.execute("PRAGMA busy_timeout = 30000")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(f"PRAGMA cache_size = -{SIDE_CACHE_KIB}")
        yield Cache(connection, Path(path), None)
    finally:
        connection.close()


@cache
def writer() -> ThreadPoolExecutor:
    """The one thread that writes a cache's large changes on connections of its own (a batch queued, cancelled or
    undone; a bulk import's confirms), started by the first: they run one after another, never waiting for each
    other's transactions, and the event loop's thread only waits for their futures."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="stockroom-writer")
