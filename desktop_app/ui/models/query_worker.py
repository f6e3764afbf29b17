"""Long table queries (a million rows sorted, filtered or searched) run off the window's thread.

One worker thread runs them, each table with its own SQLite connection, and hands back plain data (arrays of row
ids, sets); the answer is delivered on the window's thread through a queued signal, so the event loop never waits
on SQLite. Small tables skip the thread: their queries take less time than the hop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

#: Tables up to this many rows are queried on the window's thread (a few milliseconds).
INLINE_ROWS = 20_000


@cache
def _pool(lane: str = "orders") -> ThreadPoolExecutor:
    """One worker thread per lane, started by the first query that needs it (never on the way to the first frame):
    ``orders`` for whole orders, filters and finds (hundreds of milliseconds over a million rows), ``quick`` for a
    sort's first screenful and a row count (milliseconds), which must not wait behind another table's whole order."""
    from concurrent.futures import ThreadPoolExecutor  # with the first thread: ~3 ms the first frame does without

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"stockroom-{lane}")


class QueryWorker(QObject):
    """Runs ``job`` in the worker thread and calls ``done(result)`` on this object's thread afterwards."""

    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._deliver)
        self.running = 0

    def run(
        self, job: Callable[[], Any], done: Callable[[Any], None], *, inline: bool = False, quick: bool = False
    ) -> None:
        """``quick``: a job of milliseconds, run in a lane of its own (see :func:`_pool`)."""
        if inline:
            done(job())
            return
        self.running += 1

        def work() -> None:
            try:
                outcome: tuple[bool, Any] = (True, job())
            except Exception as exc:  # handed to the window's thread, which logs it
                outcome = (False, exc)
            self._finished.emit((done, outcome))

        _pool("quick" if quick else "orders").submit(work)

    def _deliver(self, payload: tuple[Callable[[Any], None], tuple[bool, Any]]) -> None:
        self.running -= 1
        done, (ok, result) = payload
        if ok:
            done(result)
        else:
            log.error("a table query failed", exc_info=result)
