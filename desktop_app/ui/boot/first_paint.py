"""Measuring start-up the way a person sees it: the moment the page the window opens on first paints its rows (a
table's, or the Overview's figures).

``STOCKROOM_REPORT_FIRST_PAINT=1`` prints ``first-paint <seconds since the process started> rss-mb <n> rows <n> ms
<step> <ms> ...`` (the start's steps, :mod:`~desktop_app.ui.boot.clock`) once that happens and ``loaded ...`` once
the whole table is in (the benchmark reads them); ``=quit`` then closes the window.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from desktop_app.ui.boot.clock import mark, process_age, steps

if TYPE_CHECKING:
    from desktop_app.ui.views.main_window import MainWindow

ENV = "STOCKROOM_REPORT_FIRST_PAINT"


def resident_mb() -> float:
    """Resident memory of this process now (Linux ``/proc``; peak RSS elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)


class FirstPaint(QObject):
    """Calls ``callback()`` the first time ``widget`` paints while ``ready()`` holds (rows are there)."""

    def __init__(self, widget: QWidget, ready: Callable[[], bool], callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._ready = ready
        self._callback = callback
        self._done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint and self._ready():
            self._done = True
            watched.removeEventFilter(self)
            self._callback()
        return False


def after_first_frame(
    widget: QWidget, callback: Callable[[], None], *, ready: Callable[[], bool] = lambda: True, wait_ms: int = 2000
) -> None:
    """Run ``callback`` once, on the event loop's next turn after ``widget`` has painted while ``ready()`` holds (or
    after ``wait_ms`` when it does not paint: a hidden or minimised window), so work started now never delays the
    first frame."""
    done: list[bool] = []

    def run() -> None:
        if not done:
            done.append(True)
            probe.deleteLater()
            callback()

    probe = FirstPaint(widget, ready, lambda: QTimer.singleShot(0, run))
    QTimer.singleShot(wait_ms, run)


def watch_first_paint(window: MainWindow, on_quit: Callable[[], None]) -> FirstPaint | None:
    """Install the probe on the page the window opens on when ``STOCKROOM_REPORT_FIRST_PAINT`` asks for it: a
    table once it paints rows (then also when the whole table has loaded: ``loaded <seconds> rss-mb <n>``), the
    Overview once it paints its figures."""
    mode = os.environ.get(ENV, "")
    if not mode:
        return None
    tab = window.current_tab()
    state = {"painted": False, "loaded": tab is None or tab.fully_read}  # a small table is read with its first rows

    def finish() -> None:
        if state["painted"] and state["loaded"]:
            rows = tab.model.rowCount() if tab is not None else window.stock.overview.model.rowCount()
            print(f"loaded {process_age():.3f} rss-mb {resident_mb():.1f} rows {rows}", flush=True)
            if mode == "quit":
                on_quit()

    def painted(rows: int) -> None:
        mark("painted")
        print(f"first-paint {process_age():.3f} rss-mb {resident_mb():.1f} rows {rows} ms {steps()}", flush=True)
        state["painted"] = True
        finish()

    def loaded() -> None:
        state["loaded"] = True
        finish()

    if tab is not None:
        tab.fully_loaded.connect(loaded)
    shown, ready = window.first_frame()

    def rows() -> int:  # a table's rows, or the Overview's (one per stock location and the total)
        return tab.proxy.rowCount() if tab is not None else window.stock.overview.model.rowCount()

    return FirstPaint(shown, ready, lambda: painted(rows()))
