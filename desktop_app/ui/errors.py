"""Unexpected errors end in the log with their traceback and in a dialog with one sentence, never on a person's
screen as a traceback; both ``sys.excepthook`` (Qt slots) and the asyncio loop's handler (tasks) come here."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QTimer

from desktop_app.errors import StockroomError

log = logging.getLogger("stockroom")


def sentence(exc: BaseException) -> str:
    """What a person reads: our errors are already sentences; anything else names its kind."""
    if isinstance(exc, StockroomError | ValueError) and str(exc):
        return str(exc)
    return f"An unexpected error happened ({type(exc).__name__}: {exc}). The details are in the log."


class ErrorReporter:
    """Logs every unexpected error and shows it once in a dialog; the self-test collects them instead."""

    def __init__(self, *, interactive: bool = True) -> None:
        self.interactive = interactive
        self.errors: list[BaseException] = []
        self._showing = False

    def report(self, exc: BaseException) -> None:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        self.errors.append(exc)
        if self.interactive and not self._showing:
            QTimer.singleShot(0, lambda: self._show(exc))

    def _show(self, exc: BaseException) -> None:
        from desktop_app.ui.dialogs.messages import Messages

        self._showing = True
        try:
            details = "".join(traceback.format_exception_only(type(exc), exc))
            Messages.error(None, "Stockroom", sentence(exc), details)
        finally:
            self._showing = False

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def loop_handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            log.warning("asyncio: %s", context.get("message"))
            return
        self.report(exc)

    def install(self, loop: Any) -> None:
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self.loop_handler)
