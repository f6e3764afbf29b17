"""The window's figures, each measured within one run on this machine:

* cold start from a cache of 100,000 stock items, as a whole process (``stockroom --offline``), over a bare PySide6
  window's start as a whole process (goal <= 2.0 each): to the Overview painted with its figures (what a window
  opens on at first), and to the first painted rows of the Stock items tab (``--tab stock_items``); beside them, the
  same bare window showing one table view over a minimal Python model, for what any PySide6 table window pays;
* sorting that table by quantity (goal < 150 ms) and resident memory with it open (goal < 250 MB);
* the longest stall of the Qt event loop (a 10 ms timer's worst lateness) during a full sync of 10,000 stock items
  from a sandbox process with the window open (goal < 50 ms).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.run import installed_bytecode

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
SYNC_ROWS = 10_000
RUNS = 7  # starts of each, interleaved; the figure is the ratio of the medians (one start is noisy here)

#: Prints ``first-paint`` at the first paint of the widget it watches, then quits (both bare windows use it).
_PROBE = """
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("first-paint", flush=True)
            QTimer.singleShot(0, app.quit)
            obj.removeEventFilter(self)
        return False
probe = Probe()
"""

BARE = (
    """
import time, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
"""
    + _PROBE
    + """
window.installEventFilter(probe)
window.resize(1280, 800)
window.show()
app.exec()
"""
)

#: The same bare window with one table view over a minimal Python model of 100,000 rows: what any PySide6 window
#: showing a table pays over a bare one (the view's classes and their enums, PySide6's ``Qt`` namespace built whole
#: for the model's roles and flags, the first rows painted). Printed beside the goal, not a goal of its own.
BARE_TABLE = (
    """
import sys
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 100_000
    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 10
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return f"{index.row():,} / {index.column()}" if role == Qt.ItemDataRole.DisplayRole else None
    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return f"Column {section}"
        return None
app = QApplication(sys.argv[:1])
window = QMainWindow()
view = QTableView()
model = Model()
view.setModel(model)
window.setCentralWidget(view)
"""
    + _PROBE
    + """
