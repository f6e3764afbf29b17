"""The workspace's single edits, written on the window's connection without ever waiting for the writer thread.

The writer thread (:func:`desktop_app.store.side.writer`) holds the cache's write lock for a second or more while it
queues a batch of thousands; an edit written on the window's connection meanwhile waited for that lock on the event
loop's thread, and the window froze until the batch committed. So the window's edit is tried without waiting
(:func:`desktop_app.sync.batch_worker.edit_without_waiting`): if the lock is taken, nothing was written, and the same
edit goes to the writer thread, queued behind the batch, under an outbox entry id chosen now. The caller gets its
outcome at once (queued, with that id); the tables hear of the record, and the push starts, once it is written; a
refusal found then (the record deleted meanwhile) is reported as any other. The edit is written once: the try that
met the lock wrote nothing, and the writer's write is the only other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.errors import StockroomError
from desktop_app.schema import FieldError
from desktop_app.ui.outcome import Outcome, Status, refusal

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping, Sequence
    from concurrent.futures import Future
    from pathlib import Path

    from desktop_app.store import Cache
    from desktop_app.sync import Editor
    from desktop_app.sync.batch_worker import Write
    from desktop_app.ui.tasks import TaskSet


class Writes:
    """The edit-writing part of :class:`~desktop_app.ui.workspace.Workspace` (mixed into it)."""

    if TYPE_CHECKING:  # what the workspace provides
        _cache: Cache
        cache_file: Path
        tasks: TaskSet
        closed: bool
        _handed: dict[str, asyncio.Future[Outcome]]

        @property
        def _edit_path(self) -> Editor: ...

        def _queued(self, outcome: Outcome, *, ids: Sequence[str] | None = None, send: bool = True) -> Outcome: ...

        def _refused(self, outcome: Outcome) -> Outcome: ...

        def _notify(self, touched: Mapping[str, Sequence[str]]) -> None: ...

    def _write(self, type_: str, record_id: str, write: Write, *, new: bool = False) -> Outcome:
        """Write one edit now on the window's connection, or hand it to the writer thread when that thread holds
        the write lock; the outcome either way (a refusal of the checks made now included). ``new``: a create, whose
        ``record_id`` is its temporary id (a refusal names no record)."""
        import asyncio

        from desktop_app.sync.batch_worker import HandedOver, edit_without_waiting

        try:
            written = edit_without_waiting(self._cache, self._edit_path, write)
        except (FieldError, StockroomError) as exc:
            return self._refused(refusal(type_, "" if new else record_id, exc))
        if isinstance(written, HandedOver):
            outcome = Outcome(Status.QUEUED, type_, record_id, (written.entry_id,))
            self._handed[written.entry_id] = asyncio.get_running_loop().create_future()
            self.tasks.spawn(self._handed_over(outcome, written.job), name="edit written by the writer thread")
            return outcome
        if written is None:  # a record created here and never sent: it just disappears
            return self._queued(Outcome(Status.DISCARDED, type_, record_id), send=False)
        return self._queued(Outcome(Status.QUEUED, written.type, record_id, (written.id,)))

    async def _handed_over(self, outcome: Outcome, job: Future[Any]) -> None:
        """Once the writer thread wrote (or refused) a handed-over edit: the tables told and the push started, or
        the refusal reported; then its verdict may go on."""
        import asyncio

        try:
            entry = await asyncio.shield(asyncio.wrap_future(job))
        except (FieldError, StockroomError) as exc:
            answer = self._refused(refusal(outcome.type, outcome.record_id, exc))
        else:
            answer = outcome if entry is not None else Outcome(Status.DISCARDED, outcome.type, outcome.record_id)
            if not self.closed:
                self._queued(answer, send=answer.status is Status.QUEUED)
        # A refusal stays in ``_handed``: a later verdict answers with it too.
        done = (
            self._handed.get(outcome.entry_id or "")
            if answer.status is Status.REFUSED
            else self._handed.pop(outcome.entry_id or "", None)
        )
        if done is not None and not done.done():
            done.set_result(answer)

    async def handed_over(self, outcome: Outcome) -> Outcome:
        """``outcome`` once its edit is written, if it was handed to the writer thread (else as it is): the
        refusal, when the writer thread refused it."""
        import asyncio

        done = self._handed.get(outcome.entry_id or "")
        return outcome if done is None else await asyncio.shield(done)
