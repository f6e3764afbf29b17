"""What the real start loads before its first frame (a whole process, as a person starts it): none of the modules of
features opened later, and, when the window opens on the Overview, none of the tables' either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Loaded by the command line, menus and dialogs once asked for, or after the first frame: never before it.
LATER = (
    "openpyxl",
    "httpx",
    "keyring",
    "asyncio",
    "qasync",
    "socket",
    "uuid",
    "dataclasses",  # generating a dataclass's methods cost ~1 ms a class: the start's types are named tuples
    "concurrent.futures",  # with the first thread that needs it: a table's whole order, a batch's writer
    "desktop_app.sync",
    "desktop_app.store.batches",  # the cache's batches and counts parts are made at first use
    "desktop_app.store.counts",
    "desktop_app.imports",
    "desktop_app.counts",
    "desktop_app.sandbox",
    "desktop_app.ui.bulk.controller",
    "desktop_app.ui.counts.view",
    "desktop_app.ui.dialogs.import_file",
    "desktop_app.ui.history.changes_view",
    "desktop_app.ui.export",
    "desktop_app.ui.views.filter_bar",
    "desktop_app.ui.stock.low_stock_view",
    "desktop_app.ui.stock.find_sku_view",
)
#: The tables' own modules, which an Overview's first frame does without.
TABLES = (
    "desktop_app.ui.views.resource_tab",
    "desktop_app.ui.models.resource_table",
    "desktop_app.ui.reorder.tab",
    "desktop_app.ui.views.details_pane",
    "desktop_app.ui.models.query_worker",
)

#: Runs the command line as ``stockroom`` does and prints the loaded modules the moment the first frame is reported.
PROBE = """
import io, json, linecache, runpy, sys, typing
real = sys.stdout
class Tap(io.TextIOBase):
    def write(self, text):
        if text.startswith("first-paint"):
            real.write("modules " + json.dumps(sorted(sys.modules)) + "\\n")
            real.write("sources " + json.dumps(sorted(linecache.cache)) + "\\n")
            real.write("postponed " + json.dumps(postponed()) + "\\n")
        return real.write(text)
    def flush(self):
        real.flush()
def postponed():
    out = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("desktop_app"):
            continue
        for value in list(vars(module).values()):
            fields = getattr(value, "_fields", None)
            notes = getattr(value, "__dict__", {}).get("__annotations__", {})
            if isinstance(value, type) and fields and any(isinstance(t, typing.ForwardRef) for t in notes.values()):
                out.append(value.__module__ + "." + value.__qualname__)
    return sorted(set(out))
sys.stdout = Tap()
sys.argv = ["stockroom", *sys.argv[1:]]
runpy.run_module("desktop_app", run_name="__main__")
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A profile and its cache holding one stock location, SKU and stock item."""
    from desktop_app.connection import profile_cache_key
    from desktop_app.credentials.profiles import Profile, ProfileStore
    from desktop_app.store import Cache, cache_path

    root = tmp_path_factory.mktemp("first-frame")
    config_dir, data_dir = root / "config", root / "data"
    profile = Profile(name="shop", base_url="http://127.0.0.1:9/api", client_id="c1")
    ProfileStore(config_dir).save(profile)
    records = {
        "stock_locations": {"name": "Lyon", "code": "LYS"},
        "skus": {"code": "TSHIRT-M", "name": "T-shirt"},
        "stock_items": {"quantity": 4},
    }
    relationships = {"stock_items": {"sku": "sku1", "stock_location": "loc1"}}
    ids = {"stock_locations": "loc1", "skus": "sku1", "stock_items": "item1"}
    with Cache.open(cache_path(data_dir, profile_cache_key(profile))) as cache:
        for type_, attributes in records.items():
            generation = cache.sync_state.begin_full_sync(type_)
            record = SimpleNamespace(
                type=type_, id=ids[type_], attributes=attributes, relationships=relationships.get(type_, {})
            )
            cache.records.store_page([record], generation)
            cache.sync_state.finish_full_sync(type_, generation, server_count=1)
    return config_dir, data_dir


def loaded_at_first_frame(folders: tuple[Path, Path], tab: str, tmp_path: Path) -> set[str]:
    return first_frame_probe(folders, tab, tmp_path)["modules"]


def first_frame_probe(folders: tuple[Path, Path], tab: str, tmp_path: Path) -> dict[str, set[str]]:
    """The modules loaded and the source files read (Python's line cache) when the first frame is reported."""
    config_dir, data_dir = folders
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STOCKROOM_REPORT_FIRST_PAINT="quit", PYTHONPATH=str(ROOT))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "settings")  # the page remembered by the settings stays out of it
    argv = ["--offline", "--config-dir", str(config_dir), "--data-dir", str(data_dir), "--tab", tab]
    command = [sys.executable, "-c", PROBE, *argv]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False)
    probed = {}
    for key in ("modules", "sources", "postponed"):
        lines = [line for line in done.stdout.splitlines() if line.startswith(f"{key} ")]
        assert lines, f"no first frame (exit {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}"
        probed[key] = set(json.loads(lines[0].removeprefix(f"{key} ")))
    return probed


