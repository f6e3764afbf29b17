"""Which organisation the window opens on: the embedded demo, the cache only, the last profile, or a sign-in.

Each path ends in a :class:`Session` over a cache file; the demo's cache lives in a temporary folder (its sandbox
starts from the same seed every run, so yesterday's demo edits must not reappear), a profile's under the data dir.
This module loads no Qt until a workspace is opened: :func:`plan_now` runs before PySide6 is imported, so the cache's
first reads overlap that import.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import config
from desktop_app.connection import Connection
from desktop_app.errors import StockroomError, UsageError
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class Opened:
    """A workspace plus what must stop with it (the demo sandbox, a temporary folder)."""

    workspace: Workspace
    full_sync: bool = False
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:  # closing must go on; the log keeps what failed
                log.exception("cleanup failed")
        self.cleanups.clear()


async def in_thread(work: Callable[[], Any]) -> Any:
    """Run blocking start-up work (starting the sandbox) in a plain thread, polling for the result."""
    import asyncio

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="stockroom-start", daemon=True)
    thread.start()
    while thread.is_alive():  # noqa: ASYNC110 - a plain thread has no awaitable to wait on
        await asyncio.sleep(0.02)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def open_workspace(connection: Connection, cache_dir: Any, *, offline: bool, tasks: TaskSet) -> Opened:
    from desktop_app.store import cache_path

    return open_cache_file(connection, cache_path(cache_dir, connection.cache_key), offline=offline, tasks=tasks)


def open_cache_file(connection: Connection, path: Path, *, offline: bool, tasks: TaskSet) -> Opened:
    from desktop_app.store import Cache
    from desktop_app.ui.models.lookups import forget_prefetch
    from desktop_app.ui.workspace import Workspace

    cache = Cache.open(path)
    if cache.recovery_message:  # the file read ahead was set aside: what was read from it must not be shown
        forget_prefetch(path)
    workspace = Workspace(connection, cache, path, offline=offline, tasks=tasks)
    opened = Opened(workspace)
    opened.cleanups.append(cache.close)
    return opened


async def open_demo(tasks: TaskSet, sandbox: Any = None) -> Opened:
    """The embedded sandbox with the demo data, signed in with its public demo credentials."""
    from desktop_app.api import Credentials, Endpoint
    from desktop_app.sandbox import start_background

    if sandbox is None:
        sandbox = await in_thread(lambda: start_background(seed="demo"))
    folder = tempfile.TemporaryDirectory(prefix="stockroom-demo-")
    connection = Connection(
        name="demo",
        endpoint=Endpoint.custom(sandbox.url),
        credentials=Credentials(client_id=sandbox.client_id, client_secret=sandbox.client_secret),
        cache_key="demo",
    )
    opened = open_workspace(connection, folder.name, offline=False, tasks=tasks)
    opened.full_sync = True
    opened.cleanups[:0] = [folder.cleanup, sandbox.stop]
    return opened


@dataclass
class Plan:
    """What :func:`plan_now` resolved: the connection and its cache file, known before any Qt is loaded."""

    connection: Connection
    cache_file: Path
    offline: bool


def plan_now(args: argparse.Namespace) -> Plan | None:
    """The opening that needs no waiting (``--offline``, or a profile that resolves), so the window can paint
    before the loop starts; ``None`` when :func:`open_from_args` must do it (demo, sign-in, or an error it reports).
    Loads no Qt: it runs before PySide6 is imported."""
    from desktop_app.connection import resolve_connection
    from desktop_app.store import cache_path

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
    """Open the workspace :func:`plan_now` resolved; ``None`` when the cache cannot be opened now (the loop's
    :func:`open_from_args` then opens it again and reports what is wrong)."""
    try:
        return open_cache_file(plan.connection, plan.cache_file, offline=plan.offline, tasks=tasks)
    except StockroomError as exc:
        log.info("opening waits for the loop: %s", exc)
        return None


async def open_from_args(args: argparse.Namespace, tasks: TaskSet) -> Opened | None:
    """``--demo``, ``--offline``, the last (or named) profile, else the sign-in dialog; ``None`` when cancelled."""
    from desktop_app.connection import resolve_connection

    data_dir = config.data_dir(getattr(args, "data_dir", None))
    if getattr(args, "demo", False) or getattr(args, "self_test", False):
        return await open_demo(tasks)
    if getattr(args, "offline", False):
        connection = resolve_connection(args, need_secret=False)
        return open_workspace(connection, data_dir, offline=True, tasks=tasks)
    try:
        connection = resolve_connection(args)
    except UsageError as exc:
        if getattr(args, "profile", None):
            raise
        log.info("no usable profile (%s); asking to sign in", exc)
        return await sign_in(args, tasks)
    return open_workspace(connection, data_dir, offline=False, tasks=tasks)


async def sign_in(args: argparse.Namespace, tasks: TaskSet, parent: Any = None) -> Opened | None:
    """The sign-in dialog (profile fields, Test connection, Try the demo); ``None`` when cancelled."""
    from desktop_app.ui.dialogs.sign_in import SignInDialog

    result = await SignInDialog.ask_async(parent, config_dir=getattr(args, "config_dir", None))
    if result is None:
        return None
    if result.sandbox is not None:
        return await open_demo(tasks, result.sandbox)
    data_dir = config.data_dir(getattr(args, "data_dir", None))
    return open_workspace(result.connection(), data_dir, offline=False, tasks=tasks)
