"""The workspace's door for batches: many edits as one action (a count, an import, a bulk edit), cancelled or undone
as one.

A batch of thousands of changes is seconds of SQLite work (each record rewritten with its indexes). On the window's
thread that froze the window, so :meth:`BatchDoor.apply_batch` queues it in a worker thread over a connection of
its own (:func:`desktop_app.store.side.side_cache`), through the same :class:`~desktop_app.sync.Editor` and in
the same single transaction as a small batch: a kill mid-apply leaves the batch whole or not at all. The window
reads the committed batch afterwards, and tells the tables to reload the type rather than thousands of rows one by
one. Cancelling a batch whose edits went in a bulk import asks the job to stop (``_interrupt``); the push waiting
for it then confirms what it applied and drops the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.errors import StockroomError
from desktop_app.schema import FieldError
from desktop_app.ui.outcome import Outcome, Status, refusal

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtCore import SignalInstance

    from desktop_app.api import CommerceLayerClient
    from desktop_app.counts import Choice, Review
    from desktop_app.store import Batch, BatchLine, Cache
    from desktop_app.store.counts import CountStore
    from desktop_app.sync import BatchEdit, Editor, PushResult
    from desktop_app.sync.batch_worker import Told
    from desktop_app.ui.tasks import TaskSet

log = logging.getLogger(__name__)

#: Edits given as a list, or a function that makes them (run in the worker thread too: a preview's 10,000 rows).
Edits = Sequence["BatchEdit"] | Callable[[], Sequence["BatchEdit"]]


def _pool() -> ThreadPoolExecutor:
    """The cache's writer thread (:func:`desktop_app.store.side.writer`): batches queue one after another, and
    after a bulk import's confirms."""
    from desktop_app.store.side import writer

    return writer()