view.viewport().installEventFilter(probe)
window.resize(1280, 800)
window.show()
app.exec()
"""
)


def figure(name: str, value: float, unit: str, goal: str, ok: bool) -> None:
    print(f"FIGURE {name} = {value:.3f} {unit} goal {goal} {'ok' if ok else 'MISSED'}", flush=True)


def build_cache(folder: Path) -> tuple[Path, Path]:
    """A profile and its cache holding the bench seed (100,000 stock items), written through the store."""
    from types import SimpleNamespace

    from desktop_app.connection import profile_cache_key
    from desktop_app.credentials.profiles import Profile, ProfileStore
    from desktop_app.sandbox.seeds import generate
    from desktop_app.store import Cache, cache_path

    config_dir, data_dir = folder / "config", folder / "data"
    config_dir.mkdir()
    data_dir.mkdir()
    profile = Profile(name="bench", base_url="http://127.0.0.1:9/api", client_id="bench-client")
    ProfileStore(config_dir).save(profile)
    seed = generate(f"bench:{ROWS}")
    with Cache.open(cache_path(data_dir, profile_cache_key(profile))) as cache:
        for type_ in ("stock_locations", "skus", "inventory_models", "inventory_stock_locations", "stock_items"):
            generation = cache.sync_state.begin_full_sync(type_)
            records = [
                SimpleNamespace(type=type_, id=r["id"], attributes=r["attributes"], relationships=r["relationships"])
                for r in seed[type_]
            ]
            for start in range(0, len(records), 5000):
                cache.records.store_page(records[start : start + 5000], generation)
            cache.sync_state.finish_full_sync(type_, generation, server_count=len(records))
    return config_dir, data_dir


def timed_start(argv: list[str], env: dict[str, str], *, until_loaded: bool = False) -> tuple[float, str]:
    """Seconds from spawning ``argv`` until it prints its first-paint line, and what it printed (up to its
    ``loaded`` line when ``until_loaded``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    elapsed = 0.0
    lines: list[str] = []
    for text in proc.stdout:
        lines.append(text.strip())
        if text.startswith("first-paint"):
            elapsed = time.perf_counter() - started
            if not until_loaded:
                break
        if text.startswith("loaded"):
            break
    proc.wait(timeout=120)
    if not elapsed:
        raise RuntimeError(f"{argv[:3]} never painted (exit {proc.returncode})")
    return elapsed, " | ".join(lines)


def cold_start(config_dir: Path, data_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONPATH=str(ROOT))
    env["STOCKROOM_REPORT_FIRST_PAINT"] = "quit"
    # Both starts read compiled bytecode, as an installed copy does: with PYTHONDONTWRITEBYTECODE set and no
    # __pycache__ in the source tree, every Stockroom start would compile all its modules from source while the bare
    # window compiles nothing.
    _cold_start(config_dir, data_dir, installed_bytecode(env))


def _cold_start(config_dir: Path, data_dir: Path, env: dict[str, str]) -> None:
    app_argv = [sys.executable, "-m", "desktop_app", "--offline", "--config-dir", str(config_dir)]
    app_argv += ["--data-dir", str(data_dir)]
    overview_argv = [*app_argv, "--tab", "overview"]  # what a first window opens on; later, the page it closed on
    table_argv = [*app_argv, "--tab", "stock_items"]
    bare_argv = [sys.executable, "-c", BARE]
    table_floor_argv = [sys.executable, "-c", BARE_TABLE]
    # The 100,000-item cache was just written (and earlier benchmarks wrote theirs): flush it to disk first, so the
    # kernel's writeback of those dirty pages does not land inside some of the timed starts and not others.
    os.sync()
    with tempfile.TemporaryDirectory(prefix="stockroom-bench-settings-") as settings:
        env = dict(env, XDG_CONFIG_HOME=settings)  # the window's remembered size and page stay out of the user's
        timed_start(table_argv, env, until_loaded=True)  # warm the file cache once for all, so none pays the first read
        timed_start(bare_argv, env)
        timed_start(table_floor_argv, env)
        bare, floor, overview, table = [], [], [], []
        overview_line = table_line = ""
        for _ in range(RUNS):
            bare.append(timed_start(bare_argv, env)[0])
            floor.append(timed_start(table_floor_argv, env)[0])
            seconds, overview_line = timed_start(overview_argv, env, until_loaded=True)
            overview.append(seconds)
            seconds, table_line = timed_start(table_argv, env, until_loaded=True)
            table.append(seconds)
    bare_s = statistics.median(bare)
    floor_s = statistics.median(floor)
    print(
        f"bare window {bare_s:.3f} s, the same window with one table view over a minimal Python model "
        f"{floor_s:.3f} s: any PySide6 table window starts at {floor_s / bare_s:.2f} times a bare one"
    )
    print(f"FIGURE window_cold_start_bare_table_window_ratio = {floor_s / bare_s:.3f} x", flush=True)
    for name, times, line in (("", overview, overview_line), ("_table", table, table_line)):
        assert line.startswith("first-paint"), line
        ratio = statistics.median(times) / bare_s
        print(
            f"bare window {bare_s:.3f} s, Stockroom{name.replace('_', ' ')} {statistics.median(times):.3f} s ({line})"
        )
        figure(f"window_cold_start{name}_ratio", ratio, "x", "<= 2.0", ratio <= 2.0)
    rss = float(table_line.split("loaded")[1].split("rss-mb")[1].split()[0])
    figure("window_rss_100k_items", rss, "MB", "< 250", rss < 250)


async def _sort_in_window(config_dir: Path, data_dir: Path) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.connection import connection_for_profile
    from desktop_app.credentials.profiles import ProfileStore
    from desktop_app.ui.boot.opening import open_workspace
    from desktop_app.ui.tasks import TaskSet
    from desktop_app.ui.views.main_window import MainWindow

    store = ProfileStore(config_dir)
    profile = store.get("bench")
    assert profile is not None
    connection = connection_for_profile(profile, store, need_secret=False)
    opened = open_workspace(connection, data_dir, offline=True, tasks=TaskSet())
    window = MainWindow(opened.workspace)
    window.load()
    window.show()
    await opened.workspace.tasks.wait_idle(timeout=120)
    tab = window.tab_by_type["stock_items"]
    while tab.reloading:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    assert tab.proxy.rowCount() == ROWS, tab.proxy.rowCount()
    column = tab.model.column_of("quantity")
    times = []
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        tab.table.sortByColumn(column, order)
        while tab.model.busy:  # the order is read in the worker thread  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        QApplication.processEvents()  # the repaint of the sorted rows is part of it
        times.append((time.perf_counter() - started) * 1000)
    window.close()
    opened.workspace.close()
    opened.close()
    return times


def sort_time(config_dir: Path, data_dir: Path) -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        times = runner.run(_sort_in_window(config_dir, data_dir))
    worst = max(times)
    print(f"sort by quantity: {', '.join(f'{t:.0f}' for t in times)} ms")
    figure("window_sort_100k_by_quantity", worst, "ms", "< 150", worst < 150)


async def _sync_with_window(sandbox: Any, data_dir: Path) -> tuple[float, int, float]:
    from PySide6.QtCore import QTimer

    from desktop_app.api import Credentials, Endpoint
    from desktop_app.connection import Connection
    from desktop_app.ui.boot.opening import open_workspace
    from desktop_app.ui.boot.window_app import warm_up_network
    from desktop_app.ui.tasks import TaskSet
    from desktop_app.ui.views.main_window import MainWindow

    connection = Connection(
        name="bench",
        endpoint=Endpoint.custom(sandbox.url),
        credentials=Credentials(client_id=sandbox.client_id, client_secret=sandbox.client_secret),
        cache_key="bench-sync",
    )
    errors: list[BaseException] = []
    opened = open_workspace(connection, data_dir, offline=False, tasks=TaskSet(errors.append))
    window = MainWindow(opened.workspace)
    window.load()
    window.show()
    warm_up_network()
    await asyncio.sleep(0.5)
    worst = 0.0
    last = time.perf_counter()

    def tick() -> None:
        nonlocal worst, last
        now = time.perf_counter()
        worst = max(worst, now - last - 0.010)
        last = now

    modules_before = set(sys.modules)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    started = time.perf_counter()
    timer.start()
    last = time.perf_counter()
    task = opened.workspace.start_sync(full=True)
    assert task is not None
    await asyncio.wait({task})
    await opened.workspace.tasks.wait_idle(timeout=120)
    while any(tab.reloading for tab in window.tab_by_type.values()):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    timer.stop()
    if os.environ.get("BENCH_SHOW_IMPORTS"):
        print("imported during sync:", sorted(set(sys.modules) - modules_before))
    elapsed = time.perf_counter() - started
    rows = window.tab_by_type["stock_items"].model.rowCount()
    window.close()
    opened.workspace.close()
    await opened.workspace.aclose()
    opened.close()
    if errors:
        raise errors[0]
    return worst * 1000, rows, elapsed


def sync_stall_child(folder: Path) -> None:
    """Runs in its own process (``--sync-child``), so nothing left over from the other figures weighs on it."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from tests.support.sandbox import start_sandbox

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    with start_sandbox(seed=f"bench:{SYNC_ROWS}") as sandbox:
        data_dir = folder / "sync"
        data_dir.mkdir()
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            worst, rows, elapsed = runner.run(_sync_with_window(sandbox, data_dir))
    print(f"full sync of {rows} stock items with the window open: {elapsed:.1f} s")
    assert rows == SYNC_ROWS, rows
    figure("window_event_loop_worst_stall_during_sync", worst, "ms", "< 50", worst < 50)


def sync_stall(folder: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "tests.bench.bench_window", "--sync-child", str(folder)]
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        raise RuntimeError(f"the sync measurement failed: {proc.stderr[-2000:]}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if len(sys.argv) == 3 and sys.argv[1] == "--sync-child":
        sync_stall_child(Path(sys.argv[2]))
        return 0
    with tempfile.TemporaryDirectory(prefix="stockroom-bench-window-") as tmp:
        folder = Path(tmp)
        config_dir, data_dir = build_cache(folder)
        cold_start(config_dir, data_dir)
        sort_time(config_dir, data_dir)
        sync_stall(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
