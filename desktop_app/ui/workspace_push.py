"""The workspace's sending: one push at a time, its answers turned into signals for the window.

A push of a batch of thousands runs on the window's event loop; its bookkeeping reads only the outbox's ids (no
entry decoded), its progress reaches the batch views five times a second at most, and the tables hear of the
records it changed by type once the push ends (see ``Workspace._notify``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.outcome import Outcome, Status, outcome_of, push_notice, reorder_outcome

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping, Sequence

    from PySide6.QtCore import SignalInstance

    from desktop_app.reorder.controller import QueuedReorder, ReorderController
    from desktop_app.store import Cache
    from desktop_app.sync import Editor, PushResult
    from desktop_app.ui.link import Link
    from desktop_app.ui.tasks import TaskSet


#: Records of one type a change names one by one; beyond, the tables reload the type (see ``_notify``).
MANY_IDS = 200


class Sending:
    """The push methods of :class:`~desktop_app.ui.workspace.Workspace` (mixed into it)."""

    if TYPE_CHECKING:  # what the workspace provides
        _cache: Cache
        _link: Link
        _push_lock: asyncio.Lock | None
        _last_tick: float
        _tick_due: bool
        closed: bool
        confirmed_ids: dict[str, str]
        server_notice: SignalInstance
        batch_progress: SignalInstance

        @property
        def _edit_path(self) -> Editor: ...

        @property
        def forced_offline(self) -> bool: ...

        _reorders: dict[str, tuple[ReorderController, QueuedReorder]]
        tasks: TaskSet

        @property
        def offline(self) -> bool: ...

        def _set_online(self, online: bool) -> None: ...

        def _notify(self, touched: Mapping[str, Sequence[str]]) -> None: ...

        async def handed_over(self, outcome: Outcome) -> Outcome: ...

    def send_now(self) -> None:
        """Push the outbox in the background (Pending edits' Send now)."""
        self.tasks.spawn(self.push(), name="push")

    async def verdict(self, outcome: Outcome) -> Outcome:
        """Push now and say what became of ``outcome``'s edit: sent, kept offline, refused or in conflict."""
        if outcome.status is not Status.QUEUED:
            return outcome
        outcome = await self.handed_over(outcome)  # an edit the writer thread writes: once it is written
        if outcome.status is not Status.QUEUED:
            return outcome
        reorder = self._reorders.pop(outcome.entry_id or "", None)
        if reorder is not None:
            return await self._reorder_verdict(outcome, *reorder)
        await self.push()
        entry = self._cache.outbox.entry(outcome.entry_id or "")
        if entry is not None:
            return outcome_of(entry, offline=self.offline)
        confirmed = self.confirmed_ids.get(outcome.entry_id or "", outcome.record_id)
        return Outcome(Status.SENT, outcome.type, confirmed, outcome.entry_ids)

    async def _reorder_verdict(self, outcome: Outcome, controller: ReorderController, queued: QueuedReorder) -> Outcome:
        async with self._lock():
            result = await controller.push(queued)
        self._notify({STOCK_LEVELS: [row.id for row in result.rows]})
        return reorder_outcome(outcome, result, offline=self.offline)

    def _lock(self) -> asyncio.Lock:
        """One push at a time: a verdict's push starts after the edit was queued, so it reports that edit."""
        if self._push_lock is None:
            import asyncio  # as in _sync

            self._push_lock = asyncio.Lock()
        return self._push_lock

    async def push(self) -> PushResult | None:
        """Send the outbox now; the editor's result, or ``None`` when offline."""
        async with self._lock():
            return await self._push_now()

    async def _push_locked(self) -> PushResult:
        """:meth:`_push_now` for the reorder planner, which pushes while the workspace holds the lock."""
        from desktop_app.sync import PushResult  # as in _sync

        return await self._push_now() or PushResult(offline=True)

    async def _push_now(self) -> PushResult | None:
        from desktop_app.api import NetworkError  # as in _sync
        from desktop_app.turns import turn  # asyncio with it: the window loads it after its first frame

        if self.forced_offline or not await self._link.ready():
            return None
        # The push starts right after the edit or batch that asked for it was told to the tables: their repaint
        # and what came due meanwhile go first (see desktop_app.turns), then the push's first reads (the outbox's
        # counts and keys, the claim's holder, an unfinished import, the first entries: 6-12 ms), not all in one
        # stall.
        await turn()
        outbox = self._cache.outbox
        counts = outbox.type_counts()
        if not any(pending for _, pending in counts.values()):
            from desktop_app.sync import PushResult  # as in _sync

            return PushResult()  # nothing to send: no request, and no claim about being online
        # The records to tell the tables about afterwards, by id; a type with more entries than that reloads whole,
        # and its thousands of ids are not read on the window's thread at all.
        whole = {type_ for type_, (entries, _) in counts.items() if entries > MANY_IDS}
        queued = {entry_id: (type_, record_id) for entry_id, type_, record_id, _ in outbox.entry_keys(skip_types=whole)}
        result: PushResult | None
        try:
            result = await self._edit_path.push(self._progress_tick)
            self._set_online(not result.offline)
            self.confirmed_ids.update(result.confirmed)
            self.server_notice.emit(push_notice(result), result.rate_limit_wait)
        except NetworkError:
            self._set_online(False)
            result = None
        after = {(type_, record_id) for _, type_, record_id, _ in outbox.entry_keys(skip_types=whole)}
        confirmed = result.confirmed if result is not None else {}
        renamed = {(queued[entry][0], server_id) for entry, server_id in confirmed.items() if entry in queued}
        touched: dict[str, list[str]] = {type_: [] for type_ in whole}
        for type_, record_id in set(queued.values()) | after | renamed:
            touched.setdefault(type_, []).append(record_id)
        for type_ in result.refreshed if result is not None else ():  # synced again after a step changed them
            touched[type_] = []
        self._notify(touched)
        return result

    def _progress_tick(self) -> None:
        """One more answer from the server: tell the batch views, five times a second at most (a redraw per
        answer of a fast server would cost more than the sending)."""
        import time

        from PySide6.QtCore import QObject, QTimer

        wait = self._last_tick + 0.2 - time.monotonic()
        if wait <= 0:
            self._tick_now()
        elif not self._tick_due:  # the last answers before a pause still show, a moment later
            self._tick_due = True
            QTimer.singleShot(int(wait * 1000) + 1, cast(QObject, self), self._tick_now)  # the workspace

    def _tick_now(self) -> None:
        import time

        self._last_tick = time.monotonic()
        self._tick_due = False
        if not self.closed:
            self.batch_progress.emit()
