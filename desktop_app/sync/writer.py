"""Writing pages to the cache on a worker thread while the next pages download.

SQLite releases the GIL while it inserts, so a full sync's writes overlap the network instead of adding to it.
Pages that arrive while a write is running are written together in the next transaction; one thread, one writer,
so pages are committed in the order they came. Each transaction is complete or absent: a sync cancelled (or a
process killed) mid-write leaves the cache as it was before or after that write.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from desktop_app.store import Cache, ServerRecord
from desktop_app.store.cache import encode_rows

#: Pages allowed to wait for the writer before the listing waits too (bounds memory on a slow disk).
MAX_WAITING = 16


class PageWriter:
    def __init__(self, cache: Cache, generation: int | None, on_written: Callable[[int], None]) -> None:
        self.cache = cache
        self.generation = generation
        self.on_written = on_written
        self._waiting: list[tuple[Sequence[ServerRecord], str]] = []
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stockroom-cache-writer")

    async def put(self, records: Sequence[ServerRecord]) -> None:
        # Encoded here, on the event loop's thread: the writer thread then runs SQLite only, which releases the
        # interpreter lock, instead of contending for it with the HTTP code.
        self._waiting.append((records, encode_rows(records)))
        if self._task is not None and self._task.done():
            self._task.result()  # a failed write stops the sync here
            self._task = None
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        if len(self._waiting) > MAX_WAITING:
            await asyncio.shield(self._task)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch, self._waiting = self._waiting, []
            pages = [records for records, _ in batch]
            texts = [text for _, text in batch]
            job = functools.partial(self.cache.store_pages, pages, self.generation, encoded=texts)
            written = await loop.run_in_executor(self._executor, job)
            self.on_written(written)

    async def flush(self) -> None:
        """Wait until everything put so far is committed (raises what a write raised)."""
        while self._task is not None:
            task = self._task
            await task
            if self._task is task:
                self._task = None

    def close(self) -> None:
        """Stop taking pages; a write already running finishes its transaction on the worker thread."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._executor.shutdown(wait=False)
