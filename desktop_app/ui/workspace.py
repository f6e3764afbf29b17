"""One open organisation: its connection, cache, edit path and sync engine, with Qt signals for the window.

The window never talks to the client, the cache or the outbox directly; it asks the workspace, which runs network
work as coroutines on the qasync loop, turns "the server cannot be reached" into an offline state instead of an
error, and tells every tab which records changed so tables update in place. It is the only door for edits: undo
steps, inline edits, dialogs, the reorder list and Pending edits all call :meth:`Workspace.create` and its siblings,
and only the workspace emits its signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, Signal

from desktop_app.connection import Connection
from desktop_app.errors import StockroomError
from desktop_app.schema import STOCK_LEVELS, FieldError, synced_types
from desktop_app.store.records import OP_KEY
from desktop_app.ui.link import Link
from desktop_app.ui.outcome import (
    CacheView,
    Outcome,
    Status,
    outcome_of,
    rate_limit_notice,
    refusal,
)
from desktop_app.ui.tasks import TaskSet
from desktop_app.ui.workspace_batches import BatchDoor
from desktop_app.ui.workspace_history import Histories
from desktop_app.ui.workspace_push import MANY_IDS, Sending
from desktop_app.ui.workspace_writes import Writes

if TYPE_CHECKING:
    import asyncio

    from desktop_app.api import CommerceLayerClient, Page, Token
    from desktop_app.reorder.controller import QueuedReorder, ReorderController
    from desktop_app.reorder.levels import StockLevelRow
    from desktop_app.store import Cache, EntryState
    from desktop_app.store.records import Relationships
    from desktop_app.sync import Editor

log = logging.getLogger(__name__)


class Workspace(Writes, BatchDoor, Sending, Histories, QObject):
    """Signals: ``records_changed(type, ids)`` (ids empty: reload the whole type), ``online_changed``,
    ``outbox_changed``, ``sync_started``, ``sync_progress(type, done, total)``, ``sync_finished(ok, message)``,
    ``edit_refused(message)`` when an edit is not taken before it is even queued."""

    records_changed = Signal(str, list)
    online_changed = Signal(bool)
    outbox_changed = Signal()
    sync_started = Signal()
    sync_progress = Signal(str, int, object)
    sync_finished = Signal(bool, str)
    mode_changed = Signal(str)
    edit_refused = Signal(str)
    #: A sync changed records in the cache: ``{type: count}`` (the Changes view lists them).
    changes_recorded = Signal(dict)
    #: The history of a record was fetched (or read from the cache when offline): ``(type, id)``.
    history_ready = Signal(str, str)
    #: The keyring did not give this profile's secret (``message`` says why); the workspace now works offline.
    secret_unavailable = Signal(str)
    #: What holds work back that is nobody's mistake, in words ("" once it no longer does): Commerce Layer's rate
    #: limit, another Stockroom process sending this cache's edits. ``seconds``: how long it lasts, when known.
    server_notice = Signal(str, object)
    #: The server answered more of the outbox while a push goes on (at most a few times a second): a batch's
    #: progress moved. ``outbox_changed`` still follows when the push ends.
    batch_progress = Signal()

    def __init__(
        self,
        connection: Connection,
        cache: Cache,
        cache_file: Path,
        *,
        offline: bool = False,
        tasks: TaskSet | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.connection = connection
        self._cache = cache
        self.cache_file = cache_file
        self.tasks = tasks or TaskSet()
        self._link = Link(connection, offline=offline, on_token=self._token_issued, on_refused=self._secret_refused)
        self.online = not self.forced_offline
        self.mode = "test" if connection.token is None or connection.token.test else "live"
        self._editor: Editor | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._push_lock: asyncio.Lock | None = None
        #: Reorders queued and not yet judged, by their first outbox entry: their planner and what it queued.
        self._reorders: dict[str, tuple[ReorderController, QueuedReorder]] = {}
        #: Outbox entry id → the server's id of the record it created (undo finds created records by it).
        self.confirmed_ids: dict[str, str] = {}
        self._on_close = on_close
        #: The cache goes with the window (the demo's temporary folder): queued edits are not sent later.
        self.discards_cache_on_close = False
        #: Set by :meth:`close`: the cache is about to close, nothing may start reading it any more.
        self.closed = False
        self._last_tick = 0.0
        self._tick_due = False
        #: Outbox entry id → what became of an edit the window's connection could not write at
        #: once (see :mod:`desktop_app.ui.workspace_writes`); kept after a refusal, so a verdict still says it.
        self._handed: dict[str, asyncio.Future[Outcome]] = {}

    @property
    def cached(self) -> CacheView:
        """The cache, to read; every change goes through this workspace's edit methods."""
        return self._cache

    @property
    def _edit_path(self) -> Editor:
        """The Editor: built on first use, so a start from the cache does not load the network stack."""
        if self._editor is None:
            from desktop_app.sync import Editor  # the HTTP stack: after the first frame, in warm_up_network's thread

            self._editor = Editor(self._cache, self.make_client)
        return self._editor

    @property
    def name(self) -> str:
        return self.connection.name

    # -- network ---------------------------------------------------------------------------------------------
    @property
    def forced_offline(self) -> bool:
        """Working from the cache only: asked to, or the keyring gave no secret."""
        return self._link.forced_offline

    @forced_offline.setter
    def forced_offline(self, value: bool) -> None:
        self._link.forced_offline = value

    @property
    def offline_reason(self) -> str | None:
        """Why the workspace works offline when it was not asked to (the keyring did not give the secret)."""
        return self._link.offline_reason

    def make_client(self) -> CommerceLayerClient:
        return self._link.client()

    async def ready_client(self) -> CommerceLayerClient:
        return await self._link.ready_client()

    async def aclose(self) -> None:
        await self._link.aclose()

    def _secret_refused(self, message: str) -> None:
        self._set_online(False)
        self.secret_unavailable.emit(message)

    def _token_issued(self, token: Token) -> None:
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
    def offline(self) -> bool:
        """Edits stay queued here now: the window works offline, or the server could not be reached."""
        return self.forced_offline or not self.online

    @property
    def syncing(self) -> bool:
        return self._sync_task is not None and not self._sync_task.done()

    async def fetch_page(self, type_: str, filters: Mapping[str, Any] | None, number: int, size: int) -> Page | None:
        """Page ``number`` of a type the cache does not hold yet, from the server; ``None`` (and offline from now)
        when the server cannot be reached."""
        # The HTTP stack loads after the first frame (warm_up_network), not with the window.
        from desktop_app.api import NetworkError
        from desktop_app.sync import includes

        try:
            client = await self.ready_client()
            include = includes(type_) or None
            return await client.list_page(type_, filters=filters, include=include, page=number, page_size=size)
        except NetworkError:
            self._set_online(False)
            return None

    def start_sync(self, types: Sequence[str] | None = None, *, full: bool = False) -> asyncio.Task[None] | None:
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
        # asyncio (after the first frame, boot/plan.py) and the HTTP stack are not loaded when the workspace is made.
        import asyncio

        from desktop_app.api import ApiError, NetworkError, RateLimitedError
        from desktop_app.sync import Syncer

        self.sync_started.emit()
        message = "Up to date"
        ok = True
        try:
            if not await self._link.ready():
                ok, message = False, f"Offline: {self.offline_reason or 'no client secret for this session'}"
                return
            client = self.make_client()
            syncer = Syncer(self._cache, client)
            with syncer.one_run():
                for type_ in types:
                    await syncer.sync([type_], full=full, progress=self._progress)
                    self.records_changed.emit(type_, [])
            if syncer.changed:
                from desktop_app.history import change_summary

                message = change_summary(syncer.changed)
                self.changes_recorded.emit(dict(syncer.changed))
            if client.dialect:
                self.connection.save_dialect(client.dialect)
            self._set_online(True)
            await self.push()
        except asyncio.CancelledError:
            ok, message = False, "Sync cancelled"
        except NetworkError as exc:
            log.info("sync: offline (%s)", exc)
            self._set_online(False)
            ok, message = False, "Offline: the server cannot be reached"
        except RateLimitedError as exc:
            ok, message = False, rate_limit_notice(exc.wait)
            self.server_notice.emit(message, exc.wait)
        except ApiError as exc:
            ok, message = False, f"Sync failed: {exc}"
        finally:
            self.sync_finished.emit(ok, message)

    async def reconnect(self) -> bool:
        """Whether the server answers again (one record of the first synced type): then online, and a sync starts
        that sends what is queued and brings the tables up to date."""
        from desktop_app.api import ApiError, NetworkError  # as in _sync

        if self.forced_offline:
            return False
        try:
            client = await self.ready_client()
            await client.list_page(synced_types()[0], page=1, page_size=1)
        except (NetworkError, ApiError) as exc:
            log.info("reconnect: still offline (%s)", exc)
            return False
        self._set_online(True)
        if self.start_sync() is None:  # a sync already running sends the queue when it ends
            await self.push()
        return True

    def _progress(self, resource: str, done: int, total: int | None) -> None:
        self.sync_progress.emit(resource, done, total)

    # -- the one way in for every edit ------------------------------------------------------------------------
    # Each method checks the edit against the resource description, writes the cache and the outbox in one
    # transaction (the Editor), tells the tabs which rows changed, starts sending in the background and answers
    # with an Outcome at once; ``await verdict(outcome)`` waits for the server's answer when a caller needs it.

    def create(self, type_: str, attributes: Mapping[str, Any], relationships: Relationships | None = None) -> Outcome:
        """A new record; until the server confirms it, it has a temporary id (:meth:`current_id` follows it)."""
        from desktop_app.sync.editor import local_id  # as in _edit_path

        record_id = local_id()
        return self._write(
            type_,
            record_id,
            lambda editor, entry: editor.create(type_, attributes, relationships, entry_id=entry, record_id=record_id),
            new=True,
        )

    def update(
        self,
        type_: str,
        record_id: str,
        attributes: Mapping[str, Any] | None = None,
        relationships: Relationships | None = None,
    ) -> Outcome:
        return self._write(
            type_,
            record_id,
            lambda editor, entry_id: editor.update(
                type_, record_id, attributes=attributes or None, relationships=relationships or None, entry_id=entry_id
            ),
        )

    def delete(self, type_: str, record_id: str) -> Outcome:
        return self._write(
            type_, record_id, lambda editor, entry_id: editor.delete(type_, record_id, entry_id=entry_id)
        )

    def reorder(self, inventory_model_id: str, order: Sequence[str]) -> Outcome:
        """A new shipping order for one inventory model's stock levels: the fewest priority changes, queued as
        one action. Its :meth:`verdict` puts the server's order back if the server refuses any of them."""
        # Here, not above: the planner is not needed before the first frame (~2 ms, -X importtime).
        from desktop_app.reorder.controller import ReorderController
        from desktop_app.reorder.planner import PlanError

        controller = ReorderController(self._cache, self._edit_path, inventory_model_id, push=self._push_locked)
        try:
            queued = controller.queue(controller.plan(order))
        except (PlanError, FieldError, StockroomError) as exc:
            return self._refused(refusal(STOCK_LEVELS, inventory_model_id, exc))
        outcome = Outcome(Status.QUEUED, STOCK_LEVELS, inventory_model_id, tuple(queued.entry_ids))
        if outcome.entry_id is None:  # the order it already has: nothing to send
            return Outcome(Status.SENT, STOCK_LEVELS, inventory_model_id)
        self._reorders[outcome.entry_id] = (controller, queued)
        return self._queued(outcome, ids=list(queued.plan.changes))

    def discard(self, entry_id: str) -> Outcome:
        """Forget a queued edit: the record shows the server's version again."""
        entry = self._cache.outbox.entry(entry_id)
        if entry is None:
            return Outcome(Status.DISCARDED, "")
        self._edit_path.discard(entry_id)
        return self._queued(Outcome(Status.DISCARDED, entry.type, entry.record_id), send=False)

    def retry(self, entry_id: str) -> Outcome:
        """Send an edit the server refused once more (after what it objected to was fixed elsewhere)."""
        return self._requeue(entry_id, "failed", lambda: self._edit_path.retry(entry_id))

    def resolve(self, entry_id: str, keep: Literal["mine", "theirs"]) -> Outcome:
        """Settle a conflict: ``mine`` sends our values over the server's, ``theirs`` drops ours of the fields
        that conflict (the edit's other fields still go)."""
        return self._requeue(entry_id, "conflict", lambda: self._edit_path.resolve(entry_id, keep))

    def _requeue(self, entry_id: str, state: EntryState, decide: Callable[[], None]) -> Outcome:
        entry = self._cache.outbox.entry(entry_id)
        if entry is None:
            return Outcome(Status.DISCARDED, "")
        if entry.state != state:
            return outcome_of(entry, offline=self.offline)
        decide()
        return self._queued(Outcome(Status.QUEUED, entry.type, entry.record_id, (entry_id,)))

    def current_id(self, type_: str, record_id: str, entry_id: str | None) -> str:
        """A record created here has a temporary id until the server confirms it; find it under its new one."""
        if entry_id is None or self._cache.records.get(type_, record_id) is not None:
            return record_id
        if entry_id in self.confirmed_ids:
            return self.confirmed_ids[entry_id]
        for record in self._cache.records.find(type_):
            if (record.attributes.get("metadata") or {}).get(OP_KEY) == entry_id:
                return record.id
        return record_id

    def stock_levels(self, inventory_model_id: str) -> list[StockLevelRow]:
        """One inventory model's stock levels as the person sees them (queued edits applied), by priority."""
        from desktop_app.reorder.controller import ReorderController  # as in reorder()

        return ReorderController(self._cache, self._edit_path, inventory_model_id).rows()

    def _queued(self, outcome: Outcome, *, ids: Sequence[str] | None = None, send: bool = True) -> Outcome:
        self._notify({outcome.type: list(ids) if ids is not None else [outcome.record_id]})
        if send and not self.forced_offline:
            self.tasks.spawn(self.push(), name="push")
        return outcome

    def _refused(self, outcome: Outcome) -> Outcome:
        self.edit_refused.emit(outcome.message)
        return outcome

    def _notify(self, touched: Mapping[str, Sequence[str]]) -> None:
        """Tell the tabs which records changed; more than :data:`MANY_IDS` of a type reload the type instead (a
        table reads 25,000 changed rows one by one slower than it rereads its order, off the window's thread)."""
        for type_, ids in touched.items():
            if type_:
                self.records_changed.emit(type_, list(ids) if len(ids) <= MANY_IDS else [])
        self.outbox_changed.emit()

    def synced_at(self, type_: str) -> datetime | None:
        return self._cache.sync_state.synced_at(type_)

    def close(self) -> None:
        self.closed = True
        self.cancel_sync()
        self.tasks.cancel_all()
        self._link.close()
        if self._on_close is not None:
            self._on_close()