class BatchDoor:
    """The batch methods of :class:`~desktop_app.ui.workspace.Workspace` (mixed into it: one door for edits)."""

    if TYPE_CHECKING:  # what the workspace provides
        _cache: Cache
        cache_file: Path
        tasks: TaskSet
        closed: bool
        outbox_changed: SignalInstance

        @property
        def _edit_path(self) -> Editor: ...

        @property
        def offline(self) -> bool: ...

        @property
        def forced_offline(self) -> bool: ...

        def make_client(self) -> CommerceLayerClient: ...

        async def ready_client(self) -> CommerceLayerClient: ...

        async def push(self) -> PushResult | None: ...

        def _refused(self, outcome: Outcome) -> Outcome: ...

        def _notify(self, touched: Mapping[str, Sequence[str]]) -> None: ...

    def submit_batch(self, name: str, edits: Sequence[BatchEdit]) -> Outcome:
        """Queue ``edits`` as one named batch (all or none; a bad field refuses it, named) and start sending it.
        On the window's thread: for batches of a few hundred edits at most (an undo step needs the batch at once);
        :meth:`apply_batch` takes any size without stopping the window."""
        try:
            batch = self._edit_path.queue_batch(name, edits)
        except (FieldError, StockroomError) as exc:
            return self._refused(refusal(edits[0].type if edits else "", "", exc))
        return self._batch_queued(batch.id)

    async def apply_batch(self, name: str, edits: Edits) -> Outcome:
        """:meth:`submit_batch` with the checks and the writes in a worker thread: the window goes on while a
        batch of thousands is queued, and the outcome comes back on the window's thread once it is committed."""
        import asyncio

        from desktop_app.sync.batch_worker import queue_batch_at  # the core's batch queue: when a batch is applied

        loop = asyncio.get_running_loop()
        try:
            batch_id = await loop.run_in_executor(_pool(), queue_batch_at, self.cache_file, name, edits)
        except (FieldError, StockroomError) as exc:
            return self._refused(refusal("", "", exc))
        if self.closed:
            return Outcome(Status.QUEUED, "", batch_id=batch_id)
        return self._batch_queued(batch_id, told=await self._told(batch_id))

    def cancel_batch(self, batch_id: str) -> Outcome:
        """Drop what of a batch is not sent yet (the records show the server's values again); what went in a bulk
        import that is still running is cancelled too: the job is asked to stop and what it applied stays sent."""
        try:
            self._edit_path.cancel_batch(batch_id)
        except StockroomError as exc:
            return self._refused(refusal("", "", exc))
        self._interrupt_imports(batch_id)
        return self._batch_queued(batch_id, Status.DISCARDED, send=False)

    async def cancel_batch_later(self, batch_id: str) -> Outcome:
        """:meth:`cancel_batch` with the writes in the worker thread (a batch of thousands of unsent edits)."""
        import asyncio

        from desktop_app.sync.batch_worker import cancel_batch_at  # as in apply_batch

        try:
            await asyncio.get_running_loop().run_in_executor(_pool(), cancel_batch_at, self.cache_file, batch_id)
        except StockroomError as exc:
            return self._refused(refusal("", "", exc))
        self._interrupt_imports(batch_id)
        return self._batch_queued(batch_id, Status.DISCARDED, send=False, told=await self._told(batch_id))

    def _interrupt_imports(self, batch_id: str) -> asyncio.Task[None] | None:
        references = self._cache.batches.import_references(batch_id)
        if not references or self.forced_offline:
            return None  # offline, the next push finds the job and settles it; its cancelled edits are dropped then
        return self.tasks.spawn(self._interrupt(references), name="interrupt import")

    async def _interrupt(self, references: list[str]) -> None:
        from desktop_app.api import ApiError, NetworkError
        from desktop_app.sync.bulk import interrupt

        try:
            for problem in await interrupt(await self.ready_client(), references):
                log.info("cancel: %s", problem)
        except (NetworkError, ApiError) as exc:
            log.info("cancel: could not interrupt the import (%s); the push settles it", exc)

    def undo_batch(self, batch_id: str) -> Outcome:
        """Cancel what is not sent and send compensating edits for what was, as a new batch (the outcome's
        ``batch_id``); its :class:`Batch` ``notes`` say what could not be undone."""
        try:
            undo = self._edit_path.undo_batch(batch_id)
        except (FieldError, StockroomError) as exc:
            self._notify(self._batch_records(batch_id))
            return self._refused(refusal("", "", exc))
        self._notify(self._batch_records(batch_id))
        return self._batch_queued(undo.id)

    async def undo_batch_later(self, batch_id: str) -> Outcome:
        """:meth:`undo_batch` with the reads and writes in the worker thread: thousands of compensating edits."""
        import asyncio

        from desktop_app.sync.batch_worker import undo_batch_at  # as in apply_batch

        try:
            undo_id = await asyncio.get_running_loop().run_in_executor(
                _pool(), undo_batch_at, self.cache_file, batch_id
            )
        except (FieldError, StockroomError) as exc:
            self._notify(self._batch_records(batch_id))
            return self._refused(refusal("", "", exc))
        if self.closed:
            return Outcome(Status.QUEUED, "", batch_id=undo_id)
        self._notify((await self._told(batch_id)).records)
        return self._batch_queued(undo_id, told=await self._told(undo_id))

    def batches(self) -> list[Batch]:
        """Every batch kept in the cache, newest first, with its progress."""
        return self._cache.batches.batches()

    def batch_lines(self, batch_id: str) -> list[BatchLine]:
        return self._cache.batches.lines(batch_id)

    def time_left(self, batch: Batch) -> str:
        """How long what is left of ``batch`` takes at the least, paced by the rate limits ("about 2 minutes
        left"); "" when nothing is left, or when the window works offline."""
        if not batch.waiting or self.offline:
            return ""
        from desktop_app.api import NetworkError  # the HTTP stack: after the first frame
        from desktop_app.schema import duration_words

        types = self._cache.batches.waiting_types(batch.id)
        try:
            limiter = self.make_client().rate_limiter
        except NetworkError:
            return ""
        seconds = limiter.seconds_for("PATCH", types[0], batch.waiting) if types else 0.0
        return "less than a second left" if seconds < 1 else f"about {duration_words(seconds)} left"

    def _batch_records(self, batch_id: str) -> dict[str, list[str]]:
        touched: dict[str, list[str]] = {}
        for type_, record_id in self._cache.batches.records_of(batch_id):
            touched.setdefault(type_, []).append(record_id)
        return touched

    async def _told(self, batch_id: str) -> Told:
        """The batch's records and queued entries, read by the writer thread (a batch of thousands)."""
        import asyncio

        from desktop_app.sync.batch_worker import told_at  # as in apply_batch

        return await asyncio.get_running_loop().run_in_executor(_pool(), told_at, self.cache_file, batch_id)

    def _batch_queued(
        self, batch_id: str, status: Status = Status.QUEUED, *, send: bool = True, told: Told | None = None
    ) -> Outcome:
        touched = told.records if told is not None else self._batch_records(batch_id)
        type_ = next(iter(touched)) if len(touched) == 1 else ""
        entries = told.entries if told is not None else tuple(self._cache.batches.entry_ids(batch_id))
        if status is Status.QUEUED and self.offline:
            status = Status.OFFLINE
        self._notify(touched)
        if send and not self.forced_offline:
            self.tasks.spawn(self.push(), name="push")
        return Outcome(status, type_, "", entries, batch_id=batch_id)

    @property
    def counts(self) -> CountStore:
        """The stock counts kept in the cache: local work, saved line by line and never sent as such; what a count
        changes reaches the server only through :meth:`apply_count`."""
        return self._cache.counts

    def apply_count(self, review: Review, choices: Mapping[str, Choice] | None = None) -> Outcome:
        """A reviewed count's differences, queued as one batch named after the count (and the count closed, in the
        same transaction), then sent in the background. ``SENT`` with no entries: nothing differed."""
        from desktop_app.counts import apply_count  # the count's core: only when a count is applied

        try:
            applied = apply_count(self._cache, self._edit_path, review, choices)
        except (FieldError, StockroomError) as exc:
            return self._refused(refusal("stock_items", "", exc))
        if applied.batch is None:
            return Outcome(Status.SENT, "stock_items")
        return self._batch_queued(applied.batch.id)

    async def apply_count_later(self, review: Review, choices: Mapping[str, Choice] | None = None) -> Outcome:
        """:meth:`apply_count` with the checks and writes in the worker thread (a count of a whole location)."""
        import asyncio

        from desktop_app.counts.apply import apply_count_at  # as in apply_count

        loop = asyncio.get_running_loop()
        try:
            batch_id, _ = await loop.run_in_executor(_pool(), apply_count_at, self.cache_file, review, choices)
        except (FieldError, StockroomError) as exc:
            return self._refused(refusal("stock_items", "", exc))
        if batch_id is None:
            return Outcome(Status.SENT, "stock_items")
        if self.closed:
            return Outcome(Status.QUEUED, "stock_items", batch_id=batch_id)
        return self._batch_queued(batch_id, told=await self._told(batch_id))
