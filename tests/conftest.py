"""Suite-wide set-up: headless Qt, qasync's loop for async UI tests, and a demo sandbox over real HTTP."""

from __future__ import annotations

import asyncio
import gc
import os

# Before anything can create a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support.sandbox import SandboxProcess, start_sandbox


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> Mapping[str, Callable[[], Any]]:
    """Async tests under a ``ui`` folder run on qasync's Qt loop; the Qt-free core's on plain asyncio.

    pytest-asyncio wants a non-empty mapping from this hook, never ``None``.
    """
    if "ui" not in Path(str(item.fspath)).parts:
        return {"asyncio": asyncio.new_event_loop}
    import qasync
    from PySide6.QtWidgets import QApplication

    return {"qasync": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


def _uses_qt(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "ui" in Path(str(item.fspath)).parts or "qtbot" in names or "qapp" in names


@pytest.fixture(autouse=True)
def qt_garbage_between_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect Qt wrappers between tests, never in the middle of Qt's event processing.

    PySide objects left by one test (a dialog, a loop's timers) can otherwise be freed by Python's cyclic collector at
    any allocation inside a later test's event loop, which crashes the process; collecting here, after pending deletes
    ran, makes their end deterministic.
    """
    if not _uses_qt(request.node):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            QCoreApplication.processEvents()
        gc.collect()
        gc.enable()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxProcess]:
    """One demo-seeded sandbox for the session; tests that change data call ``sandbox.reset()`` first."""
    with start_sandbox(seed="demo") as running:
        yield running


@pytest.fixture
def fresh_sandbox(sandbox: SandboxProcess) -> SandboxProcess:
    """The session sandbox, reset to its seed, with no faults and an empty request log."""
    sandbox.reset()
    return sandbox


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
