"""The application's life on the qasync loop: open a workspace, show the window, switch organisation, self-test.

It runs as one coroutine (``asyncio.Runner.run``), so waiting for the window to close, for a sign-in or for a sync
is an ``await``, and background work hangs off one :class:`TaskSet` whose failures reach the error reporter. The
start plan (:mod:`desktop_app.ui.boot.plan`) decides what happens before the loop; :meth:`WindowApp.show` holds what
a window does after its first frame.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.errors import StockroomError
from desktop_app.ui.boot.clock import mark
from desktop_app.ui.boot.first_paint import FirstPaint, after_first_frame, watch_first_paint
from desktop_app.ui.boot.opening import Opened, open_from_args, sign_in
from desktop_app.ui.errors import ErrorReporter, sentence
from desktop_app.ui.models.lookups import NamesRead
from desktop_app.ui.tasks import TaskSet
from desktop_app.ui.views.main_window import MainWindow

if TYPE_CHECKING:
    import asyncio

    from desktop_app.inventory.ahead import OverviewAhead

log = logging.getLogger(__name__)
SELF_TEST_TIMEOUT = 120.0
#: Longest a closing workspace waits for its cancelled background work to end.
CLOSE_WAIT = 5.0
#: Longest the early first frame is waited for before the loop starts anyway (a hidden or minimised screen).
FIRST_FRAME_WAIT_MS = 2000


def _set_application_version() -> None:
    """After the first frame: reading the version loads ``importlib.metadata``, which the first frame does not need."""
    from desktop_app import __version__  # see the docstring

    app = QApplication.instance()
    if app is not None:
        app.setApplicationVersion(__version__)


def warm_up_network() -> None:
    """Import the HTTP stack's lazily loaded parts in a worker thread before the first request needs them, so the
    first page of a sync does not stall the window while Python reads those modules."""

    def load() -> None:
        for name in ("desktop_app.api", "desktop_app.sync", "anyio._backends._asyncio", "httpcore._async"):
            with contextlib.suppress(ImportError):
                importlib.import_module(name)

    threading.Thread(target=load, name="stockroom-warm-up", daemon=True).start()


class WindowApp:
    def __init__(self, args: argparse.Namespace, reporter: ErrorReporter, tasks: TaskSet | None = None) -> None:
        self.args = args
        self.reporter = reporter
        self.tasks = tasks or TaskSet(reporter.report)
        self.window: MainWindow | None = None
        self._event: asyncio.Queue[str] | None = None
        self._early: Opened | None = None
        self._probes: list[FirstPaint | None] = []
        #: Why the next sign-in dialog opens without being asked for (shown in it), if it does.
        self.sign_in_reason: str | None = None

    def _post(self, choice: str) -> None:
        self._events().put_nowait(choice)

    def _events(self) -> asyncio.Queue[str]:
        if self._event is None:
            import asyncio  # loads after the first frame (boot/plan.py); this module loads before it

            self._event = asyncio.Queue()
        return self._event

    def paint_first_frame(self, opened: Opened, names: NamesRead | None, figures: OverviewAhead | None = None) -> None:
        """Show the window on ``opened`` and let it paint, before the loop exists (the plan opened it without
        waiting); :meth:`main` then carries on with it."""
        self._early = opened
        window = self.show(opened, names, figures)
        painted: list[bool] = []
        shown, ready = window.first_frame()
        self._probes.append(FirstPaint(shown, ready, lambda: painted.append(True)))
        QTimer.singleShot(FIRST_FRAME_WAIT_MS, lambda: painted.append(False))
        while not painted:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    async def main(self) -> int:
        if self._early is not None:
            QTimer.singleShot(0, _set_application_version)
        try:
            opened = self._early or await open_from_args(self.args, self.tasks)
        except StockroomError as exc:
            if self.args.self_test or not sys.stdin or QApplication.platformName() == "offscreen":
                raise
            from desktop_app.ui.dialogs.messages import Messages  # only to report a failed start

            Messages.error(None, "Stockroom", sentence(exc))
            raise
        if opened is None:
            return 0
        try:
            if self.args.self_test:
                return await self.self_test(opened)
            while True:
                self.show(opened)
                choice = await self._events().get()
                if choice == "switch":
                    reason, self.sign_in_reason = self.sign_in_reason, None
                    fresh = await sign_in(self.args, self.tasks, parent=self.window, reason=reason)
                    if fresh is None:
                        continue
                    await self._close(opened)
                    opened = fresh
                    continue
                return 0
        finally:
            await self._close(opened)

    def show(self, opened: Opened, names: NamesRead | None = None, figures: OverviewAhead | None = None) -> MainWindow:
        """The window on ``opened``: its first tab now, everything else once that tab has painted."""
        if self.window is not None and self.window.workspace is opened.workspace:
            return self.window
        if self.window is not None:
            self.window.deleteLater()
        window = MainWindow(opened.workspace, names, figures=figures)
        mark("window")
        window.switch_requested.connect(lambda: self._post("switch"))
        opened.workspace.secret_unavailable.connect(self._secret_unavailable)
        window.closed.connect(lambda: self._post("closed"))
        first = window.start_page(getattr(self.args, "tab", None))
        window.load_first(first)
        mark("page")
        self._probes.append(watch_first_paint(window, lambda: QTimer.singleShot(0, window.close)))
        window.show()
        mark("shown")

        def go_online() -> None:  # a thread importing the HTTP stack would hold the lock the paint needs
            if not opened.workspace.forced_offline:
                warm_up_network()
            opened.workspace.start_sync(full=opened.full_sync)
            if not self.args.self_test:
                QTimer.singleShot(0, window.report_cache_recovery)

        shown, ready = window.first_frame()
        after_first_frame(shown, lambda: window.load_rest(first), ready=ready)  # the stock views, then the tables
        after_first_frame(shown, go_online, ready=ready)
        if opened is not self._early:  # the early window reads it once the loop runs, after its first frame
            QTimer.singleShot(0, _set_application_version)
        self.window = window
        return window

    def _secret_unavailable(self, message: str) -> None:
        """The keyring did not give the profile's secret: the window stays on the cache, offline (the status bar
        says why), and the sign-in dialog opens over it (cancelling it keeps working offline)."""
        log.info("asking to sign in again: %s", message)
        if not self.args.self_test:
            self.sign_in_reason = f"Stockroom could not read this organisation's secret: {message}"
            self._post("switch")

    async def _close(self, opened: Opened) -> None:
        """Stop the workspace's work, then its client, then its cache: a sync cancelled mid-page still ends (and tells
        the window so) while the loop runs and the cache is open, instead of after either is gone."""
        opened.workspace.close()
        try:
            await opened.workspace.tasks.wait_idle(timeout=CLOSE_WAIT)
        except TimeoutError as exc:
            log.warning("closing with background work still running: %s", exc)
        await opened.workspace.aclose()
        opened.close()

    async def self_test(self, opened: Opened) -> int:
        """Open the window offscreen on the demo, sync, load every tab, check each has rows; 0 when all do."""
        import asyncio  # as in _events

        window = MainWindow(opened.workspace)
        self.window = window
        window.load()
        window.show()
        problems: list[str] = []
        try:
            async with asyncio.timeout(SELF_TEST_TIMEOUT):
                task = opened.workspace.start_sync(full=True)
                finished: list[tuple[bool, str]] = []
                opened.workspace.sync_finished.connect(lambda ok, message: finished.append((ok, message)))
                if task is not None:
                    await asyncio.wait({task})
                while any(tab.reloading for tab in window.tab_by_type.values()):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                if finished and not finished[-1][0]:
                    problems.append(f"sync: {finished[-1][1]}")
                for tab in window.tab_by_type.values():
                    window.tabs.setCurrentWidget(tab)
                    QApplication.processEvents()
                    rows = tab.proxy.rowCount()
                    image = tab.grab()
                    status = "ok" if rows > 0 and not image.isNull() else "EMPTY"
                    print(f"self-test: {tab.resource.plural_label}: {rows} rows {status}", flush=True)
                    if status != "ok":
                        problems.append(f"{tab.resource.plural_label} shows no rows")
        except TimeoutError:
            problems.append(f"not done within {SELF_TEST_TIMEOUT:.0f} s")
        problems.extend(f"error: {sentence(exc)}" for exc in self.reporter.errors)
        window.close()
        for problem in problems:
            print(f"self-test: FAILED: {problem}", file=sys.stderr, flush=True)
        if not problems:
            print("self-test: passed", flush=True)
        return 0 if not problems else 1
