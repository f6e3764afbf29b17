"""The status bar's sync progress: numbers as people write them, shown from a timer ten times a second at most, so
the progress bar's own immediate repaint never joins the work of the page that reported it (nor the repaint of a
table waiting to be painted) in one stall of the window's loop."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMainWindow

from desktop_app.ui.views.status_bar import PROGRESS_MS, StatusBar


def _syncing(qtbot: Any) -> tuple[QMainWindow, StatusBar]:
    """A window, shown, and its status bar told a sync started (keep the window: it owns the bar)."""
    window = QMainWindow()
    bar = StatusBar(window)
    window.setStatusBar(bar)
    qtbot.addWidget(window)
    window.show()
    bar.sync_started()
    return window, bar


def test_progress_is_shown_from_a_timer_with_thousands_separators(qtbot: Any) -> None:
    _window, bar = _syncing(qtbot)
    for done in range(0, 4_001, 250):  # a page written after another: none of them paints the bar itself
        bar.sync_progress("stock_items", done, 10_000)
    assert bar.progress.value() != 4_000 and bar.progress.format() == "Syncing…"
    qtbot.waitUntil(lambda: bar.progress.text() == "Stock items 4,000 of 10,000", timeout=PROGRESS_MS * 20)
    assert (bar.progress.minimum(), bar.progress.maximum(), bar.progress.value()) == (0, 10_000, 4_000)
    bar.sync_progress("stock_items", 12_000, 10_000)  # more than counted at the start: the bar stays full
    qtbot.waitUntil(lambda: bar.progress.text() == "Stock items 10,000 of 10,000", timeout=PROGRESS_MS * 20)
    bar.sync_progress("skus", 5, None)  # a total not known: busy, named
    qtbot.waitUntil(lambda: bar.progress.format() == "SKUs…", timeout=PROGRESS_MS * 20)


def test_progress_arriving_after_the_sync_ended_shows_nothing(qtbot: Any) -> None:
    _window, bar = _syncing(qtbot)
    bar.sync_progress("stock_items", 100, 200)
    bar.sync_finished(True, "Synced")
    qtbot.wait(PROGRESS_MS * 3)
    assert bar.progress.isHidden() and bar.progress.format() == "Syncing…"
