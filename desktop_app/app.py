"""The window's entry: ``stockroom`` with no command. Qt and asyncio share one loop (qasync).

``run_window`` creates the QApplication, lets the window paint from the cache when it can open without waiting
(asyncio and qasync load after that first frame), starts qasync's loop through ``asyncio.Runner`` (Python 3.11 has no
``loop_factory`` on ``asyncio.run``), installs the error reporter (log plus a dialog, never a traceback on screen),
and runs :class:`WindowApp` until the last window closes. ``--self-test`` does the same offscreen and checks the
demo's every tab has rows.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    """Open the window (or run the self-test); returns the process exit code."""
    if getattr(args, "self_test", False):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from desktop_app.ui.boot.plan import plan_now
    from desktop_app.ui.models.lookups import prefetch

    plan = plan_now(args)  # before Qt loads: SQLite reads the names tables show while PySide6 is imported
    if plan is not None:
        prefetch(plan.cache_file)
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.errors import ErrorReporter
    from desktop_app.ui.theme import STYLE_ARGUMENTS, follow_system_theme

    existing = QApplication.instance()
    app = existing or QApplication(sys.argv[:1] + STYLE_ARGUMENTS)
    assert isinstance(app, QApplication)
    app.setOrganizationName("Stockroom")
    app.setApplicationName("Stockroom")
    app.setQuitOnLastWindowClosed(False)
    follow_system_theme(style_chosen=existing is None)
    reporter = ErrorReporter(interactive=not getattr(args, "self_test", False))
    sys.excepthook = reporter.excepthook  # the early window's slots run before the loop's handler exists
    from desktop_app.ui.boot.window_app import WindowApp

    window_app = WindowApp(args, reporter)
    window_app.paint_early(plan)
    _set_icon(app)  # after the early window's first frame; Qt hands it to windows already shown
    # After PySide6: qasync takes the binding already loaded instead of trying PyQt5, PyQt6 and PySide2.
    import asyncio

    import qasync

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        reporter.install(runner.get_loop())
        return int(runner.run(window_app.main()))


def _set_icon(app: Any) -> None:
    try:
        from desktop_app.ui.assets import app_icon

        app.setWindowIcon(app_icon())
    except (ImportError, FileNotFoundError) as exc:
        log.info("no application icon: %s", exc)