def test_a_table_s_first_frame_loads_nothing_of_later_features(folders: tuple[Path, Path], tmp_path: Path) -> None:
    loaded = loaded_at_first_frame(folders, "stock_items", tmp_path)
    assert "desktop_app.ui.views.resource_tab" in loaded, "the probe sees the table's own modules"
    assert sorted(loaded & set(LATER)) == []
    assert "desktop_app.ui.reorder.tab" not in loaded, "the stock levels' own tab is built when it is opened"


def test_the_overview_s_first_frame_loads_no_table(folders: tuple[Path, Path], tmp_path: Path) -> None:
    loaded = loaded_at_first_frame(folders, "overview", tmp_path)
    assert "desktop_app.ui.stock.overview_view" in loaded, "the probe sees the Overview's own modules"
    assert sorted(loaded & {*LATER, *TABLES}) == []


@pytest.mark.parametrize("tab", ["stock_items", "overview"])
def test_no_source_of_stockroom_is_read_before_the_first_frame(
    folders: tuple[Path, Path], tmp_path: Path, tab: str
) -> None:
    """PySide6's import hook reads every module's source after QtCore loads (looking for the word "PySide6"); the
    start plan answers it by name for Stockroom's own modules, so none of their files is read on the way."""
    probed = first_frame_probe(folders, tab, tmp_path)
    assert "desktop_app.ui.views.main_window" in probed["modules"]
    assert sorted(path for path in probed["sources"] if "desktop_app" in Path(path).parts) == []


#: Modules whose named tuples keep postponed annotations, as the rest of the code does: theirs name what Python 3.11
#: cannot evaluate as the class is built (``array[int]``, types imported for type checking only); ~40 fields.
POSTPONING = {
    "desktop_app.credentials.profiles",
    "desktop_app.store.table_query",
    "desktop_app.store.table_sql",
    "desktop_app.ui.boot.plan",
    "desktop_app.ui.models.row_order",
    "desktop_app.ui.outcome",
}


@pytest.mark.parametrize("tab", ["stock_items", "overview"])
def test_the_start_s_named_tuples_evaluate_their_annotations(
    folders: tuple[Path, Path], tmp_path: Path, tab: str
) -> None:
    """typing compiles the annotation of each field of a NamedTuple as the class is built when it is postponed (a
    string, as ``from __future__ import annotations`` makes it): the 266 fields built before a table's first frame
    took 4-7 ms so. The modules that define the start's named tuples (the schema, the store, the figures) leave
    that import out."""
    postponed = first_frame_probe(folders, tab, tmp_path)["postponed"]
    assert "desktop_app.ui.outcome.Outcome" in postponed, "the probe sees postponed annotations"
    assert sorted(name for name in postponed if name.rpartition(".")[0] not in POSTPONING) == [], (
        "their modules should not postpone annotations (no `from __future__ import annotations`)"
    )
