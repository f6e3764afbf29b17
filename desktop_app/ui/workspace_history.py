"""The workspace's record histories: versions kept in the cache, fetched page by page on demand, and what the last
syncs changed (the Changes view), all readable offline.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtCore import SignalInstance

    from desktop_app.api import CommerceLayerClient
    from desktop_app.store import Cache
    from desktop_app.store.history import Change, Version
    from desktop_app.ui.tasks import TaskSet

log = logging.getLogger(__name__)


class Histories:
    """The history methods of :class:`~desktop_app.ui.workspace.Workspace` (mixed into it)."""

    if TYPE_CHECKING:  # what the workspace provides
        _cache: Cache
        tasks: TaskSet
        history_ready: SignalInstance

        @property
        def forced_offline(self) -> bool: ...

        async def ready_client(self) -> CommerceLayerClient: ...

        def _set_online(self, online: bool) -> None: ...

    def history(self, type_: str, record_id: str) -> list[Version]:
        """The versions of a record kept in the cache, newest first."""
        return self._cache.history.versions(type_, record_id)

    def history_fetched(self, type_: str, record_id: str) -> bool:
        return self._cache.history.fetched(type_, record_id) is not None

    def fetch_history(self, type_: str, record_id: str, *, pages: int = 1, first: int = 1) -> asyncio.Task[None] | None:
        """Fetch one record's newest versions in the background (the details pane opening it); offline, the
        cached ones stay. ``history_ready`` tells when the cache holds what there is."""
        if self.forced_offline or record_id.startswith("local-"):
            self.history_ready.emit(type_, record_id)
            return None
        return self.tasks.spawn(self._fetch_history(type_, record_id, pages, first), name="history")

    def history_complete(self, type_: str, record_id: str) -> bool:
        """Whether the cache holds a record's whole history (its last fetch reached the oldest version)."""
        fetched = self._cache.history.fetched(type_, record_id)
        return fetched is not None and fetched[2]

    def fetch_older(self, type_: str, record_id: str) -> asyncio.Task[None] | None:
        """Fetch the page of versions after the last one fetched ("Show older"): history is paged, on demand."""
        fetched = self._cache.history.fetched(type_, record_id)
        return self.fetch_history(type_, record_id, first=fetched[1] + 1 if fetched else 1)

    async def _fetch_history(self, type_: str, record_id: str, pages: int, first: int) -> None:
        from desktop_app.api import ApiError, NetworkError
        from desktop_app.history import fetch_history

        try:
            await fetch_history(self._cache, await self.ready_client(), type_, record_id, pages=pages, first=first)
        except NetworkError:
            self._set_online(False)
        except ApiError as exc:
            log.info("history of %s %s: %s", type_, record_id, exc)
        finally:
            self.history_ready.emit(type_, record_id)

    def changes(self, *, last: int = 1) -> list[Change]:
        """What the last ``last`` syncs changed in the cache (kept across sessions: works offline)."""
        return self._cache.history.changes(last=last)

    def sync_runs(self) -> list[tuple[int, str, int]]:
        return self._cache.history.runs()
