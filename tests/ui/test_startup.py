"""How the window starts: the demo sandbox, the cache only, or the sign-in dialog when there is no profile."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from desktop_app.errors import UsageError
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.startup import open_from_args
from desktop_app.ui.tasks import TaskSet


def arguments(tmp_path: Path, **flags: Any) -> argparse.Namespace:
    values = {"demo": False, "offline": False, "self_test": False, "profile": None, "verbose": 0}
    values |= {"data_dir": str(tmp_path / "data"), "config_dir": str(tmp_path / "config")} | flags
    return argparse.Namespace(**values)


@pytest.mark.asyncio
async def test_no_profile_asks_to_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []

    async def cancelled(cls: Any, parent: Any = None, *, config_dir: Any = None) -> None:
        asked.append(config_dir)

    monkeypatch.setattr(SignInDialog, "ask_async", classmethod(cancelled))
    assert await open_from_args(arguments(tmp_path), TaskSet()) is None
    assert asked == [str(tmp_path / "config")]


@pytest.mark.asyncio
async def test_offline_without_a_profile_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="stockroom login"):
        await open_from_args(arguments(tmp_path, offline=True), TaskSet())


@pytest.mark.asyncio
async def test_demo_starts_the_embedded_sandbox_and_stops_it(tmp_path: Path) -> None:
    opened = await open_from_args(arguments(tmp_path, demo=True), TaskSet())
    assert opened is not None
    session = opened.session
    try:
        assert session.name == "demo" and not session.forced_offline and opened.full_sync
        client = session.make_client()
        page = await client.list_page("inventory_models")
        assert page.record_count > 0
    finally:
        session.close()
        await session.aclose()
        opened.close()
    assert not session.cache_file.parent.exists(), "the demo's cache folder is removed with it"


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
