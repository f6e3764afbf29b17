"""Bringing the cache up to date with the server, resource by resource.

Full sync streams every page through the client and writes each page in its own short transaction as it
arrives; only a listing that completed may remove records it did not see, so a sync cut short (network, cancel,
``kill -9``) leaves the cache consistent and the next sync simply runs the full pass again (records already seen
keep counting, see ``SyncStateStore.begin_full_sync``).

Incremental sync costs one request per resource when at most a page of records changed: the first page of the
whole listing sorted by ``-updated_at`` carries both the newest records and ``meta.record_count``. Walking that
order until a record at or below the high-water mark gives every change (pages continue only while they hold
nothing but changes); the total then tells whether anything was deleted: after the changes are stored, the
number of records the cache believes the server holds must equal ``record_count``. Only on a mismatch does the
sync list ids alone (``fields[type]=id``, 25 a page, concurrent) to find what went away; that is the cheapest
check that cannot miss a deletion, since the API offers no deletion feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from desktop_app.api.records import parse_page
from desktop_app.schema import app_type, format_datetime
from desktop_app.store import Cache
from desktop_app.store.core import now_text
from desktop_app.store.indexes import DEFER_PAGES
from desktop_app.sync.deletions import DeletionSearch, Unresolved
from desktop_app.sync.resources import includes, lean_fields, resolve_types
from desktop_app.sync.scoped import ScopedSync
from desktop_app.sync.writer import PageWriter

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient, Page, Record

log = logging.getLogger("desktop_app.sync")

#: ``progress(resource, records done, records total)``; total is ``None`` until the server has told it.
Progress = Callable[[str, int, int | None], None]

PAGE_SIZE = 25
#: How far before the server's ``Date`` on page 1 a full sync sets its high-water mark (see :func:`_high_water_of`).
MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class SyncResult:
    """What one resource's sync did (the command line prints it; tests check it)."""

    type: str
    mode: str  # "full" or "incremental"
    fetched: int
    removed: int
    total: int | None


