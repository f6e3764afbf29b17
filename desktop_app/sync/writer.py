"""Writing list documents to the cache on a worker thread while the next pages download.

SQLite releases the GIL while it reads the documents and inserts (the pages reach it as the JSON text the server
sent, so the writer thread runs no Python per record), and a full sync's writes overlap the network instead of
adding to it (10,000 stock items on two cores shared with the server: 0.46 s with this thread, 0.56 s writing on
the event loop's thread). Pages are written :data:`BATCH_PAGES` to a transaction, up to :data:`CATCH_UP` batches
when they arrive while a write is running; one thread, one writer, so pages are committed in the order they came.
Each transaction is complete or absent: a sync cancelled (or a process killed) mid-write leaves the cache as it was
before or after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

#: Pages written per transaction at most: each commit costs far more than a row (the WAL frames of every index
#: page it touched: with ids in random order, nearly every leaf of the key index once the table is large), and a
#: sync cut short simply fetches the uncommitted pages again. 128 pages (3,200 stock items) hold the write lock
#: for a fraction of a second; 32 made a full sync of 300,000 items write its key index over twice as often.
BATCH_PAGES = 128
#: ...but a listing is written in at least this many transactions, so progress moves page by page on small ones.
PROGRESS_STEPS = 10
#: ...and at most this many batches go into one transaction when pages pile up behind a write, so a listing that
#: arrives faster than it is written still reports its progress in steps.
CATCH_UP = 2
#: Pages allowed to wait for the writer before the listing waits too (bounds memory on a slow disk: about 35 kB a
#: page of stock items, so 9 MB).
MAX_WAITING = 2 * BATCH_PAGES

#: Writes a batch of documents in one transaction and returns how many records it held.
Store = Callable[[Sequence[str]], int]


class PageWriter:
    def __init__(self, store: Store, on_written: Callable[[int], None]) -> None:
        self.store = store
        self.on_written = on_written
        self._waiting: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stockroom-cache-writer")
        self.batch = BATCH_PAGES

    def expect(self, page_count: int) -> None:
        """Size the transactions for a listing of ``page_count`` pages (see :data:`PROGRESS_STEPS`)."""
        self.batch = max(1, min(BATCH_PAGES, page_count // PROGRESS_STEPS))

    async def put(self, text: str) -> None:
        self._waiting.append(text)
        if self._task is not None and self._task.done():
            self._task.result()  # a failed write stops the sync here
            self._task = None
        if self._task is None and len(self._waiting) >= self.batch:
            self._task = asyncio.get_running_loop().create_task(self._drain(self.batch))
        if self._task is not None and len(self._waiting) > MAX_WAITING:
            await asyncio.shield(self._task)

    async def _drain(self, least: int) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting and len(self._waiting) >= least:
            most = CATCH_UP * self.batch
            batch, self._waiting = self._waiting[:most], self._waiting[most:]
            self.on_written(await loop.run_in_executor(self._executor, self.store, batch))

    async def flush(self) -> None:
        """Wait until everything put so far is committed (raises what a write raised)."""
        while self._task is not None or self._waiting:
            if self._task is None:
                self._task = asyncio.get_running_loop().create_task(self._drain(1))
            task = self._task
            await task
            if self._task is task:
                self._task = None

    def close(self) -> None:
        """Stop taking pages; a write already running finishes its transaction on the worker thread."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._executor.shutdown(wait=False)
