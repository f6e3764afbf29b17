"""How the window starts: the demo sandbox, the cache only, or the sign-in dialog when there is no profile."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from desktop_app.errors import UsageError
from desktop_app.ui.boot.opening import open_from_args
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.tasks import TaskSet


def arguments(tmp_path: Path, **flags: Any) -> argparse.Namespace:
    values = {"demo": False, "offline": False, "self_test": False, "profile": None, "verbose": 0}
    values |= {"data_dir": str(tmp_path / "data"), "config_dir": str(tmp_path / "config")} | flags
    return argparse.Namespace(**values)


@pytest.mark.asyncio
async def test_no_profile_asks_to_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _cancelled_sign_in(monkeypatch)
    assert await open_from_args(arguments(tmp_path), TaskSet()) is None
    assert asked == [(str(tmp_path / "config"), None)], "asked for, so the dialog gives no reason"


@pytest.mark.asyncio
async def test_offline_without_a_profile_opens_the_sign_in_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _cancelled_sign_in(monkeypatch)
    assert await open_from_args(arguments(tmp_path, offline=True), TaskSet()) is None
    [(config_dir, reason)] = asked
    assert config_dir == str(tmp_path / "config")
    assert reason is not None and "offline" in reason and "sign in" in reason


@pytest.mark.asyncio
async def test_offline_with_a_named_profile_that_does_not_exist_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        await open_from_args(arguments(tmp_path, offline=True, profile="nowhere"), TaskSet())


def _cancelled_sign_in(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str | None]]:
    """Replaces the sign-in dialog by one the person cancels at once; returns what each opening was given."""
    asked: list[tuple[Any, str | None]] = []

    async def cancelled(cls: Any, parent: Any = None, *, config_dir: Any = None, reason: str | None = None) -> None:
        asked.append((config_dir, reason))

    monkeypatch.setattr(SignInDialog, "ask_async", classmethod(cancelled))
    return asked


@pytest.mark.asyncio
async def test_demo_starts_the_embedded_sandbox_and_stops_it(tmp_path: Path) -> None:
    opened = await open_from_args(arguments(tmp_path, demo=True), TaskSet())
    assert opened is not None
    workspace = opened.workspace
    try:
        assert workspace.name == "demo" and not workspace.forced_offline and opened.full_sync
        client = workspace.make_client()
        page = await client.list_page("inventory_models")
        assert page.record_count > 0
    finally:
        workspace.close()
        await workspace.aclose()
        opened.close()
    assert not workspace.cache_file.parent.exists(), "the demo's cache folder is removed with it"


@pytest.mark.asyncio
async def test_unexpected_errors_are_logged_and_shown_as_one_sentence(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from desktop_app.ui.dialogs.messages import Messages
    from desktop_app.ui.errors import ErrorReporter

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        Messages, "error", classmethod(lambda cls, parent, title, text, details="": shown.append((text, details)))
    )
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    reporter = ErrorReporter()
    reporter.install(asyncio.get_running_loop())
    try:
        raise KeyError("stock_location")
    except KeyError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    tasks = TaskSet(reporter.report)

    async def fails() -> None:
        raise RuntimeError("the cache file went away")

    await asyncio.wait({tasks.spawn(fails())})
    for _ in range(20):
        await asyncio.sleep(0.01)
    assert [text for text, _ in shown][:1] == [
        "An unexpected error happened (KeyError: 'stock_location'). The details are in the log."
    ]
    assert len(reporter.errors) == 2
    assert "Traceback" in caplog.text and "Traceback" not in "".join(text + details for text, details in shown)


def _profile(tmp_path: Path) -> Path:
    from desktop_app.credentials.profiles import Profile, ProfileStore

    ProfileStore(tmp_path / "config").save(Profile(name="shop", base_url="http://127.0.0.1:9/api", client_id="c1"))
    return tmp_path


def _cache_with_sku(path: Path, code: str, name: str) -> None:
    from types import SimpleNamespace

    from desktop_app.store import Cache

    with Cache.open(path) as cache:
        generation = cache.sync_state.begin_full_sync("skus")
        sku = SimpleNamespace(type="skus", id="s1", attributes={"code": code, "name": name}, relationships={})
        cache.records.store_page([sku], generation)
        cache.sync_state.finish_full_sync("skus", generation, server_count=1)


@pytest.mark.parametrize("offline", [True, False])
def test_the_start_plan_resolves_the_cache_file_without_qt_or_the_keyring(tmp_path: Path, offline: bool) -> None:
    """``plan_now`` runs before PySide6 is imported, so SQLite's first read overlaps that import; the keyring is
    read after the first frame (it takes ~0.1 s, or waits for an unlock prompt)."""
    import json
    import subprocess
    import sys

    _profile(tmp_path)
    flags = json.dumps(json.dumps(vars(arguments(tmp_path, offline=offline))))
    script = (
        "import json, sys, argparse\n"
        "from desktop_app.ui.boot.plan import plan_now\n"
        "from desktop_app.ui.models.lookups import NamesRead\n"
        f"args = argparse.Namespace(**json.loads({flags}))\n"
        "plan = plan_now(args)\n"
        "ahead = NamesRead.ahead_of(plan.cache_file)\n"
        "c = plan.connection\n"
        "print(json.dumps([str(plan.cache_file), plan.offline, c.name, c.credentials is None, c.can_load_secret,\n"
        "                  [m for m in ('PySide6', 'keyring', 'httpx') if m in sys.modules]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    cache_file, planned_offline, name, no_secret_yet, can_load, loaded = json.loads(done.stdout)
    assert Path(cache_file).parent == tmp_path / "data" / "caches" and cache_file.endswith(".sqlite3")
    assert planned_offline is offline and name == "shop"
    assert no_secret_yet and can_load, "the secret is read later, by the workspace"
    assert loaded == []


def test_no_plan_when_the_start_must_wait_for_the_loop(tmp_path: Path) -> None:
    from desktop_app.ui.boot.plan import plan_now

    assert plan_now(arguments(tmp_path, demo=True)) is None
    assert plan_now(arguments(tmp_path, offline=True)) is None  # no profile: the loop reports it


def _names_after_opening(plan: Any) -> tuple[Any, str | None]:
    """Read ahead as the window's start does, open the cache, take the names: the lookups and the recovery message."""
    from desktop_app.ui.boot.plan import names_for, open_planned
    from desktop_app.ui.models.lookups import Lookups, NamesRead

    ahead = NamesRead.ahead_of(plan.cache_file)
    opened = open_planned(plan, TaskSet())
    assert opened is not None
    try:
        lookups = Lookups()
        lookups.start_loading(plan.cache_file, names_for(opened, ahead))
        lookups.wait()
        return lookups, opened.workspace.cached.recovery_message
    finally:
        opened.workspace.close()
        opened.close()


