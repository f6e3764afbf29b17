"""The application's life on the qasync loop: open a workspace, show the window, switch organisation, self-test.

It runs as one coroutine (``asyncio.Runner.run``), so waiting for the window to close, for a sign-in or for a sync
is an ``await``, and background work hangs off one :class:`TaskSet` whose failures reach the error reporter. When
the organisation opens without waiting (the cache, a saved profile), :meth:`WindowApp.paint_early` shows the window
and lets it paint before asyncio and qasync are even imported; what it spawns meanwhile starts with the loop.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.errors import StockroomError
from desktop_app.ui import tasks as task_sets
from desktop_app.ui.boot.plan import Opened, Plan, open_from_args, open_planned, sign_in
from desktop_app.ui.errors import ErrorReporter, sentence
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)
SELF_TEST_TIMEOUT = 120.0
#: Longest a closing workspace waits for its cancelled background work to end.
CLOSE_WAIT = 5.0
#: Longest the early first frame is waited for before the loop starts anyway (a hidden or minimised screen).
FIRST_FRAME_WAIT_MS = 2000


def _set_application_version() -> None:
    """After the first frame: reading the version loads ``importlib.metadata``, which the first frame does not need."""
    from desktop_app import __version__

    app = QApplication.instance()
    if app is not None:
        app.setApplicationVersion(__version__)


def warm_up_network() -> None:
    """Import the HTTP stack's lazily loaded parts in a worker thread before the first request needs them, so the
    first page of a sync does not stall the window while Python reads those modules."""

    def load() -> None:
        import contextlib
        import importlib

        for name in ("desktop_app.api", "desktop_app.sync", "anyio._backends._asyncio", "httpcore._async"):
            with contextlib.suppress(ImportError):
                importlib.import_module(name)

    import threading

    threading.Thread(target=load, name="stockroom-warm-up", daemon=True).start()


class WindowApp:
    def __init__(self, args: argparse.Namespace, reporter: ErrorReporter) -> None:
        self.args = args
        self.reporter = reporter
        self.tasks = TaskSet(reporter.report)
        self.window: Any = None
        self._event: asyncio.Queue[str] | None = None
        self._early: Opened | None = None

    def _post(self, choice: str) -> None:
        self._events().put_nowait(choice)

    def _events(self) -> asyncio.Queue[str]:
        if self._event is None:
            import asyncio

            self._event = asyncio.Queue()
        return self._event

    def paint_early(self, plan: Plan | None) -> None:
        """Open what ``plan`` resolved, show the window and let it paint, before the loop exists; nothing without
        a plan (opening must wait for the loop: the demo, a sign-in)."""
        task_sets.hold()
        opened = open_planned(plan, self.tasks) if plan is not None else None
        if opened is None:
            return
        self._early = opened
        self.show(opened)
        painted: list[bool] = []
        viewport = self.window.start_tab().table.viewport()
        from desktop_app.ui.boot.first_paint import FirstPaint

        self._first_frame = FirstPaint(viewport, lambda: True, lambda: painted.append(True))
        QTimer.singleShot(FIRST_FRAME_WAIT_MS, lambda: painted.append(False))
        while not painted:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    async def main(self) -> int:
        task_sets.release()  # what the early window spawned starts now, on the running loop
        if self._early is not None:
            QTimer.singleShot(0, _set_application_version)
        try:
            opened = self._early or await open_from_args(self.args, self.tasks)
        except StockroomError as exc:
            if self.args.self_test or not sys.stdin or QApplication.platformName() == "offscreen":
                raise
            from desktop_app.ui.dialogs.messages import Messages

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
                    fresh = await sign_in(self.args, self.tasks, parent=self.window)
                    if fresh is None:
                        continue
                    await self._close(opened)
                    opened = fresh
                    continue
                return 0
        finally:
            await self._close(opened)

    def show(self, opened: Opened) -> None:
        if self.window is not None and self.window.workspace is opened.workspace:
            return
        from desktop_app.ui.models.lookups import prefetch

        prefetch(opened.workspace.cache_file)  # SQLite reads the related names while the window's code loads
        from desktop_app.ui.views.main_window import MainWindow

        if self.window is not None:
            self.window.deleteLater()
        window = MainWindow(opened.workspace)
        window.switch_requested.connect(lambda: self._post("switch"))
        opened.workspace.secret_unavailable.connect(self._secret_unavailable)
        window.closed.connect(lambda: self._post("closed"))
        from desktop_app.ui.boot.first_paint import after_first_frame, watch_first_paint

        self._probe = watch_first_paint(window, lambda: QTimer.singleShot(0, window.close))
        window.load(rest_later=True)
        window.show()

        def go_online() -> None:  # a thread importing the HTTP stack would hold the lock the paint needs
            if not opened.workspace.forced_offline:
                warm_up_network()
            opened.workspace.start_sync(full=opened.full_sync)
            if not self.args.self_test:
                QTimer.singleShot(0, window.report_cache_recovery)

        after_first_frame(window.start_tab().table.viewport(), go_online)
        if opened is not self._early:  # the early window reads it once the loop runs, after its first frame
            QTimer.singleShot(0, _set_application_version)
        self.window = window

    def _secret_unavailable(self, message: str) -> None:
        """The keyring did not give the profile's secret: the window stays on the cache, offline (the status bar
        says why), and the sign-in dialog opens over it (cancelling it keeps working offline)."""
        log.info("asking to sign in again: %s", message)
        if not self.args.self_test:
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
        import asyncio

        from desktop_app.ui.views.main_window import MainWindow

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
