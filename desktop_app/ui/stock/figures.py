"""The Overview's figures and the low-stock list, computed in a worker thread whenever the stock changes.

With 100,000 stock items the computation takes a good part of a second on a busy machine: on the UI thread that
would freeze the window, so a thread reads the cache (its own read-only connection; WAL lets it read while a sync
writes) and hands back plain data through a queued signal. Once the workspace has closed nothing starts and late
answers are dropped. Changes arriving while it runs are gathered into one more run; bursts of changes (a sync
writing page after page) wait for a quiet moment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

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
    """``ready(overview)`` after each computation; ``overview`` and ``marks`` hold the latest. ``closed`` says when
    the workspace has closed: nothing starts after that, and an answer arriving later is dropped (its cache is gone)."""

    ready = Signal(object)
    _computed = Signal(object, float)

    def __init__(
        self,
        cache_file: Path,
        closed: Callable[[], bool] = lambda: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_file = cache_file
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
        self._computed.connect(self._finished)

    @property
    def busy(self) -> bool:
        """A computation is running in its thread."""
        return self._running

    @property
    def settled(self) -> bool:
        """Nothing computing, waiting for a quiet moment or asked for again: the figures shown are the latest."""
        return not (self._running or self._again or self._timer.isActive())

    def changed(self, type_: str, ids: list[str] | None = None) -> None:
        """The workspace's ``records_changed``: recompute after a quiet moment when stock moved."""
        if type_ in figure_types():  # its changes move the figures (names of locations and SKUs included)
            self._timer.start()

    def adopt(self, result: Overview) -> None:
        """Take figures worked out elsewhere (read ahead of the window) as the latest, without a signal: whoever
        builds the views reads :attr:`overview` and :attr:`marks`."""
        self.overview = result
        self.marks = marks_of(result.low_items)

    def refresh(self) -> None:
        """Compute now (in the thread)."""
        self._timer.stop()
        self._start()

    def close(self) -> None:
        self._closed = True
        self._timer.stop()

    def _stopped(self) -> bool:
        return self._closed or self._workspace_closed()

    def _start(self) -> None:
        if self._stopped():
            return
        if self._running:
            self._again = True
            return
        self._running = True
        # A daemon thread: quitting never waits for it (its connection is its own, read-only).
        threading.Thread(target=self._compute, name="stockroom-stock-figures", daemon=True).start()

    def _compute(self) -> None:
        started = time.perf_counter()
        self._computed.emit(_compute(self.cache_file), time.perf_counter() - started)

    def _finished(self, result: object, seconds: float) -> None:
        self._running = False
        self.last_seconds = seconds
        if isinstance(result, Overview) and not self._stopped():
            self.overview = result
            self.marks = marks_of(result.low_items)
            self.ready.emit(result)
        if self._again:
            self._again = False
            self._start()
