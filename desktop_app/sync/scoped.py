"""Syncing a type kept only for the records another synced type points at (:attr:`AppType.synced_for`).

Commerce Layer's ``/api/addresses`` holds every shopper's shipping and billing address beside the few the stock
locations ship from; Stockroom shows only the latter. So such a type is never listed whole: the ids to keep are
the ones the pointing type's cached records name (the stock locations were synced just before), and they are
fetched by ``filter[q][id_in]``, one request per :attr:`Syncer.page_size` ids (Commerce Layer caps a page at 25
records, so a chunk of that many ids is one page and the URL stays near 300 characters).

A full pass fetches every wanted id under a new generation and drops the rest, as a full listing does: records no
longer pointed at, and those the server deleted. A pass cut short keeps its generation and, when resumed, fetches
the wanted ids again (a few requests: there are as many as the pointing type has records, at most).

An incremental pass costs one request when nothing new is pointed at and two when something is, up to 25 stock
locations (each further 25 cost one more request; an organisation has a few dozen locations at most):

* the ids named now but not cached (a location moved to a new address) are fetched by id, whatever their age;
* the ids already cached are asked for with ``updated_at_gt`` the high-water mark, so only changed ones come back;
* cached records no longer named are dropped without a request.

Walking the whole type by ``-updated_at``, as other types do, would also bring every shopper's address changed
since the last sync (a busy shop changes thousands an hour). No count check for deletions is needed: the server
refuses to delete a record still pointed at (423), and one no longer pointed at is dropped anyway. The high-water
mark is the server's clock when the pass's first request was answered, less the margin (see
``syncer._high_water_of``): every later change carries a later ``updated_at``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.api.records import parse_page
from desktop_app.errors import UsageError
from desktop_app.schema import app_type, get_resource
from desktop_app.store import LOCAL_ID_PREFIX, RecordStore, SyncStateStore
from desktop_app.sync.resources import includes, lean_fields

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient, Record

log = logging.getLogger("desktop_app.sync")


class Counts(NamedTuple):
    """What one pass did: records fetched, records dropped, records kept (what the scope holds on the server)."""

    fetched: int
    removed: int
    total: int


@dataclass
class ScopedSync:
    """One pass over a scoped type: ``scope`` is its :attr:`AppType.synced_for` (the pointing type and its
    relationship); ``high_water`` turns the server's ``Date`` into a high-water mark."""

    type: str
    scope: tuple[str, str]
    records: RecordStore
    sync_state: SyncStateStore
    client: CommerceLayerClient
    page_size: int
    high_water: Callable[[str | None], str]
    progress: Callable[[int, int | None], None]

    def __post_init__(self) -> None:
        self.pointing, self.relationship = self.scope
        self.requests = 0
        self._date: str | None = None
        self._expected: int | None = None

    def wanted(self) -> set[str]:
        """The ids the pointing type's cached records name (their pending values included: a location moved to
        another address offline shows that address as soon as it is fetched)."""
        if self.sync_state.get(self.pointing).full_synced_at is None:
            pointing, own = get_resource(self.pointing).plural_label, get_resource(self.type).plural_label
            raise UsageError(
                f"resources - {own.lower()} are kept only for the {pointing.lower()} that point at them, and "
                f"{pointing.lower()} were never synced: sync {app_type(self.pointing).name} first "
                f"(--resources {app_type(self.pointing).name},{app_type(self.type).name})"
            )
        named = self.records.columns(self.pointing, [self.relationship])
        return {str(i) for _, i in named if i and not str(i).startswith(LOCAL_ID_PREFIX)}

    async def full(self) -> Counts:
        wanted = self.wanted()
        generation = self.sync_state.begin_full_sync(self.type)
        self._expected = len(wanted)
        self.progress(0, self._expected)
        fetched = await self._fetch(sorted(wanted), generation, {})
        high_water = self.high_water(self._date) if self._date else ""
        removed = self.sync_state.finish_full_sync(self.type, generation, server_count=fetched, high_water=high_water)
        log.info(
            "full sync of %s: %d wanted, %d fetched in %d requests", self.type, len(wanted), fetched, self.requests
        )
        return Counts(fetched, removed, fetched)

    async def incremental(self, high_water: str) -> Counts:
        wanted = self.wanted()
        cached = self.records.server_ids(self.type)
        self.progress(0, None)
        fetched = await self._fetch(sorted(wanted - cached), None, {})
        changed = {"updated_at_gt": high_water} if high_water else {}
        fetched += await self._fetch(sorted(wanted & cached), None, changed)
        removed = self.records.remove_ids(self.type, cached - wanted) if cached - wanted else 0
        kept = self.records.server_count(self.type)
        mark = self.high_water(self._date) if self._date else high_water
        self.sync_state.finish_incremental_sync(self.type, server_count=kept, high_water=mark)
        self.progress(fetched, fetched)
        log.info(
            "incremental sync of %s: %d fetched in %d requests, %d dropped", self.type, fetched, self.requests, removed
        )
        return Counts(fetched, removed, kept)

    async def _fetch(self, ids: Sequence[str], generation: int | None, filters: dict[str, str]) -> int:
        """Fetch ``ids`` (with ``filters`` too) and store them; returns how many came back. Never sends an empty
        ``id_in``: Ransack drops a blank condition, and the answer would be every record of the type."""
        included = includes(self.type)
        fetched = 0
        for chunk in _chunks(ids, self.page_size):
            async for page in self.client.list_all_raw(
                self.type,
                filters={**filters, "id_in": list(chunk)},
                include=included or None,
                fields=lean_fields(self.type),
                page_size=self.page_size,
            ):
                self.requests += 1
                if self._date is None:
                    self._date = page.date or ""
                fetched += self.records.store_documents(self.type, [page.text], generation, _records_of, included)
                self.progress(fetched, self._expected)
        return fetched


def _chunks(ids: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _records_of(text: str) -> list[Record]:
    """The typed records of a list document (the cache needs them only while some rows have pending edits)."""
    return parse_page(json.loads(text), 0).records
