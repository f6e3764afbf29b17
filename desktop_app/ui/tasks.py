"""Background coroutines on the qasync loop, held by strong references and never failing silently.

``asyncio.create_task`` keeps only a weak reference to its task; a task nobody holds can be collected mid-flight.
Every window part that starts network work goes through one :class:`TaskSet`, which holds the task until it ends,
logs a failure with its traceback and hands the exception to a reporter (the window shows it in a dialog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

Reporter = Callable[[BaseException], None]


class Deferred:
    """Work spawned while the window paints its first frame, before the loop runs; :meth:`TaskSet.release`
    starts it.

    It answers ``done()`` and ``cancel()`` like the task it becomes, so the holder need not know the difference."""

    def __init__(self, owner: TaskSet, coro: Coroutine[Any, Any, Any], name: str | None) -> None:
        self.owner = owner
        self.coro: Coroutine[Any, Any, Any] | None = coro
        self.name = name
        self.task: asyncio.Task[Any] | None = None

    def done(self) -> bool:
        return self.coro is None if self.task is None else self.task.done()

    def cancel(self) -> bool:
        if self.task is not None:
            return self.task.cancel()
        if self.coro is None:
            return False
        self.coro.close()
        self.coro = None
        return True


class _Holding:
    """Work held back while the window paints its first frame, shared by a set and the sets made from it."""

    def __init__(self) -> None:
        self.waiting: list[Deferred] | None = None


class TaskSet:
    """A small TaskGroup for a long-lived owner: tasks start at once, failures are logged and reported."""

    def __init__(self, reporter: Reporter | None = None, *, holding: _Holding | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reporter = reporter
        self._holding = holding or _Holding()

    def hold(self) -> None:
        """Hold back every spawn (of this set and the sets made from it) until :meth:`release`: the window is
        being painted before the loop exists."""
        if self._holding.waiting is None:
            self._holding.waiting = []

    def release(self) -> None:
        """Start what was held back, in the order it was spawned; call it with the loop running."""
        waiting, self._holding.waiting = self._holding.waiting or [], None
        for later in waiting:
            if later.coro is not None:
                later.task = later.owner.spawn(later.coro, name=later.name)
                later.coro = None

    def set_reporter(self, reporter: Reporter | None) -> None:
        self._reporter = reporter

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
        if self._holding.waiting is not None:
            later = Deferred(self, coro, name)
            self._holding.waiting.append(later)
            return later  # type: ignore[return-value]  # answers done() and cancel() like the task it becomes
        import asyncio  # loads after the first frame (boot/plan.py); spawns before it are held

        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("background task %s failed", task.get_name(), exc_info=exc)
        if self._reporter is not None:
            self._reporter(exc)

    def child(self) -> TaskSet:
        """A separate set reporting to the same place (and held with this one), for a part that needs to know when
        *its* work is done."""
        return TaskSet(self._reporter, holding=self._holding)

    @property
    def running(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until every task started so far (and any they start) has ended; tests and the self-test use it."""
        import asyncio  # as in spawn()

        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{len(self._tasks)} background task(s) still running")
            await asyncio.wait(set(self._tasks), timeout=0.2)
