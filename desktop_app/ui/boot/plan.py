"""How the window starts, top to bottom. The order is the point: each step overlaps or defers work the first frame
does not need, and :func:`run_window` does them in this order.

0. **No garbage collection** until the first frame (:func:`collector_paused`), from the command line's first import
   when it starts as ``python -m desktop_app`` or the frozen program (:func:`desktop_app.collector.hold`); what the
   start built is frozen then.
1. **Which organisation, which cache file** (:func:`plan_now`): the profile resolved without the keyring (it takes
   ~0.1 s, or waits for an unlock prompt; the workspace reads the secret after the first frame). No Qt yet.
2. **Read ahead**: the page the window opens on is known before Qt when it is asked for or the settings' file says
   it (:func:`~desktop_app.ui.pages.page_before_qt`): a thread then works out the Overview's figures when it is the
   Overview (:class:`OverviewAhead`) while QtCore loads. QtCore loads, its import hook told which of our modules use
   Qt without reading them (:func:`load_qt_core`); QSettings tells the page when nothing else did (:func:`first_page`),
   and the figures begin then; another thread reads the names a table shows when it is a table (:class:`NamesRead`),
   all in SQLite while the rest of PySide6 loads.
3. **Qt**: the QApplication, the theme, the error reporter.
4. **Tasks held**: what the window spawns before the loop exists (reading the rest of a table, the sync) waits in
   the workspace's :class:`TaskSet` until the loop runs.
5. **The first frame**: the planned cache is opened and the window paints its first tab before asyncio and qasync
   are even imported (:meth:`WindowApp.paint_first_frame`).
6. **The loop**: the held tasks start, then the window's life (:meth:`WindowApp.main`). After the first frame
   (:meth:`WindowApp.show`) the other tabs are built one per turn of the loop, the HTTP stack is imported in a thread,
   the sync starts and the version is read.

Without a plan (the demo, a sign-in, an error to report) steps 1, 2 and 5 are skipped: the loop opens the
organisation and shows the window.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop_app import collector, config
from desktop_app.connection import Connection, resolve_connection
from desktop_app.errors import StockroomError
from desktop_app.session_bus import settle_session_bus
from desktop_app.store import cache_path
from desktop_app.ui.boot.clock import mark
from desktop_app.ui.boot.opening import Opened, open_cache_file
from desktop_app.ui.models.lookups import NamesRead
from desktop_app.ui.pages import ORGANISATION, STOCK_PAGES, opening_page, page_before_qt, settings_file
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop_app.inventory.ahead import OverviewAhead
    from desktop_app.ui.boot.window_app import WindowApp

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    """Open the window (or run the self-test); returns the process exit code."""
    if getattr(args, "self_test", False):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    settle_session_bus()  # before Qt: no bus autolaunched behind the window, left running after it
    with collector_paused():  # 0
        plan = plan_now(args)  # 1
        mark("plan")
        page = page_before_qt(getattr(args, "tab", None), settings_file())
        figures = figures_ahead(page, plan) if plan is not None and page is not None else None
        load_qt_core()  # 2
        if plan is not None and page is None:
            page = first_page(args)
            figures = figures_ahead(page, plan)
        names = names_ahead(page, plan) if plan is not None and page is not None else None
        mark("ahead")
        # Imported only now (3): SQLite reads ahead while QtWidgets loads; the start plan test checks it waits.
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.boot.window_app import WindowApp
        from desktop_app.ui.errors import ErrorReporter
        from desktop_app.ui.theme import STYLE_ARGUMENTS, follow_system_theme

        mark("imports")
        existing = QApplication.instance()
        app = existing or QApplication(sys.argv[:1] + STYLE_ARGUMENTS)
        assert isinstance(app, QApplication)
        app.setOrganizationName(ORGANISATION)
        app.setApplicationName(ORGANISATION)
        app.setQuitOnLastWindowClosed(False)
        follow_system_theme(style_chosen=existing is None)
        mark("qt")
        reporter = ErrorReporter(interactive=not getattr(args, "self_test", False))
        sys.excepthook = reporter.excepthook  # the early window's slots run before the loop's handler exists
        tasks = TaskSet(reporter.report)
        tasks.hold()  # 4
        window_app = WindowApp(args, reporter, tasks)
        early = open_planned(plan, tasks) if plan is not None else None
        mark("cache")
        if early is not None:  # 5
            fresh = early.workspace.cached.recovery_message is None
            window_app.paint_first_frame(early, names_for(early, names), figures if fresh else None)
    _set_icon(app)  # after the first frame; Qt hands it to windows already shown
    # Imported only now (6), after the first frame; after PySide6, qasync takes the binding already loaded.
    import asyncio

    import qasync

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        reporter.install(runner.get_loop())
        return runner.run(_on_the_loop(window_app, tasks))


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection until the first frame (the start creates ~30,000 objects and frees few: the
    collector's ~80 passes over them are work the first frame waits for); then what the start built is frozen out of
    later collections, which walk only what the window creates from then on. The process's one pause
    (:mod:`desktop_app.collector`): a thread started meanwhile that pauses too (the figures read ahead) does not end
    it, nor this one its. The pause held from the command line's first import ends here too."""
    with collector.collector_paused():
        try:
            yield
        finally:
            collector.release()
            gc.freeze()


