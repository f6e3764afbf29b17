"""Which organisation the window opens on: the embedded demo, the cache only, the last profile, or a sign-in.

Each path ends in a :class:`~desktop_app.ui.workspace.Workspace` over a cache file; the demo's cache lives in a
temporary folder (its sandbox starts from the same seed every run, so yesterday's demo edits must not reappear), a
profile's under the data dir. This module loads no Qt until a workspace is opened: the start plan
(:mod:`desktop_app.ui.boot.plan`) imports it before PySide6.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import config
from desktop_app.connection import Connection, resolve_connection
from desktop_app.errors import UsageError
from desktop_app.store import Cache, cache_path
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)


class Opened:
    """A workspace plus what must stop with it (the demo sandbox, a temporary folder)."""

    def __init__(self, workspace: Workspace, *, full_sync: bool = False) -> None:
        self.workspace = workspace
        self.full_sync = full_sync
        self.cleanups: list[Callable[[], None]] = []

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:  # closing must go on; the log keeps what failed
                log.exception("cleanup failed")
        self.cleanups.clear()


async def in_thread(work: Callable[[], Any]) -> Any:
    """Run blocking start-up work (starting the sandbox) in a plain thread, polling for the result."""
    import asyncio  # loads after the first frame (boot/plan.py)

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
    return open_cache_file(connection, cache_path(cache_dir, connection.cache_key), offline=offline, tasks=tasks)


def open_cache_file(connection: Connection, path: Path, *, offline: bool, tasks: TaskSet) -> Opened:
    from desktop_app.ui.workspace import Workspace  # loads Qt: only once the plan has started its reads

    cache = Cache.open(path)
    workspace = Workspace(connection, cache, path, offline=offline, tasks=tasks)
    opened = Opened(workspace)
    opened.cleanups.append(cache.close)
    return opened


async def open_demo(tasks: TaskSet, sandbox: Any = None) -> Opened:
    """The embedded sandbox with the demo data, signed in with its public demo credentials."""
    # Here: a start from the cache loads neither the HTTP stack nor the sandbox.
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
    opened.workspace.discards_cache_on_close = True
    opened.cleanups[:0] = [folder.cleanup, sandbox.stop]
    return opened


async def open_from_args(args: argparse.Namespace, tasks: TaskSet) -> Opened | None:
    """``--demo``, ``--offline``, the last (or named) profile, else the sign-in dialog; ``None`` when cancelled."""
    data_dir = config.data_dir(getattr(args, "data_dir", None))
    if getattr(args, "demo", False) or getattr(args, "self_test", False):
        return await open_demo(tasks)
    if getattr(args, "offline", False):
        try:
            connection = resolve_connection(args, need_secret=False)
        except UsageError as exc:
            if getattr(args, "profile", None):
                raise
            # No profile yet (only the demo was used, whose cache goes with it): nothing to work on offline.
            log.info("offline start with no profile (%s); asking to sign in", exc)
            reason = (
                "Working offline needs an organisation whose data is kept on this computer, and none is set up "
                "yet: sign in once (or try the demo)."
            )
            return await sign_in(args, tasks, reason=reason)
        return open_workspace(connection, data_dir, offline=True, tasks=tasks)
    try:
        connection = resolve_connection(args)
    except UsageError as exc:
        if getattr(args, "profile", None):
            raise
        log.info("no usable profile (%s); asking to sign in", exc)
        return await sign_in(args, tasks)
    return open_workspace(connection, data_dir, offline=False, tasks=tasks)


async def sign_in(
    args: argparse.Namespace, tasks: TaskSet, parent: Any = None, reason: str | None = None
) -> Opened | None:
    """The sign-in dialog (profile fields, Test connection, Try the demo), saying ``reason`` when it was not asked
    for; ``None`` when cancelled."""
    from desktop_app.ui.dialogs.sign_in import SignInDialog  # only when asked to sign in

    result = await SignInDialog.ask_async(parent, config_dir=getattr(args, "config_dir", None), reason=reason)
    if result is None:
        return None
    if result.sandbox is not None:
        return await open_demo(tasks, result.sandbox)
    data_dir = config.data_dir(getattr(args, "data_dir", None))
    return open_workspace(result.connection(), data_dir, offline=False, tasks=tasks)
