"""The Overview's figures worked out in a thread begun before the window exists.

A window that opens on the Overview paints it with its figures in the first frame: the start (step 2 of
``desktop_app/ui/boot/plan.py``) begins this read while PySide6 loads, so the ~40 ms the figures take at 100,000
stock items (most of it SQLite, which runs without the interpreter lock) overlap the imports instead of following
the window. The inventory modules are imported in the thread too, off the main thread's path.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.inventory.overview import Overview

log = logging.getLogger(__name__)


class OverviewAhead:
    """One computation of :func:`desktop_app.inventory.overview` over ``cache_file``, in a daemon thread."""

    def __init__(self, cache_file: Path) -> None:
        self.cache_file = Path(cache_file)
        self._result: Overview | None = None
        self._thread = threading.Thread(target=self._compute, name="stockroom-overview-ahead", daemon=True)
        self._thread.start()

    @classmethod
    def ahead_of(cls, cache_file: Path) -> OverviewAhead | None:
        """Start on ``cache_file``; nothing when it does not exist yet (a first start has no figures to show)."""
        return cls(cache_file) if Path(cache_file).is_file() else None

    def _compute(self) -> None:
        try:
            from desktop_app.inventory import StockFigures, overview

            with StockFigures(self.cache_file) as figures:
                self._result = overview(figures)
        except Exception as exc:  # a cache being repaired or replaced: the window computes its own
            log.info("overview read ahead: %s", exc)

    def result(self, timeout: float | None = None) -> Overview | None:
        """The figures (waiting up to ``timeout`` seconds), or ``None`` when they failed or are not there yet."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self._result
