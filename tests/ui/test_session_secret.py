"""A profile's secret is read from the keyring after the window has painted, in a thread, once; when the keyring
cannot give it, the window keeps the cache and works offline."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api import Credentials
from desktop_app.connection import Connection
from desktop_app.errors import UsageError
from desktop_app.ui.boot.opening import open_workspace
from desktop_app.ui.tasks import TaskSet
from tests.ui.conftest import connection_to, workspace_open


def deferred(sandbox: Any, read: Any) -> Connection:
    connection = connection_to(sandbox)
    connection.credentials = None
    connection.secret_loader = read
    return connection


@pytest.mark.asyncio
async def test_the_secret_is_read_once_in_a_thread_when_first_needed(sandbox: Any, tmp_path: Path) -> None:
    reads: list[str] = []

    def read(connection: Connection) -> None:
        reads.append(threading.current_thread().name)
        connection.credentials = Credentials(client_id=sandbox.client_id, client_secret=sandbox.client_secret)

    async with workspace_open(deferred(sandbox, read), tmp_path, tasks=TaskSet()) as opened:
        workspace = opened.workspace
        assert not workspace.forced_offline and workspace.online, "a profile whose secret is still to be read"
        assert reads == [], "opening the workspace does not touch the keyring"
        sync = workspace.start_sync(["stock_locations"], full=True)
        assert sync is not None
        await asyncio.gather(sync, workspace.push())
        assert len(reads) == 1 and reads[0] != threading.main_thread().name
        assert workspace.cached.records.count("stock_locations") > 0 and workspace.online


@pytest.mark.asyncio
async def test_a_table_the_cache_lacks_pages_from_the_server_once_the_secret_is_read(
    sandbox: Any, tmp_path: Path
) -> None:
    from desktop_app.ui.loading import ServerPager
    from desktop_app.ui.models.lookups import Lookups
    from desktop_app.ui.models.resource_table import ResourceTableModel
    from tests.ui.conftest import wait_until

    reads: list[str] = []

    def read(connection: Connection) -> None:
        reads.append("read")
        connection.credentials = Credentials(client_id=sandbox.client_id, client_secret=sandbox.client_secret)

    tasks = TaskSet()
    async with workspace_open(deferred(sandbox, read), tmp_path, tasks=tasks) as opened:
        model = ResourceTableModel("stock_items", Lookups(), tasks=tasks)
        model.set_records([], pager=ServerPager(opened.workspace, "stock_items"))
        model.fetchMore()
        await wait_until(lambda: model.rowCount() == ServerPager.PAGE_SIZE, what="the first page")
        assert reads == ["read"] and opened.workspace.online


@pytest.mark.asyncio
async def test_without_the_secret_the_session_keeps_the_cache_and_goes_offline(sandbox: Any, tmp_path: Path) -> None:
    def read(connection: Connection) -> None:
        raise UsageError("profile 'shop' has no secret stored; run `stockroom login --profile shop` again")

    async with workspace_open(deferred(sandbox, read), tmp_path, tasks=TaskSet()) as opened:
        workspace = opened.workspace
        said: list[str] = []
        finished: list[tuple[bool, str]] = []
        workspace.secret_unavailable.connect(said.append)
        workspace.sync_finished.connect(lambda ok, message: finished.append((ok, message)))
        sync = workspace.start_sync(full=True)
        assert sync is not None
        await sync
        assert said and "stockroom login --profile shop" in said[0]
        assert finished == [(False, f"Offline: {said[0]}")]
        assert workspace.forced_offline and not workspace.online
        assert workspace.start_sync() is None and await workspace.push() is None, "no second keyring read"


@pytest.mark.asyncio
async def test_closing_during_a_sync_ends_it_while_the_cache_is_open(
    sandbox: Any, synced_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Quitting mid-sync (here: while the keyring is still being read): the cancelled sync still tells the window
    it ended, so that must happen before the cache closes (it used to land on a closed database)."""
    import argparse
    import shutil

    from desktop_app.ui.boot.window_app import WindowApp
    from desktop_app.ui.errors import ErrorReporter
    from desktop_app.ui.views.main_window import MainWindow

    data_dir = tmp_path / "data"
    shutil.copytree(synced_dir, data_dir)
    keyring_answers = threading.Event()
    reporter = ErrorReporter(interactive=False)
    connection = deferred(sandbox, lambda connection: keyring_answers.wait(10))
    opened = open_workspace(connection, data_dir, offline=False, tasks=TaskSet(reporter.report))
    window = MainWindow(opened.workspace)
    window.load()
    window.show()
    app = WindowApp(argparse.Namespace(self_test=False), reporter)
    ended: list[str] = []
    opened.workspace.sync_finished.connect(lambda ok, message: ended.append(message))
    sync = opened.workspace.start_sync(full=True)
    assert sync is not None
    await asyncio.sleep(0.05)
    assert not sync.done(), "waiting for the keyring"
    try:
        await app._close(opened)
        assert sync.done() and ended == ["Sync cancelled"]
        await asyncio.sleep(0.05)
    finally:
        keyring_answers.set()
        window.close()
        window.deleteLater()
    assert reporter.errors == [] and not [r for r in caplog.records if r.levelname == "ERROR"]