class Syncer:
    """Pulls pages from one client into one cache's records and sync state (it never touches the outbox: rows
    with queued edits keep them). Cancel the task running :meth:`sync` to stop it."""

    def __init__(self, cache: Cache, client: CommerceLayerClient, *, page_size: int = PAGE_SIZE) -> None:
        self.records = cache.records
        self.sync_state = cache.sync_state
        self.history = cache.history
        self.indexes = cache.indexes
        self.client = client
        #: What the last :meth:`sync` changed in the cache: records per type (see ``store.history``).
        self.changed: dict[str, int] = {}
        self._run: int | None = None
        self.page_size = page_size

    async def sync(
        self,
        types: Sequence[str] | str | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> list[SyncResult]:
        """Sync ``types`` (default: everything Stockroom keeps) in reference order; ``full`` forces full passes."""
        results = []
        own = self._run is None
        run = self.history.begin_run() if self._run is None else self._run
        try:
            for type_ in resolve_types(types if isinstance(types, str) or types is None else list(types)):
                state = self.sync_state.get(type_)
                if not state.full_in_progress and self.indexes.deferred(type_):
                    await asyncio.to_thread(self.indexes.build, type_)  # a sync killed while it built them
                started = now_text()
                full_pass = full or state.full_synced_at is None or state.full_in_progress or state.high_water is None
                with self.history.recording(run, type_, created=state.full_synced_at is not None):
                    if app_type(type_).synced_for is not None:
                        results.append(await self.scoped_sync(type_, None if full_pass else state.high_water, progress))
                    elif full_pass:
                        results.append(await self.full_sync(type_, progress))
                    else:
                        results.append(await self.incremental_sync(type_, state.high_water or "", progress))
                # Deletes confirmed before this pass began cannot be in any page it listed.
                self.records.forget_deleted(type_, before=started)
        finally:
            if own:
                self.changed = self.history.finish_run(run)
        return results

    @contextlib.contextmanager
    def one_run(self) -> Iterator[None]:
        """Record the changes of several :meth:`sync` calls (the window syncs type by type) as one sync's."""
        self._run = self.history.begin_run()
        try:
            yield
        finally:
            run, self._run = self._run, None
            self.changed = self.history.finish_run(run)

    async def full_sync(self, type_: str, progress: Progress | None = None) -> SyncResult:
        generation = self.sync_state.begin_full_sync(type_)
        done = 0
        total: int | None = None
        if progress:
            progress(type_, 0, None)

        def written(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(type_, done, total)

        high_water = ""

        included = includes(type_)

        def store(texts: Sequence[str]) -> int:
            return self.records.store_documents(type_, texts, generation, _records_of, included)

        writer = PageWriter(store, written)
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.indexes.bulk_writing())
            stack.callback(writer.close)
            async for page in self.client.list_all_raw(
                type_, include=included or None, fields=lean_fields(type_), page_size=self.page_size
            ):
                if total is None:
                    writer.expect(page.page_count)
                    high_water = _high_water_of(page.date)
                    if page.page_count >= DEFER_PAGES:
                        self.indexes.defer(type_)  # only into an empty type (see ``store.indexes``)
                total = page.record_count
                await writer.put(page.text)
            await writer.flush()
        removed = self.sync_state.finish_full_sync(type_, generation, server_count=total, high_water=high_water)
        await asyncio.to_thread(self.indexes.build, type_)  # seconds at a million rows: off the event loop
        log.info("full sync of %s: %d records, %d removed", type_, done, removed)
        return SyncResult(type_, "full", done, removed, total)

    async def scoped_sync(self, type_: str, high_water: str | None, progress: Progress | None = None) -> SyncResult:
        """A type kept only for what another type points at (see ``scoped``): full when ``high_water`` is None."""
        scope = app_type(type_).synced_for
        assert scope is not None, f"{type_} is not kept for another type"

        def report(done: int, total: int | None) -> None:
            if progress:
                progress(type_, done, total)

        scoped = ScopedSync(
            type_, scope, self.records, self.sync_state, self.client, self.page_size, _high_water_of, report
        )
        mode = "full" if high_water is None else "incremental"
        counts = await (scoped.full() if high_water is None else scoped.incremental(high_water))
        return SyncResult(type_, mode, counts.fetched, counts.removed, counts.total)

    async def incremental_sync(self, type_: str, high_water: str, progress: Progress | None = None) -> SyncResult:
        done = 0
        total: int | None = None
        number = 1
        newest = high_water
        while True:
            page = await self._newest_page(type_, number)
            total = page.record_count
            fresh = [r for r in page.records if (r.updated_at or "") > high_water]
            if number == 1 and fresh:
                # The newest record when the walk began: anything changed after that is newer still.
                newest = fresh[0].updated_at or high_water
            done += self.records.store_page(fresh)
            if progress:
                progress(type_, done, None)
            if len(fresh) < len(page.records) or number >= page.page_count:
                break
            number += 1
        removed = 0
        if total is not None and self.records.server_count(type_) != total:
            missing = await self._remove_deleted(type_, total)
            if missing is None:
                log.info("%s: the server holds records this cache never saw; running a full sync", type_)
                return await self.full_sync(type_, progress)
            removed = missing
        self.sync_state.finish_incremental_sync(type_, server_count=total, high_water=newest)
        if progress:
            progress(type_, done, done)
        log.info("incremental sync of %s: %d changed, %d removed", type_, done, removed)
        return SyncResult(type_, "incremental", done, removed, total)

    async def _newest_page(self, type_: str, number: int) -> Page:
        return await self.client.list_page(
            type_,
            sort=["-updated_at", "id"],
            include=includes(type_) or None,
            fields=lean_fields(type_),
            page=number,
            page_size=self.page_size,
        )

    async def _remove_deleted(self, type_: str, server_total: int) -> int | None:
        """The count check failed: find what the server deleted (see ``deletions``) and drop it.

        Returns ``None`` when the server also holds ids the cache lacks (a change the high-water mark missed,
        such as two updates in the same millisecond): only a full pass repairs that.
        """
        known = self.records.server_created(type_)
        if all(stamp for stamp, _ in known):
            search = DeletionSearch(self.client, type_, self.page_size)
            try:
                gone = await search.deleted(known, server_total)
            except Unresolved as reason:
                log.info("deletion search gave up after %d requests: %s", search.requests, reason)
            else:
                log.info("%s: %d deleted on the server, found in %d requests", type_, len(gone), search.requests)
                return self.records.remove_ids(type_, gone)
        present: set[str] = set()
        async for page in self.client.list_all(type_, fields=["id"], page_size=self.page_size):
            present.update(record.id for record in page.records)
        if present - self.records.server_ids(type_):
            return None
        return self.records.remove_missing(type_, present)


def _high_water_of(date: str | None) -> str:
    """The high-water mark of a full listing: the server's clock when it answered page 1, less :data:`MARGIN`.

    Any record changed after page 1 was read carries a later ``updated_at`` (a change to a page read later is in
    that page), so the next incremental sync, which walks ``-updated_at`` down to this mark, fetches it; the
    margin covers the header's one-second resolution and a server whose front end and database clocks differ.
    Changes of that last minute are fetched again, which costs nothing when they fit on the first page. Without
    a usable ``Date`` the mark is ``""``: the next sync walks every record, slow but missing nothing.
    """
    if not date:
        return ""
    try:
        answered = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return ""
    if answered.tzinfo is None:
        answered = answered.replace(tzinfo=UTC)
    return format_datetime(answered - MARGIN)


def _records_of(text: str) -> list[Record]:
    """The typed records of a list document (the cache needs them only while some rows have pending edits)."""
    return parse_page(json.loads(text), 0).records