def _plan(tmp_path: Path) -> Any:
    from desktop_app.ui.boot.plan import plan_now

    plan = plan_now(arguments(_profile(tmp_path), offline=True))
    assert plan is not None
    return plan


def test_names_read_ahead_are_the_cache_s_own(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _cache_with_sku(plan.cache_file, "TSHIRT-M", "T-shirt")
    lookups, recovered = _names_after_opening(plan)
    assert recovered is None and lookups.label("skus", "s1") == "TSHIRT-M — T-shirt"


@pytest.mark.parametrize("damage", ["newer", "garbage"])
def test_names_read_ahead_from_a_cache_that_is_set_aside_are_not_shown(tmp_path: Path, damage: str) -> None:
    """The read ahead starts before the cache is opened; when opening moves the file aside (too new, damaged),
    the window must show the new, empty cache's names, not the old file's, and must not fail."""
    import sqlite3

    plan = _plan(tmp_path)
    _cache_with_sku(plan.cache_file, "OLD-1", "Old")
    if damage == "newer":
        with sqlite3.connect(plan.cache_file) as db:
            db.execute("PRAGMA user_version = 99")
    else:
        plan.cache_file.write_bytes(b"not a database at all" * 200)
    lookups, recovered = _names_after_opening(plan)
    assert recovered and lookups.by_type["skus"] == {}


def test_a_read_ahead_that_failed_is_done_again_once_the_cache_is_open(tmp_path: Path) -> None:
    """An empty file has no tables yet when the read ahead runs; opening creates them, and the window reads then."""
    plan = _plan(tmp_path)
    plan.cache_file.write_bytes(b"")
    lookups, recovered = _names_after_opening(plan)
    assert recovered and "empty file" in recovered and lookups.by_type["skus"] == {}


def test_the_overview_s_figures_are_read_ahead_only_when_the_window_opens_on_it(tmp_path: Path) -> None:
    """The Overview paints its figures in the first frame: the start works them out while PySide6 loads, and only
    when the Overview is the page the window opens on (asked for, remembered, or the first start's)."""
    from PySide6.QtCore import QSettings

    from desktop_app.inventory import StockFigures, overview
    from desktop_app.ui.boot.plan import figures_ahead, first_page
    from desktop_app.ui.pages import PAGE_SETTING

    plan = _plan(tmp_path)
    _cache_with_sku(plan.cache_file, "TSHIRT-M", "T-shirt")
    ahead = figures_ahead(first_page(arguments(tmp_path)), plan)
    assert ahead is not None, "a first start opens on the Overview"
    with StockFigures(plan.cache_file) as figures:
        expected = overview(figures)
    assert ahead.result(30) == expected and expected.catalogue_skus == 1
    assert figures_ahead(first_page(arguments(tmp_path, tab="stock_items")), plan) is None, "a table asked for"
    QSettings().setValue(PAGE_SETTING, "low_stock")
    assert figures_ahead(first_page(arguments(tmp_path)), plan) is None, "the page the last window closed on"
    assert figures_ahead(first_page(arguments(tmp_path, tab="overview")), plan) is not None


def test_the_page_is_known_before_qt_from_the_settings_file_qt_writes(tmp_path: Path) -> None:
    """What QSettings wrote, read back without Qt: the page the window closed on; anything else (no file, no page
    remembered, a value that names no page, a file Python cannot parse) is left to Qt."""
    from PySide6.QtCore import QSettings

    from desktop_app.ui.pages import PAGE_SETTING, page_before_qt, remembered_page

    path = tmp_path / "Stockroom.conf"
    assert remembered_page(path) is None and page_before_qt(None, path) is None
    assert page_before_qt("stock_items", path) == "stock_items", "asked for"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.setValue("window/geometry", b"\x01\x02 binary, escaped by Qt")
    assert page_before_qt(None, path) is None, "no page remembered yet"
    for page in ("low_stock", "stock_items", "overview", "find_sku"):
        settings.setValue(PAGE_SETTING, page)
        settings.sync()
        assert remembered_page(path) == page
        assert page_before_qt(None, path) == page and page_before_qt("skus", path) == "skus"
    settings.setValue(PAGE_SETTING, "shelves")
    settings.sync()
    assert remembered_page(path) is None
    path.write_bytes(b"\xff\xfe[window\npage")
    assert remembered_page(path) is None
    assert page_before_qt(None, None) is None, "a platform whose settings are not a file"


def test_the_settings_file_is_where_qt_keeps_the_window_s_settings(tmp_path: Path) -> None:
    """The same file QSettings uses for Stockroom's window, under the XDG config folder as Qt finds it (a fresh
    process: Qt keeps the folder it found first)."""
    import os
    import subprocess
    import sys

    from desktop_app.ui.pages import settings_file

    script = (
        "from PySide6.QtCore import QCoreApplication, QSettings\n"
        "app = QCoreApplication([])\n"
        "app.setOrganizationName('Stockroom'); app.setApplicationName('Stockroom')\n"
        "print(QSettings().fileName())\n"
    )
    for config_home in (str(tmp_path / "xdg"), "relative/ignored"):
        env = dict(os.environ, XDG_CONFIG_HOME=config_home, HOME=str(tmp_path / "home"))
        qt = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        old = dict(os.environ)
        try:
            os.environ.update(XDG_CONFIG_HOME=config_home, HOME=str(tmp_path / "home"))
            assert str(settings_file()) == qt.stdout.strip(), config_home
        finally:
            os.environ.clear()
            os.environ.update(old)


def test_an_unknown_tab_is_refused_with_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main

    with pytest.raises(SystemExit) as refused:
        main(["--tab", "shelves"])
    assert refused.value.code == 2
    error = capsys.readouterr().err
    assert "--tab" in error and "'shelves'" in error and "overview" in error and "stock_items" in error


def test_qt_s_import_hook_is_answered_by_name_for_stockroom_s_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ``desktop_app.ui`` and ``desktop_app.app`` may use Qt (ruff's rule), so the hook needs none of their
    files; any other module is still read, and the step may run twice (a second window's start, the tests)."""
    import inspect
    import json
    import sys
    from types import ModuleType

    import desktop_app.store.lease
    import desktop_app.ui.views.main_window
    from desktop_app.ui.boot.plan import load_qt_core

    load_qt_core()
    load_qt_core()
    uses_pyside = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    read: list[str] = []
    real_getsource = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda module: read.append(module.__name__) or real_getsource(module))
    assert uses_pyside(ModuleType("desktop_app.ui.views.not_written_yet")) is True
    assert uses_pyside(desktop_app.ui.views.main_window) is True
    assert uses_pyside(desktop_app.store.lease) is False
    assert uses_pyside(ModuleType("desktop_app")) is False
    assert read == [], "no file of Stockroom read"
    assert uses_pyside(json) is False and read == ["json"], "another module is read as before"
    assert uses_pyside.reads_source.__name__ == "_mod_uses_pyside", "wrapped once"
