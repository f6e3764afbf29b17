"""The Overview's figures and the low-stock list, computed in a worker thread whenever the stock changes.

With 100,000 stock items the computation takes a good part of a second on a busy machine: on the UI thread that
would freeze the window, so a thread reads the cache (its own read-only connection; WAL lets it read while a sync
writes) and hands back plain data. The wait for it is a task of the workspace, so closing the workspace cancels it
and waits for it before the cache closes. Changes arriving while it runs are gathered into one more run; bursts of
changes (a sync writing page after page) wait for a quiet moment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.inventory import LowMarks, Overview, StockFigures, marks_of, overview
from desktop_app.schema import figure_types

log = logging.getLogger(__name__)

QUIET_MS = 300


def _compute(cache_file: Path) -> Overview | None:
    try:
        with StockFigures(cache_file) as figures:
            return overview(figures)
    except Exception as exc:  # a cache replaced meanwhile: the next change computes again
        log.warning("stock figures: %s", exc)
        return None


class StockFiguresWatcher(QObject):
    """``ready(overview)`` after each computation; ``overview`` and ``marks`` hold the latest. ``spawn`` runs a
    coroutine as a task of the workspace (``TaskSet.spawn``); ``closed`` says when the workspace has closed."""

    ready = Signal(object)

    def __init__(
        self,
        cache_file: Path,
        spawn: Callable[[Coroutine[Any, Any, None]], Any],
        closed: Callable[[], bool] = lambda: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_file = cache_file
        self._spawn = spawn
        self._workspace_closed = closed
        self.overview: Overview | None = None
        self.marks = LowMarks()
        #: Seconds the last computation took (in its thread).
        self.last_seconds = 0.0
        self._running = False
        self._again = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS)
        self._timer.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        """A computation is running in its thread."""
        return self._running

    def changed(self, type_: str, ids: list[str] | None = None) -> None:
        """The workspace's ``records_changed``: recompute after a quiet moment when stock moved."""
        if type_ in figure_types():  # its changes move the figures (names of locations and SKUs included)
            self._timer.start()

    def refresh(self) -> None:
        """Compute now (in the thread)."""
        self._timer.stop()
        self._start()

    def close(self) -> None:
        self._closed = True
        self._timer.stop()

    def _start(self) -> None:
        if self._closed or self._workspace_closed():
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._spawn(self._run())

    async def _run(self) -> None:
        import asyncio

        started = time.perf_counter()
        try:
            result = await asyncio.to_thread(_compute, self.cache_file)
        finally:
            self._running = False
        self.last_seconds = time.perf_counter() - started
        if result is not None and not self._closed and not self._workspace_closed():
            self.overview = result
            self.marks = marks_of(result.low_items)
            self.ready.emit(result)
        if self._again:
            self._again = False
            self._start()
