"""One open organisation: its connection, cache, edit path and sync engine, with Qt signals for the window.

The window never talks to the client, the cache or the outbox directly; it asks the workspace, which runs network
work as coroutines on the qasync loop, turns "the server cannot be reached" into an offline state instead of an
error, and tells every tab which records changed so tables update in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_app.connection import Connection
from desktop_app.schema import synced_types
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


class Workspace(QObject):
    """Signals: ``records_changed(type, ids)`` (ids empty: reload the whole type), ``online_changed``,
    ``outbox_changed``, ``sync_started``, ``sync_progress(type, done, total)``, ``sync_finished(ok, message)``."""

    records_changed = Signal(str, list)
    online_changed = Signal(bool)
    outbox_changed = Signal()
    sync_started = Signal()
    sync_progress = Signal(str, int, object)
    sync_finished = Signal(bool, str)
    mode_changed = Signal(str)
    #: The keyring did not give this profile's secret (``message`` says why); the workspace now works offline.
    secret_unavailable = Signal(str)

    def __init__(
        self,
        connection: Connection,
        cache: Any,
        cache_file: Path,
        *,
        offline: bool = False,
        tasks: TaskSet | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.connection = connection
        self.cache = cache
        self.cache_file = cache_file
        self.tasks = tasks or TaskSet()
        # A profile opened without its secret reads it from the keyring with its first request (see _unlock).
        self.forced_offline = offline or (connection.credentials is None and not connection.can_load_secret)
        self.online = not self.forced_offline
        self.mode = "test" if connection.token is None or connection.token.test else "live"
        self._editor: Any = None
        self._sync_task: asyncio.Task[Any] | None = None
        self._client: Any = None
        self._unlocking: asyncio.Task[bool] | None = None
        #: Why the workspace works offline when it was not asked to (the keyring did not give the secret).
        self.offline_reason: str | None = None
        #: Outbox entry id → the server's id of the record it created (undo finds created records by it).
        self.confirmed_ids: dict[str, str] = {}
        self._on_close = on_close

    @property
    def editor(self) -> Any:
        """The one edit path; built on first use so a start from the cache does not load the network stack."""
        if self._editor is None:
            from desktop_app.sync import Editor

            self._editor = Editor(self.cache, self.make_client)
        return self._editor

    @property
    def name(self) -> str:
        return self.connection.name

    # -- network ---------------------------------------------------------------------------------------------
    def make_client(self) -> Any:
        """The workspace's one client (one connection pool per organisation); closed by :meth:`aclose`."""
        if self.connection.credentials is None:
            from desktop_app.api import NetworkError

            raise NetworkError("working offline: no credentials for this session")
        if self._client is None:
            self._client = self.connection.client(on_token=self._token_issued)
        return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _token_issued(self, token: Any) -> None:
        self.connection.save_token(token)
        mode = "test" if token.test else "live"
        if mode != self.mode:
            self.mode = mode
            self.mode_changed.emit(mode)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    @property
    def syncing(self) -> bool:
        return self._sync_task is not None and not self._sync_task.done()

    def warm_up(self) -> None:
        """Import the HTTP stack's lazily loaded parts in a worker thread before the first request needs them, so
        the first page of a sync does not stall the window while Python reads those modules."""
        if self.forced_offline:
            return

        def load() -> None:
            import contextlib
            import importlib

            for name in ("desktop_app.api", "desktop_app.sync", "anyio._backends._asyncio", "httpcore._async"):
                with contextlib.suppress(ImportError):
                    importlib.import_module(name)

        import threading

        threading.Thread(target=load, name="stockroom-warm-up", daemon=True).start()

    async def ready_client(self) -> Any:
        """:meth:`make_client`, once the profile's secret has been read; ``NetworkError`` when working offline."""
        if not await self._unlock():
            from desktop_app.api import NetworkError

            raise NetworkError("working offline: no client secret for this session")
        return self.make_client()

    async def _unlock(self) -> bool:
        """The profile's secret, read from the keyring in a thread on first need: after the window has painted
        from the cache, and without freezing it while the keyring answers (or asks to be unlocked). ``False``
        (and offline from then on) when the keyring cannot give it; one read serves every caller."""
        import asyncio

        if self.connection.credentials is not None:
            return True
        if self.forced_offline or not self.connection.can_load_secret:
            return False
        if self._unlocking is None:
            self._unlocking = asyncio.ensure_future(self._read_secret())
        return await asyncio.shield(self._unlocking)

    async def _read_secret(self) -> bool:
        import asyncio

        from desktop_app.errors import StockroomError

        try:
            await asyncio.to_thread(self.connection.load_secret)
        except StockroomError as exc:
            log.warning("no client secret for %s: %s", self.name, exc)
            self.offline_reason = str(exc)
            self.forced_offline = True
            self._set_online(False)
            self.secret_unavailable.emit(str(exc))
            return False
        return True

    def start_sync(self, types: Sequence[str] | None = None, *, full: bool = False) -> asyncio.Task[Any] | None:
        """Refresh ``types`` (every synced type when ``None``, in sync order) from the server in the background
        (F5); one sync at a time."""
        if self.forced_offline or self.syncing:
            return None
        chosen = tuple(types) if types is not None else synced_types()
        self._sync_task = self.tasks.spawn(self._sync(chosen, full), name="sync")
        return self._sync_task

    def cancel_sync(self) -> None:
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()

    async def _sync(self, types: tuple[str, ...], full: bool) -> None:
        import asyncio

        from desktop_app.api import ApiError, NetworkError
        from desktop_app.sync import Syncer

        self.sync_started.emit()
        message = "Up to date"
        ok = True
        try:
            if not await self._unlock():
                ok, message = False, f"Offline: {self.offline_reason or 'no client secret for this session'}"
                return
            client = self.make_client()
            syncer = Syncer(self.cache, client)
            for type_ in types:
                await syncer.sync([type_], full=full, progress=self._progress)
                self.records_changed.emit(type_, [])
            if client.dialect:
                self.connection.save_dialect(client.dialect)
            self._set_online(True)
            await self._push_quietly()
        except asyncio.CancelledError:
            ok, message = False, "Sync cancelled"
        except NetworkError as exc:
            log.info("sync: offline (%s)", exc)
            self._set_online(False)
            ok, message = False, "Offline: the server cannot be reached"
        except ApiError as exc:
            ok, message = False, f"Sync failed: {exc}"
        finally:
            self.sync_finished.emit(ok, message)

    def _progress(self, resource: str, done: int, total: int | None) -> None:
        self.sync_progress.emit(resource, done, total)

    # -- edits -----------------------------------------------------------------------------------------------
    def edited(self, type_: str, ids: Sequence[str]) -> None:
        """The editor wrote the cache: update rows at once, then send in the background."""
        self.records_changed.emit(type_, list(ids))
        self.outbox_changed.emit()
        self.tasks.spawn(self._push_quietly(), name="push")

    async def push(self) -> Any:
        """Send the outbox now; returns the editor's result, or ``None`` when offline."""
        from desktop_app.api import NetworkError

        if self.forced_offline or not await self._unlock():
            return None
        queued = {e.id: (e.type, e.record_id) for e in self.cache.outbox.entries()}
        try:
            result = await self.editor.push()
            self._set_online(not getattr(result, "offline", False))
            self.confirmed_ids.update(getattr(result, "confirmed", {}) or {})
        except NetworkError:
            self._set_online(False)
            result = None
        after = {(e.type, e.record_id) for e in self.cache.outbox.entries()}
        confirmed = getattr(result, "confirmed", None) or {}
        renamed = {(queued[entry][0], server_id) for entry, server_id in confirmed.items() if entry in queued}
        touched: dict[str, list[str]] = {}
        for type_, record_id in set(queued.values()) | after | renamed:
            touched.setdefault(type_, []).append(record_id)
        for type_, ids in touched.items():
            self.records_changed.emit(type_, ids)
        self.outbox_changed.emit()
        return result

    async def _push_quietly(self) -> None:
        if self.cache.outbox.pending_count() or any(e.state == "pending" for e in self.cache.outbox.entries()):
            await self.push()

    def entry(self, entry_id: Any) -> Any:
        return next((e for e in self.cache.outbox.entries() if e.id == entry_id), None)

    def synced_at(self, type_: str) -> datetime | None:
        value: datetime | None = self.cache.sync_state.synced_at(type_)
        return value

    def close(self) -> None:
        self.cancel_sync()
        self.tasks.cancel_all()
        if self._unlocking is not None:
            self._unlocking.cancel()  # a keyring read still running in its thread is left to end unheard
        if self._on_close is not None:
            self._on_close()
