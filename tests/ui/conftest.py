"""Fixtures for the window's tests: isolated QSettings, a cache synced from the demo sandbox, and an open window
against a sandbox over real HTTP (closed, with its tasks ended, after each test)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.connection import Connection
from desktop_app.store import Cache, cache_path
from desktop_app.sync import Syncer
from desktop_app.ui.boot.opening import Opened, open_workspace
from desktop_app.ui.tasks import TaskSet

CACHE_KEY = "ui-tests"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: QApplication) -> Iterator[None]:
    """Column layouts and window geometry go to a throw-away folder, not the developer's own settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("StockroomTests")
    qapp.setApplicationName("StockroomTests")
    qapp.setQuitOnLastWindowClosed(False)  # closing a test's window must not stop the qasync loop
    yield


def connection_to(sandbox: Any) -> Connection:
    return Connection(
        name="ui-test",
        endpoint=Endpoint.custom(sandbox.url),
        credentials=Credentials(client_id=sandbox.client_id, client_secret=sandbox.client_secret),
        cache_key=CACHE_KEY,
    )


async def sync_into(sandbox: Any, data_dir: Path) -> Path:
    path = cache_path(data_dir, CACHE_KEY)
    conn = connection_to(sandbox)
    assert conn.credentials is not None
    with Cache.open(path) as cache:
        async with CommerceLayerClient(conn.endpoint, conn.credentials) as client:
            await Syncer(cache, client).sync(None, full=True)
    return path


@pytest.fixture(scope="session")
def synced_dir(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose cache holds the demo seed (read-only for tests: copy it before changing anything)."""
    folder = tmp_path_factory.mktemp("synced")
    asyncio.run(sync_into(sandbox, folder))
    return folder


@pytest.fixture
def synced_cache(synced_dir: Path, tmp_path: Path) -> Iterator[Cache]:
    folder = tmp_path / "copy"
    shutil.copytree(synced_dir, folder)
    with Cache.open(cache_path(folder, CACHE_KEY)) as cache:
        yield cache


async def wait_until(condition: Any, timeout: float = 20.0, what: str = "condition") -> None:  # noqa: ASYNC109
    """Poll on the running qasync loop (never a nested Qt loop inside a coroutine)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def settle(window: Any) -> None:
    """Until the sync, pushes and table reloads started so far have finished."""
    await window.workspace.tasks.wait_idle()
    await wait_until(lambda: not any(t.reloading for t in window.tab_by_type.values()), what="tab reloads")
    await window.workspace.tasks.wait_idle()


@asynccontextmanager
async def workspace_open(
    connection: Connection, data_dir: Path, *, offline: bool = False, tasks: TaskSet | None = None
) -> AsyncIterator[Opened]:
    """``open_workspace``, closed again however the test ends: background work ended, the client and cache closed."""
    opened = open_workspace(connection, data_dir, offline=offline, tasks=tasks or TaskSet())
    try:
        yield opened
    finally:
        opened.workspace.close()
        await opened.workspace.tasks.wait_idle()
        await opened.workspace.aclose()
        opened.close()


@asynccontextmanager
async def open_window(
    sandbox: Any, data_dir: Path, *, offline: bool = False, sync: bool = True
) -> AsyncIterator[tuple[Any, Opened, list[BaseException]]]:
    """A main window over ``data_dir``'s cache for ``sandbox``; background failures are collected, not lost."""
    from desktop_app.ui.views.main_window import MainWindow

    errors: list[BaseException] = []
    async with workspace_open(
        connection_to(sandbox), data_dir, offline=offline, tasks=TaskSet(errors.append)
    ) as opened:
        window = MainWindow(opened.workspace)
        window.load()
        window.show()
        try:
            await settle(window)  # the rest of each table, read in a thread after the first screenful
            if sync and not offline:
                task = opened.workspace.start_sync(full=True)
                assert task is not None
                await asyncio.wait({task})
                await settle(window)
            yield window, opened, errors
        finally:
            window.close()
            window.deleteLater()
