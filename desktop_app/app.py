"""The window's entry: ``stockroom`` with no command. Qt and asyncio share one loop (qasync).

``run_window`` creates the QApplication, starts qasync's loop through ``asyncio.Runner`` (Python 3.11 has no
``loop_factory`` on ``asyncio.run``), installs the error reporter (log plus a dialog, never a traceback on screen),
and runs :class:`WindowApp` until the last window closes. ``--self-test`` does the same offscreen and checks the
demo's every tab has rows.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    """Open the window (or run the self-test); returns the process exit code."""
    if getattr(args, "self_test", False):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # PySide6 first: qasync then takes the binding already loaded instead of trying PyQt5, PyQt6 and PySide2.
    from PySide6.QtWidgets import QApplication

    # isort: split
    import qasync

    from desktop_app.ui.errors import ErrorReporter
    from desktop_app.ui.theme import follow_system_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Stockroom")
    app.setApplicationName("Stockroom")
    app.setQuitOnLastWindowClosed(False)
    follow_system_theme()
    _set_icon(app)
    reporter = ErrorReporter(interactive=not getattr(args, "self_test", False))
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        reporter.install(runner.get_loop())
        from desktop_app.ui.window_app import WindowApp

        window_app = WindowApp(args, reporter)
        return int(runner.run(window_app.main()))


def _set_icon(app: Any) -> None:
    try:
        from desktop_app.ui.assets import app_icon

        app.setWindowIcon(app_icon())
    except (ImportError, FileNotFoundError) as exc:
        log.info("no application icon: %s", exc)