async def _on_the_loop(window_app: WindowApp, tasks: TaskSet) -> int:
    tasks.release()  # what the early window spawned starts now, on the running loop
    return await window_app.main()


class Plan(NamedTuple):
    """What :func:`plan_now` resolved: the connection and its cache file, known before any Qt is loaded."""

    connection: Connection
    cache_file: Path
    offline: bool


def plan_now(args: argparse.Namespace) -> Plan | None:
    """The opening that needs no waiting (``--offline``, or a profile that resolves), so the window can paint
    before the loop starts; ``None`` when :func:`~desktop_app.ui.boot.opening.open_from_args` must do it (demo,
    sign-in, or an error it reports). Loads no Qt: it runs before PySide6 is imported."""
    if getattr(args, "demo", False) or getattr(args, "self_test", False):
        return None
    offline = bool(getattr(args, "offline", False))
    try:
        # Never the keyring here (~0.1 s, or an unlock prompt): the workspace reads it after the first frame.
        connection = resolve_connection(args, need_secret=False)
        cache_file = cache_path(config.data_dir(getattr(args, "data_dir", None)), connection.cache_key)
    except StockroomError as exc:
        log.info("opening waits for the loop: %s", exc)
        return None
    return Plan(connection, cache_file, offline)


def open_planned(plan: Plan, tasks: TaskSet) -> Opened | None:
    """Open the workspace :func:`plan_now` resolved; ``None`` when the cache cannot be opened now (the loop then
    opens it again and reports what is wrong)."""
    try:
        return open_cache_file(plan.connection, plan.cache_file, offline=plan.offline, tasks=tasks)
    except StockroomError as exc:
        log.info("opening waits for the loop: %s", exc)
        return None


def load_qt_core() -> None:
    """Import QtCore, the first of PySide6, and answer its import hook by name for Stockroom's modules.

    From QtCore on, PySide6 reads the whole source of every module imported, looking for the word "PySide6" to learn
    whether the module may select a ``from __feature__ import`` naming scheme; Stockroom selects none, and which of its
    modules may use Qt is a rule ruff enforces (``desktop_app.ui`` and ``desktop_app.app`` only). Answered from the
    name, 60-80 files are not read before a first frame (15-19 ms of the window's thread at load 3, timed around
    the hook). Other modules are read as before; a PySide6 without that hook is left as it is."""
    import PySide6.QtCore  # noqa: F401  installs the hook

    feature = sys.modules.get("shibokensupport.feature")
    read_source = getattr(feature, "_mod_uses_pyside", None)
    if read_source is None or getattr(read_source, "reads_source", None) is not None:
        return

    def uses_pyside(module: object) -> bool:
        name = str(getattr(module, "__name__", ""))
        if name == "desktop_app" or name.startswith("desktop_app."):
            return name == "desktop_app.app" or name.startswith("desktop_app.ui")
        return bool(read_source(module))

    uses_pyside.reads_source = read_source  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


def first_page(args: argparse.Namespace) -> str:
    """The page the window will open on; QtCore alone tells it, from the settings (the first import of PySide6)."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(ORGANISATION)
    return opening_page(getattr(args, "tab", None))


def figures_ahead(page: str, plan: Plan) -> OverviewAhead | None:
    """The Overview's figures, begun now when the window will open on the Overview (it paints them in its first
    frame). Begun before QtCore loads when the page is known without it (asked for, or read from the settings' file):
    the ~90 ms of SQLite they take at 100,000 stock items then run beside QtCore's import, not after it (32 ms
    sooner to the first frame, medians of 15 starts in turns at load 1.5)."""
    if page != "overview":
        return None
    from desktop_app.inventory.ahead import OverviewAhead

    return OverviewAhead.ahead_of(plan.cache_file)


def names_ahead(page: str, plan: Plan) -> NamesRead | None:
    """The names the tables show, begun now when the window opens on a table; a stock view paints without them (the
    window begins their read after its first frame), and their thread would compete with the Overview's figures.
    Begun after QtCore's import, whatever the page: begun before it, the read slowed the import more than it gained."""
    return None if page in STOCK_PAGES else NamesRead.ahead_of(plan.cache_file)


def names_for(opened: Opened, names: NamesRead | None) -> NamesRead | None:
    """The names read ahead, unless opening set their file aside (damaged, or from a newer version): then they are
    not this cache's, and the window reads its own."""
    return None if opened.workspace.cached.recovery_message is not None else names


def _set_icon(app: QApplication) -> None:
    try:
        from desktop_app.ui.assets import app_icon  # ~8 ms (-X importtime): after the first frame, which has no icon

        app.setWindowIcon(app_icon())
    except (ImportError, FileNotFoundError) as exc:
        log.info("no application icon: %s", exc)
